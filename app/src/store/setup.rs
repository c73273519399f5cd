//! Setting a tender up: creating one (its first inkoper is whoever creates
//! it), and, before publication, everything the seed otherwise provides: the
//! details (title, description, procedure, CPV code, estimated value),
//! buyers, partners, schools (one by one or by a CSV import), profiles and
//! formation, the contract term and the parts of a bid. The rules of each are
//! in `domain::setup`; this module writes what they allow, with one audit
//! event per change. After publication only what an NvI may change changes,
//! elsewhere.

use super::column::Coded;
use super::entities::*;
use super::event::{Event, Subject};
use super::op::{Anywhere, InTender, Op};
use super::users::{self as accounts};
use crate::domain::access::{Phase, Role};
use crate::domain::calendar::ContractTerm;
use crate::domain::digest::sha256_hex;
use crate::domain::money::Money;
use crate::domain::participation::ShareRule;
use crate::domain::setup::{self as rules, FormationLine, PartLine, ProcedureKind, Profile, School};
use crate::domain::status::{PartKind, Participation};
use crate::domain::values::{CpvCode, TenderReference};
use crate::error::AppError;
use crate::ids::TenderId;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};

/// What a new tender starts with.
pub struct Details {
    pub title: String,
    pub description: String,
    pub kind: ProcedureKind,
    pub cpv: Option<CpvCode>,
    pub estimated: Option<Money>,
}

impl Details {
    pub fn parse(title: &str, description: &str, kind: &str, cpv: &str, estimated: &str) -> Result<Details, AppError> {
        let title = crate::domain::refusal::required_text(title, 200, "De titel")?;
        let description = crate::domain::refusal::text_up_to(description, 5000, "De omschrijving")?;
        let kind = ProcedureKind::parse(kind).ok_or_else(|| AppError::Invalid("Kies de soort procedure.".into()))?;
        let cpv = match cpv.trim() {
            "" => None,
            c => Some(CpvCode::parse(c)?),
        };
        let estimated = match estimated.trim() {
            "" => None,
            e => Some(Money::parse_euros(e)?),
        };
        Ok(Details { title, description, kind, cpv, estimated })
    }
}

/// The default term of a new tender: from 1 January after the year of its
/// planned publication, four years, no options, decisions six months ahead.
fn default_term(publication: DateTime<Utc>) -> ContractTerm {
    let y = publication.year() + 1;
    ContractTerm {
        start: NaiveDate::from_ymd_opt(y, 1, 1).expect("valid"),
        initial_end: NaiveDate::from_ymd_opt(y + 3, 12, 31).expect("valid"),
        option_years: vec![],
        notice_months: 6,
        decisions: vec![],
    }
}

fn option_years(t: &ContractTerm) -> String {
    t.option_years.iter().map(|y| y.to_string()).collect::<Vec<_>>().join(",")
}

/// The parts every new tender starts with (editable before publication).
pub fn default_parts() -> Vec<PartLine> {
    let p = |envelope, name: &str, kind, max_bytes, description: &str| PartLine {
        envelope,
        name: name.into(),
        kind,
        required: true,
        max_bytes,
        description: description.into(),
    };
    vec![
        p(1, "Uniform Europees Aanbestedingsdocument (UEA)", PartKind::Bestand, 10_000_000, "Het ingevulde en ondertekende UEA, als PDF."),
        p(1, "Uittreksel Kamer van Koophandel", PartKind::Bestand, 10_000_000, "Niet ouder dan zes maanden."),
        p(1, "Verklaringen", PartKind::Formulier, 10_000, "Bevestig de integriteits- en geheimhoudingsverklaring."),
        p(2, "Kwaliteitsplan (anoniem)", PartKind::Bestand, 25_000_000, "Zonder naam, logo of andere kenmerken van uw organisatie."),
    ]
}

