//! decode: the same text in any supported encoding gives the same records.

mod common;

use encoding_rs::{Encoding, BIG5, GB18030, GBK};
use serde_json::Value;
use zhpipe::Pipeline;

fn process(name: &str, bytes: Vec<u8>) -> Vec<Value> {
    let out = Pipeline::builtin().unwrap().process_bytes(name, bytes).unwrap();
    common::records(&out.jsonl())
}

/// Records with the byte-level facts (`source`) set aside, and the source separately.
fn split(mut recs: Vec<Value>) -> (Vec<Value>, Value) {
    let source = recs[0].as_object_mut().unwrap().remove("source").unwrap();
    (recs, source)
}

fn encode(enc: &'static Encoding, text: &str) -> Vec<u8> {
    let (bytes, _, had_errors) = enc.encode(text);
    assert!(!had_errors, "test text must be representable in {}", enc.name());
    bytes.into_owned()
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(if big_endian { &[0xFE, 0xFF] } else { &[0xFF, 0xFE] });
    }
    for unit in text.encode_utf16() {
        out.extend_from_slice(&if big_endian { unit.to_be_bytes() } else { unit.to_le_bytes() });
    }
    out
}

/// Lines of a seed that `enc` can represent (Big5 lacks Simplified and some HK forms).
fn representable(text: &str, enc: &'static Encoding) -> String {
    text.lines().filter(|l| !enc.encode(l).2).collect::<Vec<_>>().join("\n") + "\n"
}

fn assert_same(text: &str, variants: Vec<(&str, Vec<u8>)>) {
    let (reference, _) = split(process("doc.txt", text.as_bytes().to_vec()));
    assert!(reference.len() > 5, "the text yields segments");
    for (expected_encoding, bytes) in variants {
        let (recs, source) = split(process("doc.txt", bytes));
        assert_eq!(source["encoding"], expected_encoding);
        assert!(source["confidence"].as_f64().unwrap() > 0.5, "{expected_encoding}: {source}");
        assert_eq!(recs, reference, "records differ for {expected_encoding}");
    }
}

#[test]
fn simplified_text_in_utf8_gb18030_gbk_and_utf16_gives_identical_records() {
    let text = std::fs::read_to_string(common::seed("000_")).unwrap();
    assert!(text.contains('🌟'), "needs a character outside GBK to exercise GB18030");
    let gbk_text = representable(&text, GBK);
    assert_same(
        &text,
        vec![
            ("GB18030", encode(GB18030, &text)),
            ("UTF-16LE", utf16(&text, false, true)),
            ("UTF-16BE", utf16(&text, true, true)),
            ("UTF-16LE", utf16(&text, false, false)),
            ("UTF-16BE", utf16(&text, true, false)),
        ],
    );
    assert_same(&gbk_text, vec![("GBK", encode(GBK, &gbk_text))]);
}

#[test]
fn traditional_text_in_big5_gives_identical_records() {
    let text = std::fs::read_to_string(common::seed("001_")).unwrap();
    let big5_text = representable(&text, BIG5);
    assert!(big5_text.lines().count() > 100, "most of the seed is Big5-representable");
    assert_same(
        &big5_text,
        vec![("Big5", encode(BIG5, &big5_text)), ("GBK", encode(GBK, &big5_text))],
    );
}

#[test]
fn a_bom_is_removed_and_crlf_becomes_lf() {
    let text = "标题\r\n第一段。\r\n第二段。\r\n";
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(text.as_bytes());
    let (recs, source) = split(process("bom.txt", bytes));
    let (plain, _) = split(process("bom.txt", text.replace("\r\n", "\n").into_bytes()));
    assert_eq!(source["encoding"], "UTF-8");
    assert_eq!(recs, plain);
}
