//! Dialoog's own availability, kept as evidence for an outage near a
//! deadline. Each running instance holds one row per uninterrupted run and
//! moves its `last_beat_at` forward every [`BEAT_SECONDS`]; time covered by
//! no run is time nobody could reach the platform. Uploads of a bid part that
//! were cut off or failed on the platform's side are kept with their instant
//! and organisation. When the hour before a tender's deadline holds a gap or a
//! failed upload, the inkoper is told and may extend the deadline through a
//! Nota van Inlichtingen ([`extend`]); a late bid is never accepted because of
//! it.
//!
//! Training tenders run on a simulated clock that jumps; their deadlines say
//! nothing about real availability, so they get no evidence.

use super::entities::{availability_runs, organisations, tenders, upload_failures};
use super::event::{Event, Subject};
use super::op::Op;
use crate::domain::calendar::show_instant;
use crate::error::AppError;
use crate::ids::{OrganisationId, TenderId, UserId};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};

/// How often a running instance records that it is up.
pub const BEAT_SECONDS: i64 = 5;
/// A silence this long (six missed beats) counts as an outage; a restart is
/// shorter, and an upload it cut off is on record by itself.
pub const OUTAGE_SECONDS: i64 = 30;
/// The stretch before a deadline that is watched.
pub const WATCHED_MINUTES: i64 = 60;

/// One instance's heartbeat: the run it is in, renewed every beat.
pub struct Heartbeat {
    instance: String,
    run: Option<i32>,
    last: Option<DateTime<Utc>>,
}

impl Heartbeat {
    pub fn new(instance: String) -> Self {
        Heartbeat { instance, run: None, last: None }
    }

    /// Records that this instance is up at `now`: the current run moves on,
    /// or, after a silence (the process was stopped, the database was away),
    /// a new run starts, so the silence stays visible.
    pub async fn beat<C: ConnectionTrait>(&mut self, c: &C, now: DateTime<Utc>) -> Result<(), DbErr> {
        let continues = self.last.is_some_and(|l| now - l < Duration::seconds(OUTAGE_SECONDS));
        if let (Some(run), true) = (self.run, continues) {
            let r = availability_runs::Entity::update_many()
                .col_expr(availability_runs::Column::LastBeatAt, sea_orm::sea_query::Expr::value(now))
                .filter(availability_runs::Column::Id.eq(run))
                .exec(c)
                .await?;
            if r.rows_affected == 1 {
                self.last = Some(now);
                return Ok(());
            }
        }
        let r = availability_runs::ActiveModel {
            instance: Set(self.instance.clone()),
            started_at: Set(now),
            last_beat_at: Set(now),
            ..Default::default()
        }
        .insert(c)
        .await?;
        self.run = Some(r.id);
        self.last = Some(now);
        Ok(())
    }
}

/// Why an upload failed, as kept.
pub const CUT_OFF: &str = "afgebroken";
pub const SERVER_ERROR: &str = "serverfout";

