//! One pass per line instead of one regex search per rule: from the rules' [`Needs`], a
//! profile builds (once, when its rule file is compiled) a [`LineFilter`] that tells, for a
//! line's text, which of its rules can possibly match it. Rules are bits of a `u64`; a rule
//! past the 64th has no bit and is simply always tried.

use std::cell::RefCell;
use std::hash::Hasher;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, Input, MatchKind};
use regex_syntax::hir::ClassUnicode;
use rustc_hash::FxHasher;

use super::needs::Needs;

/// The owners of literals as bits: `u64` for a profile's rules, `u128` for a larger class of
/// patterns (strip's furniture).
pub trait Bits:
    Copy
    + Eq
    + std::fmt::Debug
    + std::ops::BitOr<Output = Self>
    + std::ops::BitOrAssign
    + std::ops::BitAnd<Output = Self>
    + std::ops::Not<Output = Self>
{
    const ZERO: Self;
}

impl Bits for u64 {
    const ZERO: u64 = 0;
}

impl Bits for u128 {
    const ZERO: u128 = 0;
}

/// Finds which of a set of literals occur in a text, each literal standing for the owners
/// (bits) that need it. Literals of one or two bytes (ASCII marks) and longer ones (CJK
/// words) are searched apart: mixed, the short ones would make the SIMD search's
/// fingerprints match nearly every CJK char.
#[derive(Debug, Clone)]
pub struct Literals<B: Bits = u64> {
    scans: Vec<LiteralScan<B>>,
    /// The owners by literal of a [`SharedScan`] this set's literals are part of.
    shared: Option<Shared<B>>,
}

#[derive(Debug, Clone)]
struct Shared<B> {
    scan: Arc<SharedScan>,
    /// Per literal of the shared scan, the owners it stands for here (none for the other
    /// sets' literals).
    owners: Vec<B>,
}

impl<B: Bits> Literals<B> {
    pub fn new<'a>(sets: impl IntoIterator<Item = (B, &'a [Vec<u8>])>) -> Literals<B> {
        let (mut short, mut long) = (Vec::new(), Vec::new());
        for (bit, set) in sets {
            for lit in set {
                let side = if lit.len() < 3 { &mut short } else { &mut long };
                side.push((bit, lit.clone()));
            }
        }
        let scans = [short, long].into_iter().filter_map(LiteralScan::new).collect();
        Literals { scans, shared: None }
    }

    /// The owners, among `want`, whose literals occur in `text`.
    pub fn find(&self, text: &str, want: B) -> B {
        self.find_within(text, None, want)
    }

    /// The owners, among `want`, whose literals occur in `within(text, window)`: a shared
    /// scan reads the whole text once for every window it is asked about.
    fn find_within(&self, text: &str, window: Option<usize>, want: B) -> B {
        let prefix = within(text, window);
        if let Some(sh) = self.shared.as_ref().filter(|_| text.len() <= SHARED_MAX_BYTES) {
            let end = prefix.len();
            return sh.scan.with_found(text, |found| {
                (found.iter())
                    .filter(|&&(_, first_end)| first_end as usize <= end)
                    .fold(B::ZERO, |acc, &(id, _)| acc | sh.owners[id as usize])
            }) & want;
        }
        let text = prefix;
        let mut found = B::ZERO;
        for scan in &self.scans {
            let left = want & scan.owners_all & !found;
            if left != B::ZERO {
                found |= scan.find(text, left);
            }
        }
        found
    }
}

/// Texts longer than this are scanned by each set for its own literals and not cached: a
/// long paragraph is asked about by few sets, often about its first bytes only. (On the
/// clean-text set the limit hardly matters between 400 bytes and none; it bounds the cache.)
const SHARED_MAX_BYTES: usize = 1000;

/// Bytes a [`SharedScan`] scans with its NFA before it builds its DFA. Past about this
/// much the DFA's build is paid back: on the generated 16 MB corpus, the NFA alone runs
/// 155 M instructions more than the DFA from the start, a switch after 1 MB 39 M more, after
/// 256 KB 10 M more; the 28 pages of corpus/html scan less than 256 KB and save the build
/// (35 M instructions).
const SHARED_DFA_AFTER_BYTES: usize = 256 << 10;

