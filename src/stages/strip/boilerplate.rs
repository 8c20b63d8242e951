//! Page furniture found by what a line looks like and where it is, not by the site: a score
//! of features per line, used at the two ends of the article.
//!
//! Each non-blank line gets a class from cheap features: its length, how much of it is Han
//! text, whether it ends sentences, whether it is a link, an image, a list item or a bare word,
//! whether it is in another script (an English or Japanese banner over a Chinese article), and
//! whether it belongs to one of the *furniture classes* (data: follow/like/share prompts,
//! profile cards, reprint and 投稿 notes, copyright/ICP/举报 footers, privacy and cookie
//! banners, app promotion, view counters, breadcrumbs, recommended-reading headings, end
//! markers, exporter footers). Then:
//!
//! - **head**: before the first content paragraph, everything up to the last furniture line
//!   goes (navigation, banners, breadcrumbs above the title). A title-like line right after
//!   it becomes the title when no rule found one.
//! - **tail**: after the last content paragraph, everything from the first furniture line
//!   on goes (with the navigation lines just above it), so that closing furniture is not
//!   appended to the last speaker's turn. A label with no text after it (`社区：` over a
//!   contact list) is no content there.
//! - **cards**: a 公众号 profile card (`N篇原创内容` with the account's name, slogan and
//!   avatar above it) goes wherever it is.
//!
//! Precision first: a line that reads as content (sentences of Han text, or a speaker label)
//! is never removed here, and nothing is removed without evidence: a furniture-class line, a
//! run of bare words, or (for a few short content lines at the very top, never a speaker's)
//! a line the head repeats after them.
//! Every removal is in the audit as `strip.head-furniture`, `strip.tail-furniture` or
//! `strip.profile-card`.

use std::cell::Cell;

use regex::Regex;
use serde::Deserialize;

use crate::chars::is_ideograph;
use crate::document::{Action, AuditEntry, BlockKind, Document, Line};
use crate::error::{Error, Result};
use crate::labels::LabelShape;
use crate::rules::{AnyMatch, LiteralSet, SetError, DEFAULT_DFA_BYTES};
use crate::toml_error::numbers::at_least_one;

/// The classes and thresholds, as written in the boilerplate file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoilerplateDef {
    /// Furniture classes: a line of at most `max_chars` matching one of these is furniture.
    pub furniture: Vec<String>,
    /// Anchors of profile cards (`\d+篇原创内容`).
    #[serde(default)]
    pub cards: Vec<String>,
    /// Openings that make a line furniture whatever its length (`版权声明：…`).
    #[serde(default)]
    pub leads: Vec<String>,
    /// Whole short lines that are furniture by themselves, anywhere (`ADVERTISEMENT`).
    #[serde(default)]
    pub markers: Vec<String>,
    /// Self-promotion (`大家好，我是…`, `…加我微信`): furniture where the head scan meets it
    /// before the first content paragraph, right above the closing furniture, or closing
    /// the page with only pictures under it, although it reads as sentences.
    #[serde(default)]
    pub promos: Vec<String>,
    #[serde(default = "default_max_chars", deserialize_with = "at_least_one")]
    pub max_chars: usize,
    /// A content line has at least this many Han characters and ends a sentence.
    #[serde(default = "default_content_han", deserialize_with = "at_least_one")]
    pub content_han: usize,
    /// How far (non-blank lines) from each end furniture is looked for.
    #[serde(default = "default_reach")]
    pub reach: usize,
    /// Short content lines the head scan reads past looking for a line the head repeats
    /// (0: it stops at the first content line). See [`head_anchor`].
    #[serde(default)]
    pub head_lookahead: usize,
    /// Consecutive bare-word lines before the first content line that are furniture
    /// evidence by themselves (a vertical share bar or menu; 0: none are).
    #[serde(default)]
    pub nav_run: usize,
    /// Page fields and widgets that share a line with the publication date (`来源：…`,
    /// `责任编辑：…`, `打印`, `字号`): a line of a date and these is only a date.
    #[serde(default)]
    pub date_fields: Option<String>,
    /// Blocks a heading announces (a related-reading list, a summary widget): the heading
    /// and the items under it go, wherever they are.
    #[serde(default)]
    pub blocks: Vec<BlockDef>,
}

/// A furniture block: a heading line and the run of item lines under it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockDef {
    /// What the block is (the audit's reason: `strip.block.<name>`).
    pub name: String,
    /// The heading line (its opening: a summary widget's heading may be glued to its text).
    pub heading: String,
    /// An item line: matched whole, at most `item_max_chars` long, never a speaker's line.
    pub item: String,
    #[serde(default = "default_item_max_chars", deserialize_with = "at_least_one")]
    pub item_max_chars: usize,
    /// Items needed for the heading to be taken for a block (one heading alone is not).
    #[serde(default = "default_min_items", deserialize_with = "at_least_one")]
    pub min_items: usize,
    /// Lines right under the heading that are not items but belong to the block when items
    /// follow them (a summary's opening sentence).
    #[serde(default)]
    pub intro: usize,
}

fn default_item_max_chars() -> usize {
    60
}
fn default_min_items() -> usize {
    2
}

/// A compiled [`BlockDef`].
#[derive(Debug)]
struct Block {
    rule: String,
    item: AnyMatch,
    item_max_chars: usize,
    min_items: usize,
    intro: usize,
}

/// The longest line read as a block's heading (40 chars are at most 160 bytes, and a
/// summary heading glued to its text is longer).
const BLOCK_HEADING_BYTES: usize = 600;

fn default_max_chars() -> usize {
    200
}
fn default_content_han() -> usize {
    12
}
fn default_reach() -> usize {
    60
}

#[derive(Debug)]
pub struct Boilerplate {
    /// The file the classes come from (errors left to compiling name it).
    path: std::path::PathBuf,
    furniture: AnyMatch,
    cards: Option<AnyMatch>,
    leads: Option<AnyMatch>,
    markers: AnyMatch,
    promos: Option<AnyMatch>,
    max_chars: usize,
    content_han: usize,
    reach: usize,
    head_lookahead: usize,
    nav_run: usize,
    date_fields: Option<Regex>,
    /// A line in which someone speaks, never furniture (`speech` in `labels.toml`).
    speech: LabelShape,
    blocks: Vec<Block>,
    /// The blocks' headings, pattern `k` block `k`'s: a line is searched once for all.
    headings: AnyMatch,
}

/// The lazy DFA's cache for the furniture classes (see [`Boilerplate::parse`]).
const FURNITURE_DFA_BYTES: usize = 32 << 20;

