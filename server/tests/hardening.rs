//! Holes found by reading the code and trying it as an attacker would, each
//! closed and kept closed by a test named after the rule.

mod common;
use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// English words the framework's own refusals use; none may reach a person.
const ENGLISH: [&str; 8] = ["Invalid", "invalid", "length limit", "Cannot", "expected", "missing field", "Failed", "Unsupported"];

/// The message of an answer: a server function's encoded error
/// (`{"Invalid":"…"}`) or the text itself.
fn message(body: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(m)) if m.len() == 1 => m.values().next().and_then(|v| v.as_str()).unwrap_or_default().to_string(),
        _ => body.to_string(),
    }
}

fn assert_dutch(what: &str, body: &str) {
    let body = message(body);
    for w in ENGLISH {
        assert!(!body.contains(w), "{what}: English in the answer: {body}");
    }
    assert!(!body.trim().is_empty(), "{what}: an empty answer");
}

/// Sends raw bytes as one HTTP request and returns the status line and the rest.
async fn raw(port: u16, head: &str, body: &[u8]) -> (u16, String) {
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    let _ = s.write_all(body).await;
    let mut out = vec![0u8; 64 * 1024];
    let mut got = 0;
    loop {
        match tokio::time::timeout(std::time::Duration::from_secs(10), s.read(&mut out[got..])).await {
            Ok(Ok(0)) | Err(_) | Ok(Err(_)) => break,
            Ok(Ok(n)) => {
                got += n;
                let text = String::from_utf8_lossy(&out[..got]);
                if let Some((h, b)) = text.split_once("\r\n\r\n") {
                    let len = h
                        .lines()
                        .find_map(|l| l.to_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)));
                    if len.is_some_and(|n| b.len() >= n) {
                        break;
                    }
                }
            }
        }
    }
    let text = String::from_utf8_lossy(&out[..got]).to_string();
    let status = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, text)
}

