//! Inputs: files, directories (recursive, sorted), standard input, and JSONL streams of
//! `{"id": …, "text": …}` documents. A directory given alone is listed as the run goes
//! ([`Walk`]); files are read just ahead of the workers, so memory holds only the
//! documents in flight.

mod open;
mod walk;

pub use open::{open, Inputs, FEW_DOCS};
pub use walk::{files_under, Walk};

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::document::doc_id_of;
use crate::error::{DocError, DocErrorKind};

/// How an input's bytes are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
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
    /// The document id: the file stem, or the record id of a JSONL line.
    pub doc_id: String,
    /// Where the bytes are.
    pub body: Body,
}

/// Where an input's bytes are.
#[derive(Debug)]
pub enum Body {
    /// A file, read when its turn comes.
    File(PathBuf),
    /// Bytes already in memory.
    Bytes(Vec<u8>),
    /// The input could not even be listed or parsed.
    Failed(DocError),
}

impl Item {
    /// An input read from the file `path`.
    pub fn file(path: PathBuf) -> Item {
        let name = path.to_string_lossy().into_owned();
        Item { doc_id: doc_id_of(&name), name, body: Body::File(path) }
    }

    /// Bytes this item holds in memory before it is processed: its text once read (a JSONL
    /// or stdin document, a file after [`Item::read_ahead`]).
    pub fn held_bytes(&self) -> usize {
        match &self.body {
            Body::Bytes(b) => b.len(),
            Body::File(_) | Body::Failed(_) => 0,
        }
    }

    /// The item with its file read now, or the error reading it (as [`Item::load`] would
    /// report it): the input thread reads ahead of the workers, which then make no system
    /// calls. (A worker that reads its own files runs its documents slower than the reads
    /// themselves cost: each read leaves its caches and predictors cold.)
    pub fn read_ahead(self, limit: u64) -> Item {
        let Body::File(path) = &self.body else { return self };
        let body = match read_named(&self.name, path, limit) {
            Ok(bytes) => Body::Bytes(bytes),
            Err(e) => Body::Failed(e),
        };
        Item { body, ..self }
    }

    /// The document's bytes, read now: at most `limit` bytes are held (a larger file is
    /// rejected from its size, or, if it grows while read, after `limit + 1` bytes).
    pub fn load(self, limit: u64) -> (String, String, Result<Vec<u8>, DocError>) {
        let name = self.name;
        let bytes = match self.body {
            Body::Bytes(b) if b.len() as u64 > limit => {
                Err(DocError::new(name.clone(), too_large(b.len() as u64, limit)))
            }
            Body::Bytes(b) => Ok(b),
            Body::Failed(e) => Err(e),
            Body::File(path) => read_named(&name, &path, limit),
        };
        (name, self.doc_id, bytes)
    }
}

/// [`read_file`], its error naming the input as `name`.
fn read_named(name: &str, path: &Path, limit: u64) -> Result<Vec<u8>, DocError> {
    match read_file(path, limit) {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(kind)) | Err(kind) => Err(DocError::new(name.to_owned(), kind)),
    }
}

fn too_large(bytes: u64, limit: u64) -> DocErrorKind {
    DocErrorKind::TooLarge { bytes, limit }
}

fn read_file(path: &Path, limit: u64) -> Result<Result<Vec<u8>, DocErrorKind>, DocErrorKind> {
    let io = |e: std::io::Error| DocErrorKind::Io(e.to_string());
    let file = fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len > limit {
        return Err(too_large(len, limit));
    }
    read_bounded(file, limit, len as usize).map_err(io)
}

/// Reads `r` to its end holding at most `limit` bytes. A longer input (a stream, a device
/// such as `/dev/zero`, a file that grew) is not read further than `limit + 1` bytes: its
/// size is unknown and may be endless.
fn read_bounded(
    r: impl Read,
    limit: u64,
    hint: usize,
) -> std::io::Result<Result<Vec<u8>, DocErrorKind>> {
    let mut buf = Vec::with_capacity(hint);
    r.take(limit.saturating_add(1)).read_to_end(&mut buf)?;
    if buf.len() as u64 <= limit {
        return Ok(Ok(buf));
    }
    Ok(Err(DocErrorKind::TooLargeStream { limit }))
}

/// Expands path inputs (not `-`) into files, in a stable order: a directory as its
/// [`Walk`] (listed whole here; give one directory alone to [`Walk`] to list it as the run
/// goes). Problems (missing path and the walk's) become failed items so they are reported
/// in order with the rest.
///
/// A file's `doc_id` is its id in its directory's walk, or its stem when named directly.
/// Ids are unique within one call: where two inputs would share one, both take the path
/// as given, and a path listed twice gets `~2`, `~3`, … on its later occurrences.
pub fn expand(inputs: &[PathBuf], exts: &[String]) -> Vec<Item> {
    let mut out = Vec::new();
    for path in inputs {
        match fs::metadata(path) {
            Err(e) => out.push(failed(&path.to_string_lossy(), DocErrorKind::Io(e.to_string()))),
            Ok(m) if m.is_dir() => out.extend(Walk::new(path, exts)),
            Ok(_) => out.push(Item::file(path.to_owned())),
        }
    }
    make_ids_unique(&mut out);
    out
}

