//! Beam search over the original GBK byte stream of one damaged segment.
//!
//! Every observed unit stands for known bytes, except a decoder error `?` (one lost byte,
//! plus the swallowed ASCII byte) and pairs the decoder silently dropped (private use).
//! A hypothesis is the original stream parsed from the segment start: the pending lead
//! byte, if the stream currently ends mid-character, and the last original character.
//! Glosses are checked, not decoded: the two bytes before each must spell a character
//! with that reading. Each step is scored with the character language model.

use super::gbk::{fullwidth_code, gbk, halfwidth, is_lead, is_trail};
use super::lm::FastSet;
use super::lm::{general, logp, DocLm, EOL, START};
use super::pinyin_idx::pinyin_index;
use super::tokens::{Tok, Unit};
use std::sync::OnceLock;

const NONE: u16 = 0xFFFF;
/// Output marker for an ASCII byte the decoder swallowed; chosen later from context.
pub const SWALLOWED: u16 = 0xFFFE;
const BEAM: usize = 12;
/// Only the best few hypotheses also try a dropped pair before each unit.
const DROP_BEAM: usize = 6;
/// ... and only when within this log-score of the best.
const HEAVY_MARGIN: f32 = 15.0;
/// Hypotheses this far behind the best are dropped outright.
const PRUNE_MARGIN: f32 = 30.0;
/// A known table pair in the stream that no gloss follows: the annotator would have glossed it.
const OWE_PENALTY: f32 = -12.0;
const GLOSS_MISMATCH: f32 = -20.0;
const TABLE_BONUS: f32 = 2.0;
const FULLWIDTH_PENALTY: f32 = -1.0;
const DROP_PENALTY: f32 = -1.5;
const ERROR_PENALTY: f32 = -1.0;

pub struct Ctx<'a> {
    pub doc: &'a DocLm,
    /// Codes seen glossed in the document: the annotator's table as far as it is known.
    pub table: &'a FastSet<u16>,
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
struct Hyp {
    score: f32,
    pending: u16,
    last: u16,
    /// The last two bytes of the stream: what a gloss here would follow.
    tail: u16,
    owe: bool,
    node: u32,
}

struct Node {
    parent: u32,
    codes: [u16; 4],
    n: u8,
    verbatim: bool,
    conf: f32,
    /// Emit the observed text of the unit: nothing explained it.
    keep: bool,
}

#[derive(Clone)]
struct Ext {
    h: Hyp,
    codes: [u16; 4],
    n: u8,
    ok: bool,
    /// Added to the score only to rank siblings for the confidence figure.
    lookahead: f32,
}

impl Ext {
    fn new(h: Hyp) -> Ext {
        Ext {
            h,
            codes: [NONE; 4],
            n: 0,
            ok: true,
            lookahead: 0.0,
        }
    }

    fn emit(&mut self, code: u16, ctx: &Ctx) {
        if self.n as usize == self.codes.len() {
            self.ok = false;
            return;
        }
        if code != SWALLOWED {
            self.h.score += logp(ctx.doc, self.h.last, code);
        }
        self.h.last = if code == SWALLOWED {
            u16::from(b',')
        } else {
            code
        };
        self.codes[self.n as usize] = code;
        self.n += 1;
    }

    /// Appends one original byte.
    fn byte(&mut self, b: u8, ctx: &Ctx) {
        if !self.ok {
            return;
        }
        self.h.tail = (self.h.tail << 8) | u16::from(b);
        if self.h.owe {
            self.h.score += OWE_PENALTY;
            self.h.owe = false;
        }
        if self.h.pending != NONE {
            let code = (self.h.pending << 8) | u16::from(b);
            if !is_trail(b) || gbk().pair(code).is_none() {
                self.ok = false;
                return;
            }
            self.h.pending = NONE;
            self.emit(code, ctx);
            self.h.owe = ctx.table.contains(&code);
        } else if b <= 0x80 {
            self.emit(u16::from(b), ctx);
        } else if is_lead(b) {
            self.h.pending = u16::from(b);
            if self.h.last > 0xFF && self.h.last != NONE {
                self.h.owe = ctx
                    .table
                    .contains(&(((self.h.last & 0xFF) << 8) | u16::from(b)));
            }
        } else {
            self.ok = false;
            return;
        }
        self.h.owe = ctx.table.contains(&self.h.tail);
    }

