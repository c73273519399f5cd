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
    // The seeded tender names three holders (the demo inkopers).
    let third = user(&db, "inkoper3").await;
    let s = Scenario::published(server).await.bids(2).await;
    let t0 = Utc::now();
    let h2 = holder(&db, "inkoper2").await;
    let h3 = holder(&db, "inkoper3").await;
    let state = store::sealing::state(&db.conn, TENDER, third.id).await.unwrap().unwrap();
    assert_eq!(state.holders.len(), 3);

    // The third holder proves their share; inkoper2 and the third rehearse.
    let mut o = op(&db, t0, "inkoper3", Action::ManageProcedure).await.unwrap();
    store::sealing::prove_share(&mut o, &h3).await.unwrap();
    o.commit().await.unwrap();
    let mut o = op(&db, t0, "inkoper2", Action::ManageProcedure).await.unwrap();
    store::sealing::start_rehearsal(&mut o, &h2).await.unwrap();
    o.commit().await.unwrap();
    let mut o = op(&db, t0, "inkoper2", Action::ManageProcedure).await.unwrap();
    conflict_says(store::sealing::complete_rehearsal(&mut o, &h2).await, "geen proef");
    drop(o);
    let mut o = op(&db, t0 + Duration::minutes(2), "inkoper3", Action::ManageProcedure).await.unwrap();
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
    let mut o = op(&db, t0 + Duration::minutes(1), "inkoper3", Action::OpenBids).await.unwrap();
    let record = store::opening::confirm(&mut o, &files(&s), &mut Default::default(), Some(&mut unsealed)).await.unwrap();
    o.commit().await.unwrap();
    unsealed.finish(&files(&s));
    assert!(record["verzegeling"]["bevindingen"].as_str().unwrap().starts_with("geen"), "{record}");
    assert_eq!(record["inschrijvingen"].as_array().unwrap().len(), 2);
}

/// An upload cut off halfway: the request says more bytes than are sent and
/// the connection closes.
async fn cut_off_upload(port: u16, cookie: &str, path: &str) {
    use tokio::io::AsyncWriteExt;
    let boundary = "----dialoog-afgebroken";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"bestand\"; filename=\"plan.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend(std::iter::repeat_n(b'x', 300_000));
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\nAccept: application/json\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: 5000000\r\n\r\n"
    );
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(&body).await.unwrap();
    s.flush().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    drop(s);
}

#[test]
fn gaps_are_the_stretches_no_run_covers_and_the_time_before_the_first_run_is_unknown() {
    use app::store::availability::{gaps, Gap};
    let t = |m: i64| DateTime::parse_from_rfc3339("2026-06-30T10:00:00Z").unwrap().with_timezone(&Utc) + Duration::minutes(m);
    let (from, until) = (t(0), t(60));
    assert!(gaps(&[], None, from, until).is_empty(), "nothing recorded yet: unknown, not an outage");
    // Up all the time (two instances overlapping): no gap.
    assert!(gaps(&[(t(-100), t(30)), (t(29), t(61))], Some(t(-100)), from, until).is_empty());
    // Down from minute 20 to 35, and from minute 59 on (a silence of 55 s
    // after the last beat plus one beat period).
    let g = gaps(&[(t(-100), t(20)), (t(35), t(59))], Some(t(-100)), from, until);
    assert_eq!(g[0], Gap { from: t(20) + Duration::seconds(5), until: t(35) });
    assert_eq!(g[1], Gap { from: t(59) + Duration::seconds(5), until: t(60) });
    assert_eq!(g.len(), 2);
    // A restart of 10 s is no outage.
    assert!(gaps(&[(t(-100), t(30)), (t(30) + Duration::seconds(15), t(60))], Some(t(-100)), from, until).is_empty());
    // Recording began inside the window: the time before it is unknown.
    assert!(gaps(&[(t(10), t(60))], Some(t(10)), from, until).is_empty());
}