/// Slots of the per-thread cache of answers, indexed by a text's hash: a text takes the
/// slot of its hash, replacing what was there (no growth, and a slot's buffers are reused).
/// Each text is at most [`SHARED_MAX_BYTES`]: the cache stays under 5 MB.
const SHARED_CACHE_SLOTS: usize = 4096;

/// The literals of several [`Literals`] sets searched in one pass, each text once per
/// thread: strip asks a short line which rules it can fire (once per rule file), which
/// furniture classes and which markers it can be, each a set of literals of its own; one scan
/// answers all of them. The answer for a text is the set of literals that occur in it,
/// exactly what each set's own scan finds.
pub struct SharedScan {
    /// The scan until [`SHARED_DFA_AFTER_BYTES`] have been scanned: cheap to build.
    nfa: AhoCorasick,
    /// The scan after that: a DFA, which costs ≈ 40 M instructions to build and then runs
    /// fewer instructions per byte. A short run (one page, a few files) never pays for it.
    dfa: OnceLock<AhoCorasick>,
    /// Bytes scanned by `nfa` so far (all threads).
    scanned: AtomicUsize,
    patterns: Vec<Vec<u8>>,
    /// Tells the cache's entries of different scans apart.
    id: u64,
}

impl std::fmt::Debug for SharedScan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedScan").field("literals", &self.patterns.len()).finish()
    }
}

/// A text and the literals found in it, in a slot of the cache.
#[derive(Default)]
struct Slot {
    hash: u64,
    text: String,
    found: Vec<(u32, u32)>,
}

/// The answers of one [`SharedScan`] (by its id) on this thread.
#[derive(Default)]
struct FoundCache {
    scan: u64,
    slots: Vec<Slot>,
}

thread_local! {
    static FOUND: RefCell<FoundCache> = RefCell::new(FoundCache::default());
}

impl SharedScan {
    /// One scan for the literals of `sets`, each set answered by it from now on.
    pub fn share(sets: &mut [&mut dyn LiteralSet]) {
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        for set in sets.iter() {
            set.each_literal(&mut |lit| patterns.push(lit.to_vec()));
        }
        patterns.sort_unstable();
        patterns.dedup();
        if patterns.is_empty() {
            return;
        }
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        let nfa = Self::automaton(&patterns, aho_corasick::AhoCorasickKind::ContiguousNFA);
        let scan = Arc::new(SharedScan {
            nfa,
            dfa: OnceLock::new(),
            scanned: AtomicUsize::new(0),
            patterns,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        });
        for set in sets.iter_mut() {
            set.attach(&scan);
        }
    }

    fn automaton(patterns: &[Vec<u8>], kind: aho_corasick::AhoCorasickKind) -> AhoCorasick {
        AhoCorasick::builder()
            .kind(Some(kind))
            .match_kind(MatchKind::Standard)
            .build(patterns)
            .expect("literal patterns build")
    }

    /// The automaton for the next text of `len` bytes. Both find the same matches. The DFA
    /// scans every distinct short line with fewer instructions and less CPU time than the
    /// NFA (gen16: 9 202 → 9 128 M in all; ≈ 1.5 % of CPU time): strip's literals start
    /// with CJK lead bytes, which no prefilter skips. Its build pays off only past a few MB.
    fn automaton_for(&self, len: usize) -> &AhoCorasick {
        if let Some(dfa) = self.dfa.get() {
            return dfa;
        }
        if self.scanned.fetch_add(len, Ordering::Relaxed) < SHARED_DFA_AFTER_BYTES {
            return &self.nfa;
        }
        self.dfa.get_or_init(|| Self::automaton(&self.patterns, aho_corasick::AhoCorasickKind::DFA))
    }

    fn id_of(&self, literal: &[u8]) -> usize {
        self.patterns.binary_search_by(|p| p.as_slice().cmp(literal)).expect("a shared literal")
    }

