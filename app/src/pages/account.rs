//! Getting in: accepting an invitation (choosing one's own password), the
//! second step of a log-in, and setting up that second step (TOTP) with its
//! recovery codes. Every form works without JavaScript.

use crate::api::auth::{invitation_view, second_factor_view, AcceptInvitation, EnrolSecondFactor, LoginCode};
use crate::domain::password::{MAX_LEN, MIN_LEN};
use leptos::prelude::*;
use leptos_meta::Title;

fn alert(e: crate::error::AppError, testid: &'static str) -> AnyView {
    view! { <div class="utrecht-alert utrecht-alert--error" role="alert" data-testid=testid><p>{e.to_string()}</p></div> }.into_any()
}

/// The page an invitation link opens: who is invited, and the form for
/// their own password. An unknown, used, replaced or expired link gets a
/// page that says so.
#[component]
pub fn Invitation() -> impl IntoView {
    let q = leptos_router::hooks::use_query_map();
    let token = move || q.read().get("t").unwrap_or_default();
    let accept = ServerAction::<AcceptInvitation>::new();
    let info = Resource::new(token, invitation_view);
    view! {
        <Title text="Uitnodiging · Dialoog"/>
        <div class="login-box">
            <h1 class="utrecht-heading-1">"Uitnodiging voor Dialoog"</h1>
            {move || accept.value().get().and_then(|r| r.err()).map(|e| alert(e, "uitnodiging-fout"))}
            <Suspense fallback=|| view! { <p>"Laden…"</p> }>
                {move || Suspend::new(async move {
                    match info.await {
                        Err(e) => view! {
                            <div class="utrecht-alert utrecht-alert--error" role="alert" data-testid="uitnodiging-ongeldig"><p>{e.to_string()}</p></div>
                            <p><a href="/inloggen">"Naar de inlogpagina"</a></p>
                        }.into_any(),
                        Ok(i) => view! {
                            <p>{format!("Welkom, {}. Uw gebruikersnaam is ", i.name)}<strong data-testid="uitnodiging-gebruikersnaam">{i.username.clone()}</strong>"."</p>
                            <p>{format!(
                                "Kies een wachtwoord van {MIN_LEN} tot {MAX_LEN} tekens; een zin van een paar woorden is sterk en goed te onthouden. \
                                 Deze link werkt één keer en is geldig tot {}.", i.valid_until
                            )}</p>
                            {i.second_factor_next.then(|| view! {
                                <p>"Daarna stelt u de tweede stap van het inloggen in: een app op uw telefoon die elke 30 seconden een nieuwe code van zes cijfers maakt."</p>
                            })}
                            <ActionForm action=accept>
                                <input type="hidden" name="t" value=token/>
                                <input type="text" name="username" autocomplete="username" value=i.username.clone() hidden/>
                                <super::NewPasswordFields label="Wachtwoord" repeat_label="Herhaal het wachtwoord"/>
                                <button class="utrecht-button utrecht-button--primary-action" type="submit" data-testid="uitnodiging-accepteren">"Wachtwoord opslaan"</button>
                            </ActionForm>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

/// The second step of a log-in.
#[component]
pub fn LoginCodePage() -> impl IntoView {
    let action = ServerAction::<LoginCode>::new();
    view! {
        <Title text="Code invullen · Dialoog"/>
        <div class="login-box">
            <h1 class="utrecht-heading-1">"Code invullen"</h1>
            <p>"Vul de code van zes cijfers in die uw app nu toont. Geen toegang tot uw app? Gebruik een van uw herstelcodes."</p>
            {move || action.value().get().and_then(|r| r.err()).map(|e| alert(e, "code-fout"))}
            <ActionForm action=action>
                <super::CodeInput label="Code" max="20"/>
                <button class="utrecht-button utrecht-button--primary-action" type="submit" data-testid="code-inloggen">"Inloggen"</button>
            </ActionForm>
            <p><a href="/inloggen">"Opnieuw beginnen"</a></p>
        </div>
    }
}

/// Setting up the second step: the QR code (drawn on the server) and the
/// secret as text, the first code to confirm, then the recovery codes once.
#[component]
pub fn SecondFactor() -> impl IntoView {
    let enrol = ServerAction::<EnrolSecondFactor>::new();
    let state = Resource::new(move || enrol.version().get(), |_| second_factor_view());
    view! {
        <Title text="Tweede stap · Dialoog"/>
        <h1 class="utrecht-heading-1">"Tweede stap van het inloggen"</h1>
        {move || enrol.value().get().map(|r| match r {
            Ok(codes) => view! {
                <div class="utrecht-alert utrecht-alert--ok" role="status" data-testid="gelukt">
                    <p>"De tweede stap is ingesteld. Bewaar deze tien herstelcodes op een veilige plek (bijvoorbeeld afgedrukt): "
                       "met elk ervan kunt u één keer inloggen als u uw telefoon niet bij de hand heeft. Ze worden niet opnieuw getoond."</p>
                    <ol class="recovery-codes" data-testid="herstelcodes">{codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}</ol>
                    <p><a href="/">"Verder naar het overzicht"</a></p>
                </div>
            }.into_any(),
            Err(e) => alert(e, "fout"),
        })}
        <Suspense fallback=|| view! { <p>"Laden…"</p> }>
            {move || Suspend::new(async move {
                match state.await {
                    Err(e) => super::error_view(e),
                    Ok(s) if s.enrolled => view! {
                        <p data-testid="tweede-stap-aan">{format!(
                            "Uw tweede stap is ingesteld. U heeft nog {} ongebruikte herstelcodes. Nieuwe telefoon? Vraag de functioneel beheerder de tweede stap te herstellen; daarna stelt u haar opnieuw in.",
                            s.recovery_codes_left
                        )}</p>
                    }.into_any(),
                    Ok(s) => {
                        let e = s.enrolment.clone().unwrap_or(crate::api::auth::EnrolmentView { secret: String::new(), url: String::new(), qr_svg: String::new() });
                        view! {
                            {s.required.then(|| view! {
                                <p class="utrecht-alert utrecht-alert--warning" role="status">"Voor uw account is een tweede stap verplicht: u kunt verder zodra die is ingesteld."</p>
                            })}
                            <ol class="steps">
                                <li>"Installeer op uw telefoon een app die inlogcodes maakt (een authenticator-app)."</li>
                                <li>"Scan in die app deze QR-code, of typ de sleutel eronder over."</li>
                                <li>"Vul de code van zes cijfers in die de app dan toont."</li>
                            </ol>
                            <figure class="qr" data-testid="qr-code">
                                <div inner_html=e.qr_svg.clone()></div>
                                <figcaption>"Sleutel: "<code data-testid="totp-sleutel">{e.secret.clone()}</code></figcaption>
                            </figure>
                            <ActionForm action=enrol>
                                <super::CodeInput label="Code uit de app" max="7"/>
                                <button class="utrecht-button utrecht-button--primary-action" type="submit" data-testid="tweede-stap-bevestigen">"Instellen"</button>
                            </ActionForm>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
