//! The audit trail's canonical encoding and its verifier.
//!
//! Every state change writes one [`Entry`]. What is hashed, version 1:
//!
//! * `entry bytes` = `"dialoog-audit-v1\n"` followed by the RFC 8785 (JCS) encoding
//!   of the entry object. All numbers in it are strings (JCS rounds integers above
//!   2^53), times are RFC 3339 UTC with microseconds and a `Z`.
//! * leaf hash = SHA-256(0x00 || entry bytes) (RFC 6962 leaf);
//!   the tree head is the RFC 6962 Merkle Tree Hash over all leaf hashes.
//! * `prev` = the leaf hash of the previous entry of the whole log (64 zeros for the
//!   first); `tprev` = the leaf hash of the previous entry of the same tender, so a
//!   one-tender export forms a chain (and tree) of its own.
//! * `commitment` = SHA-256("dialoog-audit-payload-v1\n" || salt (32 bytes) ||
//!   JCS(payload)). Payload and salt are stored apart and can be erased; the entry
//!   never holds names, e-mail addresses or IP addresses.
//!
//! An export is JSON Lines; each line is the JCS encoding of an [`ExportLine`], so
//! any changed byte either breaks the canonical form or changes a hashed value.

use super::merkle::{self, Hash, StreamingRoot};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const ENTRY_DOMAIN: &[u8] = b"dialoog-audit-v1\n";
pub const PAYLOAD_DOMAIN: &[u8] = b"dialoog-audit-payload-v1\n";

/// The action of the erasure procedure's own event. Its payload names the
/// sequence numbers (of the whole log) whose payloads it erased, as
/// `{"events": ["12", "40"], ...}`; an erased payload verifies only when a
/// later erasure event of the same export names it, and an erasure event's own
/// payload is never erased.
pub const ERASURE_ACTION: &str = "audit.payload_erased";
pub const ZERO_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One event of the audit trail, exactly as hashed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Encoding version, "1".
    pub v: String,
    /// Gapless sequence number of the whole log, from "1".
    pub seq: String,
    /// RFC 3339 UTC instant.
    pub time: String,
    /// Tender id, when the event belongs to a tender.
    pub tender: Option<String>,
    /// Gapless sequence number within the tender.
    pub tseq: Option<String>,
    /// Leaf hash of the previous event of the same tender.
    pub tprev: Option<String>,
    /// Pseudonymous actor id (never a name).
    pub actor: String,
    /// The role in which the actor acted.
    pub role: String,
    /// What happened, e.g. "auth.login".
    pub action: String,
    /// What it happened to, e.g. "tender:1".
    pub subject: String,
    /// Salted commitment of the payload.
    pub commitment: String,
    /// Leaf hash of the previous event of the whole log.
    pub prev: String,
}

impl Entry {
    /// The bytes that are hashed into the leaf.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let mut out = ENTRY_DOMAIN.to_vec();
        out.extend_from_slice(
            serde_jcs::to_string(self).expect("an entry always serialises").as_bytes(),
        );
        out
    }

    pub fn leaf_hash(&self) -> Hash {
        merkle::leaf_hash(&self.canonical_bytes())
    }
}

/// SHA-256(domain || salt || JCS(payload)), hex.
pub fn commitment(salt: &[u8], payload: &serde_json::Value) -> String {
    let mut h = Sha256::new();
    h.update(PAYLOAD_DOMAIN);
    h.update(salt);
    h.update(serde_jcs::to_string(payload).expect("json value serialises").as_bytes());
    hex::encode(h.finalize())
}

/// One line of an export.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportLine {
    pub entry: Entry,
    /// The leaf hash of `entry`, hex.
    pub hash: String,
    /// The payload, or null when it was erased.
    pub payload: Option<serde_json::Value>,
    /// The 32-byte salt, hex, or null when erased.
    pub salt: Option<String>,
    /// Why this export does not show the payload (for this reader, at this
    /// moment): then payload and salt are null, and no erasure event is needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verzegeld: Option<String>,
}

