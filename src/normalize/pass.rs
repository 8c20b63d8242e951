//! Punctuation and spacing normalisation for Chinese text ([`normalize_punct`]): passes
//! repeated to a fixed point. One pass works on bytes.
//!
//! A pass only ever rewrites ASCII `, ? : ; ! ( ) .`, `…` and horizontal space; everything
//! else is copied. So it jumps from one of those bytes to the next, copies the text between
//! them in bulk, and builds no output at all until something actually changes (most passes
//! over an already-normal line change nothing). Same rules, in the same order, as the
//! char-by-char original (`punct_ref.rs`, the tests' oracle): punctuation first, against the
//! output written so far (before spacing) on the left and the input on the right, then
//! spacing, against that output.

use crate::swar;

use super::punct::{
    absorbs_space, full_width, is_cjk, is_han, is_hspace, is_quote, protected, separates,
};

/// Output built lazily: `None` until the first change, then the output so far; `last` is the
/// input position copied up to.
struct Out<'a> {
    src: &'a str,
    buf: Option<String>,
    last: usize,
}

impl<'a> Out<'a> {
    fn new(src: &'a str) -> Self {
        Out { src, buf: None, last: 0 }
    }

    /// Replaces `src[start..end]` by `with` (when it differs).
    fn replace(&mut self, start: usize, end: usize, with: &str) {
        if &self.src[start..end] == with {
            return;
        }
        let buf = self.buf.get_or_insert_with(|| String::with_capacity(self.src.len() + 16));
        buf.push_str(&self.src[self.last..start]);
        buf.push_str(with);
        self.last = end;
    }

    /// Output position of input position `i` (at or after `last`).
    fn pos(&self, i: usize) -> usize {
        self.buf.as_ref().map_or(i, |b| b.len() + i - self.last)
    }

    /// The output before input position `i`, last character first.
    fn before(&self, i: usize) -> impl Iterator<Item = char> + '_ {
        let head = self.buf.as_deref().unwrap_or("");
        self.src[self.last..i].chars().rev().chain(head.chars().rev())
    }

    fn finish(mut self) -> Option<String> {
        let mut buf = self.buf.take()?;
        buf.push_str(&self.src[self.last..]);
        Some(buf)
    }
}

/// The first non-space char of `it` on the same line, looking through a quote.
pub(super) fn nearest(it: impl Iterator<Item = char>) -> Option<char> {
    let mut it = it.skip_while(|c| is_hspace(*c));
    let c = it.next()?;
    if c == '\n' {
        return None;
    }
    if is_quote(c) {
        return it.next().filter(|c| *c != '\n').or(Some(c));
    }
    Some(c)
}

/// Whether byte position `i` is inside one of the sorted `spans`, advancing `k` past the
/// spans that end at or before `i` (positions are asked in increasing order).
fn in_spans(spans: &[(usize, usize)], k: &mut usize, i: usize) -> bool {
    while *k < spans.len() && spans[*k].1 <= i {
        *k += 1;
    }
    *k < spans.len() && spans[*k].0 <= i
}

/// Positions of ASCII parentheses that become full-width: a pair becomes full-width when it
/// holds Han text, follows Chinese, or already has one full-width half.
fn full_width_parens(text: &str, spans: &[(usize, usize)]) -> Vec<usize> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    if memchr::memchr2(b'(', b')', b).is_none() {
        return out;
    }
    let mut stack: Vec<usize> = Vec::new();
    let mut k = 0;
    for (i, c) in text.char_indices() {
        if !matches!(c, '(' | '（' | ')' | '）' | '\n') || in_spans(spans, &mut k, i) {
            continue;
        }
        match c {
            '(' | '（' => stack.push(i),
            '\n' => stack.clear(),
            _ => {
                let Some(o) = stack.pop() else { continue };
                let open = text[o..].chars().next().expect("paren");
                let inner_han = text[o + open.len_utf8()..i].chars().any(is_han);
                let mut before = text[..o].chars().rev().filter(|c| !is_hspace(*c));
                let before = match before.next() {
                    Some(q) if is_quote(q) => before.next(),
                    other => other,
                };
                let fw = inner_han
                    || before.is_some_and(|c| c != '\n' && is_cjk(c))
                    || open == '（'
                    || c == '）';
                if fw {
                    out.extend([o, i].into_iter().filter(|p| b[*p] < 0x80));
                }
            }
        }
    }
    out.sort_unstable();
    out
}

