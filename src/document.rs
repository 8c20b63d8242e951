//! The document model every stage reads and edits.
//!
//! Text is held as lines, each carrying the span of *source* lines it came from. Stages edit
//! line text in place (provenance unchanged), drop lines (recording the span in the audit
//! trail), split lines (each piece keeps the origin span) or merge them (spans are joined).
//! So every segment the emit stage writes can name the source lines it came from, whatever
//! the stages before it did.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::stage_kind::StageKind;

/// An inclusive range of 1-based source line numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    /// First source line.
    pub first: u32,
    /// Last source line.
    pub last: u32,
}

impl Span {
    /// The span of line `n` alone.
    pub fn line(n: u32) -> Span {
        Span { first: n, last: n }
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        Span { first: self.first.min(other.first), last: self.last.max(other.last) }
    }

    /// `[first, last]`, as records write it.
    pub fn as_pair(self) -> [u32; 2] {
        [self.first, self.last]
    }
}

/// The kind of a block of content, shared by lines (as a hint set by `strip`) and by the
/// segments `segment` produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BlockKind {
    /// A heading.
    Heading,
    /// A paragraph of running text.
    Paragraph,
    /// A speaker's turn in a transcript.
    Turn,
    /// A pulled-out highlight (editor's emphasis, key quote box).
    Highlight,
    /// A quotation.
    Quote,
    /// An editor's or translator's note.
    Note,
    /// A summary or lead paragraph.
    Summary,
    /// A block of program code (an HTML `<pre>`, a markdown fenced block): one line whose
    /// text keeps the block's own line breaks and indentation, never converted,
    /// punctuation-normalised, stripped, or read as a heading or a turn.
    Code,
}

/// One line of the current text.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The current text.
    pub text: String,
    /// The source lines it came from.
    pub src: Span,
    /// What the line is, when a stage has decided it (`None`: ordinary text).
    pub kind: Option<BlockKind>,
    /// The line in both scripts, filled by `normalize`.
    pub scripts: Option<Converted>,
    /// English glosses found in the line (`超音速海啸（supersonic tsunami）`).
    pub glosses: Vec<EnSpan>,
}

impl Line {
    /// A line of `text` from the source lines `src`, with nothing else known yet.
    pub fn new(text: impl Into<String>, src: Span) -> Line {
        Line { text: text.into(), src, kind: None, scripts: None, glosses: Vec::new() }
    }

    /// Whether the line holds only white space.
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

/// A text in Simplified and Traditional script: a line's, a title's, a section heading's,
/// and the record's shape of both.
#[derive(Debug, Clone, PartialEq, Default, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scripts {
    /// In Simplified script.
    pub zh_hans: String,
    /// In Traditional script.
    pub zh_hant: String,
}

impl Scripts {
    /// The same text in both scripts (English, code, text with nothing to convert).
    pub fn same(text: &str) -> Scripts {
        Scripts { zh_hans: text.to_owned(), zh_hant: text.to_owned() }
    }
}

/// A line after script conversion: its text in both scripts, its language, and the script
/// it was written in.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Converted {
    /// The text in both scripts.
    #[serde(flatten)]
    pub text: Scripts,
    /// `true` when the text is English and was not converted.
    pub english: bool,
    /// The script the text was written in, `None` when it shows no evidence either way
    /// (never [`Script::None`]).
    #[serde(skip)]
    pub written: Option<Script>,
}

impl Converted {
    /// Chinese text converted to `zh_hans` and `zh_hant`, written in `written`.
    pub fn chinese(zh_hans: String, zh_hant: String, written: Option<Script>) -> Converted {
        Converted { text: Scripts { zh_hans, zh_hant }, english: false, written }
    }
}

/// Where the document came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct Source {
    /// The input as the user named it.
    pub path: String,
    /// The detected encoding (`UTF-8`, `GBK`, `GB18030`, `Big5`, `UTF-16LE`, `UTF-16BE`).
    pub encoding: Option<String>,
    /// How sure the decoder is of `encoding`, 0 to 1.
    pub confidence: Option<f32>,
    /// Size of the input in bytes.
    pub bytes: u64,
    /// SHA-256 of the input bytes, hex.
    pub sha256: String,
}

