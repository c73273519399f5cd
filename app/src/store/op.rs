//! The operation: the only way to change state.
//!
//! An operation checks who asks against the role x phase table, takes the
//! write lock, reads the tender again inside the lock and checks the table a
//! second time against what it reads there (the phase may have moved while
//! the request waited), and then carries everything a change needs: the
//! transaction, the real instant and the tender's own clock, the actor and
//! the tender. The rows an operation changes and the audit events it records
//! ([`Op::record`], the only way to append one) are committed together, or
//! not at all; an operation that recorded no event cannot commit.

use super::clock::{tender_now, Clock};
use super::entities::{audit_events, audit_head, audit_payloads, tender_roles, tenders, users};
use super::event::Event;
use super::{Db, WriteTx};
use crate::domain::access::{self, Action, GlobalAction, Phase, Rights, Role};
use crate::domain::audit::{commitment, make_entry, Entry, NewEntry, ZERO_HASH};
use crate::domain::merkle::Hash;
use crate::error::AppError;
use crate::ids::{TenderId, UserId};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, QueryOrder, Set,
};

/// Who did something, as written in the log: a pseudonym ("p-…"), never a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    id: String,
    role: String,
}

impl Actor {
    /// The application itself (the scheduler, the first start, an operator's command).
    pub fn system() -> Self {
        Self { id: "systeem".into(), role: "systeem".into() }
    }
    /// Someone not logged in (a failed log-in with an unknown name).
    pub fn anonymous() -> Self {
        Self { id: "anoniem".into(), role: "anoniem".into() }
    }
    /// Someone registering a new organisation.
    pub fn registration() -> Self {
        Self { id: "anoniem".into(), role: "registratie".into() }
    }
    /// A user acting outside a tender role.
    pub fn user(u: &users::Model) -> Self {
        Self { id: u.pseudonym.clone(), role: "gebruiker".into() }
    }
    /// A user acting on a right outside tenders ("beheerder", "aanmaker").
    pub fn with_right(u: &users::Model, action: GlobalAction) -> Self {
        let role = match action {
            GlobalAction::CreateTender => "aanmaker",
            _ => "beheerder",
        };
        Self { id: u.pseudonym.clone(), role: role.into() }
    }
    /// A user acting in a role of a tender.
    pub fn in_role(u: &users::Model, role: Role) -> Self {
        Self { id: u.pseudonym.clone(), role: role.code().into() }
    }
    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn role(&self) -> &str {
        &self.role
    }
}

/// The user an operation on a tender is performed for, with their roles there
/// and the role the table allowed the action in.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user: users::Model,
    pub roles: Vec<Role>,
    pub role: Role,
}

impl Caller {
    /// Whether any of the caller's roles may perform `action` in `phase`.
    pub fn may(&self, phase: Phase, action: Action) -> bool {
        access::any_allowed(&self.roles, phase, action)
    }

    /// The caller is only a bidder here: it sees what bidders see, nothing of
    /// the buyer's side.
    pub fn bidder_only(&self) -> bool {
        self.roles.iter().all(|r| *r == Role::Aanbieder)
    }

    pub fn actor(&self) -> Actor {
        Actor::in_role(&self.user, self.role)
    }
}

/// What an operation is about.
pub trait Scope: Send + Sync {
    fn tender_id(&self) -> Option<TenderId>;
    /// The instant a record of this operation carries, given the real one:
    /// the tender's own clock inside a tender, the real one outside.
    fn record_time(&self, real: DateTime<Utc>) -> DateTime<Utc>;
}

/// An operation on one tender (by a caller, or by the system itself).
pub struct InTender {
    tender: tenders::Model,
    caller: Option<Caller>,
    /// When the request arrived (for an upload: its last byte), if it is what
    /// a deadline is judged by.
    arrived: Option<DateTime<Utc>>,
}

impl Scope for InTender {
    fn tender_id(&self) -> Option<TenderId> {
        Some(self.tender.id)
    }
    fn record_time(&self, real: DateTime<Utc>) -> DateTime<Utc> {
        tender_now(&self.tender, real)
    }
}

/// An operation outside any tender: accounts, log-ins, registration, the
/// first start, the audit log itself.
pub struct Anywhere;

impl Scope for Anywhere {
    fn tender_id(&self) -> Option<TenderId> {
        None
    }
    fn record_time(&self, real: DateTime<Utc>) -> DateTime<Utc> {
        real
    }
}

