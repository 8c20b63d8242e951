//! Golden regression for any corpus: run the pipeline once per document, keep what every
//! stage made of it, and compare that with the files under a golden directory —
//! `GOLDEN/<stage>/<doc_id>.txt` for the text after each stage, `GOLDEN/emit/<doc_id>.json`
//! for the records, `GOLDEN/audit/<doc_id>.jsonl` for the audit trail and
//! `GOLDEN/error/<doc_id>.txt` for a document the pipeline rejects.
//!
//! `zhpipe golden check|bless|accept` and this repository's own `tests/golden.rs` both run
//! this module. Nothing here knows what a stage does: a stage's output is its text
//! ([`render::text_after`]) or its records, compared as text or record by record.

mod corpus;
mod glob;
mod records;
mod report;

#[cfg(feature = "cli")]
pub mod cli;

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use crate::document::Document;
use crate::error::Error;
use crate::input::{Body, Item};
use crate::render;
use crate::{Pipeline, StageKind};

pub use corpus::{discover, CorpusDoc};
pub use glob::Glob;

/// One kind of golden file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Artifact {
    /// The text right after a stage (the records after `emit`).
    Stage(StageKind),
    /// The audit trail of the whole run.
    Audit,
    /// Why the pipeline rejected the document.
    Error,
}

impl Artifact {
    /// Every artifact a `--stages` list can name, in pipeline order.
    pub const ALL: [Artifact; 7] = [
        Artifact::Stage(StageKind::Decode),
        Artifact::Stage(StageKind::Repair),
        Artifact::Stage(StageKind::Strip),
        Artifact::Stage(StageKind::Normalize),
        Artifact::Stage(StageKind::Segment),
        Artifact::Stage(StageKind::Emit),
        Artifact::Audit,
    ];

    /// Its name: the golden subdirectory and the `--stages` value.
    pub fn name(self) -> &'static str {
        match self {
            Artifact::Stage(k) => k.name(),
            Artifact::Audit => "audit",
            Artifact::Error => "error",
        }
    }

    /// The artifact named `name`, if any.
    pub fn parse(name: &str) -> Option<Artifact> {
        Artifact::ALL.into_iter().find(|a| a.name() == name)
    }

    fn ext(self) -> &'static str {
        match self {
            Artifact::Stage(StageKind::Emit) => "json",
            Artifact::Audit => "jsonl",
            _ => "txt",
        }
    }

    /// Compared record by record rather than line by line.
    fn is_records(self) -> bool {
        matches!(self, Artifact::Stage(StageKind::Emit) | Artifact::Audit)
    }

    /// The golden file of document `id`, relative to the golden directory (`/`-separated).
    pub fn golden_path(self, id: &str) -> String {
        format!("{}/{id}.{}", self.name(), self.ext())
    }
}

/// What to compare: the corpus, the golden directory and which outputs.
///
/// ```
/// use zhpipe::golden::{self, Options};
///
/// let dir = tempfile::tempdir()?;
/// let (corpus, goldens) = (dir.path().join("corpus"), dir.path().join("golden"));
/// std::fs::create_dir(&corpus)?;
/// std::fs::write(corpus.join("a.txt"), "主持人：你好。\n嘉宾：你好。\n")?;
/// let pipeline = zhpipe::Pipeline::builtin()?;
/// let opts = Options::new(&corpus, &goldens);
/// // Nothing blessed yet: every output is missing; after a bless, all are the same.
/// assert_eq!(golden::check(&pipeline, &opts, false)?.missing(), 1);
/// golden::bless(&pipeline, &opts, &[], false)?;
/// let report = golden::check(&pipeline, &opts, false)?;
/// assert_eq!((report.missing(), report.changed()), (0, 0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Options {
    /// The folder of documents.
    pub corpus: PathBuf,
    /// The folder of golden files.
    pub golden: PathBuf,
    /// The outputs kept as goldens (stages the pipeline lacks are left out).
    pub artifacts: Vec<Artifact>,
    /// Extensions of corpus documents.
    pub exts: Vec<String>,
    /// Corpus documents left out (by id or relative path).
    pub exclude: Vec<Glob>,
    /// Record fields left out of the comparison (`stats`, `source.sha256`); goldens keep them.
    pub ignore: Vec<String>,
}

impl Options {
    /// Every output of every document under `corpus`, as `zhpipe run` takes them.
    pub fn new(corpus: impl Into<PathBuf>, golden: impl Into<PathBuf>) -> Options {
        Options {
            corpus: corpus.into(),
            golden: golden.into(),
            artifacts: Artifact::ALL.to_vec(),
            exts: ["txt", "md", "text"].map(String::from).to_vec(),
            exclude: Vec::new(),
            ignore: Vec::new(),
        }
    }

