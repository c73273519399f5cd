//! Reading the audit log (its size, leaves, root, export and verification)
//! and the erasure procedure. Appending is [`super::op::Op::record`]'s alone.

use super::entities::{audit_events, audit_head, audit_payloads, evaluations, openings, tender_roles, tenders};
use super::event::{Event, Subject};
use super::op::{Anywhere, Op};
use crate::domain::audit::{disclosure, Disclosure, Entry, ExportLine, Header, SealedLine, TrailStage};
use crate::domain::merkle::{self, Hash};
use crate::error::AppError;
use crate::ids::TenderId;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::Value;

pub(super) async fn lock_head<C: ConnectionTrait>(c: &C) -> Result<(), DbErr> {
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::Seq, Expr::col(audit_head::Column::Seq))
        .filter(audit_head::Column::Id.eq(1))
        .exec(c)
        .await?;
    Ok(())
}

/// The current length of the log.
pub async fn size<C: ConnectionTrait>(c: &C) -> Result<u64, DbErr> {
    Ok(audit_head::Entity::find_by_id(1).one(c).await?.map(|h| h.seq as u64).unwrap_or(0))
}

/// Leaf hashes of the first `n` events (all when None), in order.
pub async fn leaf_hashes<C: ConnectionTrait>(c: &C, n: Option<u64>, tender: Option<TenderId>) -> Result<Vec<Hash>, DbErr> {
    let mut q = audit_events::Entity::find().select_only().column(audit_events::Column::Hash);
    if let Some(t) = tender {
        q = q.filter(audit_events::Column::TenderId.eq(t)).order_by_asc(audit_events::Column::Tseq);
    } else {
        q = q.order_by_asc(audit_events::Column::Seq);
    }
    if let Some(n) = n {
        q = q.limit(n);
    }
    let rows: Vec<String> = q.into_tuple().all(c).await?;
    rows.iter()
        .map(|h| merkle::parse_hash(h).ok_or_else(|| DbErr::Custom(format!("bad hash in log: {h}"))))
        .collect()
}

/// The Merkle root of the first `n` events.
pub async fn root_at<C: ConnectionTrait>(c: &C, n: u64) -> Result<Hash, DbErr> {
    Ok(merkle::root_of(&leaf_hashes(c, Some(n), None).await?))
}

/// Builds the export lines of the given events in order.
async fn lines_for<C: ConnectionTrait>(c: &C, events: Vec<audit_events::Model>) -> Result<Vec<ExportLine>, DbErr> {
    let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
    let payloads = audit_payloads::Entity::find()
        .filter(audit_payloads::Column::Seq.is_in(seqs))
        .all(c)
        .await?;
    let mut by_seq: std::collections::HashMap<i64, audit_payloads::Model> =
        payloads.into_iter().map(|p| (p.seq, p)).collect();
    events
        .into_iter()
        .map(|e| {
            let entry: Entry = serde_json::from_str(&e.entry)
                .map_err(|err| DbErr::Custom(format!("unreadable entry {}: {err}", e.seq)))?;
            let p = by_seq.remove(&e.seq);
            let (payload, salt) = match p {
                Some(p) if p.erased_at.is_none() => (
                    p.payload.as_deref().and_then(|s| serde_json::from_str::<Value>(s).ok()),
                    p.salt,
                ),
                _ => (None, None),
            };
            Ok(ExportLine { entry, hash: e.hash, payload, salt, verzegeld: None })
        })
        .collect()
}

/// Feeds the export lines of the log (or of one tender) in order to `each`, in
/// pages of 1000 events; `each` returns false to stop early.
async fn for_each_line<C: ConnectionTrait>(
    c: &C,
    tender: Option<TenderId>,
    each: impl FnMut(ExportLine) -> Result<bool, DbErr>,
) -> Result<(), DbErr> {
    for_each_line_after(c, tender, 0, each).await
}

/// Like [`for_each_line`], for the events after sequence number `after`.
async fn for_each_line_after<C: ConnectionTrait>(
    c: &C,
    tender: Option<TenderId>,
    mut after: i64,
    mut each: impl FnMut(ExportLine) -> Result<bool, DbErr>,
) -> Result<(), DbErr> {
    loop {
        let mut q = audit_events::Entity::find()
            .filter(audit_events::Column::Seq.gt(after))
            .order_by_asc(audit_events::Column::Seq)
            .limit(1000);
        if let Some(t) = tender {
            q = q.filter(audit_events::Column::TenderId.eq(t));
        }
        let page = q.all(c).await?;
        let Some(last) = page.last().map(|e| e.seq) else { return Ok(()) };
        after = last;
        for line in lines_for(c, page).await? {
            if !each(line)? {
                return Ok(());
            }
        }
    }
}

