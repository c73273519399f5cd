//! The procedure of one tender: its clock (real or simulated), the facts the
//! phase guards look at, phase transitions, the calendar, and the deadlines the
//! scheduler closes.

use super::audit::{self, Actor, NewEvent};
use super::entities::*;
use super::WriteTx;
use crate::domain::access::{Phase, Role};
use crate::domain::calendar::{on_time, show_instant};
use crate::domain::procedure::{self as rules, Facts};
use crate::error::AppError;
use crate::state::Clock;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;

/// The actor of an audit event for a user acting in a role.
pub fn actor(user: &users::Model, role: Role) -> Actor {
    Actor { id: user.pseudonym.clone(), role: role.code().into() }
}

/// "Now" for a tender: its simulated clock in training mode, the real clock otherwise.
pub fn tender_now(t: &tenders::Model, clock: &Clock) -> DateTime<Utc> {
    if t.training {
        t.simulated_now.unwrap_or_else(|| clock.now())
    } else {
        clock.now()
    }
}

/// Reads the tender again inside a write transaction (its phase may have moved).
pub async fn reload<C: ConnectionTrait>(c: &C, id: i32) -> Result<tenders::Model, AppError> {
    super::tenders::by_id(c, id).await?.ok_or_else(|| AppError::NotFound("Deze aanbesteding bestaat niet.".into()))
}

/// Begins a writing transaction on one tender: the tender as it is inside the
/// lock, and "now" on its clock.
pub async fn write_for(db: &super::Db, clock: &Clock, id: i32) -> Result<(WriteTx, tenders::Model, DateTime<Utc>), AppError> {
    let tx = db.write().await?;
    let t = reload(&tx.txn, id).await?;
    let now = tender_now(&t, clock);
    Ok((tx, t, now))
}

pub fn phase_of(t: &tenders::Model) -> Phase {
    super::tenders::phase(t)
}

/// Gathers what the phase guards look at.
pub async fn facts<C: ConnectionTrait>(c: &C, t: &tenders::Model, now: DateTime<Utc>) -> Result<Facts, DbErr> {
    let docs = documents::Entity::find().filter(documents::Column::TenderId.eq(t.id)).all(c).await?;
    let mut with_version = 0;
    for d in &docs {
        if document_versions::Entity::find()
            .filter(document_versions::Column::DocumentId.eq(d.id))
            .count(c)
            .await?
            > 0
        {
            with_version += 1;
        }
    }
    let rounds = dialogue_rounds::Entity::find().filter(dialogue_rounds::Column::TenderId.eq(t.id)).all(c).await?;
    let part_defs = bid_part_defs::Entity::find().filter(bid_part_defs::Column::TenderId.eq(t.id)).count(c).await?;
    let unpublished = nvi_rounds::Entity::find()
        .filter(nvi_rounds::Column::TenderId.eq(t.id))
        .filter(nvi_rounds::Column::PublishedAt.is_null())
        .count(c)
        .await?;
    let opening_confirmed = openings::Entity::find()
        .filter(openings::Column::TenderId.eq(t.id))
        .filter(openings::Column::ConfirmedAt.is_not_null())
        .count(c)
        .await?
        > 0;
    let (evaluators, chair, consensus_locked, ranking_problem) = super::evaluation::facts(c, t.id).await?;
    let buyers = tender_buyers::Entity::find().filter(tender_buyers::Column::TenderId.eq(t.id)).all(c).await?;
    Ok(Facts {
        now,
        publication_planned: t.publication_planned,
        submission_deadline: t.submission_deadline,
        documents: with_version,
        part_defs: part_defs as usize,
        award_method_problem: match super::award::method_of(t) {
            None => Some("er is nog geen gunningsmethode vastgelegd.".into()),
            Some(m) => m.check().err().map(|e| e.join(" ")),
        },
        dialogue_rounds: rounds.len(),
        open_dialogue_rounds: rounds.iter().filter(|r| r.status == "open").count(),
        unpublished_nvi_rounds: unpublished as usize,
        opening_confirmed,
        evaluators,
        chair,
        consensus_locked,
        ranking_problem,
        letters_sent: t.letters_sent_at.is_some(),
        standstill_ends: t.standstill_ends_at,
        participating_gemeenten: buyers.iter().filter(|b| b.status != "teruggetrokken").count(),
        signed_gemeenten: buyers.iter().filter(|b| b.status == "ondertekend").count(),
        contract_start: t.contract_start,
        suspended_phase: t.suspended_phase.as_deref().and_then(Phase::parse),
    })
}

