//! Bylines: the role word (记者, 作者, 文…) and the personal names after it, as pages print
//! them. A name is taken only when it reads as one: two to four Han characters opening with
//! a common surname (or a capitalised Latin name after an explicit separator).

use std::sync::OnceLock;

pub use crate::chars::is_han;
use aho_corasick::AhoCorasick;

/// Role words of a byline, most specific first.
const ROLES: &[&str] = &[
    "特约撰稿人",
    "特約撰稿人",
    "撰稿人",
    "特派记者",
    "特派記者",
    "见习记者",
    "見習記者",
    "实习记者",
    "實習記者",
    "记者",
    "記者",
    "通讯员",
    "通訊員",
    "作者",
    "撰文",
    "撰稿",
    "采写",
    "採寫",
    "文字",
    "文",
];

/// Roles that only count with a separator after them (`文｜`, `文/`): alone they are words.
fn needs_separator(role: &str) -> bool {
    matches!(role, "文" | "文字" | "撰稿")
}

/// The names in a byline: `记者 张三`, `記者林悅／南市報導`, `文｜《财经》特约撰稿人 金焱 发自华盛顿`,
/// `（中央社記者葉素萍台北3日電）`, `□ 文/王 倩`, `采写：南都见习记者 林子沛`,
/// `記者簡浩正、吳姿賢聯合報` (several: no author, but still a byline). `None` when the line
/// is not one.
pub fn byline(text: &str) -> Option<Vec<String>> {
    let t = text.trim().trim_matches(['_', '*', '#', '>', ' ']);
    let n = t.chars().count();
    // A short line, or a parenthesis opening a paragraph: `（中央社記者…電）`, `…讯（记者陈智）`.
    let scope = if n <= 80 {
        t
    } else {
        let open = t.char_indices().take(40).find(|(_, c)| matches!(c, '(' | '（'))?.0;
        let close = t[open..].find([')', '）'])? + open;
        &t[open..close]
    };
    // Most lines name no role: one automaton pass rules them out before the walk below,
    // which tries every role at every character.
    static ANY_ROLE: OnceLock<AhoCorasick> = OnceLock::new();
    let any_role = ANY_ROLE.get_or_init(|| AhoCorasick::new(ROLES).expect("role words"));
    if !any_role.is_match(scope) {
        return None;
    }
    // Where role words start, with the most specific (first in `ROLES`) at each place:
    // roles that start at one place are prefixes of one another, and the longer comes first.
    let mut starts: Vec<(usize, &str)> = Vec::new();
    for m in any_role.find_overlapping_iter(scope) {
        let role = ROLES[m.pattern().as_usize()];
        match starts.iter_mut().find(|(at, _)| *at == m.start()) {
            Some(slot) if slot.1.len() < role.len() => slot.1 = role,
            Some(_) => {}
            None => starts.push((m.start(), role)),
        }
    }
    starts.sort_unstable_by_key(|&(at, _)| at);
    // The last role word whose text after it reads as names: `文｜《财经》特约撰稿人 金焱`.
    let mut best = None;
    for (at, role) in starts {
        let before = scope[..at].chars().next_back();
        // `文` inside a word (`中文`, `原文`) is no role.
        if role.chars().count() == 1 && before.is_some_and(is_han) {
            continue;
        }
        let after = &scope[at + role.len()..];
        let sep = after.trim_start().starts_with([':', '：', '|', '｜', '丨', '/', '／']);
        if needs_separator(role) && !sep {
            continue;
        }
        let after = after.trim_start().trim_start_matches([':', '：', '|', '｜', '丨', '/', '／']);
        if let Some(names) = names_in(after.trim_start(), sep) {
            best = Some(names);
        }
    }
    best
}

