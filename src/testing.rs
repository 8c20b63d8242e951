//! Helpers shared by the unit tests.

/// A fixed-seed xorshift generator: randomized tests that are the same on every run.
pub struct Xorshift(u64);

impl Default for Xorshift {
    fn default() -> Self {
        Xorshift(0x2545_F491_4F6C_DD1D)
    }
}

impl Xorshift {
    /// The next number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// A document whose lines are `text`'s, numbered from 1 (what decode would give).
pub fn doc_of_lines(text: &str) -> crate::Document {
    use crate::document::{Line, Span};
    let mut d = crate::Document::new("t", "t", text.as_bytes().to_vec());
    d.lines =
        text.lines().enumerate().map(|(i, l)| Line::new(l, Span::line(i as u32 + 1))).collect();
    d
}
