//! Setting tenders up: "Nieuwe aanbesteding" (new, or a copy of an existing
//! tender as a template) for accounts with that right, and the set-up page of
//! one tender, editable by its inkopers before publication.

use crate::error::AppError;
use crate::ids::TenderId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the page "Nieuwe aanbesteding" offers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewTenderData {
    /// (code, label) of each kind of procedure.
    pub kinds: Vec<(String, String)>,
    /// The tenders the caller may copy: (id, reference, title, training).
    pub templates: Vec<(TenderId, String, String, bool)>,
    pub threshold: String,
}

#[server(endpoint = "new_tender_view")]
pub async fn new_tender_view() -> Result<NewTenderData, AppError> {
    use super::guard;
    use crate::domain::access::{self, Action, GlobalAction};
    use crate::domain::setup::ProcedureKind;
    guard::run(async move {
        let user = guard::require_right(GlobalAction::CreateTender).await?;
        let st = guard::state()?;
        let mut templates = vec![];
        for t in crate::store::tenders::all(&st.db.conn).await? {
            let roles = crate::store::tenders::roles_of(&st.db.conn, t.id, user.id).await?;
            if access::any_allowed(&roles, *t.phase, Action::CopyTender) {
                templates.push((t.id, t.reference.clone(), t.title.clone(), t.training));
            }
        }
        Ok(NewTenderData {
            kinds: ProcedureKind::ALL.iter().map(|k| (k.code().to_string(), k.label().to_string())).collect(),
            templates,
            threshold: crate::domain::money::show_price(st.settings.light_regime_threshold.cents()),
        })
    })
    .await
}

/// Creates a tender; the caller becomes its first inkoper. Returns its id.
#[server(endpoint = "create_tender")]
pub async fn create_tender(
    kenmerk: String,
    titel: String,
    omschrijving: String,
    procedure: String,
    cpv: String,
    waarde: String,
    publicatie: String,
) -> Result<TenderId, AppError> {
    use super::guard;
    use crate::domain::access::GlobalAction::CreateTender;
    use crate::domain::values::TenderReference;
    use crate::store::setup::{self, Details};
    guard::run(async move {
        guard::require_right(CreateTender).await?;
        let reference = TenderReference::parse(&kenmerk)?;
        let details = Details::parse(&titel, &omschrijving, &procedure, &cpv, &waarde)?;
        let publication = crate::domain::procedure::parse_local(&publicatie)?;
        let (mut op, me) = guard::global_op(CreateTender).await?;
        let t = setup::create(&mut op, &me, reference, details, publication).await?;
        op.commit().await?;
        leptos_axum::redirect(&format!("/aanbesteding/{}/opzet", t.id));
        Ok(t.id)
    })
    .await
}

/// Creates a tender as a copy of `bron`: its configuration, documents as
/// drafts and calendar moved to the new publication date; nothing of its
/// bids, questions, scores or audit history. A copy can be a training tender.
#[server(endpoint = "copy_tender")]
pub async fn copy_tender(bron: TenderId, kenmerk: String, titel: String, publicatie: String, oefenen: Option<String>) -> Result<TenderId, AppError> {
    use super::guard;
    use crate::domain::access::{Action::CopyTender, GlobalAction::CreateTender};
    use crate::domain::values::TenderReference;
    guard::run(async move {
        guard::require_right(CreateTender).await?;
        guard::require(bron, CopyTender).await?;
        let reference = TenderReference::parse(&kenmerk)?;
        let title = crate::domain::refusal::required_text(&titel, 200, "De titel")?;
        let publication = crate::domain::procedure::parse_local(&publicatie)?;
        let (mut op, me) = guard::global_op(CreateTender).await?;
        let source = crate::store::tenders::by_id(op.txn(), bron).await?;
        // The role in the source, read again inside the lock.
        crate::store::op::allowed_role(op.txn(), source.as_ref(), me.id, &[CopyTender]).await?;
        let source = source.ok_or(AppError::Internal)?;
        let copy = crate::store::setup::Copy { reference, title, publication, training: oefenen.is_some() };
        let t = crate::store::setup::copy(&mut op, &me, &source, copy).await?;
        op.commit().await?;
        leptos_axum::redirect(&format!("/aanbesteding/{}/opzet", t.id));
        Ok(t.id)
    })
    .await
}

/// One school of the scope as the set-up page lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SchoolRow {
    pub id: i32,
    pub name: String,
    pub brin: String,
    pub school_type: String,
    pub gemeente: String,
    pub pilot: bool,
    pub count: i32,
}

