//! The evaluation of one tender: the panel and its conflict-of-interest
//! declarations, the pseudonymised plans (drawn at the opening, committed by a
//! salted hash, revealed at the consensus lock), identification flags,
//! individual score sheets, the consensus, and the result by the published
//! method.
//!
//! Every operation is one transaction with its audit event. Scores stay out of
//! the audit payloads until the consensus is locked (a sheet's lock records
//! its hash): the audit trail is readable by the inkoper, who must not see an
//! evaluator's scores before then.

use super::audit::{self, Actor, NewEvent};
use super::entities::*;
use super::{bids as bid_store, organisations as orgs, WriteTx};
use crate::domain::access::Role;
use crate::domain::evaluation::{self as rules, plan_label};
use crate::domain::procedure::MIN_EVALUATORS;
use crate::domain::scoring::{self, BidInput, Method, Outcome};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;

pub const ACTIVE: &str = "aangewezen";
pub const REPLACED: &str = "vervangen";
pub const VALID: &str = "te_beoordelen";
pub const INVALID: &str = "ongeldig";

/// One member of the panel with their account.
#[derive(Clone, Debug)]
pub struct Member {
    pub ev: evaluators::Model,
    pub user: users::Model,
}

impl Member {
    pub fn active(&self) -> bool {
        self.ev.status == ACTIVE
    }
    /// Signed the declaration and cleared by the inkoper: may see the plans.
    pub fn cleared(&self) -> bool {
        self.active() && self.ev.declaration_at.is_some() && self.ev.check_status == "geen_conflict"
    }
    pub fn locked(&self) -> bool {
        self.ev.sheet_locked_at.is_some()
    }
}

/// A plan with its bid and organisation, known after the lock only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultPlan {
    pub pseudonym: String,
    pub bid_id: i32,
    pub organisation_id: i32,
    pub organisation: String,
    pub kvk: String,
    pub valid: bool,
    pub note: Option<String>,
    /// The price of envelope 3 in cents, when the method competes on price.
    pub price: Option<i64>,
    /// Consensus level per scored criterion.
    pub levels: BTreeMap<String, u32>,
}

/// The result of the evaluation, computed when the consensus is locked (and
/// again when a lot is recorded).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvalResult {
    pub plans: Vec<ResultPlan>,
    /// Labels in the outcome are pseudonyms.
    pub outcome: Outcome,
}

impl EvalResult {
    pub fn plan(&self, pseudonym: &str) -> Option<&ResultPlan> {
        self.plans.iter().find(|p| p.pseudonym == pseudonym)
    }
    /// The winning plan, when the ranking is final.
    pub fn winner(&self) -> Option<&ResultPlan> {
        if self.outcome.unresolved_tie.is_some() {
            return None;
        }
        self.outcome.ranking.first().and_then(|r| self.plan(&r.label))
    }
    /// Why the ranking cannot yet lead to an award decision.
    pub fn problem(&self) -> Option<String> {
        if let Some((a, b)) = &self.outcome.unresolved_tie {
            return Some(format!(
                "{} en {} staan gelijk en de gepubliceerde beslisregels beslissen niet; leg eerst de uitkomst van de loting vast.",
                plan_label(a),
                plan_label(b)
            ));
        }
        if self.outcome.ranking.is_empty() {
            return Some("Er is geen geldige inschrijving om aan te gunnen.".into());
        }
        None
    }
}

/// Everything of the evaluation of one tender, read at one moment.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub evaluation: Option<evaluations::Model>,
    pub panel: Vec<Member>,
    pub plans: Vec<eval_plans::Model>,
    pub flags: Vec<eval_flags::Model>,
    pub scores: Vec<eval_scores::Model>,
    pub consensus: Vec<consensus_scores::Model>,
}

impl Snapshot {
    pub fn active(&self) -> impl Iterator<Item = &Member> {
        self.panel.iter().filter(|m| m.active())
    }
    pub fn member(&self, user: i32) -> Option<&Member> {
        self.panel.iter().find(|m| m.user.id == user && m.active())
    }
    pub fn chair(&self) -> Option<&Member> {
        self.active().find(|m| m.ev.chair)
    }
    pub fn consensus_opened(&self) -> bool {
        self.evaluation.as_ref().is_some_and(|e| e.consensus_opened_at.is_some())
    }
    pub fn consensus_locked(&self) -> bool {
        self.evaluation.as_ref().is_some_and(|e| e.consensus_locked_at.is_some())
    }
    pub fn result(&self) -> Option<EvalResult> {
        self.evaluation.as_ref().and_then(|e| e.result.as_deref()).and_then(|r| serde_json::from_str(r).ok())
    }
    pub fn plan(&self, pseudonym: &str) -> Option<&eval_plans::Model> {
        self.plans.iter().find(|p| p.pseudonym == pseudonym)
    }
    pub fn valid_plans(&self) -> Vec<&eval_plans::Model> {
        self.plans.iter().filter(|p| p.status == VALID).collect()
    }
    pub fn open_flag(&self, plan: i32) -> bool {
        self.flags.iter().any(|f| f.plan_id == plan && f.decision == "open")
    }
    fn pseudonym_of(&self, plan: i32) -> String {
        self.plans.iter().find(|p| p.id == plan).map(|p| p.pseudonym.clone()).unwrap_or_default()
    }
    /// One evaluator's sheet: (plan pseudonym, criterion) -> (level, motivation), valid plans only.
    pub fn sheet(&self, evaluator: i32) -> BTreeMap<(String, String), (u32, String)> {
        self.scores
            .iter()
            .filter(|s| s.evaluator_id == evaluator && self.plans.iter().any(|p| p.id == s.plan_id && p.status == VALID))
            .map(|s| ((self.pseudonym_of(s.plan_id), s.criterion.clone()), (s.level.max(0) as u32, s.motivation.clone())))
            .collect()
    }
    pub fn consensus_map(&self) -> BTreeMap<(String, String), (u32, String)> {
        self.consensus
            .iter()
            .filter(|s| self.plans.iter().any(|p| p.id == s.plan_id && p.status == VALID))
            .map(|s| ((self.pseudonym_of(s.plan_id), s.criterion.clone()), (s.level.max(0) as u32, s.motivation.clone())))
            .collect()
    }
    /// The individual levels of the active panel on one cell.
    pub fn individual(&self, plan: &str, criterion: &str) -> Vec<u32> {
        self.active()
            .filter_map(|m| self.sheet(m.ev.id).get(&(plan.to_string(), criterion.to_string())).map(|(l, _)| *l))
            .collect()
    }
    pub fn valid_pseudonyms(&self) -> Vec<String> {
        self.valid_plans().iter().map(|p| p.pseudonym.clone()).collect()
    }
}

