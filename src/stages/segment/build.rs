//! Walking the lines once, in order, to build segments.

use rustc_hash::FxBuildHasher;
use std::collections::{HashMap, HashSet};

use super::dedupe::dedupe;
use super::headings::{Markup, SourceLines};
use super::inline::split_inline_labels;
use super::labels::{LabelAt, LabelFinder, Narration};
use super::parts::{directions, localise, rejoin_around_notes, scripts_of, unknown_speaker};
use super::roles::{asks, assign_roles, Evidence};
use super::speakers::{fold, identify, PersonGlosses, Registry};
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
    /// For each folded label name that has a role word before the person's name, the
    /// characters of the role word (`主持人 魯健` → 4): no part of the name.
    role_prefix: HashMap<String, usize, FxBuildHasher>,
    /// Names a header line gives a role (`主持人：窦文涛`).
    header: Vec<(String, &'static str)>,
    out: Vec<Segment>,
    section: Option<Scripts>,
    mode: Mode,
    turn: Option<Turn>,
    /// The folded label names of the accepted speakers.
    speaker_names: HashSet<String, FxBuildHasher>,
    source: SourceLines,
    /// Whether the document has set a wholly bold line of its own, outside any turn,
    /// right before a turn: its way of writing section headings, sentences included
    /// (`**过去 15 年…的公司。但现在，…**`).
    bold_headings: bool,
    /// Each line's source markup, read on first use (see [`Builder::markup`]).
    markups: Vec<Option<Markup>>,
    /// The index of the line the walk is at.
    at: usize,
}

/// What was found about a line before the walk: its label, and the accepted speaker the
/// label names (index in `Builder::people`; never set for lines with a kind).
struct Found {
    label: Option<LabelAt>,
    speaker: Option<u32>,
}

/// A label in the order of the document.
struct Said {
    /// Index of its name, when plausible.
    name: Option<usize>,
    /// Whether its turn asks a question: in the label's line or the paragraph after it (a
    /// question set apart from its label); a `?` further on is in whatever follows.
    asks: bool,
    /// Paragraphs after the label's line.
    after: usize,
    shape: Shape,
}

/// How a label is written in the source: the markup before the name (without a leading
/// number; `None` when the label follows words, inside a line) and after it up to the words
/// (`**李榜主** ：` → `**`, `**：`). Labels in one format have one shape.
enum Shape {
    Unknown,
    Known { before: Option<String>, after: String },
}

impl Shape {
    fn same(&self, other: &Shape) -> bool {
        match (self, other) {
            (Shape::Known { before: b1, after: a1 }, Shape::Known { before: b2, after: a2 }) => {
                a1 == a2 && (b1.is_none() || b2.is_none() || b1 == b2)
            }
            _ => true,
        }
    }
}