/// Who reads the trail.
#[derive(Clone, Debug)]
pub enum TrailReader {
    /// The operator's command line (who has the database anyway): all of it.
    Operator,
    /// A user on the buyer's side: the tenders whose trail they may read,
    /// each with where it stands (`domain::audit::disclosure` decides).
    Buyer(std::collections::HashMap<TenderId, TrailStage>),
}

impl TrailReader {
    /// What this reader may see of an event now.
    pub fn disclosure(&self, tender: Option<TenderId>, action: &str) -> Disclosure {
        match self {
            TrailReader::Operator => Disclosure::Whole,
            TrailReader::Buyer(stages) => disclosure(action, tender.map(|t| stages.get(&t).copied())),
        }
    }

    /// The tenders whose trail this reader reads (none for the operator: all).
    pub fn tenders(&self) -> Vec<TenderId> {
        match self {
            TrailReader::Operator => vec![],
            TrailReader::Buyer(m) => m.keys().copied().collect(),
        }
    }

    /// Leaves out the events this reader may not see even the entry of (a
    /// list or a count of them would tell what is sealed).
    fn visible<Q: QueryFilter>(&self, q: Q) -> Q {
        use sea_orm::sea_query::Condition;
        let TrailReader::Buyer(stages) = self else { return q };
        let readable: Vec<TenderId> = stages.keys().copied().collect();
        let unopened: Vec<TenderId> = stages.iter().filter(|(_, s)| !s.opened).map(|(t, _)| *t).collect();
        q.filter(
            Condition::all()
                .add(Condition::any().add(audit_events::Column::TenderId.is_null()).add(audit_events::Column::TenderId.is_in(readable)))
                .add(
                    Condition::any()
                        .add(audit_events::Column::TenderId.is_null())
                        .add(audit_events::Column::TenderId.is_not_in(unopened))
                        .add(audit_events::Column::Action.not_like("bid.%")),
                ),
        )
    }
}

/// The reader a user is: the tenders where their role may read the trail
/// (`action`: viewing or exporting it), with where each stands.
pub async fn reader_for<C: ConnectionTrait>(c: &C, user: crate::ids::UserId, action: crate::domain::access::Action) -> Result<TrailReader, DbErr> {
    // The user's roles, by tender.
    let mut roles_in: std::collections::BTreeMap<TenderId, Vec<crate::domain::access::Role>> = Default::default();
    for r in tender_roles::Entity::find().filter(tender_roles::Column::UserId.eq(user)).all(c).await? {
        roles_in.entry(r.tender_id).or_default().push(r.role.into_inner());
    }
    let mut stages = std::collections::HashMap::new();
    for (tender, roles) in roles_in {
        let Some(t) = tenders::Entity::find_by_id(tender).one(c).await? else { continue };
        if !crate::domain::access::any_allowed(&roles, *t.phase, action) {
            continue;
        }
        let opened = openings::Entity::find()
            .filter(openings::Column::TenderId.eq(t.id))
            .filter(openings::Column::ConfirmedAt.is_not_null())
            .one(c)
            .await?
            .is_some();
        let consensus_locked = evaluations::Entity::find()
            .filter(evaluations::Column::TenderId.eq(t.id))
            .one(c)
            .await?
            .is_some_and(|e| e.consensus_locked_at.is_some());
        stages.insert(t.id, TrailStage { opened, consensus_locked });
    }
    Ok(TrailReader::Buyer(stages))
}

/// One export line as `reader` may see it now.
fn disclosed(reader: &TrailReader, tender: Option<TenderId>, line: ExportLine) -> String {
    match reader.disclosure(tender, &line.entry.action) {
        Disclosure::Whole => line.to_line(),
        Disclosure::EntryOnly(why) => ExportLine { payload: None, salt: None, verzegeld: Some(why.into()), ..line }.to_line(),
        Disclosure::HashOnly(why) => SealedLine { hash: line.hash, verzegeld: why.into() }.to_line(),
    }
}

/// Streams the export as `reader` may see it (header line first) to `out`:
/// every event is there (so the chain and the tree verify), but what the
/// reader may not see yet is withheld or shows only its hash.
pub async fn export_for<C: ConnectionTrait>(
    c: &C,
    tender: Option<TenderId>,
    reader: &TrailReader,
    mut out: impl FnMut(String) -> std::io::Result<()>,
) -> Result<u64, DbErr> {
    let io = |e: std::io::Error| DbErr::Custom(e.to_string());
    out(Header::new(tender.map(|t| t.to_string())).to_line()).map_err(io)?;
    let mut n = 0;
    for_each_line(c, tender, |line| {
        let t = line.entry.tender.as_deref().and_then(|t| t.parse::<i32>().ok()).map(TenderId);
        out(disclosed(reader, t, line)).map_err(io)?;
        n += 1;
        Ok(true)
    })
    .await?;
    Ok(n)
}

