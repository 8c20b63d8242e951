//! Choosing the encoding of a document's bytes from the strongest evidence available.

use encoding_rs::{Encoding, BIG5, GB18030, UTF_16BE, UTF_16LE, UTF_8};

use crate::error::{DocErrorKind, Position};

/// The decoding chosen for a document.
pub struct Choice<'a> {
    pub encoding: &'static Encoding,
    pub name: &'static str,
    pub confidence: f32,
    /// Bytes to skip (a BOM).
    pub skip: usize,
    /// The whole input, when it is valid UTF-8 without a BOM: nothing left to decode or check.
    pub valid_utf8: Option<&'a str>,
}

impl Choice<'_> {
    fn of(encoding: &'static Encoding, raw: &[u8], confidence: f32, skip: usize) -> Self {
        Choice { encoding, name: label(encoding, raw), confidence, skip, valid_utf8: None }
    }
}

/// Picks the encoding from the strongest evidence available.
pub fn choose(raw: &[u8]) -> Result<Choice<'_>, DocErrorKind> {
    if let Some((encoding, skip)) = Encoding::for_bom(raw) {
        return Ok(Choice::of(encoding, raw, 1.0, skip));
    }
    // UTF-16 without a BOM and binary data both show NUL bytes; most input has none, and one
    // memchr pass proves it.
    let nul = memchr::memchr(0, raw);
    if nul.is_some() {
        if let Some((encoding, confidence)) = utf16_by_nul_pattern(raw) {
            return Ok(Choice::of(encoding, raw, confidence, 0));
        }
    }
    reject_binary(raw, nul)?;
    // Most input is valid UTF-8: one validation pass decides it (same answer as the counts
    // below with no invalid sequence).
    if let Ok(text) = simdutf8::basic::from_utf8(raw) {
        return Ok(Choice { valid_utf8: Some(text), ..Choice::of(UTF_8, raw, 1.0, 0) });
    }
    let utf8 = Utf8Evidence::of(raw);
    if utf8.invalid == 0 {
        return Ok(Choice::of(UTF_8, raw, 1.0, 0));
    }
    if utf8.valid >= 8 * utf8.invalid {
        let confidence = utf8.valid as f32 / (utf8.valid + utf8.invalid) as f32;
        return Ok(Choice::of(UTF_8, raw, confidence, 0));
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
/// An odd last byte (a truncated file) is left to the decoder, which replaces it as it would
/// after a BOM: the pattern and the clean decode are judged on the whole code units.
fn utf16_by_nul_pattern(raw: &[u8]) -> Option<(&'static Encoding, f32)> {
    // Valid UTF-8 with multi-byte characters is UTF-8 with stray NULs (binary damage), not
    // UTF-16: UTF-16 Chinese text is next to never valid UTF-8.
    if raw.iter().any(|&b| b >= 0x80) && simdutf8::basic::from_utf8(raw).is_ok() {
        return None;
    }
    let raw = &raw[..raw.len() & !1];
    if raw.len() < 4 {
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

/// `nul`: the offset of the first NUL byte, if any.
fn reject_binary(raw: &[u8], nul: Option<usize>) -> Result<(), DocErrorKind> {
    if let Some(i) = nul {
        let pos = Position::locate(raw, i);
        return Err(DocErrorKind::Binary(format!("NUL byte at {pos}")));
    }
    let sample = &raw[..raw.len().min(64 * 1024)];
    let controls: usize = sample.chunks(255).map(count_controls).sum();
    if controls * 20 > sample.len() {
        return Err(DocErrorKind::Binary(format!(
            "{controls} control bytes in the first {} bytes",
            sample.len()
        )));
    }
    Ok(())
}

/// Control bytes other than tab, newlines, form feed and escape in at most 255 bytes.
/// Branch-free with a byte-wide counter so it vectorizes: it reads every byte of most
/// documents.
fn count_controls(chunk: &[u8]) -> usize {
    let n = chunk.iter().fold(0u8, |n, &b| {
        let allowed = (b == b'\t') | (b == b'\n') | (b == b'\r') | (b == 0x0C) | (b == 0x1B);
        n.wrapping_add(u8::from((b < 0x20) & !allowed))
    });
    usize::from(n)
}

/// Chooses between GB18030 and Big5: chardetng's guess when it is one of them, otherwise
/// the one that decodes with fewer errors and more common characters.
fn legacy_chinese(raw: &[u8]) -> Choice<'_> {
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
    Choice::of(encoding, raw, confidence, 0)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_chinese_with_a_stray_nul_is_not_utf16() {
        // 33 bytes, one NUL: the NUL pattern alone would read it as UTF-16BE garbage.
        let raw = "第一行\n第二行有\u{0}空字节\n".as_bytes();
        assert_eq!(utf16_by_nul_pattern(raw), None);
        let utf16: Vec<u8> = "abc中文".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(utf16_by_nul_pattern(&utf16).map(|(e, _)| e), Some(UTF_16LE));
    }
}
