//! `zhpipe golden check|bless|accept` on corpora built here: a passing check, bless,
//! prune, stale and missing goldens, a user's rule change that makes check fail with the
//! expected diff, the reports, and the exit codes (0 same, 1 differences, 2 usage).

mod common;

use common::*;
use std::fs;
use std::path::Path;
use std::process::Output;

const INTERVIEW: &str = "主持人：欢迎来到节目。\n\n嘉宾：谢谢邀请。\n\n主持人：请谈谈你的新书。\n\n\
嘉宾：这本书写了十年。\n\n主持人：本节目由星光书店赞助播出。\n\n主持人：最后一个问题，下一本书写什么？\n\n\
嘉宾：还没想好。\n";
/// The team's rule for the sponsor line above.
const SPONSOR: &str = "^主持人：本节目由.{1,20}播出。$";
const NEWS: &str = "北京时间今天上午，一场发布会在上海举行。\n\n会上发布了三款新产品。\n";

/// A corpus of two documents in two folders, a user's rule file (matching nothing yet) and
/// a pipeline naming it, in a fresh directory.
fn project() -> tempfile::TempDir {
    let dir = tmpdir();
    let root = dir.path();
    fs::create_dir_all(root.join("corpus/talks")).unwrap();
    fs::create_dir_all(root.join("corpus/news")).unwrap();
    write(root, "corpus/talks/interview.txt", INTERVIEW.as_bytes());
    write(root, "corpus/news/launch.txt", NEWS.as_bytes());
    write(root, "team.toml", team_rules("^NEVER MATCHES$").as_bytes());
    let pipeline = default_pipeline_with_builtin_rules().replace(
        "\"builtin:rules/generic.toml\",",
        "\"builtin:rules/generic.toml\",\n  \"team.toml\",",
    );
    assert!(pipeline.contains("team.toml"), "the strip stage's rule list moved");
    write(root, "pipeline.toml", pipeline.as_bytes());
    dir
}

fn team_rules(pattern: &str) -> String {
    format!(
        "[profile]\nid = \"team\"\ndescription = \"our site's credits\"\nmin_evidence = 0\n\n\
         [[rules]]\nid = \"team.credit\"\nmatch = '{pattern}'\naction = \"drop-line\"\n"
    )
}

/// `zhpipe golden ARGS…` run in `dir`.
fn golden(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = zhpipe();
    cmd.current_dir(dir).arg("golden").args(args);
    cmd.output().expect("zhpipe starts")
}

fn check(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["check", "corpus", "golden", "--pipeline", "pipeline.toml"];
    args.extend(extra);
    golden(dir, &args)
}

fn bless(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["bless", "corpus", "golden", "--pipeline", "pipeline.toml"];
    args.extend(extra);
    let o = golden(dir, &args);
    assert!(o.status.success(), "bless failed: {}", stderr(&o));
    o
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited")
}

#[test]
fn bless_then_check_passes_with_goldens_named_by_path_below_the_corpus() {
    let p = project();
    let root = p.path();
    let o = bless(root, &[]);
    assert!(stdout(&o).contains("2 documents, 14 files written"), "{}", stdout(&o));
    for f in [
        "decode/talks/interview.txt",
        "segment/talks/interview.txt",
        "emit/talks/interview.json",
        "audit/talks/interview.jsonl",
        "normalize/news/launch.txt",
    ] {
        assert!(root.join("golden").join(f).is_file(), "{f} not written");
    }
    let emit = fs::read_to_string(root.join("golden/emit/talks/interview.json")).unwrap();
    let recs: Vec<serde_json::Value> = serde_json::from_str(&emit).unwrap();
    assert_eq!(recs[0]["doc_id"], "talks/interview");
    assert_eq!(recs[0]["source"]["path"], "talks/interview.txt");
    assert!(emit.lines().count() > recs.len() * 5, "records are one field per line:\n{emit}");

    let o = check(root, &[]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o)
            .starts_with("golden check ok: 2 documents checked, 0 changed, 0 missing, 0 stale"),
        "{}",
        stdout(&o)
    );
    // Bless again: nothing to write.
    assert!(stdout(&bless(root, &[])).contains("0 files written, 14 unchanged"));
}

