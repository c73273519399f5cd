//! The contract after the award: its term with the decisions on the extension
//! options (in order, before each option's deadline), and the procedure's
//! settings for the standstill and the notice period (set before publication).

use super::audit::{self, Actor, NewEvent};
use super::entities::{contract_options, tenders};
use super::WriteTx;
use crate::domain::access::Phase;
use crate::domain::calendar::{show_date, ContractTerm, OptionStatus};
use crate::error::AppError;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use serde_json::json;

pub async fn decisions<C: ConnectionTrait>(c: &C, tender: i32) -> Result<Vec<contract_options::Model>, DbErr> {
    contract_options::Entity::find()
        .filter(contract_options::Column::TenderId.eq(tender))
        .order_by_asc(contract_options::Column::Number)
        .all(c)
        .await
}

/// The contract term with the decisions taken so far.
pub async fn term<C: ConnectionTrait>(c: &C, t: &tenders::Model) -> Result<ContractTerm, DbErr> {
    let mut term = super::tenders::contract_term(t);
    term.decisions = decisions(c, t.id)
        .await?
        .iter()
        .map(|d| if d.decision == "uitgeoefend" { OptionStatus::Uitgeoefend } else { OptionStatus::NietUitgeoefend })
        .collect();
    Ok(term)
}

/// "Today" of a tender in Amsterdam (its simulated clock in training mode).
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&chrono_tz::Europe::Amsterdam).date_naive()
}

/// Exercises or declines the next extension option.
#[allow(clippy::too_many_arguments)]
pub async fn decide_option(
    tx: &WriteTx,
    now: DateTime<Utc>,
    tender_now: DateTime<Utc>,
    t: &tenders::Model,
    by: Actor,
    by_name: &str,
    number: usize,
    exercise: bool,
    reference: &str,
    note: &str,
) -> Result<ContractTerm, AppError> {
    if !matches!(super::tenders::phase(t), Phase::Ondertekend | Phase::Contract) {
        return Err(AppError::Conflict("Over opties wordt beslist als de overeenkomst is ondertekend.".into()));
    }
    let reference = super::required_text(reference, 200, "Het kenmerk van het besluit over de optie")?;
    let note = super::text_up_to(note, 4000, "De toelichting")?;
    let mut term = term(&tx.txn, t).await?;
    let day = today(tender_now);
    let status = term.decide(number, exercise, day).map_err(AppError::Conflict)?;
    let view = term.options(day).into_iter().nth(number - 1).ok_or(AppError::Internal)?;
    contract_options::ActiveModel {
        tender_id: Set(t.id),
        number: Set(number as i32),
        decision: Set(if exercise { "uitgeoefend" } else { "niet_uitgeoefend" }.into()),
        decided_at: Set(tender_now),
        decided_by: Set(by_name.into()),
        decision_ref: Set(reference.clone()),
        note: Set(note.clone()),
        ..Default::default()
    }
    .insert(&tx.txn)
    .await?;
    term.decisions.push(status);
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by,
        action: if exercise { "contract.option_exercised" } else { "contract.option_declined" },
        subject: format!("contract:{}", t.id),
        payload: json!({
            "optie": number.to_string(),
            "verlenging": format!("{} t/m {}", show_date(view.extends_from), show_date(view.extends_to)),
            "beslistermijn": view.decision_deadline.to_string(),
            "besluit": reference,
            "toelichting": note,
            "nieuwe_einddatum": term.current_end().to_string(),
        }),
    })
    .await?;
    Ok(term)
}

/// The procedure's settings: standstill length, whether a weekend end moves
/// to Monday, and the notice period for options. Before publication only:
/// they are part of the published documents.
pub async fn set_terms(
    tx: &WriteTx,
    now: DateTime<Utc>,
    t: &tenders::Model,
    by: Actor,
    standstill_days: i32,
    weekend: bool,
    notice_months: i32,
) -> Result<(), AppError> {
    if t.published_at.is_some() || super::tenders::phase(t) != Phase::Concept {
        return Err(AppError::Conflict("Deze termijnen liggen vast sinds de publicatie.".into()));
    }
    if !(20..=60).contains(&standstill_days) {
        return Err(AppError::Invalid("De standstilltermijn is ten minste 20 en hoogstens 60 kalenderdagen.".into()));
    }
    if !(1..=24).contains(&notice_months) {
        return Err(AppError::Invalid("De opzegtermijn voor opties is 1 tot 24 maanden.".into()));
    }
    let mut a = t.clone().into_active_model();
    a.standstill_days = Set(standstill_days);
    a.standstill_weekend = Set(weekend);
    a.notice_months = Set(notice_months);
    a.update(&tx.txn).await?;
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by,
        action: "tender.terms_set",
        subject: format!("tender:{}", t.id),
        payload: json!({
            "standstill_dagen": standstill_days.to_string(),
            "weekend_verschuift": weekend,
            "beslistermijn_opties_maanden": notice_months.to_string(),
        }),
    })
    .await?;
    Ok(())
}
