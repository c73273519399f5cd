//! The evaluation, the award and the contract over HTTP on the seeded
//! (training) tender: anonymous scoring with locked sheets, consensus, the
//! resolution of pseudonyms, sealed prices, the gunningsbeslissing with its
//! standstill, objections, per-gemeente signing and withdrawal, and the
//! contract's options. Every response an evaluator receives is scanned for
//! the bidders' names, KvK numbers, e-mail addresses and file names.

mod common;
use common::*;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The three demo bidders: (login, organisation, KvK, e-mail, contact, file name of the plan).
const BIDDERS: [(&str, &str, &str, &str, &str, &str); 3] = [
    ("aanbieder1", "Jeugdhulp Kennemerland B.V. (demo)", "90000001", "aanbieder1@example.org", "Aanbieder 1 (demo)", "jhk-kwaliteitsplan-definitief.pdf"),
    ("aanbieder2", "Stichting Schoolteam Noord (demo)", "90000002", "aanbieder2@example.org", "Aanbieder 2 (demo)", "schoolteam-noord-plan-v7.pdf"),
    ("aanbieder3", "Coöperatie Samen Sterk Jeugd U.A. (demo)", "90000003", "aanbieder3@example.org", "Aanbieder 3 (demo)", "samensterk-plan-jeugd.pdf"),
];

/// What an evaluator must never receive.
fn forbidden_strings() -> Vec<String> {
    let mut v = vec![];
    for (_, org, kvk, email, contact, file) in BIDDERS {
        v.extend([org, kvk, email, contact, file].map(str::to_string));
        v.push(org.split(" (").next().unwrap().to_string());
        v.push(format!("uea-{kvk}.pdf"));
    }
    v.extend(["Jeugdhulp Kennemerland", "Schoolteam Noord", "Samen Sterk Jeugd"].map(str::to_string));
    v
}

/// A client whose every response is kept, to be scanned.
struct Recorded {
    c: Client,
    seen: Vec<String>,
}

impl Recorded {
    fn keep(&mut self, what: &str, r: &Resp) {
        let headers: Vec<String> = r.headers.iter().map(|(k, v)| format!("{k}: {}", v.to_str().unwrap_or_default())).collect();
        self.seen.push(format!("{what}\n{}\n{}\n{}", r.location.clone().unwrap_or_default(), headers.join("\n"), r.body));
    }
    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Resp {
        let r = self.c.post_form(path, form).await;
        self.keep(path, &r);
        r
    }
    async fn ok(&mut self, path: &str, form: &[(&str, &str)]) -> Resp {
        let r = self.post(path, form).await;
        assert_eq!(r.status, 200, "{path} {form:?}: {}", r.body);
        r
    }
    async fn get(&mut self, path: &str) -> Resp {
        let r = self.c.get(path).await;
        self.keep(path, &r);
        r
    }
    /// Every page, server function and file route an evaluator could ask for.
    async fn crawl(&mut self, pseudonyms: &[String]) {
        for p in [
            "/", "/aanbesteding/1", "/aanbesteding/1/documenten", "/aanbesteding/1/gemeenten", "/aanbesteding/1/gunningsmethode",
            "/aanbesteding/1/vragen", "/aanbesteding/1/dialoog", "/aanbesteding/1/inschrijving", "/aanbesteding/1/opening",
            "/aanbesteding/1/beoordeling", "/aanbesteding/1/gunning", "/aanbesteding/1/contract", "/berichten", "/organisatie",
            "/audittrail", "/export/beoordeling/1", "/export/audittrail.jsonl", "/aanbesteding/1/ontvangstbevestiging/1",
        ] {
            self.get(p).await;
        }
        for f in [
            "dashboard", "tender_overview", "procedure_view", "tender_banner", "buyers_view", "award_view", "documents_view", "nvi_view",
            "dialogue_view", "bid_view", "opening_view", "opening_record", "evaluation_view", "decision_view", "contract_view",
            "receipt_view", "notices_view",
        ] {
            self.post(&format!("/api/{f}"), &[("id", "1"), ("ontvangst", "1")]).await;
        }
        for f in ["inbox", "me", "my_organisation", "open_tenders"] {
            self.post(&format!("/api/{f}"), &[]).await;
        }
        for part in 1..=16 {
            self.get(&format!("/bestand/inschrijving/1/{part}")).await;
        }
        for p in pseudonyms {
            for def in 1..=5 {
                self.get(&format!("/bestand/beoordeling/1/{p}/{def}")).await;
            }
        }
        // The PDFs of record, read as text (their streams are compressed).
        for f in ["proces-verbaal", "nota-van-inlichtingen", "beoordelingsrapport", "beoordelingsrapport-met-bijlage", "gunningsbeslissing", "contractoverzicht"] {
            let path = format!("/stukken/1/{f}.pdf");
            let (status, _, body) = self.c.get_bytes(&path).await;
            let text = if body.starts_with(b"%PDF-") { pdf_text(&body) } else { String::from_utf8_lossy(&body).into_owned() };
            self.seen.push(format!("{path} {status}\n{text}"));
        }
        for f in ["aankondiging-cn-social.xml", "aankondiging-can-social.xml", "aankondiging-can-modif-1.xml"] {
            let (status, _, body) = self.c.get_bytes(&format!("/stukken/1/{f}")).await;
            assert_eq!(status, 403, "an evaluator does not read the notices");
            self.seen.push(format!("{f} {status}\n{}", String::from_utf8_lossy(&body)));
        }
        for f in ["scorematrix", "consensus", "inschrijvingen", "audittrail"] {
            let path = format!("/stukken/1/{f}.xlsx");
            let (status, _, body) = self.c.get_bytes(&path).await;
            let text = if status == 200 { xlsx_read(&body).to_string() } else { String::from_utf8_lossy(&body).into_owned() };
            self.seen.push(format!("{path} {status}\n{text}"));
        }
        let (status, _, body) = self.c.get_bytes("/stukken/1/dossier.zip").await;
        assert_eq!(status, 403, "an evaluator does not download the dossier");
        self.seen.push(format!("dossier {status}\n{}", String::from_utf8_lossy(&body)));
    }
}

/// Publishes the seeded tender, opens the submission and lets the three demo
/// bidders submit; returns the plans' bytes per bidder. With `prices`, the
/// method competes on price (set before publication) and each bid has one.
async fn bids_submitted(s: &Server, ink: &mut Client, prices: Option<[&str; 3]>, plans: [&[u8]; 3]) {
    if prices.is_some() {
        scenario::compete_on_price(ink).await;
    }
    ok(ink, "/api/set_training_clock", &[("id", "1"), ("tijd", "2023-05-17T09:00")]).await;
    ok(ink, "/api/change_phase", &[("id", "1"), ("to", "gepubliceerd")]).await;
    ok(ink, "/api/set_training_clock", &[("id", "1"), ("tijd", "2023-06-07T12:00:01")]).await;
    ok(ink, "/api/publish_nvi", &[("id", "1"), ("ronde", "1"), ("toelichting", "Geen vragen gesteld.")]).await;
    ok(ink, "/api/change_phase", &[("id", "1"), ("to", "inschrijving")]).await;
    ok(ink, "/api/set_training_clock", &[("id", "1"), ("tijd", "2023-06-29T10:00")]).await;
    for (i, (login, _, kvk, ..)) in BIDDERS.iter().enumerate() {
        let mut a = s.login(login).await;
        let file = BIDDERS[i].5;
        for (part, name, bytes) in [("1", format!("uea-{kvk}.pdf"), b"%PDF UEA".to_vec()), ("2", format!("kvk-{kvk}.pdf"), b"%PDF KvK".to_vec()), ("4", file.to_string(), plans[i].to_vec())] {
            let r = a.upload(&format!("/upload/inschrijving/1/{part}"), &[], &name, &bytes).await;
            assert_eq!(r.status, 200, "{}", r.body);
        }
        ok(&mut a, "/api/save_form_part", &[("id", "1"), ("onderdeel", "3"), ("tekst", "Akkoord met alle verklaringen.")]).await;
        if let Some(p) = prices {
            let r = a.post_form("/api/save_form_part", &[("id", "1"), ("onderdeel", "5"), ("tekst", "veel geld")]).await;
            assert_eq!(r.status, 400, "a price must be an amount: {}", r.body);
            ok(&mut a, "/api/save_form_part", &[("id", "1"), ("onderdeel", "5"), ("tekst", p[i])]).await;
        }
        ok(&mut a, "/api/submit_bid", &[("id", "1"), ("sleutel", &format!("sleutel-{login}-0001"))]).await;
    }
}

async fn open_bids(s: &Server, ink: &mut Client) {
    let mut ink2 = s.login("inkoper2").await;
    ok(ink, "/api/set_training_clock", &[("id", "1"), ("tijd", "2023-06-30T12:00:01")]).await;
    ok(ink, "/api/start_opening", &[("id", "1"), ("zegelwachtwoord", SEAL)]).await;
    ok(&mut ink2, "/api/confirm_opening", &[("id", "1"), ("zegelwachtwoord", SEAL)]).await;
}

