//! Tender documents: the list, one document with its history and diff, and
//! writing Markdown documents (file documents go through the upload route).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocRow {
    pub id: i32,
    pub title: String,
    pub kind: String,
    pub version: i32,
    pub sha256: String,
    pub changed: String,
    /// Versions waiting for an unpublished NvI (staff only).
    pub pending: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocumentsData {
    pub tender: i32,
    pub docs: Vec<DocRow>,
    pub may_edit: bool,
    /// May change documents through an unpublished NvI: (round id, title).
    pub nvi_rounds: Vec<(i32, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VersionView {
    pub id: i32,
    pub version: i32,
    pub sha256: String,
    pub size: i64,
    pub note: String,
    pub created: String,
    pub nvi_number: Option<i32>,
    pub pending: bool,
    pub file_name: Option<String>,
    /// Markdown versions: the sanitised HTML and the diff with the previous one.
    pub html: Option<String>,
    pub markdown: Option<String>,
    pub diff: Vec<(char, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocumentData {
    pub tender: i32,
    pub id: i32,
    pub title: String,
    pub kind: String,
    /// Newest first.
    pub versions: Vec<VersionView>,
    pub may_edit: bool,
    pub nvi_rounds: Vec<(i32, String)>,
}

#[cfg(feature = "ssr")]
async fn editing(
    st: &crate::state::AppState,
    ok: &super::guard::Allowed,
) -> Result<(bool, Vec<(i32, String)>), AppError> {
    use crate::domain::access::{self, Action};
    let phase = crate::store::procedure::phase_of(&ok.tender);
    let direct = access::any_allowed(&ok.roles, phase, Action::EditDocuments);
    let via_nvi = access::any_allowed(&ok.roles, phase, Action::ManageNvi);
    let rounds = if via_nvi && phase != crate::domain::access::Phase::Concept {
        crate::store::nvi::rounds(&st.db.conn, ok.tender.id)
            .await?
            .into_iter()
            .filter(|r| r.published_at.is_none())
            .map(|r| (r.id, r.title))
            .collect()
    } else {
        vec![]
    };
    Ok((direct || !rounds.is_empty(), rounds))
}

#[server(endpoint = "documents_view")]
pub async fn documents_view(id: i32) -> Result<DocumentsData, AppError> {
    use super::guard;
    use crate::domain::access::Action;
    use crate::domain::calendar::show_instant;
    use crate::store::documents;
    guard::run(async move {
        let ok = guard::require(id, Action::ViewDocuments).await?;
        let st = guard::state()?;
        let bidder = ok.bidder_only();
        let mut docs = vec![];
        for d in documents::list(&st.db.conn, id).await? {
            let vs = documents::versions(&st.db.conn, d.id).await?;
            let visible: Vec<_> = vs.iter().filter(|v| v.visible_to_bidders).collect();
            let Some(cur) = visible.last() else { continue };
            docs.push(DocRow {
                id: d.id,
                title: d.title.clone(),
                kind: d.kind.clone(),
                version: cur.v.version,
                sha256: cur.v.sha256.clone(),
                changed: show_instant(cur.v.created_at),
                pending: if bidder { 0 } else { vs.len() - visible.len() },
            });
        }
        let (may_edit, nvi_rounds) = editing(&st, &ok).await?;
        Ok(DocumentsData { tender: id, docs, may_edit, nvi_rounds })
    })
    .await
}

#[server(endpoint = "document_view")]
pub async fn document_view(id: i32, doc: i32) -> Result<DocumentData, AppError> {
    use super::guard;
    use crate::domain::access::Action;
    use crate::domain::calendar::show_instant;
    use crate::store::documents;
    guard::run(async move {
        let ok = guard::require(id, Action::ViewDocuments).await?;
        let st = guard::state()?;
        let d = documents::get(&st.db.conn, id, doc).await?;
        let bidder = ok.bidder_only();
        let vs: Vec<_> = documents::versions(&st.db.conn, d.id)
            .await?
            .into_iter()
            .filter(|v| !bidder || v.visible_to_bidders)
            .collect();
        if vs.is_empty() {
            return Err(AppError::NotFound("Dit document bestaat niet.".into()));
        }
        let mut out = vec![];
        let mut prev: Option<String> = None;
        for v in &vs {
            let file_name = match v.v.file_id {
                Some(f) => crate::store::files::by_id(&st.db.conn, f).await?.map(|f| f.original_name),
                None => None,
            };
            let md = v.v.body_md.clone();
            let diff = match (&prev, &md) {
                (Some(p), Some(m)) => crate::markdown::diff(p, m),
                _ => vec![],
            };
            if md.is_some() {
                prev = md.clone();
            }
            out.push(VersionView {
                id: v.v.id,
                version: v.v.version,
                sha256: v.v.sha256.clone(),
                size: v.v.size,
                note: v.v.note.clone(),
                created: show_instant(v.v.created_at),
                nvi_number: v.nvi_number,
                pending: !v.visible_to_bidders,
                file_name,
                html: md.as_deref().map(crate::markdown::render),
                markdown: md,
                diff,
            });
        }
        out.reverse();
        let (may_edit, nvi_rounds) = editing(&st, &ok).await?;
        Ok(DocumentData { tender: id, id: d.id, title: d.title, kind: d.kind, versions: out, may_edit, nvi_rounds })
    })
    .await
}

/// Writes a Markdown document: a new one (no `doc`) or a new version.
#[server(endpoint = "save_markdown_document")]
pub async fn save_markdown_document(
    id: i32,
    doc: Option<i32>,
    titel: Option<String>,
    tekst: String,
    toelichting: Option<String>,
    nvi: Option<i32>,
) -> Result<i32, AppError> {
    use super::guard;
    use crate::domain::access::Action;
    use crate::store::documents::{self, NewVersion};
    guard::run(async move {
        let ok = match guard::require(id, Action::EditDocuments).await {
            Ok(ok) => ok,
            Err(AppError::Forbidden(_)) => guard::require(id, Action::ManageNvi).await?,
            Err(e) => return Err(e),
        };
        let st = guard::state()?;
        let tx = st.db.write().await?;
        let t = crate::store::procedure::reload(&tx.txn, id).await?;
        let phase = crate::store::procedure::phase_of(&t);
        let now = st.clock.now();
        let nv = NewVersion { body_md: Some(tekst), file: None, note: toelichting.unwrap_or_default(), nvi };
        let doc_id = match doc {
            Some(d) => {
                let d = documents::get(&tx.txn, id, d).await?;
                documents::add_version(&tx, now, id, phase, ok.actor(), &d, nv).await?;
                d.id
            }
            None => {
                let title = titel.unwrap_or_default();
                documents::create(&tx, now, id, phase, ok.actor(), &title, "markdown", nv).await?.id
            }
        };
        tx.commit().await?;
        Ok(doc_id)
    })
    .await
}