/// Creates a tender on the real clock, in concept, with `creator` as its
/// first inkoper (the four-eyes opening needs a second one before
/// publication). One operation on the creator's right to create tenders.
pub async fn create(
    op: &mut Op<Anywhere>,
    creator: &users::Model,
    reference: TenderReference,
    d: Details,
    publication: DateTime<Utc>,
) -> Result<tenders::Model, AppError> {
    if super::tenders::by_reference(op.txn(), reference.as_str()).await?.is_some() {
        return Err(AppError::Conflict(format!("Er is al een aanbesteding met kenmerk {reference}. Kies een ander kenmerk.")));
    }
    let term = default_term(publication);
    let t = tenders::ActiveModel {
        reference: Set(reference.to_string()),
        title: Set(d.title.clone()),
        description: Set(d.description.clone()),
        procedure_kind: Set(Coded(d.kind)),
        cpv_code: Set(d.cpv.as_ref().map(|c| c.to_string())),
        estimated_value_cents: Set(d.estimated.map(Money::cents)),
        phase: Set(Coded(Phase::Concept)),
        training: Set(false),
        simulated_now: Set(None),
        publication_planned: Set(publication),
        contract_start: Set(term.start),
        initial_end: Set(term.initial_end),
        option_years: Set(option_years(&term)),
        notice_months: Set(term.notice_months as i32),
        created_at: Set(op.now()),
        share_rule: Set(Coded(ShareRule::BySchools)),
        standstill_days: Set(20),
        standstill_weekend: Set(false),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    write_parts(op.txn(), t.id, &default_parts()).await?;
    op.record(Event::TenderCreated {
        subject: Subject::Tender(t.id),
        tender: t.id,
        referentie: reference.to_string(),
        titel: d.title,
        procedure: d.kind.code().into(),
        cpv: d.cpv.map(|c| c.to_string()),
        geraamde_waarde_cent: d.estimated.map(|m| m.cents().to_string()),
        kopie_van: None,
        oefenen: false,
    })
    .await?;
    accounts::grant(op, t.id, creator, Role::Inkoper, None).await?;
    Ok(t)
}

/// Set-up changes only before publication.
fn in_concept(op: &Op<InTender>) -> Result<(), AppError> {
    if op.phase() != Phase::Concept {
        return Err(AppError::Conflict(
            "De aanbesteding is gepubliceerd: de opzet ligt vast. Wat nog kan veranderen, verandert via een Nota van Inlichtingen.".into(),
        ));
    }
    Ok(())
}

/// Saves the details of the tender.
pub async fn save_details(op: &mut Op<InTender>, d: Details, threshold: Money) -> Result<(), AppError> {
    in_concept(op)?;
    let t = op.tender().clone();
    let mut a = t.into_active_model();
    a.title = Set(d.title.clone());
    a.description = Set(d.description.clone());
    a.procedure_kind = Set(Coded(d.kind));
    a.cpv_code = Set(d.cpv.as_ref().map(|c| c.to_string()));
    a.estimated_value_cents = Set(d.estimated.map(Money::cents));
    let t = a.update(op.txn()).await?;
    op.set_tender(t.clone());
    let threshold = rules::Threshold::of(d.estimated, threshold);
    op.record(Event::DetailsSaved {
        subject: Subject::Tender(t.id),
        titel: d.title,
        omschrijving_sha256: sha256_hex(d.description.as_bytes()),
        procedure: d.kind.code().into(),
        cpv: d.cpv.map(|c| c.to_string()),
        geraamde_waarde_cent: d.estimated.map(|m| m.cents().to_string()),
        drempel: match threshold {
            rules::Threshold::Unknown => "onbekend",
            rules::Threshold::Below => "onder de drempel",
            rules::Threshold::AtOrAbove => "boven de drempel",
        }
        .into(),
    })
    .await?;
    Ok(())
}

async fn buyers_of(op: &Op<InTender>) -> Result<Vec<tender_buyers::Model>, AppError> {
    Ok(tender_buyers::Entity::find()
        .filter(tender_buyers::Column::TenderId.eq(op.tender_id()))
        .order_by_asc(tender_buyers::Column::Id)
        .all(op.txn())
        .await?)
}

/// Adds a buyer (a gemeente) by its name.
pub async fn add_buyer(op: &mut Op<InTender>, name: &str) -> Result<(), AppError> {
    in_concept(op)?;
    let (slug, name) = rules::buyer(name)?;
    let buyers = buyers_of(op).await?;
    if buyers.iter().any(|b| b.slug == slug.as_str() || b.name.eq_ignore_ascii_case(&name)) {
        return Err(AppError::Conflict(format!("{name} is al een gemeente van deze aanbesteding.")));
    }
    if buyers.len() >= 50 {
        return Err(AppError::Invalid("Hoogstens 50 gemeenten.".into()));
    }
    tender_buyers::ActiveModel {
        tender_id: Set(op.tender_id()),
        slug: Set(slug.to_string()),
        name: Set(name.clone()),
        status: Set(Coded(Participation::Deelnemend)),
        status_since: Set(op.now()),
        schools: Set(0),
        share_key: Set(0),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    op.record(Event::BuyerAdded { subject: Subject::Gemeente(slug.to_string()), naam: name }).await?;
    Ok(())
}

/// Removes a buyer that has no representative and no schools yet.
pub async fn remove_buyer(op: &mut Op<InTender>, slug: &str) -> Result<(), AppError> {
    in_concept(op)?;
    let b = buyers_of(op)
        .await?
        .into_iter()
        .find(|b| b.slug == slug)
        .ok_or_else(|| AppError::NotFound("Deze gemeente hoort niet bij deze aanbesteding.".into()))?;
    let reps = tender_roles::Entity::find()
        .filter(tender_roles::Column::TenderId.eq(op.tender_id()))
        .filter(tender_roles::Column::Role.eq(Coded(Role::Gemeente)))
        .filter(tender_roles::Column::Organisation.eq(slug))
        .all(op.txn())
        .await?;
    if !reps.is_empty() {
        return Err(AppError::Conflict(format!("{} heeft nog een vertegenwoordiger in het team; haal die eerst weg.", b.name)));
    }
    let schools = tender_schools::Entity::find()
        .filter(tender_schools::Column::TenderId.eq(op.tender_id()))
        .filter(tender_schools::Column::Gemeente.eq(slug))
        .all(op.txn())
        .await?;
    if !schools.is_empty() {
        return Err(AppError::Conflict(format!("{} heeft nog {} scholen in de scope; lees eerst de scholen opnieuw in.", b.name, schools.len())));
    }
    tender_buyers::Entity::delete_by_id(b.id).exec(op.txn()).await?;
    op.record(Event::BuyerRemoved { subject: Subject::Gemeente(b.slug.clone()), naam: b.name }).await?;
    Ok(())
}

/// Replaces the partners.
pub async fn set_partners(op: &mut Op<InTender>, text: &str) -> Result<(), AppError> {
    in_concept(op)?;
    let partners = rules::parse_partners(text)?;
    tender_partners::Entity::delete_many().filter(tender_partners::Column::TenderId.eq(op.tender_id())).exec(op.txn()).await?;
    for p in &partners {
        tender_partners::ActiveModel { tender_id: Set(op.tender_id()), name: Set(p.clone()), ..Default::default() }.insert(op.txn()).await?;
    }
    op.record(Event::PartnersSet { subject: Subject::Tender(op.tender_id()), partners }).await?;
    Ok(())
}

/// Why a school import was refused: every bad line, and nothing imported.
pub fn import_refusal(bad: &[String]) -> AppError {
    let n = bad.len();
    AppError::Unprocessable(format!(
        "Het bestand is niet ingelezen: {} {} fout. Er is niets veranderd.\n{}",
        n,
        if n == 1 { "regel is" } else { "regels zijn" },
        bad.join("\n")
    ))
}

/// Reads a school list (CSV with the header naam;brin;soort;gemeente;pilot,
/// separated by semicolons or commas, UTF-8) into the schools of a tender's
/// buyers: every row is checked, and a single bad row imports nothing.
pub fn read_schools(bytes: &[u8], gemeenten: &[crate::domain::values::Slug]) -> Result<Vec<School>, AppError> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        AppError::Unprocessable("Het bestand is geen UTF-8-tekst. Sla het in uw rekenprogramma op als 'CSV UTF-8'.".into())
    })?;
    let text = text.trim_start_matches('\u{feff}');
    let header = text.lines().next().unwrap_or_default();
    let delimiter = if header.contains(';') { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).has_headers(true).from_reader(text.as_bytes());
    let head: Vec<String> = reader
        .headers()
        .map_err(|_| AppError::Unprocessable("De eerste regel van het bestand is onleesbaar.".into()))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    if head != rules::SCHOOL_COLUMNS {
        return Err(AppError::Unprocessable(format!(
            "De eerste regel moet de kolommen noemen: {} (gevonden: {}).",
            rules::SCHOOL_COLUMNS.join(";"),
            head.join(";")
        )));
    }
    let mut rows: Vec<(usize, Vec<String>)> = vec![];
    for rec in reader.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            AppError::Unprocessable(format!("Regel {line} is onleesbaar (controleer de aanhalingstekens)."))
        })?;
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        rows.push((line, rec.iter().map(str::to_string).collect()));
        if rows.len() > 2000 {
            return Err(AppError::Unprocessable("Het bestand heeft meer dan 2000 scholen.".into()));
        }
    }
    let borrowed: Vec<(usize, Vec<&str>)> = rows.iter().map(|(l, f)| (*l, f.iter().map(String::as_str).collect())).collect();
    rules::schools(&borrowed, gemeenten).map_err(|bad| import_refusal(&bad))
}

