//! The `zhpipe._zhpipe` extension module: the library's [`zhpipe::Pipeline`] and
//! converters behind a small Python API. The Python package (`python/zhpipe/`) wraps it:
//! argument normalisation, the batch generator and the Arrow path live there, where they
//! cost little and are easy to read; what runs per byte of text runs here, without the GIL.

use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Arc;

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString};

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod arrow;
mod records;

use records::Builder;

use zhpipe::config::{PipelineFile, Resources};
use zhpipe::convert::{Config, Converter};
use zhpipe::{DocError, Document, StageKind};

create_exception!(_zhpipe, ZhpipeError, PyException, "Base class of every zhpipe error.");
create_exception!(
    _zhpipe,
    PipelineError,
    ZhpipeError,
    "A pipeline file or one of its rule files is missing or invalid (raised by `Pipeline()`)."
);
create_exception!(
    _zhpipe,
    DocumentError,
    ZhpipeError,
    "One document could not be processed. Attributes: `doc_id`, `input` (the name the \
     document was given), `kind`, `reason`, and `line`, `column`, `byte` (ints, or None when \
     the error has no position)."
);

/// The tokens pipeline (`pipelines/tokens.toml`), compiled in like the default one; the
/// rule files it names are the built-in copies.
const TOKENS_TOML: &str = include_str!("../../pipelines/tokens.toml");

fn pipeline_error(e: zhpipe::Error) -> PyErr {
    PipelineError::new_err(e.to_string())
}

/// A [`DocError`] as a `DocumentError` carrying the document's id and position.
fn document_error(py: Python<'_>, doc_id: &str, e: &DocError) -> PyErr {
    let err = DocumentError::new_err(format!("{doc_id}: {e}"));
    let value = err.value(py);
    // Stages report a position inside their message (`… at line 3, column 7 (byte 41)`,
    // `Position`'s Display); the error's own field is set by readers that know it first.
    let pos = e.position.or_else(|| position_in(&e.kind.to_string()));
    let kind = format!("{:?}", e.kind);
    let kind = kind.split(['(', ' ', '{']).next().unwrap_or_default().to_owned();
    let set = |k: &str, v: Bound<'_, PyAny>| value.setattr(k, v);
    let res = (|| -> PyResult<()> {
        set("doc_id", doc_id.into_pyobject(py)?.into_any())?;
        set("input", e.input.as_str().into_pyobject(py)?.into_any())?;
        set("kind", kind.into_pyobject(py)?.into_any())?;
        set("reason", e.kind.to_string().into_pyobject(py)?.into_any())?;
        set("line", pos.map(|p| p.line).into_pyobject(py)?.into_any())?;
        set("column", pos.map(|p| p.column).into_pyobject(py)?.into_any())?;
        set("byte", pos.map(|p| p.byte).into_pyobject(py)?.into_any())?;
        Ok(())
    })();
    match res {
        Ok(()) => err,
        Err(e) => e,
    }
}

/// The first `line L, column C (byte B)` in a message.
fn position_in(message: &str) -> Option<zhpipe::Position> {
    message.match_indices("line ").find_map(|(i, _)| {
        let rest = &message[i + "line ".len()..];
        let (line, rest) = rest.split_once(", column ")?;
        let (column, rest) = rest.split_once(" (byte ")?;
        let (byte, _) = rest.split_once(')')?;
        let (line, column, byte) = (line.parse().ok()?, column.parse().ok()?, byte.parse().ok()?);
        Some(zhpipe::Position { line, column, byte })
    })
}

/// Text given as `str` (encoded as UTF-8) or as `bytes` (decoded by the pipeline, like a
/// file: any encoding it detects).
fn input_bytes(text: &Bound<'_, PyAny>) -> PyResult<Arc<[u8]>> {
    if let Ok(s) = text.cast::<PyString>() {
        Ok(Arc::from(s.to_str()?.as_bytes()))
    } else if let Ok(b) = text.cast::<PyBytes>() {
        Ok(Arc::from(b.as_bytes()))
    } else {
        Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "expected str or bytes, got {}",
            text.get_type().name()?
        )))
    }
}

