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
