//! Mixed-script normalization, measured: Hong Kong and Taiwan Traditional texts with 1, 3, 10
//! and 30 % of their convertible characters written in Simplified (the generator below) must
//! give the same `zh_hant` and `zh_hans` as the clean text on ≥ 99.5 % of lines, each text
//! run through the normalize stage as a document (whether a character of both scripts is
//! residue is decided per document). The corpus's real Traditional documents, 3 %
//! simplified, are a measurement the repair was not tuned on; their clean lines must come
//! out as written.

use std::path::Path;

use zhpipe::config::Resources;
use zhpipe::convert::{Config, Converter, DictId};
use zhpipe::{detect_script, detect_variant, Evidence, Script, Variant};
use zhpipe::{Document, Normalize, NormalizeConfig, Pipeline, Stage, StageKind};

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
                let want = normalized(&normalize, clean, Some(variant));
                let got = normalized(&normalize, &mixed, Some(variant));
                for (j, a) in want.text.iter().enumerate().filter(|(_, a)| !a.trim().is_empty()) {
                    lines += 1;
                    hant_same += usize::from(got.hant[j] == want.hant[j]);
                    hans_same += usize::from(got.hans[j] == want.hans[j]);
                    if got.hant[j] != want.hant[j] || got.hans[j] != want.hans[j] {
                        eprintln!(
                            "{percent}% {variant:?}\n  {a}\n  {}\n  {}\n  {}",
                            got.text[j], want.hans[j], got.hans[j]
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

/// Whether a line is led by Traditional evidence (as the normalize stage decides which lines
/// to repair).
fn hant_led(e: &Evidence) -> bool {
    e.hant > 0 && e.hant >= e.hans
}

/// How clean a real Traditional document is, judged by its Traditional lines.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// No Simplified character at all, not even one Traditional also writes (后, 于).
    Pure,
    /// No stray character (这, 么), but characters of both scripts: the author's as far as
    /// the document shows.
    BothScripts,
    /// Stray characters: Simplified residue in the source itself.
    Stray,
}

/// The Traditional documents of `corpus/real` and `corpus/html` as the normalize stage sees
/// them (after strip), each with its [`Kind`].
fn real_traditional_texts() -> Vec<(String, String, Kind)> {
    let pipeline = Pipeline::builtin().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut paths: Vec<_> = ["real", "html"]
        .iter()
        .flat_map(|d| std::fs::read_dir(root.join(d)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.as_bytes()[0].is_ascii_digit()
        })
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let bytes = std::fs::read(&p).unwrap();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let Ok(doc) = pipeline.process_until(&name, bytes, StageKind::Strip) else { continue };
        let text = doc.text();
        let (mut total, mut led) = (Evidence::default(), Evidence::default());
        for l in text.lines() {
            let e = Evidence::of(l);
            total.add(e);
            if hant_led(&e) {
                led.add(e);
            }
        }
        let kind = match (led.stray, led.hans) {
            (0, 0) => Kind::Pure,
            (0, _) => Kind::BothScripts,
            _ => Kind::Stray,
        };
        if total.script() == Script::Hant {
            out.push((name, text, kind));
        }
    }
    out
}

/// A document after the normalize stage: its lines, their two scripts, its variant.
struct Normalized {
    text: Vec<String>,
    hant: Vec<String>,
    hans: Vec<String>,
    variant: Option<Variant>,
}

/// The normalize stage run on `text` as one document, which states its region (as
/// `<html lang="zh-TW">` does) when `region` is given.
fn normalized(normalize: &Normalize, text: &str, region: Option<Variant>) -> Normalized {
    let mut doc = Document::new("d", "d.txt", text.as_bytes().to_vec());
    doc.set_source_text(text);
    if let Some(region) = region {
        let lang = match region {
            Variant::Hk => "zh-HK",
            Variant::Tw => "zh-TW",
        };
        doc.meta.extra.insert("lang".into(), lang.into());
    }
    normalize.process(&mut doc).unwrap();
    let scripts = |f: fn(&zhpipe::document::Scripts) -> &String| {
        doc.lines.iter().map(|l| f(&l.scripts.as_ref().unwrap().text).clone()).collect()
    };
    Normalized {
        hant: scripts(|s| &s.zh_hant),
        hans: scripts(|s| &s.zh_hans),
        text: doc.lines.iter().map(|l| l.text.clone()).collect(),
        variant: doc.meta.variant,
    }
}

/// A measurement on text the repair was not tuned on: the corpus's real Traditional
/// documents with 3 % of their convertible characters simplified, run as documents through
/// the normalize stage. Lines the substitution left alone must come out as in the clean
/// document, and a clean document's Traditional lines are converted as written (no repair).
#[test]
fn real_traditional_documents_partly_simplified() {
    let normalize = Normalize::new(&NormalizeConfig::default(), &Resources::builtin()).unwrap();
    // Per kind of document: documents, lines, lines the same as the clean document's, lines
    // the substitution left alone, of those changed, clean Traditional lines, of those
    // repaired.
    let mut figures: std::collections::BTreeMap<String, [usize; 7]> = Default::default();
    let texts = real_traditional_texts();
    for (i, (name, clean, kind)) in texts.iter().enumerate() {
        let [docs, lines, same, untouched, untouched_changed, clean_lines, clean_repaired] =
            figures.entry(format!("{kind:?}")).or_default();
        *docs += 1;
        let mixed = simplify_some(clean, 3, 0xc0ffee + i as u64);
        let Normalized { text: clean_text, hant: want, variant, .. } =
            normalized(&normalize, clean, None);
        let Normalized { text: mixed_text, hant: got, .. } = normalized(&normalize, &mixed, None);
        assert_eq!(clean_text.len(), mixed_text.len(), "{name}");
        for (j, (a, b)) in clean_text.iter().zip(&mixed_text).enumerate() {
            if !hant_led(&Evidence::of(a)) {
                continue;
            }
            *lines += 1;
            *same += usize::from(want[j] == got[j]);
            if a == b {
                *untouched += 1;
                if want[j] != got[j] {
                    *untouched_changed += 1;
                    eprintln!("{name}: untouched line changed\n  {}\n  {}", want[j], got[j]);
                }
            }
            // A Traditional line of a document without stray characters: converted as
            // written.
            if *kind != Kind::Stray && detect_script(a) == Script::Hant {
                *clean_lines += 1;
                let v = detect_variant(a).or(variant);
                let plain = match v {
                    Some(Variant::Hk) => Converter::get(Config::T2tw)
                        .convert(&Converter::get(Config::Hk2t).convert(a)),
                    _ => Converter::get(Config::T2tw).convert(a),
                };
                if plain != want[j] {
                    *clean_repaired += 1;
                    eprintln!("{name}: clean line repaired\n  {plain}\n  {}", want[j]);
                }
            }
        }
    }
    let mut all = [0; 7];
    for (kind, f) in &figures {
        let [docs, lines, same, untouched, untouched_changed, clean_lines, clean_repaired] = *f;
        eprintln!(
            "{kind}: {docs} documents, 3 % simplified: {lines} Traditional lines, zh_hant same \
             as the clean document's {same} ({:.2} %); lines the substitution left alone \
             {untouched}, changed {untouched_changed}; clean Traditional lines {clean_lines}, \
             repaired {clean_repaired}",
            same as f64 * 100.0 / lines as f64
        );
        for (a, b) in all.iter_mut().zip(f) {
            *a += b;
        }
    }
    eprintln!("all: {all:?}");
    assert!(all[1] > 500);
    assert_eq!(all[6], 0, "a Traditional line of a document without stray characters was repaired");
}
