//! Beam search over the original GBK byte stream of one damaged segment.
//!
//! Every observed unit stands for known bytes, except a decoder error `?` (one lost byte,
//! plus the swallowed ASCII byte) and pairs the decoder silently dropped (private use).
//! A hypothesis is the original stream parsed from the segment start: the pending lead
//! byte, if the stream currently ends mid-character, and the last original character.
//! Glosses are checked, not decoded: the two bytes before each must spell a character
//! with that reading. Each step is scored with the character language model.

use super::candidates::{drop_variants, printed_drop_variants, LeadsMemo};
use super::context::Ctx;
use super::gbk::{gbk, halfwidth, is_lead};
use super::lm::{logp, EOL, START};
use super::pinyin_idx::pinyin_index;
use super::step::{
    char_code, expand, swallow_candidates, Ext, Hyp, GLOSS_MISMATCH, NONE, OWE_PENALTY,
};
use super::tokens::{Tok, Unit};
use rustc_hash::FxHashMap;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

const BEAM: usize = 8;
/// Only the best few hypotheses also try a dropped pair before each unit.
const DROP_BEAM: usize = 3;
/// ... and only when within this log-score of the best.
const HEAVY_MARGIN: f32 = 15.0;
/// Hypotheses this far behind the best are dropped outright.
const PRUNE_MARGIN: f32 = 30.0;
/// At most this many hypotheses that end mid-character after the same last character.
/// A dropped or printed pair's variants differ only in the pending lead, whose character
/// is not scored until the next unit: unchecked they fill the beam with one reading and
/// push out the in-step ones that already paid for their characters.
const SAME_LAST_PENDING: usize = 3;

/// What the search of one document (or block of it) remembers between lines: the ranked
/// leads of hidden characters and the expanded steps. One per decoder model: a memo holds
/// answers of one [`Ctx`].
#[derive(Default)]
pub struct Memos {
    /// Leads already ranked for hidden characters.
    pub leads: LeadsMemo,
    /// Search steps already expanded.
    pub steps: StepMemo,
}

/// What one unit became.
#[derive(Debug, Clone)]
pub struct UnitOut {
    pub text: String,
    pub verbatim: bool,
    pub conf: f32,
    /// Nothing explained the unit; its observed text is kept, flagged low-confidence.
    pub keep: bool,
}

#[derive(Clone, Copy)]
struct Node {
    parent: u32,
    codes: [u16; 4],
    n: u8,
    verbatim: bool,
    conf: f32,
    /// Emit the observed text of the unit: nothing explained it.
    keep: bool,
}

fn verbatim(tok: &Tok, h: &Hyp, e: &Ext) -> bool {
    let Unit::Char(c) = tok.unit else {
        return false;
    };
    if h.pending != NONE || e.h.pending != NONE {
        return false;
    }
    match e.n {
        0 => char_code(c).is_none(),
        1 => gbk().decode(e.codes[0]).map(halfwidth) == Some(c),
        _ => false,
    }
}

/// Reconstructs one segment (which ends a paragraph) of the line `chars`; returns one
/// [`UnitOut`] per token.
pub fn decode_segment(toks: &[Tok], chars: &[char], ctx: &Ctx, memos: &Memos) -> Vec<UnitOut> {
    decode_scored(toks, chars, ctx, memos).0
}

/// [`decode_segment`] and the log-score of the best reconstruction (0 when the segment
/// was decoded in step): how well the decoder model of `ctx` explains it.
pub fn decode_scored(
    toks: &[Tok],
    chars: &[char],
    ctx: &Ctx,
    memos: &Memos,
) -> (Vec<UnitOut>, f32) {
    // Misalignment can only start at a gloss that ate its `(`: up to the first one the
    // decoder was in step, so only glosses need removing there.
    let first = toks
        .iter()
        .position(|t| matches!(t.unit, Unit::ErrGloss(_) | Unit::ResidueQ | Unit::Residue))
        .unwrap_or(toks.len());
    let (mut out, last, tail, matched) = aligned_prefix(&toks[..first]);
    let mut score = 0.0;
    if first < toks.len() {
        let (rest, s) = search(&toks[first..], chars, last, tail, matched, ctx, memos);
        out.extend(rest);
        score = s;
    }
    (out, score)
}

