//! The gemeenten of a tender: participation, withdrawal, signing, and what
//! depends on who takes part (contract parties, schools, shares, budget).

use crate::domain::participation::ShareRule;
use crate::domain::status::Participation;
use crate::error::AppError;
use crate::ids::TenderId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BuyerRow {
    pub slug: String,
    pub name: String,
    pub status: Participation,
    pub since: String,
    pub reason: Option<String>,
    pub decision: Option<String>,
    pub recorded_by: Option<String>,
    pub schools: i32,
    pub key: i64,
    /// Share in percent, two decimals, Dutch notation.
    pub share: String,
    pub budget: Option<String>,
    /// The caller may withdraw this gemeente now.
    pub may_withdraw: bool,
    pub may_sign: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BuyersData {
    pub tender: TenderId,
    pub rows: Vec<BuyerRow>,
    pub rule: ShareRule,
    pub rule_label: String,
    pub budget: Option<String>,
    pub budget_input: String,
    pub parties: Vec<String>,
    pub schools_in_scope: u32,
    pub cancelled: bool,
    pub may_manage_shares: bool,
    /// The caller is the inkoper, acting on a gemeente's behalf.
    pub on_behalf: bool,
}

/// The gemeenten (slugs) a user represents in a tender.
#[cfg(feature = "ssr")]
async fn my_gemeenten(tender: TenderId, user: crate::ids::UserId) -> Result<Vec<String>, AppError> {
    let st = super::guard::state()?;
    Ok(crate::store::tenders::gemeenten_of(&st.db.conn, tender, user).await?)
}

#[server(endpoint = "buyers_view")]
pub async fn buyers_view(id: TenderId) -> Result<BuyersData, AppError> {
    use super::guard;
    use crate::domain::access::{Action, Phase, Role};
    use crate::domain::calendar::show_instant;
    use crate::domain::participation as rules;
    use crate::domain::scoring::{show_amount, show_price};
    use crate::store::buyers;
    guard::run(async move {
        let ok = guard::require(id, Action::ViewTender).await?;
        let st = guard::state()?;
        let phase = *ok.tender.phase;
        let rows = buyers::list(&st.db.conn, id).await?;
        let domain = buyers::as_domain(&rows);
        let rule = buyers::rule_of(&ok.tender);
        let shares = rules::shares(&domain, &rule);
        let budget_parts = ok.tender.budget_cents.map(|b| rules::split_budget(b, &shares));
        let mine = my_gemeenten(id, ok.user.id).await?;
        let inkoper = ok.roles.contains(&Role::Inkoper);
        let may_withdraw = ok.may(Action::WithdrawGemeente);
        let may_sign = ok.may(Action::SignGemeente);
        let any_basis = shares.iter().any(|(_, s)| *s > 0.0);
        Ok(BuyersData {
            tender: id,
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    let own = inkoper || mine.contains(&b.slug);
                    BuyerRow {
                        slug: b.slug.clone(),
                        name: b.name.clone(),
                        status: *b.status,
                        since: show_instant(b.status_since),
                        reason: b.status_reason.clone(),
                        decision: b.decision_ref.clone(),
                        recorded_by: b.status_by.clone(),
                        schools: b.schools,
                        key: b.share_key,
                        share: if any_basis { format!("{:.2}%", shares[i].1 * 100.0).replace('.', ",") } else { "–".into() },
                        budget: budget_parts.as_ref().filter(|_| any_basis).map(|p| show_price(p[i].1)),
                        may_withdraw: own && may_withdraw && b.status == Participation::Deelnemend,
                        may_sign: own && may_sign && b.status == Participation::Deelnemend,
                    }
                })
                .collect(),
            rule,
            rule_label: match rule {
                ShareRule::ByKey => "naar rato van de gepubliceerde verdeelsleutel".into(),
                ShareRule::BySchools => "naar rato van het aantal scholen in de gemeente".into(),
            },
            budget: ok.tender.budget_cents.map(show_price),
            budget_input: ok.tender.budget_cents.map(show_amount).unwrap_or_default(),
            parties: rules::parties(&domain).into_iter().map(str::to_string).collect(),
            schools_in_scope: rules::schools_in_scope(&domain),
            cancelled: phase == Phase::Ingetrokken,
            may_manage_shares: ok.may(Action::ManageShares),
            on_behalf: inkoper,
        })
    })
    .await
}

/// Who is recording, and for whom: a gemeente's own representative, or the
/// inkoper on its behalf (then said so).
#[cfg(feature = "ssr")]
async fn acting_for(op: &crate::store::Op, slug: &str) -> Result<String, AppError> {
    use crate::domain::access::Role;
    let caller = op.caller()?;
    if my_gemeenten(op.tender_id(), caller.user.id).await?.iter().any(|s| s == slug) {
        Ok(format!("{} (vertegenwoordiger gemeente)", caller.user.display_name))
    } else if caller.roles.contains(&Role::Inkoper) {
        Ok(format!("{} (inkoper, namens de gemeente)", caller.user.display_name))
    } else {
        Err(AppError::Forbidden("U vertegenwoordigt deze gemeente niet.".into()))
    }
}

