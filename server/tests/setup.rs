//! A tender of one's own: created by an account with that right, set up
//! before publication (details, gemeenten, schools by CSV, profiles and
//! formation, term, bid parts, team), published only with two inkopers, and
//! copied as a template. Every refusal has its Dutch reason.

mod common;
use common::*;

const GOOD_CSV: &str = "naam;brin;soort;gemeente;pilot\n\
    De Rekenboom;21AB;Basisschool;Heiloo;ja\n\
    Het Kompas;21CD;Basisschool;Heiloo;nee\n\
    De Duinpieper;22EF;Speciaal basisonderwijs;Uitgeest;nee\n";

/// inkoper1 creates a tender (it may create tenders in the demo); returns its id.
async fn new_tender(c: &mut Client, reference: &str) -> String {
    let r = ok(c, "/api/create_tender", &[
        ("kenmerk", reference), ("titel", "Jeugd- en Schoolteam PO regio Alkmaar"),
        ("omschrijving", "Het Jeugd- en Schoolteam in het primair onderwijs."), ("procedure", "sas-dialoog"),
        ("cpv", "85312400-3"), ("waarde", "4.200.000"), ("publicatie", "2030-03-01T09:00"),
    ])
    .await;
    r.body.trim().to_string()
}

async fn upload_csv(c: &mut Client, id: &str, csv: &str) -> Resp {
    c.upload(&format!("/upload/scholen/{id}"), &[], "scholen.csv", csv.as_bytes()).await
}

#[tokio::test]
async fn an_inkoper_with_the_right_creates_a_tender_on_the_real_clock_and_becomes_its_first_inkoper() {
    let s = Server::start().await;
    let mut ink = s.login("inkoper1").await;
    let mut other = s.login("inkoper2").await;
    let form = |r: &'static str, cpv: &'static str| {
        vec![("kenmerk", r), ("titel", "PO"), ("omschrijving", ""), ("procedure", "sas-dialoog"), ("cpv", cpv), ("waarde", ""), ("publicatie", "2030-03-01T09:00")]
    };
    let r = other.post_form("/api/create_tender", &form("JST-PO-2030", "")).await;
    assert_eq!(r.status, 403, "the right to create tenders is needed: {}", r.body);
    assert!(r.body.contains("functioneel beheerder"), "{}", r.body);
    for (f, status, text) in [
        (form("x", ""), 400, "kenmerk"),
        (form("JST-PO-2030", "85312400"), 400, "CPV-code"),
        (form("JST-VO-2023", ""), 409, "al een aanbesteding met kenmerk"),
    ] {
        let r = ink.post_form("/api/create_tender", &f).await;
        assert_eq!(r.status, status, "{f:?}: {}", r.body);
        assert!(r.body.contains(text), "{f:?}: {}", r.body);
    }
    let id = new_tender(&mut ink, "JST-PO-2030").await;
    let v = json(&ok(&mut ink, "/api/setup_view", &[("id", &id)]).await);
    assert_eq!(v["training"], false, "a created tender runs on the real clock");
    assert_eq!(v["cpv"], "85312400-3");
    assert!(v["threshold_notice"].as_str().unwrap().contains("bereikt de drempel van EUR 750.000,00"), "{v}");
    assert_eq!(v["inkopers"], 1);
    let waits = v["before_publication"].to_string();
    assert!(waits.contains("vier ogen") && waits.contains("gemeente") && waits.contains("gunningsmethode"), "{waits}");
    let dash = json(&ok(&mut ink, "/api/dashboard", &[]).await);
    let card = dash.as_array().unwrap().iter().find(|c| c["reference"] == "JST-PO-2030").expect("on the dashboard");
    assert_eq!(card["phase"], "Concept");
    assert_eq!(card["next"][0], "Geplande publicatie", "{card}");
    assert_eq!(card["next"][1], "01-03-2030 09:00 (+01:00)");
    assert_eq!(other.post_form("/api/setup_view", &[("id", &id)]).await.status, 403, "no role there");
    // Below the threshold the notice says so.
    ok(&mut ink, "/api/save_tender_details", &[("id", &id), ("titel", "PO"), ("omschrijving", ""), ("procedure", "sas-dialoog"), ("cpv", ""), ("waarde", "600.000")]).await;
    let v = json(&ok(&mut ink, "/api/setup_view", &[("id", &id)]).await);
    assert!(v["threshold_notice"].as_str().unwrap().contains("onder de drempel"), "{v}");
    let (_, export, _) = run(&mut s.command(&["audit", "export", "--tender", &id]));
    assert!(export.contains("tender.created") && export.contains("tender.details_saved"), "{export}");
    assert!(!export.contains("tender.seeded"), "the new tender's own chain");
}

