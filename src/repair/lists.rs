//! Candidate bytes for what the damaging decoder lost or dropped, per byte value (built
//! once and shared by every document and thread), and the document's own additions to
//! them ([`DocChars`]). A leaf of the decoder: the search context holds a [`DocChars`],
//! and the search's steps read the lists.

use super::gbk::{gbk, is_lead, is_trail};
use super::lm::{general, CodeSet};
use std::sync::OnceLock;

/// Per trail byte, the leads that make a known character with it, most frequent first.
pub(super) fn leads_for(trail: u8) -> &'static [u8] {
    static T: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    let t = T.get_or_init(|| {
        per_byte(|x| most_frequent((0x81..=0xFEu8).map(|l| (l, [l, x])), true, 48))
    });
    &t[trail as usize]
}

/// Per lead byte, the trails of its most frequent characters: candidates for a byte the
/// decoder lost, where only the left neighbour constrains the character.
pub(super) fn common_trails(lead: u8) -> &'static [u8] {
    static T: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    let t = T.get_or_init(|| {
        per_byte(|l| {
            let trails = (0x40..=0xFEu8).filter(|&t| is_trail(t));
            most_frequent(trails.map(|t| (t, [l, t])), false, 48)
        })
    });
    &t[lead as usize]
}

/// Punctuation rows have no general counts; keep them all in play.
pub(super) fn symbol_prior_rank(lead: u8) -> f32 {
    if matches!(lead, 0xA1 | 0xA3) {
        1.0
    } else {
        0.0
    }
}

/// Per lead byte, trail bytes that complete a known character and can start a pair the
/// decoder drops (private-use rows), most frequent first.
pub(super) fn drop_trails(lead: u8) -> &'static [u8] {
    static T: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    let t = T.get_or_init(|| {
        per_byte(|l| {
            let trails = (0xA1..=0xFEu8).filter(|&t| starts_dropped_pair()[t as usize]);
            most_frequent(trails.map(|t| (t, [l, t])), true, 4)
        })
    });
    &t[lead as usize]
}

/// One candidate list for every byte value.
fn per_byte(list: impl Fn(u8) -> Vec<u8>) -> Vec<Vec<u8>> {
    (0..=255u8).map(list).collect()
}

/// The candidate bytes whose pair of `(byte, [lead, trail])` is a known GBK character, most
/// frequent first (general counts plus the punctuation rows' prior), at most `keep`; with
/// `counted`, only characters the general counts have seen.
fn most_frequent(
    pairs: impl Iterator<Item = (u8, [u8; 2])>,
    counted: bool,
    keep: usize,
) -> Vec<u8> {
    let mut v: Vec<(f32, u8)> = pairs
        .filter(|&(_, p)| gbk().is_pair(u16::from_be_bytes(p)))
        .map(|(b, p)| (general().unigram(u16::from_be_bytes(p)) + symbol_prior_rank(p[0]), b))
        .filter(|&(f, _)| !counted || f > 0.0)
        .collect();
    v.sort_by(|a, b| b.0.total_cmp(&a.0));
    v.into_iter().take(keep).map(|(_, b)| b).collect()
}

/// Characters of the document's trusted text, indexed like the shared candidate lists:
/// a name or rare word the document uses is a candidate wherever its bytes fit, even when
/// it is too rare to be among the general lists' most frequent characters.
#[derive(Default)]
pub struct DocChars {
    /// Per lead byte, trails of document characters missing from [`common_trails`].
    trails: Vec<Vec<u8>>,
    /// Per trail byte, leads of document characters missing from [`leads_for`].
    pub(super) leads: Vec<Vec<u8>>,
    /// Per lead byte, trails of document characters missing from [`drop_trails`] that
    /// can start a dropped pair.
    pub(super) drops: Vec<Vec<u8>>,
}

impl DocChars {
    pub fn build(codes: impl Iterator<Item = u16>) -> DocChars {
        let mut d = DocChars {
            trails: vec![Vec::new(); 256],
            leads: vec![Vec::new(); 256],
            drops: vec![Vec::new(); 256],
        };
        // Membership in the shared lists, as bitmaps over codes.
        static SHARED: OnceLock<[CodeSet; 3]> = OnceLock::new();
        let [common, lead, drop] = SHARED.get_or_init(|| {
            let mut s = [CodeSet::default(), CodeSet::default(), CodeSet::default()];
            for b in 0..=255u8 {
                common_trails(b).iter().for_each(|&t| s[0].insert(u16::from_be_bytes([b, t])));
                leads_for(b).iter().for_each(|&l| s[1].insert(u16::from_be_bytes([l, b])));
                drop_trails(b).iter().for_each(|&t| s[2].insert(u16::from_be_bytes([b, t])));
            }
            s
        });
        let starts_drop = starts_dropped_pair();
        let mut seen = CodeSet::default();
        for code in codes.filter(|&c| c > 0xFF && gbk().is_pair(c)) {
            if seen.contains(code) {
                continue;
            }
            seen.insert(code);
            let [l, t] = code.to_be_bytes();
            if !common.contains(code) {
                d.trails[l as usize].push(t);
            }
            if !lead.contains(code) {
                d.leads[t as usize].push(l);
            }
            if starts_drop[t as usize] && !drop.contains(code) {
                d.drops[l as usize].push(t);
            }
        }
        d
    }

    /// Trails for a byte lost after `lead`: the frequent ones, then the document's.
    pub fn trails(&self, lead: u8) -> impl Iterator<Item = u8> + '_ {
        common_trails(lead).iter().chain(self.list(&self.trails, lead)).copied()
    }

    pub(super) fn list<'a>(&'a self, v: &'a [Vec<u8>], b: u8) -> &'a [u8] {
        v.get(b as usize).map_or(&[], Vec::as_slice)
    }
}

/// Per byte, whether it starts some pair the decoder drops.
fn starts_dropped_pair() -> &'static [bool; 256] {
    static T: OnceLock<[bool; 256]> = OnceLock::new();
    T.get_or_init(|| std::array::from_fn(|t| (0x81..=0xFE).any(|h2| dropped(t as u8, h2))))
}

/// Whether the damaging decoder would have silently dropped the pair `a b`.
pub(super) fn dropped(a: u8, b: u8) -> bool {
    is_lead(a) && is_trail(b) && !gbk().is_pair(u16::from_be_bytes([a, b]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_pairs_are_private_use_rows() {
        assert!(dropped(0xFE, 0xB8) && dropped(0xAA, 0xD4));
        assert!(!dropped(0xB5, 0xC4)); // 的
    }

    #[test]
    fn drop_trails_prefer_frequent_characters() {
        // 會 is 95 FE: its trail starts a dropped pair before most characters.
        assert_eq!(drop_trails(0x95).first(), Some(&0xFE));
    }
}
