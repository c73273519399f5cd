//! RFC 6962 / RFC 9162 Merkle tree hashing over SHA-256.
//!
//! Why our own code rather than a crate: the verifier of an audit export and the
//! append path both need the tree head of a *stream* of leaves in O(log n) memory
//! (`StreamingRoot`), which the tree crates (that keep every node in memory) do
//! not offer. The functions are small, follow RFC 9162 section 2.1 to the letter
//! and are tested against the RFC 6962 test vectors and corrupted proofs.

use sha2::{Digest, Sha256};

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// The root of the empty tree: SHA-256 of the empty string.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// Leaf hash: SHA-256(0x00 || entry).
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(entry);
    h.finalize().into()
}

/// Interior node hash: SHA-256(0x01 || left || right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// Computes the tree head of a sequence of leaf hashes fed one at a time, keeping
/// only the roots of the perfect subtrees seen so far (at most 64 hashes).
#[derive(Clone, Debug, Default)]
pub struct StreamingRoot {
    /// Perfect subtree roots with their heights, largest (leftmost) first.
    stack: Vec<(u32, Hash)>,
    size: u64,
}

impl StreamingRoot {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends the next leaf hash.
    pub fn push(&mut self, leaf: Hash) {
        let mut cur = (0u32, leaf);
        while let Some(&(h, ref left)) = self.stack.last() {
            if h != cur.0 {
                break;
            }
            let merged = node_hash(left, &cur.1);
            self.stack.pop();
            cur = (h + 1, merged);
        }
        self.stack.push(cur);
        self.size += 1;
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The RFC 6962 Merkle Tree Hash of all leaves pushed so far.
    pub fn root(&self) -> Hash {
        let mut iter = self.stack.iter().rev();
        match iter.next() {
            None => empty_root(),
            Some(&(_, last)) => iter.fold(last, |acc, (_, left)| node_hash(left, &acc)),
        }
    }
}

/// Merkle Tree Hash of a slice of leaf hashes.
pub fn root_of(leaves: &[Hash]) -> Hash {
    let mut s = StreamingRoot::new();
    for l in leaves {
        s.push(*l);
    }
    s.root()
}

fn split_point(n: usize) -> usize {
    // Largest power of two strictly smaller than n (n >= 2).
    let mut k = 1usize;
    while k << 1 < n {
        k <<= 1;
    }
    k
}

/// The audit path PATH(m, D[n]) of RFC 9162 section 2.1.3.1, from the leaf upwards.
/// Returns `None` when `index >= leaves.len()`.
pub fn inclusion_proof(index: usize, leaves: &[Hash]) -> Option<Vec<Hash>> {
    if index >= leaves.len() {
        return None;
    }
    fn path(m: usize, d: &[Hash], out: &mut Vec<Hash>) {
        let n = d.len();
        if n <= 1 {
            return;
        }
        let k = split_point(n);
        if m < k {
            path(m, &d[..k], out);
            out.push(root_of(&d[k..]));
        } else {
            path(m - k, &d[k..], out);
            out.push(root_of(&d[..k]));
        }
    }
    let mut out = Vec::new();
    path(index, leaves, &mut out);
    Some(out)
}

/// Why an inclusion proof was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("leaf index {index} ligt buiten een boom van {size} bladeren")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("het bewijs heeft een verkeerde lengte")]
    WrongLength,
    #[error("de berekende boomwortel komt niet overeen")]
    RootMismatch,
}

