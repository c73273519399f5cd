//! The four-eyes opening, above the bids and the evaluation: the first
//! inkoper starts it after the deadline, a second, different one confirms it
//! within the window; the confirmation opens the bids, draws the pseudonyms
//! for the evaluation, records the proces-verbaal and moves the tender to
//! "geopend", all in one operation.

use super::entities::openings;
use super::event::{Event, Subject};
use super::files::FileStore;
use super::op::Op;
use super::{bids, evaluation, messages, organisations};
use crate::domain::access::{Phase, Role};
use crate::domain::calendar::show_instant;
use crate::domain::procedure::{may_confirm_opening, may_start_opening};
use crate::error::AppError;
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
use serde_json::{json, Map, Value};

/// The first inkoper (the caller) starts the opening.
pub async fn start(op: &mut Op) -> Result<(), AppError> {
    let t = op.tender().clone();
    let tender_now = op.tender_now();
    let now = op.now();
    let opened = bids::confirmed_opening(op.txn(), t.id).await?.is_some();
    let pending = bids::pending_opening(op.txn(), t.id, now).await?.is_some();
    may_start_opening(tender_now, t.submission_deadline, opened, pending)?;
    let user = op.user()?.id;
    let o = openings::ActiveModel {
        tender_id: Set(t.id),
        started_by: Set(user),
        started_at: Set(now),
        confirmed_by: Set(None),
        confirmed_at: Set(None),
        record: Set(None),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    op.record(Event::OpeningStarted { subject: Subject::Opening(o.id), gestart_op: now.to_rfc3339() }).await?;
    // The other inkopers are told at once: the window is short.
    let starter = op.user()?.clone();
    let until = show_instant(now + chrono::Duration::minutes(crate::domain::procedure::OPENING_CONFIRM_MINUTES));
    let link = format!("/aanbesteding/{}/opening", t.id);
    let team = super::team::members(op.txn(), t.id).await?;
    let others = team.iter().filter(|(r, u)| *r.role == Role::Inkoper && u.id != starter.id && u.active);
    for (_, u) in others {
        messages::to_user(
            op,
            Some(t.id),
            u,
            &format!("Bevestig de opening van {}", t.title),
            &format!(
                "{} heeft de opening van de inschrijvingen gestart. Een tweede inkoper moet haar bevestigen vóór {until}; \
                 daarna verloopt zij en moet zij opnieuw gestart worden.",
                starter.display_name
            ),
            Some(&link),
        )
        .await?;
    }
    Ok(())
}

/// The second, different inkoper (the caller) confirms within the window:
/// the bids are opened, the proces-verbaal recorded, the tender "geopend".
/// Returns the proces-verbaal.
pub async fn confirm(op: &mut Op, files: &FileStore, scanned: &mut evaluation::plans::IdentityHits) -> Result<Value, AppError> {
    let t = op.tender().clone();
    let now = op.now();
    let tender_now = op.tender_now();
    let user = op.user()?.clone();
    let o = bids::latest_unconfirmed_opening(op.txn(), t.id).await?;
    may_confirm_opening(o.as_ref().map(|o| o.started_at), o.as_ref().is_some_and(|o| o.started_by == user.id), now)?;
    let o = o.ok_or(AppError::Internal)?;
    let starter = super::users::by_id(op.txn(), o.started_by).await?.ok_or(AppError::Internal)?;
    let defs = bids::part_defs(op.txn(), t.id).await?;
    let submitted = bids::submitted(op.txn(), t.id).await?;
    // Pseudonyms for the evaluation are drawn now; the record holds only the
    // commitment to them, so nobody can link a pseudonym to a bidder before
    // the consensus is locked.
    let (plans, commitment) = evaluation::plans::prepare(op, &submitted, files, scanned).await?;
    let salt = evaluation::plans::pseudonym_salt(op.txn(), t.id).await?;
    let mut list = Vec::new();
    for b in &submitted {
        let org = organisations::by_id(op.txn(), b.organisation_id).await?.ok_or(AppError::Internal)?;
        let parts = bids::parts_of(op.txn(), b.id).await?;
        list.push(json!({
            "organisatie": org.name,
            "kvk": org.kvk.to_string(),
            "ontvangen_op": b.submitted_at.map(show_instant),
            "onderdelen": defs.iter().filter_map(|d| parts.iter().find(|p| p.part_def_id == d.id).map(|p| {
                if d.envelope == 2 {
                    // The quality plan's hash and size would link it to its
                    // pseudonym: a salted commitment until the consensus lock.
                    let size = p.size.to_string();
                    json!({
                        "envelop": "2", "naam": d.name,
                        "vastlegging": crate::domain::evaluation::plan_commitment(&salt, b.id.0, &d.name, &p.sha256, &size),
                    })
                } else {
                    json!({ "envelop": d.envelope.to_string(), "naam": d.name, "grootte": p.size.to_string(), "sha256": p.sha256 })
                }
            })).collect::<Vec<_>>(),
        }));
    }
    let withdrawn = bids::withdrawn_count(op.txn(), t.id).await?;
    // KvK numbers are claims: one legal entity with two bids is the buyer's
    // to judge, so the record names every number that occurs more than once.
    let mut kvks: Vec<&str> = list.iter().filter_map(|b| b["kvk"].as_str()).collect();
    kvks.sort_unstable();
    let mut repeated: Vec<&str> = kvks.windows(2).filter(|w| w[0] == w[1]).map(|w| w[0]).collect();
    repeated.dedup();
    let repeated = repeated.join(", ");
    let record = json!({
        "aanbesteding": t.title,
        "kenmerk": t.reference,
        "sluitingstermijn": t.submission_deadline.map(show_instant),
        "gestart_door": starter.display_name,
        "gestart_op": show_instant(o.started_at),
        "bevestigd_door": user.display_name,
        "bevestigd_op": show_instant(now),
        "tijdstip_aanbesteding": show_instant(tender_now),
        "inschrijvingen": list,
        "ingetrokken_inschrijvingen": withdrawn.to_string(),
        "kvk_meer_dan_eens": repeated,
        "pseudoniemen": { "aantal": plans.to_string(), "commitment": commitment },
    });
    let mut m = o.clone().into_active_model();
    m.confirmed_by = Set(Some(user.id));
    m.confirmed_at = Set(Some(now));
    m.record = Set(Some(record.to_string()));
    m.update(op.txn()).await?;
    let Value::Object(fields) = record.clone() else { return Err(AppError::Internal) };
    op.record(Event::OpeningConfirmed { subject: Subject::Opening(o.id), record: Map::from_iter(fields) }).await?;
    super::procedure::transition(op, Phase::Geopend, "").await?;
    Ok(record)
}
