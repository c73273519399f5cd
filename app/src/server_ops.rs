//! Operations shared by server functions, routes and the CLI.

use crate::domain::access::Role;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::audit::{self, Actor, NewEvent};
use crate::store::entities::users;
use serde_json::json;

/// Writes a signed checkpoint of the whole log: first an audit event that says
/// so (in its own transaction), then the checkpoint that covers it.
pub async fn checkpoint_now(st: &AppState, by: Option<(&users::Model, Role, i32)>) -> Result<u64, AppError> {
    let now = st.clock.now();
    let tx = st.db.write().await?;
    let actor = match by {
        Some((u, r, _)) => Actor { id: u.pseudonym.clone(), role: r.code().into() },
        None => Actor::system(),
    };
    let size_before = audit::size(&tx.txn).await?;
    audit::append(&tx, now, NewEvent {
        tender: by.map(|b| b.2),
        actor,
        action: "audit.checkpoint",
        subject: "audit".into(),
        payload: json!({ "grootte_voor": size_before.to_string() }),
    })
    .await?;
    // Root and size are read inside the transaction that holds the write lock,
    // so no other append can slip in between.
    let size = audit::size(&tx.txn).await?;
    let root = audit::root_at(&tx.txn, size).await?;
    tx.commit().await?;
    st.anchor.write(size, root).map_err(|e| {
        eprintln!("controlepunt niet geschreven: {e}");
        AppError::Internal
    })?;
    Ok(size)
}
