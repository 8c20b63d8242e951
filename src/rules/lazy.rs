//! A rule's regex, compiled when its searches first need it.
//!
//! Compiling is most of building the strip stage (≈ 0.4 ms a pattern: Unicode classes such as
//! `\W` expand to large automata), while the line filter keeps most rules from ever being
//! tried on a given batch: a run over one platform's pages never reaches the other platforms'
//! rules. Short runs — one file, a `parallel --pipe` chunk — pay for the start-up once per
//! process, so a rule compiles when a line first reaches it instead; and a search that only
//! asks whether the pattern matches ([`LazyRegex::matches`]) is simulated until its searches
//! have cost about what compiling would (see [`super::sim`]).

use std::fmt;
use std::ops::Deref;
use std::sync::OnceLock;

use regex::Regex;
use regex_syntax::hir::{Hir, HirKind};

use super::sim::Trial;

/// Why a rule's pattern is not a regex.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PatternError {
    /// The pattern's syntax (found when its rule file loads).
    #[error(transparent)]
    Syntax(#[from] Box<regex_syntax::Error>),
    /// The pattern parses but does not compile (regex's compiled-size limit), with the key
    /// of its rule file it comes from.
    #[error("{origin}: bad regex: {source}")]
    Compile {
        /// The pattern's key in its rule file.
        origin: String,
        /// What regex said.
        source: regex::Error,
    },
}

/// A pattern whose syntax was checked when its file loaded, compiled once by
/// [`LazyRegex::compiled`] (a search through [`Deref`] would too, panicking on an error).
pub struct LazyRegex {
    pattern: String,
    /// Which key of its rule file the pattern comes from, for the one error left to
    /// compiling.
    origin: String,
    /// Names of the pattern's capture groups, from its syntax.
    names: Vec<Box<str>>,
    hir: Hir,
    /// Answers [`LazyRegex::matches`] until the pattern is compiled (see [`super::sim`]).
    trial: Trial,
    re: OnceLock<Result<Regex, PatternError>>,
}

impl LazyRegex {
    /// Checks the syntax (the errors `Regex::new` gives for it, with the same text) without
    /// building automata. `origin` names the pattern's key in its rule file.
    pub fn new(pattern: &str, origin: String) -> Result<LazyRegex, PatternError> {
        let hir = regex_syntax::ParserBuilder::new()
            .build()
            .parse(pattern)
            .map_err(|e| PatternError::Syntax(Box::new(e)))?;
        let mut names = Vec::new();
        group_names(&hir, &mut names);
        Ok(LazyRegex {
            pattern: pattern.to_owned(),
            origin,
            names,
            hir,
            trial: Trial::default(),
            re: OnceLock::new(),
        })
    }

    /// Whether the pattern has a capture group named `name` (without compiling it).
    pub fn has_group(&self, name: &str) -> bool {
        self.names.iter().any(|n| &**n == name)
    }

    /// The compiled regex, compiling it now if no search has. The one error left at this
    /// point is regex's compiled-size limit (10 MiB of automaton, far beyond a line rule);
    /// its text names the pattern's key.
    pub fn compiled(&self) -> Result<&Regex, PatternError> {
        let origin = &self.origin;
        let compile = || {
            Regex::new(&self.pattern)
                .map_err(|source| PatternError::Compile { origin: origin.clone(), source })
        };
        self.re.get_or_init(compile).as_ref().map_err(Clone::clone)
    }

    /// Whether the pattern matches somewhere in `text`, without compiling it while a
    /// simulation answers for less than compiling would cost. A pattern that does not
    /// compile matches nothing (see [`LazyRegex::error`]).
    pub fn matches(&self, text: &str) -> bool {
        match self.re.get().is_none().then(|| self.trial.matches(&self.hir, text)).flatten() {
            Some(found) => found,
            None => self.is_match(text),
        }
    }

    /// Why the pattern did not compile, once a search or [`LazyRegex::compiled`] tried.
    pub fn error(&self) -> Option<&PatternError> {
        self.re.get().and_then(|r| r.as_ref().err())
    }
}

fn group_names(hir: &Hir, out: &mut Vec<Box<str>>) {
    match hir.kind() {
        HirKind::Capture(cap) => {
            out.extend(cap.name.clone());
            group_names(&cap.sub, out);
        }
        HirKind::Repetition(rep) => group_names(&rep.sub, out),
        HirKind::Concat(hs) | HirKind::Alternation(hs) => {
            hs.iter().for_each(|h| group_names(h, out));
        }
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => {}
    }
}

impl Deref for LazyRegex {
    type Target = Regex;

    /// Searches go through here. A pattern that does not compile matches nothing: its
    /// owner asks [`LazyRegex::error`] after the searches of a document (or compiles its
    /// patterns through [`LazyRegex::compiled`] before it first runs them) and fails the
    /// document with the error.
    fn deref(&self) -> &Regex {
        static NOTHING: OnceLock<Regex> = OnceLock::new();
        self.compiled()
            .unwrap_or_else(|_| NOTHING.get_or_init(|| Regex::new(r"[^\s\S]").expect("valid")))
    }
}

impl fmt::Debug for LazyRegex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("LazyRegex").field(&self.pattern).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATTERNS: &[&str] = &[
        r"^(?P<value>\S.{3,100})$",
        r"(?P<url>https?://\S+)|(?P<value>x)",
        r"((?P<a>a)|b)+(?:(?P<url>c))*",
        r"no groups",
        r"(unnamed)(?P<url2>x)",
    ];

    #[test]
    fn group_names_come_from_the_syntax_as_the_compiled_regex_has_them() {
        for p in PATTERNS {
            let lazy = LazyRegex::new(p, "test".into()).unwrap();
            let re = Regex::new(p).unwrap();
            for name in ["url", "value", "a", "url2", "b"] {
                let compiled = re.capture_names().any(|n| n == Some(name));
                assert_eq!(lazy.has_group(name), compiled, "{p} {name}");
            }
            assert!(lazy.re.get().is_none(), "{p}: asking for groups compiled it");
        }
    }

    #[test]
    fn syntax_errors_are_regex_errors_and_matching_is_regex_matching() {
        for bad in ["(unclosed", "a{2,1}", r"\p{NoSuchClass}", "[z-a]"] {
            let want = Regex::new(bad).unwrap_err().to_string();
            assert_eq!(LazyRegex::new(bad, "test".into()).unwrap_err().to_string(), want);
        }
        let lazy = LazyRegex::new(r"^(?P<value>\S.{3,100})$", "test".into()).unwrap();
        assert!(lazy.is_match("abcd") && !lazy.is_match(" abcd") && !lazy.is_match("abc"));
    }

    #[test]
    fn a_pattern_over_the_size_limit_names_its_origin_when_compiled() {
        let lazy = LazyRegex::new(r"\w{1000}\w{1000}", "rule `x`".into()).unwrap();
        assert!(lazy.error().is_none());
        assert!(
            !lazy.is_match(&"x".repeat(2000)),
            "a pattern that does not compile matches nothing"
        );
        assert!(lazy.error().is_some_and(|e| e.to_string().contains("size limit")));
        let err = lazy.compiled().unwrap_err().to_string();
        assert!(err.starts_with("rule `x`: bad regex: "), "{err}");
        assert!(err.contains("size limit"), "{err}");
        let ok = LazyRegex::new(r"\w+", "rule `y`".into()).unwrap();
        assert!(ok.compiled().unwrap().is_match("x") && ok.re.get().is_some());
    }
}
