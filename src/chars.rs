//! Character classes of Chinese text, defined once: every stage that asks "is this a Han
//! character", "is this CJK punctuation" or "is this written without spaces" asks here.

/// A Han ideograph: the unified ideographs (extension A, the basic block, the
/// supplementary-plane extensions B–G) and the compatibility ideographs.
pub fn is_ideograph(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// A Han ideograph, a kana, or the ideographic iteration and zero marks `々` `〇`: the
/// letters of Chinese (and Japanese) words.
pub fn is_han(c: char) -> bool {
    is_ideograph(c) || matches!(c as u32, 0x3040..=0x30FF | 0x3005 | 0x3007)
}

/// Full-width (CJK) punctuation: CJK symbols block, full-width forms that are not letters or
/// digits, and the ellipsis / em dash used in Chinese.
pub fn is_cjk_punct(c: char) -> bool {
    matches!(c as u32,
        0x3001..=0x3004 | 0x3008..=0x303F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20
        | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65 | 0x2026 | 0x2014)
}

/// A character of Chinese text: a Han letter ([`is_han`]) or CJK punctuation
/// ([`is_cjk_punct`]).
pub fn is_cjk(c: char) -> bool {
    is_han(c) || is_cjk_punct(c)
}

/// A character of the CJK symbols block (`U+3000..U+303F`, the ideographic space included)
/// or of the half-width and full-width forms block (`U+FF00..U+FFEF`).
pub fn is_cjk_symbol_or_form(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFFEF)
}

/// A character of the scripts written without spaces between words: every CJK block from
/// the radicals (`U+2E80`) to the unified ideographs, the compatibility ideographs, the
/// full-width forms and the supplementary ideographic planes. A line break between two of
/// them is not a word space.
pub fn is_unspaced(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert!(is_ideograph('中') && is_ideograph('𠀀') && !is_ideograph('の'));
        assert!(is_han('の') && is_han('々') && !is_han('，'));
        assert!(is_cjk_punct('，') && is_cjk_punct('…') && !is_cjk_punct('Ａ'));
        assert!(is_cjk('中') && is_cjk('。') && !is_cjk('a'));
        assert!(is_cjk_symbol_or_form('\u{3000}') && is_cjk_symbol_or_form('Ａ'));
        assert!(is_unspaced('ㄅ') && is_unspaced('中') && !is_unspaced('a'));
    }
}
