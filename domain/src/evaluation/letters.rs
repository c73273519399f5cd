//! The gunningsbeslissing: what every letter must contain before the letters
//! may go out, and the letter as Markdown.

use crate::calendar::{show_date, show_instant, Standstill};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
                if c.own.as_ref().is_none_or(|(_, m)| m.trim().is_empty()) {
                    out.push(format!("Brief aan {who}: de eigen score met motivering op {} ontbreekt.", c.code));
                }
                if c.winner.as_ref().is_none_or(|(_, m)| m.trim().is_empty()) {
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
    s.push_str(&format!("# Gunningsbeslissing {}\n\n", text(&l.tender_title)));
    s.push_str(&format!("Kenmerk: {}", text(&l.reference)));
    if let Some(t) = l.sent_at {
        s.push_str(&format!(" · verzonden op {}", show_instant(t)));
    }
    s.push_str(&format!("\n\nAan: **{}**\n\n", text(&l.addressee)));
    if l.addressee_is_winner {
        s.push_str("Wij zijn voornemens de opdracht aan u te gunnen. Uw inschrijving heeft de beste prijs-kwaliteitverhouding. \
             Dit is een voorlopige gunningsbeslissing; de overeenkomst wordt pas na de standstilltermijn gesloten.\n\n");
    } else {
        s.push_str(&format!(
            "Wij zijn voornemens de opdracht te gunnen aan **{}**. Hieronder leest u waarom, en hoe uw inschrijving is beoordeeld.\n\n",
            text(&l.winner)
        ));
    }
    if let Some(r) = &l.excluded_reason {
        s.push_str("## Uw inschrijving\n\n");
        s.push_str(&format!("Uw inschrijving is ongeldig verklaard en niet beoordeeld. Reden: {}\n\n", text(r)));
    }
    if !l.ranking.is_empty() {
        s.push_str("## Rangorde\n\n| Plaats | Inschrijving | Totaal |\n|---|---|---|\n");
        for r in &l.ranking {
            s.push_str(&format!("| {} | {} | {} |\n", r.rank, text(&r.who), text(&r.total)));
        }
        s.push('\n');
    }
    if !l.criteria.is_empty() {
        s.push_str("## Scores per criterium\n\n| Criterium | Gewicht | Uw score | Winnende inschrijving |\n|---|---|---|---|\n");
        let lvl = |x: &Option<(String, String)>| x.as_ref().map(|(v, _)| text(v)).unwrap_or_else(|| "–".into());
        for c in &l.criteria {
            s.push_str(&format!("| {} {} | {} | {} | {} |\n", text(&c.code), text(&c.name), text(&c.weight), lvl(&c.own), lvl(&c.winner)));
        }
        if let Some((own, win)) = &l.totals {
            s.push_str(&format!("| **Totaal** | | **{}** | **{}** |\n", text(own), text(win)));
        }
        s.push_str("\n### Motivering per criterium\n\n");
        for c in &l.criteria {
            s.push_str(&format!("**{} {}**\n\n", text(&c.code), text(&c.name)));
            if let Some((v, m)) = &c.own {
                s.push_str(&format!("- Uw inschrijving, {}: {}\n", text(v), text(m)));
            }
            if !l.addressee_is_winner {
                if let Some((v, m)) = &c.winner {
                    s.push_str(&format!("- Winnende inschrijving, {}: {}\n", text(v), text(m)));
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

/// The characters that start Markdown inside a line: emphasis, code, links
/// and images, HTML and entities, table cells, strikethrough, escapes.
const INLINE_MARKUP: [char; 11] = ['\\', '`', '*', '_', '[', ']', '<', '>', '&', '|', '~'];

/// A value someone entered (a name, a title, a motivation), placed in the
/// letter as plain text: on one line (never at its start, so it cannot open
/// a heading, list or quote) and with every character that starts Markdown
/// inside a line escaped, so a name cannot add emphasis, a link, a table cell
/// or HTML to another bidder's letter. (The advantages of the winning bid and
/// the passage per addressee are the inkoper's own Markdown, on purpose.)
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            if INLINE_MARKUP.contains(&c) {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{amsterdam, standstill};
    use chrono::{NaiveDate, NaiveTime};

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
        // Read without the escapes (as the rendered letter shows it).
        let md = unescaped(&letter_markdown(&l));
        for part in ["**Coöperatie A**", "| 2 | uw inschrijving | 18 |", "6 (Voldoende)", "8 (Goed)", "Sterk uitgewerkt per school.",
            "vaste coach", "26 oktober 2023", "27-10-2023 00:00 (+02:00)", "27 oktober 2023"] {
            assert!(md.contains(part), "{part} missing in:\n{md}");
        }
    }

    #[test]
    fn a_value_someone_entered_cannot_change_the_letter_around_it() {
        let mut l = letter();
        l.winner = "Zorg B.V.**\n\n# Gunning aan ons\n\n[klik](https://aanvaller.example) <img src=x> | x |".into();
        let md = letter_markdown(&l);
        let line = md.lines().find(|x| x.contains("Gunning aan ons")).expect("the winner's line");
        assert!(line.starts_with("Wij zijn voornemens"), "on the letter's own line, not a heading: {line}");
        let winner = &line[line.find("Zorg").unwrap()..line.rfind("**.").unwrap()];
        let mut escaped = false;
        for c in winner.chars() {
            assert!(!INLINE_MARKUP.contains(&c) || escaped || c == '\\', "unescaped {c:?} in {winner}");
            escaped = c == '\\' && !escaped;
        }
        assert_eq!(unescaped(winner), "Zorg B.V.** # Gunning aan ons [klik](https://aanvaller.example) <img src=x> | x |");
        assert_eq!(text("  twee\n regels  "), "twee regels");
    }

    fn unescaped(md: &str) -> String {
        let mut out = String::new();
        let mut chars = md.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\\' && chars.peek().is_some_and(|n| n.is_ascii_punctuation()) {
                out.push(chars.next().unwrap());
            } else {
                out.push(c);
            }
        }
        out
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
