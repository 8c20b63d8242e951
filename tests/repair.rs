//! Repair stage tests: clean pass-through, the damaged seed, and simulated damage.

mod support;

use support::garble::{garble, Table};
use zhpipe::repair::{repair, RepairConfig};

const SEED_002: &str = include_str!("../corpus/seeds/002_5aa0d993a0d6d584.txt");

fn run(text: &str) -> zhpipe::repair::RepairOutput {
    let lines: Vec<&str> = text.lines().collect();
    repair(&lines, &RepairConfig::default())
}

fn joined(out: &zhpipe::repair::RepairOutput) -> String {
    out.lines
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn seed_002_repairs_to_clean_text() {
    let out = run(SEED_002);
    assert!(out.detected);
    let text = joined(&out);
    let _ = std::fs::create_dir_all("target");
    std::fs::write("target/002_repaired.txt", format!("{text}\n")).unwrap();
    assert!(!text.contains('\u{FFFD}'));
    assert!(!text.contains("/p>"));
}
