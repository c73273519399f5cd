//! The documents of record as PDF downloads (server only):
//! `GET /stukken/{tender}/{file}.pdf` (the spreadsheets of `workbooks`
//! beside them as `{file}.xlsx`), typeset by the `records` crate from
//! the same stored data the pages show, checked against the same role x
//! phase table. Each document carries the audit head at the moment it was
//! made; the copy of a reader who may not see the trail (a bidder, an
//! evaluator, a gemeente) carries the fingerprint of the event that made the
//! document instead, because the size of the trail would tell how busy the
//! tender is (how many bids came in) before the opening.

use crate::api::guard::{self, Allowed};
use crate::domain::access::Action;
use crate::domain::calendar::show_instant;
use crate::error::AppError;
use crate::ids::TenderId;
use crate::state::AppState;
use crate::store::entities::audit_events;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Datelike, Timelike, Utc};
use records::Template;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{json, Value};
use tower_sessions::Session;

pub fn router(st: AppState) -> Router {
    Router::new().route("/stukken/{tender}/{file}", get(serve)).with_state(st)
}

/// The routes of this module, for `dialoog routes`.
pub const ROUTES: &[&str] = &["GET /stukken/{tender}/{file}"];

/// What changes the contract summary: a reader who may not see the trail
/// gets the fingerprint of the latest of these.
const CONTRACT_EVENTS: [&str; 5] = ["tender.phase_changed", "gemeente.signed", "gemeente.withdrawn", "contract.option_exercised", "contract.option_declined"];

/// A document of record as one reader receives it.
pub struct Document {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    /// The file name to save it under (with the tender's reference).
    pub name: String,
}

async fn serve(
    State(st): State<AppState>,
    session: Session,
    Path((tender, file)): Path<(TenderId, String)>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let res = async {
        let user = guard::require_user_of_session(&st, &session).await?;
        // `?deel=N`: the part of the audit extract.
        let part = match q.get("deel") {
            None => 1,
            Some(d) => d.trim().parse::<u64>().ok().filter(|n| (1..=1_000_000).contains(n)).ok_or_else(|| AppError::Invalid("Het deel is een volgnummer vanaf 1.".into()))?,
        };
        let doc = document(&st, user, tender, &file, part).await?;
        Ok((
            [
                (header::CONTENT_TYPE, doc.content_type.to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}\"", doc.name)),
                (header::CACHE_CONTROL, "private, no-store".to_string()),
            ],
            doc.bytes,
        )
            .into_response())
    }
    .await;
    res.unwrap_or_else(|e: AppError| crate::uploads::plain(crate::uploads::status_of(&e), &e.to_string()))
}

