//! The published award method (best price-quality ratio): a criteria tree
//! with weights and scales, a price method, a tie-break, and what follows from
//! them: quality points per plan, price points, totals, the ranking, the price
//! change that would flip it, and the consensus analysis of individual scores.
//!
//! Points are f64 (weights times scale fractions and price ratios); money is
//! whole euro cents. Totals are compared after rounding to the published
//! number of decimals, so two bids that show the same total are tied and the
//! published tie-break decides, never a difference nobody can see.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod consensus;
mod editor;
mod rank;

pub use consensus::{agenda, check_consensus, mean_offset, spread, Spread};
pub use editor::{criteria_text, parse_criteria, parse_tie_break, scale_preset, tie_break_text};
pub use rank::{flip_price, price_points, rank, BidInput, Outcome, Ranked};
// Money is its own room; these names stay reachable here for the pages.
pub use crate::money::{parse_euros, show_amount, show_price};

/// A scale with a descriptor per level, or pass/fail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Scale {
    /// Levels in ascending order: (value, descriptor), e.g. 0/2/4/6/8/10.
    Levels(Vec<(u32, String)>),
    /// Pass/fail: carries no points; a fail excludes the bid.
    PassFail,
}

impl Scale {
    /// The common 0-2-4-6-8-10 scale.
    pub fn zero_to_ten() -> Scale {
        Scale::Levels(
            [
                (0, "Ontbreekt of voldoet niet"),
                (2, "Onvoldoende"),
                (4, "Matig"),
                (6, "Voldoende"),
                (8, "Goed"),
                (10, "Uitstekend"),
            ]
            .into_iter()
            .map(|(v, d)| (v, d.to_string()))
            .collect(),
        )
    }

    pub fn max(&self) -> u32 {
        match self {
            Scale::Levels(l) => l.iter().map(|(v, _)| *v).max().unwrap_or(0),
            Scale::PassFail => 1,
        }
    }

    pub fn contains(&self, v: u32) -> bool {
        match self {
            Scale::Levels(l) => l.iter().any(|(x, _)| *x == v),
            Scale::PassFail => v <= 1,
        }
    }

    pub fn descriptor(&self, v: u32) -> Option<&str> {
        match self {
            Scale::Levels(l) => l.iter().find(|(x, _)| *x == v).map(|(_, d)| d.as_str()),
            Scale::PassFail => Some(if v == 1 { "Voldoet" } else { "Voldoet niet" }),
        }
    }

    /// Number of scale steps between two values (adjacent levels are one step apart).
    pub fn steps(&self, a: u32, b: u32) -> usize {
        match self {
            Scale::Levels(l) => {
                let pos = |v| l.iter().position(|(x, _)| *x == v).unwrap_or(0);
                pos(a).abs_diff(pos(b))
            }
            Scale::PassFail => a.abs_diff(b) as usize,
        }
    }
}

/// A criterion; a criterion with sub-criteria is scored through them and its
/// weight is the sum of theirs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    pub code: String,
    pub name: String,
    /// Points this criterion is worth (ignored for pass/fail).
    pub weight: f64,
    pub scale: Scale,
    pub children: Vec<Criterion>,
}

/// How price turns into points. Prices in euro cents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum PriceMethod {
    /// Fixed price (or budget, as the documents state it), competition on quality only.
    QualityOnly { fixed_price: Option<i64> },
    /// `WP * Pbest / Pi`.
    Relative { points: f64 },
    /// `WP * (Pmax - Pi) / (Pmax - Pmin)`, clamped to [0, WP]; Pmin and Pmax published.
    FixedBand { points: f64, min: i64, max: i64 },
    /// `WP * (1 - log(Pi / Pbest) / log A)`, at least 0: a bid A times the best scores 0.
    Logarithmic { points: f64, a: f64 },
    /// Gunnen op waarde: fictional price = Pi - quality points x value per point; lowest wins.
    Value { euro_cents_per_point: i64 },
}

