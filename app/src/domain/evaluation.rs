//! The anonymous evaluation and the gunningsbeslissing, as rules: pseudonyms
//! for the quality plans, who may see whose score sheet when, when a sheet and
//! the consensus are complete, and what every award letter must contain
//! before the letters may go out.
//!
//! Evaluators never learn who the bidders are: they see plans under a
//! pseudonym drawn at random at the opening ("Inschrijving K"), so the letter
//! says nothing about the order of submission.

use super::calendar::{show_date, show_instant, Standstill};
use super::scoring::{Criterion, Scale};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Letters for pseudonyms: the alphabet without I and O (they read as 1 and 0).
pub const PSEUDONYM_LETTERS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";

/// The shortest motivation accepted for a score: a word or two is no motivation.
pub const MIN_MOTIVATION: usize = 10;
pub const MAX_MOTIVATION: usize = 4000;

/// Draws `n` distinct pseudonyms uniformly at random (Fisher-Yates on the
/// candidates, with rejection sampling so no candidate is favoured). One
/// letter while they suffice, two letters beyond 24 plans.
pub fn draw_pseudonyms(n: usize, mut random_u32: impl FnMut() -> u32) -> Vec<String> {
    let singles: Vec<String> = PSEUDONYM_LETTERS.iter().map(|c| (*c as char).to_string()).collect();
    let mut pool: Vec<String> = if n <= singles.len() {
        singles
    } else {
        singles.iter().flat_map(|a| singles.iter().map(move |b| format!("{a}{b}"))).collect()
    };
    assert!(n <= pool.len(), "more plans than pseudonyms");
    let mut below = |bound: u32| -> u32 {
        // Reject the top of the range that would bias `% bound`.
        let zone = u32::MAX - (u32::MAX % bound);
        loop {
            let r = random_u32();
            if r < zone {
                return r % bound;
            }
        }
    };
    for i in (1..pool.len()).rev() {
        let j = below(i as u32 + 1) as usize;
        pool.swap(i, j);
    }
    pool.truncate(n);
    pool
}

/// How a pseudonym is shown: "Inschrijving K".
pub fn plan_label(pseudonym: &str) -> String {
    format!("Inschrijving {pseudonym}")
}

/// Who is looking at a score sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewer {
    /// The evaluator whose sheet it is.
    Owner,
    /// Another member of the panel; `own_locked` when the viewer has locked their own sheet.
    Panel { own_locked: bool },
    /// The buyer's side outside the panel (inkoper, waarnemer).
    Buyer,
    /// Anyone else (bidders, gemeenten).
    Outsider,
}

/// Whether a sheet's scores may be shown. Nobody sees another evaluator's
/// scores before that evaluator has locked the sheet; a panel member sees a
/// colleague's locked sheet only after locking their own (so nobody is
/// influenced while scoring); the buyer's side sees individual sheets once the
/// consensus is locked (for the report of the procedure). Bidders never do:
/// they see consensus scores and motivations only.
pub fn may_see_sheet(viewer: Viewer, owner_locked: bool, consensus_locked: bool) -> bool {
    match viewer {
        Viewer::Owner => true,
        Viewer::Panel { own_locked } => owner_locked && own_locked,
        Viewer::Buyer => owner_locked && consensus_locked,
        Viewer::Outsider => false,
    }
}

/// Checks one score: a level of the criterion's scale and a written motivation.
pub fn check_score(c: &Criterion, level: u32, motivation: &str) -> Result<(), String> {
    if !c.children.is_empty() {
        return Err(format!("Criterium {} wordt gescoord via zijn subcriteria.", c.code));
    }
    if !c.scale.contains(level) {
        return Err(format!("{level} is geen niveau van de schaal van criterium {}.", c.code));
    }
    let n = motivation.trim().chars().count();
    if n < MIN_MOTIVATION {
        return Err(format!(
            "Motiveer de score op {} aan de hand van de omschrijving van het niveau (minstens {MIN_MOTIVATION} tekens).",
            c.code
        ));
    }
    if n > MAX_MOTIVATION {
        return Err(format!("De motivering is te lang (hoogstens {MAX_MOTIVATION} tekens)."));
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

/// One criterion in an award letter: the addressee's and the winner's
/// consensus level with its motivation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LetterCriterion {
    pub code: String,
    pub name: String,
    pub weight: String,
    /// (level as text, motivation)
    pub own: Option<(String, String)>,
    pub winner: Option<(String, String)>,
}

/// A place in the ranking as the addressee may see it: only the winner and
/// the addressee are named.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LetterRank {
    pub rank: usize,
    pub who: String,
    pub total: String,
}

