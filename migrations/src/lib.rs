//! Dialoog's database schema: one migration set that runs on SQLite and PostgreSQL.
//! Migrations run at start-up; each change to the schema is a new migration.

pub use sea_orm_migration::prelude::*;

mod m20260101_000001_foundation;
mod m20260102_000001_password_change;
mod m20260201_000001_procedure;
mod m20260301_000001_award_method;
mod m20260302_000001_participation;
mod m20260401_000001_evaluation;
mod m20261201_000001_administration;
mod m20261203_000001_seeded_formation;
mod m20261203_000002_hardening;
mod m20261203_000003_file_keys;
mod m20261203_000004_kvk_claims;
mod m20261203_000005_sealing;
mod m20261204_000006_mail_delivery;
mod m20261205_000007_availability;
mod m20261205_000008_sealed_in;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20260101_000001_foundation::Migration),
            Box::new(m20260102_000001_password_change::Migration),
            Box::new(m20260201_000001_procedure::Migration),
            Box::new(m20260301_000001_award_method::Migration),
            Box::new(m20260302_000001_participation::Migration),
            Box::new(m20260401_000001_evaluation::Migration),
            Box::new(m20261201_000001_administration::Migration),
            Box::new(m20261203_000001_seeded_formation::Migration),
            Box::new(m20261203_000002_hardening::Migration),
            Box::new(m20261203_000003_file_keys::Migration),
            Box::new(m20261203_000004_kvk_claims::Migration),
            Box::new(m20261203_000005_sealing::Migration),
            Box::new(m20261204_000006_mail_delivery::Migration),
            Box::new(m20261205_000007_availability::Migration),
            Box::new(m20261205_000008_sealed_in::Migration),
        ]
    }
}
