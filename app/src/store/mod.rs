//! Persistence (server only). Every change is an [`op::Op`]: one database
//! transaction that holds the write lock, re-checks the role x phase table on
//! the tender as it is inside the lock, and commits the rows it changes
//! together with the audit events it recorded (at least one). Rules are
//! decided in `crate::domain`, not here.
//!
//! The modules form layers, each using only those above it in this list:
//! - foundation: `entities`, `column`, `clock`, `event`, `op`, `audit`,
//!   `checkpoint`, `files`, `messages`, `session_store`
//! - records: `users`, `second_factor`, `invitations`, `erasure` (every
//!   mention of a person, for their anonymisation), `administration`,
//!   `tenders`, `organisations`, `documents`, `nvi`, `dialogue`, `award`,
//!   `sealing` (keys and shares of sealed bids), `bids`, `evaluation` (panel,
//!   plans and flags, sheets, consensus, result)
//! - the procedure: `procedure` (facts, phase transitions, calendar, deadlines)
//! - what moves the procedure on: `opening`, `buyers`, `decision`, `contract`,
//!   `team`, `setup` (creating, configuring and copying tenders), `agenda`
//!   (what comes next), `bootstrap`, `availability` (the heartbeat, failed
//!   uploads, and the extension of a deadline an outage hit)
//!
//! A test (`tests/layers.rs`) keeps them free of import circles.

pub mod administration;
pub mod agenda;
pub mod audit;
pub mod availability;
pub mod award;
pub mod bids;
pub mod bootstrap;
pub mod buyers;
pub mod checkpoint;
pub mod clock;
pub mod column;
pub mod contract;
pub mod decision;
pub mod dialogue;
pub mod documents;
pub mod entities;
pub mod erasure;
pub mod evaluation;
pub mod event;
pub mod files;
pub mod invitations;
pub mod messages;
pub mod nvi;
pub mod op;
pub mod opening;
pub mod organisations;
pub mod procedure;
pub mod sealing;
pub mod second_factor;
pub mod session_store;
pub mod setup;
pub mod team;
pub mod tenders;
pub mod throttle;
pub mod users;

pub use column::Coded;
pub use event::{Event, Subject};
pub use op::{Actor, Anywhere, Caller, InTender, Op};

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};
use std::sync::Arc;
use std::time::Duration;

/// The database handle shared by the server.
#[derive(Clone, Debug)]
pub struct Db {
    pub conn: DatabaseConnection,
    /// Serialises writing transactions within this process; across processes
    /// the lock on the audit head row does the same.
    write_lock: Arc<tokio::sync::Mutex<()>>,
}

/// A transaction that holds the write lock (only an [`Op`] has one).
pub(crate) struct WriteTx {
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
    /// Commits, then runs `after` while still holding the write lock (e.g. to
    /// store a checkpoint of exactly the committed log, in order).
    pub(crate) async fn commit_then<T>(self, after: impl FnOnce() -> T) -> Result<T, DbErr> {
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
    pub(crate) async fn write(&self) -> Result<WriteTx, DbErr> {
        let guard = self.write_lock.clone().lock_owned().await;
        let txn = self.conn.begin().await?;
        audit::lock_head(&txn).await?;
        Ok(WriteTx { txn, _guard: guard })
    }

    pub fn backend(&self) -> sea_orm::DbBackend {
        self.conn.get_database_backend()
    }
}
