//! Tests for the pure normalisation functions (zhpipe::normalize).

use zhpipe::convert::{Config, Converter};
use zhpipe::{
    detect_script, detect_variant, extract_glosses, is_english, normalize_punct, Script, Variant,
};

fn seed(name: &str) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seeds");
    let prefix = format!("{name}_");
    let entry = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(&prefix))
        .unwrap();
    String::from_utf8_lossy(&std::fs::read(entry).unwrap()).into_owned()
}

#[test]
fn punct_cases() {
    let cases = [
        // Chinese context: full-width.
        ("你好,世界!", "你好，世界！"),
        ("真的吗?", "真的吗？"),
        ("注意:明天;后天", "注意：明天；后天"),
        ("他说:“好”", "他说：“好”"),
        ("是 3 比 1;目前", "是 3 比 1；目前"),
        ("OK,我们走", "OK，我们走"),
        ("真的?!", "真的？！"),
        ("海啸(supersonic tsunami),其", "海啸（supersonic tsunami），其"),
        ("“超音速海啸”(supersonic tsunami)", "“超音速海啸”（supersonic tsunami）"),
        ("(即改变比特,bits)", "（即改变比特，bits）"),
        ("第一章 (上)", "第一章（上）"),
        ("等等...然后", "等等…然后"),
        ("等等......然后", "等等……然后"),
        ("最大的产品.....人形", "最大的产品……人形"),
        ("芯片 Neuralink…..", "芯片 Neuralink……"),
        ("好…", "好…"),
        ("好……", "好……"),
        ("好………", "好………"),
        // Spaces.
        ("中 文", "中文"),
        ("中\u{3000}文", "中文"),
        ("中文 ， 英文", "中文，英文"),
        // A space between Han runs of two or more characters separates items (names in a
        // byline, a handle and the next word, a headline's two clauses): one space stays.
        ("本报记者夏命群 单霁翔打开电脑", "本报记者夏命群 单霁翔打开电脑"),
        ("@香港文汇网 阅览", "@香港文汇网 阅览"),
        ("作者 | 张月 编辑 | 张瑞", "作者 | 张月 编辑 | 张瑞"),
        ("女童遭綑綁戳下體\u{3000}家長今出面反擊", "女童遭綑綁戳下體 家長今出面反擊"),
        ("挑戰快問快答   總統談判專家上身", "挑戰快問快答 總統談判專家上身"),
        // Letter-spaced text: a one-character run on a side, the space goes.
        ("这 是 一 个 测 试", "这是一个测试"),
        ("他 说完了", "他说完了"),
        // A space dropped into a word (a dictionary word spans it) goes.
        ("变得自满和自以 为是。", "变得自满和自以为是。"),
        ("變得自滿和自以 為是。", "變得自滿和自以為是。"),
        ("XAI 在孟菲斯", "XAI 在孟菲斯"),
        ("XAI   在孟菲斯", "XAI 在孟菲斯"),
        ("XAI在孟菲斯", "XAI在孟菲斯"),
        ("1 吉瓦", "1 吉瓦"),
        ("《星际迷航》 vs. 《终结者》", "《星际迷航》 vs. 《终结者》"),
        ("  缩进保留", "  缩进保留"),
        // Left alone: English, numbers, URLs, code.
        ("Hello, world! How are you? Fine: yes; no.", "Hello, world! How are you? Fine: yes; no."),
        ("Wait... what", "Wait... what"),
        ("f(x) = g(y)", "f(x) = g(y)"),
        ("共 5,000 元", "共 5,000 元"),
        ("价格 0.25-0.30 美元", "价格 0.25-0.30 美元"),
        ("24/7 服务", "24/7 服务"),
        ("时间:10:30", "时间：10:30"),
        ("3 比 1,4 比 1", "3 比 1,4 比 1"),
        ("见https://a.com/x?a=1,b=2:3。", "见https://a.com/x?a=1,b=2:3。"),
        ("链接: http://example.com/a(b)c 。", "链接：http://example.com/a(b)c。"),
        ("邮件 a.b@example.com,谢谢", "邮件 a.b@example.com，谢谢"),
        ("代码 `a,b;c` 中", "代码 `a,b;c` 中"),
        ("ＡＢＣ１２３,中文", "ＡＢＣ１２３，中文"),
        ("第一行,\n第二行", "第一行，\n第二行"),
        ("", ""),
    ];
    for (input, want) in cases {
        assert_eq!(normalize_punct(input), want, "input {input:?}");
        assert_eq!(normalize_punct(want), want, "not idempotent on {want:?}");
    }
}

