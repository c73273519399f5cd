//! The second factor: time-based one-time codes (TOTP, RFC 6238: HMAC-SHA1,
//! six digits, thirty-second steps, one step of clock drift either way) and
//! ten single-use recovery codes.
//!
//! A code is good once: the last accepted time step is kept per account, and
//! a code of that step or an earlier one is refused, at log-in and wherever a
//! fresh code confirms an act (the opening, the consensus lock). Wrong codes
//! count as failed log-ins and lock the account like wrong passwords do.

use super::entities::{recovery_codes, users};
use super::event::Event;
use super::op::{Op, Scope};
use super::users::{self as accounts, has_second_factor, subject_of};
use crate::domain::digest::sha256_hex;
use crate::error::AppError;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// The name authenticator apps show above the code.
pub const ISSUER: &str = "Dialoog";
pub const RECOVERY_CODES: usize = 10;

/// A new random secret (160 bits, as RFC 4226 recommends), in base32.
pub fn new_secret() -> String {
    let mut b = [0u8; 20];
    getrandom::fill(&mut b).expect("the operating system provides randomness");
    Secret::from(b).to_base32()
}

fn totp(secret_b32: &str, account: &str) -> Result<Totp, AppError> {
    let secret = Secret::try_from_base32(secret_b32).map_err(|_| AppError::Internal)?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(account.replace(':', "-"))
        .build()
        .map_err(|_| AppError::Internal)
}

/// What the enrolment page shows: the secret as text (grouped by four), the
/// otpauth:// link and its QR code as SVG markup drawn on the server.
#[derive(Clone, Debug)]
pub struct Enrolment {
    pub secret: String,
    pub grouped: String,
    pub url: String,
    pub qr_svg: String,
}

pub fn enrolment(secret_b32: &str, account: &str) -> Result<Enrolment, AppError> {
    let url = totp(secret_b32, account)?.to_url().map_err(|_| AppError::Internal)?;
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M).map_err(|_| AppError::Internal)?;
    let qr_svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build();
    // The XML declaration is not allowed inside HTML.
    let qr_svg = match qr_svg.find("<svg") {
        Some(i) => qr_svg[i..].to_string(),
        None => qr_svg,
    };
    let grouped = secret_b32.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ");
    Ok(Enrolment { secret: secret_b32.to_string(), grouped, url, qr_svg })
}

/// The code as typed: digits only (spaces allowed), six of them.
fn six_digits(code: &str) -> Option<String> {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    (digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit())).then_some(digits)
}

/// The time step `code` belongs to for `secret` at `unix` seconds, if it is right.
fn matching_step(secret_b32: &str, code: &str, unix: i64) -> Result<Option<i64>, AppError> {
    let Some(code) = six_digits(code) else { return Ok(None) };
    let t = totp(secret_b32, "")?;
    Ok(t.check(&code, unix.max(0) as u64).map(|step| step as i64))
}

/// Why a code was refused (for the message; a wrong code is counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRefusal {
    /// Not six digits, or not the code of now.
    Wrong,
    /// The code of a time step already used.
    Replayed,
}

impl CodeRefusal {
    pub fn message(self) -> &'static str {
        match self {
            CodeRefusal::Wrong => "De code klopt niet. Gebruik de code die uw app nu toont (zes cijfers).",
            CodeRefusal::Replayed => "Deze code is al gebruikt. Wacht op de volgende code in uw app (die verschijnt binnen 30 seconden).",
        }
    }
}

/// Checks a fresh code of `user` inside an operation, and spends its time
/// step. The account is read again inside the operation.
pub async fn spend_code<S: Scope>(op: &Op<S>, user: &users::Model, code: &str) -> Result<Result<(), CodeRefusal>, AppError> {
    let u = accounts::by_id(op.txn(), user.id).await?.ok_or(AppError::Internal)?;
    let Some(secret) = u.totp_secret.clone().filter(|_| has_second_factor(&u)) else {
        return Ok(Err(CodeRefusal::Wrong));
    };
    let Some(step) = matching_step(&secret, code, op.now().timestamp())? else {
        return Ok(Err(CodeRefusal::Wrong));
    };
    if u.totp_last_step.is_some_and(|last| step <= last) {
        return Ok(Err(CodeRefusal::Replayed));
    }
    let mut am: users::ActiveModel = u.into();
    am.totp_last_step = Set(Some(step));
    am.update(op.txn()).await?;
    Ok(Ok(()))
}

