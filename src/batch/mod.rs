//! Running a pipeline over a stream of documents: in parallel, written in input order, so
//! output bytes do not depend on the thread count, and streaming: at most one window of
//! documents is in flight (being processed or waiting for an earlier one to be written), so
//! memory does not depend on the input size.

use std::collections::{BTreeMap, VecDeque};
use std::io::Write;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use crate::error::DocError;
use crate::input::Item;
use crate::pipeline::Pipeline;
use crate::render;
use crate::stage_kind::StageKind;

mod reader;
pub mod repeats;

use reader::Input;

pub use crate::threads::thread_pool;
pub use reader::READ_AHEAD;

/// What to write for each document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Format {
    /// JSONL records (after `emit`), or one JSON object with the text for earlier stages.
    Jsonl,
    /// The text right after the `--until` stage.
    Text,
}

/// How a batch runs: where it stops, what it writes, its memory bounds.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// The last stage run.
    pub until: StageKind,
    /// What is written to `out`.
    pub format: Format,
    /// Whether the audit trail is written to `Sinks::audit`.
    pub audit: bool,
    /// With `Format::Text`, put a `==> name <==` line before each document.
    pub headers: bool,
    /// Most documents in flight at once (processing, or done and waiting for their turn to
    /// be written); bounds memory.
    pub window: usize,
    /// No new document is started while finished ones waiting for an earlier one hold this
    /// many bytes of output: bounds memory when documents are large.
    pub max_waiting_bytes: usize,
    /// No further document is read while those read and not yet written hold this many
    /// bytes of input in memory: bounds memory when documents are large, whatever the
    /// window.
    pub max_held_input_bytes: usize,
    /// Lines repeated across the batch's documents (a pre-pass), given to strip as
    /// boilerplate evidence; none: not used.
    pub repeats: Option<std::sync::Arc<repeats::LineRepeats>>,
}

impl BatchOptions {
    /// JSONL records after `emit`, no audit, with the bounds `zhpipe run` uses for `jobs`
    /// worker threads.
    ///
    /// ```
    /// let opts = zhpipe::batch::BatchOptions::new(2);
    /// assert_eq!(opts.window, 512);
    /// ```
    pub fn new(jobs: usize) -> BatchOptions {
        BatchOptions {
            until: StageKind::Emit,
            format: Format::Jsonl,
            audit: false,
            headers: false,
            // Documents finish out of order and are written in order: while one slow
            // document (a long garbled page takes ~100x a short clean one) holds the head of
            // the line, the other threads keep working only as long as the window has room.
            // With 32 per thread the second core still idled ~12 % of a run on the realistic
            // mix; 256 keeps it busy (1.93 of 2 CPUs). Memory stays bounded in documents, and
            // in bytes by the output waiting to be written and the input read and not yet
            // written (64 MiB per thread each).
            window: jobs * 256,
            max_waiting_bytes: jobs * (64 << 20),
            max_held_input_bytes: jobs * (64 << 20),
            repeats: None,
        }
    }
}

/// Totals for the summary line.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    /// Documents processed.
    pub docs: u64,
    /// Documents that failed.
    pub failed: u64,
    /// Segments written.
    pub segments: u64,
    /// Input bytes read.
    pub bytes: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
}

impl Summary {
    fn add(&mut self, done: &Done) {
        self.docs += 1;
        self.segments += done.segments;
        self.bytes += done.bytes;
    }

    /// Input throughput in MB/s (0 when no time passed).
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
    /// Where records go, in input order.
    pub out: &'a mut dyn Write,
    /// Where audit entries go, when asked for.
    pub audit: Option<&'a mut dyn Write>,
    /// Called for each failed document.
    pub on_error: &'a mut dyn FnMut(&DocError),
    /// Lossy but accepted input (replaced bytes): the document is kept, the user is told.
    pub on_warning: &'a mut dyn FnMut(&str),
    /// Called with (documents done, documents known) as the batch runs.
    pub on_progress: &'a mut dyn FnMut(u64, u64),
}

/// Processes `items` on `pool`, writing results in input order.
///
/// Documents are handed to the pool one by one as earlier ones finish (not in lockstep
/// windows, where every thread waits for the window's largest document), with at most
/// `opts.window` of them between being read and being written. `items` is read on a
/// thread of its own, at most [`READ_AHEAD`] documents ahead and within
/// `opts.max_held_input_bytes`, so a finished document is written while the next one is
/// still being read: a producer that waits for one document's records before sending the
/// next gets them. (If writing fails first, that thread is left behind, blocked until its
/// input ends.)
///
/// Each document runs through all stages on one thread. Running documents in groups stage by
/// stage, so each stage's tables stay in cache across documents, was measured and showed no
/// cache effect (the same D1 and last-level misses under cachegrind, CLI times within noise).
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
    let mut input = Input::spawn(items, opts.max_held_input_bytes, pipeline.max_doc_bytes());
    // Input bytes of the documents started and not yet written, in input order.
    let mut started_held: VecDeque<usize> = VecDeque::new();
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
                started_held.push_back(item.held_bytes());
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
                waiting += output_bytes(&result);
                ready.insert(seq, result);
            }
            while let Some(result) = ready.remove(&written) {
                waiting -= output_bytes(&result);
                input.release(started_held.pop_front().unwrap_or(0));
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

/// Output bytes a finished document holds until it is written.
fn output_bytes(result: &Result<Done, DocError>) -> usize {
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
            Err(DocError::new(name, crate::DocErrorKind::Panic(message)))
        })
}

