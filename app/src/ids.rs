//! Ids of the records people refer to, one type each, so that a bid id can
//! never be passed where an organisation id is expected. They travel as plain
//! numbers (in URLs, forms and JSON) and are stored as integer columns.

use serde::{Deserialize, Serialize};

macro_rules! ids {
    ($( $(#[$meta:meta])* $name:ident ),+ $(,)?) => {
        $(
            $(#[$meta])*
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
            #[cfg_attr(feature = "ssr", derive(sea_orm::DeriveValueType))]
            #[serde(transparent)]
            pub struct $name(pub i32);

            impl std::fmt::Display for $name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    write!(f, "{}", self.0)
                }
            }

            /// In a page: an attribute value (`value=id`) is the number.
            impl leptos::attr::IntoAttributeValue for $name {
                type Output = String;
                fn into_attribute_value(self) -> String {
                    self.0.to_string()
                }
            }

            impl std::str::FromStr for $name {
                type Err = std::num::ParseIntError;
                fn from_str(s: &str) -> Result<Self, Self::Err> {
                    s.trim().parse::<i32>().map($name)
                }
            }
        )+
    };
}

ids! {
    /// A tender (aanbesteding).
    TenderId,
    /// An account.
    UserId,
    /// A bidding organisation.
    OrganisationId,
    /// One organisation's bid in one tender.
    BidId,
    /// A part of a bid as it was uploaded or filled in.
    PartId,
    /// A part a bid consists of, as the tender defines it.
    PartDefId,
    /// A member of an evaluation panel.
    EvaluatorId,
    /// A quality plan under its pseudonym.
    PlanId,
    /// A report that a plan identifies its bidder.
    FlagId,
    /// A tender document.
    DocumentId,
    /// A version of a tender document.
    VersionId,
    /// A stored file.
    FileId,
    /// A question round, published as a numbered Nota van Inlichtingen.
    QuestionRoundId,
    /// A question (or a point of the buyer's own) in a question round.
    QuestionId,
    /// A dialogue round.
    DialogueRoundId,
    /// A time slot of a dialogue round.
    SlotId,
    /// An issued receipt.
    ReceiptId,
    /// A (started or confirmed) four-eyes opening.
    OpeningId,
    /// An objection or kort geding.
    ObjectionId,
}
