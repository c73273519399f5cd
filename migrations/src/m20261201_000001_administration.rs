//! Running a real tender: account administration (the functioneel beheerder,
//! e-mail addresses, invitations, anonymisation), a second factor (TOTP with
//! recovery codes), and everything a tender's set-up needs beyond the seed
//! (description, procedure, CPV code, estimated value, schools with BRIN code
//! and gemeente, formation per profile, who appointed an evaluator).

use super::m20260201_000001_procedure::{a, fk, index, unique};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

pub(crate) async fn add(m: &SchemaManager<'_>, table: &str, mut col: ColumnDef) -> Result<(), DbErr> {
    // SQLite adds one column per ALTER TABLE.
    m.alter_table(Table::alter().table(a(table)).add_column(&mut col).to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        add(m, "users", string_null(a("email"))).await?;
        add(m, "users", boolean(a("beheerder")).default(false).to_owned()).await?;
        add(m, "users", boolean(a("creates_tenders")).default(false).to_owned()).await?;
        add(m, "users", timestamp_with_time_zone_null(a("anonymised_at"))).await?;
        add(m, "users", string_null(a("totp_secret"))).await?;
        add(m, "users", timestamp_with_time_zone_null(a("totp_enabled_at"))).await?;
        add(m, "users", big_integer_null(a("totp_last_step"))).await?;

        m.create_table(
            Table::create()
                .table(a("recovery_codes"))
                .col(pk_auto(a("id")))
                .col(integer(a("user_id")))
                .col(string(a("code_hash")))
                .col(timestamp_with_time_zone(a("created_at")))
                .col(timestamp_with_time_zone_null(a("used_at")))
                .foreign_key(&mut fk("recovery_codes", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        index(m, "recovery_codes", &["user_id"]).await?;

        m.create_table(
            Table::create()
                .table(a("invitations"))
                .col(pk_auto(a("id")))
                .col(integer(a("user_id")))
                .col(string(a("token_hash")))
                .col(integer_null(a("created_by")))
                .col(timestamp_with_time_zone(a("created_at")))
                .col(timestamp_with_time_zone(a("expires_at")))
                .col(timestamp_with_time_zone_null(a("used_at")))
                .col(timestamp_with_time_zone_null(a("revoked_at")))
                .foreign_key(&mut fk("invitations", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        unique(m, "invitations", &["token_hash"]).await?;
        index(m, "invitations", &["user_id"]).await?;

        m.create_table(
            Table::create()
                .table(a("tender_formation"))
                .col(pk_auto(a("id")))
                .col(integer(a("tender_id")))
                .col(string(a("profile")))
                .col(string(a("region")))
                .col(integer(a("current_fte")))
                .col(integer(a("extension_fte")))
                .foreign_key(&mut fk("tender_formation", "tender_id", "tenders"))
                .to_owned(),
        )
        .await?;
        index(m, "tender_formation", &["tender_id"]).await?;

        add(m, "tenders", text(a("description")).default("").to_owned()).await?;
        add(m, "tenders", string(a("procedure_kind")).default("sas-dialoog").to_owned()).await?;
        add(m, "tenders", string_null(a("cpv_code"))).await?;
        add(m, "tenders", big_integer_null(a("estimated_value_cents"))).await?;
        add(m, "tenders", integer_null(a("copied_from"))).await?;
        add(m, "tender_schools", string_null(a("brin"))).await?;
        add(m, "tender_schools", string_null(a("gemeente"))).await?;
        add(m, "evaluators", integer_null(a("appointed_by_user"))).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["tender_formation", "invitations", "recovery_codes"] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        for (t, c) in [
            ("evaluators", "appointed_by_user"),
            ("tender_schools", "gemeente"),
            ("tender_schools", "brin"),
            ("tenders", "copied_from"),
            ("tenders", "estimated_value_cents"),
            ("tenders", "cpv_code"),
            ("tenders", "procedure_kind"),
            ("tenders", "description"),
            ("users", "totp_last_step"),
            ("users", "totp_enabled_at"),
            ("users", "totp_secret"),
            ("users", "anonymised_at"),
            ("users", "creates_tenders"),
            ("users", "beheerder"),
            ("users", "email"),
        ] {
            m.alter_table(Table::alter().table(a(t)).drop_column(a(c)).to_owned()).await?;
        }
        Ok(())
    }
}
