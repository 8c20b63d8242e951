//! Helpers for turning lines into segments that need no walking state: rejoining
//! paragraphs around notes, sentence splitting, speakers the registry lacks, stage
//! directions.

use super::labels::LabelAt;
use super::speakers::fold;
use crate::document::{Line, Scripts, Speaker};
use crate::rules::LineFilter;

/// A turn paragraph broken around an inline note (`…树莓派（` / note / `）上运行…`) is one
/// paragraph again, with the note inline in parentheses; the note is also its own segment.
pub fn rejoin_around_notes(mut lines: Vec<Line>, notes: &[Line]) -> Vec<Line> {
    if notes.is_empty() {
        return lines;
    }
    // Joined in place (a line merged into the one before it is removed), with no second
    // vector of the document's lines.
    // Notes and lines are in source order: the first note after the previous line is found
    // by moving forward, never by a scan of all notes per line.
    let mut next_note = 0;
    lines.dedup_by(|line, prev| {
        while notes.get(next_note).is_some_and(|n| n.src.first <= prev.src.last) {
            next_note += 1;
        }
        let note = notes.get(next_note).filter(|n| n.src.last < line.src.first);
        let opens = prev.text.ends_with(['（', '(']);
        let closes = line.text.starts_with(['）', ')']);
        let Some(note) = note.filter(|_| opens && closes) else { return false };
        let join = |a: &str, n: &str, b: &str| format!("{a}{n}{b}");
        prev.text = join(&prev.text, &note.text, &line.text);
        if let (Some(p), Some(n), Some(l)) = (&mut prev.scripts, &note.scripts, &line.scripts) {
            p.text.zh_hans = join(&p.text.zh_hans, &n.text.zh_hans, &l.text.zh_hans);
            p.text.zh_hant = join(&p.text.zh_hant, &n.text.zh_hant, &l.text.zh_hant);
        }
        prev.src = prev.src.join(line.src);
        true
    });
    lines
}

pub fn scripts_of(line: &Line) -> Scripts {
    line.scripts.as_ref().map_or_else(|| Scripts::same(&line.text), |s| s.text.clone())
}

/// A person the registry does not know: named as the document names them, with an id
/// from `hans`, the name in Simplified script, so that the same person has the same id in
/// a Traditional document and in its Simplified version.
pub fn unknown_speaker(name: &str, hans: &str) -> Speaker {
    let latin = name.is_ascii();
    let id = if latin {
        name.split_whitespace().collect::<Vec<_>>().join("-").to_lowercase()
    } else {
        format!("name:{}", fold(hans))
    };
    Speaker { id, zh_hans: None, zh_hant: None, en: latin.then(|| name.to_owned()), role: None }
}

/// Fills an unknown speaker's Chinese names from the label as written in both scripts,
/// without the first `skip` characters (a role word before the name: `主持人 魯健`).
/// `labels` finds the label of a script's text (0: Simplified, 1: Traditional; the line's
/// own text, as 0, when it has no scripts).
pub fn localise(
    mut speaker: Speaker,
    line: &Line,
    labels: &mut dyn FnMut(usize, &str) -> Option<LabelAt>,
    skip: usize,
) -> Speaker {
    if speaker.zh_hans.is_some() || speaker.en.is_some() {
        return speaker;
    }
    let mut name = |script: usize, t: &str| {
        let name = labels(script, t)?.name(t).chars().skip(skip).collect::<String>();
        Some(name.trim().to_owned()).filter(|n| !n.is_empty())
    };
    match &line.scripts {
        Some(s) => {
            speaker.zh_hans = name(0, &s.text.zh_hans);
            speaker.zh_hant = name(1, &s.text.zh_hant);
        }
        None => {
            speaker.zh_hans = name(0, &line.text);
            speaker.zh_hant = speaker.zh_hans.clone();
        }
    }
    speaker
}

/// The stage directions of `lines`; `filter` tells the lines `re` cannot match.
pub fn directions(
    re: &crate::rules::LazyRegex,
    filter: &LineFilter,
    lines: &[Line],
) -> Vec<String> {
    lines
        .iter()
        // `is_match` first: most lines have none, and `captures_iter` allocates.
        .filter(|l| filter.mask(&l.text) != 0 && re.matches(&l.text))
        .flat_map(|l| {
            re.captures_iter(&l.text).filter_map(|c| c.name("d").map(|m| m.as_str().to_owned()))
        })
        .collect()
}