impl Boilerplate {
    pub fn parse(text: &str, path: &std::path::Path, speech: LabelShape) -> Result<Boilerplate> {
        let err = |message: String| Error::Rules { path: path.to_owned(), message };
        let def: BoilerplateDef = toml::from_str(text)
            .map_err(|e| err(crate::toml_error::describe_toml_error(text, &e)))?;
        // Unicode classes (`\W`, `\S`) in many alternatives make a lazy DFA with many
        // states: with the default cache it is cleared line after line and the search falls
        // back to the (several times slower) PikeVM. Lines are short; the room is cheap.
        let set = |patterns: &[String], dfa_bytes: usize, what: &str| {
            AnyMatch::new(patterns, dfa_bytes).map_err(|e| err(format!("{what}: bad regex: {e}")))
        };
        let joined = |ps: &[String], anchor: &str, what: &str| match ps.is_empty() {
            true => Ok(None),
            false => {
                set(&[format!("{anchor}(?:{})", ps.join("|"))], DEFAULT_DFA_BYTES, what).map(Some)
            }
        };
        let furniture = set(&def.furniture, FURNITURE_DFA_BYTES, "furniture")?;
        let cards = joined(&def.cards, "", "cards")?;
        let leads = joined(&def.leads, "^", "leads")?;
        let markers = set(&def.markers, DEFAULT_DFA_BYTES, "markers")?;
        let promos = match def.promos.is_empty() {
            true => None,
            false => Some(set(&def.promos, DEFAULT_DFA_BYTES, "promos")?),
        };
        let date_fields = match &def.date_fields {
            Some(p) => {
                Some(Regex::new(p).map_err(|e| err(format!("date_fields: bad regex: {e}")))?)
            }
            None => None,
        };
        let blocks = (def.blocks.iter())
            .map(|b| {
                Ok(Block {
                    rule: format!("strip.block.{}", b.name),
                    item: set(
                        &[format!("^(?:{})$", b.item)],
                        DEFAULT_DFA_BYTES,
                        &format!("blocks.{}.item", b.name),
                    )?,
                    item_max_chars: b.item_max_chars,
                    min_items: b.min_items,
                    intro: b.intro,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        // Each heading checked alone first, so that an error names its block.
        for b in &def.blocks {
            let heading = [format!("^(?:{})", b.heading)];
            set(&heading, DEFAULT_DFA_BYTES, &format!("blocks.{}.heading", b.name))?;
        }
        let headings: Vec<String> =
            def.blocks.iter().map(|b| format!("^(?:{})", b.heading)).collect();
        let headings = set(&headings, DEFAULT_DFA_BYTES, "blocks")?;
        Ok(Boilerplate {
            path: path.to_owned(),
            furniture,
            cards,
            leads,
            markers,
            promos,
            max_chars: def.max_chars,
            content_han: def.content_han,
            reach: def.reach,
            head_lookahead: def.head_lookahead,
            nav_run: def.nav_run,
            date_fields,
            blocks,
            headings,
            speech,
        })
    }

    /// The literals of its classes, to join a [`SharedScan`](crate::rules::SharedScan).
    pub fn literal_sets(&mut self) -> Vec<&mut dyn LiteralSet> {
        let optional = [&mut self.cards, &mut self.leads, &mut self.promos];
        [&mut self.furniture, &mut self.markers, &mut self.headings]
            .into_iter()
            .chain(optional.into_iter().flatten())
            .map(AnyMatch::literal_set)
            .collect()
    }

    /// Compiles every class now (each compiles when a line first needs it): the one error
    /// left to compiling, regex's size limit, shows before any document (`zhpipe check`).
    pub fn compile_all(&self) -> Result<()> {
        let err = |what: &str, e: SetError| Error::Rules {
            path: self.path.clone(),
            message: format!("{what}: bad regex: {e}"),
        };
        let sets = [("furniture", Some(&self.furniture)), ("markers", Some(&self.markers))];
        let more = [
            ("cards", self.cards.as_ref()),
            ("leads", self.leads.as_ref()),
            ("promos", self.promos.as_ref()),
        ];
        for (what, set) in sets.into_iter().chain(more) {
            set.map_or(Ok(()), AnyMatch::compile_all).map_err(|e| err(what, e))?;
        }
        self.headings.compile_all().map_err(|e| err("blocks", e))?;
        for b in &self.blocks {
            b.item.compile_all().map_err(|e| err(&b.rule, e))?;
        }
        Ok(())
    }

    /// The page fields that may share a line with the publication date (see
    /// [`BoilerplateDef::date_fields`]).
    pub fn date_fields(&self) -> Option<&Regex> {
        self.date_fields.as_ref()
    }

    /// Blocks a heading announces (see [`BoilerplateDef::blocks`]): the heading and at
    /// least `min_items` item lines under it (blank lines between them are read past) go.
    /// The run ends at the first line that is not an item.
    fn blocks(&self, doc: &mut Document, reads: &mut Reads) {
        if self.blocks.is_empty() {
            return;
        }
        let mut runs: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
        let mut i = 0;
        while i < doc.lines.len() {
            let t = doc.lines[i].text.trim();
            // Headings are short lines (or a heading glued to a summary): most paragraphs are
            // ruled out by their length before any pattern runs.
            let found = (!t.is_empty() && t.len() <= BLOCK_HEADING_BYTES)
                .then(|| self.headings.first_match(t))
                .flatten();
            let Some(k) = found else {
                i += 1;
                continue;
            };
            let b = &self.blocks[k];
            let (mut end, mut items, mut intro) = (i + 1, 0, 0);
            let mut j = i + 1;
            while j < doc.lines.len() {
                let t = doc.lines[j].text.trim();
                if t.is_empty() {
                    j += 1;
                    continue;
                }
                // A speaker's label opens on a name (`**主持人**：`), a summary's point on
                // an emoji (`🎨 产品功能创新：`).
                let speaker = self.speech.opens(t)
                    && t.trim_start_matches(['*', '_', '-', ' '])
                        .starts_with(char::is_alphanumeric);
                let item = t.chars().count() <= b.item_max_chars && !speaker && b.item.is_match(t);
                if !item {
                    if items == 0 && intro < b.intro && t.chars().count() <= b.item_max_chars {
                        intro += 1;
                        j += 1;
                        continue;
                    }
                    break;
                }
                items += 1;
                j += 1;
                end = j;
            }
            if items >= b.min_items {
                runs.push((k, i..end));
                i = end;
            } else {
                i += 1;
            }
        }
        if runs.is_empty() {
            return;
        }
        // Each block named by its kind; the ranges are disjoint and in order.
        let mut lines = std::mem::take(&mut doc.lines);
        for (k, r) in &runs {
            audit_removed(doc, &lines[r.clone()], &self.blocks[*k].rule);
        }
        let ranges: Vec<std::ops::Range<usize>> = runs.into_iter().map(|(_, r)| r).collect();
        drop_ranges(&mut lines, &ranges);
        reads.drop_ranges(&ranges);
        doc.lines = lines;
    }

    /// Profile cards and closing furniture, read in the text as it comes in (links, images
    /// and rules still visible), before the profiles remove the prompts that are evidence.
    pub fn apply_tail(&self, doc: &mut Document) {
        self.cards(doc);
        if let Some(from) = self.tail(&doc.lines, &Reads::new(doc.lines.len())) {
            remove(doc, from..doc.lines.len(), "strip.tail-furniture");
        }
    }

    /// Opening furniture, after the profiles have moved the title, byline and date into
    /// metadata (so that they are not taken for navigation); then furniture blocks inside
    /// the article.
    pub fn apply_head(&self, doc: &mut Document) {
        // Each step asks its questions of the lines the steps before it left; a line's
        // answers are read once for all of them.
        let mut reads = Reads::new(doc.lines.len());
        // Lines the batch repeats go first: a site's navigation is no title.
        self.repeats(doc, &mut reads);
        if let Some(to) = self.head(&doc.lines, &reads, doc.meta.title.as_deref()) {
            remove(doc, 0..to, "strip.head-furniture");
            reads.0.drain(..to);
        }
        // Markers and blocks before the title is guessed: a `上一篇` link under a byline is
        // not the article's first paragraph.
        self.markers(doc, &mut reads);
        self.blocks(doc, &mut reads);
        self.guess_title(doc, &mut reads);
        self.interior(doc, &mut reads);
    }

    /// Furniture blocks between paragraphs (a paywall prompt and an end marker between a
    /// chapter and its repeat, a share bar and a topic tag between a headline list and the
    /// article): in a run of lines none of which reads as content, two or more furniture
    /// lines are evidence, and the run from the first of them to the last goes. One
    /// furniture line alone stays (a photo credit under a picture is not a block), and a
    /// line of sentences ends a run whatever it names.
    fn interior(&self, doc: &mut Document, reads: &mut Reads) {
        // A line's class depends on the line alone: a run removed leaves the lines after it
        // as they were, so the scan goes on where the run ended and the runs are taken out
        // together at the end.
        let mut runs = Vec::new();
        // Rows of a data table read like a menu of bars, line by line: the table as a whole
        // tells them apart, and a table is content.
        let tables = table_rows(&doc.lines);
        let mut i = 0;
        while i < doc.lines.len() {
            let (mut first, mut last, mut count) = (None, 0, 0);
            let mut k = i;
            while k < doc.lines.len() {
                if tables.get(k).copied().unwrap_or(false) {
                    break;
                }
                let (line, read) = (&doc.lines[k], reads.at(k));
                // Paragraphs end a run before any pattern is tried: the scan costs a few
                // character counts on most lines.
                if read.prose(line.text.trim(), self) {
                    break;
                }
                let c = self.class(line, read);
                if c == Class::Content {
                    break;
                }
                if c == Class::Furniture {
                    first.get_or_insert(k);
                    last = k;
                    count += 1;
                }
                k += 1;
            }
            if let Some(from) = first.filter(|_| count >= 2) {
                runs.push(from..last + 1);
            }
            i = k + 1;
        }
        remove_ranges(doc, &runs, "strip.interior-furniture");
        reads.drop_ranges(&runs);
    }

    /// Lines that are furniture by themselves (`markers`), one by one wherever they are; the
    /// lines are compacted once.
    fn markers(&self, doc: &mut Document, reads: &mut Reads) {
        let markers: Vec<std::ops::Range<usize>> = (doc.lines.iter().enumerate())
            .filter(|(_, l)| self.is_marker(l.text.trim()))
            .map(|(i, _)| i..i + 1)
            .collect();
        remove_ranges(doc, &markers, "strip.furniture-marker");
        reads.drop_ranges(&markers);
    }

    /// A whole short line that is furniture by itself (`ADVERTISEMENT`).
    fn is_marker(&self, t: &str) -> bool {
        // Forty chars are at most 160 bytes: longer lines are not counted.
        !t.is_empty() && t.len() <= 160 && t.chars().count() <= 40 && self.markers.is_match(t)
    }

    /// Lines the batch's other documents have too (`--cross-doc-repeats`): site navigation,
    /// footers and sidebars repeated page after page. Only lines that do not read as
    /// content go (a speaker's `谢谢。` may recur in every interview of a batch), nor
    /// headings, which a series repeats on purpose.
    fn repeats(&self, doc: &mut Document, reads: &mut Reads) {
        let Some(repeats) = doc.repeats.clone() else { return };
        if repeats.is_empty() {
            return;
        }
        let flagged = |i: usize| {
            let l = &doc.lines[i];
            let t = l.text.trim();
            !t.is_empty()
                && !t.starts_with('#')
                && repeats.contains(t)
                && self.class(l, reads.at(i)) != Class::Content
                && !self.speech.opens(t)
        };
        let mut runs = Vec::new();
        let mut i = 0;
        while i < doc.lines.len() {
            if !flagged(i) {
                i += 1;
                continue;
            }
            let mut end = i + 1;
            while end < doc.lines.len() && flagged(end) {
                end += 1;
            }
            runs.push(i..end);
            i = end;
        }
        remove_ranges(doc, &runs, "strip.cross-doc-repeat");
        reads.drop_ranges(&runs);
    }

    /// Text even without a stop: twice the Han characters of a content line, no link, and
    /// a clause as long as a content line (a keyword list or a menu has only short items).
    fn substantial(&self, line: &Line) -> bool {
        let t = line.text.trim();
        let f = Features::of(t);
        if f.han < 2 * self.content_han || f.link {
            return false;
        }
        let mut run = 0;
        for c in t.chars() {
            run = if is_ideograph(c) { run + 1 } else { 0 };
            if run >= self.content_han {
                return true;
            }
        }
        false
    }

    /// A line of sentences long enough to be a paragraph, whatever furniture word it has.
    fn reads_as_prose(&self, f: &Features) -> bool {
        f.han >= self.content_han && f.ends_sentence && f.chars > PROSE_CHARS
    }

    fn class(&self, line: &Line, read: &Read) -> Class {
        if let Some(c) = read.class.get() {
            return c;
        }
        let c = self.class_of(line, read);
        read.class.set(Some(c));
        c
    }

    fn class_of(&self, line: &Line, read: &Read) -> Class {
        let t = line.text.trim();
        if t.is_empty() {
            return Class::Blank;
        }
        if line.kind == Some(BlockKind::Code) {
            return Class::Content;
        }
        let f = &read.features(t);
        let chars = f.chars;
        let sentences = f.han >= self.content_han && f.ends_sentence;
        // A speaker's sentences, and a long paragraph of sentences, are content even when they
        // name a furniture word; a label over a phone number or a link (`举报电话：…`) is not.
        if self.leads.as_ref().is_some_and(|re| re.is_match(t)) {
            return Class::Furniture;
        }
        let label = self.speech.opens(t);
        let spoken = label && {
            let rest = Features::of(after_label(t));
            rest.han >= 8 && rest.ends_sentence
        };
        if chars <= self.max_chars
            && !spoken
            && !(sentences && chars > 100)
            && self.furniture.is_match(t)
        {
            return Class::Furniture;
        }
        if label {
            return Class::Content;
        }
        if is_menu(t, f) || doubled(t) {
            return Class::Furniture;
        }
        if is_nav(t, chars, f) {
            return Class::Nav;
        }
        if f.kana > 0 || (f.latin > 2 * f.han && f.han < self.content_han) {
            return Class::Foreign;
        }
        if sentences || (f.han >= 40 && !f.link) {
            return Class::Content;
        }
        Class::Other
    }

    /// The index of the first line to keep at the top, when furniture is there. Lines under
    /// the last furniture line stay: a short title can look like navigation.
    ///
    /// A line the head repeats is an anchor too: a page lists its headlines (or prints its
    /// section name, or a breadcrumb ending with the title) before the article, whose title
    /// then comes again. Everything before the repeat goes; the repeat itself goes when it is
    /// navigation, and stays (as the title) when not. The scan reads past a few short content
    /// lines (headlines ending on `!`, a promotion paragraph) looking for such a repeat
    /// (`head_lookahead`); only a repeat anchors past content, never a furniture word, and a
    /// label line (`### 唐鳳：`) or a speaker's words end the scan. A run of bare words
    /// (`nav_run`: a vertical share bar or menu) is evidence like a furniture line.
    ///
    /// Lines are classed only up to the first content lines: the scan costs a few lines, not
    /// the document.
    fn head(&self, lines: &[Line], reads: &Reads, title: Option<&str>) -> Option<usize> {
        // A breadcrumb that ends with the title a rule already took (`首页 论坛 … 标题 ...`),
        // or the title line with the site's name: the page's head ends there.
        let title = title.map(str::trim).filter(|t| t.chars().count() >= 8);
        // The rest of the line is a path or a site name: short, no sentence in it (a summary
        // that names the title is the article's).
        let crumb = |t: &str| {
            title.is_some_and(|title| {
                t.len() > title.len()
                    && t.contains(title)
                    && !t.replacen(title, "", 1).contains(['。', '！', '？', '!', '?', '；'])
            }) && t.chars().count() <= CRUMB_MAX_CHARS
                && !self.speech.opens(t)
        };
        let mut last_furniture = None;
        let mut seen = 0;
        let mut earlier: Vec<&str> = Vec::new();
        let mut read_past = 0;
        let mut bare_run = 0;
        let mut after_label_line = false;
        for (i, line) in lines.iter().enumerate() {
            let mut c = self.class(line, reads.at(i));
            if matches!(c, Class::Other | Class::Nav) && self.wrapped_sentence(lines, reads, i) {
                c = Class::Content;
            }
            // Above the first content paragraph, an author's self-promotion is the page's.
            if c == Class::Content && read_past == 0 && self.is_promo(line) {
                c = Class::Furniture;
            }
            let t = lines[i].text.trim();
            // The title line (`古人是怎么想到要用水来计时?`) is not the article's first paragraph,
            // whatever its stop.
            if c == Class::Content && title.is_some_and(|ti| ti == t.trim_matches(['#', '*', ' ']))
            {
                c = Class::Other;
            }
            let c = &c;
            if *c == Class::Blank {
                continue;
            }
            // A repeat, or a title the breadcrumb above it ends with (`首页 北美洲华人 … 标题`).
            // A line printed twice in a row is a picture's alt text and caption, not a
            // headline list coming round again: it anchors nothing.
            let twice = earlier.last() == Some(&t);
            // A line of punctuation (the `。` a hard wrap leaves alone) names nothing.
            let repeat = !twice
                && t.chars().any(char::is_alphanumeric)
                && (earlier.contains(&t)
                    || (t.chars().count() >= 8
                        && earlier.iter().any(|e| e.len() > t.len() && e.contains(t))));
            // A label on its own line (`### 唐鳳：`) heads a turn: the lines under it are
            // the article's, however short, and no lookahead reads past them.
            let label_line = t.trim_end_matches(['*', '_', ' ']).ends_with([':', '：']);
            if read_past > 0 && label_line {
                return last_furniture;
            }
            if crumb(t) {
                last_furniture = Some(i + 1);
                earlier.push(t);
                continue;
            }
            if read_past > 0 {
                // Past a content line only a repeat anchors the head (see `head_anchor`).
                if repeat && head_anchor(t, &self.speech) {
                    let keep = if *c == Class::Nav { i + 1 } else { i };
                    last_furniture = Some(last_furniture.map_or(keep, |f: usize| f.max(keep)));
                } else if *c == Class::Content {
                    if read_past >= self.head_lookahead || !head_anchor(t, &self.speech) {
                        return last_furniture;
                    }
                    read_past += 1;
                }
                earlier.push(t);
                seen += 1;
                if seen > self.reach || i > HEAD_CAP {
                    return last_furniture;
                }
                continue;
            }
            match c {
                Class::Content => {
                    // The first may be a promotion paragraph; a speaker's words are the article.
                    let promo = t.chars().count() <= PROMO_MAX_CHARS
                        && !self.speech.opens(t)
                        && !after_label_line;
                    if self.head_lookahead == 0 || !promo {
                        return last_furniture;
                    }
                    read_past = 1;
                    earlier.push(t);
                    continue;
                }
                Class::Furniture => last_furniture = Some(i + 1),
                _ => {}
            }
            // A run of bare words (`微博` `Qzone` `评论` `图集`) is a share bar or a menu.
            bare_run = if *c == Class::Nav && bare_word(t) { bare_run + 1 } else { 0 };
            if self.nav_run > 0 && bare_run >= self.nav_run {
                last_furniture = Some(i + 1);
            }
            if repeat {
                let keep = if *c == Class::Nav { i + 1 } else { i };
                last_furniture = Some(last_furniture.map_or(keep, |f| f.max(keep)));
            }
            earlier.push(t);
            after_label_line = label_line;
            // A vertical menu (one short word a line) is cheap to read past: only lines
            // that are not navigation count towards the reach, and a hard cap bounds the
            // scan.
            seen += usize::from(*c != Class::Nav);
            if seen > self.reach || i > HEAD_CAP {
                return None;
            }
        }
        // No content at all: nothing to tell furniture from.
        if read_past > 0 {
            last_furniture
        } else {
            None
        }
    }

    /// A self-promotion line (see [`BoilerplateDef::promos`]); a paragraph is not searched.
    fn is_promo(&self, line: &Line) -> bool {
        let t = line.text.trim();
        t.len() <= PROMO_LINE_BYTES && self.promos.as_ref().is_some_and(|re| re.is_match(t))
    }

    /// A sentence an exporter hard-wrapped at a fixed width (`…解决了 Microsoft Windows 和
    /// Windows 组件、` / `Azure、.NET 框架…` / `。`): no line of it is a sentence, the lines
    /// together are. It opens on a long line without a stop and ends, within a few lines
    /// and before any blank or furniture line, on the first line that has one.
    fn wrapped_sentence(&self, lines: &[Line], reads: &Reads, i: usize) -> bool {
        let first = reads.at(i).features(lines[i].text.trim());
        if first.chars < WRAPPED_MIN_CHARS || first.ends_sentence || first.link {
            return false;
        }
        let mut han = first.han;
        for (l, read) in lines.iter().zip(&reads.0).skip(i + 1).take(WRAPPED_MAX_LINES) {
            if l.is_blank() || l.kind == Some(BlockKind::Code) {
                return false;
            }
            if self.class(l, read) == Class::Furniture {
                return false;
            }
            let f = read.features(l.text.trim());
            han += f.han;
            if f.ends_sentence {
                return han >= self.content_han;
            }
        }
        false
    }

    /// The index of the first line to remove at the bottom, when furniture is there.
    fn tail(&self, lines: &[Line], reads: &Reads) -> Option<usize> {
        let mut first_furniture = None;
        let mut seen = 0;
        let mut classes = Vec::new();
        for (i, line) in lines.iter().enumerate().rev() {
            let c = self.class(line, reads.at(i));
            classes.push(c);
            // A long line of Han text that names no furniture (a last paragraph a page left
            // without its full stop) is the article's: the tail goes only below it.
            let c = if c == Class::Other && self.substantial(line) { Class::Content } else { c };
            // A label with nothing after it (`社区：` over a contact list) or only a link says
            // nothing here: below it there is no speech, only what the scan has passed.
            let t = line.text.trim();
            let c = match c {
                Class::Content if bare_label(t) && self.speech.opens(t) => Class::Other,
                c => c,
            };
            match c {
                Class::Blank => continue,
                // Self-promotion right above the closing furniture goes with it, and so does
                // self-promotion that closes the page (only pictures under it).
                Class::Content
                    if first_furniture.map_or_else(
                        || lines[i + 1..].iter().all(|l| l.is_blank() || is_image(l.text.trim())),
                        // Only a few lines (a label, blanks) between it and the furniture.
                        |f| (i + 1..f).filter(|&k| !lines[k].is_blank()).count() <= 2,
                    ) && self.is_promo(line) =>
                {
                    first_furniture = Some(i);
                }
                Class::Content => {
                    let mut from = first_furniture?;
                    // Navigation and rules right above it go with it (`classes` holds the
                    // lines from the end back to `i`).
                    let class_of = |k: usize| classes[lines.len() - 1 - k];
                    while from > i + 1 && matches!(class_of(from - 1), Class::Nav | Class::Blank) {
                        from -= 1;
                    }
                    return Some(from);
                }
                Class::Furniture => first_furniture = Some(i),
                _ => {}
            }
            seen += 1;
            if seen > self.reach {
                return None;
            }
        }
        None
    }

    /// When no rule found a title: the first line that is not navigation, if it reads as a
    /// title (short, no sentence stop) and a content paragraph follows it.
    fn guess_title(&self, doc: &mut Document, reads: &mut Reads) {
        if doc.meta.title.is_some() {
            return;
        }
        let mut live = (doc.lines.iter().zip(&reads.0).enumerate())
            .filter(|(_, (l, _))| !l.is_blank())
            .take(4);
        let mut above = Vec::new();
        let (at, first) = loop {
            let Some((k, (l, r))) = live.next() else { return };
            if self.class(l, r) != Class::Nav {
                break (k, l);
            }
            above.push(k);
        };
        // The first line of a paragraph wrapped mid-sentence (`…改进,这种方法和…维修方式非`
        // with the text going on on the next line) is no title.
        let wrapped = doc.lines.get(at + 1).is_some_and(|l| !l.is_blank()) && {
            let t = first.text.trim();
            t.contains(['，', ',']) && Features::of(t).han > self.content_han
        };
        if wrapped {
            return;
        }
        let mut live = live.map(|(_, lr)| lr);
        // Content right under it, or under one short line (a byline).
        let next = live.next();
        let byline = next.is_some_and(|(l, _)| l.text.chars().count() <= 40);
        let then = if byline { live.next() } else { None };
        let content_follows =
            [next, then].into_iter().flatten().any(|(l, r)| self.class(l, r) == Class::Content);
        let t = first.text.trim().trim_matches(['#', '*', ' ']);
        let n = t.chars().count();
        let f = Features::of(t);
        // `林雨蒼:台灣面臨新型態資訊戰` is a column's title; `主持人：你好` is not.
        let label_ok = !self.speech.opens(t) || {
            let rest = after_label(t);
            rest.chars().count() > 10 && !Features::of(rest).ends_sentence
        };
        // Four Han characters are a title too (`格盘祥解`), not four of anything.
        let short_han = (4..6).contains(&n) && t.chars().all(is_ideograph);
        let title_like = ((6..=80).contains(&n) || short_han)
            && !t.contains(['。', '；', '！', '!'])
            && !t.ends_with(['，', ',', '：', ':', '.'])
            && label_ok
            && f.han > 0
            && !f.link;
        if title_like && content_follows {
            let src = first.src;
            // The time of day a news page prints after its title (`明報聲明 (07:35)`).
            let title = super::head::drop_clock_suffix(t).to_owned();
            doc.record(
                AuditEntry::new(crate::StageKind::Strip, "strip.title-guess", Action::Flag, src, t)
                    .to(format!("title={title}")),
            );
            doc.meta.title = Some(title);
            // Above the title at the top of the page, nothing but a short word or two: the
            // section or column it is filed under (`即時港聞`, `讀者投稿`).
            let label = |k: &usize| {
                let t = doc.lines[*k].text.trim();
                let n = t.chars().count();
                (2..=SECTION_LABEL_CHARS).contains(&n)
                    && t.chars().all(|c| is_ideograph(c) || c == ' ' || c == '\u{3000}')
            };
            if !above.is_empty() && above.len() <= 2 && above.iter().all(label) {
                let runs: Vec<std::ops::Range<usize>> = above.iter().map(|&k| k..k + 1).collect();
                remove_ranges(doc, &runs, "strip.section-label");
                reads.drop_ranges(&runs);
            }
        }
    }

    /// Removes 公众号 profile cards: the anchor line, the account name and slogan above it
    /// (with the avatar image), and the `公众号` / punctuation crumbs under it.
    fn cards(&self, doc: &mut Document) {
        let Some(re) = &self.cards else { return };
        // Anchors are short lines: a paragraph is not searched.
        let anchor = |l: &Line| {
            let t = l.text.trim();
            t.len() <= 60 && re.is_match(t)
        };
        if !doc.lines.iter().any(anchor) {
            return;
        }
        // The lines kept so far are `kept`; a card takes its name and slogan back from
        // them, so each line is moved once whatever the number of cards.
        let mut input = std::mem::take(&mut doc.lines).into_iter().peekable();
        let mut kept: Vec<Line> = Vec::new();
        while let Some(line) = input.next() {
            if !anchor(&line) {
                kept.push(line);
                continue;
            }
            let mut from = kept.len();
            let mut taken = 0;
            let mut k = kept.len();
            while k > 0 && taken < 3 {
                k -= 1;
                let t = kept[k].text.trim();
                if t.is_empty() {
                    continue;
                }
                if is_image(t) {
                    from = k;
                    break;
                }
                // Name and slogan: short, and not a speaker's words.
                if t.chars().count() > 120 || self.speech.opens(t) || taken == 2 {
                    break;
                }
                taken += 1;
                from = k;
            }
            let mut card = kept.split_off(from);
            card.push(line);
            let mut crumbs = 0;
            while crumbs < 3 {
                let Some(next) = input.next_if(|l| {
                    let t = l.text.trim();
                    t.is_empty() || t.chars().count() <= 4
                }) else {
                    break;
                };
                crumbs += usize::from(!next.is_blank());
                card.push(next);
            }
            audit_removed(doc, &card, "strip.profile-card");
        }
        doc.lines = kept;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Blank,
    /// Sentences of Han text, or a speaker's words: never removed here.
    Content,
    /// One of the furniture classes: evidence.
    Furniture,
    /// A link, an image, a rule, a short list item or a bare word: goes with furniture next
    /// to it.
    Nav,
    /// Another script's banner (Latin lines without Han text, any kana).
    Foreign,
    Other,
}

/// What the furniture questions read of a line, each when first asked: its features and its
/// class. A line's answers depend on its text alone.
#[derive(Default)]
struct Read {
    f: Cell<Option<Features>>,
    class: Cell<Option<Class>>,
}

impl Read {
    /// The features of `t`, the line's trimmed text.
    fn features(&self, t: &str) -> Features {
        self.f.get().unwrap_or_else(|| {
            let f = Features::of(t);
            self.f.set(Some(f));
            f
        })
    }

    /// Whether the line, `t` trimmed, reads as prose, its features read only as far as it
    /// takes to tell.
    fn prose(&self, t: &str, b: &Boilerplate) -> bool {
        if let Some(f) = self.f.get() {
            return b.reads_as_prose(&f);
        }
        match Features::read(t, Some(b.content_han)) {
            None => true,
            Some(f) => {
                self.f.set(Some(f));
                b.reads_as_prose(&f)
            }
        }
    }
}

/// Each line's [`Read`], in step with the lines: the steps that share them remove lines
/// (and drop their reads alike) but never edit one.
struct Reads(Vec<Read>);

impl Reads {
    fn new(lines: usize) -> Reads {
        Reads(std::iter::repeat_with(Read::default).take(lines).collect())
    }

    fn at(&self, i: usize) -> &Read {
        &self.0[i]
    }

    /// Drops the reads of the lines `ranges` removed (see [`drop_ranges`]).
    fn drop_ranges(&mut self, ranges: &[std::ops::Range<usize>]) {
        drop_ranges(&mut self.0, ranges);
    }
}

#[derive(Debug, Clone, Copy)]
struct Features {
    /// Characters (not bytes).
    chars: usize,
    han: usize,
    latin: usize,
    kana: usize,
    ends_sentence: bool,
    link: bool,
}

impl Features {
    /// Read byte by byte: every char the counts tell apart (Han, kana, the full-width
    /// stops, `…`) is a three-byte sequence and every other char only counts as one, so only
    /// the three-byte ones are decoded.
    fn of(t: &str) -> Features {
        Features::read(t, None).expect("read to the end")
    }

    /// [`Features::of`], or `None` as soon as the text shows that it reads as prose
    /// ([`Boilerplate::reads_as_prose`] with `prose_han`): a paragraph shows it in its first
    /// sentence, and most of a page's bytes are in paragraphs.
    fn read(t: &str, prose_han: Option<usize>) -> Option<Features> {
        let (mut chars, mut han, mut latin, mut kana, mut stop) = (0, 0, 0, 0, false);
        let b = t.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let x = b[i];
            chars += 1;
            if x < 0x80 {
                latin += usize::from(x.is_ascii_alphabetic());
                i += 1;
            } else if x < 0xE0 {
                i += 2;
            } else if (0xE5..=0xE9).contains(&x) {
                // U+5000–U+9FFF: Han, undecoded.
                han += 1;
                i += 3;
            } else if x < 0xF0 {
                let c = (u32::from(x & 0x0F) << 12)
                    | (u32::from(b[i + 1] & 0x3F) << 6)
                    | u32::from(b[i + 2] & 0x3F);
                match c {
                    0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF => han += 1,
                    0x3040..=0x30FF => kana += 1,
                    // 。 ！ ？ ； …
                    0x3002 | 0xFF01 | 0xFF1F | 0xFF1B | 0x2026 => {
                        stop = true;
                        if prose_han.is_some_and(|k| han >= k && chars > PROSE_CHARS) {
                            return None;
                        }
                    }
                    _ => {}
                }
                i += 3;
            } else {
                i += 4;
            }
        }
        let ends_sentence = stop
            || t.trim_end_matches(['*', '_', ' ', '」', '”', '"', ')', '）'])
                .ends_with(['.', '!', '?', '。', '！', '？']);
        // One byte search each rules out most lines before the two-byte search.
        let link = (t.as_bytes().contains(&b']') && t.contains("]("))
            || (t.as_bytes().contains(&b':') && t.contains("://"));
        Some(Features { chars, han, latin, kana, ends_sentence, link })
    }
}

/// A line of prose is longer than this many characters.
const PROSE_CHARS: usize = 40;

/// The longest line read as a breadcrumb or a title line with a site name.
const CRUMB_MAX_CHARS: usize = 120;

/// The longest first content line the head scan reads past (a newsletter's promotion
/// paragraph over its headlines).
const PROMO_MAX_CHARS: usize = 160;

/// Lines the head scan reads at most, whatever they are.
const HEAD_CAP: usize = 1000;
/// The first line of a hard-wrapped sentence is at least this long (an exporter wraps at a
/// fixed width; a menu word or a headline is shorter).
const WRAPPED_MIN_CHARS: usize = 20;
/// A section label above a title is at most this long (`即時港聞`, `讀者投稿`).
const SECTION_LABEL_CHARS: usize = 6;
/// A self-promotion line is at most this long (a paragraph that introduces someone is not
/// one).
const PROMO_LINE_BYTES: usize = 600;
/// Lines after it within which a hard-wrapped sentence ends.
const WRAPPED_MAX_LINES: usize = 5;

fn is_image(t: &str) -> bool {
    t.starts_with("![") || t.starts_with("[![")
}

/// A menu bar: four or more short Han items separated by spaces or bars (`今日新聞 社論 評論
/// 專題報導 回首頁`, `2020/01/28 第6981期 | 訂閱/退訂 | 看歷史報份`), no sentence in it.
///
/// Spaces alone make a menu only when some of them stand between two Han characters: text
/// spaced the way writers space Latin words and numbers inside Chinese (`接收 bot 上传的附件`,
/// `前端 90%的代码 Gemini 3 prop 生成`) has spaces only where the script changes, and such a
/// space separates no items either (`画精确度和 loss 的图很有必要` is one sentence). Marks alone
/// (a quote's `>`) are no items.
fn is_menu(t: &str, f: &Features) -> bool {
    if f.ends_sentence || f.han == 0 || t.contains(['，', ',']) {
        return false;
    }
    let bars = t.matches(['|', '｜', '│']).count();
    let mut items: Vec<&str> = Vec::new();
    let (mut start, mut prev) = (0, None::<char>);
    let mut chars = t.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let cut = if c.is_whitespace() {
            // The characters on both sides of this run of spaces.
            let next = chars.clone().map(|(_, n)| n).find(|n| !n.is_whitespace());
            let spacing = |a: char, b: char| is_ideograph(a) && b.is_ascii_alphabetic();
            !matches!((prev, next), (Some(a), Some(b)) if spacing(a, b) || spacing(b, a))
        } else {
            matches!(c, '|' | '｜' | '│' | '·' | '•')
        };
        if cut {
            items.push(&t[start..at]);
            start = at + c.len_utf8();
        }
        if !c.is_whitespace() {
            prev = Some(c);
        }
    }
    items.push(&t[start..]);
    items.retain(|w| w.chars().any(char::is_alphanumeric));
    let short = items.iter().all(|w| w.chars().count() <= 8);
    if !short || items.len() < 3 {
        return false;
    }
    if bars >= 2 {
        return true;
    }
    items.len() >= 4 && (bars == 1 || t.contains(['·', '•']) || han_spaced(t))
}

/// Whether a space stands between two Han characters somewhere in `t`.
fn han_spaced(t: &str) -> bool {
    let mut prev = None;
    let mut gap = false;
    for c in t.chars() {
        if c.is_whitespace() {
            gap = prev.is_some();
            continue;
        }
        if gap && prev.is_some_and(is_ideograph) && is_ideograph(c) {
            return true;
        }
        gap = false;
        prev = Some(c);
    }
    false
}

/// The most rows between blank lines a table is read across (a table's rows come one
/// paragraph each from some exporters).
const TABLE_GAP: usize = 1;

/// Which lines are rows of a data table: two or more consecutive rows of bar-separated cells
/// (blank lines between them allowed) with the same number of cells. Rows framed the way
/// markdown writes a table (`| a | b |`, as HTML tables are rendered) are a table by that
/// shape; unframed rows (`a | b`) also need data in them, since a footer's rows of links
/// (`关于我们 | 联系我们`) have the same shape: in at least half the rows a cell with a digit,
/// with more than eight characters, or with punctuation inside.
fn table_rows(lines: &[Line]) -> Vec<bool> {
    let mut out = vec![false; lines.len()];
    // Most documents have no bar at all: one byte search each.
    if !lines.iter().any(|l| has_bar(&l.text)) {
        return out;
    }
    let mut i = 0;
    while i < lines.len() {
        let Some(first) = row_shape(&lines[i].text) else {
            i += 1;
            continue;
        };
        let (mut rows, mut framed, mut data) = (vec![i], 0, 0);
        let mut k = i + 1;
        let mut blanks = 0;
        while k < lines.len() && blanks <= TABLE_GAP {
            if lines[k].is_blank() {
                blanks += 1;
                k += 1;
                continue;
            }
            match row_shape(&lines[k].text) {
                Some(r) if r.cells == first.cells => {
                    rows.push(k);
                    blanks = 0;
                    k += 1;
                }
                _ => break,
            }
        }
        for &r in &rows {
            let s = row_shape(&lines[r].text).expect("a row");
            framed += usize::from(s.framed);
            data += usize::from(s.data);
        }
        let n = rows.len();
        if n >= 2 && (framed * 2 >= n || data * 2 >= n) {
            for &r in &rows {
                out[r] = true;
            }
        }
        i = rows.last().map_or(i, |&l| l) + 1;
    }
    out
}

/// Whether `t` holds a bar, `|` or `｜`: two SIMD byte searches, where `str::contains` with
/// a char set decodes every char.
pub(super) fn has_bar(t: &str) -> bool {
    memchr::memchr(b'|', t.as_bytes()).is_some()
        || memchr::memmem::find(t.as_bytes(), "｜".as_bytes()).is_some()
}

/// A line read as a table row: how many cells, whether framed `| … |`, whether a cell holds
/// data (see [`table_rows`]).
struct RowShape {
    cells: usize,
    framed: bool,
    data: bool,
}

fn row_shape(text: &str) -> Option<RowShape> {
    let t = text.trim();
    if !has_bar(t) {
        return None;
    }
    let framed = t.len() > 2
        && (t.starts_with('|') && t.ends_with('|') || t.starts_with('｜') && t.ends_with('｜'));
    let inner =
        if framed { t.trim_start_matches(['|', '｜']).trim_end_matches(['|', '｜']) } else { t };
    let cells: Vec<&str> = inner.split(['|', '｜']).map(str::trim).collect();
    if cells.len() < 2 || cells.iter().all(|c| c.is_empty()) {
        return None;
    }
    let data = cells.iter().any(|c| {
        let c = c.trim_matches(['*', '_', ' ']);
        c.chars().any(|ch| ch.is_ascii_digit())
            || c.chars().count() > 8
            || c.contains(['，', '、', '；', '：', '(', '（', '%', '/', '$', '.', '。'])
    });
    Some(RowShape { cells: cells.len(), framed, data })
}

/// One short token printed twice (`陆海天 陆海天`, `MicroPest MicroPest`): an image's alt text
/// and its caption, a name badge and its link; no writer repeats a word that way.
fn doubled(t: &str) -> bool {
    let mut words = t.split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some(a), Some(b), None) => {
            // A word, not a rule or a table border (`| |`).
            a == b
                && a.chars().count() <= 16
                && a.chars().filter(|c| c.is_alphanumeric()).count() >= 2
        }
        _ => false,
    }
}

/// A line that can anchor the head past content: short and not a speaker's words. A page
/// lists its headlines (some end on `!` or `?` and read as sentences) or prints a promotion
/// paragraph before the article, then repeats a headline or its section name; a line the
/// head repeats after such lines shows they were the page's, not the article's.
fn head_anchor(t: &str, speech: &LabelShape) -> bool {
    t.chars().count() <= 60 && !speech.opens(t)
}

/// A bare word of a share bar or menu: at most four Han characters, or a short Latin
/// word, with no punctuation (a line of a poem is longer).
fn bare_word(t: &str) -> bool {
    let f = Features::of(t);
    // A Latin menu entry keeps its inner marks (`FC/NES`, `PC-E`, `More...`).
    let mark = |c: char| matches!(c, '/' | '-' | '.' | '+' | '&') && f.han == 0;
    f.han <= 4
        && t.chars().count() <= 8
        && t.chars().all(|c| c.is_alphanumeric() || c == ' ' || mark(c))
}

/// Links, images, rules, short list items and bare words.
fn is_nav(t: &str, chars: usize, f: &Features) -> bool {
    let only_link = (t.starts_with('[') || t.starts_with("![")) && t.ends_with(')');
    let rule = t.chars().all(|c| matches!(c, '*' | '-' | '_' | '=' | '·' | ' '));
    let item = t.strip_prefix(['*', '-', '+', '•']).is_some_and(|r| {
        // A menu entry: a few words, or a link with a few words of text.
        let r = r.trim();
        let text = match (r.strip_prefix('['), r.find("](")) {
            (Some(_), Some(end)) if r.ends_with(')') => &r[1..end],
            _ => r,
        };
        text.chars().count() <= 12 && !f.ends_sentence
    });
    let word = chars <= 6 && !f.ends_sentence;
    only_link || rule || item || word
}

/// The text after a label's colon.
fn after_label(t: &str) -> &str {
    t.find([':', '：']).map_or(t, |at| &t[at..])
}

/// A line that is only a label, or a label over a link (`> _**社区：**_`, `Telegram：[https://…`):
/// no Han text after its colon, and no word either unless it is a URL's.
fn bare_label(t: &str) -> bool {
    let rest = after_label(t);
    let mut after = rest.chars().skip(1);
    rest.len() < t.len()
        && !rest.chars().any(is_ideograph)
        && (rest.contains("://") || after.all(|c| !c.is_alphanumeric()))
}

fn remove(doc: &mut Document, range: std::ops::Range<usize>, rule: &str) {
    let removed: Vec<Line> = doc.lines.drain(range).collect();
    audit_removed(doc, &removed, rule);
}

/// Removes the lines of `ranges` (in order, disjoint), one audit entry a range, moving each
/// kept line once.
fn remove_ranges(doc: &mut Document, ranges: &[std::ops::Range<usize>], rule: &str) {
    if ranges.is_empty() {
        return;
    }
    let mut lines = std::mem::take(&mut doc.lines);
    for r in ranges {
        audit_removed(doc, &lines[r.clone()], rule);
    }
    drop_ranges(&mut lines, ranges);
    doc.lines = lines;
}

/// Removes the lines of `ranges` (in order, disjoint), moving each kept line once.
fn drop_ranges<T>(lines: &mut Vec<T>, ranges: &[std::ops::Range<usize>]) {
    let mut next = ranges.iter().peekable();
    let mut i = 0;
    lines.retain(|_| {
        while next.peek().is_some_and(|r| r.end <= i) {
            next.next();
        }
        let gone = next.peek().is_some_and(|r| r.contains(&i));
        i += 1;
        !gone
    });
}

/// The audit entry and count for `removed` lines (the blank ones are not named).
fn audit_removed(doc: &mut Document, removed: &[Line], rule: &str) {
    let live: Vec<&Line> = removed.iter().filter(|l| !l.is_blank()).collect();
    let Some(first) = live.first() else { return };
    let span = live.iter().fold(first.src, |s, l| s.join(l.src));
    let text = live.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n");
    doc.count(rule, live.len() as u64);
    doc.record(AuditEntry::new(crate::StageKind::Strip, rule, Action::Remove, span, text));
}

/// Removes forum anti-copy "jammer" strings (Discuz inserts random runs like
/// `& p5 L& @6 e; G0 @` around and inside paragraphs): a run of at least five space-separated
/// tokens of one or two ASCII characters, not part of a longer word, with at least three
/// distinct punctuation characters, some letters, at least three two-character tokens and three
/// tokens holding punctuation. Lists (`1, 2, 3`), formulas (`x = y + z`) and initials do not
/// have that mix.
pub fn drop_jammers(doc: &mut Document) {
    let re = jammer_runs();
    for i in 0..doc.lines.len() {
        let text = &doc.lines[i].text;
        // A run has four spaces each two or three bytes after the one before; most lines
        // have no such spaces and are not searched.
        if !short_gaps(text.as_bytes()) || !re.is_match(text) {
            continue;
        }
        let cuts: Vec<(usize, usize)> = re
            .find_iter(text)
            .filter(|m| {
                let before = text[..m.start()].chars().next_back();
                let after = text[m.end()..].chars().next();
                let free = |c: Option<char>| c.is_none_or(|c| !c.is_ascii_graphic());
                free(before) && free(after) && is_jammer(m.as_str())
            })
            .map(|m| (m.start(), m.end()))
            .collect();
        if cuts.is_empty() {
            continue;
        }
        let mut kept = String::with_capacity(text.len());
        let mut last = 0;
        let src = doc.lines[i].src;
        let mut entries = Vec::new();
        for (s, e) in cuts {
            kept.push_str(&text[last..s]);
            entries.push(
                AuditEntry::new(
                    crate::StageKind::Strip,
                    "strip.jammer",
                    Action::Remove,
                    src,
                    &text[s..e],
                )
                .at(text[..s].chars().count() as u32 + 1),
            );
            last = e;
        }
        kept.push_str(&text[last..]);
        doc.lines[i].text = kept.trim().to_owned();
        doc.count("strip.jammer", entries.len() as u64);
        for e in entries {
            doc.record(e);
        }
    }
}

/// Runs of one- and two-char ASCII tokens, the shape of a jammer run ([`is_jammer`] decides).
fn jammer_runs() -> &'static Regex {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| Regex::new(r"[!-~]{1,2}(?: [!-~]{1,2}){4,}").expect("valid"))
}

