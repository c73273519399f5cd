//! The procedure's phases and the guards on every transition between them, the
//! rules for bids (deadline, parts) and small input rules (KvK number, local
//! date-times). A refused transition says why, in Dutch.

use super::access::Phase;
use super::calendar::{amsterdam, on_time, show_instant};
use crate::refusal::{Refusal, Ruling};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

/// The least number of evaluators a tender needs before the evaluation starts.
pub const MIN_EVALUATORS: usize = 2;
/// How long the second inkoper has to confirm an opening.
pub const OPENING_CONFIRM_MINUTES: i64 = 10;

/// What the guards look at, gathered by the store for one tender at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    pub now: DateTime<Utc>,
    pub publication_planned: DateTime<Utc>,
    pub submission_deadline: Option<DateTime<Utc>>,
    /// Documents with at least one version.
    pub documents: usize,
    /// Parts a bid consists of.
    pub part_defs: usize,
    /// Why the award method is not complete (criteria, weights, price method,
    /// tie-break), in Dutch; `None` when it is.
    pub award_method_problem: Option<String>,
    pub dialogue_rounds: usize,
    pub open_dialogue_rounds: usize,
    /// Question rounds created but not yet published as an NvI.
    pub unpublished_nvi_rounds: usize,
    pub opening_confirmed: bool,
    /// Evaluators appointed and not replaced.
    pub evaluators: usize,
    /// One of them chairs the panel.
    pub chair: bool,
    pub consensus_locked: bool,
    /// Why the ranking is not final after the consensus (a tie only a lot can
    /// break), in Dutch.
    pub ranking_problem: Option<String>,
    pub letters_sent: bool,
    pub standstill_ends: Option<DateTime<Utc>>,
    pub participating_gemeenten: usize,
    pub signed_gemeenten: usize,
    pub contract_start: NaiveDate,
    /// The phase a suspended tender returns to.
    pub suspended_phase: Option<Phase>,
    /// Inkopers in the team (the opening takes two different ones).
    pub inkopers: usize,
    /// The submission window was closed at its deadline.
    pub submission_closed: bool,
}

/// Whether a change of phase needs a second inkoper to confirm it:
/// suspending a tender and resuming it (a suspension can span the deadline,
/// so one inkoper alone does not control the submission window).
pub fn needs_second_inkoper(from: Phase, to: Phase) -> bool {
    to == Phase::Opgeschort || from == Phase::Opgeschort && to != Phase::Ingetrokken
}

/// Whether a Nota van Inlichtingen may set the submission deadline to `new`
/// at `now`: in the future, and never earlier than the deadline it replaces
/// (bidders plan on it; shortening it would favour whoever already knows).
pub fn may_move_deadline(old: Option<DateTime<Utc>>, new: DateTime<Utc>, now: DateTime<Utc>) -> Ruling {
    if new <= now {
        return Err(Refusal::invalid("De nieuwe sluitingstermijn moet in de toekomst liggen."));
    }
    if let Some(old) = old.filter(|o| new < *o) {
        return Err(Refusal::Conflict(format!(
            "Een Nota van Inlichtingen kan de sluitingstermijn alleen verlengen, niet inkorten (nu {}).",
            show_instant(old)
        )));
    }
    Ok(())
}

/// Everything publication still waits for, in Dutch; empty when the tender
/// can be published now.
pub fn publication_waits_for(f: &Facts) -> Vec<String> {
    let mut out = vec![];
    if f.now < f.publication_planned {
        out.push(format!("Publiceren kan vanaf de geplande publicatiedatum ({}).", show_instant(f.publication_planned)));
    }
    if f.inkopers < crate::setup::MIN_KEY_HOLDERS {
        out.push(format!(
            "Het team heeft {} inkoper{}; er zijn er ten minste drie nodig. Twee verschillende inkopers openen de inschrijvingen \
             samen (vier ogen), en met drie kan de opening ook doorgaan als er een afwezig is.",
            f.inkopers,
            if f.inkopers == 1 { "" } else { "s" }
        ));
    }
    if f.participating_gemeenten == 0 {
        out.push("Voeg ten minste één gemeente toe die de opdracht verstrekt.".into());
    }
    if f.documents == 0 {
        out.push("Er is nog geen aanbestedingsdocument. Voeg eerst de documenten toe.".into());
    }
    if f.part_defs == 0 {
        out.push("Leg eerst vast uit welke onderdelen een inschrijving bestaat.".into());
    }
    if let Some(e) = &f.award_method_problem {
        out.push(format!("De gunningsmethode is niet compleet: {e}"));
    }
    match f.submission_deadline {
        None => out.push("Plan eerst de sluitingstermijn voor inschrijvingen.".into()),
        Some(d) if d <= f.now.max(f.publication_planned) => out.push(format!(
            "De sluitingstermijn ({}) moet na het moment van publiceren liggen.",
            show_instant(d)
        )),
        Some(_) => {}
    }
    out
}

