//! Script (Simplified / Traditional) and Traditional-variant (Hong Kong / Taiwan) detection,
//! from OpenCC's character dictionaries.

use rustc_hash::FxHashSet as HashSet;
use std::sync::OnceLock;

use crate::convert::DictId;
pub use crate::document::{Script, Variant};

/// Characters of written Cantonese (`嘅`, `咗`, `喺`…), Hong Kong evidence. Not `係`, `呢` or
/// `咁`, which standard written Chinese uses too.
const CANTONESE: &str = "嘅咗唔喺哋㗎冇嚟佢啲嘢嗰咩噉嘥攞睇乜";

/// Minimum share (percent) of the evidence one script needs for the text to count as that
/// script; below it on both sides the text is [`Script::Mixed`].
pub const SCRIPT_MAJORITY_PERCENT: usize = 80;

/// The evidence sets.
struct Sets {
    hans: HashSet<char>,
    /// Simplified characters no Traditional text writes (see [`Evidence::stray`]).
    stray: HashSet<char>,
    hant: HashSet<char>,
    hk: HashSet<char>,
    tw: HashSet<char>,
}

/// The four sets as bit flags, indexed by code point (up to the largest member): one array
/// load per character instead of four hash lookups.
struct Table {
    flags: Vec<u8>,
}

const HANS: u8 = 1;
const HANT: u8 = 2;
const HK: u8 = 4;
const TW: u8 = 8;
const STRAY: u8 = 16;

impl Table {
    #[inline]
    fn flags(&self, c: char) -> u8 {
        self.flags.get(c as usize).copied().unwrap_or(0)
    }
}

fn first_char(s: &str) -> char {
    s.chars().next().expect("non-empty")
}

/// Single-character entries whose conversion changes the character.
fn changed(d: DictId) -> Vec<(char, char)> {
    d.entries()
        .iter()
        .filter(|(k, v)| k != v && k.chars().count() == 1 && v.chars().count() == 1)
        .map(|(k, v)| (first_char(k), first_char(v)))
        .collect()
}

fn build_sets() -> Sets {
    let hk_map = changed(DictId::HkVariants);
    let tw_map = changed(DictId::TwVariants);
    // Regional forms and the standard forms they replace are legitimate Traditional even
    // where s2t would change them (户 is Simplified and Hong Kong Traditional): they never
    // count as Simplified evidence. They do not count as Traditional evidence either,
    // since many are also Simplified (台, 着, 吃).
    let regional: HashSet<char> =
        hk_map.iter().chain(&tw_map).flat_map(|(a, b)| [*a, *b]).collect();
    let st: HashSet<char> = changed(DictId::StCharacters).into_iter().map(|p| p.0).collect();
    let ts: HashSet<char> = changed(DictId::TsCharacters).into_iter().map(|p| p.0).collect();
    let hans = st.difference(&ts).filter(|c| !regional.contains(c)).copied().collect();
    let hant = ts.difference(&st).copied().collect();
    // Of the characters Simplified → Traditional changes, those it never keeps (none of its
    // candidates is the character itself: 这 → 這, but 后 → 後 后) and that no regional
    // table writes for one of the candidates (峰 is Taiwan's 峯, so it stays legitimate; 么
    // is Taiwan's form of 幺, not of 麼, so it does not).
    let regional_pairs: HashSet<(char, char)> = hk_map.iter().chain(&tw_map).copied().collect();
    let stray = DictId::StCharacters
        .text()
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .filter_map(|(k, v)| {
            let mut chars = k.chars();
            let c = chars.next().filter(|_| chars.next().is_none())?;
            let candidates = || v.split(' ').filter_map(|t| t.chars().next());
            let stray = st.contains(&c)
                && !ts.contains(&c)
                && candidates().all(|t| t != c && !regional_pairs.contains(&(t, c)));
            stray.then_some(c)
        })
        .collect();

    let hk_keys: HashSet<char> = hk_map.iter().map(|p| p.0).collect();
    let tw_keys: HashSet<char> = tw_map.iter().map(|p| p.0).collect();
    let hk_vals: HashSet<char> = hk_map.iter().map(|p| p.1).collect();
    let tw_vals: HashSet<char> = tw_map.iter().map(|p| p.1).collect();
    // HK evidence: HK forms, and standard forms Taiwan changes but Hong Kong keeps (着 裏).
    let mut hk: HashSet<char> = hk_vals.iter().copied().filter(|c| !tw_vals.contains(c)).collect();
    hk.extend(tw_keys.iter().filter(|c| !hk_keys.contains(c) && !tw_vals.contains(c)));
    hk.insert('綫');
    // TW evidence: TW forms, and standard forms Hong Kong changes but Taiwan keeps (說 戶).
    let mut tw: HashSet<char> = tw_vals.iter().copied().filter(|c| !hk_vals.contains(c)).collect();
    tw.extend(hk_keys.iter().filter(|c| !tw_keys.contains(c) && !hk_vals.contains(c)));
    tw.insert('線');
    let both: Vec<char> = hk.intersection(&tw).copied().collect();
    for c in both {
        hk.remove(&c);
        tw.remove(&c);
    }
    // 台 is HKVariants' form of 臺, but Taiwan writes it at least as often (台灣, 台北): it
    // tells the two apart no more than a common character does.
    hk.remove(&'台');
    // Written Cantonese: characters only Hong Kong text uses.
    hk.extend(CANTONESE.chars());
    Sets { hans, stray, hant, hk, tw }
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let Sets { hans, stray, hant, hk, tw } = build_sets();
        let sets = [&hans, &stray, &hant, &hk, &tw];
        let max = sets.iter().flat_map(|s| s.iter()).max().map_or(0, |c| *c as usize);
        let mut flags = vec![0u8; max + 1];
        for (set, bit) in [(&hans, HANS), (&stray, STRAY), (&hant, HANT), (&hk, HK), (&tw, TW)] {
            for c in set.iter() {
                flags[*c as usize] |= bit;
            }
        }
        Table { flags }
    })
}

