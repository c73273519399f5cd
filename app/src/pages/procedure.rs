//! The procedure panel on the tender overview: phase, calendar, transitions
//! with the reason a transition is refused, and the training clock.

use super::error_view;
use crate::api::procedure::{procedure_view, ChangePhase, ExtendForOutage, Outage, PlanCalendar, SetTerms, SetTrainingClock};
use crate::feedback;
use leptos::prelude::*;

#[component]
pub fn ProcedurePanel(id: crate::ids::TenderId) -> impl IntoView {
    let phase = ServerAction::<ChangePhase>::new();
    let plan = ServerAction::<PlanCalendar>::new();
    let clock = ServerAction::<SetTrainingClock>::new();
    let terms = ServerAction::<SetTerms>::new();
    let extend = ServerAction::<ExtendForOutage>::new();
    // The banner of every page shows the tender's time: it reads it again.
    let moved = super::clock_moved();
    Effect::new(move |_| {
        if clock.version().get() > 0 {
            moved.update(|n| *n += 1);
        }
    });
    let data = Resource::new(
        move || (phase.version().get(), plan.version().get(), clock.version().get(), terms.version().get(), extend.version().get()),
        move |_| procedure_view(id),
    );
    view! {
        <section class="procedure" data-testid="procedure">
            <h2 class="utrecht-heading-2">"Procedure"</h2>
            {move || phase.value().get().map(|r| match r {
                Ok(msg) => view! { <div class="utrecht-alert utrecht-alert--ok" role="status" data-testid="gelukt"><p>{msg}</p></div> }.into_any(),
                Err(e) => view! { <div class="utrecht-alert utrecht-alert--error" role="alert" data-testid="fout"><p>{e.to_string()}</p></div> }.into_any(),
            })}
            {feedback!(plan, "De planning is opgeslagen.")}
            {feedback!(clock, "De gesimuleerde klok is verzet.")}
            {feedback!(terms, "De termijnen zijn opgeslagen.")}
            {move || extend.value().get().map(|r| match r {
                Ok(msg) => view! { <div class="utrecht-alert utrecht-alert--ok" role="status" data-testid="verlengd"><p>{msg}</p></div> }.into_any(),
                Err(e) => view! { <div class="utrecht-alert utrecht-alert--error" role="alert" data-testid="fout-verlenging"><p>{e.to_string()}</p></div> }.into_any(),
            })}
            <Suspense fallback=|| view! { <p>"Laden…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        // The overview says once that the tender does not exist.
                        Err(crate::error::AppError::NotFound(_)) => ().into_any(),
                        Err(e) => error_view(e),
                        Ok(p) => view! {
                            <dl class="facts">
                                <dt>"Fase"</dt><dd data-testid="procedure-fase">{p.phase_label.clone()}
                                    {p.phase_note.clone().map(|n| format!(" ({n})"))}</dd>
                                <dt>{if p.training { "Gesimuleerde tijd" } else { "Tijd" }}</dt><dd data-testid="klok">{p.now.clone()}</dd>
                                <dt>"Publicatie"</dt><dd>{p.publication.clone()}</dd>
                                <dt>"Sluitingstermijn inschrijving"</dt><dd data-testid="sluitingstermijn">
                                    {p.deadline.clone().unwrap_or_else(|| "niet gepland".into())}
                                    {p.submission_closed.then_some(" (gesloten)")}</dd>
                                <dt>"Gunning gepland"</dt><dd>{p.award.clone().unwrap_or_else(|| "niet gepland".into())}</dd>
                                <dt>"Ondertekening gepland"</dt><dd>{p.signing.clone().unwrap_or_else(|| "niet gepland".into())}</dd>
                                <dt>"Standstilltermijn"</dt><dd data-testid="standstill-dagen">{format!("{} kalenderdagen vanaf de dag na verzending{}", p.standstill_days,
                                    if p.standstill_weekend { "; een einde in het weekend schuift naar maandag" } else { "" })}</dd>
                                <dt>"Beslistermijn opties"</dt><dd>{format!("{} maanden voor de einddatum", p.notice_months)}</dd>
                                {p.question_rounds.iter().map(|(t, d, closed, n)| view! {
                                    <dt>{t.clone()}</dt>
                                    <dd>{format!("vragen tot {d}")}{closed.then_some(" (gesloten)")}
                                        {n.map(|n| format!(" · gepubliceerd als NvI {n}"))}</dd>
                                }).collect_view()}
                            </dl>
                            {p.outage.clone().map(|o| view! { <OutageNotice id outage=o extend/> })}
                            {p.pending.clone().map(|w| view! { <p class="utrecht-alert utrecht-alert--warning" role="status" data-testid="aangevraagd">{w}</p> })}
                            {(!p.transitions.is_empty()).then(|| view! {
                                <h3 class="utrecht-heading-3">"Volgende stap"</h3>
                                <ul class="transitions">
                                    {p.transitions.clone().into_iter().map(|tr| {
                                        let to = tr.to.clone();
                                        view! {
                                            <li>
                                                <ActionForm action=phase attr:class="inline-form">
                                                    <input type="hidden" name="id" value=id/>
                                                    <input type="hidden" name="to" value=to.clone()/>
                                                    {tr.needs_reason.then(|| view! {
                                                        <label class="utrecht-form-label" for=format!("reden-{to}")>"Reden"</label>
                                                        <input class="utrecht-textbox" id=format!("reden-{to}") name="reason" type="text" required/>
                                                    })}
                                                    <button type="submit" class="utrecht-button utrecht-button--secondary-action"
                                                        data-testid=format!("naar-{to}")>{tr.label.clone()}</button>
                                                </ActionForm>
                                                {tr.refused.clone().map(|r| view! { <span class="refused">{r}</span> })}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            })}
                            {p.may_plan.then(|| view! {
                                <h3 class="utrecht-heading-3">"Planning (tot publicatie)"</h3>
                                <ActionForm action=plan>
                                    <input type="hidden" name="id" value=id/>
                                    <div class="utrecht-form-field"><label class="utrecht-form-label" for="publicatie">"Publicatie"</label>
                                        <input class="utrecht-textbox" id="publicatie" name="publicatie" type="datetime-local" value=p.publication_input.clone() required/></div>
                                    <div class="utrecht-form-field"><label class="utrecht-form-label" for="sluitingstermijn">"Sluitingstermijn"</label>
                                        <input class="utrecht-textbox" id="sluitingstermijn" name="sluitingstermijn" type="datetime-local" value=p.deadline_input.clone() required/></div>
                                    <div class="utrecht-form-field"><label class="utrecht-form-label" for="gunning">"Gunning gepland"</label>
                                        <input class="utrecht-textbox" id="gunning" name="gunning" type="datetime-local" value=p.award_input.clone()/></div>
                                    <div class="utrecht-form-field"><label class="utrecht-form-label" for="ondertekening">"Ondertekening gepland"</label>
                                        <input class="utrecht-textbox" id="ondertekening" name="ondertekening" type="datetime-local" value=p.signing_input.clone()/></div>
                                    <p class="hint">"Tijden in Nederlandse tijd (Europe/Amsterdam). Na publicatie verandert een datum alleen via een Nota van Inlichtingen."</p>
                                    <button type="submit" class="utrecht-button utrecht-button--primary-action">"Planning opslaan"</button>
                                </ActionForm>
                            })}
                            {p.may_plan.then(|| view! {
                                <h3 class="utrecht-heading-3">"Termijnen (tot publicatie)"</h3>
                                <ActionForm action=terms>
                                    <input type="hidden" name="id" value=id/>
                                    <div class="utrecht-form-field"><label class="utrecht-form-label" for="standstill_dagen">"Standstilltermijn (kalenderdagen, ten minste 20)"</label>
                                        <input class="utrecht-textbox" id="standstill_dagen" name="standstill_dagen" type="number" min="20" max="60" value=p.standstill_days required/></div>
                                    <label class="checkbox"><input type="checkbox" name="weekend" value="ja" checked=p.standstill_weekend/>" Een einde op zaterdag of zondag schuift naar maandag"</label>
                                    <div class="utrecht-form-field"><label class="utrecht-form-label" for="opzegtermijn">"Beslistermijn voor opties (maanden voor de einddatum)"</label>
                                        <input class="utrecht-textbox" id="opzegtermijn" name="opzegtermijn" type="number" min="1" max="24" value=p.notice_months required/></div>
                                    <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Termijnen opslaan"</button>
                                </ActionForm>
                            })}
                            {(p.training && p.may_manage).then(|| view! {
                                <h3 class="utrecht-heading-3">"Gesimuleerde klok (oefenomgeving)"</h3>
                                <ActionForm action=clock>
                                    <input type="hidden" name="id" value=id/>
                                    <label class="utrecht-form-label" for="tijd">"Zet de klok op"</label>
                                    <input class="utrecht-textbox" id="tijd" name="tijd" type="datetime-local" step="1" value=p.now_input.clone() required/>
                                    <button type="submit" class="utrecht-button utrecht-button--secondary-action" data-testid="klok-zetten">"Klok zetten"</button>
                                </ActionForm>
                            })}
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The hour before the deadline showed an outage or failed uploads: what was
/// seen, who was affected, and the extension (the only remedy; a late bid is
/// never accepted because of it).
#[component]
fn OutageNotice(id: crate::ids::TenderId, outage: Outage, extend: ServerAction<ExtendForOutage>) -> impl IntoView {
    let o = outage;
    let who = if o.closed {
        format!("{} organisatie{} had een mislukte upload.", o.affected, if o.affected == 1 { "" } else { "s" })
    } else {
        format!(
            "{} organisatie{} had een mislukte upload; welke, ziet u na de sluitingstermijn (wie inschrijft, blijft tot dan verzegeld).",
            o.affected,
            if o.affected == 1 { "" } else { "s" }
        )
    };
    view! {
        <section class="utrecht-alert utrecht-alert--warning outage" data-testid="storing" aria-labelledby="storing-kop">
            <h3 class="utrecht-heading-3" id="storing-kop">"Storing rond de sluitingstermijn"</h3>
            <p>{format!(
                "In het uur voor de sluitingstermijn ({}) was Dialoog niet steeds bereikbaar of mislukten uploads. \
                 Aanbieders kunnen daardoor niet op tijd hebben kunnen inschrijven. Een te late inschrijving wordt nooit aangenomen; \
                 verleng de termijn als de storing aanbieders kan hebben gehinderd.",
                o.deadline
            )}</p>
            {(!o.gaps.is_empty()).then(|| view! {
                <p>"Niet bereikbaar:"</p>
                <ul data-testid="storing-onderbrekingen">{o.gaps.iter().map(|g| view! { <li>{g.clone()}</li> }).collect_view()}</ul>
            })}
            {(!o.failures.is_empty()).then(|| view! {
                <p>{who}</p>
                <ul data-testid="storing-uploads">{o.failures.iter().map(|f| view! { <li>{f.clone()}</li> }).collect_view()}</ul>
            })}
            <ActionForm action=extend>
                <input type="hidden" name="id" value=id/>
                <div class="utrecht-form-field">
                    <label class="utrecht-form-label" for="nieuwe_termijn">"Nieuwe sluitingstermijn"</label>
                    <p class="utrecht-form-field-description" id="nieuwe_termijn-uitleg">
                        {if o.closed {
                            "De termijn is al verstreken: verlengen opent de inschrijving opnieuw voor iedereen. Al ingediende inschrijvingen blijven geldig."
                        } else {
                            "Alle aanbieders krijgen meteen een Nota van Inlichtingen met de nieuwe termijn en de reden."
                        }}
                    </p>
                    <input class="utrecht-textbox" id="nieuwe_termijn" name="nieuwe_termijn" type="datetime-local" required
                        aria-describedby="nieuwe_termijn-uitleg" value=o.suggested_input.clone()/>
                </div>
                <div class="utrecht-form-field">
                    <label class="utrecht-form-label" for="toelichting">"Toelichting voor de aanbieders (niet verplicht)"</label>
                    <textarea class="utrecht-textarea" id="toelichting" name="toelichting" rows="3" maxlength="2000"></textarea>
                </div>
                <button type="submit" class="utrecht-button utrecht-button--primary-action" data-testid="verlengen">"Termijn verlengen"</button>
            </ActionForm>
        </section>
    }
}
