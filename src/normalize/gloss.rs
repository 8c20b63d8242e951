//! Bilingual glosses (`中文词（English term）`) and English-paragraph detection.

use std::path::Path;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use regex::Regex;
use serde::Deserialize;

use super::punct::is_han;
use crate::error::{Error, Result};
use crate::resources::Resources;
use crate::toml_error::describe_toml_error;

/// A Chinese term glossed in English by the text itself.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
pub struct Gloss {
    pub zh: String,
    pub en: String,
}

/// Longest unquoted term taken, in characters.
const MAX_TERM: usize = 8;

/// Longest quoted term and unquoted Han run of a gloss, in characters.
const MAX_QUOTED: usize = 24;
const MAX_RUN: usize = 40;

/// Group 1: a quoted term; group 2: a run of Han (and middle dot) right before the
/// parenthesis; group 3: the parenthesised English. `{q}` and `{r}` are the repetitions of
/// the quoted term and of the run.
fn gloss_pattern(q: &str, r: &str) -> String {
    format!(
        concat!(
            r#"(?:[“「『‘\x22]([^“”「」『』‘’\x22\n，,。！？；;!?]{q})[”」』’\x22]|"#,
            r"([\p{{Han}}·・]{r}))",
            r"\s?[（(]\s*([A-Za-z][A-Za-z0-9 .,'’&/+:;\-]{{0,120}}?)\s*[)）]"
        ),
        q = q,
        r = r
    )
}

/// The definition of a gloss: at most [`MAX_QUOTED`] quoted characters, at most
/// [`MAX_RUN`] Han characters.
fn gloss_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let (q, r) = (format!("{{1,{MAX_QUOTED}}}"), format!("{{1,{MAX_RUN}}}"));
        Regex::new(&gloss_pattern(&q, &r)).expect("valid regex")
    })
}

/// [`gloss_re`] with unbounded repetitions: a bounded repetition of a large Unicode class
/// compiles to one copy of the class per repeat, and searching with captures through forty
/// copies of `\p{Han}` was most of the cost of glosses. Its leftmost match is
/// [`gloss_re`]'s, or starts earlier in one of two ways (the proof is in [`captures`]).
fn gloss_re_unbounded() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(&gloss_pattern("+", "+")).expect("valid regex"))
}

/// The words after which an unquoted glossed term starts (`pipelines/glosses.toml`): titles
/// before a name, naming verbs, function words. Loaded with the normalize stage; the
/// shipped list is [`Glosses::builtin`].
#[derive(Debug, Clone)]
pub struct Glosses {
    boundaries: AhoCorasick,
}

/// A gloss file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GlossFile {
    boundaries: Vec<String>,
}

impl Glosses {
    /// Reads a gloss file (TOML with a `boundaries` list); errors name `path`, and the line
    /// and key for TOML errors.
    pub fn parse(text: &str, path: &Path) -> Result<Glosses> {
        let err = |message| Error::Rules { path: path.to_owned(), message };
        let file: GlossFile =
            toml::from_str(text).map_err(|e| err(describe_toml_error(text, &e)))?;
        if let Some(i) = file.boundaries.iter().position(|w| w.trim().is_empty()) {
            return Err(err(format!("boundaries: word {} is empty", i + 1)));
        }
        let boundaries = AhoCorasick::new(&file.boundaries).map_err(|e| err(e.to_string()))?;
        Ok(Glosses { boundaries })
    }

