//! Times `repair` on the damaged seed 002: median of N runs, in ms and MB/s.
//! Run with `cargo bench --bench repair`.

use std::time::Instant;
use zhpipe::repair::{repair, RepairConfig};

const SEED: &str = include_str!("../corpus/seeds/002_5aa0d993a0d6d584.txt");
const RUNS: usize = 21;

fn main() {
    let lines: Vec<&str> = SEED.lines().collect();
    let cfg = RepairConfig::default();
    // The first call builds the shared tables; time steady state like a long-running stage.
    let warm = Instant::now();
    let out = repair(&lines, &cfg);
    eprintln!("first call (builds tables): {:.1} ms", warm.elapsed().as_secs_f64() * 1e3);
    assert!(out.detected);
    let mut times: Vec<f64> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(repair(std::hint::black_box(&lines), &cfg));
            t.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let median = times[RUNS / 2];
    let mb = SEED.len() as f64 / 1e6;
    println!(
        "repair 002 seed ({:.1} KB, {} edits): median {:.2} ms over {RUNS} runs, {:.2} MB/s",
        SEED.len() as f64 / 1e3,
        out.edits.len(),
        median * 1e3,
        mb / median
    );
}
