//! Shared server state (server only), passed to server functions through context.

use crate::store::checkpoint::Anchor;
use crate::store::files::FileStore;
use crate::store::Db;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

pub use crate::store::clock::Clock;

/// Settings that rules and pages read (from the server's configuration).
#[derive(Clone, Debug)]
pub struct Settings {
    /// Where users reach Dialoog, for the links in e-mails ("https://dialoog.regio-alkmaar.nl").
    pub public_url: String,
    /// Accounts on the buyer's side must enrol a second factor before they can work.
    pub require_2fa: bool,
    /// The threshold of the light regime for social and other specific services.
    pub light_regime_threshold: crate::domain::money::Money,
    /// Login attempts per client address per minute.
    pub logins_per_minute: u32,
    /// Cookies only over TLS (`__Host-` names).
    pub secure_cookies: bool,
    /// The mail server the outbox is relayed to ("smtp.example.nl:587
    /// (STARTTLS)"); None keeps e-mail in the outbox.
    pub mail_relay: Option<String>,
    /// The OCDS ocid prefix ("ocds-" and six characters, registered with the
    /// Open Contracting Partnership); every ocid is this prefix, "-", the reference.
    pub ocid_prefix: String,
    /// Where users report an accessibility problem, for the accessibility statement.
    pub accessibility_contact: Option<String>,
}

/// The ocid prefix until an installation registers its own.
pub const DEFAULT_OCID_PREFIX: &str = "ocds-dialog";

impl Settings {
    /// The settings of a command-line tool or test: no links, no second factor required.
    pub fn local() -> Self {
        Settings {
            public_url: "http://127.0.0.1:3000".into(),
            require_2fa: false,
            light_regime_threshold: crate::domain::setup::LIGHT_REGIME_THRESHOLD,
            logins_per_minute: 1,
            secure_cookies: false,
            mail_relay: None,
            ocid_prefix: DEFAULT_OCID_PREFIX.into(),
            accessibility_contact: None,
        }
    }

    /// An absolute link to `path` ("/uitnodiging?t=…").
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.public_url.trim_end_matches('/'))
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub anchor: Arc<Anchor>,
    pub clock: Clock,
    /// The database holds the demo accounts: show the banner.
    pub demo: bool,
    /// Login attempts per client address.
    pub login_limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    /// Costly work (a password hashed, an invitation e-mailed) per account
    /// and per address: half the log-in rate per minute.
    pub costly_limiter: Arc<DefaultKeyedRateLimiter<String>>,
    /// Uploaded documents and bid parts.
    pub files: FileStore,
    /// Wakes the deadline scheduler (a deadline or a simulated clock changed).
    pub wake: Arc<tokio::sync::Notify>,
    pub settings: Arc<Settings>,
    /// The audit log as far as it was last verified intact: the audit page
    /// reads only what was added since (and everything again every
    /// [`FULL_AUDIT_CHECK_MINUTES`]).
    pub verified: Arc<tokio::sync::Mutex<Option<crate::store::audit::VerifiedPrefix>>>,
}

/// How long a verified prefix of the audit log is trusted before the audit
/// page verifies the whole log from event 1 again.
pub const FULL_AUDIT_CHECK_MINUTES: i64 = 10;

impl AppState {
    pub fn new(db: Db, anchor: Anchor, files: FileStore, clock: Clock, demo: bool, settings: Settings) -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(settings.logins_per_minute.max(1)).expect("non-zero"));
        Self {
            db,
            anchor: Arc::new(anchor),
            clock,
            demo,
            login_limiter: Arc::new(RateLimiter::keyed(quota)),
            costly_limiter: Arc::new(RateLimiter::keyed(Quota::per_minute(
                NonZeroU32::new((settings.logins_per_minute / 2).max(1)).expect("non-zero"),
            ))),
            files,
            wake: Arc::new(tokio::sync::Notify::new()),
            settings: Arc::new(settings),
            verified: Default::default(),
        }
    }
}
