//! Accounts: creation, password login with lock-out, and the roles a user holds.

use super::audit::{self, Actor, NewEvent};
use super::entities::{tender_roles, users};
use super::{Db, WriteTx};
use crate::domain::access::Role;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use serde_json::json;

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

/// Creates an account inside `tx` and logs it.
pub async fn create(
    tx: &WriteTx,
    now: DateTime<Utc>,
    by: Actor,
    username: &str,
    display_name: &str,
    password_hash: String,
    must_change_password: bool,
) -> Result<users::Model, DbErr> {
    let user = users::ActiveModel {
        username: Set(username.to_string()),
        display_name: Set(display_name.to_string()),
        password_hash: Set(password_hash),
        pseudonym: Set(new_pseudonym()),
        active: Set(true),
        failed_logins: Set(0),
        locked_until: Set(None),
        created_at: Set(now),
        must_change_password: Set(must_change_password),
        ..Default::default()
    }
    .insert(&tx.txn)
    .await?;
    audit::append(
        tx,
        now,
        NewEvent {
            tender: None,
            actor: by,
            action: "account.created",
            subject: format!("account:{}", user.pseudonym),
            payload: json!({ "username": username, "naam": display_name }),
        },
    )
    .await?;
    Ok(user)
}

/// Gives `user` a role in a tender inside `tx` and logs it.
pub async fn grant(
    tx: &WriteTx,
    now: DateTime<Utc>,
    by: Actor,
    tender: i32,
    user: &users::Model,
    role: Role,
    organisation: Option<&str>,
) -> Result<(), DbErr> {
    tender_roles::ActiveModel {
        tender_id: Set(tender),
        user_id: Set(user.id),
        role: Set(role.code().to_string()),
        organisation: Set(organisation.map(str::to_string)),
        ..Default::default()
    }
    .insert(&tx.txn)
    .await?;
    audit::append(
        tx,
        now,
        NewEvent {
            tender: Some(tender),
            actor: by,
            action: "role.granted",
            subject: format!("account:{}", user.pseudonym),
            payload: json!({ "rol": role.code(), "organisatie": organisation }),
        },
    )
    .await?;
    Ok(())
}

pub async fn by_id<C: ConnectionTrait>(c: &C, id: i32) -> Result<Option<users::Model>, DbErr> {
    users::Entity::find_by_id(id).one(c).await
}

pub async fn count<C: ConnectionTrait>(c: &C) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    users::Entity::find().count(c).await
}

/// The roles `user` holds, per tender.
pub async fn roles<C: ConnectionTrait>(c: &C, user: i32) -> Result<Vec<tender_roles::Model>, DbErr> {
    tender_roles::Entity::find().filter(tender_roles::Column::UserId.eq(user)).all(c).await
}

/// The outcome of a login attempt.
#[derive(Debug)]
pub enum LoginOutcome {
    Ok(users::Model),
    /// Wrong user name or password (never says which).
    Wrong,
    /// Too many failures; locked until the given instant.
    Locked(DateTime<Utc>),
}

/// A hash of a random string, verified for unknown user names so that a wrong
/// name costs as much time as a wrong password.
fn dummy_hash() -> String {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| password_auth::generate_hash(new_pseudonym())).clone()
}

