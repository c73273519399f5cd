//! The award method of a tender: stored as canonical JSON on the tender,
//! editable until publication and frozen by it (a later change would need a
//! Nota van Inlichtingen or a rectification, outside this editor).

use super::audit::{self, Actor, NewEvent};
use super::entities::tenders;
use super::WriteTx;
use crate::domain::access::Phase;
use crate::domain::scoring::Method;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use super::entities::bid_part_defs;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::json;

/// The stored method; `None` when none was saved (or it cannot be read).
pub fn method_of(t: &tenders::Model) -> Option<Method> {
    t.award_method.as_deref().and_then(|s| serde_json::from_str(s).ok())
}

/// SHA-256 of the method's canonical JSON (RFC 8785): what publication freezes.
pub fn fingerprint(m: &Method) -> String {
    super::documents::sha256_hex(serde_jcs::to_string(m).expect("method serialises").as_bytes())
}

/// Saves the method (a draft may be incomplete; publication needs it complete).
pub async fn save(tx: &WriteTx, now: DateTime<Utc>, t: &tenders::Model, by: Actor, m: &Method) -> Result<(), AppError> {
    if t.published_at.is_some() || super::tenders::phase(t) != Phase::Concept {
        return Err(AppError::Conflict(
            "De gunningsmethode is bij de publicatie vastgelegd en verandert niet meer in dit scherm; \
             een wijziging kan alleen via een Nota van Inlichtingen of een rectificatie."
                .into(),
        ));
    }
    let text = serde_jcs::to_string(m).expect("method serialises");
    if t.award_method.as_deref() == Some(text.as_str()) {
        return Ok(());
    }
    let mut a = t.clone().into_active_model();
    a.award_method = Set(Some(text));
    a.update(&tx.txn).await?;
    let price_part = sync_price_part(tx, t.id, m).await?;
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by,
        action: "award.method_saved",
        subject: format!("aanbesteding:{}", t.id),
        payload: json!({ "sha256": fingerprint(m), "complete": m.check().is_ok(), "methode": m, "prijsonderdeel": price_part }),
    })
    .await?;
    Ok(())
}

/// A method that competes on price needs the price in the bid: envelope 3
/// holds one required price part; a quality-only method has none. Kept in step
/// with the method while the tender is a concept (no bid exists yet).
/// Returns whether the tender now has a price part.
async fn sync_price_part(tx: &WriteTx, tender: i32, m: &Method) -> Result<bool, AppError> {
    let needed = !matches!(m.price, crate::domain::scoring::PriceMethod::QualityOnly { .. });
    let existing = bid_part_defs::Entity::find()
        .filter(bid_part_defs::Column::TenderId.eq(tender))
        .filter(bid_part_defs::Column::Kind.eq("prijs"))
        .one(&tx.txn)
        .await?;
    match (needed, existing) {
        (true, None) => {
            let position = bid_part_defs::Entity::find().filter(bid_part_defs::Column::TenderId.eq(tender)).all(&tx.txn).await?.len() as i32 + 1;
            bid_part_defs::ActiveModel {
                tender_id: Set(tender),
                envelope: Set(3),
                name: Set("Inschrijvingsprijs".into()),
                description: Set("De totaalprijs in euro, exclusief btw, voor de hele looptijd zoals de aanbestedingsstukken die vragen. \
                    Blijft verzegeld tot de kwaliteit in consensus is beoordeeld.".into()),
                kind: Set("prijs".into()),
                required: Set(true),
                max_bytes: Set(200),
                position: Set(position),
                ..Default::default()
            }
            .insert(&tx.txn)
            .await?;
        }
        (false, Some(d)) => {
            bid_part_defs::Entity::delete_by_id(d.id).exec(&tx.txn).await?;
        }
        _ => {}
    }
    Ok(needed)
}
