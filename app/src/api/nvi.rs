//! Questions and Notas van Inlichtingen. A bidder sees published NvIs (never
//! who asked) and its own questions; the inkoper sees who asked, drafts
//! answers, merges duplicates and publishes.

use crate::error::AppError;
use crate::ids::{QuestionId, QuestionRoundId, TenderId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuestionRow {
    pub id: QuestionId,
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
    pub id: QuestionRoundId,
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
    pub tender: TenderId,
    pub rounds: Vec<RoundView>,
    pub may_ask: bool,
    pub may_manage: bool,
    pub now: String,
}

#[server(endpoint = "nvi_view")]
pub async fn nvi_view(id: TenderId) -> Result<NviData, AppError> {
    use super::guard;
    use crate::domain::access::Action;
    use crate::domain::calendar::{on_time, show_instant};
    use crate::store::{nvi, organisations as orgs, procedure as proc};
    guard::run(async move {
        let ok = guard::require(id, Action::ViewNvi).await?;
        let st = guard::state()?;
        let may_manage = ok.may(Action::ManageNvi);
        let may_ask = ok.may(Action::AskQuestion);
        let staff = !ok.bidder_only();
        let my_org = orgs::of_user(&st.db.conn, ok.user.id).await?.map(|o| o.id);
        let now = proc::tender_now(&ok.tender, st.clock.now());
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
pub async fn ask_question(id: TenderId, ronde: QuestionRoundId, referentie: Option<String>, vraag: String) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::access::Action;
    guard::run(async move {
        let mut op = guard::op(id, Action::AskQuestion).await?;
        let org = guard::own_organisation(&guard::state()?, op.user()?).await?;
        crate::store::nvi::ask(&mut op, ronde, org.id, &referentie.unwrap_or_default(), &vraag).await?;
        op.commit().await
    })
    .await
}

#[server(endpoint = "answer_question")]
pub async fn answer_question(id: TenderId, vraag: QuestionId, antwoord: String) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::access::Action;
    guard::run(async move {
        let mut op = guard::op(id, Action::ManageNvi).await?;
        crate::store::nvi::answer(&mut op, vraag, &antwoord).await?;
        op.commit().await
    })
    .await
}

#[server(endpoint = "merge_question")]
pub async fn merge_question(id: TenderId, vraag: QuestionId, met: QuestionId) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::access::Action;
    guard::run(async move {
        let mut op = guard::op(id, Action::ManageNvi).await?;
        crate::store::nvi::merge(&mut op, vraag, met).await?;
        op.commit().await
    })
    .await
}

#[server(endpoint = "create_nvi_round")]
pub async fn create_nvi_round(id: TenderId, titel: String, termijn: String) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::access::Action;
    guard::run(async move {
        let mut op = guard::op(id, Action::ManageNvi).await?;
        let deadline = crate::domain::procedure::parse_local(&termijn)?;
        crate::store::nvi::create_round(&mut op, &titel, deadline).await?;
        op.commit().await?;
        guard::state()?.wake.notify_one();
        Ok(())
    })
    .await
}

#[server(endpoint = "publish_nvi")]
pub async fn publish_nvi(
    id: TenderId,
    ronde: QuestionRoundId,
    toelichting: Option<String>,
    nieuwe_sluitingstermijn: Option<String>,
) -> Result<i32, AppError> {
    use super::guard;
    use crate::domain::access::Action;
    guard::run(async move {
        let mut op = guard::op(id, Action::ManageNvi).await?;
        let new_deadline = match nieuwe_sluitingstermijn.filter(|s| !s.trim().is_empty()) {
            Some(s) => Some(crate::domain::procedure::parse_local(&s)?),
            None => None,
        };
        let n = crate::store::nvi::publish(&mut op, ronde, &toelichting.unwrap_or_default(), new_deadline).await?;
        op.commit().await?;
        guard::state()?.wake.notify_one();
        Ok(n)
    })
    .await
}
