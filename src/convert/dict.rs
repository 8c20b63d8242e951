//! The embedded OpenCC dictionaries and the conversion chains of OpenCC's configs.
//!
//! The `.txt` files under `opencc/` are OpenCC's own text dictionaries (see its README there):
//! one entry per line, `key<TAB>candidate[ candidate…]`. OpenCC converts with the first
//! candidate (`DictEntry::GetDefault`), so only that one is kept.

use std::sync::OnceLock;

use super::Config;

/// One OpenCC dictionary file, or [`DictId::StPhrasesAll`]: OpenCC 1.4's `"match_policy":
/// "union"` group of STPhrases and STPhrases_GeneratedFromRegionalPhrases. A union group takes
/// the longest match over its members, an earlier member winning a tie
/// (`UnionDictGroup::MatchPrefix`), which is exactly one dictionary holding both files' keys,
/// the earlier file's entry kept for a key both have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(clippy::enum_variant_names)]
#[allow(missing_docs)] // One variant per OpenCC dictionary file, named after it.
pub enum DictId {
    CjkCompat,
    HkPhrases,
    HkPhrasesRev,
    HkVariants,
    HkVariantsPhrases,
    HkVariantsRev,
    HkVariantsRevPhrases,
    StCharacters,
    StPhrases,
    StPhrasesRegional,
    TsCharacters,
    TsCharactersExt,
    TsPhrases,
    TwPhrases,
    TwPhrasesRev,
    TwVariants,
    TwVariantsPhrases,
    TwVariantsRev,
    TwVariantsRevPhrases,
    StPhrasesAll,
}

impl DictId {
    /// Every vendored dictionary file (not the union [`DictId::StPhrasesAll`]).
    pub const FILES: [DictId; 19] = [
        DictId::CjkCompat,
        DictId::HkPhrases,
        DictId::HkPhrasesRev,
        DictId::HkVariants,
        DictId::HkVariantsPhrases,
        DictId::HkVariantsRev,
        DictId::HkVariantsRevPhrases,
        DictId::StCharacters,
        DictId::StPhrases,
        DictId::StPhrasesRegional,
        DictId::TsCharacters,
        DictId::TsCharactersExt,
        DictId::TsPhrases,
        DictId::TwPhrases,
        DictId::TwPhrasesRev,
        DictId::TwVariants,
        DictId::TwVariantsPhrases,
        DictId::TwVariantsRev,
        DictId::TwVariantsRevPhrases,
    ];

