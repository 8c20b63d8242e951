//! Hostile and unlucky inputs and outputs: endless streams, outputs that would destroy data,
//! closed pipes, signals, modes, odd file names and encodings, and pipeline files that name
//! files they should not.

mod common;

use common::*;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A seed document, the smallest, as text.
fn small_doc() -> Vec<u8> {
    std::fs::read(seed("000")).unwrap()
}

/// Runs zhpipe with `args`, its stdin from `stdin`, killing it after `secs`: the output, or
/// `None` when it had to be killed.
fn run_for(args: &[&str], stdin: Stdio, secs: u64) -> Option<std::process::Output> {
    let mut child = zhpipe()
        .args(args)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(secs) {
        if child.try_wait().unwrap().is_some() {
            return Some(child.wait_with_output().unwrap());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    None
}

/// A pipeline with `max_doc_bytes` set to `limit` (rules built in, so it can live anywhere).
fn pipeline_with_limit(dir: &Path, limit: u64) -> std::path::PathBuf {
    let p = default_pipeline_with_builtin_rules()
        .replace("max_doc_bytes = 268435456   # 256 MiB", &format!("max_doc_bytes = {limit}"));
    write(dir, "p.toml", p.as_bytes())
}

#[test]
fn endless_inputs_stop_at_the_limit() {
    let dir = tmpdir();
    let p = pipeline_with_limit(dir.path(), 1 << 20);
    // /dev/zero as a file, and as standard input; `yes` through a pipe.
    let o = run_for(&["run", "/dev/zero", "--pipeline", s(&p), "--quiet"], Stdio::null(), 30)
        .expect("zhpipe run /dev/zero finishes");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("goes on past the limit of 1048576 bytes"), "{}", stderr(&o));
    let zero = std::fs::File::open("/dev/zero").unwrap();
    let o = run_for(&["run", "-", "--pipeline", s(&p), "--quiet"], zero.into(), 30)
        .expect("zhpipe run - < /dev/zero finishes");
    assert!(stderr(&o).contains("goes on past the limit"), "{}", stderr(&o));
    let mut yes = Command::new("yes").stdout(Stdio::piped()).spawn().unwrap();
    let o = run_for(
        &["run", "-", "--pipeline", s(&p), "--quiet"],
        yes.stdout.take().unwrap().into(),
        30,
    );
    let _ = yes.kill();
    let _ = yes.wait();
    let o = o.expect("yes | zhpipe run - finishes");
    assert!(stderr(&o).contains("goes on past the limit"), "{}", stderr(&o));
}

#[test]
fn a_rule_file_on_dev_zero_is_refused_quickly() {
    let dir = tmpdir();
    let p =
        default_pipeline_with_builtin_rules().replace("\"builtin:speakers.toml\"", "\"/dev/zero\"");
    let p = write(dir.path(), "p.toml", p.as_bytes());
    let o = run_for(&["check", s(&p)], Stdio::null(), 30).expect("check finishes");
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("/dev/zero") && err.contains("not a pipeline or rule file"), "{err}");
}

#[test]
fn documents_of_many_short_lines_fail_alone_and_blank_runs_cost_nothing() {
    let dir = tmpdir();
    // 300 000 one-character lines: about 200 MB to process, over the budget of a 600 kB
    // document; refused before any line is built, and the next document still runs.
    write(dir.path(), "a_lines.txt", "a\n".repeat(300_000).as_bytes());
    // The same size in blank lines around one sentence: one blank line, costs nothing.
    let blank = format!("{}今天我们谈谈火箭。\n{}", "\n".repeat(300_000), "\n".repeat(300_000));
    write(dir.path(), "b_blank.txt", blank.as_bytes());
    write(dir.path(), "c_doc.txt", &small_doc());
    let o = run(&["run", s(dir.path()), "--quiet"], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("a_lines.txt") && err.contains("300000 lines"), "{err}");
    assert!(!err.contains("b_blank"), "{err}");
    assert_eq!(doc_ids(&stdout(&o)), ["b_blank", "c_doc"]);
    // The blank runs are one line each, spanning the source lines they came from.
    let recs = records(&stdout(&o));
    let seg = recs.iter().find(|r| r["doc_id"] == "b_blank" && r["type"] == "segment").unwrap();
    assert_eq!(seg["source"]["lines"], serde_json::json!([300_001, 300_001]), "{seg}");
}

