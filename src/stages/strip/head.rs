//! The page head read for the metadata no rule found: a date line, a byline, the title
//! above them, and the site name a `<title>` carries after the article's title.
//!
//! Rules (`pipelines/rules/*.toml`) read the forms of known platforms; this module reads the
//! shapes every article head shares, whatever the site: a line that is a date (with a
//! label, the author's name or page widgets around it), a byline (a role word such as
//! 记者/作者/文 and a personal name), the title right above them, and in a column's title
//! (`呂秉權：我的《明報》故事`) its writer. A value is taken only when it reads as one: a
//! name starts with a common surname, a title is one short line without a sentence stop.
//! Nothing is read past the first body paragraph.

use std::sync::OnceLock;

use regex::Regex;

use super::boilerplate::has_bar;
use crate::document::{Action, AuditEntry, Document};
use crate::rules::byline::{author_weak, byline, is_han, is_name, latin_name};
use crate::rules::normalize_date;

/// Lines looked at, at most (some pages put a hundred navigation lines above the title).
const HEAD_LINES: usize = 160;
/// A line this long with a sentence stop is a body paragraph.
const BODY_PARAGRAPH: usize = 60;
/// The head ends with this many body paragraphs (a promotion blurb or a summary list can
/// come before the title and byline).
const BODY_PARAGRAPHS: usize = 5;
/// Page fields on lines of their own are read this many lines around the date line.
const FIELD_REACH: usize = 6;

