//! The HTTP side: the router (pages, server functions, export, health), the
//! session, CSRF and security-header layers.

use app::app::{shell, App};
use app::domain::access::Action;
use app::state::AppState;
use app::store::session_store::DbSessionStore;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderName, HeaderValue, Request, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use serde::Deserialize;
use tower_http::csrf::CsrfLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};

#[derive(Clone)]
pub struct WebState {
    pub app: AppState,
    pub leptos: LeptosOptions,
}

impl axum::extract::FromRef<WebState> for LeptosOptions {
    fn from_ref(s: &WebState) -> Self {
        s.leptos.clone()
    }
}

pub fn router(app_state: AppState, leptos: LeptosOptions, secure_cookies: bool) -> Router {
    let routes = generate_route_list(App);
    let state = WebState { app: app_state.clone(), leptos: leptos.clone() };

    let ctx = {
        let s = app_state.clone();
        move || provide_context(s.clone())
    };
    let fn_ctx = ctx.clone();
    let server_fns = move |req: Request<Body>| {
        let fn_ctx = fn_ctx.clone();
        async move { handle_server_fns_with_context(fn_ctx, req).await }
    };

    let sessions = SessionManagerLayer::new(DbSessionStore::new(app_state.db.conn.clone()))
        .with_name(if secure_cookies { "__Host-dialoog" } else { "dialoog_sessie" })
        .with_secure(secure_cookies)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(time::Duration::hours(2)));

    let leptos_for_shell = leptos.clone();
    let mut router = Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/export/audittrail.jsonl", get(export_audit))
        .route("/api/{*fn_name}", get(server_fns.clone()).post(server_fns))
        .leptos_routes_with_context(&state, routes, ctx, move || shell(leptos_for_shell.clone()))
        .fallback(leptos_axum::file_and_error_handler::<WebState, _>(shell))
        .with_state(state)
        .merge(app::uploads::router(app_state.clone()))
        .merge(app::ocds::router(app_state.clone()))
        .merge(app::pdf::router(app_state.clone()))
        .merge(app::dossier::router(app_state.clone()))
        .layer(middleware::from_fn(answers_in_dutch))
        .layer(middleware::from_fn(limit_server_fn_bodies))
        .layer(middleware::from_fn(trace_requests))
        .layer(sessions)
        .layer(CsrfLayer::new())
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; style-src 'self'; frame-ancestors 'none'"),
        ));
    if secure_cookies {
        router = router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    router
}

/// Every route the server answers, as "METHOD PATH" lines: the server functions
/// (registered by the `#[server]` macro), the pages and the plain routes. The
/// access test checks its expectations against this list.
pub fn route_table() -> Vec<String> {
    let mut out: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| format!("{method} {path}"))
        .collect();
    for r in generate_route_list(App) {
        out.push(format!("PAGE {}", r.path()));
    }
    out.push("GET /health".into());
    out.extend(app::uploads::ROUTES.iter().map(|r| r.to_string()));
    out.extend(app::ocds::ROUTES.iter().map(|r| r.to_string()));
    out.extend(app::pdf::ROUTES.iter().map(|r| r.to_string()));
    out.extend(app::dossier::ROUTES.iter().map(|r| r.to_string()));
    out.push("GET /export/audittrail.jsonl".into());
    out.sort();
    out.dedup();
    out
}

/// One span per request: method, path (never the query, which can carry a
/// message), status, duration and, once the session names them, the user's
/// pseudonym. Bodies (passwords, bids) are never logged.
async fn trace_requests(req: Request<Body>, next: Next) -> Response {
    use tracing::Instrument;
    let span = tracing::info_span!(
        "request",
        method = %req.method(),
        path = %req.uri().path(),
        status = tracing::field::Empty,
        ms = tracing::field::Empty,
        user = tracing::field::Empty,
    );
    let started = std::time::Instant::now();
    let res = next.run(req).instrument(span.clone()).await;
    let status = res.status().as_u16();
    span.record("status", status);
    span.record("ms", started.elapsed().as_millis() as u64);
    if status >= 500 {
        tracing::error!(parent: &span, "answered");
    } else {
        tracing::info!(parent: &span, "answered");
    }
    res
}

/// The largest body a server function takes: forms and Markdown texts, well
/// under the framework's 2 MB (files go to the upload routes, each with its
/// part's own limit).
pub const SERVER_FN_BODY_LIMIT: usize = 1024 * 1024;

/// Whether the caller is a browser posting a plain form (no JavaScript), which
/// reads a page rather than a server function's encoded error.
fn wants_page(req: &Request<Body>) -> bool {
    req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("text/html"))
}

