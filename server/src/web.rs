//! The HTTP side: the router (pages, server functions, export, health), the
//! session, CSRF and security-header layers.

use app::app::{shell, App};
use app::domain::access::{self, Action};
use app::state::AppState;
use app::store::session_store::DbSessionStore;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, Request, StatusCode};
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
        .layer(middleware::from_fn(server_fn_statuses))
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

/// A server function whose arguments could not be read fails inside the
/// framework with a 500; that is the caller's fault, so it becomes a 400.
async fn server_fn_statuses(req: Request<Body>, next: Next) -> Response {
    let is_fn = req.uri().path().starts_with("/api/");
    let mut res = next.run(req).await;
    if is_fn
        && res.status() == StatusCode::INTERNAL_SERVER_ERROR
        && res.headers().contains_key("serverfnerror")
        && !res.headers().contains_key("x-dialoog-error")
    {
        *res.status_mut() = StatusCode::BAD_REQUEST;
    }
    res.headers_mut().remove("x-dialoog-error");
    res
}

#[derive(Deserialize)]
pub struct ExportQuery {
    aanbesteding: Option<app::ids::TenderId>,
}

fn plain(status: StatusCode, msg: &str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], msg.to_string()).into_response()
}

/// GET /export/audittrail.jsonl[?aanbesteding=ID]: the audit trail as JSON Lines,
/// for users allowed to export it (the role x phase table).
async fn export_audit(State(state): State<WebState>, session: Session, Query(q): Query<ExportQuery>) -> Response {
    let st = &state.app;
    let user_id = match app::api::guard::require_user_of_session(st, &session).await {
        Ok(u) => u.id,
        Err(e) => return plain(StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), &e.to_string()),
    };
    let allowed = async {
        let mut ok_any = false;
        for t in app::store::tenders::all(&st.db.conn).await? {
            if q.aanbesteding.is_some_and(|id| id != t.id) {
                continue;
            }
            let roles = app::store::tenders::roles_of(&st.db.conn, t.id, user_id).await?;
            ok_any |= access::any_allowed(&roles, *t.phase, Action::ExportAuditTrail);
        }
        Ok::<bool, sea_orm::DbErr>(ok_any)
    }
    .await;
    match allowed {
        Ok(true) => {}
        Ok(false) => return plain(StatusCode::FORBIDDEN, "U heeft geen toegang tot de export van de audittrail."),
        Err(_) => return plain(StatusCode::INTERNAL_SERVER_ERROR, "Er ging iets mis aan onze kant."),
    }
    let mut body = String::new();
    let res = app::store::audit::export(&st.db.conn, q.aanbesteding, |line| {
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
