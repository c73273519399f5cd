//! Plain HTTP routes for files (server only): streamed multipart uploads of bid
//! parts and documents, downloads of documents, opened bid parts and receipts.
//! Every route checks the same role x phase table as the server functions.
//!
//! An upload streams to disk while its SHA-256 is computed, with the part's
//! size limit enforced on the way; it is fsynced and renamed into place before
//! the database refers to it, and only then acknowledged. A request with
//! `Accept: application/json` (the page's progress-bar upload) gets JSON; a
//! plain form post is redirected back with a message.

use crate::api::guard;
use crate::domain::access::{Action, Phase};
use crate::domain::status::{BidStatus, DocumentKind, PartKind};
use crate::domain::values::Pseudonym;
use crate::error::AppError;
use crate::ids::{DocumentId, PartDefId, PartId, QuestionRoundId, ReceiptId, TenderId, VersionId};
use crate::state::AppState;
use crate::store::{self, bids, documents, files, Op};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use futures_util::TryStreamExt;
use tower_sessions::Session;

pub fn router(st: AppState) -> Router {
    Router::new()
        .route("/upload/inschrijving/{tender}/{part}", post(upload_bid_part))
        .route("/upload/document/{tender}", post(upload_document))
        .route("/upload/scholen/{tender}", post(upload_schools))
        .route("/bestand/document/{tender}/{version}", get(download_document))
        .route("/bestand/inschrijving/{tender}/{part}", get(download_bid_part))
        .route("/ontvangstbevestiging/{tender}/{receipt}", get(download_receipt))
        .route("/bestand/beoordeling/{tender}/{plan}/{part}", get(download_plan))
        .route("/export/beoordeling/{tender}", get(export_scores))
        .with_state(st)
}

/// The routes of this module, for `dialoog routes`.
pub const ROUTES: &[&str] = &[
    "POST /upload/inschrijving/{tender}/{part}",
    "POST /upload/document/{tender}",
    "POST /upload/scholen/{tender}",
    "GET /bestand/document/{tender}/{version}",
    "GET /bestand/inschrijving/{tender}/{part}",
    "GET /ontvangstbevestiging/{tender}/{receipt}",
    "GET /bestand/beoordeling/{tender}/{plan}/{part}",
    "GET /export/beoordeling/{tender}",
];

fn wants_json(h: &HeaderMap) -> bool {
    h.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("application/json"))
}

fn wants_html(h: &HeaderMap) -> bool {
    h.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
}

pub(crate) fn status_of(e: &AppError) -> StatusCode {
    StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A plain Dutch answer of ours (marked, so the server keeps it as it is).
pub(crate) fn plain(status: StatusCode, msg: &str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::HeaderName::from_static("x-dialoog-error"), "1")], msg.to_string())
        .into_response()
}

/// An error as JSON (scripted upload) or as a redirect back with the message.
fn fail(e: AppError, json: bool, html: bool, back: &str) -> Response {
    let status = status_of(&e);
    if !json && !html {
        plain(status, &e.to_string())
    } else if json {
        (status, axum::Json(serde_json::json!({ "fout": e.to_string() }))).into_response()
    } else if status == StatusCode::UNAUTHORIZED {
        (StatusCode::SEE_OTHER, [(header::LOCATION, "/inloggen".to_string())]).into_response()
    } else {
        let sep = if back.contains('?') { '&' } else { '?' };
        // Escaped as the router unescapes it when the page reads `fout`.
        let loc = format!("{back}{sep}fout={}", leptos_router::location::Url::escape(&e.to_string()));
        (StatusCode::SEE_OTHER, [(header::LOCATION, loc)]).into_response()
    }
}

/// The multipart reader of an upload: the file held to `limit` bytes, the
/// whole body to `slack` bytes more (the form fields around it).
fn multipart(headers: &HeaderMap, body: Body, limit: u64, slack: u64) -> Result<multer::Multipart<'static>, AppError> {
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let boundary = multer::parse_boundary(ct)
        .map_err(|_| AppError::Invalid("Verstuur het bestand met het uploadformulier (multipart/form-data).".into()))?;
    let constraints = multer::Constraints::new()
        .size_limit(multer::SizeLimit::new().whole_stream(limit.saturating_add(slack)).per_field(limit.saturating_add(1)));
    let stream = body.into_data_stream().map_err(std::io::Error::other);
    Ok(multer::Multipart::with_constraints(stream, boundary, constraints))
}