/// Units decoded in step: characters are themselves, glosses that fit their character
/// are removed (others are kept as text), and a `?` is a question mark.
fn aligned_prefix(toks: &[Tok]) -> (Vec<UnitOut>, u16, u16, bool) {
    let (mut last, mut tail, mut matched) = (START, 0u16, false);
    let out = toks
        .iter()
        .map(|t| match t.unit {
            Unit::Gloss(py) if is_lead((tail >> 8) as u8) && pinyin_index().reads(tail, py) => {
                matched = true;
                UnitOut { text: String::new(), verbatim: false, conf: 0.99, keep: false }
            }
            unit => {
                matched = false;
                let code = match unit {
                    Unit::Char(c) => char_code(c),
                    Unit::Q => Some(u16::from(b'?')),
                    _ => None,
                };
                match code {
                    Some(c) if c > 0xFF => tail = c,
                    Some(c) => tail = (tail << 8) | c,
                    None => tail = 0,
                }
                last = code.unwrap_or(START);
                UnitOut { text: String::new(), verbatim: true, conf: 1.0, keep: false }
            }
        })
        .collect();
    (out, last, tail, matched)
}

/// Beam search from an in-step state after the character `last`.
fn search(
    toks: &[Tok],
    chars: &[char],
    last: u16,
    tail: u16,
    matched: bool,
    ctx: &Ctx,
    memos: &Memos,
) -> (Vec<UnitOut>, f32) {
    let mut nodes: Vec<Node> = Vec::with_capacity(toks.len() * BEAM);
    let root = Hyp {
        score: 0.0,
        pending: NONE,
        last,
        tail,
        owe: false,
        matched,
        in_word: false,
        node: u32::MAX,
    };
    let mut beam = vec![root];
    let mut exts = Vec::new();
    let mut bases = Vec::new();
    let mut weights: Vec<f32> = Vec::new();
    let mut top = Pruner::default();
    let mut fresh: Vec<Step> = Vec::new();
    let mut dedup = FxHashMap::default();
    for (i, tok) in toks.iter().enumerate() {
        top.clear();
        let best = beam.iter().map(|h| h.score).fold(f32::MIN, f32::max);
        let mut hidden = None;
        let swallow = match tok.unit {
            Unit::Q => swallow_candidates(&chars[tok.end..], toks.get(i + 1), ctx),
            _ => Vec::new(),
        };
        for (rank, h) in beam.iter().enumerate() {
            // Costly hypotheses (lost and dropped bytes) only for contenders.
            let heavy = rank < DROP_BEAM && h.score > best - HEAVY_MARGIN;
            // A step is expanded from the hypothesis's state with a zero score and then
            // added to its score, so a memoized step is exactly a fresh one.
            let zero = Hyp { score: 0.0, ..*h };
            let key = if memos.steps.useful() {
                StepKey::new(&zero, heavy, tok, toks.get(i + 1))
            } else {
                None
            };
            let memoized = key.as_ref().and_then(|k| memos.steps.get(k));
            let steps: &[Step] = match &memoized {
                Some(s) => s,
                None => {
                    fresh.clear();
                    let next = toks.get(i + 1);
                    exts.clear();
                    expand(&Ext::new(zero), tok, next, &swallow, ctx, &mut exts);
                    if h.pending != NONE && heavy && !ctx.printed {
                        bases.clear();
                        let leads = hidden.get_or_insert_with(|| memos.leads.get(tok, next, ctx));
                        drop_variants(zero, tok, leads, ctx, &mut bases);
                        for b in &bases {
                            expand(b, tok, next, &swallow, ctx, &mut exts);
                        }
                    }
                    if h.pending != NONE && heavy && ctx.printed && tok.unit == Unit::Q {
                        // The `?` may be a pair a replacing decoder could not map.
                        let leads = match next {
                            Some(t) => memos.leads.get(t, toks.get(i + 2), ctx),
                            None => Rc::from([]),
                        };
                        printed_drop_variants(zero, next, &leads, ctx, &mut exts);
                    }
                    exts.retain(|e| e.ok);
                    let rank_score = |e: &Ext| e.h.score + e.lookahead;
                    let max = exts.iter().map(rank_score).fold(f32::MIN, f32::max);
                    // Each sibling's weight once: `exp` was a tenth of a garbled page's search.
                    weights.clear();
                    weights.extend(exts.iter().map(|e| (rank_score(e) - max).exp()));
                    let z: f32 = weights.iter().sum();
                    fresh.extend(exts.iter().zip(&weights).map(|(e, w)| Step {
                        h: e.h,
                        codes: e.codes,
                        n: e.n,
                        verbatim: verbatim(tok, h, e),
                        conf: (w / z).min(0.99).min(e.conf_cap),
                        rest_max: 0.0,
                    }));
                    if key.is_some() {
                        dedup_states(&mut fresh, &mut dedup);
                    }
                    set_rest_max(&mut fresh);
                    if let Some(k) = key {
                        memos.steps.insert(k, &fresh);
                    }
                    &fresh
                }
            };
            top.offer_steps(h, steps);
        }
        if top.is_empty() {
            // Nothing explains this unit: keep it as seen and restart from a clean state.
            let h = beam[0];
            let node = Node {
                parent: h.node,
                codes: [NONE; 4],
                n: 0,
                verbatim: false,
                conf: 0.0,
                keep: true,
            };
            top.offer(
                Hyp {
                    score: h.score + GLOSS_MISMATCH,
                    pending: NONE,
                    last: START,
                    owe: false,
                    matched: false,
                    in_word: false,
                    ..h
                },
                || node,
            );
        }
        beam.clear();
        for (h, node) in top.finish() {
            nodes.push(node);
            beam.push(Hyp { node: nodes.len() as u32 - 1, ..h });
        }
    }
    let end =
        |h: &Hyp| final_score(h) + if h.pending == NONE { logp(ctx.doc, h.last, EOL) } else { 0.0 };
    let best = beam.iter().max_by(|a, b| end(a).total_cmp(&end(b))).copied().unwrap_or(root);
    (backtrack(&nodes, best.node, toks.len()), end(&best))
}

