//! The receipt (ontvangstbevestiging) a bidder gets for a submitted bid, and
//! its self-contained verification: the audit entry hashes to the leaf, the
//! entry's salted commitment covers the listed part hashes, and the RFC 9162
//! inclusion proof leads from the leaf to the checkpoint's root. Comparing that
//! root with a later export or signed checkpoint is the CLI's part.

use super::audit::{commitment, Entry};
use super::merkle::{self, parse_hash};
use serde::{Deserialize, Serialize};

/// The receipt's format: v2 binds every field it shows into the audit event
/// (see [`shown_digest`]); v1 receipts (issued before) bound only the parts
/// and the receipt time.
pub const FORMAT: &str = "dialoog-ontvangstbevestiging-v2";
pub const FORMAT_V1: &str = "dialoog-ontvangstbevestiging-v1";
const SHOWN_DOMAIN: &[u8] = b"dialoog-ontvangstbevestiging-v2\n";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReceiptPart {
    pub envelop: String,
    pub naam: String,
    /// Original file name (the bidder's own receipt only), or "formulier".
    pub bestandsnaam: String,
    /// Size in bytes, as a string (no float rounding in JSON tools).
    pub grootte: String,
    pub sha256: String,
    /// Where a sealed file was sealed: "in de browser van de inschrijver" (the
    /// server never saw its plaintext; its fingerprint is the browser's claim,
    /// checked at the opening) or "op de server" (sealed as it arrived).
    /// Absent for forms and on receipts of before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verzegeld: Option<String>,
}

/// How a receipt says where a part was sealed.
pub const SEALED_IN_BROWSER: &str = "in de browser van de inschrijver";
pub const SEALED_ON_SERVER: &str = "op de server";

/// The words for where a part was sealed, as stored ("browser" or "server").
pub fn sealed_in_words(stored: &str) -> &'static str {
    if stored == "browser" {
        SEALED_IN_BROWSER
    } else {
        SEALED_ON_SERVER
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReceiptProof {
    /// Sequence number of the audit event (1-based).
    pub seq: String,
    /// Leaf index in the Merkle tree (seq - 1).
    pub leaf_index: String,
    pub leaf_hash: String,
    /// The audit entry exactly as hashed (after the domain tag).
    pub entry: Entry,
    /// Salt and payload of the entry's commitment.
    pub salt: String,
    pub payload: serde_json::Value,
    pub tree_size: String,
    pub root_hash: String,
    /// RFC 9162 audit path, leaf upwards.
    pub inclusion_proof: Vec<String>,
    /// Signed checkpoint (C2SP tlog-checkpoint note) of `tree_size` and `root_hash`.
    pub checkpoint: String,
    /// The log's Ed25519 public key (hex), as published by the buyer.
    pub public_key: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    pub format: String,
    pub aanbesteding: String,
    pub kenmerk: String,
    pub organisatie: String,
    pub kvk: String,
    /// Shown as Dutch local time with offset, e.g. "30-06-2023 11:59 (+02:00)".
    pub ontvangen_op: String,
    pub ontvangen_op_rfc3339: String,
    /// The how-manieth submission of this bid (after a withdrawal, a new one).
    pub indiening: String,
    pub onderdelen: Vec<ReceiptPart>,
    /// The 32-byte salt (hex) of [`shown_digest`] (v2).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub zout: String,
    pub audit: ReceiptProof,
}

/// What a receipt shows.
#[derive(Clone, Debug, Serialize)]
pub struct Shown<'a> {
    pub aanbesteding: &'a str,
    pub kenmerk: &'a str,
    pub organisatie: &'a str,
    pub kvk: &'a str,
    pub ontvangen_op: &'a str,
    pub ontvangen_op_rfc3339: &'a str,
    pub indiening: &'a str,
    pub onderdelen: &'a [ReceiptPart],
}

impl Receipt {
    pub fn shown(&self) -> Shown<'_> {
        Shown {
            aanbesteding: &self.aanbesteding,
            kenmerk: &self.kenmerk,
            organisatie: &self.organisatie,
            kvk: &self.kvk,
            ontvangen_op: &self.ontvangen_op,
            ontvangen_op_rfc3339: &self.ontvangen_op_rfc3339,
            indiening: &self.indiening,
            onderdelen: &self.onderdelen,
        }
    }
}