#[test]
fn a_closed_stdout_does_not_cancel_file_outputs() {
    let dir = tmpdir();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    // Enough that neither output fits in a pipe's buffer.
    for i in 0..200 {
        write(&docs, &format!("d{i:03}.txt"), &small_doc());
    }
    // The audit on standard output, read for one line; the records to a file.
    let out = dir.path().join("out.jsonl");
    let mut child = zhpipe()
        .args(["run", s(&docs), "-o", s(&out), "--audit", "-", "--quiet", "--jobs", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 1];
    child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let written = std::fs::read_to_string(&out).expect("-o committed");
    assert_eq!(doc_ids(&written).len(), 200);

    // The records on standard output, closed early; the audit to a file.
    let audit = dir.path().join("audit.jsonl");
    let mut child = zhpipe()
        .args(["run", s(&docs), "--audit", s(&audit), "--quiet", "--jobs", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
    drop(child.stdout.take());
    assert!(child.wait().unwrap().success());
    let trail = std::fs::read_to_string(&audit).expect("--audit committed");
    let docs_in_audit: std::collections::BTreeSet<_> =
        records(&trail).iter().map(|r| r["doc_id"].to_string()).collect();
    assert_eq!(docs_in_audit.len(), 200);
}

#[test]
fn outputs_that_would_destroy_data_are_refused_before_any_work() {
    let dir = tmpdir();
    let doc = write(dir.path(), "article.txt", &small_doc());
    let same = dir.path().join("same.jsonl");
    let spelled = dir.path().join(".").join("same.jsonl");
    let o = run(&["run", s(&doc), "-o", s(&same), "--audit", s(&spelled)], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("both name"), "{}", stderr(&o));
    assert!(!same.exists());

    let o = run(&["run", s(&doc), "-o", s(&doc)], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is also an input"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&doc).unwrap(), small_doc(), "the article is untouched");
}

#[cfg(unix)]
#[test]
fn outputs_keep_the_mode_of_the_file_replaced_and_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tmpdir();
    let doc = write(dir.path(), "article.txt", &small_doc());
    let old = write(dir.path(), "old.jsonl", b"old\n");
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o640)).unwrap();
    let o = run(&["run", s(&doc), "-o", s(&old), "--quiet"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::metadata(&old).unwrap().permissions().mode() & 0o777, 0o640);

    let new = dir.path().join("new.jsonl");
    let sh = format!("umask 022 && exec {} run {} -o {} --quiet", exe(), s(&doc), s(&new));
    assert!(Command::new("sh").args(["-c", &sh]).status().unwrap().success());
    assert_eq!(std::fs::metadata(&new).unwrap().permissions().mode() & 0o777, 0o644);
}

fn exe() -> &'static str {
    env!("CARGO_BIN_EXE_zhpipe")
}

/// Files in `dir` whose names start with a dot (the temporary outputs).
fn hidden_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect()
}

#[cfg(unix)]
#[test]
fn temporary_files_are_removed_on_terminating_signals() {
    let dir = tmpdir();
    let out = dir.path().join("out.jsonl");
    for signal in ["INT", "TERM", "HUP"] {
        // Standard input held open: the run waits for its input with the output open.
        let mut child = zhpipe()
            .args(["run", "-", "--input-format", "jsonl", "-o", s(&out), "--quiet"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let rec = serde_json::json!({"id": "a", "text": "今天我们谈谈火箭。"}).to_string();
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "{rec}").unwrap();
        let start = Instant::now();
        while hidden_files(dir.path()).is_empty() && start.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(hidden_files(dir.path()).len(), 1, "the temporary output exists");
        // Give the handler thread time to start.
        std::thread::sleep(Duration::from_millis(300));
        let (flag, pid) = (format!("-{signal}"), child.id().to_string());
        assert!(Command::new("kill").args([&flag, &pid]).status().unwrap().success());
        let status = child.wait().unwrap();
        drop(stdin);
        assert!(!status.success(), "SIG{signal}: {status:?}");
        assert_eq!(hidden_files(dir.path()), Vec::<String>::new(), "SIG{signal}");
        assert!(!out.exists(), "SIG{signal}: nothing committed");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_names_the_output_and_commits_nothing() {
    let dir = tmpdir();
    let doc = write(dir.path(), "article.txt", &small_doc());
    let out = dir.path().join("out.jsonl");
    let o = run(&["run", s(&doc), "-o", s(&out), "--audit", "/dev/full", "--quiet"], None);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("/dev/full") && !err.contains("out.jsonl"), "{err}");
    assert!(!out.exists(), "-o is not committed when the audit fails");
    assert!(hidden_files(dir.path()).is_empty());
}

#[cfg(unix)]
#[test]
fn non_utf8_file_names_are_accepted_and_shown_lossily() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tmpdir();
    let name = std::ffi::OsStr::from_bytes(b"caf\xE9.txt");
    let path = dir.path().join(name);
    std::fs::write(&path, small_doc()).unwrap();
    let o = zhpipe().arg("run").arg(&path).arg("--quiet").output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(doc_ids(&stdout(&o)), ["caf\u{FFFD}"]);
    // And in a message.
    let missing = dir.path().join(std::ffi::OsStr::from_bytes(b"gone\xFF.txt"));
    let o = zhpipe().arg("run").arg(&missing).arg("--quiet").output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("gone\u{FFFD}.txt"), "{}", stderr(&o));
}

fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

#[test]
fn utf16_positions_count_characters_and_an_odd_last_byte_is_replaced() {
    // 上 is U+4E0A: its little-endian bytes hold 0x0A, which is not a newline.
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(utf16le("上上上 hello\n第二行 world\n"));
    bytes.push(0x41); // a truncated code unit at the end
    let o = run(&["run", "-", "--quiet"], Some(&bytes));
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("line 3, column 1"), "{err}");

    // Without the BOM: still UTF-16 (the odd byte is not evidence of binary data).
    let o = run(&["run", "-", "--quiet"], Some(&bytes[2..]));
    assert!(o.status.success(), "{}", stderr(&o));
    let recs = records(&stdout(&o));
    assert_eq!(recs[0]["source"]["encoding"], "UTF-16LE", "{}", recs[0]);
    assert!(stderr(&o).contains("line 3, column 1"), "{}", stderr(&o));
}

#[test]
fn duplicate_jsonl_ids_are_made_unique() {
    let rec = |id: &str| serde_json::json!({"id": id, "text": "今天我们谈谈火箭。"}).to_string();
    let stream = [rec("a"), rec("b"), rec("a"), rec("a~2"), rec("a")].join("\n");
    let o = run(&["run", "-", "--input-format", "jsonl", "--quiet"], Some(stream.as_bytes()));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(doc_ids(&stdout(&o)), ["a", "b", "a~2", "a~2~2", "a~3"]);
}

