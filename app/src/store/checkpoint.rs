//! Signed checkpoints of the audit log, kept outside the database.
//!
//! Format: a C2SP tlog-checkpoint signed note,
//!
//! ```text
//! <origin>\n<tree size>\n<base64 root hash>\n\n— <key name> <base64(key id || signature)>\n
//! ```
//!
//! signed with Ed25519 over the body (the first three lines with their line
//! breaks); the key id is the first 4 bytes of SHA-256(name || "\n" || 0x01 || public key).
//! The anchor directory holds the signing key, its public key and the latest
//! checkpoint; each write goes through a temporary file, fsync and rename.

use crate::domain::merkle::Hash;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

pub const ORIGIN: &str = "dialoog/audit";
const KEY_FILE: &str = "checkpoint-signing.key";
const PUB_FILE: &str = "checkpoint-signing.pub";
const LATEST: &str = "checkpoint";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
}

impl Checkpoint {
    pub fn body(&self) -> String {
        format!("{}\n{}\n{}\n", self.origin, self.size, B64.encode(self.root))
    }
}

fn key_id(name: &str, key: &VerifyingKey) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([0x01]);
    h.update(key.as_bytes());
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// Signs a checkpoint into its note text.
pub fn sign(cp: &Checkpoint, key: &SigningKey) -> String {
    let body = cp.body();
    let sig = key.sign(body.as_bytes());
    let mut blob = key_id(&cp.origin, &key.verifying_key()).to_vec();
    blob.extend_from_slice(&sig.to_bytes());
    format!("{body}\n\u{2014} {} {}\n", cp.origin, B64.encode(blob))
}

/// Parses a checkpoint note and, when a key is given, checks its signature.
pub fn parse(text: &str, key: Option<&VerifyingKey>) -> Result<Checkpoint, String> {
    let (body, sigs) = text.split_once("\n\n").ok_or("geen geldig controlepunt: handtekening ontbreekt")?;
    let mut lines = body.lines();
    let origin = lines.next().ok_or("controlepunt zonder herkomst")?.to_string();
    let size: u64 = lines
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or("controlepunt zonder geldige boomgrootte")?;
    let root: Hash = lines
        .next()
        .and_then(|s| B64.decode(s).ok())
        .and_then(|v| v.try_into().ok())
        .ok_or("controlepunt zonder geldige boomwortel")?;
    let cp = Checkpoint { origin, size, root };
    if let Some(key) = key {
        let want_id = key_id(&cp.origin, key);
        let ok = sigs.lines().any(|l| {
            let Some(rest) = l.strip_prefix("\u{2014} ") else { return false };
            let Some((name, b64)) = rest.split_once(' ') else { return false };
            let Ok(blob) = B64.decode(b64) else { return false };
            if name != cp.origin || blob.len() != 68 || blob[..4] != want_id {
                return false;
            }
            let Ok(sig) = Signature::from_slice(&blob[4..]) else { return false };
            key.verify(format!("{body}\n").as_bytes(), &sig).is_ok()
        });
        if !ok {
            return Err("de handtekening van het controlepunt is ongeldig".into());
        }
    }
    Ok(cp)
}

/// Writes `bytes` to `path` durably: temporary file, fsync, rename, fsync of the directory.
pub fn write_durably(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_durably_with_mode(path, bytes, 0o644)
}

/// Like [`write_durably`], the file created with `mode` (on Unix) from its
/// first byte: a secret is never readable by others, not even for a moment.
pub fn write_durably_with_mode(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".{}.tmp", path.file_name().and_then(|n| n.to_str()).unwrap_or("f")));
    let _ = std::fs::remove_file(&tmp);
    {
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(mode);
        }
        #[cfg(not(unix))]
        let _ = mode;
        let mut f = o.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// The anchor directory: signing key and latest checkpoint.
#[derive(Clone, Debug)]
pub struct Anchor {
    pub dir: PathBuf,
    key: SigningKey,
}

