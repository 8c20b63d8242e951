//! Every record the corpus produces validates against `schema/zhpipe-v1.schema.json`, and
//! the schema rejects records that break it (so this test can fail).

mod common;

use std::collections::BTreeSet;

use serde_json::{json, Value};
use zhpipe::records::{DocumentRecord, RepairSummary, SegmentRecord, TextRecord};
use zhpipe::StageKind;

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string("schema/zhpipe-v1.schema.json").unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).expect("the schema is valid JSON Schema")
}

fn corpus_records() -> Vec<Value> {
    records_of(&["run", "corpus", "--quiet"])
}

fn records_of(args: &[&str]) -> Vec<Value> {
    let o = common::run(args, None);
    assert!(o.status.success(), "{}", common::stderr(&o));
    common::records(&common::stdout(&o))
}

#[test]
fn corpus_records_follow_the_schema() {
    let v = validator();
    let recs = corpus_records();
    assert!(recs.len() > 50);
    for r in &recs {
        let errors: Vec<String> =
            v.iter_errors(r).map(|e| format!("{e} at {}", e.instance_path)).collect();
        assert!(errors.is_empty(), "{r}\n{}", errors.join("\n"));
    }
}

#[test]
fn records_with_tokens_follow_the_schema() {
    let v = validator();
    let recs = records_of(&["run", "corpus", "--quiet", "--pipeline", "pipelines/tokens.toml"]);
    let segs: Vec<&Value> = recs.iter().filter(|r| r["type"] == "segment").collect();
    assert!(segs.len() > 50 && segs.iter().all(|s| s["tokens"].is_array()));
    for r in &recs {
        assert!(v.is_valid(r), "{r}");
    }
    assert!(!v.is_valid(&with(segs[0], "tokens", json!([1, 2]))));
    assert!(!v.is_valid(&with(segs[0], "tokens", json!(["", "词"]))));
}

#[test]
fn the_schema_rejects_broken_records() {
    let v = validator();
    let recs = corpus_records();
    let doc = recs.iter().find(|r| r["type"] == "document").unwrap().clone();
    let seg = recs.iter().find(|r| r["type"] == "segment").unwrap().clone();
    let broken: Vec<(&str, Value)> = vec![
        ("missing doc_id", without(&doc, "doc_id")),
        ("bad published", with(&doc, "published", json!("yesterday"))),
        ("bad kind", with(&seg, "kind", json!("banner"))),
        ("lines not a pair", with(&seg, "source", json!({"lines": [1]}))),
        ("unknown key", with(&seg, "colour", json!("red"))),
    ];
    for (what, rec) in broken {
        assert!(!v.is_valid(&rec), "schema accepted a record with {what}");
    }
}

/// The schema lists exactly the fields of each record type of `zhpipe::records`, and a
/// record with every optional field present validates: a field added to a type and not to
/// the schema (or the other way round) fails here.
#[test]
fn the_schema_lists_the_fields_of_the_record_types() {
    let v = validator();
    let text = std::fs::read_to_string("schema/zhpipe-v1.schema.json").unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    let recs = records_of(&["run", "corpus", "--quiet", "--pipeline", "pipelines/tokens.toml"]);
    let first = |ty: &str| recs.iter().find(|r| r["type"] == ty).unwrap().clone();
    let doc: DocumentRecord = serde_json::from_value(first("document")).unwrap();
    let mut seg: SegmentRecord = serde_json::from_value(first("segment")).unwrap();
    seg.repair = Some(RepairSummary {
        edits: 1,
        min_confidence: serde_json::Number::from_f64(0.5).unwrap(),
        low_confidence: true,
    });
    seg.tokens.get_or_insert_with(|| vec!["词".into()]);
    let text = TextRecord {
        doc_id: "a".into(),
        stage: StageKind::Strip,
        text: "正文".into(),
        ty: "text".into(),
    };
    let typed = [
        ("document", serde_json::to_value(&doc).unwrap()),
        ("segment", serde_json::to_value(&seg).unwrap()),
        ("text", serde_json::to_value(&text).unwrap()),
    ];
    for (name, rec) in typed {
        let fields: BTreeSet<&String> = rec.as_object().unwrap().keys().collect();
        let listed: BTreeSet<&String> =
            schema["$defs"][name]["properties"].as_object().unwrap().keys().collect();
        assert_eq!(fields, listed, "{name}: the type's fields, then the schema's");
        assert!(v.is_valid(&rec), "{name}: {rec}");
    }
}

/// A run that stops before emit writes one text record per document, as the schema and
/// `TextRecord` describe it.
#[test]
fn text_records_follow_the_schema() {
    let v = validator();
    let recs = records_of(&["run", "corpus", "--quiet", "--until", "strip", "--format", "jsonl"]);
    assert!(recs.len() > 50);
    for r in &recs {
        assert!(v.is_valid(r), "{r}");
        let t: TextRecord = serde_json::from_value(r.clone()).unwrap();
        assert_eq!(t.stage, StageKind::Strip);
    }
    assert!(!v.is_valid(&with(&recs[0], "stage", json!("emit"))));
}

fn with(rec: &Value, key: &str, value: Value) -> Value {
    let mut r = rec.clone();
    r[key] = value;
    r
}

fn without(rec: &Value, key: &str) -> Value {
    let mut r = rec.clone();
    r.as_object_mut().unwrap().remove(key);
    r
}
