//! A real installation: the first start makes a beheerder, who must set up a
//! second factor; accounts are created by invitation (nobody but the invitee
//! sees a password); the beheerder deactivates, reactivates, resets second
//! factors and anonymises, and every refusal of those has a Dutch reason.

mod common;
use common::*;

const ADMIN_PASSWORD: &str = "een-lang-geheim-wachtwoord";

async fn installation() -> Server {
    Server::fresh(&[("DIALOOG_ADMIN_PASSWORD", ADMIN_PASSWORD)]).await
}

/// The beheerder of a fresh installation, logged in with a second factor.
async fn beheerder(s: &Server) -> (Client, Authenticator) {
    let mut c = s.client();
    ok(&mut c, "/api/login", &[("username", "beheerder"), ("password", ADMIN_PASSWORD)]).await;
    let (app, codes) = c.enrol().await;
    assert_eq!(codes.len(), 10);
    (c, app)
}

/// Creates an account by invitation and has its owner accept and enrol.
async fn invited(s: &Server, admin: &mut Client, username: &str, email: &str, password: &str) -> (Client, Authenticator) {
    ok(admin, "/api/create_account", &[("gebruikersnaam", username), ("naam", &format!("Mevr. {username}")), ("email", email)]).await;
    let token = s.invitation_token(email);
    let mut c = s.client();
    c.accept_invitation(&token, password).await;
    let (app, _) = c.enrol().await;
    (c, app)
}

