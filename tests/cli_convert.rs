//! `zhpipe convert`: OpenCC's command line (config names, stdin/stdout, -i/-o), streaming
//! in order on several threads, `run`'s exit codes.

mod common;

use common::*;

#[test]
fn converts_stdin_to_stdout_with_opencc_config_names() {
    for config in ["s2t", "s2t.json", "S2T"] {
        let o = run(&["convert", "-c", config], Some("头发和理发\n".as_bytes()));
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(stdout(&o), "頭髮和理髮\n");
    }
    let o = run(&["convert", "-c", "t2s"], Some("乾燥的頭髮".as_bytes()));
    assert_eq!(stdout(&o), "干燥的头发", "no newline added");
}

#[test]
fn exact_gives_opencc_output_and_default_respects_words() {
    let input = "指明了方向\n这只猫\n".as_bytes();
    let exact = run(&["convert", "-c", "s2t", "--exact"], Some(input));
    assert_eq!(stdout(&exact), "指明瞭方向\n這隻貓\n");
    let words = run(&["convert", "-c", "s2t"], Some(input));
    assert_eq!(stdout(&words), "指明了方向\n這隻貓\n");
}

#[test]
fn unknown_config_exits_2_naming_it() {
    let o = run(&["convert", "-c", "x2y"], Some(b"x"));
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("\"x2y\"") && err.contains("s2twp"), "{err}");
}

#[test]
fn bad_input_exits_1_with_position_and_leaves_output_alone() {
    let dir = tmpdir();
    let out = write(dir.path(), "out.txt", b"before");
    let bad = write(dir.path(), "bad.txt", b"\xe5\xa4\xb4\n\xff\n");
    let o = run(&["convert", "-c", "s2t", "-i", s(&bad), "-o", s(&out)], None);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains(s(&bad)) && err.contains("line 2, column 1 (byte 4)"), "{err}");
    assert_eq!(std::fs::read(&out).unwrap(), b"before", "atomic -o: nothing replaced");
    let missing = dir.path().join("missing.txt");
    let o = run(&["convert", "-c", "s2t", "-i", s(&missing)], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot read"));
    let o = run(&["convert", "-c", "s2t", "-i", s(&out), "-o", s(&out)], None);
    assert_eq!(o.status.code(), Some(2), "output is the input");
}

#[test]
fn large_input_streams_in_order_on_any_number_of_threads() {
    let dir = tmpdir();
    let mut text = String::new();
    for i in 0..60_000 {
        text.push_str(&format!("第{i}行：头发和理发，这里面才会有更多的后来。\n"));
    }
    let input = write(dir.path(), "in.txt", text.as_bytes());
    let one = dir.path().join("one.txt");
    let two = dir.path().join("two.txt");
    let a = run(&["convert", "-c", "s2tw", "-i", s(&input), "-o", s(&one), "-j", "1"], None);
    let b = run(&["convert", "-c", "s2tw", "-i", s(&input), "-o", s(&two), "-j", "2"], None);
    assert_eq!(a.status.code(), Some(0), "{}", stderr(&a));
    assert_eq!(b.status.code(), Some(0), "{}", stderr(&b));
    let (x, y) = (std::fs::read_to_string(&one).unwrap(), std::fs::read_to_string(&two).unwrap());
    assert_eq!(x, y);
    assert_eq!(x.lines().count(), 60_000);
    assert!(x.lines().nth(59_999).unwrap().starts_with("第59999行：頭髮和理髮"));
}
