//! Wrappers that exporters and read-later tools put around an article, read before any
//! profile runs: front matter (YAML `---`, TOML `+++`, or bare `key: value` lines at the top)
//! becomes metadata, and setext headings (a line underlined with `===` or `---`) become `#`
//! headings so that the title and heading rules see one form.

use crate::document::{Action, AuditEntry, Document, Line};
use crate::rules::normalize_date;

/// Front-matter keys and the metadata they fill.
enum Key {
    Title,
    Author,
    Date,
    Url,
}

fn key_of(k: &str) -> Option<Key> {
    Some(match k.to_ascii_lowercase().as_str() {
        "title" => Key::Title,
        "author" | "authors" | "by" | "creator" | "byline" => Key::Author,
        // Not `created`: a web clipper's is the day the page was saved, not published.
        "date" | "published" | "pubdate" | "publish_date" | "published_at" | "time" => Key::Date,
        "url" | "link" | "source" | "source_url" | "original_url" | "origin" | "canonical"
        | "href" => Key::Url,
        _ => return None,
    })
}

/// Reads and removes front matter at the top of the document. Returns a date-only value it
/// held: a page's own date line (with a time) is more precise, so the caller uses it only
/// when nothing else gives one.
pub fn front_matter(doc: &mut Document, tz: Option<&str>) -> Option<String> {
    let first = doc.lines.iter().position(|l| !l.is_blank())?;
    let delim = doc.lines[first].text.trim();
    let (start, end) = if delim == "---" || delim == "+++" {
        // Delimited: up to the closing delimiter, within the first 80 lines.
        let close = doc.lines[first + 1..]
            .iter()
            .take(80)
            .position(|l| l.text.trim() == delim)
            .map(|k| first + 1 + k)?;
        (first, close + 1)
    } else {
        // Bare: at least three `key: value` lines in a row at the very top, one a known key.
        let run = doc.lines[first..].iter().take_while(|l| field(&l.text).is_some()).count();
        let known = doc.lines[first..first + run]
            .iter()
            .filter(|l| field(&l.text).is_some_and(|(k, _)| key_of(k).is_some()))
            .count();
        if run < 3 || known < 2 {
            return None;
        }
        (first, first + run)
    };
    let mut date_only = None;
    let block: Vec<Line> = doc.lines.drain(start..end).collect();
    for line in &block {
        let Some((k, v)) = field(&line.text) else { continue };
        let v = unquote(v);
        if v.is_empty() {
            continue;
        }
        let stored = match key_of(k) {
            Some(Key::Title) => Some(("title", doc.meta.title.get_or_insert(v.clone()).clone())),
            Some(Key::Author) => Some(("author", doc.meta.author.get_or_insert(v.clone()).clone())),
            Some(Key::Url) if v.starts_with("http") => {
                doc.meta.add_source_url(&v);
                Some(("source_url", v.clone()))
            }
            Some(Key::Date) => match normalize_date(&v, tz) {
                Some(iso) if iso.contains('T') => {
                    Some(("published", doc.meta.published.get_or_insert(iso).clone()))
                }
                Some(iso) => {
                    date_only.get_or_insert(iso);
                    None
                }
                None => None,
            },
            _ => None,
        };
        let entry = AuditEntry::new(
            crate::StageKind::Strip,
            "strip.front-matter",
            if stored.is_some() { Action::Extract } else { Action::Remove },
            line.src,
            line.text.clone(),
        );
        doc.record(match stored {
            Some((f, v)) => entry.to(format!("{f}={v}")),
            None => entry,
        });
    }
    doc.count("strip.front-matter", block.len() as u64);
    date_only
}

/// `key: value` (YAML) or `key = value` (TOML), with an ASCII key.
fn field(text: &str) -> Option<(&str, &str)> {
    let t = text.trim();
    let at = t.find([':', '='])?;
    let (k, v) = (t[..at].trim(), &t[at + 1..]);
    let key_ok = (2..=24).contains(&k.len())
        && k.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    // A YAML value is separated from its key by a space (`url: https://…` but not `https://`).
    let sep_ok = v.is_empty() || v.starts_with([' ', '\t']);
    (key_ok && sep_ok).then_some((k, v.trim()))
}

