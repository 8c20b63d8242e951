//! Human-readable and JSONL renderings of a document at any stage: used by
//! `--until STAGE --format text`, by the golden files and by `--audit`.

use std::fmt::Write;

use serde::Serialize;

use crate::document::{AuditEntry, Document, Segment};
use crate::stage_kind::StageKind;

/// The document as text right after `stage`: the lines before segmentation, one block per
/// segment after it, the JSONL records after `emit`.
pub fn text_after(doc: &Document, stage: StageKind) -> String {
    match stage {
        StageKind::Segment => segments_text(doc),
        StageKind::Emit => doc.jsonl().into_owned(),
        _ => {
            let mut t = doc.text();
            t.push('\n');
            t
        }
    }
}

fn segments_text(doc: &Document) -> String {
    let mut out = String::new();
    for (seq, seg) in doc.segments.iter().enumerate() {
        segment_header(&mut out, seq, seg);
        for line in &seg.lines {
            out.push_str(&line.text);
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

fn segment_header(out: &mut String, seq: usize, seg: &Segment) {
    let kind = serde_json::to_value(seg.kind).ok().and_then(|v| v.as_str().map(str::to_owned));
    let _ = write!(out, "[{seq} {} L{}-{}", kind.unwrap_or_default(), seg.src.first, seg.src.last);
    if let Some(sp) = &seg.speaker {
        let _ = write!(out, " speaker={}", sp.id);
        if let Some(role) = &sp.role {
            let _ = write!(out, "/{role}");
        }
    }
    if let Some(sec) = &seg.section {
        let _ = write!(out, " section={}", sec.zh_hans);
    }
    if !seg.directions.is_empty() {
        let _ = write!(out, " directions={}", seg.directions.join(","));
    }
    out.push_str("]\n");
}

#[derive(Serialize)]
struct AuditRecord<'a> {
    doc_id: &'a str,
    #[serde(flatten)]
    entry: &'a AuditEntry,
}

/// One JSON line per audit entry, tagged with the document id.
pub fn audit_jsonl(doc: &Document) -> String {
    let mut out = String::new();
    for entry in &doc.audit {
        let rec = AuditRecord { doc_id: &doc.id, entry };
        out.push_str(&serde_json::to_string(&rec).expect("audit entries serialise"));
        out.push('\n');
    }
    out
}
