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

use std::borrow::Cow;
use std::sync::OnceLock;

use jieba_rs::Jieba;
use serde::{Deserialize, Serialize};

use super::{blocks, Stage, StageKind};

mod record;
use crate::document::{Action, Document, Span};
use crate::error::{DocErrorKind, Error, Result};
use crate::records::{DocumentRecord, Title, SCHEMA};
use crate::repair::RULE_LOW;
use crate::resources::Resources;

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
    let entries = dict_entries(&text).map_err(|e| Error::Rules { path, message: e.to_string() })?;
    let mut jieba = default_jieba().clone();
    for (word, freq, tag) in entries {
        jieba.add_word(word, freq, tag);
    }
    Ok(jieba)
}

/// A user dictionary entry: word, frequency, part-of-speech tag.
type DictEntry<'a> = (&'a str, Option<usize>, Option<&'a str>);

/// The longest word a dictionary entry may have, in characters (jieba's own dictionary's
/// longest has 16).
const MAX_WORD_CHARS: usize = 64;

/// Reads a jieba dictionary, every line checked: `word [freq] [tag]` (blank lines and `#`
/// comments skipped), a word of letters, digits and the joiners words are written with
/// (`C++`, `AT&T`, `Node.js`, `萨姆·奥特曼`), a tag of ASCII letters and digits. Any other
/// text file (a password file, a log, a config) fails on its first entry; that line is not
/// shown, as the file is then no dictionary with a mistake in it but another file named by
/// mistake. A later bad line is shown as a short escaped excerpt.
fn dict_entries(text: &str) -> std::result::Result<Vec<DictEntry<'_>>, DictError> {
    let mut entries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_start_matches('\u{feff}');
        let mut fields = line.split_whitespace();
        let Some(word) = fields.next().filter(|w| !w.starts_with('#')) else { continue };
        let entry = dict_entry(word, fields).map_err(|why| DictError {
            line: i + 1,
            why,
            shown: (!entries.is_empty()).then(|| crate::toml_error::excerpt(line)),
        })?;
        entries.push(entry);
    }
    Ok(entries)
}

/// A line of a user dictionary that is not an entry. Only a line after a good one is shown:
/// a file whose first entry is bad is no dictionary (see [`dict_entries`]).
#[derive(Debug, thiserror::Error)]
#[error(
    "line {line}: {why}, expected `word [freq] [tag]` ({})",
    shown.as_ref().map_or_else(
        || "the file does not read as a jieba dictionary from its first entry: its content is \
            not shown".to_owned(),
        |l| format!("`{l}`"),
    )
)]
struct DictError {
    line: usize,
    why: BadEntry,
    /// A short escaped excerpt of the line.
    shown: Option<String>,
}

/// What is wrong with a dictionary entry.
#[derive(Debug, thiserror::Error)]
enum BadEntry {
    #[error("a word longer than {MAX_WORD_CHARS} characters")]
    LongWord,
    #[error("a word with a character words are not written with")]
    BadCharacter,
    #[error("a frequency out of range")]
    Frequency,
    #[error("a tag that is not a part-of-speech tag")]
    Tag,
    #[error("more than three fields")]
    Fields,
}

fn dict_entry<'a>(
    word: &'a str,
    mut rest: impl Iterator<Item = &'a str>,
) -> std::result::Result<DictEntry<'a>, BadEntry> {
    let joiner = |c: char| "-_.'&+#·・’".contains(c);
    if word.chars().count() > MAX_WORD_CHARS {
        return Err(BadEntry::LongWord);
    }
    let bad = |c: char| {
        c.is_control()
            || c == '\u{fffd}'
            || (c.is_ascii() && !c.is_ascii_alphanumeric() && !joiner(c))
    };
    if word.chars().any(bad) {
        return Err(BadEntry::BadCharacter);
    }
    let is_tag = |t: &str| {
        t.len() <= 16
            && t.starts_with(|c: char| c.is_ascii_alphabetic())
            && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let (mut freq, mut tag) = (None, None);
    match rest.next() {
        None => {}
        Some(f) if f.bytes().all(|b| b.is_ascii_digit()) => {
            freq = Some(f.parse().map_err(|_| BadEntry::Frequency)?);
            tag = rest.next();
        }
        Some(t) => tag = Some(t),
    }
    if tag.is_some_and(|t| !is_tag(t)) {
        return Err(BadEntry::Tag);
    }
    if rest.next().is_some() {
        return Err(BadEntry::Fields);
    }
    Ok((word, freq, tag))
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
        let marks = RepairMarks::of(doc);
        // Records are independent: a large document writes them in parallel blocks. A
        // segment's record holds its text about three times (both scripts, and tokens).
        let sizes = (text_bytes, 3 * text_bytes);
        doc.records = blocks::write_each(head, &doc.segments, sizes, |first, block, out| {
            for (i, seg) in block.iter().enumerate() {
                record::segment(out, &doc.id, first + i, seg, jieba, marks.of_span(seg.src));
            }
        });
        Ok(())
    }
}