/// What was appended.
#[derive(Clone, Debug)]
pub struct Appended {
    pub seq: i64,
    pub leaf: Hash,
}

/// One change: its transaction (holding the write lock), its instants, its
/// actor and scope, and the events it recorded so far.
pub struct Op<S: Scope = InTender> {
    tx: WriteTx,
    now: DateTime<Utc>,
    actor: Actor,
    scope: S,
    recorded: usize,
}

/// The roles of `user` in `tender` and the role in which one of `actions`
/// is allowed there. An unknown tender is a 404 ("bestaat niet"), one
/// without a role a 403: that a tender number exists is no secret (numbers
/// are sequential and published tenders are open data), what is in it is.
pub async fn allowed_role<C: ConnectionTrait>(
    c: &C,
    tender: Option<&tenders::Model>,
    user: UserId,
    actions: &[Action],
) -> Result<(Vec<Role>, Role), AppError> {
    let roles: Vec<Role> = match tender {
        Some(t) => tender_roles::Entity::find()
            .filter(tender_roles::Column::TenderId.eq(t.id))
            .filter(tender_roles::Column::UserId.eq(user))
            .all(c)
            .await?
            .into_iter()
            .map(|r| r.role.into_inner())
            .collect(),
        None => vec![],
    };
    let Some(t) = tender else {
        return Err(AppError::NotFound("Deze aanbesteding bestaat niet.".into()));
    };
    if roles.is_empty() {
        return Err(AppError::Forbidden("U heeft geen rol in deze aanbesteding.".into()));
    }
    let phase = *t.phase;
    match roles.iter().copied().find(|r| actions.iter().any(|a| access::allowed(*r, phase, *a))) {
        Some(role) => Ok((roles, role)),
        None => Err(AppError::forbidden()),
    }
}

impl Op<InTender> {
    /// Begins an operation by `user` on tender `id` that the table must allow
    /// as `action`. Refused before waiting for the lock when the table forbids
    /// it now, and checked again inside the lock on the tender as it is there.
    pub async fn begin(db: &Db, clock: &Clock, user: users::Model, id: TenderId, action: Action) -> Result<Self, AppError> {
        Self::begin_any(db, clock, user, id, &[action]).await
    }

    /// Like [`Op::begin`], for a change that any one of `actions` allows
    /// (a document changed directly before publication, or through an NvI).
    pub async fn begin_any(db: &Db, clock: &Clock, user: users::Model, id: TenderId, actions: &[Action]) -> Result<Self, AppError> {
        let outside = tenders::Entity::find_by_id(id).one(&db.conn).await?;
        allowed_role(&db.conn, outside.as_ref(), user.id, actions).await?;
        let tx = db.write().await?;
        let tender = tenders::Entity::find_by_id(id).one(&tx.txn).await?;
        let (roles, role) = allowed_role(&tx.txn, tender.as_ref(), user.id, actions).await?;
        let tender = tender.ok_or(AppError::Internal)?;
        let caller = Caller { user, roles, role };
        Ok(Op { actor: caller.actor(), tx, now: clock.now(), scope: InTender { tender, caller: Some(caller), arrived: None }, recorded: 0 })
    }

    /// An operation of the application itself on one tender (the deadline
    /// scheduler): no caller, no table.
    pub async fn system(db: &Db, clock: &Clock, id: TenderId) -> Result<Self, AppError> {
        let tx = db.write().await?;
        let tender = tenders::Entity::find_by_id(id)
            .one(&tx.txn)
            .await?
            .ok_or_else(|| AppError::NotFound("Deze aanbesteding bestaat niet.".into()))?;
        Ok(Op { tx, now: clock.now(), actor: Actor::system(), scope: InTender { tender, caller: None, arrived: None }, recorded: 0 })
    }

    /// The tender as it is inside this operation.
    pub fn tender(&self) -> &tenders::Model {
        &self.scope.tender
    }

    pub fn tender_id(&self) -> TenderId {
        self.scope.tender.id
    }

    pub fn phase(&self) -> Phase {
        *self.scope.tender.phase
    }

    /// "Now" on the tender's own clock (its simulated clock in training mode).
    pub fn tender_now(&self) -> DateTime<Utc> {
        tender_now(&self.scope.tender, self.now)
    }

    /// Judges deadlines by the instant the request arrived (`real`, taken
    /// before the request waited for the write lock), not by the instant it
    /// got the lock: at a busy deadline a bid sent in time is in time.
    pub fn arrived_at(mut self, real: DateTime<Utc>) -> Self {
        self.scope.arrived = Some(real.min(self.now));
        self
    }