    /// OpenCC's name for the dictionary (file stem).
    pub fn name(self) -> &'static str {
        match self {
            DictId::CjkCompat => "CJK_Compatibility_Ideographs",
            DictId::HkPhrases => "HKPhrases",
            DictId::HkPhrasesRev => "HKPhrasesRev",
            DictId::HkVariants => "HKVariants",
            DictId::HkVariantsPhrases => "HKVariantsPhrases",
            DictId::HkVariantsRev => "HKVariantsRev",
            DictId::HkVariantsRevPhrases => "HKVariantsRevPhrases",
            DictId::StCharacters => "STCharacters",
            DictId::StPhrases => "STPhrases",
            DictId::StPhrasesRegional => "STPhrases_GeneratedFromRegionalPhrases",
            DictId::TsCharacters => "TSCharacters",
            DictId::TsCharactersExt => "TSCharactersExt",
            DictId::TsPhrases => "TSPhrases",
            DictId::TwPhrases => "TWPhrases",
            DictId::TwPhrasesRev => "TWPhrasesRev",
            DictId::TwVariants => "TWVariants",
            DictId::TwVariantsPhrases => "TWVariantsPhrases",
            DictId::TwVariantsRev => "TWVariantsRev",
            DictId::TwVariantsRevPhrases => "TWVariantsRevPhrases",
            DictId::StPhrasesAll => "STPhrases+STPhrases_GeneratedFromRegionalPhrases",
        }
    }

    /// The files a dictionary is made of (itself, or the members of the union).
    pub fn files(self) -> &'static [DictId] {
        match self {
            DictId::StPhrasesAll => &[DictId::StPhrases, DictId::StPhrasesRegional],
            d => &DictId::FILES[d.index()..d.index() + 1],
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    /// The dictionary file's text, embedded at compile time (empty for the union).
    pub fn text(self) -> &'static str {
        match self {
            DictId::CjkCompat => include_str!("opencc/CJK_Compatibility_Ideographs.txt"),
            DictId::HkPhrases => include_str!("opencc/HKPhrases.txt"),
            DictId::HkPhrasesRev => include_str!("opencc/HKPhrasesRev.txt"),
            DictId::HkVariants => include_str!("opencc/HKVariants.txt"),
            DictId::HkVariantsPhrases => include_str!("opencc/HKVariantsPhrases.txt"),
            DictId::HkVariantsRev => include_str!("opencc/HKVariantsRev.txt"),
            DictId::HkVariantsRevPhrases => include_str!("opencc/HKVariantsRevPhrases.txt"),
            DictId::StCharacters => include_str!("opencc/STCharacters.txt"),
            DictId::StPhrases => include_str!("opencc/STPhrases.txt"),
            DictId::StPhrasesRegional => {
                include_str!("opencc/STPhrases_GeneratedFromRegionalPhrases.txt")
            }
            DictId::TsCharacters => include_str!("opencc/TSCharacters.txt"),
            DictId::TsCharactersExt => include_str!("opencc/TSCharactersExt.txt"),
            DictId::TsPhrases => include_str!("opencc/TSPhrases.txt"),
            DictId::TwPhrases => include_str!("opencc/TWPhrases.txt"),
            DictId::TwPhrasesRev => include_str!("opencc/TWPhrasesRev.txt"),
            DictId::TwVariants => include_str!("opencc/TWVariants.txt"),
            DictId::TwVariantsPhrases => include_str!("opencc/TWVariantsPhrases.txt"),
            DictId::TwVariantsRev => include_str!("opencc/TWVariantsRev.txt"),
            DictId::TwVariantsRevPhrases => include_str!("opencc/TWVariantsRevPhrases.txt"),
            DictId::StPhrasesAll => "",
        }
    }

    /// `(key, first candidate)` pairs in file order (read once per process from the
    /// compiled index, see [`compiled`]).
    pub fn entries(self) -> &'static [(&'static str, &'static str)] {
        &self.loaded().0
    }

    /// Shortest and longest key, in characters (from the compiled index's header: a plan
    /// that only asks this, as s2t's with its compiled tables does, loads no entries).
    pub fn key_len_range(self) -> (usize, usize) {
        compiled::key_len_range(self)
    }

    fn loaded(self) -> &'static Parsed {
        static LOADED: [OnceLock<Parsed>; 20] = [const { OnceLock::new() }; 20];
        LOADED[self.index()].get_or_init(|| compiled::load(self))
    }

    /// The entries as parsed from the text (what the compiled index must equal).
    #[cfg(test)]
    fn parse(self) -> Vec<(&'static str, &'static str)> {
        let text = self.text();
        let b = text.as_bytes();
        let mut out = Vec::with_capacity(memchr::memchr_iter(b'\n', b).count() + 1);
        let mut start = 0;
        while start < b.len() {
            let end = memchr::memchr(b'\n', &b[start..]).map_or(b.len(), |n| start + n);
            let line = &text[start..end];
            let line = line.strip_suffix('\r').unwrap_or(line);
            start = end + 1;
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let tab = memchr::memchr(b'\t', line.as_bytes())
                .unwrap_or_else(|| panic!("{}: malformed line {line:?}", self.name()));
            let values = &line[tab + 1..];
            let first = memchr::memchr(b' ', values.as_bytes()).map_or(values, |n| &values[..n]);
            out.push((&line[..tab], first));
        }
        out
    }

    /// The entries as parsed from the text, the union merged.
    #[cfg(test)]
    fn parse_all(self) -> Vec<(&'static str, &'static str)> {
        match self {
            DictId::StPhrasesAll => {
                merge(&self.files().iter().map(|f| f.parse()).collect::<Vec<_>>())
            }
            _ => self.parse(),
        }
    }
}

