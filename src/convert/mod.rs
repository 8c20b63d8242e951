//! Simplified ⇄ Traditional conversion that agrees exactly with OpenCC.
//!
//! Pure Rust, on OpenCC's own dictionaries (vendored under `src/convert/opencc/`, Apache-2.0)
//! and OpenCC's algorithm (maximum forward matching, phrases before characters, first
//! candidate), run as leftmost-longest matching on a per-code-point table and a trie
//! (`matcher.rs`). Converters are built once per process and shared across threads
//! ([`Converter::get`], [`Converter::chain`]).
//!
//! ```
//! use zhpipe::convert::{Config, Converter};
//! assert_eq!(Converter::get(Config::S2t).convert("头发和理发"), "頭髮和理髮");
//! assert_eq!(Converter::get(Config::T2s).convert("乾燥的頭髮"), "干燥的头发");
//! ```

#[cfg(feature = "cli")]
pub mod cli;
mod dict;
mod engine;
mod lexicon;
mod matcher;
mod prepass;
mod words;

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use engine::{Matcher, Plan};

pub use dict::DictId;
pub use prepass::ids_len;
pub(crate) use words::{starts_name, word_spans_join};

/// An OpenCC conversion config (same names and chains as OpenCC's `<name>.json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Config {
    /// Simplified → Traditional (OpenCC standard).
    S2t,
    /// Traditional (OpenCC standard) → Simplified.
    T2s,
    /// Simplified → Traditional, Taiwan character forms.
    S2tw,
    /// Traditional (Taiwan forms) → Simplified.
    Tw2s,
    /// Simplified → Traditional, Hong Kong character forms.
    S2hk,
    /// Traditional (Hong Kong forms) → Simplified.
    Hk2s,
    /// Simplified → Traditional, Taiwan forms and Taiwan vocabulary.
    S2twp,
    /// Traditional (Taiwan forms and vocabulary) → Simplified, mainland vocabulary.
    Tw2sp,
    /// Traditional (OpenCC standard) → Taiwan forms.
    T2tw,
    /// Traditional (OpenCC standard) → Hong Kong forms.
    T2hk,
    /// Taiwan forms → Traditional (OpenCC standard).
    Tw2t,
    /// Hong Kong forms → Traditional (OpenCC standard).
    Hk2t,
    /// Simplified → Traditional, Hong Kong forms and Hong Kong vocabulary.
    S2hkp,
    /// Traditional (Hong Kong forms and vocabulary) → Simplified, mainland vocabulary.
    Hk2sp,
}

impl Config {
    /// Every config.
    pub const ALL: [Config; 14] = [
        Config::S2t,
        Config::T2s,
        Config::S2tw,
        Config::Tw2s,
        Config::S2hk,
        Config::Hk2s,
        Config::S2twp,
        Config::Tw2sp,
        Config::T2tw,
        Config::T2hk,
        Config::Tw2t,
        Config::Hk2t,
        Config::S2hkp,
        Config::Hk2sp,
    ];

    /// OpenCC's name for the config (`s2t`, `tw2sp`, …), also its serde name.
    pub fn name(self) -> &'static str {
        match self {
            Config::S2t => "s2t",
            Config::T2s => "t2s",
            Config::S2tw => "s2tw",
            Config::Tw2s => "tw2s",
            Config::S2hk => "s2hk",
            Config::Hk2s => "hk2s",
            Config::S2twp => "s2twp",
            Config::Tw2sp => "tw2sp",
            Config::T2tw => "t2tw",
            Config::T2hk => "t2hk",
            Config::Tw2t => "tw2t",
            Config::Hk2t => "hk2t",
            Config::S2hkp => "s2hkp",
            Config::Hk2sp => "hk2sp",
        }
    }

    /// The segmentation dictionary (`None`: the text is one segment) and the chain of
    /// dictionary groups, as in OpenCC 1.4.2's JSON; `ext` includes TSCharactersExt (see
    /// [`Options::ext`]).
    pub fn chain(self, ext: bool) -> (Option<DictId>, &'static [&'static [DictId]]) {
        let s = dict::spec(self, ext);
        (s.segmentation, s.steps)
    }

    fn index(self) -> usize {
        Config::ALL.iter().position(|c| *c == self).expect("listed")
    }
}

