//! Byte-level UTF-8 for the scanners that step through a `str`'s bytes by hand.

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
