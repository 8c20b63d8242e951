//! The evidence for the ASCII byte a decoder swallowed after a lost one: what the
//! document's trusted text puts next to its ASCII characters.

use super::tokens::{Tok, Unit};
use rustc_hash::FxHashMap;

/// What the document's trusted text says about ASCII next to other characters: the
/// evidence for the byte the decoder swallowed after a lost one.
pub struct Swallow {
    /// Counts of 2- to 4-character strings of the document's trusted text (see
    /// [`trusted_runs`]) that hold an ASCII character, keyed by packed chars.
    ngrams: FxHashMap<u64, u32>,
    /// Counts of (class of previous, swallowable ASCII, class of next) in trusted text:
    /// the back-off when no longer context was seen.
    classes: FxHashMap<u64, u32>,
}

/// Characters the damaging decoder can have swallowed after a lost byte: ASCII that is
/// not a valid GBK trail byte (below 0x40).
const SWALLOWABLE: &[char] = &[
    ',', ' ', '.', '?', ':', ';', '!', '%', '-', '"', '\'', '/', '0', '1', '2', '3', '4', '5', '6',
    '7', '8', '9', '*', '#', '$', '&', '+', '=', '>', '(', ')',
];

/// A neighbour's class for the back-off: non-ASCII, letter, digit, or the character.
fn class(c: Option<char>) -> char {
    match c {
        None => '\n',
        Some(c) if !c.is_ascii() => 'H',
        Some(c) if c.is_ascii_alphabetic() => 'a',
        Some(c) if c.is_ascii_digit() => '0',
        Some(c) => c,
    }
}

/// Stretches of a line whose characters are the original text: glosses are left out,
/// and a `?` after the first sign of misalignment may be a decoder error, so it breaks
/// the run instead of being counted (a damaged document repeats its `?` errors, which
/// would otherwise teach that `?` is what follows them).
fn trusted_runs(chars: &[char], toks: &[Tok]) -> Vec<Vec<char>> {
    let mut runs = vec![Vec::new()];
    let mut damaged = false;
    for t in toks {
        match t.unit {
            Unit::Gloss(_) => {}
            Unit::Char(_) => runs.last_mut().unwrap().extend(&chars[t.start..t.end]),
            Unit::Q if !damaged => runs.last_mut().unwrap().push('?'),
            _ => {
                damaged = true;
                runs.push(Vec::new());
            }
        }
    }
    runs.retain(|r| !r.is_empty());
    runs
}

fn pack(cs: &[char]) -> u64 {
    cs.iter().fold(cs.len() as u64, |k, &c| (k << 21) | u64::from(c))
}

impl Swallow {
    /// The evidence of a document's trusted text (its lines as characters and units).
    pub fn build(chars: &[Vec<char>], toks: &[Vec<Tok>]) -> Swallow {
        let (mut ngrams, mut classes) = (FxHashMap::default(), FxHashMap::default());
        for (line, toks) in chars.iter().zip(toks) {
            for run in trusted_runs(line, toks) {
                for n in 2..=4 {
                    // Only strings with an ASCII character can decide a swallowed byte.
                    for w in run.windows(n).filter(|w| w.iter().any(char::is_ascii)) {
                        *ngrams.entry(pack(w)).or_insert(0) += 1;
                    }
                }
                for (i, &a) in run.iter().enumerate() {
                    if a.is_ascii() && SWALLOWABLE.contains(&a) {
                        let k = [
                            class(i.checked_sub(1).map(|j| run[j])),
                            a,
                            class(run.get(i + 1).copied()),
                        ];
                        *classes.entry(pack(&k)).or_insert(0) += 1;
                    }
                }
            }
        }
        Swallow { ngrams, classes }
    }

    /// Candidates for the ASCII byte the decoder swallowed right before `rest` (the text
    /// after the `?`, which is in step again), best first, with the log of their share
    /// of the evidence: the strings they start in the document, then the classes of
    /// their neighbours.
    pub fn candidates(&self, rest: &[char]) -> Vec<(u8, f32)> {
        const KEEP: usize = 6;
        let count = |cs: &[char]| self.ngrams.get(&pack(cs)).copied().unwrap_or(0) as f32;
        let next = class(rest.first().copied());
        let mut v: Vec<(f32, char)> = SWALLOWABLE
            .iter()
            .map(|&a| {
                let mut score = 0.0;
                let mut w = [a; 4];
                for k in 1..=3.min(rest.len()) {
                    w[k] = rest[k - 1];
                    score += 4.0 * (k * k) as f32 * count(&w[..=k]);
                }
                let k = [class(Some('H')), a, next];
                score += self.classes.get(&pack(&k)).copied().unwrap_or(0) as f32;
                (score, a)
            })
            .collect();
        // `?030年`: a digit before three digits and 年 starts a year, and the years these
        // articles name are 20xx, now and then 19xx.
        let year = rest.len() >= 4 && rest[..3].iter().all(char::is_ascii_digit) && rest[3] == '年';
        if year {
            let sum: f32 = v.iter().map(|x| x.0).sum();
            for x in v.iter_mut() {
                x.0 += match x.1 {
                    '2' => 3.0 * sum + 10.0,
                    '1' => sum + 3.0,
                    _ => 0.0,
                };
            }
        }
        // A `)` ahead with no `(` before it: the swallowed byte opened the bracket.
        let closes = rest.iter().take(40).find(|&&c| matches!(c, '(' | ')' | '。')) == Some(&')');
        if closes {
            let sum: f32 = v.iter().map(|x| x.0).sum();
            v.iter_mut().filter(|x| x.1 == '(').for_each(|x| x.0 += 3.0 * sum + 10.0);
        }
        let total: f32 = v.iter().map(|x| x.0).sum();
        v.sort_by(|x, y| y.0.total_cmp(&x.0));
        let n = SWALLOWABLE.len() as f32;
        v.iter()
            .take(KEEP)
            .map(|&(score, a)| (a as u8, ((score + 0.5) / (total + 0.5 * n)).ln()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_swallowed_digit_before_three_digits_and_nian_starts_a_year() {
        let none = Swallow { ngrams: FxHashMap::default(), classes: FxHashMap::default() };
        let rest: Vec<char> = "030年前".chars().collect();
        assert_eq!(none.candidates(&rest)[0].0, b'2');
        let rest: Vec<char> = "030個".chars().collect();
        assert_ne!(none.candidates(&rest)[0].0, b'2', "no year, no preference");
    }
}
