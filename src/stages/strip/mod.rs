//! **strip** — removes what is not the article, keeps what is, and turns page furniture
//! into metadata.
//!
//! Input: repaired lines. Rules are data (`pipelines/rules/*.toml`), grouped in profiles
//! (a platform such as WeChat or NetEase, or generic markdown residue); a profile applies
//! when its evidence patterns occur in the document. Each rule matches a line (or a span in
//! it) and removes it, rewrites it, tags it as a block kind, or moves a value into
//! metadata. Every change is an audit entry naming the rule and the source lines.
//! Idempotent: a second pass finds nothing left to remove.

mod boilerplate;
mod furniture;
mod head;
mod header;
mod layout;

use serde::Deserialize;

use super::{Stage, StageKind};
use crate::document::Document;
use crate::error::{DocErrorKind, Result};
use crate::labels::{LabelShape, Labels};
use crate::resources::Resources;
use crate::rules::{Evidence, LiteralSet, Profile, RuleFileError, RuleSet, SharedScan};

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StripConfig {
    /// Rule files, applied in order.
    pub rules: Vec<String>,
    /// Rejoin lines wrapped inside paragraphs (documents with blank-line paragraphs only).
    pub unwrap: bool,
    /// Remove body lines that repeat the extracted title.
    pub title_repeats: bool,
    /// Remove the page header's site name where it was injected inside sentences.
    pub injected_names: bool,
    /// Mark documents that end mid-sentence on an ellipsis as truncated.
    pub truncation: bool,
    /// Read exporter wrappers first: front matter into metadata, setext headings as `#`.
    pub wrappers: bool,
    /// Remove forum anti-copy jammer strings.
    pub jammers: bool,
    /// Read title, byline and date from the page head where no rule found them, and drop a
    /// site name after the title.
    pub head_metadata: bool,
    /// Furniture classes for the head/tail scorer and profile cards (none: not run).
    pub boilerplate: Option<String>,
    /// What a speaker label at a line's start is (profiles `paragraph` and `speech`).
    pub labels: String,
}

impl Default for StripConfig {
    fn default() -> Self {
        StripConfig {
            rules: Vec::new(),
            unwrap: true,
            title_repeats: true,
            injected_names: true,
            truncation: true,
            wrappers: true,
            jammers: true,
            head_metadata: true,
            boilerplate: None,
            labels: "builtin:labels.toml".into(),
        }
    }
}

#[derive(Debug)]
pub struct Strip {
    cfg: StripConfig,
    profiles: Vec<Profile>,
    evidence: Evidence,
    boilerplate: Option<boilerplate::Boilerplate>,
    /// A line that opens with a label is never joined to the line before it.
    paragraph: LabelShape,
}

impl Strip {
    pub fn new(cfg: &StripConfig, res: &Resources) -> Result<Self> {
        let mut profiles = Vec::new();
        for name in &cfg.rules {
            let (path, text) = res.read(name)?;
            profiles.push(RuleSet::parse(&text, &path)?.compile(&path)?);
        }
        let evidence = Evidence::new(&profiles);
        let (path, text) = res.read(&cfg.labels)?;
        let Labels { paragraph, speech, .. } = Labels::parse(&text, &path)?;
        let boilerplate = match &cfg.boilerplate {
            Some(name) => {
                let (path, text) = res.read(name)?;
                Some(boilerplate::Boilerplate::parse(&text, &path, speech)?)
            }
            None => None,
        };
        let mut strip = Strip { cfg: cfg.clone(), profiles, evidence, boilerplate, paragraph };
        strip.share_literals();
        Ok(strip)
    }

    /// A short line is asked for the literals of every rule file's filter and of each
    /// furniture class, a set of literals each: one scan of the line answers them all.
    fn share_literals(&mut self) {
        let mut sets: Vec<&mut dyn LiteralSet> =
            self.profiles.iter_mut().map(Profile::literal_set).collect();
        if let Some(b) = &mut self.boilerplate {
            sets.extend(b.literal_sets());
        }
        SharedScan::share(&mut sets);
    }
}

impl Stage for Strip {
    fn kind(&self) -> StageKind {
        StageKind::Strip
    }

    /// Compiles every rule's pattern and furniture class (a run compiles each when a line
    /// first reaches it).
    fn prepare(&self) -> Result<()> {
        self.profiles.iter().try_for_each(Profile::compile_all)?;
        self.boilerplate.as_ref().map_or(Ok(()), boilerplate::Boilerplate::compile_all)
    }

    fn process(&self, doc: &mut Document) -> Result<(), DocErrorKind> {
        layout::trim_lines(doc);
        let c = &self.cfg;
        let mut dated = None;
        if c.wrappers {
            dated = header::front_matter(doc, None);
            header::setext_headings(doc);
            head::heading_title(doc);
        }
        if c.jammers {
            boilerplate::drop_jammers(doc);
            boilerplate::drop_watermarks(doc);
        }
        // Evidence is read in the text as it comes in, before any profile or the furniture
        // score changes it (closing furniture is platform evidence too).
        let failed = |e: RuleFileError| DocErrorKind::Stage {
            stage: StageKind::Strip,
            message: e.to_string(),
        };
        let applicable = self.evidence.applicable(&self.profiles, || doc.text()).map_err(failed)?;
        if let Some(b) = &self.boilerplate {
            b.apply_tail(doc);
        }
        let (mut site_suffixes, mut site_self_refs) = (Vec::new(), Vec::new());
        let mut tz = None;
        for (profile, applies) in self.profiles.iter().zip(applicable) {
            if applies {
                profile.apply(doc).map_err(failed)?;
                tz = tz.or(profile.timezone());
                site_suffixes.extend(profile.site_suffixes.iter().map(String::as_str));
                site_self_refs.extend(profile.site_self_refs.iter().map(String::as_str));
            }
        }
        layout::trim_lines(doc);
        if c.head_metadata {
            let fields = self.boilerplate.as_ref().and_then(boilerplate::Boilerplate::date_fields);
            head::read(doc, tz, fields);
        }
        if doc.meta.published.is_none() {
            doc.meta.published = dated;
        }
        if let Some(b) = &self.boilerplate {
            b.apply_head(doc);
        }
        // Whether paragraphs are blank-line separated is read before title repeats go: a
        // title line removed must not change how the body is laid out.
        let blank_separated = layout::blank_separated(&doc.lines);
        if c.title_repeats {
            furniture::drop_title_repeats(doc);
        }
        if c.injected_names {
            furniture::drop_injected_names(doc, &site_suffixes, &site_self_refs);
            boilerplate::drop_spaced_brands(doc);
        }
        if c.unwrap {
            layout::unwrap_paragraphs(doc, blank_separated, &self.paragraph);
        }
        if c.truncation {
            furniture::flag_truncation(doc);
        }
        Ok(())
    }
}