/// A recovery code as typed: ten letters or digits, with or without the hyphen.
fn normalise_recovery(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

/// Spends one of `user`'s recovery codes, if `code` is one not yet used.
pub async fn spend_recovery_code<S: Scope>(op: &Op<S>, user: &users::Model, code: &str) -> Result<bool, AppError> {
    let hash = sha256_hex(normalise_recovery(code).as_bytes());
    let found = recovery_codes::Entity::find()
        .filter(recovery_codes::Column::UserId.eq(user.id))
        .filter(recovery_codes::Column::CodeHash.eq(hash))
        .filter(recovery_codes::Column::UsedAt.is_null())
        .one(op.txn())
        .await?;
    let Some(found) = found else { return Ok(false) };
    let mut am: recovery_codes::ActiveModel = found.into();
    am.used_at = Set(Some(op.now()));
    am.update(op.txn()).await?;
    Ok(true)
}

/// Ten random recovery codes ("k7m2p-q9xt4"): 50 bits each, from an alphabet
/// without look-alikes.
fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut b = [0u8; 10];
            getrandom::fill(&mut b).expect("randomness");
            let s: String = b.iter().map(|x| ALPHABET[*x as usize % ALPHABET.len()] as char).collect();
            format!("{}-{}", &s[..5], &s[5..])
        })
        .collect()
}

/// Completes an enrolment: `code` must be the current code of `secret` (the
/// one the page showed). Stores the secret, spends the code's step, and
/// replaces any recovery codes by ten new ones, returned once.
pub async fn enrol<S: Scope>(op: &mut Op<S>, user: &users::Model, secret: &str, code: &str) -> Result<Vec<String>, AppError> {
    let u = accounts::by_id(op.txn(), user.id).await?.ok_or(AppError::Internal)?;
    if has_second_factor(&u) {
        return Err(AppError::Conflict("U heeft de tweede stap al ingesteld. Vraag de functioneel beheerder om die te herstellen als u uw app kwijt bent.".into()));
    }
    let Some(step) = matching_step(secret, code, op.now().timestamp())? else {
        return Err(AppError::Invalid(CodeRefusal::Wrong.message().into()));
    };
    let mut am: users::ActiveModel = u.clone().into();
    am.totp_secret = Set(Some(secret.to_string()));
    am.totp_enabled_at = Set(Some(op.now()));
    am.totp_last_step = Set(Some(step));
    am.update(op.txn()).await?;
    recovery_codes::Entity::delete_many().filter(recovery_codes::Column::UserId.eq(u.id)).exec(op.txn()).await?;
    let codes = new_recovery_codes();
    for c in &codes {
        recovery_codes::ActiveModel {
            user_id: Set(u.id),
            code_hash: Set(sha256_hex(normalise_recovery(c).as_bytes())),
            created_at: Set(op.now()),
            used_at: Set(None),
            ..Default::default()
        }
        .insert(op.txn())
        .await?;
    }
    op.record(Event::SecondFactorEnrolled { subject: subject_of(&u), herstelcodes: codes.len().to_string() }).await?;
    Ok(codes)
}

/// Removes the second factor of an account (the beheerder, when a phone is
/// lost): its owner enrols again at the next log-in.
pub async fn reset<S: Scope>(op: &mut Op<S>, u: &users::Model) -> Result<(), AppError> {
    let mut am: users::ActiveModel = u.clone().into();
    am.totp_secret = Set(None);
    am.totp_enabled_at = Set(None);
    // A lost second factor may be in someone else's hands: every session ends.
    am.session_epoch = Set(u.session_epoch.wrapping_add(1));
    am.update(op.txn()).await?;
    recovery_codes::Entity::delete_many().filter(recovery_codes::Column::UserId.eq(u.id)).exec(op.txn()).await?;
    super::throttle::forget_devices(op.txn(), u.id).await?;
    op.record(Event::SecondFactorReset { subject: subject_of(u) }).await?;
    Ok(())
}

/// How many unused recovery codes an account has left.
pub async fn recovery_codes_left<C: sea_orm::ConnectionTrait>(c: &C, user: crate::ids::UserId) -> Result<u64, AppError> {
    use sea_orm::PaginatorTrait;
    Ok(recovery_codes::Entity::find()
        .filter(recovery_codes::Column::UserId.eq(user))
        .filter(recovery_codes::Column::UsedAt.is_null())
        .count(c)
        .await?)
}

/// The outcome of the second step of a log-in.
#[derive(Debug)]
pub enum SecondStep {
    /// Logged in; with a new device token to put in the device's cookie.
    Ok(Box<users::Model>, Option<String>),
    Refused(CodeRefusal),
    Locked(chrono::DateTime<chrono::Utc>),
}