    /// `f` of the literals that occur in `text`: each one's id and where its first
    /// occurrence ends (a prefix of the text holds it when it is at least that long).
    fn with_found<R>(&self, text: &str, f: impl FnOnce(&[(u32, u32)]) -> R) -> R {
        FOUND.with(|cell| {
            let mut cache = cell.borrow_mut();
            if cache.scan != self.id {
                cache.scan = self.id;
                cache.slots.clear();
                cache.slots.resize_with(SHARED_CACHE_SLOTS, Slot::default);
            }
            let mut hasher = FxHasher::default();
            hasher.write(text.as_bytes());
            let hash = hasher.finish();
            let slot = &mut cache.slots[hash as usize % SHARED_CACHE_SLOTS];
            if slot.hash == hash && slot.text == text && !slot.text.is_empty() {
                return f(&slot.found);
            }
            // Overlapping matches, reported in the order they end: every literal that
            // occurs is found, also one inside another or sharing its start, and the first
            // report of a literal is its earliest end.
            slot.found.clear();
            for m in self.automaton_for(text.len()).find_overlapping_iter(text) {
                let id = m.pattern().as_u32();
                if !slot.found.iter().any(|&(seen, _)| seen == id) {
                    slot.found.push((id, m.end() as u32));
                }
            }
            slot.hash = hash;
            slot.text.clear();
            slot.text.push_str(text);
            f(&slot.found)
        })
    }
}

/// A set of literals that can join a [`SharedScan`] (object-safe over the owner type).
pub trait LiteralSet {
    /// Each literal of the set.
    fn each_literal(&self, f: &mut dyn FnMut(&[u8]));
    /// Answers from `scan` from now on (which holds every literal of the set).
    fn attach(&mut self, scan: &Arc<SharedScan>);
}

impl<B: Bits> LiteralSet for Literals<B> {
    fn each_literal(&self, f: &mut dyn FnMut(&[u8])) {
        self.scans.iter().flat_map(|s| &s.patterns).for_each(|p| f(p));
    }

    fn attach(&mut self, scan: &Arc<SharedScan>) {
        let mut owners = vec![B::ZERO; scan.patterns.len()];
        for s in &self.scans {
            for (p, &o) in s.patterns.iter().zip(&s.owners) {
                owners[scan.id_of(p)] |= o;
            }
        }
        self.shared = Some(Shared { scan: Arc::clone(scan), owners });
    }
}

#[derive(Debug, Clone)]
struct LiteralScan<B: Bits> {
    /// Built on the first search: a set that joins a [`SharedScan`] searches by itself only
    /// texts too long to share, which a run may never meet.
    search: OnceLock<Search>,
    patterns: Vec<Vec<u8>>,
    owners: Vec<B>,
    owners_all: B,
    /// Per pattern, the other patterns that can start where it starts (one is a prefix of
    /// the other): leftmost-first search reports only one of them.
    related: Vec<Vec<usize>>,
}

impl<B: Bits> LiteralScan<B> {
    /// `None` when there is no literal to look for.
    fn new(literals: Vec<(B, Vec<u8>)>) -> Option<LiteralScan<B>> {
        let (mut patterns, mut owners): (Vec<Vec<u8>>, Vec<B>) = (Vec::new(), Vec::new());
        for (bit, lit) in literals {
            match patterns.iter().position(|p| *p == lit) {
                Some(i) => owners[i] |= bit,
                None => {
                    patterns.push(lit);
                    owners.push(bit);
                }
            }
        }
        if patterns.is_empty() {
            return None;
        }
        let related = (0..patterns.len())
            .map(|i| {
                let p = &patterns[i];
                (0..patterns.len())
                    .filter(|&j| {
                        j != i && (p.starts_with(&patterns[j]) || patterns[j].starts_with(p))
                    })
                    .collect()
            })
            .collect();
        let owners_all = owners.iter().fold(B::ZERO, |acc, &o| acc | o);
        Some(LiteralScan { search: OnceLock::new(), patterns, owners, owners_all, related })
    }

