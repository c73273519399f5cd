//! The data of the tender's notices for TenderNed, as eForms (server only).
//!
//! Under the light regime for social and other specific services the buyer
//! publishes three kinds of notice: the contract notice (cn-social, subtype
//! 20), the contract award notice (can-social, 33) and, for a change to the
//! contract such as an exercised extension option, the modification notice
//! (can-modif, 38). Dialoog does not publish them itself (that is TenderNed's
//! part); it gives the inkoper the data of each notice, mapped field by field
//! to the eForms business terms (BT-…), as a page and as eForms XML that
//! validates against the SDK's schema. What Dialoog does not record, or
//! where the mapping is a judgement, the field says so instead of guessing.

use crate::error::AppError;
use crate::ocds::Facts;
use chrono::{DateTime, NaiveDate, Utc};
use domain::status::OptionDecision;
use domain::tender::Participation;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use crate::api::notices::Field;

/// A notice: what it is, its fields and its XML.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    /// The file it downloads as ("aankondiging-cn-social.xml").
    pub file: String,
    /// The notice type ("cn-social") and eForms subtype (20).
    pub code: String,
    pub subtype: u8,
    pub title: String,
    pub fields: Vec<Field>,
    #[serde(skip)]
    pub xml: String,
}

/// What the notices need beyond the facts the open data are made of.
#[derive(Clone, Debug, Default)]
pub struct Extra {
    /// The deadline for questions of the first question round (BT-13).
    pub question_deadline: Option<DateTime<Utc>>,
    /// Bids received (after the gunningsbeslissing only).
    pub received: Option<usize>,
    /// The winner's address (street and number, postcode, place), from its registration.
    pub winner_address: Option<(String, String, String)>,
    /// The winning bid's price in cents, when the method asked for one.
    pub winner_price: Option<i64>,
}

/// Reads what [`Extra`] holds.
pub async fn extra<C: sea_orm::ConnectionTrait>(c: &C, f: &Facts) -> Result<Extra, AppError> {
    use crate::store::entities::{bids, organisations};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let rounds = crate::store::nvi::rounds(c, f.tender.id).await?;
    let question_deadline = rounds.iter().map(|r| r.question_deadline).min();
    let mut e = Extra { question_deadline, ..Default::default() };
    if f.tenderers.is_empty() {
        return Ok(e);
    }
    let received = bids::Entity::find()
        .filter(bids::Column::TenderId.eq(f.tender.id))
        .filter(bids::Column::SubmittedAt.is_not_null())
        .count(c)
        .await?;
    e.received = Some(received as usize);
    if let Some((id, ..)) = f.tenderers.iter().find(|t| t.3) {
        if let Some(o) = organisations::Entity::find_by_id(crate::ids::OrganisationId(*id)).one(c).await? {
            e.winner_address = Some((o.address, o.postcode.to_string(), o.place));
        }
        let s = crate::store::evaluation::snapshot(c, f.tender.id).await?;
        e.winner_price = s.result().and_then(|r| r.winner().and_then(|w| w.price));
    }
    Ok(e)
}

/// The notices that can be made now: the contract notice always (it is
/// prepared before publication), the award notice once the
/// gunningsbeslissing went out, a modification per exercised option.
pub fn notices(f: &Facts, x: &Extra) -> Vec<Notice> {
    let mut out = vec![contract_notice(f, x)];
    if f.tenderers.iter().any(|t| t.3) {
        out.push(award_notice(f, x, None));
        let views = f.term.options(f.now.date_naive());
        for o in f.options.iter().filter(|o| *o.decision == OptionDecision::Uitgeoefend) {
            if let Some(v) = views.get((o.number as usize).saturating_sub(1)) {
                out.push(award_notice(f, x, Some((o, v.extends_to))));
            }
        }
    }
    out
}

/// What is still to come, with why: for the page.
pub fn pending(f: &Facts) -> Vec<(String, String)> {
    let mut out = vec![];
    if !f.tenderers.iter().any(|t| t.3) {
        out.push((
            "Aankondiging van de gegunde opdracht (can-social, 33)".to_string(),
            "Volgt als de gunningsbeslissing is verzonden; publiceer haar binnen 30 dagen na het sluiten van de overeenkomst (of per kwartaal gebundeld).".to_string(),
        ));
    }
    out
}

// ---------------------------------------------------------------------------
// Values as eForms writes them.