/// A file as read from a multipart upload: its cleaned name, media type, the
/// stored bytes waiting for their change, and where it was sealed
/// ("browser", "server", or not sealed).
type UploadedFile = (String, &'static str, files::Pending, Option<&'static str>);

fn malformed() -> AppError {
    AppError::Invalid("De versleutelde upload is onvolledig of beschadigd. Er is niets opgeslagen; probeer het opnieuw.".into())
}

fn too_large(limit: u64) -> AppError {
    AppError::TooLarge(format!("Het bestand is groter dan de toegestane {}. Er is niets opgeslagen.", files::show_size(limit)))
}

/// The next field of an upload, or a Dutch refusal.
async fn next_field(mp: &mut multer::Multipart<'static>, limit: u64) -> Result<Option<multer::Field<'static>>, AppError> {
    match mp.next_field().await {
        Ok(f) => Ok(f),
        Err(multer::Error::StreamSizeExceeded { .. }) | Err(multer::Error::FieldSizeExceeded { .. }) => Err(too_large(limit)),
        Err(_) => Err(AppError::Invalid("Het uploadverzoek is onvolledig of beschadigd. Probeer het opnieuw.".into())),
    }
}

/// Reads the multipart body: text fields into a list, the one file field
/// streamed into the file store with `limit`. `check_name` vets the file name
/// before any byte is written.
async fn read_multipart(
    st: &AppState,
    headers: &HeaderMap,
    body: Body,
    limit: u64,
    seal: Option<(i32, String, String)>,
    watch: Option<&UploadWatch>,
) -> Result<(Vec<(String, String)>, Option<UploadedFile>), AppError> {
    let mut mp = multipart(headers, body, limit, 1_000_000)?;
    let mut fields = Vec::new();
    let mut file = None;
    let too_large = || too_large(limit);
    while let Some(field) = next_field(&mut mp, limit).await? {
        let name = field.name().unwrap_or_default().to_string();
        if let Some(fname) = field.file_name().map(files::clean_name) {
            if file.is_some() {
                return Err(AppError::Invalid("Upload één bestand tegelijk.".into()));
            }
            let media = files::media_type_for(&fname).map_err(AppError::Invalid)?;
            // Sealed in the bidder's browser (the fields say so before the file).
            let browser = fields.iter().any(|(k, v): &(String, String)| k == "verzegeld" && v == "browser");
            let sealed_in = match (&seal, browser) {
                (_, false) => seal.as_ref().map(|_| "server"),
                (Some(_), true) => Some("browser"),
                (None, true) => {
                    return Err(AppError::Invalid(
                        "Deze aanbesteding neemt nu geen in de browser versleutelde bestanden aan. Laad de pagina opnieuw en probeer het nog eens."
                            .into(),
                    ))
                }
            };
            let begun = match (&seal, browser) {
                (Some((key, _, _)), true) => {
                    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_string());
                    let sha = field("sha256").filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
                    let size = field("grootte").and_then(|g| g.parse::<u64>().ok()).filter(|n| *n > 0);
                    let (Some(sha), Some(size)) = (sha, size) else {
                        return Err(AppError::Invalid(
                            "De upload mist de vingerafdruk of de grootte van het bestand. Er is niets opgeslagen; probeer het opnieuw.".into(),
                        ));
                    };
                    if size > limit {
                        return Err(too_large());
                    }
                    st.files.begin_presealed(*key, sha, size).await
                }
                (Some((key, public_key, binding)), false) => st.files.begin_sealed(limit, *key, public_key, binding).await,
                (None, _) => st.files.begin(limit).await,
            };
            let mut up = begun.map_err(|e| {
                tracing::error!(error = %e, "upload could not start");
                AppError::Internal
            })?;
            let mut field = field;
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        if let Some(w) = watch {
                            w.received.fetch_add(chunk.len() as u64, std::sync::atomic::Ordering::Relaxed);
                        }
                        up.write(&chunk).await.map_err(|e| match e {
                        files::UploadError::TooLarge { .. } => too_large(),
                        files::UploadError::Malformed => malformed(),
                        other => {
                            tracing::error!(error = %other, "upload could not be written");
                            AppError::Internal
                        }
                    })?
                    }
                    Ok(None) => break,
                    Err(multer::Error::StreamSizeExceeded { .. }) | Err(multer::Error::FieldSizeExceeded { .. }) => {
                        return Err(too_large())
                    }
                    Err(_) => {
                        if let Some(w) = watch {
                            w.cut_off.store(true, std::sync::atomic::Ordering::Relaxed);
                        }
                        return Err(AppError::Invalid("De upload is afgebroken. Er is niets opgeslagen; probeer het opnieuw.".into()));
                    }
                }
            }
            let stored = up.finish().await.map_err(|e| match e {
                files::UploadError::Empty => AppError::Invalid("Het bestand is leeg.".into()),
                files::UploadError::Malformed => malformed(),
                other => {
                    tracing::error!(error = %other, "upload could not be stored");
                    AppError::Internal
                }
            })?;
            // Removed again unless the change that refers to it commits.
            file = Some((fname, media, st.files.pending(stored), sealed_in));
        } else {
            if file.is_some() && name == "verzegeld" {
                return Err(AppError::Invalid("Het uploadverzoek is in de verkeerde volgorde verstuurd. Er is niets opgeslagen; probeer het opnieuw.".into()));
            }
            let text = field.text().await.map_err(|_| AppError::Invalid("Een formulierveld is ongeldig.".into()))?;
            if text.contains('\0') {
                return Err(AppError::Invalid("Een formulierveld bevat een ongeldig teken (een nul-teken).".into()));
            }
            if text.len() > 100_000 {
                return Err(AppError::Invalid("Een formulierveld is te lang.".into()));
            }
            fields.push((name, text));
        }
    }
    Ok((fields, file))
}

