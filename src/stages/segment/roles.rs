//! Roles of the speakers of one document, from the evidence a reader uses.
//!
//! In order, each deciding only the speakers still undecided: the registry's fixed roles
//! (主持人, 记者, 问 are hosts, 答 a guest); a label that is a publication (`《晚点》`) or the
//! document's author is the host; a person the title interviews (`对话周鸿祎：…`, `专访X`,
//! `X访谈`) is a guest; what the speaker says opening the conversation (`host_words`: a
//! welcome, thanks for coming; `guest_words`: thanks for the invitation); a header line that
//! lists the people by role (`主持人：窦文涛`, `嘉宾：周轶君、马家辉`). Then, from the turns.
//! When someone asks questions at least `host_question_ratio` of the time, the speaker who
//! says the most, counting turns that ask for little, is a guest, and the one who asks most
//! often (the first to speak on a tie) is a host; any other speaker is a host when their
//! turns ask questions at least `host_question_ratio` of the time and more often than every
//! guest's. When no one asks (a panel that talks in statements), the host is the speaker with
//! the best [`HostScore`]: who opens and who closes the conversation, who takes the most
//! turns, who addresses the others by name; everyone else is a guest. A narrator's label
//! (`解说`, `旁白`) has the registry's role `narrator` and takes no part. A reporter (`记者`,
//! `新华社记者`, registry role `reporter`) is the host when their turns ask (a question mark,
//! or words to the listener: `listener_words`) and another speaker answers, at least
//! `host_question_ratio` of the time; otherwise the reporter tells the story between the
//! people's own words (a news report's voice-over) and is the narrator. In a story told by
//! a narrator where no one asks, the people who speak are guests. A person has one role in
//! a document.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::rules::LazyRegex;
use memchr::memmem;
use rustc_hash::FxBuildHasher;

use super::speakers::fold;
use crate::document::{BlockKind, Segment, Speaker};

#[derive(Debug)]
pub struct RoleRules {
    /// A label that is a publication, not a person (`《晚点》`): the interviewer.
    pub host_label: LazyRegex,
    /// Title patterns whose `name` group is the person interviewed.
    pub title_guest: Vec<LazyRegex>,
    /// What a host says opening a conversation (welcoming, thanking the guest for coming).
    pub host_words: LazyRegex,
    /// What a guest says (thanking for the invitation).
    pub guest_words: LazyRegex,
    pub host_question_ratio: f32,
    /// Words that address the listener (`您`, `你`): a reporter's turn that has them asks,
    /// question mark or not (`请谈谈您的看法。`).
    pub listener_words: LazyRegex,
    /// Weights of the evidence for the host when no one asks questions.
    pub host_score: HostScore,
}

/// How much each piece of evidence counts for the host of a conversation without questions
/// (`[host_score]` in `segment.toml`). A speaker's score is the weighted sum of: opening the
/// conversation (0 or 1), closing it with words of substance (0 or 1), their turns as a share
/// of the most anyone takes (0–1), and the share of their turns that name another speaker
/// (`文道，你说…`, 0–1). The best score is the host.
#[derive(Debug, Clone, Copy, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostScore {
    /// Weight of speaking first.
    pub opens: f32,
    /// Weight of the last turn that is more than a back-channel (`对。`).
    pub closes: f32,
    /// Weight of the share of turns.
    pub turns: f32,
    /// Weight of the share of turns that name another speaker.
    pub addresses: f32,
    /// A turn of at most this many characters is a back-channel (`对。`, `嗯。`): it closes
    /// nothing.
    pub backchannel_chars: usize,
}

/// The registry's role for a reporter (`记者`): the host or the narrator, from the turns.
pub const REPORTER: &str = "reporter";

/// How many of a speaker's first turns are read for `host_words` and `guest_words`.
const OPENING_TURNS: usize = 2;

/// What the document says about itself, for roles.
pub struct Evidence<'a> {
    pub title: Option<&'a str>,
    pub author: Option<&'a str>,
    /// Names a header line gives a role (`主持人：窦文涛` → host).
    pub header: &'a [(String, &'static str)],
}

