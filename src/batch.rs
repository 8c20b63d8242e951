//! Running a pipeline over a stream of documents: in parallel, written in input order, so
//! output bytes do not depend on the thread count, and streaming: at most one window of
//! documents is in flight (being processed or waiting for an earlier one to be written), so
//! memory does not depend on the input size.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::{Duration, Instant};

use crate::error::DocError;
use crate::input::Item;
use crate::pipeline::Pipeline;
use crate::render;
use crate::stages::StageKind;

/// What to write for each document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// JSONL records (after `emit`), or one JSON object with the text for earlier stages.
    Jsonl,
    /// The text right after the `--until` stage.
    Text,
}

#[derive(Debug, Clone)]
pub struct BatchOptions {
    pub until: StageKind,
    pub format: Format,
    pub audit: bool,
    /// With `Format::Text`, put a `==> name <==` line before each document.
    pub headers: bool,
    /// Most documents in flight at once (processing, or done and waiting for their turn to
    /// be written); bounds memory.
    pub window: usize,
    /// No new document is started while finished ones waiting for an earlier one hold this
    /// many bytes of output: bounds memory when documents are large.
    pub max_waiting_bytes: usize,
}

/// Totals for the summary line.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    pub docs: u64,
    pub failed: u64,
    pub segments: u64,
    pub bytes: u64,
    pub seconds: f64,
}

impl Summary {
    fn add(&mut self, done: &Done) {
        self.docs += 1;
        self.segments += done.segments;
        self.bytes += done.bytes;
    }

    pub fn mb_per_s(&self) -> f64 {
        if self.seconds > 0.0 {
            self.bytes as f64 / 1e6 / self.seconds
        } else {
            0.0
        }
    }
}

struct Done {
    /// The output in pieces (see `Document::records`), written in order.
    out: Vec<String>,
    warnings: Vec<String>,
    audit: String,
    segments: u64,
    bytes: u64,
}

/// Sinks for the batch: records, the audit trail, errors and progress.
pub struct Sinks<'a> {
    pub out: &'a mut dyn Write,
    pub audit: Option<&'a mut dyn Write>,
    pub on_error: &'a mut dyn FnMut(&DocError),
    /// Lossy but accepted input (replaced bytes): the document is kept, the user is told.
    pub on_warning: &'a mut dyn FnMut(&str),
    pub on_progress: &'a mut dyn FnMut(u64, u64),
}

/// Processes `items` on `pool`, writing results in input order.
///
/// Documents are handed to the pool one by one as earlier ones finish (not in lockstep
/// windows, where every thread waits for the window's largest document), with at most
/// `opts.window` of them between being read and being written. `items` is read on a
/// thread of its own, at most [`READ_AHEAD`] documents ahead, so a finished document is
/// written while the next one is still being read: a producer that waits for one
/// document's records before sending the next gets them. (If writing fails first, that
/// thread is left behind, blocked until its input ends.)
pub fn run(
    pipeline: &Pipeline,
    pool: &rayon::ThreadPool,
    items: impl Iterator<Item = Item> + Send + 'static,
    opts: &BatchOptions,
    sinks: Sinks<'_>,
) -> std::io::Result<Summary> {
    let Sinks { out, mut audit, on_error, on_warning, on_progress } = sinks;
    let start = Instant::now();
    let mut summary = Summary::default();
    let window = opts.window.max(1) as u64;
    let mut input = Input::spawn(items);
    let (tx, rx) = std::sync::mpsc::channel::<(u64, Result<Done, DocError>)>();
    // Finished documents waiting for an earlier one, by sequence number.
    let mut ready: BTreeMap<u64, Result<Done, DocError>> = BTreeMap::new();
    let (mut sent, mut written) = (0u64, 0u64);
    // Output bytes of the documents in `ready`. While the head of the line is in flight it
    // is never in `ready`, so waiting for it always makes progress.
    let mut waiting = 0usize;
    let mut pause = MIN_PAUSE;
    pool.in_place_scope(|scope| -> std::io::Result<()> {
        loop {
            let mut started = false;
            while sent - written < window && waiting < opts.max_waiting_bytes {
                // With nothing in flight there is nothing to write until input comes.
                let Some(item) = input.next(sent == written) else { break };
                let (tx, seq) = (tx.clone(), sent);
                scope.spawn(move |_| {
                    // The receiver outlives the scope; a send cannot fail.
                    let _ = tx.send((seq, process(pipeline, item, opts)));
                });
                sent += 1;
                started = true;
            }
            if written == sent && input.ended() {
                return Ok(());
            }
            for (seq, result) in poll(&rx, started, &mut pause) {
                waiting += held_bytes(&result);
                ready.insert(seq, result);
            }
            while let Some(result) = ready.remove(&written) {
                waiting -= held_bytes(&result);
                written += 1;
                match result {
                    Ok(done) => {
                        done.warnings.iter().for_each(|w| on_warning(w));
                        for piece in &done.out {
                            out.write_all(piece.as_bytes())?;
                        }
                        if let Some(a) = audit.as_mut() {
                            a.write_all(done.audit.as_bytes())?;
                        }
                        summary.add(&done);
                    }
                    Err(e) => {
                        summary.failed += 1;
                        on_error(&e);
                    }
                }
                // Flushed when caught up with the input, so a waiting producer sees it.
                if written % window == 0 || written == sent {
                    out.flush()?;
                    on_progress(summary.docs + summary.failed, summary.bytes);
                }
            }
        }
    })?;
    out.flush()?;
    on_progress(summary.docs + summary.failed, summary.bytes);
    summary.seconds = start.elapsed().as_secs_f64();
    Ok(summary)
}

