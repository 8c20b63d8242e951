//! Punctuation and spacing normalisation for Chinese text.

use std::sync::OnceLock;

use regex::Regex;

/// A Han ideograph or kana.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F
        | 0x3040..=0x30FF | 0x3005 | 0x3007)
}

/// Full-width (CJK) punctuation: CJK symbols block, full-width forms that are not letters or
/// digits, and the ellipsis / em dash used in Chinese.
pub fn is_cjk_punct(c: char) -> bool {
    matches!(c as u32,
        0x3001..=0x3004 | 0x3008..=0x303F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20
        | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65 | 0x2026 | 0x2014)
}

fn is_cjk(c: char) -> bool {
    is_han(c) || is_cjk_punct(c)
}

fn is_hspace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{a0}' | '\u{3000}')
}

/// Punctuation that carries its own spacing: spaces next to it are always dropped.
fn absorbs_space(c: char) -> bool {
    matches!(c, '，' | '。' | '！' | '？' | '；' | '：' | '、' | '（' | '）' | '…')
}

fn is_quote(c: char) -> bool {
    matches!(c, '“' | '”' | '‘' | '’' | '"')
}

/// Spans never touched: URLs, e-mail addresses, `inline code` (byte ranges).
pub(crate) fn protected(text: &str) -> Vec<(usize, usize)> {
    // Most lines hold none of these; skipping the regex for them is most of the stage's speed.
    if !may_be_protected(text) {
        return Vec::new();
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        // ASCII word boundaries: URLs start with ASCII letters, and a Unicode `\b` would
        // force the slow backtracking engine on every line.
        Regex::new(concat!(
            r"`[^`\n]+`",
            r#"|(?i:(?-u:\b)(?:https?|ftp)://|(?-u:\b)www\.)[^\s<>"'，。！？；：、（）「」『』“”‘’《》]+"#,
            r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",
        ))
        .expect("valid regex")
    });
    re.find_iter(text)
        .map(|m| {
            let s = m.as_str();
            let mut end = s.len();
            // Sentence punctuation after a URL is not part of it; a ')' only when unbalanced.
            while let Some(c) = s[..end].chars().last() {
                let opens = s[..end].matches('(').count();
                let closes = s[..end].matches(')').count();
                if ".,;:!?'\"".contains(c) || (c == ')' && closes > opens) {
                    end -= 1;
                } else {
                    break;
                }
            }
            (m.start(), m.start() + end)
        })
        .collect()
}

/// Whether `text` contains `://`, `www.`, `@` or a backtick: one scan of the bytes instead
/// of four substring searches
/// (memchr: vectorised, and Chinese text has few of these bytes).
fn may_be_protected(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr2(b'@', b'`', b).is_some()
        || memchr::memchr_iter(b':', b).any(|i| b[i + 1..].starts_with(b"//"))
        || memchr::memchr_iter(b'w', b).any(|i| b[i + 1..].starts_with(b"ww."))
}

/// Nearest non-space char before the end of `out` on the same line, looking through a
/// closing quote to the text it closes.
fn prev_ctx(out: &[(char, bool)]) -> Option<char> {
    nearest(out.iter().rev().map(|p| p.0))
}

/// Nearest non-space char after `i` on the same line, looking through an opening quote.
fn next_ctx(chars: &[char], i: usize) -> Option<char> {
    nearest(chars[i + 1..].iter().copied())
}

/// The first non-space char of `it` on the same line, looking through a quote.
fn nearest(it: impl Iterator<Item = char>) -> Option<char> {
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

fn full_width(c: char) -> char {
    match c {
        ',' => '，',
        '?' => '？',
        ':' => '：',
        ';' => '；',
        '!' => '！',
        '(' => '（',
        ')' => '）',
        other => other,
    }
}

/// One left-to-right pass; [`normalize_punct`] repeats it to a fixed point.
fn pass(text: &str) -> String {
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
                if ellipsis && cjk {
                    out.extend([('…', false), ('…', false)]);
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
                if (is_cjk(a) && is_cjk(b)) || absorbs_space(a) || absorbs_space(b) => {}
            (Some(a), Some(b)) if is_cjk(a) || is_cjk(b) => s.push(' '),
            _ => out[i..j].iter().for_each(|p| s.push(p.0)),
        }
        i = j;
    }
    s
}

/// Normalises punctuation and spacing inside Chinese text: ASCII `, ? : ; !` next to Chinese
/// become `，？：；！`; parentheses holding or following Chinese become `（）`; `...` and `…..`
/// next to Chinese become `……`; stray spaces between Chinese characters (and next to
/// full-width punctuation) are removed, and runs of spaces between Chinese and Latin text are
/// reduced to one (none is added). English, numbers (`5,000`, `0.25-0.30`, `24/7`, `10:30`),
/// URLs, e-mail addresses and `inline code` are left alone; letters and digits are never
/// width-folded. Idempotent.
pub fn normalize_punct(text: &str) -> String {
    normalize_punct_changed(text).unwrap_or_else(|| text.to_owned())
}

/// [`normalize_punct`], or `None` when it would return `text` unchanged.
pub fn normalize_punct_changed(text: &str) -> Option<String> {
    // A pass only ever rewrites these characters (and removes horizontal space): a text
    // without any of them is its own normal form.
    if !text
        .chars()
        .any(|c| matches!(c, ',' | '?' | ':' | ';' | '!' | '(' | ')' | '.' | '…') || is_hspace(c))
    {
        return None;
    }
    let mut cur = pass(text);
    // A pass is a function of its input: an unchanged text is a fixed point.
    if cur == text {
        return None;
    }
    for _ in 0..4 {
        let next = pass(&cur);
        if next == cur {
            break;
        }
        cur = next;
    }
    (cur != text).then_some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basics() {
        assert_eq!(normalize_punct("你好,世界!"), "你好，世界！");
        assert_eq!(normalize_punct("Hello, world!"), "Hello, world!");
        assert_eq!(normalize_punct("共 5,000 元"), "共 5,000 元");
        assert_eq!(normalize_punct("海啸(supersonic tsunami)的"), "海啸（supersonic tsunami）的");
        assert_eq!(normalize_punct("f(x) = 1"), "f(x) = 1");
        assert_eq!(normalize_punct("等等...然后"), "等等……然后");
        assert_eq!(normalize_punct("Wait... what"), "Wait... what");
        assert_eq!(normalize_punct("中 文"), "中文");
        assert_eq!(normalize_punct("XAI 在孟菲斯"), "XAI 在孟菲斯");
        assert_eq!(normalize_punct("XAI在孟菲斯"), "XAI在孟菲斯");
    }

    #[test]
    fn protection_guard_matches_substring_search() {
        for t in ["a://b", "a:/b", "wwww.x", "ww.x", "x@y", "`c`", "WWW.X", "中文:", "w", ":"] {
            let want = t.contains("://") || t.contains("www.") || t.contains(['@', '`']);
            assert_eq!(may_be_protected(t), want, "{t}");
        }
    }
}