#[test]
fn goldens_do_not_depend_on_the_working_directory_or_the_corpus_spelling() {
    let p = project();
    let root = p.path();
    bless(root, &[]);
    let elsewhere = tmpdir();
    let abs = |f: &str| root.join(f).to_str().unwrap().to_owned();
    let (corpus, golden_dir, pipeline) = (abs("corpus/"), abs("golden"), abs("pipeline.toml"));
    let args = ["check", &corpus, &golden_dir, "--pipeline", &pipeline];
    let o = golden(elsewhere.path(), &args);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

#[test]
fn a_users_rule_change_fails_check_with_a_diff_of_each_stage_and_one_removed_segment() {
    let p = project();
    let root = p.path();
    bless(root, &[]);
    write(root, "team.toml", team_rules(SPONSOR).as_bytes());
    let o = check(root, &[]);
    let out = stdout(&o);
    assert_eq!(code(&o), 1, "{out}{}", stderr(&o));
    assert!(
        out.contains("golden check FAILED: 2 documents checked, 1 changed, 0 missing"),
        "{out}"
    );
    assert!(!out.contains("news/launch"), "an unaffected document is reported:\n{out}");
    // Text stages: a unified diff without the dropped line.
    assert!(
        out.contains(
            "changed  talks/interview [strip]: 1 change against golden/strip/talks/interview.txt"
        ),
        "{out}"
    );
    assert!(out.contains("\n  -主持人：本节目由星光书店赞助播出。\n"), "{out}");
    assert!(out.contains("\n  @@ "), "{out}");
    // Records: the line's segment is one removal, though every later segment is renumbered;
    // the document record shows the new counter field by field.
    let emit = section(&out, "[emit]");
    assert!(emit.contains("- removed segment seq"), "{emit}");
    assert!(emit.contains("\n      - zh_hans: \"本节目由星光书店赞助播出。\"\n"), "{emit}");
    assert!(emit.contains("~ changed document\n"), "{emit}");
    assert!(emit.contains("\n      stats.strip.team.credit:\n        + 1\n"), "{emit}");
    assert!(emit.starts_with("changed  talks/interview [emit]: 2 changes"), "{emit}");
    assert!(!emit.contains("+ added segment"), "{emit}");
    let audit = section(&out, "[audit]");
    assert!(audit.contains("+ added strip team.credit"), "{audit}");
    // Blessing the change makes check pass again.
    bless(root, &[]);
    assert_eq!(code(&check(root, &[])), 0);
}

/// The report of one stage: from its `changed` line to the next report line.
fn section<'a>(out: &'a str, stage: &str) -> &'a str {
    let start = out.find(&format!(" {stage}: ")).map(|i| out[..i].rfind('\n').map_or(0, |j| j + 1));
    let start = start.unwrap_or_else(|| panic!("no {stage} in:\n{out}"));
    let rest = &out[start..];
    let end = rest[1..]
        .find("\nchanged  ")
        .or_else(|| rest[1..].find("\ngolden check"))
        .map_or(rest.len(), |i| i + 2);
    &rest[..end]
}

#[test]
fn missing_and_stale_goldens_fail_check_and_prune_removes_the_stale() {
    let p = project();
    let root = p.path();
    bless(root, &[]);
    fs::remove_file(root.join("corpus/news/launch.txt")).unwrap();
    write(root, "corpus/news/update.txt", NEWS.replace("三款", "四款").as_bytes());
    let o = check(root, &[]);
    let out = stdout(&o);
    assert_eq!(code(&o), 1, "{out}");
    assert!(
        out.contains("missing  news/update [decode]: no golden/decode/news/update.txt"),
        "{out}"
    );
    assert!(
        out.contains("stale    golden/emit/news/launch.json: no corpus document makes it"),
        "{out}"
    );
    assert!(out.contains("2 documents checked, 0 changed, 1 missing, 7 stale"), "{out}");

    // Without --prune the stale goldens stay (and check still fails); with it they go,
    // with the folder they emptied.
    let o = bless(root, &[]);
    assert!(stdout(&o).contains("7 stale"), "{}", stdout(&o));
    assert_eq!(code(&check(root, &[])), 1);
    let o = bless(root, &["--prune"]);
    assert!(stdout(&o).contains("7 pruned"), "{}", stdout(&o));
    assert!(!root.join("golden/emit/news/launch.json").exists());
    assert_eq!(code(&check(root, &[])), 0);
}

