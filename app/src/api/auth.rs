//! Logging in and out, and who is logged in.

use crate::error::AppError;
use crate::ids::TenderId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The logged-in user as the pages see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserInfo {
    pub username: String,
    pub display_name: String,
    /// (tender id, tender title, role code, role label, organisation)
    pub roles: Vec<(TenderId, String, String, String, Option<String>)>,
}

/// Whether the database holds the public demo accounts (shown as a banner).
#[server(endpoint = "demo_mode")]
pub async fn demo_mode() -> Result<bool, AppError> {
    super::guard::run(async { Ok(super::guard::state()?.demo) }).await
}

#[server(endpoint = "me")]
pub async fn me() -> Result<Option<UserInfo>, AppError> {
    use super::guard;
    guard::run(async {
        let Some(user) = guard::current_user().await? else { return Ok(None) };
        let st = guard::state()?;
        let mut roles = Vec::new();
        for r in crate::store::users::roles(&st.db.conn, user.id).await? {
            let role = *r.role;
            let title = crate::store::tenders::by_id(&st.db.conn, r.tender_id)
                .await?
                .map(|t| t.title)
                .unwrap_or_default();
            roles.push((r.tender_id, title, role.code().to_string(), role.label().to_string(), r.organisation));
        }
        Ok(Some(UserInfo { username: user.username.to_string(), display_name: user.display_name, roles }))
    })
    .await
}

#[server(endpoint = "login")]
pub async fn login(username: String, password: String) -> Result<(), AppError> {
    use super::guard;
    use crate::store::users::{self, LoginOutcome};
    guard::run(async move {
        let st = guard::state()?;
        let username = username.trim().to_string();
        if username.is_empty() || password.is_empty() {
            return Err(AppError::Invalid("Vul uw gebruikersnaam en wachtwoord in.".into()));
        }
        if username.len() > 100 || password.len() > 128 {
            return Err(AppError::Invalid("Gebruikersnaam of wachtwoord is te lang.".into()));
        }
        let ip = leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .await
            .map(|c| c.0.ip())
            .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
        if st.login_limiter.check_key(&ip).is_err() {
            return Err(AppError::TooManyRequests(
                "Te veel inlogpogingen vanaf dit adres. Wacht een minuut en probeer het opnieuw.".into(),
            ));
        }
        let now = st.clock.now();
        match users::login(&st.db, &st.clock, &username, &password).await? {
            LoginOutcome::Ok(user) => {
                let session = guard::session().await?;
                // A new session id at login (no session fixation).
                session.cycle_id().await.map_err(|_| AppError::Internal)?;
                session.insert(guard::SESSION_USER, user.id).await.map_err(|_| AppError::Internal)?;
                session.insert(guard::SESSION_LOGIN_AT, now.timestamp()).await.map_err(|_| AppError::Internal)?;
                leptos_axum::redirect(if user.must_change_password { "/wachtwoord" } else { "/" });
                Ok(())
            }
            LoginOutcome::Wrong => Err(AppError::Invalid("Gebruikersnaam of wachtwoord is onjuist.".into())),
            LoginOutcome::Locked(until) => Err(AppError::TooManyRequests(format!(
                "Dit account is tijdelijk geblokkeerd na te veel mislukte pogingen. Probeer het opnieuw na {}.",
                crate::domain::calendar::show_instant(until)
            ))),
        }
    })
    .await
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use super::guard;
    guard::run(async {
        let st = guard::state()?;
        if let Some(user) = guard::current_user().await? {
            crate::store::users::logout(&st.db, &st.clock, &user).await?;
        }
        guard::session().await?.flush().await.map_err(|_| AppError::Internal)?;
        leptos_axum::redirect("/inloggen");
        Ok(())
    })
    .await
}

/// Changes the logged-in user's password (required after a one-time password).
#[server(endpoint = "change_password")]
pub async fn change_password(current: String, new_password: String, repeat: String) -> Result<(), AppError> {
    use super::guard;
    use crate::store::users::{self, ChangeOutcome};
    guard::run(async move {
        let user = guard::current_user().await?.ok_or(AppError::NotLoggedIn)?;
        let st = guard::state()?;
        crate::domain::password::check_length(&new_password)
            .map_err(|why| AppError::Invalid(format!("Het nieuwe wachtwoord {why}.")))?;
        if new_password != repeat {
            return Err(AppError::Invalid("De twee nieuwe wachtwoorden zijn niet gelijk.".into()));
        }
        if new_password == current {
            return Err(AppError::Invalid("Kies een ander wachtwoord dan het huidige.".into()));
        }
        match users::change_password(&st.db, &st.clock, &user, &current, &new_password).await? {
            ChangeOutcome::Ok => {
                leptos_axum::redirect("/");
                Ok(())
            }
            ChangeOutcome::WrongCurrent => Err(AppError::Invalid("Het huidige wachtwoord is onjuist.".into())),
        }
    })
    .await
}
