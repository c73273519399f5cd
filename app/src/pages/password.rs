//! Choosing a new password (required after the one-time password of the first
//! account). Works without JavaScript.

use crate::api::auth::ChangePassword as ChangePasswordFn;
use leptos::prelude::*;
use crate::domain::password::{MAX_LEN, MIN_LEN};
use leptos_meta::Title;

#[component]
pub fn ChangePassword() -> impl IntoView {
    let action = ServerAction::<ChangePasswordFn>::new();
    let error = move || action.value().get().and_then(|r| r.err());
    view! {
        <Title text="Wachtwoord kiezen · Dialoog"/>
        <div class="login-box">
            <h1 class="utrecht-heading-1">"Kies een eigen wachtwoord"</h1>
            <p>{format!(
                "Het wachtwoord waarmee u bent ingelogd was eenmalig. Kies een wachtwoord van {MIN_LEN} tot {MAX_LEN} tekens; \
                 een zin van een paar woorden is sterk en goed te onthouden."
            )}</p>
            {move || error().map(|e| match e {
                crate::error::AppError::NotLoggedIn => super::error_view(e),
                e => view! {
                    <div class="utrecht-alert utrecht-alert--error" role="alert" data-testid="wachtwoord-fout"><p>{e.to_string()}</p></div>
                }.into_any(),
            })}
            <ActionForm action=action>
                <div class="utrecht-form-field">
                    <label class="utrecht-form-label" for="current">"Huidig wachtwoord"</label>
                    <input class="utrecht-textbox" id="current" name="current" type="password" autocomplete="current-password" required/>
                </div>
                <super::NewPasswordFields label="Nieuw wachtwoord" repeat_label="Herhaal het nieuwe wachtwoord"/>
                <button class="utrecht-button utrecht-button--primary-action" type="submit">"Wachtwoord opslaan"</button>
            </ActionForm>
        </div>
    }
}
