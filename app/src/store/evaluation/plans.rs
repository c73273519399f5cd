//! The pseudonymised plans: drawn at the opening and committed by a salted
//! hash (revealed at the consensus lock), searched for the bidder's identity,
//! read by whoever the visibility rule allows, and the reports that a plan
//! identifies its bidder with the inkoper's decision on them.

use super::super::column::Coded;
use super::super::entities::*;
use super::super::event::{Event, Subject};
use super::super::files::FileStore;
use super::super::op::Op;
use super::snapshot;
use crate::domain::access::Role;
use crate::domain::evaluation::visibility::{visible_to, Sight};
use crate::domain::evaluation::{self as rules, identity, plan_label};
use crate::domain::refusal::text_up_to;
use crate::domain::status::{FlagDecision, PlanStatus};
use crate::domain::values::Pseudonym;
use crate::error::AppError;
use crate::ids::{FlagId, PartId, TenderId};
use std::collections::HashMap;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set};

fn random_u32() -> u32 {
    let mut b = [0u8; 4];
    getrandom::fill(&mut b).expect("randomness");
    u32::from_le_bytes(b)
}

/// The pseudonyms' salt of a tender's evaluation (hex; secret until the
/// consensus lock reveals it).
pub async fn pseudonym_salt<C: ConnectionTrait>(c: &C, tender: TenderId) -> Result<String, AppError> {
    Ok(evaluations::Entity::find()
        .filter(evaluations::Column::TenderId.eq(tender))
        .one(c)
        .await?
        .ok_or(AppError::Internal)?
        .pseudonym_salt)
}

/// What the examination of one bid's quality plan found, and the copies to
/// serve the evaluators.
#[derive(Default)]
pub struct Examined {
    /// "(kind) (part)" per finding.
    pub found: Vec<String>,
    /// Copies with their metadata removed, stored, waiting for the opening
    /// that refers to them: (part, file, media type).
    pub copies: Vec<(crate::ids::PartId, super::super::files::Pending, String)>,
}

/// What the examination found per bid. Made before the opening takes the
/// write lock ([`scan_for_identity`]): it reads, inflates and rewrites every
/// quality plan, and nothing else may wait for that. Once the opening
/// committed, [`keep_copies`] keeps the served copies; dropped otherwise,
/// they are removed.
pub type IdentityHits = std::collections::HashMap<crate::ids::BidId, Examined>;

/// The opening committed: the served copies stay.
pub fn keep_copies(hits: IdentityHits) {
    for (_, e) in hits {
        for (_, file, _) in e.copies {
            file.keep();
        }
    }
}

/// Examines the quality plan of each submitted bid, outside any write
/// transaction (after the deadline no bid changes).
/// `unsealed` gives where the opened copy of a sealed part lies (the part's
/// own file is its ciphertext until the opening commits).
pub async fn scan_for_identity<C: ConnectionTrait>(
    c: &C,
    tender: TenderId,
    files: &FileStore,
    unsealed: &HashMap<PartId, std::path::PathBuf>,
) -> Result<IdentityHits, AppError> {
    let defs = super::super::bids::part_defs(c, tender).await?;
    let mut out = IdentityHits::new();
    for b in super::super::bids::submitted(c, tender).await? {
        out.insert(b.id, examine(c, &b, &defs, files, unsealed).await?);
    }
    Ok(out)
}

