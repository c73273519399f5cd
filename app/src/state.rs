//! Shared server state (server only), passed to server functions through context.

use crate::store::checkpoint::Anchor;
use crate::store::files::FileStore;
use crate::store::Db;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

pub use crate::store::clock::Clock;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub anchor: Arc<Anchor>,
    pub clock: Clock,
    /// The database holds the demo accounts: show the banner.
    pub demo: bool,
    /// Login attempts per client address.
    pub login_limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    /// Uploaded documents and bid parts.
    pub files: FileStore,
    /// Wakes the deadline scheduler (a deadline or a simulated clock changed).
    pub wake: Arc<tokio::sync::Notify>,
}

impl AppState {
    pub fn new(db: Db, anchor: Anchor, files: FileStore, clock: Clock, demo: bool, logins_per_minute: u32) -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(logins_per_minute.max(1)).expect("non-zero"));
        Self {
            db,
            anchor: Arc::new(anchor),
            clock,
            demo,
            login_limiter: Arc::new(RateLimiter::keyed(quota)),
            files,
            wake: Arc::new(tokio::sync::Notify::new()),
        }
    }
}
