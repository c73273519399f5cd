//! The gunningsbeslissing: one letter per bidder, composed from the result of
//! the evaluation, sent to every bidder at the same moment (portal message and
//! e-mail), which starts the standstill; objections and kort gedingen that
//! suspend the tender until their outcome is recorded.

use super::column::Coded;
use super::entities::*;
use super::evaluation::{self as eval, EvalResult};
use super::event::{Event, LetterLine, Subject};
use super::messages;
use super::op::Op;
use crate::domain::access::Phase;
use crate::domain::calendar::{self, show_instant, Standstill};
use crate::domain::digest::sha256_hex;
use crate::domain::evaluation::{self as rules, Letter, LetterCriterion, LetterRank};
use crate::domain::money::{show_points, show_price};
use crate::domain::refusal::{required_text, text_up_to};
use crate::domain::scoring::{Method, PriceMethod, Scale};
use crate::domain::status::{ObjectionKind, ObjectionOutcome};
use crate::error::AppError;
use crate::ids::{BidId, ObjectionId, OrganisationId, TenderId};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};

/// A total as the method defines it: points, or a fictional price for gunnen op waarde.
pub fn show_total(m: &Method, total: f64) -> String {
    match m.price {
        PriceMethod::Value { .. } => format!("{} (fictieve prijs)", show_price(total.round() as i64)),
        _ => format!("{} punten", show_points(total)),
    }
}

/// One bidder's letter as it would be (or was) sent.
#[derive(Clone, Debug)]
pub struct Draft {
    pub bid_id: BidId,
    pub organisation_id: OrganisationId,
    pub letter: Letter,
    pub problems: Vec<String>,
    pub row: Option<award_letters::Model>,
}

pub async fn letters<C: ConnectionTrait>(c: &C, tender: TenderId) -> Result<Vec<award_letters::Model>, DbErr> {
    award_letters::Entity::find()
        .filter(award_letters::Column::TenderId.eq(tender))
        .order_by_asc(award_letters::Column::Id)
        .all(c)
        .await
}

/// The standstill that sending at `sent` starts, by the tender's settings.
pub fn standstill_of(t: &tenders::Model, sent: DateTime<Utc>) -> Standstill {
    calendar::standstill(sent, t.standstill_days.max(1) as u32, t.standstill_weekend)
}

/// The letters for every bidder, composed as if sent at `sent_at`.
pub async fn drafts<C: ConnectionTrait>(c: &C, t: &tenders::Model, sent_at: DateTime<Utc>) -> Result<Vec<Draft>, AppError> {
    let m = super::award::required_method(t)?;
    let s = eval::snapshot(c, t.id).await?;
    let Some(result) = s.result() else {
        return Err(AppError::Conflict("De consensus is nog niet vastgesteld: er is nog geen uitslag.".into()));
    };
    let advantages = s.evaluation.as_ref().map(|e| e.advantages_md.clone()).unwrap_or_default();
    let rows = letters(c, t.id).await?;
    let cons = s.consensus_map();
    let standstill = standstill_of(t, sent_at);
    let winner = result.winner();
    let ctx = Context { t, m: &m, result: &result, cons: &cons, winner, advantages: &advantages, sent_at, standstill: &standstill };
    let mut out = vec![];
    for p in &result.plans {
        let row = rows.iter().find(|r| r.bid_id == p.bid_id).cloned();
        let letter = ctx.compose(p, row.as_ref());
        let mut problems = rules::letter_problems(&letter);
        if winner.is_none() {
            problems.insert(0, result.problem().unwrap_or_else(|| "Er is geen winnende inschrijving.".into()));
        }
        out.push(Draft { bid_id: p.bid_id, organisation_id: p.organisation_id, letter, problems, row });
    }
    Ok(out)
}

/// What every letter of one decision is composed from.
struct Context<'a> {
    t: &'a tenders::Model,
    m: &'a Method,
    result: &'a EvalResult,
    cons: &'a std::collections::BTreeMap<(String, String), (u32, String)>,
    winner: Option<&'a eval::ResultPlan>,
    advantages: &'a str,
    sent_at: DateTime<Utc>,
    standstill: &'a Standstill,
}

