mod support;
use support::garble::{garble, Table};
use zhpipe::repair::{repair, RepairConfig};
#[test]
fn dbg() {
    let text = std::env::var("DBG_TEXT").unwrap_or_default();
    let seed: u64 = std::env::var("DBG_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let g = garble(&text, &Table::random(seed, 350));
    eprintln!("DMG {g}");
    let lines: Vec<&str> = g.lines().collect();
    let out = repair(&lines, &RepairConfig::default());
    for l in &out.lines {
        eprintln!("OUT {}", l.text);
    }
    for e in &out.edits {
        if e.restored.chars().count() > 0 || e.garbled.starts_with('?') {
            eprintln!("{:?}", e);
        }
    }
}
