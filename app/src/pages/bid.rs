//! The bid (bidder), the receipt, and the opening (inkoper): arrivals,
//! four-eyes opening and the proces-verbaal.

use super::{tender_id, tender_or_none, TenderPage};
use crate::api::bids::{
    bid_view, opening_record, opening_view, receipt_view, ConfirmOpening, ProveKeyShare, RehearseOpening, RemovePart, SaveFormPart, StartOpening,
    SubmitBid, WithdrawBid,
};
use crate::domain::status::{BidStatus, PartKind};
use crate::feedback;
use crate::ids::{ReceiptId, TenderId};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn Bid() -> impl IntoView {
    let id = tender_id();
    let form = ServerAction::<SaveFormPart>::new();
    let remove = ServerAction::<RemovePart>::new();
    let submit = ServerAction::<SubmitBid>::new();
    let withdraw = ServerAction::<WithdrawBid>::new();
    let data = Resource::new(
        move || (id(), form.version().get(), remove.version().get(), submit.version().get(), withdraw.version().get()),
        |(id, ..)| async move { bid_view(tender_or_none(id)).await },
    );
    view! {
        <TenderPage title="Inschrijving" heading="Uw inschrijving" data=data render=move |b| {
            let tender = b.tender;
            view! {
                <dl class="facts">
                    <dt>"Organisatie"</dt><dd>{b.organisation.clone()}</dd>
                    <dt>"Status"</dt><dd data-testid="status">{b.status.code()}</dd>
                    <dt>"Sluitingstermijn"</dt><dd>{b.deadline.clone().unwrap_or_else(|| "niet gepland".into())}</dd>
                </dl>
                {b.window_message.clone().map(|m| view! { <div class="utrecht-alert utrecht-alert--warning" role="status"><p>{m}</p></div> })}
                <p class="hint">"Wat u opslaat, wordt versleuteld met de sleutel van deze aanbesteding. Niemand kan het lezen vóór de opening: de inkoper niet, de beheerder van de server niet, en ook u niet. Een bestand versleutelt uw eigen browser al voordat het verstuurd wordt (staat JavaScript uit, dan doet de server het bij aankomst). Een opgeslagen onderdeel vervangt u door het opnieuw toe te voegen."</p>
                <table class="utrecht-table" data-testid="onderdelen">
                    <thead><tr><th scope="col">"Onderdeel"</th><th scope="col">"Opgeslagen"</th><th scope="col">"Toevoegen of vervangen"</th></tr></thead>
                    <tbody>{b.parts.clone().into_iter().map(|p| view! {
                        <tr>
                            <td><strong>{p.name.clone()}</strong>{p.required.then_some(" (verplicht)")}<br/>
                                <span class="meta">{p.envelope.clone()}</span><br/><span class="meta">{p.description.clone()}</span></td>
                            <td>{match p.stored.clone() {
                                Some((name, size, sha, at)) => view! {
                                    <span data-testid="opgeslagen">{format!("{name} · {size} · {at}")}</span><br/>
                                    <code class="hash">{format!("SHA-256 {sha}")}</code>
                                    {p.sealed_in.clone().map(|w| view! { <br/><span class="meta" data-testid="verzegeld-in">{format!("Versleuteld {w}")}</span> })}
                                }.into_any(),
                                None => view! { <span class="meta">"nog niet toegevoegd"</span> }.into_any(),
                            }}</td>
                            <td>{b.window_open.then(|| if p.kind == PartKind::Bestand { view! {
                                <form method="post" enctype="multipart/form-data" action=format!("/upload/inschrijving/{tender}/{}", p.def_id) data-upload=""
                                    data-seal-key=p.seal.clone().map(|(k, _)| k) data-seal-binding=p.seal.clone().map(|(_, b)| b)>
                                    <label class="utrecht-form-label" for=format!("bestand-{}", p.def_id)>{format!("Bestand (hoogstens {})", p.max_size)}</label>
                                    <input id=format!("bestand-{}", p.def_id) name="bestand" type="file" data-max=p.max_bytes.to_string() required/>
                                    <progress max="100" value="0" hidden></progress><p class="upload-status" role="status"></p>
                                    <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Uploaden"</button>
                                </form>
                            }.into_any() } else if p.kind == PartKind::Prijs { view! {
                                <ActionForm action=form>
                                    <input type="hidden" name="id" value=tender/>
                                    <input type="hidden" name="onderdeel" value=p.def_id/>
                                    <label class="utrecht-form-label" for=format!("prijs-{}", p.def_id)>"Prijs in euro (bijvoorbeeld 1.250.000,00)"</label>
                                    <input class="utrecht-textbox" id=format!("prijs-{}", p.def_id) name="tekst" type="text" inputmode="decimal"
                                        value=p.form_text.clone().unwrap_or_default() required/>
                                    <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Opslaan"</button>
                                </ActionForm>
                            }.into_any() } else { view! {
                                <ActionForm action=form>
                                    <input type="hidden" name="id" value=tender/>
                                    <input type="hidden" name="onderdeel" value=p.def_id/>
                                    <textarea class="utrecht-textarea" name="tekst" rows="3" aria-label=p.name.clone() required inner_html=super::textarea_html(p.form_text.as_deref().unwrap_or_default())></textarea>
                                    <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Opslaan"</button>
                                </ActionForm>
                            }.into_any() })}
                            {(b.window_open && p.stored.is_some()).then(|| view! {
                                <ActionForm action=remove attr:class="inline-form">
                                    <input type="hidden" name="id" value=tender/>
                                    <input type="hidden" name="onderdeel" value=p.def_id/>
                                    <button type="submit" class="utrecht-button utrecht-button--subtle">"Verwijderen"</button>
                                </ActionForm>
                            })}</td>
                        </tr>
                    }).collect_view()}</tbody>
                </table>
                {(b.may_submit && b.status != BidStatus::Ingediend).then(|| view! {
                    <ActionForm action=submit>
                        <input type="hidden" name="id" value=tender/>
                        <input type="hidden" name="sleutel" value=b.key.clone()/>
                        <button type="submit" class="utrecht-button utrecht-button--primary-action" data-testid="indienen">"Inschrijving indienen"</button>
                    </ActionForm>
                })}
                {(b.may_submit && b.status == BidStatus::Ingediend).then(|| view! {
                    <ActionForm action=withdraw>
                        <input type="hidden" name="id" value=tender/>
                        <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Inschrijving intrekken"</button>
                    </ActionForm>
                })}
                {(!b.receipts.is_empty()).then(|| view! {
                    <h2 class="utrecht-heading-2">"Ontvangstbevestigingen"</h2>
                    <ul data-testid="bevestigingen">{b.receipts.iter().map(|(rid, at, n)| view! {
                        <li><a href=format!("/aanbesteding/{tender}/ontvangstbevestiging/{rid}")>{format!("Indiening {n}, ontvangen {at}")}</a></li>
                    }).collect_view()}</ul>
                })}
            }.into_any()
        }>
        {feedback!(form, "Het formulier is opgeslagen.")}
        {feedback!(remove, "Het onderdeel is verwijderd.")}
        {feedback!(withdraw, "Uw inschrijving is ingetrokken. U kunt haar aanpassen en opnieuw indienen tot de sluitingstermijn.")}
        {move || submit.value().get().map(|r| match r {
            Ok(rc) => view! {
                <div class="utrecht-alert utrecht-alert--ok" role="status" data-testid="ingediend">
                    <p>{format!("Uw inschrijving is ontvangen op {}. Bewaar de ontvangstbevestiging.", rc.ontvangen_op)}</p>
                </div>
            }.into_any(),
            Err(e) => view! { <div class="utrecht-alert utrecht-alert--error" role="alert" data-testid="fout"><p>{e.to_string()}</p></div> }.into_any(),
        })}
        </TenderPage>
    }
}

