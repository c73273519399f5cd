//! Tenders: the seeded Jeugd- en Schoolteam VO tender and the overview query.

use super::column::Coded;
use super::entities::{tender_buyers, tender_partners, tender_profiles, tender_roles, tender_schools, tenders};
use super::event::{Event, SchoolCount, Subject};
use super::op::{Op, Scope};
use crate::domain::access::{Phase, Role};
use crate::domain::calendar::{amsterdam, ContractTerm};
use crate::domain::participation::ShareRule;
use crate::domain::status::{DocumentKind, PartKind};
use crate::domain::tender::{self as facts, Participation};
use crate::error::AppError;
use crate::ids::{TenderId, UserId};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};

pub async fn by_reference<C: ConnectionTrait>(c: &C, reference: &str) -> Result<Option<tenders::Model>, DbErr> {
    tenders::Entity::find().filter(tenders::Column::Reference.eq(reference)).one(c).await
}

pub async fn by_id<C: ConnectionTrait>(c: &C, id: TenderId) -> Result<Option<tenders::Model>, DbErr> {
    tenders::Entity::find_by_id(id).one(c).await
}

pub async fn all<C: ConnectionTrait>(c: &C) -> Result<Vec<tenders::Model>, DbErr> {
    tenders::Entity::find().order_by_asc(tenders::Column::Id).all(c).await
}

/// The tenders with the given ids, in order of id (one query).
pub async fn by_ids<C: ConnectionTrait>(c: &C, ids: &[TenderId]) -> Result<Vec<tenders::Model>, DbErr> {
    tenders::Entity::find().filter(tenders::Column::Id.is_in(ids.iter().copied())).order_by_asc(tenders::Column::Id).all(c).await
}

/// The roles `user` holds in `tender`.
pub async fn roles_of<C: ConnectionTrait>(c: &C, tender: TenderId, user: UserId) -> Result<Vec<Role>, DbErr> {
    Ok(tender_roles::Entity::find()
        .filter(tender_roles::Column::TenderId.eq(tender))
        .filter(tender_roles::Column::UserId.eq(user))
        .all(c)
        .await?
        .into_iter()
        .map(|r| *r.role)
        .collect())
}

/// The gemeenten (slugs) a user represents in a tender.
pub async fn gemeenten_of<C: ConnectionTrait>(c: &C, tender: TenderId, user: UserId) -> Result<Vec<String>, DbErr> {
    Ok(tender_roles::Entity::find()
        .filter(tender_roles::Column::TenderId.eq(tender))
        .filter(tender_roles::Column::UserId.eq(user))
        .filter(tender_roles::Column::Role.eq(Coded(Role::Gemeente)))
        .all(c)
        .await?
        .into_iter()
        .filter_map(|r| r.organisation)
        .collect())
}

pub fn contract_term(t: &tenders::Model) -> ContractTerm {
    ContractTerm {
        start: t.contract_start,
        initial_end: t.initial_end,
        option_years: t.option_years.split(',').filter_map(|s| s.trim().parse().ok()).collect(),
        notice_months: t.notice_months as u32,
        decisions: vec![],
    }
}

pub struct Related {
    pub buyers: Vec<tender_buyers::Model>,
    pub partners: Vec<tender_partners::Model>,
    pub schools: Vec<tender_schools::Model>,
    pub profiles: Vec<tender_profiles::Model>,
}

pub async fn related<C: ConnectionTrait>(c: &C, id: TenderId) -> Result<Related, DbErr> {
    Ok(Related {
        buyers: tender_buyers::Entity::find()
            .filter(tender_buyers::Column::TenderId.eq(id))
            .order_by_asc(tender_buyers::Column::Id)
            .all(c)
            .await?,
        partners: tender_partners::Entity::find()
            .filter(tender_partners::Column::TenderId.eq(id))
            .order_by_asc(tender_partners::Column::Id)
            .all(c)
            .await?,
        schools: tender_schools::Entity::find()
            .filter(tender_schools::Column::TenderId.eq(id))
            .order_by_asc(tender_schools::Column::Id)
            .all(c)
            .await?,
        profiles: tender_profiles::Entity::find()
            .filter(tender_profiles::Column::TenderId.eq(id))
            .order_by_asc(tender_profiles::Column::Id)
            .all(c)
            .await?,
    })
}

