//! Dialoog's test kit, shared by the store tests (`app/tests`) and the
//! black-box tests (`server/tests`):
//! - [`TestDb`]: a database of the test's own, SQLite or PostgreSQL;
//! - [`Server`] and [`Client`]: the real binary on a free port, and a client
//!   that logs in and keeps its session; [`ok`] and [`json`] for the common
//!   "this call succeeds and answers JSON";
//! - [`Authenticator`] and the invitation helpers: getting in as a new
//!   user (the token from the outbox, the second factor's codes);
//! - [`Scenario`]: the seeded tender driven through the API to where a rule applies.

pub mod account;
pub mod db;
pub mod scenario;
pub mod server;

pub use account::Authenticator;
pub use db::TestDb;
pub use scenario::{Scenario, SEAL};
pub use server::*;