/// A line of an export that shows only an event's hash, not the event: its
/// reader may not yet see it (a bid before the opening). The chain and the
/// tree still verify, since both need only the hash.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealedLine {
    pub hash: String,
    pub verzegeld: String,
}

impl SealedLine {
    pub fn to_line(&self) -> String {
        serde_jcs::to_string(self).expect("a sealed line serialises")
    }
}

/// What an export or page shows of one event to its reader now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disclosure {
    /// The entry and its payload.
    Whole,
    /// The entry; the payload is withheld (its commitment still binds it).
    EntryOnly(&'static str),
    /// Only the hash: that an event took place, not what.
    HashOnly(&'static str),
}

/// Where a tender stands, for what its trail may show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TrailStage {
    /// The four-eyes opening was confirmed.
    pub opened: bool,
    /// The consensus on quality was locked (pseudonyms revealed).
    pub consensus_locked: bool,
}

/// What a reader on the buyer's side (an inkoper or waarnemer, who may read
/// the trail of their own tenders) may see of an event now. Nothing sealed
/// becomes readable, linkable or inferable before its moment: before the
/// opening a bid's events show only their hash (not who, when, or how
/// large); until the consensus is locked their payloads (the parts' hashes
/// and sizes, which would link a plan to its bidder) and the consensus
/// scores stay withheld. Events of tenders the reader has no right to read
/// show only their hash; events outside tenders show their entry, not the
/// payload (names, e-mail addresses, typed user names).
pub fn disclosure(action: &str, tender: Option<Option<TrailStage>>) -> Disclosure {
    const BEFORE_OPENING: &str = "verzegeld tot de opening";
    const BEFORE_CONSENSUS: &str = "verzegeld tot de consensus is vastgesteld";
    match tender {
        None => Disclosure::EntryOnly("persoonsgegevens buiten de aanbesteding"),
        Some(None) => Disclosure::HashOnly("een andere aanbesteding"),
        Some(Some(stage)) => {
            let bid = action.starts_with("bid.");
            if bid && !stage.opened {
                Disclosure::HashOnly(BEFORE_OPENING)
            } else if (bid || action == "evaluation.consensus_saved") && !stage.consensus_locked {
                Disclosure::EntryOnly(BEFORE_CONSENSUS)
            } else {
                Disclosure::Whole
            }
        }
    }
}

impl ExportLine {
    pub fn to_line(&self) -> String {
        serde_jcs::to_string(self).expect("an export line serialises")
    }
}

/// The first line of an export: which chain it follows. Not hashed: verifying a
/// tender's own chain is as strict as verifying the whole log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub format: String,
    pub tender: Option<String>,
}

impl Header {
    pub const FORMAT: &'static str = "dialoog-audit-export-v1";

    pub fn new(tender: Option<String>) -> Self {
        Self { format: Self::FORMAT.into(), tender }
    }

    pub fn to_line(&self) -> String {
        serde_jcs::to_string(self).expect("header serialises")
    }

    fn scope(&self) -> Scope {
        match &self.tender {
            Some(t) => Scope::Tender(t.clone()),
            None => Scope::All,
        }
    }
}

/// Which chain an export follows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    All,
    Tender(String),
}

/// The head of a verified export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    pub scope: Scope,
    pub size: u64,
    pub root: Hash,
    pub erased_payloads: u64,
    /// Payloads this export withholds from its reader (entry shown).
    pub withheld_payloads: u64,
    /// Events this export shows only as their hash.
    pub sealed_events: u64,
}

/// The first problem found, with the sequence number it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Broken {
    /// Sequence number of the first bad event (in the export's own numbering:
    /// `seq` for a whole-log export, `tseq` for a tender export).
    pub seq: u64,
    pub reason: String,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "event {}: {}", self.seq, self.reason)
    }
}

/// What an export must end in, when the verifier was given a head.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectedHead {
    /// Tree size, when known (a checkpoint has one; a bare hash has none).
    pub size: Option<u64>,
    pub root: Hash,
}