pub async fn snapshot<C: ConnectionTrait>(c: &C, tender: i32) -> Result<Snapshot, DbErr> {
    let evaluation = evaluations::Entity::find().filter(evaluations::Column::TenderId.eq(tender)).one(c).await?;
    let evs = evaluators::Entity::find()
        .filter(evaluators::Column::TenderId.eq(tender))
        .order_by_asc(evaluators::Column::Id)
        .all(c)
        .await?;
    let mut panel = Vec::with_capacity(evs.len());
    for ev in evs {
        if let Some(user) = super::users::by_id(c, ev.user_id).await? {
            panel.push(Member { ev, user });
        }
    }
    let plans = eval_plans::Entity::find()
        .filter(eval_plans::Column::TenderId.eq(tender))
        .order_by_asc(eval_plans::Column::Pseudonym)
        .all(c)
        .await?;
    let plan_ids: Vec<i32> = plans.iter().map(|p| p.id).collect();
    let flags = eval_flags::Entity::find()
        .filter(eval_flags::Column::TenderId.eq(tender))
        .order_by_asc(eval_flags::Column::Id)
        .all(c)
        .await?;
    let scores = if plan_ids.is_empty() {
        vec![]
    } else {
        eval_scores::Entity::find().filter(eval_scores::Column::PlanId.is_in(plan_ids.clone())).all(c).await?
    };
    let consensus = consensus_scores::Entity::find().filter(consensus_scores::Column::TenderId.eq(tender)).all(c).await?;
    Ok(Snapshot { evaluation, panel, plans, flags, scores, consensus })
}

/// What the phase guards need to know of the evaluation.
pub async fn facts<C: ConnectionTrait>(c: &C, tender: i32) -> Result<(usize, bool, bool, Option<String>), DbErr> {
    let s = snapshot(c, tender).await?;
    let locked = s.consensus_locked();
    let problem = if locked {
        match s.result() {
            Some(r) => r.problem(),
            None => Some("De uitslag van de beoordeling ontbreekt.".into()),
        }
    } else {
        None
    };
    Ok((s.active().count(), s.chair().is_some(), locked, problem))
}

fn method(t: &tenders::Model) -> Result<Method, AppError> {
    super::award::method_of(t).ok_or_else(|| AppError::Conflict("Deze aanbesteding heeft geen gunningsmethode.".into()))
}

fn evaluator_subject(u: &users::Model) -> String {
    format!("beoordelaar:{}", u.pseudonym)
}

// ---------------------------------------------------------------------------
// The panel

/// Appoints `user` as an evaluator. Someone who knows the bidders (an
/// inkoper, an observer) or is one cannot evaluate anonymously.
pub async fn appoint(
    tx: &WriteTx,
    now: DateTime<Utc>,
    t: &tenders::Model,
    by: Actor,
    by_name: &str,
    user: &users::Model,
    chair: bool,
) -> Result<evaluators::Model, AppError> {
    let s = snapshot(&tx.txn, t.id).await?;
    if s.consensus_opened() {
        return Err(AppError::Conflict("Het consensusoverleg is geopend: het panel ligt vast.".into()));
    }
    if s.panel.iter().any(|m| m.user.id == user.id) {
        return Err(AppError::Conflict(format!("{} is al aangewezen (of was dat en is vervangen).", user.display_name)));
    }
    let roles = super::tenders::roles_of(&tx.txn, t.id, user.id).await?;
    if let Some(r) = roles.iter().find(|r| matches!(r, Role::Inkoper | Role::Aanbieder | Role::Waarnemer)) {
        return Err(AppError::Conflict(format!(
            "{} heeft de rol {} in deze aanbesteding en kent de inschrijvers: beoordelen moet anoniem.",
            user.display_name,
            r.label().to_lowercase()
        )));
    }
    if orgs::of_user(&tx.txn, user.id).await?.is_some() {
        return Err(AppError::Conflict(format!("{} hoort bij een inschrijvende organisatie.", user.display_name)));
    }
    let granted = !roles.contains(&Role::Beoordelaar);
    if granted {
        tender_roles::ActiveModel {
            tender_id: Set(t.id),
            user_id: Set(user.id),
            role: Set(Role::Beoordelaar.code().into()),
            ..Default::default()
        }
        .insert(&tx.txn)
        .await?;
    }
    if chair {
        clear_chair(tx, t.id).await?;
    }
    let ev = evaluators::ActiveModel {
        tender_id: Set(t.id),
        user_id: Set(user.id),
        chair: Set(chair),
        status: Set(ACTIVE.into()),
        appointed_at: Set(now),
        appointed_by: Set(by_name.into()),
        check_status: Set("open".into()),
        ..Default::default()
    }
    .insert(&tx.txn)
    .await?;
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by,
        action: "evaluation.evaluator_appointed",
        subject: evaluator_subject(user),
        payload: json!({ "naam": user.display_name, "voorzitter": chair, "rol_toegekend": granted }),
    })
    .await?;
    Ok(ev)
}

async fn clear_chair(tx: &WriteTx, tender: i32) -> Result<(), DbErr> {
    use sea_orm::sea_query::Expr;
    evaluators::Entity::update_many()
        .col_expr(evaluators::Column::Chair, Expr::value(false))
        .filter(evaluators::Column::TenderId.eq(tender))
        .exec(&tx.txn)
        .await?;
    Ok(())
}

fn member_by_id(s: &Snapshot, id: i32) -> Result<&Member, AppError> {
    s.panel.iter().find(|m| m.ev.id == id).ok_or_else(|| AppError::NotFound("Deze beoordelaar bestaat niet.".into()))
}

/// Makes an active evaluator the chair (the previous chair no longer is).
pub async fn set_chair(tx: &WriteTx, now: DateTime<Utc>, t: &tenders::Model, by: Actor, evaluator: i32) -> Result<(), AppError> {
    let s = snapshot(&tx.txn, t.id).await?;
    if s.consensus_opened() {
        return Err(AppError::Conflict("Het consensusoverleg is geopend: de voorzitter ligt vast.".into()));
    }
    let m = member_by_id(&s, evaluator)?;
    if !m.active() {
        return Err(AppError::Conflict("Een vervangen beoordelaar kan geen voorzitter zijn.".into()));
    }
    clear_chair(tx, t.id).await?;
    let mut a = m.ev.clone().into_active_model();
    a.chair = Set(true);
    a.update(&tx.txn).await?;
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by,
        action: "evaluation.chair_set",
        subject: evaluator_subject(&m.user),
        payload: json!({ "naam": m.user.display_name }),
    })
    .await?;
    Ok(())
}