    fn code(&mut self, code: u16, ctx: &Ctx) {
        if code > 0xFF {
            self.byte((code >> 8) as u8, ctx);
        }
        self.byte(code as u8, ctx);
    }

    /// The two stream bytes before a gloss, as a code, if they can be a character.
    fn glossed_pair(&self) -> Option<u16> {
        let t = self.h.tail;
        (is_lead((t >> 8) as u8) && gbk().pair(t).is_some()).then_some(t)
    }
}

/// Per trail byte, the leads that make a known character with it, most frequent first.
fn leads_for(trail: u8) -> &'static [u8] {
    static T: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    let t = T.get_or_init(|| {
        (0..=255u8)
            .map(|x| {
                let mut v: Vec<(f32, u8)> = (0x81..=0xFEu8)
                    .map(|l| (general().unigram(u16::from_be_bytes([l, x])), l))
                    .filter(|&(f, l)| f > 0.0 && gbk().pair(u16::from_be_bytes([l, x])).is_some())
                    .collect();
                v.sort_by(|a, b| b.0.total_cmp(&a.0));
                v.into_iter().take(48).map(|(_, l)| l).collect()
            })
            .collect()
    });
    &t[trail as usize]
}

/// Per lead byte, the trails of its most frequent characters: candidates for a byte the
/// decoder lost, where only the left neighbour constrains the character.
fn common_trails(lead: u8) -> &'static [u8] {
    static T: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    let t = T.get_or_init(|| {
        (0..=255u8)
            .map(|l| {
                let mut v: Vec<(f32, u8)> = (0x40..=0xFEu8)
                    .filter(|&t| is_trail(t) && gbk().pair(u16::from_be_bytes([l, t])).is_some())
                    .map(|t| {
                        (
                            general().unigram(u16::from_be_bytes([l, t])) + symbol_prior_rank(l),
                            t,
                        )
                    })
                    .collect();
                v.sort_by(|a, b| b.0.total_cmp(&a.0));
                v.into_iter().take(48).map(|(_, t)| t).collect()
            })
            .collect()
    });
    &t[lead as usize]
}

/// Punctuation rows have no general counts; keep them all in play.
fn symbol_prior_rank(lead: u8) -> f32 {
    if matches!(lead, 0xA1 | 0xA3) {
        1.0
    } else {
        0.0
    }
}

/// Per lead byte, trail bytes that complete a known character and can start a pair the
/// decoder drops (private-use rows), most frequent first.
fn drop_trails(lead: u8) -> &'static [u8] {
    static T: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    let t = T.get_or_init(|| {
        (0..=255u8)
            .map(|l| {
                let mut v: Vec<(f32, u8)> = (0xA1..=0xFEu8)
                    .filter(|&t| (0x81..=0xFE).any(|h2| dropped(t, h2)))
                    .map(|t| (general().unigram(u16::from_be_bytes([l, t])), t))
                    .filter(|&(f, t)| f > 0.0 && gbk().pair(u16::from_be_bytes([l, t])).is_some())
                    .collect();
                v.sort_by(|a, b| b.0.total_cmp(&a.0));
                v.into_iter().take(4).map(|(_, t)| t).collect()
            })
            .collect()
    });
    &t[lead as usize]
}

/// Whether the damaging decoder would have silently dropped the pair `a b`.
fn dropped(a: u8, b: u8) -> bool {
    is_lead(a) && is_trail(b) && gbk().pair(u16::from_be_bytes([a, b])).is_none()
}

fn char_code(c: char) -> Option<u16> {
    gbk().encode(c)
}

/// The original character that starts with this two-byte unit's trail, if the next
/// unit supplies its second byte.
fn right_char(code: u16, next: Option<&Tok>) -> Option<u16> {
    let Some(Tok {
        unit: Unit::Char(c),
        ..
    }) = next
    else {
        return None;
    };
    let r = u16::from_be_bytes([code as u8, first_byte(char_code(*c)?)]);
    (code > 0xFF && gbk().pair(r).is_some()).then_some(r)
}

fn first_byte(code: u16) -> u8 {
    if code > 0xFF {
        (code >> 8) as u8
    } else {
        code as u8
    }
}

