//! **segment** — groups lines into typed segments: headings, paragraphs, speaker turns,
//! highlights, quotes, notes and summaries, each under its section.
//!
//! Input: normalised lines with their block kinds from `strip`. Output:
//! `Document::segments`; the lines move into them and `Document::lines` is left empty.
//! Blank lines and audited repeats are dropped, a line split by a note is joined again,
//! and a label alone on its line is kept only as its turn's provenance.
//!
//! A speaker turn starts at a label — a short name and a colon, at the start of a line, after
//! the end of a sentence inside a labelled line (`…吗？答：…`), or a bracketed name — and runs
//! over the following paragraphs until the next label, a heading (also one only the source
//! markup shows: a bold or setext line before the next question) or closing page furniture.
//! A label counts when the name is in the speaker registry, is glossed as a person, or the
//! document uses it in an exchange (`min_repeats`, `min_alternations`); names shaped like
//! narration (`马斯克说：`), fields (`论文链接：`) and URLs never do. A narration line inside an
//! answer stays in it unless it names one of the document's speakers. Roles come from the
//! evidence a reader uses (`roles`). Exact repeated paragraphs and sentences inside one turn
//! are kept once, and the repeat is audited.

mod build;
mod dedupe;
mod headings;
mod inline;
mod labels;
mod parts;
mod roles;
mod speakers;

use std::path::Path;

use crate::rules::LazyRegex;
use serde::Deserialize;

use super::{Stage, StageKind};
use crate::document::Document;
use crate::error::{DocErrorKind, Error, Result};
use crate::labels::{LabelShape, Labels};
use crate::resources::Resources;
use crate::rules::LineFilter;
use crate::toml_error::describe_toml_error;
use crate::toml_error::numbers::at_least_one;

pub use labels::LabelRules;
pub use speakers::Registry;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SegmentConfig {
    /// The speaker registry (aliases → one person).
    pub speakers: String,
    /// Structure rules: narration, list items, stage directions.
    pub rules: String,
    /// What a speaker label at a line's start is (profile `turn`).
    pub labels: String,
}

impl Default for SegmentConfig {
    fn default() -> Self {
        SegmentConfig {
            speakers: "builtin:speakers.toml".into(),
            rules: "builtin:segment.toml".into(),
            labels: "builtin:labels.toml".into(),
        }
    }
}

/// `segment.toml` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    highlight_intro: String,
    list_item: String,
    transcript_intro: String,
    implicit_heading: String,
    #[serde(deserialize_with = "at_least_one")]
    implicit_heading_max_chars: usize,
    narration_suffix: String,
    quoted_narration_suffix: String,
    field_label: String,
    not_speakers: Vec<String>,
    #[serde(deserialize_with = "at_least_one")]
    min_repeats: usize,
    min_alternations: usize,
    #[serde(deserialize_with = "at_least_one")]
    max_name_chars: usize,
    #[serde(deserialize_with = "at_least_one")]
    pair_name_chars: usize,
    #[serde(deserialize_with = "at_least_one")]
    role_label_max_chars: usize,
    inline_label: String,
    closing_furniture: String,
    source_bold: String,
    setext_underline: String,
    section_number: String,
    turn_heading: String,
    direction: String,
    host_label: String,
    title_guest: Vec<String>,
    host_words: String,
    guest_words: String,
    #[serde(deserialize_with = "crate::toml_error::numbers::fraction")]
    host_question_ratio: f32,
    listener_words: String,
    host_score: roles::HostScore,
    header_role: String,
    byline: String,
}

/// Compiled structure rules.
#[derive(Debug)]
pub struct Rules {
    pub highlight_intro: LazyRegex,
    pub list_item: LazyRegex,
    pub transcript_intro: LazyRegex,
    /// Whether `highlight_intro` (bit 1) or `transcript_intro` (bit 2) can match a text:
    /// every line is tried against both, and hardly any matches either.
    pub intros: LineFilter,
    pub implicit_heading: LazyRegex,
    pub implicit_heading_max_chars: usize,
    pub labels: LabelRules,
    pub min_repeats: usize,
    pub min_alternations: usize,
    pub max_name_chars: usize,
    pub pair_name_chars: usize,
    /// The longest label that names a speaker by a role word (`新華社記者`).
    pub role_label_max_chars: usize,
    pub inline_label: LazyRegex,
    /// Whether `inline_label` can match a text (bit 1): every labelled line's words are
    /// searched, and most have no label inside.
    pub inline_filter: LineFilter,
    pub closing_furniture: LazyRegex,
    pub headings: headings::HeadingRules,
    pub direction: LazyRegex,
    /// Whether `direction` can match a text (bit 1): every line is tried, and hardly any
    /// has a stage direction.
    pub direction_filter: LineFilter,
    pub roles: roles::RoleRules,
    /// A header line that lists people under a role word (`主持人：窦文涛`,
    /// `嘉宾：周轶君、马家辉`): the words after the label, when they are only names.
    pub header_role: LazyRegex,
    /// The words after a reporter's label in a byline: names only (`张三`, `李四 王五`).
    pub byline: LazyRegex,
    /// The rules file, for errors.
    source: std::path::PathBuf,
}

