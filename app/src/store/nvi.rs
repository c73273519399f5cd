//! Nota van Inlichtingen rounds: questions until the round's deadline, answers
//! drafted and merged by the inkoper, one numbered publication that reaches
//! every registered bidder at the same moment. Published answers never change.

use super::entities::{nvi_rounds, questions, tenders};
use super::event::{Event, Subject};
use super::messages;
use super::op::Op;
use crate::domain::calendar::show_instant;
use crate::domain::procedure::question_window;
use crate::domain::refusal::required_text;
use crate::error::AppError;
use crate::ids::{OrganisationId, QuestionId, QuestionRoundId, TenderId};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
    Set,
};

pub async fn rounds<C: ConnectionTrait>(c: &C, tender: TenderId) -> Result<Vec<nvi_rounds::Model>, DbErr> {
    nvi_rounds::Entity::find()
        .filter(nvi_rounds::Column::TenderId.eq(tender))
        .order_by_asc(nvi_rounds::Column::Id)
        .all(c)
        .await
}

pub async fn round<C: ConnectionTrait>(c: &C, tender: TenderId, id: QuestionRoundId) -> Result<nvi_rounds::Model, AppError> {
    nvi_rounds::Entity::find_by_id(id)
        .one(c)
        .await?
        .filter(|r| r.tender_id == tender)
        .ok_or_else(|| AppError::NotFound("Deze vragenronde bestaat niet.".into()))
}

pub async fn questions_of<C: ConnectionTrait>(c: &C, round: QuestionRoundId) -> Result<Vec<questions::Model>, DbErr> {
    questions::Entity::find()
        .filter(questions::Column::RoundId.eq(round))
        .order_by_asc(questions::Column::Id)
        .all(c)
        .await
}

