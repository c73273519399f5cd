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
use app::store::sealing::KeyChange;
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

    let h1 = holder(&db, "inkoper1").await;
    let h2 = holder(&db, "inkoper2").await;

    // Before the deadline (the training clock is on 29 June) nobody opens.
    let mut o = op(&db, t0, "inkoper1", Action::OpenBids).await.unwrap();
    conflict_says(store::opening::start(&mut o, Some(&h1)).await, "pas na de sluitingstermijn");
    drop(o);

    let s = s.deadline_passed().await;
    let mut o = op(&db, t0, "inkoper1", Action::OpenBids).await.unwrap();
    store::opening::start(&mut o, Some(&h1)).await.unwrap();
    o.commit().await.unwrap();

    // One opening at a time; the one who started it cannot confirm it.
    let mut o = op(&db, t0 + Duration::minutes(1), "inkoper2", Action::OpenBids).await.unwrap();
    conflict_says(store::opening::start(&mut o, Some(&h2)).await, "loopt al");
    drop(o);
    let mut o = op(&db, t0 + Duration::minutes(1), "inkoper1", Action::OpenBids).await.unwrap();
    conflict_says(store::opening::confirm(&mut o, &files(&s), &mut Default::default(), None).await, "zelf gestart");
    drop(o);

    // Ten minutes and one second later it has expired.
    let late = t0 + Duration::minutes(10) + Duration::seconds(1);
    let mut o = op(&db, late, "inkoper2", Action::OpenBids).await.unwrap();
    conflict_says(store::opening::confirm(&mut o, &files(&s), &mut Default::default(), None).await, "verlopen");
    drop(o);

    // A new start, confirmed in time by the other inkoper, opens the bids:
    // the second holder's share and the one handed on recover the key.
    let mut o = op(&db, late, "inkoper2", Action::OpenBids).await.unwrap();
    store::opening::start(&mut o, Some(&h2)).await.unwrap();
    o.commit().await.unwrap();
    let me = user(&db, "inkoper1").await;
    let mut unsealed = store::opening::recover_and_unseal(&db.conn, TENDER, &h1, &me, &files(&s)).await.unwrap();
    let mut o = op(&db, late + Duration::minutes(9), "inkoper1", Action::OpenBids).await.unwrap();
    let record = store::opening::confirm(&mut o, &files(&s), &mut Default::default(), Some(&mut unsealed)).await.unwrap();
    assert_eq!(o.phase(), Phase::Geopend);
    o.commit().await.unwrap();
    unsealed.finish(&files(&s));
    assert_eq!(record["pseudoniemen"]["aantal"], "2");
    assert!(record["verzegeling"]["bevindingen"].as_str().unwrap().starts_with("geen"), "{record}");
    assert_eq!(record["inschrijvingen"].as_array().unwrap().len(), 2);

    // The operation reads the tender again: in phase "geopend" the table no
    // longer lets anyone open, so the change is refused before it starts.
    assert!(matches!(op(&db, late + Duration::minutes(10), "inkoper2", Action::OpenBids).await, Err(AppError::Forbidden(_))));
    let snapshot = store::evaluation::snapshot(&db.conn, TENDER).await.unwrap();
    assert_eq!(snapshot.plans.len(), 2);
}

/// A demo inkoper's sealing key, unlocked with the demo passphrase.
async fn holder(db: &Db, name: &str) -> app::sealing::HolderSecret {
    store::sealing::unlock(&db.conn, user(db, name).await.id, SEAL).await.unwrap()
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

/// Every file under `dir`, read whole, one after the other.
fn every_byte(dir: &std::path::Path, out: &mut Vec<u8>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            every_byte(&p, out);
        } else if let Ok(b) = std::fs::read(&p) {
            out.extend(b);
        }
    }
}

