//! Classic mojibake: UTF-8 bytes that were decoded as a single-byte charset ([`super::sbcs`])
//! or as GBK; then legacy Chinese charsets read as each other or as Latin-1
//! ([`super::legacy`]).
//!
//! A span is replaced only when the evidence is unambiguous: re-encoding it with the
//! wrong charset gives valid UTF-8 that decodes to CJK text. Random CJK or accented text
//! essentially never re-encodes to valid multi-byte UTF-8 over several characters.

use super::gbk::gbk;
use super::RepairEdit;
use std::sync::OnceLock;

pub const RULE_GBK: &str = "repair.mojibake-gbk";

/// What a span decoded from wrong-charset bytes must consist of to be taken as text.
fn is_decoded_text(c: char) -> bool {
    crate::chars::is_ideograph(c) || crate::chars::is_cjk_symbol_or_form(c)
}

/// GBK bytes of a character that a GBK decoder produced from non-ASCII bytes.
fn gbk_bytes(c: char) -> Option<Vec<u8>> {
    if c.is_ascii() {
        return None;
    }
    gbk().bytes_any(c)
}

/// Longest span from `i` whose wrong-charset bytes decode as UTF-8 into CJK only;
/// returns the end index and the decoded text.
fn longest_span(
    chars: &[char],
    i: usize,
    bytes_of: &dyn Fn(char) -> Option<Vec<u8>>,
) -> Option<(usize, String)> {
    let mut buf = Vec::new();
    let mut best = None;
    for (j, &c) in chars.iter().enumerate().skip(i) {
        let Some(b) = bytes_of(c) else { break };
        buf.extend(b);
        match std::str::from_utf8(&buf) {
            Ok(s) if s.chars().all(is_decoded_text) => best = Some((j + 1, s.to_string())),
            Ok(_) => break,
            Err(e) if e.error_len().is_some() => break,
            Err(_) => {}
        }
        if buf.len() > 3 * 64 {
            break;
        }
    }
    best
}

fn fix_with(
    line: usize,
    chars: &[char],
    rule: &'static str,
    bytes_of: &dyn Fn(char) -> Option<Vec<u8>>,
    can_start: &dyn Fn(char) -> bool,
    min_out: usize,
    edits: &mut Vec<RepairEdit>,
) -> Option<String> {
    let mut out = String::new();
    let mut changed = false;
    let mut i = 0;
    while i < chars.len() {
        if let Some((end, s)) =
            can_start(chars[i]).then(|| longest_span(chars, i, bytes_of)).flatten()
        {
            if s.chars().filter(|&c| is_decoded_text(c)).count() >= min_out
                && s.chars().count() < end - i
            {
                edits.push(RepairEdit {
                    rule,
                    line,
                    col: i,
                    garbled: chars[i..end].iter().collect(),
                    restored: s.clone(),
                    confidence: 0.95,
                });
                out.push_str(&s);
                changed = true;
                i = end;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    changed.then_some(out)
}

/// Fitting characters in a row a GBK reading needs (see [`maybe_gbk`]).
const GBK_RUN: usize = 5;

/// Whether a GBK reading can hide CJK text here: a replaced span holds at least three CJK
/// characters (nine UTF-8 bytes, all leads E3..EF or continuations 80..BF), so at least
/// five consecutive characters whose GBK bytes all lie in that range ("fitting").
fn maybe_gbk(text: &str) -> bool {
    let Utf8Like { bits, min_fit_len } = utf8_like();
    let (t, b) = (bits.as_slice(), text.as_bytes());
    // Decoded by hand, and inlined: this runs over every clean document. Most characters
    // do not fit, so the skipping scan decodes few of them.
    crate::utf8::has_run(b, GBK_RUN, *min_fit_len, |i| fits_at(t, b, i))
}

/// Whether the character starting at byte `i` of `b` (valid UTF-8) has its bit set in `t`.
#[inline(always)]
fn fits_at(t: &[u64], b: &[u8], i: usize) -> bool {
    crate::utf8::bmp_code_point(b, i).is_some_and(|cp| t[cp >> 6] >> (cp & 63) & 1 == 1)
}

/// [`utf8_like`]'s table, and the fewest UTF-8 bytes of a character with its first-half
/// bit set.
struct Utf8Like {
    bits: Vec<u64>,
    min_fit_len: usize,
}

/// Per BMP character (bit set), whether its GBK bytes could all be part of UTF-8 for CJK
/// text; in the second half, whether they can start it (a lead E3..EF, a continuation).
fn utf8_like_table() -> &'static [u64] {
    &utf8_like().bits
}

fn utf8_like() -> &'static Utf8Like {
    static T: OnceLock<Utf8Like> = OnceLock::new();
    T.get_or_init(|| {
        let mut bits = vec![0u64; 2 << 10];
        let mut min_fit_len = 4;
        let ok = |b: u8| matches!(b, 0x80..=0xBF | 0xE0..=0xEF);
        for cp in 0x80u32..0x10000 {
            let Some(c) = char::from_u32(cp) else { continue };
            let Some(b) = gbk_bytes(c) else { continue };
            let i = cp as usize;
            if b.iter().all(|&x| ok(x)) {
                bits[i >> 6] |= 1 << (i & 63);
                min_fit_len = min_fit_len.min(c.len_utf8());
            }
            if b.len() == 2 && (0xE3..=0xEF).contains(&b[0]) && (0x80..=0xBF).contains(&b[1]) {
                bits[(1 << 10) + (i >> 6)] |= 1 << (i & 63);
            }
        }
        Utf8Like { bits, min_fit_len }
    })
}

/// Whether a character's GBK bytes can start UTF-8 for CJK text.
fn gbk_start(c: char) -> bool {
    let i = c as usize;
    i < 0x10000 && utf8_like_table()[(1 << 10) + (i >> 6)] >> (i & 63) & 1 == 1
}

/// Which mojibake repairs could change a line: what [`fix_line`] needs to know before it
/// starts, found once per line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Suspect {
    /// A single-byte-charset reading may be there ([`super::sbcs::suspect`]).
    pub sbcs: bool,
    /// A GBK reading of UTF-8 is there: the GBK repair changes the line.
    pub gbk: bool,
    /// A legacy double-byte misreading may be there ([`super::legacy::suspect`]).
    pub legacy: bool,
}

