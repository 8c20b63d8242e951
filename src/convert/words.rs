//! Phrase matches checked against word boundaries (the default outside `--exact`).
//!
//! OpenCC takes the longest phrase at each position, left to right, whatever the words around
//! it: `指明了` becomes `指明瞭` (`明了` → `明瞭` is a phrase), `考虑了解决` becomes `考慮瞭解決`
//! (`了解` → `瞭解`), `这只有` becomes `這隻有` (`这只` → `這隻`, the classifier). Here a
//! Simplified → Traditional phrase match whose conversion differs from its characters' own is
//! checked against jieba's segmentation of the words around it (jieba-rs, dictionary only, no
//! HMM, so the result does not depend on a statistical model's guesses):
//!
//! - **Cut**: the match starts or ends inside a jieba word (`指明|了` cuts `明了`; `这|只有`
//!   cuts `这只`). Such a match belongs to two words at once; the text is cut at the jieba
//!   boundaries inside it, unless the crossing word is rare in jieba's dictionary, or is a
//!   two-character word rarer than the phrase (jieba's route sometimes takes a rare word
//!   across a common one: `台|风致|余杭`). A longer crossing word is a compound that wins
//!   (`考虑|了|解决方案` cuts `了解`).
//! - **Split**: a two-character match is two jieba words, a pronoun and an adverb in jieba's
//!   dictionary (the phrase read them as demonstrative and classifier), and the next word is a verb, adverb, preposition or conjunction (`这|只|适用`): the second
//!   character is a word of its own (the adverb 只 "only", not the classifier 隻). A noun next
//!   keeps the phrase (`这|只|猫` → `這隻貓`).
//!
//! The text between cuts is converted by OpenCC's algorithm as separate segments, exactly as
//! OpenCC converts its own segments. Traditional → Simplified and variant configs are left
//! exact: jieba's dictionary is Simplified, and their phrase tables are not where this class
//! of error comes from.

use std::sync::OnceLock;

use jieba_rs::Jieba;

use super::lexicon::Lexicon;
use super::Config;
use crate::chars::is_han;

/// jieba-rs itself, built on first use: only for text [`Lexicon::cut`] leaves to it (text
/// with characters other than ideographs, words outside the dictionary whose tag matters).
fn jieba() -> &'static Jieba {
    static J: OnceLock<Jieba> = OnceLock::new();
    J.get_or_init(Jieba::new)
}

/// Whether a word of jieba's dictionary spans the join of `before` and `after` (Han text on
/// either side of a space; Traditional is made Simplified first, since jieba's dictionary is
/// Simplified): `自以` + `為是` joins into the word 自以为是, `张月` + `编辑` into none.
pub(crate) fn word_spans_join(before: &str, after: &str) -> bool {
    let t2s = super::Converter::get(Config::T2s);
    let mut joined = t2s.convert(before);
    let at = joined.len();
    t2s.convert_into(after, &mut joined);
    match Lexicon::get().cut(&joined) {
        Some(words) => words.iter().any(|t| t.start < at && at < t.end),
        None => jieba().cut(&joined, false).iter().any(|t| t.byte_start < at && at < t.byte_end),
    }
}

/// Whether the character at byte `at` of the Simplified `text` is a surname there: jieba's
/// dictionary tags it as a name (`nr`) by itself (`范`, `叶`; not `辟` or `于`), and its cut
/// of the text starts a word tagged so with it: the character alone (before a given name
/// outside the dictionary), or a longer word that no phrase of s2t's dictionaries converts
/// (`范先生`). The dictionary tags plain words `nr` too (`辟谣`, `范畴`, `叶子`); a phrase
/// table that converts such a word has decided what it is.
pub(crate) fn starts_name(text: &str, at: usize) -> bool {
    let lexicon = Lexicon::get();
    let name = |id: Option<u32>| id.is_some_and(|id| lexicon.tag(id) == "nr");
    let Some(c) = text[at..].chars().next() else { return false };
    if !name(lexicon.find(&text[at..at + c.len_utf8()])) {
        return false;
    }
    // Only the run of ideographs around `at` is cut, as jieba cuts each run on its own.
    let han = |c: &char| super::lexicon::is_jieba_han(*c);
    let start = at - text[..at].chars().rev().take_while(han).map(char::len_utf8).sum::<usize>();
    let end = at + text[at..].chars().take_while(han).map(char::len_utf8).sum::<usize>();
    let Some(words) = lexicon.cut(&text[start..end]) else { return false };
    words.iter().filter(|t| start + t.start == at && name(t.id)).any(|t| {
        let word = &text[at..start + t.end];
        word.len() == c.len_utf8() || !s2t_phrase(word)
    })
}

