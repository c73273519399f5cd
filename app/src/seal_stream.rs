//! The sending side of a sealed part, shared by the server and the browser:
//! a file is sealed as a stream to the tender's envelope key, one HPKE
//! context (X25519, HKDF-SHA256, ChaCha20-Poly1305), fixed-size chunks sealed
//! in order (the context's sequence number is part of each nonce, so chunks
//! cannot be reordered or dropped), each bound to its part, the last one
//! marked in its associated data (so the stream cannot be cut short). Every
//! chunk carries 64 KiB of padded data: the stored size says the plaintext
//! size to 64 KiB only.
//!
//! On the server an upload is sealed while it streams in; where JavaScript
//! runs, the bidder's browser seals the part itself with this same code
//! ([`browser::BrowserSealer`], in the hydration bundle), so the running
//! server never sees the plaintext. The opening side is server-only
//! ([`crate::sealing`]).

use hpke::aead::ChaCha20Poly1305;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, OpModeS, Serializable};

pub(crate) type Kem = X25519HkdfSha256;
pub(crate) type PublicKey = <Kem as hpke::Kem>::PublicKey;

/// What can go wrong; messages are for the log, the store says it in Dutch.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealError {
    #[error("wrong passphrase")]
    WrongPassphrase,
    #[error("not enough shares")]
    NotEnoughShares,
    #[error("the shares do not make the published key")]
    WrongKey,
    #[error("sealed data is damaged or not for this key")]
    Damaged,
    #[error("bad key material")]
    BadKey,
}

pub(crate) const PART_INFO: &[u8] = b"dialoog bid part v1";
pub(crate) const STREAM_MAGIC: &[u8; 8] = b"DLGSEAL1";
/// Plaintext bytes in one chunk of a sealed stream.
pub const CHUNK: usize = 64 * 1024;
pub(crate) const ENC_LEN: usize = 32;
pub(crate) const TAG_LEN: usize = 16;
/// One sealed chunk: a length prefix, the padded data and the tag.
pub const SEALED_CHUNK: usize = 4 + CHUNK + TAG_LEN;
/// The header of a sealed stream: magic and the encapsulated key.
pub const STREAM_HEADER: usize = STREAM_MAGIC.len() + ENC_LEN;

pub(crate) fn public_from_hex(h: &str) -> Result<PublicKey, SealError> {
    PublicKey::from_bytes(&hex::decode(h).map_err(|_| SealError::BadKey)?).map_err(|_| SealError::BadKey)
}

pub(crate) fn chunk_aad(binding: &str, last: bool) -> Vec<u8> {
    let mut a = binding.as_bytes().to_vec();
    a.push(b'\n');
    a.push(u8::from(last));
    a
}

/// Seals a stream, chunk by chunk, as it arrives.
pub struct StreamSealer {
    ctx: hpke::aead::AeadCtxS<ChaCha20Poly1305, HkdfSha256, Kem>,
    binding: String,
    buf: Vec<u8>,
    header: Option<Vec<u8>>,
}

impl StreamSealer {
    pub fn new(public_key: &str, binding: &str) -> Result<Self, SealError> {
        let pk = public_from_hex(public_key)?;
        let (enc, ctx) = hpke::setup_sender::<ChaCha20Poly1305, HkdfSha256, Kem>(&OpModeS::Base, &pk, PART_INFO).map_err(|_| SealError::BadKey)?;
        let mut header = STREAM_MAGIC.to_vec();
        header.extend_from_slice(&enc.to_bytes());
        Ok(Self { ctx, binding: binding.to_string(), buf: Vec::with_capacity(CHUNK), header: Some(header) })
    }

    fn seal_chunk(&mut self, data: &[u8], last: bool) -> Vec<u8> {
        let mut plain = Vec::with_capacity(4 + CHUNK);
        plain.extend_from_slice(&(data.len() as u32).to_be_bytes());
        plain.extend_from_slice(data);
        plain.resize(4 + CHUNK, 0);
        self.ctx.seal(&plain, &chunk_aad(&self.binding, last)).expect("a stream far below the message limit")
    }