/// Counts of script and variant evidence in a text, from one pass over its characters.
/// Counts add up: the evidence of a text is the sum of the evidence of its pieces.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Evidence {
    /// Simplified characters: Simplified → Traditional changes them, Traditional →
    /// Simplified never writes them back. Some are Traditional characters too (后 皇后, 于 and
    /// 范 as surnames, 辟 復辟): script evidence, not proof of Simplified residue.
    pub hans: usize,
    /// Simplified characters no Traditional text writes (这, 们, 并; 么, which Taiwan writes
    /// for 幺 but never for 麼): in a Traditional line, certain Simplified residue.
    pub stray: usize,
    /// Traditional-only characters.
    pub hant: usize,
    /// Hong Kong forms.
    pub hk: usize,
    /// Taiwan forms.
    pub tw: usize,
}

impl Evidence {
    /// The evidence in `text`.
    pub fn of(text: &str) -> Evidence {
        let s = table();
        let mut e = Evidence::default();
        for c in text.chars() {
            // ASCII is never evidence; most lines are largely ASCII or common characters.
            if c.is_ascii() {
                continue;
            }
            let f = s.flags(c);
            if f != 0 {
                e.hans += usize::from(f & HANS != 0);
                e.stray += usize::from(f & STRAY != 0);
                e.hant += usize::from(f & HANT != 0);
                e.hk += usize::from(f & HK != 0);
                e.tw += usize::from(f & TW != 0);
            }
        }
        e
    }

    /// Whether the text is led by Traditional evidence: the lines the normalize stage
    /// repairs as Traditional (`repair_hant`) and whose Simplified-only characters are a
    /// document's residue ([`super::Residue`]).
    pub fn hant_led(&self) -> bool {
        self.hant > 0 && self.hant >= self.hans
    }

    /// Adds another text's evidence.
    pub fn add(&mut self, other: Evidence) {
        self.hans += other.hans;
        self.stray += other.stray;
        self.hant += other.hant;
        self.hk += other.hk;
        self.tw += other.tw;
    }

    /// The script this evidence shows (see [`detect_script`]).
    pub fn script(&self) -> Script {
        let (hans, hant) = (self.hans, self.hant);
        let n = hans + hant;
        if n == 0 {
            return Script::None;
        }
        if hant * 100 >= SCRIPT_MAJORITY_PERCENT * n {
            Script::Hant
        } else if hans * 100 >= SCRIPT_MAJORITY_PERCENT * n {
            Script::Hans
        } else {
            Script::Mixed
        }
    }

    /// The Traditional variant this evidence shows (see [`detect_variant`]).
    pub fn variant(&self) -> Option<Variant> {
        if !matches!(self.script(), Script::Hant | Script::Mixed) {
            return None;
        }
        match self.hk.cmp(&self.tw) {
            std::cmp::Ordering::Greater => Some(Variant::Hk),
            std::cmp::Ordering::Less => Some(Variant::Tw),
            std::cmp::Ordering::Equal => None,
        }
    }
}

