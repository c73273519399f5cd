//! The test kit for this package's tests: the kit itself, with this
//! package's `dialoog` binary.

#![allow(dead_code)]

pub use testkit::*;

pub const BIN: &str = env!("CARGO_BIN_EXE_dialoog");

/// A demo server of this package's binary (demo accounts, the seeded tender).
pub trait DemoServer {
    fn start() -> impl std::future::Future<Output = Server>;
    /// A demo server with extra environment variables.
    fn start_with(env: &[(&str, &str)]) -> impl std::future::Future<Output = Server>;
    /// A fresh installation of this package's binary (see [`Server::fresh_bin`]).
    fn fresh(env: &[(&str, &str)]) -> impl std::future::Future<Output = Server>;
}

impl DemoServer for Server {
    async fn start() -> Server {
        Server::start_bin(BIN).await
    }
    async fn start_with(env: &[(&str, &str)]) -> Server {
        Server::start_bin_with(BIN, env).await
    }
    async fn fresh(env: &[(&str, &str)]) -> Server {
        Server::fresh_bin(BIN, env).await
    }
}

/// A server process on a fresh database with the given extra environment,
/// stdout piped; returns it with its base URL once it answers.
pub async fn spawn_fresh(dir: &std::path::Path, db: &TestDb, env: &[(&str, &str)]) -> (KillOnDrop, String) {
    testkit::spawn_fresh(BIN, dir, db, env).await
}

/// The seeded tender published and open for bids, on a fresh demo server.
pub async fn published() -> Scenario {
    Scenario::published(Server::start().await).await
}

/// The OCDS packages of tender 1 (release package, record package), as
/// anyone reads them, each validated by libcoveocds (zero errors, no value
/// outside a closed codelist).
pub async fn ocds_valid(s: &Server) -> (serde_json::Value, serde_json::Value) {
    let mut anon = s.client();
    let mut out = vec![];
    for path in ["/ocds/1.json", "/ocds/1-record.json"] {
        let r = anon.get(path).await;
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        let file = s.dir.path().join("ocds.json");
        std::fs::write(&file, &r.body).unwrap();
        let support = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support");
        let (code, report, err) = run(std::process::Command::new("python3")
            .arg(support.join("ocds_check.py"))
            .arg(&file)
            .arg(support.join("ocds-standard-1__1__5.zip")));
        assert_eq!(code, 0, "libcoveocds on {path}: {report}\n{err}\n{}", r.body);
        out.push(serde_json::from_str(&r.body).unwrap());
    }
    let record = out.pop().unwrap();
    (out.pop().unwrap(), record)
}

/// The tags of a release package's releases, in order.
pub fn ocds_tags(package: &serde_json::Value) -> Vec<String> {
    package["releases"].as_array().unwrap().iter().map(|r| r["tag"][0].as_str().unwrap().to_string()).collect()
}

/// A PDF of record as `c` downloads it, checked with real tools
/// (`pdf_check.py`: pdftotext, pdfinfo and page-validation): it must be
/// served as a PDF attachment, never cached, and conform to PDF/UA-1 and
/// PDF/A-2a. Returns its page count and its text (pdftotext -layout, every
/// run of white space, line ends included, folded to one space, so a
/// sentence reads the same wherever its lines break).
pub async fn pdf_checked(s: &Server, c: &mut Client, path: &str) -> (u64, String) {
    let body = download_checked(c, path, "application/pdf", "pdf").await;
    assert!(body.starts_with(b"%PDF-"), "{path}");
    let file = s.dir.path().join("document.pdf");
    std::fs::write(&file, &body).unwrap();
    let support = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support");
    let (code, out, err) = run(std::process::Command::new("python3").arg(support.join("pdf_check.py")).arg(&file));
    let report: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{path}: {e}: {out}\n{err}"));
    if code != 0 {
        // Kept for a look with other tools; the test directory goes away.
        let kept = std::env::temp_dir().join(format!("dialoog-failed-{}", path.rsplit('/').next().unwrap_or("document.pdf")));
        let _ = std::fs::copy(&file, &kept);
        panic!("{path} is not PDF/UA-1 and PDF/A-2a (kept as {}): {}", kept.display(), report["failures"]);
    }
    let text = report["text"].as_str().unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
    (report["pages"].as_u64().unwrap(), text)
}