/// Replaces the schools of the tender by an import, and sets the number of
/// schools per gemeente (what the share rule "naar scholen" divides by).
pub async fn import_schools(op: &mut Op<InTender>, bytes: &[u8]) -> Result<usize, AppError> {
    in_concept(op)?;
    let buyers = buyers_of(op).await?;
    if buyers.is_empty() {
        return Err(AppError::Conflict("Voeg eerst de gemeenten toe: elke school hoort bij een van hen.".into()));
    }
    let slugs: Vec<_> = buyers.iter().filter_map(|b| crate::domain::values::Slug::parse(&b.slug).ok()).collect();
    let schools = read_schools(bytes, &slugs)?;
    let tender = op.tender_id();
    tender_schools::Entity::delete_many().filter(tender_schools::Column::TenderId.eq(tender)).exec(op.txn()).await?;
    for s in &schools {
        tender_schools::ActiveModel {
            tender_id: Set(tender),
            school_type: Set(s.school_type.clone()),
            count: Set(1),
            name: Set(Some(s.name.clone())),
            place: Set(None),
            pilot: Set(s.pilot),
            brin: Set(s.brin.as_ref().map(|b| b.to_string())),
            gemeente: Set(Some(s.gemeente.to_string())),
            ..Default::default()
        }
        .insert(op.txn())
        .await?;
    }
    let mut per = vec![];
    for b in buyers {
        let n = schools.iter().filter(|s| s.gemeente.as_str() == b.slug).count();
        per.push(format!("{}: {n}", b.slug));
        let mut a = b.into_active_model();
        a.schools = Set(n as i32);
        a.update(op.txn()).await?;
    }
    op.record(Event::SchoolsImported {
        subject: Subject::Tender(tender),
        scholen: schools.len().to_string(),
        pilotscholen: schools.iter().filter(|s| s.pilot).count().to_string(),
        sha256: sha256_hex(bytes),
        per_gemeente: per,
    })
    .await?;
    Ok(schools.len())
}

