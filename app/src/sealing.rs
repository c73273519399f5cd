//! The cryptography of sealed bids, built from well-kept crates only: HPKE
//! (RFC 9180, `hpke`: X25519, HKDF-SHA256, ChaCha20-Poly1305), Shamir secret
//! sharing (`blahaj`) and argon2id (`argon2`). Nothing here touches the
//! database; [`crate::store::sealing`] keeps the records.
//!
//! - A key holder's sealing key is an X25519 key pair. Its private half is
//!   stored only sealed (HPKE) to a second key pair derived from the holder's
//!   passphrase with argon2id, so the passphrase can change without the shares
//!   sealed to the holder changing.
//! - A tender's envelope key is an X25519 key pair made at publication; its
//!   private key is split into shares (any two recover it), each sealed to one
//!   holder's public key, and then dropped. A random secret sealed to it (the
//!   test envelope) lets two holders rehearse the opening.
//! - A small part (a form, the price) is sealed in one HPKE message, padded
//!   so its length says little. A file is sealed as a stream
//!   ([`crate::seal_stream`], shared with the browser); it is opened here.

use hpke::aead::ChaCha20Poly1305;
use hpke::kdf::HkdfSha256;
use hpke::{Deserializable, Kem as _, OpModeR, OpModeS, Serializable};
use sha2::{Digest, Sha256};

pub use crate::seal_stream::{sealed_len, well_formed, SealError, StreamSealer, CHUNK, SEALED_CHUNK, STREAM_HEADER};
use crate::seal_stream::{chunk_aad, public_from_hex, Kem, PublicKey, ENC_LEN, PART_INFO, STREAM_MAGIC, TAG_LEN};

type PrivateKey = <Kem as hpke::Kem>::PrivateKey;
type Encapped = <Kem as hpke::Kem>::EncappedKey;


const HOLDER_INFO: &[u8] = b"dialoog sealing key v1";
const SHARE_INFO: &[u8] = b"dialoog key share v1";
const TEST_INFO: &[u8] = b"dialoog test envelope v1";
/// How many holders must join to recover an envelope key.
pub const THRESHOLD: u8 = 2;

/// argon2id parameters for passphrase-derived keys (64 MiB, 3 passes): an
/// offline guess costs what a log-in hash costs several times over.
pub const KDF_PARAMS: &str = "argon2id:m=65536,t=3,p=1";

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn unb64(s: &str) -> Result<Vec<u8>, SealError> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).map_err(|_| SealError::Damaged)
}

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the system's randomness");
    b
}


fn pk_hex(pk: &PublicKey) -> String {
    hex::encode(pk.to_bytes())
}

/// The fingerprint of a public key (hex): SHA-256 of its bytes.
pub fn fingerprint(public_key_hex: &str) -> String {
    hex::encode(Sha256::digest(hex::decode(public_key_hex).unwrap_or_default()))
}

/// HPKE single-shot seal: enc || ciphertext.
fn seal_to(pk: &PublicKey, info: &[u8], aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let (enc, ct) = hpke::single_shot_seal::<ChaCha20Poly1305, HkdfSha256, Kem>(&OpModeS::Base, pk, info, plaintext, aad)
        .expect("sealing to a valid public key");
    let mut out = enc.to_bytes().to_vec();
    out.extend_from_slice(&ct);
    out
}

