//! Bids: parts in envelopes, drafts, sealed submission with a receipt that
//! carries an inclusion proof and a signed checkpoint, withdrawal, and the
//! four-eyes opening with its proces-verbaal.

use super::audit::{self, Actor, NewEvent};
use super::checkpoint::Anchor;
use super::entities::*;
use super::{organisations as orgs, WriteTx};
use crate::domain::audit::Entry;
use crate::domain::calendar::show_instant;
use crate::domain::merkle;
use crate::domain::procedure::{bid_window, opening_confirmable};
use crate::domain::receipt::{self, Receipt, ReceiptPart, ReceiptProof};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use serde_json::json;
use sha2::{Digest, Sha256};

pub async fn part_defs<C: ConnectionTrait>(c: &C, tender: i32) -> Result<Vec<bid_part_defs::Model>, DbErr> {
    bid_part_defs::Entity::find()
        .filter(bid_part_defs::Column::TenderId.eq(tender))
        .order_by_asc(bid_part_defs::Column::Envelope)
        .order_by_asc(bid_part_defs::Column::Position)
        .all(c)
        .await
}

pub async fn part_def<C: ConnectionTrait>(c: &C, tender: i32, id: i32) -> Result<bid_part_defs::Model, AppError> {
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

pub async fn bid_of<C: ConnectionTrait>(c: &C, tender: i32, org: i32) -> Result<Option<bids::Model>, DbErr> {
    bids::Entity::find()
        .filter(bids::Column::TenderId.eq(tender))
        .filter(bids::Column::OrganisationId.eq(org))
        .one(c)
        .await
}

pub async fn parts_of<C: ConnectionTrait>(c: &C, bid: i32) -> Result<Vec<bid_parts::Model>, DbErr> {
    bid_parts::Entity::find().filter(bid_parts::Column::BidId.eq(bid)).order_by_asc(bid_parts::Column::Id).all(c).await
}

/// The organisation is registered for the tender and still taking part.
async fn check_active_bidder<C: ConnectionTrait>(c: &C, tender: i32, org: i32) -> Result<(), AppError> {
    let b = tender_bidders::Entity::find()
        .filter(tender_bidders::Column::TenderId.eq(tender))
        .filter(tender_bidders::Column::OrganisationId.eq(org))
        .one(c)
        .await?;
    match b {
        Some(b) if b.status == "actief" => Ok(()),
        Some(_) => Err(AppError::Forbidden("Uw organisatie is na de dialoog niet door naar de inschrijving.".into())),
        None => Err(AppError::Forbidden("Uw organisatie is niet geregistreerd voor deze aanbesteding.".into())),
    }
}

async fn draft_bid(tx: &WriteTx, now: DateTime<Utc>, tender: i32, org: i32) -> Result<bids::Model, AppError> {
    let b = match bid_of(&tx.txn, tender, org).await? {
        Some(b) => b,
        None => {
            bids::ActiveModel {
                tender_id: Set(tender),
                organisation_id: Set(org),
                status: Set("concept".into()),
                submitted_at: Set(None),
                withdrawn_at: Set(None),
                submissions: Set(0),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&tx.txn)
            .await?
        }
    };
    if b.status == "ingediend" {
        return Err(AppError::Conflict(
            "Uw inschrijving is ingediend. Trek haar eerst in om onderdelen te vervangen; dien daarna opnieuw in.".into(),
        ));
    }
    Ok(b)
}

/// What is being stored as a part.
pub enum PartContent {
    File { file_id: i32, sha256: String, size: i64 },
    Form(String),
    /// The price of envelope 3, in euro cents.
    Price(i64),
}

/// The stored text of a price part: the amount with a random salt, padded to
/// a fixed length, so neither its hash (in the proces-verbaal, the receipt and
/// the audit trail) nor its size says anything about the price.
pub fn price_text(cents: i64) -> String {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("randomness");
    serde_json::json!({ "prijs_cent": format!("{cents:015}"), "zout": hex::encode(salt) }).to_string()
}

/// The price in a stored price part.
pub fn price_of(text: &str) -> Option<i64> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    v.get("prijs_cent")?.as_str()?.parse().ok()
}

