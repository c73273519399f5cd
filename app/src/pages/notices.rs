//! The notices for TenderNed: per notice its eForms fields (what Dialoog
//! does not know, or where the mapping is a judgement, says so) and the XML.

use super::{tender_id, tender_or_none, TenderPage};
use crate::api::notices::notices_view;
use leptos::prelude::*;

#[component]
pub fn Notices() -> AnyView {
    let id = tender_id();
    let data = Resource::new(move || id(), |id| async move { notices_view(tender_or_none(id)).await });
    view! {
        <TenderPage title="Aankondigingen" heading="Aankondigingen voor TenderNed" data=data render=move |v| {
            let tender = v.tender;
            view! {
                <p>"Dialoog publiceert de aankondigingen niet zelf: dat doet u in TenderNed. Hier staan de gegevens van elke aankondiging per eForms-veld (BT), en als eForms-XML die TenderNed kan inlezen. "
                    "Een veld met een opmerking vult of controleert u zelf in TenderNed."</p>
                {v.notices.into_iter().map(|n| {
                    let file = n.file.clone();
                    let testid = format!("aankondiging-{}", n.code);
                    view! {
                        <section data-testid=testid>
                            <h2 class="utrecht-heading-2">{n.title.clone()}</h2>
                            <p class="meta">{format!("eForms {} (subtype {})", n.code, n.subtype)}</p>
                            <p><a href=format!("/stukken/{tender}/{file}") download="" data-testid=format!("xml-{}", file.trim_end_matches(".xml"))>
                                {format!("Download als eForms-XML ({file})")}</a></p>
                            <table class="utrecht-table">
                                <thead><tr><th scope="col">"Veld"</th><th scope="col">"Omschrijving"</th><th scope="col">"Waarde"</th><th scope="col">"Opmerking"</th></tr></thead>
                                <tbody>{n.fields.into_iter().map(|f| {
                                    let missing = f.value.is_empty();
                                    let uncertain = f.note.is_some();
                                    view! {
                                        <tr class:field-uncertain=uncertain>
                                            <td><code>{f.bt}</code></td>
                                            <td>{f.label}</td>
                                            <td>{if missing { "(ontbreekt)".to_string() } else { f.value }}</td>
                                            <td>{f.note.unwrap_or_default()}</td>
                                        </tr>
                                    }
                                }).collect_view()}</tbody>
                            </table>
                        </section>
                    }
                }).collect_view()}
                {(!v.pending.is_empty()).then(|| view! {
                    <h2 class="utrecht-heading-2">"Nog niet"</h2>
                    <ul>{v.pending.into_iter().map(|(what, why)| view! { <li><strong>{what}</strong>": "{why}</li> }).collect_view()}</ul>
                })}
            }
        }/>
    }
    .into_any()
}
