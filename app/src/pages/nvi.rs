//! Questions and Notas van Inlichtingen.

use super::{tender_id, tender_or_none, TenderPage};
use crate::api::nvi::{nvi_view, AnswerQuestion, AskQuestion, CreateNviRound, MergeQuestion, PublishNvi};
use crate::feedback;
use leptos::prelude::*;

#[component]
pub fn Nvi() -> impl IntoView {
    let id = tender_id();
    let ask = ServerAction::<AskQuestion>::new();
    let answer = ServerAction::<AnswerQuestion>::new();
    let merge = ServerAction::<MergeQuestion>::new();
    let create = ServerAction::<CreateNviRound>::new();
    let publish = ServerAction::<PublishNvi>::new();
    let data = Resource::new(
        move || (id(), ask.version().get(), answer.version().get(), merge.version().get(), create.version().get(), publish.version().get()),
        |(id, ..)| async move { nvi_view(tender_or_none(id)).await },
    );
    view! {
        <TenderPage title="Vragen en Nota's van Inlichtingen" heading="Vragen en Nota's van Inlichtingen" data=data render=move |v| {
            let tender = v.tender;
            view! {
                <p class="meta">{format!("Tijd van de aanbesteding: {}", v.now)}</p>
                {v.rounds.iter().any(|r| r.number.is_some()).then(|| view! {
                    <p><a href=format!("/stukken/{tender}/nota-van-inlichtingen.pdf") download="" data-testid="nvi-pdf">
                        "Alle gepubliceerde Nota's van Inlichtingen downloaden (PDF)"</a></p>
                })}
                {v.rounds.into_iter().map(|r| { let all_q = r.questions.clone(); view! {
                    <section class="nvi-round" data-testid="vragenronde">
                        <h2 class="utrecht-heading-2">{match r.number {
                            Some(n) => format!("Nota van Inlichtingen {n}"),
                            None => r.title.clone(),
                        }}</h2>
                        <p class="meta">{format!("Vragen tot {}", r.deadline)}
                            {r.published_at.clone().map(|p| format!(" · gepubliceerd {p}"))}
                            {r.new_deadline.clone().map(|d| format!(" · nieuwe sluitingstermijn {d}"))}</p>
                        {(!r.intro_html.is_empty()).then(|| view! { <div class="markdown" inner_html=r.intro_html.clone()></div> })}
                        <ol class="questions">
                            {r.questions.clone().into_iter().map(|q| { let all_q = all_q.clone(); view! {
                                <li data-testid="vraag">
                                    <p class="q"><strong>{format!("Vraag {}", q.number)}</strong>
                                        {(!q.reference.is_empty()).then(|| format!(" ({})", q.reference))}
                                        {q.asker.clone().map(|a| view! { <span class="asker" data-testid="vraagsteller">{format!(" · gesteld door {a}")}</span> })}
                                        {q.own.then(|| view! { <span class="badge">"uw vraag"</span> })}</p>
                                    <p>{q.body.clone()}</p>
                                    {match (q.merged_into, q.answer_html.clone()) {
                                        (Some(m), _) => view! { <p class="merged">{format!("Zie het antwoord bij vraag {m}.")}</p> }.into_any(),
                                        (None, Some(h)) => view! { <div class="answer markdown" data-testid="antwoord" inner_html=h></div> }.into_any(),
                                        _ => view! { <p class="meta">"Nog geen antwoord."</p> }.into_any(),
                                    }}
                                    {(v.may_manage && r.published_at.is_none()).then(|| view! {
                                        <ActionForm action=answer>
                                            <input type="hidden" name="id" value=tender/>
                                            <input type="hidden" name="vraag" value=q.id/>
                                            <textarea class="utrecht-textarea" name="antwoord" rows="3" aria-label=format!("Antwoord op vraag {}", q.number) required
                                                inner_html=super::textarea_html(q.answer_md.as_deref().unwrap_or_default())></textarea>
                                            <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Antwoord opslaan"</button>
                                        </ActionForm>
                                        <ActionForm action=merge attr:class="inline-form">
                                            <input type="hidden" name="id" value=tender/>
                                            <input type="hidden" name="vraag" value=q.id/>
                                            <label class="utrecht-form-label" for=format!("met-{}", q.id)>"Samenvoegen met vraag-id"</label>
                                            <select class="utrecht-select" id=format!("met-{}", q.id) name="met">
                                                {all_q.iter().filter(|o| o.id != q.id).map(|o| view! {
                                                    <option value=o.id>{format!("Vraag {}", o.number)}</option>
                                                }).collect_view()}
                                            </select>
                                            <button type="submit" class="utrecht-button utrecht-button--subtle">"Samenvoegen"</button>
                                        </ActionForm>
                                    })}
                                </li>
                            }}).collect_view()}
                        </ol>
                        {(v.may_ask && r.open_for_questions).then(|| view! {
                            <ActionForm action=ask>
                                <input type="hidden" name="id" value=tender/>
                                <input type="hidden" name="ronde" value=r.id/>
                                <div class="utrecht-form-field"><label class="utrecht-form-label" for=format!("ref-{}", r.id)>"Verwijzing (document, paragraaf)"</label>
                                    <input class="utrecht-textbox" id=format!("ref-{}", r.id) name="referentie" type="text"/></div>
                                <div class="utrecht-form-field"><label class="utrecht-form-label" for=format!("vraag-{}", r.id)>"Uw vraag"</label>
                                    <textarea class="utrecht-textarea" id=format!("vraag-{}", r.id) name="vraag" rows="4" required></textarea></div>
                                <button type="submit" class="utrecht-button utrecht-button--primary-action">"Vraag stellen"</button>
                            </ActionForm>
                        })}
                        {(v.may_manage && r.published_at.is_none()).then(|| view! {
                            <details class="editor">
                                <summary>"Publiceren als Nota van Inlichtingen"</summary>
                                <ActionForm action=publish>
                                    <input type="hidden" name="id" value=tender/>
                                    <input type="hidden" name="ronde" value=r.id/>
                                    <div class="utrecht-form-field"><label class="utrecht-form-label" for=format!("intro-{}", r.id)>"Toelichting (Markdown)"</label>
                                        <textarea class="utrecht-textarea" id=format!("intro-{}", r.id) name="toelichting" rows="3"></textarea></div>
                                    <div class="utrecht-form-field"><label class="utrecht-form-label" for=format!("nst-{}", r.id)>"Nieuwe sluitingstermijn (optioneel)"</label>
                                        <input class="utrecht-textbox" id=format!("nst-{}", r.id) name="nieuwe_sluitingstermijn" type="datetime-local"/></div>
                                    <button type="submit" class="utrecht-button utrecht-button--primary-action" data-testid="nvi-publiceren">"Publiceren"</button>
                                </ActionForm>
                            </details>
                        })}
                    </section>
                }}).collect_view()}
                {v.may_manage.then(|| view! {
                    <details class="editor">
                        <summary>"Nieuwe vragenronde"</summary>
                        <ActionForm action=create>
                            <input type="hidden" name="id" value=tender/>
                            <div class="utrecht-form-field"><label class="utrecht-form-label" for="rondetitel">"Titel"</label>
                                <input class="utrecht-textbox" id="rondetitel" name="titel" type="text" required/></div>
                            <div class="utrecht-form-field"><label class="utrecht-form-label" for="termijn">"Vragen tot"</label>
                                <input class="utrecht-textbox" id="termijn" name="termijn" type="datetime-local" required/></div>
                            <button type="submit" class="utrecht-button utrecht-button--primary-action">"Ronde aanmaken"</button>
                        </ActionForm>
                    </details>
                })}
            }.into_any()
        }>
        {feedback!(ask, "Uw vraag is ontvangen. Het antwoord verschijnt in de Nota van Inlichtingen, zonder uw naam.")}
        {feedback!(answer, "Het antwoord is opgeslagen (nog niet gepubliceerd).")}
        {feedback!(merge, "De vragen zijn samengevoegd.")}
        {feedback!(create, "De vragenronde is aangemaakt.")}
        {feedback!(publish, "De Nota van Inlichtingen is gepubliceerd en naar alle inschrijvers verzonden.")}
        </TenderPage>
    }
}
