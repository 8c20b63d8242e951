//! HTML input: whole pages, fragments (RSS items, JSONL `text` fields) and HTML lines
//! inside text, turned into the line model the text stages read.
//!
//! Pages are parsed by html5ever (the WHATWG parsing algorithm browsers use, so broken
//! markup is repaired the way a reader saw it). Of a whole page only the article is kept:
//! code, page chrome, hidden elements, widgets named as such and link lists are left out,
//! and a readability-style score picks the block holding the article's paragraphs
//! ([`content`]). What is left out is returned for the audit trail. The page's own
//! metadata (Open Graph, JSON-LD, WeChat's variables) is read too ([`meta`]).
//!
//! Text comes out as the markdown page exporters write ([`render`]), every line with the
//! span of HTML source lines it came from.

mod content;
mod dom;
mod feed;
mod meta;
mod render;
mod standin;

use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

pub use content::Drop;
pub use meta::PageMeta;
pub use render::Removed;

use crate::document::Line;
use dom::Dom;
use render::Renderer;

/// Whether a document is read as HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HtmlMode {
    /// From the text itself: a page (`<!DOCTYPE html>`, `<html>`), a fragment (block tags
    /// on most lines), or text whose lines holding HTML tags are read as HTML one by one.
    #[default]
    Auto,
    /// Always HTML: a page when it looks like one, else a fragment.
    Always,
    /// Never: the text is taken as it is.
    Never,
}

/// What the text of a document is, as HTML goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A whole page: only its article is kept.
    Page,
    /// Markup throughout but no page around it (an RSS item's body): all of it is kept but
    /// chrome, widgets and link lists.
    Fragment,
    /// Text, with some lines holding HTML tags.
    Text,
    /// An RSS or Atom feed: every item's title and HTML body are kept, in order
    /// ([`feed`]).
    Feed,
}

/// How `text` is to be read under `mode`.
pub fn shape(text: &str, mode: HtmlMode) -> Shape {
    if mode == HtmlMode::Never {
        return Shape::Text;
    }
    let head = text.get(..text.len().min(2048)).unwrap_or(text);
    let head = head.trim_start_matches('\u{feff}').trim_start().to_ascii_lowercase();
    if feed::is_feed(&head) {
        return Shape::Feed;
    }
    let page = head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || (head.starts_with("<?xml") && head.contains("<html"))
        || (head.starts_with("<!--") && head.contains("<html"))
        || (head.starts_with("<head") && head.contains("<body"));
    if page {
        return Shape::Page;
    }
    if mode == HtmlMode::Always {
        return Shape::Fragment;
    }
    // A fragment: block tags on at least every other non-blank line (an RSS item's body is
    // often one line of `<p>`s), unlike markdown or text with a tag here and there. Lines are
    // counted, not tags: a text post with `<BR>` line breaks inside one paragraph is text
    // whose lines mean something, not HTML whose newlines are spaces.
    let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
    let (mut blocks, mut tagged_lines, mut last_end) = (0, 0, None);
    for m in block_tag_re().find_iter(text).take(lines.max(3) * 2) {
        blocks += 1;
        let new_line = last_end.is_none_or(|e: usize| text[e..m.start()].contains('\n'));
        tagged_lines += usize::from(new_line);
        last_end = Some(m.end());
    }
    if blocks >= 3 && tagged_lines * 2 >= lines {
        Shape::Fragment
    } else {
        Shape::Text
    }
}

fn block_tag_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)</?(?:p|div|br|h[1-6]|li|ul|ol|table|tr|td|section|article|blockquote|figure|pre)\b[^<>]*>")
            .expect("valid regex")
    })
}

/// A line of text that holds HTML elements: known tag names only, so `<你好>`, `a < b`
/// and `<https://…>` are text.
fn tag_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)</?(?:p|div|br|span|a|img|h[1-6]|ul|ol|li|table|tr|td|th|section|article|strong|b|em|i|u|ins|del|s|font|figure|figcaption|blockquote|pre|sup|sub|center|hr|iframe|video|audio|source|script|style|mp-[a-z-]+|section)(?:\s[^<>]*)?/?>",
        )
        .expect("valid regex")
    })
}

/// `<br>`, `<BR/>`, `<br />`: a line break.
fn is_br(tag: &str) -> bool {
    let t = tag.trim_start_matches('<').trim_end_matches('>').trim_end_matches('/').trim();
    t.eq_ignore_ascii_case("br")
}

fn br_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)<br\s*/?>").expect("valid regex"))
}

/// A document's text read as HTML.
#[derive(Debug, Default)]
pub struct HtmlText {
    pub lines: Vec<Line>,
    pub meta: PageMeta,
    /// Subtrees left out, for the audit trail (scripts and styles are only counted).
    pub removed: Vec<Removed>,
    /// Scripts and styles left out.
    pub code_blocks: usize,
    /// Targets of links whose text was kept.
    pub links: Vec<String>,
}

