//! Byte-level UTF-8 for the scanners that step through a `str`'s bytes by hand.

/// The largest character boundary of `text` at or before byte `i` (`text.len()` when `i`
/// is past the end).
pub fn floor_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The length of the UTF-8 sequence that `lead` starts (`lead` is the first byte of a
/// character of valid UTF-8).
#[inline(always)]
pub fn char_len(lead: u8) -> usize {
    match lead {
        0..=0x7F => 1,
        0x80..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// The code point of the two- or three-byte character starting at byte `i` of `b` (valid
/// UTF-8), or `None` for ASCII and four-byte characters: the Basic Multilingual Plane's
/// non-ASCII characters, read without decoding the string.
#[inline(always)]
pub fn bmp_code_point(b: &[u8], i: usize) -> Option<usize> {
    match b[i] {
        x @ 0xC0..=0xDF => Some((usize::from(x) & 0x1F) << 6 | usize::from(b[i + 1]) & 0x3F),
        x @ 0xE0..=0xEF => Some(
            (usize::from(x) & 0x0F) << 12
                | (usize::from(b[i + 1]) & 0x3F) << 6
                | usize::from(b[i + 2]) & 0x3F,
        ),
        _ => None,
    }
}

/// Whether `b` (valid UTF-8) holds `run` consecutive characters for which `hit(i)` (`i` a
/// character's first byte) is true, when every such character takes at least `min_len`
/// bytes. Every run spans at least `run * min_len` bytes, so a run starting at any
/// character from `start` up to the one holding byte `start + span - 1` contains that
/// character: most characters miss, one probe then rules out every run starting up to it,
/// and the scan jumps past it without reading the characters in between (as in
/// Boyer-Moore).
#[inline(always)]
pub fn has_run(b: &[u8], run: usize, min_len: usize, hit: impl Fn(usize) -> bool) -> bool {
    let span = run * min_len;
    let mut start = 0;
    while start + span <= b.len() {
        let mut probe = start + span - 1;
        while b[probe] & 0xC0 == 0x80 {
            probe -= 1;
        }
        if !hit(probe) {
            start = probe + char_len(b[probe]);
            continue;
        }
        // From `start`, the first miss ends every run that starts before it; a run of
        // `run` before it is the answer.
        let mut p = start;
        let mut n = 0;
        loop {
            if p >= b.len() {
                return false;
            }
            if !hit(p) {
                start = p + char_len(b[p]);
                break;
            }
            n += 1;
            if n == run {
                return true;
            }
            p += char_len(b[p]);
        }
    }
    false
}

#[cfg(test)]
mod tests {
    #[test]
    fn char_len_is_the_encoded_length() {
        for c in ['a', '\u{7F}', 'é', '\u{7FF}', '中', '\u{FFFF}', '😀', '\u{10FFFF}'] {
            let mut buf = [0; 4];
            let s = c.encode_utf8(&mut buf);
            assert_eq!(super::char_len(s.as_bytes()[0]), c.len_utf8(), "{c:?}");
        }
    }
}