/// Streaming verifier: feed lines in order, then call [`Verifier::finish`].
/// A clone carries on from where it stands (a verified prefix kept for later).
#[derive(Clone, Debug)]
pub struct Verifier {
    scope: Option<Scope>,
    count: u64,
    prev: String,
    tree: StreamingRoot,
    erased: u64,
    /// Payloads and whole events this export does not show its reader.
    withheld: u64,
    sealed: u64,
    /// Erased payloads not yet named by a later erasure event: the log's
    /// sequence number -> the export's own number of that event.
    unexplained: std::collections::BTreeMap<u64, u64>,
    expected: Option<ExpectedHead>,
    /// Root when the tree had the expected size (checked on the way).
    root_at_expected: Option<Hash>,
}

impl Verifier {
    /// A verifier for an export of `scope` (None: decided by the header line, else the whole log).
    pub fn new(scope: Option<Scope>, expected: Option<ExpectedHead>) -> Self {
        Self {
            scope,
            count: 0,
            prev: ZERO_HASH.to_string(),
            tree: StreamingRoot::new(),
            erased: 0,
            withheld: 0,
            sealed: 0,
            unexplained: std::collections::BTreeMap::new(),
            expected,
            root_at_expected: None,
        }
    }

    fn broken(&self, reason: impl Into<String>) -> Broken {
        Broken { seq: self.count + 1, reason: reason.into() }
    }

    /// Checks the next line (without its line break). The first line may be the
    /// export header, which names the scope.
    pub fn push_line(&mut self, line: &str) -> Result<(), Broken> {
        if self.count == 0 && self.scope.is_none() {
            if let Ok(h) = serde_json::from_str::<Header>(line) {
                self.scope = Some(h.scope());
                return Ok(());
            }
        }
        let parsed: ExportLine = match serde_json::from_str(line) {
            Ok(p) => p,
            Err(e) => match serde_json::from_str::<SealedLine>(line) {
                Ok(sealed) => {
                    if sealed.to_line() != line {
                        return Err(self.broken("regel is niet in canonieke vorm (gewijzigd)"));
                    }
                    return self.push_sealed(&sealed);
                }
                Err(_) => return Err(self.broken(format!("regel is geen geldig exportregel: {e}"))),
            },
        };
        if parsed.to_line() != line {
            return Err(self.broken("regel is niet in canonieke vorm (gewijzigd)"));
        }
        self.push(&parsed)
    }

    /// Takes an event the export shows only as its hash: the chain and the
    /// tree go on with it; the next event's link must name it.
    pub fn push_sealed(&mut self, line: &SealedLine) -> Result<(), Broken> {
        let leaf = merkle::parse_hash(&line.hash).ok_or_else(|| self.broken("ongeldige hash"))?;
        if line.verzegeld.trim().is_empty() {
            return Err(self.broken("een verzegeld event zonder reden"));
        }
        self.prev = line.hash.clone();
        self.tree.push(leaf);
        self.count += 1;
        self.sealed += 1;
        if let Some(exp) = &self.expected {
            if exp.size == Some(self.count) {
                self.root_at_expected = Some(self.tree.root());
            }
        }
        Ok(())
    }