/// Replaces an evaluator (for instance after a conflict of interest): the old
/// one no longer sees anything and their scores do not count; the new one
/// takes over the chair if the old one had it.
#[allow(clippy::too_many_arguments)]
pub async fn replace(
    tx: &WriteTx,
    now: DateTime<Utc>,
    t: &tenders::Model,
    by: Actor,
    by_name: &str,
    evaluator: i32,
    reason: &str,
    new_user: &users::Model,
) -> Result<(), AppError> {
    let reason = super::text_up_to(reason, 2000, "De reden")?;
    if reason.is_empty() {
        return Err(AppError::Invalid("Geef de reden van de vervanging.".into()));
    }
    let s = snapshot(&tx.txn, t.id).await?;
    let old = member_by_id(&s, evaluator)?.clone();
    if !old.active() {
        return Err(AppError::Conflict(format!("{} is al vervangen.", old.user.display_name)));
    }
    let mut a = old.ev.clone().into_active_model();
    a.status = Set(REPLACED.into());
    a.chair = Set(false);
    a.replaced_at = Set(Some(now));
    a.replaced_reason = Set(Some(reason.clone()));
    a.update(&tx.txn).await?;
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by.clone(),
        action: "evaluation.evaluator_replaced",
        subject: evaluator_subject(&old.user),
        payload: json!({ "naam": old.user.display_name, "reden": reason, "vervanger": new_user.display_name }),
    })
    .await?;
    appoint(tx, now, t, by, by_name, new_user, old.ev.chair).await?;
    Ok(())
}

/// The evaluator signs the conflict-of-interest declaration: the interests and
/// relations they have in youth care ("geen" when none), before seeing anything.
pub async fn sign_declaration(
    tx: &WriteTx,
    now: DateTime<Utc>,
    t: &tenders::Model,
    by: Actor,
    user: &users::Model,
    interests: &str,
) -> Result<(), AppError> {
    let interests = super::text_up_to(interests, 4000, "De opgave van belangen")?;
    if interests.is_empty() {
        return Err(AppError::Invalid(
            "Noem uw belangen en relaties in de jeugdzorg (werkgevers, nevenfuncties, familie), of vul 'geen' in.".into(),
        ));
    }
    let s = snapshot(&tx.txn, t.id).await?;
    let m = s.member(user.id).ok_or_else(|| AppError::Forbidden("U bent geen beoordelaar in deze aanbesteding.".into()))?;
    if m.ev.declaration_at.is_some() {
        return Err(AppError::Conflict("U heeft de verklaring al ondertekend.".into()));
    }
    let mut a = m.ev.clone().into_active_model();
    a.declaration_at = Set(Some(now));
    a.declaration_interests = Set(Some(interests.clone()));
    a.check_status = Set("open".into());
    a.update(&tx.txn).await?;
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by,
        action: "evaluation.declaration_signed",
        subject: evaluator_subject(user),
        payload: json!({ "belangen": interests }),
    })
    .await?;
    Ok(())
}

/// The inkoper, who knows the bidders, checks a signed declaration against
/// them: no conflict (the evaluator may start) or a conflict (replace them).
#[allow(clippy::too_many_arguments)]
pub async fn check_declaration(
    tx: &WriteTx,
    now: DateTime<Utc>,
    t: &tenders::Model,
    by: Actor,
    by_name: &str,
    evaluator: i32,
    conflict: bool,
    note: &str,
) -> Result<(), AppError> {
    let note = super::text_up_to(note, 2000, "De toelichting")?;
    if conflict && note.is_empty() {
        return Err(AppError::Invalid("Beschrijf het belangenconflict.".into()));
    }
    let s = snapshot(&tx.txn, t.id).await?;
    let m = member_by_id(&s, evaluator)?;
    if !m.active() {
        return Err(AppError::Conflict(format!("{} is vervangen.", m.user.display_name)));
    }
    if m.ev.declaration_at.is_none() {
        return Err(AppError::Conflict(format!("{} heeft de verklaring nog niet ondertekend.", m.user.display_name)));
    }
    if m.ev.check_status != "open" {
        return Err(AppError::Conflict("Deze verklaring is al getoetst.".into()));
    }
    let bidders: Vec<String> = submitted_organisations(&tx.txn, t.id).await?.into_iter().map(|o| o.name).collect();
    let mut a = m.ev.clone().into_active_model();
    a.check_status = Set(if conflict { "conflict" } else { "geen_conflict" }.into());
    a.check_note = Set(Some(note.clone()).filter(|n| !n.is_empty()));
    a.checked_at = Set(Some(now));
    a.checked_by = Set(Some(by_name.into()));
    a.update(&tx.txn).await?;
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by,
        action: "evaluation.declaration_checked",
        subject: evaluator_subject(&m.user),
        payload: json!({
            "uitkomst": if conflict { "belangenconflict" } else { "geen belangenconflict" },
            "toelichting": note,
            "getoetst_tegen": bidders,
        }),
    })
    .await?;
    Ok(())
}