/// A metadata field a `meta` rule can fill, as rule files name it (`field = "author"`); any
/// other name is `extra.NAME`. The one list of them: rule files are checked against it and
/// rules fill [`Metadata`] through it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaField {
    /// [`Metadata::title`].
    Title,
    /// [`Metadata::title_en`].
    TitleEn,
    /// [`Metadata::author`].
    Author,
    /// [`Metadata::published`] (normalised to ISO 8601).
    Published,
    /// [`Metadata::location`].
    Location,
    /// One of [`Metadata::source_urls`].
    SourceUrl,
    /// [`Metadata::cover_url`].
    CoverUrl,
    /// [`Metadata::platform`].
    Platform,
}

impl MetaField {
    /// Every field, in the order error messages list them.
    pub const ALL: [MetaField; 8] = [
        MetaField::Title,
        MetaField::TitleEn,
        MetaField::Author,
        MetaField::Published,
        MetaField::Location,
        MetaField::SourceUrl,
        MetaField::CoverUrl,
        MetaField::Platform,
    ];

    /// The field's name in rule files.
    pub fn name(self) -> &'static str {
        match self {
            MetaField::Title => "title",
            MetaField::TitleEn => "title_en",
            MetaField::Author => "author",
            MetaField::Published => "published",
            MetaField::Location => "location",
            MetaField::SourceUrl => "source_url",
            MetaField::CoverUrl => "cover_url",
            MetaField::Platform => "platform",
        }
    }

    /// The field named `name` in a rule file.
    pub fn named(name: &str) -> Option<MetaField> {
        MetaField::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// Document-level metadata, filled by the stages that find it.
#[derive(Debug, Clone, Default)]
pub struct Metadata {
    /// The platform the rules recognised (`wechat`, `netease`, …).
    pub platform: Option<String>,
    /// The article title.
    pub title: Option<String>,
    /// `title` in both scripts, set by `normalize`.
    pub title_scripts: Option<Scripts>,
    /// An English title, when the page gives one.
    pub title_en: Option<String>,
    /// The byline.
    pub author: Option<String>,
    /// ISO 8601, with offset when the source gives or implies one.
    pub published: Option<String>,
    /// Where the article was filed from.
    pub location: Option<String>,
    /// URLs of the original publication.
    pub source_urls: Vec<String>,
    /// The cover image.
    pub cover_url: Option<String>,
    /// Targets of links whose text was kept in the body.
    pub links: Vec<String>,
    /// Whether the article was cut off by the scraper.
    pub truncated: bool,
    /// The document's script (never [`Script::None`]), set by `normalize`.
    pub script: Option<Script>,
    /// The regional standard the Traditional text shows, set by `normalize`.
    pub variant: Option<Variant>,
    /// Anything else a rule extracted (rule-defined keys), kept sorted for stable output.
    pub extra: BTreeMap<String, String>,
    /// `links` and `source_urls` as sets, so that adding one that is already there is found
    /// in constant time (use [`Metadata::add_link`] and [`Metadata::add_source_url`]).
    /// Checking each against every earlier one made strip quadratic: 5 s for a page of
    /// 60 000 links.
    seen_links: std::collections::HashSet<String>,
    seen_source_urls: std::collections::HashSet<String>,
}

impl Metadata {
    /// Appends `url` to `links` unless it is there already.
    pub fn add_link(&mut self, url: &str) {
        push_new(&mut self.links, &mut self.seen_links, url);
    }

    /// Appends `url` to `source_urls` unless it is there already.
    pub fn add_source_url(&mut self, url: &str) {
        push_new(&mut self.source_urls, &mut self.seen_source_urls, url);
    }
}

/// Appends `value` to `list` unless it is there. `seen` mirrors `list`; it is rebuilt when
/// their lengths differ (code that pushed to `list` directly), and when `list` holds
/// duplicates so pushed the check falls back to a scan.
fn push_new(list: &mut Vec<String>, seen: &mut std::collections::HashSet<String>, value: &str) {
    if seen.len() != list.len() {
        *seen = list.iter().cloned().collect();
    }
    let new = if seen.len() == list.len() {
        seen.insert(value.to_owned())
    } else {
        !list.iter().any(|l| l == value)
    };
    if new {
        list.push(value.to_owned());
    }
}

/// A person speaking in a transcript.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Speaker {
    /// The speaker's id within the document, the same on every turn of that speaker.
    pub id: String,
    /// The name in Simplified script.
    pub zh_hans: Option<String>,
    /// The name in Traditional script.
    pub zh_hant: Option<String>,
    /// The English name, when the text gives one.
    pub en: Option<String>,
    /// The role (`主持人`, `记者`, …), when the text gives one.
    pub role: Option<String>,
}

