//! Dialogue rounds: the inkoper's planning and minutes, the bidder's booking
//! and response, sharing with all bidders through the NvI, closing a round.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlotRow {
    pub id: i32,
    pub when: String,
    pub location: String,
    /// For the inkoper: who booked; for a bidder: "u" or None.
    pub booked_by: Option<String>,
    pub free: bool,
    pub mine: bool,
    pub minutes_html: Option<String>,
    pub minutes_status: String,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DialogueRound {
    pub id: i32,
    pub number: i32,
    pub title: String,
    pub themes_html: String,
    pub open: bool,
    pub outcome_html: Option<String>,
    pub slots: Vec<SlotRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DialogueData {
    pub tender: i32,
    pub rounds: Vec<DialogueRound>,
    pub may_manage: bool,
    pub may_join: bool,
    /// (organisation id, name, status): for the inkoper when closing a round.
    pub bidders: Vec<(i32, String, String)>,
}

#[server(endpoint = "dialogue_view")]
pub async fn dialogue_view(id: i32) -> Result<DialogueData, AppError> {
    use super::guard;
    use crate::domain::access::{self, Action};
    use crate::domain::calendar::show_instant;
    use crate::store::{dialogue, organisations as orgs, procedure as proc};
    guard::run(async move {
        let ok = guard::require(id, Action::ViewDialogue).await?;
        let st = guard::state()?;
        let phase = proc::phase_of(&ok.tender);
        let may_manage = access::any_allowed(&ok.roles, phase, Action::ManageDialogue);
        let staff = !ok.bidder_only();
        let my_org = orgs::of_user(&st.db.conn, ok.user.id).await?.map(|o| o.id);
        let mut rounds = vec![];
        for r in dialogue::rounds(&st.db.conn, id).await? {
            let mut slots = vec![];
            for s in dialogue::slots(&st.db.conn, r.id).await? {
                let mine = my_org.is_some() && s.organisation_id == my_org;
                let booked_by = match (staff, s.organisation_id) {
                    (true, Some(o)) => orgs::by_id(&st.db.conn, o).await?.map(|o| o.name),
                    (false, Some(_)) if mine => Some("uw organisatie".into()),
                    _ => None,
                };
                let see_minutes = staff || mine;
                slots.push(SlotRow {
                    id: s.id,
                    when: format!("{} tot {}", show_instant(s.starts_at), show_instant(s.ends_at)),
                    location: s.location.clone(),
                    booked_by,
                    free: s.organisation_id.is_none(),
                    mine,
                    minutes_html: s.minutes_md.as_deref().filter(|_| see_minutes).map(crate::markdown::render),
                    minutes_status: if see_minutes { s.minutes_status.clone() } else { "geen".into() },
                    comment: s.minutes_comment.clone().filter(|_| see_minutes),
                });
            }
            rounds.push(DialogueRound {
                id: r.id,
                number: r.number,
                title: r.title.clone(),
                themes_html: crate::markdown::render(&r.themes_md),
                open: r.status == "open",
                outcome_html: r.outcome_md.as_deref().map(crate::markdown::render),
                slots,
            });
        }
        let bidders = if may_manage {
            orgs::bidders(&st.db.conn, id).await?.into_iter().map(|(b, o)| (o.id, o.name, b.status)).collect()
        } else {
            vec![]
        };
        Ok(DialogueData {
            tender: id,
            rounds,
            may_manage,
            may_join: access::any_allowed(&ok.roles, phase, Action::JoinDialogue),
            bidders,
        })
    })
    .await
}

#[server(endpoint = "create_dialogue_round")]
pub async fn create_dialogue_round(id: i32, titel: String, themas: String) -> Result<(), AppError> {
    use super::guard;
    guard::run(async move {
        let ok = guard::require(id, crate::domain::access::Action::ManageDialogue).await?;
        let st = guard::state()?;
        let tx = st.db.write().await?;
        crate::store::dialogue::create_round(&tx, st.clock.now(), id, ok.actor(), &titel, &themas).await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

#[server(endpoint = "add_dialogue_slot")]
pub async fn add_dialogue_slot(id: i32, ronde: i32, begin: String, einde: String, locatie: String) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::procedure::parse_local;
    guard::run(async move {
        let ok = guard::require(id, crate::domain::access::Action::ManageDialogue).await?;
        let st = guard::state()?;
        let b = parse_local(&begin).map_err(AppError::Invalid)?;
        let e = parse_local(&einde).map_err(AppError::Invalid)?;
        let tx = st.db.write().await?;
        crate::store::dialogue::add_slot(&tx, st.clock.now(), id, ok.actor(), ronde, b, e, &locatie).await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

#[server(endpoint = "book_dialogue_slot")]
pub async fn book_dialogue_slot(id: i32, slot: i32) -> Result<(), AppError> {
    use super::guard;
    use crate::store::procedure as proc;
    guard::run(async move {
        let ok = guard::require(id, crate::domain::access::Action::JoinDialogue).await?;
        let st = guard::state()?;
        let org = guard::own_organisation(&st, &ok.user).await?;
        let (tx, _, now) = proc::write_for(&st.db, &st.clock, id).await?;
        crate::store::dialogue::book(&tx, st.clock.now(), now, id, ok.actor(), slot, org.id).await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// The inkoper assigns a free slot to a bidder (the same rules as booking:
/// one slot per organisation per round, only bidders still taking part).
#[server(endpoint = "assign_dialogue_slot")]
pub async fn assign_dialogue_slot(id: i32, slot: i32, organisatie: i32) -> Result<(), AppError> {
    use super::guard;
    use crate::store::procedure as proc;
    guard::run(async move {
        let ok = guard::require(id, crate::domain::access::Action::ManageDialogue).await?;
        let st = guard::state()?;
        let (tx, _, now) = proc::write_for(&st.db, &st.clock, id).await?;
        crate::store::dialogue::book(&tx, st.clock.now(), now, id, ok.actor(), slot, organisatie).await?;
        crate::store::messages::to_organisation(
            &tx.txn,
            st.clock.now(),
            Some(id),
            organisatie,
            "Tijdslot voor de dialoog toegewezen",
            "De inkoper heeft uw organisatie een tijdslot voor de dialoog toegewezen. Bekijk het tijdstip en de locatie in Dialoog.",
            Some(&format!("/aanbesteding/{id}/dialoog")),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

#[server(endpoint = "write_minutes")]
pub async fn write_minutes(id: i32, slot: i32, verslag: String) -> Result<(), AppError> {
    use super::guard;
    guard::run(async move {
        let ok = guard::require(id, crate::domain::access::Action::ManageDialogue).await?;
        let st = guard::state()?;
        let tx = st.db.write().await?;
        crate::store::dialogue::write_minutes(&tx, st.clock.now(), id, ok.actor(), slot, &verslag).await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

#[server(endpoint = "respond_minutes")]
pub async fn respond_minutes(id: i32, slot: i32, akkoord: bool, opmerking: Option<String>) -> Result<(), AppError> {
    use super::guard;
    guard::run(async move {
        let ok = guard::require(id, crate::domain::access::Action::JoinDialogue).await?;
        let st = guard::state()?;
        let org = guard::own_organisation(&st, &ok.user).await?;
        let tx = st.db.write().await?;
        crate::store::dialogue::respond(&tx, st.clock.now(), id, ok.actor(), slot, org.id, akkoord, &opmerking.unwrap_or_default())
            .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Publishes information from one session to all bidders: it becomes a point
/// in the next Nota van Inlichtingen (a new round is made when none is open).
#[server(endpoint = "share_with_all")]
pub async fn share_with_all(id: i32, slot: i32, tekst: String) -> Result<(), AppError> {
    use super::guard;
    use crate::store::{dialogue, nvi, procedure as proc};
    guard::run(async move {
        let ok = guard::require(id, crate::domain::access::Action::ManageDialogue).await?;
        guard::require(id, crate::domain::access::Action::ManageNvi).await?;
        let st = guard::state()?;
        let (tx, t, now) = proc::write_for(&st.db, &st.clock, id).await?;
        let s = crate::store::entities::dialogue_slots::Entity::find_by_id(slot)
            .one(&tx.txn)
            .await?
            .ok_or_else(|| AppError::NotFound("Dit tijdslot bestaat niet.".into()))?;
        let round = dialogue::rounds(&tx.txn, id)
            .await?
            .into_iter()
            .find(|r| r.id == s.round_id)
            .ok_or_else(|| AppError::NotFound("Dit tijdslot bestaat niet.".into()))?;
        let open = nvi::rounds(&tx.txn, id).await?.into_iter().rev().find(|r| r.published_at.is_none());
        let target = match open {
            Some(r) => r,
            None => nvi::create_round(&tx, st.clock.now(), now, &t, ok.actor(), &format!("Gedeelde informatie dialoogronde {}", round.number), now)
                .await?,
        };
        nvi::add_own_point(&tx, st.clock.now(), now, id, target.id, ok.actor(), &format!("Dialoogronde {}", round.number), &tekst)
            .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Closes a round with its outcome. `door` lists the organisations that
/// proceed (when the tender documents allow a reduction); without it, every
/// active bidder proceeds. `beperkt` says the caller sent a list, possibly empty.
#[server(endpoint = "close_dialogue_round")]
pub async fn close_dialogue_round(
    id: i32,
    ronde: i32,
    uitkomst: String,
    door: Option<Vec<i32>>,
    beperkt: Option<bool>,
) -> Result<(), AppError> {
    use super::guard;
    guard::run(async move {
        let ok = guard::require(id, crate::domain::access::Action::ManageDialogue).await?;
        // The page's form always says which bidders proceed; with every box
        // unticked no field arrives at all, which must not read as "everyone".
        if beperkt == Some(true) && door.as_ref().is_none_or(|d| d.is_empty()) {
            return Err(AppError::Invalid("Kies ten minste één aanbieder die doorgaat.".into()));
        }
        let st = guard::state()?;
        let tx = st.db.write().await?;
        crate::store::dialogue::close_round(&tx, st.clock.now(), id, ok.actor(), ronde, &uitkomst, door).await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

#[cfg(feature = "ssr")]
use sea_orm::EntityTrait;
