//! The dashboard and the tender overview.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TenderCard {
    pub id: i32,
    pub title: String,
    pub reference: String,
    pub phase: String,
    pub training: bool,
    pub roles: Vec<(String, String, Option<String>)>,
    pub may_view_audit: bool,
    /// Participation per gemeente the user represents: (name, status).
    pub gemeenten: Vec<(String, String)>,
}

#[server(endpoint = "dashboard")]
pub async fn dashboard() -> Result<Vec<TenderCard>, AppError> {
    use super::guard;
    use crate::domain::access::{self, Action, Role};
    use crate::store::tenders;
    guard::run(async {
        let user = guard::require_user().await?;
        let st = guard::state()?;
        let mut out = Vec::new();
        for t in tenders::all(&st.db.conn).await? {
            let roles = tenders::roles_of(&st.db.conn, t.id, user.id).await?;
            if roles.is_empty() {
                continue;
            }
            let phase = tenders::phase(&t);
            let all_roles = crate::store::users::roles(&st.db.conn, user.id).await?;
            let orgs: Vec<(String, String, Option<String>)> = all_roles
                .into_iter()
                .filter(|r| r.tender_id == t.id)
                .filter_map(|r| Role::parse(&r.role).map(|role| (role.code().to_string(), role.label().to_string(), r.organisation)))
                .collect();
            let rel = tenders::related(&st.db.conn, t.id).await?;
            let gemeenten = orgs
                .iter()
                .filter(|(code, _, _)| code == "gemeente")
                .filter_map(|(_, _, slug)| rel.buyers.iter().find(|b| Some(&b.slug) == slug.as_ref()))
                .map(|b| (b.name.clone(), b.status.clone()))
                .collect();
            out.push(TenderCard {
                id: t.id,
                title: t.title.clone(),
                reference: t.reference.clone(),
                phase: phase.label().to_string(),
                training: t.training,
                may_view_audit: access::any_allowed(&roles, phase, Action::ViewAuditTrail),
                roles: orgs,
                gemeenten,
            });
        }
        Ok(out)
    })
    .await
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineBar {
    pub label: String,
    pub from: String,
    pub to: String,
    /// Offset and width in percent of the whole (maximum) term.
    pub left: f64,
    pub width: f64,
    pub status: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TenderView {
    pub id: i32,
    pub title: String,
    pub reference: String,
    pub phase: String,
    pub training: bool,
    pub simulated_now: Option<String>,
    pub publication_planned: String,
    pub contract_start: String,
    pub initial_end: String,
    pub current_end: String,
    pub max_end: String,
    pub next_deadline: Option<String>,
    pub notice_months: i32,
    pub options: Vec<(usize, String, String, String, String)>,
    pub timeline: Vec<TimelineBar>,
    /// The calendar years the timeline spans, for its axis.
    pub timeline_years: Vec<i32>,
    pub buyers: Vec<(String, String)>,
    pub partners: Vec<String>,
    pub school_counts: Vec<(String, i32)>,
    pub total_schools: i32,
    pub pilot_schools: Vec<(String, String)>,
    pub profiles: Vec<(String, String)>,
    pub formation: Vec<(String, String, String, String)>,
    pub may_view_audit: bool,
    pub my_roles: Vec<String>,
}

#[server(endpoint = "tender_overview")]
pub async fn tender_overview(id: i32) -> Result<TenderView, AppError> {
    use super::guard;
    use crate::domain::access::{self, Action};
    use crate::domain::calendar::{show_date, show_instant};
    use crate::store::tenders;
    guard::run(async move {
        let ok = guard::require(id, Action::ViewTender).await?;
        let st = guard::state()?;
        let t = &ok.tender;
        let rel = tenders::related(&st.db.conn, t.id).await?;
        let term = tenders::contract_term(t);
        let today = t.simulated_now.unwrap_or_else(|| st.clock.now()).with_timezone(&chrono_tz::Europe::Amsterdam).date_naive();
        let options = term.options(today);
        let span = (term.max_end() - term.start).num_days().max(1) as f64 + 1.0;
        let pct = |d: chrono::NaiveDate| ((d - term.start).num_days() as f64) / span * 100.0;
        let mut timeline = vec![TimelineBar {
            label: "Initiële looptijd".into(),
            from: show_date(term.start),
            to: show_date(term.initial_end),
            left: 0.0,
            width: pct(term.initial_end) + 100.0 / span,
            status: "vast".into(),
        }];
        for o in &options {
            timeline.push(TimelineBar {
                label: format!("Optie {}", o.number),
                from: show_date(o.extends_from),
                to: show_date(o.extends_to),
                left: pct(o.extends_from),
                width: pct(o.extends_to) - pct(o.extends_from) + 100.0 / span,
                status: o.status.label().to_string(),
            });
        }
        let phase = tenders::phase(t);
        Ok(TenderView {
            id: t.id,
            title: t.title.clone(),
            reference: t.reference.clone(),
            phase: phase.label().into(),
            training: t.training,
            simulated_now: t.simulated_now.map(show_instant),
            publication_planned: show_instant(t.publication_planned),
            contract_start: show_date(term.start),
            initial_end: show_date(term.initial_end),
            current_end: show_date(term.current_end()),
            max_end: show_date(term.max_end()),
            next_deadline: term.next_deadline(today).map(show_date),
            notice_months: t.notice_months,
            options: options
                .iter()
                .map(|o| (o.number, show_date(o.extends_from), show_date(o.extends_to), show_date(o.decision_deadline), o.status.label().to_string()))
                .collect(),
            timeline,
            timeline_years: (chrono::Datelike::year(&term.start)..=chrono::Datelike::year(&term.max_end())).collect(),
            buyers: rel.buyers.iter().map(|b| (b.name.clone(), b.status.clone())).collect(),
            partners: rel.partners.iter().map(|p| p.name.clone()).collect(),
            school_counts: rel.schools.iter().filter(|s| !s.pilot).map(|s| (s.school_type.clone(), s.count)).collect(),
            total_schools: rel.schools.iter().filter(|s| !s.pilot).map(|s| s.count).sum(),
            pilot_schools: rel
                .schools
                .iter()
                .filter(|s| s.pilot)
                .map(|s| (s.name.clone().unwrap_or_default(), s.place.clone().unwrap_or_default()))
                .collect(),
            profiles: rel.profiles.iter().map(|p| (p.name.clone(), p.note.clone())).collect(),
            formation: crate::domain::tender::FORMATION
                .iter()
                .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
                .collect(),
            may_view_audit: access::any_allowed(&ok.roles, phase, Action::ViewAuditTrail),
            my_roles: ok.roles.iter().map(|r| r.label().to_string()).collect(),
        })
    })
    .await
}
