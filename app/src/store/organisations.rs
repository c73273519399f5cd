//! Bidding organisations: registration with a KvK number, members, colleagues
//! invited by a member, and registration for a tender.

use super::column::Coded;
use super::entities::{organisation_members, organisations, tender_bidders, tender_roles, users};
use super::event::{Event, Subject};
use super::op::{Actor, Op, Scope};
use super::users::{self as accounts, NewAccount};
use crate::domain::access::Role;
use crate::domain::status::BidderStatus;
use crate::domain::values::{Email, Kvk, Postcode};
use crate::error::AppError;
use crate::ids::{OrganisationId, TenderId, UserId};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};

pub struct NewOrganisation {
    pub kvk: Kvk,
    pub name: String,
    pub address: String,
    pub postcode: Postcode,
    pub place: String,
}

pub struct NewMember {
    pub account: NewAccount,
    pub email: Email,
    pub phone: String,
}

/// The organisation a user belongs to, if any.
pub async fn of_user<C: ConnectionTrait>(c: &C, user: UserId) -> Result<Option<organisations::Model>, DbErr> {
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
    organisation: OrganisationId,
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

/// A registration's internal reference: unique, random, and saying nothing.
pub fn new_ref() -> Result<String, AppError> {
    const DIGITS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|_| AppError::Internal)?;
    // 8 letters or digits (about 41 bits); the column holds 8 characters.
    Ok(bytes.iter().map(|b| DIGITS[*b as usize % DIGITS.len()] as char).collect())
}

