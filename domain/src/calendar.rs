//! Instants and dates of the procedure: stored in UTC, shown in Europe/Amsterdam
//! with their offset; the standstill period; the contract term and its options.
//!
//! Rules take the current time as an argument (a `Clock` lives on the server);
//! nothing here reads the system clock.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Amsterdam;
use crate::refusal::{Refusal, Ruling};
use serde::{Deserialize, Serialize};

/// Formats an instant as Dutch local time with its UTC offset,
/// e.g. "30-06-2023 12:00 (+02:00)".
pub fn show_instant(t: DateTime<Utc>) -> String {
    let local = t.with_timezone(&Amsterdam);
    local.format("%d-%m-%Y %H:%M (%:z)").to_string()
}

/// Formats a calendar date the Dutch way: "1 januari 2024".
pub fn show_date(d: NaiveDate) -> String {
    const MONTHS: [&str; 12] = [
        "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
        "september", "oktober", "november", "december",
    ];
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// Why a local time could not be turned into an instant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocalTimeError {
    #[error("{0} bestaat niet in Nederland (de klok springt dan vooruit)")]
    Skipped(NaiveDateTime),
    #[error("{0} komt in Nederland twee keer voor (de klok gaat dan terug); kies een ander tijdstip")]
    Ambiguous(NaiveDateTime),
}

/// The instant of a wall-clock time in Europe/Amsterdam. A time that does not
/// exist (spring forward) or exists twice (fall back) is refused, never guessed.
pub fn amsterdam(date: NaiveDate, time: NaiveTime) -> Result<DateTime<Utc>, LocalTimeError> {
    let naive = date.and_time(time);
    match Amsterdam.from_local_datetime(&naive) {
        chrono::LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        chrono::LocalResult::None => Err(LocalTimeError::Skipped(naive)),
        chrono::LocalResult::Ambiguous(..) => Err(LocalTimeError::Ambiguous(naive)),
    }
}

/// Whether an action at `at` is on time for `deadline`: late is late, to the second.
/// A bid received at the deadline instant itself is on time; one second later is not.
pub fn on_time(at: DateTime<Utc>, deadline: DateTime<Utc>) -> bool {
    at.timestamp() <= deadline.timestamp()
}

/// The standstill period (Alcateltermijn) after an award decision was sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standstill {
    /// The length in calendar days as set for the tender (default 20).
    pub days: u32,
    /// First day of the period: the day after sending.
    pub first_day: NaiveDate,
    /// Last day of the period (runs to 24:00 of this day).
    pub last_day: NaiveDate,
    /// The earliest day the contract may be signed.
    pub earliest_signing: NaiveDate,
    /// The end of the period as an instant (24:00 Amsterdam time of the last day).
    pub ends_at: DateTime<Utc>,
}

/// Standstill of `days` calendar days (default 20), starting the day after `sent`
/// (in Amsterdam). When `move_off_weekend` is set, an end on a Saturday or Sunday
/// moves to the next Monday (the law is silent, so it is a setting, default off).
pub fn standstill(sent: DateTime<Utc>, days: u32, move_off_weekend: bool) -> Standstill {
    let sent_day = sent.with_timezone(&Amsterdam).date_naive();
    let first_day = sent_day + Duration::days(1);
    let mut last_day = first_day + Duration::days(days as i64 - 1);
    if move_off_weekend {
        while matches!(last_day.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun) {
            last_day += Duration::days(1);
        }
    }
    let earliest_signing = last_day + Duration::days(1);
    let ends_at = amsterdam(earliest_signing, NaiveTime::MIN).expect("midnight always exists in Amsterdam");
    Standstill { days, first_day, last_day, earliest_signing, ends_at }
}

/// Status of a one-year extension option.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OptionStatus {
    Open,
    Uitgeoefend,
    NietUitgeoefend,
    Verlopen,
}

impl OptionStatus {
    pub fn label(self) -> &'static str {
        match self {
            OptionStatus::Open => "open",
            OptionStatus::Uitgeoefend => "uitgeoefend",
            OptionStatus::NietUitgeoefend => "niet uitgeoefend",
            OptionStatus::Verlopen => "verlopen",
        }
    }
}

