//! The panel: appointing and replacing evaluators and the chair, the
//! evaluators' conflict-of-interest declarations and the inkoper's check of
//! them against the bidders.

use super::super::column::Coded;
use super::super::entities::*;
use super::super::event::{Event, Subject};
use super::super::op::Op;
use super::{snapshot, submitted_organisations};
use crate::domain::access::Role;
use crate::domain::evaluation::panel::{may_appoint, may_check_declaration, Candidate};
use crate::domain::refusal::text_up_to;
use crate::domain::status::{DeclarationCheck, EvaluatorStatus};
use crate::error::AppError;
use crate::ids::{EvaluatorId, TenderId};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};

fn evaluator_subject(u: &users::Model) -> Subject {
    Subject::Evaluator(u.pseudonym.clone())
}

/// The name of whoever performs the operation, as the panel's records show it.
fn by_name(op: &Op) -> Result<String, AppError> {
    Ok(op.user()?.display_name.clone())
}

/// Appoints `user` as an evaluator. Someone who knows the bidders (an
/// inkoper, an observer) or is one cannot evaluate anonymously.
pub async fn appoint(op: &mut Op, user: &users::Model, chair: bool) -> Result<evaluators::Model, AppError> {
    let tender = op.tender_id();
    let s = snapshot(op.txn(), tender).await?;
    let roles = super::super::tenders::roles_of(op.txn(), tender, user.id).await?;
    let bidder = super::super::organisations::of_user(op.txn(), user.id).await?.is_some();
    let candidate = Candidate { name: &user.display_name, roles: &roles, on_panel: s.panel.iter().any(|m| m.user.id == user.id), bidder };
    may_appoint(&candidate, s.consensus_opened())?;
    let granted = !roles.contains(&Role::Beoordelaar);
    if granted {
        tender_roles::ActiveModel {
            tender_id: Set(tender),
            user_id: Set(user.id),
            role: Set(Coded(Role::Beoordelaar)),
            ..Default::default()
        }
        .insert(op.txn())
        .await?;
    }
    if chair {
        clear_chair(op, tender).await?;
    }
    let appointer = by_name(op)?;
    let ev = evaluators::ActiveModel {
        tender_id: Set(tender),
        user_id: Set(user.id),
        chair: Set(chair),
        status: Set(Coded(EvaluatorStatus::Aangewezen)),
        appointed_at: Set(op.when()),
        appointed_by: Set(appointer.clone()),
        appointed_by_user: Set(Some(op.user()?.id)),
        check_status: Set(Coded(DeclarationCheck::Open)),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    op.record(Event::EvaluatorAppointed {
        subject: evaluator_subject(user),
        naam: user.display_name.clone(),
        voorzitter: chair,
        rol_toegekend: granted,
    })
    .await?;
    let t = op.tender().clone();
    super::super::messages::to_user(
        op,
        Some(tender),
        user,
        &format!("U bent beoordelaar voor {}", t.title),
        &format!(
            "{} heeft u aangewezen als {} van het beoordelingspanel. Onderteken eerst de verklaring over belangen en \
             relaties op de pagina Beoordeling; na de controle daarvan en de opening beoordeelt u de plannen.",
            appointer,
            if chair { "voorzitter" } else { "lid" }
        ),
        Some(&format!("/aanbesteding/{tender}/beoordeling")),
    )
    .await?;
    Ok(ev)
}

async fn clear_chair(op: &Op, tender: TenderId) -> Result<(), AppError> {
    use sea_orm::sea_query::Expr;
    evaluators::Entity::update_many()
        .col_expr(evaluators::Column::Chair, Expr::value(false))
        .filter(evaluators::Column::TenderId.eq(tender))
        .exec(op.txn())
        .await?;
    Ok(())
}

/// Makes an active evaluator the chair (the previous chair no longer is).
pub async fn set_chair(op: &mut Op, evaluator: EvaluatorId) -> Result<(), AppError> {
    let s = snapshot(op.txn(), op.tender_id()).await?;
    if s.consensus_opened() {
        return Err(AppError::Conflict("Het consensusoverleg is geopend: de voorzitter ligt vast.".into()));
    }
    let m = s.member_by_id(evaluator)?;
    if !m.active() {
        return Err(AppError::Conflict("Een vervangen beoordelaar kan geen voorzitter zijn.".into()));
    }
    clear_chair(op, op.tender_id()).await?;
    let mut a = m.ev.clone().into_active_model();
    a.chair = Set(true);
    a.update(op.txn()).await?;
    op.record(Event::ChairSet { subject: m.subject(), naam: m.user.display_name.clone() }).await?;
    Ok(())
}

/// Replaces an evaluator (for instance after a conflict of interest): the old
/// one no longer sees anything and their scores do not count; the new one
/// takes over the chair if the old one had it.
pub async fn replace(op: &mut Op, evaluator: EvaluatorId, reason: &str, new_user: &users::Model) -> Result<(), AppError> {
    let reason = text_up_to(reason, 2000, "De reden")?;
    if reason.is_empty() {
        return Err(AppError::Invalid("Geef de reden van de vervanging.".into()));
    }
    let s = snapshot(op.txn(), op.tender_id()).await?;
    let old = s.member_by_id(evaluator)?.clone();
    if !old.active() {
        return Err(AppError::Conflict(format!("{} is al vervangen.", old.user.display_name)));
    }
    let mut a = old.ev.clone().into_active_model();
    a.status = Set(Coded(EvaluatorStatus::Vervangen));
    a.chair = Set(false);
    a.replaced_at = Set(Some(op.when()));
    a.replaced_reason = Set(Some(reason.clone()));
    a.update(op.txn()).await?;
    op.record(Event::EvaluatorReplaced {
        subject: old.subject(),
        naam: old.user.display_name.clone(),
        reden: reason,
        vervanger: new_user.display_name.clone(),
    })
    .await?;
    appoint(op, new_user, old.ev.chair).await?;
    Ok(())
}

/// The evaluator (the caller) signs the conflict-of-interest declaration: the
/// interests and relations they have in youth care ("geen" when none), before
/// seeing anything.
pub async fn sign_declaration(op: &mut Op, interests: &str) -> Result<(), AppError> {
    let interests = text_up_to(interests, 4000, "De opgave van belangen")?;
    if interests.is_empty() {
        return Err(AppError::Invalid(
            "Noem uw belangen en relaties in de jeugdzorg (werkgevers, nevenfuncties, familie), of vul 'geen' in.".into(),
        ));
    }
    let user = op.user()?.clone();
    let s = snapshot(op.txn(), op.tender_id()).await?;
    let m = s.member(user.id).ok_or_else(|| AppError::Forbidden("U bent geen beoordelaar in deze aanbesteding.".into()))?;
    if m.ev.declaration_at.is_some() {
        return Err(AppError::Conflict("U heeft de verklaring al ondertekend.".into()));
    }
    let mut a = m.ev.clone().into_active_model();
    a.declaration_at = Set(Some(op.when()));
    a.declaration_interests = Set(Some(interests.clone()));
    a.check_status = Set(Coded(DeclarationCheck::Open));
    a.update(op.txn()).await?;
    op.record(Event::DeclarationSigned { subject: evaluator_subject(&user), belangen: interests }).await?;
    Ok(())
}

/// The inkoper, who knows the bidders, checks a signed declaration against
/// them: no conflict (the evaluator may start) or a conflict (replace them).
pub async fn check_declaration(op: &mut Op, evaluator: EvaluatorId, conflict: bool, note: &str) -> Result<(), AppError> {
    let note = text_up_to(note, 2000, "De toelichting")?;
    if conflict && note.is_empty() {
        return Err(AppError::Invalid("Beschrijf het belangenconflict.".into()));
    }
    let s = snapshot(op.txn(), op.tender_id()).await?;
    let m = s.member_by_id(evaluator)?;
    if !m.active() {
        return Err(AppError::Conflict(format!("{} is vervangen.", m.user.display_name)));
    }
    if m.ev.declaration_at.is_none() {
        return Err(AppError::Conflict(format!("{} heeft de verklaring nog niet ondertekend.", m.user.display_name)));
    }
    if m.ev.check_status != DeclarationCheck::Open {
        return Err(AppError::Conflict("Deze verklaring is al getoetst.".into()));
    }
    may_check_declaration(m.ev.appointed_by_user == Some(op.user()?.id), &m.user.display_name)?;
    let bidders: Vec<String> = submitted_organisations(op.txn(), op.tender_id()).await?.into_iter().map(|o| o.name).collect();
    let mut a = m.ev.clone().into_active_model();
    a.check_status = Set(Coded(if conflict { DeclarationCheck::Conflict } else { DeclarationCheck::GeenConflict }));
    a.check_note = Set(Some(note.clone()).filter(|n| !n.is_empty()));
    a.checked_at = Set(Some(op.when()));
    a.checked_by = Set(Some(by_name(op)?));
    a.update(op.txn()).await?;
    op.record(Event::DeclarationChecked {
        subject: m.subject(),
        uitkomst: if conflict { "belangenconflict" } else { "geen belangenconflict" }.into(),
        toelichting: note,
        getoetst_tegen: bidders,
    })
    .await?;
    Ok(())
}