/// Stores or replaces one part of the organisation's draft bid.
#[allow(clippy::too_many_arguments)]
pub async fn put_part(
    tx: &WriteTx,
    now: DateTime<Utc>,
    tender_now: DateTime<Utc>,
    t: &tenders::Model,
    org: i32,
    by: Actor,
    def: &bid_part_defs::Model,
    content: PartContent,
) -> Result<bid_parts::Model, AppError> {
    check_active_bidder(&tx.txn, t.id, org).await?;
    bid_window(tender_now, t.submission_deadline).map_err(AppError::Conflict)?;
    let b = draft_bid(tx, now, t.id, org).await?;
    let (file_id, form_text, sha, size) = match content {
        PartContent::File { file_id, sha256, size } => {
            if def.kind != "bestand" {
                return Err(AppError::Invalid("Dit onderdeel is een formulier, geen bestand.".into()));
            }
            (Some(file_id), None, sha256, size)
        }
        PartContent::Price(cents) => {
            if def.kind != "prijs" {
                return Err(AppError::Invalid("Dit onderdeel vraagt geen prijs.".into()));
            }
            if cents <= 0 {
                return Err(AppError::Invalid("Een prijs is groter dan nul.".into()));
            }
            let text = price_text(cents);
            (None, Some(text.clone()), hex::encode(Sha256::digest(text.as_bytes())), text.len() as i64)
        }
        PartContent::Form(text) => {
            if def.kind != "formulier" {
                return Err(AppError::Invalid("Voor dit onderdeel uploadt u een bestand.".into()));
            }
            let text = text.trim().to_string();
            if text.is_empty() {
                return Err(AppError::Invalid("Het formulier is leeg.".into()));
            }
            if text.len() as i64 > def.max_bytes {
                return Err(AppError::Invalid("De tekst is te lang voor dit onderdeel.".into()));
            }
            let sha = hex::encode(Sha256::digest(text.as_bytes()));
            let size = text.len() as i64;
            (None, Some(text), sha, size)
        }
    };
    let existing = bid_parts::Entity::find()
        .filter(bid_parts::Column::BidId.eq(b.id))
        .filter(bid_parts::Column::PartDefId.eq(def.id))
        .one(&tx.txn)
        .await?;
    let replaced = existing.is_some();
    let p = match existing {
        Some(p) => {
            let mut m = p.into_active_model();
            m.file_id = Set(file_id);
            m.form_text = Set(form_text);
            m.sha256 = Set(sha.clone());
            m.size = Set(size);
            m.uploaded_at = Set(tender_now);
            m.update(&tx.txn).await?
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
                ..Default::default()
            }
            .insert(&tx.txn)
            .await?
        }
    };
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by,
        action: if replaced { "bid.part_replaced" } else { "bid.part_stored" },
        subject: format!("inschrijving:{}", b.id),
        payload: json!({ "onderdeel": def.name, "sha256": sha, "grootte": size.to_string() }),
    })
    .await?;
    Ok(p)
}

/// Removes a part from a draft bid.
pub async fn remove_part(
    tx: &WriteTx,
    now: DateTime<Utc>,
    tender_now: DateTime<Utc>,
    t: &tenders::Model,
    org: i32,
    by: Actor,
    def: &bid_part_defs::Model,
) -> Result<(), AppError> {
    bid_window(tender_now, t.submission_deadline).map_err(AppError::Conflict)?;
    let b = draft_bid(tx, now, t.id, org).await?;
    let res = bid_parts::Entity::delete_many()
        .filter(bid_parts::Column::BidId.eq(b.id))
        .filter(bid_parts::Column::PartDefId.eq(def.id))
        .exec(&tx.txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(AppError::NotFound("Dit onderdeel is nog niet toegevoegd.".into()));
    }
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by,
        action: "bid.part_removed",
        subject: format!("inschrijving:{}", b.id),
        payload: json!({ "onderdeel": def.name }),
    })
    .await?;
    Ok(())
}

/// Checks an idempotency key: 8 to 100 letters, digits, '-' or '_'.
pub fn check_key(key: &str) -> Result<(), AppError> {
    if (8..=100).contains(&key.len()) && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        Ok(())
    } else {
        Err(AppError::Invalid("De indiening mist een geldige idempotentiesleutel. Laad de pagina opnieuw.".into()))
    }
}

fn submit_request_hash(tender: i32, org: i32) -> String {
    hex::encode(Sha256::digest(format!("submit\n{tender}\n{org}")))
}

