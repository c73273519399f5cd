//! The anonymous evaluation and the gunningsbeslissing, as rules, by room:
//! pseudonyms and their commitment (here), the panel and when the consensus
//! may start ([`panel`]), who may see which plan, sheet and consensus
//! ([`visibility`]), what a score needs and when a sheet is complete
//! ([`scores`]), what names a bidder in its plan ([`identity`]), and what
//! every award letter must contain before the letters may go out ([`letters`]).
//!
//! Evaluators never learn who the bidders are: they see plans under a
//! pseudonym drawn at random at the opening ("Inschrijving K"), so the letter
//! says nothing about the order of submission.

use serde_json::json;
use sha2::{Digest, Sha256};

pub mod identity;
pub mod letters;
pub mod panel;
pub mod scores;
pub mod visibility;

pub use identity::{identifying_terms, kind_of_term};
pub use letters::{letter_markdown, letter_problems, Letter, LetterCriterion, LetterRank, OWN_BID, OWN_WINNING_BID};
pub use scores::{check_score, level_text, missing, MAX_MOTIVATION, MIN_MOTIVATION};
pub use visibility::{may_see_sheet, Viewer};

/// Letters for pseudonyms: the alphabet without I and O (they read as 1 and 0).
pub const PSEUDONYM_LETTERS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";

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

/// The commitment to the pseudonym assignment, recorded in the
/// proces-verbaal and checked by anyone once the salt is revealed at the
/// consensus lock: SHA-256 of `"dialoog-pseudoniemen-v1\n"`, the salt (hex),
/// `"\n"` and the RFC 8785 JSON of the assignment sorted by bid.
pub fn pseudonym_commitment(salt_hex: &str, mapping: &[(i32, String)]) -> String {
    let mut sorted: Vec<_> = mapping.iter().map(|(b, p)| json!({ "inschrijving": b.to_string(), "pseudoniem": p })).collect();
    sorted.sort_by_key(|v| v["inschrijving"].as_str().map(str::to_string));
    let body = serde_jcs::to_string(&sorted).expect("mapping serialises");
    hex::encode(Sha256::digest(format!("dialoog-pseudoniemen-v1\n{salt_hex}\n{body}").as_bytes()))
}

/// What the proces-verbaal records of a bid's quality plan (envelope 2)
/// until the consensus is locked: a commitment to the part's hash and size,
/// salted with the pseudonyms' salt (revealed at the lock), so nobody on the
/// buyer's side can link a plan they read under its pseudonym to its bidder
/// by hash or size, while the record still fixes what was received.
pub fn plan_commitment(salt_hex: &str, bid: i32, part: &str, sha256: &str, size: &str) -> String {
    hex::encode(Sha256::digest(format!("dialoog-kwaliteitsplan-v1\n{salt_hex}\n{bid}\n{part}\n{sha256}\n{size}").as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_commitment_depends_on_the_salt_and_every_field() {
        let c = plan_commitment("ab", 1, "Kwaliteitsplan", "00ff", "120");
        assert_eq!(c.len(), 64);
        for other in [
            plan_commitment("ac", 1, "Kwaliteitsplan", "00ff", "120"),
            plan_commitment("ab", 2, "Kwaliteitsplan", "00ff", "120"),
            plan_commitment("ab", 1, "Kwaliteitsplan", "00fe", "120"),
            plan_commitment("ab", 1, "Kwaliteitsplan", "00ff", "121"),
        ] {
            assert_ne!(c, other);
        }
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
    fn the_pseudonym_commitment_binds_the_assignment() {
        let a = pseudonym_commitment("00", &[(1, "K".into()), (2, "P".into())]);
        assert_eq!(a, pseudonym_commitment("00", &[(2, "P".into()), (1, "K".into())]), "order of listing does not matter");
        assert_ne!(a, pseudonym_commitment("00", &[(1, "P".into()), (2, "K".into())]));
        assert_ne!(a, pseudonym_commitment("01", &[(1, "K".into()), (2, "P".into())]));
    }
}