/// The documents finished since the last call. Polled, not waited for: a worker that sends
/// to a blocked receiver must wake it (a system call and an inter-processor wake-up on the
/// worker's own time, for every document). When nothing came and nothing was `started`
/// it sleeps first, adapting `pause` so that a poll finds a handful; the window keeps the
/// workers busy meanwhile.
fn poll<T>(rx: &Receiver<T>, started: bool, pause: &mut Duration) -> Vec<T> {
    let arrived: Vec<T> = rx.try_iter().collect();
    if arrived.len() > 8 {
        *pause = (*pause / 2).max(MIN_PAUSE);
    } else if arrived.is_empty() && !started {
        std::thread::sleep(*pause);
        *pause = (*pause * 2).min(MAX_PAUSE);
    }
    arrived
}

const MIN_PAUSE: Duration = Duration::from_micros(50);
const MAX_PAUSE: Duration = Duration::from_millis(4);

/// Documents read ahead of the window: as many as one thread's window, so that each time
/// the writing thread wakes it can start a batch of documents however short they are (with
/// 16, a JSONL stream of 115 k paragraphs was started 16 at a time between the writer's
/// sleeps, and ran at a tenth of its speed); few enough not to matter for memory next to
/// the window itself (read-ahead files are paths; JSONL documents their text).
pub const READ_AHEAD: usize = 256;

/// The documents, read on a thread of their own; `None` once they have all been taken.
struct Input(Option<(Receiver<Item>, std::thread::JoinHandle<()>)>);

impl Input {
    fn spawn(items: impl Iterator<Item = Item> + Send + 'static) -> Input {
        let (tx, rx) = std::sync::mpsc::sync_channel(READ_AHEAD);
        let reader = std::thread::Builder::new()
            .name("zhpipe-input".into())
            .spawn(move || {
                for item in items {
                    // The batch is over (writing failed): stop reading.
                    if tx.send(item).is_err() {
                        return;
                    }
                }
            })
            .expect("the input thread starts");
        Input(Some((rx, reader)))
    }

    /// The next document: waiting for it when `wait`, else only if it has been read.
    /// `None` when there is none yet, or no more.
    fn next(&mut self, wait: bool) -> Option<Item> {
        let (rx, _) = self.0.as_ref()?;
        let next =
            if wait { rx.recv().map_err(|_| TryRecvError::Disconnected) } else { rx.try_recv() };
        match next {
            Ok(item) => Some(item),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                let (_, reader) = self.0.take().expect("checked above");
                // The reader is done; a panic there (a bug in an input stream) is this
                // thread's, not a silently shorter input.
                if let Err(panic) = reader.join() {
                    std::panic::resume_unwind(panic);
                }
                None
            }
        }
    }

    fn ended(&self) -> bool {
        self.0.is_none()
    }
}

