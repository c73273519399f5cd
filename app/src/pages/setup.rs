//! Setting tenders up: "Nieuwe aanbesteding" (new, or a copy of a template),
//! the set-up page of one tender (editable by its inkopers before
//! publication), and its team.

use super::{error_view, tender_or_none, TenderPage};
use crate::api::setup::{
    new_tender_view, setup_view, AddBuyer, AddSchool, CopyTender, RemoveSchool, CreateTender, RemoveBuyer, SaveParts, SavePartners, SaveProfiles, SaveTenderDetails,
    SaveTerm, SetupData,
};
use crate::api::team::{team_view, AddTeamMember, RemoveTeamMember, TeamData};
use crate::feedback;
use leptos::prelude::*;
use leptos_meta::Title;

fn field(id: &'static str, label: &'static str, kind: &'static str, value: String, hint: Option<&'static str>) -> impl IntoView {
    named_field(id, id, label, kind, value, hint)
}

/// A labelled input whose element id differs from its form name (two forms
/// on one page post the same name).
fn named_field(id: &'static str, name: &'static str, label: &'static str, kind: &'static str, value: String, hint: Option<&'static str>) -> impl IntoView {
    view! {
        <div class="utrecht-form-field">
            <label class="utrecht-form-label" for=id>{label}</label>
            <input class="utrecht-textbox" id=id name=name type=kind value=value/>
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
        </div>
    }
}

fn area(id: &'static str, label: &'static str, value: String, rows: u32, hint: &'static str) -> impl IntoView {
    view! {
        <div class="utrecht-form-field">
            <label class="utrecht-form-label" for=id>{label}</label>
            <textarea class="utrecht-textarea" id=id name=id rows=rows inner_html=super::textarea_html(&value)></textarea>
            <p class="hint">{hint}</p>
        </div>
    }
}

fn kinds_select(kinds: Vec<(String, String)>, selected: String) -> impl IntoView {
    view! {
        <div class="utrecht-form-field">
            <label class="utrecht-form-label" for="procedure">"Procedure"</label>
            <select class="utrecht-select" id="procedure" name="procedure">
                {kinds.into_iter().map(|(c, l)| { let sel = c == selected; view! { <option value=c selected=sel>{l}</option> } }).collect_view()}
            </select>
        </div>
    }
}

const CPV_HINT: &str = "Hoofdopdracht, in de vorm 85311300-5 (bijvoorbeeld 85311300-5 Maatschappelijk werk met onderdak voor kinderen of 85312400-3).";
const VALUE_HINT: &str = "In euro exclusief btw, inclusief alle opties tot verlenging; bijvoorbeeld 4.200.000.";

