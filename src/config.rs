//! Pipeline files: which stages run, with which parameters and rule files.
//!
//! A pipeline is TOML (`pipelines/default.toml`). Rule files it names are resolved relative
//! to the pipeline file; `builtin:` names the copies compiled into the binary, so a user
//! pipeline can reuse the shipped rules and add its own without rebuilding.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::stages::{StageConfig, StageKind};

/// The shipped pipeline and rule files, compiled in so the binary works from any directory.
const BUILTIN: &[(&str, &str)] = &[
    ("default.toml", include_str!("../pipelines/default.toml")),
    ("rules/wechat.toml", include_str!("../pipelines/rules/wechat.toml")),
    ("rules/netease.toml", include_str!("../pipelines/rules/netease.toml")),
    ("rules/seo.toml", include_str!("../pipelines/rules/seo.toml")),
    ("rules/markdown.toml", include_str!("../pipelines/rules/markdown.toml")),
    ("rules/generic.toml", include_str!("../pipelines/rules/generic.toml")),
    ("rules/readers.toml", include_str!("../pipelines/rules/readers.toml")),
    ("rules/page.toml", include_str!("../pipelines/rules/page.toml")),
    ("rules/boilerplate.toml", include_str!("../pipelines/rules/boilerplate.toml")),
    ("speakers.toml", include_str!("../pipelines/speakers.toml")),
    ("segment.toml", include_str!("../pipelines/segment.toml")),
    ("glosses.toml", include_str!("../pipelines/glosses.toml")),
];

/// The top level of a pipeline file, read by [`PipelineFile::parse`] (through
/// `RawPipelineFile`, which places errors).
#[derive(Debug, Clone)]
pub struct PipelineFile {
    /// Format version; only 1 exists.
    pub version: u32,
    pub description: Option<String>,
    pub stages: Vec<StageConfig>,
}

/// [`PipelineFile`] as written, each stage's table kept with its position: a stage's keys
/// are read by an internally tagged enum (`type` picks the stage), which loses positions,
/// so its errors are placed from here.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPipelineFile {
    version: u32,
    #[serde(default)]
    description: Option<String>,
    stages: Vec<toml::Spanned<toml::Table>>,
}

/// Where rule files come from: a directory on disk, or the compiled-in copies.
#[derive(Debug, Clone)]
pub struct Resources {
    base: Option<PathBuf>,
}

impl Resources {
    pub fn builtin() -> Self {
        Resources { base: None }
    }

    pub fn dir(base: impl Into<PathBuf>) -> Self {
        Resources { base: Some(base.into()) }
    }

    /// Reads a rule file named in a pipeline file; returns the path to show in messages.
    pub fn read(&self, name: &str) -> Result<(PathBuf, String)> {
        let builtin_name = name.strip_prefix("builtin:");
        match (&self.base, builtin_name) {
            (Some(base), None) => {
                let path = base.join(name);
                let text = read_text_file(&path)?;
                Ok((path, text))
            }
            (_, builtin) => {
                let key = builtin.unwrap_or(name);
                BUILTIN
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(k, v)| (PathBuf::from(format!("builtin:{k}")), (*v).to_owned()))
                    .ok_or_else(|| Error::Rules {
                        path: PathBuf::from(name),
                        message: format!("no built-in rule file named `{key}`"),
                    })
            }
        }
    }
}

/// The most bytes a pipeline or rule file may have: far more than any rule file needs
/// (jieba's own dictionary is 5 MB), and a bound on what a misnamed file (`/dev/zero`, a
/// log) can make the reader hold.
pub const MAX_CONFIG_FILE_BYTES: u64 = 64 << 20;

