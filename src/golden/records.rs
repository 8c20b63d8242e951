//! Record goldens (the `emit` records and the audit trail): a reviewable file format, fields
//! left out of the comparison (`--ignore`), and a diff keyed by record, so one removed
//! segment is one change however many later records it renumbers.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use serde_json::Value;
use similar::{Algorithm, DiffOp};

/// Records as a JSON array, one field per line with keys sorted, short arrays of scalars on
/// one line: a changed field is a changed line in `git diff`.
pub(super) fn pretty(records: &[Value]) -> String {
    let mut out = String::from("[");
    for (i, r) in records.iter().enumerate() {
        out.push_str(if i == 0 { "\n  " } else { ",\n  " });
        write_value(&mut out, r, 1);
    }
    out.push_str(if records.is_empty() { "]\n" } else { "\n]\n" });
    out
}

const INLINE_ARRAY_WIDTH: usize = 80;

fn write_value(out: &mut String, v: &Value, depth: usize) {
    let pad = |out: &mut String, d: usize| (0..d).for_each(|_| out.push_str("  "));
    match v {
        Value::Object(map) if !map.is_empty() => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                pad(out, depth + 1);
                out.push_str(&Value::String(k.clone()).to_string());
                out.push_str(": ");
                write_value(out, v, depth + 1);
            }
            out.push('\n');
            pad(out, depth);
            out.push('}');
        }
        Value::Array(items) if !items.is_empty() => {
            let scalars = items.iter().all(|i| !i.is_object() && !i.is_array());
            let inline: Vec<String> = items.iter().map(Value::to_string).collect();
            if scalars && inline.iter().map(|s| s.len() + 2).sum::<usize>() <= INLINE_ARRAY_WIDTH {
                let _ = write!(out, "[{}]", inline.join(", "));
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                pad(out, depth + 1);
                write_value(out, item, depth + 1);
            }
            out.push('\n');
            pad(out, depth);
            out.push(']');
        }
        _ => out.push_str(&v.to_string()),
    }
}

/// The records of a golden or of the pipeline's output: a JSON array, or JSON values one
/// after another (JSONL).
pub(super) fn parse(text: &str) -> Result<Vec<Value>, serde_json::Error> {
    if text.trim_start().starts_with('[') {
        return serde_json::from_str(text);
    }
    serde_json::Deserializer::from_str(text).into_iter::<Value>().collect()
}

