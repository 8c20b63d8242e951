//! The character classes and protected spans (URLs, e-mail, code) that the punctuation and
//! spacing pass (`pass.rs`) reads.

use std::sync::OnceLock;

use regex::Regex;

pub use crate::chars::{is_cjk, is_han};

pub(super) fn is_hspace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{a0}' | '\u{3000}')
}

/// Whether horizontal space between two Han characters separates items rather than being
/// stray: the Han runs on both sides of it are at least two characters long (`夏命群 单霁翔`,
/// `@香港文汇网 阅览`, a headline's two clauses `快問快答 總統談判`), counted in the text
/// before spaces are removed, so the rule is idempotent. In web text such a space
/// is nearly always a separator between names, a handle and the next word, or a heading and
/// what follows it on a flattened line; stray spaces come from letter-spaced text
/// (`这 是 一 个`), where a run on one side is a single character, and from spaces dropped
/// into a word (`自以 為是`), which a dictionary word spanning the space shows (jieba's
/// dictionary, `convert::word_spans_join`). `before` yields the
/// characters before the space, nearest first; `after` those after it.
pub(super) fn separates(
    before: impl Iterator<Item = char>,
    after: impl Iterator<Item = char>,
) -> bool {
    /// Up to WORD Han characters, stopping at the first other one.
    fn run(it: impl Iterator<Item = char>) -> String {
        it.take(WORD).take_while(|c| is_han(*c)).collect()
    }
    const WORD: usize = 4;
    let (b, a) = (run(before), run(after));
    if b.chars().nth(1).is_none() || a.chars().nth(1).is_none() {
        return false;
    }
    let b: String = b.chars().rev().collect();
    !crate::convert::word_spans_join(&b, &a)
}

/// Punctuation that carries its own spacing: spaces next to it are always dropped.
pub(super) fn absorbs_space(c: char) -> bool {
    matches!(c, '，' | '。' | '！' | '？' | '；' | '：' | '、' | '（' | '）' | '…')
}

pub(super) fn is_quote(c: char) -> bool {
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

pub(super) fn full_width(c: char) -> char {
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

#[cfg(test)]
mod tests {
    use super::super::pass::{may_change, normalize_punct, pass};
    use super::*;

    #[test]
    fn basics() {
        assert_eq!(normalize_punct("你好,世界!"), "你好，世界！");
        assert_eq!(normalize_punct("Hello, world!"), "Hello, world!");
        assert_eq!(normalize_punct("共 5,000 元"), "共 5,000 元");
        assert_eq!(normalize_punct("海啸(supersonic tsunami)的"), "海啸（supersonic tsunami）的");
        assert_eq!(normalize_punct("f(x) = 1"), "f(x) = 1");
        assert_eq!(normalize_punct("等等...然后"), "等等…然后");
        assert_eq!(normalize_punct("Wait... what"), "Wait... what");
        assert_eq!(normalize_punct("中 文"), "中文");
        assert_eq!(normalize_punct("XAI 在孟菲斯"), "XAI 在孟菲斯");
        assert_eq!(normalize_punct("XAI在孟菲斯"), "XAI在孟菲斯");
    }

    /// The byte-level pass agrees with the char-by-char original on every line of the
    /// corpus and on hand-made edge cases.
    #[test]
    fn pass_matches_reference() {
        let mut lines: Vec<String> = EDGE_CASES.iter().map(|s| s.to_string()).collect();
        lines.extend(super::super::corpus_texts());
        for line in &lines {
            let want = super::super::punct_ref::pass(line);
            let got = pass(line).unwrap_or_else(|| line.clone());
            assert_eq!(got, want, "{line:?}");
            // What `normalize_punct_changed`'s all-ASCII shortcut relies on.
            if line.is_ascii() {
                assert_eq!(&want, line, "an all-ASCII line changed");
            }
            assert_eq!(
                may_change(line),
                line.chars().any(|c| {
                    matches!(c, ',' | '?' | ':' | ';' | '!' | '(' | ')' | '.' | '…') || is_hspace(c)
                })
            );
        }
    }

    const EDGE_CASES: &[&str] = &[
        "中,,文",
        "中 , 文",
        "“中”,a",
        "a,“中”",
        "中 “ ,x",
        "你好(world)",
        "(中文)",
        "a (b) c",
        "（a)",
        "(a）",
        "((中)",
        "中)(",
        "“中” (x)",
        "中\n(x)",
        "等等...然后",
        "a...b",
        "中…..",
        "…..a",
        "a …..b 中",
        "中..文",
        "中 .. ",
        "中…",
        "中……",
        "中 \u{3000}\u{a0}\t 文",
        "中 a",
        "a  中",
        "a  b",
        "，  中",
        "  中  ",
        "中\n  文",
        "见 https://x.com/a,b 。中,文",
        "中 `a , b` 中",
        "中`x`,中",
        "邮件 a@b.com, 中",
        "www.example.com...中",
        "中(http://x.com/a(b)c) 文",
        "`a` `b`",
        "中 `  ` 文",
        "f(x) = 1",
        "Hello , world ... (ok) !",
        "a  ,  b ;c:d ?  e",
        "共 5,000 元",
        "10:30 开始",
        "中!?",
        "",
        " ",
        ".",
        "…",
    ];

    #[test]
    fn protection_guard_matches_substring_search() {
        for t in ["a://b", "a:/b", "wwww.x", "ww.x", "x@y", "`c`", "WWW.X", "中文:", "w", ":"] {
            let want = t.contains("://") || t.contains("www.") || t.contains(['@', '`']);
            assert_eq!(may_be_protected(t), want, "{t}");
        }
    }
}