    /// The owners, among `want`, whose literals occur in `text`; it stops once all of
    /// `want` is found.
    fn find(&self, text: &str, want: B) -> B {
        let hay = text.as_bytes();
        let mut found = B::ZERO;
        match self.search.get_or_init(|| Search::new(&self.patterns)) {
            Search::Bytes { groups, by_first } => {
                let mut visit = |at: usize| {
                    for &p in &by_first[usize::from(hay[at])] {
                        if hay[at..].starts_with(&self.patterns[p]) {
                            found |= self.owners[p];
                        }
                    }
                    found & want == want
                };
                for group in groups {
                    let done = match *group.as_slice() {
                        [a] => memchr::memchr_iter(a, hay).any(&mut visit),
                        [a, b] => memchr::memchr2_iter(a, b, hay).any(&mut visit),
                        [a, b, c] => memchr::memchr3_iter(a, b, c, hay).any(&mut visit),
                        _ => unreachable!("groups of one to three bytes"),
                    };
                    if done {
                        break;
                    }
                }
            }
            Search::Finders(finders) => {
                for (finder, &owner) in finders.iter().zip(&self.owners) {
                    if owner & want & !found != B::ZERO && finder.find(hay).is_some() {
                        found |= owner;
                    }
                }
            }
            // Every starting position of a literal is visited (the search resumes one byte
            // after each match), so no occurrence hides another.
            Search::Ac(ac) => {
                let mut at = 0;
                while found & want != want {
                    let Some(m) = ac.find(Input::new(hay).span(at..hay.len())) else { break };
                    let p = m.pattern().as_usize();
                    found |= self.owners[p];
                    for &q in &self.related[p] {
                        if hay[m.start()..].starts_with(&self.patterns[q]) {
                            found |= self.owners[q];
                        }
                    }
                    at = m.start() + 1;
                }
            }
        }
        found & want
    }
}

/// Sets of at most this many literals are searched one literal at a time.
const MAX_FINDERS: usize = 3;

/// How a [`LiteralScan`] finds its literals.
#[derive(Debug, Clone)]
enum Search {
    /// Literals that start with at most nine distinct bytes, none of which starts a CJK
    /// char (markup such as `*`, `![`, `<`): memchr finds those bytes (rare in Chinese
    /// text), three at a time, and the literals are compared there.
    Bytes { groups: Vec<Vec<u8>>, by_first: Vec<Vec<usize>> },
    /// A few literals (`：`, `（`): one memmem search each. Aho-Corasick's SIMD prefilter
    /// would see their lead bytes at nearly every CJK punctuation mark.
    Finders(Vec<memchr::memmem::Finder<'static>>),
    /// Any other set: Aho-Corasick (a SIMD prefilter where it can). Its DFA without the
    /// prefilter ran nearly twice the instructions on strip's literals.
    Ac(AhoCorasick),
}

impl Search {
    fn new(patterns: &[Vec<u8>]) -> Search {
        let mut firsts: Vec<u8> = patterns.iter().map(|p| p[0]).collect();
        firsts.sort_unstable();
        firsts.dedup();
        if firsts.len() <= 9 && firsts.iter().all(|&b| b < 0xE0) {
            let mut by_first = vec![Vec::new(); 256];
            for (i, p) in patterns.iter().enumerate() {
                by_first[usize::from(p[0])].push(i);
            }
            let groups = firsts.chunks(3).map(<[u8]>::to_vec).collect();
            return Search::Bytes { groups, by_first };
        }
        if patterns.len() <= MAX_FINDERS {
            let finders = patterns.iter().map(|p| memchr::memmem::Finder::new(p).into_owned());
            return Search::Finders(finders.collect());
        }
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .build(patterns)
            .expect("literal patterns build");
        Search::Ac(ac)
    }
}

/// The rule bits a line's text can fire, from conditions that cost one look at the line:
/// its first char (rules anchored at the start), its length (`max_chars`) and one literal
/// scan (rules whose every match contains one of a few literals).
#[derive(Debug, Clone)]
pub struct LineFilter {
    /// The rules an empty text leaves possible.
    empty: u64,
    /// Per first char of the text, the rules it leaves possible.
    by_first_char: FirstChars,
    /// `max_chars` limits; texts of at most `shortest_limit` bytes are within all of them.
    limits: Vec<(u64, usize)>,
    limited_rules: u64,
    shortest_limit: usize,
    literals: Literals,
    literal_rules: u64,
    /// The literals lie within this many bytes of the start of a matching text.
    window: Option<usize>,
}

/// What the filter needs to know of one rule.
pub struct RuleNeeds<'a> {
    pub needs: &'a Needs,
    pub max_chars: Option<usize>,
    /// Rules limited to the page header are tried on a few lines only: scanning every
    /// line for their literals would cost more than it saves.
    pub header_only: bool,
}