    /// Checks the next parsed line.
    pub fn push(&mut self, line: &ExportLine) -> Result<(), Broken> {
        let e = &line.entry;
        let expected_no = self.count + 1;
        if e.v != "1" {
            return Err(self.broken(format!("onbekende versie {}", e.v)));
        }
        if self.scope.is_none() {
            self.scope = Some(Scope::All);
        }
        let (no, prev) = match self.scope.as_ref().expect("set above") {
            Scope::All => (e.seq.as_str(), e.prev.as_str()),
            Scope::Tender(t) => {
                if e.tender.as_deref() != Some(t.as_str()) {
                    return Err(self.broken("event hoort niet bij deze aanbesteding"));
                }
                (
                    e.tseq.as_deref().unwrap_or(""),
                    e.tprev.as_deref().unwrap_or(""),
                )
            }
        };
        if no != expected_no.to_string() {
            return Err(self.broken(format!(
                "volgnummer {no} waar {expected_no} verwacht werd (event ontbreekt, is ingevoegd of verplaatst)"
            )));
        }
        let leaf = e.leaf_hash();
        if hex::encode(leaf) != line.hash {
            return Err(self.broken("de hash van het event klopt niet (inhoud gewijzigd)"));
        }
        if prev != self.prev {
            return Err(self.broken("de verwijzing naar het vorige event klopt niet"));
        }
        match (&line.payload, &line.salt) {
            (Some(_), _) | (_, Some(_)) if line.verzegeld.is_some() => {
                return Err(self.broken("een verzegelde payload hoort leeg te zijn"))
            }
            (Some(p), Some(salt_hex)) => {
                let salt = hex::decode(salt_hex)
                    .ok()
                    .filter(|s| s.len() == 32)
                    .ok_or_else(|| self.broken("ongeldige salt"))?;
                if commitment(&salt, p) != e.commitment {
                    return Err(self.broken("de inhoud (payload) past niet bij de vastlegging"));
                }
                if e.action == ERASURE_ACTION {
                    let own: u64 = e.seq.parse().map_err(|_| self.broken("ongeldig volgnummer"))?;
                    for named in p.get("events").and_then(|v| v.as_array()).into_iter().flatten() {
                        let n = named.as_str().and_then(|s| s.parse::<u64>().ok()).or_else(|| named.as_u64());
                        if let Some(n) = n.filter(|n| *n < own) {
                            self.unexplained.remove(&n);
                        }
                    }
                }
            }
            (None, None) if line.verzegeld.is_some() => self.withheld += 1,
            (None, None) => {
                if e.action == ERASURE_ACTION {
                    return Err(self.broken("de inhoud van een wisgebeurtenis is gewist"));
                }
                let seq: u64 = e.seq.parse().map_err(|_| self.broken("ongeldig volgnummer"))?;
                self.unexplained.insert(seq, expected_no);
                self.erased += 1
            }
            _ => return Err(self.broken("payload en salt horen samen")),
        }
        self.prev = line.hash.clone();
        self.tree.push(leaf);
        self.count += 1;
        if let Some(exp) = &self.expected {
            if exp.size == Some(self.count) {
                self.root_at_expected = Some(self.tree.root());
            }
        }
        Ok(())
    }

    /// Ends the stream: checks the expected head (truncation) and returns the head.
    pub fn finish(self) -> Result<Verified, Broken> {
        if let Some(first) = self.unexplained.values().min() {
            return Err(Broken {
                seq: *first,
                reason: "de inhoud (payload) is gewist, maar geen latere wisgebeurtenis in deze export legt dat vast".into(),
            });
        }
        let root = self.tree.root();
        if let Some(exp) = &self.expected {
            match exp.size {
                Some(n) if n > self.count => {
                    return Err(Broken {
                        seq: self.count + 1,
                        reason: format!(
                            "export eindigt na {} events, het controlepunt telt er {n} (ingekort)",
                            self.count
                        ),
                    })
                }
                Some(n) => {
                    if self.root_at_expected != Some(exp.root) && !(n == 0 && exp.root == merkle::empty_root()) {
                        return Err(Broken {
                            seq: n.min(self.count).max(1),
                            reason: format!("de boomwortel bij {n} events komt niet overeen met het controlepunt"),
                        });
                    }
                }
                None => {
                    if root != exp.root {
                        return Err(Broken {
                            seq: self.count + 1,
                            reason: "de boomwortel komt niet overeen met de opgegeven kop (ingekort of gewijzigd)".into(),
                        });
                    }
                }
            }
        }
        Ok(Verified {
            scope: self.scope.unwrap_or(Scope::All),
            size: self.count,
            root,
            erased_payloads: self.erased,
            withheld_payloads: self.withheld,
            sealed_events: self.sealed,
        })
    }
}

