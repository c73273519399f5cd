//! Failed log-ins, slowed without locking the owner out (OWASP: device
//! cookies). Failures are counted per typed user name, for accounts that
//! exist and names that do not alike, so the answers are the same for both;
//! after [`MAX_FAILURES`] within [`WINDOW_MINUTES`] the name is held for
//! [`HOLD_MINUTES`] for every device that has not logged in to the account
//! before. A device that has (it carries a cookie issued at a complete log-in)
//! is not held: the owner keeps logging in with the right password and
//! second factor while someone else guesses. A trusted device that fails
//! [`MAX_FAILURES`] times in a row loses its trust.

use chrono::{DateTime, Duration, Utc};

pub const MAX_FAILURES: i32 = 5;
pub const WINDOW_MINUTES: i64 = 15;
pub const HOLD_MINUTES: i64 = 15;

/// Failures counted for one user name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Count {
    pub failures: i32,
    pub window_start: Option<DateTime<Utc>>,
    pub held_until: Option<DateTime<Utc>>,
}

impl Count {
    /// Whether an untrusted device is held at `now`, and until when.
    pub fn held(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.held_until.filter(|t| *t > now)
    }

    /// The count after a failure at `now`: a window starts with the first
    /// failure; the last of [`MAX_FAILURES`] in it holds the name.
    pub fn after_failure(self, now: DateTime<Utc>) -> Count {
        let in_window = self.window_start.is_some_and(|s| now - s < Duration::minutes(WINDOW_MINUTES));
        let (failures, window_start) = if in_window { (self.failures + 1, self.window_start) } else { (1, Some(now)) };
        if failures >= MAX_FAILURES {
            Count { failures: 0, window_start: None, held_until: Some(now + Duration::minutes(HOLD_MINUTES)) }
        } else {
            Count { failures, window_start, held_until: self.held_until.filter(|t| *t > now) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2023, 6, 30, 11, 0, 0).unwrap() + Duration::minutes(min)
    }

    #[test]
    fn five_failures_within_the_window_hold_the_name_for_a_while() {
        let mut c = Count::default();
        for i in 0..4 {
            c = c.after_failure(t(i));
            assert_eq!(c.held(t(i)), None);
        }
        c = c.after_failure(t(4));
        assert_eq!(c.held(t(4)), Some(t(19)));
        assert_eq!(c.held(t(19)), None, "the hold ends");
    }

    #[test]
    fn failures_far_apart_do_not_add_up() {
        let mut c = Count::default();
        for i in 0..10 {
            c = c.after_failure(t(i * 20));
        }
        assert_eq!(c.failures, 1);
        assert_eq!(c.held(t(200)), None);
    }
}