impl Context<'_> {
    /// The letter to the bidder of plan `p`.
    fn compose(&self, p: &eval::ResultPlan, row: Option<&award_letters::Model>) -> Letter {
        let Context { t, m, result, cons, winner, advantages, sent_at, standstill } = *self;
        let is_winner = winner.is_some_and(|w| w.pseudonym == p.pseudonym);
        let failed: Vec<String> = m
            .leaves()
            .iter()
            .filter(|c| c.scale == Scale::PassFail && p.levels.get(&c.code) == Some(&0))
            .map(|c| format!("{} {}", c.code, c.name))
            .collect();
        let excluded_reason = if !p.valid {
            Some(p.note.clone().unwrap_or_default())
        } else if result.outcome.excluded.contains(&p.pseudonym) {
            Some(format!("uw inschrijving voldoet niet aan: {}.", failed.join(", ")))
        } else {
            None
        };
        let cell = |plan: &str, code: &str, scale: &Scale| {
            cons.get(&(plan.to_string(), code.to_string())).map(|(l, mot)| (rules::level_text(scale, *l), mot.clone()))
        };
        let criteria = if excluded_reason.is_none() {
            m.leaves()
                .iter()
                .map(|c| LetterCriterion {
                    code: c.code.clone(),
                    name: c.name.clone(),
                    weight: if c.scale == Scale::PassFail { "voldoet / voldoet niet".into() } else { show_points(c.weight) },
                    own: cell(&p.pseudonym, &c.code, &c.scale),
                    winner: winner.and_then(|w| cell(&w.pseudonym, &c.code, &c.scale)),
                })
                .collect()
        } else {
            vec![]
        };
        let total_of = |plan: &str| result.outcome.ranking.iter().find(|r| r.label == plan).map(|r| show_total(m, r.total));
        let totals = match (total_of(&p.pseudonym), winner.and_then(|w| total_of(&w.pseudonym))) {
            (Some(a), Some(b)) => Some((a, b)),
            _ => None,
        };
        let ranking = result
            .outcome
            .ranking
            .iter()
            .map(|r| LetterRank {
                rank: r.rank,
                who: if r.label == p.pseudonym {
                    if is_winner { rules::OWN_WINNING_BID.into() } else { rules::OWN_BID.into() }
                } else if winner.is_some_and(|w| w.pseudonym == r.label) {
                    winner.map(|w| w.organisation.clone()).unwrap_or_default()
                } else {
                    "andere inschrijving".into()
                },
                total: show_total(m, r.total),
            })
            .collect();
        Letter {
            tender_title: t.title.clone(),
            reference: t.reference.clone(),
            addressee: p.organisation.clone(),
            winner: winner.map(|w| w.organisation.clone()).unwrap_or_default(),
            addressee_is_winner: is_winner,
            excluded_reason,
            criteria,
            totals,
            ranking,
            advantages: advantages.to_string(),
            note: row.map(|r| r.note_md.clone()).unwrap_or_default(),
            sent_at: Some(sent_at),
            standstill: Some(standstill.clone()),
        }
    }
}

fn not_sent(t: &tenders::Model) -> Result<(), AppError> {
    match t.letters_sent_at {
        Some(at) => Err(AppError::Conflict(format!("De gunningsbeslissing is al verzonden op {}.", show_instant(at)))),
        None => Ok(()),
    }
}

/// Saves the characteristics and relative advantages of the winning bid.
pub async fn save_advantages(op: &mut Op, text: &str) -> Result<(), AppError> {
    not_sent(op.tender())?;
    let text = text_up_to(text, 20_000, "De tekst")?;
    let e = evaluations::Entity::find()
        .filter(evaluations::Column::TenderId.eq(op.tender_id()))
        .one(op.txn())
        .await?
        .filter(|e| e.consensus_locked_at.is_some())
        .ok_or_else(|| AppError::Conflict("De consensus is nog niet vastgesteld.".into()))?;
    let mut a = e.into_active_model();
    a.advantages_md = Set(text.clone());
    a.update(op.txn()).await?;
    op.record(Event::AdvantagesSaved { subject: Subject::Award(op.tender_id()), tekst: text }).await?;
    Ok(())
}

/// Saves the passage for one addressee.
pub async fn save_note(op: &mut Op, bid: BidId, text: &str) -> Result<(), AppError> {
    not_sent(op.tender())?;
    let text = text_up_to(text, 10_000, "De tekst")?;
    let tender = op.tender_id();
    let s = eval::snapshot(op.txn(), tender).await?;
    let plan = s.plans.iter().find(|p| p.bid_id == bid).ok_or_else(|| AppError::NotFound("Deze inschrijving bestaat niet.".into()))?;
    let b = bids::Entity::find_by_id(plan.bid_id).one(op.txn()).await?.ok_or(AppError::Internal)?;
    match letters(op.txn(), tender).await?.into_iter().find(|r| r.bid_id == bid) {
        Some(r) => {
            let mut a = r.into_active_model();
            a.note_md = Set(text.clone());
            a.update(op.txn()).await?;
        }
        None => {
            award_letters::ActiveModel {
                tender_id: Set(tender),
                bid_id: Set(bid),
                organisation_id: Set(b.organisation_id),
                note_md: Set(text.clone()),
                ..Default::default()
            }
            .insert(op.txn())
            .await?;
        }
    }
    op.record(Event::LetterNoteSaved { subject: Subject::Bid(bid), tekst: text }).await?;
    Ok(())
}

