//! GBK tables and the byte-level model of the lossy decoder that produced the damage.
//!
//! Codes: a byte below 0x80 is itself, 0x80 is the single-byte euro sign of WHATWG GBK,
//! and a two-byte character is `lead << 8 | trail`.

use std::sync::OnceLock;

/// Private use area of the Basic Multilingual Plane, where a GBK decoder puts
/// user-defined pairs.
const PUA: std::ops::RangeInclusive<u32> = 0xE000..=0xF8FF;

pub struct Gbk {
    /// Decoded character per two-byte code, `None` where WHATWG GBK gives private use
    /// (the damaging decoder dropped those) or the trail byte is invalid.
    pair: Vec<Option<char>>,
    /// Per two-byte code, whether `pair` has a character: the search asks this of every
    /// byte pair of every hypothesis, and the bitmap (8 KiB) stays in L1 where the
    /// character table (256 KiB) does not.
    real: Vec<u64>,
    /// Code per character of the Basic Multilingual Plane (GBK has none outside it), 0 for
    /// none: one load where a hash lookup ran for every character of every hypothesis.
    enc: Vec<u16>,
    /// Per private-use character (from [`PUA`]'s start), the user-defined pair a GBK decoder
    /// gives it for, 0 for none: never text, but mojibake contains them.
    pua: Vec<u16>,
}

pub fn gbk() -> &'static Gbk {
    static T: OnceLock<Gbk> = OnceLock::new();
    T.get_or_init(Gbk::build)
}

pub fn is_lead(b: u8) -> bool {
    (0x81..=0xFE).contains(&b)
}

pub fn is_trail(b: u8) -> bool {
    (0x40..=0x7E).contains(&b) || (0x80..=0xFE).contains(&b)
}

pub fn is_private_use(c: char) -> bool {
    PUA.contains(&(c as u32)) || c == '\u{FFFD}'
}

impl Gbk {
    fn build() -> Gbk {
        let mut pair = vec![None; 1 << 16];
        let mut enc = vec![0u16; 1 << 16];
        let mut pua = vec![0u16; PUA.clone().count()];
        let mut dec = encoding_rs::GBK.new_decoder_without_bom_handling();
        let mut out = String::with_capacity(8);
        for lead in 0x81u8..=0xFE {
            for trail in (0x40u8..=0xFE).filter(|&t| is_trail(t)) {
                out.clear();
                let (_, _, _) = dec.decode_to_string(&[lead, trail], &mut out, false);
                let mut it = out.chars();
                if let (Some(c), None) = (it.next(), it.next()) {
                    let code = u16::from_be_bytes([lead, trail]);
                    // Codes come in ascending order: a character keeps its lowest.
                    let first = |slot: &mut u16| {
                        if *slot == 0 {
                            *slot = code;
                        }
                    };
                    if !is_private_use(c) {
                        pair[code as usize] = Some(c);
                        first(&mut enc[c as usize]);
                    } else if PUA.contains(&(c as u32)) {
                        first(&mut pua[(c as u32 - PUA.start()) as usize]);
                    }
                }
            }
        }
        let mut real = vec![0u64; 1 << 10];
        for (code, c) in pair.iter().enumerate() {
            if c.is_some() {
                real[code >> 6] |= 1 << (code & 63);
            }
        }
        Gbk { pair, real, enc, pua }
    }

    /// The character of a two-byte code, if it is a real (non private-use) character.
    pub fn pair(&self, code: u16) -> Option<char> {
        self.pair[code as usize]
    }

    /// Whether [`Gbk::pair`] of the code is a character.
    #[inline]
    pub fn is_pair(&self, code: u16) -> bool {
        self.real[code as usize >> 6] >> (code & 63) & 1 == 1
    }

    /// GBK code of a character: ASCII is its byte, `€` is 0x80.
    pub fn encode(&self, c: char) -> Option<u16> {
        match c {
            '\0'..='\x7F' => Some(c as u16),
            '€' => Some(0x80),
            _ => self.enc.get(c as usize).copied().filter(|&code| code != 0),
        }
    }