/// Whether four spaces in `b` follow each other at two or three bytes (three tokens of one
/// or two ASCII chars between them), as in every jammer run.
fn short_gaps(b: &[u8]) -> bool {
    let (mut last, mut run) = (None, 0);
    for at in memchr::memchr_iter(b' ', b) {
        run = match last {
            Some(l) if (2..=3).contains(&(at - l)) => run + 1,
            _ => 0,
        };
        if run == 3 {
            return true;
        }
        last = Some(at);
    }
    false
}

/// Removes anti-copy watermarks a site appends to every paragraph (`…。320Please respect
/// copyright.PENANA4wCTL6LvCW`): a tail of ASCII text with a random token in it, after the
/// line's last non-ASCII character, that recurs glued to many lines once its digits and
/// random tokens (eight or more letters and digits with both, or with mixed case inside)
/// are masked; lines that are only that tail go too. Content does not
/// end that way on many lines: English glosses and URLs differ from line to line.
pub fn drop_watermarks(doc: &mut Document) {
    use std::collections::HashMap;
    const MIN_LINES: usize = 5;
    let live = doc.lines.iter().filter(|l| !l.is_blank()).count();
    let mut tails: Vec<Option<(usize, String)>> = Vec::with_capacity(doc.lines.len());
    let mut counts: HashMap<String, usize> = HashMap::new();
    for line in &doc.lines {
        let tail = ascii_tail(&line.text).map(|at| (at, mask_tokens(&line.text[at..])));
        // Counted where glued to the text: a line of English repeated is not a watermark.
        if let Some((at, key)) = &tail {
            if *at > 0 && key.contains('#') {
                *counts.entry(key.clone()).or_default() += 1;
            }
        }
        tails.push(tail);
    }
    let frequent = |key: &str| counts.get(key).is_some_and(|&n| n >= MIN_LINES && n * 10 >= live);
    if !counts.keys().any(|k| frequent(k)) {
        return;
    }
    let mut removed = 0u64;
    for (i, tail) in tails.into_iter().enumerate() {
        let Some((at, key)) = tail else { continue };
        if !frequent(&key) {
            continue;
        }
        let line = &mut doc.lines[i];
        let cut = line.text[at..].to_owned();
        let col = line.text[..at].chars().count() as u32 + 1;
        doc.audit.push(
            AuditEntry::new(
                crate::StageKind::Strip,
                "strip.watermark",
                Action::Remove,
                line.src,
                cut,
            )
            .at(col),
        );
        line.text.truncate(at);
        let kept = line.text.trim_end().len();
        line.text.truncate(kept);
        removed += 1;
    }
    doc.count("strip.watermark", removed);
}

