//! What a score needs (a level of the criterion's scale and a motivation
//! tied to its descriptor) and when a sheet or the consensus is complete.

use super::plan_label;
use crate::refusal::{Refusal, Ruling};
use crate::scoring::{Criterion, Method, Scale};
use crate::status::PlanStatus;
use std::collections::BTreeMap;

/// The shortest motivation accepted for a score: a word or two is no motivation.
pub const MIN_MOTIVATION: usize = 10;
pub const MAX_MOTIVATION: usize = 4000;

/// Checks one score: a level of the criterion's scale and a written motivation.
pub fn check_score(c: &Criterion, level: u32, motivation: &str) -> Ruling {
    if !c.children.is_empty() {
        return Err(Refusal::Invalid(format!("Criterium {} wordt gescoord via zijn subcriteria.", c.code)));
    }
    if !c.scale.contains(level) {
        return Err(Refusal::Invalid(format!("{level} is geen niveau van de schaal van criterium {}.", c.code)));
    }
    let n = motivation.trim().chars().count();
    if n < MIN_MOTIVATION {
        return Err(Refusal::Invalid(format!(
            "Motiveer de score op {} aan de hand van de omschrijving van het niveau (minstens {MIN_MOTIVATION} tekens).",
            c.code
        )));
    }
    if n > MAX_MOTIVATION {
        return Err(Refusal::Invalid(format!("De motivering is te lang (hoogstens {MAX_MOTIVATION} tekens).")));
    }
    Ok(())
}

/// The level's descriptor as a person reads it: "6 (Voldoende)".
pub fn level_text(scale: &Scale, level: u32) -> String {
    match scale.descriptor(level) {
        Some(d) => format!("{level} ({d})"),
        None => level.to_string(),
    }
}

/// What is still missing before a sheet (or the consensus) is complete:
/// every plan scored on every scored criterion, each with a motivation.
/// `scores` maps (plan pseudonym, criterion code) to (level, motivation).
pub fn missing(leaves: &[&Criterion], plans: &[String], scores: &BTreeMap<(String, String), (u32, String)>) -> Vec<String> {
    let mut out = vec![];
    for p in plans {
        let open: Vec<&str> = leaves
            .iter()
            .filter(|c| match scores.get(&(p.clone(), c.code.clone())) {
                Some((level, motivation)) => check_score(c, *level, motivation).is_err(),
                None => true,
            })
            .map(|c| c.code.as_str())
            .collect();
        if !open.is_empty() {
            out.push(format!("{}: nog geen score met motivering op {}.", plan_label(p), open.join(", ")));
        }
    }
    out
}

/// The checks every score passes, individual or consensus: the plan is valid
/// and no report about it waits for the inkoper, the criterion exists and is
/// scored directly, and level and motivation fit its scale. Returns the criterion.
pub fn check_scorable<'m>(
    m: &'m Method,
    pseudonym: &str,
    plan: PlanStatus,
    open_flag: bool,
    criterion: &str,
    level: u32,
    motivation: &str,
) -> Ruling<&'m Criterion> {
    if plan != PlanStatus::TeBeoordelen {
        return Err(Refusal::Conflict(format!("{} is ongeldig verklaard en wordt niet beoordeeld.", plan_label(pseudonym))));
    }
    if open_flag {
        return Err(Refusal::Conflict(format!("Over {} ligt een melding bij de inkoper; wacht op diens besluit.", plan_label(pseudonym))));
    }
    let c = m
        .leaves()
        .into_iter()
        .find(|c| c.code == criterion)
        .ok_or_else(|| Refusal::NotFound(format!("Criterium {criterion} bestaat niet.")))?;
    check_score(c, level, motivation)?;
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(code: &str) -> Criterion {
        Criterion { code: code.into(), name: format!("Criterium {code}"), weight: 10.0, scale: Scale::zero_to_ten(), children: vec![] }
    }

    #[test]
    fn a_score_needs_a_level_of_the_scale_and_a_motivation() {
        let c = leaf("K1");
        assert_eq!(check_score(&c, 6, "Voldoende uitgewerkt, mist voorbeelden."), Ok(()));
        assert!(check_score(&c, 5, "Voldoende uitgewerkt").unwrap_err().message().contains("geen niveau"));
        assert!(check_score(&c, 6, "ok").unwrap_err().message().contains("Motiveer"));
        assert_eq!(level_text(&c.scale, 8), "8 (Goed)");
        let mut scores = BTreeMap::new();
        scores.insert(("K".to_string(), "K1".to_string()), (6, "Voldoende uitgewerkt".to_string()));
        let leaves = [&c, &leaf("K2")];
        let m = missing(&leaves, &["K".into(), "P".into()], &scores);
        assert_eq!(m, vec![
            "Inschrijving K: nog geen score met motivering op K2.".to_string(),
            "Inschrijving P: nog geen score met motivering op K1, K2.".to_string(),
        ]);
    }

    #[test]
    fn a_plan_under_a_report_or_declared_invalid_is_not_scored() {
        let m = Method {
            criteria: vec![leaf("K1")],
            price: crate::scoring::PriceMethod::QualityOnly { fixed_price: None },
            total_points: 10.0,
            tie_break: vec![],
            decimals: 2,
        };
        let why = "Voldoende uitgewerkt, mist voorbeelden.";
        assert_eq!(check_scorable(&m, "K", PlanStatus::TeBeoordelen, false, "K1", 6, why).map(|c| c.code.as_str()), Ok("K1"));
        assert!(matches!(check_scorable(&m, "K", PlanStatus::TeBeoordelen, true, "K1", 6, why), Err(Refusal::Conflict(_))));
        assert!(matches!(check_scorable(&m, "K", PlanStatus::Ongeldig, false, "K1", 6, why), Err(Refusal::Conflict(_))));
        assert!(matches!(check_scorable(&m, "K", PlanStatus::TeBeoordelen, false, "K9", 6, why), Err(Refusal::NotFound(_))));
        assert!(matches!(check_scorable(&m, "K", PlanStatus::TeBeoordelen, false, "K1", 7, why), Err(Refusal::Invalid(_))));
    }
}