/// Appoints the three demo evaluators (the first chairs), has them sign and
/// the second inkoper clear their declarations (who appoints does not check).
async fn panel_ready(s: &Server, ink: &mut Client, evs: &mut [Recorded]) {
    for (i, u) in ["beoordelaar1", "beoordelaar2", "beoordelaar3"].iter().enumerate() {
        let mut form = vec![("id", "1"), ("gebruikersnaam", *u)];
        if i == 0 {
            form.push(("voorzitter", "ja"));
        }
        ok(ink, "/api/appoint_evaluator", &form).await;
    }
    for e in evs.iter_mut() {
        e.ok("/api/sign_declaration", &[("id", "1"), ("belangen", "geen"), ("akkoord", "ja")]).await;
    }
    let v = json(&ok(ink, "/api/evaluation_view", &[("id", "1")]).await);
    let mut ink2 = s.login("inkoper2").await;
    for p in v["panel"].as_array().unwrap() {
        let id = p["id"].to_string();
        ok(&mut ink2, "/api/check_declaration", &[("id", "1"), ("beoordelaar", &id), ("uitkomst", "geen_conflict")]).await;
    }
}

fn pseudonyms(v: &Value) -> Vec<String> {
    v["plans"].as_array().unwrap().iter().map(|p| p["pseudonym"].as_str().unwrap().to_string()).collect()
}

/// Scores every plan on every criterion (level from `level(plan index, criterion index)`).
async fn score_all(e: &mut Recorded, plans: &[String], criteria: &[&str], marker: &str, level: impl Fn(usize, usize) -> u32) {
    for (pi, p) in plans.iter().enumerate() {
        for (ci, c) in criteria.iter().enumerate() {
            let l = level(pi, ci).to_string();
            let motivation = format!("{marker}: niveau {l} past bij de omschrijving voor {c}.");
            e.ok("/api/save_score", &[("id", "1"), ("plan", p), ("criterium", c), ("niveau", &l), ("motivering", &motivation)]).await;
        }
    }
}

const CRITERIA: [&str; 5] = ["K1", "K2", "K3", "K4", "K5"];