/// Reads title, author and published date from the head when still unset, cleans the
/// title of a site-name suffix, and removes lines that were only a date.
///
/// `fields` matches the page's other fields and widgets that share a line with the date
/// (`来源：北京晨报`, `责任编辑：…`, `打印`, `字号`): a line of a date and such fields is
/// only a date.
pub fn read(doc: &mut Document, tz: Option<&str>, fields: Option<&Regex>) {
    let head = head_lines(doc);
    // The head's lines above its first body paragraph.
    let above_body =
        &head[..head.iter().position(|&i| is_body(&doc.lines[i].text)).unwrap_or(head.len())];
    let first_line = head
        .iter()
        .map(|&i| doc.lines[i].text.trim())
        .find(|t| title_like(t) && date_line(t, None).is_none())
        .map(str::to_owned);
    let mut first_anchor = None;
    let mut date_found: Option<(usize, String)> = None;
    let mut author_found: Option<(usize, String)> = None;
    // A date the page labels as its publication's (`发布时间：`, `刊出日期`) wins over an
    // unlabelled one above it (a gateway's crawl date, today's date in the masthead).
    let mut labelled_found: Option<(usize, String)> = None;
    // Lines that were only a date (or only page fields beside one, or only the author's
    // name and account), with the rule that takes each out.
    let mut pure_dates: Vec<(usize, &str)> = Vec::new();
    for &i in &head {
        let text = doc.lines[i].text.as_str();
        let date = date_line_with(text, tz, fields);
        let names = byline(text);
        if let Some(d) = &date {
            if date_found.is_none() {
                date_found = Some((i, d.iso.clone()));
            }
            if d.labelled && labelled_found.is_none() {
                labelled_found = Some((i, d.iso.clone()));
            }
            if d.pure {
                pure_dates.push((i, "strip.head-date"));
            }
            if let (Some(name), None) = (&d.name, &author_found) {
                author_found = Some((i, name.clone()));
            }
        }
        if let Some(names) = &names {
            if let ([name], None) = (names.as_slice(), &author_found) {
                author_found = Some((i, name.clone()));
            }
        }
        if first_anchor.is_none() && (date.is_some() || names.is_some()) {
            first_anchor = Some(i);
        }
    }
    // Page fields on lines of their own next to the date line (`• 类型:原创`, `• 来源:电脑报`).
    if let (Some(re), Some(&(d, _))) = (fields, labelled_found.as_ref().or(date_found.as_ref())) {
        let near = head.iter().copied().filter(|&i| i.abs_diff(d) <= FIELD_REACH && i != d);
        for i in near {
            if field_only(&doc.lines[i].text, re) && !pure_dates.iter().any(|&(k, _)| k == i) {
                pure_dates.push((i, "strip.head-fields"));
            }
        }
        pure_dates.sort_unstable();
    }
    // A block of two or more such field lines in the head is the page's, dated or not (a
    // rule may have taken the date line out already).
    if let Some(re) = fields {
        let mut run: Vec<usize> = Vec::new();
        let flush = |run: &mut Vec<usize>, out: &mut Vec<(usize, &str)>| {
            if run.len() >= 2 {
                for &i in run.iter() {
                    if !out.iter().any(|&(k, _)| k == i) {
                        out.push((i, "strip.head-fields"));
                    }
                }
            }
            run.clear();
        };
        for &i in above_body {
            if field_only(&doc.lines[i].text, re) {
                run.push(i);
            } else {
                flush(&mut run, &mut pure_dates);
            }
        }
        flush(&mut run, &mut pure_dates);
        pure_dates.sort_unstable();
    }
    if doc.meta.title.is_none() {
        // A forum thread's title behind its type tags (`[转贴] 标题`, `[转载][多图]标题`).
        let tagged = above_body
            .iter()
            .find_map(|&i| tagged_title(doc.lines[i].text.trim()).map(|t| (i, t.to_owned())));
        if let Some((i, t)) = tagged {
            set(doc, i, "strip.head-title", "title", t);
        }
    }
    if doc.meta.title.is_none() {
        // A page title with its site's name after it (`…｜Yahoo`) before the body.
        let suffixed = above_body.iter().find_map(|&i| {
            let t = doc.lines[i].text.trim();
            let clean = drop_site_suffix(t, doc);
            (clean != t && title_like(&clean)).then_some(i)
        });
        if let Some(i) = suffixed {
            let t = doc.lines[i].text.trim().to_owned();
            set(doc, i, "strip.head-title", "title", t);
        }
    }
    if doc.meta.title.is_none() {
        // A column's title in the `Author》Title` form (`李華球》可悲！…`, as Taiwan's opinion
        // sites print it): the title and its writer, and the line says nothing else.
        let column = above_body.iter().find_map(|&i| {
            let (name, title) = column_title(doc.lines[i].text.trim())?;
            Some((i, name.to_owned(), title.to_owned()))
        });
        if let Some((i, name, title)) = column {
            set(doc, i, "strip.head-column-title", "title", title);
            if author_weak(doc.meta.author.as_deref()) {
                set(doc, i, "strip.head-column-title", "author", name);
            }
            if !pure_dates.iter().any(|&(k, _)| k == i) {
                pure_dates.push((i, "strip.head-column-title"));
                pure_dates.sort_unstable();
            }
        }
    }
    if let Some(anchor) = first_anchor {
        if doc.meta.title.is_none() {
            if let Some((i, title)) = title_above(doc, anchor) {
                set(doc, i, "strip.head-title", "title", title);
            }
        }
        let account = account_byline(doc, anchor);
        if author_weak(doc.meta.author.as_deref()) {
            let found = marked_author(doc, anchor).or(account.clone()).or(author_found.clone());
            if let Some((i, name)) = found {
                doc.meta.author = None;
                set(doc, i, "strip.head-byline", "author", name);
            }
        }
        // The author-and-account line says nothing the metadata does not.
        if let Some((i, _)) = account {
            if !pure_dates.iter().any(|&(k, _)| k == i) {
                pure_dates.push((i, "strip.head-byline"));
                pure_dates.sort_unstable();
            }
        }
    }
    if doc.meta.title.is_none() {
        // A page title printed twice in a row (a mirror's `<title>` over its `<h1>`): no
        // other line of the head repeats itself right under itself.
        let doubled = above_body.windows(2).find_map(|w| {
            let (a, b) = (doc.lines[w[0]].text.trim(), doc.lines[w[1]].text.trim());
            (a == b && title_like(a) && date_line(a, None).is_none()).then_some(w[1])
        });
        if let Some(i) = doubled {
            let t = doc.lines[i].text.trim().to_owned();
            set(doc, i, "strip.head-title-twice", "title", t);
        }
    }
    if doc.meta.published.is_none() {
        if let Some((i, iso)) = labelled_found.or(date_found) {
            set(doc, i, "strip.head-date", "published", iso);
        }
    }
    // Lines that were only a date (with its label or page widgets) go, in one pass that
    // moves each later line once (their audit entries last line first, as they were).
    if !pure_dates.is_empty() {
        let entries: Vec<AuditEntry> = pure_dates
            .iter()
            .rev()
            .map(|&(i, rule)| {
                let line = &mut doc.lines[i];
                let text = std::mem::take(&mut line.text);
                AuditEntry::new(crate::StageKind::Strip, rule, Action::Remove, line.src, text)
            })
            .collect();
        let mut gone = pure_dates.iter().map(|&(i, _)| i).peekable();
        let mut i = 0;
        doc.lines.retain(|_| {
            let drop = gone.next_if_eq(&i).is_some();
            i += 1;
            !drop
        });
        for entry in entries {
            let rule = entry.rule.clone();
            doc.record(entry);
            doc.count(&rule, 1);
        }
    }
    if let Some(t) = doc.meta.title.clone() {
        let clean = drop_clock_suffix(&drop_site_suffix(&t, doc)).to_owned();
        if clean != t {
            doc.record(
                AuditEntry::new(
                    crate::StageKind::Strip,
                    "strip.title-site-suffix",
                    Action::Replace,
                    crate::document::Span::line(0),
                    t,
                )
                .to(clean.clone()),
            );
            doc.meta.title = Some(clean);
        }
    }
    if doc.meta.published.is_none() {
        if let Some(iso) = doc.meta.title.as_deref().and_then(|t| date_opening(t, tz)) {
            doc.meta.published = Some(iso);
        }
    }
    if doc.meta.author.is_none() {
        // The title, or the first title-like line when no title was read.
        let title = doc.meta.title.clone().or(first_line);
        if let Some(name) = title.as_deref().and_then(|t| columnist(t, doc)) {
            doc.meta.author = Some(name);
        }
    }
}

/// Before the profiles run: a level-1 heading among the first lines, under nothing but a
/// reader's header or images, is the title (`# Title` below SimpRead's `> 本文由…转码`).
pub fn heading_title(doc: &mut Document) {
    if doc.meta.title.is_some() {
        return;
    }
    for (seen, i) in (0..doc.lines.len()).filter(|&i| !doc.lines[i].is_blank()).enumerate() {
        let t = doc.lines[i].text.trim();
        if let Some(title) = t.strip_prefix("# ").map(|s| s.trim().trim_end_matches('#').trim()) {
            if title_like(title) {
                doc.meta.title = Some(title.to_owned());
                let src = doc.lines[i].src;
                doc.record(
                    AuditEntry::new(
                        crate::StageKind::Strip,
                        "strip.heading-title",
                        Action::Flag,
                        src,
                        t,
                    )
                    .to(format!("title={title}")),
                );
            }
            return;
        }
        let wrapper = t.starts_with(['>', '!', '[', '<']) || t.contains("://");
        if seen >= 3 || !wrapper {
            return;
        }
    }
}

