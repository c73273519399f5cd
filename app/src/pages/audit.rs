//! The audit trail: events (paged, filtered by action), the live verification
//! result, the head hash and the latest signed checkpoint.

use super::error_view;
use crate::api::audit::{audit_trail, AuditView, WriteCheckpoint};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditTrail() -> impl IntoView {
    let query = use_query_map();
    let args = move || {
        let q = query.read();
        let page = q.get("pagina").and_then(|p| p.parse::<u64>().ok()).unwrap_or(1).max(1) - 1;
        (page, q.get("actie").filter(|a| !a.is_empty()))
    };
    let checkpoint = ServerAction::<WriteCheckpoint>::new();
    let data = Resource::new(
        move || (args(), checkpoint.version().get()),
        |((page, action), _)| audit_trail(page, action),
    );
    view! {
        <Title text="Audittrail · Dialoog"/>
        <h1 class="utrecht-heading-1">"Audittrail"</h1>
        <Suspense fallback=|| view! { <p>"Laden…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => error_view(e),
                    Ok(v) => view! { <Trail v checkpoint/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Trail(v: AuditView, checkpoint: ServerAction<WriteCheckpoint>) -> impl IntoView {
    let filter = v.action.clone().unwrap_or_default();
    let page_link = {
        let filter = filter.clone();
        move |p: u64| {
            if filter.is_empty() {
                format!("/audittrail?pagina={p}")
            } else {
                format!("/audittrail?actie={filter}&pagina={p}")
            }
        }
    };
    view! {
        <section class="verification" data-testid="verificatie">
            {match &v.verification {
                Ok((size, root)) => view! {
                    <div class="utrecht-alert utrecht-alert--ok" role="status">
                        <p><strong>"De audittrail is intact."</strong>{match &v.verified_after {
                            None => format!(" {size} events gecontroleerd, vanaf het eerste."),
                            Some((after, at)) => format!(
                                " {size} events: de eerste {after} zijn op {at} helemaal gecontroleerd, de events daarna nu. \
                                 Elke tien minuten wordt weer alles vanaf het eerste event gecontroleerd."
                            ),
                        }}</p>
                        <p>"Kophash (Merkle-wortel): "<code data-testid="kophash">{root.clone()}</code></p>
                    </div>
                }.into_any(),
                Err((seq, reason)) => view! {
                    <div class="utrecht-alert utrecht-alert--error" role="alert">
                        <p><strong>{format!("De audittrail is beschadigd bij event {seq}: ")}</strong>{reason.clone()}</p>
                    </div>
                }.into_any(),
            }}
            <p>{match &v.checkpoint {
                Some((size, root)) => format!("Laatste ondertekende controlepunt: {size} events, wortel {root}."),
                None => "Nog geen ondertekend controlepunt.".to_string(),
            }}</p>
            <p>"Publieke sleutel van de controlepunten (Ed25519): "<code>{v.public_key.clone()}</code></p>
            <p>
                <a href="/export/audittrail.jsonl" download="audittrail.jsonl">"Exporteer de audittrail (JSON Lines)"</a>
                " · controleer met "<code>"dialoog audit verify audittrail.jsonl"</code>
            </p>
            {v.may_checkpoint.then(|| view! {
                <ActionForm action=checkpoint attr:class="inline-form">
                    <input type="hidden" name="tender" value="1"/>
                    <button class="utrecht-button utrecht-button--secondary-action" type="submit">"Controlepunt nu vastleggen"</button>
                </ActionForm>
            })}
        </section>

        <form method="get" action="/audittrail" class="filter">
            <label class="utrecht-form-label" for="actie">"Filter op actie"</label>
            <select id="actie" name="actie" class="utrecht-select">
                <option value="">"Alle acties"</option>
                {v.actions.iter().map(|a| {
                    let selected = *a == filter;
                    view! { <option value=a.clone() selected=selected>{a.clone()}</option> }
                }).collect_view()}
            </select>
            <button class="utrecht-button utrecht-button--secondary-action" type="submit">"Filteren"</button>
        </form>

        <table class="utrecht-table audit-table" data-testid="audit-events">
            <caption>{format!("{} events, pagina {} van {}", v.total, v.page + 1, v.pages)}</caption>
            <thead><tr>
                <th scope="col" class="num">"Nr."</th><th scope="col">"Tijd"</th><th scope="col">"Actor"</th>
                <th scope="col">"Rol"</th><th scope="col">"Actie"</th><th scope="col">"Onderwerp"</th><th scope="col">"Hash"</th>
            </tr></thead>
            <tbody>
                {v.rows.iter().map(|r| view! {
                    <tr>
                        <td class="num">{r.seq}</td><td>{r.time.clone()}</td><td><code>{r.actor.clone()}</code></td>
                        <td>{r.role.clone()}</td><td>{r.action.clone()}</td><td>{r.subject.clone()}</td>
                        <td><code title=r.hash.clone()>{r.hash[..12.min(r.hash.len())].to_string()}"…"</code></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <nav class="pager" aria-label="Paginering">
            {(v.page > 0).then(|| view! { <a href=page_link(v.page)>"Vorige"</a> })}
            " "
            {(v.page + 1 < v.pages).then(|| view! { <a href=page_link(v.page + 2)>"Volgende"</a> })}
        </nav>
    }
}
