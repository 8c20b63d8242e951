//! Whether a pattern matches a text, answered without compiling the pattern: a Thompson NFA
//! over chars, built straight from the pattern's syntax tree, run as a Pike simulation.
//!
//! Compiling a rule's pattern is the costliest thing a short run does. `regex` turns every
//! Unicode class into a UTF-8 automaton, once per occurrence (`\W{0,3}` three times), forwards
//! and in reverse: about a million instructions for a furniture pattern. Most patterns a run
//! reaches are asked only "does this line match?" a few dozen times, and answer "no": on the
//! pages of corpus/html, 55 of the 66 furniture classes searched never matched. Here a class
//! stays a list of char ranges (a binary search per char), so building costs what reading the
//! syntax tree costs, and a search costs the chars read times the states alive, which for
//! these anchored, literal-led patterns is a handful.
//!
//! The answer is `regex`'s `is_match` (a test compares the two on every shipped pattern and
//! every corpus line). Patterns with features this does not model (byte classes, CRLF mode,
//! half word boundaries) are refused by [`CharNfa::new`], and their owner compiles them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use regex_syntax::hir::{Class, ClassUnicode, Hir, HirKind, Look};

use super::scan::contains;

/// States past this many are not worth simulating: a pattern this large compiles once (the
/// shipped patterns have at most a few hundred; `\w{1000}\w{1000}` has two thousand, and a
/// pattern over `regex`'s size limit is still an error when it first needs searching).
const MAX_STATES: usize = 2_000;

/// States a pattern's searches may enter before it is compiled after all (a search of a
/// line enters tens to hundreds; compiling a pattern with Unicode classes costs about a
/// million instructions). Callgrind, `--jobs 1`, with 0 / 2 000 / 5 000 / 15 000:
/// corpus/html 1 384 / 1 247 / 1 229 / 1 211 M instructions, the generated 16 MB corpus
/// 8 942 / 8 919 / 8 916 / 8 975 M, clean200 7 217 / 7 229 / 7 245 / 7 291 M.
const SEARCH_BUDGET: usize = 5_000;

type StateId = u32;

#[derive(Debug, Clone)]
enum State {
    Char(char, StateId),
    /// Index into [`CharNfa::classes`].
    Class(u32, StateId),
    Split(StateId, StateId),
    Look(Look, StateId),
    Goto(StateId),
    Match,
}

/// A pattern as a char-level NFA, for `is_match` only.
#[derive(Debug, Clone)]
pub struct CharNfa {
    states: Vec<State>,
    classes: Vec<ClassUnicode>,
    start: StateId,
    /// Every match starts at the start of the text (`^…`): no start is tried past it.
    anchored: bool,
}

/// A pattern's simulation until its searches reach [`SEARCH_BUDGET`], for an owner that
/// compiles the pattern after that.
#[derive(Debug, Default)]
pub struct Trial {
    /// `None` inside when the simulation does not model the pattern.
    nfa: OnceLock<Option<CharNfa>>,
    /// States the simulation entered so far, all threads.
    steps: AtomicUsize,
}

impl Trial {
    /// Whether `hir` (the owner's pattern, always the same) matches somewhere in `text`;
    /// `None` once the owner's compiled pattern is to answer.
    pub fn matches(&self, hir: &Hir, text: &str) -> Option<bool> {
        if self.steps.load(Ordering::Relaxed) >= SEARCH_BUDGET {
            return None;
        }
        let nfa = self.nfa.get_or_init(|| CharNfa::new(hir)).as_ref()?;
        let searched = nfa.search(text);
        self.steps.fetch_add(searched.steps, Ordering::Relaxed);
        Some(searched.matched)
    }

    /// Whether the simulation was built (a search asked it).
    #[cfg(test)]
    pub fn started(&self) -> bool {
        self.nfa.get().is_some()
    }
}

/// What a search did: the states it entered (a measure of its cost).
pub struct Searched {
    /// Whether the pattern matches.
    pub matched: bool,
    /// States added to the simulation's sets.
    pub steps: usize,
}

impl CharNfa {
    /// The NFA of `hir`, or `None` when the pattern uses what this does not model or is
    /// larger than [`MAX_STATES`].
    pub fn new(hir: &Hir) -> Option<CharNfa> {
        let mut nfa =
            CharNfa { states: vec![State::Match], classes: Vec::new(), start: 0, anchored: false };
        nfa.start = nfa.c(hir, 0)?;
        nfa.anchored = hir.properties().look_set_prefix().contains(Look::Start);
        Some(nfa)
    }

    fn push(&mut self, s: State) -> Option<StateId> {
        if self.states.len() >= MAX_STATES {
            return None;
        }
        self.states.push(s);
        StateId::try_from(self.states.len() - 1).ok()
    }