fn holds(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn a_submitted_bid_is_nowhere_in_plain_text_before_the_opening_and_two_key_holders_open_it() {
    // The method competes on price, so a bid has an envelope 3.
    let server = Server::start().await;
    let mut ink = server.login("inkoper1").await;
    scenario::compete_on_price(&mut ink).await;
    let s = Scenario::published(server).await;
    let mut a = s.server.login("aanbieder1").await;
    // A plan of several chunks, a form and a price, each with a marker.
    let mut plan = b"%PDF-1.4 ".to_vec();
    while plan.len() < 200_000 {
        plan.extend_from_slice(b"GEHEIM-KWALITEITSPLAN de aanpak per school. ");
    }
    for (part, name, bytes) in
        [("1", "uea.pdf", b"%PDF UEA-GEHEIM-VERKLAARD".to_vec()), ("2", "kvk.pdf", b"%PDF KvK".to_vec()), ("4", "plan.pdf", plan.clone())]
    {
        let r = a.upload(&format!("/upload/inschrijving/1/{part}"), &[], name, &bytes).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    ok(&mut a, "/api/save_form_part", &[("id", "1"), ("onderdeel", "3"), ("tekst", "GEHEIME-VERKLARING van de inschrijver.")]).await;
    ok(&mut a, "/api/save_form_part", &[("id", "1"), ("onderdeel", "5"), ("tekst", "1.234.567,89")]).await;
    let receipt = json(&ok(&mut a, "/api/submit_bid", &[("id", "1"), ("sleutel", "sleutel-verzegeld-0001")]).await);
    assert!(receipt.to_string().contains(&app::domain::digest::sha256_hex(&plan)), "the receipt holds the plaintext's fingerprint");
    // Not even the bidder reads a sealed form back.
    let mine = ok(&mut a, "/api/bid_view", &[("id", "1")]).await;
    assert!(!mine.body.contains("GEHEIME-VERKLARING"), "{}", mine.body);

    // Every byte of the database and of the data directory.
    let markers: [&[u8]; 4] = [b"GEHEIM-KWALITEITSPLAN", b"GEHEIME-VERKLARING", b"UEA-GEHEIM", b"123456789"];
    let mut hay = s.server.db.all_text().await.into_bytes();
    every_byte(s.server.dir.path(), &mut hay);
    for m in markers {
        assert!(!holds(&hay, m), "{} readable before the opening", String::from_utf8_lossy(m));
    }

    // The opening: a wrong passphrase is refused, one holder alone cannot
    // confirm, a second holder with theirs opens.
    let mut s = s.deadline_passed().await;
    let r = s.inkoper.post_form("/api/start_opening", &[("id", "1"), ("zegelwachtwoord", "niet het goede")]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("klopt niet"), "{}", r.body);
    ok(&mut s.inkoper, "/api/start_opening", &[("id", "1"), ("zegelwachtwoord", SEAL)]).await;
    let r = s.inkoper.post_form("/api/confirm_opening", &[("id", "1"), ("zegelwachtwoord", SEAL)]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("zelf gestart"), "{}", r.body);
    let r = s.inkoper2.post_form("/api/confirm_opening", &[("id", "1"), ("zegelwachtwoord", "niet het goede")]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    ok(&mut s.inkoper2, "/api/confirm_opening", &[("id", "1"), ("zegelwachtwoord", SEAL)]).await;
    let pv = ok(&mut s.inkoper, "/api/opening_record", &[("id", "1")]).await;
    assert!(pv.body.contains("geen: elk onderdeel opende"), "{}", pv.body);

    // Opened: the parts are there in plain for who may read them, whole.
    let mut hay = s.server.db.all_text().await.into_bytes();
    every_byte(s.server.dir.path(), &mut hay);
    assert!(holds(&hay, b"GEHEIME-VERKLARING") && holds(&hay, b"000000123456789"));
    assert!(holds(&hay, &plan), "the plan opened whole");
}

#[tokio::test]
async fn any_two_of_three_key_holders_open_the_bids_and_a_rehearsal_shows_it_before_the_deadline() {
    let server = Server::start().await;
    let db = store::connect(&server.db.url).await.unwrap();
    // A third inkoper with a sealing key, before publication.
    let third = user(&db, "beheerder1").await;
    let key = store::sealing::prepare_key(&db.conn, third.id, None, "derde sleutelhouder".into(), KeyChange::Passphrase).await.unwrap();
    let mut o = Op::anywhere(&db, &Clock::Fixed(Utc::now()), store::Actor::system()).await.unwrap();
    store::users::grant(&mut o, TENDER, &third, app::domain::access::Role::Inkoper, None).await.unwrap();
    store::sealing::store_key(&mut o, &third, key, KeyChange::Passphrase).await.unwrap();
    o.commit().await.unwrap();
    let s = Scenario::published(server).await.bids(2).await;
    let t0 = Utc::now();
    let h2 = holder(&db, "inkoper2").await;
    let h3 = store::sealing::unlock(&db.conn, third.id, "derde sleutelhouder").await.unwrap();
    let state = store::sealing::state(&db.conn, TENDER, third.id).await.unwrap().unwrap();
    assert_eq!(state.holders.len(), 3);

    // The third holder proves their share; inkoper2 and the third rehearse.
    let mut o = op(&db, t0, "beheerder1", Action::ManageProcedure).await.unwrap();
    store::sealing::prove_share(&mut o, &h3).await.unwrap();
    o.commit().await.unwrap();
    let mut o = op(&db, t0, "inkoper2", Action::ManageProcedure).await.unwrap();
    store::sealing::start_rehearsal(&mut o, &h2).await.unwrap();
    o.commit().await.unwrap();
    let mut o = op(&db, t0, "inkoper2", Action::ManageProcedure).await.unwrap();
    conflict_says(store::sealing::complete_rehearsal(&mut o, &h2).await, "geen proef");
    drop(o);
    let mut o = op(&db, t0 + Duration::minutes(2), "beheerder1", Action::ManageProcedure).await.unwrap();
    assert!(store::sealing::complete_rehearsal(&mut o, &h3).await.unwrap(), "the test envelope opens");
    o.commit().await.unwrap();
    let all = s.server.db.all_text().await;
    assert!(all.contains("sealing.share_proved") && all.contains("sealing.rehearsed"), "both are audit events");

    // inkoper1 is away: inkoper2 and the third holder open the bids.
    let s = s.deadline_passed().await;
    let mut o = op(&db, t0, "inkoper2", Action::OpenBids).await.unwrap();
    store::opening::start(&mut o, Some(&h2)).await.unwrap();
    o.commit().await.unwrap();
    let mut unsealed = store::opening::recover_and_unseal(&db.conn, TENDER, &h3, &third, &files(&s)).await.unwrap();
    let mut o = op(&db, t0 + Duration::minutes(1), "beheerder1", Action::OpenBids).await.unwrap();
    let record = store::opening::confirm(&mut o, &files(&s), &mut Default::default(), Some(&mut unsealed)).await.unwrap();
    o.commit().await.unwrap();
    unsealed.finish(&files(&s));
    assert!(record["verzegeling"]["bevindingen"].as_str().unwrap().starts_with("geen"), "{record}");
    assert_eq!(record["inschrijvingen"].as_array().unwrap().len(), 2);
}
