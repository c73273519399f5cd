//! Dialogue rounds: themes, time slots per bidder (booked or assigned), minutes
//! the bidder confirms or comments on, and the round's outcome.

use super::column::Coded;
use super::entities::{dialogue_rounds, dialogue_slots, tender_bidders};
use super::event::{Event, Subject};
use super::messages;
use super::op::Op;
use crate::domain::calendar::show_instant;
use crate::domain::digest::sha256_hex;
use crate::domain::status::{BidderStatus, MinutesStatus, RoundStatus};
use crate::error::AppError;
use crate::ids::{DialogueRoundId, OrganisationId, SlotId, TenderId};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};

pub async fn rounds<C: ConnectionTrait>(c: &C, tender: TenderId) -> Result<Vec<dialogue_rounds::Model>, DbErr> {
    dialogue_rounds::Entity::find()
        .filter(dialogue_rounds::Column::TenderId.eq(tender))
        .order_by_asc(dialogue_rounds::Column::Number)
        .all(c)
        .await
}

pub async fn slots<C: ConnectionTrait>(c: &C, round: DialogueRoundId) -> Result<Vec<dialogue_slots::Model>, DbErr> {
    dialogue_slots::Entity::find()
        .filter(dialogue_slots::Column::RoundId.eq(round))
        .order_by_asc(dialogue_slots::Column::StartsAt)
        .all(c)
        .await
}

async fn open_round<C: ConnectionTrait>(c: &C, tender: TenderId, id: DialogueRoundId) -> Result<dialogue_rounds::Model, AppError> {
    let r = dialogue_rounds::Entity::find_by_id(id)
        .one(c)
        .await?
        .filter(|r| r.tender_id == tender)
        .ok_or_else(|| AppError::NotFound("Deze dialoogronde bestaat niet.".into()))?;
    if r.status != RoundStatus::Open {
        return Err(AppError::Conflict("Deze dialoogronde is gesloten.".into()));
    }
    Ok(r)
}

pub async fn slot_in<C: ConnectionTrait>(c: &C, tender: TenderId, id: SlotId) -> Result<(dialogue_slots::Model, dialogue_rounds::Model), AppError> {
    let s = dialogue_slots::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or_else(|| AppError::NotFound("Dit tijdslot bestaat niet.".into()))?;
    let r = dialogue_rounds::Entity::find_by_id(s.round_id)
        .one(c)
        .await?
        .filter(|r| r.tender_id == tender)
        .ok_or_else(|| AppError::NotFound("Dit tijdslot bestaat niet.".into()))?;
    Ok((s, r))
}

pub async fn create_round(op: &mut Op, title: &str, themes_md: &str) -> Result<dialogue_rounds::Model, AppError> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(AppError::Invalid("Geef de ronde een titel van hoogstens 200 tekens.".into()));
    }
    let tender = op.tender_id();
    let number = rounds(op.txn(), tender).await?.len() as i32 + 1;
    let r = dialogue_rounds::ActiveModel {
        tender_id: Set(tender),
        number: Set(number),
        title: Set(title.into()),
        themes_md: Set(themes_md.trim().into()),
        status: Set(Coded(RoundStatus::Open)),
        outcome_md: Set(None),
        closed_at: Set(None),
        created_at: Set(op.when()),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    op.record(Event::DialogueRoundCreated { subject: Subject::DialogueRound(r.id), nummer: number.to_string(), titel: title.into() })
        .await?;
    Ok(r)
}

