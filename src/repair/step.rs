//! One step of the search: the state of a hypothesis, appending original bytes to it,
//! and the ways each observed unit can extend it.

use super::context::Ctx;
use super::gbk::{fullwidth_code, gbk, is_lead, is_trail};
use super::lm::{general, logp, logp_word, START};
use super::pinyin_idx::pinyin_index;
use super::tokens::{Tok, Unit};

pub(super) const NONE: u16 = 0xFFFF;
/// A known table pair in the stream that no gloss follows: the annotator would have glossed it.
pub(super) const OWE_PENALTY: f32 = -12.0;
/// A gloss that no character before it can carry.
pub(super) const GLOSS_MISMATCH: f32 = -20.0;
const TABLE_BONUS: f32 = 2.0;
const FULLWIDTH_PENALTY: f32 = -1.0;
/// Reading a letter or digit as the middle of a misaligned full-width form: Chinese text
/// writes letters and digits half-width far more often than its punctuation, so a
/// misaligned run that only continues through them is most likely a wrong turn.
const FULLWIDTH_ALNUM_PENALTY: f32 = -4.0;
/// An ASCII letter read as a character's trail byte while the unit after it is a letter
/// too: the reading splits a Latin word (`證ES` for ` CES`).
const LATIN_SPLIT_PENALTY: f32 = -3.0;
const ERROR_PENALTY: f32 = -1.0;

#[derive(Clone, Copy)]
pub(super) struct Hyp {
    pub(super) score: f32,
    pub(super) pending: u16,
    pub(super) last: u16,
    /// The last two bytes of the stream: what a gloss here would follow.
    pub(super) tail: u16,
    pub(super) owe: bool,
    /// The stream's last byte ended a glossed pair. The annotator's replace runs leftmost
    /// first without overlap, so the pair that byte starts cannot be glossed.
    pub(super) matched: bool,
    /// The last character continued a word (see [`logp_word`]).
    pub(super) in_word: bool,
    pub(super) node: u32,
}

#[derive(Clone)]
pub(super) struct Ext {
    pub(super) h: Hyp,
    pub(super) codes: [u16; 4],
    pub(super) n: u8,
    pub(super) ok: bool,
    /// Added to the score only to rank siblings for the confidence figure.
    pub(super) lookahead: f32,
    /// Upper bound on the confidence, for a choice made inside the step (the swallowed byte).
    pub(super) conf_cap: f32,
}

impl Ext {
    pub(super) fn new(h: Hyp) -> Ext {
        Ext { h, codes: [NONE; 4], n: 0, ok: true, lookahead: 0.0, conf_cap: 1.0 }
    }

    pub(super) fn emit(&mut self, code: u16, ctx: &Ctx) {
        if self.n as usize == self.codes.len() {
            self.ok = false;
            return;
        }
        let (p, in_word) = logp_word(ctx.doc, self.h.last, code, self.h.in_word);
        self.h.score += p;
        self.h.in_word = in_word;
        self.h.last = code;
        self.codes[self.n as usize] = code;
        self.n += 1;
    }

    /// Appends one original byte.
    pub(super) fn byte(&mut self, b: u8, ctx: &Ctx) {
        if !self.ok {
            return;
        }
        self.h.tail = (self.h.tail << 8) | u16::from(b);
        if self.h.owe {
            self.h.score += OWE_PENALTY;
        }
        if self.h.pending != NONE {
            let code = (self.h.pending << 8) | u16::from(b);
            if !is_trail(b) || !gbk().is_pair(code) {
                self.ok = false;
                return;
            }
            self.h.pending = NONE;
            self.emit(code, ctx);
        } else if b <= 0x80 {
            self.emit(u16::from(b), ctx);
        } else if is_lead(b) {
            self.h.pending = u16::from(b);
        } else {
            self.ok = false;
            return;
        }
        // A table pair ending here is owed a gloss, unless its first byte already ended one.
        self.h.owe = !self.h.matched && ctx.table.contains(self.h.tail);
        self.h.matched = false;
    }

    /// A gloss follows the stream's last two bytes: whatever they owed is paid.
    pub(super) fn glossed(&mut self) {
        self.h.owe = false;
        self.h.matched = true;
    }

    pub(super) fn code(&mut self, code: u16, ctx: &Ctx) {
        if code > 0xFF {
            self.byte((code >> 8) as u8, ctx);
        }
        self.byte(code as u8, ctx);
    }

    /// The two stream bytes before a gloss, as a code, if they can be a character.
    pub(super) fn glossed_pair(&self) -> Option<u16> {
        let t = self.h.tail;
        (is_lead((t >> 8) as u8) && gbk().is_pair(t)).then_some(t)
    }
}

pub(super) fn char_code(c: char) -> Option<u16> {
    gbk().encode(c)
}

/// The original character right after a hidden one whose trail is this unit's first
/// byte, when the next unit tells it.
pub(super) fn right_char(code: u16, next: Option<&Tok>) -> Option<u16> {
    let Some(Tok { unit: Unit::Char(c), .. }) = next else {
        return None;
    };
    let next = char_code(*c)?;
    if code <= 0xFF {
        // A single byte ends the hidden character and the stream is in step again.
        return (next > 0xFF).then_some(next);
    }
    let r = u16::from_be_bytes([code as u8, first_byte(next)]);
    gbk().is_pair(r).then_some(r)
}

