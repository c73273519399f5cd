//! The procedure panel: phase and its possible transitions (with the guard's
//! reason when refused), the calendar, and the training clock.

use crate::error::AppError;
use crate::ids::TenderId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Transition {
    pub to: String,
    pub label: String,
    /// None when allowed now; otherwise why not.
    pub refused: Option<String>,
    pub needs_reason: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProcedureData {
    pub id: TenderId,
    pub phase: String,
    pub phase_label: String,
    pub phase_note: Option<String>,
    pub training: bool,
    pub now: String,
    pub now_input: String,
    pub publication: String,
    pub publication_input: String,
    pub deadline: Option<String>,
    pub deadline_input: String,
    pub award: Option<String>,
    pub award_input: String,
    pub signing: Option<String>,
    pub signing_input: String,
    pub submission_closed: bool,
    /// (title, deadline, closed, published NvI number)
    pub question_rounds: Vec<(String, String, bool, Option<i32>)>,
    pub may_manage: bool,
    pub may_plan: bool,
    pub transitions: Vec<Transition>,
    /// A suspension or its end waiting for a second inkoper, described.
    pub pending: Option<String>,
    pub standstill_days: i32,
    pub standstill_weekend: bool,
    pub notice_months: i32,
    /// For the inkoper: an outage or failed uploads in the hour before the
    /// deadline.
    pub outage: Option<Outage>,
}

/// What the hour before the deadline showed, for the inkoper's decision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outage {
    pub deadline: String,
    /// Stretches in which Dialoog could not be reached, described.
    pub gaps: Vec<String>,
    /// Failed uploads: instant, what happened, and (after the deadline) for
    /// which organisation.
    pub failures: Vec<String>,
    /// How many organisations had an upload fail.
    pub affected: usize,
    /// The deadline has passed: an extension opens the window again.
    pub closed: bool,
    /// A suggested new deadline (a day after the later of the deadline and now).
    pub suggested_input: String,
}

/// What every page of a tender shows above its content: the phase, on a
/// training tender its simulated time, and once the award decision went out,
/// the end of the standstill.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Banner {
    pub phase: String,
    /// A training tender: the time its clock shows.
    pub training_now: Option<String>,
    pub suspended: Option<String>,
    pub letters_sent: Option<String>,
    pub standstill_ends: Option<String>,
    pub standstill_running: bool,
    /// The caller may manage the procedure (an inkoper): the extra links.
    pub manages: bool,
}

#[server(endpoint = "tender_banner")]
pub async fn tender_banner(id: TenderId) -> Result<Banner, AppError> {
    use super::guard;
    use crate::domain::access::{Action, Phase};
    use crate::domain::calendar::show_instant;
    use crate::store::procedure as proc;
    guard::run(async move {
        let ok = guard::require(id, Action::ViewTender).await?;
        let st = guard::state()?;
        let t = &ok.tender;
        let phase = *t.phase;
        let now = proc::tender_now(t, st.clock.now());
        Ok(Banner {
            phase: phase.label().into(),
            training_now: t.training.then(|| show_instant(now)),
            suspended: (phase == Phase::Opgeschort).then(|| t.phase_note.clone().unwrap_or_default()),
            letters_sent: t.letters_sent_at.map(show_instant),
            standstill_ends: t.standstill_ends_at.map(show_instant),
            standstill_running: t.standstill_ends_at.is_some_and(|e| now < e),
            manages: ok.may(crate::domain::access::Action::ManageProcedure),
        })
    })
    .await
}

/// The procedure's terms: standstill length, a weekend end moving to Monday,
/// the notice period of the contract's options (before publication).
#[server(endpoint = "set_terms")]
pub async fn set_terms(id: TenderId, standstill_dagen: String, weekend: Option<String>, opzegtermijn: String) -> Result<(), AppError> {
    use super::guard;
    guard::run(async move {
        let mut op = guard::op(id, crate::domain::access::Action::ManageProcedure).await?;
        let n = |s: &str, what: &str| s.trim().parse::<i32>().map_err(|_| AppError::Invalid(format!("Vul bij {what} een geheel getal in.")));
        let days = n(&standstill_dagen, "de standstilltermijn")?;
        let months = n(&opzegtermijn, "de beslistermijn voor opties")?;
        crate::store::contract::set_terms(&mut op, days, weekend.is_some(), months).await?;
        op.commit().await
    })
    .await
}