/// One document to run: its id, the name shown in `source.path` and messages, its bytes.
struct Job {
    id: String,
    path: String,
    bytes: Arc<[u8]>,
}

fn run_one(pipeline: &zhpipe::Pipeline, job: Job) -> (String, Result<Document, DocError>) {
    let mut doc = Document::new(job.id.clone(), job.path, job.bytes);
    let res = pipeline.run(&mut doc, StageKind::Emit).map(|()| doc);
    (job.id, res)
}

/// A compiled pipeline. Thread-safe: one object serves any number of threads.
#[pyclass(frozen, module = "zhpipe._zhpipe")]
struct Pipeline {
    inner: Arc<zhpipe::Pipeline>,
    #[pyo3(get)]
    name: String,
}

#[pymethods]
impl Pipeline {
    #[new]
    #[pyo3(signature = (pipeline=None))]
    fn new(py: Python<'_>, pipeline: Option<PathBuf>) -> PyResult<Self> {
        let name = pipeline.as_ref().map_or("default".into(), |p| p.to_string_lossy().into_owned());
        let inner = py
            .detach(|| {
                match name.as_str() {
                    "default" | "builtin" => zhpipe::Pipeline::builtin(),
                    "tokens" => {
                        let file = PipelineFile::parse(
                            TOKENS_TOML,
                            std::path::Path::new("builtin:tokens.toml"),
                        )?;
                        zhpipe::Pipeline::build(&file, &Resources::builtin())
                    }
                    _ => zhpipe::Pipeline::from_file(pipeline.as_deref().unwrap_or(".".as_ref())),
                }
                // Every rule compiled now, so that a bad one is an error here, not on the
                // first document that reaches it.
                .and_then(|p| p.prepare().map(|()| p))
            })
            .map_err(pipeline_error)?;
        Ok(Pipeline { inner: Arc::new(inner), name })
    }

    /// The records of one document as JSONL (`bytes`, newline-terminated lines).
    #[pyo3(signature = (text, id, path=None))]
    fn process_jsonl<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
        id: String,
        path: Option<String>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let job = Job { path: path.unwrap_or_else(|| id.clone()), id, bytes: input_bytes(text)? };
        let (id, res) = py.detach(|| run_one(&self.inner, job));
        let doc = res.map_err(|e| document_error(py, &id, &e))?;
        Ok(PyBytes::new(py, doc.jsonl().as_bytes()))
    }

    /// The records of one document as a list of dicts.
    #[pyo3(signature = (text, id, path=None))]
    fn process<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
        id: String,
        path: Option<String>,
    ) -> PyResult<Bound<'py, PyList>> {
        let job = Job { path: path.unwrap_or_else(|| id.clone()), id, bytes: input_bytes(text)? };
        let (id, res) = py.detach(|| run_one(&self.inner, job));
        let doc = res.map_err(|e| document_error(py, &id, &e))?;
        Builder::new(py).records(&doc.jsonl())
    }

    /// The audit trail of one document (every removal and repair, with its rule), as a list
    /// of dicts.
    #[pyo3(signature = (text, id, path=None))]
    fn audit<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
        id: String,
        path: Option<String>,
    ) -> PyResult<Bound<'py, PyList>> {
        let job = Job { path: path.unwrap_or_else(|| id.clone()), id, bytes: input_bytes(text)? };
        let (id, res) = py.detach(|| run_one(&self.inner, job));
        let doc = res.map_err(|e| document_error(py, &id, &e))?;
        Builder::new(py).records(&zhpipe::audit_jsonl(&doc))
    }

    /// Starts a chunk of documents on `pool` and returns at once; `Chunk.wait()` gives the
    /// results in input order. `docs` is a list of `(id, path, text_or_bytes)`.
    #[pyo3(signature = (docs, pool, output))]
    fn submit(&self, docs: &Bound<'_, PyList>, pool: &Pool, output: &str) -> PyResult<Chunk> {
        let as_records = match output {
            "records" => true,
            "jsonl" => false,
            _ => return Err(PyValueError::new_err("output must be 'records' or 'jsonl'")),
        };
        let rx = spawn_chunk(&self.inner, pool, jobs_of(docs)?, |done| done);
        Ok(Chunk { rx: std::sync::Mutex::new(Some(rx)), as_records })
    }

    /// Like `submit`, the chunk's records decoded on the workers into one Arrow record
    /// batch typed by `schema` (a `pyarrow.Schema`, or anything with `__arrow_c_schema__`);
    /// `ArrowChunk.wait()` gives the batch and the errors.
    fn submit_arrow(
        &self,
        docs: &Bound<'_, PyList>,
        pool: &Pool,
        schema: &Bound<'_, PyAny>,
    ) -> PyResult<ArrowChunk> {
        let schema = arrow::import_schema(schema)?;
        let rx =
            spawn_chunk(&self.inner, pool, jobs_of(docs)?, move |done| arrow::decode(schema, done));
        Ok(ArrowChunk { rx: std::sync::Mutex::new(Some(rx)) })
    }
}