/// Whether the line (between newlines) around byte position `i` holds a Han character.
fn line_has_han(text: &str, i: usize) -> bool {
    let b = text.as_bytes();
    let start = memchr::memrchr(b'\n', &b[..i]).map_or(0, |p| p + 1);
    let end = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |p| i + p);
    text[start..end].chars().any(is_han)
}

const ELLIPSIS: &str = "…";

/// Scan table, by byte: 1–4 = a character of that many bytes that a pass never rewrites
/// (skipped whole: Chinese text takes one step per character); the others may start a
/// character a pass rewrites.
const PUNCT_ASCII: u8 = 8;
const SPACE_ASCII: u8 = 9;
/// Lead bytes of `…` (E2 80 A6), no-break space (C2 A0), ideographic space (E3 80 80).
const LEAD_E2: u8 = 10;
const LEAD_C2: u8 = 11;
const LEAD_E3: u8 = 12;

const SCAN: [u8; 256] = {
    let mut t = [1u8; 256];
    let mut i = 0xC0;
    while i < 256 {
        t[i] = if i < 0xE0 {
            2
        } else if i < 0xF0 {
            3
        } else {
            4
        };
        i += 1;
    }
    let punct = b",?:;!().";
    let mut k = 0;
    while k < punct.len() {
        t[punct[k] as usize] = PUNCT_ASCII;
        k += 1;
    }
    t[b' ' as usize] = SPACE_ASCII;
    t[b'\t' as usize] = SPACE_ASCII;
    t[0xE2] = LEAD_E2;
    t[0xC2] = LEAD_C2;
    t[0xE3] = LEAD_E3;
    t
};

/// A character a pass may rewrite.
enum Hit {
    Punct,
    /// Horizontal space, of this many bytes.
    Space(usize),
}

/// Where in the eight bytes of `w` a character a pass rewrites may start: every such
/// character starts with a byte below 0x40 (the ASCII marks and spaces) or with 0xC2, 0xE2
/// or 0xE3, and Han characters (lead bytes 0xE4–0xE9, continuation bytes 0x80–0xBF) have
/// none, so most words of Chinese text are skipped whole. Bit 7 of such a byte is set; the
/// lowest set bit is exact, higher ones may be set for bytes that are not candidates.
#[inline(always)]
fn candidates(w: u64) -> u64 {
    swar::below(w, 0x40) | swar::equal_pair(w, 0xE2) | swar::equal(w, 0xC2)
}

/// The first character at or after byte `i` (a character boundary) that a pass may rewrite.
#[inline]
fn next_hit(b: &[u8], mut i: usize) -> Option<(usize, Hit)> {
    while i < b.len() {
        if let Some(word) = b.get(i..i + 8) {
            let found = candidates(swar::word(word));
            if found == 0 {
                i += 8;
                continue;
            }
            // A candidate byte is ASCII or a lead byte: a character boundary.
            i += found.trailing_zeros() as usize / 8;
        }
        // Here `i` is a candidate, or within the last seven bytes any byte (a continuation
        // byte steps one at a time and is never a hit).
        let tail = |i: usize, x: u8, y: u8| b.get(i + 1) == Some(&x) && b.get(i + 2) == Some(&y);
        match SCAN[b[i] as usize] {
            PUNCT_ASCII => return Some((i, Hit::Punct)),
            SPACE_ASCII => return Some((i, Hit::Space(1))),
            LEAD_E2 if tail(i, 0x80, 0xA6) => return Some((i, Hit::Punct)),
            LEAD_E3 if tail(i, 0x80, 0x80) => return Some((i, Hit::Space(3))),
            LEAD_C2 if b.get(i + 1) == Some(&0xA0) => return Some((i, Hit::Space(2))),
            LEAD_E2 | LEAD_E3 => i += 3,
            LEAD_C2 => i += 2,
            step => i += usize::from(step),
        }
    }
    None
}