    /// GBK bytes of any character a GBK decoder can output, private use included.
    pub fn bytes_any(&self, c: char) -> Option<Vec<u8>> {
        let pua = || {
            let i = (c as u32).checked_sub(*PUA.start())?;
            self.pua.get(i as usize).copied().filter(|&code| code != 0)
        };
        let code = self.encode(c).or_else(pua)?;
        Some(if code > 0xFF { code.to_be_bytes().to_vec() } else { vec![code as u8] })
    }

    pub fn decode(&self, code: u16) -> Option<char> {
        match code {
            0..=0x7F => char::from_u32(code as u32),
            0x80 => Some('€'),
            _ => self.pair(code),
        }
    }
}

/// Full-width forms (GBK row A3) are shown half-width after the damage; this maps a
/// decoded character to how the damaged document would show it.
pub fn halfwidth(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// The GBK code of the full-width form of a printable ASCII character.
pub fn fullwidth_code(c: char) -> Option<u16> {
    match c {
        '!'..='~' => Some(0xA380 + c as u16),
        _ => None,
    }
}

#[cfg(test)]
/// Decodes bytes the way the damaging decoder did: a lead byte followed by an invalid
/// trail byte yields `?` and swallows both; private-use pairs vanish.
pub fn lossy_decode(bytes: &[u8]) -> String {
    let g = gbk();
    let mut out = String::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            out.push(b as char);
            i += 1;
        } else if b == 0x80 {
            out.push('€');
            i += 1;
        } else if is_lead(b) && i + 1 < bytes.len() && is_trail(bytes[i + 1]) {
            if let Some(c) = g.pair(u16::from_be_bytes([b, bytes[i + 1]])) {
                out.push(c);
            }
            i += 2;
        } else {
            out.push('?');
            i += 2;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pair_bitmap_is_the_pair_table() {
        let g = gbk();
        let real = (0..=u16::MAX).filter(|&c| g.is_pair(c)).count();
        assert!(real > 20_000, "{real} real pairs");
        for code in 0..=u16::MAX {
            assert_eq!(g.is_pair(code), g.pair(code).is_some(), "{code:#06x}");
        }
    }

    #[test]
    fn lossy_decoder_reproduces_the_issue_example() {
        // 因為中國的人口, with 驗(yàn) matched across 因|為 and 國(guó) injected.
        let mut b: Vec<u8> = vec![0xD2, 0xF2, 0x9E];
        b.extend(encoding_rs::GBK.encode("(yàn)").0.iter());
        b.extend([0xE9, 0xD6, 0xD0, 0x87, 0xF8]);
        b.extend(encoding_rs::GBK.encode("(guó)的人口").0.iter());
        assert_eq!(lossy_decode(&b), "因?yàn)橹袊?guó)的人口");
    }

    #[test]
    fn every_character_encodes_to_its_first_code() {
        let g = gbk();
        let mut first = std::collections::HashMap::new();
        for code in 0x8140..=0xFEFEu16 {
            if let Some(c) = g.pair(code) {
                first.entry(c).or_insert(code);
            }
        }
        assert!(first.len() > 21_000, "GBK has about 21 900 two-byte characters");
        for (&c, &code) in first.iter().filter(|(&c, _)| c != '€') {
            assert_eq!(g.encode(c), Some(code), "{c}");
        }
        // WHATWG GBK's single byte wins over the pair A2 E3.
        assert_eq!(g.encode('€'), Some(0x80));
        assert_eq!(g.encode('\u{4E00}'), Some(0xD2BB)); // 一
        assert_eq!(g.encode('😀'), None);
        assert_eq!(g.encode('\u{E000}'), None, "private use is never text");
        // A GBK decoder gives private use for user-defined pairs: mojibake holds them.
        assert_eq!(g.bytes_any('\u{E000}'), Some(vec![0xAA, 0xA1]));
        assert_eq!(g.bytes_any('\u{FFFD}'), None);
    }

    #[test]
    fn codes_round_trip() {
        let g = gbk();
        for c in ['國', '€', 'a', '，'] {
            assert_eq!(g.decode(g.encode(c).unwrap()), Some(c));
        }
        assert_eq!(halfwidth('，'), ',');
    }
}