#[tokio::test]
async fn the_set_up_is_checked_line_by_line_and_a_bad_school_list_imports_nothing() {
    let s = Server::start().await;
    let mut ink = s.login("inkoper1").await;
    let id = new_tender(&mut ink, "JST-PO-2030").await;
    let tid = id.as_str();
    let r = upload_csv(&mut ink, tid, GOOD_CSV).await;
    assert_eq!(r.status, 409, "gemeenten first: {}", r.body);
    for g in ["Heiloo", "Uitgeest"] {
        ok(&mut ink, "/api/add_buyer", &[("id", tid), ("naam", g)]).await;
    }
    let r = ink.post_form("/api/add_buyer", &[("id", tid), ("naam", "heiloo")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    let r = ink.post_form("/api/add_buyer", &[("id", tid), ("naam", " ")]).await;
    assert_eq!(r.status, 400, "{}", r.body);

    // One bad row: every bad row named with its line, nothing imported.
    let bad = GOOD_CSV.replace("Het Kompas;21CD", "Het Kompas;2XCD").replace("Uitgeest;nee", "Castricum;nee");
    let r = upload_csv(&mut ink, tid, &bad).await;
    assert_eq!(r.status, 422, "{}", r.body);
    let err = json(&r)["fout"].as_str().unwrap().to_string();
    assert!(err.contains("2 regels zijn fout") && err.contains("Regel 3: een BRIN-code") && err.contains("Regel 4: 'Castricum' is geen gemeente"), "{err}");
    assert_eq!(json(&ok(&mut ink, "/api/setup_view", &[("id", tid)]).await)["schools"].as_array().unwrap().len(), 0);
    for (csv, text) in [
        ("naam,soort\nX,Y\n".to_string(), "De eerste regel"),
        ("naam;brin;soort;gemeente;pilot\n".to_string(), "geen scholen"),
    ] {
        let r = upload_csv(&mut ink, tid, &csv).await;
        assert_eq!(r.status, 422, "{csv}: {}", r.body);
        assert!(r.body.contains(text), "{csv}: {}", r.body);
    }
    let r = ink.upload(&format!("/upload/scholen/{tid}"), &[], "s.csv", b"naam;brin;soort;gemeente;pilot\nSch\xe9ol;;B;Heiloo;nee\n").await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("UTF-8"), "{}", r.body);
    // The good file, with a byte-order mark and commas, as spreadsheets write it.
    let r = upload_csv(&mut ink, tid, &format!("\u{feff}{}", GOOD_CSV.replace(';', ","))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = json(&ok(&mut ink, "/api/setup_view", &[("id", tid)]).await);
    assert_eq!(v["schools"].as_array().unwrap().len(), 3);
    let buyers = json(&ok(&mut ink, "/api/buyers_view", &[("id", tid)]).await);
    let heiloo = buyers["rows"].as_array().unwrap().iter().find(|b| b["slug"] == "heiloo").unwrap();
    assert_eq!(heiloo["schools"], 2, "the schools per gemeente follow the import");
    let r = ink.post_form("/api/remove_buyer", &[("id", tid), ("gemeente", "uitgeest")]).await;
    assert_eq!(r.status, 409, "a gemeente with schools stays: {}", r.body);

    // One school at a time: checked like a row of the file, BRIN codes once.
    let school = |naam: &'static str, brin: &'static str, gemeente: &'static str| {
        vec![("id", tid), ("naam", naam), ("brin", brin), ("soort", "Basisschool"), ("gemeente", gemeente), ("pilot", "ja")]
    };
    for (form, status, text) in [
        (school("De Zandloper", "21A", "Heiloo"), 400, "Een BRIN-code bestaat uit"),
        (school("De Zandloper", "21AB", "Heiloo"), 409, "al een school met BRIN-code 21AB"),
        (school("De Zandloper", "23GH", "Bergen"), 400, "'Bergen' is geen gemeente van deze aanbesteding"),
        (school("", "23GH", "Heiloo"), 400, "De naam van de school ontbreekt"),
    ] {
        let r = ink.post_form("/api/add_school", &form).await;
        assert_eq!(r.status, status, "{form:?}: {}", r.body);
        assert!(r.body.contains(text), "{form:?}: {}", r.body);
    }
    ok(&mut ink, "/api/add_school", &school("De Zandloper", "23GH", "Heiloo")).await;
    let v = json(&ok(&mut ink, "/api/setup_view", &[("id", tid)]).await);
    let rows = v["schools"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    let heiloo = |b: &serde_json::Value| b["rows"].as_array().unwrap().iter().find(|b| b["slug"] == "heiloo").unwrap()["schools"].clone();
    assert_eq!(heiloo(&json(&ok(&mut ink, "/api/buyers_view", &[("id", tid)]).await)), 3);
    let zandloper = rows.iter().find(|r| r["name"] == "De Zandloper").unwrap()["id"].to_string();
    ok(&mut ink, "/api/remove_school", &[("id", tid), ("school", &zandloper)]).await;
    assert_eq!(heiloo(&json(&ok(&mut ink, "/api/buyers_view", &[("id", tid)]).await)), 2);
    let r = ink.post_form("/api/remove_school", &[("id", tid), ("school", &zandloper)]).await;
    assert_eq!(r.status, 404, "{}", r.body);

    // Profiles, formation, term and parts: each refusal names what is wrong.
    for (path, form, text) in [
        ("/api/save_profiles", vec![("profielen", "Coach"), ("formatie", "Coach | regio | 2,5 | 0\nCoach | Noord | veel | 0")], "Regel 2"),
        ("/api/save_term", vec![("ingang", "2031-08-01"), ("einde", "2031-07-31"), ("opties", ""), ("beslistermijn", "6")], "na de ingangsdatum"),
        ("/api/save_term", vec![("ingang", "2030-08-01"), ("einde", "2034-07-31"), ("opties", "1,0"), ("beslistermijn", "6")], "hele jaren"),
        ("/api/save_parts", vec![("onderdelen", "1 | UEA | bestand | verplicht | 10 | Het UEA")], "Envelop 2"),
    ] {
        let mut f = vec![("id", tid)];
        f.extend(form);
        let r = ink.post_form(path, &f).await;
        assert_eq!(r.status, 400, "{path}: {}", r.body);
        assert!(r.body.contains(text), "{path}: {}", r.body);
    }
    ok(&mut ink, "/api/save_profiles", &[("id", tid), ("profielen", "Jeugd- en Schoolcoach PO | nieuw profiel"), ("formatie", "Jeugd- en Schoolcoach PO | regio | 3,5 | 1")]).await;
    ok(&mut ink, "/api/save_term", &[("id", tid), ("ingang", "2030-08-01"), ("einde", "2034-07-31"), ("opties", "1,1"), ("beslistermijn", "6")]).await;
    ok(&mut ink, "/api/save_parts", &[("id", tid), ("onderdelen", "1 | UEA | bestand | verplicht | 10 | Het UEA\n2 | Kwaliteitsplan | bestand | verplicht | 25 | Anoniem")]).await;
    let overview = json(&ok(&mut ink, "/api/tender_overview", &[("id", tid)]).await);
    assert_eq!(overview["term"]["max_end"], "31 juli 2036");
    assert_eq!(overview["formation"][0][2], "3,5");
    assert_eq!(overview["pilot_schools"][0][0], "De Rekenboom");
    // Someone else in the tender (a waarnemer) changes nothing of it.
    let mut w = s.login("waarnemer1").await;
    let mut ink_clone = s.login("inkoper1").await;
    ok(&mut ink_clone, "/api/add_team_member", &[("id", tid), ("rol", "waarnemer"), ("gebruikersnaam", "waarnemer1")]).await;
    for (path, form) in [("/api/add_buyer", vec![("naam", "Bergen")]), ("/api/save_partners", vec![("partners", "SWV")])] {
        let mut f = vec![("id", tid)];
        f.extend(form);
        assert_eq!(w.post_form(path, &f).await.status, 403, "{path}");
    }
    assert_eq!(upload_csv(&mut w, tid, GOOD_CSV).await.status, 403);
}

#[tokio::test]
async fn the_team_is_made_by_invitation_or_from_accounts_and_publication_needs_two_inkopers() {
    let s = Server::start().await;
    let mut ink = s.login("inkoper1").await;
    let id = new_tender(&mut ink, "JST-PO-2030").await;
    let tid = id.as_str();
    ok(&mut ink, "/api/add_buyer", &[("id", tid), ("naam", "Heiloo")]).await;
    for (form, status, text) in [
        (vec![("rol", "beoordelaar"), ("gebruikersnaam", "beoordelaar1")], 400, "rol"),
        (vec![("rol", "inkoper"), ("gebruikersnaam", "aanbieder1")], 409, "inschrijvende organisatie"),
        (vec![("rol", "gemeente"), ("gebruikersnaam", "gemeente-alkmaar")], 400, "Kies de gemeente"),
        (vec![("rol", "gemeente"), ("gebruikersnaam", "gemeente-alkmaar"), ("gemeente", "alkmaar")], 400, "geen gemeente van deze aanbesteding"),
        (vec![("rol", "inkoper"), ("gebruikersnaam", "inkoper1")], 409, "al inkoper"),
        (vec![("rol", "inkoper"), ("gebruikersnaam", "nieuwe-inkoper")], 404, "naam en e-mailadres"),
    ] {
        let mut f = vec![("id", tid)];
        f.extend(form.clone());
        let r = ink.post_form("/api/add_team_member", &f).await;
        assert_eq!(r.status, status, "{form:?}: {}", r.body);
        assert!(r.body.contains(text), "{form:?}: {}", r.body);
    }
    // An evaluator of the panel cannot join as inkoper or waarnemer.
    ok(&mut ink, "/api/appoint_evaluator", &[("id", tid), ("gebruikersnaam", "beoordelaar1")]).await;
    for rol in ["inkoper", "waarnemer"] {
        let r = ink.post_form("/api/add_team_member", &[("id", tid), ("rol", rol), ("gebruikersnaam", "beoordelaar1")]).await;
        assert_eq!(r.status, 409, "{rol}: {}", r.body);
        assert!(r.body.contains("beoordelen moet anoniem"), "{}", r.body);
    }
    let mut b = s.login("beheerder1").await;
    let me = me_id(&mut ink, tid).await;
    let r = ink.post_form("/api/remove_team_member", &[("id", tid), ("account", &me), ("rol", "inkoper")]).await;
    assert_eq!(r.status, 409, "the last inkoper stays: {}", r.body);
    ok(&mut ink, "/api/add_team_member", &[("id", tid), ("rol", "gemeente"), ("gebruikersnaam", "gemeente-heiloo"), ("gemeente", "heiloo")]).await;
    let r = ok(&mut ink, "/api/add_team_member", &[
        ("id", tid), ("rol", "inkoper"), ("gebruikersnaam", "m.vos"), ("naam", "M. Vos"), ("email", "m.vos@alkmaar.example"),
    ])
    .await;
    assert_eq!(r.body.trim(), "true", "invited");
    let token = s.invitation_token("m.vos@alkmaar.example");
    assert!(s.outbox().contains("als inkoper / contractmanager in de aanbesteding 'Jeugd- en Schoolteam PO regio Alkmaar'"));
    let mut vos = s.client();
    vos.accept_invitation(&token, "een zin voor de inkoper").await;
    ok(&mut vos, "/api/setup_view", &[("id", tid)]).await;
    let team = json(&ok(&mut ink, "/api/team_view", &[("id", tid)]).await);
    assert_eq!(team["inkopers"], 2);

    // Publication: everything else in place, and two inkopers.
    ok(&mut ink, "/api/save_markdown_document", &[("id", tid), ("titel", "Aanbestedingsleidraad"), ("tekst", "# Leidraad PO")]).await;
    ok(&mut ink, "/api/save_award_method", &[
        ("id", tid), ("criteria", "K1 | Visie | 60 | 0-10\nK2 | Samenwerking | 40 | 0-10"), ("prijsmethode", "kwaliteit"), ("beslisregels", "kwaliteit, loting"),
    ])
    .await;
    ok(&mut ink, "/api/plan_calendar", &[("id", tid), ("publicatie", "2026-01-01T09:00"), ("sluitingstermijn", "2031-06-30T12:00")]).await;
    let vos_id = team["rows"].as_array().unwrap().iter().find(|r| r["username"] == "m.vos").unwrap()["account"].to_string();
    ok(&mut ink, "/api/remove_team_member", &[("id", tid), ("account", &vos_id), ("rol", "inkoper")]).await;
    let r = ink.post_form("/api/change_phase", &[("id", tid), ("to", "gepubliceerd")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("vier ogen"), "{}", r.body);
    ok(&mut ink, "/api/add_team_member", &[("id", tid), ("rol", "inkoper"), ("gebruikersnaam", "m.vos")]).await;
    // The button says what it does, in a verb.
    let p = json(&ok(&mut ink, "/api/procedure_view", &[("id", tid)]).await);
    assert_eq!(p["transitions"][0]["label"], "Publiceren", "{p}");
    // Two inkopers: one short of the three key holders.
    let r = ink.post_form("/api/change_phase", &[("id", tid), ("to", "gepubliceerd")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("ten minste drie"), "{}", r.body);
    ok(&mut ink, "/api/add_team_member", &[("id", tid), ("rol", "inkoper"), ("gebruikersnaam", "inkoper3")]).await;
    // Three inkopers, but only two hold a sealing key: any two must open, so all three need one.
    let r = ink.post_form("/api/change_phase", &[("id", tid), ("to", "gepubliceerd")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("zegelwachtwoord") && r.body.contains("M. Vos"), "{}", r.body);
    let r = vos.post_form("/api/set_sealing_passphrase", &[("new_passphrase", "kort"), ("repeat", "kort")]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let pass = [("new_passphrase", "de sleutel van Vos"), ("repeat", "de sleutel van Vos")];
    ok(&mut vos, "/api/set_sealing_passphrase", &pass).await;
    ok(&mut ink, "/api/change_phase", &[("id", tid), ("to", "gepubliceerd")]).await;
    assert!(s.db.all_text().await.contains("sealing.key_created"), "the key is in the audit trail");
    ok(&mut ink, "/api/prove_key_share", &[("id", tid), ("zegelwachtwoord", SEAL)]).await;
    // A forgotten passphrase: a new key, with which this tender's share no longer opens.
    let again = [("new_passphrase", "een nieuwe sleutel"), ("repeat", "een nieuwe sleutel"), ("vervangen", "ja")];
    ok(&mut vos, "/api/set_sealing_passphrase", &again).await;
    let r = vos.post_form("/api/prove_key_share", &[("id", tid), ("zegelwachtwoord", "een nieuwe sleutel")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("vervangen"), "{}", r.body);
    let r = vos.post_form("/api/set_sealing_passphrase", &[("current", "de sleutel van Vos"), ("new_passphrase", "nog een andere zin"), ("repeat", "nog een andere zin")]).await;
    assert_eq!(r.status, 400, "the old passphrase is gone: {}", r.body);
    // Published: the set-up is fixed and the two inkopers stay.
    let r = ink.post_form("/api/add_buyer", &[("id", tid), ("naam", "Bergen")]).await;
    assert_eq!(r.status, 403, "{}", r.body);
    let team = json(&ok(&mut ink, "/api/team_view", &[("id", tid)]).await);
    let third_id = team["rows"].as_array().unwrap().iter().find(|r| r["username"] == "inkoper3").unwrap()["account"].to_string();
    ok(&mut ink, "/api/remove_team_member", &[("id", tid), ("account", &third_id), ("rol", "inkoper")]).await;
    let r = ink.post_form("/api/remove_team_member", &[("id", tid), ("account", &vos_id), ("rol", "inkoper")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("ten minste 2 inkopers"), "{}", r.body);
    // The beheerder names an inkoper of any tender, without reading it.
    ok(&mut b, "/api/assign_inkoper", &[("aanbesteding", tid), ("gebruikersnaam", "inkoper2")]).await;
    assert_eq!(b.post_form("/api/setup_view", &[("id", tid)]).await.status, 403);
    let mut ink2 = s.login("inkoper2").await;
    ok(&mut ink2, "/api/opening_view", &[("id", tid)]).await;
}

/// The account id of the tender's first inkoper (its creator).
async fn me_id(c: &mut Client, tender: &str) -> String {
    let team = json(&ok(c, "/api/team_view", &[("id", tender)]).await);
    team["rows"][0]["account"].to_string()
}

#[tokio::test]
async fn a_copy_takes_the_configuration_and_nothing_of_the_procedure() {
    let s = published().await.bids(1).await;
    let mut s = s;
    let ink = &mut s.inkoper;
    let r = ink.post_form("/api/copy_tender", &[("bron", "1"), ("kenmerk", "JST-VO-2023"), ("titel", "Opvolger"), ("publicatie", "2026-05-13T09:00")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    let id = ok(ink, "/api/copy_tender", &[("bron", "1"), ("kenmerk", "JST-VO-2027"), ("titel", "Jeugd- en Schoolteam VO (opvolger)"), ("publicatie", "2026-05-13T09:00"), ("oefenen", "ja")])
        .await
        .body
        .trim()
        .to_string();
    let v = json(&ok(ink, "/api/setup_view", &[("id", &id)]).await);
    assert_eq!(v["phase"], "Concept");
    assert_eq!(v["training"], true, "marked as training: its own simulated clock");
    assert_eq!(v["buyers"].as_array().unwrap().len(), 6);
    assert!(v["partners"].as_str().unwrap().contains("Samenwerkingsverband VO Noord-Kennemerland"));
    assert_eq!(v["schools"].as_array().unwrap().iter().map(|s| s["count"].as_i64().unwrap()).sum::<i64>(), 37, "29 schools and 8 pilots");
    assert_eq!(v["formation"].as_str().unwrap().lines().count(), 7);
    assert_eq!(v["term_start"], "2027-01-01", "the term moved by whole years");
    let overview = json(&ok(ink, "/api/tender_overview", &[("id", &id)]).await);
    assert_eq!(overview["term"]["max_end"], "31 december 2036");
    let proc = json(&ok(ink, "/api/procedure_view", &[("id", &id)]).await);
    assert!(proc.to_string().contains("26-06-2026 12:00"), "the deadline moved with the publication: {proc}");
    let docs = ok(ink, "/api/documents_view", &[("id", &id)]).await.body;
    assert!(docs.contains("Aanbestedingsleidraad") && docs.contains("Programma van eisen"), "{docs}");
    let award = ok(ink, "/api/award_view", &[("id", &id)]).await.body;
    assert!(award.contains("Visie en aanpak op en met de school"), "the award method came along");
    // Nothing of the procedure: no bids, no questions, no evaluation, no history.
    let opening = json(&ok(ink, "/api/opening_view", &[("id", &id)]).await);
    assert_eq!(opening["arrivals"].as_array().unwrap().len(), 0);
    let team = json(&ok(ink, "/api/team_view", &[("id", &id)]).await);
    assert_eq!(team["rows"].as_array().unwrap().len(), 1, "only its creator: {team}");
    let (_, export, _) = run(&mut s.server.command(&["audit", "export", "--tender", &id]));
    let actions: Vec<String> = export
        .lines()
        .skip(1)
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["entry"]["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(actions, ["tender.created", "tender.copied_from_template", "role.granted"], "{export}");
    // Only an inkoper of the source copies it.
    let mut b = s.server.login("beoordelaar1").await;
    let r = b.post_form("/api/copy_tender", &[("bron", "1"), ("kenmerk", "X-2027"), ("titel", "X"), ("publicatie", "2026-05-13T09:00")]).await;
    assert_eq!(r.status, 403, "{}", r.body);
}
