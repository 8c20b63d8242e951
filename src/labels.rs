//! What a speaker label at the start of a line is — `马斯克：…`, `【主持人】…`, `Host: …` —
//! defined once, as data (`pipelines/labels.toml`), and read by strip and segment.
//!
//! A [`LabelShape`] is a label pattern, an optional bracketed form tried first, and the line
//! starts that are never labels (`https://…`). The file holds one shape per use, each a
//! *profile* of the same definition saying how strictly that use reads a line:
//!
//! - `turn` (segment): where a speaker's turn starts, and the speaker's name (which segment
//!   then judges: narration, field names, the registry).
//! - `paragraph` (strip, rejoining lines a text extractor wrapped): a line that opens with a
//!   label starts something new and is never joined to the line before it. Lenient, since a
//!   wrongly kept line break costs less than a turn glued to the previous answer: any short
//!   name before a colon, and a line that opens with a bracket.
//! - `speech` (strip, page furniture at the two ends of the article): a line in which
//!   someone speaks is content, never furniture. Strict about the words: the label must be
//!   followed by some, so that a bare field (`来源：`) is not taken for a speaker's line.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use regex::Regex;
use regex_syntax::hir::Hir;
use rustc_hash::FxBuildHasher;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::rules::LineFilter;
use crate::toml_error::describe_toml_error;

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

/// The profiles of `labels.toml` (see the module docs).
#[derive(Debug, Clone)]
pub struct Labels {
    /// Segment: where a speaker's turn starts.
    pub turn: LabelShape,
    /// Strip: a line that is never joined to the line before it.
    pub paragraph: LabelShape,
    /// Strip: a line in which someone speaks, never page furniture.
    pub speech: LabelShape,
}

/// `labels.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LabelsFile {
    turn: ShapeDef,
    paragraph: ShapeDef,
    speech: ShapeDef,
}

/// One profile as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShapeDef {
    label: String,
    #[serde(default)]
    bracket: Option<String>,
    #[serde(default)]
    not_label: Option<String>,
}

impl Labels {
    /// Parses and compiles a labels file (`path` names it in errors). Strip and segment
    /// both read the same file: the second reading of a text already compiled shares its
    /// compiled patterns (a `Regex` clone shares the program) instead of compiling them again.
    pub fn parse(text: &str, path: &Path) -> Result<Labels> {
        static COMPILED: std::sync::Mutex<Vec<(String, Labels)>> =
            std::sync::Mutex::new(Vec::new());
        let mut compiled = COMPILED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, labels)) = compiled.iter().find(|(t, _)| t == text) {
            return Ok(labels.clone());
        }
        let labels = Labels::compile(text, path)?;
        compiled.push((text.to_owned(), labels.clone()));
        Ok(labels)
    }

    fn compile(text: &str, path: &Path) -> Result<Labels> {
        let err = |message: String| Error::Rules { path: path.to_owned(), message };
        let f: LabelsFile = toml::from_str(text).map_err(|e| err(describe_toml_error(text, &e)))?;
        let shape = |profile: &str, def: &ShapeDef| {
            LabelShape::new(def).map_err(|(key, e)| err(format!("`{profile}.{key}`: {e}")))
        };
        Ok(Labels {
            turn: shape("turn", &f.turn)?,
            paragraph: shape("paragraph", &f.paragraph)?,
            speech: shape("speech", &f.speech)?,
        })
    }

    /// The built-in `labels.toml`.
    #[cfg(test)]
    pub fn builtin() -> Labels {
        let (path, text) =
            crate::resources::Resources::builtin().read("builtin:labels.toml").unwrap();
        Labels::parse(&text, &path).unwrap()
    }
}

/// What a speaker label at a line's start looks like, in one profile: a line opens with a
/// label when `bracket` or `plain` matches at its start and `not_label` does not.
#[derive(Debug, Clone)]
pub struct LabelShape {
    plain: LabelPattern,
    /// The bracketed form (`【马斯克】…`, `[Host] …`), tried first, and whether it can match
    /// a text (bit 1): it is tried on every line, and hardly any starts with a bracket.
    bracket: Option<(LabelPattern, LineFilter)>,
    /// Lines that start with something other than a label (`https://…`).
    not_label: Option<Regex>,
}

impl LabelShape {
    /// Compiles one profile; an error names the key at fault.
    fn new(def: &ShapeDef) -> std::result::Result<LabelShape, (&'static str, String)> {
        let pattern = |key: &'static str, p: &str| {
            let pattern = LabelPattern::new(p).map_err(|e| (key, format!("bad regex: {e}")))?;
            match pattern.full.capture_names().flatten().any(|n| n == "name") {
                true => Ok(pattern),
                false => Err((key, "no group `name`".to_owned())),
            }
        };
        let bracket = match &def.bracket {
            Some(p) => Some((pattern("bracket", p)?, LineFilter::of_patterns(&[p]))),
            None => None,
        };
        let not_label = match &def.not_label {
            Some(p) => Some(Regex::new(p).map_err(|e| ("not_label", format!("bad regex: {e}")))?),
            None => None,
        };
        Ok(LabelShape { plain: pattern("label", &def.label)?, bracket, not_label })
    }

    /// Whether `text` opens with a label (where the name is does not matter).
    pub fn opens(&self, text: &str) -> bool {
        let bracketed =
            self.bracket.as_ref().is_some_and(|(b, f)| f.mask(text) != 0 && b.full.is_match(text));
        (bracketed || self.plain.full.is_match(text)) && !self.never(text)
    }

    /// Whether `text` starts with something other than a label.
    fn never(&self, text: &str) -> bool {
        self.not_label.as_ref().is_some_and(|r| r.is_match(text))
    }

    /// A finder for the lines of one document.
    pub fn finder(&self) -> LabelFinder<'_> {
        LabelFinder { shape: self, seen: [Seen::default(), Seen::default()] }
    }
}