fn open_with(sk: &PrivateKey, info: &[u8], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, SealError> {
    if sealed.len() < ENC_LEN + TAG_LEN {
        return Err(SealError::Damaged);
    }
    let enc = Encapped::from_bytes(&sealed[..ENC_LEN]).map_err(|_| SealError::Damaged)?;
    hpke::single_shot_open::<ChaCha20Poly1305, HkdfSha256, Kem>(&OpModeR::Base, sk, &enc, info, &sealed[ENC_LEN..], aad)
        .map_err(|_| SealError::Damaged)
}

/// The key pair a passphrase makes with a salt (argon2id, then HPKE's
/// DeriveKeyPair). Slow on purpose: call it off the async runtime.
fn passphrase_key(passphrase: &str, salt: &[u8], params: &str) -> Result<(PrivateKey, PublicKey), SealError> {
    let p = match params {
        KDF_PARAMS => argon2::Params::new(65536, 3, 1, Some(32)),
        // Cheap parameters for unit tests of this module only.
        #[cfg(test)]
        "argon2id:m=256,t=1,p=1" => argon2::Params::new(256, 1, 1, Some(32)),
        _ => return Err(SealError::BadKey),
    }
    .map_err(|_| SealError::BadKey)?;
    let mut ikm = [0u8; 32];
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, p)
        .hash_password_into(passphrase.as_bytes(), salt, &mut ikm)
        .map_err(|_| SealError::BadKey)?;
    let pair = Kem::derive_keypair(&ikm);
    ikm.fill(0);
    Ok(pair)
}

/// A holder's sealing key as stored: nothing in it opens without the passphrase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HolderKey {
    pub public_key: String,
    pub wrapped_private: String,
    pub wrap_public: String,
    pub kdf_salt: String,
    pub kdf_params: String,
}

/// An unlocked holder key (in memory for one request).
pub struct HolderSecret {
    sk: PrivateKey,
    pub public_key: String,
}

fn wrap(sk: &PrivateKey, public_key: String, passphrase: &str, params: &str) -> Result<HolderKey, SealError> {
    let salt: [u8; 16] = random();
    let (_, wpk) = passphrase_key(passphrase, &salt, params)?;
    Ok(HolderKey {
        public_key,
        wrapped_private: b64(&seal_to(&wpk, HOLDER_INFO, b"", &sk.to_bytes())),
        wrap_public: pk_hex(&wpk),
        kdf_salt: hex::encode(salt),
        kdf_params: params.to_string(),
    })
}

/// A new sealing key, wrapped under `passphrase`.
pub fn new_holder_key(passphrase: &str) -> HolderKey {
    new_holder_key_with(passphrase, KDF_PARAMS)
}

fn new_holder_key_with(passphrase: &str, params: &str) -> HolderKey {
    let (sk, pk) = Kem::gen_keypair();
    wrap(&sk, pk_hex(&pk), passphrase, params).expect("known parameters")
}

/// Unlocks a holder key with its passphrase.
pub fn unlock(k: &HolderKey, passphrase: &str) -> Result<HolderSecret, SealError> {
    let salt = hex::decode(&k.kdf_salt).map_err(|_| SealError::BadKey)?;
    let (wsk, wpk) = passphrase_key(passphrase, &salt, &k.kdf_params)?;
    if pk_hex(&wpk) != k.wrap_public {
        return Err(SealError::WrongPassphrase);
    }
    let bytes = open_with(&wsk, HOLDER_INFO, b"", &unb64(&k.wrapped_private)?)?;
    let sk = PrivateKey::from_bytes(&bytes).map_err(|_| SealError::BadKey)?;
    if pk_hex(&Kem::sk_to_pk(&sk)) != k.public_key {
        return Err(SealError::BadKey);
    }
    Ok(HolderSecret { sk, public_key: k.public_key.clone() })
}

/// The same sealing key under a new passphrase (the shares sealed to it stay valid).
pub fn rewrap(k: &HolderKey, old: &str, new: &str) -> Result<HolderKey, SealError> {
    let s = unlock(k, old)?;
    wrap(&s.sk, s.public_key, new, &k.kdf_params)
}

/// One holder's share of an envelope key, as stored.
#[derive(Clone, Debug)]
pub struct SealedShare {
    pub holder_public_key: String,
    pub sealed: String,
    pub digest: String,
}

/// A new envelope key, its private key already split and dropped.
pub struct NewEnvelopeKey {
    pub public_key: String,
    pub fingerprint: String,
    /// In the order of the holders given.
    pub shares: Vec<SealedShare>,
    pub test_envelope: String,
    pub test_digest: String,
}