/// Where a line's trailing run of ASCII starts, when it is long enough to be a watermark
/// (twelve characters with letters in it).
fn ascii_tail(text: &str) -> Option<usize> {
    let t = text.trim_end();
    let at =
        t.char_indices().rev().find(|(_, c)| !c.is_ascii()).map_or(0, |(i, c)| i + c.len_utf8());
    let tail = &t[at..];
    // Most lines end on a non-ASCII char: their tail is empty, and nothing is searched.
    if tail.len() < 12 || tail.bytes().filter(u8::is_ascii_alphabetic).count() < 6 {
        return None;
    }
    // Links and images repeat their shape on every line and are not watermarks.
    let link = ["://", "](", "www."].iter().any(|m| tail.contains(m));
    (!link).then_some(at)
}

/// A watermark's shape: digits as `0`, random tokens as `#`.
fn mask_tokens(tail: &str) -> String {
    let mut out = String::with_capacity(tail.len());
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        if is_random_token(token) {
            out.push('#');
        } else {
            out.extend(token.chars().map(|c| if c.is_ascii_digit() { '0' } else { c }));
        }
        token.clear();
    };
    for c in tail.trim().chars() {
        if c.is_ascii_alphanumeric() {
            token.push(c);
        } else {
            flush(&mut token, &mut out);
            out.push(c);
        }
    }
    flush(&mut token, &mut out);
    out
}