/// An English term found in Chinese text, with the Chinese it glosses when there is one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnSpan {
    /// The English text.
    pub en: String,
    /// The Chinese it glosses, in Simplified script.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zh_hans: Option<String>,
    /// The Chinese it glosses, in Traditional script.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zh_hant: Option<String>,
}

/// One output unit: a heading, paragraph, speaker turn, highlight, quote, note or summary.
///
/// ```
/// use zhpipe::document::BlockKind;
/// use zhpipe::StageKind;
///
/// let pipeline = zhpipe::Pipeline::builtin()?;
/// let text = "主持人：今天聊什么？\n李明：聊聊语料。\n主持人：好。\n李明：开始吧。\n";
/// let doc = pipeline.process_until("talk.txt", text.as_bytes(), StageKind::Segment)?;
/// let turns: Vec<_> = doc.segments.iter().filter(|s| s.kind == BlockKind::Turn).collect();
/// assert_eq!(turns.len(), 4);
/// // Each segment knows its speaker and the source lines it came from.
/// assert_eq!(turns[1].speaker.as_ref().and_then(|s| s.zh_hans.as_deref()), Some("李明"));
/// assert_eq!((turns[1].src.first, turns[1].src.last), (2, 2));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// What the segment is.
    pub kind: BlockKind,
    /// The heading this segment falls under, in both scripts.
    pub section: Option<Scripts>,
    /// Who speaks, for turns.
    pub speaker: Option<Speaker>,
    /// Paragraphs of the segment, in order (a turn may span several).
    pub lines: Vec<Line>,
    /// Source lines covered.
    pub src: Span,
    /// Stage directions such as `（笑）`, also left in the text.
    pub directions: Vec<String>,
}

/// What a stage did to the text: every removal, repair and reinterpretation is one entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    /// The stage that made the change.
    pub stage: StageKind,
    /// The rule that fired, as named in the rule data (`strip.wechat.follow-prompt`).
    pub rule: String,
    /// What was done.
    pub action: Action,
    /// Source lines concerned.
    pub lines: [u32; 2],
    /// 1-based column (in chars) in the first line, when the edit is inside a line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// The text before (what was removed or replaced).
    pub before: String,
    /// The text after, for replacements and extractions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// How sure a repair is (0 to 1), for repairs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f32>,
}

impl AuditEntry {
    /// An entry with no column, no replacement text and no confidence; add them with the
    /// `at`, `to` and `confidence` builders.
    pub fn new(
        stage: StageKind,
        rule: impl Into<String>,
        action: Action,
        lines: Span,
        before: impl Into<String>,
    ) -> AuditEntry {
        AuditEntry {
            stage,
            rule: rule.into(),
            action,
            lines: lines.as_pair(),
            column: None,
            before: before.into(),
            after: None,
            confidence: None,
        }
    }

    /// The 1-based column (in chars) the edit starts at.
    pub fn at(mut self, column: u32) -> AuditEntry {
        self.column = Some(column);
        self
    }

    /// The text after the edit.
    pub fn to(mut self, after: impl Into<String>) -> AuditEntry {
        self.after = Some(after.into());
        self
    }