fn set(doc: &mut Document, i: usize, rule: &str, field: &str, value: String) {
    let line = &doc.lines[i];
    let entry =
        AuditEntry::new(crate::StageKind::Strip, rule, Action::Flag, line.src, line.text.clone())
            .to(format!("{field}={value}"));
    match field {
        "title" => doc.meta.title = Some(value),
        "author" => doc.meta.author = Some(value),
        _ => doc.meta.published = Some(value),
    }
    doc.record(entry);
}

/// The indices of the head's non-blank lines: up to and including the first body paragraph.
fn head_lines(doc: &Document) -> Vec<usize> {
    let mut out = Vec::new();
    let mut body = 0;
    for (i, line) in doc.lines.iter().enumerate().take(HEAD_LINES) {
        if line.is_blank() {
            continue;
        }
        out.push(i);
        if is_body(&line.text) {
            body += 1;
            if body == BODY_PARAGRAPHS {
                break;
            }
        }
    }
    out
}

fn is_body(text: &str) -> bool {
    let t = text.trim();
    // A char is at least a byte: short lines are ruled out before any count.
    t.len() >= BODY_PARAGRAPH
        && t.contains(['。', '！', '？', '；'])
        && t.chars().count() >= BODY_PARAGRAPH
}

/// A line that holds a date: where it is in the line and what surrounds it.
#[derive(Debug, PartialEq)]
struct DateLine {
    iso: String,
    /// Nothing else of value: a label, page widgets (`[ 打印 ]`, `评论(1)`).
    pure: bool,
    /// The name printed before the date (`许超 2026年4月21日 04:02`).
    name: Option<String>,
    /// Under a label that names it the publication date (`发布时间：`, not `更新时间：`).
    labelled: bool,
}

fn date_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"(?:(?:中華民國|中华民国|民國|民国)\s*\d{2,3}|(?:19|20)\d{2})\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}(?:\s*日)?",
            r"(?:\s*[(（]?(?:星期|週|周|礼拜|禮拜)[一二三四五六日天][)）]?)?",
            r"(?:[\sT,]*(?:上午|下午|早上|晚上|凌晨|中午)?\s*\d{1,2}\s*[:：时時点點]\s*\d{2}(?:\s*分)?(?:[:：]\d{2}(?:\.\d+)?(?:\s*秒)?)?(?:\s*(?:[AaPp]\.?[Mm]\.?)(?:\W|$))?)?",
            r"(?:\s*(?:GMT|UTC)(?:\s*[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}:?\d{2})?",
            r"|(?i:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]{0,6}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{2}(?:,?\s+\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?)?)",
            r"|(?i:\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]{0,6}\.?,?\s+(?:19|20)\d{2})",
        ))
        .expect("valid regex")
    })
}

/// Labels a page prints before its date.
fn date_label_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)^(?:发布时间|發佈時間|發布時間|发表时间|發表時間|发布日期|發布日期|發佈日期|出版日期|更新时间|更新時間|更新|日期|时间|時間|刊出日期|刊出時間|刊出时间|出刊日期|见报日期|見報日期|刊出|发稿时间|發稿時間|上线时间|上線時間|发表于|發表於|发布于|發佈於|發布於|刊登於|刊登于|首发于|首發於|发布|發布|發佈|posted(?: on)?|published(?: on)?|updated(?: on)?|date|on)\s*[:：]?\s*",
        )
        .expect("valid regex")
    })
}

/// `2019-12-30 19:11`, `发布时间：2017/10/3 12:04`, `2017-03-16 14:40 [ 打印 ]`,
/// `许超 _2026年4月21日 04:02_`, `September 21, 2020`: a line that is a date, perhaps with
/// a label, a name before it, and source, byline or widget text after it, but no sentence.
fn date_line(text: &str, tz: Option<&str>) -> Option<DateLine> {
    date_line_with(text, tz, None)
}