/// Checks a password and records the attempt (success or failure) in one
/// transaction with its audit event.
pub async fn login(db: &Db, now: DateTime<Utc>, username: &str, password: &str) -> Result<LoginOutcome, DbErr> {
    let user = users::Entity::find()
        .filter(users::Column::Username.eq(username))
        .one(&db.conn)
        .await?;
    let password_ok = verify_password(password.to_string(), user.as_ref().map(|u| u.password_hash.clone())).await;

    let tx = db.write().await?;
    // Re-read inside the transaction: the counters may have moved meanwhile.
    let user = match user {
        Some(u) => users::Entity::find_by_id(u.id).one(&tx.txn).await?,
        None => None,
    };
    let outcome = match user {
        None => {
            audit::append(
                &tx,
                now,
                NewEvent {
                    tender: None,
                    actor: Actor { id: "anoniem".into(), role: "anoniem".into() },
                    action: "auth.login_failed",
                    subject: "account:onbekend".into(),
                    payload: json!({ "username": username, "reden": "onbekende gebruiker" }),
                },
            )
            .await?;
            LoginOutcome::Wrong
        }
        Some(u) => {
            let actor = Actor { id: u.pseudonym.clone(), role: "gebruiker".into() };
            let subject = format!("account:{}", u.pseudonym);
            if let Some(until) = u.locked_until.filter(|t| *t > now) {
                audit::append(&tx, now, NewEvent {
                    tender: None, actor, action: "auth.login_failed", subject,
                    payload: json!({ "reden": "account tijdelijk geblokkeerd" }),
                })
                .await?;
                LoginOutcome::Locked(until)
            } else if password_ok && u.active {
                let mut am: users::ActiveModel = u.clone().into();
                am.failed_logins = Set(0);
                am.locked_until = Set(None);
                let u = am.update(&tx.txn).await?;
                audit::append(&tx, now, NewEvent {
                    tender: None, actor, action: "auth.login", subject, payload: json!({}),
                })
                .await?;
                LoginOutcome::Ok(u)
            } else {
                let failed = u.failed_logins + 1;
                let locked = (failed >= MAX_FAILED).then(|| now + Duration::minutes(LOCK_MINUTES));
                let mut am: users::ActiveModel = u.clone().into();
                am.failed_logins = Set(if locked.is_some() { 0 } else { failed });
                am.locked_until = Set(locked);
                am.update(&tx.txn).await?;
                audit::append(&tx, now, NewEvent {
                    tender: None, actor, action: "auth.login_failed", subject,
                    payload: json!({
                        "reden": if u.active { "onjuist wachtwoord" } else { "account niet actief" },
                        "geblokkeerd_tot": locked.map(|t| t.to_rfc3339()),
                    }),
                })
                .await?;
                match locked {
                    Some(until) => LoginOutcome::Locked(until),
                    None => LoginOutcome::Wrong,
                }
            }
        }
    };
    tx.commit().await?;
    Ok(outcome)
}

/// Records a logout.
pub async fn logout(db: &Db, now: DateTime<Utc>, user: &users::Model) -> Result<(), DbErr> {
    let tx = db.write().await?;
    audit::append(&tx, now, NewEvent {
        tender: None,
        actor: Actor { id: user.pseudonym.clone(), role: "gebruiker".into() },
        action: "auth.logout",
        subject: format!("account:{}", user.pseudonym),
        payload: json!({}),
    })
    .await?;
    tx.commit().await
}

/// Why a password change was refused.
#[derive(Debug)]
pub enum ChangeOutcome {
    Ok,
    WrongCurrent,
}

/// Changes a user's password after checking the current one; one transaction
/// with its audit event.
pub async fn change_password(
    db: &Db,
    now: DateTime<Utc>,
    user: &users::Model,
    current: &str,
    new_password: &str,
) -> Result<ChangeOutcome, DbErr> {
    if !verify_password(current.to_string(), Some(user.password_hash.clone())).await {
        return Ok(ChangeOutcome::WrongCurrent);
    }
    let new_hash = hash_password(new_password.to_string()).await;
    let tx = db.write().await?;
    let mut am: users::ActiveModel = user.clone().into();
    am.password_hash = Set(new_hash);
    am.must_change_password = Set(false);
    am.update(&tx.txn).await?;
    audit::append(&tx, now, NewEvent {
        tender: None,
        actor: Actor { id: user.pseudonym.clone(), role: "gebruiker".into() },
        action: "account.password_changed",
        subject: format!("account:{}", user.pseudonym),
        payload: json!({}),
    })
    .await?;
    tx.commit().await?;
    Ok(ChangeOutcome::Ok)
}