/// Seeds the Jeugd- en Schoolteam VO tender with the region's facts, as one
/// audit event ("tender.seeded"). It runs on a simulated clock (training mode)
/// because its dates lie in the past.
pub async fn seed_jeugd_en_schoolteam<S: Scope>(op: &mut Op<S>) -> Result<tenders::Model, AppError> {
    let now = op.now();
    let term = ContractTerm::jeugd_en_schoolteam();
    let publication = amsterdam(
        NaiveDate::from_ymd_opt(2023, 5, 17).expect("valid"),
        NaiveTime::from_hms_opt(9, 0, 0).expect("valid"),
    )
    .expect("no DST gap in May");
    // The training clock starts here; what the seed records inside the
    // tender (its gemeenten, documents, first question round) is dated on it.
    let training_start =
        amsterdam(NaiveDate::from_ymd_opt(2023, 5, 1).expect("valid"), NaiveTime::from_hms_opt(9, 0, 0).expect("valid")).expect("valid");
    let t = tenders::ActiveModel {
        reference: Set(facts::TENDER_REFERENCE.into()),
        title: Set(facts::TENDER_TITLE.into()),
        phase: Set(Coded(Phase::Concept)),
        training: Set(true),
        simulated_now: Set(Some(training_start)),
        publication_planned: Set(publication),
        submission_deadline: Set(Some(local(2023, 6, 30, 12, 0))),
        award_planned: Set(Some(local(2023, 9, 29, 12, 0))),
        signing_planned: Set(Some(local(2023, 11, 1, 12, 0))),
        contract_start: Set(term.start),
        initial_end: Set(term.initial_end),
        option_years: Set(term.option_years.iter().map(|y| y.to_string()).collect::<Vec<_>>().join(",")),
        notice_months: Set(term.notice_months as i32),
        created_at: Set(now),
        award_method: Set(Some(serde_jcs::to_string(&seed_method()).expect("method serialises"))),
        share_rule: Set(Coded(ShareRule::BySchools)),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    for g in facts::GEMEENTEN.iter() {
        tender_buyers::ActiveModel {
            tender_id: Set(t.id),
            slug: Set(g.slug.into()),
            name: Set(g.name.into()),
            status: Set(Coded(Participation::Deelnemend)),
            status_since: Set(training_start),
            ..Default::default()
        }
        .insert(op.txn())
        .await?;
    }
    for p in facts::PARTNERS {
        tender_partners::ActiveModel { tender_id: Set(t.id), name: Set(p.into()), ..Default::default() }
            .insert(op.txn())
            .await?;
    }
    for (kind, n) in facts::SCHOOL_COUNTS {
        tender_schools::ActiveModel {
            tender_id: Set(t.id),
            school_type: Set(kind.into()),
            count: Set(n as i32),
            name: Set(None),
            place: Set(None),
            pilot: Set(false),
            ..Default::default()
        }
        .insert(op.txn())
        .await?;
    }
    for (name, place) in facts::PILOT_SCHOOLS {
        tender_schools::ActiveModel {
            tender_id: Set(t.id),
            school_type: Set("Pilotschool".into()),
            count: Set(1),
            name: Set(Some(name.into())),
            place: Set(Some(place.into())),
            pilot: Set(true),
            ..Default::default()
        }
        .insert(op.txn())
        .await?;
    }
    for (name, note) in facts::TEAM_PROFILES {
        tender_profiles::ActiveModel { tender_id: Set(t.id), name: Set(name.into()), note: Set(note.into()), ..Default::default() }
            .insert(op.txn())
            .await?;
    }
    for (profile, region, current, extension) in facts::FORMATION {
        let fte = |s: &str| crate::domain::values::Fte::parse(s).map(|f| f.hundredths() as i32);
        super::entities::tender_formation::ActiveModel {
            tender_id: Set(t.id),
            profile: Set(profile.into()),
            region: Set(region.into()),
            current_fte: Set(fte(current)?),
            extension_fte: Set(fte(extension)?),
            ..Default::default()
        }
        .insert(op.txn())
        .await?;
    }
    seed_procedure(op, t.id, training_start).await?;
    op.record(Event::TenderSeeded {
        subject: Subject::Tender(t.id),
        tender: t.id,
        referentie: facts::TENDER_REFERENCE.into(),
        titel: facts::TENDER_TITLE.into(),
        gemeenten: facts::GEMEENTEN.iter().map(|g| g.slug.to_string()).collect(),
        partners: facts::PARTNERS.iter().map(|p| p.to_string()).collect(),
        scholen: facts::SCHOOL_COUNTS.iter().map(|(k, n)| SchoolCount { kind: k.to_string(), aantal: n.to_string() }).collect(),
        pilotscholen: facts::PILOT_SCHOOLS.iter().map(|(n, _)| n.to_string()).collect(),
        publicatie_gepland: publication.to_rfc3339(),
        contract_start: term.start.to_string(),
        initiele_einddatum: term.initial_end.to_string(),
        maximale_einddatum: term.max_end().to_string(),
        opties_jaren: term.option_years.iter().map(|y| y.to_string()).collect(),
        sluitingstermijn: local(2023, 6, 30, 12, 0).to_rfc3339(),
        vragentermijn_ronde_1: local(2023, 6, 7, 12, 0).to_rfc3339(),
    })
    .await?;
    Ok(t)
}

fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    amsterdam(
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date"),
        NaiveTime::from_hms_opt(h, min, 0).expect("valid time"),
    )
    .expect("no DST change at these times")
}

