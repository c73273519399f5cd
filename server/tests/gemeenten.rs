//! The gemeenten over HTTP: the share rule, withdrawal by a gemeente's own
//! representative or by the inkoper on its behalf, the recalculation of
//! parties, schools and shares, and cancellation when every gemeente withdraws.

// Amounts in cents are written euros_cents: 1_000_000_00 is EUR 1.000.000,00.
#![allow(clippy::inconsistent_digit_grouping)]

mod common;
use common::*;

async fn view(c: &mut Client) -> serde_json::Value {
    serde_json::from_str(&ok(c, "/api/buyers_view", &[("id", "1")]).await.body).unwrap()
}

fn row<'a>(v: &'a serde_json::Value, slug: &str) -> &'a serde_json::Value {
    v["rows"].as_array().unwrap().iter().find(|r| r["slug"] == slug).unwrap()
}

#[tokio::test]
async fn gemeenten_withdraw_until_signing_and_the_shares_follow() {
    let s = Server::start().await;
    let mut ink = s.login("inkoper1").await;
    let mut alk = s.login("gemeente-alkmaar").await;
    let mut a1 = s.login("aanbieder1").await;

    // The share rule before publication: by schools, with a budget.
    let form = [
        ("id", "1"), ("regel", "scholen"), ("budget", "1.000.000"),
        ("scholen[alkmaar]", "12"), ("scholen[bergen]", "3"), ("scholen[castricum]", "4"),
        ("scholen[dijk-en-waard]", "6"), ("scholen[heiloo]", "3"), ("scholen[uitgeest]", "1"),
    ];
    ok(&mut ink, "/api/set_shares", &form).await;
    let r = ink.post_form("/api/set_shares", &[("id", "1"), ("regel", "scholen"), ("scholen[heiloo]", "veel")]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("Heiloo"), "{}", r.body);
    let v = view(&mut ink).await;
    assert_eq!(v["schools_in_scope"], 29);
    assert_eq!(row(&v, "alkmaar")["share"], "41,38%");
    assert_eq!(row(&v, "alkmaar")["budget"], "EUR 413.793,10");

    // A representative withdraws only its own gemeente, with a reason and a decision.
    let r = alk.post_form("/api/withdraw_gemeente", &[("id", "1"), ("gemeente", "bergen"), ("reden", "x"), ("besluit", "y")]).await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = alk.post_form("/api/withdraw_gemeente", &[("id", "1"), ("gemeente", "alkmaar"), ("reden", ""), ("besluit", "B&W 2023/114")]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("reden"), "{}", r.body);
    let r = ok(&mut alk, "/api/withdraw_gemeente", &[("id", "1"), ("gemeente", "alkmaar"), ("reden", "Eigen inkoop via het wijkteam"), ("besluit", "B&W 2023/114")]).await;
    assert_eq!(r.body.trim(), "false");
    let r = alk.post_form("/api/withdraw_gemeente", &[("id", "1"), ("gemeente", "alkmaar"), ("reden", "nogmaals"), ("besluit", "B&W 2023/115")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("al teruggetrokken"), "{}", r.body);

    // Everything that depends on participation is recalculated.
    let v = view(&mut a1).await;
    assert_eq!(row(&v, "alkmaar")["status"], "teruggetrokken");
    assert!(row(&v, "alkmaar")["recorded_by"].as_str().unwrap().contains("vertegenwoordiger gemeente"));
    assert_eq!(v["schools_in_scope"], 17);
    assert_eq!(v["parties"].as_array().unwrap().len(), 5);
    assert_eq!(row(&v, "alkmaar")["share"], "0,00%");
    assert_eq!(row(&v, "castricum")["share"], "23,53%");
    let total: i64 = v["rows"].as_array().unwrap().iter()
        .map(|r| r["budget"].as_str().unwrap().trim_start_matches("EUR ").replace(['.', ','], "").parse::<i64>().unwrap())
        .sum();
    assert_eq!(total, 1_000_000_00, "the budget is split to the cent");

    // The inkoper records a withdrawal on a gemeente's behalf; signing is not possible before the award.
    ok(&mut ink, "/api/withdraw_gemeente", &[("id", "1"), ("gemeente", "bergen"), ("reden", "Raadsbesluit"), ("besluit", "RB 2023-22")]).await;
    let v = view(&mut ink).await;
    assert!(row(&v, "bergen")["recorded_by"].as_str().unwrap().contains("namens de gemeente"));
    let r = ink.post_form("/api/sign_gemeente", &[("id", "1"), ("gemeente", "castricum")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("Ondertekenen kan pas na de standstilltermijn"), "{}", r.body);
    let export = ink.get("/export/audittrail.jsonl").await;
    assert_eq!(export.body.matches("gemeente.withdrawn").count(), 2);

    // When the last gemeente withdraws, the tender is cancelled.
    for g in ["castricum", "dijk-en-waard", "heiloo"] {
        let r = ok(&mut ink, "/api/withdraw_gemeente", &[("id", "1"), ("gemeente", g), ("reden", "Geen behoefte"), ("besluit", "B&W")]).await;
        assert_eq!(r.body.trim(), "false");
    }
    let r = ok(&mut ink, "/api/withdraw_gemeente", &[("id", "1"), ("gemeente", "uitgeest"), ("reden", "Geen behoefte"), ("besluit", "B&W")]).await;
    assert_eq!(r.body.trim(), "true");
    let v = view(&mut ink).await;
    assert_eq!(v["cancelled"], true);
    assert_eq!(v["parties"].as_array().unwrap().len(), 0);
    let p = ok(&mut ink, "/api/procedure_view", &[("id", "1")]).await;
    assert!(p.body.contains("\"phase\":\"ingetrokken\"") && p.body.contains("Alle gemeenten hebben zich teruggetrokken"), "{}", p.body);
    let r = ink.post_form("/api/set_shares", &form).await;
    assert_eq!(r.status, 403, "{}", r.body);
}
