//! Two-step chains whose first step is led by the segmentation dictionary (s2tw, s2hk,
//! s2twp, s2hkp) as two passes over the whole text where segments cannot matter.
//!
//! Segment boundaries never cut a match of the first step, since its first dictionary is the
//! segmentation's (see the engine docs): the first step is one pass over the whole text. They
//! can cut a match of the second step, but only of a key longer than one character. Where the
//! first step's output holds none of those, each position of it meets only one-character
//! keys, the first dictionary of the group holding the character wins, and the second step is
//! one pass too. Where one shows (rarely: the Taiwan and Hong Kong variant phrases), the text
//! is converted segment by segment as OpenCC does, with a plan built on first need: its
//! segmentation matcher over the ~50 000 STPhrases keys costs as much to build as the first
//! step itself.

use std::sync::OnceLock;

use super::{shared_replacer, single_pass, union, Matcher, Plan, Spec};

pub struct TwoPass {
    /// The first step as one pass.
    first: &'static Matcher,
    /// The second step's one-character keys (an earlier dictionary winning a key several
    /// have), as one pass.
    second: Matcher,
    /// The second step's longer keys, to find whether any shows in the first step's output.
    phrases: Matcher,
    spec: Spec,
    /// OpenCC's chain segment by segment, for a text where a longer key shows.
    segmented: OnceLock<Plan>,
}

impl TwoPass {
    /// `None` unless the chain has two steps and its first step runs as one pass
    /// ([`single_pass`]).
    pub fn build(spec: Spec) -> Option<TwoPass> {
        let &[first, second] = spec.steps else { return None };
        if spec.segmentation.is_none() || !single_pass(spec) {
            return None;
        }
        let (chars, phrases): (Vec<_>, Vec<_>) =
            union(second).into_iter().partition(|(k, _)| k.chars().nth(1).is_none());
        let phrases: Vec<(&str, &str)> = phrases.iter().map(|(k, _)| (*k, *k)).collect();
        Some(TwoPass {
            first: shared_replacer(first),
            second: Matcher::replacer(&chars),
            phrases: Matcher::new(&phrases),
            spec,
            segmented: OnceLock::new(),
        })
    }

    pub fn convert_into(&self, text: &str, out: &mut String) {
        let mut mid = String::with_capacity(text.len() + text.len() / 8);
        self.first.replace_into(text, &mut mid);
        if self.phrases.finds_any(&mid) {
            let plan = self.segmented.get_or_init(|| Plan::segmented(self.spec));
            return plan.convert_into(text, out);
        }
        self.second.replace_into(&mid, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::dict::spec;
    use crate::convert::Config;
    use crate::testing::Xorshift;

    const TWO_PASS: [Config; 4] = [Config::S2tw, Config::S2hk, Config::S2twp, Config::S2hkp];

    fn run(f: impl Fn(&str, &mut String), text: &str) -> String {
        let mut out = String::new();
        f(text, &mut out);
        out
    }

    #[test]
    fn only_the_simplified_to_regional_chains_run_in_two_passes() {
        for config in Config::ALL {
            let two = matches!(Plan::build(config, false), Plan::TwoPass(_));
            assert_eq!(two, TWO_PASS.contains(&config), "{config}");
        }
    }

    /// The corpus, and every dictionary key of the chain run together in random order (so
    /// keys straddle segment boundaries and the first step writes the second step's phrases),
    /// converted as OpenCC's segment-by-segment chain converts them.
    #[test]
    fn two_passes_convert_as_the_segmented_chain() {
        let corpus = crate::testing::corpus_text();
        let mut rng = Xorshift::default();
        for config in TWO_PASS {
            let s = spec(config, false);
            let two = TwoPass::build(s).expect("two passes");
            let plan = Plan::segmented(s);
            let convert = |t: &str| run(|t, o| two.convert_into(t, o), t);
            let exact = |t: &str| run(|t, o| plan.convert_into(t, o), t);
            assert_eq!(convert(&corpus), exact(&corpus), "{config}");
            let mut keys: Vec<&str> = s
                .steps
                .iter()
                .flat_map(|g| g.iter().copied())
                .flat_map(|d| d.entries().iter().map(|e| e.0))
                .collect();
            // The second step's phrases as the first step's output, as Simplified input.
            let back: Vec<String> = s.steps[1]
                .iter()
                .flat_map(|d| d.entries())
                .map(|(k, _)| crate::convert::Converter::get(Config::T2s).convert(k))
                .collect();
            keys.extend(back.iter().map(String::as_str));
            let mut fell_back = 0;
            for _ in 0..5 {
                for i in (1..keys.len()).rev() {
                    keys.swap(i, rng.below(i + 1));
                }
                for window in keys.chunks(40) {
                    let text = window.concat();
                    assert_eq!(convert(&text), exact(&text), "{config}");
                    let mut mid = String::new();
                    two.first.replace_into(&text, &mut mid);
                    fell_back += usize::from(two.phrases.finds_any(&mid));
                }
            }
            assert!(fell_back > 0, "{config}: no text needed the segmented chain");
        }
    }
}