const LEIDRAAD: &str = "# Aanbestedingsleidraad Jeugd- en Schoolteam VO regio Alkmaar

## 1. Opdracht
De gemeenten Alkmaar, Bergen (NH), Castricum, Dijk en Waard, Heiloo en Uitgeest zoeken samen
**één aanbieder** voor het Jeugd- en Schoolteam in het voortgezet onderwijs (VO, VSO, PrO en de
Europese school): 29 scholen, waarvan 8 pilotscholen.

## 2. Procedure
Dialooggerichte procedure voor sociale en andere specifieke diensten (Aanbestedingswet 2012,
art. 2.38/2.39). Vragen stelt u alleen via Dialoog; de antwoorden verschijnen geanonimiseerd in een
genummerde Nota van Inlichtingen, die voorgaat op deze tekst.

| Stap | Moment |
|---|---|
| Publicatie | 17 mei 2023 |
| Vragentermijn ronde 1 | 7 juni 2023, 12:00 uur |
| Sluitingstermijn inschrijving | 30 juni 2023, 12:00 uur |
| Ingang overeenkomst | 1 januari 2024 |

## 3. Looptijd
Zeven jaar, van 1 januari 2024 tot en met 31 december 2030, met drie opties tot verlenging van
telkens één jaar (uiterlijk tot en met 31 december 2033).

## 4. Gunning
Gunning op de beste prijs-kwaliteitverhouding, met een vast budget: de inschrijvingen worden alleen
op kwaliteit beoordeeld. Het kwaliteitsplan (envelop 2) wordt anoniem beoordeeld, op een schaal
0-2-4-6-8-10 per criterium. De criteria, gewichten en de beslisregel bij een gelijke stand staan op de
pagina *Gunningsmethode* en liggen vast met de publicatie.

| Criterium | Punten |
|---|---|
| K1 Visie en aanpak op en met de school | 30 |
| K2 Samenwerking met school, samenwerkingsverband en wijkteams | 25 |
| K3 Preventie en vroegsignalering | 20 |
| K4 Implementatie en continuïteit | 15 |
| K5 Kwaliteit, verantwoording en ontwikkeling | 10 |
";

