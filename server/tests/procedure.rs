//! The procedure over HTTP on the seeded (training) tender: publication, a
//! question round and its NvI, sealed submission with a receipt, late is late,
//! and the four-eyes opening.

mod common;
use common::*;
use sha2::{Digest, Sha256};

fn sha(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

const SEALED: &[u8] = b"GEHEIM-KWALITEITSPLAN-7731 met de aanpak per school";

#[tokio::test]
async fn a_tender_runs_from_publication_to_a_four_eyes_opening() {
    let s = Server::start().await;
    let mut ink = s.login("inkoper1").await;
    let mut ink2 = s.login("inkoper2").await;
    let mut a1 = s.login("aanbieder1").await;
    let mut a2 = s.login("aanbieder2").await;

    // Publication needs its date: the simulated clock starts on 1 May 2023.
    let r = ink.post_form("/api/change_phase", &[("id", "1"), ("to", "gepubliceerd")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("17-05-2023 09:00 (+02:00)"), "{}", r.body);
    ok(&mut ink, "/api/set_training_clock", &[("id", "1"), ("tijd", "2023-05-17T09:00")]).await;
    ok(&mut ink, "/api/change_phase", &[("id", "1"), ("to", "gepubliceerd")]).await;
    // The published documents are frozen.
    let r = ink.post_form("/api/save_markdown_document", &[("id", "1"), ("doc", "1"), ("tekst", "# nieuw")]).await;
    assert_eq!(r.status, 409, "{}", r.body);

    // Questions: the inkoper sees who asked, other bidders never do.
    ok(&mut a1, "/api/ask_question", &[("id", "1"), ("ronde", "1"), ("referentie", "Leidraad 2"), ("vraag", "Mag een consortium inschrijven?")]).await;
    let seen_by_ink = ok(&mut ink, "/api/nvi_view", &[("id", "1")]).await;
    assert!(seen_by_ink.body.contains("Jeugdhulp Kennemerland B.V. (demo)"), "{}", seen_by_ink.body);
    let seen_by_a2 = ok(&mut a2, "/api/nvi_view", &[("id", "1")]).await;
    assert!(!seen_by_a2.body.contains("consortium"), "another bidder's unpublished question leaked");
    // After the round's deadline, a question is refused, to the second.
    ok(&mut ink, "/api/set_training_clock", &[("id", "1"), ("tijd", "2023-06-07T12:00:01")]).await;
    let r = a2.post_form("/api/ask_question", &[("id", "1"), ("ronde", "1"), ("vraag", "Te laat?")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("verstreken"), "{}", r.body);
    // Answer and publish as NvI 1; every bidder gets it, nobody sees the asker.
    let qid = {
        let v: serde_json::Value = serde_json::from_str(&seen_by_ink.body).unwrap();
        v["rounds"][0]["questions"][0]["id"].as_i64().unwrap().to_string()
    };
    ok(&mut ink, "/api/answer_question", &[("id", "1"), ("vraag", &qid), ("antwoord", "Ja, mits **één** penvoerder.")]).await;
    let r = ok(&mut ink, "/api/publish_nvi", &[("id", "1"), ("ronde", "1"), ("toelichting", "Antwoorden ronde 1")]).await;
    assert_eq!(r.body.trim(), "1");
    let r = ink.post_form("/api/answer_question", &[("id", "1"), ("vraag", &qid), ("antwoord", "Toch niet")]).await;
    assert_eq!(r.status, 409, "published answers never change: {}", r.body);
    let nvi = ok(&mut a2, "/api/nvi_view", &[("id", "1")]).await;
    assert!(nvi.body.contains("consortium") && nvi.body.contains("<strong>één</strong>"), "{}", nvi.body);
    assert!(!nvi.body.contains("Jeugdhulp Kennemerland"), "the asker is never shown to other bidders");
    let inbox = ok(&mut a2, "/api/inbox", &[]).await;
    assert!(inbox.body.contains("Nota van Inlichtingen 1"), "{}", inbox.body);
    // The NvI as a document of record (PDF/UA-1 and PDF/A-2a): the same
    // question and answer, still without the asker. A bidder's copy names the
    // event that published it; the size of the trail is not a bidder's to see.
    let (pages, text) = pdf_checked(&s, &mut a2, "/stukken/1/nota-van-inlichtingen.pdf").await;
    assert_eq!(pages, 1, "{text}");
    assert!(text.contains("Nota's van Inlichtingen") && text.contains("Nota van Inlichtingen 1: "), "{text}");
    assert!(text.contains("Vraag 1.1 (Leidraad 2)") && text.contains("Mag een consortium inschrijven?"), "{text}");
    assert!(text.contains("Ja, mits één penvoerder."), "Markdown is read as text: {text}");
    assert!(!text.contains("Jeugdhulp Kennemerland") && !text.contains("gebeurtenissen"), "{text}");
    let export = ink.get("/export/audittrail.jsonl").await.body;
    let published = export
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|l| l["entry"]["action"] == "nvi.published")
        .last()
        .unwrap();
    let fp = published["hash"].as_str().unwrap();
    assert!(text.contains(&format!("Vastgelegd in de audittrail als gebeurtenis {fp}")), "{fp}: {text}");
    // The inkoper's copy carries the audit head at that moment.
    let (_, text) = pdf_checked(&s, &mut ink, "/stukken/1/nota-van-inlichtingen.pdf").await;
    assert!(text.contains("Audittrail op dat moment: ") && text.contains(" gebeurtenissen, wortel "), "{text}");
    assert!(text.contains("Gemaakt op 07-06-2023 12:00 (+02:00) met Dialoog"), "on the tender's clock: {text}");

    // Submission opens.
    ok(&mut ink, "/api/change_phase", &[("id", "1"), ("to", "inschrijving")]).await;
    ok(&mut ink, "/api/set_training_clock", &[("id", "1"), ("tijd", "2023-06-29T10:00")]).await;

    // Bidder 1 prepares and submits.
    let uea = b"%PDF-1.7 UEA van aanbieder 1".to_vec();
    let kvk = b"%PDF-1.7 KvK-uittreksel".to_vec();
    for (part, name, bytes) in [("1", "uea.pdf", &uea), ("2", "kvk.pdf", &kvk), ("4", "plan.pdf", &SEALED.to_vec())] {
        let r = a1.upload(&format!("/upload/inschrijving/1/{part}"), &[], name, bytes).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains(&sha(bytes)), "{}", r.body);
    }
    let r = a1.upload("/upload/inschrijving/1/1", &[], "virus.exe", b"MZ").await;
    assert_eq!(r.status, 400, "{}", r.body);
    // Over the limit: a clear 413 and nothing stored.
    let big = vec![b'x'; 10_000_001];
    let r = a1.upload("/upload/inschrijving/1/2", &[], "groot.pdf", &big).await;
    assert_eq!(r.status, 413, "{}", r.body);
    assert!(r.body.contains("10 MB"), "{}", r.body);
    let tmp = s.dir.path().join("data/files/tmp");
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0, "no half-written file left");
    let r = a1.post_form("/api/submit_bid", &[("id", "1"), ("sleutel", "sleutel-aanbieder-1")]).await;
    assert_eq!(r.status, 409, "a required part is missing: {}", r.body);
    assert!(r.body.contains("Verklaringen"), "{}", r.body);
    ok(&mut a1, "/api/save_form_part", &[("id", "1"), ("onderdeel", "3"), ("tekst", "Akkoord met alle verklaringen.")]).await;
    let r = ok(&mut a1, "/api/submit_bid", &[("id", "1"), ("sleutel", "sleutel-aanbieder-1")]).await;
    let receipt: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(receipt["ontvangen_op"], "29-06-2023 10:00 (+02:00)");
    let parts = receipt["onderdelen"].as_array().unwrap();
    assert_eq!(parts.len(), 4);
    assert_eq!(parts[0]["sha256"], sha(&uea));
    assert_eq!(parts[3]["sha256"], sha(SEALED));
    // Every stored file is under a random name (never its hash), and is
    // sealed: no stored file has the hash of a part the receipt lists.
    let mut stored_hashes = vec![];
    for dir in std::fs::read_dir(s.dir.path().join("data/files")).unwrap() {
        let dir = dir.unwrap().path();
        if dir.file_name().is_some_and(|n| n == "tmp") {
            continue;
        }
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            let h = sha(&std::fs::read(&f).unwrap());
            assert_ne!(f.file_name().unwrap().to_string_lossy(), h, "no file is named after its hash");
            stored_hashes.push(h);
        }
    }
    for p in parts {
        let h = p["sha256"].as_str().unwrap();
        assert!(!stored_hashes.iter().any(|s| s == h), "a stored file is the plain part {}", p["naam"]);
    }
    // A retried submit returns the same receipt, never a second bid.
    let again = ok(&mut a1, "/api/submit_bid", &[("id", "1"), ("sleutel", "sleutel-aanbieder-1")]).await;
    let again: serde_json::Value = serde_json::from_str(&again.body).unwrap();
    assert_eq!(again["audit"]["seq"], receipt["audit"]["seq"]);
    // The receipt verifies on its own and against a later export.
    let rpath = s.dir.path().join("bevestiging.json");
    std::fs::write(&rpath, r.body.as_bytes()).unwrap();
    let key = std::fs::read_to_string(s.dir.path().join("data/anchor/checkpoint-signing.pub")).unwrap();
    let (code, out, err) = run(&mut s.command(&["audit", "verify-receipt", rpath.to_str().unwrap(), "--key", key.trim()]));
    assert_eq!(code, 0, "{out}{err}");
    // Without the published key only the receipt's own consistency is checked: it says so.
    let (code, out, _) = run(&mut s.command(&["audit", "verify-receipt", rpath.to_str().unwrap()]));
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("ALLEEN INTERN CONSISTENT"), "{out}");
    // Every field it shows is bound: another organisation name, KvK number,
    // time or file name is refused.
    let original = std::fs::read_to_string(&rpath).unwrap();
    let shown: serde_json::Value = serde_json::from_str(&original).unwrap();
    for (field, other) in [
        ("organisatie", "Een Andere Organisatie B.V."),
        ("kvk", "12345678"),
        ("ontvangen_op", "30-06-2023 11:58 (+02:00)"),
        ("kenmerk", "ANDER-2023"),
    ] {
        let mut forged = shown.clone();
        forged[field] = serde_json::Value::String(other.into());
        let f = s.dir.path().join("vervalst.json");
        std::fs::write(&f, forged.to_string()).unwrap();
        let (code, out, _) = run(&mut s.command(&["audit", "verify-receipt", f.to_str().unwrap(), "--key", key.trim()]));
        assert_eq!(code, 1, "{field}: {out}");
        assert!(out.contains("ONGELDIG"), "{out}");
    }
    let mut forged = shown.clone();
    forged["onderdelen"][0]["bestandsnaam"] = serde_json::Value::String("ander-bestand.pdf".into());
    let f = s.dir.path().join("vervalst.json");
    std::fs::write(&f, forged.to_string()).unwrap();
    let (code, out, _) = run(&mut s.command(&["audit", "verify-receipt", f.to_str().unwrap(), "--key", key.trim()]));
    assert_eq!(code, 1, "file name: {out}");
    // Bidder 2 sees nothing of bidder 1.
    let b2 = ok(&mut a2, "/api/bid_view", &[("id", "1")]).await;
    assert!(!b2.body.contains("uea.pdf") && !b2.body.contains(&sha(&uea)), "{}", b2.body);
    let r = a2.post_form("/api/receipt_view", &[("id", "1"), ("ontvangst", "1")]).await;
    assert_eq!(r.status, 404);
    let r = a2.get("/ontvangstbevestiging/1/1").await;
    assert_eq!(r.status, 404);
    // The receipt in words, as a PDF of record: the submitter's own only.
    let (_, text) = pdf_checked(&s, &mut a1, "/stukken/1/ontvangstbevestiging-1.pdf").await;
    assert!(text.contains("Ontvangstbevestiging") && text.contains("Uw inschrijving is ontvangen") && text.contains("uea.pdf"), "{text}");
    assert!(text.contains(&sha(&uea)) && text.contains("dialoog audit verify-receipt"), "{text}");
    assert!(text.contains("Vastgelegd in de audittrail als gebeurtenis") && !text.contains("Audittrail op dat moment"), "its own event, not the trail's size: {text}");
    for c in [&mut a2, &mut ink] {
        let (status, ..) = c.get_bytes("/stukken/1/ontvangstbevestiging-1.pdf").await;
        assert_eq!(status, 404, "another's receipt does not exist for them");
    }

    // Sealed: no role reads any part before the opening, through any route.
    let mut others = [s.login("waarnemer1").await, s.login("beoordelaar1").await, s.login("gemeente-alkmaar").await];
    for c in [&mut ink, &mut a1, &mut a2].into_iter().chain(others.iter_mut()) {
        for pid in 1..=8 {
            let r = c.get(&format!("/bestand/inschrijving/1/{pid}")).await;
            assert!(r.status == 403 || r.status == 404, "part {pid}: {}", r.status);
            assert!(!r.body.contains("GEHEIM"), "sealed content leaked");
        }
        for (path, form) in [("/api/opening_record", vec![("id", "1")]), ("/api/opening_view", vec![("id", "1")]), ("/api/bid_view", vec![("id", "1")])] {
            let r = c.post_form(path, &form).await;
            assert!(!r.body.contains("GEHEIM"), "{path} leaked sealed content");
        }
    }
    let export = ink.get("/export/audittrail.jsonl").await;
    assert!(!export.body.contains("GEHEIM"));
    let arrivals = ok(&mut ink, "/api/opening_view", &[("id", "1")]).await;
    assert!(arrivals.body.contains("29-06-2023 10:00 (+02:00)") && !arrivals.body.contains("Jeugdhulp"), "{}", arrivals.body);

    // Late is late: one second after the deadline nothing is accepted or stored.
    ok(&mut ink, "/api/set_training_clock", &[("id", "1"), ("tijd", "2023-06-30T12:00:00")]).await;
    let r = a2.upload("/upload/inschrijving/1/1", &[], "uea.pdf", b"%PDF op tijd").await;
    assert_eq!(r.status, 200, "at the deadline itself: {}", r.body);
    ok(&mut ink, "/api/set_training_clock", &[("id", "1"), ("tijd", "2023-06-30T12:00:01")]).await;
    let r = a2.upload("/upload/inschrijving/1/2", &[], "kvk.pdf", b"%PDF te laat").await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("Te laat is te laat"), "{}", r.body);
    let r = a2.post_form("/api/submit_bid", &[("id", "1"), ("sleutel", "sleutel-aanbieder-2")]).await;
    assert_eq!(r.status, 409, "submitting is refused after the deadline: {}", r.body);
    let b2 = ok(&mut a2, "/api/bid_view", &[("id", "1")]).await;
    assert!(!b2.body.contains("kvk.pdf"), "nothing of the late upload is stored");
    // The scheduler closed the window on the simulated clock.
    let proc = ok(&mut ink, "/api/procedure_view", &[("id", "1")]).await;
    assert!(proc.body.contains("\"submission_closed\":true"), "{}", proc.body);

    // Opening: one person never opens.
    ok(&mut ink, "/api/start_opening", &[("id", "1"), ("zegelwachtwoord", SEAL)]).await;
    let r = ink.post_form("/api/confirm_opening", &[("id", "1"), ("zegelwachtwoord", SEAL)]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("tweede"), "{}", r.body);
    let r = ink.post_form("/api/start_opening", &[("id", "1"), ("zegelwachtwoord", SEAL)]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    let r = ok(&mut ink, "/api/opening_record", &[("id", "1")]).await;
    assert_eq!(r.body.trim(), "null", "not opened yet");
    let (status, _, body) = ink.get_bytes("/stukken/1/proces-verbaal.pdf").await;
    assert_eq!(status, 403, "no proces-verbaal before the opening is confirmed (the phase does not allow it yet)");
    assert!(!body.starts_with(b"%PDF"));
    ok(&mut ink2, "/api/confirm_opening", &[("id", "1"), ("zegelwachtwoord", SEAL)]).await;
    let pv = ok(&mut ink, "/api/opening_record", &[("id", "1")]).await;
    assert!(pv.body.contains("Jeugdhulp Kennemerland B.V. (demo)") && pv.body.contains(&sha(&uea)), "{}", pv.body);
    assert!(pv.body.contains("Inkoper Een (demo)") && pv.body.contains("Inkoper Twee (demo)"), "{}", pv.body);
    // The quality plan is read under its pseudonym: its hash is not in the record.
    assert!(!pv.body.contains(&sha(SEALED)), "{}", pv.body);
    // The same record as a PDF of record, for the inkoper and the waarnemer
    // only; the plan's fingerprint stays sealed in it too.
    let (_, text) = pdf_checked(&s, &mut ink, "/stukken/1/proces-verbaal.pdf").await;
    assert!(text.contains("Proces-verbaal van opening"), "{text}");
    assert!(text.contains("Opening gestart door Inkoper Een (demo)") && text.contains("Opening bevestigd door Inkoper Twee (demo)"), "{text}");
    assert!(text.contains("Sluitingstermijn 30-06-2023 12:00 (+02:00)"), "{text}");
    assert!(text.contains("Jeugdhulp Kennemerland B.V. (demo)") && text.contains(&sha(&uea)) && text.contains(&sha(&kvk)), "{text}");
    assert!(!text.contains(&sha(SEALED)) && text.contains("Vingerafdruk verzegeld tot de consensus."), "{text}");
    assert!(!text.contains("2026") && !text.contains("2025"), "every instant on the tender's clock: {text}");
    let mut w = s.login("waarnemer1").await;
    pdf_checked(&s, &mut w, "/stukken/1/proces-verbaal.pdf").await;
    for c in [&mut a1, &mut a2] {
        let (status, ..) = c.get_bytes("/stukken/1/proces-verbaal.pdf").await;
        assert_eq!(status, 403, "a bidder never reads the proces-verbaal");
    }
    let (status, ..) = s.client().get_bytes("/stukken/1/proces-verbaal.pdf").await;
    assert!(status == 401 || status == 303 || status == 403, "{status}");
    let (status, ..) = ink.get_bytes("/stukken/1/geheim.pdf").await;
    assert_eq!(status, 404);
    let v: serde_json::Value = serde_json::from_str(&pv.body).unwrap();
    let parts = v["bids"][0]["parts"].as_array().unwrap();
    let id_of = |env: &str| parts.iter().find(|p| p["envelope"] == env).unwrap()["id"].as_i64().unwrap();
    let r = ink.get(&format!("/bestand/inschrijving/1/{}", id_of("1"))).await;
    assert_eq!(r.status, 200, "envelope 1 is open after the opening");
    assert_eq!(r.body.as_bytes(), &uea[..]);
    let r = ink.get(&format!("/bestand/inschrijving/1/{}", id_of("2"))).await;
    assert_eq!(r.status, 403, "envelope 2 by bidder only after the consensus");
    let r = a1.get(&format!("/bestand/inschrijving/1/{}", id_of("1"))).await;
    assert_eq!(r.status, 403);
    let page = ink.get("/aanbesteding/1").await;
    assert!(page.body.contains("Inschrijvingen geopend"));

    // The receipt still verifies against the full export, after all of this.
    let export = ink.get("/export/audittrail.jsonl").await;
    let epath = s.dir.path().join("export.jsonl");
    std::fs::write(&epath, export.body.as_bytes()).unwrap();
    let (code, out, err) =
        run(&mut s.command(&["audit", "verify-receipt", rpath.to_str().unwrap(), "--export", epath.to_str().unwrap(), "--key", key.trim()]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("INTACT"), "{out}");
    // A tampered receipt is refused.
    let tampered = std::fs::read_to_string(&rpath).unwrap().replace(&sha(SEALED), &sha(b"iets anders"));
    std::fs::write(&rpath, tampered).unwrap();
    let (code, out, _) = run(&mut s.command(&["audit", "verify-receipt", rpath.to_str().unwrap()]));
    assert_eq!(code, 1, "{out}");
    // The NvI e-mails are in the outbox.
    let (code, out, _) = run(&mut s.command(&["outbox"]));
    assert_eq!(code, 0);
    assert!(out.contains("[Dialoog] Nota van Inlichtingen 1") && out.contains("aanbieder2@example.org"), "{out}");
}

#[tokio::test]
async fn an_organisation_registers_with_its_kvk_number_and_sees_only_its_own_data() {
    let s = Server::start().await;
    let mut ink = s.login("inkoper1").await;
    ok(&mut ink, "/api/set_training_clock", &[("id", "1"), ("tijd", "2023-05-17T09:00")]).await;
    ok(&mut ink, "/api/change_phase", &[("id", "1"), ("to", "gepubliceerd")]).await;
    let mut c = s.client();
    let form = |kvk: &'static str, user: &'static str| {
        vec![
            ("kvk", kvk), ("naam", "Zorg Noord B.V."), ("adres", "Dorpsstraat 1"), ("postcode", "1851ab"),
            ("plaats", "Heiloo"), ("contactpersoon", "J. de Vries"), ("email", "j@zorgnoord.nl"),
            ("telefoon", "072 123 45 67"), ("gebruikersnaam", user), ("wachtwoord", "een lang wachtwoord"),
            ("herhaling", "een lang wachtwoord"), ("aanbesteding", "1"),
        ]
    };
    let r = c.post_form("/api/register_organisation", &form("1234567", "zorgnoord")).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("8 cijfers"), "{}", r.body);
    ok(&mut c, "/api/register_organisation", &form("12345678", "zorgnoord")).await;
    let me = ok(&mut c, "/api/my_organisation", &[]).await;
    assert!(me.body.contains("Zorg Noord B.V.") && me.body.contains("1851 AB"), "{}", me.body);
    assert!(!me.body.contains("Jeugdhulp"), "{}", me.body);
    // A KvK number is a claim, not a key (see hardening.rs): a second
    // registration naming it is a registration of its own, and sees nothing
    // of the first.
    let mut other = s.client();
    ok(&mut other, "/api/register_organisation", &form("12345678", "ander")).await;
    let theirs = ok(&mut other, "/api/my_organisation", &[]).await;
    assert!(theirs.body.contains("ander") && !theirs.body.contains("zorgnoord\""), "{}", theirs.body);
    // Registered for the published tender: the bidder reads documents and its own (empty) bid.
    ok(&mut c, "/api/documents_view", &[("id", "1")]).await;
    let bid = ok(&mut c, "/api/bid_view", &[("id", "1")]).await;
    assert!(bid.body.contains("Zorg Noord B.V."));
    let invite = ok(&mut c, "/api/invite_colleague", &[("naam", "P. Jansen"), ("email", "p@zorgnoord.nl"), ("gebruikersnaam", "pjansen")]).await;
    assert!(invite.body.contains("pjansen"), "{}", invite.body);
    // The colleague chooses a password through the invitation and is a member, a bidder in the tender.
    let token = s.invitation_token("p@zorgnoord.nl");
    let mut p = s.client();
    p.accept_invitation(&token, "een zin voor de collega").await;
    let bid = ok(&mut p, "/api/bid_view", &[("id", "1")]).await;
    assert!(bid.body.contains("Zorg Noord B.V."));
}

