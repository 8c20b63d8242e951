//! RSS 2.0, RSS 1.0 (RDF) and Atom feeds whose items carry HTML bodies.
//!
//! A feed file is read as one document: the channel's title is the document's title, and
//! every item becomes a section, its title as a `##` heading followed by its body (the
//! item's `content:encoded` or `content`, else `description` or `summary`) rendered as an
//! HTML fragment. Channel furniture (subtitle, rights, generator) and item metadata (ids,
//! authors' profile URIs) are not text; items' links go to the document's links.
//!
//! Feeds are XML, not HTML: a body is either a CDATA section or entity-escaped markup, so
//! it is unwrapped before the HTML parser sees it (html5ever would read `<![CDATA[` in a
//! body as a comment). Unwrapping keeps every newline, so each body's lines keep their
//! source lines in the feed file.

use std::sync::OnceLock;

use regex::Regex;

use super::{convert, HtmlText, Shape, TooDeep};
use crate::document::{Line, Span};

/// Whether `head` (the start of a document, trimmed, lower-cased) opens a feed.
pub fn is_feed(head: &str) -> bool {
    let opens = head.starts_with("<?xml") || head.starts_with("<rss") || head.starts_with("<feed");
    let root = head.contains("<rss")
        || head.contains("<rdf:rdf")
        || (head.contains("<feed") && head.contains("http://www.w3.org/2005/atom"));
    opens && root && !head.contains("<html")
}

fn item_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?s)<(item|entry)(?:\s[^>]*)?>(.*?)</(?:item|entry)\s*>").expect("valid regex")
    })
}

/// An element of an item: `(attributes, inner text)` of the first `<name …>…</name>`.
fn element<'a>(xml: &'a str, name: &str) -> Option<(&'a str, &'a str, usize)> {
    let open = format!("<{name}");
    let mut from = 0;
    while let Some(at) = xml[from..].find(&open).map(|i| from + i) {
        let after = &xml[at + open.len()..];
        // `<content` must not match `<content:encoded>` or `<contentType>`.
        match after.chars().next() {
            Some(c) if c == '>' || c == '/' || c.is_whitespace() => {}
            _ => {
                from = at + open.len();
                continue;
            }
        }
        let end_of_tag = after.find('>')?;
        let attrs = &after[..end_of_tag];
        if attrs.ends_with('/') {
            return Some((attrs, "", at));
        }
        let inner_at = at + open.len() + end_of_tag + 1;
        let close = format!("</{name}>");
        let inner_end = xml[inner_at..].find(&close).map(|i| inner_at + i)?;
        return Some((attrs, &xml[inner_at..inner_end], inner_at));
    }
    None
}

/// The character data of an element's content: CDATA sections as they are, the rest with
/// XML's entities decoded (an escaped body is HTML once decoded). Newlines are kept.
fn character_data(inner: &str) -> String {
    let mut out = String::with_capacity(inner.len());
    let mut rest = inner;
    while let Some(at) = rest.find("<![CDATA[") {
        out.push_str(&unescape(&rest[..at]));
        let body = &rest[at + 9..];
        let end = body.find("]]>").unwrap_or(body.len());
        out.push_str(&body[..end]);
        rest = body.get(end + 3..).unwrap_or("");
    }
    out.push_str(&unescape(rest));
    out
}

fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let semi = tail.find(';').filter(|&i| i <= 10);
        let decoded = semi.and_then(|i| {
            let ent = &tail[1..i];
            let c = match ent {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ if ent.starts_with("#x") || ent.starts_with("#X") => {
                    u32::from_str_radix(&ent[2..], 16).ok().and_then(char::from_u32)
                }
                _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, i + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Text of a title-like element: markup inside it (Atom's `type="html"` titles) dropped.
fn plain(inner: &str) -> String {
    let data = character_data(inner);
    let mut out = String::with_capacity(data.len());
    let mut in_tag = false;
    for c in data.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    super::dom::fold_space(&out)
}

/// Counts lines incrementally: the 1-based line of ever-increasing byte offsets.
struct LineCounter<'a> {
    text: &'a str,
    at: usize,
    line: u32,
}

impl LineCounter<'_> {
    fn line_of(&mut self, offset: usize) -> u32 {
        let offset = offset.max(self.at);
        self.line +=
            memchr::memchr_iter(b'\n', &self.text.as_bytes()[self.at..offset]).count() as u32;
        self.at = offset;
        self.line
    }
}

/// Reads a feed: the channel title as the page title, each item as a heading and its body.
pub fn convert_feed(text: &str) -> Result<HtmlText, TooDeep> {
    let mut out = HtmlText::default();
    let mut lines = LineCounter { text, at: 0, line: 1 };
    let first_item = item_re().find(text).map_or(text.len(), |m| m.start());
    if let Some((_, inner, _)) = element(&text[..first_item], "title") {
        out.meta.title = Some(plain(inner)).filter(|t| !t.is_empty());
    }
    for m in item_re().find_iter(text) {
        // The body is what lies between the opening tag's `>` (its attributes hold none) and
        // the closing tag's `</` (the last one of the match): found from the match, since
        // asking the regex for its groups ran a slower engine over every item again.
        let whole = m.as_str();
        let start = m.start() + whole.find('>').expect("the opening tag ends in `>`") + 1;
        let end = m.start() + whole.rfind("</").expect("the match ends with a closing tag");
        let xml = &text[start..end];
        if !out.lines.is_empty() {
            out.lines.push(Line::new("", Span::line(lines.line_of(start))));
        }
        if let Some((_, inner, at)) = element(xml, "title") {
            let title = plain(inner);
            if !title.is_empty() {
                let line = lines.line_of(start + at);
                out.lines.push(Line::new(format!("## {title}"), Span::line(line)));
                out.lines.push(Line::new("", Span::line(line)));
            }
        }
        // Atom: <link href=…/>; RSS: <link>url</link>.
        if let Some((attrs, inner, _)) = element(xml, "link") {
            let href = attrs.split("href=").nth(1).and_then(|v| {
                let q = v.chars().next()?;
                v[1..].split(q).next()
            });
            let url = href.map(unescape).unwrap_or_else(|| plain(inner));
            if !url.is_empty() {
                out.links.push(url);
            }
        }
        let body = ["content:encoded", "content", "description", "summary"]
            .iter()
            .find_map(|name| element(xml, name).filter(|(_, inner, _)| !inner.trim().is_empty()));
        let Some((attrs, inner, at)) = body else { continue };
        // Atom's type="xhtml" content is markup inline; every other body is character data.
        let html = if attrs.contains("xhtml") { inner.to_owned() } else { character_data(inner) };
        let offset = lines.line_of(start + at) - 1;
        let piece = convert(&html, Shape::Fragment)?;
        for mut l in piece.lines {
            l.src = Span { first: l.src.first + offset, last: l.src.last + offset };
            out.lines.push(l);
        }
        for mut r in piece.removed {
            r.span = Span { first: r.span.first + offset, last: r.span.last + offset };
            out.removed.push(r);
        }
        out.code_blocks += piece.code_blocks;
        out.links.extend(piece.links);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atom_and_rss_items_become_headed_sections_with_their_lines() {
        let atom = "<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n\
            <title>论坛</title><rights>版权所有</rights>\n<entry>\n<title>[生活] 第一帖</title>\n\
            <link rel=\"alternate\" href=\"https://example.com/t/1\" />\n\
            <content type=\"html\"><![CDATA[\n<p>第一段。</p>\n<p>第二段。</p>\n]]></content>\n</entry>\n\
            <entry><title>第二帖</title><content type=\"html\">&lt;p&gt;转义的正文&lt;/p&gt;</content></entry>\n</feed>";
        assert!(is_feed(&atom[..200].to_ascii_lowercase()));
        let out = convert_feed(atom).unwrap();
        assert_eq!(out.meta.title.as_deref(), Some("论坛"));
        let text: Vec<&str> =
            out.lines.iter().map(|l| l.text.as_str()).filter(|t| !t.is_empty()).collect();
        assert_eq!(text, ["## [生活] 第一帖", "第一段。", "第二段。", "## 第二帖", "转义的正文"]);
        let second = out.lines.iter().find(|l| l.text == "第二段。").unwrap();
        assert_eq!(second.src.first, 9, "the body's lines are the feed's lines");
        assert_eq!(out.links, ["https://example.com/t/1"]);
        assert!(!text.iter().any(|t| t.contains("版权所有")));

        let rss = "<rss version=\"2.0\"><channel><title>技术博客</title><item><title>标题</title>\
            <link>https://example.com/a</link><description>摘要</description>\
            <content:encoded><![CDATA[<h2>小节</h2><p>全文 &amp; 更多</p>]]></content:encoded></item></channel></rss>";
        assert!(is_feed(rss));
        let out = convert_feed(rss).unwrap();
        let text: Vec<&str> =
            out.lines.iter().map(|l| l.text.as_str()).filter(|t| !t.is_empty()).collect();
        assert_eq!(text, ["## 标题", "## 小节", "全文 & 更多"]);
        assert_eq!(out.links, ["https://example.com/a"]);
    }

    #[test]
    fn xhtml_pages_and_plain_xml_are_not_feeds() {
        assert!(!is_feed("<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\">"));
        assert!(!is_feed("<?xml version=\"1.0\"?><config><item>1</item></config>"));
    }
}
