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

/// Asserts that `run(n)` takes time linear in `n`: the least CPU time of three runs at
/// `4 * n` is at most ten times the least at `n` (a quadratic path takes sixteen), with
/// 50 ms of slack. The thread's CPU time is read, not the wall clock: on a loaded machine a
/// preemption would count. Pick `n` so that a quadratic path costs seconds at `4 * n`.
pub fn assert_linear(what: &str, n: usize, run: impl Fn(usize)) {
    let best = |n: usize| {
        (0..3)
            .map(|_| {
                let start = thread_cpu();
                run(n);
                thread_cpu().saturating_sub(start)
            })
            .min()
            .expect("three runs")
    };
    let (small, large) = (best(n), best(4 * n));
    let slack = std::time::Duration::from_millis(50);
    assert!(large <= small * 10 + slack, "{what}: {n} → {small:?}, {} → {large:?}", 4 * n);
}

/// The CPU time the calling thread has used (Linux's scheduler statistics, in ns); the wall
/// clock since the first call where they cannot be read.
fn thread_cpu() -> std::time::Duration {
    use std::sync::OnceLock;
    static START: OnceLock<std::time::Instant> = OnceLock::new();
    let start = START.get_or_init(std::time::Instant::now);
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .map_or_else(|| start.elapsed(), std::time::Duration::from_nanos)
}

/// Every `.txt` and `.md` file under the crate's `corpus/`, read lossily and run together.
pub fn corpus_text() -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    crate::input::files_under(&dir, &["txt", "md"])
        .iter()
        .map(|p| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned())
        .collect()
}
