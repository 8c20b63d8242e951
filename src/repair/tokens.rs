//! Splits a damaged line into the units the reconstruction reasons about.

use super::pinyin_idx::{pinyin_index, Syllable};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// An observed character that went through the decoder as one unit.
    Char(char),
    /// `(py)` after the annotated character: injected, carries no text.
    Gloss(Syllable),
    /// `?py)`: a lead byte lost with the gloss's `(`.
    ErrGloss(Syllable),
    /// A bare `?`: a real question mark, or a lead byte lost with the ASCII byte after it.
    Q,
    /// `?` right before `/p>`: a lost byte plus the swallowed `<` of `</p>`.
    ResidueQ,
    /// The `/p>` left of `</p>`: a paragraph break.
    Residue,
}

#[derive(Debug, Clone)]
pub struct Tok {
    pub unit: Unit,
    /// Char columns `[start, end)` in the input line.
    pub start: usize,
    pub end: usize,
}

fn is_pinyin_letter(c: char) -> bool {
    c.is_ascii_lowercase() || matches!(c, '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}')
}

/// If `chars[i..]` starts with `syllable)`, the syllable and the index after `)`. Most `(`
/// and `?` in a document are not glosses: the letters are checked before any lookup.
pub fn syllable_at(chars: &[char], i: usize) -> Option<(Syllable, usize)> {
    let mut j = i;
    while j < chars.len() && j - i < 7 && is_pinyin_letter(chars[j]) {
        j += 1;
    }
    if j == i || chars.get(j) != Some(&')') {
        return None;
    }
    let mut buf = [0u8; 32];
    let py = pinyin_index().syllable(spell(&chars[i..j], &mut buf))?;
    Some((py, j + 1))
}

/// Writes up to seven letters (at most 4 bytes each) into `buf`.
fn spell<'a>(cs: &[char], buf: &'a mut [u8; 32]) -> &'a str {
    let mut n = 0;
    for c in cs {
        n += c.encode_utf8(&mut buf[n..]).len();
    }
    std::str::from_utf8(&buf[..n]).unwrap_or_default()
}

/// How far from a one-letter label its neighbour label is looked for (chars): options sit
/// on one line, close together, and a bounded look keeps long lines of `(a)` linear.
const LABEL_WINDOW: usize = 80;

/// Whether the one-letter "syllable" at `i` (`a`, `e`, `o`: pinyin of 啊, 额, 哦) is a
/// list or quiz label: the letter before or after it in the alphabet is a label too
/// (`?a)六点 b)七点`, `(a)因为 (b)所以`, `(d)… (e)`), within [`LABEL_WINDOW`] chars. An
/// annotator glosses characters, never a run of letters in order.
fn is_label(chars: &[char], i: usize) -> bool {
    let c = chars[i];
    if chars.get(i + 1) != Some(&')') || !c.is_ascii_lowercase() {
        return false;
    }
    let near = |l: u8| {
        let l = char::from(l);
        let (a, b) = (i.saturating_sub(LABEL_WINDOW), (i + LABEL_WINDOW).min(chars.len()));
        (a..b.saturating_sub(1)).any(|k| {
            k != i
                && chars[k] == l
                && chars[k + 1] == ')'
                && (k == 0 || !chars[k - 1].is_alphanumeric())
        })
    };
    let l = c as u8;
    (l > b'a' && near(l - 1)) || (l < b'z' && near(l + 1))
}

pub fn tokenize(chars: &[char]) -> Vec<Tok> {
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let (unit, end) = match chars[i] {
            '(' => match syllable_at(chars, i + 1) {
                Some((py, e)) if !is_label(chars, i + 1) => (Unit::Gloss(py), e),
                _ => (Unit::Char('('), i + 1),
            },
            '?' => match syllable_at(chars, i + 1) {
                Some((py, e)) if !is_label(chars, i + 1) => (Unit::ErrGloss(py), e),
                Some(_) => (Unit::Q, i + 1),
                None if chars[i + 1..].starts_with(&['/', 'p', '>']) => (Unit::ResidueQ, i + 1),
                None => (Unit::Q, i + 1),
            },
            '/' if i > 0
                && chars[i - 1] == '?'
                && out.last().is_some_and(|t: &Tok| t.unit == Unit::ResidueQ) =>
            {
                (Unit::Residue, i + 3)
            }
            c => (Unit::Char(c), i + 1),
        };
        out.push(Tok { unit, start: i, end });
        i = end;
    }
    out
}
