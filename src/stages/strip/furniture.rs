//! Detectors that need the whole document rather than one line: a page title repeated in
//! the body, a site name injected into sentences, an article cut off mid-sentence.

use crate::document::{Action, AuditEntry, Document, Span};

/// Removes body lines, near the top, that only repeat the extracted title.
pub fn drop_title_repeats(doc: &mut Document) {
    let Some(title) = doc.meta.title.clone() else { return };
    let key = title_key(&title);
    let mut content_seen = 0;
    let mut removed = Vec::new();
    doc.lines.retain(|line| {
        content_seen += usize::from(!line.is_blank());
        let repeat = content_seen <= 15 && !line.is_blank() && title_key(&line.text) == key;
        if repeat {
            removed.push((line.src, line.text.clone()));
        }
        !repeat
    });
    for (src, text) in removed {
        doc.record(audit("strip.title-repeat", Action::Remove, src, None, text));
    }
}

fn title_key(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && !matches!(c, '#' | '*' | '_')).collect()
}

/// Removes a site name (from the page header, `extra.site`) where it was injected inside
/// body sentences: between two CJK characters, where no sentence would put it.
pub fn drop_injected_names(doc: &mut Document) {
    let Some(name) = doc.meta.extra.get("site").cloned() else { return };
    if name.chars().count() < 4 {
        return;
    }
    for i in 0..doc.lines.len() {
        let text = &doc.lines[i].text;
        if !text.contains(&name) {
            continue;
        }
        let (kept, cuts) = cut_inside_sentences(text, &name);
        if cuts.is_empty() {
            continue;
        }
        let src = doc.lines[i].src;
        for col in cuts {
            doc.record(audit("strip.injected-name", Action::Remove, src, Some(col), name.clone()));
        }
        doc.count("strip.injected-name", 1);
        doc.lines[i].text = kept;
    }
}

/// `text` without the occurrences of `name` flanked by CJK characters, and the 1-based char
/// columns where they were.
fn cut_inside_sentences(text: &str, name: &str) -> (String, Vec<u32>) {
    let mut out = String::with_capacity(text.len());
    let mut cuts = Vec::new();
    let mut last = 0;
    for (start, _) in text.match_indices(name) {
        let end = start + name.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        if before.is_some_and(is_cjk) && after.is_some_and(is_cjk) {
            out.push_str(&text[last..start]);
            cuts.push(text[..start].chars().count() as u32 + 1);
            last = end;
        }
    }
    out.push_str(&text[last..]);
    (out, cuts)
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// An article whose last line stops on an ellipsis right after a word was cut off by the
/// scraper: mark it truncated (the text is kept).
pub fn flag_truncation(doc: &mut Document) {
    let Some(last) = doc.lines.iter().rev().find(|l| !l.is_blank()) else { return };
    let t = last.text.trim_end();
    let body = t.trim_end_matches(['.', '…', '。']);
    let dots = &t[body.len()..];
    let cut = (dots == "..." || dots == "…" || dots == "……" || dots == "。。。")
        && body.chars().next_back().is_some_and(|c| is_cjk(c) || c.is_alphanumeric());
    if cut {
        let entry = audit("strip.truncated-ending", Action::Flag, last.src, None, t.to_owned());
        doc.meta.truncated = true;
        doc.record(entry);
    }
}

fn audit(
    rule: &str,
    action: Action,
    lines: Span,
    column: Option<u32>,
    before: String,
) -> AuditEntry {
    let entry = AuditEntry::new("strip", rule, action, lines, before);
    match column {
        Some(c) => entry.at(c),
        None => entry,
    }
}