/// One path input's documents, lazily: a directory's [`Walk`], else what [`expand`] makes
/// of it (the file, or the error naming it). A path need not be UTF-8; messages show it
/// lossily.
pub fn files(path: &Path, exts: &[String]) -> Box<dyn Iterator<Item = Item> + Send> {
    if path.is_dir() {
        Box::new(Walk::new(path, exts))
    } else {
        Box::new(expand(&[path.to_owned()], exts).into_iter())
    }
}

/// The id an input takes when its usual one is shared: its name as given, without the
/// extension.
fn whole_path_id(name: &str) -> String {
    Path::new(name).with_extension("").to_string_lossy().into_owned()
}

/// Gives items that share a `doc_id` their path as given instead, then numbers repeats.
pub fn make_ids_unique(items: &mut [Item]) {
    use std::collections::HashMap;
    let mut count: HashMap<&str, usize> = HashMap::with_capacity(items.len());
    for item in items.iter() {
        *count.entry(&item.doc_id).or_default() += 1;
    }
    // The usual case, and the second call on a list this made unique: nothing to rename.
    if count.len() == items.len() {
        return;
    }
    let shared: Vec<bool> = items.iter().map(|i| count[i.doc_id.as_str()] > 1).collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (item, shared) in items.iter_mut().zip(shared) {
        if shared {
            item.doc_id = whole_path_id(&item.name);
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

/// Reads a whole stream as one document of at most `limit` bytes (reading stops after
/// `limit + 1`).
pub fn read_all(r: impl Read, name: &str, limit: u64) -> Result<Vec<u8>, DocError> {
    match read_bounded(r, limit, 0) {
        Ok(Ok(buf)) => Ok(buf),
        Ok(Err(kind)) => Err(DocError::new(name, kind)),
        Err(e) => Err(DocError::new(name, DocErrorKind::Io(e.to_string()))),
    }
}

/// `items` with each `doc_id` made unique as it goes, as [`make_ids_unique`] numbers a path
/// listed twice: a later record with an id already seen gets `~2`, `~3`, … (the first
/// free one). The ids seen are kept for the run (a few dozen bytes each).
pub fn unique_ids(items: impl Iterator<Item = Item>) -> impl Iterator<Item = Item> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    items.map(move |mut item| {
        // A failed item has no id of its own to keep.
        if matches!(item.body, Body::Failed(_)) {
            return item;
        }
        if seen.contains_key(&item.doc_id) {
            let base = item.doc_id.clone();
            loop {
                let n = seen.get_mut(&base).expect("seen above");
                *n += 1;
                let candidate = format!("{base}~{n}");
                if !seen.contains_key(&candidate) {
                    item.doc_id = candidate;
                    break;
                }
            }
        }
        seen.insert(item.doc_id.clone(), 1);
        item
    })
}

/// A lazy iterator over the documents of a JSONL stream; a bad line is a failed item
/// naming the line, and the stream goes on. Blank lines and a leading UTF-8 byte order mark
/// are skipped; lines may end in `\r\n`. A line longer than `limit` is streamed past: what
/// was held of it is freed as soon as it is over, and it is reported as too large.
pub fn jsonl_items<R: Read>(reader: R, name: String, limit: u64) -> impl Iterator<Item = Item> {
    let mut reader = BufReader::with_capacity(64 << 10, reader);
    let mut line = Vec::new();
    let mut n = 0u64;
    std::iter::from_fn(move || loop {
        // A large record's buffer is not kept for the rest of the stream.
        if line.capacity() > KEEP_LINE_BUFFER {
            line = Vec::new();
        }
        line.clear();
        n += 1;
        let at = format!("{name}:{n}");
        match read_line(&mut reader, &mut line, limit) {
            Ok(None) => return None,
            Ok(Some(len)) if len > limit => {
                let kind = DocErrorKind::Input(format!(
                    "JSONL record of {len} bytes, over the limit of {limit} bytes for one \
                     record (4 × decode.max_doc_bytes); skipped without being read whole"
                ));
                return Some(failed(&at, kind));
            }
            Ok(Some(_)) => {
                // Windows tools start a UTF-8 file with a byte order mark; JSON has none.
                let record = match n {
                    1 => line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&line),
                    _ => &line,
                };
                if !record.iter().all(u8::is_ascii_whitespace) {
                    return Some(jsonl_item(record, at));
                }
            }
            Err(e) => return Some(failed(&at, DocErrorKind::Io(e.to_string()))),
        }
    })
}

/// The capacity of the JSONL line buffer kept from one record to the next.
const KEEP_LINE_BUFFER: usize = 1 << 20;

/// Reads one line (without its `\n`) into `line`, keeping at most `limit` bytes (a longer
/// line leaves `line` empty and freed: it is only counted); returns the line's full
/// length, or `None` at the end of the stream.
fn read_line(r: &mut impl BufRead, line: &mut Vec<u8>, limit: u64) -> std::io::Result<Option<u64>> {
    let mut len = 0u64;
    loop {
        let buf = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok((len > 0).then_some(len));
        }
        let (chunk, done) = match memchr::memchr(b'\n', buf) {
            Some(i) => (&buf[..i], i + 1),
            None => (buf, buf.len()),
        };
        len += chunk.len() as u64;
        if len > limit {
            if line.capacity() > 0 {
                *line = Vec::new();
            }
        } else {
            line.extend_from_slice(chunk);
        }
        let newline = done > chunk.len();
        r.consume(done);
        if newline {
            return Ok(Some(len));
        }
    }
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
