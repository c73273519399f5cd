//! Invitations: how a person gets an account without anyone else seeing a
//! password. An invitation is a link with a random token (256 bits), sent by
//! e-mail through the outbox, good once and for [`VALID_HOURS`] hours. Only
//! the SHA-256 of the token is stored, so the database cannot be used to
//! accept someone else's invitation. A new invitation to the same account
//! revokes the open ones.

use super::entities::{invitations, users};
use super::event::Event;
use super::messages;
use super::op::{Actor, Op, Scope};
use super::users::{hash_password, password_of, subject_of};
use super::Db;
use crate::domain::digest::sha256_hex;
use crate::error::AppError;
use crate::state::{Clock, Settings};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};

pub const VALID_HOURS: i64 = 72;

/// The path of the page where an invitation is accepted. The token travels
/// in the query (not logged by the request log, which records the path only).
pub const ACCEPT_PATH: &str = "/uitnodiging";

fn new_token() -> String {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).expect("the operating system provides randomness");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

fn token_hash(token: &str) -> String {
    sha256_hex(token.trim().as_bytes())
}

/// What the invitation is for, in the e-mail ("als beoordelaar in de
/// aanbesteding Jeugd- en Schoolteam PO").
pub struct Purpose<'a> {
    pub inviter: Option<&'a str>,
    pub context: Option<String>,
}

/// Sends `user` a new invitation inside an operation: revokes the open ones,
/// stores the hash of a new token, queues the e-mail with the link, and
/// records it.
pub async fn issue<S: Scope>(
    op: &mut Op<S>,
    settings: &Settings,
    user: &users::Model,
    by: Option<&users::Model>,
    purpose: Purpose<'_>,
) -> Result<(), AppError> {
    let Some(email) = user.email.clone() else {
        return Err(AppError::Invalid("Dit account heeft geen e-mailadres; vul dat eerst in.".into()));
    };
    if user.anonymised_at.is_some() {
        return Err(AppError::Conflict("Dit account is geanonimiseerd en kan niet meer worden uitgenodigd.".into()));
    }
    let now = op.now();
    let revoked = invitations::Entity::update_many()
        .col_expr(invitations::Column::RevokedAt, Expr::value(now))
        .filter(invitations::Column::UserId.eq(user.id))
        .filter(invitations::Column::UsedAt.is_null())
        .filter(invitations::Column::RevokedAt.is_null())
        .exec(op.txn())
        .await?;
    let token = new_token();
    let expires = now + Duration::hours(VALID_HOURS);
    invitations::ActiveModel {
        user_id: Set(user.id),
        token_hash: Set(token_hash(&token)),
        created_by: Set(by.map(|b| b.id)),
        created_at: Set(now),
        expires_at: Set(expires),
        used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    let link = settings.link(&format!("{ACCEPT_PATH}?t={token}"));
    let inviter = purpose.inviter.map(str::to_string).unwrap_or_else(|| "De functioneel beheerder".into());
    let body = format!(
        "Beste {name},\n\n{inviter} nodigt u uit voor Dialoog{context}. Uw gebruikersnaam is: {username}\n\n\
         Kies uw eigen wachtwoord via deze link. De link werkt één keer en is geldig tot {until}:\n{link}\n\n\
         Na het kiezen van uw wachtwoord stelt u de tweede stap van het inloggen in, met een app op uw telefoon \
         die codes maakt (bijvoorbeeld een authenticator-app).\n\n\
         Verwachtte u deze uitnodiging niet? Dan kunt u dit bericht negeren; zonder de link gebeurt er niets.\n",
        name = user.display_name,
        context = purpose.context.map(|c| format!(" {c}")).unwrap_or_default(),
        username = user.username,
        until = crate::domain::calendar::show_instant(expires),
    );
    messages::email(op, &email, "Uitnodiging voor Dialoog", &body).await?;
    op.record(Event::AccountInvited {
        subject: subject_of(user),
        geldig_tot: expires.to_rfc3339(),
        vervangt_eerdere: revoked.rows_affected > 0,
    })
    .await?;
    Ok(())
}

/// Why an invitation link does not work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Unknown,
    Expired,
    Used,
    Revoked,
    /// The account was deactivated or anonymised meanwhile.
    Inactive,
}