/// The contract term: an initial period and extension options of whole years.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractTerm {
    pub start: NaiveDate,
    pub initial_end: NaiveDate,
    pub option_years: Vec<u32>,
    /// Months before the current end by which an option must be decided.
    pub notice_months: u32,
    /// Decisions taken so far, in option order (`Uitgeoefend` or `NietUitgeoefend`).
    pub decisions: Vec<OptionStatus>,
}

/// One extension option as seen on a given day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionView {
    pub number: usize,
    pub extends_from: NaiveDate,
    pub extends_to: NaiveDate,
    pub decision_deadline: NaiveDate,
    pub status: OptionStatus,
}

fn add_years(d: NaiveDate, years: u32) -> NaiveDate {
    d.with_year(d.year() + years as i32)
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(d.year() + years as i32, 2, 28).expect("valid"))
}

fn sub_months(d: NaiveDate, months: u32) -> NaiveDate {
    d.checked_sub_months(chrono::Months::new(months)).expect("date in range")
}

impl ContractTerm {
    /// The seeded term: 2024-01-01 to 2030-12-31 with three one-year options.
    pub fn jeugd_en_schoolteam() -> Self {
        Self {
            start: NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid"),
            initial_end: NaiveDate::from_ymd_opt(2030, 12, 31).expect("valid"),
            option_years: vec![1, 1, 1],
            notice_months: 6,
            decisions: vec![],
        }
    }

    /// The latest possible end, with every option exercised.
    pub fn max_end(&self) -> NaiveDate {
        add_years(self.initial_end, self.option_years.iter().sum())
    }

    /// Every option with its period, deadline and status on `today`.
    pub fn options(&self, today: NaiveDate) -> Vec<OptionView> {
        let mut out = Vec::new();
        let mut current_end = self.initial_end;
        // Options go in order: once one is not exercised (declined or lapsed),
        // the later ones can no longer be exercised either.
        let mut chain_ended = false;
        for (i, years) in self.option_years.iter().enumerate() {
            let to = add_years(current_end, *years);
            let deadline = sub_months(current_end, self.notice_months);
            let status = match self.decisions.get(i) {
                Some(s) => *s,
                None if chain_ended || today > deadline => OptionStatus::Verlopen,
                None => OptionStatus::Open,
            };
            if matches!(status, OptionStatus::Verlopen | OptionStatus::NietUitgeoefend) {
                chain_ended = true;
            }
            out.push(OptionView {
                number: i + 1,
                extends_from: current_end + Duration::days(1),
                extends_to: to,
                decision_deadline: deadline,
                status,
            });
            current_end = to;
        }
        out
    }

    /// The end date given the options exercised so far.
    pub fn current_end(&self) -> NaiveDate {
        let exercised = self
            .decisions
            .iter()
            .take_while(|d| **d == OptionStatus::Uitgeoefend)
            .count();
        add_years(self.initial_end, self.option_years[..exercised].iter().sum())
    }

    /// A decision on option `number` (1-based) on `today`. Options go in order;
    /// an option is decided only while it is open, before its deadline.
    pub fn decide(&self, number: usize, exercise: bool, today: NaiveDate) -> Ruling<OptionStatus> {
        let opts = self.options(today);
        let Some(o) = number.checked_sub(1).and_then(|i| opts.get(i)) else {
            return Err(Refusal::Conflict(format!("Optie {number} bestaat niet; het contract heeft {} opties.", opts.len())));
        };
        match o.status {
            OptionStatus::Uitgeoefend | OptionStatus::NietUitgeoefend => {
                return Err(Refusal::Conflict(format!("Over optie {number} is al beslist: {}.", o.status.label())))
            }
            OptionStatus::Verlopen if today > o.decision_deadline => {
                return Err(Refusal::Conflict(format!(
                    "De beslistermijn van optie {number} is op {} verstreken; de optie is vervallen.",
                    show_date(o.decision_deadline)
                )))
            }
            OptionStatus::Verlopen => {
                return Err(Refusal::Conflict(format!("Optie {number} kan niet meer: een eerdere optie is niet uitgeoefend of vervallen.")))
            }
            OptionStatus::Open => {}
        }
        if number != self.decisions.len() + 1 {
            return Err(Refusal::Conflict(format!("Opties gaan op volgorde: beslis eerst over optie {}.", self.decisions.len() + 1)));
        }
        Ok(if exercise { OptionStatus::Uitgeoefend } else { OptionStatus::NietUitgeoefend })
    }

