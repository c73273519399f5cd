//! Totals and the ranking by the published method and tie-break, and the
//! price at which a simulated bid would rank first.

use super::{Method, PriceMethod, TieBreak};
use crate::refusal::{Refusal, Ruling};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Price points of price `p` given the best (lowest) price among the valid bids.
pub fn price_points(m: &PriceMethod, p: i64, best: i64) -> f64 {
    let p = p.max(1) as f64;
    let best = best.max(1) as f64;
    match m {
        PriceMethod::QualityOnly { .. } | PriceMethod::Value { .. } => 0.0,
        PriceMethod::Relative { points } => points * best / p,
        PriceMethod::FixedBand { points, min, max } => (points * (*max as f64 - p) / (*max - *min) as f64).clamp(0.0, *points),
        PriceMethod::Logarithmic { points, a } => (points * (1.0 - (p / best).ln() / a.ln())).clamp(0.0, *points),
    }
}

/// One bid as the method sees it after consensus.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BidInput {
    pub label: String,
    /// Consensus level per leaf criterion code.
    pub levels: BTreeMap<String, u32>,
    /// Price in euro cents (ignored for quality only).
    pub price: i64,
    /// Position in a recorded lot draw (lower wins), when the tie-break needs it.
    pub lot: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ranked {
    pub label: String,
    pub rank: usize,
    pub quality: f64,
    pub price_points: f64,
    /// Total points (or, for gunnen op waarde, the fictional price in cents).
    pub total: f64,
    /// Why this bid is ahead of the next, when they were tied.
    pub tie_note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub ranking: Vec<Ranked>,
    /// Bids excluded by a failed pass/fail criterion.
    pub excluded: Vec<String>,
    /// A tie the published rules could not break (a lot must be drawn first).
    pub unresolved_tie: Option<(String, String)>,
}

/// Computes totals and the ranking by the published method and tie-break.
pub fn rank(m: &Method, bids: &[BidInput]) -> Ruling<Outcome> {
    let mut scored = vec![];
    let mut excluded = vec![];
    for b in bids {
        match m.quality(&b.levels).map_err(Refusal::Invalid)? {
            Some(q) => scored.push((b, q)),
            None => excluded.push(b.label.clone()),
        }
    }
    if scored.iter().any(|(b, _)| b.price <= 0 && !matches!(m.price, PriceMethod::QualityOnly { .. })) {
        return Err(Refusal::Invalid("Elke inschrijving heeft een prijs groter dan nul nodig.".into()));
    }
    let best = scored.iter().map(|(b, _)| b.price).min().unwrap_or(1);
    let value = matches!(m.price, PriceMethod::Value { .. });
    let mut rows: Vec<(&BidInput, f64, f64, f64)> = scored
        .iter()
        .map(|(b, q)| {
            let q = m.round(*q);
            let pp = m.round(price_points(&m.price, b.price, best));
            let total = match m.price {
                PriceMethod::Value { euro_cents_per_point } => b.price as f64 - q * euro_cents_per_point as f64,
                _ => m.round(q + pp),
            };
            (*b, q, pp, total)
        })
        .collect();
    let primary = |a: &(&BidInput, f64, f64, f64), b: &(&BidInput, f64, f64, f64)| {
        if value {
            a.3.partial_cmp(&b.3).unwrap_or(Ordering::Equal)
        } else {
            b.3.partial_cmp(&a.3).unwrap_or(Ordering::Equal)
        }
    };
    let step = |t: &TieBreak, a: &(&BidInput, f64, f64, f64), b: &(&BidInput, f64, f64, f64)| -> Ordering {
        match t {
            TieBreak::HighestQuality => b.1.partial_cmp(&a.1).unwrap_or(Ordering::Equal),
            TieBreak::LowestPrice => a.0.price.cmp(&b.0.price),
            TieBreak::HighestOn(code) => {
                let s = |x: &BidInput| x.levels.get(code).copied().unwrap_or(0);
                s(b.0).cmp(&s(a.0))
            }
            TieBreak::Lot => match (a.0.lot, b.0.lot) {
                (Some(x), Some(y)) => x.cmp(&y),
                _ => Ordering::Equal,
            },
        }
    };
    rows.sort_by(|a, b| {
        primary(a, b).then_with(|| m.tie_break.iter().map(|t| step(t, a, b)).find(|o| o.is_ne()).unwrap_or(Ordering::Equal))
    });
    let mut ranking = vec![];
    let mut unresolved = None;
    for (i, r) in rows.iter().enumerate() {
        let mut note = None;
        if let Some(next) = rows.get(i + 1) {
            if primary(r, next).is_eq() {
                match m.tie_break.iter().find(|t| step(t, r, next).is_ne()) {
                    Some(t) => {
                        note = Some(match t {
                            TieBreak::HighestQuality => "gelijke stand; beslist op de hoogste kwaliteitsscore".to_string(),
                            TieBreak::LowestPrice => "gelijke stand; beslist op de laagste prijs".to_string(),
                            TieBreak::HighestOn(c) => format!("gelijke stand; beslist op de hoogste score op criterium {c}"),
                            TieBreak::Lot => "gelijke stand; beslist door loting".to_string(),
                        })
                    }
                    None if unresolved.is_none() => unresolved = Some((r.0.label.clone(), next.0.label.clone())),
                    None => {}
                }
            }
        }
        ranking.push(Ranked {
            label: r.0.label.clone(),
            rank: i + 1,
            quality: r.1,
            price_points: r.2,
            total: r.3,
            tie_note: note,
        });
    }
    Ok(Outcome { ranking, excluded, unresolved_tie: unresolved })
}

