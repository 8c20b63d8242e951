//! The conversion engine: OpenCC's algorithm on a leftmost-longest [`Matcher`].
//!
//! OpenCC 1.4 (`SingleStageConverter::Convert`, after the normalization pass of
//! [`super::prepass`]) works like this:
//! 1. With a segmentation dictionary, `MaxMatchSegmentation` splits the text: at each position
//!    the longest key that is a prefix of the rest becomes a segment; runs of characters where
//!    nothing matches become one segment each. Without one (s2t, t2s, t2tw, t2hk, tw2t, hk2t)
//!    the text is one segment.
//! 2. Each step of the conversion chain converts each segment on its own (`Conversion`): at each
//!    position, the group's first dictionary with any prefix match gives its longest match
//!    (`DictGroup::MatchPrefix`; a `"union"` group is one dictionary here, [`DictId::StPhrasesAll`]),
//!    replaced by the entry's first candidate; otherwise one character is copied.
//!
//! Leftmost-longest matching over a dictionary equals that position-by-position longest-prefix
//! scan. When there is no segmentation, or it is the first dictionary of the first step,
//! segment boundaries never cut a match of the first step, and later steps that only map single
//! characters are composed into the first step's values: the whole config is then one
//! leftmost-longest pass ([`Plan::Single`]: s2t, t2s, t2tw, t2hk, tw2t, hk2t). hk2s and tw2s
//! run as one pass where their segments allow it ([`fused`]), s2tw, s2hk, s2twp and s2hkp as
//! two passes ([`two_pass`]); the others run OpenCC's segment-by-segment chain exactly
//! ([`Plan::Segmented`]).

use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;

use super::dict::{spec, DictId, Spec};
pub use super::matcher::Matcher;
use super::Config;

mod fused;
mod two_pass;

/// A dictionary group whose first-match-wins rule differs from longest-over-the-union
/// (tw2sp's TWPhrasesRev has one-character keys ahead of longer TWVariantsRevPhrases keys).
/// Position by position, exactly as OpenCC's `DictGroup::MatchPrefix`.
pub struct GroupLookup {
    dicts: Vec<(FxHashMap<&'static str, &'static str>, usize)>,
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
    Auto(Box<Matcher>),
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
    Single(&'static Matcher),
    /// A two-step chain run as one pass where segments allow it.
    Fused(Box<fused::Fused>),
    /// A two-step chain run as two whole-text passes where segments allow it.
    TwoPass(Box<two_pass::TwoPass>),
    /// OpenCC's chain run segment by segment.
    Segmented { segmentation: Option<Box<Matcher>>, steps: Vec<Step> },
}

/// True when longest-match over the union (earlier dictionaries winning ties) gives the same
/// result as OpenCC's "first dictionary with a match": no later dictionary has a key longer
/// than the shortest key of an earlier one.
fn union_is_exact(group: &[DictId]) -> bool {
    let ranges: Vec<_> = group.iter().map(|d| d.key_len_range()).collect();
    ranges.iter().enumerate().all(|(i, (lo, _))| ranges[i + 1..].iter().all(|(_, hi)| hi <= lo))
}

/// A conversion pair: the dictionaries' own strings, or a value composed from several.
type Pair = (&'static str, Cow<'static, str>);

/// `(key, value)` pairs of a group, earlier dictionaries winning duplicate keys.
fn union(group: &[DictId]) -> Vec<Pair> {
    let len = group.iter().map(|d| d.entries().len()).sum();
    let mut seen = FxHashSet::with_capacity_and_hasher(len, Default::default());
    let mut out = Vec::with_capacity(len);
    for d in group {
        for &(k, v) in d.entries() {
            if seen.insert(k) {
                out.push((k, Cow::Borrowed(v)));
            }
        }
    }
    out
}

fn chars_only(group: &[DictId]) -> bool {
    group.iter().all(|d| d.key_len_range().1 == 1)
}

/// Whether the first step runs as one pass: the segmentation dictionary, if any, is its first
/// dictionary and its union is exact.
fn single_pass(spec: Spec) -> bool {
    let first = spec.steps[0];
    spec.segmentation.is_none_or(|s| s == first[0]) && union_is_exact(first)
}

/// The one-pass replacer of a group whose union is exact, built once per process and shared:
/// configs share steps (s2t's is the first step of s2tw, s2hk, s2twp and s2hkp; t2s's the
/// second of tw2s and hk2s; hk2t's and tw2t's the first of hk2s and tw2s), and a replacer
/// over STPhrases costs some 45 million instructions to build.
fn shared_replacer(group: &'static [DictId]) -> &'static Matcher {
    type Cache = Vec<(&'static [DictId], &'static Matcher)>;
    static CACHE: std::sync::Mutex<Cache> = std::sync::Mutex::new(Vec::new());
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, m)) = cache.iter().find(|(g, _)| *g == group) {
        return m;
    }
    let built = (group == s2t_group())
        .then(|| Matcher::from_bytes(S2T_TABLE, &fingerprint(group)))
        .flatten();
    let m = built.unwrap_or_else(|| Matcher::replacer(&union(group)));
    let m: &'static Matcher = Box::leak(Box::new(m));
    cache.push((group, m));
    m
}

