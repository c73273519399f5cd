//! Tender documents: the list, one document with its history and diff, and
//! writing Markdown documents (file documents go through the upload route).

use crate::domain::status::DocumentKind;
use crate::error::AppError;
use crate::ids::{DocumentId, QuestionRoundId, TenderId, VersionId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocRow {
    pub id: DocumentId,
    pub title: String,
    pub kind: DocumentKind,
    pub version: i32,
    pub sha256: String,
    pub changed: String,
    /// Versions waiting for an unpublished NvI (staff only).
    pub pending: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocumentsData {
    pub tender: TenderId,
    pub docs: Vec<DocRow>,
    pub may_edit: bool,
    /// May change documents through an unpublished NvI: (round id, title).
    pub nvi_rounds: Vec<(QuestionRoundId, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VersionView {
    pub id: VersionId,
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
    pub tender: TenderId,
    pub id: DocumentId,
    pub title: String,
    pub kind: DocumentKind,
    /// Newest first.
    pub versions: Vec<VersionView>,
    pub may_edit: bool,
    pub nvi_rounds: Vec<(QuestionRoundId, String)>,
}

#[cfg(feature = "ssr")]
async fn editing(
    st: &crate::state::AppState,
    ok: &super::guard::Allowed,
) -> Result<(bool, Vec<(QuestionRoundId, String)>), AppError> {
    use crate::domain::access::Action;
    let phase = *ok.tender.phase;
    let direct = ok.may(Action::EditDocuments);
    let via_nvi = ok.may(Action::ManageNvi);
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
pub async fn documents_view(id: TenderId) -> Result<DocumentsData, AppError> {
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
                kind: *d.kind,
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
pub async fn document_view(id: TenderId, doc: DocumentId) -> Result<DocumentData, AppError> {
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
        Ok(DocumentData { tender: id, id: d.id, title: d.title, kind: *d.kind, versions: out, may_edit, nvi_rounds })
    })
    .await
}

/// Writes a Markdown document: a new one (no `doc`) or a new version.
#[server(endpoint = "save_markdown_document")]
pub async fn save_markdown_document(
    id: TenderId,
    doc: Option<DocumentId>,
    titel: Option<String>,
    tekst: String,
    toelichting: Option<String>,
    nvi: Option<QuestionRoundId>,
) -> Result<DocumentId, AppError> {
    use super::guard;
    use crate::domain::access::Action;
    use crate::store::documents::{self, NewVersion};
    guard::run(async move {
        let mut op = guard::op_any(id, &[Action::EditDocuments, Action::ManageNvi]).await?;
        let nv = NewVersion { body_md: Some(tekst), file: None, note: toelichting.unwrap_or_default(), nvi };
        let doc_id = match doc {
            Some(d) => {
                let d = documents::get(op.txn(), id, d).await?;
                documents::add_version(&mut op, &d, nv).await?;
                d.id
            }
            None => documents::create(&mut op, &titel.unwrap_or_default(), DocumentKind::Markdown, nv).await?.id,
        };
        op.commit().await?;
        Ok(doc_id)
    })
    .await
}
