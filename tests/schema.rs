//! Every record the corpus produces validates against `schema/zhpipe-v1.schema.json`, and
//! the schema rejects records that break it (so this test can fail).

mod common;

use serde_json::{json, Value};

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