    /// The shipped list (`pipelines/glosses.toml`, compiled in).
    pub fn builtin() -> &'static Glosses {
        static BUILTIN: OnceLock<Glosses> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            let (path, text) =
                Resources::builtin().read("glosses.toml").expect("glosses.toml is built in");
            Glosses::parse(&text, &path).expect("the built-in gloss file is valid")
        })
    }

    /// Extracts `中文词（English term）`, `“中文”（English）` and `中文词(English)` pairs, in
    /// text order, without duplicates. A quoted Chinese term is taken whole; an unquoted one
    /// is the Han run before the parenthesis cut after the last boundary word (称为, 的, 是,
    /// 在, 一种…) and to at most eight characters. The parenthesis must start with a Latin
    /// letter and hold only Latin text (so `（2024年）` or `（注）` are not glosses).
    pub fn extract(&self, text: &str) -> Vec<Gloss> {
        let mut out: Vec<Gloss> = Vec::new();
        // Seen pairs: a scan of `out` per gloss made a line of many distinct glosses
        // quadratic.
        let mut seen: rustc_hash::FxHashSet<(&str, &str)> = rustc_hash::FxHashSet::default();
        for found in captures(text) {
            let zh = match found.term {
                Term::Quoted(q) => q.trim(),
                Term::Run(run) => self.trailing_term(run),
            };
            let en = found.english.trim();
            if !zh.chars().any(is_han) || !en.chars().any(|c| c.is_ascii_alphabetic()) {
                continue;
            }
            if seen.insert((zh, en)) {
                out.push(Gloss { zh: zh.to_string(), en: en.to_string() });
            }
        }
        out
    }

    /// The trailing term of an unquoted Han run: what follows the last boundary word, at
    /// most [`MAX_TERM`] characters. Each boundary word counts at its last occurrence only,
    /// and not when that occurrence ends the run.
    fn trailing_term<'a>(&self, run: &'a str) -> &'a str {
        // One overlapping search instead of a reverse substring search per boundary word.
        let mut last = vec![usize::MAX; self.boundaries.patterns_len()];
        for m in self.boundaries.find_overlapping_iter(run) {
            let k = m.pattern().as_usize();
            last[k] = if last[k] == usize::MAX { m.end() } else { last[k].max(m.end()) };
        }
        let start = last.iter().filter(|e| **e != usize::MAX && **e < run.len()).max().copied();
        let term = &run[start.unwrap_or(0)..];
        let n = term.chars().count();
        if n > MAX_TERM {
            let skip: usize = term.chars().take(n - MAX_TERM).map(char::len_utf8).sum();
            &term[skip..]
        } else {
            term
        }
    }
}

/// [`Glosses::extract`] with the shipped boundary words.
pub fn extract_glosses(text: &str) -> Vec<Gloss> {
    Glosses::builtin().extract(text)
}

/// One match of [`gloss_re`].
#[derive(Debug, PartialEq)]
struct Found<'a> {
    term: Term<'a>,
    english: &'a str,
    /// Byte offset of the match's end.
    end: usize,
}

#[derive(Debug, PartialEq)]
enum Term<'a> {
    Quoted(&'a str),
    Run(&'a str),
}

impl<'a> Found<'a> {
    fn of(cap: &regex::Captures<'a>) -> Found<'a> {
        let term = match (cap.get(1), cap.get(2)) {
            (Some(q), _) => Term::Quoted(q.as_str()),
            (None, Some(run)) => Term::Run(run.as_str()),
            _ => unreachable!("one of the two alternatives matched"),
        };
        let end = cap.get(0).expect("group 0").end();
        Found { term, english: cap.get(3).expect("group 3").as_str(), end }
    }
}

/// The last `n` characters of `s`.
fn last_chars(s: &str, n: usize) -> &str {
    s.char_indices().rev().nth(n - 1).map_or(s, |(i, _)| &s[i..])
}

/// What `gloss_re().captures_iter(text)` gives. Every gloss holds an opening parenthesis
/// followed by a Latin letter (after optional space) and starts at most [`MAX_BEFORE_PAREN`]
/// bytes before it: the regex searches from there, not over the whole line (most lines have
/// no such parenthesis at all). No match can start earlier, and the pattern looks neither
/// behind nor ahead, so this finds the same matches.
///
/// The search runs [`gloss_re_unbounded`], whose matches are a superset of [`gloss_re`]'s
/// at every start, so its leftmost match starts no later. Where it starts earlier, it
/// either (a) took more than [`MAX_RUN`] Han characters: every character between its start
/// and the bounded pattern's start is Han, so no other match starts there, and the bounded
/// match ends at the same place with the run's last [`MAX_RUN`] characters; or (b) quoted
/// more than [`MAX_QUOTED`] characters: then the bounded pattern is asked (rare).
/// At the same start both patterns try the quoted term first and a quoted term has one
/// possible end (it holds no quotes), so they agree unless (b).
fn captures(text: &str) -> impl Iterator<Item = Found<'_>> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        let paren = latin_paren(text, pos)?;
        let from = paren.saturating_sub(MAX_BEFORE_PAREN);
        let from = if from <= pos { pos } else { crate::utf8::floor_boundary(text, from) };
        let mut found = Found::of(&gloss_re_unbounded().captures_at(text, from)?);
        match found.term {
            Term::Quoted(q) if q.chars().nth(MAX_QUOTED).is_some() => {
                found = Found::of(&gloss_re().captures_at(text, from)?);
            }
            Term::Run(run) => found.term = Term::Run(last_chars(run, MAX_RUN)),
            Term::Quoted(_) => {}
        }
        pos = found.end;
        Some(found)
    })
}