#[tokio::test]
async fn an_outage_before_the_deadline_is_shown_to_the_inkoper_and_the_deadline_is_extended_through_an_nvi() {
    use app::store::entities::{availability_runs, tenders, upload_failures};
    use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, PaginatorTrait, Set};
    let server = Server::start().await;
    let db = store::connect(&server.db.url).await.unwrap();
    let mut s = Scenario::published(server).await;
    // The seeded tender on the real clock, its deadline in 20 minutes.
    let now = Utc::now();
    let deadline = now + Duration::minutes(20);
    let t = tenders::Entity::find_by_id(TENDER).one(&db.conn).await.unwrap().unwrap();
    let mut a = t.into_active_model();
    a.training = Set(false);
    a.simulated_now = Set(None);
    a.submission_deadline = Set(Some(deadline));
    a.update(&db.conn).await.unwrap();
    let view = |v: &serde_json::Value| v["outage"].clone();

    // Nothing happened: nothing to show, and no extension on that ground.
    let p = json(&ok(&mut s.inkoper, "/api/procedure_view", &[("id", "1")]).await);
    assert!(view(&p).is_null(), "{p}");
    let input = app::domain::procedure::to_local_input(deadline + Duration::days(1));
    let r = s.inkoper.post_form("/api/extend_for_outage", &[("id", "1"), ("nieuwe_termijn", &input)]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("geen storing"), "{}", r.body);

    // The platform was down from 45 to 30 minutes before now (up for hours
    // before that; the test's server has been up since it started).
    availability_runs::ActiveModel {
        instance: Set("eerder:1".into()),
        started_at: Set(now - Duration::hours(3)),
        last_beat_at: Set(now - Duration::minutes(45)),
        ..Default::default()
    }
    .insert(&db.conn)
    .await
    .unwrap();
    availability_runs::ActiveModel {
        instance: Set("eerder:2".into()),
        started_at: Set(now - Duration::minutes(30)),
        last_beat_at: Set(now),
        ..Default::default()
    }
    .insert(&db.conn)
    .await
    .unwrap();
    // And a bidder's upload is cut off on the way.
    let mut bidder = s.server.login("aanbieder1").await;
    let cookie = bidder.cookie_header().unwrap();
    cut_off_upload(s.server.port, &cookie, "/upload/inschrijving/1/4").await;
    let mut kept = 0;
    for _ in 0..50 {
        kept = upload_failures::Entity::find().count(&db.conn).await.unwrap();
        if kept > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(kept, 1, "the cut-off upload is kept");
    // A refusal is the bidder's, not the platform's: not kept.
    let r = bidder.upload("/upload/inschrijving/1/4", &[], "plan.exe", b"MZ").await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(upload_failures::Entity::find().count(&db.conn).await.unwrap(), 1);

    // The inkoper sees the gap and the failed upload, not yet who it was.
    let p = json(&ok(&mut s.inkoper, "/api/procedure_view", &[("id", "1")]).await);
    let o = view(&p);
    assert_eq!(o["gaps"].as_array().unwrap().len(), 1, "{o}");
    assert!(o["gaps"][0].as_str().unwrap().contains("niet bereikbaar"), "{o}");
    assert_eq!(o["failures"].as_array().unwrap().len(), 1, "{o}");
    assert!(o["failures"][0].as_str().unwrap().contains("afgebroken"), "{o}");
    assert!(!o.to_string().contains("Kennemerland"), "who bids stays sealed until the deadline: {o}");
    assert_eq!(o["affected"], 1);
    // A bidder and an observer see nothing of it.
    let b = json(&ok(&mut bidder, "/api/procedure_view", &[("id", "1")]).await);
    assert!(view(&b).is_null(), "{b}");
    let page = s.inkoper.get("/aanbesteding/1").await;
    assert!(page.body.contains("Storing rond de sluitingstermijn"), "the overview tells the inkoper");

    // The deadline passes (the outage hid it); the window is closed.
    let t = tenders::Entity::find_by_id(TENDER).one(&db.conn).await.unwrap().unwrap();
    let mut a = t.into_active_model();
    let passed = Utc::now();
    a.submission_deadline = Set(Some(passed));
    a.submission_closed_at = Set(Some(passed));
    a.update(&db.conn).await.unwrap();
    // A bid at the deadline's own second is on time; one a second later is not.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let r = bidder.upload("/upload/inschrijving/1/4", &[], "plan.pdf", b"%PDF te laat").await;
    assert_eq!(r.status, 409, "late is late, outage or not: {}", r.body);
    // Now the inkoper sees who was affected, and extends.
    let p = json(&ok(&mut s.inkoper, "/api/procedure_view", &[("id", "1")]).await);
    let o = view(&p);
    assert!(o["failures"][0].as_str().is_some_and(|f| f.contains("Jeugdhulp Kennemerland")), "{o}");
    assert_eq!(o["closed"], true);
    let r = s.inkoper.post_form("/api/extend_for_outage", &[("id", "1"), ("nieuwe_termijn", "2020-01-01T12:00")]).await;
    assert_eq!(r.status, 400, "a new deadline in the past: {}", r.body);
    let input = app::domain::procedure::to_local_input(now + Duration::days(2));
    let r = ok(&mut s.inkoper, "/api/extend_for_outage", &[("id", "1"), ("nieuwe_termijn", &input), ("toelichting", "Excuses voor het ongemak.")]).await;
    assert!(r.body.contains("verlengd"), "{}", r.body);
    let t = tenders::Entity::find_by_id(TENDER).one(&db.conn).await.unwrap().unwrap();
    assert!(t.submission_closed_at.is_none(), "the window is open again");
    assert!(t.submission_deadline.unwrap() > now + Duration::days(1));
    // The bidder can upload again, and was told through the NvI.
    let r = bidder.upload("/upload/inschrijving/1/4", &[], "plan.pdf", b"%PDF op tijd").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let inbox = ok(&mut bidder, "/api/inbox", &[]).await;
    assert!(inbox.body.contains("niet goed bereikbaar") || inbox.body.contains("sluitingstermijn is gewijzigd"), "{}", inbox.body);
    // On record, with the evidence, without who.
    let trail = s.server.db.all_text().await;
    assert!(trail.contains("submission.extended_for_outage"), "the extension is an audit event");
    let line = trail.lines().find(|l| l.contains("heropend")).expect("its payload");
    assert!(line.contains("mislukte upload") && line.contains("niet bereikbaar"), "{line}");
    assert!(!line.contains("Kennemerland"), "{line}");
    // Only once: the evidence is the same, but the deadline now lies ahead.
    let r = s.inkoper.post_form("/api/extend_for_outage", &[("id", "1"), ("nieuwe_termijn", &input)]).await;
    assert_eq!(r.status, 409, "{}", r.body);
}