fn unquote(v: &str) -> String {
    let v = v.trim().trim_matches(['"', '\'']).trim();
    // Obsidian clippers write people as wiki links: `[[Name]]`.
    let v = v.trim_start_matches("[[").trim_end_matches("]]");
    v.trim_start_matches("- ").trim().to_owned()
}

/// `Title\n=====` and `Heading\n-----` become `# Title` and `## Heading`; the underline goes.
/// Only a line with a blank line (or the start) above it counts, so that a thematic break
/// under a paragraph stays one.
pub fn setext_headings(doc: &mut Document) {
    // The underlines go in one compaction at the end: removing each as it is found would
    // shift the rest of the document once per heading.
    let mut underlines = Vec::new();
    let mut i = 0;
    while i + 1 < doc.lines.len() {
        let level = underline(&doc.lines[i + 1].text);
        let (text, above_blank) = (&doc.lines[i].text, i == 0 || doc.lines[i - 1].is_blank());
        if level > 0 && above_blank && heading_text(text) {
            let marks = if level == 1 { "# " } else { "## " };
            doc.lines[i].text = format!("{marks}{}", doc.lines[i].text.trim());
            let rule = &doc.lines[i + 1];
            let (src, text) = (rule.src, rule.text.clone());
            doc.record(AuditEntry::new(
                crate::StageKind::Strip,
                "strip.setext-heading",
                Action::Remove,
                src,
                text,
            ));
            doc.count("strip.setext-heading", 1);
            underlines.push(i + 1);
            // The line after the underline has a non-blank line, the underline, above it.
            i += 1;
        }
        i += 1;
    }
    if !underlines.is_empty() {
        let mut k = 0;
        let mut at = 0;
        doc.lines.retain(|_| {
            let gone = underlines.get(k) == Some(&at);
            k += usize::from(gone);
            at += 1;
            !gone
        });
    }
}

/// 1 for `===`, 2 for `---` (three or more), else 0.
fn underline(text: &str) -> u8 {
    let t = text.trim();
    if t.len() < 3 {
        return 0;
    }
    if t.bytes().all(|b| b == b'=') {
        1
    } else if t.bytes().all(|b| b == b'-') {
        2
    } else {
        0
    }
}

fn heading_text(text: &str) -> bool {
    let t = text.trim();
    let bullet = t.starts_with('*') && t.chars().nth(1).is_some_and(char::is_whitespace);
    let markup = t.starts_with(['#', '>', '|', '-', '+', '!']) || bullet;
    // A line ending a sentence over `---` is a paragraph and a thematic break.
    !t.is_empty()
        && t.chars().count() <= 150
        && !markup
        && !t.ends_with(['。', '；', '，', '.', ';'])
        && field(t).is_none_or(|(k, _)| key_of(k).is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testing::doc_of_lines as doc;

    #[test]
    fn setext_title_and_section() {
        let mut d = doc("标题\n====\n\n正文。\n\n小节\n---\n\n段落一。\n---\n");
        setext_headings(&mut d);
        let t: Vec<&str> = d.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(t, ["# 标题", "", "正文。", "", "## 小节", "", "段落一。", "---"]);
    }

    #[test]
    fn yaml_and_bare_front_matter() {
        let mut d = doc("---\ntitle: \"一篇文章\"\nauthor: [[张三]]\ndate: 2024-05-01 10:20\nurl: https://a.b/c\ntags: x\n---\n正文。");
        assert_eq!(front_matter(&mut d, Some("+08:00")), None);
        assert_eq!(d.meta.title.as_deref(), Some("一篇文章"));
        assert_eq!(d.meta.author.as_deref(), Some("张三"));
        assert_eq!(d.meta.published.as_deref(), Some("2024-05-01T10:20:00+08:00"));
        assert_eq!(d.meta.source_urls, ["https://a.b/c"]);
        assert_eq!(d.lines.len(), 1);

        let mut d = doc("title: 标题\nurl: https://x.y/1\ndate: 2023-08-12\n\n正文。");
        assert_eq!(front_matter(&mut d, None).as_deref(), Some("2023-08-12"));
        assert_eq!(d.meta.title.as_deref(), Some("标题"));
        // Two `key: value` lines are not front matter; neither is a speaker label.
        let mut d = doc("主持人: 你好\nguest: hi\n");
        assert_eq!(front_matter(&mut d, None), None);
        assert_eq!(d.lines.len(), 2);
    }
}
