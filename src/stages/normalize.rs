//! **normalize** — both scripts for every line, one punctuation standard, English kept.
//!
//! Input: stripped lines. Changes: punctuation and spacing inside Chinese text (`,`→`，`,
//! `(…)` around Chinese → `（…）`, stray spaces between Chinese characters removed; English,
//! numbers and URLs untouched); each line gets `zh_hans` and `zh_hant` (`Line::scripts`),
//! converted with OpenCC's dictionaries — Traditional lines are normalised to the chosen
//! standard (HK `説` → TW `說`) rather than copied; English paragraphs are marked and not
//! converted; `中文（English）` glosses are collected (where an unquoted term starts: the
//! boundary words of the gloss file, `pipelines/glosses.toml`). The document gets its
//! script and Traditional variant, and its title in both scripts. Idempotent.
//!
//! Traditional lines with stray Simplified characters are made Traditional before they are
//! converted (`normalize::repair_hant`), with the document's residue evidence
//! (`normalize::Residue`, summed in the pass that counts the lines' evidence); each repair
//! is audited as `normalize.mixed-script` (its column is in the punctuation-normalised
//! line) and counted in `normalize.mixed_script`.

use serde::Deserialize;

use super::{blocks, Stage, StageKind};
use crate::convert::{self, Config, Converter};
use crate::document::{Action, AuditEntry, BlockKind, Converted, Document, EnSpan, Line, Scripts};
use crate::error::{DocErrorKind, Error, Result};
use crate::normalize::{is_english, normalize_punct, normalize_punct_changed, Evidence, Glosses};
use crate::normalize::{repair_hant, Regions, Residue, Script, Variant};
use crate::resources::Resources;

/// The audit rule of a mixed-script repair.
const RULE_MIXED: &str = "normalize.mixed-script";

/// A repair inside a text: (0-based char column, before, after).
type Edit = (usize, String, String);

/// The edits that turn `before` into `after` (a repair: the same text but for some
/// characters), columns counted from `base`: runs of changed characters, or the whole text
/// when a phrase changed its length.
fn char_edits(before: &str, after: &str, base: usize, out: &mut Vec<Edit>) {
    if before.chars().count() != after.chars().count() {
        out.push((base, before.to_owned(), after.to_owned()));
        return;
    }
    let mut run: Option<Edit> = None;
    for (i, (a, b)) in before.chars().zip(after.chars()).enumerate() {
        match &mut run {
            _ if a == b => out.extend(run.take()),
            Some((_, x, y)) => {
                x.push(a);
                y.push(b);
            }
            None => run = Some((base + i, a.into(), b.into())),
        }
    }
    out.extend(run);
}

/// Parameters of the normalize stage.
///
/// ```
/// use zhpipe::config::Resources;
/// use zhpipe::{Normalize, NormalizeConfig, Pipeline, Stage, StageKind};
///
/// // Hong Kong forms in `zh_hant`, set in a pipeline file as `hant = "hk"`.
/// let cfg: NormalizeConfig = toml::from_str("hant = \"hk\"")?;
/// let stage = Normalize::new(&cfg, &Resources::builtin())?;
/// let text = "他说着话走进里屋。".as_bytes();
/// let mut doc = Pipeline::builtin()?.process_until("a.txt", text, StageKind::Decode)?;
/// stage.process(&mut doc)?;
/// assert_eq!(doc.lines[0].scripts.as_ref().map(|s| s.text.zh_hant.as_str()), Some("他説着話走進裏屋。"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NormalizeConfig {
    /// The Traditional standard of `zh_hant`: `tw` (default), `hk`, or `twp` (Taiwan with
    /// vocabulary localisation, OpenCC's s2twp).
    pub hant: HantStandard,
    /// A plain-text phrase table, `simplified<TAB>traditional` per line, applied before the
    /// dictionaries in both directions (names, products, fixes for wrong conversions).
    pub phrases: Option<String>,
    /// Normalise punctuation and spacing inside Chinese text.
    pub punctuation: bool,
    /// The gloss file: the words after which an unquoted glossed term starts
    /// (`pipelines/glosses.toml`, the default, is built in).
    pub glosses: String,
    /// The publishers and domains that tell a Traditional document's region when the page
    /// does not state it (`pipelines/regions.toml`, the default, is built in).
    pub regions: String,
    /// OpenCC 1.4.2's own Simplified → Traditional output. Off by default: a phrase match
    /// that cuts a word (`明了` in `指明了`, `这只` in `这只适用`) is not taken
    /// ([`Converter::convert_words`]), which OpenCC gets wrong and no Chinese writer would.
    pub exact: bool,
}

