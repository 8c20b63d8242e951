//! Which labels name a speaker: narration (`马斯克说：`), field names (`论文链接：`) and known
//! non-speakers are not. What a label at a line's start is, is `crate::labels` (`turn`).

use std::collections::HashSet;

use crate::rules::LazyRegex;
use rustc_hash::FxBuildHasher;

use super::speakers::fold;
pub use crate::labels::{LabelAt, LabelFinder, LabelShape};

/// Whether the words after a label are nothing or open a quotation.
fn opens_quote(rest: &str) -> bool {
    rest.is_empty() || rest.starts_with(['“', '「', '『', '"', '‘', '﹁'])
}

/// Whether a label name is narration, by what follows it (see [`LabelRules::narration`]).
#[derive(Debug, Clone, Copy)]
pub struct Narration {
    /// Narration whatever follows (`马斯克说`).
    always: bool,
    /// Narration before a quotation or nothing (`他笑道`).
    before_quote: bool,
}

impl Narration {
    /// Whether the label is narration when `rest` follows it.
    pub fn narrates(self, rest: &str) -> bool {
        self.always || self.before_quote && opens_quote(rest)
    }
}

/// The label patterns and the rules that tell a label from narration.
#[derive(Debug)]
pub struct LabelRules {
    /// What a label at a line's start is (`turn` in `labels.toml`).
    pub shape: LabelShape,
    pub narration: LazyRegex,
    /// Name endings that are narration only before a quotation or nothing (`他笑道：“…”`;
    /// a name may end so: `梁文道：对。`).
    pub quoted_narration: LazyRegex,
    /// Names of fields (`论文链接`, `时间`), not people.
    pub field: LazyRegex,
    pub not_speakers: Vec<String>,
    /// The registry's aliases (folded): a registered label is never narration, even when it
    /// ends like narration (`解说：`, the voice-over of a broadcast).
    pub registered: HashSet<String, FxBuildHasher>,
}

impl LabelRules {
    /// Whether a name can be a speaker at all (not narration, not a known non-speaker). A
    /// registered label is never a field name: `嘉宾：` heads a list of guests in a panel's
    /// header (read as names before this is asked) and is a guest's turn everywhere else.
    pub fn plausible(&self, name: &str) -> bool {
        !self.ends_like_narration(name)
            && (!self.field.matches(name) || self.registered.contains(&fold(name)))
            && !self.not_speakers.iter().any(|n| n == name)
            && !name.chars().all(|c| c.is_ascii_digit())
    }

    /// Whether a label with `name` and the words `rest` after it is the writer's voice
    /// (`马斯克说：…`, `他笑道：“…”`), not a speaker's label.
    pub fn narrates(&self, name: &str, rest: &str) -> bool {
        self.ends_like_narration(name) || self.quoted_narration.matches(name) && opens_quote(rest)
    }

    /// What `name` says of narration whatever follows it: [`LabelRules::narrates`] for a
    /// name read once and asked of many labels.
    pub fn narration(&self, name: &str) -> Narration {
        let always = self.ends_like_narration(name);
        Narration { always, before_quote: !always && self.quoted_narration.matches(name) }
    }

    /// Whether `name` ends like narration (`马斯克说`) and is not a registered label.
    fn ends_like_narration(&self, name: &str) -> bool {
        self.narration.matches(name) && !self.registered.contains(&fold(name))
    }

    /// Where the narration in `name` starts (see [`LabelRules::narrates`]).
    pub fn narration_at(&self, name: &str, rest: &str) -> Option<usize> {
        if let Some(m) =
            self.narration.find(name).filter(|_| !self.registered.contains(&fold(name)))
        {
            return Some(m.start());
        }
        let m = self.quoted_narration.find(name).filter(|_| opens_quote(rest))?;
        Some(m.start())
    }

    /// A finder for the lines of one document.
    pub fn finder(&self) -> LabelFinder<'_> {
        self.shape.finder()
    }
}
