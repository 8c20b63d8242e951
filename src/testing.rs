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

/// Asserts that `run(n)` takes time linear in `n`: the fastest of three runs at `4 * n` takes
/// at most ten times the fastest at `n` (a quadratic path takes sixteen), with 50 ms of
/// slack for a loaded machine. Pick `n` so that a quadratic path costs seconds at `4 * n`.
pub fn assert_linear(what: &str, n: usize, run: impl Fn(usize)) {
    let best = |n: usize| {
        (0..3)
            .map(|_| {
                let t = std::time::Instant::now();
                run(n);
                t.elapsed()
            })
            .min()
            .expect("three runs")
    };
    let (small, large) = (best(n), best(4 * n));
    let slack = std::time::Duration::from_millis(50);
    assert!(large <= small * 10 + slack, "{what}: {n} → {small:?}, {} → {large:?}", 4 * n);
}
