//! Reference oracle: our converter against the C++ OpenCC library (opencc-rust 1.1 linked to
//! the system libopencc, e.g. Debian 12's 1.1.6). Run with `cargo test --features opencc-sys`
//! (needs `libopencc-dev` and `pkg-config`).
//!
//! OpenCC is pointed at config files that use our vendored text dictionaries (`"type":
//! "text"`) with OpenCC's own chains, so both sides run on the same data and any difference
//! is a difference in the algorithm. (Debian's bundled 1.1.6 `.ocd2` data is an older snapshot
//! than the vendored dictionaries; see src/convert/opencc/README.md.)
#![cfg(feature = "opencc-sys")]

use std::path::{Path, PathBuf};

use opencc_rust::OpenCC;
use zhpipe::convert::{Config, Converter, DictId};

const ORACLE_CONFIGS: [Config; 6] =
    [Config::T2s, Config::S2t, Config::S2tw, Config::Tw2s, Config::S2hk, Config::Hk2s];

fn dict_json(dir: &Path, d: DictId) -> String {
    let path = dir.join(format!("{}.txt", d.name()));
    format!(r#"{{"type":"text","file":{:?}}}"#, path.to_str().unwrap())
}

/// OpenCC for `config`, from a config file that uses the vendored text dictionaries.
fn oracle(config: Config) -> OpenCC {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dicts = root.join("src/convert/opencc");
    let (seg, steps) = config.chain();
    let chain: Vec<String> = steps
        .iter()
        .map(|group| {
            let inner: Vec<String> = group.iter().map(|d| dict_json(&dicts, *d)).collect();
            format!(r#"{{"dict":{{"type":"group","dicts":[{}]}}}}"#, inner.join(","))
        })
        .collect();
    let json = format!(
        r#"{{"name":"zhpipe {name}","segmentation":{{"type":"mmseg","dict":{seg}}},"conversion_chain":[{chain}]}}"#,
        name = config.name(),
        seg = dict_json(&dicts, seg),
        chain = chain.join(",")
    );
    // A file of its own per call, as the other tests' scratch files: the tests run in parallel
    // threads, and a shared `<config>.json` rewritten by one test while OpenCC parses it in
    // another is read truncated (CI saw "Cannot use this config file path" for s2tw.json).
    let mut file = tempfile::Builder::new()
        .prefix(&format!("zhpipe-oracle-{}-", config.name()))
        .suffix(".json")
        .tempfile()
        .unwrap();
    std::io::Write::write_all(&mut file, json.as_bytes()).unwrap();
    // OpenCC reads the config and loads its dictionaries here; the file may go afterwards.
    OpenCC::new(file.path())
        .unwrap_or_else(|e| panic!("OpenCC rejected {}: {e}", file.path().display()))
}

fn corpus_files() -> Vec<PathBuf> {
    let out =
        zhpipe::input::files_under(&Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"), &["txt"]);
    assert!(!out.is_empty(), "no corpus files");
    out
}

/// Asserts equality, naming the first differing line.
fn same(config: Config, what: &str, ours: &str, theirs: &str) {
    if ours == theirs {
        return;
    }
    for (i, (a, b)) in ours.lines().zip(theirs.lines()).enumerate() {
        assert_eq!(a, b, "{config} {what}: line {} differs", i + 1);
    }
    panic!("{config} {what}: outputs differ (line count)");
}

#[test]
fn corpus_matches_opencc() {
    let files = corpus_files();
    let texts: Vec<String> = files
        .iter()
        .map(|f| String::from_utf8_lossy(&std::fs::read(f).unwrap()).into_owned())
        .collect();
    // Traditional (and HK/TW-form) versions of every document too, so that every config
    // sees text in the script it converts from.
    let mut inputs: Vec<(String, String)> = Vec::new();
    for (f, t) in files.iter().zip(&texts) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        inputs.push((name.clone(), t.clone()));
        for c in [Config::S2t, Config::S2tw, Config::S2hk] {
            inputs.push((format!("{name} via {c}"), oracle(c).convert(t)));
        }
    }
    for config in Config::ALL {
        let cc = oracle(config);
        let ours = Converter::get(config);
        for (name, text) in &inputs {
            same(config, name, &ours.convert(text), &cc.convert(text));
        }
    }
}

#[test]
fn opencc_testcases_match() {
    let json: serde_json::Value =
        serde_json::from_str(include_str!("data/opencc_testcases.json")).unwrap();
    let cases = json["cases"].as_array().unwrap();
    for config in Config::ALL {
        let cc = oracle(config);
        let ours = Converter::get(config);
        for case in cases {
            let input = case["input"].as_str().unwrap();
            assert_eq!(ours.convert(input), cc.convert(input), "{config}: {input}");
            for out in case["expected"].as_object().unwrap().values() {
                let s = out.as_str().unwrap();
                assert_eq!(ours.convert(s), cc.convert(s), "{config}: {s}");
            }
        }
    }
}

const PHRASES: &[&str] = &[
    "头发",
    "頭髮",
    "发现",
    "發現",
    "干燥",
    "乾燥",
    "乾隆",
    "乾隆皇帝",
    "皇后",
    "皇后大道",
    "著名",
    "着急",
    "理发",
    "理髮",
    "他理发后头发干了",
    "乾隆年間的皇后著名於世，着急地發現",
    "一出戏",
    "控制台",
    "干了",
    "干杯",
    "後來",
    "后来",
    "台湾的干部",
    "說着說著",
    "裏面",
];

#[test]
fn phrase_cases_match() {
    for config in ORACLE_CONFIGS.into_iter().chain(Config::ALL) {
        let cc = oracle(config);
        for p in PHRASES {
            assert_eq!(Converter::get(config).convert(p), cc.convert(p), "{config}: {p}");
        }
    }
}

/// Every key of every dictionary a config uses, run together: maximal overlap between
/// phrases, which is where segmentation and group semantics matter.
#[test]
fn dictionary_keys_run_together_match() {
    for config in Config::ALL {
        let (seg, steps) = config.chain();
        let mut dicts = vec![seg];
        dicts.extend(steps.iter().flat_map(|g| g.iter().copied()));
        dicts.dedup();
        let cc = oracle(config);
        let ours = Converter::get(config);
        for d in dicts {
            let keys: Vec<&str> = d.text().lines().filter_map(|l| l.split('\t').next()).collect();
            for chunk in keys.chunks(2000) {
                let glued = chunk.concat();
                same(config, d.name(), &ours.convert(&glued), &cc.convert(&glued));
                let lines = chunk.join("\n");
                same(config, d.name(), &ours.convert(&lines), &cc.convert(&lines));
            }
        }
    }
}
