//! The input thread: documents are read (files read, JSONL lines parsed) on a thread of
//! their own, ahead of the workers, within a bound on the bytes they hold.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError};
use std::sync::Arc;
use std::time::Duration;

use crate::input::Item;

/// Documents read ahead of the window: as many as one thread's window, so that each time
/// the writing thread wakes it can start a batch of documents however short they are (with
/// 16, a JSONL stream of 115 k paragraphs was started 16 at a time between the writer's
/// sleeps, and ran at a tenth of its speed); few enough not to matter for memory next to
/// the window itself (and bounded in bytes: `max_held`).
pub const READ_AHEAD: usize = 256;

/// How long the input thread waits before looking again at the bytes held, when they are
/// over the bound: it waits only while large documents are being processed.
const HELD_PAUSE: Duration = Duration::from_micros(200);

/// The documents, read on a thread of their own.
pub(super) struct Input {
    /// The input thread and what it sends; `None` once every document has been taken.
    reader: Option<(Receiver<Item>, std::thread::JoinHandle<()>)>,
    /// Input bytes held by the documents read and not yet written (see
    /// [`super::BatchOptions::max_held_input_bytes`]); shared with the input thread, which
    /// stops when it is the last holder (the batch is over).
    held: Arc<AtomicUsize>,
}

impl Input {
    /// Reads `items` ahead, files included (at most `max_doc` bytes each, as
    /// [`Item::load`] would), within `max_held` bytes.
    pub(super) fn spawn(
        items: impl Iterator<Item = Item> + Send + 'static,
        max_held: usize,
        max_doc: u64,
    ) -> Input {
        let (tx, rx) = std::sync::mpsc::sync_channel(READ_AHEAD);
        let held = Arc::new(AtomicUsize::new(0));
        let reader_held = Arc::clone(&held);
        let reader = std::thread::Builder::new()
            .name("zhpipe-input".into())
            .spawn(move || {
                let mut items = items;
                loop {
                    // Over the bound, wait for written documents to release theirs; with
                    // none held, read anyway (one document larger than the bound).
                    loop {
                        let n = reader_held.load(Ordering::Acquire);
                        if n == 0 || n < max_held {
                            break;
                        }
                        if Arc::strong_count(&reader_held) == 1 {
                            return;
                        }
                        std::thread::sleep(HELD_PAUSE);
                    }
                    let Some(item) = items.next() else { return };
                    let item = item.read_ahead(max_doc);
                    reader_held.fetch_add(item.held_bytes(), Ordering::AcqRel);
                    // The batch is over (writing failed): stop reading.
                    if tx.send(item).is_err() {
                        return;
                    }
                }
            })
            .expect("the input thread starts");
        Input { reader: Some((rx, reader)), held }
    }

    /// A written document's input bytes are no longer held.
    pub(super) fn release(&self, bytes: usize) {
        self.held.fetch_sub(bytes, Ordering::AcqRel);
    }

    /// The next document: waiting for it when `wait`, else only if it has been read.
    /// `None` when there is none yet, or no more.
    pub(super) fn next(&mut self, wait: bool) -> Option<Item> {
        let (rx, _) = self.reader.as_ref()?;
        let next =
            if wait { rx.recv().map_err(|_| TryRecvError::Disconnected) } else { rx.try_recv() };
        match next {
            Ok(item) => Some(item),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                let (_, reader) = self.reader.take().expect("checked above");
                // The reader is done; a panic there (a bug in an input stream) is this
                // thread's, not a silently shorter input.
                if let Err(panic) = reader.join() {
                    std::panic::resume_unwind(panic);
                }
                None
            }
        }
    }

    pub(super) fn ended(&self) -> bool {
        self.reader.is_none()
    }
}