/// A label name as the document uses it.
struct Name {
    /// Folded (`fold`): the names that are one speaker.
    key: String,
    /// How many lines it labels.
    lines: usize,
    /// As first written.
    name: String,
    /// Whether a line uses it as narration (`他笑道：“…”`; see [`LabelRules::narrates`]).
    narrates: bool,
    /// Whether a label of another name comes between two of its labels: a speaker's
    /// labels alternate with others', a field given twice (`核心提示：…` over `核心提示：…`)
    /// does not.
    interleaved: bool,
    /// The line of its first label.
    first: usize,
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
            labels: rules.labels.finder(),
            people: Vec::new(),
            role_prefix: HashMap::default(),
            header: Vec::new(),
            out: Vec::new(),
            section: None,
            mode: Mode::Normal,
            turn: None,
            speaker_names: HashSet::default(),
            source: SourceLines::new(doc.original.clone()),
            bold_headings: false,
            markups: Vec::new(),
            at: 0,
            doc,
        }
    }

    pub fn run(mut self) -> Vec<Segment> {
        // The lines move into the segments: copying them (both scripts included) held a
        // document's whole text twice until the document was written.
        let mut all = std::mem::take(&mut self.doc.lines);
        all.retain(|l| !l.is_blank());
        let title = self.title(&all);
        // Each line's label, found once: every later question about a line's label is
        // answered from here.
        let mut labels: Vec<Option<LabelAt>> = all
            .iter()
            .map(|l| match l.kind {
                // `if not data:` in a listing is no speaker's label.
                Some(BlockKind::Code) => None,
                _ => self.labels.find_at(&l.text),
            })
            .collect();
        let cuts =
            split_inline_labels(&mut all, &mut labels, self.rules, self.registry, &mut self.labels);
        self.doc.count("segment.inline_labels", cuts);
        self.link_labels(&all, &mut labels);
        self.header_roles(&all, &mut labels);
        let bylines = self.bylines(&all, &mut labels);
        self.doc.count("segment.bylines", bylines.len() as u64);
        let bare = self.bulleted_names(&all, &mut labels);
        self.doc.count("segment.bulleted_names", bare);
        self.markups = vec![None; all.len()];
        let speakers = self.accepted_speakers(&labels, &all);
        let mut walk = all.into_iter().zip(labels).zip(speakers).enumerate().peekable();
        while let Some((i, ((line, label), speaker))) = walk.next() {
            self.at = i;
            if line.kind == Some(BlockKind::Code) {
                // A listing is one segment of its own: never a heading, nor a turn's words.
                self.simple(BlockKind::Code, line);
                continue;
            }
            if bylines.contains(&i) {
                // Who wrote the story: a paragraph of its own, never a heading or a turn's.
                self.simple(BlockKind::Paragraph, line);
                continue;
            }
            let found = Found { label, speaker };
            let peeked = walk.peek();
            let viewpoint = peeked.is_some_and(|(_, ((l, label), s))| {
                *s == found.speaker && self.viewpoint_heading(&line, &found, l, label.as_ref())
            });
            let next = peeked.map(|(_, ((l, _), s))| (l, s.is_some()));
            if viewpoint || self.implicit_heading(&line, &found, next.map(|(l, _)| l)) {
                self.heading(line);
            } else {
                self.line(line, found, next);
            }
        }
        self.close_turn();
        let author = self.doc.meta.author.clone();
        let header = std::mem::take(&mut self.header);
        let evidence =
            Evidence { title: title.as_deref(), author: author.as_deref(), header: &header };
        assign_roles(&mut self.out, &self.rules.roles, &evidence);
        self.out
    }

    /// The document's title: from the metadata, else its first line when that is short.
    fn title(&self, lines: &[Line]) -> Option<String> {
        let meta = &self.doc.meta;
        let from_meta = meta.title_scripts.as_ref().map(|s| s.zh_hans.clone());
        from_meta.or_else(|| meta.title.clone()).or_else(|| {
            let first = lines.first().filter(|l| l.kind != Some(BlockKind::Code))?;
            chars_at_most(&first.text, 80).map(|_| first.text.clone())
        })
    }

    /// List items whose label is a markdown link's text (`- [JP Kobryn：补丁标题](https://…)`,
    /// a reference list): no speaker's words, so no label.
    fn link_labels(&mut self, lines: &[Line], labels: &mut [Option<LabelAt>]) {
        for (line, found) in lines.iter().zip(labels.iter_mut()) {
            let Some(label) = found.as_ref().filter(|_| line.kind == Some(BlockKind::Paragraph))
            else {
                continue;
            };
            let name = label.name(&line.text);
            let linked = self.source.line(line.src.first).is_some_and(|src| {
                src.find(name).is_some_and(|at| src[..at].trim_end().ends_with('['))
                    && src.contains("](")
            });
            if linked {
                *found = None;
            }
        }
    }

    /// The header block that lists people under role words (see `header_role`): a line
    /// `主持人：窦文涛` whose names the document uses as labels; two or more such lines in a
    /// row (`主持人：城市化杂志主编 顾晴` over `嘉宾：`); a role word alone followed by one
    /// `Name：bio` line per person (`嘉 宾：` over `马仲良：…院长`, `崔俊奎：…博士`). Its lines
    /// are no turns, and its names get the role word's role.
    fn header_roles(&mut self, lines: &[Line], labels: &mut [Option<LabelAt>]) {
        let used: HashSet<String, FxBuildHasher> = lines
            .iter()
            .zip(labels.iter())
            .filter_map(|(l, found)| Some(fold(found.as_ref()?.name(&l.text))))
            .collect();
        let registry = self.registry;
        let rules = self.rules;
        // The role of a line that is a role word and names only (or nothing), and the names.
        let role_line =
            |line: &Line, found: &Option<LabelAt>| -> Option<(&'static str, Vec<String>)> {
                let label = found.as_ref()?;
                let role = match registry.lookup(label.name(&line.text))?.role.as_deref() {
                    // A header names the reporter who asks (`记者：王倩`).
                    Some("host" | super::roles::REPORTER) => "host",
                    Some("guest") => "guest",
                    _ => return None,
                };
                let rest = label.rest(&line.text);
                if !rest.is_empty() && !rules.header_role.matches(rest) {
                    return None;
                }
                let names = rest
                    .split(|c: char| "、，,/／和及与與&".contains(c) || c.is_whitespace())
                    .filter(|n| !n.is_empty())
                    .map(str::to_owned)
                    .collect();
                Some((role, names))
            };
        let mut i = 0;
        while i < lines.len() {
            let mut run: Vec<(&'static str, Vec<String>)> = Vec::new();
            while let Some(r) =
                lines.get(i + run.len()).and_then(|l| role_line(l, &labels[i + run.len()]))
            {
                run.push(r);
            }
            if run.is_empty() {
                i += 1;
                continue;
            }
            let j = i + run.len();
            // The people listed under a role word alone, one labelled line each.
            let mut end = j;
            if let Some((role, _)) = run.last().filter(|(_, n)| n.is_empty()) {
                let mut seen: HashSet<String, FxBuildHasher> = HashSet::default();
                while let Some((line, Some(label))) = lines.get(end).zip(labels.get(end)) {
                    let name = label.name(&line.text);
                    if registry.lookup(name).is_some() || !seen.insert(fold(name)) {
                        break;
                    }
                    end += 1;
                }
                if end - j < 2 {
                    end = j;
                } else {
                    for k in j..end {
                        let name = labels[k].as_ref().expect("listed").name(&lines[k].text);
                        self.header.push((name.to_owned(), role));
                    }
                }
            }
            let names_used = run.iter().flat_map(|(_, n)| n).any(|n| used.contains(&fold(n)));
            if run.len() >= 2 || end > j || names_used {
                for (role, names) in &run {
                    self.header.extend(names.iter().map(|n| (n.clone(), *role)));
                }
                for found in &mut labels[i..end] {
                    *found = None;
                }
            }
            i = end.max(i + 1);
        }
    }

    /// A reporter's byline over or under a news story (`记者：张三`, `本报记者：李四 王五`):
    /// a reporter's label whose words are names only (`byline` in `segment.toml`) and ask
    /// nothing, with no labelled line before it or none after it, and narration (or nothing)
    /// after it; the label used once, or its names the document's author. It names who wrote the story and is no turn: its label is dropped and the
    /// line stays a paragraph. A reporter who speaks in an exchange says more than names.
    /// Returns the bylines' line indices.
    fn bylines(&mut self, lines: &[Line], labels: &mut [Option<LabelAt>]) -> Vec<usize> {
        let plausible = |line: &Line, found: &Option<LabelAt>| {
            found.as_ref().is_some_and(|l| self.rules.labels.plausible(l.name(&line.text)))
        };
        let labelled: Vec<usize> =
            (0..lines.len()).filter(|&i| plausible(&lines[i], &labels[i])).collect();
        let (Some(&first), Some(&last)) = (labelled.first(), labelled.last()) else {
            return Vec::new();
        };
        // How many lines each reporter's label names: a voice-over's reporter speaks often.
        let reporter_lines = |labels: &[Option<LabelAt>], name: &str| {
            let key = fold(name);
            (0..lines.len())
                .filter(|&k| {
                    labels[k].as_ref().is_some_and(|l| fold(l.name(&lines[k].text)) == key)
                })
                .count()
        };
        let author = self.doc.meta.author.clone();
        let mut cut = Vec::new();
        for i in [first, last] {
            let Some(label) = labels[i].as_ref() else { continue };
            let text = &lines[i].text;
            let name = label.name(text);
            let reporter = self.registry.lookup(name).and_then(|s| s.role.clone()).or_else(|| {
                self.role_word(name).filter(|(_, skip)| *skip == 0).map(|(role, _)| role)
            });
            let rest = label.rest(text);
            let narration_next = labels.get(i + 1).is_none_or(|l| l.is_none());
            if reporter.as_deref() == Some(super::roles::REPORTER)
                && !rest.is_empty()
                && !asks(rest)
                && self.rules.byline.matches(rest)
                && narration_next
                && (reporter_lines(labels, name) == 1
                    || author.as_deref().is_some_and(|a| !a.is_empty() && rest.contains(a)))
            {
                labels[i] = None;
                if !cut.contains(&i) {
                    cut.push(i);
                }
            }
        }
        cut
    }

    /// Labels that name a registered person, a person the document glosses with an English
    /// name (`杰弗里·辛顿（Geoffrey Hinton）`), or a name the document repeats often enough.
    /// `lines` are all the document's lines and `found` the labels of the non-blank ones, in
    /// order; the result holds, for each of those, the index in `self.people` of the speaker
    /// its label names.
    fn accepted_speakers(&mut self, found: &[Option<LabelAt>], lines: &[Line]) -> Vec<Option<u32>> {
        let (key_of, names) = self.label_names(found, lines);
        let glosses = PersonGlosses::new(lines.iter().flat_map(|l| &l.glosses));
        let mut from_glosses = 0;
        // Each name: known (registry, glosses), a candidate, or no speaker.
        let mut known: Vec<Option<Speaker>> = Vec::with_capacity(names.len());
        // A name the document uses once may still be a speaker's by its role word
        // (`新華社記者`, `主持人魯健`): such a name takes part in an exchange like a
        // repeated one, and is a speaker when it does.
        let mut role_of: Vec<Option<(String, usize)>> = vec![None; names.len()];
        let mut core = vec![false; names.len()];
        let listed: HashSet<String, FxBuildHasher> =
            self.header.iter().map(|(n, _)| fold(n)).collect();
        // Each name in Simplified script, for the ids of people the registry lacks.
        let hans: Vec<String> = names
            .iter()
            .map(|n| {
                let label = found[n.first].as_ref().expect("a name's first line has its label");
                self.hans_name(&lines[n.first], label)
            })
            .collect();
        // Whether each name may be a speaker's, read once per name (the exchange asks it
        // again at every label).
        let plausible: Vec<bool> =
            names.iter().map(|n| self.rules.labels.plausible(&n.name) && !n.narrates).collect();
        for (i, Name { key, lines, name, .. }) in names.iter().enumerate() {
            let plausible = plausible[i];
            let speaker =
                plausible.then(|| self.known(key, name, &glosses, &mut from_glosses)).flatten();
            // A person the header lists (`嘉宾：` over `崔俊奎：…`) is a speaker.
            let speaker = speaker.or_else(|| {
                (plausible && listed.contains(key)).then(|| unknown_speaker(name, &hans[i]))
            });
            if speaker.is_none() && plausible {
                role_of[i] = self.role_word(name);
            }
            let repeated = *lines >= self.rules.min_repeats && names[i].interleaved;
            core[i] = speaker.is_some() || plausible && (repeated || role_of[i].is_some());
            known.push(speaker);
        }
        // Names with a role: a role word, or a registered role (`主持人`, `嘉宾`).
        let by_role: Vec<bool> = role_of
            .iter()
            .zip(&known)
            .map(|(r, k)| r.is_some() || k.as_ref().is_some_and(|k| k.role.is_some()))
            .collect();
        let mut exchanged =
            self.exchanged(&key_of, found, lines, (&core, &by_role, &plausible), &names);
        // Under the document's announcement of its transcript (`以下是对话实录：`), a label
        // with a role word (`主持人姜燕：`) opens a turn as the role word alone would, though
        // an excerpt may hold no exchange. Looked for only when such a label is left out.
        if role_of.iter().zip(&exchanged).any(|(r, &ex)| r.is_some() && !ex) {
            let rules = self.rules;
            let intro = lines.iter().position(|l| {
                rules.intros.mask(&l.text) & 2 != 0 && rules.transcript_intro.matches(&l.text)
            });
            if let Some(intro) = intro {
                for (ex, (role, name)) in exchanged.iter_mut().zip(role_of.iter().zip(&names)) {
                    *ex |= role.is_some() && name.first > intro;
                }
            }
        }
        let mut person_of = Vec::with_capacity(names.len());
        // A person labelled with and without a role word (`主持人 魯健`, `魯健`) is one
        // speaker, with the role word's role.
        // The person's own name in a label with a role word, in Simplified script (the
        // role word's length there may differ: spacing).
        let own_hans: Vec<Option<String>> = role_of
            .iter()
            .zip(&hans)
            .map(|(r, h)| {
                r.as_ref()?;
                let skip = self.role_word(h).map_or(0, |(_, k)| k);
                Some(h.chars().skip(skip).collect::<String>().trim().to_owned())
            })
            .collect();
        // The own names of those that are speakers: the name alone labels them too, even
        // where it falls outside the exchange (`魯健：` opening, `主持人 魯健：` later).
        let bare_of_role: HashSet<String, FxBuildHasher> = own_hans
            .iter()
            .zip(&exchanged)
            .filter_map(|(own, &ex)| own.as_ref().filter(|_| ex).map(|o| fold(o)))
            .collect();
        let mut by_id: HashMap<String, u32, FxBuildHasher> = HashMap::default();
        for (i, (speaker, name)) in known.into_iter().zip(&names).enumerate() {
            let bare = plausible[i] && bare_of_role.contains(&fold(&hans[i]));
            let speaker = match speaker {
                Some(s) => Some(s),
                None if exchanged[i] || bare => Some(match role_of[i].take() {
                    Some((role, skip)) => {
                        self.role_prefix.insert(name.key.clone(), skip);
                        let own: String = name.name.chars().skip(skip).collect();
                        let own_hans = own_hans[i].as_deref().unwrap_or_default();
                        Speaker { role: Some(role), ..unknown_speaker(own.trim(), own_hans) }
                    }
                    None => unknown_speaker(&name.name, &hans[i]),
                }),
                None => None,
            };
            person_of.push(speaker.map(|s| {
                self.speaker_names.insert(name.key.clone());
                if let Some(&p) = by_id.get(&s.id) {
                    let known = &mut self.people[p as usize];
                    known.role = known.role.take().or(s.role);
                    return p;
                }
                self.people.push(s);
                let p = self.people.len() as u32 - 1;
                by_id.insert(self.people[p as usize].id.clone(), p);
                p
            }));
        }
        self.doc.count("segment.speakers_from_glosses", from_glosses);
        key_of.into_iter().map(|k| k.and_then(|k| person_of[k as usize])).collect()
    }

    /// Which unknown names take part in an exchange (see `min_alternations` in
    /// `segment.toml`): `key_of` and `found` are each line's name and label; `core` names
    /// are speakers already, label `min_repeats` lines or carry a role word, and the
    /// exchange is counted between them; `by_role` names carry a role word; `plausible`
    /// names may be a speaker's ([`LabelRules::plausible`], and no narration).
    fn exchanged(
        &mut self,
        key_of: &[Option<u32>],
        found: &[Option<LabelAt>],
        lines: &[Line],
        (core_name, by_role, plausible): (&[bool], &[bool], &[bool]),
        names: &[Name],
    ) -> Vec<bool> {
        let rules = self.rules;
        // A person's name is short: characters, or two per word of a Latin name. A title
        // set apart before a Chinese name (`县农业局局长 王海`) is no part of it.
        let short = |k: usize, max: usize| {
            let name = &names[k].name;
            let len = match name.is_ascii() {
                true => 2 * name.split_whitespace().count(),
                false => name.split_whitespace().last().map_or(0, |w| w.chars().count()),
            };
            len <= max
        };
        let mut out = vec![false; core_name.len()];
        // The labels of plausible names in order; a heading or a label of any other name
        // is a break (`name: None`).
        let mut seq: Vec<Said> = Vec::new();
        for (i, (k, line)) in key_of.iter().zip(lines).enumerate() {
            let name = k.map(|k| k as usize);
            if let (Some(k), Some(label)) = (name, &found[i]) {
                let name = plausible[k].then_some(k);
                // Only the labels of plausible names are compared by shape.
                let shape = match name {
                    Some(_) => self.label_shape(line, label),
                    None => Shape::Unknown,
                };
                seq.push(Said { name, asks: asks(label.rest(&line.text)), after: 0, shape });
            // A break only separates two names: after another break (a label of no
            // plausible name is one too), or before the first label, it changes nothing,
            // and the line's markup is not read.
            } else if line.kind.is_some()
                || seq.last().is_some_and(|s| s.name.is_some())
                    && self.markup(i, line) != Markup::None
            {
                seq.push(Said { name: None, asks: false, after: 0, shape: Shape::Unknown });
            } else if let Some(last) = seq.last_mut() {
                last.asks |= last.after == 0 && asks(&line.text);
                last.after += 1;
            }
        }
        let core = |s: &Said| s.name.is_some_and(|k| core_name[k]);
        let first = seq.iter().position(core);
        let last = seq.iter().rposition(core);
        if let (Some(first), Some(last)) = (first, last) {
            // The shapes of the core speakers' labels: a name used once must share one.
            let shapes: Vec<&Shape> =
                seq[first..=last].iter().filter(|s| core(s)).map(|s| &s.shape).collect();
            let among: Vec<&Said> = seq[first..=last]
                .iter()
                .filter(|s| {
                    core(s)
                        || s.name.is_some_and(|k| short(k, rules.max_name_chars))
                            && shapes.iter().any(|c| c.same(&s.shape))
                })
                .collect();
            let changes = among.windows(2).filter(|w| w[0].name != w[1].name).count();
            if changes >= rules.min_alternations {
                for k in among.iter().filter_map(|s| s.name) {
                    out[k] = true;
                }
            }
        }
        // A question answered under another name, labelled alike; or two names with roles
        // (`主持人：…` then `嘉宾王立：…`), whatever the first says.
        for pair in seq.windows(2) {
            let [Said { name: Some(a), asks, shape, .. }, Said { name: Some(b), shape: other, .. }] =
                pair
            else {
                continue;
            };
            if !(*asks || by_role[*a] && by_role[*b]) {
                continue;
            }
            // A name with a role word (`新華社記者`) is short enough whatever its length.
            let max = rules.pair_name_chars;
            let fits = |k: usize| by_role[k] || short(k, max);
            if a != b && fits(*a) && fits(*b) && shape.same(other) {
                out[*a] = true;
                out[*b] = true;
            }
        }
        out
    }

    /// How a label is written in the source (see [`Shape`]). What stands before the name
    /// counts only when it is at most [`MAX_BEFORE`] characters.
    fn label_shape(&mut self, line: &Line, label: &LabelAt) -> Shape {
        let name = label.name(&line.text);
        let Some(src) = self.source.line(line.src.first) else { return Shape::Unknown };
        // The label is near the start of its own source line. A page's one long source line
        // (minified HTML) holds every paragraph: the search and what it reads stay near the
        // start, or each label would cost the whole line.
        let reach = SHAPE_REACH + 4 * line.text.len();
        let Some(at) = src[..crate::utf8::floor_boundary(src, reach)].find(name) else {
            return Shape::Unknown;
        };
        // A list marker, question number or running index is no part of the format.
        let before: String = src[..at]
            .trim_start()
            .trim_start_matches(LIST_MARKERS)
            .trim_start()
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .trim_start_matches(['、', '.', '．'])
            .chars()
            .filter(|c| !c.is_whitespace())
            .take(MAX_BEFORE + 1)
            .collect();
        // Who the person is, in brackets after the name (`刘贵夫（农民）：`), is no part
        // of the format.
        let mut after = src[at + name.len()..].trim_start();
        if let Some(open) = after.strip_prefix(['（', '(']) {
            if let Some(close) = open.find(['）', ')']) {
                let width = open[close..].chars().next().map_or(0, char::len_utf8);
                after = &open[close + width..];
            }
        }
        let after: String = after
            .chars()
            .take_while(|c| c.is_whitespace() || "*_:：]】#".contains(*c))
            .filter(|c| !c.is_whitespace())
            .collect();
        let before = (before.chars().count() <= MAX_BEFORE).then_some(before);
        Shape::Known { before, after }
    }

    /// Lines that are a list item holding a name alone, without a colon, where the
    /// document writes that name as a label elsewhere (`• 主席` over the chair's words, in a
    /// record that also has `主席：…`): the site's way of heading a turn. They get a label
    /// with no words after it. Returns how many.
    fn bulleted_names(&mut self, lines: &[Line], labels: &mut [Option<LabelAt>]) -> u64 {
        let mut used: HashSet<String, FxBuildHasher> = HashSet::default();
        for (line, label) in lines.iter().zip(labels.iter()) {
            if let Some(label) = label.as_ref().filter(|l| may_label(line, l)) {
                used.insert(fold(label.name(&line.text)));
            }
        }
        if used.is_empty() {
            return 0;
        }
        let mut n = 0;
        for (line, label) in lines.iter().zip(labels.iter_mut()) {
            let item = matches!(line.kind, None | Some(BlockKind::Heading | BlockKind::Paragraph));
            if label.is_some() || !item {
                continue;
            }
            let name = line.text.trim().trim_start_matches(LIST_MARKERS).trim_start();
            if name.is_empty() || chars_at_most(name, 16).is_none() || !used.contains(&fold(name)) {
                continue;
            }
            let bulleted = self.source.line(line.src.first).is_some_and(|src| {
                let src = src.trim_start();
                src.starts_with(LIST_MARKERS) || src.starts_with("- ") || src.starts_with("* ")
            });
            if bulleted {
                let start = name.as_ptr() as usize - line.text.as_ptr() as usize;
                let end = line.text.len();
                *label = Some(LabelAt { name: start..start + name.len(), rest: end..end });
                n += 1;
            }
        }
        n
    }

    /// The distinct label names of the document, and for each line the index of its
    /// label's name. Labels of lines a stage has given a kind are not names.
    fn label_names(
        &mut self,
        found: &[Option<LabelAt>],
        lines: &[Line],
    ) -> (Vec<Option<u32>>, Vec<Name>) {
        // Name as written → its index and how it reads as narration, then folded name → its
        // index: a transcript writes the same few names over and over, and folding and the
        // narration patterns are the costly part.
        let mut written: HashMap<&str, (u32, Narration), FxBuildHasher> = HashMap::default();
        let mut folded: HashMap<String, u32, FxBuildHasher> = HashMap::default();
        let mut names: Vec<Name> = Vec::new();
        let mut key_of = Vec::with_capacity(found.len());
        let mut last: Option<u32> = None;
        for (at, (line, label)) in lines.iter().zip(found).enumerate() {
            let k = label.as_ref().filter(|l| may_label(line, l)).map(|label| {
                let name = label.name(&line.text);
                let (k, narration) = *written.entry(name).or_insert_with(|| {
                    let key = fold(name);
                    let k = *folded.entry(key).or_insert_with_key(|key| {
                        names.push(Name {
                            key: key.clone(),
                            lines: 0,
                            name: name.to_owned(),
                            narrates: false,
                            interleaved: false,
                            first: at,
                        });
                        names.len() as u32 - 1
                    });
                    (k, self.rules.labels.narration(name))
                });
                let n = &mut names[k as usize];
                n.lines += 1;
                n.narrates |= narration.narrates(label.rest(&line.text));
                n.interleaved |= n.lines > 1 && last != Some(k);
                last = Some(k);
                k
            });
            key_of.push(k);
        }
        (key_of, names)
    }

    /// The name of `label` as the line's Simplified script writes it: the label found
    /// there, else the same characters when both texts have as many, else as written.
    fn hans_name(&mut self, line: &Line, label: &LabelAt) -> String {
        let name = label.name(&line.text);
        let Some(hans) =
            line.scripts.as_ref().map(|s| &s.text.zh_hans).filter(|h| **h != line.text)
        else {
            return name.to_owned();
        };
        if let Some(at) = self.labels.find_at(hans) {
            return at.name(hans).to_owned();
        }
        if hans.chars().count() == line.text.chars().count() {
            let start = line.text[..label.name.start].chars().count();
            return hans.chars().skip(start).take(name.chars().count()).collect();
        }
        name.to_owned()
    }

    /// The speaker a label name stands for when the registry or the document's glosses
    /// know the name; asked only of plausible names ([`LabelRules::plausible`]).
    fn known(
        &self,
        key: &str,
        name: &str,
        glosses: &PersonGlosses,
        from_glosses: &mut u64,
    ) -> Option<Speaker> {
        if let Some(s) = self.registry.lookup(name) {
            return Some(s.clone());
        }
        let s = identify(key, glosses, self.registry)?;
        *from_glosses += 1;
        Some(s)
    }

    /// The fixed role a label's name carries in a role word of the registry, written
    /// before a person's name (`主持人 魯健`, `主持人魯健`, `记者王倩`; the name at most
    /// `pair_name_chars`) or after who the person speaks for (`新華社記者`,
    /// `DVB電視臺記者`; the whole name at most `role_label_max_chars`). Role words of one
    /// character (`问`) or in Latin letters are too common inside other words to count.
    /// Returns the role, and the characters of `name` before the person's name when the
    /// role word comes first (0 when it names whom the person speaks for).
    fn role_word(&self, name: &str) -> Option<(String, usize)> {
        let written = name;
        let name: String = name.chars().filter(|c| !c.is_whitespace()).collect();
        let chars: Vec<(usize, char)> = name.char_indices().collect();
        let n = chars.len();
        if n > self.rules.role_label_max_chars {
            return None;
        }
        let role = |word: &str| {
            let ok = word.chars().count() >= 2 && !word.is_ascii();
            ok.then(|| self.registry.lookup(word).and_then(|s| s.role.clone())).flatten()
        };
        // Role word first, then a person's name of two to `pair_name_chars` characters.
        for rest in 2..=self.rules.pair_name_chars.min(n.saturating_sub(2)) {
            if let Some(r) = role(&name[..chars[n - rest].0]) {
                // The role word's characters in the label as written, spaces included.
                let skip = written.chars().count() - rest;
                return Some((r, skip));
            }
        }
        // Who the person speaks for (two characters at least), then the role word.
        (2..n.saturating_sub(1)).find_map(|at| role(&name[chars[at].0..]).map(|r| (r, 0)))
    }

    /// `next`: the line after this one, and whether its label names a speaker.
    fn line(&mut self, mut line: Line, found: Found, next: Option<(&Line, bool)>) {
        let bare_label =
            found.speaker.is_some() && found.label.as_ref().is_some_and(|l| l.rest.is_empty());
        if bare_label && (line.kind.is_some() || self.markup(self.at, &line) == Markup::Setext) {
            // A heading that is a name alone (`### 唐鳳：`): the next words are that person's,
            // unless a heading follows (`**朱军：**` over `-------`, then a sub-heading).
            let heading_follows = next.is_none_or(|(n, starts_turn)| {
                !starts_turn
                    && (n.kind == Some(BlockKind::Heading)
                        || self.markup(self.at + 1, n) != Markup::None)
            });
            if heading_follows {
                line.kind = None;
                return self.heading(line);
            }
            line.kind = None;
        }
        match line.kind {
            Some(BlockKind::Heading) => return self.heading(line),
            Some(BlockKind::Summary) => return self.summary(line),
            Some(BlockKind::Note) => return self.note(line),
            Some(BlockKind::Quote) => return self.simple(BlockKind::Quote, line),
            _ => {}
        }
        let intros = self.rules.intros.mask(&line.text);
        let intro =
            |bit: u64, re: &crate::rules::LazyRegex| intros & bit != 0 && re.matches(&line.text);
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
            // Only a label with the role word (`主持人 魯健：`, not `魯健：`) has one to skip.
            let skip =
                self.role_prefix.get(&fold(label.name(&line.text))).copied().unwrap_or_default();
            // The labels of the line's scripts, found once for the speaker's names and for
            // the words after the label.
            let mut scripts = ScriptLabels::default();
            let finder = &mut self.labels;
            let speaker = localise(speaker, &line, &mut |k, t| scripts.get(finder, k, t), skip);
            let label_src = line.src;
            let lines = self.rest_of_label(line, label, &mut scripts).into_iter().collect();
            self.turn = Some(Turn { speaker, label: label_src, lines, notes: Vec::new() });
            return;
        }
        if self.mode == Mode::Highlights && self.rules.list_item.matches(&line.text) {
            return self.simple(BlockKind::Highlight, line);
        }
        if self.mode == Mode::Summary && self.turn.is_none() {
            return self.simple(BlockKind::Summary, line);
        }
        self.mode = Mode::Normal;
        if line.kind.is_none() {
            if self.turn.is_some() && self.rules.closing_furniture.matches(&line.text) {
                // What the page adds after the last answer is no part of it.
                return self.simple(BlockKind::Paragraph, line);
            }
            if self.heading_in_turn(&line, next) {
                return self.heading(line);
            }
        }
        if self.is_narration(&line, &found)
            && (self.turn.is_none() || self.narrates_a_speaker(&line, &found))
        {
            // The writer's voice ("黄仁勋说：…") ends the speaker's turn; the speaker's own
            // "我们可能会说：…" does not.
            return self.simple(BlockKind::Paragraph, line);
        }
        match self.turn.as_mut() {
            Some(turn) => turn.lines.push(line),
            None => self.simple(BlockKind::Paragraph, line),
        }
    }

    /// The words after the label of `line`, as a line of their own (in both scripts), when
    /// there are any. The line is cut down in place.
    fn rest_of_label(
        &mut self,
        mut line: Line,
        label: &LabelAt,
        scripts: &mut ScriptLabels,
    ) -> Option<Line> {
        if label.rest.is_empty() {
            return None;
        }
        if let Some(s) = line.scripts.as_mut() {
            for (k, t) in [&mut s.text.zh_hans, &mut s.text.zh_hant].into_iter().enumerate() {
                // A script that reads like the line has its label in the same place.
                let at = match *t == line.text {
                    true => Some(label.clone()),
                    false => scripts.get(&mut self.labels, k, t),
                };
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
            && self.rules.implicit_heading.matches(&line.text)
            && !self.is_narration(line, found)
            && !self.rules.list_item.matches(&line.text)
            && !line.scripts.as_ref().is_some_and(|s| s.english)
    }

    /// A labelled line whose words read like a heading (short, no closing punctuation),
    /// followed at once by the same speaker's label over longer words: a panel write-up heads each
    /// guest's turn with their point (`崔俊奎：北京工作机会多，不会离开` over `崔俊奎：其实…`).
    /// `next` is the next line and its label; the caller has checked that it names the
    /// same speaker.
    fn viewpoint_heading(
        &self,
        line: &Line,
        found: &Found,
        next: &Line,
        next_label: Option<&LabelAt>,
    ) -> bool {
        let (Some(label), Some(next_label)) = (&found.label, next_label) else { return false };
        if found.speaker.is_none() || line.kind.is_some() {
            return false;
        }
        let rest = label.rest(&line.text);
        let Some(chars) = chars_at_most(rest, self.rules.implicit_heading_max_chars) else {
            return false;
        };
        chars > 0
            && next_label.rest(&next.text).chars().count() > chars
            && self.rules.implicit_heading.matches(rest)
    }

    /// The source markup of `line` (see `headings`).
    /// `i` is the line's index in the document's lines: a line's markup is asked about
    /// as the line after a label, then as the line itself, and by the exchange before that.
    fn markup(&mut self, i: usize, line: &Line) -> Markup {
        if let Some(Some(m)) = self.markups.get(i) {
            return *m;
        }
        let m = self.rules.headings.markup(line, &mut self.source);
        if let Some(slot) = self.markups.get_mut(i) {
            *slot = Some(m);
        }
        m
    }

    /// A section heading between an answer (or any paragraph) and what follows: marked in
    /// the source, and followed by the next turn or another marked heading.
    fn heading_in_turn(&mut self, line: &Line, next: Option<(&Line, bool)>) -> bool {
        let markup = self.markup(self.at, line);
        if markup == Markup::None {
            return false;
        }
        let before_turn = next.is_some_and(|(_, starts_turn)| starts_turn);
        let boundary = next.is_some_and(|(n, starts_turn)| {
            starts_turn
                || n.kind == Some(BlockKind::Heading)
                || (n.kind.is_none() && self.markup(self.at + 1, n) != Markup::None)
        });
        if markup == Markup::Bold && before_turn {
            if self.turn.is_none() {
                self.bold_headings = true;
            } else if self.bold_headings {
                // Written like the document's headings, between two turns.
                return true;
            }
        }
        self.rules.headings.ends_turn(line, markup, boundary)
    }

    /// Whether a narration line (`黄仁勋说：`) names one of the document's speakers, or a
    /// registered person, as the one speaking.
    fn narrates_a_speaker(&self, line: &Line, found: &Found) -> bool {
        let Some(label) = &found.label else { return false };
        let name = label.name(&line.text);
        let Some(at) = self.rules.labels.narration_at(name, label.rest(&line.text)) else {
            return false;
        };
        let subject = &name[..at];
        // Any start of the subject: `黄仁勋笑着说` names 黄仁勋.
        subject.char_indices().skip(1).map(|(i, _)| &subject[..i]).chain([subject]).any(|s| {
            self.speaker_names.contains(&fold(s))
                || self.registry.lookup(s).is_some_and(|p| p.role.is_none())
        })
    }

    fn is_narration(&self, line: &Line, found: &Found) -> bool {
        found
            .label
            .as_ref()
            .is_some_and(|l| self.rules.labels.narrates(l.name(&line.text), l.rest(&line.text)))
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
                crate::StageKind::Segment,
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
            crate::StageKind::Segment,
            "segment.summary-label",
            Action::Remove,
            line.src,
            line.text.clone(),
        ));
    }
}

