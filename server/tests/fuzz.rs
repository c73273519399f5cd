//! Every server function, upload, download and page with random and hostile
//! values (empty, long, invalid UTF-8, negative and huge numbers, path names,
//! control characters, markup), as each kind of user, on a tender in its
//! evaluation: every answer is a 2xx, 3xx or a 4xx with a Dutch message,
//! never a 5xx, and the server stays up. The figures of a run are printed
//! (and kept in BENCHMARKS.md).

mod common;
use common::*;
use std::collections::BTreeMap;

/// The server functions and their argument names, read from the sources
/// (`#[server(endpoint = "x")] pub async fn f(a: A, b: B)`).
fn server_functions() -> BTreeMap<String, Vec<String>> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = vec![];
    walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src"), &mut files);
    let mut out = BTreeMap::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (i, _) in text.match_indices("#[server(endpoint = \"") {
            let rest = &text[i + "#[server(endpoint = \"".len()..];
            let endpoint = rest[..rest.find('"').unwrap()].to_string();
            let sig = &rest[rest.find("pub async fn").unwrap()..];
            let open = sig.find('(').unwrap();
            let mut depth = 0;
            let mut close = open;
            for (j, ch) in sig[open..].char_indices() {
                match ch {
                    '(' | '<' => depth += 1,
                    ')' | '>' => {
                        depth -= 1;
                        if depth == 0 {
                            close = open + j;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let args: Vec<String> = sig[open + 1..close]
                .split(',')
                .filter_map(|a| a.split_once(':').map(|(n, _)| n.trim().to_string()))
                .filter(|n| !n.is_empty())
                .collect();
            out.insert(endpoint, args);
        }
    }
    out
}

/// Hostile values for one field.
fn hostile() -> Vec<String> {
    vec![
        String::new(),
        "0".into(),
        "-1".into(),
        "18446744073709551616".into(),
        "9223372036854775807".into(),
        "-9223372036854775808".into(),
        "4294967296".into(),
        "1e309".into(),
        "NaN".into(),
        "../../../../etc/passwd".into(),
        "\u{0}\u{1}\u{7f}".into(),
        "ééé ✓ 🙂".into(),
        "<script>alert(1)</script></textarea><b>x".into(),
        "=HYPERLINK(\"http://x\")".into(),
        "2023-02-30T25:61".into(),
        "a".repeat(200_000),
    ]
}

/// English words the framework's own refusals use.
const ENGLISH: [&str; 7] = ["Invalid", "invalid", "length limit", "Cannot", "expected", "missing field", "Failed"];

fn message(body: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(m)) if m.len() == 1 => m.values().next().and_then(|v| v.as_str()).unwrap_or_default().to_string(),
        _ => body.to_string(),
    }
}

#[derive(Default)]
struct Tally {
    requests: u64,
    by_class: BTreeMap<u16, u64>,
    bad: Vec<String>,
}

impl Tally {
    fn see(&mut self, what: &str, status: u16, body: &str) {
        self.requests += 1;
        *self.by_class.entry(status / 100 * 100).or_default() += 1;
        if status >= 500 || status < 200 {
            self.bad.push(format!("{what}: {status} {}", body.chars().take(300).collect::<String>()));
        } else if (400..500).contains(&status) {
            let m = message(body);
            if m.trim().is_empty() || ENGLISH.iter().any(|w| m.contains(w)) {
                self.bad.push(format!("{what}: {status} not Dutch: {}", m.chars().take(300).collect::<String>()));
            }
        }
    }
}

