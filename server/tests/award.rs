//! The award method over HTTP: the seeded method, editing before publication,
//! publication refused while it is incomplete, the simulation, and the freeze.

mod common;
use common::*;

#[tokio::test]
async fn the_award_method_is_edited_simulated_and_frozen_at_publication() {
    let s = Server::start().await;
    let mut ink = s.login("inkoper1").await;
    let mut a1 = s.login("aanbieder1").await;

    let v = ok(&mut ink, "/api/award_view", &[("id", "1")]).await;
    let j: serde_json::Value = serde_json::from_str(&v.body).unwrap();
    assert_eq!(j["rows"].as_array().unwrap().len(), 5, "{}", v.body);
    assert_eq!(j["problems"].as_array().unwrap().len(), 0, "{}", v.body);
    assert_eq!(j["quality_points"], "100");
    // Before publication a bidder does not see it.
    let r = a1.post_form("/api/award_view", &[("id", "1")]).await;
    assert_eq!(r.status, 403, "{}", r.body);

    // A mistake in the editor text is refused with the line it is on.
    let r = ink.post_form("/api/save_award_method", &[("id", "1"), ("criteria", "K1 | Aanpak | veel | 0-10"), ("prijsmethode", "kwaliteit"), ("beslisregels", "loting")]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("Regel 1"), "{}", r.body);
    let r = ink.post_form("/api/save_award_method", &[("id", "1"), ("criteria", "K1 | Aanpak | 60 | 0-10"), ("prijsmethode", "bandbreedte"), ("prijspunten", "40"), ("ondergrens", "1.000.000.50"), ("bovengrens", "x"), ("beslisregels", "loting")]).await;
    assert_eq!(r.status, 400, "{}", r.body);

    // Weights that do not add up are saved as a draft, and block publication.
    let criteria = "K1 | Aanpak | 40 | 0-10\nK1.1 | Preventie | 20 | 0-10 | K1\nK1.2 | Op school | 20 | 0-10 | K1\nK2 | Samenwerking | 20 | 0-10\n";
    ok(&mut ink, "/api/save_award_method", &[("id", "1"), ("criteria", criteria), ("prijsmethode", "relatief"), ("prijspunten", "50"), ("beslisregels", "kwaliteit, K1.1, loting")]).await;
    let v = ok(&mut ink, "/api/award_view", &[("id", "1")]).await;
    assert!(v.body.contains("tellen op tot 110"), "{}", v.body);
    ok(&mut ink, "/api/set_training_clock", &[("id", "1"), ("tijd", "2023-05-17T09:00")]).await;
    let r = ink.post_form("/api/change_phase", &[("id", "1"), ("to", "gepubliceerd")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("gunningsmethode is niet compleet"), "{}", r.body);

    // Corrected: 60 quality + 40 price. The simulation ranks and finds the flip price.
    ok(&mut ink, "/api/save_award_method", &[("id", "1"), ("criteria", criteria), ("prijsmethode", "relatief"), ("prijspunten", "40"), ("beslisregels", "kwaliteit, K1.1, loting")]).await;
    let sim = ok(&mut ink, "/api/simulate_award", &[("id", "1"), ("inschrijvingen", "A | 8 8 6 | 1.000.000\nB | 10 10 10 | 1.250.000")]).await;
    let j: serde_json::Value = serde_json::from_str(&sim.body).unwrap();
    assert_eq!(j["rows"][0]["label"], "B", "{}", sim.body);
    assert_eq!(j["rows"][0]["total"], "92", "{}", sim.body);
    assert!(j["rows"][1]["flip"].as_str().unwrap().starts_with("EUR "), "{}", sim.body);
    let r = ink.post_form("/api/simulate_award", &[("id", "1"), ("inschrijvingen", "A | 8 8 | 1.000.000")]).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("geef 3 niveaus"), "{}", r.body);

    // Publication freezes it; the bidder reads it; the audit trail has its fingerprint.
    ok(&mut ink, "/api/change_phase", &[("id", "1"), ("to", "gepubliceerd")]).await;
    let r = ink.post_form("/api/save_award_method", &[("id", "1"), ("criteria", criteria), ("prijsmethode", "kwaliteit"), ("beslisregels", "loting")]).await;
    assert_eq!(r.status, 403, "only in concept: {}", r.body);
    let v = ok(&mut a1, "/api/award_view", &[("id", "1")]).await;
    let j: serde_json::Value = serde_json::from_str(&v.body).unwrap();
    assert_eq!(j["frozen"], true);
    assert_eq!(j["may_edit"], false);
    let fp = j["fingerprint"].as_str().unwrap().to_string();
    let export = ink.get("/export/audittrail.jsonl").await;
    assert!(export.body.contains("award.method_saved") && export.body.contains(&fp), "the saved method's fingerprint is in the audit trail");
    let page = a1.get("/aanbesteding/1/gunningsmethode").await;
    assert!(page.body.contains("Relatieve prijs") && page.body.contains(&fp), "{}", &page.body[..page.body.len().min(500)]);
}
