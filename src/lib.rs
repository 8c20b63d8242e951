//! zhpipe turns messy Chinese web articles (interview transcripts scraped from WeChat,
//! NetEase and SEO sites) into clean, bilingual, speaker-segmented JSONL.
//!
//! A [`Pipeline`] is a list of stages built once from a pipeline file (TOML, see
//! `pipelines/default.toml`) and then run on any number of documents, from any number of
//! threads:
//!
//! decode → repair → strip → normalize → segment → emit
//!
//! Each stage is a module under `src/stages/` implementing [`stages::Stage`]; each edits a
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

pub mod batch;
pub mod blocks;
pub mod config;
pub mod convert;
pub mod document;
pub mod error;
pub mod golden;
pub mod html;
pub mod input;
pub mod normalize;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod repair;
pub mod resources;
pub mod rules;
pub mod stages;
mod swar;
#[cfg(test)]
mod testing;
mod toml_error;
mod utf8;

pub use document::Document;
pub use error::{DocError, DocErrorKind, Error, Position};
pub use pipeline::{Output, Pipeline};
pub use stages::StageKind;
