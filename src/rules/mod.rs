//! Rule data: profiles of line rules that strip boilerplate and extract metadata.
//!
//! A rule file is TOML with one `[profile]` and its `[[rules]]`:
//!
//! ```toml
//! [profile]
//! id = "wechat"
//! platform = "wechat"               # sets the document's platform when the profile applies
//! evidence = ['mp\.weixin\.qq\.com'] # regexes searched in the whole text
//! min_evidence = 1                  # how many must match (0: always applies)
//! timezone = "+08:00"               # offset for dates that carry none
//! site_suffixes = ["官方网站", "有限公司"] # generic trailing words of a site name (see strip)
//! site_self_refs = ["记者", "报道"]  # words after which the site name is the site citing itself
//!
//! [[rules]]
//! id = "wechat.author"
//! match = '^文章作者[:：]\s*(?P<value>.+)$'
//! action = "meta"                   # see RuleAction
//! # optional: max_chars = 40 (only short lines), once = true, within_first = 8 (page header),
//! # followed_by = REGEX (the next non-blank line must match),
//! # not_followed_by = REGEX (the next non-blank line must not match)
//! field = "author"
//! ```
//!
//! Rules are checked when their file loads (a bad rule file is an error naming the file, line
//! and key) and each pattern is compiled once, before a line first reaches it (`lazy.rs`).
//! The one error left to compiling, regex's size limit, fails the documents that reach the
//! rule, naming it; [`Profile::compile_all`] (`zhpipe check`) reports it up front.

mod any;
mod apply;
pub(crate) mod byline;
pub(crate) mod date;
mod evidence;
mod lazy;
mod needs;
mod pass;
mod scan;
mod sim;

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::document::{BlockKind, MetaField};
use crate::error::{Error, Result};
use crate::toml_error::describe_toml_error;
pub(crate) use lazy::LazyRegex;
use lazy::PatternError;
use needs::Needs;
use scan::{RuleLiterals, RuleNeeds};

pub use any::{AnyMatch, SetError, DEFAULT_DFA_BYTES};
pub use evidence::Evidence;
pub use scan::{LineFilter, LiteralSet, SharedScan};

pub use date::normalize_date;

/// A pattern of a profile that does not compile, named with its rule file (as
/// [`Error::Rules`] names it).
#[derive(Debug, Clone, thiserror::Error)]
#[error("rule file {path}: {source}")]
pub struct RuleFileError {
    /// The rule file.
    pub path: PathBuf,
    /// What is wrong with the pattern.
    pub source: PatternError,
}

/// A rule file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    pub profile: ProfileDef,
    #[serde(default)]
    pub rules: Vec<RuleDef>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileDef {
    pub id: String,
    /// For the rule file's readers; the pipeline does not use it.
    #[allow(dead_code)]
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub platform: Option<String>,
    #[serde(default)]
    pub evidence: Vec<String>,
    #[serde(default)]
    pub min_evidence: usize,
    #[serde(default)]
    pub timezone: Option<String>,
    #[serde(default)]
    pub site_suffixes: Vec<String>,
    #[serde(default)]
    pub site_self_refs: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub id: String,
    #[serde(rename = "match")]
    pub pattern: String,
    pub action: RuleAction,
    /// `meta`: the metadata field to fill.
    #[serde(default)]
    pub field: Option<String>,
    /// `tag`: the block kind the line becomes.
    #[serde(default)]
    pub kind: Option<BlockKind>,
    /// `replace`: the replacement, with `$name` / `${1}` group references.
    #[serde(default)]
    pub with: Option<String>,
    /// `drop-until`: the first line that is kept.
    #[serde(default)]
    pub until: Option<String>,
    /// Fire only where the next non-blank line matches this (a title right above a date).
    #[serde(default)]
    pub followed_by: Option<String>,
    /// Fire only where the next non-blank line does not match this (a first line that is no
    /// title when the line below continues an exchange it opens).
    #[serde(default)]
    pub not_followed_by: Option<String>,
    /// `meta`: keep the line in the text as well.
    #[serde(default)]
    pub keep: bool,
    /// Fire only on lines of at most this many characters: boilerplate is short, and a
    /// long line that mentions the same words is content.
    #[serde(default, deserialize_with = "crate::toml_error::numbers::at_least_one_opt")]
    pub max_chars: Option<usize>,
    /// Fire only on the first matching line.
    #[serde(default)]
    pub once: bool,
    /// Fire only among the first N non-blank lines (page headers).
    #[serde(default, deserialize_with = "crate::toml_error::numbers::at_least_one_opt")]
    pub within_first: Option<usize>,
    /// For the rule file's readers; the pipeline does not use it.
    #[allow(dead_code)]
    #[serde(default)]
    pub description: Option<String>,
}