#[server(endpoint = "withdraw_gemeente")]
pub async fn withdraw_gemeente(id: TenderId, gemeente: String, reden: String, besluit: String) -> Result<bool, AppError> {
    use super::guard;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::WithdrawGemeente).await?;
        let by = acting_for(&op, &gemeente).await?;
        if reden.chars().count() > 2000 || besluit.chars().count() > 200 {
            return Err(AppError::Invalid("De reden of het besluitkenmerk is te lang.".into()));
        }
        let cancelled = crate::store::buyers::withdraw(&mut op, &by, &gemeente, &reden, &besluit).await?;
        op.commit().await?;
        Ok(cancelled)
    })
    .await
}

#[server(endpoint = "sign_gemeente")]
pub async fn sign_gemeente(id: TenderId, gemeente: String, besluit: Option<String>) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::access::{Action, Phase, Role};
    use crate::domain::refusal::Refusal;
    guard::run(async move {
        let mut op = match guard::op(id, Action::SignGemeente).await {
            Ok(op) => op,
            // Someone who signs for a gemeente, in a phase that does not allow it:
            // say why (the standstill, a suspension), not just "no access".
            Err(AppError::Forbidden(_)) => {
                let seen = guard::require(id, Action::ViewTender).await?;
                if seen.roles.iter().any(|r| matches!(r, Role::Inkoper | Role::Gemeente)) {
                    return Err(AppError::Conflict(signing_refused(&seen.tender)));
                }
                return Err(AppError::forbidden());
            }
            Err(e) => return Err(e),
        };
        let by = acting_for(&op, &gemeente).await?;
        // Signing follows the award: the standstill is over and the tender is not suspended.
        let procedure = match op.phase() {
            Phase::Gegund | Phase::Ondertekend => Ok(()),
            _ => Err(Refusal::Conflict(signing_refused(op.tender()))),
        };
        crate::store::buyers::sign(&mut op, &by, &gemeente, besluit.as_deref().unwrap_or_default(), procedure).await?;
        op.commit().await
    })
    .await
}

/// Why a gemeente cannot sign in the tender's current phase.
#[cfg(feature = "ssr")]
fn signing_refused(t: &crate::store::entities::tenders::Model) -> String {
    use crate::domain::access::Phase;
    use crate::domain::calendar::show_instant;
    match *t.phase {
        Phase::Standstill => format!(
            "Ondertekenen kan niet tijdens de standstilltermijn; die eindigt op {}.",
            t.standstill_ends_at.map(show_instant).unwrap_or_default()
        ),
        Phase::Opgeschort => format!(
            "De aanbesteding is opgeschort ({}); ondertekenen kan pas als de uitkomst is vastgelegd.",
            t.phase_note.clone().unwrap_or_default()
        ),
        Phase::Contract => "De overeenkomst is al ondertekend.".into(),
        other => format!("Ondertekenen kan pas na de standstilltermijn, als de opdracht is gegund (nu: {}).", other.label()),
    }
}

/// Sets the share rule, the budget and, per gemeente, its schools and key.
/// The form sends `scholen[slug]` and `sleutel[slug]` for every gemeente.
#[server(endpoint = "set_shares")]
pub async fn set_shares(
    id: TenderId,
    regel: String,
    budget: Option<String>,
    scholen: Option<std::collections::BTreeMap<String, String>>,
    sleutel: Option<std::collections::BTreeMap<String, String>>,
) -> Result<(), AppError> {
    use super::guard;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::ManageShares).await?;
        let rule = ShareRule::parse(&regel)
            .ok_or_else(|| AppError::Invalid("Kies een verdeelregel: naar scholen of naar de verdeelsleutel.".into()))?;
        let budget = match budget.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
            None => None,
            Some(b) => Some(crate::domain::money::Money::parse_euros(b).map_err(|e| AppError::Invalid(format!("Budget: {}", e.message())))?),
        };
        let scholen = scholen.unwrap_or_default();
        let sleutel = sleutel.unwrap_or_default();
        let mut per = vec![];
        for b in crate::store::buyers::list(op.txn(), id).await? {
            let n = |m: &std::collections::BTreeMap<String, String>, what: &str, max: i64| -> Result<i64, AppError> {
                match m.get(&b.slug).map(|s| s.trim()).filter(|s| !s.is_empty()) {
                    None => Ok(0),
                    Some(v) => v
                        .replace('.', "")
                        .parse::<i64>()
                        .ok()
                        .filter(|v| (0..=max).contains(v))
                        .ok_or_else(|| AppError::Invalid(format!("{}: '{v}' is geen geldig aantal {what}.", b.name))),
                }
            };
            per.push((b.slug.clone(), n(&scholen, "scholen", 10_000)? as i32, n(&sleutel, "voor de sleutel", 1_000_000_000)?));
        }
        crate::store::buyers::set_shares(&mut op, rule, budget, &per).await?;
        op.commit().await
    })
    .await
}
