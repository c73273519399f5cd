//! Stored files (documents and bid parts) under the data directory, each
//! under a random key of its own (`files/<key[..2]>/<key>`), never under the
//! hash of its content: the file name says nothing about what is in it, and a
//! refused or replaced upload is removed without touching another row's file.
//! An upload streams to a temporary file while its hash is computed, is
//! fsynced, renamed into place and its directory fsynced before anything
//! refers to it; a failed or oversized upload leaves nothing behind, and one
//! whose change is refused is removed ([`Pending`]). Files stored before keys
//! existed stay under their SHA-256.

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
    /// A part sealed in the browser that is not as long as its stated size
    /// makes it, or does not start as a sealed stream.
    #[error("De versleutelde upload is onvolledig of beschadigd.")]
    Malformed,
    #[error("opslag: {0}")]
    Io(#[from] std::io::Error),
}

/// A file that is stored and durable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    pub sha256: String,
    pub size: u64,
    /// Its storage key (random, 32 hex digits).
    pub key: String,
    /// The envelope key its bytes are sealed to (the hash and size are of
    /// the plaintext).
    pub sealed_by: Option<i32>,
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

    /// Where a key's (or, for a file stored before keys, a hash's) bytes lie.
    pub fn path_of(&self, key: &str) -> PathBuf {
        self.root.join(key.get(..2).unwrap_or("00")).join(key)
    }

    /// Where a stored file's bytes lie.
    pub fn path_of_file(&self, f: &files::Model) -> PathBuf {
        self.path_of(f.storage_key.as_deref().unwrap_or(&f.sha256))
    }

    /// Starts an upload of at most `limit` bytes, under a new random key.
    pub async fn begin(&self, limit: u64) -> std::io::Result<Upload> {
        let mut name = [0u8; 16];
        getrandom::fill(&mut name).map_err(|e| std::io::Error::other(e.to_string()))?;
        let key = hex::encode(name);
        let tmp = self.root.join("tmp").join(&key);
        let file = tokio::fs::OpenOptions::new().write(true).create_new(true).open(&tmp).await?;
        Ok(Upload { file: Some(file), tmp, key, hasher: Sha256::new(), size: 0, limit, root: self.root.clone(), sealer: None, presealed: None })
    }

    /// Starts an upload of a part the bidder's browser already sealed to the
    /// envelope key `key_id`: its bytes are stored as they come, and must
    /// make exactly a sealed stream of `plain_size` bytes. The hash and size
    /// recorded are the plaintext's as the browser stated them (the server
    /// cannot see them; the opening checks them against the opened bytes).
    pub async fn begin_presealed(&self, key_id: i32, plain_sha256: String, plain_size: u64) -> std::io::Result<Upload> {
        let mut u = self.begin(crate::sealing::sealed_len(plain_size)).await?;
        u.presealed = Some((key_id, plain_sha256, plain_size));
        Ok(u)
    }

    /// Starts an upload that is sealed while it streams: to the envelope key
    /// `key_id` (public key `public_key`), bound to the part it is for. Only
    /// ciphertext reaches the disk; the hash is of the plaintext.
    pub async fn begin_sealed(&self, limit: u64, key_id: i32, public_key: &str, binding: &str) -> std::io::Result<Upload> {
        let mut u = self.begin(limit).await?;
        let sealer = crate::sealing::StreamSealer::new(public_key, binding).map_err(|e| std::io::Error::other(e.to_string()))?;
        u.sealer = Some((key_id, sealer));
        Ok(u)
    }

    /// Reads a stored file (after access was checked by the caller).
    pub async fn open_read(&self, f: &files::Model) -> std::io::Result<tokio::fs::File> {
        tokio::fs::File::open(self.path_of_file(f)).await
    }

    /// Removes a stored file that no row refers to any more, durably.
    pub fn remove(&self, key: &str) {
        let path = self.path_of(key);
        if std::fs::remove_file(&path).is_ok() {
            if let Some(dir) = path.parent() {
                let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
            }
        }
    }

    /// Removes what a crash can leave: temporary files, and stored files no
    /// row refers to (stored, then the process died before the change that
    /// would refer to them committed), both older than `grace` so no upload
    /// in progress (here or in another instance) is touched. Returns how
    /// many files went.
    pub fn sweep(&self, referenced: &std::collections::HashSet<String>, grace: std::time::Duration) -> std::io::Result<usize> {
        let old_enough = |p: &Path| {
            std::fs::metadata(p).and_then(|m| m.modified()).map(|t| t.elapsed().unwrap_or_default() >= grace).unwrap_or(false)
        };
        let mut removed = 0;
        for dir in std::fs::read_dir(&self.root)? {
            let dir = dir?.path();
            if !dir.is_dir() {
                continue;
            }
            let is_tmp = dir.file_name().is_some_and(|n| n == "tmp");
            for f in std::fs::read_dir(&dir)? {
                let f = f?.path();
                let name = f.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
                if (is_tmp || !referenced.contains(&name)) && old_enough(&f) && std::fs::remove_file(&f).is_ok() {
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }

    /// Stores bytes already in memory (small files, seeds).
    pub async fn put(&self, bytes: &[u8]) -> Result<Stored, UploadError> {
        let mut u = self.begin(u64::MAX).await?;
        u.write(bytes).await?;
        u.finish().await
    }

    /// A stored file that no row refers to yet: removed when dropped, unless
    /// the change that refers to it committed ([`Pending::keep`]).
    pub fn pending(&self, stored: Stored) -> Pending {
        Pending { store: self.clone(), stored: Some(stored) }
    }
}

/// A stored file waiting for the change that refers to it.
pub struct Pending {
    store: FileStore,
    stored: Option<Stored>,
}

impl Pending {
    pub fn stored(&self) -> &Stored {
        self.stored.as_ref().expect("kept only once")
    }

    /// The change committed: the file stays.
    pub fn keep(mut self) -> Stored {
        self.stored.take().expect("kept only once")
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(s) = self.stored.take() {
            self.store.remove(&s.key);
        }
    }
}

/// An upload in progress. Dropped without `finish`, its temporary file goes.
pub struct Upload {
    file: Option<tokio::fs::File>,
    tmp: PathBuf,
    key: String,
    hasher: Sha256,
    size: u64,
    limit: u64,
    root: PathBuf,
    sealer: Option<(i32, crate::sealing::StreamSealer)>,
    /// Sealed in the browser: (envelope key, plaintext hash, plaintext size).
    presealed: Option<(i32, String, u64)>,
}

impl Upload {
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), UploadError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            if self.presealed.is_some() {
                return Err(UploadError::Malformed);
            }
            return Err(UploadError::TooLarge { limit: show_size(self.limit) });
        }
        self.hasher.update(chunk);
        let file = self.file.as_mut().expect("open until finished");
        match &mut self.sealer {
            Some((_, sealer)) => file.write_all(&sealer.push(chunk)).await?,
            None => file.write_all(chunk).await?,
        }
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
        let presealed = self.presealed.take();
        if let Some((_, _, plain)) = &presealed {
            if self.size != crate::sealing::sealed_len(*plain) {
                return Err(UploadError::Malformed);
            }
        }
        let mut file = self.file.take().expect("open until finished");
        let sealed_by = match self.sealer.take() {
            Some((id, sealer)) => {
                file.write_all(&sealer.finish()).await?;
                Some(id)
            }
            None => None,
        };
        file.flush().await?;
        file.sync_all().await?;
        drop(file);
        let sha256 = hex::encode(std::mem::take(&mut self.hasher).finalize());
        let key = std::mem::take(&mut self.key);
        let dir = self.root.join(&key[..2]);
        let target = dir.join(&key);
        let tmp = std::mem::take(&mut self.tmp);
        let size = self.size;
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            std::fs::create_dir_all(&dir)?;
            std::fs::rename(&tmp, &target)?;
            std::fs::File::open(&dir)?.sync_all()?;
            Ok(())
        })
        .await
        .map_err(|e| std::io::Error::other(e.to_string()))??;
        match presealed {
            Some((id, sha256, plain)) => Ok(Stored { sha256, size: plain, key, sealed_by: Some(id) }),
            None => Ok(Stored { sha256, size, key, sealed_by }),
        }
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Whether a sealed file on disk is complete and well-formed for its
/// recorded plaintext size.
pub async fn sealed_well_formed(store: &FileStore, f: &files::Model) -> bool {
    use tokio::io::AsyncReadExt;
    let Ok(mut file) = store.open_read(f).await else { return false };
    let Ok(meta) = file.metadata().await else { return false };
    let mut header = vec![0u8; crate::sealing::STREAM_HEADER];
    if file.read_exact(&mut header).await.is_err() {
        return false;
    }
    crate::sealing::well_formed(&header, meta.len(), f.size as u64)
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
        storage_key: Set(Some(s.key.clone())),
        sealed_by: Set(s.sealed_by),
        ..Default::default()
    }
    .insert(op.txn())
    .await
}