/// A stable UUID for an identifier of this tender (the procedure, a notice):
/// the same notice gets the same identifier every time it is made.
fn uuid_for(f: &Facts, what: &str) -> String {
    let h = Sha256::digest(format!("dialoog-eforms\n{}\n{}\n{what}", f.tender.id, f.tender.reference));
    let mut b: [u8; 16] = h[..16].try_into().unwrap_or([0; 16]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let x = hex::encode(b);
    format!("{}-{}-{}-{}-{}", &x[..8], &x[8..12], &x[12..16], &x[16..20], &x[20..])
}

/// An instant as an eForms date and time with the Dutch offset.
fn date_time(t: DateTime<Utc>) -> (String, String) {
    let l = t.with_timezone(&chrono_tz::Europe::Amsterdam);
    (l.format("%Y-%m-%d%:z").to_string(), l.format("%H:%M:%S%:z").to_string())
}

/// A calendar date with the Dutch offset on that day.
fn date(d: NaiveDate) -> String {
    match crate::domain::calendar::amsterdam(d, chrono::NaiveTime::MIN) {
        Ok(t) => date_time(t).0,
        Err(_) => format!("{d}+01:00"),
    }
}

fn amount(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, (cents % 100).abs())
}

/// The main CPV code without its check digit ("85311300-5" becomes "85311300").
fn cpv(f: &Facts) -> Option<String> {
    let c = f.tender.cpv_code.as_deref()?.split('-').next()?.trim().to_string();
    (c.len() == 8 && c.chars().all(|ch| ch.is_ascii_digit())).then_some(c)
}

fn buyer_name(name: &str) -> String {
    format!("Gemeente {name}")
}

/// The gemeenten that stay in the procurement (for the award and later).
fn continuing(f: &Facts) -> Vec<&crate::store::entities::tender_buyers::Model> {
    f.buyers.iter().filter(|b| *b.status != Participation::Teruggetrokken).collect()
}

// ---------------------------------------------------------------------------
// The XML.

const NS: &[(&str, &str)] = &[
    ("xmlns:cac", "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"),
    ("xmlns:cbc", "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"),
    ("xmlns:ext", "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"),
    ("xmlns:efac", "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1"),
    ("xmlns:efbc", "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1"),
    ("xmlns:efext", "http://data.europa.eu/p27/eforms-ubl-extensions/1"),
];

/// A small writer over quick-xml: elements nest through closures, text is
/// always escaped. It writes to memory, which cannot fail.
struct Xml {
    w: quick_xml::Writer<Vec<u8>>,
}

impl Xml {
    fn new() -> Self {
        let mut w = quick_xml::Writer::new_with_indent(Vec::new(), b' ', 2);
        let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
        Xml { w }
    }
    fn el(&mut self, name: &str, attrs: &[(&str, &str)], inner: impl FnOnce(&mut Xml)) {
        let mut start = BytesStart::new(name);
        for a in attrs {
            start.push_attribute(*a);
        }
        let _ = self.w.write_event(Event::Start(start));
        inner(self);
        let _ = self.w.write_event(Event::End(BytesEnd::new(name)));
    }
    fn text(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        let mut start = BytesStart::new(name);
        for a in attrs {
            start.push_attribute(*a);
        }
        let _ = self.w.write_event(Event::Start(start));
        let _ = self.w.write_event(Event::Text(BytesText::new(text)));
        let _ = self.w.write_event(Event::End(BytesEnd::new(name)));
    }
    fn id(&mut self, wrapper: &str, scheme: &str, id: &str) {
        self.el(wrapper, &[], |x| x.text("cbc:ID", &[("schemeName", scheme)], id));
    }
    fn party_id(&mut self, wrapper: &str, org: &str) {
        self.el(wrapper, &[], |x| x.id("cac:PartyIdentification", "organization", org));
    }
    fn finish(self) -> String {
        String::from_utf8(self.w.into_inner()).unwrap_or_default()
    }
}

/// A list of fields with a short way to add one.
#[derive(Default)]
struct Fields(Vec<Field>);

impl Fields {
    fn add(&mut self, bt: &str, label: &str, value: impl Into<String>) {
        self.0.push(Field { bt: bt.into(), label: label.into(), value: value.into(), note: None });
    }
    fn note(&mut self, bt: &str, label: &str, value: impl Into<String>, note: impl Into<String>) {
        self.0.push(Field { bt: bt.into(), label: label.into(), value: value.into(), note: Some(note.into()) });
    }
}

/// What every notice of the tender shares: the document's head, the buyers,
/// the procedure and the project (fields and XML alike).
struct Common {
    notice_id: String,
    folder: String,
    issued: (String, String),
}

fn common(f: &Facts, what: &str) -> Common {
    Common { notice_id: uuid_for(f, what), folder: uuid_for(f, "procedure"), issued: date_time(f.now) }
}