/// For a simulation: the highest price (in cents) at which `who` would rank
/// first, all else equal; `None` when no positive price does it (or it
/// already ranks first, or the method has no price competition).
pub fn flip_price(m: &Method, bids: &[BidInput], who: usize) -> Option<i64> {
    if matches!(m.price, PriceMethod::QualityOnly { .. }) {
        return None;
    }
    let first_at = |price: i64| -> bool {
        let mut b = bids.to_vec();
        b[who].price = price;
        rank(m, &b).ok().and_then(|o| o.ranking.first().map(|r| r.label == bids[who].label)).unwrap_or(false)
    };
    if first_at(bids[who].price) || !first_at(1) {
        return None;
    }
    // Ranking first is monotone in one's own price: search the largest price that still wins.
    let (mut lo, mut hi) = (1i64, bids[who].price);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if first_at(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(lo)
}

#[cfg(test)]
mod tests {
    use super::super::close;
    use super::super::fixtures::*;
    use super::*;
    use crate::money::show_price;
    use crate::scoring::{Criterion, Scale};

    #[test]
    fn relative_price_the_worked_example() {
        let m = PriceMethod::Relative { points: 60.0 };
        assert!(close(price_points(&m, 1_000_000_00, 1_000_000_00), 60.0));
        assert!(close(price_points(&m, 1_250_000_00, 1_000_000_00), 48.0));
    }

    #[test]
    fn price_formulas_table() {
        let band = PriceMethod::FixedBand { points: 40.0, min: 900_000_00, max: 1_300_000_00 };
        let log = PriceMethod::Logarithmic { points: 40.0, a: 2.0 };
        let cases: &[(&PriceMethod, i64, i64, f64)] = &[
            (&band, 900_000_00, 900_000_00, 40.0),
            (&band, 1_100_000_00, 900_000_00, 20.0),
            (&band, 1_300_000_00, 900_000_00, 0.0),
            (&band, 1_400_000_00, 900_000_00, 0.0), // above the band: never negative
            (&band, 800_000_00, 800_000_00, 40.0),  // below the band: never above WP
            (&log, 1_000_000_00, 1_000_000_00, 40.0),
            (&log, 2_000_000_00, 1_000_000_00, 0.0),
            (&log, 1_414_213_56, 1_000_000_00, 20.0),
            (&log, 3_000_000_00, 1_000_000_00, 0.0),
        ];
        for (m, p, best, want) in cases {
            let got = price_points(m, *p, *best);
            assert!((got - want).abs() < 1e-4, "{m:?} {p} {best}: {got} != {want}");
        }
    }

    #[test]
    fn ranking_by_relative_price() {
        let m = method(PriceMethod::Relative { points: 40.0 }, 60.0);
        let out = rank(&m, &[bid("A", 8, 6, 1_000_000), bid("B", 10, 10, 1_250_000)]).unwrap();
        // A: quality 60*(0.6*0.8 + 0.4*0.6) = 43.2, price 40 -> 83.2
        // B: quality 60, price 40 * 1.0/1.25 = 32 -> 92
        assert_eq!(out.ranking[0].label, "B");
        assert!(close(out.ranking[0].total, 92.0) && close(out.ranking[1].total, 83.2), "{out:?}");
    }

    #[test]
    fn ties_follow_the_published_tie_break() {
        let m = method(PriceMethod::QualityOnly { fixed_price: None }, 100.0);
        let out = rank(&m, &[bid("A", 6, 8, 0), bid("B", 8, 6, 0), bid("C", 8, 6, 0)]).unwrap();
        // B and C: 60*0.8 + 40*0.6 = 72; A: 36 + 32 = 68.
        assert_eq!(out.ranking.iter().map(|r| r.label.as_str()).collect::<Vec<_>>(), ["B", "C", "A"]);
        assert_eq!(out.unresolved_tie, Some(("B".into(), "C".into())), "only a lot can decide between B and C");
        let mut bids = vec![bid("B", 8, 6, 0), bid("C", 8, 6, 0)];
        bids[0].lot = Some(2);
        bids[1].lot = Some(1);
        let out = rank(&m, &bids).unwrap();
        assert_eq!(out.ranking[0].label, "C");
        assert_eq!(out.ranking[0].tie_note.as_deref(), Some("gelijke stand; beslist door loting"));
        assert_eq!(out.unresolved_tie, None);
        // Equal totals, different quality: the higher quality wins.
        let m = method(PriceMethod::Relative { points: 40.0 }, 60.0);
        let a = bid("A", 10, 10, 2_500_000); // 60 + 40 * 1/2.5 = 76
        let b = bid("B", 10, 0, 1_000_000); // 36 + 0 + 40 = 76
        let out = rank(&m, &[b, a]).unwrap();
        assert_eq!(out.ranking[0].label, "A");
        assert!(out.ranking[0].tie_note.as_deref().unwrap().contains("kwaliteitsscore"));
    }

    #[test]
    fn gunnen_op_waarde_lowest_fictional_price_wins_and_pass_fail_excludes() {
        let mut m = method(PriceMethod::Value { euro_cents_per_point: 5_000_00 }, 100.0);
        m.criteria.push(Criterion { code: "G".into(), name: "Geschiktheid".into(), weight: 0.0, scale: Scale::PassFail, children: vec![] });
        let mut a = bid("A", 10, 10, 1_400_000); // 1.4M - 100 * 5,000 = 900,000
        let mut b = bid("B", 6, 6, 1_000_000); // 1.0M - 60 * 5,000 = 700,000
        let mut c = bid("C", 10, 10, 500_000);
        a.levels.insert("G".into(), 1);
        b.levels.insert("G".into(), 1);
        c.levels.insert("G".into(), 0);
        let out = rank(&m, &[a, b, c]).unwrap();
        assert_eq!(out.ranking[0].label, "B");
        assert!(close(out.ranking[0].total, 700_000_00.0));
        assert_eq!(out.excluded, ["C"]);
    }

    #[test]
    fn the_simulation_finds_the_price_that_flips_the_ranking() {
        let m = method(PriceMethod::Relative { points: 40.0 }, 60.0);
        let bids = [bid("A", 8, 6, 1_000_000), bid("B", 10, 10, 1_250_000)];
        assert_eq!(flip_price(&m, &bids, 1), None, "B already wins");
        let p = flip_price(&m, &bids, 0).expect("A can win on price");
        // Below B's price A has the best price: A 43.2 + 40 against B 60 + 40 * p / 1.25M,
        // so A wins below EUR 725,000 (at a tie, B's higher quality wins).
        let mut at = bids.to_vec();
        at[0].price = p;
        assert_eq!(rank(&m, &at).unwrap().ranking[0].label, "A");
        at[0].price = p + 1;
        assert_eq!(rank(&m, &at).unwrap().ranking[0].label, "B");
        assert!(p < 725_000_00 && p > 724_000_00, "{}", show_price(p));
    }
}
