//! The bidder portal around the tender: registering an organisation, its
//! members and invited colleagues, and the messages it receives.

use crate::domain::status::BidderStatus;
use crate::error::AppError;
use crate::ids::TenderId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Published tenders an organisation can register for: (id, title, reference).
#[server(endpoint = "open_tenders")]
pub async fn open_tenders() -> Result<Vec<(TenderId, String, String)>, AppError> {
    use super::guard;
    use crate::domain::access::Phase;
    guard::run(async move {
        let st = guard::state()?;
        Ok(crate::store::tenders::all(&st.db.conn)
            .await?
            .into_iter()
            .filter(|t| matches!(*t.phase, Phase::Gepubliceerd | Phase::Dialoog | Phase::Inschrijving))
            .map(|t| (t.id, t.title, t.reference))
            .collect())
    })
    .await
}

/// The registration form of a new organisation and its contact person, as typed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegistrationForm {
    pub kvk: String,
    pub naam: String,
    pub adres: String,
    pub postcode: String,
    pub plaats: String,
    pub contactpersoon: String,
    pub email: String,
    pub telefoon: String,
    pub gebruikersnaam: String,
    pub wachtwoord: String,
    pub herhaling: String,
}

/// Registers an organisation, its contact person's account, and (optionally)
/// its participation in a published tender. Logs the new account in.
#[server(endpoint = "register_organisation")]
pub async fn register_organisation(#[server(flatten)] form: RegistrationForm, aanbesteding: Option<TenderId>) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::values::{Email, Kvk, Postcode, Username};
    use crate::store::organisations::{self as orgs, NewMember, NewOrganisation};
    use crate::store::users::NewAccount;
    use crate::store::{Actor, Op};
    guard::run(async move {
        let st = guard::state()?;
        let ip = guard::client_ip().await;
        if st.login_limiter.check_key(&ip).is_err() {
            return Err(AppError::TooManyRequests("Te veel pogingen vanaf dit adres. Wacht een minuut.".into()));
        }
        let req = |s: &str, what: &str, max: usize| -> Result<String, AppError> {
            let t = s.trim();
            if t.is_empty() {
                return Err(AppError::Invalid(format!("Vul {what} in.")));
            }
            if t.chars().count() > max {
                return Err(AppError::Invalid(format!("{what} is te lang (hoogstens {max} tekens).")));
            }
            Ok(t.to_string())
        };
        let f = form;
        let kvk = Kvk::parse(&f.kvk)?;
        let naam = req(&f.naam, "de naam van de organisatie", 200)?;
        let adres = req(&f.adres, "het adres", 200)?;
        let postcode = Postcode::parse(&f.postcode)?;
        let plaats = req(&f.plaats, "de plaats", 100)?;
        let contact = req(&f.contactpersoon, "de naam van de contactpersoon", 200)?;
        let email = Email::parse(&f.email)?;
        let telefoon = req(&f.telefoon, "het telefoonnummer", 30)?;
        let username = Username::parse(&f.gebruikersnaam)?;
        crate::domain::password::check_length(&f.wachtwoord).map_err(|why| AppError::Invalid(format!("Het wachtwoord {why}.")))?;
        if f.wachtwoord != f.herhaling {
            return Err(AppError::Invalid("De twee wachtwoorden zijn niet gelijk.".into()));
        }
        let tender = match aanbesteding {
            Some(id) => {
                let t = crate::store::tenders::by_id(&st.db.conn, id)
                    .await?
                    .filter(|t| *t.phase != crate::domain::access::Phase::Concept)
                    .ok_or_else(|| AppError::NotFound("Deze aanbesteding is niet gepubliceerd.".into()))?;
                Some(t.id)
            }
            None => None,
        };
        let hash = crate::store::users::hash_password(f.wachtwoord).await;
        let mut op = Op::anywhere(&st.db, &st.clock, Actor::registration()).await?;
        let now = op.now();
        let (org, user) = orgs::register(
            &mut op,
            NewOrganisation { kvk, name: naam, address: adres, postcode, place: plaats },
            NewMember {
                account: NewAccount { username, display_name: contact, password_hash: hash, must_change_password: false, email: Some(email.clone()) },
                email,
                phone: telefoon,
            },
        )
        .await?;
        if let Some(t) = tender {
            orgs::register_for_tender(&mut op, t, &org).await?;
        }
        op.commit().await?;
        let session = guard::session().await?;
        session.cycle_id().await.map_err(|_| AppError::Internal)?;
        session.insert(guard::SESSION_USER, user.id).await.map_err(|_| AppError::Internal)?;
        session.insert(guard::SESSION_LOGIN_AT, now.timestamp()).await.map_err(|_| AppError::Internal)?;
        leptos_axum::redirect("/organisatie");
        Ok(())
    })
    .await
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrganisationView {
    pub name: String,
    pub kvk: String,
    pub address: String,
    pub postcode: String,
    pub place: String,
    /// (name, username, e-mail, phone, contact person)
    pub members: Vec<(String, String, String, String, bool)>,
    /// Tenders the organisation is registered for: (id, title, status)
    pub tenders: Vec<(TenderId, String, BidderStatus)>,
    /// Published tenders it can still register for: (id, title)
    pub open: Vec<(TenderId, String)>,
}

#[server(endpoint = "my_organisation")]
pub async fn my_organisation() -> Result<OrganisationView, AppError> {
    use super::guard;
    use crate::store::entities::tender_bidders;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    guard::run(async move {
        let user = guard::require_user().await?;
        let st = guard::state()?;
        let org = guard::own_organisation(&st, &user).await?;
        let members = crate::store::organisations::members(&st.db.conn, org.id)
            .await?
            .into_iter()
            .map(|(m, u)| (u.display_name, u.username.to_string(), m.email.to_string(), m.phone, m.contact))
            .collect();
        let regs = tender_bidders::Entity::find()
            .filter(tender_bidders::Column::OrganisationId.eq(org.id))
            .all(&st.db.conn)
            .await?;
        let mut tenders = vec![];
        for r in &regs {
            if let Some(t) = crate::store::tenders::by_id(&st.db.conn, r.tender_id).await? {
                tenders.push((t.id, t.title, *r.status));
            }
        }
        let open = open_tenders()
            .await?
            .into_iter()
            .filter(|(id, _, _)| !regs.iter().any(|r| r.tender_id == *id))
            .map(|(id, title, _)| (id, title))
            .collect();
        Ok(OrganisationView {
            name: org.name,
            kvk: org.kvk.to_string(),
            address: org.address,
            postcode: org.postcode.to_string(),
            place: org.place,
            members,
            tenders,
            open,
        })
    })
    .await
}

/// Registers the caller's organisation for a published tender.
#[server(endpoint = "join_tender")]
pub async fn join_tender(aanbesteding: TenderId) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::access::{Phase, Role};
    use crate::store::{Actor, Op};
    guard::run(async move {
        let user = guard::require_user().await?;
        let st = guard::state()?;
        let org = guard::own_organisation(&st, &user).await?;
        let mut op = Op::anywhere(&st.db, &st.clock, Actor::in_role(&user, Role::Aanbieder)).await?;
        let t = crate::store::tenders::by_id(op.txn(), aanbesteding)
            .await?
            .ok_or_else(|| AppError::NotFound("Deze aanbesteding bestaat niet.".into()))?;
        if !matches!(*t.phase, Phase::Gepubliceerd | Phase::Dialoog | Phase::Inschrijving) {
            return Err(AppError::Conflict("Voor deze aanbesteding kunt u zich niet (meer) aanmelden.".into()));
        }
        // Registering twice changes nothing (and records nothing).
        if crate::store::organisations::register_for_tender(&mut op, t.id, &org).await? {
            op.commit().await?;
        }
        Ok(())
    })
    .await
}

