use super::*;
use crate::document::Span;

fn texts(h: &HtmlText) -> Vec<&str> {
    h.lines.iter().map(|l| l.text.as_str()).filter(|t| !t.is_empty()).collect()
}

const PAGE: &str = r##"<!DOCTYPE html>
<html lang="zh-CN"><head><title>新闻标题_某某网</title><style>p{color:red}</style></head>
<body>
<div class="header"><a href="/">首页</a> | <a href="/login">登录</a></div>
<nav><ul><li><a href="/a">国内</a></li><li><a href="/b">国际</a></li></ul></nav>
<div class="main-wrap">
  <div class="article-content">
    <h1>新闻标题</h1>
    <p>第一段正文，讲述了事件的起因、经过和结果。这是一段足够长的中文文字，用来测试正文抽取。</p>
    <p>第二段正文，记者在现场看到，人们排起了长队，秩序井然，等待了很久。</p>
    <p>第三段正文，专家表示，这一现象值得关注，并提出了三点建议，供有关部门参考。</p>
    <div class="share-bar"><a href="#">分享到微博</a><a href="#">分享到微信</a></div>
  </div>
  <div class="sidebar"><h3>热门推荐</h3><ul><li><a href="/x">别的新闻一</a></li><li><a href="/y">别的新闻二</a></li></ul></div>
</div>
<div class="footer">版权所有 © 某某网 京ICP备12345678号</div>
<script>var x = 1;</script>
</body></html>"##;

#[test]
fn a_page_keeps_its_article_and_reports_the_rest() {
    assert_eq!(shape(PAGE, HtmlMode::Auto), Shape::Page);
    let h = convert(PAGE, Shape::Page).unwrap();
    let t = texts(&h);
    assert_eq!(t[0], "# 新闻标题");
    assert!(t[1].starts_with("第一段正文"));
    assert!(t[3].starts_with("第三段正文"));
    assert_eq!(t.len(), 4, "{t:?}");
    let removed: String = h.removed.iter().map(|r| r.text.as_str()).collect();
    for gone in ["登录", "国际", "分享到微博", "别的新闻二", "京ICP备12345678号"] {
        assert!(removed.contains(gone), "{gone} not in the audit: {:?}", h.removed);
    }
    assert!(h.removed.iter().any(|r| r.why == Drop::Chrome));
    assert!(h.removed.iter().any(|r| r.why == Drop::Widget));
    assert_eq!(h.code_blocks, 2, "style and script are counted");
    assert_eq!(h.meta.title.as_deref(), Some("新闻标题"));
}

#[test]
fn lines_point_at_the_html_source_lines() {
    let h = convert(PAGE, Shape::Page).unwrap();
    let first = h.lines.iter().find(|l| l.text.starts_with("第一段")).unwrap();
    assert_eq!(first.src, Span::line(9));
    let footer = h.removed.iter().find(|r| r.text.contains("版权所有")).unwrap();
    assert_eq!(footer.span, Span::line(16));
}

#[test]
fn an_rss_item_on_one_line_becomes_paragraphs_with_speakers_at_their_starts() {
    let item = "<p><strong>記者：</strong>你怎麼看這件事？</p><p>張三：我覺得很好。</p><h2>小標題</h2><p>記者：為什麼？</p><ul><li><a href=\"https://a.tw/1\">相關新聞一</a></li><li><a href=\"https://a.tw/2\">相關新聞二</a></li><li><a href=\"https://a.tw/3\">相關新聞三</a></li></ul>";
    assert_eq!(shape(item, HtmlMode::Auto), Shape::Fragment);
    let h = convert(item, Shape::Fragment).unwrap();
    assert_eq!(
        texts(&h),
        ["**記者：**你怎麼看這件事？", "張三：我覺得很好。", "## 小標題", "記者：為什麼？"]
    );
    assert!(h.removed.iter().any(|r| r.why == Drop::LinkList && r.text.contains("相關新聞三")));
}

#[test]
fn block_structure_becomes_markdown() {
    let h = convert(
        "<ol><li>一</li><li>二</li></ol><blockquote><p>引文</p></blockquote>第一句<br>第二句\
         <table><tr><td>甲</td><td>乙</td></tr></table><p>a &amp; b&nbsp;c</p>\
         <p><img src=\"https://i/x.png\" alt=\"图\"></p><pre>fn main() {\n    1\n}</pre>",
        Shape::Fragment,
    )
    .unwrap();
    assert_eq!(
        texts(&h),
        [
            "1. 一",
            "2. 二",
            "> 引文",
            "第一句",
            "第二句",
            "| 甲 | 乙 |",
            "a & b\u{a0}c",
            "![图](https://i/x.png)",
            "fn main() {\n    1\n}"
        ]
    );
    // A `<pre>` is one line of code, its line breaks and indentation kept.
    let code = h.lines.last().unwrap();
    assert_eq!(code.kind, Some(crate::document::BlockKind::Code));
}

#[test]
fn table_rows_on_one_line_are_framed_layout_rows_are_not() {
    let h = convert(
        "<table><tr><th>项目</th><th>价格</th></tr><tr><td>甲</td><td>100</td></tr>\
         <tr><td>单元</td></tr><tr><td><p>第一段。</p><p>第二段。</p></td><td>边栏</td></tr></table>",
        Shape::Fragment,
    )
    .unwrap();
    assert_eq!(
        texts(&h),
        ["| 项目 | 价格 |", "| 甲 | 100 |", "单元", "第一段。", "第二段。", "边栏"]
    );
}

