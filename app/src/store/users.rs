//! Accounts: creation, password login with lock-out, and the roles a user holds.

use super::column::Coded;
use super::entities::{tender_roles, users};
use super::event::{Event, LoginFailure, Subject};
use super::op::{Actor, Anywhere, Op, Scope};
use super::Db;
use crate::domain::access::Role;
use crate::domain::values::{Email, Username};
use crate::error::AppError;
use crate::ids::{TenderId, UserId};
use crate::state::Clock;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};

/// Failed attempts after which an account is locked for [`LOCK_MINUTES`].
pub const MAX_FAILED: i32 = 5;
pub const LOCK_MINUTES: i64 = 15;

/// Hashes a password with argon2id (run it off the async threads).
pub async fn hash_password(password: String) -> String {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .expect("hashing does not panic")
}

/// Checks a password against its argon2id hash, off the async threads. Without a
/// hash (an unknown user name) it checks against a dummy hash, so that case costs
/// as much time as a wrong password, and is false.
pub async fn verify_password(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(dummy_hash);
        password_auth::verify_password(password, &hash).is_ok() && known
    })
    .await
    .unwrap_or(false)
}

/// A random pseudonymous id for the audit log.
pub fn new_pseudonym() -> String {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).expect("randomness");
    format!("p-{}", hex::encode(b))
}

/// The subject of events about an account.
pub fn subject_of(u: &users::Model) -> Subject {
    Subject::Account(u.pseudonym.clone())
}

/// An account to create (its password already hashed, outside the lock).
pub struct NewAccount {
    pub username: Username,
    pub display_name: String,
    /// Empty for an invited account: its owner chooses the password.
    pub password_hash: String,
    /// The password was generated and shown once: choose a new one first.
    pub must_change_password: bool,
    pub email: Option<Email>,
}

impl NewAccount {
    /// An account whose owner will choose the password through an invitation.
    pub fn invited(username: Username, display_name: String, email: Email) -> Self {
        NewAccount { username, display_name, password_hash: String::new(), must_change_password: false, email: Some(email) }
    }
}

/// The password hash of an account, if it has a password (an invited account
/// that has not accepted yet has none).
pub fn password_of(u: &users::Model) -> Option<String> {
    Some(u.password_hash.clone()).filter(|h| !h.is_empty())
}

/// Whether the account has a second factor enrolled.
pub fn has_second_factor(u: &users::Model) -> bool {
    u.totp_enabled_at.is_some() && u.totp_secret.is_some()
}

/// The account with this user name, if any.
pub async fn by_username<C: ConnectionTrait>(c: &C, username: &Username) -> Result<Option<users::Model>, DbErr> {
    users::Entity::find().filter(users::Column::Username.eq(Coded(username.clone()))).one(c).await
}

/// Creates an account inside an operation and records it. A user name taken
/// meanwhile is a conflict, not a database error.
pub async fn create<S: Scope>(op: &mut Op<S>, a: NewAccount) -> Result<users::Model, AppError> {
    if by_username(op.txn(), &a.username).await?.is_some() {
        return Err(AppError::Conflict("Deze gebruikersnaam is al in gebruik. Kies een andere.".into()));
    }
    let user = users::ActiveModel {
        username: Set(Coded(a.username.clone())),
        display_name: Set(a.display_name.clone()),
        password_hash: Set(a.password_hash),
        pseudonym: Set(new_pseudonym()),
        active: Set(true),
        failed_logins: Set(0),
        locked_until: Set(None),
        created_at: Set(op.now()),
        must_change_password: Set(a.must_change_password),
        email: Set(a.email.as_ref().map(|e| e.to_string())),
        beheerder: Set(false),
        creates_tenders: Set(false),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    op.record(Event::AccountCreated {
        subject: subject_of(&user),
        username: a.username.into_string(),
        naam: a.display_name,
        email: a.email.map(|e| e.to_string()),
    })
    .await?;
    Ok(user)
}

/// Gives `user` a role in a tender inside an operation and records it.
pub async fn grant<S: Scope>(
    op: &mut Op<S>,
    tender: TenderId,
    user: &users::Model,
    role: Role,
    organisation: Option<&str>,
) -> Result<(), AppError> {
    tender_roles::ActiveModel {
        tender_id: Set(tender),
        user_id: Set(user.id),
        role: Set(Coded(role)),
        organisation: Set(organisation.map(str::to_string)),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    op.record(Event::RoleGranted {
        subject: subject_of(user),
        tender,
        rol: role.code().into(),
        organisatie: organisation.map(str::to_string),
    })
    .await?;
    Ok(())
}

pub async fn by_id<C: ConnectionTrait>(c: &C, id: UserId) -> Result<Option<users::Model>, DbErr> {
    users::Entity::find_by_id(id).one(c).await
}

pub async fn count<C: ConnectionTrait>(c: &C) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    users::Entity::find().count(c).await
}

/// The roles `user` holds, per tender.
pub async fn roles<C: ConnectionTrait>(c: &C, user: UserId) -> Result<Vec<tender_roles::Model>, DbErr> {
    tender_roles::Entity::find().filter(tender_roles::Column::UserId.eq(user)).all(c).await
}

/// The outcome of a login attempt.
#[derive(Debug)]
pub enum LoginOutcome {
    /// Logged in; with a new device token to put in the device's cookie.
    Ok(users::Model, Option<String>),
    /// The password was right; the account has a second factor, asked next.
    SecondFactor(users::Model),
    /// Wrong user name or password (never says which).
    Wrong,
    /// Too many failures for this user name from devices that never logged
    /// in to it: held until the given instant (the same for names that do
    /// not exist).
    Held(DateTime<Utc>),
    /// The right one-time password, after its expiry.
    OneTimeExpired,
}

/// A hash of a random string, verified for unknown user names so that a wrong
/// name costs as much time as a wrong password.
fn dummy_hash() -> String {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| password_auth::generate_hash(new_pseudonym())).clone()
}