impl Anchor {
    /// Opens the anchor, creating a new signing key on first use.
    pub fn open(dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let key_path = dir.join(KEY_FILE);
        let key = match std::fs::read_to_string(&key_path) {
            Ok(s) => {
                let bytes: [u8; 32] = hex::decode(s.trim())
                    .ok()
                    .and_then(|v| v.try_into().ok())
                    .ok_or_else(|| std::io::Error::other(format!("{} is geen geldige sleutel", key_path.display())))?;
                SigningKey::from_bytes(&bytes)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut seed = [0u8; 32];
                getrandom::fill(&mut seed).map_err(|e| std::io::Error::other(e.to_string()))?;
                let key = SigningKey::from_bytes(&seed);
                write_durably_with_mode(&key_path, hex::encode(seed).as_bytes(), 0o600)?;
                write_durably(&dir.join(PUB_FILE), hex::encode(key.verifying_key().as_bytes()).as_bytes())?;
                key
            }
            Err(e) => return Err(e),
        };
        Ok(Self { dir: dir.to_path_buf(), key })
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    pub fn public_key_hex(&self) -> String {
        hex::encode(self.key.verifying_key().as_bytes())
    }

    pub fn latest_path(&self) -> PathBuf {
        self.dir.join(LATEST)
    }

    /// The last checkpoint written, verified against our key.
    pub fn latest(&self) -> Result<Option<Checkpoint>, String> {
        match std::fs::read_to_string(self.latest_path()) {
            Ok(s) => parse(&s, Some(&self.verifying_key())).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Signs a checkpoint without storing it (a receipt carries it; the caller
    /// stores it with `write` once the covered entries are committed).
    pub fn sign_note(&self, size: u64, root: Hash) -> String {
        sign(&Checkpoint { origin: ORIGIN.into(), size, root }, &self.key)
    }

    /// Signs and stores a checkpoint; returns its note text.
    pub fn write(&self, size: u64, root: Hash) -> std::io::Result<String> {
        let note = sign(&Checkpoint { origin: ORIGIN.into(), size, root }, &self.key);
        write_durably(&self.dir.join("history").join(format!("{size:012}.checkpoint")), note.as_bytes())?;
        write_durably(&self.latest_path(), note.as_bytes())?;
        Ok(note)
    }
}

/// Reads a public key given as 64 hex digits (the anchor's `.pub` file).
pub fn parse_public_key(s: &str) -> Result<VerifyingKey, String> {
    let bytes: [u8; 32] = hex::decode(s.trim())
        .ok()
        .and_then(|v| v.try_into().ok())
        .ok_or("geen geldige publieke sleutel")?;
    VerifyingKey::from_bytes(&bytes).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_checkpoint_round_trips_and_a_changed_one_is_rejected() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let cp = Checkpoint { origin: ORIGIN.into(), size: 42, root: [9u8; 32] };
        let note = sign(&cp, &key);
        assert!(note.starts_with("dialoog/audit\n42\n"));
        assert_eq!(parse(&note, Some(&key.verifying_key())).unwrap(), cp);
        let forged = note.replace("\n42\n", "\n41\n");
        assert!(parse(&forged, Some(&key.verifying_key())).is_err());
        let other = SigningKey::from_bytes(&[8u8; 32]);
        assert!(parse(&note, Some(&other.verifying_key())).is_err());
    }

    #[test]
    fn the_anchor_keeps_its_key_and_latest_checkpoint_across_opens() {
        let dir = std::env::temp_dir().join(format!("dialoog-anchor-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let a = Anchor::open(&dir).unwrap();
        a.write(3, [1u8; 32]).unwrap();
        let b = Anchor::open(&dir).unwrap();
        assert_eq!(a.public_key_hex(), b.public_key_hex());
        assert_eq!(b.latest().unwrap().unwrap().size, 3);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
