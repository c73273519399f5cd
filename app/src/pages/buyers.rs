//! The gemeenten of a tender (their own page, and a panel on the overview):
//! participation per gemeente, who remains a contract party, schools and
//! shares, and the forms to withdraw, sign and set the share rule.

use super::{error_view, tender_id, TenderNav};
use crate::domain::participation::ShareRule;
use crate::ids::TenderId;
use crate::api::buyers::{buyers_view, SetShares, SignGemeente, WithdrawGemeente};
use crate::feedback;
use leptos::prelude::*;

/// The page of the gemeenten of one tender.
#[component]
pub fn Buyers() -> impl IntoView {
    let id = tender_id();
    view! {
        <leptos_meta::Title text="Gemeenten · Dialoog"/>
        {move || id().map(|id| view! { <TenderNav id/> })}
        <h1 class="utrecht-heading-1">"Gemeenten"</h1>
        {move || id().map(|id| view! { <BuyersPanel id/> })}
    }
}

#[component]
pub fn BuyersPanel(id: TenderId) -> impl IntoView {
    let withdraw = ServerAction::<WithdrawGemeente>::new();
    let sign = ServerAction::<SignGemeente>::new();
    let shares = ServerAction::<SetShares>::new();
    let data = Resource::new(
        move || (withdraw.version().get(), sign.version().get(), shares.version().get()),
        move |_| buyers_view(id),
    );
    view! {
        <section class="buyers">
            <h2 class="utrecht-heading-2">"Deelname, verdeling en ondertekening per gemeente"</h2>
            {move || withdraw.value().get().map(|r| match r {
                Ok(true) => view! { <div class="utrecht-alert utrecht-alert--warning" role="status" data-testid="gelukt"><p>
                    "De gemeente heeft zich teruggetrokken. Omdat geen gemeente meer deelneemt, is de aanbesteding ingetrokken."</p></div> }.into_any(),
                Ok(false) => view! { <div class="utrecht-alert utrecht-alert--ok" role="status" data-testid="gelukt"><p>
                    "De gemeente heeft zich teruggetrokken. Scope, verdeling en contractpartijen zijn herberekend."</p></div> }.into_any(),
                Err(e) => view! { <div class="utrecht-alert utrecht-alert--error" role="alert" data-testid="fout"><p>{e.to_string()}</p></div> }.into_any(),
            })}
            {feedback!(sign, "De ondertekening is vastgelegd.")}
            {feedback!(shares, "De verdeling is opgeslagen.")}
            <Suspense fallback=|| view! { <p>"Laden…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        // The overview says once that the tender does not exist.
                        Err(crate::error::AppError::NotFound(_)) => ().into_any(),
                        Err(e) => error_view(e),
                        Ok(d) => {
                            let tender = d.tender;
                            view! {
                                <table class="utrecht-table" data-testid="gemeenten">
                                    <thead><tr><th scope="col">"Gemeente"</th><th scope="col">"Deelname"</th><th scope="col" class="num">"Scholen"</th>
                                        <th scope="col" class="num">"Aandeel"</th><th scope="col" class="num">"Budget"</th><th scope="col">"Toelichting"</th></tr></thead>
                                    <tbody>{d.rows.clone().into_iter().map(|b| {
                                        let slug = b.slug.clone();
                                        let slug2 = b.slug.clone();
                                        view! {
                                            <tr data-testid=format!("gemeente-{}", b.slug)>
                                                <td>{b.name.clone()}</td>
                                                <td><span class=format!("status status--{}", b.status) data-testid="deelname">{b.status.code()}</span>
                                                    <br/><span class="meta">{format!("sinds {}", b.since)}</span></td>
                                                <td class="num">{b.schools}</td>
                                                <td class="num">{b.share.clone()}</td>
                                                <td class="num">{b.budget.clone().unwrap_or_else(|| "–".into())}</td>
                                                <td>
                                                    {b.reason.clone().map(|r| view! { <p>{format!("Reden: {r}")}</p> })}
                                                    {b.decision.clone().map(|r| view! { <p>{format!("Besluit: {r}")}</p> })}
                                                    {b.recorded_by.clone().map(|r| view! { <p class="meta">{format!("Vastgelegd door {r}")}</p> })}
                                                    {b.may_withdraw.then(|| view! {
                                                        <details class="editor"><summary>{format!("{} trekt zich terug", b.name)}</summary>
                                                            <ActionForm action=withdraw>
                                                                <input type="hidden" name="id" value=tender/>
                                                                <input type="hidden" name="gemeente" value=slug.clone()/>
                                                                <label class="utrecht-form-label" for=format!("reden-{slug}")>"Reden"</label>
                                                                <textarea class="utrecht-textarea" id=format!("reden-{slug}") name="reden" rows="2" required></textarea>
                                                                <label class="utrecht-form-label" for=format!("besluit-{slug}")>"Kenmerk van het besluit"</label>
                                                                <input class="utrecht-textbox" id=format!("besluit-{slug}") name="besluit" type="text" required/>
                                                                {d.on_behalf.then(|| view! { <p class="hint">"U legt dit vast namens de gemeente; dat staat in de audittrail."</p> })}
                                                                <button type="submit" class="utrecht-button utrecht-button--secondary-action" data-testid=format!("terugtrekken-{slug}")>"Terugtrekken"</button>
                                                            </ActionForm>
                                                        </details>
                                                    })}
                                                    {b.may_sign.then(|| view! {
                                                        <ActionForm action=sign attr:class="inline-form">
                                                            <input type="hidden" name="id" value=tender/>
                                                            <input type="hidden" name="gemeente" value=slug2.clone()/>
                                                            <button type="submit" class="utrecht-button utrecht-button--primary-action" data-testid=format!("ondertekenen-{slug2}")>"Ondertekenen"</button>
                                                        </ActionForm>
                                                    })}
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}</tbody>
                                </table>
                                <dl class="facts">
                                    <dt>"Contractpartijen"</dt><dd data-testid="contractpartijen">{if d.parties.is_empty() { "geen".to_string() } else { d.parties.join(", ") }}</dd>
                                    <dt>"Scholen in scope (ingevuld per gemeente)"</dt><dd data-testid="scholen-in-scope">{d.schools_in_scope}</dd>
                                    <dt>"Verdeling"</dt><dd>{d.rule_label.clone()}{d.budget.clone().map(|b| format!(" · budget {b}"))}</dd>
                                </dl>
                                {d.may_manage_shares.then(|| view! {
                                    <details class="editor"><summary>"Verdeling per gemeente instellen"</summary>
                                        <ActionForm action=shares>
                                            <input type="hidden" name="id" value=tender/>
                                            <label class="utrecht-form-label" for="regel">"Verdeelregel"</label>
                                            <select class="utrecht-select" id="regel" name="regel">
                                                <option value="scholen" selected=d.rule == ShareRule::BySchools>"Naar aantal scholen"</option>
                                                <option value="sleutel" selected=d.rule == ShareRule::ByKey>"Naar verdeelsleutel"</option>
                                            </select>
                                            <label class="utrecht-form-label" for="budget">"Budget (EUR, optioneel)"</label>
                                            <input class="utrecht-textbox" id="budget" name="budget" type="text" value=d.budget_input.clone()/>
                                            <table class="utrecht-table"><thead><tr><th scope="col">"Gemeente"</th><th scope="col">"Scholen"</th><th scope="col">"Sleutel"</th></tr></thead>
                                                <tbody>{d.rows.clone().into_iter().map(|b| view! {
                                                    <tr><td>{b.name.clone()}</td>
                                                        <td><input class="utrecht-textbox" type="number" min="0" name=format!("scholen[{}]", b.slug) value=b.schools aria-label=format!("Scholen in {}", b.name)/></td>
                                                        <td><input class="utrecht-textbox" type="number" min="0" name=format!("sleutel[{}]", b.slug) value=b.key aria-label=format!("Sleutel voor {}", b.name)/></td></tr>
                                                }).collect_view()}</tbody></table>
                                            <button type="submit" class="utrecht-button utrecht-button--primary-action">"Verdeling opslaan"</button>
                                        </ActionForm>
                                    </details>
                                })}
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}