fn share_aad(fingerprint: &str, holder_public_key: &str) -> Vec<u8> {
    format!("{fingerprint}\n{holder_public_key}").into_bytes()
}

/// Makes an envelope key for `holders` (their public keys, hex), two of
/// whom recover it. At least two holders.
pub fn new_envelope_key(holders: &[String]) -> Result<NewEnvelopeKey, SealError> {
    if holders.len() < THRESHOLD as usize || holders.len() > 200 {
        return Err(SealError::NotEnoughShares);
    }
    let holder_pks = holders.iter().map(|h| public_from_hex(h)).collect::<Result<Vec<_>, _>>()?;
    let (sk, pk) = Kem::gen_keypair();
    let public_key = pk_hex(&pk);
    let fp = fingerprint(&public_key);
    let mut secret = sk.to_bytes().to_vec();
    let shares: Vec<blahaj::Share> = blahaj::Sharks(THRESHOLD).dealer(&secret).take(holders.len()).collect();
    secret.fill(0);
    drop(sk);
    let sealed = shares
        .iter()
        .zip(holders.iter().zip(&holder_pks))
        .map(|(share, (hex_pk, hpk))| {
            let bytes: Vec<u8> = share.into();
            SealedShare {
                holder_public_key: hex_pk.clone(),
                sealed: b64(&seal_to(hpk, SHARE_INFO, &share_aad(&fp, hex_pk), &bytes)),
                digest: hex::encode(Sha256::digest(&bytes)),
            }
        })
        .collect();
    let test: [u8; 32] = random();
    Ok(NewEnvelopeKey {
        test_envelope: b64(&seal_to(&pk, TEST_INFO, fp.as_bytes(), &test)),
        test_digest: hex::encode(Sha256::digest(test)),
        public_key,
        fingerprint: fp,
        shares: sealed,
    })
}

/// A holder's share, opened with their unlocked key. Checked against its
/// digest: a share that opens is the one made at publication.
pub fn open_share(holder: &HolderSecret, fingerprint: &str, s: &SealedShare) -> Result<Vec<u8>, SealError> {
    let bytes = open_with(&holder.sk, SHARE_INFO, &share_aad(fingerprint, &s.holder_public_key), &unb64(&s.sealed)?)?;
    if hex::encode(Sha256::digest(&bytes)) != s.digest {
        return Err(SealError::Damaged);
    }
    Ok(bytes)
}

/// Hands an opened share to another holder: sealed to their public key.
pub fn relay_share(share: &[u8], fingerprint: &str, to_public_key: &str) -> Result<String, SealError> {
    let pk = public_from_hex(to_public_key)?;
    Ok(b64(&seal_to(&pk, SHARE_INFO, &share_aad(fingerprint, &format!("doorgegeven aan {to_public_key}")), share)))
}

/// Opens a share relayed to `holder`.
pub fn open_relayed(holder: &HolderSecret, fingerprint: &str, sealed: &str) -> Result<Vec<u8>, SealError> {
    open_with(&holder.sk, SHARE_INFO, &share_aad(fingerprint, &format!("doorgegeven aan {}", holder.public_key)), &unb64(sealed)?)
}

/// A recovered envelope key (in memory for one opening).
pub struct EnvelopeSecret {
    sk: PrivateKey,
    pub public_key: String,
}

/// Recovers the envelope key from two (or more) distinct shares and checks
/// that it is the published one.
pub fn combine(shares: &[Vec<u8>], public_key: &str) -> Result<EnvelopeSecret, SealError> {
    let parsed: Vec<blahaj::Share> =
        shares.iter().map(|s| blahaj::Share::try_from(s.as_slice()).map_err(|_| SealError::Damaged)).collect::<Result<_, _>>()?;
    let mut secret = blahaj::Sharks(THRESHOLD).recover(&parsed).map_err(|_| SealError::NotEnoughShares)?;
    let sk = PrivateKey::from_bytes(&secret).map_err(|_| SealError::WrongKey);
    secret.fill(0);
    let sk = sk?;
    if pk_hex(&Kem::sk_to_pk(&sk)) != public_key {
        return Err(SealError::WrongKey);
    }
    Ok(EnvelopeSecret { sk, public_key: public_key.to_string() })
}

