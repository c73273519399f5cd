//! The evaluation ("Beoordeling"): for the inkoper the panel, declarations,
//! flags and the result; for an evaluator the declaration, the pseudonymised
//! plans and the scoring matrix (criteria as rows, plans as columns), and for
//! the chair the consensus matrix with its agenda.
//!
//! Every cell of a matrix is its own small form: saving one cell never
//! discards what is typed in another, and the totals follow the saved levels.

use super::{tender_id, tender_or_none, TenderPage};
use crate::api::evaluation::{
    evaluation_view, AppointEvaluator, CheckDeclaration, ConsensusCell, ConsensusView, CritRow, DecideFlag, EvaluationData, FlagPlan,
    LockConsensus, LockSheet, OpenConsensus, RecordLot, ReplaceEvaluator, SaveConsensus, SaveScore, SetChair, SheetView,
    SignDeclaration,
};
use crate::domain::status::{DeclarationCheck, FlagDecision};
use crate::feedback;
use crate::ids::TenderId;
use leptos::prelude::*;
use std::collections::BTreeMap;

type Levels = RwSignal<BTreeMap<(String, String), u32>>;

fn label(p: &str) -> String {
    format!("Inschrijving {p}")
}

/// Quality points of one plan from the levels known so far.
fn quality(criteria: &[CritRow], levels: &BTreeMap<(String, String), u32>, plan: &str) -> String {
    let q: f64 = criteria
        .iter()
        .filter_map(|c| levels.get(&(plan.to_string(), c.code.clone())).map(|l| c.weight_value * *l as f64 / c.max.max(1) as f64))
        .sum();
    format!("{q:.2}").replace('.', ",")
}

fn level_text(c: &CritRow, level: u32) -> String {
    match c.levels.iter().find(|x| x.0 == level) {
        Some((_, d)) => format!("{level} ({d})"),
        None => level.to_string(),
    }
}

#[component]
pub fn Evaluation() -> AnyView {
    let id = tender_id();
    let appoint = ServerAction::<AppointEvaluator>::new();
    let chair = ServerAction::<SetChair>::new();
    let replace = ServerAction::<ReplaceEvaluator>::new();
    let check = ServerAction::<CheckDeclaration>::new();
    let sign = ServerAction::<SignDeclaration>::new();
    let flag = ServerAction::<FlagPlan>::new();
    let decide = ServerAction::<DecideFlag>::new();
    let lock = ServerAction::<LockSheet>::new();
    let open = ServerAction::<OpenConsensus>::new();
    let lock_cons = ServerAction::<LockConsensus>::new();
    let lot = ServerAction::<RecordLot>::new();
    let data = Resource::new(
        move || {
            (
                id(),
                appoint.version().get() + chair.version().get() + replace.version().get() + check.version().get() + sign.version().get(),
                flag.version().get() + decide.version().get() + lock.version().get() + open.version().get(),
                lock_cons.version().get() + lot.version().get(),
            )
        },
        |(id, ..)| async move { evaluation_view(tender_or_none(id)).await },
    );
    let acts = Acts { appoint, chair, replace, check, sign, flag, decide, lock, open, lock_cons, lot };
    view! {
        <TenderPage title="Beoordeling" heading="Beoordeling" data=data render=move |d| view! { <Body d acts/> }.into_any()>
        {move || appoint.value().get().map(|r| match r {
            Ok(true) => view! { <div class="utrecht-alert utrecht-alert--ok" role="status" data-testid="gelukt"><p>
                "De beoordelaar is aangewezen. Het account is nieuw: de beoordelaar krijgt een e-mail met een link om zelf een wachtwoord te kiezen (72 uur geldig)."</p></div> }.into_any(),
            Ok(false) => view! { <div class="utrecht-alert utrecht-alert--ok" role="status" data-testid="gelukt"><p>"De beoordelaar is aangewezen."</p></div> }.into_any(),
            Err(e) => view! { <div class="utrecht-alert utrecht-alert--error" role="alert" data-testid="fout"><p>{e.to_string()}</p></div> }.into_any(),
        })}
        {feedback!(chair, "De voorzitter is aangewezen.")}
        {feedback!(replace, "De beoordelaar is vervangen.")}
        {feedback!(check, "De toetsing van de verklaring is vastgelegd.")}
        {feedback!(sign, "Uw verklaring is ondertekend. De inkoper toetst haar; daarna kunt u beginnen.")}
        {feedback!(flag, "Uw melding is bij de inkoper. Het plan is tot diens besluit niet in te zien.")}
        {feedback!(decide, "Het besluit over de melding is vastgelegd.")}
        {feedback!(lock, "Uw scoreformulier is vergrendeld.")}
        {feedback!(open, "Het consensusoverleg is geopend.")}
        {feedback!(lock_cons, "De consensus is vastgesteld. De pseudoniemen zijn ontsleuteld, de prijzen geopend en de rangorde berekend.")}
        {feedback!(lot, "De uitkomst van de loting is vastgelegd.")}
        </TenderPage>
    }
    .into_any()
}