fn jobs_of(docs: &Bound<'_, PyList>) -> PyResult<Vec<Job>> {
    let mut jobs = Vec::with_capacity(docs.len());
    for item in docs.iter() {
        let (id, path, text): (String, String, Bound<'_, PyAny>) = item.extract()?;
        jobs.push(Job { id, path, bytes: input_bytes(&text)? });
    }
    Ok(jobs)
}

/// A chunk in flight whose records become one Arrow record batch.
#[pyclass(frozen, module = "zhpipe._zhpipe")]
struct ArrowChunk {
    rx: std::sync::Mutex<Option<mpsc::Receiver<arrow::Decoded>>>,
}

#[pymethods]
impl ArrowChunk {
    /// Waits (without the GIL); returns `(batch, errors)`: an object with
    /// `__arrow_c_array__` (give it to `pyarrow.record_batch`) and the `DocumentError`s of
    /// documents left out.
    fn wait_arrow<'py>(&self, py: Python<'py>) -> PyResult<(arrow::Batch, Bound<'py, PyList>)> {
        let rx = take_receiver(&self.rx)?;
        let decoded = py
            .detach(move || rx.recv())
            .map_err(|_| ZhpipeError::new_err("a worker thread stopped without an answer"))?;
        let errors = PyList::empty(py);
        for (id, e) in &decoded.errors {
            errors.append(document_error(py, id, e).into_value(py))?;
        }
        let batch = decoded.batch.map_err(ZhpipeError::new_err)?;
        Ok((arrow::Batch { batch: std::sync::Mutex::new(Some(batch)) }, errors))
    }
}

fn take_receiver<T>(
    slot: &std::sync::Mutex<Option<mpsc::Receiver<T>>>,
) -> PyResult<mpsc::Receiver<T>> {
    slot.lock()
        .map_err(|_| ZhpipeError::new_err("chunk lock poisoned"))?
        .take()
        .ok_or_else(|| ZhpipeError::new_err("chunk already collected"))
}

/// Runs a chunk's documents on `pool` without holding the caller, in order, each as its
/// records in one JSONL string (the document itself — lines, segments, audit — is dropped
/// on the worker); `finish` turns the results into what the chunk's `wait()` returns.
fn spawn_chunk<T: Send + 'static>(
    pipeline: &Arc<zhpipe::Pipeline>,
    pool: &Pool,
    jobs: Vec<Job>,
    finish: impl FnOnce(Vec<Done>) -> T + Send + 'static,
) -> mpsc::Receiver<T> {
    let (tx, rx) = mpsc::channel();
    let pipeline = Arc::clone(pipeline);
    let workers = Arc::clone(&pool.inner);
    pool.inner.spawn(move || {
        use rayon::prelude::*;
        let done: Vec<Done> = workers.install(|| {
            jobs.into_par_iter()
                .map(|job| {
                    let (id, res) = run_one(&pipeline, job);
                    (id, res.map(|doc| doc.jsonl().into_owned()))
                })
                .collect()
        });
        let _ = tx.send(finish(done));
    });
    rx
}

type Done = (String, Result<String, DocError>);

