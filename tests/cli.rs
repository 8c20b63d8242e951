//! The command line: exit codes, bad input, batch isolation, atomic output, determinism.

mod common;

use common::*;

fn s(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn seeds_give_valid_records_and_exit_zero() {
    let o = run(&["run", "corpus/seeds", "--quiet"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let recs = records(&stdout(&o));
    let docs: Vec<_> = recs.iter().filter(|r| r["type"] == "document").collect();
    assert_eq!(docs.len(), 4);
    // Every document record precedes its segments.
    let mut current = String::new();
    for r in &recs {
        if r["type"] == "document" {
            current = r["doc_id"].as_str().unwrap().to_owned();
        } else {
            assert_eq!(r["doc_id"], current.as_str());
        }
    }
}

#[test]
fn empty_binary_and_missing_inputs_fail_alone_with_their_names() {
    let dir = tmpdir();
    let good = write(dir.path(), "good.txt", "主持人：你好。\n".as_bytes());
    let empty = write(dir.path(), "empty.txt", b"");
    let blank = write(dir.path(), "blank.txt", b" \n\t\n");
    let binary = write(dir.path(), "bin.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00garbage\x00\x01");
    let missing = dir.path().join("missing.txt");
    let alone = run(&["run", s(&good), "--quiet"], None);
    let o = run(&["run", s(&empty), s(&good), s(&binary), s(&blank), s(&missing), "--quiet"], None);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), stdout(&alone), "the good document's output is unaffected");
    let err = stderr(&o);
    for (path, what) in [
        (&empty, "empty input"),
        (&binary, "binary data"),
        (&blank, "no text"),
        (&missing, "cannot read"),
    ] {
        let line = err
            .lines()
            .find(|l| l.contains(s(path)))
            .unwrap_or_else(|| panic!("no error for {path:?}: {err}"));
        assert!(line.contains(what), "{line}");
    }
    assert!(err.contains("NUL byte at line 1, column 8 (byte 7)"), "{err}");
}

#[test]
fn truncated_utf8_is_an_audited_replacement_naming_the_position() {
    let dir = tmpdir();
    let mut bytes = "马斯克：我们会去火星。\n主持人：什么时候？\n".as_bytes().to_vec();
    bytes.extend_from_slice(&"马".as_bytes()[..2]);
    let f = write(dir.path(), "cut.txt", &bytes);
    let audit = dir.path().join("audit.jsonl");
    let o = run(&["run", s(&f), "--audit", s(&audit), "--quiet"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("cut.txt: line 3, column 1"), "{}", stderr(&o));
    let doc = &records(&stdout(&o))[0];
    assert_eq!(doc["truncated"], true);
    let audit = std::fs::read_to_string(&audit).unwrap();
    assert!(audit.contains("\"rule\":\"decode.truncated-sequence\""), "{audit}");
    assert!(audit.contains("\\\\xE9\\\\xA9"), "{audit}");
}

#[test]
fn mixed_encodings_beyond_the_limit_are_an_error_with_position() {
    let dir = tmpdir();
    let (gbk, _, _) = encoding_rs::GBK.encode("马斯克说：我们会去火星。");
    let mut bytes = "开头是UTF-8的一段中文文字，后面混入了GBK。\n".repeat(3).into_bytes();
    for _ in 0..20 {
        bytes.extend_from_slice(&gbk);
        bytes.push(b'\n');
    }
    let f = write(dir.path(), "mixed.txt", &bytes);
    let o = run(&["run", s(&f), "--quiet"], None);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("mixed.txt") && err.contains("undecodable") && err.contains("line 4"),
        "{err}"
    );
}

#[test]
fn a_100_mb_line_is_rejected_with_its_line_number() {
    let dir = tmpdir();
    let mut bytes = "标题\n".as_bytes().to_vec();
    bytes.extend(std::iter::repeat_n(b'a', 100 << 20));
    let f = write(dir.path(), "huge.txt", &bytes);
    let o = run(&["run", s(&f), "--quiet"], None);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("huge.txt") && err.contains("line 2 is 104857600 bytes"), "{err}");
}