/// Makes `file` (a PDF, a spreadsheet of `workbooks` or a notice) for
/// `user`, checked against the role x phase table of that document.
pub async fn document(st: &AppState, user: crate::store::entities::users::Model, tender: TenderId, file: &str, part: u64) -> Result<Document, AppError> {
    let slug = |ok: &Allowed| crate::store::files::reference_slug(&ok.tender.reference);
    if file.starts_with("aankondiging-") && file.ends_with(".xml") {
        let ok = guard::allowed_for(st, user, tender, Action::ViewNotices).await?;
        let made = crate::store::clock::tender_now(&ok.tender, st.clock.now());
        let f = crate::ocds::facts_now(&st.db, &ok.tender, made).await?;
        let x = crate::eforms::extra(&st.db.conn, &f).await?;
        let n = crate::eforms::notices(&f, &x)
            .into_iter()
            .find(|n| n.file == file)
            .ok_or_else(|| AppError::NotFound("Deze aankondiging is er (nog) niet.".into()))?;
        let name = format!("{}-{}.xml", file.trim_end_matches(".xml"), slug(&ok));
        let xml = crate::eforms::stamped(&n.xml, made, head_in_words(st, &ok).await?.as_deref());
        return Ok(Document { bytes: xml.into_bytes(), content_type: "application/xml", name });
    }
    if let Some(id) = file.strip_prefix("ontvangstbevestiging-").and_then(|f| f.strip_suffix(".pdf")) {
        return receipt(st, user, tender, id).await;
    }
    if let Some(action) = crate::workbooks::action_for(file) {
        let ok = guard::allowed_for(st, user, tender, action).await?;
        let made = crate::store::clock::tender_now(&ok.tender, st.clock.now());
        let head = head_in_words(st, &ok).await?;
        let bytes = crate::workbooks::build(st, &ok, file, part, made, head.as_deref()).await?;
        let stem = file.trim_end_matches(".xlsx");
        let name = if file == "audittrail.xlsx" { format!("{stem}-{}-deel-{part}.xlsx", slug(&ok)) } else { format!("{stem}-{}.xlsx", slug(&ok)) };
        return Ok(Document { bytes, content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name });
    }
    let (template, ok, data, anchor_events) = match file {
        "proces-verbaal.pdf" => {
            let ok = guard::allowed_for(st, user, tender, Action::ViewOpeningRecord).await?;
            let data = proces_verbaal(st, &ok).await?;
            (Template::ProcesVerbaal, ok, data, &["opening.confirmed"][..])
        }
        "nota-van-inlichtingen.pdf" => {
            let ok = guard::allowed_for(st, user, tender, Action::ViewNvi).await?;
            let data = notas(st, &ok).await?;
            (Template::NotaVanInlichtingen, ok, data, &["nvi.published"][..])
        }
        "gunningsbeslissing.pdf" => {
            let ok = guard::allowed_for(st, user.clone(), tender, Action::ViewTender).await?;
            let ok = if ok.may(Action::ViewAwardLetters) { ok } else { guard::allowed_for(st, user, tender, Action::ReadAwardLetter).await? };
            let data = letters(st, &ok).await?;
            (Template::Gunningsbeslissing, ok, data, &["award.decision_sent"][..])
        }
        "beoordelingsrapport.pdf" | "beoordelingsrapport-met-bijlage.pdf" => {
            let ok = guard::allowed_for(st, user, tender, Action::ViewEvaluation).await?;
            let data = report(st, &ok, file.ends_with("met-bijlage.pdf")).await?;
            (Template::Beoordelingsrapport, ok, data, &["evaluation.consensus_locked", "evaluation.lot_recorded"][..])
        }
        "contractoverzicht.pdf" => {
            let ok = guard::allowed_for(st, user, tender, Action::ViewContract).await?;
            let data = contract(st, &ok).await?;
            (Template::Contractoverzicht, ok, data, &CONTRACT_EVENTS[..])
        }
        _ => return Err(AppError::NotFound("Dit document bestaat niet.".into())),
    };
    let made = crate::store::clock::tender_now(&ok.tender, st.clock.now());
    let mut data = data;
    let base = base(st, &ok, made, anchor_events).await?;
    data.as_object_mut().ok_or(AppError::Internal)?.extend(base);
    let pdf = typeset(template, data, format!("{}/{}", ok.tender.reference, file), made).await?;
    Ok(Document { bytes: pdf, content_type: "application/pdf", name: format!("{}-{}.pdf", file.trim_end_matches(".pdf"), slug(&ok)) })
}

/// The audit head now in words, for a reader of the trail: the spreadsheets
/// carry it in their properties, the notices and the dossier as a line of
/// text. None for anyone else (the trail's size would tell them how busy the
/// tender is).
pub(crate) async fn head_in_words(st: &AppState, ok: &Allowed) -> Result<Option<String>, AppError> {
    if !ok.may(Action::ViewAuditTrail) {
        return Ok(None);
    }
    let (size, root) = audit_head(st).await?;
    Ok(Some(format!("Audittrail op het moment van maken: {size} gebeurtenissen, wortel (Merkle) {}", hex::encode(root))))
}

/// The audit head now: its size and Merkle root. The first `size` leaves do
/// not change once written, so the root of exactly those is the head.
async fn audit_head(st: &AppState) -> Result<(u64, crate::domain::merkle::Hash), AppError> {
    let c = &st.db.conn;
    let size = crate::store::audit::size(c).await?;
    Ok((size, crate::store::audit::root_at(c, size).await?))
}