/// [`date_line`], with the page's `fields` (see [`read`]) read as widgets after the date.
fn date_line_with(text: &str, tz: Option<&str>, fields: Option<&Regex>) -> Option<DateLine> {
    let t = text
        .trim()
        .trim_matches(['_', '*', '#', '>', '|', '｜', '[', ']', '【', '】', ' ', '\u{3000}']);
    // Every date has a digit: most lines are ruled out without a search.
    // A char is at most four bytes: longer lines are ruled out without a count.
    if t.len() > 4 * 90 || !may_hold_digit(t) || t.chars().count() > 90 {
        return None;
    }
    let m = date_re().find(t)?;
    let raw = &t[..m.start()];
    // A byline of the account and the date set apart by a gap or emphasis (`网新安服   2024-04-10
    // 18:30`, `Original 社区分享 *2025年9月10日 08:32*`), as exporters print it.
    let gap = !has_bar(raw)
        && (raw.trim_end().ends_with(['*', '_']) || raw.trim_end().len() + 2 <= raw.len());
    // A row of page fields before the date (`作者：广树 _|_ 时间：`, `whb761 | 发表于`,
    // `查看11 | 回复2 |`): the segment right before it is its label, the others are short
    // fields, counters or the poster's name.
    let before = fields_row(raw.trim_end())?;
    let prefix = before.trim().trim_matches(['_', '*', '|', '｜', '·', '•', ' ', '\u{3000}']);
    let label = date_label_re().find(prefix).filter(|l| !l.is_empty());
    let labelled = label.is_some_and(|l| {
        let l = l.as_str().to_ascii_lowercase();
        !l.contains("更新") && !l.contains("updated")
    });
    let prefix = label.map_or(prefix, |l| &prefix[l.end()..]).trim();
    // The site's own address before the date (`http://www.CRNTT.com 2022-08-27`) is masthead.
    let prefix = if is_address(prefix) { "" } else { prefix };
    let rest = t[m.end()..].trim().trim_matches(['_', '*']);
    let sentence = |s: &str| s.contains(['。', '！', '？', '；', '，', ',', '!', '?', ';']);
    if sentence(rest) || rest.chars().count() > 60 {
        return None;
    }
    let iso = normalize_date(m.as_str(), tz)?;
    let name = match prefix {
        "" => None,
        p if is_name(p) || latin_name(p) => Some(p.to_owned()),
        p if gap && iso.contains('T') && rest.is_empty() && account_like(p) => None,
        _ => return None,
    };
    let year: u32 = iso[..4].parse().ok()?;
    if !(1900..=2100).contains(&year) {
        return None;
    }
    // Widgets: what is left once fields, brackets, counts and separators go is a word or two.
    let rest = fields.map_or(rest.into(), |re| re.replace_all(rest, ""));
    let widget: String = rest
        .chars()
        .filter(|c| !c.is_ascii_digit() && !"[]()（）【】|｜/ \u{3000}·•_*:：".contains(*c))
        .collect();
    let pure = name.is_none()
        && widget.chars().count() <= 4
        && !widget.chars().any(|c| c.is_ascii_alphabetic() && widget.chars().count() > 3);
    Some(DateLine { iso, pure, name, labelled })
}

/// The text before a date in a row of page fields separated by bars: the segment right
/// before the date (its label, or nothing when a bar ends the row). `None` when a segment
/// is not a short field (a sentence, a long phrase). Text without bars is returned whole.
fn fields_row(before: &str) -> Option<&str> {
    let t = before.trim_end_matches(['_', '*', ' ', '\u{3000}']);
    if !has_bar(t) {
        return Some(before);
    }
    let (fields, label) = t.rsplit_once(['|', '｜'])?;
    let short = |s: &str| {
        let s = s.trim_matches(['_', '*', ' ', '\u{3000}']);
        s.chars().count() <= FIELD_MAX_CHARS
            && !s.contains(['。', '！', '？', '；', '，', ',', '!', '?', ';'])
    };
    (fields.split(['|', '｜']).all(short) && short(label)).then_some(label)
}

/// A row's field, at most this long (`作者：广树`, `查看: 5911`, `whb761`).
const FIELD_MAX_CHARS: usize = 20;

/// An account's name before its date: a word or two (Han or Latin), no digits, no label.
fn account_like(p: &str) -> bool {
    let n = p.chars().count();
    (2..=16).contains(&n)
        && p.split_whitespace().count() <= 2
        && p.chars().all(|c| is_han(c) || c.is_alphabetic() || c == ' ')
}

/// A bare web address: `http://www.CRNTT.com`, `www.example.com.cn/news`.
fn is_address(t: &str) -> bool {
    let host = t.strip_prefix("https://").or_else(|| t.strip_prefix("http://")).unwrap_or(t);
    let host = host.split('/').next().unwrap_or("");
    (t.len() > host.len() || host.starts_with("www."))
        && host.contains('.')
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

/// Whether `c` may be a decimal digit (`\d`, Unicode's `Nd`): ASCII digits, and numeric
/// chars outside the ranges that have none (Latin-1, CJK ideographs), so that the Unicode
/// table is not looked up for every Han character.
fn maybe_digit(c: char) -> bool {
    c.is_ascii_digit()
        || (c >= '\u{660}' && !('\u{3400}'..='\u{9FFF}').contains(&c) && c.is_numeric())
}

/// Whether a char of `t` may be a decimal digit ([`maybe_digit`]), read byte by byte: the
/// three bytes of a CJK ideograph (lead bytes E4–E9, U+4000–U+9FFF) are passed undecoded.
fn may_hold_digit(t: &str) -> bool {
    let b = t.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            x if x < 0x80 && x.is_ascii_digit() => return true,
            x if x < 0x80 => i += 1,
            0xE4..=0xE9 => i += 3,
            _ => {
                let c = t[i..].chars().next().expect("a char boundary");
                if maybe_digit(c) {
                    return true;
                }
                i += c.len_utf8();
            }
        }
    }
    false
}

/// The date a title opens with (`2016-07-19 數位時代訪問`), as the published date.
fn date_opening(title: &str, tz: Option<&str>) -> Option<String> {
    let m = date_re().find(title).filter(|m| m.start() == 0)?;
    let after = title[m.end()..].chars().next();
    if after.is_some_and(|c| !c.is_whitespace() && !"|｜-–—:：".contains(c)) {
        return None;
    }
    normalize_date(m.as_str(), tz)
}

