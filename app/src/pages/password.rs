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

/// The sealing passphrase: set once, changed with the current one. Works
/// without JavaScript.
#[component]
pub fn SealingPassphrase() -> impl IntoView {
    use crate::api::auth::{sealing_key_view, SetSealingPassphrase};
    let action = ServerAction::<SetSealingPassphrase>::new();
    let key = Resource::new(move || action.version().get(), |_| sealing_key_view());
    let min = crate::domain::password::SEALING_MIN_LEN;
    view! {
        <Title text="Zegelwachtwoord · Dialoog"/>
        <div class="login-box">
            <h1 class="utrecht-heading-1">"Zegelwachtwoord"</h1>
            <p>"Inschrijvingen worden versleuteld met een sleutel per aanbesteding. Bij de publicatie krijgt elke inkoper met een zegelwachtwoord een deel van die sleutel; twee van hen openen de inschrijvingen samen, elk met het eigen zegelwachtwoord. Niemand anders kan dat, ook de beheerder van de server niet."</p>
            <p>{format!("Kies een zegelwachtwoord van ten minste {min} tekens dat u nergens anders gebruikt. Vergeet u het, dan kan niemand het herstellen: uw deel van de sleutel van al gepubliceerde aanbestedingen is dan verloren en twee andere sleutelhouders moeten de opening doen.")}</p>
            {move || action.value().get().map(|r| match r {
                Ok(()) => view! { <div class="utrecht-alert utrecht-alert--ok" role="status" data-testid="gelukt"><p>"Uw zegelwachtwoord is opgeslagen."</p></div> }.into_any(),
                Err(e) => view! { <div class="utrecht-alert utrecht-alert--error" role="alert" data-testid="fout"><p>{e.to_string()}</p></div> }.into_any(),
            })}
            <Suspense fallback=|| view! { <p>"Laden…"</p> }>
                {move || Suspend::new(async move {
                    match key.await {
                        Err(e) => super::error_view(e),
                        Ok(existing) => {
                            let has_key = existing.is_some();
                            view! {
                                {existing.clone().map(|fp| view! {
                                    <p data-testid="zegel-ingesteld">"U heeft een zegelwachtwoord. Een nieuw wachtwoord houdt dezelfde sleutel: uw delen van al gepubliceerde aanbestedingen blijven geldig."</p>
                                    <details><summary>"Vingerafdruk van uw sleutel (SHA-256)"</summary><code class="hash">{fp}</code></details>
                                })}
                                <ActionForm action=action>
                                    {has_key.then(|| view! {
                                        <div class="utrecht-form-field">
                                            <label class="utrecht-form-label" for="zegel-huidig">"Huidig zegelwachtwoord"</label>
                                            <input class="utrecht-textbox" id="zegel-huidig" name="current" type="password" autocomplete="off" maxlength="200" required/>
                                        </div>
                                    })}
                                    <div class="utrecht-form-field">
                                        <label class="utrecht-form-label" for="zegel-nieuw">"Nieuw zegelwachtwoord"</label>
                                        <input class="utrecht-textbox" id="zegel-nieuw" name="new_passphrase" type="password" autocomplete="off" minlength=min.to_string() maxlength="200" required data-testid="zegel-nieuw"/>
                                    </div>
                                    <div class="utrecht-form-field">
                                        <label class="utrecht-form-label" for="zegel-herhaal">"Herhaal het zegelwachtwoord"</label>
                                        <input class="utrecht-textbox" id="zegel-herhaal" name="repeat" type="password" autocomplete="off" minlength=min.to_string() maxlength="200" required data-testid="zegel-herhaal"/>
                                    </div>
                                    <button class="utrecht-button utrecht-button--primary-action" type="submit" data-testid="zegel-opslaan">"Zegelwachtwoord opslaan"</button>
                                </ActionForm>
                                {has_key.then(|| view! {
                                    <details>
                                        <summary>"Zegelwachtwoord vergeten?"</summary>
                                        <p>"Niemand kan het herstellen. U kunt wel een nieuwe sleutel maken met een nieuw zegelwachtwoord. Let op: uw delen van de sleutels van al gepubliceerde aanbestedingen gaan daarmee verloren; voor die aanbestedingen openen twee andere sleutelhouders. Vanaf de volgende publicatie houdt u weer een deel."</p>
                                        <ActionForm action=action>
                                            <input type="hidden" name="vervangen" value="ja"/>
                                            <div class="utrecht-form-field">
                                                <label class="utrecht-form-label" for="zegel-vervang-nieuw">"Nieuw zegelwachtwoord"</label>
                                                <input class="utrecht-textbox" id="zegel-vervang-nieuw" name="new_passphrase" type="password" autocomplete="off" minlength=min.to_string() maxlength="200" required/>
                                            </div>
                                            <div class="utrecht-form-field">
                                                <label class="utrecht-form-label" for="zegel-vervang-herhaal">"Herhaal het zegelwachtwoord"</label>
                                                <input class="utrecht-textbox" id="zegel-vervang-herhaal" name="repeat" type="password" autocomplete="off" minlength=min.to_string() maxlength="200" required/>
                                            </div>
                                            <button class="utrecht-button utrecht-button--secondary-action" type="submit" data-testid="zegel-vervangen">"Nieuwe sleutel maken"</button>
                                        </ActionForm>
                                    </details>
                                })}
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </div>
    }
}