#[test]
fn inputs_over_max_doc_bytes_are_rejected_by_size_and_the_others_still_run() {
    let dir = tmpdir();
    let small = std::fs::read_to_string(seed("000")).unwrap();
    let limit = small.len() + 10;
    let pipeline = default_pipeline_with_builtin_rules()
        .replace("max_doc_bytes = 268435456   # 256 MiB", &format!("max_doc_bytes = {limit}"));
    assert!(pipeline.contains(&format!("max_doc_bytes = {limit}")));
    let p = write(dir.path(), "p.toml", pipeline.as_bytes());
    let big = small.repeat(3);
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    write(&docs, "a_big.txt", big.as_bytes());
    write(&docs, "b_small.txt", small.as_bytes());
    let o = run(&["run", s(&docs), "--pipeline", s(&p), "--quiet"], None);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let want = format!("document is {} bytes, over the limit of {limit} bytes", big.len());
    assert!(err.contains("a_big.txt") && err.contains(&want), "{err}");
    let recs = records(&stdout(&o));
    assert!(recs.iter().any(|r| r["type"] == "document" && r["doc_id"] == "b_small"));

    // A sparse 1 TiB file is rejected from its size, without reading it.
    let sparse = std::fs::File::create(docs.join("c_sparse.txt")).unwrap();
    sparse.set_len(1 << 40).unwrap();
    let o = run(&["run", s(&docs.join("c_sparse.txt")), "--quiet"], None);
    let err = stderr(&o);
    assert!(err.contains("document is 1099511627776 bytes, over the limit"), "{err}");

    // Standard input: the same message, with the size counted past the limit.
    let o = run(&["run", "-", "--pipeline", s(&p), "--quiet"], Some(big.as_bytes()));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(&want), "{}", stderr(&o));

    // JSONL: a record over 4 × the limit is skipped and named by its line; the next one runs.
    let rec = |id: &str, text: &str| serde_json::json!({ "id": id, "text": text }).to_string();
    let huge = small.repeat(5);
    let stream = format!("{}\n{}\n", rec("huge", &huge), rec("ok", &small));
    let args = ["run", "-", "--input-format", "jsonl", "--pipeline", s(&p), "--quiet"];
    let o = run(&args, Some(stream.as_bytes()));
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("-:1") && err.contains("JSONL record of"), "{err}");
    let recs = records(&stdout(&o));
    assert!(recs.iter().any(|r| r["type"] == "document" && r["doc_id"] == "ok"));
    assert!(!recs.iter().any(|r| r["doc_id"] == "huge"));
}

#[test]
fn a_directory_without_text_files_is_reported() {
    let dir = tmpdir();
    write(dir.path(), "image.png", b"\x89PNG");
    let o = run(&["run", s(dir.path()), "--quiet"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("directory has no text files"), "{}", stderr(&o));
}

#[test]
fn bad_pipeline_files_are_usage_errors_naming_line_and_key() {
    let dir = tmpdir();
    let unknown_key = "version = 1\n[[stages]]\ntype = \"decode\"\nmax_line_bites = 5\n[[stages]]\ntype = \"emit\"\n";
    let p = write(dir.path(), "p.toml", unknown_key.as_bytes());
    let o = run(&["run", "corpus/seeds", "--pipeline", s(&p)], None);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("p.toml") && err.contains("line 2") && err.contains("max_line_bites"),
        "{err}"
    );

    let order = "version = 1\n[[stages]]\ntype = \"emit\"\n[[stages]]\ntype = \"decode\"\n";
    let p = write(dir.path(), "order.toml", order.as_bytes());
    let o = run(&["check", s(&p)], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("first stage must be `decode`"), "{}", stderr(&o));

    let bad_rule = "[profile]\nid = \"x\"\n[[rules]]\nid = \"x.bad\"\nmatch = '(unclosed'\naction = \"drop-line\"\n";
    write(dir.path(), "bad.toml", bad_rule.as_bytes());
    let uses = "version = 1\n[[stages]]\ntype = \"decode\"\n[[stages]]\ntype = \"strip\"\nrules = [\"bad.toml\"]\n[[stages]]\ntype = \"emit\"\n";
    let p = write(dir.path(), "uses.toml", uses.as_bytes());
    let o = run(&["check", s(&p)], None);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("bad.toml") && err.contains("x.bad") && err.contains("regex"), "{err}");
}

