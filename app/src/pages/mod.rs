//! One module per screen.

pub mod accessibility;
pub mod account;
pub mod admin;
pub mod audit;
pub mod award;
pub mod bid;
pub mod buyers;
pub mod contract;
pub mod dashboard;
pub mod decision;
pub mod dialogue;
pub mod documents;
pub mod evaluation;
pub mod login;
pub mod mail;
pub mod notices;
pub mod nvi;
pub mod password;
pub mod portal;
pub mod procedure;
pub mod setup;
pub mod tender;

use crate::error::AppError;
use crate::ids::TenderId;
use leptos::prelude::*;
use leptos_router::components::Redirect;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <leptos_meta::Title text="Pagina niet gevonden · Dialoog"/>
        <h1 class="utrecht-heading-1">"Pagina niet gevonden"</h1>
        <p>"Deze pagina bestaat niet. Ga terug naar het "<a href="/">"overzicht"</a>"."</p>
    }
}

/// Shows an error the way every page does: not logged in goes to the login page,
/// everything else is a message in Dutch.
pub fn error_view(e: AppError) -> AnyView {
    match e {
        AppError::NotLoggedIn => view! { <Redirect path="/inloggen"/> }.into_any(),
        AppError::PasswordChangeRequired => view! { <Redirect path="/wachtwoord"/> }.into_any(),
        AppError::SecondFactorRequired => view! { <Redirect path="/tweede-factor"/> }.into_any(),
        e => {
            // The page's own status follows the refusal (a 404 for a tender
            // that does not exist, a 403 without a role), not a 200.
            #[cfg(feature = "ssr")]
            if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
                res.set_status(http::StatusCode::from_u16(e.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR));
            }
            view! {
                <div class="utrecht-alert utrecht-alert--error" role="alert">
                    <p>{e.to_string()}</p>
                </div>
            }
            .into_any()
        }
    }
}

/// The result of a form action: a Dutch error, or a short confirmation.
#[macro_export]
macro_rules! feedback {
    ($action:expr, $ok:expr) => {
        move || {
            $action.value().get().map(|r| match r {
                Ok(_) => leptos::prelude::view! {
                    <div class="utrecht-alert utrecht-alert--ok" role="status" data-testid="gelukt"><p>{$ok}</p></div>
                }
                .into_any(),
                Err(e) => leptos::prelude::view! {
                    <div class="utrecht-alert utrecht-alert--error" role="alert" data-testid="fout"><p>{e.to_string()}</p></div>
                }
                .into_any(),
            })
        }
    };
}

/// The tender id from the route.
pub fn tender_id() -> impl Fn() -> Option<TenderId> + Copy + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || params.read().get("id").and_then(|s| s.parse::<TenderId>().ok())
}

/// The tender id from the route, or an id no tender has (the server answers
/// that one as any tender the caller has no role in).
pub fn tender_or_none(id: Option<TenderId>) -> TenderId {
    id.unwrap_or(TenderId(0))
}

