//! Metadata a page states about itself: `<title>`, Open Graph and `article:*` properties,
//! `<meta name=author|pubdate…>`, schema.org JSON-LD (`NewsArticle` and kin), `<time>`,
//! the `<html lang>`, and WeChat's article variables (`msg_title`, `nickname`, `ct`).

use std::sync::OnceLock;

use regex::Regex;

use super::dom::{Data, Dom, NodeId};
use crate::rules::date::normalize_date;

/// What the page says about the article. Every field is optional: pages state little.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageMeta {
    pub title: Option<String>,
    pub author: Option<String>,
    /// ISO 8601, with the offset the page gives (WeChat's epoch times: `+08:00`).
    pub published: Option<String>,
    pub url: Option<String>,
    pub site_name: Option<String>,
    pub description: Option<String>,
    pub cover: Option<String>,
    /// `<html lang>` as written (`zh-TW`).
    pub lang: Option<String>,
    /// `wechat` when the page is a WeChat article.
    pub platform: Option<String>,
}

fn meta_content<'a>(dom: &'a Dom, metas: &[NodeId], keys: &[&str]) -> Option<&'a str> {
    for key in keys {
        for &m in metas {
            let named = ["property", "name", "itemprop"]
                .iter()
                .any(|k| dom.attr(m, k).is_some_and(|v| v.eq_ignore_ascii_case(key)));
            if named {
                if let Some(v) = dom.attr(m, "content").map(str::trim).filter(|v| !v.is_empty()) {
                    return Some(v);
                }
            }
        }
    }
    None
}

/// The page's language: `<html lang>`, unless it names no region and the page's
/// `Content-Language` or `og:locale` does (`zh-Hant` beside `zh-TW`): the region says which
/// Traditional standard the page is written in.
fn language(dom: &Dom, metas: &[NodeId]) -> Option<String> {
    let html = dom.find("html").and_then(|h| dom.attr(h, "lang")).map(str::trim);
    let regional = |l: &str| {
        let l = l.to_ascii_lowercase();
        ["tw", "hk", "mo", "cn", "sg"].iter().any(|r| l.ends_with(r)) && l.starts_with("zh")
    };
    if html.is_some_and(regional) {
        return html.map(str::to_owned);
    }
    let equiv = metas.iter().find_map(|&m| {
        dom.attr(m, "http-equiv")
            .filter(|v| v.eq_ignore_ascii_case("content-language"))
            .and_then(|_| dom.attr(m, "content"))
    });
    let locale = meta_content(dom, metas, &["og:locale"]);
    equiv
        .into_iter()
        .chain(locale)
        .map(str::trim)
        .find(|l| regional(l))
        .map(|l| l.replace('_', "-"))
        .or_else(|| html.filter(|l| !l.is_empty()).map(str::to_owned))
}