    /// The next decision deadline, if an option is still open.
    pub fn next_deadline(&self, today: NaiveDate) -> Option<NaiveDate> {
        self.options(today)
            .into_iter()
            .find(|o| o.status == OptionStatus::Open)
            .map(|o| o.decision_deadline)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn t(h: u32, m: u32, s: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, s).unwrap()
    }

    #[test]
    fn summer_deadline_is_shown_with_plus_two_and_winter_with_plus_one() {
        let summer = amsterdam(d(2023, 6, 30), t(12, 0, 0)).unwrap();
        assert_eq!(summer.to_rfc3339(), "2023-06-30T10:00:00+00:00");
        assert_eq!(show_instant(summer), "30-06-2023 12:00 (+02:00)");
        let winter = amsterdam(d(2023, 11, 1), t(12, 0, 0)).unwrap();
        assert_eq!(winter.to_rfc3339(), "2023-11-01T11:00:00+00:00");
        assert_eq!(show_instant(winter), "01-11-2023 12:00 (+01:00)");
    }

    #[test]
    fn a_local_time_skipped_or_repeated_by_dst_is_refused() {
        assert!(matches!(amsterdam(d(2023, 3, 26), t(2, 30, 0)), Err(LocalTimeError::Skipped(_))));
        assert!(matches!(amsterdam(d(2023, 10, 29), t(2, 30, 0)), Err(LocalTimeError::Ambiguous(_))));
    }

    #[test]
    fn late_is_late_to_the_second() {
        let deadline = amsterdam(d(2023, 6, 30), t(12, 0, 0)).unwrap();
        assert!(on_time(deadline, deadline));
        assert!(on_time(deadline - Duration::seconds(1), deadline));
        assert!(!on_time(deadline + Duration::seconds(1), deadline));
        // 10:07 against 10:00 (case law)
        let ten = amsterdam(d(2023, 6, 30), t(10, 0, 0)).unwrap();
        assert!(!on_time(amsterdam(d(2023, 6, 30), t(10, 7, 0)).unwrap(), ten));
    }

    #[test]
    fn standstill_sent_friday_6_october_2023_runs_to_26_october_and_signing_from_27() {
        let sent = amsterdam(d(2023, 10, 6), t(15, 30, 0)).unwrap();
        let s = standstill(sent, 20, false);
        assert_eq!(s.first_day, d(2023, 10, 7));
        assert_eq!(s.last_day, d(2023, 10, 26));
        assert_eq!(s.earliest_signing, d(2023, 10, 27));
        assert_eq!(show_instant(s.ends_at), "27-10-2023 00:00 (+02:00)");
    }

    #[test]
    fn standstill_counts_the_amsterdam_day_of_sending_not_the_utc_day() {
        // 23:30 in Amsterdam on 6 October is 21:30 UTC the same day; 00:30 on
        // 7 October Amsterdam is still 6 October in UTC.
        let just_after_midnight = amsterdam(d(2023, 10, 7), t(0, 30, 0)).unwrap();
        assert_eq!(standstill(just_after_midnight, 20, false).first_day, d(2023, 10, 8));
    }

    #[test]
    fn a_weekend_end_moves_to_monday_only_when_the_setting_says_so() {
        // sent Thursday 2023-10-12: ends Wednesday 2023-11-01 — pick one ending on a Saturday:
        let sent = amsterdam(d(2023, 10, 13), t(9, 0, 0)).unwrap(); // ends 2023-11-02 (Thu)
        assert_eq!(standstill(sent, 20, true).last_day, d(2023, 11, 2));
        let sent = amsterdam(d(2023, 10, 15), t(9, 0, 0)).unwrap(); // ends Sat 2023-11-04
        assert_eq!(standstill(sent, 20, false).last_day, d(2023, 11, 4));
        assert_eq!(standstill(sent, 20, true).last_day, d(2023, 11, 6));
    }