/// POST /upload/inschrijving/{tender}/{part}: one file for one part of the
/// caller's organisation's draft bid.
async fn upload_bid_part(
    State(st): State<AppState>,
    session: Session,
    Path((tender, part)): Path<(TenderId, PartDefId)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let json = wants_json(&headers);
    let back = format!("/aanbesteding/{tender}/inschrijving");
    let res = async {
        let u = guard::require_user_of_session(&st, &session).await?;
        let ok = guard::allowed_for(&st, u, tender, Action::PrepareBid).await?;
        let org = guard::own_organisation(&st, &ok.user).await?;
        let def = bids::part_def(&st.db.conn, tender, part).await?;
        if *def.kind != PartKind::Bestand {
            return Err(AppError::Invalid("Dit onderdeel is een formulier, geen bestand.".into()));
        }
        // Refuse early (before receiving the bytes) when the window is shut.
        let now = store::procedure::tender_now(&ok.tender, st.clock.now());
        crate::domain::procedure::bid_window(now, ok.tender.submission_deadline)?;
        // From here a failure is the platform's or the line's: it is kept as
        // evidence for an outage near the deadline.
        let watch = UploadWatch::new(&st, tender, org.id, ok.user.id);
        let stored = store_bid_part(&st, ok, org.id, def, &headers, body, &watch).await;
        watch.settle(&stored);
        stored
    }
    .await;
    match res {
        Ok((name, stored)) if json => axum::Json(serde_json::json!({
            "bestandsnaam": name, "grootte": stored.size.to_string(), "sha256": stored.sha256,
        }))
        .into_response(),
        Ok(_) => (StatusCode::SEE_OTHER, [(header::LOCATION, format!("{back}?melding=opgeslagen"))]).into_response(),
        Err(e) => fail(e, json, wants_html(&headers), &back),
    }
}

async fn store_bid_part(
    st: &AppState,
    ok: guard::Allowed,
    org: crate::ids::OrganisationId,
    def: store::entities::bid_part_defs::Model,
    headers: &HeaderMap,
    body: Body,
    watch: &UploadWatch,
) -> Result<(String, files::Stored), AppError> {
    let tender = ok.tender.id;
    // Sealed while it streams when the tender has an envelope key (every
    // tender published since bids are sealed).
    let seal = store::sealing::envelope_key(&st.db.conn, tender)
        .await?
        .filter(|k| k.opened_at.is_none())
        .map(|k| (k.id, k.public_key, store::sealing::binding(tender, org, def.id)));
    let (_, file) = read_multipart(st, headers, body, def.max_bytes as u64, seal, Some(watch)).await?;
    // The upload arrived with its last byte: the deadline is judged by that.
    let arrived = st.clock.now();
    let Some((name, media, pending, sealed_in)) = file else {
        return Err(AppError::Invalid("Kies een bestand om te uploaden.".into()));
    };
    // Inside the lock, on the tender as it is now.
    let mut op = Op::begin(&st.db, &st.clock, ok.user, tender, Action::PrepareBid).await?.arrived_at(arrived);
    let stored = pending.stored();
    let f = files::record(&op, stored, &name, media).await?;
    let content = bids::PartContent::File { file_id: f.id, sha256: stored.sha256.clone(), size: stored.size as i64, sealed_in };
    let (_, released) = bids::put_part(&mut op, org, &def, content).await?;
    op.commit().await?;
    let stored = pending.keep();
    if let Some(key) = released {
        st.files.remove(&key);
    }
    Ok((name, stored))
}