/// The head of the notice after the extension: version, identifiers, dates,
/// legal basis, type and language.
fn head(x: &mut Xml, c: &Common, list: &str, code: &str) {
    x.text("cbc:UBLVersionID", &[], "2.3");
    x.text("cbc:CustomizationID", &[], "eforms-sdk-1.15");
    x.text("cbc:ID", &[("schemeName", "notice-id")], &c.notice_id);
    x.text("cbc:ContractFolderID", &[], &c.folder);
    x.text("cbc:IssueDate", &[], &c.issued.0);
    x.text("cbc:IssueTime", &[], &c.issued.1);
    x.text("cbc:VersionID", &[], "01");
    x.text("cbc:RegulatoryDomain", &[], "32014L0024");
    x.text("cbc:NoticeTypeCode", &[("listName", list)], code);
}

fn head_fields(fl: &mut Fields, f: &Facts, c: &Common, code: &str, subtype: u8) {
    fl.add("BT-701", "Identificatie van de aankondiging", &c.notice_id);
    fl.add("BT-04", "Identificatie van de procedure", &c.folder);
    fl.add("BT-02 / OPP-070", "Soort aankondiging (subtype)", format!("{code} ({subtype})"));
    fl.add("BT-01", "Rechtsgrond", "32014L0024 (Richtlijn 2014/24/EU; in Nederland de Aanbestedingswet 2012, deel 2, het verlicht regime)");
    fl.add("BT-05", "Datum en tijd van verzending (nu)", crate::domain::calendar::show_instant(f.now));
    fl.add("BT-702", "Taal van de aankondiging", "NLD (Nederlands)");
    fl.add("BT-22", "Intern kenmerk", &f.tender.reference);
    fl.add("BT-21", "Titel", &f.tender.title);
}

/// The buyers: one ContractingParty each (a joint procurement).
fn contracting_parties(x: &mut Xml, buyers: &[&crate::store::entities::tender_buyers::Model]) {
    for (i, _) in buyers.iter().enumerate() {
        x.el("cac:ContractingParty", &[], |x| {
            x.el("cac:ContractingPartyType", &[], |x| x.text("cbc:PartyTypeCode", &[("listName", "buyer-legal-type")], "la"));
            x.el("cac:ContractingActivity", &[], |x| x.text("cbc:ActivityTypeCode", &[("listName", "authority-activity")], "gen-pub"));
            x.el("cac:Party", &[], |x| x.id("cac:PartyIdentification", "organization", &format!("ORG-{:04}", i + 1)));
        });
    }
}

fn buyer_fields(fl: &mut Fields, buyers: &[&crate::store::entities::tender_buyers::Model]) {
    let names: Vec<String> = buyers.iter().map(|b| buyer_name(&b.name)).collect();
    fl.add("BT-500 (koper)", "Officiële namen van de kopers (gezamenlijke aanbesteding)", names.join("; "));
    fl.add("BT-11", "Rechtsvorm van de kopers", "la: lokale overheid (gemeente)");
    fl.add("BT-10", "Activiteit van de kopers", "gen-pub: algemene overheidsdiensten");
    fl.note(
        "BT-501, BT-513, BT-506",
        "Registratienummer (KvK of OIN), adres en e-mail van elke koper",
        "",
        "Niet vastgelegd in Dialoog: vul ze in TenderNed aan (TenderNed kent de gegevens van de aanbestedende diensten).",
    );
}

/// The organisations in the extension: the buyers, then the winner.
fn organizations(x: &mut Xml, buyers: &[&crate::store::entities::tender_buyers::Model], winner: Option<(&str, &str, Option<&(String, String, String)>)>) {
    x.el("efac:Organizations", &[], |x| {
        for (i, b) in buyers.iter().enumerate() {
            x.el("efac:Organization", &[], |x| {
                x.el("efac:Company", &[], |x| {
                    x.id("cac:PartyIdentification", "organization", &format!("ORG-{:04}", i + 1));
                    x.el("cac:PartyName", &[], |x| x.text("cbc:Name", &[("languageID", "NLD")], &buyer_name(&b.name)));
                    x.el("cac:PostalAddress", &[], |x| x.el("cac:Country", &[], |x| x.text("cbc:IdentificationCode", &[("listName", "country")], "NLD")));
                });
            });
        }
        if let Some((name, kvk, address)) = winner {
            x.el("efac:Organization", &[], |x| {
                x.el("efac:Company", &[], |x| {
                    x.id("cac:PartyIdentification", "organization", &format!("ORG-{:04}", buyers.len() + 1));
                    x.el("cac:PartyName", &[], |x| x.text("cbc:Name", &[("languageID", "NLD")], name));
                    x.el("cac:PostalAddress", &[], |x| {
                        if let Some((street, postcode, place)) = address {
                            x.text("cbc:StreetName", &[], street);
                            x.text("cbc:CityName", &[], place);
                            x.text("cbc:PostalZone", &[], postcode);
                        }
                        x.el("cac:Country", &[], |x| x.text("cbc:IdentificationCode", &[("listName", "country")], "NLD"));
                    });
                    x.el("cac:PartyLegalEntity", &[], |x| x.text("cbc:CompanyID", &[("schemeName", "NL-KVK")], kvk));
                });
            });
        }
    });
}