#[tokio::test]
async fn markdown_documents_are_sanitised_and_versioned_with_a_diff() {
    let s = Server::start().await;
    let mut ink = s.login("inkoper1").await;
    let r = ok(&mut ink, "/api/save_markdown_document", &[
        ("id", "1"), ("titel", "Bijlage"), ("tekst", "Regel een\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))"),
    ])
    .await;
    let doc = r.body.trim().to_string();
    ok(&mut ink, "/api/save_markdown_document", &[("id", "1"), ("doc", &doc), ("tekst", "Regel twee"), ("toelichting", "herzien")]).await;
    let v = ok(&mut ink, "/api/document_view", &[("id", "1"), ("doc", &doc)]).await;
    assert!(v.body.contains("Regel twee") && v.body.contains("herzien"), "{}", v.body);
    let j: serde_json::Value = serde_json::from_str(&v.body).unwrap();
    // The rendered HTML is sanitised (the raw Markdown only goes into the editor's textarea, escaped).
    let first = j["versions"][1]["html"].as_str().unwrap();
    assert!(first.contains("Regel een"), "{first}");
    assert!(!first.contains("<script") && !first.contains("javascript:"), "{first}");
    assert_eq!(j["versions"].as_array().unwrap().len(), 2);
    assert!(j["versions"][0]["diff"].to_string().contains("Regel twee"));
}