/// Markup nested deeper than the parser is given (see [`dom::MAX_DEPTH`]): the text is
/// kept as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep {
    pub depth: usize,
}

/// Fewer characters of article than this (next to none: a page whose wrapper's class
/// names a widget), and the page is read again without trusting class and id names. A
/// short article is not a reason: the widgets' own text would then win.
const MIN_ARTICLE_CHARS: usize = 50;

/// Reads a page or fragment.
pub fn convert(text: &str, shape: Shape) -> Result<HtmlText, TooDeep> {
    if shape == Shape::Feed {
        return feed::convert_feed(text);
    }
    let depth = dom::nesting(text);
    if depth > dom::MAX_DEPTH {
        return Err(TooDeep { depth });
    }
    let dom = match shape {
        Shape::Page => standin::parse_page(text),
        _ => Dom::parse_fragment(text),
    };
    let mut analysis = content::analyse(&dom, true);
    let mut r = Renderer::default();
    let root = dom.find("body").unwrap_or(0);
    let mut main = if shape == Shape::Page { content::main_content(&dom, &analysis) } else { None };
    // Class names mislead sometimes (a page wrapped in `share-area`): when they leave next
    // to nothing, try again without reading them, as Readability does.
    let found = |m: &Option<Vec<usize>>, a: &content::Analysis| {
        m.as_ref().map_or(a.counts[root].chars, |m| m.iter().map(|&n| a.counts[n].chars).sum())
    };
    if found(&main, &analysis) < MIN_ARTICLE_CHARS {
        let retry = content::analyse(&dom, false);
        let retry_main =
            if shape == Shape::Page { content::main_content(&dom, &retry) } else { None };
        // Twice as much text, at least: not just the widgets' own words added back.
        if found(&retry_main, &retry) >= 2 * found(&main, &analysis).max(50) {
            (analysis, main) = (retry, retry_main);
        }
    }
    match main {
        Some(main) => {
            // Everything under <body> that is neither in the article nor around it is
            // left out, as whole subtrees.
            let mut around = vec![false; dom.nodes.len()];
            for &m in &main {
                let mut up = dom.nodes[m].parent;
                while let Some(p) = up {
                    around[p] = true;
                    up = dom.nodes[p].parent;
                }
            }
            let mut stack = vec![root];
            while let Some(id) = stack.pop() {
                if main.contains(&id) {
                    r.render(&dom, &analysis, &[id]);
                } else if around[id] {
                    stack.extend(dom.nodes[id].children.iter().rev());
                } else {
                    let why = analysis.drop[id].unwrap_or(Drop::OutsideMain);
                    r.remove(&dom, id, why);
                }
            }
        }
        None => r.render(&dom, &analysis, &[root]),
    }
    let code_blocks = dom
        .descendants(0)
        .filter(|&n| matches!(dom.tag(n), "script" | "style") && dom.nodes[n].parent.is_some())
        .count();
    Ok(HtmlText {
        lines: r.lines,
        meta: if shape == Shape::Page { meta::read(&dom) } else { PageMeta::default() },
        removed: r.removed,
        code_blocks,
        links: r.links,
    })
}

/// Lines of text that hold HTML tags, each read as a fragment of its own: the pieces keep
/// the line's span. Fenced code blocks and lines with code spans are left alone. Returns
/// `None` when no line holds a tag.
pub fn convert_lines(lines: &[Line]) -> Option<HtmlText> {
    let mut fenced = false;
    let holds_tag = |l: &Line| !l.text.contains('`') && tag_re().is_match(&l.text);
    if !lines.iter().any(holds_tag) {
        return None;
    }
    let mut out = HtmlText::default();
    for line in lines {
        if line.text.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        if fenced || !holds_tag(line) {
            out.lines.push(line.clone());
            continue;
        }
        // A line broken only by `<br>` (a forum post hard-wrapped with `<BR>`) is lines of
        // one paragraph: they follow each other with no blank between, as the text's own
        // wrapped lines do, and layout repair rejoins them.
        if tag_re().find_iter(&line.text).all(|m| is_br(m.as_str())) {
            for part in br_re().split(&line.text) {
                out.lines.push(Line::new(part.trim_end(), line.src));
            }
            continue;
        }
        let Ok(piece) = convert(&line.text, Shape::Fragment) else {
            out.lines.push(line.clone());
            continue;
        };
        let mut first = true;
        for mut l in piece.lines {
            if l.text.is_empty() {
                continue;
            }
            if !first {
                out.lines.push(Line::new("", line.src));
            }
            first = false;
            l.src = line.src;
            out.lines.push(l);
        }
        if first {
            // The line held only markup: it stays, empty, so paragraphs stay apart.
            out.lines.push(Line::new("", line.src));
        }
        for mut r in piece.removed {
            r.span = line.src;
            out.removed.push(r);
        }
        out.links.extend(piece.links);
    }
    Some(out)
}

#[cfg(test)]
mod tests;