impl LineFilter {
    pub fn new(rules: &[RuleNeeds]) -> LineFilter {
        let all = (0..rules.len().min(64)).fold(0u64, |acc, i| acc | 1 << i);
        let mut first_chars = Vec::new();
        let mut limits = Vec::new();
        let mut sets = Vec::new();
        for (i, r) in rules.iter().enumerate().take(64) {
            let bit = 1u64 << i;
            if let Some(class) = &r.needs.first {
                first_chars.push((bit, class.clone()));
            }
            if let Some(max) = r.max_chars {
                limits.push((bit, max));
            }
            // A rule anchored on a few chars (`^#`, `^>`) is settled by the first char;
            // one anchored on a large class (`^\W*`) needs its literals too.
            let few_firsts = r.needs.first.as_ref().is_some_and(|c| class_len(c) <= 16);
            let scanned = !r.header_only && !few_firsts;
            if let Some(set) = r.needs.literals.as_ref().filter(|_| scanned) {
                sets.push((bit, set.as_slice()));
            }
        }
        let literal_rules = sets.iter().fold(0, |acc, (bit, _)| acc | bit);
        let scanned =
            rules.iter().take(64).enumerate().filter(|(i, _)| literal_rules >> i & 1 != 0);
        let window = scanned.map(|(_, r)| r.needs.window).try_fold(0, |acc, w| Some(acc.max(w?)));
        let anchored = first_chars.iter().fold(0, |acc, (bit, _)| acc | bit);
        LineFilter {
            empty: all & !anchored,
            by_first_char: FirstChars::new(all & !anchored, first_chars),
            limited_rules: limits.iter().fold(0, |acc, (bit, _)| acc | bit),
            shortest_limit: limits.iter().map(|&(_, max)| max).min().unwrap_or(usize::MAX),
            limits,
            literals: Literals::new(sets),
            literal_rules,
            window,
        }
    }

    /// A filter over bare patterns (bit `i` for `patterns[i]`), for callers without rule
    /// limits.
    pub fn of_patterns(patterns: &[&str]) -> LineFilter {
        let needs: Vec<Needs> = patterns.iter().map(|p| Needs::of(p)).collect();
        let rules: Vec<RuleNeeds> = (needs.iter())
            .map(|needs| RuleNeeds { needs, max_chars: None, header_only: false })
            .collect();
        LineFilter::new(&rules)
    }

    /// Its literals, to join a [`SharedScan`].
    pub fn literal_set(&mut self) -> &mut dyn LiteralSet {
        &mut self.literals
    }

    /// The rules that can match `text` (a superset: the regex decides).
    pub fn mask(&self, text: &str) -> u64 {
        let bytes = text.as_bytes();
        let mut m = text.chars().next().map_or(self.empty, |c| self.by_first_char.mask(c));
        if m & self.limited_rules != 0 && bytes.len() > self.shortest_limit {
            let n = text.chars().count();
            for &(bit, max) in &self.limits {
                if n > max {
                    m &= !bit;
                }
            }
        }
        let want = m & self.literal_rules;
        if bytes.is_empty() {
            // Literals are never empty.
            m &= !want;
        } else if want != 0 {
            let found = self.literals.find_within(text, self.window, want);
            m &= !want | found;
        }
        m
    }
}

/// The literals one rule needs, searched in one line at a time: for rules that
/// [`LineFilter`] leaves out of its scan (page-header rules, tried on a few lines only), a
/// look for a literal costs less than the regex it spares.
#[derive(Debug)]
pub struct RuleLiterals {
    literals: Literals,
    window: Option<usize>,
}

impl RuleLiterals {
    /// `None` when the pattern requires no literal.
    pub fn new(needs: &Needs) -> Option<RuleLiterals> {
        let set = needs.literals.as_ref()?;
        Some(RuleLiterals { literals: Literals::new([(1, set.as_slice())]), window: needs.window })
    }

    /// Whether `text` holds one of the literals where a match would have it (a necessary
    /// condition only).
    pub fn may_match(&self, text: &str) -> bool {
        !text.is_empty() && self.literals.find_within(text, self.window, 1) != 0
    }
}

/// The start of `text` that holds its first `window` bytes, whole chars.
fn within(text: &str, window: Option<usize>) -> &str {
    let Some(mut end) = window.filter(|&w| w < text.len()) else { return text };
    while !text.is_char_boundary(end) {
        end += 1;
    }
    &text[..end]
}

fn class_len(class: &ClassUnicode) -> u32 {
    class.ranges().iter().map(|r| u32::from(r.end()) - u32::from(r.start()) + 1).sum()
}

