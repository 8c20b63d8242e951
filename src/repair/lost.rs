//! The character behind a byte lost in UTF-8 Chinese read with a single-byte charset.
//!
//! A strict reader (Python's `cp1252`) prints U+FFFD, or `?` once written out, for the few
//! bytes its charset does not define, so a Chinese character with a lost byte was one of a
//! handful (`ä¸?`: 丁 丏 丐 丝 or 不). ftfy leaves U+FFFD there; here the character
//! language model picks the one its neighbours make likeliest, when it leads the others
//! clearly (`ä¸?æ˜¯` → `不是`), and an even choice stays U+FFFD.

use super::gbk::gbk;
use super::lm::{general_doc, logp_once, model_keys, EOL, START};

/// Whether a candidate is a character the model can judge: an ideograph or CJK punctuation
/// or full-width form that GBK (the model's keys) encodes.
pub fn chinese(c: char) -> bool {
    (crate::chars::is_ideograph(c) || crate::chars::is_cjk_symbol_or_form(c))
        && gbk().encode(c).is_some()
}

/// Lead in log-probability (natural log, both neighbouring bigrams) the likeliest candidate
/// needs over the next one to be taken (e² ≈ 7 times likelier). Measured on the corpus read
/// by a strict reader (`corpus_lost_bytes_come_back_by_context`): of the choices with a
/// lead of 0–2, 61 % are right; 2–8, about 90 %; 8 or more, 99.8 %.
const MARGIN: f32 = 2.0;
/// Lead that makes the choice as sure as a repair above the threshold.
const SURE: f32 = 8.0;
/// Confidence of a choice with [`MARGIN`] (below the threshold: marked) and with [`SURE`]
/// (above it, below an intact sequence's: the byte itself is still lost).
const CONF_CLEAR: f32 = 0.4;
const CONF_SURE: f32 = 0.7;

/// The candidate for the lost character at `line[k]` (its neighbours as repaired) and its
/// confidence, if one leads the others by [`MARGIN`].
pub fn choose(line: &[char], k: usize, cands: &[char]) -> Option<(char, f32)> {
    let prev = k.checked_sub(1).map(|p| line[p]);
    let next = line.get(k + 1).copied();
    let (mut best, mut second) = ((f32::NEG_INFINITY, '\u{FFFD}'), f32::NEG_INFINITY);
    for &c in cands {
        let Some(s) = score(prev, c, next) else { continue };
        if s > best.0 {
            (best, second) = ((s, c), best.0);
        } else if s > second {
            second = s;
        }
    }
    let margin = best.0 - second;
    // A lone candidate is the charset's answer, not the context's: the `?` may stand for a
    // byte a less strict reader lost, so it is no surer than a clear choice.
    let sure = margin >= SURE && second.is_finite();
    (best.0.is_finite() && margin >= MARGIN)
        .then_some((best.1, if sure { CONF_SURE } else { CONF_CLEAR }))
}

/// ln P(c | prev) + ln P(next | c) under the general model, on the Traditional forms (the
/// model's text); `None` when `c` has no GBK code. An unknown neighbour (another lost byte,
/// a character GBK lacks) gives no context on its side.
fn score(prev: Option<char>, c: char, next: Option<char>) -> Option<f32> {
    let window: String = prev.into_iter().chain([c]).chain(next).collect();
    let keys = model_keys(&window);
    let at = usize::from(prev.is_some());
    let mid = keys[at]?;
    let left = if prev.is_some() { keys[0].unwrap_or(START) } else { START };
    let doc = general_doc();
    let mut s = logp_once(doc, left, mid);
    match next {
        None => s += logp_once(doc, mid, EOL),
        Some(_) => {
            if let Some(r) = keys[at + 1] {
                s += logp_once(doc, mid, r);
            }
        }
    }
    Some(s)
}