#[derive(Default)]
struct Tally {
    turns: usize,
    asking: usize,
    chars: usize,
    /// Order of the first turn.
    first: usize,
    role: Option<&'static str>,
    /// Whether the opening turns say what a host says, or a guest.
    host_words: bool,
    guest_words: bool,
    /// Whether the registry gives the role `reporter`: host or narrator, from the turns.
    reporter: bool,
    /// Turns that ask or address the listener and are followed by another speaker's.
    answered: usize,
}

impl Tally {
    fn ratio(&self) -> f32 {
        if self.turns == 0 {
            return 0.0;
        }
        self.asking as f32 / self.turns as f32
    }
}

/// Sets the role of every turn's speaker that the registry left open.
pub fn assign_roles(segments: &mut [Segment], rules: &RoleRules, evidence: &Evidence) {
    let mut tally: HashMap<String, Tally, FxBuildHasher> = HashMap::default();
    let mut order: Vec<String> = Vec::new();
    // The last turn of substance, and who spoke it.
    let mut closer: Option<&str> = None;
    // The speaker of the last turn, when it asked or addressed the listener.
    let mut asked: Option<&str> = None;
    for seg in segments.iter().filter(|s| s.kind == BlockKind::Turn) {
        let sp = seg.speaker.as_ref().expect("turns have speakers");
        if let Some(t) = asked.filter(|&id| id != sp.id).and_then(|id| tally.get_mut(id)) {
            t.answered += 1;
        }
        let asking = seg.lines.iter().any(|l| asks(&l.text));
        let asks_listener =
            asking || seg.lines.iter().any(|l| rules.listener_words.matches(&l.text));
        asked = asks_listener.then_some(sp.id.as_str());
        let t = tally.entry(sp.id.clone()).or_insert_with(|| {
            order.push(sp.id.clone());
            let role = match sp.role.as_deref() {
                Some("host") => Some("host"),
                Some("narrator") => Some("narrator"),
                Some(REPORTER) => None,
                Some(_) => Some("guest"),
                None => evidence_role(sp, rules, evidence),
            };
            let reporter = sp.role.as_deref() == Some(REPORTER);
            Tally { first: order.len() - 1, role, reporter, ..Tally::default() }
        });
        if t.turns < OPENING_TURNS && t.role.is_none() {
            t.host_words |= seg.lines.iter().any(|l| rules.host_words.matches(&l.text));
            t.guest_words |= seg.lines.iter().any(|l| rules.guest_words.matches(&l.text));
        }
        t.turns += 1;
        t.asking += usize::from(asking);
        let chars = seg.lines.iter().map(|l| l.text.chars().count()).sum::<usize>();
        t.chars += chars;
        if chars > rules.host_score.backchannel_chars {
            closer = Some(&sp.id);
        }
    }
    let closer = closer.map(str::to_owned);
    // A reporter who asks and is answered is the host; one who only tells, the narrator.
    for t in tally.values_mut().filter(|t| t.reporter) {
        let asks = t.answered as f32 >= rules.host_question_ratio * t.turns as f32;
        t.role = Some(if asks { "host" } else { "narrator" });
    }
    // The host welcomes and thanks the guest for coming; the guest thanks for the invitation.
    for t in tally.values_mut().filter(|t| t.role.is_none() && t.host_words != t.guest_words) {
        t.role = Some(if t.host_words { "host" } else { "guest" });
    }
    decide_from_turns(&mut tally, &order, closer.as_deref(), rules, segments);
    for seg in segments.iter_mut() {
        let open = |s: &&mut Speaker| s.role.is_none() || s.role.as_deref() == Some(REPORTER);
        if let Some(sp) = seg.speaker.as_mut().filter(open) {
            let role = tally.get(&sp.id).and_then(|t| t.role).unwrap_or("guest");
            sp.role = Some(role.to_owned());
        }
    }
}

