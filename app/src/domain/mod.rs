//! Pure rules, no I/O, compiled for both server and browser.

pub mod access;
pub mod audit;
pub mod calendar;
pub mod evaluation;
pub mod merkle;
pub mod participation;
pub mod password;
pub mod procedure;
pub mod receipt;
pub mod scoring;
pub mod tender;
