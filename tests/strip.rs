//! strip, both directions: boilerplate is gone from the records, content is still there, and
//! every source line is either in a segment or accounted for in the audit trail.

mod common;

use serde_json::Value;
use zhpipe::Pipeline;

struct Run {
    doc: Value,
    text: String,
    audit: Vec<Value>,
    segments: Vec<Value>,
}

fn run(path: &str) -> Run {
    let bytes = std::fs::read(path).unwrap();
    let out = Pipeline::builtin().unwrap().process_bytes(path, bytes).unwrap();
    let recs = common::records(&out.jsonl());
    let segments: Vec<Value> = recs[1..].to_vec();
    let text = segments
        .iter()
        .map(|s| match (s["zh_hans"].as_str(), s["zh_hant"].as_str()) {
            (Some(h), Some(t)) => format!("{h}\n{t}"),
            _ => s["en"][0]["en"].as_str().unwrap_or("").to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let audit = common::records(&out.audit_jsonl());
    Run { doc: recs[0].clone(), text, audit, segments }
}

fn seed(prefix: &str) -> Run {
    run(common::seed(prefix).to_str().unwrap())
}

fn assert_gone(r: &Run, junk: &[&str]) {
    for j in junk {
        assert!(!r.text.contains(j), "boilerplate `{j}` survived");
    }
}

fn assert_kept(r: &Run, content: &[&str]) {
    for c in content {
        assert!(r.text.contains(c), "content `{c}` was lost");
    }
}

/// Every non-blank source line is inside some segment's line range or some audit entry's.
fn assert_nothing_silently_lost(path: &str, r: &Run) {
    let src = std::fs::read_to_string(path).unwrap();
    let covered = |n: u32| {
        let within = |v: &Value| {
            let (a, b) = (v[0].as_u64().unwrap() as u32, v[1].as_u64().unwrap() as u32);
            a <= n && n <= b
        };
        r.segments.iter().any(|s| within(&s["source"]["lines"]))
            || r.audit.iter().any(|a| within(&a["lines"]))
    };
    for (i, line) in src.lines().enumerate() {
        let n = i as u32 + 1;
        let markup_only =
            line.trim().chars().all(|c| matches!(c, '*' | '_' | '#' | '>' | '-' | ' '));
        if !line.trim().is_empty() && !markup_only {
            assert!(covered(n), "{path}: line {n} is in no segment and no audit entry: {line}");
        }
    }
}

#[test]
fn wechat_boilerplate_goes_metadata_comes_out_content_stays() {
    let r = seed("000_");
    assert_gone(
        &r,
        &[
            "关注公众号",
            "阅读约需",
            "点赞、收藏",
            "往期回顾",
            "请联系负责人",
            "END",
            "未经许可",
            "素材来源",
            "文章作者",
            "发布时间",
            "封面图链接",
            "原文链接",
            "**",
            "![",
            "我们旨在",
            "](",
        ],
    );
    assert_kept(
        &r,
        &[
            "埃隆·马斯克不仅会成为世界上最富有的人",
            "2024 ALL-IN”峰会上",
            "是一款为学习计算机编程教育而设计的微型电脑",
            "那可真是让人不安啊（笑）",
            "哈哈，那不是真的。",
        ],
    );
    let d = &r.doc;
    assert_eq!(d["platform"], "wechat");
    assert_eq!(d["author"], "AI深度研究员");
    assert_eq!(d["published"], "2024-09-11T08:51:00+08:00");
    assert_eq!(d["location"], "上海");
    assert!(d["title"]["zh_hans"].as_str().unwrap().starts_with("在2024的AII-IN峰会"));
    assert!(d["cover_url"].as_str().unwrap().starts_with("https://mmbiz.qpic.cn/"));
    let urls = d["source_urls"].to_string();
    assert!(urls.contains("mp.weixin.qq.com") && urls.contains("youtube.com/watch"), "{urls}");
    assert!(r.segments.iter().any(|s| s["kind"] == "note"), "the translator's note is a note");
    assert!(r.segments.iter().any(|s| s["kind"] == "quote"), "the lede quote is a quote");
    assert_nothing_silently_lost(common::seed("000_").to_str().unwrap(), &r);
}

#[test]
fn hk_article_keeps_everything_and_finds_the_english_title() {
    let r = seed("001_");
    assert!(r.doc["title"]["en"].as_str().unwrap().starts_with("Elon Musk's latest interview"));
    assert_kept(&r, &["當地時間 1 月 8 日", "以下是採訪亮點", "我想鼓勵人們對未來保持樂觀"]);
    let removed: Vec<_> = r.audit.iter().filter(|a| a["action"] == "remove").collect();
    assert!(
        removed.iter().all(|a| a["stage"] == "segment"),
        "only in-turn repeats are removed: {removed:?}"
    );
    assert_nothing_silently_lost(common::seed("001_").to_str().unwrap(), &r);
}

#[test]
fn netease_disclaimer_goes_sections_and_summary_are_typed_and_truncation_is_flagged() {
    let r = seed("002_");
    assert_gone(&r, &["特別聲明", "Notice:", "网易号", "![]", "](", "*埃隆"]);
    assert_eq!(r.doc["platform"], "netease");
    assert_eq!(r.doc["truncated"], true);
    assert!(r.segments.iter().any(|s| s["kind"] == "summary"));
    let headings: Vec<_> = r.segments.iter().filter(|s| s["kind"] == "heading").collect();
    assert!(headings.len() >= 5, "italic section markers are headings");
    assert_nothing_silently_lost(common::seed("002_").to_str().unwrap(), &r);
}

#[test]
fn seo_site_furniture_and_injected_site_name_go() {
    let r = seed("003_");
    let site = r.doc["extra"]["site"].as_str().expect("the header names the site").to_owned();
    assert!(site.len() >= 4);
    assert_gone(&r, &[&site, "浏览次数", "返回列表", "(图1)", "评测资讯"]);
    assert!(!r.text.lines().any(|l| l.trim() == "搜索" || l.trim() == "News"));
    assert!(!r.text.lines().any(|l| l.starts_with([':', '：'])), "orphan colons are dropped");
    assert_kept(
        &r,
        &["虽然听起来惊人", "需要重新定义", "月球制造基地", "这为整场关于技术和未来的讨论"],
    );
    assert!(
        r.text.lines().any(|l| l.starts_with("月球制造基地")),
        "inline `*` bullets start new items"
    );
    assert_eq!(r.doc["published"], "2026-01-13T12:31:54+08:00");
    assert!(r.doc["title"]["zh_hans"].as_str().unwrap().starts_with("马斯克最新三小时访谈"));
    assert_eq!(r.doc["platform"], "seo-site");
    assert_nothing_silently_lost(common::seed("003_").to_str().unwrap(), &r);
}

#[test]
fn rules_do_not_fire_on_articles_without_boilerplate() {
    for path in
        ["corpus/precision/clean_article.txt", "corpus/precision/boilerplate_words_in_content.txt"]
    {
        let r = run(path);
        // A headline taken as the title leaves the body (it is the document's title, not lost).
        let title = &r.doc["title"]["zh_hans"];
        let removed: Vec<_> = r
            .audit
            .iter()
            .filter(|a| a["action"] == "remove")
            .filter(|a| !(a["rule"] == "strip.title-repeat" && &a["before"] == title))
            .collect();
        assert!(removed.is_empty(), "{path}: removed {removed:?}");
        assert_nothing_silently_lost(path, &r);
    }
    let r = run("corpus/precision/boilerplate_words_in_content.txt");
    assert_kept(
        &r,
        &["未经许可转载的问题依然严重", "关注公众号、设为星标已经不够了", "二维码和“长按识别”"],
    );
}

/// A WeChat article (by its header) with one boilerplate line between two paragraphs.
fn wechat_with(line: &str) -> String {
    format!(
        "# 标题\n\n文章作者: 某公众号\n发布时间: 2024-01-02 03:04\n原文链接: https://mp.weixin.qq.com/s/x\n\n\
         第一段正文讲的是电池的价格。\n\n{line}\n\n第二段正文讲的是工厂的良率。\n"
    )
}

#[test]
fn wechat_boilerplate_in_other_wordings_goes_too() {
    let p = Pipeline::builtin().unwrap();
    let lines = [
        "点击上方蓝字，关注我们",
        "设为星标，不错过每一篇推送",
        "本文约2800字，阅读需要7分钟",
        "长按识别二维码，关注我们",
        "扫码添加小编",
        "商务合作请加微信：energy-2024",
        "觉得不错，请点个在看",
        "喜欢就点赞、转发、在看三连吧",
        "阅读原文",
        "未经授权，禁止转载",
        "图片来源：网络",
    ];
    for line in lines {
        let out = p.process_bytes("w.txt", wechat_with(line).into_bytes()).unwrap();
        let recs = out.jsonl();
        assert!(!recs.contains(line), "`{line}` survived");
        assert!(
            recs.contains("第一段正文") && recs.contains("第二段正文"),
            "content lost around `{line}`"
        );
        assert!(
            out.audit_jsonl().contains("\"rule\":\"wechat."),
            "`{line}` removed without a wechat rule"
        );
    }
    // End markers and recommended-reading headings drop the rest of the page.
    for line in ["—— END ——", "- THE END -", "END", "▼往期推荐▼", "推荐阅读", "**往期回顾**"]
    {
        let out = p.process_bytes("w.txt", wechat_with(line).into_bytes()).unwrap();
        let recs = out.jsonl();
        assert!(
            recs.contains("第一段正文") && !recs.contains("第二段正文"),
            "`{line}` did not end the article"
        );
    }
}

/// The same kind of article saved from the rendered page: a `原创 作者 公众号` byline, an
/// italic date-and-place line, and the page's footer widgets instead of the export header.
#[test]
fn wechat_rendered_page_byline_date_and_footer_widgets() {
    let path = "corpus/wechat/rendered_page.md";
    let r = run(path);
    assert_eq!(r.doc["platform"], "wechat");
    assert_eq!(r.doc["author"], "张三");
    assert_eq!(r.doc["published"], "2025-03-12T08:30:00+08:00");
    assert_eq!(r.doc["location"], "北京");
    assert_gone(
        &r,
        &["原创", "javascript", "预览时标签不可点", "微信扫一扫", "轻点两下", "Got It", "推荐阅读"],
    );
    assert_kept(&r, &["人类在会说话之前", "我一直支持开放的学术研究。"]);
    assert_eq!(r.segments[0]["kind"], "summary");
    let turns = r.segments.iter().filter(|s| s["kind"] == "turn").count();
    assert_eq!(turns, 6);
    assert_nothing_silently_lost(path, &r);
}

/// A content-farm page injects its brand (the header's site name less 体育/(中国)/官方网站)
/// into the copied article's sentences; a news site whose name is ordinary words keeps them.
#[test]
fn injected_site_brand_goes_but_a_news_sites_own_words_stay() {
    let path = "corpus/seo/brand_injection.txt";
    let r = run(path);
    assert_eq!(r.doc["platform"], "seo-site");
    assert_eq!(r.doc["extra"]["site"], "华体会体育(中国)官方网站");
    assert_gone(&r, &["华体会", "相关新闻", "版权所有", "ICP备"]);
    assert_kept(&r, &["需求。只有通过加速计算", "核心资产。这一点在欧洲和中东"]);
    let cuts = r.audit.iter().filter(|a| a["rule"] == "strip.injected-name").count();
    assert_eq!(cuts, 2);
    assert_nothing_silently_lost(path, &r);

    let path = "corpus/precision/news_site_name_in_content.txt";
    let r = run(path);
    assert_eq!(r.doc["extra"]["site"], "中国经济网");
    assert_eq!(
        r.doc["title"]["zh_hans"], "统计局：一季度中国经济开局良好",
        "the line above the date"
    );
    assert_gone(&r, &["经济要闻", "上一篇", "浏览次数"]);
    assert!(r.audit.iter().all(|a| a["rule"] != "strip.injected-name"), "{:?}", r.audit);
    assert_kept(
        &r,
        &["一季度中国经济运行开局良好", "中国经济的韧性", "中国经济网记者", "据中国经济网报道"],
    );
    assert_nothing_silently_lost(path, &r);
}

/// A NetEase article page as saved from the site: title, date-source-place line, widgets,
/// editor line and stance note around the body, the related lists after the disclaimer.
#[test]
fn netease_page_header_and_footer_become_metadata() {
    let path = "corpus/netease/article_page.txt";
    let r = run(path);
    assert_eq!(r.doc["platform"], "netease");
    assert_eq!(
        r.doc["title"]["zh_hans"],
        "奥特曼接受专访：GPT-6将在年内发布，AGI比多数人想象的更近"
    );
    assert_eq!(r.doc["published"], "2026-03-08T10:21:35+08:00");
    assert_eq!(r.doc["location"], "北京");
    assert_eq!(r.doc["extra"]["source"], "科技每日推送");
    assert_eq!(r.doc["extra"]["editor"], "王五");
    assert_gone(&r, &["举报", "分享至", "不代表网易立场", "责任编辑", "特别声明", "热点推荐"]);
    assert_kept(&r, &["三条曲线都还在上升", "所以核聚变和太阳能非常关键。"]);
    let turns = r.segments.iter().filter(|s| s["kind"] == "turn").count();
    assert_eq!(turns, 5);
    assert_nothing_silently_lost(path, &r);
}

fn process(text: &str) -> (Value, String, String) {
    let out = Pipeline::builtin().unwrap().process_bytes("t.md", text.as_bytes().to_vec()).unwrap();
    let recs = common::records(&out.jsonl());
    (recs[0].clone(), out.jsonl().into_owned(), out.audit_jsonl())
}

/// A WeChat article saved by a read-later tool: setext title, the tool's byline line with the
/// article URL, image links whose URL holds `()`, a profile card mid-text, and closing
/// furniture after the last turn.
#[test]
fn read_later_wrapper_profile_card_and_closing_furniture() {
    let text = "某某访谈：谈谈电池的未来\n==========\n\n\
        [mp.weixin.qq.com](https://mp.weixin.qq.com/s/abc)王编辑 能源前沿\n\n\
        ![](https://cubox.pro/c/filters:no_upscale()?imageUrl=https%3A%2F%2Fmmbiz.qpic.cn%2Fx)\n\n\
        **主持人：** 过去一年电池价格下降得很快，原因是什么？\n\n\
        **工程师：** 主要是原材料的价格回落了，工厂的良率也在提高。\n\n\
        **能源前沿**\n\n专注能源科技的深度报道。\n\n23篇原创内容\n\n公众号\n\n，\n\n\
        **主持人：** 对家庭用户意味着什么？\n\n\
        **工程师：** 屋顶光伏加储能的回报周期会缩短到五年以内。\n\n\
        *** ** * ** ***\n\n\
        看到这里了，给个【赞】跟【在看】吧，也欢迎【分享】！\n\n\
        --能源前沿--\n\n更多榜单\n\n能源前沿 全网同名\n\n\
        [跳转到 Cubox 查看](https://cubox.pro/my/card?id=1)\n";
    let (doc, recs, audit) = process(text);
    assert_eq!(doc["title"]["zh_hans"], "某某访谈：谈谈电池的未来");
    assert_eq!(doc["author"], "王编辑");
    assert_eq!(doc["platform"], "wechat");
    assert!(doc["source_urls"].to_string().contains("https://mp.weixin.qq.com/s/abc"));
    for junk in [
        "imageUrl",
        "====",
        "23篇原创内容",
        "专注能源科技",
        "在看",
        "全网同名",
        "Cubox",
        "更多榜单",
    ] {
        assert!(!recs.contains(junk), "`{junk}` survived");
    }
    for kept in ["原材料的价格回落了", "回报周期会缩短到五年以内"] {
        assert!(recs.contains(kept), "`{kept}` was lost");
    }
    for rule in ["strip.setext-heading", "strip.profile-card", "strip.tail-furniture"] {
        assert!(audit.contains(rule), "no `{rule}` in the audit");
    }
}

/// A scraped news page: front matter, navigation and a view counter above the article, a
/// `NAME (uid) 发表于 DATE` line, and a footer of menu links, copyright and ICP numbers.
#[test]
fn news_page_chrome_goes_and_its_header_becomes_metadata() {
    let text = "title: 一条科技新闻的标题\nurl: https://news.example.org/story/1\ndate: 2023-08-12\nfetch_date: 2025-01-01\n\n\
        登录 注册\n\n* 文章\n* 皮肤\n\n关注我们：\n\n本文已被查看 10288 次\n\n一条科技新闻的标题\n\n\
        张三 (42865)发表于 2023年08月11日 14时08分 星期五 微博分享\n\n\
        今天的大模型主要用一家公司的芯片训练，这对整个生态系统并不是好事。\n\n\
        * [首页](/)\n* [使用条款](/terms)\n\n其余内容版权属于本站所有。\n\n京ICP证000000号\n";
    let (doc, recs, _) = process(text);
    assert_eq!(doc["title"]["zh_hans"], "一条科技新闻的标题");
    assert_eq!(doc["author"], "张三");
    assert_eq!(doc["published"], "2023-08-11T14:08:00+08:00");
    assert!(doc["source_urls"].to_string().contains("https://news.example.org/story/1"));
    for junk in ["登录", "皮肤", "本文已被查看", "fetch_date", "发表于", "使用条款", "ICP", "版权"]
    {
        assert!(!recs.contains(junk), "`{junk}` survived");
    }
    assert!(recs.contains("这对整个生态系统并不是好事"));
}

/// Structure: bullet items stay separate items, jammer strings go, inline tags go, and a Taiwan
/// news page's banners in three languages go while its dateline names the reporter.
#[test]
fn list_items_jammers_inline_tags_and_banners() {
    let (_, recs, _) = process(
        "# 讲座逐字稿\n\n- 演讲者：某某（Someone）\n- 演讲日期：2026 年 7 月 5 日\n\n\
         & p5 L& @6 e; G0 @在绝大多数场合，他是那个<ins>被提问</ins>的人。\n",
    );
    assert!(recs.contains("\"zh_hans\":\"演讲者：某某（Someone）\""), "list item joined: {recs}");
    assert!(!recs.contains("p5") && !recs.contains("<ins>") && recs.contains("被提问的人"));

    let (doc, recs, _) = process(
        "本網站使用相關技術提供更好的閱讀體驗,同時尊重使用者隱私,當您關閉此視窗,代表您同意上述規範。\n\
         Your browser does not appear to support Traditional Chinese. Would you like to go to the English website?\n\
         こちらのページは繁体字版です。日本語版に移動しますか。\n\
         一手新聞APP Icon一手新聞APP\n下載\n\n\
         挑戰快問快答 總統談判專家上身\n\n2017/10/3 12:04(10/3 18:04 更新)\n\n\
         (中央社記者葉素萍台北3日電)總統1日接受專訪,挑戰「快問快答」,她透露了很多事情。\n",
    );
    // The space between the headline's two clauses separates them and stays (normalize).
    assert_eq!(doc["title"]["zh_hant"], "挑戰快問快答 總統談判專家上身");
    assert_eq!(doc["author"], "葉素萍");
    assert!(doc["published"].as_str().unwrap().starts_with("2017-10-03T12:04"));
    for junk in ["閱讀體驗", "browser", "フォーカス", "繁体字", "APP"] {
        assert!(!recs.contains(junk), "`{junk}` survived");
    }
    assert!(recs.contains("她透露了很多事情"));
}
