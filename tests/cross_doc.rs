//! `zhpipe run --cross-doc-repeats N`: lines found in N or more documents of the batch are
//! removed as boilerplate (with their own audit rule) unless they read as content; the output
//! does not depend on --jobs; one document alone is left as it is.

use std::path::Path;
use std::process::Command;

fn exe() -> &'static str {
    env!("CARGO_BIN_EXE_zhpipe")
}

/// Pages of one site: the same navigation and footer around different articles, and a
/// speaker's closing sentence that every interview has.
fn site(dir: &Path, n: usize) {
    for i in 0..n {
        let text = format!(
            "新闻中心 体育频道 娱乐频道 财经频道\n返回本站新闻中心\n\n第{i}篇文章的标题\n\n\
             记者：第{i}位受访者今天谈到了他在这一行里做了{i}年的经验和体会。\n\n\
             受访者：谢谢大家今天来听我的分享。\n\n本站所有文章仅供参考交流之用\n"
        );
        std::fs::write(dir.join(format!("{i:02}.txt")), text).unwrap();
    }
}

fn run(dir: &Path, extra: &[&str]) -> (String, String) {
    let audit = dir.join("audit.jsonl");
    let out = Command::new(exe())
        .arg("run")
        .arg(dir)
        .args(["--quiet", "--audit"])
        .arg(&audit)
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let audit = std::fs::read_to_string(&audit).unwrap();
    (String::from_utf8(out.stdout).unwrap(), audit)
}

#[test]
fn repeated_furniture_goes_content_stays() {
    let dir = tempfile::tempdir().unwrap();
    site(dir.path(), 5);
    let (without, _) = run(dir.path(), &[]);
    assert!(without.contains("本站所有文章仅供参考交流之用"), "the test needs a crumb to remove");
    let (out, audit) = run(dir.path(), &["--cross-doc-repeats", "3", "--jobs", "1"]);
    assert!(!out.contains("本站所有文章仅供参考交流之用"));
    assert!(!out.contains("返回本站新闻中心"));
    assert!(audit.contains("strip.cross-doc-repeat"));
    // Content that recurs across the batch stays: it reads as sentences.
    assert!(out.contains("谢谢大家今天来听我的分享"));
    assert!(out.contains("第3位受访者今天谈到了"));
    // Same bytes at any thread count.
    let (out2, _) = run(dir.path(), &["--cross-doc-repeats", "3", "--jobs", "2"]);
    assert_eq!(out, out2);
}

#[test]
fn one_document_or_too_few_repeats_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    site(dir.path(), 1);
    assert_eq!(run(dir.path(), &[]).0, run(dir.path(), &["--cross-doc-repeats", "2"]).0);
    let dir = tempfile::tempdir().unwrap();
    site(dir.path(), 2);
    assert_eq!(run(dir.path(), &[]).0, run(dir.path(), &["--cross-doc-repeats", "3"]).0);
}

#[test]
fn standard_input_is_refused() {
    let out = Command::new(exe())
        .args(["run", "-", "--quiet", "--cross-doc-repeats", "3"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--cross-doc-repeats"));
}