/// Whether `text` holds a character a pass can rewrite.
pub(super) fn may_change(text: &str) -> bool {
    next_hit(text.as_bytes(), 0).is_some()
}

/// What the punctuation half of a pass gives the spacing half.
struct Mid {
    /// The output, `None` when unchanged.
    text: Option<String>,
    /// Output ranges of protected spans.
    prot: Vec<(usize, usize)>,
    /// Output positions and lengths of unprotected horizontal space.
    spaces: Vec<(usize, usize)>,
}

/// The punctuation half of a pass.
fn punctuation(text: &str, spans: &[(usize, usize)]) -> Mid {
    let parens = full_width_parens(text, spans);
    let b = text.as_bytes();
    let mut out = Out::new(text);
    let mut prot = Vec::with_capacity(spans.len());
    let mut spaces = Vec::new();
    let (mut i, mut k, mut p, mut prot_end) = (0, 0, 0, 0);
    while let Some((pos, hit)) = next_hit(b, i) {
        // Protected spans starting before this character: recorded (their output position
        // is known, no replacement lies inside them), and skipped when they hold it.
        while k < spans.len() && spans[k].0 <= pos {
            let (s, e) = spans[k];
            let start = out.pos(s);
            prot.push((start, start + e - s));
            prot_end = e;
            k += 1;
        }
        if pos < prot_end {
            i = prot_end;
            continue;
        }
        let next_span = spans.get(k).map_or(usize::MAX, |s| s.0);
        i = match (hit, b[pos]) {
            (Hit::Space(n), _) => {
                spaces.push((out.pos(pos), n));
                pos + n
            }
            (Hit::Punct, b',' | b'?' | b':' | b';' | b'!') => {
                let cjk = nearest(out.before(pos)).is_some_and(is_cjk)
                    || nearest(text[pos + 1..].chars()).is_some_and(is_cjk);
                if cjk {
                    let mut tmp = [0u8; 4];
                    out.replace(pos, pos + 1, full_width(b[pos] as char).encode_utf8(&mut tmp));
                }
                pos + 1
            }
            (Hit::Punct, b'(' | b')') => {
                while p < parens.len() && parens[p] < pos {
                    p += 1;
                }
                if parens.get(p) == Some(&pos) {
                    let mut tmp = [0u8; 4];
                    out.replace(pos, pos + 1, full_width(b[pos] as char).encode_utf8(&mut tmp));
                }
                pos + 1
            }
            (Hit::Punct, _) => dots(text, &mut out, pos, next_span),
        };
    }
    for &(s, e) in &spans[k..] {
        let start = out.pos(s);
        prot.push((start, start + e - s));
    }
    Mid { text: out.finish(), prot, spaces }
}

/// A run of `.` and `…` starting at `i` (stopping at a protected span at `limit`): written
/// with `…` when it is an ellipsis next to Chinese (`ellipsis_of`). Returns the end of the run.
fn dots(text: &str, out: &mut Out, i: usize, limit: usize) -> usize {
    let b = text.as_bytes();
    let (mut j, mut dots, mut n) = (i, 0, 0);
    while j < b.len().min(limit) {
        if b[j] == b'.' {
            dots += 1;
            j += 1;
        } else if b[j..].starts_with(ELLIPSIS.as_bytes()) {
            j += ELLIPSIS.len();
        } else {
            break;
        }
        n += 1;
    }
    let ellipsis = dots < n || dots >= 3;
    if ellipsis {
        let cjk = nearest(out.before(i)).is_some_and(is_cjk)
            || nearest(text[j..].chars()).is_some_and(is_cjk)
            // A broken mix like `…..` anywhere in a Chinese line.
            || (dots > 0 && dots < n && line_has_han(text, i));
        if cjk && dots > 0 {
            out.replace(i, j, ellipsis_of(dots, n - dots));
        }
    }
    j
}

