//! Conversion throughput, one core: zhpipe vs `/usr/bin/opencc` (C++ OpenCC CLI) vs
//! `ferrous-opencc`, on a ~64 MB input built deterministically from `corpus/**/*.txt`.
//!
//! `cargo bench --features bench-peers --bench convert` (env: `ZHPIPE_BENCH_MB` input size, default 64;
//! `ZHPIPE_BENCH_RUNS` runs per in-process converter, default 3; `ZHPIPE_BENCH_OPENCC=0` skips
//! the CLI). Inputs and outputs go to `bench-data/` (git-ignored). The CLI is given configs
//! compiled from our vendored dictionaries (`opencc_dict`, text → ocd2), so all three should
//! produce byte-identical output; the bench checks this.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use zhpipe::convert::{Config, Converter, DictId};

const CONFIGS: [Config; 2] = [Config::T2s, Config::S2t];

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn corpus_lines(root: &Path) -> Vec<String> {
    let files = zhpipe::input::files_under(&root.join("corpus"), &["txt"]);
    let mut lines = Vec::new();
    for f in files {
        let text = String::from_utf8_lossy(&std::fs::read(f).unwrap()).into_owned();
        lines.extend(text.lines().filter(|l| !l.trim().is_empty()).map(str::to_string));
    }
    lines
}

/// Shuffled corpus lines repeated up to `bytes` (xorshift, fixed seed).
fn build_input(lines: &[String], bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 4096);
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    while out.len() < bytes {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.push_str(&lines[(state % lines.len() as u64) as usize]);
        out.push('\n');
    }
    out
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

/// Times `f` `runs` times; returns (median MB/s, last output).
fn time(input: &str, runs: usize, mut f: impl FnMut(&str) -> String) -> (f64, String) {
    let mut rates = Vec::new();
    let mut out = String::new();
    for _ in 0..runs {
        let t = Instant::now();
        out = f(input);
        rates.push(input.len() as f64 / 1e6 / t.elapsed().as_secs_f64());
    }
    (median(rates), out)
}

/// OpenCC config JSON + ocd2 dictionaries compiled from our text dictionaries.
fn opencc_config(root: &Path, dir: &Path, config: Config) -> Option<PathBuf> {
    let (seg, steps) = config.chain();
    let mut all = vec![seg];
    all.extend(steps.iter().flat_map(|g| g.iter().copied()));
    for d in &all {
        let ocd2 = dir.join(format!("{}.ocd2", d.name()));
        if !ocd2.exists() {
            let txt = root.join(format!("src/convert/opencc/{}.txt", d.name()));
            let ok = Command::new("opencc_dict")
                .args(["-f", "text", "-t", "ocd2", "-i"])
                .arg(&txt)
                .arg("-o")
                .arg(&ocd2)
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            if !ok {
                return None;
            }
        }
    }
    let dict = |d: DictId| format!(r#"{{"type":"ocd2","file":"{}.ocd2"}}"#, d.name());
    let chain: Vec<String> = steps
        .iter()
        .map(|g| {
            let inner: Vec<String> = g.iter().map(|d| dict(*d)).collect();
            format!(r#"{{"dict":{{"type":"group","dicts":[{}]}}}}"#, inner.join(","))
        })
        .collect();
    let json = format!(
        r#"{{"name":"{}","segmentation":{{"type":"mmseg","dict":{}}},"conversion_chain":[{}]}}"#,
        config.name(),
        dict(seg),
        chain.join(",")
    );
    let path = dir.join(format!("{}.json", config.name()));
    std::fs::write(&path, json).ok()?;
    Some(path)
}

fn ferrous(config: Config) -> ferrous_opencc::OpenCC {
    use ferrous_opencc::config::BuiltinConfig;
    let c = match config {
        Config::T2s => BuiltinConfig::T2s,
        Config::S2t => BuiltinConfig::S2t,
        _ => unreachable!(),
    };
    ferrous_opencc::OpenCC::from_config(c).expect("ferrous-opencc config")
}

fn verdict(ours: &str, other: &str) -> &'static str {
    if ours == other {
        "identical"
    } else {
        "DIFFERENT"
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let mb = env_num("ZHPIPE_BENCH_MB", 64);
    let runs = env_num("ZHPIPE_BENCH_RUNS", 3).max(1);
    let use_cli = std::env::var("ZHPIPE_BENCH_OPENCC").map_or(true, |v| v != "0")
        && Path::new("/usr/bin/opencc").exists();

    let t = Instant::now();
    let _ = warm();
    let build_ms = t.elapsed().as_secs_f64() * 1e3;
    let simplified = build_input(&corpus_lines(root), mb << 20);
    let traditional = Converter::get(Config::S2t).convert(&simplified);
    println!(
        "input: {:.1} MB Simplified / {:.1} MB Traditional from corpus lines; {runs} runs, median",
        simplified.len() as f64 / 1e6,
        traditional.len() as f64 / 1e6
    );

    println!("dictionary build (t2s + s2t, once per process): {build_ms:.0} ms\n");

    println!(
        "| config | input MB | zhpipe MB/s | /usr/bin/opencc MB/s | ferrous-opencc MB/s | output |"
    );
    println!("|---|---|---|---|---|---|");
    let mut all_same = true;
    for config in CONFIGS {
        let input = if config == Config::T2s { &traditional } else { &simplified };
        let conv = Converter::get(config);
        let mut buf = String::with_capacity(input.len() + input.len() / 8);
        let (ours_rate, ours) = time(input, runs, |s| {
            buf.clear();
            conv.convert_into(s, &mut buf);
            buf.clone()
        });

        let cc = ferrous(config);
        let (fer_rate, fer) = time(input, runs, |s| cc.convert(s));
        let mut notes = vec![format!("ferrous {}", verdict(&ours, &fer))];
        all_same &= ours == fer;

        let mut cli_rate = f64::NAN;
        if use_cli {
            match opencc_config(root, &dir, config) {
                Some(cfg) => {
                    let inp = dir.join(format!("{}.in.txt", config.name()));
                    let outp = dir.join(format!("{}.opencc.txt", config.name()));
                    std::fs::write(&inp, input).unwrap();
                    let t = Instant::now();
                    let ok = Command::new("/usr/bin/opencc")
                        .arg("-c")
                        .arg(&cfg)
                        .arg("-i")
                        .arg(&inp)
                        .arg("-o")
                        .arg(&outp)
                        .args(["--noflush", "1"])
                        .status()
                        .map(|s| s.success())
                        .unwrap_or(false);
                    let secs = t.elapsed().as_secs_f64();
                    if ok {
                        cli_rate = input.len() as f64 / 1e6 / secs;
                        let cli = std::fs::read_to_string(&outp).unwrap_or_default();
                        notes.push(format!("opencc CLI {}", verdict(&ours, &cli)));
                        all_same &= ours == cli;
                    } else {
                        notes.push("opencc CLI failed".into());
                    }
                }
                None => notes.push("opencc_dict missing".into()),
            }
        }
        println!(
            "| {config} | {:.1} | {ours_rate:.1} | {cli_rate:.1} | {fer_rate:.1} | {} |",
            input.len() as f64 / 1e6,
            notes.join(", ")
        );
    }
    if !all_same {
        eprintln!("outputs differ");
        std::process::exit(1);
    }
}

/// Builds the benchmarked converters (timed separately from conversion).
fn warm() -> usize {
    CONFIGS.iter().map(|c| Converter::get(*c).convert("头发").len()).sum()
}