/// Whether the recovered key opens the test envelope sealed at publication.
pub fn opens_test(key: &EnvelopeSecret, test_envelope: &str, test_digest: &str) -> bool {
    let fp = fingerprint(&key.public_key);
    unb64(test_envelope)
        .and_then(|b| open_with(&key.sk, TEST_INFO, fp.as_bytes(), &b))
        .is_ok_and(|t| hex::encode(Sha256::digest(t)) == test_digest)
}

/// The prefix of a sealed small part as stored in a text column.
pub const SMALL_PREFIX: &str = "verzegeld:1:";

/// Seals a small part (a form text, a price) to the envelope key, padded to
/// a multiple of 512 bytes. `binding` names the part (tender, organisation,
/// part): the sealed text opens for that part only.
pub fn seal_small(public_key: &str, binding: &str, text: &str) -> Result<String, SealError> {
    let pk = public_from_hex(public_key)?;
    let mut plain = (text.len() as u32).to_be_bytes().to_vec();
    plain.extend_from_slice(text.as_bytes());
    plain.resize(plain.len().div_ceil(512) * 512, 0);
    Ok(format!("{SMALL_PREFIX}{}", b64(&seal_to(&pk, PART_INFO, binding.as_bytes(), &plain))))
}

/// Opens a small part sealed by [`seal_small`].
pub fn open_small(key: &EnvelopeSecret, binding: &str, stored: &str) -> Result<String, SealError> {
    let b = unb64(stored.strip_prefix(SMALL_PREFIX).ok_or(SealError::Damaged)?)?;
    let plain = open_with(&key.sk, PART_INFO, binding.as_bytes(), &b)?;
    let n = u32::from_be_bytes(plain.get(..4).ok_or(SealError::Damaged)?.try_into().map_err(|_| SealError::Damaged)?) as usize;
    let text = plain.get(4..4 + n).ok_or(SealError::Damaged)?;
    String::from_utf8(text.to_vec()).map_err(|_| SealError::Damaged)
}

/// Whether a stored text is sealed.
pub fn is_sealed_text(stored: &str) -> bool {
    stored.starts_with(SMALL_PREFIX)
}


/// Opens a sealed stream chunk by chunk.
pub struct StreamOpener {
    ctx: hpke::aead::AeadCtxR<ChaCha20Poly1305, HkdfSha256, Kem>,
    binding: String,
    chunks_left: u64,
}

impl StreamOpener {
    /// From the stream's header and its total stored length.
    pub fn new(key: &EnvelopeSecret, binding: &str, header: &[u8], stored_len: u64) -> Result<Self, SealError> {
        if header.len() != STREAM_HEADER || &header[..STREAM_MAGIC.len()] != STREAM_MAGIC {
            return Err(SealError::Damaged);
        }
        let body = stored_len.checked_sub(STREAM_HEADER as u64).ok_or(SealError::Damaged)?;
        if body == 0 || body % SEALED_CHUNK as u64 != 0 {
            return Err(SealError::Damaged);
        }
        let enc = Encapped::from_bytes(&header[STREAM_MAGIC.len()..]).map_err(|_| SealError::Damaged)?;
        let ctx = hpke::setup_receiver::<ChaCha20Poly1305, HkdfSha256, Kem>(&OpModeR::Base, &key.sk, &enc, PART_INFO)
            .map_err(|_| SealError::Damaged)?;
        Ok(Self { ctx, binding: binding.to_string(), chunks_left: body / SEALED_CHUNK as u64 })
    }

