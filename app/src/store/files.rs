//! Stored files (documents and bid parts), content-addressed by SHA-256 under
//! the data directory. An upload streams to a temporary file while its hash is
//! computed, is fsynced, renamed into place and its directory fsynced before
//! anything refers to it; a failed or oversized upload leaves nothing behind.

use super::entities::files;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, Set};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

#[derive(Clone, Debug)]
pub struct FileStore {
    root: PathBuf,
}

/// Why an upload was not stored.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("Het bestand is groter dan de toegestane {limit}.")]
    TooLarge { limit: String },
    #[error("Het bestand is leeg.")]
    Empty,
    #[error("opslag: {0}")]
    Io(#[from] std::io::Error),
}

/// A file that is stored and durable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    pub sha256: String,
    pub size: u64,
}

/// "20 MB", "1,5 MB", "800 kB".
pub fn show_size(bytes: u64) -> String {
    const MB: u64 = 1_000_000;
    if bytes >= MB {
        let tenths = (bytes * 10 + MB / 2) / MB;
        if tenths.is_multiple_of(10) {
            format!("{} MB", tenths / 10)
        } else {
            format!("{},{} MB", tenths / 10, tenths % 10)
        }
    } else if bytes >= 1000 {
        format!("{} kB", (bytes + 500) / 1000)
    } else {
        format!("{bytes} bytes")
    }
}

impl FileStore {
    pub fn open(root: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(root.join("tmp"))?;
        Ok(Self { root: root.to_path_buf() })
    }

    pub fn path_of(&self, sha256: &str) -> PathBuf {
        self.root.join(&sha256[..2]).join(sha256)
    }

    /// Starts an upload of at most `limit` bytes.
    pub async fn begin(&self, limit: u64) -> std::io::Result<Upload> {
        let mut name = [0u8; 16];
        getrandom::fill(&mut name).map_err(|e| std::io::Error::other(e.to_string()))?;
        let tmp = self.root.join("tmp").join(hex::encode(name));
        let file = tokio::fs::OpenOptions::new().write(true).create_new(true).open(&tmp).await?;
        Ok(Upload { file: Some(file), tmp, hasher: Sha256::new(), size: 0, limit, root: self.root.clone() })
    }

    /// Reads a stored file (after access was checked by the caller).
    pub async fn open_read(&self, sha256: &str) -> std::io::Result<tokio::fs::File> {
        tokio::fs::File::open(self.path_of(sha256)).await
    }

    /// Stores bytes already in memory (small files, seeds).
    pub async fn put(&self, bytes: &[u8]) -> Result<Stored, UploadError> {
        let mut u = self.begin(u64::MAX).await?;
        u.write(bytes).await?;
        u.finish().await
    }
}

/// An upload in progress. Dropped without `finish`, its temporary file goes.
pub struct Upload {
    file: Option<tokio::fs::File>,
    tmp: PathBuf,
    hasher: Sha256,
    size: u64,
    limit: u64,
    root: PathBuf,
}

impl Upload {
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), UploadError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(UploadError::TooLarge { limit: show_size(self.limit) });
        }
        self.hasher.update(chunk);
        self.file.as_mut().expect("open until finished").write_all(chunk).await?;
        Ok(())
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Makes the file durable: fsync, rename into place, fsync the directory.
    pub async fn finish(mut self) -> Result<Stored, UploadError> {
        if self.size == 0 {
            return Err(UploadError::Empty);
        }
        let mut file = self.file.take().expect("open until finished");
        file.flush().await?;
        file.sync_all().await?;
        drop(file);
        let sha256 = hex::encode(std::mem::take(&mut self.hasher).finalize());
        let dir = self.root.join(&sha256[..2]);
        let target = dir.join(&sha256);
        let tmp = std::mem::take(&mut self.tmp);
        let size = self.size;
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            std::fs::create_dir_all(&dir)?;
            if target.exists() {
                // Same content already stored (content-addressed).
                std::fs::remove_file(&tmp)?;
            } else {
                std::fs::rename(&tmp, &target)?;
            }
            std::fs::File::open(&dir)?.sync_all()?;
            Ok(())
        })
        .await
        .map_err(|e| std::io::Error::other(e.to_string()))??;
        Ok(Stored { sha256, size })
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Records a stored file in the database.
pub async fn record<Sc: super::op::Scope>(
    op: &super::op::Op<Sc>,
    s: &Stored,
    original_name: &str,
    media_type: &str,
) -> Result<files::Model, DbErr> {
    files::ActiveModel {
        sha256: Set(s.sha256.clone()),
        size: Set(s.size as i64),
        original_name: Set(original_name.to_string()),
        media_type: Set(media_type.to_string()),
        created_at: Set(op.now()),
        ..Default::default()
    }
    .insert(op.txn())
    .await
}

pub async fn by_id<C: ConnectionTrait>(c: &C, id: crate::ids::FileId) -> Result<Option<files::Model>, DbErr> {
    files::Entity::find_by_id(id).one(c).await
}

/// Cleans a client-supplied file name: no directories, no control characters.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "bestand".into()
    } else {
        cleaned
    }
}

/// The extensions accepted for uploads, with their media types.
pub const ALLOWED: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ("txt", "text/plain"),
    ("zip", "application/zip"),
];

/// The extension for a stored media type (to name a file without its original name).
pub fn extension_for(media: &str) -> &'static str {
    ALLOWED.iter().find(|(_, m)| *m == media).map(|(e, _)| *e).unwrap_or("bin")
}

/// The media type for a file name, or a Dutch refusal.
pub fn media_type_for(name: &str) -> Result<&'static str, String> {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    ALLOWED.iter().find(|(e, _)| *e == ext).map(|(_, m)| *m).ok_or_else(|| {
        format!(
            "Dit bestandstype is niet toegestaan. Toegestaan: {}.",
            ALLOWED.iter().map(|(e, _)| format!(".{e}")).collect::<Vec<_>>().join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_upload_is_hashed_and_an_oversized_one_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let fs = FileStore::open(dir.path()).unwrap();
        let mut u = fs.begin(10).await.unwrap();
        u.write(b"hallo").await.unwrap();
        let s = u.finish().await.unwrap();
        assert_eq!(s.sha256, "d3751d33f9cd5049c4af2b462735457e4d3baf130bcbb87f389e349fbaeb20b9");
        assert_eq!(std::fs::read(fs.path_of(&s.sha256)).unwrap(), b"hallo");
        let mut big = fs.begin(4).await.unwrap();
        assert!(matches!(big.write(b"hallo").await, Err(UploadError::TooLarge { .. })));
        drop(big);
        assert_eq!(std::fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0, "no half file left");
    }

    #[test]
    fn names_and_sizes() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\Users\\x\\plan.pdf"), "plan.pdf");
        assert_eq!(clean_name(".."), "bestand");
        assert_eq!(show_size(20_000_000), "20 MB");
        assert_eq!(show_size(1_500_000), "1,5 MB");
        assert!(media_type_for("plan.PDF").is_ok());
        assert!(media_type_for("virus.exe").unwrap_err().contains("niet toegestaan"));
    }
}
