//! Beam search over the original GBK byte stream of one damaged segment.
//!
//! Every observed unit stands for known bytes, except a decoder error `?` (one lost byte,
//! plus the swallowed ASCII byte) and pairs the decoder silently dropped (private use).
//! A hypothesis is the original stream parsed from the segment start: the pending lead
//! byte, if the stream currently ends mid-character, and the last original character.
//! Glosses are checked, not decoded: the two bytes before each must spell a character
//! with that reading. Each step is scored with the character language model.

use super::gbk::{fullwidth_code, gbk, halfwidth, is_lead, is_trail};
use super::lm::{general, logp, DocLm, START};
use super::pinyin_idx::pinyin_index;
use super::tokens::{Tok, Unit};
use std::collections::HashSet;
use std::sync::OnceLock;

const NONE: u16 = 0xFFFF;
/// Output marker for an ASCII byte the decoder swallowed; chosen later from context.
pub const SWALLOWED: u16 = 0xFFFE;
const BEAM: usize = 12;
/// A known table pair in the stream that no gloss follows: the annotator would have glossed it.
const OWE_PENALTY: f32 = -12.0;
const GLOSS_MISMATCH: f32 = -20.0;
const TABLE_BONUS: f32 = 2.0;
const FULLWIDTH_PENALTY: f32 = -1.0;
const DROP_PENALTY: f32 = -5.0;
const ERROR_PENALTY: f32 = -1.0;

pub struct Ctx<'a> {
    pub doc: &'a DocLm,
    /// Codes seen glossed in the document: the annotator's table as far as it is known.
    pub table: &'a HashSet<u16>,
}

/// What one unit became.
#[derive(Debug, Clone)]
pub struct UnitOut {
    pub text: String,
    pub verbatim: bool,
    pub conf: f32,
}

#[derive(Clone, Copy)]
struct Hyp {
    score: f32,
    pending: u16,
    last: u16,
    owe: bool,
    node: u32,
}

struct Node {
    parent: u32,
    codes: [u16; 4],
    n: u8,
    verbatim: bool,
    conf: f32,
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
        }
    }

    fn code(&mut self, code: u16, ctx: &Ctx) {
        if code > 0xFF {
            self.byte((code >> 8) as u8, ctx);
        }
        self.byte(code as u8, ctx);
    }

    /// The two stream bytes before a gloss, as a code, if they can be a character.
    fn glossed_pair(&self) -> Option<u16> {
        let last = self.h.last;
        if last <= 0xFF || last == NONE || last == SWALLOWED {
            return None;
        }
        Some(if self.h.pending != NONE {
            ((last & 0xFF) << 8) | self.h.pending
        } else {
            last
        })
    }
}

/// Leads that most often pair with a given trail byte, for guessing dropped pairs.
fn likely_leads(trail: u8) -> &'static [u8] {
    static T: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    let t = T.get_or_init(|| {
        (0..=255u8)
            .map(|x| {
                let mut v: Vec<(f32, u8)> = (0x81..=0xFEu8)
                    .map(|l| (general().unigram(u16::from_be_bytes([l, x])), l))
                    .filter(|&(f, l)| f > 0.0 && gbk().pair(u16::from_be_bytes([l, x])).is_some())
                    .collect();
                v.sort_by(|a, b| b.0.total_cmp(&a.0));
                v.into_iter().take(8).map(|(_, l)| l).collect()
            })
            .collect()
    });
    &t[trail as usize]
}

/// Whether the damaging decoder would have silently dropped the pair `a b`.
fn dropped(a: u8, b: u8) -> bool {
    is_lead(a) && is_trail(b) && gbk().pair(u16::from_be_bytes([a, b])).is_none()
}

fn char_code(c: char) -> Option<u16> {
    gbk().encode(c)
}

