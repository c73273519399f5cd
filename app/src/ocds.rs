//! The Open Contracting Data Standard (OCDS 1.1.5) for a tender (server only).
//!
//! A release is published at each milestone: the tender at publication, a
//! tenderAmendment per published Nota van Inlichtingen, the award when the
//! gunningsbeslissing went out, the contract at the first signature, and a
//! contractAmendment per exercised option. Each release is built from the
//! dated records as they stood at its own date (the documents and NvIs
//! published by then, the gemeenten not yet withdrawn), so an earlier release
//! reads the same today as on its day; nothing is released before its date on
//! the tender's own clock (a training tender's simulated one).
//!
//! Nothing sealed or pseudonymised leaves through it: no bidder is named, and
//! neither the number of bids nor anything about them is told, before the
//! gunningsbeslissing names them to every bidder.

use crate::error::AppError;
use crate::store::entities::{contract_options, document_versions, documents, nvi_rounds, tender_buyers, tender_partners, tenders};
use crate::store::Db;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use domain::status::OptionDecision;
use domain::tender::Participation;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};

/// Everything a tender's releases are made of, read once.
pub struct Facts {
    pub tender: tenders::Model,
    pub now: DateTime<Utc>,
    pub buyers: Vec<tender_buyers::Model>,
    pub partners: Vec<tender_partners::Model>,
    /// Documents with their versions visible to bidders, oldest first.
    pub documents: Vec<(documents::Model, Vec<document_versions::Model>)>,
    pub nvis: Vec<nvi_rounds::Model>,
    pub method: Option<domain::scoring::Method>,
    /// After the gunningsbeslissing: (organisation id, name, KvK, winner) of every valid bid.
    pub tenderers: Vec<(i32, String, String, bool)>,
    pub term: domain::calendar::ContractTerm,
    pub options: Vec<contract_options::Model>,
}

/// Reads the facts of a published tender; None before its publication.
pub async fn facts(db: &Db, tender: &tenders::Model, real_now: DateTime<Utc>) -> Result<Option<Facts>, AppError> {
    let now = crate::store::clock::tender_now(tender, real_now);
    if !published(tender, now) {
        return Ok(None);
    }
    facts_now(db, tender, now).await.map(Some)
}

/// Whether the tender is published at `now` (its own clock): from then on
/// its open data exist.
pub fn published(tender: &tenders::Model, now: DateTime<Utc>) -> bool {
    tender.published_at.is_some_and(|p| p <= now)
}

/// Reads the facts of a tender as they stand at `now` (the tender's clock),
/// published or not: for the buyer's own use, such as preparing the
/// contract notice before publication.
pub async fn facts_now(db: &Db, tender: &tenders::Model, now: DateTime<Utc>) -> Result<Facts, AppError> {
    let c = &db.conn;
    let id = tender.id;
    let buyers = crate::store::buyers::list(c, id).await?;
    let partners = tender_partners::Entity::find()
        .filter(tender_partners::Column::TenderId.eq(id))
        .order_by_asc(tender_partners::Column::Id)
        .all(c)
        .await?;
    let mut docs = vec![];
    for d in crate::store::documents::list(c, id).await? {
        let vs: Vec<_> = crate::store::documents::versions(c, d.id)
            .await?
            .into_iter()
            .filter(|v| v.visible_to_bidders)
            .map(|v| v.v)
            .collect();
        if !vs.is_empty() {
            docs.push((d, vs));
        }
    }
    let nvis = crate::store::nvi::rounds(c, id).await?.into_iter().filter(|r| r.published_at.is_some()).collect();
    let tenderers = match tender.letters_sent_at {
        Some(sent) if sent <= now => tenderers(c, id).await?,
        _ => vec![],
    };
    Ok(Facts {
        method: crate::store::award::method_of(tender),
        term: crate::store::contract::term(c, tender).await?,
        options: crate::store::contract::decisions(c, id).await?,
        tender: tender.clone(),
        now,
        buyers,
        partners,
        documents: docs,
        nvis,
        tenderers,
    })
}

