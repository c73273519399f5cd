//! Server functions, by area. Each checks the caller against the role x phase
//! table (`domain::access`) before it reads or changes anything.

pub mod admin;
pub mod audit;
pub mod award;
pub mod auth;
pub mod bids;
pub mod buyers;
pub mod contract;
pub mod decision;
pub mod dialogue;
pub mod documents;
pub mod evaluation;
pub mod mail;
pub mod notices;
pub mod nvi;
pub mod portal;
pub mod procedure;
pub mod setup;
pub mod team;
pub mod tender;

#[cfg(feature = "ssr")]
pub mod guard;
