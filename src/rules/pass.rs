//! One profile over a document: its rules in order, each a pass over the lines the previous
//! ones left, editing them in place.
//!
//! Each line carries the mask of rules its text can match ([`LineFilter`]), computed once
//! and again only when a rule changes the line: a rule no line can match costs nothing, the
//! others run their regex only on the lines that pass, and lines move only when a rule
//! removes or splits some.

use std::ops::Range;

use super::apply::audit_removal;
use super::scan::LineFilter;
use super::{Profile, Rule, RuleAction};
use crate::document::{Document, Line};

impl Profile {
    /// Applies every rule in order; each rule sees the lines the previous ones left.
    pub fn apply(&self, doc: &mut Document) {
        if let Some(p) = &self.platform {
            doc.meta.platform.get_or_insert_with(|| p.clone());
        }
        let mut st = Lines::new(std::mem::take(&mut doc.lines), &self.filter);
        for rule in &self.rules {
            if rule.bit.is_some_and(|bit| st.any & bit == 0) {
                continue;
            }
            let Some(first) = rule.first_firing(&st.lines, &st.masks) else { continue };
            let before = st.lines.len();
            self.apply_rule(rule, first, doc, &mut st);
            st.compact();
            doc.count(&rule.stat_key, before.saturating_sub(st.lines.len()) as u64);
        }
        doc.lines = st.lines;
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
            let line = &st.lines[i];
            // Only rules limited to the page header count content lines.
            if rule.within_first.is_some() {
                content_seen += usize::from(!line.is_blank());
            }
            let in_reach = rule.within_first.is_none_or(|n| content_seen <= n);
            if !in_reach || (rule.once && fired > 0) {
                break;
            }
            let fires = rule.may_match(st.masks[i])
                && rule.fires_on(&line.text)
                && rule.next_line_fits(&st.lines[i + 1..]);
            if !fires {
                i += 1;
                continue;
            }
            fired += 1;
            let end = st.lines.len();
            match rule.action {
                RuleAction::DropLine => {
                    audit_removal(doc, rule, &st.lines[i..=i]);
                    st.remove(i..i + 1);
                    i += 1;
                }
                RuleAction::DropRest => {
                    audit_removal(doc, rule, &st.lines[i..]);
                    st.remove(i..end);
                    break;
                }
                RuleAction::DropUntil => {
                    let until = rule.until.as_ref().expect("checked at compile");
                    let kept = (i + 1..end).find(|&k| until.is_match(&st.lines[k].text));
                    let stop = kept.unwrap_or(end);
                    audit_removal(doc, rule, &st.lines[i..stop]);
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
    fn first_firing(&self, lines: &[Line], masks: &[u64]) -> Option<(usize, usize)> {
        let mut content_seen = 0usize;
        for (i, line) in lines.iter().enumerate() {
            let content = self.within_first.is_some() && !line.is_blank();
            if self.within_first.is_some_and(|n| content_seen + usize::from(content) > n) {
                return None;
            }
            if self.may_match(masks[i])
                && self.fires_on(&line.text)
                && self.next_line_fits(&lines[i + 1..])
            {
                return Some((i, content_seen));
            }
            content_seen += usize::from(content);
        }
        None
    }

    fn may_match(&self, mask: u64) -> bool {
        self.bit.is_none_or(|bit| mask & bit != 0)
    }
}

/// The lines while a profile runs, each with its mask.
pub(super) struct Lines<'a> {
    pub lines: Vec<Line>,
    masks: Vec<u64>,
    /// Lines the running rule removed, taken out when its pass ends (empty: none yet).
    removed: Vec<bool>,
    filter: &'a LineFilter,
    /// The union of all masks: a rule outside it has nothing to do.
    any: u64,
}

impl<'a> Lines<'a> {
    fn new(lines: Vec<Line>, filter: &'a LineFilter) -> Self {
        let masks: Vec<u64> = lines.iter().map(|l| filter.mask(&l.text)).collect();
        let any = masks.iter().fold(0, |acc, m| acc | m);
        Lines { lines, masks, removed: Vec::new(), filter, any }
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
        if self.removed.is_empty() {
            self.removed = vec![false; self.lines.len()];
        }
        self.removed[range].fill(true);
    }

    /// Line `i` becomes `pieces`.
    pub fn replace(&mut self, i: usize, pieces: Vec<Line>) {
        let masks: Vec<u64> = pieces.iter().map(|l| self.filter.mask(&l.text)).collect();
        self.any |= masks.iter().fold(0, |acc, m| acc | m);
        if !self.removed.is_empty() {
            self.removed.splice(i..=i, masks.iter().map(|_| false));
        }
        self.masks.splice(i..=i, masks);
        self.lines.splice(i..=i, pieces);
    }

    /// Takes out the removed lines.
    fn compact(&mut self) {
        if self.removed.is_empty() {
            return;
        }
        let removed = std::mem::take(&mut self.removed);
        let mut k = 0;
        self.lines.retain(|_| {
            k += 1;
            !removed[k - 1]
        });
        k = 0;
        self.masks.retain(|_| {
            k += 1;
            !removed[k - 1]
        });
    }
}