/// A field path of `--ignore`: `stats`, `source.sha256`. A key may itself contain dots
/// (`stats.segment.turns` names the key `segment.turns` of `stats`).
pub(super) fn remove_field(v: &mut Value, path: &str) {
    match v {
        Value::Object(map) => {
            if map.remove(path).is_some() {
                return;
            }
            let mut split = path.match_indices('.').map(|(i, _)| i).collect::<Vec<_>>();
            split.reverse();
            for i in split {
                if let Some(inner) = map.get_mut(&path[..i]) {
                    remove_field(inner, &path[i + 1..]);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| remove_field(i, path)),
        _ => {}
    }
}

/// The result of comparing two record lists.
pub(super) struct RecordDiff {
    /// Records removed, added or changed.
    pub changes: usize,
    pub text: String,
}

/// How long one file's alignment may take before it settles for a coarser diff (the
/// algorithm's worst case is quadratic in the number of records).
const DIFF_TIME: Duration = Duration::from_secs(2);

/// Aligns the records on everything but their position field (`seq`), then reports removed
/// and added records whole and changed ones field by field.
pub(super) fn diff(expected: &[Value], actual: &[Value]) -> RecordDiff {
    let identity = |r: &Value| {
        let mut r = r.clone();
        if let Value::Object(m) = &mut r {
            m.remove("seq");
        }
        r.to_string()
    };
    let old: Vec<String> = expected.iter().map(identity).collect();
    let new: Vec<String> = actual.iter().map(identity).collect();
    let deadline = Some(Instant::now() + DIFF_TIME);
    let mut d = RecordDiff { changes: 0, text: String::new() };
    for op in similar::capture_diff_slices_deadline(Algorithm::Myers, &old, &new, deadline) {
        match op {
            DiffOp::Equal { .. } => {}
            DiffOp::Delete { old_index, old_len, .. } => {
                expected[old_index..old_index + old_len].iter().for_each(|r| d.whole('-', r));
            }
            DiffOp::Insert { new_index, new_len, .. } => {
                actual[new_index..new_index + new_len].iter().for_each(|r| d.whole('+', r));
            }
            DiffOp::Replace { old_index, old_len, new_index, new_len } => d.replaced(
                &expected[old_index..old_index + old_len],
                &actual[new_index..new_index + new_len],
            ),
        }
    }
    d
}

impl RecordDiff {
    fn whole(&mut self, sign: char, r: &Value) {
        self.changes += 1;
        let what = if sign == '-' { "removed" } else { "added" };
        let _ = writeln!(self.text, "{sign} {what} {}", label(r));
        for (path, value) in flatten(r) {
            if path != "seq" && !is_empty(&value) {
                let _ = writeln!(self.text, "    {sign} {path}: {value}");
            }
        }
    }

    /// A run of records that all differ: pairs that stand for the same thing (the same
    /// source span, or the same position when the counts agree) are changes; the rest were
    /// removed or added.
    fn replaced(&mut self, old: &[Value], new: &[Value]) {
        if old.len() == new.len() {
            old.iter().zip(new).for_each(|(o, n)| self.changed(o, n));
            return;
        }
        let anchor = |r: &Value| anchor(r).map_or_else(String::new, |v| v.to_string());
        let ok: Vec<String> = old.iter().map(anchor).collect();
        let nk: Vec<String> = new.iter().map(anchor).collect();
        for op in similar::capture_diff_slices(Algorithm::Myers, &ok, &nk) {
            let (o, n) = (&old[op.old_range()], &new[op.new_range()]);
            match op {
                DiffOp::Equal { .. } => o.iter().zip(n).for_each(|(o, n)| self.changed(o, n)),
                _ if o.len() == n.len() => o.iter().zip(n).for_each(|(o, n)| self.changed(o, n)),
                _ => {
                    o.iter().for_each(|r| self.whole('-', r));
                    n.iter().for_each(|r| self.whole('+', r));
                }
            }
        }
    }

    fn changed(&mut self, old: &Value, new: &Value) {
        self.changes += 1;
        let (ol, nl) = (label(old), label(new));
        if ol == nl {
            let _ = writeln!(self.text, "~ changed {ol}");
        } else {
            let _ = writeln!(self.text, "~ changed {ol} (now {nl})");
        }
        let (of, nf) = (flatten(old), flatten(new));
        let (mut i, mut j) = (0, 0);
        // Both lists are sorted by path.
        while i < of.len() || j < nf.len() {
            let order = match (of.get(i), nf.get(j)) {
                (Some(a), Some(b)) => a.0.cmp(&b.0),
                (Some(_), None) => std::cmp::Ordering::Less,
                _ => std::cmp::Ordering::Greater,
            };
            match order {
                std::cmp::Ordering::Equal => {
                    let ((path, a), (_, b)) = (&of[i], &nf[j]);
                    if a != b && path != "seq" {
                        let _ = writeln!(self.text, "    {path}:\n      - {a}\n      + {b}");
                    }
                    (i, j) = (i + 1, j + 1);
                }
                std::cmp::Ordering::Less => {
                    let _ = writeln!(self.text, "    {}:\n      - {}", of[i].0, of[i].1);
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    let _ = writeln!(self.text, "    {}:\n      + {}", nf[j].0, nf[j].1);
                    j += 1;
                }
            }
        }
    }
}

/// What stands for a record's place in its document when its content changed: its source
/// span (`source.lines` of a segment, `lines` of an audit entry).
fn anchor(r: &Value) -> Option<&Value> {
    r.pointer("/source/lines").or_else(|| r.get("lines")).or_else(|| r.get("type"))
}

/// `segment seq 12 (lines 30-31)`, `document`, `audit strip wechat.author (lines 3-3)`.
fn label(r: &Value) -> String {
    let mut s = match (r.get("type"), r.get("stage"), r.get("rule")) {
        (Some(Value::String(t)), _, _) => t.clone(),
        (_, Some(Value::String(stage)), Some(Value::String(rule))) => format!("{stage} {rule}"),
        _ => "record".to_owned(),
    };
    if let Some(seq) = r.get("seq") {
        let _ = write!(s, " seq {seq}");
    }
    if let Some(Value::Array(span)) = anchor(r) {
        if let [a, b] = span.as_slice() {
            let _ = write!(s, " (lines {a}-{b})");
        }
    }
    s
}

/// Every scalar (and empty container) of a record with its dotted path, sorted by path.
fn flatten(v: &Value) -> Vec<(String, String)> {
    fn walk(v: &Value, path: &mut String, out: &mut Vec<(String, String)>) {
        let len = path.len();
        match v {
            Value::Object(m) if !m.is_empty() => {
                for (k, v) in m {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                    walk(v, path, out);
                    path.truncate(len);
                }
            }
            Value::Array(a) if !a.is_empty() => {
                for (i, v) in a.iter().enumerate() {
                    let _ = write!(path, "[{i}]");
                    walk(v, path, out);
                    path.truncate(len);
                }
            }
            _ => out.push((path.clone(), v.to_string())),
        }
    }
    let mut out = Vec::new();
    walk(v, &mut String::new(), &mut out);
    out.sort();
    out
}

fn is_empty(value: &str) -> bool {
    matches!(value, "null" | "[]" | "{}" | "\"\"")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn seg(seq: u64, line: u64, text: &str) -> Value {
        json!({"type": "segment", "seq": seq, "zh_hans": text, "source": {"lines": [line, line]}})
    }

    #[test]
    fn one_removed_segment_is_one_change_however_many_it_renumbers() {
        let old: Vec<Value> = (0..10).map(|i| seg(i, i + 1, &format!("第{i}段"))).collect();
        let mut new = old.clone();
        new.remove(3);
        for (i, r) in new.iter_mut().enumerate() {
            r["seq"] = json!(i);
        }
        let d = diff(&old, &new);
        assert_eq!(d.changes, 1, "{}", d.text);
        assert!(d.text.starts_with("- removed segment seq 3 (lines 4-4)\n"), "{}", d.text);
        assert!(d.text.contains("    - zh_hans: \"第3段\""), "{}", d.text);
    }

    #[test]
    fn a_changed_field_is_reported_with_both_values() {
        let old = vec![json!({"type": "document", "stats": {"a": 1}}), seg(0, 1, "甲")];
        let new = vec![json!({"type": "document", "stats": {"a": 2}}), seg(0, 1, "乙")];
        let d = diff(&old, &new);
        assert_eq!(d.changes, 2, "{}", d.text);
        assert!(
            d.text.contains("~ changed document\n    stats.a:\n      - 1\n      + 2\n"),
            "{}",
            d.text
        );
        assert!(d.text.contains("    zh_hans:\n      - \"甲\"\n      + \"乙\"\n"), "{}", d.text);
    }

    #[test]
    fn pretty_files_parse_back_to_the_same_records() {
        let records = vec![
            json!({"type": "document", "source": {"lines": [1, 2], "path": "a/b.txt"}, "e": [], "o": {}}),
            json!({"en": [{"text": "x", "confidence": 0.5}], "t": "引号\"\n"}),
        ];
        let text = pretty(&records);
        assert!(text.contains("\n      \"lines\": [1, 2],\n"), "{text}");
        assert_eq!(parse(&text).unwrap(), records);
        let jsonl: String = records.iter().map(|r| format!("{r}\n")).collect();
        assert_eq!(parse(&jsonl).unwrap(), records);
    }

    #[test]
    fn ignored_fields_are_removed_at_any_depth_and_keys_may_hold_dots() {
        let mut v = json!([{"stats": {"segment.turns": 3, "x": 1}, "source": {"sha256": "ab", "path": "p"}}]);
        remove_field(&mut v, "source.sha256");
        remove_field(&mut v, "stats.segment.turns");
        assert_eq!(v, json!([{"stats": {"x": 1}, "source": {"path": "p"}}]));
    }
}
