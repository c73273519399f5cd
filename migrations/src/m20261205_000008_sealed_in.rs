//! Where a sealed bid part was sealed: in the bidder's browser (the running
//! server never saw its plaintext) or on the server as it arrived.

use super::m20260201_000001_procedure::a;
use super::m20261201_000001_administration::add;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        add(m, "bid_parts", string_null(a("sealed_in"))).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(a("bid_parts")).drop_column(a("sealed_in")).to_owned()).await
    }
}