/// The receipt already issued for this user's idempotency key, if any. The same
/// key for another request (another tender or organisation) is refused (422).
pub async fn replay<C: ConnectionTrait>(c: &C, user: i32, key: &str, tender: i32, org: i32) -> Result<Option<Receipt>, AppError> {
    let Some(r) = receipts::Entity::find()
        .filter(receipts::Column::UserId.eq(user))
        .filter(receipts::Column::IdempotencyKey.eq(key))
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

/// Submits the organisation's bid and issues the receipt. The bid, its audit
/// event and the receipt with its idempotency key are one transaction; the
/// checkpoint in the receipt is stored in the anchor before the answer goes
/// out. A retry with the same key returns the same receipt.
#[allow(clippy::too_many_arguments)]
pub async fn submit(
    tx: WriteTx,
    anchor: &Anchor,
    now: DateTime<Utc>,
    tender_now: DateTime<Utc>,
    t: &tenders::Model,
    org: &organisations::Model,
    user: &users::Model,
    by: Actor,
    key: &str,
) -> Result<Receipt, AppError> {
    check_key(key)?;
    // Checked again inside the lock: two identical requests racing get one bid.
    if let Some(r) = replay(&tx.txn, user.id, key, t.id, org.id).await? {
        return Ok(r);
    }
    let request_hash = submit_request_hash(t.id, org.id);
    check_active_bidder(&tx.txn, t.id, org.id).await?;
    bid_window(tender_now, t.submission_deadline).map_err(AppError::Conflict)?;
    let Some(b) = bid_of(&tx.txn, t.id, org.id).await? else {
        return Err(AppError::Conflict("Er is nog niets om in te dienen: voeg eerst de onderdelen toe.".into()));
    };
    if b.status == "ingediend" {
        return Err(AppError::Conflict("Uw inschrijving is al ingediend. U vindt de ontvangstbevestiging hieronder.".into()));
    }
    let defs = part_defs(&tx.txn, t.id).await?;
    let parts = parts_of(&tx.txn, b.id).await?;
    for d in defs.iter().filter(|d| d.required) {
        if !parts.iter().any(|p| p.part_def_id == d.id) {
            return Err(AppError::Conflict(format!("Het verplichte onderdeel '{}' ontbreekt nog.", d.name)));
        }
    }
    let mut listed = Vec::new();
    for d in &defs {
        if let Some(p) = parts.iter().find(|p| p.part_def_id == d.id) {
            let name = match p.file_id {
                Some(f) => super::files::by_id(&tx.txn, f).await?.map(|f| f.original_name).unwrap_or_default(),
                None if d.kind == "prijs" => "prijs".into(),
                None => "formulier".into(),
            };
            listed.push(ReceiptPart {
                envelop: d.envelope.to_string(),
                naam: d.name.clone(),
                bestandsnaam: name,
                grootte: p.size.to_string(),
                sha256: p.sha256.clone(),
            });
        }
    }
    let submissions = b.submissions + 1;
    let mut m = b.clone().into_active_model();
    m.status = Set("ingediend".into());
    m.submitted_at = Set(Some(tender_now));
    m.withdrawn_at = Set(None);
    m.submissions = Set(submissions);
    m.update(&tx.txn).await?;
    let received = tender_now.to_rfc3339();
    let payload = json!({
        "inschrijving": b.id.to_string(),
        "indiening": submissions.to_string(),
        "ontvangen_op": received,
        "onderdelen": listed.iter().map(|p| json!({
            "envelop": p.envelop, "naam": p.naam, "grootte": p.grootte, "sha256": p.sha256,
        })).collect::<Vec<_>>(),
    });
    let appended = audit::append(&tx, now, NewEvent {
        tender: Some(t.id),
        actor: by,
        action: "bid.submitted",
        subject: format!("inschrijving:{}", b.id),
        payload: payload.clone(),
    })
    .await?;
    // The proof: the whole log up to and including this event, read inside the
    // transaction that holds the write lock.
    let leaves = audit::leaf_hashes(&tx.txn, None, None).await?;
    let size = leaves.len() as u64;
    let index = (appended.seq - 1) as usize;
    let root = merkle::root_of(&leaves);
    let proof = merkle::inclusion_proof(index, &leaves).ok_or(AppError::Internal)?;
    let ev = audit_events::Entity::find_by_id(appended.seq).one(&tx.txn).await?.ok_or(AppError::Internal)?;
    let entry: Entry = serde_json::from_str(&ev.entry).map_err(|_| AppError::Internal)?;
    let stored = audit_payloads::Entity::find_by_id(appended.seq).one(&tx.txn).await?.ok_or(AppError::Internal)?;
    let r = Receipt {
        format: receipt::FORMAT.into(),
        aanbesteding: t.title.clone(),
        kenmerk: t.reference.clone(),
        organisatie: org.name.clone(),
        kvk: org.kvk.clone(),
        ontvangen_op: show_instant(tender_now),
        ontvangen_op_rfc3339: received,
        indiening: submissions.to_string(),
        onderdelen: listed,
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
        eprintln!("ontvangstbevestiging klopt niet: {e}");
        AppError::Internal
    })?;
    let body = serde_json::to_string(&r).map_err(|_| AppError::Internal)?;
    receipts::ActiveModel {
        bid_id: Set(b.id),
        user_id: Set(user.id),
        idempotency_key: Set(key.to_string()),
        request_hash: Set(request_hash),
        seq: Set(appended.seq),
        body: Set(body),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx.txn)
    .await?;
    let written = tx.commit_then(|| anchor.write(size, root)).await?;
    written.map_err(|e| {
        // The bid is committed; the receipt's own signed checkpoint still proves it.
        eprintln!("controlepunt niet opgeslagen: {e}");
        AppError::Internal
    })?;
    Ok(r)
}