/// Sends every letter at the same moment: frozen letters, a portal message and
/// e-mails per bidder, the standstill on the tender, one event, and the move
/// to the standstill phase, all in one operation. Refused while any letter
/// lacks a required part.
pub async fn send(op: &mut Op) -> Result<Standstill, AppError> {
    let t = op.tender().clone();
    not_sent(&t)?;
    if *t.phase != Phase::Gunningsvoornemen {
        return Err(AppError::Conflict("De gunningsbeslissing gaat uit in de fase gunningsvoornemen.".into()));
    }
    let now = op.tender_now();
    let drafts = drafts(op.txn(), &t, now).await?;
    let problems: Vec<String> = drafts.iter().flat_map(|d| d.problems.clone()).collect();
    if !problems.is_empty() {
        return Err(AppError::Conflict(format!("Niet verzonden: niet elke brief is compleet. {}", problems.join(" "))));
    }
    if drafts.is_empty() {
        return Err(AppError::Conflict("Er is geen inschrijver om te berichten.".into()));
    }
    let standstill = standstill_of(&t, now);
    let link = format!("/aanbesteding/{}/gunning", t.id);
    let mut listed = vec![];
    for d in &drafts {
        let body = rules::letter_markdown(&d.letter);
        let sha = sha256_hex(body.as_bytes());
        match &d.row {
            Some(r) => {
                let mut a = r.clone().into_active_model();
                a.body_md = Set(Some(body.clone()));
                a.sha256 = Set(Some(sha.clone()));
                a.sent_at = Set(Some(now));
                a.update(op.txn()).await?;
            }
            None => {
                award_letters::ActiveModel {
                    tender_id: Set(t.id),
                    bid_id: Set(d.bid_id),
                    organisation_id: Set(d.organisation_id),
                    note_md: Set(String::new()),
                    body_md: Set(Some(body.clone())),
                    sha256: Set(Some(sha.clone())),
                    sent_at: Set(Some(now)),
                    ..Default::default()
                }
                .insert(op.txn())
                .await?;
            }
        }
        messages::to_organisation(op, Some(t.id), d.organisation_id, &format!("Gunningsbeslissing {}", t.title), &body, Some(&link))
            .await?;
        listed.push(LetterLine { organisatie: d.letter.addressee.clone(), sha256: sha });
    }
    let mut a = t.clone().into_active_model();
    a.letters_sent_at = Set(Some(now));
    a.standstill_ends_at = Set(Some(standstill.ends_at));
    let t2 = a.update(op.txn()).await?;
    op.set_tender(t2);
    op.record(Event::DecisionSent {
        subject: Subject::Award(t.id),
        verzonden_op: now.to_rfc3339(),
        standstill_eerste_dag: standstill.first_day.to_string(),
        standstill_laatste_dag: standstill.last_day.to_string(),
        standstill_einde: standstill.ends_at.to_rfc3339(),
        brieven: listed,
    })
    .await?;
    super::procedure::transition(op, Phase::Standstill, "").await?;
    Ok(standstill)
}

/// The letter sent to an organisation, if any.
pub async fn letter_for<C: ConnectionTrait>(c: &C, tender: TenderId, organisation: OrganisationId) -> Result<Option<award_letters::Model>, DbErr> {
    award_letters::Entity::find()
        .filter(award_letters::Column::TenderId.eq(tender))
        .filter(award_letters::Column::OrganisationId.eq(organisation))
        .filter(award_letters::Column::SentAt.is_not_null())
        .one(c)
        .await
}

/// Records that the addressee opened its letter (the first time only).
/// Returns false when it was read before (and nothing was recorded).
pub async fn mark_read(op: &mut Op, letter: &award_letters::Model) -> Result<bool, AppError> {
    if letter.read_at.is_some() {
        return Ok(false);
    }
    let mut a = letter.clone().into_active_model();
    a.read_at = Set(Some(op.when()));
    a.update(op.txn()).await?;
    op.record(Event::LetterRead { subject: Subject::Bid(letter.bid_id), sha256: letter.sha256.clone() }).await?;
    Ok(true)
}

pub async fn objections<C: ConnectionTrait>(c: &C, tender: TenderId) -> Result<Vec<objections::Model>, DbErr> {
    objections::Entity::find()
        .filter(objections::Column::TenderId.eq(tender))
        .order_by_asc(objections::Column::Id)
        .all(c)
        .await
}

