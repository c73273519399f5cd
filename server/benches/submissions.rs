//! Benchmark: many bidders each submitting a large bid in the same minute
//! against one server, on SQLite (default) or PostgreSQL (DIALOOG_TEST_PG_URL).
//!
//!   cargo bench -p dialoog --bench submissions -- [bidders] [megabytes] [seconds]
//!
//! Defaults: 200 bidders, a 20 MB quality plan each, arrivals spread evenly
//! over 60 seconds. Setup (not timed): the seeded training tender is published
//! and opened for submission; every bidder registers its own organisation and
//! stores its small parts (UEA, KvK extract, declarations form) as a draft.
//! Timed, per bidder: from the first byte of the quality-plan upload until the
//! receipt of the submission is back. The upload body is generated while it is
//! sent (distinct bytes per bidder, so the content-addressed store cannot
//! deduplicate), so the client holds no bid in memory either.
//!
//! Printed: receipts issued and checked (every receipt's plan hash equals the
//! hash of the bytes sent, and every receipt's sequence number is distinct),
//! p50/p90/p99/max time to receipt, wall time, and the server's resident
//! memory: sampled peak during the timed minute and the process's high-water
//! mark (VmHWM, which includes the password hashing of the setup).

#[path = "../tests/common/mod.rs"]
mod common;

use common::*;
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CHUNK: usize = 256 * 1024;

/// xorshift64*: cheap, deterministic, distinct per seed.
struct Bytes {
    state: u64,
    left: usize,
}

impl Bytes {
    fn new(seed: u64, len: usize) -> Self {
        Bytes { state: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1, left: len }
    }
    fn next_chunk(&mut self) -> Option<Vec<u8>> {
        if self.left == 0 {
            return None;
        }
        let n = self.left.min(CHUNK);
        let mut v = Vec::with_capacity(n);
        while v.len() < n {
            self.state ^= self.state >> 12;
            self.state ^= self.state << 25;
            self.state ^= self.state >> 27;
            let x = self.state.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes();
            let take = (n - v.len()).min(8);
            v.extend_from_slice(&x[..take]);
        }
        self.left -= n;
        Some(v)
    }
}

fn plan_sha(seed: u64, len: usize) -> String {
    let mut b = Bytes::new(seed, len);
    let mut h = Sha256::new();
    while let Some(c) = b.next_chunk() {
        h.update(&c);
    }
    hex::encode(h.finalize())
}

fn rss_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

async fn ok(c: &mut Client, path: &str, form: &[(&str, &str)]) -> Resp {
    let r = c.post_form(path, form).await;
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    r
}

async fn register(s: &Server, i: usize) -> Client {
    let mut c = s.client();
    let kvk = format!("{:08}", 70_000_000 + i);
    let user = format!("bench{i}");
    let email = format!("bench{i}@example.org");
    let name = format!("Zorgaanbieder {i} B.V.");
    let form = [
        ("kvk", kvk.as_str()),
        ("naam", name.as_str()),
        ("adres", "Stationsweg 1"),
        ("postcode", "1815 AA"),
        ("plaats", "Alkmaar"),
        ("contactpersoon", "Contact Persoon"),
        ("email", email.as_str()),
        ("telefoon", "072 000 0000"),
        ("gebruikersnaam", user.as_str()),
        ("wachtwoord", "benchmark-wachtwoord-lang"),
        ("herhaling", "benchmark-wachtwoord-lang"),
        ("aanbesteding", "1"),
    ];
    ok(&mut c, "/api/register_organisation", &form).await;
    assert!(c.cookie.is_some(), "registration signs the contact person in");
    c.upload("/upload/inschrijving/1/1", &[], "uea.pdf", format!("%PDF-1.7 UEA {i}").as_bytes()).await;
    c.upload("/upload/inschrijving/1/2", &[], "kvk.pdf", format!("%PDF-1.7 KvK {i}").as_bytes()).await;
    ok(&mut c, "/api/save_form_part", &[("id", "1"), ("onderdeel", "3"), ("tekst", "Akkoord met alle verklaringen.")]).await;
    c
}