#[server(endpoint = "procedure_view")]
pub async fn procedure_view(id: TenderId) -> Result<ProcedureData, AppError> {
    use super::guard;
    use crate::domain::access::{Action, Phase};
    use crate::domain::calendar::show_instant;
    use crate::domain::procedure::{self as rules, to_local_input};
    use crate::store::procedure as proc;
    guard::run(async move {
        let ok = guard::require(id, Action::ViewTender).await?;
        let st = guard::state()?;
        let t = &ok.tender;
        let phase = *t.phase;
        let now = proc::tender_now(t, st.clock.now());
        let may_manage = ok.may(Action::ManageProcedure);
        let mut transitions = vec![];
        if may_manage {
            let f = proc::facts(&st.db.conn, t, now).await?;
            let pending_to = t.pending_phase.map(|p| *p);
            let pending_by_other = t.pending_by.is_some_and(|b| b != ok.user.id);
            for to in rules::candidates(phase, f.suspended_phase) {
                // Confirming another inkoper's request takes no reason of its own.
                let confirms = pending_to == Some(to) && pending_by_other;
                let needs_reason = matches!(to, Phase::Opgeschort | Phase::Ingetrokken) && !confirms;
                // Opening goes through the four-eyes screen, not a button here.
                if to == Phase::Geopend {
                    continue;
                }
                let refused = rules::check(phase, to, &f, if needs_reason { "x" } else { "" }).err().map(|r| r.message().to_string());
                let label = match (confirms, phase) {
                    (true, _) => format!("{}: bevestigen", to.action_label()),
                    (false, Phase::Opgeschort) if to != Phase::Ingetrokken => format!("Hervatten ({})", to.label().to_lowercase()),
                    (false, _) => to.action_label().into(),
                };
                transitions.push(Transition { to: to.code().into(), label, refused, needs_reason });
            }
        }
        let rounds = crate::store::nvi::rounds(&st.db.conn, t.id).await?;
        let pending = match (t.pending_phase, t.pending_by, t.pending_at) {
            (Some(to), Some(by), Some(at)) if st.clock.now() - at < chrono::Duration::hours(crate::store::procedure::REQUEST_HOURS) => {
                let who = crate::store::users::by_id(&st.db.conn, by).await?.map(|u| u.display_name).unwrap_or_default();
                Some(format!(
                    "{who} vroeg op {} om naar de fase '{}' te gaan{}. Een andere inkoper bevestigt dit (vier ogen).",
                    show_instant(at),
                    to.label().to_lowercase(),
                    t.pending_reason.as_deref().filter(|r| !r.is_empty()).map(|r| format!(" (reden: {r})")).unwrap_or_default()
                ))
            }
            _ => None,
        };
        let outage = match may_manage {
            true => crate::store::availability::evidence(&st.db.conn, t, st.clock.now()).await?.filter(|e| !e.is_empty()),
            false => None,
        }
        .map(|e| {
            let closed = now >= e.deadline;
            let failed = |f: &crate::store::availability::Failure| {
                let what = if f.reason == crate::store::availability::CUT_OFF { "upload afgebroken" } else { "upload mislukt door een fout bij Dialoog" };
                // Who was bidding stays sealed until the deadline.
                let who = if closed { format!(" ({})", f.organisation_name) } else { String::new() };
                format!("{}: {what} na {}{who}", show_instant(f.at), crate::store::files::show_size(f.received_bytes.max(0) as u64))
            };
            Outage {
                deadline: show_instant(e.deadline),
                gaps: e.gaps.iter().map(|g| g.describe()).collect(),
                failures: e.failures.iter().map(failed).collect(),
                affected: e.affected(),
                closed,
                suggested_input: to_local_input(e.deadline.max(now) + chrono::Duration::days(1)),
            }
        });
        Ok(ProcedureData {
            outage,
            pending,
            id: t.id,
            phase: phase.code().into(),
            phase_label: phase.label().into(),
            phase_note: t.phase_note.clone(),
            training: t.training,
            now: show_instant(now),
            now_input: to_local_input(now),
            publication: show_instant(t.publication_planned),
            publication_input: to_local_input(t.publication_planned),
            deadline: t.submission_deadline.map(show_instant),
            deadline_input: t.submission_deadline.map(to_local_input).unwrap_or_default(),
            award: t.award_planned.map(show_instant),
            award_input: t.award_planned.map(to_local_input).unwrap_or_default(),
            signing: t.signing_planned.map(show_instant),
            signing_input: t.signing_planned.map(to_local_input).unwrap_or_default(),
            submission_closed: t.submission_closed_at.is_some(),
            question_rounds: rounds
                .iter()
                .map(|r| (r.title.clone(), show_instant(r.question_deadline), r.closed_at.is_some(), r.number))
                .collect(),
            may_manage,
            may_plan: may_manage && phase == Phase::Concept,
            transitions,
            standstill_days: t.standstill_days,
            standstill_weekend: t.standstill_weekend,
            notice_months: t.notice_months,
        })
    })
    .await
}

