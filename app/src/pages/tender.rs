//! The tender overview: phase, key dates, buyers and their participation,
//! partners, scope, and the contract term drawn as a timeline.

use super::error_view;
use crate::api::tender::{tender_overview, TenderView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn TenderOverview() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i32>().ok());
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => tender_overview(id).await,
            None => Err(crate::error::AppError::NotFound("Deze aanbesteding bestaat niet.".into())),
        }
    });
    view! {
        <Suspense fallback=|| view! { <p>"Laden…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => error_view(e),
                    Ok(t) => view! { <Overview t/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Overview(t: TenderView) -> impl IntoView {
    let title = format!("{} · Dialoog", t.title);
    view! {
        <Title text=title/>
        {t.training.then(|| view! {
            <div class="training-banner" role="status" data-testid="oefen-banner">
                "Oefenomgeving: deze aanbesteding loopt op een gesimuleerde klok"
                {t.simulated_now.clone().map(|n| format!(" (nu: {n})"))}
                ". Termijnen gelden niet voor echte inschrijvingen."
            </div>
        })}
        <super::TenderNav id=t.id/>
        <h1 class="utrecht-heading-1">{t.title.clone()}</h1>
        <dl class="facts">
            <dt>"Kenmerk"</dt><dd>{t.reference.clone()}</dd>
            <dt>"Fase"</dt><dd data-testid="fase">{t.phase.clone()}</dd>
            <dt>"Procedure"</dt><dd>"Dialooggerichte procedure, sociale en andere specifieke diensten (Aanbestedingswet 2012 art. 2.38/2.39)"</dd>
            <dt>"Publicatie gepland"</dt><dd data-testid="publicatie">{t.publication_planned.clone()}</dd>
            <dt>"Uw rol"</dt><dd>{t.my_roles.join(", ")}</dd>
        </dl>
        {t.may_view_audit.then(|| view! { <p><a href="/audittrail">"Audittrail van deze aanbesteding bekijken"</a></p> })}
        <super::procedure::ProcedurePanel id=t.id/>

        <section>
            <h2 class="utrecht-heading-2">"Aanbestedende diensten"</h2>
            <table class="utrecht-table" data-testid="gemeenten">
                <thead><tr><th scope="col">"Gemeente"</th><th scope="col">"Deelname"</th></tr></thead>
                <tbody>
                    {t.buyers.iter().map(|(name, status)| view! {
                        <tr><td>{name.clone()}</td><td><span class=format!("status status--{status}")>{status.clone()}</span></td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p><a href=format!("/aanbesteding/{}/gemeenten", t.id)>"Deelname, verdeling en ondertekening per gemeente"</a></p>
            <p>"Partners (geen contractpartij): " {t.partners.join("; ")}</p>
        </section>

        <section>
            <h2 class="utrecht-heading-2">"Scope"</h2>
            <table class="utrecht-table">
                <thead><tr><th scope="col">"Schooltype"</th><th scope="col" class="num">"Aantal"</th></tr></thead>
                <tbody>
                    {t.school_counts.iter().map(|(k, n)| view! { <tr><td>{k.clone()}</td><td class="num">{*n}</td></tr> }).collect_view()}
                    <tr class="total"><td>"Totaal"</td><td class="num" data-testid="scholen-totaal">{t.total_schools}</td></tr>
                </tbody>
            </table>
            <h3 class="utrecht-heading-3">"Pilotscholen"</h3>
            <ul>{t.pilot_schools.iter().map(|(n, p)| view! { <li>{format!("{n} ({p})")}</li> }).collect_view()}</ul>
            <h3 class="utrecht-heading-3">"Teamprofielen"</h3>
            <ul>{t.profiles.iter().map(|(n, note)| view! {
                <li>{n.clone()}{(!note.is_empty()).then(|| format!(" — {note}"))}</li>
            }).collect_view()}</ul>
            <h3 class="utrecht-heading-3">"Formatie volgens het regioplan (fte)"</h3>
            <table class="utrecht-table">
                <thead><tr><th scope="col">"Profiel"</th><th scope="col">"Gebied"</th><th scope="col" class="num">"Huidig"</th><th scope="col" class="num">"Uitbreiding"</th></tr></thead>
                <tbody>{t.formation.iter().map(|(a, b, c, d)| view! {
                    <tr><td>{a.clone()}</td><td>{b.clone()}</td><td class="num">{c.clone()}</td><td class="num">{d.clone()}</td></tr>
                }).collect_view()}</tbody>
            </table>
        </section>

        <section>
            <h2 class="utrecht-heading-2">"Looptijd van het contract"</h2>
            <dl class="facts" data-testid="looptijd">
                <dt>"Ingangsdatum"</dt><dd>{t.contract_start.clone()}</dd>
                <dt>"Einde initiële looptijd"</dt><dd>{t.initial_end.clone()}</dd>
                <dt>"Huidige einddatum"</dt><dd data-testid="huidige-einddatum">{t.current_end.clone()}</dd>
                <dt>"Volgende beslisdatum optie"</dt><dd>{t.next_deadline.clone().unwrap_or_else(|| "geen open optie".into())}
                    {format!(" ({} maanden voor de einddatum)", t.notice_months)}</dd>
                <dt>"Uiterste einddatum"</dt><dd data-testid="maximale-einddatum">{t.max_end.clone()}</dd>
            </dl>
            <svg class="timeline" viewBox="0 0 100 40" preserveAspectRatio="none" role="img"
                aria-label=format!("Tijdlijn: initiële looptijd {} tot {}, drie opties tot uiterlijk {}", t.contract_start, t.initial_end, t.max_end)>
                {t.timeline.iter().enumerate().map(|(i, b)| {
                    let y = if i == 0 { 4.0 } else { 22.0 };
                    view! {
                        <rect x=format!("{:.3}", b.left) y=y width=format!("{:.3}", b.width) height="14"
                            class=format!("bar bar--{}", b.status.replace(' ', "-"))>
                            <title>{format!("{}: {} t/m {} ({})", b.label, b.from, b.to, b.status)}</title>
                        </rect>
                    }
                }).collect_view()}
            </svg>
            <div class="timeline-axis" aria-hidden="true">
                {t.timeline_years.iter().map(|y| view! { <span>{*y}</span> }).collect_view()}
            </div>
            <p class="timeline-legend">
                <span class="swatch swatch--vast"></span>"initiële looptijd "
                <span class="swatch swatch--open"></span>"optie open "
                <span class="swatch swatch--uitgeoefend"></span>"uitgeoefend "
                <span class="swatch swatch--verlopen"></span>"niet uitgeoefend of verlopen"
            </p>
            <table class="utrecht-table" data-testid="opties">
                <thead><tr><th scope="col">"Optie"</th><th scope="col">"Verlenging"</th><th scope="col">"Beslissen vóór"</th><th scope="col">"Status"</th></tr></thead>
                <tbody>
                    {t.options.iter().map(|(n, from, to, deadline, status)| view! {
                        <tr><td>{format!("Optie {n} (1 jaar)")}</td><td>{format!("{from} t/m {to}")}</td><td>{deadline.clone()}</td><td>{status.clone()}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
