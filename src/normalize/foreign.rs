//! Japanese and Korean in Chinese text: lines and spans that are not Chinese, found so that
//! script conversion leaves them alone (`日本語版に移動しますか` must not become
//! `日本语版に移动しますか`).
//!
//! Kana and hangul are the evidence: no Chinese text writes them. A line where they are a
//! large share of its CJK letters is Japanese or Korean as a whole (its kanji included); in
//! a Chinese line, a span between delimiters (quotes, brackets, sentence punctuation,
//! spaces) that holds kana or hangul is a quoted Japanese or Korean phrase.

/// Share (percent) of kana among a line's kana and Han characters from which the whole line is
/// Japanese or Korean. Japanese prose runs 40–70 % kana; a Chinese line quoting a phrase
/// stays well below.
const FOREIGN_LINE_PERCENT: usize = 25;

/// Whether `c` is kana (hiragana, katakana, half-width katakana, small kana extensions) or
/// hangul (syllables and jamo).
pub fn is_kana_or_hangul(c: char) -> bool {
    matches!(c as u32,
        0x3041..=0x309F | 0x30A1..=0x30FA | 0x30FD..=0x30FF | 0x31F0..=0x31FF
        | 0xFF66..=0xFF9D | 0x1B000..=0x1B16F
        | 0xAC00..=0xD7A3 | 0x1100..=0x11FF | 0x3131..=0x318E | 0xA960..=0xA97F | 0xD7B0..=0xD7FF)
}

/// Whether `b` (UTF-8) may hold a character [`is_kana_or_hangul`] accepts, from its bytes
/// alone: a lead byte of U+1000–U+1FFF or U+A000–U+DFFF, `E3` before `81`–`87` (U+3040–U+31FF),
/// `EF` before `BD`/`BE` (U+FF40–U+FFBF), or `F0 9B` (U+1B000–U+1BFFF). Chinese text (Han
/// letters and CJK punctuation, U+3000–U+303F and U+4E00–U+9FFF) has none of them, so most
/// lines are settled without decoding a character.
fn may_hold_kana_or_hangul(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        if x >= 0xE1 {
            let next = b.get(i + 1).copied().unwrap_or(0);
            match x {
                0xE1 | 0xEA..=0xED => return true,
                0xE3 if (0x81..=0x87).contains(&next) => return true,
                0xEF if (0xBD..=0xBE).contains(&next) => return true,
                0xF0 if next == 0x9B => return true,
                _ => {}
            }
        }
        i += 1;
    }
    false
}

fn is_hangul(c: char) -> bool {
    matches!(c as u32, 0xAC00..=0xD7A3 | 0x1100..=0x11FF | 0x3131..=0x318E | 0xA960..=0xA97F | 0xD7B0..=0xD7FF)
}

fn is_delimiter(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '「' | '」'
                | '『'
                | '』'
                | '“'
                | '”'
                | '"'
                | '‘'
                | '’'
                | '《'
                | '》'
                | '〈'
                | '〉'
                | '（'
                | '）'
                | '('
                | ')'
                | '【'
                | '】'
                | '，'
                | '。'
                | '！'
                | '？'
                | '；'
                | '：'
                | ','
                | '!'
                | '?'
                | ';'
                | ':'
        )
}

/// Calls `f(piece, foreign)` on the pieces of `text` in order: Japanese or Korean pieces
/// (`foreign`), to be left as they are, and the Chinese text between them. `None` when
/// `text` holds no kana or hangul (the common case: nothing to split).
pub fn split<'a>(text: &'a str, mut f: impl FnMut(&'a str, bool)) -> Option<()> {
    if !may_hold_kana_or_hangul(text.as_bytes()) {
        return None;
    }
    let foreign = text.chars().filter(|&c| is_kana_or_hangul(c)).count();
    if foreign == 0 {
        return None;
    }
    // Kana only: Japanese mixes kanji into its sentences, Korean does not (a Korean phrase
    // quoted in Chinese is a span).
    let kana = text.chars().filter(|&c| is_kana_or_hangul(c) && !is_hangul(c)).count();
    let han = text.chars().filter(|&c| crate::normalize::is_han(c)).count();
    if kana > 0 && kana * 100 >= FOREIGN_LINE_PERCENT * (kana + han) {
        f(text, true);
        return Some(());
    }
    let mut start = 0;
    let mut piece_start = 0;
    let mut has = false;
    let flush = |from: usize, to: usize, foreign: bool, f: &mut dyn FnMut(&'a str, bool)| {
        if to > from {
            f(&text[from..to], foreign);
        }
    };
    // Pieces between delimiters; consecutive Chinese pieces are handed over as one.
    for (i, c) in text.char_indices() {
        if is_delimiter(c) {
            if has {
                flush(start, piece_start, false, &mut f);
                flush(piece_start, i, true, &mut f);
                start = i;
            }
            piece_start = i + c.len_utf8();
            has = false;
        } else if is_kana_or_hangul(c) {
            has = true;
        }
    }
    if has {
        flush(start, piece_start, false, &mut f);
        flush(piece_start, text.len(), true, &mut f);
    } else {
        flush(start, text.len(), false, &mut f);
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(t: &str) -> Vec<(String, bool)> {
        let mut v = Vec::new();
        split(t, |p, f| v.push((p.to_string(), f)));
        v
    }

    #[test]
    fn japanese_and_korean_lines_are_whole() {
        assert_eq!(
            pieces("日本語版ウェブサイトに移動しますか？"),
            [("日本語版ウェブサイトに移動しますか？".into(), true)]
        );
        let ko = pieces("한국어 페이지로 이동");
        assert!(ko.iter().all(|(p, f)| *f || p.trim().is_empty()), "{ko:?}");
        assert_eq!(ko.iter().map(|x| x.0.as_str()).collect::<String>(), "한국어 페이지로 이동");
        assert!(pieces("没有假名的中文。").is_empty());
        let p = pieces("這個網站說「한국어 페이지」很好");
        assert_eq!(
            p.iter().filter(|x| x.1).map(|x| x.0.as_str()).collect::<Vec<_>>(),
            ["한국어", "페이지"]
        );
    }

    /// The byte test never misses a character the char test accepts.
    #[test]
    fn byte_prefilter_sees_every_kana_and_hangul() {
        let mut buf = [0u8; 4];
        for cp in 0..=0x10FFFFu32 {
            let Some(c) = char::from_u32(cp) else { continue };
            if is_kana_or_hangul(c) {
                let s = c.encode_utf8(&mut buf);
                assert!(may_hold_kana_or_hangul(s.as_bytes()), "{c}");
                assert!(may_hold_kana_or_hangul(format!("中文{c}。").as_bytes()), "{c}");
            }
        }
        assert!(!may_hold_kana_or_hangul("中文，「引號」。English 123".as_bytes()));
    }

    #[test]
    fn a_quoted_phrase_in_a_chinese_line_is_a_span() {
        let p = pieces("他在会议上说这个词「お疲れ様」的意思是辛苦了，大家都笑了");
        assert_eq!(
            p,
            [
                ("他在会议上说这个词「".into(), false),
                ("お疲れ様".into(), true),
                ("」的意思是辛苦了，大家都笑了".into(), false)
            ]
        );
        let joined: String = p.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(joined, "他在会议上说这个词「お疲れ様」的意思是辛苦了，大家都笑了");
    }
}
