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
use std::cmp::Ordering;
use std::collections::BTreeMap;

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

fn close(a: f64, b: f64) -> bool {
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

    fn round(&self, x: f64) -> f64 {
        let f = 10f64.powi(self.decimals as i32);
        (x * f).round() / f
    }
}

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
pub fn rank(m: &Method, bids: &[BidInput]) -> Result<Outcome, String> {
    let mut scored = vec![];
    let mut excluded = vec![];
    for b in bids {
        match m.quality(&b.levels)? {
            Some(q) => scored.push((b, q)),
            None => excluded.push(b.label.clone()),
        }
    }
    if scored.iter().any(|(b, _)| b.price <= 0 && !matches!(m.price, PriceMethod::QualityOnly { .. })) {
        return Err("Elke inschrijving heeft een prijs groter dan nul nodig.".into());
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

/// An amount in Dutch notation without the currency: "1.250.000,00".
pub fn show_amount(cents: i64) -> String {
    let mut s = String::new();
    for (i, ch) in (cents / 100).abs().to_string().chars().rev().enumerate() {
        if i > 0 && i % 3 == 0 {
            s.push('.');
        }
        s.push(ch);
    }
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{},{:02}", s.chars().rev().collect::<String>(), (cents % 100).abs())
}

/// An amount with its currency: "EUR 1.250.000,00".
pub fn show_price(cents: i64) -> String {
    format!("EUR {}", show_amount(cents))
}

/// The individual scores on one criterion for one plan, and what the chair
/// needs to know about them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    pub min: u32,
    pub max: u32,
    /// Scale steps between the lowest and the highest score.
    pub steps: usize,
    /// More than one scale step apart: discuss first.
    pub flagged: bool,
}

pub fn spread(scale: &Scale, scores: &[u32]) -> Option<Spread> {
    let min = *scores.iter().min()?;
    let max = *scores.iter().max()?;
    let steps = scale.steps(min, max);
    Some(Spread { min, max, steps, flagged: steps > 1 })
}

/// A consensus score outside the range of the individual scores needs an explicit justification.
pub fn check_consensus(scale: &Scale, individual: &[u32], consensus: u32, motivation: &str, justification: &str) -> Result<(), String> {
    if !scale.contains(consensus) {
        return Err(format!("{consensus} is geen niveau van de schaal."));
    }
    if motivation.trim().is_empty() {
        return Err("Motiveer de consensusscore aan de hand van de omschrijving van het niveau.".into());
    }
    if let Some(s) = spread(scale, individual) {
        if (consensus < s.min || consensus > s.max) && justification.trim().is_empty() {
            return Err(format!(
                "De consensusscore {consensus} ligt buiten de individuele scores ({} tot {}); licht toe waarom.",
                s.min, s.max
            ));
        }
    }
    Ok(())
}

/// Agenda for the consensus meeting: (plan, criterion) pairs, the largest disagreement first.
pub fn agenda(scale_of: impl Fn(&str) -> Option<Scale>, items: &[(String, String, Vec<u32>)]) -> Vec<(String, String, usize)> {
    let mut out: Vec<(String, String, usize)> = items
        .iter()
        .filter_map(|(plan, crit, s)| {
            let sc = scale_of(crit)?;
            Some((plan.clone(), crit.clone(), spread(&sc, s)?.steps))
        })
        .collect();
    out.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)).then_with(|| a.1.cmp(&b.1)));
    out
}

/// Mean offset of one evaluator from the consensus (in scale points), over the
/// criteria and plans both have scored. Positive: the evaluator scores higher.
pub fn mean_offset(pairs: &[(u32, u32)]) -> Option<f64> {
    if pairs.is_empty() {
        return None;
    }
    Some(pairs.iter().map(|(own, cons)| *own as f64 - *cons as f64).sum::<f64>() / pairs.len() as f64)
}

/// Presets for the published scales, by the name used in the editor.
pub fn scale_preset(name: &str) -> Option<Scale> {
    match name.trim() {
        "0-10" => Some(Scale::zero_to_ten()),
        "1-5" => Some(Scale::Levels(
            [(1, "Slecht"), (2, "Onvoldoende"), (3, "Voldoende"), (4, "Goed"), (5, "Uitstekend")]
                .into_iter()
                .map(|(v, d)| (v, d.to_string()))
                .collect(),
        )),
        "voldoet" => Some(Scale::PassFail),
        _ => None,
    }
}

fn preset_name(s: &Scale) -> &'static str {
    match s {
        Scale::PassFail => "voldoet",
        s if *s == Scale::zero_to_ten() => "0-10",
        _ => "1-5",
    }
}