/// At the opening: draws a pseudonym for every submitted bid and commits to
/// the assignment with a salted hash (revealed at the consensus lock),
/// records the evaluators' copy of each plan (its metadata removed), and
/// raises a flag for the inkoper before anyone evaluates when a plan names
/// its bidder (name, KvK number, e-mail addresses), holds metadata that
/// could not be removed, or refers to something outside itself.
/// Returns (number of plans, commitment). Part of the opening's operation;
/// its facts are part of the proces-verbaal event.
pub async fn prepare(op: &mut Op, submitted: &[bids::Model], files: &FileStore, scanned: &mut IdentityHits) -> Result<(usize, String), AppError> {
    let tender = op.tender_id();
    let now = op.when();
    if let Some(e) = evaluations::Entity::find().filter(evaluations::Column::TenderId.eq(tender)).one(op.txn()).await? {
        let n = eval_plans::Entity::find().filter(eval_plans::Column::TenderId.eq(tender)).count(op.txn()).await?;
        return Ok((n as usize, e.pseudonym_commitment));
    }
    let names = rules::draw_pseudonyms(submitted.len(), random_u32);
    let mut salt = [0u8; 32];
    getrandom::fill(&mut salt).map_err(|_| AppError::Internal)?;
    let salt = hex::encode(salt);
    let mapping: Vec<(i32, String)> = submitted.iter().map(|b| b.id.0).zip(names.iter().cloned()).collect();
    let commit = rules::pseudonym_commitment(&salt, &mapping);
    evaluations::ActiveModel {
        tender_id: Set(tender),
        pseudonym_salt: Set(salt),
        pseudonym_commitment: Set(commit.clone()),
        advantages_md: Set(String::new()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    let defs = super::super::bids::part_defs(op.txn(), tender).await?;
    // Stored in the order of the pseudonyms, not of the bids: the rows' ids
    // then say nothing about which bid a plan is.
    let mut pairs: Vec<(&bids::Model, String)> = submitted.iter().zip(names).collect();
    pairs.sort_by(|a, b| a.1.cmp(&b.1));
    for (b, name) in pairs {
        let plan = eval_plans::ActiveModel {
            tender_id: Set(tender),
            bid_id: Set(b.id),
            pseudonym: Set(Coded(Pseudonym::parse(&name)?)),
            status: Set(Coded(PlanStatus::TeBeoordelen)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(op.txn())
        .await?;
        // Examined before the lock; a bid the scan did not see (none should
        // exist after the deadline) is examined here.
        if !scanned.contains_key(&b.id) {
            let e = examine(op.txn(), b, &defs, files, &HashMap::new()).await?;
            scanned.insert(b.id, e);
        }
        let examined = &scanned[&b.id];
        for (part, copy, media_type) in &examined.copies {
            let f = super::super::files::record(op, copy.stored(), "kopie-voor-beoordelaars", media_type).await?;
            bid_parts::Entity::update_many()
                .col_expr(bid_parts::Column::ServedFileId, sea_orm::sea_query::Expr::value(Some(f.id)))
                .filter(bid_parts::Column::Id.eq(*part))
                .exec(op.txn())
                .await?;
        }
        if !examined.found.is_empty() {
            eval_flags::ActiveModel {
                tender_id: Set(tender),
                plan_id: Set(plan.id),
                note: Set(identity::opening_flag_note(&examined.found)),
                raised_at: Set(now),
                decision: Set(Coded(FlagDecision::Open)),
                ..Default::default()
            }
            .insert(op.txn())
            .await?;
        }
    }
    Ok((mapping.len(), commit))
}

/// Examines a bid's quality plan: makes the evaluators' copy of each file
/// (its metadata removed, [`crate::document_metadata`]) and stores it, and
/// reports what in that copy names the bidder, what metadata could not be
/// removed, and references to outside the document: "(kind) (part)" each.
/// No finding names a value (a flag must not tell who the bidder is).
async fn examine<C: ConnectionTrait>(
    c: &C,
    b: &bids::Model,
    defs: &[bid_part_defs::Model],
    files: &FileStore,
    unsealed: &HashMap<PartId, std::path::PathBuf>,
) -> Result<Examined, AppError> {
    let org = super::super::organisations::by_id(c, b.organisation_id).await?.ok_or(AppError::Internal)?;
    let people: Vec<String> = super::super::organisations::members(c, org.id)
        .await?
        .into_iter()
        .flat_map(|(m, u)| [m.email.to_string(), u.display_name])
        .collect();
    let kvk = org.kvk.to_string();
    let terms = std::sync::Arc::new(identity::identifying_terms(&org.name, &kvk, &people));
    let mut out = Examined::default();
    for p in super::super::bids::parts_of(c, b.id).await? {
        let Some(def) = defs.iter().find(|d| d.id == p.part_def_id && d.envelope == 2) else { continue };
        let Some(fid) = p.file_id else { continue };
        let f = super::super::files::by_id(c, fid).await?.ok_or(AppError::Internal)?;
        let path = unsealed.get(&p.id).cloned().unwrap_or_else(|| files.path_of_file(&f));
        let bytes = tokio::fs::read(path).await.map_err(|e| {
            tracing::error!(file = %f.id, error = %e, "quality plan unreadable at the opening");
            AppError::Internal
        })?;
        // Inflating and rewriting office documents and PDFs is CPU work: off the runtime.
        let scan_terms = terms.clone();
        let (cleaned, hits) = tokio::task::spawn_blocking(move || {
            let cleaned = crate::document_metadata::clean(&bytes);
            let hits = crate::identity_scan::find_terms(cleaned.copy.as_deref().unwrap_or(&bytes), &scan_terms);
            (cleaned, hits)
        })
        .await
        .map_err(|_| AppError::Internal)?;
        for term in hits {
            out.found.push(format!("{} ({})", identity::kind_of_term(&term, &kvk), def.name));
        }
        for kept in &cleaned.kept {
            out.found.push(format!("{kept} ({})", def.name));
        }
        if cleaned.external > 0 {
            out.found.push(format!("{} ({})", identity::external_references(cleaned.external), def.name));
        }
        if let Some(copy) = cleaned.copy {
            let stored = files.put(&copy).await.map_err(|e| {
                tracing::error!(error = %e, "the evaluators' copy of a plan could not be stored");
                AppError::Internal
            })?;
            out.copies.push((p.id, files.pending(stored), f.media_type.clone()));
        }
    }
    out.found.dedup();
    Ok(out)
}

/// The plan `pseudonym` stands for, if `user` (with `roles`) may read it now:
/// the visibility rule for plans, for the download route.
pub async fn readable_plan<C: ConnectionTrait>(
    c: &C,
    tender: TenderId,
    phase: crate::domain::access::Phase,
    user: &users::Model,
    roles: &[Role],
    pseudonym: &Pseudonym,
) -> Result<eval_plans::Model, AppError> {
    let s = snapshot(c, tender).await?;
    let p = s.plan_of(pseudonym)?;
    visible_to(
        &s.looker(user.id, roles),
        Sight::Plan { pseudonym: pseudonym.as_str(), status: *p.status, open_flag: s.open_flag(p.id) },
        &s.stage(phase),
    )?;
    Ok(p.clone())
}

/// An evaluator (the caller) reports that a plan identifies its bidder.
pub async fn raise_flag(op: &mut Op, pseudonym: &Pseudonym, note: &str) -> Result<(), AppError> {
    let note = text_up_to(note, 2000, "De melding")?;
    if note.is_empty() {
        return Err(AppError::Invalid("Beschrijf waaraan de inschrijver herkenbaar is (zonder de naam over te nemen).".into()));
    }
    let user = op.user()?.clone();
    let s = snapshot(op.txn(), op.tender_id()).await?;
    rules::panel::may_work(s.member(user.id).map(|m| m.rules()).as_ref())?;
    if s.consensus_locked() {
        return Err(AppError::Conflict("De consensus is vastgesteld.".into()));
    }
    let p = s.plan_of(pseudonym)?;
    if p.status != PlanStatus::TeBeoordelen {
        return Err(AppError::Conflict(format!("{} is al ongeldig verklaard.", plan_label(pseudonym.as_str()))));
    }
    if s.open_flag(p.id) {
        return Err(AppError::Conflict(format!("Over {} ligt al een melding bij de inkoper.", plan_label(pseudonym.as_str()))));
    }
    eval_flags::ActiveModel {
        tender_id: Set(op.tender_id()),
        plan_id: Set(p.id),
        raised_by: Set(Some(user.id)),
        note: Set(note.clone()),
        raised_at: Set(op.when()),
        decision: Set(Coded(FlagDecision::Open)),
        ..Default::default()
    }
    .insert(op.txn())
    .await?;
    op.record(Event::PlanFlagged { subject: Subject::Plan(pseudonym.clone()), melding: note }).await?;
    Ok(())
}

/// The inkoper decides on a flag under the tender's rules: the evaluation goes
/// on, or the plan is invalid (it is not evaluated; the bidder is told why).
pub async fn decide_flag(op: &mut Op, flag: FlagId, invalid: bool, note: &str) -> Result<(), AppError> {
    let note = text_up_to(note, 2000, "De motivering")?;
    if note.is_empty() {
        return Err(AppError::Invalid("Motiveer het besluit aan de hand van de regels in de aanbestedingsstukken.".into()));
    }
    let s = snapshot(op.txn(), op.tender_id()).await?;
    if s.consensus_locked() {
        return Err(AppError::Conflict("De consensus is vastgesteld.".into()));
    }
    let f = s.flags.iter().find(|f| f.id == flag).ok_or_else(|| AppError::NotFound("Deze melding bestaat niet.".into()))?;
    if f.decision != FlagDecision::Open {
        return Err(AppError::Conflict("Over deze melding is al besloten.".into()));
    }
    let by = op.user()?.display_name.clone();
    let mut a = f.clone().into_active_model();
    a.decision = Set(Coded(if invalid { FlagDecision::Ongeldig } else { FlagDecision::Doorgaan }));
    a.decision_note = Set(Some(note.clone()));
    a.decided_at = Set(Some(op.when()));
    a.decided_by = Set(Some(by));
    a.update(op.txn()).await?;
    let p = s.plans.iter().find(|p| p.id == f.plan_id).ok_or(AppError::Internal)?;
    if invalid {
        let mut pa = p.clone().into_active_model();
        pa.status = Set(Coded(PlanStatus::Ongeldig));
        pa.status_note = Set(Some(note.clone()));
        pa.update(op.txn()).await?;
    }
    op.record(Event::FlagDecided {
        subject: Subject::Plan(p.pseudonym.get().clone()),
        besluit: if invalid { "ongeldig" } else { "beoordeling gaat door" }.into(),
        motivering: note,
    })
    .await?;
    Ok(())
}