pub async fn add_slot(
    op: &mut Op,
    round: DialogueRoundId,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
    location: &str,
) -> Result<dialogue_slots::Model, AppError> {
    let r = open_round(op.txn(), op.tender_id(), round).await?;
    if ends <= starts {
        return Err(AppError::Invalid("Het einde van het tijdslot moet na het begin liggen.".into()));
    }
    let location = location.trim();
    if location.is_empty() || location.chars().count() > 200 {
        return Err(AppError::Invalid("Geef een locatie of videoverbinding op (hoogstens 200 tekens).".into()));
    }
    let s = dialogue_slots::ActiveModel {
        round_id: Set(r.id),
        starts_at: Set(starts),
        ends_at: Set(ends),
        location: Set(location.into()),
        organisation_id: Set(None),
        booked_at: Set(None),
        minutes_md: Set(None),
        minutes_at: Set(None),
        minutes_status: Set(Coded(MinutesStatus::Geen)),
        minutes_comment: Set(None),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    op.record(Event::SlotAdded {
        subject: Subject::Slot(s.id),
        ronde: r.id.to_string(),
        begin: starts.to_rfc3339(),
        einde: ends.to_rfc3339(),
    })
    .await?;
    Ok(s)
}

/// Books a free slot for `organisation` (the bidder itself, or the inkoper
/// assigning one). One slot per organisation per round.
pub async fn book(op: &mut Op, slot: SlotId, organisation: OrganisationId) -> Result<(), AppError> {
    let tender = op.tender_id();
    let tender_now = op.tender_now();
    let (s, r) = slot_in(op.txn(), tender, slot).await?;
    if r.status != RoundStatus::Open {
        return Err(AppError::Conflict("Deze dialoogronde is gesloten.".into()));
    }
    let active = tender_bidders::Entity::find()
        .filter(tender_bidders::Column::TenderId.eq(tender))
        .filter(tender_bidders::Column::OrganisationId.eq(organisation))
        .one(op.txn())
        .await?;
    if active.as_ref().is_none_or(|b| b.status != BidderStatus::Actief) {
        return Err(AppError::Forbidden("Deze organisatie neemt niet (meer) deel aan de dialoog.".into()));
    }
    if s.organisation_id.is_some() {
        return Err(AppError::Conflict("Dit tijdslot is al bezet. Kies een ander tijdslot.".into()));
    }
    if s.starts_at <= tender_now {
        return Err(AppError::Conflict("Dit tijdslot is al begonnen of voorbij.".into()));
    }
    if slots(op.txn(), r.id).await?.iter().any(|x| x.organisation_id == Some(organisation)) {
        return Err(AppError::Conflict("Uw organisatie heeft in deze ronde al een tijdslot.".into()));
    }
    // Conditional update: two organisations booking the same slot at once cannot both win.
    let res = dialogue_slots::Entity::update_many()
        .col_expr(dialogue_slots::Column::OrganisationId, sea_orm::sea_query::Expr::value(organisation))
        .col_expr(dialogue_slots::Column::BookedAt, sea_orm::sea_query::Expr::value(tender_now))
        .filter(dialogue_slots::Column::Id.eq(s.id))
        .filter(dialogue_slots::Column::OrganisationId.is_null())
        .exec(op.txn())
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::Conflict("Dit tijdslot is al bezet. Kies een ander tijdslot.".into()));
    }
    op.record(Event::SlotBooked { subject: Subject::Slot(s.id), organisatie: organisation.to_string() }).await?;
    Ok(())
}

/// The inkoper writes (or rewrites) the minutes of a session; the bidder is asked to respond.
pub async fn write_minutes(op: &mut Op, slot: SlotId, md: &str) -> Result<(), AppError> {
    let tender = op.tender_id();
    let now = op.when();
    let (s, r) = slot_in(op.txn(), tender, slot).await?;
    let Some(org) = s.organisation_id else {
        return Err(AppError::Conflict("Dit tijdslot is niet geboekt; er is geen sessie om te verslaan.".into()));
    };
    let md = md.trim();
    if md.is_empty() || md.len() > 100_000 {
        return Err(AppError::Invalid("Het verslag is leeg of te lang.".into()));
    }
    if s.minutes_status == MinutesStatus::Bevestigd {
        return Err(AppError::Conflict("De aanbieder heeft dit verslag al bevestigd; het verandert niet meer.".into()));
    }
    let mut m = s.clone().into_active_model();
    m.minutes_md = Set(Some(md.into()));
    m.minutes_at = Set(Some(now));
    m.minutes_status = Set(Coded(MinutesStatus::Open));
    m.minutes_comment = Set(None);
    m.update(op.txn()).await?;
    messages::to_organisation(
        op,
        Some(tender),
        org,
        &format!("Verslag dialoogsessie ronde {}", r.number),
        &format!("Het verslag van uw sessie van {} staat klaar. Bevestig het of geef uw opmerkingen.", show_instant(s.starts_at)),
        Some(&format!("/aanbesteding/{tender}/dialoog")),
    )
    .await?;
    op.record(Event::MinutesWritten { subject: Subject::Slot(s.id), sha256: sha256_hex(md.as_bytes()) }).await?;
    Ok(())
}

