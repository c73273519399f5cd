//! The evaluation and what follows it: the panel of evaluators with their
//! conflict-of-interest declarations, pseudonymised plans, identification
//! flags, individual and consensus scores, the evaluation's state (pseudonym
//! commitment, consensus, result, lot), the award letters, objections, the
//! standstill on the tender, and decisions on the contract's options.

use super::m20260201_000001_procedure::{a, fk, index, unique};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        m.alter_table(Table::alter().table(a("tenders")).add_column(integer(a("standstill_days")).default(20)).to_owned()).await?;
        m.alter_table(Table::alter().table(a("tenders")).add_column(boolean(a("standstill_weekend")).default(false)).to_owned())
            .await?;
        for col in ["letters_sent_at", "standstill_ends_at"] {
            m.alter_table(Table::alter().table(a("tenders")).add_column(timestamp_with_time_zone_null(a(col))).to_owned()).await?;
        }

        m.create_table(
            Table::create()
                .table(a("evaluators"))
                .col(pk_auto(a("id")))
                .col(integer(a("tender_id")))
                .col(integer(a("user_id")))
                .col(boolean(a("chair")))
                .col(string(a("status")))
                .col(timestamp_with_time_zone(a("appointed_at")))
                .col(string(a("appointed_by")))
                .col(timestamp_with_time_zone_null(a("declaration_at")))
                .col(text_null(a("declaration_interests")))
                .col(string(a("check_status")))
                .col(text_null(a("check_note")))
                .col(timestamp_with_time_zone_null(a("checked_at")))
                .col(string_null(a("checked_by")))
                .col(timestamp_with_time_zone_null(a("replaced_at")))
                .col(text_null(a("replaced_reason")))
                .col(timestamp_with_time_zone_null(a("sheet_locked_at")))
                .foreign_key(&mut fk("evaluators", "tender_id", "tenders"))
                .foreign_key(&mut fk("evaluators", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        unique(m, "evaluators", &["tender_id", "user_id"]).await?;

        m.create_table(
            Table::create()
                .table(a("eval_plans"))
                .col(pk_auto(a("id")))
                .col(integer(a("tender_id")))
                .col(integer(a("bid_id")))
                .col(string(a("pseudonym")))
                .col(string(a("status")))
                .col(text_null(a("status_note")))
                .col(timestamp_with_time_zone(a("created_at")))
                .foreign_key(&mut fk("eval_plans", "tender_id", "tenders"))
                .foreign_key(&mut fk("eval_plans", "bid_id", "bids"))
                .to_owned(),
        )
        .await?;
        unique(m, "eval_plans", &["tender_id", "bid_id"]).await?;
        unique(m, "eval_plans", &["tender_id", "pseudonym"]).await?;

        m.create_table(
            Table::create()
                .table(a("eval_flags"))
                .col(pk_auto(a("id")))
                .col(integer(a("tender_id")))
                .col(integer(a("plan_id")))
                .col(integer_null(a("raised_by")))
                .col(text(a("note")))
                .col(timestamp_with_time_zone(a("raised_at")))
                .col(string(a("decision")))
                .col(text_null(a("decision_note")))
                .col(timestamp_with_time_zone_null(a("decided_at")))
                .col(string_null(a("decided_by")))
                .foreign_key(&mut fk("eval_flags", "plan_id", "eval_plans"))
                .to_owned(),
        )
        .await?;
        index(m, "eval_flags", &["tender_id"]).await?;

        m.create_table(
            Table::create()
                .table(a("eval_scores"))
                .col(pk_auto(a("id")))
                .col(integer(a("evaluator_id")))
                .col(integer(a("plan_id")))
                .col(string(a("criterion")))
                .col(integer(a("level")))
                .col(text(a("motivation")))
                .col(timestamp_with_time_zone(a("updated_at")))
                .foreign_key(&mut fk("eval_scores", "evaluator_id", "evaluators"))
                .foreign_key(&mut fk("eval_scores", "plan_id", "eval_plans"))
                .to_owned(),
        )
        .await?;
        unique(m, "eval_scores", &["evaluator_id", "plan_id", "criterion"]).await?;

        m.create_table(
            Table::create()
                .table(a("consensus_scores"))
                .col(pk_auto(a("id")))
                .col(integer(a("tender_id")))
                .col(integer(a("plan_id")))
                .col(string(a("criterion")))
                .col(integer(a("level")))
                .col(text(a("motivation")))
                .col(text_null(a("justification")))
                .col(timestamp_with_time_zone(a("recorded_at")))
                .col(string(a("recorded_by")))
                .foreign_key(&mut fk("consensus_scores", "plan_id", "eval_plans"))
                .to_owned(),
        )
        .await?;
        unique(m, "consensus_scores", &["plan_id", "criterion"]).await?;

        m.create_table(
            Table::create()
                .table(a("evaluations"))
                .col(pk_auto(a("id")))
                .col(integer(a("tender_id")))
                .col(string(a("pseudonym_salt")))
                .col(string(a("pseudonym_commitment")))
                .col(timestamp_with_time_zone_null(a("consensus_opened_at")))
                .col(timestamp_with_time_zone_null(a("consensus_locked_at")))
                .col(string_null(a("locked_by")))
                .col(text_null(a("result")))
                .col(text_null(a("lot")))
                .col(text(a("advantages_md")))
                .col(timestamp_with_time_zone(a("created_at")))
                .foreign_key(&mut fk("evaluations", "tender_id", "tenders"))
                .to_owned(),
        )
        .await?;
        unique(m, "evaluations", &["tender_id"]).await?;

        m.create_table(
            Table::create()
                .table(a("award_letters"))
                .col(pk_auto(a("id")))
                .col(integer(a("tender_id")))
                .col(integer(a("bid_id")))
                .col(integer(a("organisation_id")))
                .col(text(a("note_md")))
                .col(text_null(a("body_md")))
                .col(string_null(a("sha256")))
                .col(timestamp_with_time_zone_null(a("sent_at")))
                .col(timestamp_with_time_zone_null(a("read_at")))
                .foreign_key(&mut fk("award_letters", "bid_id", "bids"))
                .to_owned(),
        )
        .await?;
        unique(m, "award_letters", &["tender_id", "bid_id"]).await?;

        m.create_table(
            Table::create()
                .table(a("objections"))
                .col(pk_auto(a("id")))
                .col(integer(a("tender_id")))
                .col(string(a("kind")))
                .col(string(a("filed_by")))
                .col(timestamp_with_time_zone(a("received_at")))
                .col(text(a("description")))
                .col(timestamp_with_time_zone(a("registered_at")))
                .col(string(a("registered_by")))
                .col(string_null(a("outcome")))
                .col(text_null(a("outcome_note")))
                .col(timestamp_with_time_zone_null(a("decided_at")))
                .col(string_null(a("decided_by")))
                .foreign_key(&mut fk("objections", "tender_id", "tenders"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(a("contract_options"))
                .col(pk_auto(a("id")))
                .col(integer(a("tender_id")))
                .col(integer(a("number")))
                .col(string(a("decision")))
                .col(timestamp_with_time_zone(a("decided_at")))
                .col(string(a("decided_by")))
                .col(string(a("decision_ref")))
                .col(text(a("note")))
                .foreign_key(&mut fk("contract_options", "tender_id", "tenders"))
                .to_owned(),
        )
        .await?;
        unique(m, "contract_options", &["tender_id", "number"]).await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("de beoordelingsmigratie kan niet worden teruggedraaid".into()))
    }
}