/// Registers a new organisation with its first member (the contact person),
/// who is the actor of what follows in the operation.
///
/// A KvK number is a claim, not a key: whether another registration already
/// names it changes nothing in the answer (that would tell anyone which
/// organisations use Dialoog, and let anyone squat a competitor's number).
/// The contact persons of the earlier registrations are told by e-mail and
/// can invite the newcomer as a colleague; the buyer sees the shared number
/// beside each bidder.
pub async fn register<S: Scope>(
    op: &mut Op<S>,
    org: NewOrganisation,
    first: NewMember,
) -> Result<(organisations::Model, users::Model), AppError> {
    let earlier = organisations::Entity::find()
        .filter(organisations::Column::Kvk.eq(Coded(org.kvk.clone())))
        .order_by_asc(organisations::Column::Id)
        .all(op.txn())
        .await?;
    let o = organisations::ActiveModel {
        registration_ref: Set(new_ref()?),
        kvk: Set(Coded(org.kvk.clone())),
        name: Set(org.name.clone()),
        address: Set(org.address),
        postcode: Set(Coded(org.postcode)),
        place: Set(org.place),
        created_at: Set(op.now()),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    op.act_as(Actor::registration());
    let newcomer = (first.account.display_name.clone(), first.email.to_string());
    let u = add_member(op, &o, first, true).await?;
    op.act_as(Actor::in_role(&u, Role::Aanbieder));
    for e in &earlier {
        for (m, _) in members(op.txn(), e.id).await?.into_iter().filter(|(m, _)| m.contact) {
            super::messages::email(
                op,
                m.email.as_str(),
                "Uw KvK-nummer is opnieuw gebruikt bij een registratie",
                &format!(
                    "Op {} heeft {} ({}) een organisatie geregistreerd met het KvK-nummer {} van {}.\n\n\
                     Hoort deze persoon bij uw organisatie? Nodig hem of haar dan uit als collega onder \"Organisatie\" in Dialoog; \
                     dan werkt u samen aan één inschrijving.\n\n\
                     Kent u deze persoon niet? Meld het dan bij de inkoper van uw aanbesteding. \
                     Eén organisatie doet één inschrijving per aanbesteding; de inkoper ziet bij elke aanbieder of het KvK-nummer vaker voorkomt.\n",
                    crate::domain::calendar::show_instant(op.now()),
                    newcomer.0,
                    newcomer.1,
                    org.kvk,
                    e.name,
                ),
            )
            .await?;
        }
    }
    op.record(Event::OrganisationRegistered {
        subject: Subject::Organisation(o.id),
        tender: None,
        kvk: org.kvk.into_string(),
        naam: org.name,
        demo: None,
    })
    .await?;
    Ok((o, u))
}

/// Adds an account to an organisation and gives it the aanbieder role in every
/// tender the organisation is registered for.
pub async fn add_member<S: Scope>(
    op: &mut Op<S>,
    org: &organisations::Model,
    m: NewMember,
    contact: bool,
) -> Result<users::Model, AppError> {
    let u = accounts::create(op, m.account).await?;
    organisation_members::ActiveModel {
        organisation_id: Set(org.id),
        user_id: Set(u.id),
        email: Set(Coded(m.email)),
        phone: Set(m.phone),
        contact: Set(contact),
        created_at: Set(op.now()),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    let tenders = tender_bidders::Entity::find()
        .filter(tender_bidders::Column::OrganisationId.eq(org.id))
        .all(op.txn())
        .await?;
    for t in tenders {
        accounts::grant(op, t.tender_id, &u, Role::Aanbieder, Some(&org.name)).await?;
    }
    Ok(u)
}

/// Registers an organisation as a bidder in a tender (all its members get the
/// aanbieder role there). Idempotent: a second registration records nothing.
pub async fn register_for_tender<S: Scope>(op: &mut Op<S>, tender: TenderId, org: &organisations::Model) -> Result<bool, AppError> {
    let exists = tender_bidders::Entity::find()
        .filter(tender_bidders::Column::TenderId.eq(tender))
        .filter(tender_bidders::Column::OrganisationId.eq(org.id))
        .one(op.txn())
        .await?;
    if exists.is_some() {
        return Ok(false);
    }
    tender_bidders::ActiveModel {
        tender_id: Set(tender),
        organisation_id: Set(org.id),
        status: Set(Coded(BidderStatus::Actief)),
        registered_at: Set(op.now()),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    for (_, u) in members(op.txn(), org.id).await? {
        let has = tender_roles::Entity::find()
            .filter(tender_roles::Column::TenderId.eq(tender))
            .filter(tender_roles::Column::UserId.eq(u.id))
            .filter(tender_roles::Column::Role.eq(Coded(Role::Aanbieder)))
            .one(op.txn())
            .await?;
        if has.is_none() {
            accounts::grant(op, tender, &u, Role::Aanbieder, Some(&org.name)).await?;
        }
    }
    op.record(Event::BidderRegistered { subject: Subject::Organisation(org.id), tender, kvk: org.kvk.to_string() }).await?;
    Ok(true)
}

/// The organisations registered for a tender, with their status.
pub async fn bidders<C: ConnectionTrait>(
    c: &C,
    tender: TenderId,
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

/// The registration of one organisation for one tender, if any.
pub async fn bidder<C: ConnectionTrait>(
    c: &C,
    tender: TenderId,
    org: OrganisationId,
) -> Result<Option<tender_bidders::Model>, DbErr> {
    tender_bidders::Entity::find()
        .filter(tender_bidders::Column::TenderId.eq(tender))
        .filter(tender_bidders::Column::OrganisationId.eq(org))
        .one(c)
        .await
}

pub async fn by_id<C: ConnectionTrait>(c: &C, id: OrganisationId) -> Result<Option<organisations::Model>, DbErr> {
    organisations::Entity::find_by_id(id).one(c).await
}

/// A demo organisation with one existing account as its contact person.
pub async fn seed_demo<S: Scope>(
    op: &mut Op<S>,
    name: &str,
    kvk: Kvk,
    user: &users::Model,
    email: Email,
    tender: Option<TenderId>,
) -> Result<organisations::Model, AppError> {
    let o = organisations::ActiveModel {
        registration_ref: Set(new_ref()?),
        kvk: Set(Coded(kvk.clone())),
        name: Set(name.into()),
        address: Set("Voorbeeldstraat 1".into()),
        postcode: Set(Coded(Postcode::parse("1811 AA")?)),
        place: Set("Alkmaar".into()),
        created_at: Set(op.now()),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    organisation_members::ActiveModel {
        organisation_id: Set(o.id),
        user_id: Set(user.id),
        email: Set(Coded(email)),
        phone: Set("072 000 00 00".into()),
        contact: Set(true),
        created_at: Set(op.now()),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    if let Some(t) = tender {
        tender_bidders::ActiveModel {
            tender_id: Set(t),
            organisation_id: Set(o.id),
            status: Set(Coded(BidderStatus::Actief)),
            registered_at: Set(op.now()),
            ..Default::default()
        }
        .insert(op.txn())
        .await?;
    }
    op.record(Event::OrganisationRegistered {
        subject: Subject::Organisation(o.id),
        tender,
        kvk: kvk.into_string(),
        naam: name.into(),
        demo: Some(true),
    })
    .await?;
    Ok(o)
}
