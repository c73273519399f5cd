//! The gunningsbeslissing ("Gunning"): the inkoper prepares one letter per
//! bidder, sees what each still lacks, and sends them all at once; objections
//! during the standstill. A bidder reads its own letter here.

use super::{tender_id, tender_or_none, TenderPage};
use crate::api::decision::{decision_view, DecideObjection, DecisionData, DecisionPage, RegisterObjection, SaveAdvantages, SaveLetterNote, SendAwardDecision};
use crate::feedback;
use leptos::prelude::*;

#[component]
pub fn Decision() -> AnyView {
    let id = tender_id();
    let advantages = ServerAction::<SaveAdvantages>::new();
    let note = ServerAction::<SaveLetterNote>::new();
    let send = ServerAction::<SendAwardDecision>::new();
    let object = ServerAction::<RegisterObjection>::new();
    let decide = ServerAction::<DecideObjection>::new();
    let data = Resource::new(
        move || (id(), advantages.version().get() + note.version().get() + send.version().get() + object.version().get() + decide.version().get()),
        |(id, _)| async move { decision_view(tender_or_none(id)).await },
    );
    view! {
        <TenderPage title="Gunning" heading="Gunningsbeslissing" data=data render=move |page| match page {
            DecisionPage::Bidder(None) => view! {
                <p data-testid="nog-geen-brief">"Er is nog geen gunningsbeslissing aan u verzonden. U krijgt een bericht zodra dat gebeurt."</p>
            }.into_any(),
            DecisionPage::Bidder(Some(l)) => view! {
                <dl class="facts">
                    <dt>"Verzonden"</dt><dd data-testid="verzonden">{l.sent.clone()}</dd>
                    <dt>"Einde standstilltermijn"</dt><dd data-testid="standstill-einde">{l.standstill_ends.clone().unwrap_or_default()}</dd>
                    <dt>"Vingerafdruk (SHA-256)"</dt><dd><code class="hash">{l.sha256.clone()}</code></dd>
                </dl>
                <p><a href=format!("/stukken/{}/gunningsbeslissing.pdf", tender_or_none(id())) download="" data-testid="brief-pdf">
                    "Brief downloaden (PDF)"</a></p>
                <article class="letter" data-testid="brief" inner_html=l.html.clone()></article>
            }.into_any(),
            DecisionPage::Buyer(d) => view! { <BuyerView d advantages note send object decide/> }.into_any(),
        }>
            {feedback!(advantages, "De tekst is opgeslagen.")}
            {feedback!(note, "De passage voor deze inschrijver is opgeslagen.")}
            {move || send.value().get().map(|r| match r {
                Ok(end) => view! { <div class="utrecht-alert utrecht-alert--ok" role="status" data-testid="gelukt"><p>
                    {format!("De gunningsbeslissing is aan alle inschrijvers tegelijk verzonden. De standstilltermijn eindigt op {end}.")}</p></div> }.into_any(),
                Err(e) => view! { <div class="utrecht-alert utrecht-alert--error" role="alert" data-testid="fout"><p>{e.to_string()}</p></div> }.into_any(),
            })}
            {feedback!(object, "Het bezwaar is geregistreerd; de aanbesteding is opgeschort.")}
            {feedback!(decide, "De uitkomst is vastgelegd.")}
        </TenderPage>
    }
    .into_any()
}