#[test]
fn bless_only_touches_matching_documents() {
    let p = project();
    let root = p.path();
    let o = bless(root, &["--only", "news/*"]);
    assert!(stdout(&o).contains("1 documents, 7 files written"), "{}", stdout(&o));
    assert!(!root.join("golden/decode/talks").exists());
    let out = stdout(&check(root, &[]));
    assert!(out.contains("0 changed, 1 missing, 0 stale"), "{out}");
}

#[test]
fn excluded_documents_and_unselected_stages_are_not_compared() {
    let p = project();
    let root = p.path();
    bless(root, &["--exclude", "talks/", "--stages", "decode,emit"]);
    assert!(!root.join("golden/decode/talks").exists());
    assert!(!root.join("golden/strip").exists());
    let o = check(root, &["--exclude", "talks/", "--stages", "decode,emit"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("1 documents checked"));
}

#[test]
fn ignored_fields_are_left_out_of_the_comparison() {
    let p = project();
    let root = p.path();
    bless(root, &[]);
    let emit = root.join("golden/emit/news/launch.json");
    let text = fs::read_to_string(&emit).unwrap();
    let mut recs: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    recs[0]["source"]["sha256"] = "0".repeat(64).into();
    recs[0]["stats"]["made.up"] = 7.into();
    fs::write(&emit, serde_json::to_string_pretty(&recs).unwrap()).unwrap();
    let o = check(root, &[]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("\n      source.sha256:\n        - \"0000"), "{}", stdout(&o));
    let o = check(root, &["--ignore", "stats,source.sha256"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

#[test]
fn reports_for_ci_systems() {
    let p = project();
    let root = p.path();
    bless(root, &[]);
    write(root, "team.toml", team_rules(SPONSOR).as_bytes());
    let o = check(root, &["--report", "json"]);
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("the report is JSON");
    assert_eq!((v["checked"].as_u64(), v["changed"].as_u64()), (Some(2), Some(1)));
    assert_eq!(v["passed"], false);
    let talk = v["documents"].as_array().unwrap().iter().find(|d| d["id"] == "talks/interview");
    let files = talk.unwrap()["files"].as_array().unwrap();
    let strip = files.iter().find(|f| f["stage"] == "strip").unwrap();
    assert_eq!(strip["status"], "changed");
    assert!(strip["diff"].as_str().unwrap().contains("-主持人：本节目由星光书店赞助播出。"));
    assert!(stderr(&o).contains("golden check FAILED"), "people still get the diffs");

    let o = check(root, &["--report", "junit", "--report-file", "junit.xml"]);
    assert_eq!(code(&o), 1);
    let xml = fs::read_to_string(root.join("junit.xml")).unwrap();
    assert!(xml.contains("<testsuite name=\"zhpipe golden\" tests=\"14\" failures=\"5\""), "{xml}");
    assert!(xml.contains("<testcase classname=\"golden.decode\" name=\"talks/interview\" file=\"talks/interview.txt\"/>"), "{xml}");
    assert!(xml.contains("-主持人：本节目由星光书店赞助播出。"), "{xml}");
    assert!(stdout(&o).contains("golden check FAILED"));
}

#[test]
fn pending_files_are_reviewed_then_accepted() {
    let p = project();
    let root = p.path();
    bless(root, &[]);
    write(root, "team.toml", team_rules(SPONSOR).as_bytes());
    assert_eq!(code(&check(root, &["--pending"])), 1);
    let new = root.join("golden/strip/talks/interview.txt.new");
    assert!(new.is_file());
    assert!(!fs::read_to_string(&new).unwrap().contains("星光书店"));
    assert!(!root.join("golden/decode/talks/interview.txt.new").exists(), "unchanged stage");
    let o = golden(root, &["accept", "golden"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("accepted golden/strip/talks/interview.txt"), "{}", stdout(&o));
    assert!(!new.exists());
    assert_eq!(code(&check(root, &[])), 0);
}

#[test]
fn usage_and_configuration_errors_exit_2() {
    let p = project();
    let root = p.path();
    bless(root, &[]);
    let o = golden(root, &["check", "no-such-dir", "golden"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("corpus no-such-dir: not a directory"), "{}", stderr(&o));
    let o = check(root, &["--stages", "decode,polish"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("unknown stage \"polish\""), "{}", stderr(&o));
    let o = check(root, &["--exclude", "**"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no documents"), "{}", stderr(&o));
    write(root, "team.toml", team_rules("(unclosed").as_bytes());
    let o = check(root, &[]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("team.toml"), "the error names the rule file: {}", stderr(&o));
}
