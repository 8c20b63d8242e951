//! **segment** — groups lines into typed segments: headings, paragraphs, speaker turns,
//! highlights, quotes, notes and summaries, each with its section.
//!
//! Input: normalised lines (blank lines separate nothing by themselves: every non-blank line
//! is a paragraph). Output: `Document::segments`; the lines are left as they were.

use serde::Deserialize;

use super::{Stage, StageKind};
use crate::config::Resources;
use crate::document::{BlockKind, Document, Scripts, Segment as Seg};
use crate::error::{DocErrorKind, Result};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SegmentConfig {
    /// The speaker registry (aliases → one person).
    pub speakers: Option<String>,
}

#[derive(Debug)]
pub struct Segment {}

impl Segment {
    pub fn new(_cfg: &SegmentConfig, _res: &Resources) -> Result<Self> {
        Ok(Segment {})
    }
}

impl Stage for Segment {
    fn kind(&self) -> StageKind {
        StageKind::Segment
    }

    fn process(&self, doc: &mut Document) -> Result<(), DocErrorKind> {
        let mut section: Option<Scripts> = None;
        let mut segments = Vec::new();
        for line in doc.lines.iter().filter(|l| !l.is_blank()) {
            let kind = line.kind.unwrap_or(BlockKind::Paragraph);
            if kind == BlockKind::Heading {
                section = Some(line.scripts.clone().unwrap_or_else(|| Scripts {
                    zh_hans: line.text.clone(),
                    zh_hant: line.text.clone(),
                    english: false,
                }));
            }
            segments.push(Seg {
                kind,
                section: if kind == BlockKind::Heading { None } else { section.clone() },
                speaker: None,
                lines: vec![line.clone()],
                src: line.src,
                directions: Vec::new(),
            });
        }
        doc.count("segment.segments", segments.len() as u64);
        doc.segments = segments;
        Ok(())
    }
}
