//! Speaker-label detection: `马斯克：…`, `【主持人】…`, `Host: …` at the start of a line.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use regex::Regex;
use regex_syntax::hir::Hir;
use rustc_hash::FxBuildHasher;

use super::speakers::fold;
use crate::rules::LineFilter;

/// Where a label sits in its line: byte ranges of the name and of the words after it, both
/// trimmed (the rest may be empty).
#[derive(Debug, Clone, PartialEq)]
pub struct LabelAt {
    pub name: Range<usize>,
    pub rest: Range<usize>,
}

impl LabelAt {
    pub fn name<'t>(&self, text: &'t str) -> &'t str {
        &text[self.name.clone()]
    }

    pub fn rest<'t>(&self, text: &'t str) -> &'t str {
        &text[self.rest.clone()]
    }
}

/// Whether the words after a label are nothing or open a quotation.
fn opens_quote(rest: &str) -> bool {
    rest.is_empty() || rest.starts_with(['“', '「', '『', '"', '‘', '﹁'])
}

/// The label patterns and the rules that tell a label from narration.
#[derive(Debug)]
pub struct LabelRules {
    pub plain: LabelPattern,
    pub bracket: LabelPattern,
    pub narration: Regex,
    /// Name endings that are narration only before a quotation or nothing (`他笑道：“…”`;
    /// a name may end so: `梁文道：对。`).
    pub quoted_narration: Regex,
    /// Lines that start with something other than a label (`https://…`).
    pub not_label: Regex,
    /// Names of fields (`论文链接`, `时间`), not people.
    pub field: Regex,
    pub not_speakers: Vec<String>,
    /// The registry's aliases (folded): a registered label is never narration, even when it
    /// ends like narration (`解说：`, the voice-over of a broadcast).
    pub registered: HashSet<String, FxBuildHasher>,
    /// Whether `bracket` can match a text (bit 1): it is tried on every line, and
    /// hardly any starts with a bracket.
    pub filter: LineFilter,
}

impl LabelRules {
    /// Whether a name can be a speaker at all (not narration, not a known non-speaker). A
    /// registered label is never a field name: `嘉宾：` heads a list of guests in a panel's
    /// header (read as names before this is asked) and is a guest's turn everywhere else.
    pub fn plausible(&self, name: &str) -> bool {
        !self.ends_like_narration(name)
            && (!self.field.is_match(name) || self.registered.contains(&fold(name)))
            && !self.not_speakers.iter().any(|n| n == name)
            && !name.chars().all(|c| c.is_ascii_digit())
    }

    /// Whether a label with `name` and the words `rest` after it is the writer's voice
    /// (`马斯克说：…`, `他笑道：“…”`), not a speaker's label.
    pub fn narrates(&self, name: &str, rest: &str) -> bool {
        self.ends_like_narration(name) || self.quoted_narration.is_match(name) && opens_quote(rest)
    }

    /// Whether `name` ends like narration (`马斯克说`) and is not a registered label.
    fn ends_like_narration(&self, name: &str) -> bool {
        self.narration.is_match(name) && !self.registered.contains(&fold(name))
    }

    /// Where the narration in `name` starts (see [`LabelRules::narrates`]).
    pub fn narration_at(&self, name: &str, rest: &str) -> Option<usize> {
        if let Some(m) =
            self.narration.find(name).filter(|_| !self.registered.contains(&fold(name)))
        {
            return Some(m.start());
        }
        let m = self.quoted_narration.find(name).filter(|_| opens_quote(rest))?;
        Some(m.start())
    }

    /// A finder for the lines of one document.
    pub fn finder(&self) -> LabelFinder<'_> {
        LabelFinder { rules: self, seen: [Seen::default(), Seen::default()] }
    }
}

/// Finds the labels of one document's lines. A transcript repeats the same few labels
/// hundreds of times, so where the name sits in each label is remembered (the groups are
/// the costly part of a match).
pub struct LabelFinder<'r> {
    rules: &'r LabelRules,
    /// Per pattern (bracket, plain): see [`LabelPattern::find_at`].
    seen: [Seen; 2],
}

impl LabelFinder<'_> {
    /// The label `text` starts with, if any.
    pub fn find_at(&mut self, text: &str) -> Option<LabelAt> {
        let [bracket, plain] = &mut self.seen;
        let bracketed = if self.rules.filter.mask(text) != 0 {
            self.rules.bracket.find_at(text, bracket)
        } else {
            None
        };
        let found = bracketed.or_else(|| self.rules.plain.find_at(text, plain))?;
        // Only lines that have a label pay for this test.
        (!self.rules.not_label.is_match(text)).then_some(found)
    }
}

/// Text up to a match's end (and one character more when the pattern looks past it) → the
/// match's start and its `name`.
type Seen = HashMap<Box<str>, (usize, Range<usize>), FxBuildHasher>;

/// One label regex, with groups `name` and (optionally) `rest`.
///
/// Label patterns end in `(?P<rest>.*)$`: the rest of the line, whatever it is. Matching
/// that part costs a scan of the whole line (twice: the DFA to find the match, then the
/// backtracker for the groups), on the lines that are labels, which in a transcript are
/// most of them. On a line without line breaks `.*$` matches whatever follows, so the
/// pattern without it (`head`) finds the same label, its match ends where `rest` starts,
/// and it stops a few characters into the line.
#[derive(Debug)]
pub struct LabelPattern {
    full: Regex,
    head: Option<Regex>,
    /// Whether `head` has look-arounds that may see past the match (`\b`, `$`): all but
    /// those of the start of a text or line.
    peeks: bool,
}

