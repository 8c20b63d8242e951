//! The original, char-vector implementation of one punctuation pass, kept as the oracle of
//! the byte-level pass in `pass.rs` (tests only).

use super::pass::nearest;
use super::punct::{
    absorbs_space, full_width, is_cjk, is_han, is_hspace, is_quote, protected, separates,
};

/// Nearest non-space char before the end of `out` on the same line, looking through a
/// closing quote to the text it closes.
fn prev_ctx(out: &[(char, bool)]) -> Option<char> {
    nearest(out.iter().rev().map(|p| p.0))
}

/// Nearest non-space char after `i` on the same line, looking through an opening quote.
fn next_ctx(chars: &[char], i: usize) -> Option<char> {
    nearest(chars[i + 1..].iter().copied())
}

/// One left-to-right pass.
pub(super) fn pass(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut prot = vec![false; chars.len()];
    let spans = protected(text);
    if !spans.is_empty() {
        let mut byte_to_char = vec![0; text.len() + 1];
        for (ci, (bi, _)) in text.char_indices().enumerate() {
            byte_to_char[bi] = ci;
        }
        byte_to_char[text.len()] = chars.len();
        for (s, e) in spans {
            prot[byte_to_char[s]..byte_to_char[e]].fill(true);
        }
    }
    // Pair parentheses; a pair becomes full-width when it holds Han text, follows Chinese,
    // or already has one full-width half.
    let mut paren_fw = vec![false; chars.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if prot[i] {
            continue;
        }
        match c {
            '(' | '（' => stack.push(i),
            ')' | '）' => {
                if let Some(o) = stack.pop() {
                    let inner_han = chars[o + 1..i].iter().any(|c| is_han(*c));
                    let mut before = chars[..o].iter().rev().copied().filter(|c| !is_hspace(*c));
                    let before = match before.next() {
                        Some(q) if is_quote(q) => before.next(),
                        other => other,
                    };
                    let fw = inner_han
                        || before.is_some_and(|c| c != '\n' && is_cjk(c))
                        || chars[o] == '（'
                        || c == '）';
                    paren_fw[o] = fw;
                    paren_fw[i] = fw;
                }
            }
            '\n' => stack.clear(),
            _ => {}
        }
    }
    let mut out: Vec<(char, bool)> = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if prot[i] {
            out.push((c, true));
            i += 1;
            continue;
        }
        match c {
            ',' | '?' | ':' | ';' | '!' => {
                let prev = prev_ctx(&out);
                let next = next_ctx(&chars, i);
                let cjk = prev.is_some_and(is_cjk) || next.is_some_and(is_cjk);
                out.push((if cjk { full_width(c) } else { c }, false));
            }
            '(' | ')' => out.push((if paren_fw[i] { full_width(c) } else { c }, false)),
            '.' | '…' => {
                let mut j = i;
                while j < chars.len() && matches!(chars[j], '.' | '…') && !prot[j] {
                    j += 1;
                }
                let run = &chars[i..j];
                let dots = run.iter().filter(|c| **c == '.').count();
                let ellipsis = dots < run.len() || dots >= 3;
                let cjk = prev_ctx(&out).is_some_and(is_cjk)
                    || next_ctx(&chars, j - 1).is_some_and(is_cjk)
                    // A broken mix like `…..` anywhere in a Chinese line.
                    || (dots > 0 && dots < run.len() && line_has_han(&chars, i));
                if ellipsis && cjk && dots > 0 {
                    let marks = super::pass::ellipsis_of(dots, run.len() - dots);
                    out.extend(marks.chars().map(|c| (c, false)));
                } else {
                    out.extend(run.iter().map(|c| (*c, false)));
                }
                i = j;
                continue;
            }
            _ => out.push((c, false)),
        }
        i += 1;
    }
    collapse_spaces(&out)
}

fn line_has_han(chars: &[char], i: usize) -> bool {
    let before = chars[..i].iter().rev().take_while(|c| **c != '\n');
    let after = chars[i..].iter().take_while(|c| **c != '\n');
    before.chain(after).any(|c| is_han(*c))
}

/// Removes runs of horizontal space between two Chinese characters or next to full-width
/// punctuation, and shrinks runs between Chinese and Latin text to one space. Leading and
/// trailing space of a line and space between non-Chinese text are left alone.
fn collapse_spaces(out: &[(char, bool)]) -> String {
    let mut s = String::with_capacity(out.len() * 3);
    let mut i = 0;
    while i < out.len() {
        let (c, prot) = out[i];
        if !is_hspace(c) || prot {
            s.push(c);
            i += 1;
            continue;
        }
        let mut j = i;
        while j < out.len() && is_hspace(out[j].0) && !out[j].1 {
            j += 1;
        }
        let before = i.checked_sub(1).map(|k| out[k].0).filter(|c| *c != '\n');
        let after = out.get(j).map(|p| p.0).filter(|c| *c != '\n');
        match (before, after) {
            (Some(a), Some(b))
                if is_han(a)
                    && is_han(b)
                    && separates(
                        out[..i].iter().rev().map(|p| p.0),
                        out[j..].iter().map(|p| p.0),
                    ) =>
            {
                s.push(' ')
            }
            (Some(a), Some(b))
                if (is_cjk(a) && is_cjk(b)) || absorbs_space(a) || absorbs_space(b) => {}
            (Some(a), Some(b)) if is_cjk(a) || is_cjk(b) => s.push(' '),
            _ => out[i..j].iter().for_each(|p| s.push(p.0)),
        }
        i = j;
    }
    s
}