/// A title-like line: one short line of Han text without a sentence stop (outside quotes), not
/// a file name.
fn title_like(t: &str) -> bool {
    let n = t.chars().count();
    (5..=80).contains(&n)
        && t.chars().any(is_han)
        && !unquoted(t).any(|c| matches!(c, '。' | '；' | '！'))
        && !t.ends_with(['，', ',', '：', ':'])
        && !t.contains("://")
        && !t.contains(" > ")
        && !attachment(t)
}

/// The characters of `t` outside quotation marks: a headline may quote a sentence with its
/// stop (`「…跟蹤。」那些年，…`).
fn unquoted(t: &str) -> impl Iterator<Item = char> + '_ {
    let mut depth = 0u32;
    t.chars().filter(move |&c| match c {
        '「' | '“' | '『' => {
            depth += 1;
            false
        }
        '」' | '”' | '』' => {
            depth = depth.saturating_sub(1);
            false
        }
        _ => depth == 0,
    })
}

/// A file name opening the line (a forum's attachment: `37.png (817.55 KB, 下载次数: 6)`).
fn attachment(t: &str) -> bool {
    let word = t.split_whitespace().next().unwrap_or("");
    word.rsplit_once('.').is_some_and(|(name, ext)| {
        !name.is_empty()
            && ["jpg", "jpeg", "png", "gif", "bmp", "webp", "zip", "rar", "pdf"]
                .contains(&ext.to_ascii_lowercase().as_str())
    })
}

/// The title above the head's first date or byline line: the nearest line above it, over
/// at most three short lines of the header cluster (`原创`, the author, the account).
fn title_above(doc: &Document, anchor: usize) -> Option<(usize, String)> {
    let mut skipped = 0;
    // Four Han characters (`格盘祥解`, `明報聲明`) are a title when no longer title is
    // above them in the cluster (an account's name is often four characters too).
    let mut four = None;
    for i in (0..anchor).rev() {
        let t = doc.lines[i].text.trim().trim_matches(['#', '*', '_', ' ']);
        if t.is_empty() {
            continue;
        }
        let account = name_account(t).is_some();
        // A widget in brackets (`[复制链接]`) is no title.
        let widget = t.starts_with(['[', '【']) && t.ends_with([']', '】']);
        let n = t.chars().count();
        if !account
            && !widget
            && title_like(t)
            && date_line(t, None).is_none()
            && byline(t).is_none()
        {
            return Some((i, t.to_owned()));
        }
        if n == 4 && t.chars().all(is_han) && four.is_none() {
            four = Some((i, t.to_owned()));
        }
        // Counters between the title and the date (`查看: 5911|回复: 14`, `共 9926字,需浏览
        // 20分钟`) are of the cluster too.
        let counter = n <= 24 && t.chars().any(|c| c.is_ascii_digit()) && !t.contains('。');
        let cluster =
            account || widget || counter || (n <= 12 && !t.contains(['。', '，', ',', '！', '？']));
        skipped += 1;
        if !cluster || skipped > 3 {
            return four;
        }
    }
    four
}

/// `刘焕勇 老刘说NLP`: an author's name and the account's, alone on a line (WeChat's header
/// as mirrors print it, between the title and the date).
fn name_account(t: &str) -> Option<&str> {
    let mut words = t.split_whitespace();
    let (name, account) = (words.next()?, words.next()?);
    let plain = |w: &str| w.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    (words.next().is_none()
        && is_name(name)
        && account.chars().count() <= 16
        && plain(account)
        && account != name)
        .then_some(name)
}

/// The author-and-account line right above the head's first date or byline line.
fn account_byline(doc: &Document, anchor: usize) -> Option<(usize, String)> {
    let i = (0..anchor).rev().find(|&i| !doc.lines[i].is_blank())?;
    name_account(doc.lines[i].text.trim()).map(|name| (i, name.to_owned()))
}

/// `李華球》可悲！民進黨…`: a writer's name, `》` and a title-like rest, with no `《` that
/// the `》` would close. Returns the name and the title.
fn column_title(t: &str) -> Option<(&str, &str)> {
    let (name, title) = t.split_once('》')?;
    let (name, title) = (name.trim(), title.trim());
    (is_name(name) && !title.contains(['《', '》']) && title_like(title)).then_some((name, title))
}

/// A title with the time of day the page printed after it (`明報聲明 (07:35)`).
pub(crate) fn drop_clock_suffix(t: &str) -> &str {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"\s*[(（]\s*\d{1,2}[:：]\d{2}\s*[)）]$").expect("valid pattern")
    });
    match re.find(t) {
        Some(m) if m.start() > 0 => &t[..m.start()],
        _ => t,
    }
}

/// A line of page fields only (`• 类型:原创`, `来源：电脑报`): every word of it is one of
/// `fields`, after a list marker.
fn field_only(text: &str, fields: &Regex) -> bool {
    let t = text.trim().trim_start_matches(['•', '·', '*', '-', '+', ' ', '\u{3000}']);
    // A label with its value (`来源:电脑报`); a bare widget label (`字號:`) is the
    // furniture scorer's evidence and stays for it.
    let valued = t.contains([':', '：']) && !t.ends_with([':', '：']);
    if !valued || t.chars().count() > 40 || date_line(t, None).is_some() {
        return false;
    }
    let rest = fields.replace_all(t, "");
    !rest.contains(|c: char| c.is_alphanumeric())
}