/// Worker threads for `Pipeline.process_batch`.
#[pyclass(frozen, module = "zhpipe._zhpipe")]
struct Pool {
    inner: Arc<rayon::ThreadPool>,
}

#[pymethods]
impl Pool {
    #[new]
    fn new(jobs: usize) -> PyResult<Self> {
        if jobs == 0 {
            return Err(PyValueError::new_err("jobs must be at least 1"));
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .thread_name(|i| format!("zhpipe-{i}"))
            .build()
            .map_err(|e| ZhpipeError::new_err(format!("cannot start {jobs} threads: {e}")))?;
        Ok(Pool { inner: Arc::new(pool) })
    }
}

/// A chunk of documents in flight on a [`Pool`].
#[pyclass(frozen, module = "zhpipe._zhpipe")]
struct Chunk {
    rx: std::sync::Mutex<Option<mpsc::Receiver<Vec<Done>>>>,
    as_records: bool,
}

#[pymethods]
impl Chunk {
    /// Waits (without the GIL) for the chunk; returns one entry per document, in order:
    /// its records (a list of dicts, or JSONL bytes), or the `DocumentError` for it
    /// (returned, not raised).
    fn wait<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let rx = take_receiver(&self.rx)?;
        let done = py
            .detach(move || rx.recv())
            .map_err(|_| ZhpipeError::new_err("a worker thread stopped without an answer"))?;
        let out = PyList::empty(py);
        let mut builder = self.as_records.then(|| Builder::new(py));
        for (id, res) in done {
            match res {
                Ok(jsonl) => match builder.as_mut() {
                    Some(b) => out.append(b.records(&jsonl)?)?,
                    None => out.append(PyBytes::new(py, jsonl.as_bytes()))?,
                },
                Err(e) => out.append(document_error(py, &id, &e).into_value(py))?,
            }
        }
        Ok(out)
    }
}

/// Converts `text` between Chinese scripts and regional standards with one of OpenCC's
/// configurations (`s2t`, `t2s`, `s2tw`, `tw2s`, `s2hk`, `hk2s`, `s2twp`, `tw2sp`, `t2tw`,
/// `t2hk`, `tw2t`, `hk2t`; a trailing `.json` is accepted, as in the `opencc` package).
#[pyfunction]
fn convert(py: Python<'_>, text: &str, config: &str) -> PyResult<String> {
    let conv = converter(config)?;
    if text.len() < 4096 {
        return Ok(conv.convert(text));
    }
    let text = text.to_owned();
    Ok(py.detach(move || conv.convert(&text)))
}

fn converter(config: &str) -> PyResult<&'static Converter> {
    let config = config.parse::<Config>().map_err(|_| {
        PyValueError::new_err(format!(
            "unknown OpenCC configuration {config:?}: expected one of s2t, t2s, s2tw, tw2s, \
             s2hk, hk2s, s2twp, tw2sp, t2tw, t2hk, tw2t, hk2t"
        ))
    })?;
    Ok(Converter::get(config))
}

/// Checks a configuration name and builds its converter (the first call per configuration
/// builds the dictionaries; later ones share them).
#[pyfunction]
fn check_config(config: &str) -> PyResult<String> {
    Ok(converter(config)?.config().name().to_owned())
}

/// JSON lines as Python objects, made the way records are (for tests: the result must equal
/// `[json.loads(line) for line in text.splitlines()]`).
#[pyfunction]
fn parse_jsonl<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyList>> {
    Builder::new(py).records(text)
}

#[pymodule]
fn _zhpipe(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<Pipeline>()?;
    m.add_class::<Pool>()?;
    m.add_class::<Chunk>()?;
    m.add_class::<ArrowChunk>()?;
    m.add_class::<arrow::Batch>()?;
    m.add_function(wrap_pyfunction!(convert, m)?)?;
    m.add_function(wrap_pyfunction!(check_config, m)?)?;
    m.add_function(wrap_pyfunction!(parse_jsonl, m)?)?;
    m.add("ZhpipeError", py.get_type::<ZhpipeError>())?;
    m.add("PipelineError", py.get_type::<PipelineError>())?;
    m.add("DocumentError", py.get_type::<DocumentError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