impl Problem {
    pub fn message(self) -> &'static str {
        match self {
            Problem::Unknown => "Deze uitnodigingslink kennen we niet. Controleer of u de hele link uit de e-mail heeft gebruikt.",
            Problem::Expired => "Deze uitnodiging is verlopen (een uitnodiging is 72 uur geldig). Vraag wie u uitnodigde om een nieuwe.",
            Problem::Used => "Deze uitnodiging is al gebruikt. Log in met uw gebruikersnaam en het wachtwoord dat u toen koos.",
            Problem::Revoked => "Deze uitnodiging is vervangen door een nieuwere. Gebruik de link uit de laatste e-mail.",
            Problem::Inactive => "Dit account is niet meer actief. Neem contact op met de functioneel beheerder.",
        }
    }
}

impl From<Problem> for AppError {
    fn from(p: Problem) -> Self {
        match p {
            Problem::Unknown => AppError::NotFound(p.message().into()),
            _ => AppError::Conflict(p.message().into()),
        }
    }
}

/// The invitation and account of `token`, if the link still works at `now`.
pub async fn find<C: ConnectionTrait>(c: &C, token: &str, now: DateTime<Utc>) -> Result<Result<(invitations::Model, users::Model), Problem>, DbErr> {
    let token = token.trim();
    if token.is_empty() || token.len() > 100 {
        return Ok(Err(Problem::Unknown));
    }
    let Some(inv) = invitations::Entity::find().filter(invitations::Column::TokenHash.eq(token_hash(token))).one(c).await? else {
        return Ok(Err(Problem::Unknown));
    };
    let Some(user) = users::Entity::find_by_id(inv.user_id).one(c).await? else {
        return Ok(Err(Problem::Unknown));
    };
    Ok(if inv.used_at.is_some() {
        Err(Problem::Used)
    } else if user.anonymised_at.is_some() || !user.active {
        Err(Problem::Inactive)
    } else if inv.revoked_at.is_some() {
        Err(Problem::Revoked)
    } else if inv.expires_at <= now {
        Err(Problem::Expired)
    } else {
        Ok((inv, user))
    })
}

/// Accepts an invitation: the account gets the password its owner chose
/// (a new one, when the beheerder invited an existing account again), the
/// link is spent, and both are recorded in one operation. The password is hashed
/// before the lock; the token is checked again inside it.
pub async fn accept(db: &Db, clock: &Clock, token: &str, password: &str) -> Result<users::Model, AppError> {
    let (_, user) = find(&db.conn, token, clock.now()).await??;
    let hash = hash_password(password.to_string()).await;
    let mut op = Op::anywhere(db, clock, Actor::user(&user)).await?;
    let (inv, user) = find(op.txn(), token, op.now()).await??;
    let mut am: invitations::ActiveModel = inv.into();
    am.used_at = Set(Some(op.now()));
    am.update(op.txn()).await?;
    let had_password = password_of(&user).is_some();
    let epoch = user.session_epoch;
    let mut am: users::ActiveModel = user.into();
    am.password_hash = Set(hash);
    am.must_change_password = Set(false);
    am.one_time_until = Set(None);
    // A new password (e.g. after a forgotten one) ends every other session.
    am.session_epoch = Set(epoch.wrapping_add(1));
    am.failed_logins = Set(0);
    am.locked_until = Set(None);
    let user = am.update(op.txn()).await?;
    super::throttle::forget_devices(op.txn(), user.id).await?;
    op.record(Event::InvitationAccepted { subject: subject_of(&user) }).await?;
    if had_password {
        op.record(Event::PasswordChanged { subject: subject_of(&user) }).await?;
    }
    op.commit().await?;
    Ok(user)
}

/// Whether `user` has an invitation that still works at `now` (for the
/// account list).
pub async fn open_until<C: ConnectionTrait>(c: &C, user: crate::ids::UserId, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, DbErr> {
    Ok(invitations::Entity::find()
        .filter(invitations::Column::UserId.eq(user))
        .filter(invitations::Column::UsedAt.is_null())
        .filter(invitations::Column::RevokedAt.is_null())
        .filter(invitations::Column::ExpiresAt.gt(now))
        .one(c)
        .await?
        .map(|i| i.expires_at))
}
