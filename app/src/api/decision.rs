//! The gunningsbeslissing: preparing and sending the letters (inkoper), reading
//! one's own letter (bidder), and objections that suspend the tender.

use crate::error::AppError;
use crate::ids::{BidId, ObjectionId, TenderId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LetterView {
    pub bid: BidId,
    pub addressee: String,
    pub html: String,
    pub problems: Vec<String>,
    pub note: String,
    pub sent: Option<String>,
    pub read: Option<String>,
    pub sha256: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StandstillView {
    pub first_day: String,
    pub last_day: String,
    pub ends: String,
    pub earliest_signing: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObjectionRow {
    pub id: ObjectionId,
    pub kind: String,
    pub filed_by: String,
    pub received: String,
    pub description: String,
    pub registered: String,
    pub outcome: Option<String>,
    pub outcome_note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DecisionData {
    pub tender: TenderId,
    pub phase: String,
    pub may_prepare: bool,
    pub may_object: bool,
    pub suspended: bool,
    /// No result yet: why.
    pub waiting: Option<String>,
    pub sent: Option<String>,
    /// The standstill that sending now would start, or the one running.
    pub standstill: Option<StandstillView>,
    pub advantages: String,
    pub winner: Option<String>,
    /// (place, bidder, total)
    pub ranking: Vec<(usize, String, String)>,
    pub letters: Vec<LetterView>,
    pub ready: bool,
    pub objections: Vec<ObjectionRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnLetter {
    pub html: String,
    pub sent: String,
    pub sha256: String,
    pub standstill_ends: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum DecisionPage {
    Buyer(DecisionData),
    /// A bidder's own letter, once sent.
    Bidder(Option<OwnLetter>),
}

#[cfg(feature = "ssr")]
fn standstill_view(s: &crate::domain::calendar::Standstill) -> StandstillView {
    use crate::domain::calendar::{show_date, show_instant};
    StandstillView {
        first_day: show_date(s.first_day),
        last_day: show_date(s.last_day),
        ends: show_instant(s.ends_at),
        earliest_signing: show_date(s.earliest_signing),
    }
}

#[server(endpoint = "decision_view")]
pub async fn decision_view(id: TenderId) -> Result<DecisionPage, AppError> {
    use super::guard;
    use crate::domain::access::{Action, Phase};
    use crate::domain::calendar::show_instant;
    use crate::domain::status::ObjectionOutcome;
    use crate::store::{decision, evaluation as ev, procedure as proc};
    guard::run(async move {
        let ok = guard::require(id, Action::ViewTender).await?;
        let st = guard::state()?;
        let c = &st.db.conn;
        let t = &ok.tender;
        let phase = *t.phase;
        let buyer = ok.may(Action::ViewAwardLetters);
        if !buyer {
            let ok = guard::require(id, Action::ReadAwardLetter).await?;
            let org = guard::own_organisation(&st, &ok.user).await?;
            let Some(l) = decision::letter_for(c, id, org.id).await? else { return Ok(DecisionPage::Bidder(None)) };
            if l.read_at.is_none() {
                let mut op = guard::op(id, Action::ReadAwardLetter).await?;
                if decision::mark_read(&mut op, &l).await? {
                    op.commit().await?;
                }
            }
            return Ok(DecisionPage::Bidder(Some(OwnLetter {
                html: crate::markdown::render(l.body_md.as_deref().unwrap_or_default()),
                sent: l.sent_at.map(show_instant).unwrap_or_default(),
                sha256: l.sha256.clone().unwrap_or_default(),
                standstill_ends: t.standstill_ends_at.map(show_instant),
            })));
        }
        let now = proc::tender_now(t, st.clock.now());
        let s = ev::snapshot(c, id).await?;
        let objections = decision::objections(c, id)
            .await?
            .into_iter()
            .map(|o| ObjectionRow {
                id: o.id,
                kind: o.kind.label().into(),
                filed_by: o.filed_by,
                received: show_instant(o.received_at),
                description: o.description,
                registered: show_instant(o.registered_at),
                outcome: o.outcome.map(|x| match *x {
                    ObjectionOutcome::Ingetrokken => "aanbesteding ingetrokken".into(),
                    ObjectionOutcome::Hervat => "procedure hervat".into(),
                }),
                outcome_note: o.outcome_note,
            })
            .collect();
        let mut d = DecisionData {
            tender: id,
            phase: phase.label().into(),
            may_prepare: ok.may(Action::PrepareAward),
            may_object: ok.may(Action::ManageObjections) && t.letters_sent_at.is_some(),
            suspended: phase == Phase::Opgeschort,
            waiting: None,
            sent: t.letters_sent_at.map(show_instant),
            standstill: None,
            advantages: s.evaluation.as_ref().map(|e| e.advantages_md.clone()).unwrap_or_default(),
            winner: None,
            ranking: vec![],
            letters: vec![],
            ready: false,
            objections,
        };
        let Some(result) = s.result() else {
            d.waiting = Some("De consensus is nog niet vastgesteld; daarna volgen de uitslag en de brieven.".into());
            return Ok(DecisionPage::Buyer(d));
        };
        let m = crate::store::award::required_method(t)?;
        d.winner = result.winner().map(|w| w.organisation.clone());
        d.ranking = result
            .outcome
            .ranking
            .iter()
            .filter_map(|r| result.plan(&r.label).map(|p| (r.rank, p.organisation.clone(), decision::show_total(&m, r.total))))
            .collect();
        let sent_at = t.letters_sent_at.unwrap_or(now);
        d.standstill = Some(standstill_view(&decision::standstill_of(t, sent_at)));
        if t.letters_sent_at.is_some() {
            d.letters = decision::letters(c, id)
                .await?
                .into_iter()
                .filter(|l| l.sent_at.is_some())
                .map(|l| {
                    let addressee = result.plans.iter().find(|p| p.bid_id == l.bid_id).map(|p| p.organisation.clone()).unwrap_or_default();
                    LetterView {
                        bid: l.bid_id,
                        addressee,
                        html: crate::markdown::render(l.body_md.as_deref().unwrap_or_default()),
                        problems: vec![],
                        note: l.note_md.clone(),
                        sent: l.sent_at.map(show_instant),
                        read: l.read_at.map(show_instant),
                        sha256: l.sha256.clone(),
                    }
                })
                .collect();
        } else {
            let drafts = decision::drafts(c, t, now).await?;
            d.ready = drafts.iter().all(|x| x.problems.is_empty());
            d.letters = drafts
                .into_iter()
                .map(|x| LetterView {
                    bid: x.bid_id,
                    addressee: x.letter.addressee.clone(),
                    html: crate::markdown::render(&crate::domain::evaluation::letter_markdown(&x.letter)),
                    problems: x.problems,
                    note: x.letter.note.clone(),
                    sent: None,
                    read: None,
                    sha256: None,
                })
                .collect();
        }
        Ok(DecisionPage::Buyer(d))
    })
    .await
}

#[server(endpoint = "save_advantages")]
pub async fn save_advantages(id: TenderId, tekst: String) -> Result<(), AppError> {
    use super::guard;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::PrepareAward).await?;
        crate::store::decision::save_advantages(&mut op, &tekst).await?;
        op.commit().await
    })
    .await
}

#[server(endpoint = "save_letter_note")]
pub async fn save_letter_note(id: TenderId, inschrijving: BidId, tekst: String) -> Result<(), AppError> {
    use super::guard;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::PrepareAward).await?;
        crate::store::decision::save_note(&mut op, inschrijving, &tekst).await?;
        op.commit().await
    })
    .await
}