#[derive(Clone, Copy)]
struct Acts {
    appoint: ServerAction<AppointEvaluator>,
    chair: ServerAction<SetChair>,
    replace: ServerAction<ReplaceEvaluator>,
    check: ServerAction<CheckDeclaration>,
    sign: ServerAction<SignDeclaration>,
    flag: ServerAction<FlagPlan>,
    decide: ServerAction<DecideFlag>,
    lock: ServerAction<LockSheet>,
    open: ServerAction<OpenConsensus>,
    lock_cons: ServerAction<LockConsensus>,
    lot: ServerAction<RecordLot>,
}

#[component]
fn Body(d: EvaluationData, acts: Acts) -> AnyView {
    let tender = d.tender;
    let is_evaluator = d.me.is_some();
    view! {
        <p class="meta">{format!("Fase: {}", d.phase)}</p>
        {(!d.opened).then(|| view! {
            <p data-testid="nog-niet-geopend">"De inschrijvingen zijn nog niet geopend. Het panel en de verklaringen kunnen al worden voorbereid."</p>
        })}
        {(d.buyer || d.may_manage).then(|| view! { <PanelSection d=d.clone() acts/> })}
        {is_evaluator.then(|| view! { <EvaluatorSection d=d.clone() acts/> })}
        {(!is_evaluator && !d.buyer).then(|| view! {
            <div class="utrecht-alert utrecht-alert--warning" role="status"><p>"U bent (nog) niet aangewezen als beoordelaar in deze aanbesteding."</p></div>
        })}
        {(!d.plans.is_empty()).then(|| view! {
            <h2 class="utrecht-heading-2">"Downloads"</h2>
            <ul class="downloads">
                <li><a href=format!("/stukken/{tender}/scorematrix.xlsx") download="" data-testid="scorematrix-xlsx">"Scorematrix (Excel)"</a></li>
                <li><a href=format!("/export/beoordeling/{tender}") data-testid="csv">"Scorematrix (CSV)"</a></li>
                {d.consensus.is_some().then(|| view! {
                    <li><a href=format!("/stukken/{tender}/consensus.xlsx") download="" data-testid="consensus-xlsx">"Consensusmatrix (Excel)"</a></li>
                })}
                {d.result.is_some().then(|| view! {
                    <li><a href=format!("/stukken/{tender}/inschrijvingen.xlsx") download="" data-testid="inschrijvingen-xlsx">"Inschrijvingen met uitslag (Excel)"</a></li>
                    <li><a href=format!("/stukken/{tender}/beoordelingsrapport.pdf") download="" data-testid="rapport-pdf">"Beoordelingsrapport en gunningsadvies (PDF)"</a></li>
                    <li><a href=format!("/stukken/{tender}/beoordelingsrapport-met-bijlage.pdf") download="" data-testid="rapport-bijlage-pdf">"Beoordelingsrapport met de individuele scores als bijlage, alleen intern (PDF)"</a></li>
                })}
            </ul>
        })}
    }
    .into_any()
}