/// Verifies a whole export held in memory.
pub fn verify_export(text: &str, expected: Option<ExpectedHead>) -> Result<Verified, Broken> {
    let mut v = Verifier::new(None, expected);
    for line in text.lines().filter(|l| !l.is_empty()) {
        v.push_line(line)?;
    }
    v.finish()
}

/// What an entry is made of, before it is chained.
pub struct NewEntry<'a> {
    pub seq: u64,
    pub time: &'a str,
    /// (tender, its own sequence number, the hash of its previous event)
    pub tender: Option<(&'a str, u64, &'a str)>,
    pub actor: &'a str,
    pub role: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    pub commitment: String,
    /// The hash of the previous entry of the whole log.
    pub prev: &'a str,
}

/// Builds an entry chained after `prev` (used by the store and by tests and benchmarks).
pub fn make_entry(n: NewEntry<'_>) -> Entry {
    Entry {
        v: "1".into(),
        seq: n.seq.to_string(),
        time: n.time.to_string(),
        tender: n.tender.map(|t| t.0.to_string()),
        tseq: n.tender.map(|t| t.1.to_string()),
        tprev: n.tender.map(|t| t.2.to_string()),
        actor: n.actor.into(),
        role: n.role.into(),
        action: n.action.into(),
        subject: n.subject.into(),
        commitment: n.commitment,
        prev: n.prev.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A log of `n` events alternating between tender "1" and no tender.
    fn sample(n: u64) -> Vec<ExportLine> {
        let mut out = Vec::new();
        let mut prev = ZERO_HASH.to_string();
        let mut tprev = ZERO_HASH.to_string();
        let mut tseq = 0;
        for seq in 1..=n {
            let salt = [seq as u8; 32];
            let payload = serde_json::json!({"n": seq.to_string(), "naam": "Jansen"});
            let c = commitment(&salt, &payload);
            let in_tender = seq % 2 == 1;
            if in_tender {
                tseq += 1;
            }
            let t = in_tender.then_some(("1", tseq, tprev.as_str()));
            let e = make_entry(NewEntry {
                seq,
                time: "2023-05-17T08:00:00.000000Z",
                tender: t,
                actor: "u-1",
                role: "inkoper",
                action: "test.event",
                subject: "tender:1",
                commitment: c,
                prev: &prev,
            });
            let hash = hex::encode(e.leaf_hash());
            prev = hash.clone();
            if in_tender {
                tprev = hash.clone();
            }
            out.push(ExportLine { entry: e, hash, payload: Some(payload), salt: Some(hex::encode(salt)), verzegeld: None });
        }
        out
    }

    fn text(lines: &[ExportLine]) -> String {
        lines.iter().map(|l| l.to_line() + "\n").collect()
    }

    #[test]
    fn an_intact_export_verifies_and_gives_the_merkle_root() {
        let lines = sample(10);
        let v = verify_export(&text(&lines), None).unwrap();
        assert_eq!(v.size, 10);
        let leaves: Vec<Hash> = lines.iter().map(|l| l.entry.leaf_hash()).collect();
        assert_eq!(v.root, merkle::root_of(&leaves));
        assert_eq!(v.scope, Scope::All);
    }

    #[test]
    fn changing_any_single_byte_of_any_event_is_detected_at_that_event() {
        let lines = sample(6);
        let full = text(&lines);
        let mut offset = 0;
        for (i, line) in full.lines().enumerate() {
            for pos in 0..line.len() {
                let mut bytes = full.as_bytes().to_vec();
                bytes[offset + pos] ^= 0x01;
                let Ok(s) = String::from_utf8(bytes) else { continue };
                let err = verify_export(&s, None).expect_err(&format!("byte {pos} of line {i} changed"));
                assert_eq!(err.seq, i as u64 + 1, "line {i} byte {pos}: {err}");
            }
            offset += line.len() + 1;
        }
    }

    #[test]
    fn a_removed_inserted_or_reordered_event_is_detected() {
        let lines = sample(6);
        let mut removed = lines.clone();
        removed.remove(3);
        assert_eq!(verify_export(&text(&removed), None).unwrap_err().seq, 4);

        let mut inserted = lines.clone();
        inserted.insert(2, lines[4].clone());
        assert_eq!(verify_export(&text(&inserted), None).unwrap_err().seq, 3);

        let mut swapped = lines.clone();
        swapped.swap(1, 2);
        assert_eq!(verify_export(&text(&swapped), None).unwrap_err().seq, 2);
    }

    #[test]
    fn truncation_is_detected_against_a_head_or_checkpoint() {
        let lines = sample(8);
        let head = verify_export(&text(&lines), None).unwrap();
        let cut = text(&lines[..6]);
        // plain head hash
        let e = verify_export(&cut, Some(ExpectedHead { size: None, root: head.root })).unwrap_err();
        assert_eq!(e.seq, 7);
        // checkpoint with size
        let e = verify_export(&cut, Some(ExpectedHead { size: Some(8), root: head.root })).unwrap_err();
        assert_eq!(e.seq, 7);
        // a longer export still matches an older checkpoint
        let older = verify_export(&text(&lines[..5]), None).unwrap();
        verify_export(&text(&lines), Some(ExpectedHead { size: Some(5), root: older.root })).unwrap();
        // but not a forged one
        let e = verify_export(&text(&lines), Some(ExpectedHead { size: Some(5), root: head.root }));
        assert!(e.is_err());
    }

    /// Appends an event to a whole-log export (no tender), chained after the last.
    fn append(lines: &mut Vec<ExportLine>, action: &str, payload: serde_json::Value) {
        let seq = lines.len() as u64 + 1;
        let prev = lines.last().map(|l| l.hash.clone()).unwrap_or_else(|| ZERO_HASH.to_string());
        let salt = [seq as u8; 32];
        let e = make_entry(NewEntry {
            seq,
            time: "2023-05-18T08:00:00.000000Z",
            tender: None,
            actor: "systeem",
            role: "systeem",
            action,
            subject: "audit",
            commitment: commitment(&salt, &payload),
            prev: &prev,
        });
        let hash = hex::encode(e.leaf_hash());
        lines.push(ExportLine { entry: e, hash, payload: Some(payload), salt: Some(hex::encode(salt)), verzegeld: None });
    }

    #[test]
    fn an_erased_payload_verifies_only_when_a_later_erasure_event_names_it() {
        let mut lines = sample(4);
        lines[1].payload = None;
        lines[1].salt = None;
        // Stripped without the erasure procedure: refused at that event.
        let e = verify_export(&text(&lines), None).unwrap_err();
        assert_eq!(e.seq, 2, "{e}");
        assert!(e.reason.contains("wisgebeurtenis"), "{e}");
        // An erasure event that names another event does not cover it.
        let mut other = lines.clone();
        append(&mut other, ERASURE_ACTION, serde_json::json!({"events": ["3"], "reden": "AVG-verzoek"}));
        assert_eq!(verify_export(&text(&other), None).unwrap_err().seq, 2);
        // Named by a later erasure event: verifies.
        append(&mut lines, ERASURE_ACTION, serde_json::json!({"events": ["2"], "reden": "AVG-verzoek"}));
        let v = verify_export(&text(&lines), None).unwrap();
        assert_eq!(v.erased_payloads, 1);
        // The erasure event's own payload cannot be erased.
        let mut gone = lines.clone();
        gone[4].payload = None;
        gone[4].salt = None;
        assert_eq!(verify_export(&text(&gone), None).unwrap_err().seq, 5);
        // An erasure event before the erased event does not count.
        let mut early = sample(0);
        append(&mut early, ERASURE_ACTION, serde_json::json!({"events": ["2"], "reden": "x"}));
        append(&mut early, "test.event", serde_json::json!({"naam": "Jansen"}));
        early[1].payload = None;
        early[1].salt = None;
        assert_eq!(verify_export(&text(&early), None).unwrap_err().seq, 2);
        // but a payload that was altered (not erased) is caught
        let mut lines = sample(4);
        lines[2].payload = Some(serde_json::json!({"n": "3", "naam": "Pietersen"}));
        assert_eq!(verify_export(&text(&lines), None).unwrap_err().seq, 3);
    }

    #[test]
    fn sealed_events_and_withheld_payloads_keep_the_export_verifiable_and_are_counted() {
        let lines = sample(6);
        let full = verify_export(&text(&lines), None).unwrap();
        let mut out = String::new();
        for (i, l) in lines.iter().enumerate() {
            out += &match i {
                1 => SealedLine { hash: l.hash.clone(), verzegeld: "verzegeld tot de opening".into() }.to_line(),
                3 => ExportLine { payload: None, salt: None, verzegeld: Some("verzegeld tot de consensus".into()), ..l.clone() }.to_line(),
                _ => l.to_line(),
            };
            out.push('\n');
        }
        let v = verify_export(&out, Some(ExpectedHead { size: Some(6), root: full.root })).unwrap();
        assert_eq!((v.sealed_events, v.withheld_payloads, v.erased_payloads), (1, 1, 0));
        assert_eq!(v.root, full.root);
        // A sealed line with another hash breaks the chain at the next event.
        let forged = out.replacen(&lines[1].hash, &lines[2].hash, 1);
        assert!(verify_export(&forged, None).is_err());
        // A withheld payload that is not empty is refused.
        let half = ExportLine { verzegeld: Some("x".into()), ..lines[2].clone() }.to_line();
        assert!(verify_export(&(text(&lines[..2]) + &half + "\n"), None).is_err());
    }

    #[test]
    fn a_reader_on_the_buyers_side_sees_a_bid_only_at_its_moment() {
        let before = TrailStage { opened: false, consensus_locked: false };
        let opened = TrailStage { opened: true, consensus_locked: false };
        let locked = TrailStage { opened: true, consensus_locked: true };
        assert!(matches!(disclosure("bid.part_stored", Some(Some(before))), Disclosure::HashOnly(_)));
        assert!(matches!(disclosure("bid.submitted", Some(Some(opened))), Disclosure::EntryOnly(_)));
        assert_eq!(disclosure("bid.submitted", Some(Some(locked))), Disclosure::Whole);
        assert!(matches!(disclosure("evaluation.consensus_saved", Some(Some(opened))), Disclosure::EntryOnly(_)));
        assert_eq!(disclosure("nvi.published", Some(Some(before))), Disclosure::Whole);
        assert!(matches!(disclosure("nvi.published", Some(None)), Disclosure::HashOnly(_)), "another tender");
        assert!(matches!(disclosure("auth.login_failed", None), Disclosure::EntryOnly(_)));
    }

    #[test]
    fn a_tender_export_verifies_on_its_own_chain() {
        let lines = sample(9);
        let tender: Vec<ExportLine> = lines.iter().filter(|l| l.entry.tender.is_some()).cloned().collect();
        let header = Header::new(Some("1".into())).to_line() + "\n";
        let v = verify_export(&(header.clone() + &text(&tender)), None).unwrap();
        assert_eq!(v.scope, Scope::Tender("1".into()));
        assert_eq!(v.size, 5);
        let mut gap = tender.clone();
        gap.remove(2);
        assert_eq!(verify_export(&(header.clone() + &text(&gap)), None).unwrap_err().seq, 3);
        // without its header it is not a valid whole-log export
        assert!(verify_export(&text(&tender), None).is_err());
    }

    #[test]
    fn canonical_entry_starts_with_the_domain_tag_and_sorts_keys() {
        let e = &sample(1)[0].entry;
        let b = String::from_utf8(e.canonical_bytes()).unwrap();
        assert!(b.starts_with("dialoog-audit-v1\n{\"action\":"));
    }
}
