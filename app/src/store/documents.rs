//! Tender documents and their versions. Before publication the inkoper edits
//! freely; afterwards a new version belongs to an unpublished Nota van
//! Inlichtingen and becomes visible to bidders when that NvI is published.

use super::column::Coded;
use super::entities::{document_versions, documents, nvi_rounds};
use super::event::{Event, Subject};
use super::op::Op;
use crate::domain::access::Phase;
use crate::domain::digest::sha256_hex;
use crate::domain::status::DocumentKind;
use crate::error::AppError;
use crate::ids::{DocumentId, FileId, QuestionRoundId, TenderId};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};

pub async fn list<C: ConnectionTrait>(c: &C, tender: TenderId) -> Result<Vec<documents::Model>, DbErr> {
    documents::Entity::find()
        .filter(documents::Column::TenderId.eq(tender))
        .order_by_asc(documents::Column::Position)
        .order_by_asc(documents::Column::Id)
        .all(c)
        .await
}

pub async fn get<C: ConnectionTrait>(c: &C, tender: TenderId, id: DocumentId) -> Result<documents::Model, AppError> {
    documents::Entity::find_by_id(id)
        .one(c)
        .await?
        .filter(|d| d.tender_id == tender)
        .ok_or_else(|| AppError::NotFound("Dit document bestaat niet.".into()))
}

/// A version with whether a bidder can see it yet.
pub struct Version {
    pub v: document_versions::Model,
    /// The NvI number through which it was published, if any.
    pub nvi_number: Option<i32>,
    pub visible_to_bidders: bool,
}

/// All versions of a document, oldest first.
pub async fn versions<C: ConnectionTrait>(c: &C, doc: DocumentId) -> Result<Vec<Version>, DbErr> {
    let vs = document_versions::Entity::find()
        .filter(document_versions::Column::DocumentId.eq(doc))
        .order_by_asc(document_versions::Column::Version)
        .all(c)
        .await?;
    let mut out = Vec::new();
    for v in vs {
        let nvi = match v.nvi_id {
            Some(id) => nvi_rounds::Entity::find_by_id(id).one(c).await?,
            None => None,
        };
        let visible = v.nvi_id.is_none() || nvi.as_ref().is_some_and(|n| n.published_at.is_some());
        out.push(Version { nvi_number: nvi.and_then(|n| n.number), visible_to_bidders: visible, v });
    }
    Ok(out)
}

/// Checks that a change to a document is allowed now: freely in concept, through
/// an unpublished NvI of this tender afterwards.
async fn check_change<C: ConnectionTrait>(c: &C, tender: TenderId, phase: Phase, nvi: Option<QuestionRoundId>) -> Result<(), AppError> {
    match (phase, nvi) {
        (Phase::Concept, None) => Ok(()),
        (Phase::Concept, Some(_)) => Err(AppError::Invalid(
            "Voor publicatie wijzigt u documenten rechtstreeks, zonder Nota van Inlichtingen.".into(),
        )),
        (Phase::Gepubliceerd | Phase::Dialoog | Phase::Inschrijving, Some(id)) => {
            let r = nvi_rounds::Entity::find_by_id(id).one(c).await?;
            match r {
                Some(r) if r.tender_id == tender && r.published_at.is_none() => Ok(()),
                Some(r) if r.tender_id == tender => Err(AppError::Conflict(
                    "Deze Nota van Inlichtingen is al gepubliceerd en kan niet meer veranderen. Een correctie gaat via een nieuwe NvI.".into(),
                )),
                _ => Err(AppError::NotFound("Deze Nota van Inlichtingen bestaat niet.".into())),
            }
        }
        (Phase::Gepubliceerd | Phase::Dialoog | Phase::Inschrijving, None) => Err(AppError::Conflict(
            "De gepubliceerde documenten liggen vast. Wijzig ze via een Nota van Inlichtingen.".into(),
        )),
        _ => Err(AppError::Conflict("In deze fase veranderen de aanbestedingsdocumenten niet meer.".into())),
    }
}

pub struct NewVersion {
    pub body_md: Option<String>,
    /// (stored file, its SHA-256, its size)
    pub file: Option<(FileId, String, i64)>,
    pub note: String,
    pub nvi: Option<QuestionRoundId>,
}

/// Creates a document (with its first version).
pub async fn create(op: &mut Op, title: &str, kind: DocumentKind, first: NewVersion) -> Result<documents::Model, AppError> {
    let tender = op.tender_id();
    check_change(op.txn(), tender, op.phase(), first.nvi).await?;
    let title = title.trim();
    if title.is_empty() || title.len() > 200 {
        return Err(AppError::Invalid("Geef het document een titel van hoogstens 200 tekens.".into()));
    }
    let position = list(op.txn(), tender).await?.len() as i32 + 1;
    let d = documents::ActiveModel {
        tender_id: Set(tender),
        title: Set(title.into()),
        kind: Set(Coded(kind)),
        position: Set(position),
        created_at: Set(op.when()),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    op.record(Event::DocumentCreated { subject: Subject::Document(d.id), titel: title.into(), soort: kind.code().into() }).await?;
    add_version(op, &d, first).await?;
    Ok(d)
}

/// Adds a version to a document.
pub async fn add_version(op: &mut Op, d: &documents::Model, nv: NewVersion) -> Result<document_versions::Model, AppError> {
    check_change(op.txn(), op.tender_id(), op.phase(), nv.nvi).await?;
    let (sha, size, file_id, body) = match (&nv.body_md, &nv.file) {
        (Some(md), None) if *d.kind == DocumentKind::Markdown => {
            if md.trim().is_empty() {
                return Err(AppError::Invalid("Het document is leeg.".into()));
            }
            if md.len() > 500_000 {
                return Err(AppError::Invalid("Het document is te lang (meer dan 500.000 tekens).".into()));
            }
            (sha256_hex(md.as_bytes()), md.len() as i64, None, Some(md.clone()))
        }
        (None, Some((id, sha, size))) if *d.kind == DocumentKind::Bestand => (sha.clone(), *size, Some(*id), None),
        _ => return Err(AppError::Invalid("Deze wijziging past niet bij het soort document.".into())),
    };
    let prev = document_versions::Entity::find()
        .filter(document_versions::Column::DocumentId.eq(d.id))
        .order_by_desc(document_versions::Column::Version)
        .one(op.txn())
        .await?;
    if prev.as_ref().is_some_and(|p| p.sha256 == sha) {
        return Err(AppError::Invalid("Deze versie is gelijk aan de vorige; er is niets gewijzigd.".into()));
    }
    let version = prev.map_or(1, |p| p.version + 1);
    let v = document_versions::ActiveModel {
        document_id: Set(d.id),
        version: Set(version),
        body_md: Set(body),
        file_id: Set(file_id),
        sha256: Set(sha.clone()),
        size: Set(size),
        note: Set(nv.note.trim().chars().take(500).collect()),
        nvi_id: Set(nv.nvi),
        author: Set(op.actor().id().to_string()),
        created_at: Set(op.when()),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    op.record(Event::VersionAdded {
        subject: Subject::Document(d.id),
        versie: version.to_string(),
        sha256: sha,
        nvi: nv.nvi.map(|n| n.to_string()),
    })
    .await?;
    Ok(v)
}
