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
    let id = move || params.read().get("id").and_then(|s| s.parse::<crate::ids::TenderId>().ok());
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => tender_overview(id).await,
            None => Err(crate::error::AppError::NotFound("Deze aanbesteding bestaat niet.".into())),
        }
    });
    // Every resource of the page (the nav's banner, the procedure panel's) is
    // created here, outside any Suspend: a resource created inside one gets its
    // hydration id only once the server's futures resolve, so the browser could
    // pair it with another resource's data and hydrate it late.
    view! {
        {move || id().map(|id| view! { <super::TenderNav id/> })}
        <Suspense fallback=|| view! { <p>"Laden…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => error_view(e),
                    Ok(t) => view! { <Heading t/> }.into_any(),
                }
            })}
        </Suspense>
        {move || id().map(|id| view! { <super::procedure::ProcedurePanel id/> })}
        {move || id().map(|id| view! { <super::buyers::BuyersPanel id/> })}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                data.await.ok().map(|t| view! { <Overview t/> })
            })}
        </Suspense>
    }
}

#[component]
fn Heading(t: TenderView) -> impl IntoView {
    let title = format!("{} · Dialoog", t.title);
    view! {
        <Title text=title/>
        <h1 class="utrecht-heading-1">{t.title.clone()}</h1>
        <dl class="facts">
            <dt>"Kenmerk"</dt><dd>{t.reference.clone()}</dd>
            <dt>"Fase"</dt><dd data-testid="fase">{t.phase.clone()}</dd>
            <dt>"Procedure"</dt><dd>"Dialooggerichte procedure, sociale en andere specifieke diensten (Aanbestedingswet 2012 art. 2.38/2.39)"</dd>
            <dt>"Publicatie gepland"</dt><dd data-testid="publicatie">{t.publication_planned.clone()}</dd>
            <dt>"Uw rol"</dt><dd>{t.my_roles.join(", ")}</dd>
        </dl>
        {t.may_view_audit.then(|| view! {
            <ul class="downloads" data-testid="stukken">
                <li><a href="/audittrail">"Audittrail van deze aanbesteding bekijken"</a>" · "
                    <a href=format!("/stukken/{}/audittrail.xlsx", t.id) download="" data-testid="audittrail-xlsx">"als spreadsheet (Excel)"</a></li>
                <li><a href=format!("/stukken/{}/dossier.zip", t.id) download="" data-testid="dossier">"Dossier downloaden"</a>
                    " (ZIP): alle stukken, spreadsheets, open data, de audittrail en de gepubliceerde documenten in één bestand, met uitleg om het te controleren"</li>
                <li><a href=format!("/aanbesteding/{}/aankondigingen", t.id) data-testid="aankondigingen">"Aankondigingen voor TenderNed"</a>
                    " (de gegevens per eForms-veld, en als XML)"</li>
            </ul>
        })}
        {t.open_data.then(|| view! {
            <p data-testid="open-data">"Open data van deze aanbesteding (Open Contracting Data Standard): "
                <a href=format!("/ocds/{}.json", t.id) rel="external">"publicaties"</a>" en "
                <a href=format!("/ocds/{}-record.json", t.id) rel="external">"samenvatting"</a>"."</p>
        })}
    }
}

#[component]
fn Overview(t: TenderView) -> impl IntoView {
    view! {

        <p>"Partners (geen contractpartij): " {t.partners.join("; ")}</p>

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
            <super::contract::TermPanel term=t.term.clone()/>
        </section>
    }
}