/// Everything one award letter is made of.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Letter {
    pub tender_title: String,
    pub reference: String,
    pub addressee: String,
    pub winner: String,
    pub addressee_is_winner: bool,
    /// The addressee's plan was declared invalid: why (then it has no scores).
    pub excluded_reason: Option<String>,
    pub criteria: Vec<LetterCriterion>,
    /// (own total, winner's total) as shown.
    pub totals: Option<(String, String)>,
    pub ranking: Vec<LetterRank>,
    /// The characteristics and relative advantages of the winning bid.
    pub advantages: String,
    /// A passage for this addressee only.
    pub note: String,
    pub sent_at: Option<DateTime<Utc>>,
    pub standstill: Option<Standstill>,
}

/// What a letter lacks; it may be sent only when this is empty.
pub fn letter_problems(l: &Letter) -> Vec<String> {
    let mut out = vec![];
    let who = &l.addressee;
    if l.winner.trim().is_empty() {
        out.push(format!("Brief aan {who}: de naam van de winnende inschrijver ontbreekt."));
    }
    match &l.excluded_reason {
        Some(r) if r.trim().is_empty() => out.push(format!("Brief aan {who}: de reden van de uitsluiting ontbreekt.")),
        Some(_) => {}
        None => {
            if l.criteria.is_empty() {
                out.push(format!("Brief aan {who}: de scores per criterium ontbreken."));
            }
            for c in &l.criteria {
                if !c.own.as_ref().is_some_and(|(_, m)| !m.trim().is_empty()) {
                    out.push(format!("Brief aan {who}: de eigen score met motivering op {} ontbreekt.", c.code));
                }
                if !c.winner.as_ref().is_some_and(|(_, m)| !m.trim().is_empty()) {
                    out.push(format!("Brief aan {who}: de score van de winnaar met motivering op {} ontbreekt.", c.code));
                }
            }
            if !l.ranking.iter().any(|r| r.who == OWN_BID || r.who == OWN_WINNING_BID) {
                out.push(format!("Brief aan {who}: de eigen plaats in de rangorde ontbreekt."));
            }
        }
    }
    if l.ranking.is_empty() {
        out.push(format!("Brief aan {who}: de rangorde ontbreekt."));
    }
    if l.advantages.trim().is_empty() {
        out.push(format!("Brief aan {who}: de kenmerken en relatieve voordelen van de winnende inschrijving ontbreken."));
    }
    if l.standstill.is_none() {
        out.push(format!("Brief aan {who}: het einde van de standstilltermijn ontbreekt."));
    }
    out
}

/// How the addressee's own place is named in the ranking.
pub const OWN_BID: &str = "uw inschrijving";
pub const OWN_WINNING_BID: &str = "uw inschrijving (winnaar)";

