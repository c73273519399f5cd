//! Scenarios on the seeded training tender, driven through the API as the
//! users would (the training clock moves the tender through its calendar):
//!
//! ```ignore
//! let s = Scenario::published(server).await.bids(3).await.opened().await.panel(3).await;
//! ```
//!
//! so a test of one rule starts where that rule applies, without replaying
//! the whole procedure by hand.

use crate::server::{json, ok, Client, Server};

/// The seeded tender.
pub const TENDER: &str = "1";

/// The demo bidders: (login, organisation, KvK).
pub const BIDDERS: [(&str, &str, &str); 3] = [
    ("aanbieder1", "Jeugdhulp Kennemerland B.V. (demo)", "90000001"),
    ("aanbieder2", "Stichting Schoolteam Noord (demo)", "90000002"),
    ("aanbieder3", "Coöperatie Samen Sterk Jeugd U.A. (demo)", "90000003"),
];

/// The sealing passphrase of the demo inkopers (their shares of the key the
/// seeded tender's bids are sealed to).
pub const SEAL: &str = "dialoog-demo-zegel";

/// The demo evaluators, the first one chairs.
pub const EVALUATORS: [&str; 3] = ["beoordelaar1", "beoordelaar2", "beoordelaar3"];

/// The seeded method's criteria.
pub const CRITERIA: [&str; 5] = ["K1", "K2", "K3", "K4", "K5"];

/// A quality plan of bidder `i` (anonymous: it names nobody).
pub fn plan_bytes(i: usize) -> Vec<u8> {
    format!("%PDF-1.4 Anoniem kwaliteitsplan {i}: de aanpak per school, samen met het samenwerkingsverband.").into_bytes()
}

/// Before publication: the seeded tender's method competes on price (two
/// criteria, the relative price method), so every bid has an envelope 3.
pub async fn compete_on_price(inkoper: &mut Client) {
    ok(inkoper, "/api/save_award_method", &[
        ("id", TENDER),
        ("criteria", "K1 | Visie en aanpak | 36 | 0-10\nK2 | Samenwerking | 24 | 0-10\n"),
        ("prijsmethode", "relatief"),
        ("prijspunten", "40"),
        ("beslisregels", "kwaliteit, K1, loting"),
        ("totaal", "100"),
    ])
    .await;
}

pub struct Scenario {
    pub server: Server,
    /// inkoper1 and inkoper2, logged in.
    pub inkoper: Client,
    pub inkoper2: Client,
    /// The bidders that submitted, logged in, in the order of [`BIDDERS`].
    pub bidders: Vec<Client>,
    /// The appointed evaluators, logged in, in the order of [`EVALUATORS`].
    pub evaluators: Vec<Client>,
}

impl Scenario {
    /// The seeded tender published on 17 May 2023, its first question round
    /// published as NvI 1, and the submission window open (the training
    /// clock on 29 June 2023, the day before the deadline).
    pub async fn published(server: Server) -> Scenario {
        let mut inkoper = server.login("inkoper1").await;
        let inkoper2 = server.login("inkoper2").await;
        let c = &mut inkoper;
        clock(c, "2023-05-17T09:00").await;
        ok(c, "/api/change_phase", &[("id", TENDER), ("to", "gepubliceerd")]).await;
        clock(c, "2023-06-07T12:00:01").await;
        ok(c, "/api/publish_nvi", &[("id", TENDER), ("ronde", "1"), ("toelichting", "Geen vragen gesteld.")]).await;
        ok(c, "/api/change_phase", &[("id", TENDER), ("to", "inschrijving")]).await;
        clock(c, "2023-06-29T10:00").await;
        Scenario { server, inkoper, inkoper2, bidders: vec![], evaluators: vec![] }
    }

    /// The first `n` demo bidders (at most three) each submit a complete bid.
    pub async fn bids(mut self, n: usize) -> Scenario {
        for (i, (login, _, kvk)) in BIDDERS.iter().take(n).enumerate() {
            let mut a = self.server.login(login).await;
            for (part, name, bytes) in [
                ("1", format!("uea-{kvk}.pdf"), b"%PDF UEA".to_vec()),
                ("2", format!("kvk-{kvk}.pdf"), b"%PDF KvK".to_vec()),
                ("4", format!("plan-{i}.pdf"), plan_bytes(i)),
            ] {
                let r = a.upload(&format!("/upload/inschrijving/{TENDER}/{part}"), &[], &name, &bytes).await;
                assert_eq!(r.status, 200, "upload {name}: {}", r.body);
            }
            ok(&mut a, "/api/save_form_part", &[("id", TENDER), ("onderdeel", "3"), ("tekst", "Akkoord met alle verklaringen.")]).await;
            ok(&mut a, "/api/submit_bid", &[("id", TENDER), ("sleutel", &format!("sleutel-{login}-0001"))]).await;
            self.bidders.push(a);
        }
        self
    }

