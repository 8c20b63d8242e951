//! Dates as pages print them, to ISO 8601.

use std::sync::OnceLock;

use regex::Regex;

/// `2024-09-11 08:51`, `2026-01-13 12:31:54`, `2024/9/11`, `2024年9月11日 08:51`,
/// `2023年08月11日 14时08分`, `2019-12-30 19:11 GMT+8` → ISO 8601
/// (`2024-09-11T08:51:00+08:00`). A date without a time stays a date. `tz` is the offset
/// to attach when the text carries none (a platform's home time zone).
pub fn normalize_date(text: &str, tz: Option<&str>) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT]*(\d{1,2})\s*[:：时時点點]\s*(\d{2})\s*分?(?:[:：](\d{2})(?:\.\d+)?\s*秒?)?)?\s*(?:(GMT|UTC)?\s*(?:([+-])(\d{1,2}):?(\d{2})?)?)?\s*(?:[(（]?(?:北京时间|北京時間|台北時間|香港時間)[)）]?)?\s*$",
        )
        .expect("valid regex")
    });
    let text = weekday_dropped(&roc_to_gregorian(text));
    let (text, afternoon) = half_day(&english_to_numeric(&text));
    let c = re.captures(&text)?;
    let num = |i: usize| c.get(i).map(|m| m.as_str().parse::<u32>().unwrap_or(0));
    let (y, mo, d) = (num(1)?, num(2)?, num(3)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let date = format!("{y:04}-{mo:02}-{d:02}");
    let Some(h) = num(4) else { return Some(date) };
    let (mi, s) = (num(5).unwrap_or(0), num(6).unwrap_or(0));
    let h = if afternoon && h < 12 { h + 12 } else { h };
    if h > 23 || mi > 59 || s > 60 {
        return None;
    }
    // An offset the page states (`GMT+8`, `+08:00`, a bare `UTC`) wins over the platform's.
    let stated = match (c.get(8), c.get(7)) {
        (Some(sign), _) => {
            Some(format!("{}{:02}:{:02}", sign.as_str(), num(9).unwrap_or(0), num(10).unwrap_or(0)))
        }
        (None, Some(_)) => Some("+00:00".to_owned()),
        (None, None) => None,
    };
    Some(format!("{date}T{h:02}:{mi:02}:{s:02}{}", stated.as_deref().or(tz).unwrap_or("")))
}

/// English dates (`September 21, 2020`, `Sep. 21, 2020 10:05`, `21 September 2020`) →
/// `2020-9-21 …`, the numeric form the pattern reads.
fn english_to_numeric(text: &str) -> std::borrow::Cow<'_, str> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"(?i)^\s*(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?(?:(?P<m1>[a-z]{3,9})\.?\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{4})|(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m2>[a-z]{3,9})\.?,?\s+(?P<y2>\d{4}))(?P<rest>(?:[\sT,]+.*)?)$",
        )
        .expect("valid regex")
    });
    let Some(c) = re.captures(text) else { return text.into() };
    let (m, d, y) = match (c.name("m1"), c.name("m2")) {
        (Some(m), _) => (m, &c["d1"], &c["y1"]),
        (None, Some(m)) => (m, &c["d2"], &c["y2"]),
        (None, None) => return text.into(),
    };
    let Some(month) = month_number(m.as_str()) else { return text.into() };
    let rest = c.name("rest").map_or("", |r| r.as_str().trim_start_matches([',', ' ']));
    format!("{y}-{month}-{d} {rest}").into()
}

/// 1–12 for an English month name or its abbreviation (`Sept` too).
fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let n = name.to_ascii_lowercase();
    MONTHS
        .iter()
        .position(|m| {
            n.len() >= 3 && (m.starts_with(n.as_str()) || (n == "sept" && *m == "september"))
        })
        .map(|i| i as u32 + 1)
}

/// `下午 3:05` / `3:05 PM` is 15:05: the marker goes and the caller adds twelve hours.
fn half_day(text: &str) -> (String, bool) {
    let mut afternoon = false;
    let mut out = text.to_owned();
    for (marker, pm) in [
        ("下午", true),
        ("晚上", true),
        ("傍晚", true),
        ("上午", false),
        ("早上", false),
        ("凌晨", false),
        ("中午", false),
        ("PM", true),
        ("pm", true),
        ("p.m.", true),
        ("AM", false),
        ("am", false),
        ("a.m.", false),
    ] {
        if let Some(at) = out.find(marker) {
            // Only after the date: `2024年5月3日 下午3:05`, `2024-05-03 3:05 PM`.
            if at >= 8 {
                out.replace_range(at..at + marker.len(), " ");
                afternoon |= pm;
                break;
            }
        }
    }
    (out, afternoon)
}