/// One way a hypothesis extends by a unit: the state after it (its score relative to the
/// hypothesis's), the characters it emits, and the node's flags.
#[derive(Clone, Copy)]
struct Step {
    h: Hyp,
    codes: [u16; 4],
    n: u8,
    verbatim: bool,
    conf: f32,
    /// The best score of this step and those after it in its list: the bound
    /// [`Pruner::shut_out`] tests to skip the rest of a hypothesis's steps.
    rest_max: f32,
}

/// Sets each step's [`Step::rest_max`].
fn set_rest_max(steps: &mut [Step]) {
    let mut rest_max = f32::NEG_INFINITY;
    for s in steps.iter_mut().rev() {
        rest_max = rest_max.max(s.h.score);
        s.rest_max = rest_max;
    }
}

/// Everything a step reads besides the document (fixed per memo): the hypothesis's state,
/// whether it is a contender, the unit and the next one.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct StepKey {
    pending: u16,
    last: u16,
    tail: u16,
    flags: u8,
    unit: Unit,
    next: Option<Unit>,
}

impl StepKey {
    /// The key of a step by `tok`; none for a `?`, whose step also reads the text after it
    /// (the swallowed byte's evidence) and the unit after the next.
    fn new(h: &Hyp, heavy: bool, tok: &Tok, next: Option<&Tok>) -> Option<StepKey> {
        if matches!(tok.unit, Unit::Q | Unit::ResidueQ | Unit::Residue) {
            return None;
        }
        let flags = u8::from(h.owe)
            | u8::from(h.matched) << 1
            | u8::from(h.in_word) << 2
            | u8::from(heavy) << 3;
        Some(StepKey {
            pending: h.pending,
            last: h.last,
            tail: h.tail,
            flags,
            unit: tok.unit,
            next: next.map(|t| t.unit),
        })
    }
}

/// Steps already expanded, by [`StepKey`]. A damaged page repeats its characters and so its
/// states: a step costs dozens of candidate extensions (each dropped-pair variant with its
/// language-model lookups), a memoized one a lookup and a copy. Bounded: cleared when full.
///
/// On a page whose states rarely repeat, keeping steps costs more than it saves (a
/// garbled page of varied text was a third slower with it), so the memo watches its hit
/// rate and stops taking entries once that stays low.
#[derive(Default)]
pub struct StepMemo {
    map: RefCell<FxHashMap<StepKey, Rc<[Step]>>>,
    lookups: Cell<u32>,
    hits: Cell<u32>,
}

/// Lookups before the memo judges its hit rate.
const STEP_MEMO_TRIAL: u32 = 2048;