/// s2t's replacer as built from its dictionaries, compiled in (see `matcher/table.rs`).
static S2T_TABLE: &[u8] = include_bytes!("data/s2t.mat");

fn s2t_group() -> &'static [DictId] {
    spec(Config::S2t, false).steps[0]
}

/// What a compiled table records of the dictionaries it was built from: their files' byte
/// lengths (a process builds the replacer itself when they differ).
fn fingerprint(group: &[DictId]) -> Vec<u32> {
    group.iter().flat_map(|d| d.files()).map(|f| f.text().len() as u32).collect()
}

/// The shared one-pass replacer of s2t (STPhrases and STCharacters), the first step of every
/// Simplified → Traditional config.
pub(super) fn s2t_replacer() -> &'static Matcher {
    shared_replacer(s2t_group())
}

/// The pairs of one leftmost-longest pass equal to the config, when there is one: the
/// segmentation dictionary is the first step's first dictionary, the first step's union is
/// exact, and later steps only map single characters.
fn single_pass_pairs(spec: Spec) -> Option<Vec<Pair>> {
    let first = spec.steps[0];
    let later = &spec.steps[1..];
    if !single_pass(spec) || !later.iter().all(|g| chars_only(g)) {
        return None;
    }
    let mut pairs = union(first);
    for group in later {
        compose_chars(&mut pairs, group);
    }
    Some(pairs)
}

/// Runs a one-character step after a single pass: the pass's values are mapped through the
/// step, and the step's keys that the pass does not have are added (a character the pass
/// copies meets the step unchanged).
fn compose_chars(pairs: &mut Vec<Pair>, group: &[DictId]) {
    let step = union(group);
    let map: FxHashMap<char, &str> =
        step.iter().map(|(k, v)| (k.chars().next().expect("non-empty key"), v.as_ref())).collect();
    for (_, v) in pairs.iter_mut() {
        // Most values hold no character the step maps: they stay borrowed.
        if !v.chars().any(|c| map.contains_key(&c)) {
            continue;
        }
        let mut mapped = String::with_capacity(v.len());
        for c in v.chars() {
            match map.get(&c) {
                Some(m) => mapped.push_str(m),
                None => mapped.push(c),
            }
        }
        *v = Cow::Owned(mapped);
    }
    let keys: FxHashSet<&str> = pairs.iter().map(|p| p.0).collect();
    let added: Vec<Pair> = step.iter().filter(|(k, _)| !keys.contains(k)).cloned().collect();
    pairs.extend(added);
}