/// The organisations with a submitted bid: what a declaration is checked against.
pub async fn submitted_organisations<C: ConnectionTrait>(c: &C, tender: i32) -> Result<Vec<organisations::Model>, DbErr> {
    let mut out = vec![];
    for b in bids::Entity::find()
        .filter(bids::Column::TenderId.eq(tender))
        .filter(bids::Column::Status.eq("ingediend"))
        .order_by_asc(bids::Column::Id)
        .all(c)
        .await?
    {
        if let Some(o) = orgs::by_id(c, b.organisation_id).await? {
            out.push(o);
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Plans, pseudonyms and the identification check

fn commitment(salt: &str, mapping: &[(i32, String)]) -> String {
    let mut sorted: Vec<_> = mapping.iter().map(|(b, p)| json!({ "inschrijving": b.to_string(), "pseudoniem": p })).collect();
    sorted.sort_by_key(|v| v["inschrijving"].as_str().map(str::to_string));
    let body = serde_jcs::to_string(&sorted).expect("mapping serialises");
    super::documents::sha256_hex(format!("dialoog-pseudoniemen-v1\n{salt}\n{body}").as_bytes())
}

fn random_u32() -> u32 {
    let mut b = [0u8; 4];
    getrandom::fill(&mut b).expect("randomness");
    u32::from_le_bytes(b)
}

/// At the opening: draws a pseudonym for every submitted bid and commits to
/// the assignment with a salted hash (revealed at the consensus lock), and
/// checks each quality plan for the bidder's name, KvK number and e-mail
/// addresses; a hit becomes a flag for the inkoper before anyone evaluates.
/// Returns (number of plans, commitment). Called inside the opening's
/// transaction; its facts are part of the proces-verbaal event.
pub async fn prepare(tx: &WriteTx, now: DateTime<Utc>, t: &tenders::Model, files: &super::files::FileStore) -> Result<(usize, String), AppError> {
    if let Some(e) = evaluations::Entity::find().filter(evaluations::Column::TenderId.eq(t.id)).one(&tx.txn).await? {
        let n = eval_plans::Entity::find().filter(eval_plans::Column::TenderId.eq(t.id)).all(&tx.txn).await?.len();
        return Ok((n, e.pseudonym_commitment));
    }
    let submitted = bids::Entity::find()
        .filter(bids::Column::TenderId.eq(t.id))
        .filter(bids::Column::Status.eq("ingediend"))
        .order_by_asc(bids::Column::SubmittedAt)
        .all(&tx.txn)
        .await?;
    let names = rules::draw_pseudonyms(submitted.len(), random_u32);
    let mut salt = [0u8; 32];
    getrandom::fill(&mut salt).map_err(|_| AppError::Internal)?;
    let salt = hex::encode(salt);
    let mapping: Vec<(i32, String)> = submitted.iter().map(|b| b.id).zip(names.iter().cloned()).collect();
    let commit = commitment(&salt, &mapping);
    evaluations::ActiveModel {
        tender_id: Set(t.id),
        pseudonym_salt: Set(salt),
        pseudonym_commitment: Set(commit.clone()),
        advantages_md: Set(String::new()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx.txn)
    .await?;
    let defs = bid_store::part_defs(&tx.txn, t.id).await?;
    for (b, pseudonym) in submitted.iter().zip(names) {
        let plan = eval_plans::ActiveModel {
            tender_id: Set(t.id),
            bid_id: Set(b.id),
            pseudonym: Set(pseudonym),
            status: Set(VALID.into()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&tx.txn)
        .await?;
        let org = orgs::by_id(&tx.txn, b.organisation_id).await?.ok_or(AppError::Internal)?;
        let people: Vec<String> = orgs::members(&tx.txn, org.id)
            .await?
            .into_iter()
            .flat_map(|(m, u)| [m.email, u.display_name])
            .collect();
        let terms = std::sync::Arc::new(identifying_terms(&org.name, &org.kvk, &people));
        let mut found = vec![];
        for p in bid_store::parts_of(&tx.txn, b.id).await? {
            let Some(def) = defs.iter().find(|d| d.id == p.part_def_id && d.envelope == 2) else { continue };
            let Some(fid) = p.file_id else { continue };
            let f = super::files::by_id(&tx.txn, fid).await?.ok_or(AppError::Internal)?;
            let bytes = tokio::fs::read(files.path_of(&f.sha256)).await.map_err(|e| {
                eprintln!("kwaliteitsplan {}: {e}", f.sha256);
                AppError::Internal
            })?;
            // Inflating office documents and PDF streams is CPU work: off the runtime.
            let scan_terms = terms.clone();
            let hits = tokio::task::spawn_blocking(move || crate::identity_scan::find_terms(&bytes, &scan_terms))
                .await
                .map_err(|_| AppError::Internal)?;
            for term in hits {
                found.push(format!("{} ({})", kind_of_term(&term, &org.kvk), def.name));
            }
        }
        if !found.is_empty() {
            found.dedup();
            eval_flags::ActiveModel {
                tender_id: Set(t.id),
                plan_id: Set(plan.id),
                note: Set(format!(
                    "Automatische controle bij de opening: het plan bevat {}. Beoordeel of het de inschrijver herkenbaar maakt.",
                    found.join("; ")
                )),
                raised_at: Set(now),
                decision: Set("open".into()),
                ..Default::default()
            }
            .insert(&tx.txn)
            .await?;
        }
    }
    Ok((mapping.len(), commit))
}

/// What names a bidder: its name (also without its legal form), its KvK
/// number and its members' e-mail addresses and names. Short fragments are
/// left out: they would match by chance.
pub fn identifying_terms(name: &str, kvk: &str, people: &[String]) -> Vec<String> {
    let mut out = vec![];
    let mut push = |s: &str| {
        let s = s.trim().trim_matches(|c: char| c == ',' || c == '.').trim().to_string();
        if s.chars().count() >= 5 && !out.iter().any(|x: &String| x.eq_ignore_ascii_case(&s)) {
            out.push(s);
        }
    };
    push(name);
    let core = name.split('(').next().unwrap_or(name);
    let mut words: Vec<&str> = core.split_whitespace().collect();
    const FORMS: [&str; 8] = ["b.v.", "bv", "n.v.", "u.a.", "stichting", "coöperatie", "vereniging", "v.o.f."];
    words.retain(|w| !FORMS.contains(&w.to_lowercase().as_str()));
    // A single short word ("Noord") would match plans that merely mention a region.
    let core = words.join(" ");
    if words.len() > 1 || core.chars().count() >= 8 {
        push(&core);
    }
    push(kvk);
    for e in people {
        push(e);
    }
    out
}

fn kind_of_term(term: &str, kvk: &str) -> &'static str {
    if term == kvk {
        "het KvK-nummer van de inschrijver"
    } else if term.contains('@') {
        "een e-mailadres van de inschrijver"
    } else {
        "een naam van de inschrijver of een medewerker"
    }
}

/// The plan a pseudonym stands for, in this tender.
fn plan_of<'a>(s: &'a Snapshot, pseudonym: &str) -> Result<&'a eval_plans::Model, AppError> {
    s.plan(pseudonym).ok_or_else(|| AppError::NotFound(format!("{} bestaat niet.", plan_label(pseudonym))))
}

/// The plan and criterion a score is given for, after the checks every score
/// (individual or consensus) passes: the plan exists, is valid and not under
/// an open flag, the criterion exists, and level and motivation fit its scale.
fn scorable<'a>(
    s: &'a Snapshot,
    m: &'a Method,
    pseudonym: &str,
    criterion: &str,
    level: u32,
    motivation: &str,
) -> Result<(&'a eval_plans::Model, &'a scoring::Criterion), AppError> {
    let p = plan_of(s, pseudonym)?;
    if p.status != VALID {
        return Err(AppError::Conflict(format!("{} is ongeldig verklaard en wordt niet beoordeeld.", plan_label(pseudonym))));
    }
    if s.open_flag(p.id) {
        return Err(AppError::Conflict(format!("Over {} ligt een melding bij de inkoper; wacht op diens besluit.", plan_label(pseudonym))));
    }
    let c = m
        .leaves()
        .into_iter()
        .find(|c| c.code == criterion)
        .ok_or_else(|| AppError::NotFound(format!("Criterium {criterion} bestaat niet.")))?;
    rules::check_score(c, level, motivation).map_err(AppError::Invalid)?;
    Ok((p, c))
}

/// An evaluator who may work now: appointed, declaration signed and cleared.
fn working<'a>(s: &'a Snapshot, user: &users::Model) -> Result<&'a Member, AppError> {
    let m = s.member(user.id).ok_or_else(|| AppError::Forbidden("U bent geen beoordelaar in deze aanbesteding.".into()))?;
    if m.ev.declaration_at.is_none() {
        return Err(AppError::Forbidden("Onderteken eerst de verklaring over belangenconflicten.".into()));
    }
    match m.ev.check_status.as_str() {
        "geen_conflict" => Ok(m),
        "conflict" => Err(AppError::Forbidden("Uw verklaring wijst op een belangenconflict: u beoordeelt niet in deze aanbesteding.".into())),
        _ => Err(AppError::Forbidden("Uw verklaring wordt nog getoetst door de inkoper; daarna kunt u beginnen.".into())),
    }
}

