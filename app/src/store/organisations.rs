//! Bidding organisations: registration with a KvK number, members, colleagues
//! invited by a member, and registration for a tender.

use super::audit::{self, Actor, NewEvent};
use super::entities::{organisation_members, organisations, tender_bidders, tender_roles, users};
use super::{users as accounts, WriteTx};
use crate::domain::access::Role;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;

pub struct NewOrganisation {
    pub kvk: String,
    pub name: String,
    pub address: String,
    pub postcode: String,
    pub place: String,
}

pub struct NewMember {
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub phone: String,
    pub password_hash: String,
    pub must_change_password: bool,
}

/// The organisation a user belongs to, if any.
pub async fn of_user<C: ConnectionTrait>(c: &C, user: i32) -> Result<Option<organisations::Model>, DbErr> {
    let Some(m) = organisation_members::Entity::find()
        .filter(organisation_members::Column::UserId.eq(user))
        .one(c)
        .await?
    else {
        return Ok(None);
    };
    organisations::Entity::find_by_id(m.organisation_id).one(c).await
}

pub async fn members<C: ConnectionTrait>(
    c: &C,
    organisation: i32,
) -> Result<Vec<(organisation_members::Model, users::Model)>, DbErr> {
    let ms = organisation_members::Entity::find()
        .filter(organisation_members::Column::OrganisationId.eq(organisation))
        .order_by_asc(organisation_members::Column::Id)
        .all(c)
        .await?;
    let mut out = Vec::new();
    for m in ms {
        if let Some(u) = users::Entity::find_by_id(m.user_id).one(c).await? {
            out.push((m, u));
        }
    }
    Ok(out)
}

pub fn validate_email(s: &str) -> Result<String, AppError> {
    let s = s.trim();
    let ok = s.len() <= 254
        && s.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.'))
        && !s.chars().any(|c| c.is_whitespace() || c == ',' || c == ';');
    if ok {
        Ok(s.to_string())
    } else {
        Err(AppError::Invalid("Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl.".into()))
    }
}

pub fn validate_username(s: &str) -> Result<String, AppError> {
    let s = s.trim().to_lowercase();
    if (3..=40).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.') {
        Ok(s)
    } else {
        Err(AppError::Invalid(
            "Een gebruikersnaam heeft 3 tot 40 tekens: letters, cijfers, punt, streepje of liggend streepje.".into(),
        ))
    }
}

/// Registers a new organisation with its first member (the contact person).
pub async fn register(
    tx: &WriteTx,
    now: DateTime<Utc>,
    org: NewOrganisation,
    first: NewMember,
) -> Result<(organisations::Model, users::Model), AppError> {
    if organisations::Entity::find().filter(organisations::Column::Kvk.eq(&org.kvk)).one(&tx.txn).await?.is_some() {
        return Err(AppError::Conflict(format!(
            "Een organisatie met KvK-nummer {} is al geregistreerd. Vraag een collega van die organisatie om u uit te nodigen.",
            org.kvk
        )));
    }
    if users::Entity::find().filter(users::Column::Username.eq(&first.username)).one(&tx.txn).await?.is_some() {
        return Err(AppError::Conflict("Deze gebruikersnaam is al in gebruik. Kies een andere.".into()));
    }
    let o = organisations::ActiveModel {
        kvk: Set(org.kvk.clone()),
        name: Set(org.name.clone()),
        address: Set(org.address),
        postcode: Set(org.postcode),
        place: Set(org.place),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx.txn)
    .await?;
    let u = add_member(tx, now, Actor { id: "anoniem".into(), role: "registratie".into() }, &o, first, true).await?;
    audit::append(tx, now, NewEvent {
        tender: None,
        actor: Actor { id: u.pseudonym.clone(), role: Role::Aanbieder.code().into() },
        action: "organisation.registered",
        subject: format!("organisatie:{}", o.id),
        payload: json!({ "kvk": org.kvk, "naam": org.name }),
    })
    .await?;
    Ok((o, u))
}

