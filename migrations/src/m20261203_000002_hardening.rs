//! Closing holes: a session epoch per account (changing the password or
//! losing the second factor ends the account's other sessions), an expiry
//! for a one-time password, and the throttle of failed log-ins.

use super::m20260201_000001_procedure::a;
use super::m20261201_000001_administration::add;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        add(m, "users", integer(a("session_epoch")).default(0).to_owned()).await?;
        add(m, "users", timestamp_with_time_zone_null(a("one_time_until"))).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for c in ["one_time_until", "session_epoch"] {
            m.alter_table(Table::alter().table(a("users")).drop_column(a(c)).to_owned()).await?;
        }
        Ok(())
    }
}
