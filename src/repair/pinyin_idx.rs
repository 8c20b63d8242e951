//! Which GBK characters can carry a given tone-marked pinyin gloss.
//!
//! The annotator's table is unknown and document-specific, so every reading of every GBK
//! character (rust-pinyin's data) is a candidate; the document's own glosses and the
//! language model narrow it down.

use super::gbk::gbk;
use pinyin::ToPinyinMulti;
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

pub struct PinyinIndex {
    by_py: FxHashMap<&'static str, Vec<u16>>,
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
        let mut by_py: FxHashMap<&'static str, Vec<u16>> = FxHashMap::default();
        for code in 0x8140u16..=0xFEFE {
            if let Some(c) = g.pair(code) {
                for py in readings(c) {
                    by_py.entry(py).or_default().push(code);
                }
            }
        }
        PinyinIndex { by_py }
    }

    /// Whether `s` is a tone-marked syllable some character reads.
    pub fn is_syllable(&self, s: &str) -> bool {
        self.by_py.contains_key(s)
    }

    /// GBK codes of characters with reading `py`, ascending.
    pub fn codes(&self, py: &str) -> &[u16] {
        self.by_py.get(py).map_or(&[], Vec::as_slice)
    }

    pub fn reads(&self, code: u16, py: &str) -> bool {
        self.codes(py).binary_search(&code).is_ok()
    }
}