/// The labels of one line's texts in its two scripts (0: Simplified, 1: Traditional), each
/// found on first use.
#[derive(Default)]
struct ScriptLabels {
    found: [Option<Option<LabelAt>>; 2],
}

impl ScriptLabels {
    /// The label of `text`, script `k` of the line.
    fn get(&mut self, finder: &mut LabelFinder, k: usize, text: &str) -> Option<LabelAt> {
        self.found[k].get_or_insert_with(|| finder.find_at(text)).clone()
    }
}

/// Markers a list item may start with (`▲DVB電視臺記者：`, `• 主席`).
const LIST_MARKERS: &[char] = &['▲', '△', '■', '□', '●', '○', '◆', '◇', '★', '☆', '►', '▶', '•'];

/// The most characters before a label's name that are part of how labels are written
/// (`**`, `【`, `Q:`); more is text, not format.
const MAX_BEFORE: usize = 6;

/// Bytes of a source line searched for a label's name beyond four times its line's length.
const SHAPE_REACH: usize = 4096;

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

/// Whether a line's label may name a speaker: lines a stage has given a kind have none,
/// but for list items and a heading that is a name alone (`### 唐鳳：`).
fn may_label(line: &Line, label: &LabelAt) -> bool {
    match line.kind {
        None => true,
        // A list item (`- 张三：…`) is a label like any line.
        Some(BlockKind::Paragraph) => true,
        Some(BlockKind::Heading) => label.rest.is_empty(),
        Some(_) => false,
    }
}
