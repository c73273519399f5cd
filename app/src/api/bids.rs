//! The bid (bidder side), arrivals and the four-eyes opening (inkoper side),
//! receipts and the proces-verbaal van opening.

use crate::domain::receipt::Receipt;
use crate::domain::status::{BidStatus, PartKind};
use crate::error::AppError;
use crate::ids::{PartDefId, PartId, ReceiptId, TenderId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartRow {
    pub def_id: PartDefId,
    pub envelope: String,
    pub name: String,
    pub description: String,
    pub kind: PartKind,
    pub required: bool,
    pub max_size: String,
    pub max_bytes: i64,
    /// (file name or "formulier", size, sha256, uploaded at)
    pub stored: Option<(String, String, String, String)>,
    pub form_text: Option<String>,
    /// A sealed part: where it was sealed, in words.
    pub sealed_in: Option<String>,
    /// For the browser to seal a file itself: the tender's envelope key
    /// (hex) and what the part is bound to.
    pub seal: Option<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BidData {
    pub tender: TenderId,
    pub organisation: String,
    pub status: BidStatus,
    pub deadline: Option<String>,
    pub window_open: bool,
    pub window_message: Option<String>,
    pub may_submit: bool,
    pub parts: Vec<PartRow>,
    /// (receipt id, received at, submission number)
    pub receipts: Vec<(ReceiptId, String, String)>,
    /// A fresh idempotency key for the submit form.
    pub key: String,
}

#[server(endpoint = "bid_view")]
pub async fn bid_view(id: TenderId) -> Result<BidData, AppError> {
    use super::guard;
    use crate::domain::access::{Action, Role};
    use crate::domain::calendar::show_instant;
    use crate::store::{bids, files, procedure as proc};
    guard::run(async move {
        let ok = match guard::require(id, Action::PrepareBid).await {
            Ok(ok) => ok,
            // After the window a bidder still sees its bid and receipts.
            Err(AppError::Forbidden(_)) => {
                let ok = guard::require(id, Action::ViewTender).await?;
                if !ok.roles.contains(&Role::Aanbieder) {
                    return Err(AppError::forbidden());
                }
                ok
            }
            Err(e) => return Err(e),
        };
        let st = guard::state()?;
        let org = guard::own_organisation(&st, &ok.user).await?;
        let t = &ok.tender;
        let now = proc::tender_now(t, st.clock.now());
        let window = crate::domain::procedure::bid_window(now, t.submission_deadline);
        let prepare = ok.may(Action::PrepareBid);
        let bid = bids::bid_of(&st.db.conn, id, org.id).await?;
        let parts = match &bid {
            Some(b) => bids::parts_of(&st.db.conn, b.id).await?,
            None => vec![],
        };
        let envelope_key = crate::store::sealing::envelope_key(&st.db.conn, id).await?.filter(|k| k.opened_at.is_none());
        let mut rows = vec![];
        for d in bids::part_defs(&st.db.conn, id).await? {
            let p = parts.iter().find(|p| p.part_def_id == d.id);
            let stored = match p {
                Some(p) => {
                    let name = match p.file_id {
                        Some(f) => files::by_id(&st.db.conn, f).await?.map(|f| f.original_name).unwrap_or_default(),
                        None if *d.kind == PartKind::Prijs => "prijs".into(),
                        None => "formulier".into(),
                    };
                    Some((name, files::show_size(p.size as u64), p.sha256.clone(), show_instant(p.uploaded_at)))
                }
                None => None,
            };
            rows.push(PartRow {
                def_id: d.id,
                envelope: bids::envelope_label(d.envelope).into(),
                name: d.name.clone(),
                description: d.description.clone(),
                kind: *d.kind,
                required: d.required,
                max_size: files::show_size(d.max_bytes as u64),
                max_bytes: d.max_bytes,
                stored,
                sealed_in: p.and_then(|p| p.sealed_in.as_deref()).map(|w| crate::domain::receipt::sealed_in_words(w).to_string()),
                seal: envelope_key
                    .as_ref()
                    .filter(|_| *d.kind == PartKind::Bestand)
                    .map(|k| (k.public_key.clone(), crate::store::sealing::binding(id, org.id, d.id))),
                // Sealed until the opening: not even the bidder reads it back.
                form_text: p.and_then(|p| p.form_text.clone()).filter(|t| !crate::sealing::is_sealed_text(t)).map(|text| {
                    if *d.kind == PartKind::Prijs {
                        bids::price_of(&text).map(|m| m.show()).unwrap_or_default()
                    } else {
                        text
                    }
                }),
            });
        }
        let receipts = match &bid {
            Some(b) => bids::receipts_of(&st.db.conn, b.id)
                .await?
                .into_iter()
                .filter_map(|r| {
                    let rc: Receipt = serde_json::from_str(&r.body).ok()?;
                    Some((r.id, rc.ontvangen_op, rc.indiening))
                })
                .collect(),
            None => vec![],
        };
        let mut key = [0u8; 16];
        getrandom::fill(&mut key).map_err(|_| AppError::Internal)?;
        Ok(BidData {
            tender: id,
            organisation: org.name,
            status: bid.as_ref().map(|b| *b.status).unwrap_or(BidStatus::Concept),
            deadline: t.submission_deadline.map(show_instant),
            window_open: prepare && window.is_ok(),
            window_message: window.as_ref().err().map(|r| r.message().to_string()),
            may_submit: ok.may(Action::SubmitBid) && window.is_ok(),
            parts: rows,
            receipts,
            key: hex::encode(key),
        })
    })
    .await
}

#[server(endpoint = "save_form_part")]
pub async fn save_form_part(id: TenderId, onderdeel: PartDefId, tekst: String) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::access::Action;
    use crate::store::bids;
    guard::run(async move {
        let st = guard::state()?;
        let arrived = st.clock.now();
        let mut op = guard::op(id, Action::PrepareBid).await?.arrived_at(arrived);
        let org = guard::own_organisation(&st, op.user()?).await?;
        let def = bids::part_def(op.txn(), id, onderdeel).await?;
        let content = if *def.kind == PartKind::Prijs {
            bids::PartContent::Price(crate::domain::money::Money::parse_euros(&tekst)?)
        } else {
            bids::PartContent::Form(tekst)
        };
        let (_, released) = bids::put_part(&mut op, org.id, &def, content).await?;
        op.commit().await?;
        if let Some(key) = released {
            st.files.remove(&key);
        }
        Ok(())
    })
    .await
}

#[server(endpoint = "remove_part")]
pub async fn remove_part(id: TenderId, onderdeel: PartDefId) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::access::Action;
    use crate::store::bids;
    guard::run(async move {
        let mut op = guard::op(id, Action::PrepareBid).await?;
        let st = guard::state()?;
        let org = guard::own_organisation(&st, op.user()?).await?;
        let def = bids::part_def(op.txn(), id, onderdeel).await?;
        let released = bids::remove_part(&mut op, org.id, &def).await?;
        op.commit().await?;
        if let Some(key) = released {
            st.files.remove(&key);
        }
        Ok(())
    })
    .await
}

