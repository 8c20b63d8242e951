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
    memchr::memchr3_iter(0xE2, 0xEF, 0xF0, b).any(|i| match b[i] {
        0xE2 => b.get(i + 1) == Some(&0xBF) && b.get(i + 2).is_some_and(|&x| x >= 0xB0),
        0xEF => b.get(i + 1).is_some_and(|&x| (0xA4..=0xAB).contains(&x)),
        _ => {
            b.get(i + 1) == Some(&0xAF) && b.get(i + 2).is_some_and(|&x| (0xA0..=0xA8).contains(&x))
        }
    })
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
}
