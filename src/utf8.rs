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
    has_either_run(b, (run, min_len), hit, (run, min_len), |_| false)
}

/// [`has_run`] for two kinds of run at once, where every `inner` character is an `outer`
/// one: whether `b` has `outer.0` consecutive characters (each at least `outer.1` bytes)
/// for which `hit_outer` holds, or `inner.0` (each at least `inner.1` bytes) for which
/// `hit_inner` does. One probe at the shorter of the two spans rules out both kinds of
/// run through it (a miss of `hit_outer` is one of `hit_inner`), where two scans would
/// probe twice.
#[inline(always)]
pub fn has_either_run(
    b: &[u8],
    (outer_run, outer_len): (usize, usize),
    hit_outer: impl Fn(usize) -> bool,
    (inner_run, inner_len): (usize, usize),
    hit_inner: impl Fn(usize) -> bool,
) -> bool {
    let span = (outer_run * outer_len).min(inner_run * inner_len);
    let mut start = 0;
    while start + span <= b.len() {
        let mut probe = start + span - 1;
        while b[probe] & 0xC0 == 0x80 {
            probe -= 1;
        }
        if !hit_outer(probe) {
            start = probe + char_len(b[probe]);
            continue;
        }
        // From `start`, the first outer miss ends every run of either kind that starts
        // before it; a run before it is the answer.
        let (mut p, mut outer, mut inner) = (start, 0, 0);
        loop {
            if p >= b.len() {
                return false;
            }
            if !hit_outer(p) {
                start = p + char_len(b[p]);
                break;
            }
            outer += 1;
            inner = if hit_inner(p) { inner + 1 } else { 0 };
            if outer == outer_run || inner == inner_run {
                return true;
            }
            p += char_len(b[p]);
        }
    }
    false
}

#[cfg(test)]
mod tests {
    /// Against the definition on random strings of one-, two-, three- and four-byte
    /// characters, inner, outer only and neither, so runs start, break and end everywhere.
    #[test]
    fn either_run_matches_its_definition() {
        let pool = ['a', ' ', 'é', 'ß', '中', '饕', '餮', '😀', '—'];
        let outer = |c: char| !c.is_ascii() && c != '中';
        let inner = |c: char| matches!(c, '饕' | '餮' | '😀');
        let mut rng = crate::testing::Xorshift::default();
        let (mut yes, mut no) = (0, 0);
        for round in 0..20_000 {
            let n = rng.below(16);
            let text: String = (0..n).map(|_| pool[rng.below(pool.len())]).collect();
            let c: Vec<char> = text.chars().collect();
            let want = c.windows(4).any(|w| w.iter().all(|&x| outer(x)))
                || c.windows(2).any(|w| w.iter().all(|&x| inner(x)));
            let b = text.as_bytes();
            let at = |i: usize| text[i..].chars().next().expect("a character");
            let got = super::has_either_run(b, (4, 2), |i| outer(at(i)), (2, 3), |i| inner(at(i)));
            assert_eq!(got, want, "round {round}: {text:?}");
            if want {
                yes += 1;
            } else {
                no += 1;
            }
        }
        assert!(yes > 1000 && no > 1000, "{yes} with a run, {no} without");
    }

    #[test]
    fn char_len_is_the_encoded_length() {
        for c in ['a', '\u{7F}', 'é', '\u{7FF}', '中', '\u{FFFF}', '😀', '\u{10FFFF}'] {
            let mut buf = [0; 4];
            let s = c.encode_utf8(&mut buf);
            assert_eq!(super::char_len(s.as_bytes()[0]), c.len_utf8(), "{c:?}");
        }
    }
}