/// An ellipsis of `dots` full stops and `marks` `…` written with `…` only, as long as the
/// author wrote it: three full stops are one `…` (as NFKC reads `…`), so `...` becomes `…`
/// and `......` becomes `……`. Only the characters' width changes, never the ellipsis's
/// length: an author's single `…` stays single, as in the source.
pub(super) fn ellipsis_of(dots: usize, marks: usize) -> &'static str {
    const MARKS: &str = "…………";
    let n = ((dots + 3 * marks + 1) / 3).clamp(1, 4);
    &MARKS[..n * ELLIPSIS.len()]
}

/// Horizontal space at byte `i`: its length, or 0.
fn hspace_at(b: &[u8], i: usize) -> usize {
    match b[i] {
        b' ' | b'\t' => 1,
        0xC2 if b.get(i + 1) == Some(&0xA0) => 2,
        0xE3 if b.get(i + 1..i + 3) == Some(&[0x80, 0x80]) => 3,
        _ => 0,
    }
}

/// The spacing half of a pass: removes runs of horizontal space between two Chinese
/// characters or next to full-width punctuation, and shrinks runs between Chinese and Latin
/// text to one space; `prot` are protected output ranges.
fn spacing(text: &str, prot: &[(usize, usize)], spaces: &[(usize, usize)]) -> Option<String> {
    let b = text.as_bytes();
    let mut out = Out::new(text);
    let (mut i, mut k) = (0, 0);
    for &(pos, n) in spaces {
        if pos < i {
            continue;
        }
        let mut j = pos + n;
        while j < b.len() {
            let n = hspace_at(b, j);
            if n == 0 || in_spans(prot, &mut k, j) {
                break;
            }
            j += n;
        }
        let before = text[..pos].chars().next_back().filter(|c| *c != '\n');
        let after = text[j..].chars().next().filter(|c| *c != '\n');
        match (before, after) {
            (Some(a), Some(c))
                if is_han(a)
                    && is_han(c)
                    && separates(text[..pos].chars().rev(), text[j..].chars()) =>
            {
                out.replace(pos, j, " ")
            }
            (Some(a), Some(c))
                if (is_cjk(a) && is_cjk(c)) || absorbs_space(a) || absorbs_space(c) =>
            {
                out.replace(pos, j, "")
            }
            (Some(a), Some(c)) if is_cjk(a) || is_cjk(c) => out.replace(pos, j, " "),
            _ => {}
        }
        i = j;
    }
    out.finish()
}

/// One left-to-right pass: the new text, or `None` when the pass returns `text` unchanged.
pub(super) fn pass(text: &str) -> Option<String> {
    let spans = protected(text);
    let mid = punctuation(text, &spans);
    let changed = spacing(mid.text.as_deref().unwrap_or(text), &mid.prot, &mid.spaces);
    changed.or(mid.text)
}

/// Normalises punctuation and spacing inside Chinese text: ASCII `, ? : ; !` next to Chinese
/// become `，？：；！`; parentheses holding or following Chinese become `（）`; an ellipsis of
/// full stops next to Chinese is written with `…` (`...` → `…`, `......` → `……`); stray
/// spaces between Chinese characters (and next to full-width punctuation) are removed, a run of spaces that separates items (see
/// `separates`: Han runs of two or more characters on both sides) becomes one space, and
/// runs of spaces between Chinese and Latin text are reduced to one (none is added). English, numbers (`5,000`, `0.25-0.30`, `24/7`, `10:30`),
/// URLs, e-mail addresses and `inline code` are left alone; letters and digits are never
/// width-folded. Idempotent.
pub fn normalize_punct(text: &str) -> String {
    normalize_punct_changed(text).unwrap_or_else(|| text.to_owned())
}