/// The phases a tender can move to from `from`, in the order they are offered.
pub fn candidates(from: Phase, suspended_phase: Option<Phase>) -> Vec<Phase> {
    use Phase::*;
    let mut v = match from {
        Concept => vec![Gepubliceerd],
        Gepubliceerd => vec![Dialoog, Inschrijving],
        Dialoog => vec![Inschrijving],
        Inschrijving => vec![Geopend],
        Geopend => vec![Beoordeling],
        Beoordeling => vec![Gunningsvoornemen],
        Gunningsvoornemen => vec![Standstill],
        Standstill => vec![Gegund],
        Gegund => vec![Ondertekend],
        Ondertekend => vec![Contract],
        Contract | Ingetrokken => vec![],
        Opgeschort => suspended_phase.into_iter().collect(),
    };
    if !matches!(from, Contract | Ingetrokken | Opgeschort) {
        v.push(Opgeschort);
    }
    if !matches!(from, Contract | Ingetrokken | Ondertekend) {
        v.push(Ingetrokken);
    }
    v
}

/// Whether the tender may move from `from` to `to` given `f`. `reason` is the
/// explanation a person gives for a suspension or cancellation.
pub fn check(from: Phase, to: Phase, f: &Facts, reason: &str) -> Ruling {
    check_text(from, to, f, reason).map_err(Refusal::Conflict)
}