    /// Takes plaintext; gives the sealed bytes ready to be written (the
    /// header first, then every full chunk).
    pub fn push(&mut self, mut data: &[u8]) -> Vec<u8> {
        let mut out = self.header.take().unwrap_or_default();
        while !data.is_empty() {
            // A full chunk is sealed only once more data follows: the last
            // chunk must be marked as last.
            if self.buf.len() == CHUNK {
                let chunk = std::mem::take(&mut self.buf);
                out.extend(self.seal_chunk(&chunk, false));
                self.buf = Vec::with_capacity(CHUNK);
            }
            let take = (CHUNK - self.buf.len()).min(data.len());
            self.buf.extend_from_slice(&data[..take]);
            data = &data[take..];
        }
        out
    }

    /// Seals what is left as the last chunk.
    pub fn finish(mut self) -> Vec<u8> {
        let mut out = self.header.take().unwrap_or_default();
        let chunk = std::mem::take(&mut self.buf);
        out.extend(self.seal_chunk(&chunk, true));
        out
    }
}

/// The stored length of a sealed stream of `plain` bytes.
pub fn sealed_len(plain: u64) -> u64 {
    let chunks = plain.div_ceil(CHUNK as u64).max(1);
    STREAM_HEADER as u64 + chunks * SEALED_CHUNK as u64
}

/// Whether a stored sealed stream is complete and well-formed for `plain`
/// bytes of plaintext (checked before a receipt is issued: the server
/// cannot open it).
pub fn well_formed(header: &[u8], stored_len: u64, plain: u64) -> bool {
    header.len() >= STREAM_MAGIC.len() && &header[..STREAM_MAGIC.len()] == STREAM_MAGIC && stored_len == sealed_len(plain)
}


/// The browser's side: the hydration bundle exports a sealer the upload
/// script drives (`upload.js`), so a part is sealed before it leaves the
/// bidder's machine. It also computes the plaintext's SHA-256 and size, which
/// the upload claims and the opening checks against the opened bytes.
#[cfg(feature = "hydrate")]
pub mod browser {
    use super::StreamSealer;
    use sha2::{Digest, Sha256};
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    pub struct BrowserSealer {
        sealer: Option<StreamSealer>,
        hasher: Sha256,
        size: u64,
        digest: Option<String>,
    }

    #[wasm_bindgen]
    impl BrowserSealer {
        /// For the tender's public key (hex) and the part's binding.
        #[wasm_bindgen(constructor)]
        pub fn new(public_key: &str, binding: &str) -> Result<BrowserSealer, JsError> {
            let sealer = StreamSealer::new(public_key, binding).map_err(|e| JsError::new(&e.to_string()))?;
            Ok(BrowserSealer { sealer: Some(sealer), hasher: Sha256::new(), size: 0, digest: None })
        }

        /// Takes the next piece of the file; gives the sealed bytes to send.
        pub fn push(&mut self, data: &[u8]) -> Result<Vec<u8>, JsError> {
            let sealer = self.sealer.as_mut().ok_or_else(|| JsError::new("finished"))?;
            self.hasher.update(data);
            self.size += data.len() as u64;
            Ok(sealer.push(data))
        }

        /// The last sealed bytes; afterwards `sha256` and `size` are known.
        pub fn finish(&mut self) -> Result<Vec<u8>, JsError> {
            let sealer = self.sealer.take().ok_or_else(|| JsError::new("finished"))?;
            self.digest = Some(hex::encode(std::mem::take(&mut self.hasher).finalize()));
            Ok(sealer.finish())
        }

        /// The plaintext's SHA-256 (hex), once finished.
        pub fn sha256(&self) -> Option<String> {
            self.digest.clone()
        }

        /// The plaintext's size in bytes.
        pub fn size(&self) -> f64 {
            self.size as f64
        }
    }
}