fn held_bytes(result: &Result<Done, DocError>) -> usize {
    result.as_ref().map_or(0, |d| d.out.iter().map(String::len).sum::<usize>() + d.audit.len())
}

/// Runs one document; a panic inside a stage fails that document, not the batch.
fn process(pipeline: &Pipeline, item: Item, opts: &BatchOptions) -> Result<Done, DocError> {
    let name = item.name.clone();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| process_one(pipeline, item, opts)))
        .unwrap_or_else(|panic| {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            let kind = crate::DocErrorKind::Stage {
                stage: "internal",
                message: format!("bug: {message}"),
            };
            Err(DocError::new(name, kind))
        })
}

fn process_one(pipeline: &Pipeline, item: Item, opts: &BatchOptions) -> Result<Done, DocError> {
    let (name, doc_id, bytes) = item.load(pipeline.max_doc_bytes());
    let bytes = bytes?;
    let n = bytes.len() as u64;
    let mut doc = crate::Document::new(doc_id, name, bytes);
    pipeline.run(&mut doc, opts.until)?;
    let out = match (opts.format, opts.until) {
        (Format::Jsonl, StageKind::Emit) => std::mem::take(&mut doc.records),
        (Format::Jsonl, stage) => {
            let rec = serde_json::json!({
                "type": "text", "doc_id": doc.id, "stage": stage.name(),
                "text": render::text_after(&doc, stage),
            });
            vec![format!("{rec}\n")]
        }
        (Format::Text, stage) if opts.headers => {
            vec![format!("==> {} <==\n{}", doc.source.path, render::text_after(&doc, stage))]
        }
        (Format::Text, stage) => vec![render::text_after(&doc, stage)],
    };
    let audit = if opts.audit { render::audit_jsonl(&doc) } else { String::new() };
    Ok(Done {
        out,
        warnings: decode_warnings(&doc),
        audit,
        segments: doc.segments.len() as u64,
        bytes: n,
    })
}

/// The decoder's replacements, as messages naming the input and position.
fn decode_warnings(doc: &crate::Document) -> Vec<String> {
    doc.audit
        .iter()
        .filter(|a| a.stage == "decode")
        .map(|a| {
            format!(
                "{}: line {}, column {}: {} {} replaced by U+FFFD",
                doc.source.path,
                a.lines[0],
                a.column.unwrap_or(0),
                a.rule,
                a.before
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The corpus run through `run` with `window` and `max_waiting_bytes`: records and
    /// summary counts.
    fn corpus_run(jobs: usize, window: usize, max_waiting_bytes: usize) -> (Vec<u8>, u64) {
        let pipeline = Pipeline::builtin().unwrap();
        let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build().unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let items = crate::input::files_under(&dir, &["txt"]).into_iter().map(Item::file);
        let opts = BatchOptions {
            until: StageKind::Emit,
            format: Format::Jsonl,
            audit: false,
            headers: false,
            window,
            max_waiting_bytes,
        };
        let mut out = Vec::new();
        let sinks = Sinks {
            out: &mut out,
            audit: None,
            on_error: &mut |e| panic!("{e}"),
            on_warning: &mut |_| {},
            on_progress: &mut |_, _| {},
        };
        let summary = run(&pipeline, &pool, items, &opts, sinks).unwrap();
        (out, summary.docs)
    }

    #[test]
    fn output_is_in_input_order_whatever_the_window_and_byte_bound() {
        let (one_by_one, docs) = corpus_run(1, 1, usize::MAX);
        assert!(docs > 10, "{docs} documents");
        // A one-byte bound: no document starts while a finished one waits, yet all finish.
        assert_eq!(corpus_run(3, 1000, 1), (one_by_one.clone(), docs));
        assert_eq!(corpus_run(3, 2, usize::MAX), (one_by_one.clone(), docs));
        assert_eq!(corpus_run(4, 1000, usize::MAX), (one_by_one, docs));
    }
}
