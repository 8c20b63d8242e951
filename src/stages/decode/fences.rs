//! Markdown fenced code blocks in text input: each becomes one line of kind
//! [`BlockKind::Code`], as an HTML `<pre>` does, so that later stages leave it as written.

use crate::document::{BlockKind, Line};

/// An opening or closing fence: three or more backticks or tildes after at most three
/// spaces (CommonMark). Returns the fence character and its length.
fn fence(text: &str) -> Option<(char, usize)> {
    let rest = text.trim_start_matches(' ');
    if text.len() - rest.len() > 3 {
        return None;
    }
    let c = rest.chars().next().filter(|&c| c == '`' || c == '~')?;
    let n = rest.len() - rest.trim_start_matches(c).len();
    // A backtick fence's info string never holds a backtick (then it is inline code).
    let info_ok = c == '~' || !rest[n..].contains('`');
    (n >= 3 && info_ok).then_some((c, n))
}

/// Whether `text` closes a block opened by `open`: the same character, at least as many,
/// and nothing after.
fn closes(text: &str, open: (char, usize)) -> bool {
    fence(text).is_some_and(|(c, n)| c == open.0 && n >= open.1)
        && text.trim().chars().all(|c| c == open.0)
}

/// Whether a fenced block's lines read as code: at least half of their visible characters
/// are ASCII. WeChat exporters fence styled boxes of prose (`更多精彩推荐`, `点分享` …):
/// those stay text, for strip to read like any other line.
fn reads_as_code(lines: &[Line]) -> bool {
    let (mut ascii, mut all) = (0usize, 0usize);
    for c in lines.iter().flat_map(|l| l.text.chars()).filter(|c| !c.is_whitespace()) {
        all += 1;
        ascii += usize::from(c.is_ascii());
    }
    2 * ascii >= all
}

/// Folds every closed fenced block of `lines` that reads as code into one code line (its
/// lines joined by `\n`, the fences left out, the span covering both fences). A fence that
/// never closes is left as text: a stray run of backticks in a scraped page must not
/// swallow the article. Returns the number of blocks folded.
pub fn fold(lines: &mut Vec<Line>) -> usize {
    if !lines.iter().any(|l| fence(&l.text).is_some()) {
        return 0;
    }
    let mut out = Vec::with_capacity(lines.len());
    let mut folded = 0;
    let mut input = std::mem::take(lines).into_iter().peekable();
    let mut pending: Vec<Line> = Vec::new();
    while let Some(line) = input.next() {
        let Some(open) = fence(&line.text) else {
            out.push(line);
            continue;
        };
        pending.clear();
        let mut closed = None;
        for next in input.by_ref() {
            if closes(&next.text, open) {
                closed = Some(next);
                break;
            }
            pending.push(next);
        }
        match closed {
            Some(end) if reads_as_code(&pending) => {
                let text: Vec<&str> = pending.iter().map(|l| l.text.trim_end()).collect();
                let mut code = Line::new(text.join("\n"), line.src.join(end.src));
                code.kind = Some(BlockKind::Code);
                out.push(code);
                folded += 1;
            }
            Some(end) => {
                out.push(line);
                out.append(&mut pending);
                out.push(end);
            }
            None => {
                out.push(line);
                out.append(&mut pending);
            }
        }
    }
    *lines = out;
    folded
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Span;

    fn lines(text: &str) -> Vec<Line> {
        text.lines().enumerate().map(|(i, l)| Line::new(l, Span::line(i as u32 + 1))).collect()
    }

    #[test]
    fn a_fenced_block_is_one_code_line_with_its_indentation() {
        let mut ls = lines("看代码：\n```python\ndef f():\n    return 1\n```\n完。");
        assert_eq!(fold(&mut ls), 1);
        let texts: Vec<_> = ls.iter().map(|l| (l.text.as_str(), l.kind)).collect();
        assert_eq!(
            texts,
            [("看代码：", None), ("def f():\n    return 1", Some(BlockKind::Code)), ("完。", None)]
        );
        assert_eq!(ls[1].src, Span { first: 2, last: 5 });
    }

    #[test]
    fn an_unclosed_fence_and_inline_code_stay_text() {
        let mut ls = lines("```\n正文一。\n正文二。");
        assert_eq!(fold(&mut ls), 0);
        assert_eq!(ls.len(), 3);
        let mut ls = lines("```a``` 是行内代码\n正文。\n```\n");
        assert_eq!(fold(&mut ls), 0);
        // A longer closing fence closes; a shorter one or another character does not.
        let mut ls = lines("````\n```\n~~~\n`````");
        assert_eq!(fold(&mut ls), 1);
        assert_eq!(ls[0].text, "```\n~~~");
    }

    #[test]
    fn a_fenced_box_of_prose_stays_text() {
        // An exporter's styled box (a related-reading list, share prompts) is no code.
        let mut ls =
            lines("正文。\n```\n更多精彩推荐\n☞读懂深度迁移学习\n```\n```\n点分享\n点在看\n```");
        assert_eq!(fold(&mut ls), 0);
        assert_eq!(ls.len(), 9);
        assert!(ls.iter().all(|l| l.kind.is_none()));
        // Code with Chinese comments and strings is still code.
        let mut ls =
            lines("```\n# 关注公众号\nprint('我是第一个回调函数')\nif not data:\n    return\n```");
        assert_eq!(fold(&mut ls), 1);
        assert_eq!(ls[0].kind, Some(BlockKind::Code));
    }
}