/// Reads the criteria editor: one criterion per line,
/// `code | naam | gewicht | schaal [| bovenliggende code]`, with the scale
/// `0-10`, `1-5` or `voldoet`. A parent's weight is the sum of its children.
pub fn parse_criteria(text: &str) -> Result<Vec<Criterion>, String> {
    let mut flat: Vec<(Criterion, Option<String>)> = vec![];
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('|').map(str::trim).collect();
        if f.len() < 4 || f.len() > 5 {
            return Err(format!("Regel {}: verwacht 'code | naam | gewicht | schaal', eventueel '| bovenliggende code'.", i + 1));
        }
        let weight: f64 = f[2]
            .replace(',', ".")
            .parse()
            .ok()
            .filter(|w: &f64| w.is_finite() && *w >= 0.0)
            .ok_or_else(|| format!("Regel {}: '{}' is geen gewicht (een getal, 0 of meer).", i + 1, f[2]))?;
        let scale = scale_preset(f[3]).ok_or_else(|| format!("Regel {}: schaal '{}' bestaat niet; kies 0-10, 1-5 of voldoet.", i + 1, f[3]))?;
        if f[0].is_empty() || f[1].is_empty() {
            return Err(format!("Regel {}: geef een code en een naam.", i + 1));
        }
        let parent = f.get(4).filter(|p| !p.is_empty()).map(|p| p.to_string());
        flat.push((Criterion { code: f[0].into(), name: f[1].into(), weight, scale, children: vec![] }, parent));
    }
    fn build(flat: &[(Criterion, Option<String>)], parent: Option<&str>, depth: usize) -> Result<Vec<Criterion>, String> {
        if depth > 3 {
            return Err("Criteria gaan hoogstens drie niveaus diep (controleer de bovenliggende codes).".into());
        }
        let mut out = vec![];
        for (c, p) in flat.iter().filter(|(_, p)| p.as_deref() == parent) {
            let mut c = c.clone();
            c.children = build(flat, Some(&c.code), depth + 1)?;
            let _ = p;
            out.push(c);
        }
        Ok(out)
    }
    for (c, p) in &flat {
        if let Some(p) = p {
            if !flat.iter().any(|(x, _)| &x.code == p) {
                return Err(format!("Criterium {} verwijst naar een onbekend bovenliggend criterium {p}.", c.code));
            }
        }
    }
    build(&flat, None, 0)
}

/// The editor text of a criteria tree (the inverse of `parse_criteria`).
pub fn criteria_text(criteria: &[Criterion]) -> String {
    fn walk(c: &[Criterion], parent: Option<&str>, out: &mut String) {
        for x in c {
            out.push_str(&format!("{} | {} | {} | {}", x.code, x.name, x.weight, preset_name(&x.scale)));
            if let Some(p) = parent {
                out.push_str(&format!(" | {p}"));
            }
            out.push('\n');
            walk(&x.children, Some(&x.code), out);
        }
    }
    let mut out = String::new();
    walk(criteria, None, &mut out);
    out
}

/// Reads the tie-break list: `kwaliteit`, `prijs`, `loting` or a criterion code, comma-separated.
pub fn parse_tie_break(text: &str) -> Vec<TieBreak> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| match s.to_lowercase().as_str() {
            "kwaliteit" => TieBreak::HighestQuality,
            "prijs" => TieBreak::LowestPrice,
            "loting" => TieBreak::Lot,
            _ => TieBreak::HighestOn(s.to_string()),
        })
        .collect()
}

