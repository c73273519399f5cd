//! The evaluation of one tender, by room (as on the page): the panel and its
//! conflict-of-interest declarations ([`panel`]), the pseudonymised plans and
//! the reports that a plan identifies its bidder ([`plans`]), the individual
//! score sheets ([`sheets`]), the consensus ([`consensus`]) and the result by
//! the published method ([`result`]). This module reads the evaluation as one
//! [`Snapshot`] and turns it into what the rules look at.
//!
//! Scores stay out of the audit payloads until the consensus is locked (a
//! sheet's lock records its hash): the audit trail is readable by the
//! inkoper, who must not see an evaluator's scores before then.

pub mod consensus;
pub mod panel;
pub mod plans;
pub mod result;
pub mod sheets;

use super::column::Coded;
use super::entities::*;
use super::event::Subject;
use crate::domain::access::{Phase, Role};
use crate::domain::evaluation::panel::PanelMember;
use crate::domain::evaluation::visibility::{Looker, Stage};
use crate::domain::evaluation::plan_label;
use crate::domain::scoring::Outcome;
use crate::domain::status::{BidStatus, EvaluatorStatus, FlagDecision, PlanStatus};
use crate::domain::values::Pseudonym;
use crate::error::AppError;
use crate::ids::{BidId, EvaluatorId, OrganisationId, PlanId, TenderId, UserId};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One member of the panel with their account.
#[derive(Clone, Debug)]
pub struct Member {
    pub ev: evaluators::Model,
    pub user: users::Model,
}

impl Member {
    pub fn active(&self) -> bool {
        self.ev.status == EvaluatorStatus::Aangewezen
    }
    /// The member as the rules see them.
    pub fn rules(&self) -> PanelMember {
        PanelMember {
            name: self.user.display_name.clone(),
            status: *self.ev.status,
            chair: self.ev.chair,
            declared: self.ev.declaration_at.is_some(),
            check: *self.ev.check_status,
            locked: self.locked(),
        }
    }
    /// Signed the declaration and cleared by the inkoper: may see the plans.
    pub fn cleared(&self) -> bool {
        self.rules().cleared()
    }
    pub fn locked(&self) -> bool {
        self.ev.sheet_locked_at.is_some()
    }
    pub fn subject(&self) -> Subject {
        Subject::Evaluator(self.user.pseudonym.clone())
    }
}

/// A plan with its bid and organisation, known after the lock only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultPlan {
    pub pseudonym: String,
    pub bid_id: BidId,
    pub organisation_id: OrganisationId,
    pub organisation: String,
    pub kvk: String,
    pub valid: bool,
    pub note: Option<String>,
    /// The price of envelope 3 in cents, when the method competes on price.
    pub price: Option<i64>,
    /// Consensus level per scored criterion.
    pub levels: BTreeMap<String, u32>,
}

/// The result of the evaluation, computed when the consensus is locked (and
/// again when a lot is recorded).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvalResult {
    pub plans: Vec<ResultPlan>,
    /// Labels in the outcome are pseudonyms.
    pub outcome: Outcome,
}

impl EvalResult {
    pub fn plan(&self, pseudonym: &str) -> Option<&ResultPlan> {
        self.plans.iter().find(|p| p.pseudonym == pseudonym)
    }
    /// The winning plan, when the ranking is final.
    pub fn winner(&self) -> Option<&ResultPlan> {
        if self.outcome.unresolved_tie.is_some() {
            return None;
        }
        self.outcome.ranking.first().and_then(|r| self.plan(&r.label))
    }
    /// Why the ranking cannot yet lead to an award decision.
    pub fn problem(&self) -> Option<String> {
        if let Some((a, b)) = &self.outcome.unresolved_tie {
            return Some(format!(
                "{} en {} staan gelijk en de gepubliceerde beslisregels beslissen niet; leg eerst de uitkomst van de loting vast.",
                plan_label(a),
                plan_label(b)
            ));
        }
        if self.outcome.ranking.is_empty() {
            return Some("Er is geen geldige inschrijving om aan te gunnen.".into());
        }
        None
    }
}

