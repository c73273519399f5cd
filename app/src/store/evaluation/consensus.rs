//! The consensus: the chair opens it once every sheet is locked, records one
//! agreed score per cell (outside the individual range only with a
//! justification), and locks it; the lock resolves the pseudonyms, opens
//! envelope 3 and ranks by the published method.

use super::super::column::Coded;
use super::super::entities::*;
use super::super::event::{Assignment, Event, PriceLine, RankLine, ScoreLine, SheetLine, Subject};
use super::super::op::Op;
use super::result::compute;
use super::sheets::{sheet_hash, sheet_lines};
use super::{snapshot, EvalResult, Member, ResultPlan, Snapshot};
use crate::domain::evaluation::panel::may_chair;
use crate::domain::evaluation::scores::check_scorable;
use crate::domain::evaluation::{self as rules, plan_label};
use crate::domain::refusal::text_up_to;
use crate::domain::scoring::{self, PriceMethod};
use crate::domain::status::{PartKind, PlanStatus};
use crate::domain::values::{Level, Pseudonym};
use crate::error::AppError;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};

/// The caller, if they chair the panel and may work.
fn chair_of<'s>(s: &'s Snapshot, op: &Op) -> Result<&'s Member, AppError> {
    let user = op.user()?;
    let m = s.member(user.id);
    may_chair(m.map(Member::rules).as_ref())?;
    m.ok_or(AppError::Internal)
}

/// The chair opens the consensus once every sheet is locked.
pub async fn open_consensus(op: &mut Op) -> Result<(), AppError> {
    let s = snapshot(op.txn(), op.tender_id()).await?;
    chair_of(&s, op)?;
    if s.consensus_opened() {
        return Err(AppError::Conflict("Het consensusoverleg is al geopend.".into()));
    }
    if let Some(b) = s.consensus_blocker() {
        return Err(AppError::Conflict(format!("Het consensusoverleg kan nog niet beginnen. {b}")));
    }
    let e = s.evaluation.clone().ok_or_else(|| AppError::Conflict("De inschrijvingen zijn nog niet geopend.".into()))?;
    let mut a = e.into_active_model();
    a.consensus_opened_at = Set(Some(op.when()));
    a.update(op.txn()).await?;
    op.record(Event::ConsensusOpened {
        subject: Subject::Evaluation(op.tender_id()),
        beoordelaars: s.active().map(|m| m.user.pseudonym.clone()).collect(),
    })
    .await?;
    Ok(())
}

/// The chair records the consensus score on one cell. A score outside the
/// individual range needs a justification.
pub async fn save_consensus(
    op: &mut Op,
    pseudonym: &Pseudonym,
    criterion: &str,
    level: Level,
    motivation: &str,
    justification: &str,
) -> Result<(), AppError> {
    let m = super::super::award::required_method(op.tender())?;
    let s = snapshot(op.txn(), op.tender_id()).await?;
    let me = chair_of(&s, op)?;
    if !s.consensus_opened() {
        return Err(AppError::Conflict("Het consensusoverleg is nog niet geopend.".into()));
    }
    if s.consensus_locked() {
        return Err(AppError::Conflict("De consensus is vastgesteld en verandert niet meer.".into()));
    }
    let p = s.plan_of(pseudonym)?;
    let c = check_scorable(&m, pseudonym.as_str(), *p.status, s.open_flag(p.id), criterion, level.get(), motivation)?;
    let justification = text_up_to(justification, 2000, "De toelichting")?;
    scoring::check_consensus(&c.scale, &s.individual(pseudonym.as_str(), criterion), level.get(), motivation, &justification)?;
    let existing = s.consensus.iter().find(|x| x.plan_id == p.id && x.criterion == criterion);
    match existing {
        Some(x) => {
            let mut a = x.clone().into_active_model();
            a.level = Set(level.get() as i32);
            a.motivation = Set(motivation.trim().into());
            a.justification = Set(Some(justification.clone()).filter(|j| !j.is_empty()));
            a.recorded_at = Set(op.when());
            a.recorded_by = Set(me.user.display_name.clone());
            a.update(op.txn()).await?;
        }
        None => {
            consensus_scores::ActiveModel {
                tender_id: Set(op.tender_id()),
                plan_id: Set(p.id),
                criterion: Set(criterion.into()),
                level: Set(level.get() as i32),
                motivation: Set(motivation.trim().into()),
                justification: Set(Some(justification.clone()).filter(|j| !j.is_empty())),
                recorded_at: Set(op.when()),
                recorded_by: Set(me.user.display_name.clone()),
                ..Default::default()
            }
            .insert(op.txn())
            .await?;
        }
    }
    op.record(Event::ConsensusSaved {
        subject: Subject::Plan(pseudonym.clone()),
        criterium: criterion.into(),
        niveau: level.to_string(),
        motivering: motivation.trim().into(),
        toelichting: justification,
    })
    .await?;
    Ok(())
}