/// `中華民國91年3月19日` (the ROC calendar, Taiwan) → `2002年3月19日`.
fn roc_to_gregorian(text: &str) -> std::borrow::Cow<'_, str> {
    let t = text.trim_start();
    let Some(rest) =
        ["中華民國", "中华民国", "民國", "民国"].iter().find_map(|p| t.strip_prefix(p))
    else {
        return text.into();
    };
    let rest = rest.trim_start();
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    match rest[..digits].parse::<u32>() {
        Ok(y) if (1..=200).contains(&y) && rest[digits..].trim_start().starts_with('年') => {
            format!("{}{}", y + 1911, &rest[digits..]).into()
        }
        _ => text.into(),
    }
}

/// The weekday a page prints after the date (`星期二`, `(週三)`, `周五`) says nothing more.
fn weekday_dropped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = ["星期", "週", "周", "礼拜", "禮拜"]
        .iter()
        .filter_map(|w| rest.find(w).map(|i| (i, w.len())))
        .min()
    {
        let (i, n) = at;
        let after = &rest[i + n..];
        match after.chars().next() {
            Some(d) if "一二三四五六日天".contains(d) => {
                out.push_str(rest[..i].trim_end_matches(['(', '（']));
                rest = after[d.len_utf8()..].trim_start_matches([')', '）']);
            }
            _ => {
                out.push_str(&rest[..i + n]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A name or title as a byline or header holds it: markup and separators around it go, and
/// a name written twice (`Founder Park Founder Park`: the author is also the account) once.
pub fn clean_name(text: &str) -> String {
    let t = text.trim_matches(|c: char| c.is_whitespace() || "*_#|｜丨:：".contains(c));
    let words: Vec<&str> = t.split_whitespace().collect();
    let half = words.len() / 2;
    if half > 0 && words.len().is_multiple_of(2) && words[..half] == words[half..] {
        return words[..half].join(" ");
    }
    t.to_owned()
}

#[cfg(test)]
mod tests {
    use super::{clean_name, normalize_date};

    #[test]
    fn names() {
        assert_eq!(clean_name("Founder Park Founder Park"), "Founder Park");
        assert_eq!(clean_name("**李榜主** "), "李榜主");
        assert_eq!(clean_name("张三 李四"), "张三 李四");
    }

    #[test]
    fn forms_pages_print() {
        let tz = Some("+08:00");
        assert_eq!(normalize_date("2024-09-11 08:51", tz).unwrap(), "2024-09-11T08:51:00+08:00");
        assert_eq!(normalize_date("2026-01-13 12:31:54", tz).unwrap(), "2026-01-13T12:31:54+08:00");
        assert_eq!(normalize_date("2024年9月1日", tz).unwrap(), "2024-09-01");
        assert_eq!(normalize_date("2024/9/1 7:05", None).unwrap(), "2024-09-01T07:05:00");
        assert_eq!(normalize_date("2024-13-01", tz), None);
        assert_eq!(normalize_date("2005年03月15日03:08", tz).unwrap(), "2005-03-15T03:08:00+08:00");
        assert_eq!(
            normalize_date("2023年08月11日 14时08分", tz).unwrap(),
            "2023-08-11T14:08:00+08:00"
        );
        assert_eq!(
            normalize_date("2019-12-30 19:11 GMT+9", tz).unwrap(),
            "2019-12-30T19:11:00+09:00"
        );
        assert_eq!(
            normalize_date("2025-10-24 13:56 UTC", tz).unwrap(),
            "2025-10-24T13:56:00+00:00"
        );
        assert_eq!(
            normalize_date("2025-10-24 13:56 GMT", tz).unwrap(),
            "2025-10-24T13:56:00+00:00"
        );
        assert_eq!(
            normalize_date("2025-10-24 13:56 +0530", tz).unwrap(),
            "2025-10-24T13:56:00+05:30"
        );
        assert_eq!(normalize_date("2017/10/3 12:04", None).unwrap(), "2017-10-03T12:04:00");
        assert_eq!(normalize_date("中華民國91年3月19日星期二", tz).unwrap(), "2002-03-19");
        assert_eq!(
            normalize_date("2024年5月3日(週五) 10:00", None).unwrap(),
            "2024-05-03T10:00:00"
        );
        assert_eq!(normalize_date("昨天", tz), None);
        assert_eq!(normalize_date("September 21, 2020", None).unwrap(), "2020-09-21");
        assert_eq!(normalize_date("21 Sept 2020", None).unwrap(), "2020-09-21");
        assert_eq!(normalize_date("Mon, Mar 4, 2024 10:05", None).unwrap(), "2024-03-04T10:05:00");
        assert_eq!(normalize_date("Smarch 4, 2024", None), None);
        assert_eq!(normalize_date("2024年5月3日 下午3:05", None).unwrap(), "2024-05-03T15:05:00");
        assert_eq!(normalize_date("2024-05-03 3:05 PM", None).unwrap(), "2024-05-03T15:05:00");
        assert_eq!(normalize_date("2024-05-03 上午11:05", None).unwrap(), "2024-05-03T11:05:00");
    }
}