impl PriceMethod {
    pub fn price_points(&self) -> f64 {
        match self {
            PriceMethod::Relative { points } | PriceMethod::FixedBand { points, .. } | PriceMethod::Logarithmic { points, .. } => *points,
            PriceMethod::QualityOnly { .. } | PriceMethod::Value { .. } => 0.0,
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            PriceMethod::QualityOnly { .. } => "Vaste prijs, gunning op kwaliteit",
            PriceMethod::Relative { .. } => "Relatieve prijs (laagste prijs / prijs x prijspunten)",
            PriceMethod::FixedBand { .. } => "Vaste bandbreedte",
            PriceMethod::Logarithmic { .. } => "Logaritmisch",
            PriceMethod::Value { .. } => "Gunnen op waarde (fictieve prijs)",
        }
    }
}

/// One step of the published tie-break, applied in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TieBreak {
    HighestQuality,
    LowestPrice,
    /// Highest score on this criterion (by code).
    HighestOn(String),
    /// Lot drawn under supervision: the order is recorded, not computed.
    Lot,
}

/// The published award method.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Method {
    pub criteria: Vec<Criterion>,
    pub price: PriceMethod,
    /// Total points of quality and price together (commonly 100).
    pub total_points: f64,
    pub tie_break: Vec<TieBreak>,
    /// Decimals of published totals; comparisons use the rounded totals.
    pub decimals: u32,
}

fn leaves(c: &[Criterion]) -> Vec<&Criterion> {
    let mut out = vec![];
    for x in c {
        if x.children.is_empty() {
            out.push(x);
        } else {
            out.extend(leaves(&x.children));
        }
    }
    out
}

pub(crate) fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

impl Method {
    /// The scored criteria (leaves of the tree), in order.
    pub fn leaves(&self) -> Vec<&Criterion> {
        leaves(&self.criteria)
    }

    pub fn quality_points(&self) -> f64 {
        self.leaves().iter().filter(|c| c.scale != Scale::PassFail).map(|c| c.weight).sum()
    }

