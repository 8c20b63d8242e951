//! Two-step segment-by-segment chains (hk2s, tw2s) in one pass where OpenCC's segments
//! allow it.
//!
//! hk2s and tw2s segment with TSPhrases, then convert each segment with a variant step (Hong
//! Kong or Taiwan forms → OpenCC's standard Traditional) and then the Traditional →
//! Simplified step, whose first dictionary is TSPhrases again. A segment is a TSPhrases key,
//! whose conversion by both steps is computed once, or a run of text where no key starts.
//! In such a run the second step converts character by character unless the variant step
//! has written a TSPhrases key into it. It can only do so by writing a character that it
//! changes somewhere (a key without such a character would have been in the run already),
//! and only a few keys hold one (14 for hk2s, 21 for tw2s on the 1.4.2 data). So a run is
//! converted by one pass, the variant step composed with the second step's characters, and
//! the output is searched for those few keys' character-by-character images: a key the
//! variant step wrote leaves its image there. Where one shows (rarely, and not always
//! because of the key), the run is converted again step by step.
//!
//! The TSPhrases segmentation itself stays a separate scan: fusing it into the pass too is
//! exact only when no variant key overlaps a TSPhrases key, and some do (1 for hk2s, 27 for
//! tw2s on the 1.4.2 data); guarding them cost about what the scan costs.

use memchr::memmem::Finder;
use rustc_hash::{FxHashMap, FxHashSet};

use super::{chars_only, compose_chars, shared_replacer, union, union_is_exact};
use super::{DictId, Matcher, Pair, Spec};

pub struct Fused {
    /// The segmentation keys, each valued with its conversion by both steps.
    segmentation: Matcher,
    /// The first step composed with the second step's one-character dictionaries.
    runs: Matcher,
    /// The images (as `runs` writes them) of the segmentation keys holding a character the
    /// first step writes in place of another.
    suspects: Vec<Finder<'static>>,
    /// The two steps, for a run where a suspect shows.
    first: &'static Matcher,
    second: &'static Matcher,
}

impl Fused {
    /// `None` unless the chain has two steps, the second led by the segmentation dictionary
    /// and followed only by one-character dictionaries, and both groups convert as
    /// leftmost-longest over their union.
    pub fn build(spec: Spec) -> Option<Fused> {
        let &[first, second] = spec.steps else { return None };
        let exact = union_is_exact(first) && union_is_exact(second);
        let segmentation = spec.segmentation?;
        if !exact || second[0] != segmentation || !chars_only(&second[1..]) {
            return None;
        }
        let first_pairs = union(first);
        let first_step = shared_replacer(first);
        let second_step = shared_replacer(second);
        let keys = segmentation.entries();
        let converted: Vec<(&str, String)> =
            keys.iter().map(|&(k, _)| (k, step_by_step(first_step, second_step, k))).collect();
        let mut pairs = first_pairs.clone();
        compose_chars(&mut pairs, &second[1..]);
        let suspects = suspects(keys, &first_pairs, &second[1..]);
        Some(Fused {
            segmentation: Matcher::new(&converted),
            runs: Matcher::replacer(&pairs),
            suspects,
            first: first_step,
            second: second_step,
        })
    }

    pub fn convert_into(&self, text: &str, out: &mut String) {
        self.segmentation.for_each_span(text, |s, e, v| match v {
            Some(v) => out.push_str(v),
            None => self.run(&text[s..e], out),
        });
    }

    /// A run where no segmentation key starts.
    fn run(&self, run: &str, out: &mut String) {
        let at = out.len();
        self.runs.replace_into(run, out);
        let written = &out.as_bytes()[at..];
        if self.suspects.iter().any(|f| f.find(written).is_some()) {
            out.truncate(at);
            out.push_str(&step_by_step(self.first, self.second, run));
        }
    }
}

/// The images, character by character through `chars_step`, of the `keys` that hold a
/// character the `first` step writes in place of another.
fn suspects(keys: &[(&str, &str)], first: &[Pair], chars_step: &[DictId]) -> Vec<Finder<'static>> {
    let chars: FxHashMap<char, String> = union(chars_step)
        .into_iter()
        .map(|(k, v)| (k.chars().next().expect("non-empty key"), v.into_owned()))
        .collect();
    let written = written_in_place(first);
    keys.iter()
        .filter(|(k, _)| k.chars().any(|c| written.contains(&c)))
        .map(|(k, _)| {
            let image: String = k
                .chars()
                .map(|c| chars.get(&c).cloned().unwrap_or_else(|| c.to_string()))
                .collect();
            Finder::new(image.as_bytes()).into_owned()
        })
        .collect()
}