/// Watches one upload of a bid part: when it is cut off on the way (the
/// connection dropped, or the request stopped before the server read it to
/// the end) or fails on the server's side, the failure is kept with its
/// instant and organisation ([`store::availability`]). Refusals (too large,
/// too late, the wrong kind of file) are the bidder's and are not kept.
pub(crate) struct UploadWatch {
    st: AppState,
    tender: TenderId,
    organisation: crate::ids::OrganisationId,
    user: crate::ids::UserId,
    received: std::sync::atomic::AtomicU64,
    cut_off: std::sync::atomic::AtomicBool,
    settled: std::sync::atomic::AtomicBool,
}

impl UploadWatch {
    fn new(st: &AppState, tender: TenderId, organisation: crate::ids::OrganisationId, user: crate::ids::UserId) -> Self {
        UploadWatch {
            st: st.clone(),
            tender,
            organisation,
            user,
            received: Default::default(),
            cut_off: Default::default(),
            settled: Default::default(),
        }
    }

    fn reason_for<T>(&self, res: &Result<T, AppError>) -> Option<&'static str> {
        use std::sync::atomic::Ordering::Relaxed;
        match res {
            Ok(_) => None,
            Err(_) if self.cut_off.load(Relaxed) => Some(store::availability::CUT_OFF),
            Err(AppError::Internal) => Some(store::availability::SERVER_ERROR),
            Err(_) => None,
        }
    }

    /// The upload's outcome is known: a failure that is the platform's or
    /// the line's is kept.
    fn settle<T>(&self, res: &Result<T, AppError>) {
        self.settled.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(reason) = self.reason_for(res) {
            self.keep(reason);
        }
    }

    /// Keeps the failure from a task of its own (also from `drop`, where
    /// nothing can be awaited).
    fn keep(&self, reason: &'static str) {
        let (st, tender, org, user) = (self.st.clone(), self.tender, self.organisation, self.user);
        let received = self.received.load(std::sync::atomic::Ordering::Relaxed);
        let at = st.clock.now();
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                if let Err(e) = store::availability::record_failure(&st.db.conn, tender, org, user, at, reason, received).await {
                    tracing::error!(error = %e, "a failed upload could not be kept");
                }
            });
        }
    }
}

impl Drop for UploadWatch {
    fn drop(&mut self) {
        // The request went away mid-upload (the connection closed and the
        // server stopped the handler before it settled).
        if !self.settled.load(std::sync::atomic::Ordering::Relaxed) {
            self.keep(store::availability::CUT_OFF);
        }
    }
}

