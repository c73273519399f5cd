//! Dialogue rounds: the inkoper's planning and minutes, the bidder's booking
//! and response, sharing with all bidders through the NvI, closing a round.

use crate::domain::status::{BidderStatus, MinutesStatus};
use crate::error::AppError;
use crate::ids::{DialogueRoundId, OrganisationId, SlotId, TenderId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlotRow {
    pub id: SlotId,
    pub when: String,
    pub location: String,
    /// For the inkoper: who booked; for a bidder: "u" or None.
    pub booked_by: Option<String>,
    pub free: bool,
    pub mine: bool,
    pub minutes_html: Option<String>,
    pub minutes_status: MinutesStatus,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DialogueRound {
    pub id: DialogueRoundId,
    pub number: i32,
    pub title: String,
    pub themes_html: String,
    pub open: bool,
    pub outcome_html: Option<String>,
    pub slots: Vec<SlotRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DialogueData {
    pub tender: TenderId,
    pub rounds: Vec<DialogueRound>,
    pub may_manage: bool,
    pub may_join: bool,
    /// (organisation id, name, status): for the inkoper when closing a round.
    pub bidders: Vec<(OrganisationId, String, BidderStatus)>,
}

#[server(endpoint = "dialogue_view")]
pub async fn dialogue_view(id: TenderId) -> Result<DialogueData, AppError> {
    use super::guard;
    use crate::domain::access::Action;
    use crate::domain::calendar::show_instant;
    use crate::store::{dialogue, organisations as orgs};
    guard::run(async move {
        let ok = guard::require(id, Action::ViewDialogue).await?;
        let st = guard::state()?;
        let may_manage = ok.may(Action::ManageDialogue);
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
                    minutes_status: if see_minutes { *s.minutes_status } else { MinutesStatus::Geen },
                    comment: s.minutes_comment.clone().filter(|_| see_minutes),
                });
            }
            rounds.push(DialogueRound {
                id: r.id,
                number: r.number,
                title: r.title.clone(),
                themes_html: crate::markdown::render(&r.themes_md),
                open: r.status == crate::domain::status::RoundStatus::Open,
                outcome_html: r.outcome_md.as_deref().map(crate::markdown::render),
                slots,
            });
        }
        let bidders = if may_manage {
            let all = orgs::bidders(&st.db.conn, id).await?;
            // KvK numbers are claims; the buyer sees which ones repeat.
            let repeats = |k: &str| all.iter().filter(|(_, o)| o.kvk.as_str() == k).count() > 1;
            all.iter()
                .map(|(b, o)| {
                    let name = if repeats(o.kvk.as_str()) { format!("{} (KvK {} komt bij meer aanbieders voor)", o.name, o.kvk) } else { o.name.clone() };
                    (o.id, name, *b.status)
                })
                .collect()
        } else {
            vec![]
        };
        Ok(DialogueData {
            tender: id,
            rounds,
            may_manage,
            may_join: ok.may(Action::JoinDialogue),
            bidders,
        })
    })
    .await
}

#[server(endpoint = "create_dialogue_round")]
pub async fn create_dialogue_round(id: TenderId, titel: String, themas: String) -> Result<(), AppError> {
    use super::guard;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::ManageDialogue).await?;
        crate::store::dialogue::create_round(&mut op, &titel, &themas).await?;
        op.commit().await
    })
    .await
}

#[server(endpoint = "add_dialogue_slot")]
pub async fn add_dialogue_slot(id: TenderId, ronde: DialogueRoundId, begin: String, einde: String, locatie: String) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::procedure::parse_local;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::ManageDialogue).await?;
        let b = parse_local(&begin)?;
        let e = parse_local(&einde)?;
        crate::store::dialogue::add_slot(&mut op, ronde, b, e, &locatie).await?;
        op.commit().await
    })
    .await
}