/// What a rule does to a line it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleAction {
    /// Remove the line.
    DropLine,
    /// Remove the matched text; a line left blank goes too.
    DropSpan,
    /// Rewrite matches with `with`; a `url` group's text is kept in metadata `links`.
    Replace,
    /// Move the `value` group (or the match) into metadata `field`; drop the line unless `keep`.
    Meta,
    /// Mark the line as a block `kind`; its text becomes the `value` group when there is one.
    Tag,
    /// Remove this line and every line after it (footers).
    DropRest,
    /// Remove this line and the following ones up to (not including) a line matching `until`.
    DropUntil,
    /// Split the line where the `cut` group (or the match) is, dropping that text.
    Split,
}

/// A compiled profile.
#[derive(Debug)]
pub struct Profile {
    /// As in the rule file (shown by `Debug`).
    #[allow(dead_code)]
    pub id: String,
    /// The rule file it was loaded from (errors name it).
    pub source: PathBuf,
    pub platform: Option<String>,
    evidence: Vec<LazyRegex>,
    /// Per evidence pattern, literals one of which its every match contains.
    evidence_literals: Vec<Option<Vec<Vec<u8>>>>,
    min_evidence: usize,
    timezone: Option<String>,
    /// Generic trailing words of a site name; without them its brand is left.
    pub site_suffixes: Vec<String>,
    /// Words before which the site's name is the site citing itself, not an injection.
    pub site_self_refs: Vec<String>,
    rules: Vec<Rule>,
    /// Which rules can match a line, built from the rules' patterns.
    filter: LineFilter,
}

#[derive(Debug)]
struct Rule {
    id: String,
    /// `strip.<id>`, the counter of lines the rule removed.
    stat_key: String,
    /// The rule's bit in [`LineFilter`] masks (`None`: tried on every line).
    bit: Option<u64>,
    /// Literals a line needs before the regex is tried, where the filter's masks do not
    /// check them.
    literals: Option<RuleLiterals>,
    re: LazyRegex,
    /// Whether `re` has a `url` group (links to keep in metadata).
    has_url: bool,
    action: RuleAction,
    field: Option<String>,
    kind: Option<BlockKind>,
    with: String,
    until: Option<LazyRegex>,
    followed_by: Option<LazyRegex>,
    not_followed_by: Option<LazyRegex>,
    keep: bool,
    max_chars: Option<usize>,
    once: bool,
    within_first: Option<usize>,
}

impl RuleSet {
    pub fn parse(text: &str, path: &Path) -> Result<RuleSet> {
        toml::from_str(text).map_err(|e| Error::Rules {
            path: path.to_owned(),
            message: describe_toml_error(text, &e),
        })
    }

    pub fn compile(self, path: &Path) -> Result<Profile> {
        let err = |message: String| Error::Rules { path: path.to_owned(), message };
        let re = |what: &str, p: &str| {
            LazyRegex::new(p, what.to_owned()).map_err(|e| err(format!("{what}: bad regex: {e}")))
        };
        let evidence = self
            .profile
            .evidence
            .iter()
            .map(|p| re(&format!("profile `{}` evidence", self.profile.id), p))
            .collect::<Result<Vec<_>>>()?;
        let needs: Vec<Needs> = self.rules.iter().map(|d| Needs::of(&d.pattern)).collect();
        let filter = LineFilter::new(
            &needs
                .iter()
                .zip(&self.rules)
                .map(|(needs, d)| RuleNeeds {
                    needs,
                    max_chars: d.max_chars,
                    header_only: d.within_first.is_some(),
                })
                .collect::<Vec<_>>(),
        );
        let mut rules = Vec::with_capacity(self.rules.len());
        for (i, (d, needs)) in self.rules.into_iter().zip(&needs).enumerate() {
            let header_only = d.within_first.is_some();
            let mut rule = compile_rule(d, &re, &err)?;
            rule.bit = (i < 64).then(|| 1u64 << i);
            // The filter's scan leaves header rules out; they look for their own literals.
            rule.literals = header_only.then(|| RuleLiterals::new(needs)).flatten();
            rules.push(rule);
        }
        let evidence_literals =
            self.profile.evidence.iter().map(|p| Needs::of(p).literals).collect();
        Ok(Profile {
            id: self.profile.id,
            source: path.to_owned(),
            platform: self.profile.platform,
            evidence,
            evidence_literals,
            min_evidence: self.profile.min_evidence,
            timezone: self.profile.timezone,
            site_suffixes: self.profile.site_suffixes,
            site_self_refs: self.profile.site_self_refs,
            rules,
            filter,
        })
    }
}