async fn tenderers<C: ConnectionTrait>(c: &C, id: crate::ids::TenderId) -> Result<Vec<(i32, String, String, bool)>, AppError> {
    let s = crate::store::evaluation::snapshot(c, id).await?;
    let Some(result) = s.result() else { return Ok(vec![]) };
    let winner = result.winner().map(|w| w.bid_id);
    Ok(result
        .plans
        .iter()
        .filter(|p| p.valid)
        .map(|p| (p.organisation_id.0, p.organisation.clone(), p.kvk.clone(), Some(p.bid_id) == winner))
        .collect())
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn day_start(d: NaiveDate) -> String {
    format!("{d}T00:00:00Z")
}

fn day_end(d: NaiveDate) -> String {
    format!("{d}T23:59:59Z")
}

/// The milestones reached so far: (date, tag, what it concerns).
#[derive(Clone, Debug, PartialEq)]
enum Milestone {
    Tender,
    Amendment(i32),
    Award,
    Contract,
    OptionExercised(i32),
}

impl Facts {
    pub fn ocid(&self, prefix: &str) -> String {
        format!("{prefix}-{}", self.tender.reference)
    }

    fn signed_at(&self) -> Option<DateTime<Utc>> {
        self.buyers
            .iter()
            .filter(|b| *b.status == Participation::Ondertekend)
            .map(|b| b.status_since)
            .filter(|t| *t <= self.now)
            .min()
    }

    fn milestones(&self) -> Vec<(DateTime<Utc>, Milestone)> {
        let mut out = vec![];
        if let Some(p) = self.tender.published_at {
            out.push((p, Milestone::Tender));
        }
        for n in &self.nvis {
            if let (Some(at), Some(num)) = (n.published_at, n.number) {
                out.push((at, Milestone::Amendment(num)));
            }
        }
        if let Some(sent) = self.tender.letters_sent_at {
            if !self.tenderers.is_empty() {
                out.push((sent, Milestone::Award));
            }
        }
        if let Some(signed) = self.signed_at() {
            if !self.tenderers.is_empty() {
                out.push((signed, Milestone::Contract));
                for o in &self.options {
                    if *o.decision == OptionDecision::Uitgeoefend && o.decided_at >= signed {
                        out.push((o.decided_at, Milestone::OptionExercised(o.number)));
                    }
                }
            }
        }
        out.retain(|(at, _)| *at <= self.now);
        out.sort_by_key(|(at, _)| *at);
        out
    }

    fn parties(&self, at: DateTime<Utc>) -> Vec<Value> {
        let mut out = vec![];
        let mut first = true;
        for b in self.buyers.iter().filter(|b| !(*b.status == Participation::Teruggetrokken && b.status_since <= at)) {
            let mut roles = vec!["buyer"];
            if first {
                roles.push("procuringEntity");
                first = false;
            }
            out.push(json!({ "id": format!("gemeente-{}", b.slug), "name": b.name, "roles": roles }));
        }
        for p in &self.partners {
            out.push(json!({ "id": format!("partner-{}", p.id), "name": p.name, "roles": ["interestedParty"] }));
        }
        if self.tender.letters_sent_at.is_some_and(|s| s <= at) {
            for (id, name, kvk, winner) in &self.tenderers {
                let roles = if *winner { vec!["tenderer", "supplier"] } else { vec!["tenderer"] };
                out.push(json!({
                    "id": format!("aanbieder-{id}"),
                    "name": name,
                    "identifier": { "scheme": "NL-KVK", "id": kvk, "legalName": name },
                    "roles": roles,
                }));
            }
        }
        out
    }

    /// The submission deadline as it stood at `at`: the newest one an NvI
    /// published by then set; the tender's own when no NvI ever moved it.
    fn deadline_at(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let moved: Vec<_> = self.nvis.iter().filter(|n| n.new_submission_deadline.is_some()).collect();
        if moved.is_empty() {
            return self.tender.submission_deadline;
        }
        moved.iter().filter(|n| n.published_at.is_some_and(|p| p <= at)).filter_map(|n| n.new_submission_deadline).last()
    }

    fn award_criteria(&self) -> (Option<&'static str>, Option<String>) {
        let Some(m) = &self.method else { return (None, None) };
        let kind = match m.price {
            domain::scoring::PriceMethod::QualityOnly { .. } => "qualityOnly",
            _ => "ratedCriteria",
        };
        let criteria: Vec<String> = m.criteria.iter().map(|c| format!("{} {} ({} punten)", c.code, c.name, c.weight)).collect();
        let price = m.price.price_points();
        let mut details = format!("{}. Criteria: {}", m.price.label(), criteria.join("; "));
        if price > 0.0 {
            details.push_str(&format!("; prijs ({price} punten)"));
        }
        (Some(kind), Some(details))
    }

    fn tender_section(&self, at: DateTime<Utc>, base: &str) -> Value {
        let t = &self.tender;
        let lead = self.buyers.first();
        let status = if *t.phase == domain::access::Phase::Ingetrokken {
            "cancelled"
        } else if t.letters_sent_at.is_some_and(|s| s <= at) {
            "complete"
        } else {
            "active"
        };
        let mut v = json!({
            "id": t.reference,
            "title": t.title,
            "status": status,
            "procurementMethod": "open",
            "procurementMethodDetails": t.procedure_kind.label(),
            "mainProcurementCategory": "services",
            "submissionMethod": ["electronicSubmission"],
            "submissionMethodDetails": format!("Digitaal via Dialoog: {base}/aanbesteding/{}", t.id),
            "hasEnquiries": true,
        });
        if !t.description.trim().is_empty() {
            v["description"] = json!(t.description);
        }
        if let Some(l) = lead {
            v["procuringEntity"] = json!({ "id": format!("gemeente-{}", l.slug), "name": l.name });
        }
        if let Some(cpv) = &t.cpv_code {
            let code = cpv.split('-').next().unwrap_or(cpv);
            v["classification"] = json!({ "scheme": "CPV", "id": code });
            v["items"] = json!([{ "id": "1", "description": t.title, "classification": { "scheme": "CPV", "id": code } }]);
        }
        if let Some(cents) = t.estimated_value_cents {
            v["value"] = json!({ "amount": cents as f64 / 100.0, "currency": "EUR" });
        }
        let (kind, details) = self.award_criteria();
        if let Some(k) = kind {
            v["awardCriteria"] = json!(k);
        }
        if let Some(d) = details {
            v["awardCriteriaDetails"] = json!(d);
        }
        let mut period = json!({ "startDate": stamp(t.published_at.unwrap_or(at)) });
        if let Some(end) = self.deadline_at(at) {
            period["endDate"] = json!(stamp(end));
        }
        v["tenderPeriod"] = period;
        v["contractPeriod"] = json!({
            "startDate": day_start(self.term.start),
            "endDate": day_end(self.term.initial_end),
            "maxExtentDate": day_end(self.term.max_end()),
        });
        let docs: Vec<Value> = self
            .documents
            .iter()
            .filter_map(|(d, vs)| {
                let shown: Vec<_> = vs.iter().filter(|v| v.created_at <= at || t.published_at.is_some_and(|p| v.created_at <= p)).collect();
                let last = shown.last()?;
                let first = shown.first()?;
                let published = t.published_at.map(|p| p.max(first.created_at)).unwrap_or(first.created_at);
                let mut doc = json!({
                    "id": format!("document-{}", d.id.0),
                    "documentType": "biddingDocuments",
                    "title": d.title,
                    "url": format!("{base}/aanbesteding/{}/documenten", t.id),
                    "datePublished": stamp(published),
                    "language": "nl",
                });
                if last.version > 1 {
                    doc["dateModified"] = json!(stamp(last.created_at.max(published)));
                    doc["description"] = json!(format!("Versie {}, vingerafdruk (SHA-256) {}", last.version, last.sha256));
                } else {
                    doc["description"] = json!(format!("Versie 1, vingerafdruk (SHA-256) {}", last.sha256));
                }
                Some(doc)
            })
            .collect();
        if !docs.is_empty() {
            v["documents"] = json!(docs);
        }
        let amendments: Vec<Value> = self
            .nvis
            .iter()
            .filter(|n| n.published_at.is_some_and(|p| p <= at))
            .map(|n| {
                let num = n.number.unwrap_or_default();
                let mut desc = n.title.clone();
                if let Some(d) = n.new_submission_deadline {
                    desc.push_str(&format!("; nieuwe sluitingstermijn {}", crate::domain::calendar::show_instant(d)));
                }
                json!({
                    "id": format!("nvi-{num}"),
                    "date": stamp(n.published_at.unwrap_or(at)),
                    "rationale": format!("Nota van Inlichtingen {num}"),
                    "description": desc,
                })
            })
            .collect();
        if !amendments.is_empty() {
            v["amendments"] = json!(amendments);
        }
        if t.letters_sent_at.is_some_and(|s| s <= at) {
            v["numberOfTenderers"] = json!(self.tenderers.len());
            v["tenderers"] = json!(self
                .tenderers
                .iter()
                .map(|(id, name, _, _)| json!({ "id": format!("aanbieder-{id}"), "name": name }))
                .collect::<Vec<_>>());
        }
        v
    }

    /// The contract's end given the options exercised by `at`.
    fn end_at(&self, at: DateTime<Utc>) -> NaiveDate {
        let exercised = self
            .options
            .iter()
            .filter(|o| o.decided_at <= at)
            .take_while(|o| *o.decision == OptionDecision::Uitgeoefend)
            .count();
        let years: u32 = self.term.option_years.iter().take(exercised).sum();
        let end = self.term.initial_end;
        end.checked_add_months(chrono::Months::new(12 * years)).unwrap_or(end)
    }

    fn release(&self, prefix: &str, base: &str, n: usize, at: DateTime<Utc>, m: &Milestone) -> Value {
        let ocid = self.ocid(prefix);
        let tag = match m {
            Milestone::Tender => "tender",
            Milestone::Amendment(_) => "tenderAmendment",
            Milestone::Award => "award",
            Milestone::Contract => "contract",
            Milestone::OptionExercised(_) => "contractAmendment",
        };
        let mut r = json!({
            "ocid": ocid,
            "id": format!("{ocid}-{n:02}-{tag}"),
            "date": stamp(at),
            "tag": [tag],
            "initiationType": "tender",
            "language": "nl",
            "parties": self.parties(at),
            "tender": self.tender_section(at, base),
        });
        if let Some(l) = self.buyers.first() {
            r["buyer"] = json!({ "id": format!("gemeente-{}", l.slug), "name": l.name });
        }
        let award_id = format!("{ocid}-gunning");
        if let Some(sent) = self.tender.letters_sent_at.filter(|s| *s <= at) {
            let signed = self.signed_at().filter(|s| *s <= at);
            let standstill_over = self.tender.standstill_ends_at.is_some_and(|e| e <= at);
            let suppliers: Vec<Value> = self
                .tenderers
                .iter()
                .filter(|t| t.3)
                .map(|(id, name, _, _)| json!({ "id": format!("aanbieder-{id}"), "name": name }))
                .collect();
            r["awards"] = json!([{
                "id": award_id,
                "title": format!("Gunning {}", self.tender.title),
                "status": if signed.is_some() || standstill_over { "active" } else { "pending" },
                "date": stamp(sent),
                "suppliers": suppliers,
                "contractPeriod": {
                    "startDate": day_start(self.term.start),
                    "endDate": day_end(self.term.initial_end),
                    "maxExtentDate": day_end(self.term.max_end()),
                },
            }]);
            if let Some(signed) = signed {
                let amendments: Vec<Value> = self
                    .options
                    .iter()
                    .filter(|o| *o.decision == OptionDecision::Uitgeoefend && o.decided_at <= at && o.decided_at >= signed)
                    .map(|o| {
                        json!({
                            "id": format!("optie-{}", o.number),
                            "date": stamp(o.decided_at),
                            "rationale": format!("Optie {} tot verlenging uitgeoefend", o.number),
                            "description": format!("Besluit {}{}", o.decision_ref, if o.note.is_empty() { String::new() } else { format!(": {}", o.note) }),
                        })
                    })
                    .collect();
                let mut contract = json!({
                    "id": format!("{ocid}-overeenkomst"),
                    "awardID": award_id,
                    "title": format!("Overeenkomst {}", self.tender.title),
                    "status": "active",
                    "dateSigned": stamp(signed),
                    "period": {
                        "startDate": day_start(self.term.start),
                        "endDate": day_end(self.end_at(at)),
                        "maxExtentDate": day_end(self.term.max_end()),
                    },
                });
                if !amendments.is_empty() {
                    contract["amendments"] = json!(amendments);
                }
                r["contracts"] = json!([contract]);
            }
        }
        r
    }

    /// Every release so far, oldest first.
    pub fn releases(&self, prefix: &str, base: &str) -> Vec<Value> {
        self.milestones().iter().enumerate().map(|(i, (at, m))| self.release(prefix, base, i + 1, *at, m)).collect()
    }

    fn publisher(&self) -> Value {
        let name = self.buyers.first().map(|b| format!("{} (via Dialoog)", b.name)).unwrap_or_else(|| "Dialoog".into());
        json!({ "name": name })
    }

    /// The release package: every release so far.
    pub fn release_package(&self, prefix: &str, base: &str) -> Value {
        let releases = self.releases(prefix, base);
        let published = releases.last().and_then(|r| r["date"].as_str().map(str::to_string)).unwrap_or_else(|| stamp(self.now));
        json!({
            "uri": format!("{base}/ocds/{}.json", self.tender.id),
            "version": "1.1",
            "publishedDate": published,
            "publisher": self.publisher(),
            "releases": releases,
        })
    }

    /// The record package: the releases linked, and the compiled release
    /// (the newest release's full state, which is how each release is built).
    pub fn record_package(&self, prefix: &str, base: &str) -> Value {
        let releases = self.releases(prefix, base);
        let published = releases.last().and_then(|r| r["date"].as_str().map(str::to_string)).unwrap_or_else(|| stamp(self.now));
        let linked: Vec<Value> = releases
            .iter()
            .map(|r| json!({ "url": format!("{base}/ocds/{}.json#{}", self.tender.id, r["id"].as_str().unwrap_or("")), "date": r["date"], "tag": r["tag"] }))
            .collect();
        let mut compiled = releases.last().cloned().unwrap_or(Value::Null);
        if compiled.is_object() {
            compiled["id"] = json!(format!("{}-compiled", self.ocid(prefix)));
            compiled["tag"] = json!(["compiled"]);
        }
        json!({
            "uri": format!("{base}/ocds/{}-record.json", self.tender.id),
            "version": "1.1",
            "publishedDate": published,
            "publisher": self.publisher(),
            "records": [{ "ocid": self.ocid(prefix), "releases": linked, "compiledRelease": compiled }],
        })
    }
}

/// GET /ocds/{tender}.json (the release package) and /ocds/{tender}-record.json
/// (the record package): open data, for anyone, from the tender's publication
/// on; before it, and for a tender that does not exist, 404 alike.
pub fn router(st: crate::state::AppState) -> axum::Router {
    axum::Router::new().route("/ocds/{file}", axum::routing::get(serve)).with_state(st)
}

/// The routes of this module, for `dialoog routes`.
pub const ROUTES: &[&str] = &["GET /ocds/{file}"];

async fn serve(
    axum::extract::State(st): axum::extract::State<crate::state::AppState>,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> axum::response::Response {
    use axum::http::{header, StatusCode};
    use axum::response::IntoResponse;
    let not_found = || (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "Deze open data bestaan niet (of de aanbesteding is nog niet gepubliceerd).").into_response();
    let (id, record) = match file.strip_suffix("-record.json") {
        Some(id) => (id, true),
        None => match file.strip_suffix(".json") {
            Some(id) => (id, false),
            None => return not_found(),
        },
    };
    let Ok(id) = id.parse::<i32>() else { return not_found() };
    let res: Result<Option<Value>, AppError> = async {
        let Some(t) = crate::store::tenders::by_id(&st.db.conn, crate::ids::TenderId(id)).await? else { return Ok(None) };
        let Some(f) = facts(&st.db, &t, st.clock.now()).await? else { return Ok(None) };
        let base = st.settings.public_url.trim_end_matches('/').to_string();
        Ok(Some(if record { f.record_package(&st.settings.ocid_prefix, &base) } else { f.release_package(&st.settings.ocid_prefix, &base) }))
    }
    .await;
    match res {
        Ok(Some(v)) => (
            [(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-cache")],
            serde_json::to_string_pretty(&v).unwrap_or_default(),
        )
            .into_response(),
        Ok(None) => not_found(),
        Err(e) => {
            tracing::error!(error = %e, "OCDS export failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "De open data konden niet worden samengesteld.").into_response()
        }
    }
}