#[tokio::test]
async fn a_server_function_body_over_its_limit_is_refused_with_413_in_dutch_and_memory_stays_flat() {
    let s = Server::start().await;
    let before = s.rss_kib();
    // A declared 1.5 GB: refused before a byte is read.
    let head = format!(
        "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        1_500_000_000u64
    );
    let (status, text) = raw(s.port, &head, &vec![b'a'; 1 << 20]).await;
    assert_eq!(status, 413, "{text}");
    assert!(text.contains("te groot"), "{text}");
    assert_dutch("declared length", &text);
    // No declared length (chunked): read only up to the limit.
    let mut chunked = Vec::new();
    for _ in 0..3 {
        chunked.extend_from_slice(format!("{:x}\r\n", 512 * 1024).as_bytes());
        chunked.extend(std::iter::repeat_n(b'b', 512 * 1024));
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let head = "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n";
    let (status, text) = raw(s.port, head, &chunked).await;
    assert_eq!(status, 413, "{text}");
    assert_dutch("chunked", &text);
    // A body just under the limit is read (and refused as a wrong log-in).
    let mut c = s.client();
    let big = "x".repeat(900 * 1024);
    let r = c.post_form("/api/login", &[("username", "inkoper1"), ("password", &big)]).await;
    assert!(r.status == 400 || r.status == 401, "{}: {}", r.status, r.body);
    let after = s.rss_kib();
    assert!(after < before + 40 * 1024, "memory stayed flat: {before} KiB before, {after} KiB after");
    // The server still answers.
    assert_eq!(c.get("/health").await.status, 200);
}

#[tokio::test]
async fn what_the_framework_refuses_is_answered_in_dutch_with_a_4xx() {
    let s = Server::start().await;
    let mut c = s.login("inkoper1").await;
    for path in [
        "/bestand/document/abc/def",
        "/bestand/inschrijving/1/x",
        "/ontvangstbevestiging/abc/1",
        "/export/audittrail.jsonl?aanbesteding=abc",
        "/export/beoordeling/abc",
    ] {
        let r = c.get(path).await;
        assert!((400..500).contains(&r.status), "{path}: {} {}", r.status, r.body);
        assert_dutch(path, &r.body);
    }
    let r = c.upload("/upload/scholen/abc", &[], "s.csv", b"x").await;
    assert!((400..500).contains(&r.status), "{} {}", r.status, r.body);
    assert_dutch("upload path", &r.body);
    let r = c.raw().put(s.url("/api/login")).send().await.unwrap();
    let status = r.status().as_u16();
    let body = r.text().await.unwrap();
    assert!((400..500).contains(&status), "{status} {body}");
    assert_dutch("PUT", &body);
    // A form that is not UTF-8, and one that is not a form.
    let port = s.port;
    let head = "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 26\r\n\r\n";
    let (status, text) = raw(port, head, b"username=%FF%FE&password=x").await;
    assert!((400..500).contains(&status), "{text}");
    assert_dutch("not UTF-8", text.split_once("\r\n\r\n").map(|x| x.1).unwrap_or(""));
    let r = c.raw().post(s.url("/api/login")).header("content-type", "application/xml").body("<a/>").send().await.unwrap();
    let status = r.status().as_u16();
    let body = r.text().await.unwrap();
    assert!((400..500).contains(&status), "{status} {body}");
    assert_dutch("xml", &body);
}

/// Text that breaks a text area filled unescaped: a closing tag with markup
/// after it, entities, a leading newline, and characters outside ASCII.
const HOSTILE_TEXT: &str = "\nEerste regel &amp; &lt;b&gt; blijft zo.\n</textarea><b data-testid=\"ingevoegd\">ingevoegd</b><textarea>\nCafé ✓ & < > \" ' einde";

/// The content of the text area with attribute `attr` (`name="tekst"`) in a
/// page, as the browser reads it: the one newline after the opening tag
/// dropped, entities decoded.
fn textarea(html: &str, attr: &str) -> String {
    let at = html.find(attr).unwrap_or_else(|| panic!("no text area {attr}"));
    let start = html[..at].rfind("<textarea").expect("a text area");
    let open_end = start + html[start..].find('>').unwrap() + 1;
    let close = open_end + html[open_end..].find("</textarea>").unwrap();
    let raw = &html[open_end..close];
    let raw = raw.strip_prefix('\n').unwrap_or(raw);
    html_escape::decode_html_entities(raw).into_owned()
}

#[tokio::test]
async fn every_text_area_shows_exactly_the_stored_text_and_saves_it_back_unchanged() {
    let s = Server::start().await;
    let mut ink = s.login("inkoper1").await;
    // A Markdown document: saved, shown in its editor, saved again from it.
    ok(&mut ink, "/api/save_markdown_document", &[("id", "1"), ("titel", "Proef"), ("tekst", HOSTILE_TEXT)]).await;
    let docs = json(&ok(&mut ink, "/api/documents_view", &[("id", "1")]).await);
    let doc = docs["docs"].as_array().unwrap().iter().find(|d| d["title"] == "Proef").expect("the document")["id"].to_string();
    let page = ink.get(&format!("/aanbesteding/1/documenten?doc={doc}")).await.body;
    assert!(!page.contains("<b data-testid=\"ingevoegd\">"), "no markup injected into the page");
    let shown = textarea(&page, "aria-label=\"Tekst (Markdown)\"");
    assert_eq!(shown, HOSTILE_TEXT);
    // The award method's criteria, and the set-up's text areas.
    let criteria = "K1 | Visie & aanpak </textarea><i>x</i> | 60 | 0-10\nK2 | Samenwerking &amp; borging | 40 | 0-10";
    ok(&mut ink, "/api/save_award_method", &[("id", "1"), ("criteria", criteria), ("prijsmethode", "kwaliteit"), ("beslisregels", "kwaliteit, loting")]).await;
    let page = ink.get("/aanbesteding/1/gunningsmethode").await.body;
    assert_eq!(textarea(&page, "name=\"criteria\"").trim_end(), criteria, "the method as the editor writes it");
    let partners = "SWV &amp; partners\nSWV </textarea><script>alert(1)</script>";
    ok(&mut ink, "/api/save_partners", &[("id", "1"), ("partners", partners)]).await;
    let page = ink.get("/aanbesteding/1/opzet").await.body;
    assert!(!page.contains("<script>alert(1)</script>"));
    assert_eq!(textarea(&page, "name=\"partners\""), partners);
    // A bidder's form part is sealed as it is saved: its text area starts
    // empty (not even the bidder reads it back before the opening).
    let mut s = Scenario::published(s).await;
    let mut a = s.server.login("aanbieder1").await;
    ok(&mut a, "/api/save_form_part", &[("id", "1"), ("onderdeel", "3"), ("tekst", HOSTILE_TEXT)]).await;
    let page = a.get("/aanbesteding/1/inschrijving").await.body;
    assert_eq!(textarea(&page, "name=\"tekst\""), "", "a sealed form part is not shown back");
    assert!(!page.contains("<b data-testid=\"ingevoegd\">"));
    let _ = &mut s;
}

#[tokio::test]
async fn the_answer_and_motivation_editors_round_trip_hostile_text() {
    let mut s = published().await;
    // An answer in the NvI editor.
    ok(&mut s.inkoper, "/api/create_nvi_round", &[("id", "1"), ("titel", "Vragenronde 2"), ("termijn", "2023-06-29T16:00")]).await;
    let mut a = s.server.login("aanbieder1").await;
    let rounds = json(&ok(&mut a, "/api/nvi_view", &[("id", "1")]).await);
    let round = rounds["rounds"].as_array().unwrap().iter().find(|r| r["title"] == "Vragenronde 2").expect("round 2")["id"].to_string();
    ok(&mut a, "/api/ask_question", &[("id", "1"), ("ronde", &round), ("vraag", "Mag de coach ook op de basisschool werken?")]).await;
    let v = json(&ok(&mut s.inkoper, "/api/nvi_view", &[("id", "1")]).await);
    let q = v.to_string();
    let qid = v["rounds"].as_array().unwrap().iter().flat_map(|r| r["questions"].as_array().cloned().unwrap_or_default()).next().unwrap_or_else(|| panic!("{q}"))["id"].to_string();
    ok(&mut s.inkoper, "/api/answer_question", &[("id", "1"), ("vraag", &qid), ("antwoord", HOSTILE_TEXT)]).await;
    let page = s.inkoper.get("/aanbesteding/1/vragen").await.body;
    assert!(!page.contains("<b data-testid=\"ingevoegd\">"));
    assert_eq!(textarea(&page, "name=\"antwoord\""), HOSTILE_TEXT.trim(), "the answer as stored (trimmed)");

    // A motivation in the scoring matrix.
    let mut s = s.bids(2).await.opened().await.panel(2).await;
    let plans = s.pseudonyms().await;
    let motivation = "Voldoende &amp; concreet </textarea><b data-testid=\"ingevoegd\">x</b> per school";
    ok(&mut s.evaluators[0], "/api/save_score", &[("id", "1"), ("plan", &plans[0]), ("criterium", "K1"), ("niveau", "6"), ("motivering", motivation)]).await;
    let page = s.evaluators[0].get("/aanbesteding/1/beoordeling").await.body;
    assert!(!page.contains("<b data-testid=\"ingevoegd\">"));
    assert_eq!(textarea(&page, &format!("data-testid=\"motivering-{}-K1\"", plans[0])), motivation);
}

#[tokio::test]
async fn a_spreadsheet_export_neutralises_text_that_would_run_as_a_formula() {
    let mut s = published().await.bids(2).await.opened().await.panel(2).await;
    let plans = s.pseudonyms().await;
    let formula = "=HYPERLINK(\"http://aanvaller.example\";\"Voldoende, zie bijlage\")";
    ok(&mut s.evaluators[0], "/api/save_score", &[("id", "1"), ("plan", &plans[0]), ("criterium", "K1"), ("niveau", "6"), ("motivering", formula)]).await;
    ok(&mut s.evaluators[0], "/api/save_score", &[("id", "1"), ("plan", &plans[0]), ("criterium", "K2"), ("niveau", "6"), ("motivering", "@SUM(1+1) en verder voldoende")]).await;
    let csv = s.evaluators[0].get("/export/beoordeling/1").await.body;
    assert!(csv.contains("\"'=HYPERLINK(") && csv.contains(";'@SUM(1+1)"), "{csv}");
    for line in csv.lines() {
        for cell in line.split(';') {
            let c = cell.trim_start_matches('"');
            assert!(!c.starts_with('=') && !c.starts_with('@') && !c.starts_with('+'), "a formula in the export: {line}");
        }
    }
}

#[tokio::test]
async fn a_missing_checkpoint_with_a_log_stops_the_start_unless_the_operator_overrides() {
    let mut s = Server::start().await;
    s.stop();
    let anchor = s.dir.path().join("data").join("anchor");
    std::fs::remove_file(anchor.join("checkpoint")).expect("a checkpoint was written at start-up");
    let (code, _, err) = run(&mut s.command(&["serve"]));
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("geen ondertekend controlepunt") && err.contains("--accept-audit-rollback"), "{err}");
    s.spawn(&["serve", "--accept-audit-rollback"]).await;
    let mut c = s.login("waarnemer1").await;
    let page = c.get("/audittrail?actie=audit.rollback_accepted").await;
    assert!(page.body.contains("audit.rollback_accepted"), "the override is recorded");
}

#[cfg(unix)]
#[tokio::test]
async fn the_checkpoint_signing_key_is_only_readable_by_its_owner_from_the_start() {
    use std::os::unix::fs::PermissionsExt;
    let s = Server::start().await;
    let key = s.dir.path().join("data").join("anchor").join("checkpoint-signing.key");
    let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");
    // No temporary file is left that others could read.
    for e in std::fs::read_dir(key.parent().unwrap()).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        assert!(!name.ends_with(".tmp"), "{name}");
    }
}