/// Keeps a failed upload of a bid part (outside any operation: the upload's
/// own change did not happen).
pub async fn record_failure<C: ConnectionTrait>(
    c: &C,
    tender: TenderId,
    organisation: OrganisationId,
    user: UserId,
    at: DateTime<Utc>,
    reason: &str,
    received: u64,
) -> Result<(), DbErr> {
    upload_failures::ActiveModel {
        tender_id: Set(tender),
        organisation_id: Set(organisation),
        user_id: Set(user),
        at: Set(at),
        reason: Set(reason.into()),
        received_bytes: Set(received.min(i64::MAX as u64) as i64),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(())
}

/// A stretch of time in which no instance was up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gap {
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

impl Gap {
    pub fn describe(&self) -> String {
        let mins = (self.until - self.from).num_seconds().div_euclid(60);
        let secs = (self.until - self.from).num_seconds().rem_euclid(60);
        format!("{} tot {} ({mins} min {secs} s niet bereikbaar)", show_instant(self.from), show_instant(self.until))
    }
}

#[derive(Clone, Debug)]
pub struct Failure {
    pub at: DateTime<Utc>,
    pub organisation: OrganisationId,
    pub organisation_name: String,
    pub reason: String,
    pub received_bytes: i64,
}

/// What the watched hour before a deadline shows.
#[derive(Clone, Debug)]
pub struct Evidence {
    pub deadline: DateTime<Utc>,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub gaps: Vec<Gap>,
    pub failures: Vec<Failure>,
}

impl Evidence {
    pub fn is_empty(&self) -> bool {
        self.gaps.is_empty() && self.failures.is_empty()
    }

    /// How many organisations had an upload fail.
    pub fn affected(&self) -> usize {
        let mut orgs: Vec<OrganisationId> = self.failures.iter().map(|f| f.organisation).collect();
        orgs.sort();
        orgs.dedup();
        orgs.len()
    }

    /// For the audit event: instants and counts, never who (readers of the
    /// trail must not learn who was bidding).
    pub fn summary(&self) -> String {
        let mut parts = vec![];
        if !self.gaps.is_empty() {
            parts.push(format!("niet bereikbaar: {}", self.gaps.iter().map(Gap::describe).collect::<Vec<_>>().join("; ")));
        }
        if !self.failures.is_empty() {
            parts.push(format!(
                "{} mislukte upload{} van {} organisatie{} ({})",
                self.failures.len(),
                if self.failures.len() == 1 { "" } else { "s" },
                self.affected(),
                if self.affected() == 1 { "" } else { "s" },
                self.failures.iter().map(|f| format!("{} {}", show_instant(f.at), f.reason)).collect::<Vec<_>>().join(", ")
            ));
        }
        parts.join("; ")
    }
}

/// The parts of `[from, until]` that no run covers, each at least
/// [`OUTAGE_SECONDS`] long. Time before the first run ever recorded is not
/// known and is no gap. A run is taken to cover one beat past its last one.
pub fn gaps(runs: &[(DateTime<Utc>, DateTime<Utc>)], first_ever: Option<DateTime<Utc>>, from: DateTime<Utc>, until: DateTime<Utc>) -> Vec<Gap> {
    let Some(first) = first_ever else { return vec![] };
    let mut covered: Vec<(DateTime<Utc>, DateTime<Utc>)> =
        runs.iter().map(|(s, l)| (*s, *l + Duration::seconds(BEAT_SECONDS))).collect();
    covered.sort();
    let mut out = vec![];
    let mut cursor = from.max(first);
    for (s, e) in covered {
        if s > cursor {
            let end = s.min(until);
            if end - cursor >= Duration::seconds(OUTAGE_SECONDS) {
                out.push(Gap { from: cursor, until: end });
            }
        }
        cursor = cursor.max(e);
        if cursor >= until {
            break;
        }
    }
    if until - cursor >= Duration::seconds(OUTAGE_SECONDS) {
        out.push(Gap { from: cursor, until });
    }
    out
}

/// The evidence for a tender at real instant `now`: from the hour before its
/// deadline until the deadline (or now, if earlier). None when the watched
/// hour has not begun, the tender has no deadline, runs on a training clock,
/// or its bids are being opened.
pub async fn evidence<C: ConnectionTrait>(c: &C, t: &tenders::Model, now: DateTime<Utc>) -> Result<Option<Evidence>, DbErr> {
    let Some(deadline) = t.submission_deadline else { return Ok(None) };
    let from = deadline - Duration::minutes(WATCHED_MINUTES);
    if t.training || now < from || super::bids::confirmed_opening(c, t.id).await?.is_some() {
        return Ok(None);
    }
    let until = deadline.min(now);
    let first_ever = availability_runs::Entity::find()
        .order_by_asc(availability_runs::Column::StartedAt)
        .one(c)
        .await?
        .map(|r| r.started_at);
    let runs: Vec<(DateTime<Utc>, DateTime<Utc>)> = availability_runs::Entity::find()
        .filter(availability_runs::Column::LastBeatAt.gte(from - Duration::seconds(BEAT_SECONDS)))
        .filter(availability_runs::Column::StartedAt.lte(until))
        .all(c)
        .await?
        .into_iter()
        .map(|r| (r.started_at, r.last_beat_at))
        .collect();
    let mut failures = vec![];
    for f in upload_failures::Entity::find()
        .filter(upload_failures::Column::TenderId.eq(t.id))
        .filter(upload_failures::Column::At.gte(from))
        .filter(upload_failures::Column::At.lte(deadline))
        .order_by_asc(upload_failures::Column::At)
        .all(c)
        .await?
    {
        let name = organisations::Entity::find_by_id(f.organisation_id).one(c).await?.map(|o| o.name).unwrap_or_default();
        failures.push(Failure { at: f.at, organisation: f.organisation_id, organisation_name: name, reason: f.reason, received_bytes: f.received_bytes });
    }
    Ok(Some(Evidence { deadline, from, until, gaps: gaps(&runs, first_ever, from, until), failures }))
}

/// The inkoper extends the deadline because of an outage: a Nota van
/// Inlichtingen is published at once with the new deadline and the evidence,
/// and the extension is recorded with it. After the deadline (the outage hid
/// it until the platform was back) this is possible only while the bids are
/// not being opened, and only with evidence; the window opens again for
/// everyone, never for a single bid.
pub async fn extend(op: &mut Op, new_deadline: DateTime<Utc>, explanation: &str, real_now: DateTime<Utc>) -> Result<i32, AppError> {
    let t = op.tender().clone();
    let ev = evidence(op.txn(), &t, real_now).await?.filter(|e| !e.is_empty()).ok_or_else(|| {
        AppError::Conflict(
            "Er is geen storing of mislukte upload in het uur voor de sluitingstermijn vastgelegd. \
             Een gewone verlenging gaat via een Nota van Inlichtingen."
                .into(),
        )
    })?;
    if super::bids::pending_opening(op.txn(), t.id, op.now()).await?.is_some() {
        return Err(AppError::Conflict("De opening is gestart; de termijn kan niet meer worden verlengd.".into()));
    }
    let reopened = t.submission_closed_at.is_some();
    if reopened {
        tenders::Entity::update_many()
            .col_expr(tenders::Column::SubmissionClosedAt, sea_orm::sea_query::Expr::value(Option::<DateTime<Utc>>::None))
            .filter(tenders::Column::Id.eq(t.id))
            .exec(op.txn())
            .await?;
        op.reload_tender().await?;
    }
    let evidence_text = ev.summary();
    let title = "Verlenging wegens storing";
    let round = super::nvi::insert_round(op.txn(), t.id, title, op.tender_now(), op.when()).await?;
    op.record(Event::QuestionRoundCreated {
        subject: Subject::QuestionRound(round.id),
        titel: title.into(),
        vragentermijn: op.tender_now().to_rfc3339(),
    })
    .await?;
    let mut intro = format!(
        "In het uur voor de sluitingstermijn van {} was Dialoog niet goed bereikbaar ({evidence_text}). \
         Daarom wordt de sluitingstermijn verlengd. Inschrijvingen die al zijn ingediend, blijven geldig; \
         u kunt tot de nieuwe termijn indienen of uw inschrijving aanvullen.",
        show_instant(ev.deadline)
    );
    if !explanation.trim().is_empty() {
        intro.push_str("\n\n");
        intro.push_str(explanation.trim());
    }
    let number = super::nvi::publish(op, round.id, &intro, Some(new_deadline)).await?;
    op.record(Event::DeadlineExtendedForOutage {
        subject: Subject::Tender(t.id),
        sluitingstermijn_oud: ev.deadline.to_rfc3339(),
        sluitingstermijn_nieuw: new_deadline.to_rfc3339(),
        nvi: number.to_string(),
        bewijs: evidence_text,
        heropend: reopened,
    })
    .await?;
    Ok(number)
}