/// Submits the bid. `sleutel` is the idempotency key from the form: a retry
/// with the same key returns the same receipt.
#[server(endpoint = "submit_bid")]
pub async fn submit_bid(id: TenderId, sleutel: String) -> Result<Receipt, AppError> {
    use super::guard;
    use crate::domain::access::Action;
    use crate::domain::values::IdempotencyKey;
    use crate::store::bids;
    guard::run(async move {
        let st = guard::state()?;
        // The instant the bid arrived: the deadline is judged by it, even when
        // the bid then waits for its turn at a busy deadline.
        let arrived = st.clock.now();
        // A retry of a submit that succeeded is answered even after the deadline,
        // when submitting itself is no longer allowed.
        let seen = guard::require(id, Action::ViewTender).await?;
        let key = IdempotencyKey::parse(&sleutel);
        if let (Ok(org), Ok(key)) = (guard::own_organisation(&st, &seen.user).await, &key) {
            if let Some(r) = bids::replay(&st.db.conn, seen.user.id, key, id, org.id).await? {
                return Ok(r);
            }
        }
        let op = guard::op(id, Action::SubmitBid).await?.arrived_at(arrived);
        let key = key?;
        let org = guard::own_organisation(&st, op.user()?).await?;
        bids::submit(op, &st.anchor, &st.files, &org, &key).await
    })
    .await
}

#[server(endpoint = "withdraw_bid")]
pub async fn withdraw_bid(id: TenderId) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::access::Action;
    use crate::store::bids;
    guard::run(async move {
        let mut op = guard::op(id, Action::SubmitBid).await?;
        let st = guard::state()?;
        let org = guard::own_organisation(&st, op.user()?).await?;
        bids::withdraw(&mut op, org.id).await?;
        op.commit().await
    })
    .await
}

