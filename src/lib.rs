//! zhpipe turns messy Chinese web articles (interview transcripts scraped from WeChat,
//! NetEase and SEO sites) into clean, bilingual, speaker-segmented JSONL.
//!
//! A [`Pipeline`] is a list of stages built once from a pipeline file (TOML, see
//! `pipelines/default.toml`) and then run on any number of documents, from any number of
//! threads:
//!
//! decode → repair → strip → normalize → segment → emit
//!
//! Each stage is a module under `src/stages/` implementing [`Stage`]; each edits a
//! [`Document`] whose lines remember the source lines they came from, and records what it
//! removed or changed in the document's audit trail.
//!
//! Where to change what (a new profile, pipeline, stage, output field, rule action, golden
//! or corpus document): `CONTRIBUTING.md` at the repository root.
//!
//! ```
//! let pipeline = zhpipe::Pipeline::builtin()?;
//! let out = pipeline.process_bytes("interview.txt", "主持人：你好。\n马斯克：你好。\n".as_bytes())?;
//! let jsonl = out.jsonl();
//! let mut lines = jsonl.lines();
//! let doc: serde_json::Value = serde_json::from_str(lines.next().unwrap())?;
//! assert_eq!(doc["type"], "document");
//! assert_eq!(doc["doc_id"], "interview");
//! assert_eq!(doc["source"]["encoding"], "UTF-8");
//! let first: serde_json::Value = serde_json::from_str(lines.next().unwrap())?;
//! assert_eq!(first["type"], "segment");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! - [`Pipeline`] builds the stages ([`Pipeline::builtin`], [`Pipeline::from_file`]) and
//!   runs one document ([`Pipeline::process_bytes`], or up to a stage with
//!   [`Pipeline::process_until`]). [`config::PipelineFile`] is a parsed pipeline file.
//! - [`Document`] is what the stages edit: lines with their source lines, metadata,
//!   segments, the audit trail ([`audit_jsonl`] writes it as JSONL), the records.
//! - [`input`] turns paths, `-` and JSONL streams into documents to read
//!   ([`input::open`]); [`batch::run`] runs them on a thread pool and writes records in
//!   input order, within [`batch::BatchOptions`]' memory bounds; [`output`] writes files
//!   atomically. This is what `zhpipe run` does.
//! - [`records`] defines each record of the output (document, segment, text) as a type,
//!   for reading the output back.
//! - [`golden`] compares every stage's output on a corpus with golden files.
//! - [`convert`] is the OpenCC-exact script conversion, usable on its own.
//! - Errors: [`Error`] stops a run (configuration, usage); [`DocError`] fails one document
//!   and names it, with a [`Position`] where known.
//!
//! A batch over a folder, as the command line runs it:
//!
//! ```
//! use zhpipe::batch::{self, BatchOptions, Sinks};
//!
//! let dir = tempfile::tempdir()?;
//! std::fs::write(dir.path().join("a.txt"), "主持人：你好。\n嘉宾：你好。\n")?;
//! std::fs::write(dir.path().join("b.txt"), "第二篇文章。\n")?;
//! let pipeline = zhpipe::Pipeline::builtin()?;
//! let (jobs, pool) = batch::thread_pool(Some(2))?;
//! let ext = ["txt".to_owned()];
//! let inputs = zhpipe::input::open(
//!     &[dir.path().to_owned()],
//!     zhpipe::input::InputFormat::Text,
//!     &ext,
//!     pipeline.max_doc_bytes(),
//! );
//! let mut out = Vec::new();
//! let sinks = Sinks {
//!     out: &mut out,
//!     audit: None,
//!     on_error: &mut |e| panic!("{e}"),
//!     on_warning: &mut |_| {},
//!     on_progress: &mut |_, _| {},
//! };
//! let summary = batch::run(&pipeline, &pool, inputs.items, &BatchOptions::new(jobs), sinks)?;
//! assert_eq!(summary.docs, 2);
//! let records = String::from_utf8(out)?;
//! // Each document's records start with its document record, in input order.
//! let docs: Vec<&str> = records.lines().filter(|l| l.contains(r#""type":"document""#)).collect();
//! assert!(docs[0].contains(r#""doc_id":"a""#) && docs[1].contains(r#""doc_id":"b""#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

// The public modules: what a library caller builds on.
pub mod batch;
pub mod config;
pub mod convert;
pub mod document;
pub mod error;
pub mod golden;
pub mod input;
pub mod output;
pub mod pipeline;
pub mod records;

// The stages and their text functions: reached through the re-exports below.
mod blocks;
mod chars;
mod html;
mod labels;
mod normalize;
mod render;
mod repair;
mod repeats;
mod resources;
mod rules;
mod stage_kind;
mod stages;
mod swar;
#[cfg(test)]
mod testing;
mod threads;
mod toml_error;
mod utf8;

pub use document::Document;
pub use error::{DocError, DocErrorKind, Error, Position};
pub use pipeline::{Output, Pipeline};

// Stages, one at a time: what `--until`, audit entries and custom runs name.
pub use stages::normalize::{Normalize, NormalizeConfig};
pub use stages::{Stage, StageConfig, StageKind};

// Renderings of a document part-way through the pipeline.
pub use render::{audit_jsonl, text_after};

// Text functions the stages are made of, usable on their own.
pub use blocks::PARALLEL_MIN_BYTES;
pub use normalize::{
    detect_script, detect_variant, extract_glosses, is_english, normalize_punct, Evidence, Script,
    Variant,
};
pub use repair::{
    fix_mojibake_line, repair, RepairConfig, RepairEdit, RepairOutput, RULE_DROPPED,
    RULE_GLOSS_TABLE, RULE_LOW,
};
pub use stages::emit::default_jieba;
