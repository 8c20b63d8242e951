//! A corpus: the documents under one directory, each named by its path relative to that
//! directory, so goldens and records do not depend on where the command runs or how the
//! directory was spelled.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::Glob;
use crate::error::Error;
use crate::input::{Body, Walk};

/// One corpus document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusDoc {
    /// Its path below the corpus root without the extension (`seeds/000_x`), or with it when
    /// another file in the same directory has the same stem (`a/x.md`, `a/x.txt`): the
    /// golden files' names and the records' `doc_id`.
    pub id: String,
    /// Its path below the corpus root, `/`-separated: the records' `source.path`.
    pub rel_path: String,
    /// Where to read it.
    pub path: PathBuf,
}

/// The documents under `root` with one of `exts` (recursively, sorted by path, hidden
/// entries skipped, as `zhpipe run DIR` takes them), minus those whose id or relative path
/// matches an `exclude` pattern.
pub fn discover(root: &Path, exts: &[String], exclude: &[Glob]) -> Result<Vec<CorpusDoc>, Error> {
    if !root.is_dir() {
        return Err(Error::Usage(format!("corpus {}: not a directory", root.display())));
    }
    let mut docs = Vec::new();
    for item in Walk::new(root, exts) {
        let path = match item.body {
            Body::File(p) => p,
            Body::Failed(e) => return Err(Error::Usage(format!("corpus: {e}"))),
            Body::Bytes(_) => unreachable!("a directory walk yields files"),
        };
        let below = path.strip_prefix(root).unwrap_or(&path);
        let parts: Vec<_> = below.components().map(|c| c.as_os_str().to_string_lossy()).collect();
        let rel_path = parts.join("/");
        let id = match rel_path.rsplit_once('.') {
            Some((stem, _)) if !stem.is_empty() && !stem.ends_with('/') => stem.to_owned(),
            _ => rel_path.clone(),
        };
        docs.push(CorpusDoc { id, rel_path, path });
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    docs.iter().for_each(|d| *seen.entry(d.id.clone()).or_default() += 1);
    for d in &mut docs {
        if seen[&d.id] > 1 {
            d.id = d.rel_path.clone();
        }
    }
    docs.retain(|d| !exclude.iter().any(|g| g.matches(&d.id) || g.matches(&d.rel_path)));
    if docs.is_empty() {
        return Err(Error::Usage(format!(
            "corpus {}: no documents (extensions {}{})",
            root.display(),
            exts.join(","),
            if exclude.is_empty() { "" } else { ", after --exclude" }
        )));
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_relative_to_the_root_however_it_is_spelled() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("c");
        for f in ["a/x.txt", "a/x.md", "b/y.txt", "real/z.txt", ".hidden.txt", "notes.csv"] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "主持人：你好。\n").unwrap();
        }
        let exts = vec!["txt".to_owned(), "md".to_owned()];
        let ids = |root: &Path| -> Vec<(String, String)> {
            let docs = discover(root, &exts, &[Glob::new("real/")]).unwrap();
            docs.into_iter().map(|d| (d.id, d.rel_path)).collect()
        };
        let want = vec![
            ("a/x.md".to_owned(), "a/x.md".to_owned()),
            ("a/x.txt".to_owned(), "a/x.txt".to_owned()),
            ("b/y".to_owned(), "b/y.txt".to_owned()),
        ];
        assert_eq!(ids(&root), want);
        assert_eq!(ids(&tmp.path().join("c/../c")), want);
    }
}