#[component]
pub fn NewTender() -> impl IntoView {
    let create = ServerAction::<CreateTender>::new();
    let copy = ServerAction::<CopyTender>::new();
    let data = Resource::new(|| (), |_| new_tender_view());
    view! {
        <Title text="Nieuwe aanbesteding · Dialoog"/>
        <h1 class="utrecht-heading-1">"Nieuwe aanbesteding"</h1>
        {feedback!(create, "De aanbesteding is aangemaakt.")}
        {feedback!(copy, "De kopie is aangemaakt.")}
        <Suspense fallback=|| view! { <p>"Laden…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => error_view(e),
                    Ok(d) => view! {
                        <section>
                            <h2 class="utrecht-heading-2">"Een nieuwe aanbesteding opzetten"</h2>
                            <p>"U wordt de eerste inkoper. Gemeenten, scope, looptijd, documenten, gunningsmethode en team stelt u daarna in, "
                               "op de pagina Opzet. Voor de publicatie zijn ten minste twee inkopers nodig (de opening gebeurt met vier ogen)."</p>
                            <ActionForm action=create>
                                {field("kenmerk", "Kenmerk", "text", String::new(), Some("Bijvoorbeeld JST-PO-2026: letters, cijfers en streepjes."))}
                                {field("titel", "Titel", "text", String::new(), None)}
                                {area("omschrijving", "Omschrijving", String::new(), 4, "Wat wordt er ingekocht, voor wie.")}
                                {kinds_select(d.kinds.clone(), "sas-dialoog".into())}
                                {field("cpv", "CPV-code", "text", String::new(), Some(CPV_HINT))}
                                {field("waarde", "Geraamde waarde (EUR)", "text", String::new(), Some(VALUE_HINT))}
                                <p class="hint">{format!("Vanaf {} geldt de Europese aankondigingsplicht voor sociale en andere specifieke diensten.", d.threshold)}</p>
                                {field("publicatie", "Geplande publicatie", "datetime-local", String::new(), None)}
                                <button type="submit" class="utrecht-button utrecht-button--primary-action" data-testid="aanbesteding-aanmaken">"Aanmaken"</button>
                            </ActionForm>
                        </section>
                        {(!d.templates.is_empty()).then(|| view! {
                            <section>
                                <h2 class="utrecht-heading-2">"Kopiëren als sjabloon"</h2>
                                <p>"Neemt de opzet over: gemeenten, scope, profielen, looptijd, documenten (als concept), gunningsmethode en kalender, "
                                   "verschoven naar de nieuwe publicatiedatum. Niets van inschrijvingen, vragen, beoordelingen of de audittrail."</p>
                                <ActionForm action=copy>
                                    <div class="utrecht-form-field">
                                        <label class="utrecht-form-label" for="bron">"Sjabloon"</label>
                                        <select class="utrecht-select" id="bron" name="bron">
                                            {d.templates.iter().map(|(id, r, t, training)| view! {
                                                <option value=*id>{format!("{r} · {t}{}", if *training { " (oefenomgeving)" } else { "" })}</option>
                                            }).collect_view()}
                                        </select>
                                    </div>
                                    <div class="utrecht-form-field">
                                        <label class="utrecht-form-label" for="kopie-kenmerk">"Kenmerk van de kopie"</label>
                                        <input class="utrecht-textbox" id="kopie-kenmerk" name="kenmerk" type="text" required/>
                                    </div>
                                    <div class="utrecht-form-field">
                                        <label class="utrecht-form-label" for="kopie-titel">"Titel van de kopie"</label>
                                        <input class="utrecht-textbox" id="kopie-titel" name="titel" type="text" required/>
                                    </div>
                                    <div class="utrecht-form-field">
                                        <label class="utrecht-form-label" for="kopie-publicatie">"Geplande publicatie van de kopie"</label>
                                        <input class="utrecht-textbox" id="kopie-publicatie" name="publicatie" type="datetime-local" required/>
                                    </div>
                                    <label class="checkbox"><input type="checkbox" name="oefenen" value="ja"/>
                                        " Als oefenomgeving (een gesimuleerde klok; een oefenaanbesteding wordt nooit echt)"</label>
                                    <button type="submit" class="utrecht-button utrecht-button--secondary-action" data-testid="kopie-aanmaken">"Kopie aanmaken"</button>
                                </ActionForm>
                            </section>
                        })}
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The actions of the set-up page.
#[derive(Clone, Copy)]
struct SetupActs {
    details: ServerAction<SaveTenderDetails>,
    add_buyer: ServerAction<AddBuyer>,
    remove_buyer: ServerAction<RemoveBuyer>,
    add_school: ServerAction<AddSchool>,
    remove_school: ServerAction<RemoveSchool>,
    partners: ServerAction<SavePartners>,
    profiles: ServerAction<SaveProfiles>,
    term: ServerAction<SaveTerm>,
    parts: ServerAction<SaveParts>,
}

#[component]
pub fn Setup() -> impl IntoView {
    let id = super::tender_id();
    let acts = SetupActs {
        details: ServerAction::new(),
        add_buyer: ServerAction::new(),
        remove_buyer: ServerAction::new(),
        add_school: ServerAction::new(),
        remove_school: ServerAction::new(),
        partners: ServerAction::new(),
        profiles: ServerAction::new(),
        term: ServerAction::new(),
        parts: ServerAction::new(),
    };
    let data = Resource::new(
        move || {
            (
                id(),
                acts.details.version().get()
                    + acts.add_buyer.version().get()
                    + acts.remove_buyer.version().get()
                    + acts.add_school.version().get()
                    + acts.remove_school.version().get()
                    + acts.partners.version().get()
                    + acts.profiles.version().get()
                    + acts.term.version().get()
                    + acts.parts.version().get(),
            )
        },
        |(id, _)| async move { setup_view(tender_or_none(id)).await },
    );
    view! {
        <TenderPage title="Opzet" heading="Opzet van de aanbesteding" data=data render=move |d| view! { <SetupBody d acts/> }.into_any()>
            {feedback!(acts.details, "De gegevens zijn opgeslagen.")}
            {feedback!(acts.add_buyer, "De gemeente is toegevoegd.")}
            {feedback!(acts.remove_buyer, "De gemeente is verwijderd.")}
            {feedback!(acts.add_school, "De school is toegevoegd.")}
            {feedback!(acts.remove_school, "De school is uit de scope gehaald.")}
            {feedback!(acts.partners, "De samenwerkingspartners zijn opgeslagen.")}
            {feedback!(acts.profiles, "De profielen en de formatie zijn opgeslagen.")}
            {feedback!(acts.term, "De looptijd is opgeslagen.")}
            {feedback!(acts.parts, "De onderdelen van de inschrijving zijn opgeslagen.")}
        </TenderPage>
    }
}

#[component]
fn SetupBody(d: SetupData, acts: SetupActs) -> impl IntoView {
    let tender = d.tender;
    let edit = d.editable;
    view! {
        <p class="meta">{format!("Kenmerk {} · fase: {}", d.reference, d.phase)}{d.training.then(|| view! { " " <span class="badge">"oefenomgeving"</span> })}</p>
        {(!edit).then(|| view! { <p class="utrecht-alert utrecht-alert--info" role="status">"De opzet ligt vast: alleen de inkopers wijzigen haar, en alleen vóór de publicatie."</p> })}
        {(!d.before_publication.is_empty()).then(|| view! {
            <section class="checklist" data-testid="nog-te-doen">
                <h2 class="utrecht-heading-2">"Nog te doen voor de publicatie"</h2>
                <ul>{d.before_publication.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}</ul>
                <p class="hint">"Documenten, kalender en gunningsmethode stelt u in op de pagina's Documenten, Overzicht en Gunningsmethode; het team op de pagina Team."</p>
            </section>
        })}
        <section>
            <h2 class="utrecht-heading-2">"Gegevens"</h2>
            <p data-testid="drempel">{d.threshold_notice.clone()}</p>
            <fieldset disabled=!edit class="plain">
                <ActionForm action=acts.details>
                    <input type="hidden" name="id" value=tender/>
                    {field("titel", "Titel", "text", d.title.clone(), None)}
                    {area("omschrijving", "Omschrijving", d.description.clone(), 4, "Wat wordt er ingekocht, voor wie.")}
                    {kinds_select(d.kinds.clone(), d.kind.clone())}
                    {field("cpv", "CPV-code", "text", d.cpv.clone(), Some(CPV_HINT))}
                    {field("waarde", "Geraamde waarde (EUR)", "text", d.estimated.clone(), Some(VALUE_HINT))}
                    <button type="submit" class="utrecht-button utrecht-button--primary-action" data-testid="gegevens-opslaan">"Gegevens opslaan"</button>
                </ActionForm>
            </fieldset>
        </section>
        <section>
            <h2 class="utrecht-heading-2">"Gemeenten"</h2>
            <ul data-testid="opzet-gemeenten">{d.buyers.clone().into_iter().map(|(slug, name)| {
                view! {
                    <li>{name.clone()}
                        {edit.then(|| view! {
                            <ActionForm action=acts.remove_buyer attr:class="inline-form">
                                <input type="hidden" name="id" value=tender/>
                                <input type="hidden" name="gemeente" value=slug.clone()/>
                                <button type="submit" class="utrecht-button utrecht-button--subtle">{format!("{name} verwijderen")}</button>
                            </ActionForm>
                        })}
                    </li>
                }
            }).collect_view()}</ul>
            {edit.then(|| view! {
                <ActionForm action=acts.add_buyer>
                    <input type="hidden" name="id" value=tender/>
                    {field("naam", "Gemeente toevoegen", "text", String::new(), Some("De naam van de gemeente, bijvoorbeeld Dijk en Waard. Vertegenwoordigers voegt u toe op de pagina Team; verdeelsleutels op de pagina Gemeenten."))}
                    <button type="submit" class="utrecht-button utrecht-button--secondary-action" data-testid="gemeente-toevoegen">"Toevoegen"</button>
                </ActionForm>
            })}
        </section>
        <section>
            <h2 class="utrecht-heading-2">"Samenwerkingspartners"</h2>
            <fieldset disabled=!edit class="plain">
                <ActionForm action=acts.partners>
                    <input type="hidden" name="id" value=tender/>
                    {area("partners", "Partners, één per regel", d.partners.clone(), 3, "Bijvoorbeeld de samenwerkingsverbanden passend onderwijs.")}
                    <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Partners opslaan"</button>
                </ActionForm>
            </fieldset>
        </section>
        <section>
            <h2 class="utrecht-heading-2">"Scope: scholen"</h2>
            <p data-testid="aantal-scholen">{format!("{} scholen in de scope, waarvan {} pilotscholen.",
                d.schools.iter().map(|s| s.count).sum::<i32>(), d.schools.iter().filter(|s| s.pilot).count())}</p>
            <table class="utrecht-table" data-testid="opzet-scholen">
                <thead><tr><th scope="col">"School"</th><th scope="col">"BRIN"</th><th scope="col">"Soort"</th><th scope="col">"Gemeente of regio"</th><th scope="col">"Pilot"</th><th scope="col" class="num">"Aantal"</th>
                    {edit.then(|| view! { <th scope="col">"Actie"</th> })}</tr></thead>
                <tbody>{d.schools.clone().into_iter().map(|s| {
                    let label = if s.name.is_empty() { s.school_type.clone() } else { s.name.clone() };
                    view! {
                        <tr><td>{s.name.clone()}</td><td>{s.brin.clone()}</td><td>{s.school_type.clone()}</td><td>{s.gemeente.clone()}</td>
                            <td>{if s.pilot { "ja" } else { "" }}</td><td class="num">{s.count}</td>
                            {edit.then(|| view! { <td>
                                <ActionForm action=acts.remove_school attr:class="inline-form">
                                    <input type="hidden" name="id" value=tender/>
                                    <input type="hidden" name="school" value=s.id/>
                                    <button type="submit" class="utrecht-button utrecht-button--subtle">{format!("{label} verwijderen")}</button>
                                </ActionForm>
                            </td> })}
                        </tr>
                    }
                }).collect_view()}</tbody>
            </table>
            {(edit && !d.buyers.is_empty()).then(|| view! {
                <details class="editor"><summary>"Eén school toevoegen"</summary>
                    <ActionForm action=acts.add_school>
                        <input type="hidden" name="id" value=tender/>
                        {named_field("school-naam", "naam", "Naam van de school", "text", String::new(), None)}
                        {named_field("school-brin", "brin", "BRIN-code (optioneel)", "text", String::new(), Some("Twee cijfers en twee letters, eventueel met een vestigingsnummer: 20AB of 20AB00."))}
                        {named_field("school-soort", "soort", "Soort school", "text", String::new(), Some("Bijvoorbeeld basisschool, speciaal basisonderwijs, vso."))}
                        <div class="utrecht-form-field">
                            <label class="utrecht-form-label" for="school-gemeente">"Gemeente"</label>
                            <select class="utrecht-select" id="school-gemeente" name="gemeente">
                                {d.buyers.iter().map(|(_, n)| view! { <option value=n.clone()>{n.clone()}</option> }).collect_view()}
                            </select>
                        </div>
                        <label class="checkbox"><input type="checkbox" name="pilot" value="ja"/>" Pilotschool"</label>
                        <button type="submit" class="utrecht-button utrecht-button--secondary-action" data-testid="school-toevoegen">"School toevoegen"</button>
                    </ActionForm>
                </details>
            })}
            {edit.then(|| view! {
                <form method="post" enctype="multipart/form-data" action=format!("/upload/scholen/{tender}") data-upload="" data-testid="scholen-inlezen">
                    <label class="utrecht-form-label" for="scholen-bestand">"Scholen inlezen uit een CSV-bestand (vervangt de lijst hierboven)"</label>
                    <input id="scholen-bestand" name="bestand" type="file" accept=".csv,text/csv" data-max="1000000" required/>
                    <p class="hint">"De eerste regel noemt de kolommen naam;brin;soort;gemeente;pilot (puntkomma of komma). Elke regel wordt gecontroleerd; "
                       "is één regel fout, dan wordt niets ingelezen en ziet u per regel wat er mis is. Sla het bestand op als CSV UTF-8."</p>
                    <progress max="100" value="0" hidden></progress>
                    <p class="upload-status" role="status" aria-live="polite" data-testid="scholen-status"></p>
                    <button type="submit" class="utrecht-button utrecht-button--secondary-action" data-testid="scholen-uploaden">"Inlezen"</button>
                </form>
            })}
        </section>
        <section>
            <h2 class="utrecht-heading-2">"Profielen en formatie"</h2>
            <fieldset disabled=!edit class="plain">
                <ActionForm action=acts.profiles>
                    <input type="hidden" name="id" value=tender/>
                    {area("profielen", "Profielen, één per regel: naam | toelichting", d.profiles.clone(), 4, "Bijvoorbeeld: Jeugd- en Schoolcoach | voorheen Jeugd- en Gezinscoach")}
                    {area("formatie", "Formatie, één regel per profiel en regio: profiel | regio | huidig fte | uitbreiding fte", d.formation.clone(), 6, "Bijvoorbeeld: Jeugd- en Schoolcoach | regio | 4,5 | 0")}
                    <button type="submit" class="utrecht-button utrecht-button--secondary-action" data-testid="profielen-opslaan">"Profielen en formatie opslaan"</button>
                </ActionForm>
            </fieldset>
        </section>
        <section>
            <h2 class="utrecht-heading-2">"Looptijd van de overeenkomst"</h2>
            <p data-testid="looptijd">{d.term_summary.clone()}</p>
            <fieldset disabled=!edit class="plain">
                <ActionForm action=acts.term>
                    <input type="hidden" name="id" value=tender/>
                    {field("ingang", "Ingangsdatum", "date", d.term_start.clone(), None)}
                    {field("einde", "Einde van de initiële looptijd (laatste dag)", "date", d.term_end.clone(), None)}
                    {field("opties", "Opties tot verlenging, in hele jaren", "text", d.term_options.clone(), Some("Bijvoorbeeld 1,1,1 voor drie opties van één jaar; leeg voor geen opties."))}
                    {field("beslistermijn", "Beslistermijn voor een optie (maanden voor het einde)", "number", d.term_notice.to_string(), None)}
                    <button type="submit" class="utrecht-button utrecht-button--secondary-action" data-testid="looptijd-opslaan">"Looptijd opslaan"</button>
                </ActionForm>
            </fieldset>
        </section>
        <section>
            <h2 class="utrecht-heading-2">"Onderdelen van een inschrijving"</h2>
            <fieldset disabled=!edit class="plain">
                <ActionForm action=acts.parts>
                    <input type="hidden" name="id" value=tender/>
                    {area("onderdelen", "Eén per regel: envelop | naam | bestand of formulier | verplicht of optioneel | hoogstens MB | omschrijving", d.parts.clone(), 6,
                        "Envelop 1 is de geschiktheid, envelop 2 het anoniem beoordeelde kwaliteitsplan. De prijs (envelop 3) volgt uit de gunningsmethode.")}
                    <button type="submit" class="utrecht-button utrecht-button--secondary-action" data-testid="onderdelen-opslaan">"Onderdelen opslaan"</button>
                </ActionForm>
            </fieldset>
        </section>
    }
}

#[component]
pub fn Team() -> impl IntoView {
    let id = super::tender_id();
    let add = ServerAction::<AddTeamMember>::new();
    let remove = ServerAction::<RemoveTeamMember>::new();
    let data = Resource::new(move || (id(), add.version().get() + remove.version().get()), |(id, _)| async move { team_view(tender_or_none(id)).await });
    view! {
        <TenderPage title="Team" heading="Team" data=data render=move |d| view! { <TeamBody d add remove/> }.into_any()>
            {move || add.value().get().map(|r| match r {
                Ok(true) => view! { <div class="utrecht-alert utrecht-alert--ok" role="status" data-testid="gelukt"><p>
                    "Toegevoegd. Het account is nieuw: de persoon krijgt een e-mail met een link om zelf een wachtwoord te kiezen (72 uur geldig)."</p></div> }.into_any(),
                Ok(false) => view! { <div class="utrecht-alert utrecht-alert--ok" role="status" data-testid="gelukt"><p>"Toegevoegd."</p></div> }.into_any(),
                Err(e) => view! { <div class="utrecht-alert utrecht-alert--error" role="alert" data-testid="fout"><p>{e.to_string()}</p></div> }.into_any(),
            })}
            {feedback!(remove, "De rol is ingetrokken.")}
        </TenderPage>
    }
}

#[component]
fn TeamBody(d: TeamData, add: ServerAction<AddTeamMember>, remove: ServerAction<RemoveTeamMember>) -> impl IntoView {
    let tender = d.tender;
    view! {
        <p data-testid="aantal-inkopers">{format!("{} inkopers; voor de publicatie zijn er ten minste {} nodig: elke twee van hen openen samen de inschrijvingen (vier ogen), zodat er een afwezig mag zijn.", d.inkopers, d.min_inkopers)}</p>
        <table class="utrecht-table" data-testid="team">
            <thead><tr><th scope="col">"Naam"</th><th scope="col">"Gebruikersnaam"</th><th scope="col">"Rol"</th><th scope="col">"Status"</th><th scope="col">"Actie"</th></tr></thead>
            <tbody>{d.rows.iter().map(|r| {
                let (account, role) = (r.account, r.role.clone());
                let slug = r.gemeente.as_ref().map(|g| g.0.clone()).unwrap_or_default();
                view! {
                    <tr data-testid=format!("team-{}-{}", r.username, r.role)>
                        <td>{r.name.clone()}</td><td>{r.username.clone()}</td>
                        <td>{r.role_label.clone()}{r.gemeente.as_ref().map(|g| format!(" ({})", g.1))}</td>
                        <td>{if !r.active { "gedeactiveerd" } else if r.accepted { "actief" } else { "uitgenodigd" }}</td>
                        <td><ActionForm action=remove attr:class="inline-form">
                            <input type="hidden" name="id" value=tender/>
                            <input type="hidden" name="account" value=account/>
                            <input type="hidden" name="rol" value=role/>
                            <input type="hidden" name="gemeente" value=slug/>
                            <button type="submit" class="utrecht-button utrecht-button--subtle">"Rol intrekken"</button>
                        </ActionForm></td>
                    </tr>
                }
            }).collect_view()}</tbody>
        </table>
        <h2 class="utrecht-heading-2">"Iemand toevoegen"</h2>
        <p>"Een bestaand account op gebruikersnaam, of een nieuw account: vul dan ook naam en e-mailadres in, dan volgt een uitnodiging. "
           "Beoordelaars wijst u aan op de pagina Beoordeling; wie beoordeelt, kan geen inkoper of waarnemer zijn."</p>
        <ActionForm action=add>
            <input type="hidden" name="id" value=tender/>
            <div class="utrecht-form-field">
                <label class="utrecht-form-label" for="rol">"Rol"</label>
                <select class="utrecht-select" id="rol" name="rol">
                    <option value="inkoper">"Inkoper / contractmanager"</option>
                    <option value="waarnemer">"Waarnemer (alleen lezen)"</option>
                    <option value="gemeente">"Vertegenwoordiger van een gemeente"</option>
                </select>
            </div>
            <div class="utrecht-form-field">
                <label class="utrecht-form-label" for="team-gemeente">"Gemeente (alleen voor een vertegenwoordiger)"</label>
                <select class="utrecht-select" id="team-gemeente" name="gemeente">
                    <option value="">"–"</option>
                    {d.buyers.iter().map(|(s, n)| view! { <option value=s.clone()>{n.clone()}</option> }).collect_view()}
                </select>
            </div>
            <div class="utrecht-form-field">
                <label class="utrecht-form-label" for="team-gebruikersnaam">"Gebruikersnaam"</label>
                <input class="utrecht-textbox" id="team-gebruikersnaam" name="gebruikersnaam" type="text" required/>
            </div>
            <div class="utrecht-form-field">
                <label class="utrecht-form-label" for="team-naam">"Naam (alleen voor een nieuw account)"</label>
                <input class="utrecht-textbox" id="team-naam" name="naam" type="text"/>
            </div>
            <div class="utrecht-form-field">
                <label class="utrecht-form-label" for="team-email">"E-mailadres (alleen voor een nieuw account)"</label>
                <input class="utrecht-textbox" id="team-email" name="email" type="email"/>
            </div>
            <button type="submit" class="utrecht-button utrecht-button--primary-action" data-testid="team-toevoegen">"Toevoegen"</button>
        </ActionForm>
    }
}