    /// How sure the stage is of the edit (0 to 1).
    pub fn confidence(mut self, confidence: f32) -> AuditEntry {
        self.confidence = Some(confidence);
        self
    }
}

/// What an audit entry did to the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Text deleted.
    Remove,
    /// Text replaced by other text (repairs, normalisation).
    Replace,
    /// Text moved from the body into metadata.
    Extract,
    /// Nothing changed but something is worth a look (low-confidence guesses, truncation).
    Flag,
}

/// A document flowing through the pipeline.
///
/// ```
/// use zhpipe::{Pipeline, StageKind};
/// let pipeline = Pipeline::builtin()?;
/// let doc = pipeline.process_until("a.txt", "第一行。\r\n第二行。\r\n".as_bytes(), StageKind::Decode)?;
/// assert_eq!(doc.id, "a");
/// // Each line remembers the source lines it came from.
/// assert_eq!(doc.lines[1].text, "第二行。");
/// assert_eq!(doc.lines[1].src.as_pair(), [2, 2]);
/// assert_eq!(doc.text(), "第一行。\n第二行。");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// The file stem (or the record id for JSONL input).
    pub id: String,
    /// Where the input came from.
    pub source: Source,
    /// The bytes as read; kept so any stage (and the audit) can refer back to them.
    pub raw: Arc<[u8]>,
    /// The text as decoded, before any stage changed it.
    pub original: Arc<str>,
    /// The current text, as lines.
    pub lines: Vec<Line>,
    /// What the stages extracted.
    pub meta: Metadata,
    /// The output units, filled by `segment`.
    pub segments: Vec<Segment>,
    /// Every removal, repair and flag, in order.
    pub audit: Vec<AuditEntry>,
    /// Counters each stage adds to (`strip.lines_removed`, …); sorted for stable output.
    pub stats: BTreeMap<String, u64>,
    /// JSONL written by `emit`, in pieces: concatenated, they are the document's records
    /// (a large document's blocks are written in parallel, each into a piece of its own,
    /// and are never copied into one buffer). See [`Document::jsonl`].
    pub records: Vec<String>,
    /// Lines repeated across the documents of the batch this one came in (see
    /// [`crate::batch::repeats`]): boilerplate evidence for strip.
    pub repeats: Option<Arc<crate::repeats::LineRepeats>>,
}

impl Document {
    /// A document named `id` read from `path`, before any stage ran.
    pub fn new(id: impl Into<String>, path: impl Into<String>, raw: impl Into<Arc<[u8]>>) -> Self {
        let raw: Arc<[u8]> = raw.into();
        let source = Source { path: path.into(), bytes: raw.len() as u64, ..Source::default() };
        Document { id: id.into(), source, raw, ..Document::default() }
    }

    /// The JSONL records `emit` wrote, as one string (borrowed when they are one piece).
    pub fn jsonl(&self) -> Cow<'_, str> {
        match self.records.as_slice() {
            [one] => Cow::Borrowed(one),
            pieces => Cow::Owned(pieces.concat()),
        }
    }

    /// The current text: lines joined by `\n`.
    pub fn text(&self) -> String {
        let mut out = String::with_capacity(self.lines.iter().map(|l| l.text.len() + 1).sum());
        for (i, line) in self.lines.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&line.text);
        }
        out
    }

    /// Replaces the lines with those of `text`, numbering them as source lines 1..=n. A run
    /// of blank lines becomes one blank line spanning the run (the text of its first): a
    /// `Line` costs the same whatever its length, and every stage reads blank lines only as
    /// separators, so a document's lines stay in proportion to its text.
    pub fn set_source_text(&mut self, text: &str) {
        // A final newline ends the last line; it does not start another.
        let body = text.strip_suffix('\n').unwrap_or(text);
        let lines = || {
            let mut start = 0;
            memchr::memchr_iter(b'\n', body.as_bytes()).chain([body.len()]).map(move |end| {
                let l = &body[start..end];
                start = end + 1;
                l.strip_suffix('\r').unwrap_or(l)
            })
        };
        // Counted first so the vector is allocated once, at its size.
        let mut n = 0;
        let mut after_blank = false;
        for l in lines() {
            let blank = l.trim().is_empty();
            n += usize::from(!(blank && after_blank));
            after_blank = blank;
        }
        let mut out: Vec<Line> = Vec::with_capacity(n);
        after_blank = false;
        for (i, l) in lines().enumerate() {
            let src = Span::line(i as u32 + 1);
            let blank = l.trim().is_empty();
            match out.last_mut() {
                Some(prev) if blank && after_blank => prev.src = prev.src.join(src),
                _ => out.push(Line::new(l, src)),
            }
            after_blank = blank;
        }
        self.lines = out;
        self.original = Arc::from(text);
    }

    /// Adds to a counter; zero counts are not recorded, so `stats` lists what happened.
    pub fn count(&mut self, key: &str, n: u64) {
        if n > 0 {
            *self.stats.entry(key.to_owned()).or_insert(0) += n;
        }
    }

    /// Appends `entry` to the audit trail.
    pub fn record(&mut self, entry: AuditEntry) {
        self.audit.push(entry);
    }
}

