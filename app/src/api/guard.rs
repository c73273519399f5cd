//! The one place where a server function learns who is calling and whether the
//! table allows it; also where error statuses are set.

use crate::domain::access::{self, Action, Role};
use crate::error::AppError;
use crate::ids::{TenderId, UserId};
use crate::state::AppState;
use crate::store::entities::{tenders, users};
use crate::store::op::{allowed_role, Actor, Op};
use leptos::prelude::*;
use std::future::Future;

pub const SESSION_USER: &str = "user_id";
pub const SESSION_LOGIN_AT: &str = "login_at";
/// The account's session epoch when the session began (see `users.session_epoch`).
pub const SESSION_EPOCH: &str = "epoch";
/// A log-in waiting for its second factor: the account, and since when.
pub const SESSION_PENDING: &str = "pending_user";
pub const SESSION_PENDING_AT: &str = "pending_at";
/// Wrong codes given at confirmations in this session.
pub const SESSION_CODE_FAILURES: &str = "code_failures";
/// The secret shown during an enrolment, until its first code confirms it.
pub const SESSION_ENROL_SECRET: &str = "enrol_secret";
/// How long the second step of a log-in may wait for its code.
pub const PENDING_MINUTES: i64 = 5;
/// Absolute session lifetime, whatever the activity.
pub const ABSOLUTE_HOURS: i64 = 12;

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or(AppError::Internal)
}

pub async fn session() -> Result<tower_sessions::Session, AppError> {
    leptos_axum::extract::<tower_sessions::Session>().await.map_err(|_| AppError::Internal)
}

/// Whether the current request is a plain HTML form post (no JavaScript): its
/// errors travel back in the redirect URL, so the status must stay a redirect.
fn plain_form_post() -> bool {
    use_context::<http::request::Parts>()
        .map(|p| {
            p.method == http::Method::POST
                && p.headers
                    .get(http::header::ACCEPT)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}

/// Runs a server function body and gives its error the right HTTP status.
pub async fn run<T>(f: impl Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    let r = f.await;
    if let Err(e) = &r {
        if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
            opts.insert_header(
                http::HeaderName::from_static("x-dialoog-error"),
                http::HeaderValue::from_static("1"),
            );
            if !plain_form_post() {
                opts.set_status(http::StatusCode::from_u16(e.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR));
            }
        }
    }
    r
}

/// The address the request came from (the socket's peer).
pub async fn client_ip() -> std::net::IpAddr {
    leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .await
        .map(|c| c.0.ip())
        .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
}

/// The name of the cookie that marks a device that completed a log-in.
pub fn device_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-dialoog-apparaat"
    } else {
        "dialoog_apparaat"
    }
}

