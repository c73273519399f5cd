//! Persistence (server only). One operation that changes state = one database
//! transaction = the rows it changes + exactly one audit event
//! (see [`audit::append`]). Rules are decided in `crate::domain`, not here.

pub mod audit;
pub mod award;
pub mod bootstrap;
pub mod bids;
pub mod buyers;
pub mod checkpoint;
pub mod contract;
pub mod decision;
pub mod dialogue;
pub mod documents;
pub mod evaluation;
pub mod files;
pub mod messages;
pub mod nvi;
pub mod organisations;
pub mod procedure;
pub mod entities;
pub mod session_store;
pub mod tenders;
pub mod users;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};
use std::sync::Arc;
use std::time::Duration;

/// A text from a form, trimmed, of at most `max` characters; `what` names it
/// in the Dutch message ("De reden").
pub fn text_up_to(s: &str, max: usize, what: &str) -> Result<String, crate::error::AppError> {
    let t = s.trim();
    if t.chars().count() > max {
        return Err(crate::error::AppError::Invalid(format!("{what} is te lang (hoogstens {max} tekens).")));
    }
    Ok(t.to_string())
}

/// Like [`text_up_to`], and not empty.
pub fn required_text(s: &str, max: usize, what: &str) -> Result<String, crate::error::AppError> {
    let t = text_up_to(s, max, what)?;
    if t.is_empty() {
        return Err(crate::error::AppError::Invalid(format!("{what} is leeg.")));
    }
    Ok(t)
}

/// The database handle shared by the server.
#[derive(Clone, Debug)]
pub struct Db {
    pub conn: DatabaseConnection,
    /// Serialises writing transactions within this process; across processes
    /// the lock on the audit head row does the same.
    write_lock: Arc<tokio::sync::Mutex<()>>,
}

/// A transaction that holds the write lock and will append audit events.
pub struct WriteTx {
    pub txn: DatabaseTransaction,
    _guard: tokio::sync::OwnedMutexGuard<()>,
}

impl std::ops::Deref for WriteTx {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }

    /// Commits, then runs `after` while still holding the write lock (e.g. to
    /// store a checkpoint of exactly the committed log, in order).
    pub async fn commit_then<T>(self, after: impl FnOnce() -> T) -> Result<T, DbErr> {
        let WriteTx { txn, _guard } = self;
        txn.commit().await?;
        let out = after();
        drop(_guard);
        Ok(out)
    }
}

/// Opens the database at `url` (sqlite:// or postgres://). SQLite connections get
/// WAL, synchronous=FULL, foreign keys and a busy timeout, each one of the pool.
pub async fn connect(url: &str) -> Result<Db, DbErr> {
    let mut opt = ConnectOptions::new(url.to_string());
    opt.sqlx_logging(false).acquire_timeout(Duration::from_secs(30));
    if url.starts_with("sqlite:") {
        opt.max_connections(8).min_connections(1);
        opt.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(30))
                .create_if_missing(true)
        });
    } else {
        opt.max_connections(16);
    }
    let conn = Database::connect(opt).await?;
    Ok(Db { conn, write_lock: Arc::new(tokio::sync::Mutex::new(())) })
}

impl Db {
    /// Begins a writing transaction. Its first statement takes the audit head's
    /// row lock (PostgreSQL) or the database write lock (SQLite), so appends are
    /// linear and a transaction never has to upgrade a read lock.
    pub async fn write(&self) -> Result<WriteTx, DbErr> {
        let guard = self.write_lock.clone().lock_owned().await;
        let txn = self.conn.begin().await?;
        audit::lock_head(&txn).await?;
        Ok(WriteTx { txn, _guard: guard })
    }

    pub fn backend(&self) -> sea_orm::DbBackend {
        self.conn.get_database_backend()
    }
}
