//! Whether any of a set of patterns matches a line, for the many line classes that are asked
//! nothing else (furniture classes, markers, card anchors).
//!
//! `regex::RegexSet` answers that too, but builds for every question it can be asked: a
//! reverse automaton for match positions, a one-pass DFA and a backtracker for captures,
//! and all of it for every pattern before the first line. A set of patterns full of Unicode
//! classes (`\W`, `\S`) was the costliest thing strip built, and its union made a lazy DFA
//! whose states multiply (each pattern's bounded repetitions counted together) so that most
//! searches built new states. Here:
//!
//! - each pattern has the literals every match of it needs (see `needs`): a line that
//!   contains none of a pattern's literals is not searched for it, and most lines of an
//!   article name no furniture word;
//! - each pattern is its own automaton, built when a line first needs it searched: the
//!   forward automaton only, searched by the lazy DFA (by the PikeVM when the lazy DFA gives
//!   up, as `regex` does); its first searches are simulated without building it (see
//!   `sim`), and most patterns a run reaches never get further.
//!
//! The answer is `RegexSet::is_match`'s.

use std::fmt;
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::sync::OnceLock;

use regex_automata::hybrid::dfa::{Cache as DfaCache, Config as DfaConfig, DFA};
use regex_automata::nfa::thompson::pikevm::{Cache as VmCache, PikeVM};
use regex_automata::nfa::thompson::{Compiler, Config as NfaConfig, WhichCaptures};
use regex_automata::util::pool::Pool;
use regex_automata::{Input, MatchKind};
use regex_syntax::hir::Hir;

use super::needs::required_literals;
use super::scan::Literals;
use super::sim::Trial;

/// `regex`'s default limit on a compiled program's size.
const NFA_SIZE_LIMIT: usize = 10 << 20;

/// The lazy DFA's default cache (`regex`'s `dfa_size_limit`).
pub const DEFAULT_DFA_BYTES: usize = 2 << 20;

/// Patterns past this many have no bit in the literal scan and are searched on every text.
const MAX_FILTERED: usize = 128;

/// Why a pattern of an [`AnyMatch`] cannot be searched.
#[derive(Debug, thiserror::Error)]
pub enum SetError {
    /// The pattern is not a regex; the message is `regex`'s for it.
    #[error("{0}")]
    Syntax(Box<regex_syntax::Error>),
    /// The pattern's automaton is over `regex`'s size limit.
    #[error("{pattern}: {source}")]
    Build {
        /// The pattern as written.
        pattern: String,
        /// The automaton builder's error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

type BuildError = Box<dyn std::error::Error + Send + Sync>;

type CacheFn = Box<dyn Fn() -> Caches + Send + Sync + UnwindSafe + RefUnwindSafe>;

struct Caches {
    dfa: DfaCache,
    vm: VmCache,
}

/// One pattern's automata, built on its first search.
struct Engine {
    dfa: DFA,
    vm: PikeVM,
    caches: Pool<Caches, CacheFn>,
}

impl Engine {
    fn new(hir: &Hir, dfa_bytes: usize) -> Result<Engine, BuildError> {
        let nfa = Compiler::new()
            .configure(
                NfaConfig::new()
                    .which_captures(WhichCaptures::None)
                    .nfa_size_limit(Some(NFA_SIZE_LIMIT)),
            )
            .build_from_hir(hir)?;
        // As `regex` configures its lazy DFA: it gives up (and the PikeVM searches) when
        // its cache is cleared too often to pay, and quits on non-ASCII text around a
        // Unicode word boundary.
        let dfa = DFA::builder()
            .configure(
                DfaConfig::new()
                    .match_kind(MatchKind::All)
                    .cache_capacity(dfa_bytes)
                    .skip_cache_capacity_check(true)
                    .minimum_cache_clear_count(Some(3))
                    .minimum_bytes_per_state(Some(10))
                    .unicode_word_boundary(true),
            )
            .build_from_nfa(nfa.clone())?;
        let vm = PikeVM::builder()
            .configure(PikeVM::config().match_kind(MatchKind::All))
            .build_from_nfa(nfa)?;
        let (d, v) = (dfa.clone(), vm.clone());
        let create: CacheFn =
            Box::new(move || Caches { dfa: d.create_cache(), vm: v.create_cache() });
        Ok(Engine { dfa, vm, caches: Pool::new(create) })
    }

    fn is_match(&self, text: &str) -> bool {
        let mut caches = self.caches.get();
        let input = Input::new(text).earliest(true);
        match self.dfa.try_search_fwd(&mut caches.dfa, &input) {
            Ok(found) => found.is_some(),
            Err(_) => self.vm.is_match(&mut caches.vm, input),
        }
    }
}

/// A pattern, its syntax checked, simulated on its first searches and compiled once they
/// cost what compiling it would (see [`super::sim`]).
struct Pattern {
    text: String,
    hir: Hir,
    trial: Trial,
    engine: OnceLock<Engine>,
}

/// A set of patterns asked only whether one of them matches (see the module doc).
pub struct AnyMatch {
    patterns: Vec<Pattern>,
    dfa_bytes: usize,
    /// Which patterns' literals occur in a text: pattern `i < MAX_FILTERED` is bit `i`.
    literals: Literals<u128>,
    /// Patterns with a bit in `literals` (each needs a literal).
    filtered: u128,
}

impl AnyMatch {
    /// Reads `patterns` as `regex` does (the error is `regex`'s text for the pattern at
    /// fault); they compile when a text first needs them. `dfa_bytes` is each lazy DFA's
    /// cache (see [`DEFAULT_DFA_BYTES`]).
    pub fn new<P: AsRef<str>>(patterns: &[P], dfa_bytes: usize) -> Result<AnyMatch, SetError> {
        let patterns = patterns
            .iter()
            .map(|p| {
                let text = p.as_ref();
                let hir = regex_syntax::ParserBuilder::new().build().parse(text);
                let hir = hir.map_err(|e| SetError::Syntax(Box::new(e)))?;
                Ok(Pattern {
                    text: text.to_owned(),
                    hir,
                    trial: Trial::default(),
                    engine: OnceLock::new(),
                })
            })
            .collect::<Result<Vec<_>, SetError>>()?;
        let needs: Vec<Option<Vec<Vec<u8>>>> =
            patterns.iter().take(MAX_FILTERED).map(|p| required_literals(&p.hir)).collect();
        let filtered = (needs.iter().enumerate())
            .filter(|(_, n)| n.is_some())
            .fold(0u128, |acc, (i, _)| acc | 1 << i);
        let literals = Literals::new(
            (needs.iter().enumerate())
                .filter_map(|(i, n)| n.as_deref().map(|set| (1u128 << i, set))),
        );
        Ok(AnyMatch { patterns, dfa_bytes, literals, filtered })
    }

    /// Its literals, to join a [`SharedScan`](super::SharedScan).
    pub fn literal_set(&mut self) -> &mut dyn super::LiteralSet {
        &mut self.literals
    }

    /// Compiles every pattern now (what a first search of each would do): the one error
    /// left, regex's size limit, shows before any text.
    pub fn compile_all(&self) -> Result<(), SetError> {
        self.patterns.iter().try_for_each(|p| self.engine(p).map(drop))
    }

    fn engine<'a>(&self, p: &'a Pattern) -> Result<&'a Engine, SetError> {
        if let Some(e) = p.engine.get() {
            return Ok(e);
        }
        let e = Engine::new(&p.hir, self.dfa_bytes)
            .map_err(|source| SetError::Build { pattern: p.text.clone(), source })?;
        // Two threads may both compile it; either copy is the same automaton.
        Ok(p.engine.get_or_init(|| e))
    }