#[server(endpoint = "receipt_view")]
pub async fn receipt_view(id: TenderId, ontvangst: ReceiptId) -> Result<(ReceiptId, Receipt), AppError> {
    use super::guard;
    use crate::domain::access::Action;
    guard::run(async move {
        let ok = guard::require(id, Action::ViewTender).await?;
        let st = guard::state()?;
        let nf = || AppError::NotFound("Deze ontvangstbevestiging bestaat niet.".into());
        let org = guard::own_organisation(&st, &ok.user).await.map_err(|_| nf())?;
        let r = crate::store::entities::receipts::Entity::find_by_id(ontvangst).one(&st.db.conn).await?.ok_or_else(nf)?;
        let b = crate::store::entities::bids::Entity::find_by_id(r.bid_id).one(&st.db.conn).await?.ok_or_else(nf)?;
        if b.tender_id != id || b.organisation_id != org.id {
            return Err(nf());
        }
        Ok((r.id, serde_json::from_str(&r.body).map_err(|_| AppError::Internal)?))
    })
    .await
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpeningData {
    pub tender: TenderId,
    pub deadline: Option<String>,
    pub deadline_passed: bool,
    /// Arrival times of submitted bids (no names before the opening).
    pub arrivals: Vec<String>,
    /// (started by, started at, seconds left to confirm, started by me)
    pub pending: Option<(String, String, i64, bool)>,
    pub opened: bool,
    pub may_open: bool,
    /// The caller confirms with a code from their app.
    pub code_required: bool,
    /// The key the bids are sealed to (none for a tender published before
    /// bids were sealed).
    pub sealing: Option<SealingView>,
}

/// The envelope key of a tender as its inkopers see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SealingView {
    pub fingerprint: String,
    pub opened: bool,
    /// (name, share proved)
    pub holders: Vec<(String, bool)>,
    /// The caller holds a share: (proved).
    pub mine: Option<bool>,
    /// A rehearsal waiting: (started by, at, the caller may complete it).
    pub rehearsal: Option<(String, String, bool)>,
}

#[server(endpoint = "opening_view")]
pub async fn opening_view(id: TenderId) -> Result<OpeningData, AppError> {
    use super::guard;
    use crate::domain::access::Action;
    use crate::domain::calendar::{on_time, show_instant};
    use crate::store::{bids, procedure as proc};
    guard::run(async move {
        let ok = guard::require(id, Action::ViewArrivals).await?;
        let st = guard::state()?;
        let t = &ok.tender;
        let real = st.clock.now();
        let now = proc::tender_now(t, real);
        let pending = match bids::pending_opening(&st.db.conn, id, real).await? {
            Some(o) => {
                let by = crate::store::users::by_id(&st.db.conn, o.started_by).await?.map(|u| u.display_name).unwrap_or_default();
                let left = crate::domain::procedure::OPENING_CONFIRM_MINUTES * 60 - (real - o.started_at).num_seconds();
                Some((by, show_instant(crate::store::clock::shown(t, real, o.started_at)), left.max(0), o.started_by == ok.user.id))
            }
            None => None,
        };
        Ok(OpeningData {
            tender: id,
            deadline: t.submission_deadline.map(show_instant),
            deadline_passed: t.submission_deadline.is_some_and(|d| !on_time(now, d)),
            arrivals: bids::arrivals(&st.db.conn, id).await?.into_iter().map(show_instant).collect(),
            pending,
            opened: bids::confirmed_opening(&st.db.conn, id).await?.is_some(),
            code_required: crate::store::users::has_second_factor(&ok.user),
            may_open: ok.may(Action::OpenBids),
            sealing: match crate::store::sealing::state(&st.db.conn, id, ok.user.id).await? {
                None => None,
                Some(k) => {
                    let mine = k.holders.iter().find(|h| h.0 == ok.user.id).map(|h| h.2);
                    let mut rehearsal = None;
                    if let Some((by, at, for_me)) = k.rehearsal {
                        let name = crate::store::users::by_id(&st.db.conn, by).await?.map(|u| u.display_name).unwrap_or_default();
                        rehearsal = Some((name, show_instant(crate::store::clock::shown(t, real, at)), for_me && by != ok.user.id));
                    }
                    Some(SealingView {
                        fingerprint: k.fingerprint,
                        opened: k.opened,
                        holders: k.holders.into_iter().map(|(_, n, p)| (n, p)).collect(),
                        mine,
                        rehearsal,
                    })
                }
            },
        })
    })
    .await
}