/// The frame every page of one tender shares: the document title, the
/// tender's navigation and banner, the page heading, the feedback of the
/// page's forms (its children), and the content once `data` is loaded, or the
/// error in Dutch.
#[component]
pub fn TenderPage<T, F, V>(
    /// The document title (" · Dialoog" is added).
    title: &'static str,
    /// The page heading.
    heading: &'static str,
    /// What the page shows.
    data: Resource<Result<T, AppError>>,
    /// Renders the loaded data.
    render: F,
    /// Messages above the content: what the page's forms answered.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let id = tender_id();
    view! {
        <leptos_meta::Title text=format!("{title} · Dialoog")/>
        {move || id().map(|id| view! { <TenderNav id/> })}
        <h1 class="utrecht-heading-1">{heading}</h1>
        <UrlMessages/>
        {children.map(|c| c())}
        <Suspense fallback=|| view! { <p>"Laden…"</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match data.await {
                        Err(e) => error_view(e),
                        Ok(v) => render(v).into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The two fields of a new password (the password and its repetition).
#[component]
pub fn NewPasswordFields(label: &'static str, repeat_label: &'static str) -> impl IntoView {
    use crate::domain::password::{MAX_LEN, MIN_LEN};
    view! {
        <div class="utrecht-form-field">
            <label class="utrecht-form-label" for="new_password">{label}</label>
            <input class="utrecht-textbox" id="new_password" name="new_password" type="password" autocomplete="new-password" minlength=MIN_LEN maxlength=MAX_LEN required/>
        </div>
        <div class="utrecht-form-field">
            <label class="utrecht-form-label" for="repeat">{repeat_label}</label>
            <input class="utrecht-textbox" id="repeat" name="repeat" type="password" autocomplete="new-password" minlength=MIN_LEN maxlength=MAX_LEN required/>
        </div>
    }
}

/// The content of a `<textarea>`, as HTML for `inner_html`. Leptos writes a
/// textarea's children unescaped, so a stored `</textarea>` followed by markup
/// would end the field and inject that markup, and entities such as `&amp;`
/// would be decoded; escaped, the field shows exactly the stored text and a
/// save sends it back unchanged. On the server a newline goes first, because
/// the HTML parser drops one newline right after `<textarea>` (a text that
/// starts with one keeps it); the browser's own rendering drops none.
pub fn textarea_html(text: &str) -> String {
    let escaped = html_escape::encode_text(text);
    if cfg!(feature = "ssr") {
        format!("\n{escaped}")
    } else {
        escaped.into_owned()
    }
}

/// The field of a code from the authenticator app (or, at log-in, a recovery code).
#[component]
pub fn CodeInput(label: &'static str, max: &'static str) -> impl IntoView {
    view! {
        <div class="utrecht-form-field">
            <label class="utrecht-form-label" for="code">{label}</label>
            <input class="utrecht-textbox code-input" id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required maxlength=max/>
        </div>
    }
}

/// The field for a fresh code from the authenticator app that confirms an
/// act (the opening, the consensus lock), when the caller has one.
#[component]
pub fn CodeField(required: bool, id: &'static str) -> impl IntoView {
    required.then(|| view! {
        <div class="utrecht-form-field">
            <label class="utrecht-form-label" for=id>"Code uit uw app (bevestigt dat u het zelf bent)"</label>
            <input class="utrecht-textbox code-input" id=id name="code" type="text" inputmode="numeric"
                autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" required data-testid=id/>
        </div>
    })
}

/// A message or error passed back in the URL by a plain (no-script) upload.
#[component]
pub fn UrlMessages() -> impl IntoView {
    let q = leptos_router::hooks::use_query_map();
    view! {
        {move || q.read().get("fout").map(|f| view! {
            <div class="utrecht-alert utrecht-alert--error" role="alert" data-testid="fout"><p>{f}</p></div>
        })}
        {move || q.read().get("melding").map(|_| view! {
            <div class="utrecht-alert utrecht-alert--ok" role="status" data-testid="gelukt"><p>"Opgeslagen."</p></div>
        })}
    }
}

/// Navigation between the screens of one tender, and what every page of it
/// must show: a suspension, and once the award decision went out, the exact
/// end of the standstill.
/// Counts the moves of a training clock in this browser tab, so what shows
/// the tender's time (the banner on every page) reads it again at once.
#[derive(Clone, Copy)]
pub struct ClockMoved(pub RwSignal<u32>);

/// The clock-moved counter of the app (a fresh one outside it).
pub fn clock_moved() -> RwSignal<u32> {
    use_context::<ClockMoved>().map(|c| c.0).unwrap_or_else(|| RwSignal::new(0))
}

#[component]
pub fn TenderNav(id: TenderId) -> impl IntoView {
    let links = [
        ("", "Overzicht"),
        ("/opzet", "Opzet"),
        ("/team", "Team"),
        ("/documenten", "Documenten"),
        ("/gemeenten", "Gemeenten"),
        ("/gunningsmethode", "Gunningsmethode"),
        ("/vragen", "Vragen en NvI"),
        ("/dialoog", "Dialoog"),
        ("/inschrijving", "Inschrijving"),
        ("/opening", "Opening"),
        ("/beoordeling", "Beoordeling"),
        ("/gunning", "Gunning"),
        ("/contract", "Contract"),
    ];
    let moved = clock_moved();
    let banner = Resource::new(move || (id, moved.get()), |(id, _)| crate::api::procedure::tender_banner(id));
    let location = leptos_router::hooks::use_location();
    // The page the reader is on is marked, for screen readers and the eye.
    let current = move |href: &str| {
        let here = location.pathname.get();
        (here.trim_end_matches('/') == href).then_some("page")
    };
    view! {
        <nav class="tender-nav" aria-label="Aanbesteding">
            {links.into_iter().map(|(p, l)| {
                let href = format!("/aanbesteding/{id}{p}");
                let h = href.clone();
                view! { <a href=href aria-current=move || current(&h)>{l}</a> }
            }).collect_view()}
        </nav>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                banner.await.ok().map(|b| view! {
                    {b.manages.then(|| view! {
                        <nav class="tender-nav tender-nav--extra" aria-label="Aanbesteding, voor inkopers">
                            <a href=format!("/aanbesteding/{id}/e-mail") data-testid="nav-e-mail"
                                aria-current=move || current(&format!("/aanbesteding/{id}/e-mail"))>"E-mail"</a>
                            <a href=format!("/aanbesteding/{id}/aankondigingen") data-testid="nav-aankondigingen"
                                aria-current=move || current(&format!("/aanbesteding/{id}/aankondigingen"))>"Aankondigingen"</a>
                        </nav>
                    })}
                    {b.training_now.clone().map(|n| view! {
                        <div class="training-banner" role="status" data-testid="oefen-banner">
                            "Oefenomgeving: deze aanbesteding loopt op een gesimuleerde klok (nu: "
                            <span data-testid="oefen-tijd">{n}</span>
                            "). Termijnen gelden niet voor echte inschrijvingen."
                        </div>
                    })}
                    {b.suspended.clone().map(|r| view! {
                        <div class="utrecht-alert utrecht-alert--warning" role="status" data-testid="opgeschort"><p>{format!("Deze aanbesteding is opgeschort: {r}")}</p></div>
                    })}
                    {b.standstill_ends.clone().map(|end| view! {
                        <p class="standstill-banner" data-testid="standstill-banner">
                            {format!("Gunningsbeslissing verzonden op {}. De standstilltermijn {} op ", b.letters_sent.clone().unwrap_or_default(),
                                if b.standstill_running { "eindigt" } else { "eindigde" })}
                            <strong data-testid="standstill-einde-banner">{end}</strong>"."
                        </p>
                    })}
                })
            })}
        </Suspense>
    }
}