/// Forgets a file row no part and no document version refers to any more
/// (inside the change that let go of it); gives its storage key, for the
/// caller to remove the bytes once that change committed.
pub async fn release<C: ConnectionTrait>(c: &C, id: crate::ids::FileId) -> Result<Option<String>, DbErr> {
    use super::entities::{bid_parts, document_versions};
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
    let parts = bid_parts::Entity::find().filter(bid_parts::Column::FileId.eq(id)).count(c).await?;
    let versions = document_versions::Entity::find().filter(document_versions::Column::FileId.eq(id)).count(c).await?;
    if parts + versions > 0 {
        return Ok(None);
    }
    let Some(f) = files::Entity::find_by_id(id).one(c).await? else { return Ok(None) };
    files::Entity::delete_by_id(id).exec(c).await?;
    Ok(Some(f.storage_key.unwrap_or(f.sha256)))
}

/// The storage keys (or, for older files, hashes) rows refer to.
pub async fn referenced<C: ConnectionTrait>(c: &C) -> Result<std::collections::HashSet<String>, DbErr> {
    use sea_orm::QuerySelect;
    let rows: Vec<(String, Option<String>)> =
        files::Entity::find().select_only().column(files::Column::Sha256).column(files::Column::StorageKey).into_tuple().all(c).await?;
    Ok(rows.into_iter().map(|(sha, key)| key.unwrap_or(sha)).collect())
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
/// A title as part of a file name: lower case, letters and digits, single
/// dashes between the words.
pub fn slug(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// A tender's reference as part of a file name (anything but letters,
/// digits and dashes becomes `_`).
pub fn reference_slug(reference: &str) -> String {
    reference.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_")
}

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
        assert_eq!(std::fs::read(fs.path_of(&s.key)).unwrap(), b"hallo");
        assert!(!fs.path_of(&s.key).to_string_lossy().contains(&s.sha256), "not stored under its hash");
        let again = fs.put(b"hallo").await.unwrap();
        assert_ne!(again.key, s.key, "the same content twice: two files, each of its own");
        let mut big = fs.begin(4).await.unwrap();
        assert!(matches!(big.write(b"hallo").await, Err(UploadError::TooLarge { .. })));
        drop(big);
        assert_eq!(std::fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0, "no half file left");
    }

    #[tokio::test]
    async fn a_pending_file_goes_unless_kept_and_the_sweep_removes_what_no_row_refers_to() {
        let dir = tempfile::tempdir().unwrap();
        let fs = FileStore::open(dir.path()).unwrap();
        let dropped = fs.pending(fs.put(b"geweigerd").await.unwrap());
        let path = fs.path_of(&dropped.stored().key);
        drop(dropped);
        assert!(!path.exists(), "a refused upload leaves nothing");
        let kept = fs.pending(fs.put(b"bewaard").await.unwrap()).keep();
        let orphan = fs.put(b"wees na een crash").await.unwrap();
        let referenced: std::collections::HashSet<String> = [kept.key.clone()].into();
        assert_eq!(fs.sweep(&referenced, std::time::Duration::from_secs(3600)).unwrap(), 0, "young files stay");
        assert_eq!(fs.sweep(&referenced, std::time::Duration::ZERO).unwrap(), 1);
        assert!(fs.path_of(&kept.key).exists() && !fs.path_of(&orphan.key).exists());
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
