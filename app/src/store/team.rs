//! The team of a tender: its inkopers, waarnemers and the representatives of
//! its gemeenten (the evaluation panel is appointed apart, in the
//! evaluation). Who may join in which role is a rule of `domain::setup`.

use super::column::Coded;
use super::entities::{tender_buyers, tender_roles, tenders, users};
use super::event::Event;
use super::op::{Op, Scope};
use super::users::{self as accounts, subject_of};
use crate::domain::access::{Phase, Role};
use crate::domain::setup::{may_join_team, may_leave_inkopers};
use crate::error::AppError;
use crate::ids::TenderId;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, ModelTrait, PaginatorTrait, QueryFilter, QueryOrder};

/// Everyone holding a role in `tender`, with their account, in the order
/// the roles were given.
pub async fn members<C: ConnectionTrait>(c: &C, tender: TenderId) -> Result<Vec<(tender_roles::Model, users::Model)>, DbErr> {
    let roles = tender_roles::Entity::find()
        .filter(tender_roles::Column::TenderId.eq(tender))
        .order_by_asc(tender_roles::Column::Id)
        .all(c)
        .await?;
    let mut out = Vec::with_capacity(roles.len());
    for r in roles {
        if let Some(u) = accounts::by_id(c, r.user_id).await? {
            out.push((r, u));
        }
    }
    Ok(out)
}

/// How many inkopers `tender` has.
pub async fn inkopers<C: ConnectionTrait>(c: &C, tender: TenderId) -> Result<u64, DbErr> {
    tender_roles::Entity::find()
        .filter(tender_roles::Column::TenderId.eq(tender))
        .filter(tender_roles::Column::Role.eq(Coded(Role::Inkoper)))
        .count(c)
        .await
}

/// Gives `user` a role in the team of `tender` (for a gemeente's
/// representative: of gemeente `gemeente`, a buyer of the tender).
pub async fn join<S: Scope>(
    op: &mut Op<S>,
    tender: &tenders::Model,
    user: &users::Model,
    role: Role,
    gemeente: Option<&str>,
) -> Result<(), AppError> {
    if !user.active || user.anonymised_at.is_some() {
        return Err(AppError::Conflict(format!("Het account van {} is niet actief.", user.display_name)));
    }
    let held = super::tenders::roles_of(op.txn(), tender.id, user.id).await?;
    let bidder = super::organisations::of_user(op.txn(), user.id).await?.is_some();
    may_join_team(&user.display_name, role, &held, bidder)?;
    let gemeente = match (role, gemeente.map(str::trim).filter(|g| !g.is_empty())) {
        (Role::Gemeente, None) => return Err(AppError::Invalid("Kies de gemeente die deze persoon vertegenwoordigt.".into())),
        (Role::Gemeente, Some(slug)) => {
            let buyer = tender_buyers::Entity::find()
                .filter(tender_buyers::Column::TenderId.eq(tender.id))
                .filter(tender_buyers::Column::Slug.eq(slug))
                .one(op.txn())
                .await?
                .ok_or_else(|| AppError::Invalid(format!("'{slug}' is geen gemeente van deze aanbesteding.")))?;
            if super::tenders::gemeenten_of(op.txn(), tender.id, user.id).await?.contains(&buyer.slug) {
                return Err(AppError::Conflict(format!("{} vertegenwoordigt {} al.", user.display_name, buyer.name)));
            }
            Some(buyer.slug)
        }
        (_, _) => None,
    };
    accounts::grant(op, tender.id, user, role, gemeente.as_deref()).await
}

/// Takes `user`'s role `role` in `tender` away. A published tender keeps at
/// least two inkopers, and the last inkoper never leaves.
pub async fn leave<S: Scope>(op: &mut Op<S>, tender: &tenders::Model, user: &users::Model, role: Role, gemeente: Option<&str>) -> Result<(), AppError> {
    if !matches!(role, Role::Inkoper | Role::Waarnemer | Role::Gemeente) {
        return Err(AppError::Invalid("Alleen inkopers, waarnemers en vertegenwoordigers van gemeenten gaan hier uit het team.".into()));
    }
    let mut find = tender_roles::Entity::find()
        .filter(tender_roles::Column::TenderId.eq(tender.id))
        .filter(tender_roles::Column::UserId.eq(user.id))
        .filter(tender_roles::Column::Role.eq(Coded(role)));
    if role == Role::Gemeente {
        find = find.filter(tender_roles::Column::Organisation.eq(gemeente.unwrap_or_default()));
    }
    let row = find.one(op.txn()).await?.ok_or_else(|| AppError::NotFound("Deze persoon heeft die rol niet in deze aanbesteding.".into()))?;
    if role == Role::Inkoper {
        may_leave_inkopers(*tender.phase != Phase::Concept, inkopers(op.txn(), tender.id).await? as usize)?;
    }
    let organisation = row.organisation.clone();
    row.delete(op.txn()).await?;
    op.record(Event::RoleRevoked { subject: subject_of(user), tender: tender.id, rol: role.code().into(), organisatie: organisation }).await?;
    Ok(())
}
