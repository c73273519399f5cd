//! The formation of the seeded Jeugd- en Schoolteam VO tender as rows of its
//! own (it used to be a constant of the application), for databases seeded
//! before the formation became editable. A database seeded later writes these
//! rows itself, so the insert only runs for a seeded tender without any.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (profile, region, current, extension), in hundredths of an fte; frozen
/// here as the seed wrote them.
const SEEDED_FORMATION: [(&str, &str, i32, i32); 7] = [
    ("Jeugd- en Gezinscoach VO", "regio", 450, 0),
    ("Jeugd- en Gezinscoach VO", "Noord-Kennemerland", 0, 160),
    ("Jeugd- en Gezinscoach VO", "Midden-Kennemerland", 0, 100),
    ("Gedragswetenschapper VO-team", "regio", 44, 56),
    ("Gedragswetenschapper JGGZ-VO", "Noord-Kennemerland", 67, 78),
    ("Gedragswetenschapper JGGZ-VO", "Midden-Kennemerland", 33, 0),
    ("Preventief ambulant jeugdhulpverlener VO", "Noord-Kennemerland (5 pilotscholen)", 440, 0),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = m.get_connection();
        let backend = m.get_database_backend();
        for (profile, region, current, extension) in SEEDED_FORMATION {
            c.execute_raw(sea_orm_migration::sea_orm::Statement::from_sql_and_values(
                backend,
                match backend {
                    sea_orm_migration::sea_orm::DatabaseBackend::Postgres => {
                        "INSERT INTO tender_formation (tender_id, profile, region, current_fte, extension_fte) \
                         SELECT t.id, $1, $2, $3, $4 FROM tenders t WHERE t.reference = 'JST-VO-2023' \
                         AND NOT EXISTS (SELECT 1 FROM tender_formation f WHERE f.tender_id = t.id AND f.profile = $1 AND f.region = $2)"
                    }
                    _ => {
                        "INSERT INTO tender_formation (tender_id, profile, region, current_fte, extension_fte) \
                         SELECT t.id, ?1, ?2, ?3, ?4 FROM tenders t WHERE t.reference = 'JST-VO-2023' \
                         AND NOT EXISTS (SELECT 1 FROM tender_formation f WHERE f.tender_id = t.id AND f.profile = ?1 AND f.region = ?2)"
                    }
                },
                [profile.into(), region.into(), current.into(), extension.into()],
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        // The rows are the tender's data now; nothing to undo.
        Ok(())
    }
}
