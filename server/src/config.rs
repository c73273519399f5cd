//! Configuration from environment variables, with documented defaults. An invalid
//! value stops the start with one line that names the variable.

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Config {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub anchor_dir: PathBuf,
    /// Allows the anchor inside the data directory in production.
    pub anchor_in_data_dir: bool,
    pub database_url: String,
    pub seed: bool,
    pub admin_password: Option<String>,
    pub secure_cookies: bool,
    pub logins_per_minute: u32,
    pub site_root: String,
    /// Where users reach Dialoog (links in e-mails); `http://` + the address when unset.
    pub public_url: String,
    /// Whether buyer-side accounts must enrol a second factor; unset means
    /// yes, except on the demo database.
    pub require_2fa: Option<bool>,
    /// The threshold of the light regime, in cents.
    pub threshold_cents: i64,
    /// The SMTP relay that drains the outbox; None keeps mail in the outbox.
    pub smtp: Option<app::mail_relay::RelayConfig>,
    /// The OCDS ocid prefix.
    pub ocid_prefix: String,
    /// Where users report an accessibility problem (an e-mail address or a web address).
    pub accessibility_contact: Option<String>,
}

/// A configuration error: (variable, message in Dutch).
#[derive(Debug)]
pub struct ConfigError(pub &'static str, pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ongeldige configuratie: {}: {}", self.0, self.1)
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn flag(name: &'static str, default: bool) -> Result<bool, ConfigError> {
    match var(name).as_deref().map(str::trim) {
        None => Ok(default),
        Some("1" | "true" | "ja" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "nee" | "no" | "off") => Ok(false),
        Some(v) => Err(ConfigError(name, format!("'{v}' is geen ja/nee-waarde (gebruik true of false)"))),
    }
}

/// What the logs show, in `RUST_LOG` syntax ("info", "dialoog=debug,warn").
pub const DEFAULT_LOG: &str = "info";

/// Sets up the logs (to standard error, so a command's own output on standard
/// output stays clean) from `DIALOOG_LOG`.
pub fn init_logging() -> Result<(), ConfigError> {
    let directives = var("DIALOOG_LOG").unwrap_or_else(|| DEFAULT_LOG.into());
    let filter = tracing_subscriber::EnvFilter::try_new(&directives)
        .map_err(|e| ConfigError("DIALOOG_LOG", format!("'{directives}' is geen geldig logfilter ({e}); bijvoorbeeld info of dialoog=debug")))?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init()
        .map_err(|e| ConfigError("DIALOOG_LOG", e.to_string()))
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let addr: SocketAddr = var("DIALOOG_ADDR")
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .map_err(|_| ConfigError("DIALOOG_ADDR", "verwacht een adres met poort, zoals 127.0.0.1:3000".into()))?;
        let data_dir = PathBuf::from(var("DIALOOG_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let anchor_dir = var("DIALOOG_ANCHOR_DIR").map(PathBuf::from).unwrap_or_else(|| data_dir.join("anchor"));
        let database_url = match var("DATABASE_URL") {
            Some(u) if u.starts_with("sqlite:") || u.starts_with("postgres://") || u.starts_with("postgresql://") => u,
            Some(_) => {
                return Err(ConfigError("DATABASE_URL", "alleen sqlite:// en postgres:// worden ondersteund".into()))
            }
            None => format!("sqlite://{}?mode=rwc", data_dir.join("dialoog.sqlite3").display()),
        };
        let admin_password = var("DIALOOG_ADMIN_PASSWORD");
        if let Some(p) = &admin_password {
            app::domain::password::check_length(p).map_err(|why| ConfigError("DIALOOG_ADMIN_PASSWORD", why))?;
        }
        let loopback = addr.ip().is_loopback();
        let logins_per_minute = match var("DIALOOG_LOGINS_PER_MINUTE") {
            None => 20,
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| ConfigError("DIALOOG_LOGINS_PER_MINUTE", "verwacht een geheel getal groter dan 0".into()))?,
        };
        let public_url = match var("DIALOOG_PUBLIC_URL") {
            None => format!("http://{addr}"),
            Some(u) if (u.starts_with("https://") || u.starts_with("http://")) && !u.contains(char::is_whitespace) => {
                u.trim_end_matches('/').to_string()
            }
            Some(_) => {
                return Err(ConfigError("DIALOOG_PUBLIC_URL", "verwacht een adres dat begint met https://, zoals https://dialoog.regio-alkmaar.nl".into()))
            }
        };
        let require_2fa = match var("DIALOOG_REQUIRE_2FA") {
            None => None,
            Some(_) => Some(flag("DIALOOG_REQUIRE_2FA", true)?),
        };
        let threshold_cents = match var("DIALOOG_SAS_THRESHOLD_EUR") {
            None => app::domain::setup::LIGHT_REGIME_THRESHOLD.cents(),
            Some(v) => v
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=1_000_000_000).contains(n))
                .map(|n| n * 100)
                .ok_or_else(|| ConfigError("DIALOOG_SAS_THRESHOLD_EUR", "verwacht een bedrag in hele euro's, zoals 750000".into()))?,
        };
        let smtp = smtp_from_env()?;
        let ocid_prefix = match var("DIALOOG_OCID_PREFIX") {
            None => app::state::DEFAULT_OCID_PREFIX.to_string(),
            Some(p) if p.starts_with("ocds-") && p.len() == 11 && p[5..].chars().all(|c| c.is_ascii_alphanumeric()) => p,
            Some(p) => return Err(ConfigError("DIALOOG_OCID_PREFIX", format!("'{p}' is geen ocid-prefix: verwacht ocds- en zes letters of cijfers, zoals ocds-a1b2c3"))),
        };
        let accessibility_contact = match var("DIALOOG_TOEGANKELIJKHEID_CONTACT") {
            None => None,
            Some(c) if c.trim().is_empty() => None,
            Some(c) if c.len() <= 200 && !c.trim().contains(char::is_whitespace) && (c.contains('@') || c.starts_with("https://")) => Some(c.trim().to_string()),
            Some(_) => {
                return Err(ConfigError("DIALOOG_TOEGANKELIJKHEID_CONTACT", "verwacht een e-mailadres of een adres dat begint met https://".into()))
            }
        };
        Ok(Self {
            accessibility_contact,
            ocid_prefix,
            smtp,
            public_url,
            require_2fa,
            threshold_cents,
            addr,
            data_dir,
            anchor_dir,
            anchor_in_data_dir: flag("DIALOOG_ANCHOR_IN_DATA_DIR", false)?,
            database_url,
            seed: flag("DIALOOG_SEED", true)?,
            admin_password,
            secure_cookies: flag("DIALOOG_SECURE_COOKIES", !loopback)?,
            logins_per_minute,
            site_root: var("DIALOOG_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
        })
    }
}

