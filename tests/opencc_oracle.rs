//! Reference oracle: our converter against OpenCC 1.4.2 itself — the C++ engine and data of
//! the `opencc==1.4.2` PyPI wheel, driven through `tests/support/opencc_oracle.py` — for all
//! 14 non-Japanese configs, with and without TSCharactersExt.
//!
//! Needs `python3 -m pip install opencc==1.4.2` (or `ZHPIPE_PYTHON` naming a Python that has
//! it). Without it the tests print why and pass, unless `ZHPIPE_REQUIRE_OPENCC=1` (set by
//! `.ci/run`, which installs the wheel), where they fail.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use zhpipe::convert::{Config, Converter, DictId, Options};

fn python() -> String {
    std::env::var("ZHPIPE_PYTHON").unwrap_or_else(|_| "python3".into())
}

fn script() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/opencc_oracle.py")
}

/// Whether the oracle runs; panics when it is required and missing or the wrong version.
fn available() -> bool {
    let out = Command::new(python()).arg(script()).arg("--version").output();
    let version = out
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let required = std::env::var_os("ZHPIPE_REQUIRE_OPENCC").is_some();
    match version.as_deref() {
        Some("1.4.2") => true,
        other => {
            let why = format!("OpenCC 1.4.2 Python wheel not found (got {other:?}); skipping");
            assert!(!required, "{why}");
            eprintln!("{why}");
            false
        }
    }
}

/// OpenCC's conversions of `texts` with `config`.
fn opencc(config: Config, ext: bool, texts: &[String]) -> Vec<String> {
    let req = serde_json::json!({"config": config.name(), "ext": ext, "texts": texts});
    let mut child = Command::new(python())
        .arg(script())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python runs");
    let body = serde_json::to_vec(&req).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&body).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(out.status.success(), "oracle failed for {config}");
    serde_json::from_slice(&out.stdout).expect("oracle output is a JSON list")
}

/// Compares every text under every config (and both TSCharactersExt settings), naming the
/// first differing line of each text that differs.
fn compare(what: &str, texts: &[String]) {
    let mut failures = Vec::new();
    for config in Config::ALL {
        for ext in [false, true] {
            let ours = Converter::get_with(config, Options { ext });
            let theirs = opencc(config, ext, texts);
            for (text, want) in texts.iter().zip(&theirs) {
                let got = ours.convert(text);
                if &got != want {
                    let (a, b) =
                        got.lines().zip(want.lines()).find(|(a, b)| a != b).unwrap_or((&got, want));
                    failures.push(format!("{config} ext={ext} {what}: ours {a:?}, OpenCC {b:?}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} differences:\n{}", failures.len(), failures.join("\n"));
}

fn testcase_texts() -> Vec<String> {
    let json: serde_json::Value =
        serde_json::from_str(include_str!("data/opencc_testcases.json")).unwrap();
    let mut texts = Vec::new();
    for case in json["cases"].as_array().unwrap() {
        texts.push(case["input"].as_str().unwrap().to_string());
        for out in case["expected"].as_object().unwrap().values() {
            texts.push(out.as_str().unwrap().to_string());
        }
    }
    texts
}

/// Every input and expected output of OpenCC 1.4.2's test cases, through every config.
#[test]
fn testcases_match_opencc() {
    if available() {
        compare("testcase", &testcase_texts());
    }
}

/// The corpus, and its Traditional versions, through every config.
#[test]
fn corpus_matches_opencc() {
    if !available() {
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut texts: Vec<String> = zhpipe::input::files_under(&dir, &["txt"])
        .iter()
        .map(|f| String::from_utf8_lossy(&std::fs::read(f).unwrap()).into_owned())
        .collect();
    assert!(!texts.is_empty(), "no corpus files");
    let base = texts.clone();
    for c in [Config::S2t, Config::S2tw, Config::S2hk] {
        texts.extend(opencc(c, false, &base));
    }
    compare("corpus", &texts);
}

/// Every key of every dictionary file, run together and one per line: maximal overlap
/// between phrases, which is where segmentation and group semantics matter; with
/// compatibility ideographs and description sequences mixed in.
#[test]
fn dictionary_keys_run_together_match_opencc() {
    if !available() {
        return;
    }
    let mut texts = Vec::new();
    let mut n = 0usize;
    for d in DictId::FILES {
        let keys: Vec<&str> = d.entries().iter().map(|e| e.0).collect();
        for chunk in keys.chunks(500) {
            n += 1;
            let mut glued = chunk.concat();
            // Every seventh chunk: a description sequence and a compatibility ideograph
            // inside the run.
            if n.is_multiple_of(7) {
                let mid = glued.char_indices().nth(chunk.len() / 2).map_or(0, |p| p.0);
                glued.insert_str(mid, "⿰氵发\u{F900}");
            }
            texts.push(glued);
            texts.push(chunk.join("\n"));
        }
    }
    compare("keys", &texts);
}
