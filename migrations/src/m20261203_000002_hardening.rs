//! Closing holes: a session epoch per account (changing the password or
//! losing the second factor ends the account's other sessions), an expiry
//! for a one-time password, and the throttle of failed log-ins.

use super::m20260201_000001_procedure::{a, fk, index, unique};
use super::m20261201_000001_administration::add;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        add(m, "users", integer(a("session_epoch")).default(0).to_owned()).await?;
        add(m, "users", timestamp_with_time_zone_null(a("one_time_until"))).await?;
        // A suspension or its end asked by one inkoper, waiting for a second.
        add(m, "tenders", string_null(a("pending_phase"))).await?;
        add(m, "tenders", text_null(a("pending_reason"))).await?;
        add(m, "tenders", integer_null(a("pending_by"))).await?;
        add(m, "tenders", timestamp_with_time_zone_null(a("pending_at"))).await?;
        // Failed log-ins per typed user name (its SHA-256: existing or not).
        m.create_table(
            Table::create()
                .table(a("login_throttle"))
                .col(string(a("name_hash")).primary_key())
                .col(integer(a("failures")).default(0))
                .col(timestamp_with_time_zone_null(a("window_start")))
                .col(timestamp_with_time_zone_null(a("held_until")))
                .col(timestamp_with_time_zone(a("updated_at")))
                .to_owned(),
        )
        .await?;
        // Devices that completed a log-in to an account (a cookie holds the
        // token; only its SHA-256 is stored).
        m.create_table(
            Table::create()
                .table(a("trusted_devices"))
                .col(pk_auto(a("id")))
                .col(integer(a("user_id")))
                .col(string(a("token_hash")))
                .col(integer(a("failures")).default(0))
                .col(timestamp_with_time_zone(a("created_at")))
                .col(timestamp_with_time_zone(a("last_used_at")))
                .foreign_key(&mut fk("trusted_devices", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        unique(m, "trusted_devices", &["token_hash"]).await?;
        index(m, "trusted_devices", &["user_id"]).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["trusted_devices", "login_throttle"] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        for c in ["pending_at", "pending_by", "pending_reason", "pending_phase"] {
            m.alter_table(Table::alter().table(a("tenders")).drop_column(a(c)).to_owned()).await?;
        }
        for c in ["one_time_until", "session_epoch"] {
            m.alter_table(Table::alter().table(a("users")).drop_column(a(c)).to_owned()).await?;
        }
        Ok(())
    }
}
