//! The contract after the award: its term with the decisions on the extension
//! options (in order, before each option's deadline), and the procedure's
//! settings for the standstill and the notice period (set before publication).

use super::column::Coded;
use super::entities::{contract_options, tenders};
use super::event::{Event, Subject};
use super::op::Op;
use crate::domain::access::Phase;
use crate::domain::calendar::{show_date, ContractTerm, OptionStatus};
use crate::domain::refusal::{required_text, text_up_to};
use crate::domain::status::OptionDecision;
use crate::error::AppError;
use crate::ids::TenderId;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};

pub async fn decisions<C: ConnectionTrait>(c: &C, tender: TenderId) -> Result<Vec<contract_options::Model>, DbErr> {
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
        .map(|d| match *d.decision {
            OptionDecision::Uitgeoefend => OptionStatus::Uitgeoefend,
            OptionDecision::NietUitgeoefend => OptionStatus::NietUitgeoefend,
        })
        .collect();
    Ok(term)
}

/// "Today" of a tender in Amsterdam (its simulated clock in training mode).
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&chrono_tz::Europe::Amsterdam).date_naive()
}

/// Exercises or declines the next extension option.
pub async fn decide_option(
    op: &mut Op,
    by_name: &str,
    number: usize,
    exercise: bool,
    reference: &str,
    note: &str,
) -> Result<ContractTerm, AppError> {
    let t = op.tender().clone();
    let tender_now = op.tender_now();
    if !matches!(*t.phase, Phase::Ondertekend | Phase::Contract) {
        return Err(AppError::Conflict("Over opties wordt beslist als de overeenkomst is ondertekend.".into()));
    }
    let reference = required_text(reference, 200, "Het kenmerk van het besluit over de optie")?;
    let note = text_up_to(note, 4000, "De toelichting")?;
    let mut term = term(op.txn(), &t).await?;
    let day = today(tender_now);
    let status = term.decide(number, exercise, day)?;
    let view = term.options(day).into_iter().nth(number - 1).ok_or(AppError::Internal)?;
    contract_options::ActiveModel {
        tender_id: Set(t.id),
        number: Set(number as i32),
        decision: Set(Coded(if exercise { OptionDecision::Uitgeoefend } else { OptionDecision::NietUitgeoefend })),
        decided_at: Set(tender_now),
        decided_by: Set(by_name.into()),
        decision_ref: Set(reference.clone()),
        note: Set(note.clone()),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    term.decisions.push(status);
    let (subject, optie, verlenging, beslistermijn, besluit, toelichting, nieuwe_einddatum) = (
        Subject::Contract(t.id),
        number.to_string(),
        format!("{} t/m {}", show_date(view.extends_from), show_date(view.extends_to)),
        view.decision_deadline.to_string(),
        reference,
        note,
        term.current_end().to_string(),
    );
    op.record(if exercise {
        Event::OptionExercised { subject, optie, verlenging, beslistermijn, besluit, toelichting, nieuwe_einddatum }
    } else {
        Event::OptionDeclined { subject, optie, verlenging, beslistermijn, besluit, toelichting, nieuwe_einddatum }
    })
    .await?;
    Ok(term)
}

/// The procedure's settings: standstill length, whether a weekend end moves
/// to Monday, and the notice period for options. Before publication only:
/// they are part of the published documents.
pub async fn set_terms(op: &mut Op, standstill_days: i32, weekend: bool, notice_months: i32) -> Result<(), AppError> {
    let t = op.tender().clone();
    if t.published_at.is_some() || *t.phase != Phase::Concept {
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
    let t2 = a.update(op.txn()).await?;
    op.set_tender(t2);
    op.record(Event::TermsSet {
        subject: Subject::Tender(t.id),
        standstill_dagen: standstill_days.to_string(),
        weekend_verschuift: weekend,
        beslistermijn_opties_maanden: notice_months.to_string(),
    })
    .await?;
    Ok(())
}
