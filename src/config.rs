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
                let text = std::fs::read_to_string(&path)
                    .map_err(|source| Error::Io { path: path.clone(), source })?;
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
        file.check().map_err(err)?;
        Ok(file)
    }

    fn check(&self) -> std::result::Result<(), String> {
        if self.version != 1 {
            return Err(format!("version = {} is not supported (only 1)", self.version));
        }
        let kinds: Vec<StageKind> = self.stages.iter().map(StageConfig::kind).collect();
        if kinds.first() != Some(&StageKind::Decode) {
            return Err("the first stage must be `decode`".into());
        }
        if kinds.last() != Some(&StageKind::Emit) {
            return Err("the last stage must be `emit`".into());
        }
        if let Some(w) = kinds.windows(2).find(|w| w[0] >= w[1]) {
            return Err(format!(
                "stage `{}` after `{}`: stages must appear once each, in the order {}",
                w[1],
                w[0],
                StageKind::ALL.map(|k| k.name()).join(", ")
            ));
        }
        Ok(())
    }
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

/// "line N, column M: message" for the byte `offset` of `text`, plus that line.
fn describe_at(text: &str, offset: usize, message: &str) -> String {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let src = text.lines().nth(line - 1).unwrap_or("").trim_end();
    format!("line {line}, column {col}: {message}\n    | {src}")
}
