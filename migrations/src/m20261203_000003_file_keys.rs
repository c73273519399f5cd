//! Each stored file under a random key of its own, no longer under the hash of
//! its content: a file name says nothing about what is in it, and a refused or
//! replaced upload can be removed without touching another row's file. Rows
//! stored before keep a null key and their file under its SHA-256.
//!
//! And the copy of a quality plan the evaluators are served, its document
//! metadata removed at the opening (the part keeps the file the bidder sent).

use super::m20260201_000001_procedure::a;
use super::m20261201_000001_administration::add;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        add(m, "files", string_null(a("storage_key"))).await?;
        add(m, "bid_parts", integer_null(a("served_file_id"))).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(a("bid_parts")).drop_column(a("served_file_id")).to_owned()).await?;
        m.alter_table(Table::alter().table(a("files")).drop_column(a("storage_key")).to_owned()).await
    }
}