/// Whether `word` is a key of s2t's phrase dictionaries.
fn s2t_phrase(word: &str) -> bool {
    static KEYS: OnceLock<rustc_hash::FxHashSet<&'static str>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let (_, steps) = Config::S2t.chain(false);
        steps.iter().flat_map(|g| g.iter()).flat_map(|d| d.entries()).map(|(k, _)| *k).collect()
    })
    .contains(word)
}

/// Whether the word-boundary check applies to `config` (Simplified input).
pub fn applies(config: Config) -> bool {
    matches!(config, Config::S2t | Config::S2tw | Config::S2hk | Config::S2twp | Config::S2hkp)
}

/// A word crossing a phrase must be at least this frequent in jieba's dictionary (its counts
/// are from a corpus of some 60 million words): rarer ones (`线图` 26 in `周|线图`, `历志` 4
/// in `大统|历志`) are more often jieba's mistake than the phrase's.
const MIN_CROSSING_FREQ: usize = 100;

/// Characters of context taken on each side of a match for jieba.
const CONTEXT: usize = 4;

/// Byte offsets where `text` must be cut so that no phrase match crosses a word (see the
/// module docs), in increasing order.
pub fn cuts(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    // s2t's own replacer (shared with the conversion): its phrases that change the output
    // are the matches to check.
    super::engine::s2t_replacer().for_each_changing_phrase(text, |s, e, _| {
        out.extend(cuts_in(text, s, e));
    });
    out
}

/// The offsets strictly inside the phrase match `s..e` of `text` where [`cuts`] cuts it
/// (usually none).
pub fn cuts_in(text: &str, s: usize, e: usize) -> Vec<usize> {
    // The Han run around the match, up to CONTEXT characters each side.
    let mut ws = s;
    for (n, (i, c)) in text[..s].char_indices().rev().enumerate() {
        if n == CONTEXT || !is_han(c) {
            break;
        }
        ws = i;
    }
    let mut we = e;
    for (n, c) in text[e..].chars().enumerate() {
        if n == CONTEXT || !is_han(c) {
            break;
        }
        we += c.len_utf8();
    }
    // A match with no Han character next to it is a word of its own: nothing crosses it
    // and no word follows it.
    if ws == s && we == e {
        return Vec::new();
    }
    match decide_lexicon(text, s, e, ws, we) {
        Some(cuts) => cuts,
        None => decide_jieba(text, s, e, ws, we),
    }
}

/// One word of a window's segmentation: byte range (in the text), tag (`None`: a word outside
/// jieba's dictionary, whose tag only jieba-rs can guess).
struct Word<'t> {
    start: usize,
    end: usize,
    tag: Option<&'t str>,
}

