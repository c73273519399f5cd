//! The individual score sheets: each evaluator scores alone, cell by cell,
//! and locks the sheet when it is complete; it never changes after that.

use super::super::entities::*;
use super::super::event::{Event, ScoreLine, Subject};
use super::super::op::Op;
use super::{snapshot, Member, Snapshot};
use crate::domain::digest::sha256_hex;
use crate::domain::evaluation::scores::check_scorable;
use crate::domain::evaluation::{self as rules, panel::may_work, plan_label};
use crate::domain::values::{Level, Pseudonym};
use crate::error::AppError;
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};

/// The caller's place on the panel, if they may work now.
pub(super) fn working<'s>(s: &'s Snapshot, op: &Op) -> Result<&'s Member, AppError> {
    let user = op.user()?;
    let m = s.member(user.id);
    may_work(m.map(Member::rules).as_ref())?;
    m.ok_or(AppError::Internal)
}

/// Saves (or changes) one score on the caller's own sheet until it is locked.
pub async fn save_score(op: &mut Op, pseudonym: &Pseudonym, criterion: &str, level: Level, motivation: &str) -> Result<(), AppError> {
    let m = super::super::award::required_method(op.tender())?;
    let s = snapshot(op.txn(), op.tender_id()).await?;
    let me = working(&s, op)?;
    if me.locked() {
        return Err(AppError::Conflict("U heeft uw scoreformulier vergrendeld; scores veranderen niet meer.".into()));
    }
    let p = s.plan_of(pseudonym)?;
    check_scorable(&m, pseudonym.as_str(), *p.status, s.open_flag(p.id), criterion, level.get(), motivation)?;
    let existing = s.scores.iter().find(|x| x.evaluator_id == me.ev.id && x.plan_id == p.id && x.criterion == criterion);
    match existing {
        Some(x) => {
            let mut a = x.clone().into_active_model();
            a.level = Set(level.get() as i32);
            a.motivation = Set(motivation.trim().into());
            a.updated_at = Set(op.when());
            a.update(op.txn()).await?;
        }
        None => {
            eval_scores::ActiveModel {
                evaluator_id: Set(me.ev.id),
                plan_id: Set(p.id),
                criterion: Set(criterion.into()),
                level: Set(level.get() as i32),
                motivation: Set(motivation.trim().into()),
                updated_at: Set(op.when()),
                ..Default::default()
            }
            .insert(op.txn())
            .await?;
        }
    }
    // The level itself stays out of the trail until the consensus is locked.
    let (subject, criterium) = (Subject::Plan(pseudonym.clone()), criterion.to_string());
    op.record(if existing.is_some() { Event::ScoreChanged { subject, criterium } } else { Event::ScoreSaved { subject, criterium } })
        .await?;
    Ok(())
}

/// One member's sheet as the consensus lock records it.
pub(super) fn sheet_lines(s: &Snapshot, m: &Member) -> Vec<ScoreLine> {
    s.sheet(m.ev.id)
        .into_iter()
        .map(|((plan, criterium), (l, motivering))| ScoreLine { plan, criterium, niveau: l.to_string(), motivering })
        .collect()
}

/// The hash of a sheet: SHA-256 of its RFC 8785 JSON.
pub(super) fn sheet_hash(lines: &[ScoreLine]) -> String {
    sha256_hex(serde_jcs::to_string(lines).expect("sheet serialises").as_bytes())
}

/// Locks the caller's sheet: complete (every valid plan on every criterion,
/// with motivations), after which it never changes. The event records the
/// sheet's hash; the sheet itself follows at the consensus lock.
pub async fn lock_sheet(op: &mut Op) -> Result<(), AppError> {
    let m = super::super::award::required_method(op.tender())?;
    let s = snapshot(op.txn(), op.tender_id()).await?;
    let me = working(&s, op)?.clone();
    if me.locked() {
        return Err(AppError::Conflict("Uw scoreformulier is al vergrendeld.".into()));
    }
    if let Some(f) = s.first_open_flag() {
        return Err(AppError::Conflict(format!(
            "Over {} ligt nog een melding bij de inkoper; vergrendelen kan na diens besluit.",
            plan_label(&s.pseudonym_of(f.plan_id))
        )));
    }
    let plans = s.valid_pseudonyms();
    if plans.is_empty() {
        return Err(AppError::Conflict("Er is geen geldig plan om te beoordelen.".into()));
    }
    let missing = rules::missing(&m.leaves(), &plans, &s.sheet(me.ev.id));
    if !missing.is_empty() {
        return Err(AppError::Conflict(format!("Uw scoreformulier is nog niet compleet. {}", missing.join(" "))));
    }
    let mut a = me.ev.clone().into_active_model();
    a.sheet_locked_at = Set(Some(op.when()));
    a.update(op.txn()).await?;
    op.record(Event::SheetLocked { subject: me.subject(), scoreformulier_sha256: sheet_hash(&sheet_lines(&s, &me)), plannen: plans }).await?;
    Ok(())
}
