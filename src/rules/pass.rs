//! One profile over a document: its rules in order, each a pass over the lines the previous
//! ones left, editing them in place.
//!
//! Each line carries the mask of rules its text can match ([`LineFilter`]), computed once
//! and again only when a rule changes the line: a rule no line can match costs nothing, the
//! others run their regex only on the lines that pass. Removed lines are only marked (the
//! passes skip them) and taken out once, when the profile is done.

use std::ops::Range;

use super::scan::LineFilter;
use super::{Profile, Rule, RuleAction, RuleFileError};
use crate::document::{Action, AuditEntry, Document, Line};

impl Profile {
    /// Applies every rule in order; each rule sees the lines the previous ones left. An
    /// error names a rule whose pattern does not compile (the document's lines are then
    /// those the rules before it left).
    pub fn apply(&self, doc: &mut Document) -> Result<(), RuleFileError> {
        if let Some(p) = &self.platform {
            doc.meta.platform.get_or_insert_with(|| p.clone());
        }
        let mut st = Lines::new(std::mem::take(&mut doc.lines), &self.filter);
        let mut result = Ok(());
        for rule in &self.rules {
            if rule.bit.is_some_and(|bit| st.any & bit == 0) {
                continue;
            }
            // Patterns compile when their searches first need it (see `LazyRegex::matches`);
            // one that does not matched nothing and fails the document.
            let first = rule.first_firing(&st);
            if let Some(first) = first.filter(|_| rule.error().is_none()) {
                let before = st.live;
                self.apply_rule(rule, first, doc, &mut st);
                st.splice_pieces();
                doc.count(&rule.stat_key, before.saturating_sub(st.live) as u64);
            }
            if let Some(e) = rule.error() {
                result = Err(self.in_file(e.clone()));
                break;
            }
        }
        doc.lines = st.into_lines();
        result
    }

    /// Runs `rule` from the first line it fires on (`first.0`, with `first.1` content lines
    /// before it).
    fn apply_rule(
        &self,
        rule: &Rule,
        (first, mut content_seen): (usize, usize),
        doc: &mut Document,
        st: &mut Lines,
    ) {
        let mut i = first;
        let mut fired = 0usize;
        while i < st.lines.len() {
            if st.dead[i] {
                i += 1;
                continue;
            }
            let line = &st.lines[i];
            // Only rules limited to the page header count content lines.
            if rule.within_first.is_some() {
                content_seen += usize::from(!line.is_blank());
            }
            let in_reach = rule.within_first.is_none_or(|n| content_seen <= n);
            if !in_reach || (rule.once && fired > 0) {
                break;
            }
            if !rule.fires_at(st, i) {
                i += 1;
                continue;
            }
            fired += 1;
            let end = st.lines.len();
            match rule.action {
                RuleAction::DropLine => {
                    audit_removal(doc, rule, st.live_in(i..i + 1));
                    st.remove(i..i + 1);
                    i += 1;
                }
                RuleAction::DropRest => {
                    audit_removal(doc, rule, st.live_in(i..end));
                    st.remove(i..end);
                    break;
                }
                RuleAction::DropUntil => {
                    let until = rule.until.as_ref().expect("checked at compile");
                    let kept =
                        (i + 1..end).find(|&k| !st.dead[k] && until.matches(&st.lines[k].text));
                    let stop = kept.unwrap_or(end);
                    audit_removal(doc, rule, st.live_in(i..stop));
                    st.remove(i..stop);
                    // The line that ends the drop is kept without being tried.
                    i = stop + 1;
                }
                _ => i = self.edit_line(rule, i, doc, st),
            }
        }
    }
}

impl Rule {
    /// The first line this rule fires on and the content lines before it; `None` when it
    /// fires on none.
    fn first_firing(&self, st: &Lines) -> Option<(usize, usize)> {
        let mut content_seen = 0usize;
        for (i, line) in st.lines.iter().enumerate() {
            if st.dead[i] {
                continue;
            }
            let content = self.within_first.is_some() && !line.is_blank();
            if self.within_first.is_some_and(|n| content_seen + usize::from(content) > n) {
                return None;
            }
            if self.fires_at(st, i) {
                return Some((i, content_seen));
            }
            content_seen += usize::from(content);
        }
        None
    }

    /// Whether the rule fires on (live) line `i`.
    fn fires_at(&self, st: &Lines, i: usize) -> bool {
        // Rules read prose: a line of code is never theirs (a region dropped around it
        // still takes it). The next line's pattern (a date under a title) is the more
        // selective test, and fails on its first characters.
        st.lines[i].kind != Some(crate::document::BlockKind::Code)
            && self.bit.is_none_or(|bit| st.masks[i] & bit != 0)
            && self.next_line_fits(st.live_in(i + 1..st.lines.len()))
            && self.fires_on(&st.lines[i].text)
    }
}

/// The lines while a profile runs, each with its mask.
pub(super) struct Lines<'a> {
    pub lines: Vec<Line>,
    masks: Vec<u64>,
    /// Lines removed by a rule: skipped by the passes, taken out when the profile is done.
    dead: Vec<bool>,
    /// How many lines are not dead.
    live: usize,
    filter: &'a LineFilter,
    /// The union of all masks: a rule outside it has nothing to do.
    any: u64,
    /// Lines a split rule turned into pieces during its pass, by index: they take their
    /// place in one move when the pass is done ([`Lines::splice_pieces`]), instead of one
    /// shift of every line after them per split.
    pieces: Vec<(usize, Vec<Line>)>,
}