/// Moves the tender to `to` when the guard allows it, with one audit event.
pub async fn transition(
    tx: &WriteTx,
    clock: &Clock,
    tender_id: i32,
    by: Actor,
    to: Phase,
    reason: &str,
) -> Result<tenders::Model, AppError> {
    let t = reload(&tx.txn, tender_id).await?;
    let from = phase_of(&t);
    let now = tender_now(&t, clock);
    let f = facts(&tx.txn, &t, now).await?;
    rules::check(from, to, &f, reason).map_err(AppError::Conflict)?;
    let mut m = t.clone().into_active_model();
    m.phase = Set(to.code().into());
    match to {
        Phase::Opgeschort => {
            m.suspended_phase = Set(Some(from.code().into()));
            m.phase_note = Set(Some(reason.trim().into()));
        }
        Phase::Ingetrokken => m.phase_note = Set(Some(reason.trim().into())),
        _ if from == Phase::Opgeschort => {
            m.suspended_phase = Set(None);
            m.phase_note = Set(None);
        }
        _ => {}
    }
    if to == Phase::Gepubliceerd {
        m.published_at = Set(Some(now));
    }
    let t2 = m.update(&tx.txn).await?;
    audit::append(tx, clock.now(), NewEvent {
        tender: Some(t.id),
        actor: by,
        action: "tender.phase_changed",
        subject: format!("tender:{}", t.id),
        payload: json!({
            "van": from.code(), "naar": to.code(), "reden": reason.trim(),
            "tijdstip_aanbesteding": now.to_rfc3339(),
        }),
    })
    .await?;
    Ok(t2)
}

/// The calendar as the inkoper plans it before publication.
pub struct Plan {
    pub publication: DateTime<Utc>,
    pub submission_deadline: DateTime<Utc>,
    pub award_planned: Option<DateTime<Utc>>,
    pub signing_planned: Option<DateTime<Utc>>,
}

/// Plans the calendar. Before publication only: afterwards a date changes only
/// through a Nota van Inlichtingen.
pub async fn plan(tx: &WriteTx, clock: &Clock, tender_id: i32, by: Actor, p: Plan) -> Result<(), AppError> {
    let t = reload(&tx.txn, tender_id).await?;
    if phase_of(&t) != Phase::Concept {
        return Err(AppError::Conflict(
            "De aanbesteding is gepubliceerd: een datum verandert nu alleen via een genummerde Nota van Inlichtingen.".into(),
        ));
    }
    if p.submission_deadline <= p.publication {
        return Err(AppError::Invalid("De sluitingstermijn moet na de publicatiedatum liggen.".into()));
    }
    if let Some(a) = p.award_planned {
        if a <= p.submission_deadline {
            return Err(AppError::Invalid("De geplande gunning moet na de sluitingstermijn liggen.".into()));
        }
        if let Some(s) = p.signing_planned {
            if s <= a {
                return Err(AppError::Invalid("De geplande ondertekening moet na de geplande gunning liggen.".into()));
            }
        }
    }
    let mut m = t.clone().into_active_model();
    m.publication_planned = Set(p.publication);
    m.submission_deadline = Set(Some(p.submission_deadline));
    m.award_planned = Set(p.award_planned);
    m.signing_planned = Set(p.signing_planned);
    m.update(&tx.txn).await?;
    audit::append(tx, clock.now(), NewEvent {
        tender: Some(t.id),
        actor: by,
        action: "tender.calendar_planned",
        subject: format!("tender:{}", t.id),
        payload: json!({
            "publicatie": p.publication.to_rfc3339(),
            "sluitingstermijn": p.submission_deadline.to_rfc3339(),
            "gunning_gepland": p.award_planned.map(|d| d.to_rfc3339()),
            "ondertekening_gepland": p.signing_planned.map(|d| d.to_rfc3339()),
        }),
    })
    .await?;
    Ok(())
}

