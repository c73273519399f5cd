//! The dashboard and the tender overview.

use crate::domain::status::Participation;
use crate::error::AppError;
use crate::ids::TenderId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TenderCard {
    pub id: TenderId,
    pub title: String,
    pub reference: String,
    pub phase: String,
    pub training: bool,
    pub roles: Vec<(String, String, Option<String>)>,
    pub may_view_audit: bool,
    /// Participation per gemeente the user represents: (name, status).
    pub gemeenten: Vec<(String, Participation)>,
    /// The next moment in its calendar: (what, when).
    pub next: Option<(String, String)>,
    /// The caller may set it up (an inkoper, before publication).
    pub may_set_up: bool,
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
        // The caller's roles, read once; then only the tenders they hold one in.
        let all_roles = crate::store::users::roles(&st.db.conn, user.id).await?;
        let mut ids: Vec<TenderId> = all_roles.iter().map(|r| r.tender_id).collect();
        ids.sort();
        ids.dedup();
        for t in tenders::by_ids(&st.db.conn, &ids).await? {
            let phase = *t.phase;
            let mine: Vec<(Role, Option<String>)> =
                all_roles.iter().filter(|r| r.tender_id == t.id).map(|r| (*r.role, r.organisation.clone())).collect();
            let roles: Vec<Role> = mine.iter().map(|(r, _)| *r).collect();
            // The buyers' participation, only for whoever represents a gemeente.
            let gemeenten = if roles.contains(&Role::Gemeente) {
                let rel = tenders::related(&st.db.conn, t.id).await?;
                mine.iter()
                    .filter(|(role, _)| *role == Role::Gemeente)
                    .filter_map(|(_, slug)| rel.buyers.iter().find(|b| Some(&b.slug) == slug.as_ref()))
                    .map(|b| (b.name.clone(), *b.status))
                    .collect()
            } else {
                vec![]
            };
            let orgs = mine.into_iter().map(|(role, org)| (role.code().to_string(), role.label().to_string(), org)).collect();
            out.push(TenderCard {
                id: t.id,
                title: t.title.clone(),
                reference: t.reference.clone(),
                phase: phase.label().to_string(),
                training: t.training,
                may_view_audit: access::any_allowed(&roles, phase, Action::ViewAuditTrail),
                roles: orgs,
                gemeenten,
                next: crate::store::agenda::next_deadline(&st.db.conn, &t, crate::store::procedure::tender_now(&t, st.clock.now()))
                    .await?
                    .map(|(what, at)| (what, crate::domain::calendar::show_instant(at))),
                may_set_up: access::any_allowed(&roles, phase, Action::SetUpTender),
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

/// The contract term as shown: its dates as numbers and on a timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TermView {
    pub contract_start: String,
    pub initial_end: String,
    pub current_end: String,
    pub max_end: String,
    pub next_deadline: Option<String>,
    pub notice_months: u32,
    /// (number, from, to, decision deadline, status)
    pub options: Vec<(usize, String, String, String, String)>,
    pub timeline: Vec<TimelineBar>,
    /// Lines across the timeline: (offset in percent, kind, label) for the
    /// current end, the next decision deadline and today.
    pub markers: Vec<(f64, String, String)>,
    /// The calendar years the timeline spans, for its axis.
    pub timeline_years: Vec<i32>,
}

/// The term on `today`, for the overview and the contract page.
pub fn term_view(term: &crate::domain::calendar::ContractTerm, today: chrono::NaiveDate) -> TermView {
    use crate::domain::calendar::show_date;
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
    let in_range = |d: chrono::NaiveDate| d >= term.start && d <= term.max_end();
    let mut markers = vec![(pct(term.current_end()) + 100.0 / span, "einde".to_string(), format!("Huidige einddatum: {}", show_date(term.current_end())))];
    if let Some(d) = term.next_deadline(today) {
        markers.push((pct(d) + 100.0 / span, "beslisdatum".into(), format!("Volgende beslisdatum: {}", show_date(d))));
    }
    if in_range(today) {
        markers.push((pct(today), "vandaag".into(), format!("Vandaag: {}", show_date(today))));
    }
    TermView {
        contract_start: show_date(term.start),
        initial_end: show_date(term.initial_end),
        current_end: show_date(term.current_end()),
        max_end: show_date(term.max_end()),
        next_deadline: term.next_deadline(today).map(show_date),
        notice_months: term.notice_months,
        options: options
            .iter()
            .map(|o| (o.number, show_date(o.extends_from), show_date(o.extends_to), show_date(o.decision_deadline), o.status.label().to_string()))
            .collect(),
        timeline,
        markers,
        timeline_years: (chrono::Datelike::year(&term.start)..=chrono::Datelike::year(&term.max_end())).collect(),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TenderView {
    pub id: TenderId,
    pub title: String,
    pub reference: String,
    pub phase: String,
    pub training: bool,
    pub simulated_now: Option<String>,
    pub publication_planned: String,
    pub term: TermView,
    pub partners: Vec<String>,
    pub school_counts: Vec<(String, i32)>,
    pub total_schools: i32,
    pub pilot_schools: Vec<(String, String)>,
    pub profiles: Vec<(String, String)>,
    pub formation: Vec<(String, String, String, String)>,
    pub may_view_audit: bool,
    pub my_roles: Vec<String>,
    /// The open data (OCDS) exist: the tender was published on its own clock.
    pub open_data: bool,
}

/// Schools in scope per type, in the order the types first appear. The
/// seeded tender counts its regular schools per type and lists its pilot
/// schools apart; an imported scope lists every school, pilots included.
#[cfg(feature = "ssr")]
fn school_counts(schools: &[crate::store::entities::tender_schools::Model]) -> Vec<(String, i32)> {
    let mut out: Vec<(String, i32)> = vec![];
    for s in schools.iter().filter(|s| !s.pilot || s.gemeente.is_some()) {
        match out.iter_mut().find(|(t, _)| *t == s.school_type) {
            Some((_, n)) => *n += s.count,
            None => out.push((s.school_type.clone(), s.count)),
        }
    }
    out
}

#[server(endpoint = "tender_overview")]
pub async fn tender_overview(id: TenderId) -> Result<TenderView, AppError> {
    use super::guard;
    use crate::domain::access::{self, Action};
    use crate::domain::calendar::show_instant;
    use crate::store::tenders;
    guard::run(async move {
        let ok = guard::require(id, Action::ViewTender).await?;
        let st = guard::state()?;
        let t = &ok.tender;
        let rel = tenders::related(&st.db.conn, t.id).await?;
        let term = crate::store::contract::term(&st.db.conn, t).await?;
        let today = crate::store::contract::today(crate::store::procedure::tender_now(t, st.clock.now()));
        let phase = *t.phase;
        Ok(TenderView {
            id: t.id,
            title: t.title.clone(),
            reference: t.reference.clone(),
            phase: phase.label().into(),
            training: t.training,
            simulated_now: t.simulated_now.map(show_instant),
            publication_planned: show_instant(t.publication_planned),
            term: term_view(&term, today),
            partners: rel.partners.iter().map(|p| p.name.clone()).collect(),
            school_counts: school_counts(&rel.schools),
            total_schools: rel.schools.iter().filter(|s| !s.pilot || s.gemeente.is_some()).map(|s| s.count).sum(),
            pilot_schools: rel
                .schools
                .iter()
                .filter(|s| s.pilot)
                .map(|s| {
                    let place = s.place.clone().or_else(|| {
                        s.gemeente.as_ref().and_then(|g| rel.buyers.iter().find(|b| &b.slug == g)).map(|b| b.name.clone())
                    });
                    (s.name.clone().unwrap_or_default(), place.unwrap_or_default())
                })
                .collect(),
            profiles: rel.profiles.iter().map(|p| (p.name.clone(), p.note.clone())).collect(),
            formation: crate::store::setup::formation(&st.db.conn, t.id)
                .await?
                .into_iter()
                .map(|f| (f.profile, f.region, f.current.to_string(), f.extension.to_string()))
                .collect(),
            may_view_audit: access::any_allowed(&ok.roles, phase, Action::ViewAuditTrail),
            my_roles: ok.roles.iter().map(|r| r.label().to_string()).collect(),
            open_data: t.published_at.is_some_and(|p| p <= crate::store::procedure::tender_now(t, st.clock.now())),
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::{ContractTerm, OptionStatus};
    use chrono::NaiveDate;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_timeline_marks_the_current_end_the_next_deadline_and_today() {
        let mut term = ContractTerm::jeugd_en_schoolteam();
        term.decisions.push(OptionStatus::Uitgeoefend);
        let v = term_view(&term, d(2025, 6, 1));
        assert_eq!(v.current_end, "31 december 2031");
        assert_eq!(v.next_deadline.as_deref(), Some("30 juni 2031"));
        let label = |kind: &str| v.markers.iter().find(|m| m.1 == kind).map(|m| (m.0, m.2.clone())).unwrap();
        assert_eq!(label("einde").1, "Huidige einddatum: 31 december 2031");
        assert_eq!(label("beslisdatum").1, "Volgende beslisdatum: 30 juni 2031");
        // 2024-01-01 to 2033-12-31 is ten years: the end of 2031 lies at 80 %.
        assert!((label("einde").0 - 80.0).abs() < 0.1, "{}", label("einde").0);
        assert!(label("vandaag").0 > 10.0 && label("vandaag").0 < 20.0);
        // Before the contract starts, there is no "today" on it.
        assert!(term_view(&term, d(2023, 10, 1)).markers.iter().all(|m| m.1 != "vandaag"));
        assert_eq!(v.timeline.len(), 4);
        assert_eq!(v.timeline[1].status, "uitgeoefend");
    }
}
