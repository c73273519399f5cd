//! Where "now" comes from. Rules never read the system clock themselves: the
//! store reads it once per operation and passes the instant on.

use crate::store::entities::tenders;
use chrono::{DateTime, Utc};

#[derive(Clone, Debug)]
pub enum Clock {
    System,
    Fixed(DateTime<Utc>),
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(t) => *t,
        }
    }
}

/// "Now" for a tender at real instant `real`: its simulated clock in
/// training mode, the real clock otherwise.
pub fn tender_now(t: &tenders::Model, real: DateTime<Utc>) -> DateTime<Utc> {
    if t.training {
        t.simulated_now.unwrap_or(real)
    } else {
        real
    }
}

/// A real instant `at` as the tender shows it: as far before the tender's
/// "now" as it lies before the real one. For an instant that only runs a
/// real-time window (an opening waiting ten minutes for its confirmation, a
/// rehearsal), so the page dates it on the tender's own timeline; the real
/// instant stays in the audit trail.
pub fn shown(t: &tenders::Model, real_now: DateTime<Utc>, at: DateTime<Utc>) -> DateTime<Utc> {
    tender_now(t, real_now) - (real_now - at)
}