/// The whole export as `reader` may see it, one piece at a time, for a
/// download that is streamed with back-pressure: `after == None` gives the
/// header line, then each call gives the lines of at most 1000 events after
/// sequence number `after` and the last one's number; `None` when done.
pub async fn export_piece<C: ConnectionTrait>(c: &C, reader: &TrailReader, after: Option<i64>) -> Result<Option<(String, i64)>, DbErr> {
    let Some(after) = after else {
        let mut h = Header::new(None).to_line();
        h.push('\n');
        return Ok(Some((h, 0)));
    };
    let page = audit_events::Entity::find().filter(audit_events::Column::Seq.gt(after)).order_by_asc(audit_events::Column::Seq).limit(1000).all(c).await?;
    let Some(last) = page.last().map(|e| e.seq) else { return Ok(None) };
    let mut out = String::new();
    for line in lines_for(c, page).await? {
        let t = line.entry.tender.as_deref().and_then(|t| t.parse::<i32>().ok()).map(TenderId);
        out.push_str(&disclosed(reader, t, line));
        out.push('\n');
    }
    Ok(Some((out, last)))
}

/// Streams the whole export (header line first) to `out`: the operator's.
pub async fn export<C: ConnectionTrait>(
    c: &C,
    tender: Option<TenderId>,
    out: impl FnMut(String) -> std::io::Result<()>,
) -> Result<u64, DbErr> {
    export_for(c, tender, &TrailReader::Operator, out).await
}

/// One page of the audit trail as `reader` may see it: events whose entry
/// the reader may not see yet are left out (also from the count).
pub async fn page<C: ConnectionTrait>(
    c: &C,
    reader: &TrailReader,
    tender: Option<TenderId>,
    action: Option<&str>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<audit_events::Model>, u64), DbErr> {
    let mut q = reader.visible(audit_events::Entity::find().order_by_desc(audit_events::Column::Seq));
    if let Some(t) = tender {
        q = q.filter(audit_events::Column::TenderId.eq(t));
    }
    if let Some(a) = action {
        q = q.filter(audit_events::Column::Action.eq(a));
    }
    let p = q.paginate(c, per_page);
    let total = p.num_items().await?;
    Ok((p.fetch_page(page).await?, total))
}

/// One part of a tender's trail in order (oldest first) as `reader` may
/// see it, for an extract: the events and how many there are in all.
pub async fn extract<C: ConnectionTrait>(
    c: &C,
    reader: &TrailReader,
    tender: TenderId,
    part: u64,
    per_part: u64,
) -> Result<(Vec<audit_events::Model>, u64), DbErr> {
    let q = reader.visible(audit_events::Entity::find().filter(audit_events::Column::TenderId.eq(tender)).order_by_asc(audit_events::Column::Seq));
    let p = q.paginate(c, per_part);
    let total = p.num_items().await?;
    Ok((p.fetch_page(part).await?, total))
}

/// Distinct actions in the log that `reader` may see, for the filter.
pub async fn actions<C: ConnectionTrait>(c: &C, reader: &TrailReader) -> Result<Vec<String>, DbErr> {
    reader
        .visible(audit_events::Entity::find())
        .select_only()
        .column(audit_events::Column::Action)
        .distinct()
        .order_by_asc(audit_events::Column::Action)
        .into_tuple()
        .all(c)
        .await
}

/// Verifies the stored log (or one tender's chain) exactly as an export would be verified.
pub async fn verify_stored<C: ConnectionTrait>(
    c: &C,
    tender: Option<TenderId>,
) -> Result<Result<crate::domain::audit::Verified, crate::domain::audit::Broken>, DbErr> {
    use crate::domain::audit::{Scope, Verifier};
    let scope = match tender {
        Some(t) => Scope::Tender(t.to_string()),
        None => Scope::All,
    };
    let mut v = Verifier::new(Some(scope), None);
    let mut broken = None;
    for_each_line(c, tender, |line| match v.push(&line) {
        Ok(()) => Ok(true),
        Err(b) => {
            broken = Some(b);
            Ok(false)
        }
    })
    .await?;
    Ok(match broken {
        Some(b) => Err(b),
        None => v.finish(),
    })
}

/// The whole log verified up to an event, kept so the next check reads only
/// what was added since ([`verify_from_prefix`]).
#[derive(Clone, Debug)]
pub struct VerifiedPrefix {
    pub verifier: crate::domain::audit::Verifier,
    /// The last event it covers.
    pub seq: i64,
    /// When the whole log was last verified from event 1.
    pub full_at: chrono::DateTime<chrono::Utc>,
}

