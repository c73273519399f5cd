//! Account administration for the functioneel beheerder: the searchable,
//! paged list of accounts and what can be done to one. Every function checks
//! the right to manage accounts; none of them reads a tender's content.

use crate::error::AppError;
use crate::ids::UserId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One account in the list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountRow {
    pub id: UserId,
    pub username: String,
    pub name: String,
    pub email: String,
    /// "actief", "uitgenodigd", "uitnodiging verlopen", "gedeactiveerd", "geanonimiseerd"
    pub status: String,
    pub status_note: Option<String>,
    pub active: bool,
    pub anonymised: bool,
    pub beheerder: bool,
    pub creates_tenders: bool,
    pub second_factor: bool,
    /// The bidding organisation the account belongs to, if any.
    pub organisation: Option<String>,
    pub roles: u64,
    pub me: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountsPage {
    pub rows: Vec<AccountRow>,
    pub query: String,
    pub page: u64,
    pub pages: u64,
    pub total: u64,
}

#[server(endpoint = "accounts_view")]
pub async fn accounts_view(zoek: Option<String>, pagina: Option<u64>) -> Result<AccountsPage, AppError> {
    use super::guard;
    use crate::domain::access::GlobalAction::ManageAccounts;
    use crate::store::{administration, invitations, organisations, users};
    guard::run(async move {
        let me = guard::require_right(ManageAccounts).await?;
        let st = guard::state()?;
        let query = zoek.unwrap_or_default();
        if query.chars().count() > 100 {
            return Err(AppError::Invalid("Zoek met hoogstens 100 tekens.".into()));
        }
        let page = pagina.unwrap_or(1).max(1);
        let (found, total) = administration::search(&st.db.conn, &query, page - 1).await?;
        let now = st.clock.now();
        let mut rows = vec![];
        for u in found {
            let invited = invitations::open_until(&st.db.conn, u.id, now).await?;
            let (status, note) = if u.anonymised_at.is_some() {
                ("geanonimiseerd", None)
            } else if !u.active {
                ("gedeactiveerd", None)
            } else if users::password_of(&u).is_none() {
                match invited {
                    Some(until) => ("uitgenodigd", Some(format!("link geldig tot {}", crate::domain::calendar::show_instant(until)))),
                    None => ("uitnodiging verlopen", Some("stuur een nieuwe uitnodiging".to_string())),
                }
            } else {
                ("actief", invited.map(|until| format!("nieuwe uitnodiging geldig tot {}", crate::domain::calendar::show_instant(until))))
            };
            rows.push(AccountRow {
                id: u.id,
                username: u.username.to_string(),
                name: u.display_name.clone(),
                email: u.email.clone().unwrap_or_default(),
                status: status.into(),
                status_note: note,
                active: u.active,
                anonymised: u.anonymised_at.is_some(),
                beheerder: u.beheerder,
                creates_tenders: u.creates_tenders,
                second_factor: users::has_second_factor(&u),
                organisation: organisations::of_user(&st.db.conn, u.id).await?.map(|o| o.name),
                roles: administration::role_count(&st.db.conn, u.id).await?,
                me: u.id == me.id,
            });
        }
        let pages = total.div_ceil(administration::PAGE_SIZE).max(1);
        Ok(AccountsPage { rows, query, page, pages, total })
    })
    .await
}

/// Creates an account and e-mails its owner the invitation to choose a
/// password. Returns the user name.
#[server(endpoint = "create_account")]
pub async fn create_account(gebruikersnaam: String, naam: String, email: String, aanmaken: Option<String>) -> Result<String, AppError> {
    use super::guard;
    use crate::domain::access::{GlobalAction::ManageAccounts, Rights};
    use crate::store::administration::{self, Person};
    use crate::store::invitations::Purpose;
    guard::run(async move {
        guard::require_right(ManageAccounts).await?;
        let person = Person::parse(&gebruikersnaam, &naam, &email)?;
        let st = guard::state()?;
        let (mut op, me) = guard::global_op(ManageAccounts).await?;
        guard::throttle(guard::Costly::Invitation, Some(me.id)).await?;
        let u = administration::create_invited(&mut op, &st.settings, &me, person, Purpose { inviter: Some(&me.display_name), context: None })
            .await?;
        if aanmaken.is_some() {
            administration::set_rights(&mut op, u.id, Rights { beheerder: false, creates_tenders: true }).await?;
        }
        op.commit().await?;
        Ok(u.username.to_string())
    })
    .await
}

/// What can be done to an account from the list.
#[cfg(feature = "ssr")]
enum Change {
    Invite,
    Deactivate,
    Reactivate,
    ResetSecondFactor,
}

#[cfg(feature = "ssr")]
async fn change(account: UserId, what: Change) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::access::GlobalAction::ManageAccounts;
    use crate::store::administration;
    let st = guard::state()?;
    let (mut op, me) = guard::global_op(ManageAccounts).await?;
    if matches!(what, Change::Invite) {
        guard::throttle(guard::Costly::Invitation, Some(me.id)).await?;
    }
    match what {
        Change::Invite => administration::invite_again(&mut op, &st.settings, &me, account).await?,
        Change::Deactivate => administration::deactivate(&mut op, &me, account).await?,
        Change::Reactivate => administration::reactivate(&mut op, account).await?,
        Change::ResetSecondFactor => administration::reset_second_factor(&mut op, account).await?,
    };
    op.commit().await
}

