//! Deciding whether a document carries GBK pinyin-injection damage, and what the
//! document itself teaches the reconstruction.

use super::gbk::gbk;
use super::lm::{key, DocLm};
use super::pinyin_idx::pinyin_index;
use super::tokens::{Tok, Unit};
use std::collections::{HashMap, HashSet};

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
    pub table: HashSet<u16>,
    pub lm: DocLm,
    text: String,
}

impl DocModel {
    pub fn build(chars: &[Vec<char>], toks: &[Vec<Tok>]) -> DocModel {
        let mut table = HashSet::new();
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
                    _ => break,
                }
            }
            lm.add_run(&run);
        }
        let text = chars
            .iter()
            .map(|l| l.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join("\n");
        DocModel { table, lm, text }
    }

    /// Picks the ASCII character the decoder swallowed after a lost byte, from what
    /// follows it and how the document writes similar contexts.
    pub fn choose_swallowed(&self, rest: &[char], _next: Option<&Unit>) -> (char, f32) {
        let close = rest.iter().position(|&c| c == ')');
        let open = rest.iter().position(|&c| c == '(');
        if close.is_some_and(|c| open.is_none_or(|o| c < o)) {
            return ('(', 0.8);
        }
        let digits = rest.first().is_some_and(char::is_ascii_digit);
        let cands: &[char] = if digits {
            &[
                '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '.', '-', ' ',
            ]
        } else {
            &[
                ' ', ',', '.', ':', ';', '!', '%', '-', '"', '\'', '/', '0', '1', '2', '3', '4',
                '5', '6', '7', '8', '9',
            ]
        };
        let ctx: String = rest
            .iter()
            .take(3)
            .take_while(|c| !c.is_whitespace())
            .collect();
        let mut best = (cands[0], 0usize);
        let mut total = 0;
        for &a in cands {
            let pat = format!("{a}{ctx}");
            let n = if ctx.is_empty() {
                0
            } else {
                self.text.matches(pat.as_str()).count()
            };
            total += n;
            if n > best.1 {
                best = (a, n);
            }
        }
        let conf = if total == 0 {
            0.1
        } else {
            0.9 * best.1 as f32 / (total as f32 + 1.0)
        };
        (best.0, conf)
    }
}
