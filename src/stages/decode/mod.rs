//! **decode** — bytes to text, never silently lossy.
//!
//! Input: `Document::raw`. Output: `Document::lines` (source line numbers 1..=n), the
//! encoding and a confidence in `Document::source`, and the SHA-256 of the bytes.
//!
//! Order of evidence: a byte-order mark; then strict UTF-8; then UTF-16 without a BOM (its
//! NUL pattern); then binary rejection; then UTF-8 with a few damaged sequences; then the
//! legacy Chinese encodings GB18030 (GBK is its subset) and Big5, as chardetng ranks them.
//! A malformed sequence is either an error or, under `malformed = "replace"` and up to
//! `max_malformed` of them, a U+FFFD recorded in the audit trail with its byte position.
//! Line endings become `\n`. Text that is HTML (a page, a fragment, or lines holding tags:
//! `html = "auto"`) is then read by [`crate::html`] into its article's lines, with the
//! page's metadata and an audit entry for every subtree left out. Not idempotent in the
//! usual sense: it reads bytes, not text.

mod detect;
mod fences;

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{Stage, StageKind};
use crate::document::{Action, AuditEntry, BlockKind, Document, Span};
use crate::error::{DocErrorKind, Position};
use crate::html::{self, HtmlMode, HtmlText, Shape};
use detect::choose;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DecodeConfig {
    /// Documents larger than this are rejected; the readers stop at this size, so such an
    /// input is never held whole.
    pub max_doc_bytes: u64,
    /// A longer line is not an article line (minified data, a binary blob): rejected.
    pub max_line_bytes: u64,
    pub malformed: Malformed,
    /// With `malformed = "replace"`, more damaged sequences than this is an error.
    pub max_malformed: usize,
    /// Whether the text is read as HTML: `auto` (pages, fragments and HTML lines inside
    /// text, from the text itself), `always` or `never`.
    pub html: HtmlMode,
    /// With `memory_base`, the memory budget of one document: `memory_per_byte` times its
    /// bytes plus `memory_base`. A document whose estimated cost ([`estimated_cost`]: its
    /// bytes and its lines, each line costing the same whatever its length) is over the
    /// budget fails alone, before any line is built.
    pub memory_per_byte: u64,
    pub memory_base: u64,
}

