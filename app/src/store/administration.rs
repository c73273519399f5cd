//! Account administration by the functioneel beheerder: the searchable list,
//! creating an account (which sends an invitation), deactivating and
//! reactivating, granting rights, resetting a second factor, and anonymising
//! a departed user. The beheerder reads no tender's content: none of this
//! touches bids, plans or scores.

use super::column::Coded;
use super::entities::{invitations, organisation_members, tender_roles, users};
use super::event::Event;
use super::invitations::{self as invites, Purpose};
use super::op::{Anywhere, Op, Scope};
use super::users::{self as accounts, subject_of, NewAccount};
use crate::domain::access::Rights;
use crate::domain::values::{Email, Username};
use crate::error::AppError;
use crate::ids::UserId;
use crate::state::Settings;
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};

/// Accounts per page of the list.
pub const PAGE_SIZE: u64 = 25;

/// The name shown for an anonymised account.
pub const ANONYMISED_NAME: &str = "Geanonimiseerd account";

/// One page of the accounts whose user name, name or e-mail address contains
/// `query` (any case), ordered by name; and how many match in all.
pub async fn search<C: ConnectionTrait>(c: &C, query: &str, page: u64) -> Result<(Vec<users::Model>, u64), DbErr> {
    let q = query.trim().to_lowercase();
    let mut find = users::Entity::find();
    if !q.is_empty() {
        // LIKE with the wildcards of the query escaped.
        let pattern = format!("%{}%", q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let like = |col: users::Column| {
            Expr::expr(Func::lower(Expr::col(col))).like(sea_orm::sea_query::LikeExpr::new(pattern.clone()).escape('\\'))
        };
        find = find.filter(
            Condition::any().add(like(users::Column::Username)).add(like(users::Column::DisplayName)).add(like(users::Column::Email)),
        );
    }
    let pages = find.order_by_asc(users::Column::DisplayName).order_by_asc(users::Column::Id).paginate(c, PAGE_SIZE);
    let total = pages.num_items().await?;
    Ok((pages.fetch_page(page).await?, total))
}

/// A person to give an account.
pub struct Person {
    pub username: Username,
    pub name: String,
    pub email: Email,
}

impl Person {
    /// Checks what a form gave.
    pub fn parse(username: &str, name: &str, email: &str) -> Result<Person, AppError> {
        Ok(Person {
            username: Username::parse(username)?,
            name: crate::domain::refusal::required_text(name, 200, "De naam")?,
            email: Email::parse(email)?,
        })
    }
}

/// Creates an account for `person` and sends the invitation to choose a
/// password, in one operation.
pub async fn create_invited<S: Scope>(
    op: &mut Op<S>,
    settings: &Settings,
    by: &users::Model,
    person: Person,
    purpose: Purpose<'_>,
) -> Result<users::Model, AppError> {
    let u = accounts::create(op, NewAccount::invited(person.username, person.name, person.email)).await?;
    invites::issue(op, settings, &u, Some(by), purpose).await?;
    Ok(u)
}

async fn account<C: ConnectionTrait>(c: &C, id: UserId) -> Result<users::Model, AppError> {
    accounts::by_id(c, id).await?.ok_or_else(|| AppError::NotFound("Dit account bestaat niet.".into()))
}

fn not_anonymised(u: &users::Model) -> Result<(), AppError> {
    if u.anonymised_at.is_some() {
        return Err(AppError::Conflict("Dit account is geanonimiseerd; er kan niets meer aan veranderen.".into()));
    }
    Ok(())
}

/// How many active beheerders there are besides `except`.
async fn other_beheerders<C: ConnectionTrait>(c: &C, except: UserId) -> Result<u64, DbErr> {
    users::Entity::find()
        .filter(users::Column::Beheerder.eq(true))
        .filter(users::Column::Active.eq(true))
        .filter(users::Column::Id.ne(except))
        .count(c)
        .await
}

async fn keep_a_beheerder<C: ConnectionTrait>(c: &C, u: &users::Model) -> Result<(), AppError> {
    if u.beheerder && other_beheerders(c, u.id).await? == 0 {
        return Err(AppError::Conflict(
            "Dit is de enige actieve functioneel beheerder. Geef eerst iemand anders dat recht.".into(),
        ));
    }
    Ok(())
}

/// Sends a new invitation to an account (also to reset a forgotten password:
/// its owner chooses a new one through the link).
pub async fn invite_again(op: &mut Op<Anywhere>, settings: &Settings, by: &users::Model, id: UserId) -> Result<users::Model, AppError> {
    let u = account(op.txn(), id).await?;
    not_anonymised(&u)?;
    if !u.active {
        return Err(AppError::Conflict("Dit account is gedeactiveerd. Activeer het eerst weer.".into()));
    }
    invites::issue(op, settings, &u, Some(by), Purpose { inviter: Some(&by.display_name), context: None }).await?;
    Ok(u)
}

/// Deactivates an account: it can no longer log in (its sessions stop at the
/// next request) and its open invitations are revoked. Its roles stay, so the
/// record of who did what stays readable.
pub async fn deactivate(op: &mut Op<Anywhere>, by: &users::Model, id: UserId) -> Result<users::Model, AppError> {
    let u = account(op.txn(), id).await?;
    not_anonymised(&u)?;
    if u.id == by.id {
        return Err(AppError::Conflict("U kunt uw eigen account niet deactiveren.".into()));
    }
    if !u.active {
        return Err(AppError::Conflict("Dit account is al gedeactiveerd.".into()));
    }
    keep_a_beheerder(op.txn(), &u).await?;
    revoke_invitations(op, u.id).await?;
    let mut am: users::ActiveModel = u.into();
    am.active = Set(false);
    let u = am.update(op.txn()).await?;
    op.record(Event::AccountDeactivated { subject: subject_of(&u) }).await?;
    Ok(u)
}

async fn revoke_invitations(op: &Op<Anywhere>, user: UserId) -> Result<(), DbErr> {
    invitations::Entity::update_many()
        .col_expr(invitations::Column::RevokedAt, Expr::value(op.now()))
        .filter(invitations::Column::UserId.eq(user))
        .filter(invitations::Column::UsedAt.is_null())
        .filter(invitations::Column::RevokedAt.is_null())
        .exec(op.txn())
        .await?;
    Ok(())
}

pub async fn reactivate(op: &mut Op<Anywhere>, id: UserId) -> Result<users::Model, AppError> {
    let u = account(op.txn(), id).await?;
    not_anonymised(&u)?;
    if u.active {
        return Err(AppError::Conflict("Dit account is al actief.".into()));
    }
    let mut am: users::ActiveModel = u.into();
    am.active = Set(true);
    am.failed_logins = Set(0);
    am.locked_until = Set(None);
    let u = am.update(op.txn()).await?;
    op.record(Event::AccountReactivated { subject: subject_of(&u) }).await?;
    Ok(u)
}

/// Grants or withdraws the rights outside tenders. The last active
/// beheerder keeps that right.
pub async fn set_rights(op: &mut Op<Anywhere>, id: UserId, rights: Rights) -> Result<users::Model, AppError> {
    let u = account(op.txn(), id).await?;
    not_anonymised(&u)?;
    if !rights.beheerder {
        keep_a_beheerder(op.txn(), &u).await?;
    }
    if (rights.beheerder || rights.creates_tenders) && super::organisations::of_user(op.txn(), u.id).await?.is_some() {
        return Err(AppError::Conflict("Dit account hoort bij een inschrijvende organisatie en kan deze rechten niet krijgen.".into()));
    }
    if u.beheerder == rights.beheerder && u.creates_tenders == rights.creates_tenders {
        return Err(AppError::Conflict("Er verandert niets aan de rechten van dit account.".into()));
    }
    let mut am: users::ActiveModel = u.into();
    am.beheerder = Set(rights.beheerder);
    am.creates_tenders = Set(rights.creates_tenders);
    let u = am.update(op.txn()).await?;
    op.record(Event::RightsChanged { subject: subject_of(&u), beheerder: rights.beheerder, aanbestedingen_aanmaken: rights.creates_tenders })
        .await?;
    Ok(u)
}

/// Removes an account's second factor (a lost phone): it enrols again at its
/// next log-in.
pub async fn reset_second_factor(op: &mut Op<Anywhere>, id: UserId) -> Result<users::Model, AppError> {
    let u = account(op.txn(), id).await?;
    not_anonymised(&u)?;
    if !accounts::has_second_factor(&u) {
        return Err(AppError::Conflict("Dit account heeft geen tweede stap ingesteld.".into()));
    }
    super::second_factor::reset(op, &u).await?;
    Ok(u)
}

/// Anonymises a departed user (AVG): name, e-mail address, user name and
/// telephone number are replaced, the account is deactivated for good, its
/// password and second factor are removed, and the payloads of the audit
/// events about the account are erased (the entries stay, so the trail
/// still verifies). What the person did remains attributed to the
/// account's pseudonym.
pub async fn anonymise(op: &mut Op<Anywhere>, by: &users::Model, id: UserId, reason: &str) -> Result<users::Model, AppError> {
    let u = account(op.txn(), id).await?;
    not_anonymised(&u)?;
    if u.id == by.id {
        return Err(AppError::Conflict("U kunt uw eigen account niet anonimiseren.".into()));
    }
    keep_a_beheerder(op.txn(), &u).await?;
    let reason = crate::domain::refusal::required_text(reason, 500, "De reden (bijvoorbeeld het kenmerk van het AVG-verzoek)")?;
    revoke_invitations(op, u.id).await?;
    let mut emails: Vec<String> = organisation_members::Entity::find()
        .filter(organisation_members::Column::UserId.eq(u.id))
        .all(op.txn())
        .await?
        .into_iter()
        .map(|m| m.email.to_string())
        .collect();
    emails.extend(u.email.as_ref().map(|e| e.to_string()));
    let person = super::erasure::Person { user: u.id, name: u.display_name.clone(), username: u.username.to_string(), emails };
    let username = Username::parse(&format!("verwijderd-{}", u.pseudonym.trim_start_matches("p-")))?;
    let placeholder = Email::parse("geanonimiseerd@example.invalid")?;
    organisation_members::Entity::update_many()
        .col_expr(organisation_members::Column::Email, Expr::value(Coded(placeholder)))
        .col_expr(organisation_members::Column::Phone, Expr::value(String::new()))
        .filter(organisation_members::Column::UserId.eq(u.id))
        .exec(op.txn())
        .await?;
    let pseudonym = u.pseudonym.clone();
    let mut am: users::ActiveModel = u.into();
    am.username = Set(Coded(username));
    am.display_name = Set(ANONYMISED_NAME.into());
    am.email = Set(None);
    am.password_hash = Set(String::new());
    am.active = Set(false);
    am.beheerder = Set(false);
    am.creates_tenders = Set(false);
    am.totp_secret = Set(None);
    am.totp_enabled_at = Set(None);
    am.anonymised_at = Set(Some(op.now()));
    let u = am.update(op.txn()).await?;
    super::entities::recovery_codes::Entity::delete_many()
        .filter(super::entities::recovery_codes::Column::UserId.eq(u.id))
        .exec(op.txn())
        .await?;
    let subjects = [format!("account:{pseudonym}"), format!("beoordelaar:{pseudonym}")];
    super::audit::erase_payloads(op, &[], &subjects, &reason).await?;
    // Every other mention: payloads naming them, records, messages, e-mails.
    super::erasure::erase_person(op, &person, ANONYMISED_NAME, &reason).await?;
    op.record(Event::AccountAnonymised { subject: subject_of(&u) }).await?;
    Ok(u)
}

/// The number of tender roles an account holds.
pub async fn role_count<C: ConnectionTrait>(c: &C, user: UserId) -> Result<u64, DbErr> {
    tender_roles::Entity::find().filter(tender_roles::Column::UserId.eq(user)).count(c).await
}

/// Gives an account a new one-time password (the operator's recovery of an
/// account that cannot log in, e.g. the only beheerder who lost the second
/// factor): the password must be replaced at the first log-in and works
/// [`accounts::ONE_TIME_HOURS`] hours; the second factor is removed and every session
/// ends. Returns the password, to be shown once.
pub async fn recover(op: &mut Op<Anywhere>, username: &Username) -> Result<(users::Model, String), AppError> {
    let u = accounts::by_username(op.txn(), username)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("Er is geen account '{username}'.")))?;
    if u.anonymised_at.is_some() {
        return Err(AppError::Conflict("Dit account is geanonimiseerd en blijft gesloten.".into()));
    }
    let password = accounts::random_password();
    let hash = accounts::hash_password(password.clone()).await;
    if accounts::has_second_factor(&u) {
        super::second_factor::reset(op, &u).await?;
    }
    let mut am: users::ActiveModel = u.clone().into();
    am.password_hash = Set(hash);
    am.must_change_password = Set(true);
    am.one_time_until = Set(Some(op.now() + chrono::Duration::hours(accounts::ONE_TIME_HOURS)));
    am.session_epoch = Set(u.session_epoch.wrapping_add(1));
    am.failed_logins = Set(0);
    am.locked_until = Set(None);
    am.active = Set(true);
    let u = am.update(op.txn()).await?;
    super::throttle::forget_devices(op.txn(), u.id).await?;
    op.record(Event::AccountRecovered { subject: accounts::subject_of(&u) }).await?;
    Ok((u, password))
}