#[component]
fn PanelSection(d: EvaluationData, acts: Acts) -> AnyView {
    let tender = d.tender;
    let manage = d.may_manage;
    let candidates = d.candidates.clone();
    let bidders = d.bidders.clone();
    // After an appointment the form starts empty again (the chair box must not
    // stay ticked for the next evaluator).
    let appoint_form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = acts.appoint.value().get() {
            if let Some(f) = appoint_form.get() {
                f.reset();
            }
        }
    });
    view! {
        <section data-testid="panel">
            <h2 class="utrecht-heading-2">"Beoordelingspanel"</h2>
            <table class="utrecht-table">
                <thead><tr><th scope="col">"Beoordelaar"</th><th scope="col">"Verklaring"</th><th scope="col">"Toetsing door de inkoper"</th>
                    <th scope="col">"Voortgang"</th><th scope="col">"Acties"</th></tr></thead>
                <tbody>{d.panel.clone().into_iter().map(|p| {
                    let pid = p.id;
                    let row_id = format!("panel-{}", p.username);
                    view! {
                        <tr data-testid=row_id class:replaced=!p.active>
                            <td>{p.name.clone()}{p.chair.then_some(" (voorzitter)")}<br/><span class="meta">{format!("aangewezen {}", p.appointed)}</span>
                                {p.replaced.clone().map(|r| view! { <br/><span class="meta">{format!("vervangen: {r}")}</span> })}</td>
                            <td>{match (p.declaration.clone(), p.interests.clone()) {
                                (Some(at), i) => view! { <span>{format!("ondertekend {at}")}</span><br/><span class="meta">{format!("Opgegeven belangen: {}", i.unwrap_or_default())}</span> }.into_any(),
                                (None, _) => view! { <span class="meta">"nog niet ondertekend"</span> }.into_any(),
                            }}</td>
                            <td data-testid="toetsing">{match p.check {
                                DeclarationCheck::GeenConflict => "geen belangenconflict".to_string(),
                                DeclarationCheck::Conflict => format!("belangenconflict: {}", p.check_note.clone().unwrap_or_default()),
                                DeclarationCheck::Open => "nog niet getoetst".to_string(),
                            }}</td>
                            <td>{if p.locked { "vergrendeld".to_string() } else { format!("{} scores", p.filled) }}</td>
                            <td>{(manage && p.active).then(|| view! {
                                {(p.declaration.is_some() && p.check == DeclarationCheck::Open && p.appointed_by_me).then(|| view! {
                                    <p class="hint" data-testid="andere-inkoper-toetst">"U heeft deze beoordelaar aangewezen: een andere inkoper toetst de verklaring."</p>
                                })}
                                {(p.declaration.is_some() && p.check == DeclarationCheck::Open && !p.appointed_by_me).then(|| view! {
                                    <ActionForm action=acts.check>
                                        <input type="hidden" name="id" value=tender/>
                                        <input type="hidden" name="beoordelaar" value=pid/>
                                        <label class="utrecht-form-label" for=format!("uitkomst-{pid}")>"Uitkomst van de toetsing"</label>
                                        <select class="utrecht-select" id=format!("uitkomst-{pid}") name="uitkomst">
                                            <option value="geen_conflict">"Geen belangenconflict"</option>
                                            <option value="conflict">"Belangenconflict"</option>
                                        </select>
                                        <label class="utrecht-form-label" for=format!("toelichting-{pid}")>"Toelichting"</label>
                                        <input class="utrecht-textbox" id=format!("toelichting-{pid}") name="toelichting" type="text"/>
                                        <button type="submit" class="utrecht-button utrecht-button--secondary-action" data-testid=format!("toetsen-{}", p.username)>"Toetsing vastleggen"</button>
                                    </ActionForm>
                                })}
                                {(!p.chair).then(|| view! {
                                    <ActionForm action=acts.chair attr:class="inline-form">
                                        <input type="hidden" name="id" value=tender/>
                                        <input type="hidden" name="beoordelaar" value=pid/>
                                        <button type="submit" class="utrecht-button utrecht-button--subtle">"Voorzitter maken"</button>
                                    </ActionForm>
                                })}
                                <details class="editor"><summary>"Vervangen"</summary>
                                    <ActionForm action=acts.replace>
                                        <input type="hidden" name="id" value=tender/>
                                        <input type="hidden" name="beoordelaar" value=pid/>
                                        <label class="utrecht-form-label" for=format!("reden-{pid}")>"Reden"</label>
                                        <input class="utrecht-textbox" id=format!("reden-{pid}") name="reden" type="text" required/>
                                        <label class="utrecht-form-label" for=format!("vervanger-{pid}")>"Gebruikersnaam van de vervanger"</label>
                                        <input class="utrecht-textbox" id=format!("vervanger-{pid}") name="gebruikersnaam" type="text" required/>
                                        <label class="utrecht-form-label" for=format!("vervangernaam-{pid}")>"Naam (alleen voor een nieuw account)"</label>
                                        <input class="utrecht-textbox" id=format!("vervangernaam-{pid}") name="naam" type="text"/>
                                        <label class="utrecht-form-label" for=format!("vervangeremail-{pid}")>"E-mailadres (alleen voor een nieuw account)"</label>
                                        <input class="utrecht-textbox" id=format!("vervangeremail-{pid}") name="email" type="email"/>
                                        <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Vervangen"</button>
                                    </ActionForm>
                                </details>
                            })}</td>
                        </tr>
                    }
                }).collect_view()}</tbody>
            </table>
            {manage.then(|| view! {
                {(!bidders.is_empty()).then(|| view! {
                    <p data-testid="inschrijvers">{format!("Toets de verklaringen aan de inschrijvers: {}.", bidders.join("; "))}</p>
                })}
                <details class="editor"><summary>"Beoordelaar aanwijzen"</summary>
                    <ActionForm action=acts.appoint node_ref=appoint_form>
                        <input type="hidden" name="id" value=tender/>
                        <label class="utrecht-form-label" for="gebruikersnaam">"Gebruikersnaam"</label>
                        <input class="utrecht-textbox" id="gebruikersnaam" name="gebruikersnaam" type="text" list="kandidaten" required/>
                        <datalist id="kandidaten">{candidates.iter().map(|(u, n)| view! { <option value=u.clone()>{n.clone()}</option> }).collect_view()}</datalist>
                        <label class="utrecht-form-label" for="naam">"Naam (alleen voor een nieuw account)"</label>
                        <input class="utrecht-textbox" id="naam" name="naam" type="text"/>
                        <label class="utrecht-form-label" for="email">"E-mailadres (alleen voor een nieuw account: de beoordelaar krijgt een uitnodiging)"</label>
                        <input class="utrecht-textbox" id="email" name="email" type="email"/>
                        <label class="checkbox"><input type="checkbox" name="voorzitter" value="ja"/>" Voorzitter van het panel"</label>
                        <p class="hint">"Een beoordelaar kent de inschrijvers niet: inkopers, waarnemers en medewerkers van inschrijvers kunnen geen beoordelaar zijn."</p>
                        <button type="submit" class="utrecht-button utrecht-button--primary-action" data-testid="aanwijzen">"Aanwijzen"</button>
                    </ActionForm>
                </details>
            })}
            {d.commitment.clone().map(|c| view! {
                <p class="meta">"Toewijzing van de pseudoniemen vastgelegd bij de opening (SHA-256-commitment): "<code class="hash">{c}</code></p>
            })}
            {(!d.plans.is_empty()).then(|| view! {
                <h3 class="utrecht-heading-3">"Plannen en meldingen"</h3>
                <table class="utrecht-table" data-testid="plannen-inkoper">
                    <thead><tr><th scope="col">"Plan"</th><th scope="col">"Status"</th><th scope="col">"Meldingen"</th></tr></thead>
                    <tbody>{d.plans.clone().into_iter().map(|p| view! {
                        <tr>
                            <td>{p.label.clone()}</td>
                            <td>{if !p.valid { "ongeldig" } else if p.flag_open { "melding in behandeling" } else { "wordt beoordeeld" }}</td>
                            <td>{p.flags.clone().into_iter().map(|f| {
                                let fid = f.id;
                                view! {
                                    <div class="flag" data-testid="melding">
                                        <p>{if f.by_system { "Controle bij de opening" } else { "Melding van een beoordelaar" }}{format!(" ({})", f.raised)}": "{f.note.clone().unwrap_or_default()}</p>
                                        {match f.decision {
                                            FlagDecision::Open if manage => view! {
                                                <ActionForm action=acts.decide>
                                                    <input type="hidden" name="id" value=tender/>
                                                    <input type="hidden" name="melding" value=fid/>
                                                    <label class="utrecht-form-label" for=format!("besluit-{fid}")>"Besluit"</label>
                                                    <select class="utrecht-select" id=format!("besluit-{fid}") name="besluit">
                                                        <option value="doorgaan">"Het plan maakt de inschrijver niet herkenbaar: beoordeling gaat door"</option>
                                                        <option value="ongeldig">"Het plan is ongeldig (volgens de aanbestedingsstukken)"</option>
                                                    </select>
                                                    <label class="utrecht-form-label" for=format!("motivering-{fid}")>"Motivering"</label>
                                                    <textarea class="utrecht-textarea" id=format!("motivering-{fid}") name="motivering" rows="2" required></textarea>
                                                    <button type="submit" class="utrecht-button utrecht-button--secondary-action" data-testid=format!("besluiten-{fid}")>"Besluit vastleggen"</button>
                                                </ActionForm>
                                            }.into_any(),
                                            FlagDecision::Open => view! { <p class="meta">"in behandeling"</p> }.into_any(),
                                            other => view! { <p class="meta">{format!("Besluit: {} — {}", if other == FlagDecision::Ongeldig { "ongeldig" } else { "beoordeling gaat door" }, f.decision_note.clone().unwrap_or_default())}</p> }.into_any(),
                                        }}
                                    </div>
                                }
                            }).collect_view()}</td>
                        </tr>
                    }).collect_view()}</tbody>
                </table>
            })}
            {d.consensus_blocker.clone().map(|b| view! { <p class="refused" data-testid="consensus-blokkade">{format!("Consensus: {b}")}</p> })}
            {d.result.clone().map(|r| {
                let lot_needed = r.lot_needed.clone();
                view! {
                    <h2 class="utrecht-heading-2">"Uitslag"</h2>
                    <p class="meta">{format!("Prijsmethode: {}", r.method)}</p>
                    <table class="utrecht-table" data-testid="uitslag">
                        <thead><tr><th scope="col">"Plaats"</th><th scope="col">"Plan"</th><th scope="col">"Inschrijver"</th><th scope="col" class="num">"Kwaliteit"</th>
                            <th scope="col" class="num">"Prijs"</th><th scope="col" class="num">"Prijspunten"</th><th scope="col" class="num">"Totaal"</th></tr></thead>
                        <tbody>{r.rows.iter().map(|x| view! {
                            <tr><td>{x.rank.map(|r| r.to_string()).unwrap_or_else(|| x.status.clone())}</td><td>{label(&x.pseudonym)}</td>
                                <td>{x.organisation.clone()}{x.note.clone().map(|n| view! { <br/><span class="meta">{n}</span> })}</td>
                                <td class="num">{x.quality.clone()}</td><td class="num">{x.price.clone().unwrap_or_else(|| "–".into())}</td>
                                <td class="num">{x.price_points.clone()}</td><td class="num">{x.total.clone()}</td></tr>
                        }).collect_view()}</tbody>
                    </table>
                    {r.problem.clone().map(|p| view! { <p class="refused">{p}</p> })}
                    {r.lot.clone().map(|l| view! { <p>{format!("Loting: {l}")}</p> })}
                    {lot_needed.map(|(a, b)| view! {
                        <ActionForm action=acts.lot>
                            <input type="hidden" name="id" value=tender/>
                            <label class="utrecht-form-label" for="volgorde">{format!("Uitkomst van de loting tussen {} en {} (winnaar eerst)", label(&a), label(&b))}</label>
                            <input class="utrecht-textbox" id="volgorde" name="volgorde" type="text" placeholder=format!("{a}, {b}") required/>
                            <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Loting vastleggen"</button>
                        </ActionForm>
                    })}
                }
            })}
            {d.consensus.clone().filter(|_| d.me.is_none()).map(|cv| view! {
                <ConsensusSection cv criteria=d.criteria.clone() plans=valid_plans(&d) tender acts chair=false/>
            })}
            {(d.me.is_none()).then(|| d.colleagues.clone().into_iter().map(|s| view! {
                <ReadOnlySheet sheet=s criteria=d.criteria.clone() plans=valid_plans(&d)/>
            }).collect_view())}
        </section>
    }
    .into_any()
}