/// Invites a colleague: a new account in the caller's organisation, whose
/// owner chooses the password through the invitation e-mailed to them.
/// Returns the new user name.
#[server(endpoint = "invite_colleague")]
pub async fn invite_colleague(naam: String, email: String, gebruikersnaam: String) -> Result<String, AppError> {
    use super::guard;
    use crate::domain::access::Role;
    use crate::store::administration::Person;
    use crate::store::invitations::{self, Purpose};
    use crate::store::organisations::{self as orgs, NewMember};
    use crate::store::users::NewAccount;
    use crate::store::{Actor, Op};
    guard::run(async move {
        let user = guard::require_user().await?;
        let st = guard::state()?;
        let org = guard::own_organisation(&st, &user).await?;
        // Only members of an organisation (bidders) get this far: own_organisation.
        let person = Person::parse(&gebruikersnaam, &naam, &email)?;
        guard::throttle(guard::Costly::Invitation, Some(user.id)).await?;
        let mut op = Op::anywhere(&st.db, &st.clock, Actor::in_role(&user, Role::Aanbieder)).await?;
        let username = person.username.clone();
        let u = orgs::add_member(
            &mut op,
            &org,
            NewMember { account: NewAccount::invited(person.username, person.name, person.email.clone()), email: person.email, phone: String::new() },
            false,
        )
        .await?;
        let context = format!("als collega bij {}", org.name);
        invitations::issue(&mut op, &st.settings, &u, Some(&user), Purpose { inviter: Some(&user.display_name), context: Some(context) }).await?;
        op.commit().await?;
        Ok(username.into_string())
    })
    .await
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MessageRow {
    pub subject: String,
    pub html: String,
    pub link: Option<String>,
    pub at: String,
}

#[server(endpoint = "inbox")]
pub async fn inbox() -> Result<Vec<MessageRow>, AppError> {
    use super::guard;
    guard::run(async move {
        let user = guard::require_user().await?;
        let st = guard::state()?;
        let org = crate::store::organisations::of_user(&st.db.conn, user.id).await?.map(|o| o.id);
        Ok(crate::store::messages::inbox(&st.db.conn, user.id, org)
            .await?
            .into_iter()
            .map(|m| MessageRow {
                subject: m.subject,
                html: crate::markdown::render(&m.body_md),
                link: m.link,
                at: crate::domain::calendar::show_instant(m.created_at),
            })
            .collect())
    })
    .await
}