/// Everything of the evaluation of one tender, read at one moment.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub evaluation: Option<evaluations::Model>,
    pub panel: Vec<Member>,
    pub plans: Vec<eval_plans::Model>,
    pub flags: Vec<eval_flags::Model>,
    pub scores: Vec<eval_scores::Model>,
    pub consensus: Vec<consensus_scores::Model>,
}

impl Snapshot {
    pub fn active(&self) -> impl Iterator<Item = &Member> {
        self.panel.iter().filter(|m| m.active())
    }
    pub fn member(&self, user: UserId) -> Option<&Member> {
        self.panel.iter().find(|m| m.user.id == user && m.active())
    }
    pub fn member_by_id(&self, id: EvaluatorId) -> Result<&Member, AppError> {
        self.panel.iter().find(|m| m.ev.id == id).ok_or_else(|| AppError::NotFound("Deze beoordelaar bestaat niet.".into()))
    }
    pub fn chair(&self) -> Option<&Member> {
        self.active().find(|m| m.ev.chair)
    }
    /// The active panel as the rules see it.
    pub fn panel_rules(&self) -> Vec<PanelMember> {
        self.active().map(Member::rules).collect()
    }
    pub fn consensus_opened(&self) -> bool {
        self.evaluation.as_ref().is_some_and(|e| e.consensus_opened_at.is_some())
    }
    pub fn consensus_locked(&self) -> bool {
        self.evaluation.as_ref().is_some_and(|e| e.consensus_locked_at.is_some())
    }
    pub fn result(&self) -> Option<EvalResult> {
        self.evaluation.as_ref().and_then(|e| e.result.as_deref()).and_then(|r| serde_json::from_str(r).ok())
    }
    pub fn plan(&self, pseudonym: &str) -> Option<&eval_plans::Model> {
        self.plans.iter().find(|p| p.pseudonym.as_str() == pseudonym)
    }
    /// The plan a pseudonym stands for, in this tender.
    pub fn plan_of(&self, pseudonym: &Pseudonym) -> Result<&eval_plans::Model, AppError> {
        self.plan(pseudonym.as_str()).ok_or_else(|| AppError::NotFound(format!("{} bestaat niet.", pseudonym.label())))
    }
    pub fn valid_plans(&self) -> Vec<&eval_plans::Model> {
        self.plans.iter().filter(|p| p.status == PlanStatus::TeBeoordelen).collect()
    }
    pub fn open_flag(&self, plan: PlanId) -> bool {
        self.flags.iter().any(|f| f.plan_id == plan && f.decision == FlagDecision::Open)
    }
    /// A report that still waits for the inkoper, if any.
    pub fn first_open_flag(&self) -> Option<&eval_flags::Model> {
        self.flags.iter().find(|f| f.decision == FlagDecision::Open)
    }
    pub fn pseudonym_of(&self, plan: PlanId) -> String {
        self.plans.iter().find(|p| p.id == plan).map(|p| p.pseudonym.to_string()).unwrap_or_default()
    }
    fn is_valid(&self, plan: PlanId) -> bool {
        self.plans.iter().any(|p| p.id == plan && p.status == PlanStatus::TeBeoordelen)
    }
    /// One evaluator's sheet: (plan pseudonym, criterion) -> (level, motivation), valid plans only.
    pub fn sheet(&self, evaluator: EvaluatorId) -> BTreeMap<(String, String), (u32, String)> {
        self.scores
            .iter()
            .filter(|s| s.evaluator_id == evaluator && self.is_valid(s.plan_id))
            .map(|s| ((self.pseudonym_of(s.plan_id), s.criterion.clone()), (s.level.max(0) as u32, s.motivation.clone())))
            .collect()
    }
    pub fn consensus_map(&self) -> BTreeMap<(String, String), (u32, String)> {
        self.consensus
            .iter()
            .filter(|s| self.is_valid(s.plan_id))
            .map(|s| ((self.pseudonym_of(s.plan_id), s.criterion.clone()), (s.level.max(0) as u32, s.motivation.clone())))
            .collect()
    }
    /// The individual levels of the active panel on one cell.
    pub fn individual(&self, plan: &str, criterion: &str) -> Vec<u32> {
        self.active()
            .filter_map(|m| self.sheet(m.ev.id).get(&(plan.to_string(), criterion.to_string())).map(|(l, _)| *l))
            .collect()
    }
    pub fn valid_pseudonyms(&self) -> Vec<String> {
        self.valid_plans().iter().map(|p| p.pseudonym.to_string()).collect()
    }

