//! Bids: parts in envelopes, drafts, sealed submission with a receipt that
//! carries an inclusion proof and a signed checkpoint, withdrawal, and what
//! the buyer may see of them before the opening (their arrival times).

use super::checkpoint::Anchor;
use super::column::Coded;
use super::entities::*;
use super::event::{Event, PartLine, Subject};
use super::op::Op;
use crate::domain::audit::Entry;
use crate::domain::calendar::show_instant;
use crate::domain::digest::sha256_hex;
use crate::domain::merkle;
use crate::domain::money::Money;
use crate::domain::procedure::{bid_window, opening_confirmable};
use crate::domain::receipt::{self, Receipt, ReceiptPart, ReceiptProof};
use crate::domain::status::{BidStatus, BidderStatus, PartKind};
use crate::domain::values::IdempotencyKey;
use crate::error::AppError;
use crate::ids::{BidId, FileId, OrganisationId, PartDefId, TenderId, UserId};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};

pub async fn part_defs<C: ConnectionTrait>(c: &C, tender: TenderId) -> Result<Vec<bid_part_defs::Model>, DbErr> {
    bid_part_defs::Entity::find()
        .filter(bid_part_defs::Column::TenderId.eq(tender))
        .order_by_asc(bid_part_defs::Column::Envelope)
        .order_by_asc(bid_part_defs::Column::Position)
        .all(c)
        .await
}

pub async fn part_def<C: ConnectionTrait>(c: &C, tender: TenderId, id: PartDefId) -> Result<bid_part_defs::Model, AppError> {
    bid_part_defs::Entity::find_by_id(id)
        .one(c)
        .await?
        .filter(|d| d.tender_id == tender)
        .ok_or_else(|| AppError::NotFound("Dit onderdeel van de inschrijving bestaat niet.".into()))
}

pub fn envelope_label(n: i32) -> &'static str {
    match n {
        1 => "Envelop 1: identiteit en verklaringen",
        2 => "Envelop 2: kwaliteitsplan (anoniem)",
        3 => "Envelop 3: prijs",
        _ => "Overig",
    }
}

pub async fn bid_of<C: ConnectionTrait>(c: &C, tender: TenderId, org: OrganisationId) -> Result<Option<bids::Model>, DbErr> {
    bids::Entity::find()
        .filter(bids::Column::TenderId.eq(tender))
        .filter(bids::Column::OrganisationId.eq(org))
        .one(c)
        .await
}

pub async fn parts_of<C: ConnectionTrait>(c: &C, bid: BidId) -> Result<Vec<bid_parts::Model>, DbErr> {
    bid_parts::Entity::find().filter(bid_parts::Column::BidId.eq(bid)).order_by_asc(bid_parts::Column::Id).all(c).await
}

/// The organisation is registered for the tender and still taking part.
async fn check_active_bidder<C: ConnectionTrait>(c: &C, tender: TenderId, org: OrganisationId) -> Result<(), AppError> {
    match super::organisations::bidder(c, tender, org).await? {
        Some(b) if b.status == BidderStatus::Actief => Ok(()),
        Some(_) => Err(AppError::Forbidden("Uw organisatie is na de dialoog niet door naar de inschrijving.".into())),
        None => Err(AppError::Forbidden("Uw organisatie is niet geregistreerd voor deze aanbesteding.".into())),
    }
}

async fn draft_bid(op: &Op, org: OrganisationId) -> Result<bids::Model, AppError> {
    let tender = op.tender_id();
    let b = match bid_of(op.txn(), tender, org).await? {
        Some(b) => b,
        None => {
            bids::ActiveModel {
                tender_id: Set(tender),
                organisation_id: Set(org),
                status: Set(Coded(BidStatus::Concept)),
                submitted_at: Set(None),
                withdrawn_at: Set(None),
                submissions: Set(0),
                created_at: Set(op.when()),
                ..Default::default()
            }
            .insert(op.txn())
            .await?
        }
    };
    if b.status == BidStatus::Ingediend {
        return Err(AppError::Conflict(
            "Uw inschrijving is ingediend. Trek haar eerst in om onderdelen te vervangen; dien daarna opnieuw in.".into(),
        ));
    }
    Ok(b)
}