/// Entries a [`StepMemo`] holds before it starts over (a few MB at most).
const STEP_MEMO_MAX: usize = 1 << 12;

impl StepMemo {
    /// Whether memoizing still pays: during the trial, or with at least half the lookups
    /// answered.
    fn useful(&self) -> bool {
        let n = self.lookups.get();
        n < STEP_MEMO_TRIAL || self.hits.get() * 2 >= n
    }

    fn get(&self, k: &StepKey) -> Option<Rc<[Step]>> {
        let found = self.map.borrow().get(k).cloned();
        self.lookups.set(self.lookups.get().saturating_add(1));
        self.hits.set(self.hits.get().saturating_add(u32::from(found.is_some())));
        found
    }

    fn insert(&self, k: StepKey, steps: &[Step]) {
        let mut map = self.map.borrow_mut();
        if map.len() >= STEP_MEMO_MAX {
            map.clear();
        }
        map.insert(k, Rc::from(steps));
    }
}

fn final_score(h: &Hyp) -> f32 {
    h.score + if h.pending != NONE { -50.0 } else { 0.0 } + if h.owe { OWE_PENALTY } else { 0.0 }
}

/// A hypothesis's state: what [`prune`] keeps the best of.
type StateKey = (u16, u16, u16, bool, bool, bool);

fn state_key(h: &Hyp) -> StateKey {
    (h.pending, h.last, h.tail, h.owe, h.matched, h.in_word)
}

/// Removes the steps of one hypothesis that another of its steps to the same state
/// dominates (a higher score, or the same and earlier): [`prune`] never keeps them, and a
/// damaged unit's dropped-pair variants reach the same few states many ways. `best` is
/// scratch space the caller keeps across calls: per state, the index of its best step so
/// far. One hashed pass (sorting the steps by state was a twelfth of a garbled page).
fn dedup_states(steps: &mut Vec<Step>, best: &mut FxHashMap<StateKey, u32>) {
    use std::collections::hash_map::Entry;
    best.clear();
    for (i, s) in steps.iter().enumerate() {
        match best.entry(state_key(&s.h)) {
            Entry::Vacant(v) => {
                v.insert(i as u32);
            }
            Entry::Occupied(mut o) => {
                if s.h.score > steps[*o.get() as usize].h.score {
                    o.insert(i as u32);
                }
            }
        }
    }
    let mut i = 0u32;
    steps.retain(|s| {
        let keep = best.get(&state_key(&s.h)) == Some(&i);
        i += 1;
        keep
    });
}

/// Keeps the best hypothesis per state, then the best [`BEAM`] states, best first, of
/// the candidates [`Pruner::offer`]ed to it. Ties go to the
/// earlier candidate, so the beam is a function of the candidates' order alone.
///
/// Candidates are taken one at a time as the search makes them, keeping the best [`BEAM`]
/// states seen so far: a state pushed out can only come back with a candidate better than
/// the worst kept one, and that is the test every candidate meets first, before its node
/// is built. A step offers about ten candidates per hypothesis and keeps at most [`BEAM`]:
/// collecting them all and pruning afterwards was most of the search on a long line of
/// damaged characters (and sorting them, about 12 % of a garbled page's).
///
/// Candidates [`PRUNE_MARGIN`] behind the best are dropped, but the best is known only at
/// the end: a candidate is dropped at once when it is that far behind the best so far, and
/// [`Pruner::finish`] drops the rest. Those late ones only ever push out one another: they
/// score below every candidate within the margin, so they sit after all of them, leave the
/// beam first, and a state or a mid-character reading they hold is taken over by any
/// candidate within the margin.
struct Pruner {
    /// Best first; at most [`BEAM`].
    top: Vec<(Hyp, Node)>,
    /// The best score offered so far.
    best: f32,
}

impl Default for Pruner {
    fn default() -> Pruner {
        Pruner { top: Vec::with_capacity(BEAM + 1), best: f32::NEG_INFINITY }
    }
}

impl Pruner {
    fn clear(&mut self) {
        self.top.clear();
        self.best = f32::NEG_INFINITY;
    }

    /// Whether no candidate scoring at most `score` can enter the beam, now or after more
    /// are offered: the beam is full and its worst is at least as good. (A full beam stays
    /// full, and its worst only gets better.) Such candidates need not be offered: being
    /// no better than a kept one, they do not move the best either.
    fn shut_out(&self, score: f32) -> bool {
        self.top.len() == BEAM && score <= self.top[BEAM - 1].0.score
    }

