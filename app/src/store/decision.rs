//! The gunningsbeslissing: one letter per bidder, composed from the result of
//! the evaluation, sent to every bidder at the same moment (portal message and
//! e-mail), which starts the standstill; objections and kort gedingen that
//! suspend the tender until their outcome is recorded.

use super::audit::{self, Actor, NewEvent};
use super::entities::*;
use super::evaluation::{self as eval, EvalResult};
use super::{messages, WriteTx};
use crate::domain::access::Phase;
use crate::domain::calendar::{self, show_instant, Standstill};
use crate::domain::evaluation::{self as rules, Letter, LetterCriterion, LetterRank};
use crate::domain::scoring::{show_price, Method, PriceMethod, Scale};
use crate::error::AppError;
use crate::state::Clock;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use serde_json::json;

/// Points as shown in letters and on pages: two decimals, Dutch comma.
pub fn show_points(x: f64) -> String {
    format!("{x:.2}").replace('.', ",")
}

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
    pub bid_id: i32,
    pub organisation_id: i32,
    pub letter: Letter,
    pub problems: Vec<String>,
    pub row: Option<award_letters::Model>,
}

pub async fn letters<C: ConnectionTrait>(c: &C, tender: i32) -> Result<Vec<award_letters::Model>, DbErr> {
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
    let m = super::award::method_of(t).ok_or_else(|| AppError::Conflict("Deze aanbesteding heeft geen gunningsmethode.".into()))?;
    let s = eval::snapshot(c, t.id).await?;
    let Some(result) = s.result() else {
        return Err(AppError::Conflict("De consensus is nog niet vastgesteld: er is nog geen uitslag.".into()));
    };
    let advantages = s.evaluation.as_ref().map(|e| e.advantages_md.clone()).unwrap_or_default();
    let rows = letters(c, t.id).await?;
    let cons = s.consensus_map();
    let standstill = standstill_of(t, sent_at);
    let winner = result.winner();
    let mut out = vec![];
    for p in &result.plans {
        let row = rows.iter().find(|r| r.bid_id == p.bid_id).cloned();
        let letter = compose(t, &m, &result, &cons, p, winner, &advantages, row.as_ref(), sent_at, &standstill);
        let mut problems = rules::letter_problems(&letter);
        if winner.is_none() {
            problems.insert(0, result.problem().unwrap_or_else(|| "Er is geen winnende inschrijving.".into()));
        }
        out.push(Draft { bid_id: p.bid_id, organisation_id: p.organisation_id, letter, problems, row });
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn compose(
    t: &tenders::Model,
    m: &Method,
    result: &EvalResult,
    cons: &std::collections::BTreeMap<(String, String), (u32, String)>,
    p: &eval::ResultPlan,
    winner: Option<&eval::ResultPlan>,
    advantages: &str,
    row: Option<&award_letters::Model>,
    sent_at: DateTime<Utc>,
    standstill: &Standstill,
) -> Letter {
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

fn not_sent(t: &tenders::Model) -> Result<(), AppError> {
    match t.letters_sent_at {
        Some(at) => Err(AppError::Conflict(format!("De gunningsbeslissing is al verzonden op {}.", show_instant(at)))),
        None => Ok(()),
    }
}

/// Saves the characteristics and relative advantages of the winning bid.
pub async fn save_advantages(tx: &WriteTx, now: DateTime<Utc>, t: &tenders::Model, by: Actor, text: &str) -> Result<(), AppError> {
    not_sent(t)?;
    let text = super::text_up_to(text, 20_000, "De tekst")?;
    let e = evaluations::Entity::find()
        .filter(evaluations::Column::TenderId.eq(t.id))
        .one(&tx.txn)
        .await?
        .filter(|e| e.consensus_locked_at.is_some())
        .ok_or_else(|| AppError::Conflict("De consensus is nog niet vastgesteld.".into()))?;
    let mut a = e.into_active_model();
    a.advantages_md = Set(text.clone());
    a.update(&tx.txn).await?;
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by,
        action: "award.advantages_saved",
        subject: format!("gunning:{}", t.id),
        payload: json!({ "tekst": text }),
    })
    .await?;
    Ok(())
}

/// Saves the passage for one addressee.
pub async fn save_note(tx: &WriteTx, now: DateTime<Utc>, t: &tenders::Model, by: Actor, bid: i32, text: &str) -> Result<(), AppError> {
    not_sent(t)?;
    let text = super::text_up_to(text, 10_000, "De tekst")?;
    let s = eval::snapshot(&tx.txn, t.id).await?;
    let plan = s.plans.iter().find(|p| p.bid_id == bid).ok_or_else(|| AppError::NotFound("Deze inschrijving bestaat niet.".into()))?;
    let b = bids::Entity::find_by_id(plan.bid_id).one(&tx.txn).await?.ok_or(AppError::Internal)?;
    match letters(&tx.txn, t.id).await?.into_iter().find(|r| r.bid_id == bid) {
        Some(r) => {
            let mut a = r.into_active_model();
            a.note_md = Set(text.clone());
            a.update(&tx.txn).await?;
        }
        None => {
            award_letters::ActiveModel {
                tender_id: Set(t.id),
                bid_id: Set(bid),
                organisation_id: Set(b.organisation_id),
                note_md: Set(text.clone()),
                ..Default::default()
            }
            .insert(&tx.txn)
            .await?;
        }
    }
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by,
        action: "award.letter_note_saved",
        subject: format!("inschrijving:{bid}"),
        payload: json!({ "tekst": text }),
    })
    .await?;
    Ok(())
}

