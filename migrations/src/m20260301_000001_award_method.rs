//! The published award method of a tender (criteria, scales, price method,
//! tie-break) as canonical JSON: edited before publication, frozen by it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tenders {
    Table,
    AwardMethod,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Tenders::Table).add_column(text_null(Tenders::AwardMethod)).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Tenders::Table).drop_column(Tenders::AwardMethod).to_owned()).await
    }
}
