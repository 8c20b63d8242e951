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
//! Line endings become `\n`. Not idempotent in the usual sense: it reads bytes, not text.

use encoding_rs::{Encoding, BIG5, GB18030, UTF_16BE, UTF_16LE, UTF_8};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{Stage, StageKind};
use crate::document::{Action, AuditEntry, Document, Span};
use crate::error::{DocErrorKind, Position};

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DecodeConfig {
    /// Documents larger than this are rejected rather than loaded.
    pub max_doc_bytes: u64,
    /// A longer line is not an article line (minified data, a binary blob): rejected.
    pub max_line_bytes: u64,
    pub malformed: Malformed,
    /// With `malformed = "replace"`, more damaged sequences than this is an error.
    pub max_malformed: usize,
}

impl Default for DecodeConfig {
    fn default() -> Self {
        DecodeConfig {
            max_doc_bytes: 256 << 20,
            max_line_bytes: 8 << 20,
            malformed: Malformed::Replace,
            max_malformed: 16,
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

/// The decoding chosen for a document.
struct Choice {
    encoding: &'static Encoding,
    name: &'static str,
    confidence: f32,
    /// Bytes to skip (a BOM).
    skip: usize,
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
        doc.source.sha256 = hex(&Sha256::digest(&raw));
        let choice = choose(&raw)?;
        let body = &raw[choice.skip..];
        let malformed = find_malformed(choice.encoding, body);
        if !malformed.is_empty() {
            self.accept_malformed(&raw, choice.skip, &malformed)?;
        }
        let (text, _) = choice.encoding.decode_without_bom_handling(body);
        let text = unify_newlines(&text);
        self.check_lines(&text)?;
        if text.trim().is_empty() {
            return Err(DocErrorKind::Blank);
        }
        doc.source.encoding = Some(choice.name.to_owned());
        doc.source.confidence = Some(round3(choice.confidence));
        doc.set_source_text(&text);
        for m in &malformed {
            let pos = Position::locate(&raw, choice.skip + m.offset);
            let rule =
                if m.at_end { "decode.truncated-sequence" } else { "decode.malformed-sequence" };
            let bytes: String = m.bytes.iter().map(|b| format!("\\x{b:02X}")).collect();
            doc.record(
                AuditEntry::new("decode", rule, Action::Replace, Span::line(pos.line), bytes)
                    .at(pos.column)
                    .to("\u{FFFD}"),
            );
            if m.at_end {
                doc.meta.truncated = true;
            }
        }
        doc.count("decode.malformed", malformed.len() as u64);
        Ok(())
    }
}

impl Decode {
    fn accept_malformed(
        &self,
        raw: &[u8],
        skip: usize,
        found: &[BadSequence],
    ) -> Result<(), DocErrorKind> {
        let first = &found[0];
        let pos = Position::locate(raw, skip + first.offset);
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

    fn check_lines(&self, text: &str) -> Result<(), DocErrorKind> {
        let limit = self.cfg.max_line_bytes;
        let mut offset = 0usize;
        for line in text.split('\n') {
            if line.len() as u64 > limit {
                let line_no = Position::locate(text.as_bytes(), offset).line;
                return Err(DocErrorKind::LineTooLong {
                    line: line_no,
                    bytes: line.len() as u64,
                    limit,
                });
            }
            offset += line.len() + 1;
        }
        Ok(())
    }
}

struct BadSequence {
    offset: usize,
    bytes: Vec<u8>,
    at_end: bool,
}

/// Picks the encoding from the strongest evidence available.
fn choose(raw: &[u8]) -> Result<Choice, DocErrorKind> {
    if let Some((encoding, skip)) = Encoding::for_bom(raw) {
        return Ok(Choice { encoding, name: label(encoding, raw), confidence: 1.0, skip });
    }
    if let Some((encoding, confidence)) = utf16_by_nul_pattern(raw) {
        return Ok(Choice { encoding, name: label(encoding, raw), confidence, skip: 0 });
    }
    reject_binary(raw)?;
    let utf8 = Utf8Evidence::of(raw);
    if utf8.invalid == 0 {
        return Ok(Choice { encoding: UTF_8, name: "UTF-8", confidence: 1.0, skip: 0 });
    }
    if utf8.valid >= 8 * utf8.invalid {
        let confidence = utf8.valid as f32 / (utf8.valid + utf8.invalid) as f32;
        return Ok(Choice { encoding: UTF_8, name: "UTF-8", confidence, skip: 0 });
    }
    if let Some(line) = utf8.first_clean_line {
        let bad = Position::locate(raw, utf8.first_invalid);
        return Err(DocErrorKind::Encoding(format!(
            "mixed encodings: line {line} is UTF-8 but {} undecodable UTF-8 sequences follow, \
             first at {bad}",
            utf8.invalid
        )));
    }
    Ok(legacy_chinese(raw))
}

/// How much of the input reads as UTF-8.
struct Utf8Evidence {
    /// Valid non-ASCII characters.
    valid: usize,
    /// Invalid sequences.
    invalid: usize,
    first_invalid: usize,
    /// The first line that is valid UTF-8 with several multi-byte characters: legacy
    /// Chinese text almost never forms such a line by chance, so it proves UTF-8 content.
    first_clean_line: Option<usize>,
}

impl Utf8Evidence {
    fn of(raw: &[u8]) -> Utf8Evidence {
        let (mut valid, mut invalid, mut first_invalid) = (0, 0, 0);
        let mut offset = 0;
        for chunk in raw.utf8_chunks() {
            valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
            offset += chunk.valid().len();
            if !chunk.invalid().is_empty() {
                if invalid == 0 {
                    first_invalid = offset;
                }
                invalid += 1;
                offset += chunk.invalid().len();
            }
        }
        let first_clean_line = raw.split(|&b| b == b'\n').position(|line| {
            std::str::from_utf8(line)
                .is_ok_and(|l| l.chars().filter(|c| !c.is_ascii()).count() >= 4)
        });
        Utf8Evidence {
            valid,
            invalid,
            first_invalid,
            first_clean_line: first_clean_line.map(|i| i + 1),
        }
    }
}

fn label(encoding: &'static Encoding, raw: &[u8]) -> &'static str {
    if encoding == GB18030 {
        // GBK is GB18030 without its four-byte sequences; name the narrower one when it fits.
        if has_gb18030_four_byte(raw) {
            "GB18030"
        } else {
            "GBK"
        }
    } else {
        encoding.name()
    }
}

fn has_gb18030_four_byte(raw: &[u8]) -> bool {
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b < 0x80 {
            i += 1;
        } else if i + 1 < raw.len() && (0x30..=0x39).contains(&raw[i + 1]) {
            return true;
        } else {
            i += 2;
        }
    }
    false
}

/// UTF-16 without a BOM shows as NULs in every other byte for the ASCII part of the text.
fn utf16_by_nul_pattern(raw: &[u8]) -> Option<(&'static Encoding, f32)> {
    if raw.len() < 4 || raw.len() % 2 != 0 {
        return None;
    }
    let sample = &raw[..raw.len().min(64 * 1024)];
    let pairs = (sample.len() / 2) as f32;
    let even = sample.iter().step_by(2).filter(|&&b| b == 0).count() as f32;
    let odd = sample.iter().skip(1).step_by(2).filter(|&&b| b == 0).count() as f32;
    let (encoding, hits, misses) =
        if odd > even { (UTF_16LE, odd, even) } else { (UTF_16BE, even, odd) };
    // Chinese UTF-16 has few ASCII characters; demand a clear pattern and a clean decode.
    if hits / pairs < 0.05 || misses > hits * 0.05 {
        return None;
    }
    let (_, had_errors) = encoding.decode_without_bom_handling(raw);
    (!had_errors).then(|| (encoding, (hits - misses) / hits))
}

fn reject_binary(raw: &[u8]) -> Result<(), DocErrorKind> {
    if let Some(i) = raw.iter().position(|&b| b == 0) {
        let pos = Position::locate(raw, i);
        return Err(DocErrorKind::Binary(format!("NUL byte at {pos}")));
    }
    let sample = &raw[..raw.len().min(64 * 1024)];
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B))
        .count();
    if controls * 20 > sample.len() {
        return Err(DocErrorKind::Binary(format!(
            "{controls} control bytes in the first {} bytes",
            sample.len()
        )));
    }
    Ok(())
}

/// Chooses between GB18030 and Big5: chardetng's guess when it is one of them, otherwise
/// the one that decodes with fewer errors and more common characters.
fn legacy_chinese(raw: &[u8]) -> Choice {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(raw, true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    let scored = [GB18030, BIG5].map(|e| (e, plausibility(e, raw)));
    let best = scored.iter().max_by(|a, b| a.1.total_cmp(&b.1)).map(|s| s.0).unwrap_or(GB18030);
    let encoding = if guess == GB18030 || guess == encoding_rs::GBK {
        GB18030
    } else if guess == BIG5 {
        BIG5
    } else {
        best
    };
    let mine = plausibility(encoding, raw);
    let other = scored.iter().find(|s| s.0 != encoding).map_or(0.0, |s| s.1);
    // Confidence: how clean and common the chosen decoding is, discounted when the other
    // candidate looks about as good.
    let margin = if mine > 0.0 { ((mine - other) / mine).clamp(0.0, 1.0) } else { 0.0 };
    let confidence = mine * (0.5 + 0.5 * margin);
    Choice { encoding, name: label(encoding, raw), confidence, skip: 0 }
}

/// Share of non-ASCII characters that are ideographs or CJK punctuation, times the share of
/// sequences that decode at all.
fn plausibility(encoding: &'static Encoding, raw: &[u8]) -> f32 {
    let (text, _) = encoding.decode_without_bom_handling(raw);
    let (mut good, mut total) = (0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_ascii()) {
        total += 1;
        good += usize::from(is_common_cjk(c));
    }
    if total == 0 {
        return 0.0;
    }
    good as f32 / total as f32
}

fn is_common_cjk(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}' | '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF5E}'
        | '\u{2010}'..='\u{2027}' | '\u{00B7}')
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

fn unify_newlines(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_owned();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn round3(x: f32) -> f32 {
    (x * 1000.0).round() / 1000.0
}