    #[test]
    fn contract_runs_seven_years_with_three_one_year_options_to_2033() {
        let c = ContractTerm::jeugd_en_schoolteam();
        assert_eq!(c.current_end(), d(2030, 12, 31));
        assert_eq!(c.max_end(), d(2033, 12, 31));
        let opts = c.options(d(2024, 1, 1));
        let ends: Vec<_> = opts.iter().map(|o| o.extends_to).collect();
        assert_eq!(ends, vec![d(2031, 12, 31), d(2032, 12, 31), d(2033, 12, 31)]);
        assert_eq!(opts[0].extends_from, d(2031, 1, 1));
        assert_eq!(opts[0].decision_deadline, d(2030, 6, 30));
        assert_eq!(c.next_deadline(d(2024, 1, 1)), Some(d(2030, 6, 30)));
    }

    #[test]
    fn an_option_lapses_when_its_deadline_passes_and_later_ones_with_it() {
        let c = ContractTerm::jeugd_en_schoolteam();
        let opts = c.options(d(2030, 7, 1));
        assert!(opts.iter().all(|o| o.status == OptionStatus::Verlopen));
        assert_eq!(c.next_deadline(d(2030, 7, 1)), None);
        assert_eq!(c.options(d(2030, 6, 30))[0].status, OptionStatus::Open);
    }

    #[test]
    fn before_any_deadline_every_option_is_open() {
        let c = ContractTerm::jeugd_en_schoolteam();
        assert!(c.options(d(2023, 5, 1)).iter().all(|o| o.status == OptionStatus::Open));
    }

    #[test]
    fn declining_an_option_ends_the_later_ones() {
        let mut c = ContractTerm::jeugd_en_schoolteam();
        c.decisions.push(OptionStatus::NietUitgeoefend);
        let o = c.options(d(2030, 7, 1));
        assert_eq!(o[0].status, OptionStatus::NietUitgeoefend);
        assert!(o[1..].iter().all(|o| o.status == OptionStatus::Verlopen));
        assert_eq!(c.current_end(), d(2030, 12, 31));
    }

    #[test]
    fn exercising_the_first_option_moves_the_end_and_the_next_deadline() {
        let mut c = ContractTerm::jeugd_en_schoolteam();
        c.decisions.push(OptionStatus::Uitgeoefend);
        assert_eq!(c.current_end(), d(2031, 12, 31));
        assert_eq!(c.next_deadline(d(2030, 7, 1)), Some(d(2031, 6, 30)));
    }

    #[test]
    fn options_are_decided_in_order_and_only_before_their_deadline() {
        let mut c = ContractTerm::jeugd_en_schoolteam();
        let today = d(2024, 3, 1);
        assert!(c.decide(2, true, today).unwrap_err().message().contains("beslis eerst over optie 1"));
        assert!(c.decide(4, true, today).unwrap_err().message().contains("bestaat niet"));
        assert_eq!(c.decide(1, true, today), Ok(OptionStatus::Uitgeoefend));
        c.decisions.push(OptionStatus::Uitgeoefend);
        assert!(c.decide(1, false, today).unwrap_err().message().contains("al beslist"));
        // Option 2's deadline: six months before 31 December 2031.
        assert!(c.decide(2, true, d(2031, 7, 1)).unwrap_err().message().contains("30 juni 2031 verstreken"));
        assert_eq!(c.decide(2, false, d(2031, 6, 30)), Ok(OptionStatus::NietUitgeoefend));
        c.decisions.push(OptionStatus::NietUitgeoefend);
        assert!(c.decide(3, true, today).unwrap_err().message().contains("eerdere optie"));
        assert_eq!(c.current_end(), d(2031, 12, 31));
        assert_eq!(c.next_deadline(today), None);
    }

    #[test]
    fn a_longer_notice_period_moves_every_deadline() {
        let mut c = ContractTerm::jeugd_en_schoolteam();
        c.notice_months = 9;
        assert_eq!(c.options(d(2024, 1, 1))[0].decision_deadline, d(2030, 3, 31));
        assert_eq!(c.decide(1, true, d(2030, 4, 1)).unwrap_err().message(), "De beslistermijn van optie 1 is op 31 maart 2030 verstreken; de optie is vervallen.");
    }

    #[test]
    fn dates_are_written_in_dutch() {
        assert_eq!(show_date(d(2024, 1, 1)), "1 januari 2024");
        assert_eq!(show_date(d(2033, 12, 31)), "31 december 2033");
    }
}