impl LabelPattern {
    pub fn new(pattern: &str) -> Result<LabelPattern, regex::Error> {
        let full = Regex::new(pattern)?;
        let head = head_of(pattern);
        let peeks = head.as_ref().is_none_or(|h| {
            use regex_syntax::hir::Look;
            let starts = [Look::Start, Look::StartLF, Look::StartCRLF];
            h.properties().look_set().iter().any(|l| !starts.contains(&l))
        });
        let head = head.and_then(|h| Regex::new(&h.to_string()).ok());
        Ok(LabelPattern { full, head, peeks })
    }

    /// The label at the start of `text`. `seen` remembers the groups of earlier matches:
    /// given the same start and end, which path of the pattern wins, and so where `name`
    /// is, depends only on the text up to the match's end (a path that went further would
    /// have won and ended there), and on the character after it if a look-around peeks.
    fn find_at(&self, text: &str, seen: &mut Seen) -> Option<LabelAt> {
        let Some(head) = &self.head else { return full_find(&self.full, text) };
        let m = head.find(text)?;
        if memchr::memchr2(b'\n', b'\r', text.as_bytes()).is_some() {
            return full_find(&self.full, text);
        }
        let after = match self.peeks {
            true => text[m.end()..].chars().next().map_or(0, char::len_utf8),
            false => 0,
        };
        let key = &text[..m.end() + after];
        let name = match seen.get(key) {
            Some((start, name)) if *start == m.start() => name.clone(),
            _ => {
                let caps = head.captures(text)?;
                let name = trimmed(text, caps.name("name")?.range());
                seen.insert(key.into(), (m.start(), name.clone()));
                name
            }
        };
        let found = LabelAt { name, rest: trimmed(text, m.end()..text.len()) };
        debug_assert_eq!(Some(&found), full_find(&self.full, text).as_ref(), "{text:?}");
        Some(found)
    }
}

fn full_find(full: &Regex, text: &str) -> Option<LabelAt> {
    // `is_match` first: a lazy DFA that gives up within a few characters on most lines,
    // where `captures` would run the backtracker over the whole line.
    if !full.is_match(text) {
        return None;
    }
    let caps = full.captures(text)?;
    let name = trimmed(text, caps.name("name")?.range());
    let rest = caps.name("rest").map_or(0..0, |m| trimmed(text, m.range()));
    Some(LabelAt { name, rest })
}

/// `range` of `text` without surrounding whitespace (`str::trim`).
fn trimmed(text: &str, range: Range<usize>) -> Range<usize> {
    let s = &text[range.clone()];
    let start = range.start + (s.len() - s.trim_start().len());
    let end = range.end - (s.len() - s.trim_end().len());
    if start >= end {
        return range.start..range.start;
    }
    start..end
}

/// `pattern` without a final `(?P<rest>.*)$` (any spelling that parses to a top-level
/// concatenation ending in a group `rest` repeating any character but line breaks, zero or
/// more times, then the end of the text). `None` for any other
/// shape: the full pattern is then always used.
fn head_of(pattern: &str) -> Option<Hir> {
    use regex_syntax::hir::{Class, ClassUnicodeRange, HirKind, Look};
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let HirKind::Concat(parts) = hir.kind() else { return None };
    let [head @ .., rest, end] = parts.as_slice() else { return None };
    if !matches!(end.kind(), HirKind::Look(Look::End | Look::EndLF | Look::EndCRLF)) {
        return None;
    }
    let HirKind::Capture(cap) = rest.kind() else { return None };
    if cap.name.as_deref() != Some("rest") {
        return None;
    }
    let HirKind::Repetition(rep) = cap.sub.kind() else { return None };
    let HirKind::Class(Class::Unicode(class)) = rep.sub.kind() else { return None };
    let mut missing = class.clone();
    missing.negate();
    let breaks = |r: &ClassUnicodeRange| (r.start()..=r.end()).all(|c| c == '\n' || c == '\r');
    let any_but_breaks = missing.ranges().iter().all(breaks);
    (rep.min == 0 && rep.max.is_none() && any_but_breaks).then(|| Hir::concat(head.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rest_group_is_dropped_only_at_the_top_level_end() {
        assert!(head_of(r"^\s*(?P<name>\S{1,4})\s*[:：]\s*(?P<rest>.*)$").is_some());
        assert!(head_of(r"^(?P<name>a)|b(?P<rest>.*)$").is_none());
        assert!(head_of(r"^(?P<name>a)(?P<rest>.+)$").is_none());
        assert!(head_of(r"^(?P<name>a)(?P<rest>[^x]*)$").is_none());
        assert!(head_of(r"^(?P<name>a)(?P<other>.*)$").is_none());
    }

    #[test]
    fn head_and_full_pattern_agree() {
        let p = LabelPattern::new(
            r"^\s*(?P<name>[^\s:：]{1,16}|[A-Za-z][A-Za-z.\- ]{0,30}[A-Za-z.])\s*[:：]\s*(?P<rest>.*)$",
        )
        .unwrap();
        assert!(p.head.is_some());
        let mut seen = Seen::default();
        for text in [
            "马斯克：你好",
            "  Elon Musk :  hi ",
            "马斯克：",
            "无标签",
            "马斯克：甲\n乙",
            "马斯克：乙",
        ] {
            assert_eq!(p.find_at(text, &mut seen), full_find(&p.full, text), "{text:?}");
        }
    }
}