/// A refusal in the shape the caller reads: a server function's encoded error
/// (its client decodes it) or plain Dutch text.
fn refusal(status: StatusCode, err: app::error::AppError, server_fn: Option<&str>) -> Response {
    match server_fn {
        Some(path) => {
            let body = serde_json::to_string(&err).unwrap_or_default();
            let mut res = (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
            if let Ok(v) = HeaderValue::from_str(path) {
                res.headers_mut().insert("serverfnerror", v);
            }
            res
        }
        None => plain(status, &err.to_string()),
    }
}

/// Holds server functions to [`SERVER_FN_BODY_LIMIT`]: a larger declared
/// length is refused before a byte is read, and a body without one is read
/// only up to the limit, so memory stays flat whatever is sent. The refusal
/// is a 413 with a Dutch message.
async fn limit_server_fn_bodies(req: Request<Body>, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let nul = || {
        app::error::AppError::Invalid("Het verzoek bevat een ongeldig teken (een nul-teken). Verwijder het en probeer het opnieuw.".into())
    };
    // No text anywhere holds a NUL character (PostgreSQL stores none).
    if req.uri().query().is_some_and(|q| q.contains("%00")) || path.contains("%00") {
        let page = wants_page(&req);
        return refusal(StatusCode::BAD_REQUEST, nul(), (path.starts_with("/api/") && !page).then_some(path.as_str()));
    }
    if !path.starts_with("/api/") {
        return next.run(req).await;
    }
    let too_large = |page: bool| {
        let err = app::error::AppError::TooLarge(format!(
            "Het formulier is te groot (meer dan {} kB). Er is niets opgeslagen; bestanden voegt u toe met de uploadknop.",
            SERVER_FN_BODY_LIMIT / 1024
        ));
        refusal(StatusCode::PAYLOAD_TOO_LARGE, err, (!page).then_some(path.as_str()))
    };
    let page = wants_page(&req);
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > SERVER_FN_BODY_LIMIT as u64) {
        return too_large(page);
    }
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, SERVER_FN_BODY_LIMIT).await {
        Ok(bytes) if bytes.contains(&0) || contains(&bytes, b"%00") || contains(&bytes, b"\\u0000") => {
            refusal(StatusCode::BAD_REQUEST, nul(), (!page).then_some(path.as_str()))
        }
        Ok(bytes) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Err(e) if std::error::Error::source(&e).is_some_and(|s| s.is::<http_body_util::LengthLimitError>()) => too_large(page),
        Err(_) => {
            let err = app::error::AppError::Invalid("Het verzoek kwam niet volledig aan. Probeer het opnieuw.".into());
            refusal(StatusCode::BAD_REQUEST, err, (!page).then_some(path.as_str()))
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Every answer a person can cause is Dutch and a 4xx. A server function
/// whose arguments could not be read fails inside the framework with a 500;
/// that is the caller's fault, so it becomes a 400. The framework's own
/// refusals (a path or query that does not parse, a wrong method, an
/// unsupported body) carry English text: they get a Dutch message for their
/// status. Our own answers are marked (`x-dialoog-error`) and kept as they
/// are; the mark is removed.
async fn answers_in_dutch(req: Request<Body>, next: Next) -> Response {
    let is_fn = req.uri().path().starts_with("/api/");
    let mut res = next.run(req).await;
    let ours = res.headers().contains_key("x-dialoog-error");
    if is_fn && res.status() == StatusCode::INTERNAL_SERVER_ERROR && res.headers().contains_key("serverfnerror") && !ours {
        *res.status_mut() = StatusCode::BAD_REQUEST;
    }
    let status = res.status();
    let is_text = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if status.is_client_error() && !ours && !res.headers().contains_key("serverfnerror") && is_text {
        let msg = match status {
            StatusCode::NOT_FOUND => "Deze pagina of dit bestand bestaat niet.",
            StatusCode::METHOD_NOT_ALLOWED => "Dit adres werkt niet op deze manier. Gebruik de knoppen en formulieren in Dialoog.",
            StatusCode::PAYLOAD_TOO_LARGE => "Het verzoek is te groot. Er is niets opgeslagen.",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "Dit soort verzoek wordt hier niet aangenomen. Gebruik het formulier in Dialoog.",
            StatusCode::FORBIDDEN => "U heeft geen toegang tot deze functie.",
            _ => "Het adres of het formulier bevat een ongeldige waarde. Controleer het en probeer het opnieuw.",
        };
        let mut fresh = plain(status, msg);
        for (k, v) in res.headers() {
            if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
                fresh.headers_mut().insert(k.clone(), v.clone());
            }
        }
        res = fresh;
    }
    res.headers_mut().remove("x-dialoog-error");
    res
}

#[derive(Deserialize)]
pub struct ExportQuery {
    aanbesteding: Option<app::ids::TenderId>,
}

/// A plain Dutch answer of ours (marked, so [`answers_in_dutch`] keeps it).
fn plain(status: StatusCode, msg: &str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (HeaderName::from_static("x-dialoog-error"), "1")], msg.to_string())
        .into_response()
}

/// GET /export/audittrail.jsonl[?aanbesteding=ID]: the audit trail as JSON Lines,
/// for users allowed to export it (the role x phase table).
async fn export_audit(State(state): State<WebState>, session: Session, Query(q): Query<ExportQuery>) -> Response {
    let st = &state.app;
    let user_id = match app::api::guard::require_user_of_session(st, &session).await {
        Ok(u) => u.id,
        Err(e) => return plain(StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), &e.to_string()),
    };
    // What this reader may see now of each tender's trail (nothing of
    // tenders where their role may not export it).
    let reader = match app::store::audit::reader_for(&st.db.conn, user_id, Action::ExportAuditTrail).await {
        Ok(r) => r,
        Err(_) => return plain(StatusCode::INTERNAL_SERVER_ERROR, "Er ging iets mis aan onze kant."),
    };
    let readable = reader.tenders();
    let allowed = match q.aanbesteding {
        Some(t) => readable.contains(&t),
        None => !readable.is_empty(),
    };
    if !allowed {
        return plain(StatusCode::FORBIDDEN, "U heeft geen toegang tot de export van de audittrail.");
    }
    let mut body = String::new();
    let res = app::store::audit::export_for(&st.db.conn, q.aanbesteding, &reader, |line| {
        body.push_str(&line);
        body.push('\n');
        Ok(())
    })
    .await;
    match res {
        Ok(_) => (
            [
                (header::CONTENT_TYPE, "application/jsonl; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"audittrail.jsonl\""),
            ],
            body,
        )
            .into_response(),
        Err(_) => plain(StatusCode::INTERNAL_SERVER_ERROR, "Er ging iets mis aan onze kant."),
    }
}