    /// Whether nothing was offered (the first candidate offered is always kept).
    fn is_empty(&self) -> bool {
        self.top.is_empty()
    }

    fn offer(&mut self, h: Hyp, node: impl FnOnce() -> Node) {
        if h.score > self.best {
            self.best = h.score;
        }
        if h.score <= self.best - PRUNE_MARGIN || self.shut_out(h.score) {
            return;
        }
        let top = &mut self.top;
        let k = state_key(&h);
        match top.iter().position(|c| state_key(&c.0) == k) {
            Some(at) if h.score > top[at].0.score => {
                top.remove(at);
            }
            Some(_) => return,
            None if h.pending != NONE => {
                let same = |c: &(Hyp, Node)| c.0.pending != NONE && c.0.last == h.last;
                if top.iter().filter(|c| same(c)).count() >= SAME_LAST_PENDING {
                    // `top` is best first: the last of them is the worst.
                    let worst = top.iter().rposition(same).unwrap();
                    if h.score <= top[worst].0.score {
                        return;
                    }
                    top.remove(worst);
                }
            }
            None => {}
        }
        let at = top.partition_point(|c| c.0.score >= h.score);
        top.insert(at, (h, node()));
        top.truncate(BEAM);
    }

    /// Offers the extensions of `h` by its `steps`, in order. Most fall out of the beam: one
    /// that cannot enter it is not offered, nor are the steps after it once none of them
    /// can (see [`Step::rest_max`]), and a node is built only for a kept one.
    fn offer_steps(&mut self, h: &Hyp, steps: &[Step]) {
        for s in steps {
            let score = h.score + s.h.score;
            if self.shut_out(score) {
                if self.shut_out(h.score + s.rest_max) {
                    break;
                }
                continue;
            }
            self.offer(Hyp { score, node: h.node, ..s.h }, || Node {
                parent: h.node,
                codes: s.codes,
                n: s.n,
                verbatim: s.verbatim,
                conf: s.conf,
                keep: false,
            });
        }
    }

    /// The kept candidates, best first, without those [`PRUNE_MARGIN`] behind the best.
    fn finish(&mut self) -> std::vec::Drain<'_, (Hyp, Node)> {
        let best = self.best;
        self.top.retain(|c| c.0.score > best - PRUNE_MARGIN);
        self.top.drain(..)
    }
}

/// The beam kept of all of a step's candidates at once (see [`Pruner`]).
#[cfg(test)]
fn prune(b: &mut Vec<(Hyp, Node)>) {
    let mut p = Pruner::default();
    for &(h, node) in b.iter() {
        p.offer(h, || node);
    }
    let kept: Vec<(Hyp, Node)> = p.finish().collect();
    *b = kept;
}

