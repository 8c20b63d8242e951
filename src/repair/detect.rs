//! Deciding whether a document carries GBK pinyin-injection damage, and what the
//! document itself teaches the reconstruction.

use super::context::Ctx;
use super::gbk::gbk;
use super::lists::DocChars;
use super::lm::{general, key, CodeSet, DocLm, EOL};
use super::pinyin_idx::{pinyin_index, Syllable};
use super::swallow::Swallow;
use super::tokens::{Tok, Unit};
use crate::convert::{Config, Converter};
use rustc_hash::FxHashMap;

/// Code of the observed character right before a gloss at `toks[i]`, if it reads `py`.
fn glossed_code(toks: &[Tok], i: usize, py: Syllable) -> Option<u16> {
    let Unit::Char(c) = toks.get(i.checked_sub(1)?)?.unit else {
        return None;
    };
    let code = gbk().encode(c)?;
    (code > 0xFF && pinyin_index().reads(code, py)).then_some(code)
}

/// What made a document's glosses count as injected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// Byte-level damage: a `?` that ate a gloss's `(` next to glosses that agree with
    /// the characters before them.
    Bytes,
    /// No byte damage, but the glosses follow one annotator's fixed table applied to
    /// ordinary prose (see [`GlossStats::is_table`]).
    Table,
}

/// What the document's glosses look like, for telling an injected table from a person
/// annotating (teaching text, a rare character explained once).
#[derive(Debug, Default)]
struct GlossStats {
    /// Glosses: `(py)` after any character.
    glosses: usize,
    /// Glosses whose syllable the character before them reads.
    agree: usize,
    /// `?py)` with a syllable a quiz option cannot be (`?a)` starts options `a) b) c)`).
    eaten: usize,
    /// Agreeing glosses right after another gloss (`我(wǒ)爱(ài)`): an annotated run.
    adjacent: usize,
    /// Per glossed code: (glossed occurrences, all occurrences, first syllable, readings differ).
    codes: FxHashMap<u16, (usize, usize, Option<Syllable>, bool)>,
    /// Han characters outside glosses.
    han: usize,
}

/// A character the general model has seen at most this share of the time is rare: words
/// like 饕餮 or 彧 get glossed for readers, the injected tables hold everyday characters.
const RARE_SHARE: f32 = 1e-5;

impl GlossStats {
    fn collect(chars: &[Vec<char>], toks: &[Vec<Tok>]) -> GlossStats {
        let mut s = GlossStats::default();
        for (cs, line) in chars.iter().zip(toks) {
            for (i, t) in line.iter().enumerate() {
                match t.unit {
                    Unit::Gloss(py) => {
                        s.glosses += 1;
                        let Some(code) = glossed_code(line, i, py) else { continue };
                        s.agree += 1;
                        if i >= 2 && matches!(line[i - 2].unit, Unit::Gloss(_)) {
                            s.adjacent += 1;
                        }
                        let e = s.codes.entry(code).or_insert((0, 0, Some(py), false));
                        e.0 += 1;
                        e.3 |= e.2 != Some(py);
                    }
                    Unit::ErrGloss(_) if t.end - t.start > 3 || !cs[t.start + 1].is_ascii() => {
                        s.eaten += 1
                    }
                    _ => {}
                }
            }
        }
        for line in toks {
            for t in line {
                if let Unit::Char(c) = t.unit {
                    if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
                        s.han += 1;
                    }
                    if let Some(e) = gbk().encode(c).and_then(|code| s.codes.get_mut(&code)) {
                        e.1 += 1;
                    }
                }
            }
        }
        s
    }

    /// Agreeing glosses on characters the general model barely knows (`饕(tāo)`). Read
    /// last by [`GlossStats::is_table`] only: it needs the converter, which a document
    /// with byte damage never does.
    fn rare(&self) -> usize {
        // The general model is Traditional: a Simplified character is as common as its
        // Traditional form.
        let g = general();
        let s2t = Converter::get(Config::S2t);
        let share = |c: char| {
            let trad = s2t.convert(c.encode_utf8(&mut [0; 4]));
            [c].into_iter()
                .chain(trad.chars())
                .filter_map(|c| gbk().encode(c))
                .map(|code| g.unigram(code) / g.total())
                .fold(0.0f32, f32::max)
        };
        self.codes
            .iter()
            .filter(|(&code, _)| gbk().decode(code).is_some_and(|c| share(c) <= RARE_SHARE))
            .map(|(_, v)| v.0)
            .sum()
    }

    /// Whether the glosses agree with the characters before them often enough to be
    /// readings at all, and are enough to judge.
    fn readings(&self) -> bool {
        self.agree + self.eaten >= 3 && self.agree as f32 >= 0.8 * self.glosses as f32
    }

    /// One annotator's fixed table applied by a global replace, as opposed to a person
    /// annotating. All of: the glossed characters are glossed at (nearly) every occurrence
    /// (a person glosses the first); each always with the same reading (a teacher shows a
    /// polyphone's readings); glosses rarely follow each other (teaching text annotates
    /// every character of a run); they sit in prose, on a minority of its characters; and
    /// they are everyday characters, not the rare ones a reader needs help with.
    fn is_table(&self) -> bool {
        let (g, all) = self.codes.values().fold((0, 0), |a, v| (a.0 + v.0, a.1 + v.1));
        let varied = self.codes.values().filter(|v| v.3).count();
        let agree = self.agree as f32;
        // Share of the prose's characters glossed: a table of frequent characters puts
        // glosses next to each other about this often by chance.
        let density = agree / self.han.max(1) as f32;
        g as f32 >= 0.85 * all as f32
            && varied as f32 <= 0.1 * self.codes.len() as f32
            && self.adjacent as f32 <= 0.4f32.max(1.5 * density) * agree
            && density <= 0.5
            && self.rare() as f32 <= 0.4 * agree
    }
}

