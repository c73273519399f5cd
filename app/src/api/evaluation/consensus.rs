//! The consensus matrix: per cell every individual score, the spread, a flag
//! above one scale step, the agenda by disagreement, each evaluator's mean
//! offset, and the chair's forms.

use crate::error::AppError;
use crate::ids::TenderId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsensusCell {
    pub plan: String,
    pub criterion: String,
    /// (evaluator, level as text)
    pub scores: Vec<(String, String)>,
    pub spread: String,
    pub flagged: bool,
    pub level: Option<u32>,
    pub motivation: String,
    pub justification: String,
    /// The lowest and highest individual level: a consensus outside needs a justification.
    pub range: Option<(u32, u32)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsensusView {
    pub locked: bool,
    pub locked_by: Option<String>,
    pub may_edit: bool,
    pub cells: Vec<ConsensusCell>,
    /// (plan label, criterion, scale steps apart), largest disagreement first.
    pub agenda: Vec<(String, String, usize)>,
    /// (evaluator, mean offset from the consensus)
    pub offsets: Vec<(String, String)>,
    /// (plan label, quality points from the consensus so far)
    pub totals: Vec<(String, String)>,
    /// The chair confirms the lock with a code from their app.
    pub code_required: bool,
}

/// The consensus matrix, when the visibility rule shows it to the caller:
/// the cleared panel once opened, the buyer's side once locked.
#[cfg(feature = "ssr")]
pub(super) fn view(cx: &super::Context<'_>) -> Option<ConsensusView> {
    use crate::domain::evaluation::plan_label;
    use crate::domain::evaluation::visibility::{visible_to, Sight};
    use crate::domain::scoring::{self, Scale};
    use super::points;
    visible_to(&cx.looker, Sight::Consensus, &cx.stage).ok()?;
    let s = &cx.s;
    let leaves = cx.m.leaves();
    let cons = s.consensus_map();
    let active: Vec<_> = s.active().collect();
    let mut cells = vec![];
    let mut items = vec![];
    for p in &cx.plans_valid {
        for c in &leaves {
            let scores: Vec<(String, u32)> = active
                .iter()
                .filter_map(|mm| s.sheet(mm.ev.id).get(&(p.clone(), c.code.clone())).map(|(l, _)| (mm.user.display_name.clone(), *l)))
                .collect();
            let levels: Vec<u32> = scores.iter().map(|x| x.1).collect();
            let sp = scoring::spread(&c.scale, &levels);
            items.push((plan_label(p), c.code.clone(), levels.clone()));
            let v = cons.get(&(p.clone(), c.code.clone()));
            let just = s
                .consensus
                .iter()
                .find(|x| x.criterion == c.code && s.plan(p).is_some_and(|pl| pl.id == x.plan_id))
                .and_then(|x| x.justification.clone())
                .unwrap_or_default();
            cells.push(ConsensusCell {
                plan: p.clone(),
                criterion: c.code.clone(),
                scores: scores.iter().map(|(n, l)| (n.clone(), crate::domain::evaluation::level_text(&c.scale, *l))).collect(),
                spread: sp.as_ref().map(|x| format!("{} tot {} ({} stap{})", x.min, x.max, x.steps, if x.steps == 1 { "" } else { "pen" })).unwrap_or_default(),
                flagged: sp.as_ref().is_some_and(|x| x.flagged),
                level: v.map(|x| x.0),
                motivation: v.map(|x| x.1.clone()).unwrap_or_default(),
                justification: just,
                range: sp.map(|x| (x.min, x.max)),
            });
        }
    }
    let scale_of = |code: &str| leaves.iter().find(|c| c.code == code).map(|c| c.scale.clone());
    let agenda = scoring::agenda(scale_of, &items);
    let offsets = active
        .iter()
        .map(|mm| {
            let pairs: Vec<(u32, u32)> =
                s.sheet(mm.ev.id).iter().filter_map(|(k, (own, _))| cons.get(k).map(|(c, _)| (*own, *c))).collect();
            let off = scoring::mean_offset(&pairs).map(|x| format!("{}{}", if x > 0.0 { "+" } else { "" }, points(x))).unwrap_or_else(|| "–".into());
            (mm.user.display_name.clone(), off)
        })
        .collect();
    let totals = cx
        .plans_valid
        .iter()
        .map(|p| {
            let q: f64 = leaves
                .iter()
                .filter(|c| c.scale != Scale::PassFail)
                .filter_map(|c| cons.get(&(p.clone(), c.code.clone())).map(|(l, _)| c.weight * *l as f64 / c.scale.max().max(1) as f64))
                .sum();
            (plan_label(p), points(q))
        })
        .collect();
    let locked = s.consensus_locked();
    let chair = cx.me.as_ref().is_some_and(|mm| mm.ev.chair && mm.cleared());
    Some(ConsensusView {
        locked,
        locked_by: s.evaluation.as_ref().and_then(|e| e.locked_by.clone()),
        may_edit: chair && !locked && cx.stage.scoring,
        code_required: crate::store::users::has_second_factor(&cx.ok.user),
        cells,
        agenda,
        offsets,
        totals,
    })
}

#[server(endpoint = "open_consensus")]
pub async fn open_consensus(id: TenderId) -> Result<(), AppError> {
    use crate::api::guard;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::Evaluate).await?;
        crate::store::evaluation::consensus::open_consensus(&mut op).await?;
        op.commit().await
    })
    .await
}

/// Records the consensus on one cell; returns the level saved.
#[server(endpoint = "save_consensus")]
pub async fn save_consensus(id: TenderId, plan: String, criterium: String, niveau: String, motivering: String, toelichting: Option<String>) -> Result<u32, AppError> {
    use crate::api::guard;
    use crate::domain::values::{Level, Pseudonym};
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::Evaluate).await?;
        let level = Level::parse(&niveau)?;
        let plan = Pseudonym::parse(&plan)?;
        let just = toelichting.as_deref().unwrap_or_default();
        crate::store::evaluation::consensus::save_consensus(&mut op, &plan, &criterium, level, &motivering, just).await?;
        op.commit().await?;
        Ok(level.get())
    })
    .await
}

/// The chair locks the consensus, confirming with a fresh code.
#[server(endpoint = "lock_consensus")]
pub async fn lock_consensus(id: TenderId, code: Option<String>) -> Result<(), AppError> {
    use crate::api::guard;
    guard::run(async move {
        let op = guard::op(id, crate::domain::access::Action::Evaluate).await?;
        let mut op = guard::with_fresh_code(op, code).await?;
        crate::store::evaluation::consensus::lock_consensus(&mut op).await?;
        op.commit().await
    })
    .await
}
