//! Bids sealed by cryptography. Each key holder has a sealing key of their
//! own, its private half kept only wrapped under a key derived from their
//! passphrase. At publication a tender gets an envelope key pair; its private
//! key is split (two of n) into shares, each sealed to a holder's public key,
//! and then forgotten. Parts are stored sealed to the envelope key until the
//! opening; a stored file says which envelope key sealed it.

use super::m20260201_000001_procedure::{a, fk, index, unique};
use super::m20261201_000001_administration::add;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(a("sealing_keys"))
                .col(pk_auto(a("id")))
                .col(integer(a("user_id")))
                .col(string(a("public_key")))
                .col(text(a("wrapped_private")))
                .col(string(a("wrap_public")))
                .col(string(a("kdf_salt")))
                .col(string(a("kdf_params")))
                .col(timestamp_with_time_zone(a("created_at")))
                .foreign_key(&mut fk("sealing_keys", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        unique(m, "sealing_keys", &["user_id"]).await?;

        m.create_table(
            Table::create()
                .table(a("envelope_keys"))
                .col(pk_auto(a("id")))
                .col(integer(a("tender_id")))
                .col(string(a("envelopes")))
                .col(string(a("public_key")))
                .col(string(a("fingerprint")))
                .col(text(a("test_envelope")))
                .col(string(a("test_digest")))
                .col(timestamp_with_time_zone(a("created_at")))
                .col(timestamp_with_time_zone_null(a("opened_at")))
                .foreign_key(&mut fk("envelope_keys", "tender_id", "tenders"))
                .to_owned(),
        )
        .await?;
        index(m, "envelope_keys", &["tender_id"]).await?;

        m.create_table(
            Table::create()
                .table(a("key_shares"))
                .col(pk_auto(a("id")))
                .col(integer(a("envelope_key_id")))
                .col(integer(a("user_id")))
                .col(string(a("holder_public_key")))
                .col(text(a("sealed_share")))
                .col(string(a("share_digest")))
                .col(timestamp_with_time_zone_null(a("proved_at")))
                .foreign_key(&mut fk("key_shares", "envelope_key_id", "envelope_keys"))
                .foreign_key(&mut fk("key_shares", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        unique(m, "key_shares", &["envelope_key_id", "user_id"]).await?;

        // A share handed on by the holder who started an opening (or a
        // rehearsal), sealed to each other holder: the second holder's
        // passphrase completes it, the server alone never can.
        m.create_table(
            Table::create()
                .table(a("key_relays"))
                .col(pk_auto(a("id")))
                .col(integer(a("envelope_key_id")))
                .col(string(a("purpose")))
                .col(integer(a("started_by")))
                .col(timestamp_with_time_zone(a("started_at")))
                .col(integer(a("for_user")))
                .col(text(a("sealed_share")))
                .foreign_key(&mut fk("key_relays", "envelope_key_id", "envelope_keys"))
                .to_owned(),
        )
        .await?;
        index(m, "key_relays", &["envelope_key_id"]).await?;

        add(m, "files", integer_null(a("sealed_by"))).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(a("files")).drop_column(a("sealed_by")).to_owned()).await?;
        for t in ["key_relays", "key_shares", "envelope_keys", "sealing_keys"] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