impl Default for NormalizeConfig {
    fn default() -> Self {
        NormalizeConfig {
            hant: HantStandard::Tw,
            phrases: None,
            punctuation: true,
            glosses: "builtin:glosses.toml".into(),
            regions: "builtin:regions.toml".into(),
            exact: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HantStandard {
    Tw,
    Hk,
    Twp,
}

/// A converter shared by the process (built on first use: documents without Traditional
/// text never need the Taiwan and Hong Kong tables), or one built with the user's phrase
/// table.
#[derive(Debug)]
enum Conv {
    Shared(Config, Mode),
    Own(Box<Converter>, Mode),
}

/// OpenCC's exact output, or phrase matches checked against word boundaries.
#[derive(Debug, Clone, Copy)]
enum Mode {
    Exact,
    Words,
}

impl Conv {
    fn new(config: Config, phrases: &[(String, String)], mode: Mode) -> Conv {
        if phrases.is_empty() {
            Conv::Shared(config, mode)
        } else {
            Conv::Own(Box::new(Converter::with_overrides(config, phrases)), mode)
        }
    }

    fn convert(&self, text: &str) -> String {
        let (c, mode) = match self {
            Conv::Shared(c, mode) => (Converter::get(*c), mode),
            Conv::Own(c, mode) => (&**c, mode),
        };
        match mode {
            Mode::Exact => c.convert(text),
            Mode::Words => c.convert_words(text),
        }
    }
}

/// The normalize stage: both scripts, punctuation and spacing, English glosses.
#[derive(Debug)]
pub struct Normalize {
    punctuation: bool,
    glosses: Glosses,
    regions: Regions,
    /// Traditional → Simplified, by the variant the text shows: generic, Taiwan, Hong Kong.
    to_hans: Conv,
    tw_to_hans: Conv,
    hk_to_hans: Conv,
    /// Simplified → the chosen Traditional standard.
    hans_to_hant: Conv,
    /// The other region's Traditional → OpenCC standard Traditional (undoes Hong Kong forms
    /// when the chosen standard is Taiwan's, Taiwan forms when it is Hong Kong's).
    other_to_std: Conv,
    /// The region whose forms `other_to_std` undoes.
    other: Variant,
    /// OpenCC standard Traditional → the chosen standard.
    std_to_hant: Conv,
}

impl Normalize {
    /// Builds the converters the configuration names, loading phrase files through `res`.
    pub fn new(cfg: &NormalizeConfig, res: &Resources) -> Result<Self> {
        let s2t_pairs = match &cfg.phrases {
            Some(name) => {
                let (path, text) = res.read(name)?;
                convert::parse_phrase_table(&text)
                    .map_err(|e| Error::Rules { path, message: e.to_string() })?
            }
            None => Vec::new(),
        };
        let t2s_pairs: Vec<(String, String)> =
            s2t_pairs.iter().map(|(s, t)| (t.clone(), s.clone())).collect();
        let (from_hans, from_std, other, other_to_std) = match cfg.hant {
            HantStandard::Tw => (Config::S2tw, Config::T2tw, Variant::Hk, Config::Hk2t),
            HantStandard::Hk => (Config::S2hk, Config::T2hk, Variant::Tw, Config::Tw2t),
            // Vocabulary localisation is defined from Simplified; Traditional input takes the
            // Taiwan character standard.
            HantStandard::Twp => (Config::S2twp, Config::T2tw, Variant::Hk, Config::Hk2t),
        };
        let glosses = {
            let (path, text) = res.read(&cfg.glosses)?;
            Glosses::parse(&text, &path)?
        };
        let regions = {
            let (path, text) = res.read(&cfg.regions)?;
            Regions::parse(&text, &path)?
        };
        // Word boundaries only change Simplified → Traditional conversion (`words.rs`); the
        // other directions run exactly either way.
        let mode = if cfg.exact { Mode::Exact } else { Mode::Words };
        Ok(Normalize {
            punctuation: cfg.punctuation,
            glosses,
            regions,
            to_hans: Conv::new(Config::T2s, &t2s_pairs, Mode::Exact),
            tw_to_hans: Conv::new(Config::Tw2s, &t2s_pairs, Mode::Exact),
            hk_to_hans: Conv::new(Config::Hk2s, &t2s_pairs, Mode::Exact),
            hans_to_hant: Conv::new(from_hans, &s2t_pairs, mode),
            other_to_std: Conv::new(other_to_std, &[], Mode::Exact),
            other,
            std_to_hant: Conv::new(from_std, &s2t_pairs, Mode::Exact),
        })
    }

    /// Both scripts of a piece of Chinese text (or the text itself when it is English).
    /// `variant` is the document's Traditional standard, used when the text shows none.
    /// The text is taken as a document of its own: characters of both scripts (`后`, `范`)
    /// are repaired as Simplified residue only when it shows residue itself.
    pub fn scripts(&self, text: &str, variant: Option<Variant>) -> Converted {
        let evidence = Evidence::of(text);
        self.scripts_in(text, evidence, variant, Residue::of(evidence).shown(), &mut Vec::new())
    }

    /// [`Normalize::scripts`] with the text's evidence already counted, in a document that
    /// shows Simplified residue or not (`residue`); the repairs made go to `edits`. Japanese
    /// and Korean lines and spans are left as they are in both scripts
    /// (`normalize::split_foreign`).
    fn scripts_in(
        &self,
        text: &str,
        evidence: Evidence,
        variant: Option<Variant>,
        residue: bool,
        edits: &mut Vec<Edit>,
    ) -> Converted {
        let mut pieces: Vec<(&str, bool)> = Vec::new();
        if crate::normalize::split_foreign(text, |p, f| pieces.push((p, f))).is_some() {
            let written = evidence.script().shown();
            let mut out = Converted { written, ..Converted::default() };
            let mut column = 0;
            for (p, foreign) in pieces {
                if foreign {
                    out.text.zh_hans.push_str(p);
                    out.text.zh_hant.push_str(p);
                } else {
                    let e = Evidence::of(p);
                    let s = self.chinese_scripts(p, e, variant, residue, column, edits);
                    out.text.zh_hans.push_str(&s.text.zh_hans);
                    out.text.zh_hant.push_str(&s.text.zh_hant);
                }
                column += p.chars().count();
            }
            return out;
        }
        self.chinese_scripts(text, evidence, variant, residue, 0, edits)
    }

    /// [`Normalize::scripts_in`] for text without Japanese or Korean, which starts at char
    /// `column` of its line.
    fn chinese_scripts(
        &self,
        text: &str,
        evidence: Evidence,
        variant: Option<Variant>,
        residue: bool,
        column: usize,
        edits: &mut Vec<Edit>,
    ) -> Converted {
        if is_english(text) {
            return Converted { text: Scripts::same(text), english: true, written: None };
        }
        // Taiwan and Hong Kong texts write some words with different characters (著手 vs
        // 着手); their own reverse tables turn them into the right Simplified word.
        // One pass over the text gives both its script and its variant.
        let to_hans = match evidence.variant().or(variant) {
            Some(Variant::Tw) => &self.tw_to_hans,
            Some(Variant::Hk) => &self.hk_to_hans,
            None => &self.to_hans,
        };
        let script = evidence.script();
        let written = script.shown();
        // Traditional text, or mixed text that is mostly Traditional: stray Simplified
        // characters are made Traditional first (`repair_hant`), then both scripts come from
        // the repaired text as from clean Traditional.
        match script {
            Script::Hant | Script::Mixed if evidence.hant_led() => {
                let variant = evidence.variant().or(variant);
                let repaired = repair_hant(text, variant, residue);
                if let Some(r) = &repaired {
                    char_edits(text, r, column, edits);
                }
                let text = repaired.as_deref().unwrap_or(text);
                let zh_hant = self.hant_to_hant(text, variant);
                Converted::chinese(to_hans.convert(text), zh_hant, written)
            }
            Script::Hant => Converted::chinese(
                to_hans.convert(text),
                self.hant_to_hant(text, evidence.variant().or(variant)),
                written,
            ),
            // Mixed text is made Simplified first; already-Simplified text is left as it is,
            // since t2s would rewrite characters that are also valid Simplified (显著 → 显着).
            // Mixed text, and Simplified text with a few Traditional-only characters (a
            // Traditional line simplified in part), is made Simplified first.
            Script::Mixed | Script::Hans if evidence.hant > 0 || script == Script::Mixed => {
                let hans = to_hans.convert(text);
                let hant = self.hans_to_hant.convert(&hans);
                Converted::chinese(hans, hant, written)
            }
            Script::Hans | Script::None | Script::Mixed => {
                Converted::chinese(text.to_owned(), self.hans_to_hant.convert(text), written)
            }
        }
    }

    /// Traditional text whose regional forms are `source`'s → the chosen standard. Only
    /// text in the other region's forms goes through that region's reverse table: text
    /// already in the chosen region's forms, or in neither, keeps its characters where the
    /// chosen standard allows them (Hong Kong's reverse table would turn a Taiwan author's
    /// `台` into `臺`); OpenCC's standard forms still become the region's (`爲` → `為`).
    /// One pass when the two conversions compose.
    fn hant_to_hant(&self, text: &str, source: Option<Variant>) -> String {
        if source != Some(self.other) {
            return self.std_to_hant.convert(text);
        }
        if let (Conv::Shared(a, _), Conv::Shared(b, _)) = (&self.other_to_std, &self.std_to_hant) {
            if let Some(c) = Converter::chain(*a, *b) {
                return c.convert(text);
            }
        }
        self.std_to_hant.convert(&self.other_to_std.convert(text))
    }

    /// Normalises one line whose evidence (before punctuation, which never changes it) is
    /// `evidence`, in a document that shows Simplified residue or not: whether punctuation
    /// changed it, and the audit of its mixed-script repairs.
    fn line(
        &self,
        line: &mut Line,
        evidence: Evidence,
        variant: Option<Variant>,
        residue: bool,
    ) -> (bool, Vec<AuditEntry>) {
        if line.kind == Some(BlockKind::Code) {
            // Code is kept as written in both scripts: converting `print('你好')` or its
            // punctuation would change the program.
            line.scripts =
                Some(Converted { text: Scripts::same(&line.text), ..Converted::default() });
            return (false, Vec::new());
        }
        let mut changed = false;
        if self.punctuation && !line.is_blank() {
            if let Some(text) = normalize_punct_changed(&line.text) {
                changed = true;
                line.text = text;
            }
        }
        let mut edits = Vec::new();
        let scripts = self.scripts_in(&line.text, evidence, variant, residue, &mut edits);
        if !scripts.english {
            line.glosses = self.glosses(&line.text, variant, residue);
        }
        line.scripts = Some(scripts);
        let audit = edits
            .into_iter()
            .map(|(col, before, after)| {
                AuditEntry::new(StageKind::Normalize, RULE_MIXED, Action::Replace, line.src, before)
                    .at(col as u32 + 1)
                    .to(after)
            })
            .collect();
        (changed, audit)
    }

    /// The line's glosses; their Chinese terms are repaired as the line is (their repairs
    /// are the line's, already audited).
    fn glosses(&self, text: &str, variant: Option<Variant>, residue: bool) -> Vec<EnSpan> {
        self.glosses
            .extract(text)
            .into_iter()
            .map(|g| {
                let s =
                    self.scripts_in(&g.zh, Evidence::of(&g.zh), variant, residue, &mut Vec::new());
                EnSpan { en: g.en, zh_hans: Some(s.text.zh_hans), zh_hant: Some(s.text.zh_hant) }
            })
            .collect()
    }
}

impl Normalize {
    /// The region of the publisher `doc` names in its lines, metadata and links.
    fn publisher(&self, doc: &Document) -> Option<Variant> {
        let m = &doc.meta;
        let meta = [&m.title, &m.author].into_iter().flatten().map(String::as_str);
        let texts = (doc.lines.iter().map(|l| l.text.as_str()))
            .chain(meta)
            .chain(m.extra.values().map(String::as_str))
            .chain(m.source_urls.iter().map(String::as_str))
            .chain(m.links.iter().map(String::as_str));
        self.regions.publisher(texts)
    }
}

impl Stage for Normalize {
    fn kind(&self) -> StageKind {
        StageKind::Normalize
    }

    fn process(&self, doc: &mut Document) -> Result<(), DocErrorKind> {
        fn declared_variant(doc: &Document) -> Option<Variant> {
            let lang = doc.meta.extra.get("lang")?.to_ascii_lowercase();
            if !lang.starts_with("zh") {
                return None;
            }
            if lang.ends_with("-tw") {
                Some(Variant::Tw)
            } else if lang.ends_with("-hk") || lang.ends_with("-mo") {
                Some(Variant::Hk)
            } else {
                None
            }
        }
        // The document's evidence is the sum of its lines' (the joining newlines are none).
        // Lines are independent given the document's variant: a large document runs them
        // in parallel blocks.
        let bytes = doc.lines.iter().map(|l| l.text.len()).sum();
        // Code's comments and strings are no evidence of the article's script.
        let lines = blocks::map(&doc.lines, bytes, |l| match l.kind {
            Some(BlockKind::Code) => Evidence::default(),
            _ => Evidence::of(&l.text),
        });
        let (mut evidence, mut residue) = (Evidence::default(), Residue::default());
        for e in &lines {
            evidence.add(*e);
            residue.add(*e);
        }
        let (script, variant) = (evidence.script(), evidence.variant());
        // A page that states its region (`<html lang="zh-HK">`, read by decode) says which
        // Traditional standard it follows more surely than a few telltale characters do, and
        // so does the publisher it names: Hong Kong's press mostly writes Taiwan's forms.
        let variant = match script {
            Script::Hans => variant,
            _ => declared_variant(doc).or_else(|| self.publisher(doc)).or(variant),
        };
        let shown = residue.shown();
        let done = blocks::map_each(&mut doc.lines, bytes, |i, line| {
            self.line(line, lines[i], variant, shown)
        });
        let mut changed = 0;
        let mut repairs = 0;
        for (c, audit) in done {
            changed += u64::from(c);
            repairs += audit.len() as u64;
            doc.audit.extend(audit);
        }
        doc.count("normalize.lines_changed", changed);
        doc.count("normalize.mixed_script", repairs);
        doc.meta.script = script.shown();
        doc.meta.variant = variant;
        if let Some(title) = doc.meta.title.clone() {
            let title = if self.punctuation { normalize_punct(&title) } else { title };
            // The title is repaired as a line of its document, with its own evidence added.
            let e = Evidence::of(&title);
            let mut with_title = residue;
            with_title.add(e);
            let s = self.scripts_in(&title, e, variant, with_title.shown(), &mut Vec::new());
            doc.meta.title_scripts = Some(s.text);
            doc.meta.title = Some(title);
        }
        Ok(())
    }
}
