//! [`Report`] for people (summary and diffs) and for CI systems (JSON, JUnit XML).

use std::fmt::Write as _;

use super::{Report, Status};

/// Lines of one file's diff shown to people; the JSON and JUnit reports keep all of it.
const SHOWN_DIFF_LINES: usize = 400;

impl Report {
    /// Every difference with its diff, then the summary line.
    pub fn human(&self, golden_dir: &str) -> String {
        let mut out = String::new();
        for doc in &self.documents {
            for f in &doc.files {
                let stage = f.stage.name();
                match &f.status {
                    Status::Same => {}
                    Status::Missing => {
                        let _ = writeln!(
                            out,
                            "missing  {} [{stage}]: no {golden_dir}/{}",
                            doc.id, f.golden
                        );
                    }
                    Status::Changed { changes, diff } => {
                        let s = if *changes == 1 { "" } else { "s" };
                        let _ = writeln!(
                            out,
                            "changed  {} [{stage}]: {changes} change{s} against {golden_dir}/{}",
                            doc.id, f.golden
                        );
                        let lines: Vec<&str> = diff.lines().collect();
                        for line in lines.iter().take(SHOWN_DIFF_LINES) {
                            let _ = writeln!(out, "  {line}");
                        }
                        if lines.len() > SHOWN_DIFF_LINES {
                            let more = lines.len() - SHOWN_DIFF_LINES;
                            let _ = writeln!(out, "  … {more} more lines (--report json has all)");
                        }
                    }
                }
            }
        }
        for s in &self.stale {
            let _ = writeln!(out, "stale    {golden_dir}/{s}: no corpus document makes it");
        }
        out.push_str(&self.summary());
        out.push('\n');
        out
    }

    /// `golden check: 21 documents checked, 1 changed, 0 missing, 2 stale (0.41 s)`.
    pub fn summary(&self) -> String {
        let verdict = if self.passed() { "ok" } else { "FAILED" };
        format!(
            "golden check {verdict}: {} documents checked, {} changed, {} missing, {} stale ({:.2} s)",
            self.documents.len(),
            self.changed(),
            self.missing(),
            self.stale.len(),
            self.seconds
        )
    }

    /// The report as one JSON object.
    pub fn json(&self) -> String {
        let mut v = serde_json::to_value(self).expect("reports serialise");
        v["checked"] = self.documents.len().into();
        v["changed"] = self.changed().into();
        v["missing"] = self.missing().into();
        v["passed"] = self.passed().into();
        let mut s = serde_json::to_string_pretty(&v).expect("reports serialise");
        s.push('\n');
        s
    }

    /// One test case per document and golden file, one per stale file.
    pub fn junit(&self) -> String {
        let mut cases = String::new();
        let (mut tests, mut failures) = (0, 0);
        for doc in &self.documents {
            for f in &doc.files {
                tests += 1;
                let _ = write!(
                    cases,
                    "    <testcase classname=\"golden.{}\" name=\"{}\" file=\"{}\"",
                    f.stage.name(),
                    xml(&doc.id),
                    xml(&doc.path)
                );
                let (message, body) = match &f.status {
                    Status::Same => {
                        cases.push_str("/>\n");
                        continue;
                    }
                    Status::Missing => (format!("missing golden {}", f.golden), String::new()),
                    Status::Changed { changes, diff } => {
                        (format!("{changes} change(s) against {}", f.golden), diff.clone())
                    }
                };
                failures += 1;
                let _ = writeln!(
                    cases,
                    ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                    xml(&message),
                    xml(&body)
                );
            }
        }
        for s in &self.stale {
            tests += 1;
            failures += 1;
            let _ = writeln!(
                cases,
                "    <testcase classname=\"golden.stale\" name=\"{}\">\n      <failure \
                 message=\"stale golden: no corpus document makes it\"/>\n    </testcase>",
                xml(s)
            );
        }
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite \
             name=\"zhpipe golden\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" \
             time=\"{:.3}\">\n{cases}  </testsuite>\n</testsuites>\n",
            self.seconds
        )
    }
}

/// Text as XML character data or attribute value; characters XML 1.0 cannot hold at all
/// (most C0 controls) become U+FFFD.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' | '\t' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}