/// Whether `user` may read the plan now (for the file route).
pub async fn readable_plan<C: ConnectionTrait>(c: &C, tender: i32, user: &users::Model, pseudonym: &str) -> Result<eval_plans::Model, AppError> {
    let s = snapshot(c, tender).await?;
    working(&s, user)?;
    let p = plan_of(&s, pseudonym)?;
    if p.status != VALID {
        return Err(AppError::Conflict(format!("{} is ongeldig verklaard en wordt niet beoordeeld.", plan_label(pseudonym))));
    }
    if s.open_flag(p.id) {
        return Err(AppError::Conflict(format!(
            "Over {} ligt een melding bij de inkoper; het plan is tot diens besluit niet in te zien.",
            plan_label(pseudonym)
        )));
    }
    Ok(p.clone())
}

/// An evaluator reports that a plan identifies its bidder.
pub async fn raise_flag(tx: &WriteTx, now: DateTime<Utc>, t: &tenders::Model, by: Actor, user: &users::Model, pseudonym: &str, note: &str) -> Result<(), AppError> {
    let note = super::text_up_to(note, 2000, "De melding")?;
    if note.is_empty() {
        return Err(AppError::Invalid("Beschrijf waaraan de inschrijver herkenbaar is (zonder de naam over te nemen).".into()));
    }
    let s = snapshot(&tx.txn, t.id).await?;
    working(&s, user)?;
    if s.consensus_locked() {
        return Err(AppError::Conflict("De consensus is vastgesteld.".into()));
    }
    let p = plan_of(&s, pseudonym)?;
    if p.status != VALID {
        return Err(AppError::Conflict(format!("{} is al ongeldig verklaard.", plan_label(pseudonym))));
    }
    if s.open_flag(p.id) {
        return Err(AppError::Conflict(format!("Over {} ligt al een melding bij de inkoper.", plan_label(pseudonym))));
    }
    eval_flags::ActiveModel {
        tender_id: Set(t.id),
        plan_id: Set(p.id),
        raised_by: Set(Some(user.id)),
        note: Set(note.clone()),
        raised_at: Set(now),
        decision: Set("open".into()),
        ..Default::default()
    }
    .insert(&tx.txn)
    .await?;
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by,
        action: "evaluation.plan_flagged",
        subject: format!("plan:{}", p.pseudonym),
        payload: json!({ "melding": note }),
    })
    .await?;
    Ok(())
}

/// The inkoper decides on a flag under the tender's rules: the evaluation goes
/// on, or the plan is invalid (it is not evaluated; the bidder is told why).
#[allow(clippy::too_many_arguments)]
pub async fn decide_flag(
    tx: &WriteTx,
    now: DateTime<Utc>,
    t: &tenders::Model,
    by: Actor,
    by_name: &str,
    flag: i32,
    invalid: bool,
    note: &str,
) -> Result<(), AppError> {
    let note = super::text_up_to(note, 2000, "De motivering")?;
    if note.is_empty() {
        return Err(AppError::Invalid("Motiveer het besluit aan de hand van de regels in de aanbestedingsstukken.".into()));
    }
    let s = snapshot(&tx.txn, t.id).await?;
    if s.consensus_locked() {
        return Err(AppError::Conflict("De consensus is vastgesteld.".into()));
    }
    let f = s.flags.iter().find(|f| f.id == flag).ok_or_else(|| AppError::NotFound("Deze melding bestaat niet.".into()))?;
    if f.decision != "open" {
        return Err(AppError::Conflict("Over deze melding is al besloten.".into()));
    }
    let mut a = f.clone().into_active_model();
    a.decision = Set(if invalid { INVALID } else { "doorgaan" }.into());
    a.decision_note = Set(Some(note.clone()));
    a.decided_at = Set(Some(now));
    a.decided_by = Set(Some(by_name.into()));
    a.update(&tx.txn).await?;
    let p = s.plans.iter().find(|p| p.id == f.plan_id).ok_or(AppError::Internal)?;
    if invalid {
        let mut pa = p.clone().into_active_model();
        pa.status = Set(INVALID.into());
        pa.status_note = Set(Some(note.clone()));
        pa.update(&tx.txn).await?;
    }
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by,
        action: "evaluation.flag_decided",
        subject: format!("plan:{}", p.pseudonym),
        payload: json!({ "besluit": if invalid { "ongeldig" } else { "beoordeling gaat door" }, "motivering": note }),
    })
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Individual scoring

