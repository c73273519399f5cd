//! The spreadsheets of record as XLSX (server only), served beside the PDFs
//! under `GET /stukken/{tender}/{file}.xlsx` and put in the dossier:
//! the scoring matrix and the consensus matrix as the caller may see them
//! (the visibility rules of the evaluation decide, as on the pages), the
//! bids list with the bidders' names (buyer's side, once the consensus is
//! locked) and the audit trail as a paged extract (who may read the trail,
//! what they may see of it now).

use crate::api::guard::Allowed;
use crate::domain::access::Action;
use crate::domain::evaluation::plan_label;
use crate::error::AppError;
use crate::spreadsheet::{Cell, Xlsx};
use crate::state::AppState;
use crate::store::entities::{audit_events, bids};
use chrono::{DateTime, Utc};
use sea_orm::EntityTrait;

/// Events per part of the audit extract.
pub const AUDIT_PER_PART: u64 = 10_000;

/// The action that must allow a caller to ask for `file` at all.
pub fn action_for(file: &str) -> Option<Action> {
    match file {
        "scorematrix.xlsx" | "consensus.xlsx" | "inschrijvingen.xlsx" => Some(Action::ViewEvaluation),
        "audittrail.xlsx" => Some(Action::ExportAuditTrail),
        _ => None,
    }
}