/// The text of a PDF as pdftotext reads it.
pub fn pdf_text(pdf: &[u8]) -> String {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let file = std::env::temp_dir().join(format!("dialoog-pdf-{}-{n}.pdf", std::process::id()));
    std::fs::write(&file, pdf).unwrap();
    let (code, text, err) = run(std::process::Command::new("pdftotext").arg(&file).arg("-"));
    let _ = std::fs::remove_file(&file);
    assert_eq!(code, 0, "pdftotext read the PDF: {err}");
    text
}

/// An XLSX file read back by `openpyxl` (`xlsx_check.py`): its title and
/// sheets (name, frozen cell, filter, header, rows of [value, type, quote
/// prefix]).
pub fn xlsx_read(bytes: &[u8]) -> serde_json::Value {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let file = std::env::temp_dir().join(format!("dialoog-xlsx-{}-{n}.xlsx", std::process::id()));
    std::fs::write(&file, bytes).unwrap();
    let support = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support");
    let (code, out, err) = run(std::process::Command::new("python3").arg(support.join("xlsx_check.py")).arg(&file));
    let _ = std::fs::remove_file(&file);
    assert_eq!(code, 0, "openpyxl read the spreadsheet: {err}");
    serde_json::from_str(&out).unwrap()
}

/// A spreadsheet of record as `c` downloads it: an XLSX attachment, never
/// cached, every sheet with a frozen header row and a filter over its
/// columns. Returns what `openpyxl` reads.
pub async fn xlsx_checked(c: &mut Client, path: &str) -> serde_json::Value {
    let body = download_checked(c, path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx").await;
    let x = xlsx_read(&body);
    for sh in x["sheets"].as_array().unwrap() {
        assert_eq!(sh["freeze"], "A2", "{path}: the header row is frozen: {sh}");
        let header = sh["header"].as_array().unwrap();
        assert!(!header.is_empty() && header.iter().all(|h| h.is_string()), "{path}: {sh}");
        let filter = sh["filter"].as_str().unwrap_or_default();
        assert!(filter.starts_with("A1:"), "{path}: a filter over the columns: {sh}");
    }
    x
}

/// The column of `header` in a sheet read by [`xlsx_read`].
pub fn xlsx_col(sheet: &serde_json::Value, header: &str) -> usize {
    sheet["header"].as_array().unwrap().iter().position(|h| h == header).unwrap_or_else(|| panic!("no column {header}: {}", sheet["header"]))
}

/// An eForms notice as `c` downloads it, validated with `xmllint --schema`
/// against the eForms SDK's XSD for its kind (tests/support/eforms).
pub async fn eforms_valid(c: &mut Client, path: &str) -> String {
    let body = download_checked(c, path, "application/xml", "xml").await;
    let xml = String::from_utf8(body).unwrap();
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let file = std::env::temp_dir().join(format!("dialoog-eforms-{}-{n}.xml", std::process::id()));
    std::fs::write(&file, &xml).unwrap();
    let xsd = if xml.contains("<ContractNotice") { "UBL-ContractNotice-2.3.xsd" } else { "UBL-ContractAwardNotice-2.3.xsd" };
    let schema = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/eforms/schemas/maindoc").join(xsd);
    let (code, out, err) = run(std::process::Command::new("xmllint").arg("--noout").arg("--schema").arg(&schema).arg(&file));
    let _ = std::fs::remove_file(&file);
    assert_eq!(code, 0, "{path} validates against {xsd}: {out}{err}\n{xml}");
    xml
}

/// A document of record as `c` downloads it: a 200, of `content_type`, an
/// attachment named `*.{ext}` that is never cached. Returns its bytes.
pub async fn download_checked(c: &mut Client, path: &str, content_type: &str, ext: &str) -> Vec<u8> {
    let (status, headers, body) = c.get_bytes(path).await;
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
    assert_eq!(headers.get("content-type").unwrap(), content_type, "{path}");
    let cd = headers.get("content-disposition").unwrap().to_str().unwrap();
    assert!(cd.starts_with("attachment; filename=\"") && cd.ends_with(&format!(".{ext}\"")), "{path}: {cd}");
    assert_eq!(headers.get("cache-control").unwrap(), "private, no-store", "{path}");
    body
}