/// A dictionary's entries and its key length range.
type Parsed = (Vec<(&'static str, &'static str)>, (usize, usize));

/// The entries of several files as one dictionary, an earlier file's entry kept for a key
/// that several have.
#[cfg(test)]
fn merge(files: &[Vec<(&'static str, &'static str)>]) -> Vec<(&'static str, &'static str)> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for f in files {
        out.extend(f.iter().filter(|(k, _)| seen.insert(*k)).copied());
    }
    out
}

/// The dictionaries' entries as byte offsets into the embedded text files, compiled from
/// them (`data/opencc.idx`), so that a process reads its tables in place instead of parsing
/// some 100 000 lines and merging the union at start-up. The `.txt` files stay the source:
/// every string is borrowed from them, and the test `compiled_index_is_current` fails when
/// the index is not exactly what parsing them gives (regenerate with
/// `UPDATE_OPENCC_INDEX=1 cargo test --lib convert::dict`).
///
/// Layout (little-endian): `b"ZHOCC1\0\0"`, then per [`DictId`] in declaration order (the
/// union last) a header of five u32 — the file's byte length (0 for the union), entry
/// count, shortest and longest key in characters, offset of its first record — then the
/// records. A file's record is a u32 byte offset of the key in the file's text, a u16 key
/// length and a u16 value length in bytes (the value follows the key's tab). The union's
/// record is a u8 member index into [`DictId::files`] and a u24 entry index in that member.
mod compiled {
    use super::{DictId, Parsed};

    static INDEX: &[u8] = include_bytes!("data/opencc.idx");
    pub(super) const MAGIC: &[u8; 8] = b"ZHOCC1\0\0";
    pub(super) const HEADER: usize = 20;

    fn u32_at(b: &[u8], i: usize) -> u32 {
        u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes"))
    }

    pub(super) fn load(d: DictId) -> Parsed {
        let b = INDEX;
        assert_eq!(&b[..8], MAGIC, "opencc.idx format");
        let h = 8 + HEADER * d.index();
        let (text_len, count, lo, hi, at) = (
            u32_at(b, h),
            u32_at(b, h + 4),
            u32_at(b, h + 8),
            u32_at(b, h + 12),
            u32_at(b, h + 16),
        );
        let (count, at) = (count as usize, at as usize);
        let mut out = Vec::with_capacity(count);
        if d == DictId::StPhrasesAll {
            let members: Vec<&[(&str, &str)]> = d.files().iter().map(|f| f.entries()).collect();
            for r in b[at..at + 4 * count].chunks_exact(4) {
                let r = u32::from_le_bytes(r.try_into().expect("4 bytes"));
                out.push(members[(r & 0xFF) as usize][(r >> 8) as usize]);
            }
        } else {
            let text = d.text();
            // A stale index would borrow the wrong bytes: the file's length is checked here,
            // its content by the test.
            assert_eq!(
                text_len as usize,
                text.len(),
                "src/convert/data/opencc.idx is stale for {}.txt: regenerate it with \
                 UPDATE_OPENCC_INDEX=1 cargo test --lib convert::dict",
                d.name()
            );
            for r in b[at..at + 8 * count].chunks_exact(8) {
                let s = u32::from_le_bytes(r[..4].try_into().expect("4 bytes")) as usize;
                let k = s + usize::from(u16::from_le_bytes([r[4], r[5]]));
                let v = k + 1 + usize::from(u16::from_le_bytes([r[6], r[7]]));
                out.push((&text[s..k], &text[k + 1..v]));
            }
        }
        (out, (lo as usize, hi as usize))
    }

    pub(super) fn key_len_range(d: DictId) -> (usize, usize) {
        let h = 8 + HEADER * d.index();
        (u32_at(INDEX, h + 8) as usize, u32_at(INDEX, h + 12) as usize)
    }

