//! The individual score sheets: the criteria as published, the caller's own
//! sheet, and colleagues' sheets as far as the visibility rule allows.

use crate::error::AppError;
use crate::ids::TenderId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CritRow {
    pub code: String,
    pub name: String,
    pub weight: String,
    pub weight_value: f64,
    pub max: u32,
    pub levels: Vec<(u32, String)>,
}

impl CritRow {
    /// The published description of `level` on this criterion's scale, if any.
    pub fn description(&self, level: u32) -> Option<&str> {
        self.levels.iter().find(|x| x.0 == level).map(|x| x.1.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub plan: String,
    pub criterion: String,
    pub level: Option<u32>,
    pub motivation: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SheetView {
    pub evaluator: String,
    pub locked: bool,
    pub cells: Vec<Cell>,
}

/// The scored criteria with their published scales.
#[cfg(feature = "ssr")]
pub(super) fn criteria(cx: &super::Context<'_>) -> Vec<CritRow> {
    use crate::domain::scoring::Scale;
    cx.m.leaves()
        .iter()
        .map(|c| CritRow {
            code: c.code.clone(),
            name: c.name.clone(),
            weight: if c.scale == Scale::PassFail { "voldoet / voldoet niet".into() } else { super::points(c.weight) },
            weight_value: if c.scale == Scale::PassFail { 0.0 } else { c.weight },
            max: c.scale.max(),
            levels: match &c.scale {
                Scale::Levels(l) => l.clone(),
                Scale::PassFail => vec![(1, "Voldoet".into()), (0, "Voldoet niet".into())],
            },
        })
        .collect()
}

/// Every cell of one evaluator's sheet, valid plans by criteria.
#[cfg(feature = "ssr")]
fn cells_of(cx: &super::Context<'_>, evaluator: crate::ids::EvaluatorId) -> Vec<Cell> {
    let sheet = cx.s.sheet(evaluator);
    let leaves = cx.m.leaves();
    cx.plans_valid
        .iter()
        .flat_map(|p| {
            let sheet = &sheet;
            leaves.iter().map(move |c| {
                let v = sheet.get(&(p.clone(), c.code.clone()));
                Cell { plan: p.clone(), criterion: c.code.clone(), level: v.map(|x| x.0), motivation: v.map(|x| x.1.clone()).unwrap_or_default() }
            })
        })
        .collect()
}

/// The caller's own sheet, once cleared.
#[cfg(feature = "ssr")]
pub(super) fn own(cx: &super::Context<'_>) -> Option<SheetView> {
    cx.me.as_ref().filter(|mm| mm.cleared()).map(|mm| SheetView {
        evaluator: mm.user.display_name.clone(),
        locked: mm.locked(),
        cells: cells_of(cx, mm.ev.id),
    })
}

/// The active colleagues' sheets the caller may see now.
#[cfg(feature = "ssr")]
pub(super) fn colleagues(cx: &super::Context<'_>) -> Vec<SheetView> {
    use crate::domain::evaluation::visibility::{visible_to, Sight};
    cx.s.active()
        .filter(|p| cx.me.as_ref().is_none_or(|mm| mm.ev.id != p.ev.id))
        .filter(|p| visible_to(&cx.looker, Sight::Sheet { own: false, owner_locked: p.locked() }, &cx.stage).is_ok())
        .map(|p| SheetView { evaluator: p.user.display_name.clone(), locked: p.locked(), cells: cells_of(cx, p.ev.id) })
        .collect()
}

/// Saves one score on the caller's own sheet; returns the level saved.
#[server(endpoint = "save_score")]
pub async fn save_score(id: TenderId, plan: String, criterium: String, niveau: String, motivering: String) -> Result<u32, AppError> {
    use crate::api::guard;
    use crate::domain::values::{Level, Pseudonym};
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::Evaluate).await?;
        let level = Level::parse(&niveau)?;
        let plan = Pseudonym::parse(&plan)?;
        crate::store::evaluation::sheets::save_score(&mut op, &plan, &criterium, level, &motivering).await?;
        op.commit().await?;
        Ok(level.get())
    })
    .await
}

#[server(endpoint = "lock_sheet")]
pub async fn lock_sheet(id: TenderId) -> Result<(), AppError> {
    use crate::api::guard;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::Evaluate).await?;
        crate::store::evaluation::sheets::lock_sheet(&mut op).await?;
        op.commit().await
    })
    .await
}
