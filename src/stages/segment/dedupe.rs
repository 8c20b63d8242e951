//! Exact repeats inside one turn: a paragraph said twice, or a sentence of 12+ characters
//! said again, is kept once and the repeat is audited.

use rustc_hash::FxBuildHasher;
use std::collections::HashSet;

use crate::document::{Action, AuditEntry, Converted, Document, Line, Scripts};

/// Drops exact repeats of a paragraph, or of a sentence of 12+ characters, inside a turn.
pub fn dedupe(lines: Vec<Line>, doc: &mut Document) -> Vec<Line> {
    // A sentence is only compared with those of earlier paragraphs.
    if lines.len() < 2 {
        return lines;
    }
    let verdicts = verdicts(&lines);
    if verdicts.iter().all(|v| matches!(v, Verdict::Keep)) {
        return lines;
    }
    let mut out = Vec::with_capacity(lines.len());
    for (line, verdict) in lines.into_iter().zip(verdicts) {
        match verdict {
            Verdict::Keep => out.push(line),
            Verdict::Paragraph => {
                audit(doc, "segment.duplicate-paragraph", &line, line.text.trim());
            }
            Verdict::Sentences(repeated) => out.push(drop_sentences(line, &repeated, doc)),
        }
    }
    out
}

enum Verdict {
    Keep,
    /// The whole paragraph repeats an earlier one.
    Paragraph,
    /// These sentences (indices in `split_sentences`) repeat earlier ones.
    Sentences(Vec<usize>),
}

/// What to do with each line, judged on the lines as they came (a repeated paragraph adds
/// nothing to what was seen; any other adds all its sentences, repeated or not).
fn verdicts(lines: &[Line]) -> Vec<Verdict> {
    let mut paragraphs: Set<'_> = Set::with_capacity_and_hasher(lines.len(), Default::default());
    // Only sentences long enough to count as repeats: shorter ones never equal them.
    let mut sentences: Set<'_> = Set::default();
    let mut parts: Vec<&str> = Vec::new();
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        if !paragraphs.insert(line.text.trim()) {
            out.push(Verdict::Paragraph);
            continue;
        }
        parts.clear();
        split_sentences_into(&line.text, &mut parts);
        let repeated: Vec<usize> = (0..parts.len())
            .filter(|&i| long_enough(parts[i]) && sentences.contains(parts[i]))
            .collect();
        sentences.extend(parts.iter().filter(|s| long_enough(s)));
        out.push(if repeated.is_empty() { Verdict::Keep } else { Verdict::Sentences(repeated) });
    }
    out
}

/// 12 characters or more.
fn long_enough(s: &str) -> bool {
    s.len() >= 12 && (s.len() >= 4 * 12 || s.chars().count() >= 12)
}

/// `line` without its `repeated` sentences, in every script; unchanged (and not audited)
/// when a script does not split into as many sentences.
fn drop_sentences(mut line: Line, repeated: &[usize], doc: &mut Document) -> Line {
    let sentences = split_sentences(&line.text);
    let keep = |text: &str| -> Option<String> {
        let parts = split_sentences(text);
        (parts.len() == sentences.len()).then(|| {
            parts
                .iter()
                .enumerate()
                // `repeated` is in ascending order.
                .filter(|(i, _)| repeated.binary_search(i).is_err())
                .map(|(_, s)| *s)
                .collect()
        })
    };
    let scripts = match &line.scripts {
        Some(s) => match (keep(&s.text.zh_hans), keep(&s.text.zh_hant)) {
            (Some(h), Some(t)) => {
                Some(Converted { text: Scripts { zh_hans: h, zh_hant: t }, ..s.clone() })
            }
            _ => return line,
        },
        None => None,
    };
    for &i in repeated {
        audit(doc, "segment.duplicate-sentence", &line, sentences[i]);
    }
    line.text = keep(&line.text).expect("same text");
    line.scripts = scripts;
    line
}

fn audit(doc: &mut Document, rule: &str, line: &Line, text: &str) {
    doc.record(AuditEntry::new(crate::StageKind::Segment, rule, Action::Remove, line.src, text));
}

/// Sentences with their closing punctuation (and closing quotes) attached.
pub fn split_sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    split_sentences_into(text, &mut out);
    out
}

/// [`split_sentences`] into `out`.
pub fn split_sentences_into<'t>(text: &'t str, out: &mut Vec<&'t str>) {
    let bytes = text.as_bytes();
    let mut ends = Ends::new(bytes);
    let mut start = 0;
    while let Some(end) = ends.next_from(start) {
        let mut i = end;
        while i < bytes.len() {
            let c = &bytes[i..i + crate::utf8::char_len(bytes[i])];
            let closes = matches!(
                c,
                b"\xE2\x80\x9D" | b"\xE3\x80\x8D" | b"\xE3\x80\x8F" | b"\"" | b"\xE2\x80\x99"
            );
            if !(closes || is_end(c)) {
                break;
            }
            i += c.len();
        }
        out.push(&text[start..i]);
        start = i;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
}

/// Finds sentence-ending characters with `memchr`: `!?` are ASCII, `。！？` are three bytes
/// led by `E3` or `EF` (bytes that only ever lead a character), so only those bytes need a
/// look.
struct Ends<'t> {
    bytes: &'t [u8],
    /// The next `!` or `?` at or after `ascii_from`, if any.
    ascii: Option<usize>,
    ascii_from: usize,
}

impl<'t> Ends<'t> {
    fn new(bytes: &'t [u8]) -> Ends<'t> {
        Ends { bytes, ascii: None, ascii_from: usize::MAX }
    }

    /// The end of the first sentence-ending character at or after `from` (a char boundary).
    fn next_from(&mut self, from: usize) -> Option<usize> {
        if self.ascii_from == usize::MAX || self.ascii.is_some_and(|a| a < from) {
            self.ascii = memchr::memchr2(b'!', b'?', &self.bytes[from..]).map(|p| from + p);
            self.ascii_from = from;
        }
        let limit = self.ascii.unwrap_or(self.bytes.len());
        let mut i = from;
        while let Some(p) = memchr::memchr2(0xE3, 0xEF, &self.bytes[i..limit]) {
            let lead = i + p;
            if is_end(&self.bytes[lead..lead + 3]) {
                return Some(lead + 3);
            }
            i = lead + 3;
        }
        self.ascii.map(|a| a + 1)
    }
}

/// `。！？!?` as UTF-8.
fn is_end(c: &[u8]) -> bool {
    matches!(c, b"!" | b"?" | b"\xE3\x80\x82" | b"\xEF\xBC\x81" | b"\xEF\xBC\x9F")
}

type Set<'t> = HashSet<&'t str, FxBuildHasher>;

#[cfg(test)]
mod tests {
    use super::split_sentences;

    /// The char-by-char definition `split_sentences` must agree with.
    fn reference(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if matches!(c, '。' | '！' | '？' | '!' | '?') {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) =
                    chars.peek().filter(|(_, d)| "”」』\"’。！？!?".contains(*d))
                {
                    end = j + d.len_utf8();
                    chars.next();
                }
                out.push(&text[start..end]);
                start = end;
            }
        }
        if start < text.len() {
            out.push(&text[start..]);
        }
        out
    }

    #[test]
    fn splits_like_the_char_by_char_definition() {
        for text in [
            "",
            "没有句号",
            "他说：“好的。”然后走了！真的吗？？是的!!对?",
            "《书名》、「引号」。』尾巴",
            "A. B? C! “D。”’ 。。！",
            "，：（）、。",
            "末尾？",
        ] {
            assert_eq!(split_sentences(text), reference(text), "{text:?}");
        }
    }
}
