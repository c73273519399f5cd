//! The consensus meeting: how far the individual scores on a cell lie apart,
//! the agenda by disagreement, each evaluator's mean offset, and the rule that
//! a consensus outside the individual range needs a justification.

use super::Scale;
use crate::refusal::{Refusal, Ruling};
use serde::{Deserialize, Serialize};

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
pub fn check_consensus(scale: &Scale, individual: &[u32], consensus: u32, motivation: &str, justification: &str) -> Ruling {
    if !scale.contains(consensus) {
        return Err(Refusal::Invalid(format!("{consensus} is geen niveau van de schaal.")));
    }
    if motivation.trim().is_empty() {
        return Err(Refusal::Invalid("Motiveer de consensusscore aan de hand van de omschrijving van het niveau.".into()));
    }
    if let Some(s) = spread(scale, individual) {
        if (consensus < s.min || consensus > s.max) && justification.trim().is_empty() {
            return Err(Refusal::Invalid(format!(
                "De consensusscore {consensus} ligt buiten de individuele scores ({} tot {}); licht toe waarom.",
                s.min, s.max
            )));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::show_price;

    #[test]
    fn consensus_spread_agenda_and_offsets() {
        let s = Scale::zero_to_ten();
        assert!(!spread(&s, &[6, 8]).unwrap().flagged);
        let sp = spread(&s, &[4, 8, 6]).unwrap();
        assert_eq!((sp.min, sp.max, sp.steps, sp.flagged), (4, 8, 2, true));
        // A 4 and an 8 need not become a 6; outside the range needs a justification.
        assert_eq!(check_consensus(&s, &[4, 8], 8, "Sluit aan bij 'goed'", ""), Ok(()));
        assert!(check_consensus(&s, &[4, 8], 10, "Uitstekend", "").unwrap_err().message().contains("buiten"));
        assert_eq!(check_consensus(&s, &[4, 8], 10, "Uitstekend", "Bij nader inzien volledig"), Ok(()));
        assert!(check_consensus(&s, &[4, 8], 6, "", "").unwrap_err().message().contains("Motiveer"));
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
}