/// Registers an objection or kort geding: the tender is suspended (in the
/// same operation) until the inkoper records the outcome.
pub async fn register_objection(
    op: &mut Op,
    kind: ObjectionKind,
    filed_by: &str,
    received: DateTime<Utc>,
    description: &str,
) -> Result<(), AppError> {
    let filed_by = required_text(filed_by, 300, "De naam van de indiener")?;
    let description = required_text(description, 10_000, "De omschrijving van het bezwaar of kort geding")?;
    let t = op.tender().clone();
    let phase = *t.phase;
    if !matches!(phase, Phase::Standstill | Phase::Gegund | Phase::Opgeschort) || t.letters_sent_at.is_none() {
        return Err(AppError::Conflict("Een bezwaar tegen de gunningsbeslissing registreert u na het verzenden en vóór de ondertekening.".into()));
    }
    let now = op.when();
    let o = objections::ActiveModel {
        tender_id: Set(t.id),
        kind: Set(Coded(kind)),
        filed_by: Set(filed_by.clone()),
        received_at: Set(received),
        description: Set(description.clone()),
        registered_at: Set(now),
        registered_by: Set(op.user()?.display_name.clone()),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    let label = kind.label();
    op.record(Event::ObjectionRegistered {
        subject: Subject::Objection(o.id),
        soort: label.into(),
        ingediend_door: filed_by.clone(),
        ontvangen_op: received.to_rfc3339(),
        omschrijving: description,
    })
    .await?;
    if phase != Phase::Opgeschort {
        let reason = format!("{} van {filed_by}", if kind == ObjectionKind::KortGeding { "Kort geding" } else { "Bezwaar" });
        super::procedure::transition(op, Phase::Opgeschort, &reason).await?;
        messages::to_all_bidders(
            op,
            t.id,
            &format!("Aanbesteding opgeschort: {}", t.title),
            &format!("De aanbesteding is opgeschort wegens een {label}. Tot de uitkomst daarvan wordt de overeenkomst niet ondertekend."),
            Some(&format!("/aanbesteding/{}", t.id)),
        )
        .await?;
    }
    Ok(())
}

/// Records the outcome of an objection: the procedure continues (when no
/// other objection is pending it returns to the phase it was suspended in),
/// or the tender is cancelled.
pub async fn decide_objection(op: &mut Op, id: ObjectionId, cancel: bool, note: &str) -> Result<(), AppError> {
    let note = required_text(note, 10_000, "De beschrijving van de uitkomst")?;
    let t = op.tender().clone();
    let all = objections(op.txn(), t.id).await?;
    let o = all.iter().find(|o| o.id == id).ok_or_else(|| AppError::NotFound("Dit bezwaar bestaat niet.".into()))?;
    if o.outcome.is_some() {
        return Err(AppError::Conflict("De uitkomst van dit bezwaar is al vastgelegd.".into()));
    }
    let now = op.when();
    let mut a = o.clone().into_active_model();
    a.outcome = Set(Some(Coded(if cancel { ObjectionOutcome::Ingetrokken } else { ObjectionOutcome::Hervat })));
    a.outcome_note = Set(Some(note.clone()));
    a.decided_at = Set(Some(now));
    a.decided_by = Set(Some(op.user()?.display_name.clone()));
    a.update(op.txn()).await?;
    op.record(Event::ObjectionDecided {
        subject: Subject::Objection(o.id),
        uitkomst: if cancel { "aanbesteding ingetrokken" } else { "procedure hervat" }.into(),
        toelichting: note.clone(),
    })
    .await?;
    let pending = all.iter().filter(|x| x.id != id && x.outcome.is_none()).count();
    let phase = *t.phase;
    let kind = o.kind.label();
    if cancel {
        super::procedure::transition(op, Phase::Ingetrokken, &format!("Na {kind}: {note}")).await?;
        messages::to_all_bidders(
            op,
            t.id,
            &format!("Aanbesteding ingetrokken: {}", t.title),
            &format!("Na het {kind} is de aanbesteding ingetrokken. {note}"),
            Some(&format!("/aanbesteding/{}", t.id)),
        )
        .await?;
    } else if pending == 0 && phase == Phase::Opgeschort {
        let back = t.suspended_phase.map(Coded::into_inner).ok_or(AppError::Internal)?;
        super::procedure::transition(op, back, "").await?;
        messages::to_all_bidders(
            op,
            t.id,
            &format!("Aanbesteding hervat: {}", t.title),
            &format!("De opschorting is opgeheven; de procedure gaat verder in de fase {}.", back.label().to_lowercase()),
            Some(&format!("/aanbesteding/{}", t.id)),
        )
        .await?;
    }
    Ok(())
}
