//! Detectors that need the whole document rather than one line: a page title repeated in
//! the body, a site name injected into sentences, an article cut off mid-sentence.

use crate::chars::is_ideograph;
use crate::document::{Action, AuditEntry, Document, Span};

/// Removes body lines, near the top, that only repeat the extracted title.
pub fn drop_title_repeats(doc: &mut Document) {
    let Some(title) = &doc.meta.title else { return };
    let key = title_key(title);
    // Only the first 15 content lines are looked at.
    let repeats: Vec<usize> = doc
        .lines
        .iter()
        .enumerate()
        .filter(|(_, line)| !line.is_blank())
        .take(15)
        .filter(|(_, line)| same_key(&line.text, &key))
        .map(|(i, _)| i)
        .collect();
    let removed: Vec<_> = repeats.iter().rev().map(|&i| doc.lines.remove(i)).collect();
    for line in removed.into_iter().rev() {
        doc.record(audit("strip.title-repeat", Action::Remove, line.src, None, line.text));
    }
}

fn title_key(s: &str) -> String {
    key_chars(s).collect()
}

fn key_chars(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().filter(|c| !c.is_whitespace() && !matches!(c, '#' | '*' | '_'))
}

fn same_key(line: &str, key: &str) -> bool {
    key_chars(line).eq(key.chars())
}

/// Removes a site name (from the page header, `extra.site`) where it was injected inside
/// body sentences: between two CJK characters, where no copied article would name the site
/// hosting it. Spam sites inject the full name or its brand, the name less trailing generic
/// words (`suffixes`: 官方网站, 有限公司, 科技, …), and they inject it more than once; so a
/// form counts only from two such occurrences, never where the text goes on into a longer
/// form of the name, and never before a word (`self_refs`: 记者, 报道, …) with which a news
/// site names itself.
pub fn drop_injected_names(doc: &mut Document, suffixes: &[&str], self_refs: &[&str]) {
    let Some(site) = doc.meta.extra.get("site").cloned() else { return };
    let names = name_forms(&site, suffixes);
    for (k, name) in names.iter().enumerate() {
        if !long_enough(name) {
            continue;
        }
        let longer = &names[..k];
        let cuts: Vec<Vec<usize>> =
            doc.lines.iter().map(|l| injected_at(&l.text, name, longer, self_refs)).collect();
        if cuts.iter().map(Vec::len).sum::<usize>() < 2 {
            continue;
        }
        for (i, at) in cuts.iter().enumerate().filter(|(_, at)| !at.is_empty()) {
            let (kept, cols) = cut(&doc.lines[i].text, name, at);
            doc.lines[i].text = kept;
            let src = doc.lines[i].src;
            for col in cols {
                doc.record(audit(
                    "strip.injected-name",
                    Action::Remove,
                    src,
                    Some(col),
                    name.clone(),
                ));
            }
            doc.count("strip.injected-name", 1);
        }
    }
}

/// The site name, then ever shorter forms of it with one generic trailing word removed.
fn name_forms(site: &str, suffixes: &[&str]) -> Vec<String> {
    let mut forms = vec![site.trim().to_owned()];
    loop {
        let last = forms.last().expect("not empty");
        let shorter = suffixes
            .iter()
            .filter_map(|s| last.strip_suffix(s))
            .map(str::trim_end)
            .find(|rest| !rest.is_empty());
        match shorter {
            Some(rest) if !forms.iter().any(|f| f == rest) => forms.push(rest.to_owned()),
            _ => return forms,
        }
    }
}

fn long_enough(name: &str) -> bool {
    let n = name.chars().count();
    if name.chars().any(is_ideograph) {
        n >= 3
    } else {
        n >= 4
    }
}

/// Byte offsets of the occurrences of `name` between CJK characters that do not start one of
/// the `longer` forms nor precede one of the `self_refs`.
fn injected_at(text: &str, name: &str, longer: &[String], self_refs: &[&str]) -> Vec<usize> {
    if !text.contains(name) {
        return Vec::new();
    }
    text.match_indices(name)
        .map(|(start, _)| start)
        .filter(|&start| {
            let end = start + name.len();
            let before = text[..start].chars().next_back();
            let after = text[end..].chars().next();
            before.is_some_and(is_ideograph)
                && after.is_some_and(is_ideograph)
                && !longer.iter().any(|l| text[start..].starts_with(l.as_str()))
                && !self_refs.iter().any(|w| text[end..].starts_with(w))
        })
        .collect()
}

/// `text` without `name` at the byte offsets `at`, and the 1-based char columns where it was.
fn cut(text: &str, name: &str, at: &[usize]) -> (String, Vec<u32>) {
    let mut out = String::with_capacity(text.len());
    let mut cols = Vec::new();
    let mut last = 0;
    for &start in at {
        out.push_str(&text[last..start]);
        cols.push(text[..start].chars().count() as u32 + 1);
        last = start + name.len();
    }
    out.push_str(&text[last..]);
    (out, cols)
}

/// An article whose last line stops on an ellipsis right after a word was cut off by the
/// scraper: mark it truncated (the text is kept).
pub fn flag_truncation(doc: &mut Document) {
    let Some(last) = doc.lines.iter().rev().find(|l| !l.is_blank()) else { return };
    let t = last.text.trim_end();
    let body = t.trim_end_matches(['.', '…', '。']);
    let dots = &t[body.len()..];
    let cut = (dots == "..." || dots == "…" || dots == "……" || dots == "。。。")
        && body.chars().next_back().is_some_and(|c| is_ideograph(c) || c.is_alphanumeric());
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
    let entry = AuditEntry::new(crate::StageKind::Strip, rule, action, lines, before);
    match column {
        Some(c) => entry.at(c),
        None => entry,
    }
}
