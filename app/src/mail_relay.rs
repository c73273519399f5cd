//! The SMTP relay (server only): drains the outbox to a mail server.
//!
//! The outbox stays the source of truth; the relay is optional. Each row is
//! sent at least once: claimed for a lease, sent with its own Message-ID
//! (so a repeat after a crash is recognisably the same message), and marked
//! sent; a temporary failure (the server is down, a 4xx reply) is retried with
//! exponential backoff, a permanent one (a 5xx reply) ends the row as failed.
//! Mail is only read from committed rows, so nothing leaves before the action
//! that caused it is stored.

use crate::store::messages::delivery;
use crate::store::Db;
use chrono::{DateTime, Utc};
use lettre::message::{header::ContentType, Mailbox};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// How the connection to the mail server is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// Plain connection upgraded with STARTTLS (port 587); refused without it.
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on the same machine or network.
    None,
}

impl Security {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "starttls" => Some(Self::StartTls),
            "tls" | "smtps" => Some(Self::Tls),
            "none" | "geen" => Some(Self::None),
            _ => None,
        }
    }

    pub fn default_port(self) -> u16 {
        match self {
            Self::StartTls => 587,
            Self::Tls => 465,
            Self::None => 25,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::StartTls => "STARTTLS",
            Self::Tls => "TLS",
            Self::None => "zonder versleuteling",
        }
    }
}

/// The relay's configuration (from `DIALOOG_SMTP_*` and `DIALOOG_MAIL_FROM`).
#[derive(Clone, Debug)]
pub struct RelayConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub credentials: Option<(String, String)>,
    /// The sender, "Dialoog <noreply@regio-alkmaar.nl>".
    pub from: String,
    /// The first retry waits this long; every next one twice as long, at most an hour.
    pub retry_base: Duration,
    /// After this many failed attempts a row is given up.
    pub max_attempts: i32,
}

impl RelayConfig {
    /// "smtp.example.nl:587 (STARTTLS)", for the pages.
    pub fn describe(&self) -> String {
        format!("{}:{} ({})", self.host, self.port, self.security.label())
    }
}

/// A running relay.
pub struct Relay {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The right-hand side of every Message-ID (the sender's domain).
    id_domain: String,
    cfg: RelayConfig,
}

/// Why a relay cannot be built from its configuration (Dutch).
pub fn build(cfg: RelayConfig) -> Result<Relay, String> {
    let from: Mailbox = cfg
        .from
        .parse()
        .map_err(|e| format!("DIALOOG_MAIL_FROM: '{}' is geen geldig afzenderadres ({e})", cfg.from))?;
    let id_domain = from.email.domain().to_string();
    let tls = || TlsParameters::new(cfg.host.clone()).map_err(|e| format!("DIALOOG_SMTP_HOST: TLS kan niet worden ingesteld ({e})"));
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(cfg.host.clone())
        .port(cfg.port)
        .timeout(Some(Duration::from_secs(30)))
        .tls(match cfg.security {
            Security::StartTls => Tls::Required(tls()?),
            Security::Tls => Tls::Wrapper(tls()?),
            Security::None => Tls::None,
        });
    if let Some((user, password)) = &cfg.credentials {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    Ok(Relay { transport: builder.build(), from, id_domain, cfg })
}

/// What one pass over the outbox did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

impl Relay {
    pub fn config(&self) -> &RelayConfig {
        &self.cfg
    }

    /// When a row that failed `attempts` times (this one included) is tried again.
    pub fn retry_at(&self, now: DateTime<Utc>, attempts: i32) -> DateTime<Utc> {
        let factor = 1u32 << attempts.clamp(1, 12).saturating_sub(1);
        let wait = self.cfg.retry_base.saturating_mul(factor).min(Duration::from_secs(3600));
        now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1))
    }

    /// Sends every row that is due now; returns what happened.
    pub async fn pass(&self, db: &Db) -> Result<Pass, sea_orm::DbErr> {
        let mut out = Pass::default();
        loop {
            let now = Utc::now();
            let rows = delivery::due_rows(&db.conn, now, 20).await?;
            if rows.is_empty() {
                return Ok(out);
            }
            let mut claimed_any = false;
            for row in rows {
                if !delivery::claim(&db.conn, &row, now).await? {
                    continue;
                }
                claimed_any = true;
                let token = delivery::token(&db.conn, row.id).await?;
                match self.send(&row, &token).await {
                    Ok(()) => {
                        delivery::sent(&db.conn, row.id, Utc::now()).await?;
                        out.sent += 1;
                    }
                    Err((why, permanent)) => {
                        let attempts = row.attempts + 1;
                        let retry = (!permanent && attempts < self.cfg.max_attempts).then(|| self.retry_at(Utc::now(), attempts));
                        tracing::warn!(outbox = row.id, attempts, permanent, error = %why, "e-mail not delivered");
                        delivery::attempt_failed(&db.conn, row.id, Utc::now(), &why, retry).await?;
                        if retry.is_some() {
                            out.retried += 1;
                        } else {
                            out.failed += 1;
                        }
                    }
                }
            }
            if !claimed_any {
                return Ok(out);
            }
        }
    }

    /// One message; the error in Dutch and whether it is permanent.
    async fn send(&self, row: &crate::store::entities::outbox::Model, token: &str) -> Result<(), (String, bool)> {
        let to: Mailbox = match row.to_address.parse() {
            Ok(m) => m,
            Err(e) => return Err((format!("ongeldig ontvangstadres '{}': {e}", row.to_address), true)),
        };
        let msg = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(row.subject.clone())
            .message_id(Some(format!("<{token}@{}>", self.id_domain)))
            .date(row.created_at.into())
            .header(ContentType::TEXT_PLAIN)
            .body(row.body.clone())
            .map_err(|e| (format!("het bericht kan niet worden opgebouwd: {e}"), true))?;
        match self.transport.send(msg).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err((format!("de mailserver weigert het bericht: {e}"), true)),
            Err(e) => Err((format!("de mailserver is niet bereikbaar of weigert tijdelijk: {e}"), false)),
        }
    }

    /// Runs forever: a pass, then a sleep until the next row is due (at most
    /// five seconds or the retry base, so new rows leave within seconds).
    pub async fn run(self, db: Db) {
        let idle = self.cfg.retry_base.min(Duration::from_secs(5));
        loop {
            match self.pass(&db).await {
                Ok(p) if p != Pass::default() => tracing::info!(sent = p.sent, retried = p.retried, failed = p.failed, "e-mail relay pass"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "e-mail relay pass failed"),
            }
            let wait = match delivery::next_due(&db.conn).await {
                Ok(Some(at)) => (at - Utc::now()).to_std().unwrap_or(Duration::ZERO).min(idle),
                _ => idle,
            };
            tokio::time::sleep(wait).await;
        }
    }
}