/// What the bidder's browser does (`upload.js` with the bundle's
/// `BrowserSealer`, the same code): seals the file to the tender's key and
/// sends only the sealed bytes, with the plaintext's SHA-256 and size.
async fn upload_sealed_in_browser(a: &mut Client, part: &str, name: &str, plain: &[u8], claimed_sha: Option<&str>) -> testkit::server::Resp {
    let v = json(&ok(a, "/api/bid_view", &[("id", "1")]).await);
    let row = v["parts"].as_array().unwrap().iter().find(|p| p["def_id"].to_string() == part).unwrap().clone();
    let (pk, binding) = (row["seal"][0].as_str().unwrap().to_string(), row["seal"][1].as_str().unwrap().to_string());
    let mut sealer = app::seal_stream::StreamSealer::new(&pk, &binding).unwrap();
    let mut sealed = vec![];
    for piece in plain.chunks(1 << 20) {
        sealed.extend(sealer.push(piece));
    }
    sealed.extend(sealer.finish());
    let sha = claimed_sha.map(str::to_string).unwrap_or_else(|| app::domain::digest::sha256_hex(plain));
    let size = plain.len().to_string();
    a.upload(&format!("/upload/inschrijving/1/{part}"), &[("verzegeld", "browser"), ("sha256", &sha), ("grootte", &size)], name, &sealed).await
}

