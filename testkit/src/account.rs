//! What a person does to get in: read the invitation from the outbox,
//! accept it, enrol a second factor, and produce codes as their app would
//! (computed here from the enrolled secret, RFC 6238).

use crate::server::{json, ok, run, Client, Server};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

impl Server {
    /// The e-mails the server wrote, as `dialoog outbox` prints them.
    pub fn outbox(&self) -> String {
        let (code, out, err) = run(&mut self.command(&["outbox"]));
        assert_eq!(code, 0, "outbox: {err}");
        out
    }

    /// The token of the last invitation e-mailed to `to` (other e-mails to
    /// the same address may follow it).
    pub fn invitation_token(&self, to: &str) -> String {
        let out = self.outbox();
        let mail = out
            .split("--- ")
            .filter(|m| m.lines().next().is_some_and(|l| l.contains(&format!("aan: {to} "))))
            .filter(|m| m.contains("/uitnodiging?t="))
            .last()
            .unwrap_or_else(|| panic!("no e-mail to {to} in:\n{out}"));
        let at = mail.find("/uitnodiging?t=").unwrap_or_else(|| panic!("no invitation link in:\n{mail}"));
        mail[at + "/uitnodiging?t=".len()..].split_whitespace().next().expect("a token").to_string()
    }
}

/// An authenticator app: the secret and the last time step it gave a code
/// for (a server accepts every step once).
#[derive(Clone, Debug)]
pub struct Authenticator {
    pub secret: String,
    last: Option<u64>,
}

fn unix() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

impl Authenticator {
    pub fn new(secret: &str) -> Self {
        Authenticator { secret: secret.split_whitespace().collect(), last: None }
    }

    fn totp(&self) -> totp_rs::Totp {
        totp_rs::Builder::new()
            .with_secret(totp_rs::Secret::try_from_base32(&self.secret).expect("a base32 secret"))
            .build()
            .expect("an RFC 6238 secret")
    }

    /// The code for time step `step`.
    pub fn code_at(&self, step: u64) -> String {
        self.totp().generate(step * 30).to_string()
    }

    /// The code it gave last (a server refuses it again).
    pub fn last_code(&self) -> Option<String> {
        self.last.map(|s| self.code_at(s))
    }

    /// The current step.
    pub fn step_now() -> u64 {
        unix() / 30
    }

    /// A code the server has not seen yet: the current step's, or the next
    /// step's (within the one step of drift the server allows); waits for a
    /// new step when both were used.
    pub async fn next_code(&mut self) -> String {
        loop {
            let now = Self::step_now();
            let step = match self.last {
                Some(l) if l > now => None,
                Some(l) if l >= now => Some(now + 1),
                _ => Some(now),
            };
            if let Some(step) = step {
                self.last = Some(step);
                return self.code_at(step);
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

impl Client {
    /// Accepts the invitation with `token` and chooses `password`.
    pub async fn accept_invitation(&mut self, token: &str, password: &str) {
        ok(self, "/api/accept_invitation", &[("t", token), ("new_password", password), ("repeat", password)]).await;
    }

    /// Enrols a second factor for the logged-in account; returns the app
    /// and the recovery codes.
    pub async fn enrol(&mut self) -> (Authenticator, Vec<String>) {
        let v = json(&ok(self, "/api/second_factor_view", &[]).await);
        let secret = v["enrolment"]["secret"].as_str().expect("an enrolment").to_string();
        let mut app = Authenticator::new(&secret);
        let code = app.next_code().await;
        let codes: Vec<String> = serde_json::from_str(&ok(self, "/api/enrol_second_factor", &[("code", &code)]).await.body).unwrap();
        (app, codes)
    }

    /// Logs in with a password and then a code from `app`.
    pub async fn login_with_code(&mut self, username: &str, password: &str, app: &mut Authenticator) {
        let r = self.post_form("/api/login", &[("username", username), ("password", password)]).await;
        assert_eq!(r.status, 200, "login {username}: {}", r.body);
        let code = app.next_code().await;
        ok(self, "/api/login_code", &[("code", &code)]).await;
    }
}
