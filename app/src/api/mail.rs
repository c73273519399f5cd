//! E-mail delivery: what became of the e-mails a tender sent (its inkopers),
//! and of the account e-mails (the beheerder).

use crate::error::AppError;
use crate::ids::TenderId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One e-mail and its delivery.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct MailRow {
    pub to: String,
    pub subject: String,
    pub created: String,
    /// "verzonden", "in wachtrij", "nieuwe poging", "mislukt".
    pub state: String,
    /// When it was sent, when it is tried again, or why it failed.
    pub detail: String,
    pub attempts: i32,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct MailView {
    /// The mail server ("smtp.example.nl:587 (STARTTLS)"), None when e-mail stays in the outbox.
    pub relay: Option<String>,
    pub rows: Vec<MailRow>,
    /// Rows not shown (only the newest are).
    pub more: bool,
}

/// How many rows a page shows.
pub const SHOWN: u64 = 500;

/// The rows as the page shows them; `on` turns a real instant into the one
/// shown (a tender's page dates its mail on the tender's own clock).
#[cfg(feature = "ssr")]
fn rows(list: Vec<crate::store::entities::outbox::Model>, on: impl Fn(chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc>) -> MailView {
    let show_instant = |at| crate::domain::calendar::show_instant(on(at));
    let more = list.len() as u64 > SHOWN;
    let rows = list
        .into_iter()
        .take(SHOWN as usize)
        .map(|r| {
            let (state, detail) = if let Some(at) = r.sent_at {
                ("verzonden", format!("afgeleverd bij de mailserver op {}", show_instant(at)))
            } else if r.failed_at.is_some() {
                ("mislukt", r.last_error.clone().unwrap_or_default())
            } else if r.attempts > 0 {
                (
                    "nieuwe poging",
                    format!(
                        "{}{}",
                        r.next_attempt_at.map(|at| format!("volgende poging rond {}. ", show_instant(at))).unwrap_or_default(),
                        r.last_error.clone().unwrap_or_default()
                    ),
                )
            } else {
                ("in wachtrij", String::new())
            };
            MailRow {
                to: r.to_address,
                subject: r.subject,
                created: show_instant(r.created_at),
                state: state.into(),
                detail,
                attempts: r.attempts,
            }
        })
        .collect();
    let relay = crate::api::guard::state().ok().and_then(|st| st.settings.mail_relay.clone());
    MailView { relay, rows, more }
}

/// The e-mails of one tender, newest first (its inkopers).
#[server(endpoint = "tender_mail")]
pub async fn tender_mail(id: TenderId) -> Result<MailView, AppError> {
    use super::guard;
    guard::run(async move {
        let ok = guard::require(id, crate::domain::access::Action::ManageProcedure).await?;
        let st = guard::state()?;
        let list = crate::store::messages::delivery::of_tender(&st.db.conn, Some(id), SHOWN + 1).await?;
        let real = st.clock.now();
        Ok(rows(list, |at| crate::store::clock::shown(&ok.tender, real, at)))
    })
    .await
}

/// The e-mails of no tender (invitations, account notices), newest first (the beheerder).
#[server(endpoint = "account_mail")]
pub async fn account_mail() -> Result<MailView, AppError> {
    use super::guard;
    guard::run(async move {
        guard::require_right(crate::domain::access::GlobalAction::ManageAccounts).await?;
        let st = guard::state()?;
        let list = crate::store::messages::delivery::of_tender(&st.db.conn, None, SHOWN + 1).await?;
        Ok(rows(list, |at| at))
    })
    .await
}