fn valid_plans(d: &EvaluationData) -> Vec<String> {
    d.plans.iter().filter(|p| p.valid).map(|p| p.pseudonym.clone()).collect()
}

#[component]
fn EvaluatorSection(d: EvaluationData, acts: Acts) -> AnyView {
    let tender = d.tender;
    let me = d.me.clone().expect("an evaluator");
    let plans = valid_plans(&d);
    view! {
        <section data-testid="beoordelaar">
            <h2 class="utrecht-heading-2">{if me.chair { "Uw beoordeling (voorzitter)" } else { "Uw beoordeling" }}</h2>
            {(!me.declared).then(|| view! {
                <div class="utrecht-alert utrecht-alert--warning" role="status"><p>"Onderteken eerst de verklaring. Pas daarna, en nadat de inkoper haar heeft getoetst, ziet u de plannen."</p></div>
                <ActionForm action=acts.sign>
                    <input type="hidden" name="id" value=tender/>
                    <h3 class="utrecht-heading-3">"Verklaring over belangenconflicten"</h3>
                    <p>"U beoordeelt de plannen anoniem: u weet niet wie heeft ingeschreven. Noem daarom al uw belangen en relaties in de jeugdzorg: werkgevers (ook eerdere, van de laatste twee jaar), nevenfuncties, opdrachten en familieleden die bij zorgaanbieders werken. De inkoper toetst uw opgave aan de echte lijst van inschrijvers."</p>
                    <label class="utrecht-form-label" for="belangen">"Mijn belangen en relaties (of 'geen')"</label>
                    <textarea class="utrecht-textarea" id="belangen" name="belangen" rows="4" required></textarea>
                    <label class="checkbox"><input type="checkbox" name="akkoord" value="ja" required/>
                        " Ik verklaar dit naar waarheid, beoordeel onafhankelijk en houd alles wat ik in deze beoordeling zie geheim."</label>
                    <button type="submit" class="utrecht-button utrecht-button--primary-action" data-testid="verklaring-ondertekenen">"Verklaring ondertekenen"</button>
                </ActionForm>
            })}
            {(me.declared && me.check == DeclarationCheck::Open).then(|| view! {
                <p data-testid="wacht-op-toetsing">"Uw verklaring is ondertekend en wordt getoetst door de inkoper. Daarna kunt u beginnen."</p>
            })}
            {(me.check == DeclarationCheck::Conflict).then(|| view! {
                <div class="utrecht-alert utrecht-alert--error" role="alert"><p>"Uw verklaring wijst op een belangenconflict: u beoordeelt niet in deze aanbesteding."</p></div>
            })}
            {(me.cleared && !me.scoring_open && !me.locked).then(|| view! {
                <p data-testid="wacht-op-beoordeling">"Uw verklaring is goedgekeurd. U kunt beginnen zodra de beoordelingsfase is geopend."</p>
            })}
            {(me.cleared && me.scoring_open).then(|| view! {
                <h3 class="utrecht-heading-3">"Plannen"</h3>
                <ul class="plans" data-testid="plannen">{d.plans.clone().into_iter().map(|p| {
                    let ps = p.pseudonym.clone();
                    let item_id = format!("plan-{}", p.pseudonym);
                    view! {
                        <li data-testid=item_id>
                            <strong>{p.label.clone()}</strong>
                            {if !p.valid { view! { " — ongeldig verklaard, wordt niet beoordeeld" }.into_any() }
                             else if p.flag_open { view! { " — melding in behandeling bij de inkoper" }.into_any() }
                             else { view! { <span>{p.files.iter().map(|(def, name, size)| view! {
                                " · "<a href=format!("/bestand/beoordeling/{tender}/{ps}/{def}")>{format!("{name} ({size})")}</a>
                             }).collect_view()}</span> }.into_any() }}
                            {(p.readable && !me.locked).then(|| view! {
                                <details class="editor"><summary>"Dit plan maakt de inschrijver herkenbaar"</summary>
                                    <ActionForm action=acts.flag>
                                        <input type="hidden" name="id" value=tender/>
                                        <input type="hidden" name="plan" value=p.pseudonym.clone()/>
                                        <label class="utrecht-form-label" for=format!("melding-{}", p.pseudonym)>"Waaraan (zonder de naam over te nemen)"</label>
                                        <textarea class="utrecht-textarea" id=format!("melding-{}", p.pseudonym) name="melding" rows="2" required></textarea>
                                        <button type="submit" class="utrecht-button utrecht-button--secondary-action">"Melden bij de inkoper"</button>
                                    </ActionForm>
                                </details>
                            })}
                        </li>
                    }
                }).collect_view()}</ul>
            })}
            {d.sheet.clone().filter(|_| me.cleared && (me.scoring_open || me.locked)).map(|sheet| {
                let editable = !sheet.locked && me.scoring_open;
                view! {
                    {if editable {
                        view! { <SheetEditor sheet criteria=d.criteria.clone() plans=plans.clone() tender/> }.into_any()
                    } else {
                        view! { <ReadOnlySheet sheet criteria=d.criteria.clone() plans=plans.clone()/> }.into_any()
                    }}
                    {editable.then(|| view! {
                        {(!me.missing.is_empty()).then(|| view! {
                            <details class="missing"><summary>{format!("Nog niet compleet ({} plannen)", me.missing.len())}</summary>
                                <ul>{me.missing.iter().map(|m| view! { <li>{m.clone()}</li> }).collect_view()}</ul></details>
                        })}
                        <ActionForm action=acts.lock>
                            <input type="hidden" name="id" value=tender/>
                            <p class="hint">"Na het vergrendelen verandert uw scoreformulier niet meer. Pas dan ziet u de vergrendelde formulieren van uw collega's."</p>
                            <button type="submit" class="utrecht-button utrecht-button--primary-action" data-testid="vergrendelen">"Scoreformulier vergrendelen"</button>
                        </ActionForm>
                    })}
                }
            })}
            {d.colleagues.clone().into_iter().map(|s| view! {
                <ReadOnlySheet sheet=s criteria=d.criteria.clone() plans=plans.clone()/>
            }).collect_view()}
            {(me.chair && me.cleared && d.consensus.is_none()).then(|| match d.consensus_blocker.clone() {
                Some(b) => view! { <p class="refused" data-testid="consensus-blokkade">{format!("Consensus: {b}")}</p> }.into_any(),
                None => view! {
                    <ActionForm action=acts.open>
                        <input type="hidden" name="id" value=tender/>
                        <button type="submit" class="utrecht-button utrecht-button--primary-action" data-testid="consensus-openen">"Consensusoverleg openen"</button>
                    </ActionForm>
                }.into_any(),
            })}
            {d.consensus.clone().map(|cv| view! {
                <ConsensusSection cv criteria=d.criteria.clone() plans=plans.clone() tender acts chair=me.chair/>
            })}
        </section>
    }
    .into_any()
}