fn backtrack(nodes: &[Node], mut at: u32, n: usize) -> Vec<UnitOut> {
    let mut out = Vec::with_capacity(n);
    while at != u32::MAX {
        let node = &nodes[at as usize];
        let text = node.codes[..node.n as usize]
            .iter()
            .map(|&c| gbk().decode(c).map_or('\u{FFFD}', halfwidth))
            .collect();
        out.push(UnitOut { text, verbatim: node.verbatim, conf: node.conf, keep: node.keep });
        at = node.parent;
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A candidate whose node's `parent` is its index, so the kept ones can be named.
    fn cand(i: usize, score: f32, last: u16, pending: u16) -> (Hyp, Node) {
        let h = Hyp {
            score,
            pending,
            last,
            tail: 0,
            owe: false,
            matched: false,
            in_word: false,
            node: 0,
        };
        let node = Node {
            parent: i as u32,
            codes: [NONE; 4],
            n: 0,
            verbatim: false,
            conf: 0.0,
            keep: false,
        };
        (h, node)
    }

    /// The definition: within the margin, best first with earlier candidates winning ties,
    /// each state's first, at most [`SAME_LAST_PENDING`] mid-character ones per last
    /// character, at most [`BEAM`].
    fn by_sorting(b: &[(Hyp, Node)]) -> Vec<u32> {
        let best = b.iter().map(|c| c.0.score).fold(f32::MIN, f32::max);
        let mut v: Vec<&(Hyp, Node)> =
            b.iter().filter(|c| c.0.score > best - PRUNE_MARGIN).collect();
        v.sort_by(|x, y| y.0.score.total_cmp(&x.0.score));
        let mut states = Vec::new();
        let mut kept = Vec::new();
        for c in v {
            let same = states.iter().filter(|s: &&(u16, u16)| s.1 == c.0.last && s.0 != NONE);
            let full = c.0.pending != NONE && same.count() >= SAME_LAST_PENDING;
            if kept.len() < BEAM && !states.contains(&(c.0.pending, c.0.last)) && !full {
                states.push((c.0.pending, c.0.last));
                kept.push(c.1.parent);
            }
        }
        kept
    }

    /// A search whose steps come from the memo (filled by other lines, or by the same
    /// line before) reconstructs exactly what a search with an empty memo does.
    #[test]
    fn memoized_steps_reconstruct_what_fresh_ones_do() {
        use super::super::detect::DocModel;
        use super::super::tokens::tokenize;
        let text = include_str!("../../tests/data/pinyin_damaged_lines.txt");
        let chars: Vec<Vec<char>> = text.lines().map(|l| l.chars().collect()).collect();
        let toks: Vec<Vec<Tok>> = chars.iter().map(|c| tokenize(c)).collect();
        let m = DocModel::build(&chars, &toks);
        let show = |o: &[UnitOut]| -> Vec<(String, bool, u32, bool)> {
            o.iter().map(|u| (u.text.clone(), u.verbatim, u.conf.to_bits(), u.keep)).collect()
        };
        for printed in [false, true] {
            let warm = Memos::default();
            let ctx = m.ctx(printed);
            let mut searched = 0;
            for (c, t) in chars.iter().zip(&toks).filter(|(_, t)| t.len() > 8) {
                let fresh = decode_scored(t, c, &ctx, &Memos::default());
                for _ in 0..2 {
                    let again = decode_scored(t, c, &ctx, &warm);
                    assert_eq!(show(&again.0), show(&fresh.0));
                    assert_eq!(again.1.to_bits(), fresh.1.to_bits());
                }
                searched += usize::from(fresh.1 != 0.0);
            }
            assert!(searched > 10, "{searched} lines searched");
        }
    }

    #[test]
    fn prune_keeps_each_states_best_then_the_best_states_earlier_winning_ties() {
        let mut rng = crate::testing::Xorshift::default();
        let mut next = |n: usize| rng.below(n);
        for round in 0..2000 {
            let n = 1 + next(60);
            // Few states and few distinct scores, so states repeat and scores tie; some
            // candidates fall outside the margin, often before the best one comes.
            let states = 1 + next(14);
            // Half the candidates end mid-character, with one of a few pending leads, so
            // the cap on pending readings after one character applies too.
            let cands: Vec<(Hyp, Node)> = (0..n)
                .map(|i| {
                    let last = next(states) as u16;
                    let pending = [NONE, NONE, NONE, NONE, 0x81, 0x82, 0x83, 0x84, 0x85][next(9)];
                    cand(i, next(12) as f32 * -5.0, last, pending)
                })
                .collect();
            let mut pruned = cands.clone();
            prune(&mut pruned);
            let got: Vec<u32> = pruned.iter().map(|c| c.1.parent).collect();
            let want = by_sorting(&cands);
            assert_eq!(got, want, "round {round}");
            // The same candidates as the search makes them: runs of them the steps of one
            // hypothesis (scored from zero here), some of which are skipped unoffered.
            let mut p = Pruner::default();
            let mut at = 0;
            while at < n {
                let run = (1 + next(6)).min(n - at);
                let mut steps: Vec<Step> = cands[at..at + run]
                    .iter()
                    .map(|(h, node)| Step {
                        h: *h,
                        // Which candidate it was, read back from the kept node.
                        codes: [node.parent as u16; 4],
                        n: 0,
                        verbatim: false,
                        conf: 0.0,
                        rest_max: 0.0,
                    })
                    .collect();
                set_rest_max(&mut steps);
                let h = Hyp { score: 0.0, ..cands[0].0 };
                p.offer_steps(&h, &steps);
                at += run;
            }
            let got: Vec<u32> = p.finish().map(|c| u32::from(c.1.codes[0])).collect();
            assert_eq!(got, want, "round {round}, by steps");
        }
    }
}
