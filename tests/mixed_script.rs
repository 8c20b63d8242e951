//! Mixed-script normalization, measured: Hong Kong and Taiwan Traditional texts with 1, 3, 10
//! and 30 % of their convertible characters written in Simplified (the generator below) must
//! give the same `zh_hant` and `zh_hans` as the clean text on ≥ 99.5 % of lines.

use std::path::Path;

use zhpipe::config::Resources;
use zhpipe::convert::{Config, Converter, DictId};
use zhpipe::Variant;
use zhpipe::{Normalize, NormalizeConfig};

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn percent(&mut self, p: u64) -> bool {
        self.next() % 10_000 < p * 100
    }
}

/// `text` with `percent` % of its convertible characters (those TSCharacters changes)
/// replaced by their Simplified forms.
fn simplify_some(text: &str, percent: u64, seed: u64) -> String {
    let ts: std::collections::HashMap<char, char> = DictId::TsCharacters
        .entries()
        .iter()
        .filter_map(|(k, v)| {
            let (k, v): (Vec<char>, Vec<char>) = (k.chars().collect(), v.chars().collect());
            (k.len() == 1 && v.len() == 1 && k != v).then(|| (k[0], v[0]))
        })
        .collect();
    let mut rng = Rng(seed | 1);
    text.chars()
        .map(|c| match ts.get(&c) {
            Some(&s) if rng.percent(percent) => s,
            _ => c,
        })
        .collect()
}

/// Clean Traditional texts, by variant: the corpus's own HK and TW documents and the
/// Simplified seed documents converted by s2hk / s2tw with word boundaries, as the normalize
/// stage converts (OpenCC's own output has errors such as `面临` → `麪臨` that no reading of
/// the mixed text should reproduce).
fn clean_texts() -> Vec<(Variant, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    let mut out = vec![
        (Variant::Hk, read("variants/same_hk.txt")),
        (Variant::Tw, read("variants/same_tw.txt")),
    ];
    for seed in ["seeds/000_3620cb2f54fea72b.txt", "seeds/003_caabccca218568a5.txt"] {
        let hans = read(seed);
        out.push((Variant::Hk, Converter::get(Config::S2hk).convert_words(&hans)));
        out.push((Variant::Tw, Converter::get(Config::S2tw).convert_words(&hans)));
    }
    out
}

#[test]
fn partly_simplified_traditional_text_normalizes_as_the_clean_text() {
    let normalize = Normalize::new(&NormalizeConfig::default(), &Resources::builtin()).unwrap();
    let texts = clean_texts();
    for percent in [1, 3, 10, 30] {
        for variant in [Variant::Hk, Variant::Tw] {
            let (mut lines, mut hant_same, mut hans_same) = (0, 0, 0);
            for (i, (_, clean)) in texts.iter().enumerate().filter(|(_, t)| t.0 == variant) {
                let mixed = simplify_some(clean, percent, 0x5eed + i as u64);
                for (a, b) in clean.lines().zip(mixed.lines()).filter(|(a, _)| !a.trim().is_empty())
                {
                    let want = normalize.scripts(a, Some(variant));
                    let got = normalize.scripts(b, Some(variant));
                    lines += 1;
                    hant_same += usize::from(got.zh_hant == want.zh_hant);
                    hans_same += usize::from(got.zh_hans == want.zh_hans);
                    if got.zh_hant != want.zh_hant || got.zh_hans != want.zh_hans {
                        eprintln!(
                            "{percent}% {variant:?}\n  {a}\n  {b}\n  {}\n  {}",
                            want.zh_hans, got.zh_hans
                        );
                    }
                }
            }
            let share = |n: usize| n as f64 * 100.0 / lines as f64;
            eprintln!(
                "{percent:>2} % {variant:?}: {lines} lines, zh_hant {:.2} %, zh_hans {:.2} %",
                share(hant_same),
                share(hans_same)
            );
            assert!(lines > 100);
            assert!(
                share(hant_same) >= 99.5,
                "{percent} % {variant:?}: zh_hant {:.2} %",
                share(hant_same)
            );
            assert!(
                share(hans_same) >= 99.5,
                "{percent} % {variant:?}: zh_hans {:.2} %",
                share(hans_same)
            );
        }
    }
}
