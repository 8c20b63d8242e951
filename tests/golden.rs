//! Golden files: the text after every stage, the JSONL records and the audit trail, for
//! every document under `corpus/`. A new corpus file gets its cases automatically.
//!
//! Bless (rewrite) with `UPDATE_GOLDEN=1 cargo test --test golden`, then read the diff:
//! a blessed golden file is a claim that its content is right.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use zhpipe::{render, Document, Pipeline, StageKind};

fn corpus_files() -> Vec<PathBuf> {
    // corpus/real is judged by tests/real.rs against its EXPECT.json, not by golden files.
    zhpipe::input::files_under(Path::new("corpus"), &["txt", "md"])
        .into_iter()
        .filter(|p| !p.starts_with("corpus/real"))
        .collect()
}

/// (golden path, actual content) for every stage of one document, plus its audit trail.
fn actual_outputs(pipeline: &Pipeline, path: &Path) -> Vec<(PathBuf, String)> {
    let name = path.to_string_lossy().replace('\\', "/");
    let bytes = fs::read(path).unwrap();
    let mut doc = Document::new(zhpipe::pipeline::doc_id_of(&name), name.clone(), bytes);
    let mut outputs = Vec::new();
    let id = doc.id.clone();
    let result = pipeline.run_observed(&mut doc, StageKind::Emit, |stage, d| {
        let ext = if stage == StageKind::Emit { "jsonl" } else { "txt" };
        let golden = Path::new("golden").join(stage.name()).join(format!("{id}.{ext}"));
        outputs.push((golden, render::text_after(d, stage)));
    });
    match result {
        Ok(()) => {
            let audit = Path::new("golden/audit").join(format!("{id}.jsonl"));
            outputs.push((audit, render::audit_jsonl(&doc)));
        }
        Err(e) => {
            outputs.push((Path::new("golden/error").join(format!("{id}.txt")), format!("{e}\n")))
        }
    }
    outputs
}

fn diff(expected: &str, actual: &str) -> String {
    let mut out = String::new();
    let d = similar::TextDiff::from_lines(expected, actual);
    for hunk in d.unified_diff().context_radius(2).iter_hunks().take(6) {
        let _ = write!(out, "{hunk}");
    }
    out
}

#[test]
fn every_stage_of_every_corpus_document_matches_its_golden_file() {
    let bless = std::env::var_os("UPDATE_GOLDEN").is_some();
    let pipeline = Pipeline::builtin().unwrap();
    let files = corpus_files();
    assert!(files.len() >= 4, "the corpus lost its seed documents");
    let mut stems: Vec<String> =
        files.iter().map(|f| zhpipe::pipeline::doc_id_of(&f.to_string_lossy())).collect();
    stems.sort();
    let shared: Vec<_> = stems.windows(2).filter(|w| w[0] == w[1]).map(|w| &w[0]).collect();
    assert!(shared.is_empty(), "corpus files share golden names (file stems): {shared:?}");
    let mut failures = Vec::new();
    let mut expected_paths = Vec::new();
    for file in &files {
        for (golden, actual) in actual_outputs(&pipeline, file) {
            expected_paths.push(golden.clone());
            if bless {
                fs::create_dir_all(golden.parent().unwrap()).unwrap();
                fs::write(&golden, &actual).unwrap();
                continue;
            }
            match fs::read_to_string(&golden) {
                Ok(expected) if expected == actual => {}
                Ok(expected) => failures.push(format!(
                    "{} differs from {} after this stage:\n{}",
                    golden.display(),
                    file.display(),
                    diff(&expected, &actual)
                )),
                Err(_) => failures.push(format!("{} is missing (bless it)", golden.display())),
            }
        }
    }
    for stale in stale_goldens(&expected_paths) {
        if bless {
            fs::remove_file(&stale).unwrap();
        } else {
            failures.push(format!("{} has no corpus document any more", stale.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} golden mismatch(es); if the change is right, bless with UPDATE_GOLDEN=1 cargo test --test golden and read the diff:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn stale_goldens(expected: &[PathBuf]) -> Vec<PathBuf> {
    let mut stale = Vec::new();
    let Ok(stages) = fs::read_dir("golden") else { return stale };
    for stage in stages.flatten() {
        for f in fs::read_dir(stage.path()).into_iter().flatten().flatten() {
            if !expected.contains(&f.path()) {
                stale.push(f.path());
            }
        }
    }
    stale.sort();
    stale
}
