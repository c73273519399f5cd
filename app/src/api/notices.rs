//! The notices for TenderNed (eForms) as the page shows them: for the
//! buyer's side (inkopers, waarnemers) in any phase.

use crate::error::AppError;
use crate::ids::TenderId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One business term of a notice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// The eForms business term ("BT-131").
    pub bt: String,
    pub label: String,
    pub value: String,
    /// Why the value is missing or uncertain, when it is.
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoticeView {
    pub file: String,
    pub code: String,
    pub subtype: u8,
    pub title: String,
    pub fields: Vec<Field>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoticesData {
    pub tender: TenderId,
    pub notices: Vec<NoticeView>,
    /// Notices still to come, with why.
    pub pending: Vec<(String, String)>,
}

#[server(endpoint = "notices_view")]
pub async fn notices_view(id: TenderId) -> Result<NoticesData, AppError> {
    use super::guard;
    guard::run(async move {
        let ok = guard::require(id, crate::domain::access::Action::ViewNotices).await?;
        let st = guard::state()?;
        let now = crate::store::clock::tender_now(&ok.tender, st.clock.now());
        let f = crate::ocds::facts_now(&st.db, &ok.tender, now).await?;
        let x = crate::eforms::extra(&st.db.conn, &f).await?;
        Ok(NoticesData {
            tender: id,
            notices: crate::eforms::notices(&f, &x)
                .into_iter()
                .map(|n| NoticeView { file: n.file, code: n.code, subtype: n.subtype, title: n.title, fields: n.fields })
                .collect(),
            pending: crate::eforms::pending(&f),
        })
    })
    .await
}
