//! E-mail delivery pages: a tender's e-mails (its inkopers) and the account
//! e-mails (the beheerder).

use super::{error_view, tender_id, tender_or_none, TenderNav};
use crate::api::mail::{account_mail, tender_mail, MailView};
use leptos::prelude::*;

fn mail_table(v: MailView) -> AnyView {
    let relay = match v.relay.clone() {
        Some(r) => view! { <p data-testid="mailserver">{format!("E-mail gaat via de mailserver {r}. Een bericht dat niet aankomt, wordt opnieuw geprobeerd, steeds iets later.")}</p> }.into_any(),
        None => view! { <div class="utrecht-alert utrecht-alert--warning" role="status" data-testid="geen-mailserver"><p>
            "Er is geen mailserver ingesteld: e-mails worden bewaard maar niet verstuurd. Ontvangers zien hun berichten wel in Dialoog."</p></div> }.into_any(),
    };
    if v.rows.is_empty() {
        return view! { {relay} <p>"Er zijn nog geen e-mails."</p> }.into_any();
    }
    view! {
        {relay}
        <table class="utrecht-table" data-testid="e-mails">
            <thead><tr><th scope="col">"Aan"</th><th scope="col">"Onderwerp"</th><th scope="col">"Gemaakt"</th>
                <th scope="col">"Status"</th><th scope="col" class="num">"Pogingen"</th><th scope="col">"Toelichting"</th></tr></thead>
            <tbody>{v.rows.into_iter().map(|r| view! {
                <tr data-testid="e-mail">
                    <td>{r.to}</td><td>{r.subject}</td><td>{r.created}</td>
                    <td data-testid="e-mail-status">{r.state}</td><td class="num">{r.attempts}</td><td>{r.detail}</td>
                </tr>
            }).collect_view()}</tbody>
        </table>
        {v.more.then(|| view! { <p>"Alleen de nieuwste e-mails staan hier; de rest staat in de outbox (dialoog outbox)."</p> })}
    }
    .into_any()
}

/// The e-mails of one tender.
#[component]
pub fn TenderMail() -> impl IntoView {
    let id = tender_id();
    let data = Resource::new(id, |id| tender_mail(tender_or_none(id)));
    view! {
        <leptos_meta::Title text="E-mail · Dialoog"/>
        {move || id().map(|id| view! { <TenderNav id/> })}
        <h1 class="utrecht-heading-1">"Verstuurde e-mail"</h1>
        <p>"Elke e-mail die deze aanbesteding verstuurt, met wat ermee gebeurde. Elk bericht staat ook in Dialoog zelf, bij de ontvanger."</p>
        <Suspense fallback=|| view! { <p>"Laden…"</p> }>
            {move || Suspend::new(async move { match data.await { Ok(v) => mail_table(v), Err(e) => error_view(e) } })}
        </Suspense>
    }
}

/// The account e-mails (invitations, notices about an organisation).
#[component]
pub fn AccountMail() -> impl IntoView {
    let data = Resource::new(|| (), |_| account_mail());
    view! {
        <leptos_meta::Title text="E-mail · Beheer · Dialoog"/>
        <h1 class="utrecht-heading-1">"Verstuurde e-mail over accounts"</h1>
        <p>"Uitnodigingen en berichten over accounts en organisaties. De e-mail van een aanbesteding zien de inkopers bij die aanbesteding."</p>
        <p><a href="/beheer">"Terug naar de accounts"</a></p>
        <Suspense fallback=|| view! { <p>"Laden…"</p> }>
            {move || Suspend::new(async move { match data.await { Ok(v) => mail_table(v), Err(e) => error_view(e) } })}
        </Suspense>
    }
}
