//! The plans under their pseudonyms, the reports that a plan identifies its
//! bidder, and the inkoper's decision on them.

use crate::domain::status::FlagDecision;
use crate::error::AppError;
use crate::ids::{FlagId, PartDefId, TenderId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlagRow {
    pub id: FlagId,
    pub by_system: bool,
    pub raised: String,
    /// The text of the report (the buyer's side and its author only: it may quote the plan).
    pub note: Option<String>,
    pub decision: FlagDecision,
    pub decision_note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanRow {
    pub pseudonym: String,
    pub label: String,
    pub valid: bool,
    pub flag_open: bool,
    pub flags: Vec<FlagRow>,
    /// (part def id, part name, size) of the plan's files in envelope 2.
    pub files: Vec<(PartDefId, String, String)>,
    /// The caller may open the plan now (an evaluator to score it, the
    /// inkoper to decide on a report).
    pub readable: bool,
}

/// Every plan with its reports, and the files of those the caller may read.
#[cfg(feature = "ssr")]
pub(super) async fn rows(cx: &super::Context<'_>) -> Result<Vec<PlanRow>, AppError> {
    use crate::domain::calendar::show_instant;
    use crate::domain::evaluation::plan_label;
    use crate::domain::evaluation::visibility::{visible_to, Sight};
    use crate::domain::status::{PartKind, PlanStatus};
    let defs = crate::store::bids::part_defs(cx.conn, cx.ok.tender.id).await?;
    let plan_defs: Vec<_> = defs.iter().filter(|d| d.envelope == 2 && *d.kind == PartKind::Bestand).collect();
    let mut out = vec![];
    for p in &cx.s.plans {
        let flags = cx
            .s
            .flags
            .iter()
            .filter(|f| f.plan_id == p.id)
            .map(|f| FlagRow {
                id: f.id,
                by_system: f.raised_by.is_none(),
                raised: show_instant(f.raised_at),
                note: if cx.buyer || f.raised_by == Some(cx.ok.user.id) { Some(f.note.clone()) } else { None },
                decision: *f.decision,
                decision_note: if cx.buyer { f.decision_note.clone() } else { None },
            })
            .collect();
        let open_flag = cx.s.open_flag(p.id);
        let sight = Sight::Plan { pseudonym: p.pseudonym.as_str(), status: *p.status, open_flag };
        let readable = visible_to(&cx.looker, sight, &cx.stage).is_ok();
        let mut files = vec![];
        if readable {
            let parts = crate::store::bids::parts_of(cx.conn, p.bid_id).await?;
            for d in &plan_defs {
                if let Some(part) = parts.iter().find(|x| x.part_def_id == d.id) {
                    files.push((d.id, d.name.clone(), crate::store::files::show_size(part.size as u64)));
                }
            }
        }
        out.push(PlanRow {
            pseudonym: p.pseudonym.to_string(),
            label: plan_label(p.pseudonym.as_str()),
            valid: p.status == PlanStatus::TeBeoordelen,
            flag_open: open_flag,
            flags,
            files,
            readable,
        });
    }
    Ok(out)
}

#[server(endpoint = "flag_plan")]
pub async fn flag_plan(id: TenderId, plan: String, melding: String) -> Result<(), AppError> {
    use crate::api::guard;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::Evaluate).await?;
        let plan = crate::domain::values::Pseudonym::parse(&plan)?;
        crate::store::evaluation::plans::raise_flag(&mut op, &plan, &melding).await?;
        op.commit().await
    })
    .await
}

#[server(endpoint = "decide_flag")]
pub async fn decide_flag(id: TenderId, melding: FlagId, besluit: String, motivering: String) -> Result<(), AppError> {
    use crate::api::guard;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::ManageEvaluation).await?;
        let invalid = match FlagDecision::parse(&besluit) {
            Some(FlagDecision::Doorgaan) => false,
            Some(FlagDecision::Ongeldig) => true,
            _ => return Err(AppError::Invalid("Kies: de beoordeling gaat door, of het plan is ongeldig.".into())),
        };
        crate::store::evaluation::plans::decide_flag(&mut op, melding, invalid, &motivering).await?;
        op.commit().await
    })
    .await
}
