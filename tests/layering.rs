//! The library's modules form a layered graph: no module reaches, directly or through
//! others, back into a module that depends on it. Checked on the sources: every
//! `crate::a::…` path outside comments and test modules is an edge from the file's module
//! to `a` (top level), and, inside a module folder, every `super::b` or `crate::m::b` is an
//! edge between its children. A cycle fails the test, named.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a source file: `src/stages/strip/mod.rs` → `["stages", "strip"]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

/// The code of a file without its comments and its `#[cfg(test)]` module.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
    text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

/// The identifiers that follow each occurrence of `prefix` (`crate::a::b` → `["a", "b"]`).
fn paths_after<'a>(code: &'a str, prefix: &str) -> Vec<Vec<&'a str>> {
    let mut out = Vec::new();
    for (at, _) in code.match_indices(prefix) {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &code[at + prefix.len()..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        out.push(rest[..end].split("::").filter(|s| !s.is_empty()).collect());
    }
    out
}

fn graphs() -> (Graph, BTreeMap<String, Graph>) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut top = Graph::new();
    let mut inner: BTreeMap<String, Graph> = BTreeMap::new();
    for file in files {
        let module = module_of(&src, &file);
        let Some(first) = module.first() else { continue };
        let code = code(&fs::read_to_string(&file).unwrap());
        for path in paths_after(&code, "crate::") {
            let Some(target) = path.first() else { continue };
            if target != first {
                top.entry(first.clone()).or_default().insert(target.to_string());
            } else if module.len() >= 2 && path.len() >= 2 && path[1] != module[1] {
                let children = inner.entry(first.clone()).or_default();
                children.entry(module[1].clone()).or_default().insert(path[1].to_string());
            }
        }
        // `super::b` from a child `a::c` (a file directly in folder `a`) names the sibling `b`.
        if module.len() == 2 {
            for path in paths_after(&code, "super::") {
                if let Some(sibling) = path.first().filter(|s| **s != "super" && **s != module[1]) {
                    let children = inner.entry(first.clone()).or_default();
                    children.entry(module[1].clone()).or_default().insert(sibling.to_string());
                }
            }
        }
    }
    (top, inner)
}

/// A cycle of `graph`, if it has one (depth-first search, grey/black marking).
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        g: &Graph,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|s| s == n) {
            let mut cycle = stack[i..].to_vec();
            cycle.push(n.to_string());
            return Some(cycle);
        }
        if done.contains(n) {
            return None;
        }
        stack.push(n.to_string());
        for next in g.get(n).into_iter().flatten() {
            if let Some(c) = visit(next, g, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn top_level_modules_have_no_cycle() {
    let (top, _) = graphs();
    assert!(top.len() > 10, "too few modules read: {top:?}");
    if let Some(cycle) = find_cycle(&top) {
        panic!("module cycle: {}", cycle.join(" → "));
    }
}

#[test]
fn modules_inside_a_folder_have_no_cycle() {
    let (_, inner) = graphs();
    let cycles: Vec<String> = inner
        .iter()
        .filter_map(|(parent, g)| find_cycle(g).map(|c| format!("{parent}: {}", c.join(" → "))))
        .collect();
    assert!(cycles.is_empty(), "module cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_checker_finds_a_cycle() {
    let mut g = Graph::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    assert_eq!(find_cycle(&g), None);
    g.entry("c".into()).or_default().insert("a".into());
    assert_eq!(find_cycle(&g).map(|c| c.len()), Some(4));
}