/// `text` converted by one step, then the other.
fn step_by_step(first: &Matcher, second: &Matcher, text: &str) -> String {
    let (mut mid, mut out) = (String::new(), String::new());
    first.replace_into(text, &mut mid);
    second.replace_into(&mid, &mut out);
    out
}

/// The characters a step writes in place of another: those of a value that differ from the
/// key's character at the same position, and every character of a value whose length
/// differs from its key's.
fn written_in_place(pairs: &[Pair]) -> FxHashSet<char> {
    let mut set = FxHashSet::default();
    for (k, v) in pairs {
        if k.chars().count() == v.chars().count() {
            set.extend(k.chars().zip(v.chars()).filter(|(a, b)| a != b).map(|p| p.1));
        } else {
            set.extend(v.chars());
        }
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::dict::spec;
    use crate::convert::engine::Plan;
    use crate::convert::Config;
    use crate::testing::Xorshift;

    const FUSED: [Config; 2] = [Config::Hk2s, Config::Tw2s];

    fn fused(config: Config) -> Fused {
        Fused::build(spec(config, false)).expect("fuses")
    }

    fn convert(f: &Fused, text: &str) -> String {
        let mut out = String::new();
        f.convert_into(text, &mut out);
        out
    }

    fn segmented(plan: &Plan, text: &str) -> String {
        let mut out = String::new();
        plan.convert_into(text, &mut out);
        out
    }

    #[test]
    fn only_the_two_step_variant_chains_fuse() {
        for config in Config::ALL {
            let expected = FUSED.contains(&config);
            assert_eq!(Fused::build(spec(config, false)).is_some(), expected, "{config}");
        }
        assert_eq!(fused(Config::Hk2s).suspects.len(), 14);
        assert_eq!(fused(Config::Tw2s).suspects.len(), 21);
    }

    /// The corpus, and every dictionary key of the chain run together in random order (so
    /// keys straddle segment boundaries and variant phrases complete segmentation keys).
    #[test]
    fn fused_chains_convert_as_step_by_step() {
        let corpus = crate::testing::corpus_text();
        let mut rng = Xorshift::default();
        for config in FUSED {
            let (f, plan) = (fused(config), Plan::segmented(spec(config, false)));
            assert_eq!(convert(&f, &corpus), segmented(&plan, &corpus), "{config}");
            let s = spec(config, false);
            let mut keys: Vec<&str> = s
                .segmentation
                .into_iter()
                .chain(s.steps.iter().flat_map(|g| g.iter().copied()))
                .flat_map(|d| d.entries().iter().map(|e| e.0))
                .collect();
            for _ in 0..20 {
                for i in (1..keys.len()).rev() {
                    keys.swap(i, rng.below(i + 1));
                }
                for window in keys.chunks(40) {
                    let text = window.concat();
                    assert_eq!(convert(&f, &text), segmented(&plan, &text), "{config}");
                }
            }
        }
    }

    /// A suspect key written by the variant step: the one pass alone would convert it
    /// character by character, so the run must be redone (the test fails without it).
    #[test]
    fn a_segmentation_key_the_variant_step_completes_is_converted_as_a_phrase() {
        for config in FUSED {
            let (f, plan) = (fused(config), Plan::segmented(spec(config, false)));
            let s = spec(config, false);
            // Each suspect key, with its characters in the forms the variant step rewrites.
            let reverse: FxHashMap<char, char> = union(s.steps[0])
                .iter()
                .filter(|(k, v)| k.chars().count() == 1 && v.chars().count() == 1 && *k != v)
                .map(|(k, v)| (v.chars().next().unwrap(), k.chars().next().unwrap()))
                .collect();
            let mut redone = 0;
            for (key, _) in s.segmentation.unwrap().entries() {
                let source: String = key.chars().map(|c| *reverse.get(&c).unwrap_or(&c)).collect();
                if source == *key {
                    continue;
                }
                let text = format!("他說{source}。");
                let want = segmented(&plan, &text);
                assert_eq!(convert(&f, &text), want, "{config} {key}");
                let mut one_pass = String::new();
                f.runs.replace_into(&text, &mut one_pass);
                redone += usize::from(one_pass != want);
            }
            assert!(redone > 0, "{config}: no run needed redoing");
        }
    }
}