/// What is being stored as a part.
pub enum PartContent {
    /// A stored file; `sealed_in` says where a sealed one was sealed
    /// ("browser" or "server").
    File { file_id: FileId, sha256: String, size: i64, sealed_in: Option<&'static str> },
    Form(String),
    /// The price of envelope 3.
    Price(Money),
}

/// The stored text of a price part: the amount with a random salt, padded to
/// a fixed length, so neither its hash (in the proces-verbaal, the receipt and
/// the audit trail) nor its size says anything about the price.
pub fn price_text(price: Money) -> String {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("randomness");
    serde_json::json!({ "prijs_cent": format!("{:015}", price.cents()), "zout": hex::encode(salt) }).to_string()
}

/// The price in a stored price part.
pub fn price_of(text: &str) -> Option<Money> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    Money::from_cents(v.get("prijs_cent")?.as_str()?.parse().ok()?).ok()
}

/// Stores or replaces one part of the organisation's draft bid.
/// Stores a part of a draft bid (a new one or a replacement). Gives the part,
/// and the storage key of a file it replaced that no row refers to any more:
/// the caller removes those bytes once the change committed.
pub async fn put_part(
    op: &mut Op,
    org: OrganisationId,
    def: &bid_part_defs::Model,
    content: PartContent,
) -> Result<(bid_parts::Model, Option<String>), AppError> {
    // An upload is judged by when its last byte arrived.
    let tender_now = op.arrival();
    check_active_bidder(op.txn(), op.tender_id(), org).await?;
    bid_window(tender_now, op.tender().submission_deadline)?;
    let b = draft_bid(op, org).await?;
    let mut sealed_in = None;
    let (file_id, form_text, sha, size) = match content {
        PartContent::File { file_id, sha256, size, sealed_in: place } => {
            if *def.kind != PartKind::Bestand {
                return Err(AppError::Invalid("Dit onderdeel is een formulier, geen bestand.".into()));
            }
            sealed_in = place.map(str::to_string);
            (Some(file_id), None, sha256, size)
        }
        PartContent::Price(price) => {
            if *def.kind != PartKind::Prijs {
                return Err(AppError::Invalid("Dit onderdeel vraagt geen prijs.".into()));
            }
            if price == Money::ZERO {
                return Err(AppError::Invalid("Een prijs is groter dan nul.".into()));
            }
            let text = price_text(price);
            (None, Some(text.clone()), sha256_hex(text.as_bytes()), text.len() as i64)
        }
        PartContent::Form(text) => {
            if *def.kind != PartKind::Formulier {
                return Err(AppError::Invalid("Voor dit onderdeel uploadt u een bestand.".into()));
            }
            let text = text.trim().to_string();
            if text.is_empty() {
                return Err(AppError::Invalid("Het formulier is leeg.".into()));
            }
            if text.len() as i64 > def.max_bytes {
                return Err(AppError::Invalid("De tekst is te lang voor dit onderdeel.".into()));
            }
            let sha = sha256_hex(text.as_bytes());
            let size = text.len() as i64;
            (None, Some(text), sha, size)
        }
    };
    // Sealed to the tender's envelope key: until the opening nobody reads a
    // form or a price, the bidder included.
    let key = super::sealing::envelope_key(op.txn(), op.tender_id()).await?.filter(|k| k.opened_at.is_none());
    let form_text = match (form_text, &key) {
        (Some(text), Some(k)) => Some(
            crate::sealing::seal_small(&k.public_key, &super::sealing::binding(op.tender_id(), org, def.id), &text)
                .map_err(|_| AppError::Internal)?,
        ),
        (text, _) => text,
    };
    if let (Some(f), Some(k)) = (file_id, &key) {
        let sealed_by = super::files::by_id(op.txn(), f).await?.and_then(|f| f.sealed_by);
        if sealed_by != Some(k.id) {
            tracing::error!(file = %f, "an unsealed file offered as a part of a sealed tender");
            return Err(AppError::Internal);
        }
    }
    let existing = bid_parts::Entity::find()
        .filter(bid_parts::Column::BidId.eq(b.id))
        .filter(bid_parts::Column::PartDefId.eq(def.id))
        .one(op.txn())
        .await?;
    let replaced = existing.is_some();
    let previous_file = existing.as_ref().and_then(|p| p.file_id).filter(|f| Some(*f) != file_id);
    let p = match existing {
        Some(p) => {
            let mut m = p.into_active_model();
            m.file_id = Set(file_id);
            m.form_text = Set(form_text);
            m.sha256 = Set(sha.clone());
            m.size = Set(size);
            m.uploaded_at = Set(tender_now);
            m.sealed_in = Set(sealed_in);
            m.update(op.txn()).await?
        }
        None => {
            bid_parts::ActiveModel {
                bid_id: Set(b.id),
                part_def_id: Set(def.id),
                file_id: Set(file_id),
                form_text: Set(form_text),
                sha256: Set(sha.clone()),
                size: Set(size),
                uploaded_at: Set(tender_now),
                sealed_in: Set(sealed_in),
                ..Default::default()
            }
            .insert(op.txn())
            .await?
        }
    };
    let (subject, onderdeel, grootte) = (Subject::Bid(b.id), def.name.clone(), size.to_string());
    op.record(if replaced {
        Event::PartReplaced { subject, onderdeel, sha256: sha, grootte }
    } else {
        Event::PartStored { subject, onderdeel, sha256: sha, grootte }
    })
    .await?;
    // The file it replaced goes, once no row refers to it.
    let released = match previous_file {
        Some(f) => super::files::release(op.txn(), f).await?,
        None => None,
    };
    Ok((p, released))
}