/// The letter as Markdown (rendered and sanitised like every document).
pub fn letter_markdown(l: &Letter) -> String {
    let mut s = String::new();
    s.push_str(&format!("# Gunningsbeslissing {}\n\n", l.tender_title));
    s.push_str(&format!("Kenmerk: {}", l.reference));
    if let Some(t) = l.sent_at {
        s.push_str(&format!(" · verzonden op {}", show_instant(t)));
    }
    s.push_str(&format!("\n\nAan: **{}**\n\n", l.addressee));
    if l.addressee_is_winner {
        s.push_str(&format!(
            "Wij zijn voornemens de opdracht aan u te gunnen. Uw inschrijving heeft de beste prijs-kwaliteitverhouding. \
             Dit is een voorlopige gunningsbeslissing; de overeenkomst wordt pas na de standstilltermijn gesloten.\n\n"
        ));
    } else {
        s.push_str(&format!(
            "Wij zijn voornemens de opdracht te gunnen aan **{}**. Hieronder leest u waarom, en hoe uw inschrijving is beoordeeld.\n\n",
            l.winner
        ));
    }
    if let Some(r) = &l.excluded_reason {
        s.push_str("## Uw inschrijving\n\n");
        s.push_str(&format!("Uw inschrijving is ongeldig verklaard en niet beoordeeld. Reden: {}\n\n", r.trim()));
    }
    if !l.ranking.is_empty() {
        s.push_str("## Rangorde\n\n| Plaats | Inschrijving | Totaal |\n|---|---|---|\n");
        for r in &l.ranking {
            s.push_str(&format!("| {} | {} | {} |\n", r.rank, r.who, r.total));
        }
        s.push('\n');
    }
    if !l.criteria.is_empty() {
        s.push_str("## Scores per criterium\n\n| Criterium | Gewicht | Uw score | Winnende inschrijving |\n|---|---|---|---|\n");
        let lvl = |x: &Option<(String, String)>| x.as_ref().map(|(v, _)| v.clone()).unwrap_or_else(|| "–".into());
        for c in &l.criteria {
            s.push_str(&format!("| {} {} | {} | {} | {} |\n", c.code, c.name, c.weight, lvl(&c.own), lvl(&c.winner)));
        }
        if let Some((own, win)) = &l.totals {
            s.push_str(&format!("| **Totaal** | | **{own}** | **{win}** |\n"));
        }
        s.push_str("\n### Motivering per criterium\n\n");
        for c in &l.criteria {
            s.push_str(&format!("**{} {}**\n\n", c.code, c.name));
            if let Some((v, m)) = &c.own {
                s.push_str(&format!("- Uw inschrijving, {v}: {}\n", one_line(m)));
            }
            if !l.addressee_is_winner {
                if let Some((v, m)) = &c.winner {
                    s.push_str(&format!("- Winnende inschrijving, {v}: {}\n", one_line(m)));
                }
            }
            s.push('\n');
        }
    }
    s.push_str("## Kenmerken en relatieve voordelen van de winnende inschrijving\n\n");
    s.push_str(l.advantages.trim());
    s.push_str("\n\n");
    if !l.note.trim().is_empty() {
        s.push_str(l.note.trim());
        s.push_str("\n\n");
    }
    s.push_str("## Standstilltermijn\n\n");
    match &l.standstill {
        Some(st) => s.push_str(&format!(
            "De standstilltermijn van {} kalenderdagen loopt van {} tot en met {} (24:00 uur) en eindigt op {}. \
             Wilt u deze beslissing aanvechten, dan moet u binnen deze termijn een kort geding aanhangig maken. \
             De overeenkomst wordt niet eerder ondertekend dan op {}.\n",
            st.days,
            show_date(st.first_day),
            show_date(st.last_day),
            show_instant(st.ends_at),
            show_date(st.earliest_signing),
        )),
        None => s.push_str("Het einde van de standstilltermijn wordt vastgesteld op het moment van verzenden.\n"),
    }
    s
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::{amsterdam, standstill};
    use chrono::{NaiveDate, NaiveTime};

    fn leaf(code: &str) -> Criterion {
        Criterion { code: code.into(), name: format!("Criterium {code}"), weight: 10.0, scale: Scale::zero_to_ten(), children: vec![] }
    }

    #[test]
    fn pseudonyms_are_distinct_letters_and_do_not_follow_the_order_of_submission() {
        let mut seed = 12345u32;
        let mut rng = || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        let p = draw_pseudonyms(5, &mut rng);
        assert_eq!(p.len(), 5);
        let mut sorted = p.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 5, "distinct: {p:?}");
        assert!(p.iter().all(|x| x.len() == 1 && x != "I" && x != "O"));
        // Over many draws the first plan gets every letter, roughly equally often.
        let mut first = std::collections::BTreeMap::new();
        for _ in 0..24_000 {
            *first.entry(draw_pseudonyms(3, &mut rng)[0].clone()).or_insert(0) += 1;
        }
        assert_eq!(first.len(), 24, "every letter occurs for the first plan");
        assert!(first.values().all(|n| (700..1300).contains(n)), "{first:?}");
        let many = draw_pseudonyms(30, &mut rng);
        assert!(many.iter().all(|x| x.len() == 2));
        assert_eq!(plan_label("K"), "Inschrijving K");
    }

    #[test]
    fn nobody_sees_another_sheet_before_it_is_locked() {
        use Viewer::*;
        assert!(may_see_sheet(Owner, false, false));
        assert!(!may_see_sheet(Panel { own_locked: true }, false, false), "the owner has not locked");
        assert!(!may_see_sheet(Panel { own_locked: false }, true, false), "the viewer is still scoring");
        assert!(may_see_sheet(Panel { own_locked: true }, true, false));
        assert!(!may_see_sheet(Buyer, true, false), "the buyer waits for the consensus");
        assert!(may_see_sheet(Buyer, true, true));
        assert!(!may_see_sheet(Outsider, true, true), "bidders see consensus scores only");
    }

    #[test]
    fn a_score_needs_a_level_of_the_scale_and_a_motivation() {
        let c = leaf("K1");
        assert_eq!(check_score(&c, 6, "Voldoende uitgewerkt, mist voorbeelden."), Ok(()));
        assert!(check_score(&c, 5, "Voldoende uitgewerkt").unwrap_err().contains("geen niveau"));
        assert!(check_score(&c, 6, "ok").unwrap_err().contains("Motiveer"));
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

    fn letter() -> Letter {
        let sent = amsterdam(NaiveDate::from_ymd_opt(2023, 10, 6).unwrap(), NaiveTime::from_hms_opt(15, 0, 0).unwrap()).unwrap();
        Letter {
            tender_title: "Jeugd- en Schoolteam VO".into(),
            reference: "JST".into(),
            addressee: "Stichting B".into(),
            winner: "Coöperatie A".into(),
            addressee_is_winner: false,
            excluded_reason: None,
            criteria: vec![LetterCriterion {
                code: "K1".into(),
                name: "Visie".into(),
                weight: "30".into(),
                own: Some(("6 (Voldoende)".into(), "Concreet, weinig voorbeelden.".into())),
                winner: Some(("8 (Goed)".into(), "Sterk uitgewerkt per school.".into())),
            }],
            totals: Some(("18".into(), "24".into())),
            ranking: vec![
                LetterRank { rank: 1, who: "Coöperatie A".into(), total: "24".into() },
                LetterRank { rank: 2, who: OWN_BID.into(), total: "18".into() },
            ],
            advantages: "De winnende inschrijving werkt per school met een vaste coach.".into(),
            note: String::new(),
            sent_at: Some(sent),
            standstill: Some(standstill(sent, 20, false)),
        }
    }

    #[test]
    fn a_complete_letter_names_the_winner_the_scores_the_ranking_the_advantages_and_the_standstill_end() {
        let l = letter();
        assert!(letter_problems(&l).is_empty(), "{:?}", letter_problems(&l));
        let md = letter_markdown(&l);
        for part in ["**Coöperatie A**", "| 2 | uw inschrijving | 18 |", "6 (Voldoende)", "8 (Goed)", "Sterk uitgewerkt per school.",
            "vaste coach", "26 oktober 2023", "27-10-2023 00:00 (+02:00)", "27 oktober 2023"] {
            assert!(md.contains(part), "{part} missing in:\n{md}");
        }
    }

    #[test]
    fn a_letter_that_lacks_a_part_is_refused() {
        let mut l = letter();
        l.advantages = "  ".into();
        assert!(letter_problems(&l)[0].contains("relatieve voordelen"));
        let mut l = letter();
        l.criteria[0].winner = None;
        assert!(letter_problems(&l)[0].contains("score van de winnaar"));
        let mut l = letter();
        l.standstill = None;
        assert!(letter_problems(&l)[0].contains("standstilltermijn"));
        let mut l = letter();
        l.winner.clear();
        assert!(letter_problems(&l)[0].contains("winnende inschrijver"));
        let mut l = letter();
        l.ranking.retain(|r| r.rank == 1);
        assert!(letter_problems(&l)[0].contains("eigen plaats"));
        // An excluded bid has no scores, but needs the reason.
        let mut l = letter();
        l.criteria.clear();
        l.excluded_reason = Some("Het plan noemt de naam van de inschrijver.".into());
        assert!(letter_problems(&l).is_empty(), "{:?}", letter_problems(&l));
        assert!(letter_markdown(&l).contains("ongeldig verklaard"));
    }
}