/// The role the document's own words give a speaker, if any.
fn evidence_role(sp: &Speaker, rules: &RoleRules, evidence: &Evidence) -> Option<&'static str> {
    let names: Vec<&str> =
        [&sp.zh_hans, &sp.zh_hant, &sp.en].into_iter().flatten().map(String::as_str).collect();
    if names.iter().any(|n| rules.host_label.matches(n.trim())) {
        return Some("host");
    }
    let mut keys: Vec<String> = names.iter().map(|n| fold(n)).collect();
    if let Some(rest) = sp.id.strip_prefix("name:") {
        keys.push(rest.to_owned());
    }
    keys.retain(|k| k.chars().count() >= 2);
    let same = |other: &str| {
        let other = fold(other);
        other.chars().count() >= 2
            && keys.iter().any(|k| k.contains(other.as_str()) || other.contains(k.as_str()))
    };
    if let Some(title) = evidence.title {
        let named = rules
            .title_guest
            .iter()
            .flat_map(|re| re.captures_iter(title))
            .filter_map(|c| c.name("name"))
            .any(|m| same(m.as_str()));
        if named {
            return Some("guest");
        }
    }
    if evidence.author.is_some_and(same) {
        return Some("host");
    }
    evidence.header.iter().find(|(name, _)| same(name)).map(|&(_, role)| role)
}

/// The names each speaker of a document goes by in the text, to tell which turns address
/// another speaker: the label's names, and for a Chinese name of three or four characters
/// its given name too (`文道` of `梁文道`), which is how people address each other. A
/// document has a few speakers and a few names each: one substring search per name costs
/// far less than building an automaton over them, which takes longer than all its searches.
struct Names {
    /// Each speaker's index, by id.
    index: HashMap<String, usize, FxBuildHasher>,
    /// A search per name (none when `all` finds them); name `i` is a name of the speakers
    /// `owners[i]`.
    names: Vec<memchr::memmem::Finder<'static>>,
    owners: Vec<Vec<usize>>,
    /// With many names (a page of a hundred speakers), one automaton over them all: a
    /// search per name in every turn would grow with the names times the turns.
    all: Option<aho_corasick::AhoCorasick>,
}

/// Names past which [`Names`] searches them all at once.
const MAX_NAME_SEARCHES: usize = 64;

impl Names {
    fn of(segments: &[Segment]) -> Names {
        Names::searched_apart_up_to(segments, MAX_NAME_SEARCHES)
    }

    /// [`Names::of`], with one automaton past `max` names.
    fn searched_apart_up_to(segments: &[Segment], max: usize) -> Names {
        let mut index: HashMap<String, usize, FxBuildHasher> = HashMap::default();
        let mut patterns: HashMap<String, usize, FxBuildHasher> = HashMap::default();
        let (mut texts, mut owners): (Vec<String>, Vec<Vec<usize>>) = (Vec::new(), Vec::new());
        for sp in segments.iter().filter_map(|s| s.speaker.as_ref()) {
            if sp.role.is_some() || index.contains_key(&sp.id) {
                continue;
            }
            let me = index.len();
            index.insert(sp.id.clone(), me);
            let mut names = Vec::new();
            for n in [&sp.zh_hans, &sp.zh_hant, &sp.en].into_iter().flatten() {
                let chars: Vec<char> = n.chars().collect();
                if !n.is_ascii() && (3..=4).contains(&chars.len()) {
                    names.push(chars[chars.len() - 2..].iter().collect::<String>());
                }
                if chars.len() >= 2 {
                    names.push(n.clone());
                }
            }
            names.sort();
            names.dedup();
            for n in names {
                let at = *patterns.entry(n.clone()).or_insert_with(|| {
                    texts.push(n);
                    owners.push(Vec::new());
                    owners.len() - 1
                });
                owners[at].push(me);
            }
        }
        if texts.len() > max {
            let all = aho_corasick::AhoCorasick::new(&texts).expect("names build an automaton");
            return Names { index, names: Vec::new(), owners, all: Some(all) };
        }
        let names = texts.iter().map(|t| memchr::memmem::Finder::new(t).into_owned()).collect();
        Names { index, names, owners, all: None }
    }

