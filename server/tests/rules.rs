//! Store-level tests of rules that need a tender in a given state: the
//! scenario drives the seeded tender there through the API, then the test
//! calls the store's operations directly on the same database, with a clock
//! of its own (so "ten minutes later" needs no waiting).

mod common;
use app::domain::access::{Action, Phase};
use app::domain::values::{Pseudonym, Username};
use app::error::AppError;
use app::ids::TenderId;
use app::state::Clock;
use app::store::{self, Db, Op};
use chrono::{DateTime, Duration, Utc};
use common::*;

const TENDER: TenderId = TenderId(1);

async fn db_of(s: &Scenario) -> Db {
    store::connect(&s.server.db.url).await.unwrap()
}

async fn user(db: &Db, name: &str) -> app::store::entities::users::Model {
    store::users::by_username(&db.conn, &Username::parse(name).unwrap()).await.unwrap().unwrap()
}

async fn op(db: &Db, at: DateTime<Utc>, who: &str, action: Action) -> Result<Op, AppError> {
    Op::begin(db, &Clock::Fixed(at), user(db, who).await, TENDER, action).await
}

fn conflict_says(r: Result<impl std::fmt::Debug, AppError>, words: &str) {
    match r {
        Err(AppError::Conflict(m)) => assert!(m.contains(words), "{m}"),
        other => panic!("expected a conflict about '{words}', got {other:?}"),
    }
}

#[tokio::test]
async fn the_opening_starts_after_the_deadline_and_a_second_inkoper_confirms_it_within_ten_minutes() {
    let s = published().await.bids(2).await;
    let db = db_of(&s).await;
    let t0 = Utc::now();

    // Before the deadline (the training clock is on 29 June) nobody opens.
    let mut o = op(&db, t0, "inkoper1", Action::OpenBids).await.unwrap();
    conflict_says(store::opening::start(&mut o).await, "pas na de sluitingstermijn");
    drop(o);

    let s = s.deadline_passed().await;
    let mut o = op(&db, t0, "inkoper1", Action::OpenBids).await.unwrap();
    store::opening::start(&mut o).await.unwrap();
    o.commit().await.unwrap();

    // One opening at a time; the one who started it cannot confirm it.
    let mut o = op(&db, t0 + Duration::minutes(1), "inkoper2", Action::OpenBids).await.unwrap();
    conflict_says(store::opening::start(&mut o).await, "loopt al");
    drop(o);
    let mut o = op(&db, t0 + Duration::minutes(1), "inkoper1", Action::OpenBids).await.unwrap();
    conflict_says(store::opening::confirm(&mut o, &files(&s), &mut Default::default()).await, "zelf gestart");
    drop(o);

    // Ten minutes and one second later it has expired.
    let late = t0 + Duration::minutes(10) + Duration::seconds(1);
    let mut o = op(&db, late, "inkoper2", Action::OpenBids).await.unwrap();
    conflict_says(store::opening::confirm(&mut o, &files(&s), &mut Default::default()).await, "verlopen");
    drop(o);

    // A new start, confirmed in time by the other inkoper, opens the bids.
    let mut o = op(&db, late, "inkoper2", Action::OpenBids).await.unwrap();
    store::opening::start(&mut o).await.unwrap();
    o.commit().await.unwrap();
    let mut o = op(&db, late + Duration::minutes(9), "inkoper1", Action::OpenBids).await.unwrap();
    let record = store::opening::confirm(&mut o, &files(&s), &mut Default::default()).await.unwrap();
    assert_eq!(o.phase(), Phase::Geopend);
    o.commit().await.unwrap();
    assert_eq!(record["pseudoniemen"]["aantal"], "2");
    assert_eq!(record["inschrijvingen"].as_array().unwrap().len(), 2);

    // The operation reads the tender again: in phase "geopend" the table no
    // longer lets anyone open, so the change is refused before it starts.
    assert!(matches!(op(&db, late + Duration::minutes(10), "inkoper2", Action::OpenBids).await, Err(AppError::Forbidden(_))));
    let snapshot = store::evaluation::snapshot(&db.conn, TENDER).await.unwrap();
    assert_eq!(snapshot.plans.len(), 2);
}

/// The file store of the scenario's server (the opening reads the plans).
fn files(s: &Scenario) -> store::files::FileStore {
    store::files::FileStore::open(&s.server.dir.path().join("data/files")).unwrap()
}

#[tokio::test]
async fn a_report_that_a_plan_names_its_bidder_blocks_the_consensus_lock_until_the_inkoper_decides() {
    let mut s = published().await.bids(2).await.opened().await.panel(2).await.scored().await.consensus_opened().await.consensus_recorded().await;
    let plans = s.pseudonyms().await;
    let db = db_of(&s).await;
    let now = Utc::now();

    // The second evaluator reports that a plan identifies its bidder.
    let mut o = op(&db, now, "beoordelaar2", Action::Evaluate).await.unwrap();
    let flagged = Pseudonym::parse(&plans[0]).unwrap();
    store::evaluation::plans::raise_flag(&mut o, &flagged, "Het logo op de voorpagina verraadt de inschrijver.").await.unwrap();
    o.commit().await.unwrap();

    // The chair cannot lock the consensus while the report waits.
    let mut o = op(&db, now, "beoordelaar1", Action::Evaluate).await.unwrap();
    conflict_says(store::evaluation::consensus::lock_consensus(&mut o).await, "ligt nog een melding bij de inkoper");
    drop(o);

    // Nor can anyone score that plan meanwhile.
    let mut o = op(&db, now, "beoordelaar1", Action::Evaluate).await.unwrap();
    let level = app::domain::values::Level::parse("8").unwrap();
    conflict_says(
        store::evaluation::consensus::save_consensus(&mut o, &flagged, "K1", level, "Sterk uitgewerkt per school.", "").await,
        "melding",
    );
    drop(o);

    // The inkoper decides: the plan does not identify its bidder after all.
    let snapshot = store::evaluation::snapshot(&db.conn, TENDER).await.unwrap();
    let flag = snapshot.first_open_flag().expect("the report waits").id;
    let mut o = op(&db, now, "inkoper1", Action::ManageEvaluation).await.unwrap();
    store::evaluation::plans::decide_flag(&mut o, flag, false, "Het logo is dat van het samenwerkingsverband, niet van de inschrijver.")
        .await
        .unwrap();
    o.commit().await.unwrap();

    let mut o = op(&db, now, "beoordelaar1", Action::Evaluate).await.unwrap();
    let result = store::evaluation::consensus::lock_consensus(&mut o).await.unwrap();
    o.commit().await.unwrap();
    assert_eq!(result.plans.len(), 2);
    assert!(result.plans.iter().all(|p| p.valid));
    assert!(result.outcome.unresolved_tie.is_some(), "two plans with the same scores: only a lot decides");
}