#[tokio::test]
async fn dialogue_rounds_book_minutes_share_with_all_and_close_with_the_bidders_who_proceed() {
    let s = Server::start().await;
    let mut ink = s.login("inkoper1").await;
    let mut a1 = s.login("aanbieder1").await;
    let mut a2 = s.login("aanbieder2").await;
    ok(&mut ink, "/api/set_training_clock", &[("id", "1"), ("tijd", "2023-05-17T09:00")]).await;
    ok(&mut ink, "/api/change_phase", &[("id", "1"), ("to", "gepubliceerd")]).await;

    // The dialogue phase starts with an open round.
    let r = ink.post_form("/api/change_phase", &[("id", "1"), ("to", "dialoog")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("dialoogronde"), "{}", r.body);
    ok(&mut ink, "/api/create_dialogue_round", &[("id", "1"), ("titel", "Samenwerking met scholen"), ("themas", "- Rol van de **zorgcoördinator**")]).await;
    for (b, e) in [("2023-05-24T10:00", "2023-05-24T11:00"), ("2023-05-24T11:00", "2023-05-24T12:00"), ("2023-05-24T13:00", "2023-05-24T14:00")] {
        ok(&mut ink, "/api/add_dialogue_slot", &[("id", "1"), ("ronde", "1"), ("begin", b), ("einde", e), ("locatie", "Stadskantoor Alkmaar")]).await;
    }
    let r = ink.post_form("/api/add_dialogue_slot", &[("id", "1"), ("ronde", "1"), ("begin", "2023-05-24T15:00"), ("einde", "2023-05-24T14:00"), ("locatie", "x")]).await;
    assert_eq!(r.status, 400, "a slot that ends before it begins: {}", r.body);
    ok(&mut ink, "/api/change_phase", &[("id", "1"), ("to", "dialoog")]).await;

    let view = ok(&mut ink, "/api/dialogue_view", &[("id", "1")]).await;
    let v: serde_json::Value = serde_json::from_str(&view.body).unwrap();
    let slot = |i: usize| v["rounds"][0]["slots"][i]["id"].as_i64().unwrap().to_string();
    let org_of = |name: &str| {
        v["bidders"].as_array().unwrap().iter().find(|b| b[1].as_str().unwrap().starts_with(name)).unwrap()[0].as_i64().unwrap().to_string()
    };
    let (org1, org2) = (org_of("Jeugdhulp Kennemerland"), org_of("Stichting"));

    // Booking: one slot per organisation, a booked slot cannot be taken.
    ok(&mut a1, "/api/book_dialogue_slot", &[("id", "1"), ("slot", &slot(0))]).await;
    let r = a2.post_form("/api/book_dialogue_slot", &[("id", "1"), ("slot", &slot(0))]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("al bezet"), "{}", r.body);
    let r = a1.post_form("/api/book_dialogue_slot", &[("id", "1"), ("slot", &slot(2))]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("al een tijdslot"), "{}", r.body);
    ok(&mut a2, "/api/book_dialogue_slot", &[("id", "1"), ("slot", &slot(1))]).await;
    let r = ink.post_form("/api/book_dialogue_slot", &[("id", "1"), ("slot", &slot(2))]).await;
    assert_eq!(r.status, 403, "only bidders book: {}", r.body);
    // The inkoper assigns a slot instead, under the same rules.
    let r = ink.post_form("/api/assign_dialogue_slot", &[("id", "1"), ("slot", &slot(2)), ("organisatie", &org1)]).await;
    assert_eq!(r.status, 409, "one slot per organisation, also when assigned: {}", r.body);
    let org3 = org_of("Coöperatie");
    ok(&mut ink, "/api/assign_dialogue_slot", &[("id", "1"), ("slot", &slot(2)), ("organisatie", &org3)]).await;
    let a3 = ok(&mut s.login("aanbieder3").await, "/api/inbox", &[]).await;
    assert!(a3.body.contains("Tijdslot voor de dialoog toegewezen"), "{}", a3.body);
    let r = a2.post_form("/api/assign_dialogue_slot", &[("id", "1"), ("slot", &slot(2)), ("organisatie", &org2)]).await;
    assert_eq!(r.status, 403, "bidders do not assign: {}", r.body);

    // Minutes: the bidder of the session sees and confirms them; nobody else does.
    ok(&mut ink, "/api/write_minutes", &[("id", "1"), ("slot", &slot(0)), ("verslag", "Besproken: VERSLAG-A1-GEHEIM over de inzet per school.")]).await;
    let seen_by_a2 = ok(&mut a2, "/api/dialogue_view", &[("id", "1")]).await;
    assert!(!seen_by_a2.body.contains("VERSLAG-A1-GEHEIM"), "another bidder's minutes leaked");
    assert!(!seen_by_a2.body.contains("Jeugdhulp Kennemerland"), "another bidder's name leaked: {}", seen_by_a2.body);
    assert!(seen_by_a2.body.contains("uw organisatie"), "{}", seen_by_a2.body);
    let seen_by_a1 = ok(&mut a1, "/api/dialogue_view", &[("id", "1")]).await;
    assert!(seen_by_a1.body.contains("VERSLAG-A1-GEHEIM") && seen_by_a1.body.contains("\"minutes_status\":\"open\""), "{}", seen_by_a1.body);
    let r = a2.post_form("/api/respond_minutes", &[("id", "1"), ("slot", &slot(0)), ("akkoord", "true")]).await;
    assert!(r.status == 403 || r.status == 404, "a bidder cannot confirm another's minutes: {}", r.status);
    ok(&mut a1, "/api/respond_minutes", &[("id", "1"), ("slot", &slot(0)), ("akkoord", "true")]).await;
    let r = ink.post_form("/api/write_minutes", &[("id", "1"), ("slot", &slot(0)), ("verslag", "Herschreven")]).await;
    assert_eq!(r.status, 409, "confirmed minutes never change: {}", r.body);

    // Equal treatment: what is relevant to all goes out through the NvI, without the source.
    ok(&mut ink, "/api/share_with_all", &[("id", "1"), ("slot", &slot(0)), ("tekst", "De scholen leveren één vast aanspreekpunt per locatie.")]).await;
    ok(&mut ink, "/api/set_training_clock", &[("id", "1"), ("tijd", "2023-05-25T09:00")]).await;
    ok(&mut ink, "/api/publish_nvi", &[("id", "1"), ("ronde", "1")]).await;
    let nvi = ok(&mut a2, "/api/nvi_view", &[("id", "1")]).await;
    assert!(nvi.body.contains("vast aanspreekpunt") && nvi.body.contains("Dialoogronde 1"), "{}", nvi.body);
    assert!(!nvi.body.contains("Jeugdhulp Kennemerland"), "{}", nvi.body);

    // Submission cannot open while a round is open.
    let r = ink.post_form("/api/change_phase", &[("id", "1"), ("to", "inschrijving")]).await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("dialoogrondes"), "{}", r.body);
    // The page always sends its list; an empty list is refused, not read as "everyone".
    let r = ink.post_form("/api/close_dialogue_round", &[("id", "1"), ("ronde", "1"), ("uitkomst", "Klaar"), ("beperkt", "true")]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("ten minste één"), "{}", r.body);
    let door = format!("door[{org1}]");
    ok(&mut ink, "/api/close_dialogue_round", &[("id", "1"), ("ronde", "1"), ("uitkomst", "Alleen aanbieder met een sluitend plan gaat door."), ("beperkt", "true"), (door.as_str(), org1.as_str())]).await;
    let r = a1.post_form("/api/book_dialogue_slot", &[("id", "1"), ("slot", &slot(2))]).await;
    assert_eq!(r.status, 409, "a closed round takes no bookings: {}", r.body);
    let inbox = ok(&mut a2, "/api/inbox", &[]).await;
    assert!(inbox.body.contains("U gaat niet door na dialoogronde 1"), "{}", inbox.body);
    let inbox = ok(&mut a1, "/api/inbox", &[]).await;
    assert!(!inbox.body.contains("U gaat niet door") && inbox.body.contains("Dialoogronde 1 gesloten"), "{}", inbox.body);
    let view = ok(&mut ink, "/api/dialogue_view", &[("id", "1")]).await;
    assert!(view.body.contains(&format!("[{org2},")) && view.body.contains("afgevallen"), "{}", view.body);

    // Only the bidders who proceed can submit.
    ok(&mut ink, "/api/change_phase", &[("id", "1"), ("to", "inschrijving")]).await;
    let r = a2.upload("/upload/inschrijving/1/1", &[], "uea.pdf", b"%PDF-1.7").await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("niet door"), "{}", r.body);
    let r = a1.upload("/upload/inschrijving/1/1", &[], "uea.pdf", b"%PDF-1.7").await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn every_page_of_a_training_tender_shows_its_simulated_time_and_the_new_time_once_moved() {
    let s = Server::start().await;
    let mut ink = s.login("inkoper1").await;
    ok(&mut ink, "/api/set_training_clock", &[("id", "1"), ("tijd", "2023-06-29T10:00")]).await;
    for page in ["", "/documenten", "/vragen", "/dialoog", "/inschrijving", "/opening", "/beoordeling", "/gunning", "/contract", "/team"] {
        let html = ink.get(&format!("/aanbesteding/1{page}")).await.body;
        assert!(html.contains("data-testid=\"oefen-banner\""), "{page}: no banner");
        assert!(html.contains("29-06-2023 10:00"), "{page}: not the tender's time");
        assert_eq!(html.matches("data-testid=\"oefen-banner\"").count(), 1, "{page}: one banner");
    }
    ok(&mut ink, "/api/set_training_clock", &[("id", "1"), ("tijd", "2023-06-30T12:00:01")]).await;
    let html = ink.get("/aanbesteding/1/documenten").await.body;
    assert!(html.contains("30-06-2023 12:00"), "the new time at once");
    let banner = ok(&mut ink, "/api/tender_banner", &[("id", "1")]).await.body;
    assert!(banner.contains("30-06-2023 12:00"), "{banner}");
}