/// Whether the document's glosses were injected, and on what evidence: they must agree
/// with the readings of what precedes them, and either the byte-level signature of the
/// injection shows (a `?` that ate a gloss's `(`) or they follow an annotator's fixed table
/// ([`GlossStats::is_table`]).
pub fn detect(chars: &[Vec<char>], toks: &[Vec<Tok>]) -> Option<Evidence> {
    let s = GlossStats::collect(chars, toks);
    if !s.readings() {
        return None;
    }
    if s.eaten > 0 {
        return Some(Evidence::Bytes);
    }
    s.is_table().then_some(Evidence::Table)
}

/// What the document teaches: the annotator's table (as far as seen) and a language
/// model of its undamaged stretches.
pub struct DocModel {
    pub table: CodeSet,
    pub lm: DocLm,
    pub swallow: Swallow,
    pub chars: DocChars,
}

impl DocModel {
    /// The decoder's view of this model, for the decoder whose behaviour for unmapped
    /// pairs is `printed` (see [`Ctx::printed`]).
    pub fn ctx(&self, printed: bool) -> Ctx<'_> {
        Ctx {
            doc: &self.lm,
            table: &self.table,
            swallow: &self.swallow,
            chars: &self.chars,
            printed,
        }
    }
}

impl DocModel {
    pub fn build(chars: &[Vec<char>], toks: &[Vec<Tok>]) -> DocModel {
        let mut table = CodeSet::default();
        let mut lm = DocLm::new();
        // A bitmap, read back in code order: the document's candidate lists, and so the
        // search's ties, must not depend on a hash table's order.
        let mut seen = CodeSet::default();
        let mut run = Vec::new();
        for line in toks {
            run.clear();
            for (i, t) in line.iter().enumerate() {
                match t.unit {
                    Unit::Gloss(py) => {
                        if let Some(code) = glossed_code(line, i, py) {
                            table.insert(code);
                        }
                    }
                    Unit::Char(c) => match gbk().encode(c) {
                        Some(code) => {
                            seen.insert(code);
                            run.push(key(code));
                        }
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
        let doc_chars = DocChars::build(seen.iter());
        DocModel { table, lm, swallow: Swallow::build(chars, toks), chars: doc_chars }
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
        assert!(detect(&c, &t).is_some());
    }

    #[test]
    fn latin_parentheses_are_not_damage() {
        let (c, t) = toks(&["埃隆·馬斯克(Elon Musk)說?(digital human emulation)"]);
        assert!(detect(&c, &t).is_none());
    }

    #[test]
    fn occasional_human_annotation_is_not_damage() {
        // Glossed once, unglossed elsewhere: a person annotating, not a global replace.
        let (c, t) =
            toks(&["中(zhōng)文很難。中文,中國,中間,中午。行(háng)業,行業,銀行(háng),行人。"]);
        assert!(detect(&c, &t).is_none());
    }
}
