//! The records zhpipe writes, one typed definition each (schema v1,
//! `schema/zhpipe-v1.schema.json`).
//!
//! - [`DocumentRecord`]: the first record of each document (`emit`).
//! - [`SegmentRecord`]: one per segment, after its document record (`emit`).
//! - [`TextRecord`]: a document's text, when a JSONL run stops before `emit` (`--until`).
//!
//! `emit` serialises the document record through serde. It writes segment records with a
//! hand-written serialiser (`src/stages/emit/record.rs`) that avoids building them; a test
//! there checks that every segment record it writes for the corpus reads into
//! [`SegmentRecord`] and serialises back to the same bytes, and `tests/schema.rs` checks
//! that the JSON Schema lists exactly the fields of these types. Reading output back:
//!
//! ```
//! let pipeline = zhpipe::Pipeline::builtin()?;
//! let out = pipeline.process_bytes("a.txt", "主持人：你好。\n嘉宾：你好。\n".as_bytes())?;
//! let jsonl = out.jsonl();
//! let mut lines = jsonl.lines();
//! let doc: zhpipe::records::DocumentRecord = serde_json::from_str(lines.next().unwrap())?;
//! assert_eq!(doc.doc_id, "a");
//! for line in lines {
//!     let seg: zhpipe::records::SegmentRecord = serde_json::from_str(line)?;
//!     assert!(seg.speaker.is_some());
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use crate::document::Scripts;
use crate::document::{BlockKind, Source};
use crate::document::{Script, Variant};
use crate::stage_kind::StageKind;

/// The `schema` field of every document record.
pub const SCHEMA: &str = "zhpipe/v1";

/// The first record of a document: where it came from, its metadata, its statistics.
///
/// Reading `zhpipe run`'s output back, one record per line:
///
/// ```
/// use zhpipe::records::{DocumentRecord, SegmentRecord};
///
/// let out = zhpipe::Pipeline::builtin()?.process_bytes("a.txt", "标题\n\n第一段。\n".as_bytes())?;
/// let jsonl = out.jsonl();
/// let mut lines = jsonl.lines();
/// let doc: DocumentRecord = serde_json::from_str(lines.next().unwrap())?;
/// assert_eq!(doc.doc_id, "a");
/// let segments: Vec<SegmentRecord> = lines.map(serde_json::from_str).collect::<Result<_, _>>()?;
/// assert!(segments.iter().all(|s| s.doc_id == "a"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentRecord<'a> {
    /// Always `document`.
    #[serde(rename = "type")]
    pub ty: Cow<'a, str>,
    /// Always [`SCHEMA`].
    pub schema: Cow<'a, str>,
    /// The document's id (file stem, or the record id of JSONL input).
    pub doc_id: Cow<'a, str>,
    /// Where the input came from.
    pub source: Cow<'a, Source>,
    /// The platform the rules recognised.
    pub platform: Option<Cow<'a, str>>,
    /// The title in both scripts, and in English when the page gives one.
    pub title: Title<'a>,
    /// The byline.
    pub author: Option<Cow<'a, str>>,
    /// ISO 8601, with offset when the source gives or implies one.
    pub published: Option<Cow<'a, str>>,
    /// Where the article was filed from.
    pub location: Option<Cow<'a, str>>,
    /// URLs of the original publication.
    pub source_urls: Cow<'a, [String]>,
    /// The cover image.
    pub cover_url: Option<Cow<'a, str>>,
    /// Targets of links whose text was kept in the body.
    pub links: Cow<'a, [String]>,
    /// `hans`, `hant` or `mixed` (never `none`).
    pub script: Option<Script>,
    /// `tw` or `hk` when the Traditional text shows a regional standard.
    pub variant: Option<Variant>,
    /// Whether the article was cut off by the scraper.
    pub truncated: bool,
    /// Metadata fields the rules extracted that have no field of their own.
    pub extra: Cow<'a, BTreeMap<String, String>>,
    /// Counters the stages kept (`strip.lines_removed`, …).
    pub stats: Cow<'a, BTreeMap<String, u64>>,
}

