//! Pipeline files: which stages run, with which parameters and rule files.
//!
//! A pipeline is TOML (`pipelines/default.toml`). Rule files it names are resolved relative
//! to the pipeline file; `builtin:` names the copies compiled into the binary, so a user
//! pipeline can reuse the shipped rules and add its own without rebuilding.
//!
//! A pipeline can be written as the difference from another: `extends = "default.toml"`
//! (relative to the file, or `builtin:default.toml`) takes that pipeline's stages, and each
//! `[[stages]]` table of the file sets keys of the stage of its `type` (a stage the other
//! pipeline lacks is added in its place in the stage order). Rule files named by the
//! inherited keys stay resolved relative to the file that named them.

use std::ops::Range;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::stage_kind::StageKind;
use crate::stages::StageConfig;
use crate::toml_error::describe_at;
// Where they were defined before they had modules of their own (the Python package and
// users import them from here).
pub use crate::resources::{read_text_file, Resources, MAX_CONFIG_FILE_BYTES};
pub use crate::toml_error::{describe_toml_error, excerpt, numbers};

/// The top level of a pipeline file, read by [`PipelineFile::parse`] (through
/// `RawPipelineFile`, which places errors).
///
/// ```
/// use std::path::Path;
/// use zhpipe::config::{PipelineFile, Resources};
/// use zhpipe::StageKind;
///
/// // A pipeline without the strip stage, built from its text.
/// let text = "version = 1\n[[stages]]\ntype = \"decode\"\n[[stages]]\ntype = \"normalize\"\n\
///             [[stages]]\ntype = \"segment\"\n[[stages]]\ntype = \"emit\"\n";
/// let file = PipelineFile::parse(text, Path::new("mine.toml"))?;
/// let pipeline = zhpipe::Pipeline::build(&file, &Resources::builtin())?;
/// let kinds: Vec<StageKind> = pipeline.stage_kinds().collect();
/// use StageKind::*;
/// assert_eq!(kinds, [Decode, Normalize, Segment, Emit]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct PipelineFile {
    /// Format version; only 1 exists.
    pub version: u32,
    /// What the pipeline is for (free text).
    pub description: Option<String>,
    /// The stages with their parameters, in order (`decode` first, `emit` last).
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
    /// The pipeline file this one changes.
    #[serde(default)]
    extends: Option<String>,
    stages: Vec<toml::Spanned<toml::Table>>,
}

/// How many pipelines deep `extends` may go: far more than any use needs, and a cycle
/// (`a` extends `b` extends `a`) stops with an error here.
const MAX_EXTENDS: usize = 8;

/// The keys of each stage that name files (resolved through [`Resources`]): what
/// `extends` rebases when the extended pipeline lives elsewhere.
const FILE_KEYS: &[(&str, &[&str])] = &[
    ("strip", &["rules", "boilerplate"]),
    ("normalize", &["phrases", "glosses", "regions"]),
    ("segment", &["speakers", "rules"]),
    ("emit", &["user_dict"]),
];

/// A stage table's `type`.
fn stage_type(table: &toml::Table) -> Option<&str> {
    table.get("type").and_then(toml::Value::as_str)
}

/// Where a stage named `kind` goes in the fixed order (unknown names last).
fn stage_rank(kind: Option<&str>) -> usize {
    StageKind::ALL.iter().position(|k| Some(k.name()) == kind).unwrap_or(StageKind::ALL.len())
}

/// `parent`'s stage tables with `own`'s keys set over them, stage by stage; each stage
/// with the span of `own`'s table for it (`0..0` when `own` has none).
fn merge_stages(
    parent: Vec<toml::Table>,
    own: Vec<(Range<usize>, toml::Table)>,
) -> Vec<(Range<usize>, toml::Table)> {
    let mut out: Vec<(Range<usize>, toml::Table)> = parent.into_iter().map(|t| (0..0, t)).collect();
    for (span, table) in own {
        let kind = stage_type(&table).map(str::to_owned);
        if let Some(i) =
            out.iter().position(|(_, t)| kind.is_some() && stage_type(t) == kind.as_deref())
        {
            out[i].0 = span;
            out[i].1.extend(table);
        } else {
            let rank = stage_rank(kind.as_deref());
            let at =
                out.iter().position(|(_, t)| stage_rank(stage_type(t)) > rank).unwrap_or(out.len());
            out.insert(at, (span, table));
        }
    }
    out
}

