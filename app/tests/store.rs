//! Store tests against a real database: SQLite by default, PostgreSQL when
//! DIALOOG_TEST_PG_URL is set.

use app::store::audit::{self, Actor, NewEvent};
use app::store::{self, Db};
use chrono::Utc;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, Statement};

async fn fresh_db(dir: &std::path::Path) -> Db {
    fresh_db_url(dir).await.0
}

async fn fresh_db_url(dir: &std::path::Path) -> (Db, String) {
    let url = match std::env::var("DIALOOG_TEST_PG_URL").ok().filter(|s| !s.is_empty()) {
        Some(base) => {
            let name = format!(
                "dialoog_t_store_{}_{}",
                std::process::id(),
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
            );
            let admin = Database::connect(&base).await.unwrap();
            admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.unwrap();
            let (prefix, _) = base.rsplit_once('/').unwrap();
            format!("{prefix}/{name}")
        }
        None => format!("sqlite://{}?mode=rwc", dir.join("store.sqlite3").display()),
    };
    let db = store::connect(&url).await.unwrap();
    Migrator::up(&db.conn, None).await.unwrap();
    (db, url)
}

#[tokio::test]
async fn every_pooled_sqlite_connection_uses_wal_full_sync_and_foreign_keys() {
    use sea_orm::TransactionTrait;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("p.sqlite3").display());
    let db = store::connect(&url).await.unwrap();
    // Hold several connections at once so the pool must open more than one.
    let mut txns = Vec::new();
    for _ in 0..4 {
        let t = db.conn.begin().await.unwrap();
        let q = |sql: &str| Statement::from_string(sea_orm::DbBackend::Sqlite, sql.to_string());
        let jm: String = t.query_one_raw(q("PRAGMA journal_mode")).await.unwrap().unwrap().try_get_by_index(0).unwrap();
        let sync: i32 = t.query_one_raw(q("PRAGMA synchronous")).await.unwrap().unwrap().try_get_by_index(0).unwrap();
        let fk: i32 = t.query_one_raw(q("PRAGMA foreign_keys")).await.unwrap().unwrap().try_get_by_index(0).unwrap();
        assert_eq!(jm, "wal");
        assert_eq!(sync, 2, "synchronous=FULL");
        assert_eq!(fk, 1);
        txns.push(t);
    }
}

fn event(action: &'static str, subject: String, payload: serde_json::Value) -> NewEvent {
    NewEvent { tender: None, actor: Actor::system(), action, subject, payload }
}

#[tokio::test]
async fn concurrent_writers_keep_the_log_gapless_linear_and_verifiable() {
    let dir = tempfile::tempdir().unwrap();
    let (db, url) = fresh_db_url(dir.path()).await;
    // A second, independent pool stands for a second server process: only the
    // database's own locking keeps the two apart.
    let other = store::connect(&url).await.unwrap();
    let writers = 24;
    let per_writer = 15;
    let mut handles = Vec::new();
    for w in 0..writers {
        let db = if w % 2 == 0 { db.clone() } else { other.clone() };
        handles.push(tokio::spawn(async move {
            for i in 0..per_writer {
                let tx = db.write().await.unwrap();
                let payload = serde_json::json!({ "w": w.to_string(), "i": i.to_string() });
                audit::append(&tx, Utc::now(), event("test.concurrent", format!("writer:{w}:{i}"), payload))
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            }
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    let n = audit::size(&db.conn).await.unwrap();
    assert_eq!(n, (writers * per_writer) as u64);
    let verified = audit::verify_stored(&db.conn, None).await.unwrap().expect("chain intact");
    assert_eq!(verified.size, n);
    let mut lines = Vec::new();
    audit::export(&db.conn, None, |l| {
        lines.push(l);
        Ok(())
    })
    .await
    .unwrap();
    assert_eq!(lines.len() as u64, n + 1, "header plus every event");
    let v = app::domain::audit::verify_export(&lines.join("\n"), None).unwrap();
    assert_eq!(v.root, verified.root);
}

#[tokio::test]
async fn a_rolled_back_change_leaves_no_audit_event_and_no_gap() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(dir.path()).await;
    let tx = db.write().await.unwrap();
    audit::append(&tx, Utc::now(), event("test.event", "a".into(), serde_json::json!({}))).await.unwrap();
    tx.commit().await.unwrap();
    let tx = db.write().await.unwrap();
    audit::append(&tx, Utc::now(), event("test.event", "b".into(), serde_json::json!({}))).await.unwrap();
    drop(tx); // rolled back
    let tx = db.write().await.unwrap();
    let appended = audit::append(&tx, Utc::now(), event("test.event", "c".into(), serde_json::json!({}))).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(appended.seq, 2);
    assert!(audit::verify_stored(&db.conn, None).await.unwrap().is_ok());
}

#[tokio::test]
async fn an_erased_payload_keeps_the_stored_log_verifiable() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(dir.path()).await;
    let tx = db.write().await.unwrap();
    let payload = serde_json::json!({ "naam": "Jan Jansen" });
    audit::append(&tx, Utc::now(), event("account.created", "account:p-1".into(), payload)).await.unwrap();
    tx.commit().await.unwrap();
    db.conn
        .execute_unprepared("UPDATE audit_payloads SET payload = NULL, salt = NULL, erased_at = CURRENT_TIMESTAMP WHERE seq = 1")
        .await
        .unwrap();
    let v = audit::verify_stored(&db.conn, None).await.unwrap().unwrap();
    assert_eq!(v.erased_payloads, 1);
}