/// Hypothesises a pair the decoder silently dropped right before this unit: the pending
/// lead's trail `h1` and the next character's lead `h2`. Returns the states after it.
fn drop_variants(h: Hyp, tok: &Tok, leads: &[u8], ctx: &Ctx, out: &mut Vec<Ext>) {
    const PER_H1: usize = 6;
    let l = h.pending as u8;
    for &h1 in drop_trails(l) {
        let mut push = |h2: u8| {
            let mut e = Ext::new(h);
            e.h.score += DROP_PENALTY;
            e.byte(h1, ctx);
            e.byte(h2, ctx);
            if e.ok {
                out.push(e);
            }
        };
        match &tok.unit {
            Unit::Char(_) => leads
                .iter()
                .filter(|&&h2| dropped(h1, h2))
                .take(PER_H1)
                .for_each(|&h2| push(h2)),
            // The reading pins the lead down already.
            Unit::ErrGloss(py) => {
                let mut v: Vec<u8> = pinyin_index()
                    .codes(py)
                    .iter()
                    .map(|&c| (c >> 8) as u8)
                    .collect();
                v.dedup();
                v.into_iter().filter(|&h2| dropped(h1, h2)).for_each(push);
            }
            _ => return,
        }
    }
}

/// Leads for a character hidden by a dropped pair right before a character unit, best
/// first. The hidden character's trail is the unit's first byte and the character after
/// it is known too, so both sides score it; the same list serves every hypothesis.
fn hidden_leads(tok: &Tok, next: Option<&Tok>, ctx: &Ctx) -> Vec<u8> {
    let Unit::Char(c) = tok.unit else {
        return Vec::new();
    };
    let Some(code) = char_code(c) else {
        return Vec::new();
    };
    let x = first_byte(code);
    let right = right_char(code, next);
    let mut v: Vec<(f32, u8)> = leads_for(x)
        .iter()
        .map(|&h2| {
            let mid = u16::from_be_bytes([h2, x]);
            let r = right.map_or(0.0, |r| logp(ctx.doc, mid, r));
            (ctx.doc.floor(mid).ln() + r, h2)
        })
        .collect();
    v.sort_by(|a, b| b.0.total_cmp(&a.0));
    v.into_iter().take(24).map(|(_, h2)| h2).collect()
}

fn expand(base: &Ext, tok: &Tok, next: Option<&Tok>, ctx: &Ctx, out: &mut Vec<Ext>) {
    let h = base.h;
    let idx = pinyin_index();
    match &tok.unit {
        Unit::Char(c) => {
            let Some(code) = char_code(*c) else {
                // Not from the GBK stream at all: it cannot continue a pending character.
                let mut e = base.clone();
                if e.h.pending != NONE {
                    e.h.score += GLOSS_MISMATCH;
                    e.h.pending = NONE;
                }
                e.h.last = START;
                out.push(e);
                return;
            };
            let mut e = base.clone();
            e.code(code, ctx);
            out.push(e);
            if let Some(fw) = fullwidth_code(*c) {
                let mut e = base.clone();
                e.h.score += FULLWIDTH_PENALTY;
                e.code(fw, ctx);
                out.push(e);
            }
        }
        Unit::Gloss(py) => {
            let mut e = base.clone();
            e.h.owe = false;
            match e.glossed_pair() {
                Some(p) if idx.reads(p, py) => {
                    if ctx.table.contains(&p) {
                        e.h.score += TABLE_BONUS;
                    }
                }
                _ => e.h.score += GLOSS_MISMATCH,
            }
            out.push(e);
        }
        Unit::ErrGloss(py) => {
            let before = out.len();
            // The lost byte completes a character after the stream's last byte.
            let lead = Some(h.tail as u8).filter(|&b| is_lead(b));
            if let Some(lead) = lead {
                for &code in idx.codes(py).iter().filter(|&&c| (c >> 8) as u8 == lead) {
                    if h.pending == NONE && !is_lead(code as u8) {
                        continue;
                    }
                    let mut e = base.clone();
                    e.byte(code as u8, ctx);
                    if !e.ok {
                        continue;
                    }
                    e.h.owe = false;
                    if ctx.table.contains(&code) {
                        e.h.score += TABLE_BONUS;
                    }
                    if e.h.pending != NONE {
                        e.lookahead = lookahead(e.h.pending as u8, next);
                    }
                    out.push(e);
                }
            }
            if out.len() == before {
                // No character with that reading fits: keep the text, flag it.
                let mut e = base.clone();
                e.h.score += GLOSS_MISMATCH;
                e.h.pending = NONE;
                out.push(e);
            }
        }
        Unit::Q | Unit::ResidueQ => {
            let forced = tok.unit == Unit::ResidueQ;
            if !forced || h.pending == NONE {
                for code in [u16::from(b'?'), 0xA3BF] {
                    let mut e = base.clone();
                    e.code(code, ctx);
                    out.push(e);
                }
            }
            if h.pending != NONE {
                for &t in common_trails(h.pending as u8) {
                    let code = u16::from_be_bytes([h.pending as u8, t]);
                    if ctx.table.contains(&code) {
                        continue;
                    }
                    let mut e = base.clone();
                    e.h.score += ERROR_PENALTY;
                    e.byte(t, ctx);
                    e.emit(SWALLOWED, ctx);
                    out.push(e);
                }
            }
        }
        Unit::Residue => out.push(base.clone()),
    }
}

