//! Which profiles apply to a document: one literal scan of its text for the evidence
//! patterns of all profiles, then only the patterns whose literals occur are searched.

use super::scan::Literals;
use super::{Profile, RuleFileError};

/// The evidence literals of a list of profiles, built once with the stage.
#[derive(Debug)]
pub struct Evidence {
    literals: Literals,
    /// Per profile, per evidence pattern, its bit in `literals` (0: the pattern requires
    /// no literal, or comes past the 64th, and is always searched).
    bits: Vec<Vec<u64>>,
    /// Whether some profile needs evidence at all.
    needed: bool,
}

impl Evidence {
    pub fn new(profiles: &[Profile]) -> Evidence {
        let mut next = 0u32;
        let mut sets = Vec::new();
        let bits = profiles
            .iter()
            .map(|p| {
                let bit_of = |lits: &Option<Vec<Vec<u8>>>| {
                    let bit = lits.as_ref().and_then(|_| 1u64.checked_shl(next)).unwrap_or(0);
                    next += u32::from(bit != 0);
                    bit
                };
                let bits: Vec<u64> = p.evidence_literals.iter().map(bit_of).collect();
                for (bit, lits) in bits.iter().zip(&p.evidence_literals) {
                    if let Some(set) = lits.as_deref().filter(|_| *bit != 0) {
                        sets.push((*bit, set));
                    }
                }
                bits
            })
            .collect();
        let needed = profiles.iter().any(|p| p.min_evidence > 0);
        Evidence { literals: Literals::new(sets), bits, needed }
    }

    /// Whether each profile applies to the document whose text `text()` gives (asked only
    /// when some profile needs evidence). An error names an evidence pattern that does not
    /// compile.
    pub fn applicable(
        &self,
        profiles: &[Profile],
        text: impl FnOnce() -> String,
    ) -> Result<Vec<bool>, RuleFileError> {
        if !self.needed {
            return Ok(vec![true; profiles.len()]);
        }
        let text = text();
        let all = self.bits.iter().flatten().fold(0, |acc, b| acc | b);
        let found = self.literals.find(&text, all);
        profiles
            .iter()
            .zip(&self.bits)
            .map(|(p, bits)| p.applies_to(&text, |k| bits[k] == 0 || found & bits[k] != 0))
            .collect()
    }
}