fn compile_rule(
    d: RuleDef,
    re: &dyn Fn(&str, &str) -> Result<LazyRegex>,
    err: &dyn Fn(String) -> Error,
) -> Result<Rule> {
    let what = format!("rule `{}`", d.id);
    let needs = |ok: bool, key: &str| {
        if ok {
            Ok(())
        } else {
            Err(err(format!("{what}: action {:?} needs key `{key}`", d.action)))
        }
    };
    match d.action {
        RuleAction::Meta => needs(d.field.is_some(), "field")?,
        RuleAction::Tag => needs(d.kind.is_some(), "kind")?,
        RuleAction::Replace => needs(d.with.is_some(), "with")?,
        RuleAction::DropUntil => needs(d.until.is_some(), "until")?,
        _ => {}
    }
    if let Some(f) = &d.field {
        if MetaField::named(f).is_none() && !f.starts_with("extra.") {
            let names: Vec<&str> = MetaField::ALL.iter().map(|m| m.name()).collect();
            return Err(err(format!(
                "{what}: unknown field `{f}` (one of {}, or extra.NAME)",
                names.join(", ")
            )));
        }
    }
    let pattern = re(&what, &d.pattern)?;
    Ok(Rule {
        stat_key: format!("strip.{}", d.id),
        bit: None,
        literals: None,
        has_url: pattern.has_group("url"),
        re: pattern,
        until: d.until.as_deref().map(|u| re(&format!("{what} until"), u)).transpose()?,
        followed_by: d
            .followed_by
            .as_deref()
            .map(|u| re(&format!("{what} followed_by"), u))
            .transpose()?,
        not_followed_by: d
            .not_followed_by
            .as_deref()
            .map(|u| re(&format!("{what} not_followed_by"), u))
            .transpose()?,
        id: d.id,
        action: d.action,
        field: d.field,
        kind: d.kind,
        with: d.with.unwrap_or_default(),
        keep: d.keep,
        max_chars: d.max_chars,
        once: d.once,
        within_first: d.within_first,
    })
}

impl Profile {
    /// Whether the document shows enough of this profile's evidence; `possible(k)` is
    /// false for evidence pattern `k` when its literals are absent from the text (it is
    /// not searched then). An error names a pattern that does not compile.
    pub fn applies_to(
        &self,
        text: &str,
        possible: impl Fn(usize) -> bool,
    ) -> std::result::Result<bool, RuleFileError> {
        if self.min_evidence == 0 {
            return Ok(true);
        }
        let mut seen = 0;
        for (k, re) in self.evidence.iter().enumerate() {
            let found = possible(k) && re.matches(text);
            if let Some(e) = re.error() {
                return Err(self.in_file(e.clone()));
            }
            if found {
                seen += 1;
                if seen >= self.min_evidence {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// Its line filter's literals, to join a [`SharedScan`].
    pub fn literal_set(&mut self) -> &mut dyn LiteralSet {
        self.filter.literal_set()
    }

    /// The offset (`+08:00`) the profile gives dates that carry none.
    pub fn timezone(&self) -> Option<&str> {
        self.timezone.as_deref()
    }

    /// Compiles every pattern now instead of when a line first reaches it, so that a
    /// pattern over regex's size limit is an error before any document.
    pub fn compile_all(&self) -> Result<()> {
        self.evidence
            .iter()
            .try_for_each(|re| re.compiled().map(drop))
            .and_then(|()| self.rules.iter().try_for_each(Rule::compile))
            .map_err(|e| Error::Rules { path: self.source.clone(), message: e.to_string() })
    }

    /// An error about one of the profile's patterns, naming its rule file (as
    /// [`Error::Rules`] does).
    fn in_file(&self, source: PatternError) -> RuleFileError {
        RuleFileError { path: self.source.clone(), source }
    }
}

impl Rule {
    /// The rule's patterns.
    fn patterns(&self) -> impl Iterator<Item = &LazyRegex> {
        [
            Some(&self.re),
            self.until.as_ref(),
            self.followed_by.as_ref(),
            self.not_followed_by.as_ref(),
        ]
        .into_iter()
        .flatten()
    }

    /// Compiles the rule's patterns (once).
    fn compile(&self) -> std::result::Result<(), PatternError> {
        self.patterns().try_for_each(|re| re.compiled().map(drop))
    }

    /// Why one of the rule's patterns did not compile, once a search tried: it matched
    /// nothing, and the document fails.
    fn error(&self) -> Option<&PatternError> {
        self.patterns().find_map(LazyRegex::error)
    }
}
