//! The documents of record as PDF: a proces-verbaal van opening, the Nota's
//! van Inlichtingen, the evaluation report, the award letters and the
//! contract summary. Each is a Typst template in `templates/` that reads its
//! data as JSON from `sys.inputs.data`; user text reaches the template as
//! strings, which Typst sets as plain text (never evaluated as markup).
//!
//! Every PDF is tagged and conforms to PDF/UA-1 and PDF/A-2a together (Typst
//! refuses to write one that does not), in Liberation Sans shipped in
//! `fonts/`. Nothing is read from the host or the network.

use std::sync::LazyLock;
use typst::foundations::{Dict, IntoValue, Smart};
use typst_layout::PagedDocument;
use typst_as_lib::TypstEngine;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

/// A document this crate typesets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Template {
    /// The proces-verbaal van opening.
    ProcesVerbaal,
    /// Every published Nota van Inlichtingen.
    NotaVanInlichtingen,
    /// The evaluation report and award advice, with the individual score
    /// sheets as an annex when the data holds them.
    Beoordelingsrapport,
    /// One bidder's award decision letter.
    Gunningsbeslissing,
    /// The contract summary: parties, term, options and their decisions.
    Contractoverzicht,
    /// A bidder's receipt for a submitted bid, in words.
    Ontvangstbevestiging,
}

impl Template {
    fn file(self) -> &'static str {
        match self {
            Template::ProcesVerbaal => "proces-verbaal.typ",
            Template::NotaVanInlichtingen => "nota-van-inlichtingen.typ",
            Template::Beoordelingsrapport => "beoordelingsrapport.typ",
            Template::Gunningsbeslissing => "gunningsbeslissing.typ",
            Template::Contractoverzicht => "contractoverzicht.typ",
            Template::Ontvangstbevestiging => "ontvangstbevestiging.typ",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("the template did not compile: {0}")]
    Compile(String),
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

static SOURCES: &[(&str, &str)] = &[
    ("dialoog.typ", include_str!("../templates/dialoog.typ")),
    ("proces-verbaal.typ", include_str!("../templates/proces-verbaal.typ")),
    ("nota-van-inlichtingen.typ", include_str!("../templates/nota-van-inlichtingen.typ")),
    ("beoordelingsrapport.typ", include_str!("../templates/beoordelingsrapport.typ")),
    ("gunningsbeslissing.typ", include_str!("../templates/gunningsbeslissing.typ")),
    ("contractoverzicht.typ", include_str!("../templates/contractoverzicht.typ")),
    ("ontvangstbevestiging.typ", include_str!("../templates/ontvangstbevestiging.typ")),
];

static FONTS: &[&[u8]] = &[
    include_bytes!("../fonts/LiberationSans-Regular.ttf"),
    include_bytes!("../fonts/LiberationSans-Bold.ttf"),
    include_bytes!("../fonts/LiberationSans-Italic.ttf"),
    include_bytes!("../fonts/LiberationMono-Regular.ttf"),
];

/// Fonts are parsed once; the engine is shared by every render.
static ENGINE: LazyLock<TypstEngine> =
    LazyLock::new(|| TypstEngine::builder().fonts(FONTS.iter().copied()).with_static_source_file_resolver(SOURCES.iter().copied()).build());

/// Typesets `template` with `data` (its JSON) as a PDF/UA-1 + PDF/A-2a file.
/// `ident` names the document stably (tender and document), `made` is the
/// instant the document was made (on the tender's clock; PDF/A needs it), as
/// (year, month, day, hour, minute, second) in UTC.
///
/// CPU-bound (tens of milliseconds): call it off the async runtime.
pub fn render(template: Template, data: &serde_json::Value, ident: &str, made: (i32, u8, u8, u8, u8, u8)) -> Result<Vec<u8>, RenderError> {
    let mut inputs = Dict::new();
    inputs.insert("data".into(), data.to_string().into_value());
    let doc: PagedDocument = ENGINE
        .compile_with_input(template.file(), inputs)
        .output
        .map_err(|e| RenderError::Compile(format!("{e:?}")))?;
    let standards = PdfStandards::new(&[PdfStandard::Ua_1, PdfStandard::A_2a]).map_err(|e| RenderError::Pdf(format!("{e:?}")))?;
    // PDF/A asks for the document's date.
    let (y, mo, d, h, mi, s) = made;
    let timestamp = typst::foundations::Datetime::from_ymd_hms(y, mo, d, h, mi, s)
        .map(typst_pdf::Timestamp::new_utc)
        .ok_or_else(|| RenderError::Pdf(format!("not a date: {made:?}")))?;
    let options = PdfOptions {
        ident: Smart::Custom(ident.to_string()),
        creator: Smart::Custom(Some("Dialoog".to_string())),
        timestamp: Some(timestamp),
        standards,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&doc, &options).map_err(|e| RenderError::Pdf(format!("{e:?}")))
}
