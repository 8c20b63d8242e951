//! The conversion engine: OpenCC's algorithm on a double-array Aho-Corasick automaton.
//!
//! OpenCC 1.1 (`Converter::Convert`) works like this:
//! 1. `MaxMatchSegmentation` splits the text: at each position the longest key of the
//!    segmentation dictionary that is a prefix of the rest becomes a segment; runs of
//!    characters where nothing matches become one segment each.
//! 2. Each step of the conversion chain converts each segment on its own (`Conversion`): at each
//!    position, the group's first dictionary with any prefix match gives its longest match
//!    (`DictGroup::MatchPrefix`), replaced by the entry's first candidate; otherwise one
//!    character is copied.
//!
//! Leftmost-longest matching over a dictionary equals that position-by-position longest-prefix
//! scan. When the segmentation dictionary is the first dictionary of the first step (s2t, t2s,
//! s2tw, s2hk, t2tw, t2hk, tw2t, hk2t), segment boundaries never cut a match of the first
//! step, and later steps that only map single characters are composed into the first step's
//! values: the whole config is then one leftmost-longest pass ([`Plan::Single`]). Other configs
//! run OpenCC's segment-by-segment chain exactly ([`Plan::Segmented`]).

use std::collections::HashMap;

use daachorse::{CharwiseDoubleArrayAhoCorasick, CharwiseDoubleArrayAhoCorasickBuilder, MatchKind};

use super::dict::{key_len_range, spec, DictId};
use super::Config;

/// A leftmost-longest replacer over a set of `(key, value)` pairs.
#[derive(Clone)]
pub struct Matcher {
    pma: Option<CharwiseDoubleArrayAhoCorasick<u32>>,
    /// All values concatenated; `spans[i]` is value `i`.
    buf: String,
    spans: Vec<(u32, u32)>,
}

impl Matcher {
    /// Builds from pairs whose keys are unique and non-empty.
    pub fn new<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> Matcher {
        let mut buf = String::new();
        let mut spans = Vec::with_capacity(pairs.len());
        for (_, v) in pairs {
            let start = buf.len() as u32;
            buf.push_str(v.as_ref());
            spans.push((start, buf.len() as u32));
        }
        let pma = if pairs.is_empty() {
            None
        } else {
            let patvals = pairs.iter().enumerate().map(|(i, (k, _))| (k.as_ref(), i as u32));
            Some(
                CharwiseDoubleArrayAhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build_with_values(patvals)
                    .expect("dictionary keys are unique and non-empty"),
            )
        };
        Matcher { pma, buf, spans }
    }

    #[inline]
    fn value(&self, i: u32) -> &str {
        let (s, e) = self.spans[i as usize];
        &self.buf[s as usize..e as usize]
    }

    /// Appends `text` to `out` with every leftmost-longest match replaced by its value.
    pub fn replace_into(&self, text: &str, out: &mut String) {
        let Some(pma) = &self.pma else {
            out.push_str(text);
            return;
        };
        let mut last = 0;
        for m in pma.leftmost_find_iter(text) {
            out.push_str(&text[last..m.start()]);
            out.push_str(self.value(m.value()));
            last = m.end();
        }
        out.push_str(&text[last..]);
    }

    /// Calls `f(start, end, Some(value))` for each match and `f(start, end, None)` for each
    /// non-empty gap between matches, in order.
    pub fn for_each_span(&self, text: &str, mut f: impl FnMut(usize, usize, Option<&str>)) {
        let mut last = 0;
        if let Some(pma) = &self.pma {
            for m in pma.leftmost_find_iter(text) {
                if m.start() > last {
                    f(last, m.start(), None);
                }
                f(m.start(), m.end(), Some(self.value(m.value())));
                last = m.end();
            }
        }
        if text.len() > last {
            f(last, text.len(), None);
        }
    }
}

/// A dictionary group whose first-match-wins rule differs from longest-over-the-union
/// (tw2sp's TWPhrasesRev has one-character keys ahead of longer TWVariantsRevPhrases keys).
/// Position by position, exactly as OpenCC's `DictGroup::MatchPrefix`.
pub struct GroupLookup {
    dicts: Vec<(HashMap<&'static str, &'static str>, usize)>,
}

impl GroupLookup {
    fn replace_into(&self, text: &str, out: &mut String) {
        let max = self.dicts.iter().map(|d| d.1).max().unwrap_or(1);
        let mut pos = 0;
        let mut ends = Vec::with_capacity(max);
        while pos < text.len() {
            let rest = &text[pos..];
            ends.clear();
            ends.extend(rest.char_indices().skip(1).map(|(i, _)| i).take(max));
            if ends.len() < max {
                ends.push(rest.len());
            }
            let found = self.dicts.iter().find_map(|(map, n)| {
                (1..=(*n).min(ends.len()))
                    .rev()
                    .find_map(|k| map.get(&rest[..ends[k - 1]]).map(|v| (ends[k - 1], *v)))
            });
            match found {
                Some((len, v)) => {
                    out.push_str(v);
                    pos += len;
                }
                None => {
                    out.push_str(&rest[..ends[0]]);
                    pos += ends[0];
                }
            }
        }
    }
}