pub(super) fn contains(class: &ClassUnicode, c: char) -> bool {
    let ranges = class.ranges();
    let i = ranges.partition_point(|r| r.end() < c);
    i < ranges.len() && ranges[i].start() <= c
}

/// Per first char, the rules it leaves possible: rules that are not anchored, and anchored
/// ones whose class holds the char. A table over the Basic Multilingual Plane in blocks of
/// 64 chars (identical blocks stored once: all CJK ideographs share a few); the classes are
/// searched for the chars beyond it.
#[derive(Debug, Clone)]
struct FirstChars {
    index: Vec<u16>,
    blocks: Vec<[u64; 64]>,
    unanchored: u64,
    classes: Vec<(u64, ClassUnicode)>,
}

impl FirstChars {
    fn new(unanchored: u64, classes: Vec<(u64, ClassUnicode)>) -> FirstChars {
        // Block by block, in one buffer: a filter is built for every rule file at start-up,
        // and most blocks hold one mask throughout (keyed by it alone).
        let mut next_range = vec![0; classes.len()];
        let (mut blocks, mut index) = (Vec::new(), Vec::with_capacity(0x10000 / 64));
        let mut uniform = rustc_hash::FxHashMap::default();
        let mut mixed = rustc_hash::FxHashMap::default();
        for lo in (0..0x10000u32).step_by(64) {
            let hi = lo + 63;
            let mut block = [unanchored; 64];
            for ((bit, class), next) in classes.iter().zip(&mut next_range) {
                let ranges = class.ranges();
                while ranges.get(*next).is_some_and(|r| u32::from(r.end()) < lo) {
                    *next += 1;
                }
                for r in ranges[*next..].iter().take_while(|r| u32::from(r.start()) <= hi) {
                    let start = u32::from(r.start()).max(lo) - lo;
                    let end = u32::from(r.end()).min(hi) - lo;
                    block[start as usize..=end as usize].iter_mut().for_each(|m| *m |= bit);
                }
            }
            let mut add = || {
                blocks.push(block);
                u16::try_from(blocks.len() - 1).expect("at most 1024 blocks")
            };
            let id = match block.iter().all(|&m| m == block[0]) {
                true => *uniform.entry(block[0]).or_insert_with(&mut add),
                false => *mixed.entry(block).or_insert_with(&mut add),
            };
            index.push(id);
        }
        FirstChars { index, blocks, unanchored, classes }
    }

