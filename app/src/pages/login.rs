//! The login page. Works without JavaScript: the form posts to the server function.

use crate::api::auth::Login as LoginFn;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn Login() -> impl IntoView {
    let action = ServerAction::<LoginFn>::new();
    let error = move || action.value().get().and_then(|r| r.err());
    view! {
        <Title text="Inloggen · Dialoog"/>
        <div class="login-box">
            <h1 class="utrecht-heading-1">"Inloggen"</h1>
            {move || error().map(|e| view! {
                <div class="utrecht-alert utrecht-alert--error" role="alert" data-testid="login-fout"><p>{e.to_string()}</p></div>
            })}
            <ActionForm action=action>
                <div class="utrecht-form-field">
                    <label class="utrecht-form-label" for="username">"Gebruikersnaam"</label>
                    <input class="utrecht-textbox" id="username" name="username" type="text" autocomplete="username" required/>
                </div>
                <div class="utrecht-form-field">
                    <label class="utrecht-form-label" for="password">"Wachtwoord"</label>
                    <input class="utrecht-textbox" id="password" name="password" type="password" autocomplete="current-password" required/>
                </div>
                <button class="utrecht-button utrecht-button--primary-action" type="submit">"Inloggen"</button>
            </ActionForm>
            <p data-testid="naar-registratie">"Nieuwe aanbieder? "<a href="/registreren">"Registreer uw organisatie"</a>" om mee te doen aan een aanbesteding."</p>
        </div>
    }
}