/// Finds the labels of one document's lines. A transcript repeats the same few labels
/// hundreds of times, so where the name sits in each label is remembered (the groups are
/// the costly part of a match).
pub struct LabelFinder<'r> {
    shape: &'r LabelShape,
    /// Per pattern (bracket, plain): see [`LabelPattern::find_at`].
    seen: [Seen; 2],
}

impl LabelFinder<'_> {
    /// The label `text` starts with, if any.
    pub fn find_at(&mut self, text: &str) -> Option<LabelAt> {
        let [bracket, plain] = &mut self.seen;
        let bracketed = match &self.shape.bracket {
            Some((pattern, filter)) if filter.mask(text) != 0 => pattern.find_at(text, bracket),
            _ => None,
        };
        let found = bracketed.or_else(|| self.shape.plain.find_at(text, plain))?;
        // Only lines that have a label pay for this test.
        (!self.shape.never(text)).then_some(found)
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
#[derive(Debug, Clone)]
pub struct LabelPattern {
    full: Regex,
    head: Option<Regex>,
    /// Whether `head` has look-arounds that may see past the match (`\b`, `$`): all but
    /// those of the start of a text or line.
    peeks: bool,
}

impl LabelPattern {
    /// Compiles `pattern` (and its head, see above).
    pub fn new(pattern: &str) -> std::result::Result<LabelPattern, regex::Error> {
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

    #[test]
    fn profiles_read_the_same_line_each_as_strictly_as_its_use_needs() {
        let l = Labels::builtin();
        // A label with words after it: every profile.
        for t in ["主持人：你好，欢迎。", "Mark Penn: thanks", "马斯克：对。"] {
            assert!(l.turn.opens(t) && l.paragraph.opens(t) && l.speech.opens(t), "{t:?}");
        }
        // A label alone: a turn starts and no line is joined to it, but no words are spoken.
        assert!(l.turn.opens("主持人：") && l.paragraph.opens("主持人："));
        assert!(!l.speech.opens("主持人："));
        // Emphasis around the name: speech reads through it.
        assert!(l.speech.opens("**李榜主** ：那这个探索"));
        // A bracketed name without a colon: a turn, and a line never joined.
        assert!(l.turn.opens("【主持人】欢迎回来") && l.paragraph.opens("【主持人】欢迎回来"));
        assert!(!l.speech.opens("【主持人】欢迎回来"));
        // Narration before the colon is no label to any of them.
        for t in ["他说，这件事情很复杂：", "在这个时代，我们都在问：为什么"]
        {
            assert!(!l.turn.opens(t) && !l.paragraph.opens(t) && !l.speech.opens(t), "{t:?}");
        }
        // A URL is never a turn; a link in a name is never speech.
        assert!(!l.turn.opens("https://example.com/a"));
        assert!(!l.speech.opens("https链接：ab"));
        let mut finder = l.turn.finder();
        let at = finder.find_at("1、董倩: 你好").unwrap();
        assert_eq!((at.name("1、董倩: 你好"), at.rest("1、董倩: 你好")), ("董倩", "你好"));
    }

    #[test]
    fn a_profile_without_a_name_group_or_with_a_bad_regex_is_an_error_naming_it() {
        let ok = "[turn]\nlabel = '^(?P<name>a):'\n[paragraph]\nlabel = '^(?P<name>a):'\n";
        let text = format!("{ok}[speech]\nlabel = '^a:'\n");
        let e = Labels::parse(&text, Path::new("l.toml")).unwrap_err().to_string();
        assert!(e.contains("l.toml") && e.contains("speech.label") && e.contains("name"), "{e}");
        let text = format!("{ok}[speech]\nlabel = '^(?P<name>a'\n");
        let e = Labels::parse(&text, Path::new("l.toml")).unwrap_err().to_string();
        assert!(e.contains("speech.label") && e.contains("bad regex"), "{e}");
    }

    /// The lines on which the profiles disagree, by class, over every line of `corpus/**`
    /// (or the `:`-separated folders in `LABEL_DIRS`): how strictly each use reads a label.
    #[test]
    #[ignore]
    fn profiles_compared_on_the_corpus() {
        fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                match e.path() {
                    p if p.is_dir() => files(&p, out),
                    p => out.push(p),
                }
            }
        }
        let l = Labels::builtin();
        let mut paths = Vec::new();
        for d in std::env::var("LABEL_DIRS").unwrap_or("corpus".into()).split(':') {
            files(Path::new(d), &mut paths);
        }
        paths.sort();
        let mut classes = std::collections::BTreeMap::<_, Vec<String>>::new();
        for p in &paths {
            let text = String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned();
            for t in text.lines().map(|t| t.trim()).filter(|t| !t.is_empty()) {
                let class = (l.turn.opens(t), l.paragraph.opens(t), l.speech.opens(t));
                classes.entry(class).or_default().push(format!("{}: {t}", p.display()));
            }
        }
        for ((turn, paragraph, speech), lines) in &classes {
            println!("turn {turn:5} paragraph {paragraph:5} speech {speech:5}: {}", lines.len());
            for line in lines.iter().take(5) {
                println!("    {}", line.chars().take(100).collect::<String>());
            }
        }
    }
}
