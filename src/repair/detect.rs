//! Deciding whether a document carries GBK pinyin-injection damage, and what the
//! document itself teaches the reconstruction.

use super::gbk::gbk;
use super::lm::FastSet;
use super::lm::{key, DocLm, FastMap, EOL};
use super::pinyin_idx::pinyin_index;
use super::tokens::{Tok, Unit};
use std::collections::HashMap;

/// Code of the observed character right before a gloss at `toks[i]`, if it reads `py`.
fn glossed_code(toks: &[Tok], i: usize, py: &str) -> Option<u16> {
    let Unit::Char(c) = toks.get(i.checked_sub(1)?)?.unit else {
        return None;
    };
    let code = gbk().encode(c)?;
    (code > 0xFF && pinyin_index().reads(code, py)).then_some(code)
}

/// Damage is present when glosses agree with the readings of what precedes them and the
/// injection's byte-level signature shows: a `?` that ate a gloss's `(`, or glossed
/// characters being glossed at (nearly) every occurrence, as a global replace does and a
/// human annotator does not.
pub fn detect(_chars: &[Vec<char>], toks: &[Vec<Tok>]) -> bool {
    let (mut agree, mut glosses, mut eaten) = (0usize, 0usize, 0usize);
    let mut glossed: HashMap<u16, (usize, usize)> = HashMap::new();
    for line in toks {
        for (i, t) in line.iter().enumerate() {
            match &t.unit {
                Unit::Gloss(py) => {
                    glosses += 1;
                    if let Some(code) = glossed_code(line, i, py) {
                        agree += 1;
                        glossed.entry(code).or_default().0 += 1;
                    }
                }
                Unit::ErrGloss(_) => eaten += 1,
                _ => {}
            }
        }
    }
    if agree + eaten < 3 || (agree as f32) < 0.8 * glosses as f32 {
        return false;
    }
    if eaten > 0 {
        return true;
    }
    for line in toks {
        for t in line {
            if let Unit::Char(c) = t.unit {
                if let Some(e) = gbk().encode(c).and_then(|code| glossed.get_mut(&code)) {
                    e.1 += 1;
                }
            }
        }
    }
    let (g, all) = glossed.values().fold((0, 0), |a, v| (a.0 + v.0, a.1 + v.1));
    g as f32 >= 0.95 * all as f32
}

/// What the document teaches: the annotator's table (as far as seen) and a language
/// model of its undamaged stretches.
pub struct DocModel {
    pub table: FastSet<u16>,
    pub lm: DocLm,
    /// Counts of 2- and 3-character strings of the document, keyed by packed chars.
    ngrams: FastMap<u64, u32>,
}

fn pack(cs: &[char]) -> u64 {
    cs.iter().fold(cs.len() as u64, |k, &c| (k << 21) | u64::from(c))
}

impl DocModel {
    pub fn build(chars: &[Vec<char>], toks: &[Vec<Tok>]) -> DocModel {
        let mut table = FastSet::default();
        let mut lm = DocLm::new();
        let mut run = Vec::new();
        for line in toks {
            run.clear();
            for (i, t) in line.iter().enumerate() {
                match &t.unit {
                    Unit::Gloss(py) => {
                        if let Some(code) = glossed_code(line, i, py) {
                            table.insert(code);
                        }
                    }
                    Unit::Char(c) => match gbk().encode(*c) {
                        Some(code) => run.push(key(code)),
                        None => {
                            lm.add_run(&run);
                            run.clear();
                        }
                    },
                    Unit::Q => run.push(u16::from(b'?')),
                    // Misalignment can start here; the rest of the line is not trusted.
                    _ => {
                        lm.add_run(&run);
                        run.clear();
                        break;
                    }
                }
            }
            if !run.is_empty() {
                run.push(EOL);
            }
            lm.add_run(&run);
        }
        lm.finish();
        let mut ngrams = FastMap::default();
        for line in chars {
            for n in 2..=4 {
                // Only strings with an ASCII character can decide a swallowed byte.
                for w in line.windows(n).filter(|w| w.iter().any(char::is_ascii)) {
                    *ngrams.entry(pack(w)).or_insert(0) += 1;
                }
            }
        }
        DocModel { table, lm, ngrams }
    }

    /// Picks the ASCII character the decoder swallowed after a lost byte, from what
    /// follows it and how the document writes similar contexts (longer matches count more).
    pub fn choose_swallowed(&self, prev: Option<char>, rest: &[char]) -> (char, f32) {
        let stop =
            rest.iter().take(40).position(|&c| matches!(c, '(' | '。' | ',' | '?' | '!' | ')'));
        if stop.is_some_and(|i| rest[i] == ')') {
            return ('(', 0.8);
        }
        const CANDS: &[char] = &[
            ',', ' ', '.', '?', ':', ';', '!', '%', '-', '"', '\'', '/', '0', '1', '2', '3', '4',
            '5', '6', '7', '8', '9',
        ];
        let count = |cs: &[char]| self.ngrams.get(&pack(cs)).copied().unwrap_or(0) as usize;
        let mut scores = [0usize; CANDS.len()];
        for (i, &a) in CANDS.iter().enumerate() {
            for k in 1..=3.min(rest.len()) {
                let mut w = vec![a];
                w.extend(&rest[..k]);
                scores[i] += k * k * count(&w);
            }
            if let Some(p) = prev {
                scores[i] += count(&[p, a]);
            }
        }
        let total: usize = scores.iter().sum();
        let (best, &n) =
            scores.iter().enumerate().max_by_key(|&(i, &n)| (n, usize::MAX - i)).unwrap_or((0, &0));
        let conf = if total == 0 { 0.1 } else { 0.9 * n as f32 / (total as f32 + 1.0) };
        (CANDS[best], conf)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    fn toks(lines: &[&str]) -> (Vec<Vec<char>>, Vec<Vec<Tok>>) {
        let chars: Vec<Vec<char>> = lines.iter().map(|l| l.chars().collect()).collect();
        let toks = chars.iter().map(|c| tokenize(c)).collect();
        (chars, toks)
    }

    #[test]
    fn eaten_paren_with_agreeing_glosses_is_damage() {
        let (c, t) = toks(&["因?yàn)橹袊?guó)的人口,預(yù)測(cè)說(shuō)"]);
        assert!(detect(&c, &t));
    }

    #[test]
    fn latin_parentheses_are_not_damage() {
        let (c, t) = toks(&["埃隆·馬斯克(Elon Musk)說?(digital human emulation)"]);
        assert!(!detect(&c, &t));
    }

    #[test]
    fn occasional_human_annotation_is_not_damage() {
        // Glossed once, unglossed elsewhere: a person annotating, not a global replace.
        let (c, t) =
            toks(&["中(zhōng)文很難。中文,中國,中間,中午。行(háng)業,行業,銀行(háng),行人。"]);
        assert!(!detect(&c, &t));
    }
}
