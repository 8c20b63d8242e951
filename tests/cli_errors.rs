//! The command line on bad input and bad configuration: each failure names the file and
//! position, exits non-zero, and leaves the other documents' output whole.

mod common;

use common::*;

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
fn an_output_in_a_missing_directory_is_an_error_naming_it() {
    let dir = tmpdir();
    let out = dir.path().join("no/such/dir/out.jsonl");
    let o = run(&["run", "corpus/seeds", "-o", s(&out), "--quiet"], None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(
        err.trim_end(),
        format!("zhpipe: error: {}: No such file or directory (os error 2)", s(&out)),
        "the path the user gave, not the temporary file's"
    );
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

    // Standard input: read up to the limit and no further (its size is unknown and may be
    // endless).
    let o = run(&["run", "-", "--pipeline", s(&p), "--quiet"], Some(big.as_bytes()));
    assert_eq!(o.status.code(), Some(1));
    let want_stream = format!("input goes on past the limit of {limit} bytes");
    assert!(stderr(&o).contains(&want_stream), "{}", stderr(&o));

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
        err.contains("p.toml") && err.contains("line 4") && err.contains("max_line_bites"),
        "{err}"
    );

    // A stage's keys are read through `type`: the error still names the key's own line,
    // not the first stage's header.
    let shipped = std::fs::read_to_string("pipelines/default.toml").unwrap();
    let line_of =
        |text: &str, key: &str| text.lines().position(|l| l.starts_with(key)).unwrap() + 1;
    for (from, to, want) in [
        ("hant = \"tw\"", "hant = \"tw\"\nglossez = 1", "glossez"),
        ("hant = \"tw\"", "hant = 5", "hant"),
        ("type = \"segment\"", "type = \"segmnt\"", "type = \"segmnt\""),
    ] {
        let text = shipped.replace("\"rules/", "\"builtin:rules/").replacen(from, to, 1);
        let p = write(dir.path(), "later.toml", text.as_bytes());
        let err = stderr(&run(&["check", s(&p)], None));
        let line = format!("later.toml: line {}, ", line_of(&text, want));
        assert!(err.contains(&line), "{to:?}: want {line:?} in {err}");
    }

    let order = "version = 1\n[[stages]]\ntype = \"emit\"\n[[stages]]\ntype = \"decode\"\n";
    let p = write(dir.path(), "order.toml", order.as_bytes());
    let o = run(&["check", s(&p)], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("first stage must be `decode`"), "{}", stderr(&o));

    let p = pipeline_with_one_rule(dir.path(), "bad.toml", "x.bad", "(unclosed");
    let o = run(&["check", s(&p)], None);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("bad.toml") && err.contains("x.bad") && err.contains("regex"), "{err}");
}

/// Writes a rule file `name` whose one rule `id` drops lines matching `pattern`, and a
/// pipeline (decode, strip with that file, emit) next to it; returns the pipeline's path.
fn pipeline_with_one_rule(
    dir: &std::path::Path,
    name: &str,
    id: &str,
    pattern: &str,
) -> std::path::PathBuf {
    let rule = format!(
        "[profile]\nid = \"x\"\n[[rules]]\nid = \"{id}\"\nmatch = '{pattern}'\naction = \"drop-line\"\n"
    );
    write(dir, name, rule.as_bytes());
    let uses = format!(
        "version = 1\n[[stages]]\ntype = \"decode\"\n[[stages]]\ntype = \"strip\"\nrules = [\"{name}\"]\n[[stages]]\ntype = \"emit\"\n"
    );
    write(dir, "uses.toml", uses.as_bytes())
}

/// `zhpipe check` on pipeline `p` exits 2 with an error holding each of `want`.
fn check_fails_naming(p: &std::path::Path, want: &[&str]) {
    let o = run(&["check", s(p)], None);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(want.iter().all(|w| err.contains(w)), "{err}");
}

/// A pattern of valid syntax whose automaton is over regex's size limit: loading does not
/// compile it, so `check` must, and a run fails only the documents that reach it.
#[test]
fn a_rule_over_the_regex_size_limit_fails_check_and_only_the_documents_it_reaches() {
    let dir = tmpdir();
    let p = pipeline_with_one_rule(dir.path(), "big.toml", "x.big", r"ZZTOP\w{1000}\w{1000}");
    check_fails_naming(&p, &["big.toml", "x.big", "size limit"]);

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

/// The same for segment's rules, which compile when a document first needs each: `check`
/// compiles them all, and a run fails each document that needs the pattern with the
/// error, not a panic.
#[test]
fn a_segment_rule_over_the_regex_size_limit_fails_check_and_the_documents() {
    let dir = tmpdir();
    let shipped = std::fs::read_to_string("pipelines/segment.toml").unwrap();
    let at = shipped.lines().find(|l| l.starts_with("list_item = ")).expect("list_item");
    let rules = shipped.replacen(at, r"list_item = '^ZZTOP\w{1000}\w{1000}'", 1);
    write(dir.path(), "seg.toml", rules.as_bytes());
    let uses = "version = 1\n[[stages]]\ntype = \"decode\"\n[[stages]]\ntype = \"segment\"\n\
                speakers = \"builtin:speakers.toml\"\nrules = \"seg.toml\"\n[[stages]]\ntype = \"emit\"\n";
    let p = write(dir.path(), "uses.toml", uses.as_bytes());
    check_fails_naming(&p, &["seg.toml", "`list_item`", "size limit"]);

    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    // The pattern's literal in the text: a line without it is not searched.
    write(&docs, "a.txt", "标题\n\nZZTOP第一段。\n\n1、一项\n".as_bytes());
    let o = run(&["run", s(&docs), "--pipeline", s(&p), "--quiet"], None);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let line = err.lines().find(|l| l.contains("a.txt")).unwrap_or_else(|| panic!("{err}"));
    assert!(
        line.contains("stage segment failed: rule file") && line.contains("seg.toml"),
        "{line}"
    );
    assert!(line.contains("`list_item`: bad regex") && !line.contains("bug"), "{line}");
    assert!(!err.contains("panicked"), "{err}");
}
