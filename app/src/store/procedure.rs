//! The procedure of one tender: its clock (real or simulated), the facts the
//! phase guards look at, phase transitions, the calendar, and the deadlines the
//! scheduler closes.

use super::column::Coded;
use super::entities::*;
use super::event::{Event, Subject};
use super::op::{InTender, Op};
use crate::domain::access::Phase;
use crate::domain::calendar::{on_time, show_instant};
use crate::domain::procedure::{self as rules, Facts};
use crate::domain::status::{BidStatus, Participation, RoundStatus};
use crate::error::AppError;
use crate::state::Clock;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, Set};

pub use super::clock::tender_now;

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
    let ev = super::evaluation::facts(c, t.id).await?;
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
        open_dialogue_rounds: rounds.iter().filter(|r| r.status == RoundStatus::Open).count(),
        unpublished_nvi_rounds: unpublished as usize,
        opening_confirmed,
        evaluators: ev.evaluators,
        chair: ev.chair,
        consensus_locked: ev.consensus_locked,
        ranking_problem: ev.ranking_problem,
        letters_sent: t.letters_sent_at.is_some(),
        standstill_ends: t.standstill_ends_at,
        participating_gemeenten: buyers.iter().filter(|b| b.status != Participation::Teruggetrokken).count(),
        signed_gemeenten: buyers.iter().filter(|b| b.status == Participation::Ondertekend).count(),
        contract_start: t.contract_start,
        suspended_phase: t.suspended_phase.map(Coded::into_inner),
        submission_closed: t.submission_closed_at.is_some(),
        inkopers: tender_roles::Entity::find()
            .filter(tender_roles::Column::TenderId.eq(t.id))
            .filter(tender_roles::Column::Role.eq(Coded(crate::domain::access::Role::Inkoper)))
            .count(c)
            .await? as usize,
    })
}

/// What a change of phase came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhaseStep {
    Done,
    /// Asked; a second inkoper confirms it.
    Requested,
}

/// How long a request to suspend or resume waits for its second inkoper.
pub const REQUEST_HOURS: i64 = 24;

/// Moves the tender to `to`; suspending and resuming take two inkopers
/// (`domain::procedure::needs_second_inkoper`): the first asks (with the
/// reason), a different one confirms, and only then does the phase change.
pub async fn change(op: &mut Op<InTender>, to: Phase, reason: &str) -> Result<PhaseStep, AppError> {
    let t = op.tender().clone();
    let from = *t.phase;
    if !crate::domain::procedure::needs_second_inkoper(from, to) {
        transition(op, to, reason).await?;
        return Ok(PhaseStep::Done);
    }
    let now = op.now();
    let me = op.user()?.clone();
    let pending = t
        .pending_phase
        .filter(|p| **p == to)
        .zip(t.pending_by)
        .filter(|_| t.pending_at.is_some_and(|at| now - at < chrono::Duration::hours(REQUEST_HOURS)));
    match pending {
        Some((_, by)) if by == me.id => Err(AppError::Conflict(
            "U heeft deze stap al aangevraagd. Een andere inkoper bevestigt haar (vier ogen).".into(),
        )),
        Some(_) => {
            let asked = t.pending_reason.clone().unwrap_or_default();
            let mut m = t.clone().into_active_model();
            m.pending_phase = Set(None);
            m.pending_reason = Set(None);
            m.pending_by = Set(None);
            m.pending_at = Set(None);
            op.set_tender(m.update(op.txn()).await?);
            transition(op, to, if reason.trim().is_empty() { &asked } else { reason }).await?;
            Ok(PhaseStep::Done)
        }
        None => {
            // Refused now if it could not be carried out.
            let f = facts(op.txn(), &t, op.tender_now()).await?;
            crate::domain::procedure::check(from, to, &f, reason)?;
            let mut m = t.clone().into_active_model();
            m.pending_phase = Set(Some(Coded(to)));
            m.pending_reason = Set(Some(reason.trim().to_string()));
            m.pending_by = Set(Some(me.id));
            m.pending_at = Set(Some(now));
            op.set_tender(m.update(op.txn()).await?);
            op.record(Event::PhaseChangeRequested {
                subject: Subject::Tender(t.id),
                van: from.code().into(),
                naar: to.code().into(),
                reden: reason.trim().into(),
            })
            .await?;
            Ok(PhaseStep::Requested)
        }
    }
}

