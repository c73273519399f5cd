//! Dialoog: running a procurement under the Dutch SAS regime, from publication to
//! signed contract. This crate holds the pages (Leptos), the server functions,
//! the domain rules (pure, compiled for server and browser) and, on the server,
//! the store.

#![recursion_limit = "256"]

pub mod api;
pub mod app;
/// The rules live in their own crate, which knows neither Leptos nor the
/// database; pages and the store reach them as `crate::domain`.
pub use ::domain;
pub mod error;
pub mod ids;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod document_metadata;
#[cfg(feature = "ssr")]
pub mod dossier;
#[cfg(feature = "ssr")]
pub mod eforms;
#[cfg(feature = "ssr")]
pub mod identity_scan;
#[cfg(feature = "ssr")]
pub mod mail_relay;
#[cfg(feature = "ssr")]
pub mod markdown;
#[cfg(feature = "ssr")]
pub mod ocds;
#[cfg(feature = "ssr")]
pub mod pdf;
#[cfg(feature = "ssr")]
pub mod sealing;
#[cfg(any(feature = "ssr", feature = "hydrate"))]
pub mod seal_stream;
#[cfg(feature = "ssr")]
pub mod server_ops;
#[cfg(feature = "ssr")]
pub mod spreadsheet;
#[cfg(feature = "ssr")]
pub mod uploads;
#[cfg(feature = "ssr")]
pub mod workbooks;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod store;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // A marker for browser tests (and scripts) that the page is interactive.
    if let Some(root) = leptos::prelude::document().document_element() {
        let _ = root.set_attribute("data-hydrated", "");
    }
}