fn check_text(from: Phase, to: Phase, f: &Facts, reason: &str) -> Result<(), String> {
    use Phase::*;
    if !candidates(from, f.suspended_phase).contains(&to) {
        return Err(format!(
            "Vanuit de fase '{}' kan de aanbesteding niet naar de fase '{}'.",
            from.label(),
            to.label()
        ));
    }
    // Ending a suspension returns to the phase the tender was in; that phase's
    // entry guard was met when it was entered. But a suspension that spanned
    // the deadline of an open submission window does not close the window:
    // the procedure resumes only with a new deadline, set by NvI.
    if from == Opgeschort && f.suspended_phase == Some(to) {
        if matches!(to, Gepubliceerd | Dialoog | Inschrijving) && !f.submission_closed {
            if let Some(d) = f.submission_deadline.filter(|d| *d <= f.now) {
                return Err(format!(
                    "De sluitingstermijn ({}) is tijdens de opschorting verstreken. Stel eerst met een Nota van Inlichtingen een nieuwe sluitingstermijn vast.",
                    show_instant(d)
                ));
            }
        }
        return Ok(());
    }
    let need = |ok: bool, msg: &str| if ok { Ok(()) } else { Err(msg.to_string()) };
    match to {
        Gepubliceerd => match publication_waits_for(f).into_iter().next() {
            Some(first) => Err(first),
            None => Ok(()),
        },
        Dialoog => need(
            f.open_dialogue_rounds > 0,
            "Maak eerst een dialoogronde aan; de dialoogfase begint met een open ronde.",
        ),
        Inschrijving => {
            need(f.open_dialogue_rounds == 0, "Sluit eerst alle dialoogrondes af met hun uitkomst.")?;
            need(
                f.unpublished_nvi_rounds == 0,
                "Er is nog een vragenronde zonder gepubliceerde Nota van Inlichtingen. Publiceer die eerst.",
            )?;
            match f.submission_deadline {
                Some(d) if d > f.now => Ok(()),
                Some(d) => Err(format!(
                    "De sluitingstermijn ({}) is al verstreken. Verplaats die eerst met een Nota van Inlichtingen.",
                    show_instant(d)
                )),
                None => Err("Plan eerst de sluitingstermijn voor inschrijvingen.".into()),
            }
        }
        Geopend => {
            match f.submission_deadline {
                Some(d) if f.now > d => {}
                _ => return Err("Openen kan pas na de sluitingstermijn.".into()),
            }
            need(
                f.opening_confirmed,
                "Openen vraagt twee verschillende inkopers: de tweede moet de opening binnen 10 minuten bevestigen.",
            )
        }
        Beoordeling => {
            need(f.evaluators >= MIN_EVALUATORS, &format!("Wijs eerst minstens {MIN_EVALUATORS} beoordelaars aan."))?;
            need(f.chair, "Wijs een van de beoordelaars aan als voorzitter.")
        }
        Gunningsvoornemen => {
            need(f.consensus_locked, "De consensusscores zijn nog niet vastgesteld.")?;
            match &f.ranking_problem {
                Some(p) => Err(p.clone()),
                None => Ok(()),
            }
        }
        Standstill => need(f.letters_sent, "De gunningsbeslissing is nog niet aan alle inschrijvers verzonden."),
        Gegund => match f.standstill_ends {
            Some(end) if f.now >= end => Ok(()),
            Some(end) => Err(format!("De standstilltermijn loopt nog tot {}.", show_instant(end))),
            None => Err("Er loopt geen standstilltermijn.".into()),
        },
        Ondertekend => {
            need(f.signed_gemeenten > 0, "Nog geen enkele gemeente heeft ondertekend.")?;
            need(
                f.signed_gemeenten >= f.participating_gemeenten,
                "Niet alle deelnemende gemeenten hebben ondertekend of zich teruggetrokken.",
            )
        }
        Contract => need(
            f.now.date_naive() >= f.contract_start,
            "Het contract begint pas op de ingangsdatum.",
        ),
        Opgeschort | Ingetrokken => need(
            !reason.trim().is_empty(),
            if to == Opgeschort {
                "Geef de reden van de opschorting (bijvoorbeeld een kort geding)."
            } else {
                "Geef de reden van de intrekking."
            },
        ),
        Concept => Err("Een aanbesteding gaat nooit terug naar concept.".into()),
    }
}

/// Whether a bid may still be changed or submitted at `now`: late is late, to the second.
pub fn bid_window(now: DateTime<Utc>, deadline: Option<DateTime<Utc>>) -> Ruling {
    match deadline {
        Some(d) if on_time(now, d) => Ok(()),
        Some(d) => Err(Refusal::Conflict(format!(
            "De sluitingstermijn ({}) is verstreken. Te laat is te laat: uw inschrijving kan niet meer worden gewijzigd of ingediend.",
            show_instant(d)
        ))),
        None => Err(Refusal::conflict("Er is nog geen sluitingstermijn gepland.")),
    }
}

/// Whether a question may still be asked in a round.
pub fn question_window(now: DateTime<Utc>, deadline: DateTime<Utc>) -> Ruling {
    if on_time(now, deadline) {
        Ok(())
    } else {
        Err(Refusal::Conflict(format!(
            "De termijn voor vragen in deze ronde is verstreken ({}). Uw vraag is niet opgeslagen.",
            show_instant(deadline)
        )))
    }
}

/// Whether a started opening may still be confirmed at `now`.
pub fn opening_confirmable(started: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now >= started && (now - started).num_seconds() <= OPENING_CONFIRM_MINUTES * 60
}