/// The device token the request's cookie carries, if any.
pub async fn device_token() -> Option<String> {
    let st = state().ok()?;
    let headers = leptos_axum::extract::<http::HeaderMap>().await.ok()?;
    let name = device_cookie_name(st.settings.secure_cookies);
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Marks the device as one that completed a log-in to the account (180
/// days; HttpOnly, SameSite=Strict, Secure behind TLS).
pub fn set_device_cookie(token: &str) {
    let Some(opts) = use_context::<leptos_axum::ResponseOptions>() else { return };
    let Ok(st) = state() else { return };
    let secure = st.settings.secure_cookies;
    let cookie = format!(
        "{}={token}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{}",
        device_cookie_name(secure),
        180 * 24 * 3600,
        if secure { "; Secure" } else { "" }
    );
    if let Ok(v) = http::HeaderValue::from_str(&cookie) {
        opts.append_header(http::header::SET_COOKIE, v);
    }
}

/// Costly work a person can start over and over.
#[derive(Clone, Copy, Debug)]
pub enum Costly {
    /// A password hashed (changed, or chosen through an invitation).
    Password,
    /// An invitation e-mailed.
    Invitation,
}

/// Holds costly work to its rate, per account (when logged in) and per
/// address; a 429 with a Dutch message when either is spent.
pub async fn throttle(what: Costly, user: Option<UserId>) -> Result<(), AppError> {
    let st = state()?;
    let kind = match what {
        Costly::Password => "wachtwoord",
        Costly::Invitation => "uitnodiging",
    };
    let mut keys = vec![format!("{kind}:adres:{}", client_ip().await)];
    if let Some(u) = user {
        keys.push(format!("{kind}:account:{u}"));
    }
    for k in keys {
        if st.costly_limiter.check_key(&k).is_err() {
            return Err(AppError::TooManyRequests(match what {
                Costly::Password => "Te veel wachtwoordpogingen kort na elkaar. Wacht een minuut en probeer het opnieuw.".into(),
                Costly::Invitation => "Te veel uitnodigingen kort na elkaar. Wacht een minuut en probeer het opnieuw.".into(),
            }));
        }
    }
    Ok(())
}

/// The logged-in user, if any (and the session still within its absolute lifetime).
pub async fn current_user() -> Result<Option<users::Model>, AppError> {
    let st = state()?;
    let session = session().await?;
    user_of_session(&st, &session).await
}

/// The user of a session (also for plain axum routes).
pub async fn user_of_session(st: &AppState, session: &tower_sessions::Session) -> Result<Option<users::Model>, AppError> {
    let Some(id) = session.get::<UserId>(SESSION_USER).await.map_err(|_| AppError::Internal)? else {
        return Ok(None);
    };
    let login_at = session.get::<i64>(SESSION_LOGIN_AT).await.map_err(|_| AppError::Internal)?.unwrap_or(0);
    if st.clock.now().timestamp() - login_at > ABSOLUTE_HOURS * 3600 {
        let _ = session.flush().await;
        return Ok(None);
    }
    let epoch = session.get::<i32>(SESSION_EPOCH).await.map_err(|_| AppError::Internal)?.unwrap_or(0);
    let user = crate::store::users::by_id(&st.db.conn, id).await?.filter(|u| u.active);
    // A new password or a reset second factor ended this session.
    if user.as_ref().is_some_and(|u| u.session_epoch != epoch) {
        let _ = session.flush().await;
        return Ok(None);
    }
    if let Some(u) = &user {
        // The request's span names who asked, by pseudonym only.
        tracing::Span::current().record("user", u.pseudonym.as_str());
    }
    Ok(user)
}

/// Starts the session of a user who logged in (under a new session id: no
/// session fixation).
pub async fn start_session(user: &users::Model, now: chrono::DateTime<chrono::Utc>) -> Result<(), AppError> {
    let session = session().await?;
    session.cycle_id().await.map_err(|_| AppError::Internal)?;
    let _ = session.remove::<UserId>(SESSION_PENDING).await;
    let _ = session.remove::<i64>(SESSION_PENDING_AT).await;
    session.insert(SESSION_USER, user.id).await.map_err(|_| AppError::Internal)?;
    session.insert(SESSION_LOGIN_AT, now.timestamp()).await.map_err(|_| AppError::Internal)?;
    session.insert(SESSION_EPOCH, user.session_epoch).await.map_err(|_| AppError::Internal)?;
    Ok(())
}

/// The account whose log-in waits for its second factor, if it still may.
pub async fn pending_user(st: &AppState, session: &tower_sessions::Session) -> Result<Option<UserId>, AppError> {
    let Some(id) = session.get::<UserId>(SESSION_PENDING).await.map_err(|_| AppError::Internal)? else {
        return Ok(None);
    };
    let at = session.get::<i64>(SESSION_PENDING_AT).await.map_err(|_| AppError::Internal)?.unwrap_or(0);
    if st.clock.now().timestamp() - at > PENDING_MINUTES * 60 {
        let _ = session.flush().await;
        return Ok(None);
    }
    Ok(Some(id))
}

/// Whether `user` must have a second factor: the setting is on and the
/// account is on the buyer's side (not a member of a bidding organisation;
/// bidders may enrol, they need not).
pub async fn second_factor_required(st: &AppState, user: &users::Model) -> Result<bool, AppError> {
    Ok(st.settings.require_2fa && crate::store::organisations::of_user(&st.db.conn, user.id).await?.is_none())
}

/// The logged-in user, who has chosen their own password.
pub async fn require_user() -> Result<users::Model, AppError> {
    let st = state()?;
    let session = session().await?;
    require_user_of_session(&st, &session).await
}

/// Like `require_user`, for plain axum routes that hold the session themselves.
pub async fn require_user_of_session(st: &AppState, session: &tower_sessions::Session) -> Result<users::Model, AppError> {
    let user = user_of_session(st, session).await?.ok_or(AppError::NotLoggedIn)?;
    if user.must_change_password {
        return Err(AppError::PasswordChangeRequired);
    }
    if !crate::store::users::has_second_factor(&user) && second_factor_required(st, &user).await? {
        return Err(AppError::SecondFactorRequired);
    }
    Ok(user)
}

/// A caller allowed to perform `action` in `tender` (for reading: a change
/// is an [`Op`], which checks again inside the write lock).
pub struct Allowed {
    pub user: users::Model,
    pub tender: tenders::Model,
    pub roles: Vec<Role>,
    /// The role in which the action is performed.
    pub acting_role: Role,
}

impl Allowed {
    pub fn actor(&self) -> Actor {
        Actor::in_role(&self.user, self.acting_role)
    }

    /// The caller is only a bidder here: it sees what bidders see, nothing of the
    /// buyer's side (unpublished versions, askers, other bidders).
    pub fn bidder_only(&self) -> bool {
        self.roles.iter().all(|r| *r == Role::Aanbieder)
    }

    /// Whether the caller's roles allow `action` in the tender's phase now.
    pub fn may(&self, action: Action) -> bool {
        access::any_allowed(&self.roles, *self.tender.phase, action)
    }
}

pub async fn require(tender_id: TenderId, action: Action) -> Result<Allowed, AppError> {
    let user = require_user().await?;
    let st = state()?;
    allowed_for(&st, user, tender_id, action).await
}

/// Like `require`, for a known user (also for plain axum routes).
pub async fn allowed_for(st: &AppState, user: users::Model, tender_id: TenderId, action: Action) -> Result<Allowed, AppError> {
    let tender = crate::store::tenders::by_id(&st.db.conn, tender_id).await?;
    let (roles, acting_role) = allowed_role(&st.db.conn, tender.as_ref(), user.id, &[action]).await?;
    let tender = tender.ok_or(AppError::Internal)?;
    Ok(Allowed { user, tender, roles, acting_role })
}

/// Begins a change to tender `id` that the table must allow as `action`, by
/// the logged-in user: checked now and again inside the write lock.
pub async fn op(id: TenderId, action: Action) -> Result<Op, AppError> {
    let user = require_user().await?;
    let st = state()?;
    Op::begin(&st.db, &st.clock, user, id, action).await
}

/// Like [`op`], for a change that any one of `actions` allows.
pub async fn op_any(id: TenderId, actions: &[Action]) -> Result<Op, AppError> {
    let user = require_user().await?;
    let st = state()?;
    Op::begin_any(&st.db, &st.clock, user, id, actions).await
}

/// Confirms the act `op` is about to perform with a fresh code from the
/// caller's authenticator app (the counterpart of a TAN per person): the two
/// inkopers of an opening, the chair at the consensus lock. Accounts without
/// a second factor (only where none is required) confirm without. A wrong
/// or replayed code refuses the act (the operation is rolled back) and counts
/// as a failed attempt, so codes cannot be guessed here either.
pub async fn with_fresh_code(op: Op, code: Option<String>) -> Result<Op, AppError> {
    use crate::store::second_factor::{confirm_act, record_refused};
    let user = op.user()?.clone();
    let code = code.map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
    if code.is_none() && crate::store::users::has_second_factor(&user) {
        return Err(AppError::Invalid("Bevestig met de code die uw app nu toont (zes cijfers).".into()));
    }
    match confirm_act(&op, &user, code.as_deref()).await? {
        Ok(()) => {
            let _ = session().await?.remove::<u32>(SESSION_CODE_FAILURES).await;
            Ok(op)
        }
        Err(refusal) => {
            // Release the write lock before the refusal is recorded in an operation of its own.
            drop(op);
            let st = state()?;
            record_refused(&st.db, &st.clock, &user, refusal).await?;
            // The session that keeps giving wrong codes ends (the account is
            // not locked: its owner must still be able to confirm in time).
            let session = session().await?;
            let failures = session.get::<u32>(SESSION_CODE_FAILURES).await.map_err(|_| AppError::Internal)?.unwrap_or(0) + 1;
            if failures >= crate::domain::throttle::MAX_FAILURES as u32 {
                let _ = session.flush().await;
                return Err(AppError::TooManyRequests(
                    "Te veel onjuiste codes: u bent uitgelogd. Log opnieuw in en bevestig met de code die uw app nu toont.".into(),
                ));
            }
            session.insert(SESSION_CODE_FAILURES, failures).await.map_err(|_| AppError::Internal)?;
            Err(AppError::Invalid(refusal.message().into()))
        }
    }
}

/// The logged-in user, if their account holds the right for `action` (for
/// reading; a change is an [`Op::global`], which checks again in the lock).
pub async fn require_right(action: crate::domain::access::GlobalAction) -> Result<users::Model, AppError> {
    let user = require_user().await?;
    let st = state()?;
    crate::store::op::require_right(&st.db.conn, user.id, action).await
}

/// Begins a change outside tenders on a right of the logged-in user's
/// account; gives the operation and the account as read inside it.
pub async fn global_op(action: crate::domain::access::GlobalAction) -> Result<(Op<crate::store::Anywhere>, users::Model), AppError> {
    let user = require_user().await?;
    let st = state()?;
    Op::global(&st.db, &st.clock, &user, action).await
}

/// The organisation of a bidder acting in a tender.
pub async fn own_organisation(st: &AppState, user: &users::Model) -> Result<crate::store::entities::organisations::Model, AppError> {
    crate::store::organisations::of_user(&st.db.conn, user.id)
        .await?
        .ok_or_else(|| AppError::Forbidden("Uw account hoort niet bij een geregistreerde organisatie.".into()))
}

/// Like `require`, for a role in any tender (pages that span tenders).
pub async fn require_any(action: Action) -> Result<(users::Model, Vec<TenderId>), AppError> {
    let user = require_user().await?;
    let st = state()?;
    let mut ids = Vec::new();
    for t in crate::store::tenders::all(&st.db.conn).await? {
        let roles = crate::store::tenders::roles_of(&st.db.conn, t.id, user.id).await?;
        if access::any_allowed(&roles, *t.phase, action) {
            ids.push(t.id);
        }
    }
    if ids.is_empty() {
        return Err(AppError::forbidden());
    }
    Ok((user, ids))
}