/// What a receipt shows, as its digest: SHA-256(domain || salt || JCS of the
/// tender, reference, organisation, KvK number, receipt time as shown and
/// exact, submission number and every part with its file name). The bid's
/// audit event holds this digest (`bevestiging`), so every field the receipt
/// shows is bound to the trail; the random salt keeps the digest from
/// telling anyone without the receipt which organisation it is about.
pub fn shown_digest(shown: &Shown<'_>, salt: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(SHOWN_DOMAIN);
    h.update(salt);
    h.update(serde_jcs::to_string(shown).expect("json serialises").as_bytes());
    hex::encode(h.finalize())
}

/// The payload of the "bid.submitted" audit event, from which the receipt's
/// part list must follow.
pub fn payload_parts(payload: &serde_json::Value) -> Vec<(String, String, String, String)> {
    payload["onderdelen"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    let s = |k: &str| p[k].as_str().unwrap_or_default().to_string();
                    (s("envelop"), s("naam"), s("grootte"), s("sha256"))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Checks everything a receipt proves on its own. Returns the tree size and root it commits to.
pub fn verify(r: &Receipt) -> Result<(u64, merkle::Hash), String> {
    if r.format != FORMAT && r.format != FORMAT_V1 {
        return Err(format!("onbekend formaat '{}'", r.format));
    }
    let p = &r.audit;
    let leaf = parse_hash(&p.leaf_hash).ok_or("leaf_hash is geen SHA-256")?;
    if p.entry.leaf_hash() != leaf {
        return Err("de audit-entry hasht niet naar leaf_hash".into());
    }
    if p.entry.action != "bid.submitted" {
        return Err(format!("de audit-entry is geen indiening maar '{}'", p.entry.action));
    }
    if p.entry.seq != p.seq {
        return Err("seq van de bevestiging en van de entry verschillen".into());
    }
    let salt = hex::decode(&p.salt).map_err(|_| "salt is geen hex")?;
    if commitment(&salt, &p.payload) != p.entry.commitment {
        return Err("de onderdelen en hun hashes horen niet bij deze audit-entry (commitment klopt niet)".into());
    }
    let listed: Vec<_> = r
        .onderdelen
        .iter()
        .map(|o| (o.envelop.clone(), o.naam.clone(), o.grootte.clone(), o.sha256.clone()))
        .collect();
    if payload_parts(&p.payload) != listed {
        return Err("de lijst van onderdelen wijkt af van wat in de audittrail is vastgelegd".into());
    }
    if p.payload["ontvangen_op"].as_str() != Some(r.ontvangen_op_rfc3339.as_str()) {
        return Err("het tijdstip van ontvangst wijkt af van de audittrail".into());
    }
    if r.format == FORMAT {
        let salt = hex::decode(&r.zout).ok().filter(|s| s.len() == 32).ok_or("het zout van de bevestiging ontbreekt of is ongeldig")?;
        if p.payload["bevestiging"].as_str() != Some(shown_digest(&r.shown(), &salt).as_str()) {
            return Err("wat de bevestiging toont (aanbesteding, organisatie, KvK-nummer, tijdstip of bestandsnamen) wijkt af van wat in de audittrail is vastgelegd".into());
        }
    }
    let seq: u64 = p.seq.parse().map_err(|_| "seq is geen getal")?;
    let index: u64 = p.leaf_index.parse().map_err(|_| "leaf_index is geen getal")?;
    if seq == 0 || index != seq - 1 {
        return Err("leaf_index hoort seq - 1 te zijn".into());
    }
    let size: u64 = p.tree_size.parse().map_err(|_| "tree_size is geen getal")?;
    let root = parse_hash(&p.root_hash).ok_or("root_hash is geen SHA-256")?;
    let proof = p
        .inclusion_proof
        .iter()
        .map(|h| parse_hash(h).ok_or("een hash in het inclusiebewijs is ongeldig"))
        .collect::<Result<Vec<_>, _>>()?;
    merkle::verify_inclusion(index, size, &leaf, &proof, &root).map_err(|e| format!("inclusiebewijs: {e}"))?;
    Ok((size, root))
}
