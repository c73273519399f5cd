//! Store tests against a real database: SQLite by default, PostgreSQL when
//! DIALOOG_TEST_PG_URL is set.

use app::state::Clock;
use app::store::{self, audit, Actor, Anywhere, Db, Event, Op, Subject};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Statement};

async fn fresh_db(dir: &std::path::Path) -> Db {
    fresh_db_url(dir).await.0
}

/// A migrated database of the test's own (the test kit's, SQLite or PostgreSQL).
async fn fresh_db_url(dir: &std::path::Path) -> (Db, String) {
    let url = testkit::TestDb::new(dir).await.url;
    let db = store::connect(&url).await.unwrap();
    Migrator::up(&db.conn, None).await.unwrap();
    (db, url)
}

/// An operation of the system outside any tender.
async fn op(db: &Db) -> Op<Anywhere> {
    Op::anywhere(db, &Clock::System, Actor::system()).await.unwrap()
}

/// An event for the log's own tests.
fn event(n: &str) -> Event {
    Event::Checkpoint { subject: Subject::Audit, grootte_voor: n.to_string() }
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
                let mut op = op(&db).await;
                op.record(event(&format!("{w}:{i}"))).await.unwrap();
                op.commit().await.unwrap();
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
    let mut o = op(&db).await;
    o.record(event("a")).await.unwrap();
    o.commit().await.unwrap();
    let mut o = op(&db).await;
    o.record(event("b")).await.unwrap();
    drop(o); // rolled back
    let mut o = op(&db).await;
    let appended = o.record(event("c")).await.unwrap();
    o.commit().await.unwrap();
    assert_eq!(appended.seq, 2);
    assert!(audit::verify_stored(&db.conn, None).await.unwrap().is_ok());
}

#[tokio::test]
async fn an_erased_payload_keeps_the_stored_log_verifiable() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(dir.path()).await;
    let mut o = op(&db).await;
    o.record(Event::AccountCreated { subject: Subject::Account("p-1".into()), username: "jjansen".into(), naam: "Jan Jansen".into(), email: None })
        .await
        .unwrap();
    o.commit().await.unwrap();
    // Stripped by hand, without the erasure procedure: the log says so.
    db.conn
        .execute_unprepared("UPDATE audit_payloads SET payload = NULL, salt = NULL, erased_at = CURRENT_TIMESTAMP WHERE seq = 1")
        .await
        .unwrap();
    assert!(audit::verify_stored(&db.conn, None).await.unwrap().is_err(), "an erasure without its event is detected");
    // The erasure procedure records what it erased; then the log verifies.
    db.conn.execute_unprepared("UPDATE audit_payloads SET erased_at = NULL WHERE seq = 1").await.unwrap();
    let mut o = op(&db).await;
    assert_eq!(audit::erase_payloads(&mut o, &[1], &[], "AVG-verzoek").await.unwrap(), vec![1]);
    o.commit().await.unwrap();
    let v = audit::verify_stored(&db.conn, None).await.unwrap().unwrap();
    assert_eq!(v.erased_payloads, 1);
}

#[tokio::test]
async fn an_operation_that_recorded_no_event_cannot_commit_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(dir.path()).await;
    let o = op(&db).await;
    o.txn()
        .execute_unprepared("INSERT INTO outbox (to_address, subject, body, created_at) VALUES ('a@b.nl', 's', 'b', CURRENT_TIMESTAMP)")
        .await
        .unwrap();
    assert_eq!(o.commit().await, Err(app::error::AppError::Internal), "a change without its audit event is refused");
    assert!(store::messages::outbox_all(&db.conn).await.unwrap().is_empty(), "and rolled back");
    assert_eq!(audit::size(&db.conn).await.unwrap(), 0);
}

/// How many migrations, counted from the newest, down to and including the
/// one that writes the seeded formation.
const AFTER_FORMATION: u32 = 8;

#[tokio::test]
async fn a_database_seeded_before_the_formation_was_editable_gets_the_seeded_formation() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(dir.path()).await;
    let opts = store::bootstrap::Options { seed_tender: true, demo: false, admin_password: None };
    store::bootstrap::run(&db, &Clock::System, opts).await.unwrap();
    let count = |db: &Db| {
        let c = db.conn.clone();
        async move {
            let sql = "SELECT COUNT(*) AS n FROM tender_formation";
            let st = Statement::from_string(c.get_database_backend(), sql.to_string());
            c.query_one_raw(st).await.unwrap().unwrap().try_get_by_index::<i64>(0).unwrap()
        }
    };
    assert_eq!(count(&db).await, 7, "a new seed writes the formation itself");
    // As a database seeded before: no rows, and the migration (and those
    // after it) not yet run.
    db.conn.execute_unprepared("DELETE FROM tender_formation").await.unwrap();
    Migrator::down(&db.conn, Some(AFTER_FORMATION)).await.unwrap();
    Migrator::up(&db.conn, None).await.unwrap();
    assert_eq!(count(&db).await, 7);
    let t = store::tenders::by_reference(&db.conn, "JST-VO-2023").await.unwrap().unwrap();
    let f = store::setup::formation(&db.conn, t.id).await.unwrap();
    assert_eq!((f[0].profile.as_str(), f[0].current.to_string()), ("Jeugd- en Gezinscoach VO", "4,5".to_string()));
    // Running it again adds nothing.
    Migrator::down(&db.conn, Some(AFTER_FORMATION)).await.unwrap();
    Migrator::up(&db.conn, None).await.unwrap();
    assert_eq!(count(&db).await, 7);
}
