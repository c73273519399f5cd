//! The result by the published method: totals and the ranking at the
//! consensus lock, a lot recorded when only a lot can break a tie, and
//! whether envelope 3 may be read.

use super::super::entities::*;
use super::super::event::{Event, RankLine, Subject};
use super::super::op::Op;
use super::{snapshot, EvalResult, ResultPlan};
use crate::domain::evaluation::plan_label;
use crate::domain::refusal::Refusal;
use crate::domain::scoring::{self, BidInput, Method, Outcome};
use crate::error::AppError;
use crate::ids::TenderId;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, Set};

/// Ranks the plans by the published method, with the lot when one was drawn.
/// The inputs are complete by then, so what the method refuses is a conflict.
pub(super) fn compute(m: &Method, plans: &[ResultPlan], lot: &[String]) -> Result<Outcome, AppError> {
    let inputs: Vec<BidInput> = plans
        .iter()
        .filter(|p| p.valid)
        .map(|p| BidInput {
            label: p.pseudonym.clone(),
            levels: p.levels.clone(),
            price: p.price.unwrap_or(0),
            lot: lot.iter().position(|x| x == &p.pseudonym).map(|i| i as u32 + 1),
        })
        .collect();
    scoring::rank(m, &inputs).map_err(|r| AppError::Conflict(r.message().to_string()))
}

/// Records the order a lot (drawn under supervision) gave the tied plans and
/// ranks again. `order` lists pseudonyms, winner first.
pub async fn record_lot(op: &mut Op, order: &[String]) -> Result<EvalResult, AppError> {
    let m = super::super::award::required_method(op.tender())?;
    if !m.tie_break.contains(&scoring::TieBreak::Lot) {
        return Err(AppError::Conflict("De gepubliceerde beslisregels kennen geen loting.".into()));
    }
    let s = snapshot(op.txn(), op.tender_id()).await?;
    let mut result = s.result().ok_or_else(|| AppError::Conflict("De consensus is nog niet vastgesteld.".into()))?;
    let Some((a, b)) = result.outcome.unresolved_tie.clone() else {
        return Err(AppError::Conflict("Er is geen gelijke stand die een loting vraagt.".into()));
    };
    if s.evaluation.as_ref().is_some_and(|e| e.lot.is_some()) {
        return Err(AppError::Conflict("De loting is al vastgelegd.".into()));
    }
    let valid = s.valid_pseudonyms();
    let mut seen = std::collections::BTreeSet::new();
    for p in order {
        if !valid.contains(p) || !seen.insert(p.clone()) {
            return Err(Refusal::Invalid(format!("'{p}' is geen (of een dubbel) pseudoniem van een geldig plan.")).into());
        }
    }
    if !seen.contains(&a) || !seen.contains(&b) {
        return Err(AppError::Invalid(format!("Geef de volgorde van ten minste {} en {}.", plan_label(&a), plan_label(&b))));
    }
    result.outcome = compute(&m, &result.plans, order)?;
    let e = s.evaluation.clone().ok_or(AppError::Internal)?;
    let mut am = e.into_active_model();
    am.lot = Set(Some(serde_json::to_string(order).map_err(|_| AppError::Internal)?));
    am.result = Set(Some(serde_json::to_string(&result).map_err(|_| AppError::Internal)?));
    am.update(op.txn()).await?;
    op.record(Event::LotRecorded {
        subject: Subject::Evaluation(op.tender_id()),
        volgorde: order.to_vec(),
        rangorde: result
            .outcome
            .ranking
            .iter()
            .map(|r| RankLine { plaats: r.rank.to_string(), pseudoniem: r.label.clone(), totaal: None })
            .collect(),
    })
    .await?;
    Ok(result)
}

/// Whether envelope 3 (the prices) may be read: only after the consensus lock.
pub async fn prices_open<C: ConnectionTrait>(c: &C, tender: TenderId) -> Result<bool, DbErr> {
    Ok(evaluations::Entity::find()
        .filter(evaluations::Column::TenderId.eq(tender))
        .one(c)
        .await?
        .is_some_and(|e| e.consensus_locked_at.is_some()))
}