    /// The arrival on the tender's own clock: what a deadline is compared
    /// with and a receipt shows (the operation's own instant when no arrival
    /// was given).
    pub fn arrival(&self) -> DateTime<Utc> {
        tender_now(&self.scope.tender, self.scope.arrived.unwrap_or(self.now))
    }

    /// The caller; an operation of the system has none.
    pub fn caller(&self) -> Result<&Caller, AppError> {
        self.scope.caller.as_ref().ok_or(AppError::Internal)
    }

    pub fn user(&self) -> Result<&users::Model, AppError> {
        self.caller().map(|c| &c.user)
    }

    /// Records that the tender row changed inside this operation.
    pub fn set_tender(&mut self, t: tenders::Model) {
        self.scope.tender = t;
    }

    /// Reads the tender row again (after a change made by a bulk update).
    pub async fn reload_tender(&mut self) -> Result<&tenders::Model, AppError> {
        let id = self.scope.tender.id;
        self.scope.tender = tenders::Entity::find_by_id(id).one(&self.tx.txn).await?.ok_or(AppError::Internal)?;
        Ok(&self.scope.tender)
    }
}

/// The rights an account holds outside tenders.
pub fn rights(u: &users::Model) -> Rights {
    Rights { beheerder: u.beheerder, creates_tenders: u.creates_tenders }
}

/// The user, if their account (as read through `c`) is active and holds the
/// right for `action`.
async fn with_right<C: ConnectionTrait>(c: &C, user: UserId, action: GlobalAction) -> Result<users::Model, AppError> {
    match users::Entity::find_by_id(user).one(c).await? {
        Some(u) if u.active && access::global_allowed(rights(&u), action) => Ok(u),
        _ => Err(AppError::Forbidden("Deze functie is voor de functioneel beheerder.".into()).for_action(action)),
    }
}

impl Op<Anywhere> {
    /// Begins an operation outside any tender, performed by `actor`.
    pub async fn anywhere(db: &Db, clock: &Clock, actor: Actor) -> Result<Self, AppError> {
        let tx = db.write().await?;
        Ok(Op { tx, now: clock.now(), actor, scope: Anywhere, recorded: 0 })
    }

    /// Begins an operation outside any tender by `user` on a right of their
    /// account (managing accounts, creating a tender): checked before the
    /// lock, and again inside it on the account as it is there (a right
    /// withdrawn meanwhile counts).
    pub async fn global(db: &Db, clock: &Clock, user: &users::Model, action: GlobalAction) -> Result<(Self, users::Model), AppError> {
        with_right(&db.conn, user.id, action).await?;
        let tx = db.write().await?;
        let user = with_right(&tx.txn, user.id, action).await?;
        Ok((Op { tx, now: clock.now(), actor: Actor::with_right(&user, action), scope: Anywhere, recorded: 0 }, user))
    }
}

/// Checks, for reading, that `user` holds the right for `action` now.
pub async fn require_right<C: ConnectionTrait>(c: &C, user: UserId, action: GlobalAction) -> Result<users::Model, AppError> {
    with_right(c, user, action).await
}