impl Suspect {
    /// Whether any repair could change the line.
    pub fn any(self) -> bool {
        self.sbcs || self.gbk || self.legacy
    }
}

/// Characters in a row that both run prefilters need at least: a GBK reading ([`GBK_RUN`]
/// fitting ones) and a legacy misreading ([`super::legacy::RUN`] odd ones).
const ANY_RUN: usize = if GBK_RUN < super::legacy::RUN { GBK_RUN } else { super::legacy::RUN };

/// Per BMP character (bit set): it fits a GBK reading ([`utf8_like`]) or is odd for the
/// legacy prefilters (neither ASCII nor everyday Chinese). Every run they look for is a
/// run of such characters, so one skipping scan rules them all out on nearly every clean
/// line.
fn fit_or_odd() -> &'static [u64] {
    static T: OnceLock<Vec<u64>> = OnceLock::new();
    T.get_or_init(|| {
        let (fit, everyday) = (&utf8_like().bits, super::legacy::everyday());
        let mut t: Vec<u64> = (0..1 << 10).map(|k| fit[k] | !everyday[k]).collect();
        // ASCII is neither (and never probed: it has no BMP code point to read).
        t[0] = 0;
        t[1] = 0;
        t
    })
}

/// Which repairs could change this line (the prefilters are cheap and exact, and the GBK
/// one is confirmed by the repair itself on the rare line that passes it).
pub fn suspect(text: &str) -> Suspect {
    let sbcs = super::sbcs::suspect(text);
    let (t, b) = (fit_or_odd(), text.as_bytes());
    // Fitting and odd characters all take at least two bytes; four-byte ones are odd.
    let hit = |i: usize| match crate::utf8::bmp_code_point(b, i) {
        Some(cp) => t[cp >> 6] >> (cp & 63) & 1 == 1,
        None => b[i] >= 0x80,
    };
    // A short legacy misreading (two or three characters) shows as a run of
    // [`super::legacy::SHORT_RUN`] odd characters of three bytes or more, each of them also
    // a hit: one scan looks for both kinds of run.
    let every = super::legacy::everyday();
    let short = |i: usize| super::legacy::short_odd_at(every, b, i);
    let runs = ((ANY_RUN, 2), (super::legacy::SHORT_RUN, 3));
    if !crate::utf8::has_either_run(b, runs.0, hit, runs.1, short) {
        return Suspect { sbcs, ..Suspect::default() };
    }
    Suspect { sbcs, gbk: gbk_changes(text), legacy: super::legacy::suspect(text) }
}