/// Saves (or changes) one score on the evaluator's own sheet until it is locked.
#[allow(clippy::too_many_arguments)]
pub async fn save_score(
    tx: &WriteTx,
    now: DateTime<Utc>,
    t: &tenders::Model,
    by: Actor,
    user: &users::Model,
    pseudonym: &str,
    criterion: &str,
    level: u32,
    motivation: &str,
) -> Result<(), AppError> {
    let m = method(t)?;
    let s = snapshot(&tx.txn, t.id).await?;
    let me = working(&s, user)?;
    if me.locked() {
        return Err(AppError::Conflict("U heeft uw scoreformulier vergrendeld; scores veranderen niet meer.".into()));
    }
    let (p, _) = scorable(&s, &m, pseudonym, criterion, level, motivation)?;
    let existing = s.scores.iter().find(|x| x.evaluator_id == me.ev.id && x.plan_id == p.id && x.criterion == criterion);
    match existing {
        Some(x) => {
            let mut a = x.clone().into_active_model();
            a.level = Set(level as i32);
            a.motivation = Set(motivation.trim().into());
            a.updated_at = Set(now);
            a.update(&tx.txn).await?;
        }
        None => {
            eval_scores::ActiveModel {
                evaluator_id: Set(me.ev.id),
                plan_id: Set(p.id),
                criterion: Set(criterion.into()),
                level: Set(level as i32),
                motivation: Set(motivation.trim().into()),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&tx.txn)
            .await?;
        }
    }
    // The level itself stays out of the trail until the consensus is locked.
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by,
        action: if existing.is_some() { "evaluation.score_changed" } else { "evaluation.score_saved" },
        subject: format!("plan:{}", p.pseudonym),
        payload: json!({ "criterium": criterion }),
    })
    .await?;
    Ok(())
}

fn sheet_json(s: &Snapshot, m: &Member) -> serde_json::Value {
    let sheet = s.sheet(m.ev.id);
    json!(sheet
        .iter()
        .map(|((p, c), (l, mot))| json!({ "plan": p, "criterium": c, "niveau": l.to_string(), "motivering": mot }))
        .collect::<Vec<_>>())
}

fn sheet_hash(v: &serde_json::Value) -> String {
    super::documents::sha256_hex(serde_jcs::to_string(v).expect("sheet serialises").as_bytes())
}

/// Locks the evaluator's sheet: complete (every valid plan on every
/// criterion, with motivations), after which it never changes. The event
/// records the sheet's hash; the sheet itself follows at the consensus lock.
pub async fn lock_sheet(tx: &WriteTx, now: DateTime<Utc>, t: &tenders::Model, by: Actor, user: &users::Model) -> Result<(), AppError> {
    let m = method(t)?;
    let s = snapshot(&tx.txn, t.id).await?;
    let me = working(&s, user)?.clone();
    if me.locked() {
        return Err(AppError::Conflict("Uw scoreformulier is al vergrendeld.".into()));
    }
    if let Some(f) = s.flags.iter().find(|f| f.decision == "open") {
        return Err(AppError::Conflict(format!(
            "Over {} ligt nog een melding bij de inkoper; vergrendelen kan na diens besluit.",
            plan_label(&s.pseudonym_of(f.plan_id))
        )));
    }
    let plans = s.valid_pseudonyms();
    if plans.is_empty() {
        return Err(AppError::Conflict("Er is geen geldig plan om te beoordelen.".into()));
    }
    let missing = rules::missing(&m.leaves(), &plans, &s.sheet(me.ev.id));
    if !missing.is_empty() {
        return Err(AppError::Conflict(format!("Uw scoreformulier is nog niet compleet. {}", missing.join(" "))));
    }
    let mut a = me.ev.clone().into_active_model();
    a.sheet_locked_at = Set(Some(now));
    a.update(&tx.txn).await?;
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by,
        action: "evaluation.sheet_locked",
        subject: evaluator_subject(user),
        payload: json!({ "scoreformulier_sha256": sheet_hash(&sheet_json(&s, &me)), "plannen": plans }),
    })
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Consensus

fn chair_of<'a>(s: &'a Snapshot, user: &users::Model) -> Result<&'a Member, AppError> {
    let me = working(s, user)?;
    if !me.ev.chair {
        return Err(AppError::Forbidden("Alleen de voorzitter van het beoordelingspanel leidt de consensus.".into()));
    }
    Ok(me)
}

/// Why the consensus cannot be opened yet (None when it can).
pub fn consensus_blocker(s: &Snapshot) -> Option<String> {
    let active: Vec<&Member> = s.active().collect();
    if active.len() < MIN_EVALUATORS {
        return Some(format!("Er zijn minder dan {MIN_EVALUATORS} beoordelaars aangewezen."));
    }
    if let Some(m) = active.iter().find(|m| !m.cleared()) {
        return Some(format!("De verklaring van {} is nog niet ondertekend of goedgekeurd.", m.user.display_name));
    }
    let open: Vec<&str> = active.iter().filter(|m| !m.locked()).map(|m| m.user.display_name.as_str()).collect();
    if !open.is_empty() {
        return Some(format!("Nog niet vergrendeld: {}.", open.join(", ")));
    }
    if s.flags.iter().any(|f| f.decision == "open") {
        return Some("Er ligt nog een melding bij de inkoper.".into());
    }
    None
}

/// The chair opens the consensus once every sheet is locked.
pub async fn open_consensus(tx: &WriteTx, now: DateTime<Utc>, t: &tenders::Model, by: Actor, user: &users::Model) -> Result<(), AppError> {
    let s = snapshot(&tx.txn, t.id).await?;
    chair_of(&s, user)?;
    if s.consensus_opened() {
        return Err(AppError::Conflict("Het consensusoverleg is al geopend.".into()));
    }
    if let Some(b) = consensus_blocker(&s) {
        return Err(AppError::Conflict(format!("Het consensusoverleg kan nog niet beginnen. {b}")));
    }
    let e = s.evaluation.clone().ok_or_else(|| AppError::Conflict("De inschrijvingen zijn nog niet geopend.".into()))?;
    let mut a = e.into_active_model();
    a.consensus_opened_at = Set(Some(now));
    a.update(&tx.txn).await?;
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by,
        action: "evaluation.consensus_opened",
        subject: format!("beoordeling:{}", t.id),
        payload: json!({ "beoordelaars": s.active().map(|m| m.user.pseudonym.clone()).collect::<Vec<_>>() }),
    })
    .await?;
    Ok(())
}

