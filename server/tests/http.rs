//! Black-box tests of the running server over HTTP: login, roles, the role x
//! phase table on every route and server function, sessions, CSRF, bad input.

mod common;
use common::*;

const ROLES: [&str; 5] = ["inkoper1", "beoordelaar1", "aanbieder1", "gemeente-alkmaar", "waarnemer1"];
/// The roles of the access test: the five tender roles, and the beheerder, who has none.
const USERS: [&str; 6] = ["inkoper1", "beoordelaar1", "aanbieder1", "gemeente-alkmaar", "waarnemer1", "beheerder1"];

#[tokio::test]
async fn a_demo_user_logs_in_and_sees_the_seeded_tender() {
    let s = Server::start().await;
    let mut c = s.login("inkoper1").await;
    let page = c.get("/aanbesteding/1").await;
    assert_eq!(page.status, 200);
    for text in [
        "Jeugd- en Schoolteam VO regio Alkmaar",
        "Alkmaar", "Bergen (NH)", "Castricum", "Dijk en Waard", "Heiloo", "Uitgeest",
        "Samenwerkingsverband VO Noord-Kennemerland", "Samenwerkingsverband VO Midden-Kennemerland",
        "De Spinaker", "Bonhoeffer College", "Jac. P. Thijsse College",
        "17-05-2023 09:00 (+02:00)", "1 januari 2024", "31 december 2030", "31 december 2033",
        "deelnemend", "Oefenomgeving",
    ] {
        assert!(page.body.contains(text), "overview shows {text}");
    }
    assert!(page.body.contains(">29<"), "29 schools in scope");
    let dash = c.get("/").await;
    assert_eq!(dash.status, 200);
    assert!(dash.body.contains("Inkoper / contractmanager"));
    assert!(dash.body.contains("Demonstratieomgeving"), "demo banner on every page");
}

#[tokio::test]
async fn each_role_sees_its_own_dashboard() {
    let s = Server::start().await;
    for (user, text) in [
        ("beoordelaar1", "Beoordelaar"),
        ("aanbieder1", "Jeugdhulp Kennemerland B.V. (demo)"),
        ("gemeente-alkmaar", "Alkmaar: deelnemend"),
        ("waarnemer1", "alleen lezen"),
    ] {
        let mut c = s.login(user).await;
        let d = c.get("/").await;
        assert_eq!(d.status, 200, "{user}");
        assert!(d.body.contains(text), "{user} dashboard shows {text}");
    }
}

#[tokio::test]
async fn login_without_javascript_redirects_and_a_wrong_password_comes_back_in_dutch() {
    let s = Server::start().await;
    let mut c = s.client();
    let ok = c
        .post_html_form("/api/login", "/inloggen", &[("username", "inkoper1"), ("password", DEMO_PASSWORD)])
        .await;
    assert_eq!(ok.status, 302);
    assert_eq!(ok.location.as_deref(), Some("/"));
    assert_eq!(c.get("/").await.status, 200);

    let mut anon = s.client();
    let bad = anon
        .post_html_form("/api/login", "/inloggen", &[("username", "inkoper1"), ("password", "fout-wachtwoord")])
        .await;
    assert_eq!(bad.status, 302);
    let back = bad.location.expect("redirect back to the form");
    assert!(back.contains("/inloggen?") && back.contains("__err="), "{back}");
    let page = anon.get(back.trim_start_matches(&anon.base)).await;
    assert!(page.body.contains("Gebruikersnaam of wachtwoord is onjuist."), "the error is shown on the page");
}

#[tokio::test]
async fn failed_logins_hold_the_name_for_unknown_devices_alike_for_accounts_that_do_not_exist() {
    let s = Server::start().await;
    let mut c = s.client();
    let mut answers = vec![];
    for name in ["aanbieder2", "niemand-bestaat"] {
        for _ in 0..4 {
            let r = c.post_form("/api/login", &[("username", name), ("password", "fout")]).await;
            assert_eq!(r.status, 400);
            assert!(r.body.contains("Gebruikersnaam of wachtwoord is onjuist."), "{}", r.body);
        }
        let r = c.post_form("/api/login", &[("username", name), ("password", "fout")]).await;
        assert_eq!(r.status, 429, "the fifth failure holds {name}: {}", r.body);
        // Held: not even the right password gets in from this device.
        let r = c.post_form("/api/login", &[("username", name), ("password", DEMO_PASSWORD)]).await;
        assert_eq!(r.status, 429, "{}", r.body);
        answers.push(r.body.split(" na ").next().unwrap_or_default().to_string());
    }
    assert_eq!(answers[0], answers[1], "the same answer for a name that exists and one that does not");
}

