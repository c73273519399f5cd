//! The erasure of a person (AVG) beyond their own account row: every place
//! the database keeps their name, user name or e-mail address as text.
//!
//! - Audit events: the payload of every event that names the person (their
//!   name or user name as a whole value, or their e-mail address anywhere)
//!   is erased, beside the events about their account; the entries stay, so
//!   the trail still verifies, and the erasure events name what went.
//! - Records kept in tables (the proces-verbaal, panel rows, consensus and
//!   decision rows, messages, sent e-mails, declarations): the name and the
//!   e-mail address are replaced wherever they occur as text, the user name
//!   where it is a whole value. Found by the schema, not by a list, so a
//!   column added later is covered too.
//! - E-mails to the person not yet sent are dropped; the log-in throttle's
//!   row for their user name and their trusted devices go.
//!
//! Left alone on purpose: the person's own account row and membership rows
//! (the caller anonymises them), the audit tables (erased as above, never
//! rewritten), stored files, receipts (they hold organisation data only,
//! and a bidder's receipt must keep verifying), records kept with the
//! SHA-256 of their text (a published document version, a sent award
//! letter: what was issued stays as issued, an official's name in it
//! included), and hashes, keys, salts and sealed forms. A namesake's own account is not touched; a namesake named
//! in free text is, which is the price of finding every mention.

use super::entities::{audit_payloads, outbox};
use super::op::{Anywhere, Op};
use crate::error::AppError;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect, Statement};

/// What identifies the person in text.
pub struct Person {
    pub user: crate::ids::UserId,
    pub name: String,
    pub username: String,
    /// Every address they used (account, organisation membership).
    pub emails: Vec<String>,
}

/// Tables the scrub leaves alone (see the module documentation).
const UNTOUCHED_TABLES: &[&str] =
    &["users", "organisation_members", "audit_events", "audit_payloads", "seaql_migrations", "files", "receipts", "sessions"];

/// Columns whose content is never a name: hashes, keys, sealed forms.
fn untouched_column(name: &str) -> bool {
    ["sha256", "hash", "_key", "key", "token", "salt", "commitment", "form_text", "secret", "pseudonym"].iter().any(|s| name.ends_with(s))
}

/// `c` contains `text` (case-sensitive on both databases).
fn contains(c: SimpleExpr, text: &str) -> SimpleExpr {
    SimpleExpr::from(Func::cust(Alias::new("REPLACE")).args([c.clone(), Expr::val(text).into(), Expr::val("").into()])).ne(c)
}

/// A value as it appears inside JSON text.
fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// The text columns of every table, from the schema.
async fn text_columns<C: ConnectionTrait>(c: &C) -> Result<Vec<(String, String)>, AppError> {
    let backend = c.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => {
            "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND (upper(p.type) LIKE '%CHAR%' OR upper(p.type) LIKE '%TEXT%' OR upper(p.type) LIKE '%CLOB%')"
        }
        DbBackend::Postgres => {
            // A column too short for the stand-in holds no name (a KvK
            // number, a code), and PostgreSQL refuses even to plan the update.
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying') \
             AND (character_maximum_length IS NULL OR character_maximum_length >= 64)"
        }
        _ => return Err(AppError::Internal),
    };
    let rows = c.query_all_raw(Statement::from_string(backend, sql)).await?;
    let mut all = Vec::new();
    for r in rows {
        let (t, col): (String, String) = (r.try_get_by_index(0)?, r.try_get_by_index(1)?);
        all.push((t, col));
    }
    // A table that keeps the SHA-256 of its text holds records as issued
    // (a published document version, a sent award letter): they stay.
    let hashed: Vec<String> = all.iter().filter(|(_, c)| c == "sha256").map(|(t, _)| t.clone()).collect();
    Ok(all
        .into_iter()
        .filter(|(t, c)| !UNTOUCHED_TABLES.contains(&t.as_str()) && !hashed.contains(t) && !untouched_column(c))
        .collect())
}

/// Erases every trace of `who` as described in the module documentation,
/// inside the anonymisation's operation. Returns how many audit payloads and
/// how many table values were erased or replaced.
pub async fn erase_person(op: &mut Op<Anywhere>, who: &Person, placeholder: &str, reason: &str) -> Result<(usize, u64), AppError> {
    // Texts shorter than this would match inside unrelated words.
    let distinctive = |s: &str| s.trim().chars().count() >= 3;
    let name = who.name.trim();
    let username = who.username.trim();
    let mut emails: Vec<&str> = who.emails.iter().map(|e| e.trim()).filter(|e| distinctive(e)).collect();
    emails.sort_unstable();
    emails.dedup();

    // The audit events that name the person.
    let payload = || SimpleExpr::from(Expr::col(audit_payloads::Column::Payload));
    let mut naming = sea_orm::Condition::any();
    for whole in [name, username].into_iter().filter(|s| distinctive(s)) {
        naming = naming.add(contains(payload(), &json_string(whole)));
    }
    for e in &emails {
        naming = naming.add(contains(payload(), e));
    }
    let seqs: Vec<i64> = audit_payloads::Entity::find()
        .select_only()
        .column(audit_payloads::Column::Seq)
        .filter(audit_payloads::Column::Payload.is_not_null())
        .filter(naming)
        .into_tuple()
        .all(op.txn())
        .await?;
    let erased = super::audit::erase_payloads(op, &seqs, &[], reason).await?.len();

    // E-mails not yet sent to the person: dropped.
    if !emails.is_empty() {
        outbox::Entity::delete_many()
            .filter(outbox::Column::ToAddress.is_in(emails.clone()))
            .filter(outbox::Column::SentAt.is_null())
            .exec(op.txn())
            .await?;
    }
    super::throttle::cleared(op.txn(), username).await?;
    super::throttle::forget_devices(op.txn(), who.user).await?;

    // Every other mention in the tables.
    let texts: Vec<&str> = std::iter::once(name).filter(|n| distinctive(n)).chain(emails.iter().copied()).collect();
    let mut replaced = 0;
    for (table, column) in text_columns(op.txn()).await? {
        let col = || SimpleExpr::from(Expr::col(Alias::new(&column)));
        for &text in &texts {
            let stmt = Query::update()
                .table(Alias::new(&table))
                .value(Alias::new(&column), Func::cust(Alias::new("REPLACE")).args([col(), Expr::val(text).into(), Expr::val(placeholder).into()]))
                .and_where(contains(col(), text))
                .to_owned();
            replaced += op.txn().execute(&stmt).await?.rows_affected();
        }
        if !username.is_empty() {
            let stmt = Query::update()
                .table(Alias::new(&table))
                .value(Alias::new(&column), Expr::val(placeholder))
                .and_where(col().eq(username))
                .to_owned();
            replaced += op.txn().execute(&stmt).await?.rows_affected();
        }
    }
    Ok((erased, replaced))
}
