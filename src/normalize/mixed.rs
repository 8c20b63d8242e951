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
//!
//! Which characters may be residue depends on the document ([`Residue`]). A character no
//! Traditional text writes (`这`, `么`, `并`: [`Evidence::stray`]) is residue wherever it is.
//! A character of both scripts (`后` 皇后, `范` and `于` as surnames, `辟` 復辟, `布` 宣布) is
//! residue only in a document whose Traditional lines show stray characters at a rate: a
//! writer of clean Traditional chose it, a converter that left `这` behind left `后` too.
//! Even there, a surname of both scripts (`范`, `叶`: jieba's dictionary tags them as names)
//! stays where jieba's cut of the line starts a name with it that no phrase table converts
//! (`范先生`, or `叶` alone before a given name), unlike `規范`, `范疇` or `樹叶`. (`于` is not told apart so: the dictionary tags it
//! as the preposition.)

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::script::is_stray;
use super::{Evidence, Variant};
use crate::convert::{starts_name, Config, Converter, DictId};

/// A document's evidence of Simplified residue: the stray characters ([`Evidence::stray`])
/// and Traditional characters of its Traditional-led lines, added up line by line. Lines led
/// by Simplified (a Simplified header or quotation) are no evidence about the Traditional
/// text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Residue {
    stray: usize,
    hant: usize,
}

/// Stray characters a document needs before its characters of both scripts count as
/// residue: one can be a slip or a quoted name.
const MIN_STRAY: usize = 2;

/// Stray characters per thousand of the Traditional evidence (stray + Traditional-only) a
/// document needs for the same: a Traditional article quoting a Simplified name once stays
/// clean. Traditional text with 1 % of its convertible characters simplified shows about
/// 10; seed 002 (NetEase, Traditional with stray Simplified) shows 25.
const STRAY_PER_MILLE: usize = 5;

impl Residue {
    /// Adds a line's evidence (nothing when the line is not led by Traditional).
    pub fn add(&mut self, line: Evidence) {
        if line.hant_led() {
            self.stray += line.stray;
            self.hant += line.hant;
        }
    }

    /// The residue evidence of one text taken as a document.
    pub fn of(line: Evidence) -> Residue {
        let mut r = Residue::default();
        r.add(line);
        r
    }