/// Reads a pipeline or rule file: at most [`MAX_CONFIG_FILE_BYTES`], and text (UTF-8, no
/// NUL byte); anything else is refused by type, its contents never shown.
pub fn read_text_file(path: &Path) -> Result<String> {
    use std::io::Read;
    let io = |source| Error::Io { path: path.to_owned(), source };
    let refuse = |message: String| Error::Rules { path: path.to_owned(), message };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(io)?
        .take(MAX_CONFIG_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_CONFIG_FILE_BYTES {
        return Err(refuse(format!(
            "over {MAX_CONFIG_FILE_BYTES} bytes: not a pipeline or rule file (reading stopped there)"
        )));
    }
    if let Some(at) = memchr::memchr(0, &bytes) {
        return Err(refuse(format!("binary data (a NUL byte at byte {at}), not a text file")));
    }
    String::from_utf8(bytes).map_err(|e| {
        refuse(format!("not UTF-8 text (invalid byte at byte {})", e.utf8_error().valid_up_to()))
    })
}

/// Numbers in rule files, range-checked as they are read: used as
/// `#[serde(deserialize_with = "…")]` on a field, the error is placed by the TOML reader at
/// the value (the file's line and column), as any other mistake in the file.
pub mod numbers {
    use serde::de::{Deserialize, Deserializer, Error};

    /// A count or length that must be at least 1 (0 would make the rule or threshold inert
    /// or fire everywhere, never what was meant).
    pub fn at_least_one<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
        match usize::deserialize(d)? {
            0 => Err(D::Error::custom("0: must be at least 1")),
            n => Ok(n),
        }
    }

    /// [`at_least_one`] for an optional key.
    pub fn at_least_one_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
        at_least_one(d).map(Some)
    }

    /// A ratio between 0 and 1 (not NaN).
    pub fn fraction<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
        let v = f32::deserialize(d)?;
        if (0.0..=1.0).contains(&v) {
            Ok(v)
        } else {
            Err(D::Error::custom(format!("{v}: must be between 0 and 1")))
        }
    }
}

/// At most this many characters of a line are shown in an error.
const EXCERPT_CHARS: usize = 60;