    /// The artifacts asked for that this pipeline makes.
    fn artifacts_of(&self, pipeline: &Pipeline) -> Vec<Artifact> {
        let kinds: Vec<StageKind> = pipeline.stage_kinds().collect();
        let mut out: Vec<Artifact> = (self.artifacts.iter().copied())
            .filter(|a| match a {
                Artifact::Stage(k) => kinds.contains(k),
                _ => true,
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// One document's outputs: (artifact, content), in pipeline order.
#[derive(Debug)]
pub struct Outputs {
    /// The document.
    pub doc: CorpusDoc,
    /// Each output with its content.
    pub files: Vec<(Artifact, String)>,
}

/// Runs the pipeline once on `doc`, keeping the output of every stage in `wanted`; a
/// document the pipeline rejects keeps the stages it passed and an [`Artifact::Error`].
pub fn produce(pipeline: &Pipeline, doc: &CorpusDoc, wanted: &[Artifact]) -> Outputs {
    let mut files = Vec::new();
    let item = Item {
        name: doc.rel_path.clone(),
        doc_id: doc.id.clone(),
        body: Body::File(doc.path.clone()),
    };
    let bytes = match item.load(pipeline.max_doc_bytes()).2 {
        Ok(b) => b,
        Err(e) => {
            files.push((Artifact::Error, format!("{e}\n")));
            return Outputs { doc: doc.clone(), files };
        }
    };
    let until = match wanted.contains(&Artifact::Audit) {
        true => StageKind::Emit,
        false => wanted.iter().filter_map(|a| a.stage()).max().unwrap_or(StageKind::Decode),
    };
    let mut d = Document::new(doc.id.clone(), doc.rel_path.clone(), bytes);
    let result = pipeline.run_observed(&mut d, until, |stage, d| {
        if wanted.contains(&Artifact::Stage(stage)) {
            files.push((Artifact::Stage(stage), stage_output(stage, d)));
        }
    });
    match result {
        Ok(()) if wanted.contains(&Artifact::Audit) => {
            files.push((Artifact::Audit, render::audit_jsonl(&d)));
        }
        Ok(()) => {}
        Err(e) => files.push((Artifact::Error, format!("{e}\n"))),
    }
    Outputs { doc: doc.clone(), files }
}

impl Artifact {
    fn stage(self) -> Option<StageKind> {
        match self {
            Artifact::Stage(k) => Some(k),
            _ => None,
        }
    }
}

/// A stage's golden: its text; the records pretty-printed, so that a changed field is a
/// changed line in `git diff`.
fn stage_output(stage: StageKind, d: &Document) -> String {
    let text = render::text_after(d, stage);
    if stage != StageKind::Emit {
        return text;
    }
    match records::parse(&text) {
        Ok(recs) => records::pretty(&recs),
        // Not records after all (a pipeline whose emit writes something else): kept as is.
        Err(_) => text,
    }
}

/// How one golden file compares.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
/// How one output compares with its golden file.
pub enum Status {
    /// Identical.
    Same,
    /// `changes`: hunks of a text diff, or records removed, added or changed.
    #[allow(missing_docs)]
    Changed { changes: usize, diff: String },
    /// No golden file yet.
    Missing,
}

/// One output of one document, compared.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    /// Which output.
    #[serde(serialize_with = "artifact_name")]
    pub stage: Artifact,
    /// Relative to the golden directory.
    pub golden: String,
    /// How it compares.
    #[serde(flatten)]
    pub status: Status,
}

fn artifact_name<S: serde::Serializer>(a: &Artifact, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(a.name())
}

/// One document's outputs, compared.
#[derive(Debug, Clone, Serialize)]
pub struct DocReport {
    /// Its id (the golden files' name).
    pub id: String,
    /// Its path relative to the corpus.
    pub path: String,
    /// Each output compared.
    pub files: Vec<FileReport>,
}

impl DocReport {
    /// Whether an output differs from its golden file.
    pub fn changed(&self) -> bool {
        self.files.iter().any(|f| matches!(f.status, Status::Changed { .. }))
    }

    /// Whether an output has no golden file.
    pub fn missing(&self) -> bool {
        self.files.iter().any(|f| matches!(f.status, Status::Missing))
    }
}

/// The outcome of [`check`].
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Every document compared.
    pub documents: Vec<DocReport>,
    /// Golden files (relative to the golden directory) no document makes any more.
    pub stale: Vec<String>,
    /// Wall time of the check.
    pub seconds: f64,
}

impl Report {
    /// How many documents differ.
    pub fn changed(&self) -> usize {
        self.documents.iter().filter(|d| d.changed()).count()
    }

    /// How many documents lack a golden file.
    pub fn missing(&self) -> usize {
        self.documents.iter().filter(|d| d.missing()).count()
    }

    /// Nothing differs, nothing is missing, nothing is stale.
    pub fn passed(&self) -> bool {
        self.changed() == 0 && self.missing() == 0 && self.stale.is_empty()
    }
}

/// Compares every document's outputs with its goldens; with `pending`, also writes each
/// differing or missing output next to its golden as `<golden>.new` (see [`accept`]).
/// Runs on the current rayon pool.
pub fn check(pipeline: &Pipeline, opts: &Options, pending: bool) -> Result<Report, Error> {
    let start = Instant::now();
    let docs = discover(&opts.corpus, &opts.exts, &opts.exclude)?;
    let wanted = opts.artifacts_of(pipeline);
    let documents: Vec<DocReport> = docs
        .par_iter()
        .map(|doc| {
            let out = produce(pipeline, doc, &wanted);
            let mut files = Vec::new();
            for (artifact, actual) in &out.files {
                let golden = artifact.golden_path(&doc.id);
                let path = opts.golden.join(&golden);
                let status = compare(*artifact, fs::read(&path).ok(), actual, opts);
                let new = pending_path(&path);
                if pending && !matches!(status, Status::Same) {
                    write_atomic(&new, actual)?;
                } else if pending {
                    remove_if_present(&new)?;
                }
                files.push(FileReport { stage: *artifact, golden, status });
            }
            Ok(DocReport { id: doc.id.clone(), path: doc.rel_path.clone(), files })
        })
        .collect::<Result<_, Error>>()?;
    let processed = documents.iter().map(|d| d.id.as_str()).collect();
    let expected = documents.iter().flat_map(|d| d.files.iter().map(|f| f.golden.as_str()));
    let stale = stale(opts, &wanted, &docs, &processed, &expected.collect())?;
    Ok(Report { documents, stale, seconds: start.elapsed().as_secs_f64() })
}

/// `expected` is the golden's bytes: most goldens match, and comparing bytes first spares
/// validating them as UTF-8.
fn compare(artifact: Artifact, expected: Option<Vec<u8>>, actual: &str, opts: &Options) -> Status {
    let Some(expected) = expected else { return Status::Missing };
    if expected == actual.as_bytes() && (opts.ignore.is_empty() || !artifact.is_records()) {
        return Status::Same;
    }
    let expected = String::from_utf8_lossy(&expected);
    if artifact.is_records() {
        let prepare = |text: &str| {
            records::parse(text).map(|mut recs| {
                for field in &opts.ignore {
                    recs.iter_mut().for_each(|r| records::remove_field(r, field));
                }
                recs
            })
        };
        match (prepare(&expected), prepare(actual)) {
            (Ok(e), Ok(a)) if e == a => return Status::Same,
            (Ok(e), Ok(a)) => {
                let d = records::diff(&e, &a);
                return Status::Changed { changes: d.changes, diff: d.text };
            }
            // A golden that is not records (edited by hand, or from another tool) is
            // compared as text.
            _ => {}
        }
    }
    let (changes, diff) = text_diff(&expected, actual);
    Status::Changed { changes, diff }
}

/// A unified diff (3 lines of context), and its number of hunks.
fn text_diff(expected: &str, actual: &str) -> (usize, String) {
    let d = similar::TextDiff::configure()
        .timeout(std::time::Duration::from_secs(2))
        .diff_lines(expected, actual);
    let mut u = d.unified_diff();
    let hunks: Vec<String> = u.context_radius(3).iter_hunks().map(|h| h.to_string()).collect();
    (hunks.len().max(1), hunks.concat())
}

/// Golden files, under the directories of the artifacts compared, that the documents no
/// longer make: a document that is gone, or an output it no longer has (the stages after
/// one it now fails in). `expected` lists what the `processed` documents made; goldens of corpus
/// documents not processed (`bless --only`) are never stale.
fn stale(
    opts: &Options,
    wanted: &[Artifact],
    docs: &[CorpusDoc],
    processed: &HashSet<&str>,
    expected: &HashSet<&str>,
) -> Result<Vec<String>, Error> {
    let all_ids: HashSet<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    let mut out = BTreeSet::new();
    for artifact in wanted.iter().copied().chain([Artifact::Error]) {
        let dir = opts.golden.join(artifact.name());
        for rel in files_below(&dir)? {
            let golden = format!("{}/{rel}", artifact.name());
            let Some(id) = rel.strip_suffix(&format!(".{}", artifact.ext())) else {
                if !rel.ends_with(".new") {
                    out.insert(golden);
                }
                continue;
            };
            let gone = !all_ids.contains(id);
            if gone || (processed.contains(id) && !expected.contains(golden.as_str())) {
                out.insert(golden);
            }
        }
    }
    Ok(out.into_iter().collect())
}

/// Files below `dir`, recursively, as `/`-separated relative paths (none if `dir` is absent).
fn files_below(dir: &Path) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_owned(), String::new())];
    while let Some((d, prefix)) = stack.pop() {
        let entries = match fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(source) => return Err(Error::Io { path: d, source }),
        };
        for e in entries {
            let e = e.map_err(|source| Error::Io { path: d.clone(), source })?;
            let name = e.file_name().to_string_lossy().into_owned();
            let rel = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push((e.path(), rel));
            } else {
                out.push(rel);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// What [`bless`] did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Blessed {
    /// Documents run.
    pub documents: usize,
    /// Golden files written because they were new or differed.
    pub written: Vec<String>,
    /// Golden files left as they were.
    pub unchanged: usize,
    /// Stale golden files removed (`prune`).
    pub pruned: Vec<String>,
    /// Stale golden files left in place (no `prune`).
    pub stale: Vec<String>,
}