/// POST /upload/document/{tender}: a file document, new (field `titel`) or a
/// new version of an existing one (field `document`), optionally through an
/// NvI (field `nvi`). Text fields come before the file in the form.
async fn upload_document(
    State(st): State<AppState>,
    session: Session,
    Path(tender): Path<TenderId>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let json = wants_json(&headers);
    let back = format!("/aanbesteding/{tender}/documenten");
    let actions = [Action::EditDocuments, Action::ManageNvi];
    let res = async {
        let u = guard::require_user_of_session(&st, &session).await?;
        let ok = match guard::allowed_for(&st, u.clone(), tender, actions[0]).await {
            Ok(ok) => ok,
            Err(_) => guard::allowed_for(&st, u, tender, actions[1]).await?,
        };
        let (fields, file) = read_multipart(&st, &headers, body, 50_000_000, None, None).await?;
        let field = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string()).filter(|v| !v.is_empty());
        let Some((name, media, pending, _)) = file else {
            return Err(AppError::Invalid("Kies een bestand om te uploaden.".into()));
        };
        let stored = pending.stored();
        let nvi = match field("nvi") {
            Some(s) => Some(s.parse::<QuestionRoundId>().map_err(|_| AppError::Invalid("Ongeldige Nota van Inlichtingen.".into()))?),
            None => None,
        };
        let note = field("toelichting").unwrap_or_default();
        let mut op = Op::begin_any(&st.db, &st.clock, ok.user, tender, &actions).await?;
        let f = files::record(&op, stored, &name, media).await?;
        let nv = documents::NewVersion { body_md: None, file: Some((f.id, stored.sha256.clone(), stored.size as i64)), note, nvi };
        match field("document") {
            Some(id) => {
                let id = id.parse::<DocumentId>().map_err(|_| AppError::Invalid("Ongeldig document.".into()))?;
                let d = documents::get(op.txn(), tender, id).await?;
                documents::add_version(&mut op, &d, nv).await?;
            }
            None => {
                let title = field("titel").unwrap_or_else(|| name.clone());
                documents::create(&mut op, &title, DocumentKind::Bestand, nv).await?;
            }
        }
        op.commit().await?;
        pending.keep();
        Ok(())
    }
    .await;
    match res {
        Ok(()) if json => axum::Json(serde_json::json!({ "ok": true })).into_response(),
        Ok(()) => (StatusCode::SEE_OTHER, [(header::LOCATION, format!("{back}?melding=opgeslagen"))]).into_response(),
        Err(e) => fail(e, json, wants_html(&headers), &back),
    }
}

/// Reads a small multipart body into memory: the text fields and the one
/// file (its name and bytes), at most `limit` bytes of it.
async fn read_small_multipart(headers: &HeaderMap, body: Body, limit: u64) -> Result<(Vec<(String, String)>, Option<(String, Vec<u8>)>), AppError> {
    let mut mp = multipart(headers, body, limit, 100_000)?;
    let mut fields = vec![];
    let mut file = None;
    while let Some(field) = next_field(&mut mp, limit).await? {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(files::clean_name);
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(multer::Error::StreamSizeExceeded { .. }) | Err(multer::Error::FieldSizeExceeded { .. }) => return Err(too_large(limit)),
            Err(_) => return Err(AppError::Invalid("De upload is afgebroken. Er is niets opgeslagen; probeer het opnieuw.".into())),
        };
        match file_name {
            Some(f) if file.is_none() => file = Some((f, bytes.to_vec())),
            Some(_) => return Err(AppError::Invalid("Upload één bestand tegelijk.".into())),
            None if bytes.contains(&0) => return Err(AppError::Invalid("Een formulierveld bevat een ongeldig teken (een nul-teken).".into())),
            None => fields.push((name, String::from_utf8_lossy(&bytes).into_owned())),
        }
    }
    Ok((fields, file))
}

/// POST /upload/scholen/{tender}: the schools of the scope from a CSV file,
/// all or nothing (every bad row is named with its line number).
async fn upload_schools(State(st): State<AppState>, session: Session, Path(tender): Path<TenderId>, headers: HeaderMap, body: Body) -> Response {
    let json = wants_json(&headers);
    let back = format!("/aanbesteding/{tender}/opzet");
    let res = async {
        let u = guard::require_user_of_session(&st, &session).await?;
        let ok = guard::allowed_for(&st, u, tender, Action::SetUpTender).await?;
        let (_, file) = read_small_multipart(&headers, body, 1_000_000).await?;
        let Some((_, bytes)) = file else {
            return Err(AppError::Invalid("Kies een CSV-bestand om in te lezen.".into()));
        };
        if bytes.is_empty() {
            return Err(AppError::Invalid("Het bestand is leeg.".into()));
        }
        let mut op = Op::begin(&st.db, &st.clock, ok.user, tender, Action::SetUpTender).await?;
        let n = store::setup::import_schools(&mut op, &bytes).await?;
        op.commit().await?;
        Ok(n)
    }
    .await;
    match res {
        Ok(n) if json => axum::Json(serde_json::json!({ "ok": true, "scholen": n })).into_response(),
        Ok(_) => (StatusCode::SEE_OTHER, [(header::LOCATION, format!("{back}?melding=opgeslagen"))]).into_response(),
        Err(e) => fail(e, json, wants_html(&headers), &back),
    }
}