/// The chair records the consensus score on one cell. A score outside the
/// individual range needs a justification.
#[allow(clippy::too_many_arguments)]
pub async fn save_consensus(
    tx: &WriteTx,
    now: DateTime<Utc>,
    t: &tenders::Model,
    by: Actor,
    user: &users::Model,
    pseudonym: &str,
    criterion: &str,
    level: u32,
    motivation: &str,
    justification: &str,
) -> Result<(), AppError> {
    let m = method(t)?;
    let s = snapshot(&tx.txn, t.id).await?;
    let me = chair_of(&s, user)?;
    if !s.consensus_opened() {
        return Err(AppError::Conflict("Het consensusoverleg is nog niet geopend.".into()));
    }
    if s.consensus_locked() {
        return Err(AppError::Conflict("De consensus is vastgesteld en verandert niet meer.".into()));
    }
    let (p, c) = scorable(&s, &m, pseudonym, criterion, level, motivation)?;
    let justification = super::text_up_to(justification, 2000, "De toelichting")?;
    scoring::check_consensus(&c.scale, &s.individual(pseudonym, criterion), level, motivation, &justification).map_err(AppError::Invalid)?;
    let existing = s.consensus.iter().find(|x| x.plan_id == p.id && x.criterion == criterion);
    match existing {
        Some(x) => {
            let mut a = x.clone().into_active_model();
            a.level = Set(level as i32);
            a.motivation = Set(motivation.trim().into());
            a.justification = Set(Some(justification.clone()).filter(|j| !j.is_empty()));
            a.recorded_at = Set(now);
            a.recorded_by = Set(me.user.display_name.clone());
            a.update(&tx.txn).await?;
        }
        None => {
            consensus_scores::ActiveModel {
                tender_id: Set(t.id),
                plan_id: Set(p.id),
                criterion: Set(criterion.into()),
                level: Set(level as i32),
                motivation: Set(motivation.trim().into()),
                justification: Set(Some(justification.clone()).filter(|j| !j.is_empty())),
                recorded_at: Set(now),
                recorded_by: Set(me.user.display_name.clone()),
                ..Default::default()
            }
            .insert(&tx.txn)
            .await?;
        }
    }
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by,
        action: "evaluation.consensus_saved",
        subject: format!("plan:{}", p.pseudonym),
        payload: json!({ "criterium": criterion, "niveau": level.to_string(), "motivering": motivation.trim(), "toelichting": justification }),
    })
    .await?;
    Ok(())
}

/// Ranks the plans by the published method, with the lot when one was drawn.
fn compute(m: &Method, plans: &[ResultPlan], lot: &[String]) -> Result<Outcome, String> {
    let inputs: Vec<BidInput> = plans
        .iter()
        .filter(|p| p.valid)
        .map(|p| BidInput {
            label: p.pseudonym.clone(),
            levels: p.levels.clone(),
            price: p.price.unwrap_or(0),
            lot: lot.iter().position(|x| x == &p.pseudonym).map(|i| i as u32 + 1),
        })
        .collect();
    scoring::rank(m, &inputs)
}

/// Locks the consensus: resolves the pseudonyms (revealing the committed
/// assignment), opens envelope 3 (the prices) and computes totals and the
/// ranking by the published method, in one transaction with three events.
pub async fn lock_consensus(tx: &WriteTx, now: DateTime<Utc>, t: &tenders::Model, by: Actor, user: &users::Model) -> Result<EvalResult, AppError> {
    let m = method(t)?;
    let s = snapshot(&tx.txn, t.id).await?;
    let me = chair_of(&s, user)?.clone();
    if !s.consensus_opened() {
        return Err(AppError::Conflict("Het consensusoverleg is nog niet geopend.".into()));
    }
    if s.consensus_locked() {
        return Err(AppError::Conflict("De consensus is al vastgesteld.".into()));
    }
    if let Some(f) = s.flags.iter().find(|f| f.decision == "open") {
        return Err(AppError::Conflict(format!(
            "Over {} ligt nog een melding bij de inkoper; vaststellen kan na diens besluit.",
            plan_label(&s.pseudonym_of(f.plan_id))
        )));
    }
    let plans = s.valid_pseudonyms();
    let cons = s.consensus_map();
    let missing = rules::missing(&m.leaves(), &plans, &cons);
    if !missing.is_empty() {
        return Err(AppError::Conflict(format!("De consensus is nog niet compleet. {}", missing.join(" "))));
    }
    let e = s.evaluation.clone().ok_or(AppError::Internal)?;
    let defs = bid_store::part_defs(&tx.txn, t.id).await?;
    let competes_on_price = !matches!(m.price, scoring::PriceMethod::QualityOnly { .. });
    let mut result_plans = vec![];
    for p in &s.plans {
        let b = bids::Entity::find_by_id(p.bid_id).one(&tx.txn).await?.ok_or(AppError::Internal)?;
        let org = orgs::by_id(&tx.txn, b.organisation_id).await?.ok_or(AppError::Internal)?;
        let price = if competes_on_price {
            let parts = bid_store::parts_of(&tx.txn, b.id).await?;
            let price_def = defs.iter().find(|d| d.kind == "prijs");
            price_def
                .and_then(|d| parts.iter().find(|x| x.part_def_id == d.id))
                .and_then(|x| x.form_text.as_deref())
                .and_then(bid_store::price_of)
        } else {
            None
        };
        let levels = cons
            .iter()
            .filter(|((plan, _), _)| plan == &p.pseudonym)
            .map(|((_, c), (l, _))| (c.clone(), *l))
            .collect();
        result_plans.push(ResultPlan {
            pseudonym: p.pseudonym.clone(),
            bid_id: b.id,
            organisation_id: org.id,
            organisation: org.name,
            kvk: org.kvk,
            valid: p.status == VALID,
            note: p.status_note.clone(),
            price,
            levels,
        });
    }
    if competes_on_price {
        if let Some(p) = result_plans.iter().find(|p| p.valid && p.price.is_none()) {
            return Err(AppError::Conflict(format!("{} heeft geen prijs in envelop 3.", plan_label(&p.pseudonym))));
        }
    }
    let outcome = compute(&m, &result_plans, &[]).map_err(AppError::Conflict)?;
    let result = EvalResult { plans: result_plans, outcome };
    let mut a = e.clone().into_active_model();
    a.consensus_locked_at = Set(Some(now));
    a.locked_by = Set(Some(me.user.display_name.clone()));
    a.result = Set(Some(serde_json::to_string(&result).map_err(|_| AppError::Internal)?));
    a.update(&tx.txn).await?;
    let sheets: Vec<serde_json::Value> = s
        .active()
        .map(|mm| {
            let v = sheet_json(&s, mm);
            json!({ "beoordelaar": mm.user.pseudonym, "scoreformulier_sha256": sheet_hash(&v), "scores": v })
        })
        .collect();
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by.clone(),
        action: "evaluation.consensus_locked",
        subject: format!("beoordeling:{}", t.id),
        payload: json!({
            "consensus": cons.iter().map(|((p, c), (l, mot))| json!({ "plan": p, "criterium": c, "niveau": l.to_string(), "motivering": mot })).collect::<Vec<_>>(),
            "scoreformulieren": sheets,
        }),
    })
    .await?;
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by.clone(),
        action: "evaluation.pseudonyms_resolved",
        subject: format!("beoordeling:{}", t.id),
        payload: json!({
            "zout": e.pseudonym_salt,
            "commitment": e.pseudonym_commitment,
            "toewijzing": result.plans.iter().map(|p| json!({
                "pseudoniem": p.pseudonym, "inschrijving": p.bid_id.to_string(), "organisatie": p.organisation,
            })).collect::<Vec<_>>(),
        }),
    })
    .await?;
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by,
        action: "bid.prices_opened",
        subject: format!("beoordeling:{}", t.id),
        payload: json!({
            "envelop": "3",
            "prijzen": result.plans.iter().filter(|p| p.price.is_some()).map(|p| json!({
                "pseudoniem": p.pseudonym, "prijs_cent": p.price.map(|c| c.to_string()),
            })).collect::<Vec<_>>(),
            "rangorde": result.outcome.ranking.iter().map(|r| json!({
                "plaats": r.rank.to_string(), "pseudoniem": r.label, "totaal": format!("{:.2}", r.total),
            })).collect::<Vec<_>>(),
            "onbesliste_gelijke_stand": result.outcome.unresolved_tie,
        }),
    })
    .await?;
    Ok(result)
}