/// What every document states: the tender, the buyers, when it was made and
/// its anchor in the audit trail.
async fn base(st: &AppState, ok: &Allowed, made: DateTime<Utc>, events: &[&str]) -> Result<serde_json::Map<String, Value>, AppError> {
    let c = &st.db.conn;
    let names: Vec<String> = crate::store::buyers::list(c, ok.tender.id).await?.into_iter().map(|b| b.name).collect();
    let opdrachtgever = opdrachtgever(&names);
    let audit = if !ok.may(Action::ViewAuditTrail) {
        let hash: Option<String> = audit_events::Entity::find()
            .select_only()
            .column(audit_events::Column::Hash)
            .filter(audit_events::Column::TenderId.eq(ok.tender.id))
            .filter(audit_events::Column::Action.is_in(events.iter().copied()))
            .order_by_desc(audit_events::Column::Seq)
            .into_tuple()
            .one(c)
            .await?;
        json!({ "gebeurtenis": hash.ok_or_else(|| AppError::NotFound("Dit document bestaat nog niet.".into()))? })
    } else {
        let (size, root) = audit_head(st).await?;
        json!({ "omvang": size, "wortel": hex::encode(root) })
    };
    let Value::Object(m) = json!({
        "aanbesteding": ok.tender.title,
        "kenmerk": ok.tender.reference,
        "opdrachtgever": opdrachtgever,
        "gemaakt_op": show_instant(made),
        "audit": audit,
    }) else {
        return Err(AppError::Internal);
    };
    Ok(m)
}

