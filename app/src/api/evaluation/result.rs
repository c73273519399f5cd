//! The result after the consensus lock (the buyer's side only: it names the
//! bidders), the lot that breaks a tie, and the matrix as CSV.

use crate::error::AppError;
use crate::ids::TenderId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultRow {
    pub rank: Option<usize>,
    pub pseudonym: String,
    pub organisation: String,
    pub status: String,
    pub quality: String,
    pub price: Option<String>,
    pub price_points: String,
    pub total: String,
    pub note: Option<String>,
    /// The same figures as numbers, for spreadsheets: quality points, the
    /// price in cents, price points, and the total (points, or for gunnen
    /// op waarde the fictional price in cents, then `total_is_price`).
    pub numbers: Option<RowNumbers>,
    pub price_cents: Option<i64>,
    pub kvk: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RowNumbers {
    pub quality: f64,
    pub price_points: f64,
    pub total: f64,
    pub total_is_price: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultView {
    pub rows: Vec<ResultRow>,
    pub problem: Option<String>,
    /// The tie a lot must break, as pseudonyms, when the inkoper may record it.
    pub lot_needed: Option<(String, String)>,
    pub lot: Option<String>,
    pub method: String,
}

/// The ranking with the bidders' names, for the buyer's side once locked.
#[cfg(feature = "ssr")]
pub(super) fn view(cx: &super::Context<'_>) -> Option<ResultView> {
    use super::points;
    use crate::domain::evaluation::plan_label;
    use crate::domain::scoring::{self, PriceMethod};
    if !cx.buyer {
        return None;
    }
    let r = cx.s.result()?;
    let value = matches!(cx.m.price, PriceMethod::Value { .. });
    let mut rows: Vec<ResultRow> = r
        .outcome
        .ranking
        .iter()
        .filter_map(|x| {
            let p = r.plan(&x.label)?;
            Some(ResultRow {
                rank: Some(x.rank),
                pseudonym: p.pseudonym.clone(),
                organisation: p.organisation.clone(),
                status: "gerangschikt".into(),
                quality: points(x.quality),
                price: p.price.map(scoring::show_price),
                price_points: points(x.price_points),
                total: if value { scoring::show_price(x.total.round() as i64) } else { points(x.total) },
                note: x.tie_note.clone(),
                numbers: Some(RowNumbers { quality: x.quality, price_points: x.price_points, total: x.total, total_is_price: value }),
                price_cents: p.price,
                kvk: p.kvk.clone(),
            })
        })
        .collect();
    for p in r.plans.iter().filter(|p| !r.outcome.ranking.iter().any(|x| x.label == p.pseudonym)) {
        rows.push(ResultRow {
            rank: None,
            pseudonym: p.pseudonym.clone(),
            organisation: p.organisation.clone(),
            status: if p.valid { "uitgesloten (voldoet niet)".into() } else { "ongeldig".into() },
            quality: "–".into(),
            price: p.price.map(scoring::show_price),
            price_points: "–".into(),
            total: "–".into(),
            note: p.note.clone(),
            numbers: None,
            price_cents: p.price,
            kvk: p.kvk.clone(),
        });
    }
    let lot_recorded = cx.s.evaluation.as_ref().and_then(|e| e.lot.clone());
    Some(ResultView {
        rows,
        problem: r.problem(),
        lot_needed: if cx.may_manage && lot_recorded.is_none() { r.outcome.unresolved_tie.clone() } else { None },
        lot: lot_recorded
            .and_then(|l| serde_json::from_str::<Vec<String>>(&l).ok())
            .map(|v| v.iter().map(|p| plan_label(p)).collect::<Vec<_>>().join(", ")),
        method: cx.m.price.label().into(),
    })
}

/// Records the order a lot gave: pseudonyms, winner first, separated by commas or spaces.
#[server(endpoint = "record_lot")]
pub async fn record_lot(id: TenderId, volgorde: String) -> Result<(), AppError> {
    use crate::api::guard;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::ManageEvaluation).await?;
        let order: Vec<String> = volgorde
            .split(|ch: char| ch == ',' || ch.is_whitespace())
            .map(|s| s.trim().to_uppercase())
            .filter(|s| !s.is_empty() && s != "INSCHRIJVING")
            .take(100)
            .collect();
        crate::store::evaluation::result::record_lot(&mut op, &order).await?;
        op.commit().await
    })
    .await
}

/// The evaluation as the caller sees it, as CSV (semicolons and a byte-order
/// mark, as Dutch spreadsheet programs expect): sheets, consensus, result.
#[cfg(feature = "ssr")]
pub fn csv_of(d: &super::EvaluationData) -> Result<String, AppError> {
    let mut w = crate::spreadsheet::Csv::new();
    let crit = |code: &str| d.criteria.iter().find(|c| c.code == code);
    let desc = |code: &str, level: Option<u32>| -> String {
        crit(code).zip(level).and_then(|(c, l)| c.description(l)).unwrap_or_default().to_string()
    };
    w.row(["soort", "beoordelaar", "plan", "criterium", "gewicht", "niveau", "omschrijving", "motivering", "toelichting"])?;
    // One row per score: individual ones with their evaluator, consensus ones
    // with the chair's justification.
    let mut score = |kind: &str, evaluator: &str, c: &super::Cell, justification: &str| {
        w.row([
            kind,
            evaluator,
            &crate::domain::evaluation::plan_label(&c.plan),
            &c.criterion,
            &crit(&c.criterion).map(|x| x.weight.clone()).unwrap_or_default(),
            &c.level.map(|l| l.to_string()).unwrap_or_default(),
            &desc(&c.criterion, c.level),
            &c.motivation,
            justification,
        ])
    };
    for sh in d.sheet.iter().chain(d.colleagues.iter()) {
        for c in &sh.cells {
            score("individueel", &sh.evaluator, c, "")?;
        }
    }
    if let Some(cv) = &d.consensus {
        for c in &cv.cells {
            let cell = super::Cell { plan: c.plan.clone(), criterion: c.criterion.clone(), level: c.level, motivation: c.motivation.clone() };
            score("consensus", "", &cell, &c.justification)?;
        }
    }
    if let Some(r) = &d.result {
        w.row(["uitslag", "plaats", "plan", "inschrijver", "status", "kwaliteit", "prijs", "prijspunten", "totaal"])?;
        for row in &r.rows {
            w.row([
                "uitslag".to_string(),
                row.rank.map(|x| x.to_string()).unwrap_or_default(),
                crate::domain::evaluation::plan_label(&row.pseudonym),
                row.organisation.clone(),
                row.status.clone(),
                row.quality.clone(),
                row.price.clone().unwrap_or_default(),
                row.price_points.clone(),
                row.total.clone(),
            ])?;
        }
    }
    w.finish()
}