/// Withdraws a submitted bid before the deadline (it can be submitted again).
pub async fn withdraw(
    tx: &WriteTx,
    now: DateTime<Utc>,
    tender_now: DateTime<Utc>,
    t: &tenders::Model,
    org: i32,
    by: Actor,
) -> Result<(), AppError> {
    bid_window(tender_now, t.submission_deadline).map_err(AppError::Conflict)?;
    let b = bid_of(&tx.txn, t.id, org).await?.filter(|b| b.status == "ingediend").ok_or_else(|| {
        AppError::Conflict("Er is geen ingediende inschrijving om in te trekken.".into())
    })?;
    let mut m = b.clone().into_active_model();
    m.status = Set("ingetrokken".into());
    m.withdrawn_at = Set(Some(tender_now));
    m.update(&tx.txn).await?;
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by,
        action: "bid.withdrawn",
        subject: format!("inschrijving:{}", b.id),
        payload: json!({ "ingetrokken_op": tender_now.to_rfc3339() }),
    })
    .await?;
    Ok(())
}

pub async fn receipts_of<C: ConnectionTrait>(c: &C, bid: i32) -> Result<Vec<receipts::Model>, DbErr> {
    receipts::Entity::find().filter(receipts::Column::BidId.eq(bid)).order_by_asc(receipts::Column::Id).all(c).await
}

/// Arrival times of submitted bids, in order: what the inkoper may see before the opening.
pub async fn arrivals<C: ConnectionTrait>(c: &C, tender: i32) -> Result<Vec<DateTime<Utc>>, DbErr> {
    let mut v: Vec<DateTime<Utc>> = bids::Entity::find()
        .filter(bids::Column::TenderId.eq(tender))
        .filter(bids::Column::Status.eq("ingediend"))
        .all(c)
        .await?
        .into_iter()
        .filter_map(|b| b.submitted_at)
        .collect();
    v.sort();
    Ok(v)
}

/// The opening that is waiting for its second inkoper, if any (real time).
pub async fn pending_opening<C: ConnectionTrait>(
    c: &C,
    tender: i32,
    real_now: DateTime<Utc>,
) -> Result<Option<openings::Model>, DbErr> {
    Ok(openings::Entity::find()
        .filter(openings::Column::TenderId.eq(tender))
        .filter(openings::Column::ConfirmedAt.is_null())
        .order_by_desc(openings::Column::Id)
        .one(c)
        .await?
        .filter(|o| opening_confirmable(o.started_at, real_now)))
}

pub async fn confirmed_opening<C: ConnectionTrait>(c: &C, tender: i32) -> Result<Option<openings::Model>, DbErr> {
    openings::Entity::find()
        .filter(openings::Column::TenderId.eq(tender))
        .filter(openings::Column::ConfirmedAt.is_not_null())
        .one(c)
        .await
}