#[tokio::test]
async fn three_evaluators_score_anonymously_the_chair_reaches_consensus_and_the_award_leads_to_a_contract() {
    let s = Server::start().await;
    let mut ink = s.login("inkoper1").await;
    let plans: [&[u8]; 3] = [b"%PDF plan een: coaches op elke school", b"%PDF plan twee: een team per regio", b"%PDF plan drie: preventie eerst"];
    let mut evs = vec![];
    for u in ["beoordelaar1", "beoordelaar2", "beoordelaar3"] {
        evs.push(Recorded { c: s.login(u).await, seen: vec![] });
    }

    // Before the opening nothing can be scored, and someone who knows the
    // bidders cannot be an evaluator.
    let r = ink.post_form("/api/appoint_evaluator", &[("id", "1"), ("gebruikersnaam", "inkoper2")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("anoniem"), "{}", r.body);
    let r = ink.post_form("/api/appoint_evaluator", &[("id", "1"), ("gebruikersnaam", "aanbieder1")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    // Open data (OCDS) starts at publication: nothing before it.
    assert_eq!(s.client().get("/ocds/1.json").await.status, 404);
    bids_submitted(&s, &mut ink, None, plans).await;
    let (package, record) = ocds_valid(&s).await;
    assert_eq!(ocds_tags(&package), ["tender", "tenderAmendment"], "publication and NvI 1");
    let text = package.to_string();
    for (_, org, kvk, ..) in BIDDERS {
        assert!(!text.contains(org) && !text.contains(kvk), "no bidder before the award decision: {text}");
    }
    assert!(!text.contains("numberOfTenderers") && !text.contains("tenderer"), "not even how many bid: {text}");
    let t = &package["releases"][0]["tender"];
    assert_eq!(t["tenderPeriod"]["startDate"], "2023-05-17T07:00:00Z", "the tender's own clock");
    assert_eq!(t["contractPeriod"]["maxExtentDate"], "2033-12-31T23:59:59Z");
    assert_eq!(package["releases"][1]["tender"]["amendments"][0]["rationale"], "Nota van Inlichtingen 1");
    let buyers = package["releases"][0]["parties"].as_array().unwrap().iter().filter(|p| p["roles"].as_array().unwrap().contains(&"buyer".into())).count();
    assert_eq!(buyers, 6, "the six gemeenten buy together");
    assert_eq!(record["records"][0]["compiledRelease"]["tag"][0], "compiled");
    panel_ready(&s, &mut ink, &mut evs).await;
    let r = evs[0].post("/api/save_score", &[("id", "1"), ("plan", "K"), ("criterium", "K1"), ("niveau", "6"), ("motivering", "Voldoende uitgewerkt.")]).await;
    assert_eq!(r.status, 403, "no scoring before the evaluation phase: {}", r.body);

    open_bids(&s, &mut ink).await;
    let pv = json(&ok(&mut ink, "/api/opening_record", &[("id", "1")]).await);
    let commitment = pv["record"]["pseudoniemen"]["commitment"].as_str().unwrap().to_string();
    assert_eq!(pv["record"]["pseudoniemen"]["aantal"], "3");
    let r = ink.post_form("/api/change_phase", &[("id", "1"), ("to", "beoordeling")]).await;
    assert_eq!(r.status, 200, "{}", r.body);

    // The evaluators see pseudonyms only, and read the plans under them.
    let v = json(&evs[0].ok("/api/evaluation_view", &[("id", "1")]).await);
    let ps = pseudonyms(&v);
    assert_eq!(ps.len(), 3);
    assert!(ps.iter().all(|p| p.len() == 1 && p != "I" && p != "O"), "{ps:?}");
    let mut seen_plans = vec![];
    for p in &ps {
        let r = evs[0].get(&format!("/bestand/beoordeling/1/{p}/4")).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let cd = r.headers.get("content-disposition").unwrap().to_str().unwrap().to_string();
        assert_eq!(cd, format!("attachment; filename=\"Inschrijving-{p}-kwaliteitsplan-anoniem.pdf\""));
        seen_plans.push(r.body.clone());
    }
    let mut sorted = seen_plans.clone();
    sorted.sort();
    let mut expected: Vec<String> = plans.iter().map(|p| String::from_utf8_lossy(p).into_owned()).collect();
    expected.sort();
    assert_eq!(sorted, expected, "each pseudonym serves one of the plans");
    let r = ink.get("/bestand/beoordeling/1/ZZ/4").await;
    assert_eq!(r.status, 404);
    evs[0].crawl(&ps).await;

    // Individual scoring: nobody sees another's sheet before it is locked.
    score_all(&mut evs[0], &ps, &CRITERIA, "EEN-GEHEIM", |p, c| [8, 6, 4][p] - if c == 4 { 2 } else { 0 }).await;
    let r = evs[0].post("/api/save_score", &[("id", "1"), ("plan", &ps[0]), ("criterium", "K1"), ("niveau", "7"), ("motivering", "Geen niveau van de schaal.")]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let r = evs[0].post("/api/save_score", &[("id", "1"), ("plan", &ps[0]), ("criterium", "K1"), ("niveau", "8"), ("motivering", "ok")]).await;
    assert_eq!(r.status, 400, "a motivation is required: {}", r.body);
    assert!(r.body.contains("Motiveer"), "{}", r.body);
    for who in [1, 2] {
        let b = evs[who].ok("/api/evaluation_view", &[("id", "1")]).await;
        assert!(!b.body.contains("EEN-GEHEIM"), "an unlocked sheet leaked to evaluator {who}");
    }
    let b = ok(&mut ink, "/api/evaluation_view", &[("id", "1")]).await;
    assert!(!b.body.contains("EEN-GEHEIM"), "an unlocked sheet leaked to the inkoper");
    let export = ink.get("/export/audittrail.jsonl").await;
    assert!(!export.body.contains("EEN-GEHEIM"), "scores stay out of the audit trail until the consensus");
    let r = evs[1].post("/api/lock_sheet", &[("id", "1")]).await;
    assert_eq!(r.status, 409, "an empty sheet cannot be locked: {}", r.body);
    assert!(r.body.contains("nog niet compleet"), "{}", r.body);
    evs[0].ok("/api/lock_sheet", &[("id", "1")]).await;
    let r = evs[0].post("/api/save_score", &[("id", "1"), ("plan", &ps[0]), ("criterium", "K1"), ("niveau", "2"), ("motivering", "Toch anders bekeken.")]).await;
    assert_eq!(r.status, 409, "a locked sheet never changes: {}", r.body);
    let b = evs[1].ok("/api/evaluation_view", &[("id", "1")]).await;
    assert!(!b.body.contains("EEN-GEHEIM"), "still scoring: evaluator 2 does not see the locked sheet yet");
    score_all(&mut evs[1], &ps, &CRITERIA, "TWEE", |p, _| [6, 8, 8][p]).await;
    evs[1].ok("/api/lock_sheet", &[("id", "1")]).await;
    let b = evs[1].ok("/api/evaluation_view", &[("id", "1")]).await;
    assert!(b.body.contains("EEN-GEHEIM"), "after locking one's own, a colleague's locked sheet is visible");
    let b = evs[0].ok("/api/evaluation_view", &[("id", "1")]).await;
    assert!(b.body.contains("TWEE:"), "and the other way round");
    let r = evs[0].post("/api/open_consensus", &[("id", "1")]).await;
    assert_eq!(r.status, 409, "one sheet is still open: {}", r.body);
    assert!(r.body.contains("Beoordelaar 3 (demo)"), "{}", r.body);
    score_all(&mut evs[2], &ps, &CRITERIA, "DRIE", |p, _| [8, 6, 4][p]).await;
    evs[2].ok("/api/lock_sheet", &[("id", "1")]).await;
    evs[2].crawl(&ps).await;

    // Consensus: only the chair opens and records it.
    let r = evs[1].post("/api/open_consensus", &[("id", "1")]).await;
    assert_eq!(r.status, 403, "{}", r.body);
    evs[0].ok("/api/open_consensus", &[("id", "1")]).await;
    let v = json(&evs[0].ok("/api/evaluation_view", &[("id", "1")]).await);
    let cv = &v["consensus"];
    let agenda = cv["agenda"].as_array().unwrap();
    // Plan 3 on K5: 2, 8 and 4 are three steps apart, the largest disagreement.
    assert_eq!(agenda[0][0], format!("Inschrijving {}", ps[2]), "{agenda:?}");
    assert_eq!((agenda[0][1].as_str(), agenda[0][2].as_u64()), (Some("K5"), Some(3)), "{agenda:?}");
    let k1 = cv["cells"].as_array().unwrap().iter().find(|c| c["plan"] == ps[2].as_str() && c["criterion"] == "K1").unwrap();
    assert_eq!(k1["flagged"], true, "4, 8, 4 is two steps: discuss");
    let cell = cv["cells"].as_array().unwrap().iter().find(|c| c["plan"] == ps[0].as_str() && c["criterion"] == "K1").unwrap();
    assert_eq!(cell["scores"].as_array().unwrap().len(), 3);
    assert_eq!(cell["flagged"], false, "8, 6, 8 is one step");
    let k5 = cv["cells"].as_array().unwrap().iter().find(|c| c["plan"] == ps[0].as_str() && c["criterion"] == "K5").unwrap();
    assert_eq!(k5["flagged"], false, "6, 6, 8");
    // Outside the individual range needs a justification.
    let r = evs[0].post("/api/save_consensus", &[("id", "1"), ("plan", &ps[2]), ("criterium", "K1"), ("niveau", "10"), ("motivering", "Uitstekend bij nader inzien.")]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("buiten de individuele scores"), "{}", r.body);
    let r = evs[1].post("/api/save_consensus", &[("id", "1"), ("plan", &ps[0]), ("criterium", "K1"), ("niveau", "8"), ("motivering", "Goed uitgewerkt per school.")]).await;
    assert_eq!(r.status, 403, "only the chair: {}", r.body);
    for (pi, p) in ps.iter().enumerate() {
        for c in CRITERIA {
            let l = [8, 6, 4][pi].to_string();
            let m = if pi == 2 && c == "K2" {
                // Looks like a formula: a spreadsheet must keep it text.
                "=SOM(1;2) is geen formule: matig uitgewerkt voor de scholen.".to_string()
            } else {
                format!("Consensus {c}: niveau {l}, conform de omschrijving; concreet voor de scholen.")
            };
            let mut form = vec![("id", "1"), ("plan", p.as_str()), ("criterium", c), ("niveau", l.as_str()), ("motivering", m.as_str())];
            if pi == 1 {
                form.push(("toelichting", "Het panel kiest voor de middelste waardering."));
            }
            evs[0].ok("/api/save_consensus", &form).await;
        }
    }
    // Before the lock the inkoper sees no names in the evaluation and no ranking.
    let before = json(&ok(&mut ink, "/api/evaluation_view", &[("id", "1")]).await);
    assert!(before["result"].is_null());
    let (status, ..) = ink.get_bytes("/stukken/1/beoordelingsrapport.pdf").await;
    assert_eq!(status, 404, "no report before the consensus is locked");
    let (status, ..) = ink.get_bytes("/stukken/1/inschrijvingen.xlsx").await;
    assert_eq!(status, 404, "no bids list with names before the consensus is locked");
    let (status, ..) = ink.get_bytes("/stukken/1/consensus.xlsx").await;
    assert_eq!(status, 404, "the inkoper sees the consensus once it is locked");
    let x = xlsx_checked(&mut evs[0].c, "/stukken/1/consensus.xlsx").await;
    assert_eq!(x["sheets"][0]["name"], "Consensus (concept)", "the chair's draft: {x}");
    evs[0].ok("/api/lock_consensus", &[("id", "1")]).await;
    let r = evs[0].post("/api/save_consensus", &[("id", "1"), ("plan", &ps[0]), ("criterium", "K1"), ("niveau", "6"), ("motivering", "Toch iets lager.")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    for e in evs.iter_mut() {
        e.crawl(&ps).await;
    }

    // The lock resolved the pseudonyms: the revealed assignment matches the
    // commitment in the proces-verbaal.
    let export = ink.get("/export/audittrail.jsonl").await;
    let lines: Vec<Value> = export.body.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let resolved = lines.iter().find(|l| l["entry"]["action"] == "evaluation.pseudonyms_resolved").expect("resolution event");
    let payload = &resolved["payload"];
    let salt = payload["zout"].as_str().unwrap();
    let mut mapping: Vec<Value> = payload["toewijzing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| serde_json::json!({ "inschrijving": m["inschrijving"], "pseudoniem": m["pseudoniem"] }))
        .collect();
    mapping.sort_by_key(|m| m["inschrijving"].as_str().unwrap().to_string());
    let body = serde_jcs::to_string(&mapping).unwrap();
    let recomputed = hex::encode(Sha256::digest(format!("dialoog-pseudoniemen-v1\n{salt}\n{body}")));
    assert_eq!(recomputed, commitment, "the assignment revealed is the one committed at the opening");
    assert!(export.body.contains("EEN-GEHEIM"), "the individual sheets are in the trail after the consensus");

    let v = json(&ok(&mut ink, "/api/evaluation_view", &[("id", "1")]).await);
    let rows = v["result"]["rows"].as_array().unwrap();
    assert_eq!(rows[0]["rank"], 1);
    let winner_pseudonym = ps[0].clone();
    assert_eq!(rows[0]["pseudonym"], winner_pseudonym.as_str());
    assert_eq!(rows[0]["total"], "80,00", "8 on every criterion of 100 points");
    let winner = rows[0]["organisation"].as_str().unwrap().to_string();
    let second = rows[1]["organisation"].as_str().unwrap().to_string();
    // The evaluation report as a PDF of record (the buyer's side), and with
    // the individual sheets as an internal annex.
    let (_, text) = pdf_checked(&s, &mut ink, "/stukken/1/beoordelingsrapport.pdf").await;
    assert!(text.contains("Beoordelingsrapport en gunningsadvies") && text.contains(&format!("voorlopig te gunnen aan {winner}")), "{text}");
    assert!(text.contains(&second) && text.contains("80,00") && text.contains("voorzitter"), "{text}");
    assert!(text.contains(&commitment), "the pseudonym commitment ties the report to the opening: {text}");
    assert!(!text.contains("EEN-GEHEIM"), "no individual motivation outside the annex: {text}");
    let (_, text) = pdf_checked(&s, &mut ink, "/stukken/1/beoordelingsrapport-met-bijlage.pdf").await;
    assert!(text.contains("Intern document.") && text.contains("EEN-GEHEIM") && text.contains("individuele scoreformulieren"), "{text}");
    let (status, ..) = evs[0].c.get_bytes("/stukken/1/beoordelingsrapport.pdf").await;
    assert_eq!(status, 403, "the panel does not download the report with the names");
    let csv = ink.get("/export/beoordeling/1").await;
    assert_eq!(csv.status, 200);
    assert!(csv.body.starts_with('\u{feff}') && csv.body.contains("uitslag;1;Inschrijving") && csv.body.contains(&winner), "{}", csv.body);
    let individual = csv.body.lines().filter(|l| l.starts_with("individueel;")).count();
    let consensus = csv.body.lines().filter(|l| l.starts_with("consensus;;Inschrijving ")).count();
    assert!(individual >= consensus && consensus > 0, "every individual and consensus score is a row: {}", csv.body);

    // The same as spreadsheets: typed cells, a frozen header and filters.
    let x = xlsx_checked(&mut ink, "/stukken/1/scorematrix.xlsx").await;
    assert!(x["description"].as_str().unwrap().contains("Audittrail op het moment van maken"), "tied to the trail: {}", x["description"]);
    let sh = &x["sheets"][0];
    assert_eq!(sh["name"], "Individuele scores");
    let rows = sh["rows"].as_array().unwrap();
    assert_eq!(rows.len(), individual, "one row per individual score, as in the CSV");
    let (lvl, w) = (xlsx_col(sh, "Niveau"), xlsx_col(sh, "Gewicht"));
    assert!(rows.iter().all(|r| r[lvl][1] == "n" && r[w][1] == "n"), "levels and weights are numbers: {sh}");
    assert!(rows.iter().any(|r| r[xlsx_col(sh, "Motivering")][0].as_str().unwrap_or_default().contains("EEN-GEHEIM")), "{sh}");
    let x = xlsx_checked(&mut ink, "/stukken/1/consensus.xlsx").await;
    let sh = &x["sheets"][0];
    assert_eq!(sh["name"], "Consensus");
    assert_eq!(sh["rows"].as_array().unwrap().len(), consensus);
    let m = xlsx_col(sh, "Motivering");
    let formula = sh["rows"].as_array().unwrap().iter().find(|r| r[m][0].as_str().unwrap_or_default().starts_with("=SOM")).expect("the formula-looking motivation");
    assert_eq!(formula[m], serde_json::json!(["=SOM(1;2) is geen formule: matig uitgewerkt voor de scholen.", "s", true]), "text as typed, quote-prefixed, never a formula");
    let x = xlsx_checked(&mut ink, "/stukken/1/inschrijvingen.xlsx").await;
    let sh = &x["sheets"][0];
    let rows = sh["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "{sh}");
    assert_eq!(rows[0][xlsx_col(sh, "Plaats")], serde_json::json!([1, "n", false]));
    assert_eq!(rows[0][xlsx_col(sh, "Inschrijver")][0], winner.as_str());
    assert_eq!(rows[0][xlsx_col(sh, "Totaal")][0], 80.0);
    assert_eq!(rows[0][xlsx_col(sh, "Ontvangen (Nederlandse tijd)")][1], "d", "the receipt time is a date cell: {sh}");
    assert!(rows[0][xlsx_col(sh, "Ontvangen (Nederlandse tijd)")][0].as_str().unwrap().starts_with("2023-"), "on the tender's clock: {sh}");
    let (status, ..) = evs[0].c.get_bytes("/stukken/1/inschrijvingen.xlsx").await;
    assert_eq!(status, 403, "the panel does not download the bids list with the names");
    // The audit trail as a paged extract: the tender's events in order.
    let x = xlsx_checked(&mut ink, "/stukken/1/audittrail.xlsx").await;
    let sh = &x["sheets"][0];
    assert_eq!(sh["name"], "Deel 1 van 1");
    let rows = sh["rows"].as_array().unwrap();
    let export = ink.get("/export/audittrail.jsonl").await;
    let of_tender: Vec<Value> = export.body.lines().skip(1).map(|l| serde_json::from_str::<Value>(l).unwrap()).filter(|l| l["entry"]["tender"] == "1").collect();
    assert_eq!(rows.len(), of_tender.len(), "every event of the tender, one row each");
    let (seq, hash, time) = (xlsx_col(sh, "Volgnummer"), xlsx_col(sh, "Hash"), xlsx_col(sh, "Tijdstip (Nederlandse tijd)"));
    for (r, l) in rows.iter().zip(&of_tender) {
        assert_eq!((r[seq][1].as_str(), r[time][1].as_str()), (Some("n"), Some("d")), "{r:?}");
        assert_eq!(r[hash][0], l["hash"], "{r:?}");
    }
    for (q, status) in [("?deel=2", 404), ("?deel=0", 400), ("?deel=een", 400)] {
        let (got, _, body) = ink.get_bytes(&format!("/stukken/1/audittrail.xlsx{q}")).await;
        assert_eq!(got, status, "{q}: {}", String::from_utf8_lossy(&body));
    }

    // The award decision: refused while a letter lacks a part, then sent to all at once.
    ok(&mut ink, "/api/change_phase", &[("id", "1"), ("to", "gunningsvoornemen")]).await;
    ok(&mut ink, "/api/set_training_clock", &[("id", "1"), ("tijd", "2023-10-06T15:00")]).await;
    let r = ink.post_form("/api/send_award_decision", &[("id", "1")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("relatieve voordelen"), "{}", r.body);
    let (status, ..) = ink.get_bytes("/stukken/1/aankondiging-can-social.xml").await;
    assert_eq!(status, 404, "no award notice before the gunningsbeslissing");
    eforms_valid(&mut ink, "/stukken/1/aankondiging-cn-social.xml").await;
    let (status, _, body) = ink.get_bytes("/stukken/1/gunningsbeslissing.pdf").await;
    assert_eq!(status, 404, "no letters before they are sent");
    assert!(String::from_utf8_lossy(&body).contains("nog geen gunningsbeslissing verzonden"));
    let d = json(&ok(&mut ink, "/api/decision_view", &[("id", "1")]).await);
    assert_eq!(d["Buyer"]["ready"], false);
    assert_eq!(d["Buyer"]["standstill"]["ends"], "27-10-2023 00:00 (+02:00)");
    ok(&mut ink, "/api/save_advantages", &[("id", "1"), ("tekst", "Het winnende plan zet op **elke school** een vaste coach in en begint direct met preventie.")]).await;
    let r = ok(&mut ink, "/api/send_award_decision", &[("id", "1")]).await;
    assert!(r.body.contains("27-10-2023 00:00 (+02:00)"), "{}", r.body);
    let r = ink.post_form("/api/send_award_decision", &[("id", "1")]).await;
    assert_eq!(r.status, 403, "not twice (the phase moved on): {}", r.body);
    let page = ink.get("/aanbesteding/1/documenten").await;
    assert!(page.body.contains("27-10-2023 00:00 (+02:00)"), "the end of the standstill is on every page of the tender");
    let (package, _) = ocds_valid(&s).await;
    assert_eq!(ocds_tags(&package), ["tender", "tenderAmendment", "award"]);
    let award = &package["releases"][2]["awards"][0];
    assert_eq!(award["status"], "pending", "during the standstill");
    assert_eq!(award["suppliers"][0]["name"], winner.as_str());
    assert_eq!(package["releases"][2]["tender"]["numberOfTenderers"], 3);
    assert!(package["releases"][0].to_string().find(&winner).is_none(), "the earlier release stays as it was");

    // Every bidder reads its own letter; nobody reads another's.
    for (login, org, ..) in BIDDERS {
        let mut a = s.login(login).await;
        let l = json(&ok(&mut a, "/api/decision_view", &[("id", "1")]).await);
        let html = l["Bidder"]["html"].as_str().unwrap();
        assert!(html.contains(&winner) || org == winner, "{html}");
        assert!(html.contains("27 oktober 2023") && html.contains("elke school"), "{html}");
        assert!(html.contains("Motivering per criterium"), "{html}");
        for (_, other, ..) in BIDDERS {
            if other != org && other != winner {
                assert!(!html.contains(other), "{login}'s letter names another loser {other}");
            }
        }
        let inbox = ok(&mut a, "/api/inbox", &[]).await;
        assert!(inbox.body.contains("Gunningsbeslissing"), "{}", inbox.body);
        // The letter as a PDF of record: its own letter only, with the
        // fingerprint of the text that was sent.
        let (_, text) = pdf_checked(&s, &mut a, "/stukken/1/gunningsbeslissing.pdf").await;
        assert_eq!(text.matches("Brief aan ").count(), 1, "{text}");
        assert!(text.contains(&format!("Brief aan {org}")) && text.contains(l["Bidder"]["sha256"].as_str().unwrap()), "{text}");
        assert!(text.contains("Motivering per criterium") && text.contains("elke school"), "{text}");
        assert!(text.contains("Vastgelegd in de audittrail als gebeurtenis"), "{text}");
        for (_, other, ..) in BIDDERS {
            if other != org && other != winner {
                assert!(!text.contains(other), "{login}'s letter names another loser {other}");
            }
        }
    }
    let (pages, text) = pdf_checked(&s, &mut ink, "/stukken/1/gunningsbeslissing.pdf").await;
    assert_eq!(text.matches("Brief aan ").count(), 3, "every letter: {text}");
    assert!(pages >= 3, "each letter on its own pages: {pages}");
    let mut gemeente = s.login("gemeente-alkmaar").await;
    let (status, ..) = gemeente.get_bytes("/stukken/1/gunningsbeslissing.pdf").await;
    assert_eq!(status, 403, "a gemeente does not read the letters");
    let d = json(&ok(&mut ink, "/api/decision_view", &[("id", "1")]).await);
    assert!(d["Buyer"]["letters"].as_array().unwrap().iter().all(|l| l["read"].is_string()), "the reads are recorded");
    let (code, out, _) = run(&mut s.command(&["outbox"]));
    assert_eq!(code, 0);
    assert!(out.contains("[Dialoog] Gunningsbeslissing") && out.contains("aanbieder3@example.org"), "{out}");

    // No signing during the standstill, nor while suspended by a kort geding.
    let mut alkmaar = s.login("gemeente-alkmaar").await;
    let r = alkmaar.post_form("/api/sign_gemeente", &[("id", "1"), ("gemeente", "alkmaar")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("standstilltermijn") && r.body.contains("27-10-2023"), "{}", r.body);
    ok(&mut ink, "/api/set_training_clock", &[("id", "1"), ("tijd", "2023-10-20T10:00")]).await;
    let r = ink
        .post_form("/api/register_objection", &[
            ("id", "1"), ("soort", "kort_geding"), ("ingediend_door", "  "), ("ontvangen", "2023-10-20T09:30"), ("omschrijving", "Dagvaarding."),
        ])
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("De naam van de indiener is leeg."), "{}", r.body);
    let p = json(&ok(&mut ink, "/api/procedure_view", &[("id", "1")]).await);
    assert_eq!(p["phase"], "standstill", "a refused objection changes nothing");
    ok(&mut ink, "/api/register_objection", &[
        ("id", "1"), ("soort", "kort_geding"), ("ingediend_door", &second), ("ontvangen", "2023-10-20T09:30"),
        ("omschrijving", "Dagvaarding: de motivering op K2 zou onvoldoende zijn."),
    ])
    .await;
    let p = json(&ok(&mut ink, "/api/procedure_view", &[("id", "1")]).await);
    assert_eq!(p["phase"], "opgeschort");
    ok(&mut ink, "/api/set_training_clock", &[("id", "1"), ("tijd", "2023-11-01T10:00")]).await;
    let r = alkmaar.post_form("/api/sign_gemeente", &[("id", "1"), ("gemeente", "alkmaar")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("opgeschort"), "{}", r.body);
    let d = json(&ok(&mut ink, "/api/decision_view", &[("id", "1")]).await);
    let oid = d["Buyer"]["objections"][0]["id"].to_string();
    ok(&mut ink, "/api/decide_objection", &[("id", "1"), ("bezwaar", &oid), ("uitkomst", "hervat"), ("toelichting", "Vonnis 1 november 2023: vorderingen afgewezen.")]).await;
    let p = json(&ok(&mut ink, "/api/procedure_view", &[("id", "1")]).await);
    assert_eq!(p["phase"], "standstill");
    ok(&mut ink, "/api/change_phase", &[("id", "1"), ("to", "gegund")]).await;

    // Signing: two gemeenten sign themselves, one withdraws, the inkoper signs for the rest.
    let mut bergen = s.login("gemeente-bergen").await;
    ok(&mut bergen, "/api/withdraw_gemeente", &[("id", "1"), ("gemeente", "bergen"), ("reden", "Eigen inkoop"), ("besluit", "B&W 2023/201")]).await;
    ok(&mut alkmaar, "/api/sign_gemeente", &[("id", "1"), ("gemeente", "alkmaar")]).await;
    let mut heiloo = s.login("gemeente-heiloo").await;
    ok(&mut heiloo, "/api/sign_gemeente", &[("id", "1"), ("gemeente", "heiloo")]).await;
    let r = alkmaar.post_form("/api/withdraw_gemeente", &[("id", "1"), ("gemeente", "alkmaar"), ("reden", "Toch niet"), ("besluit", "B&W 2023/300")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("al ondertekend"), "{}", r.body);
    let c = json(&ok(&mut ink, "/api/contract_view", &[("id", "1")]).await);
    assert_eq!(c["exists"], false, "three gemeenten have not signed yet");
    for g in ["castricum", "dijk-en-waard", "uitgeest"] {
        ok(&mut ink, "/api/sign_gemeente", &[("id", "1"), ("gemeente", g)]).await;
    }
    let c = json(&ok(&mut ink, "/api/contract_view", &[("id", "1")]).await);
    assert_eq!(c["exists"], true, "{c}");
    assert_eq!(c["provider"], winner.as_str());
    let parties: Vec<&str> = c["signed"].as_array().unwrap().iter().map(|x| x[0].as_str().unwrap()).collect();
    assert_eq!(parties, ["Alkmaar", "Castricum", "Dijk en Waard", "Heiloo", "Uitgeest"]);
    assert_eq!(c["withdrawn"][0][0], "Bergen (NH)");
    assert_eq!(c["term"]["contract_start"], "1 januari 2024");
    assert_eq!(c["term"]["current_end"], "31 december 2030");
    assert_eq!(c["term"]["max_end"], "31 december 2033");
    assert_eq!(c["term"]["next_deadline"], "30 juni 2030");
    let (package, _) = ocds_valid(&s).await;
    assert_eq!(ocds_tags(&package), ["tender", "tenderAmendment", "award", "contract"]);
    let contract = &package["releases"][3]["contracts"][0];
    assert_eq!(contract["period"]["endDate"], "2030-12-31T23:59:59Z");
    assert_eq!(contract["period"]["maxExtentDate"], "2033-12-31T23:59:59Z");
    assert_eq!(package["releases"][3]["awards"][0]["status"], "active");
    let buyers: Vec<&str> = package["releases"][3]["parties"].as_array().unwrap().iter()
        .filter(|p| p["roles"].as_array().unwrap().contains(&"buyer".into())).map(|p| p["name"].as_str().unwrap()).collect();
    assert!(!buyers.contains(&"Bergen (NH)"), "a gemeente that withdrew is no buyer of the contract: {buyers:?}");

    // The options: in order, then the end moves.
    let r = ink.post_form("/api/decide_option", &[("id", "1"), ("optie", "1"), ("besluit", "uitoefenen"), ("kenmerk", " ")]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("Het kenmerk van het besluit over de optie is leeg."), "{}", r.body);
    let r = ink.post_form("/api/decide_option", &[("id", "1"), ("optie", "2"), ("besluit", "uitoefenen"), ("kenmerk", "B&W 2030/1")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("volgorde"), "{}", r.body);
    let r = ok(&mut ink, "/api/decide_option", &[("id", "1"), ("optie", "1"), ("besluit", "uitoefenen"), ("kenmerk", "B&W 2030/1")]).await;
    assert!(r.body.contains("31 december 2031"), "{}", r.body);
    let c = json(&ok(&mut ink, "/api/contract_view", &[("id", "1")]).await);
    assert_eq!(c["term"]["current_end"], "31 december 2031");
    assert_eq!(c["term"]["next_deadline"], "30 juni 2031");
    assert_eq!(c["term"]["options"][0][4], "uitgeoefend");
    let r = ink.post_form("/api/decide_option", &[("id", "1"), ("optie", "1"), ("besluit", "uitoefenen"), ("kenmerk", "B&W 2030/2")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    // The contract summary as a PDF of record, for the inkoper and the gemeenten.
    let (_, text) = pdf_checked(&s, &mut ink, "/stukken/1/contractoverzicht.pdf").await;
    assert!(text.contains("Contractoverzicht") && text.contains(&format!("Opdrachtnemer {winner}")), "{text}");
    assert!(text.contains("Bergen (NH)") && text.contains("Eigen inkoop") && text.contains("Heiloo"), "{text}");
    assert!(text.contains("Huidige einddatum 31 december 2031") && text.contains("31 december 2033"), "{text}");
    assert!(text.contains("uitgeoefend") && text.contains("B&W 2030/1"), "{text}");
    assert!(text.contains("Audittrail op dat moment"), "{text}");
    let (_, text) = pdf_checked(&s, &mut heiloo, "/stukken/1/contractoverzicht.pdf").await;
    assert!(text.contains("B&W 2030/1") && !text.contains("gebeurtenissen"), "a gemeente's copy names its event: {text}");
    let (status, ..) = evs[0].c.get_bytes("/stukken/1/contractoverzicht.pdf").await;
    assert_eq!(status, 403, "not the evaluators'");
    let (package, _) = ocds_valid(&s).await;
    assert_eq!(ocds_tags(&package), ["tender", "tenderAmendment", "award", "contract", "contractAmendment"]);
    let contract = &package["releases"][4]["contracts"][0];
    assert_eq!(contract["period"]["endDate"], "2031-12-31T23:59:59Z");
    assert_eq!(contract["amendments"][0]["id"], "optie-1");
    assert!(contract["amendments"][0]["description"].as_str().unwrap().contains("B&W 2030/1"));

    // The notices for TenderNed: every one valid eForms, field by field on the page.
    let cn = eforms_valid(&mut ink, "/stukken/1/aankondiging-cn-social.xml").await;
    assert!(cn.contains(">cn-social<") && cn.contains(">20<") && cn.contains("Gemeente Heiloo"), "{cn}");
    assert!(cn.contains("<!-- Gemaakt met Dialoog op ") && cn.contains("Audittrail op het moment van maken"), "{cn}");
    assert!(cn.contains("<cbc:EndDate>2023-06-30+02:00</cbc:EndDate>") && cn.contains("<cbc:EndTime>12:00:00+02:00</cbc:EndTime>"), "BT-131: {cn}");
    assert!(cn.contains("<cbc:MaximumNumberNumeric>3</cbc:MaximumNumberNumeric>") && cn.contains("<cbc:StartDate>2024-01-01+01:00</cbc:StartDate>"), "{cn}");
    let can = eforms_valid(&mut ink, "/stukken/1/aankondiging-can-social.xml").await;
    assert!(can.contains(">can-social<") && can.contains(">selec-w<") && can.contains(&winner) && can.contains("<efbc:StatisticsNumeric>3</efbc:StatisticsNumeric>"), "{can}");
    let modif = eforms_valid(&mut ink, "/stukken/1/aankondiging-can-modif-1.xml").await;
    assert!(modif.contains(">can-modif<") && modif.contains(">mod-revcl<") && modif.contains("<cbc:EndDate>2031-12-31+01:00</cbc:EndDate>") && modif.contains("B&amp;W 2030/1"), "{modif}");
    let (status, ..) = ink.get_bytes("/stukken/1/aankondiging-can-modif-2.xml").await;
    assert_eq!(status, 404, "option 2 was not exercised");
    let v = json(&ok(&mut ink, "/api/notices_view", &[("id", "1")]).await);
    let notices = v["notices"].as_array().unwrap();
    assert_eq!(notices.iter().map(|n| n["code"].as_str().unwrap()).collect::<Vec<_>>(), ["cn-social", "can-social", "can-modif"]);
    let field = |n: usize, bt: &str| notices[n]["fields"].as_array().unwrap().iter().find(|f| f["bt"].as_str().unwrap().starts_with(bt)).cloned().unwrap_or_else(|| panic!("{bt}: {v}"));
    assert_eq!(field(0, "BT-131")["value"], "30-06-2023 12:00 (+02:00)");
    assert_eq!(field(0, "BT-58")["value"], "3");
    assert!(field(0, "BT-105")["note"].as_str().unwrap().contains("geen eigen code"), "an uncertain mapping says so");
    assert!(field(0, "BT-501")["note"].as_str().unwrap().contains("Niet vastgelegd"), "what Dialoog does not know says so");
    assert!(field(0, "BT-262")["note"].as_str().unwrap().contains("geen (geldige) CPV-code"), "the seeded tender records no CPV code: {v}");
    assert_eq!(field(1, "BT-500 (winnaar)")["value"], winner.as_str());
    let page = ink.get("/aanbesteding/1/aankondigingen").await;
    assert!(page.body.contains("Aankondigingen voor TenderNed") && page.body.contains("aankondiging-can-modif-1.xml"), "{}", page.body);
    let (status, ..) = heiloo.get_bytes("/stukken/1/aankondiging-cn-social.xml").await;
    assert_eq!(status, 403, "the notices are the buyer's team's");

    // The dossier: everything above in one ZIP, checked from its contents only.
    dossier_checked(&s, &mut ink, &winner).await;
    let mut waarnemer = s.login("waarnemer1").await;
    let (status, ..) = waarnemer.get_bytes("/stukken/1/dossier.zip").await;
    assert_eq!(status, 200, "the waarnemer downloads the dossier too");
    let (status, ..) = heiloo.get_bytes("/stukken/1/dossier.zip").await;
    assert_eq!(status, 403, "not a gemeente's");

    // The evaluators saw nothing of who the bidders are, in any response.
    for e in evs.iter_mut() {
        e.crawl(&ps).await;
    }
    let forbidden = forbidden_strings();
    let mut responses = 0;
    for (i, e) in evs.iter().enumerate() {
        for seen in &e.seen {
            responses += 1;
            for f in &forbidden {
                assert!(!seen.contains(f.as_str()), "evaluator {} received '{f}' in:\n{}", i + 1, &seen[..seen.len().min(600)]);
            }
        }
    }
    assert!(responses > 300, "the scan covered {responses} responses");

    // One clock: no page or answer of the training tender shows today's real
    // date, for any role (its own timeline runs from 2023; the real instants
    // stay in the audit trail only).
    let mut readers = vec![("inkoper1", ink), ("waarnemer1", s.login("waarnemer1").await), ("gemeente-heiloo", heiloo)];
    readers.push(("aanbieder1", s.login("aanbieder1").await));
    readers.push(("beoordelaar1", s.login("beoordelaar1").await));
    let real_dates = real_dates_now();
    let mut scanned = 0;
    for (who, c) in readers.iter_mut() {
        for p in [
            "/", "/aanbesteding/1", "/aanbesteding/1/documenten", "/aanbesteding/1/gemeenten", "/aanbesteding/1/gunningsmethode",
            "/aanbesteding/1/vragen", "/aanbesteding/1/dialoog", "/aanbesteding/1/inschrijving", "/aanbesteding/1/opening",
            "/aanbesteding/1/beoordeling", "/aanbesteding/1/gunning", "/aanbesteding/1/contract", "/aanbesteding/1/e-mail",
            "/aanbesteding/1/aankondigingen", "/aanbesteding/1/team", "/aanbesteding/1/opzet", "/berichten",
        ] {
            let r = c.get(p).await;
            scanned += 1;
            for d in &real_dates {
                assert!(!r.body.contains(d.as_str()), "{who} sees today's real date {d} on {p}: {}", around(&r.body, d));
            }
        }
        for f in [
            "dashboard", "tender_overview", "procedure_view", "tender_banner", "buyers_view", "documents_view", "nvi_view", "dialogue_view",
            "bid_view", "opening_view", "opening_record", "evaluation_view", "decision_view", "contract_view", "notices_view", "tender_mail",
        ] {
            let r = c.post_form(&format!("/api/{f}"), &[("id", "1")]).await;
            scanned += 1;
            for d in &real_dates {
                assert!(!r.body.contains(d.as_str()), "{who} gets today's real date {d} from {f}: {}", around(&r.body, d));
            }
        }
        let inbox = c.post_form("/api/inbox", &[]).await;
        for d in &real_dates {
            assert!(!inbox.body.contains(d.as_str()), "{who}'s messages carry today's real date {d}: {}", around(&inbox.body, d));
        }
    }
    assert!(scanned > 150, "{scanned}");
    let mut ink = readers.swap_remove(0).1;

    // The audit trail is intact after all of this.
    let export = ink.get("/export/audittrail.jsonl").await;
    let path = s.dir.path().join("export.jsonl");
    std::fs::write(&path, export.body.as_bytes()).unwrap();
    let (code, out, err) = run(&mut s.command(&["audit", "verify", path.to_str().unwrap()]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("INTACT"), "{out}");
}

#[tokio::test]
async fn prices_stay_sealed_until_the_consensus_is_locked_and_a_plan_naming_its_bidder_is_flagged() {
    let s = Server::start().await;
    let mut ink = s.login("inkoper1").await;
    // The third plan carries its bidder's KvK number in its metadata.
    let plans: [&[u8]; 3] = [b"%PDF plan een", b"%PDF plan twee", b"%PDF /Author (KvK 90000003) plan drie"];
    let mut evs = vec![];
    for u in ["beoordelaar1", "beoordelaar2", "beoordelaar3"] {
        evs.push(Recorded { c: s.login(u).await, seen: vec![] });
    }
    bids_submitted(&s, &mut ink, Some(["1.000.000", "1.250.000", "900.000"]), plans).await;
    panel_ready(&s, &mut ink, &mut evs).await;
    open_bids(&s, &mut ink).await;
    ok(&mut ink, "/api/change_phase", &[("id", "1"), ("to", "beoordeling")]).await;

    // Envelope 3 is sealed, also for the inkoper who opened the bids; its hash says nothing.
    let pv = json(&ok(&mut ink, "/api/opening_record", &[("id", "1")]).await);
    let mut price_parts = vec![];
    for b in pv["bids"].as_array().unwrap() {
        for p in b["parts"].as_array().unwrap() {
            if p["envelope"] == "3" {
                price_parts.push(p["id"].as_i64().unwrap());
            }
        }
    }
    assert_eq!(price_parts.len(), 3);
    for pid in &price_parts {
        let r = ink.get(&format!("/bestand/inschrijving/1/{pid}")).await;
        assert_eq!(r.status, 403, "{}", r.body);
        assert!(r.body.contains("verzegeld"), "{}", r.body);
    }
    let export = ink.get("/export/audittrail.jsonl").await;
    for cents in ["100000000", "125000000", "90000000"] {
        assert!(!export.body.contains(cents), "a price leaked into the audit trail before the consensus");
    }

    // The check at the opening flagged the plan with the KvK number.
    let v = json(&ok(&mut ink, "/api/evaluation_view", &[("id", "1")]).await);
    let flagged: Vec<&Value> = v["plans"].as_array().unwrap().iter().filter(|p| p["flag_open"] == true).collect();
    assert_eq!(flagged.len(), 1, "{v}");
    let bad = flagged[0]["pseudonym"].as_str().unwrap().to_string();
    let flag = &flagged[0]["flags"][0];
    assert_eq!(flag["by_system"], true);
    assert!(flag["note"].as_str().unwrap().contains("KvK-nummer"), "{flag}");
    let r = evs[0].get(&format!("/bestand/beoordeling/1/{bad}/4")).await;
    assert_eq!(r.status, 409, "a flagged plan waits for the inkoper: {}", r.body);
    let r = evs[0].post("/api/lock_sheet", &[("id", "1")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    // An evaluator sees that a flag is open, not its text.
    let ev_view = json(&evs[1].ok("/api/evaluation_view", &[("id", "1")]).await);
    let p = ev_view["plans"].as_array().unwrap().iter().find(|p| p["pseudonym"] == bad.as_str()).unwrap();
    assert!(p["flags"][0]["note"].is_null(), "{p}");
    let flag_id = flag["id"].to_string();
    ok(&mut ink, "/api/decide_flag", &[("id", "1"), ("melding", &flag_id), ("besluit", "ongeldig"), ("motivering", "Het plan noemt het KvK-nummer van de inschrijver; volgens de leidraad §4 ongeldig.")]).await;

    // An evaluator also reports a plan; the inkoper lets the evaluation go on.
    let ps: Vec<String> = pseudonyms(&ev_view).into_iter().filter(|p| *p != bad).collect();
    evs[1].ok("/api/flag_plan", &[("id", "1"), ("plan", &ps[0]), ("melding", "Het logo op de voorkant lijkt op een bekend merk.")]).await;
    let v = json(&ok(&mut ink, "/api/evaluation_view", &[("id", "1")]).await);
    let f = v["plans"].as_array().unwrap().iter().find(|p| p["pseudonym"] == ps[0].as_str()).unwrap()["flags"][0]["id"].to_string();
    ok(&mut ink, "/api/decide_flag", &[("id", "1"), ("melding", &f), ("besluit", "doorgaan"), ("motivering", "Het logo is generiek en niet herleidbaar.")]).await;

    // Score the two valid plans the same on quality: price decides.
    for e in evs.iter_mut() {
        score_all(e, &ps, &["K1", "K2"], "SCORE", |_, _| 8).await;
        e.ok("/api/lock_sheet", &[("id", "1")]).await;
    }
    evs[0].ok("/api/open_consensus", &[("id", "1")]).await;
    for p in &ps {
        for c in ["K1", "K2"] {
            evs[0].ok("/api/save_consensus", &[("id", "1"), ("plan", p), ("criterium", c), ("niveau", "8"), ("motivering", "Goed uitgewerkt, concreet per school.")]).await;
        }
    }
    for pid in &price_parts {
        assert_eq!(ink.get(&format!("/bestand/inschrijving/1/{pid}")).await.status, 403, "still sealed before the lock");
    }
    // A flag raised during the consensus holds the lock until the inkoper decides.
    evs[2].ok("/api/flag_plan", &[("id", "1"), ("plan", &ps[1]), ("melding", "Bij nader inzien: de bijlage noemt een adres.")]).await;
    let r = evs[0].post("/api/lock_consensus", &[("id", "1")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("melding"), "{}", r.body);
    let v = json(&ok(&mut ink, "/api/evaluation_view", &[("id", "1")]).await);
    let f = v["plans"].as_array().unwrap().iter().find(|p| p["pseudonym"] == ps[1].as_str()).unwrap()["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["decision"] == "open")
        .unwrap()["id"]
        .to_string();
    ok(&mut ink, "/api/decide_flag", &[("id", "1"), ("melding", &f), ("besluit", "doorgaan"), ("motivering", "Een algemeen adres van een school, niet van de inschrijver.")]).await;
    evs[0].ok("/api/lock_consensus", &[("id", "1")]).await;
    let mut amounts = vec![];
    for pid in &price_parts {
        let r = ink.get(&format!("/bestand/inschrijving/1/{pid}")).await;
        assert_eq!(r.status, 200, "{}", r.body);
        amounts.push(r.body.clone());
    }
    assert!(amounts.iter().any(|a| a.contains("000000100000000")), "{amounts:?}");

    // Relative price, 40 points: EUR 1,000,000 scores 40, EUR 1,250,000 scores 32.
    let v = json(&ok(&mut ink, "/api/evaluation_view", &[("id", "1")]).await);
    let rows = v["result"]["rows"].as_array().unwrap();
    assert_eq!(rows[0]["price"], "EUR 1.000.000,00");
    assert_eq!(rows[0]["price_points"], "40,00");
    assert_eq!(rows[0]["total"], "88,00");
    assert_eq!(rows[1]["price"], "EUR 1.250.000,00");
    assert_eq!(rows[1]["price_points"], "32,00");
    assert_eq!(rows[2]["status"], "ongeldig");
    assert_eq!(rows[2]["price"], "EUR 900.000,00", "an invalid bid's price does not set the best price");

    // The excluded bidder's letter says why.
    ok(&mut ink, "/api/change_phase", &[("id", "1"), ("to", "gunningsvoornemen")]).await;
    ok(&mut ink, "/api/save_advantages", &[("id", "1"), ("tekst", "Gelijke kwaliteit tegen de laagste prijs.")]).await;
    ok(&mut ink, "/api/send_award_decision", &[("id", "1")]).await;
    let mut a3 = s.login("aanbieder3").await;
    let l = json(&ok(&mut a3, "/api/decision_view", &[("id", "1")]).await);
    let html = l["Bidder"]["html"].as_str().unwrap();
    assert!(html.contains("ongeldig verklaard") && html.contains("leidraad §4"), "{html}");

    let forbidden = forbidden_strings();
    for e in evs.iter_mut() {
        e.crawl(&ps).await;
        for seen in &e.seen {
            for f in &forbidden {
                assert!(!seen.contains(f.as_str()), "an evaluator received '{f}' in:\n{}", &seen[..seen.len().min(600)]);
            }
        }
    }
}

#[tokio::test]
async fn the_panel_is_appointed_checked_and_replaced_by_the_inkoper() {
    let s = Server::start().await;
    let mut ink = s.login("inkoper1").await;
    ok(&mut ink, "/api/appoint_evaluator", &[("id", "1"), ("gebruikersnaam", "beoordelaar1"), ("voorzitter", "ja")]).await;
    let r = ink.post_form("/api/appoint_evaluator", &[("id", "1"), ("gebruikersnaam", "beoordelaar1")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    let r = ink.post_form("/api/appoint_evaluator", &[("id", "1"), ("gebruikersnaam", "nieuwe-beoordelaar")]).await;
    assert_eq!(r.status, 404, "an unknown account needs a name and an e-mail address: {}", r.body);
    let r = ink.post_form("/api/appoint_evaluator", &[("id", "1"), ("gebruikersnaam", "nieuwe-beoordelaar"), ("naam", "N. Beoordelaar"), ("email", "geen-adres")]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    // A new account is invited: nobody but its owner sees a password.
    let r = ok(&mut ink, "/api/appoint_evaluator", &[
        ("id", "1"), ("gebruikersnaam", "nieuwe-beoordelaar"), ("naam", "Nieuwe Beoordelaar"), ("email", "nieuw@alkmaar.example"),
    ])
    .await;
    assert_eq!(r.body.trim(), "true", "an invitation went out");
    let token = s.invitation_token("nieuw@alkmaar.example");
    let mut new = s.client();
    let r = new.post_form("/api/login", &[("username", "nieuwe-beoordelaar"), ("password", "")]).await;
    assert_eq!(r.status, 400, "no password before the invitation is accepted: {}", r.body);
    ok(&mut new, "/api/accept_invitation", &[("t", &token), ("new_password", "mijn eigen zin van woorden"), ("repeat", "mijn eigen zin van woorden")]).await;
    let r = new.post_form("/api/evaluation_view", &[("id", "1")]).await;
    assert_eq!(r.status, 200, "the invitee is in, on the panel: {}", r.body);
    assert!(r.body.contains("\"me\":{"), "{}", r.body);

    let mut b1 = s.login("beoordelaar1").await;
    let r = b1.post_form("/api/sign_declaration", &[("id", "1"), ("belangen", "geen")]).await;
    assert_eq!(r.status, 400, "the box must be ticked: {}", r.body);
    ok(&mut b1, "/api/sign_declaration", &[("id", "1"), ("belangen", "Tot 2022 in dienst van Jeugdhulp Kennemerland."), ("akkoord", "ja")]).await;
    let r = b1.post_form("/api/check_declaration", &[("id", "1"), ("beoordelaar", "1"), ("uitkomst", "geen_conflict")]).await;
    assert_eq!(r.status, 403, "an evaluator does not check declarations: {}", r.body);
    let v = json(&ok(&mut ink, "/api/evaluation_view", &[("id", "1")]).await);
    let b1_id = v["panel"][0]["id"].to_string();
    assert_eq!(v["panel"][0]["interests"], "Tot 2022 in dienst van Jeugdhulp Kennemerland.");
    let r = ink.post_form("/api/check_declaration", &[("id", "1"), ("beoordelaar", &b1_id), ("uitkomst", "geen_conflict")]).await;
    assert_eq!(r.status, 409, "who appointed does not check: {}", r.body);
    assert!(r.body.contains("andere inkoper"), "{}", r.body);
    let mut ink2 = s.login("inkoper2").await;
    let r = ink2.post_form("/api/check_declaration", &[("id", "1"), ("beoordelaar", &b1_id), ("uitkomst", "conflict")]).await;
    assert_eq!(r.status, 400, "a conflict needs a description: {}", r.body);
    ok(&mut ink2, "/api/check_declaration", &[("id", "1"), ("beoordelaar", &b1_id), ("uitkomst", "conflict"), ("toelichting", "Recent dienstverband bij een inschrijver.")]).await;
    let r = ok(&mut b1, "/api/evaluation_view", &[("id", "1")]).await;
    assert!(r.body.contains("\"check\":\"conflict\""), "{}", r.body);
    // Replaced: the chair passes to the replacement.
    ok(&mut ink, "/api/replace_evaluator", &[("id", "1"), ("beoordelaar", &b1_id), ("reden", "Belangenconflict"), ("gebruikersnaam", "beoordelaar2")]).await;
    let v = json(&ok(&mut ink, "/api/evaluation_view", &[("id", "1")]).await);
    let panel = v["panel"].as_array().unwrap();
    let b2 = panel.iter().find(|p| p["username"] == "beoordelaar2").unwrap();
    assert_eq!(b2["chair"], true);
    let old = panel.iter().find(|p| p["username"] == "beoordelaar1").unwrap();
    assert_eq!(old["active"], false);
    let r = b1.post_form("/api/evaluation_view", &[("id", "1")]).await;
    assert!(r.body.contains("\"me\":null"), "a replaced evaluator is no longer on the panel: {}", r.body);
    // The replacement of a replaced evaluator is refused, and so is a second chair change once consensus is open (not here).
    let r = ink.post_form("/api/replace_evaluator", &[("id", "1"), ("beoordelaar", &b1_id), ("reden", "x"), ("gebruikersnaam", "beoordelaar3")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    // Every step is in the audit trail.
    let export = ink.get("/export/audittrail.jsonl").await;
    for action in ["evaluation.evaluator_appointed", "evaluation.declaration_signed", "evaluation.declaration_checked", "evaluation.evaluator_replaced"] {
        assert!(export.body.contains(action), "{action}");
    }
}

/// Downloads the dossier as `c`, unpacks it with `unzip` and checks it from
/// its contents only: every file against SHA256SUMS, the audit trail with
/// `dialoog audit verify` against the signed checkpoint and key in it, the
/// documents of record and spreadsheets with real readers; and its own
/// SHA-256 is in the trail as the event of the download.
async fn dossier_checked(s: &Server, c: &mut Client, winner: &str) {
    let (status, headers, zip) = c.get_bytes("/stukken/1/dossier.zip").await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&zip));
    assert_eq!(headers.get("content-type").unwrap(), "application/zip");
    assert_eq!(headers.get("cache-control").unwrap(), "private, no-store");
    let cd = headers.get("content-disposition").unwrap().to_str().unwrap();
    assert!(cd.starts_with("attachment; filename=\"dossier-") && cd.ends_with(".zip\""), "{cd}");
    let dir = s.dir.path().join("dossier");
    std::fs::create_dir_all(&dir).unwrap();
    let file = s.dir.path().join("dossier.zip");
    std::fs::write(&file, &zip).unwrap();
    let (code, out, err) = run(std::process::Command::new("unzip").arg("-q").arg(&file).arg("-d").arg(&dir));
    assert_eq!(code, 0, "unzip: {out}{err}");
    let (code, out, err) = run(std::process::Command::new("sha256sum").arg("-c").arg("--strict").arg("SHA256SUMS").current_dir(&dir));
    assert_eq!(code, 0, "every file matches SHA256SUMS: {out}{err}");
    let sums = std::fs::read_to_string(dir.join("SHA256SUMS")).unwrap();
    let names: Vec<&str> = sums.lines().map(|l| l.split_once("  ").unwrap().1).collect();
    for want in [
        "stukken/proces-verbaal-", "stukken/nota-van-inlichtingen-", "stukken/beoordelingsrapport-", "stukken/beoordelingsrapport-met-bijlage-",
        "stukken/gunningsbeslissing-", "stukken/contractoverzicht-", "spreadsheets/scorematrix-", "spreadsheets/consensus-",
        "spreadsheets/inschrijvingen-", "spreadsheets/audittrail-", "open-data/ocds-release-package.json", "open-data/ocds-record-package.json",
        "audittrail/audittrail.jsonl", "audittrail/checkpoint", "audittrail/checkpoint-signing.pub", "documenten/", "LEESMIJ.txt",
        "aankondigingen/aankondiging-cn-social.xml", "aankondigingen/aankondiging-can-social.xml", "aankondigingen/aankondiging-can-modif-1.xml",
    ] {
        assert!(names.iter().any(|n| n.starts_with(want)), "{want} is in the dossier: {names:?}");
    }
    // The trail verifies from the dossier alone, against its signed checkpoint.
    let key = std::fs::read_to_string(dir.join("audittrail/checkpoint-signing.pub")).unwrap();
    let (code, out, err) = run(std::process::Command::new(BIN)
        .args(["audit", "verify", "audittrail/audittrail.jsonl", "--checkpoint", "audittrail/checkpoint", "--key", key.trim()])
        .current_dir(&dir));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("INTACT"), "{out}");
    // The pieces read back with real tools.
    for n in names.iter().filter(|n| n.ends_with(".pdf") && n.starts_with("stukken/")) {
        let text = pdf_text(&std::fs::read(dir.join(n)).unwrap()).split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains("Jeugd- en Schoolteam"), "{n}: {text}");
    }
    let inschrijvingen = names.iter().find(|n| n.starts_with("spreadsheets/inschrijvingen-")).unwrap();
    let x = xlsx_read(&std::fs::read(dir.join(inschrijvingen)).unwrap());
    assert_eq!(x["sheets"][0]["rows"][0][2][0], winner, "{x}");
    let leesmij = std::fs::read_to_string(dir.join("LEESMIJ.txt")).unwrap();
    assert!(leesmij.contains("dialoog audit verify audittrail/audittrail.jsonl --checkpoint") && leesmij.contains("sha256sum -c SHA256SUMS"), "{leesmij}");
    assert!(leesmij.contains("Audittrail op het moment van maken"), "{leesmij}");
    let docs = names.iter().filter(|n| n.starts_with("documenten/")).count();
    assert!(docs >= 1, "the published documents: {names:?}");
    // Its own SHA-256 and size are on record.
    let digest = hex::encode(Sha256::digest(&zip));
    let export = c.get("/export/audittrail.jsonl").await;
    let event = export
        .body
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|l| l["entry"]["action"] == "dossier.downloaded")
        .last()
        .expect("the download is on record");
    assert_eq!(event["payload"]["sha256"], digest.as_str(), "{event}");
    assert_eq!(event["payload"]["bytes"], zip.len().to_string().as_str(), "{event}");
}

/// Today's (and yesterday's, for a run across midnight) real date as the
/// pages write dates: "04-12-2026" and "4 december 2026".
fn real_dates_now() -> Vec<String> {
    use chrono::Datelike;
    const MONTHS: [&str; 12] = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"];
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Amsterdam).date_naive();
    let mut out = vec![];
    for d in [today, today.pred_opt().unwrap()] {
        out.push(d.format("%d-%m-%Y").to_string());
        out.push(format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year()));
    }
    out
}

/// The text around the first `needle` in `hay`, for a failure message.
fn around(hay: &str, needle: &str) -> String {
    let i = hay.find(needle).unwrap_or(0);
    let from = hay.floor_char_boundary(i.saturating_sub(300));
    let to = hay.ceil_char_boundary((i + 300).min(hay.len()));
    hay[from..to].to_string()
}
