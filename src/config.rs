//! Pipeline files: which stages run, with which parameters and rule files.
//!
//! A pipeline is TOML (`pipelines/default.toml`). Rule files it names are resolved relative
//! to the pipeline file; `builtin:` names the copies compiled into the binary, so a user
//! pipeline can reuse the shipped rules and add its own without rebuilding.

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
    ("speakers.toml", include_str!("../pipelines/speakers.toml")),
    ("segment.toml", include_str!("../pipelines/segment.toml")),
    ("glosses.toml", include_str!("../pipelines/glosses.toml")),
];

/// The top level of a pipeline file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineFile {
    /// Format version; only 1 exists.
    pub version: u32,
    #[serde(default)]
    pub description: Option<String>,
    pub stages: Vec<StageConfig>,
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
        let file: PipelineFile = toml::from_str(text).map_err(|e| Error::Pipeline {
            path: path.to_owned(),
            message: describe_toml_error(text, &e),
        })?;
        file.check().map_err(|message| Error::Pipeline { path: path.to_owned(), message })?;
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
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            let src = text.lines().nth(line - 1).unwrap_or("").trim_end();
            format!("line {line}, column {col}: {message}\n    | {src}")
        }
        None => message.to_owned(),
    }
}