/// The bidder confirms the minutes or comments on them.
pub async fn respond(op: &mut Op, slot: SlotId, organisation: OrganisationId, confirm: bool, comment: &str) -> Result<(), AppError> {
    let (s, _) = slot_in(op.txn(), op.tender_id(), slot).await?;
    if s.organisation_id != Some(organisation) {
        return Err(AppError::NotFound("Dit tijdslot bestaat niet.".into()));
    }
    if s.minutes_status != MinutesStatus::Open {
        return Err(AppError::Conflict("Er is geen verslag dat op uw reactie wacht.".into()));
    }
    let comment = comment.trim();
    if !confirm && comment.is_empty() {
        return Err(AppError::Invalid("Schrijf uw opmerking bij het verslag.".into()));
    }
    let mut m = s.clone().into_active_model();
    m.minutes_status = Set(Coded(if confirm { MinutesStatus::Bevestigd } else { MinutesStatus::Opmerking }));
    m.minutes_comment = Set((!comment.is_empty()).then(|| comment.chars().take(10_000).collect()));
    m.update(op.txn()).await?;
    let subject = Subject::Slot(s.id);
    op.record(if confirm { Event::MinutesConfirmed { subject } } else { Event::MinutesCommented { subject } }).await?;
    Ok(())
}

/// Closes a round with its outcome. Organisations not in `proceeding` (when
/// given) do not continue to the next round.
pub async fn close_round(
    op: &mut Op,
    round: DialogueRoundId,
    outcome_md: &str,
    proceeding: Option<Vec<OrganisationId>>,
) -> Result<(), AppError> {
    let tender = op.tender_id();
    let now = op.when();
    let r = open_round(op.txn(), tender, round).await?;
    let outcome = outcome_md.trim();
    if outcome.is_empty() {
        return Err(AppError::Invalid("Beschrijf de uitkomst van de ronde.".into()));
    }
    let mut m = r.clone().into_active_model();
    m.status = Set(Coded(RoundStatus::Gesloten));
    m.outcome_md = Set(Some(outcome.into()));
    m.closed_at = Set(Some(now));
    m.update(op.txn()).await?;
    let mut dropped = vec![];
    if let Some(keep) = &proceeding {
        for b in tender_bidders::Entity::find().filter(tender_bidders::Column::TenderId.eq(tender)).all(op.txn()).await? {
            if b.status == BidderStatus::Actief && !keep.contains(&b.organisation_id) {
                dropped.push(b.organisation_id.to_string());
                messages::to_organisation(
                    op,
                    Some(tender),
                    b.organisation_id,
                    &format!("U gaat niet door na dialoogronde {}", r.number),
                    &format!(
                        "Na dialoogronde {} ({}) gaat uw organisatie niet door naar de volgende fase van deze aanbesteding. \
                         De motivering staat in de uitkomst van de ronde:\n\n{outcome}",
                        r.number, r.title
                    ),
                    Some(&format!("/aanbesteding/{tender}/dialoog")),
                )
                .await?;
                let mut bm = b.into_active_model();
                bm.status = Set(Coded(BidderStatus::Afgevallen));
                bm.update(op.txn()).await?;
            }
        }
    }
    messages::to_all_bidders(
        op,
        tender,
        &format!("Dialoogronde {} gesloten", r.number),
        &format!("Dialoogronde {} ({}) is gesloten. Uitkomst:\n\n{outcome}", r.number, r.title),
        Some(&format!("/aanbesteding/{tender}/dialoog")),
    )
    .await?;
    op.record(Event::DialogueRoundClosed { subject: Subject::DialogueRound(r.id), afgevallen: dropped }).await?;
    Ok(())
}
