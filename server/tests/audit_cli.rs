//! The audit trail end to end: export over HTTP and the CLI, verification
//! without the database, tamper detection, checkpoints and the refusal to start
//! on a log shorter than the last checkpoint.

mod common;
use common::*;
use sea_orm::{ConnectionTrait, Database};

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[tokio::test]
async fn an_exported_trail_verifies_and_any_tampering_names_the_first_bad_event() {
    let s = Server::start().await;
    let mut c = s.login("inkoper1").await;
    c.post_form("/api/write_checkpoint", &[("tender", "1")]).await;
    let export = c.get("/export/audittrail.jsonl").await.body;
    let dir = s.dir.path();
    let good = write(dir, "good.jsonl", &export);

    let (code, out, _) = run(std::process::Command::new(BIN).args(["audit", "verify", &good]));
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("INTACT"), "{out}");
    let head = out.lines().next().unwrap().split_whitespace().last().unwrap().to_string();
    assert_eq!(head.len(), 64);

    let lines: Vec<&str> = export.lines().collect();
    // lines[0] is the header; event n is lines[n]
    let n = lines.len() - 1;
    assert!(n >= 10, "enough events to tamper with");

    // one changed byte in event 5
    let mut changed = lines.clone();
    let tampered = changed[5].replacen("\"role\":\"", "\"role\":\"x", 1);
    changed[5] = &tampered;
    let f = write(dir, "changed.jsonl", &(changed.join("\n") + "\n"));
    let (code, out, _) = run(std::process::Command::new(BIN).args(["audit", "verify", &f]));
    assert_eq!(code, 1);
    assert!(out.contains("bij event 5"), "{out}");

    // event 7 removed
    let mut removed = lines.clone();
    removed.remove(7);
    let f = write(dir, "removed.jsonl", &(removed.join("\n") + "\n"));
    let (code, out, _) = run(std::process::Command::new(BIN).args(["audit", "verify", &f]));
    assert_eq!(code, 1);
    assert!(out.contains("bij event 7"), "{out}");

    // events 3 and 4 swapped
    let mut swapped = lines.clone();
    swapped.swap(3, 4);
    let f = write(dir, "swapped.jsonl", &(swapped.join("\n") + "\n"));
    let (code, out, _) = run(std::process::Command::new(BIN).args(["audit", "verify", &f]));
    assert_eq!(code, 1);
    assert!(out.contains("bij event 3"), "{out}");

    // an event inserted (a copy of event 2 after event 6)
    let mut inserted = lines.clone();
    inserted.insert(7, lines[2]);
    let f = write(dir, "inserted.jsonl", &(inserted.join("\n") + "\n"));
    let (code, out, _) = run(std::process::Command::new(BIN).args(["audit", "verify", &f]));
    assert_eq!(code, 1);
    assert!(out.contains("bij event 7"), "{out}");

    // truncated: fine on its own, caught against the head or the signed checkpoint
    let cut = write(dir, "cut.jsonl", &(lines[..n - 2].join("\n") + "\n"));
    let (code, _, _) = run(std::process::Command::new(BIN).args(["audit", "verify", &cut]));
    assert_eq!(code, 0);
    let (code, out, _) = run(std::process::Command::new(BIN).args(["audit", "verify", &cut, "--head", &head]));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("bij event {}", n - 2)), "{out}");
    let anchor = dir.join("data/anchor");
    let cp = anchor.join("checkpoint").display().to_string();
    let key = std::fs::read_to_string(anchor.join("checkpoint-signing.pub")).unwrap();
    let (code, out, _) = run(std::process::Command::new(BIN).args(["audit", "verify", &cut, "--checkpoint", &cp, "--key", key.trim()]));
    assert_eq!(code, 1, "{out}");
    let (code, out, _) = run(std::process::Command::new(BIN).args(["audit", "verify", &good, "--checkpoint", &cp, "--key", key.trim()]));
    assert_eq!(code, 0, "{out}");

    // a checkpoint signed by another key is refused
    let other = "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29";
    let (code, out, _) = run(std::process::Command::new(BIN).args(["audit", "verify", &good, "--checkpoint", &cp, "--key", other]));
    assert_eq!(code, 1, "{out}");
}