    /// Why the consensus cannot be opened yet (None when it can).
    pub fn consensus_blocker(&self) -> Option<String> {
        crate::domain::evaluation::panel::consensus_blocker(&self.panel_rules(), self.first_open_flag().is_some())
    }

    /// Someone with `roles` in the tender, as the visibility rules see them.
    pub fn looker(&self, user: UserId, roles: &[Role]) -> Looker {
        Looker {
            member: self.member(user).map(Member::rules),
            buyer: roles.iter().any(|r| matches!(r, Role::Inkoper | Role::Waarnemer)),
            decides_flags: roles.contains(&Role::Inkoper),
        }
    }

    /// Where the evaluation stands, in `phase`.
    pub fn stage(&self, phase: Phase) -> Stage {
        Stage { scoring: phase == Phase::Beoordeling, consensus_opened: self.consensus_opened(), consensus_locked: self.consensus_locked() }
    }
}

pub async fn snapshot<C: ConnectionTrait>(c: &C, tender: TenderId) -> Result<Snapshot, DbErr> {
    let evaluation = evaluations::Entity::find().filter(evaluations::Column::TenderId.eq(tender)).one(c).await?;
    let evs = evaluators::Entity::find()
        .filter(evaluators::Column::TenderId.eq(tender))
        .order_by_asc(evaluators::Column::Id)
        .all(c)
        .await?;
    let mut panel = Vec::with_capacity(evs.len());
    for ev in evs {
        if let Some(user) = super::users::by_id(c, ev.user_id).await? {
            panel.push(Member { ev, user });
        }
    }
    let plans = eval_plans::Entity::find()
        .filter(eval_plans::Column::TenderId.eq(tender))
        .order_by_asc(eval_plans::Column::Pseudonym)
        .all(c)
        .await?;
    let plan_ids: Vec<PlanId> = plans.iter().map(|p| p.id).collect();
    let flags = eval_flags::Entity::find()
        .filter(eval_flags::Column::TenderId.eq(tender))
        .order_by_asc(eval_flags::Column::Id)
        .all(c)
        .await?;
    let scores = if plan_ids.is_empty() {
        vec![]
    } else {
        eval_scores::Entity::find().filter(eval_scores::Column::PlanId.is_in(plan_ids.clone())).all(c).await?
    };
    let consensus = consensus_scores::Entity::find().filter(consensus_scores::Column::TenderId.eq(tender)).all(c).await?;
    Ok(Snapshot { evaluation, panel, plans, flags, scores, consensus })
}

/// What the phase guards need to know of the evaluation.
pub struct Facts {
    pub evaluators: usize,
    pub chair: bool,
    pub consensus_locked: bool,
    /// Why the ranking cannot lead to an award decision yet.
    pub ranking_problem: Option<String>,
}

pub async fn facts<C: ConnectionTrait>(c: &C, tender: TenderId) -> Result<Facts, DbErr> {
    let s = snapshot(c, tender).await?;
    let consensus_locked = s.consensus_locked();
    let ranking_problem = if consensus_locked {
        match s.result() {
            Some(r) => r.problem(),
            None => Some("De uitslag van de beoordeling ontbreekt.".into()),
        }
    } else {
        None
    };
    Ok(Facts { evaluators: s.active().count(), chair: s.chair().is_some(), consensus_locked, ranking_problem })
}

/// The organisations with a submitted bid: what a declaration is checked against.
pub async fn submitted_organisations<C: ConnectionTrait>(c: &C, tender: TenderId) -> Result<Vec<organisations::Model>, DbErr> {
    let mut out = vec![];
    for b in bids::Entity::find()
        .filter(bids::Column::TenderId.eq(tender))
        .filter(bids::Column::Status.eq(Coded(BidStatus::Ingediend)))
        .order_by_asc(bids::Column::Id)
        .all(c)
        .await?
    {
        if let Some(o) = super::organisations::by_id(c, b.organisation_id).await? {
            out.push(o);
        }
    }
    Ok(out)
}
