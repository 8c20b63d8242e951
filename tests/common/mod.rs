//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn zhpipe() -> Command {
    Command::new(env!("CARGO_BIN_EXE_zhpipe"))
}

/// Runs `zhpipe` with `args`, feeding `stdin`.
pub fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    use std::io::Write;
    let mut cmd = zhpipe();
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    let mut child = cmd.spawn().expect("zhpipe starts");
    if let Some(input) = stdin {
        // A run that fails before reading stdin (a bad flag) closes the pipe
        // first; that is the behaviour under test, not a harness error.
        match child.stdin.take().unwrap().write_all(input) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            r => r.unwrap(),
        }
    }
    child.wait_with_output().unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("output is UTF-8")
}

pub fn seeds() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> =
        std::fs::read_dir("corpus/seeds").unwrap().map(|e| e.unwrap().path()).collect();
    v.sort();
    v
}

pub fn seed(prefix: &str) -> PathBuf {
    seeds()
        .into_iter()
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .expect("seed exists")
}

/// A path as the `&str` an argument list takes.
pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

pub fn tmpdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

pub fn records(jsonl: &str) -> Vec<serde_json::Value> {
    jsonl.lines().map(|l| serde_json::from_str(l).expect("each line is JSON")).collect()
}

/// The `doc_id` of each document record, in output order.
pub fn doc_ids(jsonl: &str) -> Vec<String> {
    let recs = records(jsonl).into_iter().filter(|r| r["type"] == "document");
    recs.map(|r| r["doc_id"].as_str().expect("doc_id is a string").to_owned()).collect()
}

/// `pipelines/default.toml` with its rule files named as the built-in copies (`builtin:…`),
/// so the pipeline can be written anywhere and still find them.
pub fn default_pipeline_with_builtin_rules() -> String {
    std::fs::read_to_string("pipelines/default.toml")
        .unwrap()
        .replace("\"rules/", "\"builtin:rules/")
        .replace("\"speakers.toml\"", "\"builtin:speakers.toml\"")
        .replace("\"segment.toml\"", "\"builtin:segment.toml\"")
        .replace("\"glosses.toml\"", "\"builtin:glosses.toml\"")
        .replace("\"regions.toml\"", "\"builtin:regions.toml\"")
}