/// The first inkoper starts the opening (after the deadline).
pub async fn start_opening(
    tx: &WriteTx,
    now: DateTime<Utc>,
    tender_now: DateTime<Utc>,
    t: &tenders::Model,
    user: &users::Model,
    by: Actor,
) -> Result<(), AppError> {
    match t.submission_deadline {
        Some(d) if !crate::domain::calendar::on_time(tender_now, d) => {}
        Some(d) => {
            return Err(AppError::Conflict(format!("Openen kan pas na de sluitingstermijn ({}).", show_instant(d))))
        }
        None => return Err(AppError::Conflict("Er is geen sluitingstermijn gepland.".into())),
    }
    if confirmed_opening(&tx.txn, t.id).await?.is_some() {
        return Err(AppError::Conflict("De inschrijvingen zijn al geopend.".into()));
    }
    if pending_opening(&tx.txn, t.id, now).await?.is_some() {
        return Err(AppError::Conflict(
            "Er loopt al een opening. Een tweede inkoper moet die binnen 10 minuten bevestigen.".into(),
        ));
    }
    let o = openings::ActiveModel {
        tender_id: Set(t.id),
        started_by: Set(user.id),
        started_at: Set(now),
        confirmed_by: Set(None),
        confirmed_at: Set(None),
        record: Set(None),
        ..Default::default()
    }
    .insert(&tx.txn)
    .await?;
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by,
        action: "opening.started",
        subject: format!("opening:{}", o.id),
        payload: json!({ "gestart_op": now.to_rfc3339() }),
    })
    .await?;
    Ok(())
}

/// The second, different inkoper confirms within 10 minutes: the bids are
/// opened, the proces-verbaal is recorded and the tender moves to "geopend".
pub async fn confirm_opening(
    tx: &WriteTx,
    clock: &crate::state::Clock,
    files: &super::files::FileStore,
    t: &tenders::Model,
    user: &users::Model,
    by: Actor,
) -> Result<serde_json::Value, AppError> {
    let now = clock.now();
    let tender_now = super::procedure::tender_now(t, clock);
    let Some(o) = openings::Entity::find()
        .filter(openings::Column::TenderId.eq(t.id))
        .filter(openings::Column::ConfirmedAt.is_null())
        .order_by_desc(openings::Column::Id)
        .one(&tx.txn)
        .await?
    else {
        return Err(AppError::Conflict("Er is geen opening gestart.".into()));
    };
    if o.started_by == user.id {
        return Err(AppError::Conflict(
            "U heeft de opening zelf gestart. Een tweede, andere inkoper moet haar bevestigen.".into(),
        ));
    }
    if !opening_confirmable(o.started_at, now) {
        return Err(AppError::Conflict(
            "De opening is verlopen: zij werd niet binnen 10 minuten bevestigd. Start de opening opnieuw.".into(),
        ));
    }
    let starter = super::users::by_id(&tx.txn, o.started_by).await?.ok_or(AppError::Internal)?;
    let defs = part_defs(&tx.txn, t.id).await?;
    let mut list = Vec::new();
    let all = bids::Entity::find()
        .filter(bids::Column::TenderId.eq(t.id))
        .filter(bids::Column::Status.eq("ingediend"))
        .order_by_asc(bids::Column::SubmittedAt)
        .all(&tx.txn)
        .await?;
    for b in &all {
        let org = orgs::by_id(&tx.txn, b.organisation_id).await?.ok_or(AppError::Internal)?;
        let parts = parts_of(&tx.txn, b.id).await?;
        list.push(json!({
            "organisatie": org.name,
            "kvk": org.kvk,
            "ontvangen_op": b.submitted_at.map(show_instant),
            "onderdelen": defs.iter().filter_map(|d| parts.iter().find(|p| p.part_def_id == d.id).map(|p| json!({
                "envelop": d.envelope.to_string(), "naam": d.name, "grootte": p.size.to_string(), "sha256": p.sha256,
            }))).collect::<Vec<_>>(),
        }));
    }
    let withdrawn = bids::Entity::find()
        .filter(bids::Column::TenderId.eq(t.id))
        .filter(bids::Column::Status.eq("ingetrokken"))
        .all(&tx.txn)
        .await?
        .len();
    // Pseudonyms for the evaluation are drawn now; the record holds only the
    // commitment to them, so nobody can link a pseudonym to a bidder before
    // the consensus is locked.
    let (plans, commitment) = super::evaluation::prepare(tx, now, t, files).await?;
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
        "pseudoniemen": { "aantal": plans.to_string(), "commitment": commitment },
    });
    let mut m = o.clone().into_active_model();
    m.confirmed_by = Set(Some(user.id));
    m.confirmed_at = Set(Some(now));
    m.record = Set(Some(record.to_string()));
    m.update(&tx.txn).await?;
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by.clone(),
        action: "opening.confirmed",
        subject: format!("opening:{}", o.id),
        payload: record.clone(),
    })
    .await?;
    Ok(record)
}