    /// Checks the method before it is published; every problem in Dutch.
    pub fn check(&self) -> Result<(), Vec<String>> {
        let mut errs = vec![];
        let mut codes = std::collections::BTreeSet::new();
        fn walk(c: &[Criterion], errs: &mut Vec<String>, codes: &mut std::collections::BTreeSet<String>) {
            for x in c {
                if x.code.trim().is_empty() || !codes.insert(x.code.clone()) {
                    errs.push(format!("Criterium '{}' heeft geen of een dubbele code.", x.name));
                }
                if x.weight < 0.0 || !x.weight.is_finite() {
                    errs.push(format!("Criterium {} heeft een ongeldig gewicht.", x.code));
                }
                if let Scale::Levels(l) = &x.scale {
                    if x.children.is_empty() && (l.len() < 2 || l.windows(2).any(|w| w[0].0 >= w[1].0)) {
                        errs.push(format!("De schaal van criterium {} heeft minstens twee oplopende niveaus nodig.", x.code));
                    }
                    if l.iter().any(|(_, d)| d.trim().is_empty()) {
                        errs.push(format!("Elk niveau van criterium {} heeft een omschrijving nodig.", x.code));
                    }
                }
                if !x.children.is_empty() {
                    let sum: f64 = x.children.iter().filter(|c| c.scale != Scale::PassFail).map(|c| c.weight).sum();
                    if !close(sum, x.weight) {
                        errs.push(format!(
                            "De subcriteria van {} tellen op tot {sum} punten, het criterium zelf weegt {} punten.",
                            x.code, x.weight
                        ));
                    }
                    walk(&x.children, errs, codes);
                }
            }
        }
        walk(&self.criteria, &mut errs, &mut codes);
        if self.leaves().is_empty() {
            errs.push("Er is nog geen gunningscriterium.".into());
        }
        let q = self.quality_points();
        let p = self.price.price_points();
        if !close(q + p, self.total_points) {
            errs.push(format!(
                "Kwaliteit ({q} punten) en prijs ({p} punten) tellen op tot {} punten in plaats van {}.",
                q + p,
                self.total_points
            ));
        }
        match &self.price {
            PriceMethod::FixedBand { min, max, .. } if min >= max => {
                errs.push("De ondergrens van de prijsbandbreedte moet lager zijn dan de bovengrens.".into())
            }
            PriceMethod::Logarithmic { a, .. } if *a <= 1.0 => errs.push("De factor A van de logaritmische methode moet groter zijn dan 1.".into()),
            PriceMethod::QualityOnly { fixed_price: Some(p) } if *p <= 0 => errs.push("Een vaste prijs is groter dan nul.".into()),
            PriceMethod::Value { euro_cents_per_point } if *euro_cents_per_point <= 0 => {
                errs.push("Geef de waarde in euro per kwaliteitspunt op.".into())
            }
            _ => {}
        }
        if self.tie_break.is_empty() {
            errs.push("Leg vast hoe bij een gelijke stand wordt beslist.".into());
        }
        for t in &self.tie_break {
            if let TieBreak::HighestOn(code) = t {
                if !self.leaves().iter().any(|c| &c.code == code) {
                    errs.push(format!("De beslisregel verwijst naar een onbekend criterium {code}."));
                }
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(errs)
        }
    }

    /// Quality points of one plan from its (consensus) level per leaf criterion.
    /// `None` when a pass/fail criterion failed (the bid is excluded).
    pub fn quality(&self, levels: &BTreeMap<String, u32>) -> Result<Option<f64>, String> {
        let mut total = 0.0;
        for c in self.leaves() {
            let v = *levels.get(&c.code).ok_or_else(|| format!("Er is geen score voor criterium {}.", c.code))?;
            if !c.scale.contains(v) {
                return Err(format!("{v} is geen niveau van de schaal van criterium {}.", c.code));
            }
            match c.scale {
                Scale::PassFail if v == 0 => return Ok(None),
                Scale::PassFail => {}
                Scale::Levels(_) => total += c.weight * v as f64 / c.scale.max().max(1) as f64,
            }
        }
        Ok(Some(total))
    }

    pub(crate) fn round(&self, x: f64) -> f64 {
        let f = 10f64.powi(self.decimals as i32);
        (x * f).round() / f
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;

    pub fn leaf(code: &str, weight: f64) -> Criterion {
        Criterion { code: code.into(), name: format!("Criterium {code}"), weight, scale: Scale::zero_to_ten(), children: vec![] }
    }

    pub fn method(price: PriceMethod, quality: f64) -> Method {
        Method {
            criteria: vec![leaf("K1", quality * 0.6), leaf("K2", quality * 0.4)],
            price,
            total_points: 100.0,
            tie_break: vec![TieBreak::HighestQuality, TieBreak::HighestOn("K1".into()), TieBreak::Lot],
            decimals: 2,
        }
    }

    pub fn bid(label: &str, k1: u32, k2: u32, euros: i64) -> BidInput {
        BidInput { label: label.into(), levels: [("K1".to_string(), k1), ("K2".to_string(), k2)].into(), price: euros * 100, lot: None }
    }

}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    #[test]
    fn weights_must_add_up_and_the_method_must_be_complete() {
        assert_eq!(method(PriceMethod::Relative { points: 40.0 }, 60.0).check(), Ok(()));
        let errs = method(PriceMethod::Relative { points: 50.0 }, 60.0).check().unwrap_err();
        assert!(errs[0].contains("110"), "{errs:?}");
        let mut m = method(PriceMethod::QualityOnly { fixed_price: Some(1_000_000_00) }, 100.0);
        m.criteria[0].children = vec![leaf("K1a", 30.0), leaf("K1b", 20.0)];
        let errs = m.check().unwrap_err();
        assert!(errs.iter().any(|e| e.contains("subcriteria van K1 tellen op tot 50")), "{errs:?}");
        m.criteria[0].children[1].weight = 30.0;
        m.tie_break = vec![TieBreak::HighestOn("K9".into())];
        let errs = m.check().unwrap_err();
        assert!(errs.iter().any(|e| e.contains("onbekend criterium K9")), "{errs:?}");
        m.tie_break.clear();
        assert!(m.check().unwrap_err().iter().any(|e| e.contains("gelijke stand")));
    }
}