impl Plan {
    pub fn build(config: Config, ext: bool) -> Plan {
        let spec = spec(config, ext);
        if let [group] = spec.steps {
            if single_pass(spec) {
                return Plan::Single(shared_replacer(group));
            }
        }
        if let Some(pairs) = single_pass_pairs(spec) {
            return Plan::Single(Box::leak(Box::new(Matcher::replacer(&pairs))));
        }
        if let Some(f) = fused::Fused::build(spec) {
            return Plan::Fused(Box::new(f));
        }
        match two_pass::TwoPass::build(spec) {
            Some(t) => Plan::TwoPass(Box::new(t)),
            None => Plan::segmented(spec),
        }
    }

    /// OpenCC's chain, segment by segment.
    fn segmented(spec: Spec) -> Plan {
        let segmentation = spec.segmentation.map(|d| Box::new(Matcher::new(d.entries())));
        let steps = spec
            .steps
            .iter()
            .map(|group| {
                if union_is_exact(group) {
                    Step::Auto(Box::new(Matcher::replacer(&union(group))))
                } else {
                    let dicts = group
                        .iter()
                        .map(|d| (d.entries().iter().copied().collect(), d.key_len_range().1))
                        .collect();
                    Step::Group(GroupLookup { dicts })
                }
            })
            .collect();
        Plan::Segmented { segmentation, steps }
    }

    /// One pass equal to converting with `a` and then with `b`, when there is one: `a` is a
    /// single pass and every dictionary of `b`, its segmentation included, maps single
    /// characters (segment boundaries of one-character keys cut no match).
    pub fn build_chain(a: Config, b: Config, ext: bool) -> Option<Plan> {
        let mut pairs = single_pass_pairs(spec(a, ext))?;
        let sb = spec(b, ext);
        if !sb.segmentation.is_none_or(|s| chars_only(&[s]))
            || !sb.steps.iter().all(|g| chars_only(g))
        {
            return None;
        }
        for group in sb.steps {
            compose_chars(&mut pairs, group);
        }
        Some(Plan::Single(Box::leak(Box::new(Matcher::replacer(&pairs)))))
    }

    /// The s2t replacer when the plan is that one pass (s2t itself).
    pub fn s2t_replacer(&self) -> Option<&'static Matcher> {
        match self {
            Plan::Single(m) if std::ptr::eq(*m, s2t_replacer()) => Some(m),
            _ => None,
        }
    }

    pub fn convert_into(&self, text: &str, out: &mut String) {
        match self {
            Plan::Single(m) => m.replace_into(text, out),
            Plan::Fused(f) => f.convert_into(text, out),
            Plan::TwoPass(t) => t.convert_into(text, out),
            Plan::Segmented { segmentation, steps } => {
                let mut bounds = Vec::new();
                match segmentation {
                    Some(m) => m.for_each_span(text, |_, end, _| bounds.push(end)),
                    None => bounds.push(text.len()),
                }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `data/s2t.mat` is what building s2t's replacer from the dictionaries gives, and loads
    /// back to the same tables.
    #[test]
    fn s2t_table_is_current() {
        let group = s2t_group();
        let fp = fingerprint(group);
        let want = Matcher::replacer(&union(group)).to_bytes(&fp);
        if std::env::var_os("UPDATE_CONVERT_TABLES").is_some() {
            let path =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/convert/data/s2t.mat");
            std::fs::write(path, &want).expect("write the table");
            return;
        }
        assert!(
            S2T_TABLE == want.as_slice(),
            "src/convert/data/s2t.mat is stale: regenerate it with \
             UPDATE_CONVERT_TABLES=1 cargo test --lib convert::engine"
        );
        let loaded = Matcher::from_bytes(S2T_TABLE, &fp).expect("the table loads");
        assert!(loaded.to_bytes(&fp) == want, "loading loses nothing");
        let other: Vec<u32> = fp.iter().map(|n| n + 1).collect();
        assert!(Matcher::from_bytes(S2T_TABLE, &other).is_none(), "other dictionaries");
    }
}