#[tokio::test]
async fn a_part_sealed_in_the_browser_is_stored_as_sent_said_on_the_receipt_and_checked_at_the_opening() {
    let server = Server::start().await;
    let db = store::connect(&server.db.url).await.unwrap();
    let s = Scenario::published(server).await;
    let mut plan = b"%PDF-1.4 ".to_vec();
    while plan.len() < 150_000 {
        plan.extend_from_slice(b"BROWSER-GEHEIM plan van aanpak per school. ");
    }
    // Bidder 1 seals its plan in the browser; bidder 2 claims a fingerprint
    // its sealed bytes do not have.
    let mut a = s.server.login("aanbieder1").await;
    let mut b = s.server.login("aanbieder2").await;
    for (c, part, name, bytes) in [(&mut a, "1", "uea.pdf", b"%PDF UEA".to_vec()), (&mut b, "1", "uea.pdf", b"%PDF UEA".to_vec())] {
        let r = upload_sealed_in_browser(c, part, name, &bytes, None).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    // Refused, each with its reason and nothing stored: cut short, no
    // fingerprint, the fields after the file.
    let v = json(&ok(&mut a, "/api/bid_view", &[("id", "1")]).await);
    let row = v["parts"].as_array().unwrap().iter().find(|p| p["def_id"] == 4).unwrap().clone();
    let mut sealer = app::seal_stream::StreamSealer::new(row["seal"][0].as_str().unwrap(), row["seal"][1].as_str().unwrap()).unwrap();
    let mut sealed = sealer.push(&plan);
    sealed.extend(sealer.finish());
    let size = plan.len().to_string();
    let sha = app::domain::digest::sha256_hex(&plan);
    let short = &sealed[..sealed.len() - 100];
    let r = a.upload("/upload/inschrijving/1/4", &[("verzegeld", "browser"), ("sha256", &sha), ("grootte", &size)], "plan.pdf", short).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("onvolledig of beschadigd"), "{}", r.body);
    let r = a.upload("/upload/inschrijving/1/4", &[("verzegeld", "browser"), ("grootte", &size)], "plan.pdf", &sealed).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("vingerafdruk"), "{}", r.body);
    let files_before = {
        let mut n = vec![];
        every_byte(&s.server.dir.path().join("data/files"), &mut n);
        n.len()
    };
    // The plaintext never reaches the server: not in the request's stored bytes.
    let r = upload_sealed_in_browser(&mut a, "4", "plan.pdf", &plan, None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = upload_sealed_in_browser(&mut b, "4", "plan.pdf", &plan, Some(&"ab".repeat(32))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let mut after = vec![];
    every_byte(&s.server.dir.path().join("data/files"), &mut after);
    assert!(after.len() > files_before, "stored");
    for c in [&mut a, &mut b] {
        for (part, name) in [("2", "kvk.pdf")] {
            let r = c.upload(&format!("/upload/inschrijving/1/{part}"), &[], name, b"%PDF KvK").await;
            assert_eq!(r.status, 200, "the server-sealed path beside it: {}", r.body);
        }
        ok(c, "/api/save_form_part", &[("id", "1"), ("onderdeel", "3"), ("tekst", "Akkoord.")]).await;
    }
    let receipt = json(&ok(&mut a, "/api/submit_bid", &[("id", "1"), ("sleutel", "sleutel-browser-0001")]).await);
    ok(&mut b, "/api/submit_bid", &[("id", "1"), ("sleutel", "sleutel-browser-0002")]).await;
    let parts = receipt["onderdelen"].as_array().unwrap();
    let plan_row = parts.iter().find(|p| p["bestandsnaam"] == "plan.pdf").unwrap();
    assert_eq!(plan_row["sha256"], sha.as_str(), "the plaintext's fingerprint, as the browser computed it");
    assert_eq!(plan_row["verzegeld"], "in de browser van de inschrijver");
    let kvk_row = parts.iter().find(|p| p["bestandsnaam"] == "kvk.pdf").unwrap();
    assert_eq!(kvk_row["verzegeld"], "op de server");
    assert!(parts.iter().find(|p| p["bestandsnaam"] == "formulier").unwrap().get("verzegeld").is_none());
    let mut hay = s.server.db.all_text().await.into_bytes();
    every_byte(s.server.dir.path(), &mut hay);
    assert!(!holds(&hay, b"BROWSER-GEHEIM"), "readable before the opening");

    // The opening: bidder 1's plan opens whole and matches; bidder 2's claim
    // does not, which is a finding in the proces-verbaal.
    let mut s = s.deadline_passed().await;
    ok(&mut s.inkoper, "/api/start_opening", &[("id", "1"), ("zegelwachtwoord", SEAL)]).await;
    ok(&mut s.inkoper2, "/api/confirm_opening", &[("id", "1"), ("zegelwachtwoord", SEAL)]).await;
    let pv = ok(&mut s.inkoper, "/api/opening_record", &[("id", "1")]).await;
    assert!(pv.body.contains("vingerafdruk wijkt af van de ontvangstbevestiging: 'Kwaliteitsplan (anoniem)' van Stichting Schoolteam Noord"), "{}", pv.body);
    assert!(!pv.body.contains("van Jeugdhulp Kennemerland"), "bidder 1's parts all matched: {}", pv.body);
    let mut hay = s.server.db.all_text().await.into_bytes();
    every_byte(s.server.dir.path(), &mut hay);
    assert!(holds(&hay, &plan), "the plan opened whole");
    drop(db);
}

#[tokio::test]
async fn the_audit_log_verifies_from_a_kept_prefix_as_it_does_from_event_one_and_still_finds_a_change() {
    use store::audit::verify_from_prefix;
    let server = Server::start().await;
    let db = store::connect(&server.db.url).await.unwrap();
    let now = Utc::now();
    let every = Duration::minutes(10);
    let (first, kept, after) = verify_from_prefix(&db.conn, None, now, every).await.unwrap();
    assert_eq!(after, 0, "nothing kept: from event 1");
    assert!(first.is_ok());
    let kept = kept.expect("an intact log is kept");
    // New events (a log-in); from the prefix only those are read, with the
    // same outcome as reading everything.
    let _c = server.login("inkoper1").await;
    let (from_prefix, kept2, after) = verify_from_prefix(&db.conn, Some(kept.clone()), now, every).await.unwrap();
    assert_eq!(after, kept.seq);
    let (whole, _, _) = verify_from_prefix(&db.conn, None, now, every).await.unwrap();
    let (from_prefix, whole) = (from_prefix.unwrap(), whole.unwrap());
    assert!(from_prefix.size > first.unwrap().size);
    assert_eq!(from_prefix, whole, "the same head either way");
    let kept2 = kept2.unwrap();
    assert_eq!(kept2.seq as u64, whole.size);
    // A prefix older than the interval is not trusted: everything again.
    let (_, _, after) = verify_from_prefix(&db.conn, Some(kept.clone()), now + Duration::minutes(11), every).await.unwrap();
    assert_eq!(after, 0);
    // A changed event after the prefix is found, and nothing is kept.
    let last = whole.size;
    server
        .db
        .execute(&format!("UPDATE audit_events SET entry = REPLACE(entry, '\"role\":\"', '\"role\":\"x') WHERE seq = {last}"))
        .await;
    let (broken, keep, _) = verify_from_prefix(&db.conn, Some(kept.clone()), now, every).await.unwrap();
    assert_eq!(broken.unwrap_err().seq, last);
    assert!(keep.is_none());
    // A change inside a kept prefix waits for the next whole check (at most
    // the interval), which finds it.
    let (unseen, _, _) = verify_from_prefix(&db.conn, Some(kept2.clone()), now, every).await.unwrap();
    assert!(unseen.is_ok(), "inside the prefix: not read again within the interval");
    let (whole_again, _, after) = verify_from_prefix(&db.conn, Some(kept2), now + Duration::minutes(11), every).await.unwrap();
    assert_eq!(after, 0);
    assert_eq!(whole_again.unwrap_err().seq, last);
}
