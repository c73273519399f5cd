//! Money and points as people read and type them: whole euro cents, Dutch
//! notation ("1.250.000,00"), points with a decimal comma.

use crate::refusal::{Refusal, Ruling};
use serde::{Deserialize, Serialize};

/// An amount of money in whole euro cents, zero or more.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Money(i64);

impl Money {
    pub const ZERO: Money = Money(0);

    /// For constants: the amount, when it is zero or more.
    pub const fn from_cents_const(cents: i64) -> Option<Money> {
        if cents >= 0 {
            Some(Money(cents))
        } else {
            None
        }
    }

    pub fn from_cents(cents: i64) -> Ruling<Money> {
        if cents >= 0 {
            Ok(Money(cents))
        } else {
            Err(Refusal::invalid("Een bedrag is nul of meer."))
        }
    }

    /// Reads an amount in euros as typed in Dutch ("1.250.000", "1250000,50", "EUR 1.000.000").
    pub fn parse_euros(s: &str) -> Ruling<Money> {
        parse_euros(s).map(Money).map_err(Refusal::Invalid)
    }

    pub fn cents(self) -> i64 {
        self.0
    }

    /// "1.250.000,00"
    pub fn show(self) -> String {
        show_amount(self.0)
    }

    /// "EUR 1.250.000,00"
    pub fn show_with_currency(self) -> String {
        show_price(self.0)
    }
}

impl TryFrom<i64> for Money {
    type Error = Refusal;
    fn try_from(c: i64) -> Result<Self, Refusal> {
        Money::from_cents(c)
    }
}

impl From<Money> for i64 {
    fn from(m: Money) -> i64 {
        m.0
    }
}

/// An amount in Dutch notation without the currency: "1.250.000,00".
pub fn show_amount(cents: i64) -> String {
    let mut s = String::new();
    for (i, ch) in (cents / 100).abs().to_string().chars().rev().enumerate() {
        if i > 0 && i % 3 == 0 {
            s.push('.');
        }
        s.push(ch);
    }
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{},{:02}", s.chars().rev().collect::<String>(), (cents % 100).abs())
}

/// An amount with its currency: "EUR 1.250.000,00".
pub fn show_price(cents: i64) -> String {
    format!("EUR {}", show_amount(cents))
}

/// Points as shown in letters and on pages: two decimals, Dutch comma.
pub fn show_points(x: f64) -> String {
    format!("{x:.2}").replace('.', ",")
}

/// Reads an amount in euros as typed in Dutch ("1.250.000", "1250000,50", "EUR 1.000.000").
pub fn parse_euros(s: &str) -> Result<i64, String> {
    if let Some((_, tail)) = s.trim().rsplit_once('.') {
        if (1..=2).contains(&tail.len()) && tail.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("'{s}': schrijf centen na een komma (1.250.000,50)."));
        }
    }
    let t: String = s.trim().trim_start_matches("EUR").trim_start_matches('€').trim().chars().filter(|c| *c != '.' && *c != ' ').collect();
    let (whole, frac) = t.split_once(',').unwrap_or((&t, ""));
    let whole: i64 = whole.parse().map_err(|_| format!("'{s}' is geen bedrag in euro."))?;
    let frac: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| format!("'{s}' is geen bedrag in euro."))? * 10,
        2 => frac.parse().map_err(|_| format!("'{s}' is geen bedrag in euro."))?,
        _ => return Err(format!("'{s}': hoogstens twee cijfers achter de komma.")),
    };
    whole.checked_mul(100).and_then(|w| w.checked_add(frac)).filter(|v| *v >= 0).ok_or_else(|| format!("'{s}' is geen bedrag in euro."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn amounts_are_written_the_dutch_way() {
        assert_eq!(show_amount(125_000_000), "1.250.000,00");
        assert_eq!(show_price(100), "EUR 1,00");
        assert_eq!(show_points(48.0), "48,00");
        assert_eq!(Money::parse_euros("EUR 1.250.000,50").unwrap().cents(), 125_000_050);
        assert!(Money::parse_euros("1.250.000.5").is_err(), "cents after a dot are a typo, not thousands");
        assert!(Money::from_cents(-1).is_err());
    }

    proptest! {
        #[test]
        fn what_is_shown_reads_back_as_the_same_amount(c in 0i64..10_000_000_000_000) {
            let m = Money::from_cents(c).unwrap();
            prop_assert_eq!(Money::parse_euros(&m.show()).unwrap(), m);
            prop_assert_eq!(Money::parse_euros(&m.show_with_currency()).unwrap(), m);
        }

        #[test]
        fn reading_an_amount_never_panics_and_never_goes_negative(s in "\\PC{0,24}") {
            if let Ok(m) = Money::parse_euros(&s) {
                prop_assert!(m.cents() >= 0);
            }
        }
    }
}