/// Whether the GBK repair changes this line. Clean text can hold a run of characters
/// whose GBK bytes fit UTF-8 (`常常会看到`, `【···】`) that still decodes to no CJK text.
fn gbk_changes(text: &str) -> bool {
    if !maybe_gbk(text) {
        return false;
    }
    let chars: Vec<char> = text.chars().collect();
    fix_with(0, &chars, RULE_GBK, &gbk_bytes, &gbk_start, 3, &mut Vec::new()).is_some()
}

/// Repairs mojibake spans in one line; returns the line unchanged when there are none.
/// `s` is what [`suspect`] says of `text`.
pub fn fix_line(line: usize, text: String, s: Suspect, edits: &mut Vec<RepairEdit>) -> String {
    if !s.sbcs && !s.gbk {
        return fix_legacy(line, text, s.legacy, edits);
    }
    let mut cur = if s.sbcs { super::sbcs::fix_line(line, &text, edits) } else { None };
    // The Latin-1 repair may have produced text a GBK reading explains.
    let gbk_input = match &cur {
        Some(fixed) => maybe_gbk(fixed).then_some(fixed.as_str()),
        None => s.gbk.then_some(text.as_str()),
    };
    if let Some(input) = gbk_input {
        let chars: Vec<char> = input.chars().collect();
        if let Some(fixed) = fix_with(line, &chars, RULE_GBK, &gbk_bytes, &gbk_start, 3, edits) {
            cur = Some(fixed);
        }
    }
    match cur {
        Some(fixed) => {
            let legacy = super::legacy::suspect(&fixed);
            fix_legacy(line, fixed, legacy, edits)
        }
        None => fix_legacy(line, text, s.legacy, edits),
    }
}

/// Legacy double-byte misreadings ([`super::legacy`]) left in a line; `suspect` is what
/// [`super::legacy::suspect`] says of `text`.
fn fix_legacy(line: usize, text: String, suspect: bool, edits: &mut Vec<RepairEdit>) -> String {
    if !suspect {
        return text;
    }
    super::legacy::fix_line(line, &text, edits).unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The prefilter is exactly "five consecutive characters with the bit set".
    fn naive(text: &str) -> bool {
        let t = utf8_like_table();
        let fits =
            |c: char| (c as usize) < 0x10000 && t[c as usize >> 6] >> (c as usize & 63) & 1 == 1;
        let v: Vec<bool> = text.chars().map(fits).collect();
        v.windows(5).any(|w| w.iter().all(|&x| x))
    }

    #[test]
    fn gbk_prefilter_matches_its_definition() {
        let moji: String = encoding_rs::GBK
            .decode_without_bom_handling("马斯克说了什么呢".as_bytes())
            .0
            .into_owned();
        let texts = [
            "",
            "abc",
            "因為中國的人口是我們的四倍",
            &moji,
            &format!("前面{moji}後面"),
            &format!("a{}é{}😀", &moji[..moji.len() / 2], "中文"),
        ];
        for t in texts {
            assert_eq!(maybe_gbk(t), naive(t), "{t}");
        }
        assert!(maybe_gbk(&moji));
    }

    /// The skipping scan against the definition on random strings of fitting characters
    /// (three UTF-8 bytes, and two: `·` is GBK A1A4), other CJK, ASCII and four-byte
    /// characters, so runs start, break and end everywhere, at every byte length.
    #[test]
    fn gbk_prefilter_matches_its_definition_on_random_text() {
        let moji: Vec<char> = encoding_rs::GBK
            .decode_without_bom_handling("马斯克说了什么呢因為中國".as_bytes())
            .0
            .chars()
            .filter(|&c| naive(&c.to_string().repeat(5)))
            .collect();
        assert!(moji.len() > 5, "fitting characters: {moji:?}");
        let short = ['·', 'é', 'à', '°'];
        assert!(short.iter().all(|c| naive(&c.to_string().repeat(5))));
        let others = ['因', '中', 'a', ' ', '😀', '，', 'ß'];
        let mut rng = crate::testing::Xorshift::default();
        let (mut yes, mut no) = (0, 0);
        for round in 0..20_000 {
            let n = rng.below(40);
            let text: String = (0..n)
                .map(|_| match rng.below(10) {
                    0..=3 => moji[rng.below(moji.len())],
                    4..=6 => short[rng.below(short.len())],
                    _ => others[rng.below(others.len())],
                })
                .collect();
            let want = naive(&text);
            assert_eq!(maybe_gbk(&text), want, "round {round}: {text:?}");
            if want {
                yes += 1
            } else {
                no += 1
            }
        }
        assert!(yes > 1000 && no > 1000, "{yes} with a run, {no} without");
    }
}