impl Default for DecodeConfig {
    fn default() -> Self {
        DecodeConfig {
            max_doc_bytes: 256 << 20,
            max_line_bytes: 8 << 20,
            malformed: Malformed::Replace,
            max_malformed: 16,
            html: HtmlMode::Auto,
            memory_per_byte: 20,
            memory_base: 100 << 20,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Malformed {
    /// Any undecodable byte fails the document.
    Error,
    /// Undecodable bytes become U+FFFD, each one audited.
    Replace,
}

#[derive(Debug)]
pub struct Decode {
    cfg: DecodeConfig,
}

impl Decode {
    pub fn new(cfg: DecodeConfig) -> Self {
        Decode { cfg }
    }
}

impl Stage for Decode {
    fn kind(&self) -> StageKind {
        StageKind::Decode
    }

    fn process(&self, doc: &mut Document) -> Result<(), DocErrorKind> {
        let raw = doc.raw.clone();
        if raw.is_empty() {
            return Err(DocErrorKind::Empty);
        }
        if raw.len() as u64 > self.cfg.max_doc_bytes {
            return Err(DocErrorKind::TooLarge {
                bytes: raw.len() as u64,
                limit: self.cfg.max_doc_bytes,
            });
        }
        // The digest formats itself (one write): `format!` per byte was a tenth of a
        // worker's time on short documents.
        doc.source.sha256 = format!("{:x}", Sha256::digest(&raw));
        let choice = choose(&raw)?;
        let body = &raw[choice.skip..];
        let (text, malformed) = match choice.valid_utf8 {
            Some(text) => (Cow::Borrowed(text), Vec::new()),
            None => {
                let malformed = find_malformed(choice.encoding, body);
                if !malformed.is_empty() {
                    self.accept_malformed(choice.encoding, &raw, choice.skip, &malformed)?;
                }
                (choice.encoding.decode_without_bom_handling(body).0, malformed)
            }
        };
        let text = unify_newlines(text);
        let lines = self.check_lines(&text)?;
        if text.trim().is_empty() {
            return Err(DocErrorKind::Blank);
        }
        self.check_cost(raw.len() as u64, lines)?;
        doc.source.encoding = Some(choice.name.to_owned());
        doc.source.confidence = Some(round3(choice.confidence));
        let shape = html::shape(&text, self.cfg.html);
        if shape == Shape::Text {
            doc.set_source_text(&text);
        } else {
            // A page's source lines are not the document's lines (its article's are): they
            // are only built if the page is read as text after all.
            doc.original = std::sync::Arc::from(&*text);
        }
        for m in &malformed {
            let pos = Position::locate_in(choice.encoding, &raw[choice.skip..], m.offset);
            let pos = Position { byte: pos.byte + choice.skip as u64, ..pos };
            let rule =
                if m.at_end { "decode.truncated-sequence" } else { "decode.malformed-sequence" };
            let bytes: String = m.bytes.iter().map(|b| format!("\\x{b:02X}")).collect();
            doc.record(
                AuditEntry::new(
                    StageKind::Decode,
                    rule,
                    Action::Replace,
                    Span::line(pos.line),
                    bytes,
                )
                .at(pos.column)
                .to("\u{FFFD}"),
            );
            if m.at_end {
                doc.meta.truncated = true;
            }
        }
        doc.count("decode.malformed", malformed.len() as u64);
        self.read_html(doc, shape)
    }
}

impl Decode {
    /// Reads the text as HTML where it is HTML: the lines become the page's article (or
    /// the fragment's text), what was left out goes to the audit trail and the page's
    /// metadata to the document's.
    fn read_html(&self, doc: &mut Document, shape: Shape) -> Result<(), DocErrorKind> {
        let page = match shape {
            Shape::Text => {
                let mut page = match self.cfg.html {
                    HtmlMode::Never => None,
                    _ => html::convert_lines(&doc.lines),
                };
                let lines = page.as_mut().map_or(&mut doc.lines, |p| &mut p.lines);
                let blocks = fences::fold(lines);
                doc.count("decode.code_blocks", blocks as u64);
                match page {
                    Some(page) => page,
                    None => return Ok(()),
                }
            }
            Shape::Page | Shape::Fragment | Shape::Feed => {
                match html::convert(&doc.original, shape) {
                    Ok(page) => page,
                    Err(deep) => {
                        let original = doc.original.clone();
                        doc.set_source_text(&original);
                        let all = Span { first: 1, last: doc.lines.len().max(1) as u32 };
                        let why = format!("markup nested {} deep, read as text", deep.depth);
                        doc.record(AuditEntry::new(
                            StageKind::Decode,
                            "decode.html.too-deep",
                            Action::Flag,
                            all,
                            why,
                        ));
                        return Ok(());
                    }
                }
            }
        };
        let HtmlText { lines, meta, removed, code_blocks, links } = page;
        if lines.iter().all(|l| l.is_blank()) {
            return Err(DocErrorKind::Blank);
        }
        doc.lines = lines;
        doc.count(
            match shape {
                Shape::Page => "decode.html.page",
                Shape::Fragment => "decode.html.fragment",
                Shape::Feed => "decode.html.feed",
                Shape::Text => "decode.html.lines",
            },
            1,
        );
        doc.count("decode.html.code", code_blocks as u64);
        let blocks = doc.lines.iter().filter(|l| l.kind == Some(BlockKind::Code)).count();
        doc.count("decode.code_blocks", blocks as u64);
        for r in removed {
            doc.count(r.why.rule(), 1);
            doc.record(AuditEntry::new(
                StageKind::Decode,
                r.why.rule(),
                Action::Remove,
                r.span,
                r.text,
            ));
        }
        for l in &links {
            doc.meta.add_link(l);
        }
        let m = &mut doc.meta;
        m.title = m.title.take().or(meta.title);
        m.author = m.author.take().or(meta.author);
        m.published = m.published.take().or(meta.published);
        m.platform = m.platform.take().or(meta.platform);
        m.cover_url = m.cover_url.take().or(meta.cover);
        if let Some(url) = &meta.url {
            m.add_source_url(url);
        }
        for (key, value) in
            [("site_name", meta.site_name), ("description", meta.description), ("lang", meta.lang)]
        {
            if let Some(v) = value {
                m.extra.entry(key.to_owned()).or_insert(v);
            }
        }
        Ok(())
    }

    fn accept_malformed(
        &self,
        encoding: &'static Encoding,
        raw: &[u8],
        skip: usize,
        found: &[BadSequence],
    ) -> Result<(), DocErrorKind> {
        let first = &found[0];
        let pos = Position::locate_in(encoding, &raw[skip..], first.offset);
        let pos = Position { byte: pos.byte + skip as u64, ..pos };
        let what = if first.at_end {
            "truncated multi-byte sequence at the end"
        } else {
            "malformed sequence"
        };
        if self.cfg.malformed == Malformed::Error || found.len() > self.cfg.max_malformed {
            return Err(DocErrorKind::Encoding(format!(
                "{} undecodable sequence(s) (limit {}); first: {what} at {pos}",
                found.len(),
                if self.cfg.malformed == Malformed::Error { 0 } else { self.cfg.max_malformed }
            )));
        }
        Ok(())
    }

    /// Checks line lengths; returns how many lines the document holds once each run of
    /// blank lines is one ([`Document::set_source_text`]): text lines, and blank ones.
    fn check_lines(&self, text: &str) -> Result<LineCount, DocErrorKind> {
        let limit = self.cfg.max_line_bytes;
        // A final newline ends the last line; it does not start another.
        let bytes = text.strip_suffix('\n').unwrap_or(text).as_bytes();
        let mut start = 0usize;
        let (mut lines, mut after_blank) = (LineCount::default(), false);
        for end in memchr::memchr_iter(b'\n', bytes).chain([bytes.len()]) {
            let len = (end - start) as u64;
            if len > limit {
                let line = Position::locate(bytes, start).line;
                return Err(DocErrorKind::LineTooLong { line, bytes: len, limit });
            }
            // Blank: white space only (what `trim` removes), judged from the first character
            // on (trimming looks at both ends of every line).
            let blank = text[start..end].chars().all(char::is_whitespace);
            match (blank, after_blank) {
                (false, _) => lines.text += 1,
                (true, false) => lines.blank += 1,
                (true, true) => {}
            }
            after_blank = blank;
            start = end + 1;
        }
        Ok(lines)
    }

    /// Fails a document whose estimated memory is over its budget, before it is split into
    /// lines: bounded per document whatever its line structure.
    fn check_cost(&self, bytes: u64, lines: LineCount) -> Result<(), DocErrorKind> {
        let estimate = estimated_cost(bytes, lines);
        let budget =
            self.cfg.memory_per_byte.saturating_mul(bytes).saturating_add(self.cfg.memory_base);
        if estimate > budget {
            let mb = |n: u64| n.div_ceil(1_000_000);
            return Err(DocErrorKind::TooManyLines {
                lines: lines.text + lines.blank,
                bytes,
                estimate: mb(estimate),
                budget: mb(budget),
            });
        }
        Ok(())
    }
}

/// Bytes of memory a document's processing costs, at most, per byte of input (its raw bytes,
/// the decoded text, the lines' text through the stages, and the records written), per
/// line of text (a `Line` and its small allocations, the masks and flags the stages keep
/// per line, a segment and its record when the line ends up alone in one) and per blank
/// line (a `Line` until the stages drop it). From peak RSS (benches/memory.sh, `--until`
/// each stage) of documents of one-character lines and of article text.
pub const COST_PER_BYTE: u64 = 10;
pub const COST_PER_LINE: u64 = 1200;
pub const COST_PER_BLANK_LINE: u64 = 200;

/// A document's lines once each run of blank lines is one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineCount {
    pub text: u64,
    pub blank: u64,
}

/// The memory a document of `bytes` bytes and `lines` is expected to take while processed.
pub fn estimated_cost(bytes: u64, lines: LineCount) -> u64 {
    bytes
        .saturating_mul(COST_PER_BYTE)
        .saturating_add(lines.text.saturating_mul(COST_PER_LINE))
        .saturating_add(lines.blank.saturating_mul(COST_PER_BLANK_LINE))
}

struct BadSequence {
    offset: usize,
    bytes: Vec<u8>,
    at_end: bool,
}

/// Every undecodable sequence of `raw` under `encoding`, with its byte offset.
fn find_malformed(encoding: &'static Encoding, raw: &[u8]) -> Vec<BadSequence> {
    if encoding == UTF_8 {
        let mut out = Vec::new();
        let mut offset = 0;
        for chunk in raw.utf8_chunks() {
            offset += chunk.valid().len();
            let bad = chunk.invalid();
            if !bad.is_empty() {
                let at_end = offset + bad.len() == raw.len();
                out.push(BadSequence { offset, bytes: bad.to_vec(), at_end });
                offset += bad.len();
            }
        }
        return out;
    }
    malformed_by_decoder(encoding, raw)
}

fn malformed_by_decoder(encoding: &'static Encoding, raw: &[u8]) -> Vec<BadSequence> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = Vec::new();
    let mut buf = String::with_capacity(4096);
    let mut read_total = 0usize;
    loop {
        buf.clear();
        let (result, read) =
            decoder.decode_to_string_without_replacement(&raw[read_total..], &mut buf, true);
        read_total += read;
        match result {
            encoding_rs::DecoderResult::InputEmpty => break,
            encoding_rs::DecoderResult::OutputFull => continue,
            encoding_rs::DecoderResult::Malformed(len, back) => {
                let end = read_total - back as usize;
                let start = end - len as usize;
                out.push(BadSequence {
                    offset: start,
                    bytes: raw[start..end].to_vec(),
                    at_end: end == raw.len(),
                });
            }
        }
    }
    out
}

fn unify_newlines(text: Cow<'_, str>) -> Cow<'_, str> {
    if memchr::memchr(b'\r', text.as_bytes()).is_none() {
        return text;
    }
    // One pass (a page is hundreds of KB): `\r\n` and a lone `\r` both become `\n`.
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for at in memchr::memchr_iter(b'\r', text.as_bytes()) {
        out.push_str(&text[from..at]);
        out.push('\n');
        from = at + 1 + usize::from(text.as_bytes().get(at + 1) == Some(&b'\n'));
    }
    out.push_str(&text[from..]);
    Cow::Owned(out)
}

fn round3(x: f32) -> f32 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_break_becomes_a_newline() {
        for (text, unified) in [
            ("a\r\nb\rc\n\r\r\nd\r", "a\nb\nc\n\n\nd\n"),
            ("\r\n\r\n", "\n\n"),
            ("一\r二", "一\n二"),
            ("no breaks", "no breaks"),
        ] {
            assert_eq!(unify_newlines(Cow::Borrowed(text)), unified, "{text:?}");
        }
    }
}
