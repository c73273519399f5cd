//! The contract: its parties, its term as numbers and on a timeline, and the
//! decisions on the extension options. `TermPanel` is also on the overview.

use super::{tender_id, tender_or_none, TenderPage};
use crate::api::contract::{contract_view, DecideOption};
use crate::api::tender::TermView;
use leptos::prelude::*;

/// The contract term: start, current end, next decision deadline and maximum
/// end as numbers, the timeline, and the options with their status.
#[component]
pub fn TermPanel(term: TermView) -> AnyView {
    let t = term;
    view! {
        <dl class="facts" data-testid="looptijd">
            <dt>"Ingangsdatum"</dt><dd data-testid="ingangsdatum">{t.contract_start.clone()}</dd>
            <dt>"Einde initiële looptijd"</dt><dd>{t.initial_end.clone()}</dd>
            <dt>"Huidige einddatum"</dt><dd data-testid="huidige-einddatum">{t.current_end.clone()}</dd>
            <dt>"Volgende beslisdatum optie"</dt><dd data-testid="volgende-beslisdatum">{t.next_deadline.clone().unwrap_or_else(|| "geen open optie".into())}
                {format!(" ({} maanden voor de einddatum)", t.notice_months)}</dd>
            <dt>"Uiterste einddatum"</dt><dd data-testid="maximale-einddatum">{t.max_end.clone()}</dd>
        </dl>
        <svg class="timeline" viewBox="0 0 100 40" preserveAspectRatio="none" role="img"
            aria-label=format!("Tijdlijn: initiële looptijd {} tot {}, huidige einddatum {}, opties tot uiterlijk {}", t.contract_start, t.initial_end, t.current_end, t.max_end)>
            {t.timeline.iter().enumerate().map(|(i, b)| {
                let y = if i == 0 { 4.0 } else { 22.0 };
                view! {
                    <rect x=format!("{:.3}", b.left) y=y width=format!("{:.3}", b.width) height="14"
                        class=format!("bar bar--{}", b.status.replace(' ', "-"))>
                        <title>{format!("{}: {} t/m {} ({})", b.label, b.from, b.to, b.status)}</title>
                    </rect>
                }
            }).collect_view()}
            {t.markers.iter().map(|(x, kind, label)| view! {
                <line x1=format!("{x:.3}") x2=format!("{x:.3}") y1="0" y2="40" class=format!("marker marker--{kind}") data-testid=format!("markering-{kind}")>
                    <title>{label.clone()}</title>
                </line>
            }).collect_view()}
        </svg>
        <div class="timeline-axis" aria-hidden="true">
            {t.timeline_years.iter().map(|y| view! { <span>{*y}</span> }).collect_view()}
        </div>
        <p class="timeline-legend">
            <span class="swatch swatch--vast"></span>"initiële looptijd "
            <span class="swatch swatch--open"></span>"optie open "
            <span class="swatch swatch--uitgeoefend"></span>"uitgeoefend "
            <span class="swatch swatch--verlopen"></span>"niet uitgeoefend of verlopen "
            <span class="swatch swatch--einde"></span>"huidige einddatum "
            <span class="swatch swatch--beslisdatum"></span>"volgende beslisdatum "
            <span class="swatch swatch--vandaag"></span>"vandaag"
        </p>
        <table class="utrecht-table" data-testid="opties">
            <thead><tr><th scope="col">"Optie"</th><th scope="col">"Verlenging"</th><th scope="col">"Beslissen vóór"</th><th scope="col">"Status"</th></tr></thead>
            <tbody>
                {t.options.iter().map(|(n, from, to, deadline, status)| view! {
                    <tr data-testid=format!("optie-{n}")><td>{format!("Optie {n} (1 jaar)")}</td><td>{format!("{from} t/m {to}")}</td><td>{deadline.clone()}</td>
                        <td data-testid="optie-status">{status.clone()}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
pub fn Contract() -> AnyView {
    let id = tender_id();
    let decide = ServerAction::<DecideOption>::new();
    let data = Resource::new(move || (id(), decide.version().get()), |(id, _)| async move { contract_view(tender_or_none(id)).await });
    view! {
        <TenderPage title="Contract" heading="Contract" data=data render=move |c| {
            let tender = c.tender;
            view! {
                <p class="meta">{format!("Fase: {} · vandaag {}", c.phase, c.today)}</p>
                <p><a href=format!("/stukken/{tender}/contractoverzicht.pdf") download="" data-testid="contract-pdf">
                    "Contractoverzicht downloaden (PDF)"</a></p>
                {(!c.exists).then(|| view! {
                    <p data-testid="nog-geen-contract">"Het contract bestaat zodra de standstilltermijn voorbij is en elke deelnemende gemeente heeft ondertekend of zich heeft teruggetrokken."</p>
                })}
                <h2 class="utrecht-heading-2">"Partijen"</h2>
                <dl class="facts" data-testid="partijen">
                    <dt>"Opdrachtnemer"</dt><dd data-testid="opdrachtnemer">{c.provider.clone().unwrap_or_else(|| "nog niet gegund".into())}</dd>
                    <dt>"Opdrachtgevers (ondertekend)"</dt><dd data-testid="opdrachtgevers">{if c.signed.is_empty() { "nog geen".to_string() } else { c.signed.iter().map(|s| s.0.clone()).collect::<Vec<_>>().join(", ") }}</dd>
                    {(!c.pending.is_empty()).then(|| view! { <dt>"Nog niet ondertekend"</dt><dd data-testid="nog-niet-ondertekend">{c.pending.join(", ")}</dd> })}
                    {(!c.withdrawn.is_empty()).then(|| view! { <dt>"Teruggetrokken"</dt><dd data-testid="teruggetrokken">{c.withdrawn.iter().map(|w| w.0.clone()).collect::<Vec<_>>().join(", ")}</dd> })}
                </dl>
                {(!c.signed.is_empty()).then(|| view! {
                    <table class="utrecht-table">
                        <thead><tr><th scope="col">"Gemeente"</th><th scope="col">"Ondertekend"</th><th scope="col">"Vastgelegd door"</th></tr></thead>
                        <tbody>{c.signed.iter().map(|(g, at, by)| view! { <tr><td>{g.clone()}</td><td>{at.clone()}</td><td>{by.clone()}</td></tr> }).collect_view()}</tbody>
                    </table>
                })}
                <h2 class="utrecht-heading-2">"Looptijd en opties"</h2>
                <TermPanel term=c.term.clone()/>
                {(!c.decisions.is_empty()).then(|| view! {
                    <h3 class="utrecht-heading-3">"Besluiten over opties"</h3>
                    <ul data-testid="besluiten">{c.decisions.iter().map(|d| view! {
                        <li>{format!("Optie {}: {} op {} door {} (besluit {}){}", d.number, d.decision, d.at, d.by, d.reference,
                            if d.note.is_empty() { String::new() } else { format!(": {}", d.note) })}</li>
                    }).collect_view()}</ul>
                })}
                {(c.may_manage && c.exists).then(|| match c.next_option {
                    Some(n) => view! {
                        <h3 class="utrecht-heading-3">{format!("Besluit over optie {n}")}</h3>
                        <ActionForm action=decide>
                            <input type="hidden" name="id" value=tender/>
                            <input type="hidden" name="optie" value=n/>
                            <label class="utrecht-form-label" for="besluit">"Besluit"</label>
                            <select class="utrecht-select" id="besluit" name="besluit">
                                <option value="uitoefenen">"De optie uitoefenen (verlengen met een jaar)"</option>
                                <option value="niet_uitoefenen">"De optie niet uitoefenen"</option>
                            </select>
                            <label class="utrecht-form-label" for="kenmerk">"Kenmerk van het besluit"</label>
                            <input class="utrecht-textbox" id="kenmerk" name="kenmerk" type="text" required/>
                            <label class="utrecht-form-label" for="toelichting">"Toelichting"</label>
                            <textarea class="utrecht-textarea" id="toelichting" name="toelichting" rows="2"></textarea>
                            <p class="hint">"Opties gaan op volgorde en alleen vóór hun beslisdatum; daarna vervallen zij."</p>
                            <button type="submit" class="utrecht-button utrecht-button--primary-action" data-testid="optie-besluiten">"Besluit vastleggen"</button>
                        </ActionForm>
                    }.into_any(),
                    None => view! { <p>"Er is geen optie meer om over te beslissen."</p> }.into_any(),
                })}
            }.into_any()
        }>
        {move || decide.value().get().map(|r| match r {
            Ok(end) => view! { <div class="utrecht-alert utrecht-alert--ok" role="status" data-testid="gelukt"><p>{format!("Het besluit is vastgelegd. De einddatum is nu {end}.")}</p></div> }.into_any(),
            Err(e) => view! { <div class="utrecht-alert utrecht-alert--error" role="alert" data-testid="fout"><p>{e.to_string()}</p></div> }.into_any(),
        })}
        </TenderPage>
    }
    .into_any()
}
