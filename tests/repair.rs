//! Repair stage tests: clean pass-through, the damaged seed, and simulated damage.

mod support;

use support::garble::{
    annotate_chars, expected, frequent_chars, garble, garble_line, garble_with, Rng, Table,
    Unmapped,
};
use zhpipe::convert::{Config, Converter};
use zhpipe::{repair, RepairConfig, RepairEdit, RepairOutput, RULE_GLOSS_TABLE};

const SEED_000: &str = include_str!("../corpus/seeds/000_3620cb2f54fea72b.txt");
const SEED_001: &str = include_str!("../corpus/seeds/001_0344942ce37c68b2.txt");
const SEED_002: &str = include_str!("../corpus/seeds/002_5aa0d993a0d6d584.txt");
const SEED_003: &str = include_str!("../corpus/seeds/003_caabccca218568a5.txt");

fn run(text: &str) -> RepairOutput {
    let lines: Vec<&str> = text.lines().collect();
    repair(&lines, &RepairConfig::default())
}

fn joined(out: &RepairOutput) -> String {
    out.lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n")
}

fn repaired_002() -> String {
    joined(&run(SEED_002))
}

fn assert_untouched(text: &str) {
    let out = run(text);
    assert!(!out.detected, "false detection");
    assert!(out.edits.is_empty(), "unexpected edits: {:?}", &out.edits[..out.edits.len().min(3)]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(out.lines.len(), lines.len());
    for (i, (o, l)) in out.lines.iter().zip(&lines).enumerate() {
        assert_eq!(o.text, *l);
        assert_eq!(o.src, (i, i));
    }
}

#[test]
fn clean_corpus_files_pass_through() {
    for text in [SEED_000, SEED_001, SEED_003] {
        assert_untouched(text);
    }
}

#[test]
fn clean_text_with_latin_parentheses_and_question_marks_passes_through() {
    assert_untouched(
        "在2月6號的訪談中,埃隆·馬斯克(Elon Musk)說:你準備好了嗎?\n\
         他提到數字人類模擬(digital human emulation)。為什麼?(笑)\n\
         價格是多少?大約(約)3000美元(USD)。",
    );
}

/// Character-exact recovery: LCS of expected and repaired per line over expected chars.
fn recovery(expected: &str, got: &str, damaged: &str) -> (usize, usize) {
    let (mut ok, mut total) = (0, 0);
    let got: Vec<&str> = got.lines().collect();
    let damaged: Vec<&str> = damaged.lines().collect();
    for (i, e) in expected.lines().enumerate() {
        let e: Vec<char> = e.chars().collect();
        let g: Vec<char> = got.get(i).map_or(vec![], |g| g.chars().collect());
        total += e.len();
        ok += if e == g { e.len() } else { lcs(&e, &g) };
        if e != g && std::env::var_os("REPAIR_DUMP").is_some() {
            let exp: String = e.iter().collect();
            let gotl: String = g.iter().collect();
            eprintln!("DUMP\t{exp}\t{gotl}\t{}", damaged[i]);
        }
        if e != g && std::env::var_os("REPAIR_DEBUG").is_some() {
            let k = e.iter().zip(&g).take_while(|(a, b)| a == b).count();
            let s = k.saturating_sub(12);
            let exp: String = e[s..(k + 12).min(e.len())].iter().collect();
            let gotw: String = g[s..(k + 12).min(g.len())].iter().collect();
            let d: String = damaged[i].chars().skip(s.saturating_sub(10)).take(60).collect();
            eprintln!("exp {exp}\ngot {gotw}\ndmg {d}\n");
        }
    }
    (ok, total)
}

fn lcs(a: &[char], b: &[char]) -> usize {
    let mut prev = vec![0usize; b.len() + 1];
    for &x in a {
        let mut cur = vec![0usize; b.len() + 1];
        for (j, &y) in b.iter().enumerate() {
            cur[j + 1] = if x == y { prev[j] + 1 } else { prev[j + 1].max(cur[j]) };
        }
        prev = cur;
    }
    prev[b.len()]
}

#[test]
fn seed_002_repairs_to_clean_text() {
    let out = run(SEED_002);
    assert!(out.detected);
    let text = joined(&out);
    let _ = std::fs::create_dir_all("target");
    std::fs::write("target/002_repaired.txt", format!("{text}\n")).unwrap();
    let doubtful: String = out
        .edits
        .iter()
        .filter(|e| e.confidence < 0.5)
        .map(|e| {
            format!(
                "{}:{} {:.2} {} => {}\n",
                e.line + 1,
                e.col,
                e.confidence,
                e.garbled,
                e.restored
            )
        })
        .collect();
    std::fs::write("target/002_low_confidence.txt", doubtful).unwrap();
    assert!(text.contains("因為中國的人口是我們的四倍"));
    assert!(!text.contains('\u{FFFD}'));
    assert!(!text.contains("/p>"));
    assert!(!out.edits.is_empty());
}

/// The reconstruction must explain the damage: re-damaging it with the document's own
/// table reproduces (nearly) every line of the seed.
#[test]
fn seed_002_resimulates_to_the_seed() {
    let table = Table::from_glosses(SEED_002);
    let repaired = repaired_002();
    let (mut same, mut total) = (0, 0);
    for (r, s) in repaired.lines().zip(SEED_002.lines()) {
        total += 1;
        let g = garble_line(&fullwidth_punct(r), &table);
        if g == s {
            same += 1;
        } else {
            eprintln!("differs:\n  seed {s}\n  sim  {g}");
        }
    }
    eprintln!("re-simulation reproduces {same}/{total} lines (table of {} chars)", table.len());
    assert!(same * 100 >= total * 98);
}

/// The source had full-width punctuation between Chinese characters; the repair shows
/// it half-width like the rest of the document, so put it back before re-damaging.
fn fullwidth_punct(line: &str) -> String {
    let c: Vec<char> = line.chars().collect();
    (0..c.len())
        .map(|i| {
            let wide = |j: Option<usize>| j.and_then(|j| c.get(j)).is_none_or(|x| !x.is_ascii());
            match c[i] {
                ',' | '?' | ':' | ';' | '!' | '(' | ')'
                    if wide(i.checked_sub(1)) && wide(Some(i + 1)) =>
                {
                    char::from_u32(c[i] as u32 + 0xFEE0).unwrap()
                }
                x => x,
            }
        })
        .collect()
}

/// The Simplified corpus documents other than the seeds, concatenated: short articles in
/// other formats (Q&A, brackets, Markdown, boilerplate).
const OTHERS: &[&str] = &[
    include_str!("../corpus/formats/bracket.txt"),
    include_str!("../corpus/formats/inline_colon.txt"),
    include_str!("../corpus/formats/qa_latin.txt"),
    include_str!("../corpus/formats/qa_wenda.txt"),
    include_str!("../corpus/formats/same_interview_bold.md"),
    include_str!("../corpus/formats/same_interview_lines.txt"),
    include_str!("../corpus/precision/boilerplate_words_in_content.txt"),
    include_str!("../corpus/precision/clean_article.txt"),
    include_str!("../corpus/wechat/alt_wording.md"),
    include_str!("../corpus/variants/punctuation.txt"),
];

/// Traditional (Taiwan) text made from a Simplified document with the normalize stage's
/// converter: the damage only ever hit Traditional text.
fn traditional(text: &str) -> String {
    Converter::get(Config::S2tw).convert(text)
}

/// The texts garbled for the recovery figures, by name: the Traditional seed 001, the
/// repaired seed 002, and Traditional versions of the Simplified documents.
fn text_sets() -> Vec<(&'static str, String)> {
    vec![
        ("001", SEED_001.to_string()),
        ("002 repaired", repaired_002()),
        ("000 s2tw", traditional(SEED_000)),
        ("003 s2tw", traditional(SEED_003)),
        ("others s2tw", traditional(&OTHERS.join("\n"))),
    ]
}

/// Recovery per text set over the given tables (seed, size); prints each set's figure and
/// returns the total.
fn recovery_over(label: &str, tables: &[(u64, usize)]) -> (usize, usize) {
    recovery_with(label, tables, Unmapped::Drop)
}

/// [`recovery_over`] with a decoder that treats unmapped pairs as given.
fn recovery_with(label: &str, tables: &[(u64, usize)], unmapped: Unmapped) -> (usize, usize) {
    let mut all = (0, 0);
    for (name, x) in text_sets() {
        let (mut ok, mut total) = (0, 0);
        for &(seed, size) in tables {
            let table = Table::random(seed, size);
            let damaged = garble_with(&x, &table, unmapped);
            let got = joined(&run(&damaged));
            let (o, t) = recovery(&expected(&x), &got, &damaged);
            ok += o;
            total += t;
        }
        let rate = 100.0 * ok as f64 / total as f64;
        eprintln!("{label}: {name:>13}: {ok}/{total} chars = {rate:.3}%");
        all = (all.0 + ok, all.1 + total);
    }
    all
}

/// The target: 99.9% of characters (over all text sets).
const RECOVERY_FLOOR: f64 = 99.9;

/// repair(garble(x)) == x on tables used while developing.
#[test]
fn roundtrip_on_development_tables() {
    let (ok, total) = recovery_over("development", &[(1, 350), (2, 350), (3, 350)]);
    let rate = 100.0 * ok as f64 / total as f64;
    eprintln!("development tables: {ok}/{total} chars = {rate:.3}%");
    assert!(rate >= RECOVERY_FLOOR, "recovery {rate:.3}% < {RECOVERY_FLOOR}%");
}

/// The headline figure: tables never used during development.
#[test]
fn recovery_rate_on_unseen_tables() {
    // The last two were added once development had ended and run only then.
    let tables = [
        (0xDEC0DE_u64, 300),
        (0xFACADE, 300),
        (0x5EED_0042, 400),
        (0xB0BA, 400),
        (0xC0FFEE, 350),
        (0x7E57_AB1E, 250),
    ];
    let (ok, total) = recovery_over("unseen", &tables);
    let rate = 100.0 * ok as f64 / total as f64;
    eprintln!("recovery on unseen tables: {ok}/{total} chars = {rate:.3}%");
    assert!(rate >= RECOVERY_FLOOR, "recovery {rate:.3}% < {RECOVERY_FLOOR}%");
}

/// Glosses injected without byte damage (one annotator's table of everyday characters,
/// applied character by character, a few occurrences missed) are removed from every text
/// set, Simplified and Traditional, and each removal is in the edits under its own rule.
#[test]
fn injected_glosses_without_byte_damage_are_removed() {
    let mut texts = text_sets();
    texts.push(("000", SEED_000.to_string()));
    texts.push(("003", SEED_003.to_string()));
    for (name, x) in texts {
        let want = x.lines().collect::<Vec<_>>().join("\n");
        for seed in 1..=4u64 {
            let mut rng = Rng::new(seed);
            let table = frequent_chars(&x, 10 + 10 * seed as usize, &mut rng);
            let (glossed, n) = annotate_chars(&x, &table, 12, &mut rng);
            assert!(n >= 3, "{name}/{seed}: {n} glosses");
            let out = run(&glossed);
            assert!(out.detected, "{name}/{seed}: {n} glosses not detected");
            assert_eq!(joined(&out), want, "{name}/{seed}");
            assert_eq!(out.edits.len(), n, "{name}/{seed}: one edit per gloss");
            for e in &out.edits {
                assert_eq!(e.rule, RULE_GLOSS_TABLE);
                assert!(e.garbled.starts_with('(') && e.restored.is_empty(), "{e:?}");
            }
        }
    }
}

/// Pinyin written by people is kept: a lesson annotating every character of a run, rare
/// characters explained where they occur, a quiz whose options follow a `?`, and a
/// polyphone glossed once. Alone and together.
#[test]
fn teaching_annotation_is_kept() {
    let docs = [
        "今天我们学习课文《我爱北京天安门》。\n我(wǒ)爱(ài)北(běi)京(jīng)天(tiān)安(ān)门(mén)，天(tiān)安(ān)门(mén)上(shàng)太(tài)阳(yáng)升(shēng)。\n请大家跟着老师朗读两遍，注意每个字的声调。",
        "成语“饕餮之徒”里的饕(tāo)餮(tiè)是传说中贪吃的凶兽。\n古人称八九十岁的老人为耄(mào)耋(dié)，徘徊不前叫踟(chí)蹰(chú)。\n这些字平时很少用到，读音容易念错。",
        "荀彧(yù)是曹操的谋士，出身颍川。\n古代的酒器有罍(léi)，也有觥(gōng)，宴饮时常用。\n灶台烧火做饭，古书写作爨(cuàn)，这个字笔画很多。",
        "下面哪个词里的“行”读作háng?a)行走 b)银行 c)行为\n“重(chóng)新”的“重”怎么读?a)zhòng b)chóng\n请把答案写在括号里。",
        "行(háng)业的发展离不开银行，行业里的人都知道。\n重(zhòng)要的事情说三遍，重要的人先走，这件事很重要。\n他长(zhǎng)大以后，长期住在长沙。",
    ];
    for doc in docs {
        assert_untouched(doc);
    }
    assert_untouched(&docs.join("\n"));
}

/// List items and quiz options labelled `(a)`, `a)`, `?a)` (a question mark, then the
/// options) are not glosses of 啊 or 额, in a clean document and in one with real damage,
/// where `?a)` has the shape of a gloss that ate its `(`.
#[test]
fn list_and_quiz_labels_are_not_glosses() {
    let list = "请选择正确的答案。\n\
        1. 下面哪个词语用得对?(a)因为 (b)所以 (c)但是 (d)而且\n\
        2. 他每天早上几点起床?a)六点 b)七点 c)八点\n\
        (a)先读课文;(b)再做练习;(c)最后写作文。\n\
        老师说:(a) 认真听讲 (b) 按时交作业 (c) 多问问题\n\
        答案:(a)(b)(c)都对,选(e)。";
    assert_untouched(list);
    let doc = format!("{SEED_002}\n{list}");
    let out = run(&doc);
    assert!(out.detected);
    let got = joined(&out);
    let tail: Vec<&str> = got.lines().rev().take(list.lines().count()).collect();
    let want: Vec<&str> = list.lines().rev().collect();
    assert_eq!(tail, want);
}

/// Decoders that print `?` for a pair they cannot map (Python's, Java's and iconv's
/// replacing modes) instead of dropping it: random tables never used in development, on
/// every text set (5 texts x 4 tables = 20 runs).
#[test]
fn recovery_rate_with_question_mark_printing_decoders() {
    let tables = [(0x0DD_BA11_u64, 300), (0xA11_C0DE, 350), (0x5CA1_AB1E, 400), (0xD06_F00D, 250)];
    let (ok, total) = recovery_with("?-printing", &tables, Unmapped::Question);
    let rate = 100.0 * ok as f64 / total as f64;
    eprintln!("recovery with ?-printing decoders: {ok}/{total} chars = {rate:.3}%");
    assert!(rate >= QUESTION_FLOOR, "recovery {rate:.3}% < {QUESTION_FLOOR}%");
}

/// The floor for `?`-printing decoders: 99.938% measured; the target is 99.9%.
const QUESTION_FLOOR: f64 = 99.93;

#[test]
fn garbled_text_is_detected_and_clean_after_repair() {
    let table = Table::random(7, 300);
    let damaged = garble(SEED_001, &table);
    assert_ne!(damaged, expected(SEED_001));
    let out = run(&damaged);
    assert!(out.detected);
    assert!(out.edits.iter().all(|e| (0.0..=1.0).contains(&e.confidence)));
}

/// A garbled document past the size from which lines are repaired in parallel blocks:
/// every copy of the seed in it comes out alike, its edits on its own lines.
#[test]
fn a_large_garbled_document_repairs_every_copy_alike_in_blocks() {
    let seed: Vec<&str> = SEED_002.lines().collect();
    let copies = zhpipe::PARALLEL_MIN_BYTES / SEED_002.len() + 2;
    let lines: Vec<&str> = (0..copies).flat_map(|_| seed.iter().copied()).collect();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(4).build().unwrap();
    let out = pool.install(|| repair(&lines, &RepairConfig::default()));
    assert!(out.detected);
    assert_eq!(out.lines.len() % copies, 0);
    assert_eq!(out.edits.len() % copies, 0);
    let (per_lines, per_edits) = (out.lines.len() / copies, out.edits.len() / copies);
    assert!(per_edits > 100, "{per_edits} edits per copy");
    for k in 1..copies {
        let shift = k * seed.len();
        for (a, b) in out.lines[..per_lines].iter().zip(&out.lines[k * per_lines..]) {
            assert_eq!((&a.text, a.src.0 + shift, a.src.1 + shift), (&b.text, b.src.0, b.src.1));
        }
        for (a, b) in out.edits[..per_edits].iter().zip(&out.edits[k * per_edits..]) {
            assert_eq!(RepairEdit { line: a.line + shift, ..a.clone() }, *b);
        }
    }
}

/// Repair time grows linearly with garbled input: pinyin damage on one long line, and
/// a garbled page's lines, at 1x and 16x size. Each figure is the least of five runs,
/// alternating sizes, so a loaded machine slows both alike; a run of the 1x input repairs
/// it 16 times (the figure is one repair's share), so both runs take about as long and
/// meet the same load (a single 1x repair, a few ms, could slip between the other tests'
/// work while the 16x one could not). The bound (40x for 16x the input) leaves room for
/// noise and catches anything quadratic (256x).
#[test]
fn repair_time_is_linear_in_garbled_input() {
    use std::time::Instant;
    let page: String = SEED_002.lines().take(40).collect::<Vec<_>>().join("\n");
    type Make<'a> = Box<dyn Fn(usize) -> String + 'a>;
    let cases: [(&str, Make); 2] = [
        ("因?yàn) one line", Box::new(|k| "因?yàn)".repeat(1600 * k))),
        ("garbled page lines", Box::new(move |k| vec![page.as_str(); k].join("\n"))),
    ];
    let cfg = RepairConfig::default();
    for (name, make) in &cases {
        let inputs = [make(1), make(16)];
        let lines: Vec<Vec<&str>> = inputs.iter().map(|t| t.lines().collect()).collect();
        assert!(repair(&lines[0], &cfg).detected, "{name}: damage detected");
        let mut best = [f64::INFINITY; 2];
        for _ in 0..5 {
            for ((b, l), reps) in best.iter_mut().zip(&lines).zip([16, 1]) {
                let t = Instant::now();
                for _ in 0..reps {
                    std::hint::black_box(repair(std::hint::black_box(l), &cfg));
                }
                *b = b.min(t.elapsed().as_secs_f64() / f64::from(reps));
            }
        }
        let ratio = best[1] / best[0];
        eprintln!("{name}: {:.1} ms -> {:.1} ms, {ratio:.1}x", best[0] * 1e3, best[1] * 1e3);
        assert!(ratio <= 40.0, "{name}: 16x the input took {ratio:.1}x the time");
    }
}

#[test]
fn mojibake_latin1_and_gbk() {
    let utf8 = "马斯克说".as_bytes();
    let latin: String = encoding_rs::WINDOWS_1252.decode_without_bom_handling(utf8).0.into_owned();
    let gbk: String =
        encoding_rs::GBK.decode_without_bom_handling("马斯克说了什么呢".as_bytes()).0.into_owned();
    let text = format!("他({latin})很好\n另一行{gbk}結束");
    let out = run(&text);
    assert_eq!(out.lines[0].text, "他(马斯克说)很好");
    assert_eq!(out.lines[1].text, "另一行马斯克说了什么呢結束");
    assert!(out.edits.iter().any(|e| e.rule == "repair.mojibake-latin1"));
    assert!(out.edits.iter().any(|e| e.rule == "repair.mojibake-gbk"));
}

#[test]
fn disabled_config_passes_through() {
    let cfg = RepairConfig { pinyin_gloss: false, mojibake: false, ..Default::default() };
    let lines: Vec<&str> = SEED_002.lines().collect();
    let out = repair(&lines, &cfg);
    assert!(!out.detected && out.edits.is_empty());
    assert!(out.lines.iter().zip(&lines).all(|(o, l)| o.text == *l));
}

// ---- Mojibake: ftfy's test cases, and the corpus damaged each way. ----

use support::mojibake::{misread_n, misread_span, Reading};
use zhpipe::fix_mojibake_line;

fn fix_text(text: &str) -> String {
    text.split('\n').map(|l| fix_mojibake_line(l).0).collect::<Vec<_>>().join("\n")
}

/// ftfy 6.3.1's test cases: every encoding case fixed as ftfy's `fix_encoding` would,
/// every negative case (expected output = input) left byte-identical.
#[test]
fn ftfy_test_cases() {
    let cases: serde_json::Value =
        serde_json::from_str(include_str!("data/ftfy_test_cases.json")).unwrap();
    let (mut enc, mut enc_ok, mut neg, mut neg_ok) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for case in cases.as_array().unwrap() {
        let orig = case["original"].as_str().unwrap();
        let want = case.get("fixed-encoding").unwrap_or(&case["fixed"]).as_str().unwrap();
        let got = fix_text(orig);
        if want == orig {
            neg += 1;
            neg_ok += usize::from(got == orig);
            if got != orig {
                failures.push(format!("NEGATIVE changed: {orig:?} -> {got:?}"));
            }
        } else if case["expect"] == "pass" {
            enc += 1;
            enc_ok += usize::from(got == want);
            if got != want {
                failures.push(format!("{}: {orig:?} -> {got:?}, want {want:?}", case["label"]));
            }
        }
    }
    for f in &failures {
        eprintln!("{f}");
    }
    eprintln!("ftfy cases: encoding {enc_ok}/{enc} fixed, negative {neg_ok}/{neg} untouched");
    assert_eq!(neg_ok, neg, "a clean ftfy case was changed");
    assert!(enc_ok * 100 >= enc * ENCODING_FLOOR, "{enc_ok}/{enc} encoding cases fixed");
}

/// A byte lost to `?` or U+FFFD anywhere after the lead of a sequence (once per sequence
/// for `?`, as ftfy's lossy sequences) becomes U+FFFD inside damage the line shows
/// evidence of; a question mark after an accented letter in clean text stays.
#[test]
fn lost_bytes_anywhere_in_a_sequence_become_replacement_characters() {
    for (damaged, want) in [
        ("â€œYesâ€?, she said â?¦", "“Yes�, she said �"),
        ("â€œNoâ€\u{FFFD} â\u{FFFD}¦ Ã?Â©", "“No� � �©"),
        ("Ã©tÃ©: â?? :Ã©tÃ©", "été: â?? :été"),
    ] {
        assert_eq!(fix_mojibake_line(damaged).0, want, "{damaged}");
    }
    for clean in [
        "Où? À bientôt? Ça va? NÃO? IRMÃ? Não sei.",
        "Kraków? Łódź? café?» — “quoted”?",
        "是吗?你好吗?À?",
    ] {
        assert_eq!(fix_mojibake_line(clean).0, clean);
    }
}

/// Latin and European text (ftfy's expected outputs without CJK) damaged as UTF-8 read
/// with Windows-1252, one to three layers, then with some of the damaged characters lost
/// to `?` (written out in Latin-1 with replacement, or a decoder that replaced bytes):
/// whatever the repair makes of it, it never turns Latin text into CJK.
#[test]
fn latin_mojibake_with_lost_bytes_never_becomes_cjk() {
    let cases: serde_json::Value =
        serde_json::from_str(include_str!("data/ftfy_test_cases.json")).unwrap();
    // CJK and Hangul: what a wrong reading of these bytes invents.
    let is_cjk = |c: char| {
        matches!(c as u32, 0x2E80..=0x9FFF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
            | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
    };
    let mut texts: Vec<String> = cases
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c.get("fixed-encoding").unwrap_or(&c["fixed"]).as_str())
        .filter(|t| !t.is_ascii() && !t.chars().any(is_cjk))
        .map(str::to_string)
        .collect();
    texts.extend(
        [
            "It’s classic. It’s epic. It’s “ELIZABETH BENNET” for goodness’ sake!",
            "Où et quand? À bientôt — naïve café, São Paulo, Kraków, Łódź…",
        ]
        .map(str::to_string),
    );
    let mut rng = support::garble::Rng::new(0x3F3F);
    let (mut lines, mut invented) = (0, Vec::new());
    for t in &texts {
        for layers in 1..=3 {
            let damaged = misread_n(t, Reading::Whatwg1252, layers);
            // Every character outside Latin-1 printed as `?`, or a quarter of the non-ASCII
            // ones (bytes a decoder replaced).
            let latin1: String =
                damaged.chars().map(|c| if (c as u32) < 0x100 { c } else { '?' }).collect();
            let some: String = damaged
                .chars()
                .map(|c| if !c.is_ascii() && rng.below(4) == 0 { '?' } else { c })
                .collect();
            for d in [latin1, some] {
                lines += 1;
                let got = fix_mojibake_line(&d).0;
                if got.chars().any(|c| is_cjk(c) && !t.contains(c)) {
                    invented.push(format!("{d:?} -> {got:?}"));
                }
            }
        }
    }
    eprintln!("{lines} damaged lines, {} turned into CJK", invented.len());
    assert!(lines > 500, "{lines} lines");
    assert!(invented.is_empty(), "{}", invented.join("\n"));
}

/// Share of ftfy's encoding cases (percent) that must come out as ftfy expects: all of
/// them, with a sequence that lost one byte to `?` or U+FFFD (`ItÃ?Â¢â?¬â?¢s` →
/// `It�¢��s`) decoded to U+FFFD as ftfy's `replace_lossy_sequences` does.
const ENCODING_FLOOR: usize = 100;

/// Every corpus text (seeds and the other documents; seed 002 repaired).
fn clean_texts() -> Vec<(&'static str, String)> {
    let mut v = vec![
        ("000", SEED_000.to_string()),
        ("001", SEED_001.to_string()),
        ("002 repaired", repaired_002()),
        ("003", SEED_003.to_string()),
    ];
    v.extend(OTHERS.iter().map(|t| ("other", t.to_string())));
    v
}

/// Characters of `want` that `got` gets wrong, line by line (LCS-based).
fn wrong_chars(want: &str, got: &str) -> usize {
    want.lines()
        .zip(got.lines().chain(std::iter::repeat("")))
        .map(|(w, g)| {
            let (w, g): (Vec<char>, Vec<char>) = (w.chars().collect(), g.chars().collect());
            if w == g {
                0
            } else {
                w.len().max(g.len()) - lcs(&w, &g)
            }
        })
        .sum()
}

/// The corpus damaged each way comes back character-exact: whole lines, every third line,
/// random spans inside clean lines; Windows-1252 (WHATWG) and Latin-1; one to three layers.
#[test]
fn corpus_mojibake_comes_back_exactly() {
    let mut rng = support::garble::Rng::new(0x6D6F_6A69);
    let mut report = Vec::new();
    let mut total_wrong = 0;
    for how in [Reading::Whatwg1252, Reading::Latin1] {
        for layers in 1..=3 {
            for mode in ["lines", "third", "spans"] {
                let (mut wrong, mut chars) = (0, 0);
                for (_, text) in clean_texts() {
                    let damaged: Vec<String> = text
                        .lines()
                        .enumerate()
                        .map(|(i, l)| match mode {
                            "lines" => misread_n(l, how, layers),
                            "third" if i % 3 == 0 => misread_n(l, how, layers),
                            "spans" => {
                                let n = l.chars().count();
                                let from = rng.below(n.max(1));
                                misread_span(l, from, 1 + rng.below(12), how, layers)
                            }
                            _ => l.to_string(),
                        })
                        .collect();
                    let got = fix_text(&damaged.join("\n"));
                    chars += text.chars().count();
                    let w = wrong_chars(&text, &got);
                    if w > 0 && std::env::var_os("REPAIR_DEBUG").is_some() {
                        for ((a, b), d) in text.lines().zip(got.lines()).zip(&damaged) {
                            if a != b {
                                eprintln!(
                                    "{how:?} x{layers} {mode}\n want {a}\n got  {b}\n dmg  {d:?}"
                                );
                            }
                        }
                    }
                    wrong += w;
                }
                report.push(format!("{how:?} x{layers} {mode}: {wrong} wrong of {chars}"));
                total_wrong += wrong;
            }
        }
    }
    for r in &report {
        eprintln!("{r}");
    }
    assert_eq!(total_wrong, 0);
}

/// The corpus read as Windows-1252 by a strict reader that prints U+FFFD, or `?` once
/// written out, for the five bytes it cannot map (Python's `cp1252`): whole lines and spans
/// inside clean lines, one or two layers. A Chinese character that lost a byte was one of
/// at most five; the repair picks one with the language model when the neighbours make it
/// clearly likelier, else leaves U+FFFD. Reported: lines with a lost byte, characters of
/// them wrong after the repair (U+FFFD counts as wrong), U+FFFD left. Required: at most
/// [`LOST_WRONG_CEILING`] wrong per thousand characters of those lines.
#[test]
fn corpus_lost_bytes_come_back_by_context() {
    let mut rng = support::garble::Rng::new(0x6C6F_7374);
    let (mut lines, mut chars, mut wrong, mut fffd, mut report) = (0, 0, 0, 0, Vec::new());
    for how in [Reading::PythonReplace, Reading::PythonQuestion] {
        for layers in 1..=2 {
            for mode in ["lines", "spans"] {
                let (mut n, mut w) = (0, 0);
                for (_, text) in clean_texts() {
                    for l in text.lines() {
                        let k = l.chars().count();
                        let (from, len) = match mode {
                            "lines" => (0, k),
                            _ => (rng.below(k.max(1)), 4 + rng.below(16)),
                        };
                        let damaged = misread_span(l, from, len, how, layers);
                        // Only lines whose damage lost a byte: it differs from a lossless
                        // reading's.
                        if damaged == misread_span(l, from, len, Reading::Whatwg1252, layers) {
                            continue;
                        }
                        let got = fix_mojibake_line(&damaged).0;
                        n += 1;
                        chars += l.chars().count();
                        let e = wrong_chars_in_line(l, &got);
                        w += e;
                        fffd += got.matches('\u{FFFD}').count();
                        if e > 0 && std::env::var_os("REPAIR_DEBUG").is_some() {
                            eprintln!("{how:?} x{layers} {mode}\n want {l}\n got  {got}");
                        }
                    }
                }
                report.push(format!("{how:?} x{layers} {mode}: {n} lines, {w} wrong chars"));
                lines += n;
                wrong += w;
            }
        }
    }
    for r in &report {
        eprintln!("{r}");
    }
    eprintln!("{lines} lines with a lost byte, {chars} chars: {wrong} wrong, {fffd} U+FFFD left");
    assert!(lines > 500, "{lines} lines");
    assert!(wrong * 1000 <= chars * LOST_WRONG_CEILING, "{wrong} wrong of {chars}");
}

/// Wrong characters per thousand that [`corpus_lost_bytes_come_back_by_context`] allows:
/// 24.2 measured (7 954 of 328 995; 29 063 with every lost character left U+FFFD).
const LOST_WRONG_CEILING: usize = 28;

/// A character that lost a byte comes back when its neighbours decide it, audited below
/// the threshold unless they decide it by far; alone, it stays U+FFFD.
#[test]
fn a_lost_byte_of_chinese_is_chosen_by_its_neighbours() {
    for (damaged, want) in [("ä¸?æ˜¯", "不是"), ("æˆ‘ä¸\u{FFFD}çŸ¥é\u{FFFD}“", "我不知道")]
    {
        let (got, edits) = fix_mojibake_line(damaged);
        assert_eq!(got, want, "{damaged}");
        assert!(edits.iter().all(|e| e.rule == "repair.mojibake-latin1"), "{edits:?}");
        eprintln!(
            "{damaged} -> {got}: {:?}",
            edits.iter().map(|e| e.confidence).collect::<Vec<_>>()
        );
        assert!(edits.iter().any(|e| e.confidence < 0.9), "{edits:?}");
    }
    let (got, _) = fix_mojibake_line("ä¸?");
    eprintln!("alone: {got}");
}

/// European words and quotes inside Chinese lines (a span of Latin-1 and Latin Extended
/// letters, curly quotes, symbols), damaged alone as Windows-1252 (WHATWG) or Latin-1, one
/// or two layers, with a space or Han text right after: every line comes back exactly.
#[test]
fn european_words_in_chinese_lines_come_back_exactly() {
    const WORDS: &[&str] = &[
        "Café",
        "naïve",
        "São Paulo",
        "Kraków",
        "“quoted”",
        "it’s",
        "Zürich",
        "résumé",
        "€100",
        "Ångström",
        "Łódź",
        "déjà vu",
        "Müller—Schäfer",
        "10°C",
        "±5%",
        "…",
    ];
    let mut rng = support::garble::Rng::new(0x6575_726F);
    let (mut lines, mut wrong, mut shown) = (0, 0, Vec::new());
    for (_, text) in clean_texts() {
        for l in text.lines().filter(|l| l.chars().count() > 8) {
            let c: Vec<char> = l.chars().collect();
            let at = rng.below(c.len());
            let word = WORDS[rng.below(WORDS.len())];
            let sep = if rng.below(2) == 0 { " " } else { "" };
            let (head, tail): (String, String) =
                (c[..at].iter().collect(), c[at..].iter().collect());
            let want = format!("{head}{word}{sep}{tail}");
            for how in [Reading::Whatwg1252, Reading::Latin1] {
                for layers in 1..=2 {
                    let damaged = format!("{head}{}{sep}{tail}", misread_n(word, how, layers));
                    let got = fix_mojibake_line(&damaged).0;
                    lines += 1;
                    let w = wrong_chars_in_line(&want, &got);
                    wrong += w;
                    if w > 0 && shown.len() < 10 {
                        shown.push(format!("{how:?} x{layers}: {damaged:?} -> {got:?}"));
                    }
                }
            }
        }
    }
    eprintln!("{lines} lines with a damaged European word: {wrong} wrong characters");
    assert!(lines > 1000, "{lines} lines");
    assert_eq!(wrong, 0, "{}", shown.join("\n"));
}

/// The clean corpus is not changed by the mojibake repair, line by line.
#[test]
fn clean_corpus_lines_are_not_mojibake() {
    for (name, text) in clean_texts() {
        for l in text.lines() {
            assert_eq!(fix_mojibake_line(l).0, l, "{name}");
        }
    }
}

// ---- Legacy Chinese charsets read as each other, or as Windows-1252. ----

use support::mojibake::{legacy_misread, Legacy};

/// The misreadings [`zhpipe::fix_mojibake_line`] undoes beyond UTF-8 (the right charset,
/// then the one that misread it).
const LEGACY: &[(Legacy, Legacy)] = &[
    (Legacy::Gbk, Legacy::Big5),
    (Legacy::Big5, Legacy::Gbk),
    (Legacy::Gbk, Legacy::Cp1252),
    (Legacy::Big5, Legacy::Cp1252),
    (Legacy::Utf8, Legacy::Big5),
];

/// The corpus written in a legacy charset and read with the wrong one: whole lines, every
/// third line, spans inside clean lines (Big5 only writes Traditional, so Big5 damage is
/// made from the texts converted to Traditional). Lines the damage left alone must come
/// back unchanged; lines damaged without loss (the reading decoder printed no U+FFFD) must
/// come back exactly, but for a few short ones whose evidence is too thin.
#[test]
fn corpus_legacy_misreadings_come_back() {
    let mut rng = support::garble::Rng::new(0x6C65_6761);
    let (mut lossless, mut exact, mut clean_changed, mut lossy, mut report) =
        (0usize, 0usize, 0usize, 0usize, Vec::new());
    let (mut lossy_chars, mut lossy_wrong) = (0usize, 0usize);
    for &(right, wrong) in LEGACY {
        for mode in ["lines", "third", "spans"] {
            let (mut n, mut ok, mut wrong_chars, mut chars) = (0, 0, 0, 0);
            for (_, text) in clean_texts() {
                let text = if right == Legacy::Big5 { traditional(&text) } else { text };
                for (i, l) in text.lines().enumerate() {
                    let damaged = match mode {
                        "lines" => legacy_misread(l, right, wrong),
                        "third" if i % 3 == 0 => legacy_misread(l, right, wrong),
                        "spans" => {
                            let c: Vec<char> = l.chars().collect();
                            let from = rng.below(c.len().max(1)).min(c.len());
                            let to = (from + 6 + rng.below(20)).min(c.len());
                            let mid: String = c[from..to].iter().collect();
                            legacy_misread(&mid, right, wrong).map(|m| {
                                let head: String = c[..from].iter().collect();
                                let tail: String = c[to..].iter().collect();
                                format!("{head}{m}{tail}")
                            })
                        }
                        _ => None,
                    };
                    let damaged = damaged.unwrap_or_else(|| l.to_string());
                    let got = fix_mojibake_line(&damaged).0;
                    if damaged == l {
                        clean_changed += usize::from(got != l);
                        if got != l {
                            eprintln!("CLEAN CHANGED {right:?} as {wrong:?}\n {l}\n {got}");
                        }
                        continue;
                    }
                    if damaged.contains('\u{FFFD}') {
                        // Bytes lost in the reading: measured, not required.
                        lossy += 1;
                        lossy_chars += l.chars().count();
                        lossy_wrong += wrong_chars_in_line(l, &got);
                        continue;
                    }
                    n += 1;
                    ok += usize::from(got == l);
                    chars += l.chars().count();
                    wrong_chars += wrong_chars_in_line(l, &got);
                    if got != l && std::env::var_os("REPAIR_DEBUG").is_some() {
                        eprintln!("{right:?} as {wrong:?} {mode}\n want {l}\n got  {got}");
                    }
                }
            }
            report.push(format!(
                "{right:?} read as {wrong:?}, {mode}: {ok}/{n} damaged lines exact, \
                 {wrong_chars} wrong chars of {chars}"
            ));
            lossless += n;
            exact += ok;
        }
    }
    for r in &report {
        eprintln!("{r}");
    }
    eprintln!(
        "legacy misreadings: {exact}/{lossless} lossless damaged lines exact; \
         {lossy} lines with bytes lost: {lossy_wrong} wrong chars of {lossy_chars}"
    );
    assert_eq!(clean_changed, 0, "clean lines changed");
    assert!(exact * 100 >= lossless * LEGACY_FLOOR, "{exact}/{lossless} exact");
}

/// Share (percent) of losslessly damaged lines that must come back exactly (about 55 %
/// measured: spans and short lines often lack the evidence, and are left as they are).
const LEGACY_FLOOR: usize = 50;

/// GBK or Big5 bytes of a few words (a span of 2–8 characters) inside an otherwise clean
/// Chinese line, read as the other charset or as UTF-8: a pasted fragment or a field
/// written in another encoding. Reported per reading: the wrong characters the damage left
/// (LCS against the clean line), those left after the repair, and the lines whose clean
/// rest the repair changed. Required: the repair never adds wrong characters, changes the
/// clean rest of at most 1 % of the lines, and leaves at most the measured share (with a
/// few points' margin) of the damage's wrong characters.
///
/// Measured: GBK read as Big5 leaves 643 of 1 388 wrong characters (104 of 308 lines
/// exact), Big5 read as GBK 289 of 1 319 (209 of 311). What is left: spans whose reading
/// lost bytes (U+FFFD), spans of one odd character or of two the general model does not
/// prefer by a clear margin, and Big5 spans read as GBK's Greek or Cyrillic letters only.
/// The UTF-8 readings lose bytes (U+FFFD) and are measured only: what they lost cannot
/// come back, and the repair leaves them as they are.
#[test]
fn legacy_spans_inside_clean_lines() {
    let mut rng = support::garble::Rng::new(0x7370_616E);
    // Each reading with the share (percent) of wrong characters the repair may leave.
    let pairs = [
        (Legacy::Gbk, Legacy::Big5, Some(50)),
        (Legacy::Big5, Legacy::Gbk, Some(25)),
        (Legacy::Gbk, Legacy::Utf8, None),
        (Legacy::Big5, Legacy::Utf8, None),
    ];
    let mut failures = Vec::new();
    for (right, wrong, ceiling) in pairs {
        let (mut n, mut exact, mut before, mut after, mut rest_changed) = (0, 0, 0, 0, 0);
        for (_, text) in clean_texts() {
            let text = if right == Legacy::Big5 { traditional(&text) } else { text };
            for l in text.lines() {
                let c: Vec<char> = l.chars().collect();
                // Clean text on both sides of the span, and a span of Chinese words.
                if c.len() < 16 {
                    continue;
                }
                let len = 2 + rng.below(7);
                let from = 4 + rng.below(c.len() - len - 7);
                let (head, mid, tail): (String, String, String) = (
                    c[..from].iter().collect(),
                    c[from..from + len].iter().collect(),
                    c[from + len..].iter().collect(),
                );
                if !mid.chars().all(|ch| ('\u{4E00}'..='\u{9FFF}').contains(&ch)) {
                    continue;
                }
                let Some(m) = legacy_misread(&mid, right, wrong) else {
                    continue;
                };
                let damaged = format!("{head}{m}{tail}");
                let got = fix_mojibake_line(&damaged).0;
                n += 1;
                exact += usize::from(got == l);
                before += wrong_chars_in_line(l, &damaged);
                after += wrong_chars_in_line(l, &got);
                let rest_kept = got.starts_with(&head) && got.ends_with(&tail);
                rest_changed += usize::from(!rest_kept);
                if (got != l && std::env::var_os("REPAIR_DEBUG").is_some()) || !rest_kept {
                    eprintln!("{right:?} as {wrong:?}\n want {l}\n was  {damaged}\n got  {got}");
                }
            }
        }
        eprintln!(
            "{right:?} span read as {wrong:?}: {n} lines, {exact} exact; wrong chars \
             {before} damaged -> {after} repaired; clean rest changed in {rest_changed}"
        );
        if after > before || rest_changed * 100 > n {
            failures.push(format!("{right:?} as {wrong:?}: {before} -> {after}, {rest_changed}"));
        }
        if ceiling.is_some_and(|c| after * 100 > before * c) {
            failures.push(format!("{right:?} as {wrong:?}: {after} of {before} left"));
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
}

fn wrong_chars_in_line(want: &str, got: &str) -> usize {
    let (w, g): (Vec<char>, Vec<char>) = (want.chars().collect(), got.chars().collect());
    w.len().max(g.len()) - lcs(&w, &g)
}

/// No line of any clean corpus text (every `.txt` and `.md` under corpus/ but those with
/// pinyin damage) is taken for mojibake of any kind: a legacy misreading, or a
/// single-byte reading (curly quotes and `×` before a space next to Han text, `” 对`, were
/// once read as Mac Roman and Latin-1 damage).
#[test]
fn clean_corpus_files_are_not_mojibake() {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "txt" || x == "md") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"), &mut files);
    let (mut lines, mut hits) = (0, Vec::new());
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        if run(&text).detected {
            continue; // pinyin-damaged (seed 002), not clean
        }
        for l in text.lines() {
            lines += 1;
            let (_, edits) = fix_mojibake_line(l);
            hits.extend(
                edits.iter().map(|e| {
                    format!("{}: {} {} -> {}", f.display(), e.rule, e.garbled, e.restored)
                }),
            );
        }
    }
    eprintln!("{} files, {lines} lines", files.len());
    assert!(files.len() > 50 && lines > 1000);
    assert!(hits.is_empty(), "{}", hits.join("\n"));
}

// ---- What repair did, downstream: the segment record's `repair` and below_threshold. ----

/// The records (parsed) and the audit of `text` run through the default pipeline with
/// `below_threshold` set to `policy`.
fn pipeline_records(
    text: &str,
    policy: &str,
) -> (Vec<serde_json::Value>, Vec<zhpipe::document::AuditEntry>) {
    use zhpipe::config::{PipelineFile, Resources};
    let toml = include_str!("../pipelines/default.toml")
        .replace("below_threshold = \"mark\"", &format!("below_threshold = \"{policy}\""));
    assert!(toml.contains(policy));
    let file = PipelineFile::parse(&toml, std::path::Path::new("test.toml")).unwrap();
    let p = zhpipe::Pipeline::build(&file, &Resources::builtin()).unwrap();
    let mut doc = zhpipe::Document::new("d", "d.txt", text.as_bytes().to_vec());
    p.run(&mut doc, zhpipe::StageKind::Emit).unwrap();
    let recs = doc.jsonl().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    (recs, doc.audit.clone())
}

/// Garbled text with guesses below the threshold: by default ("mark") every segment whose
/// lines were repaired says so, and those with a guess below the threshold are marked
/// `low_confidence` (no plausible-looking wrong sentence without a mark); "keep-damaged"
/// keeps the same segments marked with their damaged text; "drop" drops them.
#[test]
fn segments_carry_what_repair_did_and_below_threshold_applies() {
    let x = traditional(SEED_000);
    let damaged = garble(&x, &Table::random(0xB0BA, 400));
    let low_of = |recs: &[serde_json::Value]| -> Vec<String> {
        recs.iter()
            .filter(|r| r["repair"]["low_confidence"] == true)
            .map(|r| r["zh_hant"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let (mark, audit) = pipeline_records(&damaged, "mark");
    let segs: Vec<&serde_json::Value> = mark.iter().filter(|r| r["type"] == "segment").collect();
    let repaired = segs.iter().filter(|r| r["repair"].is_object()).count();
    assert!(repaired > 10, "{repaired} segments with a repair field");
    for r in segs.iter().filter(|r| r["repair"].is_object()) {
        let m = &r["repair"];
        let conf = m["min_confidence"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&conf));
        assert_eq!(m["low_confidence"] == true, conf < 0.5, "{m}");
    }
    let flagged = audit.iter().filter(|e| e.rule == zhpipe::RULE_LOW).count();
    let marked = low_of(&mark);
    assert!(flagged > 0 && !marked.is_empty(), "the simulated damage has low-confidence guesses");
    let (kept, _) = pipeline_records(&damaged, "keep-damaged");
    let kept_low = low_of(&kept);
    assert_eq!(kept_low.len(), marked.len());
    assert_ne!(kept_low, marked, "kept damaged, not the guess");
    let (dropped, audit) = pipeline_records(&damaged, "drop");
    assert!(low_of(&dropped).is_empty());
    assert_eq!(audit.iter().filter(|e| e.rule == zhpipe::RULE_DROPPED).count(), flagged);
    let n = |recs: &[serde_json::Value]| recs.iter().filter(|r| r["type"] == "segment").count();
    assert!(n(&dropped) < n(&mark));
    // Clean text carries no repair field.
    let (clean, _) = pipeline_records(SEED_000, "mark");
    assert!(clean.iter().all(|r| r.get("repair").is_none()));
}