impl fmt::Display for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is no OpenCC config (as written).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown OpenCC config {0:?}")]
pub struct UnknownConfig(pub String);

impl FromStr for Config {
    type Err = UnknownConfig;
    fn from_str(s: &str) -> Result<Config, UnknownConfig> {
        let t = s.trim().trim_end_matches(".json").to_ascii_lowercase();
        Config::ALL.into_iter().find(|c| c.name() == t).ok_or_else(|| UnknownConfig(s.to_owned()))
    }
}

/// Conversion options beyond the config.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Options {
    /// Include OpenCC's TSCharactersExt in the Traditional → Simplified configs (t2s, tw2s,
    /// hk2s, tw2sp, hk2sp). Its 895 entries map rare Traditional characters to Simplified
    /// forms of the CJK extension planes (`"may_output_tofu": true`), which most fonts and
    /// many tokenizers lack. Off by default, as in OpenCC's C++ command line: a corpus keeps
    /// the rare character, readable, rather than a glyph nobody can display; OpenCC's Python
    /// binding turns it on (`include_tofu_risk_dictionaries=True`).
    pub ext: bool,
}

impl Options {
    fn index(self) -> usize {
        usize::from(self.ext)
    }
}

/// A converter for one config, optionally with a user phrase table.
pub struct Converter {
    config: Config,
    plan: &'static Plan,
    overrides: Option<Matcher>,
}

const CONFIGS: usize = Config::ALL.len();

fn plan(config: Config, options: Options) -> &'static Plan {
    static PLANS: [OnceLock<Plan>; 2 * CONFIGS] = [const { OnceLock::new() }; 2 * CONFIGS];
    PLANS[options.index() * CONFIGS + config.index()]
        .get_or_init(|| Plan::build(config, options.ext))
}