    fn mask(&self, c: char) -> u64 {
        let n = u32::from(c) as usize;
        if n < 0x10000 {
            return self.blocks[usize::from(self.index[n >> 6])][n & 63];
        }
        let held = self.classes.iter().filter(|(_, class)| contains(class, c));
        self.unanchored | held.fold(0, |acc, (bit, _)| acc | bit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(patterns: &[(&str, Option<usize>)]) -> LineFilter {
        let needs: Vec<Needs> = patterns.iter().map(|(p, _)| Needs::of(p)).collect();
        let rules: Vec<RuleNeeds> = needs
            .iter()
            .zip(patterns)
            .map(|(needs, &(_, max_chars))| RuleNeeds { needs, max_chars, header_only: false })
            .collect();
        LineFilter::new(&rules)
    }

    #[test]
    fn masks_keep_every_rule_that_can_match() {
        let f = filter(&[
            (r"^#{1,6}\s*(?P<value>.+?)\s*#*$", None),
            (r"关注.{0,10}(公众号|我们)", Some(10)),
            (r"\*\*+|__+", None),
            (r"^\W*(特別聲明|特别声明)\s*[:：]", None),
        ]);
        assert_eq!(f.mask("# 标题"), 0b0001);
        assert_eq!(f.mask("关注我们"), 0b0010);
        assert_eq!(f.mask("请关注我们的公众号，谢谢大家的支持和厚爱"), 0);
        assert_eq!(f.mask("这是**重点**"), 0b0100);
        assert_eq!(f.mask("【特别声明】"), 0b1000);
        assert_eq!(f.mask("特别声明：以上"), 0b1000);
        assert_eq!(f.mask("正文特别声明"), 0);
        assert_eq!(f.mask(""), 0);
    }

    /// Every char's mask in the table is the union of the bits of the classes holding it
    /// (classes from real first-char sets: a large one, one split at block edges, a small one).
    #[test]
    fn first_char_masks_are_the_classes_holding_each_char() {
        let class = |p: &str| match regex_syntax::parse(p).unwrap().kind() {
            regex_syntax::hir::HirKind::Class(regex_syntax::hir::Class::Unicode(c)) => c.clone(),
            k => panic!("{p}: {k:?}"),
        };
        let classes = vec![
            (1, class(r"\W")),
            (2, class(r"[\p{Han}a-z]")),
            (4, class(r"[#>*\x{3F}-\x{41}\x{FFF0}-\x{10FFFF}]")),
            (8, class(r"[\x{40}-\x{7F}\x{4E00}]")),
        ];
        let table = FirstChars::new(16, classes.clone());
        for c in (0..0x11000).filter_map(char::from_u32) {
            let want = (classes.iter())
                .filter(|(_, class)| contains(class, c))
                .fold(16, |acc, (bit, _)| acc | bit);
            assert_eq!(table.mask(c), want, "{c:?}");
        }
        assert!(table.blocks.len() < 1024, "identical blocks are stored once");
    }

    #[test]
    fn markup_literals_are_found_by_their_bytes() {
        let a = [b"![".to_vec(), b"*".to_vec()];
        let b = [b"**".to_vec(), b"<".to_vec()];
        let s = Literals::<u64>::new([(1, &a[..]), (2, &b[..])]);
        assert_eq!(s.find("这是**重点**", 3), 3);
        assert!(matches!(s.scans[0].search.get(), Some(Search::Bytes { .. })));
        assert_eq!(s.find("这是*重点", 3), 1);
        assert_eq!(s.find("a<b", 3), 2);
        assert_eq!(s.find("图![x](y)", 2), 0);
    }

    #[test]
    fn overlapping_literals_are_all_found() {
        let a = [b"ab".to_vec()];
        let b = [b"abc".to_vec()];
        let c = [b"bcd".to_vec()];
        let s = Literals::<u64>::new([(1, &a[..]), (2, &b[..]), (4, &c[..])]);
        assert_eq!(s.find("xabcd", 7), 7);
        assert_eq!(s.find("xab", 7), 1);
    }

    /// Literal sets drawn from the corpus's own text (one to four chars of a line, marks and
    /// ASCII words among them), each set answered by a shared scan and by its own: the
    /// answers are the same on every corpus line, and again on the cached second asking.
    #[test]
    fn a_shared_scan_answers_as_each_set_alone() {
        let text = crate::testing::corpus_text();
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut draw = |count: usize| -> Vec<Vec<u8>> {
            (0..count)
                .map(|_| {
                    let chars: Vec<char> = lines[next(lines.len())].chars().collect();
                    let at = next(chars.len());
                    let len = 1 + next(4).min(chars.len() - at - 1);
                    chars[at..at + len].iter().collect::<String>().into_bytes()
                })
                .collect()
        };
        let sets: Vec<Vec<Vec<u8>>> = (0..40).map(|k| draw(1 + k % 7)).collect();
        let narrow =
            Literals::<u64>::new(sets[..20].iter().enumerate().map(|(i, s)| (1 << i, &s[..])));
        let wide = Literals::<u128>::new(
            sets[20..].iter().enumerate().map(|(i, s)| (1 << (i + 70), &s[..])),
        );
        let (mut shared_narrow, mut shared_wide) = (narrow.clone(), wide.clone());
        SharedScan::share(&mut [&mut shared_narrow, &mut shared_wide]);
        assert!(shared_narrow.shared.is_some() && shared_wide.shared.is_some());
        let mut found = 0;
        for _ in 0..2 {
            for line in &lines {
                let line = within(line, Some(SHARED_MAX_BYTES + 100));
                assert_eq!(shared_narrow.find(line, !0), narrow.find(line, !0), "{line}");
                assert_eq!(shared_wide.find(line, !0), wide.find(line, !0), "{line}");
                assert_eq!(shared_wide.find(line, 1 << 75), wide.find(line, 1 << 75), "{line}");
                for window in [Some(1), Some(12), Some(40)] {
                    let (shared, own) = (
                        shared_narrow.find_within(line, window, !0),
                        narrow.find(within(line, window), !0),
                    );
                    assert_eq!(shared, own, "{line} within {window:?}");
                }
                found += usize::from(narrow.find(line, !0) != 0);
            }
        }
        assert!(found > lines.len() / 10, "the drawn literals occur: {found}");
    }
}