    /// Whether a turn of speaker `id` names one of the other speakers.
    fn named_by(&self, id: &str, seg: &Segment) -> bool {
        let me = self.index.get(id).copied();
        // The names of someone else: a name two speakers share is someone else's to each.
        let other = |i: usize| self.owners[i].iter().any(|&o| Some(o) != me);
        seg.lines.iter().any(|l| match &self.all {
            // Every occurrence of every name, overlapping ones too.
            Some(all) => all.find_overlapping_iter(&l.text).any(|m| other(m.pattern().as_usize())),
            None => (self.names.iter().enumerate())
                .any(|(i, n)| other(i) && n.find(l.text.as_bytes()).is_some()),
        })
    }
}

/// How many turns of each speaker in `ids` name another speaker.
fn addresses(segments: &[Segment], ids: &[String]) -> HashMap<String, usize, FxBuildHasher> {
    let names = Names::of(segments);
    let mut out: HashMap<String, usize, FxBuildHasher> =
        ids.iter().map(|id| (id.clone(), 0)).collect();
    for seg in segments.iter().filter(|s| s.kind == BlockKind::Turn) {
        let sp = seg.speaker.as_ref().expect("turns have speakers");
        if let Some(n) = out.get_mut(&sp.id) {
            *n += usize::from(names.named_by(&sp.id, seg));
        }
    }
    out
}

/// Roles from the turns, for the speakers the evidence left open (see the module doc).
/// `segments` are read again only when no one asks: who addresses the others by name
/// counts then, and only then (an automaton over the document's names costs more to build
/// than the rest of the roles together).
fn decide_from_turns(
    tally: &mut HashMap<String, Tally, FxBuildHasher>,
    order: &[String],
    closer: Option<&str>,
    rules: &RoleRules,
    segments: &[Segment],
) {
    let host_ratio = rules.host_question_ratio;
    let talking = order.iter().filter(|id| tally[*id].role != Some("narrator")).count();
    if talking < 2 {
        for t in tally.values_mut().filter(|t| t.role.is_none()) {
            t.role = Some("guest");
        }
        return;
    }
    let open = |tally: &HashMap<String, Tally, FxBuildHasher>| -> Vec<String> {
        order.iter().filter(|id| tally[*id].role.is_none()).cloned().collect()
    };
    let has = |tally: &HashMap<String, Tally, FxBuildHasher>, role: &str| {
        tally.values().any(|t| t.role == Some(role))
    };
    let asking = open(tally).iter().any(|id| tally[id].ratio() >= host_ratio);
    if !asking && has(tally, "narrator") && !has(tally, "host") {
        // A story told by a narrator: the people in it are guests.
        for t in tally.values_mut().filter(|t| t.role.is_none()) {
            t.role = Some("guest");
        }
        return;
    }
    if !asking && !has(tally, "host") {
        // No one asks: the host is who runs the conversation (see `HostScore`).
        let w = rules.host_score;
        let most = open(tally).iter().map(|id| tally[id].turns).max().unwrap_or(1).max(1);
        let first = order.iter().find(|id| tally[*id].role != Some("narrator"));
        let addresses = addresses(segments, &open(tally));
        let score = |id: &String| {
            let t = &tally[id];
            let flag = |b: bool| if b { 1.0 } else { 0.0 };
            w.opens * flag(first == Some(id))
                + w.closes * flag(closer == Some(id.as_str()))
                + w.turns * t.turns as f32 / most as f32
                + w.addresses * addresses[id] as f32 / t.turns.max(1) as f32
        };
        let host = open(tally)
            .into_iter()
            .map(|id| (score(&id), id))
            .max_by(|a, b| a.0.total_cmp(&b.0).then(tally[&b.1].first.cmp(&tally[&a.1].first)));
        if let Some((_, id)) = host {
            tally.get_mut(&id).expect("listed").role = Some("host");
        }
    }
    if !has(tally, "guest") {
        // Who says the most, counting what is said in questions for little: answers are
        // long, questions short; on a tie, the later speaker (the first usually asks).
        let weight = |t: &Tally| t.chars as f32 * (1.1 - t.ratio());
        let guest = open(tally).into_iter().max_by(|a, b| {
            let (a, b) = (&tally[a], &tally[b]);
            weight(a).total_cmp(&weight(b)).then(a.first.cmp(&b.first))
        });
        if let Some(id) = guest {
            tally.get_mut(&id).expect("listed").role = Some("guest");
        }
    }
    if !has(tally, "host") {
        let host = open(tally).into_iter().max_by(|a, b| {
            let (a, b) = (&tally[a], &tally[b]);
            a.ratio().total_cmp(&b.ratio()).then(b.first.cmp(&a.first))
        });
        if let Some(id) = host {
            tally.get_mut(&id).expect("listed").role = Some("host");
        }
    }
    let guests_ask =
        tally.values().filter(|t| t.role == Some("guest")).map(Tally::ratio).fold(0.0, f32::max);
    for id in open(tally) {
        let t = tally.get_mut(&id).expect("listed");
        let host = t.ratio() >= host_ratio && t.ratio() > guests_ask;
        t.role = Some(if host { "host" } else { "guest" });
    }
}

