//! Operations shared by server functions, routes and the CLI.

use crate::error::AppError;
use crate::store::checkpoint::Anchor;
use crate::store::op::Scope;
use crate::store::{audit, Event, Op, Subject};

/// Writes a signed checkpoint of the whole log: first an audit event that says
/// so (in `op`), then the checkpoint that covers it, stored while the write
/// lock is still held so no later append can precede it.
pub async fn checkpoint_now<S: Scope>(mut op: Op<S>, anchor: &Anchor) -> Result<u64, AppError> {
    let size_before = audit::size(op.txn()).await?;
    op.record(Event::Checkpoint { subject: Subject::Audit, grootte_voor: size_before.to_string() }).await?;
    // Root and size are read inside the operation that holds the write lock.
    let size = audit::size(op.txn()).await?;
    let root = audit::root_at(op.txn(), size).await?;
    op.commit_then(|| anchor.write(size, root)).await?.map_err(|e| {
        tracing::error!(error = %e, "checkpoint not written");
        AppError::Internal
    })?;
    Ok(size)
}