/// A document's title.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Title<'a> {
    /// In Simplified script.
    pub zh_hans: Option<Cow<'a, str>>,
    /// In Traditional script.
    pub zh_hant: Option<Cow<'a, str>>,
    /// In English.
    pub en: Option<Cow<'a, str>>,
}

/// One output unit: a heading, paragraph, speaker turn, highlight, quote, note or summary.
///
/// ```
/// use zhpipe::records::SegmentRecord;
///
/// let text = "主持人：你好。\n马斯克：你好。\n主持人：再见。\n马斯克：再见。\n";
/// let out = zhpipe::Pipeline::builtin()?.process_bytes("talk.txt", text.as_bytes())?;
/// let jsonl = out.jsonl();
/// let turn: SegmentRecord = serde_json::from_str(jsonl.lines().nth(2).unwrap())?;
/// assert_eq!(turn.seq, 1);
/// assert_eq!(turn.zh_hant.as_deref(), Some("你好。"));
/// assert_eq!(turn.speaker.and_then(|s| s.zh_hant).as_deref(), Some("馬斯克"));
/// assert_eq!(turn.source.lines, [2, 2]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentRecord {
    /// Always `segment`.
    #[serde(rename = "type")]
    pub ty: String,
    /// The document's id.
    pub doc_id: String,
    /// Position in the document, from 0.
    pub seq: u64,
    /// What the segment is.
    pub kind: BlockKind,
    /// The heading it falls under, in both scripts.
    pub section: Option<Scripts>,
    /// Who speaks, for turns.
    pub speaker: Option<SpeakerRecord>,
    /// `zh` or `en`.
    pub lang: String,
    /// The script the text was written in (`hans`, `hant`, `mixed`; never `none`), when it
    /// shows.
    pub script: Option<Script>,
    /// The text in Simplified script (`null` for English segments).
    pub zh_hans: Option<String>,
    /// The text in Traditional script (`null` for English segments).
    pub zh_hant: Option<String>,
    /// English glosses in the text, or the text itself for English segments.
    pub en: Vec<Gloss>,
    /// Stage directions such as `（笑）`, also left in the text.
    pub directions: Vec<String>,
    /// Source lines covered.
    pub source: SourceLines,
    /// What the repair stage did to the segment's source lines, when it did anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repair: Option<RepairSummary>,
    /// jieba words of the Simplified text, with `tokens = true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens: Option<Vec<String>>,
}

/// A speaker of a turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpeakerRecord {
    /// The speaker's id within the document, the same on every turn of that speaker.
    pub id: String,
    /// The name in Simplified script.
    pub zh_hans: Option<String>,
    /// The name in Traditional script.
    pub zh_hant: Option<String>,
    /// The English name.
    pub en: Option<String>,
    /// The role (`主持人`, `记者`, …).
    pub role: Option<String>,
}

/// An English term and the Chinese it glosses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gloss {
    /// The English text.
    pub en: String,
    /// The Chinese it glosses, in Simplified script.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zh_hans: Option<String>,
    /// The Chinese it glosses, in Traditional script.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zh_hant: Option<String>,
}

/// The source lines of a segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceLines {
    /// `[first, last]`, 1-based, inclusive.
    pub lines: [u32; 2],
}

/// What the repair stage did to a segment's source lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepairSummary {
    /// Repairs made.
    pub edits: u32,
    /// The lowest confidence among them, to three decimals (written as short as it reads:
    /// `1`, `0.85`).
    pub min_confidence: serde_json::Number,
    /// Whether one fell below the stage's `min_confidence`.
    pub low_confidence: bool,
}

/// A document's text after a stage, when a JSONL run stops before `emit`. Fields are in
/// the order they are written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextRecord<'a> {
    /// The document's id.
    pub doc_id: Cow<'a, str>,
    /// The stage the run stopped after.
    pub stage: StageKind,
    /// The document's text after it.
    pub text: Cow<'a, str>,
    /// Always `text`.
    #[serde(rename = "type")]
    pub ty: Cow<'a, str>,
}