/// The first inkoper starts the opening, confirming with a fresh code and,
/// on a sealed tender, the passphrase that opens their share of the key.
#[server(endpoint = "start_opening")]
pub async fn start_opening(id: TenderId, code: Option<String>, zegelwachtwoord: Option<String>) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::access::Action;
    use crate::store::sealing;
    guard::run(async move {
        let ok = guard::require(id, Action::OpenBids).await?;
        let st = guard::state()?;
        // The passphrase is checked before the lock (argon2id is slow on purpose).
        let holder = match sealing::envelope_key(&st.db.conn, id).await?.filter(|k| k.opened_at.is_none()) {
            Some(_) => Some(unlock_own_key(&ok.user, zegelwachtwoord.as_deref().unwrap_or_default()).await?),
            None => None,
        };
        let op = guard::op(id, Action::OpenBids).await?;
        let mut op = guard::with_fresh_code(op, code).await?;
        crate::store::opening::start(&mut op, holder.as_ref()).await?;
        op.commit().await
    })
    .await
}

/// A second inkoper confirms the opening, with a fresh code of their own.
#[server(endpoint = "confirm_opening")]
pub async fn confirm_opening(id: TenderId, code: Option<String>, zegelwachtwoord: Option<String>) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::access::Action;
    use crate::store::{opening, sealing};
    guard::run(async move {
        let ok = guard::require(id, Action::OpenBids).await?;
        let st = guard::state()?;
        let after_deadline = ok.tender.submission_deadline.is_some_and(|d| d <= crate::store::procedure::tender_now(&ok.tender, st.clock.now()));
        // On a sealed tender this holder's share and the one handed on to
        // them recover the key, and the bids are opened with it; then the
        // identity scan reads and inflates every quality plan. Both before
        // the lock, so an opening never holds up log-ins and writes.
        let mut unsealed = None;
        if after_deadline && sealing::envelope_key(&st.db.conn, id).await?.is_some_and(|k| k.opened_at.is_none()) {
            // The same rule the operation checks again, before the slow work.
            let o = crate::store::bids::latest_unconfirmed_opening(&st.db.conn, id).await?;
            crate::domain::procedure::may_confirm_opening(
                o.as_ref().map(|o| o.started_at),
                o.as_ref().is_some_and(|o| o.started_by == ok.user.id),
                st.clock.now(),
            )?;
            let holder = unlock_own_key(&ok.user, zegelwachtwoord.as_deref().unwrap_or_default()).await?;
            unsealed = Some(opening::recover_and_unseal(&st.db.conn, id, &holder, &ok.user, &st.files).await?);
        }
        let mut scanned = if after_deadline {
            let paths = unsealed.as_ref().map(|u| u.paths(&st.files)).unwrap_or_default();
            crate::store::evaluation::plans::scan_for_identity(&st.db.conn, id, &st.files, &paths).await?
        } else {
            Default::default()
        };
        let op = guard::op(id, Action::OpenBids).await?;
        let mut op = guard::with_fresh_code(op, code).await?;
        opening::confirm(&mut op, &st.files, &mut scanned, unsealed.as_mut()).await?;
        op.commit().await?;
        if let Some(u) = unsealed {
            u.finish(&st.files);
        }
        crate::store::evaluation::plans::keep_copies(scanned);
        Ok(())
    })
    .await
}

/// One part of an opened bid, with the id its download link needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpenedPart {
    pub envelope: String,
    pub name: String,
    pub size: String,
    pub sha256: String,
    pub id: PartId,
    /// A quality plan before the consensus lock: no hash, size or link.
    pub sealed: bool,
}

/// One opened bid as the proces-verbaal lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpenedBid {
    pub organisation: String,
    pub kvk: String,
    pub received: String,
    pub parts: Vec<OpenedPart>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpeningRecordData {
    pub tender: TenderId,
    pub record: serde_json::Value,
    pub bids: Vec<OpenedBid>,
}

#[server(endpoint = "opening_record")]
pub async fn opening_record(id: TenderId) -> Result<Option<OpeningRecordData>, AppError> {
    use super::guard;
    use crate::domain::access::Action;
    guard::run(async move {
        guard::require(id, Action::ViewArrivals).await?;
        let st = guard::state()?;
        if crate::store::bids::confirmed_opening(&st.db.conn, id).await?.is_none() {
            return Ok(None);
        }
        guard::require(id, Action::ViewOpeningRecord).await?;
        opening_record_of(&st, id).await
    })
    .await
}