fn expand(h: Hyp, tok: &Tok, next: Option<&Tok>, ctx: &Ctx, out: &mut Vec<Ext>) {
    let g = gbk();
    let idx = pinyin_index();
    match &tok.unit {
        Unit::Char(c) => {
            let Some(code) = char_code(*c) else {
                // Not from the GBK stream at all: it cannot continue a pending character.
                let mut e = Ext::new(h);
                if e.h.pending != NONE {
                    e.h.score += GLOSS_MISMATCH;
                    e.h.pending = NONE;
                }
                e.h.last = START;
                out.push(e);
                return;
            };
            let mut e = Ext::new(h);
            e.code(code, ctx);
            out.push(e);
            if let Some(fw) = fullwidth_code(*c) {
                let mut e = Ext::new(h);
                e.h.score += FULLWIDTH_PENALTY;
                e.code(fw, ctx);
                out.push(e);
            }
            if h.pending != NONE {
                expand_drops(h, code, ctx, out);
            }
        }
        Unit::Gloss(py) => {
            let mut e = Ext::new(h);
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
            let lead = if h.pending != NONE {
                Some(h.pending as u8)
            } else if h.last > 0xFF && h.last < SWALLOWED {
                Some(h.last as u8)
            } else {
                None
            };
            if let Some(lead) = lead {
                for &code in idx.codes(py).iter().filter(|&&c| (c >> 8) as u8 == lead) {
                    if h.pending == NONE && !is_lead(code as u8) {
                        continue;
                    }
                    let mut e = Ext::new(h);
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
                let mut e = Ext::new(h);
                e.h.score += GLOSS_MISMATCH;
                e.h.pending = NONE;
                out.push(e);
            }
        }
        Unit::Q | Unit::ResidueQ => {
            let forced = tok.unit == Unit::ResidueQ;
            if !forced || h.pending == NONE {
                for code in [u16::from(b'?'), 0xA3BF] {
                    let mut e = Ext::new(h);
                    e.code(code, ctx);
                    out.push(e);
                }
            }
            if h.pending != NONE {
                let lead = h.pending as u8;
                for t in (0x40..=0xFEu8).filter(|&t| is_trail(t)) {
                    let code = u16::from_be_bytes([lead, t]);
                    if g.pair(code).is_none() || ctx.table.contains(&code) {
                        continue;
                    }
                    let mut e = Ext::new(h);
                    e.h.score += ERROR_PENALTY;
                    e.byte(t, ctx);
                    e.emit(SWALLOWED, ctx);
                    out.push(e);
                }
            }
        }
        Unit::Residue => out.push(Ext::new(h)),
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

/// Hypothesises a pair the decoder dropped between the pending lead and this unit.
fn expand_drops(h: Hyp, code: u16, ctx: &Ctx, out: &mut Vec<Ext>) {
    let first = if code > 0xFF {
        (code >> 8) as u8
    } else {
        code as u8
    };
    let l = h.pending as u8;
    for h1 in (0xA1..=0xFEu8).filter(|&b| gbk().pair(u16::from_be_bytes([l, b])).is_some()) {
        for &h2 in likely_leads(first) {
            if !dropped(h1, h2) {
                continue;
            }
            let mut e = Ext::new(h);
            e.h.score += DROP_PENALTY;
            e.byte(h1, ctx);
            e.byte(h2, ctx);
            e.code(code, ctx);
            if e.ok {
                out.push(e);
            }
        }
    }
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

/// Reconstructs one segment; returns one [`UnitOut`] per token.
pub fn decode_segment(toks: &[Tok], ctx: &Ctx) -> Vec<UnitOut> {
    let mut nodes: Vec<Node> = Vec::with_capacity(toks.len() * BEAM);
    let root = Hyp {
        score: 0.0,
        pending: NONE,
        last: START,
        owe: false,
        node: u32::MAX,
    };
    let mut beam = vec![root];
    let mut exts = Vec::new();
    let mut next_beam: Vec<Hyp> = Vec::new();
    for (i, tok) in toks.iter().enumerate() {
        next_beam.clear();
        for h in &beam {
            exts.clear();
            expand(*h, tok, toks.get(i + 1), ctx, &mut exts);
            exts.retain(|e| e.ok);
            let max = exts
                .iter()
                .map(|e| e.h.score + e.lookahead)
                .fold(f32::MIN, f32::max);
            let z: f32 = exts
                .iter()
                .map(|e| (e.h.score + e.lookahead - max).exp())
                .sum();
            for e in &exts {
                let conf = ((e.h.score + e.lookahead - max).exp() / z).min(0.99);
                nodes.push(Node {
                    parent: h.node,
                    codes: e.codes,
                    n: e.n,
                    verbatim: verbatim(tok, h, e),
                    conf,
                });
                next_beam.push(Hyp {
                    node: nodes.len() as u32 - 1,
                    ..e.h
                });
            }
        }
        prune(&mut next_beam);
        std::mem::swap(&mut beam, &mut next_beam);
    }
    let best = beam
        .iter()
        .max_by(|a, b| final_score(a).total_cmp(&final_score(b)))
        .copied()
        .unwrap_or(root);
    backtrack(&nodes, best.node, toks.len())
}

fn final_score(h: &Hyp) -> f32 {
    h.score + if h.pending != NONE { -50.0 } else { 0.0 } + if h.owe { OWE_PENALTY } else { 0.0 }
}

/// Keeps the best hypothesis per state, then the best [`BEAM`] states.
fn prune(b: &mut Vec<Hyp>) {
    b.sort_by(|x, y| {
        (x.pending, x.last, x.owe)
            .cmp(&(y.pending, y.last, y.owe))
            .then(y.score.total_cmp(&x.score))
    });
    b.dedup_by(|x, y| (x.pending, x.last, x.owe) == (y.pending, y.last, y.owe));
    b.sort_by(|x, y| y.score.total_cmp(&x.score));
    b.truncate(BEAM);
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
        });
        at = node.parent;
    }
    out.reverse();
    out
}
