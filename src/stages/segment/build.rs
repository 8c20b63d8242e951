//! Walking the lines once, in order, to build segments.

use std::collections::HashMap;

use super::parts::{
    assign_roles, directions, localise, rejoin_around_notes, scripts_of, split_sentences,
    unknown_speaker,
};
use super::speakers::{fold, identify, Label, Registry};
use super::Rules;
use crate::document::{
    Action, AuditEntry, BlockKind, Document, EnSpan, Line, Scripts, Segment, Speaker,
};

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
    /// Folded name → speaker, for every label accepted in this document.
    speakers: HashMap<String, Speaker>,
    out: Vec<Segment>,
    section: Option<Scripts>,
    mode: Mode,
    turn: Option<Turn>,
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
            speakers: HashMap::new(),
            out: Vec::new(),
            section: None,
            mode: Mode::Normal,
            turn: None,
        }
    }

    pub fn run(mut self) -> Vec<Segment> {
        let mut lines: Vec<Line> =
            self.doc.lines.iter().filter(|l| !l.is_blank()).cloned().collect();
        // Each line's label, found once: the label regexes are the costliest part of the
        // stage (captures over whole lines), and every later question about a line's label
        // is answered from here.
        let labels: Vec<Option<Label>> =
            lines.iter().map(|l| self.rules.labels.find(&l.text)).collect();
        self.speakers = self.accepted_speakers(&labels, &lines);
        for (i, label) in labels.into_iter().enumerate() {
            // Taken, not cloned: only the next line is looked at again.
            let src = lines[i].src;
            let line = std::mem::replace(&mut lines[i], Line::new(String::new(), src));
            if self.implicit_heading(&line, label.as_ref(), lines.get(i + 1)) {
                self.heading(line);
            } else {
                self.line(line, label);
            }
        }
        self.close_turn();
        assign_roles(&mut self.out, self.rules.host_question_ratio);
        self.out
    }

    /// Labels that name a registered person, a person the document glosses with an English
    /// name (`杰弗里·辛顿（Geoffrey Hinton）`), or a name the document repeats often enough.
    /// `found` holds the labels of the non-blank `lines`, in order.
    fn accepted_speakers(
        &mut self,
        found: &[Option<Label>],
        lines: &[Line],
    ) -> HashMap<String, Speaker> {
        let glosses: Vec<&EnSpan> = lines.iter().flat_map(|l| &l.glosses).collect();
        let mut counts: HashMap<String, (usize, String)> = HashMap::new();
        let mut found = found.iter();
        for line in &self.doc.lines {
            let label = if line.is_blank() {
                self.rules.labels.find(&line.text)
            } else {
                found.next().cloned().flatten()
            };
            if line.kind.is_some() {
                continue;
            }
            if let Some(label) = label {
                let e = counts.entry(fold(&label.name)).or_insert((0, label.name.clone()));
                e.0 += 1;
            }
        }
        let mut accepted = HashMap::new();
        let mut from_glosses = 0;
        for (key, (n, name)) in counts {
            if !self.rules.labels.plausible(&name) {
                continue;
            }
            let speaker = match self.registry.lookup(&name) {
                Some(s) => s.clone(),
                None => match identify(&key, &glosses, self.registry) {
                    Some(s) => {
                        from_glosses += 1;
                        s
                    }
                    None if n >= self.rules.min_repeats => unknown_speaker(&name),
                    None => continue,
                },
            };
            accepted.insert(key, speaker);
        }
        self.doc.count("segment.speakers_from_glosses", from_glosses);
        accepted
    }

    /// `label`: `self.rules.labels.find(&line.text)`.
    fn line(&mut self, line: Line, label: Option<Label>) {
        match line.kind {
            Some(BlockKind::Heading) => return self.heading(line),
            Some(BlockKind::Summary) => return self.summary(line),
            Some(BlockKind::Note) => return self.note(line),
            Some(BlockKind::Quote) => return self.simple(BlockKind::Quote, line),
            _ => {}
        }
        if self.rules.highlight_intro.is_match(&line.text)
            || self.rules.transcript_intro.is_match(&line.text)
        {
            let highlights = self.rules.highlight_intro.is_match(&line.text);
            self.heading(line);
            self.mode = if highlights { Mode::Highlights } else { Mode::Normal };
            return;
        }
        if let Some((speaker, rest)) = self.label_of(&line, label.as_ref()) {
            self.close_turn();
            self.mode = Mode::Normal;
            let mut turn = Turn { speaker, label: line.src, lines: Vec::new(), notes: Vec::new() };
            if let Some(rest) = rest {
                turn.lines.push(rest);
            }
            self.turn = Some(turn);
            return;
        }
        if self.mode == Mode::Highlights && self.rules.list_item.is_match(&line.text) {
            return self.simple(BlockKind::Highlight, line);
        }
        if self.mode == Mode::Summary && self.turn.is_none() {
            return self.simple(BlockKind::Summary, line);
        }
        self.mode = Mode::Normal;
        if self.is_narration(label.as_ref()) {
            // The writer's voice ("黄仁勋说：…") ends the speaker's turn.
            return self.simple(BlockKind::Paragraph, line);
        }
        match self.turn.as_mut() {
            Some(turn) => turn.lines.push(line),
            None => self.simple(BlockKind::Paragraph, line),
        }
    }

    /// The accepted speaker labelling `line`, with the words after the label as a line of
    /// their own (in both scripts) when there are any.
    fn label_of(&self, line: &Line, label: Option<&Label>) -> Option<(Speaker, Option<Line>)> {
        if line.kind.is_some() {
            return None;
        }
        let label = label?;
        let speaker = self.speakers.get(&fold(&label.name))?.clone();
        let speaker = localise(speaker, line, &self.rules.labels);
        if label.rest.is_empty() {
            return Some((speaker, None));
        }
        let rest_of = |t: &str| {
            if t == line.text {
                return label.rest.clone();
            }
            self.rules.labels.find(t).map_or_else(|| t.to_owned(), |l: Label| l.rest)
        };
        let scripts = line.scripts.as_ref().map(|s| Scripts {
            zh_hans: rest_of(&s.zh_hans),
            zh_hant: rest_of(&s.zh_hant),
            english: s.english,
            written: s.written,
        });
        Some((speaker, Some(Line { text: label.rest.clone(), scripts, ..line.clone() })))
    }

    /// A short unpunctuated line before a longer paragraph, outside any turn or list.
    fn implicit_heading(&self, line: &Line, label: Option<&Label>, next: Option<&Line>) -> bool {
        let chars = line.text.chars().count();
        let next_is_prose =
            next.is_some_and(|n| n.kind.is_none() && n.text.chars().count() > 2 * chars);
        line.kind.is_none()
            && self.turn.is_none()
            && self.mode == Mode::Normal
            && chars <= self.rules.implicit_heading_max_chars
            && next_is_prose
            && self.rules.implicit_heading.is_match(&line.text)
            && self.label_of(line, label).is_none()
            && !self.is_narration(label)
            && !self.rules.list_item.is_match(&line.text)
            && !line.scripts.as_ref().is_some_and(|s| s.english)
    }

    fn is_narration(&self, label: Option<&Label>) -> bool {
        label.is_some_and(|l| self.rules.labels.narration.is_match(&l.name))
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
        let directions = directions(&self.rules.direction, &lines);
        self.out.push(Segment { kind, section, speaker, lines, src, directions });
    }

    fn close_turn(&mut self) {
        let Some(turn) = self.turn.take() else { return };
        let Turn { speaker, label, lines, notes } = turn;
        let lines = self.dedupe(rejoin_around_notes(lines, &notes));
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

    /// Drops exact repeats of a paragraph, or of a sentence of 12+ characters, inside a turn.
    fn dedupe(&mut self, lines: Vec<Line>) -> Vec<Line> {
        let mut seen_paragraphs: Vec<String> = Vec::new();
        let mut seen_sentences: Vec<String> = Vec::new();
        let mut out = Vec::new();
        for line in lines {
            let key = line.text.trim().to_owned();
            if seen_paragraphs.contains(&key) {
                self.audit_repeat("segment.duplicate-paragraph", &line, &key);
                continue;
            }
            seen_paragraphs.push(key);
            let line = self.drop_repeated_sentences(line, &mut seen_sentences);
            out.push(line);
        }
        out
    }

    fn drop_repeated_sentences(&mut self, mut line: Line, seen: &mut Vec<String>) -> Line {
        let sentences = split_sentences(&line.text);
        let repeated: Vec<usize> = sentences
            .iter()
            .enumerate()
            .filter(|(_, s)| s.chars().count() >= 12 && seen.iter().any(|x| x == **s))
            .map(|(i, _)| i)
            .collect();
        seen.extend(sentences.iter().map(|s| s.to_string()));
        if repeated.is_empty() {
            return line;
        }
        let keep = |text: &str| -> Option<String> {
            let parts = split_sentences(text);
            (parts.len() == sentences.len()).then(|| {
                parts
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !repeated.contains(i))
                    .map(|(_, s)| *s)
                    .collect()
            })
        };
        let scripts = match &line.scripts {
            Some(s) => match (keep(&s.zh_hans), keep(&s.zh_hant)) {
                (Some(h), Some(t)) => Some(Scripts { zh_hans: h, zh_hant: t, ..s.clone() }),
                _ => return line,
            },
            None => None,
        };
        for &i in &repeated {
            self.audit_repeat("segment.duplicate-sentence", &line, sentences[i]);
        }
        line.text = keep(&line.text).expect("same text");
        line.scripts = scripts;
        line
    }

    fn audit_repeat(&mut self, rule: &str, line: &Line, text: &str) {
        self.doc.record(AuditEntry::new("segment", rule, Action::Remove, line.src, text));
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
