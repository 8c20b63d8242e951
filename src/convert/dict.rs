//! The embedded OpenCC dictionaries and the conversion chains of OpenCC's configs.
//!
//! The `.txt` files under `opencc/` are OpenCC's own text dictionaries (see its README there):
//! one entry per line, `key<TAB>candidate[ candidate…]`. OpenCC converts with the first
//! candidate (`DictEntry::GetDefault`), so only that one is kept.

use std::sync::OnceLock;

use super::Config;

/// One OpenCC dictionary file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(clippy::enum_variant_names)]
pub enum DictId {
    HkVariants,
    HkVariantsRev,
    HkVariantsRevPhrases,
    StCharacters,
    StPhrases,
    TsCharacters,
    TsPhrases,
    TwPhrases,
    TwPhrasesRev,
    TwVariants,
    TwVariantsRev,
    TwVariantsRevPhrases,
}

impl DictId {
    /// Every vendored dictionary.
    pub const ALL: [DictId; 12] = [
        DictId::HkVariants,
        DictId::HkVariantsRev,
        DictId::HkVariantsRevPhrases,
        DictId::StCharacters,
        DictId::StPhrases,
        DictId::TsCharacters,
        DictId::TsPhrases,
        DictId::TwPhrases,
        DictId::TwPhrasesRev,
        DictId::TwVariants,
        DictId::TwVariantsRev,
        DictId::TwVariantsRevPhrases,
    ];

    /// OpenCC's name for the dictionary (file stem).
    pub fn name(self) -> &'static str {
        match self {
            DictId::HkVariants => "HKVariants",
            DictId::HkVariantsRev => "HKVariantsRev",
            DictId::HkVariantsRevPhrases => "HKVariantsRevPhrases",
            DictId::StCharacters => "STCharacters",
            DictId::StPhrases => "STPhrases",
            DictId::TsCharacters => "TSCharacters",
            DictId::TsPhrases => "TSPhrases",
            DictId::TwPhrases => "TWPhrases",
            DictId::TwPhrasesRev => "TWPhrasesRev",
            DictId::TwVariants => "TWVariants",
            DictId::TwVariantsRev => "TWVariantsRev",
            DictId::TwVariantsRevPhrases => "TWVariantsRevPhrases",
        }
    }

    /// The dictionary's text, embedded at compile time.
    pub fn text(self) -> &'static str {
        match self {
            DictId::HkVariants => include_str!("opencc/HKVariants.txt"),
            DictId::HkVariantsRev => include_str!("opencc/HKVariantsRev.txt"),
            DictId::HkVariantsRevPhrases => include_str!("opencc/HKVariantsRevPhrases.txt"),
            DictId::StCharacters => include_str!("opencc/STCharacters.txt"),
            DictId::StPhrases => include_str!("opencc/STPhrases.txt"),
            DictId::TsCharacters => include_str!("opencc/TSCharacters.txt"),
            DictId::TsPhrases => include_str!("opencc/TSPhrases.txt"),
            DictId::TwPhrases => include_str!("opencc/TWPhrases.txt"),
            DictId::TwPhrasesRev => include_str!("opencc/TWPhrasesRev.txt"),
            DictId::TwVariants => include_str!("opencc/TWVariants.txt"),
            DictId::TwVariantsRev => include_str!("opencc/TWVariantsRev.txt"),
            DictId::TwVariantsRevPhrases => include_str!("opencc/TWVariantsRevPhrases.txt"),
        }
    }

    /// `(key, first candidate)` pairs in file order (parsed once per process).
    pub fn entries(self) -> &'static [(&'static str, &'static str)] {
        &self.parsed().0
    }

    /// Shortest and longest key, in characters.
    pub fn key_len_range(self) -> (usize, usize) {
        self.parsed().1
    }

    fn parsed(self) -> &'static Parsed {
        static PARSED: [OnceLock<Parsed>; 12] = [const { OnceLock::new() }; 12];
        let i = DictId::ALL.iter().position(|d| *d == self).expect("listed");
        PARSED[i].get_or_init(|| {
            let entries = self.parse();
            let range = key_len_range(&entries);
            (entries, range)
        })
    }

    fn parse(self) -> Vec<(&'static str, &'static str)> {
        // A process parses a dictionary once, before its first conversion: byte searches
        // keep that short (STPhrases has ~50 000 lines).
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
}

/// A dictionary's entries and its key length range.
type Parsed = (Vec<(&'static str, &'static str)>, (usize, usize));

/// An OpenCC config: the segmentation dictionary and the conversion chain, each step being a
/// dictionary group (OpenCC's `DictGroup`: the first dictionary with any prefix match wins).
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    pub segmentation: DictId,
    pub steps: &'static [&'static [DictId]],
}

/// The chains of OpenCC's `<config>.json` files (identical in OpenCC 1.1.6 and in the data
/// vendored here).
pub fn spec(config: Config) -> Spec {
    use DictId::*;
    const ST: &[DictId] = &[StPhrases, StCharacters];
    const TS: &[DictId] = &[TsPhrases, TsCharacters];
    let (segmentation, steps): (DictId, &'static [&'static [DictId]]) = match config {
        Config::S2t => (StPhrases, &[ST]),
        Config::T2s => (TsPhrases, &[TS]),
        Config::S2tw => (StPhrases, &[ST, &[TwVariants]]),
        Config::Tw2s => (TsPhrases, &[&[TwVariantsRevPhrases, TwVariantsRev], TS]),
        Config::S2hk => (StPhrases, &[ST, &[HkVariants]]),
        Config::Hk2s => (TsPhrases, &[&[HkVariantsRevPhrases, HkVariantsRev], TS]),
        Config::S2twp => (StPhrases, &[ST, &[TwPhrases], &[TwVariants]]),
        Config::Tw2sp => (TsPhrases, &[&[TwPhrasesRev, TwVariantsRevPhrases, TwVariantsRev], TS]),
        Config::T2tw => (TwVariants, &[&[TwVariants]]),
        Config::T2hk => (HkVariants, &[&[HkVariants]]),
        Config::Tw2t => (TwVariantsRevPhrases, &[&[TwVariantsRevPhrases, TwVariantsRev]]),
        Config::Hk2t => (HkVariantsRevPhrases, &[&[HkVariantsRevPhrases, HkVariantsRev]]),
    };
    Spec { segmentation, steps }
}

/// Shortest and longest key, in characters.
pub fn key_len_range(entries: &[(&str, &str)]) -> (usize, usize) {
    entries.iter().fold((usize::MAX, 0), |(lo, hi), (k, _)| {
        let n = k.chars().count();
        (lo.min(n), hi.max(n))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dictionaries_parse_and_are_sane() {
        for d in DictId::ALL {
            let e = d.entries();
            assert!(!e.is_empty(), "{}", d.name());
            let mut seen = std::collections::HashSet::new();
            for (k, v) in e {
                assert!(!k.is_empty() && !v.is_empty(), "{}: {k:?}", d.name());
                assert!(seen.insert(*k), "{}: duplicate key {k}", d.name());
                assert!(!k.contains(char::is_whitespace), "{}: {k:?}", d.name());
                // Only TWPhrases(Rev) have keys with Latin letters (SQL注入, U盤, PN結…);
                // no dictionary has a key with ASCII digits or punctuation.
                let ascii_ok = matches!(d, DictId::TwPhrases | DictId::TwPhrasesRev);
                assert!(
                    k.chars().all(|c| !c.is_ascii() || (ascii_ok && c.is_ascii_alphabetic())),
                    "{}: {k:?}",
                    d.name()
                );
            }
        }
    }
}