/// Rewrites the file names in stage tables read from `from` so that they name the same
/// files when resolved from `to`: `builtin:` for a built-in pipeline's, the absolute path
/// for a pipeline in another directory.
fn rebase_file_keys(tables: &mut [toml::Table], from: &Path, to: &Path) {
    let is_builtin = |p: &Path| p.to_string_lossy().starts_with("builtin:");
    let from_dir = from.parent().unwrap_or(Path::new(""));
    let rebase: Box<dyn Fn(&str) -> String> = match (is_builtin(from), is_builtin(to)) {
        (true, true) => return,
        (true, false) => Box::new(|name| format!("builtin:{name}")),
        (false, _) if Some(from_dir) == to.parent() => return,
        (false, _) => Box::new(move |name| {
            let joined = from_dir.join(name);
            std::path::absolute(&joined).unwrap_or(joined).to_string_lossy().into_owned()
        }),
    };
    for table in tables {
        let keys = FILE_KEYS.iter().find(|(kind, _)| Some(*kind) == stage_type(table));
        for key in keys.map_or(&[][..], |(_, keys)| keys) {
            let names = match table.get_mut(*key) {
                Some(toml::Value::Array(items)) => items.iter_mut().collect(),
                Some(value) => vec![value],
                None => Vec::new(),
            };
            for value in names {
                if let Some(name) = value.as_str().filter(|n| !n.starts_with("builtin:")) {
                    *value = toml::Value::String(rebase(name));
                }
            }
        }
    }
}

impl PipelineFile {
    /// The compiled-in `pipelines/default.toml`.
    pub fn builtin() -> PipelineFile {
        let (_, text) =
            Resources::builtin().read("default.toml").expect("default.toml is built in");
        Self::parse(&text, Path::new("builtin:default.toml")).expect("built-in pipeline parses")
    }

    /// Parses and checks a pipeline file; errors name the line and the offending key. A file
    /// that `extends` another is read with it (relative to `path`, or built in when `path`
    /// is a `builtin:` name).
    pub fn parse(text: &str, path: &Path) -> Result<PipelineFile> {
        Self::parse_at(text, path, 0).map(|(file, _)| file)
    }

    /// [`PipelineFile::parse`], `depth` files down an `extends` chain; also returns the
    /// stage tables as resolved (what a file extending this one starts from).
    fn parse_at(text: &str, path: &Path, depth: usize) -> Result<(PipelineFile, Vec<toml::Table>)> {
        let err = |message| Error::Pipeline { path: path.to_owned(), message };
        let raw: RawPipelineFile =
            toml::from_str(text).map_err(|e| err(describe_toml_error(text, &e)))?;
        let own: Vec<(Range<usize>, toml::Table)> =
            raw.stages.into_iter().map(|t| (t.span(), t.into_inner())).collect();
        let (stages, description) = match &raw.extends {
            None => (own, raw.description),
            Some(name) => {
                let at = key_offset(text, 0..text.len(), "extends").unwrap_or(0);
                if depth >= MAX_EXTENDS {
                    let message = format!("extends goes over {MAX_EXTENDS} files deep (a cycle?)");
                    return Err(err(describe_at(text, at, &message)));
                }
                let res = if path.to_string_lossy().starts_with("builtin:") {
                    Resources::builtin()
                } else {
                    Resources::dir(path.parent().unwrap_or(Path::new("")))
                };
                let (parent_path, parent_text) = res
                    .read(name)
                    .map_err(|e| err(describe_at(text, at, &format!("extends = {name:?}: {e}"))))?;
                let (parent, mut tables) = Self::parse_at(&parent_text, &parent_path, depth + 1)?;
                rebase_file_keys(&mut tables, &parent_path, path);
                (merge_stages(tables, own), raw.description.or(parent.description))
            }
        };
        let spans: Vec<Range<usize>> = stages.iter().map(|(span, _)| span.clone()).collect();
        let configs = stages
            .iter()
            .map(|(span, table)| {
                toml::Value::Table(table.clone())
                    .try_into::<StageConfig>()
                    .map_err(|e| err(describe_stage_error(text, span.clone(), &e)))
            })
            .collect::<Result<Vec<_>>>()?;
        let file = PipelineFile { version: raw.version, description, stages: configs };
        file.check(text, &spans).map_err(|m| err(describe_at(text, m.at, &m.message)))?;
        Ok((file, stages.into_iter().map(|(_, table)| table).collect()))
    }

    /// Stage order and the range of every number, errors placed at their stage (or key).
    fn check(&self, text: &str, spans: &[Range<usize>]) -> std::result::Result<(), Misplaced> {
        if self.version != 1 {
            let at = key_offset(text, 0..text.len(), "version").unwrap_or(0);
            let message = format!("version = {} is not supported (only 1)", self.version);
            return Err(Misplaced::at(at, &message));
        }
        let at = |i: usize| spans.get(i).map_or(0, |s| s.start);
        let kinds: Vec<StageKind> = self.stages.iter().map(StageConfig::kind).collect();
        if kinds.first() != Some(&StageKind::Decode) {
            return Err(Misplaced::at(at(0), "the first stage must be `decode`"));
        }
        if kinds.last() != Some(&StageKind::Emit) {
            let last = kinds.len().saturating_sub(1);
            return Err(Misplaced::at(at(last), "the last stage must be `emit`"));
        }
        if let Some(i) = kinds.windows(2).position(|w| w[0] >= w[1]) {
            let message = format!(
                "stage `{}` after `{}`: stages must appear once each, in the order {}",
                kinds[i + 1],
                kinds[i],
                StageKind::ALL.map(|k| k.name()).join(", ")
            );
            return Err(Misplaced::at(at(i + 1), &message));
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
                    return Err(Misplaced::at(where_, &message));
                }
            }
        }
        Ok(())
    }
}

