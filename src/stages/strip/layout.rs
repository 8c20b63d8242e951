//! Page-layout repairs that are not about any platform: trimming, and rejoining lines that
//! a text extractor wrapped inside a paragraph.

use crate::document::{BlockKind, Document, Line};
use crate::labels::LabelShape;

/// Trims every line (ASCII, ideographic and no-break spaces): indentation is layout,
/// except in code.
pub fn trim_lines(doc: &mut Document) {
    let space = |c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{A0}';
    for line in doc.lines.iter_mut().filter(|l| l.kind != Some(BlockKind::Code)) {
        // Most lines start and end on a char that is not a space: nothing to trim.
        let (first, last) = (line.text.chars().next(), line.text.chars().next_back());
        if first.is_none_or(|c| !space(c)) && last.is_none_or(|c| !space(c)) {
            continue;
        }
        let t = line.text.trim_matches(space);
        if t.len() != line.text.len() {
            line.text = t.to_owned();
        }
    }
}

/// In a document whose paragraphs are separated by blank lines, consecutive non-blank lines
/// are one paragraph wrapped by the extractor: join them. Documents that put one paragraph
/// per line are left alone.
pub fn unwrap_paragraphs(doc: &mut Document, blank_separated: bool, labels: &LabelShape) {
    if !blank_separated {
        return;
    }
    // Joined in place (a line merged into the one before it is removed), with no second
    // vector of the document's lines.
    let mut prev_blank = doc.lines.first().is_none_or(Line::is_blank);
    doc.lines.dedup_by(|line, prev| {
        let blank = line.is_blank();
        let join = !prev_blank && !blank && joinable(prev, line, labels);
        if join {
            let sep = separator(&prev.text, &line.text);
            prev.text.push_str(sep);
            prev.text.push_str(&line.text);
            prev.src = prev.src.join(line.src);
        }
        prev_blank = blank;
        join
    });
}

/// Whether the document separates its paragraphs with blank lines.
pub fn blank_separated(lines: &[Line]) -> bool {
    let (mut then_blank, mut then_text) = (0usize, 0usize);
    let mut blanks = lines.iter().map(Line::is_blank);
    let Some(mut prev_blank) = blanks.next() else { return false };
    for blank in blanks {
        if !prev_blank {
            if blank {
                then_blank += 1;
            } else {
                then_text += 1;
            }
        }
        prev_blank = blank;
    }
    then_blank > 0 && then_blank * 2 >= then_blank + then_text
}

/// Tagged lines (headings, quotes, notes) keep their own line, except a line continuing a
/// quote of the same kind; a line that opens with a label (`问：`, `Mark Penn:`) starts
/// something new (`paragraph` in `labels.toml`).
fn joinable(prev: &Line, next: &Line, labels: &LabelShape) -> bool {
    prev.kind == next.kind
        && prev.kind.is_none_or(|k| k == crate::document::BlockKind::Quote)
        && !labels.opens(&next.text)
        && !list_item(&next.text)
        && !list_item(&prev.text)
}

/// `- item`, `* item`, `+ item`, `• item`, `1. item`, `1) item`, `1、item`: each item is
/// its own line, never joined to its neighbour.
fn list_item(text: &str) -> bool {
    let t = text.trim_start();
    if let Some(rest) = t.strip_prefix(['-', '*', '+', '•', '·']) {
        return rest.starts_with([' ', '\t']) || t.starts_with(['•', '·']);
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    (1..=3).contains(&digits)
        && t[digits..].starts_with(['.', ')', '、', '）'])
        && t[digits..].chars().nth(1).is_some_and(|c| !c.is_ascii_digit())
}

/// Latin words wrapped across lines need their space back; CJK text and hyphenated words
/// do not.
fn separator(prev: &str, next: &str) -> &'static str {
    let last = prev.chars().next_back();
    let first = next.chars().next();
    match (last, first) {
        (Some(a), Some(b)) if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() => " ",
        _ => "",
    }
}
