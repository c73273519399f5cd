//! Every template typesets its data, and user text is set as text: a value
//! full of Typst markup comes out literally, never evaluated.

use records::{render, Template};
use serde_json::json;

const MARKUP: &str = "#set page(width: 1pt) *vet* $x^2$ [haak] <label> @ref `code` // geen commentaar";

fn base(extra: serde_json::Value) -> serde_json::Value {
    let mut v = json!({
        "aanbesteding": "Jeugd- en Schoolteam VO",
        "kenmerk": "JST-2023",
        "opdrachtgever": "Gemeenten Alkmaar en Heiloo",
        "gemaakt_op": "30-06-2023 12:05 (+02:00)",
        "audit": { "omvang": 42, "wortel": "ab".repeat(32) },
    });
    v.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    v
}

/// The text of a PDF as pdftotext (Debian's poppler-utils) reads it.
fn text_of(pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF-"));
    let file = std::env::temp_dir().join(format!("records-test-{}-{}.pdf", std::process::id(), pdf.len()));
    std::fs::write(&file, pdf).unwrap();
    let out = std::process::Command::new("pdftotext").arg(&file).arg("-").output().expect("pdftotext (poppler-utils) is installed");
    let _ = std::fs::remove_file(&file);
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn words(runs: &str) -> serde_json::Value {
    json!([{ "t": runs }])
}

fn pv(bidder: &str) -> serde_json::Value {
    base(json!({
        "record": {
            "aanbesteding": "Jeugd- en Schoolteam VO", "kenmerk": "JST-2023",
            "sluitingstermijn": "30-06-2023 12:00 (+02:00)",
            "gestart_door": "Inkoper Een", "gestart_op": "30-06-2023 12:01 (+02:00)",
            "bevestigd_door": "Inkoper Twee", "bevestigd_op": "30-06-2023 12:03 (+02:00)",
            "ingetrokken_inschrijvingen": "1", "kvk_meer_dan_eens": "",
            "pseudoniemen": { "aantal": "2", "commitment": "cd".repeat(32) },
        },
        "inschrijvingen": [{
            "organisatie": bidder, "kvk": "12345678", "ontvangen": "29-06-2023 10:00 (+02:00)",
            "onderdelen": [
                { "envelop": "1", "naam": "Uniform Europees Aanbestedingsdocument", "grootte": "12 kB", "sha256": "ef".repeat(32), "verzegeld": false },
                { "envelop": "2", "naam": "Plan van aanpak", "grootte": "verzegeld", "sha256": "", "verzegeld": true },
            ],
        }],
    }))
}

#[test]
fn proces_verbaal_sets_user_text_literally() {
    let pdf = render(Template::ProcesVerbaal, &pv(MARKUP), "t1-pv", (2023, 6, 30, 10, 5, 0)).expect("renders");
    let text = text_of(&pdf);
    assert!(text.contains("Proces-verbaal van opening"), "{text}");
    assert!(text.contains("*vet*") && text.contains("$x^2$") && text.contains("[haak]"), "markup was evaluated: {text}");
    assert!(text.contains(&"ef".repeat(32)), "{text}");
    assert!(text.contains("Vingerafdruk verzegeld tot de consensus"), "{text}");
}

#[test]
fn nota_van_inlichtingen_with_and_without_notas() {
    let empty = render(Template::NotaVanInlichtingen, &base(json!({ "notas": [] })), "t1-nvi", (2023, 6, 7, 10, 0, 0)).expect("renders");
    assert!(text_of(&empty).contains("Er is nog geen Nota van Inlichtingen gepubliceerd."));
    let data = base(json!({ "notas": [{
        "nummer": 1, "titel": "Eerste ronde", "gepubliceerd_op": "07-06-2023 12:00 (+02:00)",
        "toelichting": [{ "soort": "alinea", "tekst": words(MARKUP) }], "nieuwe_sluitingstermijn": "07-07-2023 12:00 (+02:00)",
        "vragen": [
            { "nummer": 1, "referentie": "Bestek 2.1", "vraag": ["Hoeveel scholen?"], "samengevoegd_met": null, "antwoord": [
                { "soort": "alinea", "tekst": [{ "t": "Elf, " }, { "t": "verdeeld", "b": true }, { "t": " over:" }] },
                { "soort": "lijst", "genummerd": false, "punten": [words("Alkmaar: vier"), words("Heiloo: twee")] },
                { "soort": "kop", "niveau": 4, "tekst": words("Per school") },
                { "soort": "tabel", "kop": [words("School"), words("Leerlingen")], "rijen": [[words("Murmellius"), words("1200")]] },
            ] },
            { "nummer": 2, "referentie": "", "vraag": ["Hoeveel scholen precies?"], "antwoord": [], "samengevoegd_met": 1 },
        ],
        "documenten": [{ "titel": "Bestek", "versie": 2, "toelichting": "Termijn aangepast", "sha256": "12".repeat(32) }],
    }] }));
    let text = text_of(&render(Template::NotaVanInlichtingen, &data, "t1-nvi", (2023, 6, 7, 10, 0, 0)).expect("renders"));
    assert!(text.contains("Nota van Inlichtingen 1"), "{text}");
    assert!(text.contains("Hoeveel scholen?") && text.contains("Elf, verdeeld over:") && text.contains("Heiloo: twee"), "{text}");
    assert!(text.contains("Per school") && text.contains("Murmellius") && text.contains("Leerlingen"), "{text}");
    assert!(text.contains("samengevoegd met vraag 1.1"), "{text}");
    assert!(text.contains("*vet*"), "{text}");
}

#[test]
fn award_letters_each_with_their_fingerprint_on_their_own_pages() {
    let letter = |to: &str| json!({
        "aan": to, "verzonden_op": "01-09-2023 10:00 (+02:00)", "sha256": "9a".repeat(32),
        "blokken": [
            { "soort": "kop", "niveau": 3, "tekst": words("Gunningsbeslissing Jeugd- en Schoolteam VO") },
            { "soort": "alinea", "tekst": words(MARKUP) },
        ],
    });
    let data = base(json!({ "brieven": [letter("Zorg Een B.V."), letter("Zorg Twee B.V.")], "standstill_einde": "22-09-2023 24:00 (+02:00)" }));
    let text = text_of(&render(Template::Gunningsbeslissing, &data, "t1-gb", (2023, 9, 1, 8, 0, 0)).expect("renders"));
    assert!(text.contains("Brief aan Zorg Een B.V.") && text.contains("Brief aan Zorg Twee B.V."), "{text}");
    assert!(text.contains(&"9a".repeat(32)) && text.contains("De standstilltermijn eindigt op 22-09-2023"), "{text}");
    assert!(text.contains("*vet*"), "{text}");
    assert_eq!(text.matches('\u{c}').count(), 2, "two letters, each on its own page: {text}");
}

#[test]
fn contract_summary_before_and_after_signing() {
    let data = |signed: bool| base(json!({
        "fase": if signed { "Contract" } else { "Gegund" }, "gesloten": signed, "opdrachtnemer": "Zorg Een B.V.",
        "ondertekend": if signed { json!([{ "gemeente": "Alkmaar", "op": "27-10-2023 10:00 (+02:00)", "door": "Inkoper Een" }]) } else { json!([]) },
        "teruggetrokken": [{ "gemeente": "Heiloo", "op": "20-10-2023 10:00 (+02:00)", "reden": MARKUP }],
        "nog_niet": ["Bergen", "Castricum"],
        "looptijd": {
            "start": "01-01-2024", "einde_initieel": "31-12-2030", "einde_nu": "31-12-2030", "einde_uiterst": "31-12-2033",
            "volgende_beslisdatum": "30-06-2030", "opzegtermijn_maanden": 6,
            "opties": [{ "nummer": 1, "van": "01-01-2031", "tot": "31-12-2031", "beslissen_voor": "30-06-2030", "status": "open" }],
        },
        "besluiten": if signed { json!([{ "optie": 1, "besluit": "uitgeoefend", "op": "01-03-2030 10:00 (+01:00)", "door": "Inkoper Een", "kenmerk": "B-12", "toelichting": "" }]) } else { json!([]) },
        "vandaag": "01-03-2030",
    }));
    let before = text_of(&render(Template::Contractoverzicht, &data(false), "t1-co", (2023, 10, 20, 8, 0, 0)).expect("renders"));
    assert!(before.contains("Nog niet gesloten") && before.contains("Er is nog geen besluit over een optie genomen."), "{before}");
    assert!(before.contains("Bergen en Castricum") && before.contains("*vet*"), "{before}");
    let after = text_of(&render(Template::Contractoverzicht, &data(true), "t1-co", (2030, 3, 1, 9, 0, 0)).expect("renders"));
    assert!(after.contains("Gesloten") && after.contains("uitgeoefend") && after.contains("31-12-2033"), "{after}");
}

#[test]
fn evaluation_report_with_and_without_the_internal_annex() {
    let data = |annex: bool| {
        base(json!({
            "intern": annex, "prijsmethode": "vaste prijs (alleen kwaliteit telt)", "vastgesteld_door": "Beoordelaar Een",
            "commitment": "c0".repeat(32), "winnaar": "Zorg Een B.V.", "probleem": null, "loting": null,
            "criteria": [{ "code": "K1", "naam": "Aanpak per school", "gewicht": "20,00", "consensus": [
                { "plan": "Inschrijving A", "niveau": "8 (goed)", "motivering": MARKUP, "toelichting": "" },
                { "plan": "Inschrijving B", "niveau": "6 (voldoende)", "motivering": "Algemeen.", "toelichting": "Middelste waardering." },
            ] }],
            "commissie": [{ "naam": "Beoordelaar Een", "rol": "voorzitter", "benoemd": "01-07-2023", "verklaring": "02-07-2023 10:00 (+02:00)",
                "toets": "geen belangenconflict", "toets_toelichting": "", "vervangen": "", "belangen": if annex { "Lid van de raad van toezicht van een school" } else { "" } }],
            "meldingen": [{ "plan": "Inschrijving B", "door": "het systeem", "gemeld": "03-07-2023", "melding": "Mogelijk een naam in het plan.", "besluit": "de beoordeling gaat door", "toelichting": "Een schoolnaam, geen aanbieder." }],
            "rangorde": [
                { "plaats": "1", "plan": "Inschrijving A", "inschrijver": "Zorg Een B.V.", "stand": "gerangschikt", "kwaliteit": "80,00", "prijs": "–", "prijspunten": "0,00", "totaal": "80,00", "opmerking": "" },
                { "plaats": "2", "plan": "Inschrijving B", "inschrijver": "Zorg Twee B.V.", "stand": "gerangschikt", "kwaliteit": "60,00", "prijs": "–", "prijspunten": "0,00", "totaal": "60,00", "opmerking": "Gelijk op kwaliteit; beslist op K1." },
            ],
            "scoreformulieren": if annex { json!([{ "beoordelaar": "Beoordelaar Twee", "cellen": [
                { "plan": "Inschrijving A", "criterium": "K1", "niveau": "8 (goed)", "motivering": "EIGEN-MOTIVERING van Twee." },
            ] }]) } else { json!([]) },
        }))
    };
    let open = text_of(&render(Template::Beoordelingsrapport, &data(false), "t1-br", (2023, 9, 1, 8, 0, 0)).expect("renders"));
    assert!(open.contains("Beoordelingsrapport en gunningsadvies") && open.contains("Zorg Een B.V."), "{open}");
    assert!(open.contains("Gelijk op kwaliteit; beslist op K1.") && open.contains("Middelste waardering."), "{open}");
    assert!(open.contains("*vet*") && open.contains(&"c0".repeat(32)), "{open}");
    assert!(!open.contains("EIGEN-MOTIVERING") && !open.contains("raad van toezicht"), "no annex: {open}");
    let internal = text_of(&render(Template::Beoordelingsrapport, &data(true), "t1-br", (2023, 9, 1, 8, 0, 0)).expect("renders"));
    assert!(internal.contains("Intern document.") && internal.contains("EIGEN-MOTIVERING") && internal.contains("raad van toezicht"), "{internal}");
}

#[test]
fn receipt_in_words_with_every_part_and_its_fingerprint() {
    let data = base(json!({
        "audit": { "gebeurtenis": "12".repeat(32) },
        "sluitingstermijn": "30-06-2023 12:00 (+02:00)",
        "verzegeling": "Ja: versleuteld tot de opening",
        "ontvangst": {
            "aanbesteding": "Jeugd- en Schoolteam VO", "kenmerk": "JST-2023", "organisatie": MARKUP, "kvk": "12345678",
            "ontvangen_op": "29-06-2023 10:00 (+02:00)", "indiening": "2",
            "onderdelen": [
                { "envelop": "1", "naam": "Uniform Europees Aanbestedingsdocument", "bestandsnaam": "uea.pdf", "grootte_tekst": "12 kB", "sha256": "ef".repeat(32) },
                { "envelop": "3", "naam": "Prijs", "bestandsnaam": "formulier", "grootte_tekst": "1 kB", "sha256": "cd".repeat(32) },
            ],
            "audit": { "seq": "77", "tree_size": "77", "leaf_hash": "12".repeat(32), "root_hash": "34".repeat(32), "public_key": "56".repeat(32) },
        },
    }));
    let text = text_of(&render(Template::Ontvangstbevestiging, &data, "t1-ob", (2023, 6, 29, 8, 0, 0)).expect("renders"));
    assert!(text.contains("Ontvangstbevestiging") && text.contains("29-06-2023 10:00 (+02:00)") && text.contains("na een eerdere intrekking"), "{text}");
    assert!(text.contains("uea.pdf") && text.contains(&"ef".repeat(32)) && text.contains(&"cd".repeat(32)), "{text}");
    assert!(text.contains("*vet*") && text.contains("dialoog audit verify-receipt ontvangstbevestiging-77.json"), "{text}");
    assert!(text.contains("Vastgelegd in de audittrail als gebeurtenis"), "the bidder's copy names its event, not the trail's size: {text}");
}