    /// Compiles `hir` so that a path through it continues at `next`; returns its start.
    fn c(&mut self, hir: &Hir, next: StateId) -> Option<StateId> {
        match hir.kind() {
            HirKind::Empty => Some(next),
            HirKind::Literal(lit) => {
                let text = std::str::from_utf8(&lit.0).ok()?;
                text.chars().rev().try_fold(next, |n, ch| self.push(State::Char(ch, n)))
            }
            HirKind::Class(Class::Unicode(cls)) => {
                let i = u32::try_from(self.classes.len()).ok()?;
                self.classes.push(cls.clone());
                self.push(State::Class(i, next))
            }
            // Byte classes only come with `(?-u)`, which no rule uses.
            HirKind::Class(Class::Bytes(_)) => None,
            HirKind::Look(look) => match look {
                Look::Start
                | Look::End
                | Look::StartLF
                | Look::EndLF
                | Look::WordAscii
                | Look::WordAsciiNegate
                | Look::WordUnicode
                | Look::WordUnicodeNegate => self.push(State::Look(*look, next)),
                _ => None,
            },
            HirKind::Capture(cap) => self.c(&cap.sub, next),
            HirKind::Concat(subs) => subs.iter().rev().try_fold(next, |n, sub| self.c(sub, n)),
            HirKind::Alternation(subs) => {
                let mut starts =
                    subs.iter().map(|sub| self.c(sub, next)).collect::<Option<Vec<_>>>()?;
                let mut s = starts.pop()?;
                while let Some(alt) = starts.pop() {
                    s = self.push(State::Split(alt, s))?;
                }
                Some(s)
            }
            // Greedy or lazy makes no difference to whether there is a match.
            HirKind::Repetition(rep) => {
                let mut s = match rep.max {
                    Some(max) => {
                        let mut s = next;
                        for _ in rep.min..max {
                            let once = self.c(&rep.sub, s)?;
                            s = self.push(State::Split(once, next))?;
                        }
                        s
                    }
                    None => {
                        let lp = self.push(State::Goto(next))?;
                        let once = self.c(&rep.sub, lp)?;
                        self.states[lp as usize] = State::Split(once, next);
                        lp
                    }
                };
                for _ in 0..rep.min {
                    s = self.c(&rep.sub, s)?;
                }
                Some(s)
            }
        }
    }

    /// Whether the pattern matches somewhere in `text`, and what finding out cost.
    pub fn search(&self, text: &str) -> Searched {
        let n = self.states.len();
        let mut sets = [Set::new(n), Set::new(n)];
        let mut stack = Vec::new();
        let mut steps = 0;
        let mut at = 0;
        loop {
            let [now, _] = &mut sets;
            if (at == 0 || !self.anchored)
                && self.close(self.start, text, at, now, &mut stack, &mut steps)
            {
                return Searched { matched: true, steps };
            }
            let Some(ch) = text[at..].chars().next() else { break };
            let after = at + ch.len_utf8();
            let [now, then] = &mut sets;
            then.clear();
            for &s in &now.dense {
                let next = match self.states[s as usize] {
                    State::Char(want, next) if want == ch => next,
                    State::Class(i, next) if contains(&self.classes[i as usize], ch) => next,
                    _ => continue,
                };
                if self.close(next, text, after, then, &mut stack, &mut steps) {
                    return Searched { matched: true, steps };
                }
            }
            sets.swap(0, 1);
            at = after;
            if self.anchored && sets[0].dense.is_empty() {
                break;
            }
        }
        Searched { matched: false, steps }
    }

    /// Adds `from` and every state reachable from it without reading a char at `at` to
    /// `set`; true when that reaches the match.
    fn close(
        &self,
        from: StateId,
        text: &str,
        at: usize,
        set: &mut Set,
        stack: &mut Vec<StateId>,
        steps: &mut usize,
    ) -> bool {
        stack.push(from);
        while let Some(s) = stack.pop() {
            if !set.insert(s) {
                continue;
            }
            *steps += 1;
            match self.states[s as usize] {
                State::Match => {
                    stack.clear();
                    return true;
                }
                State::Goto(next) => stack.push(next),
                State::Split(a, b) => {
                    stack.push(b);
                    stack.push(a);
                }
                State::Look(look, next) => {
                    if holds(look, text, at) {
                        stack.push(next);
                    }
                }
                State::Char(..) | State::Class(..) => {}
            }
        }
        false
    }
}

/// A set of states in insertion order, cleared in constant time.
struct Set {
    dense: Vec<StateId>,
    sparse: Vec<u32>,
}

impl Set {
    fn new(n: usize) -> Set {
        Set { dense: Vec::with_capacity(n.min(64)), sparse: vec![0; n] }
    }

    fn insert(&mut self, s: StateId) -> bool {
        let i = self.sparse[s as usize] as usize;
        if self.dense.get(i) == Some(&s) {
            return false;
        }
        self.sparse[s as usize] = self.dense.len() as u32;
        self.dense.push(s);
        true
    }

    fn clear(&mut self) {
        self.dense.clear();
    }
}