async fn send_file(st: &AppState, file: &store::entities::files::Model, name: &str, media: &str) -> Result<Response, AppError> {
    let f = st.files.open_read(file).await.map_err(|e| {
        tracing::error!(file = %file.id, error = %e, "stored file unreadable");
        AppError::Internal
    })?;
    let stream = tokio_util_stream(f);
    let disposition = format!("attachment; filename=\"{}\"", name.replace(['"', '\\'], "_"));
    Ok((
        [
            (header::CONTENT_TYPE, media.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// Streams a file in 64 KiB chunks.
fn tokio_util_stream(f: tokio::fs::File) -> impl futures_util::Stream<Item = std::io::Result<bytes::Bytes>> {
    use tokio::io::AsyncReadExt;
    futures_util::stream::try_unfold(f, |mut f| async move {
        let mut buf = vec![0u8; 64 * 1024];
        let n = f.read(&mut buf).await?;
        if n == 0 {
            Ok(None)
        } else {
            buf.truncate(n);
            Ok(Some((bytes::Bytes::from(buf), f)))
        }
    })
}

/// GET /bestand/document/{tender}/{version}: a file version of a document.
async fn download_document(State(st): State<AppState>, session: Session, Path((tender, version)): Path<(TenderId, VersionId)>) -> Response {
    let res = async {
        let u = guard::require_user_of_session(&st, &session).await?;
        let ok = guard::allowed_for(&st, u, tender, Action::ViewDocuments).await?;
        let nf = || AppError::NotFound("Dit document bestaat niet.".into());
        let v = store::entities::document_versions::Entity::find_by_id(version).one(&st.db.conn).await?.ok_or_else(nf)?;
        let d = documents::get(&st.db.conn, tender, v.document_id).await?;
        let all = documents::versions(&st.db.conn, d.id).await?;
        let this = all.iter().find(|x| x.v.id == v.id).ok_or_else(nf)?;
        let staff = !ok.bidder_only();
        if !this.visible_to_bidders && !staff {
            return Err(nf());
        }
        let f = files::by_id(&st.db.conn, v.file_id.ok_or_else(nf)?).await?.ok_or_else(nf)?;
        send_file(&st, &f, &f.original_name, &f.media_type).await
    }
    .await;
    res.unwrap_or_else(|e| plain(status_of(&e), &e.to_string()))
}

/// GET /bestand/inschrijving/{tender}/{part}: the content of a bid part, only
/// after a confirmed opening, only for the roles the table allows.
async fn download_bid_part(State(st): State<AppState>, session: Session, Path((tender, part)): Path<(TenderId, PartId)>) -> Response {
    let res = async {
        let u = guard::require_user_of_session(&st, &session).await?;
        let ok = guard::allowed_for(&st, u, tender, Action::ReadBidContent).await?;
        // Defence in depth: the phase allows it, and an opening was confirmed.
        if bids::confirmed_opening(&st.db.conn, tender).await?.is_none() || *ok.tender.phase == Phase::Concept {
            return Err(AppError::forbidden());
        }
        let nf = || AppError::NotFound("Dit onderdeel bestaat niet.".into());
        let p = store::entities::bid_parts::Entity::find_by_id(part).one(&st.db.conn).await?.ok_or_else(nf)?;
        let b = store::entities::bids::Entity::find_by_id(p.bid_id).one(&st.db.conn).await?.filter(|b| b.tender_id == tender).ok_or_else(nf)?;
        if b.status != BidStatus::Ingediend {
            return Err(nf());
        }
        // Envelope 3 (the price) stays sealed until the quality is scored in
        // consensus; so does envelope 2 here, by bidder: the quality plans are
        // read under their pseudonyms until then, and a plan read by bidder
        // would link the two.
        let def = bids::part_def(&st.db.conn, tender, p.part_def_id).await?;
        if def.envelope >= 2 && !store::evaluation::result::prices_open(&st.db.conn, tender).await? {
            return Err(AppError::Forbidden(if def.envelope == 3 {
                "De prijs (envelop 3) blijft verzegeld tot de consensus over de kwaliteit is vastgesteld.".into()
            } else {
                "Het kwaliteitsplan (envelop 2) is tot de consensus alleen onder zijn pseudoniem te lezen, op de pagina Beoordeling.".into()
            }));
        }
        match p.file_id {
            Some(fid) => {
                let f = files::by_id(&st.db.conn, fid).await?.ok_or_else(nf)?;
                send_file(&st, &f, &f.original_name, &f.media_type).await
            }
            None => Ok(plain(StatusCode::OK, p.form_text.as_deref().unwrap_or_default())),
        }
    }
    .await;
    res.unwrap_or_else(|e| plain(status_of(&e), &e.to_string()))
}

/// GET /bestand/beoordeling/{tender}/{plan}/{part}: a quality plan under its
/// pseudonym, for whoever the visibility rule lets read it now (an evaluator
/// scoring it, the inkoper deciding on a report about it). The file is named
/// after the pseudonym, never its original name.
async fn download_plan(
    State(st): State<AppState>,
    session: Session,
    Path((tender, plan, part)): Path<(TenderId, String, PartDefId)>,
) -> Response {
    let res = async {
        let u = guard::require_user_of_session(&st, &session).await?;
        let nf = || AppError::NotFound("Dit plan bestaat niet.".into());
        let ok = match guard::allowed_for(&st, u.clone(), tender, Action::Evaluate).await {
            Ok(ok) => ok,
            Err(_) => guard::allowed_for(&st, u, tender, Action::ManageEvaluation).await?,
        };
        let plan = Pseudonym::parse(&plan).map_err(|_| nf())?;
        let p = store::evaluation::plans::readable_plan(&st.db.conn, tender, *ok.tender.phase, &ok.user, &ok.roles, &plan).await?;
        let def = bids::part_def(&st.db.conn, tender, part).await.map_err(|_| nf())?;
        if def.envelope != 2 || *def.kind != PartKind::Bestand {
            return Err(nf());
        }
        let bp = bids::parts_of(&st.db.conn, p.bid_id).await?.into_iter().find(|x| x.part_def_id == def.id).ok_or_else(nf)?;
        // The copy with its metadata removed, made at the opening, when there is one.
        let f = files::by_id(&st.db.conn, bp.served_file_id.or(bp.file_id).ok_or_else(nf)?).await?.ok_or_else(nf)?;
        let slug = files::slug(&def.name);
        let name = format!("Inschrijving-{}-{slug}.{}", p.pseudonym, files::extension_for(&f.media_type));
        send_file(&st, &f, &name, &f.media_type).await
    }
    .await;
    res.unwrap_or_else(|e| plain(status_of(&e), &e.to_string()))
}

/// GET /export/beoordeling/{tender}: the scoring matrix as the caller sees it, as CSV.
async fn export_scores(State(st): State<AppState>, session: Session, Path(tender): Path<TenderId>) -> Response {
    let res = async {
        let u = guard::require_user_of_session(&st, &session).await?;
        let ok = guard::allowed_for(&st, u, tender, Action::ViewEvaluation).await?;
        let data = crate::api::evaluation::build(&st, &ok).await?;
        let body = crate::api::evaluation::csv_of(&data)?;
        Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"scorematrix-{}.csv\"", ok.tender.reference.replace(['"', '\\'], "_"))),
                (header::CACHE_CONTROL, "private, no-store".to_string()),
            ],
            body,
        )
            .into_response())
    }
    .await;
    res.unwrap_or_else(|e: AppError| plain(status_of(&e), &e.to_string()))
}

