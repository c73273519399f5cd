//! E-mail that leaves: each outbox row gets the tender it belongs to (so the
//! tender's inkopers see its delivery), a token for its Message-ID (a retry
//! is the same message, not a second one) and its delivery state: attempts,
//! when the next attempt is due (also the lease of the relay that claimed
//! it), the last error, and when it failed for good.

use super::m20260201_000001_procedure::{a, index};
use super::m20261201_000001_administration::add;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        add(m, "outbox", integer_null(a("tender_id"))).await?;
        add(m, "outbox", string_null(a("message_token"))).await?;
        add(m, "outbox", integer(a("attempts")).default(0).to_owned()).await?;
        add(m, "outbox", timestamp_with_time_zone_null(a("next_attempt_at"))).await?;
        add(m, "outbox", text_null(a("last_error"))).await?;
        add(m, "outbox", timestamp_with_time_zone_null(a("failed_at"))).await?;
        index(m, "outbox", &["sent_at", "failed_at"]).await?;
        index(m, "outbox", &["tender_id"]).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in ["idx_outbox_sent_at_failed_at", "idx_outbox_tender_id"] {
            m.drop_index(Index::drop().name(name).table(a("outbox")).to_owned()).await?;
        }
        for col in ["failed_at", "last_error", "next_attempt_at", "attempts", "message_token", "tender_id"] {
            m.alter_table(Table::alter().table(a("outbox")).drop_column(a(col)).to_owned()).await?;
        }
        Ok(())
    }
}