/// Checks a password and records the attempt (success or failure) in one
/// operation. `username` is what was typed (it need not be a valid name);
/// `device` the token of the device's cookie, if it has one. A device that
/// completed a log-in to the account before is trusted: the name's hold
/// (`domain::throttle`) does not apply to it, so the owner is never locked
/// out by someone else's guessing.
pub async fn login(db: &Db, clock: &Clock, username: &str, password: &str, device: Option<&str>) -> Result<LoginOutcome, AppError> {
    let user = match Username::parse(username) {
        Ok(name) => by_username(&db.conn, &name).await?,
        Err(_) => None,
    };
    let trusted = match &user {
        Some(u) => super::throttle::device(&db.conn, device, u.id).await?,
        None => None,
    };
    // Held, for an untrusted device: refused before the password is checked,
    // alike for names that exist and names that do not.
    let now = clock.now();
    let held = if trusted.is_none() {
        let name_hold = super::throttle::count(&db.conn, username).await?.held(now);
        // Wrong codes after a right password hold the account's untrusted devices too.
        let code_hold = user.as_ref().and_then(|u| u.locked_until).filter(|t| *t > now);
        name_hold.into_iter().chain(code_hold).max()
    } else {
        None
    };
    let password_ok = held.is_none() && verify_password(password.to_string(), user.as_ref().and_then(password_of)).await;

    let mut op = Op::anywhere(db, clock, Actor::anonymous()).await?;
    let now = op.now();
    // Re-read inside the transaction: the counters may have moved meanwhile.
    let user = match user {
        Some(u) => users::Entity::find_by_id(u.id).one(op.txn()).await?,
        None => None,
    };
    let subject = user.as_ref().map(subject_of).unwrap_or(Subject::UnknownAccount);
    if let Some(u) = &user {
        op.act_as(Actor::user(u));
    }
    let outcome = if let Some(until) = held {
        op.record(Event::LoginFailed { subject, why: LoginFailure::Locked { reden: "gebruikersnaam tijdelijk vastgehouden voor onbekende apparaten" } })
            .await?;
        LoginOutcome::Held(until)
    } else {
        match user {
            Some(u) if password_ok && u.active && u.must_change_password && u.one_time_until.is_some_and(|t| t <= now) => {
                op.record(Event::LoginFailed { subject, why: LoginFailure::Refused { reden: "eenmalig wachtwoord verlopen", geblokkeerd_tot: None } })
                    .await?;
                LoginOutcome::OneTimeExpired
            }
            Some(u) if password_ok && u.active && has_second_factor(&u) => {
                // The name's failures are cleared once the second factor is given.
                op.record(Event::PasswordAccepted { subject }).await?;
                LoginOutcome::SecondFactor(u)
            }
            Some(u) if password_ok && u.active => {
                let u = succeeded(&op, u).await?;
                super::throttle::cleared(op.txn(), username).await?;
                let token = super::throttle::trust(&op, &u, device).await?;
                op.record(Event::Login { subject, factor: None }).await?;
                LoginOutcome::Ok(u, token)
            }
            other => {
                let why = match &other {
                    None => "onbekende gebruiker",
                    Some(u) if !u.active => "account niet actief",
                    Some(_) => "onjuist wachtwoord",
                };
                let held_now = match trusted {
                    Some(d) => {
                        super::throttle::device_failed(&op, d).await?;
                        None
                    }
                    None => super::throttle::failed(&op, username).await?,
                };
                let why = match other {
                    None => LoginFailure::UnknownUser { username: username.to_string(), reden: why },
                    Some(_) => LoginFailure::Refused { reden: why, geblokkeerd_tot: held_now.map(|t| t.to_rfc3339()) },
                };
                op.record(Event::LoginFailed { subject, why }).await?;
                match held_now {
                    Some(until) => LoginOutcome::Held(until),
                    None => LoginOutcome::Wrong,
                }
            }
        }
    };
    op.commit().await?;
    Ok(outcome)
}