/// GET /ontvangstbevestiging/{tender}/{receipt}: the receipt as a JSON file, for
/// members of the organisation that submitted.
async fn download_receipt(State(st): State<AppState>, session: Session, Path((tender, receipt)): Path<(TenderId, ReceiptId)>) -> Response {
    let res = async {
        let u = guard::require_user_of_session(&st, &session).await?;
        let ok = guard::allowed_for(&st, u, tender, Action::ViewTender).await?;
        let nf = || AppError::NotFound("Deze ontvangstbevestiging bestaat niet.".into());
        let org = guard::own_organisation(&st, &ok.user).await.map_err(|_| nf())?;
        let r = store::entities::receipts::Entity::find_by_id(receipt).one(&st.db.conn).await?.ok_or_else(nf)?;
        let b = store::entities::bids::Entity::find_by_id(r.bid_id).one(&st.db.conn).await?.ok_or_else(nf)?;
        if b.tender_id != tender || b.organisation_id != org.id {
            return Err(nf());
        }
        Ok((
            [
                (header::CONTENT_TYPE, "application/json; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"ontvangstbevestiging-{}.json\"", r.seq)),
            ],
            r.body,
        )
            .into_response())
    }
    .await;
    res.unwrap_or_else(|e| plain(status_of(&e), &e.to_string()))
}

use sea_orm::EntityTrait;