/// The repair stage's audit entries by source line, to give each segment what repair did
/// to its lines (`repair` in its record): replacements count as edits, and a flag of
/// [`RULE_LOW`] marks the line as below the stage's confidence threshold.
struct RepairMarks {
    /// (first source line, confidence, is a low-confidence flag), sorted by line.
    entries: Vec<(u32, f32, bool)>,
}

impl RepairMarks {
    fn of(doc: &Document) -> RepairMarks {
        let mut entries: Vec<(u32, f32, bool)> = doc
            .audit
            .iter()
            .filter(|e| e.stage == StageKind::Repair)
            .map(|e| {
                let low = e.action == Action::Flag && e.rule == RULE_LOW;
                (e.lines[0], e.confidence.unwrap_or(1.0), low)
            })
            .collect();
        entries.sort_by_key(|e| e.0);
        RepairMarks { entries }
    }

    fn of_span(&self, src: Span) -> Option<record::RepairMark> {
        if self.entries.is_empty() {
            return None;
        }
        let from = self.entries.partition_point(|e| e.0 < src.first);
        let mut mark = record::RepairMark { edits: 0, min_confidence: 1.0, low: false };
        for &(_, conf, low) in self.entries[from..].iter().take_while(|e| e.0 <= src.last) {
            if low {
                mark.low = true;
            } else {
                mark.edits += 1;
            }
            mark.min_confidence = mark.min_confidence.min(conf);
        }
        (mark.edits > 0 || mark.low).then_some(mark)
    }
}

fn push_record(out: &mut String, record: &impl Serialize) -> Result<(), DocErrorKind> {
    let json = serde_json::to_string(record)
        .map_err(|e| DocErrorKind::Stage { stage: StageKind::Emit, message: e.to_string() })?;
    out.push_str(&json);
    out.push('\n');
    Ok(())
}

/// A field of the document's metadata, borrowed.
fn text(s: Option<&String>) -> Option<Cow<'_, str>> {
    s.map(|s| Cow::Borrowed(s.as_str()))
}

fn document_record(doc: &Document) -> DocumentRecord<'_> {
    let m = &doc.meta;
    let titles = m.title_scripts.as_ref();
    DocumentRecord {
        ty: Cow::Borrowed("document"),
        schema: Cow::Borrowed(SCHEMA),
        doc_id: Cow::Borrowed(&doc.id),
        source: Cow::Borrowed(&doc.source),
        platform: text(m.platform.as_ref()),
        title: Title {
            zh_hans: text(titles.map(|t| &t.zh_hans).or(m.title.as_ref())),
            zh_hant: text(titles.map(|t| &t.zh_hant).or(m.title.as_ref())),
            en: text(m.title_en.as_ref()),
        },
        author: text(m.author.as_ref()),
        published: text(m.published.as_ref()),
        location: text(m.location.as_ref()),
        source_urls: Cow::Borrowed(&m.source_urls),
        cover_url: text(m.cover_url.as_ref()),
        links: Cow::Borrowed(&m.links),
        script: m.script,
        variant: m.variant,
        truncated: m.truncated,
        extra: Cow::Borrowed(&m.extra),
        stats: Cow::Borrowed(&doc.stats),
    }
}

#[cfg(test)]
mod tests {
    use super::dict_entries;

    #[test]
    fn user_dictionaries_are_read_line_by_line_and_other_files_refused() {
        let dict = "\u{feff}# names\n萨姆·奥特曼 10 nr\nC++ n\nNode.js\n\nAT&T 3\n";
        let entries = dict_entries(dict).unwrap();
        assert_eq!(entries[0], ("萨姆·奥特曼", Some(10), Some("nr")));
        assert_eq!(entries[1], ("C++", None, Some("n")));
        assert_eq!(entries.len(), 4);
        // A password file, a config file, prose: refused on the first entry, not shown.
        for other in [
            "root:$6$SECRET:19000:0:99999:7:::\n",
            "[section]\nkey = SECRET\n",
            "This SECRET is a sentence.\n",
            "2026-01-01 12:00:00 SECRET\n",
        ] {
            let e = dict_entries(other).unwrap_err().to_string();
            assert!(e.contains("line 1") && !e.contains("SECRET"), "{e}");
        }
        // A mistake past the first entry shows that line, escaped.
        let e = dict_entries("词 3 n\n词 x y z\u{1b}\n").unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("\\u{1b}"), "{e}");
    }
}
