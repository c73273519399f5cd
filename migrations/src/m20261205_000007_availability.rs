//! Dialoog's own availability, as evidence for an outage near a deadline.
//! Each running instance keeps one row per uninterrupted run and moves its
//! `last_beat_at` forward every few seconds; a gap between runs is time
//! nobody could reach the platform. Every upload of a bid part that failed
//! on the platform's side or was cut off is kept with its instant and the
//! organisation it was for.

use super::m20260201_000001_procedure::{a, fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("availability_runs"))
                .col(pk_auto(a("id")))
                .col(string(a("instance")))
                .col(timestamp_with_time_zone(a("started_at")))
                .col(timestamp_with_time_zone(a("last_beat_at")))
                .to_owned(),
        )
        .await?;
        index(m, "availability_runs", &["last_beat_at"]).await?;

        m.create_table(
            Table::create()
                .table(a("upload_failures"))
                .col(pk_auto(a("id")))
                .col(integer(a("tender_id")))
                .col(integer(a("organisation_id")))
                .col(integer(a("user_id")))
                .col(timestamp_with_time_zone(a("at")))
                .col(string(a("reason")))
                .col(big_integer(a("received_bytes")))
                .foreign_key(&mut fk("upload_failures", "tender_id", "tenders"))
                .foreign_key(&mut fk("upload_failures", "organisation_id", "organisations"))
                .foreign_key(&mut fk("upload_failures", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        index(m, "upload_failures", &["tender_id", "at"]).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["upload_failures", "availability_runs"] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
