//! Accounts, sessions, tenders with their buyers and scope, and the audit log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Username,
    DisplayName,
    PasswordHash,
    Pseudonym,
    Active,
    FailedLogins,
    LockedUntil,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    Data,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Tenders {
    Table,
    Id,
    Reference,
    Title,
    Phase,
    Training,
    SimulatedNow,
    PublicationPlanned,
    ContractStart,
    InitialEnd,
    OptionYears,
    NoticeMonths,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TenderRoles {
    Table,
    Id,
    TenderId,
    UserId,
    Role,
    Organisation,
}

#[derive(DeriveIden)]
enum TenderBuyers {
    Table,
    Id,
    TenderId,
    Slug,
    Name,
    Status,
    StatusSince,
}

#[derive(DeriveIden)]
enum TenderPartners {
    Table,
    Id,
    TenderId,
    Name,
}

#[derive(DeriveIden)]
enum TenderSchools {
    Table,
    Id,
    TenderId,
    SchoolType,
    Count,
    Name,
    Place,
    Pilot,
}

#[derive(DeriveIden)]
enum TenderProfiles {
    Table,
    Id,
    TenderId,
    Name,
    Note,
}

#[derive(DeriveIden)]
enum AuditHead {
    Table,
    Id,
    Seq,
    Hash,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Seq,
    Time,
    TenderId,
    Tseq,
    Actor,
    Role,
    Action,
    Subject,
    Hash,
    Entry,
}

#[derive(DeriveIden)]
enum AuditPayloads {
    Table,
    Seq,
    Salt,
    Payload,
    ErasedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(pk_auto(Users::Id))
                .col(string_uniq(Users::Username))
                .col(string(Users::DisplayName))
                .col(string(Users::PasswordHash))
                .col(string_uniq(Users::Pseudonym))
                .col(boolean(Users::Active))
                .col(integer(Users::FailedLogins))
                .col(timestamp_with_time_zone_null(Users::LockedUntil))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(string_len(Sessions::Id, 64).primary_key())
                .col(text(Sessions::Data))
                .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("idx_sessions_expires").table(Sessions::Table).col(Sessions::ExpiresAt).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Tenders::Table)
                .col(pk_auto(Tenders::Id))
                .col(string_uniq(Tenders::Reference))
                .col(string(Tenders::Title))
                .col(string(Tenders::Phase))
                .col(boolean(Tenders::Training))
                .col(timestamp_with_time_zone_null(Tenders::SimulatedNow))
                .col(timestamp_with_time_zone(Tenders::PublicationPlanned))
                .col(date(Tenders::ContractStart))
                .col(date(Tenders::InitialEnd))
                .col(string(Tenders::OptionYears))
                .col(integer(Tenders::NoticeMonths))
                .col(timestamp_with_time_zone(Tenders::CreatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(TenderRoles::Table)
                .col(pk_auto(TenderRoles::Id))
                .col(integer(TenderRoles::TenderId))
                .col(integer(TenderRoles::UserId))
                .col(string(TenderRoles::Role))
                .col(string_null(TenderRoles::Organisation))
                .foreign_key(ForeignKey::create().from(TenderRoles::Table, TenderRoles::TenderId).to(Tenders::Table, Tenders::Id))
                .foreign_key(ForeignKey::create().from(TenderRoles::Table, TenderRoles::UserId).to(Users::Table, Users::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_tender_roles")
                .table(TenderRoles::Table)
                .col(TenderRoles::TenderId)
                .col(TenderRoles::UserId)
                .col(TenderRoles::Role)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(TenderBuyers::Table)
                .col(pk_auto(TenderBuyers::Id))
                .col(integer(TenderBuyers::TenderId))
                .col(string(TenderBuyers::Slug))
                .col(string(TenderBuyers::Name))
                .col(string(TenderBuyers::Status))
                .col(timestamp_with_time_zone(TenderBuyers::StatusSince))
                .foreign_key(ForeignKey::create().from(TenderBuyers::Table, TenderBuyers::TenderId).to(Tenders::Table, Tenders::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_tender_buyers")
                .table(TenderBuyers::Table)
                .col(TenderBuyers::TenderId)
                .col(TenderBuyers::Slug)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(TenderPartners::Table)
                .col(pk_auto(TenderPartners::Id))
                .col(integer(TenderPartners::TenderId))
                .col(string(TenderPartners::Name))
                .foreign_key(ForeignKey::create().from(TenderPartners::Table, TenderPartners::TenderId).to(Tenders::Table, Tenders::Id))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(TenderSchools::Table)
                .col(pk_auto(TenderSchools::Id))
                .col(integer(TenderSchools::TenderId))
                .col(string(TenderSchools::SchoolType))
                .col(integer(TenderSchools::Count))
                .col(string_null(TenderSchools::Name))
                .col(string_null(TenderSchools::Place))
                .col(boolean(TenderSchools::Pilot))
                .foreign_key(ForeignKey::create().from(TenderSchools::Table, TenderSchools::TenderId).to(Tenders::Table, Tenders::Id))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(TenderProfiles::Table)
                .col(pk_auto(TenderProfiles::Id))
                .col(integer(TenderProfiles::TenderId))
                .col(string(TenderProfiles::Name))
                .col(string(TenderProfiles::Note))
                .foreign_key(ForeignKey::create().from(TenderProfiles::Table, TenderProfiles::TenderId).to(Tenders::Table, Tenders::Id))
                .to_owned(),
        )
        .await?;

        // One row: the log's length and last leaf hash. Every appending transaction
        // updates it first, which serialises appends on both databases.
        m.create_table(
            Table::create()
                .table(AuditHead::Table)
                .col(integer(AuditHead::Id).primary_key())
                .col(big_integer(AuditHead::Seq))
                .col(string_len(AuditHead::Hash, 64))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table(AuditHead::Table)
                .columns([AuditHead::Id, AuditHead::Seq, AuditHead::Hash])
                .values_panic([1.into(), 0i64.into(), "0".repeat(64).into()])
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditEvents::Table)
                .col(big_integer(AuditEvents::Seq).primary_key())
                .col(string(AuditEvents::Time))
                .col(integer_null(AuditEvents::TenderId))
                .col(big_integer_null(AuditEvents::Tseq))
                .col(string(AuditEvents::Actor))
                .col(string(AuditEvents::Role))
                .col(string(AuditEvents::Action))
                .col(string(AuditEvents::Subject))
                .col(string_len(AuditEvents::Hash, 64))
                .col(text(AuditEvents::Entry))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_audit_tender_seq")
                .table(AuditEvents::Table)
                .col(AuditEvents::TenderId)
                .col(AuditEvents::Tseq)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("idx_audit_action").table(AuditEvents::Table).col(AuditEvents::Action).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditPayloads::Table)
                .col(big_integer(AuditPayloads::Seq).primary_key())
                .col(string_len_null(AuditPayloads::Salt, 64))
                .col(text_null(AuditPayloads::Payload))
                .col(timestamp_with_time_zone_null(AuditPayloads::ErasedAt))
                .foreign_key(ForeignKey::create().from(AuditPayloads::Table, AuditPayloads::Seq).to(AuditEvents::Table, AuditEvents::Seq))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("de basismigratie kan niet worden teruggedraaid".into()))
    }
}
