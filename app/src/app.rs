//! The application shell, the router and the page frame (header, demo banner).

use crate::api::auth::{demo_mode, me, Logout};
use crate::pages;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The HTML document around every page. Sets the Content-Security-Policy with a
/// fresh nonce for the hydration script.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        leptos::nonce::provide_nonce();
        if let (Some(nonce), Some(resp)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>()) {
            let csp = format!(
                "default-src 'self'; script-src 'self' 'nonce-{n}' 'wasm-unsafe-eval'; style-src 'self'; \
                 img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
                 base-uri 'none'; object-src 'none'",
                n = nonce.as_inner()
            );
            if let Ok(v) = http::HeaderValue::from_str(&csp) {
                resp.insert_header(http::header::CONTENT_SECURITY_POLICY, v);
            }
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang="nl">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="stylesheet" href="/pkg/dialoog.css"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <script src="/upload.js" defer></script>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body class="utrecht-document">
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(pages::ClockMoved(RwSignal::new(0)));
    view! {
        <Router>
            <Frame>
                <Routes fallback=|| view! { <pages::NotFound/> }>
                    <Route path=path!("/") view=pages::dashboard::Dashboard ssr=SsrMode::Async/>
                    <Route path=path!("/inloggen") view=pages::login::Login ssr=SsrMode::Async/>
                    <Route path=path!("/wachtwoord") view=pages::password::ChangePassword ssr=SsrMode::Async/>
                    <Route path=path!("/zegelwachtwoord") view=pages::password::SealingPassphrase ssr=SsrMode::Async/>
                    <Route path=path!("/inloggen/code") view=pages::account::LoginCodePage ssr=SsrMode::Async/>
                    <Route path=path!("/uitnodiging") view=pages::account::Invitation ssr=SsrMode::Async/>
                    <Route path=path!("/tweede-factor") view=pages::account::SecondFactor ssr=SsrMode::Async/>
                    <Route path=path!("/beheer") view=pages::admin::Accounts ssr=SsrMode::Async/>
                    <Route path=path!("/beheer/aanbestedingen") view=pages::admin::AllTenders ssr=SsrMode::Async/>
                    <Route path=path!("/beheer/e-mail") view=pages::mail::AccountMail ssr=SsrMode::Async/>
                    <Route path=path!("/nieuwe-aanbesteding") view=pages::setup::NewTender ssr=SsrMode::Async/>
                    <Route path=path!("/aanbesteding/:id/opzet") view=pages::setup::Setup ssr=SsrMode::Async/>
                    <Route path=path!("/aanbesteding/:id/team") view=pages::setup::Team ssr=SsrMode::Async/>
                    <Route path=path!("/aanbesteding/:id") view=pages::tender::TenderOverview ssr=SsrMode::Async/>
                    <Route path=path!("/audittrail") view=pages::audit::AuditTrail ssr=SsrMode::Async/>
                    <Route path=path!("/aanbesteding/:id/documenten") view=pages::documents::Documents ssr=SsrMode::Async/>
                    <Route path=path!("/aanbesteding/:id/gemeenten") view=pages::buyers::Buyers ssr=SsrMode::Async/>
                    <Route path=path!("/aanbesteding/:id/gunningsmethode") view=pages::award::AwardMethod ssr=SsrMode::Async/>
                    <Route path=path!("/aanbesteding/:id/vragen") view=pages::nvi::Nvi ssr=SsrMode::Async/>
                    <Route path=path!("/aanbesteding/:id/dialoog") view=pages::dialogue::Dialogue ssr=SsrMode::Async/>
                    <Route path=path!("/aanbesteding/:id/inschrijving") view=pages::bid::Bid ssr=SsrMode::Async/>
                    <Route path=path!("/aanbesteding/:id/ontvangstbevestiging/:receipt") view=pages::bid::ReceiptPage ssr=SsrMode::Async/>
                    <Route path=path!("/aanbesteding/:id/opening") view=pages::bid::Opening ssr=SsrMode::Async/>
                    <Route path=path!("/aanbesteding/:id/beoordeling") view=pages::evaluation::Evaluation ssr=SsrMode::Async/>
                    <Route path=path!("/aanbesteding/:id/gunning") view=pages::decision::Decision ssr=SsrMode::Async/>
                    <Route path=path!("/aanbesteding/:id/contract") view=pages::contract::Contract ssr=SsrMode::Async/>
                    <Route path=path!("/aanbesteding/:id/e-mail") view=pages::mail::TenderMail ssr=SsrMode::Async/>
                    <Route path=path!("/aanbesteding/:id/aankondigingen") view=pages::notices::Notices ssr=SsrMode::Async/>
                    <Route path=path!("/registreren") view=pages::portal::Register ssr=SsrMode::Async/>
                    <Route path=path!("/toegankelijkheid") view=pages::accessibility::Statement ssr=SsrMode::Async/>
                    <Route path=path!("/organisatie") view=pages::portal::Organisation ssr=SsrMode::Async/>
                    <Route path=path!("/berichten") view=pages::portal::Messages ssr=SsrMode::Async/>
                </Routes>
            </Frame>
        </Router>
    }
}

