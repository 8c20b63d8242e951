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
        PinyinIndex { ids, codes }
    }

    /// The syllable spelled `s`, if some character reads it.
    pub fn syllable(&self, s: &str) -> Option<Syllable> {
        self.ids.get(s).copied()
    }

    /// GBK codes of characters with reading `py`, ascending.
    pub fn codes(&self, py: Syllable) -> &[u16] {
        &self.codes[py.0 as usize]
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
        assert_eq!(idx.syllable("xyz"), None);
    }
}
