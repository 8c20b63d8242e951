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
use crate::repair::{repair_scanned, BelowThreshold, RepairConfig, Scan, RULE_DROPPED, RULE_LOW};

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
        let scan = Scan::new(&input, &self.cfg);
        if !scan.may_need_repair() {
            return Ok(());
        }
        let out = repair_scanned(&input, &self.cfg, &scan);
        if !out.detected && out.edits.is_empty() {
            return Ok(());
        }
        // Per input line, the lowest confidence of its edits when below the threshold.
        let mut low: Vec<Option<f32>> = vec![None; doc.lines.len()];
        for e in out.edits.iter().filter(|e| e.confidence < self.cfg.min_confidence) {
            let l = &mut low[e.line];
            *l = Some(l.map_or(e.confidence, |c| c.min(e.confidence)));
        }
        let policy = self.cfg.below_threshold;
        let round = |c: f32| (c * 1000.0).round() / 1000.0;
        let mut audit: Vec<AuditEntry> = out
            .edits
            .iter()
            .map(|e| {
                // A guess that is not applied stays in the audit as a flag.
                let action = match (low[e.line], policy) {
                    (Some(_), BelowThreshold::KeepDamaged | BelowThreshold::Drop) => Action::Flag,
                    _ => Action::Replace,
                };
                AuditEntry::new(
                    StageKind::Repair,
                    e.rule,
                    action,
                    doc.lines[e.line].src,
                    e.garbled.clone(),
                )
                .at(e.col as u32 + 1)
                .to(e.restored.clone())
                .confidence(round(e.confidence))
            })
            .collect();
        for (i, c) in low.iter().enumerate() {
            let Some(c) = *c else { continue };
            let (rule, action) = match policy {
                BelowThreshold::Drop => (RULE_DROPPED, Action::Remove),
                _ => (RULE_LOW, Action::Flag),
            };
            let line = &doc.lines[i];
            audit.push(
                AuditEntry::new(StageKind::Repair, rule, action, line.src, line.text.clone())
                    .confidence(round(c)),
            );
        }
        let mut lines: Vec<Line> = Vec::with_capacity(out.lines.len());
        let mut last_src = usize::MAX;
        for r in out.lines {
            let i = r.src.0;
            if low[i].is_some() && r.src.0 == r.src.1 {
                match policy {
                    BelowThreshold::Drop => continue,
                    BelowThreshold::KeepDamaged => {
                        // The input line once, as it came, for all its output lines.
                        if last_src != i {
                            lines.push(doc.lines[i].clone());
                            last_src = i;
                        }
                        continue;
                    }
                    BelowThreshold::Mark => {}
                }
            }
            let (first, last) = (&doc.lines[r.src.0], &doc.lines[r.src.1]);
            lines.push(Line { text: r.text, src: first.src.join(last.src), ..first.clone() });
        }
        let low = out.edits.iter().filter(|e| e.confidence < self.cfg.min_confidence).count();
        doc.count("repair.edits", out.edits.len() as u64);
        doc.count("repair.low_confidence", low as u64);
        doc.lines = lines;
        doc.audit.extend(audit);
        Ok(())
    }
}
