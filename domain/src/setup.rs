//! Setting a tender up before publication: its procedure, the estimated
//! value against the threshold of the EU light regime, a school of its scope,
//! its contract term, and who may join its team.

use crate::access::Role;
use crate::calendar::ContractTerm;
use crate::money::{show_price, Money};
use crate::refusal::{Refusal, Ruling};
use crate::values::{Brin, Slug};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The threshold of the light regime for social and other specific services
/// (Directive 2014/24 art. 4(d)): EUR 750,000 excluding VAT, options
/// included. A setting, with this default (in cents).
pub const LIGHT_REGIME_THRESHOLD: Money = match Money::from_cents_const(75_000_000) {
    Some(m) => m,
    None => panic!("a positive amount"),
};

/// The least number of inkopers a tender needs to be published: the opening
/// takes two different ones.
pub const MIN_INKOPERS: usize = 2;

crate::coded_enum! {
    /// The kind of procedure.
    pub enum ProcedureKind {
        /// Dialogue-oriented procedure for social and other specific services
        /// (Aanbestedingswet 2012 art. 2.38/2.39).
        SasDialoog = "sas-dialoog",
        /// An open procedure under the same regime.
        SasOpenbaar = "sas-openbaar",
    }
}

impl ProcedureKind {
    pub fn label(self) -> &'static str {
        match self {
            ProcedureKind::SasDialoog => "Dialooggerichte procedure, sociale en andere specifieke diensten",
            ProcedureKind::SasOpenbaar => "Openbare procedure, sociale en andere specifieke diensten",
        }
    }
}

/// What the estimated value means for publication.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Threshold {
    /// No estimated value yet.
    Unknown,
    Below,
    AtOrAbove,
}

impl Threshold {
    pub fn of(value: Option<Money>, threshold: Money) -> Threshold {
        match value {
            None => Threshold::Unknown,
            Some(v) if v >= threshold => Threshold::AtOrAbove,
            Some(_) => Threshold::Below,
        }
    }

    /// What it implies, as the set-up page says it.
    pub fn notice(self, threshold: Money) -> String {
        let t = show_price(threshold.cents());
        match self {
            Threshold::Unknown => format!("Vul de geraamde waarde in (inclusief opties) om te zien of de drempel van {t} wordt bereikt."),
            Threshold::Below => format!(
                "De geraamde waarde ligt onder de drempel van {t}: een Europese aankondiging is niet verplicht; de beginselen van transparantie en gelijke behandeling gelden wel."
            ),
            Threshold::AtOrAbove => format!(
                "De geraamde waarde bereikt de drempel van {t}: een aankondiging van de opdracht (sociale en andere specifieke diensten) op TenderNed en in het Publicatieblad is verplicht, en na de gunning een aankondiging van de gegunde opdracht."
            ),
        }
    }
}

/// A school in the scope of a tender, as entered or imported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct School {
    pub name: String,
    pub brin: Option<Brin>,
    pub school_type: String,
    /// The gemeente (one of the tender's buyers) it lies in.
    pub gemeente: Slug,
    pub pilot: bool,
}

/// The columns of a school import, in order.
pub const SCHOOL_COLUMNS: [&str; 5] = ["naam", "brin", "soort", "gemeente", "pilot"];

/// Reads one school from the fields of an import row (see [`SCHOOL_COLUMNS`]);
/// `gemeenten` are the slugs of the tender's buyers.
pub fn school_row(fields: &[&str], gemeenten: &[Slug]) -> Ruling<School> {
    if fields.len() != SCHOOL_COLUMNS.len() {
        return Err(Refusal::Invalid(format!(
            "verwacht {} kolommen ({}), gevonden {}",
            SCHOOL_COLUMNS.len(),
            SCHOOL_COLUMNS.join(", "),
            fields.len()
        )));
    }
    let name = fields[0].trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(Refusal::invalid("de naam van de school ontbreekt of is langer dan 200 tekens"));
    }
    let brin = match fields[1].trim() {
        "" => None,
        b => Some(Brin::parse(b).map_err(|e| Refusal::Invalid(fragment(e.message())))?),
    };
    let school_type = fields[2].trim();
    if school_type.is_empty() || school_type.chars().count() > 100 {
        return Err(Refusal::invalid("de soort school ontbreekt of is langer dan 100 tekens"));
    }
    let gemeente = Slug::from_name(fields[3]).ok().filter(|g| gemeenten.contains(g)).ok_or_else(|| {
        Refusal::Invalid(format!(
            "'{}' is geen gemeente van deze aanbesteding ({})",
            fields[3].trim(),
            gemeenten.iter().map(|g| g.as_str()).collect::<Vec<_>>().join(", ")
        ))
    })?;
    let pilot = match fields[4].trim().to_lowercase().as_str() {
        "ja" | "j" | "1" | "true" => true,
        "nee" | "n" | "0" | "false" | "" => false,
        other => return Err(Refusal::Invalid(format!("pilot is 'ja' of 'nee', niet '{other}'"))),
    };
    Ok(School { name: name.to_string(), brin, school_type: school_type.to_string(), gemeente, pilot })
}

