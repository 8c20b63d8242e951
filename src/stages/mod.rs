//! The stages, one module each behind one small trait: `src/stages/<stage>.rs`, or
//! `src/stages/<stage>/mod.rs` with its parts beside it when it has some.
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

// `super::blocks` for the stages that cut a large document into blocks.
use crate::blocks;
use crate::document::Document;
use crate::error::{DocErrorKind, Result};
use crate::resources::Resources;
pub use crate::stage_kind::StageKind;

pub mod decode;
pub mod emit;
pub mod normalize;
pub mod repair;
pub mod segment;
pub mod strip;

/// One processing step. Stages are built once from the pipeline file and shared by all
/// worker threads, so they hold only immutable, precompiled data.
///
/// ```
/// use zhpipe::config::{PipelineFile, Resources};
/// use zhpipe::{Document, StageKind};
///
/// // Every stage of the built-in pipeline, built and run by hand on one document.
/// let res = Resources::builtin();
/// let mut doc = Document::new("a", "a.txt", "主持人：你好。\n".as_bytes());
/// for config in &PipelineFile::builtin().stages {
///     let stage = config.build(&res)?;
///     stage.process(&mut doc)?;
///     if stage.kind() == StageKind::Strip {
///         assert!(!doc.lines.is_empty());
///     }
/// }
/// assert!(!doc.segments.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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

/// Generates [`StageConfig`] from the rows of [`stage_table!`](crate::stage_kind): each
/// stage's parameters and how it is built (names and order come from the same rows).
macro_rules! define_stage_config {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident = $name:literal, $module:ident::$config:ident,
            |$c:ident, $res:ident| $build:expr;
    )*) => {
        /// A stage as written in a pipeline file: `type` names the stage, the other keys are
        /// its parameters.
        #[derive(Debug, Clone, Deserialize)]
        #[serde(tag = "type")]
        pub enum StageConfig {
            $($(#[doc = $doc])* #[serde(rename = $name)] $variant($module::$config),)*
        }

        impl StageConfig {
            /// Reads `text` as the parameters of the stage named `kind` (without its `type`
            /// key): an error then carries the position of the offending key, which reading
            /// through the tagged enum loses. Unknown stage names read as nothing.
            pub fn read_params(kind: &str, text: &str) -> Result<(), toml::de::Error> {
                match kind {
                    $($name => toml::from_str::<$module::$config>(text).map(drop),)*
                    _ => Ok(()),
                }
            }

            /// Which stage this configures.
            pub fn kind(&self) -> StageKind {
                match self {
                    $(StageConfig::$variant(_) => StageKind::$variant,)*
                }
            }

            /// Compiles the stage, loading any rule files it names through `res`.
            pub fn build(&self, res: &Resources) -> Result<Box<dyn Stage>> {
                Ok(match self {
                    $(StageConfig::$variant($c) => {
                        let $res = res;
                        $build
                    })*
                })
            }
        }
    };
}

crate::stage_kind::stage_table!(define_stage_config);