/// Changes the phase; returns what happened, in Dutch (suspending and
/// resuming are asked by one inkoper and confirmed by another).
#[server(endpoint = "change_phase")]
pub async fn change_phase(id: TenderId, to: String, reason: Option<String>) -> Result<String, AppError> {
    use super::guard;
    use crate::domain::access::{Action, Phase};
    guard::run(async move {
        let mut op = guard::op(id, Action::ManageProcedure).await?;
        let to = Phase::parse(&to).ok_or_else(|| AppError::Invalid("Onbekende fase.".into()))?;
        if to == Phase::Geopend {
            return Err(AppError::Conflict("Openen gaat via de opening met twee inkopers.".into()));
        }
        let reason = reason.unwrap_or_default();
        if reason.len() > 2000 {
            return Err(AppError::Invalid("De reden is te lang (hoogstens 2000 tekens).".into()));
        }
        let step = crate::store::procedure::change(&mut op, to, &reason).await?;
        op.commit().await?;
        guard::state()?.wake.notify_one();
        Ok(match step {
            crate::store::procedure::PhaseStep::Done => "De fase is gewijzigd.".into(),
            crate::store::procedure::PhaseStep::Requested => format!(
                "Aangevraagd: naar de fase '{}'. Een andere inkoper bevestigt dit binnen {} uur (vier ogen).",
                to.label().to_lowercase(),
                crate::store::procedure::REQUEST_HOURS
            ),
        })
    })
    .await
}

#[server(endpoint = "plan_calendar")]
pub async fn plan_calendar(
    id: TenderId,
    publicatie: String,
    sluitingstermijn: String,
    gunning: Option<String>,
    ondertekening: Option<String>,
) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::access::Action;
    use crate::domain::procedure::parse_local;
    guard::run(async move {
        let mut op = guard::op(id, Action::ManageProcedure).await?;
        let opt = |s: Option<String>| -> Result<_, AppError> {
            match s.filter(|s| !s.trim().is_empty()) {
                Some(s) => Ok(Some(parse_local(&s)?)),
                None => Ok(None),
            }
        };
        let plan = crate::store::procedure::Plan {
            publication: parse_local(&publicatie)?,
            submission_deadline: parse_local(&sluitingstermijn)?,
            award_planned: opt(gunning)?,
            signing_planned: opt(ondertekening)?,
        };
        crate::store::procedure::plan(&mut op, plan).await?;
        op.commit().await?;
        guard::state()?.wake.notify_one();
        Ok(())
    })
    .await
}

/// The inkoper extends the deadline because the hour before it showed an
/// outage or failed uploads: published at once as a Nota van Inlichtingen
/// with the evidence (`store::availability::extend`).
#[server(endpoint = "extend_for_outage")]
pub async fn extend_for_outage(id: TenderId, nieuwe_termijn: String, toelichting: Option<String>) -> Result<String, AppError> {
    use super::guard;
    use crate::domain::access::Action;
    guard::run(async move {
        let st = guard::state()?;
        let mut op = guard::op(id, Action::ManageProcedure).await?;
        let to = crate::domain::procedure::parse_local(&nieuwe_termijn)?;
        let n = crate::store::availability::extend(&mut op, to, toelichting.as_deref().unwrap_or(""), st.clock.now()).await?;
        op.commit().await?;
        st.wake.notify_one();
        Ok(format!(
            "De sluitingstermijn is verlengd tot {}. Nota van Inlichtingen {n} is gepubliceerd en alle aanbieders zijn bericht.",
            crate::domain::calendar::show_instant(to)
        ))
    })
    .await
}

#[server(endpoint = "set_training_clock")]
pub async fn set_training_clock(id: TenderId, tijd: String) -> Result<(), AppError> {
    use super::guard;
    use crate::domain::access::Action;
    guard::run(async move {
        let mut op = guard::op(id, Action::ManageProcedure).await?;
        let to = crate::domain::procedure::parse_local(&tijd)?;
        crate::store::procedure::set_clock(&mut op, to).await?;
        op.commit().await?;
        // Deadlines on the simulated clock may have passed: close them now.
        let st = guard::state()?;
        crate::store::procedure::close_due(&st.db, &st.clock).await?;
        st.wake.notify_one();
        Ok(())
    })
    .await
}
