//! tower-sessions store backed by the application database, so sessions survive a
//! restart and are shared by several server processes.

use super::entities::sessions;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

#[derive(Clone, Debug)]
pub struct DbSessionStore {
    conn: DatabaseConnection,
}

impl DbSessionStore {
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }

    /// Removes expired sessions; returns how many.
    pub async fn delete_expired(&self, now: DateTime<Utc>) -> Result<u64, sea_orm::DbErr> {
        Ok(sessions::Entity::delete_many()
            .filter(sessions::Column::ExpiresAt.lt(now))
            .exec(&self.conn)
            .await?
            .rows_affected)
    }
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn to_chrono(t: time::OffsetDateTime) -> DateTime<Utc> {
    DateTime::from_timestamp(t.unix_timestamp(), t.nanosecond()).unwrap_or_default()
}

#[async_trait]
impl SessionStore for DbSessionStore {
    /// A new session: inserted only under an id nobody has, drawing a new id
    /// until it is unique (an existing session is never overwritten).
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        loop {
            let inserted = sessions::Entity::insert(sessions::ActiveModel {
                id: Set(record.id.to_string()),
                data: Set(data.clone()),
                expires_at: Set(to_chrono(record.expiry_date)),
            })
            .on_conflict(OnConflict::column(sessions::Column::Id).do_nothing().to_owned())
            .exec_without_returning(&self.conn)
            .await
            .map_err(backend)?;
            if inserted == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        sessions::Entity::insert(sessions::ActiveModel {
            id: Set(record.id.to_string()),
            data: Set(data),
            expires_at: Set(to_chrono(record.expiry_date)),
        })
        .on_conflict(
            OnConflict::column(sessions::Column::Id)
                .update_columns([sessions::Column::Data, sessions::Column::ExpiresAt])
                .to_owned(),
        )
        .exec(&self.conn)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        let row = sessions::Entity::find_by_id(session_id.to_string())
            .filter(sessions::Column::ExpiresAt.gt(Utc::now()))
            .one(&self.conn)
            .await
            .map_err(backend)?;
        match row {
            None => Ok(None),
            Some(r) => {
                let data = serde_json::from_str(&r.data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
                let expiry_date = time::OffsetDateTime::from_unix_timestamp(r.expires_at.timestamp())
                    .map_err(|e| session_store::Error::Decode(e.to_string()))?;
                Ok(Some(Record { id: *session_id, data, expiry_date }))
            }
        }
    }

    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        sessions::Entity::delete_by_id(session_id.to_string())
            .exec(&self.conn)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