/// Removes a part from a draft bid.
/// Gives the storage key of its file when no row refers to it any more (to
/// remove once the change committed).
pub async fn remove_part(op: &mut Op, org: OrganisationId, def: &bid_part_defs::Model) -> Result<Option<String>, AppError> {
    bid_window(op.tender_now(), op.tender().submission_deadline)?;
    let b = draft_bid(op, org).await?;
    let existing = bid_parts::Entity::find()
        .filter(bid_parts::Column::BidId.eq(b.id))
        .filter(bid_parts::Column::PartDefId.eq(def.id))
        .one(op.txn())
        .await?
        .ok_or_else(|| AppError::NotFound("Dit onderdeel is nog niet toegevoegd.".into()))?;
    bid_parts::Entity::delete_by_id(existing.id).exec(op.txn()).await?;
    op.record(Event::PartRemoved { subject: Subject::Bid(b.id), onderdeel: def.name.clone() }).await?;
    // Its file goes, once no row refers to it.
    Ok(match existing.file_id {
        Some(f) => super::files::release(op.txn(), f).await?,
        None => None,
    })
}

fn submit_request_hash(tender: TenderId, org: OrganisationId) -> String {
    sha256_hex(format!("submit\n{tender}\n{org}").as_bytes())
}

/// The receipt already issued for this user's idempotency key, if any. The same
/// key for another request (another tender or organisation) is refused (422).
pub async fn replay<C: ConnectionTrait>(
    c: &C,
    user: UserId,
    key: &IdempotencyKey,
    tender: TenderId,
    org: OrganisationId,
) -> Result<Option<Receipt>, AppError> {
    let Some(r) = receipts::Entity::find()
        .filter(receipts::Column::UserId.eq(user))
        .filter(receipts::Column::IdempotencyKey.eq(Coded(key.clone())))
        .one(c)
        .await?
    else {
        return Ok(None);
    };
    if r.request_hash != submit_request_hash(tender, org) {
        return Err(AppError::Unprocessable(
            "Deze idempotentiesleutel hoort bij een ander verzoek. Laad de pagina opnieuw.".into(),
        ));
    }
    serde_json::from_str(&r.body).map(Some).map_err(|_| AppError::Internal)
}

