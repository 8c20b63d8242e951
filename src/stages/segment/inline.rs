//! Labels that are not at a line's start: an answer on its question's line
//! (`问：…其他定价吗？答：大家对产品…`), or a whole exchange flattened into one line
//! (`主持人：… 陈晓薇：…`). A labelled line is cut before each later label whose name is a
//! speaker's name: a registered alias, a name the document uses as a label at a line's start,
//! or one it writes inside labelled lines at least `min_repeats` times (that one not in a
//! numbered list item, whose `term：value` pairs read like labels). The label must follow
//! the end of a sentence or a space (`inline_label`), so `他认为：` in a sentence never cuts.
//! A line without a label of its own (an introduction the exchange was flattened onto:
//! `…审视这个世界。 齐鲁晚报：…？ 陈伟鸿：…`) is cut the same way when its inline labels
//! change speaker at least `min_alternations` times between names it uses at least
//! `min_repeats` times, unless it is a numbered list item (terms and their values).

use rustc_hash::{FxBuildHasher, FxHashMap};
use std::collections::HashSet;

use super::labels::{LabelAt, LabelFinder};
use super::speakers::{fold, Registry};
use super::Rules;
use crate::document::Line;

/// `lines` (none blank) and their labels, with each labelled line cut before its inline
/// labels. Returns the number of cuts.
pub fn split_inline_labels(
    lines: &mut Vec<Line>,
    labels: &mut Vec<Option<LabelAt>>,
    rules: &Rules,
    registry: &Registry,
    finder: &mut LabelFinder,
) -> u64 {
    let re = &rules.inline_label;
    // Names used as labels at a line's start.
    let mut starts: HashSet<String, FxBuildHasher> = HashSet::default();
    // Names written as inline labels, and how often.
    let mut inline: FxHashMap<String, usize> = FxHashMap::default();
    // The inline labels of each labelled line, found once: the names are counted over the
    // whole document before any line is cut.
    let mut found: Vec<(usize, Vec<Inline>)> = Vec::new();
    for (i, (line, at)) in lines.iter().zip(labels.iter()).enumerate() {
        let Some(at) = at.as_ref().filter(|_| line.kind.is_none()) else { continue };
        starts.insert(fold(at.name(&line.text)));
        let base = at.rest.start;
        let rest = &line.text[at.rest.clone()];
        if rules.inline_filter.mask(rest) == 0 {
            continue;
        }
        let mut here = Vec::new();
        for c in re.captures_iter(rest) {
            let name = c.name("name").expect("inline_label has a `name` group");
            *inline.entry(fold(name.as_str())).or_insert(0) += 1;
            let whole = c.get(0).expect("a match has group 0");
            here.push(Inline {
                name: base + name.start()..base + name.end(),
                end: base + whole.end(),
                answers: whole.as_str().starts_with(['？', '?']),
            });
        }
        if !here.is_empty() {
            found.push((i, here));
        }
    }
    // In a numbered item (`24. 对科幻的态度——初阶版：…。进阶版：…。起飞版：…`) names written
    // only inside lines are its terms, whatever their count.
    let speaker = |name: &str, item: bool| {
        let key = fold(name);
        rules.labels.plausible(name)
            && (registry.lookup(name).is_some()
                || starts.contains(&key)
                || !item && inline.get(&key).is_some_and(|&n| n >= rules.min_repeats))
    };
    let mut cuts_of: Vec<(usize, Vec<usize>)> = Vec::new();
    for (i, here) in found {
        let text = &lines[i].text;
        let item = rules.list_item.matches(text);
        let cuts: Vec<usize> = here
            .into_iter()
            .filter_map(|c| {
                let name = &text[c.name.clone()];
                let ok = speaker(name, item) || (c.answers && rules.labels.plausible(name));
                let after = text[c.end..].trim_start();
                let ok = ok && !rules.labels.narrates(name, after);
                ok.then_some(c.name.start)
            })
            .collect();
        if !cuts.is_empty() {
            cuts_of.push((i, cuts));
        }
    }
    for (i, (line, at)) in lines.iter().zip(labels.iter()).enumerate() {
        if at.is_none() && line.kind.is_none() {
            if let Some(cuts) = flattened_exchange(line, rules) {
                cuts_of.push((i, cuts));
            }
        }
    }
    cuts_of.sort_unstable_by_key(|(i, _)| *i);
    if cuts_of.is_empty() {
        return 0;
    }
    let mut n = 0;
    let old_lines = std::mem::take(lines);
    let old_labels = std::mem::take(labels);
    let mut pending = cuts_of.into_iter().peekable();
    for (i, (line, at)) in old_lines.into_iter().zip(old_labels).enumerate() {
        match pending.next_if(|(j, _)| *j == i) {
            Some((_, cuts)) => {
                let pieces = split_line(line, &cuts);
                n += pieces.len() as u64 - 1;
                for piece in pieces {
                    let at = finder.find_at(&piece.text);
                    lines.push(piece);
                    labels.push(at);
                }
            }
            None => {
                lines.push(line);
                labels.push(at);
            }
        }
    }
    n
}