/// Sends a new invitation (also to let someone who forgot their password
/// choose a new one).
#[server(endpoint = "invite_account")]
pub async fn invite_account(account: UserId) -> Result<(), AppError> {
    super::guard::run(change(account, Change::Invite)).await
}

#[server(endpoint = "deactivate_account")]
pub async fn deactivate_account(account: UserId) -> Result<(), AppError> {
    super::guard::run(change(account, Change::Deactivate)).await
}

#[server(endpoint = "reactivate_account")]
pub async fn reactivate_account(account: UserId) -> Result<(), AppError> {
    super::guard::run(change(account, Change::Reactivate)).await
}

#[server(endpoint = "reset_second_factor")]
pub async fn reset_second_factor(account: UserId) -> Result<(), AppError> {
    super::guard::run(change(account, Change::ResetSecondFactor)).await
}

/// Anonymises a departed user (AVG), with the reason (for instance the
/// reference of the request).
#[server(endpoint = "anonymise_account")]
pub async fn anonymise_account(account: UserId, reden: String, akkoord: Option<String>) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::access::GlobalAction::ManageAccounts;
    guard::run(async move {
        guard::require_right(ManageAccounts).await?;
        if akkoord.is_none() {
            return Err(AppError::Invalid("Bevestig dat u dit account wilt anonimiseren: dat kan niet ongedaan worden gemaakt.".into()));
        }
        let (mut op, me) = guard::global_op(ManageAccounts).await?;
        crate::store::administration::anonymise(&mut op, &me, account, &reden).await?;
        op.commit().await
    })
    .await
}

/// Sets the rights outside tenders: functioneel beheerder, creating tenders.
#[server(endpoint = "set_account_rights")]
pub async fn set_account_rights(account: UserId, beheerder: Option<String>, aanmaken: Option<String>) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::access::{GlobalAction::ManageAccounts, Rights};
    guard::run(async move {
        let (mut op, _) = guard::global_op(ManageAccounts).await?;
        crate::store::administration::set_rights(&mut op, account, Rights { beheerder: beheerder.is_some(), creates_tenders: aanmaken.is_some() })
            .await?;
        op.commit().await
    })
    .await
}

/// A tender as the beheerder sees it: what it is and who runs it, none of
/// its content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TenderSummary {
    pub id: crate::ids::TenderId,
    pub reference: String,
    pub title: String,
    pub phase: String,
    pub training: bool,
    /// The names of its inkopers.
    pub inkopers: Vec<String>,
    pub created: String,
}

#[server(endpoint = "all_tenders")]
pub async fn all_tenders() -> Result<Vec<TenderSummary>, AppError> {
    use super::guard;
    use crate::domain::access::{GlobalAction::ViewAllTenders, Role};
    guard::run(async move {
        guard::require_right(ViewAllTenders).await?;
        let st = guard::state()?;
        let mut out = vec![];
        for t in crate::store::tenders::all(&st.db.conn).await? {
            let inkopers = crate::store::team::members(&st.db.conn, t.id)
                .await?
                .into_iter()
                .filter(|(r, _)| *r.role == Role::Inkoper)
                .map(|(_, u)| u.display_name)
                .collect();
            out.push(TenderSummary {
                id: t.id,
                reference: t.reference.clone(),
                title: t.title.clone(),
                phase: t.phase.label().to_string(),
                training: t.training,
                inkopers,
                created: crate::domain::calendar::show_instant(t.created_at),
            });
        }
        Ok(out)
    })
    .await
}

/// Names an existing account inkoper of any tender (so that a tender whose
/// team left, or the seeded one on a fresh installation, gets one).
#[server(endpoint = "assign_inkoper")]
pub async fn assign_inkoper(aanbesteding: crate::ids::TenderId, gebruikersnaam: String) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::access::{GlobalAction::AssignInkopers, Role};
    use crate::domain::values::Username;
    guard::run(async move {
        guard::require_right(AssignInkopers).await?;
        let username = Username::parse(&gebruikersnaam)?;
        let (mut op, _) = guard::global_op(AssignInkopers).await?;
        let tender = crate::store::tenders::by_id(op.txn(), aanbesteding)
            .await?
            .ok_or_else(|| AppError::NotFound("Deze aanbesteding bestaat niet.".into()))?;
        let user = crate::store::users::by_username(op.txn(), &username)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("Er is geen account '{username}'. Maak het eerst aan.")))?;
        crate::store::team::join(&mut op, &tender, &user, Role::Inkoper, None).await?;
        op.commit().await
    })
    .await
}
