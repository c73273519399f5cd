//! Setting a tender up before publication: its procedure, the estimated
//! value against the threshold of the EU light regime, a school of its scope,
//! its contract term, and who may join its team.

use crate::access::Role;
use crate::calendar::ContractTerm;
use crate::money::{show_price, Money};
use crate::refusal::{Refusal, Ruling};
use crate::status::PartKind;
use crate::values::{Brin, Fte, Slug};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The threshold of the light regime for social and other specific services
/// (Directive 2014/24 art. 4(d)): EUR 750,000 excluding VAT, options
/// included. A setting, with this default (in cents).
pub const LIGHT_REGIME_THRESHOLD: Money = match Money::from_cents_const(75_000_000) {
    Some(m) => m,
    None => panic!("a positive amount"),
};

/// The least number of inkopers a published tender keeps: the opening takes
/// two different ones.
pub const MIN_INKOPERS: usize = 2;

/// The least number of inkopers a tender needs to be published: they hold
/// the key its bids are sealed to, any two of them open it, so one who is
/// lost (ill, gone, a forgotten passphrase) is not needed.
pub const MIN_KEY_HOLDERS: usize = 3;

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

/// A team profile of the scope: its name and a note ("voorheen …").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub name: String,
    pub note: String,
}

/// One line of the formation: fte of a profile in a region, now and the
/// extension the tender buys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormationLine {
    pub profile: String,
    pub region: String,
    pub current: Fte,
    pub extension: Fte,
}

/// A part of a bid as the set-up page enters it (envelope 1 or 2; the price
/// part of envelope 3 follows from the award method).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartLine {
    pub envelope: i32,
    pub name: String,
    pub kind: PartKind,
    pub required: bool,
    pub max_bytes: i64,
    pub description: String,
}

/// The cells of a line "a | b | c", trimmed.
fn cells(line: &str) -> Vec<&str> {
    line.split('|').map(str::trim).collect()
}

/// The non-empty lines of a text, with their line numbers (from 1).
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())).filter(|(_, l)| !l.is_empty())
}

fn cell_text(v: &str, max: usize, what: &str, line: usize) -> Ruling<String> {
    if v.is_empty() || v.chars().count() > max {
        return Err(Refusal::Invalid(format!("Regel {line}: {what} ontbreekt of is langer dan {max} tekens.")));
    }
    Ok(v.to_string())
}

/// Reads the profiles, one a line: "naam | toelichting" (the note may be left out).
pub fn parse_profiles(text: &str) -> Ruling<Vec<Profile>> {
    let mut out = vec![];
    for (n, l) in lines(text) {
        let c = cells(l);
        if c.len() > 2 {
            return Err(Refusal::Invalid(format!("Regel {n}: schrijf 'naam | toelichting'.")));
        }
        out.push(Profile {
            name: cell_text(c[0], 200, "de naam van het profiel", n)?,
            note: c.get(1).map(|s| s.to_string()).unwrap_or_default().chars().take(500).collect(),
        });
    }
    if out.len() > 50 {
        return Err(Refusal::invalid("Hoogstens 50 profielen."));
    }
    Ok(out)
}

/// Reads the formation, one a line: "profiel | regio | huidig fte | uitbreiding fte".
pub fn parse_formation(text: &str) -> Ruling<Vec<FormationLine>> {
    let mut out = vec![];
    for (n, l) in lines(text) {
        let c = cells(l);
        if c.len() != 4 {
            return Err(Refusal::Invalid(format!("Regel {n}: schrijf 'profiel | regio | huidig fte | uitbreiding fte'.")));
        }
        let fte = |s: &str| Fte::parse(s).map_err(|e| Refusal::Invalid(format!("Regel {n}: {}", e.message())));
        out.push(FormationLine {
            profile: cell_text(c[0], 200, "het profiel", n)?,
            region: cell_text(c[1], 200, "de regio", n)?,
            current: fte(c[2])?,
            extension: fte(c[3])?,
        });
    }
    if out.len() > 200 {
        return Err(Refusal::invalid("Hoogstens 200 regels formatie."));
    }
    Ok(out)
}

/// Reads the partners (samenwerkingsverbanden and the like), one a line.
pub fn parse_partners(text: &str) -> Ruling<Vec<String>> {
    let out: Vec<String> = lines(text).map(|(n, l)| cell_text(l, 200, "de naam", n)).collect::<Ruling<_>>()?;
    if out.len() > 50 {
        return Err(Refusal::invalid("Hoogstens 50 samenwerkingspartners."));
    }
    Ok(out)
}

