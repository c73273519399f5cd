//! The bidder portal: registering an organisation, the organisation page with
//! colleagues and tenders, and the messages.

use super::error_view;
use crate::api::portal::{inbox, my_organisation, open_tenders, InviteColleague, JoinTender, RegisterOrganisation};
use crate::domain::password::{MAX_LEN, MIN_LEN};
use crate::feedback;
use leptos::prelude::*;
use leptos_meta::Title;

fn field(id: &'static str, label: &'static str, kind: &'static str, auto: &'static str) -> impl IntoView {
    view! {
        <div class="utrecht-form-field">
            <label class="utrecht-form-label" for=id>{label}</label>
            <input class="utrecht-textbox" id=id name=id type=kind autocomplete=auto required/>
        </div>
    }
}

#[component]
pub fn Register() -> impl IntoView {
    let action = ServerAction::<RegisterOrganisation>::new();
    let tenders = Resource::new(|| (), |_| open_tenders());
    view! {
        <Title text="Organisatie registreren · Dialoog"/>
        <h1 class="utrecht-heading-1">"Uw organisatie registreren"</h1>
        <p>"Registreer uw organisatie om de aanbestedingsstukken te lezen, vragen te stellen, deel te nemen aan de dialoog en in te schrijven."</p>
        {feedback!(action, "Uw organisatie is geregistreerd.")}
        <ActionForm action=action>
            <fieldset><legend>"Organisatie"</legend>
                {field("kvk", "KvK-nummer (8 cijfers)", "text", "off")}
                {field("naam", "Naam", "text", "organization")}
                {field("adres", "Adres", "text", "street-address")}
                {field("postcode", "Postcode", "text", "postal-code")}
                {field("plaats", "Plaats", "text", "address-level2")}
            </fieldset>
            <fieldset><legend>"Contactpersoon (uw account)"</legend>
                {field("contactpersoon", "Naam", "text", "name")}
                {field("email", "E-mailadres", "email", "email")}
                {field("telefoon", "Telefoon", "tel", "tel")}
                {field("gebruikersnaam", "Gebruikersnaam", "text", "username")}
                <div class="utrecht-form-field"><label class="utrecht-form-label" for="wachtwoord">{format!("Wachtwoord ({MIN_LEN} tot {MAX_LEN} tekens)")}</label>
                    <input class="utrecht-textbox" id="wachtwoord" name="wachtwoord" type="password" autocomplete="new-password" minlength=MIN_LEN maxlength=MAX_LEN required/></div>
                <div class="utrecht-form-field"><label class="utrecht-form-label" for="herhaling">"Herhaal het wachtwoord"</label>
                    <input class="utrecht-textbox" id="herhaling" name="herhaling" type="password" autocomplete="new-password" minlength=MIN_LEN maxlength=MAX_LEN required/></div>
            </fieldset>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let ts = tenders.await.unwrap_or_default();
                    view! {
                        <div class="utrecht-form-field"><label class="utrecht-form-label" for="aanbesteding">"Aanmelden voor aanbesteding"</label>
                            <select class="utrecht-select" id="aanbesteding" name="aanbesteding">
                                {ts.into_iter().map(|(id, t, r)| view! { <option value=id>{format!("{t} ({r})")}</option> }).collect_view()}
                            </select></div>
                    }
                })}
            </Suspense>
            <button type="submit" class="utrecht-button utrecht-button--primary-action">"Registreren"</button>
        </ActionForm>
    }
}

#[component]
pub fn Organisation() -> impl IntoView {
    let invite = ServerAction::<InviteColleague>::new();
    let join = ServerAction::<JoinTender>::new();
    let data = Resource::new(move || (invite.version().get(), join.version().get()), |_| my_organisation());
    view! {
        <Title text="Mijn organisatie · Dialoog"/>
        <h1 class="utrecht-heading-1">"Mijn organisatie"</h1>
        {feedback!(join, "Uw organisatie is aangemeld voor de aanbesteding.")}
        {move || invite.value().get().map(|r| match r {
            Ok(u) => view! { <div class="utrecht-alert utrecht-alert--ok" role="status" data-testid="uitnodiging">
                <p>{format!("Account '{u}' is aangemaakt. Uw collega krijgt een e-mail met een link om zelf een wachtwoord te kiezen (72 uur geldig).")}</p></div> }.into_any(),
            Err(e) => view! { <div class="utrecht-alert utrecht-alert--error" role="alert"><p>{e.to_string()}</p></div> }.into_any(),
        })}
        <Suspense fallback=|| view! { <p>"Laden…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => error_view(e),
                    Ok(o) => view! {
                        <dl class="facts" data-testid="organisatie">
                            <dt>"Naam"</dt><dd>{o.name.clone()}</dd>
                            <dt>"KvK-nummer"</dt><dd>{o.kvk.clone()}</dd>
                            <dt>"Adres"</dt><dd>{format!("{}, {} {}", o.address, o.postcode, o.place)}</dd>
                        </dl>
                        <h2 class="utrecht-heading-2">"Aanbestedingen"</h2>
                        <ul>{o.tenders.iter().map(|(id, t, s)| view! { <li><a href=format!("/aanbesteding/{id}")>{t.clone()}</a>{format!(" ({s})")}</li> }).collect_view()}</ul>
                        {o.open.clone().into_iter().map(|(id, t)| view! {
                            <ActionForm action=join attr:class="inline-form">
                                <input type="hidden" name="aanbesteding" value=id/>
                                <button type="submit" class="utrecht-button utrecht-button--secondary-action">{format!("Aanmelden voor {t}")}</button>
                            </ActionForm>
                        }).collect_view()}
                        <h2 class="utrecht-heading-2">"Collega's"</h2>
                        <table class="utrecht-table"><tbody>{o.members.iter().map(|(n, u, e, p, c)| view! {
                            <tr><td>{n.clone()}</td><td>{u.clone()}</td><td>{e.clone()}</td><td>{p.clone()}</td><td>{c.then_some("contactpersoon")}</td></tr>
                        }).collect_view()}</tbody></table>
                        <details class="editor"><summary>"Collega uitnodigen"</summary>
                            <ActionForm action=invite>
                                {field("naam", "Naam", "text", "off")}
                                {field("email", "E-mailadres", "email", "off")}
                                {field("gebruikersnaam", "Gebruikersnaam", "text", "off")}
                                <button type="submit" class="utrecht-button utrecht-button--primary-action">"Uitnodigen"</button>
                            </ActionForm>
                        </details>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn Messages() -> impl IntoView {
    let data = Resource::new(|| (), |_| inbox());
    view! {
        <Title text="Berichten · Dialoog"/>
        <h1 class="utrecht-heading-1">"Berichten"</h1>
        <Suspense fallback=|| view! { <p>"Laden…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => error_view(e),
                    Ok(ms) if ms.is_empty() => view! { <p>"Geen berichten."</p> }.into_any(),
                    Ok(ms) => view! {
                        <ul class="messages">{ms.into_iter().map(|m| view! {
                            <li data-testid="bericht"><h2 class="utrecht-heading-3">{m.subject.clone()}</h2><p class="meta">{m.at.clone()}</p>
                                <div class="markdown" inner_html=m.html.clone()></div>
                                {m.link.clone().map(|l| view! { <a href=l>"Bekijken"</a> })}</li>
                        }).collect_view()}</ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