/// Writes what [`check`] compares, for the documents whose id or path matches one of `only`
/// (all when empty); with `prune`, removes the stale goldens. Files whose content is
/// already right are not touched; each file is replaced atomically.
pub fn bless(
    pipeline: &Pipeline,
    opts: &Options,
    only: &[Glob],
    prune: bool,
) -> Result<Blessed, Error> {
    let docs = discover(&opts.corpus, &opts.exts, &opts.exclude)?;
    let wanted = opts.artifacts_of(pipeline);
    let chosen: Vec<&CorpusDoc> = (docs.iter())
        .filter(|d| {
            only.is_empty() || only.iter().any(|g| g.matches(&d.id) || g.matches(&d.rel_path))
        })
        .collect();
    let outputs: Vec<Outputs> = chosen.par_iter().map(|d| produce(pipeline, d, &wanted)).collect();
    let mut done = Blessed { documents: outputs.len(), ..Blessed::default() };
    let mut expected = Vec::new();
    for out in &outputs {
        for (artifact, content) in &out.files {
            let golden = artifact.golden_path(&out.doc.id);
            let path = opts.golden.join(&golden);
            remove_if_present(&pending_path(&path))?;
            if fs::read(&path).is_ok_and(|old| old == content.as_bytes()) {
                done.unchanged += 1;
            } else {
                write_atomic(&path, content)?;
                done.written.push(golden.clone());
            }
            expected.push(golden);
        }
    }
    let processed = outputs.iter().map(|o| o.doc.id.as_str()).collect();
    let expected = expected.iter().map(String::as_str).collect();
    let stale = stale(opts, &wanted, &docs, &processed, &expected)?;
    if prune {
        for s in &stale {
            let path = opts.golden.join(s);
            fs::remove_file(&path).map_err(|source| Error::Io { path: path.clone(), source })?;
            remove_empty_parents(&path, &opts.golden);
        }
        done.pruned = stale;
    } else {
        done.stale = stale;
    }
    Ok(done)
}

