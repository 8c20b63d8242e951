//! Eight bytes at a time: tests on a `u64` word (its bytes in memory order) that mark the
//! bytes they find with bit 7. The lowest mark is always exact; a borrow can also mark
//! bytes above a marked one, so callers take the lowest mark or look at the bytes again.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The eight bytes at the start of `bytes` (at least eight long).
#[inline(always)]
pub fn word(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes[..8].try_into().expect("eight bytes"))
}

/// Marks the bytes of `w` below `n` (`n` at most 0x80).
#[inline(always)]
pub fn below(w: u64, n: u8) -> u64 {
    w.wrapping_sub(ONES * u64::from(n)) & !w & HIGH
}

/// Marks the bytes of `w` equal to `b`.
#[inline(always)]
pub fn equal(w: u64, b: u8) -> u64 {
    below(w ^ (ONES * u64::from(b)), 1)
}

/// Marks the bytes of `w` equal to `b` or `b | 1` (`b` even: two neighbouring values).
#[inline(always)]
pub fn equal_pair(w: u64, b: u8) -> u64 {
    equal(w | ONES, b | 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Xorshift;

    /// The lowest mark of each test is the first byte it holds for.
    #[test]
    fn lowest_marks_are_the_first_matching_bytes() {
        let mut rng = Xorshift::default();
        const BYTES: [u8; 12] =
            [0x00, 0x01, 0x1F, 0x20, 0x22, 0x3F, 0x40, 0x7F, 0x80, 0xE2, 0xE3, 0xFF];
        let first = |m: u64| m.trailing_zeros() as usize / 8;
        for _ in 0..100_000 {
            let b: [u8; 8] = std::array::from_fn(|_| BYTES[rng.below(BYTES.len())]);
            let w = word(&b);
            let pos = |f: &dyn Fn(u8) -> bool| b.iter().position(|&x| f(x)).unwrap_or(8);
            for n in [0x01, 0x20, 0x40, 0x80] {
                assert_eq!(first(below(w, n)), pos(&|x| x < n), "{b:x?} below {n:#x}");
            }
            assert_eq!(first(equal(w, 0x22)), pos(&|x| x == 0x22), "{b:x?}");
            assert_eq!(first(equal_pair(w, 0xE2)), pos(&|x| x == 0xE2 || x == 0xE3), "{b:x?}");
        }
    }
}
