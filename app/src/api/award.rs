//! The award method: reading it, editing it before publication, and the
//! simulation with invented bids (nothing of a simulation is stored).

use crate::error::AppError;
use crate::ids::TenderId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CriterionRow {
    pub code: String,
    pub name: String,
    pub weight: String,
    pub depth: usize,
    /// (level, descriptor) of the published scale.
    pub levels: Vec<(u32, String)>,
    pub scored: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AwardData {
    pub tender: TenderId,
    pub present: bool,
    pub rows: Vec<CriterionRow>,
    pub quality_points: String,
    pub price_label: String,
    /// Human description of the price formula with its parameters.
    pub price_text: String,
    pub total_points: String,
    pub tie_break: Vec<String>,
    /// Problems that block publication.
    pub problems: Vec<String>,
    pub frozen: bool,
    pub fingerprint: Option<String>,
    pub may_edit: bool,
    pub may_simulate: bool,
    /// The editor's current values.
    pub criteria_text: String,
    pub price_kind: String,
    pub price_points: String,
    pub band_min: String,
    pub band_max: String,
    pub log_a: String,
    pub value_per_point: String,
    pub fixed_price: String,
    pub tie_break_text: String,
    /// Leaf criterion codes in the order the simulation expects levels.
    pub leaf_codes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimulationRow {
    pub rank: usize,
    pub label: String,
    pub quality: String,
    pub price_points: String,
    pub total: String,
    pub tie_note: Option<String>,
    /// The highest price at which this bid would rank first, all else equal.
    pub flip: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimulationData {
    pub rows: Vec<SimulationRow>,
    pub excluded: Vec<String>,
    pub unresolved_tie: Option<String>,
    pub value_method: bool,
}

#[cfg(feature = "ssr")]
fn points(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    s.replace('.', ",")
}

#[server(endpoint = "award_view")]
pub async fn award_view(id: TenderId) -> Result<AwardData, AppError> {
    use super::guard;
    use crate::domain::access::{Action, Phase};
    use crate::domain::scoring::{self, PriceMethod, Scale};
    use crate::store::award;
    guard::run(async move {
        let ok = guard::require(id, Action::ViewAwardMethod).await?;
        let phase = *ok.tender.phase;
        let m = award::method_of(&ok.tender);
        let mut rows = vec![];
        fn walk(c: &[scoring::Criterion], depth: usize, rows: &mut Vec<CriterionRow>) {
            for x in c {
                rows.push(CriterionRow {
                    code: x.code.clone(),
                    name: x.name.clone(),
                    weight: if x.scale == Scale::PassFail { "voldoet / voldoet niet".into() } else { points(x.weight) },
                    depth,
                    levels: match &x.scale {
                        Scale::Levels(l) if x.children.is_empty() => l.clone(),
                        Scale::PassFail => vec![(1, "Voldoet".into()), (0, "Voldoet niet".into())],
                        _ => vec![],
                    },
                    scored: x.children.is_empty(),
                });
                walk(&x.children, depth + 1, rows);
            }
        }
        let euros = scoring::show_amount;
        let (mut price_kind, mut price_points, mut band_min, mut band_max, mut log_a, mut value, mut fixed) =
            ("kwaliteit".to_string(), String::new(), String::new(), String::new(), "2".to_string(), String::new(), String::new());
        let mut price_text = String::new();
        if let Some(m) = &m {
            walk(&m.criteria, 0, &mut rows);
            match &m.price {
                PriceMethod::QualityOnly { fixed_price } => {
                    fixed = fixed_price.map(euros).unwrap_or_default();
                    price_text = match fixed_price {
                        Some(p) => format!("Vaste prijs van {}; de inschrijvingen concurreren alleen op kwaliteit.", scoring::show_price(*p)),
                        None => "Vast budget volgens de aanbestedingsstukken; de inschrijvingen concurreren alleen op kwaliteit.".into(),
                    };
                }
                PriceMethod::Relative { points: p } => {
                    price_kind = "relatief".into();
                    price_points = points(*p);
                    price_text = format!("Prijspunten = {} x laagste prijs / eigen prijs.", points(*p));
                }
                PriceMethod::FixedBand { points: p, min, max } => {
                    price_kind = "bandbreedte".into();
                    price_points = points(*p);
                    band_min = euros(*min);
                    band_max = euros(*max);
                    price_text = format!(
                        "Prijspunten = {} x (bovengrens - prijs) / (bovengrens - ondergrens), tussen 0 en {}; ondergrens {}, bovengrens {}.",
                        points(*p),
                        points(*p),
                        scoring::show_price(*min),
                        scoring::show_price(*max)
                    );
                }
                PriceMethod::Logarithmic { points: p, a } => {
                    price_kind = "logaritmisch".into();
                    price_points = points(*p);
                    log_a = points(*a);
                    price_text = format!(
                        "Prijspunten = {} x (1 - log(prijs / laagste prijs) / log {}), minimaal 0: wie {} keer de laagste prijs vraagt, krijgt 0 punten.",
                        points(*p),
                        points(*a),
                        points(*a)
                    );
                }
                PriceMethod::Value { euro_cents_per_point } => {
                    price_kind = "waarde".into();
                    value = euros(*euro_cents_per_point);
                    price_text = format!(
                        "Fictieve prijs = prijs - kwaliteitspunten x {}; de laagste fictieve prijs wint.",
                        scoring::show_price(*euro_cents_per_point)
                    );
                }
            }
        }
        let problems = match &m {
            None => vec!["Er is nog geen gunningsmethode vastgelegd.".to_string()],
            Some(m) => m.check().err().unwrap_or_default(),
        };
        Ok(AwardData {
            tender: id,
            present: m.is_some(),
            rows,
            quality_points: m.as_ref().map(|m| points(m.quality_points())).unwrap_or_default(),
            price_label: m.as_ref().map(|m| m.price.label().to_string()).unwrap_or_default(),
            price_text,
            total_points: m.as_ref().map(|m| points(m.total_points)).unwrap_or_else(|| "100".into()),
            tie_break: m
                .as_ref()
                .map(|m| {
                    m.tie_break
                        .iter()
                        .map(|t| match t {
                            scoring::TieBreak::HighestQuality => "de hoogste kwaliteitsscore".to_string(),
                            scoring::TieBreak::LowestPrice => "de laagste prijs".to_string(),
                            scoring::TieBreak::HighestOn(c) => format!("de hoogste score op criterium {c}"),
                            scoring::TieBreak::Lot => "loting onder toezicht".to_string(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            problems,
            frozen: ok.tender.published_at.is_some() || phase != Phase::Concept,
            fingerprint: m.as_ref().map(award::fingerprint),
            may_edit: ok.may(Action::ManageAwardMethod),
            may_simulate: ok.may(Action::SimulateAward),
            criteria_text: m.as_ref().map(|m| scoring::criteria_text(&m.criteria)).unwrap_or_default(),
            price_kind,
            price_points,
            band_min,
            band_max,
            log_a,
            value_per_point: value,
            fixed_price: fixed,
            tie_break_text: m.as_ref().map(|m| scoring::tie_break_text(&m.tie_break)).unwrap_or_else(|| "kwaliteit, loting".into()),
            leaf_codes: m.as_ref().map(|m| m.leaves().iter().map(|c| c.code.clone()).collect()).unwrap_or_default(),
        })
    })
    .await
}

/// The award method editor as the form sends it: every field as typed
/// (the fields of other price methods are ignored).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MethodForm {
    pub criteria: String,
    pub prijsmethode: String,
    pub prijspunten: Option<String>,
    pub ondergrens: Option<String>,
    pub bovengrens: Option<String>,
    pub factor: Option<String>,
    pub waarde: Option<String>,
    pub vaste_prijs: Option<String>,
    pub beslisregels: String,
    pub totaal: Option<String>,
}

impl MethodForm {
    /// The method the form describes, or what is wrong with it.
    #[cfg(feature = "ssr")]
    fn method(&self) -> Result<crate::domain::scoring::Method, AppError> {
        use crate::domain::scoring::{parse_criteria, parse_euros, parse_tie_break, Method, PriceMethod};
        let num = |s: &Option<String>, what: &str| -> Result<f64, AppError> {
            let t = s.as_deref().unwrap_or_default().trim().replace(',', ".");
            t.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| AppError::Invalid(format!("Vul bij {what} een getal in (0 of meer).")))
        };
        let money = |s: &Option<String>, what: &str| -> Result<i64, AppError> {
            parse_euros(s.as_deref().unwrap_or_default()).map_err(|e| AppError::Invalid(format!("{what}: {e}")))
        };
        let price = match self.prijsmethode.as_str() {
            "kwaliteit" => PriceMethod::QualityOnly {
                fixed_price: match self.vaste_prijs.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                    None => None,
                    Some(_) => Some(money(&self.vaste_prijs, "Vaste prijs")?),
                },
            },
            "relatief" => PriceMethod::Relative { points: num(&self.prijspunten, "prijspunten")? },
            "bandbreedte" => PriceMethod::FixedBand {
                points: num(&self.prijspunten, "prijspunten")?,
                min: money(&self.ondergrens, "Ondergrens")?,
                max: money(&self.bovengrens, "Bovengrens")?,
            },
            "logaritmisch" => PriceMethod::Logarithmic { points: num(&self.prijspunten, "prijspunten")?, a: num(&self.factor, "factor A")? },
            "waarde" => PriceMethod::Value { euro_cents_per_point: money(&self.waarde, "Waarde per kwaliteitspunt")? },
            _ => return Err(AppError::Invalid("Kies een prijsmethode.".into())),
        };
        if self.criteria.len() > 20_000 {
            return Err(AppError::Invalid("De criteria zijn te lang.".into()));
        }
        Ok(Method {
            criteria: parse_criteria(&self.criteria).map_err(AppError::Invalid)?,
            price,
            total_points: match self.totaal.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => 100.0,
                Some(_) => num(&self.totaal, "het totaal aantal punten")?,
            },
            tie_break: parse_tie_break(&self.beslisregels),
            decimals: 2,
        })
    }
}

/// Saves the method from the editor.
#[server(endpoint = "save_award_method")]
pub async fn save_award_method(id: TenderId, #[server(flatten)] form: MethodForm) -> Result<(), AppError> {
    use super::guard;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::ManageAwardMethod).await?;
        let m = form.method()?;
        if crate::store::award::save(&mut op, &m).await? {
            op.commit().await?;
        }
        Ok(())
    })
    .await
}

/// Ranks invented bids, one per line: `naam | niveaus per criterium | prijs`,
/// the levels in the order of the criteria, separated by spaces.
#[server(endpoint = "simulate_award")]
pub async fn simulate_award(id: TenderId, inschrijvingen: String) -> Result<SimulationData, AppError> {
    use super::guard;
    use crate::domain::scoring::{self, parse_euros, BidInput, PriceMethod};
    use crate::store::award;
    guard::run(async move {
        let ok = guard::require(id, crate::domain::access::Action::SimulateAward).await?;
        let m = award::method_of(&ok.tender).ok_or_else(|| AppError::Conflict("Leg eerst een gunningsmethode vast.".into()))?;
        let codes: Vec<String> = m.leaves().iter().map(|c| c.code.clone()).collect();
        let mut bids = vec![];
        for (i, line) in inschrijvingen.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).take(50) {
            let f: Vec<&str> = line.split('|').map(str::trim).collect();
            if f.len() < 2 {
                return Err(AppError::Invalid(format!("Regel {}: verwacht 'naam | niveaus | prijs'.", i + 1)));
            }
            let levels: Vec<u32> = f[1]
                .split_whitespace()
                .map(|v| v.parse::<u32>().map_err(|_| AppError::Invalid(format!("Regel {}: '{v}' is geen niveau.", i + 1))))
                .collect::<Result<_, _>>()?;
            if levels.len() != codes.len() {
                return Err(AppError::Invalid(format!(
                    "Regel {}: geef {} niveaus, één per criterium ({}).",
                    i + 1,
                    codes.len(),
                    codes.join(", ")
                )));
            }
            let price = match (f.get(2).map(|s| s.trim()).filter(|s| !s.is_empty()), &m.price) {
                (_, PriceMethod::QualityOnly { .. }) => 0,
                (Some(p), _) => parse_euros(p).map_err(|e| AppError::Invalid(format!("Regel {}: {e}", i + 1)))?,
                (None, _) => return Err(AppError::Invalid(format!("Regel {}: geef een prijs.", i + 1))),
            };
            let label = if f[0].is_empty() { format!("Inschrijving {}", i + 1) } else { f[0].chars().take(60).collect() };
            if bids.iter().any(|b: &BidInput| b.label == label) {
                return Err(AppError::Invalid(format!("Regel {}: de naam '{label}' komt al voor.", i + 1)));
            }
            bids.push(BidInput { label, levels: codes.iter().cloned().zip(levels).collect(), price, lot: None });
        }
        if bids.is_empty() {
            return Err(AppError::Invalid("Voer minstens één inschrijving in.".into()));
        }
        let out = scoring::rank(&m, &bids)?;
        let value = matches!(m.price, PriceMethod::Value { .. });
        let rows = out
            .ranking
            .iter()
            .map(|r| {
                let who = bids.iter().position(|b| b.label == r.label).unwrap_or(0);
                SimulationRow {
                    rank: r.rank,
                    label: r.label.clone(),
                    quality: points(r.quality),
                    price_points: points(r.price_points),
                    total: if value { scoring::show_price(r.total.round() as i64) } else { points(r.total) },
                    tie_note: r.tie_note.clone(),
                    flip: scoring::flip_price(&m, &bids, who).map(scoring::show_price),
                }
            })
            .collect();
        Ok(SimulationData {
            rows,
            excluded: out.excluded,
            unresolved_tie: out.unresolved_tie.map(|(a, b)| format!("{a} en {b} staan gelijk; alleen loting beslist.")),
            value_method: value,
        })
    })
    .await
}