/// Whether `c` is a Simplified character no Traditional text writes ([`Evidence::stray`]).
pub(crate) fn is_stray(c: char) -> bool {
    table().flags(c) & STRAY != 0
}

/// Detects the script from characters that only one script uses (those that OpenCC's s2t
/// changes but t2s does not, and vice versa). One script needs [`SCRIPT_MAJORITY_PERCENT`] of the
/// evidence; a Simplified article quoting a Traditional name stays [`Script::Hans`].
pub fn detect_script(text: &str) -> Script {
    Evidence::of(text).script()
}

/// Detects the Traditional variant from regional character forms (HK 説/着/裏/户/綫 vs TW
/// 說/著/裡/戶/線, from OpenCC's HKVariants and TWVariants). `None` when the text is not
/// (partly) Traditional or the evidence is absent or tied.
pub fn detect_variant(text: &str) -> Option<Variant> {
    Evidence::of(text).variant()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts() {
        assert_eq!(detect_script("这是简体中文，发现头发。"), Script::Hans);
        assert_eq!(detect_script("這是繁體中文，發現頭髮。"), Script::Hant);
        assert_eq!(detect_script("这是简体中文。這是繁體中文。"), Script::Mixed);
        assert_eq!(detect_script("Hello, world 123"), Script::None);
        assert_eq!(detect_script("中文"), Script::None);
        // A Traditional name quoted in a Simplified article.
        assert_eq!(
            detect_script("我们在台北见到了陈先生，他说這個很好吃，我们都觉得应该再来"),
            Script::Hans
        );
    }

    #[test]
    fn stray_characters_are_those_traditional_never_writes() {
        let s = build_sets();
        // 发 too: both its Traditional forms (發, 髮) differ from it.
        for c in "这们说并对么发".chars() {
            assert!(s.stray.contains(&c), "{c}");
        }
        // Traditional characters too (皇后, surnames 范 and 于, 復辟, 天干), regional forms (峰
        // for 峯, 台 for 臺), and Traditional characters.
        for c in "后范于辟干里占台峰户這們".chars() {
            assert!(!s.stray.contains(&c), "{c}");
        }
        assert_eq!(Evidence::of("姓范的先生和于先生來了").stray, 0);
        assert_eq!(Evidence::of("這么說以后，并非如此").stray, 2);
    }

    #[test]
    fn variants() {
        assert_eq!(detect_variant("他説着走進裏面，户口"), Some(Variant::Hk));
        assert_eq!(detect_variant("他說著走進裡面，戶口"), Some(Variant::Tw));
        assert_eq!(detect_variant("他说着走进里面"), None);
        assert_eq!(detect_variant("繁體中文"), None);
        let s = build_sets();
        for c in ['説', '着', '裏', '户', '綫'] {
            assert!(s.hk.contains(&c), "{c}");
        }
        for c in ['說', '著', '裡', '戶', '線'] {
            assert!(s.tw.contains(&c), "{c}");
        }
        // Taiwan writes 台 as often as Hong Kong; Cantonese characters are Hong Kong's.
        assert_eq!(detect_variant("台北市政府說，台灣的台風"), Some(Variant::Tw));
        assert_eq!(detect_variant("記者唔使咁醒㗎，佢哋話"), Some(Variant::Hk));
    }

    #[test]
    fn flag_table_matches_sets() {
        let (s, t) = (build_sets(), table());
        for cp in 0..=0x3FFFFu32 {
            let Some(c) = char::from_u32(cp) else { continue };
            let f = t.flags(c);
            assert_eq!(f & HANS != 0, s.hans.contains(&c), "{c}");
            assert_eq!(f & STRAY != 0, s.stray.contains(&c), "{c}");
            assert_eq!(f & HANT != 0, s.hant.contains(&c), "{c}");
            assert_eq!(f & HK != 0, s.hk.contains(&c), "{c}");
            assert_eq!(f & TW != 0, s.tw.contains(&c), "{c}");
        }
        assert!(s.hans.iter().chain(&s.hant).chain(&s.hk).chain(&s.tw).all(|c| !c.is_ascii()));
        assert!(s.stray.iter().all(|c| !c.is_ascii()));
        // The normalize stage counts a line's evidence before punctuation normalisation:
        // what that writes or removes must never be evidence.
        for c in "，？：；！（）…\u{a0}\u{3000}".chars() {
            assert_eq!(t.flags(c), 0, "{c}");
        }
    }
}