#[server(endpoint = "book_dialogue_slot")]
pub async fn book_dialogue_slot(id: TenderId, slot: SlotId) -> Result<(), AppError> {
    use super::guard;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::JoinDialogue).await?;
        let org = guard::own_organisation(&guard::state()?, op.user()?).await?;
        crate::store::dialogue::book(&mut op, slot, org.id).await?;
        op.commit().await
    })
    .await
}

/// The inkoper assigns a free slot to a bidder (the same rules as booking:
/// one slot per organisation per round, only bidders still taking part).
#[server(endpoint = "assign_dialogue_slot")]
pub async fn assign_dialogue_slot(id: TenderId, slot: SlotId, organisatie: OrganisationId) -> Result<(), AppError> {
    use super::guard;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::ManageDialogue).await?;
        crate::store::dialogue::book(&mut op, slot, organisatie).await?;
        crate::store::messages::to_organisation(
            &op,
            Some(id),
            organisatie,
            "Tijdslot voor de dialoog toegewezen",
            "De inkoper heeft uw organisatie een tijdslot voor de dialoog toegewezen. Bekijk het tijdstip en de locatie in Dialoog.",
            Some(&format!("/aanbesteding/{id}/dialoog")),
        )
        .await?;
        op.commit().await
    })
    .await
}

#[server(endpoint = "write_minutes")]
pub async fn write_minutes(id: TenderId, slot: SlotId, verslag: String) -> Result<(), AppError> {
    use super::guard;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::ManageDialogue).await?;
        crate::store::dialogue::write_minutes(&mut op, slot, &verslag).await?;
        op.commit().await
    })
    .await
}

#[server(endpoint = "respond_minutes")]
pub async fn respond_minutes(id: TenderId, slot: SlotId, akkoord: bool, opmerking: Option<String>) -> Result<(), AppError> {
    use super::guard;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::JoinDialogue).await?;
        let org = guard::own_organisation(&guard::state()?, op.user()?).await?;
        crate::store::dialogue::respond(&mut op, slot, org.id, akkoord, &opmerking.unwrap_or_default()).await?;
        op.commit().await
    })
    .await
}

/// Publishes information from one session to all bidders: it becomes a point
/// in the next Nota van Inlichtingen (a new round is made when none is open).
#[server(endpoint = "share_with_all")]
pub async fn share_with_all(id: TenderId, slot: SlotId, tekst: String) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::access::Action;
    use crate::store::{dialogue, nvi};
    guard::run(async move {
        guard::require(id, Action::ManageNvi).await?;
        let mut op = guard::op(id, Action::ManageDialogue).await?;
        let (_, round) = dialogue::slot_in(op.txn(), id, slot).await?;
        let open = nvi::rounds(op.txn(), id).await?.into_iter().rev().find(|r| r.published_at.is_none());
        let target = match open {
            Some(r) => r,
            None => {
                let now = op.tender_now();
                nvi::create_round(&mut op, &format!("Gedeelde informatie dialoogronde {}", round.number), now).await?
            }
        };
        nvi::add_own_point(&mut op, target.id, &format!("Dialoogronde {}", round.number), &tekst).await?;
        op.commit().await
    })
    .await
}

/// Closes a round with its outcome. `door` lists the organisations that
/// proceed (when the tender documents allow a reduction); without it, every
/// active bidder proceeds. `beperkt` says the caller sent a list, possibly empty.
#[server(endpoint = "close_dialogue_round")]
pub async fn close_dialogue_round(
    id: TenderId,
    ronde: DialogueRoundId,
    uitkomst: String,
    door: Option<Vec<OrganisationId>>,
    beperkt: Option<bool>,
) -> Result<(), AppError> {
    use super::guard;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::ManageDialogue).await?;
        // The page's form always says which bidders proceed; with every box
        // unticked no field arrives at all, which must not read as "everyone".
        if beperkt == Some(true) && door.as_ref().is_none_or(|d| d.is_empty()) {
            return Err(AppError::Invalid("Kies ten minste één aanbieder die doorgaat.".into()));
        }
        crate::store::dialogue::close_round(&mut op, ronde, &uitkomst, door).await?;
        op.commit().await
    })
    .await
}
