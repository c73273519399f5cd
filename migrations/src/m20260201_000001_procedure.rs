//! The procedure: calendar, documents and their versions, stored files,
//! bidding organisations, Nota van Inlichtingen rounds and questions, dialogue
//! rounds, messages and the e-mail outbox, bids with their parts and receipts,
//! and the four-eyes opening.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

pub(crate) fn a(s: &str) -> Alias {
    Alias::new(s)
}

pub(crate) fn fk(table: &str, col: &str, to: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(a(table), a(col)).to(a(to), a("id")).to_owned()
}

pub(crate) async fn unique(m: &SchemaManager<'_>, table: &str, cols: &[&str]) -> Result<(), DbErr> {
    let mut idx = Index::create();
    idx.name(format!("uq_{table}_{}", cols.join("_"))).table(a(table)).unique();
    for c in cols {
        idx.col(a(c));
    }
    m.create_index(idx.to_owned()).await
}

pub(crate) async fn index(m: &SchemaManager<'_>, table: &str, cols: &[&str]) -> Result<(), DbErr> {
    let mut idx = Index::create();
    idx.name(format!("idx_{table}_{}", cols.join("_"))).table(a(table));
    for c in cols {
        idx.col(a(c));
    }
    m.create_index(idx.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for col in ["published_at", "submission_deadline", "submission_closed_at", "award_planned", "signing_planned"] {
            m.alter_table(Table::alter().table(a("tenders")).add_column(timestamp_with_time_zone_null(a(col))).to_owned())
                .await?;
        }
        m.alter_table(Table::alter().table(a("tenders")).add_column(string_null(a("suspended_phase"))).to_owned()).await?;
        m.alter_table(Table::alter().table(a("tenders")).add_column(text_null(a("phase_note"))).to_owned()).await?;

        m.create_table(
            Table::create()
                .table(a("files"))
                .col(pk_auto(a("id")))
                .col(string_len(a("sha256"), 64))
                .col(big_integer(a("size")))
                .col(string(a("original_name")))
                .col(string(a("media_type")))
                .col(timestamp_with_time_zone(a("created_at")))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("documents"))
                .col(pk_auto(a("id")))
                .col(integer(a("tender_id")))
                .col(string(a("title")))
                .col(string(a("kind")))
                .col(integer(a("position")))
                .col(timestamp_with_time_zone(a("created_at")))
                .foreign_key(&mut fk("documents", "tender_id", "tenders"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("document_versions"))
                .col(pk_auto(a("id")))
                .col(integer(a("document_id")))
                .col(integer(a("version")))
                .col(text_null(a("body_md")))
                .col(integer_null(a("file_id")))
                .col(string_len(a("sha256"), 64))
                .col(big_integer(a("size")))
                .col(string(a("note")))
                .col(integer_null(a("nvi_id")))
                .col(string(a("author")))
                .col(timestamp_with_time_zone(a("created_at")))
                .foreign_key(&mut fk("document_versions", "document_id", "documents"))
                .foreign_key(&mut fk("document_versions", "file_id", "files"))
                .to_owned(),
        )
        .await?;
        unique(m, "document_versions", &["document_id", "version"]).await?;

        m.create_table(
            Table::create()
                .table(a("organisations"))
                .col(pk_auto(a("id")))
                .col(string_len_uniq(a("kvk"), 8))
                .col(string(a("name")))
                .col(string(a("address")))
                .col(string(a("postcode")))
                .col(string(a("place")))
                .col(timestamp_with_time_zone(a("created_at")))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("organisation_members"))
                .col(pk_auto(a("id")))
                .col(integer(a("organisation_id")))
                .col(integer_uniq(a("user_id")))
                .col(string(a("email")))
                .col(string(a("phone")))
                .col(boolean(a("contact")))
                .col(timestamp_with_time_zone(a("created_at")))
                .foreign_key(&mut fk("organisation_members", "organisation_id", "organisations"))
                .foreign_key(&mut fk("organisation_members", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("tender_bidders"))
                .col(pk_auto(a("id")))
                .col(integer(a("tender_id")))
                .col(integer(a("organisation_id")))
                .col(string(a("status")))
                .col(timestamp_with_time_zone(a("registered_at")))
                .foreign_key(&mut fk("tender_bidders", "tender_id", "tenders"))
                .foreign_key(&mut fk("tender_bidders", "organisation_id", "organisations"))
                .to_owned(),
        )
        .await?;
        unique(m, "tender_bidders", &["tender_id", "organisation_id"]).await?;

        m.create_table(
            Table::create()
                .table(a("nvi_rounds"))
                .col(pk_auto(a("id")))
                .col(integer(a("tender_id")))
                .col(string(a("title")))
                .col(timestamp_with_time_zone(a("question_deadline")))
                .col(timestamp_with_time_zone_null(a("closed_at")))
                .col(integer_null(a("number")))
                .col(timestamp_with_time_zone_null(a("published_at")))
                .col(text(a("intro_md")))
                .col(timestamp_with_time_zone_null(a("new_submission_deadline")))
                .col(timestamp_with_time_zone(a("created_at")))
                .foreign_key(&mut fk("nvi_rounds", "tender_id", "tenders"))
                .to_owned(),
        )
        .await?;
        unique(m, "nvi_rounds", &["tender_id", "number"]).await?;
        m.create_table(
            Table::create()
                .table(a("questions"))
                .col(pk_auto(a("id")))
                .col(integer(a("tender_id")))
                .col(integer(a("round_id")))
                .col(integer_null(a("organisation_id")))
                .col(integer_null(a("asked_by")))
                .col(string(a("reference")))
                .col(text(a("body")))
                .col(timestamp_with_time_zone(a("asked_at")))
                .col(text_null(a("answer_md")))
                .col(integer_null(a("merged_into")))
                .foreign_key(&mut fk("questions", "round_id", "nvi_rounds"))
                .foreign_key(&mut fk("questions", "organisation_id", "organisations"))
                .to_owned(),
        )
        .await?;
        index(m, "questions", &["round_id"]).await?;

        m.create_table(
            Table::create()
                .table(a("messages"))
                .col(pk_auto(a("id")))
                .col(integer_null(a("tender_id")))
                .col(integer_null(a("organisation_id")))
                .col(integer_null(a("user_id")))
                .col(string(a("subject")))
                .col(text(a("body_md")))
                .col(string_null(a("link")))
                .col(timestamp_with_time_zone(a("created_at")))
                .to_owned(),
        )
        .await?;
        index(m, "messages", &["organisation_id"]).await?;
        m.create_table(
            Table::create()
                .table(a("outbox"))
                .col(pk_auto(a("id")))
                .col(string(a("to_address")))
                .col(string(a("subject")))
                .col(text(a("body")))
                .col(timestamp_with_time_zone(a("created_at")))
                .col(timestamp_with_time_zone_null(a("sent_at")))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("dialogue_rounds"))
                .col(pk_auto(a("id")))
                .col(integer(a("tender_id")))
                .col(integer(a("number")))
                .col(string(a("title")))
                .col(text(a("themes_md")))
                .col(string(a("status")))
                .col(text_null(a("outcome_md")))
                .col(timestamp_with_time_zone_null(a("closed_at")))
                .col(timestamp_with_time_zone(a("created_at")))
                .foreign_key(&mut fk("dialogue_rounds", "tender_id", "tenders"))
                .to_owned(),
        )
        .await?;
        unique(m, "dialogue_rounds", &["tender_id", "number"]).await?;
        m.create_table(
            Table::create()
                .table(a("dialogue_slots"))
                .col(pk_auto(a("id")))
                .col(integer(a("round_id")))
                .col(timestamp_with_time_zone(a("starts_at")))
                .col(timestamp_with_time_zone(a("ends_at")))
                .col(string(a("location")))
                .col(integer_null(a("organisation_id")))
                .col(timestamp_with_time_zone_null(a("booked_at")))
                .col(text_null(a("minutes_md")))
                .col(timestamp_with_time_zone_null(a("minutes_at")))
                .col(string(a("minutes_status")))
                .col(text_null(a("minutes_comment")))
                .foreign_key(&mut fk("dialogue_slots", "round_id", "dialogue_rounds"))
                .foreign_key(&mut fk("dialogue_slots", "organisation_id", "organisations"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("bid_part_defs"))
                .col(pk_auto(a("id")))
                .col(integer(a("tender_id")))
                .col(integer(a("envelope")))
                .col(string(a("name")))
                .col(text(a("description")))
                .col(string(a("kind")))
                .col(boolean(a("required")))
                .col(big_integer(a("max_bytes")))
                .col(integer(a("position")))
                .foreign_key(&mut fk("bid_part_defs", "tender_id", "tenders"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("bids"))
                .col(pk_auto(a("id")))
                .col(integer(a("tender_id")))
                .col(integer(a("organisation_id")))
                .col(string(a("status")))
                .col(timestamp_with_time_zone_null(a("submitted_at")))
                .col(timestamp_with_time_zone_null(a("withdrawn_at")))
                .col(integer(a("submissions")))
                .col(timestamp_with_time_zone(a("created_at")))
                .foreign_key(&mut fk("bids", "tender_id", "tenders"))
                .foreign_key(&mut fk("bids", "organisation_id", "organisations"))
                .to_owned(),
        )
        .await?;
        unique(m, "bids", &["tender_id", "organisation_id"]).await?;
        m.create_table(
            Table::create()
                .table(a("bid_parts"))
                .col(pk_auto(a("id")))
                .col(integer(a("bid_id")))
                .col(integer(a("part_def_id")))
                .col(integer_null(a("file_id")))
                .col(text_null(a("form_text")))
                .col(string_len(a("sha256"), 64))
                .col(big_integer(a("size")))
                .col(timestamp_with_time_zone(a("uploaded_at")))
                .foreign_key(&mut fk("bid_parts", "bid_id", "bids"))
                .foreign_key(&mut fk("bid_parts", "part_def_id", "bid_part_defs"))
                .foreign_key(&mut fk("bid_parts", "file_id", "files"))
                .to_owned(),
        )
        .await?;
        unique(m, "bid_parts", &["bid_id", "part_def_id"]).await?;
        m.create_table(
            Table::create()
                .table(a("receipts"))
                .col(pk_auto(a("id")))
                .col(integer(a("bid_id")))
                .col(integer(a("user_id")))
                .col(string(a("idempotency_key")))
                .col(string_len(a("request_hash"), 64))
                .col(big_integer(a("seq")))
                .col(text(a("body")))
                .col(timestamp_with_time_zone(a("created_at")))
                .foreign_key(&mut fk("receipts", "bid_id", "bids"))
                .to_owned(),
        )
        .await?;
        unique(m, "receipts", &["user_id", "idempotency_key"]).await?;

        m.create_table(
            Table::create()
                .table(a("openings"))
                .col(pk_auto(a("id")))
                .col(integer(a("tender_id")))
                .col(integer(a("started_by")))
                .col(timestamp_with_time_zone(a("started_at")))
                .col(integer_null(a("confirmed_by")))
                .col(timestamp_with_time_zone_null(a("confirmed_at")))
                .col(text_null(a("record")))
                .foreign_key(&mut fk("openings", "tender_id", "tenders"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("de proceduremigratie kan niet worden teruggedraaid".into()))
    }
}
