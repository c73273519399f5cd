//! The real server, started as a process on a free port with its own data
//! directory and database, and an HTTP client that keeps its session cookie.

use crate::db::TestDb;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const DEMO_PASSWORD: &str = "dialoog-demo";

/// The real `dialoog` binary on a free port, with its own data directory and
/// database; killed when dropped.
pub struct Server {
    /// The binary (the test's package knows where cargo built it).
    pub bin: String,
    pub dir: tempfile::TempDir,
    pub db: TestDb,
    pub port: u16,
    pub child: Option<Child>,
    pub stdout_path: PathBuf,
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Server {
    /// A new server of binary `bin` with demo accounts and the seeded tender.
    pub async fn start_bin(bin: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDb::new(dir.path()).await;
        let mut s = Server { bin: bin.to_string(), stdout_path: dir.path().join("stdout.log"), dir, db, port: free_port(), child: None };
        s.spawn(&["serve", "--demo"]).await;
        s
    }

    /// Like [`Server::start_bin`], with extra environment variables.
    pub async fn start_bin_with(bin: &str, env: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDb::new(dir.path()).await;
        let mut s = Server { bin: bin.to_string(), stdout_path: dir.path().join("stdout.log"), dir, db, port: free_port(), child: None };
        s.spawn_with_env(&["serve", "--demo"], env).await;
        s
    }

    /// A new server of binary `bin` on an empty database, as a real
    /// installation starts: no demo accounts, the first account the
    /// beheerder (its password from `DIALOOG_ADMIN_PASSWORD` in `env`).
    pub async fn fresh_bin(bin: &str, env: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDb::new(dir.path()).await;
        let mut s = Server { bin: bin.to_string(), stdout_path: dir.path().join("stdout.log"), dir, db, port: free_port(), child: None };
        s.spawn_with_env(&["serve"], env).await;
        s
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(&self.bin);
        c.args(args)
            .env("DIALOOG_ADDR", format!("127.0.0.1:{}", self.port))
            .env("DIALOOG_DATA_DIR", self.dir.path().join("data"))
            .env("DATABASE_URL", &self.db.url)
            .env("DIALOOG_LOGINS_PER_MINUTE", "1000")
            .env_remove("DIALOOG_ANCHOR_DIR")
            .env_remove("DIALOOG_ADMIN_PASSWORD")
            .env_remove("DIALOOG_SEED");
        c
    }

    /// Starts the server process and waits until it answers.
    pub async fn spawn(&mut self, args: &[&str]) {
        self.spawn_with_env(args, &[]).await
    }

    /// Like `spawn`, with extra environment variables.
    pub async fn spawn_with_env(&mut self, args: &[&str], env: &[(&str, &str)]) {
        let out = std::fs::File::create(&self.stdout_path).unwrap();
        let err = out.try_clone().unwrap();
        let mut cmd = self.command(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.stdout(Stdio::from(out)).stderr(Stdio::from(err)).spawn().unwrap();
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(c) = self.child.as_mut() {
                if let Ok(Some(status)) = c.try_wait() {
                    panic!("server exited early ({status}): {}", self.output());
                }
            }
            if reqwest::get(self.url("/health")).await.is_ok_and(|r| r.status().is_success()) {
                return;
            }
            assert!(Instant::now() < deadline, "server did not start: {}", self.output());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Stops the server (SIGTERM, so it shuts down gracefully).
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            unsafe_sigterm(c.id());
            let deadline = Instant::now() + Duration::from_secs(15);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = c.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// The server process's resident memory, in KiB (Linux).
    pub fn rss_kib(&self) -> u64 {
        let pid = self.child.as_ref().expect("a running server").id();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }

    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.stdout_path).unwrap_or_default()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{}", self.port, path)
    }

    pub fn client(&self) -> Client {
        Client::new(format!("http://127.0.0.1:{}", self.port))
    }

    pub async fn login(&self, user: &str) -> Client {
        let mut c = self.client();
        let r = c.post_form("/api/login", &[("username", user), ("password", DEMO_PASSWORD)]).await;
        assert_eq!(r.status, 200, "login {user}: {}", r.body);
        assert!(c.cookie.is_some(), "login {user} set a session cookie");
        c
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn unsafe_sigterm(pid: u32) {
    let _ = Command::new("kill").arg("-TERM").arg(pid.to_string()).status();
}

pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

pub struct Client {
    pub base: String,
    /// The session cookie (`name=value`), as the server last set it.
    pub cookie: Option<String>,
    pub http: reqwest::Client,
    /// Other cookies the server set (the device cookie), by name.
    pub others: std::collections::BTreeMap<String, String>,
}

impl Client {
    pub fn new(base: String) -> Self {
        Client { base, cookie: None, http: http_client(), others: Default::default() }
    }

    /// The Cookie header this client sends.
    pub fn cookie_header(&self) -> Option<String> {
        let all: Vec<String> = self.cookie.iter().cloned().chain(self.others.iter().map(|(k, v)| format!("{k}={v}"))).collect();
        (!all.is_empty()).then(|| all.join("; "))
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub body: String,
    pub location: Option<String>,
    pub headers: reqwest::header::HeaderMap,
}

impl Client {
    async fn finish(&mut self, req: reqwest::RequestBuilder) -> Resp {
        let req = match self.cookie_header() {
            Some(c) => req.header("cookie", c),
            None => req,
        };
        let res = req.send().await.expect("request sent");
        for sc in res.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()) {
            let pair = sc.split(';').next().unwrap_or_default().to_string();
            let gone = sc.contains("Max-Age=0") || pair.ends_with('=');
            let (name, value) = pair.split_once('=').unwrap_or((&pair, ""));
            if name.contains("apparaat") {
                if gone {
                    self.others.remove(name);
                } else {
                    self.others.insert(name.to_string(), value.to_string());
                }
            } else if gone {
                self.cookie = None;
            } else {
                self.cookie = Some(pair.clone());
            }
        }
        let status = res.status().as_u16();
        let location = res.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_string);
        let headers = res.headers().clone();
        let body = res.text().await.unwrap_or_default();
        Resp { status, body, location, headers }
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        // As a browser asks for a page.
        let req = self.http.get(format!("{}{}", self.base, path)).header("accept", "text/html,application/xhtml+xml,*/*;q=0.8");
        self.finish(req).await
    }

    /// A download (a PDF, a ZIP): status, headers and the body as bytes.
    pub async fn get_bytes(&mut self, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
        let mut req = self.http.get(format!("{}{}", self.base, path));
        if let Some(c) = self.cookie_header() {
            req = req.header("cookie", c);
        }
        let res = req.send().await.expect("request sent");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let body = res.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
        (status, headers, body)
    }

    /// A server function call as the hydrated page makes it (form-encoded, JSON back).
    pub async fn post_form(&mut self, path: &str, form: &[(&str, &str)]) -> Resp {
        let req = self.http.post(format!("{}{}", self.base, path)).header("accept", "application/json").form(form);
        self.finish(req).await
    }

    /// A multipart upload of one file (as the page's progress-bar upload sends it).
    pub async fn upload(&mut self, path: &str, fields: &[(&str, &str)], file_name: &str, bytes: &[u8]) -> Resp {
        let boundary = "----dialoog-test-boundary-7d3f";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
        }
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"bestand\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let req = self
            .http
            .post(format!("{}{}", self.base, path))
            .header("accept", "application/json")
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(body);
        self.finish(req).await
    }

    /// A plain HTML form post, as a browser without JavaScript makes it.
    pub async fn post_html_form(&mut self, path: &str, referer: &str, form: &[(&str, &str)]) -> Resp {
        let req = self
            .http
            .post(format!("{}{}", self.base, path))
            .header("accept", "text/html")
            .header("referer", format!("{}{}", self.base, referer))
            .form(form);
        self.finish(req).await
    }

    pub fn raw(&self) -> &reqwest::Client {
        &self.http
    }
}

/// Runs the binary with arguments and returns (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A child process that is killed when the test ends, also when it panics.
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A server process of binary `bin` on a fresh database with the given extra environment,
/// stdout piped; returns it with its base URL once it answers.
pub async fn spawn_fresh(bin: &str, dir: &Path, db: &TestDb, env: &[(&str, &str)]) -> (KillOnDrop, String) {
    let port = free_port();
    let mut cmd = Command::new(bin);
    cmd.arg("serve")
        .env("DIALOOG_ADDR", format!("127.0.0.1:{port}"))
        .env("DIALOOG_DATA_DIR", dir)
        .env("DATABASE_URL", &db.url)
        .env_remove("DIALOOG_ADMIN_PASSWORD")
        .stdout(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = KillOnDrop(cmd.spawn().unwrap());
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(60);
    while reqwest::get(format!("{base}/health")).await.is_err() {
        assert!(Instant::now() < deadline, "server did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (child, base)
}

/// Posts a server function call and requires a 200.
pub async fn ok(c: &mut Client, path: &str, form: &[(&str, &str)]) -> Resp {
    let r = c.post_form(path, form).await;
    assert_eq!(r.status, 200, "{path} {form:?}: {}", r.body);
    r
}

/// The body of a response as JSON.
pub fn json(r: &Resp) -> serde_json::Value {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.body))
}
