//! Dates as pages print them, to ISO 8601.

use std::sync::OnceLock;

use regex::Regex;

/// `2024-09-11 08:51`, `2026-01-13 12:31:54`, `2024/9/11`, `2024年9月11日 08:51` → ISO 8601
/// (`2024-09-11T08:51:00+08:00`). A date without a time stays a date. `tz` is the offset
/// to attach when the text carries none (a platform's home time zone).
pub fn normalize_date(text: &str, tz: Option<&str>) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT]+(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?\s*$",
        )
        .expect("valid regex")
    });
    let c = re.captures(text)?;
    let num = |i: usize| c.get(i).map(|m| m.as_str().parse::<u32>().unwrap_or(0));
    let (y, mo, d) = (num(1)?, num(2)?, num(3)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let date = format!("{y:04}-{mo:02}-{d:02}");
    let Some(h) = num(4) else { return Some(date) };
    let (mi, s) = (num(5).unwrap_or(0), num(6).unwrap_or(0));
    if h > 23 || mi > 59 || s > 60 {
        return None;
    }
    Some(format!("{date}T{h:02}:{mi:02}:{s:02}{}", tz.unwrap_or("")))
}

#[cfg(test)]
mod tests {
    use super::normalize_date;

    #[test]
    fn forms_pages_print() {
        let tz = Some("+08:00");
        assert_eq!(normalize_date("2024-09-11 08:51", tz).unwrap(), "2024-09-11T08:51:00+08:00");
        assert_eq!(normalize_date("2026-01-13 12:31:54", tz).unwrap(), "2026-01-13T12:31:54+08:00");
        assert_eq!(normalize_date("2024年9月1日", tz).unwrap(), "2024-09-01");
        assert_eq!(normalize_date("2024/9/1 7:05", None).unwrap(), "2024-09-01T07:05:00");
        assert_eq!(normalize_date("2024-13-01", tz), None);
        assert_eq!(normalize_date("昨天", tz), None);
    }
}
