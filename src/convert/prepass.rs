//! What OpenCC 1.4 does before and around the dictionaries: the `normalization` pass
//! (CJK_Compatibility_Ideographs: U+F900 豈 → U+8C48 豈, run over the whole text before
//! segmentation) and ideographic description sequences (`⿰氵发`), which every pass copies
//! verbatim (`UTF8Util::NextIdeographicDescriptionSequenceLength` where no key matches).
//!
//! No dictionary key holds a description operator, so no match covers one: the sequences
//! OpenCC copies are exactly the complete ones found scanning left to right, and the text
//! between them converts as separate pieces (no key crosses an operator, and a key cannot
//! start inside a sequence, whose positions OpenCC never visits).

use std::borrow::Cow;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::DictId;

/// Arity of an ideographic description operator (U+2FF0–U+2FFF), 0 for other characters.
fn arity(c: char) -> usize {
    match c as u32 {
        0x2FF2 | 0x2FF3 => 3,
        0x2FFE | 0x2FFF => 1,
        0x2FF0..=0x2FFD => 2,
        _ => 0,
    }
}

/// OpenCC's bounds on a sequence: nesting depth and code points.
const MAX_DEPTH: usize = 16;
const MAX_CHARS: usize = 64;

/// Byte length of the complete description sequence starting `s`, if one does.
pub fn ids_len(s: &str) -> Option<usize> {
    let first = s.chars().next()?;
    if arity(first) == 0 {
        return None;
    }
    let mut chars = 0;
    consume(s, MAX_DEPTH, &mut chars)
}

fn consume(s: &str, depth: usize, chars: &mut usize) -> Option<usize> {
    if depth == 0 || *chars >= MAX_CHARS {
        return None;
    }
    let c = s.chars().next()?;
    *chars += 1;
    let mut len = c.len_utf8();
    for _ in 0..arity(c) {
        len += consume(&s[len..], depth - 1, chars)?;
    }
    Some(len)
}

/// True when `text` may hold a compatibility ideograph or a description operator: the
/// common case (neither) then converts without the pre-pass. Compatibility ideographs are
/// U+F900–U+FAFF (UTF-8 `EF A4`–`EF AB`) and U+2F800–U+2FA1F (`F0 AF A0`–`F0 AF A8`);
/// operators are `E2 BF B0`–`E2 BF BF`.
pub fn needed(text: &str) -> bool {
    let b = text.as_bytes();
    // Blocks of positions, each seen with the two bytes after it, in a loop without an early
    // exit, which the compiler turns into vector compares: a search for the lead bytes would
    // stop at every full-width comma (`EF BC 8C`) of Chinese text.
    const BLOCK: usize = 32;
    let mut i = 0;
    while i + BLOCK + 2 <= b.len() {
        let w: &[u8; BLOCK + 2] = b[i..i + BLOCK + 2].try_into().expect("a block");
        let mut hit = false;
        for j in 0..BLOCK {
            hit |= starts_special(w[j], w[j + 1], w[j + 2]);
        }
        if hit {
            return true;
        }
        i += BLOCK;
    }
    let at = |j: usize| b.get(j).copied().unwrap_or(0);
    (i..b.len()).any(|j| starts_special(b[j], at(j + 1), at(j + 2)))
}

/// Whether the bytes `x y z` start a compatibility ideograph or a description operator (a
/// byte past the end is 0).
#[inline(always)]
fn starts_special(x: u8, y: u8, z: u8) -> bool {
    (x == 0xEF) & (y.wrapping_sub(0xA4) < 8)
        | (x == 0xE2) & (y == 0xBF) & (z >= 0xB0)
        | (x == 0xF0) & (y == 0xAF) & (z.wrapping_sub(0xA0) < 9)
}

/// Calls `f(piece, verbatim)` on the pieces of `text` in order: complete description
/// sequences (`verbatim`), and the text between them.
pub fn pieces(text: &str, mut f: impl FnMut(&str, bool)) {
    let mut start = 0;
    let mut i = 0;
    while i < text.len() {
        let c = text[i..].chars().next().expect("in bounds");
        if arity(c) > 0 {
            if let Some(n) = ids_len(&text[i..]) {
                if start < i {
                    f(&text[start..i], false);
                }
                f(&text[i..i + n], true);
                i += n;
                start = i;
                continue;
            }
        }
        i += c.len_utf8();
    }
    if start < text.len() {
        f(&text[start..], false);
    }
}

/// The normalization pass: compatibility ideographs mapped to their unified characters.
pub fn normalize(text: &str) -> Cow<'_, str> {
    static MAP: OnceLock<FxHashMap<char, &'static str>> = OnceLock::new();
    let map = MAP.get_or_init(|| {
        DictId::CjkCompat
            .entries()
            .iter()
            .map(|(k, v)| (k.chars().next().expect("non-empty key"), *v))
            .collect()
    });
    if !text.chars().any(|c| map.contains_key(&c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match map.get(&c) {
            Some(v) => out.push_str(v),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequences_are_found_whole_and_bounded() {
        assert_eq!(ids_len("⿰氵发展"), Some("⿰氵发".len()));
        assert_eq!(ids_len("⿲彳亍丁x"), Some("⿲彳亍丁".len()));
        assert_eq!(ids_len("⿱艹⿰氵里了"), Some("⿱艹⿰氵里".len()));
        assert_eq!(ids_len("⿰氵"), None, "incomplete");
        assert_eq!(ids_len("发"), None);
        let deep = "⿰".repeat(20) + &"x".repeat(21);
        assert_eq!(ids_len(&deep), None, "deeper than OpenCC's bound");
        let mut got = Vec::new();
        pieces("a⿰氵发b⿰c", |p, v| got.push((p.to_string(), v)));
        assert_eq!(got, [("a".into(), false), ("⿰氵发".into(), true), ("b⿰c".into(), false)]);
    }

    #[test]
    fn prefilter_sees_every_compat_ideograph_and_operator() {
        for (k, _) in DictId::CjkCompat.entries() {
            assert_eq!(k.chars().count(), 1, "{k}");
            assert!(needed(k), "{k}");
        }
        assert!(needed("⿰"));
        assert!(!needed("中文，標點：「」（）ｶﾀｶﾅ…—"));
        assert_eq!(normalize("\u{F900}"), "\u{8C48}");
    }

    /// The blocked search sees a character at every offset, block edges and the end
    /// included, and nothing in text without one.
    #[test]
    fn prefilter_sees_every_offset() {
        let plain = "中文，標點：「」（）…—\u{2FEF}\u{FB00}\u{F8FF}\u{2FB00}".repeat(3);
        assert!(!needed(&plain));
        for c in ["\u{F900}", "\u{FAFF}", "\u{2FF0}", "\u{2FFF}", "\u{2F800}", "\u{2FA1F}"] {
            for n in 0..80 {
                let text = format!("{}{c}", "a".repeat(n));
                assert!(needed(&text), "{c:?} after {n} bytes, at the end");
                let text = format!("{}{c}{plain}", "a".repeat(n));
                assert!(needed(&text), "{c:?} after {n} bytes, text after");
            }
        }
    }
}