/// Eight or more letters and digits that are not a word: digits among letters, or an
/// upper-case letter after a lower-case one more than once (`4wCTL6LvCW`, `uRSqVU4ICa`).
fn is_random_token(t: &str) -> bool {
    if t.len() < 8 {
        return false;
    }
    let digits = t.bytes().filter(u8::is_ascii_digit).count();
    let letters = t.len() - digits;
    let humps = t
        .as_bytes()
        .windows(2)
        .filter(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
        .count();
    (digits > 0 && letters > 0) || humps >= 2
}

/// Removes brand names a spam site injected into copied sentences with spaces around them
/// (`要 XM外汇平台 慎做领读者`): a token of Latin letters glued to Han characters, standing
/// between two Han characters with a space on each side, found twice or more in the
/// document. The spacing gives the injection away: a writer who spaces Latin words off Han
/// text spaces them off inside the token too (`XM 外汇`), one who does not spaces nothing;
/// and one-off spaced terms (`A股`, a product name) are not repeated injections.
pub fn drop_spaced_brands(doc: &mut Document) {
    use std::collections::HashMap;
    let re = spaced_brands();
    let mut found: Vec<(usize, usize, usize, String)> = Vec::new();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for (i, line) in doc.lines.iter().enumerate() {
        let text = &line.text;
        if !may_hold_spaced_brand(text.as_bytes()) {
            continue;
        }
        // Matches overlap by one Han character when two injections are close: search from
        // the token's end.
        let mut from = 0;
        while let Some(c) = re.captures_at(text, from) {
            let token = c.get(1).expect("group");
            let whole = c.get(0).expect("match");
            let first = text[whole.start()..].chars().next().map_or(0, char::len_utf8);
            let last = text[..whole.end()].chars().next_back().map_or(0, char::len_utf8);
            let (start, end) = (whole.start() + first, whole.end() - last);
            if token.as_str().bytes().filter(u8::is_ascii_alphabetic).count() >= 2 {
                *counts.entry(token.as_str().to_owned()).or_default() += 1;
                found.push((i, start, end, token.as_str().to_owned()));
            }
            from = token.end();
        }
    }
    // Right to left within a line, so earlier offsets stay valid.
    for (i, start, end, token) in found.into_iter().rev() {
        if counts[&token] < 2 {
            continue;
        }
        let line = &mut doc.lines[i];
        let col = line.text[..start].chars().count() as u32 + 1;
        line.text.replace_range(start..end, "");
        doc.audit.push(
            AuditEntry::new(
                crate::StageKind::Strip,
                "strip.injected-brand",
                Action::Remove,
                line.src,
                token,
            )
            .at(col),
        );
        doc.count("strip.injected-brand", 1);
    }
}

/// A Latin token glued to Han characters, spaced off the Han text on both sides: the shape
/// of an injected brand ([`drop_spaced_brands`] keeps those found twice).
fn spaced_brands() -> &'static Regex {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\p{Han} +([A-Za-z][A-Za-z0-9]{1,11}\p{Han}{2,8}|\p{Han}{2,8}[A-Za-z][A-Za-z0-9]{1,11}) +\p{Han}")
            .expect("valid")
    })
}

