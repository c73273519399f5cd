//! Dialoog's rules: pure, no I/O, compiled for both the server and the
//! browser. Nothing here knows the web framework or the database (neither is
//! a dependency of this crate), so every rule can be tested in isolation and
//! in seconds: `cargo test -p domain`.
//!
//! Where a rule lives:
//! - who may do what in which phase: [`access`]
//! - phases and the guard on every transition, deadlines, the opening: [`procedure`]
//! - dates in Europe/Amsterdam, standstill, contract term and options: [`calendar`]
//! - the award method, ranking, consensus statistics, the editor text: [`scoring`]
//! - the anonymous evaluation (pseudonyms, who sees which sheet, plans,
//!   identity terms, award letters): [`evaluation`]
//! - gemeenten withdrawing and signing, shares: [`participation`]
//! - setting a tender up: procedure, threshold, schools, term, team: [`setup`]
//! - checked values (KvK, e-mail, postcode, pseudonym, ...): [`values`], [`money`]
//! - statuses as stored: [`status`]
//! - what an exported spreadsheet cell may hold: [`spreadsheet`]
//! - the audit encoding, Merkle tree, verifier and receipts: [`audit`], [`merkle`], [`receipt`]
//! - failed log-ins, slowed without locking the owner out: [`throttle`]
//! - what a refused rule says: [`refusal`]

// Amounts in cents are written as euros_cents in the tests: 1_250_000_00 is
// EUR 1.250.000,00.
#![cfg_attr(test, allow(clippy::inconsistent_digit_grouping))]

pub mod code;
pub mod refusal;

pub mod access;
pub mod audit;
pub mod calendar;
pub mod digest;
pub mod evaluation;
pub mod merkle;
pub mod money;
pub mod participation;
pub mod password;
pub mod procedure;
pub mod receipt;
pub mod scoring;
pub mod setup;
pub mod spreadsheet;
pub mod status;
pub mod tender;
pub mod throttle;
pub mod values;
