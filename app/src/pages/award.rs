//! The award method: criteria with weights and level descriptors, the price
//! method and the tie-break; the editor (before publication) and the
//! simulation with invented bids.

use super::{tender_id, tender_or_none, TenderPage};
use crate::api::award::{award_view, SaveAwardMethod, SimulateAward};
use crate::feedback;
use leptos::prelude::*;

#[component]
pub fn AwardMethod() -> impl IntoView {
    let id = tender_id();
    let save = ServerAction::<SaveAwardMethod>::new();
    let simulate = ServerAction::<SimulateAward>::new();
    let data = Resource::new(move || (id(), save.version().get()), |(id, _)| async move { award_view(tender_or_none(id)).await });
    view! {
        <TenderPage title="Gunningsmethode" heading="Gunningsmethode" data=data render=move |a| {
            let tender = a.tender;
            view! {
                {a.frozen.then(|| view! {
                    <p class="meta" data-testid="vastgelegd">{format!(
                        "Vastgelegd bij de publicatie. Vingerafdruk (SHA-256): {}",
                        a.fingerprint.clone().unwrap_or_default()
                    )}</p>
                })}
                {(!a.problems.is_empty() && !a.frozen).then(|| view! {
                    <div class="utrecht-alert utrecht-alert--warning" role="status" data-testid="methode-problemen">
                        <p>"Publiceren kan pas als de methode compleet is:"</p>
                        <ul>{a.problems.clone().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                    </div>
                })}
                {a.present.then(|| view! {
                    <table class="utrecht-table criteria" data-testid="criteria">
                        <caption>{format!("Kwaliteit: {} van de {} punten", a.quality_points, a.total_points)}</caption>
                        <thead><tr><th scope="col">"Criterium"</th><th scope="col" class="num">"Punten"</th><th scope="col">"Schaal"</th></tr></thead>
                        <tbody>{a.rows.clone().into_iter().map(|r| view! {
                            <tr class=format!("depth-{}", r.depth)>
                                <td><strong>{r.code.clone()}</strong>" "{r.name.clone()}</td>
                                <td class="num">{r.weight.clone()}</td>
                                <td>{if r.scored {
                                    view! { <ul class="levels">{r.levels.iter().map(|(v, d)| view! { <li><strong>{*v}</strong>" "{d.clone()}</li> }).collect_view()}</ul> }.into_any()
                                } else {
                                    view! { <span class="meta">"via de subcriteria"</span> }.into_any()
                                }}</td>
                            </tr>
                        }).collect_view()}</tbody>
                    </table>
                    <dl class="facts">
                        <dt>"Prijs"</dt><dd data-testid="prijsmethode">{a.price_label.clone()}<br/><span class="meta">{a.price_text.clone()}</span></dd>
                        <dt>"Bij gelijke stand"</dt><dd data-testid="beslisregels">
                            {a.tie_break.iter().enumerate().map(|(i, t)| format!("{}{}. {t}", if i > 0 { "; " } else { "" }, i + 1)).collect::<String>()}</dd>
                    </dl>
                })}
                {a.may_edit.then(|| view! {
                    <details class="editor" open=!a.present>
                        <summary>"Methode bewerken"</summary>
                        <ActionForm action=save>
                            <input type="hidden" name="id" value=tender/>
                            <div class="utrecht-form-field"><label class="utrecht-form-label" for="criteria">"Criteria"</label>
                                <p class="hint">"Eén criterium per regel: code | naam | punten | schaal (0-10, 1-5 of voldoet) | eventueel de code van het bovenliggende criterium."</p>
                                <textarea class="utrecht-textarea code" id="criteria" name="criteria" rows="8" inner_html=super::textarea_html(&a.criteria_text)></textarea></div>
                            <div class="utrecht-form-field"><label class="utrecht-form-label" for="prijsmethode">"Prijsmethode"</label>
                                <select class="utrecht-select" id="prijsmethode" name="prijsmethode">
                                    {[("kwaliteit", "Vaste prijs, gunning op kwaliteit"), ("relatief", "Relatieve prijs"), ("bandbreedte", "Vaste bandbreedte"),
                                      ("logaritmisch", "Logaritmisch"), ("waarde", "Gunnen op waarde")].into_iter().map(|(v, l)| view! {
                                        <option value=v selected=a.price_kind == v>{l}</option>
                                    }).collect_view()}
                                </select></div>
                            <div class="grid-fields">
                                {[
                                    ("prijspunten", "Prijspunten", a.price_points.clone(), true),
                                    ("ondergrens", "Ondergrens bandbreedte (EUR)", a.band_min.clone(), false),
                                    ("bovengrens", "Bovengrens bandbreedte (EUR)", a.band_max.clone(), false),
                                    ("factor", "Factor A (logaritmisch)", a.log_a.clone(), true),
                                    ("waarde", "Waarde per kwaliteitspunt (EUR)", a.value_per_point.clone(), false),
                                    ("vaste_prijs", "Vaste prijs (EUR, leeg: budget volgens de stukken)", a.fixed_price.clone(), false),
                                    ("totaal", "Totaal aantal punten", a.total_points.clone(), true),
                                ].into_iter().map(|(name, label, value, decimal)| view! {
                                    <div class="utrecht-form-field"><label class="utrecht-form-label" for=name>{label}</label>
                                        <input class="utrecht-textbox" id=name name=name type="text" inputmode=decimal.then_some("decimal") value=value/></div>
                                }).collect_view()}
                            </div>
                            <div class="utrecht-form-field"><label class="utrecht-form-label" for="beslisregels">"Bij gelijke stand, in volgorde"</label>
                                <p class="hint">"Kommagescheiden: kwaliteit, prijs, een criteriumcode, loting."</p>
                                <input class="utrecht-textbox" id="beslisregels" name="beslisregels" type="text" value=a.tie_break_text.clone() required/></div>
                            <button type="submit" class="utrecht-button utrecht-button--primary-action">"Methode opslaan"</button>
                        </ActionForm>
                    </details>
                })}
                {(a.may_simulate && a.present).then(|| view! {
                    <section class="simulation">
                        <h2 class="utrecht-heading-2">"Simulatie"</h2>
                        <p class="hint">{format!(
                            "Verzonnen inschrijvingen, één per regel: naam | niveaus in de volgorde {} | prijs in euro. Er wordt niets opgeslagen.",
                            a.leaf_codes.join(" ")
                        )}</p>
                        <ActionForm action=simulate>
                            <input type="hidden" name="id" value=tender/>
                            <textarea class="utrecht-textarea code" name="inschrijvingen" rows="4" aria-label="Verzonnen inschrijvingen" required></textarea>
                            <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Rangorde berekenen"</button>
                        </ActionForm>
                        {move || simulate.value().get().map(|r| match r {
                            Err(e) => view! { <div class="utrecht-alert utrecht-alert--error" role="alert"><p>{e.to_string()}</p></div> }.into_any(),
                            Ok(s) => view! {
                                <table class="utrecht-table" data-testid="simulatie">
                                    <thead><tr><th scope="col">"Rang"</th><th scope="col">"Inschrijving"</th><th scope="col" class="num">"Kwaliteit"</th>
                                        <th scope="col" class="num">"Prijspunten"</th><th scope="col" class="num">{if s.value_method { "Fictieve prijs" } else { "Totaal" }}</th>
                                        <th scope="col">"Wint bij een prijs van hoogstens"</th></tr></thead>
                                    <tbody>{s.rows.iter().map(|r| view! {
                                        <tr><td>{r.rank}</td><td>{r.label.clone()}{r.tie_note.clone().map(|n| view! { <br/><span class="meta">{n}</span> })}</td>
                                            <td class="num">{r.quality.clone()}</td><td class="num">{r.price_points.clone()}</td><td class="num">{r.total.clone()}</td>
                                            <td>{r.flip.clone().unwrap_or_else(|| if r.rank == 1 { "wint al".into() } else { "geen prijs".into() })}</td></tr>
                                    }).collect_view()}</tbody>
                                </table>
                                {(!s.excluded.is_empty()).then(|| view! { <p>{format!("Uitgesloten (voldoet niet): {}", s.excluded.join(", "))}</p> })}
                                {s.unresolved_tie.clone().map(|t| view! { <p class="refused">{t}</p> })}
                            }.into_any(),
                        })}
                    </section>
                })}
            }.into_any()
        }>
        {feedback!(save, "De gunningsmethode is opgeslagen.")}
        </TenderPage>
    }
}