/// A value of a pipeline file that is out of place or range: where it is (a byte offset
/// into the file) and what is wrong, placed in the file's text by [`describe_at`].
#[derive(Debug)]
struct Misplaced {
    at: usize,
    message: String,
}

impl Misplaced {
    fn at(at: usize, message: &str) -> Misplaced {
        Misplaced { at, message: message.to_owned() }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Stage tables as Debug text, to compare resolved pipelines.
    fn stages_of(file: &PipelineFile) -> Vec<String> {
        file.stages.iter().map(|s| format!("{s:?}")).collect()
    }

    const PARENT: &str = "version = 1\ndescription = \"parent\"\n\n[[stages]]\ntype = \"decode\"\n\n\
        [[stages]]\ntype = \"segment\"\nspeakers = \"speakers.toml\"\n\n[[stages]]\ntype = \"emit\"\n";

    #[test]
    fn a_pipeline_extending_another_sets_keys_and_adds_stages_in_order() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("parent.toml"), PARENT).unwrap();
        let child = "extends = \"parent.toml\"\nversion = 1\n\n[[stages]]\ntype = \"emit\"\n\
            tokens = true\n\n[[stages]]\ntype = \"repair\"\nmojibake = false\n";
        let file = PipelineFile::parse(child, &dir.path().join("child.toml")).unwrap();
        assert_eq!(file.description.as_deref(), Some("parent"));
        let kinds: Vec<StageKind> = file.stages.iter().map(StageConfig::kind).collect();
        use StageKind::*;
        assert_eq!(kinds, [Decode, Repair, Segment, Emit]);
        let stages = stages_of(&file);
        assert!(stages[1].contains("mojibake: false"), "{}", stages[1]);
        assert!(stages[3].contains("tokens: true"), "{}", stages[3]);
        // Same directory: the inherited file name is left as it was written.
        assert!(stages[2].contains("speakers: \"speakers.toml\""), "{}", stages[2]);
        let parent = PipelineFile::parse(PARENT, &dir.path().join("parent.toml")).unwrap();
        assert_eq!(stages[0], stages_of(&parent)[0]);
    }

    #[test]
    fn inherited_file_names_stay_resolved_from_the_file_that_named_them() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("base")).unwrap();
        std::fs::write(dir.path().join("base/parent.toml"), PARENT).unwrap();
        let child = "extends = \"base/parent.toml\"\nversion = 1\n\n[[stages]]\ntype = \"emit\"\n";
        let file = PipelineFile::parse(child, &dir.path().join("child.toml")).unwrap();
        let segment = &stages_of(&file)[1];
        let expected = std::path::absolute(dir.path().join("base/speakers.toml")).unwrap();
        assert!(segment.contains(&format!("{:?}", expected.to_string_lossy())), "{segment}");
        // From a built-in pipeline, they stay built-in: the whole default pipeline builds.
        let child =
            "extends = \"builtin:default.toml\"\nversion = 1\n\n[[stages]]\ntype = \"emit\"\n";
        let path = dir.path().join("mine.toml");
        std::fs::write(&path, child).unwrap();
        let file = PipelineFile::parse(child, &path).unwrap();
        assert!(stages_of(&file).iter().any(|s| s.contains("builtin:rules/wechat.toml")));
        for stage in &file.stages {
            stage.build(&Resources::dir(dir.path())).unwrap();
        }
    }

    #[test]
    fn extends_errors_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let missing = "version = 1\nextends = \"nope.toml\"\n\n[[stages]]\ntype = \"emit\"\n";
        let e = PipelineFile::parse(missing, &dir.path().join("a.toml")).unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("nope.toml"), "{e}");
        let cycle = "version = 1\nextends = \"a.toml\"\n\n[[stages]]\ntype = \"emit\"\n";
        std::fs::write(dir.path().join("a.toml"), cycle).unwrap();
        let e = PipelineFile::parse(cycle, &dir.path().join("a.toml")).unwrap_err().to_string();
        assert!(e.contains("cycle"), "{e}");
        // A bad key in the extending file is placed there.
        std::fs::write(dir.path().join("parent.toml"), PARENT).unwrap();
        let bad = "version = 1\nextends = \"parent.toml\"\n\n[[stages]]\ntype = \"emit\"\ntokenz = true\n";
        let e = PipelineFile::parse(bad, &dir.path().join("b.toml")).unwrap_err().to_string();
        assert!(e.contains("line 6") && e.contains("tokenz"), "{e}");
    }
}
