//! Golden files: the text after every stage, the records and the audit trail, for every
//! document under `corpus/` (a new corpus file gets its goldens automatically), checked by
//! the same code as `zhpipe golden check corpus golden --exclude real/ --exclude html/`.
//!
//! Bless (rewrite) with `UPDATE_GOLDEN=1 cargo test --test golden` (or `zhpipe golden bless
//! corpus golden --exclude real/ --exclude html/ --prune`), then read the diff: a blessed golden file is a
//! claim that its content is right.

use zhpipe::golden::{self, Glob, Options};
use zhpipe::Pipeline;

/// `corpus/real/` and `corpus/html/` hold real documents judged by their own scorer
/// (tests/real.rs), not by goldens.
fn options() -> Options {
    let mut opts = Options::new("corpus", "golden");
    opts.exclude = vec![Glob::new("real/"), Glob::new("html/")];
    opts
}

#[test]
fn every_stage_of_every_corpus_document_matches_its_golden_file() {
    let pipeline = Pipeline::builtin().unwrap();
    let opts = options();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let done = golden::bless(&pipeline, &opts, &[], true).unwrap();
        eprintln!("blessed {} files, pruned {:?}", done.written.len(), done.pruned);
        return;
    }
    let report = golden::check(&pipeline, &opts, false).unwrap();
    assert!(report.documents.len() >= 4, "the corpus lost its seed documents");
    assert!(
        report.passed(),
        "if the change is right, bless with UPDATE_GOLDEN=1 cargo test --test golden and read \
         the diff:\n\n{}",
        report.human("golden")
    );
}