pub enum Step {
    Auto(Matcher),
    Group(GroupLookup),
}

impl Step {
    fn replace_into(&self, text: &str, out: &mut String) {
        match self {
            Step::Auto(m) => m.replace_into(text, out),
            Step::Group(g) => g.replace_into(text, out),
        }
    }
}

/// How a config is run.
pub enum Plan {
    /// One leftmost-longest pass (see the module docs for why this is exact).
    Single(Matcher),
    /// OpenCC's chain run segment by segment.
    Segmented { segmentation: Matcher, steps: Vec<Step> },
}

/// True when longest-match over the union (earlier dictionaries winning ties) gives the same
/// result as OpenCC's "first dictionary with a match": no later dictionary has a key longer
/// than the shortest key of an earlier one.
fn union_is_exact(group: &[DictId]) -> bool {
    let ranges: Vec<_> = group.iter().map(|d| key_len_range(&d.entries())).collect();
    ranges.iter().enumerate().all(|(i, (lo, _))| ranges[i + 1..].iter().all(|(_, hi)| hi <= lo))
}

/// `(key, value)` pairs of a group, earlier dictionaries winning duplicate keys.
fn union(group: &[DictId]) -> Vec<(&'static str, String)> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for d in group {
        for (k, v) in d.entries() {
            if seen.insert(k) {
                out.push((k, v.to_string()));
            }
        }
    }
    out
}

impl Plan {
    pub fn build(config: Config) -> Plan {
        let spec = spec(config);
        let first = spec.steps[0];
        let later_chars_only =
            spec.steps[1..].iter().all(|g| g.iter().all(|d| key_len_range(&d.entries()).1 == 1));
        if spec.segmentation == first[0] && union_is_exact(first) && later_chars_only {
            let mut pairs = union(first);
            let mut index: HashMap<String, usize> =
                pairs.iter().enumerate().map(|(i, (k, _))| (k.to_string(), i)).collect();
            let mut owned: Vec<(String, String)> =
                pairs.drain(..).map(|(k, v)| (k.to_string(), v)).collect();
            for group in &spec.steps[1..] {
                let map: HashMap<char, String> = union(group)
                    .into_iter()
                    .map(|(k, v)| (k.chars().next().expect("non-empty key"), v))
                    .collect();
                let apply = |s: &str| -> String {
                    s.chars().fold(String::new(), |mut acc, c| {
                        match map.get(&c) {
                            Some(v) => acc.push_str(v),
                            None => acc.push(c),
                        }
                        acc
                    })
                };
                for (_, v) in owned.iter_mut() {
                    *v = apply(v);
                }
                for (k, v) in union(group) {
                    if !index.contains_key(k) {
                        index.insert(k.to_string(), owned.len());
                        owned.push((k.to_string(), v));
                    }
                }
            }
            return Plan::Single(Matcher::new(&owned));
        }
        let segmentation = Matcher::new(&spec.segmentation.entries());
        let steps = spec
            .steps
            .iter()
            .map(|group| {
                if union_is_exact(group) {
                    Step::Auto(Matcher::new(&union(group)))
                } else {
                    let dicts = group
                        .iter()
                        .map(|d| {
                            let e = d.entries();
                            let max = key_len_range(&e).1;
                            (e.into_iter().collect(), max)
                        })
                        .collect();
                    Step::Group(GroupLookup { dicts })
                }
            })
            .collect();
        Plan::Segmented { segmentation, steps }
    }

    pub fn convert_into(&self, text: &str, out: &mut String) {
        match self {
            Plan::Single(m) => m.replace_into(text, out),
            Plan::Segmented { segmentation, steps } => {
                let mut bounds = Vec::new();
                segmentation.for_each_span(text, |_, end, _| bounds.push(end));
                let mut cur = text.to_string();
                let mut next = String::with_capacity(text.len() + text.len() / 8);
                for (i, step) in steps.iter().enumerate() {
                    let last = i + 1 == steps.len();
                    let target = if last { &mut *out } else { &mut next };
                    let mut start = 0;
                    for b in bounds.iter_mut() {
                        step.replace_into(&cur[start..*b], target);
                        start = *b;
                        if !last {
                            *b = target.len();
                        }
                    }
                    if !last {
                        std::mem::swap(&mut cur, &mut next);
                        next.clear();
                    }
                }
            }
        }
    }
}