/// Clears the failed attempts of an account that logged in.
pub async fn succeeded<S: Scope>(op: &Op<S>, u: users::Model) -> Result<users::Model, DbErr> {
    let mut am: users::ActiveModel = u.into();
    am.failed_logins = Set(0);
    am.locked_until = Set(None);
    am.update(op.txn()).await
}

/// Counts a failed attempt (a wrong password or code) and records it; at
/// [`MAX_FAILED`] the account is locked for [`LOCK_MINUTES`]. Returns the end
/// of the lock, if it locked.
pub async fn failed<S: Scope>(op: &mut Op<S>, u: &users::Model, why: &'static str) -> Result<Option<DateTime<Utc>>, AppError> {
    let now = op.now();
    let failed = u.failed_logins + 1;
    let locked = (failed >= MAX_FAILED).then(|| now + Duration::minutes(LOCK_MINUTES));
    let mut am: users::ActiveModel = u.clone().into();
    am.failed_logins = Set(if locked.is_some() { 0 } else { failed });
    am.locked_until = Set(locked);
    am.update(op.txn()).await?;
    op.record(Event::LoginFailed {
        subject: subject_of(u),
        why: LoginFailure::Refused { reden: why, geblokkeerd_tot: locked.map(|t| t.to_rfc3339()) },
    })
    .await?;
    Ok(locked)
}

/// Records a logout.
pub async fn logout(db: &Db, clock: &Clock, user: &users::Model) -> Result<(), AppError> {
    let mut op = Op::anywhere(db, clock, Actor::user(user)).await?;
    op.record(Event::Logout { subject: subject_of(user) }).await?;
    op.commit().await
}

/// Why a password change was refused.
#[derive(Debug)]
pub enum ChangeOutcome {
    /// Changed: the account as it is now (with its new session epoch).
    Ok(users::Model),
    WrongCurrent,
}

/// Changes a user's password after checking the current one; one operation.
pub async fn change_password(
    db: &Db,
    clock: &Clock,
    user: &users::Model,
    current: &str,
    new_password: &str,
) -> Result<ChangeOutcome, AppError> {
    if password_of(user).is_none() || !verify_password(current.to_string(), password_of(user)).await {
        return Ok(ChangeOutcome::WrongCurrent);
    }
    let new_hash = hash_password(new_password.to_string()).await;
    let mut op: Op<Anywhere> = Op::anywhere(db, clock, Actor::user(user)).await?;
    let current = users::Entity::find_by_id(user.id).one(op.txn()).await?.ok_or(AppError::Internal)?;
    let mut am: users::ActiveModel = current.clone().into();
    am.password_hash = Set(new_hash);
    am.must_change_password = Set(false);
    am.one_time_until = Set(None);
    // Every other session of the account ends (the caller starts a new one).
    am.session_epoch = Set(current.session_epoch.wrapping_add(1));
    let user = am.update(op.txn()).await?;
    super::throttle::forget_devices(op.txn(), user.id).await?;
    op.record(Event::PasswordChanged { subject: subject_of(&user) }).await?;
    op.commit().await?;
    Ok(ChangeOutcome::Ok(user))
}

/// A generated password, shown once: 16 characters from an alphabet without
/// look-alikes (about 90 bits), drawn without modulo bias.
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut out = String::with_capacity(16);
    while out.len() < 16 {
        let mut b = [0u8; 32];
        getrandom::fill(&mut b).expect("randomness");
        // 54 letters: keep bytes below 216 (4 x 54) so every letter is as likely.
        for x in b.iter().filter(|x| (**x as usize) < ALPHABET.len() * 4) {
            if out.len() < 16 {
                out.push(ALPHABET[*x as usize % ALPHABET.len()] as char);
            }
        }
    }
    out
}

/// How long a one-time (generated, printed) password works.
pub const ONE_TIME_HOURS: i64 = 72;