/// Header with the logged-in user and logout, the demo banner, and the main area.
#[component]
fn Frame(children: Children) -> impl IntoView {
    // Refetched on every navigation, so the header follows a log-in or log-out
    // that happened without a full page load.
    let location = leptos_router::hooks::use_location();
    let user = Resource::new(move || location.pathname.get(), |_| me());
    let demo = Resource::new(|| (), |_| demo_mode());
    let logout = ServerAction::<Logout>::new();
    view! {
        <a class="skip-link" href="#inhoud">"Naar de inhoud"</a>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                demo.await.unwrap_or(false).then(|| view! {
                    <div class="demo-banner" role="status">
                        "Demonstratieomgeving: alle demo-accounts gebruiken het wachtwoord "
                        <code>"dialoog-demo"</code>". Voer hier geen echte gegevens in."
                    </div>
                })
            })}
        </Suspense>
        <header class="page-header">
            <div class="page-header__inner">
                <a class="brand" href="/">"Dialoog"</a>
                <span class="brand-sub">"Aanbesteden in dialoog"</span>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match user.await {
                            Ok(Some(u)) => view! {
                                <nav class="user-nav" aria-label="Gebruiker">
                                    <a href="/">"Overzicht"</a>
                                    <a href="/berichten">"Berichten"</a>
                                    {u.creates_tenders.then(|| view! { <a href="/nieuwe-aanbesteding" data-testid="nieuwe-aanbesteding-link">"Nieuwe aanbesteding"</a> })}
                                    {u.beheerder.then(|| view! { <a href="/beheer" data-testid="beheer-link">"Beheer"</a> })}
                                    <a href="/tweede-factor">"Inlogbeveiliging"</a>
                                    {(u.creates_tenders || u.roles.iter().any(|r| r.2 == "inkoper")).then(|| view! {
                                        <a href="/zegelwachtwoord" data-testid="zegel-link">"Zegelwachtwoord"</a>
                                    })}
                                    <span class="user-name" data-testid="ingelogd-als">{u.display_name.clone()}</span>
                                    <ActionForm action=logout attr:class="inline-form">
                                        <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Uitloggen"</button>
                                    </ActionForm>
                                </nav>
                            }.into_any(),
                            _ => view! { <span></span> }.into_any(),
                        }
                    })}
                </Suspense>
            </div>
        </header>
        <main id="inhoud" class="page-main">{children()}</main>
        <footer class="page-footer">
            "Dialoog · elke wijziging wordt vastgelegd in een controleerbare audittrail · "
            <a href="/toegankelijkheid" data-testid="toegankelijkheid-link">"Toegankelijkheid"</a>
        </footer>
    }
}