/// Moves the tender to `to` when the guard allows it, with one audit event
/// (by the operation's actor).
pub async fn transition(op: &mut Op<InTender>, to: Phase, reason: &str) -> Result<(), AppError> {
    let t = op.reload_tender().await?.clone();
    let from = *t.phase;
    let now = op.tender_now();
    let f = facts(op.txn(), &t, now).await?;
    rules::check(from, to, &f, reason)?;
    let mut m = t.clone().into_active_model();
    m.phase = Set(Coded(to));
    match to {
        Phase::Opgeschort => {
            m.suspended_phase = Set(Some(Coded(from)));
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
    if to == Phase::Gepubliceerd && from == Phase::Concept {
        // The key the bids will be sealed to, its shares with the inkopers.
        super::sealing::create_envelope_key(op).await?;
    }
    let t2 = m.update(op.txn()).await?;
    op.set_tender(t2);
    op.record(Event::PhaseChanged {
        subject: Subject::Tender(t.id),
        van: from.code().into(),
        naar: to.code().into(),
        reden: reason.trim().into(),
        tijdstip_aanbesteding: now.to_rfc3339(),
    })
    .await?;
    Ok(())
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
pub async fn plan(op: &mut Op<InTender>, p: Plan) -> Result<(), AppError> {
    let t = op.tender().clone();
    if *t.phase != Phase::Concept {
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
    let t2 = m.update(op.txn()).await?;
    op.set_tender(t2);
    op.record(Event::CalendarPlanned {
        subject: Subject::Tender(t.id),
        publicatie: p.publication.to_rfc3339(),
        sluitingstermijn: p.submission_deadline.to_rfc3339(),
        gunning_gepland: p.award_planned.map(|d| d.to_rfc3339()),
        ondertekening_gepland: p.signing_planned.map(|d| d.to_rfc3339()),
    })
    .await?;
    Ok(())
}

/// Sets the simulated clock of a training tender. It only moves forward; a real
/// tender has no simulated clock.
pub async fn set_clock(op: &mut Op<InTender>, to: DateTime<Utc>) -> Result<(), AppError> {
    let t = op.tender().clone();
    if !t.training {
        return Err(AppError::Forbidden(
            "Deze aanbesteding is echt: zij loopt op de werkelijke tijd en heeft geen gesimuleerde klok.".into(),
        ));
    }
    let current = op.tender_now();
    if to < current {
        return Err(AppError::Invalid(format!(
            "De gesimuleerde klok kan alleen vooruit (nu {}).",
            show_instant(current)
        )));
    }
    let mut m = t.clone().into_active_model();
    m.simulated_now = Set(Some(to));
    let t2 = m.update(op.txn()).await?;
    op.set_tender(t2);
    op.record(Event::TrainingClockSet { subject: Subject::Tender(t.id), van: current.to_rfc3339(), naar: to.to_rfc3339() })
        .await?;
    Ok(())
}

/// Closes every question round and submission window whose deadline has passed
/// (on the tender's own clock), one operation per tender. Returns how many
/// were closed. Run by the scheduler: on time, and after a restart for
/// whatever was missed.
pub async fn close_due(db: &super::Db, clock: &Clock) -> Result<usize, AppError> {
    let mut closed = 0;
    for t in super::tenders::all(&db.conn).await? {
        let mut op = Op::system(db, clock, t.id).await?;
        closed += close_due_in(&mut op).await?;
        if op.recorded() > 0 {
            op.commit().await?;
        }
    }
    Ok(closed)
}

async fn close_due_in(op: &mut Op<InTender>) -> Result<usize, AppError> {
    let mut closed = 0;
    let t = op.tender().clone();
    let now = op.tender_now();
    let due = nvi_rounds::Entity::find()
        .filter(nvi_rounds::Column::TenderId.eq(t.id))
        .filter(nvi_rounds::Column::ClosedAt.is_null())
        .filter(nvi_rounds::Column::QuestionDeadline.lt(now))
        .order_by_asc(nvi_rounds::Column::Id)
        .all(op.txn())
        .await?;
    for r in due.into_iter().filter(|r| !on_time(now, r.question_deadline)) {
        nvi_rounds::Entity::update_many()
            .col_expr(nvi_rounds::Column::ClosedAt, Expr::value(r.question_deadline))
            .filter(nvi_rounds::Column::Id.eq(r.id))
            .exec(op.txn())
            .await?;
        op.record(Event::QuestionsClosed {
            subject: Subject::QuestionRound(r.id),
            termijn: r.question_deadline.to_rfc3339(),
            gesloten_op_tijd_aanbesteding: now.to_rfc3339(),
        })
        .await?;
        closed += 1;
    }
    if let (Some(deadline), None) = (t.submission_deadline, t.submission_closed_at) {
        // A suspended tender's window is not closed: it resumes only with a
        // new deadline (see `domain::procedure::check`).
        if !matches!(*t.phase, Phase::Concept | Phase::Opgeschort) && !on_time(now, deadline) {
            tenders::Entity::update_many()
                .col_expr(tenders::Column::SubmissionClosedAt, Expr::value(deadline))
                .filter(tenders::Column::Id.eq(t.id))
                .exec(op.txn())
                .await?;
            op.reload_tender().await?;
            let submitted = bids::Entity::find()
                .filter(bids::Column::TenderId.eq(t.id))
                .filter(bids::Column::Status.eq(Coded(BidStatus::Ingediend)))
                .count(op.txn())
                .await?;
            op.record(Event::SubmissionClosed {
                subject: Subject::Tender(t.id),
                sluitingstermijn: deadline.to_rfc3339(),
                ingediende_inschrijvingen: submitted.to_string(),
            })
            .await?;
            closed += 1;
        }
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
