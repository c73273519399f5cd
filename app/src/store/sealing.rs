//! The records of sealed bids ([`crate::sealing`] does the cryptography):
//! each key holder's sealing key, a tender's envelope key with its shares,
//! the share a holder hands on when starting an opening or a rehearsal, a
//! holder's proof that their share opens, and the rehearsal itself.
//!
//! The server never stores what opens a bid: the envelope key's private key
//! exists only in memory, for one request, after two holders each gave their
//! passphrase.

use super::entities::{envelope_keys, key_relays, key_shares, sealing_keys, tender_roles, users};
use super::event::{Event, Subject};
use super::op::{Anywhere, InTender, Op};
use crate::domain::access::Role;
use crate::error::AppError;
use crate::ids::{TenderId, UserId};
use crate::sealing::{self, EnvelopeSecret, HolderKey, HolderSecret, SealError, SealedShare};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};

/// A passphrase at least this long.
pub const MIN_PASSPHRASE: usize = crate::domain::password::SEALING_MIN_LEN;
/// The purpose of a relayed share.
pub const OPENING: &str = "opening";
pub const REHEARSAL: &str = "proef";
/// How long a started rehearsal waits for its second holder (as an opening does).
pub const REHEARSAL_MINUTES: i64 = crate::domain::procedure::OPENING_CONFIRM_MINUTES;

fn holder_of(m: &sealing_keys::Model) -> HolderKey {
    HolderKey {
        public_key: m.public_key.clone(),
        wrapped_private: m.wrapped_private.clone(),
        wrap_public: m.wrap_public.clone(),
        kdf_salt: m.kdf_salt.clone(),
        kdf_params: m.kdf_params.clone(),
    }
}

pub async fn sealing_key<C: ConnectionTrait>(c: &C, user: UserId) -> Result<Option<sealing_keys::Model>, DbErr> {
    sealing_keys::Entity::find().filter(sealing_keys::Column::UserId.eq(user)).one(c).await
}

/// Checks a new passphrase; the Dutch refusal otherwise.
pub fn check_passphrase(new: &str, repeat: &str) -> Result<(), AppError> {
    if new.chars().count() < MIN_PASSPHRASE {
        return Err(AppError::Invalid(format!(
            "Kies een zegelwachtwoord van ten minste {MIN_PASSPHRASE} tekens; een zin van een paar woorden is sterk en goed te onthouden."
        )));
    }
    if new.len() > 200 {
        return Err(AppError::Invalid("Het zegelwachtwoord is te lang (ten hoogste 200 tekens).".into()));
    }
    if new != repeat {
        return Err(AppError::Invalid("De twee zegelwachtwoorden zijn niet gelijk.".into()));
    }
    Ok(())
}

/// How a passphrase is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyChange {
    /// The first one, or a new passphrase for the same key (the current one unlocks it).
    Passphrase,
    /// A new key, for a forgotten passphrase: the shares sealed to the old
    /// key no longer open; the holder holds a share again from the next
    /// publication on.
    Replace,
}

/// The key a new passphrase makes, or the caller's key under a new
/// passphrase (`current` unlocks it). Slow (argon2id): outside any lock.
pub async fn prepare_key<C: ConnectionTrait>(c: &C, user: UserId, current: Option<String>, new: String, change: KeyChange) -> Result<HolderKey, AppError> {
    let existing = sealing_key(c, user).await?.filter(|_| change == KeyChange::Passphrase);
    tokio::task::spawn_blocking(move || match existing {
        None => Ok(sealing::new_holder_key(&new)),
        Some(m) => sealing::rewrap(&holder_of(&m), current.as_deref().unwrap_or_default(), &new).map_err(|e| match e {
            SealError::WrongPassphrase => AppError::Invalid("Het huidige zegelwachtwoord klopt niet.".into()),
            _ => AppError::Internal,
        }),
    })
    .await
    .map_err(|_| AppError::Internal)?
}