impl<'a> Lines<'a> {
    fn new(lines: Vec<Line>, filter: &'a LineFilter) -> Self {
        let masks: Vec<u64> = lines.iter().map(|l| filter.mask(&l.text)).collect();
        let any = masks.iter().fold(0, |acc, m| acc | m);
        let (dead, live) = (vec![false; lines.len()], lines.len());
        Lines { lines, masks, dead, live, filter, any, pieces: Vec::new() }
    }

    /// The live lines among `range`.
    pub fn live_in(&self, range: Range<usize>) -> impl Iterator<Item = &Line> + Clone {
        let dead = &self.dead[range.clone()];
        self.lines[range].iter().zip(dead).filter(|(_, &d)| !d).map(|(l, _)| l)
    }

    /// Line `i`'s text changed: recompute its mask.
    pub fn refresh(&mut self, i: usize) {
        let mask = self.filter.mask(&self.lines[i].text);
        self.any |= mask;
        self.masks[i] = mask;
    }

    /// Line `i`'s text lost a part: a line left blank goes, another gets a new mask.
    pub fn edited(&mut self, i: usize) {
        if self.lines[i].is_blank() {
            self.remove(i..i + 1);
        } else {
            self.refresh(i);
        }
    }

    pub fn remove(&mut self, range: Range<usize>) {
        for d in &mut self.dead[range] {
            self.live -= usize::from(!*d);
            *d = true;
        }
    }

    /// Line `i` becomes `pieces` once the rule's pass is done: the pass goes on after line
    /// `i` and never looks back at it.
    pub fn replace(&mut self, i: usize, pieces: Vec<Line>) {
        debug_assert!(self.pieces.last().is_none_or(|&(last, _)| last < i), "in line order");
        self.live = self.live + pieces.len() - 1;
        self.pieces.push((i, pieces));
    }

    /// Puts the pieces of the lines split during a pass in their place (with their masks),
    /// moving every line once.
    fn splice_pieces(&mut self) {
        if self.pieces.is_empty() {
            return;
        }
        let added: usize = self.pieces.iter().map(|(_, p)| p.len()).sum();
        let n = self.lines.len() - self.pieces.len() + added;
        let (mut lines, mut masks, mut dead) =
            (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
        let mut split = std::mem::take(&mut self.pieces).into_iter().peekable();
        let old = std::mem::take(&mut self.lines).into_iter().zip(&self.masks).zip(&self.dead);
        for (i, ((line, &mask), &gone)) in old.enumerate() {
            match split.next_if(|(at, _)| *at == i) {
                Some((_, pieces)) => {
                    for piece in pieces {
                        let mask = self.filter.mask(&piece.text);
                        self.any |= mask;
                        masks.push(mask);
                        dead.push(false);
                        lines.push(piece);
                    }
                }
                None => {
                    lines.push(line);
                    masks.push(mask);
                    dead.push(gone);
                }
            }
        }
        (self.lines, self.masks, self.dead) = (lines, masks, dead);
    }

    /// The live lines.
    fn into_lines(mut self) -> Vec<Line> {
        if self.live < self.lines.len() {
            let mut k = 0;
            self.lines.retain(|_| {
                k += 1;
                !self.dead[k - 1]
            });
        }
        self.lines
    }
}

/// Records the removal of `lines` (joined into one entry) by `rule`.
fn audit_removal<'a>(doc: &mut Document, rule: &Rule, mut lines: impl Iterator<Item = &'a Line>) {
    let Some(first) = lines.next() else { return };
    let (mut span, mut text) = (first.src, first.text.clone());
    for line in lines {
        span = span.join(line.src);
        text.push('\n');
        text.push_str(&line.text);
    }
    doc.record(AuditEntry::new(
        crate::StageKind::Strip,
        rule.id.clone(),
        Action::Remove,
        span,
        text,
    ));
}

#[cfg(test)]
mod tests {
    use crate::rules::RuleSet;
    use crate::testing::{assert_linear, doc_of_lines};

    fn profile(rules: &str) -> crate::rules::Profile {
        let text = format!("[profile]\nid = \"t\"\n{rules}");
        let path = std::path::Path::new("t.toml");
        RuleSet::parse(&text, path).unwrap().compile(path).unwrap()
    }

    #[test]
    fn splits_and_drops_scale_linearly() {
        let split = profile(
            "[[rules]]\nid = \"split\"\nmatch = '[。](?P<cut>\\s*\\*\\s*)'\naction = \"split\"\n",
        );
        assert_linear("split", 10_000, |n| {
            let mut d = doc_of_lines(&"甲。 * 乙\n".repeat(n));
            split.apply(&mut d).unwrap();
            assert_eq!(d.lines.len(), 2 * n);
            assert!(d.lines.iter().step_by(2).all(|l| l.text == "甲。"));
        });
        let drop = profile("[[rules]]\nid = \"drop\"\nmatch = '^广告$'\naction = \"drop-line\"\n");
        assert_linear("drop-line", 10_000, |n| {
            let mut d = doc_of_lines(&"广告\n正文。\n".repeat(n));
            drop.apply(&mut d).unwrap();
            assert_eq!(d.lines.len(), n);
        });
    }

    #[test]
    fn split_pieces_take_the_place_of_their_line() {
        let p = profile(concat!(
            "[[rules]]\nid = \"split\"\nmatch = '[。](?P<cut>\\s*\\*\\s*)'\naction = \"split\"\n",
            "[[rules]]\nid = \"drop\"\nmatch = '^乙'\naction = \"drop-line\"\n",
        ));
        let mut d = doc_of_lines("零\n甲。 * 乙。 * 丙\n丁\n戊。 * 乙己\n");
        p.apply(&mut d).unwrap();
        let t: Vec<&str> = d.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(t, ["零", "甲。", "丙", "丁", "戊。"]);
    }
}
