//! Pure text-normalisation functions used by the `normalize` stage: script and variant
//! detection, punctuation and spacing, English glosses and English paragraphs.

mod foreign;
mod gloss;
mod mixed;
mod pass;
mod punct;
#[cfg(test)]
mod punct_ref;
mod region;
mod script;

pub use foreign::split as split_foreign;
pub use gloss::{extract_glosses, is_english, Glosses};
pub use mixed::{repair_hant, Residue};
pub use pass::{normalize_punct, normalize_punct_changed};
pub use punct::is_han;
pub use region::Regions;
pub use script::{detect_script, detect_variant, Evidence, Script, Variant};

/// Every line of every file under `corpus/`, and every whole file: the inputs on which the
/// tests compare a fast path with its reference.
#[cfg(test)]
fn corpus_texts() -> Vec<String> {
    let mut texts = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus"))];
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        } else if let Ok(t) = std::fs::read_to_string(&p) {
            texts.extend(t.lines().map(str::to_owned));
            texts.push(t);
        }
    }
    texts
}
