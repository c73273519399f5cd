//! What comes next for a tender: the next moment in its calendar (for the
//! dashboard). Reads only; it looks across the procedure and the contract,
//! so it sits above both.

use super::entities::{nvi_rounds, tenders};
use crate::domain::access::Phase;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// The next moment in the tender's calendar after `now` (on its own clock):
/// its planned publication, a question deadline, the submission deadline,
/// the planned award, the end of the standstill, the planned signing, or the
/// decision on the next contract option; with what it is, in Dutch.
pub async fn next_deadline<C: ConnectionTrait>(c: &C, t: &tenders::Model, now: DateTime<Utc>) -> Result<Option<(String, DateTime<Utc>)>, DbErr> {
    let mut candidates: Vec<(String, DateTime<Utc>)> = vec![];
    if *t.phase == Phase::Concept {
        candidates.push(("Geplande publicatie".into(), t.publication_planned));
    }
    for r in nvi_rounds::Entity::find()
        .filter(nvi_rounds::Column::TenderId.eq(t.id))
        .filter(nvi_rounds::Column::ClosedAt.is_null())
        .all(c)
        .await?
    {
        candidates.push((format!("Vragentermijn {}", r.title), r.question_deadline));
    }
    if t.submission_closed_at.is_none() {
        if let Some(d) = t.submission_deadline {
            candidates.push(("Sluitingstermijn inschrijvingen".into(), d));
        }
    }
    if t.letters_sent_at.is_none() {
        if let Some(d) = t.award_planned {
            candidates.push(("Geplande gunning".into(), d));
        }
    }
    if let Some(d) = t.standstill_ends_at {
        candidates.push(("Einde standstilltermijn".into(), d));
    }
    if let Some(d) = t.signing_planned {
        if !matches!(*t.phase, Phase::Ondertekend | Phase::Contract | Phase::Ingetrokken) {
            candidates.push(("Geplande ondertekening".into(), d));
        }
    }
    let term = super::contract::term(c, t).await?;
    if let Some(d) = term.next_deadline(super::contract::today(now)) {
        if let Ok(at) = crate::domain::calendar::amsterdam(d, chrono::NaiveTime::from_hms_opt(23, 59, 59).expect("valid")) {
            candidates.push(("Besluit over de volgende optie tot verlenging".into(), at));
        }
    }
    Ok(candidates.into_iter().filter(|(_, at)| *at > now).min_by_key(|(_, at)| *at))
}
