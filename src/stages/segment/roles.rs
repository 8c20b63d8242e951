//! Roles of the speakers of one document, from the evidence a reader uses.
//!
//! In order, each deciding only the speakers still undecided: the registry's fixed roles
//! (主持人, 记者, 问 are hosts, 答 a guest); a label that is a publication (`《晚点》`) or the
//! document's author is the host; a person the title interviews (`对话周鸿祎：…`, `专访X`,
//! `X访谈`) is a guest; what the speaker says opening the conversation (`host_words`: a
//! welcome, thanks for coming; `guest_words`: thanks for the invitation). Then, from the turns: in a conversation, the speaker who says the
//! most, counting turns that ask for little, is a guest, and the one who asks most often (the first to
//! speak on a tie) is a host; any other speaker is a host when their turns ask questions at
//! least `host_question_ratio` of the time and more often than every guest's. A person has
//! one role in a document.

use std::collections::HashMap;
use std::sync::LazyLock;

use memchr::memmem;
use regex::Regex;
use rustc_hash::FxBuildHasher;

use super::speakers::fold;
use crate::document::{BlockKind, Segment, Speaker};

#[derive(Debug)]
pub struct RoleRules {
    /// A label that is a publication, not a person (`《晚点》`): the interviewer.
    pub host_label: Regex,
    /// Title patterns whose `name` group is the person interviewed.
    pub title_guest: Vec<Regex>,
    /// What a host says opening a conversation (welcoming, thanking the guest for coming).
    pub host_words: Regex,
    /// What a guest says (thanking for the invitation).
    pub guest_words: Regex,
    pub host_question_ratio: f32,
}

/// How many of a speaker's first turns are read for `host_words` and `guest_words`.
const OPENING_TURNS: usize = 2;

/// What the document says about itself, for roles.
pub struct Evidence<'a> {
    pub title: Option<&'a str>,
    pub author: Option<&'a str>,
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
    for seg in segments.iter().filter(|s| s.kind == BlockKind::Turn) {
        let sp = seg.speaker.as_ref().expect("turns have speakers");
        let t = tally.entry(sp.id.clone()).or_insert_with(|| {
            order.push(sp.id.clone());
            let role = match sp.role.as_deref() {
                Some("host") => Some("host"),
                Some(_) => Some("guest"),
                None => evidence_role(sp, rules, evidence),
            };
            Tally { first: order.len() - 1, role, ..Tally::default() }
        });
        if t.turns < OPENING_TURNS && t.role.is_none() {
            t.host_words |= seg.lines.iter().any(|l| rules.host_words.is_match(&l.text));
            t.guest_words |= seg.lines.iter().any(|l| rules.guest_words.is_match(&l.text));
        }
        t.turns += 1;
        t.asking += usize::from(seg.lines.iter().any(|l| asks(&l.text)));
        t.chars += seg.lines.iter().map(|l| l.text.chars().count()).sum::<usize>();
    }
    // The host welcomes and thanks the guest for coming; the guest thanks for the invitation.
    for t in tally.values_mut().filter(|t| t.role.is_none() && t.host_words != t.guest_words) {
        t.role = Some(if t.host_words { "host" } else { "guest" });
    }
    decide_from_turns(&mut tally, &order, rules.host_question_ratio);
    for seg in segments.iter_mut() {
        if let Some(sp) = seg.speaker.as_mut().filter(|s| s.role.is_none()) {
            let role = tally.get(&sp.id).and_then(|t| t.role).unwrap_or("guest");
            sp.role = Some(role.to_owned());
        }
    }
}

/// The role the document's own words give a speaker, if any.
fn evidence_role(sp: &Speaker, rules: &RoleRules, evidence: &Evidence) -> Option<&'static str> {
    let names: Vec<&str> =
        [&sp.zh_hans, &sp.zh_hant, &sp.en].into_iter().flatten().map(String::as_str).collect();
    if names.iter().any(|n| rules.host_label.is_match(n.trim())) {
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
    None
}

/// Roles from the turns, for the speakers the evidence left open (see the module doc).
fn decide_from_turns(
    tally: &mut HashMap<String, Tally, FxBuildHasher>,
    order: &[String],
    host_ratio: f32,
) {
    if order.len() < 2 {
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