/// The relay from `DIALOOG_SMTP_HOST` (none when unset), `DIALOOG_SMTP_PORT`,
/// `DIALOOG_SMTP_SECURITY` (starttls, tls or none), `DIALOOG_SMTP_USER` and
/// `DIALOOG_SMTP_PASSWORD`, `DIALOOG_MAIL_FROM` and `DIALOOG_SMTP_RETRY_SECONDS`.
fn smtp_from_env() -> Result<Option<app::mail_relay::RelayConfig>, ConfigError> {
    use app::mail_relay::{RelayConfig, Security};
    let Some(host) = var("DIALOOG_SMTP_HOST") else {
        return Ok(None);
    };
    let security = match var("DIALOOG_SMTP_SECURITY") {
        None => Security::StartTls,
        Some(v) => Security::parse(&v)
            .ok_or_else(|| ConfigError("DIALOOG_SMTP_SECURITY", format!("'{v}' is onbekend; kies starttls, tls of none")))?,
    };
    let port = match var("DIALOOG_SMTP_PORT") {
        None => security.default_port(),
        Some(v) => v
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| ConfigError("DIALOOG_SMTP_PORT", format!("'{v}' is geen poortnummer")))?,
    };
    let credentials = match (var("DIALOOG_SMTP_USER"), var("DIALOOG_SMTP_PASSWORD")) {
        (Some(u), Some(p)) => Some((u, p)),
        (None, None) => None,
        _ => return Err(ConfigError("DIALOOG_SMTP_USER", "geef DIALOOG_SMTP_USER en DIALOOG_SMTP_PASSWORD samen op, of geen van beide".into())),
    };
    let from = var("DIALOOG_MAIL_FROM")
        .ok_or_else(|| ConfigError("DIALOOG_MAIL_FROM", "verplicht met DIALOOG_SMTP_HOST, bijvoorbeeld Dialoog <noreply@regio-alkmaar.nl>".into()))?;
    let retry_seconds = match var("DIALOOG_SMTP_RETRY_SECONDS") {
        None => 30,
        Some(v) => v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=3600).contains(n))
            .ok_or_else(|| ConfigError("DIALOOG_SMTP_RETRY_SECONDS", "verwacht een aantal seconden van 1 tot 3600".into()))?,
    };
    Ok(Some(RelayConfig {
        host,
        port,
        security,
        credentials,
        from,
        retry_base: std::time::Duration::from_secs(retry_seconds),
        max_attempts: 12,
    }))
}
