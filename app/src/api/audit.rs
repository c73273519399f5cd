//! The audit trail page: events, live verification, checkpoints.

use crate::error::AppError;
use crate::ids::TenderId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventRow {
    pub seq: i64,
    pub time: String,
    pub tender: Option<TenderId>,
    pub actor: String,
    pub role: String,
    pub action: String,
    pub subject: String,
    pub hash: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditView {
    pub rows: Vec<EventRow>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub actions: Vec<String>,
    pub action: Option<String>,
    /// Ok: (size, head hash); Err: (seq, reason).
    pub verification: Result<(u64, String), (u64, String)>,
    /// How the verification went: everything from event 1 (None), or the
    /// events after this one, on a prefix verified whole at the instant given.
    pub verified_after: Option<(i64, String)>,
    pub checkpoint: Option<(u64, String)>,
    pub public_key: String,
    pub may_checkpoint: bool,
}

pub const PER_PAGE: u64 = 50;

#[server(endpoint = "audit_trail")]
pub async fn audit_trail(page: u64, action: Option<String>) -> Result<AuditView, AppError> {
    use super::guard;
    use crate::domain::access::{self, Action};
    use crate::store::audit;
    guard::run(async move {
        let (user, _tenders) = guard::require_any(Action::ViewAuditTrail).await?;
        let st = guard::state()?;
        let action = action.filter(|a| !a.is_empty());
        if let Some(a) = &action {
            if a.len() > 64 || !a.chars().all(|c| c.is_ascii_lowercase() || c == '.' || c == '_') {
                return Err(AppError::Invalid("Onbekend filter op actie.".into()));
            }
        }
        // Only what this reader may see now: no event of a bid before the
        // opening, none of a tender without the right to read its trail.
        let reader = audit::reader_for(&st.db.conn, user.id, Action::ViewAuditTrail).await?;
        let (rows, total) = audit::page(&st.db.conn, &reader, None, action.as_deref(), page, PER_PAGE).await?;
        // From the prefix verified earlier: only new events are read, and the
        // whole log again once the prefix is older than the set interval.
        let (verification, verified_after) = {
            let mut kept = st.verified.lock().await;
            let (outcome, keep, after) = audit::verify_from_prefix(
                &st.db.conn,
                kept.clone(),
                st.clock.now(),
                chrono::Duration::minutes(crate::state::FULL_AUDIT_CHECK_MINUTES),
            )
            .await?;
            let full_at = keep.as_ref().map(|k| k.full_at);
            *kept = keep;
            let verification = match outcome {
                Ok(v) => Ok((v.size, hex::encode(v.root))),
                Err(b) => Err((b.seq, b.reason)),
            };
            let from = (after > 0).then(|| (after, full_at.map(crate::domain::calendar::show_instant).unwrap_or_default()));
            (verification, from)
        };
        let checkpoint = st.anchor.latest().ok().flatten().map(|c| (c.size, hex::encode(c.root)));
        let mut may_checkpoint = false;
        for t in crate::store::tenders::all(&st.db.conn).await? {
            let roles = crate::store::tenders::roles_of(&st.db.conn, t.id, user.id).await?;
            may_checkpoint |= access::any_allowed(&roles, *t.phase, Action::WriteCheckpoint);
        }
        Ok(AuditView {
            rows: rows
                .into_iter()
                .map(|e| EventRow {
                    seq: e.seq,
                    time: chrono::DateTime::parse_from_rfc3339(&e.time)
                        .map(|t| crate::domain::calendar::show_instant(t.with_timezone(&chrono::Utc)))
                        .unwrap_or(e.time),
                    tender: e.tender_id,
                    actor: e.actor,
                    role: e.role,
                    action: e.action,
                    subject: e.subject,
                    hash: e.hash,
                })
                .collect(),
            total,
            page,
            pages: total.div_ceil(PER_PAGE).max(1),
            actions: audit::actions(&st.db.conn, &reader).await?,
            action,
            verification,
            verified_after,
            checkpoint,
            public_key: st.anchor.public_key_hex(),
            may_checkpoint,
        })
    })
    .await
}

/// Signs and stores a checkpoint of the log as it is now (a milestone).
#[server(endpoint = "write_checkpoint")]
pub async fn write_checkpoint(tender: TenderId) -> Result<u64, AppError> {
    use super::guard;
    use crate::domain::access::Action;
    guard::run(async move {
        let op = guard::op(tender, Action::WriteCheckpoint).await?;
        crate::server_ops::checkpoint_now(op, &guard::state()?.anchor).await
    })
    .await
}
