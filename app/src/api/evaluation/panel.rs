//! The panel: who evaluates, their declarations and the inkoper's check.

use crate::domain::status::DeclarationCheck;
use crate::error::AppError;
use crate::ids::{EvaluatorId, TenderId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PanelRow {
    pub id: EvaluatorId,
    pub name: String,
    pub username: String,
    pub chair: bool,
    pub active: bool,
    pub appointed: String,
    /// Signed at, and the interests declared (shown to the inkoper only).
    pub declaration: Option<String>,
    pub interests: Option<String>,
    pub check: DeclarationCheck,
    pub check_note: Option<String>,
    pub replaced: Option<String>,
    pub locked: bool,
    /// Scores given (of the total the sheet needs).
    pub filled: usize,
    /// The caller appointed this evaluator (so another inkoper checks the declaration).
    pub appointed_by_me: bool,
}

/// The panel as the caller may see it (the buyer's side also sees the
/// replaced members, the declarations and the checks).
#[cfg(feature = "ssr")]
pub(super) fn rows(cx: &super::Context<'_>) -> Vec<PanelRow> {
    use crate::domain::calendar::show_instant;
    let buyer = cx.buyer;
    let per_sheet = cx.plans_valid.len() * cx.m.leaves().len();
    cx.s.panel
        .iter()
        .filter(|p| buyer || p.active())
        .map(|p| PanelRow {
            id: p.ev.id,
            name: p.user.display_name.clone(),
            username: if buyer { p.user.username.to_string() } else { String::new() },
            chair: p.ev.chair,
            active: p.active(),
            appointed: show_instant(p.ev.appointed_at),
            declaration: if buyer { p.ev.declaration_at.map(show_instant) } else { None },
            interests: if cx.may_manage || buyer { p.ev.declaration_interests.clone() } else { None },
            check: *p.ev.check_status,
            check_note: if buyer { p.ev.check_note.clone() } else { None },
            replaced: if buyer { p.ev.replaced_reason.clone() } else { None },
            locked: p.locked(),
            filled: cx.s.sheet(p.ev.id).len().min(per_sheet),
            appointed_by_me: p.ev.appointed_by_user == Some(cx.ok.user.id),
        })
        .collect()
}

/// The organisations that submitted, for the inkoper checking declarations.
#[cfg(feature = "ssr")]
pub(super) async fn bidders(cx: &super::Context<'_>) -> Result<Vec<String>, AppError> {
    if !cx.may_manage {
        return Ok(vec![]);
    }
    Ok(crate::store::evaluation::submitted_organisations(cx.conn, cx.ok.tender.id).await?.into_iter().map(|o| o.name).collect())
}

/// Accounts that hold the evaluator role here but are not on the panel.
#[cfg(feature = "ssr")]
pub(super) async fn candidates(cx: &super::Context<'_>) -> Result<Vec<(String, String)>, AppError> {
    use crate::domain::access::Role;
    use crate::store::entities::tender_roles;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    if !cx.may_manage {
        return Ok(vec![]);
    }
    let mut out = vec![];
    for r in tender_roles::Entity::find()
        .filter(tender_roles::Column::TenderId.eq(cx.ok.tender.id))
        .filter(tender_roles::Column::Role.eq(crate::store::Coded(Role::Beoordelaar)))
        .all(cx.conn)
        .await?
    {
        if cx.s.panel.iter().any(|p| p.user.id == r.user_id) {
            continue;
        }
        if let Some(u) = crate::store::users::by_id(cx.conn, r.user_id).await? {
            out.push((u.username.to_string(), u.display_name));
        }
    }
    Ok(out)
}

/// Appoints an evaluator: an existing account, or a new one that gets an
/// invitation by e-mail. Returns whether an invitation went out.
#[server(endpoint = "appoint_evaluator")]
pub async fn appoint_evaluator(
    id: TenderId,
    gebruikersnaam: String,
    naam: Option<String>,
    email: Option<String>,
    voorzitter: Option<String>,
) -> Result<bool, AppError> {
    use crate::api::guard;
    use crate::domain::access::Action::ManageEvaluation;
    guard::run(async move {
        guard::require(id, ManageEvaluation).await?;
        let st = guard::state()?;
        let acc = crate::api::team::Account::find(&st, &gebruikersnaam, naam, email, "de beoordelaar").await?;
        let mut op = guard::op(id, ManageEvaluation).await?;
        let (user, invited) = acc.materialise(&mut op, &st, "beoordelaar").await?;
        crate::store::evaluation::panel::appoint(&mut op, &user, voorzitter.is_some()).await?;
        op.commit().await?;
        Ok(invited)
    })
    .await
}

#[server(endpoint = "set_chair")]
pub async fn set_chair(id: TenderId, beoordelaar: EvaluatorId) -> Result<(), AppError> {
    use crate::api::guard;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::ManageEvaluation).await?;
        crate::store::evaluation::panel::set_chair(&mut op, beoordelaar).await?;
        op.commit().await
    })
    .await
}

#[server(endpoint = "replace_evaluator")]
pub async fn replace_evaluator(
    id: TenderId,
    beoordelaar: EvaluatorId,
    reden: String,
    gebruikersnaam: String,
    naam: Option<String>,
    email: Option<String>,
) -> Result<bool, AppError> {
    use crate::api::guard;
    use crate::domain::access::Action::ManageEvaluation;
    guard::run(async move {
        guard::require(id, ManageEvaluation).await?;
        if reden.trim().is_empty() {
            return Err(AppError::Invalid("Geef de reden van de vervanging.".into()));
        }
        let st = guard::state()?;
        let acc = crate::api::team::Account::find(&st, &gebruikersnaam, naam, email, "de beoordelaar").await?;
        let mut op = guard::op(id, ManageEvaluation).await?;
        let (user, invited) = acc.materialise(&mut op, &st, "beoordelaar").await?;
        crate::store::evaluation::panel::replace(&mut op, beoordelaar, &reden, &user).await?;
        op.commit().await?;
        Ok(invited)
    })
    .await
}

#[server(endpoint = "check_declaration")]
pub async fn check_declaration(id: TenderId, beoordelaar: EvaluatorId, uitkomst: String, toelichting: Option<String>) -> Result<(), AppError> {
    use crate::api::guard;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::ManageEvaluation).await?;
        let conflict = match DeclarationCheck::parse(&uitkomst) {
            Some(DeclarationCheck::GeenConflict) => false,
            Some(DeclarationCheck::Conflict) => true,
            _ => return Err(AppError::Invalid("Kies: geen belangenconflict, of een belangenconflict.".into())),
        };
        let note = toelichting.as_deref().unwrap_or_default();
        crate::store::evaluation::panel::check_declaration(&mut op, beoordelaar, conflict, note).await?;
        op.commit().await
    })
    .await
}

#[server(endpoint = "sign_declaration")]
pub async fn sign_declaration(id: TenderId, belangen: String, akkoord: Option<String>) -> Result<(), AppError> {
    use crate::api::guard;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::SignDeclaration).await?;
        if akkoord.is_none() {
            return Err(AppError::Invalid("Bevestig de verklaring (onafhankelijkheid en geheimhouding) door het vakje aan te vinken.".into()));
        }
        crate::store::evaluation::panel::sign_declaration(&mut op, &belangen).await?;
        op.commit().await
    })
    .await
}