/// A forum thread's title behind its type tags: `[转贴] 交错的产生与解除` → the title (a
/// markdown link, `[text](url)`, is no tag).
fn tagged_title(t: &str) -> Option<&str> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"^(?:\[[^\[\]()\s]{1,6}\])+\s*([^\s(\[].*)$").expect("valid pattern")
    });
    let rest = re.captures(t)?.get(1)?.as_str().trim();
    // The tagged line is a title: short, no full stop (`!` may end a forum title).
    let plain = rest.trim_end_matches(['!', '！', '?', '？']);
    (title_like(plain) && !plain.contains('。')).then_some(rest)
}

/// WeChat's header: `原创` (or `Original`) on its own line, the author's name under it.
fn marked_author(doc: &Document, anchor: usize) -> Option<(usize, String)> {
    let lo = anchor.saturating_sub(6);
    let mut lines = (lo..anchor).filter(|&i| !doc.lines[i].is_blank());
    while let Some(i) = lines.next() {
        let t = doc.lines[i].text.trim();
        if matches!(t, "原创" | "原創" | "Original") {
            let j = lines.next()?;
            let name = doc.lines[j].text.trim();
            return (is_name(name) || latin_name(name)).then(|| (j, name.to_owned()));
        }
    }
    None
}

/// A column's writer in its title: `呂秉權：我的《明報》故事`, `记者心视线 |巫秋燕:一期一会的采访`.
/// Only when the body never names them (a headline quoting a newsmaker, `李克强：…`, names
/// them again in its report) and speaks in the first person.
fn columnist(title: &str, doc: &Document) -> Option<String> {
    let t = title.trim();
    let t = match t.strip_prefix(['【', '[']) {
        Some(rest) => rest.split_once(['】', ']']).map_or(t, |(_, r)| r.trim()),
        None => t,
    };
    let t = t.rsplit_once(['|', '｜', '丨']).map_or(t, |(_, r)| r.trim());
    let (name, rest) = t.split_once([':', '：'])?;
    let name = name.trim();
    if !is_name(name) || rest.trim().chars().count() < 4 {
        return None;
    }
    let opening: String = rest.trim().chars().take(6).collect();
    let mut mentions = 0;
    let mut first_person = 0;
    for line in &doc.lines {
        let l = line.text.trim();
        // The title's own lines (in any of its forms) and tag lines (`#資訊戰#林雨蒼`).
        if l.contains(title.trim()) || l.contains(&*opening) || l.contains('#') {
            continue;
        }
        mentions += l.matches(name).count();
        first_person += l.matches('我').count();
    }
    (mentions == 0 && first_person >= 2).then(|| name.to_owned())
}

/// Words a site's name ends with (`三立新闻网`, `腾讯云开发者社区`, `联合新闻网`).
const SITE_TAILS: &[&str] = &[
    "网",
    "網",
    "网站",
    "網站",
    "社区",
    "社區",
    "论坛",
    "論壇",
    "新闻",
    "新聞",
    "日报",
    "日報",
    "晚报",
    "晚報",
    "时报",
    "時報",
    "周刊",
    "週刊",
    "杂志",
    "雜誌",
    "电视台",
    "電視台",
    "官网",
    "官網",
    "博客",
    "部落格",
    "百科",
    "频道",
    "頻道",
    "在线",
    "在線",
    "头条",
    "頭條",
    "客户端",
    "客戶端",
    "知乎",
    "简书",
    "簡書",
];

/// The article's title without the site name a page title appends to it:
/// `卷积神经网络（CNN）详解 - 腾讯云开发者社区 - 腾讯云`, `… – Telegraph` (the source is
/// telegra.ph), `… | 社会 | 三立新闻网 SETN.COM`, `…｜Yahoo` (the text cites itself as
/// `【Yahoo 新聞報道】`). A column name after `｜` (`…｜李榜主会客室`) is not a site and stays.
fn drop_site_suffix(title: &str, doc: &Document) -> String {
    static SEP: OnceLock<Regex> = OnceLock::new();
    let sep = SEP.get_or_init(|| Regex::new(r"\s+[-–—|｜·]\s+|\s*[|｜_]\s*").expect("valid regex"));
    let mut cuts: Vec<(usize, usize)> =
        sep.find_iter(title).map(|m| (m.start(), m.end())).collect();
    let mut end = title.len();
    let mut dropped = false;
    while let Some((s, e)) = cuts.pop() {
        let seg = title[e..end].trim();
        let others = &title[..s];
        let site = site_like(seg, others, doc);
        // A short category between the title and the site name goes with it (`| 社会 |`).
        let category = dropped && seg.chars().count() <= 4 && seg.chars().all(is_han);
        if !(site || category) || title[..s].trim().chars().count() < 4 {
            break;
        }
        end = s;
        dropped = true;
    }
    title[..end].trim().to_owned()
}

