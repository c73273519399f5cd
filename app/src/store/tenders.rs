//! Tenders: the seeded Jeugd- en Schoolteam VO tender and the overview query.

use super::audit::{self, Actor, NewEvent};
use super::entities::{tender_buyers, tender_partners, tender_profiles, tender_roles, tender_schools, tenders};
use super::WriteTx;
use crate::domain::access::{Phase, Role};
use crate::domain::calendar::{amsterdam, ContractTerm};
use crate::domain::tender as facts;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;

pub async fn by_reference<C: ConnectionTrait>(c: &C, reference: &str) -> Result<Option<tenders::Model>, DbErr> {
    tenders::Entity::find().filter(tenders::Column::Reference.eq(reference)).one(c).await
}

pub async fn by_id<C: ConnectionTrait>(c: &C, id: i32) -> Result<Option<tenders::Model>, DbErr> {
    tenders::Entity::find_by_id(id).one(c).await
}

pub async fn all<C: ConnectionTrait>(c: &C) -> Result<Vec<tenders::Model>, DbErr> {
    tenders::Entity::find().order_by_asc(tenders::Column::Id).all(c).await
}

/// The roles `user` holds in `tender`.
pub async fn roles_of<C: ConnectionTrait>(c: &C, tender: i32, user: i32) -> Result<Vec<Role>, DbErr> {
    Ok(tender_roles::Entity::find()
        .filter(tender_roles::Column::TenderId.eq(tender))
        .filter(tender_roles::Column::UserId.eq(user))
        .all(c)
        .await?
        .into_iter()
        .filter_map(|r| Role::parse(&r.role))
        .collect())
}

pub fn phase(t: &tenders::Model) -> Phase {
    Phase::parse(&t.phase).unwrap_or(Phase::Concept)
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

pub async fn related<C: ConnectionTrait>(c: &C, id: i32) -> Result<Related, DbErr> {
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
pub async fn seed_jeugd_en_schoolteam(tx: &WriteTx, now: DateTime<Utc>) -> Result<tenders::Model, DbErr> {
    let c = &tx.txn;
    let term = ContractTerm::jeugd_en_schoolteam();
    let publication = amsterdam(
        NaiveDate::from_ymd_opt(2023, 5, 17).expect("valid"),
        NaiveTime::from_hms_opt(9, 0, 0).expect("valid"),
    )
    .expect("no DST gap in May");
    let t = tenders::ActiveModel {
        reference: Set(facts::TENDER_REFERENCE.into()),
        title: Set(facts::TENDER_TITLE.into()),
        phase: Set(Phase::Concept.code().into()),
        training: Set(true),
        simulated_now: Set(Some(
            amsterdam(NaiveDate::from_ymd_opt(2023, 5, 1).expect("valid"), NaiveTime::from_hms_opt(9, 0, 0).expect("valid"))
                .expect("valid"),
        )),
        publication_planned: Set(publication),
        contract_start: Set(term.start),
        initial_end: Set(term.initial_end),
        option_years: Set(term.option_years.iter().map(|y| y.to_string()).collect::<Vec<_>>().join(",")),
        notice_months: Set(term.notice_months as i32),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await?;
    for g in facts::GEMEENTEN.iter() {
        tender_buyers::ActiveModel {
            tender_id: Set(t.id),
            slug: Set(g.slug.into()),
            name: Set(g.name.into()),
            status: Set("deelnemend".into()),
            status_since: Set(now),
            ..Default::default()
        }
        .insert(c)
        .await?;
    }
    for p in facts::PARTNERS {
        tender_partners::ActiveModel { tender_id: Set(t.id), name: Set(p.into()), ..Default::default() }
            .insert(c)
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
        .insert(c)
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
        .insert(c)
        .await?;
    }
    for (name, note) in facts::TEAM_PROFILES {
        tender_profiles::ActiveModel { tender_id: Set(t.id), name: Set(name.into()), note: Set(note.into()), ..Default::default() }
            .insert(c)
            .await?;
    }
    audit::append(
        tx,
        now,
        NewEvent {
            tender: Some(t.id),
            actor: Actor::system(),
            action: "tender.seeded",
            subject: format!("tender:{}", t.id),
            payload: json!({
                "referentie": facts::TENDER_REFERENCE,
                "titel": facts::TENDER_TITLE,
                "gemeenten": facts::GEMEENTEN.iter().map(|g| g.slug).collect::<Vec<_>>(),
                "partners": facts::PARTNERS,
                "scholen": facts::SCHOOL_COUNTS.iter().map(|(k, n)| json!({"type": k, "aantal": n.to_string()})).collect::<Vec<_>>(),
                "pilotscholen": facts::PILOT_SCHOOLS.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
                "publicatie_gepland": publication.to_rfc3339(),
                "contract_start": term.start.to_string(),
                "initiele_einddatum": term.initial_end.to_string(),
                "maximale_einddatum": term.max_end().to_string(),
                "opties_jaren": term.option_years.iter().map(|y| y.to_string()).collect::<Vec<_>>(),
            }),
        },
    )
    .await?;
    Ok(t)
}
