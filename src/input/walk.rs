//! Directory inputs: a directory's text files, recursively, in path order, listed one
//! directory at a time as the run asks for them.

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::fs::{self, FileType};
use std::path::{Path, PathBuf};

use super::{failed, whole_path_id, Item};
use crate::error::DocErrorKind;

/// The text files under one directory (extension in `exts`, compared without case),
/// recursively, sorted by path, as a lazy iterator: memory holds the listings of the
/// directories on the current path, not the tree. (Listed whole first, a folder of 229 492
/// files held 70 MB of paths before its first document started; a million files would
/// have held 300 MB.)
///
/// Hidden entries are skipped; linked directories are followed, except one that links
/// back to a directory being walked. Problems (an unreadable directory, such a loop, a
/// FIFO or device with a text extension, a directory without text files) are failed items,
/// in order with the rest.
///
/// Ids are unique among the walk's files: a file's path below the directory without its
/// extension (`seeds/000_x` when walking `corpus/`); files that share a stem in one
/// directory (`x.txt`, `x.md`) take their whole path instead, and so does a file whose
/// path below the directory is not UTF-8 (two such paths can read the same); a whole
/// path given again gets `~2`, `~3`, … on its later occurrences.
pub struct Walk {
    root: PathBuf,
    /// `root` as text, for messages.
    root_name: String,
    /// What whole-path ids start with: `root_name` and a separator.
    whole_path_prefix: String,
    exts: Vec<String>,
    /// The directories being walked, outermost first.
    levels: Vec<Level>,
    started: bool,
    /// Whether anything was found (a file or a problem).
    found: bool,
    /// Ids that start with `whole_path_prefix`, with how often each was given: the only
    /// ones a whole path can repeat (a relative id never equals another relative one).
    whole_path_ids: HashMap<String, usize>,
}

struct Level {
    dir: PathBuf,
    canonical: PathBuf,
    entries: std::vec::IntoIter<Entry>,
}

/// A directory entry, by name only (the walk joins it to its directory when it gets
/// there): a flat folder of 482 392 files peaked at 147 MB with a whole path per entry,
/// 121–137 MB by name.
struct Entry {
    name: OsString,
    /// `None` when the entry's type cannot be known (a broken link): it is taken for a
    /// file, and reading it says why it cannot be read.
    file_type: Option<FileType>,
    /// Another file in the same directory has the same stem.
    shares_stem: bool,
}

impl Entry {
    fn stem(&self) -> &OsStr {
        Path::new(&self.name).file_stem().unwrap_or_default()
    }
}

impl Walk {
    /// Walks `root` for files whose extension is one of `exts`.
    pub fn new(root: &Path, exts: &[String]) -> Walk {
        Walk {
            root: root.to_owned(),
            root_name: root.to_string_lossy().into_owned(),
            whole_path_prefix: root.join("").to_string_lossy().into_owned(),
            exts: exts.to_vec(),
            levels: Vec::new(),
            started: false,
            found: false,
            whole_path_ids: HashMap::new(),
        }
    }

    /// Starts walking `dir`; a directory that cannot be walked is a failed item.
    fn enter(&mut self, dir: &Path) -> Option<Item> {
        let name = dir.to_string_lossy();
        let canonical = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_owned());
        // Followed, such a link would repeat its files until the path is too long to
        // resolve (41 copies of each).
        if let Some(a) = self.levels.iter().find(|l| l.canonical == canonical) {
            let msg =
                format!("directory link loops back to {}; not followed", a.canonical.display());
            return Some(failed(&name, DocErrorKind::Input(msg)));
        }
        match list(dir, &self.exts) {
            Ok(entries) => {
                let dir = dir.to_owned();
                self.levels.push(Level { dir, canonical, entries: entries.into_iter() });
                None
            }
            Err(e) => Some(failed(&name, DocErrorKind::Io(e.to_string()))),
        }
    }

    /// `path` is the entry's.
    fn visit(&mut self, entry: Entry, path: PathBuf) -> Option<Item> {
        match entry.file_type {
            Some(t) if t.is_dir() => self.enter(&path),
            _ if !has_ext(&path, &self.exts) => None,
            // A FIFO would block the run until something writes to it; a device need not end.
            Some(t) if !t.is_file() => {
                let msg = "not a regular file (a FIFO, socket or device); not read";
                Some(failed(&path.to_string_lossy(), DocErrorKind::Input(msg.into())))
            }
            _ => Some(self.file(entry.shares_stem, path)),
        }
    }

    fn file(&mut self, shares_stem: bool, path: PathBuf) -> Item {
        let below = path.strip_prefix(&self.root).unwrap_or(&path);
        let whole = shares_stem || below.to_str().is_none();
        let relative = (!whole).then(|| relative_id(below));
        let mut item = Item::file(path);
        let id = relative.unwrap_or_else(|| whole_path_id(&item.name));
        item.doc_id = if id.starts_with(&self.whole_path_prefix) { self.count(id) } else { id };
        item
    }

    /// The next file or problem, before the check for a walk that found nothing.
    fn next_found(&mut self) -> Option<Item> {
        if !self.started {
            self.started = true;
            let root = self.root.clone();
            if let Some(item) = self.enter(&root) {
                return Some(item);
            }
        }
        while let Some(level) = self.levels.last_mut() {
            match level.entries.next() {
                Some(entry) => {
                    let path = level.dir.join(&entry.name);
                    if let Some(item) = self.visit(entry, path) {
                        return Some(item);
                    }
                }
                None => {
                    self.levels.pop();
                }
            }
        }
        None
    }

    /// `id`, or `id~n` when it was given `n - 1` times before.
    fn count(&mut self, id: String) -> String {
        let n = self.whole_path_ids.entry(id.clone()).or_default();
        *n += 1;
        if *n > 1 {
            format!("{id}~{n}")
        } else {
            id
        }
    }
}

