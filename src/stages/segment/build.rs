//! Walking the lines once, in order, to build segments.

use rustc_hash::FxBuildHasher;
use std::collections::HashMap;

use super::dedupe::dedupe;
use super::labels::{LabelAt, LabelFinder};
use super::parts::{
    assign_roles, directions, localise, rejoin_around_notes, scripts_of, unknown_speaker,
};
use super::speakers::{fold, identify, PersonGloss, Registry};
use super::Rules;
use crate::document::{Action, AuditEntry, BlockKind, Document, Line, Scripts, Segment, Speaker};

/// Where the walk is: what unlabelled paragraphs currently mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Normal,
    Highlights,
    Summary,
}

pub struct Builder<'a> {
    registry: &'a Registry,
    rules: &'a Rules,
    doc: &'a mut Document,
    labels: LabelFinder<'a>,
    /// Every speaker accepted in this document; lines name theirs by index.
    people: Vec<Speaker>,
    out: Vec<Segment>,
    section: Option<Scripts>,
    mode: Mode,
    turn: Option<Turn>,
}

/// What was found about a line before the walk: its label, and the accepted speaker the
/// label names (index in `Builder::people`; never set for lines with a kind).
struct Found {
    label: Option<LabelAt>,
    speaker: Option<u32>,
}

/// A label name as the document uses it.
struct Name {
    /// Folded (`fold`): the names that are one speaker.
    key: String,
    /// How many lines it labels.
    lines: usize,
    /// As first written.
    name: String,
}

struct Turn {
    speaker: Speaker,
    /// The label's line: part of the turn's provenance even when the words follow it.
    label: crate::document::Span,
    lines: Vec<Line>,
    notes: Vec<Line>,
}

impl<'a> Builder<'a> {
    pub fn new(registry: &'a Registry, rules: &'a Rules, doc: &'a mut Document) -> Self {
        Builder {
            registry,
            rules,
            doc,
            labels: rules.labels.finder(),
            people: Vec::new(),
            out: Vec::new(),
            section: None,
            mode: Mode::Normal,
            turn: None,
        }
    }

    pub fn run(mut self) -> Vec<Segment> {
        // The lines move into the segments: copying them (both scripts included) held a
        // document's whole text twice until the document was written.
        let all = std::mem::take(&mut self.doc.lines);
        // Each non-blank line's label, found once: every later question about a line's
        // label is answered from here.
        let labels: Vec<Option<LabelAt>> =
            all.iter().filter(|l| !l.is_blank()).map(|l| self.labels.find_at(&l.text)).collect();
        let speakers = self.accepted_speakers(&labels, &all);
        let lines = all.into_iter().filter(|l| !l.is_blank());
        let mut walk = lines.zip(labels).zip(speakers).peekable();
        while let Some(((line, label), speaker)) = walk.next() {
            let found = Found { label, speaker };
            let next = walk.peek().map(|((l, _), _)| l);
            if self.implicit_heading(&line, &found, next) {
                self.heading(line);
            } else {
                self.line(line, found);
            }
        }
        self.close_turn();
        assign_roles(&mut self.out, self.rules.host_question_ratio);
        self.out
    }

    /// Labels that name a registered person, a person the document glosses with an English
    /// name (`杰弗里·辛顿（Geoffrey Hinton）`), or a name the document repeats often enough.
    /// `lines` are all the document's lines and `found` the labels of the non-blank ones, in
    /// order; the result holds, for each of those, the index in `self.people` of the speaker
    /// its label names.
    fn accepted_speakers(&mut self, found: &[Option<LabelAt>], lines: &[Line]) -> Vec<Option<u32>> {
        let (key_of, names) = self.label_names(found, lines);
        let glosses = PersonGloss::all(lines.iter().flat_map(|l| &l.glosses));
        let mut from_glosses = 0;
        let mut person_of = Vec::with_capacity(names.len());
        for Name { key, lines, name } in names {
            person_of.push(self.accept(&key, lines, &name, &glosses, &mut from_glosses));
        }
        self.doc.count("segment.speakers_from_glosses", from_glosses);
        key_of.into_iter().map(|k| k.and_then(|k| person_of[k as usize])).collect()
    }