/// An inline label in a labelled line, by byte offsets in the line's text.
struct Inline {
    name: std::ops::Range<usize>,
    /// The end of the match (the colon).
    end: usize,
    /// Whether it follows a question mark: an answer on its question's line.
    answers: bool,
}

/// Where to cut a line without a label of its own that holds a flattened exchange: the
/// starts of its inline labels, when their names (each used at least `min_repeats` times in
/// the line) change at least `min_alternations` times; never in a numbered list item.
fn flattened_exchange(line: &Line, rules: &Rules) -> Option<Vec<usize>> {
    // A cheap test first: most lines have no colon after a space or a sentence's end.
    let b = line.text.as_bytes();
    static WIDE: std::sync::OnceLock<memchr::memmem::Finder<'static>> = std::sync::OnceLock::new();
    let wide = WIDE.get_or_init(|| memchr::memmem::Finder::new("：".as_bytes()));
    if memchr::memchr(b':', b).is_none() && wide.find(b).is_none() {
        return None;
    }
    // A numbered item (`24. 对科幻的态度——初阶版：…。进阶版：…。起飞版：…`) pairs its terms
    // with their values: a list flattened onto a line, not an exchange.
    if rules.list_item.matches(&line.text) {
        return None;
    }
    let mut found: Vec<(String, usize)> = Vec::new();
    for c in rules.inline_label.captures_iter(&line.text) {
        let name = c.name("name")?;
        let after = line.text[c.get(0)?.end()..].trim_start();
        if rules.labels.plausible(name.as_str()) && !rules.labels.narrates(name.as_str(), after) {
            found.push((fold(name.as_str()), name.start()));
        }
    }
    let mut uses: FxHashMap<&str, usize> = FxHashMap::default();
    for (k, _) in &found {
        *uses.entry(k.as_str()).or_insert(0) += 1;
    }
    let keep: Vec<bool> =
        found.iter().map(|(k, _)| uses[k.as_str()] >= rules.min_repeats).collect();
    let mut keep = keep.into_iter();
    found.retain(|_| keep.next().unwrap_or(false));
    let changes = found.windows(2).filter(|w| w[0].0 != w[1].0).count();
    (found.len() > 1 && changes >= rules.min_alternations)
        .then(|| found.into_iter().map(|(_, at)| at).collect())
}

/// `line` cut at the byte offsets `cuts` (char boundaries, ascending) of its text, each
/// script cut at the same characters. Unchanged when a script does not have as many
/// characters as the text (a conversion that changed lengths: the places would not match).
fn split_line(line: Line, cuts: &[usize]) -> Vec<Line> {
    let char_cuts: Vec<usize> = cuts.iter().map(|&b| line.text[..b].chars().count()).collect();
    let chars = line.text.chars().count();
    let cut_script = |s: &str| -> Option<Vec<String>> {
        if s.chars().count() != chars {
            return None;
        }
        let mut bytes: Vec<usize> = Vec::with_capacity(char_cuts.len());
        let mut want = char_cuts.iter().peekable();
        for (ci, (bi, _)) in s.char_indices().enumerate() {
            if want.next_if(|&&c| c == ci).is_some() {
                bytes.push(bi);
            }
        }
        Some(pieces(s, &bytes))
    };
    let texts = pieces(&line.text, cuts);
    let scripts: Option<Vec<(String, String)>> = match &line.scripts {
        None => Some(Vec::new()),
        Some(s) => match (cut_script(&s.text.zh_hans), cut_script(&s.text.zh_hant)) {
            (Some(h), Some(t)) => Some(h.into_iter().zip(t).collect()),
            _ => None,
        },
    };
    let Some(scripts) = scripts else { return vec![line] };
    let mut out = Vec::with_capacity(texts.len());
    for (k, text) in texts.into_iter().enumerate() {
        let mut piece = Line { text, glosses: Vec::new(), ..line.clone() };
        if let (Some(s), Some((h, t))) = (piece.scripts.as_mut(), scripts.get(k)) {
            s.text.zh_hans = h.clone();
            s.text.zh_hant = t.clone();
        }
        out.push(piece);
    }
    // Each gloss goes with the piece that writes it (the first, when none does).
    for g in line.glosses {
        let k = out.iter().position(|p| p.text.contains(&g.en)).unwrap_or(0);
        out[k].glosses.push(g);
    }
    out
}

/// `s` cut at the byte offsets `cuts`, each piece trimmed.
fn pieces(s: &str, cuts: &[usize]) -> Vec<String> {
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for &c in cuts.iter().chain(std::iter::once(&s.len())) {
        out.push(s[start..c].trim().to_owned());
        start = c;
    }
    out
}