/// Sends every letter at the same moment: frozen letters, a portal message and
/// e-mails per bidder, the standstill on the tender, one event, and the move
/// to the standstill phase, all in one transaction. Refused while any letter
/// lacks a required part.
pub async fn send(tx: &WriteTx, clock: &Clock, t: &tenders::Model, by: Actor) -> Result<Standstill, AppError> {
    not_sent(t)?;
    if super::tenders::phase(t) != Phase::Gunningsvoornemen {
        return Err(AppError::Conflict("De gunningsbeslissing gaat uit in de fase gunningsvoornemen.".into()));
    }
    let now = super::procedure::tender_now(t, clock);
    let drafts = drafts(&tx.txn, t, now).await?;
    let problems: Vec<String> = drafts.iter().flat_map(|d| d.problems.clone()).collect();
    if !problems.is_empty() {
        return Err(AppError::Conflict(format!("Niet verzonden: niet elke brief is compleet. {}", problems.join(" "))));
    }
    if drafts.is_empty() {
        return Err(AppError::Conflict("Er is geen inschrijver om te berichten.".into()));
    }
    let standstill = standstill_of(t, now);
    let link = format!("/aanbesteding/{}/gunning", t.id);
    let mut listed = vec![];
    for d in &drafts {
        let body = rules::letter_markdown(&d.letter);
        let sha = super::documents::sha256_hex(body.as_bytes());
        match &d.row {
            Some(r) => {
                let mut a = r.clone().into_active_model();
                a.body_md = Set(Some(body.clone()));
                a.sha256 = Set(Some(sha.clone()));
                a.sent_at = Set(Some(now));
                a.update(&tx.txn).await?;
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
                .insert(&tx.txn)
                .await?;
            }
        }
        messages::to_organisation(&tx.txn, now, Some(t.id), d.organisation_id, &format!("Gunningsbeslissing {}", t.title), &body, Some(&link))
            .await?;
        listed.push(json!({ "organisatie": d.letter.addressee, "sha256": sha }));
    }
    let mut a = t.clone().into_active_model();
    a.letters_sent_at = Set(Some(now));
    a.standstill_ends_at = Set(Some(standstill.ends_at));
    a.update(&tx.txn).await?;
    audit::append(tx, clock.now(), NewEvent {
        tender: Some(t.id),
        actor: by.clone(),
        action: "award.decision_sent",
        subject: format!("gunning:{}", t.id),
        payload: json!({
            "verzonden_op": now.to_rfc3339(),
            "standstill_eerste_dag": standstill.first_day.to_string(),
            "standstill_laatste_dag": standstill.last_day.to_string(),
            "standstill_einde": standstill.ends_at.to_rfc3339(),
            "brieven": listed,
        }),
    })
    .await?;
    super::procedure::transition(tx, clock, t.id, by, Phase::Standstill, "").await?;
    Ok(standstill)
}

/// The letter sent to an organisation, if any.
pub async fn letter_for<C: ConnectionTrait>(c: &C, tender: i32, organisation: i32) -> Result<Option<award_letters::Model>, DbErr> {
    Ok(award_letters::Entity::find()
        .filter(award_letters::Column::TenderId.eq(tender))
        .filter(award_letters::Column::OrganisationId.eq(organisation))
        .filter(award_letters::Column::SentAt.is_not_null())
        .one(c)
        .await?)
}

/// Records that the addressee opened its letter (the first time only).
pub async fn mark_read(tx: &WriteTx, now: DateTime<Utc>, t: &tenders::Model, by: Actor, letter: &award_letters::Model) -> Result<(), AppError> {
    if letter.read_at.is_some() {
        return Ok(());
    }
    let mut a = letter.clone().into_active_model();
    a.read_at = Set(Some(now));
    a.update(&tx.txn).await?;
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by,
        action: "award.letter_read",
        subject: format!("inschrijving:{}", letter.bid_id),
        payload: json!({ "sha256": letter.sha256 }),
    })
    .await?;
    Ok(())
}

pub async fn objections<C: ConnectionTrait>(c: &C, tender: i32) -> Result<Vec<objections::Model>, DbErr> {
    objections::Entity::find()
        .filter(objections::Column::TenderId.eq(tender))
        .order_by_asc(objections::Column::Id)
        .all(c)
        .await
}

