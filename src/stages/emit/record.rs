//! `segment` records written straight into the output: the same bytes `serde_json` gives
//! for schema v1 (field order, `null`s, escapes), without building the segment's joined
//! texts, cloning its glosses, or a `String` per record or per token. The record is
//! [`crate::records::SegmentRecord`]; a test checks the two agree on the corpus.

use jieba_rs::Jieba;

use crate::document::Script;
use crate::document::{BlockKind, EnSpan, Line, Segment, Speaker};
use crate::swar;

/// What the repair stage did to a segment's source lines: the edits, the lowest
/// confidence among them, and whether one fell below the stage's threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RepairMark {
    pub edits: u32,
    pub min_confidence: f32,
    pub low: bool,
}

/// Appends the `segment` record of `seg`, and its newline.
pub fn segment(
    out: &mut String,
    doc_id: &str,
    seq: usize,
    seg: &Segment,
    jieba: Option<&Jieba>,
    repair: Option<RepairMark>,
) {
    let english = !seg.lines.is_empty()
        && seg.lines.iter().all(|l| l.scripts.as_ref().is_some_and(|s| s.english));
    out.push_str("{\"type\":\"segment\",\"doc_id\":");
    string(out, doc_id);
    out.push_str(",\"seq\":");
    number(out, seq as u64);
    out.push_str(",\"kind\":\"");
    out.push_str(kind_name(seg.kind));
    out.push_str("\",\"section\":");
    match &seg.section {
        Some(s) => {
            out.push_str("{\"zh_hans\":");
            string(out, &s.zh_hans);
            out.push_str(",\"zh_hant\":");
            string(out, &s.zh_hant);
            out.push('}');
        }
        None => out.push_str("null"),
    }
    out.push_str(",\"speaker\":");
    match &seg.speaker {
        Some(sp) => speaker(out, sp),
        None => out.push_str("null"),
    }
    out.push_str(if english { ",\"lang\":\"en\"" } else { ",\"lang\":\"zh\"" });
    out.push_str(",\"script\":");
    optional(out, written_script(seg).map(script_name));
    if english {
        out.push_str(",\"zh_hans\":null,\"zh_hant\":null,\"en\":[{\"en\":");
        joined(out, &seg.lines, hans);
        out.push_str("}]");
    } else {
        out.push_str(",\"zh_hans\":");
        joined(out, &seg.lines, hans);
        out.push_str(",\"zh_hant\":");
        joined(out, &seg.lines, hant);
        out.push_str(",\"en\":");
        array(out, seg.lines.iter().flat_map(|l| &l.glosses), gloss);
    }
    out.push_str(",\"directions\":");
    array(out, &seg.directions, |out, d| string(out, d));
    out.push_str(",\"source\":{\"lines\":[");
    number(out, u64::from(seg.src.first));
    out.push(',');
    number(out, u64::from(seg.src.last));
    out.push_str("]}");
    if let Some(r) = repair {
        out.push_str(",\"repair\":{\"edits\":");
        number(out, u64::from(r.edits));
        out.push_str(",\"min_confidence\":");
        // Confidences are kept to three decimals (the audit's), which f32 prints short.
        out.push_str(&format!("{}", (r.min_confidence * 1000.0).round() / 1000.0));
        out.push_str(if r.low {
            ",\"low_confidence\":true}"
        } else {
            ",\"low_confidence\":false}"
        });
    }
    if let Some(jieba) = jieba {
        out.push_str(",\"tokens\":");
        tokens(out, jieba, &seg.lines);
    }
    out.push_str("}\n");
}

/// The Simplified text of a line (its text when it has no scripts; the English text of
/// an English line).
fn hans(l: &Line) -> &str {
    l.scripts.as_ref().map_or(&l.text, |s| &s.text.zh_hans)
}

fn hant(l: &Line) -> &str {
    l.scripts.as_ref().map_or(&l.text, |s| &s.text.zh_hant)
}

/// The lines' texts joined by `\n`, as one JSON string.
fn joined(out: &mut String, lines: &[Line], pick: fn(&Line) -> &str) {
    out.push('"');
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.push_str("\\n");
        }
        escaped(out, pick(l));
    }
    out.push('"');
}

/// The jieba words of the lines' Simplified text, joined by `\n`. Cut line by line: jieba
/// cuts a text into runs of one character class first, and `\n` is a run of its own, so
/// the words are those of the joined text; whitespace is not a token.
fn tokens(out: &mut String, jieba: &Jieba, lines: &[Line]) {
    out.push('[');
    let mut first = true;
    for l in lines {
        let text = hans(l);
        // Words of a line with nothing to escape are copied as they are.
        let clean = !has_escapes(text);
        for token in jieba.cut(text, false) {
            if token.word.chars().all(char::is_whitespace) {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            if clean {
                out.push('"');
                out.push_str(token.word);
                out.push('"');
            } else {
                string(out, token.word);
            }
        }
    }
    out.push(']');
}

fn speaker(out: &mut String, sp: &Speaker) {
    out.push_str("{\"id\":");
    string(out, &sp.id);
    for (key, value) in [
        (",\"zh_hans\":", &sp.zh_hans),
        (",\"zh_hant\":", &sp.zh_hant),
        (",\"en\":", &sp.en),
        (",\"role\":", &sp.role),
    ] {
        out.push_str(key);
        optional(out, value.as_deref());
    }
    out.push('}');
}

fn gloss(out: &mut String, g: &EnSpan) {
    out.push_str("{\"en\":");
    string(out, &g.en);
    // `skip_serializing_if = "Option::is_none"` in the serde form.
    if let Some(zh) = &g.zh_hans {
        out.push_str(",\"zh_hans\":");
        string(out, zh);
    }
    if let Some(zh) = &g.zh_hant {
        out.push_str(",\"zh_hant\":");
        string(out, zh);
    }
    out.push('}');
}

/// One script when every line with evidence agrees, `mixed` when they differ.
fn written_script(seg: &Segment) -> Option<Script> {
    let mut scripts = seg.lines.iter().filter_map(|l| l.scripts.as_ref().and_then(|s| s.written));
    let first = scripts.next()?;
    Some(if scripts.all(|s| s == first) { first } else { Script::Mixed })
}

/// `Script` as serde writes it (`rename_all = "lowercase"`).
fn script_name(script: Script) -> &'static str {
    match script {
        Script::Hans => "hans",
        Script::Hant => "hant",
        Script::Mixed => "mixed",
        Script::None => "none",
    }
}

