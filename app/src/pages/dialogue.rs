//! Dialogue rounds: planning and minutes (inkoper), booking and responding (bidder).

use super::{tender_id, tender_or_none, TenderPage};
use crate::api::dialogue::{dialogue_view, AddDialogueSlot, AssignDialogueSlot, BookDialogueSlot, CloseDialogueRound, CreateDialogueRound, RespondMinutes, ShareWithAll, WriteMinutes};
use crate::domain::status::{BidderStatus, MinutesStatus};
use crate::feedback;
use leptos::prelude::*;

#[component]
pub fn Dialogue() -> impl IntoView {
    let id = tender_id();
    let create = ServerAction::<CreateDialogueRound>::new();
    let slot = ServerAction::<AddDialogueSlot>::new();
    let book = ServerAction::<BookDialogueSlot>::new();
    let assign = ServerAction::<AssignDialogueSlot>::new();
    let minutes = ServerAction::<WriteMinutes>::new();
    let respond = ServerAction::<RespondMinutes>::new();
    let share = ServerAction::<ShareWithAll>::new();
    let close = ServerAction::<CloseDialogueRound>::new();
    let data = Resource::new(
        move || (id(), create.version().get(), slot.version().get(), book.version().get(), assign.version().get(), minutes.version().get(),
                 respond.version().get(), share.version().get(), close.version().get()),
        |(id, ..)| async move { dialogue_view(tender_or_none(id)).await },
    );
    view! {
        <TenderPage title="Dialoog" heading="Dialoogrondes" data=data render=move |v| {
            let tender = v.tender;
            view! {
                {v.rounds.is_empty().then(|| view! { <p>"Er zijn nog geen dialoogrondes."</p> })}
                {(v.may_manage && !v.bidders.is_empty()).then(|| view! {
                    <h2 class="utrecht-heading-2">"Aanbieders"</h2>
                    <ul class="bidders" data-testid="aanbieders">
                        {v.bidders.clone().into_iter().map(|(_, name, status)| view! {
                            <li>{name}" · "<span class="status">{if status == BidderStatus::Actief { "doet mee" } else { status.code() }}</span></li>
                        }).collect_view()}
                    </ul>
                })}
                {v.rounds.clone().into_iter().map(|r| { let bidders = v.bidders.clone(); view! {
                    <section class="dialogue-round" data-testid="dialoogronde">
                        <h2 class="utrecht-heading-2">{format!("Ronde {}: {}", r.number, r.title)}{(!r.open).then_some(" (gesloten)")}</h2>
                        <div class="markdown" inner_html=r.themes_html.clone()></div>
                        {r.outcome_html.clone().map(|h| view! { <h3 class="utrecht-heading-3">"Uitkomst"</h3><div class="markdown" inner_html=h></div> })}
                        <table class="utrecht-table"><tbody>{r.slots.clone().into_iter().map(|s| view! {
                            <tr data-testid="tijdslot">
                                <td>{s.when.clone()}<br/><span class="meta">{s.location.clone()}</span></td>
                                <td>{s.booked_by.clone().unwrap_or_else(|| if s.free { "vrij".into() } else { "bezet".into() })}</td>
                                <td>
                                    {(v.may_join && s.free && r.open).then(|| view! {
                                        <ActionForm action=book><input type="hidden" name="id" value=tender/><input type="hidden" name="slot" value=s.id/>
                                            <button type="submit" class="utrecht-button utrecht-button--secondary-action" data-testid="boeken">"Boeken"</button></ActionForm>
                                    })}
                                    {(v.may_manage && s.free && r.open).then(|| { let active = bidders.clone(); view! {
                                        <ActionForm action=assign attr:class="inline-form">
                                            <input type="hidden" name="id" value=tender/><input type="hidden" name="slot" value=s.id/>
                                            <select class="utrecht-select" name="organisatie" aria-label="Aanbieder voor dit tijdslot">
                                                {active.into_iter().filter(|(_, _, st)| *st == BidderStatus::Actief).map(|(org, name, _)| view! { <option value=org>{name}</option> }).collect_view()}
                                            </select>
                                            <button type="submit" class="utrecht-button utrecht-button--subtle" data-testid="toewijzen">"Toewijzen"</button>
                                        </ActionForm>
                                    }})}
                                    {s.minutes_html.clone().map(|h| view! { <div class="markdown minutes" inner_html=h></div>
                                        <p class="meta">{format!("Verslag: {}", s.minutes_status)}{s.comment.clone().map(|c| format!(" · opmerking: {c}"))}</p> })}
                                    {(s.mine && s.minutes_status == MinutesStatus::Open).then(|| view! {
                                        <ActionForm action=respond>
                                            <input type="hidden" name="id" value=tender/><input type="hidden" name="slot" value=s.id/>
                                            <textarea class="utrecht-textarea" name="opmerking" rows="2" aria-label="Opmerking bij het verslag"></textarea>
                                            <button type="submit" name="akkoord" value="true" class="utrecht-button utrecht-button--primary-action">"Verslag bevestigen"</button>
                                            <button type="submit" name="akkoord" value="false" class="utrecht-button utrecht-button--secondary-action">"Opmerking versturen"</button>
                                        </ActionForm>
                                    })}
                                    {(v.may_manage && !s.free).then(|| view! {
                                        <details class="editor"><summary>"Verslag en delen"</summary>
                                            <ActionForm action=minutes>
                                                <input type="hidden" name="id" value=tender/><input type="hidden" name="slot" value=s.id/>
                                                <textarea class="utrecht-textarea" name="verslag" rows="4" aria-label="Verslag (Markdown)" required></textarea>
                                                <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Verslag opslaan"</button>
                                            </ActionForm>
                                            <ActionForm action=share>
                                                <input type="hidden" name="id" value=tender/><input type="hidden" name="slot" value=s.id/>
                                                <textarea class="utrecht-textarea" name="tekst" rows="3" aria-label="Informatie voor alle inschrijvers" required></textarea>
                                                <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Delen met alle inschrijvers (via NvI)"</button>
                                            </ActionForm>
                                        </details>
                                    })}
                                </td>
                            </tr>
                        }).collect_view()}</tbody></table>
                        {(v.may_manage && r.open).then(|| view! {
                            <details class="editor"><summary>"Tijdslot toevoegen"</summary>
                                <ActionForm action=slot>
                                    <input type="hidden" name="id" value=tender/><input type="hidden" name="ronde" value=r.id/>
                                    <label class="utrecht-form-label" for=format!("begin-{}", r.id)>"Begin"</label>
                                    <input class="utrecht-textbox" id=format!("begin-{}", r.id) name="begin" type="datetime-local" required/>
                                    <label class="utrecht-form-label" for=format!("einde-{}", r.id)>"Einde"</label>
                                    <input class="utrecht-textbox" id=format!("einde-{}", r.id) name="einde" type="datetime-local" required/>
                                    <label class="utrecht-form-label" for=format!("loc-{}", r.id)>"Locatie of videoverbinding"</label>
                                    <input class="utrecht-textbox" id=format!("loc-{}", r.id) name="locatie" type="text" required/>
                                    <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Toevoegen"</button>
                                </ActionForm>
                            </details>
                            <details class="editor"><summary>"Ronde sluiten"</summary>
                                <ActionForm action=close>
                                    <input type="hidden" name="id" value=tender/><input type="hidden" name="ronde" value=r.id/>
                                    <textarea class="utrecht-textarea" name="uitkomst" rows="3" aria-label="Uitkomst van de ronde" required></textarea>
                                    <input type="hidden" name="beperkt" value="true"/>
                                    <fieldset class="utrecht-form-fieldset">
                                        <legend>"Aanbieders die doorgaan"</legend>
                                        <p class="hint">"Vink een aanbieder alleen uit als de aanbestedingsstukken een beperking van het aantal deelnemers toestaan. Wie afvalt, kan niet meer boeken of inschrijven."</p>
                                        {bidders.into_iter().filter(|(_, _, st)| *st == BidderStatus::Actief).map(|(org, name, _)| view! {
                                            <label class="checkbox">
                                                <input type="checkbox" name=format!("door[{org}]") value=org checked/>
                                                {format!(" {name}")}
                                            </label>
                                        }).collect_view()}
                                    </fieldset>
                                    <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Ronde sluiten"</button>
                                </ActionForm>
                            </details>
                        })}
                    </section>
                }}).collect_view()}
                {v.may_manage.then(|| view! {
                    <details class="editor"><summary>"Nieuwe dialoogronde"</summary>
                        <ActionForm action=create>
                            <input type="hidden" name="id" value=tender/>
                            <label class="utrecht-form-label" for="dtitel">"Titel"</label>
                            <input class="utrecht-textbox" id="dtitel" name="titel" type="text" required/>
                            <label class="utrecht-form-label" for="themas">"Thema's (Markdown)"</label>
                            <textarea class="utrecht-textarea" id="themas" name="themas" rows="4"></textarea>
                            <button type="submit" class="utrecht-button utrecht-button--primary-action">"Ronde aanmaken"</button>
                        </ActionForm>
                    </details>
                })}
            }.into_any()
        }>
        {feedback!(create, "De ronde is aangemaakt.")}
        {feedback!(slot, "Het tijdslot is toegevoegd.")}
        {feedback!(book, "U heeft het tijdslot geboekt.")}
        {feedback!(assign, "Het tijdslot is toegewezen; de aanbieder heeft bericht gekregen.")}
        {feedback!(minutes, "Het verslag is opgeslagen en aan de aanbieder voorgelegd.")}
        {feedback!(respond, "Uw reactie op het verslag is opgeslagen.")}
        {feedback!(share, "De informatie staat in de volgende Nota van Inlichtingen voor alle inschrijvers.")}
        {feedback!(close, "De ronde is gesloten.")}
        </TenderPage>
    }
}
