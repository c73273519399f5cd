//! The dashboard: per tender, what this user can do in each of their roles.

use super::error_view;
use crate::api::tender::dashboard;
use leptos::prelude::*;
use leptos_meta::Title;

fn role_task(code: &str) -> &'static str {
    match code {
        "inkoper" => "U voert de procedure: planning, documenten, Nota's van Inlichtingen, dialoog, opening, beoordeling, gunning en contract.",
        "beoordelaar" => "U beoordeelt de geanonimiseerde kwaliteitsplannen, eerst alleen en daarna in consensus. De beoordeling start na de opening.",
        "aanbieder" => "U leest de aanbestedingsstukken, stelt vragen, neemt deel aan de dialoog en dient uw inschrijving in.",
        "gemeente" => "U vertegenwoordigt uw gemeente: u kunt zich terugtrekken tot het moment van ondertekening, en u ondertekent.",
        "waarnemer" => "U kijkt mee (alleen lezen), bijvoorbeeld als auditor; u kunt de audittrail inzien en controleren.",
        _ => "",
    }
}

#[component]
pub fn Dashboard() -> impl IntoView {
    let cards = Resource::new(|| (), |_| dashboard());
    view! {
        <Title text="Overzicht · Dialoog"/>
        <h1 class="utrecht-heading-1">"Mijn aanbestedingen"</h1>
        <Suspense fallback=|| view! { <p>"Laden…"</p> }>
            {move || Suspend::new(async move {
                match cards.await {
                    Err(e) => error_view(e),
                    Ok(cards) if cards.is_empty() => view! {
                        <p data-testid="geen-aanbestedingen">"U heeft nog geen rol in een aanbesteding. Vraag de inkoper u toe te voegen, "
                           "of maak zelf een aanbesteding aan als u dat recht heeft."</p>
                    }.into_any(),
                    Ok(cards) => view! {
                        <div class="cards">
                            {cards.into_iter().map(|c| {
                                let href = format!("/aanbesteding/{}", c.id);
                                view! {
                                    <section class="card" data-testid="tender-card">
                                        <h2 class="utrecht-heading-2"><a href=href.clone()>{c.title.clone()}</a></h2>
                                        <p class="meta">{format!("Kenmerk {} · fase: {}", c.reference, c.phase)}
                                            {c.training.then(|| view! { <span class="badge">"oefenomgeving"</span> })}
                                        </p>
                                        {c.next.clone().map(|(what, at)| view! {
                                            <p class="next-deadline" data-testid="volgende-termijn">"Volgende: "{what}" · "<strong>{at}</strong></p>
                                        })}
                                        <ul class="roles">
                                            {c.roles.iter().map(|(code, label, org)| view! {
                                                <li data-testid="rol">
                                                    <strong>{label.clone()}</strong>
                                                    {org.clone().map(|o| format!(" ({o})"))}
                                                    <span class="role-task">{role_task(code)}</span>
                                                </li>
                                            }).collect_view()}
                                        </ul>
                                        {(!c.gemeenten.is_empty()).then(|| view! {
                                            <p>"Deelname: "
                                                {c.gemeenten.iter().map(|(g, s)| format!("{g}: {s}")).collect::<Vec<_>>().join(", ")}
                                            </p>
                                        })}
                                        <p class="links">
                                            <a href=href.clone()>"Naar het aanbestedingsoverzicht"</a>
                                            {c.may_set_up.then(|| view! { " · " <a href=format!("{href}/opzet")>"Opzet"</a> })}
                                            {c.may_view_audit.then(|| view! { " · " <a href="/audittrail">"Audittrail"</a> })}
                                        </p>
                                    </section>
                                }
                            }).collect_view()}
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
