//! Per-gemeente participation details (the reason, decision and person of a
//! withdrawal or signature; schools and the published share key) and the
//! tender's share rule and budget.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TenderBuyers {
    Table,
    Schools,
    ShareKey,
    StatusReason,
    DecisionRef,
    StatusBy,
}

#[derive(DeriveIden)]
enum Tenders {
    Table,
    ShareRule,
    BudgetCents,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        let buyers = [
            integer(TenderBuyers::Schools).default(0).to_owned(),
            big_integer(TenderBuyers::ShareKey).default(0).to_owned(),
            text_null(TenderBuyers::StatusReason).to_owned(),
            string_null(TenderBuyers::DecisionRef).to_owned(),
            string_null(TenderBuyers::StatusBy).to_owned(),
        ];
        for mut c in buyers {
            m.alter_table(Table::alter().table(TenderBuyers::Table).add_column(&mut c).to_owned()).await?;
        }
        m.alter_table(Table::alter().table(Tenders::Table).add_column(string(Tenders::ShareRule).default("scholen")).to_owned())
            .await?;
        m.alter_table(Table::alter().table(Tenders::Table).add_column(big_integer_null(Tenders::BudgetCents)).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for c in [TenderBuyers::Schools, TenderBuyers::ShareKey, TenderBuyers::StatusReason, TenderBuyers::DecisionRef, TenderBuyers::StatusBy] {
            m.alter_table(Table::alter().table(TenderBuyers::Table).drop_column(c).to_owned()).await?;
        }
        for c in [Tenders::ShareRule, Tenders::BudgetCents] {
            m.alter_table(Table::alter().table(Tenders::Table).drop_column(c).to_owned()).await?;
        }
        Ok(())
    }
}