/// Whether the first inkoper may start the opening at `now` (on the
/// tender's clock): after the deadline, once, and not while another start
/// waits for its confirmation.
pub fn may_start_opening(now: DateTime<Utc>, deadline: Option<DateTime<Utc>>, opened: bool, pending: bool) -> Ruling {
    match deadline {
        Some(d) if !on_time(now, d) => {}
        Some(d) => return Err(Refusal::Conflict(format!("Openen kan pas na de sluitingstermijn ({}).", show_instant(d)))),
        None => return Err(Refusal::conflict("Er is geen sluitingstermijn gepland.")),
    }
    if opened {
        return Err(Refusal::conflict("De inschrijvingen zijn al geopend."));
    }
    if pending {
        return Err(Refusal::Conflict(format!(
            "Er loopt al een opening. Een tweede inkoper moet die binnen {OPENING_CONFIRM_MINUTES} minuten bevestigen."
        )));
    }
    Ok(())
}

/// Whether an inkoper may confirm the opening started at `started` (real
/// time): a second, different inkoper, within the confirmation window.
pub fn may_confirm_opening(started: Option<DateTime<Utc>>, started_by_me: bool, now: DateTime<Utc>) -> Ruling {
    let Some(started) = started else {
        return Err(Refusal::conflict("Er is geen opening gestart."));
    };
    if started_by_me {
        return Err(Refusal::conflict("U heeft de opening zelf gestart. Een tweede, andere inkoper moet haar bevestigen."));
    }
    if !opening_confirmable(started, now) {
        return Err(Refusal::Conflict(format!(
            "De opening is verlopen: zij werd niet binnen {OPENING_CONFIRM_MINUTES} minuten bevestigd. Start de opening opnieuw."
        )));
    }
    Ok(())
}

/// Reads a local date-time from a form ("2023-06-30T12:00", as an
/// `<input type="datetime-local">` sends it) as an instant in Europe/Amsterdam.
pub fn parse_local(s: &str) -> Ruling<DateTime<Utc>> {
    let s = s.trim();
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
        .map_err(|_| Refusal::Invalid(format!("'{s}' is geen geldige datum en tijd (verwacht: JJJJ-MM-DDTUU:MM).")))?;
    amsterdam(naive.date(), naive.time()).map_err(|e| Refusal::Invalid(e.to_string()))
}