/// Whether `text` has a question mark, `?` or `？`.
pub fn asks(text: &str) -> bool {
    // Built once: `memmem::find` builds a searcher on every call.
    static FULLWIDTH: LazyLock<memmem::Finder<'static>> =
        LazyLock::new(|| memmem::Finder::new("？"));
    memchr::memchr(b'?', text.as_bytes()).is_some() || FULLWIDTH.find(text.as_bytes()).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Line, Span};

    fn turn(id: &str, name: &str, text: &str) -> Segment {
        Segment {
            kind: BlockKind::Turn,
            section: None,
            speaker: Some(Speaker {
                id: id.into(),
                zh_hans: Some(name.into()),
                zh_hant: None,
                en: None,
                role: None,
            }),
            lines: vec![Line::new(text, Span::line(1))],
            src: Span::line(1),
            directions: Vec::new(),
        }
    }

    /// Past [`MAX_NAME_SEARCHES`] names one automaton finds them: the same turns name
    /// another speaker as with a search per name (a name shared by two speakers, a given
    /// name inside a full one, a speaker naming only themself).
    #[test]
    fn many_names_are_searched_at_once_with_the_same_answers() {
        let surnames = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许";
        let given = ["文道", "海峰", "小明", "建国"];
        let mut segments: Vec<Segment> = Vec::new();
        for (i, s) in surnames.chars().enumerate() {
            for (j, g) in given.iter().enumerate() {
                let name = format!("{s}{g}");
                let id = format!("name:{name}");
                let next = format!("{}{}", surnames.chars().nth((i + 1) % 20).unwrap(), g);
                let text = match (i + j) % 4 {
                    0 => format!("我是{name}，今天很高兴。"),
                    1 => format!("谢谢{next}的问题。"),
                    2 => format!("{g}，你说得对。"),
                    _ => "没有人名的一句话。".to_owned(),
                };
                segments.push(turn(&id, &name, &text));
            }
        }
        segments.push(turn("name:王文道", "王文道", "这里又是王文道。"));
        let many = Names::of(&segments);
        assert!(many.all.is_some(), "{} names", many.owners.len());
        let few = Names::searched_apart_up_to(&segments, usize::MAX);
        let mut named = 0;
        for seg in &segments {
            let id = &seg.speaker.as_ref().unwrap().id;
            assert_eq!(many.named_by(id, seg), few.named_by(id, seg), "{id}");
            named += usize::from(many.named_by(id, seg));
        }
        assert!(named > 20 && named < segments.len(), "{named}");
    }
}
