//! A compiled pipeline: stages built once from a pipeline file, then run on any number of
//! documents from any number of threads.

use std::path::Path;

use crate::config::PipelineFile;
use crate::document::Document;
use crate::error::{DocError, Error, Result};
use crate::render;
use crate::resources::Resources;
use crate::stages::{Stage, StageConfig, StageKind};

/// The stages of a pipeline file, built once (rule patterns, conversion tables) and then
/// run on any number of documents, from any number of threads.
///
/// ```
/// let pipeline = zhpipe::Pipeline::builtin()?;
/// let out = pipeline.process_bytes("a.txt", "主持人：你好。\n".as_bytes())?;
/// assert!(out.jsonl().starts_with(r#"{"type":"document""#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Pipeline {
    stages: Vec<Box<dyn Stage>>,
    max_doc_bytes: u64,
}

/// The result of running a document through the whole pipeline.
///
/// ```
/// let pipeline = zhpipe::Pipeline::builtin()?;
/// let out = pipeline.process_bytes("a.txt", "标题\n\n主持人：你好。\n嘉宾：你好。\n".as_bytes())?;
/// // The document after the last stage: its segments, metadata and statistics.
/// assert!(!out.doc.segments.is_empty());
/// assert_eq!(out.doc.meta.script, Some(zhpipe::Script::Hans));
/// // Its records, one JSON object a line, and the audit trail the same way.
/// assert!(out.jsonl().lines().all(|l| l.starts_with('{')));
/// assert!(out.audit_jsonl().lines().all(|l| l.starts_with('{')));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Output {
    /// The document after the last stage: its records, audit trail and statistics.
    pub doc: Document,
}

impl Output {
    /// The JSONL records (document record first, then segments), newline-terminated.
    pub fn jsonl(&self) -> std::borrow::Cow<'_, str> {
        self.doc.jsonl()
    }

    /// The audit trail as JSONL, one entry per line.
    pub fn audit_jsonl(&self) -> String {
        render::audit_jsonl(&self.doc)
    }
}

impl Pipeline {
    /// The shipped default pipeline (`pipelines/default.toml`, compiled in).
    pub fn builtin() -> Result<Pipeline> {
        Self::build(&PipelineFile::builtin(), &Resources::builtin())
    }

    /// Loads a pipeline file; rule files it names are read relative to its directory.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Pipeline> {
        Self::from_file_until(path, StageKind::Emit)
    }

    /// Like [`Pipeline::builtin`], building only the stages a run up to `until` reaches.
    pub fn builtin_until(until: StageKind) -> Result<Pipeline> {
        Self::build_until(&PipelineFile::builtin(), &Resources::builtin(), until)
    }

    /// Like [`Pipeline::from_file`], building only the stages a run up to `until` reaches.
    pub fn from_file_until(path: impl AsRef<Path>, until: StageKind) -> Result<Pipeline> {
        let path = path.as_ref();
        let text = crate::resources::read_text_file(path).map_err(|e| match e {
            Error::Rules { path, message } => Error::Pipeline { path, message },
            other => other,
        })?;
        let file = PipelineFile::parse(&text, path)?;
        let base = path.parent().map_or_else(|| Path::new(".").to_owned(), Path::to_owned);
        Self::build_until(&file, &Resources::dir(base), until)
    }

    /// Builds the stages of a parsed pipeline file; rule files are read through `res`.
    pub fn build(file: &PipelineFile, res: &Resources) -> Result<Pipeline> {
        Self::build_stages(file, res, file.stages.len())
    }

    /// Builds the stages a run up to `until` reaches ([`Pipeline::run`] stops at the first
    /// stage past it) and not the others: their rule sets and tables are most of the
    /// start-up of a run that stops early (`--until repair`). Rule files of the stages left
    /// out are not read, so their errors do not show; the pipeline runs no further than
    /// `until`.
    pub fn build_until(file: &PipelineFile, res: &Resources, until: StageKind) -> Result<Pipeline> {
        let reached = file.stages.iter().take_while(|s| s.kind() <= until).count();
        Self::build_stages(file, res, reached)
    }

    fn build_stages(file: &PipelineFile, res: &Resources, count: usize) -> Result<Pipeline> {
        let stages =
            file.stages[..count].iter().map(|s| s.build(res)).collect::<Result<Vec<_>>>()?;
        let max_doc_bytes = file
            .stages
            .iter()
            .find_map(|s| match s {
                StageConfig::Decode(d) => Some(d.max_doc_bytes),
                _ => None,
            })
            .unwrap_or(u64::MAX);
        Ok(Pipeline { stages, max_doc_bytes })
    }

    /// Builds now what the stages would build when documents first need it (rule patterns
    /// compile when a line first reaches them), so that every error shows before any
    /// document: what `zhpipe check` runs.
    pub fn prepare(&self) -> Result<()> {
        self.stages.iter().try_for_each(|s| s.prepare())
    }

    /// Runs every stage on `bytes`; `name` is the input's name (its file stem becomes the
    /// `doc_id`).
    pub fn process_bytes(
        &self,
        name: &str,
        bytes: impl Into<std::sync::Arc<[u8]>>,
    ) -> Result<Output, DocError> {
        let doc = self.process_until(name, bytes, StageKind::Emit)?;
        Ok(Output { doc })
    }

    /// Runs the stages up to and including `until` (stages the pipeline lacks are skipped).
    pub fn process_until(
        &self,
        name: &str,
        bytes: impl Into<std::sync::Arc<[u8]>>,
        until: StageKind,
    ) -> Result<Document, DocError> {
        let mut doc = Document::new(doc_id_of(name), name, bytes);
        self.run(&mut doc, until)?;
        Ok(doc)
    }

    /// Runs the stages up to `until` on an existing document (its `raw` must be set).
    pub fn run(&self, doc: &mut Document, until: StageKind) -> Result<(), DocError> {
        self.run_observed(doc, until, |_, _| {})
    }

    /// Like [`Pipeline::run`], calling `observe` after each stage (golden files, debugging).
    pub fn run_observed(
        &self,
        doc: &mut Document,
        until: StageKind,
        mut observe: impl FnMut(StageKind, &Document),
    ) -> Result<(), DocError> {
        for stage in self.stages.iter().take_while(|s| s.kind() <= until) {
            stage.process(doc).map_err(|kind| DocError::new(doc.source.path.clone(), kind))?;
            observe(stage.kind(), doc);
        }
        Ok(())
    }

    /// The largest document the decode stage accepts (`decode.max_doc_bytes`): readers hold
    /// no more than this of one input.
    pub fn max_doc_bytes(&self) -> u64 {
        self.max_doc_bytes
    }

    /// The stages, in order.
    pub fn stage_kinds(&self) -> impl Iterator<Item = StageKind> + '_ {
        self.stages.iter().map(|s| s.kind())
    }
}

/// Kept at its former path; defined with [`Document`].
pub use crate::document::doc_id_of;