    /// The index of the dictionaries as parsed from their text.
    #[cfg(test)]
    pub(super) fn build() -> Vec<u8> {
        let all: Vec<DictId> = DictId::FILES.into_iter().chain([DictId::StPhrasesAll]).collect();
        let mut out = MAGIC.to_vec();
        let mut records = Vec::new();
        let base = 8 + HEADER * all.len();
        for d in &all {
            let parsed = d.parse_all();
            let (lo, hi) = super::key_len_range(&parsed);
            let text_len = if *d == DictId::StPhrasesAll { 0 } else { d.text().len() };
            for v in [text_len, parsed.len(), lo, hi, base + records.len()] {
                out.extend(u32::try_from(v).expect("fits u32").to_le_bytes());
            }
            if *d == DictId::StPhrasesAll {
                // Each key's first member and index there.
                let mut at = std::collections::HashMap::new();
                for (m, f) in d.files().iter().enumerate() {
                    for (i, (k, _)) in f.parse().into_iter().enumerate() {
                        at.entry(k).or_insert((m, i));
                    }
                }
                for (k, _) in &parsed {
                    let (m, i) = at[k];
                    let r = u32::try_from(i << 8 | m).expect("fits u24");
                    records.extend(r.to_le_bytes());
                }
            } else {
                let text = d.text();
                for (k, v) in &parsed {
                    let s = k.as_ptr() as usize - text.as_ptr() as usize;
                    assert_eq!(v.as_ptr() as usize, k.as_ptr() as usize + k.len() + 1);
                    records.extend(u32::try_from(s).expect("fits u32").to_le_bytes());
                    records.extend(u16::try_from(k.len()).expect("short key").to_le_bytes());
                    records.extend(u16::try_from(v.len()).expect("short value").to_le_bytes());
                }
            }
        }
        out.extend(records);
        out
    }
}

/// An OpenCC config: the normalization pass (always OpenCC's CJK_Compatibility_Ideographs,
/// run over the whole text first), the segmentation dictionary (none: the text is one
/// segment) and the conversion chain, each step being a dictionary group (OpenCC's
/// `DictGroup`: the first dictionary with any prefix match wins).
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    pub segmentation: Option<DictId>,
    pub steps: &'static [&'static [DictId]],
}

/// The chains of OpenCC 1.4.2's `<config>.json` files. `ext`: include TSCharactersExt
/// (`"may_output_tofu": true`, loaded only when asked for) in the Traditional → Simplified
/// group.
pub fn spec(config: Config, ext: bool) -> Spec {
    use DictId::*;
    const ST: &[DictId] = &[StPhrasesAll, StCharacters];
    const TS: &[DictId] = &[TsPhrases, TsCharacters];
    const TSX: &[DictId] = &[TsPhrases, TsCharactersExt, TsCharacters];
    const TW2SP: &[DictId] = &[TwPhrasesRev, TwVariantsRevPhrases, TwVariantsRev];
    const HK2SP: &[DictId] = &[HkPhrasesRev, HkVariantsRevPhrases, HkVariantsRev];
    let (segmentation, steps): (Option<DictId>, &'static [&'static [DictId]]) = match config {
        Config::S2t => (None, &[ST]),
        Config::T2s => (None, if ext { &[TSX] } else { &[TS] }),
        Config::S2tw => (Some(StPhrasesAll), &[ST, &[TwVariantsPhrases, TwVariants]]),
        Config::S2hk => (Some(StPhrasesAll), &[ST, &[HkVariantsPhrases, HkVariants]]),
        Config::S2twp => (Some(StPhrasesAll), &[ST, &[TwPhrases, TwVariantsPhrases, TwVariants]]),
        Config::S2hkp => (Some(StPhrasesAll), &[ST, &[HkPhrases, HkVariantsPhrases, HkVariants]]),
        Config::Tw2s if ext => (Some(TsPhrases), &[&[TwVariantsRevPhrases, TwVariantsRev], TSX]),
        Config::Tw2s => (Some(TsPhrases), &[&[TwVariantsRevPhrases, TwVariantsRev], TS]),
        Config::Hk2s if ext => (Some(TsPhrases), &[&[HkVariantsRevPhrases, HkVariantsRev], TSX]),
        Config::Hk2s => (Some(TsPhrases), &[&[HkVariantsRevPhrases, HkVariantsRev], TS]),
        Config::Tw2sp if ext => (Some(TsPhrases), &[TW2SP, TSX]),
        Config::Tw2sp => (Some(TsPhrases), &[TW2SP, TS]),
        Config::Hk2sp if ext => (Some(TsPhrases), &[HK2SP, TSX]),
        Config::Hk2sp => (Some(TsPhrases), &[HK2SP, TS]),
        Config::T2tw => (None, &[&[TwVariantsPhrases, TwVariants]]),
        Config::T2hk => (None, &[&[HkVariantsPhrases, HkVariants]]),
        Config::Tw2t => (None, &[&[TwVariantsRevPhrases, TwVariantsRev]]),
        Config::Hk2t => (None, &[&[HkVariantsRevPhrases, HkVariantsRev]]),
    };
    Spec { segmentation, steps }
}