/// The set-up of one tender.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetupData {
    pub tender: TenderId,
    pub reference: String,
    pub phase: String,
    pub training: bool,
    /// The caller may change the set-up now (an inkoper, before publication).
    pub editable: bool,
    pub title: String,
    pub description: String,
    pub kind: String,
    pub kinds: Vec<(String, String)>,
    pub cpv: String,
    pub estimated: String,
    pub threshold_notice: String,
    /// (slug, name)
    pub buyers: Vec<(String, String)>,
    pub partners: String,
    pub schools: Vec<SchoolRow>,
    pub profiles: String,
    pub formation: String,
    pub term_start: String,
    pub term_end: String,
    pub term_options: String,
    pub term_notice: u32,
    pub term_summary: String,
    pub parts: String,
    /// What publication still waits for, in Dutch.
    pub before_publication: Vec<String>,
    pub inkopers: u64,
}

#[server(endpoint = "setup_view")]
pub async fn setup_view(id: TenderId) -> Result<SetupData, AppError> {
    use super::guard;
    use crate::domain::access::{Action, Phase};
    use crate::domain::calendar::show_date;
    use crate::domain::money::{show_amount, Money};
    use crate::domain::setup::{ProcedureKind, Threshold};
    use crate::domain::status::PartKind;
    use crate::store::{bids, procedure, tenders};
    guard::run(async move {
        let ok = guard::require(id, Action::ViewTender).await?;
        if ok.bidder_only() {
            return Err(AppError::forbidden());
        }
        let st = guard::state()?;
        let t = &ok.tender;
        let rel = tenders::related(&st.db.conn, t.id).await?;
        let formation = crate::store::setup::formation(&st.db.conn, t.id).await?;
        let term = tenders::contract_term(t);
        let estimated = t.estimated_value_cents.and_then(|c| Money::from_cents(c).ok());
        let threshold = st.settings.light_regime_threshold;
        let parts = bids::part_defs(&st.db.conn, t.id).await?;
        let inkopers = crate::store::team::inkopers(&st.db.conn, t.id).await?;
        let before_publication = if *t.phase == Phase::Concept {
            let facts = procedure::facts(&st.db.conn, t, procedure::tender_now(t, st.clock.now())).await?;
            crate::domain::procedure::publication_waits_for(&facts)
        } else {
            vec![]
        };
        Ok(SetupData {
            tender: t.id,
            reference: t.reference.clone(),
            phase: t.phase.label().to_string(),
            training: t.training,
            editable: ok.may(Action::SetUpTender),
            title: t.title.clone(),
            description: t.description.clone(),
            kind: t.procedure_kind.code().to_string(),
            kinds: ProcedureKind::ALL.iter().map(|k| (k.code().to_string(), k.label().to_string())).collect(),
            cpv: t.cpv_code.clone().unwrap_or_default(),
            estimated: estimated.map(|m| show_amount(m.cents())).unwrap_or_default(),
            threshold_notice: Threshold::of(estimated, threshold).notice(threshold),
            buyers: rel.buyers.iter().map(|b| (b.slug.clone(), b.name.clone())).collect(),
            partners: rel.partners.iter().map(|p| p.name.clone()).collect::<Vec<_>>().join("\n"),
            schools: rel
                .schools
                .iter()
                .map(|s| SchoolRow {
                    id: s.id,
                    name: s.name.clone().unwrap_or_default(),
                    brin: s.brin.clone().unwrap_or_default(),
                    school_type: s.school_type.clone(),
                    gemeente: s
                        .gemeente
                        .as_ref()
                        .and_then(|g| rel.buyers.iter().find(|b| &b.slug == g))
                        .map(|b| b.name.clone())
                        .or_else(|| s.place.clone())
                        .unwrap_or_default(),
                    pilot: s.pilot,
                    count: s.count,
                })
                .collect(),
            profiles: rel
                .profiles
                .iter()
                .map(|p| if p.note.is_empty() { p.name.clone() } else { format!("{} | {}", p.name, p.note) })
                .collect::<Vec<_>>()
                .join("\n"),
            formation: formation
                .iter()
                .map(|f| format!("{} | {} | {} | {}", f.profile, f.region, f.current, f.extension))
                .collect::<Vec<_>>()
                .join("\n"),
            term_start: term.start.to_string(),
            term_end: term.initial_end.to_string(),
            term_options: term.option_years.iter().map(|y| y.to_string()).collect::<Vec<_>>().join(","),
            term_notice: term.notice_months,
            term_summary: format!(
                "Van {} tot en met {}{}; uiterlijk tot en met {}.",
                show_date(term.start),
                show_date(term.initial_end),
                match term.option_years.len() {
                    0 => " zonder opties tot verlenging".to_string(),
                    n => format!(", met {n} {} tot verlenging", if n == 1 { "optie" } else { "opties" }),
                },
                show_date(term.max_end())
            ),
            parts: parts
                .iter()
                .filter(|p| *p.kind != PartKind::Prijs)
                .map(|p| {
                    format!(
                        "{} | {} | {} | {} | {} | {}",
                        p.envelope,
                        p.name,
                        if *p.kind == PartKind::Formulier { "formulier" } else { "bestand" },
                        if p.required { "verplicht" } else { "optioneel" },
                        (p.max_bytes / 1_000_000).max(1),
                        p.description
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"),
            before_publication,
            inkopers,
        })
    })
    .await
}

#[server(endpoint = "save_tender_details")]
pub async fn save_tender_details(id: TenderId, titel: String, omschrijving: String, procedure: String, cpv: String, waarde: String) -> Result<(), AppError> {
    use super::guard;
    guard::run(async move {
        guard::require(id, crate::domain::access::Action::SetUpTender).await?;
        let details = crate::store::setup::Details::parse(&titel, &omschrijving, &procedure, &cpv, &waarde)?;
        let threshold = guard::state()?.settings.light_regime_threshold;
        let mut op = guard::op(id, crate::domain::access::Action::SetUpTender).await?;
        crate::store::setup::save_details(&mut op, details, threshold).await?;
        op.commit().await
    })
    .await
}

#[server(endpoint = "add_buyer")]
pub async fn add_buyer(id: TenderId, naam: String) -> Result<(), AppError> {
    use super::guard;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::SetUpTender).await?;
        crate::store::setup::add_buyer(&mut op, &naam).await?;
        op.commit().await
    })
    .await
}