impl<S: Scope> Op<S> {
    /// The real instant of this operation (the time of its audit events,
    /// and what security windows such as a confirmation's ten minutes or a
    /// lock-out run on).
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The instant the records of this operation carry and show: inside a
    /// tender its own clock (a training tender's simulated one), so every
    /// date a tender shows lies on one timeline; outside, the real instant.
    pub fn when(&self) -> DateTime<Utc> {
        self.scope.record_time(self.now)
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// Who the following events are recorded for (for instance the system
    /// completing what a caller's change set off).
    pub fn act_as(&mut self, actor: Actor) {
        self.actor = actor;
    }

    /// The transaction, to read and to write rows in.
    pub fn txn(&self) -> &DatabaseTransaction {
        &self.tx.txn
    }

    /// How many events this operation recorded so far.
    pub fn recorded(&self) -> usize {
        self.recorded
    }

    /// Appends `event` to the audit log inside this operation, by its actor.
    pub async fn record(&mut self, event: Event) -> Result<Appended, AppError> {
        let actor = self.actor.clone();
        self.record_as(&actor, event).await
    }

    /// Appends `event` by another actor than the operation's own.
    pub async fn record_as(&mut self, actor: &Actor, event: Event) -> Result<Appended, AppError> {
        let tender = match (event.tender(), self.scope.tender_id()) {
            (Some(a), Some(b)) if a != b => {
                tracing::error!(event = event.action(), "an event of one tender recorded in an operation on another");
                return Err(AppError::Internal);
            }
            (a, b) => a.or(b),
        };
        let appended = append(&self.tx.txn, self.now, tender, actor, &event).await?;
        self.recorded += 1;
        Ok(appended)
    }

    /// Commits the rows and events together. An operation that recorded no
    /// event is rolled back instead: every change leaves a trace.
    pub async fn commit(self) -> Result<(), AppError> {
        self.commit_then(|| ()).await
    }

    /// Commits, then runs `after` while still holding the write lock (e.g. to
    /// store a checkpoint of exactly the committed log, in order).
    pub async fn commit_then<T>(self, after: impl FnOnce() -> T) -> Result<T, AppError> {
        if self.recorded == 0 {
            tracing::error!("an operation without an audit event was rolled back");
            return Err(AppError::Internal);
        }
        Ok(self.tx.commit_then(after).await?)
    }
}

fn random_salt() -> [u8; 32] {
    let mut salt = [0u8; 32];
    getrandom::fill(&mut salt).expect("the operating system provides randomness");
    salt
}

/// Formats the event time as hashed: RFC 3339 UTC with microseconds.
pub fn event_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Appends one event inside a write transaction (whose first statement locked
/// the audit head): the entry, its payload apart (erasable), the new head.
async fn append(
    c: &DatabaseTransaction,
    now: DateTime<Utc>,
    tender: Option<TenderId>,
    actor: &Actor,
    event: &Event,
) -> Result<Appended, DbErr> {
    let head = audit_head::Entity::find_by_id(1)
        .one(c)
        .await?
        .ok_or_else(|| DbErr::Custom("audit head missing".into()))?;
    let seq = head.seq + 1;
    let tender_link = match tender {
        Some(t) => {
            let last = audit_events::Entity::find()
                .filter(audit_events::Column::TenderId.eq(t))
                .order_by_desc(audit_events::Column::Tseq)
                .one(c)
                .await?;
            Some(match last {
                Some(l) => (t, l.tseq.unwrap_or(0) + 1, l.hash),
                None => (t, 1, ZERO_HASH.to_string()),
            })
        }
        None => None,
    };
    let payload = event.payload();
    let subject = event.subject().to_string();
    let salt = random_salt();
    let time = event_time(now);
    let tender_str = tender_link.as_ref().map(|(t, _, _)| t.to_string());
    let entry: Entry = make_entry(NewEntry {
        seq: seq as u64,
        time: &time,
        tender: tender_link
            .as_ref()
            .map(|(_, ts, tp)| (tender_str.as_deref().unwrap_or_default(), *ts as u64, tp.as_str())),
        actor: actor.id(),
        role: actor.role(),
        action: event.action(),
        subject: &subject,
        commitment: commitment(&salt, &payload),
        prev: &head.hash,
    });
    let leaf = entry.leaf_hash();
    let leaf_hex = hex::encode(leaf);
    audit_events::ActiveModel {
        seq: Set(seq),
        time: Set(time),
        tender_id: Set(tender),
        tseq: Set(tender_link.as_ref().map(|(_, ts, _)| *ts)),
        actor: Set(actor.id().to_string()),
        role: Set(actor.role().to_string()),
        action: Set(event.action().to_string()),
        subject: Set(subject),
        hash: Set(leaf_hex.clone()),
        entry: Set(serde_jcs::to_string(&entry).expect("entry serialises")),
    }
    .insert(c)
    .await?;
    audit_payloads::ActiveModel {
        seq: Set(seq),
        salt: Set(Some(hex::encode(salt))),
        payload: Set(Some(serde_jcs::to_string(&payload).expect("payload serialises"))),
        erased_at: Set(None),
    }
    .insert(c)
    .await?;
    let res = audit_head::Entity::update_many()
        .col_expr(audit_head::Column::Seq, Expr::value(seq))
        .col_expr(audit_head::Column::Hash, Expr::value(leaf_hex))
        .filter(audit_head::Column::Id.eq(1))
        .filter(audit_head::Column::Seq.eq(head.seq))
        .exec(c)
        .await?;
    if res.rows_affected != 1 {
        return Err(DbErr::Custom("audit head moved during append".into()));
    }
    Ok(Appended { seq, leaf })
}