/// Moves every pending `<golden>.new` over its golden; returns the goldens replaced.
pub fn accept(golden: &Path) -> Result<Vec<String>, Error> {
    let mut accepted = Vec::new();
    for rel in files_below(golden)? {
        if let Some(target) = rel.strip_suffix(".new") {
            let (from, to) = (golden.join(&rel), golden.join(target));
            fs::rename(&from, &to).map_err(|source| Error::Io { path: from, source })?;
            accepted.push(target.to_owned());
        }
    }
    Ok(accepted)
}

fn pending_path(golden: &Path) -> PathBuf {
    let mut p = golden.as_os_str().to_owned();
    p.push(".new");
    PathBuf::from(p)
}

fn remove_if_present(path: &Path) -> Result<(), Error> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(Error::Io { path: path.to_owned(), source: e })
        }
        _ => Ok(()),
    }
}

/// Directories a prune emptied (a corpus folder that is gone), up to the golden directory.
fn remove_empty_parents(file: &Path, root: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir.filter(|d| d.starts_with(root) && *d != root) {
        if fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Replaces `path` with `content` in one rename, so a reader (or an interrupted bless)
/// never leaves half a golden.
fn write_atomic(path: &Path, content: &str) -> Result<(), Error> {
    use std::io::Write;
    let io_err = |source| Error::Io { path: path.to_owned(), source };
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(io_err)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io_err)?;
    tmp.write_all(content.as_bytes()).map_err(io_err)?;
    tmp.persist(path).map_err(|e| io_err(e.error))?;
    Ok(())
}