/// Whether `b` has what every [`spaced_brands`] match has: a token between two runs of
/// spaces, a multi-byte char right before the first run and right after the second, and in
/// the token both an ASCII letter and a multi-byte char. Only the tokens after a space that
/// follows a multi-byte char are read: most lines have none, or space every Latin word off.
fn may_hold_spaced_brand(b: &[u8]) -> bool {
    // Where the token after such a space starts.
    let mut open: Option<usize> = None;
    let mut last_space = None;
    for at in memchr::memchr_iter(b' ', b) {
        if at > 0 && last_space == Some(at - 1) {
            // Still in the run: the token starts after it.
            if open == Some(at) {
                open = Some(at + 1);
            }
            last_space = Some(at);
            continue;
        }
        if let Some(start) = open {
            let token = &b[start..at];
            let after = b[at..].iter().find(|&&x| x != b' ');
            if after.is_some_and(|&x| x >= 0x80)
                && token.iter().any(u8::is_ascii_alphabetic)
                && token.iter().any(|&x| x >= 0x80)
            {
                return true;
            }
        }
        open = (at > 0 && b[at - 1] >= 0x80).then_some(at + 1);
        last_space = Some(at);
    }
    false
}

fn is_jammer(run: &str) -> bool {
    let tokens: Vec<&str> = run.split(' ').collect();
    let mut puncts: Vec<char> = run.chars().filter(|c| c.is_ascii_punctuation()).collect();
    puncts.sort_unstable();
    puncts.dedup();
    let letters = run.chars().filter(|c| c.is_ascii_alphabetic()).count();
    let pairs = tokens.iter().filter(|t| t.len() == 2).count();
    let punct_tokens =
        tokens.iter().filter(|t| t.chars().any(|c| c.is_ascii_punctuation())).count();
    tokens.len() >= 5 && puncts.len() >= 3 && letters >= 2 && pairs >= 3 && punct_tokens >= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testing::doc_of_lines as doc;

    fn speech() -> LabelShape {
        crate::labels::Labels::builtin().speech
    }

    #[test]
    fn spaced_brand_injections_go_one_off_terms_stay() {
        let mut d = doc("交易前要 XM外汇平台 慎做领读者，不可盲从。\n市场波动时 XM外汇平台 更要冷静。\n在 A股 市场里，他只用 iPhone手机 拍照。\n他说 AI 芯片很难。");
        drop_spaced_brands(&mut d);
        let t: Vec<&str> = d.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            t,
            [
                "交易前要慎做领读者，不可盲从。",
                "市场波动时更要冷静。",
                "在 A股 市场里，他只用 iPhone手机 拍照。",
                "他说 AI 芯片很难。"
            ]
        );
        assert_eq!(d.audit.iter().filter(|a| a.rule == "strip.injected-brand").count(), 2);
    }

    #[test]
    fn repeated_watermark_tails_go() {
        let mut lines = String::new();
        for (i, tok) in ["4wCTL6LvCW", "Pukv7rTWcF", "M4XrJ38Tfs", "wCIeUP9lid", "I3tB1yfvJX"]
            .iter()
            .enumerate()
        {
            lines
                .push_str(&format!("第{i}段正文，内容。320Please respect copyright.PENANA{tok}\n"));
        }
        lines.push_str("他读了 Please respect copyright 这本书。\n");
        let mut d = doc(&lines);
        drop_watermarks(&mut d);
        assert!(d.lines[..5].iter().all(|l| l.text.ends_with("内容。")), "{:?}", d.lines);
        assert_eq!(d.lines[5].text, "他读了 Please respect copyright 这本书。");
    }

    #[test]
    fn two_furniture_lines_between_paragraphs_go_one_stays() {
        let mut d = doc("正文第一段，这是一段足够长的内容。\n上某某APP看后续精彩内容\n登录订阅本章 >\n全书完\n正文第二段，这是一段足够长的内容。\n图片来源：某某\n正文第三段，这是一段足够长的内容。");
        let text = r#"furniture = ['(APP|App).{0,2}看(后续|全文)', '^\W*登录.{0,4}订阅', '^\W*全书完\W*$', '^图片来源']"#;
        let b = Boilerplate::parse(text, std::path::Path::new("t"), speech()).unwrap();
        let mut reads = Reads::new(d.lines.len());
        b.interior(&mut d, &mut reads);
        let t: Vec<&str> = d.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            t,
            [
                "正文第一段，这是一段足够长的内容。",
                "正文第二段，这是一段足够长的内容。",
                "图片来源：某某",
                "正文第三段，这是一段足够长的内容。"
            ]
        );
    }

    #[test]
    fn tables_stay_menus_of_bars_go() {
        let interior = |text: &str| {
            let mut d = doc(text);
            let b =
                Boilerplate::parse("furniture = []", std::path::Path::new("t"), speech()).unwrap();
            let mut reads = Reads::new(d.lines.len());
            b.interior(&mut d, &mut reads);
            d.lines.iter().map(|l| l.text.clone()).filter(|t| !t.is_empty()).collect::<Vec<_>>()
        };
        let prose = "正文第一段，这是一段足够长的内容。";
        // A framed table (as HTML tables are rendered), and an unframed one with data.
        let framed = format!("{prose}\n\n| 维度 | 本方案 | 硬件钱包 |\n\n| 成本 | 低 | 高 |\n\n| 透明度 | 开源 | 闭源 |\n\n{prose}");
        assert_eq!(interior(&framed).len(), 5);
        let data = format!("{prose}\n订阅价格 | 使用时长 | 场景\n$100 | 5 小时 | 偶尔\n$200 | 够用 | 重度\n{prose}");
        assert_eq!(interior(&data).len(), 5);
        // Rows of links with no data in them, and menu bars, are furniture.
        let menu = format!(
            "{prose}\n作品列表 | 电子图书 | 站长简介\n版权说明 | 电子邮箱 | 常见问题\n{prose}"
        );
        assert_eq!(interior(&menu), [prose, prose]);
        let bars =
            format!("{prose}\n首页 | 新闻 | 体育\n\n今日新聞 社論 評論 專題報導 回首頁\n{prose}");
        assert_eq!(interior(&bars), [prose, prose]);
        // Latin words spaced inside Chinese are no menu.
        let spaced = format!("{prose}\n接收 bot 上传的附件（ mobi / epub / pdf ）\n前端 90%的代码 Gemini 3 prop 生成\n{prose}");
        assert_eq!(interior(&spaced).len(), 4);
    }

    #[test]
    fn announced_blocks_go_a_heading_alone_stays() {
        let text = r#"furniture = ['版权所有']
[[blocks]]
name = "related"
heading = '[\W_]*(相关阅读|前情回顾)[^。！？；]{0,30}$'
item = '[^。；]+'
item_max_chars = 60
[[blocks]]
name = "summary"
heading = '文章摘要'
item = '[\p{So}•].*'
item_max_chars = 200
intro = 1"#;
        let b = Boilerplate::parse(text, std::path::Path::new("t"), speech()).unwrap();
        let mut d = doc("文章摘要\n本文讲了一件事。\n• 🎨 要点一：说明。\n• 🎯 要点二：说明。\n正文第一段，这是一段足够长的内容。\n前情回顾·某个专题\n某公司发布新产品，售价下调\n警惕！某种攻击正在蔓延\n正文第二段，这是一段足够长的内容。\n相关阅读\n主持人：我们读一下。\n正文第三段，这是一段足够长的内容。");
        b.apply_head(&mut d);
        let t: Vec<&str> = d.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            t,
            [
                "正文第一段，这是一段足够长的内容。",
                "正文第二段，这是一段足够长的内容。",
                "相关阅读",
                "主持人：我们读一下。",
                "正文第三段，这是一段足够长的内容。"
            ]
        );
        assert!(d.audit.iter().any(|a| a.rule == "strip.block.summary"));
        assert!(d.audit.iter().any(|a| a.rule == "strip.block.related"));
    }

    #[test]
    fn tail_stops_at_a_long_unstopped_paragraph() {
        let text = r#"furniture = ['举报邮箱', '版权所有']"#;
        let b = Boilerplate::parse(text, std::path::Path::new("t"), speech()).unwrap();
        let mut d = doc("正文第一段，这是一段足够长的内容。\n发送详情至举报邮箱：jubao@example.com\n每月低质账号治理公告评论区进行留言，评论区反馈需要举报的低质账号\n版权所有 某网站\n关键词 >> 新型冠状病毒,新冠病毒,味觉嗅觉丧失,预测指标");
        b.apply_tail(&mut d);
        let t: Vec<&str> = d.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(t.len(), 3, "{t:?}");
        assert!(t[2].starts_with("每月"));
        assert!(doubled("陆海天 陆海天") && !doubled("北京 上海") && !doubled("| |"));
    }

    #[test]
    fn closing_self_promotion_and_bare_labels_go_with_the_tail() {
        let text = r#"
furniture = ['^\W*(公众号|Twitter)\s*[:：]']
promos = ['(是|为)\S{0,6}(由|旗下)\S{0,20}(平台|品牌)']
"#;
        let b = Boilerplate::parse(text, std::path::Path::new("t"), speech()).unwrap();
        // Last on the page, with only pictures under it.
        let mut d = doc("正文第一段，这是一段足够长的内容。\n某某城市是某某传媒旗下的城市传播品牌。以展览、论坛为主线。\n![](a.png)");
        b.apply_tail(&mut d);
        assert_eq!(d.lines.len(), 1);
        // A label over a contact list between the promotion and the furniture.
        let mut d = doc("正文第一段，这是一段足够长的内容。\n深潮是由社区驱动的深度内容平台，致力于提供有价值的信息。\n社区：\nTelegram：https://t.me/x\n公众号：深潮");
        b.apply_tail(&mut d);
        assert_eq!(d.lines.len(), 1);
        // A promotion with text under it that is not furniture stays, and so does a
        // speaker's last turn.
        let mut d = doc("正文第一段，这是一段足够长的内容。\n某某城市是某某传媒旗下的城市传播品牌。以展览、论坛为主线。\n感谢阅读");
        b.apply_tail(&mut d);
        assert_eq!(d.lines.len(), 3);
        let mut d = doc("正文第一段，这是一段足够长的内容。\n主持人：谢谢你接受我们的采访，再见。\n公众号：深潮");
        b.apply_tail(&mut d);
        assert_eq!(d.lines.len(), 2);
        assert!(
            bare_label("> _**社区：**_")
                && bare_label("Telegram：[https://t.me/x](https://t.me/x)")
        );
        assert!(!bare_label("Swyx：Yes.") && !bare_label("主持人：谢谢"));
    }

    #[test]
    fn jammer_runs_go_lists_stay() {
        let mut d = doc("& p5 L& @6 e; G0 @在绝大多数场合。6 Y ]. Y3 s1 S ]% G& }( |& p2 Q\n; w3 W0 G c/ P2 e/ G* ]! E8 v# `$ S' D0 n6 Z\n见 1, 2, 3, 4, 5 条，x = y + z 与 a b c d e。");
        drop_jammers(&mut d);
        let t: Vec<&str> =
            d.lines.iter().filter(|l| !l.is_blank()).map(|l| l.text.as_str()).collect();
        assert_eq!(t, ["在绝大多数场合。", "见 1, 2, 3, 4, 5 条，x = y + z 与 a b c d e。"]);
    }

    /// The byte checks that spare a line the jammer and brand searches never spare one
    /// either search matches: every corpus line, and lines built around matches.
    #[test]
    fn byte_checks_pass_every_line_the_searches_match() {
        let built = [
            "要 XM外汇平台 慎做",
            "是 外汇XM 平台",
            "用 A1股市 做",
            "& p5 L& @6 e; G0 @在",
            "a b c d e",
            "ab cd ef gh ij",
            "见 1 2 3 4 5 条",
        ];
        let text = crate::testing::corpus_text();
        let mut matched = (0, 0);
        for line in text.lines().chain(built) {
            if jammer_runs().is_match(line) {
                matched.0 += 1;
                assert!(short_gaps(line.as_bytes()), "jammer check: {line:?}");
            }
            if spaced_brands().is_match(line) {
                matched.1 += 1;
                assert!(may_hold_spaced_brand(line.as_bytes()), "brand check: {line:?}");
            }
        }
        assert!(matched.0 >= 5 && matched.1 >= 3, "{matched:?}");
        // And they do spare lines: prose with Latin words spaced off, spaced Han chars.
        assert!(!may_hold_spaced_brand("我们用 GPT 模型 做 实验".as_bytes()));
        assert!(!short_gaps("我 们 在 这 里 有 人".as_bytes()));
    }

    #[test]
    fn removals_scale_linearly() {
        let text = r#"furniture = ['关注.{0,6}公众号', '点赞|在看']
markers = ['^\W*(ADVERTISEMENT|广告)\W*$']
cards = ['^\d+篇原创内容$']"#;
        let b = Boilerplate::parse(text, std::path::Path::new("t"), speech()).unwrap();
        // Every line a marker; furniture pairs between paragraphs; cards one after another.
        type Pass = fn(&Boilerplate, &mut Document);
        let cases: [(&str, usize, Pass); 3] = [
            (
                "ADVERTISEMENT
",
                0,
                |b, d| b.markers(d, &mut Reads::new(d.lines.len())),
            ),
            (
                "关注我们的公众号
点赞
正文一段，这是一段足够长的内容。
",
                1,
                |b, d| b.interior(d, &mut Reads::new(d.lines.len())),
            ),
            (
                "某号
1篇原创内容
",
                0,
                |b, d| b.cards(d),
            ),
        ];
        for (unit, kept, apply) in cases {
            crate::testing::assert_linear(unit, 10_000, |n| {
                let mut d = doc(&unit.repeat(n));
                apply(&b, &mut d);
                assert_eq!(d.lines.len(), kept * n, "{unit}");
            });
        }
    }

    fn bp() -> Boilerplate {
        let text = r#"furniture = ['关注.{0,6}(公众号|我们)', '版权所有', '点赞|在看']
cards = ['^\d+篇原创内容$']"#;
        Boilerplate::parse(text, std::path::Path::new("t"), speech()).unwrap()
    }

    #[test]
    fn ends_go_content_stays() {
        let mut d = doc("首页\n关注我们\n\n标题就在这里呀\n\n正文第一段，这是一段足够长的内容。\n\n主持人：谢谢大家的分享和点赞。\n\n* 首页\n版权所有 某网站\n");
        bp().apply_tail(&mut d);
        bp().apply_head(&mut d);
        let t: Vec<&str> = d.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            t,
            [
                "",
                "标题就在这里呀",
                "",
                "正文第一段，这是一段足够长的内容。",
                "",
                "主持人：谢谢大家的分享和点赞。"
            ]
        );
        assert_eq!(d.meta.title.as_deref(), Some("标题就在这里呀"));
    }

    fn bp_lookahead() -> Boilerplate {
        let text = r#"furniture = ['版权所有']
head_lookahead = 3
nav_run = 3"#;
        Boilerplate::parse(text, std::path::Path::new("t"), speech()).unwrap()
    }

    fn head_of(text: &str) -> Vec<String> {
        let mut d = doc(text);
        bp_lookahead().apply_head(&mut d);
        d.lines.iter().filter(|l| !l.is_blank()).map(|l| l.text.clone()).collect()
    }

    #[test]
    fn headline_list_before_its_repeat_goes() {
        // Headlines that end on `!` read as sentences; the title's repeat shows the list.
        let t = head_of(
            "今日新聞 社論 評論 專題報導
為台灣拚經濟這不是矛盾嗎
拿出魄力處罰晶圓偷跑業者了吧!
國營企業登陸就可以存活嗎?

為台灣拚經濟這不是矛盾嗎
正文第一段，这是一段足够长的内容。
正文第二段，这是一段足够长的内容。",
        );
        assert_eq!(
            t,
            [
                "為台灣拚經濟這不是矛盾嗎",
                "正文第一段，这是一段足够长的内容。",
                "正文第二段，这是一段足够长的内容。"
            ]
        );
    }

    #[test]
    fn short_turns_under_label_lines_stay() {
        let text = "# 訪問\n### 甲：\n好啊！所以你大概有多久時間？\n### 乙：\n我們大概半個小時，你方便嗎？\n### 甲：\n當然，完全是以你為主。";
        let before: Vec<String> = text.lines().map(str::to_owned).collect();
        assert_eq!(head_of(text), before);
    }

    /// Words set apart by the spacing around Latin words in a sentence are no menu items,
    /// and a short last highlight under such a line is kept; a bar of Han items is a menu.
    #[test]
    fn spaced_latin_words_in_a_sentence_are_no_menu() {
        let menu = |t: &str| is_menu(t, &Features::of(t));
        assert!(!menu("> 画精确度和 loss 的图很有必要"));
        assert!(!menu("用 PyTorch 和 TensorFlow 实操 CNN 模型"));
        assert!(menu("今日新聞 社論 評論 專題報導 回首頁"));
        assert!(menu("第6981期 | 訂閱/退訂 | 看歷史報份"));
        let mut d = doc("卷积好之后会用 RELU 进行激活，然后再池化。\n\n> 画精确度和 loss 的图很有必要\n> ^sran-1680588184100");
        bp().apply_tail(&mut d);
        assert!(d.lines.iter().any(|l| l.text.contains("画精确度")), "{:?}", d.lines);
    }

    #[test]
    fn bare_word_run_is_a_share_bar_a_poem_is_not() {
        let t = head_of("关注本网\n微博\nQzone\n评论\n图集\n正文第一段，这是一段足够长的内容。");
        assert_eq!(t, ["正文第一段，这是一段足够长的内容。"]);
        let poem = "床前明月光\n疑是地上霜\n举头望明月\n正文第一段，这是一段足够长的内容。";
        assert_eq!(head_of(poem).len(), 4);
    }

    #[test]
    fn card_goes_with_name_and_slogan() {
        let mut d = doc("正文一段，内容足够长足够长足够长。\n\n**某号**\n\n专注科技。\n\n14篇原创内容\n\n公众号\n\n，\n\n正文二段，内容足够长足够长足够长。");
        bp().apply_tail(&mut d);
        let t: Vec<&str> =
            d.lines.iter().filter(|l| !l.is_blank()).map(|l| l.text.as_str()).collect();
        assert_eq!(t, ["正文一段，内容足够长足够长足够长。", "正文二段，内容足够长足够长足够长。"]);
    }
}