/// Streams the quality plan, then submits; returns the receipt's (plan hash, seq).
async fn submit(c: &mut Client, seed: u64, len: usize) -> (String, i64) {
    let boundary = "----dialoog-bench-boundary";
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"bestand\"; filename=\"kwaliteitsplan.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    );
    let tail = format!("\r\n--{boundary}--\r\n");
    let body = futures_util::stream::unfold((0u8, Bytes::new(seed, len), head, tail), |(stage, mut gen, head, tail)| async move {
        match stage {
            0 => Some((Ok::<_, std::io::Error>(head.clone().into_bytes()), (1, gen, head, tail))),
            1 => match gen.next_chunk() {
                Some(c) => Some((Ok(c), (1, gen, head, tail))),
                None => Some((Ok(tail.clone().into_bytes()), (2, gen, head, tail))),
            },
            _ => None,
        }
    });
    let res = c
        .raw()
        .post(format!("{}/upload/inschrijving/1/4", c.base))
        .header("accept", "application/json")
        .header("cookie", c.cookie.clone().unwrap())
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(reqwest::Body::wrap_stream(body))
        .send()
        .await
        .expect("upload sent");
    let status = res.status().as_u16();
    let text = res.text().await.unwrap_or_default();
    assert_eq!(status, 200, "upload: {text}");
    let key = format!("sleutel-bench-{seed}");
    let r = ok(c, "/api/submit_bid", &[("id", "1"), ("sleutel", key.as_str())]).await;
    let v: serde_json::Value = serde_json::from_str(&r.body).expect("receipt JSON");
    let plan = v["onderdelen"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["bestandsnaam"] == "kwaliteitsplan.pdf"))
        .and_then(|p| p["sha256"].as_str())
        .expect("the plan is on the receipt")
        .to_string();
    let seq = v["audit"]["seq"].as_str().and_then(|s| s.parse().ok()).expect("the receipt has a sequence number");
    (plan, seq)
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let bidders: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(200);
    let mb: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(20);
    let spread: f64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(60.0);
    let len = mb * 1_000_000;

    let s = Server::start().await;
    let pid = s.child.as_ref().unwrap().id();
    let db = if s.db.postgres { "PostgreSQL" } else { "SQLite" };
    println!("server: {} (pid {pid}), database {db}, {:.0} MiB resident after start", BIN, rss_kib(pid, "VmRSS:") as f64 / 1024.0);

    let mut ink = s.login("inkoper1").await;
    ok(&mut ink, "/api/set_training_clock", &[("id", "1"), ("tijd", "2023-05-17T09:00")]).await;
    ok(&mut ink, "/api/change_phase", &[("id", "1"), ("to", "gepubliceerd")]).await;
    ok(&mut ink, "/api/publish_nvi", &[("id", "1"), ("ronde", "1"), ("toelichting", "Geen vragen ontvangen.")]).await;
    ok(&mut ink, "/api/change_phase", &[("id", "1"), ("to", "inschrijving")]).await;
    ok(&mut ink, "/api/set_training_clock", &[("id", "1"), ("tijd", "2023-06-29T10:00")]).await;

    let t = Instant::now();
    let s = Arc::new(s);
    let mut clients = Vec::with_capacity(bidders);
    // Two at a time: registration hashes a password (argon2) on the server.
    let mut pending = Vec::new();
    for i in 0..bidders {
        let s = s.clone();
        pending.push(tokio::spawn(async move { register(&s, i).await }));
        if pending.len() == 2 || i + 1 == bidders {
            for h in pending.drain(..) {
                clients.push(h.await.expect("registration"));
            }
        }
    }
    println!("setup: {bidders} organisations registered with their draft parts in {:.1} s", t.elapsed().as_secs_f64());
    let expected: Vec<String> = (0..bidders).map(|i| plan_sha(i as u64 + 1, len)).collect();
    let rss_before = rss_kib(pid, "VmRSS:");

    let peak = Arc::new(AtomicU64::new(rss_before));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(pid, "VmRSS:"), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };

    let start = Instant::now();
    let mut handles = Vec::with_capacity(bidders);
    for (i, mut c) in clients.into_iter().enumerate() {
        let at = Duration::from_secs_f64(spread * i as f64 / bidders as f64);
        handles.push(tokio::spawn(async move {
            tokio::time::sleep_until(tokio::time::Instant::from_std(start + at)).await;
            let t0 = Instant::now();
            let (plan, seq) = submit(&mut c, i as u64 + 1, len).await;
            (i, t0.elapsed(), plan, seq)
        }));
    }
    let mut times = Vec::with_capacity(bidders);
    let mut seqs = std::collections::BTreeSet::new();
    let mut mismatches = 0;
    for h in handles {
        let (i, d, plan, seq) = h.await.expect("a bidder's submission");
        if plan != expected[i] {
            mismatches += 1;
        }
        seqs.insert(seq);
        times.push(d);
    }
    let wall = start.elapsed();
    done.store(true, Ordering::Relaxed);
    sampler.await.ok();
    let peak_rss = peak.load(Ordering::Relaxed).max(rss_kib(pid, "VmRSS:"));
    let hwm = rss_kib(pid, "VmHWM:");

    // Every acknowledged bid is in the database, once.
    let view = ok(&mut ink, "/api/opening_view", &[("id", "1")]).await;
    let arrived = serde_json::from_str::<serde_json::Value>(&view.body)
        .ok()
        .and_then(|v| v["arrivals"].as_array().map(|a| a.len()))
        .unwrap_or(0);

    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "receipts: {} of {bidders} issued, {} distinct audit sequence numbers, {mismatches} plan hash mismatches, {arrived} bids listed for the opening",
        times.len(),
        seqs.len()
    );
    println!(
        "bids: {bidders} x {mb} MB ({:.1} GB) arriving over {spread:.0} s; wall time {:.1} s",
        (bidders * len) as f64 / 1e9,
        wall.as_secs_f64()
    );
    println!(
        "time to receipt: p50 {:.0} ms, p90 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        ms(pct(&times, 0.50)),
        ms(pct(&times, 0.90)),
        ms(pct(&times, 0.99)),
        ms(*times.last().unwrap())
    );
    println!(
        "server memory: {:.0} MiB before the minute, sampled peak {:.0} MiB during it, high-water mark {:.0} MiB",
        rss_before as f64 / 1024.0,
        peak_rss as f64 / 1024.0,
        hwm as f64 / 1024.0
    );
    assert_eq!(times.len(), bidders);
    assert_eq!(seqs.len(), bidders, "every receipt has its own audit event");
    assert_eq!(mismatches, 0, "every receipt carries the hash of the bytes sent");
}