const EISEN: &str = "# Programma van eisen

- Het team werkt op en met de school, met de profielen jeugd- en gezinswerker, schoolmaatschappelijk
  werker en gedragswetenschapper.
- De formatie volgt het regioplan; uitbreiding op de pilotscholen volgens de tabel in de leidraad.
- Het team werkt samen met de samenwerkingsverbanden VO Noord- en Midden-Kennemerland.
";

/// The seeded tender's award method: quality only within a fixed budget, as
/// its leidraad says; the criteria are those listed in the seeded leidraad.
pub fn seed_method() -> crate::domain::scoring::Method {
    use crate::domain::scoring::{parse_criteria, parse_tie_break, Method, PriceMethod};
    Method {
        criteria: parse_criteria(SEED_CRITERIA).expect("the seeded criteria parse"),
        price: PriceMethod::QualityOnly { fixed_price: None },
        total_points: 100.0,
        tie_break: parse_tie_break("kwaliteit, K1, K2, loting"),
        decimals: 2,
    }
}

const SEED_CRITERIA: &str = "K1 | Visie en aanpak op en met de school | 30 | 0-10
K2 | Samenwerking met school, samenwerkingsverband en wijkteams | 25 | 0-10
K3 | Preventie en vroegsignalering | 20 | 0-10
K4 | Implementatie en continuïteit | 15 | 0-10
K5 | Kwaliteit, verantwoording en ontwikkeling | 10 | 0-10
";

/// The documents, bid parts and first question round of the seeded tender.
async fn seed_procedure<S: Scope>(op: &mut Op<S>, tender: TenderId, now: DateTime<Utc>) -> Result<(), AppError> {
    use super::entities::{bid_part_defs, document_versions, documents};
    for (i, (title, body)) in [("Aanbestedingsleidraad", LEIDRAAD), ("Programma van eisen", EISEN)].iter().enumerate() {
        let d = documents::ActiveModel {
            tender_id: Set(tender),
            title: Set(title.to_string()),
            kind: Set(Coded(DocumentKind::Markdown)),
            position: Set(i as i32 + 1),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(op.txn())
        .await?;
        document_versions::ActiveModel {
            document_id: Set(d.id),
            version: Set(1),
            body_md: Set(Some(body.to_string())),
            file_id: Set(None),
            sha256: Set(crate::domain::digest::sha256_hex(body.as_bytes())),
            size: Set(body.len() as i64),
            note: Set("Eerste versie".into()),
            nvi_id: Set(None),
            author: Set("systeem".into()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(op.txn())
        .await?;
    }
    let parts: [(i32, &str, &str, PartKind, bool, i64); 4] = [
        (1, "Uniform Europees Aanbestedingsdocument (UEA)", "Het ingevulde en ondertekende UEA, als PDF.", PartKind::Bestand, true, 10_000_000),
        (1, "Uittreksel Kamer van Koophandel", "Niet ouder dan zes maanden.", PartKind::Bestand, true, 10_000_000),
        (1, "Verklaringen", "Bevestig de integriteits- en geheimhoudingsverklaring en de verklaring over het vaste budget.", PartKind::Formulier, true, 10_000),
        (2, "Kwaliteitsplan (anoniem)", "Zonder naam, logo of andere kenmerken van uw organisatie; hoogstens 25 MB.", PartKind::Bestand, true, 25_000_000),
    ];
    for (i, (env, name, desc, kind, req, max)) in parts.into_iter().enumerate() {
        bid_part_defs::ActiveModel {
            tender_id: Set(tender),
            envelope: Set(env),
            name: Set(name.into()),
            description: Set(desc.into()),
            kind: Set(Coded(kind)),
            required: Set(req),
            max_bytes: Set(max),
            position: Set(i as i32 + 1),
            ..Default::default()
        }
        .insert(op.txn())
        .await?;
    }
    super::nvi::insert_round(op.txn(), tender, "Vragenronde 1", local(2023, 6, 7, 12, 0), now).await?;
    Ok(())
}
