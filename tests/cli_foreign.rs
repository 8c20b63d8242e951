//! Japanese and Korean through `zhpipe run`: only Chinese is converted (normalize's
//! `split_foreign`); kana and hangul lines and quoted spans reach both scripts as written.

mod common;

use common::*;

/// Every `zh_hans` and `zh_hant` of the records, joined.
fn scripts(jsonl: &str) -> (String, String) {
    let (mut hans, mut hant) = (String::new(), String::new());
    for r in records(jsonl) {
        if let (Some(s), Some(t)) = (r["zh_hans"].as_str(), r["zh_hant"].as_str()) {
            hans.push_str(s);
            hans.push('\n');
            hant.push_str(t);
            hant.push('\n');
        }
    }
    (hans, hant)
}

#[test]
fn kana_and_hangul_pass_through_conversion() {
    let text = "日本語版に移動しますか。本当に驚きました。\n\
                한국어 버전으로 이동하시겠습니까?\n\
                他在东京说了一句「日本語が話せますか」，然后离开了这里。\n\
                這裡的頭髮很長，有「髪の毛が長い」的說法。\n";
    let o = run(&["run", "-", "--quiet"], Some(text.as_bytes()));
    assert!(o.status.success(), "{}", stderr(&o));
    let (hans, hant) = scripts(&stdout(&o));
    for both in [&hans, &hant] {
        // Japanese and Korean as written: no 语, 动, 惊 in Simplified, no 語→语 either way.
        assert!(both.contains("日本語版に移動しますか"), "{both}");
        assert!(both.contains("本当に驚きました"), "{both}");
        assert!(both.contains("한국어 버전으로 이동하시겠습니까?"), "{both}");
        assert!(both.contains("「日本語が話せますか」"), "{both}");
        assert!(both.contains("「髪の毛が長い」"), "{both}");
    }
    // The Chinese around the quoted phrases is converted.
    assert!(hant.contains("他在東京說了一句") && hant.contains("然後離開了這裡"), "{hant}");
    assert!(hans.contains("这里的头发很长") && hans.contains("的说法"), "{hans}");
}
