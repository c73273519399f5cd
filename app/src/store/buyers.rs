//! The gemeenten of a tender: withdrawal (until signing), signing, and the
//! published share rule with schools and keys per gemeente. Every change is
//! one transaction with its audit event; when the last gemeente withdraws,
//! the tender is cancelled in the same transaction.

use super::audit::{self, Actor, NewEvent};
use super::entities::{tender_buyers, tenders};
use super::{messages, WriteTx};
use crate::domain::access::Phase;
use crate::domain::participation::{self as rules, Buyer, ShareRule};
use crate::domain::tender::Participation;
use crate::error::AppError;
use crate::state::Clock;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use serde_json::json;

pub async fn list<C: ConnectionTrait>(c: &C, tender: i32) -> Result<Vec<tender_buyers::Model>, DbErr> {
    tender_buyers::Entity::find()
        .filter(tender_buyers::Column::TenderId.eq(tender))
        .order_by_asc(tender_buyers::Column::Id)
        .all(c)
        .await
}

pub fn rule_of(t: &tenders::Model) -> ShareRule {
    if t.share_rule == "sleutel" {
        ShareRule::ByKey
    } else {
        ShareRule::BySchools
    }
}

fn as_buyer(b: &tender_buyers::Model) -> Buyer {
    Buyer {
        name: b.name.clone(),
        status: Participation::parse(&b.status).unwrap_or(Participation::Deelnemend),
        schools: b.schools.max(0) as u32,
        key: b.share_key as f64,
    }
}

pub fn as_domain(rows: &[tender_buyers::Model]) -> Vec<Buyer> {
    rows.iter().map(as_buyer).collect()
}

async fn one<C: ConnectionTrait>(c: &C, tender: i32, slug: &str) -> Result<tender_buyers::Model, AppError> {
    tender_buyers::Entity::find()
        .filter(tender_buyers::Column::TenderId.eq(tender))
        .filter(tender_buyers::Column::Slug.eq(slug))
        .one(c)
        .await?
        .ok_or_else(|| AppError::NotFound("Deze gemeente is geen aanbestedende dienst van deze aanbesteding.".into()))
}

/// Withdraws a gemeente; returns true when it was the last one and the
/// tender is therefore cancelled.
#[allow(clippy::too_many_arguments)]
pub async fn withdraw(
    tx: &WriteTx,
    clock: &Clock,
    tender: i32,
    by: Actor,
    recorded_by: &str,
    slug: &str,
    reason: &str,
    decision: &str,
) -> Result<bool, AppError> {
    let now = clock.now();
    let row = one(&tx.txn, tender, slug).await?;
    let status = rules::withdraw(&as_buyer(&row), reason, decision).map_err(|e| {
        if row.status == Participation::Deelnemend.code() {
            AppError::Invalid(e)
        } else {
            AppError::Conflict(e)
        }
    })?;
    let mut m = row.clone().into_active_model();
    m.status = Set(status.code().into());
    m.status_since = Set(now);
    m.status_reason = Set(Some(reason.trim().into()));
    m.decision_ref = Set(Some(decision.trim().into()));
    m.status_by = Set(Some(recorded_by.into()));
    m.update(&tx.txn).await?;
    audit::append(tx, now, NewEvent {
        tender: Some(tender),
        actor: by.clone(),
        action: "gemeente.withdrawn",
        subject: format!("gemeente:{slug}"),
        payload: json!({ "reden": reason.trim(), "besluit": decision.trim(), "vastgelegd_door": recorded_by }),
    })
    .await?;
    let all = list(&tx.txn, tender).await?;
    complete_signing(tx, clock, tender, &all).await?;
    if rules::all_withdrawn(&as_domain(&all)) {
        let t = super::procedure::reload(&tx.txn, tender).await?;
        if !matches!(super::tenders::phase(&t), Phase::Ingetrokken) {
            super::procedure::transition(tx, clock, tender, Actor::system(), Phase::Ingetrokken, "Alle gemeenten hebben zich teruggetrokken.")
                .await?;
            if t.published_at.is_some() {
                messages::to_all_bidders(
                    &tx.txn,
                    now,
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
async fn complete_signing(tx: &WriteTx, clock: &Clock, tender: i32, all: &[tender_buyers::Model]) -> Result<(), AppError> {
    let t = super::procedure::reload(&tx.txn, tender).await?;
    let signed = all.iter().filter(|b| b.status == Participation::Ondertekend.code()).count();
    let open = all.iter().filter(|b| b.status == Participation::Deelnemend.code()).count();
    if super::tenders::phase(&t) == Phase::Gegund && signed > 0 && open == 0 {
        super::procedure::transition(tx, clock, tender, Actor::system(), Phase::Ondertekend, "").await?;
    }
    Ok(())
}

/// Records a gemeente's signature. `procedure` is the procedure's own verdict
/// (standstill over, not suspended).
#[allow(clippy::too_many_arguments)]
pub async fn sign(
    tx: &WriteTx,
    clock: &Clock,
    now: DateTime<Utc>,
    tender: i32,
    by: Actor,
    recorded_by: &str,
    slug: &str,
    decision: &str,
    procedure: Result<(), String>,
) -> Result<(), AppError> {
    let row = one(&tx.txn, tender, slug).await?;
    let status = rules::sign(&as_buyer(&row), procedure).map_err(AppError::Conflict)?;
    let mut m = row.into_active_model();
    m.status = Set(status.code().into());
    m.status_since = Set(now);
    m.decision_ref = Set(Some(decision.trim().into()).filter(|d: &String| !d.is_empty()));
    m.status_by = Set(Some(recorded_by.into()));
    m.update(&tx.txn).await?;
    audit::append(tx, now, NewEvent {
        tender: Some(tender),
        actor: by,
        action: "gemeente.signed",
        subject: format!("gemeente:{slug}"),
        payload: json!({ "besluit": decision.trim(), "vastgelegd_door": recorded_by }),
    })
    .await?;
    complete_signing(tx, clock, tender, &list(&tx.txn, tender).await?).await?;
    Ok(())
}

/// Sets the share rule, the budget and each gemeente's schools and key.
pub async fn set_shares(
    tx: &WriteTx,
    now: DateTime<Utc>,
    t: &tenders::Model,
    by: Actor,
    rule: ShareRule,
    budget: Option<i64>,
    per: &[(String, i32, i64)],
) -> Result<(), AppError> {
    if t.published_at.is_some() {
        return Err(AppError::Conflict("De verdeelsleutel ligt vast sinds de publicatie.".into()));
    }
    let mut a = t.clone().into_active_model();
    a.share_rule = Set(if rule == ShareRule::ByKey { "sleutel" } else { "scholen" }.into());
    a.budget_cents = Set(budget);
    a.update(&tx.txn).await?;
    for (slug, schools, key) in per {
        if *schools < 0 || *key < 0 {
            return Err(AppError::Invalid("Aantallen en sleutels zijn 0 of meer.".into()));
        }
        let mut m = one(&tx.txn, t.id, slug).await?.into_active_model();
        m.schools = Set(*schools);
        m.share_key = Set(*key);
        m.update(&tx.txn).await?;
    }
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by,
        action: "tender.shares_set",
        subject: format!("tender:{}", t.id),
        payload: json!({
            "regel": if rule == ShareRule::ByKey { "sleutel" } else { "scholen" },
            "budget_cent": budget.map(|b| b.to_string()),
            "per_gemeente": per.iter().map(|(s, n, k)| json!({ "gemeente": s, "scholen": n.to_string(), "sleutel": k.to_string() })).collect::<Vec<_>>(),
        }),
    })
    .await?;
    Ok(())
}
