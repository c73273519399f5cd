//! Beheer: the functioneel beheerder's list of accounts (searchable, paged)
//! with what can be done to each, and the form for a new account.

use super::error_view;
use crate::api::admin::{
    accounts_view, AccountRow, AnonymiseAccount, CreateAccount, DeactivateAccount, InviteAccount, ReactivateAccount,
    ResetSecondFactor, SetAccountRights,
};
use crate::feedback;
use leptos::prelude::*;
use leptos_meta::Title;

/// The actions of the page, shared by every row.
#[derive(Clone, Copy)]
struct Acts {
    invite: ServerAction<InviteAccount>,
    deactivate: ServerAction<DeactivateAccount>,
    reactivate: ServerAction<ReactivateAccount>,
    reset: ServerAction<ResetSecondFactor>,
    anonymise: ServerAction<AnonymiseAccount>,
    rights: ServerAction<SetAccountRights>,
}

#[component]
pub fn Accounts() -> impl IntoView {
    let q = leptos_router::hooks::use_query_map();
    let create = ServerAction::<CreateAccount>::new();
    let acts = Acts {
        invite: ServerAction::new(),
        deactivate: ServerAction::new(),
        reactivate: ServerAction::new(),
        reset: ServerAction::new(),
        anonymise: ServerAction::new(),
        rights: ServerAction::new(),
    };
    let data = Resource::new(
        move || {
            let q = q.read();
            (
                q.get("zoek"),
                q.get("pagina").and_then(|p| p.parse::<u64>().ok()),
                create.version().get()
                    + acts.invite.version().get()
                    + acts.deactivate.version().get()
                    + acts.reactivate.version().get()
                    + acts.reset.version().get()
                    + acts.anonymise.version().get()
                    + acts.rights.version().get(),
            )
        },
        |(zoek, pagina, _)| accounts_view(zoek, pagina),
    );
    view! {
        <Title text="Beheer · Dialoog"/>
        <h1 class="utrecht-heading-1">"Beheer: accounts"</h1>
        <p>"Hier maakt u accounts aan en nodigt u mensen uit. Wie een uitnodiging krijgt, kiest zelf een wachtwoord; "
           "niemand anders ziet het. Toegang tot een aanbesteding geeft de inkoper van die aanbesteding, op de pagina Team. "
           "Als beheerder ziet u geen inschrijvingen, plannen of scores."</p>
        <p><a href="/beheer/aanbestedingen">"Alle aanbestedingen (zonder inhoud)"</a>" · "<a href="/beheer/e-mail">"Verstuurde e-mail over accounts"</a></p>
        {move || create.value().get().map(|r| match r {
            Ok(u) => view! { <div class="utrecht-alert utrecht-alert--ok" role="status" data-testid="gelukt"><p>
                {format!("Account '{u}' is aangemaakt. De uitnodiging is per e-mail verstuurd (72 uur geldig).")}</p></div> }.into_any(),
            Err(e) => view! { <div class="utrecht-alert utrecht-alert--error" role="alert" data-testid="fout"><p>{e.to_string()}</p></div> }.into_any(),
        })}
        {feedback!(acts.invite, "Er is een nieuwe uitnodiging verstuurd; eerdere links werken niet meer.")}
        {feedback!(acts.deactivate, "Het account is gedeactiveerd.")}
        {feedback!(acts.reactivate, "Het account is weer actief.")}
        {feedback!(acts.reset, "De tweede stap is verwijderd; bij de volgende keer inloggen stelt de gebruiker die opnieuw in.")}
        {feedback!(acts.anonymise, "Het account is geanonimiseerd. De audittrail blijft controleerbaar.")}
        {feedback!(acts.rights, "De rechten zijn aangepast.")}
        <details class="editor" open=true><summary>"Nieuw account"</summary>
            <ActionForm action=create>
                <div class="utrecht-form-field">
                    <label class="utrecht-form-label" for="nieuw-naam">"Naam"</label>
                    <input class="utrecht-textbox" id="nieuw-naam" name="naam" type="text" autocomplete="off" required maxlength="200"/>
                </div>
                <div class="utrecht-form-field">
                    <label class="utrecht-form-label" for="nieuw-email">"E-mailadres (hierheen gaat de uitnodiging)"</label>
                    <input class="utrecht-textbox" id="nieuw-email" name="email" type="email" autocomplete="off" required/>
                </div>
                <div class="utrecht-form-field">
                    <label class="utrecht-form-label" for="nieuw-gebruikersnaam">"Gebruikersnaam"</label>
                    <input class="utrecht-textbox" id="nieuw-gebruikersnaam" name="gebruikersnaam" type="text" autocomplete="off" required maxlength="40"/>
                    <p class="hint">"3 tot 40 tekens: letters, cijfers, punt, streepje of liggend streepje."</p>
                </div>
                <label class="checkbox"><input type="checkbox" name="aanmaken" value="ja"/>" Mag aanbestedingen aanmaken"</label>
                <button type="submit" class="utrecht-button utrecht-button--primary-action" data-testid="account-aanmaken">"Aanmaken en uitnodigen"</button>
            </ActionForm>
        </details>
        <form method="get" action="/beheer" class="search-form" role="search">
            <label class="utrecht-form-label" for="zoek">"Zoek op naam, gebruikersnaam of e-mailadres"</label>
            <input class="utrecht-textbox" id="zoek" name="zoek" type="search" value=move || q.read().get("zoek").unwrap_or_default()/>
            <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Zoeken"</button>
        </form>
        <Suspense fallback=|| view! { <p>"Laden…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => error_view(e),
                    Ok(p) => {
                        let query = p.query.clone();
                        let link = move |page: u64| format!("/beheer?zoek={}&pagina={page}", urlencode(&query));
                        view! {
                            <p class="meta" data-testid="aantal-accounts">{format!("{} accounts · pagina {} van {}", p.total, p.page, p.pages)}</p>
                            <table class="utrecht-table" data-testid="accounts">
                                <thead><tr>
                                    <th scope="col">"Naam"</th><th scope="col">"Gebruikersnaam"</th><th scope="col">"E-mailadres"</th>
                                    <th scope="col">"Status"</th><th scope="col">"Rechten"</th><th scope="col">"Acties"</th>
                                </tr></thead>
                                <tbody>{p.rows.into_iter().map(|r| view! { <Row r acts/> }).collect_view()}</tbody>
                            </table>
                            <nav class="pager" aria-label="Pagina's">
                                {(p.page > 1).then(|| view! { <a href=link(p.page - 1) rel="prev">"Vorige"</a> })}
                                {(p.page < p.pages).then(|| view! { <a href=link(p.page + 1) rel="next">"Volgende"</a> })}
                            </nav>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
fn Row(r: AccountRow, acts: Acts) -> impl IntoView {
    let id = r.id;
    let testid = format!("account-{}", r.username);
    let rights = [
        r.beheerder.then_some("beheerder"),
        r.creates_tenders.then_some("maakt aanbestedingen"),
        r.second_factor.then_some("tweede stap ingesteld"),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    let editable = !r.anonymised;
    view! {
        <tr data-testid=testid>
            <td>{r.name.clone()}{r.organisation.clone().map(|o| view! { <br/><span class="meta">{o}</span> })}</td>
            <td>{r.username.clone()}</td>
            <td>{r.email.clone()}</td>
            <td><span data-testid="status">{r.status.clone()}</span>{r.status_note.clone().map(|n| view! { <br/><span class="meta">{n}</span> })}</td>
            <td>{if rights.is_empty() { "–".to_string() } else { rights }}</td>
            <td>{editable.then(|| view! {
                <div class="row-actions">
                    {r.active.then(|| view! {
                        <ActionForm action=acts.invite attr:class="inline-form">
                            <input type="hidden" name="account" value=id/>
                            <button type="submit" class="utrecht-button utrecht-button--subtle" data-testid="uitnodigen">"Opnieuw uitnodigen"</button>
                        </ActionForm>
                    })}
                    {(r.active && !r.me).then(|| view! {
                        <ActionForm action=acts.deactivate attr:class="inline-form">
                            <input type="hidden" name="account" value=id/>
                            <button type="submit" class="utrecht-button utrecht-button--subtle" data-testid="deactiveren">"Deactiveren"</button>
                        </ActionForm>
                    })}
                    {(!r.active).then(|| view! {
                        <ActionForm action=acts.reactivate attr:class="inline-form">
                            <input type="hidden" name="account" value=id/>
                            <button type="submit" class="utrecht-button utrecht-button--subtle" data-testid="activeren">"Weer activeren"</button>
                        </ActionForm>
                    })}
                    {r.second_factor.then(|| view! {
                        <ActionForm action=acts.reset attr:class="inline-form">
                            <input type="hidden" name="account" value=id/>
                            <button type="submit" class="utrecht-button utrecht-button--subtle" data-testid="tweede-stap-herstellen">"Tweede stap herstellen"</button>
                        </ActionForm>
                    })}
                    {r.organisation.is_none().then(|| view! {
                        <details class="editor"><summary>"Rechten"</summary>
                            <ActionForm action=acts.rights>
                                <input type="hidden" name="account" value=id/>
                                <label class="checkbox"><input type="checkbox" name="beheerder" value="ja" checked=r.beheerder/>" Functioneel beheerder"</label>
                                <label class="checkbox"><input type="checkbox" name="aanmaken" value="ja" checked=r.creates_tenders/>" Mag aanbestedingen aanmaken"</label>
                                <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Rechten opslaan"</button>
                            </ActionForm>
                        </details>
                    })}
                    {(!r.me).then(|| view! {
                        <details class="editor"><summary>"Anonimiseren (AVG)"</summary>
                            <ActionForm action=acts.anonymise>
                                <input type="hidden" name="account" value=id/>
                                <label class="utrecht-form-label" for=format!("reden-{id}")>"Reden of kenmerk van het verzoek"</label>
                                <input class="utrecht-textbox" id=format!("reden-{id}") name="reden" type="text" required/>
                                <label class="checkbox"><input type="checkbox" name="akkoord" value="ja" required/>
                                    " Naam, e-mailadres en gebruikersnaam worden vervangen; dit kan niet ongedaan worden gemaakt"</label>
                                <button type="submit" class="utrecht-button utrecht-button--secondary-action" data-testid="anonimiseren">"Anonimiseren"</button>
                            </ActionForm>
                        </details>
                    })}
                </div>
            })}</td>
        </tr>
    }
}

/// Every tender, as the beheerder sees it: reference, title, phase and its
/// inkopers; never its content. A tender can be given an inkoper here.
#[component]
pub fn AllTenders() -> impl IntoView {
    use crate::api::admin::{all_tenders, AssignInkoper};
    let assign = ServerAction::<AssignInkoper>::new();
    let data = Resource::new(move || assign.version().get(), |_| all_tenders());
    view! {
        <Title text="Alle aanbestedingen · Beheer · Dialoog"/>
        <h1 class="utrecht-heading-1">"Alle aanbestedingen"</h1>
        <p>"Per aanbesteding het kenmerk, de fase en de inkopers. De inhoud (documenten, inschrijvingen, beoordeling) "
           "ziet alleen wie een rol in de aanbesteding heeft."</p>
        <p><a href="/beheer">"Terug naar de accounts"</a></p>
        {feedback!(assign, "De inkoper is toegevoegd.")}
        <Suspense fallback=|| view! { <p>"Laden…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => error_view(e),
                    Ok(ts) if ts.is_empty() => view! { <p>"Er zijn nog geen aanbestedingen."</p> }.into_any(),
                    Ok(ts) => view! {
                        <table class="utrecht-table" data-testid="alle-aanbestedingen">
                            <thead><tr><th scope="col">"Kenmerk"</th><th scope="col">"Titel"</th><th scope="col">"Fase"</th>
                                <th scope="col">"Inkopers"</th><th scope="col">"Inkoper toevoegen"</th></tr></thead>
                            <tbody>{ts.into_iter().map(|t| {
                                let tid = t.id;
                                view! {
                                    <tr data-testid=format!("aanbesteding-{}", t.reference)>
                                        <td>{t.reference.clone()}</td>
                                        <td>{t.title.clone()}{t.training.then(|| view! { " " <span class="badge">"oefenomgeving"</span> })}
                                            <br/><span class="meta">{format!("aangemaakt {}", t.created)}</span></td>
                                        <td>{t.phase.clone()}</td>
                                        <td>{if t.inkopers.is_empty() { "geen".to_string() } else { t.inkopers.join(", ") }}</td>
                                        <td><ActionForm action=assign attr:class="inline-form">
                                            <input type="hidden" name="aanbesteding" value=tid/>
                                            <label class="utrecht-form-label" for=format!("inkoper-{tid}")>"Gebruikersnaam"</label>
                                            <input class="utrecht-textbox" id=format!("inkoper-{tid}") name="gebruikersnaam" type="text" required/>
                                            <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Toevoegen"</button>
                                        </ActionForm></td>
                                    </tr>
                                }
                            }).collect_view()}</tbody>
                        </table>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