fn procedure_code(f: &Facts) -> (&'static str, Option<&'static str>) {
    match *f.tender.procedure_kind {
        domain::setup::ProcedureKind::SasOpenbaar => ("open", None),
        domain::setup::ProcedureKind::SasDialoog => (
            "oth-single",
            Some("De dialooggerichte procedure van het verlicht regime heeft in eForms geen eigen code; 'oth-single' (een andere procedure in één fase) ligt het meest voor de hand. De procedure zelf staat beschreven in BT-88; controleer de keuze in TenderNed."),
        ),
    }
}

/// The project as the root and the lot describe it.
fn project(x: &mut Xml, f: &Facts, planned: Option<(NaiveDate, NaiveDate)>, options: bool) {
    x.el("cac:ProcurementProject", &[], |x| {
        x.text("cbc:ID", &[("schemeName", "InternalID")], &f.tender.reference);
        x.text("cbc:Name", &[("languageID", "NLD")], &f.tender.title);
        if !f.tender.description.trim().is_empty() {
            x.text("cbc:Description", &[("languageID", "NLD")], f.tender.description.trim());
        }
        x.text("cbc:ProcurementTypeCode", &[("listName", "contract-nature")], "services");
        if let (true, Some(cents)) = (planned.is_some(), f.tender.estimated_value_cents) {
            x.el("cac:RequestedTenderTotal", &[], |x| x.text("cbc:EstimatedOverallContractAmount", &[("currencyID", "EUR")], &amount(cents)));
        }
        if let Some(c) = cpv(f) {
            x.el("cac:MainCommodityClassification", &[], |x| x.text("cbc:ItemClassificationCode", &[("listName", "cpv")], &c));
        }
        x.el("cac:RealizedLocation", &[], |x| {
            x.el("cac:Address", &[], |x| {
                x.text("cbc:CountrySubentityCode", &[("listName", "nuts")], "NL328");
                x.el("cac:Country", &[], |x| x.text("cbc:IdentificationCode", &[("listName", "country")], "NLD"));
            })
        });
        if let Some((start, end)) = planned {
            x.el("cac:PlannedPeriod", &[], |x| {
                x.text("cbc:StartDate", &[], &date(start));
                x.text("cbc:EndDate", &[], &date(end));
            });
            if options && !f.term.option_years.is_empty() {
                x.el("cac:ContractExtension", &[], |x| {
                    x.text("cbc:OptionsDescription", &[("languageID", "NLD")], &options_text(f));
                    x.text("cbc:MaximumNumberNumeric", &[], &f.term.option_years.len().to_string());
                });
            }
        }
    });
}

fn options_text(f: &Facts) -> String {
    let years: Vec<String> = f.term.option_years.iter().map(|y| format!("{y} jaar")).collect();
    format!(
        "{} optie(s) tot verlenging, achtereenvolgens met {}, tot uiterlijk {}; over elke optie wordt uiterlijk {} maanden voor het einde besloten.",
        years.len(),
        years.join(", "),
        crate::domain::calendar::show_date(f.term.max_end()),
        f.term.notice_months
    )
}

fn project_fields(fl: &mut Fields, f: &Facts) {
    match f.tender.description.trim() {
        "" => fl.note("BT-24", "Beschrijving", "", "Er is geen beschrijving vastgelegd bij de gegevens van de aanbesteding."),
        d => fl.add("BT-24", "Beschrijving", d),
    }
    fl.add("BT-23", "Aard van de opdracht", "services: diensten");
    match cpv(f) {
        Some(c) => fl.add("BT-262", "Hoofd-CPV-code", c),
        None => fl.note("BT-262", "Hoofd-CPV-code", "", "Er is geen (geldige) CPV-code vastgelegd bij de gegevens van de aanbesteding."),
    }
    fl.note(
        "BT-5071",
        "Plaats van uitvoering (NUTS)",
        "NL328 (Alkmaar en omgeving), NLD",
        "Afgeleid uit de regio van de gemeenten, niet uit een vastgelegd veld: controleer de NUTS-code als de gemeenten in een andere regio liggen.",
    );
}