    /// The training clock one second past the deadline (30 June 2023 12:00).
    pub async fn deadline_passed(mut self) -> Scenario {
        clock(&mut self.inkoper, "2023-06-30T12:00:01").await;
        self
    }

    /// Past the deadline, and opened by inkoper1 and inkoper2.
    pub async fn opened(self) -> Scenario {
        let mut s = self.deadline_passed().await;
        ok(&mut s.inkoper, "/api/start_opening", &[("id", TENDER), ("zegelwachtwoord", SEAL)]).await;
        ok(&mut s.inkoper2, "/api/confirm_opening", &[("id", TENDER), ("zegelwachtwoord", SEAL)]).await;
        s
    }

    /// The first `n` demo evaluators appointed (the first chairs), their
    /// declarations signed and cleared (by inkoper2: who appoints does not
    /// check), and the tender in its evaluation.
    pub async fn panel(mut self, n: usize) -> Scenario {
        for (i, u) in EVALUATORS.iter().take(n).enumerate() {
            let mut form = vec![("id", TENDER), ("gebruikersnaam", *u)];
            if i == 0 {
                form.push(("voorzitter", "ja"));
            }
            ok(&mut self.inkoper, "/api/appoint_evaluator", &form).await;
            let mut e = self.server.login(u).await;
            ok(&mut e, "/api/sign_declaration", &[("id", TENDER), ("belangen", "geen"), ("akkoord", "ja")]).await;
            self.evaluators.push(e);
        }
        let v = json(&ok(&mut self.inkoper, "/api/evaluation_view", &[("id", TENDER)]).await);
        for p in v["panel"].as_array().expect("a panel") {
            let id = p["id"].to_string();
            ok(&mut self.inkoper2, "/api/check_declaration", &[("id", TENDER), ("beoordelaar", &id), ("uitkomst", "geen_conflict")]).await;
        }
        ok(&mut self.inkoper, "/api/change_phase", &[("id", TENDER), ("to", "beoordeling")]).await;
        self
    }

    /// The pseudonyms of the plans, as the panel sees them.
    pub async fn pseudonyms(&mut self) -> Vec<String> {
        let e = self.evaluators.first_mut().expect("a panel");
        let v = json(&ok(e, "/api/evaluation_view", &[("id", TENDER)]).await);
        v["plans"].as_array().expect("plans").iter().map(|p| p["pseudonym"].as_str().expect("a pseudonym").to_string()).collect()
    }

    /// Every evaluator scores every plan 6 on every criterion and locks the sheet.
    pub async fn scored(mut self) -> Scenario {
        let plans = self.pseudonyms().await;
        for e in self.evaluators.iter_mut() {
            for p in &plans {
                for c in CRITERIA {
                    let why = format!("Niveau 6 past bij de omschrijving voor {c}.");
                    ok(e, "/api/save_score", &[("id", TENDER), ("plan", p), ("criterium", c), ("niveau", "6"), ("motivering", &why)]).await;
                }
            }
            ok(e, "/api/lock_sheet", &[("id", TENDER)]).await;
        }
        self
    }

    /// The chair opens the consensus meeting.
    pub async fn consensus_opened(mut self) -> Scenario {
        ok(self.chair(), "/api/open_consensus", &[("id", TENDER)]).await;
        self
    }

    /// The chair records a consensus of 6 on every cell.
    pub async fn consensus_recorded(mut self) -> Scenario {
        let plans = self.pseudonyms().await;
        for p in &plans {
            for c in CRITERIA {
                let why = format!("Het panel is het eens: niveau 6 voor {c}.");
                ok(self.chair(), "/api/save_consensus", &[("id", TENDER), ("plan", p), ("criterium", c), ("niveau", "6"), ("motivering", &why)]).await;
            }
        }
        self
    }

    /// The chair of the panel.
    pub fn chair(&mut self) -> &mut Client {
        self.evaluators.first_mut().expect("a panel")
    }

    /// Moves the training clock (Amsterdam time, "2023-06-30T12:00:01").
    pub async fn clock(&mut self, at: &str) {
        clock(&mut self.inkoper, at).await;
    }
}

async fn clock(c: &mut Client, at: &str) {
    ok(c, "/api/set_training_clock", &[("id", TENDER), ("tijd", at)]).await;
}
