//! Pure text-normalisation functions used by the `normalize` stage: script and variant
//! detection, punctuation and spacing, English glosses and English paragraphs.

mod gloss;
mod pass;
mod punct;
#[cfg(test)]
mod punct_ref;
mod script;

pub use gloss::{extract_glosses, is_english, Gloss};
pub use punct::{is_cjk_punct, is_han, normalize_punct, normalize_punct_changed};
pub use script::{
    detect_script, detect_variant, script_evidence, Evidence, Script, Variant,
    SCRIPT_MAJORITY_PERCENT,
};