/// The contract notice (cn-social, 20).
fn contract_notice(f: &Facts, e: &Extra) -> Notice {
    let c = common(f, "cn-social");
    let mut fl = Fields::default();
    head_fields(&mut fl, f, &c, "cn-social", 20);
    let buyers: Vec<_> = f.buyers.iter().collect();
    buyer_fields(&mut fl, &buyers);
    let (proc, proc_note) = procedure_code(f);
    match proc_note {
        Some(n) => fl.note("BT-105", "Soort procedure", proc, n),
        None => fl.add("BT-105", "Soort procedure", proc),
    }
    fl.add("BT-88", "Kenmerken van de procedure", f.tender.procedure_kind.label());
    project_fields(&mut fl, f);
    let deadline = f.tender.submission_deadline;
    match deadline {
        Some(d) => fl.add("BT-131", "Termijn voor ontvangst van inschrijvingen", crate::domain::calendar::show_instant(d)),
        None => fl.note("BT-131", "Termijn voor ontvangst van inschrijvingen", "", "De sluitingstermijn is nog niet vastgesteld."),
    }
    match e.question_deadline {
        Some(d) => fl.add("BT-13", "Termijn voor het stellen van vragen", crate::domain::calendar::show_instant(d)),
        None => fl.note("BT-13", "Termijn voor het stellen van vragen", "", "Er is nog geen vragenronde aangemaakt."),
    }
    fl.add("BT-536", "Begindatum van de overeenkomst", crate::domain::calendar::show_date(f.term.start));
    fl.add("BT-537", "Einddatum van de overeenkomst (zonder opties)", crate::domain::calendar::show_date(f.term.initial_end));
    fl.add("BT-58", "Maximaal aantal verlengingen", f.term.option_years.len().to_string());
    fl.add("BT-54", "Beschrijving van de opties", options_text(f));
    match f.tender.estimated_value_cents {
        Some(v) => fl.add("BT-27", "Geraamde waarde, exclusief btw, met opties", domain::money::show_price(v)),
        None => fl.note("BT-27", "Geraamde waarde", "", "Er is geen geraamde waarde vastgelegd."),
    }
    let criteria = criteria(f);
    match &criteria {
        Some(list) => {
            let shown: Vec<String> = list.iter().map(|(kind, name, desc)| format!("{kind}: {name} ({desc})")).collect();
            fl.note(
                "BT-539, BT-734, BT-540",
                "Gunningscriteria (soort, naam, omschrijving)",
                shown.join("; "),
                "Het gewicht van elk criterium (BT-541) staat in de omschrijving; TenderNed vraagt het ook als apart getal.",
            )
        }
        None => fl.note("BT-539", "Gunningscriteria", "", "De gunningsmethode is nog niet vastgesteld."),
    }
    fl.add("BT-97", "Taal van de inschrijvingen", "NLD (Nederlands)");

    let mut x = Xml::new();
    let mut root = vec![("xmlns", "urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2")];
    root.extend_from_slice(NS);
    x.el("ContractNotice", &root, |x| {
        x.el("ext:UBLExtensions", &[], |x| {
            x.el("ext:UBLExtension", &[], |x| {
                x.el("ext:ExtensionContent", &[], |x| {
                    x.el("efext:EformsExtension", &[], |x| {
                        x.el("efac:NoticeSubType", &[], |x| x.text("cbc:SubTypeCode", &[("listName", "notice-subtype")], "20"));
                        organizations(x, &buyers, None);
                    })
                })
            })
        });
        head(x, &c, "competition", "cn-social");
        x.text("cbc:NoticeLanguageCode", &[], "NLD");
        contracting_parties(x, &buyers);
        x.el("cac:TenderingProcess", &[], |x| {
            x.text("cbc:Description", &[("languageID", "NLD")], f.tender.procedure_kind.label());
            x.text("cbc:ProcedureCode", &[("listName", "procurement-procedure-type")], proc);
        });
        project(x, f, None, false);
        x.el("cac:ProcurementProjectLot", &[], |x| {
            x.text("cbc:ID", &[("schemeName", "Lot")], "LOT-0000");
            x.el("cac:TenderingTerms", &[], |x| {
                if let Some(list) = &criteria {
                    x.el("cac:AwardingTerms", &[], |x| {
                        x.el("cac:AwardingCriterion", &[], |x| {
                            for (kind, name, desc) in list {
                                x.el("cac:SubordinateAwardingCriterion", &[], |x| {
                                    x.text("cbc:AwardingCriterionTypeCode", &[("listName", "award-criterion-type")], kind);
                                    x.text("cbc:Name", &[("languageID", "NLD")], name);
                                    x.text("cbc:Description", &[("languageID", "NLD")], desc);
                                });
                            }
                        })
                    });
                }
                x.el("cac:Language", &[], |x| x.text("cbc:ID", &[], "NLD"));
            });
            x.el("cac:TenderingProcess", &[], |x| {
                if let Some(d) = deadline {
                    let (day, time) = date_time(d);
                    x.el("cac:TenderSubmissionDeadlinePeriod", &[], |x| {
                        x.text("cbc:EndDate", &[], &day);
                        x.text("cbc:EndTime", &[], &time);
                    });
                }
                if let Some(d) = e.question_deadline {
                    let (day, time) = date_time(d);
                    x.el("cac:AdditionalInformationRequestPeriod", &[], |x| {
                        x.text("cbc:EndDate", &[], &day);
                        x.text("cbc:EndTime", &[], &time);
                    });
                }
            });
            project(x, f, Some((f.term.start, f.term.initial_end)), true);
        });
    });
    Notice {
        file: "aankondiging-cn-social.xml".into(),
        code: "cn-social".into(),
        subtype: 20,
        title: "Aankondiging van een opdracht, sociale en andere specifieke diensten".into(),
        fields: fl.0,
        xml: x.finish(),
    }
}