/// A pattern of valid syntax whose automaton is over regex's size limit: loading does not
/// compile it, so `check` must, and a run fails only the documents that reach it.
#[test]
fn a_rule_over_the_regex_size_limit_fails_check_and_only_the_documents_it_reaches() {
    let dir = tmpdir();
    let big = "[profile]\nid = \"x\"\n[[rules]]\nid = \"x.big\"\nmatch = 'ZZTOP\\w{1000}\\w{1000}'\naction = \"drop-line\"\n";
    write(dir.path(), "big.toml", big.as_bytes());
    let uses = "version = 1\n[[stages]]\ntype = \"decode\"\n[[stages]]\ntype = \"strip\"\nrules = [\"big.toml\"]\n[[stages]]\ntype = \"emit\"\n";
    let p = write(dir.path(), "uses.toml", uses.as_bytes());
    let o = run(&["check", s(&p)], None);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("big.toml") && err.contains("x.big") && err.contains("size limit"), "{err}");

    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    write(&docs, "a_reaches.txt", "标题\n\nZZTOP 这一行会用到那条规则。\n".as_bytes());
    write(&docs, "b_not.txt", "标题\n\n这一行不会。\n".as_bytes());
    let o = run(&["run", s(&docs), "--pipeline", s(&p), "--quiet"], None);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let line = err.lines().find(|l| l.contains("a_reaches.txt")).unwrap_or_else(|| panic!("{err}"));
    assert!(line.contains("stage strip failed: rule file") && line.contains("big.toml"), "{line}");
    assert!(line.contains("rule `x.big`: bad regex") && !line.contains("bug"), "{line}");
    assert!(!err.contains("panicked"), "{err}");
    let recs = records(&stdout(&o));
    assert!(recs.iter().any(|r| r["type"] == "document" && r["doc_id"] == "b_not"));
    assert!(!recs.iter().any(|r| r["doc_id"] == "a_reaches"));
}

#[test]
fn output_is_identical_for_any_thread_count() {
    let dir = tmpdir();
    for (i, seed) in seeds().iter().enumerate().cycle().take(24).enumerate() {
        let bytes = std::fs::read(seed.1).unwrap();
        write(dir.path(), &format!("{i:02}_{}.txt", seed.0), &bytes);
    }
    let one = run(&["run", s(dir.path()), "--jobs", "1", "--quiet"], None);
    let two = run(&["run", s(dir.path()), "--jobs", "2", "--quiet"], None);
    let four = run(&["run", s(dir.path()), "--jobs", "4", "--quiet"], None);
    assert!(one.status.success());
    assert!(!one.stdout.is_empty());
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(one.stdout, four.stdout);
}

#[test]
fn a_large_document_cut_into_blocks_gives_the_same_output_at_any_thread_count() {
    // The corpus's article bodies (after strip), every line made unique so segment keeps
    // them all, repeated to well over the 1 MB from which lines and records run in blocks.
    let bodies = run(&["run", "corpus", "--until", "strip", "--format", "text", "--quiet"], None);
    assert!(bodies.status.success(), "{}", stderr(&bodies));
    let text = stdout(&bodies);
    let lines: Vec<&str> =
        text.lines().filter(|l| !l.starts_with("==> ") && !l.trim().is_empty()).collect();
    let mut doc = String::new();
    for round in 0.. {
        if doc.len() > 3 << 20 {
            break;
        }
        for l in &lines {
            doc.push_str(&format!("{l}（{round}）\n\n"));
        }
    }
    let dir = tmpdir();
    let path = write(dir.path(), "long.txt", doc.as_bytes());
    let one = run(&["run", s(&path), "--jobs", "1", "--quiet"], None);
    let two = run(&["run", s(&path), "--jobs", "2", "--quiet"], None);
    let four = run(&["run", s(&path), "--jobs", "4", "--quiet"], None);
    assert!(one.status.success(), "{}", stderr(&one));
    let recs = records(&stdout(&one));
    let segments = recs.iter().filter(|r| r["type"] == "segment").count();
    assert!(segments > 1000 && one.stdout.len() > 3 << 20, "{segments} segments");
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(one.stdout, four.stdout);
}