fn process_one(pipeline: &Pipeline, item: Item, opts: &BatchOptions) -> Result<Done, DocError> {
    let (name, doc_id, bytes) = item.load(pipeline.max_doc_bytes());
    let bytes = bytes?;
    let n = bytes.len() as u64;
    let mut doc = crate::Document::new(doc_id, name, bytes);
    doc.repeats = opts.repeats.clone();
    pipeline.run(&mut doc, opts.until)?;
    let out = match (opts.format, opts.until) {
        (Format::Jsonl, StageKind::Emit) => std::mem::take(&mut doc.records),
        (Format::Jsonl, stage) => {
            let rec = crate::records::TextRecord {
                doc_id: doc.id.as_str().into(),
                stage,
                text: render::text_after(&doc, stage).into(),
                ty: "text".into(),
            };
            vec![format!("{}\n", serde_json::to_string(&rec).expect("a text record serialises"))]
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

/// The decoder's replacements and flags, as messages naming the input and position (what
/// it left out of an HTML page is only in the audit trail).
fn decode_warnings(doc: &crate::Document) -> Vec<String> {
    use crate::document::Action;
    doc.audit
        .iter()
        .filter(|a| a.stage == crate::StageKind::Decode)
        .filter_map(|a| match a.action {
            Action::Replace => Some(format!(
                "{}: line {}, column {}: {} {} replaced by U+FFFD",
                doc.source.path,
                a.lines[0],
                a.column.unwrap_or(0),
                a.rule,
                a.before
            )),
            Action::Flag => Some(format!("{}: {}: {}", doc.source.path, a.rule, a.before)),
            Action::Remove | Action::Extract => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Body;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// `items` through `run` on `jobs` threads with the given bounds, records into `out`.
    fn run_with(
        jobs: usize,
        items: impl Iterator<Item = Item> + Send + 'static,
        (window, max_waiting_bytes, max_held_input_bytes): (usize, usize, usize),
        out: &mut dyn Write,
    ) -> Summary {
        let pipeline = Pipeline::builtin().unwrap();
        let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build().unwrap();
        let opts = BatchOptions {
            until: StageKind::Emit,
            format: Format::Jsonl,
            audit: false,
            headers: false,
            window,
            max_waiting_bytes,
            max_held_input_bytes,
            repeats: None,
        };
        let sinks = Sinks {
            out,
            audit: None,
            on_error: &mut |e| panic!("{e}"),
            on_warning: &mut |_| {},
            on_progress: &mut |_, _| {},
        };
        run(&pipeline, &pool, items, &opts, sinks).unwrap()
    }

    /// The corpus run through `run` with `window` and `max_waiting_bytes`: records and
    /// summary counts.
    fn corpus_run(jobs: usize, window: usize, max_waiting_bytes: usize) -> (Vec<u8>, u64) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let items = crate::input::files_under(&dir, &["txt"]).into_iter().map(Item::file);
        let mut out = Vec::new();
        let bounds = (window, max_waiting_bytes, usize::MAX);
        let summary = run_with(jobs, items, bounds, &mut out);
        (out, summary.docs)
    }

    /// Counts the documents written (each short document is one piece, starting with its
    /// document record) and checks, at each, how far the input was read ahead.
    struct ReadAheadCheck {
        read: Arc<AtomicUsize>,
        written: usize,
        most_ahead: usize,
        out: Vec<u8>,
    }

    impl Write for ReadAheadCheck {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if buf.starts_with(br#"{"type":"document""#) {
                self.written += 1;
                let ahead = self.read.load(Ordering::Acquire).saturating_sub(self.written);
                self.most_ahead = self.most_ahead.max(ahead);
            }
            self.out.extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// 300 in-memory documents under a bound of `bound` bytes held: the output, and the
    /// most documents read beyond those written.
    fn held_run(bound: usize) -> (Vec<u8>, usize) {
        let text = "主持人：我们今天谈谈火箭。\n嘉宾：好的，可重复使用是关键。\n".repeat(40);
        let read = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&read);
        let items = (0..300).map(move |i| {
            counter.fetch_add(1, Ordering::AcqRel);
            let name = format!("doc{i}");
            Item { doc_id: name.clone(), name, body: Body::Bytes(text.clone().into_bytes()) }
        });
        let mut check = ReadAheadCheck { read, written: 0, most_ahead: 0, out: Vec::new() };
        let summary = run_with(2, items, (10_000, usize::MAX, bound), &mut check);
        assert_eq!((summary.docs, check.written), (300, 300));
        (check.out, check.most_ahead)
    }

    #[test]
    fn input_held_in_memory_stays_under_its_bound() {
        let size = "主持人：我们今天谈谈火箭。\n嘉宾：好的，可重复使用是关键。\n".len() * 40;
        let (unbounded, ahead_unbounded) = held_run(usize::MAX);
        // Without the bound the reader runs far ahead of the writer (this is what the
        // test could not tell apart otherwise).
        assert!(ahead_unbounded > 20, "read ahead {ahead_unbounded}");
        // Five documents' bytes: read at most one document past the bound, plus the one
        // being written.
        let (bounded, ahead) = held_run(5 * size);
        assert!(ahead <= 7, "read {ahead} documents ahead of the writer");
        assert_eq!(bounded, unbounded);
        // A bound below one document still reads (one at a time).
        let (tiny, ahead_tiny) = held_run(1);
        assert!(ahead_tiny <= 2, "read {ahead_tiny} documents ahead of the writer");
        assert_eq!(tiny, unbounded);
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