#[test]
fn soft_wraps_between_han_characters_vanish_and_spaces_between_words_stay() {
    let h = convert("<p>第一行\n第二行 English\nwords <b>粗体</b>字</p>", Shape::Fragment).unwrap();
    assert_eq!(texts(&h), ["第一行第二行 English words **粗体**字"]);
}

#[test]
fn links_keep_their_text_and_their_targets_are_listed() {
    let h = convert(
        "<p>见<a href=\"https://example.com/x\">这篇文章</a>和<a href=\"javascript:;\">这个</a>。</p>",
        Shape::Fragment,
    )
    .unwrap();
    assert_eq!(texts(&h), ["见这篇文章和这个。"]);
    assert_eq!(h.links, ["https://example.com/x"]);
}

#[test]
fn hidden_elements_are_left_out_but_script_revealed_content_is_kept() {
    let page = "<!doctype html><body><div id=\"js_content\" style=\"visibility: hidden;\">\
                <p>微信正文第一段，很长的内容。</p><p style=\"display:none\">隐藏的字</p></div></body>";
    let h = convert(page, Shape::Page).unwrap();
    assert_eq!(texts(&h), ["微信正文第一段，很长的内容。"]);
    assert!(h.removed.iter().any(|r| r.why == Drop::Hidden && r.text == "隐藏的字"));
}

#[test]
fn shapes_are_told_apart() {
    assert_eq!(shape("# 标题\n\n正文<br>\n\n更多正文\n\n还有\n", HtmlMode::Auto), Shape::Text);
    assert_eq!(shape("正文 a < b > c\n", HtmlMode::Auto), Shape::Text);
    assert_eq!(
        shape("<div>一</div>\n<div>二</div>\n<div>三</div>\n", HtmlMode::Auto),
        Shape::Fragment
    );
    assert_eq!(shape("正文", HtmlMode::Always), Shape::Fragment);
    assert_eq!(shape("<html><body>x</body></html>", HtmlMode::Never), Shape::Text);
    assert_eq!(shape("\u{feff}  <!DOCTYPE HTML>\n<html>", HtmlMode::Auto), Shape::Page);
}

#[test]
fn tags_inside_text_lines_are_read_and_code_is_left_alone() {
    let lines: Vec<Line> =
        ["文字<ins>插入</ins>了", "```", "<div>代码</div>", "```", "用 `<br>` 换行", "a < b"]
            .iter()
            .enumerate()
            .map(|(i, t)| Line::new(*t, Span::line(i as u32 + 1)))
            .collect();
    let h = convert_lines(&lines).unwrap();
    let t: Vec<&str> = h.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(t, ["文字插入了", "```", "<div>代码</div>", "```", "用 `<br>` 换行", "a < b"]);
    assert!(convert_lines(&lines[5..]).is_none());
}

#[test]
fn malformed_and_hostile_markup_degrades_to_text() {
    for junk in [
        "<html><body><p>未闭合<div><span>嵌套",
        "<html>\u{0}\u{1}<<<>>>&#xFFFFFF;&bogus;</p></p></html>",
        "<!doctype html><table><tr><td><table><tr><td>深</td></tr></table>",
    ] {
        let h = convert(junk, shape(junk, HtmlMode::Always)).unwrap();
        assert!(h.lines.iter().all(|l| !l.text.contains('<') || l.text.contains("<<<")));
    }
}

#[test]
fn markup_nested_too_deep_is_not_parsed() {
    let deep = "<div>".repeat(100_000) + "底" + &"</div>".repeat(100_000);
    assert_eq!(convert(&deep, Shape::Fragment).unwrap_err(), TooDeep { depth: 100_000 });
}

#[test]
fn bold_across_a_paragraph_break_is_closed_on_each_line() {
    let h = convert("<p><b>小标题一<br>小标题二</b>正文</p>", Shape::Fragment).unwrap();
    assert_eq!(texts(&h), ["**小标题一**", "**小标题二**正文"]);
}

#[test]
fn a_one_paragraph_article_beats_the_site_notice_beside_it() {
    // The notice is as long as the article and has as many commas; only its opening says
    // what it is. Neither block's class names it.
    let page = r#"<!DOCTYPE html><html><body>
<div class="layout"><div class="w600"><div class="art_context"><div class="art_contextBox">
<p>据报道，今日召开的发布会介绍，区域交通一体化建设取得积极成效，下一步将着力打造综合立体交通网络，实现快速铁路覆盖所有地级城市，形成相邻城市间一个半小时交通圈。</p>
</div></div></div></div>
<div class="box2"><p>【免责声明】本文仅代表作者本人观点，与本网无关。本网对文中陈述、观点判断保持中立，不对所包含内容的准确性、可靠性或完整性提供任何保证。请读者仅作参考，并自行承担全部责任。</p></div>
</body></html>"#;
    let h = convert(page, Shape::Page).unwrap();
    let text = texts(&h).join("\n");
    assert!(text.contains("交通圈"), "{text}");
    assert!(!text.contains("免责声明"), "{text}");
}