/// Adds an account to an organisation and gives it the aanbieder role in every
/// tender the organisation is registered for.
pub async fn add_member(
    tx: &WriteTx,
    now: DateTime<Utc>,
    by: Actor,
    org: &organisations::Model,
    m: NewMember,
    contact: bool,
) -> Result<users::Model, AppError> {
    if users::Entity::find().filter(users::Column::Username.eq(&m.username)).one(&tx.txn).await?.is_some() {
        return Err(AppError::Conflict("Deze gebruikersnaam is al in gebruik. Kies een andere.".into()));
    }
    let u = accounts::create(tx, now, by.clone(), &m.username, &m.display_name, m.password_hash, m.must_change_password).await?;
    organisation_members::ActiveModel {
        organisation_id: Set(org.id),
        user_id: Set(u.id),
        email: Set(m.email),
        phone: Set(m.phone),
        contact: Set(contact),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx.txn)
    .await?;
    let tenders = tender_bidders::Entity::find()
        .filter(tender_bidders::Column::OrganisationId.eq(org.id))
        .all(&tx.txn)
        .await?;
    for t in tenders {
        accounts::grant(tx, now, by.clone(), t.tender_id, &u, Role::Aanbieder, Some(&org.name)).await?;
    }
    Ok(u)
}

/// Registers an organisation as a bidder in a tender (all its members get the
/// aanbieder role there). Idempotent.
pub async fn register_for_tender(
    tx: &WriteTx,
    now: DateTime<Utc>,
    by: Actor,
    tender: i32,
    org: &organisations::Model,
) -> Result<(), DbErr> {
    let exists = tender_bidders::Entity::find()
        .filter(tender_bidders::Column::TenderId.eq(tender))
        .filter(tender_bidders::Column::OrganisationId.eq(org.id))
        .one(&tx.txn)
        .await?;
    if exists.is_some() {
        return Ok(());
    }
    tender_bidders::ActiveModel {
        tender_id: Set(tender),
        organisation_id: Set(org.id),
        status: Set("actief".into()),
        registered_at: Set(now),
        ..Default::default()
    }
    .insert(&tx.txn)
    .await?;
    for (_, u) in members(&tx.txn, org.id).await? {
        let has = tender_roles::Entity::find()
            .filter(tender_roles::Column::TenderId.eq(tender))
            .filter(tender_roles::Column::UserId.eq(u.id))
            .filter(tender_roles::Column::Role.eq(Role::Aanbieder.code()))
            .one(&tx.txn)
            .await?;
        if has.is_none() {
            accounts::grant(tx, now, by.clone(), tender, &u, Role::Aanbieder, Some(&org.name)).await?;
        }
    }
    audit::append(tx, now, NewEvent {
        tender: Some(tender),
        actor: by,
        action: "bidder.registered",
        subject: format!("organisatie:{}", org.id),
        payload: json!({ "kvk": org.kvk }),
    })
    .await?;
    Ok(())
}

/// The organisations registered for a tender, with their status.
pub async fn bidders<C: ConnectionTrait>(
    c: &C,
    tender: i32,
) -> Result<Vec<(tender_bidders::Model, organisations::Model)>, DbErr> {
    let rows = tender_bidders::Entity::find()
        .filter(tender_bidders::Column::TenderId.eq(tender))
        .order_by_asc(tender_bidders::Column::Id)
        .all(c)
        .await?;
    let mut out = Vec::new();
    for r in rows {
        if let Some(o) = organisations::Entity::find_by_id(r.organisation_id).one(c).await? {
            out.push((r, o));
        }
    }
    Ok(out)
}

pub async fn by_id<C: ConnectionTrait>(c: &C, id: i32) -> Result<Option<organisations::Model>, DbErr> {
    organisations::Entity::find_by_id(id).one(c).await
}

/// A demo organisation with one existing account as its contact person.
pub async fn seed_demo(
    tx: &WriteTx,
    now: DateTime<Utc>,
    name: &str,
    kvk: &str,
    user: &users::Model,
    email: &str,
    tender: Option<i32>,
) -> Result<organisations::Model, DbErr> {
    let o = organisations::ActiveModel {
        kvk: Set(kvk.into()),
        name: Set(name.into()),
        address: Set("Voorbeeldstraat 1".into()),
        postcode: Set("1811 AA".into()),
        place: Set("Alkmaar".into()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx.txn)
    .await?;
    organisation_members::ActiveModel {
        organisation_id: Set(o.id),
        user_id: Set(user.id),
        email: Set(email.into()),
        phone: Set("072 000 00 00".into()),
        contact: Set(true),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx.txn)
    .await?;
    if let Some(t) = tender {
        tender_bidders::ActiveModel {
            tender_id: Set(t),
            organisation_id: Set(o.id),
            status: Set("actief".into()),
            registered_at: Set(now),
            ..Default::default()
        }
        .insert(&tx.txn)
        .await?;
    }
    audit::append(tx, now, NewEvent {
        tender,
        actor: Actor::system(),
        action: "organisation.registered",
        subject: format!("organisatie:{}", o.id),
        payload: json!({ "kvk": kvk, "naam": name, "demo": true }),
    })
    .await?;
    Ok(o)
}
