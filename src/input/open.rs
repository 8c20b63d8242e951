//! What a run reads: the inputs named by a caller (paths and `-`) as one lazy stream of
//! documents, the policy `zhpipe run` applies, here so that library callers get the same.

use std::fs::File;
use std::io;
use std::path::PathBuf;

use super::{files, jsonl_items, make_ids_unique, read_all, unique_ids, Body, InputFormat, Item};
use crate::error::{DocError, DocErrorKind};
use crate::output::is_dash;

/// Runs of at most this many documents are "few": a folder given alone is listed up to one
/// more than this before the run starts, so a small folder still has a count (the CLI shows
/// no progress bar for so few).
pub const FEW_DOCS: u64 = 20;

/// The documents named by a list of inputs, as a lazy stream.
pub struct Inputs {
    /// The documents, in input order, with unique ids.
    pub items: Box<dyn Iterator<Item = Item> + Send>,
    /// How many there are, when that is known without reading them (files listed first).
    pub total: Option<u64>,
    /// Whether there are two or more documents, or several paths were named: text output
    /// ([`BatchOptions::headers`](crate::batch::BatchOptions::headers)) then heads each
    /// document.
    pub several: bool,
}

/// Opens `inputs` (files, directories walked for `exts`, `-` for standard input) laid out as
/// `format`; `limit` is the pipeline's largest document
/// ([`Pipeline::max_doc_bytes`](crate::Pipeline::max_doc_bytes)).
///
/// Text: one input that is a directory is walked as the run goes (its ids are unique on
/// their own), so a folder of millions of files starts at once and never holds a list of
/// them; several inputs are listed first, to make ids unique across them. JSONL: every
/// input is a stream of records, ids made unique across the run (a repeated id gets `~2`,
/// `~3`, …).
pub fn open(inputs: &[PathBuf], format: InputFormat, exts: &[String], limit: u64) -> Inputs {
    let mut opened = open_inputs(inputs, format, exts, limit);
    opened.several |= inputs.iter().filter(|i| !is_dash(i)).count() > 1;
    opened
}

fn open_inputs(inputs: &[PathBuf], format: InputFormat, exts: &[String], limit: u64) -> Inputs {
    if format == InputFormat::Text {
        if let [one] = inputs {
            if !is_dash(one) {
                // A few are listed first: a small folder still has a count, and text
                // output knows whether to head its documents.
                let mut files = files(one, exts);
                let first: Vec<Item> = files.by_ref().take(FEW_DOCS as usize + 1).collect();
                let n = first.len() as u64;
                let (total, several) = ((n <= FEW_DOCS).then_some(n), n > 1);
                return Inputs { items: Box::new(first.into_iter().chain(files)), total, several };
            }
        }
        let mut all = Vec::new();
        for input in inputs {
            if is_dash(input) {
                let body = match read_all(io::stdin().lock(), "-", limit) {
                    Ok(b) => Body::Bytes(b),
                    Err(e) => Body::Failed(e),
                };
                all.push(Item { name: "-".into(), doc_id: "stdin".into(), body });
            } else {
                all.extend(super::expand(std::slice::from_ref(input), exts));
            }
        }
        make_ids_unique(&mut all);
        let (total, several) = (Some(all.len() as u64), all.len() > 1);
        return Inputs { items: Box::new(all.into_iter()), total, several };
    }
    // JSON escapes (`\uXXXX` for every character, as Python's json.dumps writes by default)
    // make a record about twice its text; 4× leaves room.
    let jsonl_limit = limit.saturating_mul(4);
    let mut streams: Vec<Box<dyn Iterator<Item = Item> + Send>> = Vec::new();
    for input in inputs {
        if is_dash(input) {
            streams.push(Box::new(jsonl_items(io::stdin(), "-".into(), jsonl_limit)));
            continue;
        }
        streams.push(Box::new(files(input, exts).flat_map(
            move |item| -> Box<dyn Iterator<Item = Item> + Send> {
                match item.body {
                    Body::File(path) => match File::open(&path) {
                        Ok(f) => Box::new(jsonl_items(f, item.name, jsonl_limit)),
                        Err(e) => Box::new(std::iter::once(failed(&item.name, e))),
                    },
                    _ => Box::new(std::iter::once(item)),
                }
            },
        )));
    }
    let items = unique_ids(streams.into_iter().flatten());
    Inputs { items: Box::new(items), total: None, several: false }
}

/// A JSONL file that could not be opened: an item without an id, failed.
fn failed(name: &str, e: io::Error) -> Item {
    let err = DocError::new(name, DocErrorKind::Io(e.to_string()));
    Item { name: name.into(), doc_id: String::new(), body: Body::Failed(err) }
}
