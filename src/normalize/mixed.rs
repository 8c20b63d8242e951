//! Mixed-script repair: Traditional text with stray Simplified characters (`這么`, `以后`,
//! `并非`) made Traditional before it is converted, so that both scripts come out as they would
//! from the clean text.
//!
//! Converting such a line directly fails both ways: Traditional → Simplified turns a stray
//! `么` into `幺` (in Taiwan forms `么` is the standard form of `幺`), and Traditional →
//! Traditional leaves every stray character in place. Instead the line takes a round trip
//! through Simplified — `s2x(t2s(line))`, where the phrase tables see clean Simplified
//! context — and keeps that result only where it is a repair: a character of the line is
//! replaced by the round trip's character when the line's character is that character's
//! Simplified form (OpenCC's TSCharacters) and may be one (it is Simplified-only, or
//! Simplified → Traditional changes it when it stands alone, or it stands for several
//! Traditional characters: `后`, `么`, `干`, `制`), and the round trip chose otherwise from its
//! phrase tables. Every other character is the author's.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::{Evidence, Variant};
use crate::convert::{Config, Converter, DictId};

/// The Simplified → Traditional config whose forms a variant writes.
fn s2x(variant: Option<Variant>) -> Config {
    match variant {
        Some(Variant::Tw) => Config::S2tw,
        Some(Variant::Hk) => Config::S2hk,
        None => Config::S2t,
    }
}

/// Per variant: the characters that may be a stray Simplified character (see the module
/// docs), by code point.
fn suspects(variant: Option<Variant>) -> &'static [bool] {
    static TABLES: [OnceLock<Vec<bool>>; 3] = [const { OnceLock::new() }; 3];
    let i = match variant {
        Some(Variant::Tw) => 0,
        Some(Variant::Hk) => 1,
        None => 2,
    };
    TABLES[i].get_or_init(|| {
        let to_hant = Converter::get(s2x(variant));
        // Simplified characters that stand for several Traditional ones (制: 制 製).
        let merged: rustc_hash::FxHashSet<char> = DictId::StCharacters
            .text()
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .filter(|(k, v)| k.chars().count() == 1 && v.contains(' '))
            .filter_map(|(k, _)| k.chars().next())
            .collect();
        let mut table = Vec::new();
        for &c in ts_map().values() {
            let mut buf = [0u8; 4];
            let alone = c.encode_utf8(&mut buf);
            let hans_only = Evidence::of(alone).hans > 0;
            if hans_only || to_hant.convert(alone) != *alone || merged.contains(&c) {
                let cp = c as usize;
                if table.len() <= cp {
                    table.resize(cp + 1, false);
                }
                table[cp] = true;
            }
        }
        table
    })
}

/// Traditional → Simplified, character by character (TSCharacters' first candidates).
fn ts_map() -> &'static FxHashMap<char, char> {
    static MAP: OnceLock<FxHashMap<char, char>> = OnceLock::new();
    MAP.get_or_init(|| DictId::TsCharacters.entries().iter().filter_map(changed_char).collect())
}

/// A one-character entry that maps its character to another one, as a `(from, to)` pair.
fn changed_char(&(k, v): &(&str, &str)) -> Option<(char, char)> {
    let (mut k, mut v) = (k.chars(), v.chars());
    match (k.next(), k.next(), v.next(), v.next()) {
        (Some(a), None, Some(b), None) if a != b => Some((a, b)),
        _ => None,
    }
}

/// Whether `c` is a regional form of `r` (the first candidate of `r` in OpenCC's HKVariants
/// or TWVariants): then `c` is a legitimate Traditional spelling (`台` for `臺`, written in
/// Hong Kong and Taiwan alike), in a clean Traditional line the author's choice rather than a
/// stray Simplified character.
fn regional_form(r: char, c: char) -> bool {
    static PAIRS: OnceLock<rustc_hash::FxHashSet<(char, char)>> = OnceLock::new();
    PAIRS
        .get_or_init(|| {
            [DictId::HkVariants, DictId::TwVariants]
                .iter()
                .flat_map(|d| d.entries())
                .filter_map(changed_char)
                .collect()
        })
        .contains(&(r, c))
}

fn is_suspect(table: &[bool], c: char) -> bool {
    table.get(c as usize).copied().unwrap_or(false)
}

/// The line with its stray Simplified characters made Traditional, or `None` when it has
/// none. `variant` is the line's (or its document's) Traditional variant.
pub fn repair_hant(text: &str, variant: Option<Variant>) -> Option<String> {
    let table = suspects(variant);
    // Most Traditional lines hold no character that could be a stray one.
    if !text.chars().any(|c| is_suspect(table, c)) {
        return None;
    }
    let hans = Converter::get(Config::T2s).convert(text);
    // With word boundaries: OpenCC's own phrase matches would offer "repairs" of the author's
    // characters such as 了 → 瞭 in `指明了` (`明了` → `明瞭`).
    let round = Converter::get(s2x(variant)).convert_words(&hans);
    if round == text {
        return None;
    }
    let ts = ts_map();
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut theirs = round.chars();
    // A regional form (`台` for `臺`) is repaired only in a line that shows Simplified
    // residue (a Simplified-only character): in a clean Traditional line it is the author's.
    let mut residue: Option<bool> = None;
    for c in text.chars() {
        let Some(r) = theirs.next() else {
            // A phrase changed the length: alignment is lost, keep the round trip only when
            // the line certainly holds Simplified characters.
            return (Evidence::of(text).hans > 0).then_some(round);
        };
        if r != c
            && is_suspect(table, c)
            && ts.get(&r) == Some(&c)
            && (!regional_form(r, c) || *residue.get_or_insert_with(|| Evidence::of(text).hans > 0))
        {
            out.push(r);
            changed = true;
        } else {
            out.push(c);
        }
    }
    if theirs.next().is_some() {
        return (Evidence::of(text).hans > 0).then_some(round);
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stray_simplified_characters_are_made_traditional() {
        let tw = Some(Variant::Tw);
        assert_eq!(
            repair_hant("這么說以后，并非如此", tw).as_deref(),
            Some("這麼說以後，並非如此")
        );
        // The author's own characters stay: 皇后, 干預, 只有, 制度, and a regional form
        // (台 for 臺).
        assert_eq!(repair_hant("皇后干預了制度，只有他", tw), None);
        assert_eq!(repair_hant("與首例同機返台，台灣", tw), None);
        // In a line with Simplified residue it is residue too.
        assert_eq!(repair_hant("达到百萬台", tw).as_deref(), Some("達到百萬臺"));
        assert_eq!(repair_hant("他說什么", tw).as_deref(), Some("他說什麼"));
        assert_eq!(repair_hant("沒有任何簡體字的句子。", tw), None);
    }

    #[test]
    fn a_character_of_both_scripts_is_repaired_inside_a_phrase() {
        // 辟 and 后 are Traditional characters too (復辟, 皇后); a phrase whose Traditional
        // form differs (辟谣 → 闢謠, 后续 → 後續) repairs them in an otherwise clean line.
        for variant in [None, Some(Variant::Tw), Some(Variant::Hk)] {
            assert_eq!(
                repair_hant("網站聯合辟謠平臺建設會上獲悉", variant).as_deref(),
                Some("網站聯合闢謠平臺建設會上獲悉")
            );
            assert_eq!(
                repair_hant("上QQ閱讀APP看后續精彩內容", variant).as_deref(),
                Some("上QQ閱讀APP看後續精彩內容")
            );
            assert_eq!(repair_hant("張勳復辟失敗，皇后也在場", variant), None);
        }
    }
}