/// Sets the simulated clock of a training tender. It only moves forward; a real
/// tender has no simulated clock.
pub async fn set_clock(tx: &WriteTx, clock: &Clock, tender_id: i32, by: Actor, to: DateTime<Utc>) -> Result<(), AppError> {
    let t = reload(&tx.txn, tender_id).await?;
    if !t.training {
        return Err(AppError::Forbidden(
            "Deze aanbesteding is echt: zij loopt op de werkelijke tijd en heeft geen gesimuleerde klok.".into(),
        ));
    }
    let current = tender_now(&t, clock);
    if to < current {
        return Err(AppError::Invalid(format!(
            "De gesimuleerde klok kan alleen vooruit (nu {}).",
            show_instant(current)
        )));
    }
    let mut m = t.clone().into_active_model();
    m.simulated_now = Set(Some(to));
    m.update(&tx.txn).await?;
    audit::append(tx, clock.now(), NewEvent {
        tender: Some(t.id),
        actor: by,
        action: "training.clock_set",
        subject: format!("tender:{}", t.id),
        payload: json!({ "van": current.to_rfc3339(), "naar": to.to_rfc3339() }),
    })
    .await?;
    Ok(())
}

/// Closes every question round and submission window whose deadline has passed
/// (on the tender's own clock). Returns how many were closed. Run by the
/// scheduler: on time, and after a restart for whatever was missed.
pub async fn close_due(db: &super::Db, clock: &Clock) -> Result<usize, DbErr> {
    let mut closed = 0;
    let tx = db.write().await?;
    for t in super::tenders::all(&tx.txn).await? {
        let now = tender_now(&t, clock);
        let due = nvi_rounds::Entity::find()
            .filter(nvi_rounds::Column::TenderId.eq(t.id))
            .filter(nvi_rounds::Column::ClosedAt.is_null())
            .filter(nvi_rounds::Column::QuestionDeadline.lt(now))
            .order_by_asc(nvi_rounds::Column::Id)
            .all(&tx.txn)
            .await?;
        for r in due.into_iter().filter(|r| !on_time(now, r.question_deadline)) {
            nvi_rounds::Entity::update_many()
                .col_expr(nvi_rounds::Column::ClosedAt, Expr::value(r.question_deadline))
                .filter(nvi_rounds::Column::Id.eq(r.id))
                .exec(&tx.txn)
                .await?;
            audit::append(&tx, clock.now(), NewEvent {
                tender: Some(t.id),
                actor: Actor::system(),
                action: "nvi.questions_closed",
                subject: format!("vragenronde:{}", r.id),
                payload: json!({ "termijn": r.question_deadline.to_rfc3339(), "gesloten_op_tijd_aanbesteding": now.to_rfc3339() }),
            })
            .await?;
            closed += 1;
        }
        if let (Some(deadline), None) = (t.submission_deadline, t.submission_closed_at) {
            if t.phase != Phase::Concept.code() && !on_time(now, deadline) {
                tenders::Entity::update_many()
                    .col_expr(tenders::Column::SubmissionClosedAt, Expr::value(deadline))
                    .filter(tenders::Column::Id.eq(t.id))
                    .exec(&tx.txn)
                    .await?;
                let submitted = bids::Entity::find()
                    .filter(bids::Column::TenderId.eq(t.id))
                    .filter(bids::Column::Status.eq("ingediend"))
                    .count(&tx.txn)
                    .await?;
                audit::append(&tx, clock.now(), NewEvent {
                    tender: Some(t.id),
                    actor: Actor::system(),
                    action: "submission.closed",
                    subject: format!("tender:{}", t.id),
                    payload: json!({
                        "sluitingstermijn": deadline.to_rfc3339(),
                        "ingediende_inschrijvingen": submitted.to_string(),
                    }),
                })
                .await?;
                closed += 1;
            }
        }
    }
    if closed > 0 {
        tx.commit().await?;
    }
    Ok(closed)
}

/// The next real-time instant at which something closes (training tenders move
/// only when their clock is set, which wakes the scheduler itself).
pub async fn next_due<C: ConnectionTrait>(c: &C) -> Result<Option<DateTime<Utc>>, DbErr> {
    let mut next: Option<DateTime<Utc>> = None;
    for t in super::tenders::all(c).await? {
        if t.training {
            continue;
        }
        let rounds = nvi_rounds::Entity::find()
            .filter(nvi_rounds::Column::TenderId.eq(t.id))
            .filter(nvi_rounds::Column::ClosedAt.is_null())
            .all(c)
            .await?;
        let mut cands: Vec<DateTime<Utc>> = rounds.iter().map(|r| r.question_deadline).collect();
        if let (Some(d), None) = (t.submission_deadline, t.submission_closed_at) {
            cands.push(d);
        }
        for d in cands {
            // Closing happens one second after the deadline: at the deadline itself a bid is on time.
            let at = d + chrono::Duration::seconds(1);
            next = Some(next.map_or(at, |n| n.min(at)));
        }
    }
    Ok(next)
}