/// Shortest and longest key, in characters.
#[cfg(test)]
pub fn key_len_range(entries: &[(&str, &str)]) -> (usize, usize) {
    entries.iter().fold((usize::MAX, 0), |(lo, hi), (k, _)| {
        let n = k.chars().count();
        (lo.min(n), hi.max(n))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compiled index equals the text files' parse, entry for entry; rewritten with
    /// `UPDATE_OPENCC_INDEX=1` (after `update.sh`).
    #[test]
    fn compiled_index_is_current() {
        let built = compiled::build();
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/convert/data/opencc.idx");
        if std::env::var_os("UPDATE_OPENCC_INDEX").is_some() {
            std::fs::write(&path, &built).unwrap();
            return;
        }
        assert!(
            std::fs::read(&path).unwrap() == built,
            "{} does not match the .txt dictionaries: regenerate it with \
             UPDATE_OPENCC_INDEX=1 cargo test --lib convert::dict",
            path.display()
        );
        for d in DictId::FILES.into_iter().chain([DictId::StPhrasesAll]) {
            let parsed = d.parse_all();
            assert!(d.entries() == parsed.as_slice(), "{}", d.name());
            assert_eq!(d.key_len_range(), key_len_range(&parsed), "{}", d.name());
        }
    }

    #[test]
    fn dictionaries_parse_and_are_sane() {
        for d in DictId::FILES {
            let e = d.entries();
            assert!(!e.is_empty(), "{}", d.name());
            let mut seen = std::collections::HashSet::new();
            for (k, v) in e {
                assert!(!k.is_empty() && !v.is_empty(), "{}: {k:?}", d.name());
                assert!(seen.insert(*k), "{}: duplicate key {k}", d.name());
                assert!(!k.contains(char::is_whitespace), "{}: {k:?}", d.name());
                // Only the regional phrase files have keys with Latin letters (SQL注入, U盤,
                // PN結…) or a hyphen (伯克希尔-哈撒韦); no key has ASCII digits or other punctuation.
                let ascii_ok = matches!(
                    d,
                    DictId::TwPhrases
                        | DictId::TwPhrasesRev
                        | DictId::HkPhrases
                        | DictId::HkPhrasesRev
                        | DictId::StPhrasesRegional
                );
                // The pre-pass relies on this (see prepass.rs).
                assert!(!k.chars().any(|c| ('\u{2FF0}'..='\u{2FFF}').contains(&c)), "{k}");
                assert!(
                    k.chars()
                        .all(|c| !c.is_ascii()
                            || (ascii_ok && (c.is_ascii_alphabetic() || c == '-'))),
                    "{}: {k:?}",
                    d.name()
                );
            }
        }
    }
}