pub fn objection_kind_label(kind: &str) -> &'static str {
    if kind == "kort_geding" {
        "kort geding"
    } else {
        "bezwaar"
    }
}

/// Registers an objection or kort geding: the tender is suspended (in the
/// same transaction) until the inkoper records the outcome.
#[allow(clippy::too_many_arguments)]
pub async fn register_objection(
    tx: &WriteTx,
    clock: &Clock,
    t: &tenders::Model,
    by: Actor,
    by_name: &str,
    kind: &str,
    filed_by: &str,
    received: DateTime<Utc>,
    description: &str,
) -> Result<(), AppError> {
    if !matches!(kind, "bezwaar" | "kort_geding") {
        return Err(AppError::Invalid("Kies bezwaar of kort geding.".into()));
    }
    let filed_by = super::required_text(filed_by, 300, "De naam van de indiener")?;
    let description = super::required_text(description, 10_000, "De omschrijving van het bezwaar of kort geding")?;
    let phase = super::tenders::phase(t);
    if !matches!(phase, Phase::Standstill | Phase::Gegund | Phase::Opgeschort) || t.letters_sent_at.is_none() {
        return Err(AppError::Conflict("Een bezwaar tegen de gunningsbeslissing registreert u na het verzenden en vóór de ondertekening.".into()));
    }
    let now = clock.now();
    let o = objections::ActiveModel {
        tender_id: Set(t.id),
        kind: Set(kind.into()),
        filed_by: Set(filed_by.clone()),
        received_at: Set(received),
        description: Set(description.clone()),
        registered_at: Set(now),
        registered_by: Set(by_name.into()),
        ..Default::default()
    }
    .insert(&tx.txn)
    .await?;
    let label = objection_kind_label(kind);
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by.clone(),
        action: "award.objection_registered",
        subject: format!("bezwaar:{}", o.id),
        payload: json!({ "soort": label, "ingediend_door": filed_by, "ontvangen_op": received.to_rfc3339(), "omschrijving": description }),
    })
    .await?;
    if phase != Phase::Opgeschort {
        let reason = format!("{} van {filed_by}", if kind == "kort_geding" { "Kort geding" } else { "Bezwaar" });
        super::procedure::transition(tx, clock, t.id, by, Phase::Opgeschort, &reason).await?;
        messages::to_all_bidders(
            &tx.txn,
            now,
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
#[allow(clippy::too_many_arguments)]
pub async fn decide_objection(
    tx: &WriteTx,
    clock: &Clock,
    t: &tenders::Model,
    by: Actor,
    by_name: &str,
    id: i32,
    cancel: bool,
    note: &str,
) -> Result<(), AppError> {
    let note = super::required_text(note, 10_000, "De beschrijving van de uitkomst")?;
    let all = objections(&tx.txn, t.id).await?;
    let o = all.iter().find(|o| o.id == id).ok_or_else(|| AppError::NotFound("Dit bezwaar bestaat niet.".into()))?;
    if o.outcome.is_some() {
        return Err(AppError::Conflict("De uitkomst van dit bezwaar is al vastgelegd.".into()));
    }
    let now = clock.now();
    let mut a = o.clone().into_active_model();
    a.outcome = Set(Some(if cancel { "ingetrokken" } else { "hervat" }.into()));
    a.outcome_note = Set(Some(note.clone()));
    a.decided_at = Set(Some(now));
    a.decided_by = Set(Some(by_name.into()));
    a.update(&tx.txn).await?;
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by.clone(),
        action: "award.objection_decided",
        subject: format!("bezwaar:{}", o.id),
        payload: json!({ "uitkomst": if cancel { "aanbesteding ingetrokken" } else { "procedure hervat" }, "toelichting": note }),
    })
    .await?;
    let pending = all.iter().filter(|x| x.id != id && x.outcome.is_none()).count();
    let phase = super::tenders::phase(t);
    if cancel {
        super::procedure::transition(tx, clock, t.id, by, Phase::Ingetrokken, &format!("Na {}: {note}", objection_kind_label(&o.kind))).await?;
        messages::to_all_bidders(
            &tx.txn,
            now,
            t.id,
            &format!("Aanbesteding ingetrokken: {}", t.title),
            &format!("Na het {} is de aanbesteding ingetrokken. {note}", objection_kind_label(&o.kind)),
            Some(&format!("/aanbesteding/{}", t.id)),
        )
        .await?;
    } else if pending == 0 && phase == Phase::Opgeschort {
        let back = t.suspended_phase.as_deref().and_then(Phase::parse).ok_or(AppError::Internal)?;
        super::procedure::transition(tx, clock, t.id, by, back, "").await?;
        messages::to_all_bidders(
            &tx.txn,
            now,
            t.id,
            &format!("Aanbesteding hervat: {}", t.title),
            &format!("De opschorting is opgeheven; de procedure gaat verder in de fase {}.", back.label().to_lowercase()),
            Some(&format!("/aanbesteding/{}", t.id)),
        )
        .await?;
    }
    Ok(())
}