fn site_like(seg: &str, others: &str, doc: &Document) -> bool {
    static DOMAIN: OnceLock<Regex> = OnceLock::new();
    let domain = DOMAIN.get_or_init(|| {
        Regex::new(r"(?i)\b[a-z0-9-]+\.(com|net|org|cn|tw|hk|io|co|me|info)\b")
            .expect("valid regex")
    });
    if seg.is_empty() || seg.chars().count() > 30 {
        return false;
    }
    if domain.is_match(seg) || SITE_TAILS.iter().any(|t| seg.ends_with(t)) {
        return true;
    }
    // The site's name repeated in another segment: `… - 腾讯云开发者社区 - 腾讯云`.
    if seg.chars().count() >= 2 && others.contains(seg) && others.find(seg) != Some(0) {
        return true;
    }
    let letters: String =
        seg.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
    if letters.len() >= 3 && seg.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '.')
    {
        // The source's host: `Telegraph` for telegra.ph.
        let host_match = doc.meta.source_urls.iter().any(|u| {
            let host = u.split("//").nth(1).unwrap_or(u).split('/').next().unwrap_or("");
            let host: String = host
                .trim_start_matches("www.")
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .collect();
            host.starts_with(&letters) || host == letters
        });
        // The text citing itself: `【Yahoo 新聞報道】`, `Yahoo新闻讯`.
        let self_cite = doc.lines.iter().take(HEAD_LINES).any(|l| {
            l.text.match_indices(seg).any(|(at, _)| {
                let after = l.text[at + seg.len()..].trim_start();
                ["新聞", "新闻", "報道", "报道", "讯", "訊"].iter().any(|w| after.starts_with(w))
            })
        });
        return host_match || self_cite;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::doc_of_lines as doc;

    #[test]
    fn every_decimal_digit_may_be_one() {
        // `\d` as the date pattern reads it: no line with a digit is ruled out.
        let digit = Regex::new(r"^\d$").unwrap();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            if digit.is_match(c.encode_utf8(&mut [0; 4])) {
                assert!(maybe_digit(c), "{c:?}");
            }
        }
        assert!(!maybe_digit('日') && !maybe_digit('年'));
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let t = format!("日{c}年");
            assert_eq!(may_hold_digit(&t), maybe_digit(c), "{c:?}");
        }
    }

    #[test]
    fn titles_may_quote_a_sentence_files_are_no_titles() {
        assert!(title_like("「戒嚴時期跑新聞的最大收穫，就是學會擺脫竊聽。」那些年的新聞人"));
        assert!(!title_like("戒嚴時期跑新聞。那些年的新聞人"));
        assert!(!title_like("“好。”他说。然后走了"));
        assert!(!title_like("37.png (817.55 KB, 下载次数: 6)"));
        assert!(title_like("Web 2.0 时代的新闻"));
    }

    #[test]
    fn date_lines() {
        let d = |t: &str| date_line(t, None);
        assert_eq!(d("2017-03-16 14:40 [ 打印 ] [ ]").unwrap().iso, "2017-03-16T14:40:00");
        assert!(d("2017-03-16 14:40 [ 打印 ] [ ]").unwrap().pure);
        assert_eq!(d("2025-8-3 19:06:10 评论(1)").unwrap().iso, "2025-08-03T19:06:10");
        assert_eq!(d("2014-01-09").unwrap().iso, "2014-01-09");
        assert_eq!(d("September 21, 2020").unwrap().iso, "2020-09-21");
        assert_eq!(d("发布时间：2017/10/3 12:04").unwrap().iso, "2017-10-03T12:04:00");
        let named = d("许超 _2026年4月21日 04:02_").unwrap();
        assert_eq!(
            (named.iso.as_str(), named.name.as_deref()),
            ("2026-04-21T04:02:00", Some("许超"))
        );
        assert!(!named.pure);
        let sourced = d("2018-06-08 15:38:24 来源: 《中国记者》杂志").unwrap();
        assert!(!sourced.pure);
        // Prose that opens with a date is no date line.
        assert_eq!(d("2019年3月5日，李克强在人民大会堂作政府工作报告"), None);
        assert_eq!(d("据报道 2019年3月5日 发布"), None);
    }

    #[test]
    fn site_suffixes() {
        let mut d = doc("正文。");
        let clean = |t: &str, d: &Document| drop_site_suffix(t, d);
        assert_eq!(
            clean("卷积神经网络（CNN）详解 - 腾讯云开发者社区 - 腾讯云", &d),
            "卷积神经网络（CNN）详解"
        );
        assert_eq!(
            clean("与母争吵疑失足坠楼 男子送医抢救不治 | 社会 | 三立新闻网 SETN.COM", &d),
            "与母争吵疑失足坠楼 男子送医抢救不治"
        );
        assert_eq!(
            clean("对话周鸿祎：别被 Co-pilot 带沟里去了｜李榜主会客室", &d),
            "对话周鸿祎：别被 Co-pilot 带沟里去了｜李榜主会客室"
        );
        assert_eq!(
            clean("自动驾驶端到端算法来了 | NeurlPS Oral", &d),
            "自动驾驶端到端算法来了 | NeurlPS Oral"
        );
        assert_eq!(clean("美国斩杀线 – Telegraph", &d), "美国斩杀线 – Telegraph");
        d.meta.source_urls.push("https://telegra.ph/abc-01-21".into());
        assert_eq!(
            clean("美国斩杀线，更适合中国宝宝体质 – Telegraph", &d),
            "美国斩杀线，更适合中国宝宝体质"
        );
        let d = doc("標題｜Yahoo\n【Yahoo 新聞報道】中國獨立記者……");
        assert_eq!(
            clean("獨立記者被拘 涉撰文揭官員涉貪｜Yahoo", &d),
            "獨立記者被拘 涉撰文揭官員涉貪"
        );
    }

    #[test]
    fn head_reads_title_author_date() {
        let mut d = doc("首页\n新闻\n今年總理記者會創下20年之最\n\n2017-03-16 14:40 [ 打印 ]\n\n記者林悅／台北報導\n\n正文第一段很长，讲了很多事情。正文第一段很长，讲了很多事情。正文第一段很长，讲了很多事情。");
        read(&mut d, Some("+08:00"), None);
        assert_eq!(d.meta.title.as_deref(), Some("今年總理記者會創下20年之最"));
        assert_eq!(d.meta.published.as_deref(), Some("2017-03-16T14:40:00+08:00"));
        assert_eq!(d.meta.author.as_deref(), Some("林悅"));
        assert!(!d.lines.iter().any(|l| l.text.contains("打印")));
        // WeChat's header: title, 原创, author, account, date.
        let mut d = doc("专访郭嘉铨:无惧抹黑丨香港一线\nOriginal\n秦玥\n直新闻\n2021-06-26\n正文");
        read(&mut d, None, None);
        assert_eq!(d.meta.title.as_deref(), Some("专访郭嘉铨:无惧抹黑丨香港一线"));
        assert_eq!(d.meta.author.as_deref(), Some("秦玥"));
        assert_eq!(d.meta.published.as_deref(), Some("2021-06-26"));
    }

    #[test]
    fn labelled_date_wins_and_field_lines_go() {
        // A gateway's crawl date above the page's labelled publication date; the labelled
        // line carries the page's fields and is only a date.
        let fields =
            Regex::new(r"(来源|來源|作者|责任编辑|責任編輯)\s*[:：]\s*\S{0,20}|打印|字號").unwrap();
        let mut d = doc("2024年08月15日 星期四\n馬化騰2個小時回答33個問題\n發佈時間:2016-03-07 01:29:35  來源:北京晨報  作者:佚名  責任編輯:羅伯特\n正文第一段很长，讲了很多事情。正文第一段很长，讲了很多事情。正文第一段很长。");
        read(&mut d, None, Some(&fields));
        assert_eq!(d.meta.published.as_deref(), Some("2016-03-07T01:29:35"));
        let kept: Vec<&str> = d.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(kept.len(), 2, "{kept:?}");
        assert!(kept[0].starts_with("馬化騰"));
        // Without the fields the line holds more than a date and stays.
        let mut d = doc("發佈時間:2016-03-07 01:29:35  來源:北京晨報  作者:佚名\n正文。");
        read(&mut d, None, None);
        assert_eq!(d.lines.len(), 2);
        // The site's address before the date, a `刊出日期` label.
        assert_eq!(
            date_line("http://www.CRNTT.com   2022-08-27 00:04:09", None).unwrap().iso,
            "2022-08-27T00:04:09"
        );
        let printed = date_line("刊出日期 2025.01.23", None).unwrap();
        assert!(printed.pure && printed.labelled);
        assert!(!date_line("更新时间：2025-01-23", None).unwrap().labelled);
    }

    #[test]
    fn columnists_and_quoted_newsmakers() {
        let mut d = doc("呂秉權:我的《明報》故事\n\n我中學時立志做記者，我被打動。");
        d.meta.title = Some("【主場新聞】呂秉權:我的《明報》故事 (1293)".into());
        read(&mut d, None, None);
        assert_eq!(d.meta.author.as_deref(), Some("呂秉權"));
        // A headline quoting a newsmaker: the report names him again.
        let mut d = doc("正文：李克强说，我们要……我们会。");
        d.meta.title = Some("李克强：我们要坚持改革".into());
        read(&mut d, None, None);
        assert_eq!(d.meta.author, None);
    }

    #[test]
    fn column_titles_and_doubled_titles() {
        // `Author》Title`: the title and its writer; the line goes.
        let mut d = doc("評論\n\n李華球》可悲!民進黨用造謠生事才能處理兩岸問題\n\n打開民進黨網頁，映入眼簾的是一段文字。");
        read(&mut d, None, None);
        assert_eq!(d.meta.title.as_deref(), Some("可悲!民進黨用造謠生事才能處理兩岸問題"));
        assert_eq!(d.meta.author.as_deref(), Some("李華球"));
        assert!(!d.lines.iter().any(|l| l.text.contains('》')));
        // A book's title closed by `》` is no column's, nor is a word that is no name.
        assert_eq!(column_title("《三體》第二部的讀後感想"), None);
        assert_eq!(column_title("科技》人工智慧的未來發展"), None);
        // A page title printed twice in a row is the title; a line printed once is not.
        let mut d = doc("剑客\n关注科技互联网\n\n从团购到打车再到单车疯潮，以及突围公式\n\n从团购到打车再到单车疯潮，以及突围公式\n\n正文。");
        read(&mut d, None, None);
        assert_eq!(d.meta.title.as_deref(), Some("从团购到打车再到单车疯潮，以及突围公式"));
        let mut d = doc("剑客\n关注科技互联网\n\n从团购到打车再到单车疯潮，以及突围公式\n\n正文。");
        read(&mut d, None, None);
        assert_eq!(d.meta.title, None);
    }

    #[test]
    fn heading_under_reader_header_is_title() {
        let mut d = doc("> 本文由 [简悦 SimpRead](http://ksria.com/simpread/) 转码\n\n# 一个半月高强度 Claude Code 使用后感受\n\n> **作者**: 王巍");
        heading_title(&mut d);
        assert_eq!(d.meta.title.as_deref(), Some("一个半月高强度 Claude Code 使用后感受"));
        let mut d = doc("正文第一段。\n\n# 小节");
        heading_title(&mut d);
        assert_eq!(d.meta.title, None);
    }
}