/// Sends every letter at once; returns the end of the standstill as shown.
#[server(endpoint = "send_award_decision")]
pub async fn send_award_decision(id: TenderId) -> Result<String, AppError> {
    use super::guard;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::PrepareAward).await?;
        let s = crate::store::decision::send(&mut op).await?;
        op.commit().await?;
        Ok(crate::domain::calendar::show_instant(s.ends_at))
    })
    .await
}

#[server(endpoint = "register_objection")]
pub async fn register_objection(id: TenderId, soort: String, ingediend_door: String, ontvangen: String, omschrijving: String) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::status::ObjectionKind;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::ManageObjections).await?;
        let received = crate::domain::procedure::parse_local(&ontvangen)?;
        let kind = ObjectionKind::parse(&soort).ok_or_else(|| AppError::Invalid("Kies bezwaar of kort geding.".into()))?;
        crate::store::decision::register_objection(&mut op, kind, &ingediend_door, received, &omschrijving).await?;
        op.commit().await
    })
    .await
}

#[server(endpoint = "decide_objection")]
pub async fn decide_objection(id: TenderId, bezwaar: ObjectionId, uitkomst: String, toelichting: String) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::status::ObjectionOutcome;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::ManageObjections).await?;
        let cancel = match ObjectionOutcome::parse(&uitkomst) {
            Some(ObjectionOutcome::Hervat) => false,
            Some(ObjectionOutcome::Ingetrokken) => true,
            None => return Err(AppError::Invalid("Kies de uitkomst: de procedure gaat verder, of de aanbesteding wordt ingetrokken.".into())),
        };
        crate::store::decision::decide_objection(&mut op, bezwaar, cancel, &toelichting).await?;
        op.commit().await
    })
    .await
}