/// The name a part goes by in the receipt: its file name, or what it is.
async fn listed_name<C: ConnectionTrait>(c: &C, def: &bid_part_defs::Model, p: &bid_parts::Model) -> Result<String, DbErr> {
    Ok(match p.file_id {
        Some(f) => super::files::by_id(c, f).await?.map(|f| f.original_name).unwrap_or_default(),
        None if *def.kind == PartKind::Prijs => "prijs".into(),
        None => "formulier".into(),
    })
}

/// Submits the organisation's bid and issues the receipt. The bid, its audit
/// event and the receipt with its idempotency key are one operation; the
/// checkpoint in the receipt is stored in the anchor before the answer goes
/// out. A retry with the same key returns the same receipt.
pub async fn submit(
    mut op: Op,
    anchor: &Anchor,
    files: &super::files::FileStore,
    org: &organisations::Model,
    key: &IdempotencyKey,
) -> Result<Receipt, AppError> {
    let user = op.user()?.clone();
    let t = op.tender().clone();
    // Late is late, judged by when the bid arrived, not by when it got its turn.
    let tender_now = op.arrival();
    let now = op.now();
    // Checked again inside the lock: two identical requests racing get one bid.
    if let Some(r) = replay(op.txn(), user.id, key, t.id, org.id).await? {
        return Ok(r);
    }
    let request_hash = submit_request_hash(t.id, org.id);
    check_active_bidder(op.txn(), t.id, org.id).await?;
    bid_window(tender_now, t.submission_deadline)?;
    let Some(b) = bid_of(op.txn(), t.id, org.id).await? else {
        return Err(AppError::Conflict("Er is nog niets om in te dienen: voeg eerst de onderdelen toe.".into()));
    };
    if b.status == BidStatus::Ingediend {
        return Err(AppError::Conflict("Uw inschrijving is al ingediend. U vindt de ontvangstbevestiging hieronder.".into()));
    }
    let defs = part_defs(op.txn(), t.id).await?;
    let parts = parts_of(op.txn(), b.id).await?;
    for d in defs.iter().filter(|d| d.required) {
        if !parts.iter().any(|p| p.part_def_id == d.id) {
            return Err(AppError::Conflict(format!("Het verplichte onderdeel '{}' ontbreekt nog.", d.name)));
        }
    }
    // A part sealed on the server is complete and well-formed before its
    // receipt is issued (the server cannot open it to look).
    for p in &parts {
        let Some(f) = p.file_id else { continue };
        let Some(file) = super::files::by_id(op.txn(), f).await?.filter(|f| f.sealed_by.is_some()) else { continue };
        if !super::files::sealed_well_formed(files, &file).await {
            tracing::error!(file = %f, "a sealed part is damaged on disk");
            return Err(AppError::Conflict(
                "Een onderdeel van uw inschrijving is bij het opslaan beschadigd. Upload het opnieuw en dien daarna in.".into(),
            ));
        }
    }
    let mut listed = Vec::new();
    for d in &defs {
        if let Some(p) = parts.iter().find(|p| p.part_def_id == d.id) {
            listed.push(ReceiptPart {
                envelop: d.envelope.to_string(),
                naam: d.name.clone(),
                bestandsnaam: listed_name(op.txn(), d, p).await?,
                grootte: p.size.to_string(),
                sha256: p.sha256.clone(),
                verzegeld: p.sealed_in.as_deref().map(|w| crate::domain::receipt::sealed_in_words(w).to_string()),
            });
        }
    }
    let submissions = b.submissions + 1;
    let mut m = b.clone().into_active_model();
    m.status = Set(Coded(BidStatus::Ingediend));
    m.submitted_at = Set(Some(tender_now));
    m.withdrawn_at = Set(None);
    m.submissions = Set(submissions);
    m.update(op.txn()).await?;
    let received = tender_now.to_rfc3339();
    // Everything the receipt will show, bound into the event by a salted digest.
    let mut zout = [0u8; 32];
    getrandom::fill(&mut zout).map_err(|_| AppError::Internal)?;
    let (shown_at, submission, kvk) = (show_instant(tender_now), submissions.to_string(), org.kvk.to_string());
    let shown = receipt::Shown {
        aanbesteding: &t.title,
        kenmerk: &t.reference,
        organisatie: &org.name,
        kvk: &kvk,
        ontvangen_op: &shown_at,
        ontvangen_op_rfc3339: &received,
        indiening: &submission,
        onderdelen: &listed,
    };
    let bevestiging = receipt::shown_digest(&shown, &zout);
    let event = Event::BidSubmitted {
        subject: Subject::Bid(b.id),
        inschrijving: b.id.to_string(),
        indiening: submissions.to_string(),
        ontvangen_op: received.clone(),
        onderdelen: listed
            .iter()
            .map(|p| PartLine { envelop: p.envelop.clone(), naam: p.naam.clone(), grootte: p.grootte.clone(), sha256: p.sha256.clone() })
            .collect(),
        bevestiging,
    };
    let payload = event.payload();
    let appended = op.record(event).await?;
    // The proof: the whole log up to and including this event, read inside the
    // transaction that holds the write lock.
    let leaves = super::audit::leaf_hashes(op.txn(), None, None).await?;
    let size = leaves.len() as u64;
    let index = (appended.seq - 1) as usize;
    let root = merkle::root_of(&leaves);
    let proof = merkle::inclusion_proof(index, &leaves).ok_or(AppError::Internal)?;
    let ev = audit_events::Entity::find_by_id(appended.seq).one(op.txn()).await?.ok_or(AppError::Internal)?;
    let entry: Entry = serde_json::from_str(&ev.entry).map_err(|_| AppError::Internal)?;
    let stored = audit_payloads::Entity::find_by_id(appended.seq).one(op.txn()).await?.ok_or(AppError::Internal)?;
    let r = Receipt {
        format: receipt::FORMAT.into(),
        aanbesteding: t.title.clone(),
        kenmerk: t.reference.clone(),
        organisatie: org.name.clone(),
        kvk: org.kvk.to_string(),
        ontvangen_op: shown_at,
        ontvangen_op_rfc3339: received,
        indiening: submission,
        onderdelen: listed,
        zout: hex::encode(zout),
        audit: ReceiptProof {
            seq: appended.seq.to_string(),
            leaf_index: index.to_string(),
            leaf_hash: hex::encode(appended.leaf),
            entry,
            salt: stored.salt.unwrap_or_default(),
            payload,
            tree_size: size.to_string(),
            root_hash: hex::encode(root),
            inclusion_proof: proof.iter().map(hex::encode).collect(),
            checkpoint: anchor.sign_note(size, root),
            public_key: anchor.public_key_hex(),
        },
    };
    receipt::verify(&r).map_err(|e| {
        tracing::error!(error = %e, "an issued receipt does not verify");
        AppError::Internal
    })?;
    let body = serde_json::to_string(&r).map_err(|_| AppError::Internal)?;
    receipts::ActiveModel {
        bid_id: Set(b.id),
        user_id: Set(user.id),
        idempotency_key: Set(Coded(key.clone())),
        request_hash: Set(request_hash),
        seq: Set(appended.seq),
        body: Set(body),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    let written = op.commit_then(|| anchor.write(size, root)).await?;
    written.map_err(|e| {
        // The bid is committed; the receipt's own signed checkpoint still proves it.
        tracing::error!(error = %e, "checkpoint not stored after a submission");
        AppError::Internal
    })?;
    Ok(r)
}

/// Withdraws a submitted bid before the deadline (it can be submitted again).
pub async fn withdraw(op: &mut Op, org: OrganisationId) -> Result<(), AppError> {
    let tender_now = op.tender_now();
    bid_window(tender_now, op.tender().submission_deadline)?;
    let b = bid_of(op.txn(), op.tender_id(), org)
        .await?
        .filter(|b| b.status == BidStatus::Ingediend)
        .ok_or_else(|| AppError::Conflict("Er is geen ingediende inschrijving om in te trekken.".into()))?;
    let mut m = b.clone().into_active_model();
    m.status = Set(Coded(BidStatus::Ingetrokken));
    m.withdrawn_at = Set(Some(tender_now));
    m.update(op.txn()).await?;
    op.record(Event::BidWithdrawn { subject: Subject::Bid(b.id), ingetrokken_op: tender_now.to_rfc3339() }).await?;
    Ok(())
}

pub async fn receipts_of<C: ConnectionTrait>(c: &C, bid: BidId) -> Result<Vec<receipts::Model>, DbErr> {
    receipts::Entity::find().filter(receipts::Column::BidId.eq(bid)).order_by_asc(receipts::Column::Id).all(c).await
}

/// The submitted bids of a tender, in order of arrival.
pub async fn submitted<C: ConnectionTrait>(c: &C, tender: TenderId) -> Result<Vec<bids::Model>, DbErr> {
    bids::Entity::find()
        .filter(bids::Column::TenderId.eq(tender))
        .filter(bids::Column::Status.eq(Coded(BidStatus::Ingediend)))
        .order_by_asc(bids::Column::SubmittedAt)
        .all(c)
        .await
}

/// How many bids were withdrawn (and not submitted again).
pub async fn withdrawn_count<C: ConnectionTrait>(c: &C, tender: TenderId) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    bids::Entity::find()
        .filter(bids::Column::TenderId.eq(tender))
        .filter(bids::Column::Status.eq(Coded(BidStatus::Ingetrokken)))
        .count(c)
        .await
}

