//! The gemeenten of a tender: withdrawal (until signing), signing, and the
//! published share rule with schools and keys per gemeente. Every change is
//! one transaction with its audit event; when the last gemeente withdraws,
//! the tender is cancelled in the same transaction.

use super::column::Coded;
use super::entities::{tender_buyers, tenders};
use super::event::{Event, ShareLine, Subject};
use super::messages;
use super::op::{Actor, Op};
use crate::domain::access::Phase;
use crate::domain::money::Money;
use crate::domain::participation::{self as rules, Buyer, ShareRule};
use crate::domain::refusal::Ruling;
use crate::domain::tender::Participation;
use crate::error::AppError;
use crate::ids::TenderId;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};

pub async fn list<C: ConnectionTrait>(c: &C, tender: TenderId) -> Result<Vec<tender_buyers::Model>, DbErr> {
    tender_buyers::Entity::find()
        .filter(tender_buyers::Column::TenderId.eq(tender))
        .order_by_asc(tender_buyers::Column::Id)
        .all(c)
        .await
}

pub fn rule_of(t: &tenders::Model) -> ShareRule {
    *t.share_rule
}

fn as_buyer(b: &tender_buyers::Model) -> Buyer {
    Buyer {
        name: b.name.clone(),
        status: *b.status,
        schools: b.schools.max(0) as u32,
        key: b.share_key as f64,
    }
}

pub fn as_domain(rows: &[tender_buyers::Model]) -> Vec<Buyer> {
    rows.iter().map(as_buyer).collect()
}

async fn one<C: ConnectionTrait>(c: &C, tender: TenderId, slug: &str) -> Result<tender_buyers::Model, AppError> {
    tender_buyers::Entity::find()
        .filter(tender_buyers::Column::TenderId.eq(tender))
        .filter(tender_buyers::Column::Slug.eq(slug))
        .one(c)
        .await?
        .ok_or_else(|| AppError::NotFound("Deze gemeente is geen aanbestedende dienst van deze aanbesteding.".into()))
}

/// Withdraws a gemeente; returns true when it was the last one and the
/// tender is therefore cancelled (by the system, in the same operation).
pub async fn withdraw(op: &mut Op, recorded_by: &str, slug: &str, reason: &str, decision: &str) -> Result<bool, AppError> {
    let tender = op.tender_id();
    // On the tender's own clock, like a signature (a training tender's simulated one).
    let now = op.tender_now();
    let row = one(op.txn(), tender, slug).await?;
    let status = rules::withdraw(&as_buyer(&row), reason, decision)?;
    let mut m = row.clone().into_active_model();
    m.status = Set(Coded(status));
    m.status_since = Set(now);
    m.status_reason = Set(Some(reason.trim().into()));
    m.decision_ref = Set(Some(decision.trim().into()));
    m.status_by = Set(Some(recorded_by.into()));
    m.update(op.txn()).await?;
    op.record(Event::GemeenteWithdrawn {
        subject: Subject::Gemeente(slug.into()),
        reden: reason.trim().into(),
        besluit: decision.trim().into(),
        vastgelegd_door: recorded_by.into(),
    })
    .await?;
    let all = list(op.txn(), tender).await?;
    complete_signing(op, &all).await?;
    if rules::all_withdrawn(&as_domain(&all)) {
        let t = op.reload_tender().await?.clone();
        if *t.phase != Phase::Ingetrokken {
            op.act_as(Actor::system());
            super::procedure::transition(op, Phase::Ingetrokken, "Alle gemeenten hebben zich teruggetrokken.").await?;
            if t.published_at.is_some() {
                messages::to_all_bidders(
                    op,
                    tender,
                    "Aanbesteding ingetrokken",
                    "Alle deelnemende gemeenten hebben zich teruggetrokken. De aanbesteding is daarom ingetrokken.",
                    Some(&format!("/aanbesteding/{tender}")),
                )
                .await?;
            }
        }
        return Ok(true);
    }
    Ok(false)
}

/// When the award is final and every gemeente that still takes part has
/// signed (at least one), the agreement is signed: the tender moves on.
async fn complete_signing(op: &mut Op, all: &[tender_buyers::Model]) -> Result<(), AppError> {
    let t = op.reload_tender().await?.clone();
    let signed = all.iter().filter(|b| b.status == Participation::Ondertekend).count();
    let open = all.iter().filter(|b| b.status == Participation::Deelnemend).count();
    if *t.phase == Phase::Gegund && signed > 0 && open == 0 {
        let caller = op.actor().clone();
        op.act_as(Actor::system());
        super::procedure::transition(op, Phase::Ondertekend, "").await?;
        op.act_as(caller);
    }
    Ok(())
}

/// Records a gemeente's signature. `procedure` is the procedure's own verdict
/// (standstill over, not suspended).
pub async fn sign(op: &mut Op, recorded_by: &str, slug: &str, decision: &str, procedure: Ruling) -> Result<(), AppError> {
    let tender = op.tender_id();
    let row = one(op.txn(), tender, slug).await?;
    let status = rules::sign(&as_buyer(&row), procedure)?;
    let mut m = row.into_active_model();
    m.status = Set(Coded(status));
    m.status_since = Set(op.tender_now());
    m.decision_ref = Set(Some(decision.trim().into()).filter(|d: &String| !d.is_empty()));
    m.status_by = Set(Some(recorded_by.into()));
    m.update(op.txn()).await?;
    op.record(Event::GemeenteSigned { subject: Subject::Gemeente(slug.into()), besluit: decision.trim().into(), vastgelegd_door: recorded_by.into() })
        .await?;
    let all = list(op.txn(), tender).await?;
    complete_signing(op, &all).await?;
    Ok(())
}

/// Sets the share rule, the budget and each gemeente's schools and key.
pub async fn set_shares(op: &mut Op, rule: ShareRule, budget: Option<Money>, per: &[(String, i32, i64)]) -> Result<(), AppError> {
    let t = op.tender().clone();
    if t.published_at.is_some() {
        return Err(AppError::Conflict("De verdeelsleutel ligt vast sinds de publicatie.".into()));
    }
    let mut a = t.clone().into_active_model();
    a.share_rule = Set(Coded(rule));
    a.budget_cents = Set(budget.map(Money::cents));
    let t2 = a.update(op.txn()).await?;
    op.set_tender(t2);
    for (slug, schools, key) in per {
        if *schools < 0 || *key < 0 {
            return Err(AppError::Invalid("Aantallen en sleutels zijn 0 of meer.".into()));
        }
        let mut m = one(op.txn(), t.id, slug).await?.into_active_model();
        m.schools = Set(*schools);
        m.share_key = Set(*key);
        m.update(op.txn()).await?;
    }
    op.record(Event::SharesSet {
        subject: Subject::Tender(t.id),
        regel: rule.code().into(),
        budget_cent: budget.map(|b| b.cents().to_string()),
        per_gemeente: per
            .iter()
            .map(|(s, n, k)| ShareLine { gemeente: s.clone(), scholen: n.to_string(), sleutel: k.to_string() })
            .collect(),
    })
    .await?;
    Ok(())
}
