//! The states the store keeps in its status columns, one enum per column,
//! each with its stored code. Phases and roles live with the access table
//! ([`crate::access`]), a gemeente's participation with its rules
//! ([`crate::tender::Participation`], re-exported here).

pub use crate::tender::Participation;

crate::coded_enum! {
    /// A bid of one organisation in one tender.
    pub enum BidStatus {
        /// Being prepared: parts can be added and replaced.
        Concept = "concept",
        /// Submitted before the deadline, with a receipt.
        Ingediend = "ingediend",
        /// Withdrawn before the deadline (it can be submitted again).
        Ingetrokken = "ingetrokken",
    }
}

crate::coded_enum! {
    /// An organisation registered for a tender.
    pub enum BidderStatus {
        Actief = "actief",
        /// Not admitted to a next dialogue round: it can no longer book or bid.
        Afgevallen = "afgevallen",
    }
}

crate::coded_enum! {
    /// A dialogue round.
    pub enum RoundStatus {
        Open = "open",
        Gesloten = "gesloten",
    }
}

crate::coded_enum! {
    /// The minutes of a dialogue session.
    pub enum MinutesStatus {
        /// No minutes written yet.
        Geen = "geen",
        /// Written, waiting for the bidder.
        Open = "open",
        Bevestigd = "bevestigd",
        Opmerking = "opmerking",
    }
}

crate::coded_enum! {
    /// What a part of a bid is.
    pub enum PartKind {
        Bestand = "bestand",
        Formulier = "formulier",
        /// The price of envelope 3, sealed until the consensus lock.
        Prijs = "prijs",
    }
}

crate::coded_enum! {
    /// What a tender document is.
    pub enum DocumentKind {
        Markdown = "markdown",
        Bestand = "bestand",
    }
}

crate::coded_enum! {
    /// A member of the evaluation panel.
    pub enum EvaluatorStatus {
        Aangewezen = "aangewezen",
        Vervangen = "vervangen",
    }
}

crate::coded_enum! {
    /// The inkoper's check of an evaluator's conflict-of-interest declaration.
    pub enum DeclarationCheck {
        Open = "open",
        GeenConflict = "geen_conflict",
        Conflict = "conflict",
    }
}

crate::coded_enum! {
    /// A pseudonymised quality plan.
    pub enum PlanStatus {
        TeBeoordelen = "te_beoordelen",
        /// Declared invalid (it identified its bidder): not evaluated.
        Ongeldig = "ongeldig",
    }
}

crate::coded_enum! {
    /// The inkoper's decision on a report that a plan identifies its bidder.
    pub enum FlagDecision {
        Open = "open",
        /// The evaluation goes on.
        Doorgaan = "doorgaan",
        /// The plan is invalid.
        Ongeldig = "ongeldig",
    }
}

crate::coded_enum! {
    /// An objection against the award decision.
    pub enum ObjectionKind {
        Bezwaar = "bezwaar",
        KortGeding = "kort_geding",
    }
}

impl ObjectionKind {
    /// "bezwaar", "kort geding"
    pub fn label(self) -> &'static str {
        match self {
            ObjectionKind::Bezwaar => "bezwaar",
            ObjectionKind::KortGeding => "kort geding",
        }
    }
}

crate::coded_enum! {
    /// The recorded outcome of an objection.
    pub enum ObjectionOutcome {
        /// The procedure continues.
        Hervat = "hervat",
        /// The tender is cancelled.
        Ingetrokken = "ingetrokken",
    }
}

crate::coded_enum! {
    /// A decision on a contract's extension option.
    pub enum OptionDecision {
        Uitgeoefend = "uitgeoefend",
        NietUitgeoefend = "niet_uitgeoefend",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::Code;

    #[test]
    fn every_status_code_round_trips_and_nothing_else_parses() {
        fn check<T: Code + Copy + PartialEq + std::fmt::Debug>(all: &[T]) {
            for v in all {
                assert_eq!(T::from_code(v.as_code()), Some(*v));
                assert_eq!(T::from_code(&v.as_code().to_uppercase()), None, "codes are exact");
            }
            assert_eq!(T::from_code(""), None);
        }
        check(&BidStatus::ALL);
        check(&BidderStatus::ALL);
        check(&RoundStatus::ALL);
        check(&MinutesStatus::ALL);
        check(&PartKind::ALL);
        check(&DocumentKind::ALL);
        check(&EvaluatorStatus::ALL);
        check(&DeclarationCheck::ALL);
        check(&PlanStatus::ALL);
        check(&FlagDecision::ALL);
        check(&ObjectionKind::ALL);
        check(&ObjectionOutcome::ALL);
        check(&OptionDecision::ALL);
        check(&crate::access::Phase::ALL);
        check(&crate::access::Role::ALL);
        check(&crate::tender::Participation::ALL);
        check(&crate::participation::ShareRule::ALL);
    }

    #[test]
    fn statuses_travel_as_their_code() {
        assert_eq!(serde_json::to_string(&DeclarationCheck::GeenConflict).unwrap(), "\"geen_conflict\"");
        assert_eq!(serde_json::from_str::<BidStatus>("\"ingediend\"").unwrap(), BidStatus::Ingediend);
    }
}