pub(super) fn first_byte(code: u16) -> u8 {
    if code > 0xFF {
        (code >> 8) as u8
    } else {
        code as u8
    }
}

/// Extends `base` by every reading of `tok`. `swallow` holds, for a `?`, the candidates for
/// an ASCII byte swallowed with a lost one and their prior (see [`super::swallow::Swallow`]).
pub(super) fn expand(
    base: &Ext,
    tok: &Tok,
    next: Option<&Tok>,
    swallow: &[Swallowed],
    ctx: &Ctx,
    out: &mut Vec<Ext>,
) {
    let h = base.h;
    let idx = pinyin_index();
    match tok.unit {
        Unit::Char(c) => {
            let Some(code) = char_code(c) else {
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
            let next_letter =
                matches!(next, Some(Tok { unit: Unit::Char(n), .. }) if n.is_ascii_alphabetic());
            if h.pending != NONE && c.is_ascii_alphabetic() && next_letter {
                e.h.score += LATIN_SPLIT_PENALTY;
            }
            e.code(code, ctx);
            out.push(e);
            if let Some(fw) = fullwidth_code(c) {
                let mut e = base.clone();
                e.h.score += FULLWIDTH_PENALTY;
                if h.pending != NONE && c.is_ascii_alphanumeric() {
                    e.h.score += FULLWIDTH_ALNUM_PENALTY;
                }
                e.code(fw, ctx);
                out.push(e);
            }
        }
        Unit::Gloss(py) => {
            let mut e = base.clone();
            e.glossed();
            match e.glossed_pair() {
                Some(p) if idx.reads(p, py) => {
                    if ctx.table.contains(p) {
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
                for &code in idx.codes_with_lead(py, lead) {
                    if h.pending == NONE && !is_lead(code as u8) {
                        continue;
                    }
                    let mut e = base.clone();
                    e.byte(code as u8, ctx);
                    if !e.ok {
                        continue;
                    }
                    e.glossed();
                    if ctx.table.contains(code) {
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
                for t in ctx.chars.trails(h.pending as u8) {
                    let code = u16::from_be_bytes([h.pending as u8, t]);
                    // A table character would have been glossed (its `(` eaten instead),
                    // unless its lead byte ended a glossed pair.
                    if ctx.table.contains(code) && !h.matched {
                        continue;
                    }
                    let mut e = base.clone();
                    e.h.score += ERROR_PENALTY;
                    e.byte(t, ctx);
                    // A swallowed `<` of `</p>` ends the paragraph: the end scores it.
                    if !forced && e.ok {
                        swallowed(&mut e, code, swallow, ctx);
                    }
                    out.push(e);
                }
            }
        }
        Unit::Residue => out.push(base.clone()),
    }
}

/// A candidate for a swallowed ASCII byte: the byte, its prior from the document's
/// evidence, and how well it precedes the character on the right (prior included).
#[derive(Clone, Copy)]
pub(super) struct Swallowed {
    pub(super) byte: u8,
    pub(super) prior: f32,
    pub(super) fit: f32,
}

/// The candidates for the byte swallowed before the unit after a `?`: after it the
/// decoder is in step, so that unit is the original character that followed.
pub(super) fn swallow_candidates(rest: &[char], next: Option<&Tok>, ctx: &Ctx) -> Vec<Swallowed> {
    let right = match next {
        Some(Tok { unit: Unit::Char(c), .. }) => char_code(*c),
        _ => None,
    };
    ctx.swallow
        .candidates(rest)
        .into_iter()
        .map(|(byte, prior)| {
            let fit = prior + right.map_or(0.0, |r| logp(ctx.doc, u16::from(byte), r));
            Swallowed { byte, prior, fit }
        })
        .collect()
}

/// Appends the ASCII byte swallowed after the character `code`: the candidate that best
/// fits between it and the character on the right.
fn swallowed(e: &mut Ext, code: u16, swallow: &[Swallowed], ctx: &Ctx) {
    let mut scores = [0f32; 8];
    let n = swallow.len().min(scores.len());
    for (s, c) in scores.iter_mut().zip(&swallow[..n]) {
        *s = c.fit + logp(ctx.doc, code, u16::from(c.byte));
    }
    let Some((best, &max)) = scores[..n].iter().enumerate().max_by(|x, y| x.1.total_cmp(y.1))
    else {
        e.ok = false;
        return;
    };
    let z: f32 = scores[..n].iter().map(|s| (s - max).exp()).sum();
    e.conf_cap = 1.0 / z;
    e.h.score += swallow[best].prior;
    e.byte(swallow[best].byte, ctx);
}

pub(super) fn lookahead(lead: u8, next: Option<&Tok>) -> f32 {
    let Some(Tok { unit: Unit::Char(c), .. }) = next else {
        return 0.0;
    };
    let Some(code) = char_code(*c) else {
        return 0.0;
    };
    let x = (code >> if code > 0xFF { 8 } else { 0 }) as u8;
    (general().unigram(u16::from_be_bytes([lead, x])) + 1.0).ln()
}