#[tokio::test]
async fn in_production_the_anchor_may_not_lie_inside_the_data_directory() {
    let mut s = Server::start().await;
    s.stop();
    // Secure cookies: Dialoog is reached over TLS, as in production.
    let (code, _, err) = run(s.command(&["serve"]).env("DIALOOG_SECURE_COOKIES", "true"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("ligt in de datamap") && err.contains("DIALOOG_ANCHOR_DIR") && err.contains("DIALOOG_ANCHOR_IN_DATA_DIR"), "{err}");
    // Allowed on purpose, it starts.
    s.spawn_with_env(&["serve"], &[("DIALOOG_SECURE_COOKIES", "true"), ("DIALOOG_ANCHOR_IN_DATA_DIR", "true")]).await;
}

#[tokio::test]
async fn an_erased_payload_in_a_tender_export_is_covered_by_the_erasure_event_of_that_tender() {
    let s = Server::start().await;
    // The payload of a role granted in the tender (it names a person) is erased.
    let (_, export, _) = run(&mut s.command(&["audit", "export", "--tender", "1"]));
    let line = export.lines().find(|l| l.contains("\"role.granted\"")).expect("a role in the tender");
    let v: serde_json::Value = serde_json::from_str(line).unwrap();
    let seq = v["entry"]["seq"].as_str().unwrap().to_string();
    let (code, out, err) = run(&mut s.command(&["audit", "erase", "--seq", &seq, "--reden", "AVG-verzoek 2026-14"]));
    assert_eq!(code, 0, "{out}{err}");
    for args in [vec!["audit", "export", "--tender", "1"], vec!["audit", "export"]] {
        let (_, export, _) = run(&mut s.command(&args));
        assert!(export.contains("\"payload\":null"), "something was erased in {args:?}");
        let file = s.dir.path().join("export.jsonl");
        std::fs::write(&file, &export).unwrap();
        let (code, out, err) = run(&mut s.command(&["audit", "verify", file.to_str().unwrap()]));
        assert_eq!(code, 0, "{args:?}: {out}{err}");
        assert!(out.contains("INTACT"), "{out}");
        // Strip one more payload by hand: no erasure event names it.
        let mut lines: Vec<String> = export.lines().map(str::to_string).collect();
        let i = lines.iter().position(|l| l.contains("tender.seeded")).expect("the seed event");
        let mut v: serde_json::Value = serde_json::from_str(&lines[i]).unwrap();
        v["payload"] = serde_json::Value::Null;
        v["salt"] = serde_json::Value::Null;
        lines[i] = serde_jcs::to_string(&v).unwrap();
        std::fs::write(&file, lines.join("\n") + "\n").unwrap();
        let (code, out, _) = run(&mut s.command(&["audit", "verify", file.to_str().unwrap()]));
        assert_eq!(code, 1, "{args:?}: {out}");
        assert!(out.contains("BESCHADIGD"), "{out}");
    }
}

#[tokio::test]
async fn a_new_password_ends_the_other_sessions_of_the_account_and_keeps_this_one() {
    let s = Server::start().await;
    let mut here = s.login("inkoper2").await;
    let mut elsewhere = s.login("inkoper2").await;
    assert_eq!(elsewhere.post_form("/api/dashboard", &[]).await.status, 200);
    ok(&mut here, "/api/change_password", &[("current", DEMO_PASSWORD), ("new_password", "een nieuwe zin voor inkoper twee"), ("repeat", "een nieuwe zin voor inkoper twee")]).await;
    assert_eq!(here.post_form("/api/dashboard", &[]).await.status, 200, "the session that changed it goes on");
    let r = elsewhere.post_form("/api/dashboard", &[]).await;
    assert_eq!(r.status, 401, "the other session ended: {}", r.body);
}

#[tokio::test]
async fn the_operator_recovers_an_account_with_a_one_time_password_that_expires() {
    let s = Server::start().await;
    let mut before = s.login("inkoper2").await;
    // Not on a terminal: the password goes into a file of the data directory.
    let (code, out, err) = run(&mut s.command(&["account", "herstel", "inkoper2"]));
    assert_eq!(code, 0, "{out}{err}");
    let file = s.dir.path().join("data").join("eenmalig-wachtwoord-inkoper2.txt");
    assert!(out.contains(&file.display().to_string()), "{out}");
    let password = std::fs::read_to_string(&file).unwrap().trim().to_string();
    assert!(!out.contains(&password));
    assert_eq!(before.post_form("/api/dashboard", &[]).await.status, 401, "the account's sessions ended");
    let mut c = s.client();
    let r = c.post_form("/api/login", &[("username", "inkoper2"), ("password", DEMO_PASSWORD)]).await;
    assert_eq!(r.status, 400, "the old password is gone: {}", r.body);
    let r = c.post_html_form("/api/login", "/inloggen", &[("username", "inkoper2"), ("password", &password)]).await;
    assert_eq!(r.location.as_deref(), Some("/wachtwoord"), "a new password first: {r:?}");
    // After its 72 hours the one-time password no longer works.
    s.db.execute("UPDATE users SET one_time_until = '2020-01-01 00:00:00+00:00' WHERE username = 'inkoper2'").await;
    let mut late = s.client();
    let r = late.post_form("/api/login", &[("username", "inkoper2"), ("password", &password)]).await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("eenmalige wachtwoord is verlopen"), "{}", r.body);
    let (code, _, err) = run(&mut s.command(&["account", "herstel", "bestaat-niet"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("Er is geen account"), "{err}");
}

/// A PDF whose one stream inflates to `mb` MB: slow to scan, small to send.
fn pdf_with_large_stream(mb: usize) -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..mb {
        z.write_all(&chunk).unwrap();
    }
    let data = z.finish().unwrap();
    let mut pdf = b"%PDF-1.4\n1 0 obj\n<</Filter/FlateDecode>>\nstream\n".to_vec();
    pdf.extend_from_slice(&data);
    pdf.extend_from_slice(b"\nendstream\nendobj\n%%EOF\n");
    pdf
}

#[tokio::test]
async fn the_identity_scan_of_the_opening_does_not_hold_up_log_ins_and_writes() {
    let s = published().await;
    for (i, login) in ["aanbieder1", "aanbieder2"].iter().enumerate() {
        let mut a = s.server.login(login).await;
        for (part, name, bytes) in [("1", "uea.pdf", b"%PDF UEA".to_vec()), ("2", "kvk.pdf", b"%PDF KvK".to_vec()), ("4", "plan.pdf", pdf_with_large_stream(20))] {
            let r = a.upload(&format!("/upload/inschrijving/1/{part}"), &[], name, &bytes).await;
            assert_eq!(r.status, 200, "{name}: {}", r.body);
        }
        ok(&mut a, "/api/save_form_part", &[("id", "1"), ("onderdeel", "3"), ("tekst", "Akkoord.")]).await;
        ok(&mut a, "/api/submit_bid", &[("id", "1"), ("sleutel", &format!("sleutel-scan-{i}-00000001"))]).await;
    }
    let mut s = s.deadline_passed().await;
    ok(&mut s.inkoper, "/api/start_opening", &[("id", "1"), ("zegelwachtwoord", SEAL)]).await;
    let mut second = std::mem::replace(&mut s.inkoper2, s.server.client());
    let confirm = tokio::spawn(async move {
        let r = second.post_form("/api/confirm_opening", &[("id", "1"), ("zegelwachtwoord", SEAL)]).await;
        (r, std::time::Instant::now())
    });
    // While the plans are scanned, someone logs in (a write: its audit event).
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let mut w = s.server.client();
    let r = w.post_form("/api/login", &[("username", "waarnemer1"), ("password", DEMO_PASSWORD)]).await;
    let logged_in = std::time::Instant::now();
    assert_eq!(r.status, 200, "{}", r.body);
    let (r, confirmed) = confirm.await.unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(logged_in < confirmed, "the log-in did not wait for the scan of the opening");
}

#[tokio::test]
async fn password_changes_and_invitations_are_throttled_with_a_dutch_429() {
    let mut s = Server::start().await;
    s.stop();
    // Four log-ins a minute: two costly acts per minute per account and address.
    s.spawn_with_env(&["serve"], &[("DIALOOG_LOGINS_PER_MINUTE", "4")]).await;
    let mut b = s.login("beheerder1").await;
    let mut statuses = vec![];
    for i in 0..3 {
        let name = format!("nieuw{i}");
        let email = format!("nieuw{i}@regio-alkmaar.example");
        let r = b.post_form("/api/create_account", &[("gebruikersnaam", &name), ("naam", "Nieuw Account"), ("email", &email)]).await;
        statuses.push(r.status);
        if r.status == 429 {
            assert!(r.body.contains("Te veel uitnodigingen"), "{}", r.body);
        }
    }
    assert_eq!(statuses, [200, 200, 429], "the third invitation within a minute waits");
    let mut c = s.login("inkoper2").await;
    let mut statuses = vec![];
    for _ in 0..3 {
        let r = c.post_form("/api/change_password", &[("current", "fout-wachtwoord"), ("new_password", "een nieuwe lange zin"), ("repeat", "een nieuwe lange zin")]).await;
        statuses.push(r.status);
    }
    assert_eq!(statuses, [400, 400, 429], "the third password attempt within a minute waits");
}

#[tokio::test]
async fn a_nul_character_in_any_text_is_refused_in_dutch_before_it_reaches_the_database() {
    let s = published().await;
    let mut ink = s.server.login("inkoper1").await;
    for form in [
        vec![("id", "1"), ("gemeente", "\0alkmaar"), ("reden", "Reden"), ("besluit", "B&W 1")],
        vec![("id", "1"), ("gemeente", "alkmaar"), ("reden", "Re\0den"), ("besluit", "B&W 1")],
    ] {
        let r = ink.post_form("/api/withdraw_gemeente", &form).await;
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(message(&r.body).contains("nul-teken"), "{}", r.body);
    }
    let r = ink.get("/beheer?zoek=a%00b").await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_dutch("query", &r.body);
    let r = ink.upload("/upload/document/1", &[("titel", "Bijlage\0")], "bijlage.pdf", b"%PDF-1.4 x").await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("nul-teken"), "{}", r.body);
    // Nothing changed: Alkmaar still takes part.
    let b = json(&ok(&mut ink, "/api/buyers_view", &[("id", "1")]).await);
    let alkmaar = b["rows"].as_array().unwrap().iter().find(|r| r["slug"] == "alkmaar").unwrap().clone();
    assert_eq!(alkmaar["status"], "deelnemend", "{alkmaar}");
}