/// Records the order a lot (drawn under supervision) gave the tied plans and
/// ranks again. `order` lists pseudonyms, winner first.
pub async fn record_lot(tx: &WriteTx, now: DateTime<Utc>, t: &tenders::Model, by: Actor, order: &[String]) -> Result<EvalResult, AppError> {
    let m = method(t)?;
    if !m.tie_break.contains(&scoring::TieBreak::Lot) {
        return Err(AppError::Conflict("De gepubliceerde beslisregels kennen geen loting.".into()));
    }
    let s = snapshot(&tx.txn, t.id).await?;
    let mut result = s.result().ok_or_else(|| AppError::Conflict("De consensus is nog niet vastgesteld.".into()))?;
    let Some((a, b)) = result.outcome.unresolved_tie.clone() else {
        return Err(AppError::Conflict("Er is geen gelijke stand die een loting vraagt.".into()));
    };
    if s.evaluation.as_ref().is_some_and(|e| e.lot.is_some()) {
        return Err(AppError::Conflict("De loting is al vastgelegd.".into()));
    }
    let valid = s.valid_pseudonyms();
    let mut seen = std::collections::BTreeSet::new();
    for p in order {
        if !valid.contains(p) || !seen.insert(p.clone()) {
            return Err(AppError::Invalid(format!("'{p}' is geen (of een dubbel) pseudoniem van een geldig plan.")));
        }
    }
    if !seen.contains(&a) || !seen.contains(&b) {
        return Err(AppError::Invalid(format!("Geef de volgorde van ten minste {} en {}.", plan_label(&a), plan_label(&b))));
    }
    result.outcome = compute(&m, &result.plans, order).map_err(AppError::Conflict)?;
    let e = s.evaluation.clone().ok_or(AppError::Internal)?;
    let mut am = e.into_active_model();
    am.lot = Set(Some(serde_json::to_string(order).map_err(|_| AppError::Internal)?));
    am.result = Set(Some(serde_json::to_string(&result).map_err(|_| AppError::Internal)?));
    am.update(&tx.txn).await?;
    audit::append(tx, now, NewEvent {
        tender: Some(t.id),
        actor: by,
        action: "evaluation.lot_recorded",
        subject: format!("beoordeling:{}", t.id),
        payload: json!({
            "volgorde": order,
            "rangorde": result.outcome.ranking.iter().map(|r| json!({ "plaats": r.rank.to_string(), "pseudoniem": r.label })).collect::<Vec<_>>(),
        }),
    })
    .await?;
    Ok(result)
}

/// Whether envelope 3 (the prices) may be read: only after the consensus lock.
pub async fn prices_open<C: ConnectionTrait>(c: &C, tender: i32) -> Result<bool, DbErr> {
    Ok(evaluations::Entity::find()
        .filter(evaluations::Column::TenderId.eq(tender))
        .one(c)
        .await?
        .is_some_and(|e| e.consensus_locked_at.is_some()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_that_names_its_bidder_is_found_in_text_and_utf16() {
        let terms = identifying_terms("Jeugdhulp Kennemerland B.V. (demo)", "90000001", &["info@jhk.example".into()]);
        assert_eq!(terms, ["Jeugdhulp Kennemerland B.V. (demo)", "Jeugdhulp Kennemerland", "90000001", "info@jhk.example"]);
        assert_eq!(crate::identity_scan::find_terms(b"Ons plan, door JEUGDHULP kennemerland.", &terms), ["Jeugdhulp Kennemerland"]);
        let utf16: Vec<u8> = "/Author (Jeugdhulp Kennemerland)".encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(crate::identity_scan::find_terms(&utf16, &terms), ["Jeugdhulp Kennemerland"]);
        assert_eq!(crate::identity_scan::find_terms(b"KvK 90000001", &terms), ["90000001"]);
        assert!(crate::identity_scan::find_terms(b"Een anoniem plan over jeugdhulp in Kennemerland.", &terms).is_empty());
        assert_eq!(identifying_terms("Stichting Noord", "12345678", &[]), ["Stichting Noord", "12345678"], "'Noord' alone is too short");
    }

    #[test]
    fn the_pseudonym_commitment_binds_the_assignment() {
        let a = commitment("00", &[(1, "K".into()), (2, "P".into())]);
        assert_eq!(a, commitment("00", &[(2, "P".into()), (1, "K".into())]), "order of listing does not matter");
        assert_ne!(a, commitment("00", &[(1, "P".into()), (2, "K".into())]));
        assert_ne!(a, commitment("01", &[(1, "K".into()), (2, "P".into())]));
    }
}
