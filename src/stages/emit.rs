//! **emit** — serialises the document as JSONL, schema v1 (`schema/zhpipe-v1.schema.json`).
//!
//! One `document` record, then its `segment` records in order. Output depends only on the
//! document (no clocks, no thread ids), so the same input gives the same bytes.
//!
//! With `tokens = true` each segment record also gets `tokens`: the jieba-rs word
//! segmentation of its `zh_hans` text (of its English text for `lang: "en"` segments).
//! Whitespace-only pieces (spaces, the `\n` between paragraphs) are not tokens.
//!
//! Segmentation is dictionary-only (`hmm = false`): the HMM pass that guesses words absent
//! from the dictionary is slower and makes tokens depend on statistical guesses that
//! change from one sentence to the next (the same name cut two ways in one document).
//! Domain words (names, products) belong in the user dictionary instead (`user_dict`, the
//! jieba format: `word [freq] [tag]` per line), where they are always kept whole.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::sync::OnceLock;

use jieba_rs::Jieba;
use serde::{Deserialize, Serialize};

use super::{blocks, Stage, StageKind};

mod record;
use crate::document::{Document, Source};
use crate::error::{DocErrorKind, Error, Result};
use crate::resources::Resources;

/// The `schema` field of every document record (`schema/zhpipe-v1.schema.json`).
pub const SCHEMA: &str = "zhpipe/v1";

/// The emit stage's parameters.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmitConfig {
    /// Add `tokens` (jieba word segmentation of the Simplified text) to segment records.
    pub tokens: bool,
    /// A jieba user dictionary (`word [freq] [tag]` per line), resolved like rule files.
    /// Only used with `tokens = true`.
    pub user_dict: Option<String>,
}

/// The emit stage: the document's records as JSONL.
#[derive(Debug)]
pub struct Emit {
    tokenizer: Option<Tokenizer>,
}

impl Emit {
    /// Builds the stage (loads jieba and its user dictionary when `tokens` is on).
    pub fn new(cfg: &EmitConfig, res: &Resources) -> Result<Self> {
        let tokenizer = match (cfg.tokens, &cfg.user_dict) {
            // Not used, but read and checked all the same: `zhpipe check` validates every
            // file a pipeline names.
            (false, Some(name)) => with_user_dict(res, name).map(|_| None)?,
            (false, None) => None,
            (true, None) => Some(Tokenizer::Shared(default_jieba())),
            (true, Some(name)) => Some(Tokenizer::Own(Box::new(with_user_dict(res, name)?))),
        };
        Ok(Emit { tokenizer })
    }
}

/// The jieba dictionary, built once per process and shared by every thread and pipeline.
pub fn default_jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new)
}

/// The default dictionary plus a user dictionary, built once when the stage is built.
fn with_user_dict(res: &Resources, name: &str) -> Result<Jieba> {
    let (path, text) = res.read(name)?;
    let mut jieba = default_jieba().clone();
    for (i, line) in text.as_bytes().lines().enumerate() {
        let line = line.map_err(|source| Error::Io { path: path.clone(), source })?;
        let line = line.trim_start_matches('\u{feff}');
        let mut fields = line.split_whitespace();
        let Some(word) = fields.next().filter(|w| !w.starts_with('#')) else { continue };
        let mut freq = None;
        let mut tag = None;
        for field in fields {
            match (field.parse::<usize>(), freq, tag) {
                (Ok(n), None, None) => freq = Some(n),
                (Err(_), _, None) => tag = Some(field),
                _ => {
                    return Err(Error::Rules {
                        path,
                        message: format!(
                            "line {}: `{}`: expected `word [freq] [tag]`",
                            i + 1,
                            crate::toml_error::excerpt(line)
                        ),
                    })
                }
            }
        }
        jieba.add_word(word, freq, tag);
    }
    Ok(jieba)
}

enum Tokenizer {
    Shared(&'static Jieba),
    Own(Box<Jieba>),
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Tokenizer::Shared(_) => "Tokenizer(default dictionary)",
            Tokenizer::Own(_) => "Tokenizer(default + user dictionary)",
        })
    }
}

impl Tokenizer {
    fn jieba(&self) -> &Jieba {
        match self {
            Tokenizer::Shared(j) => j,
            Tokenizer::Own(j) => j,
        }
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

impl Stage for Emit {
    fn kind(&self) -> StageKind {
        StageKind::Emit
    }

    fn process(&self, doc: &mut Document) -> Result<(), DocErrorKind> {
        let text_bytes: usize =
            doc.segments.iter().flat_map(|s| &s.lines).map(|l| l.text.len()).sum();
        let mut head = String::with_capacity(1024);
        push_record(&mut head, &document_record(doc))?;
        let jieba = self.tokenizer.as_ref().map(Tokenizer::jieba);
        // Records are independent: a large document writes them in parallel blocks. A
        // segment's record holds its text about three times (both scripts, and tokens).
        let sizes = (text_bytes, 3 * text_bytes);
        doc.records = blocks::write_each(head, &doc.segments, sizes, |first, block, out| {
            for (i, seg) in block.iter().enumerate() {
                record::segment(out, &doc.id, first + i, seg, jieba);
            }
        });
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
