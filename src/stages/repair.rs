//! **repair** — undoes encoding damage the source suffered before we got it.
//!
//! Input: decoded lines. Changes: only regions that show damage — GBK text with injected
//! pinyin glosses decoded misaligned (`因?yàn)橹袊?guó)` → `因為中國`), with the `</p>`
//! residue it exposed turned into paragraph breaks; and UTF-8 read as Latin-1 or GBK
//! (mojibake). The algorithm lives in [`crate::repair`]; this stage maps its output back to
//! source lines and records every edit (position, garbled and restored text, confidence) in
//! the audit trail. A clean document passes through unchanged. Idempotent: repaired text
//! shows no damage, so a second pass changes nothing.

use super::{Stage, StageKind};
use crate::document::{Action, AuditEntry, Document, Line};
use crate::error::DocErrorKind;
use crate::repair::{may_need_repair, repair, RepairConfig};

/// The repair stage's parameters (those of [`crate::repair`]).
pub type RepairStageConfig = RepairConfig;

/// The repair stage: undoes encoding damage line by line, auditing each edit.
#[derive(Debug)]
pub struct Repair {
    cfg: RepairConfig,
}

impl Repair {
    /// The stage with these parameters.
    pub fn new(cfg: RepairConfig) -> Self {
        Repair { cfg }
    }
}

impl Stage for Repair {
    fn kind(&self) -> StageKind {
        StageKind::Repair
    }

    fn process(&self, doc: &mut Document) -> Result<(), DocErrorKind> {
        let input: Vec<&str> = doc.lines.iter().map(|l| l.text.as_str()).collect();
        if !may_need_repair(&input, &self.cfg) {
            return Ok(());
        }
        let out = repair(&input, &self.cfg);
        if !out.detected && out.edits.is_empty() {
            return Ok(());
        }
        let audit: Vec<AuditEntry> = out
            .edits
            .iter()
            .map(|e| {
                AuditEntry::new(
                    "repair",
                    e.rule,
                    Action::Replace,
                    doc.lines[e.line].src,
                    e.garbled.clone(),
                )
                .at(e.col as u32 + 1)
                .to(e.restored.clone())
                .confidence((e.confidence * 1000.0).round() / 1000.0)
            })
            .collect();
        let low = out.edits.iter().filter(|e| e.confidence < 0.5).count() as u64;
        let lines: Vec<Line> = out
            .lines
            .into_iter()
            .map(|r| {
                let (first, last) = (&doc.lines[r.src.0], &doc.lines[r.src.1]);
                Line { text: r.text, src: first.src.join(last.src), ..first.clone() }
            })
            .collect();
        doc.count("repair.edits", audit.len() as u64);
        doc.count("repair.low_confidence", low);
        doc.lines = lines;
        doc.audit.extend(audit);
        Ok(())
    }
}