impl Rules {
    fn parse(text: &str, path: &Path, labels: LabelShape) -> Result<Rules> {
        let err = |message: String| Error::Rules { path: path.to_owned(), message };
        let f: RulesFile = toml::from_str(text).map_err(|e| err(describe_toml_error(text, &e)))?;
        // Compiled when a document first needs each: news pages never ask the interview
        // rules (roles, bylines). `prepare` compiles them all for `zhpipe check`.
        let re = |key: &str, p: &str| {
            LazyRegex::new(p, format!("`{key}`"))
                .map_err(|e| err(format!("`{key}`: bad regex: {e}")))
        };
        Ok(Rules {
            highlight_intro: re("highlight_intro", &f.highlight_intro)?,
            list_item: re("list_item", &f.list_item)?,
            transcript_intro: re("transcript_intro", &f.transcript_intro)?,
            intros: LineFilter::of_patterns(&[&f.highlight_intro, &f.transcript_intro]),
            implicit_heading: re("implicit_heading", &f.implicit_heading)?,
            implicit_heading_max_chars: f.implicit_heading_max_chars,
            labels: LabelRules {
                shape: labels,
                narration: re("narration_suffix", &f.narration_suffix)?,
                quoted_narration: re("quoted_narration_suffix", &f.quoted_narration_suffix)?,
                field: re("field_label", &f.field_label)?,
                not_speakers: f.not_speakers,
                registered: Default::default(),
            },
            min_repeats: f.min_repeats,
            min_alternations: f.min_alternations,
            max_name_chars: f.max_name_chars,
            pair_name_chars: f.pair_name_chars,
            role_label_max_chars: f.role_label_max_chars,
            inline_label: re("inline_label", &f.inline_label)?,
            inline_filter: LineFilter::of_patterns(&[&f.inline_label]),
            closing_furniture: re("closing_furniture", &f.closing_furniture)?,
            headings: headings::HeadingRules {
                source_bold: re("source_bold", &f.source_bold)?,
                setext_underline: re("setext_underline", &f.setext_underline)?,
                section_number: re("section_number", &f.section_number)?,
                turn_heading: re("turn_heading", &f.turn_heading)?,
                filter: LineFilter::of_patterns(&[
                    &f.section_number,
                    &f.setext_underline,
                    &f.source_bold,
                ]),
            },
            direction: re("direction", &f.direction)?,
            direction_filter: LineFilter::of_patterns(&[&f.direction]),
            roles: roles::RoleRules {
                host_label: re("host_label", &f.host_label)?,
                title_guest: f
                    .title_guest
                    .iter()
                    .map(|p| re("title_guest", p))
                    .collect::<Result<Vec<_>>>()?,
                host_words: re("host_words", &f.host_words)?,
                guest_words: re("guest_words", &f.guest_words)?,
                host_question_ratio: f.host_question_ratio,
                listener_words: re("listener_words", &f.listener_words)?,
                host_score: f.host_score,
            },
            header_role: re("header_role", &f.header_role)?,
            byline: re("byline", &f.byline)?,
            source: path.to_owned(),
        })
    }

    /// Compiles every pattern now instead of when a document first needs it, so that a
    /// pattern over regex's size limit is an error before any document.
    fn compile_all(&self) -> Result<()> {
        self.all()
            .try_for_each(|re| re.compiled().map(drop))
            .map_err(|e| Error::Rules { path: self.source.clone(), message: e.to_string() })
    }

    /// Every pattern of the rules.
    fn all(&self) -> impl Iterator<Item = &LazyRegex> {
        let (labels, headings, roles) = (&self.labels, &self.headings, &self.roles);
        [
            &self.highlight_intro,
            &self.list_item,
            &self.transcript_intro,
            &self.implicit_heading,
            &labels.narration,
            &labels.quoted_narration,
            &labels.field,
            &self.inline_label,
            &self.closing_furniture,
            &headings.source_bold,
            &headings.setext_underline,
            &headings.section_number,
            &headings.turn_heading,
            &self.direction,
            &roles.host_label,
            &roles.host_words,
            &roles.guest_words,
            &roles.listener_words,
            &self.header_role,
            &self.byline,
        ]
        .into_iter()
        .chain(&roles.title_guest)
    }
}

#[derive(Debug)]
pub struct Segment {
    registry: Registry,
    rules: Rules,
}

impl Segment {
    pub fn new(cfg: &SegmentConfig, res: &Resources) -> Result<Self> {
        let (path, text) = res.read(&cfg.speakers)?;
        let registry = Registry::parse(&text, &path)?;
        let (path, text) = res.read(&cfg.labels)?;
        let labels = Labels::parse(&text, &path)?.turn;
        let (path, text) = res.read(&cfg.rules)?;
        let mut rules = Rules::parse(&text, &path, labels)?;
        rules.labels.registered = registry.aliases().map(str::to_owned).collect();
        Ok(Segment { registry, rules })
    }
}

impl Stage for Segment {
    fn kind(&self) -> StageKind {
        StageKind::Segment
    }

    fn prepare(&self) -> Result<()> {
        self.rules.compile_all()
    }

    fn process(&self, doc: &mut Document) -> Result<(), DocErrorKind> {
        let segments = build::Builder::new(&self.registry, &self.rules, doc).run();
        // A pattern that did not compile matched nothing: the segments are not to be trusted.
        if let Some(e) = self.rules.all().find_map(LazyRegex::error) {
            let message = format!("rule file {}: {e}", self.rules.source.display());
            return Err(DocErrorKind::Stage { stage: StageKind::Segment, message });
        }
        doc.count("segment.segments", segments.len() as u64);
        doc.count(
            "segment.turns",
            segments.iter().filter(|s| s.kind == crate::document::BlockKind::Turn).count() as u64,
        );
        doc.segments = segments;
        Ok(())
    }
}
