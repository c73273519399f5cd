//! One module per screen.

pub mod audit;
pub mod dashboard;
pub mod login;
pub mod password;
pub mod tender;

use crate::error::AppError;
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
        e => view! {
            <div class="utrecht-alert utrecht-alert--error" role="alert">
                <p>{e.to_string()}</p>
            </div>
        }
        .into_any(),
    }
}
