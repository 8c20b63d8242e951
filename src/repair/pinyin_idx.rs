//! Which GBK characters can carry a given tone-marked pinyin gloss.
//!
//! The annotator's table is unknown and document-specific, so every reading of every GBK
//! character (rust-pinyin's data) is a candidate; the document's own glosses and the
//! language model narrow it down.

use super::gbk::gbk;
use pinyin::ToPinyinMulti;
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// A tone-marked syllable that some GBK character reads: its index in [`PinyinIndex`]. The
/// search asks which characters read a gloss for every hypothesis; an index answers from an
/// array where the spelling needed a hash of the string each time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Syllable(u16);

pub struct PinyinIndex {
    ids: FxHashMap<&'static str, Syllable>,
    /// Per syllable, the GBK codes of the characters with that reading, ascending.
    codes: Vec<Vec<u16>>,
    /// Per syllable, the distinct lead bytes of its codes, ascending.
    leads: Vec<Vec<u8>>,
}

pub fn pinyin_index() -> &'static PinyinIndex {
    static T: OnceLock<PinyinIndex> = OnceLock::new();
    T.get_or_init(PinyinIndex::build)
}

/// All tone-marked readings of a character.
pub fn readings(c: char) -> impl Iterator<Item = &'static str> {
    c.to_pinyin_multi().into_iter().flat_map(|m| m.into_iter().map(|p| p.with_tone()))
}

impl PinyinIndex {
    fn build() -> PinyinIndex {
        let g = gbk();
        let mut ids: FxHashMap<&'static str, Syllable> = FxHashMap::default();
        let mut codes: Vec<Vec<u16>> = Vec::new();
        for code in 0x8140u16..=0xFEFE {
            if let Some(c) = g.pair(code) {
                for py in readings(c) {
                    let id = *ids.entry(py).or_insert_with(|| {
                        codes.push(Vec::new());
                        Syllable(u16::try_from(codes.len() - 1).expect("fewer than 65 536"))
                    });
                    codes[id.0 as usize].push(code);
                }
            }
        }
        let leads = codes
            .iter()
            .map(|c| {
                let mut l: Vec<u8> = c.iter().map(|&c| (c >> 8) as u8).collect();
                l.dedup();
                l
            })
            .collect();
        PinyinIndex { ids, codes, leads }
    }

    /// The syllable spelled `s`, if some character reads it.
    pub fn syllable(&self, s: &str) -> Option<Syllable> {
        self.ids.get(s).copied()
    }

    /// GBK codes of characters with reading `py`, ascending.
    pub fn codes(&self, py: Syllable) -> &[u16] {
        &self.codes[py.0 as usize]
    }

    /// GBK codes of characters with reading `py` whose lead byte is `lead`, ascending: a
    /// slice of [`Self::codes`] found by bisection, since the codes sort by lead first.
    pub fn codes_with_lead(&self, py: Syllable, lead: u8) -> &[u16] {
        let codes = self.codes(py);
        let from = codes.partition_point(|&c| ((c >> 8) as u8) < lead);
        let to = from + codes[from..].partition_point(|&c| (c >> 8) as u8 == lead);
        &codes[from..to]
    }

    /// The distinct lead bytes of [`Self::codes`], ascending.
    pub fn leads(&self, py: Syllable) -> &[u8] {
        &self.leads[py.0 as usize]
    }

    pub fn reads(&self, code: u16, py: Syllable) -> bool {
        self.codes(py).binary_search(&code).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each reading of a character names a syllable that lists the character; spellings no
    /// character reads name none; different spellings are different syllables.
    #[test]
    fn syllables_list_the_characters_that_read_them() {
        let idx = pinyin_index();
        let mut seen: FxHashMap<Syllable, &str> = FxHashMap::default();
        for c in ['預', '測', '因', '為', '國', '的', '行'] {
            let code = gbk().encode(c).expect("a GBK character");
            for py in readings(c) {
                let s = idx.syllable(py).unwrap_or_else(|| panic!("{py} of {c}"));
                assert!(idx.reads(code, s), "{c} reads {py}");
                assert!(idx.codes(s).windows(2).all(|w| w[0] <= w[1]), "{py}: ascending");
                assert_eq!(*seen.entry(s).or_insert(py), py, "one syllable, one spelling");
            }
        }
        assert!(seen.len() > 8, "{} syllables", seen.len());
        for &s in seen.keys() {
            for lead in 0x81..=0xFEu8 {
                let want: Vec<u16> =
                    idx.codes(s).iter().copied().filter(|&c| (c >> 8) as u8 == lead).collect();
                assert_eq!(idx.codes_with_lead(s, lead), want);
                assert_eq!(idx.leads(s).contains(&lead), !want.is_empty());
            }
        }
        assert_eq!(idx.syllable("xyz"), None);
    }
}