#[tokio::test]
async fn login_attempts_are_rate_limited_per_address() {
    let mut s = Server::start().await;
    s.stop();
    // restart with a tight limit
    s.spawn_with_env(&["serve"], &[("DIALOOG_LOGINS_PER_MINUTE", "3")]).await;
    let mut c = s.client();
    let mut statuses = vec![];
    for _ in 0..5 {
        statuses.push(c.post_form("/api/login", &[("username", "x"), ("password", "y")]).await.status);
    }
    assert_eq!(&statuses[..3], &[400, 400, 400]);
    assert_eq!(statuses[4], 429, "{statuses:?}");
}

#[tokio::test]
async fn sessions_survive_a_restart_and_logout_ends_them() {
    let mut s = Server::start().await;
    let mut c = s.login("waarnemer1").await;
    s.stop();
    s.spawn(&["serve"]).await;
    let d = c.get("/").await;
    assert_eq!(d.status, 200);
    assert!(d.body.contains("Waarnemer"), "still logged in after restart");
    let cookie = c.cookie.clone();
    let r = c.post_form("/api/logout", &[]).await;
    assert_eq!(r.status, 200);
    // the old cookie no longer works
    let mut old = s.client();
    old.cookie = cookie;
    let r = old.post_form("/api/dashboard", &[]).await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn session_cookie_is_httponly_and_samesite_strict_and_renewed_at_login() {
    let s = Server::start().await;
    let mut c = s.client();
    let before = c.get("/inloggen").await;
    let _ = before;
    let r = c.post_form("/api/login", &[("username", "inkoper2"), ("password", DEMO_PASSWORD)]).await;
    let sc = r.headers.get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(sc.contains("HttpOnly") && sc.contains("SameSite=Strict"), "{sc}");
    let first = c.cookie.clone();
    let mut again = s.client();
    again.cookie = first.clone();
    again.post_form("/api/login", &[("username", "inkoper2"), ("password", DEMO_PASSWORD)]).await;
    assert_ne!(again.cookie, first, "a new session id at every login");
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let s = Server::start().await;
    let c = s.client();
    let r = c
        .raw()
        .post(s.url("/api/login"))
        .header("sec-fetch-site", "cross-site")
        .header("origin", "https://evil.example")
        .form(&[("username", "inkoper1"), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert!(r.headers().get("set-cookie").is_none());
}

#[tokio::test]
async fn bad_input_gets_a_dutch_message_and_a_4xx_never_a_500() {
    let s = Server::start().await;
    let mut c = s.login("inkoper1").await;
    let r = c.post_form("/api/tender_overview", &[("id", "abc")]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("ongeldige waarde"), "{}", r.body);
    let r = c.post_form("/api/login", &[("username", "inkoper1")]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let r = c.post_form("/api/tender_overview", &[("id", "999")]).await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert!(r.body.contains("Deze aanbesteding bestaat niet."), "{}", r.body);
    // The pages of a tender that does not exist, or of no tender at all, say
    // so once, with the page's status to match.
    for path in ["/aanbesteding/99", "/aanbesteding/abc", "/aanbesteding/99/documenten", "/aanbesteding/abc/beoordeling"] {
        let r = c.get(path).await;
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(r.body.matches("<p>Deze aanbesteding bestaat niet.</p>").count(), 1, "{path}: {}", r.body);
    }
    let mut beheerder = s.login("beheerder1").await;
    let r = beheerder.get("/aanbesteding/1/documenten").await;
    assert_eq!(r.status, 403, "an existing tender without a role: {}", r.body);
    let r = c.post_form("/api/audit_trail", &[("page", "0"), ("action", "'; drop table")]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let r = c.post_form("/api/bestaat_niet", &[]).await;
    assert!((400..500).contains(&r.status), "{}", r.status);
    let r = c.get("/bestaat/niet").await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn pages_carry_security_headers() {
    let s = Server::start().await;
    let mut c = s.client();
    let r = c.get("/inloggen").await;
    let h = &r.headers;
    let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("'nonce-"), "{csp}");
    assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
    assert_eq!(h.get("referrer-policy").unwrap(), "same-origin");
}

/// A partner name longer than the 200 characters allowed (refused, so nothing changes).
static LONG_LINE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| "x".repeat(201));

/// Who may use what. Each server function and route the binary reports must be
/// listed here, so a new one cannot slip in unchecked.

#[tokio::test]
async fn every_route_and_server_function_refuses_the_roles_the_table_refuses() {
    let s = Server::start().await;
    let (code, routes, _) = run(&mut s.command(&["routes"]));
    assert_eq!(code, 0);
    let routes: Vec<&str> = routes.lines().collect();

    // (route, form, roles allowed; "*" = any logged-in user, "rol" = anyone with a
    // role in the tender, "public" = also anonymous)
    let wrong_current = vec![("current", "fout"), ("new_password", "een-nieuw-wachtwoord"), ("repeat", "een-nieuw-wachtwoord")];
    // (route, form, roles allowed, status for an allowed role). Changing
    // functions get arguments that pass the access check and are then refused
    // as bad input or in this phase, so the test changes nothing.
    // (route, form, the users it answers with `ok_status`, ok_status)
    type Row<'a> = (&'a str, Vec<(&'a str, &'a str)>, Vec<&'a str>, u16);
    let table: Vec<Row> = vec![
        ("POST /api/change_password", wrong_current, vec!["*"], 400),
        ("PAGE /wachtwoord", vec![], vec!["public"], 200),
        // The sealing passphrase: one's own; a share and a rehearsal for the tender's inkopers.
        ("POST /api/sealing_key_view", vec![], vec!["*"], 200),
        ("POST /api/set_sealing_passphrase", vec![("new_passphrase", "kort"), ("repeat", "kort")], vec!["*"], 400),
        ("PAGE /zegelwachtwoord", vec![], vec!["*"], 200),
        ("POST /api/prove_key_share", vec![("id", "1"), ("zegelwachtwoord", "")], vec!["inkoper1"], 400),
        ("POST /api/rehearse_opening", vec![("id", "1"), ("zegelwachtwoord", ""), ("start", "true")], vec!["inkoper1"], 400),
        ("POST /api/demo_mode", vec![], vec!["public"], 200),
        ("POST /api/me", vec![], vec!["public"], 200),
        ("POST /api/login", vec![("username", "x"), ("password", "y")], vec!["public"], 200),
        ("POST /api/logout", vec![], vec!["public"], 200),
        ("POST /api/dashboard", vec![], vec!["*"], 200),
        // Getting in: invitations, the second step of a log-in, the second factor.
        ("POST /api/invitation_view", vec![("t", "onbekend")], vec!["public"], 404),
        ("POST /api/accept_invitation", vec![("t", "onbekend"), ("new_password", "een lang wachtwoord"), ("repeat", "een lang wachtwoord")], vec!["public"], 404),
        ("PAGE /uitnodiging", vec![], vec!["public"], 404),
        ("POST /api/login_code", vec![("code", "123456")], vec!["public"], 409),
        ("PAGE /inloggen/code", vec![], vec!["public"], 200),
        // Before any enrolment page was shown, there is no secret to confirm.
        ("POST /api/enrol_second_factor", vec![("code", "123456")], vec!["*"], 409),
        ("POST /api/second_factor_view", vec![], vec!["*"], 200),
        ("PAGE /tweede-factor", vec![], vec!["*"], 200),
        // Account administration: the beheerder only (who has no role in any tender).
        ("POST /api/accounts_view", vec![], vec!["beheerder1"], 200),
        ("POST /api/create_account", vec![("gebruikersnaam", "x"), ("naam", "X"), ("email", "x@example.org")], vec!["beheerder1"], 400),
        ("POST /api/invite_account", vec![("account", "999")], vec!["beheerder1"], 404),
        ("POST /api/deactivate_account", vec![("account", "999")], vec!["beheerder1"], 404),
        ("POST /api/reactivate_account", vec![("account", "999")], vec!["beheerder1"], 404),
        ("POST /api/reset_second_factor", vec![("account", "999")], vec!["beheerder1"], 404),
        ("POST /api/anonymise_account", vec![("account", "999"), ("reden", "AVG-verzoek 1")], vec!["beheerder1"], 400),
        ("POST /api/set_account_rights", vec![("account", "999")], vec!["beheerder1"], 404),
        ("POST /api/all_tenders", vec![], vec!["beheerder1"], 200),
        ("POST /api/assign_inkoper", vec![("aanbesteding", "1"), ("gebruikersnaam", "x")], vec!["beheerder1"], 400),
        ("PAGE /beheer", vec![], vec!["beheerder1"], 200),
        ("PAGE /beheer/aanbestedingen", vec![], vec!["beheerder1"], 200),
        // E-mail delivery: account mail the beheerder, a tender's mail its inkopers.
        ("POST /api/account_mail", vec![], vec!["beheerder1"], 200),
        ("PAGE /beheer/e-mail", vec![], vec!["beheerder1"], 200),
        ("POST /api/tender_mail", vec![("id", "1")], vec!["inkoper1"], 200),
        ("PAGE /aanbesteding/{id}/e-mail", vec![], vec!["inkoper1"], 200),
        // Creating, setting up and copying tenders; the team.
        ("POST /api/new_tender_view", vec![], vec!["inkoper1"], 200),
        ("PAGE /nieuwe-aanbesteding", vec![], vec!["inkoper1"], 200),
        ("POST /api/create_tender", vec![("kenmerk", "x"), ("titel", "T"), ("omschrijving", ""), ("procedure", "sas-dialoog"), ("cpv", ""), ("waarde", ""), ("publicatie", "2030-01-01T09:00")], vec!["inkoper1"], 400),
        ("POST /api/copy_tender", vec![("bron", "1"), ("kenmerk", "x"), ("titel", "T"), ("publicatie", "2030-01-01T09:00")], vec!["inkoper1"], 400),
        ("POST /api/setup_view", vec![("id", "1")], vec!["inkoper1", "beoordelaar1", "gemeente-alkmaar", "waarnemer1"], 200),
        ("PAGE /aanbesteding/{id}/opzet", vec![], vec!["inkoper1", "beoordelaar1", "gemeente-alkmaar", "waarnemer1"], 200),
        ("POST /api/save_tender_details", vec![("id", "1"), ("titel", ""), ("omschrijving", ""), ("procedure", "sas-dialoog"), ("cpv", ""), ("waarde", "")], vec!["inkoper1"], 400),
        ("POST /api/add_buyer", vec![("id", "1"), ("naam", "")], vec!["inkoper1"], 400),
        ("POST /api/remove_buyer", vec![("id", "1"), ("gemeente", "onbekend")], vec!["inkoper1"], 404),
        ("POST /api/add_school", vec![("id", "1"), ("naam", ""), ("brin", ""), ("soort", ""), ("gemeente", "")], vec!["inkoper1"], 400),
        ("POST /api/remove_school", vec![("id", "1"), ("school", "99999")], vec!["inkoper1"], 404),
        ("POST /api/save_partners", vec![("id", "1"), ("partners", &LONG_LINE)], vec!["inkoper1"], 400),
        ("POST /api/save_profiles", vec![("id", "1"), ("profielen", ""), ("formatie", "alleen een profiel")], vec!["inkoper1"], 400),
        ("POST /api/save_term", vec![("id", "1"), ("ingang", "morgen"), ("einde", ""), ("opties", ""), ("beslistermijn", "6")], vec!["inkoper1"], 400),
        ("POST /api/save_parts", vec![("id", "1"), ("onderdelen", "")], vec!["inkoper1"], 400),
        ("POST /upload/scholen/{tender}", vec![], vec!["inkoper1"], 400),
        ("POST /api/team_view", vec![("id", "1")], vec!["inkoper1"], 200),
        ("PAGE /aanbesteding/{id}/team", vec![], vec!["inkoper1"], 200),
        ("POST /api/add_team_member", vec![("id", "1"), ("rol", "onbekend"), ("gebruikersnaam", "x")], vec!["inkoper1"], 400),
        ("POST /api/remove_team_member", vec![("id", "1"), ("account", "999"), ("rol", "inkoper")], vec!["inkoper1"], 404),
        ("POST /api/tender_overview", vec![("id", "1")], vec!["rol"], 200),
        ("POST /api/audit_trail", vec![("page", "0")], vec!["inkoper1", "waarnemer1"], 200),
        ("POST /api/write_checkpoint", vec![("tender", "1")], vec!["inkoper1"], 200),
        ("GET /export/audittrail.jsonl", vec![], vec!["inkoper1", "waarnemer1"], 200),
        ("GET /health", vec![], vec!["public"], 200),
        ("PAGE /", vec![], vec!["*"], 200),
        ("PAGE /inloggen", vec![], vec!["public"], 200),
        ("PAGE /aanbesteding/{id}", vec![], vec!["rol"], 200),
        ("PAGE /audittrail", vec![], vec!["inkoper1", "waarnemer1"], 200),
        // The procedure (the seeded tender is in concept).
        ("POST /api/procedure_view", vec![("id", "1")], vec!["rol"], 200),
        ("POST /api/change_phase", vec![("id", "1"), ("to", "onbekend")], vec!["inkoper1"], 400),
        ("POST /api/plan_calendar", vec![("id", "1"), ("publicatie", "x"), ("sluitingstermijn", "y")], vec!["inkoper1"], 400),
        ("POST /api/set_training_clock", vec![("id", "1"), ("tijd", "gisteren")], vec!["inkoper1"], 400),
        ("POST /api/extend_for_outage", vec![("id", "1"), ("nieuwe_termijn", "morgen")], vec!["inkoper1"], 400),
        ("POST /api/documents_view", vec![("id", "1")], vec!["inkoper1", "beoordelaar1", "gemeente-alkmaar", "waarnemer1"], 200),
        ("POST /api/document_view", vec![("id", "1"), ("doc", "1")], vec!["inkoper1", "beoordelaar1", "gemeente-alkmaar", "waarnemer1"], 200),
        ("POST /api/save_markdown_document", vec![("id", "1"), ("titel", ""), ("tekst", "x")], vec!["inkoper1"], 400),
        ("PAGE /aanbesteding/{id}/documenten", vec![], vec!["inkoper1", "beoordelaar1", "gemeente-alkmaar", "waarnemer1"], 200),
        ("POST /api/award_view", vec![("id", "1")], vec!["inkoper1", "beoordelaar1", "gemeente-alkmaar", "waarnemer1"], 200),
        ("POST /api/save_award_method", vec![("id", "1"), ("criteria", ""), ("prijsmethode", "onbekend"), ("beslisregels", "")], vec!["inkoper1"], 400),
        ("POST /api/simulate_award", vec![("id", "1"), ("inschrijvingen", "")], vec!["inkoper1"], 400),
        ("POST /api/buyers_view", vec![("id", "1")], vec!["rol"], 200),
        ("PAGE /aanbesteding/{id}/gemeenten", vec![], vec!["rol"], 200),
        ("POST /api/withdraw_gemeente", vec![("id", "1"), ("gemeente", "alkmaar"), ("reden", ""), ("besluit", "")], vec!["inkoper1", "gemeente-alkmaar"], 400),
        // Signing belongs to the inkoper and the gemeenten, but not in this phase: a 409 that says why.
        ("POST /api/sign_gemeente", vec![("id", "1"), ("gemeente", "alkmaar")], vec!["inkoper1", "gemeente-alkmaar"], 409),
        ("POST /api/set_shares", vec![("id", "1"), ("regel", "onbekend")], vec!["inkoper1"], 400),
        ("PAGE /aanbesteding/{id}/gunningsmethode", vec![], vec!["inkoper1", "beoordelaar1", "gemeente-alkmaar", "waarnemer1"], 200),
        ("POST /api/nvi_view", vec![("id", "1")], vec!["inkoper1"], 200),
        ("POST /api/ask_question", vec![("id", "1"), ("ronde", "1"), ("vraag", "x")], vec![], 200),
        ("POST /api/answer_question", vec![("id", "1"), ("vraag", "999"), ("antwoord", "x")], vec!["inkoper1"], 404),
        ("POST /api/merge_question", vec![("id", "1"), ("vraag", "998"), ("met", "999")], vec!["inkoper1"], 404),
        ("POST /api/create_nvi_round", vec![("id", "1"), ("titel", "x"), ("termijn", "nooit")], vec!["inkoper1"], 400),
        ("POST /api/publish_nvi", vec![("id", "1"), ("ronde", "999")], vec!["inkoper1"], 404),
        ("PAGE /aanbesteding/{id}/vragen", vec![], vec!["inkoper1"], 200),
        ("POST /api/dialogue_view", vec![("id", "1")], vec!["inkoper1"], 200),
        ("POST /api/create_dialogue_round", vec![("id", "1"), ("titel", "x"), ("themas", "")], vec![], 200),
        ("POST /api/add_dialogue_slot", vec![("id", "1"), ("ronde", "1"), ("begin", "x"), ("einde", "y"), ("locatie", "z")], vec![], 200),
        ("POST /api/book_dialogue_slot", vec![("id", "1"), ("slot", "1")], vec![], 200),
        ("POST /api/assign_dialogue_slot", vec![("id", "1"), ("slot", "1"), ("organisatie", "1")], vec![], 200),
        ("POST /api/write_minutes", vec![("id", "1"), ("slot", "1"), ("verslag", "x")], vec![], 200),
        ("POST /api/respond_minutes", vec![("id", "1"), ("slot", "1"), ("akkoord", "true")], vec![], 200),
        ("POST /api/share_with_all", vec![("id", "1"), ("slot", "1"), ("tekst", "x")], vec![], 200),
        ("POST /api/close_dialogue_round", vec![("id", "1"), ("ronde", "1"), ("uitkomst", "x")], vec![], 200),
        ("PAGE /aanbesteding/{id}/dialoog", vec![], vec!["inkoper1"], 200),
        ("POST /api/bid_view", vec![("id", "1")], vec!["aanbieder1"], 200),
        ("POST /api/save_form_part", vec![("id", "1"), ("onderdeel", "3"), ("tekst", "x")], vec![], 200),
        ("POST /api/remove_part", vec![("id", "1"), ("onderdeel", "3")], vec![], 200),
        ("POST /api/submit_bid", vec![("id", "1"), ("sleutel", "sleutel-123456")], vec![], 200),
        ("POST /api/withdraw_bid", vec![("id", "1")], vec![], 200),
        ("POST /api/receipt_view", vec![("id", "1"), ("ontvangst", "999")], vec!["rol"], 404),
        ("PAGE /aanbesteding/{id}/inschrijving", vec![], vec!["aanbieder1"], 200),
        ("PAGE /aanbesteding/{id}/ontvangstbevestiging/{receipt}", vec![], vec!["rol"], 404),
        ("POST /api/opening_view", vec![("id", "1")], vec!["inkoper1", "waarnemer1"], 200),
        ("POST /api/start_opening", vec![("id", "1"), ("zegelwachtwoord", SEAL)], vec![], 200),
        ("POST /api/confirm_opening", vec![("id", "1"), ("zegelwachtwoord", SEAL)], vec![], 200),
        ("POST /api/opening_record", vec![("id", "1")], vec!["inkoper1", "waarnemer1"], 200),
        ("PAGE /aanbesteding/{id}/opening", vec![], vec!["inkoper1", "waarnemer1"], 200),
        // The evaluation (the panel can be prepared before publication; scoring only in its phase).
        ("POST /api/evaluation_view", vec![("id", "1")], vec!["inkoper1", "beoordelaar1", "waarnemer1"], 200),
        ("PAGE /aanbesteding/{id}/beoordeling", vec![], vec!["inkoper1", "beoordelaar1", "waarnemer1"], 200),
        ("GET /export/beoordeling/{tender}", vec![], vec!["inkoper1", "beoordelaar1", "waarnemer1"], 200),
        ("GET /bestand/beoordeling/{tender}/{plan}/{part}", vec![], vec!["inkoper1"], 404),
        ("POST /api/appoint_evaluator", vec![("id", "1"), ("gebruikersnaam", "x")], vec!["inkoper1"], 400),
        ("POST /api/set_chair", vec![("id", "1"), ("beoordelaar", "999")], vec!["inkoper1"], 404),
        ("POST /api/replace_evaluator", vec![("id", "1"), ("beoordelaar", "999"), ("reden", ""), ("gebruikersnaam", "x")], vec!["inkoper1"], 400),
        ("POST /api/check_declaration", vec![("id", "1"), ("beoordelaar", "999"), ("uitkomst", "x")], vec!["inkoper1"], 400),
        ("POST /api/sign_declaration", vec![("id", "1"), ("belangen", "geen")], vec!["beoordelaar1"], 400),
        ("POST /api/flag_plan", vec![("id", "1"), ("plan", "K"), ("melding", "x")], vec![], 200),
        ("POST /api/decide_flag", vec![("id", "1"), ("melding", "999"), ("besluit", "x"), ("motivering", "")], vec!["inkoper1"], 400),
        ("POST /api/save_score", vec![("id", "1"), ("plan", "K"), ("criterium", "K1"), ("niveau", "6"), ("motivering", "x")], vec![], 200),
        ("POST /api/lock_sheet", vec![("id", "1")], vec![], 200),
        ("POST /api/open_consensus", vec![("id", "1")], vec![], 200),
        ("POST /api/save_consensus", vec![("id", "1"), ("plan", "K"), ("criterium", "K1"), ("niveau", "6"), ("motivering", "x")], vec![], 200),
        ("POST /api/lock_consensus", vec![("id", "1")], vec![], 200),
        ("POST /api/record_lot", vec![("id", "1"), ("volgorde", "K, P")], vec!["inkoper1"], 409),
        // The award decision, objections and the contract.
        ("POST /api/decision_view", vec![("id", "1")], vec!["inkoper1", "waarnemer1"], 200),
        ("PAGE /aanbesteding/{id}/gunning", vec![], vec!["inkoper1", "waarnemer1"], 200),
        ("POST /api/save_advantages", vec![("id", "1"), ("tekst", "x")], vec![], 200),
        ("POST /api/save_letter_note", vec![("id", "1"), ("inschrijving", "1"), ("tekst", "x")], vec![], 200),
        ("POST /api/send_award_decision", vec![("id", "1")], vec![], 200),
        ("POST /api/register_objection", vec![("id", "1"), ("soort", "bezwaar"), ("ingediend_door", "x"), ("ontvangen", "x"), ("omschrijving", "x")], vec![], 200),
        ("POST /api/decide_objection", vec![("id", "1"), ("bezwaar", "1"), ("uitkomst", "hervat"), ("toelichting", "x")], vec![], 200),
        ("POST /api/contract_view", vec![("id", "1")], vec!["inkoper1", "gemeente-alkmaar", "waarnemer1"], 200),
        ("POST /api/notices_view", vec![("id", "1")], vec!["inkoper1", "waarnemer1"], 200),
        ("PAGE /aanbesteding/{id}/aankondigingen", vec![], vec!["inkoper1", "waarnemer1"], 200),
        ("PAGE /aanbesteding/{id}/contract", vec![], vec!["inkoper1", "gemeente-alkmaar", "waarnemer1"], 200),
        ("POST /api/decide_option", vec![("id", "1"), ("optie", "1"), ("besluit", "uitoefenen"), ("kenmerk", "x")], vec![], 200),
        ("POST /api/tender_banner", vec![("id", "1")], vec!["rol"], 200),
        ("POST /api/set_terms", vec![("id", "1"), ("standstill_dagen", "x"), ("opzegtermijn", "y")], vec!["inkoper1"], 400),
        // The portal.
        ("POST /api/open_tenders", vec![], vec!["public"], 200),
        ("POST /api/register_organisation", vec![("kvk", "1")], vec!["public"], 400),
        ("POST /api/my_organisation", vec![], vec!["aanbieder1"], 200),
        ("POST /api/join_tender", vec![("aanbesteding", "1")], vec!["aanbieder1"], 409),
        ("POST /api/invite_colleague", vec![("naam", ""), ("email", "x"), ("gebruikersnaam", "x")], vec!["aanbieder1"], 400),
        ("POST /api/inbox", vec![], vec!["*"], 200),
        ("PAGE /registreren", vec![], vec!["public"], 200),
        ("PAGE /toegankelijkheid", vec![], vec!["public"], 200),
        ("POST /api/accessibility_contact", vec![], vec!["public"], 200),
        ("PAGE /organisatie", vec![], vec!["aanbieder1"], 200),
        ("PAGE /berichten", vec![], vec!["*"], 200),
        // Files: uploads refuse before reading the body; nothing is sealed-readable in concept.
        ("POST /upload/inschrijving/{tender}/{part}", vec![], vec![], 200),
        ("POST /upload/document/{tender}", vec![], vec!["inkoper1"], 400),
        ("GET /bestand/document/{tender}/{version}", vec![], vec!["inkoper1", "beoordelaar1", "gemeente-alkmaar", "waarnemer1"], 404),
        ("GET /bestand/inschrijving/{tender}/{part}", vec![], vec![], 200),
        ("GET /ontvangstbevestiging/{tender}/{receipt}", vec![], vec!["rol"], 404),
        // Open data: for anyone from publication on (the demo tender is not yet published).
        ("GET /ocds/{file}", vec![], vec!["public"], 404),
        // Documents of record: only for a signed-in account, and only a
        // document that exists (who may read which one: the procedure tests).
        ("GET /stukken/{tender}/{file}", vec![], vec!["*"], 404),
        // The dossier: for the tender's inkopers and waarnemers, in any phase.
        ("GET /stukken/{tender}/dossier.zip", vec![], vec!["inkoper1", "waarnemer1"], 200),
    ];
    let listed: Vec<&str> = table.iter().map(|t| t.0).collect();
    for r in &routes {
        assert!(listed.contains(r), "route {r} has no entry in the access test");
    }
    for l in &listed {
        assert!(routes.contains(l), "access test lists {l}, which the server does not have");
    }

    let mut clients = vec![("anoniem", s.client())];
    for u in USERS {
        clients.push((u, s.login(u).await));
    }
    for (route, form, allowed, ok_status) in &table {
        let (kind, path) = route.split_once(' ').unwrap();
        let path = path.replace("{id}", "1").replace("{tender}", "1").replace("{receipt}", "999").replace("{version}", "999").replace("{part}", "4").replace("{plan}", "K").replace("{file}", "1.json");
        for (who, c) in clients.iter_mut() {
            if *route == "POST /api/logout" || *route == "POST /api/login" {
                continue; // would change the client's own session; covered elsewhere
            }
            let may = allowed.contains(&"public")
                || allowed.contains(who)
                || (allowed.contains(&"*") && *who != "anoniem")
                || (allowed.contains(&"rol") && ROLES.contains(who));
            let r = match kind {
                "POST" => c.post_form(&path, form).await,
                _ => c.get(&path).await,
            };
            if may {
                assert!(r.status == *ok_status, "{who} may use {route}, got {}: {}", r.status, &r.body[..r.body.len().min(300)]);
            } else if *who == "anoniem" {
                let to_login = r.status == 302 && r.location.as_deref() == Some("/inloggen");
                assert!(r.status == 401 || to_login, "anonymous {route}: {}", r.status);
            } else {
                assert_eq!(r.status, 403, "{who} must be refused {route}: {}", &r.body[..r.body.len().min(300)]);
            }
        }
    }
}

#[tokio::test]
async fn the_audit_trail_page_shows_events_filters_and_an_intact_chain() {
    let s = Server::start().await;
    let mut c = s.login("waarnemer1").await;
    let page = c.get("/audittrail").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("De audittrail is intact."), "live verification");
    assert!(page.body.contains("tender.seeded"));
    assert!(page.body.contains("auth.login"));
    let filtered = c.get("/audittrail?actie=tender.seeded").await;
    assert!(filtered.body.contains("1 events, pagina 1 van 1"), "filter by action");
    let r = c.post_form("/api/write_checkpoint", &[("tender", "1")]).await;
    assert_eq!(r.status, 403, "a waarnemer cannot write");
}

#[tokio::test]
async fn every_login_and_failed_login_is_an_audit_event_without_personal_data_in_the_hashed_entry() {
    let s = Server::start().await;
    let mut anon = s.client();
    anon.post_form("/api/login", &[("username", "gemeente-heiloo"), ("password", "fout")]).await;
    let mut c = s.login("inkoper1").await;
    let export = c.get("/export/audittrail.jsonl").await;
    assert_eq!(export.status, 200);
    let lines: Vec<serde_json::Value> = export.body.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let failed = lines.iter().filter(|l| l["entry"]["action"] == "auth.login_failed").count();
    let ok = lines.iter().filter(|l| l["entry"]["action"] == "auth.login").count();
    assert!(failed >= 1 && ok >= 1);
    for l in &lines[1..] {
        let entry = l["entry"].to_string();
        for personal in ["gemeente-heiloo", "inkoper1", "Inkoper Een", "127.0.0.1"] {
            assert!(!entry.contains(personal), "hashed entry holds {personal}: {entry}");
        }
    }
}
