//! The stages, one per file, behind one small trait.
//!
//! | stage | input | changes | idempotent |
//! |---|---|---|---|
//! | [`decode`] | raw bytes | bytes (and HTML) → lines of text, encoding and page metadata | n/a (reads bytes) |
//! | [`repair`] | lines | undoes encoding damage | yes |
//! | [`strip`] | lines | removes boilerplate, extracts metadata, tags blocks | yes |
//! | [`normalize`] | lines | punctuation, spacing, both scripts | yes |
//! | [`segment`] | lines | moves the lines into typed segments with speakers | n/a (builds segments) |
//! | [`emit`] | segments | serialises JSONL records | n/a |

use std::fmt;

use serde::Deserialize;

use crate::document::Document;
use crate::error::{DocErrorKind, Result};
use crate::resources::Resources;

pub mod decode;
pub mod emit;
pub mod normalize;
pub mod repair;
pub mod segment;
pub mod strip;

/// Kept at its former path; the module is [`crate::blocks`], shared with `repair`.
pub use crate::blocks;

/// One processing step. Stages are built once from the pipeline file and shared by all
/// worker threads, so they hold only immutable, precompiled data.
pub trait Stage: Send + Sync + fmt::Debug {
    /// Which stage this is (audit entries, `--until`, errors name it).
    fn kind(&self) -> StageKind;
    /// Runs the stage on one document; an error fails that document alone.
    fn process(&self, doc: &mut Document) -> Result<(), DocErrorKind>;

    /// Builds now whatever the stage otherwise builds when a document first needs it, so
    /// that its errors show before any document (`zhpipe check`). Most stages build
    /// everything when they are constructed.
    fn prepare(&self) -> Result<()> {
        Ok(())
    }
}

/// The stages in their fixed order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum StageKind {
    /// Bytes → lines of text.
    Decode,
    /// Undoes encoding damage.
    Repair,
    /// Removes boilerplate, extracts metadata.
    Strip,
    /// Both scripts, punctuation and spacing.
    Normalize,
    /// Lines → typed segments with speakers.
    Segment,
    /// Segments → JSONL records.
    Emit,
}

impl StageKind {
    /// Every stage, in pipeline order.
    pub const ALL: [StageKind; 6] = [
        StageKind::Decode,
        StageKind::Repair,
        StageKind::Strip,
        StageKind::Normalize,
        StageKind::Segment,
        StageKind::Emit,
    ];

    /// The stage's name in pipeline files, audit entries and the command line.
    pub fn name(self) -> &'static str {
        match self {
            StageKind::Decode => "decode",
            StageKind::Repair => "repair",
            StageKind::Strip => "strip",
            StageKind::Normalize => "normalize",
            StageKind::Segment => "segment",
            StageKind::Emit => "emit",
        }
    }
}

impl fmt::Display for StageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A stage as written in a pipeline file: `type` names the stage, the other keys are its
/// parameters.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
#[allow(missing_docs)] // One variant per stage, named as in `StageKind`.
pub enum StageConfig {
    Decode(decode::DecodeConfig),
    Repair(repair::RepairStageConfig),
    Strip(strip::StripConfig),
    Normalize(normalize::NormalizeConfig),
    Segment(segment::SegmentConfig),
    Emit(emit::EmitConfig),
}

impl StageConfig {
    /// Reads `text` as the parameters of the stage named `kind` (without its `type` key):
    /// an error then carries the position of the offending key, which reading through the
    /// tagged enum loses. Unknown stage names read as nothing.
    pub fn read_params(kind: &str, text: &str) -> Result<(), toml::de::Error> {
        match kind {
            "decode" => toml::from_str::<decode::DecodeConfig>(text).map(drop),
            "repair" => toml::from_str::<repair::RepairStageConfig>(text).map(drop),
            "strip" => toml::from_str::<strip::StripConfig>(text).map(drop),
            "normalize" => toml::from_str::<normalize::NormalizeConfig>(text).map(drop),
            "segment" => toml::from_str::<segment::SegmentConfig>(text).map(drop),
            "emit" => toml::from_str::<emit::EmitConfig>(text).map(drop),
            _ => Ok(()),
        }
    }

    /// Which stage this configures.
    pub fn kind(&self) -> StageKind {
        match self {
            StageConfig::Decode(_) => StageKind::Decode,
            StageConfig::Repair(_) => StageKind::Repair,
            StageConfig::Strip(_) => StageKind::Strip,
            StageConfig::Normalize(_) => StageKind::Normalize,
            StageConfig::Segment(_) => StageKind::Segment,
            StageConfig::Emit(_) => StageKind::Emit,
        }
    }

    /// Compiles the stage, loading any rule files it names through `res`.
    pub fn build(&self, res: &Resources) -> Result<Box<dyn Stage>> {
        Ok(match self {
            StageConfig::Decode(c) => Box::new(decode::Decode::new(c.clone())),
            StageConfig::Repair(c) => Box::new(repair::Repair::new(c.clone())),
            StageConfig::Strip(c) => Box::new(strip::Strip::new(c, res)?),
            StageConfig::Normalize(c) => Box::new(normalize::Normalize::new(c, res)?),
            StageConfig::Segment(c) => Box::new(segment::Segment::new(c, res)?),
            StageConfig::Emit(c) => Box::new(emit::Emit::new(c, res)?),
        })
    }
}
