//! The evaluation, by room as on the page: the panel and its declarations
//! ([`panel`], inkoper), the pseudonymised plans and the reports about them
//! ([`plans`]), the individual score sheets ([`sheets`], evaluators), the
//! consensus ([`consensus`], the chair) and the result after the consensus
//! lock ([`result`], inkoper and observer). Each room builds its part of
//! [`EvaluationData`] from one [`Context`] and holds its server functions.
//!
//! What an evaluator receives is built for evaluators: pseudonyms, levels and
//! motivations, colleagues' names, never a bidder's name, KvK number, e-mail,
//! file name, or the inkoper's notes (which may quote a plan). What anyone
//! sees of plans, sheets and the consensus is decided by one rule,
//! `domain::evaluation::visibility::visible_to`, also for the downloads.

pub mod consensus;
pub mod panel;
pub mod plans;
pub mod result;
pub mod sheets;

pub use consensus::*;
pub use panel::*;
pub use plans::*;
pub use result::*;
pub use sheets::*;

use crate::error::AppError;
use crate::ids::{EvaluatorId, TenderId};
use crate::domain::status::DeclarationCheck;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MyStatus {
    pub evaluator: EvaluatorId,
    pub chair: bool,
    pub declared: bool,
    pub check: DeclarationCheck,
    pub cleared: bool,
    pub locked: bool,
    /// The phase lets the panel score now.
    pub scoring_open: bool,
    pub missing: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvaluationData {
    pub tender: TenderId,
    pub phase: String,
    pub may_manage: bool,
    /// The buyer's side outside the panel (inkoper, waarnemer).
    pub buyer: bool,
    pub opened: bool,
    pub commitment: Option<String>,
    pub panel: Vec<PanelRow>,
    /// The organisations that submitted: what declarations are checked against (inkoper only).
    pub bidders: Vec<String>,
    /// Accounts that could be appointed (holding only the evaluator role here), for the inkoper.
    pub candidates: Vec<(String, String)>,
    pub me: Option<MyStatus>,
    pub plans: Vec<PlanRow>,
    pub criteria: Vec<CritRow>,
    pub sheet: Option<SheetView>,
    pub colleagues: Vec<SheetView>,
    pub consensus_blocker: Option<String>,
    pub consensus: Option<ConsensusView>,
    pub result: Option<ResultView>,
}

/// Points as shown on the page: two decimals, Dutch comma.
#[cfg(feature = "ssr")]
pub fn points(x: f64) -> String {
    crate::domain::money::show_points(x)
}

/// Everything the rooms build their part from: the caller, the evaluation as
/// read at one moment, the method, and what the visibility rule looks at.
#[cfg(feature = "ssr")]
pub struct Context<'a> {
    pub ok: &'a super::guard::Allowed,
    pub conn: &'a sea_orm::DatabaseConnection,
    pub s: crate::store::evaluation::Snapshot,
    pub m: crate::domain::scoring::Method,
    pub phase: crate::domain::access::Phase,
    /// The buyer's side outside the panel (inkoper, waarnemer).
    pub buyer: bool,
    pub may_manage: bool,
    /// The caller's place on the active panel.
    pub me: Option<crate::store::evaluation::Member>,
    pub looker: crate::domain::evaluation::visibility::Looker,
    pub stage: crate::domain::evaluation::visibility::Stage,
    /// The valid plans' pseudonyms, in order.
    pub plans_valid: Vec<String>,
}

#[cfg(feature = "ssr")]
impl<'a> Context<'a> {
    pub async fn read(st: &'a crate::state::AppState, ok: &'a super::guard::Allowed) -> Result<Context<'a>, AppError> {
        use crate::domain::access::{Action, Role};
        let t = &ok.tender;
        let phase = *t.phase;
        let s = crate::store::evaluation::snapshot(&st.db.conn, t.id).await?;
        let m = crate::store::award::required_method(t)?;
        let me = s.member(ok.user.id).cloned();
        let looker = s.looker(ok.user.id, &ok.roles);
        let stage = s.stage(phase);
        let plans_valid = s.valid_pseudonyms();
        Ok(Context {
            ok,
            conn: &st.db.conn,
            buyer: ok.roles.iter().any(|r| matches!(r, Role::Inkoper | Role::Waarnemer)),
            may_manage: ok.may(Action::ManageEvaluation),
            s,
            m,
            phase,
            me,
            looker,
            stage,
            plans_valid,
        })
    }

    /// Whether the caller is a cleared member of the panel.
    pub fn cleared(&self) -> bool {
        self.me.as_ref().is_some_and(|m| m.cleared())
    }
}

/// Builds what the caller may see of the evaluation.
#[cfg(feature = "ssr")]
pub async fn build(st: &crate::state::AppState, ok: &super::guard::Allowed) -> Result<EvaluationData, AppError> {
    use crate::domain::evaluation::missing;
    use crate::domain::access::Phase;
    let cx = Context::read(st, ok).await?;
    let leaves = cx.m.leaves();
    let me = cx.me.as_ref().map(|mm| MyStatus {
        evaluator: mm.ev.id,
        chair: mm.ev.chair,
        declared: mm.ev.declaration_at.is_some(),
        check: *mm.ev.check_status,
        cleared: mm.cleared(),
        locked: mm.locked(),
        scoring_open: cx.phase == Phase::Beoordeling,
        missing: if mm.cleared() && !mm.locked() { missing(&leaves, &cx.plans_valid, &cx.s.sheet(mm.ev.id)) } else { vec![] },
    });
    Ok(EvaluationData {
        tender: ok.tender.id,
        phase: cx.phase.label().into(),
        may_manage: cx.may_manage,
        buyer: cx.buyer,
        opened: cx.s.evaluation.is_some(),
        commitment: if cx.buyer { cx.s.evaluation.as_ref().map(|e| e.pseudonym_commitment.clone()) } else { None },
        panel: panel::rows(&cx),
        bidders: panel::bidders(&cx).await?,
        candidates: panel::candidates(&cx).await?,
        me,
        plans: plans::rows(&cx).await?,
        criteria: sheets::criteria(&cx),
        sheet: sheets::own(&cx),
        colleagues: sheets::colleagues(&cx),
        consensus_blocker: if cx.s.evaluation.is_some() && !cx.s.consensus_opened() { cx.s.consensus_blocker() } else { None },
        consensus: consensus::view(&cx),
        result: result::view(&cx),
    })
}

#[server(endpoint = "evaluation_view")]
pub async fn evaluation_view(id: TenderId) -> Result<EvaluationData, AppError> {
    use super::guard;
    guard::run(async move {
        let ok = guard::require(id, crate::domain::access::Action::ViewEvaluation).await?;
        let st = guard::state()?;
        build(&st, &ok).await
    })
    .await
}
