//! Hypotheses for pairs the damaging decoder dropped or printed as `?`, and the ranked
//! leads of a character they hid (memoized per document block).

use super::context::Ctx;
use super::gbk::fullwidth_code;
use super::lists::{drop_trails, dropped, leads_for};
use super::lm::{general, logp_once};
use super::pinyin_idx::pinyin_index;
use super::step::{char_code, first_byte, right_char, Ext, Hyp};
use super::tokens::{Tok, Unit};
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::OnceLock;

const DROP_PENALTY: f32 = -1.5;
/// A `?` read as a pair a replacing decoder could not map. Its other readings, a real
/// question mark or a lost byte (one byte chosen), are far cheaper in free choices: this
/// one picks two bytes, up to forty variants whose best the language model overrates by
/// chance, so it pays for the extra byte (on the simulated `?`-printing damage the
/// recovery is flat from -4 to -7; at the silent drop's -1.5 the `?` was read as a pair
/// where it was a lost byte, and a misaligned run followed).
const PRINTED_PENALTY: f32 = -5.0;

/// Hypothesises a pair the decoder silently dropped right before this unit: the pending
/// lead's trail `h1` and the next character's lead `h2`. Returns the states after it.
pub(super) fn drop_variants(h: Hyp, tok: &Tok, leads: &[u8], ctx: &Ctx, out: &mut Vec<Ext>) {
    pair_variants(h, tok, leads, DROP_PENALTY, ctx, out)
}

/// The states after a lost pair `h1 h2` before `tok` (see [`drop_variants`]), each
/// charged `penalty`.
fn pair_variants(h: Hyp, tok: &Tok, leads: &[u8], penalty: f32, ctx: &Ctx, out: &mut Vec<Ext>) {
    const PER_H1: usize = 10;
    let l = h.pending as u8;
    let doc = ctx.chars.list(&ctx.chars.drops, l);
    for &h1 in drop_trails(l).iter().chain(doc) {
        // The stream after `h1`, shared by every `h2`.
        let mut e1 = Ext::new(h);
        e1.h.score += penalty;
        e1.byte(h1, ctx);
        if !e1.ok {
            continue;
        }
        let mut push = |h2: u8| {
            let mut e = e1.clone();
            e.byte(h2, ctx);
            if e.ok {
                out.push(e);
            }
        };
        match tok.unit {
            Unit::Char(_) => {
                leads.iter().filter(|&&h2| dropped(h1, h2)).take(PER_H1).for_each(|&h2| push(h2))
            }
            // The reading pins the lead down already.
            Unit::ErrGloss(py) => pinyin_index()
                .leads(py)
                .iter()
                .filter(|&&h2| dropped(h1, h2))
                .for_each(|&h2| push(h2)),
            _ => return,
        }
    }
}

/// A `?` that a replacing decoder (Python's, Java's, iconv's) printed for a pair it could
/// not map: what [`drop_variants`] hypothesises for a pair dropped silently, in place of
/// the `?` instead of before a unit. `leads` ranks the lead of the character hidden
/// before `next`; when `next` is no character (another `?`: a whole character between
/// two), the most frequent leads stand in.
pub(super) fn printed_drop_variants(
    h: Hyp,
    next: Option<&Tok>,
    leads: &[u8],
    ctx: &Ctx,
    out: &mut Vec<Ext>,
) {
    match next {
        Some(t @ Tok { unit: Unit::Char(_) | Unit::ErrGloss(_), .. }) => {
            pair_variants(h, t, leads, PRINTED_PENALTY, ctx, out)
        }
        _ => {
            let any = Tok { unit: Unit::Char('\0'), start: 0, end: 0 };
            pair_variants(h, &any, frequent_leads(), PRINTED_PENALTY, ctx, out)
        }
    }
}

/// Lead bytes by the general counts of the characters they start, most frequent first.
fn frequent_leads() -> &'static [u8] {
    static T: OnceLock<Vec<u8>> = OnceLock::new();
    T.get_or_init(|| {
        let mut v: Vec<(f32, u8)> = (0x81..=0xFEu8)
            .map(|l| {
                let n =
                    (0x40..=0xFEu8).map(|t| general().unigram(u16::from_be_bytes([l, t]))).sum();
                (n, l)
            })
            .collect();
        v.sort_by(|a, b| b.0.total_cmp(&a.0));
        v.into_iter().map(|(_, l)| l).collect()
    })
}

