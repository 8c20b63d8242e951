//! The pre-pass of `zhpipe run --cross-doc-repeats`: decodes a batch once and counts, per
//! normalized line, the documents that have it ([`LineRepeats`], defined with the counting in
//! `crate::repeats`, which documents can hold without depending on the batch runner).

use rayon::prelude::*;

use crate::input::Item;
use crate::pipeline::Pipeline;
use crate::repeats::{key, Counter};
use crate::stage_kind::StageKind;

pub use crate::repeats::{LineRepeats, MAX_KEYS};

/// Documents decoded at once by the pre-pass (bounds the memory of the read-ahead).
const CHUNK: usize = 64;

impl LineRepeats {
    /// The pre-pass of `zhpipe run --cross-doc-repeats`: opens `inputs` as
    /// [`input::open`](crate::input::open) does and [`collect`](LineRepeats::collect)s
    /// them. Standard input (`-`) is refused: the run would have to read it twice.
    pub fn of_inputs(
        inputs: &[std::path::PathBuf],
        format: crate::input::InputFormat,
        exts: &[String],
        pipeline: &Pipeline,
        pool: &rayon::ThreadPool,
        min_docs: usize,
    ) -> Result<Self, crate::Error> {
        if inputs.iter().any(|i| crate::output::is_dash(i)) {
            let message = "--cross-doc-repeats reads its inputs twice: not `-`";
            return Err(crate::Error::Usage(message.into()));
        }
        let items = crate::input::open(inputs, format, exts, pipeline.max_doc_bytes()).items;
        Ok(LineRepeats::collect(pipeline, pool, items, min_docs))
    }

    /// Decodes every document of `items` on `pool` (decode stage only) and counts its
    /// lines; the documents that fail to decode are skipped (the main run reports them).
    pub fn collect(
        pipeline: &Pipeline,
        pool: &rayon::ThreadPool,
        items: impl Iterator<Item = Item>,
        min_docs: usize,
    ) -> Self {
        let mut counter = Counter::default();
        let mut items = items.peekable();
        while items.peek().is_some() {
            let chunk: Vec<Item> = items.by_ref().take(CHUNK).collect();
            let keys: Vec<Vec<u64>> = pool.install(|| {
                chunk
                    .into_par_iter()
                    .map(|item| {
                        let (name, _, bytes) = item.load(pipeline.max_doc_bytes());
                        let Ok(bytes) = bytes else { return Vec::new() };
                        match pipeline.process_until(&name, bytes, StageKind::Decode) {
                            Ok(doc) => doc.lines.iter().filter_map(|l| key(&l.text)).collect(),
                            Err(_) => Vec::new(),
                        }
                    })
                    .collect()
            });
            // Merged in input order: the counts, and so the cap, are the same at any --jobs.
            for k in keys {
                counter.add(&k);
            }
        }
        counter.finish(min_docs)
    }
}
