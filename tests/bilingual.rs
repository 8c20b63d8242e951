//! Bilingual records: every segment of the corpus is consistent across scripts, and the same
//! sentence in HK, TW and Simplified input gives the same Simplified text.

mod common;

use std::collections::HashSet;

use serde_json::Value;
use zhpipe::convert::{Config, Converter, DictId};
use zhpipe::Pipeline;

fn corpus_segments() -> Vec<Value> {
    let o = common::run(&["run", "corpus", "--quiet"], None);
    assert!(o.status.success(), "{}", common::stderr(&o));
    // corpus/real (articles written by others, judged by tests/real.rs) is left out: its
    // conversion findings are tracked there, not as an invariant of the project's own corpus.
    common::records(&common::stdout(&o))
        .into_iter()
        .filter(|r| r["type"] == "segment")
        .filter(|r| {
            !r["doc_id"]
                .as_str()
                .is_some_and(|id| id.starts_with("real/") || id.starts_with("html/"))
        })
        .collect()
}

/// Characters that only Traditional text uses: converted by t2s, and never the result of a
/// conversion to Simplified nor a Simplified character with its own entry.
fn traditional_only() -> HashSet<char> {
    let single = |d: DictId| -> Vec<(char, String)> {
        d.entries()
            .iter()
            .filter_map(|(k, v)| {
                let mut ks = k.chars();
                let c = ks.next()?;
                ks.next().is_none().then(|| (c, v.to_string()))
            })
            .collect()
    };
    let simplified: HashSet<char> = single(DictId::TsCharacters)
        .iter()
        .flat_map(|(_, v)| v.split(' ').filter_map(|s| s.chars().next()))
        .chain(single(DictId::StCharacters).iter().map(|(k, _)| *k))
        .collect();
    single(DictId::TsCharacters)
        .into_iter()
        .map(|(k, _)| k)
        .filter(|k| !simplified.contains(k))
        .collect()
}

#[test]
fn zh_hant_converts_back_to_zh_hans_and_zh_hans_is_simplified() {
    // zh_hant is Taiwan-standard (the default), so Taiwan → Simplified converts it back,
    // except where OpenCC 1.4 maps a phrase one way only (想象 → 想像, itself Simplified too):
    // there zh_hant must read back as zh_hans's own Traditional form does.
    let t2s = Converter::get(Config::Tw2s);
    let s2tw = Converter::get(Config::S2tw);
    let trad_only = traditional_only();
    assert!(trad_only.contains(&'國') && !trad_only.contains(&'国'));
    let mut checked = 0;
    let mut mismatches = Vec::new();
    for seg in corpus_segments().iter().filter(|s| s["lang"] == "zh") {
        let hans = seg["zh_hans"].as_str().unwrap();
        let hant = seg["zh_hant"].as_str().unwrap();
        checked += 1;
        let back = t2s.convert(hant);
        if back != hans && back != t2s.convert(&s2tw.convert(hans)) {
            mismatches.push(format!(
                "{}#{}: tw2s(zh_hant) != zh_hans\n  {hans}\n  {}",
                seg["doc_id"],
                seg["seq"],
                t2s.convert(hant)
            ));
        }
        let bad: String = hans.chars().filter(|c| trad_only.contains(c)).collect();
        if !bad.is_empty() {
            mismatches.push(format!(
                "{}#{}: Traditional-only characters {bad:?} in zh_hans",
                seg["doc_id"], seg["seq"]
            ));
        }
    }
    assert!(checked > 500);
    assert!(
        mismatches.is_empty(),
        "{} of {checked} segments:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn hk_tw_and_simplified_forms_of_a_sentence_give_the_same_records() {
    let forms = [
        "馬斯克還説,他着手研究裏面的問題。", // HK forms, half-width punctuation
        "馬斯克還說，他著手研究裡面的問題。", // TW forms
        "马斯克还说，他着手研究里面的问题。", // Simplified
    ];
    let p = Pipeline::builtin().unwrap();
    let seg = |text: &str| -> (String, String) {
        let out = p.process_bytes("s.txt", text.as_bytes()).unwrap();
        let r = &common::records(&out.jsonl())[1];
        (r["zh_hans"].as_str().unwrap().to_owned(), r["zh_hant"].as_str().unwrap().to_owned())
    };
    let results: Vec<_> = forms.iter().map(|f| seg(f)).collect();
    assert_eq!(results[0].0, "马斯克还说，他着手研究里面的问题。");
    for r in &results {
        assert_eq!(r.0, results[0].0, "zh_hans differs");
    }
    // HK and TW input give the Taiwan standard, not a copy of the input.
    assert_eq!(results[0].1, results[1].1);
    assert!(results[0].1.contains('說') && !results[0].1.contains('説'), "{}", results[0].1);
}

#[test]
fn english_paragraphs_are_tagged_not_converted_and_glosses_are_pairs() {
    let text = "标题\nThis paragraph is written entirely in English and should stay that way.\n他将这场变革形容为一场“超音速海啸”(supersonic tsunami)。\n";
    let out = Pipeline::builtin().unwrap().process_bytes("en.txt", text.as_bytes()).unwrap();
    let recs = common::records(&out.jsonl());
    assert_eq!(recs[2]["lang"], "en");
    assert!(recs[2]["zh_hans"].is_null());
    assert_eq!(
        recs[2]["en"][0]["en"],
        "This paragraph is written entirely in English and should stay that way."
    );
    assert_eq!(recs[3]["lang"], "zh");
    let gloss = &recs[3]["en"][0];
    assert_eq!(gloss["en"], "supersonic tsunami");
    assert_eq!(gloss["zh_hans"], "超音速海啸");
    assert_eq!(gloss["zh_hant"], "超音速海嘯");
    assert!(recs[3]["zh_hans"].as_str().unwrap().contains("（supersonic tsunami）"));
}

fn zh_hans_of(path: &str) -> Vec<String> {
    let out =
        Pipeline::builtin().unwrap().process_bytes(path, std::fs::read(path).unwrap()).unwrap();
    common::records(&out.jsonl())
        .iter()
        .filter(|r| r["type"] == "segment")
        .map(|r| r["zh_hans"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[test]
fn variant_corpus_files_agree_in_simplified() {
    let hans = zh_hans_of("corpus/variants/same_hans.txt");
    assert_eq!(hans.len(), 3);
    assert_eq!(zh_hans_of("corpus/variants/same_hk.txt"), hans, "HK forms, half-width punctuation");
    assert_eq!(zh_hans_of("corpus/variants/same_tw.txt"), hans, "Taiwan forms");
}

#[test]
fn punctuation_corpus_file() {
    let got = zh_hans_of("corpus/variants/punctuation.txt");
    assert_eq!(
        got[0],
        "你好，世界！这是一个测试：包括分号；问号？以及省略号…还有括号（里面是中文）。"
    );
    assert_eq!(got[1], "", "the English line is not converted (lang en)");
    assert_eq!(got[2], "数字不变：5,000 元、0.25-0.30 美元、24/7 运转、10:30 开会。");
    assert!(got[3].contains("https://example.com/a,b?x=1") && got[3].contains("test@example.com"));
    assert_eq!(got[4], "中文之间的空格会被去掉。");
    assert!(got[5].starts_with("中文和 English 之间") && got[5].contains("中文和English之间"));
    assert_eq!(got[6], "他说：“我们会成功的！”然后离开了……");
}