/// The proces-verbaal van opening: the stored record with the bids as the
/// page shows them (quality plans sealed until the consensus lock).
async fn proces_verbaal(st: &AppState, ok: &Allowed) -> Result<Value, AppError> {
    let r = crate::api::bids::opening_record_of(st, ok.tender.id)
        .await?
        .ok_or_else(|| AppError::NotFound("Er is nog geen proces-verbaal: de opening is nog niet bevestigd.".into()))?;
    let bids: Vec<Value> = r
        .bids
        .iter()
        .map(|b| {
            json!({
                "organisatie": b.organisation, "kvk": b.kvk, "ontvangen": b.received,
                "onderdelen": b.parts.iter().map(|p| json!({
                    "envelop": p.envelope, "naam": p.name, "grootte": p.size, "sha256": p.sha256, "verzegeld": p.sealed,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(json!({ "record": r.record, "inschrijvingen": bids }))
}

/// Every published Nota van Inlichtingen: questions without who asked,
/// answers, a moved deadline and the documents that changed with it.
async fn notas(st: &AppState, ok: &Allowed) -> Result<Value, AppError> {
    use crate::store::{documents, nvi};
    let c = &st.db.conn;
    let blocks = |md: &str| serde_json::to_value(crate::markdown::print_blocks(md, 4)).unwrap_or_default();
    // The versions that came with an NvI, by round.
    let mut changed: Vec<(crate::ids::QuestionRoundId, Value)> = vec![];
    for d in documents::list(c, ok.tender.id).await? {
        for v in documents::versions(c, d.id).await? {
            if let Some(round) = v.v.nvi_id {
                changed.push((round, json!({ "titel": d.title, "versie": v.v.version, "toelichting": v.v.note, "sha256": v.v.sha256 })));
            }
        }
    }
    let mut out = vec![];
    for r in nvi::rounds(c, ok.tender.id).await? {
        let (Some(number), Some(published)) = (r.number, r.published_at) else { continue };
        let qs = nvi::questions_of(c, r.id).await?;
        let vragen: Vec<Value> = qs
            .iter()
            .enumerate()
            .map(|(i, q)| {
                json!({
                    "nummer": i + 1,
                    "referentie": q.reference,
                    "vraag": paragraphs(&q.body),
                    "antwoord": blocks(q.answer_md.as_deref().unwrap_or_default()),
                    "samengevoegd_met": q.merged_into.and_then(|m| qs.iter().position(|x| x.id == m).map(|p| p + 1)),
                })
            })
            .collect();
        out.push(json!({
            "nummer": number,
            "titel": r.title,
            "gepubliceerd_op": show_instant(published),
            "toelichting": blocks(&r.intro_md),
            "nieuwe_sluitingstermijn": r.new_submission_deadline.map(show_instant),
            "vragen": vragen,
            "documenten": changed.iter().filter(|(id, _)| *id == r.id).map(|(_, v)| v.clone()).collect::<Vec<_>>(),
        }));
    }
    out.sort_by_key(|n| n["nummer"].as_i64());
    if out.is_empty() {
        return Err(AppError::NotFound("Er is nog geen Nota van Inlichtingen gepubliceerd.".into()));
    }
    Ok(json!({ "notas": out }))
}

/// A bidder's plain text as its paragraphs.
fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(str::to_string).collect()
}

/// The award decision letters as sent: a bidder its own, the inkoper and
/// the waarnemer every letter (each on its own pages).
async fn letters(st: &AppState, ok: &Allowed) -> Result<Value, AppError> {
    use crate::store::{decision, organisations};
    let c = &st.db.conn;
    let sent: Vec<_> = if ok.may(Action::ViewAwardLetters) {
        decision::letters(c, ok.tender.id).await?.into_iter().filter(|l| l.sent_at.is_some()).collect()
    } else {
        let org = guard::own_organisation(st, &ok.user).await?;
        decision::letter_for(c, ok.tender.id, org.id).await?.into_iter().filter(|l| l.sent_at.is_some()).collect()
    };
    if sent.is_empty() {
        return Err(AppError::NotFound("Er is nog geen gunningsbeslissing verzonden.".into()));
    }
    let mut out = vec![];
    for l in sent {
        let to = organisations::by_id(c, l.organisation_id).await?.map(|o| o.name).unwrap_or_default();
        out.push(json!({
            "aan": to,
            "verzonden_op": l.sent_at.map(show_instant),
            "sha256": l.sha256,
            // The letter's own heading is the section's: its Markdown starts at level 3.
            "blokken": crate::markdown::print_blocks(l.body_md.as_deref().unwrap_or_default(), 3),
        }));
    }
    Ok(json!({ "brieven": out, "standstill_einde": ok.tender.standstill_ends_at.map(show_instant) }))
}

/// The contract summary: parties, term, options and their decisions, as the
/// contract page shows them.
async fn contract(st: &AppState, ok: &Allowed) -> Result<Value, AppError> {
    let d = crate::api::contract::contract_data(st, ok).await?;
    let t = &d.term;
    Ok(json!({
        "fase": d.phase,
        "gesloten": d.exists,
        "opdrachtnemer": d.provider,
        "ondertekend": d.signed.iter().map(|(g, at, by)| json!({ "gemeente": g, "op": at, "door": by })).collect::<Vec<_>>(),
        "teruggetrokken": d.withdrawn.iter().map(|(g, at, why)| json!({ "gemeente": g, "op": at, "reden": why })).collect::<Vec<_>>(),
        "nog_niet": d.pending,
        "looptijd": {
            "start": t.contract_start, "einde_initieel": t.initial_end, "einde_nu": t.current_end, "einde_uiterst": t.max_end,
            "volgende_beslisdatum": t.next_deadline, "opzegtermijn_maanden": t.notice_months,
            "opties": t.options.iter().map(|(n, from, to, by, status)| json!({ "nummer": n, "van": from, "tot": to, "beslissen_voor": by, "status": status })).collect::<Vec<_>>(),
        },
        "besluiten": d.decisions.iter().map(|o| json!({
            "optie": o.number, "besluit": o.decision, "op": o.at, "door": o.by, "kenmerk": o.reference, "toelichting": o.note,
        })).collect::<Vec<_>>(),
        "vandaag": d.today,
    }))
}

/// The evaluation report and award advice, once the consensus is locked,
/// for the buyer's side outside the panel (inkoper, waarnemer): the method,
/// the panel and its declarations, the reports on plans and their
/// decisions, the consensus per criterion with its motivation, the ranking
/// with ties and the lot. With `annex`, the individual score sheets and the
/// interests the evaluators declared follow, for internal use only.
async fn report(st: &AppState, ok: &Allowed, annex: bool) -> Result<Value, AppError> {
    use crate::domain::status::{DeclarationCheck, FlagDecision};
    if !ok.may(Action::ViewAwardLetters) {
        return Err(AppError::Forbidden("Het beoordelingsrapport is voor de inkopers en de waarnemers van deze aanbesteding.".into()));
    }
    let d = crate::api::evaluation::build(st, ok).await?;
    let (Some(result), Some(consensus)) = (d.result.as_ref(), d.consensus.as_ref().filter(|c| c.locked)) else {
        return Err(AppError::NotFound("Er is nog geen beoordelingsrapport: de consensus is nog niet vastgesteld.".into()));
    };
    let label = crate::domain::evaluation::plan_label;
    let level_text = |code: &str, level: Option<u32>| -> String {
        let Some(l) = level else { return "–".into() };
        match d.criteria.iter().find(|c| c.code == code).and_then(|c| c.description(l)) {
            Some(desc) if !desc.is_empty() => format!("{l} ({desc})"),
            _ => l.to_string(),
        }
    };
    let criteria: Vec<Value> = d
        .criteria
        .iter()
        .map(|c| {
            json!({
                "code": c.code, "naam": c.name, "gewicht": c.weight,
                "consensus": consensus.cells.iter().filter(|x| x.criterion == c.code).map(|x| json!({
                    "plan": label(&x.plan), "niveau": level_text(&c.code, x.level), "motivering": x.motivation, "toelichting": x.justification,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let panel: Vec<Value> = d
        .panel
        .iter()
        .map(|p| {
            json!({
                "naam": p.name,
                "rol": if p.chair { "voorzitter" } else { "lid" },
                "benoemd": p.appointed,
                "verklaring": p.declaration.clone().unwrap_or_else(|| "niet getekend".into()),
                "toets": match p.check {
                    DeclarationCheck::Open => "nog niet getoetst",
                    DeclarationCheck::GeenConflict => "geen belangenconflict",
                    DeclarationCheck::Conflict => "belangenconflict",
                },
                "toets_toelichting": p.check_note.clone().unwrap_or_default(),
                "vervangen": p.replaced.clone().unwrap_or_default(),
                "belangen": if annex { p.interests.clone().unwrap_or_default() } else { String::new() },
            })
        })
        .collect();
    let flags: Vec<Value> = d
        .plans
        .iter()
        .flat_map(|p| {
            p.flags.iter().map(move |f| {
                json!({
                    "plan": p.label,
                    "door": if f.by_system { "het systeem" } else { "een beoordelaar" },
                    "gemeld": f.raised,
                    "melding": f.note.clone().unwrap_or_default(),
                    "besluit": match f.decision {
                        FlagDecision::Open => "nog geen besluit",
                        FlagDecision::Doorgaan => "de beoordeling gaat door",
                        FlagDecision::Ongeldig => "het plan is ongeldig",
                    },
                    "toelichting": f.decision_note.clone().unwrap_or_default(),
                })
            })
        })
        .collect();
    let ranking: Vec<Value> = result
        .rows
        .iter()
        .map(|r| {
            json!({
                "plaats": r.rank.map(|x| x.to_string()).unwrap_or_else(|| "–".into()),
                "plan": label(&r.pseudonym), "inschrijver": r.organisation, "stand": r.status,
                "kwaliteit": r.quality, "prijs": r.price.clone().unwrap_or_else(|| "–".into()), "prijspunten": r.price_points,
                "totaal": r.total, "opmerking": r.note.clone().unwrap_or_default(),
            })
        })
        .collect();
    let winner = result.rows.iter().find(|r| r.rank == Some(1)).map(|r| r.organisation.clone());
    let sheets: Vec<Value> = if annex {
        d.sheet
            .iter()
            .chain(d.colleagues.iter())
            .map(|sh| {
                json!({
                    "beoordelaar": sh.evaluator,
                    "cellen": sh.cells.iter().map(|c| json!({
                        "plan": label(&c.plan), "criterium": c.criterion, "niveau": level_text(&c.criterion, c.level), "motivering": c.motivation,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect()
    } else {
        vec![]
    };
    Ok(json!({
        "intern": annex,
        "prijsmethode": result.method,
        "criteria": criteria,
        "commissie": panel,
        "vastgesteld_door": consensus.locked_by,
        "commitment": d.commitment,
        "meldingen": flags,
        "rangorde": ranking,
        "loting": result.lot,
        "probleem": result.problem,
        "winnaar": winner,
        "scoreformulieren": sheets,
    }))
}

/// A bidder's receipt in words (`ontvangstbevestiging-{receipt}.pdf`), for
/// the members of the organisation that submitted; beside the JSON file
/// that `dialoog audit verify-receipt` checks. Its anchor is the receipt's
/// own event: nothing of the rest of the trail, nor of other bids.
async fn receipt(st: &AppState, user: crate::store::entities::users::Model, tender: TenderId, id: &str) -> Result<Document, AppError> {
    use crate::store::entities::{bids, receipts};
    let nf = || AppError::NotFound("Deze ontvangstbevestiging bestaat niet.".into());
    let rid = id.parse::<i32>().map(crate::ids::ReceiptId).map_err(|_| nf())?;
    let ok = guard::allowed_for(st, user, tender, Action::ViewTender).await?;
    let org = guard::own_organisation(st, &ok.user).await.map_err(|_| nf())?;
    let c = &st.db.conn;
    let r = receipts::Entity::find_by_id(rid).one(c).await?.ok_or_else(nf)?;
    let b = bids::Entity::find_by_id(r.bid_id).one(c).await?.ok_or_else(nf)?;
    if b.tender_id != tender || b.organisation_id != org.id {
        return Err(nf());
    }
    let receipt: crate::domain::receipt::Receipt = serde_json::from_str(&r.body).map_err(|_| AppError::Internal)?;
    let made = crate::store::clock::tender_now(&ok.tender, st.clock.now());
    let names: Vec<String> = crate::store::buyers::list(c, tender).await?.into_iter().map(|b| b.name).collect();
    let sealed = crate::store::sealing::envelope_key(c, tender).await?.is_some();
    let mut ontvangst = serde_json::to_value(&receipt).map_err(|_| AppError::Internal)?;
    if let Some(parts) = ontvangst["onderdelen"].as_array_mut() {
        for p in parts {
            let size = p["grootte"].as_str().and_then(|g| g.parse::<u64>().ok()).unwrap_or(0);
            p["grootte_tekst"] = json!(crate::store::files::show_size(size));
        }
    }
    let data = json!({
        "aanbesteding": ok.tender.title,
        "kenmerk": ok.tender.reference,
        "opdrachtgever": opdrachtgever(&names),
        "gemaakt_op": show_instant(made),
        "audit": { "gebeurtenis": receipt.audit.leaf_hash },
        "sluitingstermijn": ok.tender.submission_deadline.map(show_instant).unwrap_or_else(|| "niet vastgesteld".into()),
        "verzegeling": if sealed {
            "Ja: de stukken zijn versleuteld opgeslagen; alleen twee sleutelhouders samen openen ze, bij de opening na de sluitingstermijn."
        } else {
            "De stukken zijn afgeschermd opgeslagen tot de opening na de sluitingstermijn."
        },
        "ontvangst": ontvangst,
    });
    let pdf = typeset(Template::Ontvangstbevestiging, data, format!("{}/ontvangstbevestiging-{}", ok.tender.reference, rid.0), made).await?;
    Ok(Document { bytes: pdf, content_type: "application/pdf", name: format!("ontvangstbevestiging-{}-{}.pdf", r.seq, crate::store::files::reference_slug(&ok.tender.reference)) })
}

/// Who the buyer is, in words: one gemeente or several.
fn opdrachtgever(names: &[String]) -> String {
    match names {
        [] => "De aanbestedende dienst".to_string(),
        [one] => format!("Gemeente {one}"),
        [rest @ .., last] => format!("De gemeenten {} en {last}", rest.join(", ")),
    }
}

/// Typesets a document off the async runtime (tens of milliseconds of CPU),
/// dated `made` (the tender's clock) and named `ident` stably.
async fn typeset(template: Template, data: Value, ident: String, made: DateTime<Utc>) -> Result<Vec<u8>, AppError> {
    let stamp = (made.year(), made.month() as u8, made.day() as u8, made.hour() as u8, made.minute() as u8, made.second() as u8);
    tokio::task::spawn_blocking(move || records::render(template, &data, &ident, stamp))
        .await
        .map_err(|_| AppError::Internal)?
        .map_err(|e| {
            tracing::error!(error = %e, "a document of record could not be typeset");
            AppError::Internal
        })
}
