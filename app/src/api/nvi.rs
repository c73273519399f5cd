//! Questions and Notas van Inlichtingen. A bidder sees published NvIs (never
//! who asked) and its own questions; the inkoper sees who asked, drafts
//! answers, merges duplicates and publishes.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuestionRow {
    pub id: i32,
    pub number: usize,
    pub reference: String,
    pub body: String,
    pub asked_at: String,
    /// Only for the inkoper: which organisation asked.
    pub asker: Option<String>,
    pub answer_md: Option<String>,
    pub answer_html: Option<String>,
    pub merged_into: Option<usize>,
    pub own: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoundView {
    pub id: i32,
    pub title: String,
    pub deadline: String,
    pub open_for_questions: bool,
    pub number: Option<i32>,
    pub published_at: Option<String>,
    pub intro_html: String,
    pub new_deadline: Option<String>,
    pub questions: Vec<QuestionRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NviData {
    pub tender: i32,
    pub rounds: Vec<RoundView>,
    pub may_ask: bool,
    pub may_manage: bool,
    pub now: String,
}

#[server(endpoint = "nvi_view")]
pub async fn nvi_view(id: i32) -> Result<NviData, AppError> {
    use super::guard;
    use crate::domain::access::{self, Action};
    use crate::domain::calendar::{on_time, show_instant};
    use crate::store::{nvi, organisations as orgs, procedure as proc};
    guard::run(async move {
        let ok = guard::require(id, Action::ViewNvi).await?;
        let st = guard::state()?;
        let phase = proc::phase_of(&ok.tender);
        let may_manage = access::any_allowed(&ok.roles, phase, Action::ManageNvi);
        let may_ask = access::any_allowed(&ok.roles, phase, Action::AskQuestion);
        let staff = !ok.bidder_only();
        let my_org = orgs::of_user(&st.db.conn, ok.user.id).await?.map(|o| o.id);
        let now = proc::tender_now(&ok.tender, &st.clock);
        let mut rounds = vec![];
        for r in nvi::rounds(&st.db.conn, id).await? {
            let published = r.published_at.is_some();
            let qs = nvi::questions_of(&st.db.conn, r.id).await?;
            let mut rows = vec![];
            for (i, q) in qs.iter().enumerate() {
                let own = my_org.is_some() && q.organisation_id == my_org;
                // Before publication a bidder sees only its own questions, never an answer draft.
                if !published && !may_manage && !own {
                    continue;
                }
                let asker = if may_manage {
                    match q.organisation_id {
                        Some(o) => orgs::by_id(&st.db.conn, o).await?.map(|o| o.name),
                        None => Some("aanbestedende diensten".into()),
                    }
                } else {
                    None
                };
                let show_answer = published || may_manage;
                rows.push(QuestionRow {
                    id: q.id,
                    number: i + 1,
                    reference: q.reference.clone(),
                    body: q.body.clone(),
                    asked_at: show_instant(q.asked_at),
                    asker,
                    answer_md: if may_manage { q.answer_md.clone() } else { None },
                    answer_html: q.answer_md.as_deref().filter(|_| show_answer).map(crate::markdown::render),
                    merged_into: q.merged_into.and_then(|m| qs.iter().position(|x| x.id == m).map(|p| p + 1)),
                    own,
                });
            }
            if !published && !may_manage && !may_ask && !staff {
                continue;
            }
            rounds.push(RoundView {
                id: r.id,
                title: r.title.clone(),
                deadline: show_instant(r.question_deadline),
                open_for_questions: !published && r.closed_at.is_none() && on_time(now, r.question_deadline),
                number: r.number,
                published_at: r.published_at.map(show_instant),
                intro_html: crate::markdown::render(&r.intro_md),
                new_deadline: r.new_submission_deadline.map(show_instant),
                questions: rows,
            });
        }
        Ok(NviData { tender: id, rounds, may_ask, may_manage, now: show_instant(now) })
    })
    .await
}

#[server(endpoint = "ask_question")]
pub async fn ask_question(id: i32, ronde: i32, referentie: Option<String>, vraag: String) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::access::Action;
    use crate::store::{nvi, procedure as proc};
    guard::run(async move {
        let ok = guard::require(id, Action::AskQuestion).await?;
        let st = guard::state()?;
        let org = guard::own_organisation(&st, &ok.user).await?;
        let (tx, _, now) = proc::write_for(&st.db, &st.clock, id).await?;
        nvi::ask(&tx, st.clock.now(), now, id, ronde, org.id, ok.user.id, ok.actor(), &referentie.unwrap_or_default(), &vraag)
            .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

#[server(endpoint = "answer_question")]
pub async fn answer_question(id: i32, vraag: i32, antwoord: String) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::access::Action;
    guard::run(async move {
        let ok = guard::require(id, Action::ManageNvi).await?;
        let st = guard::state()?;
        let tx = st.db.write().await?;
        crate::store::nvi::answer(&tx, st.clock.now(), id, ok.actor(), vraag, &antwoord).await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

#[server(endpoint = "merge_question")]
pub async fn merge_question(id: i32, vraag: i32, met: i32) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::access::Action;
    guard::run(async move {
        let ok = guard::require(id, Action::ManageNvi).await?;
        let st = guard::state()?;
        let tx = st.db.write().await?;
        crate::store::nvi::merge(&tx, st.clock.now(), id, ok.actor(), vraag, met).await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

#[server(endpoint = "create_nvi_round")]
pub async fn create_nvi_round(id: i32, titel: String, termijn: String) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::access::Action;
    use crate::store::procedure as proc;
    guard::run(async move {
        let ok = guard::require(id, Action::ManageNvi).await?;
        let st = guard::state()?;
        let deadline = crate::domain::procedure::parse_local(&termijn).map_err(AppError::Invalid)?;
        let (tx, t, now) = proc::write_for(&st.db, &st.clock, id).await?;
        crate::store::nvi::create_round(&tx, st.clock.now(), now, &t, ok.actor(), &titel, deadline).await?;
        tx.commit().await?;
        st.wake.notify_one();
        Ok(())
    })
    .await
}

#[server(endpoint = "publish_nvi")]
pub async fn publish_nvi(
    id: i32,
    ronde: i32,
    toelichting: Option<String>,
    nieuwe_sluitingstermijn: Option<String>,
) -> Result<i32, AppError> {
    use super::guard;
    use crate::domain::access::Action;
    use crate::store::procedure as proc;
    guard::run(async move {
        let ok = guard::require(id, Action::ManageNvi).await?;
        let st = guard::state()?;
        let new_deadline = match nieuwe_sluitingstermijn.filter(|s| !s.trim().is_empty()) {
            Some(s) => Some(crate::domain::procedure::parse_local(&s).map_err(AppError::Invalid)?),
            None => None,
        };
        let (tx, t, now) = proc::write_for(&st.db, &st.clock, id).await?;
        let n = crate::store::nvi::publish(&tx, st.clock.now(), now, &t, ok.actor(), ronde, &toelichting.unwrap_or_default(), new_deadline)
            .await?;
        tx.commit().await?;
        st.wake.notify_one();
        Ok(n)
    })
    .await
}
