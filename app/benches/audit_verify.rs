//! Benchmark: how many events per second the export verifier checks on a
//! 1,000,000-event export, beside the raw SHA-256 throughput of this machine in
//! the same run. Prints figures; asserts nothing about speed.
//!
//! cargo bench -p app --bench audit_verify [-- EVENTS]

use app::domain::audit::{commitment, make_entry, NewEntry, ExportLine, Header, Verifier, ZERO_HASH};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufWriter, Write};
use std::time::Instant;

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|k| k.parse::<f64>().ok()))
        .map(|kib| kib / 1024.0)
        .unwrap_or(f64::NAN)
}

fn main() {
    let n: u64 = std::env::args()
        .skip(1)
        .find(|a| a.parse::<u64>().is_ok())
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dir = std::env::temp_dir().join(format!("dialoog-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("export.jsonl");

    // 1. Write an export of n events (every other one in tender 1, realistic payloads).
    let t0 = Instant::now();
    {
        let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(&path).unwrap());
        writeln!(out, "{}", Header::new(None).to_line()).unwrap();
        let mut prev = ZERO_HASH.to_string();
        let mut tprev = ZERO_HASH.to_string();
        let mut tseq = 0u64;
        for seq in 1..=n {
            let mut salt = [0u8; 32];
            salt[..8].copy_from_slice(&seq.to_le_bytes());
            let payload = serde_json::json!({ "reden": "onjuist wachtwoord", "n": seq.to_string() });
            let in_tender = seq % 2 == 0;
            if in_tender {
                tseq += 1;
            }
            let time = format!("2023-05-17T08:{:02}:{:02}.{:06}Z", (seq / 60) % 60, seq % 60, seq % 1_000_000);
            let e = make_entry(NewEntry {
                seq,
                time: &time,
                tender: in_tender.then_some(("1", tseq, tprev.as_str())),
                actor: "p-0123456789abcdef",
                role: "inkoper",
                action: "auth.login_failed",
                subject: "account:p-0123456789abcdef",
                commitment: commitment(&salt, &payload),
                prev: &prev,
            });
            let hash = hex::encode(e.leaf_hash());
            prev = hash.clone();
            if in_tender {
                tprev = hash.clone();
            }
            let line = ExportLine { entry: e, hash, payload: Some(payload), salt: Some(hex::encode(salt)), verzegeld: None };
            writeln!(out, "{}", line.to_line()).unwrap();
        }
        out.flush().unwrap();
    }
    let bytes = std::fs::metadata(&path).unwrap().len();
    println!("export: {n} events, {:.1} MiB, written in {:.1} s", bytes as f64 / 1048576.0, t0.elapsed().as_secs_f64());

    // 2. Verify it the way `dialoog audit verify` does (streaming, line by line).
    let t1 = Instant::now();
    let mut v = Verifier::new(None, None);
    let reader = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(&path).unwrap());
    for line in reader.lines() {
        v.push_line(&line.unwrap()).expect("intact export");
    }
    let head = v.finish().unwrap();
    let verify_s = t1.elapsed().as_secs_f64();
    assert_eq!(head.size, n);
    println!(
        "verify: {:.0} events/s ({:.2} s for {n} events, {:.1} MiB/s of export), head {}",
        n as f64 / verify_s,
        verify_s,
        bytes as f64 / 1048576.0 / verify_s,
        hex::encode(head.root)
    );

    let verify_peak = peak_rss_mib();

    // 3. Raw SHA-256 over the same file, read the same way, in the same run.
    let t2 = Instant::now();
    let mut h = Sha256::new();
    let mut f = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(&path).unwrap());
    loop {
        let buf = f.fill_buf().unwrap();
        if buf.is_empty() {
            break;
        }
        h.update(buf);
        let len = buf.len();
        f.consume(len);
    }
    let d = h.finalize();
    let sha_s = t2.elapsed().as_secs_f64();
    println!(
        "sha256: {:.0} MiB/s raw over the same {:.1} MiB file (digest {}…)",
        bytes as f64 / 1048576.0 / sha_s,
        bytes as f64 / 1048576.0,
        &hex::encode(d)[..16]
    );
    println!(
        "verify takes {:.1}x the time of one raw SHA-256 pass over the export; peak memory while verifying {:.0} MiB",
        verify_s / sha_s,
        verify_peak
    );
    let _ = std::fs::remove_dir_all(&dir);
}