/// `BlockKind` as serde writes it (`rename_all = "lowercase"`).
fn kind_name(kind: BlockKind) -> &'static str {
    match kind {
        BlockKind::Heading => "heading",
        BlockKind::Paragraph => "paragraph",
        BlockKind::Turn => "turn",
        BlockKind::Highlight => "highlight",
        BlockKind::Quote => "quote",
        BlockKind::Note => "note",
        BlockKind::Summary => "summary",
        BlockKind::Code => "code",
    }
}

fn array<T>(
    out: &mut String,
    items: impl IntoIterator<Item = T>,
    mut item: impl FnMut(&mut String, T),
) {
    out.push('[');
    for (i, x) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        item(out, x);
    }
    out.push(']');
}

fn optional(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => string(out, s),
        None => out.push_str("null"),
    }
}

fn number(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[i..].iter().map(|&d| char::from(d)));
}

/// A JSON string.
pub fn string(out: &mut String, s: &str) {
    out.push('"');
    escaped(out, s);
    out.push('"');
}

/// `s` with serde_json's escapes: `"` `\` and the C0 controls (`\b \t \n \f \r` short,
/// the others `\u00xx`); everything else, all non-ASCII included, as it is.
fn escaped(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut run = 0;
    let mut i = 0;
    loop {
        // Sixteen bytes at a time: Chinese text has nothing to escape but its line breaks.
        while let Some(chunk) = bytes.get(i..i + 16) {
            let (a, b) = chunk.split_at(8);
            if escapes_in(swar::word(a)) | escapes_in(swar::word(b)) != 0 {
                break;
            }
            i += 16;
        }
        let Some(&b) = bytes.get(i) else { break };
        i += 1;
        let short = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            b'\t' => "\\t",
            b'\n' => "\\n",
            0x0C => "\\f",
            b'\r' => "\\r",
            0x00..=0x1F => "",
            _ => continue,
        };
        out.push_str(&s[run..i - 1]);
        if short.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xF)]));
        } else {
            out.push_str(short);
        }
        run = i;
    }
    out.push_str(&s[run..]);
}

/// Whether `s` has any byte [`escaped`] changes.
fn has_escapes(s: &str) -> bool {
    let mut words = s.as_bytes().chunks_exact(8);
    let found = words.any(|w| escapes_in(swar::word(w)) != 0);
    found || words.remainder().iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

/// Non-zero when any of the eight bytes of `w` is `"`, `\` or below 0x20 (may flag a
/// byte after one that is: the caller then looks at each byte).
fn escapes_in(w: u64) -> u64 {
    swar::below(w, 0x20) | swar::equal(w, b'"') | swar::equal(w, b'\\')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::SegmentRecord;

    #[test]
    fn strings_are_escaped_like_serde_json() {
        let mut s = String::from("中文“引号”\"q\" back\\slash\ttab\nnl\r\u{1}\u{1f}\u{7f}é");
        for i in 0..=0x7F_u8 {
            s.push(char::from(i));
            s.push_str("汉字ab");
        }
        for cut in 0..s.len() {
            let Some(t) = s.get(cut..) else { continue };
            let mut out = String::new();
            string(&mut out, t);
            assert_eq!(out, serde_json::to_string(t).unwrap());
        }
    }

    /// Every segment record written for the corpus (with and without tokens) reads into
    /// [`SegmentRecord`] (no unknown field, none missing, every type right) and serialises
    /// back to the same bytes: the writer writes what serde writes for the type.
    #[test]
    fn corpus_segment_records_are_serde_segment_records() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let plain = crate::Pipeline::builtin().unwrap();
        let tokens = crate::Pipeline::from_file(root.join("pipelines/tokens.toml")).unwrap();
        let (mut seen, mut repaired, mut english) = (0, 0, 0);
        for path in crate::input::files_under(&root.join("corpus"), &["txt", "md", "html"]) {
            let bytes = std::fs::read(&path).unwrap();
            for p in [&plain, &tokens] {
                let Ok(out) = p.process_bytes(&path.to_string_lossy(), bytes.as_slice()) else {
                    continue;
                };
                for line in out.jsonl().lines().filter(|l| l.starts_with(r#"{"type":"segment""#)) {
                    let rec: SegmentRecord =
                        serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
                    assert_eq!(serde_json::to_string(&rec).unwrap(), line);
                    seen += 1;
                    repaired += usize::from(rec.repair.is_some());
                    english += usize::from(rec.lang == "en");
                }
            }
        }
        assert!(seen > 500 && repaired > 0 && english > 0, "{seen} {repaired} {english}");
    }

    #[test]
    fn numbers() {
        for n in [0, 7, 10, 99, 12345, u64::MAX] {
            let mut out = String::new();
            number(&mut out, n);
            assert_eq!(out, n.to_string());
        }
    }
}