#[tokio::test]
async fn a_tender_export_from_the_cli_verifies_on_its_own() {
    let mut s = Server::start().await;
    s.login("aanbieder1").await;
    s.stop();
    let (code, out, err) = run(&mut s.command(&["audit", "export", "--tender", "1"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.lines().next().unwrap().contains("\"tender\":\"1\""));
    let f = write(s.dir.path(), "tender.jsonl", &out);
    let (code, out, _) = run(std::process::Command::new(BIN).args(["audit", "verify", &f]));
    assert_eq!(code, 0, "{out}");
    let (code, all, _) = run(&mut s.command(&["audit", "export"]));
    assert_eq!(code, 0);
    assert!(all.lines().count() > out.lines().count());
    let seeded = all.lines().filter(|l| l.contains("\"action\":\"tender.seeded\"")).count();
    assert_eq!(seeded, 1);
}

#[tokio::test]
async fn a_second_start_does_not_seed_again_or_lose_data() {
    let mut s = Server::start().await;
    s.login("inkoper2").await;
    s.stop();
    s.spawn(&["serve", "--demo"]).await;
    s.stop();
    let (_, all, _) = run(&mut s.command(&["audit", "export"]));
    assert_eq!(all.lines().filter(|l| l.contains("\"action\":\"tender.seeded\"")).count(), 1);
    assert_eq!(all.lines().filter(|l| l.contains("\"action\":\"demo.seeded\"")).count(), 1);
    assert_eq!(all.lines().filter(|l| l.contains("\"action\":\"auth.login\"")).count(), 1);
}

#[tokio::test]
async fn a_log_shorter_than_the_last_checkpoint_stops_the_start_unless_the_operator_overrides() {
    let mut s = Server::start().await;
    let mut c = s.login("inkoper1").await;
    c.post_form("/api/write_checkpoint", &[("tender", "1")]).await;
    s.stop();
    // Simulate a restored old backup: the last events are gone.
    let db = Database::connect(&s.db.url).await.unwrap();
    let size: i64 = db
        .query_one_raw(sea_orm::Statement::from_string(db.get_database_backend(), "SELECT seq FROM audit_head WHERE id = 1"))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index(0)
        .unwrap();
    let keep = size - 3;
    for sql in [
        format!("DELETE FROM audit_payloads WHERE seq > {keep}"),
        format!("DELETE FROM audit_events WHERE seq > {keep}"),
        format!("UPDATE audit_head SET seq = {keep}, hash = (SELECT hash FROM audit_events WHERE seq = {keep}) WHERE id = 1"),
    ] {
        db.execute_unprepared(&sql).await.unwrap();
    }
    db.close().await.ok();

    let (code, _, err) = run(&mut s.command(&["serve"]));
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("teruggezette oude back-up") && err.contains("--accept-audit-rollback"), "{err}");

    s.spawn(&["serve", "--accept-audit-rollback"]).await;
    let mut c = s.login("waarnemer1").await;
    let page = c.get("/audittrail?actie=audit.rollback_accepted").await;
    assert!(page.body.contains("audit.rollback_accepted"), "the override is itself recorded");
    assert!(page.body.contains("De audittrail is intact."));
}

#[test]
fn invalid_configuration_stops_with_one_line_naming_the_variable() {
    for (var, value) in [
        ("DIALOOG_ADDR", "nergens"),
        ("DATABASE_URL", "mysql://x"),
        ("DIALOOG_SEED", "misschien"),
        ("DIALOOG_ADMIN_PASSWORD", "kort"),
    ] {
        let out = std::process::Command::new(BIN).arg("serve").env(var, value).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{var}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(var), "{err}");
    }
}