/// The decision of [`cuts`] for the match `s..e` in the Han window `ws..we` with jieba's
/// segmentation `words` and suggested frequencies `freq`; `None` when a tag it needs is one
/// only jieba-rs can guess.
fn decide(
    text: &str,
    (s, e): (usize, usize),
    words: &[Word<'_>],
    freq: impl Fn(&str) -> usize,
) -> Option<bool> {
    if !words.iter().any(|w| w.end > s && w.end < e) {
        return Some(false);
    }
    // A crossing word wins over the phrase only when jieba's dictionary holds it at least
    // as often: jieba's best route sometimes takes a rare word (`台|风致|余杭` against the
    // phrase 台风).
    let phrase = freq(&text[s..e]);
    let crosses = words
        .iter()
        .filter(|w| (w.start < s && s < w.end) || (w.start < e && e < w.end))
        .any(|w| {
            let word = &text[w.start..w.end];
            let f = freq(word);
            f >= MIN_CROSSING_FREQ && (f >= phrase || word.chars().nth(2).is_some())
        });
    if crosses {
        return Some(true);
    }
    // Two characters only: a longer phrase ending in a one-character word is usually a
    // name (王小云 before 说).
    if text[s..e].chars().count() != 2 {
        return Some(false);
    }
    let first = words.iter().find(|w| w.start == s);
    let last = words.iter().find(|w| w.end == e);
    let next = words.iter().find(|w| w.start == e);
    let Some(first) = first else { return Some(false) };
    if !first.tag?.starts_with('r') {
        return Some(false);
    }
    let Some(last) = last else { return Some(false) };
    if text[last.start..last.end].chars().nth(1).is_some() || !last.tag?.starts_with('d') {
        return Some(false);
    }
    let Some(next) = next else { return Some(false) };
    Some(matches!(next.tag?.as_bytes().first(), Some(b'v' | b'd' | b'p' | b'c')))
}

/// The word boundaries strictly inside the match `s..e` when [`decide`] cuts it.
fn inside(words: &[Word<'_>], s: usize, e: usize, cut: bool) -> Vec<usize> {
    if !cut {
        return Vec::new();
    }
    words.iter().map(|w| w.end).filter(|&b| b > s && b < e).collect()
}

/// The cuts [`decide`] makes on the lexicon's segmentation (`None`: left to jieba-rs).
fn decide_lexicon(text: &str, s: usize, e: usize, ws: usize, we: usize) -> Option<Vec<usize>> {
    let lex = Lexicon::get();
    let words: Vec<Word<'_>> = lex
        .cut(&text[ws..we])?
        .into_iter()
        .map(|t| Word { start: ws + t.start, end: ws + t.end, tag: t.id.map(|id| lex.tag(id)) })
        .collect();
    let cut = decide(text, (s, e), &words, |w| lex.suggest_freq(w).expect("Han only"))?;
    Some(inside(&words, s, e, cut))
}

/// The cuts [`decide`] makes on jieba-rs's segmentation.
fn decide_jieba(text: &str, s: usize, e: usize, ws: usize, we: usize) -> Vec<usize> {
    let tags = jieba().tag(&text[ws..we], false);
    let words: Vec<Word<'_>> = tags
        .iter()
        .map(|t| Word { start: ws + t.byte_start, end: ws + t.byte_end, tag: Some(t.tag) })
        .collect();
    let cut = decide(text, (s, e), &words, |w| jieba().suggest_freq(w)).expect("every tag known");
    inside(&words, s, e, cut)
}

#[cfg(test)]
mod tests {
    use crate::convert::{Config, Converter, DictId};

    /// s2t checks the phrases as it converts; the other configs search for every cut first
    /// and convert the pieces: the same cuts, the same output, on the corpus.
    #[test]
    fn s2t_cuts_as_the_search_for_every_cut_does() {
        let s2t = Converter::get(Config::S2t);
        let text = crate::testing::corpus_text();
        let mut want = String::new();
        let mut from = 0;
        let cuts = super::cuts(&text);
        assert!(cuts.len() > 20, "only {} cuts", cuts.len());
        for c in cuts {
            s2t.convert_into(&text[from..c], &mut want);
            from = c;
        }
        s2t.convert_into(&text[from..], &mut want);
        assert!(!super::super::prepass::needed(&text));
        assert_eq!(s2t.convert_words(&text), want);
    }

    /// Searching only around the triggers finds every match of a phrase that changes the
    /// output that a scan at every position finds, on every file of the corpus.
    #[test]
    fn covering_search_finds_every_changing_phrase() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let m = super::super::engine::s2t_replacer();
        // A character's own conversion: its STCharacters value, or itself.
        let chars: rustc_hash::FxHashMap<&str, &str> =
            DictId::StCharacters.entries().iter().copied().collect();
        let own = |k: &str| -> String {
            let mut out = String::new();
            for c in k.chars() {
                let mut b = [0; 4];
                let c = c.encode_utf8(&mut b);
                out.push_str(chars.get(&*c).copied().unwrap_or(c));
            }
            out
        };
        let mut found = 0;
        for path in crate::input::files_under(&dir, &["txt", "html", "md"]) {
            let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
            let mut want = Vec::new();
            m.for_each_span(&text, |s, e, v| {
                let key = &text[s..e];
                if v.is_some_and(|v| key.chars().nth(1).is_some() && own(key) != v) {
                    want.push((s, e));
                }
            });
            let mut got = Vec::new();
            m.for_each_changing_phrase(&text, |s, e, _| got.push((s, e)));
            assert_eq!(got, want, "{}", path.display());
            found += want.len();
        }
        assert!(found > 500, "only {found} changing phrases in the corpus");
    }
}