#[test]
fn punct_on_corpus_is_idempotent_and_keeps_letters_and_digits() {
    for name in ["000", "001", "003"] {
        let text = seed(name);
        let once = normalize_punct(&text);
        assert_eq!(normalize_punct(&once), once, "{name}");
        let keep = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).collect::<String>();
        assert_eq!(keep(&once), keep(&text), "{name}: letters/digits changed");
        assert_eq!(once.lines().count(), text.lines().count(), "{name}");
    }
    let t = normalize_punct(&seed("003"));
    assert!(t.contains("“超音速海啸”（supersonic tsunami），其影响力巨大"));
    assert!(t.contains("Musk 的核心结论是乐观的：AI 与机器人"));
    let hk = normalize_punct(&seed("001"));
    assert!(hk.contains("我猜至少是 3 比 1,4 比 1，也許是 5 比 1。"));
}

#[test]
fn scripts_of_the_seeds() {
    assert_eq!(detect_script(&seed("000")), Script::Hans);
    assert_eq!(detect_script(&seed("003")), Script::Hans);
    assert_eq!(detect_script(&seed("001")), Script::Hant);
    assert_eq!(detect_variant(&seed("001")), Some(Variant::Hk));
    assert_eq!(detect_variant(&seed("000")), None);
    // The same text in Taiwan forms.
    let tw = Converter::get(Config::S2tw).convert(&seed("003"));
    assert_eq!(detect_script(&tw), Script::Hant);
    assert_eq!(detect_variant(&tw), Some(Variant::Tw));
    let hk = Converter::get(Config::S2hk).convert(&seed("003"));
    assert_eq!(detect_variant(&hk), Some(Variant::Hk));
    let mixed = format!("{}\n{}", seed("000"), seed("001"));
    assert_eq!(detect_script(&mixed), Script::Mixed);
    assert_eq!(detect_script("English only, 2024."), Script::None);
}

#[test]
fn glosses_of_003() {
    let g = extract_glosses(&seed("003"));
    let pairs: Vec<(&str, &str)> = g.iter().map(|g| (g.zh.as_str(), g.en.as_str())).collect();
    for want in [
        ("丰盛时代", "Age of Abundance"),
        ("超音速海啸", "supersonic tsunami"),
        ("饱和所有人类的欲望", "saturate all human desire"),
        ("塑造原子", "shaping atoms"),
        ("颠簸", "bumpy"),
        ("内循环", "inner loop"),
        ("瓦特", "wattage"),
        ("变压器", "transformers"),
        ("孟菲斯", "Memphis"),
        ("吉瓦", "gigawatt"),
        ("质量驱动器", "mass driver"),
        ("比特优先于原子", "bits before atoms"),
        ("普遍基本收入", "UBI"),
        ("普遍高收入", "Universal High Income, UHI"),
        ("萨尔瓦多", "El Salvador"),
        ("长寿逃逸速度", "longevity escape velocity"),
        ("模拟理论", "Simulation Theory"),
        ("意识", "consciousness"),
        ("盐水池", "salt pond"),
    ] {
        assert!(pairs.contains(&want), "missing {want:?} in {pairs:?}");
    }
    assert!(pairs.len() >= 35, "{}", pairs.len());
    // No sentence-long quotations.
    assert!(pairs.iter().all(|(zh, _)| !zh.contains(['，', ','])), "{pairs:?}");
}

#[test]
fn gloss_forms() {
    let g = |t: &str| -> Vec<(String, String)> {
        extract_glosses(t).into_iter().map(|g| (g.zh, g.en)).collect()
    };
    let p = |a: &str, b: &str| vec![(a.to_string(), b.to_string())];
    assert_eq!(g("一种被称为深度学习（deep learning）的方法"), p("深度学习", "deep learning"));
    assert_eq!(
        g("「大語言模型」（Large Language Model）"),
        p("大語言模型", "Large Language Model")
    );
    assert_eq!(g("所谓的“护城河”(moat)。"), p("护城河", "moat"));
    assert_eq!(g("这是马斯克 (Elon Musk) 说的"), p("马斯克", "Elon Musk"));
    assert!(g("发布于（2024年）").is_empty());
    assert!(g("（注：见上文）").is_empty());
    assert!(g("Hello (world)").is_empty());
    // Works the same after punctuation normalisation.
    let t = "一场“超音速海啸”(supersonic tsunami),其";
    assert_eq!(g(&normalize_punct(t)), g(t));
}

#[test]
fn english_paragraphs() {
    let title = seed("001").lines().find(|l| l.starts_with("Elon Musk")).map(str::to_string);
    assert!(title.is_some_and(|t| is_english(&t)));
    assert!(is_english("The quick brown fox jumps over the lazy dog."));
    assert!(is_english("Musk said: “我们” means we, in Chinese, and he repeated it."));
    assert!(!is_english("马斯克说 AI 会改变一切"));
    assert!(!is_english("原文链接: http://mp.weixin.qq.com/s?__biz=Mzg5NTc4ODkzOA=="));
    assert!(!is_english("![](https://mmbiz.qpic.cn/mmbiz_png/abc/640?wx_fmt=png)"));
    assert!(!is_english("2024-09-11 08:51"));
    assert!(!is_english(""));
}