/// A short, escaped excerpt of a line for an error message: at most [`EXCERPT_CHARS`]
/// characters, control characters escaped (a terminal never receives them raw).
pub fn excerpt(line: &str) -> String {
    let mut out = String::new();
    for (i, c) in line.trim_end().chars().enumerate() {
        if i == EXCERPT_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

impl PipelineFile {
    pub fn builtin() -> PipelineFile {
        let (_, text) =
            Resources::builtin().read("default.toml").expect("default.toml is built in");
        Self::parse(&text, Path::new("builtin:default.toml")).expect("built-in pipeline parses")
    }

    /// Parses and checks a pipeline file; errors name the line and the offending key.
    pub fn parse(text: &str, path: &Path) -> Result<PipelineFile> {
        let err = |message| Error::Pipeline { path: path.to_owned(), message };
        let raw: RawPipelineFile =
            toml::from_str(text).map_err(|e| err(describe_toml_error(text, &e)))?;
        let spans: Vec<Range<usize>> = raw.stages.iter().map(|t| t.span()).collect();
        let stages = raw
            .stages
            .into_iter()
            .map(|table| {
                let span = table.span();
                toml::Value::Table(table.into_inner())
                    .try_into::<StageConfig>()
                    .map_err(|e| err(describe_stage_error(text, span, &e)))
            })
            .collect::<Result<Vec<_>>>()?;
        let file = PipelineFile { version: raw.version, description: raw.description, stages };
        file.check(text, &spans).map_err(err)?;
        Ok(file)
    }

    /// Stage order and the range of every number, errors placed at their stage (or key).
    fn check(&self, text: &str, spans: &[Range<usize>]) -> std::result::Result<(), String> {
        if self.version != 1 {
            let at = key_offset(text, 0..text.len(), "version").unwrap_or(0);
            let message = format!("version = {} is not supported (only 1)", self.version);
            return Err(describe_at(text, at, &message));
        }
        let at = |i: usize| spans.get(i).map_or(0, |s| s.start);
        let kinds: Vec<StageKind> = self.stages.iter().map(StageConfig::kind).collect();
        if kinds.first() != Some(&StageKind::Decode) {
            return Err(describe_at(text, at(0), "the first stage must be `decode`"));
        }
        if kinds.last() != Some(&StageKind::Emit) {
            let last = kinds.len().saturating_sub(1);
            return Err(describe_at(text, at(last), "the last stage must be `emit`"));
        }
        if let Some(i) = kinds.windows(2).position(|w| w[0] >= w[1]) {
            let message = format!(
                "stage `{}` after `{}`: stages must appear once each, in the order {}",
                kinds[i + 1],
                kinds[i],
                StageKind::ALL.map(|k| k.name()).join(", ")
            );
            return Err(describe_at(text, at(i + 1), &message));
        }
        for (i, stage) in self.stages.iter().enumerate() {
            if let StageConfig::Decode(d) = stage {
                let positive = [
                    ("max_doc_bytes", d.max_doc_bytes),
                    ("max_line_bytes", d.max_line_bytes),
                    ("memory_per_byte", d.memory_per_byte),
                ];
                if let Some((key, _)) = positive.iter().find(|(_, v)| *v == 0) {
                    let span = spans.get(i).cloned().unwrap_or(0..0);
                    let where_ = key_offset(text, span.clone(), key).unwrap_or(span.start);
                    let message = format!("{key} = 0: must be at least 1");
                    return Err(describe_at(text, where_, &message));
                }
            }
        }
        Ok(())
    }
}

/// The offset of the line setting `key` (`key = …`) in the stage starting at `span.start`
/// (its keys run to the next table header).
fn key_offset(text: &str, span: Range<usize>, key: &str) -> Option<usize> {
    let start = span.start.min(text.len());
    let mut offset = start;
    for (k, line) in text[start..].split_inclusive('\n').enumerate() {
        let t = line.trim_start();
        if k > 0 && t.starts_with('[') {
            return None;
        }
        if t.strip_prefix(key).is_some_and(|r| r.trim_start().starts_with('=')) {
            return Some(offset + (line.len() - t.len()));
        }
        offset += line.len();
    }
    None
}

/// Turns a toml error into "line N, column M: message" plus the offending line.
pub fn describe_toml_error(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim();
    match e.span() {
        Some(span) => describe_at(text, span.start, message),
        None => message.to_owned(),
    }
}

/// An error in the keys of the stage whose table starts at `span.start` (its
/// `[[stages]]` header). The stage's lines are read again as the parameters of its `type`
/// alone, which toml places exactly; failing that (an unknown `type`, a stage written as
/// an inline table) the error is placed at the `type` line, else at the header.
fn describe_stage_error(text: &str, span: Range<usize>, e: &toml::de::Error) -> String {
    let start = span.start.min(text.len());
    let end = text[span.end.min(text.len())..].find("\n[").map_or(text.len(), |i| span.end + i + 1);
    let region = &text[start..end];
    let is_type = |line: &str| {
        line.trim_start().strip_prefix("type").is_some_and(|r| r.trim_start().starts_with('='))
    };
    // Same byte offsets: the header and the `type` line become spaces.
    let mut keys = String::with_capacity(region.len());
    let mut type_at = None;
    for (k, line) in region.split_inclusive('\n').enumerate() {
        if k == 0 || is_type(line) {
            if k > 0 {
                type_at = type_at.or(Some(keys.len()));
            }
            keys.extend(line.bytes().map(|b| if b == b'\n' { '\n' } else { ' ' }));
        } else {
            keys.push_str(line);
        }
    }
    let kind = region.lines().find(|l| is_type(l)).and_then(|l| l.split('"').nth(1));
    // Only keys that read as a table on their own (the region was cut right) are placed.
    let kind = kind.filter(|_| toml::from_str::<toml::Table>(&keys).is_ok());
    match kind.map(|k| StageConfig::read_params(k, &keys)) {
        Some(Err(exact)) if exact.span().is_some() => {
            let at = exact.span().map_or(0, |s| s.start);
            describe_at(text, start + at, exact.message().trim())
        }
        _ => describe_at(text, start + type_at.unwrap_or(0), e.message().trim()),
    }
}

/// "line N, column M: message" for the byte `offset` of `text`, plus a short escaped
/// [`excerpt`] of that line. A file that fails at its first statement (not a comment, not
/// blank) is not taken for a pipeline or rule file with a mistake in it, but for another
/// file named by mistake (or on purpose: `/etc/shadow`): none of its content is shown.
fn describe_at(text: &str, offset: usize, message: &str) -> String {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let first_statement = text
        .lines()
        .position(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map_or(1, |i| i + 1);
    if line <= first_statement {
        return format!(
            "line {line}, column {col}: {message} (the file does not read as TOML from its \
             first line: its content is not shown)"
        );
    }
    let src = text.lines().nth(line - 1).unwrap_or("");
    format!("line {line}, column {col}: {message}\n    | {}", excerpt(src))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_short_and_escaped() {
        assert_eq!(excerpt("key = \"值\"  "), "key = \"值\"");
        assert_eq!(excerpt("a\u{1b}[2Jb\tc"), "a\\u{1b}[2Jb\\tc");
        let long = excerpt(&"字".repeat(500));
        assert_eq!(long.chars().count(), EXCERPT_CHARS + 1);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn a_file_failing_at_its_first_statement_is_not_shown() {
        let text = "# a comment\nroot:$6$secret:19000\nmore\n";
        let e = toml::from_str::<toml::Table>(text).unwrap_err();
        let message = describe_toml_error(text, &e);
        assert!(message.contains("line 2") && !message.contains("secret"), "{message}");
        let text = "version = 1\nbroken line\n";
        let e = toml::from_str::<toml::Table>(text).unwrap_err();
        assert!(describe_toml_error(text, &e).contains("| broken line"));
    }
}
