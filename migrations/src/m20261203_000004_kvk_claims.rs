//! A KvK number is what a registrant claims, not a key: several registrations
//! may name the same number. A unique KvK number made registration an oracle
//! of which organisations use Dialoog (and let anyone squat a competitor's
//! number). The old unique column becomes an internal reference that is
//! unique per registration (its KvK number for older rows, random for new
//! ones); the KvK number moves to a column of its own, indexed, not unique.

use super::m20260201_000001_procedure::{a, index};
use super::m20261201_000001_administration::add;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// One connection and one transaction on both databases: on SQLite a
    /// second pooled connection would add the new column against a schema
    /// it had not reloaded since the rename ("duplicate column name").
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The same statement on SQLite (3.25 and later) and PostgreSQL.
        m.get_connection().execute_unprepared("ALTER TABLE organisations RENAME COLUMN kvk TO registration_ref").await?;
        add(m, "organisations", string_len(a("kvk"), 8).default("").to_owned()).await?;
        m.exec_stmt(Query::update().table(a("organisations")).value(a("kvk"), Expr::col(a("registration_ref"))).to_owned()).await?;
        index(m, "organisations", &["kvk"]).await
    }

    /// Back to one registration per KvK number: refused by the database
    /// while two registrations name the same number.
    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.exec_stmt(Query::update().table(a("organisations")).value(a("registration_ref"), Expr::col(a("kvk"))).to_owned()).await?;
        m.drop_index(Index::drop().name("idx_organisations_kvk").table(a("organisations")).to_owned()).await?;
        m.alter_table(Table::alter().table(a("organisations")).drop_column(a("kvk")).to_owned()).await?;
        m.get_connection().execute_unprepared("ALTER TABLE organisations RENAME COLUMN registration_ref TO kvk").await?;
        Ok(())
    }
}