/// [`hidden_leads`] of one document (or of one block of a large one), by the two things
/// they depend on besides the document: the unit's character and the next unit's. A damaged page repeats its pairs (two calls in
/// three on the generated garbled pages), and each call ranks up to a hundred leads with a
/// bigram lookup apiece.
#[derive(Default)]
pub struct LeadsMemo {
    by_pair: RefCell<FxHashMap<UnitPair, Rc<[u8]>>>,
}

/// A unit's character and the next unit's, when that is a character too.
type UnitPair = (char, Option<char>);

impl LeadsMemo {
    /// The leads for a character hidden right before `tok` (none unless it is a character).
    pub(super) fn get(&self, tok: &Tok, next: Option<&Tok>, ctx: &Ctx) -> Rc<[u8]> {
        let Unit::Char(c) = tok.unit else {
            return Rc::from([]);
        };
        let after = match next {
            Some(Tok { unit: Unit::Char(n), .. }) => Some(*n),
            _ => None,
        };
        let cached = self.by_pair.borrow().get(&(c, after)).cloned();
        cached.unwrap_or_else(|| {
            let leads: Rc<[u8]> = hidden_leads(c, next, ctx).into();
            self.by_pair.borrow_mut().insert((c, after), leads.clone());
            leads
        })
    }
}

/// Leads for a character hidden by a dropped pair right before the character unit `c`,
/// best first. The hidden character's trail is the unit's first byte and the character
/// after it is known too, so both sides score it; the same list serves every hypothesis.
fn hidden_leads(c: char, next: Option<&Tok>, ctx: &Ctx) -> Vec<u8> {
    // The unit may stand for its full-width form, which starts with another byte.
    let codes = [char_code(c), fullwidth_code(c)];
    let mut v: Vec<(f32, u8)> = codes
        .into_iter()
        .flatten()
        .flat_map(|code| {
            let x = first_byte(code);
            let right = right_char(code, next);
            let doc = ctx.chars.list(&ctx.chars.leads, x);
            leads_for(x).iter().chain(doc).map(move |&h2| {
                let mid = u16::from_be_bytes([h2, x]);
                let r = right.map_or(0.0, |r| logp_once(ctx.doc, mid, r));
                (ctx.doc.ln_floor(mid) + r, h2)
            })
        })
        .collect();
    v.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut out: Vec<u8> = Vec::with_capacity(32);
    for (_, h2) in v {
        if !out.contains(&h2) {
            out.push(h2);
            if out.len() == 32 {
                break;
            }
        }
    }
    out
}
#[cfg(test)]
mod tests {
    use super::super::detect::DocModel;
    use super::super::tokens::tokenize;
    use super::*;

    /// The memo answers what ranking the leads answers, asked first or again; a key
    /// without the next character would hand one pair's leads to another.
    #[test]
    fn leads_memo_is_hidden_leads() {
        let chars: Vec<Vec<char>> =
            ["因?yàn)橹袊?guó)的人口,預(yù)測(cè)說(shuō)中國的人口會增加。"]
                .iter()
                .map(|l| l.chars().collect())
                .collect();
        let toks: Vec<Vec<Tok>> = chars.iter().map(|c| tokenize(c)).collect();
        let m = DocModel::build(&chars, &toks);
        let memo = LeadsMemo::default();
        let ctx = m.ctx(false);
        let units: Vec<Tok> = "的人口會國中增A,"
            .chars()
            .map(|c| Tok { unit: Unit::Char(c), start: 0, end: 1 })
            .collect();
        let mut by_next = 0;
        for a in &units {
            let Unit::Char(c) = a.unit else { unreachable!() };
            let mut seen: Vec<Vec<u8>> = Vec::new();
            for b in units.iter().map(Some).chain([None]) {
                let want = hidden_leads(c, b, &ctx);
                for _ in 0..2 {
                    assert_eq!(
                        *memo.get(a, b, &ctx),
                        *want,
                        "{:?} {:?}",
                        a.unit,
                        b.map(|t| t.unit)
                    );
                }
                if !seen.contains(&want) {
                    seen.push(want);
                }
            }
            by_next += usize::from(seen.len() > 1);
        }
        assert!(by_next >= 3, "the next character changed the leads of {by_next} units");
    }
}
