//! Stage identity: which stages there are, their order and their names (in pipeline files,
//! audit entries, statistics and the command line). A leaf module, so errors, documents and
//! records can name a stage without depending on the stages themselves.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The stage table, one row per stage in pipeline order: its variant, its name, its
/// parameters and how it is built. Invoked with the name of a macro that receives the rows:
/// [`StageKind`] is generated here from the variants and names, and `StageConfig` in
/// `stages` from the rest, so adding a stage is one row here (and its module). The module
/// paths in a row are resolved only where `StageConfig` is generated.
macro_rules! stage_table {
    ($callback:ident) => {
        $callback! {
                /// Bytes → lines of text.
                Decode = "decode", decode::DecodeConfig, |c, _res| Box::new(decode::Decode::new(c.clone()));
                /// Undoes encoding damage.
                Repair = "repair", repair::RepairStageConfig, |c, _res| Box::new(repair::Repair::new(c.clone()));
                /// Removes boilerplate, extracts metadata.
                Strip = "strip", strip::StripConfig, |c, res| Box::new(strip::Strip::new(c, res)?);
                /// Both scripts, punctuation and spacing.
                Normalize = "normalize", normalize::NormalizeConfig, |c, res| Box::new(normalize::Normalize::new(c, res)?);
                /// Lines → typed segments with speakers.
                Segment = "segment", segment::SegmentConfig, |c, res| Box::new(segment::Segment::new(c, res)?);
                /// Segments → JSONL records.
                Emit = "emit", emit::EmitConfig, |c, res| Box::new(emit::Emit::new(c, res)?);
        }
    };
}
pub(crate) use stage_table;

/// Generates [`StageKind`] from the rows of [`stage_table!`].
macro_rules! define_stage_kind {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident = $name:literal, $module:ident::$config:ident,
            |$c:ident, $res:ident| $build:expr;
    )*) => {
        /// The stages in their fixed order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
        #[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
        pub enum StageKind {
            $(
                $(#[doc = $doc])*
                #[serde(rename = $name)]
                #[cfg_attr(feature = "cli", value(name = $name))]
                $variant,
            )*
        }

        impl StageKind {
            /// Every stage, in pipeline order.
            pub const ALL: [StageKind; [$(StageKind::$variant),*].len()] = [$(StageKind::$variant),*];

            /// The stage's name in pipeline files, audit entries and the command line.
            pub fn name(self) -> &'static str {
                match self {
                    $(StageKind::$variant => $name,)*
                }
            }
        }
    };
}

stage_table!(define_stage_kind);

impl fmt::Display for StageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
