//! Messages in the portal and the e-mail outbox. Every message to bidders is
//! written in the same transaction as the action that causes it, so all
//! registered bidders receive it at the same moment.

use super::entities::{messages, organisation_members, outbox, tender_bidders};
use super::op::{Op, Scope};
use crate::ids::{OrganisationId, TenderId, UserId};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};

/// Sends one message to every organisation registered for `tender`, and an
/// e-mail to each of their members. Returns the number of organisations.
pub async fn to_all_bidders<S: Scope>(
    op: &Op<S>,
    now: DateTime<Utc>,
    tender: TenderId,
    subject: &str,
    body_md: &str,
    link: Option<&str>,
) -> Result<usize, DbErr> {
    let bidders = tender_bidders::Entity::find()
        .filter(tender_bidders::Column::TenderId.eq(tender))
        .order_by_asc(tender_bidders::Column::Id)
        .all(op.txn())
        .await?;
    for b in &bidders {
        to_organisation(op, now, Some(tender), b.organisation_id, subject, body_md, link).await?;
    }
    Ok(bidders.len())
}

/// Sends a message to one organisation and e-mails its members.
pub async fn to_organisation<S: Scope>(
    op: &Op<S>,
    now: DateTime<Utc>,
    tender: Option<TenderId>,
    organisation: OrganisationId,
    subject: &str,
    body_md: &str,
    link: Option<&str>,
) -> Result<(), DbErr> {
    post(op, now, tender, (Some(organisation), None), subject, body_md, link).await?;
    let members = organisation_members::Entity::find()
        .filter(organisation_members::Column::OrganisationId.eq(organisation))
        .all(op.txn())
        .await?;
    for m in members {
        queue(op, now, &m.email.to_string(), subject, &email_text(body_md, link)).await?;
    }
    Ok(())
}

/// Sends a message to one person (their inbox) and e-mails it to them when
/// their account has an address.
pub async fn to_user<S: Scope>(
    op: &Op<S>,
    tender: Option<TenderId>,
    user: &super::entities::users::Model,
    subject: &str,
    body_md: &str,
    link: Option<&str>,
) -> Result<(), DbErr> {
    post(op, op.now(), tender, (None, Some(user.id)), subject, body_md, link).await?;
    if let Some(address) = user.email.as_deref().filter(|a| !a.is_empty()) {
        queue(op, op.now(), address, subject, &email_text(body_md, link)).await?;
    }
    Ok(())
}

/// Queues one e-mail to one address (an invitation, which has no inbox yet).
pub async fn email<S: Scope>(op: &Op<S>, to: &str, subject: &str, body: &str) -> Result<(), DbErr> {
    queue(op, op.now(), to, subject, body).await
}

/// One message in the portal, to an organisation or to a person.
async fn post<S: Scope>(
    op: &Op<S>,
    now: DateTime<Utc>,
    tender: Option<TenderId>,
    (organisation, user): (Option<OrganisationId>, Option<UserId>),
    subject: &str,
    body_md: &str,
    link: Option<&str>,
) -> Result<(), DbErr> {
    messages::ActiveModel {
        tender_id: Set(tender),
        organisation_id: Set(organisation),
        user_id: Set(user),
        subject: Set(subject.into()),
        body_md: Set(body_md.into()),
        link: Set(link.map(str::to_string)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    Ok(())
}

/// The e-mail of a portal message.
fn email_text(body_md: &str, link: Option<&str>) -> String {
    format!(
        "{body_md}\n\n{}--\nDit bericht staat ook in uw berichten in Dialoog.\n",
        link.map(|l| format!("Bekijk het in Dialoog: {l}\n\n")).unwrap_or_default()
    )
}

/// One e-mail in the outbox.
async fn queue<S: Scope>(op: &Op<S>, now: DateTime<Utc>, to: &str, subject: &str, body: &str) -> Result<(), DbErr> {
    outbox::ActiveModel {
        to_address: Set(to.to_string()),
        subject: Set(format!("[Dialoog] {subject}")),
        body: Set(body.to_string()),
        created_at: Set(now),
        sent_at: Set(None),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    Ok(())
}

/// The messages a user receives: to them, or to their organisation.
pub async fn inbox<C: ConnectionTrait>(c: &C, user: UserId, organisation: Option<OrganisationId>) -> Result<Vec<messages::Model>, DbErr> {
    let mut cond = Condition::any().add(messages::Column::UserId.eq(user));
    if let Some(o) = organisation {
        cond = cond.add(messages::Column::OrganisationId.eq(o));
    }
    messages::Entity::find().filter(cond).order_by_desc(messages::Column::Id).all(c).await
}

/// The outbox, oldest first (read by `dialoog outbox`).
pub async fn outbox_all<C: ConnectionTrait>(c: &C) -> Result<Vec<outbox::Model>, DbErr> {
    outbox::Entity::find().order_by_asc(outbox::Column::Id).all(c).await
}
