//! Messages in the portal and the e-mail outbox. Every message to bidders is
//! written in the same transaction as the action that causes it, so all
//! registered bidders receive it at the same moment.

use super::entities::{messages, organisation_members, outbox, tender_bidders};
use super::op::{Op, Scope};
use crate::ids::{OrganisationId, TenderId, UserId};

use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};

/// Sends one message to every organisation registered for `tender`, and an
/// e-mail to each of their members. Returns the number of organisations.
pub async fn to_all_bidders<S: Scope>(
    op: &Op<S>,
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
        to_organisation(op, Some(tender), b.organisation_id, subject, body_md, link).await?;
    }
    Ok(bidders.len())
}

/// Sends a message to one organisation and e-mails its members.
pub async fn to_organisation<S: Scope>(
    op: &Op<S>,
    tender: Option<TenderId>,
    organisation: OrganisationId,
    subject: &str,
    body_md: &str,
    link: Option<&str>,
) -> Result<(), DbErr> {
    post(op, tender, (Some(organisation), None), subject, body_md, link).await?;
    let members = organisation_members::Entity::find()
        .filter(organisation_members::Column::OrganisationId.eq(organisation))
        .all(op.txn())
        .await?;
    for m in members {
        queue(op, tender, &m.email.to_string(), subject, &email_text(body_md, link)).await?;
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
    post(op, tender, (None, Some(user.id)), subject, body_md, link).await?;
    if let Some(address) = user.email.as_deref().filter(|a| !a.is_empty()) {
        queue(op, tender, address, subject, &email_text(body_md, link)).await?;
    }
    Ok(())
}

/// Queues one e-mail to one address (an invitation, which has no inbox yet).
pub async fn email<S: Scope>(op: &Op<S>, to: &str, subject: &str, body: &str) -> Result<(), DbErr> {
    queue(op, None, to, subject, body).await
}

/// One message in the portal, to an organisation or to a person, dated on
/// the clock of the operation's tender (`Op::when`).
async fn post<S: Scope>(
    op: &Op<S>,
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
        created_at: Set(op.when()),
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

/// One e-mail in the outbox, written in the transaction of the action that
/// causes it: the relay only ever sees it once that transaction committed.
/// Its random token becomes the Message-ID, the same on every attempt.
/// One e-mail in the outbox, queued at the real instant: the relay and its
/// delivery log run on real time.
async fn queue<S: Scope>(op: &Op<S>, tender: Option<TenderId>, to: &str, subject: &str, body: &str) -> Result<(), DbErr> {
    let mut token = [0u8; 16];
    getrandom::fill(&mut token).map_err(|e| DbErr::Custom(format!("randomness: {e}")))?;
    outbox::ActiveModel {
        to_address: Set(to.to_string()),
        subject: Set(format!("[Dialoog] {subject}")),
        body: Set(body.to_string()),
        created_at: Set(op.now()),
        sent_at: Set(None),
        tender_id: Set(tender),
        message_token: Set(Some(hex::encode(token))),
        attempts: Set(0),
        next_attempt_at: Set(None),
        last_error: Set(None),
        failed_at: Set(None),
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

/// E-mail delivery: what the relay does with the outbox. The outbox is the
/// source of truth; the relay claims a due row for a while (a lease, so a
/// second instance or a crashed relay's successor does not send it at the
/// same moment), sends it, and records the outcome. A crash between sending
/// and recording sends the row again after the lease, with the same
/// Message-ID: at least once, and a receiver can recognise the repeat.
pub mod delivery {
    use super::super::entities::outbox;
    use crate::ids::TenderId;
    use chrono::{DateTime, Utc};
    use sea_orm::sea_query::{Expr, ExprTrait};
    use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

    /// How long a claimed row is left to the relay that claimed it.
    pub const LEASE: chrono::Duration = chrono::Duration::minutes(5);

    fn undelivered() -> Condition {
        Condition::all().add(outbox::Column::SentAt.is_null()).add(outbox::Column::FailedAt.is_null())
    }

    fn due(now: DateTime<Utc>) -> Condition {
        undelivered().add(Condition::any().add(outbox::Column::NextAttemptAt.is_null()).add(outbox::Column::NextAttemptAt.lte(now)))
    }

    /// Rows whose (next) attempt is due, oldest first.
    pub async fn due_rows<C: ConnectionTrait>(c: &C, now: DateTime<Utc>, limit: u64) -> Result<Vec<outbox::Model>, DbErr> {
        outbox::Entity::find().filter(due(now)).order_by_asc(outbox::Column::Id).limit(limit).all(c).await
    }

    /// Claims one due row until `now + LEASE`; false when someone else did
    /// (or it was delivered) in between. Rows queued before Message-IDs were
    /// stored get their token here, once.
    pub async fn claim<C: ConnectionTrait>(c: &C, row: &outbox::Model, now: DateTime<Utc>) -> Result<bool, DbErr> {
        let mut upd = outbox::Entity::update_many()
            .col_expr(outbox::Column::NextAttemptAt, Expr::value(now + LEASE))
            .filter(outbox::Column::Id.eq(row.id))
            .filter(due(now));
        if row.message_token.is_none() {
            upd = upd.col_expr(outbox::Column::MessageToken, Expr::value(format!("outbox-{}-{}", row.id, row.created_at.timestamp())));
        }
        Ok(upd.exec(c).await?.rows_affected == 1)
    }

    /// The token a claimed row is sent with.
    pub async fn token<C: ConnectionTrait>(c: &C, id: i32) -> Result<String, DbErr> {
        let row = outbox::Entity::find_by_id(id).one(c).await?.ok_or_else(|| DbErr::RecordNotFound(format!("outbox {id}")))?;
        Ok(row.message_token.unwrap_or_else(|| format!("outbox-{id}")))
    }

    /// The relay handed the row to the mail server.
    pub async fn sent<C: ConnectionTrait>(c: &C, id: i32, now: DateTime<Utc>) -> Result<(), DbErr> {
        outbox::Entity::update_many()
            .col_expr(outbox::Column::SentAt, Expr::value(Some(now)))
            .col_expr(outbox::Column::NextAttemptAt, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(outbox::Column::Attempts, Expr::col(outbox::Column::Attempts).add(1))
            .col_expr(outbox::Column::LastError, Expr::value(Option::<String>::None))
            .filter(outbox::Column::Id.eq(id))
            .exec(c)
            .await?;
        Ok(())
    }

    /// An attempt failed; `retry_at` None means for good.
    pub async fn attempt_failed<C: ConnectionTrait>(
        c: &C,
        id: i32,
        now: DateTime<Utc>,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<(), DbErr> {
        outbox::Entity::update_many()
            .col_expr(outbox::Column::Attempts, Expr::col(outbox::Column::Attempts).add(1))
            .col_expr(outbox::Column::LastError, Expr::value(Some(error.chars().take(500).collect::<String>())))
            .col_expr(outbox::Column::NextAttemptAt, Expr::value(retry_at))
            .col_expr(outbox::Column::FailedAt, Expr::value(if retry_at.is_none() { Some(now) } else { None }))
            .filter(outbox::Column::Id.eq(id))
            .filter(undelivered())
            .exec(c)
            .await?;
        Ok(())
    }

    /// The soonest instant a row becomes due (for the relay's sleep).
    pub async fn next_due<C: ConnectionTrait>(c: &C) -> Result<Option<DateTime<Utc>>, DbErr> {
        let fresh = outbox::Entity::find().filter(undelivered()).filter(outbox::Column::NextAttemptAt.is_null()).one(c).await?;
        if fresh.is_some() {
            return Ok(Some(DateTime::<Utc>::MIN_UTC));
        }
        let first = outbox::Entity::find()
            .filter(undelivered())
            .filter(outbox::Column::NextAttemptAt.is_not_null())
            .order_by_asc(outbox::Column::NextAttemptAt)
            .one(c)
            .await?;
        Ok(first.and_then(|r| r.next_attempt_at))
    }

    /// The e-mails of one tender (or, with None, those of no tender: account
    /// mail), newest first.
    pub async fn of_tender<C: ConnectionTrait>(c: &C, tender: Option<TenderId>, limit: u64) -> Result<Vec<outbox::Model>, DbErr> {
        let cond = match tender {
            Some(t) => outbox::Column::TenderId.eq(t),
            None => outbox::Column::TenderId.is_null(),
        };
        outbox::Entity::find().filter(cond).order_by_desc(outbox::Column::Id).limit(limit).all(c).await
    }
}