#[component]
pub fn ReceiptPage() -> impl IntoView {
    let params = use_params_map();
    let key = move || {
        let p = params.read();
        (p.get("id").and_then(|s| s.parse::<TenderId>().ok()), p.get("receipt").and_then(|s| s.parse::<ReceiptId>().ok()))
    };
    let data = Resource::new(key, |(id, r)| async move { receipt_view(tender_or_none(id), r.unwrap_or(ReceiptId(0))).await });
    view! {
        <TenderPage title="Ontvangstbevestiging" heading="Ontvangstbevestiging" data=data render=move |(rid, r)| {
                        let tender = tender_or_none(key().0);
                        view! {
                            <dl class="facts" data-testid="ontvangstbevestiging">
                                <dt>"Aanbesteding"</dt><dd>{format!("{} ({})", r.aanbesteding, r.kenmerk)}</dd>
                                <dt>"Organisatie"</dt><dd>{format!("{} (KvK {})", r.organisatie, r.kvk)}</dd>
                                <dt>"Ontvangen op"</dt><dd data-testid="ontvangen-op">{r.ontvangen_op.clone()}</dd>
                                <dt>"Indiening"</dt><dd>{r.indiening.clone()}</dd>
                                <dt>"Audittrail"</dt><dd>{format!("event {} · leaf-hash {}", r.audit.seq, r.audit.leaf_hash)}</dd>
                                <dt>"Controlepunt"</dt><dd>{format!("boom van {} events · wortel {}", r.audit.tree_size, r.audit.root_hash)}</dd>
                            </dl>
                            <table class="utrecht-table">
                                <thead><tr><th scope="col">"Envelop"</th><th scope="col">"Onderdeel"</th><th scope="col">"Bestand"</th><th scope="col" class="num">"Bytes"</th><th scope="col">"SHA-256"</th><th scope="col">"Versleuteld"</th></tr></thead>
                                <tbody>{r.onderdelen.iter().map(|o| view! {
                                    <tr><td>{o.envelop.clone()}</td><td>{o.naam.clone()}</td><td>{o.bestandsnaam.clone()}</td>
                                        <td class="num">{o.grootte.clone()}</td><td><code class="hash" data-testid="part-hash">{o.sha256.clone()}</code></td>
                                        <td data-testid="part-verzegeld">{o.verzegeld.clone().unwrap_or_else(|| "—".into())}</td></tr>
                                }).collect_view()}</tbody>
                            </table>
                            <p><a class="utrecht-button utrecht-button--primary-action" href=format!("/ontvangstbevestiging/{tender}/{rid}") download=""
                                data-testid="download-bevestiging">"Ontvangstbevestiging downloaden (JSON)"</a>" "
                                <a class="utrecht-button utrecht-button--secondary-action" href=format!("/stukken/{tender}/ontvangstbevestiging-{rid}.pdf") download=""
                                data-testid="ontvangst-pdf">"Als PDF, om te lezen en te bewaren"</a></p>
                            <p class="hint">"Controleer de bevestiging later met "<code>"dialoog audit verify-receipt BESTAND --key SLEUTEL"</code>
                                ", met de publieke sleutel die de aanbestedende dienst publiceert, en eventueel tegen een export van de audittrail. "
                                "Alles wat deze bevestiging toont, ook de naam, het KvK-nummer, het tijdstip en de bestandsnamen, ligt vast in de audittrail."</p>
                        }
        }/>
    }
}