#[test]
fn pipeline_errors_never_echo_a_file_that_is_not_a_rule_file() {
    let dir = tmpdir();
    let secret = write(dir.path(), "shadow", b"root:$6$SECRETHASH:19000:0:99999:7:::\n");
    for key in ["\"builtin:speakers.toml\"", "\"builtin:segment.toml\""] {
        let p = default_pipeline_with_builtin_rules().replace(key, &format!("{:?}", s(&secret)));
        let p = write(dir.path(), "p.toml", p.as_bytes());
        let o = run(&["check", s(&p)], None);
        assert_eq!(o.status.code(), Some(2));
        let err = stderr(&o);
        assert!(err.contains("shadow") && !err.contains("SECRETHASH"), "{err}");
    }
    // As a user dictionary: not in the jieba format, refused by `check`, never shown.
    let p = default_pipeline_with_builtin_rules()
        .replace("type = \"emit\"", &format!("type = \"emit\"\nuser_dict = {:?}", s(&secret)));
    let p = write(dir.path(), "p.toml", p.as_bytes());
    let o = run(&["check", s(&p)], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("jieba dictionary") && !err.contains("SECRETHASH"), "{err}");
    // As the pipeline itself.
    let o = run(&["check", s(&secret)], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(!stderr(&o).contains("SECRETHASH"), "{}", stderr(&o));
    // Binary files are refused by type, without content.
    let bin = write(dir.path(), "bin.toml", b"version = 1\n\x00\x01SECRET");
    let o = run(&["check", s(&bin)], None);
    assert!(stderr(&o).contains("binary data") && !stderr(&o).contains("SECRET"));
    // A rule file with a mistake past its first statement shows a short, escaped excerpt.
    let long = format!("version = 1\nbad line \u{1b}[31m {}\n", "x".repeat(200));
    let p = write(dir.path(), "long.toml", long.as_bytes());
    let err = stderr(&run(&["check", s(&p)], None));
    assert!(err.contains("line 2") && err.contains("\\u{1b}") && !err.contains('\u{1b}'), "{err}");
    assert!(!err.contains(&"x".repeat(100)), "{err}");
}

#[test]
fn check_reads_every_named_file_and_range_checks_numbers() {
    let dir = tmpdir();
    // A user dictionary is read even when tokens are off.
    let p = default_pipeline_with_builtin_rules()
        .replace("type = \"emit\"", "type = \"emit\"\nuser_dict = \"missing.dict\"");
    let p = write(dir.path(), "p.toml", p.as_bytes());
    let o = run(&["check", s(&p)], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing.dict"), "{}", stderr(&o));

    let zero = default_pipeline_with_builtin_rules()
        .replace("max_doc_bytes = 268435456", "max_doc_bytes = 0");
    let line = zero.lines().position(|l| l.starts_with("max_doc_bytes")).unwrap() + 1;
    let p = write(dir.path(), "zero.toml", zero.as_bytes());
    let err = stderr(&run(&["check", s(&p)], None));
    assert!(err.contains("max_doc_bytes = 0") && err.contains(&format!("line {line},")), "{err}");

    // Numbers in rule files are range-checked too, placed at their line.
    let segment = std::fs::read_to_string("pipelines/segment.toml").unwrap();
    let boilerplate = std::fs::read_to_string("pipelines/rules/boilerplate.toml").unwrap();
    let generic = std::fs::read_to_string("pipelines/rules/generic.toml").unwrap();
    for (file, text, from, to) in [
        ("segment.toml", &segment, "min_repeats = 2", "min_repeats = 0"),
        ("segment.toml", &segment, "host_question_ratio = 0.35", "host_question_ratio = 1.5"),
        ("rules/boilerplate.toml", &boilerplate, "max_chars = 200", "max_chars = 0"),
        ("rules/generic.toml", &generic, "within_first = 1", "within_first = 0"),
    ] {
        let bad = text.replacen(from, to, 1);
        let line = bad.lines().position(|l| l.starts_with(to)).unwrap() + 1;
        let rules = write(dir.path(), "rules.toml", bad.as_bytes());
        let p = default_pipeline_with_builtin_rules()
            .replace(&format!("\"builtin:{file}\""), &format!("{:?}", s(&rules)));
        let p = write(dir.path(), "p.toml", p.as_bytes());
        let err = stderr(&run(&["check", s(&p)], None));
        assert!(
            err.contains("rules.toml") && err.contains(&format!("line {line},")),
            "{to}: {err}"
        );
    }

    // Stage order errors name the stage's line.
    let order = "version = 1\n[[stages]]\ntype = \"decode\"\n[[stages]]\ntype = \"emit\"\n[[stages]]\ntype = \"strip\"\n";
    let p = write(dir.path(), "order.toml", order.as_bytes());
    let err = stderr(&run(&["check", s(&p)], None));
    assert!(err.contains("line 6"), "{err}");
}

/// Resident memory of a running process, in bytes (from `/proc`, Linux).
fn resident_bytes(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb = status.lines().find_map(|l| l.strip_prefix("VmRSS:")).unwrap();
    kb.trim().trim_end_matches("kB").trim().parse::<u64>().unwrap() * 1024
}

#[test]
fn an_over_limit_jsonl_record_is_streamed_past_and_not_kept() {
    let dir = tmpdir();
    // Records of up to 4 × 32 MiB are read; this one has 192 MiB.
    let p = pipeline_with_limit(dir.path(), 32 << 20);
    let mut child = zhpipe()
        .args(["run", "-", "--input-format", "jsonl", "--pipeline", s(&p), "--quiet"])
        // mimalloc gives freed memory back to the system lazily, when it next needs to;
        // this measures what zhpipe holds, not the allocator's cache.
        .env("MIMALLOC_PURGE_DELAY", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let start = Instant::now();
    stdin.write_all(br#"{"id": "big", "text": ""#).unwrap();
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..192 {
        stdin.write_all(&chunk).unwrap();
    }
    stdin.write_all(b"\"}\n").unwrap();
    // Documents after it, processed while the stream stays open (the allocator returns
    // freed memory to the system as it goes on allocating).
    for _ in 0..200 {
        stdin
            .write_all("{\"id\": \"small\", \"text\": \"今天我们谈谈火箭。\"}\n".as_bytes())
            .unwrap();
    }
    // Nothing of the skipped record is kept once it is past: the process comes back to
    // what it holds at rest (its compiled rules and dictionaries, ~50 MiB), not the 128 MiB
    // read of the record before it went over the limit. (Looked at until it does: on a busy
    // machine the documents after it take a while.)
    let waiting = Instant::now();
    let mut held = resident_bytes(child.id());
    while held >= 100 << 20 && waiting.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(100));
        held = resident_bytes(child.id());
    }
    drop(stdin);
    let o = child.wait_with_output().unwrap();
    assert!(start.elapsed() < Duration::from_secs(80), "{:?}", start.elapsed());
    assert!(stderr(&o).contains("over the limit"), "{}", stderr(&o));
    assert_eq!(doc_ids(&stdout(&o)).len(), 200);
    assert!(held < 100 << 20, "{} MiB resident after the record", held >> 20);
}