fn lookahead(lead: u8, next: Option<&Tok>) -> f32 {
    let Some(Tok {
        unit: Unit::Char(c),
        ..
    }) = next
    else {
        return 0.0;
    };
    let Some(code) = char_code(*c) else {
        return 0.0;
    };
    let x = (code >> if code > 0xFF { 8 } else { 0 }) as u8;
    (general().unigram(u16::from_be_bytes([lead, x])) + 1.0).ln()
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

/// Reconstructs one segment (which ends a paragraph); returns one [`UnitOut`] per token.
pub fn decode_segment(toks: &[Tok], ctx: &Ctx) -> Vec<UnitOut> {
    // Misalignment can only start at a gloss that ate its `(`: up to the first one the
    // decoder was in step, so only glosses need removing there.
    let first = toks
        .iter()
        .position(|t| matches!(t.unit, Unit::ErrGloss(_) | Unit::ResidueQ | Unit::Residue))
        .unwrap_or(toks.len());
    let (mut out, last, tail) = aligned_prefix(&toks[..first]);
    if first < toks.len() {
        out.extend(search(&toks[first..], last, tail, ctx));
    }
    out
}

/// Units decoded in step: characters are themselves, glosses that fit their character
/// are removed (others are kept as text), and a `?` is a question mark.
fn aligned_prefix(toks: &[Tok]) -> (Vec<UnitOut>, u16, u16) {
    let (mut last, mut tail) = (START, 0u16);
    let out = toks
        .iter()
        .map(|t| match &t.unit {
            Unit::Gloss(py) if is_lead((tail >> 8) as u8) && pinyin_index().reads(tail, py) => {
                UnitOut {
                    text: String::new(),
                    verbatim: false,
                    conf: 0.99,
                    keep: false,
                }
            }
            unit => {
                let code = match unit {
                    Unit::Char(c) => char_code(*c),
                    Unit::Q => Some(u16::from(b'?')),
                    _ => None,
                };
                match code {
                    Some(c) if c > 0xFF => tail = c,
                    Some(c) => tail = (tail << 8) | c,
                    None => tail = 0,
                }
                last = code.unwrap_or(START);
                UnitOut {
                    text: String::new(),
                    verbatim: true,
                    conf: 1.0,
                    keep: false,
                }
            }
        })
        .collect();
    (out, last, tail)
}

/// Beam search from an in-step state after the character `last`.
fn search(toks: &[Tok], last: u16, tail: u16, ctx: &Ctx) -> Vec<UnitOut> {
    let mut nodes: Vec<Node> = Vec::with_capacity(toks.len() * BEAM);
    let root = Hyp {
        score: 0.0,
        pending: NONE,
        last,
        tail,
        owe: false,
        node: u32::MAX,
    };
    let mut beam = vec![root];
    let mut exts = Vec::new();
    let mut bases = Vec::new();
    let mut cands: Vec<(Hyp, Node)> = Vec::new();
    for (i, tok) in toks.iter().enumerate() {
        cands.clear();
        let best = beam.iter().map(|h| h.score).fold(f32::MIN, f32::max);
        let mut hidden: Option<Vec<u8>> = None;
        for (rank, h) in beam.iter().enumerate() {
            // Costly hypotheses (lost and dropped bytes) only for contenders.
            let heavy = rank < DROP_BEAM && h.score > best - HEAVY_MARGIN;
            exts.clear();
            expand(&Ext::new(*h), tok, toks.get(i + 1), ctx, &mut exts);
            if h.pending != NONE && heavy {
                bases.clear();
                let leads = hidden.get_or_insert_with(|| hidden_leads(tok, toks.get(i + 1), ctx));
                drop_variants(*h, tok, leads, ctx, &mut bases);
                for b in &bases {
                    expand(b, tok, toks.get(i + 1), ctx, &mut exts);
                }
            }
            exts.retain(|e| e.ok);
            let rank_score = |e: &Ext| e.h.score + e.lookahead;
            let max = exts.iter().map(rank_score).fold(f32::MIN, f32::max);
            let z: f32 = exts.iter().map(|e| (rank_score(e) - max).exp()).sum();
            for e in &exts {
                let node = Node {
                    parent: h.node,
                    codes: e.codes,
                    n: e.n,
                    verbatim: verbatim(tok, h, e),
                    conf: ((rank_score(e) - max).exp() / z).min(0.99),
                    keep: false,
                };
                cands.push((e.h, node));
            }
        }
        if cands.is_empty() {
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
            cands.push((
                Hyp {
                    score: h.score + GLOSS_MISMATCH,
                    pending: NONE,
                    last: START,
                    owe: false,
                    ..h
                },
                node,
            ));
        }
        prune(&mut cands);
        beam.clear();
        for (h, node) in cands.drain(..) {
            nodes.push(node);
            beam.push(Hyp {
                node: nodes.len() as u32 - 1,
                ..h
            });
        }
    }
    let end = |h: &Hyp| {
        final_score(h)
            + if h.pending == NONE {
                logp(ctx.doc, h.last, EOL)
            } else {
                0.0
            }
    };
    let best = beam
        .iter()
        .max_by(|a, b| end(a).total_cmp(&end(b)))
        .copied()
        .unwrap_or(root);
    backtrack(&nodes, best.node, toks.len())
}

fn final_score(h: &Hyp) -> f32 {
    h.score + if h.pending != NONE { -50.0 } else { 0.0 } + if h.owe { OWE_PENALTY } else { 0.0 }
}

/// Keeps the best hypothesis per state, then the best [`BEAM`] states.
fn prune(b: &mut Vec<(Hyp, Node)>) {
    let best = b.iter().map(|c| c.0.score).fold(f32::MIN, f32::max);
    b.retain(|c| c.0.score > best - PRUNE_MARGIN);
    let key = |h: &Hyp| (h.pending, h.last, h.tail, h.owe);
    b.sort_unstable_by(|(x, _), (y, _)| key(x).cmp(&key(y)).then(y.score.total_cmp(&x.score)));
    b.dedup_by(|x, y| key(&x.0) == key(&y.0));
    if b.len() > BEAM {
        b.select_nth_unstable_by(BEAM, |x, y| y.0.score.total_cmp(&x.0.score));
        b.truncate(BEAM);
    }
}

fn backtrack(nodes: &[Node], mut at: u32, n: usize) -> Vec<UnitOut> {
    let mut out = Vec::with_capacity(n);
    while at != u32::MAX {
        let node = &nodes[at as usize];
        let text = node.codes[..node.n as usize]
            .iter()
            .map(|&c| {
                if c == SWALLOWED {
                    '\0'
                } else {
                    gbk().decode(c).map_or('\u{FFFD}', halfwidth)
                }
            })
            .collect();
        out.push(UnitOut {
            text,
            verbatim: node.verbatim,
            conf: node.conf,
            keep: node.keep,
        });
        at = node.parent;
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn dbg_tables() {
        eprintln!("drop_trails(95) = {:02X?}", drop_trails(0x95));
        eprintln!("drop_trails(91) = {:02X?}", drop_trails(0x91));
        eprintln!("leads_for(D0) has B8: {}", leads_for(0xD0).contains(&0xB8));
        eprintln!(
            "dropped(FE,B8) {} dropped(AA,D4) {}",
            dropped(0xFE, 0xB8),
            dropped(0xAA, 0xD4)
        );
        eprintln!("uni 95FE {}", general().unigram(0x95FE));
        let d = DocLm::new();
        for (a, b) in [
            (0xCED2u16, 0x95FEu16),
            (0x95FE, 0xB8D0),
            (0xB8D0, 0xB5BD),
            (0xCED2, 0xBAD0),
            (0xBAD0, 0xB5BD),
            (0x95FE, 0xD3D0),
        ] {
            eprintln!("{a:X} {b:X} {}", logp(&d, a, b));
        }
    }
}
