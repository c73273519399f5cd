//! The contract: its parties (the gemeenten that signed and the provider), its
//! term with the options, and the decisions on those options.

use super::tender::TermView;
use crate::error::AppError;
use crate::ids::TenderId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OptionDecision {
    pub number: i32,
    pub decision: String,
    pub at: String,
    pub by: String,
    pub reference: String,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContractData {
    pub tender: TenderId,
    pub phase: String,
    /// Whether the agreement has been signed (the contract exists).
    pub exists: bool,
    pub provider: Option<String>,
    /// (gemeente, signed at, recorded by)
    pub signed: Vec<(String, String, String)>,
    /// (gemeente, withdrawn at, reason)
    pub withdrawn: Vec<(String, String, String)>,
    /// Gemeenten that have neither signed nor withdrawn.
    pub pending: Vec<String>,
    pub term: TermView,
    pub decisions: Vec<OptionDecision>,
    /// The option that can be decided now, if any.
    pub next_option: Option<usize>,
    pub may_manage: bool,
    pub today: String,
}

#[server(endpoint = "contract_view")]
pub async fn contract_view(id: TenderId) -> Result<ContractData, AppError> {
    use super::guard;
    guard::run(async move {
        let ok = guard::require(id, crate::domain::access::Action::ViewContract).await?;
        let st = guard::state()?;
        contract_data(&st, &ok).await
    })
    .await
}

/// The contract as the page and the contract summary (PDF) show it, for a
/// caller allowed `ViewContract`.
#[cfg(feature = "ssr")]
pub async fn contract_data(st: &crate::state::AppState, ok: &super::guard::Allowed) -> Result<ContractData, AppError> {
    use crate::domain::access::{Action, Phase};
    use crate::domain::calendar::{show_date, show_instant, OptionStatus};
    use crate::domain::status::{OptionDecision as Decided, Participation};
    use crate::store::{buyers, contract, evaluation as ev, procedure as proc};
    let id = ok.tender.id;
    let c = &st.db.conn;
    let t = &ok.tender;
    let phase = *t.phase;
    let term = contract::term(c, t).await?;
    let today = contract::today(proc::tender_now(t, st.clock.now()));
    let awarded = matches!(phase, Phase::Gegund | Phase::Ondertekend | Phase::Contract);
    let provider = if awarded { ev::snapshot(c, id).await?.result().and_then(|r| r.winner().map(|w| w.organisation.clone())) } else { None };
    let rows = buyers::list(c, id).await?;
    let next_option = term.options(today).iter().find(|o| o.status == OptionStatus::Open).map(|o| o.number);
    Ok(ContractData {
        tender: id,
        phase: phase.label().into(),
        exists: matches!(phase, Phase::Ondertekend | Phase::Contract),
        provider,
        signed: rows
            .iter()
            .filter(|b| b.status == Participation::Ondertekend)
            .map(|b| (b.name.clone(), show_instant(b.status_since), b.status_by.clone().unwrap_or_default()))
            .collect(),
        withdrawn: rows
            .iter()
            .filter(|b| b.status == Participation::Teruggetrokken)
            .map(|b| (b.name.clone(), show_instant(b.status_since), b.status_reason.clone().unwrap_or_default()))
            .collect(),
        pending: rows.iter().filter(|b| b.status == Participation::Deelnemend).map(|b| b.name.clone()).collect(),
        term: super::tender::term_view(&term, today),
        decisions: contract::decisions(c, id)
            .await?
            .into_iter()
            .map(|d| OptionDecision {
                number: d.number,
                decision: match *d.decision {
                    Decided::Uitgeoefend => "uitgeoefend".into(),
                    Decided::NietUitgeoefend => "niet uitgeoefend".into(),
                },
                at: show_instant(d.decided_at),
                by: d.decided_by,
                reference: d.decision_ref,
                note: d.note,
            })
            .collect(),
        next_option,
        may_manage: ok.may(Action::ManageContract),
        today: show_date(today),
    })
}

#[server(endpoint = "decide_option")]
pub async fn decide_option(id: TenderId, optie: i32, besluit: String, kenmerk: String, toelichting: Option<String>) -> Result<String, AppError> {
    use super::guard;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::ManageContract).await?;
        let exercise = match besluit.as_str() {
            "uitoefenen" => true,
            "niet_uitoefenen" => false,
            _ => return Err(AppError::Invalid("Kies: de optie uitoefenen of niet uitoefenen.".into())),
        };
        let number = usize::try_from(optie).map_err(|_| AppError::Invalid("Deze optie bestaat niet.".into()))?;
        let note = toelichting.as_deref().unwrap_or_default();
        let by = op.user()?.display_name.clone();
        let term = crate::store::contract::decide_option(&mut op, &by, number, exercise, &kenmerk, note).await?;
        op.commit().await?;
        Ok(crate::domain::calendar::show_date(term.current_end()))
    })
    .await
}
