//! **emit** — serialises the document as JSONL, schema v1 (`schema/zhpipe-v1.schema.json`).
//!
//! One `document` record, then its `segment` records in order. Output depends only on the
//! document (no clocks, no thread ids), so the same input gives the same bytes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Stage, StageKind};
use crate::document::{BlockKind, Document, EnSpan, Scripts, Segment, Source, Speaker};
use crate::error::DocErrorKind;

pub const SCHEMA: &str = "zhpipe/v1";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmitConfig {}

#[derive(Debug)]
pub struct Emit {}

impl Emit {
    pub fn new(_cfg: EmitConfig) -> Self {
        Emit {}
    }
}

#[derive(Serialize)]
struct DocumentRecord<'a> {
    #[serde(rename = "type")]
    ty: &'static str,
    schema: &'static str,
    doc_id: &'a str,
    source: &'a Source,
    platform: Option<&'a str>,
    title: Title<'a>,
    author: Option<&'a str>,
    published: Option<&'a str>,
    location: Option<&'a str>,
    source_urls: &'a [String],
    cover_url: Option<&'a str>,
    links: &'a [String],
    script: Option<&'a str>,
    variant: Option<&'a str>,
    truncated: bool,
    extra: &'a BTreeMap<String, String>,
    stats: &'a BTreeMap<String, u64>,
}

#[derive(Serialize)]
struct Title<'a> {
    zh_hans: Option<&'a str>,
    zh_hant: Option<&'a str>,
    en: Option<&'a str>,
}

#[derive(Serialize)]
struct SegmentRecord<'a> {
    #[serde(rename = "type")]
    ty: &'static str,
    doc_id: &'a str,
    seq: usize,
    kind: BlockKind,
    section: Option<Section<'a>>,
    speaker: Option<&'a Speaker>,
    lang: &'static str,
    /// The script the segment was written in (`hans`, `hant`, `mixed`).
    script: Option<&'static str>,
    zh_hans: Option<String>,
    zh_hant: Option<String>,
    en: Vec<EnSpan>,
    directions: &'a [String],
    source: SourceLines,
}

#[derive(Serialize)]
struct Section<'a> {
    zh_hans: &'a str,
    zh_hant: &'a str,
}

#[derive(Serialize)]
struct SourceLines {
    lines: [u32; 2],
}

impl Stage for Emit {
    fn kind(&self) -> StageKind {
        StageKind::Emit
    }

    fn process(&self, doc: &mut Document) -> Result<(), DocErrorKind> {
        let mut out = String::new();
        push_record(&mut out, &document_record(doc))?;
        for (seq, seg) in doc.segments.iter().enumerate() {
            push_record(&mut out, &segment_record(doc, seq, seg))?;
        }
        doc.records = out;
        Ok(())
    }
}

fn push_record(out: &mut String, record: &impl Serialize) -> Result<(), DocErrorKind> {
    let json = serde_json::to_string(record)
        .map_err(|e| DocErrorKind::Stage { stage: "emit", message: e.to_string() })?;
    out.push_str(&json);
    out.push('\n');
    Ok(())
}

fn document_record(doc: &Document) -> DocumentRecord<'_> {
    let m = &doc.meta;
    let titles = m.title_scripts.as_ref();
    DocumentRecord {
        ty: "document",
        schema: SCHEMA,
        doc_id: &doc.id,
        source: &doc.source,
        platform: m.platform.as_deref(),
        title: Title {
            zh_hans: titles.map(|t| t.zh_hans.as_str()).or(m.title.as_deref()),
            zh_hant: titles.map(|t| t.zh_hant.as_str()).or(m.title.as_deref()),
            en: m.title_en.as_deref(),
        },
        author: m.author.as_deref(),
        published: m.published.as_deref(),
        location: m.location.as_deref(),
        source_urls: &m.source_urls,
        cover_url: m.cover_url.as_deref(),
        links: &m.links,
        script: m.script.as_deref(),
        variant: m.variant.as_deref(),
        truncated: m.truncated,
        extra: &m.extra,
        stats: &doc.stats,
    }
}

fn segment_record<'a>(doc: &'a Document, seq: usize, seg: &'a Segment) -> SegmentRecord<'a> {
    let english = !seg.lines.is_empty()
        && seg.lines.iter().all(|l| l.scripts.as_ref().is_some_and(|s| s.english));
    let joined = |pick: fn(&Scripts) -> &str| {
        let parts: Vec<&str> =
            seg.lines.iter().map(|l| l.scripts.as_ref().map_or(l.text.as_str(), pick)).collect();
        parts.join("\n")
    };
    let (zh_hans, zh_hant, en) = if english {
        let text = joined(|s| &s.zh_hans);
        (None, None, vec![EnSpan { en: text, zh_hans: None, zh_hant: None }])
    } else {
        let glosses = seg.lines.iter().flat_map(|l| l.glosses.iter().cloned()).collect();
        (Some(joined(|s| &s.zh_hans)), Some(joined(|s| &s.zh_hant)), glosses)
    };
    SegmentRecord {
        ty: "segment",
        doc_id: &doc.id,
        seq,
        kind: seg.kind,
        section: seg.section.as_ref().map(|s| Section { zh_hans: &s.zh_hans, zh_hant: &s.zh_hant }),
        speaker: seg.speaker.as_ref(),
        lang: if english { "en" } else { "zh" },
        script: written_script(seg),
        zh_hans,
        zh_hant,
        en,
        directions: &seg.directions,
        source: SourceLines { lines: seg.src.as_pair() },
    }
}

/// One script when every line with evidence agrees, `mixed` when they differ.
fn written_script(seg: &Segment) -> Option<&'static str> {
    let mut scripts = seg.lines.iter().filter_map(|l| l.scripts.as_ref().and_then(|s| s.written));
    let first = scripts.next()?;
    Some(if scripts.all(|s| s == first) { first } else { "mixed" })
}