/// The criteria column of a matrix: code, name and weight.
#[component]
fn CriterionHead(c: CritRow) -> AnyView {
    view! {
        <th scope="row" class="crit"><strong>{c.code.clone()}</strong>" "{c.name.clone()}<br/><span class="meta">{format!("gewicht {}", c.weight)}</span></th>
    }
    .into_any()
}

#[component]
fn ReadOnlySheet(sheet: SheetView, criteria: Vec<CritRow>, plans: Vec<String>) -> AnyView {
    let levels: BTreeMap<(String, String), u32> =
        sheet.cells.iter().filter_map(|c| c.level.map(|l| ((c.plan.clone(), c.criterion.clone()), l))).collect();
    let cell = |p: &str, code: &str| sheet.cells.iter().find(|c| c.plan == p && c.criterion == code).cloned();
    view! {
        <div class="matrix-wrap">
            <table class="utrecht-table matrix" data-testid="scoreformulier">
                <caption>{format!("Scoreformulier van {}{}", sheet.evaluator, if sheet.locked { " (vergrendeld)" } else { "" })}</caption>
                <thead><tr><th scope="col">"Criterium"</th>{plans.iter().map(|p| view! { <th scope="col">{label(p)}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {criteria.iter().map(|c| view! {
                        <tr>
                            <CriterionHead c=c.clone()/>
                            {plans.iter().map(|p| {
                                let x = cell(p, &c.code);
                                view! { <td>{x.map(|x| view! {
                                    <strong>{x.level.map(|l| level_text(c, l)).unwrap_or_else(|| "–".into())}</strong>
                                    <p class="motivation">{x.motivation.clone()}</p>
                                })}</td> }
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                    <tr class="total"><th scope="row">"Kwaliteitspunten"</th>
                        {plans.iter().map(|p| view! { <td class="num">{quality(&criteria, &levels, p)}</td> }).collect_view()}</tr>
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn SheetEditor(sheet: SheetView, criteria: Vec<CritRow>, plans: Vec<String>, tender: TenderId) -> AnyView {
    let levels: Levels = RwSignal::new(
        sheet.cells.iter().filter_map(|c| c.level.map(|l| ((c.plan.clone(), c.criterion.clone()), l))).collect(),
    );
    let crit2 = criteria.clone();
    view! {
        <div class="matrix-wrap">
            <table class="utrecht-table matrix" data-testid="mijn-scoreformulier">
                <caption>"Uw scoreformulier: per criterium en plan een niveau met een motivering aan de hand van de omschrijving"</caption>
                <thead><tr><th scope="col">"Criterium"</th>{plans.iter().map(|p| view! { <th scope="col" data-testid="plan-kolom">{label(p)}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {criteria.iter().map(|c| view! {
                        <tr>
                            <CriterionHead c=c.clone()/>
                            {plans.iter().map(|p| {
                                let x = sheet.cells.iter().find(|x| &x.plan == p && x.criterion == c.code).cloned();
                                view! { <td><ScoreCell tender plan=p.clone() crit=c.clone() level=x.as_ref().and_then(|x| x.level)
                                    motivation=x.map(|x| x.motivation).unwrap_or_default() levels/></td> }
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                    <TotalsRow label="Kwaliteitspunten (opgeslagen scores)" testid="totaal" plans=plans.clone() criteria=crit2 levels/>
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The row under a matrix with each plan's quality points, recomputed as cells
/// are saved.
#[component]
fn TotalsRow(label: &'static str, testid: &'static str, plans: Vec<String>, criteria: Vec<CritRow>, levels: Levels) -> impl IntoView {
    let criteria = std::sync::Arc::new(criteria);
    view! {
        <tr class="total"><th scope="row">{label}</th>
            {plans.into_iter().map(|p| {
                let crit = criteria.clone();
                let cell_id = format!("{testid}-{p}");
                view! { <td class="num" data-testid=cell_id>{move || levels.with(|l| quality(&crit, l, &p))}</td> }
            }).collect_view()}</tr>
    }
}

/// What happened to the last save of one cell, announced to screen readers.
#[component]
fn CellStatus(
    value: Signal<Option<Result<u32, crate::error::AppError>>>,
    pending: Memo<bool>,
    testid: String,
) -> AnyView {
    view! {
        <span class="cell-status" role="status" data-testid=testid>{move || match value.get() {
            Some(Ok(_)) => "opgeslagen".to_string(),
            Some(Err(e)) => e.to_string(),
            None if pending.get() => "bezig…".to_string(),
            None => String::new(),
        }}</span>
    }
    .into_any()
}

#[component]
fn ScoreCell(tender: TenderId, plan: String, crit: CritRow, level: Option<u32>, motivation: String, levels: Levels) -> AnyView {
    let save = ServerAction::<SaveScore>::new();
    let key = (plan.clone(), crit.code.clone());
    Effect::new(move |_| {
        if let Some(Ok(l)) = save.value().get() {
            levels.update(|m| {
                m.insert(key.clone(), l);
            });
        }
    });
    let tag = format!("{}-{}", plan, crit.code);
    view! {
        <ActionForm action=save attr:class="cell-form">
            <input type="hidden" name="id" value=tender/>
            <input type="hidden" name="plan" value=plan.clone()/>
            <input type="hidden" name="criterium" value=crit.code.clone()/>
            <select class="utrecht-select" name="niveau" aria-label=format!("Niveau {}, {}", crit.code, label(&plan)) data-testid=format!("niveau-{tag}") required>
                <option value="" selected=level.is_none()>"kies een niveau"</option>
                {crit.levels.iter().map(|(v, d)| view! { <option value=v.to_string() selected=level == Some(*v)>{format!("{v} — {d}")}</option> }).collect_view()}
            </select>
            <textarea class="utrecht-textarea" name="motivering" rows="3" aria-label=format!("Motivering {}, {}", crit.code, label(&plan))
                data-testid=format!("motivering-{tag}") required inner_html=super::textarea_html(&motivation)></textarea>
            <button type="submit" class="utrecht-button utrecht-button--secondary-action" data-testid=format!("opslaan-{tag}")>"Opslaan"</button>
            <CellStatus value=Signal::derive(move || save.value().get()) pending=save.pending() testid=format!("status-{tag}")/>
        </ActionForm>
    }
    .into_any()
}

#[component]
fn ConsensusSection(cv: ConsensusView, criteria: Vec<CritRow>, plans: Vec<String>, tender: TenderId, acts: Acts, chair: bool) -> AnyView {
    let levels: Levels = RwSignal::new(
        cv.cells.iter().filter_map(|c| c.level.map(|l| ((c.plan.clone(), c.criterion.clone()), l))).collect(),
    );
    let crit2 = criteria.clone();
    let editable = cv.may_edit;
    let cell_of = |p: &str, code: &str| cv.cells.iter().find(|c| c.plan == p && c.criterion == code).cloned();
    view! {
        <section class="consensus" data-testid="consensus">
            <h2 class="utrecht-heading-2">{if cv.locked { "Consensus (vastgesteld)" } else { "Consensusoverleg" }}</h2>
            {cv.locked_by.clone().map(|b| view! { <p class="meta">{format!("Vastgesteld door {b}")}</p> })}
            {(!cv.agenda.is_empty() && !cv.locked).then(|| view! {
                <h3 class="utrecht-heading-3">"Agenda: grootste verschillen eerst"</h3>
                <ol class="agenda" data-testid="agenda">{cv.agenda.iter().map(|(p, c, steps)| view! {
                    <li class:flagged={*steps >= 2}>{format!("{p}, {c}: {steps} schaalstap{} verschil", if *steps == 1 { "" } else { "pen" })}</li>
                }).collect_view()}</ol>
            })}
            <div class="matrix-wrap">
                <table class="utrecht-table matrix" data-testid="consensusmatrix">
                    <caption>"Per criterium en plan de individuele scores, de spreiding en de consensusscore"</caption>
                    <thead><tr><th scope="col">"Criterium"</th>{plans.iter().map(|p| view! { <th scope="col">{label(p)}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {criteria.iter().map(|c| view! {
                            <tr>
                                <CriterionHead c=c.clone()/>
                                {plans.iter().map(|p| {
                                    let x: Option<ConsensusCell> = cell_of(p, &c.code);
                                    let flagged = x.as_ref().is_some_and(|x| x.flagged);
                                    view! { <td class:flagged=flagged>{x.map(|x| view! {
                                        <ul class="individual">{x.scores.iter().map(|(who, l)| view! { <li>{format!("{who}: {l}")}</li> }).collect_view()}</ul>
                                        <p class="meta">{format!("spreiding {}", x.spread)}{x.flagged.then_some(" · meer dan één schaalstap: bespreken")}</p>
                                        {if editable {
                                            view! { <ConsensusCellForm tender cell=x.clone() crit=c.clone() levels/> }.into_any()
                                        } else {
                                            view! {
                                                <p><strong data-testid=format!("consensus-{}-{}", x.plan, x.criterion)>{x.level.map(|l| level_text(c, l)).unwrap_or_else(|| "nog geen consensus".into())}</strong></p>
                                                <p class="motivation">{x.motivation.clone()}</p>
                                                {(!x.justification.is_empty()).then(|| view! { <p class="meta">{format!("Toelichting: {}", x.justification)}</p> })}
                                            }.into_any()
                                        }}
                                    })}</td> }
                                }).collect_view()}
                            </tr>
                        }).collect_view()}
                        <TotalsRow label="Kwaliteitspunten (consensus)" testid="consensus-totaal" plans=plans.clone() criteria=crit2 levels/>
                    </tbody>
                </table>
            </div>
            {(chair || !cv.offsets.is_empty()).then(|| view! {
                <h3 class="utrecht-heading-3">"Afwijking per beoordelaar van de consensus"</h3>
                <table class="utrecht-table" data-testid="afwijkingen">
                    <thead><tr><th scope="col">"Beoordelaar"</th><th scope="col" class="num">"Gemiddelde afwijking (schaalpunten)"</th></tr></thead>
                    <tbody>{cv.offsets.iter().map(|(n, o)| view! { <tr><td>{n.clone()}</td><td class="num">{o.clone()}</td></tr> }).collect_view()}</tbody>
                </table>
            })}
            {editable.then(|| view! {
                <ActionForm action=acts.lock_cons>
                    <input type="hidden" name="id" value=tender/>
                    <super::CodeField required=cv.code_required id="code-consensus"/>
                    <p class="hint">"Na het vaststellen worden de pseudoniemen ontsleuteld, de prijzen (envelop 3) geopend en de rangorde berekend volgens de gepubliceerde methode."</p>
                    <button type="submit" class="utrecht-button utrecht-button--primary-action" data-testid="consensus-vaststellen">"Consensus vaststellen"</button>
                </ActionForm>
            })}
        </section>
    }
    .into_any()
}

#[component]
fn ConsensusCellForm(tender: TenderId, cell: ConsensusCell, crit: CritRow, levels: Levels) -> AnyView {
    let save = ServerAction::<SaveConsensus>::new();
    let key = (cell.plan.clone(), cell.criterion.clone());
    Effect::new(move |_| {
        if let Some(Ok(l)) = save.value().get() {
            levels.update(|m| {
                m.insert(key.clone(), l);
            });
        }
    });
    let tag = format!("{}-{}", cell.plan, cell.criterion);
    let plan = label(&cell.plan);
    view! {
        <ActionForm action=save attr:class="cell-form">
            <input type="hidden" name="id" value=tender/>
            <input type="hidden" name="plan" value=cell.plan.clone()/>
            <input type="hidden" name="criterium" value=cell.criterion.clone()/>
            <select class="utrecht-select" name="niveau" aria-label=format!("Consensusniveau {}, {plan}", crit.code) data-testid=format!("cniveau-{tag}") required>
                <option value="" selected=cell.level.is_none()>"kies een niveau"</option>
                {crit.levels.iter().map(|(v, d)| view! { <option value=v.to_string() selected=cell.level == Some(*v)>{format!("{v} — {d}")}</option> }).collect_view()}
            </select>
            <textarea class="utrecht-textarea" name="motivering" rows="3" aria-label=format!("Consensusmotivering {}, {plan}", crit.code)
                data-testid=format!("cmotivering-{tag}") required inner_html=super::textarea_html(&cell.motivation)></textarea>
            <textarea class="utrecht-textarea" name="toelichting" rows="2" aria-label=format!("Toelichting buiten de individuele scores {}, {plan}", crit.code)
                placeholder="alleen nodig als de score buiten de individuele scores ligt" inner_html=super::textarea_html(&cell.justification)></textarea>
            <button type="submit" class="utrecht-button utrecht-button--secondary-action" data-testid=format!("copslaan-{tag}")>"Opslaan"</button>
            <CellStatus value=Signal::derive(move || save.value().get()) pending=save.pending() testid=format!("cstatus-{tag}")/>
        </ActionForm>
    }
    .into_any()
}