/// Names at the start of `text` (after a role word), separated by `、`, up to a separator,
/// a place-and-date (`桃園19日電`) or a trailing word (`报道`, `发自…`).
fn names_in(text: &str, separated: bool) -> Option<Vec<String>> {
    // `王 倩`: a two-character name spaced to the width of three.
    let chars: Vec<char> = text.chars().collect();
    let spaced = chars.len() >= 3
        && is_han(chars[0])
        && chars[1] == ' '
        && is_han(chars[2])
        && chars.get(3).is_none_or(|c| !is_han(*c));
    if spaced && SURNAMES.contains(chars[0]) {
        return Some(vec![format!("{}{}", chars[0], chars[2])]);
    }
    let mut names = Vec::new();
    let mut rest = text;
    loop {
        let run: String = rest.chars().take_while(|c| is_han(*c)).collect();
        let after = &rest[run.len()..];
        if run.is_empty() {
            // A Latin name after an explicit separator: `作者：Wilson`.
            let latin: String =
                rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == ' ').collect();
            let latin = latin.trim();
            if separated
                && names.is_empty()
                && latin_name(latin)
                && rest[latin.len()..].trim().is_empty()
            {
                return Some(vec![latin.to_owned()]);
            }
            break;
        }
        match trim_name(&run, after) {
            Some(name) if is_name(&name) => names.push(name),
            // `記者簡浩正、吳姿賢、劉明聯合報`: a list whose last name runs into the paper.
            _ if names.len() >= 2 => {
                names.push(run);
                return Some(names);
            }
            _ => return None,
        }
        match after.strip_prefix(['、', '，', ',']) {
            Some(next) => rest = next.trim_start(),
            None => break,
        }
    }
    (!names.is_empty()).then_some(names)
}

/// A run of Han characters after a role word, cut to the name: trailing `报道`/`摄`/`发自…`,
/// or a two-character place before `19日電`, go.
fn trim_name(run: &str, after: &str) -> Option<String> {
    let mut name = run;
    for tail in [
        "翻攝", "翻摄", "提供", "报道", "報導", "報道", "发自", "發自", "整理", "摄影", "攝影",
        "摄", "攝", "编译", "編譯",
    ] {
        // Names are a few chars: a walk costs less than building a searcher per tail.
        if let Some(at) = name.char_indices().map(|(i, _)| i).find(|&i| name[i..].starts_with(tail))
        {
            name = &name[..at];
        }
    }
    let n = name.chars().count();
    // `邱俊欽桃園19日電`: the place is the two characters before the day.
    let dated = after.trim_start().chars().next().is_some_and(|c| c.is_ascii_digit());
    if dated && (4..=5).contains(&n) {
        let cut = name.char_indices().nth(n - 2).map(|(i, _)| i)?;
        return Some(name[..cut].to_owned());
    }
    // A name glued to the next word cannot be told from it.
    let end_ok = after.is_empty()
        || after.starts_with(|c: char| {
            c.is_whitespace() || "、，,/／|｜丨)）】」』:：.。;；".contains(c) || c.is_ascii_digit()
        })
        || name.len() < run.len();
    (end_ok && (2..=4).contains(&n)).then(|| name.to_owned())
}

/// Common Chinese surnames, Simplified and Traditional forms (single characters).
const SURNAMES: &str = "王李张張刘劉陈陳杨楊黄黃赵趙吴吳周徐孙孫马馬朱胡郭何高林罗羅郑鄭梁谢謝宋唐许許韩韓冯馮邓鄧曹彭曾肖萧蕭田董袁潘于蒋蔣蔡余杜叶葉程苏蘇魏吕呂丁任沈姚卢盧姜崔钟鍾谭譚陆陸汪范金石廖贾賈夏韦韋付方白邹鄒孟熊秦邱江尹薛闫閆段雷侯龙龍史陶黎贺賀顾顧毛郝龚龔邵万萬钱錢严嚴覃武戴莫孔向汤湯常温溫康施文牛樊葛邢安齐齊易乔喬伍庞龐颜顏倪庄莊聂聶章鲁魯岳翟殷詹申欧歐耿关關兰蘭焦俞左柳甘祝包宁寧尚符舒阮柯纪紀梅童凌毕畢单單季裴霍涂塗成苗谷盛曲翁冉骆駱蓝藍路游辛靳管柴蒙鲍鮑华華喻祁蒲房滕屈饶饒解牟艾尤阳陽时時穆农農司卓古吉缪繆简簡车車项項连連芦蘆麦麥褚娄婁窦竇戚岑景党黨宫宮费費卜冷晏席卫衛米柏宗瞿桂全佟应應臧闵閔苟邬鄔边邊卞姬师師和仇栾欒隋商刁沙荣榮巫寇桑郎甄丛叢仲虞敖巩鞏明佘池查麻苑迟遲邝鄺官封谈談匡鞠惠荆荊乐樂冀郁胥南班储儲原栗燕楚鄢劳勞谌諶奚皮粟冼蓝郜练練赖賴洪傅区區闻聞云雲";