/// Writes an open question round, with no questions, no NvI and no intro yet
/// (for a new round, the seed and a copy of a tender).
pub async fn insert_round<C: ConnectionTrait>(
    c: &C,
    tender: crate::ids::TenderId,
    title: &str,
    deadline: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<nvi_rounds::Model, DbErr> {
    nvi_rounds::ActiveModel {
        tender_id: Set(tender),
        title: Set(title.to_string()),
        question_deadline: Set(deadline),
        closed_at: Set(None),
        number: Set(None),
        published_at: Set(None),
        intro_md: Set(String::new()),
        new_submission_deadline: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await
}

/// Creates a question round with its deadline.
pub async fn create_round(op: &mut Op, title: &str, deadline: DateTime<Utc>) -> Result<nvi_rounds::Model, AppError> {
    let title = required_text(title, 200, "De titel")?;
    let t = op.tender().clone();
    if deadline < op.tender_now() {
        return Err(AppError::Invalid("De vragentermijn ligt in het verleden.".into()));
    }
    if let Some(d) = t.submission_deadline {
        if deadline >= d {
            return Err(AppError::Invalid(format!(
                "De vragentermijn moet voor de sluitingstermijn ({}) liggen.",
                show_instant(d)
            )));
        }
    }
    let r = insert_round(op.txn(), t.id, &title, deadline, op.when()).await?;
    op.record(Event::QuestionRoundCreated { subject: Subject::QuestionRound(r.id), titel: title, vragentermijn: deadline.to_rfc3339() })
        .await?;
    Ok(r)
}

/// A bidder (the operation's caller, of `organisation`) asks a question.
/// Refused after the round's deadline, to the second.
pub async fn ask(
    op: &mut Op,
    round_id: QuestionRoundId,
    organisation: OrganisationId,
    reference: &str,
    body: &str,
) -> Result<questions::Model, AppError> {
    let tender = op.tender_id();
    let tender_now = op.tender_now();
    let user = op.user()?.id;
    let r = round(op.txn(), tender, round_id).await?;
    if r.published_at.is_some() {
        return Err(AppError::Conflict("Deze vragenronde is al gepubliceerd. Stel uw vraag in een open ronde.".into()));
    }
    question_window(tender_now, r.question_deadline)?;
    let body = required_text(body, 4000, "De vraag")?;
    let reference = reference.trim().chars().take(200).collect::<String>();
    let q = questions::ActiveModel {
        tender_id: Set(tender),
        round_id: Set(r.id),
        organisation_id: Set(Some(organisation)),
        asked_by: Set(Some(user)),
        reference: Set(reference),
        body: Set(body),
        asked_at: Set(tender_now),
        answer_md: Set(None),
        merged_into: Set(None),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    op.record(Event::QuestionAsked { subject: Subject::Question(q.id), ronde: r.id.to_string(), gesteld_op: tender_now.to_rfc3339() })
        .await?;
    Ok(q)
}

async fn open_question<C: ConnectionTrait>(c: &C, tender: TenderId, id: QuestionId) -> Result<(questions::Model, nvi_rounds::Model), AppError> {
    let q = questions::Entity::find_by_id(id)
        .one(c)
        .await?
        .filter(|q| q.tender_id == tender)
        .ok_or_else(|| AppError::NotFound("Deze vraag bestaat niet.".into()))?;
    let r = round(c, tender, q.round_id).await?;
    if r.published_at.is_some() {
        return Err(AppError::Conflict(
            "Gepubliceerde antwoorden kunnen niet meer veranderen. Een correctie gaat via een nieuwe Nota van Inlichtingen.".into(),
        ));
    }
    Ok((q, r))
}

/// The inkoper drafts (or redrafts) an answer.
pub async fn answer(op: &mut Op, id: QuestionId, answer_md: &str) -> Result<(), AppError> {
    let (q, _) = open_question(op.txn(), op.tender_id(), id).await?;
    let a = required_text(answer_md, 20_000, "Het antwoord")?;
    let mut m = q.into_active_model();
    m.answer_md = Set(Some(a));
    m.merged_into = Set(None);
    m.update(op.txn()).await?;
    op.record(Event::AnswerDrafted { subject: Subject::Question(id) }).await?;
    Ok(())
}

/// Marks a question as a duplicate of another in the same round: it is
/// published together with (under) that question's answer.
pub async fn merge(op: &mut Op, id: QuestionId, into: QuestionId) -> Result<(), AppError> {
    if id == into {
        return Err(AppError::Invalid("Een vraag kan niet met zichzelf worden samengevoegd.".into()));
    }
    let tender = op.tender_id();
    let (q, r) = open_question(op.txn(), tender, id).await?;
    let (target, r2) = open_question(op.txn(), tender, into).await?;
    if r.id != r2.id {
        return Err(AppError::Invalid("Alleen vragen uit dezelfde ronde kunnen worden samengevoegd.".into()));
    }
    if target.merged_into.is_some() {
        return Err(AppError::Invalid("Voeg samen met de oorspronkelijke vraag, niet met een samengevoegde.".into()));
    }
    questions::Entity::update_many()
        .col_expr(questions::Column::MergedInto, sea_orm::sea_query::Expr::value(into))
        .filter(questions::Column::MergedInto.eq(id))
        .exec(op.txn())
        .await?;
    let mut m = q.into_active_model();
    m.merged_into = Set(Some(into));
    m.answer_md = Set(None);
    m.update(op.txn()).await?;
    op.record(Event::QuestionsMerged { subject: Subject::Question(id), samengevoegd_met: into.to_string() }).await?;
    Ok(())
}

/// Adds a point of the buyer's own to an unpublished round (e.g. information
/// from one bidder's dialogue session that is relevant to all).
pub async fn add_own_point(op: &mut Op, round_id: QuestionRoundId, reference: &str, text_md: &str) -> Result<questions::Model, AppError> {
    let tender = op.tender_id();
    let r = round(op.txn(), tender, round_id).await?;
    if r.published_at.is_some() {
        return Err(AppError::Conflict("Deze Nota van Inlichtingen is al gepubliceerd.".into()));
    }
    let text = required_text(text_md, 20_000, "De tekst")?;
    let q = questions::ActiveModel {
        tender_id: Set(tender),
        round_id: Set(r.id),
        organisation_id: Set(None),
        asked_by: Set(None),
        reference: Set(reference.trim().chars().take(200).collect()),
        body: Set("Mededeling van de aanbestedende diensten".into()),
        asked_at: Set(op.tender_now()),
        answer_md: Set(Some(text)),
        merged_into: Set(None),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    op.record(Event::PointAdded { subject: Subject::Question(q.id), ronde: r.id.to_string(), referentie: reference.trim().into() })
        .await?;
    Ok(q)
}

/// Publishes a round as the next numbered NvI: answers freeze, a new
/// submission deadline (if any) takes effect, and every registered bidder gets
/// a message and an e-mail in the same transaction.
pub async fn publish(op: &mut Op, round_id: QuestionRoundId, intro_md: &str, new_deadline: Option<DateTime<Utc>>) -> Result<i32, AppError> {
    let t = op.tender().clone();
    let tender_now = op.tender_now();
    let r = round(op.txn(), t.id, round_id).await?;
    if r.published_at.is_some() {
        return Err(AppError::Conflict("Deze Nota van Inlichtingen is al gepubliceerd.".into()));
    }
    let qs = questions_of(op.txn(), r.id).await?;
    if crate::domain::calendar::on_time(tender_now, r.question_deadline) && qs.iter().any(|q| q.organisation_id.is_some()) {
        return Err(AppError::Conflict(format!(
            "De vragentermijn loopt nog tot {}. Publiceer daarna, zodat alle vragen meegaan.",
            show_instant(r.question_deadline)
        )));
    }
    let mut n = 0;
    for q in &qs {
        n += 1;
        if q.merged_into.is_none() && q.answer_md.as_deref().is_none_or(|a| a.trim().is_empty()) {
            return Err(AppError::Conflict(format!("Vraag {n} heeft nog geen antwoord.")));
        }
    }
    if qs.is_empty() && intro_md.trim().is_empty() && new_deadline.is_none() {
        return Err(AppError::Invalid("Deze Nota van Inlichtingen is leeg: geen vragen, geen toelichting, geen wijziging.".into()));
    }
    if let Some(d) = new_deadline {
        crate::domain::procedure::may_move_deadline(t.submission_deadline, d, tender_now)?;
        if t.submission_closed_at.is_some() {
            return Err(AppError::Conflict("De inschrijving is al gesloten; de termijn kan niet meer veranderen.".into()));
        }
    }
    let number = nvi_rounds::Entity::find()
        .filter(nvi_rounds::Column::TenderId.eq(t.id))
        .select_only()
        .column_as(nvi_rounds::Column::Number.max(), "max")
        .into_tuple::<Option<i32>>()
        .one(op.txn())
        .await?
        .flatten()
        .unwrap_or(0)
        + 1;
    let mut m = r.clone().into_active_model();
    m.number = Set(Some(number));
    m.published_at = Set(Some(tender_now));
    m.intro_md = Set(intro_md.trim().to_string());
    m.new_submission_deadline = Set(new_deadline);
    if r.closed_at.is_none() {
        m.closed_at = Set(Some(tender_now));
    }
    m.update(op.txn()).await?;
    let old_deadline = t.submission_deadline;
    if let Some(d) = new_deadline {
        tenders::Entity::update_many()
            .col_expr(tenders::Column::SubmissionDeadline, sea_orm::sea_query::Expr::value(d))
            .filter(tenders::Column::Id.eq(t.id))
            .exec(op.txn())
            .await?;
        op.reload_tender().await?;
    }
    let mut body = format!("Nota van Inlichtingen {number} is gepubliceerd ({}).", show_instant(tender_now));
    if let Some(d) = new_deadline {
        body.push_str(&format!(
            "\n\nDe sluitingstermijn is gewijzigd: was {}, wordt {}.",
            old_deadline.map(show_instant).unwrap_or_else(|| "niet gepland".into()),
            show_instant(d)
        ));
    }
    let link = format!("/aanbesteding/{}/vragen", t.id);
    let reached = messages::to_all_bidders(op, t.id, &format!("Nota van Inlichtingen {number}"), &body, Some(&link)).await?;
    op.record(Event::NviPublished {
        subject: Subject::QuestionRound(r.id),
        nummer: number.to_string(),
        vragen: qs.len().to_string(),
        ontvangers: reached.to_string(),
        sluitingstermijn_oud: old_deadline.map(|d| d.to_rfc3339()),
        sluitingstermijn_nieuw: new_deadline.map(|d| d.to_rfc3339()),
        gepubliceerd_op: tender_now.to_rfc3339(),
    })
    .await?;
    Ok(number)
}