    /// Whether the Traditional text holds Simplified residue: then a character of both
    /// scripts is repaired where the round trip's phrase tables say so.
    pub fn shown(&self) -> bool {
        self.stray >= MIN_STRAY && self.stray * 1000 >= STRAY_PER_MILLE * (self.stray + self.hant)
    }
}

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
            let e = Evidence::of(alone);
            if e.hans > 0 || e.stray > 0 || to_hant.convert(alone) != *alone || merged.contains(&c)
            {
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
/// none. `variant` is the line's (or its document's) Traditional variant; `residue` whether
/// its document shows Simplified residue ([`Residue::shown`]): only then are characters of
/// both scripts repaired.
pub fn repair_hant(text: &str, variant: Option<Variant>, residue: bool) -> Option<String> {
    let table = suspects(variant);
    // Most Traditional lines hold no character that could be a stray one; in a document
    // without residue, only stray characters can be.
    if !text.chars().any(|c| if residue { is_suspect(table, c) } else { is_stray(c) }) {
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
    // The Simplified line's offsets, character by character, for the name check (none when
    // a phrase changed the length).
    let mut hans_at = (hans.chars().count() == text.chars().count()).then(|| hans.char_indices());
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut theirs = round.chars();
    // A regional form (`台` for `臺`) is repaired only in a line that itself holds stray
    // characters: Taiwan and Hong Kong write 台 in clean lines of a document with residue.
    let mut line_stray: Option<bool> = None;
    let mut line_stray = || *line_stray.get_or_insert_with(|| Evidence::of(text).stray > 0);
    for c in text.chars() {
        let at = hans_at.as_mut().and_then(|h| h.next()).map(|(i, _)| i);
        let Some(r) = theirs.next() else {
            // A phrase changed the length: alignment is lost, keep the round trip only when
            // the line certainly holds Simplified characters.
            return line_stray().then_some(round);
        };
        if r != c
            && is_suspect(table, c)
            && ts.get(&r) == Some(&c)
            && (is_stray(c)
                || residue
                    && (!regional_form(r, c) || line_stray())
                    && !at.is_some_and(|at| starts_name(&hans, at)))
        {
            out.push(r);
            changed = true;
        } else {
            out.push(c);
        }
    }
    if theirs.next().is_some() {
        return line_stray().then_some(round);
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stray_simplified_characters_are_made_traditional() {
        let tw = Some(Variant::Tw);
        // In a document with residue, characters of both scripts in context too (以后).
        assert_eq!(
            repair_hant("這么說以后，并非如此", tw, true).as_deref(),
            Some("這麼說以後，並非如此")
        );
        // Without it, only the stray characters.
        assert_eq!(
            repair_hant("這么說以后，并非如此", tw, false).as_deref(),
            Some("這麼說以后，並非如此")
        );
        // The author's own characters stay: 皇后, 干預, 只有, 制度, and a regional form
        // (台 for 臺) in a line without stray characters.
        assert_eq!(repair_hant("皇后干預了制度，只有他", tw, true), None);
        assert_eq!(repair_hant("與首例同機返台，台灣", tw, true), None);
        // In a line with stray characters it is residue too.
        assert_eq!(repair_hant("达到百萬台", tw, true).as_deref(), Some("達到百萬臺"));
        assert_eq!(repair_hant("达到百萬台", tw, false).as_deref(), Some("達到百萬台"));
        assert_eq!(repair_hant("他說什么", tw, false).as_deref(), Some("他說什麼"));
        assert_eq!(repair_hant("沒有任何簡體字的句子。", tw, true), None);
    }

    #[test]
    fn a_character_of_both_scripts_is_the_authors_in_a_clean_document() {
        // 辟, 后, 范, 于 are Traditional characters too (辟謠 as the source wrote it, 皇后,
        // surnames): in a document without residue they are kept.
        for variant in [None, Some(Variant::Tw), Some(Variant::Hk)] {
            for line in ["網站聯合辟謠平臺建設會上獲悉", "姓范的先生和于先生來了", "華航宣布，上周"]
            {
                assert_eq!(repair_hant(line, variant, false), None, "{line}");
            }
            assert_eq!(repair_hant("張勳復辟失敗，皇后也在場", variant, true), None);
        }
    }

    #[test]
    fn a_character_of_both_scripts_is_repaired_in_context_in_a_document_with_residue() {
        // Where the document shows residue, the round trip's phrase tables decide: 辟谣 →
        // 闢謠, 后续 → 後續, while 復辟 and 皇后 stay.
        for variant in [None, Some(Variant::Tw), Some(Variant::Hk)] {
            assert_eq!(
                repair_hant("網站聯合辟謠平臺建設會上獲悉", variant, true).as_deref(),
                Some("網站聯合闢謠平臺建設會上獲悉")
            );
            assert_eq!(
                repair_hant("上QQ閱讀APP看后續精彩內容", variant, true).as_deref(),
                Some("上QQ閱讀APP看後續精彩內容")
            );
            assert_eq!(
                repair_hant("你認為這是后AGI時代", variant, true).as_deref(),
                Some("你認為這是後AGI時代")
            );
        }
    }

    #[test]
    fn a_surname_of_both_scripts_stays_in_a_document_with_residue() {
        // 范 and 叶 are Traditional surnames too: starting a word jieba's dictionary tags as
        // a name (`nr`: 范先生, or 叶 alone) they are names; inside a word they are residue.
        for variant in [None, Some(Variant::Tw), Some(Variant::Hk)] {
            assert_eq!(
                repair_hant("范先生這么說，這是規范", variant, true).as_deref(),
                Some("范先生這麼說，這是規範"),
                "{variant:?}"
            );
            assert_eq!(
                repair_hant("叶女士撿起樹叶", variant, true).as_deref(),
                Some("叶女士撿起樹葉"),
                "{variant:?}"
            );
            // jieba's dictionary tags 范畴 and 叶子 as names too; the phrase tables say not.
            assert_eq!(
                repair_hant("這么大的范疇和叶子", variant, true).as_deref(),
                Some("這麼大的範疇和葉子"),
                "{variant:?}"
            );
        }
    }

    #[test]
    fn residue_is_a_rate_of_stray_characters_in_traditional_lines() {
        let doc = |lines: &[&str]| {
            let mut r = Residue::default();
            for l in lines {
                r.add(Evidence::of(l));
            }
            r.shown()
        };
        // One stray character is no pattern; two in a short Traditional text are.
        assert!(!doc(&["這是一個關於並非如此的說明，并且很長。"]));
        assert!(doc(&["這是一個關於並非如此的說明，并且很長。", "他們這么說。"]));
        // A Simplified line (a spam header) is no evidence about the Traditional text.
        assert!(!doc(&["欧美色图片 国产精品 这里们说", "48家網站舉報通道進辟謠平臺"]));
        // Two stray characters among thousands of Traditional ones are a quotation.
        let long = "這個國際會議將於後天舉行，與會者討論經濟發展與環境保護。".repeat(40);
        assert!(!doc(&[&long, "他說「小红书」很紅"]));
    }
}
