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
    /// The functioneel beheerder (the header links to Beheer).
    pub beheerder: bool,
    /// May create tenders (the header links to Nieuwe aanbesteding).
    pub creates_tenders: bool,
    /// (tender id, tender title, role code, role label, organisation)
    pub roles: Vec<(TenderId, String, String, String, Option<String>)>,
}

/// Whether the database holds the public demo accounts (shown as a banner).
#[server(endpoint = "demo_mode")]
pub async fn demo_mode() -> Result<bool, AppError> {
    super::guard::run(async { Ok(super::guard::state()?.demo) }).await
}

/// Where to report an accessibility problem, as the installation set it
/// (for the accessibility statement; anyone may ask).
#[server(endpoint = "accessibility_contact")]
pub async fn accessibility_contact() -> Result<Option<String>, AppError> {
    super::guard::run(async { Ok(super::guard::state()?.settings.accessibility_contact.clone()) }).await
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
        Ok(Some(UserInfo {
            username: user.username.to_string(),
            display_name: user.display_name,
            beheerder: user.beheerder,
            creates_tenders: user.creates_tenders,
            roles,
        }))
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
        let ip = guard::client_ip().await;
        if st.login_limiter.check_key(&ip).is_err() {
            return Err(AppError::TooManyRequests(
                "Te veel inlogpogingen vanaf dit adres. Wacht een minuut en probeer het opnieuw.".into(),
            ));
        }
        let now = st.clock.now();
        let device = guard::device_token().await;
        match users::login(&st.db, &st.clock, &username, &password, device.as_deref()).await? {
            LoginOutcome::Ok(user, token) => {
                if let Some(t) = token {
                    guard::set_device_cookie(&t);
                }
                guard::start_session(&user, now).await?;
                leptos_axum::redirect(if user.must_change_password { "/wachtwoord" } else { "/" });
                Ok(())
            }
            LoginOutcome::SecondFactor(user) => {
                let session = guard::session().await?;
                session.cycle_id().await.map_err(|_| AppError::Internal)?;
                session.insert(guard::SESSION_PENDING, user.id).await.map_err(|_| AppError::Internal)?;
                session.insert(guard::SESSION_PENDING_AT, now.timestamp()).await.map_err(|_| AppError::Internal)?;
                leptos_axum::redirect("/inloggen/code");
                Ok(())
            }
            LoginOutcome::Wrong => Err(AppError::Invalid("Gebruikersnaam of wachtwoord is onjuist.".into())),
            LoginOutcome::OneTimeExpired => Err(AppError::Forbidden(format!(
                "Dit eenmalige wachtwoord is verlopen (het werkt {} uur). Vraag de functioneel beheerder om een uitnodiging, \
                 of de beheerder van de server om een nieuw eenmalig wachtwoord (dialoog account herstel).",
                users::ONE_TIME_HOURS
            ))),
            LoginOutcome::Held(until) => Err(AppError::TooManyRequests(format!(
                "Te veel mislukte pogingen met deze gebruikersnaam vanaf een apparaat waarop nog niet is ingelogd. \
                 Probeer het opnieuw na {}, of log in op een apparaat waarop u eerder bent ingelogd.",
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
        guard::throttle(guard::Costly::Password, Some(user.id)).await?;
        match users::change_password(&st.db, &st.clock, &user, &current, &new_password).await? {
            ChangeOutcome::Ok(user) => {
                // Every other session of the account ended; this one goes on
                // under a new id.
                guard::start_session(&user, st.clock.now()).await?;
                leptos_axum::redirect("/");
                Ok(())
            }
            ChangeOutcome::WrongCurrent => Err(AppError::Invalid("Het huidige wachtwoord is onjuist.".into())),
        }
    })
    .await
}

/// The second step of logging in: the code from the authenticator app, or
/// one of the recovery codes. Only after a right password, for five minutes.
#[server(endpoint = "login_code")]
pub async fn login_code(code: String) -> Result<(), AppError> {
    use super::guard;
    use crate::store::second_factor::{self, SecondStep};
    guard::run(async move {
        let st = guard::state()?;
        let session = guard::session().await?;
        let user = guard::pending_user(&st, &session).await?.ok_or_else(|| {
            AppError::Conflict("Uw inlogpoging is verlopen (na vijf minuten). Log opnieuw in met uw wachtwoord.".into())
        })?;
        if code.trim().is_empty() || code.len() > 40 {
            return Err(AppError::Invalid("Vul de code uit uw app in (zes cijfers), of een herstelcode.".into()));
        }
        let now = st.clock.now();
        let device = guard::device_token().await;
        match second_factor::login_code(&st.db, &st.clock, user, &code, device.as_deref()).await? {
            SecondStep::Ok(user, token) => {
                if let Some(t) = token {
                    guard::set_device_cookie(&t);
                }
                guard::start_session(&user, now).await?;
                leptos_axum::redirect(if user.must_change_password { "/wachtwoord" } else { "/" });
                Ok(())
            }
            SecondStep::Refused(r) => Err(AppError::Invalid(r.message().into())),
            SecondStep::Locked(until) => {
                let _ = session.flush().await;
                Err(AppError::TooManyRequests(format!(
                    "Te veel onjuiste codes vanaf een apparaat waarop nog niet is ingelogd. Probeer het opnieuw na {}, \
                     of log in op een apparaat waarop u eerder bent ingelogd.",
                    crate::domain::calendar::show_instant(until)
                )))
            }
        }
    })
    .await
}

/// What the page of the second factor shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SecondFactorState {
    pub enrolled: bool,
    /// Whether this account must have one before it can work.
    pub required: bool,
    pub recovery_codes_left: u64,
    /// For an account without one: what to scan or type into the app.
    pub enrolment: Option<EnrolmentView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnrolmentView {
    /// The secret in groups of four characters.
    pub secret: String,
    /// The otpauth:// link the QR code holds.
    pub url: String,
    /// The QR code, drawn on the server as SVG.
    pub qr_svg: String,
}

/// The state of the caller's second factor; for an account without one, a
/// new secret to enrol (kept in the session until the first code confirms it).
#[server(endpoint = "second_factor_view")]
pub async fn second_factor_view() -> Result<SecondFactorState, AppError> {
    use super::guard;
    use crate::store::{second_factor, users};
    guard::run(async move {
        let user = guard::current_user().await?.ok_or(AppError::NotLoggedIn)?;
        let st = guard::state()?;
        let enrolled = users::has_second_factor(&user);
        let required = guard::second_factor_required(&st, &user).await?;
        let enrolment = if enrolled {
            None
        } else {
            let session = guard::session().await?;
            let secret = match session.get::<String>(guard::SESSION_ENROL_SECRET).await.map_err(|_| AppError::Internal)? {
                Some(s) => s,
                None => {
                    let s = second_factor::new_secret();
                    session.insert(guard::SESSION_ENROL_SECRET, s.clone()).await.map_err(|_| AppError::Internal)?;
                    s
                }
            };
            let e = second_factor::enrolment(&secret, user.username.as_str())?;
            Some(EnrolmentView { secret: e.grouped, url: e.url, qr_svg: e.qr_svg })
        };
        Ok(SecondFactorState {
            enrolled,
            required,
            recovery_codes_left: second_factor::recovery_codes_left(&st.db.conn, user.id).await?,
            enrolment,
        })
    })
    .await
}

/// Confirms the enrolment with the first code from the app. Returns the ten
/// recovery codes, shown this once.
#[server(endpoint = "enrol_second_factor")]
pub async fn enrol_second_factor(code: String) -> Result<Vec<String>, AppError> {
    use super::guard;
    use crate::store::{second_factor, Actor, Op};
    guard::run(async move {
        let user = guard::current_user().await?.ok_or(AppError::NotLoggedIn)?;
        let st = guard::state()?;
        let session = guard::session().await?;
        let secret = session
            .get::<String>(guard::SESSION_ENROL_SECRET)
            .await
            .map_err(|_| AppError::Internal)?
            .ok_or_else(|| AppError::Conflict("Laad de pagina opnieuw en scan de QR-code die dan verschijnt.".into()))?;
        if code.trim().is_empty() || code.len() > 20 {
            return Err(AppError::Invalid("Vul de code uit uw app in (zes cijfers).".into()));
        }
        let mut op = Op::anywhere(&st.db, &st.clock, Actor::user(&user)).await?;
        let codes = second_factor::enrol(&mut op, &user, &secret, &code).await?;
        op.commit().await?;
        let _ = session.remove::<String>(guard::SESSION_ENROL_SECRET).await;
        Ok(codes)
    })
    .await
}

/// What the invitation page shows before the invitee chooses a password.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InvitationInfo {
    pub name: String,
    pub username: String,
    pub valid_until: String,
    /// A second factor follows the password (buyer's side, when required).
    pub second_factor_next: bool,
}

#[server(endpoint = "invitation_view")]
pub async fn invitation_view(t: String) -> Result<InvitationInfo, AppError> {
    use super::guard;
    guard::run(async move {
        let st = guard::state()?;
        let (inv, user) = crate::store::invitations::find(&st.db.conn, &t, st.clock.now()).await??;
        Ok(InvitationInfo {
            name: user.display_name.clone(),
            username: user.username.to_string(),
            valid_until: crate::domain::calendar::show_instant(inv.expires_at),
            second_factor_next: guard::second_factor_required(&st, &user).await?,
        })
    })
    .await
}

/// Accepts an invitation: the invitee's own password, then (on the buyer's
/// side) straight on to the second factor. Logs the invitee in.
#[server(endpoint = "accept_invitation")]
pub async fn accept_invitation(t: String, new_password: String, repeat: String) -> Result<(), AppError> {
    use super::guard;
    guard::run(async move {
        let st = guard::state()?;
        crate::domain::password::check_length(&new_password).map_err(|why| AppError::Invalid(format!("Het wachtwoord {why}.")))?;
        if new_password != repeat {
            return Err(AppError::Invalid("De twee wachtwoorden zijn niet gelijk.".into()));
        }
        guard::throttle(guard::Costly::Password, None).await?;
        let user = crate::store::invitations::accept(&st.db, &st.clock, &t, &new_password).await?;
        guard::start_session(&user, st.clock.now()).await?;
        let next = if crate::store::users::has_second_factor(&user) || !guard::second_factor_required(&st, &user).await? {
            "/"
        } else {
            "/tweede-factor"
        };
        leptos_axum::redirect(next);
        Ok(())
    })
    .await
}

/// Whether the logged-in user has a sealing key (and its fingerprint).
#[server(endpoint = "sealing_key_view")]
pub async fn sealing_key_view() -> Result<Option<String>, AppError> {
    use super::guard;
    guard::run(async move {
        let user = guard::current_user().await?.ok_or(AppError::NotLoggedIn)?;
        let st = guard::state()?;
        Ok(crate::store::sealing::sealing_key(&st.db.conn, user.id).await?.map(|k| crate::sealing::fingerprint(&k.public_key)))
    })
    .await
}

/// Sets (or changes) the logged-in user's sealing passphrase: the key their
/// shares of tender keys are sealed to. With `vervangen`, a forgotten
/// passphrase is replaced by a new key (the shares of tenders already
/// published are then lost for this holder).
#[server(endpoint = "set_sealing_passphrase")]
pub async fn set_sealing_passphrase(
    current: Option<String>,
    new_passphrase: String,
    repeat: String,
    vervangen: Option<String>,
) -> Result<(), AppError> {
    use super::guard;
    use crate::store::sealing::{self, KeyChange};
    use crate::store::Op;
    guard::run(async move {
        let user = guard::current_user().await?.ok_or(AppError::NotLoggedIn)?;
        let st = guard::state()?;
        sealing::check_passphrase(&new_passphrase, &repeat)?;
        let change = if vervangen.is_some() { KeyChange::Replace } else { KeyChange::Passphrase };
        guard::throttle(guard::Costly::Password, Some(user.id)).await?;
        let key = sealing::prepare_key(&st.db.conn, user.id, current.filter(|c| !c.is_empty()), new_passphrase, change).await?;
        let mut op = Op::anywhere(&st.db, &st.clock, crate::store::op::Actor::user(&user)).await?;
        sealing::store_key(&mut op, &user, key, change).await?;
        op.commit().await
    })
    .await
}