#[tokio::test]
async fn a_fresh_installation_starts_with_a_beheerder_who_must_set_up_a_second_factor_first() {
    let s = installation().await;
    let mut c = s.client();
    ok(&mut c, "/api/login", &[("username", "beheerder"), ("password", ADMIN_PASSWORD)]).await;
    let r = c.post_form("/api/dashboard", &[]).await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("SecondFactorRequired"), "{}", r.body);
    let page = c.get("/").await;
    assert_eq!((page.status, page.location.as_deref()), (302, Some("/tweede-factor")));
    let page = c.get("/tweede-factor").await;
    assert!(page.body.contains("<svg") && page.body.contains("totp-sleutel"), "the QR code is drawn on the server");
    let r = c.post_form("/api/enrol_second_factor", &[("code", "000000")]).await;
    assert_eq!(r.status, 400, "a wrong first code: {}", r.body);
    let (mut app, codes) = c.enrol().await;
    assert_eq!(codes.len(), 10);
    ok(&mut c, "/api/accounts_view", &[]).await;
    // The beheerder has no role in the seeded tender and sees none of its content.
    for path in ["/api/tender_overview", "/api/documents_view", "/api/evaluation_view", "/api/opening_view"] {
        let r = c.post_form(path, &[("id", "1")]).await;
        assert_eq!(r.status, 403, "{path}: {}", r.body);
    }
    let list = json(&ok(&mut c, "/api/all_tenders", &[]).await);
    assert_eq!(list[0]["reference"], "JST-VO-2023", "but the list of tenders, without content");

    // The next log-in asks for a code; a code is good once.
    ok(&mut c, "/api/logout", &[]).await;
    let mut c = s.client();
    ok(&mut c, "/api/login", &[("username", "beheerder"), ("password", ADMIN_PASSWORD)]).await;
    assert_eq!(c.post_form("/api/dashboard", &[]).await.status, 401, "not in before the code");
    let used = app.last_code().expect("the enrolment's code");
    let r = c.post_form("/api/login_code", &[("code", "12345")]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let r = c.post_form("/api/login_code", &[("code", &used)]).await;
    assert!(r.status == 400 && (r.body.contains("al gebruikt") || r.body.contains("klopt niet")), "{}", r.body);
    let code = app.next_code().await;
    ok(&mut c, "/api/login_code", &[("code", &code)]).await;
    ok(&mut c, "/api/dashboard", &[]).await;
    let mut again = s.client();
    ok(&mut again, "/api/login", &[("username", "beheerder"), ("password", ADMIN_PASSWORD)]).await;
    let r = again.post_form("/api/login_code", &[("code", &code)]).await;
    assert_eq!(r.status, 400, "the same code twice: {}", r.body);
    assert!(r.body.contains("al gebruikt"), "{}", r.body);
    // A recovery code works once.
    ok(&mut again, "/api/login_code", &[("code", &codes[0].to_uppercase())]).await;
    let mut third = s.client();
    ok(&mut third, "/api/login", &[("username", "beheerder"), ("password", ADMIN_PASSWORD)]).await;
    let r = third.post_form("/api/login_code", &[("code", &codes[0])]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let export = s.command(&["audit", "export"]).output().unwrap();
    let export = String::from_utf8_lossy(&export.stdout);
    for action in ["account.second_factor_enrolled", "auth.password_accepted", "\"factor\":\"herstelcode\"", "onjuiste code"] {
        assert!(export.contains(action), "{action}");
    }
}

#[tokio::test]
async fn wrong_codes_hold_the_account_for_devices_that_never_logged_in() {
    let s = installation().await;
    let (_, _) = beheerder(&s).await;
    let mut c = s.client();
    ok(&mut c, "/api/login", &[("username", "beheerder"), ("password", ADMIN_PASSWORD)]).await;
    let mut statuses = vec![];
    for _ in 0..5 {
        statuses.push(c.post_form("/api/login_code", &[("code", "000000")]).await.status);
    }
    assert_eq!(statuses, [400, 400, 400, 400, 429]);
    let mut d = s.client();
    let r = d.post_form("/api/login", &[("username", "beheerder"), ("password", ADMIN_PASSWORD)]).await;
    assert_eq!(r.status, 429, "held for every device that never logged in: {}", r.body);
}

#[tokio::test]
async fn an_invitation_is_a_single_use_link_that_expires_and_nobody_else_sees_the_password() {
    let s = installation().await;
    let (mut admin, _) = beheerder(&s).await;
    // Refusals when creating, each with its reason.
    for (form, status, text) in [
        (vec![("gebruikersnaam", "x"), ("naam", "X"), ("email", "x@alkmaar.example")], 400, "3 tot 40 tekens"),
        (vec![("gebruikersnaam", "jvries"), ("naam", " "), ("email", "j@alkmaar.example")], 400, "naam"),
        (vec![("gebruikersnaam", "jvries"), ("naam", "J. de Vries"), ("email", "geen adres")], 400, "e-mailadres"),
        (vec![("gebruikersnaam", "beheerder"), ("naam", "J. de Vries"), ("email", "j@alkmaar.example")], 409, "al in gebruik"),
    ] {
        let r = admin.post_form("/api/create_account", &form).await;
        assert_eq!(r.status, status, "{form:?}: {}", r.body);
        assert!(r.body.contains(text), "{form:?}: {}", r.body);
    }
    ok(&mut admin, "/api/create_account", &[("gebruikersnaam", "jvries"), ("naam", "J. de Vries"), ("email", "j@alkmaar.example"), ("aanmaken", "ja")]).await;
    let out = s.outbox();
    assert!(out.contains("aan: j@alkmaar.example · [Dialoog] Uitnodiging voor Dialoog"), "{out}");
    assert!(out.contains("jvries"), "the e-mail names the user name");
    let token = s.invitation_token("j@alkmaar.example");
    assert!(token.len() >= 43, "256 random bits: {token}");
    // Only the token's hash is stored.
    let accounts = json(&ok(&mut admin, "/api/accounts_view", &[("zoek", "VRIES")]).await);
    assert_eq!(accounts["total"], 1, "search ignores case: {accounts}");
    assert_eq!(accounts["rows"][0]["status"], "uitgenodigd");
    assert_eq!(accounts["rows"][0]["creates_tenders"], true);
    assert!(!accounts.to_string().contains(&token));

    let mut anon = s.client();
    let page = anon.get("/uitnodiging?t=bestaat-niet").await;
    assert_eq!(page.status, 404);
    assert!(page.body.contains("Deze uitnodigingslink kennen we niet"), "a Dutch page, not a 500");
    let page = anon.get(&format!("/uitnodiging?t={token}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("J. de Vries") && page.body.contains("jvries"));
    let r = anon.post_form("/api/accept_invitation", &[("t", &token), ("new_password", "kort"), ("repeat", "kort")]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let r = anon.post_form("/api/accept_invitation", &[("t", &token), ("new_password", "paarse olifant danst"), ("repeat", "paarse olifant")]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    // A second invitation replaces the first.
    let id = accounts["rows"][0]["id"].to_string();
    ok(&mut admin, "/api/invite_account", &[("account", &id)]).await;
    let r = anon.post_form("/api/accept_invitation", &[("t", &token), ("new_password", "paarse olifant danst"), ("repeat", "paarse olifant danst")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("vervangen door een nieuwere"), "{}", r.body);
    let token = s.invitation_token("j@alkmaar.example");
    anon.accept_invitation(&token, "paarse olifant danst").await;
    // Straight on to the second factor: nothing else before it.
    assert_eq!(anon.post_form("/api/dashboard", &[]).await.status, 403);
    let (_, _) = anon.enrol().await;
    ok(&mut anon, "/api/dashboard", &[]).await;
    let r = s.client().post_form("/api/accept_invitation", &[("t", &token), ("new_password", "iets heel anders nu"), ("repeat", "iets heel anders nu")]).await;
    assert_eq!(r.status, 409, "used once: {}", r.body);
    assert!(r.body.contains("al gebruikt"), "{}", r.body);

    // An invitation older than 72 hours no longer works.
    ok(&mut admin, "/api/create_account", &[("gebruikersnaam", "pbakker"), ("naam", "P. Bakker"), ("email", "p@heiloo.example")]).await;
    let late = s.invitation_token("p@heiloo.example");
    s.db.execute("UPDATE invitations SET expires_at = '2020-01-01T00:00:00+00:00' WHERE used_at IS NULL AND revoked_at IS NULL").await;
    let page = s.client().get(&format!("/uitnodiging?t={late}")).await;
    assert_eq!(page.status, 409);
    assert!(page.body.contains("verlopen"), "{}", page.body);
    let accounts = json(&ok(&mut admin, "/api/accounts_view", &[("zoek", "bakker")]).await);
    assert_eq!(accounts["rows"][0]["status"], "uitnodiging verlopen");
    // And a deactivated account's link stops working.
    let pid = accounts["rows"][0]["id"].to_string();
    ok(&mut admin, "/api/invite_account", &[("account", &pid)]).await;
    let fresh = s.invitation_token("p@heiloo.example");
    ok(&mut admin, "/api/deactivate_account", &[("account", &pid)]).await;
    let r = s.client().post_form("/api/accept_invitation", &[("t", &fresh), ("new_password", "paarse olifant danst"), ("repeat", "paarse olifant danst")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
}

#[tokio::test]
async fn the_beheerder_deactivates_resets_and_anonymises_with_a_reason_for_every_refusal() {
    let s = installation().await;
    let (mut admin, _) = beheerder(&s).await;
    let me = json(&ok(&mut admin, "/api/accounts_view", &[("zoek", "beheerder")]).await)["rows"][0]["id"].to_string();
    let (mut user, _) = invited(&s, &mut admin, "kjansen", "k@castricum.example", "een goede zin van woorden").await;
    let kid = json(&ok(&mut admin, "/api/accounts_view", &[("zoek", "kjansen")]).await)["rows"][0]["id"].to_string();

    // The last beheerder stays one, and nobody deactivates or anonymises themselves.
    for (path, form, text) in [
        ("/api/deactivate_account", vec![("account", me.as_str())], "eigen account"),
        ("/api/set_account_rights", vec![("account", me.as_str())], "enige actieve functioneel beheerder"),
        ("/api/anonymise_account", vec![("account", me.as_str()), ("reden", "x"), ("akkoord", "ja")], "eigen account"),
        ("/api/reactivate_account", vec![("account", kid.as_str())], "al actief"),
        ("/api/set_account_rights", vec![("account", kid.as_str())], "verandert niets"),
    ] {
        let r = admin.post_form(path, &form).await;
        assert_eq!(r.status, 409, "{path}: {}", r.body);
        assert!(r.body.contains(text), "{path}: {}", r.body);
    }
    // Reset of the second factor: the user enrols again before anything else.
    ok(&mut admin, "/api/reset_second_factor", &[("account", &kid)]).await;
    let r = admin.post_form("/api/reset_second_factor", &[("account", &kid)]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    let mut k = s.client();
    ok(&mut k, "/api/login", &[("username", "kjansen"), ("password", "een goede zin van woorden")]).await;
    assert_eq!(k.post_form("/api/dashboard", &[]).await.status, 403, "enrol first");
    let _ = k.enrol().await;
    ok(&mut k, "/api/dashboard", &[]).await;

    // Deactivated: existing sessions stop, log-ins are refused, reactivation restores.
    ok(&mut admin, "/api/deactivate_account", &[("account", &kid)]).await;
    assert_eq!(user.post_form("/api/dashboard", &[]).await.status, 401);
    let r = s.client().post_form("/api/login", &[("username", "kjansen"), ("password", "een goede zin van woorden")]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let r = admin.post_form("/api/deactivate_account", &[("account", &kid)]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    ok(&mut admin, "/api/reactivate_account", &[("account", &kid)]).await;

    // Anonymised: name, e-mail and user name replaced, the trail still verifies.
    let r = admin.post_form("/api/anonymise_account", &[("account", &kid), ("reden", "AVG-verzoek 2026-31")]).await;
    assert_eq!(r.status, 400, "the box must be ticked: {}", r.body);
    ok(&mut admin, "/api/anonymise_account", &[("account", &kid), ("reden", "AVG-verzoek 2026-31"), ("akkoord", "ja")]).await;
    let list = ok(&mut admin, "/api/accounts_view", &[]).await.body;
    assert!(!list.contains("kjansen") && !list.contains("k@castricum.example") && !list.contains("Mevr. kjansen"), "{list}");
    assert!(list.contains("Geanonimiseerd account") && list.contains("geanonimiseerd"));
    for path in ["/api/invite_account", "/api/reactivate_account"] {
        let r = admin.post_form(path, &[("account", &kid)]).await;
        assert_eq!(r.status, 409, "{path}: {}", r.body);
    }
    let r = s.client().post_form("/api/login", &[("username", "kjansen"), ("password", "een goede zin van woorden")]).await;
    assert_eq!(r.status, 400);
    let (code, export, _) = run(&mut s.command(&["audit", "export"]));
    assert_eq!(code, 0);
    assert!(!export.contains("k@castricum.example") && !export.contains("Mevr. kjansen"), "personal data erased from the payloads");
    assert!(export.contains("account.anonymised") && export.contains("audit.payload_erased"));
    let f = s.dir.path().join("export.jsonl");
    std::fs::write(&f, &export).unwrap();
    let (code, out, _) = run(&mut s.command(&["audit", "verify", f.to_str().unwrap()]));
    assert_eq!(code, 0, "the trail still verifies: {out}");
}

#[tokio::test]
async fn bidders_cannot_get_buyer_rights_and_may_enrol_a_second_factor_of_their_own() {
    let s = Server::start().await;
    let mut admin = s.login("beheerder1").await;
    let v = json(&ok(&mut admin, "/api/accounts_view", &[("zoek", "aanbieder1")]).await);
    let id = v["rows"][0]["id"].to_string();
    let r = admin.post_form("/api/set_account_rights", &[("account", &id), ("aanmaken", "ja")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("inschrijvende organisatie"), "{}", r.body);
    // A bidder's colleague is invited too; the bidder may enrol, and then needs codes.
    let mut a = s.login("aanbieder1").await;
    let r = ok(&mut a, "/api/invite_colleague", &[("naam", "P. Jansen"), ("email", "p@kennemerland.example"), ("gebruikersnaam", "pjansen")]).await;
    assert!(r.body.contains("pjansen"));
    assert!(!r.body.contains("wachtwoord"), "no password is handed to the inviter");
    let token = s.invitation_token("p@kennemerland.example");
    let mut p = s.client();
    p.accept_invitation(&token, "een zin voor de collega").await;
    ok(&mut p, "/api/my_organisation", &[]).await;
    let (mut app, _) = a.enrol().await;
    let mut again = s.client();
    ok(&mut again, "/api/login", &[("username", "aanbieder1"), ("password", DEMO_PASSWORD)]).await;
    assert_eq!(again.post_form("/api/my_organisation", &[]).await.status, 401);
    let code = app.next_code().await;
    ok(&mut again, "/api/login_code", &[("code", &code)]).await;
    ok(&mut again, "/api/my_organisation", &[]).await;
}

#[tokio::test]
async fn each_inkoper_confirms_the_opening_and_the_chair_the_consensus_lock_with_a_fresh_code() {
    let mut s = published().await.bids(2).await.deadline_passed().await;
    let (mut app1, _) = s.inkoper.enrol().await;
    let (mut app2, _) = s.inkoper2.enrol().await;
    let open = [("id", scenario::TENDER), ("zegelwachtwoord", SEAL)];
    let r = s.inkoper.post_form("/api/start_opening", &open).await;
    assert_eq!(r.status, 400, "a code is asked: {}", r.body);
    let r = s.inkoper.post_form("/api/start_opening", &[("id", scenario::TENDER), ("zegelwachtwoord", SEAL), ("code", "000000")]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let last = app1.last_code().unwrap();
    let r = s.inkoper.post_form("/api/start_opening", &[("id", scenario::TENDER), ("zegelwachtwoord", SEAL), ("code", &last)]).await;
    assert_eq!(r.status, 400, "the enrolment's code again: {}", r.body);
    let code = app1.next_code().await;
    ok(&mut s.inkoper, "/api/start_opening", &[("id", scenario::TENDER), ("zegelwachtwoord", SEAL), ("code", &code)]).await;
    // The second inkoper's code is their own: the first one's does not do.
    let r = s.inkoper2.post_form("/api/confirm_opening", &[("id", scenario::TENDER), ("zegelwachtwoord", SEAL), ("code", &app1.next_code().await)]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let code = app2.next_code().await;
    ok(&mut s.inkoper2, "/api/confirm_opening", &[("id", scenario::TENDER), ("zegelwachtwoord", SEAL), ("code", &code)]).await;
    assert!(ok(&mut s.inkoper, "/api/opening_view", &open).await.body.contains("\"opened\":true"));

    let mut s = s.panel(3).await.scored().await.consensus_opened().await.consensus_recorded().await;
    let (mut chair_app, _) = s.chair().enrol().await;
    let r = s.chair().post_form("/api/lock_consensus", &open).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let code = chair_app.next_code().await;
    ok(s.chair(), "/api/lock_consensus", &[("id", scenario::TENDER), ("code", &code)]).await;
    let (_, export, _) = run(&mut s.server.command(&["audit", "export"]));
    assert!(export.contains("onjuiste code bij bevestiging"), "refused codes are counted");
}
