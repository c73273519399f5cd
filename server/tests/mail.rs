//! E-mail that leaves: the relay drains the outbox to a real SMTP server
//! (aiosmtpd, started by the test), retries while the server is down, gives
//! up on a permanent refusal, sends each row once with its own Message-ID,
//! and shows the delivery state to the inkoper and the beheerder.

mod common;
use common::*;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The SMTP server of the test, stopped when dropped.
struct Smtp(Child);

impl Smtp {
    fn start(port: u16, dir: &Path) -> Smtp {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_server.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(port.to_string())
            .arg(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3");
        let mut line = String::new();
        use std::io::BufRead;
        std::io::BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "klaar", "the SMTP server did not start (is aiosmtpd installed? ./dev test installs it)");
        Smtp(child)
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The messages the SMTP server received, as text.
fn received(dir: &Path) -> Vec<String> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "eml")).collect())
        .unwrap_or_default();
    names.sort();
    names.into_iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
}

fn header<'a>(msg: &'a str, name: &str) -> Option<&'a str> {
    msg.lines().take_while(|l| !l.is_empty()).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

async fn account_mail(c: &mut Client) -> serde_json::Value {
    json(&ok(c, "/api/account_mail", &[]).await)
}

fn row<'a>(v: &'a serde_json::Value, to: &str) -> &'a serde_json::Value {
    v["rows"].as_array().unwrap().iter().find(|r| r["to"] == to).unwrap_or_else(|| panic!("no e-mail to {to}: {v}"))
}

