//! Code blocks (an HTML `<pre>`, a markdown fenced block) come out as one segment of kind
//! `code`, exactly as written: no heading, no turn, no script conversion, no punctuation
//! normalisation, nothing stripped.

mod common;

use serde_json::Value;
use zhpipe::Pipeline;

fn segments(name: &str, text: &str) -> Vec<Value> {
    let out = Pipeline::builtin().unwrap().process_bytes(name, text.as_bytes().to_vec()).unwrap();
    common::records(&out.jsonl()).into_iter().filter(|r| r["type"] == "segment").collect()
}

/// A listing whose lines bait every stage: a lone `return` (a heading, by its shape), a
/// comment naming furniture (`关注公众号`), `if not data:` (a label, by its shape), Chinese
/// strings with ASCII punctuation, a Traditional string, and indentation.
const CODE: [&str; 7] = [
    "# 关注公众号，点击阅读原文",
    "def parse():",
    "    data = client.lpop('test')",
    "    if not data:",
    "        return",
    "    print(\"你好,世界(测试)\")",
    "    print('這裡是繁體')",
];

fn check(segs: &[Value]) {
    let code: Vec<&Value> = segs.iter().filter(|s| s["kind"] == "code").collect();
    assert_eq!(code.len(), 1, "one code segment: {segs:#?}");
    let want = CODE.join("\n");
    assert_eq!(code[0]["zh_hans"], want.as_str());
    assert_eq!(code[0]["zh_hant"], want.as_str());
    assert!(code[0]["speaker"].is_null());
    for s in segs.iter().filter(|s| s["kind"] != "code") {
        let text = s["zh_hans"].as_str().or(s["en"][0]["en"].as_str()).unwrap_or_default();
        for line in CODE {
            assert!(!text.contains(line.trim()), "code outside the code segment: {s}");
        }
    }
    // The prose around the listing is still converted and normalised.
    assert!(segs.iter().any(|s| s["zh_hant"].as_str().is_some_and(|t| t.contains("說明"))));
}

#[test]
fn an_html_pre_block_is_one_code_segment_as_written() {
    let body: String = CODE
        .iter()
        .map(|l| {
            l.replace('&', "&amp;").replace('<', "&lt;").replace("    ", "&nbsp;&nbsp;&nbsp;&nbsp;")
        })
        .collect::<Vec<_>>()
        .join("<br>");
    let page = format!(
        "<!DOCTYPE html><html><head><title>用 Python 读 Redis</title></head><body><article>\
         <p>下面的说明很长，是一段足够长的中文文字，用来测试正文抽取，示例代码如下：</p>\
         <pre><code><span>{body}</span></code></pre>\
         <p>这段代码从 Redis 读取数据，写入 MongoDB，读完就返回，说明到此为止。</p>\
         </article></body></html>"
    );
    check(&segments("page.html", &page));
}

#[test]
fn a_markdown_fenced_block_is_one_code_segment_as_written() {
    let text = format!(
        "# 用 Python 读 Redis\n\n记者：下面的说明是什么？\n\n张三：示例代码如下。\n\n```python\n{}\n```\n\n记者：明白了。\n",
        CODE.join("\n")
    );
    let segs = segments("post.md", &text);
    check(&segs);
    // The listing ends the speaker's turn and no turn takes its lines.
    assert!(segs
        .iter()
        .filter(|s| s["kind"] == "turn")
        .all(|s| !s["zh_hans"].as_str().unwrap_or_default().contains("def ")));
}
