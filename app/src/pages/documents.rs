//! The tender documents: list, one document with its history and a readable
//! diff, and (for the inkoper) writing and uploading.

use super::{error_view, tender_id, tender_or_none, TenderPage};
use crate::api::documents::{document_view, documents_view, SaveMarkdownDocument};
use crate::domain::status::DocumentKind;
use crate::feedback;
use crate::ids::{DocumentId, QuestionRoundId, TenderId};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn Documents() -> impl IntoView {
    let id = tender_id();
    let q = use_query_map();
    let doc = move || q.read().get("doc").and_then(|s| s.parse::<DocumentId>().ok());
    let save = ServerAction::<SaveMarkdownDocument>::new();
    let list = Resource::new(move || (id(), save.version().get()), |(id, _)| async move {
        documents_view(tender_or_none(id)).await
    });
    let one = Resource::new(move || (id(), doc(), save.version().get()), |(id, doc, _)| async move {
        match doc {
            Some(d) => document_view(tender_or_none(id), d).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <TenderPage title="Documenten" heading="Aanbestedingsdocumenten" data=list render=move |v| view! {
            <table class="utrecht-table" data-testid="documenten">
                <thead><tr><th scope="col">"Document"</th><th scope="col">"Versie"</th><th scope="col">"Gewijzigd"</th><th scope="col">"SHA-256"</th></tr></thead>
                <tbody>{v.docs.iter().map(|d| view! {
                    <tr>
                        <td><a href=format!("/aanbesteding/{}/documenten?doc={}", v.tender, d.id)>{d.title.clone()}</a>
                            {(d.pending > 0).then(|| view! { <span class="badge">"wijziging wacht op NvI"</span> })}</td>
                        <td class="num">{d.version}</td>
                        <td>{d.changed.clone()}</td>
                        <td><code class="hash">{d.sha256[..16].to_string()}"…"</code></td>
                    </tr>
                }).collect_view()}</tbody>
            </table>
            {v.may_edit.then(|| view! { <NewDocument tender=v.tender rounds=v.nvi_rounds.clone() save/> })}
        }.into_any()>
        {feedback!(save, "Het document is opgeslagen.")}
        </TenderPage>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match one.await {
                    Err(e) => error_view(e),
                    Ok(None) => ().into_any(),
                    Ok(Some(d)) => view! { <OneDocument d save/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NviChoice(rounds: Vec<(QuestionRoundId, String)>, id: &'static str) -> impl IntoView {
    (!rounds.is_empty()).then(|| view! {
        <div class="utrecht-form-field">
            <label class="utrecht-form-label" for=id>"Via Nota van Inlichtingen"</label>
            <select class="utrecht-select" id=id name="nvi" required>
                {rounds.into_iter().map(|(rid, t)| view! { <option value=rid>{t}</option> }).collect_view()}
            </select>
        </div>
    })
}

#[component]
fn NewDocument(tender: TenderId, rounds: Vec<(QuestionRoundId, String)>, save: ServerAction<SaveMarkdownDocument>) -> impl IntoView {
    let rounds2 = rounds.clone();
    view! {
        <details class="editor">
            <summary>"Nieuw document schrijven"</summary>
            <ActionForm action=save>
                <input type="hidden" name="id" value=tender/>
                <NviChoice rounds=rounds.clone() id="nvi-nieuw"/>
                <div class="utrecht-form-field"><label class="utrecht-form-label" for="titel">"Titel"</label>
                    <input class="utrecht-textbox" id="titel" name="titel" type="text" required/></div>
                <div class="utrecht-form-field"><label class="utrecht-form-label" for="tekst">"Tekst (Markdown)"</label>
                    <textarea class="utrecht-textarea" id="tekst" name="tekst" rows="10" required></textarea></div>
                <button type="submit" class="utrecht-button utrecht-button--primary-action">"Document opslaan"</button>
            </ActionForm>
        </details>
        <details class="editor">
            <summary>"Bestand uploaden (PDF, DOCX, XLSX, …)"</summary>
            <form method="post" enctype="multipart/form-data" action=format!("/upload/document/{tender}") data-upload="">
                <NviChoice rounds=rounds2 id="nvi-bestand"/>
                <div class="utrecht-form-field"><label class="utrecht-form-label" for="titel-bestand">"Titel"</label>
                    <input class="utrecht-textbox" id="titel-bestand" name="titel" type="text" required/></div>
                <div class="utrecht-form-field"><label class="utrecht-form-label" for="bestand-doc">"Bestand"</label>
                    <input id="bestand-doc" name="bestand" type="file" required/></div>
                <progress max="100" value="0" hidden></progress><p class="upload-status" role="status"></p>
                <button type="submit" class="utrecht-button utrecht-button--primary-action">"Uploaden"</button>
            </form>
        </details>
    }
}

#[component]
fn OneDocument(d: crate::api::documents::DocumentData, save: ServerAction<SaveMarkdownDocument>) -> impl IntoView {
    let current = d.versions.first().cloned();
    view! {
        <article class="document" data-testid="document">
            <h2 class="utrecht-heading-2">{d.title.clone()}</h2>
            {current.clone().map(|v| view! {
                <p class="meta">{format!("Versie {} · {} · SHA-256 {}", v.version, v.created, v.sha256)}
                    {v.nvi_number.map(|n| format!(" · gewijzigd via NvI {n}"))}
                    {v.pending.then_some(" · nog niet gepubliceerd (wacht op de NvI)")}</p>
                {match (v.html.clone(), v.file_name.clone()) {
                    (Some(html), _) => view! { <div class="markdown" inner_html=html></div> }.into_any(),
                    (None, Some(name)) => view! {
                        <p><a href=format!("/bestand/document/{}/{}", d.tender, v.id)>{format!("{name} downloaden")}</a></p>
                    }.into_any(),
                    _ => ().into_any(),
                }}
            })}
            {(d.may_edit && d.kind == DocumentKind::Markdown).then(|| view! {
                <details class="editor">
                    <summary>"Nieuwe versie schrijven"</summary>
                    <ActionForm action=save>
                        <input type="hidden" name="id" value=d.tender/>
                        <input type="hidden" name="doc" value=d.id/>
                        <NviChoice rounds=d.nvi_rounds.clone() id="nvi-versie"/>
                        <textarea class="utrecht-textarea" name="tekst" rows="14" aria-label="Tekst (Markdown)" required
                            inner_html=super::textarea_html(&current.clone().and_then(|v| v.markdown).unwrap_or_default())></textarea>
                        <div class="utrecht-form-field"><label class="utrecht-form-label" for="toelichting">"Toelichting bij de wijziging"</label>
                            <input class="utrecht-textbox" id="toelichting" name="toelichting" type="text"/></div>
                        <button type="submit" class="utrecht-button utrecht-button--primary-action">"Versie opslaan"</button>
                    </ActionForm>
                </details>
            })}
            <h3 class="utrecht-heading-3">"Geschiedenis"</h3>
            <ol class="history" reversed>
                {d.versions.iter().map(|v| view! {
                    <li>
                        <p>{format!("Versie {} · {}", v.version, v.created)}{v.nvi_number.map(|n| format!(" · NvI {n}"))}
                            {(!v.note.is_empty()).then(|| format!(" · {}", v.note))}</p>
                        {(!v.diff.is_empty()).then(|| view! {
                            <pre class="diff">{v.diff.iter().map(|(tag, line)| {
                                let cls = match tag { '+' => "diff-add", '-' => "diff-del", _ => "diff-eq" };
                                view! { <span class=cls>{format!("{tag} {line}\n")}</span> }
                            }).collect_view()}</pre>
                        })}
                    </li>
                }).collect_view()}
            </ol>
        </article>
    }
}
