//! The evaluation: the panel and its declarations (inkoper), the pseudonymised
//! plans, individual score sheets and the consensus matrix (evaluators), and
//! the result after the consensus is locked (inkoper, observer).
//!
//! What an evaluator receives is built for evaluators: pseudonyms, levels and
//! motivations, colleagues' names, never a bidder's name, KvK number, e-mail,
//! file name, or the inkoper's notes (which may quote a plan).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PanelRow {
    pub id: i32,
    pub name: String,
    pub username: String,
    pub chair: bool,
    pub active: bool,
    pub appointed: String,
    /// Signed at, and the interests declared (shown to the inkoper only).
    pub declaration: Option<String>,
    pub interests: Option<String>,
    /// "open", "geen_conflict" or "conflict".
    pub check: String,
    pub check_note: Option<String>,
    pub replaced: Option<String>,
    pub locked: bool,
    /// Scores given (of the total the sheet needs).
    pub filled: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlagRow {
    pub id: i32,
    pub by_system: bool,
    pub raised: String,
    /// The text of the report (inkoper only: it may quote the plan).
    pub note: Option<String>,
    /// "open", "doorgaan" or "ongeldig".
    pub decision: String,
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
    pub files: Vec<(i32, String, String)>,
    /// The evaluator may open and score it now.
    pub readable: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CritRow {
    pub code: String,
    pub name: String,
    pub weight: String,
    pub weight_value: f64,
    pub max: u32,
    pub levels: Vec<(u32, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub plan: String,
    pub criterion: String,
    pub level: Option<u32>,
    pub motivation: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SheetView {
    pub evaluator: String,
    pub locked: bool,
    pub cells: Vec<Cell>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsensusCell {
    pub plan: String,
    pub criterion: String,
    /// (evaluator, level as text)
    pub scores: Vec<(String, String)>,
    pub spread: String,
    pub flagged: bool,
    pub level: Option<u32>,
    pub motivation: String,
    pub justification: String,
    /// The lowest and highest individual level: a consensus outside needs a justification.
    pub range: Option<(u32, u32)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsensusView {
    pub locked: bool,
    pub locked_by: Option<String>,
    pub may_edit: bool,
    pub cells: Vec<ConsensusCell>,
    /// (plan label, criterion, scale steps apart), largest disagreement first.
    pub agenda: Vec<(String, String, usize)>,
    /// (evaluator, mean offset from the consensus)
    pub offsets: Vec<(String, String)>,
    /// (plan label, quality points from the consensus so far)
    pub totals: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultRow {
    pub rank: Option<usize>,
    pub pseudonym: String,
    pub organisation: String,
    pub status: String,
    pub quality: String,
    pub price: Option<String>,
    pub price_points: String,
    pub total: String,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultView {
    pub rows: Vec<ResultRow>,
    pub problem: Option<String>,
    /// The tie a lot must break, as pseudonyms, when the inkoper may record it.
    pub lot_needed: Option<(String, String)>,
    pub lot: Option<String>,
    pub method: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MyStatus {
    pub evaluator: i32,
    pub chair: bool,
    pub declared: bool,
    pub check: String,
    pub cleared: bool,
    pub locked: bool,
    /// The phase lets the panel score now.
    pub scoring_open: bool,
    pub missing: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvaluationData {
    pub tender: i32,
    pub phase: String,
    pub may_manage: bool,
    /// The buyer's side outside the panel (inkoper, waarnemer).
    pub buyer: bool,
    pub opened: bool,
    pub commitment: Option<String>,
    pub panel: Vec<PanelRow>,
    /// The organisations that submitted: what declarations are checked against (inkoper only).
    pub bidders: Vec<String>,
    /// Accounts that could be appointed (holding only the evaluator role here), for the inkoper.
    pub candidates: Vec<(String, String)>,
    pub me: Option<MyStatus>,
    pub plans: Vec<PlanRow>,
    pub criteria: Vec<CritRow>,
    pub sheet: Option<SheetView>,
    pub colleagues: Vec<SheetView>,
    pub consensus_blocker: Option<String>,
    pub consensus: Option<ConsensusView>,
    pub result: Option<ResultView>,
}

#[cfg(feature = "ssr")]
pub fn points(x: f64) -> String {
    crate::store::decision::show_points(x)
}

/// Builds what the caller may see of the evaluation.
#[cfg(feature = "ssr")]
pub async fn build(st: &crate::state::AppState, ok: &super::guard::Allowed) -> Result<EvaluationData, AppError> {
    use crate::domain::access::{self, Action, Phase, Role};
    use crate::domain::evaluation::{may_see_sheet, missing, plan_label, Viewer};
    use crate::domain::scoring::{self, PriceMethod, Scale};
    use crate::store::evaluation::{self as ev, Snapshot};
    let t = &ok.tender;
    let c = &st.db.conn;
    let phase = crate::store::procedure::phase_of(t);
    let s: Snapshot = ev::snapshot(c, t.id).await?;
    let m = crate::store::award::method_of(t).ok_or_else(|| AppError::Conflict("Deze aanbesteding heeft geen gunningsmethode.".into()))?;
    let leaves = m.leaves();
    let buyer = ok.roles.iter().any(|r| matches!(r, Role::Inkoper | Role::Waarnemer));
    let may_manage = access::any_allowed(&ok.roles, phase, Action::ManageEvaluation);
    let me = s.member(ok.user.id).cloned();
    let locked_consensus = s.consensus_locked();
    let plans_valid = s.valid_pseudonyms();
    let per_sheet = plans_valid.len() * leaves.len();
    let criteria: Vec<CritRow> = leaves
        .iter()
        .map(|c| CritRow {
            code: c.code.clone(),
            name: c.name.clone(),
            weight: if c.scale == Scale::PassFail { "voldoet / voldoet niet".into() } else { points(c.weight) },
            weight_value: if c.scale == Scale::PassFail { 0.0 } else { c.weight },
            max: c.scale.max(),
            levels: match &c.scale {
                Scale::Levels(l) => l.clone(),
                Scale::PassFail => vec![(1, "Voldoet".into()), (0, "Voldoet niet".into())],
            },
        })
        .collect();
    let panel: Vec<PanelRow> = s
        .panel
        .iter()
        .filter(|p| buyer || p.active())
        .map(|p| PanelRow {
            id: p.ev.id,
            name: p.user.display_name.clone(),
            username: if buyer { p.user.username.clone() } else { String::new() },
            chair: p.ev.chair,
            active: p.active(),
            appointed: crate::domain::calendar::show_instant(p.ev.appointed_at),
            declaration: if buyer { p.ev.declaration_at.map(crate::domain::calendar::show_instant) } else { None },
            interests: if may_manage || buyer { p.ev.declaration_interests.clone() } else { None },
            check: p.ev.check_status.clone(),
            check_note: if buyer { p.ev.check_note.clone() } else { None },
            replaced: if buyer { p.ev.replaced_reason.clone() } else { None },
            locked: p.locked(),
            filled: s.sheet(p.ev.id).len().min(per_sheet),
        })
        .collect();
    let bidders = if may_manage {
        ev::submitted_organisations(c, t.id).await?.into_iter().map(|o| o.name).collect()
    } else {
        vec![]
    };
    let candidates = if may_manage {
        let mut out = vec![];
        for r in crate::store::entities::tender_roles::Entity::find()
            .filter(crate::store::entities::tender_roles::Column::TenderId.eq(t.id))
            .filter(crate::store::entities::tender_roles::Column::Role.eq(Role::Beoordelaar.code()))
            .all(c)
            .await?
        {
            if s.panel.iter().any(|p| p.user.id == r.user_id) {
                continue;
            }
            if let Some(u) = crate::store::users::by_id(c, r.user_id).await? {
                out.push((u.username, u.display_name));
            }
        }
        out
    } else {
        vec![]
    };
    let scoring_open = phase == Phase::Beoordeling;
    let my_status = me.as_ref().map(|mm| MyStatus {
        evaluator: mm.ev.id,
        chair: mm.ev.chair,
        declared: mm.ev.declaration_at.is_some(),
        check: mm.ev.check_status.clone(),
        cleared: mm.cleared(),
        locked: mm.locked(),
        scoring_open,
        missing: if mm.cleared() && !mm.locked() { missing(&leaves, &plans_valid, &s.sheet(mm.ev.id)) } else { vec![] },
    });
    let defs = crate::store::bids::part_defs(c, t.id).await?;
    let plan_defs: Vec<_> = defs.iter().filter(|d| d.envelope == 2 && d.kind == "bestand").collect();
    let mut plans = vec![];
    for p in &s.plans {
        let flags = s
            .flags
            .iter()
            .filter(|f| f.plan_id == p.id)
            .map(|f| FlagRow {
                id: f.id,
                by_system: f.raised_by.is_none(),
                raised: crate::domain::calendar::show_instant(f.raised_at),
                note: if buyer || f.raised_by == Some(ok.user.id) { Some(f.note.clone()) } else { None },
                decision: f.decision.clone(),
                decision_note: if buyer { f.decision_note.clone() } else { None },
            })
            .collect();
        let readable = me.as_ref().is_some_and(|mm| mm.cleared()) && p.status == ev::VALID && !s.open_flag(p.id) && scoring_open;
        let mut files = vec![];
        if readable {
            let parts = crate::store::bids::parts_of(c, p.bid_id).await?;
            for d in &plan_defs {
                if let Some(part) = parts.iter().find(|x| x.part_def_id == d.id) {
                    files.push((d.id, d.name.clone(), crate::store::files::show_size(part.size as u64)));
                }
            }
        }
        plans.push(PlanRow {
            pseudonym: p.pseudonym.clone(),
            label: plan_label(&p.pseudonym),
            valid: p.status == ev::VALID,
            flag_open: s.open_flag(p.id),
            flags,
            files,
            readable,
        });
    }
    let cells_of = |evaluator: i32| -> Vec<Cell> {
        let sheet = s.sheet(evaluator);
        plans_valid
            .iter()
            .flat_map(|p| {
                leaves.iter().map(|c| {
                    let v = sheet.get(&(p.clone(), c.code.clone()));
                    Cell { plan: p.clone(), criterion: c.code.clone(), level: v.map(|x| x.0), motivation: v.map(|x| x.1.clone()).unwrap_or_default() }
                })
            })
            .collect()
    };
    let viewer_for = |owner_id: i32| -> Viewer {
        match &me {
            Some(mm) if mm.ev.id == owner_id => Viewer::Owner,
            Some(mm) if mm.cleared() => Viewer::Panel { own_locked: mm.locked() },
            _ if buyer => Viewer::Buyer,
            _ => Viewer::Outsider,
        }
    };
    let sheet = me.as_ref().filter(|mm| mm.cleared()).map(|mm| SheetView {
        evaluator: mm.user.display_name.clone(),
        locked: mm.locked(),
        cells: cells_of(mm.ev.id),
    });
    let colleagues: Vec<SheetView> = s
        .active()
        .filter(|p| me.as_ref().is_none_or(|mm| mm.ev.id != p.ev.id))
        .filter(|p| may_see_sheet(viewer_for(p.ev.id), p.locked(), locked_consensus))
        .map(|p| SheetView { evaluator: p.user.display_name.clone(), locked: p.locked(), cells: cells_of(p.ev.id) })
        .collect();
    // The consensus matrix: for the panel once opened, for the buyer once locked.
    let sees_consensus = (me.as_ref().is_some_and(|mm| mm.cleared()) && s.consensus_opened()) || (buyer && locked_consensus);
    let consensus = if sees_consensus {
        let cons = s.consensus_map();
        let active: Vec<_> = s.active().collect();
        let mut cells = vec![];
        let mut items = vec![];
        for p in &plans_valid {
            for c in &leaves {
                let scores: Vec<(String, u32)> = active
                    .iter()
                    .filter_map(|mm| s.sheet(mm.ev.id).get(&(p.clone(), c.code.clone())).map(|(l, _)| (mm.user.display_name.clone(), *l)))
                    .collect();
                let levels: Vec<u32> = scores.iter().map(|x| x.1).collect();
                let sp = scoring::spread(&c.scale, &levels);
                items.push((plan_label(p), c.code.clone(), levels.clone()));
                let v = cons.get(&(p.clone(), c.code.clone()));
                let just = s
                    .consensus
                    .iter()
                    .find(|x| x.criterion == c.code && s.plan(p).is_some_and(|pl| pl.id == x.plan_id))
                    .and_then(|x| x.justification.clone())
                    .unwrap_or_default();
                cells.push(ConsensusCell {
                    plan: p.clone(),
                    criterion: c.code.clone(),
                    scores: scores.iter().map(|(n, l)| (n.clone(), crate::domain::evaluation::level_text(&c.scale, *l))).collect(),
                    spread: sp.as_ref().map(|x| format!("{} tot {} ({} stap{})", x.min, x.max, x.steps, if x.steps == 1 { "" } else { "pen" })).unwrap_or_default(),
                    flagged: sp.as_ref().is_some_and(|x| x.flagged),
                    level: v.map(|x| x.0),
                    motivation: v.map(|x| x.1.clone()).unwrap_or_default(),
                    justification: just,
                    range: sp.map(|x| (x.min, x.max)),
                });
            }
        }
        let scale_of = |code: &str| leaves.iter().find(|c| c.code == code).map(|c| c.scale.clone());
        let agenda = scoring::agenda(scale_of, &items);
        let offsets = active
            .iter()
            .map(|mm| {
                let pairs: Vec<(u32, u32)> = s
                    .sheet(mm.ev.id)
                    .iter()
                    .filter_map(|(k, (own, _))| cons.get(k).map(|(c, _)| (*own, *c)))
                    .collect();
                let off = scoring::mean_offset(&pairs).map(|x| format!("{}{}", if x > 0.0 { "+" } else { "" }, points(x))).unwrap_or_else(|| "–".into());
                (mm.user.display_name.clone(), off)
            })
            .collect();
        let totals = plans_valid
            .iter()
            .map(|p| {
                let q: f64 = leaves
                    .iter()
                    .filter(|c| c.scale != Scale::PassFail)
                    .filter_map(|c| cons.get(&(p.clone(), c.code.clone())).map(|(l, _)| c.weight * *l as f64 / c.scale.max().max(1) as f64))
                    .sum();
                (plan_label(p), points(q))
            })
            .collect();
        let chair = me.as_ref().is_some_and(|mm| mm.ev.chair && mm.cleared());
        Some(ConsensusView {
            locked: locked_consensus,
            locked_by: s.evaluation.as_ref().and_then(|e| e.locked_by.clone()),
            may_edit: chair && !locked_consensus && scoring_open,
            cells,
            agenda,
            offsets,
            totals,
        })
    } else {
        None
    };
    let consensus_blocker = if s.evaluation.is_some() && !s.consensus_opened() { ev::consensus_blocker(&s) } else { None };
    // The result names the bidders: for the buyer's side only.
    let result = match (buyer, s.result()) {
        (true, Some(r)) => {
            let value = matches!(m.price, PriceMethod::Value { .. });
            let mut rows: Vec<ResultRow> = r
                .outcome
                .ranking
                .iter()
                .filter_map(|x| {
                    let p = r.plan(&x.label)?;
                    Some(ResultRow {
                        rank: Some(x.rank),
                        pseudonym: p.pseudonym.clone(),
                        organisation: p.organisation.clone(),
                        status: "gerangschikt".into(),
                        quality: points(x.quality),
                        price: p.price.map(scoring::show_price),
                        price_points: points(x.price_points),
                        total: if value { scoring::show_price(x.total.round() as i64) } else { points(x.total) },
                        note: x.tie_note.clone(),
                    })
                })
                .collect();
            for p in r.plans.iter().filter(|p| !r.outcome.ranking.iter().any(|x| x.label == p.pseudonym)) {
                rows.push(ResultRow {
                    rank: None,
                    pseudonym: p.pseudonym.clone(),
                    organisation: p.organisation.clone(),
                    status: if p.valid { "uitgesloten (voldoet niet)".into() } else { "ongeldig".into() },
                    quality: "–".into(),
                    price: p.price.map(scoring::show_price),
                    price_points: "–".into(),
                    total: "–".into(),
                    note: p.note.clone(),
                });
            }
            let lot_recorded = s.evaluation.as_ref().and_then(|e| e.lot.clone());
            Some(ResultView {
                rows,
                problem: r.problem(),
                lot_needed: if may_manage && lot_recorded.is_none() { r.outcome.unresolved_tie.clone() } else { None },
                lot: lot_recorded.and_then(|l| serde_json::from_str::<Vec<String>>(&l).ok()).map(|v| v.iter().map(|p| plan_label(p)).collect::<Vec<_>>().join(", ")),
                method: m.price.label().into(),
            })
        }
        _ => None,
    };
    Ok(EvaluationData {
        tender: t.id,
        phase: phase.label().into(),
        may_manage,
        buyer,
        opened: s.evaluation.is_some(),
        commitment: if buyer { s.evaluation.as_ref().map(|e| e.pseudonym_commitment.clone()) } else { None },
        panel,
        bidders,
        candidates,
        me: my_status,
        plans,
        criteria,
        sheet,
        colleagues,
        consensus_blocker,
        consensus,
        result,
    })
}

#[cfg(feature = "ssr")]
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

#[server(endpoint = "evaluation_view")]
pub async fn evaluation_view(id: i32) -> Result<EvaluationData, AppError> {
    use super::guard;
    guard::run(async move {
        let ok = guard::require(id, crate::domain::access::Action::ViewEvaluation).await?;
        let st = guard::state()?;
        build(&st, &ok).await
    })
    .await
}

/// The account to appoint: an existing one, or a new one to create (with a
/// one-time password, shown once) in the same transaction as the appointment.
#[cfg(feature = "ssr")]
enum Account {
    Existing(crate::store::entities::users::Model),
    New { username: String, name: String, hash: String, password: String },
}

#[cfg(feature = "ssr")]
async fn account(st: &crate::state::AppState, username: &str, name: Option<String>) -> Result<Account, AppError> {
    use crate::store::entities::users;
    let username = crate::store::organisations::validate_username(username)?;
    if let Some(u) = users::Entity::find().filter(users::Column::Username.eq(&username)).one(&st.db.conn).await? {
        return Ok(Account::Existing(u));
    }
    let name = name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).ok_or_else(|| {
        AppError::NotFound(format!("Er is geen account '{username}'. Vul ook een naam in om het account aan te maken."))
    })?;
    let name = crate::store::text_up_to(&name, 200, "De naam")?;
    // Hashing takes tens of milliseconds: outside the write lock.
    let password = crate::store::bootstrap::random_password();
    let hash = crate::store::users::hash_password(password.clone()).await;
    Ok(Account::New { username, name, hash, password })
}

#[cfg(feature = "ssr")]
impl Account {
    async fn materialise(self, c: &super::guard::Change<'_>) -> Result<(crate::store::entities::users::Model, Option<String>), AppError> {
        match self {
            Account::Existing(u) => Ok((u, None)),
            Account::New { username, name, hash, password } => {
                if crate::store::entities::users::Entity::find()
                    .filter(crate::store::entities::users::Column::Username.eq(&username))
                    .one(&c.tx.txn)
                    .await?
                    .is_some()
                {
                    return Err(AppError::Conflict(format!("De gebruikersnaam '{username}' is net in gebruik genomen; probeer het opnieuw.")));
                }
                let u = crate::store::users::create(c.tx, c.now, c.actor(), &username, &name, hash, true).await?;
                Ok((u, Some(password)))
            }
        }
    }
}

/// Appoints an evaluator (an existing account, or a new one with a one-time
/// password that is returned once). Returns the one-time password, if any.
#[server(endpoint = "appoint_evaluator")]
pub async fn appoint_evaluator(id: i32, gebruikersnaam: String, naam: Option<String>, voorzitter: Option<String>) -> Result<Option<String>, AppError> {
    use super::guard;
    use crate::domain::access::Action::ManageEvaluation;
    guard::run(async move {
        // Refused before any password is hashed.
        guard::require(id, ManageEvaluation).await?;
        let acc = account(&guard::state()?, &gebruikersnaam, naam).await?;
        guard::change!(id, ManageEvaluation, |c| {
            let (user, password) = acc.materialise(&c).await?;
            crate::store::evaluation::appoint(c.tx, c.now, c.tender, c.actor(), &c.ok.user.display_name, &user, voorzitter.is_some()).await?;
            Ok(password)
        })
        .await
    })
    .await
}

#[server(endpoint = "set_chair")]
pub async fn set_chair(id: i32, beoordelaar: i32) -> Result<(), AppError> {
    use super::guard;
    guard::run(guard::change!(id, crate::domain::access::Action::ManageEvaluation, |c| {
        crate::store::evaluation::set_chair(c.tx, c.now, c.tender, c.actor(), beoordelaar).await
    }))
    .await
}

#[server(endpoint = "replace_evaluator")]
pub async fn replace_evaluator(id: i32, beoordelaar: i32, reden: String, gebruikersnaam: String, naam: Option<String>) -> Result<Option<String>, AppError> {
    use super::guard;
    use crate::domain::access::Action::ManageEvaluation;
    guard::run(async move {
        guard::require(id, ManageEvaluation).await?;
        if reden.trim().is_empty() {
            return Err(AppError::Invalid("Geef de reden van de vervanging.".into()));
        }
        let acc = account(&guard::state()?, &gebruikersnaam, naam).await?;
        guard::change!(id, ManageEvaluation, |c| {
            let (user, password) = acc.materialise(&c).await?;
            crate::store::evaluation::replace(c.tx, c.now, c.tender, c.actor(), &c.ok.user.display_name, beoordelaar, &reden, &user).await?;
            Ok(password)
        })
        .await
    })
    .await
}

#[server(endpoint = "check_declaration")]
pub async fn check_declaration(id: i32, beoordelaar: i32, uitkomst: String, toelichting: Option<String>) -> Result<(), AppError> {
    use super::guard;
    guard::run(guard::change!(id, crate::domain::access::Action::ManageEvaluation, |c| {
        let conflict = match uitkomst.as_str() {
            "geen_conflict" => false,
            "conflict" => true,
            _ => return Err(AppError::Invalid("Kies: geen belangenconflict, of een belangenconflict.".into())),
        };
        let note = toelichting.as_deref().unwrap_or_default();
        crate::store::evaluation::check_declaration(c.tx, c.now, c.tender, c.actor(), &c.ok.user.display_name, beoordelaar, conflict, note).await
    }))
    .await
}

#[server(endpoint = "sign_declaration")]
pub async fn sign_declaration(id: i32, belangen: String, akkoord: Option<String>) -> Result<(), AppError> {
    use super::guard;
    guard::run(guard::change!(id, crate::domain::access::Action::SignDeclaration, |c| {
        if akkoord.is_none() {
            return Err(AppError::Invalid("Bevestig de verklaring (onafhankelijkheid en geheimhouding) door het vakje aan te vinken.".into()));
        }
        crate::store::evaluation::sign_declaration(c.tx, c.now, c.tender, c.actor(), &c.ok.user, &belangen).await
    }))
    .await
}

#[server(endpoint = "flag_plan")]
pub async fn flag_plan(id: i32, plan: String, melding: String) -> Result<(), AppError> {
    use super::guard;
    guard::run(guard::change!(id, crate::domain::access::Action::Evaluate, |c| {
        crate::store::evaluation::raise_flag(c.tx, c.now, c.tender, c.actor(), &c.ok.user, &plan, &melding).await
    }))
    .await
}

#[server(endpoint = "decide_flag")]
pub async fn decide_flag(id: i32, melding: i32, besluit: String, motivering: String) -> Result<(), AppError> {
    use super::guard;
    guard::run(guard::change!(id, crate::domain::access::Action::ManageEvaluation, |c| {
        let invalid = match besluit.as_str() {
            "doorgaan" => false,
            "ongeldig" => true,
            _ => return Err(AppError::Invalid("Kies: de beoordeling gaat door, of het plan is ongeldig.".into())),
        };
        crate::store::evaluation::decide_flag(c.tx, c.now, c.tender, c.actor(), &c.ok.user.display_name, melding, invalid, &motivering).await
    }))
    .await
}

#[cfg(feature = "ssr")]
fn level(s: &str) -> Result<u32, AppError> {
    s.trim().parse::<u32>().map_err(|_| AppError::Invalid("Kies een niveau van de schaal.".into()))
}

/// Saves one score on the caller's own sheet; returns the level saved.
#[server(endpoint = "save_score")]
pub async fn save_score(id: i32, plan: String, criterium: String, niveau: String, motivering: String) -> Result<u32, AppError> {
    use super::guard;
    guard::run(guard::change!(id, crate::domain::access::Action::Evaluate, |c| {
        let l = level(&niveau)?;
        crate::store::evaluation::save_score(c.tx, c.now, c.tender, c.actor(), &c.ok.user, &plan, &criterium, l, &motivering).await?;
        Ok(l)
    }))
    .await
}

#[server(endpoint = "lock_sheet")]
pub async fn lock_sheet(id: i32) -> Result<(), AppError> {
    use super::guard;
    guard::run(guard::change!(id, crate::domain::access::Action::Evaluate, |c| {
        crate::store::evaluation::lock_sheet(c.tx, c.now, c.tender, c.actor(), &c.ok.user).await
    }))
    .await
}

#[server(endpoint = "open_consensus")]
pub async fn open_consensus(id: i32) -> Result<(), AppError> {
    use super::guard;
    guard::run(guard::change!(id, crate::domain::access::Action::Evaluate, |c| {
        crate::store::evaluation::open_consensus(c.tx, c.now, c.tender, c.actor(), &c.ok.user).await
    }))
    .await
}

/// Records the consensus on one cell; returns the level saved.
#[server(endpoint = "save_consensus")]
pub async fn save_consensus(id: i32, plan: String, criterium: String, niveau: String, motivering: String, toelichting: Option<String>) -> Result<u32, AppError> {
    use super::guard;
    guard::run(guard::change!(id, crate::domain::access::Action::Evaluate, |c| {
        let l = level(&niveau)?;
        let just = toelichting.as_deref().unwrap_or_default();
        crate::store::evaluation::save_consensus(c.tx, c.now, c.tender, c.actor(), &c.ok.user, &plan, &criterium, l, &motivering, just).await?;
        Ok(l)
    }))
    .await
}

#[server(endpoint = "lock_consensus")]
pub async fn lock_consensus(id: i32) -> Result<(), AppError> {
    use super::guard;
    guard::run(guard::change!(id, crate::domain::access::Action::Evaluate, |c| {
        crate::store::evaluation::lock_consensus(c.tx, c.now, c.tender, c.actor(), &c.ok.user).await.map(|_| ())
    }))
    .await
}

/// Records the order a lot gave: pseudonyms, winner first, separated by commas or spaces.
#[server(endpoint = "record_lot")]
pub async fn record_lot(id: i32, volgorde: String) -> Result<(), AppError> {
    use super::guard;
    guard::run(guard::change!(id, crate::domain::access::Action::ManageEvaluation, |c| {
        let order: Vec<String> = volgorde
            .split(|ch: char| ch == ',' || ch.is_whitespace())
            .map(|s| s.trim().to_uppercase())
            .filter(|s| !s.is_empty() && s != "INSCHRIJVING")
            .take(100)
            .collect();
        crate::store::evaluation::record_lot(c.tx, c.now, c.tender, c.actor(), &order).await.map(|_| ())
    }))
    .await
}

/// The evaluation as the caller sees it, as CSV (semicolons and a byte-order
/// mark, as Dutch spreadsheet programs expect): sheets, consensus, result.
#[cfg(feature = "ssr")]
pub fn csv_of(d: &EvaluationData) -> Result<String, AppError> {
    let mut w = csv::WriterBuilder::new().delimiter(b';').flexible(true).from_writer(vec![]);
    let crit = |code: &str| d.criteria.iter().find(|c| c.code == code);
    let desc = |code: &str, level: Option<u32>| -> String {
        match (crit(code), level) {
            (Some(c), Some(l)) => c.levels.iter().find(|x| x.0 == l).map(|x| x.1.clone()).unwrap_or_default(),
            _ => String::new(),
        }
    };
    let err = |_| AppError::Internal;
    w.write_record(["soort", "beoordelaar", "plan", "criterium", "gewicht", "niveau", "omschrijving", "motivering", "toelichting"]).map_err(err)?;
    // One row per score: individual ones with their evaluator, consensus ones
    // with the chair's justification.
    let mut score = |kind: &str, evaluator: &str, plan: &str, criterion: &str, level: Option<u32>, motivation: &str, justification: &str| {
        w.write_record([
            kind,
            evaluator,
            &crate::domain::evaluation::plan_label(plan),
            criterion,
            &crit(criterion).map(|x| x.weight.clone()).unwrap_or_default(),
            &level.map(|l| l.to_string()).unwrap_or_default(),
            &desc(criterion, level),
            motivation,
            justification,
        ])
        .map_err(err)
    };
    for sh in d.sheet.iter().chain(d.colleagues.iter()) {
        for c in &sh.cells {
            score("individueel", &sh.evaluator, &c.plan, &c.criterion, c.level, &c.motivation, "")?;
        }
    }
    if let Some(cv) = &d.consensus {
        for c in &cv.cells {
            score("consensus", "", &c.plan, &c.criterion, c.level, &c.motivation, &c.justification)?;
        }
    }
    if let Some(r) = &d.result {
        w.write_record(["uitslag", "plaats", "plan", "inschrijver", "status", "kwaliteit", "prijs", "prijspunten", "totaal"]).map_err(err)?;
        for row in &r.rows {
            w.write_record([
                "uitslag".to_string(),
                row.rank.map(|x| x.to_string()).unwrap_or_default(),
                crate::domain::evaluation::plan_label(&row.pseudonym),
                row.organisation.clone(),
                row.status.clone(),
                row.quality.clone(),
                row.price.clone().unwrap_or_default(),
                row.price_points.clone(),
                row.total.clone(),
            ])
            .map_err(err)?;
        }
    }
    let bytes = w.into_inner().map_err(|_| AppError::Internal)?;
    Ok(format!("\u{feff}{}", String::from_utf8(bytes).map_err(|_| AppError::Internal)?))
}