    /// Opens the next chunk (exactly [`SEALED_CHUNK`] bytes); gives its data.
    pub fn open_chunk(&mut self, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        if self.chunks_left == 0 || sealed.len() != SEALED_CHUNK {
            return Err(SealError::Damaged);
        }
        self.chunks_left -= 1;
        let last = self.chunks_left == 0;
        let plain = self.ctx.open(sealed, &chunk_aad(&self.binding, last)).map_err(|_| SealError::Damaged)?;
        let n = u32::from_be_bytes(plain[..4].try_into().map_err(|_| SealError::Damaged)?) as usize;
        if n > CHUNK || (!last && n != CHUNK) {
            return Err(SealError::Damaged);
        }
        Ok(plain[4..4 + n].to_vec())
    }

    pub fn done(&self) -> bool {
        self.chunks_left == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: &str = "argon2id:m=256,t=1,p=1";

    fn holders(n: usize) -> Vec<(HolderKey, String)> {
        (0..n).map(|i| (new_holder_key_with(&format!("wachtwoord {i}"), CHEAP), format!("wachtwoord {i}"))).collect()
    }

    fn seal_all(pk: &str, binding: &str, data: &[u8], step: usize) -> Vec<u8> {
        let mut s = StreamSealer::new(pk, binding).unwrap();
        let mut out = vec![];
        for piece in data.chunks(step.max(1)) {
            out.extend(s.push(piece));
        }
        out.extend(s.finish());
        out
    }

    fn open_all(key: &EnvelopeSecret, binding: &str, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        let mut o = StreamOpener::new(key, binding, &sealed[..STREAM_HEADER.min(sealed.len())], sealed.len() as u64)?;
        let mut out = vec![];
        for c in sealed[STREAM_HEADER..].chunks(SEALED_CHUNK) {
            out.extend(o.open_chunk(c)?);
        }
        Ok(out)
    }

    #[test]
    fn a_passphrase_unlocks_its_key_and_a_wrong_one_does_not() {
        let k = new_holder_key_with("correct paard batterij", CHEAP);
        assert!(unlock(&k, "correct paard batterij").is_ok());
        assert_eq!(unlock(&k, "fout").err(), Some(SealError::WrongPassphrase));
        let k2 = rewrap(&k, "correct paard batterij", "nieuw wachtwoord").unwrap();
        assert_eq!(k2.public_key, k.public_key, "a new passphrase keeps the key");
        assert!(unlock(&k2, "nieuw wachtwoord").is_ok());
        assert_eq!(unlock(&k2, "correct paard batterij").err(), Some(SealError::WrongPassphrase));
    }

    #[test]
    fn any_two_of_three_holders_recover_the_key_and_one_cannot() {
        let h = holders(3);
        let key = new_envelope_key(&h.iter().map(|(k, _)| k.public_key.clone()).collect::<Vec<_>>()).unwrap();
        let opened: Vec<Vec<u8>> = h
            .iter()
            .zip(&key.shares)
            .map(|((k, pw), s)| open_share(&unlock(k, pw).unwrap(), &key.fingerprint, s).unwrap())
            .collect();
        for (a, b) in [(0, 1), (0, 2), (1, 2)] {
            let k = combine(&[opened[a].clone(), opened[b].clone()], &key.public_key).unwrap();
            assert!(opens_test(&k, &key.test_envelope, &key.test_digest));
        }
        assert_eq!(combine(&[opened[0].clone()], &key.public_key).err(), Some(SealError::NotEnoughShares));
        assert_eq!(combine(&[opened[0].clone(), opened[0].clone()], &key.public_key).err(), Some(SealError::NotEnoughShares));
        // A holder's share opens with their own key only.
        let other = unlock(&h[1].0, &h[1].1).unwrap();
        assert!(open_share(&other, &key.fingerprint, &key.shares[0]).is_err());
        // Relayed to another holder, it opens for that holder only.
        let relayed = relay_share(&opened[0], &key.fingerprint, &h[1].0.public_key).unwrap();
        assert_eq!(open_relayed(&other, &key.fingerprint, &relayed).unwrap(), opened[0]);
        assert!(open_relayed(&unlock(&h[2].0, &h[2].1).unwrap(), &key.fingerprint, &relayed).is_err());
        // Shares of another key do not make this one.
        let key2 = new_envelope_key(&h.iter().map(|(k, _)| k.public_key.clone()).collect::<Vec<_>>()).unwrap();
        let s2 = open_share(&unlock(&h[1].0, &h[1].1).unwrap(), &key2.fingerprint, &key2.shares[1]).unwrap();
        assert!(combine(&[opened[0].clone(), s2], &key.public_key).is_err());
    }

    fn test_key() -> (NewEnvelopeKey, EnvelopeSecret) {
        let h = holders(2);
        let key = new_envelope_key(&h.iter().map(|(k, _)| k.public_key.clone()).collect::<Vec<_>>()).unwrap();
        let shares: Vec<Vec<u8>> =
            h.iter().zip(&key.shares).map(|((k, pw), s)| open_share(&unlock(k, pw).unwrap(), &key.fingerprint, s).unwrap()).collect();
        let secret = combine(&shares, &key.public_key).unwrap();
        (key, secret)
    }

    #[test]
    fn a_stream_opens_whole_and_in_order_only() {
        let (key, secret) = test_key();
        for len in [0usize, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let sealed = seal_all(&key.public_key, "t1 o2 d3", &data, 10_000);
            assert_eq!(sealed.len() as u64, sealed_len(len as u64), "{len}");
            assert!(well_formed(&sealed[..STREAM_HEADER], sealed.len() as u64, len as u64));
            assert_eq!(open_all(&secret, "t1 o2 d3", &sealed).unwrap(), data, "{len}");
            assert!(open_all(&secret, "t1 o9 d3", &sealed).is_err(), "bound to its part");
        }
        let data = vec![42u8; 3 * CHUNK + 5];
        let sealed = seal_all(&key.public_key, "b", &data, CHUNK);
        // Cut short after a whole chunk: the new last chunk is not marked last.
        assert!(open_all(&secret, "b", &sealed[..STREAM_HEADER + 2 * SEALED_CHUNK]).is_err());
        // Two chunks swapped.
        let mut swapped = sealed[..STREAM_HEADER].to_vec();
        swapped.extend_from_slice(&sealed[STREAM_HEADER + SEALED_CHUNK..STREAM_HEADER + 2 * SEALED_CHUNK]);
        swapped.extend_from_slice(&sealed[STREAM_HEADER..STREAM_HEADER + SEALED_CHUNK]);
        swapped.extend_from_slice(&sealed[STREAM_HEADER + 2 * SEALED_CHUNK..]);
        assert!(open_all(&secret, "b", &swapped).is_err());
        // One bit flipped.
        let mut flipped = sealed.clone();
        flipped[STREAM_HEADER + 100] ^= 1;
        assert!(open_all(&secret, "b", &flipped).is_err());
        // The plaintext is nowhere in the sealed bytes.
        assert!(!sealed.windows(64).any(|w| w == &data[..64]));
    }

    #[test]
    fn a_small_part_opens_for_its_binding_and_hides_its_length() {
        let (key, secret) = test_key();
        let a = seal_small(&key.public_key, "prijs", "{\"prijs_cent\":\"000000123456789\"}").unwrap();
        assert!(is_sealed_text(&a) && !a.contains("123456789"));
        assert_eq!(open_small(&secret, "prijs", &a).unwrap(), "{\"prijs_cent\":\"000000123456789\"}");
        assert!(open_small(&secret, "ander", &a).is_err());
        let b = seal_small(&key.public_key, "prijs", "x").unwrap();
        assert_eq!(a.len(), b.len(), "short texts seal to the same length");
    }
}