/// Reads the parts of a bid, one a line: "envelop | naam | bestand of
/// formulier | verplicht of optioneel | hoogstens MB | omschrijving".
pub fn parse_parts(text: &str) -> Ruling<Vec<PartLine>> {
    let mut out = vec![];
    for (n, l) in lines(text) {
        let c = cells(l);
        if c.len() != 6 {
            return Err(Refusal::Invalid(format!(
                "Regel {n}: schrijf 'envelop | naam | bestand of formulier | verplicht of optioneel | hoogstens MB | omschrijving'."
            )));
        }
        let envelope = match c[0] {
            "1" => 1,
            "2" => 2,
            _ => {
                return Err(Refusal::Invalid(format!(
                    "Regel {n}: envelop 1 (geschiktheid) of 2 (kwaliteit); de prijs (envelop 3) volgt uit de gunningsmethode."
                )))
            }
        };
        let kind = match c[2].to_lowercase().as_str() {
            "bestand" => PartKind::Bestand,
            "formulier" => PartKind::Formulier,
            other => return Err(Refusal::Invalid(format!("Regel {n}: soort 'bestand' of 'formulier', niet '{other}'."))),
        };
        let required = match c[3].to_lowercase().as_str() {
            "verplicht" | "ja" => true,
            "optioneel" | "nee" => false,
            other => return Err(Refusal::Invalid(format!("Regel {n}: 'verplicht' of 'optioneel', niet '{other}'."))),
        };
        let mb: i64 = c[4]
            .parse()
            .ok()
            .filter(|m| (1..=100).contains(m))
            .ok_or_else(|| Refusal::Invalid(format!("Regel {n}: de grootte is 1 tot 100 MB, in hele MB.")))?;
        out.push(PartLine {
            envelope,
            name: cell_text(c[1], 200, "de naam", n)?,
            kind,
            required,
            max_bytes: if kind == PartKind::Formulier { 10_000 } else { mb * 1_000_000 },
            description: c[5].chars().take(1000).collect(),
        });
    }
    if out.is_empty() {
        return Err(Refusal::invalid("Een inschrijving bestaat uit ten minste één onderdeel."));
    }
    if !out.iter().any(|p| p.envelope == 2) {
        return Err(Refusal::invalid("Envelop 2 (het kwaliteitsplan dat anoniem wordt beoordeeld) heeft ten minste één onderdeel."));
    }
    if out.len() > 30 {
        return Err(Refusal::invalid("Hoogstens 30 onderdelen."));
    }
    Ok(out)
}

/// A buyer (gemeente) as entered: its name, and the short name that links and
/// forms use.
pub fn buyer(name: &str) -> Ruling<(Slug, String)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Refusal::invalid("Vul de naam van de gemeente in (hoogstens 100 tekens)."));
    }
    Ok((Slug::from_name(name)?, name.to_string()))
}

/// By how many whole years a copy moves its contract term: the shift of the
/// planned publication, rounded to whole years (so a term that starts on
/// 1 January still does).
pub fn shift_years(from: NaiveDate, to: NaiveDate) -> i32 {
    ((to - from).num_days() as f64 / 365.25).round() as i32
}

/// A term moved by `years` whole years.
pub fn shift_term(t: &ContractTerm, years: i32) -> ContractTerm {
    let shift = |d: NaiveDate| {
        let moved = d.with_year(d.year() + years);
        // 29 February of a year that has none becomes 28 February.
        moved.unwrap_or_else(|| NaiveDate::from_ymd_opt(d.year() + years, d.month(), 28).expect("a valid date"))
    };
    ContractTerm { start: shift(t.start), initial_end: shift(t.initial_end), option_years: t.option_years.clone(), notice_months: t.notice_months, decisions: vec![] }
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

    #[test]
    fn profiles_formation_partners_and_parts_are_read_line_by_line_with_the_line_of_a_mistake() {
        let p = parse_profiles("Jeugd- en Schoolcoach | voorheen coach\n\nGedragswetenschapper").unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[1].note, "");
        let f = parse_formation("Coach | regio | 4,5 | 0\nGedragswetenschapper | Noord | 0.44 | 0,56").unwrap();
        assert_eq!(f[1].current.to_string(), "0,44");
        let e = parse_formation("Coach | regio | 4,5 | 0\nCoach | regio | veel | 0").unwrap_err();
        assert!(e.message().starts_with("Regel 2:"), "{}", e.message());
        assert!(parse_formation("Coach | regio | 4,5").unwrap_err().message().contains("Regel 1"));
        assert_eq!(parse_partners("SWV Noord\n SWV Midden \n").unwrap(), vec!["SWV Noord", "SWV Midden"]);
        let parts = parse_parts("1 | UEA | bestand | verplicht | 10 | Het UEA\n2 | Kwaliteitsplan | bestand | verplicht | 25 | Anoniem").unwrap();
        assert_eq!(parts[1].max_bytes, 25_000_000);
        assert!(parse_parts("1 | UEA | bestand | verplicht | 10 | x").unwrap_err().message().contains("Envelop 2"));
        assert!(parse_parts("3 | Prijs | bestand | verplicht | 1 | x").unwrap_err().message().contains("gunningsmethode"));
        assert!(parse_parts("2 | Plan | video | verplicht | 1 | x").unwrap_err().message().contains("'video'"));
        assert_eq!(buyer(" Dijk en Waard ").unwrap().0.as_str(), "dijk-en-waard");
    }

    #[test]
    fn a_copy_moves_the_term_by_whole_years() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(shift_years(d(2023, 5, 17), d(2026, 3, 1)), 3);
        assert_eq!(shift_years(d(2023, 5, 17), d(2023, 9, 1)), 0);
        let t = ContractTerm::jeugd_en_schoolteam();
        let moved = shift_term(&t, 3);
        assert_eq!(moved.start, d(2027, 1, 1));
        assert_eq!(moved.max_end(), d(2036, 12, 31));
        let leap = ContractTerm { start: d(2024, 2, 29), initial_end: d(2025, 2, 28), option_years: vec![], notice_months: 6, decisions: vec![] };
        assert_eq!(shift_term(&leap, 1).start, d(2025, 2, 28));
    }
}