/// Formats an instant for a `datetime-local` input (Amsterdam wall-clock time).
pub fn to_local_input(t: DateTime<Utc>) -> String {
    t.with_timezone(&chrono_tz::Europe::Amsterdam).format("%Y-%m-%dT%H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use Phase::*;

    fn t(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, mi, s).unwrap()
    }

    fn ready() -> Facts {
        Facts {
            now: t(2023, 5, 17, 7, 0, 0),
            publication_planned: t(2023, 5, 17, 7, 0, 0),
            submission_deadline: Some(t(2023, 6, 30, 10, 0, 0)),
            documents: 1,
            part_defs: 3,
            contract_start: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            participating_gemeenten: 6,
            inkopers: 3,
            ..Default::default()
        }
    }

    #[test]
    fn a_suspension_that_spanned_the_deadline_resumes_only_with_a_new_deadline() {
        let d = NaiveDate::from_ymd_opt(2023, 6, 30).unwrap().and_hms_opt(10, 0, 0).unwrap().and_utc();
        let f = Facts { suspended_phase: Some(Inschrijving), submission_deadline: Some(d), now: d + chrono::Duration::hours(1), ..ready() };
        let e = check(Opgeschort, Inschrijving, &f, "").unwrap_err();
        assert!(e.message().contains("nieuwe sluitingstermijn"), "{}", e.message());
        let later = Facts { submission_deadline: Some(d + chrono::Duration::days(7)), ..f.clone() };
        assert_eq!(check(Opgeschort, Inschrijving, &later, ""), Ok(()));
        let closed_before = Facts { submission_closed: true, ..f };
        assert_eq!(check(Opgeschort, Inschrijving, &closed_before, ""), Ok(()), "closed in time before the suspension");
        assert!(needs_second_inkoper(Inschrijving, Opgeschort) && needs_second_inkoper(Opgeschort, Inschrijving));
        assert!(!needs_second_inkoper(Inschrijving, Geopend) && !needs_second_inkoper(Opgeschort, Ingetrokken));
    }

    #[test]
    fn a_nota_van_inlichtingen_extends_the_deadline_and_never_shortens_it() {
        let d = NaiveDate::from_ymd_opt(2023, 6, 30).unwrap().and_hms_opt(10, 0, 0).unwrap().and_utc();
        let now = d - chrono::Duration::days(10);
        assert_eq!(may_move_deadline(Some(d), d + chrono::Duration::days(7), now), Ok(()));
        assert!(may_move_deadline(Some(d), d - chrono::Duration::days(1), now).unwrap_err().message().contains("niet inkorten"));
        assert!(may_move_deadline(Some(d), now - chrono::Duration::hours(1), now).is_err());
        assert_eq!(may_move_deadline(None, d, now), Ok(()));
    }

    #[test]
    fn publication_needs_three_inkopers_and_a_gemeente_and_lists_everything_it_waits_for() {
        let one = Facts { inkopers: 1, ..ready() };
        let e = check(Concept, Gepubliceerd, &one, "").unwrap_err();
        assert!(e.message().contains("1 inkoper;") && e.message().contains("vier ogen"), "{}", e.message());
        let two = Facts { inkopers: 2, ..ready() };
        assert!(check(Concept, Gepubliceerd, &two, "").unwrap_err().message().contains("ten minste drie"));
        let none = Facts { participating_gemeenten: 0, ..ready() };
        assert!(check(Concept, Gepubliceerd, &none, "").unwrap_err().message().contains("gemeente"));
        assert!(publication_waits_for(&ready()).is_empty());
        let bare = Facts { inkopers: 1, documents: 0, submission_deadline: None, ..ready() };
        assert_eq!(publication_waits_for(&bare).len(), 3, "{:?}", publication_waits_for(&bare));
    }

    #[test]
    fn publication_needs_its_date_documents_parts_and_a_later_deadline() {
        let f = ready();
        assert_eq!(check(Concept, Gepubliceerd, &f, ""), Ok(()));
        let early = Facts { now: t(2023, 5, 16, 7, 0, 0), ..ready() };
        assert!(check(Concept, Gepubliceerd, &early, "").unwrap_err().message().contains("17-05-2023 09:00 (+02:00)"));
        let no_docs = Facts { documents: 0, ..ready() };
        assert!(check(Concept, Gepubliceerd, &no_docs, "").unwrap_err().message().contains("aanbestedingsdocument"));
        let no_parts = Facts { part_defs: 0, ..ready() };
        assert!(check(Concept, Gepubliceerd, &no_parts, "").unwrap_err().message().contains("onderdelen"));
        let no_method = Facts { award_method_problem: Some("Er is nog geen gunningscriterium.".into()), ..ready() };
        assert!(check(Concept, Gepubliceerd, &no_method, "").unwrap_err().message().contains("gunningsmethode is niet compleet"));
        let no_deadline = Facts { submission_deadline: None, ..ready() };
        assert!(check(Concept, Gepubliceerd, &no_deadline, "").unwrap_err().message().contains("sluitingstermijn"));
        let past = Facts { submission_deadline: Some(t(2023, 5, 1, 0, 0, 0)), ..ready() };
        assert!(check(Concept, Gepubliceerd, &past, "").unwrap_err().message().contains("na het moment"));
    }

    #[test]
    fn phases_cannot_be_skipped_or_reversed() {
        let f = ready();
        assert!(check(Concept, Inschrijving, &f, "").unwrap_err().message().contains("kan de aanbesteding niet"));
        assert!(check(Inschrijving, Gepubliceerd, &f, "").is_err());
        assert!(check(Contract, Opgeschort, &f, "kort geding").is_err());
        assert!(check(Ingetrokken, Concept, &f, "").is_err());
        assert!(check(Ondertekend, Ingetrokken, &f, "reden").is_err(), "a signed contract is not cancelled");
    }

    #[test]
    fn dialogue_and_submission_guards() {
        let f = Facts { now: t(2023, 5, 20, 0, 0, 0), ..ready() };
        assert!(check(Gepubliceerd, Dialoog, &f, "").unwrap_err().message().contains("dialoogronde"));
        let open = Facts { dialogue_rounds: 1, open_dialogue_rounds: 1, ..f.clone() };
        assert_eq!(check(Gepubliceerd, Dialoog, &open, ""), Ok(()));
        assert!(check(Dialoog, Inschrijving, &open, "").unwrap_err().message().contains("dialoogrondes"));
        let closed = Facts { dialogue_rounds: 1, open_dialogue_rounds: 0, ..f.clone() };
        assert_eq!(check(Dialoog, Inschrijving, &closed, ""), Ok(()));
        let nvi = Facts { unpublished_nvi_rounds: 1, ..closed.clone() };
        assert!(check(Dialoog, Inschrijving, &nvi, "").unwrap_err().message().contains("Nota van Inlichtingen"));
        let late = Facts { now: t(2023, 7, 1, 0, 0, 0), ..closed };
        assert!(check(Dialoog, Inschrijving, &late, "").unwrap_err().message().contains("verstreken"));
    }

    #[test]
    fn opening_needs_the_deadline_passed_and_a_second_inkoper() {
        let at_deadline = Facts { now: t(2023, 6, 30, 10, 0, 0), opening_confirmed: true, ..ready() };
        assert!(check(Inschrijving, Geopend, &at_deadline, "").unwrap_err().message().contains("na de sluitingstermijn"));
        let after = Facts { now: t(2023, 6, 30, 10, 0, 1), ..ready() };
        assert!(check(Inschrijving, Geopend, &after, "").unwrap_err().message().contains("twee verschillende"));
        let confirmed = Facts { opening_confirmed: true, ..after };
        assert_eq!(check(Inschrijving, Geopend, &confirmed, ""), Ok(()));
    }

    #[test]
    fn later_guards() {
        let f = ready();
        assert!(check(Geopend, Beoordeling, &Facts { evaluators: 1, chair: true, ..f.clone() }, "").is_err());
        assert!(check(Geopend, Beoordeling, &Facts { evaluators: 3, ..f.clone() }, "").unwrap_err().message().contains("voorzitter"));
        assert_eq!(check(Geopend, Beoordeling, &Facts { evaluators: 3, chair: true, ..f.clone() }, ""), Ok(()));
        assert!(check(Beoordeling, Gunningsvoornemen, &f, "").is_err());
        assert_eq!(check(Beoordeling, Gunningsvoornemen, &Facts { consensus_locked: true, ..f.clone() }, ""), Ok(()));
        let tie = Facts { consensus_locked: true, ranking_problem: Some("Leg eerst de loting vast.".into()), ..f.clone() };
        assert!(check(Beoordeling, Gunningsvoornemen, &tie, "").unwrap_err().message().contains("loting"));
        assert!(check(Gunningsvoornemen, Standstill, &f, "").is_err());
        let end = t(2023, 11, 10, 23, 0, 0);
        let running = Facts { standstill_ends: Some(end), now: end - chrono::Duration::seconds(1), ..f.clone() };
        assert!(check(Standstill, Gegund, &running, "").unwrap_err().message().contains("loopt nog"));
        assert_eq!(check(Standstill, Gegund, &Facts { now: end, ..running }, ""), Ok(()));
        let some = Facts { signed_gemeenten: 5, participating_gemeenten: 6, ..f.clone() };
        assert!(check(Gegund, Ondertekend, &some, "").is_err());
        assert_eq!(check(Gegund, Ondertekend, &Facts { signed_gemeenten: 6, ..some }, ""), Ok(()));
        assert!(check(Ondertekend, Contract, &f, "").is_err());
        let jan = Facts { now: t(2024, 1, 1, 0, 0, 0), ..f };
        assert_eq!(check(Ondertekend, Contract, &jan, ""), Ok(()));
    }

    #[test]
    fn suspension_and_cancellation_need_a_reason_and_suspension_returns() {
        let f = ready();
        assert!(check(Inschrijving, Opgeschort, &f, "  ").unwrap_err().message().contains("kort geding"));
        assert_eq!(check(Inschrijving, Opgeschort, &f, "kort geding aangespannen"), Ok(()));
        let s = Facts { suspended_phase: Some(Standstill), ..f.clone() };
        assert_eq!(candidates(Opgeschort, Some(Standstill)), vec![Standstill, Ingetrokken]);
        assert_eq!(check(Opgeschort, Standstill, &s, ""), Ok(()));
        assert!(check(Opgeschort, Gegund, &s, "").is_err());
        assert!(check(Gepubliceerd, Ingetrokken, &f, "").unwrap_err().message().contains("intrekking"));
    }

    #[test]
    fn late_is_late_to_the_second() {
        let d = t(2023, 6, 30, 10, 0, 0);
        assert_eq!(bid_window(d, Some(d)), Ok(()));
        let err = bid_window(d + chrono::Duration::seconds(1), Some(d)).unwrap_err().message().to_string();
        assert!(err.contains("30-06-2023 12:00 (+02:00)") && err.contains("Te laat is te laat"), "{err}");
        // A deadline in winter shows +01:00.
        let winter = t(2023, 11, 1, 11, 0, 0);
        assert!(bid_window(winter + chrono::Duration::seconds(1), Some(winter)).unwrap_err().message().contains("01-11-2023 12:00 (+01:00)"));
        assert!(question_window(d + chrono::Duration::milliseconds(999), d).is_ok(), "within the same second");
        assert!(question_window(d + chrono::Duration::seconds(1), d).is_err());
    }

    #[test]
    fn the_second_opener_has_ten_minutes() {
        let s = t(2023, 6, 30, 10, 5, 0);
        assert!(opening_confirmable(s, s + chrono::Duration::seconds(600)));
        assert!(!opening_confirmable(s, s + chrono::Duration::seconds(601)));
    }

    #[test]
    fn kvk_and_postcode() {
        use crate::values::{Kvk, Postcode};
        assert_eq!(Kvk::parse("3712 3456").unwrap().as_str(), "37123456");
        assert!(Kvk::parse("1234567").is_err());
        assert!(Kvk::parse("123456789").is_err());
        assert!(Kvk::parse("1234567a").is_err());
        assert!(Kvk::parse("00000000").is_err());
        assert_eq!(Postcode::parse("1811ab").unwrap().as_str(), "1811 AB");
        assert!(Postcode::parse("0811 AB").is_err());
        assert!(Postcode::parse("1811").is_err());
    }

    #[test]
    fn local_times_are_read_in_amsterdam_and_dst_gaps_refused() {
        assert_eq!(parse_local("2023-06-30T12:00").unwrap(), t(2023, 6, 30, 10, 0, 0));
        assert_eq!(parse_local("2023-11-01T12:00").unwrap(), t(2023, 11, 1, 11, 0, 0));
        assert!(parse_local("2023-03-26T02:30").unwrap_err().message().contains("bestaat niet"));
        assert!(parse_local("2023-10-29T02:30").unwrap_err().message().contains("twee keer"));
        assert!(parse_local("morgen").is_err());
        assert_eq!(to_local_input(t(2023, 6, 30, 10, 0, 0)), "2023-06-30T12:00");
    }

    #[test]
    fn an_opening_starts_after_the_deadline_once_and_is_confirmed_by_another_inkoper_in_time() {
        let d = t(2023, 6, 30, 10, 0, 0);
        assert!(may_start_opening(d, Some(d), false, false).unwrap_err().message().contains("pas na de sluitingstermijn"));
        let after = d + chrono::Duration::seconds(1);
        assert_eq!(may_start_opening(after, Some(d), false, false), Ok(()));
        assert!(may_start_opening(after, None, false, false).is_err());
        assert!(may_start_opening(after, Some(d), true, false).unwrap_err().message().contains("al geopend"));
        assert!(may_start_opening(after, Some(d), false, true).unwrap_err().message().contains("loopt al"));
        assert!(may_confirm_opening(None, false, after).unwrap_err().message().contains("geen opening"));
        assert!(may_confirm_opening(Some(after), true, after).unwrap_err().message().contains("zelf gestart"));
        assert_eq!(may_confirm_opening(Some(after), false, after + chrono::Duration::minutes(10)), Ok(()));
        assert!(may_confirm_opening(Some(after), false, after + chrono::Duration::seconds(601)).unwrap_err().message().contains("verlopen"));
    }
}