/// Two- and four-character surnames.
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "歐陽", "司马", "司馬", "上官", "诸葛", "諸葛", "东方", "東方", "皇甫", "令狐", "慕容",
    "司徒", "夏侯", "尉迟", "尉遲", "公孙", "公孫", "长孙", "長孫", "端木", "轩辕", "軒轅", "澹台",
    "澹臺", "万俟", "萬俟",
];

/// Words that end role and organisation names, never a person's given name.
const NOT_NAME_TAILS: &[&str] = &[
    "记者", "記者", "编辑", "編輯", "作者", "报道", "報導", "新闻", "新聞", "日报", "日報", "网",
    "網", "社", "台", "部", "会", "會", "团", "團", "处", "處", "局", "院", "报", "報", "室", "组",
    "組", "站", "号", "號",
];

/// A personal name in Han characters: 2–4 of them, opening with a common surname.
pub fn is_name(s: &str) -> bool {
    let n = s.chars().count();
    if !(2..=4).contains(&n) || !s.chars().all(is_han) {
        return false;
    }
    if NOT_NAME_TAILS.iter().any(|t| s.ends_with(t)) {
        return false;
    }
    let first = s.chars().next().expect("non-empty");
    let compound = COMPOUND_SURNAMES.iter().any(|c| s.starts_with(c));
    (SURNAMES.contains(first) && n <= 3) || (compound && n >= 3)
}

/// `Wilson`, `Louis X`: one to three capitalised Latin words.
pub fn latin_name(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    (1..=3).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        })
}

/// An author value that a byline should replace: none, an organisation or a role
/// (`中央通訊社`, `《财经》特约撰稿人`).
pub fn author_weak(author: Option<&str>) -> bool {
    let Some(a) = author else { return true };
    let a = a.trim();
    a.contains(['《', '》'])
        || ROLES.iter().any(|r| r.chars().count() > 1 && a.ends_with(r))
        || [
            "通讯社",
            "通訊社",
            "新闻网",
            "新聞網",
            "日报",
            "日報",
            "电视台",
            "電視台",
            "新闻社",
            "新聞社",
        ]
        .iter()
        .any(|t| a.ends_with(t))
}

/// The one author a byline line names (`None` for none or several).
pub fn single(text: &str) -> Option<String> {
    byline(text).filter(|n| n.len() == 1).and_then(|n| n.into_iter().next())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(t: &str) -> Option<Vec<String>> {
        byline(t)
    }

    #[test]
    fn bylines() {
        let one = |t: &str| names(t).and_then(|n| (n.len() == 1).then(|| n[0].clone()));
        assert_eq!(one("記者林悅／南市報導").as_deref(), Some("林悅"));
        assert_eq!(one("特派記者賴錦宏/北京報導聯合報").as_deref(), Some("賴錦宏"));
        assert_eq!(one("文｜《财经》特约撰稿人 金焱 发自华盛顿").as_deref(), Some("金焱"));
        assert_eq!(one("□ 文/王 倩").as_deref(), Some("王倩"));
        assert_eq!(one("采写：南都见习记者 林子沛").as_deref(), Some("林子沛"));
        assert_eq!(one("2019-09-26 12:11来源：证券时报网作者：李在山").as_deref(), Some("李在山"));
        assert_eq!(one("（中央社記者邱俊欽桃園19日電）桃園市平鎮區一家輪胎行今天清晨發生大火，7人從火場中疏散；由於火勢延燒猛烈，一名62歲女子逃生不及。").as_deref(), Some("邱俊欽"));
        assert_eq!(one("《棱镜》作者 周纯").as_deref(), Some("周纯"));
        assert_eq!(one("（圖／記者林悅翻攝）").as_deref(), Some("林悅"));
        assert_eq!(one("作者：Wilson").as_deref(), Some("Wilson"));
        assert_eq!(names("記者簡浩正、吳姿賢、戴瑞瑤、劉明聯合報").map(|n| n.len()), Some(4));
        // Not bylines: a press conference, a word containing 文, prose about reporters.
        assert_eq!(names("總理記者會創下20年之最"), None);
        assert_eq!(names("中文 | 英文"), None);
        assert_eq!(names("原文/翻译"), None);
        assert_eq!(names("作者：本文由某某公司提供"), None);
    }

    #[test]
    fn weak_authors() {
        assert!(author_weak(Some("《财经》特约撰稿人")));
        assert!(author_weak(Some("中央通訊社")));
        assert!(author_weak(None));
        assert!(!author_weak(Some("量子位")));
        assert!(!author_weak(Some("Founder Park")));
    }
}
