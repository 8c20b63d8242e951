//! The command line: exit codes, atomic output, determinism, streams. Bad input and bad
//! configuration are in `cli_errors.rs`.

mod common;

use common::*;
use std::process::{Command, Stdio};

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
        doc_ids(&stdout(&o))
    };
    assert_eq!(ids(&[s(dir.path())]), ["a/x", "b/x"]);
    let (ax, bx) = (dir.path().join("a/x.txt"), dir.path().join("b/x.txt"));
    let given = |p: &std::path::Path| s(p).trim_end_matches(".txt").to_owned();
    assert_eq!(ids(&[s(&ax), s(&bx)]), [given(&ax), given(&bx)]);
    assert_eq!(ids(&[s(&ax), s(&ax)]), [given(&ax), format!("{}~2", given(&ax))]);
    assert_eq!(ids(&[s(&ax)]), ["x"]);
}

/// A directory given alone is walked as the run goes, with the ids of the listed case:
/// files that share a stem take their whole path, and a path below the directory that
/// reads like a whole path (`d/d/a/x` under `d`) is numbered after them, not repeated.
#[test]
fn one_directory_walked_lazily_keeps_ids_unique() {
    let dir = tmpdir();
    for sub in ["d/a", "d/d/a"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
    }
    for f in ["d/a/x.txt", "d/a/x.md", "d/d/a/x.txt", "d/a/y.txt"] {
        write(dir.path(), f, "主持人：你好。\n".as_bytes());
    }
    let ids = |args: &[&str]| {
        let o = zhpipe().args(args).current_dir(dir.path()).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        doc_ids(&stdout(&o))
    };
    let want = ["d/a/x", "d/a/x~2", "a/y", "d/a/x~3"];
    assert_eq!(ids(&["run", "--quiet", "d"]), want);
    // Listed first (with another input) the ids are the same.
    let listed = ids(&["run", "--quiet", "d", "d/a/y.txt"]);
    assert_eq!(listed[..4], want);
}

#[test]
fn linked_directories_are_walked_and_a_loop_is_reported_not_repeated() {
    let dir = tmpdir();
    let (data, root) = (dir.path().join("data"), dir.path().join("root"));
    for d in [&data, &root.join("sub")] {
        std::fs::create_dir_all(d).unwrap();
    }
    write(&data, "d.txt", "主持人：你好。\n".as_bytes());
    write(&root.join("sub"), "s.txt", "主持人：再见。\n".as_bytes());
    std::os::unix::fs::symlink(&data, root.join("linked")).unwrap();
    std::os::unix::fs::symlink("..", root.join("sub/up")).unwrap();

    let o = run(&["run", s(&root)], None);
    let ids = doc_ids(&stdout(&o));
    assert_eq!(ids, ["linked/d", "sub/s"], "each file once, the linked directory followed");
    assert_eq!(o.status.code(), Some(1), "the loop is an error");
    let err = stderr(&o);
    let up = root.join("sub/up");
    assert!(err.contains(&format!("{}: directory link loops back to", s(&up))), "{err}");
}

#[test]
fn a_fifo_in_a_walked_directory_is_reported_not_read() {
    let dir = tmpdir();
    write(dir.path(), "a.txt", "主持人：你好。\n".as_bytes());
    let fifo = dir.path().join("p.txt");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    // Reading the FIFO would wait for a writer forever: the run gets a deadline.
    let mut child = zhpipe()
        .args(["run", s(dir.path())])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("zhpipe blocked on the FIFO");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let o = child.wait_with_output().unwrap();
    assert_eq!(doc_ids(&stdout(&o)).len(), 1, "the regular file is processed");
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains(&format!("{}: not a regular file", s(&fifo))), "{err}");
}

#[test]
fn stdin_text_and_jsonl_streams() {
    let text = "主持人：你好。\n马斯克：你好。\n".as_bytes();
    let o = run(&["run", "-", "--quiet"], Some(text));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(records(&stdout(&o))[0]["doc_id"], "stdin");

    // As a Windows tool writes it: a byte order mark and CRLF line ends.
    let jsonl = "\u{feff}{\"id\":\"a1\",\"text\":\"第一篇。\"}\r\nnot json\r\n\r\n\
                 {\"id\":7,\"text\":\"第二篇。\"}\r\n";
    let o = run(&["run", "-", "--input-format", "jsonl", "--quiet"], Some(jsonl.as_bytes()));
    assert_eq!(o.status.code(), Some(1), "the bad line fails alone");
    assert_eq!(doc_ids(&stdout(&o)), ["a1", "7"]);
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