/// Arrival times of submitted bids, in order: what the inkoper may see before the opening.
pub async fn arrivals<C: ConnectionTrait>(c: &C, tender: TenderId) -> Result<Vec<DateTime<Utc>>, DbErr> {
    let mut v: Vec<DateTime<Utc>> = submitted(c, tender).await?.into_iter().filter_map(|b| b.submitted_at).collect();
    v.sort();
    Ok(v)
}

/// The opening that is waiting for its second inkoper, if any (real time).
pub async fn pending_opening<C: ConnectionTrait>(
    c: &C,
    tender: TenderId,
    real_now: DateTime<Utc>,
) -> Result<Option<openings::Model>, DbErr> {
    Ok(latest_unconfirmed_opening(c, tender).await?.filter(|o| opening_confirmable(o.started_at, real_now)))
}

/// The last opening that was started and not confirmed (it may have expired).
pub async fn latest_unconfirmed_opening<C: ConnectionTrait>(c: &C, tender: TenderId) -> Result<Option<openings::Model>, DbErr> {
    openings::Entity::find()
        .filter(openings::Column::TenderId.eq(tender))
        .filter(openings::Column::ConfirmedAt.is_null())
        .order_by_desc(openings::Column::Id)
        .one(c)
        .await
}

pub async fn confirmed_opening<C: ConnectionTrait>(c: &C, tender: TenderId) -> Result<Option<openings::Model>, DbErr> {
    openings::Entity::find()
        .filter(openings::Column::TenderId.eq(tender))
        .filter(openings::Column::ConfirmedAt.is_not_null())
        .one(c)
        .await
}