#[component]
fn BuyerView(
    d: DecisionData,
    advantages: ServerAction<SaveAdvantages>,
    note: ServerAction<SaveLetterNote>,
    send: ServerAction<SendAwardDecision>,
    object: ServerAction<RegisterObjection>,
    decide: ServerAction<DecideObjection>,
) -> AnyView {
    let tender = d.tender;
    let draft = d.sent.is_none();
    view! {
        <p class="meta">{format!("Fase: {}", d.phase)}</p>
        {d.waiting.clone().map(|w| view! { <p data-testid="wacht">{w}</p> })}
        {d.sent.clone().map(|s| view! {
            <div class="utrecht-alert utrecht-alert--ok" role="status"><p data-testid="verzonden">{format!("Verzonden aan alle inschrijvers op {s}.")}</p></div>
        })}
        {d.standstill.clone().map(|s| view! {
            <dl class="facts" data-testid="standstill">
                <dt>{if draft { "Standstill bij verzending nu" } else { "Standstilltermijn" }}</dt>
                <dd>{format!("{} tot en met {} (24:00 uur)", s.first_day, s.last_day)}</dd>
                <dt>"Einde"</dt><dd data-testid="standstill-einde">{s.ends.clone()}</dd>
                <dt>"Ondertekenen kan vanaf"</dt><dd>{s.earliest_signing.clone()}</dd>
            </dl>
        })}
        {(!d.ranking.is_empty()).then(|| view! {
            <h2 class="utrecht-heading-2">"Rangorde"</h2>
            <table class="utrecht-table" data-testid="rangorde">
                <thead><tr><th scope="col">"Plaats"</th><th scope="col">"Inschrijver"</th><th scope="col" class="num">"Totaal"</th></tr></thead>
                <tbody>{d.ranking.iter().map(|(r, n, t)| view! { <tr><td>{*r}</td><td>{n.clone()}</td><td class="num">{t.clone()}</td></tr> }).collect_view()}</tbody>
            </table>
        })}
        {(d.may_prepare && draft && d.waiting.is_none()).then(|| view! {
            <ActionForm action=advantages>
                <input type="hidden" name="id" value=tender/>
                <label class="utrecht-form-label" for="voordelen">"Kenmerken en relatieve voordelen van de winnende inschrijving (Markdown, in elke brief)"</label>
                <textarea class="utrecht-textarea" id="voordelen" name="tekst" rows="6" inner_html=super::textarea_html(&d.advantages)></textarea>
                <button type="submit" class="utrecht-button utrecht-button--secondary-action" data-testid="voordelen-opslaan">"Opslaan"</button>
            </ActionForm>
        })}
        {(!d.letters.is_empty()).then(|| view! {
            <h2 class="utrecht-heading-2">{if draft { "Brieven (concept)" } else { "Verzonden brieven" }}</h2>
            {(!draft).then(|| view! {
                <p><a href=format!("/stukken/{tender}/gunningsbeslissing.pdf") download="" data-testid="brieven-pdf">
                    "Alle verzonden brieven downloaden (PDF)"</a></p>
            })}
            {d.letters.clone().into_iter().map(|l| view! {
                <section class="letter-block" data-testid="brief-blok">
                    <h3 class="utrecht-heading-3">{format!("Aan {}", l.addressee)}</h3>
                    {(!l.problems.is_empty()).then(|| view! {
                        <div class="utrecht-alert utrecht-alert--warning" role="status" data-testid="brief-onvolledig">
                            <p>"Deze brief kan nog niet weg:"</p><ul>{l.problems.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}</ul>
                        </div>
                    })}
                    {l.sent.clone().map(|s| view! {
                        <p class="meta">{format!("Verzonden {s} · {}", l.read.clone().map(|r| format!("gelezen {r}")).unwrap_or_else(|| "nog niet gelezen".into()))}</p>
                    })}
                    <details><summary>"Brief bekijken"</summary><article class="letter" inner_html=l.html.clone()></article></details>
                    {(d.may_prepare && draft).then(|| view! {
                        <ActionForm action=note>
                            <input type="hidden" name="id" value=tender/>
                            <input type="hidden" name="inschrijving" value=l.bid/>
                            <label class="utrecht-form-label" for=format!("passage-{}", l.bid)>"Passage alleen voor deze inschrijver (optioneel)"</label>
                            <textarea class="utrecht-textarea" id=format!("passage-{}", l.bid) name="tekst" rows="2" inner_html=super::textarea_html(&l.note)></textarea>
                            <button type="submit" class="utrecht-button utrecht-button--subtle">"Passage opslaan"</button>
                        </ActionForm>
                    })}
                </section>
            }).collect_view()}
        })}
        {(d.may_prepare && draft && d.waiting.is_none()).then(|| view! {
            <ActionForm action=send>
                <input type="hidden" name="id" value=tender/>
                <p class="hint">"Alle brieven gaan op hetzelfde moment uit, als bericht in Dialoog en per e-mail. Het moment van verzenden is het begin van de standstilltermijn."</p>
                <button type="submit" class="utrecht-button utrecht-button--primary-action" data-testid="verzenden" disabled=!d.ready>"Gunningsbeslissing verzenden"</button>
            </ActionForm>
        })}
        {(!d.objections.is_empty()).then(|| view! {
            <h2 class="utrecht-heading-2">"Bezwaren en kort gedingen"</h2>
            <ul data-testid="bezwaren">{d.objections.clone().into_iter().map(|o| {
                let oid = o.id;
                view! {
                    <li>
                        <p><strong>{format!("{} van {}", o.kind, o.filed_by)}</strong>{format!(" · ontvangen {} · geregistreerd {}", o.received, o.registered)}</p>
                        <p>{o.description.clone()}</p>
                        {match o.outcome.clone() {
                            Some(out) => view! { <p class="meta">{format!("Uitkomst: {out}. {}", o.outcome_note.clone().unwrap_or_default())}</p> }.into_any(),
                            None if d.may_object => view! {
                                <ActionForm action=decide>
                                    <input type="hidden" name="id" value=tender/>
                                    <input type="hidden" name="bezwaar" value=oid/>
                                    <label class="utrecht-form-label" for=format!("uitkomst-{oid}")>"Uitkomst"</label>
                                    <select class="utrecht-select" id=format!("uitkomst-{oid}") name="uitkomst">
                                        <option value="hervat">"Afgewezen of ingetrokken: de procedure gaat verder"</option>
                                        <option value="ingetrokken">"Toegewezen: de aanbesteding wordt ingetrokken"</option>
                                    </select>
                                    <label class="utrecht-form-label" for=format!("uitkomst-toelichting-{oid}")>"Toelichting (bijvoorbeeld het vonnis)"</label>
                                    <textarea class="utrecht-textarea" id=format!("uitkomst-toelichting-{oid}") name="toelichting" rows="2" required></textarea>
                                    <button type="submit" class="utrecht-button utrecht-button--secondary-action" data-testid=format!("uitkomst-vastleggen-{oid}")>"Uitkomst vastleggen"</button>
                                </ActionForm>
                            }.into_any(),
                            None => view! { <p class="meta">"in behandeling"</p> }.into_any(),
                        }}
                    </li>
                }
            }).collect_view()}</ul>
        })}
        {d.may_object.then(|| view! {
            <details class="editor"><summary>"Bezwaar of kort geding registreren"</summary>
                <ActionForm action=object>
                    <input type="hidden" name="id" value=tender/>
                    <label class="utrecht-form-label" for="soort">"Soort"</label>
                    <select class="utrecht-select" id="soort" name="soort">
                        <option value="kort_geding">"Kort geding"</option>
                        <option value="bezwaar">"Bezwaar"</option>
                    </select>
                    <label class="utrecht-form-label" for="ingediend_door">"Ingediend door"</label>
                    <input class="utrecht-textbox" id="ingediend_door" name="ingediend_door" type="text" required/>
                    <label class="utrecht-form-label" for="ontvangen">"Ontvangen op"</label>
                    <input class="utrecht-textbox" id="ontvangen" name="ontvangen" type="datetime-local" required/>
                    <label class="utrecht-form-label" for="omschrijving">"Omschrijving"</label>
                    <textarea class="utrecht-textarea" id="omschrijving" name="omschrijving" rows="3" required></textarea>
                    <p class="hint">"Registreren schort de aanbesteding op: ondertekenen kan dan niet tot de uitkomst is vastgelegd."</p>
                    <button type="submit" class="utrecht-button utrecht-button--secondary-action" data-testid="bezwaar-registreren">"Registreren en opschorten"</button>
                </ActionForm>
            </details>
        })}
    }
    .into_any()
}
