//! Server functions, by area. Each checks the caller against the role x phase
//! table (`domain::access`) before it reads or changes anything.

pub mod audit;
pub mod auth;
pub mod tender;

#[cfg(feature = "ssr")]
pub mod guard;