/// Verifies an inclusion proof (RFC 9162 section 2.1.3.2).
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf: &Hash,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let mut fnode = index;
    let mut snode = size - 1;
    let mut r = *leaf;
    for p in proof {
        if snode == 0 {
            return Err(ProofError::WrongLength);
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(ProofError::WrongLength);
    }
    if &r != root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// Parses a lowercase or uppercase hex string of exactly 64 digits.
pub fn parse_hash(s: &str) -> Option<Hash> {
    let v = hex::decode(s).ok()?;
    v.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> Hash {
        parse_hash(s).unwrap()
    }

    // RFC 6962 test data (as used by certificate-transparency and sigstore).
    const LEAVES: [&[u8]; 8] = [
        b"",
        b"\x00",
        b"\x10",
        b"\x20\x21",
        b"\x30\x31",
        b"\x40\x41\x42\x43",
        b"\x50\x51\x52\x53\x54\x55\x56\x57",
        b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
    ];
    const ROOTS: [&str; 8] = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    fn leaf_hashes() -> Vec<Hash> {
        LEAVES.iter().map(|l| leaf_hash(l)).collect()
    }

    #[test]
    fn empty_tree_root_is_sha256_of_nothing() {
        assert_eq!(
            hex::encode(empty_root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(StreamingRoot::new().root(), empty_root());
    }

    #[test]
    fn roots_match_rfc6962_vectors_for_every_size() {
        let lh = leaf_hashes();
        for n in 1..=8 {
            assert_eq!(hex::encode(root_of(&lh[..n])), ROOTS[n - 1], "size {n}");
        }
    }

    #[test]
    fn inclusion_proofs_match_published_vectors() {
        let lh = leaf_hashes();
        let cases: [(usize, usize, &[&str]); 4] = [
            (0, 8, &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ]),
            (5, 8, &[
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ]),
            (2, 3, &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
            (1, 5, &[
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ]),
        ];
        for (idx, size, want) in cases {
            let proof = inclusion_proof(idx, &lh[..size]).unwrap();
            let want: Vec<Hash> = want.iter().map(|s| h(s)).collect();
            assert_eq!(proof, want, "proof for leaf {idx} in size {size}");
            verify_inclusion(idx as u64, size as u64, &lh[idx], &proof, &h(ROOTS[size - 1]))
                .expect("valid proof accepted");
        }
    }

    #[test]
    fn every_generated_proof_verifies_for_all_sizes_up_to_40() {
        let lh: Vec<Hash> = (0u32..40).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        for n in 1..=lh.len() {
            let root = root_of(&lh[..n]);
            for m in 0..n {
                let p = inclusion_proof(m, &lh[..n]).unwrap();
                verify_inclusion(m as u64, n as u64, &lh[m], &p, &root).unwrap();
            }
        }
    }

    #[test]
    fn corrupted_inclusion_proofs_are_rejected() {
        let lh = leaf_hashes();
        let some = h("abacaba000000000000000000000000000000000000000000060061e00123456");
        for size in 1..=8usize {
            let root = h(ROOTS[size - 1]);
            for idx in 0..size {
                let proof = inclusion_proof(idx, &lh[..size]).unwrap();
                let leaf = lh[idx];
                let (i, n) = (idx as u64, size as u64);
                // (index, size, leaf, proof, root, what is wrong)
                type Probe<'a> = (u64, u64, Hash, Vec<Hash>, Hash, &'a str);
                let mut probes: Vec<Probe> = vec![
                    (i.wrapping_sub(1), n, leaf, proof.clone(), root, "index - 1"),
                    (i + 1, n, leaf, proof.clone(), root, "index + 1"),
                    (i ^ 2, n, leaf, proof.clone(), root, "index ^ 2"),
                    (i, n / 2, leaf, proof.clone(), root, "size / 2"),
                    (i, n * 2, leaf, proof.clone(), root, "size * 2"),
                    (i, n, *b"WrongLeafWrongLeafWrongLeafWrong", proof.clone(), root, "wrong leaf"),
                    (i, n, leaf, proof.clone(), empty_root(), "empty root"),
                    (i, n, leaf, proof.clone(), some, "random root"),
                    (i, n, leaf, [proof.clone(), vec![[0u8; 32]]].concat(), root, "trailing garbage"),
                    (i, n, leaf, [proof.clone(), vec![root]].concat(), root, "trailing root"),
                    (i, n, leaf, [vec![[0u8; 32]], proof.clone()].concat(), root, "preceding garbage"),
                    (i, n, leaf, [vec![root], proof.clone()].concat(), root, "preceding root"),
                ];
                for k in 0..proof.len() {
                    let mut p = proof.clone();
                    p[k][k] ^= 4;
                    probes.push((i, n, leaf, p, root, "flipped bit"));
                }
                if !proof.is_empty() {
                    probes.push((i, n, leaf, proof[..proof.len() - 1].to_vec(), root, "truncated"));
                }
                for (pi, pn, pl, pp, pr, desc) in probes {
                    // A changed index can still be valid when it names the same leaf
                    // position in an equal tree; skip the probes that are identical.
                    if pi == i && pn == n && pl == leaf && pp == proof && pr == root {
                        continue;
                    }
                    assert!(
                        verify_inclusion(pi, pn, &pl, &pp, &pr).is_err(),
                        "accepted corrupted proof ({desc}) for leaf {idx} size {size}"
                    );
                }
            }
        }
    }
}
