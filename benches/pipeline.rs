//! Per-stage throughput, one thread, in process: every document of a generated corpus
//! (`benches/gen_corpus.rs`) goes through `pipelines/default.toml` and `pipelines/tokens.toml`
//! with `Pipeline::run_observed`, and the time between successive stage callbacks is charged
//! to the stage that just finished. A stage's MB/s is corpus input bytes / its seconds, so
//! the stages' times add up to the whole pipeline's. Also times jieba-rs alone on the
//! segments' Simplified text, without and with HMM.
//!
//! ```sh
//! cargo bench --bench pipeline -- [--input DIR] [--runs 3]
//! ```
//!
//! `DIR` is a generated corpus (default `target/bench-data/64m`) or any folder of .txt
//! files; its `docs/` tree (or the folder) is read into memory first, so reading files is
//! not timed. Median of `--runs` runs.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use zhpipe::convert::{Config, Converter};
use zhpipe::default_jieba;
use zhpipe::{Document, Pipeline, StageKind};

// The CLI's allocator, so stage figures match what `zhpipe run` does.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "txt") {
            out.push(p);
        }
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

/// One pass over all documents: seconds per stage, in pipeline order.
fn pass(pipeline: &Pipeline, docs: &[(String, Vec<u8>)]) -> Vec<(StageKind, f64)> {
    let kinds: Vec<StageKind> = pipeline.stage_kinds().collect();
    let mut spent = vec![Duration::ZERO; kinds.len()];
    for (name, bytes) in docs {
        let mut doc = Document::new(zhpipe::pipeline::doc_id_of(name), name, bytes.clone());
        let mut i = 0;
        let mut last = Instant::now();
        pipeline
            .run_observed(&mut doc, StageKind::Emit, |_, _| {
                let now = Instant::now();
                spent[i] += now - last;
                i += 1;
                last = now;
            })
            .unwrap_or_else(|e| panic!("{e}"));
    }
    kinds.into_iter().zip(spent.into_iter().map(|d| d.as_secs_f64())).collect()
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut input = root.join("target/bench-data/64m");
    let mut runs = 3usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--input" => input = args.next().expect("--input DIR").into(),
            "--runs" => runs = args.next().and_then(|s| s.parse().ok()).expect("--runs N"),
            "--bench" => {}
            other => panic!("unknown argument `{other}`"),
        }
    }
    let mut paths = Vec::new();
    let docs_dir = input.join("docs");
    files(if docs_dir.is_dir() { &docs_dir } else { &input }, &mut paths);
    assert!(!paths.is_empty(), "no documents in {}: run gen_corpus first", input.display());
    let docs: Vec<(String, Vec<u8>)> = paths
        .iter()
        .map(|p| (p.to_string_lossy().into_owned(), std::fs::read(p).unwrap()))
        .collect();
    let bytes: usize = docs.iter().map(|(_, b)| b.len()).sum();
    let mb = bytes as f64 / 1e6;
    println!(
        "input: {} documents, {mb:.1} MB ({}), 1 thread, median of {runs} runs\n",
        docs.len(),
        input.display()
    );

    let t = Instant::now();
    let default = Pipeline::from_file(root.join("pipelines/default.toml")).unwrap();
    let build_default = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let tokens = Pipeline::from_file(root.join("pipelines/tokens.toml")).unwrap();
    let build_tokens = t.elapsed().as_secs_f64();
    println!(
        "pipeline build: default {:.0} ms, tokens {:.0} ms (jieba dictionary)\n",
        build_default * 1e3,
        build_tokens * 1e3
    );

    println!("| pipeline | stage | seconds | MB/s (input bytes / stage time) | share |");
    println!("|---|---|---|---|---|");
    for (label, pipeline) in [("default", &default), ("tokens", &tokens)] {
        let passes: Vec<Vec<(StageKind, f64)>> = (0..runs).map(|_| pass(pipeline, &docs)).collect();
        let total = median(passes.iter().map(|p| p.iter().map(|s| s.1).sum()).collect());
        for (i, (kind, _)) in passes[0].iter().enumerate() {
            let secs = median(passes.iter().map(|p| p[i].1).collect());
            println!(
                "| {label} | {kind} | {secs:.3} | {:.1} | {:.0}% |",
                mb / secs,
                100.0 * secs / total
            );
        }
        println!("| {label} | **all** | {total:.3} | **{:.1}** | 100% |", mb / total);
    }

    // The converter alone on the corpus text: what `normalize` will cost once it converts
    // every line (both directions, as it must produce zh_hans and zh_hant).
    let all: String = docs.iter().map(|(_, b)| String::from_utf8_lossy(b)).collect();
    println!("\nconverter alone on the corpus text ({:.1} MB):\n", all.len() as f64 / 1e6);
    println!("| config | MB/s |");
    println!("|---|---|");
    for config in [Config::T2s, Config::S2t] {
        let conv = Converter::get(config);
        let mut buf = String::with_capacity(all.len() * 2);
        let rates: Vec<f64> = (0..runs)
            .map(|_| {
                buf.clear();
                let t = Instant::now();
                conv.convert_into(&all, &mut buf);
                all.len() as f64 / 1e6 / t.elapsed().as_secs_f64()
            })
            .collect();
        println!("| {} | {:.1} |", config.name(), median(rates));
    }

    // jieba-rs alone, on exactly the text the emit stage cuts.
    let mut text = String::new();
    for (name, bytes) in &docs {
        let out = default.process_bytes(name, bytes.clone()).unwrap();
        for line in out.jsonl().lines() {
            let rec: serde_json::Value = serde_json::from_str(line).unwrap();
            if let Some(t) = rec["zh_hans"].as_str().filter(|_| rec["type"] == "segment") {
                text.push_str(t);
                text.push('\n');
            }
        }
    }
    let jieba = default_jieba();
    println!("\njieba-rs alone on the segments' zh_hans ({:.1} MB):\n", text.len() as f64 / 1e6);
    println!("| cut | MB/s of zh_hans | tokens |");
    println!("|---|---|---|");
    for hmm in [false, true] {
        let mut n = 0;
        let rates: Vec<f64> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                n = text.lines().map(|l| jieba.cut(l, hmm).len()).sum::<usize>();
                text.len() as f64 / 1e6 / t.elapsed().as_secs_f64()
            })
            .collect();
        println!("| hmm = {hmm} | {:.1} | {n} |", median(rates));
    }
}