/// The criteria as (eForms type, name, description with its weight).
fn criteria(f: &Facts) -> Option<Vec<(&'static str, String, String)>> {
    let m = f.method.as_ref()?;
    let mut out: Vec<(&'static str, String, String)> =
        m.criteria.iter().map(|c| ("quality", format!("{} {}", c.code, c.name), format!("{} punten", domain::money::show_points(c.weight)))).collect();
    match &m.price {
        domain::scoring::PriceMethod::QualityOnly { .. } => {}
        domain::scoring::PriceMethod::Value { .. } => out.push(("cost", "Prijs (gunnen op waarde)".into(), m.price.label().to_string())),
        p => out.push(("price", "Prijs".into(), format!("{} punten, {}", domain::money::show_points(p.price_points()), p.label()))),
    }
    Some(out)
}

/// The award notice (can-social, 33), or with `modification` the notice of
/// an exercised option (can-modif, 38) that moves the contract's end.
fn award_notice(f: &Facts, e: &Extra, modification: Option<(&crate::store::entities::contract_options::Model, NaiveDate)>) -> Notice {
    let (code, subtype, list, what) = match modification {
        None => ("can-social", 33u8, "result", "can-social".to_string()),
        Some((o, _)) => ("can-modif", 38u8, "cont-modif", format!("can-modif-{}", o.number)),
    };
    let c = common(f, &what);
    let award_id = uuid_for(f, "can-social");
    let buyers = continuing(f);
    let winner = f.tenderers.iter().find(|t| t.3);
    let signed: Vec<_> = f.buyers.iter().filter(|b| *b.status == Participation::Ondertekend).collect();
    let concluded = signed.iter().map(|b| b.status_since).min();
    let decided = f.tender.letters_sent_at;
    let value = e.winner_price.or(f.tender.budget_cents);
    let end = modification.map(|m| m.1).unwrap_or(f.term.initial_end);

    let mut fl = Fields::default();
    head_fields(&mut fl, f, &c, code, subtype);
    buyer_fields(&mut fl, &buyers);
    project_fields(&mut fl, f);
    if let Some((o, new_end)) = modification {
        fl.note(
            "BT-758",
            "Aankondiging die wordt gewijzigd",
            &award_id,
            "Dit is de identificatie van de aankondiging van de gegunde opdracht zoals Dialoog haar maakt; gebruik het publicatienummer dat TenderNed of TED haar gaf als dat anders is.",
        );
        fl.add("BT-1501", "Gewijzigde overeenkomst", "CON-0001");
        fl.note(
            "BT-200",
            "Reden van de wijziging",
            "mod-revcl: wijziging op grond van een optie in de oorspronkelijke opdracht (art. 72 lid 1 onder a van de richtlijn)",
            "Of een uitgeoefende optie een wijzigingsaankondiging vraagt, is een afweging: de optie stond in de oorspronkelijke aankondiging. Publiceer haar als de organisatie dat zo afspreekt.",
        );
        fl.add("BT-202", "Beschrijving van de wijziging", change_text(o, new_end));
        fl.add("BT-537", "Nieuwe einddatum van de overeenkomst", crate::domain::calendar::show_date(new_end));
    } else {
        fl.add("BT-142", "Uitkomst", "selec-w: er is een winnaar gekozen");
        match e.received {
            Some(n) => fl.add("BT-759, BT-760", "Aantal ontvangen inschrijvingen", n.to_string()),
            None => fl.note("BT-759", "Aantal ontvangen inschrijvingen", "", "Nog niet bekend."),
        }
        fl.add("BT-536", "Begindatum van de overeenkomst", crate::domain::calendar::show_date(f.term.start));
        fl.add("BT-537", "Einddatum van de overeenkomst (zonder opties)", crate::domain::calendar::show_date(f.term.initial_end));
    }
    if let Some((_, name, kvk, _)) = winner {
        fl.add("BT-500 (winnaar)", "Naam van de winnaar", name.as_str());
        fl.add("BT-501 (winnaar)", "KvK-nummer van de winnaar", kvk.as_str());
        match &e.winner_address {
            Some((street, postcode, place)) => fl.add("BT-510, BT-512, BT-513", "Adres van de winnaar", format!("{street}, {postcode} {place}")),
            None => fl.note("BT-510", "Adres van de winnaar", "", "Niet gevonden bij de registratie van de winnaar."),
        }
    }
    match decided {
        Some(d) => fl.add("BT-1451", "Datum van de gunningsbeslissing", crate::domain::calendar::show_date(d.with_timezone(&chrono_tz::Europe::Amsterdam).date_naive())),
        None => fl.note("BT-1451", "Datum van de gunningsbeslissing", "", "De gunningsbeslissing is nog niet verzonden."),
    }
    match concluded {
        Some(d) => fl.add("BT-145", "Datum van sluiting van de overeenkomst (eerste ondertekening)", crate::domain::calendar::show_date(d.with_timezone(&chrono_tz::Europe::Amsterdam).date_naive())),
        None => fl.note("BT-145", "Datum van sluiting van de overeenkomst", "", "Nog niet ondertekend: de aankondiging van de gegunde opdracht volgt binnen 30 dagen na de eerste ondertekening."),
    }
    match (e.winner_price, f.tender.budget_cents) {
        (Some(p), _) => fl.add("BT-161, BT-720", "Waarde van de overeenkomst, exclusief btw", domain::money::show_price(p)),
        (None, Some(b)) => fl.note(
            "BT-161",
            "Waarde van de overeenkomst, exclusief btw",
            domain::money::show_price(b),
            "De inschrijvers concurreerden niet op prijs: dit is het vaste budget uit de gegevens van de aanbesteding.",
        ),
        (None, None) => fl.note("BT-161", "Waarde van de overeenkomst", "", "Er is geen prijs of budget vastgelegd."),
    }
    fl.add("BT-150", "Kenmerk van de overeenkomst", &f.tender.reference);

    let mut x = Xml::new();
    let mut root = vec![("xmlns", "urn:oasis:names:specification:ubl:schema:xsd:ContractAwardNotice-2")];
    root.extend_from_slice(NS);
    let winner_org = format!("ORG-{:04}", buyers.len() + 1);
    x.el("ContractAwardNotice", &root, |x| {
        x.el("ext:UBLExtensions", &[], |x| {
            x.el("ext:UBLExtension", &[], |x| {
                x.el("ext:ExtensionContent", &[], |x| {
                    x.el("efext:EformsExtension", &[], |x| {
                        if let Some((o, new_end)) = modification {
                            x.el("efac:ContractModification", &[], |x| {
                                x.text("efbc:ChangedNoticeIdentifier", &[("schemeName", "notice-id")], &award_id);
                                x.text("efbc:ModifiedContractIdentifier", &[("schemeName", "contract")], "CON-0001");
                                x.el("efac:Change", &[], |x| {
                                    x.text("efbc:ChangeDescription", &[("languageID", "NLD")], &change_text(o, new_end));
                                    x.el("efac:ChangedSection", &[], |x| x.text("efbc:ChangedSectionIdentifier", &[], "LOT-0000"));
                                });
                                x.el("efac:ChangeReason", &[], |x| {
                                    x.text("cbc:ReasonCode", &[("listName", "modification-justification")], "mod-revcl");
                                    x.text("efbc:ReasonDescription", &[("languageID", "NLD")], &format!("Uitoefening van optie {} uit de oorspronkelijke overeenkomst.", o.number));
                                });
                            });
                        }
                        x.el("efac:NoticeResult", &[], |x| {
                            if let Some(v) = value {
                                x.text("cbc:TotalAmount", &[("currencyID", "EUR")], &amount(v));
                            }
                            x.el("efac:LotResult", &[], |x| {
                                x.text("cbc:ID", &[("schemeName", "result")], "RES-0001");
                                if modification.is_none() {
                                    x.text("cbc:TenderResultCode", &[("listName", "winner-selection-status")], "selec-w");
                                }
                                x.id("efac:LotTender", "tender", "TEN-0001");
                                if let (None, Some(n)) = (modification, e.received) {
                                    x.el("efac:ReceivedSubmissionsStatistics", &[], |x| {
                                        x.text("efbc:StatisticsCode", &[("listName", "received-submission-type")], "tenders");
                                        x.text("efbc:StatisticsNumeric", &[], &n.to_string());
                                    });
                                }
                                x.id("efac:SettledContract", "contract", "CON-0001");
                                x.id("efac:TenderLot", "Lot", "LOT-0000");
                            });
                            x.el("efac:LotTender", &[], |x| {
                                x.text("cbc:ID", &[("schemeName", "tender")], "TEN-0001");
                                x.text("cbc:RankCode", &[], "1");
                                x.text("efbc:TenderRankedIndicator", &[], "true");
                                if let Some(p) = e.winner_price {
                                    x.el("cac:LegalMonetaryTotal", &[], |x| x.text("cbc:PayableAmount", &[("currencyID", "EUR")], &amount(p)));
                                }
                                x.id("efac:TenderingParty", "tendering-party", "TPA-0001");
                                x.id("efac:TenderLot", "Lot", "LOT-0000");
                            });
                            x.el("efac:SettledContract", &[], |x| {
                                x.text("cbc:ID", &[("schemeName", "contract")], "CON-0001");
                                if let Some(d) = decided {
                                    x.text("cbc:AwardDate", &[], &date_time(d).0);
                                }
                                if let Some(d) = concluded {
                                    x.text("cbc:IssueDate", &[], &date_time(d).0);
                                }
                                x.text("cbc:Title", &[("languageID", "NLD")], &f.tender.title);
                                for b in &signed {
                                    if let Some(i) = buyers.iter().position(|x| x.id == b.id) {
                                        x.party_id("cac:SignatoryParty", &format!("ORG-{:04}", i + 1));
                                    }
                                }
                                x.el("efac:ContractReference", &[], |x| x.text("cbc:ID", &[], &f.tender.reference));
                                x.id("efac:LotTender", "tender", "TEN-0001");
                            });
                            x.el("efac:TenderingParty", &[], |x| {
                                x.text("cbc:ID", &[("schemeName", "tendering-party")], "TPA-0001");
                                x.id("efac:Tenderer", "organization", &winner_org);
                            });
                        });
                        x.el("efac:NoticeSubType", &[], |x| x.text("cbc:SubTypeCode", &[("listName", "notice-subtype")], &subtype.to_string()));
                        organizations(x, &buyers, winner.map(|w| (w.1.as_str(), w.2.as_str(), e.winner_address.as_ref())));
                    })
                })
            })
        });
        head(x, &c, list, code);
        x.text("cbc:NoticeLanguageCode", &[], "NLD");
        contracting_parties(x, &buyers);
        x.el("cac:TenderingProcess", &[], |x| {
            x.text("cbc:Description", &[("languageID", "NLD")], f.tender.procedure_kind.label());
            x.text("cbc:ProcedureCode", &[("listName", "procurement-procedure-type")], procedure_code(f).0);
        });
        project(x, f, None, false);
        x.el("cac:ProcurementProjectLot", &[], |x| {
            x.text("cbc:ID", &[("schemeName", "Lot")], "LOT-0000");
            project(x, f, Some((f.term.start, end)), modification.is_none());
        });
        if let Some(d) = decided {
            x.el("cac:TenderResult", &[], |x| x.text("cbc:AwardDate", &[], &date_time(d).0));
        }
    });
    let title = match modification {
        None => "Aankondiging van de gegunde opdracht, sociale en andere specifieke diensten".to_string(),
        Some((o, _)) => format!("Aankondiging van een wijziging: optie {} uitgeoefend", o.number),
    };
    Notice { file: format!("aankondiging-{what}.xml"), code: code.into(), subtype, title, fields: fl.0, xml: x.finish() }
}

/// The notice as it is handed out: after the XML declaration a comment that
/// says when it was made and, for a reader of the trail, the audit head.
pub fn stamped(xml: &str, made: DateTime<Utc>, head: Option<&str>) -> String {
    let mut note = format!("Gemaakt met Dialoog op {}.", crate::domain::calendar::show_instant(made));
    if let Some(h) = head {
        note.push(' ');
        note.push_str(h);
    }
    // A comment may not hold "--".
    let note = note.replace("--", "- -");
    match xml.split_once("?>\n") {
        Some((decl, rest)) => format!("{decl}?>\n<!-- {note} -->\n{rest}"),
        None => xml.to_string(),
    }
}

fn change_text(o: &crate::store::entities::contract_options::Model, new_end: NaiveDate) -> String {
    format!(
        "Optie {} tot verlenging is uitgeoefend (besluit {}): de overeenkomst loopt nu tot en met {}.",
        o.number,
        o.decision_ref,
        crate::domain::calendar::show_date(new_end)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn amounts_are_written_with_a_decimal_point() {
        assert_eq!(super::amount(123_456_78), "123456.78");
        assert_eq!(super::amount(5), "0.05");
    }
}