impl Iterator for Walk {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        let item = self.next_found();
        self.found |= item.is_some();
        if item.is_none() && !self.found {
            self.found = true;
            let msg = format!("directory has no text files (extensions: {})", self.exts.join(", "));
            return Some(failed(&self.root_name, DocErrorKind::Input(msg)));
        }
        item
    }
}

/// A directory's entries, sorted by name (and so by path), hidden ones left out, each with
/// its type.
fn list(dir: &Path, exts: &[String]) -> std::io::Result<Vec<Entry>> {
    let hidden = |name: &OsStr| name.as_encoded_bytes().first() == Some(&b'.');
    let mut entries: Vec<Entry> = fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter(|e| !hidden(&e.file_name()))
        .map(|e| {
            // The directory entry's own type saves a stat per file; a link (or a file
            // system that does not say) is followed.
            let file_type = match e.file_type() {
                Ok(t) if !t.is_symlink() => Some(t),
                _ => fs::metadata(e.path()).ok().map(|m| m.file_type()),
            };
            Entry { name: e.file_name(), file_type, shares_stem: false }
        })
        .collect();
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    // Files only: a directory or a FIFO named like a file takes no id.
    let is_file =
        |e: &Entry| e.file_type.is_none_or(|t| t.is_file()) && has_ext(Path::new(&e.name), exts);
    let mut stems: HashMap<&OsStr, usize> = HashMap::new();
    for e in entries.iter().filter(|e| is_file(e)) {
        *stems.entry(e.stem()).or_default() += 1;
    }
    let shared: Vec<bool> = entries.iter().map(|e| is_file(e) && stems[e.stem()] > 1).collect();
    entries.iter_mut().zip(shared).for_each(|(e, s)| e.shares_stem = s);
    Ok(entries)
}

/// A path below the walked directory as an id: its components joined by `/`, its
/// extension taken off.
fn relative_id(below: &Path) -> String {
    let below = below.with_extension("");
    let parts: Vec<_> = below.components().map(|c| c.as_os_str().to_string_lossy()).collect();
    parts.join("/")
}

pub(super) fn has_ext(path: &Path, exts: &[String]) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    exts.iter().any(|e| e.eq_ignore_ascii_case(ext))
}

/// The files under `dir` with one of `exts`, recursively, sorted by path; hidden entries and
/// unreadable directories are skipped.
pub fn files_under(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let exts: Vec<String> = exts.iter().map(|e| e.to_string()).collect();
    Walk::new(dir, &exts)
        .filter_map(|i| match i.body {
            super::Body::File(p) => Some(p),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{make_ids_unique, Body};
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    fn touch(path: &Path) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, "主持人：你好。\n").unwrap();
    }

    fn exts() -> Vec<String> {
        vec!["txt".into(), "md".into()]
    }

    /// The ids the walk gives are those of listing every file with its path below the
    /// directory, then making them unique across the list (how they were made before
    /// the walk was lazy): shared stems, and a relative id that equals a whole path.
    #[test]
    fn ids_are_those_of_the_whole_list_made_unique() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("d");
        let files = ["a/x.txt", "a/x.md", "a/y.txt", "b.txt", "c/z.TXT", "c/z.md", "e/x.txt"];
        files.iter().for_each(|f| touch(&root.join(f)));
        fs::create_dir_all(root.join("dir.txt")).unwrap();
        touch(&root.join("dir.txt/inner.txt"));
        let root = root.as_path();
        let walked: Vec<Item> = Walk::new(root, &exts()).collect();
        let mut reference: Vec<Item> = walked
            .iter()
            .map(|i| {
                let Body::File(p) = &i.body else { panic!("{i:?}") };
                let mut item = Item::file(p.clone());
                item.doc_id = relative_id(p.strip_prefix(root).unwrap());
                item
            })
            .collect();
        make_ids_unique(&mut reference);
        let ids = |v: &[Item]| v.iter().map(|i| i.doc_id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&walked), ids(&reference));
        let whole = |f: &str| format!("{}/{f}", root.display());
        let want = [whole("a/x"), whole("a/x~2"), "a/y".into(), "b".into(), whole("c/z")];
        assert_eq!(ids(&walked)[..5], want);
        assert_eq!(ids(&walked)[5..], [whole("c/z~2"), "dir.txt/inner".into(), "e/x".into()]);
    }

    /// Two paths that are not UTF-8 can read the same as text: their ids still differ.
    #[test]
    fn paths_that_read_the_same_get_different_ids() {
        let tmp = tempfile::tempdir().unwrap();
        for b in [0xFEu8, 0xFF] {
            let dir = tmp.path().join(std::ffi::OsStr::from_bytes(&[b'a', b]));
            touch(&dir.join("x.txt"));
        }
        touch(&tmp.path().join("a\u{FFFD}/x.txt"));
        let ids: Vec<String> = Walk::new(tmp.path(), &exts()).map(|i| i.doc_id).collect();
        assert_eq!(ids.len(), 3);
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 3, "{ids:?}");
    }

    /// A directory is listed when the walk reaches it, not before the first file.
    #[test]
    fn directories_are_listed_as_the_walk_reaches_them() {
        let tmp = tempfile::tempdir().unwrap();
        touch(&tmp.path().join("a/1.txt"));
        fs::create_dir(tmp.path().join("b")).unwrap();
        let mut walk = Walk::new(tmp.path(), &exts());
        assert_eq!(walk.next().map(|i| i.doc_id).as_deref(), Some("a/1"));
        touch(&tmp.path().join("b/2.txt"));
        assert_eq!(walk.map(|i| i.doc_id).collect::<Vec<_>>(), ["b/2"]);
    }
}