/// The proces-verbaal of tender `id` with its bids as a reader with
/// `ViewOpeningRecord` sees them (for the page and the PDF), or None before
/// the opening is confirmed.
#[cfg(feature = "ssr")]
pub async fn opening_record_of(st: &crate::state::AppState, id: TenderId) -> Result<Option<OpeningRecordData>, AppError> {
    use crate::store::bids;
    let Some(o) = bids::confirmed_opening(&st.db.conn, id).await? else { return Ok(None) };
    let record: serde_json::Value = serde_json::from_str(o.record.as_deref().unwrap_or("{}")).map_err(|_| AppError::Internal)?;
    // Part ids for the download links (the record itself holds the hashes).
    let locked = crate::store::evaluation::result::prices_open(&st.db.conn, id).await?;
    let mut out = vec![];
    let defs = bids::part_defs(&st.db.conn, id).await?;
    for b in bids::submitted(&st.db.conn, id).await? {
        let org = crate::store::organisations::by_id(&st.db.conn, b.organisation_id).await?.ok_or(AppError::Internal)?;
        let parts = bids::parts_of(&st.db.conn, b.id).await?;
        let parts = defs
            .iter()
            .filter_map(|d| {
                parts.iter().find(|p| p.part_def_id == d.id).map(|p| {
                    // A quality plan's hash and size would link it to its
                    // pseudonym: sealed until the consensus lock.
                    let sealed = d.envelope == 2 && !locked;
                    OpenedPart {
                        envelope: d.envelope.to_string(),
                        name: d.name.clone(),
                        size: if sealed { "verzegeld".into() } else { crate::store::files::show_size(p.size as u64) },
                        sha256: if sealed { String::new() } else { p.sha256.clone() },
                        id: p.id,
                        sealed,
                    }
                })
            })
            .collect();
        out.push(OpenedBid {
            organisation: org.name,
            kvk: org.kvk.to_string(),
            received: b.submitted_at.map(crate::domain::calendar::show_instant).unwrap_or_default(),
            parts,
        });
    }
    Ok(Some(OpeningRecordData { tender: id, record, bids: out }))
}

#[cfg(feature = "ssr")]
use sea_orm::EntityTrait;

/// The caller's sealing key, unlocked with their passphrase: rate-limited as
/// a password, and slow on purpose (argon2id), so before any lock is taken.
#[cfg(feature = "ssr")]
async fn unlock_own_key(user: &crate::store::entities::users::Model, passphrase: &str) -> Result<crate::sealing::HolderSecret, AppError> {
    let st = super::guard::state()?;
    super::guard::throttle(super::guard::Costly::Password, Some(user.id)).await?;
    crate::store::sealing::unlock(&st.db.conn, user.id, passphrase).await
}

/// An operation of a key holder on the tender's key, with their unlocked key.
#[cfg(feature = "ssr")]
async fn holder_op(id: TenderId, passphrase: &str) -> Result<(crate::store::Op, crate::sealing::HolderSecret), AppError> {
    use crate::domain::access::Action;
    let ok = super::guard::require(id, Action::ManageProcedure).await?;
    let holder = unlock_own_key(&ok.user, passphrase).await?;
    Ok((super::guard::op(id, Action::ManageProcedure).await?, holder))
}

/// A key holder proves their share of the tender's key opens with their
/// passphrase.
#[server(endpoint = "prove_key_share")]
pub async fn prove_key_share(id: TenderId, zegelwachtwoord: String) -> Result<(), AppError> {
    use super::guard;
    guard::run(async move {
        let (mut op, holder) = holder_op(id, &zegelwachtwoord).await?;
        crate::store::sealing::prove_share(&mut op, &holder).await?;
        op.commit().await
    })
    .await
}

/// A rehearsal of the opening: the first holder starts it, a second
/// completes it (`start` false) and the key opens the test envelope. Gives
/// whether it opened (when completed).
#[server(endpoint = "rehearse_opening")]
pub async fn rehearse_opening(id: TenderId, zegelwachtwoord: String, start: bool) -> Result<Option<bool>, AppError> {
    use super::guard;
    guard::run(async move {
        let (mut op, holder) = holder_op(id, &zegelwachtwoord).await?;
        let outcome = if start {
            crate::store::sealing::start_rehearsal(&mut op, &holder).await?;
            None
        } else {
            Some(crate::store::sealing::complete_rehearsal(&mut op, &holder).await?)
        };
        op.commit().await?;
        Ok(outcome)
    })
    .await
}