/// [`normalize_punct`], or `None` when it would return `text` unchanged.
pub fn normalize_punct_changed(text: &str) -> Option<String> {
    // A pass only ever rewrites these characters (and removes horizontal space): a text
    // without any of them is its own normal form. Every rewrite also needs a Chinese
    // character or full-width punctuation nearby, so all-ASCII text (English lines) is too.
    if text.is_ascii() || !may_change(text) {
        return None;
    }
    // A pass is a function of its input: an unchanged text is a fixed point, and so is one
    // without a character a pass can rewrite (often the case once the first pass made the
    // punctuation full-width).
    let mut cur = pass(text)?;
    for _ in 0..4 {
        if !may_change(&cur) {
            break;
        }
        match pass(&cur) {
            Some(next) => cur = next,
            None => break,
        }
    }
    (cur != text).then_some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Xorshift;

    fn may_start(b: u8) -> bool {
        b < 0x40 || matches!(b, 0xC2 | 0xE2 | 0xE3)
    }

    /// The first candidate [`candidates`] marks, or 8.
    fn first(w: [u8; 8]) -> usize {
        candidates(swar::word(&w)).trailing_zeros() as usize / 8
    }

    /// Every byte value at every position of a word of bytes that start no hit, and random
    /// words: the lowest mark is the first byte that may start a hit.
    #[test]
    fn the_word_test_marks_the_first_byte_that_may_start_a_hit() {
        for filler in [b'A', b'z', 0x80, 0xA0, 0xBF, 0xC3, 0xE1, 0xE4, 0xFF] {
            for pos in 0..8 {
                for v in 0..=255u8 {
                    let mut w = [filler; 8];
                    w[pos] = v;
                    let want = if may_start(v) { pos } else { 8 };
                    assert_eq!(first(w), want, "byte {v:#x} at {pos} among {filler:#x}");
                }
            }
        }
        let mut rng = Xorshift::default();
        const BYTES: [u8; 12] =
            [0x00, 0x01, 0x20, 0x3F, 0x40, 0x80, 0xC2, 0xC3, 0xE2, 0xE3, 0xE4, 0xFF];
        for _ in 0..100_000 {
            let w: [u8; 8] = std::array::from_fn(|_| BYTES[rng.below(BYTES.len())]);
            let want = w.iter().position(|&b| may_start(b)).unwrap_or(8);
            assert_eq!(first(w), want, "{w:x?}");
        }
    }

    /// The characters a pass may rewrite, found char by char: the reference for `next_hit`.
    fn hits_by_char(text: &str) -> Vec<usize> {
        let rewritable = |c: char| ",?:;!().…".contains(c) || super::super::punct::is_hspace(c);
        text.char_indices().filter(|&(_, c)| rewritable(c)).map(|(i, _)| i).collect()
    }

    #[test]
    fn next_hit_finds_what_a_char_by_char_scan_finds() {
        const ALPHABET: [&str; 16] = [
            "中", "文", "。", "，", "“", "…", "—", "\u{a0}", "\u{3000}", " ", ",", ".", "(", "a",
            "5", "𠀀",
        ];
        let mut rng = Xorshift::default();
        for _ in 0..3000 {
            // Long runs of Han text between the marks, so whole words are skipped.
            let text: String = (0..rng.below(60))
                .map(|_| {
                    ALPHABET[rng.below(ALPHABET.len())].repeat(1 + rng.below(3) * rng.below(4))
                })
                .collect();
            let b = text.as_bytes();
            let mut got = Vec::new();
            let mut i = 0;
            while let Some((pos, _)) = next_hit(b, i) {
                got.push(pos);
                i = pos + text[pos..].chars().next().expect("a char").len_utf8();
            }
            assert_eq!(got, hits_by_char(&text), "{text:?}");
        }
    }
}