#[tokio::test]
async fn someone_guessing_a_password_does_not_lock_out_the_owner_on_a_device_that_logged_in_before() {
    let s = Server::start().await;
    // The owner logged in before on this device: it carries the device cookie.
    let owner = s.login("aanbieder2").await;
    assert_eq!(owner.others.len(), 1, "a device cookie was set: {:?}", owner.others);
    let mut owner_again = s.client();
    owner_again.others = owner.others.clone();
    // Someone else guesses, from a device that never logged in: held.
    let mut guesser = s.client();
    for _ in 0..5 {
        guesser.post_form("/api/login", &[("username", "aanbieder2"), ("password", "raden")]).await;
    }
    let r = guesser.post_form("/api/login", &[("username", "aanbieder2"), ("password", DEMO_PASSWORD)]).await;
    assert_eq!(r.status, 429, "the guessing device is held: {}", r.body);
    // The owner still logs in with the right password.
    let r = owner_again.post_form("/api/login", &[("username", "aanbieder2"), ("password", DEMO_PASSWORD)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    ok(&mut owner_again, "/api/my_organisation", &[]).await;
    // A stolen cookie of another account does not help.
    let mut thief = s.client();
    thief.others = owner.others.clone();
    for _ in 0..5 {
        thief.post_form("/api/login", &[("username", "aanbieder3"), ("password", "raden")]).await;
    }
    let r = thief.post_form("/api/login", &[("username", "aanbieder3"), ("password", DEMO_PASSWORD)]).await;
    assert_eq!(r.status, 429, "{}", r.body);
    // A trusted device that keeps failing loses its trust: five more
    // failures then hold it like any other device.
    let mut flaky = s.client();
    flaky.others = owner.others.clone();
    for _ in 0..10 {
        flaky.post_form("/api/login", &[("username", "aanbieder2"), ("password", "fout")]).await;
    }
    let r = flaky.post_form("/api/login", &[("username", "aanbieder2"), ("password", DEMO_PASSWORD)]).await;
    assert_eq!(r.status, 429, "{}", r.body);
}

#[tokio::test]
async fn wrong_codes_at_a_confirmation_end_that_session_but_never_lock_the_owner_out_of_the_opening() {
    let mut s = published().await.bids(1).await.deadline_passed().await;
    let (mut app1, _) = s.inkoper.enrol().await;
    for _ in 0..4 {
        let r = s.inkoper.post_form("/api/start_opening", &[("id", "1"), ("zegelwachtwoord", SEAL), ("code", "000000")]).await;
        assert_eq!(r.status, 400, "{}", r.body);
    }
    let r = s.inkoper.post_form("/api/start_opening", &[("id", "1"), ("zegelwachtwoord", SEAL), ("code", "000000")]).await;
    assert_eq!(r.status, 429, "{}", r.body);
    assert!(r.body.contains("uitgelogd"), "{}", r.body);
    assert_eq!(s.inkoper.post_form("/api/dashboard", &[]).await.status, 401, "that session ended");
    // The owner logs in again and opens in time: the account was not locked.
    let mut again = s.server.client();
    again.others = s.inkoper.others.clone();
    again.login_with_code("inkoper1", DEMO_PASSWORD, &mut app1).await;
    let code = app1.next_code().await;
    ok(&mut again, "/api/start_opening", &[("id", "1"), ("zegelwachtwoord", SEAL), ("code", &code)]).await;
}

/// An instant as a `datetime-local` value in Amsterdam time, to the second.
fn local(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&chrono_tz::Europe::Amsterdam).format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// A tender on the real clock, published and open for bids until `deadline`,
/// with the demo's aanbieder1 and aanbieder2 registered for it; its id.
async fn real_tender_open_until(s: &Server, deadline: chrono::DateTime<chrono::Utc>) -> String {
    let mut ink = s.login("inkoper1").await;
    let now = chrono::Utc::now();
    let id = ok(&mut ink, "/api/create_tender", &[
        ("kenmerk", "ECHT-2026"), ("titel", "Echte klok"), ("omschrijving", ""), ("procedure", "sas-dialoog"),
        ("cpv", ""), ("waarde", ""), ("publicatie", &local(now - chrono::Duration::days(1))),
    ])
    .await
    .body
    .trim()
    .to_string();
    let tid = id.as_str();
    ok(&mut ink, "/api/add_buyer", &[("id", tid), ("naam", "Heiloo")]).await;
    ok(&mut ink, "/api/save_markdown_document", &[("id", tid), ("titel", "Leidraad"), ("tekst", "# Leidraad")]).await;
    ok(&mut ink, "/api/save_award_method", &[("id", tid), ("criteria", "K1 | Visie | 100 | 0-10"), ("prijsmethode", "kwaliteit"), ("beslisregels", "kwaliteit, loting")]).await;
    ok(&mut ink, "/api/add_team_member", &[("id", tid), ("rol", "inkoper"), ("gebruikersnaam", "inkoper2")]).await;
    ok(&mut ink, "/api/add_team_member", &[("id", tid), ("rol", "inkoper"), ("gebruikersnaam", "inkoper3")]).await;
    ok(&mut ink, "/api/plan_calendar", &[("id", tid), ("publicatie", &local(now - chrono::Duration::hours(1))), ("sluitingstermijn", &local(deadline))]).await;
    ok(&mut ink, "/api/change_phase", &[("id", tid), ("to", "gepubliceerd")]).await;
    ok(&mut ink, "/api/change_phase", &[("id", tid), ("to", "inschrijving")]).await;
    for bidder in ["aanbieder1", "aanbieder2"] {
        let mut a = s.login(bidder).await;
        ok(&mut a, "/api/join_tender", &[("aanbesteding", tid)]).await;
        let v = json(&ok(&mut a, "/api/bid_view", &[("id", tid)]).await);
        for p in v["parts"].as_array().expect("parts") {
            let part = p["def_id"].to_string();
            if p["kind"] == "formulier" {
                ok(&mut a, "/api/save_form_part", &[("id", tid), ("onderdeel", &part), ("tekst", "Akkoord.")]).await;
            } else {
                let r = a.upload(&format!("/upload/inschrijving/{tid}/{part}"), &[], "deel.pdf", b"%PDF-1.4 deel").await;
                assert_eq!(r.status, 200, "{}", r.body);
            }
        }
    }
    id
}

#[tokio::test]
async fn a_bid_that_arrived_in_time_is_in_time_even_when_it_gets_its_turn_after_the_deadline() {
    let s = Server::start().await;
    let deadline = chrono::Utc::now() + chrono::Duration::seconds(12);
    let deadline = deadline - chrono::Duration::nanoseconds(deadline.timestamp_subsec_nanos() as i64);
    let tid = real_tender_open_until(&s, deadline).await;
    let mut a1 = s.login("aanbieder1").await;
    let mut a2 = s.login("aanbieder2").await;
    // Two seconds before the deadline someone holds the write lock until two
    // seconds after it (a busy deadline, made long).
    let until_lock = (deadline - chrono::Duration::seconds(2)) - chrono::Utc::now();
    tokio::time::sleep(until_lock.to_std().expect("time left before the deadline")).await;
    let url = s.db.url.clone();
    let (locked_tx, locked_rx) = tokio::sync::oneshot::channel();
    let holder = tokio::spawn(async move {
        use sea_orm::{ConnectionTrait, TransactionTrait};
        let db = sea_orm::Database::connect(&url).await.unwrap();
        let txn = db.begin().await.unwrap();
        txn.execute_unprepared("UPDATE audit_head SET seq = seq WHERE id = 1").await.unwrap();
        let _ = locked_tx.send(());
        let hold = (deadline + chrono::Duration::seconds(2)) - chrono::Utc::now();
        tokio::time::sleep(hold.to_std().unwrap_or_default()).await;
        txn.commit().await.unwrap();
    });
    locked_rx.await.unwrap();
    // The bid arrives in time and waits for its turn.
    let sent = chrono::Utc::now();
    assert!(sent < deadline);
    let r = a1.post_form("/api/submit_bid", &[("id", &tid), ("sleutel", "sleutel-op-tijd-00000001")]).await;
    let answered = chrono::Utc::now();
    holder.await.unwrap();
    assert!(answered > deadline, "the answer came after the deadline (the lock was held)");
    assert_eq!(r.status, 200, "a bid that arrived in time is accepted: {}", r.body);
    let receipt = json(&r);
    let received = chrono::DateTime::parse_from_rfc3339(receipt["ontvangen_op_rfc3339"].as_str().unwrap()).unwrap();
    assert!(received < deadline && received.timestamp() >= sent.timestamp() - 1, "the receipt shows the arrival: {received}");
    // A bid that arrives after the deadline is late.
    let r = a2.post_form("/api/submit_bid", &[("id", &tid), ("sleutel", "sleutel-te-laat-00000001")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
}

#[tokio::test]
async fn one_inkoper_alone_cannot_shorten_or_close_the_submission_window() {
    let mut s = published().await;
    let clock = |at: &'static str| [("id", "1"), ("tijd", at)];
    // An NvI may extend the deadline (30 June 2023 12:00), never shorten it.
    ok(&mut s.inkoper, "/api/create_nvi_round", &[("id", "1"), ("titel", "Vragenronde 2"), ("termijn", "2023-06-29T11:00")]).await;
    ok(&mut s.inkoper, "/api/set_training_clock", &clock("2023-06-29T11:00:01")).await;
    let v = json(&ok(&mut s.inkoper, "/api/nvi_view", &[("id", "1")]).await);
    let round = v["rounds"].as_array().unwrap().iter().find(|r| r["title"] == "Vragenronde 2").unwrap()["id"].to_string();
    let r = s.inkoper.post_form("/api/publish_nvi", &[("id", "1"), ("ronde", &round), ("toelichting", "Korter."), ("nieuwe_sluitingstermijn", "2023-06-29T15:00")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("niet inkorten"), "{}", r.body);

    // Suspending takes a second inkoper.
    let suspend = [("id", "1"), ("to", "opgeschort"), ("reason", "Kort geding aangekondigd")];
    let r = ok(&mut s.inkoper, "/api/change_phase", &suspend).await;
    assert!(r.body.contains("Aangevraagd"), "{}", r.body);
    let p = json(&ok(&mut s.inkoper, "/api/procedure_view", &[("id", "1")]).await);
    assert_eq!(p["phase"], "inschrijving", "not yet suspended");
    assert!(p["pending"].as_str().unwrap().contains("Kort geding aangekondigd"), "{p}");
    let r = s.inkoper.post_form("/api/change_phase", &suspend).await;
    assert_eq!(r.status, 409, "the same inkoper cannot confirm: {}", r.body);
    let r = ok(&mut s.inkoper2, "/api/change_phase", &[("id", "1"), ("to", "opgeschort")]).await;
    assert!(r.body.contains("De fase is gewijzigd"), "{}", r.body);

    // The deadline passes during the suspension: the window is not closed.
    ok(&mut s.inkoper, "/api/set_training_clock", &clock("2023-06-30T12:00:01")).await;
    let p = json(&ok(&mut s.inkoper, "/api/procedure_view", &[("id", "1")]).await);
    assert_eq!(p["submission_closed"], false, "{p}");
    // Resuming needs a new deadline by NvI first (and then a second inkoper).
    let resume = [("id", "1"), ("to", "inschrijving")];
    let r = s.inkoper.post_form("/api/change_phase", &resume).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("nieuwe sluitingstermijn"), "{}", r.body);
    let r = s.inkoper.post_form("/api/publish_nvi", &[("id", "1"), ("ronde", &round), ("toelichting", "De termijn wordt verlengd na de opschorting."), ("nieuwe_sluitingstermijn", "2023-07-14T12:00")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    ok(&mut s.inkoper, "/api/change_phase", &resume).await;
    let p = json(&ok(&mut s.inkoper, "/api/procedure_view", &[("id", "1")]).await);
    assert_eq!(p["phase"], "opgeschort");
    ok(&mut s.inkoper2, "/api/change_phase", &resume).await;
    let p = json(&ok(&mut s.inkoper, "/api/procedure_view", &[("id", "1")]).await);
    assert_eq!(p["phase"], "inschrijving", "{p}");
    // Bids can be submitted again until the new deadline.
    let s = s.bids(1).await;
    let (_, export, _) = run(&mut s.server.command(&["audit", "export", "--tender", "1"]));
    assert!(export.contains("tender.phase_change_requested"), "the request is in the trail");
}

/// Everything an inkoper can read about the tender: pages, server functions,
/// downloads and the exports (of the tender and of the whole log).
async fn all_an_inkoper_reads(c: &mut Client, pseudonyms: &[String]) -> String {
    let mut out = String::new();
    for p in ["/aanbesteding/1", "/aanbesteding/1/opening", "/aanbesteding/1/beoordeling", "/audittrail", "/audittrail?actie=bid.submitted",
        "/export/audittrail.jsonl", "/export/audittrail.jsonl?aanbesteding=1", "/export/beoordeling/1"]
    {
        out += &c.get(p).await.body;
    }
    for f in ["opening_view", "opening_record", "evaluation_view", "procedure_view", "tender_overview"] {
        out += &c.post_form(&format!("/api/{f}"), &[("id", "1")]).await.body;
    }
    for part in 1..=12 {
        let r = c.get(&format!("/bestand/inschrijving/1/{part}")).await;
        if r.status == 200 {
            out += &format!("[onderdeel {part}: {}]", r.body.len());
        }
    }
    for p in pseudonyms {
        out += &c.get(&format!("/bestand/beoordeling/1/{p}/4")).await.body;
    }
    out
}

fn sha(b: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(b))
}

#[tokio::test]
async fn until_the_consensus_nobody_on_the_buyers_side_can_link_a_plan_to_its_bidder_by_hash_size_or_route() {
    let s = published().await;
    // Bidder 1's plan names its bidder: the opening flags it, so the inkoper
    // reads it under its pseudonym to decide.
    let plans: Vec<Vec<u8>> = vec![
        b"%PDF-1.4 Ons plan, opgesteld door Jeugdhulp Kennemerland B.V. (demo), voor elke school.".to_vec(),
        testkit::scenario::plan_bytes(7),
    ];
    for (i, login) in ["aanbieder1", "aanbieder2"].iter().enumerate() {
        let mut a = s.server.login(login).await;
        for (part, name, bytes) in [("1", "uea.pdf", b"%PDF UEA".to_vec()), ("2", "kvk.pdf", b"%PDF KvK".to_vec()), ("4", "plan.pdf", plans[i].clone())] {
            let r = a.upload(&format!("/upload/inschrijving/1/{part}"), &[], name, &bytes).await;
            assert_eq!(r.status, 200, "{}", r.body);
        }
        ok(&mut a, "/api/save_form_part", &[("id", "1"), ("onderdeel", "3"), ("tekst", "Akkoord.")]).await;
        ok(&mut a, "/api/submit_bid", &[("id", "1"), ("sleutel", &format!("sleutel-koppel-{i}-0000001"))]).await;
    }
    let mut s = s.opened().await.panel(2).await;
    let pseudonyms = s.pseudonyms().await;
    let mut w = s.server.login("waarnemer1").await;
    for reader in [&mut s.inkoper, &mut w] {
        let seen = all_an_inkoper_reads(reader, &pseudonyms).await;
        for (i, plan) in plans.iter().enumerate() {
            assert!(!seen.contains(&sha(plan)), "plan {i}'s hash reached the buyer's side before the consensus");
            assert!(!seen.contains(&format!("\"grootte\":\"{}\"", plan.len())), "plan {i}'s size reached the buyer's side");
        }
    }
    // The flagged plan is readable by the inkoper (to decide), but its hash
    // matches nothing the buyer's side holds.
    let read: Vec<String> = {
        let mut v = vec![];
        for p in &pseudonyms {
            let r = s.inkoper.get(&format!("/bestand/beoordeling/1/{p}/4")).await;
            if r.status == 200 {
                v.push(r.body);
            }
        }
        v
    };
    assert_eq!(read.len(), 1, "the inkoper reads the flagged plan only");
    // By bidder, envelope 2 stays closed until the consensus.
    let record = json(&ok(&mut s.inkoper, "/api/opening_record", &[("id", "1")]).await);
    let plan_part = record["bids"][0]["parts"].as_array().unwrap().iter().find(|p| p["envelope"] == "2").unwrap().clone();
    assert_eq!(plan_part["sealed"], true);
    let plan_part = plan_part["id"].to_string();
    let r = s.inkoper.get(&format!("/bestand/inschrijving/1/{plan_part}")).await;
    assert_eq!(r.status, 403, "{}", r.body);
    // After the lock the record is complete and its commitments verify.
    let inkoper_decides = json(&ok(&mut s.inkoper, "/api/evaluation_view", &[("id", "1")]).await);
    let flag = inkoper_decides["plans"].as_array().unwrap().iter().flat_map(|p| p["flags"].as_array().cloned().unwrap_or_default()).next().unwrap();
    ok(&mut s.inkoper, "/api/decide_flag", &[("id", "1"), ("melding", &flag["id"].to_string()), ("besluit", "doorgaan"), ("motivering", "De naam staat alleen in de inleiding; het plan wordt beoordeeld.")]).await;
    let s = s.scored().await.consensus_opened().await.consensus_recorded().await;
    let mut s = s;
    ok(s.chair(), "/api/lock_consensus", &[("id", "1")]).await;
    let (_, export, _) = run(&mut s.server.command(&["audit", "export", "--tender", "1"]));
    let resolved: serde_json::Value = export.lines().find(|l| l.contains("evaluation.pseudonyms_resolved")).map(|l| serde_json::from_str(l).unwrap()).unwrap();
    let opening: serde_json::Value = export.lines().find(|l| l.contains("\"opening.confirmed\"")).map(|l| serde_json::from_str(l).unwrap()).unwrap();
    let zout = resolved["payload"]["zout"].as_str().unwrap();
    for part in resolved["payload"]["kwaliteitsplannen"].as_array().unwrap() {
        let bid: i32 = part["inschrijving"].as_str().unwrap().parse().unwrap();
        let c = app::domain::evaluation::plan_commitment(zout, bid, part["onderdeel"].as_str().unwrap(), part["sha256"].as_str().unwrap(), part["grootte"].as_str().unwrap());
        assert!(opening["payload"].to_string().contains(&c), "the proces-verbaal's commitment for bid {bid} verifies");
    }
    let r = s.inkoper.get(&format!("/bestand/inschrijving/1/{plan_part}")).await;
    assert_eq!(r.status, 200, "after the consensus: {}", r.body);
}

#[tokio::test]
async fn the_trail_shows_its_reader_only_what_they_may_see_now_and_still_verifies() {
    let s = Server::start().await;
    let mut anon = s.client();
    anon.post_form("/api/login", &[("username", "j.jansen@example.nl"), ("password", "fout")]).await;
    let s = Scenario::published(s).await.bids(2).await;
    let mut s = s;
    let mut w = s.server.login("waarnemer1").await;
    for reader in [&mut s.inkoper, &mut w] {
        let export = reader.get("/export/audittrail.jsonl?aanbesteding=1").await.body;
        assert!(!export.contains("bid.part_stored") && !export.contains("bid.submitted"), "no bid event before the opening");
        assert!(export.contains("verzegeld tot de opening"), "but their hashes are there");
        let page = reader.get("/audittrail?actie=bid.submitted").await.body;
        assert!(page.contains("0 events") || !page.contains("bid.submitted</td>"), "the filter does not count sealed events");
        let all = reader.get("/export/audittrail.jsonl").await.body;
        assert!(!all.contains("j.jansen@example.nl"), "no typed user names of failed log-ins");
        assert!(!all.contains("bid.part_stored"), "nor bids in the whole-log export");
        // It verifies as it is, and says what it did not show.
        let f = s.server.dir.path().join("lezer.jsonl");
        std::fs::write(&f, &export).unwrap();
        let (code, out, err) = run(&mut s.server.command(&["audit", "verify", f.to_str().unwrap()]));
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.contains("INTACT") && out.contains("verzegeld"), "{out}");
    }
    // After the opening the entries show; their payloads (hashes and sizes)
    // and the consensus scores stay withheld until the consensus lock.
    let mut s = s.opened().await.panel(2).await.scored().await.consensus_opened().await.consensus_recorded().await;
    let export = s.inkoper.get("/export/audittrail.jsonl?aanbesteding=1").await.body;
    for l in export.lines().filter(|l| l.contains("\"bid.part_stored\"") || l.contains("\"evaluation.consensus_saved\"")) {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert!(v["payload"].is_null() && v["verzegeld"].as_str().is_some_and(|r| r.contains("consensus")), "{l}");
    }
    ok(s.chair(), "/api/lock_consensus", &[("id", "1")]).await;
    let export = s.inkoper.get("/export/audittrail.jsonl?aanbesteding=1").await.body;
    assert!(!export.contains("verzegeld tot de consensus"), "everything shows after the lock");
}

/// The stored files (not the temporary ones) of a server's data directory.
fn stored_files(s: &Server) -> usize {
    let root = s.dir.path().join("data/files");
    let Ok(dirs) = std::fs::read_dir(&root) else { return 0 };
    dirs.filter_map(Result::ok)
        .filter(|d| d.file_name() != "tmp" && d.path().is_dir())
        .map(|d| std::fs::read_dir(d.path()).map(|f| f.count()).unwrap_or(0))
        .sum()
}

#[tokio::test]
async fn refused_and_replaced_uploads_leave_no_file_behind() {
    let s = published().await;
    let mut a = s.server.login("aanbieder1").await;
    let before = stored_files(&s.server);
    let up = |name: &'static str, bytes: &'static [u8]| (name, bytes);
    let (n, b) = up("plan.pdf", b"%PDF-1.4 plan, eerste versie");
    let r = a.upload("/upload/inschrijving/1/4", &[], n, b).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(stored_files(&s.server), before + 1);
    // A replacement: the old file goes.
    let r = a.upload("/upload/inschrijving/1/4", &[], "plan.pdf", b"%PDF-1.4 plan, tweede versie").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(stored_files(&s.server), before + 1, "the replaced draft's file was removed");
    // Removed: its file goes.
    ok(&mut a, "/api/remove_part", &[("id", "1"), ("onderdeel", "4")]).await;
    assert_eq!(stored_files(&s.server), before);
    // Refused after it was stored (a part of a form, a closed window): nothing stays.
    let r = a.upload("/upload/inschrijving/1/3", &[], "verklaring.pdf", b"%PDF-1.4 verklaring").await;
    assert!((400..500).contains(&r.status), "{}", r.body);
    let mut s = s.bids(1).await;
    let r = s.bidders[0].upload("/upload/inschrijving/1/4", &[], "plan.pdf", b"%PDF-1.4 na indiening").await;
    assert!((400..500).contains(&r.status), "a submitted bid takes no new part: {}", r.body);
    let after_bid = stored_files(&s.server);
    let s = s.deadline_passed().await;
    let r = a.upload("/upload/inschrijving/1/1", &[], "uea.pdf", b"%PDF-1.4 te laat").await;
    assert!((400..500).contains(&r.status), "{}", r.body);
    assert_eq!(stored_files(&s.server), after_bid, "refused uploads left nothing");
    assert_eq!(std::fs::read_dir(s.server.dir.path().join("data/files/tmp")).unwrap().count(), 0, "and no temporary file");
}

#[tokio::test]
async fn registration_answers_alike_whether_or_not_a_kvk_number_is_registered_and_tells_its_holder() {
    let s = Server::start().await;
    let form = |kvk: &'static str, user: &'static str, email: &'static str| {
        vec![
            ("kvk", kvk), ("naam", "Nieuwe Zorg B.V."), ("adres", "Dorpsstraat 1"), ("postcode", "1851ab"),
            ("plaats", "Heiloo"), ("contactpersoon", "N. Nieuw"), ("email", email),
            ("telefoon", "072 123 45 67"), ("gebruikersnaam", user), ("wachtwoord", "een lang wachtwoord"),
            ("herhaling", "een lang wachtwoord"),
        ]
    };
    // The KvK number of a seeded bidder, and one nobody registered.
    let taken = ok(&mut s.login("aanbieder1").await, "/api/my_organisation", &[]).await;
    let kvk: String = serde_json::from_str::<serde_json::Value>(&taken.body).unwrap()["kvk"].as_str().unwrap().into();
    let kvk: &'static str = Box::leak(kvk.into_boxed_str());
    let mut probe = s.client();
    let known = probe.post_form("/api/register_organisation", &form(kvk, "speurder1", "a@speur.nl")).await;
    let mut fresh = s.client();
    let unknown = fresh.post_form("/api/register_organisation", &form("87654321", "speurder2", "b@speur.nl")).await;
    let names = |r: &Resp| {
        let mut n: Vec<String> = r.headers.keys().map(|k| k.to_string()).filter(|k| k != "date").collect();
        n.sort();
        n
    };
    assert_eq!((known.status, &known.location, names(&known)), (unknown.status, &unknown.location, names(&unknown)), "the same answer");
    assert_eq!(known.body, unknown.body);
    // The newcomer sees only what it registered itself.
    let mine = ok(&mut probe, "/api/my_organisation", &[]).await;
    assert!(mine.body.contains("Nieuwe Zorg B.V.") && !mine.body.contains("aanbieder1"), "{}", mine.body);
    // The holder of the number is told, the newcomer's mailbox learns nothing.
    let outbox = s.outbox();
    assert!(outbox.contains("Uw KvK-nummer is opnieuw gebruikt") && outbox.contains("a@speur.nl"), "{outbox}");
    assert!(!outbox.contains("aan: a@speur.nl ") && !outbox.contains("aan: b@speur.nl "), "{outbox}");
}

#[tokio::test]
async fn the_erasure_of_a_person_leaves_their_name_and_address_nowhere_and_the_trail_verifies() {
    let s = published().await.bids(2).await.opened().await.panel(2).await.scored().await.consensus_opened().await.consensus_recorded().await;
    let mut s = s;
    ok(s.chair(), "/api/lock_consensus", &[("id", "1")]).await;
    // A message naming a person, as colleagues write them.
    let mut admin = s.server.login("beheerder1").await;
    let mut people = vec![];
    for login in ["inkoper2", "beoordelaar1", "aanbieder1"] {
        let v = json(&ok(&mut admin, "/api/accounts_view", &[("zoek", login)]).await);
        let row = v["rows"].as_array().unwrap().iter().find(|r| r["username"] == login).unwrap().clone();
        people.push(row);
    }
    let before = s.server.db.all_text().await;
    for p in &people {
        let name = p["name"].as_str().unwrap();
        assert!(before.contains(name), "{name} is in the database before");
    }
    for p in &people {
        let id = p["id"].to_string();
        ok(&mut admin, "/api/anonymise_account", &[("account", &id), ("reden", "AVG-verzoek 2026-77"), ("akkoord", "ja")]).await;
    }
    let after = s.server.db.all_text().await;
    let (code, export, _) = run(&mut s.server.command(&["audit", "export"]));
    assert_eq!(code, 0);
    let outbox = s.server.outbox();
    for p in &people {
        for field in ["name", "email", "username"] {
            let v = p[field].as_str().unwrap();
            if v.is_empty() {
                continue;
            }
            // A user name is looked for as a whole value (a client's
            // idempotency key may well contain it); names and addresses anywhere.
            let found = |l: &str| {
                if field != "username" {
                    return l.contains(v);
                }
                l.match_indices(v).any(|(i, _)| {
                    let edge = |c: Option<char>| c.is_none_or(|c| matches!(c, '|' | ',' | '(' | ')' | '"' | ' ' | ':'));
                    edge(l[..i].chars().last()) && edge(l[i + v.len()..].chars().next())
                })
            };
            let hits: Vec<&str> = after.lines().filter(|l| found(l)).collect();
            assert!(hits.is_empty(), "{field} {v} is still in the database:\n{}", hits.join("\n"));
            assert!(!export.contains(v), "{field} {v} is still in the audit export");
            assert!(!outbox.contains(v), "{field} {v} is still in the outbox");
        }
    }
    let f = s.server.dir.path().join("export.jsonl");
    std::fs::write(&f, &export).unwrap();
    let (code, out, err) = run(&mut s.server.command(&["audit", "verify", f.to_str().unwrap()]));
    assert_eq!(code, 0, "the trail still verifies: {out}{err}");
    // What they did stays, under the placeholder: the proces-verbaal still names a confirming inkoper.
    let pv = ok(&mut s.inkoper, "/api/opening_record", &[("id", "1")]).await;
    assert!(pv.body.contains("Geanonimiseerd account"), "{}", pv.body);
}

#[tokio::test]
async fn evaluators_read_a_copy_without_its_metadata_and_a_plan_with_links_is_flagged_without_saying_where_to() {
    let mut s = published().await;
    let mut a = s.server.login("aanbieder1").await;
    let org = json(&ok(&mut a, "/api/my_organisation", &[]).await)["name"].as_str().unwrap().to_string();
    // A PDF whose information dictionary names the bidder, with a link that
    // would tell its owner when the plan is read.
    let plan = format!(
        "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n2 0 obj\n<< /Author ({org}) /Company ({org}) /Producer (Schrijver 1.0) >>\nendobj\n\
         3 0 obj\n<< /A << /S /URI /URI (https://teller.example/geopend) >> >>\nendobj\n4 0 obj\n<< /Length 20 >>\nstream\nBT (Ons plan) Tj ET\nendstream\nendobj\n\
         trailer\n<< /Root 1 0 R /Info 2 0 R >>\n%%EOF"
    )
    .into_bytes();
    for (part, name, bytes) in [("1", "uea.pdf", b"%PDF UEA".to_vec()), ("2", "kvk.pdf", b"%PDF KvK".to_vec()), ("4", "plan.pdf", plan.clone())] {
        let r = a.upload(&format!("/upload/inschrijving/1/{part}"), &[], name, &bytes).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    ok(&mut a, "/api/save_form_part", &[("id", "1"), ("onderdeel", "3"), ("tekst", "Akkoord met alle verklaringen.")]).await;
    ok(&mut a, "/api/submit_bid", &[("id", "1"), ("sleutel", "sleutel-metadata-0001")]).await;
    s.bidders.push(a);
    let mut s = s.opened().await.panel(2).await;
    // The flag says what was found, not where the link goes nor who it names.
    let v = json(&ok(&mut s.inkoper, "/api/evaluation_view", &[("id", "1")]).await);
    let plan_row = &v["plans"][0];
    let note = plan_row["flags"][0]["note"].as_str().expect("a flag").to_string();
    assert!(note.contains("verwijzing naar iets buiten het document"), "{note}");
    assert!(!note.contains("teller.example") && !note.contains(&org) && !note.contains("naam van de inschrijver"), "{note}");
    let flag = plan_row["flags"][0]["id"].to_string();
    ok(&mut s.inkoper, "/api/decide_flag", &[("id", "1"), ("melding", &flag), ("besluit", "doorgaan"), ("motivering", "De link wijst naar een openbare bron; de beoordelaars openen hem niet.")]).await;
    // The evaluator's copy: the metadata gone, the text and the length as sent.
    let pseudonym = s.pseudonyms().await.remove(0);
    let served = s.chair().get(&format!("/bestand/beoordeling/1/{pseudonym}/4")).await;
    assert_eq!(served.status, 200, "{}", served.body);
    let served = served.body.into_bytes();
    assert_eq!(served.len(), plan.len(), "every offset in the PDF stays valid");
    let text = String::from_utf8_lossy(&served);
    assert!(!text.contains(&org), "{text}");
    assert!(text.contains("BT (Ons plan) Tj ET") && text.contains("/Producer (Schrijver 1.0)"), "{text}");
    // The bidder's receipt keeps the hash of what the bidder sent.
    let bid = ok(&mut s.bidders[0], "/api/bid_view", &[("id", "1")]).await;
    assert!(bid.body.contains(&sha(&plan)), "{}", bid.body);
}

#[tokio::test]
async fn the_other_inkopers_are_told_at_once_when_an_opening_waits_and_an_appointed_evaluator_to_sign() {
    let s = published().await.bids(1).await.deadline_passed().await;
    let mut s = s;
    ok(&mut s.inkoper, "/api/start_opening", &[("id", "1"), ("zegelwachtwoord", SEAL)]).await;
    let inbox = ok(&mut s.inkoper2, "/api/inbox", &[]).await.body;
    assert!(inbox.contains("Bevestig de opening van") && inbox.contains("/aanbesteding/1/opening"), "{inbox}");
    assert!(inbox.contains("bevestigen vóór"), "{inbox}");
    let own = ok(&mut s.inkoper, "/api/inbox", &[]).await.body;
    assert!(!own.contains("Bevestig de opening"), "the starter is not asked: {own}");
    assert!(s.server.outbox().contains("[Dialoog] Bevestig de opening van"), "and by e-mail");
    ok(&mut s.inkoper2, "/api/confirm_opening", &[("id", "1"), ("zegelwachtwoord", SEAL)]).await;
    ok(&mut s.inkoper, "/api/appoint_evaluator", &[("id", "1"), ("gebruikersnaam", "beoordelaar1"), ("voorzitter", "ja")]).await;
    let mut e = s.server.login("beoordelaar1").await;
    let inbox = ok(&mut e, "/api/inbox", &[]).await.body;
    assert!(inbox.contains("U bent beoordelaar voor") && inbox.contains("Onderteken eerst de verklaring"), "{inbox}");
    // New bidders find the registration from the log-in page.
    let page = s.server.client().get("/inloggen").await.body;
    assert!(page.contains("href=\"/registreren\""), "{page}");
}

#[tokio::test]
async fn the_accessibility_statement_is_public_and_names_the_configured_contact() {
    let mut s = Server::start().await;
    let r = s.client().get("/toegankelijkheid").await;
    assert_eq!(r.status, 200, "for everyone, signed in or not");
    assert!(r.body.contains("Toegankelijkheidsverklaring") && r.body.contains("EN 301 549") && r.body.contains("WCAG 2.1"), "{}", r.body);
    assert!(r.body.contains("voldoet gedeeltelijk") && r.body.contains("functioneel beheerder"), "{}", r.body);
    let home = s.client().get("/inloggen").await;
    assert!(home.body.contains("href=\"/toegankelijkheid\""), "linked from the footer of every page");
    s.stop();
    let (code, _, err) = run(s.command(&["serve"]).env("DIALOOG_TOEGANKELIJKHEID_CONTACT", "geen adres"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("DIALOOG_TOEGANKELIJKHEID_CONTACT") && err.contains("e-mailadres"), "{err}");
    s.spawn_with_env(&["serve"], &[("DIALOOG_TOEGANKELIJKHEID_CONTACT", "toegankelijkheid@regio-alkmaar.nl")]).await;
    let r = s.client().get("/toegankelijkheid").await;
    assert!(r.body.contains("mailto:toegankelijkheid@regio-alkmaar.nl"), "{}", r.body);
}