    /// The distinct label names of the document, and for each non-blank line the index of
    /// its label's name. Labels of lines a stage has given a kind are not names.
    fn label_names(
        &mut self,
        found: &[Option<LabelAt>],
        lines: &[Line],
    ) -> (Vec<Option<u32>>, Vec<Name>) {
        // Name as written → its index, then folded name → its index: a transcript writes
        // the same few names over and over, and folding is the costly part.
        let mut written: HashMap<&str, u32, FxBuildHasher> = HashMap::default();
        let mut folded: HashMap<String, u32, FxBuildHasher> = HashMap::default();
        let mut names: Vec<Name> = Vec::new();
        let mut key_of = Vec::with_capacity(found.len());
        let mut found = found.iter();
        for line in lines {
            let blank = line.is_blank();
            let label = if blank {
                self.labels.find_at(&line.text)
            } else {
                found.next().cloned().flatten()
            };
            let k = label.filter(|_| line.kind.is_none()).map(|label| {
                let name = label.name(&line.text);
                let k = *written.entry(name).or_insert_with(|| {
                    let key = fold(name);
                    *folded.entry(key).or_insert_with_key(|key| {
                        names.push(Name { key: key.clone(), lines: 0, name: name.to_owned() });
                        names.len() as u32 - 1
                    })
                });
                names[k as usize].lines += 1;
                k
            });
            if !blank {
                key_of.push(k);
            }
        }
        (key_of, names)
    }

    /// The speaker a label name stands for, if it is one (index in `self.people`).
    fn accept(
        &mut self,
        key: &str,
        n: usize,
        name: &str,
        glosses: &[PersonGloss],
        from_glosses: &mut u64,
    ) -> Option<u32> {
        if !self.rules.labels.plausible(name) {
            return None;
        }
        let speaker = match self.registry.lookup(name) {
            Some(s) => s.clone(),
            None => match identify(key, glosses, self.registry) {
                Some(s) => {
                    *from_glosses += 1;
                    s
                }
                None if n >= self.rules.min_repeats => unknown_speaker(name),
                None => return None,
            },
        };
        self.people.push(speaker);
        Some(self.people.len() as u32 - 1)
    }

    fn line(&mut self, line: Line, found: Found) {
        match line.kind {
            Some(BlockKind::Heading) => return self.heading(line),
            Some(BlockKind::Summary) => return self.summary(line),
            Some(BlockKind::Note) => return self.note(line),
            Some(BlockKind::Quote) => return self.simple(BlockKind::Quote, line),
            _ => {}
        }
        let intros = self.rules.intros.mask(&line.text);
        let intro = |bit: u64, re: &regex::Regex| intros & bit != 0 && re.is_match(&line.text);
        let highlights = intro(1, &self.rules.highlight_intro);
        if highlights || intro(2, &self.rules.transcript_intro) {
            self.heading(line);
            self.mode = if highlights { Mode::Highlights } else { Mode::Normal };
            return;
        }
        if let (Some(person), Some(label)) = (found.speaker, &found.label) {
            self.close_turn();
            self.mode = Mode::Normal;
            let speaker = self.people[person as usize].clone();
            let speaker = localise(speaker, &line, &mut self.labels);
            let label_src = line.src;
            let lines = self.rest_of_label(line, label).into_iter().collect();
            self.turn = Some(Turn { speaker, label: label_src, lines, notes: Vec::new() });
            return;
        }
        if self.mode == Mode::Highlights && self.rules.list_item.is_match(&line.text) {
            return self.simple(BlockKind::Highlight, line);
        }
        if self.mode == Mode::Summary && self.turn.is_none() {
            return self.simple(BlockKind::Summary, line);
        }
        self.mode = Mode::Normal;
        if self.is_narration(&line, &found) {
            // The writer's voice ("黄仁勋说：…") ends the speaker's turn.
            return self.simple(BlockKind::Paragraph, line);
        }
        match self.turn.as_mut() {
            Some(turn) => turn.lines.push(line),
            None => self.simple(BlockKind::Paragraph, line),
        }
    }

    /// The words after the label of `line`, as a line of their own (in both scripts), when
    /// there are any. The line is cut down in place.
    fn rest_of_label(&mut self, mut line: Line, label: &LabelAt) -> Option<Line> {
        if label.rest.is_empty() {
            return None;
        }
        if let Some(s) = line.scripts.as_mut() {
            for t in [&mut s.zh_hans, &mut s.zh_hant] {
                // A script that reads like the line has its label in the same place.
                let at = if *t == line.text { Some(label.clone()) } else { self.labels.find_at(t) };
                if let Some(at) = at {
                    keep_range(t, at.rest);
                }
            }
        }
        keep_range(&mut line.text, label.rest.clone());
        Some(line)
    }

