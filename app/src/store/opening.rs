//! The four-eyes opening, above the bids and the evaluation: the first
//! inkoper starts it after the deadline, a second, different one confirms it
//! within the window; the confirmation opens the bids, draws the pseudonyms
//! for the evaluation, records the proces-verbaal and moves the tender to
//! "geopend", all in one operation.

use super::entities::{bid_parts, envelope_keys, openings};
use super::event::{Event, Subject};
use super::files::{FileStore, Pending};
use super::op::Op;
use super::{bids, evaluation, files, messages, organisations, sealing};
use crate::ids::{FileId, PartId, TenderId};
use crate::sealing::{EnvelopeSecret, HolderSecret};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;
use crate::domain::access::{Phase, Role};
use crate::domain::calendar::show_instant;
use crate::domain::procedure::{may_confirm_opening, may_start_opening};
use crate::error::AppError;
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
use serde_json::{json, Map, Value};

/// The first inkoper (the caller) starts the opening. On a sealed tender
/// they are a key holder and hand on their share (`holder`, unlocked with
/// their passphrase) to the other holders.
pub async fn start(op: &mut Op, holder: Option<&HolderSecret>) -> Result<(), AppError> {
    let t = op.tender().clone();
    let tender_now = op.tender_now();
    let now = op.now();
    let opened = bids::confirmed_opening(op.txn(), t.id).await?.is_some();
    let pending = bids::pending_opening(op.txn(), t.id, now).await?.is_some();
    may_start_opening(tender_now, t.submission_deadline, opened, pending)?;
    let user = op.user()?.id;
    if sealing::envelope_key(op.txn(), t.id).await?.is_some_and(|k| k.opened_at.is_none()) {
        let holder = holder.ok_or_else(|| AppError::Invalid("Vul uw zegelwachtwoord in: de inschrijvingen zijn verzegeld.".into()))?;
        sealing::relay(op, holder, sealing::OPENING).await?;
    }
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
    // The window runs on real time; the message dates its end on the tender's clock.
    let until = show_instant(tender_now + chrono::Duration::minutes(crate::domain::procedure::OPENING_CONFIRM_MINUTES));
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

/// The parts of the submitted bids, opened with the recovered envelope key
/// (before the opening's operation, which takes them over).
pub struct Unsealed {
    key: envelope_keys::Model,
    holders: Vec<String>,
    /// (part, its sealed file, the opened copy, original name, media type)
    files: Vec<(PartId, FileId, Pending, String, String)>,
    texts: Vec<(PartId, String)>,
    findings: Vec<String>,
    /// Storage keys of the sealed files, to remove once the opening committed.
    removed: Vec<String>,
}

impl Unsealed {
    /// Where each opened file lies (for the identity scan).
    pub fn paths(&self, store: &FileStore) -> HashMap<PartId, std::path::PathBuf> {
        self.files.iter().map(|(part, _, p, _, _)| (*part, store.path_of(&p.stored().key))).collect()
    }

    /// The opening committed: the opened copies stay, the sealed files go.
    pub fn finish(self, store: &FileStore) {
        for (_, _, p, _, _) in self.files {
            p.keep();
        }
        for key in self.removed {
            store.remove(&key);
        }
    }
}

/// Opens every part of every submitted bid sealed to the tender's key:
/// files streamed chunk by chunk into new plain files, forms and prices in
/// memory. Each is checked against the fingerprint its receipt holds; a part
/// that does not open or does not match is a finding for the proces-verbaal.
pub async fn unseal<C: ConnectionTrait>(
    c: &C,
    tender: TenderId,
    key: envelope_keys::Model,
    secret: &EnvelopeSecret,
    holders: Vec<String>,
    store: &FileStore,
) -> Result<Unsealed, AppError> {
    use tokio::io::AsyncReadExt;
    let defs = bids::part_defs(c, tender).await?;
    let mut out = Unsealed { key, holders, files: vec![], texts: vec![], findings: vec![], removed: vec![] };
    for b in bids::submitted(c, tender).await? {
        let org = organisations::by_id(c, b.organisation_id).await?.ok_or(AppError::Internal)?;
        for p in bids::parts_of(c, b.id).await? {
            let name = defs.iter().find(|d| d.id == p.part_def_id).map(|d| d.name.clone()).unwrap_or_default();
            let binding = sealing::binding(tender, b.organisation_id, p.part_def_id);
            let failed = |what: &str| format!("{what}: '{name}' van {}", org.name);
            if let Some(text) = p.form_text.as_deref().filter(|t| crate::sealing::is_sealed_text(t)) {
                match crate::sealing::open_small(secret, &binding, text) {
                    Ok(plain) if crate::domain::digest::sha256_hex(plain.as_bytes()) == p.sha256 => out.texts.push((p.id, plain)),
                    Ok(plain) => {
                        out.findings.push(failed("vingerafdruk wijkt af van de ontvangstbevestiging"));
                        out.texts.push((p.id, plain));
                    }
                    Err(_) => out.findings.push(failed("kon niet worden ontsloten")),
                }
            }
            let Some(fid) = p.file_id else { continue };
            let Some(f) = files::by_id(c, fid).await?.filter(|f| f.sealed_by == Some(out.key.id)) else { continue };
            let opened = async {
                let mut file = store.open_read(&f).await.map_err(|_| ())?;
                let len = file.metadata().await.map_err(|_| ())?.len();
                let mut header = vec![0u8; crate::sealing::STREAM_HEADER];
                file.read_exact(&mut header).await.map_err(|_| ())?;
                let mut opener = crate::sealing::StreamOpener::new(secret, &binding, &header, len).map_err(|_| ())?;
                let mut up = store.begin(u64::MAX).await.map_err(|_| ())?;
                let mut chunk = vec![0u8; crate::sealing::SEALED_CHUNK];
                while !opener.done() {
                    file.read_exact(&mut chunk).await.map_err(|_| ())?;
                    let plain = opener.open_chunk(&chunk).map_err(|_| ())?;
                    if !plain.is_empty() {
                        up.write(&plain).await.map_err(|_| ())?;
                    }
                }
                up.finish().await.map_err(|_| ())
            }
            .await;
            match opened {
                Ok(stored) => {
                    if stored.sha256 != p.sha256 {
                        out.findings.push(failed("vingerafdruk wijkt af van de ontvangstbevestiging"));
                    }
                    out.files.push((p.id, fid, store.pending(stored), f.original_name.clone(), f.media_type.clone()));
                }
                Err(()) => out.findings.push(failed("kon niet worden ontsloten")),
            }
        }
    }
    Ok(out)
}

/// The second holder recovers the envelope key and opens the bids (before
/// the opening's operation: the work is long, and needs no lock).
pub async fn recover_and_unseal<C: ConnectionTrait>(
    c: &C,
    tender: TenderId,
    holder: &HolderSecret,
    me: &super::entities::users::Model,
    store: &FileStore,
) -> Result<Unsealed, AppError> {
    let (key, secret) = sealing::recover(c, tender, holder, me.id, sealing::OPENING).await?;
    let starter = match sealing::relay_for(c, key.id, sealing::OPENING, me.id).await? {
        Some(r) => super::users::by_id(c, r.started_by).await?.map(|u| u.display_name).unwrap_or_default(),
        None => String::new(),
    };
    unseal(c, tender, key, &secret, vec![starter, me.display_name.clone()], store).await
}

/// The second, different inkoper (the caller) confirms within the window:
/// the bids are opened, the proces-verbaal recorded, the tender "geopend".
/// On a sealed tender `unsealed` holds the parts opened with the key the
/// caller and the first holder recovered. Returns the proces-verbaal.
pub async fn confirm(
    op: &mut Op,
    files: &FileStore,
    scanned: &mut evaluation::plans::IdentityHits,
    unsealed: Option<&mut Unsealed>,
) -> Result<Value, AppError> {
    let t = op.tender().clone();
    let now = op.now();
    let tender_now = op.tender_now();
    let user = op.user()?.clone();
    let o = bids::latest_unconfirmed_opening(op.txn(), t.id).await?;
    may_confirm_opening(o.as_ref().map(|o| o.started_at), o.as_ref().is_some_and(|o| o.started_by == user.id), now)?;
    let o = o.ok_or(AppError::Internal)?;
    let starter = super::users::by_id(op.txn(), o.started_by).await?.ok_or(AppError::Internal)?;
    // A sealed tender opens only with its key: the parts take their opened
    // copies, the sealed files go once this commits.
    let key = sealing::envelope_key(op.txn(), t.id).await?.filter(|k| k.opened_at.is_none());
    let sealing_record = match (key, unsealed) {
        (None, _) => None,
        (Some(_), None) => {
            return Err(AppError::Invalid("Vul uw zegelwachtwoord in: de inschrijvingen zijn verzegeld.".into()));
        }
        (Some(key), Some(u)) => {
            if key.id != u.key.id {
                return Err(AppError::Conflict("De sleutel van deze aanbesteding is intussen veranderd. Probeer het opnieuw.".into()));
            }
            for (part, sealed, copy, name, media) in &u.files {
                let f = files::record(op, copy.stored(), name, media).await?;
                bid_parts::Entity::update_many()
                    .col_expr(bid_parts::Column::FileId, sea_orm::sea_query::Expr::value(Some(f.id)))
                    .filter(bid_parts::Column::Id.eq(*part))
                    .exec(op.txn())
                    .await?;
                if let Some(k) = files::release(op.txn(), *sealed).await? {
                    u.removed.push(k);
                }
            }
            for (part, text) in &u.texts {
                bid_parts::Entity::update_many()
                    .col_expr(bid_parts::Column::FormText, sea_orm::sea_query::Expr::value(Some(text.clone())))
                    .filter(bid_parts::Column::Id.eq(*part))
                    .exec(op.txn())
                    .await?;
            }
            sealing::opened(op, &key).await?;
            Some(json!({
                "vingerafdruk_sleutel": key.fingerprint,
                "sleutelhouders": u.holders.join(" en "),
                "bevindingen": if u.findings.is_empty() { "geen: elk onderdeel opende en klopt met zijn ontvangstbevestiging".to_string() } else { u.findings.join("; ") },
            }))
        }
    };
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
        // On the tender's own clock, as every instant a tender shows; the
        // ten-minute window itself runs on real time (the audit entries
        // keep the real instants).
        "gestart_op": show_instant(super::clock::shown(&t, now, o.started_at)),
        "bevestigd_door": user.display_name,
        "bevestigd_op": show_instant(tender_now),
        "inschrijvingen": list,
        "ingetrokken_inschrijvingen": withdrawn.to_string(),
        "kvk_meer_dan_eens": repeated,
        "pseudoniemen": { "aantal": plans.to_string(), "commitment": commitment },
    });
    let mut record = record;
    if let Some(v) = sealing_record {
        record["verzegeling"] = v;
    }
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
