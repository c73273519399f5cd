//! Failed log-ins per typed user name, and the devices that completed a
//! log-in to an account (the rules: `domain::throttle`). A held name stops
//! untrusted devices before the password is even checked, with the same
//! answer for names that exist and names that do not.

use super::entities::{login_throttle, trusted_devices, users};
use super::op::{Op, Scope};
use crate::domain::digest::sha256_hex;
use crate::domain::throttle::{Count, MAX_FAILURES};
use crate::ids::UserId;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, Set};

/// The key of a typed user name: its SHA-256, lower case and trimmed (the
/// table holds no names, also not of accounts that do not exist).
pub fn name_key(typed: &str) -> String {
    sha256_hex(format!("dialoog-inlognaam-v1\n{}", typed.trim().to_lowercase()).as_bytes())
}

/// The failures a throttle row counts (none without a row).
fn count_of(row: Option<&login_throttle::Model>) -> Count {
    row.map(|r| Count { failures: r.failures, window_start: r.window_start, held_until: r.held_until }).unwrap_or_default()
}

/// The failures counted for a typed name.
pub async fn count<C: ConnectionTrait>(c: &C, typed: &str) -> Result<Count, DbErr> {
    Ok(count_of(login_throttle::Entity::find_by_id(name_key(typed)).one(c).await?.as_ref()))
}

/// Counts a failure for a typed name (from an untrusted device); returns the
/// end of the hold when this failure started one.
pub async fn failed<S: Scope>(op: &Op<S>, typed: &str) -> Result<Option<DateTime<Utc>>, DbErr> {
    let now = op.now();
    let key = name_key(typed);
    let existing = login_throttle::Entity::find_by_id(key.clone()).one(op.txn()).await?;
    let before = count_of(existing.as_ref());
    let after = before.after_failure(now);
    let row = login_throttle::ActiveModel {
        name_hash: Set(key.clone()),
        failures: Set(after.failures),
        window_start: Set(after.window_start),
        held_until: Set(after.held_until),
        updated_at: Set(now),
    };
    if existing.is_some() {
        row.update(op.txn()).await?;
    } else {
        row.insert(op.txn()).await?;
    }
    // Rows of names nobody tried for a day go (a flood of invented names
    // does not grow the table for ever).
    login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::UpdatedAt.lt(now - Duration::days(1)))
        .exec(op.txn())
        .await?;
    Ok(after.held(now).filter(|_| before.held(now).is_none()))
}

/// Clears the failures of a name (after a complete log-in, or when its
/// holder is erased).
pub async fn cleared<C: ConnectionTrait>(c: &C, typed: &str) -> Result<(), DbErr> {
    login_throttle::Entity::delete_by_id(name_key(typed)).exec(c).await?;
    Ok(())
}

/// The trusted device a cookie token names, for `user`.
pub async fn device<C: ConnectionTrait>(c: &C, token: Option<&str>, user: UserId) -> Result<Option<trusted_devices::Model>, DbErr> {
    let Some(token) = token.filter(|t| !t.is_empty() && t.len() <= 100) else { return Ok(None) };
    trusted_devices::Entity::find()
        .filter(trusted_devices::Column::TokenHash.eq(sha256_hex(token.as_bytes())))
        .filter(trusted_devices::Column::UserId.eq(user))
        .one(c)
        .await
}

/// Trusts the device of a complete log-in: a new random token (256 bits) for
/// its cookie; only the token's SHA-256 is stored. A device already trusted
/// keeps its token and has its failures cleared.
pub async fn trust<S: Scope>(op: &Op<S>, user: &users::Model, current: Option<&str>) -> Result<Option<String>, DbErr> {
    if let Some(d) = device(op.txn(), current, user.id).await? {
        let mut a = d.into_active_model();
        a.failures = Set(0);
        a.last_used_at = Set(op.now());
        a.update(op.txn()).await?;
        return Ok(None);
    }
    let mut raw = [0u8; 32];
    getrandom::fill(&mut raw).map_err(|e| DbErr::Custom(e.to_string()))?;
    let token = hex::encode(raw);
    trusted_devices::ActiveModel {
        user_id: Set(user.id),
        token_hash: Set(sha256_hex(token.as_bytes())),
        failures: Set(0),
        created_at: Set(op.now()),
        last_used_at: Set(op.now()),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    Ok(Some(token))
}

/// Counts a wrong password from a trusted device; the last of
/// [`MAX_FAILURES`] in a row ends its trust.
pub async fn device_failed<S: Scope>(op: &Op<S>, d: trusted_devices::Model) -> Result<(), DbErr> {
    if d.failures + 1 >= MAX_FAILURES {
        trusted_devices::Entity::delete_by_id(d.id).exec(op.txn()).await?;
    } else {
        let failures = d.failures + 1;
        let mut a = d.into_active_model();
        a.failures = Set(failures);
        a.update(op.txn()).await?;
    }
    Ok(())
}

/// Forgets every trusted device of an account (a new password, a lost
/// second factor, an operator's recovery).
pub async fn forget_devices<C: ConnectionTrait>(c: &C, user: UserId) -> Result<(), DbErr> {
    trusted_devices::Entity::delete_many().filter(trusted_devices::Column::UserId.eq(user)).exec(c).await?;
    Ok(())
}