    /// A short unpunctuated line before a longer paragraph, outside any turn or list.
    fn implicit_heading(&self, line: &Line, found: &Found, next: Option<&Line>) -> bool {
        // The cheap tests first; the order does not change the answer.
        if line.kind.is_some()
            || self.turn.is_some()
            || self.mode != Mode::Normal
            || found.speaker.is_some()
        {
            return false;
        }
        let Some(next) = next.filter(|n| n.kind.is_none()) else { return false };
        let Some(chars) = chars_at_most(&line.text, self.rules.implicit_heading_max_chars) else {
            return false;
        };
        // More than `2 * chars` characters: more bytes than that at least.
        next.text.len() > 2 * chars
            && next.text.chars().count() > 2 * chars
            && self.rules.implicit_heading.is_match(&line.text)
            && !self.is_narration(line, found)
            && !self.rules.list_item.is_match(&line.text)
            && !line.scripts.as_ref().is_some_and(|s| s.english)
    }

    fn is_narration(&self, line: &Line, found: &Found) -> bool {
        found
            .label
            .as_ref()
            .is_some_and(|l| self.rules.labels.narration.is_match(l.name(&line.text)))
    }

    fn heading(&mut self, line: Line) {
        self.close_turn();
        self.mode = Mode::Normal;
        self.section = Some(scripts_of(&line));
        self.push(BlockKind::Heading, vec![line], None, None);
    }

    fn summary(&mut self, line: Line) {
        self.close_turn();
        let label_only =
            line.text.trim_end().ends_with([':', '：']) && line.text.chars().count() <= 8;
        if label_only {
            // The label becomes the kind of the paragraphs that follow it.
            self.audit_label(&line);
            self.mode = Mode::Summary;
        } else {
            self.simple(BlockKind::Summary, line);
        }
    }

    fn note(&mut self, line: Line) {
        match self.turn.as_mut() {
            Some(turn) => turn.notes.push(line),
            None => self.simple(BlockKind::Note, line),
        }
    }

    /// A one-line segment, merged into the previous one when both are quotes or summaries.
    fn simple(&mut self, kind: BlockKind, line: Line) {
        if self.turn.is_some() {
            self.close_turn();
        }
        if matches!(kind, BlockKind::Quote | BlockKind::Summary) {
            if let Some(prev) = self.out.last_mut().filter(|p| p.kind == kind) {
                prev.src = prev.src.join(line.src);
                prev.lines.push(line);
                return;
            }
        }
        let section = if kind == BlockKind::Heading { None } else { self.section.clone() };
        let src = line.src;
        self.out.push(Segment {
            kind,
            section,
            speaker: None,
            lines: vec![line],
            src,
            directions: Vec::new(),
        });
    }

    fn push(
        &mut self,
        kind: BlockKind,
        lines: Vec<Line>,
        speaker: Option<Speaker>,
        section: Option<Scripts>,
    ) {
        let src =
            lines.iter().map(|l| l.src).reduce(|a, b| a.join(b)).expect("segments have lines");
        let directions = directions(&self.rules.direction, &self.rules.direction_filter, &lines);
        self.out.push(Segment { kind, section, speaker, lines, src, directions });
    }

    fn close_turn(&mut self) {
        let Some(turn) = self.turn.take() else { return };
        let Turn { speaker, label, lines, notes } = turn;
        let lines = dedupe(rejoin_around_notes(lines, &notes), self.doc);
        if !lines.is_empty() {
            let section = self.section.clone();
            self.push(BlockKind::Turn, lines, Some(speaker), section);
            let seg = self.out.last_mut().expect("just pushed");
            seg.src = seg.src.join(label);
        } else {
            self.doc.record(AuditEntry::new(
                "segment",
                "segment.empty-turn",
                Action::Flag,
                label,
                speaker.id.clone(),
            ));
        }
        for note in notes {
            let section = self.section.clone();
            self.push(BlockKind::Note, vec![note], None, section);
        }
    }

    fn audit_label(&mut self, line: &Line) {
        self.doc.record(AuditEntry::new(
            "segment",
            "segment.summary-label",
            Action::Remove,
            line.src,
            line.text.clone(),
        ));
    }
}

/// Cuts `s` down to `range` without a new allocation.
fn keep_range(s: &mut String, range: std::ops::Range<usize>) {
    s.truncate(range.end);
    s.drain(..range.start);
}

/// The number of characters of `text`, when it is at most `max`.
fn chars_at_most(text: &str, max: usize) -> Option<usize> {
    // A char is at most 4 bytes, at least 1.
    if text.len() > 4 * max {
        return None;
    }
    Some(text.chars().count()).filter(|&n| n <= max)
}
