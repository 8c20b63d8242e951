//! segment: turn counts and speakers on the corpus, other label formats, and the same
//! interview in two formats giving the same turns.

mod common;

use std::collections::BTreeMap;

use serde_json::Value;
use zhpipe::Pipeline;

fn segments(path: &str) -> Vec<Value> {
    let bytes = std::fs::read(path).unwrap();
    let out = Pipeline::builtin().unwrap().process_bytes(path, bytes).unwrap();
    common::records(&out.jsonl()).into_iter().filter(|r| r["type"] == "segment").collect()
}

fn seed_segments(prefix: &str) -> Vec<Value> {
    segments(common::seed(prefix).to_str().unwrap())
}

/// (speaker id, role) → number of turns.
fn turn_counts(segs: &[Value]) -> BTreeMap<(String, String), usize> {
    let mut m = BTreeMap::new();
    for s in segs.iter().filter(|s| s["kind"] == "turn") {
        let key = (
            s["speaker"]["id"].as_str().unwrap().to_owned(),
            s["speaker"]["role"].as_str().unwrap().to_owned(),
        );
        *m.entry(key).or_insert(0) += 1;
    }
    m
}

fn counts(pairs: &[(&str, &str, usize)]) -> BTreeMap<(String, String), usize> {
    pairs.iter().map(|(id, role, n)| ((id.to_string(), role.to_string()), *n)).collect()
}

#[test]
fn wechat_transcript_has_23_host_and_23_musk_turns() {
    let segs = seed_segments("000_");
    assert_eq!(turn_counts(&segs), counts(&[("elon-musk", "guest", 23), ("host", "host", 23)]));
    let musk = segs.iter().find(|s| s["speaker"]["id"] == "elon-musk").unwrap();
    assert_eq!(musk["speaker"]["zh_hans"], "马斯克");
    assert_eq!(musk["speaker"]["zh_hant"], "馬斯克");
    assert_eq!(musk["speaker"]["en"], "Elon Musk");
    // Turns carry their section.
    assert!(musk["section"]["zh_hans"].as_str().unwrap().contains("Starship"), "{musk}");
}

#[test]
fn hk_transcript_has_26_mark_penn_and_26_musk_turns() {
    let segs = seed_segments("001_");
    assert_eq!(
        turn_counts(&segs),
        counts(&[("elon-musk", "guest", 26), ("mark-penn", "host", 26)])
    );
    let highlights = segs.iter().filter(|s| s["kind"] == "highlight").count();
    assert_eq!(highlights, 8, "以下是採訪亮點 items 1-8");
}

#[test]
fn netease_transcript_turns_match_the_labels_in_the_file() {
    let path = common::seed("002_");
    let text = std::fs::read_to_string(&path).unwrap();
    let labels = |name: &str| text.lines().filter(|l| l.trim() == format!("{name}:")).count();
    let segs = segments(path.to_str().unwrap());
    let got = turn_counts(&segs);
    let by_id = |id: &str| got.iter().filter(|((i, _), _)| i == id).map(|(_, n)| *n).sum::<usize>();
    assert_eq!(by_id("elon-musk"), labels("埃隆·馬斯克"));
    assert_eq!(by_id("dwarkesh-patel"), labels("德瓦克什·帕特爾"));
    assert_eq!(by_id("john-collison"), labels("約翰·科里森"));
    assert!(by_id("elon-musk") > 100);
}

#[test]
fn qa_bracket_and_inline_formats() {
    let qa = segments("corpus/formats/qa_wenda.txt");
    assert_eq!(turn_counts(&qa), counts(&[("answer", "guest", 3), ("question", "host", 3)]));
    let narration = qa.last().unwrap();
    assert_eq!(narration["kind"], "paragraph", "黄仁勋说：… is narration, not a turn");
    assert!(qa.iter().any(|s| s["kind"] == "turn" && s["directions"][0] == "笑"));

    let latin = segments("corpus/formats/qa_latin.txt");
    assert_eq!(turn_counts(&latin), counts(&[("answer", "guest", 4), ("question", "host", 3)]));

    let bracket = segments("corpus/formats/bracket.txt");
    assert_eq!(turn_counts(&bracket), counts(&[("elon-musk", "guest", 2), ("host", "host", 3)]));
    assert!(
        bracket[3]["zh_hans"].as_str().unwrap().contains('\n'),
        "a two-paragraph turn keeps its break"
    );

    let inline = segments("corpus/formats/inline_colon.txt");
    assert_eq!(
        turn_counts(&inline),
        counts(&[("elon-musk", "guest", 3), ("host", "host", 2), ("mark-penn", "host", 1)])
    );
    assert_eq!(inline[0]["kind"], "heading", "the title line");
    assert_eq!(
        inline[1]["kind"], "paragraph",
        "马斯克说： and 其计划： inside narration are not turns"
    );
}