/// The second step of a log-in: a code from the app, or a recovery code.
/// One operation, recorded either way; wrong codes count towards the lock.
pub async fn login_code(
    db: &super::Db,
    clock: &super::clock::Clock,
    user: crate::ids::UserId,
    code: &str,
    device: Option<&str>,
) -> Result<SecondStep, AppError> {
    let u = accounts::by_id(&db.conn, user).await?.ok_or(AppError::NotLoggedIn)?;
    let mut op = Op::anywhere(db, clock, super::op::Actor::user(&u)).await?;
    let u = accounts::by_id(op.txn(), user).await?.ok_or(AppError::NotLoggedIn)?;
    if !u.active || !has_second_factor(&u) {
        return Err(AppError::NotLoggedIn);
    }
    // Wrong codes hold devices that never completed a log-in to the account;
    // a trusted device counts its own.
    let trusted = super::throttle::device(op.txn(), device, u.id).await?;
    if let Some(until) = u.locked_until.filter(|t| *t > op.now() && trusted.is_none()) {
        op.record(Event::LoginFailed {
            subject: subject_of(&u),
            why: super::event::LoginFailure::Locked { reden: "account tijdelijk geblokkeerd" },
        })
        .await?;
        op.commit().await?;
        return Ok(SecondStep::Locked(until));
    }
    let typed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let factor = if typed.len() == 6 {
        match spend_code(&op, &u, &typed).await? {
            Ok(()) => Ok("totp"),
            Err(r) => Err(r),
        }
    } else if spend_recovery_code(&op, &u, &typed).await? {
        Ok("herstelcode")
    } else {
        Err(CodeRefusal::Wrong)
    };
    let out = match factor {
        Ok(factor) => {
            let u = accounts::succeeded(&op, u).await?;
            super::throttle::cleared(op.txn(), u.username.as_str()).await?;
            let token = super::throttle::trust(&op, &u, device).await?;
            op.record(Event::Login { subject: subject_of(&u), factor: Some(factor) }).await?;
            SecondStep::Ok(Box::new(u), token)
        }
        Err(refusal) => {
            let why = match refusal {
                CodeRefusal::Wrong => "onjuiste code",
                CodeRefusal::Replayed => "code al gebruikt",
            };
            match trusted {
                Some(d) => {
                    super::throttle::device_failed(&op, d).await?;
                    op.record(Event::LoginFailed {
                        subject: subject_of(&u),
                        why: super::event::LoginFailure::Refused { reden: why, geblokkeerd_tot: None },
                    })
                    .await?;
                    SecondStep::Refused(refusal)
                }
                None => match accounts::failed(&mut op, &u, why).await? {
                    Some(until) => SecondStep::Locked(until),
                    None => SecondStep::Refused(refusal),
                },
            }
        }
    };
    op.commit().await?;
    Ok(out)
}

/// A fresh code that confirms an act of `user` inside an operation on a
/// tender (an opening, the consensus lock). Accounts without a second factor
/// (only possible where it is not required) confirm without one. A wrong
/// code refuses the act; it is counted apart by [`count_refused`].
pub async fn confirm_act<S: Scope>(op: &Op<S>, user: &users::Model, code: Option<&str>) -> Result<Result<(), CodeRefusal>, AppError> {
    let u = accounts::by_id(op.txn(), user.id).await?.ok_or(AppError::Internal)?;
    if !has_second_factor(&u) {
        return Ok(Ok(()));
    }
    match code {
        None => Ok(Err(CodeRefusal::Wrong)),
        Some(c) => spend_code(op, &u, c).await,
    }
}

/// Records a code refused at a confirmation (in an operation of its own,
/// since the act itself was rolled back). It does not lock the account (the
/// owner must still be able to confirm in time); the session that keeps
/// failing ends instead (`guard::with_fresh_code`), so codes cannot be
/// guessed there.
pub async fn record_refused(db: &super::Db, clock: &super::clock::Clock, user: &users::Model, refusal: CodeRefusal) -> Result<(), AppError> {
    let mut op = Op::anywhere(db, clock, super::op::Actor::user(user)).await?;
    let why = match refusal {
        CodeRefusal::Wrong => "onjuiste code bij bevestiging",
        CodeRefusal::Replayed => "code al gebruikt bij bevestiging",
    };
    op.record(Event::LoginFailed { subject: subject_of(user), why: super::event::LoginFailure::Refused { reden: why, geblokkeerd_tot: None } })
        .await?;
    op.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_matches_its_own_step_and_the_neighbours_only() {
        let secret = new_secret();
        let t = totp(&secret, "x").unwrap();
        let now = 1_800_000_000u64;
        let code = t.generate(now).to_string();
        let step = (now / 30) as i64;
        assert_eq!(matching_step(&secret, &code, now as i64).unwrap(), Some(step));
        assert_eq!(matching_step(&secret, &format!("{} {}", &code[..3], &code[3..]), now as i64).unwrap(), Some(step));
        assert_eq!(matching_step(&secret, &code, now as i64 + 30).unwrap(), Some(step), "one step of drift");
        assert_eq!(matching_step(&secret, &code, now as i64 + 90).unwrap(), None);
        assert_eq!(matching_step(&secret, "12345", now as i64).unwrap(), None);
        assert_eq!(matching_step(&secret, "abcdef", now as i64).unwrap(), None);
    }

    #[test]
    fn the_enrolment_shows_a_qr_code_and_the_secret() {
        let e = enrolment("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "inkoper1").unwrap();
        assert!(e.qr_svg.starts_with("<svg") && e.qr_svg.contains("<path"), "{}", &e.qr_svg[..80]);
        assert!(e.url.starts_with("otpauth://totp/Dialoog:inkoper1?"), "{}", e.url);
        assert_eq!(e.grouped.split(' ').next(), Some("JBSW"));
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        assert!(codes.iter().all(|c| c.len() == 11 && c.as_bytes()[5] == b'-'));
        assert_eq!(normalise_recovery("K7M2P-Q9XT4"), "k7m2pq9xt4");
    }
}
