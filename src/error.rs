//! Typed errors. Every error that concerns one document names that document and, where it
//! is known, the byte offset and line/column, so a user can go straight to the problem.

use std::fmt;
use std::path::PathBuf;

use crate::stage_kind::StageKind;

/// A position inside an input: 0-based byte offset, 1-based line and 1-based column (chars).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Offset in the input's bytes, from 0.
    pub byte: u64,
    /// Line, from 1.
    pub line: u32,
    /// Column in characters, from 1.
    pub column: u32,
}

impl Position {
    /// Locates `byte` in `bytes`, counting lines by `\n` and columns by UTF-8 lead bytes.
    /// For text in another encoding see [`Position::locate_in`].
    pub fn locate(bytes: &[u8], byte: usize) -> Position {
        let byte = byte.min(bytes.len());
        let before = &bytes[..byte];
        let line = before.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column =
            before[line_start..].iter().filter(|&&b| (b & 0xC0) != 0x80).count() as u32 + 1;
        Position { byte: byte as u64, line, column }
    }
}

impl Position {
    /// Locates `byte` in `bytes` encoded in `encoding`: the bytes before it are decoded and
    /// lines and columns counted in characters (a `0x0A` byte inside a UTF-16 or GBK
    /// character is not a newline); `byte` stays the offset in `bytes`.
    pub fn locate_in(
        encoding: &'static encoding_rs::Encoding,
        bytes: &[u8],
        byte: usize,
    ) -> Position {
        if encoding == encoding_rs::UTF_8 {
            return Position::locate(bytes, byte);
        }
        let byte = byte.min(bytes.len());
        let (text, _) = encoding.decode_without_bom_handling(&bytes[..byte]);
        let pos = Position::locate(text.as_bytes(), text.len());
        Position { byte: byte as u64, ..pos }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {} (byte {})", self.line, self.column, self.byte)
    }
}

/// What went wrong with one document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DocErrorKind {
    /// The input could not be read (the I/O error's message).
    #[error("cannot read: {0}")]
    Io(String),
    /// The input is readable but not in the expected layout (a bad JSONL record, a
    /// directory with nothing to process).
    #[error("{0}")]
    Input(String),
    /// The input has no bytes.
    #[error("empty input (0 bytes)")]
    Empty,
    /// The input decodes to whitespace only.
    #[error("input holds no text (only whitespace)")]
    Blank,
    /// The input is binary data (what gave it away).
    #[error("binary data, not text: {0}")]
    Binary(String),
    /// The input is over `decode.max_doc_bytes`: its size and the limit.
    #[error("document is {bytes} bytes, over the limit of {limit} bytes (decode.max_doc_bytes)")]
    #[allow(missing_docs)]
    TooLarge { bytes: u64, limit: u64 },
    /// A stream (standard input, a device, a file that grew) read up to its limit without
    /// reaching its end: reading stops there, so `/dev/zero` or `yes |` cannot exhaust memory.
    #[error("input goes on past the limit of {limit} bytes (decode.max_doc_bytes); reading stopped there")]
    #[allow(missing_docs)]
    TooLargeStream { limit: u64 },
    /// The document's estimated memory is over its budget: each line costs a fixed amount
    /// whatever its length, so a document of very short lines costs many times its size.
    #[error(
        "document has {lines} lines (blank runs counted once) in {bytes} bytes: processing it \
         would take about {estimate} MB, over the budget of {budget} MB for its size \
         (decode.memory_per_byte × bytes + decode.memory_base)"
    )]
    #[allow(missing_docs)]
    TooManyLines { lines: u64, bytes: u64, estimate: u64, budget: u64 },
    /// A line is over `decode.max_line_bytes`: the line, its length and the limit.
    #[error("line {line} is {bytes} bytes long, over the limit of {limit} bytes (decode.max_line_bytes)")]
    #[allow(missing_docs)]
    LineTooLong { line: u32, bytes: u64, limit: u64 },
    /// Bytes that do not decode, with `decode.malformed = "error"` or over
    /// `decode.max_malformed`.
    #[error("undecodable bytes: {0}")]
    Encoding(String),
    /// A stage failed on this document: which, and why.
    #[error("stage {stage} failed: {message}")]
    #[allow(missing_docs)]
    Stage { stage: StageKind, message: String },
    /// A bug: a stage panicked on this document (the batch goes on).
    #[error("stage internal failed: bug: {0}")]
    Panic(String),
}

/// An error confined to one document: the batch goes on without it.
///
/// ```
/// use zhpipe::DocErrorKind;
/// let pipeline = zhpipe::Pipeline::builtin()?;
/// let e = pipeline.process_bytes("notes.txt", "  \n\t\n".as_bytes()).unwrap_err();
/// assert_eq!(e.input, "notes.txt");
/// assert_eq!(e.kind, DocErrorKind::Blank);
/// assert!(e.to_string().starts_with("notes.txt"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocError {
    /// The input as the user named it (path, or `-` for stdin, or `file.jsonl#id`).
    pub input: String,
    /// Where in the input, when known.
    pub position: Option<Position>,
    /// What went wrong.
    pub kind: DocErrorKind,
}

impl DocError {
    /// An error of `kind` in `input`, with no position.
    pub fn new(input: impl Into<String>, kind: DocErrorKind) -> Self {
        DocError { input: input.into(), position: None, kind }
    }

    /// The same error placed at `position`.
    pub fn at(mut self, position: Position) -> Self {
        self.position = Some(position);
        self
    }
}

impl fmt::Display for DocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.position {
            Some(p) => write!(f, "{}: {}: {}", self.input, p, self.kind),
            None => write!(f, "{}: {}", self.input, self.kind),
        }
    }
}

impl std::error::Error for DocError {}

/// Errors that stop a run before any document is processed: configuration and usage.
///
/// ```
/// use std::path::Path;
/// use zhpipe::config::PipelineFile;
///
/// let text = "version = 1\n[[stages]]\ntype = \"strip\"\nmystery = 1\n";
/// let err = PipelineFile::parse(text, Path::new("my.toml"))
///     .unwrap_err();
/// assert!(matches!(err, zhpipe::Error::Pipeline { .. }));
/// // The message names the file and the line of the offending key.
/// assert!(err.to_string().starts_with("pipeline file my.toml: line 4"), "{err}");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A pipeline file is wrong: the file, and the message (with its line where known).
    #[error("pipeline file {path}: {message}")]
    #[allow(missing_docs)]
    Pipeline { path: PathBuf, message: String },
    /// A rule (or other data) file a pipeline names is wrong: the file and the message.
    #[error("rule file {path}: {message}")]
    #[allow(missing_docs)]
    Rules { path: PathBuf, message: String },
    /// The arguments do not make sense together.
    #[error("{0}")]
    Usage(String),
    /// Reading or writing `path` failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A document's error where a whole run was expected to succeed.
    #[error(transparent)]
    Doc(#[from] DocError),
}

/// A result whose error is [`Error`] unless given.
pub type Result<T, E = Error> = std::result::Result<T, E>;