#[test]
fn the_same_interview_in_two_formats_gives_the_same_turns() {
    let turns = |path: &str| -> Vec<(String, String)> {
        segments(path)
            .iter()
            .filter(|s| s["kind"] == "turn")
            .map(|s| {
                (
                    s["speaker"]["id"].as_str().unwrap().to_owned(),
                    s["zh_hans"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let a = turns("corpus/formats/same_interview_bold.md");
    let b = turns("corpus/formats/same_interview_lines.txt");
    assert_eq!(a.len(), 4);
    assert_eq!(a, b);
}

#[test]
fn a_seed_rewritten_in_another_label_format_gives_the_same_turns() {
    // 001 puts each label alone on a line; the same interview with `**Name：** words` labels.
    let path = common::seed("001_");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut rewritten = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let label = matches!(line.trim(), "Mark Penn:" | "馬斯克:");
        match (label, lines.peek()) {
            (true, Some(next)) => {
                rewritten.push_str(&format!(
                    "**{}：** {}\n",
                    line.trim().trim_end_matches(':'),
                    next
                ));
                lines.next();
            }
            _ => {
                rewritten.push_str(line);
                rewritten.push('\n');
            }
        }
    }
    let dir = common::tmpdir();
    let other = common::write(dir.path(), "bold.txt", rewritten.as_bytes());
    let speakers = |segs: Vec<Value>| -> Vec<String> {
        segs.iter()
            .filter(|s| s["kind"] == "turn")
            .map(|s| s["speaker"]["id"].to_string())
            .collect()
    };
    assert_eq!(
        speakers(segments(path.to_str().unwrap())),
        speakers(segments(other.to_str().unwrap()))
    );
}

#[test]
fn repeated_sentences_inside_a_turn_are_kept_once_and_audited() {
    let text = "主持人：你是否确定了一些你认为会成功的削减措施？\n虽然没有持续很长时间。你是否确定了一些你认为会成功的削减措施？\n马斯克：是的。\n";
    let out = Pipeline::builtin().unwrap().process_bytes("dup.txt", text.as_bytes()).unwrap();
    let recs = common::records(&out.jsonl());
    let host = &recs[1];
    assert_eq!(host["zh_hans"].as_str().unwrap().matches("削减措施").count(), 1, "{host}");
    assert!(out.audit_jsonl().contains("segment.duplicate-sentence"));
}

/// A person the registry does not know, glossed once in the text (`杰弗里·辛顿（Geoffrey
/// Hinton）`), is one speaker whether the label is the short name, the Traditional one or the
/// English one, with an id from the English name.
#[test]
fn a_speaker_glossed_in_the_text_is_one_person_across_scripts_and_languages() {
    let dir = common::tmpdir();
    let text = "图灵奖得主、多伦多大学教授杰弗里·辛顿（Geoffrey Hinton）接受了采访。\n\
                主持人：您为什么离开谷歌？\n\
                辛顿：因为我想自由地谈论AI的风险。\n\
                主持人：您担心什么？\n\
                辛頓：我擔心我們會失去控制。\n\
                主持人：还有别的吗？\n\
                Geoffrey Hinton: We need more research on safety.\n";
    let path = common::write(dir.path(), "hinton.txt", text.as_bytes());
    let segs = segments(path.to_str().unwrap());
    let guests: Vec<&Value> =
        segs.iter().filter(|s| s["kind"] == "turn" && s["speaker"]["role"] == "guest").collect();
    assert_eq!(guests.len(), 3, "{segs:#?}");
    for g in &guests {
        assert_eq!(g["speaker"]["id"], "geoffrey-hinton");
        assert_eq!(g["speaker"]["en"], "Geoffrey Hinton");
        assert_eq!(g["speaker"]["zh_hans"], "杰弗里·辛顿");
        assert_eq!(g["speaker"]["zh_hant"], "傑弗裡·辛頓", "Taiwan standard, like all zh_hant");
    }
}

/// The lines move into the segments rather than being copied: none is left behind in the
/// document. (What the segments hold is checked by the golden files of `segment`.)
#[test]
fn segment_moves_the_lines_into_the_segments() {
    use zhpipe::StageKind;
    let pipeline = Pipeline::builtin().unwrap();
    for prefix in ["000_", "001_", "003_"] {
        let path = common::seed(prefix);
        let bytes = std::fs::read(&path).unwrap();
        let name = path.to_str().unwrap();
        let before = pipeline.process_until(name, bytes.clone(), StageKind::Normalize).unwrap();
        let after = pipeline.process_until(name, bytes, StageKind::Segment).unwrap();
        assert!(!before.lines.is_empty() && after.lines.is_empty(), "{prefix}");
        let kept: usize = after.segments.iter().map(|s| s.lines.len()).sum();
        let given = before.lines.iter().filter(|l| !l.is_blank()).count();
        assert!(kept * 2 > given && kept <= given, "{prefix}: {kept} lines of {given}");
    }
}