/// Stores the caller's sealing key (new, under a new passphrase, or replacing
/// a key whose passphrase was forgotten).
pub async fn store_key(op: &mut Op<Anywhere>, user: &users::Model, k: HolderKey, change: KeyChange) -> Result<(), AppError> {
    let existing = sealing_key(op.txn(), user.id).await?;
    let changed = existing.is_some();
    match existing {
        Some(m) if m.public_key != k.public_key && change == KeyChange::Passphrase => {
            return Err(AppError::Conflict("Uw zegelsleutel is intussen veranderd. Laad de pagina opnieuw.".into()))
        }
        Some(m) => {
            let mut a = m.into_active_model();
            a.public_key = Set(k.public_key.clone());
            a.wrapped_private = Set(k.wrapped_private);
            a.wrap_public = Set(k.wrap_public);
            a.kdf_salt = Set(k.kdf_salt);
            a.kdf_params = Set(k.kdf_params);
            a.update(op.txn()).await?;
        }
        None => {
            sealing_keys::ActiveModel {
                user_id: Set(user.id),
                public_key: Set(k.public_key.clone()),
                wrapped_private: Set(k.wrapped_private),
                wrap_public: Set(k.wrap_public),
                kdf_salt: Set(k.kdf_salt),
                kdf_params: Set(k.kdf_params),
                created_at: Set(op.now()),
                ..Default::default()
            }
            .insert(op.txn())
            .await?;
        }
    }
    op.record(Event::SealingKeySet {
        subject: Subject::Account(user.pseudonym.clone()),
        vingerafdruk: sealing::fingerprint(&k.public_key),
        gewijzigd: changed,
        vervangen: change == KeyChange::Replace && changed,
    })
    .await?;
    Ok(())
}

/// Unlocks the caller's sealing key with their passphrase (slow: argon2id,
/// off the runtime; call it before an operation takes the lock).
pub async fn unlock<C: ConnectionTrait>(c: &C, user: UserId, passphrase: &str) -> Result<HolderSecret, AppError> {
    let Some(m) = sealing_key(c, user).await? else {
        return Err(AppError::Conflict(
            "U heeft nog geen zegelwachtwoord. Stel het in op de pagina Zegelwachtwoord; het geldt voor aanbestedingen die daarna gepubliceerd worden.".into(),
        ));
    };
    if passphrase.is_empty() {
        return Err(AppError::Invalid("Vul uw zegelwachtwoord in.".into()));
    }
    let k = holder_of(&m);
    let passphrase = passphrase.to_string();
    tokio::task::spawn_blocking(move || sealing::unlock(&k, &passphrase))
        .await
        .map_err(|_| AppError::Internal)?
        .map_err(|e| match e {
            SealError::WrongPassphrase => AppError::Invalid("Het zegelwachtwoord klopt niet.".into()),
            _ => AppError::Internal,
        })
}

pub async fn envelope_key<C: ConnectionTrait>(c: &C, tender: TenderId) -> Result<Option<envelope_keys::Model>, DbErr> {
    envelope_keys::Entity::find().filter(envelope_keys::Column::TenderId.eq(tender)).order_by_desc(envelope_keys::Column::Id).one(c).await
}

pub async fn shares<C: ConnectionTrait>(c: &C, key: i32) -> Result<Vec<key_shares::Model>, DbErr> {
    key_shares::Entity::find().filter(key_shares::Column::EnvelopeKeyId.eq(key)).order_by_asc(key_shares::Column::Id).all(c).await
}

/// What a part is sealed for: the tender, the organisation and the part. A
/// sealed part opens only as that part of that organisation's bid.
pub fn binding(tender: TenderId, organisation: crate::ids::OrganisationId, part_def: crate::ids::PartDefId) -> String {
    format!("aanbesteding {tender} organisatie {organisation} onderdeel {part_def}")
}