#[tokio::test]
async fn the_first_account_gets_a_one_time_password_printed_or_the_configured_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path()).await;
    let (child, base) = spawn_fresh(dir.path(), &db, &[("DIALOOG_ADMIN_PASSWORD", "een-lang-geheim-wachtwoord")]).await;
    let mut c = Client::new(base);
    let r = c.post_form("/api/login", &[("username", "beheerder"), ("password", "een-lang-geheim-wachtwoord")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let me = json(&ok(&mut c, "/api/me", &[]).await);
    assert_eq!(me["beheerder"], true, "the first account is the functioneel beheerder: {me}");
    assert_eq!(me["roles"].as_array().map(Vec::len), Some(0), "with no role in any tender");
    let r = c.post_form("/api/demo_mode", &[]).await;
    assert_eq!(r.body, "false", "no demo accounts without --demo");
    drop(child);
}

#[tokio::test]
async fn erasing_personal_data_keeps_the_trail_verifiable_and_is_itself_recorded() {
    let mut s = Server::start().await;
    let mut anon = s.client();
    anon.post_form("/api/login", &[("username", "j.jansen@example.nl"), ("password", "fout")]).await;
    s.stop();
    let (_, before, _) = run(&mut s.command(&["audit", "export"]));
    let line = before.lines().find(|l| l.contains("j.jansen@example.nl")).expect("the attempted name is in a payload");
    let seq: serde_json::Value = serde_json::from_str(line).unwrap();
    let seq = seq["entry"]["seq"].as_str().unwrap().to_string();

    let (code, _, err) = run(&mut s.command(&["audit", "erase", "--seq", &seq]));
    assert_eq!(code, 2, "a reason is required: {err}");
    let (code, out, err) = run(&mut s.command(&["audit", "erase", "--seq", &seq, "--reden", "AVG-verzoek 2026-17"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&seq), "{out}");

    let (_, after, _) = run(&mut s.command(&["audit", "export"]));
    assert!(!after.contains("j.jansen@example.nl"), "the name is gone");
    assert!(after.contains("audit.payload_erased"), "the erasure is recorded");
    let f = write(s.dir.path(), "erased.jsonl", &after);
    let (code, out, _) = run(std::process::Command::new(BIN).args(["audit", "verify", &f]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("gewiste persoonsgegevens"), "{out}");
    // and the server still starts against its last checkpoint
    s.spawn(&["serve"]).await;
}

#[tokio::test]
async fn the_printed_first_password_works_once_and_must_be_replaced() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path()).await;
    // Without a terminal (as under a service manager) the password goes into a
    // file only its owner can read, and the output says where, never the
    // password itself. Without the second factor required, to follow the
    // password alone.
    let (mut child, base) = spawn_fresh(dir.path(), &db, &[("DIALOOG_REQUIRE_2FA", "false")]).await;
    let stdout = child.0.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let file = dir.path().join("eenmalig-wachtwoord-beheerder.txt");
    let mut printed = String::new();
    while let Ok(line) = rx.recv_timeout(std::time::Duration::from_secs(10)) {
        printed.push_str(&line);
        printed.push('\n');
        if line.contains("Eerste account") {
            break;
        }
    }
    assert!(printed.contains(&file.display().to_string()), "the output says where: {printed}");
    let password = std::fs::read_to_string(&file).expect("the password file").trim().to_string();
    assert!(!printed.contains(&password), "the password is not in the output");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let mut c = Client::new(base.clone());
    let r = c.post_html_form("/api/login", "/inloggen", &[("username", "beheerder"), ("password", &password)]).await;
    assert_eq!(r.location.as_deref(), Some("/wachtwoord"), "sent to choose a password");
    let r = c.post_form("/api/dashboard", &[]).await;
    assert_eq!(r.status, 403, "nothing else until the password is changed");
    assert!(r.body.contains("PasswordChangeRequired"), "{}", r.body);
    let page = c.get("/").await;
    assert_eq!(page.status, 302);
    assert_eq!(page.location.as_deref(), Some("/wachtwoord"));
    assert_eq!(c.post_form("/api/accounts_view", &[]).await.status, 403);

    let short = c.post_form("/api/change_password", &[("current", &password), ("new_password", "kort"), ("repeat", "kort")]).await;
    assert_eq!(short.status, 400);
    assert!(short.body.contains("12 tot 64 tekens"), "{}", short.body);
    let differ = c
        .post_form("/api/change_password", &[("current", &password), ("new_password", "paarse olifant danst"), ("repeat", "paarse olifant dans")])
        .await;
    assert_eq!(differ.status, 400);
    let ok = c
        .post_form("/api/change_password", &[("current", &password), ("new_password", "paarse olifant danst"), ("repeat", "paarse olifant danst")])
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(c.post_form("/api/dashboard", &[]).await.status, 200);

    let mut again = Client::new(base.clone());
    let old = again.post_form("/api/login", &[("username", "beheerder"), ("password", &password)]).await;
    assert_eq!(old.status, 400, "the one-time password is spent");
    let new = again.post_form("/api/login", &[("username", "beheerder"), ("password", "paarse olifant danst")]).await;
    assert_eq!(new.status, 200);
    assert_eq!(again.post_form("/api/accounts_view", &[]).await.status, 200);
    let export = std::process::Command::new(BIN)
        .args(["audit", "export"])
        .env("DIALOOG_DATA_DIR", dir.path())
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&export.stdout).contains("account.password_changed"));
    drop(child);
}