/// A sentence as part of a row message: first letter lower-case, no full stop.
fn fragment(sentence: &str) -> String {
    let s = sentence.trim_end_matches('.');
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Every school of an import, or every bad row with its line number (and
/// then none is imported). `rows` are (line number, fields), header excluded.
pub fn schools(rows: &[(usize, Vec<&str>)], gemeenten: &[Slug]) -> Result<Vec<School>, Vec<String>> {
    let mut out = vec![];
    let mut bad = vec![];
    let mut seen = std::collections::BTreeSet::new();
    for (line, fields) in rows {
        match school_row(fields, gemeenten) {
            Ok(s) => {
                if let Some(b) = &s.brin {
                    if !seen.insert(b.clone()) {
                        bad.push(format!("Regel {line}: BRIN-code {b} staat al op een eerdere regel."));
                        continue;
                    }
                }
                out.push(s)
            }
            Err(e) => bad.push(format!("Regel {line}: {}.", e.message())),
        }
    }
    if out.is_empty() && bad.is_empty() {
        bad.push("Het bestand bevat geen scholen.".into());
    }
    if bad.is_empty() {
        Ok(out)
    } else {
        Err(bad)
    }
}

/// The contract term as the set-up page enters it: a start, the end of the
/// initial term, options of whole years, and how many months before the
/// current end an option must be decided.
pub fn contract_term(start: NaiveDate, initial_end: NaiveDate, option_years: &[u32], notice_months: u32) -> Ruling<ContractTerm> {
    if initial_end <= start {
        return Err(Refusal::invalid("De initiële looptijd eindigt na de ingangsdatum."));
    }
    if option_years.len() > 10 || option_years.iter().any(|y| *y == 0 || *y > 10) {
        return Err(Refusal::invalid("Opties zijn verlengingen van 1 tot 10 hele jaren; hoogstens 10 opties."));
    }
    if !(1..=24).contains(&notice_months) {
        return Err(Refusal::invalid("De beslistermijn voor opties is 1 tot 24 maanden."));
    }
    Ok(ContractTerm { start, initial_end, option_years: option_years.to_vec(), notice_months, decisions: vec![] })
}

/// Whether someone may join a tender's team in `role`, given the roles they
/// already hold there and whether they belong to a bidding organisation:
/// whoever evaluates cannot also know the bidders (inkoper, waarnemer) or be
/// one, and team roles are not held twice.
pub fn may_join_team(name: &str, role: Role, held: &[Role], bidder: bool) -> Ruling {
    if !matches!(role, Role::Inkoper | Role::Waarnemer | Role::Gemeente) {
        return Err(Refusal::invalid("Kies inkoper, waarnemer of vertegenwoordiger van een gemeente; beoordelaars wijst u aan op de pagina Beoordeling."));
    }
    if held.contains(&role) && role != Role::Gemeente {
        return Err(Refusal::Conflict(format!("{name} is al {} in deze aanbesteding.", role.label().to_lowercase())));
    }
    if held.contains(&Role::Beoordelaar) && matches!(role, Role::Inkoper | Role::Waarnemer) {
        return Err(Refusal::Conflict(format!(
            "{name} is beoordelaar in deze aanbesteding en kan niet ook {} zijn: beoordelen moet anoniem.",
            role.label().to_lowercase()
        )));
    }
    if bidder || held.contains(&Role::Aanbieder) {
        return Err(Refusal::Conflict(format!("{name} hoort bij een inschrijvende organisatie.")));
    }
    Ok(())
}

/// Whether an inkoper may leave the team (or be taken off it): a published
/// tender keeps at least [`MIN_INKOPERS`].
pub fn may_leave_inkopers(published: bool, inkopers: usize) -> Ruling {
    if published && inkopers <= MIN_INKOPERS {
        return Err(Refusal::Conflict(format!(
            "Een gepubliceerde aanbesteding houdt ten minste {MIN_INKOPERS} inkopers: de opening vraagt er twee. Voeg eerst een inkoper toe."
        )));
    }
    if inkopers <= 1 {
        return Err(Refusal::conflict("De laatste inkoper kan niet weg: wie zou de aanbesteding dan beheren?"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(s: &str) -> Slug {
        Slug::parse(s).unwrap()
    }

    #[test]
    fn the_threshold_of_the_light_regime_decides_the_notice() {
        let t = LIGHT_REGIME_THRESHOLD;
        assert_eq!(Threshold::of(None, t), Threshold::Unknown);
        assert_eq!(Threshold::of(Some(Money::from_cents(74_999_999).unwrap()), t), Threshold::Below);
        assert_eq!(Threshold::of(Some(Money::from_cents(75_000_000).unwrap()), t), Threshold::AtOrAbove);
        assert!(Threshold::AtOrAbove.notice(t).contains("EUR 750.000,00"));
        assert!(Threshold::AtOrAbove.notice(t).contains("TenderNed"));
    }

    #[test]
    fn an_import_names_every_bad_row_and_imports_nothing_when_one_is_bad() {
        let gem = [g("alkmaar"), g("heiloo")];
        let rows = vec![
            (2, vec!["De Spinaker", "20AB", "VO", "Alkmaar", "ja"]),
            (3, vec!["Focus", "2XAB", "VO", "Alkmaar", "nee"]),
            (4, vec!["Vonk", "", "VO", "Castricum", "nee"]),
            (5, vec!["Het Lyceum", "21CD", "VO", "Heiloo"]),
            (6, vec!["Dubbel", "20ab", "VO", "heiloo", "nee"]),
        ];
        let errs = schools(&rows, &gem).unwrap_err();
        assert_eq!(errs.len(), 4, "{errs:?}");
        assert!(errs[0].starts_with("Regel 3:") && errs[0].contains("BRIN"), "{errs:?}");
        assert!(errs[1].starts_with("Regel 4:") && errs[1].contains("Castricum"), "{errs:?}");
        assert!(errs[2].starts_with("Regel 5:") && errs[2].contains("5 kolommen"), "{errs:?}");
        assert!(errs[3].starts_with("Regel 6:") && errs[3].contains("eerdere regel"), "{errs:?}");
        let good = vec![(2, vec!["De Spinaker", "20AB", "VO", "Alkmaar", "ja"]), (3, vec!["Het Lyceum", "", "VO", "Heiloo", ""])];
        let s = schools(&good, &gem).unwrap();
        assert_eq!(s.len(), 2);
        assert!(s[0].pilot && !s[1].pilot);
        assert_eq!(s[1].gemeente, g("heiloo"));
        assert!(schools(&[], &gem).is_err(), "an empty file imports nothing");
    }

    #[test]
    fn a_term_needs_an_end_after_its_start_and_options_of_whole_years() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let t = contract_term(d(2025, 8, 1), d(2029, 7, 31), &[1, 1], 6).unwrap();
        assert_eq!(t.max_end(), d(2031, 7, 31));
        assert!(contract_term(d(2025, 8, 1), d(2025, 8, 1), &[], 6).is_err());
        assert!(contract_term(d(2025, 8, 1), d(2026, 8, 1), &[0], 6).is_err());
        assert!(contract_term(d(2025, 8, 1), d(2026, 8, 1), &[1], 0).is_err());
    }

    #[test]
    fn nobody_evaluates_and_knows_the_bidders_and_a_published_tender_keeps_two_inkopers() {
        assert_eq!(may_join_team("Piet", Role::Inkoper, &[], false), Ok(()));
        assert!(may_join_team("Piet", Role::Inkoper, &[Role::Beoordelaar], false).unwrap_err().message().contains("anoniem"));
        assert!(may_join_team("Piet", Role::Waarnemer, &[Role::Waarnemer], false).is_err());
        assert!(may_join_team("Piet", Role::Gemeente, &[Role::Beoordelaar], false).is_ok(), "a gemeente's representative may evaluate");
        assert!(may_join_team("Piet", Role::Inkoper, &[], true).is_err());
        assert!(may_join_team("Piet", Role::Beoordelaar, &[], false).is_err());
        assert!(may_leave_inkopers(true, 2).is_err());
        assert_eq!(may_leave_inkopers(true, 3), Ok(()));
        assert_eq!(may_leave_inkopers(false, 2), Ok(()));
        assert!(may_leave_inkopers(false, 1).is_err());
    }
}