    /// Whether one of the patterns matches somewhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.first_match(text).is_some()
    }

    /// The first of the patterns, in their order, that matches somewhere in `text`.
    pub fn first_match(&self, text: &str) -> Option<usize> {
        let found = match self.filtered {
            0 => 0,
            f => self.literals.find(text, f),
        };
        // Only the patterns a text may match are visited: most lines name none of a
        // class's literals, and stepping over a hundred patterns to find that out cost
        // more than the scan.
        let head = self.patterns.len().min(MAX_FILTERED);
        let all = u128::MAX.checked_shr((u128::BITS as usize - head) as u32).unwrap_or(0);
        let mut candidates = (!self.filtered | found) & all;
        while candidates != 0 {
            let i = candidates.trailing_zeros() as usize;
            if self.pattern_matches(&self.patterns[i], text) {
                return Some(i);
            }
            candidates &= candidates - 1;
        }
        (self.patterns.iter().enumerate().skip(head))
            .find(|(_, p)| self.pattern_matches(p, text))
            .map(|(i, _)| i)
    }

    fn pattern_matches(&self, p: &Pattern, text: &str) -> bool {
        if let Some(found) =
            p.engine.get().is_none().then(|| p.trial.matches(&p.hir, text)).flatten()
        {
            return found;
        }
        self.engine(p)
            .unwrap_or_else(|e| panic!("pattern over regex's size limit: {e}"))
            .is_match(text)
    }
}