impl Converter {
    /// The shared converter for `config` with default [`Options`], built on first use
    /// (thread-safe).
    pub fn get(config: Config) -> &'static Converter {
        Converter::get_with(config, Options::default())
    }

    /// The shared converter for `config` with `options`.
    pub fn get_with(config: Config, options: Options) -> &'static Converter {
        static CONVERTERS: [OnceLock<Converter>; 2 * CONFIGS] =
            [const { OnceLock::new() }; 2 * CONFIGS];
        CONVERTERS[options.index() * CONFIGS + config.index()].get_or_init(|| Converter {
            config,
            plan: plan(config, options),
            overrides: None,
        })
    }

    /// A shared converter equal to converting with `a` and then with `b`, in one pass, when
    /// the two compose (`b` only maps single characters and `a` is one pass); `None`
    /// otherwise.
    pub fn chain(a: Config, b: Config) -> Option<&'static Converter> {
        static CHAINS: [OnceLock<Option<Converter>>; CONFIGS * CONFIGS] =
            [const { OnceLock::new() }; CONFIGS * CONFIGS];
        let slot = &CHAINS[a.index() * CONFIGS + b.index()];
        slot.get_or_init(|| {
            let plan = Box::leak(Box::new(Plan::build_chain(a, b, false)?));
            Some(Converter { config: a, plan, overrides: None })
        })
        .as_ref()
    }

    /// A converter that applies a user phrase table before the dictionaries: the table's keys
    /// are found first (leftmost-longest; a later line replaces an earlier one with the same
    /// key) and replaced verbatim; the text between them is converted by `config` as separate
    /// segments. Shares the dictionaries of [`Converter::get`].
    pub fn with_overrides(config: Config, phrases: &[(String, String)]) -> Converter {
        let mut pairs: Vec<(String, String)> = Vec::with_capacity(phrases.len());
        let mut index = std::collections::HashMap::new();
        for (k, v) in phrases.iter().filter(|(k, _)| !k.is_empty()) {
            match index.get(k.as_str()) {
                Some(&i) => pairs[i] = (k.clone(), v.clone()),
                None => {
                    index.insert(k.as_str(), pairs.len());
                    pairs.push((k.clone(), v.clone()));
                }
            }
        }
        Converter {
            config,
            plan: plan(config, Options::default()),
            overrides: (!pairs.is_empty()).then(|| Matcher::new(&pairs)),
        }
    }

    /// The config this converter runs (the first one of a [`Converter::chain`]).
    pub fn config(&self) -> Config {
        self.config
    }

    /// Converts `text`.
    pub fn convert(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + text.len() / 8);
        self.convert_into(text, &mut out);
        out
    }

    /// Appends the conversion of `text` to `out` (reuse `out` across calls to avoid
    /// allocations).
    pub fn convert_into(&self, text: &str, out: &mut String) {
        if !prepass::needed(text) {
            return self.convert_pieces(text, out);
        }
        prepass::pieces(text, |piece, verbatim| {
            if verbatim {
                out.push_str(piece);
            } else {
                self.convert_pieces(&prepass::normalize(piece), out);
            }
        });
    }

    /// Converts `text` with phrase matches checked against word boundaries: as
    /// [`Converter::convert`], except that a Simplified → Traditional phrase that cuts a word
    /// (`明了` in `指明了`, `了解` in `考虑了解决`) is not taken (see `src/convert/words.rs`).
    /// The other configs convert exactly.
    ///
    /// ```
    /// use zhpipe::convert::{Config, Converter};
    /// let s2t = Converter::get(Config::S2t);
    /// assert_eq!(s2t.convert("指明了方向"), "指明瞭方向");
    /// assert_eq!(s2t.convert_words("指明了方向"), "指明了方向");
    /// assert_eq!(s2t.convert_words("头发"), "頭髮");
    /// ```
    pub fn convert_words(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + text.len() / 8);
        self.convert_words_into(text, &mut out);
        out
    }

    /// Appends [`Converter::convert_words`] of `text` to `out`.
    /// A user phrase table ([`Converter::with_overrides`]) still applies first: its keys are
    /// replaced verbatim and the text between them is converted with word boundaries.
    pub fn convert_words_into(&self, text: &str, out: &mut String) {
        if !words::applies(self.config) {
            return self.convert_into(text, out);
        }
        match &self.overrides {
            None => self.words_into(text, out),
            Some(table) => table.for_each_span(text, |s, e, v| match v {
                Some(v) => out.push_str(v),
                None => self.words_into(&text[s..e], out),
            }),
        }
    }

    /// The dictionaries' conversion of `text` cut at [`words::cuts`] (no user phrase table).
    fn words_into(&self, text: &str, out: &mut String) {
        // s2t itself, the common case: the phrases are checked as the conversion finds them
        // (one pass over the text instead of a search for them and then the conversion).
        if let Some(m) = self.plan.s2t_replacer().filter(|_| self.config == Config::S2t) {
            if !prepass::needed(text) {
                return m.replace_local_cut(text, out, |s, e| words::cuts_in(text, s, e));
            }
        }
        let mut start = 0;
        for cut in words::cuts(text) {
            self.dicts_into(&text[start..cut], out);
            start = cut;
        }
        self.dicts_into(&text[start..], out);
    }

    /// [`Converter::convert_into`] without the user phrase table.
    fn dicts_into(&self, text: &str, out: &mut String) {
        if !prepass::needed(text) {
            return self.plan.convert_into(text, out);
        }
        prepass::pieces(text, |piece, verbatim| {
            if verbatim {
                out.push_str(piece);
            } else {
                self.plan.convert_into(&prepass::normalize(piece), out);
            }
        });
    }

    /// Converts text that holds no description sequence and no compatibility ideograph.
    fn convert_pieces(&self, text: &str, out: &mut String) {
        match &self.overrides {
            None => self.plan.convert_into(text, out),
            Some(table) => table.for_each_span(text, |s, e, v| match v {
                Some(v) => out.push_str(v),
                None => self.plan.convert_into(&text[s..e], out),
            }),
        }
    }
}