#[component]
pub fn Opening() -> impl IntoView {
    let id = tender_id();
    let start = ServerAction::<StartOpening>::new();
    let confirm = ServerAction::<ConfirmOpening>::new();
    let prove = ServerAction::<ProveKeyShare>::new();
    let rehearse = ServerAction::<RehearseOpening>::new();
    let data = Resource::new(
        move || (id(), start.version().get(), confirm.version().get(), prove.version().get(), rehearse.version().get()),
        |(id, ..)| async move { opening_view(tender_or_none(id)).await },
    );
    let record = Resource::new(move || (id(), confirm.version().get()), |(id, _)| async move { opening_record(tender_or_none(id)).await });
    view! {
        <TenderPage title="Opening" heading="Opening van de inschrijvingen" data=data render=move |o| {
            let tender = o.tender;
            let sealed = o.sealing.as_ref().is_some_and(|k| !k.opened);
            let section = o.sealing.clone().map(|k| {
                let may = o.may_open || k.mine.is_some();
                view! { <SealingSection tender=tender k=k may=may prove=prove rehearse=rehearse/> }
            });
            view! {
                <dl class="facts">
                    <dt>"Sluitingstermijn"</dt><dd>{o.deadline.clone().unwrap_or_default()}</dd>
                    <dt>"Ontvangen inschrijvingen"</dt><dd data-testid="aantal">{o.arrivals.len()}</dd>
                </dl>
                <ul class="arrivals">{o.arrivals.iter().enumerate().map(|(i, a)| view! {
                    <li>{format!("Inschrijving {} ontvangen op {a}", i + 1)}</li>
                }).collect_view()}</ul>
                {(o.may_open && !o.opened).then(|| match o.pending.clone() {
                    None => view! {
                        <ActionForm action=start>
                            <input type="hidden" name="id" value=tender/>
                            {sealed.then(|| view! { <PassphraseField id="zegel-start"/> })}
                            <super::CodeField required=o.code_required id="code-start"/>
                            <button type="submit" class="utrecht-button utrecht-button--primary-action" data-testid="opening-starten"
                                disabled=!o.deadline_passed>"Opening starten"</button>
                        </ActionForm>
                    }.into_any(),
                    Some((by, at, left, mine)) => view! {
                        <p data-testid="opening-wacht">{format!("Opening gestart door {by} op {at}; nog {} min {} s om te bevestigen.", left / 60, left % 60)}</p>
                        {(!mine).then(|| view! {
                            <ActionForm action=confirm>
                                <input type="hidden" name="id" value=tender/>
                                {sealed.then(|| view! { <PassphraseField id="zegel-bevestigen"/> })}
                                <super::CodeField required=o.code_required id="code-bevestigen"/>
                                <button type="submit" class="utrecht-button utrecht-button--primary-action" data-testid="opening-bevestigen">"Opening bevestigen"</button>
                            </ActionForm>
                        })}
                    }.into_any(),
                })}
                {section}
            }.into_any()
        }>
        {feedback!(prove, "Uw sleuteldeel opent met uw zegelwachtwoord. Dat is vastgelegd in de audittrail.")}
        {move || rehearse.value().get().map(|r| match r {
            Ok(None) => view! { <div class="utrecht-alert utrecht-alert--ok" role="status" data-testid="proef-gestart"><p>"De proef is gestart. Een tweede sleutelhouder voltooit haar binnen 10 minuten met diens zegelwachtwoord."</p></div> }.into_any(),
            Ok(Some(true)) => view! { <div class="utrecht-alert utrecht-alert--ok" role="status" data-testid="proef-geslaagd"><p>"De proef is geslaagd: met uw twee sleuteldelen gaat de opening open. Dat is vastgelegd in de audittrail."</p></div> }.into_any(),
            Ok(Some(false)) => view! { <div class="utrecht-alert utrecht-alert--error" role="alert" data-testid="proef-mislukt"><p>"De proef is mislukt: de sleuteldelen openen de proefenvelop niet. Probeer het met andere sleutelhouders en meld het aan de functioneel beheerder; vastgelegd in de audittrail."</p></div> }.into_any(),
            Err(e) => view! { <div class="utrecht-alert utrecht-alert--error" role="alert" data-testid="fout"><p>{e.to_string()}</p></div> }.into_any(),
        })}
        {feedback!(start, "De opening is gestart. Een tweede inkoper moet haar binnen 10 minuten bevestigen.")}
        {feedback!(confirm, "De inschrijvingen zijn geopend. Het proces-verbaal staat hieronder.")}
        </TenderPage>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match record.await {
                    Err(_) | Ok(None) => ().into_any(),
                    Ok(Some(r)) => {
                        let s = |k: &str| r.record[k].as_str().unwrap_or_default().to_string();
                        view! {
                            <section class="pv" data-testid="proces-verbaal">
                                <h2 class="utrecht-heading-2">"Proces-verbaal van opening"</h2>
                                <p><a href=format!("/stukken/{}/proces-verbaal.pdf", r.tender) download="" data-testid="pv-pdf">
                                    "Proces-verbaal downloaden (PDF)"</a></p>
                                <dl class="facts">
                                    <dt>"Aanbesteding"</dt><dd>{format!("{} ({})", s("aanbesteding"), s("kenmerk"))}</dd>
                                    <dt>"Sluitingstermijn"</dt><dd>{s("sluitingstermijn")}</dd>
                                    <dt>"Gestart door"</dt><dd>{format!("{} op {}", s("gestart_door"), s("gestart_op"))}</dd>
                                    <dt>"Bevestigd door"</dt><dd>{format!("{} op {}", s("bevestigd_door"), s("bevestigd_op"))}</dd>
                                    <dt>"Ingetrokken inschrijvingen"</dt><dd>{s("ingetrokken_inschrijvingen")}</dd>
                                    {(!s("kvk_meer_dan_eens").is_empty()).then(|| view! {
                                        <dt>"Let op"</dt>
                                        <dd data-testid="kvk-meer-dan-eens">{format!("Meer dan één inschrijving met KvK-nummer {}. Beoordeel of dit één onderneming is.", s("kvk_meer_dan_eens"))}</dd>
                                    })}
                                </dl>
                                {r.bids.iter().map(|b| view! {
                                    <h3 class="utrecht-heading-3">{format!("{} (KvK {}), ontvangen {}", b.organisation, b.kvk, b.received)}</h3>
                                    <table class="utrecht-table"><tbody>{b.parts.iter().map(|p| view! {
                                        <tr><td>{format!("Envelop {}", p.envelope)}</td>
                                            <td>{if p.sealed {
                                                view! { <span>{p.name.clone()}</span> }.into_any()
                                            } else {
                                                view! { <a href=format!("/bestand/inschrijving/{}/{}", r.tender, p.id)>{p.name.clone()}</a> }.into_any()
                                            }}</td>
                                            <td>{p.size.clone()}</td>
                                            <td>{if p.sealed {
                                                view! { <span class="meta">"verzegeld tot de consensus (onder pseudoniem te lezen)"</span> }.into_any()
                                            } else {
                                                view! { <code class="hash">{p.sha256.clone()}</code> }.into_any()
                                            }}</td></tr>
                                    }).collect_view()}</tbody></table>
                                }).collect_view()}
                                <p class="no-print"><button type="button" class="utrecht-button utrecht-button--secondary-action" data-print="">"Afdrukken"</button></p>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The passphrase of the caller's sealing key.
#[component]
fn PassphraseField(id: &'static str) -> impl IntoView {
    view! {
        <div class="utrecht-form-field">
            <label class="utrecht-form-label" for=id>"Uw zegelwachtwoord"</label>
            <p class="utrecht-form-field-description" id=format!("{id}-uitleg")>"Het wachtwoord dat u koos voor uw deel van de sleutel van de inschrijvingen."</p>
            <input class="utrecht-textbox" id=id name="zegelwachtwoord" type="password" autocomplete="off" maxlength="200" required
                aria-describedby=format!("{id}-uitleg") data-testid=id/>
        </div>
    }
}

/// The key the bids are sealed to: its fingerprint, who holds a share, and
/// (for a holder) the check of their own share and the rehearsal.
#[component]
fn SealingSection(
    tender: crate::ids::TenderId,
    k: crate::api::bids::SealingView,
    may: bool,
    prove: ServerAction<ProveKeyShare>,
    rehearse: ServerAction<RehearseOpening>,
) -> impl IntoView {
    let holder = may && k.mine.is_some() && !k.opened;
    view! {
        <section data-testid="verzegeling">
            <h2 class="utrecht-heading-2">"Verzegeling"</h2>
            <p>{if k.opened {
                "De inschrijvingen zijn met de sleutel geopend."
            } else {
                "De inschrijvingen zijn versleuteld met de sleutel van deze aanbesteding. Twee sleutelhouders openen haar samen, elk met het eigen zegelwachtwoord."
            }}</p>
            <details>
                <summary>"Vingerafdruk van de sleutel (SHA-256)"</summary>
                <p class="hint">"Dezelfde vingerafdruk staat in de audittrail bij de publicatie: zo ziet iedereen dat de sleutel niet is vervangen."</p>
                <code class="hash" data-testid="sleutel-vingerafdruk">{k.fingerprint.clone()}</code>
            </details>
            <table class="utrecht-table" data-testid="sleutelhouders">
                <thead><tr><th scope="col">"Sleutelhouder"</th><th scope="col">"Eigen deel gecontroleerd"</th></tr></thead>
                <tbody>{k.holders.iter().map(|(n, proved)| view! {
                    <tr><td>{n.clone()}</td><td>{if *proved { "ja" } else { "nog niet" }}</td></tr>
                }).collect_view()}</tbody>
            </table>
            {(k.holders.len() < 3 && !k.opened).then(|| view! {
                <p class="hint">"Met twee sleutelhouders kan de opening alleen als zij er allebei zijn. Bij een volgende aanbesteding: geef drie inkopers een zegelwachtwoord vóór de publicatie."</p>
            })}
            {holder.then(|| view! {
                {(k.mine == Some(false)).then(|| view! {
                    <h3 class="utrecht-heading-3">"Uw sleuteldeel controleren"</h3>
                    <ActionForm action=prove>
                        <input type="hidden" name="id" value=tender/>
                        <PassphraseField id="zegel-controle"/>
                        <button type="submit" class="utrecht-button utrecht-button--primary-action" data-testid="deel-controleren">"Mijn sleuteldeel controleren"</button>
                    </ActionForm>
                })}
                <h3 class="utrecht-heading-3">"Proef van de opening"</h3>
                <p>"Een proef laat vóór de sluitingstermijn zien dat twee sleutelhouders de sleutel samen maken. De inschrijvingen blijven dicht: alleen een proefenvelop gaat open."</p>
                {match k.rehearsal.clone() {
                    Some((by, at, true)) => view! {
                        <p data-testid="proef-wacht">{format!("{by} startte een proef op {at}. Voltooi haar met uw zegelwachtwoord.")}</p>
                        <ActionForm action=rehearse>
                            <input type="hidden" name="id" value=tender/>
                            <input type="hidden" name="start" value="false"/>
                            <PassphraseField id="zegel-proef-voltooien"/>
                            <button type="submit" class="utrecht-button utrecht-button--primary-action" data-testid="proef-voltooien">"Proef voltooien"</button>
                        </ActionForm>
                    }.into_any(),
                    other => view! {
                        {other.map(|(by, at, _)| view! { <p data-testid="proef-wacht">{format!("Proef gestart door {by} op {at}; een tweede sleutelhouder voltooit haar.")}</p> })}
                        <ActionForm action=rehearse>
                            <input type="hidden" name="id" value=tender/>
                            <input type="hidden" name="start" value="true"/>
                            <PassphraseField id="zegel-proef-starten"/>
                            <button type="submit" class="utrecht-button utrecht-button--secondary-action" data-testid="proef-starten">"Proef starten"</button>
                        </ActionForm>
                    }.into_any(),
                }}
            })}
        </section>
    }
}