/// Most bytes a gloss match spans before its opening parenthesis: 40 Han characters (or a
/// quoted term: two quotes and 24 characters) and one white-space character.
const MAX_BEFORE_PAREN: usize = 40 * 4 + 4;

/// The first `(` or `（` at or after byte `from` that is followed, after optional white
/// space, by an ASCII letter: what the gloss pattern's `[（(]\s*([A-Za-z]` needs.
fn latin_paren(text: &str, from: usize) -> Option<usize> {
    let b = text.as_bytes();
    let latin_after = |i: usize| {
        text[i..].chars().find(|c| !c.is_whitespace()).is_some_and(|c| c.is_ascii_alphabetic())
    };
    let mut i = from;
    // 0xEF only ever leads a character; `（` is EF BC 88.
    while let Some(k) = memchr::memchr2(b'(', 0xEF, &b[i..]) {
        let at = i + k;
        let open = if b[at] == b'(' {
            1
        } else if b[at..].starts_with("（".as_bytes()) {
            3
        } else {
            0
        };
        if open > 0 && latin_after(at + open) {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// True when `text` is written in English: it has at least three Latin words, Latin letters
/// make up at least 85% of its letters (Latin + Han), and it has no more than a few Han
/// characters (a quoted Chinese name may appear). URLs, e-mail addresses and code do not count.
pub fn is_english(text: &str) -> bool {
    let spans = super::punct::protected(text);
    if spans.is_empty() {
        return english_counts(text);
    }
    let mut plain = String::with_capacity(text.len());
    let mut last = 0;
    for (s, e) in spans {
        plain.push_str(&text[last..s]);
        last = e;
    }
    plain.push_str(&text[last..]);
    english_counts(&plain)
}

/// [`is_english`] on text without protected spans, in one pass: Latin letters, Han
/// characters, and words (runs of Latin letters and apostrophes, at least two long).
fn english_counts(text: &str) -> bool {
    let (mut latin, mut han, mut words, mut run) = (0usize, 0usize, 0usize, 0usize);
    for c in text.chars() {
        if c.is_ascii_alphabetic() || c == '\'' {
            latin += usize::from(c != '\'');
            run += 1;
            continue;
        }
        words += usize::from(run >= 2);
        run = 0;
        if is_han(c) {
            han += 1;
            // The count only grows: a Chinese line is decided by its ninth Han character.
            if han > MAX_HAN {
                return false;
            }
        }
    }
    words += usize::from(run >= 2);
    words >= 3 && latin * 100 >= 85 * (latin + han * 2)
}

/// Most Han characters an English paragraph may hold (a quoted name).
const MAX_HAN: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(text: &str) -> Vec<Found<'_>> {
        gloss_re().captures_iter(text).map(|c| Found::of(&c)).collect()
    }
    fn windowed(text: &str) -> Vec<Found<'_>> {
        captures(text).collect()
    }

    fn pairs(text: &str) -> Vec<(String, String)> {
        extract_glosses(text).into_iter().map(|g| (g.zh, g.en)).collect()
    }

    #[test]
    fn glosses() {
        assert_eq!(
            pairs("变革形容为一场“超音速海啸”(supersonic tsunami)。"),
            [("超音速海啸".into(), "supersonic tsunami".into())]
        );
        assert_eq!(
            pairs("需要经过一系列变压器（transformers）才能"),
            [("变压器".into(), "transformers".into())]
        );
        assert_eq!(pairs("在孟菲斯(Memphis)建"), [("孟菲斯".into(), "Memphis".into())]);
        assert_eq!(pairs("于是（2024年）"), Vec::<(String, String)>::new());
    }

    /// The windowed search finds the same matches as a plain `captures_iter` over the whole
    /// text.
    #[test]
    fn windowed_search_matches_whole_text_search() {
        let mut texts: Vec<String> = vec![
            format!("{}（Long Han Run）", "中".repeat(60)),
            format!("{}·{}（Dotted Run）", "中".repeat(30), "名".repeat(20)),
            format!("“{}”（Quoted）", "引".repeat(24)),
            format!("“{}”（Quoted Too Long）", "引".repeat(25)),
            format!("“很长的引文中文(Inner){}”(Outer)", "引".repeat(30)),
            format!("“短(Inner)”(Outer) 和“{}(In)”(Out)", "长".repeat(30)),
            "f(x) 和 g（y）是 函数 (Function) 与“A(b”(C)".to_string(),
            format!("{}a{}（Name）", "字".repeat(50), "词".repeat(45)),
            format!("{} （Spaced）又{}(Two)", "甲".repeat(41), "乙".repeat(40)),
        ];
        texts.extend(super::super::corpus_texts());
        for t in &texts {
            assert_eq!(windowed(t), whole(t), "{t:?}");
        }
    }

    /// The same on random texts over the characters the pattern cares about, with long
    /// Han runs and quotes (a fixed-seed generator: the test is deterministic).
    #[test]
    fn windowed_search_matches_on_random_texts() {
        const PIECES: &[&str] = &[
            "中", "文", "名", "·", "“", "”", "\"", "「", "」", "(", ")", "（", "）", " ", "A", "b",
            "Tx", "。", "，", "9", "的", "称为", "\n",
        ];
        let mut rng = crate::testing::Xorshift::default();
        let mut next = |n: usize| rng.below(n);
        for _ in 0..4000 {
            let mut text = String::new();
            for _ in 0..next(160) {
                // Long runs of one piece make the 24- and 40-character limits matter.
                let piece = PIECES[next(PIECES.len())];
                let repeat = if next(4) == 0 { 1 + next(50) } else { 1 };
                text.push_str(&piece.repeat(repeat));
            }
            assert_eq!(windowed(&text), whole(&text), "{text:?}");
        }
    }

    #[test]
    fn a_gloss_file_sets_where_an_unquoted_term_starts() {
        let text = "公司新任首席科学官李明（Ming Li）表示";
        // The shipped words: the term is the run's last eight characters.
        assert_eq!(pairs(text), [("任首席科学官李明".into(), "Ming Li".into())]);
        let path = Path::new("my-glosses.toml");
        let own = Glosses::parse("boundaries = [\"科学官\", \"的\"]\n", path).unwrap();
        let got: Vec<_> = own.extract(text).into_iter().map(|g| g.zh).collect();
        assert_eq!(got, ["李明"]);

        for (bad, want) in [
            ("boundaries = [\"的\", \" \"]\n", "word 2 is empty"),
            ("boundary = [\"的\"]\n", "boundary"),
            ("boundaries = \"的\"\n", "line 1"),
        ] {
            let err = Glosses::parse(bad, path).unwrap_err().to_string();
            assert!(err.contains("my-glosses.toml") && err.contains(want), "{bad:?}: {err}");
        }
    }

    #[test]
    fn english() {
        assert!(is_english("Elon Musk on the Future of AI, Energy and Robots"));
        assert!(!is_english("马斯克谈人工智能 AI 的未来"));
        assert!(!is_english("OK"));
    }
}