/// Verifies the whole log, reading only the events after `kept` (a prefix
/// verified earlier) when there is one, else from event 1. Gives the outcome,
/// the prefix to keep for next time (when intact), and the event the reading
/// began after. The prefix is verified from event 1 again whenever it is
/// older than `full_every`, so a change to an old row is still found.
pub async fn verify_from_prefix<C: ConnectionTrait>(
    c: &C,
    kept: Option<VerifiedPrefix>,
    now: chrono::DateTime<chrono::Utc>,
    full_every: chrono::Duration,
) -> Result<(Result<crate::domain::audit::Verified, crate::domain::audit::Broken>, Option<VerifiedPrefix>, i64), DbErr> {
    use crate::domain::audit::{Scope, Verifier};
    let kept = kept.filter(|k| now - k.full_at < full_every);
    let (mut v, after, full_at) = match kept {
        Some(k) => (k.verifier, k.seq, k.full_at),
        None => (Verifier::new(Some(Scope::All), None), 0, now),
    };
    let mut broken = None;
    let mut last = after;
    for_each_line_after(c, None, after, |line| {
        let seq = line.entry.seq.parse::<i64>().unwrap_or(last + 1);
        match v.push(&line) {
            Ok(()) => {
                last = seq;
                Ok(true)
            }
            Err(b) => {
                broken = Some(b);
                Ok(false)
            }
        }
    })
    .await?;
    if let Some(b) = broken {
        return Ok((Err(b), None, after));
    }
    let outcome = v.clone().finish();
    let keep = outcome.is_ok().then_some(VerifiedPrefix { verifier: v, seq: last, full_at });
    Ok((outcome, keep, after))
}

/// Erases the payloads (and salts) of the given events, keeping every entry, so
/// the log still verifies; records the erasure as an event of its own. Returns
/// the sequence numbers that were erased (already erased ones are skipped).
pub async fn erase_payloads(op: &mut Op<Anywhere>, seqs: &[i64], subjects: &[String], reason: &str) -> Result<Vec<i64>, AppError> {
    let mut targets: Vec<i64> = seqs.to_vec();
    for subj in subjects {
        let found: Vec<i64> = audit_events::Entity::find()
            .select_only()
            .column(audit_events::Column::Seq)
            .filter(audit_events::Column::Subject.eq(subj.as_str()))
            .into_tuple()
            .all(op.txn())
            .await?;
        targets.extend(found);
    }
    targets.sort_unstable();
    targets.dedup();
    // The erasure events themselves stay readable: they are what lets an
    // export with erased payloads verify.
    let keep: Vec<i64> = audit_events::Entity::find()
        .select_only()
        .column(audit_events::Column::Seq)
        .filter(audit_events::Column::Seq.is_in(targets.clone()))
        .filter(audit_events::Column::Action.eq(crate::domain::audit::ERASURE_ACTION))
        .into_tuple()
        .all(op.txn())
        .await?;
    targets.retain(|t| !keep.contains(t));
    let erasable: Vec<i64> = audit_payloads::Entity::find()
        .select_only()
        .column(audit_payloads::Column::Seq)
        .filter(audit_payloads::Column::Seq.is_in(targets))
        .filter(audit_payloads::Column::ErasedAt.is_null())
        .into_tuple()
        .all(op.txn())
        .await?;
    if erasable.is_empty() {
        return Ok(vec![]);
    }
    audit_payloads::Entity::update_many()
        .col_expr(audit_payloads::Column::Payload, Expr::value(Option::<String>::None))
        .col_expr(audit_payloads::Column::Salt, Expr::value(Option::<String>::None))
        .col_expr(audit_payloads::Column::ErasedAt, Expr::value(op.now()))
        .filter(audit_payloads::Column::Seq.is_in(erasable.clone()))
        .exec(op.txn())
        .await?;
    // One erasure event per tender the erased events belong to (and one for
    // those outside tenders), each naming its own.
    let owners: Vec<(i64, Option<crate::ids::TenderId>)> = audit_events::Entity::find()
        .select_only()
        .column(audit_events::Column::Seq)
        .column(audit_events::Column::TenderId)
        .filter(audit_events::Column::Seq.is_in(erasable.clone()))
        .into_tuple()
        .all(op.txn())
        .await?;
    let mut by_tender: std::collections::BTreeMap<Option<crate::ids::TenderId>, Vec<String>> = Default::default();
    for (seq, tender) in owners {
        by_tender.entry(tender).or_default().push(seq.to_string());
    }
    for (tender, events) in by_tender {
        op.record(Event::PayloadErased { subject: Subject::Audit, tender, events, reden: reason.to_string() }).await?;
    }
    Ok(erasable)
}