#[tokio::test]
async fn hostile_values_get_a_2xx_3xx_or_a_dutch_4xx_never_a_5xx() {
    let started = std::time::Instant::now();
    let s = published().await.bids(2).await.opened().await.panel(2).await;
    let server = &s.server;
    let fns = server_functions();
    let (_, routes, _) = run(&mut server.command(&["routes"]));
    let registered: Vec<String> = routes.lines().filter_map(|l| l.strip_prefix("POST /api/").map(str::to_string)).collect();
    for r in &registered {
        assert!(fns.contains_key(r), "server function {r} not found in the sources");
    }
    // Who calls: nobody, an inkoper, a bidder, an evaluator, a gemeente. A
    // session that a call ends (log-out) is not used; log-in and password
    // calls only as anonymous and an own account.
    let mut callers: Vec<(&str, Client)> = vec![("anoniem", server.client())];
    for u in ["inkoper2", "aanbieder1", "beoordelaar1", "gemeente-heiloo"] {
        callers.push((u, server.login(u).await));
    }
    let mut t = Tally::default();
    let values = hostile();
    for (name, args) in &fns {
        if name == "logout" {
            continue;
        }
        let path = format!("/api/{name}");
        for (who, c) in callers.iter_mut() {
            let mut forms: Vec<Vec<(String, String)>> = vec![args.iter().map(|a| (a.clone(), "1".to_string())).collect()];
            for (i, _) in args.iter().enumerate() {
                for v in &values {
                    let mut f: Vec<(String, String)> = args.iter().map(|a| (a.clone(), "1".to_string())).collect();
                    f[i].1 = v.clone();
                    forms.push(f);
                }
                // The argument left out, and given twice.
                let mut f: Vec<(String, String)> = args.iter().map(|a| (a.clone(), "1".to_string())).collect();
                f.remove(i);
                forms.push(f);
                let mut f: Vec<(String, String)> = args.iter().map(|a| (a.clone(), "1".to_string())).collect();
                f.push((args[i].clone(), "2".into()));
                forms.push(f);
            }
            for f in forms {
                let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let r = c.post_form(&path, &pairs).await;
                t.see(&format!("{who} {path} {:?}", f.iter().map(|(k, v)| (k, v.chars().take(20).collect::<String>())).collect::<Vec<_>>()), r.status, &r.body);
            }
            // Not UTF-8, and not a form at all.
            let body: String = args.iter().map(|a| format!("{a}=%FF%FE%00")).collect::<Vec<_>>().join("&");
            let r = c
                .raw()
                .post(server.url(&path))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cookie", c.cookie_header().unwrap_or_default())
                .body(body)
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            t.see(&format!("{who} {path} not UTF-8"), status, &r.text().await.unwrap_or_default());
            let r = c
                .raw()
                .post(server.url(&path))
                .header("content-type", "application/json")
                .header("cookie", c.cookie_header().unwrap_or_default())
                .body("{\"id\": [1, 2], \"x\": null}")
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            t.see(&format!("{who} {path} json"), status, &r.text().await.unwrap_or_default());
        }
    }

    // Plain routes and pages: hostile path segments and query strings.
    let segments = ["-1", "0", "99999999999999999999", "abc", "%FF%FE", "..%2F..%2Fetc", "1%00", "K", "ZZ"];
    for line in routes.lines() {
        let Some((method, route)) = line.split_once(' ') else { continue };
        if route.starts_with("/api/") {
            continue;
        }
        let holes = route.matches('{').count() + route.matches(':').count();
        for seg in segments {
            let mut p = String::new();
            for part in route.split('/').filter(|x| !x.is_empty()) {
                p.push('/');
                p.push_str(if part.starts_with('{') || part.starts_with(':') { seg } else { part });
            }
            if holes == 0 {
                p.push_str(&format!("?t={seg}&aanbesteding={seg}&page={seg}&actie={seg}&zoek={seg}&melding={seg}&fout={seg}"));
            }
            for (who, c) in callers.iter_mut() {
                let r = match method {
                    "POST" => {
                        let mut body = b"--grens\r\nContent-Disposition: form-data; name=\"\xff\xfe\"\r\n\r\n\xff\xfe\r\n--grens\r\n".to_vec();
                        body.extend_from_slice(b"Content-Disposition: form-data; name=\"bestand\"; filename=\"../../x\xff.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 x\r\n--grens--\r\n");
                        c.raw()
                            .post(server.url(&p))
                            .header("content-type", "multipart/form-data; boundary=grens")
                            .header("accept", "application/json")
                            .header("cookie", c.cookie_header().unwrap_or_default())
                            .body(body)
                            .send()
                            .await
                            .unwrap()
                    }
                    _ => c.raw().get(server.url(&p)).header("cookie", c.cookie_header().unwrap_or_default()).send().await.unwrap(),
                };
                let status = r.status().as_u16();
                let is_page = method == "PAGE";
                let body = r.text().await.unwrap_or_default();
                // Pages answer with the app's own page (HTML); only their status counts.
                t.see(&format!("{who} {method} {p}"), status, if is_page && status < 500 { "pagina" } else { &body });
            }
        }
    }

    let mut health = server.client();
    assert_eq!(health.get("/health").await.status, 200, "the server is still up");
    println!(
        "fuzz: {} requests in {:.1} s; by status class {:?}; {} functions, {} routes",
        t.requests,
        started.elapsed().as_secs_f64(),
        t.by_class,
        fns.len(),
        routes.lines().count()
    );
    assert!(t.bad.is_empty(), "{} bad answers, the first:\n{}", t.bad.len(), t.bad.iter().take(40).cloned().collect::<Vec<_>>().join("\n"));
}