/// Reads the page's metadata.
pub fn read(dom: &Dom) -> PageMeta {
    let metas: Vec<NodeId> = dom.descendants(0).filter(|&n| dom.tag(n) == "meta").collect();
    let scripts: Vec<std::borrow::Cow<'_, str>> = dom
        .descendants(0)
        .filter(|&n| dom.tag(n) == "script")
        .map(|n| script_text(dom, n))
        .collect();
    let ld = json_ld(dom);
    let wechat = WeChat::read(&scripts);
    let get = |keys: &[&str]| meta_content(dom, &metas, keys).map(clean);

    let mut m = PageMeta {
        lang: language(dom, &metas),
        url: get(&["og:url"]).or_else(|| canonical(dom)).or_else(|| wechat.link.clone()),
        site_name: get(&["og:site_name", "application-name"]),
        description: get(&["og:description", "description"]),
        cover: get(&["og:image", "twitter:image"]),
        ..PageMeta::default()
    };
    let is_wechat = dom.descendants(0).any(|n| dom.attr(n, "id") == Some("js_content"))
        || m.url.as_deref().is_some_and(|u| u.contains("mp.weixin.qq.com"));
    if is_wechat {
        m.platform = Some("wechat".to_owned());
    }

    let page_title = title_from_page(dom, m.site_name.as_deref());
    let stated = wechat
        .title
        .clone()
        .or_else(|| get(&["og:title", "twitter:title"]))
        .or_else(|| ld.as_ref().and_then(|l| l.headline.clone()))
        .map(|t| strip_site_name(&t, m.site_name.as_deref()));
    // A stated title cut short by the page's own broken quoting (`content="…龙湖集团" 暗伤"…"`)
    // is a prefix of the page's heading: the heading is whole.
    m.title = match (stated, page_title) {
        (Some(s), Some(p)) if p.len() > s.len() && p.starts_with(s.trim_end()) => Some(p),
        (s, p) => s.or(p),
    };
    let author = get(&["author", "article:author", "byl", "dc.creator", "sailthru.author"])
        .filter(|a| !a.starts_with("http") && !a.contains('@'))
        .or_else(|| ld.as_ref().and_then(|l| l.author.clone()))
        .or_else(|| element_text(dom, "js_author_name"))
        .or_else(|| wechat.nickname.clone().or_else(|| element_text(dom, "js_name")));
    // A site that names itself as author names no person: the site's name is `og:site_name`
    // or the part of `<title>` after the article's title (`…_网易财经`).
    let suffix = dom
        .find("title")
        .map(|t| dom.text_of(t))
        .and_then(|t| m.title.as_deref().and_then(|a| t.strip_prefix(a).map(str::to_owned)))
        .unwrap_or_default();
    m.author = author
        .filter(|a| Some(a.as_str()) != m.site_name.as_deref() && !(suffix.contains(a.as_str())));

    // Mainland China, Taiwan, Hong Kong and Macau all keep UTC+8.
    let chinese = chinese_page(m.lang.as_deref())
        || m.title
            .as_deref()
            .is_some_and(|t| t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
    let tz = if is_wechat || chinese { Some("+08:00") } else { None };
    m.published = get(&[
        "article:published_time",
        "og:published_time",
        "datePublished",
        "pubdate",
        "publishdate",
        "publish_date",
        "PubDate",
        "dc.date",
        "dc.date.issued",
        "sailthru.date",
        "og:release_date",
    ])
    .or_else(|| ld.as_ref().and_then(|l| l.published.clone()))
    .or_else(|| time_element(dom))
    .and_then(|d| iso_date(&d, tz))
    .or_else(|| wechat.epoch.and_then(epoch_to_beijing))
    .or_else(|| wechat.published.as_deref().and_then(|d| iso_date(d, tz)))
    .or_else(|| date_after_heading(dom, m.title.as_deref(), tz));
    m
}

/// The page's headline element: its `<h1>`, or else the `<h2>`/`<h3>` that holds the
/// article's title (pages that keep `<h1>` for nothing or for the site's logo text).
fn headline(dom: &Dom, title: Option<&str>) -> Option<NodeId> {
    dom.find("h1").or_else(|| {
        let title = clean(title?);
        (!title.is_empty()).then_some(())?;
        dom.descendants(0)
            .filter(|&n| matches!(dom.tag(n), "h2" | "h3"))
            .find(|&n| dom.text_of(n).trim() == title)
    })
}

/// The first date printed after the page's headline: news pages print the article's date
/// right under it (`2019-09-07 13:43:45　来源: …`).
fn date_after_heading(dom: &Dom, title: Option<&str>, tz: Option<&str>) -> Option<String> {
    static DATE: OnceLock<Regex> = OnceLock::new();
    let re = DATE.get_or_init(|| {
        Regex::new(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?")
            .expect("valid regex")
    });
    let h1 = headline(dom, title)?;
    let mut seen = 0;
    let mut after = false;
    for n in dom.descendants(0) {
        if n == h1 {
            after = true;
        }
        let Data::Text(t) = &dom.nodes[n].data else { continue };
        let code = dom.nodes[n].parent.is_some_and(|p| matches!(dom.tag(p), "script" | "style"));
        if !after || code {
            continue;
        }
        if let Some(d) = re.find(t) {
            return normalize_date(&d.as_str().replace('：', ":"), tz);
        }
        seen += t.len();
        if seen > 2000 {
            break;
        }
    }
    None
}

fn chinese_page(lang: Option<&str>) -> bool {
    lang.is_some_and(|l| l.to_ascii_lowercase().starts_with("zh"))
}

fn clean(s: &str) -> String {
    super::dom::fold_space(s)
}

/// A script's text, borrowed when it is one text node (nearly always: scripts are not
/// parsed as markup), so a page's JavaScript is not copied to be searched.
fn script_text(dom: &Dom, id: NodeId) -> std::borrow::Cow<'_, str> {
    let mut texts = dom.nodes[id].children.iter().filter_map(|&c| match &dom.nodes[c].data {
        Data::Text(t) => Some(&**t),
        _ => None,
    });
    match (texts.next(), texts.next()) {
        (None, _) => "".into(),
        (Some(one), None) => one.into(),
        (Some(a), Some(b)) => {
            let mut all = String::from(a);
            all.push_str(b);
            all.extend(texts);
            all.into()
        }
    }
}

fn canonical(dom: &Dom) -> Option<String> {
    dom.descendants(0)
        .find(|&n| dom.tag(n) == "link" && dom.attr(n, "rel") == Some("canonical"))
        .and_then(|n| dom.attr(n, "href"))
        .filter(|h| h.starts_with("http"))
        .map(str::to_owned)
}

fn element_text(dom: &Dom, id: &str) -> Option<String> {
    let n = dom.descendants(0).find(|&n| dom.attr(n, "id") == Some(id))?;
    Some(dom.text_of(n)).filter(|t| !t.is_empty())
}

/// `<title>` without the site's name: `标题_网易新闻` → `标题`. The first `<h1>` wins when
/// the title starts with it.
fn title_from_page(dom: &Dom, site: Option<&str>) -> Option<String> {
    let title = dom.find("title").map(|t| dom.text_of(t)).filter(|t| !t.is_empty());
    let h1 = dom.find("h1").map(|h| dom.text_of(h)).filter(|t| t.chars().count() >= 4);
    match (title, h1) {
        (Some(t), Some(h)) if t.contains(&h) => Some(h),
        (Some(t), _) => Some(strip_site_name(&t, site)),
        (None, h) => h,
    }
}

fn strip_site_name(title: &str, site: Option<&str>) -> String {
    const SEPARATORS: &[&str] = &[" - ", " | ", "_", "｜", " – ", " — ", "--", "-"];
    for sep in SEPARATORS {
        let parts: Vec<&str> = title.split(sep).map(str::trim).collect();
        if parts.len() < 2 {
            continue;
        }
        let first = parts[0];
        let rest_is_site = site.is_some_and(|s| parts[1..].iter().any(|p| p.contains(s)))
            || parts[1..].iter().all(|p| p.chars().count() <= 12);
        if first.chars().count() >= 6 && rest_is_site {
            return first.to_owned();
        }
    }
    title.to_owned()
}

fn time_element(dom: &Dom) -> Option<String> {
    let t = dom
        .descendants(0)
        .find(|&n| dom.tag(n) == "time" || dom.attr(n, "itemprop") == Some("datePublished"))?;
    dom.attr(t, "datetime").or_else(|| dom.attr(t, "content")).map(str::to_owned)
}

/// Dates as pages state them in metadata: ISO 8601 with or without offset, or the forms
/// pages print (`2024-05-10 12:30`, `2024年5月10日`).
fn iso_date(s: &str, tz: Option<&str>) -> Option<String> {
    static ISO: OnceLock<Regex> = OnceLock::new();
    let iso = ISO.get_or_init(|| {
        Regex::new(
            r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$",
        )
        .expect("valid regex")
    });
    let s = s.trim();
    if let Some(c) = iso.captures(s) {
        let secs = c.get(3).map_or(":00", |m| m.as_str());
        let offset = match c.get(4).map(|m| m.as_str()) {
            Some("Z") => "+00:00".to_owned(),
            Some(o) if !o.contains(':') => format!("{}:{}", &o[..3], &o[3..]),
            Some(o) => o.to_owned(),
            None => tz.unwrap_or("").to_owned(),
        };
        return Some(format!("{}T{}{secs}{offset}", &c[1], &c[2]));
    }
    normalize_date(s, tz)
}

/// Seconds since 1970 as Beijing time, the zone WeChat's pages show.
fn epoch_to_beijing(secs: i64) -> Option<String> {
    if !(0..=32_503_680_000).contains(&secs) {
        return None;
    }
    let local = secs + 8 * 3600;
    let days = local.div_euclid(86_400);
    let rem = local.rem_euclid(86_400);
    // Civil date from days since the epoch (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Some(format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}+08:00",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    ))
}

/// WeChat's article page keeps its metadata in script variables.
#[derive(Default)]
struct WeChat {
    title: Option<String>,
    nickname: Option<String>,
    /// The publication time as Unix seconds (`ct`, `create_time`, `oriCreateTime`).
    epoch: Option<i64>,
    /// The publication time as the page prints it (`publish_time = "2020-02-11"`).
    published: Option<String>,
    link: Option<String>,
}

impl WeChat {
    fn read(scripts: &[std::borrow::Cow<'_, str>]) -> WeChat {
        static VAR: OnceLock<Regex> = OnceLock::new();
        let var = VAR.get_or_init(|| {
            Regex::new(
                r#"(?:var\s+|window\.|\b[a-z]\.)(msg_title|nickname|ct|create_time|oriCreateTime|publish_time|msg_link)\s*=\s*(?:htmlDecode\()?\s*(?:"([^"]*)"|'([^']*)')"#,
            )
            .expect("valid regex")
        });
        let mut w = WeChat::default();
        for s in scripts.iter().filter(|s| s.contains("var ")) {
            for c in var.captures_iter(s) {
                let value = c.get(2).or(c.get(3)).map_or("", |m| m.as_str()).trim();
                if value.is_empty() {
                    continue;
                }
                let value = decode_js(value);
                match &c[1] {
                    "msg_title" => w.title.get_or_insert(value),
                    "nickname" => w.nickname.get_or_insert(value),
                    "msg_link" => w.link.get_or_insert(value.replace("\\x26amp;", "&")),
                    "publish_time" => w.published.get_or_insert(value),
                    _ => {
                        // Seconds since 1970: ten digits for any date this century.
                        if w.epoch.is_none() && value.len() >= 9 {
                            w.epoch = value.parse().ok();
                        }
                        continue;
                    }
                };
            }
        }
        w
    }
}

/// The escapes WeChat writes in its script strings (`\x26amp;`, `&quot;`).
fn decode_js(s: &str) -> String {
    s.replace("\\x26", "&")
        .replace("\\x22", "\"")
        .replace("\\x27", "'")
        .replace("\\x3c", "<")
        .replace("\\x3e", ">")
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
}

/// The fields of a schema.org article in the page's JSON-LD.
struct LdArticle {
    headline: Option<String>,
    author: Option<String>,
    published: Option<String>,
}

fn json_ld(dom: &Dom) -> Option<LdArticle> {
    const ARTICLE: &[&str] =
        &["NewsArticle", "Article", "BlogPosting", "ReportageNewsArticle", "WebPage"];
    for n in dom.descendants(0) {
        if dom.tag(n) != "script" || dom.attr(n, "type") != Some("application/ld+json") {
            continue;
        }
        let Ok(v) = serde_json::from_str::<serde_json::Value>(script_text(dom, n).trim()) else {
            continue;
        };
        let mut stack = vec![&v];
        while let Some(v) = stack.pop() {
            match v {
                serde_json::Value::Array(items) => stack.extend(items),
                serde_json::Value::Object(o) => {
                    if let Some(g) = o.get("@graph") {
                        stack.push(g);
                    }
                    let ty = o.get("@type");
                    let is_article = ty.is_some_and(|t| match t {
                        serde_json::Value::String(s) => ARTICLE.contains(&s.as_str()),
                        serde_json::Value::Array(a) => {
                            a.iter().any(|s| s.as_str().is_some_and(|s| ARTICLE.contains(&s)))
                        }
                        _ => false,
                    });
                    if is_article {
                        let s = |k: &str| o.get(k).and_then(|v| v.as_str()).map(clean);
                        return Some(LdArticle {
                            headline: s("headline").or_else(|| s("name")),
                            author: o.get("author").and_then(person_name),
                            published: s("datePublished"),
                        });
                    }
                }
                _ => {}
            }
        }
    }
    None
}

fn person_name(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(clean(s)),
        serde_json::Value::Object(o) => o.get("name").and_then(|n| n.as_str()).map(clean),
        serde_json::Value::Array(a) => {
            let names: Vec<String> = a.iter().filter_map(person_name).collect();
            (!names.is_empty()).then(|| names.join("、"))
        }
        _ => None,
    }
    .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_graph_and_article_properties() {
        let dom = Dom::parse_document(
            r#"<html lang="zh-CN"><head><title>标题在这里_网易新闻</title>
            <meta property="og:title" content="真正的标题">
            <meta name="author" content="张三">
            <meta property="article:published_time" content="2024-05-10T12:30:00+08:00">
            <link rel="canonical" href="https://example.com/a.html"></head><body></body></html>"#,
        );
        let m = read(&dom);
        assert_eq!(m.title.as_deref(), Some("真正的标题"));
        assert_eq!(m.author.as_deref(), Some("张三"));
        assert_eq!(m.published.as_deref(), Some("2024-05-10T12:30:00+08:00"));
        assert_eq!(m.url.as_deref(), Some("https://example.com/a.html"));
    }

    #[test]
    fn title_element_loses_the_site_name() {
        let dom = Dom::parse_document("<title>习近平会见外宾并发表讲话_新闻频道_央视网</title>");
        assert_eq!(read(&dom).title.as_deref(), Some("习近平会见外宾并发表讲话"));
    }

    #[test]
    fn json_ld_news_article() {
        let dom = Dom::parse_document(
            r#"<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"NewsArticle","headline":"頭條","datePublished":"2017-10-03 12:04","author":[{"@type":"Person","name":"葉素萍"}]}]}</script>"#,
        );
        let m = read(&dom);
        assert_eq!(m.title.as_deref(), Some("頭條"));
        assert_eq!(m.author.as_deref(), Some("葉素萍"));
        assert_eq!(m.published.as_deref(), Some("2017-10-03T12:04:00+08:00"));
    }

    #[test]
    fn wechat_script_variables() {
        let dom = Dom::parse_document(
            r#"<div id="js_content">正文内容在这里，很长很长的一段文字。</div><script>var nickname = htmlDecode("量子位");
            var msg_title = '标题\x26amp;副标题'.html(false); var ct = "1729767000";</script>"#,
        );
        let m = read(&dom);
        assert_eq!(m.platform.as_deref(), Some("wechat"));
        assert_eq!(m.title.as_deref(), Some("标题&副标题"));
        assert_eq!(m.author.as_deref(), Some("量子位"));
        assert_eq!(m.published.as_deref(), Some("2024-10-24T18:50:00+08:00"));
        // Newer pages: `create_time` (seconds) or only `publish_time` as printed.
        for script in [
            r#"var create_time = "1729767000" * 1;"#,
            r#"window.ct = '1729767000'; var publish_time = "2024-10-24 18:50" || "";"#,
            r#"var publish_time = "2024-10-24 18:50" || "";"#,
        ] {
            let dom = Dom::parse_document(&format!(
                r#"<div id="js_content">正文内容在这里，很长很长的一段文字。</div><script>{script}</script>"#
            ));
            assert_eq!(
                read(&dom).published.as_deref(),
                Some("2024-10-24T18:50:00+08:00"),
                "{script}"
            );
        }
    }

    #[test]
    fn date_under_a_headline_that_is_no_h1() {
        let dom = Dom::parse_document(
            "<html lang=zh-CN><head><title>午间公告：某某中标项目_证券时报网</title></head><body>\
             <h2>午间公告：某某中标项目</h2><p>2019-09-26 12:11来源：证券时报网</p><p>正文。</p>\
             <h2>为你推荐</h2><p>2019-09-30 07:42</p></body></html>",
        );
        assert_eq!(read(&dom).published.as_deref(), Some("2019-09-26T12:11:00+08:00"));
    }
}