#[test]
fn output_file_is_written_whole_or_not_at_all() {
    let dir = tmpdir();
    let out = dir.path().join("out.jsonl");
    let o = run(&["run", "corpus/seeds", "-o", s(&out), "--quiet"], None);
    assert!(o.status.success());
    let direct = run(&["run", "corpus/seeds", "--quiet"], None);
    assert_eq!(std::fs::read(&out).unwrap(), direct.stdout);
    // A configuration error leaves no file and no temporary behind.
    let out2 = dir.path().join("never.jsonl");
    let o = run(&["run", "corpus/seeds", "-o", s(&out2), "--pipeline", "/nonexistent.toml"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(!out2.exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "only out.jsonl remains");
}

/// `-o /dev/null` and `-o fifo` must write into the special file, never rename over it
/// (as root, renaming a temporary over /dev/null turns it into a plain file).
#[cfg(unix)]
#[test]
fn special_files_and_symlinks_are_written_in_place() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tmpdir();
    let fifo = dir.path().join("pipe");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let (tx, rx) = std::sync::mpsc::channel();
    {
        let fifo = fifo.clone();
        std::thread::spawn(move || tx.send(std::fs::read(fifo).unwrap()));
    }
    let o = run(&["run", "corpus/seeds", "-o", s(&fifo), "--quiet"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    // A rename over the FIFO would leave the reader waiting forever: time out instead.
    let got =
        rx.recv_timeout(std::time::Duration::from_secs(60)).expect("nothing written into the FIFO");
    let direct = run(&["run", "corpus/seeds", "--quiet"], None);
    assert_eq!(got, direct.stdout);
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo(), "the FIFO is still a FIFO");

    let target = dir.path().join("real.jsonl");
    std::fs::write(&target, "old").unwrap();
    let link = dir.path().join("link.jsonl");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let o = run(&["run", "corpus/seeds", "-o", s(&link), "--quiet"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read(&target).unwrap(), direct.stdout);
}

#[test]
fn doc_ids_are_unique_paths_below_the_walked_directory() {
    let dir = tmpdir();
    for sub in ["a", "b"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
        write(&dir.path().join(sub), "x.txt", "主持人：你好。\n".as_bytes());
    }
    let ids = |args: &[&str]| -> Vec<String> {
        let o = run(&[&["run", "--quiet"], args].concat(), None);
        assert!(o.status.success(), "{}", stderr(&o));
        let recs = records(&stdout(&o));
        let docs = recs.iter().filter(|r| r["type"] == "document");
        docs.map(|r| r["doc_id"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(ids(&[s(dir.path())]), ["a/x", "b/x"]);
    let (ax, bx) = (dir.path().join("a/x.txt"), dir.path().join("b/x.txt"));
    let given = |p: &std::path::Path| s(p).trim_end_matches(".txt").to_owned();
    assert_eq!(ids(&[s(&ax), s(&bx)]), [given(&ax), given(&bx)]);
    assert_eq!(ids(&[s(&ax), s(&ax)]), [given(&ax), format!("{}~2", given(&ax))]);
    assert_eq!(ids(&[s(&ax)]), ["x"]);
}

#[test]
fn stdin_text_and_jsonl_streams() {
    let text = "主持人：你好。\n马斯克：你好。\n".as_bytes();
    let o = run(&["run", "-", "--quiet"], Some(text));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(records(&stdout(&o))[0]["doc_id"], "stdin");

    let jsonl =
        "{\"id\":\"a1\",\"text\":\"第一篇。\"}\nnot json\n{\"id\":7,\"text\":\"第二篇。\"}\n";
    let o = run(&["run", "-", "--input-format", "jsonl", "--quiet"], Some(jsonl.as_bytes()));
    assert_eq!(o.status.code(), Some(1), "the bad line fails alone");
    let ids: Vec<_> = records(&stdout(&o))
        .into_iter()
        .filter(|r| r["type"] == "document")
        .map(|r| r["doc_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["a1", "7"]);
    assert!(stderr(&o).contains("-:2: not a {\"id\", \"text\"} JSON record"), "{}", stderr(&o));
}

/// A producer that waits for each document's records before sending the next (a
/// coprocess, a request/response pipe) gets them while its input is still open.
#[test]
fn each_document_is_written_before_the_next_is_read() {
    use std::io::{BufRead, Write};
    let mut child = zhpipe()
        .args(["run", "-", "--input-format", "jsonl", "--quiet"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let _ = tx.send(line.unwrap());
        }
    });
    for id in ["first", "second"] {
        writeln!(stdin, "{{\"id\":\"{id}\",\"text\":\"主持人：你好。\\n马斯克：你好。\"}}")
            .unwrap();
        stdin.flush().unwrap();
        let line = rx.recv_timeout(std::time::Duration::from_secs(60));
        let line = line.unwrap_or_else(|_| panic!("no record for {id} while input is open"));
        let record: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(record["doc_id"], id);
        // The rest of this document's records.
        while let Ok(line) = rx.recv_timeout(std::time::Duration::from_millis(500)) {
            assert!(line.contains(id), "{line}");
        }
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn until_text_prints_the_text_after_a_stage() {
    let f = seed("001_");
    let o = run(&["run", s(&f), "--until", "decode", "--format", "text", "--quiet"], None);
    assert!(o.status.success());
    let src = std::fs::read_to_string(&f).unwrap();
    assert_eq!(stdout(&o).trim_end(), src.trim_end());
}

#[test]
fn summary_line_counts_docs_segments_errors() {
    let o = run(&["run", "corpus/seeds", "/nonexistent", "--summary-json"], None);
    assert_eq!(o.status.code(), Some(1));
    let last = stderr(&o).lines().last().unwrap().to_owned();
    let v: serde_json::Value = serde_json::from_str(&last).unwrap();
    assert_eq!(v["docs"], 4);
    assert_eq!(v["failed"], 1);
    assert!(v["segments"].as_u64().unwrap() > 0);
}

#[test]
fn the_pipeline_file_on_disk_gives_the_same_output_as_the_built_in_one() {
    let builtin = run(&["run", "corpus", "--quiet"], None);
    let on_disk = run(&["run", "corpus", "--quiet", "--pipeline", "pipelines/default.toml"], None);
    assert!(builtin.status.success() && on_disk.status.success());
    assert_eq!(builtin.stdout, on_disk.stdout);
}

#[test]
fn a_user_pipeline_can_add_rules_and_reuse_the_built_in_ones() {
    let dir = tmpdir();
    let rules = "[profile]\nid = \"mine\"\nmin_evidence = 0\n[[rules]]\nid = \"mine.sponsor\"\nmatch = '^本文由.{0,20}赞助'\naction = \"drop-line\"\n";
    write(dir.path(), "mine.toml", rules.as_bytes());
    let pipeline = default_pipeline_with_builtin_rules().replace(
        "  \"builtin:rules/generic.toml\",",
        "  \"builtin:rules/generic.toml\",\n  \"mine.toml\",",
    );
    let p = write(dir.path(), "p.toml", pipeline.as_bytes());
    let doc = write(dir.path(), "a.txt", "本文由某某公司赞助\n马斯克：我们会去火星。\n".as_bytes());
    let o = run(&["run", s(&doc), "--pipeline", s(&p), "--quiet"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(!out.contains("赞助") && out.contains("我们会去火星"), "{out}");
}

#[test]
fn a_dash_for_output_or_audit_is_standard_output() {
    let dir = tmpdir();
    let seed = std::fs::canonicalize(&seeds()[0]).unwrap();
    let in_dir = |args: &[&str]| {
        let o = zhpipe().args(args).current_dir(dir.path()).output().expect("zhpipe runs");
        assert!(o.status.success(), "{}", stderr(&o));
        o
    };
    let plain = in_dir(&["run", s(&seed), "--quiet"]);
    let dashed = in_dir(&["run", s(&seed), "--quiet", "-o", "-"]);
    assert!(!plain.stdout.is_empty());
    assert_eq!(dashed.stdout, plain.stdout);
    let audit = in_dir(&["run", s(&seed), "--quiet", "-o", "records.jsonl", "--audit", "-"]);
    let records = std::fs::read(dir.path().join("records.jsonl")).unwrap();
    assert_eq!(records, plain.stdout);
    assert!(stdout(&audit).lines().count() > 0 && stdout(&audit).contains("\"rule\""));
    assert!(!dir.path().join("-").exists(), "no file named `-`");
    // Both on standard output would interleave: refused.
    let both = zhpipe()
        .args(["run", s(&seed), "--quiet", "--audit", "-"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(both.status.code(), Some(2), "{}", stderr(&both));
    assert!(stderr(&both).contains("--audit -"));
}