/// Moves the number of schools of the buyer `slug` by `delta` (what the
/// share rule "naar scholen" divides by), never below zero.
async fn count_school(op: &mut Op<InTender>, slug: &str, delta: i32) -> Result<(), AppError> {
    if let Some(b) = buyers_of(op).await?.into_iter().find(|b| b.slug == slug) {
        let n = (b.schools + delta).max(0);
        let mut a = b.into_active_model();
        a.schools = Set(n);
        a.update(op.txn()).await?;
    }
    Ok(())
}

/// Adds one school to the scope (`fields` in the order of an import row:
/// naam, brin, soort, gemeente, pilot).
pub async fn add_school(op: &mut Op<InTender>, fields: &[&str]) -> Result<(), AppError> {
    in_concept(op)?;
    let buyers = buyers_of(op).await?;
    if buyers.is_empty() {
        return Err(AppError::Conflict("Voeg eerst de gemeenten toe: elke school hoort bij een van hen.".into()));
    }
    let slugs: Vec<_> = buyers.iter().filter_map(|b| crate::domain::values::Slug::parse(&b.slug).ok()).collect();
    let school = rules::school_row(fields, &slugs).map_err(|e| AppError::Invalid(capitalised(e.message())))?;
    let tender = op.tender_id();
    let existing = tender_schools::Entity::find().filter(tender_schools::Column::TenderId.eq(tender)).all(op.txn()).await?;
    if existing.len() >= 2000 {
        return Err(AppError::Invalid("Hoogstens 2000 scholen in de scope.".into()));
    }
    if let Some(b) = &school.brin {
        if existing.iter().any(|s| s.brin.as_deref() == Some(b.as_str())) {
            return Err(AppError::Conflict(format!("Er staat al een school met BRIN-code {b} in de scope.")));
        }
    }
    let row = tender_schools::ActiveModel {
        tender_id: Set(tender),
        school_type: Set(school.school_type.clone()),
        count: Set(1),
        name: Set(Some(school.name.clone())),
        place: Set(None),
        pilot: Set(school.pilot),
        brin: Set(school.brin.as_ref().map(|b| b.to_string())),
        gemeente: Set(Some(school.gemeente.to_string())),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    count_school(op, school.gemeente.as_str(), 1).await?;
    op.record(Event::SchoolAdded {
        subject: Subject::Tender(tender),
        school: row.id.to_string(),
        naam: school.name,
        brin: school.brin.map(|b| b.to_string()),
        soort: school.school_type,
        gemeente: school.gemeente.to_string(),
        pilot: school.pilot,
    })
    .await?;
    Ok(())
}

/// Takes one school (or one line of counted schools) out of the scope.
pub async fn remove_school(op: &mut Op<InTender>, school: i32) -> Result<(), AppError> {
    in_concept(op)?;
    let s = tender_schools::Entity::find_by_id(school)
        .filter(tender_schools::Column::TenderId.eq(op.tender_id()))
        .one(op.txn())
        .await?
        .ok_or_else(|| AppError::NotFound("Deze school staat niet in de scope van deze aanbesteding.".into()))?;
    tender_schools::Entity::delete_by_id(s.id).exec(op.txn()).await?;
    if let Some(g) = &s.gemeente {
        count_school(op, g, -s.count).await?;
    }
    op.record(Event::SchoolRemoved {
        subject: Subject::Tender(op.tender_id()),
        school: s.id.to_string(),
        naam: s.name.clone().unwrap_or_else(|| s.school_type.clone()),
        aantal: s.count.to_string(),
    })
    .await?;
    Ok(())
}

/// A row message as a sentence: first letter upper-case, a full stop.
fn capitalised(fragment: &str) -> String {
    let mut c = fragment.chars();
    match c.next() {
        Some(f) => format!("{}{}.", f.to_uppercase(), c.as_str().trim_end_matches('.')),
        None => String::new(),
    }
}

/// Replaces the team profiles and the formation.
pub async fn set_profiles(op: &mut Op<InTender>, profiles: &[Profile], formation: &[FormationLine]) -> Result<(), AppError> {
    in_concept(op)?;
    let tender = op.tender_id();
    tender_profiles::Entity::delete_many().filter(tender_profiles::Column::TenderId.eq(tender)).exec(op.txn()).await?;
    tender_formation::Entity::delete_many().filter(tender_formation::Column::TenderId.eq(tender)).exec(op.txn()).await?;
    for p in profiles {
        tender_profiles::ActiveModel { tender_id: Set(tender), name: Set(p.name.clone()), note: Set(p.note.clone()), ..Default::default() }
            .insert(op.txn())
            .await?;
    }
    for f in formation {
        tender_formation::ActiveModel {
            tender_id: Set(tender),
            profile: Set(f.profile.clone()),
            region: Set(f.region.clone()),
            current_fte: Set(f.current.hundredths() as i32),
            extension_fte: Set(f.extension.hundredths() as i32),
            ..Default::default()
        }
        .insert(op.txn())
        .await?;
    }
    op.record(Event::ProfilesSet {
        subject: Subject::Tender(tender),
        profielen: profiles.iter().map(|p| p.name.clone()).collect(),
        formatie: formation.iter().map(|f| format!("{} | {} | {} | {}", f.profile, f.region, f.current, f.extension)).collect(),
    })
    .await?;
    Ok(())
}

/// Sets the contract term (start, end of the initial term, options of whole
/// years, the decision period).
pub async fn set_term(op: &mut Op<InTender>, term: ContractTerm) -> Result<(), AppError> {
    in_concept(op)?;
    let t = op.tender().clone();
    let mut a = t.into_active_model();
    a.contract_start = Set(term.start);
    a.initial_end = Set(term.initial_end);
    a.option_years = Set(option_years(&term));
    a.notice_months = Set(term.notice_months as i32);
    let t = a.update(op.txn()).await?;
    op.set_tender(t);
    op.record(Event::TermSet {
        subject: Subject::Contract(op.tender_id()),
        contract_start: term.start.to_string(),
        initiele_einddatum: term.initial_end.to_string(),
        opties_jaren: term.option_years.iter().map(|y| y.to_string()).collect(),
        beslistermijn_maanden: term.notice_months.to_string(),
        maximale_einddatum: term.max_end().to_string(),
    })
    .await?;
    Ok(())
}

async fn write_parts<C: sea_orm::ConnectionTrait>(c: &C, tender: TenderId, parts: &[PartLine]) -> Result<(), AppError> {
    for (i, p) in parts.iter().enumerate() {
        bid_part_defs::ActiveModel {
            tender_id: Set(tender),
            envelope: Set(p.envelope),
            name: Set(p.name.clone()),
            description: Set(p.description.clone()),
            kind: Set(Coded(p.kind)),
            required: Set(p.required),
            max_bytes: Set(p.max_bytes),
            position: Set(i as i32 + 1),
            ..Default::default()
        }
        .insert(c)
        .await?;
    }
    Ok(())
}

/// Replaces the parts of envelopes 1 and 2 (the price part of envelope 3
/// stays as the award method keeps it). No bid exists before publication.
pub async fn set_parts(op: &mut Op<InTender>, parts: &[PartLine]) -> Result<(), AppError> {
    in_concept(op)?;
    let tender = op.tender_id();
    let price = bid_part_defs::Entity::find()
        .filter(bid_part_defs::Column::TenderId.eq(tender))
        .filter(bid_part_defs::Column::Kind.eq(Coded(PartKind::Prijs)))
        .one(op.txn())
        .await?;
    bid_part_defs::Entity::delete_many()
        .filter(bid_part_defs::Column::TenderId.eq(tender))
        .filter(bid_part_defs::Column::Kind.ne(Coded(PartKind::Prijs)))
        .exec(op.txn())
        .await?;
    write_parts(op.txn(), tender, parts).await?;
    if let Some(p) = price {
        let mut a = p.into_active_model();
        a.position = Set(parts.len() as i32 + 1);
        a.update(op.txn()).await?;
    }
    op.record(Event::PartsSet {
        subject: Subject::Tender(tender),
        onderdelen: parts.iter().map(|p| format!("envelop {}: {}", p.envelope, p.name)).collect(),
    })
    .await?;
    Ok(())
}

/// The formation of a tender, in the order entered.
pub async fn formation<C: sea_orm::ConnectionTrait>(c: &C, tender: TenderId) -> Result<Vec<FormationLine>, AppError> {
    let rows = tender_formation::Entity::find()
        .filter(tender_formation::Column::TenderId.eq(tender))
        .order_by_asc(tender_formation::Column::Id)
        .all(c)
        .await?;
    let fte = |h: i32| crate::domain::values::Fte::from_hundredths(h.max(0) as u32);
    Ok(rows
        .into_iter()
        .map(|r| FormationLine { profile: r.profile, region: r.region, current: fte(r.current_fte), extension: fte(r.extension_fte) })
        .collect())
}

/// What a copy of a tender gets of its own.
pub struct Copy {
    pub reference: TenderReference,
    pub title: String,
    pub publication: DateTime<Utc>,
    /// A training tender runs on a simulated clock and never becomes real.
    pub training: bool,
}

/// Creates a tender from `source` as a template: its details, buyers (all
/// participating again), partners, schools, profiles and formation, award
/// method and share rule, the parts of a bid, the procedure's settings, the
/// documents (the latest version of each, as the first of the copy), the
/// question rounds (without questions) and the calendar, moved to the new
/// publication date; the contract term moved by whole years. Nothing of its
/// bids, questions, dialogue, evaluation, team or audit history. `creator`
/// becomes the copy's first inkoper.
pub async fn copy(op: &mut Op<Anywhere>, creator: &users::Model, source: &tenders::Model, c: Copy) -> Result<tenders::Model, AppError> {
    if super::tenders::by_reference(op.txn(), c.reference.as_str()).await?.is_some() {
        return Err(AppError::Conflict(format!("Er is al een aanbesteding met kenmerk {}. Kies een ander kenmerk.", c.reference)));
    }
    let shift = c.publication - source.publication_planned;
    let moved = |d: Option<DateTime<Utc>>| d.map(|d| d + shift);
    let years = rules::shift_years(source.publication_planned.date_naive(), c.publication.date_naive());
    let term = rules::shift_term(&super::tenders::contract_term(source), years);
    let now = op.now();
    let t = tenders::ActiveModel {
        reference: Set(c.reference.to_string()),
        title: Set(c.title.clone()),
        description: Set(source.description.clone()),
        procedure_kind: Set(source.procedure_kind),
        cpv_code: Set(source.cpv_code.clone()),
        estimated_value_cents: Set(source.estimated_value_cents),
        phase: Set(Coded(Phase::Concept)),
        training: Set(c.training),
        // A training copy starts a week before its publication.
        simulated_now: Set(c.training.then(|| c.publication - chrono::Duration::days(7))),
        publication_planned: Set(c.publication),
        submission_deadline: Set(moved(source.submission_deadline)),
        award_planned: Set(moved(source.award_planned)),
        signing_planned: Set(moved(source.signing_planned)),
        contract_start: Set(term.start),
        initial_end: Set(term.initial_end),
        option_years: Set(option_years(&term)),
        notice_months: Set(term.notice_months as i32),
        created_at: Set(now),
        award_method: Set(source.award_method.clone()),
        share_rule: Set(source.share_rule),
        budget_cents: Set(source.budget_cents),
        standstill_days: Set(source.standstill_days),
        standstill_weekend: Set(source.standstill_weekend),
        copied_from: Set(Some(source.id)),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    let rel = super::tenders::related(op.txn(), source.id).await?;
    for b in &rel.buyers {
        tender_buyers::ActiveModel {
            tender_id: Set(t.id),
            slug: Set(b.slug.clone()),
            name: Set(b.name.clone()),
            status: Set(Coded(Participation::Deelnemend)),
            status_since: Set(now),
            schools: Set(b.schools),
            share_key: Set(b.share_key),
            ..Default::default()
        }
        .insert(op.txn())
        .await?;
    }
    for p in &rel.partners {
        tender_partners::ActiveModel { tender_id: Set(t.id), name: Set(p.name.clone()), ..Default::default() }.insert(op.txn()).await?;
    }
    for s in &rel.schools {
        tender_schools::ActiveModel {
            tender_id: Set(t.id),
            school_type: Set(s.school_type.clone()),
            count: Set(s.count),
            name: Set(s.name.clone()),
            place: Set(s.place.clone()),
            pilot: Set(s.pilot),
            brin: Set(s.brin.clone()),
            gemeente: Set(s.gemeente.clone()),
            ..Default::default()
        }
        .insert(op.txn())
        .await?;
    }
    for p in &rel.profiles {
        tender_profiles::ActiveModel { tender_id: Set(t.id), name: Set(p.name.clone()), note: Set(p.note.clone()), ..Default::default() }
            .insert(op.txn())
            .await?;
    }
    for f in tender_formation::Entity::find().filter(tender_formation::Column::TenderId.eq(source.id)).order_by_asc(tender_formation::Column::Id).all(op.txn()).await? {
        tender_formation::ActiveModel {
            tender_id: Set(t.id),
            profile: Set(f.profile),
            region: Set(f.region),
            current_fte: Set(f.current_fte),
            extension_fte: Set(f.extension_fte),
            ..Default::default()
        }
        .insert(op.txn())
        .await?;
    }
    for d in super::bids::part_defs(op.txn(), source.id).await? {
        bid_part_defs::ActiveModel {
            tender_id: Set(t.id),
            envelope: Set(d.envelope),
            name: Set(d.name),
            description: Set(d.description),
            kind: Set(d.kind),
            required: Set(d.required),
            max_bytes: Set(d.max_bytes),
            position: Set(d.position),
            ..Default::default()
        }
        .insert(op.txn())
        .await?;
    }
    let mut copied_docs = vec![];
    for d in super::documents::list(op.txn(), source.id).await? {
        let Some(v) = document_versions::Entity::find()
            .filter(document_versions::Column::DocumentId.eq(d.id))
            .order_by_desc(document_versions::Column::Version)
            .one(op.txn())
            .await?
        else {
            continue;
        };
        let nd = documents::ActiveModel {
            tender_id: Set(t.id),
            title: Set(d.title.clone()),
            kind: Set(d.kind),
            position: Set(d.position),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(op.txn())
        .await?;
        document_versions::ActiveModel {
            document_id: Set(nd.id),
            version: Set(1),
            body_md: Set(v.body_md.clone()),
            file_id: Set(v.file_id),
            sha256: Set(v.sha256.clone()),
            size: Set(v.size),
            note: Set(format!("Overgenomen uit {} (versie {})", source.reference, v.version)),
            nvi_id: Set(None),
            author: Set(op.actor().id().to_string()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(op.txn())
        .await?;
        copied_docs.push(format!("{} ({})", d.title, v.sha256));
    }
    for r in nvi_rounds::Entity::find().filter(nvi_rounds::Column::TenderId.eq(source.id)).order_by_asc(nvi_rounds::Column::Id).all(op.txn()).await? {
        super::nvi::insert_round(op.txn(), t.id, &r.title, r.question_deadline + shift, now).await?;
    }
    op.record(Event::TenderCreated {
        subject: Subject::Tender(t.id),
        tender: t.id,
        referentie: c.reference.to_string(),
        titel: c.title,
        procedure: source.procedure_kind.code().into(),
        cpv: source.cpv_code.clone(),
        geraamde_waarde_cent: source.estimated_value_cents.map(|v| v.to_string()),
        kopie_van: Some(source.reference.clone()),
        oefenen: c.training,
    })
    .await?;
    op.record(Event::TemplateCopied {
        subject: Subject::Tender(t.id),
        tender: t.id,
        bron: source.reference.clone(),
        verschuiving_dagen: shift.num_days().to_string(),
        looptijd_jaren_verschoven: years.to_string(),
        gemeenten: rel.buyers.iter().map(|b| b.slug.clone()).collect(),
        scholen: rel.schools.iter().map(|s| s.count).sum::<i32>().to_string(),
        documenten: copied_docs,
    })
    .await?;
    accounts::grant(op, t.id, creator, Role::Inkoper, None).await?;
    Ok(t)
}