impl fmt::Debug for AnyMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let texts: Vec<&str> = self.patterns.iter().map(|p| p.text.as_str()).collect();
        f.debug_tuple("AnyMatch").field(&texts).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Patterns of the shapes the furniture classes use, with and without required literals.
    const PATTERNS: &[&str] = &[
        r"(关注|關注).{0,12}(公众号|我们)",
        r"^\W*(首页|登录)\W*$",
        r"^\d+\s*篇原创内容$",
        r"[^\s\-=]\s*(>|»)\s*[^\s<>]*[^\s<>\-=]\s*(>|»)\s*\S",
        r"^[\W_]*(END|FIN)[\W_]*$",
        r"\bword\b",
    ];

    const TEXTS: &[&str] = &[
        "",
        "请关注我们的公众号",
        "关注",
        "首页 | 登录",
        "首页 新闻",
        "12 篇原创内容",
        "12篇原创内容 ",
        "首页 > 新闻 > 正文",
        "a->b->c",
        "— END —",
        "THE END of it",
        "a word here",
        "swordfish",
        "中文 word 中文",
        "中文word中文",
        "普通的一句话。",
    ];

    #[test]
    fn answers_as_a_regex_set() {
        for n in 1..=PATTERNS.len() {
            let set = regex::RegexSet::new(&PATTERNS[..n]).unwrap();
            let any = AnyMatch::new(&PATTERNS[..n], DEFAULT_DFA_BYTES).unwrap();
            for t in TEXTS {
                assert_eq!(any.is_match(t), set.is_match(t), "{n} patterns, {t:?}");
            }
        }
        // No literal is needed by `\S+`: every text is searched.
        let any = AnyMatch::new(&[r"\S+", "关注"], DEFAULT_DFA_BYTES).unwrap();
        assert_eq!(any.filtered, 0b10);
        assert!(any.is_match("x") && !any.is_match(" ") && any.is_match(" 关注 "));
        // Only the patterns a text needs searched are searched; the first searches simulate
        // the pattern, and it compiles once they have cost what compiling would.
        let any = AnyMatch::new(PATTERNS, DEFAULT_DFA_BYTES).unwrap();
        assert!(!any.is_match("普通的一句话。"));
        assert!(any.patterns[..5].iter().all(|p| p.engine.get().is_none() && !p.trial.started()));
        assert!(any.is_match("12篇原创内容"));
        assert!(any.patterns[2].trial.started() && !any.patterns[0].trial.started());
        assert!(any.patterns.iter().all(|p| p.engine.get().is_none()));
        let mut searches = 0;
        while any.patterns[2].engine.get().is_none() {
            assert!(any.is_match("12篇原创内容") && !any.is_match("12篇原创内容 "));
            searches += 1;
        }
        assert!(searches > 10 && any.is_match("12篇原创内容") && !any.is_match("12篇原创内容 "));
        assert_eq!(any.first_match("— 首页 —"), Some(1));
        assert_eq!(any.first_match("— END —"), Some(4));
        assert_eq!(any.first_match("普通的一句话。"), None);
        // Past the patterns the literal scan has bits for, the rest are searched in order.
        let many: Vec<String> = (0..MAX_FILTERED + 12)
            .map(|i| match i % 3 {
                0 => format!("{}{i}x", PATTERNS[i / 3 % PATTERNS.len()]),
                1 => format!(r"^\W*{i}\W*$"),
                _ => PATTERNS[i % PATTERNS.len()].to_string(),
            })
            .collect();
        let set = regex::RegexSet::new(&many).unwrap();
        let any = AnyMatch::new(&many, DEFAULT_DFA_BYTES).unwrap();
        let texts =
            TEXTS.iter().map(|t| t.to_string()).chain((0..many.len()).map(|i| format!("-{i}-")));
        for t in texts {
            assert_eq!(any.first_match(&t), set.matches(&t).iter().next(), "{t:?}");
        }
        let none = AnyMatch::new::<&str>(&[], DEFAULT_DFA_BYTES).unwrap();
        assert!(!none.is_match("anything"));
    }

    /// The shipped furniture classes against `RegexSet` on every corpus line (trimmed, as
    /// strip asks), and on each line with marks before it.
    #[test]
    fn shipped_classes_answer_as_a_regex_set_on_the_corpus() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/pipelines/rules/boilerplate.toml");
        let def: toml::Table = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let text = crate::testing::corpus_text();
        let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        for key in ["furniture", "markers", "leads", "cards"] {
            let patterns: Vec<&str> =
                def[key].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
            let set = regex::RegexSet::new(&patterns).unwrap();
            let any = AnyMatch::new(&patterns, DEFAULT_DFA_BYTES).unwrap();
            for line in &lines {
                let marked = format!("【 {line}");
                for t in [*line, marked.as_str()] {
                    assert_eq!(any.first_match(t), set.matches(t).iter().next(), "{key}: {t:?}");
                }
            }
        }
    }

    #[test]
    fn errors_are_regex_errors() {
        let big = AnyMatch::new(&[r"\w{1000}\w{1000}"], DEFAULT_DFA_BYTES).unwrap();
        let err = big.compile_all().unwrap_err().to_string();
        assert!(err.starts_with(r"\w{1000}\w{1000}: ") && err.contains("limit"), "{err}");
        // Built at run time, so that the bad pattern is this test's input, not a typo.
        let unclosed = ["(", "unclosed"].concat();
        let want = regex::Regex::new(&unclosed).unwrap_err().to_string();
        let err = AnyMatch::new(&["ok", &unclosed], DEFAULT_DFA_BYTES).unwrap_err();
        assert!(matches!(err, SetError::Syntax(_)));
        assert_eq!(err.to_string(), want);
    }
}
