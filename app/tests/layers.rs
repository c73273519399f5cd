//! The store's modules form layers (see `store/mod.rs`): each uses only its
//! own layer and the layers before it, and no two modules import each other,
//! directly or around a circle. Read from the sources, so a new import that
//! breaks the order fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const LAYERS: &[&[&str]] = &[
    &["entities", "column", "clock", "event", "op", "audit", "checkpoint", "files", "messages", "session_store", "throttle"],
    &["users", "second_factor", "invitations", "erasure", "administration", "tenders", "organisations", "documents", "nvi", "dialogue", "award", "sealing", "bids", "evaluation"],
    &["procedure"],
    &["opening", "buyers", "decision", "contract", "team", "setup", "agenda", "bootstrap", "availability"],
];

fn layer_of(m: &str) -> usize {
    LAYERS.iter().position(|l| l.contains(&m)).unwrap_or_else(|| panic!("store module {m} is in no layer of this test"))
}

/// Which store modules each store module names (`super::x`, `super::super::x`
/// from a sub-module, `crate::store::x`).
fn store_graph(dir: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = vec![];
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            for f in std::fs::read_dir(&p).unwrap() {
                files.push((name.clone(), f.unwrap().path(), true));
            }
        } else if p.extension().is_some_and(|x| x == "rs") && p.file_stem().unwrap() != "mod" {
            files.push((p.file_stem().unwrap().to_string_lossy().to_string(), p, false));
        }
    }
    let names: BTreeSet<String> = files.iter().map(|(n, _, _)| n.clone()).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, path, nested) in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let code: String = text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
        let prefixes: &[&str] = if *nested { &["super::super::", "crate::store::"] } else { &["super::", "crate::store::"] };
        let used = graph.entry(module.clone()).or_default();
        for prefix in prefixes {
            for (i, _) in code.match_indices(prefix) {
                let rest = &code[i + prefix.len()..];
                let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                let braced: Vec<String> = if rest.starts_with('{') {
                    rest[1..rest.find('}').unwrap_or(1)].split(',').map(|s| s.trim().split("::").next().unwrap_or("").to_string()).collect()
                } else {
                    vec![name]
                };
                for n in braced {
                    if names.contains(&n) && &n != module {
                        used.insert(n);
                    }
                }
            }
        }
    }
    graph
}

#[test]
fn store_modules_use_only_their_own_layer_and_the_ones_before_it_and_never_each_other() {
    let graph = store_graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store"));
    let mut wrong = vec![];
    for (from, tos) in &graph {
        for to in tos {
            if layer_of(to) > layer_of(from) {
                wrong.push(format!("{from} (layer {}) uses {to} (layer {})", layer_of(from), layer_of(to)));
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the layers: {wrong:#?}");
    // No circles, also within a layer.
    fn visit(n: &str, g: &BTreeMap<String, BTreeSet<String>>, path: &mut Vec<String>, done: &mut BTreeSet<String>) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|x| x == n) {
            return Some(path[i..].to_vec());
        }
        if done.contains(n) {
            return None;
        }
        path.push(n.to_string());
        for m in g.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, g, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for n in graph.keys() {
        if let Some(circle) = visit(n, &graph, &mut vec![], &mut done) {
            panic!("store modules import each other: {}", circle.join(" -> "));
        }
    }
    // The test sees the imports it is about.
    assert!(graph["opening"].contains("evaluation") && graph["opening"].contains("bids"), "{:?}", graph["opening"]);
    assert!(graph["procedure"].contains("evaluation"));
}

#[test]
fn the_server_modules_do_not_import_each_other_in_a_circle() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/src");
    let modules = ["cli", "config", "startup", "web"];
    let mut edges = BTreeSet::new();
    for m in modules {
        let text = std::fs::read_to_string(dir.join(format!("{m}.rs"))).unwrap();
        for other in modules.iter().filter(|o| **o != m) {
            if text.contains(&format!("crate::{other}::")) || text.contains(&format!("use crate::{other};")) {
                edges.insert((m, *other));
            }
        }
    }
    for (a, b) in &edges {
        assert!(!edges.contains(&(*b, *a)), "{a} and {b} import each other");
    }
    assert!(edges.contains(&("cli", "startup")), "the test sees the imports it is about: {edges:?}");
}
