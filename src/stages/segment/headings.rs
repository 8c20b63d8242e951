//! Section headings that only the source markup shows.
//!
//! `strip` removes markdown emphasis and rules, so a sub-heading between a full answer and
//! the next question (`**大模型应该消于无形**`, or a line underlined by `-------`) reaches
//! `segment` as a line like any other, and would end up as the last line of the answer.
//! The document's original text still has the markup: the line's source line tells.

use std::sync::Arc;

use crate::rules::LazyRegex;

use crate::document::Line;
use crate::rules::LineFilter;

#[derive(Debug)]
pub struct HeadingRules {
    /// A source line that is wholly bold.
    pub source_bold: LazyRegex,
    /// A source line that underlines the one before it (setext heading).
    pub setext_underline: LazyRegex,
    /// A line that is a section number alone (`02`, `三、`).
    pub section_number: LazyRegex,
    /// The text of a bold line that may be a heading (not a sentence).
    pub turn_heading: LazyRegex,
    /// Whether `section_number` (bit 1), `setext_underline` (bit 2) or `source_bold` (bit 4)
    /// can match a text: most lines start with a character none of them can, which one
    /// look tells.
    pub filter: LineFilter,
}

const SECTION_NUMBER: u64 = 1;
const SETEXT_UNDERLINE: u64 = 2;
const SOURCE_BOLD: u64 = 4;

/// What the source says a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    None,
    /// Wholly bold: a heading only when its text reads like one.
    Bold,
    /// Underlined by the next source line.
    Setext,
    /// A section number alone, or a reader's question (`Q …？`).
    Number,
}

/// The document's original text by line number (from 1), indexed on first use: most
/// documents never ask.
pub struct SourceLines {
    text: Arc<str>,
    /// The start of every [`SOURCE_STEP`]th line.
    starts: Option<Vec<usize>>,
    /// The last two lines found and their starts, the older first: lines are asked for in
    /// order (a line and the one under it), and the next is read from the nearest of them
    /// rather than from its step's start.
    last: [(usize, usize); 2],
    /// The markup of the last source line a one-line paragraph was read from: the lines a
    /// page's one long source line (minified HTML) gives all ask about that line, whose
    /// every read is as long as the line.
    markup: Option<(u32, Markup)>,
    /// The line read last: its number, start and end.
    found: Option<(u32, usize, usize)>,
}

/// Lines between two starts kept by [`SourceLines`]: a text of blank lines has a line a
/// byte, and a start each would cost eight bytes a byte; a lookup reads at most this many
/// lines forward.
const SOURCE_STEP: usize = 16;

impl SourceLines {
    pub fn new(text: Arc<str>) -> SourceLines {
        SourceLines { text, starts: None, last: [(0, 0); 2], markup: None, found: None }
    }

    /// Source line `n` (from 1), without its line break.
    pub fn line(&mut self, n: u32) -> Option<&str> {
        // Asked again for the line read last (the paragraphs of one long source line):
        // its end is known, not searched again through the line.
        if let Some((_, start, end)) = self.found.filter(|&(seen, ..)| seen == n) {
            return Some(self.text[start..end].trim_end_matches('\r'));
        }
        let bytes = self.text.as_bytes();
        let starts = self.starts.get_or_insert_with(|| {
            let breaks = || memchr::memchr_iter(b'\n', bytes);
            let mut starts = Vec::with_capacity(breaks().count() / SOURCE_STEP + 1);
            starts.push(0);
            // Break `k` (from 0) starts line `k + 1`.
            let kept = breaks().enumerate().filter(|(k, _)| (k + 1) % SOURCE_STEP == 0);
            starts.extend(kept.map(|(_, at)| at + 1));
            starts
        });
        let i = (n as usize).checked_sub(1)?;
        let mut start = *starts.get(i / SOURCE_STEP)?;
        let mut from = i / SOURCE_STEP * SOURCE_STEP;
        for (seen, seen_start) in self.last {
            if seen > from && seen <= i {
                (from, start) = (seen, seen_start);
            }
        }
        for _ in from..i {
            start += memchr::memchr(b'\n', &bytes[start..])? + 1;
        }
        self.last = [self.last[1], (i, start)];
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |at| start + at);
        self.found = Some((n, start, end));
        Some(self.text[start..end].trim_end_matches('\r'))
    }
}

impl HeadingRules {
    /// What the source markup of `line` says it is.
    pub fn markup(&self, line: &Line, source: &mut SourceLines) -> Markup {
        if self.may(&line.text, SECTION_NUMBER, &self.section_number) {
            return Markup::Number;
        }
        // A line joined from several source lines is a paragraph.
        if line.src.first != line.src.last {
            return Markup::None;
        }
        let n = line.src.first;
        if let Some((_, m)) = source.markup.filter(|&(seen, _)| seen == n) {
            return m;
        }
        let m = self.source_markup(n, source);
        source.markup = Some((n, m));
        m
    }

    /// Whether `re` (the pattern of `bit` in the filter) matches `text`.
    fn may(&self, text: &str, bit: u64, re: &LazyRegex) -> bool {
        self.filter.mask(text) & bit != 0 && re.matches(text)
    }

    /// What source line `n` and the line under it say of a paragraph read from line `n`
    /// alone.
    fn source_markup(&self, n: u32, source: &mut SourceLines) -> Markup {
        let underlined = source
            .line(n + 1)
            .is_some_and(|u| self.may(u, SETEXT_UNDERLINE, &self.setext_underline));
        let Some(own) = source.line(n) else { return Markup::None };
        let own_mask = self.filter.mask(own);
        let own_is = |bit: u64, re: &LazyRegex| own_mask & bit != 0 && re.matches(own);
        if own.trim().is_empty() || own_is(SETEXT_UNDERLINE, &self.setext_underline) {
            return Markup::None;
        }
        if underlined {
            return Markup::Setext;
        }
        if own_is(SOURCE_BOLD, &self.source_bold) {
            return Markup::Bold;
        }
        Markup::None
    }

    /// Whether a line with `markup` inside a turn is a heading, given whether the line after
    /// it starts a turn or is marked as a heading too.
    pub fn ends_turn(&self, line: &Line, markup: Markup, next_is_boundary: bool) -> bool {
        match markup {
            Markup::None => false,
            Markup::Number => true,
            Markup::Setext => next_is_boundary,
            Markup::Bold => next_is_boundary && self.turn_heading.matches(line.text.trim()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SourceLines;

    #[test]
    fn source_lines_by_number() {
        let text = (1..=40).map(|k| format!("l{k}\r\n")).collect::<String>() + "last";
        let mut src = SourceLines::new(text.into());
        for k in (1..=40).rev().chain([7, 16, 17, 32, 33, 34, 35, 20, 21, 36, 2, 3, 1]) {
            assert_eq!(src.line(k), Some(format!("l{k}").as_str()));
        }
        assert_eq!(src.line(41), Some("last"));
        assert_eq!(src.line(42), None);
        assert_eq!(src.line(0), None);
        let mut blank = SourceLines::new("\n\n".into());
        assert_eq!(blank.line(3), Some(""));
        assert_eq!(blank.line(4), None);
    }
}
