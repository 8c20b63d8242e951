//! emit `tokens`: jieba words on every segment when the pipeline asks for them, absent
//! otherwise; a user dictionary keeps its words whole.

mod common;

use std::path::Path;

use serde_json::Value;
use zhpipe::config::PipelineFile;
use zhpipe::Pipeline;

const TEXT: &str = "主持人：你觉得超音速海啸测试平台什么时候能建成？\n\n马斯克：我们明年就会开始建造超音速海啸测试平台。\n";

fn segments(pipeline: &Pipeline, name: &str, bytes: &[u8]) -> Vec<Value> {
    let out = pipeline.process_bytes(name, bytes.to_vec()).unwrap();
    common::records(&out.jsonl()).into_iter().filter(|r| r["type"] == "segment").collect()
}

fn tokens(seg: &Value) -> Vec<&str> {
    seg["tokens"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect()
}

/// `default.toml` made runnable from any directory (`builtin:` rule files), with `extra`
/// appended to the last stage (emit).
fn pipeline_in(dir: &Path, extra: &str) -> std::path::PathBuf {
    let text = common::default_pipeline_with_builtin_rules();
    assert!(text.trim_end().ends_with("type = \"emit\""), "emit is last and has no parameters");
    common::write(dir, "p.toml", format!("{}\n{extra}\n", text.trim_end()).as_bytes())
}

#[test]
fn every_segment_has_tokens_with_the_tokens_pipeline() {
    let pipeline = Pipeline::from_file("pipelines/tokens.toml").unwrap();
    for path in common::seeds() {
        let segs = segments(&pipeline, path.to_str().unwrap(), &std::fs::read(&path).unwrap());
        assert!(!segs.is_empty());
        for seg in &segs {
            let toks = tokens(seg);
            assert!(!toks.is_empty(), "{seg}");
            assert!(toks.iter().all(|t| !t.trim().is_empty()), "whitespace token in {seg}");
            // The tokens are the text, cut: joined they give it back without whitespace.
            let text = seg["zh_hans"].as_str().or(seg["en"][0]["en"].as_str()).unwrap();
            let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            assert_eq!(squeeze(&toks.concat()), squeeze(text), "{seg}");
        }
    }
}

#[test]
fn tokens_are_absent_by_default() {
    let pipeline = Pipeline::builtin().unwrap();
    let path = common::seed("000_");
    let segs = segments(&pipeline, path.to_str().unwrap(), &std::fs::read(&path).unwrap());
    assert!(!segs.is_empty());
    assert!(segs.iter().all(|s| s.get("tokens").is_none()));
}

#[test]
fn tokens_cut_words_from_the_simplified_text() {
    let pipeline = Pipeline::from_file("pipelines/tokens.toml").unwrap();
    let segs = segments(&pipeline, "t.txt", "马斯克：我们明年就会开始建造。\n".as_bytes());
    let turn = segs.iter().find(|s| s["kind"] == "turn").unwrap();
    let toks = tokens(turn);
    assert!(toks.contains(&"我们") && toks.contains(&"明年") && toks.contains(&"开始"), "{turn}");
}

#[test]
fn a_user_dictionary_word_stays_one_token() {
    let dir = common::tmpdir();
    // Without the dictionary the word is cut up.
    let plain = Pipeline::from_file(pipeline_in(dir.path(), "tokens = true")).unwrap();
    let segs = segments(&plain, "t.txt", TEXT.as_bytes());
    assert!(segs.iter().all(|s| !tokens(s).contains(&"超音速海啸测试平台")));

    common::write(
        dir.path(),
        "dict.txt",
        "# names and terms\n超音速海啸测试平台 10 n\nStarship\n".as_bytes(),
    );
    let with =
        Pipeline::from_file(pipeline_in(dir.path(), "tokens = true\nuser_dict = \"dict.txt\""))
            .unwrap();
    let segs = segments(&with, "t.txt", TEXT.as_bytes());
    assert_eq!(segs.len(), 2);
    for seg in &segs {
        assert!(tokens(seg).contains(&"超音速海啸测试平台"), "{seg}");
    }
}

#[test]
fn a_bad_user_dictionary_line_is_an_error_naming_the_file_and_line() {
    let dir = common::tmpdir();
    common::write(dir.path(), "dict.txt", "好词 3\n坏词 3 n extra\n".as_bytes());
    let err =
        Pipeline::from_file(pipeline_in(dir.path(), "tokens = true\nuser_dict = \"dict.txt\""))
            .unwrap_err()
            .to_string();
    assert!(err.contains("dict.txt") && err.contains("line 2"), "{err}");
    let missing = pipeline_in(dir.path(), "tokens = true\nuser_dict = \"nope.txt\"");
    let err = Pipeline::from_file(missing).unwrap_err().to_string();
    assert!(err.contains("nope.txt"), "{err}");
}

#[test]
fn tokens_pipeline_is_the_default_pipeline_plus_tokens() {
    let parse = |p: &str| {
        PipelineFile::parse(&std::fs::read_to_string(p).unwrap(), Path::new(p)).unwrap().stages
    };
    let (default, tokens) = (parse("pipelines/default.toml"), parse("pipelines/tokens.toml"));
    assert_eq!(default.len(), tokens.len());
    let emit = default.len() - 1;
    for (a, b) in default[..emit].iter().zip(&tokens[..emit]) {
        assert_eq!(format!("{a:?}"), format!("{b:?}"), "pipelines/tokens.toml drifted");
    }
    // The emit stage too, but for the one key tokens.toml sets.
    let (a, b) = (format!("{:?}", default[emit]), format!("{:?}", tokens[emit]));
    assert!(a.contains("tokens: false") && b.contains("tokens: true"), "{a}\n{b}");
    assert_eq!(a.replace("tokens: false", "tokens: true"), b);
}

#[test]
fn the_cli_runs_the_tokens_pipeline() {
    let seed = common::seed("003_");
    let o = common::run(
        &["run", "--pipeline", "pipelines/tokens.toml", "--quiet", seed.to_str().unwrap()],
        None,
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let recs = common::records(&common::stdout(&o));
    assert!(recs.iter().filter(|r| r["type"] == "segment").all(|r| r["tokens"].is_array()));
}
