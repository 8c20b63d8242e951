//! Inputs: files, directories (recursive, sorted), standard input, and JSONL streams of
//! `{"id": …, "text": …}` documents. Inputs are listed eagerly but read lazily, by the
//! worker that processes them, so memory holds only the documents in flight.

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::error::{DocError, DocErrorKind};
use crate::pipeline::doc_id_of;

/// How an input's bytes are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// Each file (or stdin) is one document.
    Text,
    /// Each line is a JSON object with `id` and `text`.
    Jsonl,
}

/// One document to process.
#[derive(Debug)]
pub struct Item {
    /// The name shown in messages and written as `source.path`.
    pub name: String,
    pub doc_id: String,
    pub body: Body,
}

#[derive(Debug)]
pub enum Body {
    File(PathBuf),
    Bytes(Vec<u8>),
    /// The input could not even be listed or parsed.
    Failed(DocError),
}

impl Item {
    pub fn file(path: PathBuf) -> Item {
        let name = path.to_string_lossy().into_owned();
        Item { doc_id: doc_id_of(&name), name, body: Body::File(path) }
    }

    /// The document's bytes, read now.
    pub fn load(self) -> (String, String, Result<Vec<u8>, DocError>) {
        let bytes = match self.body {
            Body::Bytes(b) => Ok(b),
            Body::Failed(e) => Err(e),
            Body::File(path) => fs::read(&path)
                .map_err(|e| DocError::new(self.name.clone(), DocErrorKind::Io(e.to_string()))),
        };
        (self.name, self.doc_id, bytes)
    }
}

/// Expands path inputs (not `-`) into files, in a stable order. Directories are walked
/// recursively, entries sorted by name, keeping files whose extension is in `exts`;
/// hidden entries are skipped. Problems (missing path, unreadable or empty directory)
/// become failed items so they are reported in order with the rest.
///
/// A file's `doc_id` is its path below the directory it was found in, without the extension
/// (`seeds/000_x` when walking `corpus/`), or its stem when named directly. Ids are unique
/// within one call: where two inputs would share one, both take the path as given, and a
/// path listed twice gets `~2`, `~3`, … on its later occurrences.
pub fn expand(inputs: &[String], exts: &[String]) -> Vec<Item> {
    let mut out = Vec::new();
    for input in inputs {
        let path = Path::new(input);
        match fs::metadata(path) {
            Err(e) => out.push(failed(input, DocErrorKind::Io(e.to_string()))),
            Ok(m) if m.is_dir() => {
                let before = out.len();
                walk(path, exts, &mut out);
                for item in &mut out[before..] {
                    if let Body::File(file) = &item.body {
                        item.doc_id = relative_id(path, file);
                    }
                }
                if out.len() == before {
                    let msg =
                        format!("directory has no text files (extensions: {})", exts.join(", "));
                    out.push(failed(input, DocErrorKind::Input(msg)));
                }
            }
            Ok(_) => out.push(Item::file(path.to_owned())),
        }
    }
    make_ids_unique(&mut out);
    out
}

fn relative_id(root: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(root).unwrap_or(file).with_extension("");
    let parts: Vec<_> = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect();
    parts.join("/")
}

/// Gives items that share a `doc_id` their path as given instead, then numbers repeats.
pub fn make_ids_unique(items: &mut [Item]) {
    use std::collections::HashMap;
    let mut count: HashMap<String, usize> = HashMap::new();
    for item in items.iter() {
        *count.entry(item.doc_id.clone()).or_default() += 1;
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for item in items.iter_mut() {
        if count[&item.doc_id] > 1 {
            item.doc_id = Path::new(&item.name).with_extension("").to_string_lossy().into_owned();
        }
        let n = seen.entry(item.doc_id.clone()).or_default();
        *n += 1;
        if *n > 1 {
            item.doc_id = format!("{}~{n}", item.doc_id);
        }
    }
}

fn failed(name: &str, kind: DocErrorKind) -> Item {
    Item {
        name: name.into(),
        doc_id: doc_id_of(name),
        body: Body::Failed(DocError::new(name, kind)),
    }
}

/// The files under `dir` with one of `exts`, recursively, sorted by path; hidden entries and
/// unreadable directories are skipped.
pub fn files_under(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let exts: Vec<String> = exts.iter().map(|e| e.to_string()).collect();
    let mut items = Vec::new();
    walk(dir, &exts, &mut items);
    items
        .into_iter()
        .filter_map(|i| match i.body {
            Body::File(p) => Some(p),
            _ => None,
        })
        .collect()
}

fn walk(dir: &Path, exts: &[String], out: &mut Vec<Item>) {
    let name = dir.to_string_lossy();
    let entries = match fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok()).map(|e| e.path()).collect::<Vec<_>>(),
        Err(e) => return out.push(failed(&name, DocErrorKind::Io(e.to_string()))),
    };
    let mut entries = entries;
    entries.sort();
    for path in entries {
        let hidden = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            walk(&path, exts, out);
        } else if has_ext(&path, exts) {
            out.push(Item::file(path));
        }
    }
}

fn has_ext(path: &Path, exts: &[String]) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    exts.iter().any(|e| e.eq_ignore_ascii_case(ext))
}

/// Reads a whole stream as one document.
pub fn read_all(mut r: impl Read, name: &str) -> Result<Vec<u8>, DocError> {
    let mut buf = Vec::new();
    r.read_to_end(&mut buf).map_err(|e| DocError::new(name, DocErrorKind::Io(e.to_string())))?;
    Ok(buf)
}

/// A lazy iterator over the documents of a JSONL stream; a bad line is a failed item
/// naming the line, and the stream goes on.
pub fn jsonl_items<R: Read>(reader: R, name: String) -> impl Iterator<Item = Item> {
    let mut lines = BufReader::new(reader).split(b'\n').enumerate();
    std::iter::from_fn(move || loop {
        let (i, line) = lines.next()?;
        let at = format!("{name}:{}", i + 1);
        let line = match line {
            Ok(l) => l,
            Err(e) => return Some(failed(&at, DocErrorKind::Io(e.to_string()))),
        };
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        return Some(jsonl_item(&line, at));
    })
}

fn jsonl_item(line: &[u8], at: String) -> Item {
    #[derive(serde::Deserialize)]
    struct Rec {
        id: serde_json::Value,
        text: String,
    }
    match serde_json::from_slice::<Rec>(line) {
        Ok(rec) => {
            let id = match rec.id {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            Item {
                name: format!("{at}#{id}"),
                doc_id: id,
                body: Body::Bytes(rec.text.into_bytes()),
            }
        }
        Err(e) => {
            let kind = DocErrorKind::Input(format!("not a {{\"id\", \"text\"}} JSON record: {e}"));
            Item {
                doc_id: String::new(),
                body: Body::Failed(DocError::new(at.clone(), kind)),
                name: at,
            }
        }
    }
}