#[server(endpoint = "remove_buyer")]
pub async fn remove_buyer(id: TenderId, gemeente: String) -> Result<(), AppError> {
    use super::guard;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::SetUpTender).await?;
        crate::store::setup::remove_buyer(&mut op, &gemeente).await?;
        op.commit().await
    })
    .await
}

/// Adds one school to the scope.
#[server(endpoint = "add_school")]
pub async fn add_school(id: TenderId, naam: String, brin: String, soort: String, gemeente: String, pilot: Option<String>) -> Result<(), AppError> {
    use super::guard;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::SetUpTender).await?;
        let pilot = if pilot.is_some() { "ja" } else { "nee" };
        crate::store::setup::add_school(&mut op, &[&naam, &brin, &soort, &gemeente, pilot]).await?;
        op.commit().await
    })
    .await
}

/// Takes one school (or a line of counted schools) out of the scope.
#[server(endpoint = "remove_school")]
pub async fn remove_school(id: TenderId, school: i32) -> Result<(), AppError> {
    use super::guard;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::SetUpTender).await?;
        crate::store::setup::remove_school(&mut op, school).await?;
        op.commit().await
    })
    .await
}

#[server(endpoint = "save_partners")]
pub async fn save_partners(id: TenderId, partners: String) -> Result<(), AppError> {
    use super::guard;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::SetUpTender).await?;
        crate::store::setup::set_partners(&mut op, &partners).await?;
        op.commit().await
    })
    .await
}

#[server(endpoint = "save_profiles")]
pub async fn save_profiles(id: TenderId, profielen: String, formatie: String) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::setup::{parse_formation, parse_profiles};
    guard::run(async move {
        guard::require(id, crate::domain::access::Action::SetUpTender).await?;
        let profiles = parse_profiles(&profielen)?;
        let formation = parse_formation(&formatie)?;
        let mut op = guard::op(id, crate::domain::access::Action::SetUpTender).await?;
        crate::store::setup::set_profiles(&mut op, &profiles, &formation).await?;
        op.commit().await
    })
    .await
}

#[server(endpoint = "save_term")]
pub async fn save_term(id: TenderId, ingang: String, einde: String, opties: String, beslistermijn: String) -> Result<(), AppError> {
    use super::guard;
    guard::run(async move {
        guard::require(id, crate::domain::access::Action::SetUpTender).await?;
        let date = |s: &str, what: &str| {
            chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                .map_err(|_| AppError::Invalid(format!("{what}: vul een datum in (jjjj-mm-dd).")))
        };
        let start = date(&ingang, "De ingangsdatum")?;
        let end = date(&einde, "Het einde van de initiële looptijd")?;
        let years: Vec<u32> = opties
            .split([',', ' '])
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim().parse::<u32>().map_err(|_| AppError::Invalid(format!("'{s}' is geen aantal jaren; schrijf de opties als 1,1,1."))))
            .collect::<Result<_, _>>()?;
        let notice: u32 = beslistermijn
            .trim()
            .parse()
            .map_err(|_| AppError::Invalid("De beslistermijn is een aantal maanden.".into()))?;
        let term = crate::domain::setup::contract_term(start, end, &years, notice)?;
        let mut op = guard::op(id, crate::domain::access::Action::SetUpTender).await?;
        crate::store::setup::set_term(&mut op, term).await?;
        op.commit().await
    })
    .await
}

#[server(endpoint = "save_parts")]
pub async fn save_parts(id: TenderId, onderdelen: String) -> Result<(), AppError> {
    use super::guard;
    guard::run(async move {
        guard::require(id, crate::domain::access::Action::SetUpTender).await?;
        let parts = crate::domain::setup::parse_parts(&onderdelen)?;
        let mut op = guard::op(id, crate::domain::access::Action::SetUpTender).await?;
        crate::store::setup::set_parts(&mut op, &parts).await?;
        op.commit().await
    })
    .await
}
