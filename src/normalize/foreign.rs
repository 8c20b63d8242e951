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
