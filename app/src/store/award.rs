//! The award method of a tender: stored as canonical JSON on the tender,
//! editable until publication and frozen by it (a later change would need a
//! Nota van Inlichtingen or a rectification, outside this editor).

use super::column::Coded;
use super::entities::{bid_part_defs, tenders};
use super::event::{Event, Subject};
use super::op::Op;
use crate::domain::access::Phase;
use crate::domain::digest::sha256_hex;
use crate::domain::scoring::{Method, PriceMethod};
use crate::domain::status::PartKind;
use crate::error::AppError;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};

/// The stored method; `None` when none was saved (or it cannot be read).
pub fn method_of(t: &tenders::Model) -> Option<Method> {
    t.award_method.as_deref().and_then(|s| serde_json::from_str(s).ok())
}

/// The stored method, or why there is none.
pub fn required_method(t: &tenders::Model) -> Result<Method, AppError> {
    method_of(t).ok_or_else(|| AppError::Conflict("Deze aanbesteding heeft geen gunningsmethode.".into()))
}

/// SHA-256 of the method's canonical JSON (RFC 8785): what publication freezes.
pub fn fingerprint(m: &Method) -> String {
    sha256_hex(serde_jcs::to_string(m).expect("method serialises").as_bytes())
}

/// Saves the method (a draft may be incomplete; publication needs it complete).
/// Returns false when nothing changed (and nothing was recorded).
pub async fn save(op: &mut Op, m: &Method) -> Result<bool, AppError> {
    let t = op.tender().clone();
    if t.published_at.is_some() || *t.phase != Phase::Concept {
        return Err(AppError::Conflict(
            "De gunningsmethode is bij de publicatie vastgelegd en verandert niet meer in dit scherm; \
             een wijziging kan alleen via een Nota van Inlichtingen of een rectificatie."
                .into(),
        ));
    }
    let text = serde_jcs::to_string(m).expect("method serialises");
    if t.award_method.as_deref() == Some(text.as_str()) {
        return Ok(false);
    }
    let mut a = t.clone().into_active_model();
    a.award_method = Set(Some(text));
    let t2 = a.update(op.txn()).await?;
    op.set_tender(t2);
    let price_part = sync_price_part(op, m).await?;
    op.record(Event::MethodSaved {
        subject: Subject::AwardMethod(t.id),
        sha256: fingerprint(m),
        complete: m.check().is_ok(),
        methode: m.clone(),
        prijsonderdeel: price_part,
    })
    .await?;
    Ok(true)
}

/// A method that competes on price needs the price in the bid: envelope 3
/// holds one required price part; a quality-only method has none. Kept in step
/// with the method while the tender is a concept (no bid exists yet).
/// Returns whether the tender now has a price part.
async fn sync_price_part(op: &mut Op, m: &Method) -> Result<bool, AppError> {
    let tender = op.tender_id();
    let needed = !matches!(m.price, PriceMethod::QualityOnly { .. });
    let existing = bid_part_defs::Entity::find()
        .filter(bid_part_defs::Column::TenderId.eq(tender))
        .filter(bid_part_defs::Column::Kind.eq(Coded(PartKind::Prijs)))
        .one(op.txn())
        .await?;
    match (needed, existing) {
        (true, None) => {
            let position = bid_part_defs::Entity::find().filter(bid_part_defs::Column::TenderId.eq(tender)).all(op.txn()).await?.len()
                as i32
                + 1;
            bid_part_defs::ActiveModel {
                tender_id: Set(tender),
                envelope: Set(3),
                name: Set("Inschrijvingsprijs".into()),
                description: Set("De totaalprijs in euro, exclusief btw, voor de hele looptijd zoals de aanbestedingsstukken die vragen. \
                    Blijft verzegeld tot de kwaliteit in consensus is beoordeeld."
                    .into()),
                kind: Set(Coded(PartKind::Prijs)),
                required: Set(true),
                max_bytes: Set(200),
                position: Set(position),
                ..Default::default()
            }
            .insert(op.txn())
            .await?;
        }
        (false, Some(d)) => {
            bid_part_defs::Entity::delete_by_id(d.id).exec(op.txn()).await?;
        }
        _ => {}
    }
    Ok(needed)
}