/// Builds `file` for the caller in `ok`; `part` numbers the audit extract
/// from 1.
/// `head` is the audit head in words, for a reader of the trail; it goes in
/// the workbook's properties.
pub async fn build(st: &AppState, ok: &Allowed, file: &str, part: u64, made: DateTime<Utc>, head: Option<&str>) -> Result<Vec<u8>, AppError> {
    let reference = &ok.tender.reference;
    match file {
        "scorematrix.xlsx" => {
            let d = crate::api::evaluation::build(st, ok).await?;
            let mut x = Xlsx::new(&format!("Scorematrix {reference}"), made, head);
            let crit = |code: &str| d.criteria.iter().find(|c| c.code == code);
            let rows: Vec<Vec<Cell>> = d
                .sheet
                .iter()
                .chain(d.colleagues.iter())
                .flat_map(|sh| {
                    sh.cells.iter().map(|c| {
                        let cr = crit(&c.criterion);
                        vec![
                            sh.evaluator.clone().into(),
                            plan_label(&c.plan).into(),
                            c.criterion.clone().into(),
                            cr.map(|x| x.name.clone()).unwrap_or_default().into(),
                            cr.map(|x| Cell::Number(x.weight_value)).unwrap_or(Cell::Empty),
                            c.level.map(|l| Cell::Int(l.into())).unwrap_or(Cell::Empty),
                            cr.zip(c.level).and_then(|(cr, l)| cr.description(l)).unwrap_or_default().into(),
                            c.motivation.clone().into(),
                            if sh.locked { "ja" } else { "nee" }.into(),
                        ]
                    })
                })
                .collect();
            x.sheet(
                "Individuele scores",
                &[
                    ("Beoordelaar", 22.0),
                    ("Plan", 16.0),
                    ("Criterium", 10.0),
                    ("Naam criterium", 30.0),
                    ("Gewicht", 9.0),
                    ("Niveau", 8.0),
                    ("Omschrijving niveau", 30.0),
                    ("Motivering", 60.0),
                    ("Afgerond", 10.0),
                ],
                rows,
            )?;
            x.finish()
        }
        "consensus.xlsx" => {
            let d = crate::api::evaluation::build(st, ok).await?;
            let Some(cv) = d.consensus.as_ref() else {
                return Err(AppError::NotFound("Er is nog geen consensusmatrix die u kunt inzien: het panel stelt haar eerst samen en vast.".into()));
            };
            let crit = |code: &str| d.criteria.iter().find(|c| c.code == code);
            let rows: Vec<Vec<Cell>> = cv
                .cells
                .iter()
                .map(|c| {
                    let cr = crit(&c.criterion);
                    vec![
                        plan_label(&c.plan).into(),
                        c.criterion.clone().into(),
                        cr.map(|x| x.name.clone()).unwrap_or_default().into(),
                        cr.map(|x| Cell::Number(x.weight_value)).unwrap_or(Cell::Empty),
                        c.scores.iter().map(|(who, level)| format!("{who}: {level}")).collect::<Vec<_>>().join("; ").into(),
                        c.spread.clone().into(),
                        c.level.map(|l| Cell::Int(l.into())).unwrap_or(Cell::Empty),
                        cr.zip(c.level).and_then(|(cr, l)| cr.description(l)).unwrap_or_default().into(),
                        c.motivation.clone().into(),
                        c.justification.clone().into(),
                    ]
                })
                .collect();
            let state = if cv.locked { "vastgesteld" } else { "concept" };
            let mut x = Xlsx::new(&format!("Consensusmatrix {reference} ({state})"), made, head);
            x.sheet(
                if cv.locked { "Consensus" } else { "Consensus (concept)" },
                &[
                    ("Plan", 16.0),
                    ("Criterium", 10.0),
                    ("Naam criterium", 30.0),
                    ("Gewicht", 9.0),
                    ("Individuele niveaus", 30.0),
                    ("Spreiding", 10.0),
                    ("Niveau consensus", 10.0),
                    ("Omschrijving niveau", 30.0),
                    ("Motivering", 60.0),
                    ("Toelichting afwijking", 40.0),
                ],
                rows,
            )?;
            x.finish()
        }
        "inschrijvingen.xlsx" => {
            if !ok.may(Action::ViewAwardLetters) {
                return Err(AppError::Forbidden("Het overzicht van de inschrijvingen met namen is voor de inkopers en de waarnemers van deze aanbesteding.".into()));
            }
            let d = crate::api::evaluation::build(st, ok).await?;
            let (Some(result), true) = (d.result.as_ref(), d.consensus.as_ref().is_some_and(|c| c.locked)) else {
                return Err(AppError::NotFound("Het overzicht van de inschrijvingen met namen komt er als de consensus is vastgesteld.".into()));
            };
            // When each bid came in, by pseudonym (the snapshot links them
            // now that the consensus is locked).
            let snap = crate::store::evaluation::snapshot(&st.db.conn, ok.tender.id).await?;
            let linked = snap.result().map(|r| r.plans).unwrap_or_default();
            let mut rows = vec![];
            for r in &result.rows {
                let received = match linked.iter().find(|p| p.pseudonym == r.pseudonym) {
                    Some(p) => bids::Entity::find_by_id(p.bid_id).one(&st.db.conn).await?.and_then(|b| b.submitted_at),
                    None => None,
                };
                let n = r.numbers.as_ref();
                rows.push(vec![
                    r.rank.map(|x| Cell::Int(x as i64)).unwrap_or(Cell::Empty),
                    plan_label(&r.pseudonym).into(),
                    r.organisation.clone().into(),
                    r.kvk.clone().into(),
                    received.map(Cell::Instant).unwrap_or(Cell::Empty),
                    r.status.clone().into(),
                    n.map(|n| Cell::Number(n.quality)).unwrap_or(Cell::Empty),
                    r.price_cents.map(Cell::Euro).unwrap_or(Cell::Empty),
                    n.map(|n| Cell::Number(n.price_points)).unwrap_or(Cell::Empty),
                    n.map(|n| if n.total_is_price { Cell::Euro(n.total.round() as i64) } else { Cell::Number(n.total) }).unwrap_or(Cell::Empty),
                    r.note.clone().unwrap_or_default().into(),
                ]);
            }
            let mut x = Xlsx::new(&format!("Inschrijvingen {reference}"), made, head);
            x.sheet(
                "Inschrijvingen",
                &[
                    ("Plaats", 8.0),
                    ("Plan", 16.0),
                    ("Inschrijver", 34.0),
                    ("KvK-nummer", 12.0),
                    ("Ontvangen (Nederlandse tijd)", 20.0),
                    ("Stand", 24.0),
                    ("Kwaliteitspunten", 14.0),
                    ("Prijs", 16.0),
                    ("Prijspunten", 12.0),
                    (if result.rows.iter().any(|r| r.numbers.as_ref().is_some_and(|n| n.total_is_price)) { "Fictieve prijs" } else { "Totaal" }, 14.0),
                    ("Toelichting", 50.0),
                ],
                rows,
            )?;
            x.finish()
        }
        "audittrail.xlsx" => {
            let reader = crate::store::audit::reader_for(&st.db.conn, ok.user.id, Action::ExportAuditTrail).await?;
            let (events, total) = crate::store::audit::extract(&st.db.conn, &reader, ok.tender.id, part.saturating_sub(1), AUDIT_PER_PART).await?;
            let parts = total.div_ceil(AUDIT_PER_PART).max(1);
            if part == 0 || part > parts {
                return Err(AppError::NotFound(format!("Dit deel van de audittrail bestaat niet; er zijn {parts} delen.")));
            }
            let rows = events.into_iter().map(|e: audit_events::Model| {
                vec![
                    Cell::Int(e.seq),
                    e.tseq.map(Cell::Int).unwrap_or(Cell::Empty),
                    DateTime::parse_from_rfc3339(&e.time).map(|t| Cell::Instant(t.with_timezone(&Utc))).unwrap_or(Cell::Text(e.time)),
                    e.action.into(),
                    e.actor.into(),
                    e.role.into(),
                    e.subject.into(),
                    e.hash.into(),
                ]
            });
            let mut x = Xlsx::new(&format!("Audittrail {reference}, deel {part} van {parts}"), made, head);
            x.sheet(
                &format!("Deel {part} van {parts}"),
                &[
                    ("Volgnummer", 11.0),
                    ("Nummer in aanbesteding", 11.0),
                    ("Tijdstip (Nederlandse tijd)", 20.0),
                    ("Handeling", 28.0),
                    ("Door", 22.0),
                    ("Rol", 14.0),
                    ("Onderwerp", 30.0),
                    ("Hash", 66.0),
                ],
                rows,
            )?;
            x.finish()
        }
        _ => Err(AppError::NotFound("Dit document bestaat niet.".into())),
    }
}