/// The file stem of a path-like name (`corpus/a/001_x.txt` → `001_x`).
pub fn doc_id_of(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    match base.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_owned(),
        _ => base.to_owned(),
    }
}

/// The script of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Script {
    /// Simplified Chinese.
    Hans,
    /// Traditional Chinese.
    Hant,
    /// Both scripts in substantial amounts.
    Mixed,
    /// No evidence either way (no Chinese, or only characters common to both scripts).
    None,
}

impl Script {
    /// The script a text shows, `None` for [`Script::None`]: what a record's `script` field
    /// holds.
    ///
    /// ```
    /// use zhpipe::{detect_script, Script};
    /// assert_eq!(detect_script("这是简体中文。").shown(), Some(Script::Hans));
    /// assert_eq!(detect_script("Hello").shown(), None);
    /// ```
    pub fn shown(self) -> Option<Script> {
        (self != Script::None).then_some(self)
    }
}

/// A Traditional-Chinese regional standard.
///
/// ```
/// use zhpipe::{detect_variant, Variant};
/// assert_eq!(detect_variant("他說著話走進裡屋。"), Some(Variant::Tw));
/// assert_eq!(detect_variant("佢着住件衫，喺裏面講嘢。"), Some(Variant::Hk));
/// assert_eq!(detect_variant("简体中文"), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Variant {
    /// Hong Kong forms (説, 着, 裏, 户, 綫…).
    Hk,
    /// Taiwan forms (說, 著, 裡, 戶, 線…).
    Tw,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_runs_are_one_line_spanning_the_run() {
        let mut doc = Document::default();
        doc.set_source_text("一\n\n\n \n二\r\n\n三\n");
        let got: Vec<(&str, [u32; 2])> =
            doc.lines.iter().map(|l| (l.text.as_str(), l.src.as_pair())).collect();
        assert_eq!(
            got,
            [("一", [1, 1]), ("", [2, 4]), ("二", [5, 5]), ("", [6, 6]), ("三", [7, 7])]
        );
        assert_eq!(doc.lines.capacity(), doc.lines.len());
        // A million blank lines are one.
        doc.set_source_text(&format!("a{}b", "\n".repeat(1_000_000)));
        assert_eq!(doc.lines.len(), 3);
        assert_eq!(doc.lines[1].src.as_pair(), [2, 1_000_000]);
    }

    #[test]
    fn links_and_source_urls_are_kept_once_in_order() {
        let mut meta = Metadata::default();
        for url in ["b", "a", "b", "c", "a"] {
            meta.add_link(url);
            meta.add_source_url(url);
        }
        assert_eq!(meta.links, ["b", "a", "c"]);
        assert_eq!(meta.source_urls, ["b", "a", "c"]);
        // Pushed directly (with a duplicate): still checked.
        meta.links.push("c".into());
        meta.add_link("c");
        meta.add_link("d");
        assert_eq!(meta.links, ["b", "a", "c", "c", "d"]);
    }
}