/// Whether `look` holds at byte `at` of `text` (as `regex` reads it on a `&str`).
fn holds(look: Look, text: &str, at: usize) -> bool {
    let before = text[..at].chars().next_back();
    let after = text[at..].chars().next();
    let ascii = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let unicode = |c: Option<char>| {
        c.is_some_and(|c| regex_syntax::try_is_word_character(c).expect("Unicode word data"))
    };
    match look {
        Look::Start => at == 0,
        Look::End => at == text.len(),
        Look::StartLF => before.is_none_or(|c| c == '\n'),
        Look::EndLF => after.is_none_or(|c| c == '\n'),
        Look::WordAscii => ascii(before) != ascii(after),
        Look::WordAsciiNegate => ascii(before) == ascii(after),
        Look::WordUnicode => unicode(before) != unicode(after),
        Look::WordUnicodeNegate => unicode(before) == unicode(after),
        _ => unreachable!("refused by CharNfa::new"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(pattern: &str, texts: &[&str]) {
        let re = regex::Regex::new(pattern).unwrap();
        let nfa = CharNfa::new(&regex_syntax::parse(pattern).unwrap()).expect(pattern);
        for t in texts {
            assert_eq!(nfa.search(t).matched, re.is_match(t), "{pattern:?} on {t:?}");
        }
    }

    const TEXTS: &[&str] = &[
        "",
        "a",
        "\n",
        "word",
        "a word here",
        "swordfish",
        "中文 word 中文",
        "中文word中文",
        "— END —",
        "END",
        "x\nEND\n",
        "首页 | 登录",
        "请关注我们的公众号",
        "12 篇原创内容",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
        "é_ü",
    ];

    #[test]
    fn answers_as_regex_on_each_feature() {
        for p in [
            "",
            "a",
            "^$",
            "^",
            "$",
            r"^\W*(END|FIN)\W*$",
            r"(?m)^END$",
            r"\bword\b",
            r"(?-u:\b)word(?-u:\b)",
            r"\Bor\B",
            r"(?i)end",
            r"(关注|關注).{0,12}(公众号|我们)",
            r"^\d+\s*篇原创内容$",
            r"(a*)*b",
            r"(a|aa)*ab",
            r"a{3,5}b",
            r"a{2,}",
            r"(?:x?)*y",
            r"[\p{Han}_]{2}",
            r"^.*$",
            r"(?s)^.*$",
        ] {
            check(p, TEXTS);
        }
    }

    /// Every string of the shipped pipeline and rule files that is a regex (with its
    /// variant for multi-line texts), against `regex` on every corpus line, on each line
    /// with marks around it and on pairs of lines.
    #[test]
    fn shipped_patterns_answer_as_regex_on_the_corpus() {
        fn strings(v: &toml::Value, out: &mut Vec<String>) {
            match v {
                toml::Value::String(s) => out.push(s.clone()),
                toml::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
                toml::Value::Table(t) => t.values().for_each(|x| strings(x, out)),
                _ => {}
            }
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines");
        let mut found = Vec::new();
        for f in crate::input::files_under(&dir, &["toml"]) {
            let text = std::fs::read_to_string(&f).unwrap();
            strings(&toml::from_str::<toml::Value>(&text).unwrap(), &mut found);
        }
        found.sort();
        found.dedup();
        let corpus = crate::testing::corpus_text();
        let mut lines: Vec<&str> =
            corpus.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        lines.sort_unstable();
        lines.dedup();
        let texts: Vec<String> = (lines.iter().map(|l| l.to_string()))
            .chain(lines.iter().map(|l| format!("【 {l} 】")))
            .chain(lines.windows(2).step_by(7).map(|w| format!("{}\n{}", w[0], w[1])))
            .collect();
        let (mut modelled, mut patterns) = (0, 0);
        for p in &found {
            let (Ok(re), Ok(hir)) = (regex::Regex::new(p), regex_syntax::parse(p)) else {
                continue;
            };
            if !p.chars().any(|c| "\\[]()^$.*+?|{}".contains(c)) {
                continue;
            }
            patterns += 1;
            let Some(nfa) = CharNfa::new(&hir) else { continue };
            modelled += 1;
            for t in &texts {
                assert_eq!(nfa.search(t).matched, re.is_match(t), "{p:?} on {t:?}");
            }
        }
        assert!(patterns > 200 && modelled == patterns, "{modelled} of {patterns} modelled");
        let big = regex_syntax::parse(r"\w{1000}\w{1000}").unwrap();
        assert!(CharNfa::new(&big).is_none(), "too large to simulate");
    }

    #[test]
    fn unmodelled_features_are_refused() {
        for p in [r"(?-u:[a-z])", r"(?mR)^a$", r"\b{start}a"] {
            assert!(CharNfa::new(&regex_syntax::parse(p).unwrap()).is_none(), "{p}");
        }
    }
}
