//! A database of the test's own: a SQLite file in the test's directory, or a
//! fresh PostgreSQL database when `DIALOOG_TEST_PG_URL` is set (each test
//! creates its own, so tests run in parallel on both).

use sea_orm::{ConnectionTrait, Database};
use std::path::Path;

/// A database of the test's own.
#[derive(Clone, Debug)]
pub struct TestDb {
    pub url: String,
    pub postgres: bool,
}

fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{prefix}_{}_{}_{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst), nanos)
}

impl TestDb {
    pub async fn new(dir: &Path) -> Self {
        match std::env::var("DIALOOG_TEST_PG_URL").ok().filter(|s| !s.is_empty()) {
            Some(base) => {
                let name = unique("dialoog_t");
                let admin = Database::connect(&base).await.expect("PostgreSQL reachable at DIALOOG_TEST_PG_URL");
                admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create database");
                admin.close().await.ok();
                let (prefix, _) = base.rsplit_once('/').expect("url has a database part");
                TestDb { url: format!("{prefix}/{name}"), postgres: true }
            }
            None => TestDb {
                url: format!("sqlite://{}?mode=rwc", dir.join("test.sqlite3").display()),
                postgres: false,
            },
        }
    }

    /// Runs one SQL statement on the test's database (to set up what a test
    /// cannot wait for, such as an invitation sent 73 hours ago).
    pub async fn execute(&self, sql: &str) {
        let c = Database::connect(&self.url).await.expect("the test database");
        c.execute_unprepared(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
        c.close().await.ok();
    }

    /// Every value of every table as text, one line per row (for tests
    /// that look for what must not be anywhere).
    pub async fn all_text(&self) -> String {
        use sea_orm::{DbBackend, Statement};
        let c = Database::connect(&self.url).await.expect("the test database");
        let b = c.get_database_backend();
        let tables_sql = match b {
            DbBackend::Postgres => "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()",
            _ => "SELECT name FROM sqlite_master WHERE type = 'table'",
        };
        let mut out = String::new();
        for t in c.query_all_raw(Statement::from_string(b, tables_sql)).await.expect("tables") {
            let table: String = t.try_get_by_index(0).unwrap();
            let sql = match b {
                DbBackend::Postgres => format!("SELECT CAST(t AS text) FROM \"{table}\" t"),
                _ => {
                    let cols = c
                        .query_all_raw(Statement::from_string(b, format!("SELECT name FROM pragma_table_info('{table}')")))
                        .await
                        .expect("columns");
                    let cols: Vec<String> = cols
                        .iter()
                        .map(|r| format!("COALESCE(CAST(\"{}\" AS TEXT), '')", r.try_get_by_index::<String>(0).unwrap()))
                        .collect();
                    format!("SELECT {} FROM \"{table}\"", cols.join(" || '|' || "))
                }
            };
            for r in c.query_all_raw(Statement::from_string(b, sql)).await.expect("rows") {
                out.push_str(&format!("{table}: {}\n", r.try_get_by_index::<Option<String>>(0).unwrap().unwrap_or_default()));
            }
        }
        c.close().await.ok();
        out
    }
}