/// At publication: the tender's envelope key, its shares sealed to the
/// inkopers who have a sealing key (at least three, so any two open it and a
/// lost holder is not needed). Part of the publication's
/// operation; its public key and fingerprint are in its audit event.
pub async fn create_envelope_key(op: &mut Op<InTender>) -> Result<(), AppError> {
    let tender = op.tender_id();
    if envelope_key(op.txn(), tender).await?.is_some() {
        return Ok(());
    }
    let roles = tender_roles::Entity::find()
        .filter(tender_roles::Column::TenderId.eq(tender))
        .filter(tender_roles::Column::Role.eq(super::column::Coded(Role::Inkoper)))
        .order_by_asc(tender_roles::Column::Id)
        .all(op.txn())
        .await?;
    let mut holders: Vec<(users::Model, sealing_keys::Model)> = vec![];
    let mut without = vec![];
    for r in roles {
        let Some(u) = users::Entity::find_by_id(r.user_id).one(op.txn()).await? else { continue };
        if !u.active || holders.iter().any(|(h, _)| h.id == u.id) {
            continue;
        }
        match sealing_key(op.txn(), u.id).await? {
            Some(k) => holders.push((u, k)),
            None => without.push(u.display_name.clone()),
        }
    }
    if holders.len() < crate::domain::setup::MIN_KEY_HOLDERS {
        let missing = if without.is_empty() { String::new() } else { format!(" Nog zonder zegelwachtwoord: {}.", without.join(", ")) };
        return Err(AppError::Conflict(format!(
            "Publiceren kan pas als ten minste drie inkopers van deze aanbesteding een zegelwachtwoord hebben ingesteld: \
             zij houden samen de sleutel waarmee de inschrijvingen verzegeld worden, en elke twee van hen openen haar.{missing}"
        )));
    }
    let pks: Vec<String> = holders.iter().map(|(_, k)| k.public_key.clone()).collect();
    let made = sealing::new_envelope_key(&pks).map_err(|_| AppError::Internal)?;
    let key = envelope_keys::ActiveModel {
        tender_id: Set(tender),
        envelopes: Set("1,2,3".into()),
        public_key: Set(made.public_key.clone()),
        fingerprint: Set(made.fingerprint.clone()),
        test_envelope: Set(made.test_envelope),
        test_digest: Set(made.test_digest),
        created_at: Set(op.now()),
        opened_at: Set(None),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    for ((u, _), s) in holders.iter().zip(made.shares) {
        key_shares::ActiveModel {
            envelope_key_id: Set(key.id),
            user_id: Set(u.id),
            holder_public_key: Set(s.holder_public_key),
            sealed_share: Set(s.sealed),
            share_digest: Set(s.digest),
            proved_at: Set(None),
            ..Default::default()
        }
        .insert(op.txn())
        .await?;
    }
    op.record(Event::EnvelopeKeyCreated {
        subject: Subject::Tender(tender),
        publieke_sleutel: made.public_key,
        vingerafdruk: made.fingerprint,
        enveloppen: "1, 2 en 3".into(),
        sleutelhouders: holders.iter().map(|(u, _)| u.display_name.clone()).collect(),
        nodig_voor_opening: sealing::THRESHOLD.to_string(),
    })
    .await?;
    Ok(())
}

fn sealed_share(s: &key_shares::Model) -> SealedShare {
    SealedShare { holder_public_key: s.holder_public_key.clone(), sealed: s.sealed_share.clone(), digest: s.share_digest.clone() }
}

async fn my_share<C: ConnectionTrait>(c: &C, key: &envelope_keys::Model, holder: &HolderSecret, user: UserId) -> Result<(key_shares::Model, Vec<u8>), AppError> {
    let s = shares(c, key.id).await?.into_iter().find(|s| s.user_id == user).ok_or_else(|| {
        AppError::Forbidden("U houdt geen deel van de sleutel van deze aanbesteding; twee inkopers die dat wel doen, openen haar.".into())
    })?;
    if s.holder_public_key != holder.public_key {
        return Err(AppError::Conflict(
            "Uw zegelsleutel is na de publicatie vervangen; uw deel van de sleutel van deze aanbesteding opent daarmee niet. \
             Twee andere sleutelhouders kunnen haar openen."
                .into(),
        ));
    }
    let bytes = sealing::open_share(holder, &key.fingerprint, &sealed_share(&s)).map_err(|_| {
        AppError::Conflict("Uw deel van de sleutel opent niet. Meld dit aan de functioneel beheerder; twee andere sleutelhouders kunnen de opening doen.".into())
    })?;
    Ok((s, bytes))
}

/// The caller proves their share opens with their passphrase (right after
/// publication, and whenever they like until the opening).
pub async fn prove_share(op: &mut Op<InTender>, holder: &HolderSecret) -> Result<(), AppError> {
    let key = envelope_key(op.txn(), op.tender_id()).await?.ok_or_else(not_sealed)?;
    let me = op.user()?.clone();
    let (s, _) = my_share(op.txn(), &key, holder, me.id).await?;
    let mut a = s.into_active_model();
    a.proved_at = Set(Some(op.now()));
    a.update(op.txn()).await?;
    op.record(Event::KeyShareProved { subject: Subject::Tender(op.tender_id()), vingerafdruk: key.fingerprint.clone() }).await?;
    Ok(())
}

fn not_sealed() -> AppError {
    AppError::Conflict("Deze aanbesteding heeft geen verzegelsleutel (zij is gepubliceerd voordat bidden verzegeld werden).".into())
}

/// The first holder of an opening or rehearsal hands on their share: sealed
/// to each other holder, so any one of them completes it with their own
/// passphrase, and nobody (the server included) can with this alone.
pub async fn relay(op: &mut Op<InTender>, holder: &HolderSecret, purpose: &str) -> Result<envelope_keys::Model, AppError> {
    let key = envelope_key(op.txn(), op.tender_id()).await?.ok_or_else(not_sealed)?;
    let me = op.user()?.clone();
    let (_, share) = my_share(op.txn(), &key, holder, me.id).await?;
    clear_relays(op, key.id, purpose).await?;
    let now = op.now();
    for other in shares(op.txn(), key.id).await?.into_iter().filter(|s| s.user_id != me.id) {
        let sealed = sealing::relay_share(&share, &key.fingerprint, &other.holder_public_key).map_err(|_| AppError::Internal)?;
        key_relays::ActiveModel {
            envelope_key_id: Set(key.id),
            purpose: Set(purpose.into()),
            started_by: Set(me.id),
            started_at: Set(now),
            for_user: Set(other.user_id),
            sealed_share: Set(sealed),
            ..Default::default()
        }
        .insert(op.txn())
        .await?;
    }
    Ok(key)
}

/// Forgets the shares handed on for `purpose` (done, expired or replaced).
pub async fn clear_relays<Sc: super::op::Scope>(op: &Op<Sc>, key: i32, purpose: &str) -> Result<(), DbErr> {
    key_relays::Entity::delete_many()
        .filter(key_relays::Column::EnvelopeKeyId.eq(key))
        .filter(key_relays::Column::Purpose.eq(purpose))
        .exec(op.txn())
        .await?;
    Ok(())
}

/// The relayed share waiting for `user`, if any: (started by, at).
pub async fn relay_for<C: ConnectionTrait>(c: &C, key: i32, purpose: &str, user: UserId) -> Result<Option<key_relays::Model>, DbErr> {
    key_relays::Entity::find()
        .filter(key_relays::Column::EnvelopeKeyId.eq(key))
        .filter(key_relays::Column::Purpose.eq(purpose))
        .filter(key_relays::Column::ForUser.eq(user))
        .one(c)
        .await
}

/// The second holder recovers the envelope key: their own share and the one
/// the first holder handed on to them.
pub async fn recover<C: ConnectionTrait>(
    c: &C,
    tender: TenderId,
    holder: &HolderSecret,
    user: UserId,
    purpose: &str,
) -> Result<(envelope_keys::Model, EnvelopeSecret), AppError> {
    let key = envelope_key(c, tender).await?.ok_or_else(not_sealed)?;
    let relayed = relay_for(c, key.id, purpose, user).await?.ok_or_else(|| {
        AppError::Conflict("Er is geen sleuteldeel voor u doorgegeven: de eerste sleutelhouder start eerst, daarna bevestigt u.".into())
    })?;
    if relayed.started_by == user {
        return Err(AppError::Forbidden("Een tweede, andere sleutelhouder bevestigt.".into()));
    }
    let (_, mine) = my_share(c, &key, holder, user).await?;
    let theirs = sealing::open_relayed(holder, &key.fingerprint, &relayed.sealed_share).map_err(|_| AppError::Internal)?;
    let secret = sealing::combine(&[mine, theirs], &key.public_key).map_err(|e| {
        tracing::error!(error = %e, tender = %tender, "the envelope key could not be recovered");
        AppError::Conflict("De twee sleuteldelen maken samen niet de gepubliceerde sleutel. Probeer het met een andere sleutelhouder.".into())
    })?;
    Ok((key, secret))
}

/// Starts a rehearsal of the opening (before the opening): the first holder.
pub async fn start_rehearsal(op: &mut Op<InTender>, holder: &HolderSecret) -> Result<(), AppError> {
    let key = envelope_key(op.txn(), op.tender_id()).await?.ok_or_else(not_sealed)?;
    if key.opened_at.is_some() {
        return Err(AppError::Conflict("De inschrijvingen zijn al geopend; een proef is niet meer nodig.".into()));
    }
    relay(op, holder, REHEARSAL).await?;
    op.record(Event::KeyRehearsalStarted { subject: Subject::Tender(op.tender_id()), vingerafdruk: key.fingerprint }).await?;
    Ok(())
}

/// Completes a rehearsal: the second holder's share and the relayed one
/// recover the key, which must open the test envelope sealed at
/// publication. The outcome is recorded either way; gives whether it opened.
pub async fn complete_rehearsal(op: &mut Op<InTender>, holder: &HolderSecret) -> Result<bool, AppError> {
    let me = op.user()?.clone();
    let tender = op.tender_id();
    let key = envelope_key(op.txn(), tender).await?.ok_or_else(not_sealed)?;
    let relayed = relay_for(op.txn(), key.id, REHEARSAL, me.id).await?.ok_or_else(|| {
        AppError::Conflict("Er loopt geen proef die op u wacht: een sleutelhouder start haar eerst.".into())
    })?;
    if op.now() - relayed.started_at > chrono::Duration::minutes(REHEARSAL_MINUTES) {
        clear_relays(op, key.id, REHEARSAL).await?;
        return Err(AppError::Conflict(format!(
            "De proef is niet binnen {REHEARSAL_MINUTES} minuten bevestigd en verlopen. Start haar opnieuw."
        )));
    }
    let starter = users::Entity::find_by_id(relayed.started_by).one(op.txn()).await?.ok_or(AppError::Internal)?;
    let opened = match recover(op.txn(), tender, holder, me.id, REHEARSAL).await {
        Ok((k, secret)) => sealing::opens_test(&secret, &k.test_envelope, &k.test_digest),
        Err(AppError::Conflict(_)) => false,
        Err(e) => return Err(e),
    };
    clear_relays(op, key.id, REHEARSAL).await?;
    op.record(Event::KeyRehearsed {
        subject: Subject::Tender(tender),
        vingerafdruk: key.fingerprint,
        sleutelhouders: vec![starter.display_name, me.display_name],
        geslaagd: opened,
    })
    .await?;
    Ok(opened)
}

/// Marks the envelope key as used (at the confirmed opening) and forgets the
/// relayed shares.
pub async fn opened(op: &mut Op<InTender>, key: &envelope_keys::Model) -> Result<(), AppError> {
    clear_relays(op, key.id, OPENING).await?;
    clear_relays(op, key.id, REHEARSAL).await?;
    let mut a = key.clone().into_active_model();
    a.opened_at = Set(Some(op.now()));
    a.update(op.txn()).await?;
    Ok(())
}

/// For the key page: each holder, whether their share was proved, and the
/// outcome of the last rehearsal.
pub struct KeyState {
    pub fingerprint: String,
    pub opened: bool,
    /// (user, name, proved)
    pub holders: Vec<(UserId, String, bool)>,
    /// A rehearsal started and waiting: (started by, at, whether it waits for me).
    pub rehearsal: Option<(UserId, chrono::DateTime<chrono::Utc>, bool)>,
}

pub async fn state<C: ConnectionTrait>(c: &C, tender: TenderId, me: UserId) -> Result<Option<KeyState>, DbErr> {
    let Some(key) = envelope_key(c, tender).await? else { return Ok(None) };
    let mut holders = vec![];
    for s in shares(c, key.id).await? {
        let name = users::Entity::find_by_id(s.user_id).one(c).await?.map(|u| u.display_name).unwrap_or_default();
        holders.push((s.user_id, name, s.proved_at.is_some()));
    }
    let relays = key_relays::Entity::find()
        .filter(key_relays::Column::EnvelopeKeyId.eq(key.id))
        .filter(key_relays::Column::Purpose.eq(REHEARSAL))
        .all(c)
        .await?;
    let rehearsal = relays.first().map(|r| (r.started_by, r.started_at, relays.iter().any(|x| x.for_user == me)));
    Ok(Some(KeyState { fingerprint: key.fingerprint, opened: key.opened_at.is_some(), holders, rehearsal }))
}
