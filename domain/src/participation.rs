//! Each gemeente's own course through the procurement: deelnemend, then
//! either teruggetrokken (any moment until it signs) or ondertekend; and what
//! depends on who still takes part: the contract parties, the schools in
//! scope and each gemeente's share of volume and budget by the tender's rule.

use super::tender::Participation;
use crate::refusal::{Refusal, Ruling};
use serde::{Deserialize, Serialize};

crate::coded_enum! {
    /// How volume and budget are divided over the gemeenten that take part, as
    /// the tender documents state it.
    pub enum ShareRule {
        /// In proportion to the number of schools in scope in each gemeente.
        BySchools = "scholen",
        /// In proportion to a published key per gemeente (e.g. pupils or inhabitants 12-17).
        ByKey = "sleutel",
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Buyer {
    pub name: String,
    pub status: Participation,
    /// Schools in scope located in this gemeente.
    pub schools: u32,
    /// The published key for `ShareRule::ByKey`.
    pub key: f64,
}

/// A withdrawal, refused once the gemeente has signed.
pub fn withdraw(b: &Buyer, reason: &str, decision: &str) -> Ruling<Participation> {
    match b.status {
        Participation::Ondertekend => Err(Refusal::Conflict(format!(
            "{} heeft de overeenkomst al ondertekend; terugtrekken kan alleen tot het moment van ondertekenen.",
            b.name
        ))),
        Participation::Teruggetrokken => Err(Refusal::Conflict(format!("{} heeft zich al teruggetrokken.", b.name))),
        Participation::Deelnemend if reason.trim().is_empty() => Err(Refusal::Invalid("Geef de reden van het terugtrekken.".into())),
        Participation::Deelnemend if decision.trim().is_empty() => {
            Err(Refusal::Invalid("Geef het kenmerk van het besluit (bijvoorbeeld het collegebesluit) waarmee de gemeente zich terugtrekt.".into()))
        }
        Participation::Deelnemend => Ok(Participation::Teruggetrokken),
    }
}

/// A signature, possible only while the gemeente takes part and the procedure
/// allows signing (standstill over, not suspended): `procedure` says why not.
pub fn sign(b: &Buyer, procedure: Ruling) -> Ruling<Participation> {
    match b.status {
        Participation::Ondertekend => Err(Refusal::Conflict(format!("{} heeft al ondertekend.", b.name))),
        Participation::Teruggetrokken => Err(Refusal::Conflict(format!("{} heeft zich teruggetrokken en ondertekent niet.", b.name))),
        Participation::Deelnemend => procedure.map(|_| Participation::Ondertekend),
    }
}

/// Whether every gemeente has withdrawn: then the procurement is cancelled.
pub fn all_withdrawn(buyers: &[Buyer]) -> bool {
    !buyers.is_empty() && buyers.iter().all(|b| b.status == Participation::Teruggetrokken)
}

/// The gemeenten that remain contract parties, in order.
pub fn parties(buyers: &[Buyer]) -> Vec<&str> {
    buyers.iter().filter(|b| b.status != Participation::Teruggetrokken).map(|b| b.name.as_str()).collect()
}

/// Schools in scope of the gemeenten that still take part.
pub fn schools_in_scope(buyers: &[Buyer]) -> u32 {
    buyers.iter().filter(|b| b.status != Participation::Teruggetrokken).map(|b| b.schools).sum()
}

/// Each remaining gemeente's share (0..1) by the rule; withdrawn gemeenten get 0.
/// Shares of the remaining gemeenten add up to 1 (when any basis is positive).
pub fn shares(buyers: &[Buyer], rule: &ShareRule) -> Vec<(String, f64)> {
    let basis = |b: &Buyer| match rule {
        ShareRule::BySchools => b.schools as f64,
        ShareRule::ByKey => b.key.max(0.0),
    };
    let total: f64 = buyers.iter().filter(|b| b.status != Participation::Teruggetrokken).map(basis).sum();
    buyers
        .iter()
        .map(|b| {
            let s = if b.status == Participation::Teruggetrokken || total <= 0.0 { 0.0 } else { basis(b) / total };
            (b.name.clone(), s)
        })
        .collect()
}

/// A budget divided by the shares, in euro cents, rounded so the parts add up
/// exactly to the total (the remainder goes to the largest shares first).
pub fn split_budget(total_cents: i64, shares: &[(String, f64)]) -> Vec<(String, i64)> {
    let mut parts: Vec<(String, i64, f64)> = shares
        .iter()
        .map(|(n, s)| {
            let exact = total_cents as f64 * s;
            (n.clone(), exact.floor() as i64, exact - exact.floor())
        })
        .collect();
    let assigned: i64 = parts.iter().map(|p| p.1).sum();
    let left = if shares.iter().any(|(_, s)| *s > 0.0) { total_cents - assigned } else { 0 };
    let mut order: Vec<usize> = (0..parts.len()).filter(|i| shares[*i].1 > 0.0).collect();
    order.sort_by(|a, b| parts[*b].2.partial_cmp(&parts[*a].2).unwrap_or(std::cmp::Ordering::Equal));
    for i in order.iter().cycle().take(left.max(0) as usize) {
        parts[*i].1 += 1;
    }
    parts.into_iter().map(|(n, c, _)| (n, c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Participation::*;

    fn b(name: &str, status: Participation, schools: u32, key: f64) -> Buyer {
        Buyer { name: name.into(), status, schools, key }
    }

    fn six() -> Vec<Buyer> {
        vec![
            b("Alkmaar", Deelnemend, 12, 40.0),
            b("Bergen (NH)", Deelnemend, 3, 10.0),
            b("Castricum", Deelnemend, 4, 12.0),
            b("Dijk en Waard", Deelnemend, 6, 25.0),
            b("Heiloo", Deelnemend, 3, 9.0),
            b("Uitgeest", Deelnemend, 1, 4.0),
        ]
    }

    #[test]
    fn withdrawal_is_possible_until_signing_and_needs_a_reason_and_a_decision() {
        let g = six();
        assert_eq!(withdraw(&g[1], "Eigen inkoop", "B&W 2023/114"), Ok(Teruggetrokken));
        assert!(withdraw(&g[1], "", "B&W 2023/114").unwrap_err().message().contains("reden"));
        assert!(withdraw(&g[1], "Eigen inkoop", " ").unwrap_err().message().contains("besluit"));
        let signed = b("Heiloo", Ondertekend, 3, 9.0);
        assert!(withdraw(&signed, "Te laat", "B&W 1").unwrap_err().message().contains("al ondertekend"));
        let gone = b("Uitgeest", Teruggetrokken, 1, 4.0);
        assert!(withdraw(&gone, "x", "y").unwrap_err().message().contains("al teruggetrokken"));
    }

    #[test]
    fn signing_needs_participation_and_the_procedure_to_allow_it() {
        let g = six();
        assert_eq!(sign(&g[0], Ok(())), Ok(Ondertekend));
        assert!(sign(&g[0], Err(Refusal::conflict("De standstilltermijn loopt nog tot 26-10-2023 24:00."))).unwrap_err().message().contains("standstill"));
        assert!(sign(&b("Uitgeest", Teruggetrokken, 1, 4.0), Ok(())).unwrap_err().message().contains("teruggetrokken"));
        assert!(sign(&b("Heiloo", Ondertekend, 3, 9.0), Ok(())).unwrap_err().message().contains("al ondertekend"));
    }

    #[test]
    fn withdrawal_recalculates_parties_schools_and_shares() {
        let mut g = six();
        assert_eq!(schools_in_scope(&g), 29);
        g[1].status = Teruggetrokken; // Bergen withdraws
        assert_eq!(parties(&g), ["Alkmaar", "Castricum", "Dijk en Waard", "Heiloo", "Uitgeest"]);
        assert_eq!(schools_in_scope(&g), 26);
        let s = shares(&g, &ShareRule::BySchools);
        assert_eq!(s[1].1, 0.0);
        assert!((s[0].1 - 12.0 / 26.0).abs() < 1e-12);
        assert!((s.iter().map(|x| x.1).sum::<f64>() - 1.0).abs() < 1e-12);
        let k = shares(&g, &ShareRule::ByKey);
        assert!((k[0].1 - 40.0 / 90.0).abs() < 1e-12);
        // The budget splits to the cent.
        let parts = split_budget(1_000_000_00, &k);
        assert_eq!(parts.iter().map(|p| p.1).sum::<i64>(), 1_000_000_00);
        assert_eq!(parts[1].1, 0);
        assert_eq!(parts[0].1, 444_444_44);
    }

    #[test]
    fn when_every_gemeente_withdraws_the_tender_is_cancelled() {
        let mut g = six();
        assert!(!all_withdrawn(&g));
        for x in g.iter_mut().take(5) {
            x.status = Teruggetrokken;
        }
        assert!(!all_withdrawn(&g));
        g[5].status = Teruggetrokken;
        assert!(all_withdrawn(&g));
        assert!(parties(&g).is_empty());
        assert_eq!(split_budget(100, &shares(&g, &ShareRule::BySchools)).iter().map(|p| p.1).sum::<i64>(), 0);
    }
}