pub fn tie_break_text(t: &[TieBreak]) -> String {
    t.iter()
        .map(|t| match t {
            TieBreak::HighestQuality => "kwaliteit".to_string(),
            TieBreak::LowestPrice => "prijs".to_string(),
            TieBreak::Lot => "loting".to_string(),
            TieBreak::HighestOn(c) => c.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads an amount in euros as typed in Dutch ("1.250.000", "1250000,50", "EUR 1.000.000").
pub fn parse_euros(s: &str) -> Result<i64, String> {
    if let Some((_, tail)) = s.trim().rsplit_once('.') {
        if (1..=2).contains(&tail.len()) && tail.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("'{s}': schrijf centen na een komma (1.250.000,50)."));
        }
    }
    let t: String = s.trim().trim_start_matches("EUR").trim_start_matches('€').trim().chars().filter(|c| *c != '.' && *c != ' ').collect();
    let (whole, frac) = t.split_once(',').unwrap_or((&t, ""));
    let whole: i64 = whole.parse().map_err(|_| format!("'{s}' is geen bedrag in euro."))?;
    let frac: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| format!("'{s}' is geen bedrag in euro."))? * 10,
        2 => frac.parse().map_err(|_| format!("'{s}' is geen bedrag in euro."))?,
        _ => return Err(format!("'{s}': hoogstens twee cijfers achter de komma.")),
    };
    whole.checked_mul(100).and_then(|w| w.checked_add(frac)).filter(|v| *v >= 0).ok_or_else(|| format!("'{s}' is geen bedrag in euro."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(code: &str, weight: f64) -> Criterion {
        Criterion { code: code.into(), name: format!("Criterium {code}"), weight, scale: Scale::zero_to_ten(), children: vec![] }
    }

    fn method(price: PriceMethod, quality: f64) -> Method {
        Method {
            criteria: vec![leaf("K1", quality * 0.6), leaf("K2", quality * 0.4)],
            price,
            total_points: 100.0,
            tie_break: vec![TieBreak::HighestQuality, TieBreak::HighestOn("K1".into()), TieBreak::Lot],
            decimals: 2,
        }
    }

    fn bid(label: &str, k1: u32, k2: u32, euros: i64) -> BidInput {
        BidInput { label: label.into(), levels: [("K1".to_string(), k1), ("K2".to_string(), k2)].into(), price: euros * 100, lot: None }
    }

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

    #[test]
    fn consensus_spread_agenda_and_offsets() {
        let s = Scale::zero_to_ten();
        assert_eq!(spread(&s, &[6, 8]).unwrap().flagged, false);
        let sp = spread(&s, &[4, 8, 6]).unwrap();
        assert_eq!((sp.min, sp.max, sp.steps, sp.flagged), (4, 8, 2, true));
        // A 4 and an 8 need not become a 6; outside the range needs a justification.
        assert_eq!(check_consensus(&s, &[4, 8], 8, "Sluit aan bij 'goed'", ""), Ok(()));
        assert!(check_consensus(&s, &[4, 8], 10, "Uitstekend", "").unwrap_err().contains("buiten"));
        assert_eq!(check_consensus(&s, &[4, 8], 10, "Uitstekend", "Bij nader inzien volledig"), Ok(()));
        assert!(check_consensus(&s, &[4, 8], 6, "", "").unwrap_err().contains("Motiveer"));
        assert!(check_consensus(&s, &[4, 8], 5, "x", "").is_err());
        let items = vec![
            ("Inschrijving K".to_string(), "K1".to_string(), vec![6, 6]),
            ("Inschrijving K".to_string(), "K2".to_string(), vec![2, 10]),
            ("Inschrijving P".to_string(), "K1".to_string(), vec![4, 8]),
        ];
        let a = agenda(|_| Some(Scale::zero_to_ten()), &items);
        assert_eq!(a[0], ("Inschrijving K".into(), "K2".into(), 4));
        assert_eq!(a[2].2, 0);
        assert_eq!(mean_offset(&[(8, 6), (6, 6), (4, 6)]), Some(0.0));
        assert_eq!(mean_offset(&[(8, 6), (10, 6)]), Some(3.0));
        assert_eq!(show_price(1_250_000_00), "EUR 1.250.000,00");
    }

    #[test]
    fn the_editor_text_round_trips_and_explains_mistakes() {
        let text = "K1 | Visie en aanpak | 40 | 0-10\nK1.1 | Preventie | 25 | 0-10 | K1\nK1.2 | Op school | 15 | 0-10 | K1\nK2 | Samenwerking | 60 | 1-5\nG | Geschiktheid | 0 | voldoet\n";
        let c = parse_criteria(text).unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].children.len(), 2);
        assert_eq!(criteria_text(&c), text);
        let m = Method { criteria: c, price: PriceMethod::QualityOnly { fixed_price: None }, total_points: 100.0, tie_break: parse_tie_break("kwaliteit, K1.1, loting"), decimals: 2 };
        assert_eq!(m.check(), Ok(()));
        assert_eq!(tie_break_text(&m.tie_break), "kwaliteit, K1.1, loting");
        assert!(parse_criteria("K1 | x | veel | 0-10").unwrap_err().contains("Regel 1"));
        assert!(parse_criteria("K1 | x | 10 | 0-100").unwrap_err().contains("0-10, 1-5 of voldoet"));
        assert!(parse_criteria("K1 | x | 10 | 0-10 | K9").unwrap_err().contains("K9"));
        assert!(parse_criteria("K1 | x | 10").is_err());
        assert_eq!(parse_euros("1.250.000"), Ok(1_250_000_00));
        assert_eq!(parse_euros("EUR 1.000.000,5"), Ok(1_000_000_50));
        assert!(parse_euros("1250000.50").unwrap_err().contains("komma"));
        assert!(parse_euros("-5").is_err());
        assert!(parse_euros("veel").is_err());
    }
}