impl fmt::Debug for Converter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Converter")
            .field("config", &self.config)
            .field("overrides", &self.overrides.is_some())
            .finish()
    }
}

/// Parses a user phrase table: one `from<TAB>to` (or `from to`) pair per line; blank lines and
/// lines starting with `#` are ignored. With a tab, `to` is everything after the first tab
/// (trimmed, may contain spaces); without one, the line must hold exactly two words.
///
/// ```
/// let pairs = zhpipe::convert::parse_phrase_table("# names\n奥特曼\t奧特曼\n").unwrap();
/// assert_eq!(pairs, [("奥特曼".to_owned(), "奧特曼".to_owned())]);
/// let e = zhpipe::convert::parse_phrase_table("a b c").unwrap_err();
/// assert_eq!(e.line, 1);
/// ```
pub fn parse_phrase_table(text: &str) -> Result<Vec<(String, String)>, PhraseTableError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let err = |why| PhraseTableError { line: n + 1, why, text: raw.to_owned() };
        let (from, to) = match line.split_once('\t') {
            Some((f, t)) => (f.trim(), t.trim()),
            None => {
                let mut words = line.split_whitespace();
                match (words.next(), words.next(), words.next()) {
                    (Some(f), Some(t), None) => (f, t),
                    (_, None, _) => return Err(err("expected \"from<TAB>to\"")),
                    _ => return Err(err("more than two words; separate from and to with a TAB")),
                }
            }
        };
        if from.is_empty() || to.is_empty() {
            return Err(err("empty \"from\" or \"to\""));
        }
        out.push((from.to_string(), to.to_string()));
    }
    Ok(out)
}

/// A line of a phrase table that is not a `from<TAB>to` pair.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("phrase table line {line}: {why}: {text:?}")]
pub struct PhraseTableError {
    /// The line's number, from 1.
    pub line: usize,
    /// What is wrong with it.
    pub why: &'static str,
    /// The line.
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrase_table_parses_and_reports_lines() {
        let t = "# names\n\n马斯克\t馬斯克\n特斯拉 特斯拉\n  \n推特\tX (Twitter)\n";
        let p = parse_phrase_table(t).unwrap();
        assert_eq!(p.len(), 3);
        assert_eq!(p[2], ("推特".to_string(), "X (Twitter)".to_string()));
        let e = parse_phrase_table("a\tb\nlonely\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(parse_phrase_table("a b c").unwrap_err().to_string().contains("line 1"));
        assert!(parse_phrase_table("a\t ").unwrap_err().to_string().contains("line 1"));
    }

    #[test]
    fn config_names_round_trip() {
        for c in Config::ALL {
            assert_eq!(c.name().parse::<Config>().unwrap(), c);
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.name()));
            assert_eq!(serde_json::from_str::<Config>(&json).unwrap(), c);
        }
        assert!("x2y".parse::<Config>().is_err());
    }

    #[test]
    fn overrides_apply_first_and_verbatim() {
        let table = vec![
            ("头发".to_string(), "頭毛".to_string()),
            ("头发".to_string(), "头髮".to_string()),
        ];
        let c = Converter::with_overrides(Config::S2t, &table);
        assert_eq!(c.convert("理头发了"), "理头髮了");
        assert_eq!(c.convert("发现"), "發現");
        assert_eq!(c.config(), Config::S2t);
    }

    #[test]
    fn leaves_latin_digits_urls_alone() {
        let s = "见 https://example.com/a_b?x=1&y=2 ，版本 v1.2.3，5,000 元；Hello World!";
        let t = Converter::get(Config::S2t).convert(s);
        assert_eq!(t, "見 https://example.com/a_b?x=1&y=2 ，版本 v1.2.3，5,000 元；Hello World!");
    }
}