/// Polls `f` until it holds (the relay works in the background).
async fn eventually<F: AsyncFnMut() -> bool>(what: &str, mut f: F) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !f().await {
        assert!(Instant::now() < deadline, "not within a minute: {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn the_relay_sends_each_mail_once_retries_while_the_server_is_down_and_gives_up_on_a_refusal() {
    let port = free_port();
    let port_s = port.to_string();
    let s = Server::start_with(&[
        ("DIALOOG_SMTP_HOST", "127.0.0.1"),
        ("DIALOOG_SMTP_PORT", &port_s),
        ("DIALOOG_SMTP_SECURITY", "none"),
        ("DIALOOG_MAIL_FROM", "Dialoog <noreply@dialoog.test>"),
        ("DIALOOG_SMTP_RETRY_SECONDS", "1"),
    ])
    .await;
    let mut admin = s.login("beheerder1").await;
    let mut a = s.login("aanbieder1").await;

    // A change that is refused sends nothing.
    let r = a.post_form("/api/invite_colleague", &[("naam", "X"), ("email", "geen-adres"), ("gebruikersnaam", "xx")]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    ok(&mut a, "/api/invite_colleague", &[("naam", "P. Jansen"), ("email", "p@kennemerland.example"), ("gebruikersnaam", "pjansen")]).await;
    ok(&mut a, "/api/invite_colleague", &[("naam", "Q. Weiger"), ("email", "weiger@kennemerland.example"), ("gebruikersnaam", "qweiger")]).await;

    // The mail server is down: the rows wait, with the reason, and are tried again.
    eventually("a second attempt while the server is down", async || {
        row(&account_mail(&mut admin).await, "p@kennemerland.example")["attempts"].as_i64().unwrap() >= 2
    })
    .await;
    let v = account_mail(&mut admin).await;
    assert!(v["relay"].as_str().unwrap().contains(&format!("127.0.0.1:{port}")), "{v}");
    let p = row(&v, "p@kennemerland.example");
    assert_eq!(p["state"], "nieuwe poging", "{p}");
    assert!(p["detail"].as_str().unwrap().contains("niet bereikbaar"), "{p}");
    assert!(s.invitation_token("p@kennemerland.example").len() > 10, "the outbox keeps the mail");

    // The server comes up: the mail leaves once; the refused address ends as failed.
    let dir = tempfile::tempdir().unwrap();
    let _smtp = Smtp::start(port, dir.path());
    eventually("the invitation delivered", async || row(&account_mail(&mut admin).await, "p@kennemerland.example")["state"] == "verzonden").await;
    eventually("the refusal recorded", async || row(&account_mail(&mut admin).await, "weiger@kennemerland.example")["state"] == "mislukt").await;
    let v = account_mail(&mut admin).await;
    let w = row(&v, "weiger@kennemerland.example");
    assert!(w["detail"].as_str().unwrap().contains("weigert"), "{w}");
    let attempts_when_failed = w["attempts"].as_i64().unwrap();

    let to_p: Vec<String> = received(dir.path()).into_iter().filter(|m| header(m, "X-Envelope-To") == Some("p@kennemerland.example")).collect();
    assert_eq!(to_p.len(), 1, "one message, not one per attempt: {to_p:#?}");
    let m = &to_p[0];
    assert_eq!(header(m, "Subject"), Some("[Dialoog] Uitnodiging voor Dialoog"), "{m}");
    assert_eq!(header(m, "From"), Some("Dialoog <noreply@dialoog.test>"), "{m}");
    let id = header(m, "Message-ID").expect("a Message-ID");
    assert!(id.starts_with('<') && id.ends_with("@dialoog.test>") && id.len() > 30, "{id}");
    let token = s.invitation_token("p@kennemerland.example");
    assert!(m.replace("=\r\n", "").replace("=\n", "").contains(&token), "the invitation link is in the mail: {m}");
    assert!(received(dir.path()).iter().all(|m| header(m, "X-Envelope-To") != Some("weiger@kennemerland.example")));

    // Everything else in the outbox (the demo's own mail) left too, each once.
    eventually("the outbox drained", async || {
        account_mail(&mut admin).await["rows"].as_array().unwrap().iter().all(|r| r["state"] == "verzonden" || r["state"] == "mislukt")
    })
    .await;
    let ids: Vec<String> = received(dir.path()).iter().filter_map(|m| header(m, "Message-ID").map(str::to_string)).collect();
    let unique: std::collections::BTreeSet<_> = ids.iter().collect();
    assert_eq!(ids.len(), unique.len(), "no message twice");

    // A failed row is not tried again.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let v = account_mail(&mut admin).await;
    assert_eq!(row(&v, "weiger@kennemerland.example")["attempts"].as_i64().unwrap(), attempts_when_failed);

    // Who sees which delivery: a tender's mail its inkopers, account mail the beheerder.
    let mut ink = s.login("inkoper1").await;
    let t = json(&ok(&mut ink, "/api/tender_mail", &[("id", "1")]).await);
    assert!(t["relay"].is_string(), "{t}");
    assert!(!t.to_string().contains("kennemerland"), "account mail is not a tender's: {t}");
    assert_eq!(a.post_form("/api/tender_mail", &[("id", "1")]).await.status, 403);
    assert_eq!(a.post_form("/api/account_mail", &[]).await.status, 403);
    assert_eq!(ink.post_form("/api/account_mail", &[]).await.status, 403);
}

#[tokio::test]
async fn without_a_relay_the_mail_stays_in_the_outbox_and_the_page_says_so() {
    let s = Server::start().await;
    let mut ink = s.login("inkoper1").await;
    let t = json(&ok(&mut ink, "/api/tender_mail", &[("id", "1")]).await);
    assert!(t["relay"].is_null(), "{t}");
    let page = ink.get("/aanbesteding/1/e-mail").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("geen mailserver ingesteld"), "{}", page.body);
}

#[tokio::test]
async fn a_relay_without_a_sender_or_with_an_unknown_security_is_refused_at_start_in_dutch() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(dir.path()).await;
    for (env, expect) in [
        (vec![("DIALOOG_SMTP_HOST", "127.0.0.1")], "DIALOOG_MAIL_FROM"),
        (vec![("DIALOOG_SMTP_HOST", "127.0.0.1"), ("DIALOOG_MAIL_FROM", "x@y.nl"), ("DIALOOG_SMTP_SECURITY", "ssl3")], "kies starttls, tls of none"),
        (vec![("DIALOOG_SMTP_HOST", "127.0.0.1"), ("DIALOOG_MAIL_FROM", "geen adres")], "geen geldig afzenderadres"),
        (vec![("DIALOOG_SMTP_HOST", "127.0.0.1"), ("DIALOOG_MAIL_FROM", "x@y.nl"), ("DIALOOG_SMTP_USER", "u")], "DIALOOG_SMTP_PASSWORD"),
    ] {
        let mut cmd = Command::new(BIN);
        cmd.args(["serve"])
            .env("DIALOOG_ADDR", format!("127.0.0.1:{}", free_port()))
            .env("DIALOOG_DATA_DIR", dir.path().join("data"))
            .env("DATABASE_URL", &db.url);
        for (k, v) in &env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{env:?}: {err}");
        assert!(err.contains(expect), "{env:?}: {err}");
    }
}
