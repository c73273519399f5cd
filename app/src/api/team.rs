//! The team of a tender: its inkopers, waarnemers and the representatives of
//! its gemeenten, each from an existing account or by invitation. The panel
//! of evaluators is appointed on the evaluation page.

use crate::error::AppError;
use crate::ids::{TenderId, UserId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamRow {
    pub account: UserId,
    pub name: String,
    pub username: String,
    pub role: String,
    pub role_label: String,
    /// The gemeente a representative acts for: (slug, name).
    pub gemeente: Option<(String, String)>,
    pub active: bool,
    /// Whether the account has accepted its invitation.
    pub accepted: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamData {
    pub tender: TenderId,
    pub rows: Vec<TeamRow>,
    /// (slug, name) of the buyers, for a representative.
    pub buyers: Vec<(String, String)>,
    pub inkopers: usize,
    pub min_inkopers: usize,
    pub published: bool,
}

#[server(endpoint = "team_view")]
pub async fn team_view(id: TenderId) -> Result<TeamData, AppError> {
    use super::guard;
    use crate::domain::access::{Action, Phase, Role};
    guard::run(async move {
        let ok = guard::require(id, Action::ManageTeam).await?;
        let st = guard::state()?;
        let rel = crate::store::tenders::related(&st.db.conn, id).await?;
        let mut rows = vec![];
        for (r, u) in crate::store::team::members(&st.db.conn, id).await? {
            let role = *r.role;
            // The panel and the bidders have pages of their own.
            if matches!(role, Role::Beoordelaar | Role::Aanbieder) {
                continue;
            }
            let gemeente = r.organisation.as_ref().and_then(|g| rel.buyers.iter().find(|b| &b.slug == g)).map(|b| (b.slug.clone(), b.name.clone()));
            rows.push(TeamRow {
                account: u.id,
                name: u.display_name.clone(),
                username: u.username.to_string(),
                role: role.code().into(),
                role_label: role.label().into(),
                gemeente,
                active: u.active,
                accepted: crate::store::users::password_of(&u).is_some(),
            });
        }
        Ok(TeamData {
            tender: id,
            inkopers: rows.iter().filter(|r| r.role == Role::Inkoper.code()).count(),
            rows,
            buyers: rel.buyers.iter().map(|b| (b.slug.clone(), b.name.clone())).collect(),
            min_inkopers: crate::domain::setup::MIN_KEY_HOLDERS,
            published: *ok.tender.phase != Phase::Concept,
        })
    })
    .await
}

/// The account to give a role in a tender: an existing one, or a new one to
/// create and invite (its owner chooses the password) in the same operation
/// as the role. Nobody but its owner ever sees a password.
#[cfg(feature = "ssr")]
pub(crate) enum Account {
    Existing(crate::store::entities::users::Model),
    New(crate::store::administration::Person),
}

#[cfg(feature = "ssr")]
impl Account {
    /// The account `username` names, or, when there is none and a name and
    /// e-mail address are given, a new one for `who` ("de beoordelaar").
    pub(crate) async fn find(
        st: &crate::state::AppState,
        username: &str,
        name: Option<String>,
        email: Option<String>,
        who: &str,
    ) -> Result<Account, AppError> {
        use crate::domain::values::Username;
        let username = Username::parse(username)?;
        if let Some(u) = crate::store::users::by_username(&st.db.conn, &username).await? {
            if !u.active {
                return Err(AppError::Conflict(format!("Het account '{username}' is gedeactiveerd.")));
            }
            return Ok(Account::Existing(u));
        }
        let (Some(name), Some(email)) = (name.filter(|n| !n.trim().is_empty()), email.filter(|e| !e.trim().is_empty())) else {
            return Err(AppError::NotFound(format!(
                "Er is geen account '{username}'. Vul ook naam en e-mailadres in: {who} krijgt dan een uitnodiging."
            )));
        };
        Ok(Account::New(crate::store::administration::Person::parse(username.as_str(), &name, &email)?))
    }

    /// The account, created and invited first when it is new (the e-mail
    /// says it is `as_what` in this tender); and whether it was.
    pub(crate) async fn materialise(
        self,
        op: &mut crate::store::Op,
        st: &crate::state::AppState,
        as_what: &str,
    ) -> Result<(crate::store::entities::users::Model, bool), AppError> {
        use crate::store::invitations::Purpose;
        match self {
            Account::Existing(u) => Ok((u, false)),
            Account::New(person) => {
                let name = person.username.clone();
                let by = op.user()?.clone();
                super::guard::throttle(super::guard::Costly::Invitation, Some(by.id)).await?;
                let context = format!("als {as_what} in de aanbesteding '{}'", op.tender().title);
                let purpose = Purpose { inviter: Some(&by.display_name), context: Some(context) };
                let u = crate::store::administration::create_invited(op, &st.settings, &by, person, purpose).await.map_err(|e| match e {
                    AppError::Conflict(_) => {
                        AppError::Conflict(format!("De gebruikersnaam '{name}' is net in gebruik genomen; probeer het opnieuw."))
                    }
                    other => other,
                })?;
                Ok((u, true))
            }
        }
    }
}

/// Adds someone to the team in `rol` (inkoper, waarnemer or gemeente): an
/// existing account by its user name, or a new one (name and e-mail address
/// given) that is invited. Returns whether an invitation went out.
#[server(endpoint = "add_team_member")]
pub async fn add_team_member(
    id: TenderId,
    rol: String,
    gebruikersnaam: String,
    naam: Option<String>,
    email: Option<String>,
    gemeente: Option<String>,
) -> Result<bool, AppError> {
    use super::guard;
    use crate::domain::access::{Action::ManageTeam, Role};
    guard::run(async move {
        guard::require(id, ManageTeam).await?;
        let role = Role::parse(&rol)
            .filter(|r| matches!(r, Role::Inkoper | Role::Waarnemer | Role::Gemeente))
            .ok_or_else(|| AppError::Invalid("Kies de rol: inkoper, waarnemer of vertegenwoordiger van een gemeente.".into()))?;
        let st = guard::state()?;
        let acc = Account::find(&st, &gebruikersnaam, naam, email, "de persoon").await?;
        let mut op = guard::op(id, ManageTeam).await?;
        let tender = op.tender().clone();
        let (user, invited) = acc.materialise(&mut op, &st, &role.label().to_lowercase()).await?;
        crate::store::team::join(&mut op, &tender, &user, role, gemeente.as_deref()).await?;
        op.commit().await?;
        Ok(invited)
    })
    .await
}

/// Takes a role in the team away (a published tender keeps two inkopers).
#[server(endpoint = "remove_team_member")]
pub async fn remove_team_member(id: TenderId, account: UserId, rol: String, gemeente: Option<String>) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::access::{Action::ManageTeam, Role};
    guard::run(async move {
        guard::require(id, ManageTeam).await?;
        let role = Role::parse(&rol).ok_or_else(|| AppError::Invalid("Onbekende rol.".into()))?;
        let mut op = guard::op(id, ManageTeam).await?;
        let tender = op.tender().clone();
        let user = crate::store::users::by_id(op.txn(), account).await?.ok_or_else(|| AppError::NotFound("Dit account bestaat niet.".into()))?;
        crate::store::team::leave(&mut op, &tender, &user, role, gemeente.as_deref()).await?;
        op.commit().await
    })
    .await
}