/// Locks the consensus: resolves the pseudonyms (revealing the committed
/// assignment), opens envelope 3 (the prices) and computes totals and the
/// ranking by the published method, in one operation with three events.
pub async fn lock_consensus(op: &mut Op) -> Result<EvalResult, AppError> {
    let m = super::super::award::required_method(op.tender())?;
    let tender = op.tender_id();
    let s = snapshot(op.txn(), tender).await?;
    let me = chair_of(&s, op)?.clone();
    if !s.consensus_opened() {
        return Err(AppError::Conflict("Het consensusoverleg is nog niet geopend.".into()));
    }
    if s.consensus_locked() {
        return Err(AppError::Conflict("De consensus is al vastgesteld.".into()));
    }
    if let Some(f) = s.first_open_flag() {
        return Err(AppError::Conflict(format!(
            "Over {} ligt nog een melding bij de inkoper; vaststellen kan na diens besluit.",
            plan_label(&s.pseudonym_of(f.plan_id))
        )));
    }
    let plans = s.valid_pseudonyms();
    let cons = s.consensus_map();
    let missing = rules::missing(&m.leaves(), &plans, &cons);
    if !missing.is_empty() {
        return Err(AppError::Conflict(format!("De consensus is nog niet compleet. {}", missing.join(" "))));
    }
    let e = s.evaluation.clone().ok_or(AppError::Internal)?;
    let defs = super::super::bids::part_defs(op.txn(), tender).await?;
    let competes_on_price = !matches!(m.price, PriceMethod::QualityOnly { .. });
    let mut result_plans = vec![];
    for p in &s.plans {
        let b = bids::Entity::find_by_id(p.bid_id).one(op.txn()).await?.ok_or(AppError::Internal)?;
        let org = super::super::organisations::by_id(op.txn(), b.organisation_id).await?.ok_or(AppError::Internal)?;
        let price = if competes_on_price {
            let parts = super::super::bids::parts_of(op.txn(), b.id).await?;
            defs.iter()
                .find(|d| d.kind == Coded(PartKind::Prijs))
                .and_then(|d| parts.iter().find(|x| x.part_def_id == d.id))
                .and_then(|x| x.form_text.as_deref())
                .and_then(super::super::bids::price_of)
                .map(|m| m.cents())
        } else {
            None
        };
        let levels = cons
            .iter()
            .filter(|((plan, _), _)| plan == p.pseudonym.as_str())
            .map(|((_, c), (l, _))| (c.clone(), *l))
            .collect();
        result_plans.push(ResultPlan {
            pseudonym: p.pseudonym.to_string(),
            bid_id: b.id,
            organisation_id: org.id,
            organisation: org.name,
            kvk: org.kvk.to_string(),
            valid: p.status == PlanStatus::TeBeoordelen,
            note: p.status_note.clone(),
            price,
            levels,
        });
    }
    if competes_on_price {
        if let Some(p) = result_plans.iter().find(|p| p.valid && p.price.is_none()) {
            return Err(AppError::Conflict(format!("{} heeft geen prijs in envelop 3.", plan_label(&p.pseudonym))));
        }
    }
    let outcome = compute(&m, &result_plans, &[])?;
    let result = EvalResult { plans: result_plans, outcome };
    let mut a = e.clone().into_active_model();
    a.consensus_locked_at = Set(Some(op.when()));
    a.locked_by = Set(Some(me.user.display_name.clone()));
    a.result = Set(Some(serde_json::to_string(&result).map_err(|_| AppError::Internal)?));
    a.update(op.txn()).await?;
    let sheets = s
        .active()
        .map(|mm| {
            let scores = sheet_lines(&s, mm);
            SheetLine { beoordelaar: mm.user.pseudonym.clone(), scoreformulier_sha256: sheet_hash(&scores), scores }
        })
        .collect();
    op.record(Event::ConsensusLocked {
        subject: Subject::Evaluation(tender),
        consensus: cons
            .iter()
            .map(|((p, c), (l, mot))| ScoreLine { plan: p.clone(), criterium: c.clone(), niveau: l.to_string(), motivering: mot.clone() })
            .collect(),
        scoreformulieren: sheets,
    })
    .await?;
    let defs = super::super::bids::part_defs(op.txn(), tender).await?;
    let mut plan_parts = vec![];
    for p in &result.plans {
        for part in super::super::bids::parts_of(op.txn(), p.bid_id).await? {
            if let Some(d) = defs.iter().find(|d| d.id == part.part_def_id && d.envelope == 2) {
                plan_parts.push(crate::store::event::PlanPartLine {
                    inschrijving: p.bid_id.to_string(),
                    onderdeel: d.name.clone(),
                    grootte: part.size.to_string(),
                    sha256: part.sha256.clone(),
                });
            }
        }
    }
    op.record(Event::PseudonymsResolved {
        subject: Subject::Evaluation(tender),
        kwaliteitsplannen: plan_parts,
        zout: e.pseudonym_salt,
        commitment: e.pseudonym_commitment,
        toewijzing: result
            .plans
            .iter()
            .map(|p| Assignment { pseudoniem: p.pseudonym.clone(), inschrijving: p.bid_id.to_string(), organisatie: p.organisation.clone() })
            .collect(),
    })
    .await?;
    op.record(Event::PricesOpened {
        subject: Subject::Evaluation(tender),
        envelop: "3".into(),
        prijzen: result
            .plans
            .iter()
            .filter(|p| p.price.is_some())
            .map(|p| PriceLine { pseudoniem: p.pseudonym.clone(), prijs_cent: p.price.map(|c| c.to_string()) })
            .collect(),
        rangorde: result
            .outcome
            .ranking
            .iter()
            .map(|r| RankLine { plaats: r.rank.to_string(), pseudoniem: r.label.clone(), totaal: Some(format!("{:.2}", r.total)) })
            .collect(),
        onbesliste_gelijke_stand: result.outcome.unresolved_tie.clone(),
    })
    .await?;
    Ok(result)
}
