//! Chinese text in a legacy double-byte charset read with the wrong one: GBK read as Big5
//! or Big5 as GBK, either read as Windows-1252/Latin-1, and UTF-8 read as Big5 (UTF-8 read
//! as GBK is [`super::mojibake`]'s). ftfy does not attempt these.
//!
//! # Why it works this way
//!
//! Such damage is undone by re-encoding what we see with the charset that misread it and
//! decoding the bytes with the right one, but unlike UTF-8 the right charset leaves no
//! byte-level signature: almost any byte string is valid GBK or Big5. So the evidence is
//! the text itself. A reading is accepted only when
//!
//! * the bytes round-trip: the misreading charset maps the span back to exactly the
//!   characters seen, and the right one decodes the bytes without an error and encodes
//!   the result back to the same bytes;
//! * the result is far more plausible Chinese than what we see, by a character model: the
//!   share of everyday characters (the general language model's most frequent, in both
//!   scripts), and the mean log-probability of each character after the one before it
//!   under the general model (Simplified text scored through its Traditional forms). A
//!   misread line is mostly rare characters in no word (`婓2024腔AII`, `ÖÐÎÄ`); the clean
//!   line it came from is mostly everyday ones in words.
//!
//! A few misread words inside a clean line (GBK read as Big5 or the reverse) are too short
//! for those shares to mean much; there the two double-byte readings map one character to
//! one, so the span's true extent is searched character by character ([`find_window`]):
//! the general model scores the line with each candidate span re-read, its clean
//! neighbours as context, against the line as seen, and the best span is taken only when
//! it wins by a clear margin and its bytes round-trip.
//!
//! Where the evidence is thin (few characters) the repair is marked low-confidence.
//! Clean lines pass a prefilter first: a misreading shows as a run of characters that are
//! neither ASCII nor everyday Chinese (four, or two of three bytes or more for a short
//! span), which a skipping scan finds without decoding most characters.

use super::gbk::gbk;
use super::lm::{general_doc, logp_once, model_keys, START};
use super::RepairEdit;
use crate::convert::{Config, Converter};
use encoding_rs::{Encoding, BIG5, GBK, UTF_8};
use std::sync::OnceLock;

/// A charset a legacy reading went through.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Charset {
    Gbk,
    Big5,
    Utf8,
    /// Windows-1252 with its undefined bytes as C1 controls (a browser), or Latin-1.
    Cp1252,
}

/// One way text is misread: bytes in `right` decoded as `wrong`, with its audit rule.
struct Reading {
    right: Charset,
    wrong: Charset,
    rule: &'static str,
}

/// GBK bytes decoded as Big5.
pub const RULE_GBK_AS_BIG5: &str = "repair.mojibake-gbk-as-big5";
/// Big5 bytes decoded as GBK.
pub const RULE_BIG5_AS_GBK: &str = "repair.mojibake-big5-as-gbk";
/// GBK bytes decoded as Windows-1252 or Latin-1.
pub const RULE_GBK_AS_LATIN1: &str = "repair.mojibake-gbk-as-latin1";
/// Big5 bytes decoded as Windows-1252 or Latin-1.
pub const RULE_BIG5_AS_LATIN1: &str = "repair.mojibake-big5-as-latin1";
/// UTF-8 bytes decoded as Big5.
pub const RULE_UTF8_AS_BIG5: &str = "repair.mojibake-utf8-as-big5";

const READINGS: &[Reading] = &[
    Reading { right: Charset::Gbk, wrong: Charset::Big5, rule: RULE_GBK_AS_BIG5 },
    Reading { right: Charset::Big5, wrong: Charset::Gbk, rule: RULE_BIG5_AS_GBK },
    Reading { right: Charset::Gbk, wrong: Charset::Cp1252, rule: RULE_GBK_AS_LATIN1 },
    Reading { right: Charset::Big5, wrong: Charset::Cp1252, rule: RULE_BIG5_AS_LATIN1 },
    Reading { right: Charset::Utf8, wrong: Charset::Big5, rule: RULE_UTF8_AS_BIG5 },
];

/// Consecutive odd characters (neither ASCII nor everyday Chinese) that make a line
/// worth the full test. Clean Chinese text has runs of rare characters (names, classical
/// quotations) but seldom four in a row; a misread line has them everywhere.
pub const RUN: usize = 4;
/// Ideographs a repaired span must have.
const MIN_CHARS: usize = 4;
/// Below this many the evidence is thin: the repair is marked low-confidence.
const SURE_CHARS: usize = 10;
/// The repaired text's share of everyday characters, at least.
const MIN_EVERYDAY: f32 = 0.8;
/// The seen text's share of everyday characters, at most.
const MAX_EVERYDAY_SEEN: f32 = 0.6;
/// The gain in mean log-probability per character (nats) the repair must bring.
const MIN_GAIN: f32 = 2.5;
/// Everyday characters: the general model's most frequent, plus their Simplified forms.
#[cfg(test)]
const EVERYDAY: usize = 3000;

/// [`everyday`]'s table as shipped: 1024 little-endian u64 words. Derived from the general
/// model and the converter (`derive_everyday`), which cost the repair stage two table
/// builds per process; the test `shipped_everyday_table_is_current` fails when the file is
/// not exactly the derivation (regenerate with
/// `UPDATE_EVERYDAY_TABLE=1 cargo test --lib repair::legacy`).
static EVERYDAY_BIN: &[u8] = include_bytes!("everyday.bin");

/// Per BMP character (bit set): an everyday Chinese character, CJK punctuation or a
/// full-width form.
pub fn everyday() -> &'static [u64] {
    static T: OnceLock<Vec<u64>> = OnceLock::new();
    T.get_or_init(|| {
        assert_eq!(EVERYDAY_BIN.len(), 8 << 10, "corrupt everyday.bin");
        EVERYDAY_BIN
            .chunks_exact(8)
            .map(|w| u64::from_le_bytes(w.try_into().expect("8 bytes")))
            .collect()
    })
}

/// The everyday table from its sources: the general model's [`EVERYDAY`] most frequent
/// ideographs, their Simplified forms, CJK punctuation and full-width forms.
#[cfg(test)]
fn derive_everyday() -> Vec<u64> {
    let g = super::lm::general();
    let mut v: Vec<(f32, char)> = (0x8140..=0xFEFEu16)
        .filter_map(|code| gbk().pair(code).map(|c| (g.unigram(code), c)))
        .filter(|&(f, c)| f > 0.0 && crate::chars::is_ideograph(c))
        .collect();
    v.sort_by(|a, b| b.0.total_cmp(&a.0));
    let top: String = v.iter().take(EVERYDAY).map(|&(_, c)| c).collect();
    let simplified = Converter::get(Config::T2s).convert(&top);
    let mut bits = vec![0u64; 1 << 10];
    let mut set = |c: char| {
        let i = c as usize;
        if i < 0x10000 {
            bits[i >> 6] |= 1 << (i & 63);
        }
    };
    top.chars().chain(simplified.chars()).for_each(&mut set);
    (0x3000..=0x303F).chain(0xFF00..=0xFFEF).filter_map(char::from_u32).for_each(&mut set);
    bits
}

fn is_everyday(c: char) -> bool {
    let i = c as usize;
    i < 0x10000 && everyday()[i >> 6] >> (i & 63) & 1 == 1
}

/// Neither ASCII nor everyday Chinese.
fn is_odd(c: char) -> bool {
    !c.is_ascii() && !is_everyday(c)
}

/// Whether the character starting at byte `i` of `b` (valid UTF-8) is odd: neither ASCII
/// nor everyday Chinese.
#[inline(always)]
fn odd_at(t: &[u64], b: &[u8], i: usize) -> bool {
    match crate::utf8::bmp_code_point(b, i) {
        Some(cp) => t[cp >> 6] >> (cp & 63) & 1 == 0,
        None => b[i] >= 0x80,
    }
}

/// Whether `fix_line` could change this line: a run of [`RUN`] odd characters. The scan
/// probes the last character a run starting at `start` must reach (odd characters take
/// at least two bytes); an everyday or ASCII one rules out every run starting up to it,
/// so most characters of a clean line are never decoded.
pub fn suspect(text: &str) -> bool {
    let (t, b) = (everyday(), text.as_bytes());
    crate::utf8::has_run(b, RUN, 2, |i| odd_at(t, b, i)) || short_suspect(text)
}

/// Odd characters in a row that make a line worth the span search ([`find_window`]): a
/// few misread words inside a clean line are often only two or three characters.
pub const SHORT_RUN: usize = 2;

/// Whether the line has [`SHORT_RUN`] odd characters of three bytes or more in a row,
/// leaving out General Punctuation (U+2000..U+207F), where a short double-byte misreading
/// shows. Dashes and quotation marks (`——`, `—“`) are the rare characters clean text has
/// most often in pairs, and no misreading gives them; counting only three- and four-byte
/// characters lets the skipping scan probe every second Chinese character rather than
/// every one and a third.
pub fn short_suspect(text: &str) -> bool {
    let (t, b) = (everyday(), text.as_bytes());
    crate::utf8::has_run(b, SHORT_RUN, 3, |i| short_odd_at(t, b, i))
}

/// Whether the character at byte `i` of `b` (valid UTF-8) counts for [`short_suspect`]
/// (`t` is [`everyday`]): odd, three bytes or more, not General Punctuation.
#[inline(always)]
pub fn short_odd_at(t: &[u64], b: &[u8], i: usize) -> bool {
    b[i] >= 0xE0 && !(b[i] == 0xE2 && b[i + 1] < 0x82) && odd_at(t, b, i)
}

/// [`rereads`]'s tables as shipped: per [`DOUBLE_BYTE`] reading, 1024 little-endian u64
/// words (the BMP), then each character above it that re-reads, as a little-endian u32
/// (the character) and u32 (the reading). Derived from [`image`] and [`everyday`]
/// (`derive_rereads`); shipped, so that the clusters of rare characters a clean line has
/// are ruled out without building [`image`]'s tables, loading the language model or
/// searching. The test `shipped_rereads_table_is_current` fails when the file is not
/// exactly the derivation (regenerate with
/// `UPDATE_REREADS_TABLE=1 cargo test --lib repair::legacy`).
static REREADS_BIN: &[u8] = include_bytes!("rereads.bin");

/// The characters that re-read as everyday ones: odd, and their image under a double-byte
/// reading ([`image`]) everyday. The odd characters of a misread span mostly are (their
/// bytes were everyday text); most rare characters of clean text are not.
struct Rereads {
    /// Per [`DOUBLE_BYTE`] reading, per BMP character (bit set).
    by_reading: [Vec<u64>; 2],
    /// Characters above the BMP, with their reading: Big5's HKSCS rows hold a few
    /// (GBK's bytes for `點` read as Big5 are `𡡷`).
    astral: Vec<(char, usize)>,
}

impl Rereads {
    /// Whether `c` re-reads under `DOUBLE_BYTE[r]`.
    fn under(&self, c: char, r: usize) -> bool {
        match c as usize {
            i @ 0..=0xFFFF => self.by_reading[r][i >> 6] >> (i & 63) & 1 == 1,
            _ => self.astral.contains(&(c, r)),
        }
    }
}

fn rereads() -> &'static Rereads {
    static T: OnceLock<Rereads> = OnceLock::new();
    T.get_or_init(|| {
        let (bits, astral) = REREADS_BIN.split_at(16 << 10);
        let words: Vec<u64> = bits
            .chunks_exact(8)
            .map(|w| u64::from_le_bytes(w.try_into().expect("8 bytes")))
            .collect();
        let (a, b) = words.split_at(1 << 10);
        let u32_at = |w: &[u8]| u32::from_le_bytes(w.try_into().expect("4 bytes"));
        let astral = astral
            .chunks_exact(8)
            .map(|e| {
                (char::from_u32(u32_at(&e[..4])).expect("a character"), u32_at(&e[4..]) as usize)
            })
            .collect();
        Rereads { by_reading: [a.to_vec(), b.to_vec()], astral }
    })
}

/// [`rereads`]'s file from its sources.
#[cfg(test)]
fn derive_rereads() -> Vec<u8> {
    let mut bits = vec![0u64; 2 << 10];
    let mut astral = Vec::new();
    for (r, reading) in DOUBLE_BYTE.iter().enumerate() {
        for cp in 0..=0x10FFFF {
            let Some(c) = char::from_u32(cp) else { continue };
            if !is_odd(c) || !image(c, reading).is_some_and(is_everyday) {
                continue;
            }
            let i = cp as usize;
            if i < 0x10000 {
                bits[(r << 10) + (i >> 6)] |= 1 << (i & 63);
            } else {
                astral.extend(cp.to_le_bytes().into_iter().chain((r as u32).to_le_bytes()));
            }
        }
    }
    bits.iter().flat_map(|w| w.to_le_bytes()).chain(astral).collect()
}

fn encoding(c: Charset) -> &'static Encoding {
    match c {
        Charset::Gbk => GBK,
        Charset::Big5 => BIG5,
        Charset::Utf8 => UTF_8,
        Charset::Cp1252 => encoding_rs::WINDOWS_1252,
    }
}

/// The bytes `wrong` read as `text`, if every character maps back and the bytes read the
/// same again.
fn bytes_of(text: &str, wrong: Charset) -> Option<Vec<u8>> {
    let bytes = match wrong {
        Charset::Cp1252 => {
            let mut v = Vec::with_capacity(text.len());
            for c in text.chars() {
                // Latin-1 and the C1 controls a browser shows for undefined bytes map to
                // themselves; Windows-1252's own characters to their byte.
                v.push(match c as u32 {
                    0..=0xFF => c as u8,
                    _ => cp1252_byte(c)?,
                });
            }
            return Some(v);
        }
        _ => {
            let (b, _, unmappable) = encoding(wrong).encode(text);
            if unmappable {
                return None;
            }
            b.into_owned()
        }
    };
    let back = encoding(wrong).decode_without_bom_handling_and_without_replacement(&bytes)?;
    (back == text).then_some(bytes)
}

/// Windows-1252's byte for one of its characters above U+00FF.
fn cp1252_byte(c: char) -> Option<u8> {
    static T: OnceLock<Vec<(char, u8)>> = OnceLock::new();
    let t = T.get_or_init(|| {
        (0x80..=0x9Fu8)
            .filter_map(|b| {
                let bytes = [b];
                let s = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes).0;
                let c = s.chars().next()?;
                (c as u32 > 0xFF).then_some((c, b))
            })
            .collect()
    });
    t.iter().find(|&&(x, _)| x == c).map(|&(_, b)| b)
}

/// `bytes` decoded as `right`, if that is error-free and encodes back to the same bytes.
fn decode_exact(bytes: &[u8], right: Charset) -> Option<String> {
    let s = encoding(right).decode_without_bom_handling_and_without_replacement(bytes)?;
    if right != Charset::Utf8 {
        let (back, _, unmappable) = encoding(right).encode(&s);
        if unmappable || *back != *bytes {
            return None;
        }
    }
    Some(s.into_owned())
}

/// How plausible `text` is as Chinese: its non-ASCII characters, their share of everyday
/// ones, and their mean log-probability after the character before them.
#[derive(Debug, Clone, Copy)]
struct Plausibility {
    chars: usize,
    everyday: f32,
    mean_logp: f32,
}

fn plausibility(text: &str) -> Plausibility {
    let doc = general_doc();
    // The general model knows Traditional characters; Simplified ones score as theirs.
    let traditional = Converter::get(Config::S2t).convert(text);
    let (mut n, mut every, mut sum) = (0usize, 0usize, 0.0f32);
    let mut prev = START;
    for (c, t) in text.chars().zip(traditional.chars().chain(std::iter::repeat('\0'))) {
        let code = gbk().encode(t);
        if !c.is_ascii() {
            n += 1;
            every += usize::from(is_everyday(c));
            sum += code.map_or(-20.0, |code| logp_once(doc, prev, code));
        }
        prev = code.unwrap_or(START);
    }
    let d = n.max(1) as f32;
    Plausibility { chars: n, everyday: every as f32 / d, mean_logp: sum / d }
}

/// Whether `span` is mostly text of another script that GBK and Big5 also encode (kana,
/// Cyrillic, Greek, box drawing): Japanese or Russian text, or UTF-8 mojibake of it, re-read
/// through those rows gives their everyday characters. A misreading mixes such characters
/// with ideographs (Big5's most frequent rows read as GBK's kana and Cyrillic rows); text
/// of the script is mostly made of them.
fn other_script(span: &str) -> bool {
    let (mut n, mut other) = (0usize, 0usize);
    for c in span.chars().filter(|c| !c.is_ascii()) {
        n += 1;
        other += usize::from(matches!(c,
            '\u{3040}'..='\u{30FF}' | '\u{0370}'..='\u{052F}' | '\u{2500}'..='\u{257F}'));
    }
    other * 2 >= n.max(1)
}

/// The best reading of `span` that passes every test, with the repaired text and its
/// confidence.
fn best_reading(span: &str) -> Option<(&'static Reading, String, f32)> {
    // The share of everyday characters first: it needs no converter, and rules out most
    // spans before the character model is asked.
    if everyday_share(span) > MAX_EVERYDAY_SEEN || other_script(span) {
        return None;
    }
    let mut seen: Option<Plausibility> = None;
    let mut best: Option<(&Reading, String, Plausibility)> = None;
    for r in READINGS {
        let Some(bytes) = bytes_of(span, r.wrong) else { continue };
        let Some(fixed) = decode_exact(&bytes, r.right) else { continue };
        if fixed == span {
            continue;
        }
        let ideographs = fixed.chars().filter(|&c| crate::chars::is_ideograph(c)).count();
        if ideographs < MIN_CHARS || everyday_share(&fixed) < MIN_EVERYDAY {
            continue;
        }
        let p = plausibility(&fixed);
        let seen = seen.get_or_insert_with(|| plausibility(span));
        let ok = p.mean_logp - seen.mean_logp >= MIN_GAIN;
        if ok && best.as_ref().is_none_or(|b| p.mean_logp > b.2.mean_logp) {
            best = Some((r, fixed, p));
        }
    }
    best.map(|(r, fixed, p)| (r, fixed, confidence(p.chars, p.everyday)))
}

/// A repair's confidence from its evidence: sure on [`SURE_CHARS`] characters nearly all
/// everyday, low (marked) below that.
fn confidence(chars: usize, everyday: f32) -> f32 {
    if chars >= SURE_CHARS && everyday >= 0.9 {
        0.9
    } else {
        0.45
    }
}

/// [`Plausibility::everyday`] alone: the share of everyday characters among the
/// non-ASCII ones.
fn everyday_share(text: &str) -> f32 {
    let (mut n, mut every) = (0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_ascii()) {
        n += 1;
        every += usize::from(is_everyday(c));
    }
    every as f32 / n.max(1) as f32
}

/// Repairs legacy-charset misreadings in one line. The reading decoder printed U+FFFD
/// where it failed (those characters are lost, and the mark stays); each piece between
/// such marks is tried whole, and where it does not read as one misreading, each run of
/// odd characters in it (with single ASCII characters inside, which can be trail bytes).
/// `None` when nothing changed.
pub fn fix_line(line: usize, text: &str, edits: &mut Vec<RepairEdit>) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut at = 0;
    while at < chars.len() {
        if chars[at] == '\u{FFFD}' {
            out.push(chars[at]);
            at += 1;
            continue;
        }
        let end = chars[at..].iter().position(|&c| c == '\u{FFFD}').map_or(chars.len(), |p| at + p);
        let piece: String = chars[at..end].iter().collect();
        if let Some(reading) = best_reading(&piece) {
            restore(reading, line, at, piece, &mut out, edits);
            changed = true;
        } else {
            changed |= fix_odd_runs(line, &chars, at, end, &mut out, edits);
        }
        at = end;
    }
    changed.then_some(out)
}

/// Appends a reading's text to `out` and records the edit from `garbled` (at `line`, `col`).
fn restore(
    (r, fixed, confidence): (&'static Reading, String, f32),
    line: usize,
    col: usize,
    garbled: String,
    out: &mut String,
    edits: &mut Vec<RepairEdit>,
) {
    out.push_str(&fixed);
    edits.push(RepairEdit { rule: r.rule, line, col, garbled, restored: fixed, confidence });
}

/// Appends `chars[from..to]` to `out` with each misread span repaired; whether any was.
/// Double-byte misreadings of a few words are found by [`windows`]; runs of [`RUN`] odd
/// characters left outside them by the whole-span test ([`fix_long_runs`]).
fn fix_odd_runs(
    line: usize,
    chars: &[char],
    from: usize,
    to: usize,
    out: &mut String,
    edits: &mut Vec<RepairEdit>,
) -> bool {
    let found = windows(chars, from, to);
    let mut at = from;
    for w in &found {
        fix_long_runs(line, chars, at..w.start, out, edits);
        let garbled: String = chars[w.start..w.end].iter().collect();
        restore((w.reading, w.fixed.clone(), w.confidence), line, w.start, garbled, out, edits);
        at = w.end;
    }
    fix_long_runs(line, chars, at..to, out, edits) || !found.is_empty()
}

/// The readings whose every character is two bytes in both charsets: a misread span has
/// as many characters as the text it came from, one for one, so its true extent can be
/// searched character by character.
const DOUBLE_BYTE: [&Reading; 2] = [&READINGS[0], &READINGS[1]];

/// Odd characters at most this far apart belong to one misread span: a misreading gives
/// everyday characters too (`鎮`, `親`), which break a run of odd ones.
const MAX_GAP: usize = 2;
/// Characters around a cluster of odd ones that the span search may take into the span,
/// for the everyday characters a misreading gives at its edges.
const MARGIN: usize = 3;
/// ln-probability (nats) charged for taking a span for a misreading: the prior against
/// damage, which the language model's gain on the span and its two edges must outweigh.
const SPAN_PENALTY: f32 = -8.0;
/// The gain (nats, over the span and its edges, penalty included) a span repair needs.
const MIN_SPAN_GAIN: f32 = 6.0;

/// A misread span of a line found by [`find_window`]: characters `start..end`, the
/// reading, the repaired text and its confidence.
struct Window {
    start: usize,
    end: usize,
    reading: &'static Reading,
    fixed: String,
    confidence: f32,
}

/// Misread spans of `chars[from..to]`, in order and disjoint: each cluster of odd
/// characters (at most [`MAX_GAP`] apart, with [`SHORT_RUN`] in a row) is searched with
/// [`MARGIN`] characters on either side for the span whose re-reading the language model
/// prefers most.
fn windows(chars: &[char], from: usize, to: usize) -> Vec<Window> {
    let odd = is_odd;
    let mut found = Vec::new();
    let mut done = from;
    let mut i = from;
    while i < to {
        if !odd(chars[i]) {
            i += 1;
            continue;
        }
        let (mut last, mut run, mut longest) = (i, 0, 0);
        let mut j = i;
        while j < to && j - last <= MAX_GAP && !chars[j].is_ascii() {
            if odd(chars[j]) {
                last = j;
                run += 1;
                longest = longest.max(run);
            } else {
                run = 0;
            }
            j += 1;
        }
        let end = last + 1;
        // The odd characters of a misread span re-read as everyday ones ([`Rereads`]);
        // most clusters of rare characters in clean text (names, classical words) do
        // not, and are not searched.
        let rereads = |r: usize| {
            (i..end).filter(|&k| rereads().under(chars[k], r)).nth(SHORT_RUN - 1).is_some()
        };
        // A span must hold an ideograph ([`find_window`]); clusters of dashes do not.
        let ideograph = chars[i..end].iter().any(|&c| crate::chars::is_ideograph(c));
        if longest >= SHORT_RUN && ideograph && (0..DOUBLE_BYTE.len()).any(rereads) {
            let lo = i.saturating_sub(MARGIN).max(done);
            let hi = (end + MARGIN).min(to);
            if let Some(w) = find_window(chars, lo, hi, from, to) {
                done = w.end;
                found.push(w);
            }
        }
        i = end.max(done);
    }
    found
}

/// What reading `r` (one of [`DOUBLE_BYTE`]) makes of one character, if it is two bytes
/// in the misreading charset and those bytes are one character in the right one: the
/// character `r.right` decodes from `r.wrong`'s bytes for `c`, where both charsets
/// encode their character to those bytes (so the repair round-trips) and it is not `c`.
/// Characters below Greek (ASCII, and the Latin letters of a single-byte reading, which
/// the whole-span test repairs) have none.
fn image(c: char, r: &Reading) -> Option<char> {
    let images = images();
    let k = usize::from(r.right == Charset::Big5);
    match c as usize {
        i @ 0..=0xFFFF => images.bmp[k][i],
        _ => images.astral[k]
            .binary_search_by_key(&c, |&(s, _)| s)
            .ok()
            .map(|p| images.astral[k][p].1),
    }
}

/// [`image`]'s answers, per [`DOUBLE_BYTE`] reading (GBK read as Big5, Big5 read as GBK).
struct Images {
    /// Per BMP character seen.
    bmp: [Vec<Option<char>>; 2],
    /// Characters seen outside the BMP (Big5's HKSCS rows decode to some), sorted.
    astral: [Vec<(char, char)>; 2],
}

/// The two charsets' two-byte codes (lead 81..FE, trail 40..FE), in order.
fn double_byte_codes() -> Vec<[u8; 2]> {
    let mut v = Vec::with_capacity(126 * 191);
    for lead in 0x81u8..=0xFE {
        for trail in 0x40u8..=0xFE {
            v.push([lead, trail]);
        }
    }
    v
}

/// `bytes` as exactly one character of `e`, if they decode without an error to one.
fn decode_one(e: &'static Encoding, bytes: &[u8]) -> Option<char> {
    let mut buf = [0u8; 16];
    let mut d = e.new_decoder_without_bom_handling();
    let (res, read, written) = d.decode_to_utf8_without_replacement(bytes, &mut buf, true);
    if res != encoding_rs::DecoderResult::InputEmpty || read != bytes.len() {
        return None;
    }
    let mut it = std::str::from_utf8(&buf[..written]).ok()?.chars();
    match (it.next(), it.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// One charset's two-byte codes and what its encoder writes, found from the decoding side
/// (each code decoded once, where asking the encoder costs thousands of instructions per
/// character).
struct Codes {
    /// Per two-byte code (`lead << 8 | trail`), the one character it decodes to.
    decoded: Vec<Option<char>>,
    /// Per BMP character, the two-byte code the encoder writes for it, 0 for none.
    bmp: Vec<u16>,
    /// The same for characters above the BMP.
    astral: Vec<(char, u16)>,
}

impl Codes {
    /// A character decoded from one code is encoded to it; one decoded from several (or
    /// from one byte too) is asked of the encoder, which picks one by its own rule. Big5's
    /// encoder never writes the HKSCS rows (leads below A1: WHATWG's index Big5 pointer
    /// leaves them out).
    fn new(e: &'static Encoding) -> Codes {
        // Every code in one call (one per code costs a decoder's set-up each): an invalid
        // one reads as U+FFFD, and its trail byte after it when ASCII (WHATWG puts that
        // byte back); Big5's four codes for a letter with a combining mark read as two.
        let codes = double_byte_codes();
        let text = e.decode_without_bom_handling(codes.as_flattened()).0;
        let mut it = text.chars().peekable();
        let mut decoded = vec![None; 1 << 16];
        for &b in &codes {
            let c = it.next().expect("a character per code");
            let combining = |n: &char| ('\u{300}'..='\u{36F}').contains(n);
            decoded[usize::from(u16::from_be_bytes(b))] = match c {
                '\u{FFFD}' => {
                    if b[1] < 0x80 {
                        it.next_if_eq(&char::from(b[1])).expect("the trail byte put back");
                    }
                    None
                }
                _ if it.next_if(combining).is_some() => None,
                c => Some(c),
            };
        }
        assert!(it.next().is_none(), "{} read as more characters than codes", e.name());
        // 0: none yet, MANY: several (asked of the encoder).
        const MANY: u16 = 1;
        let mut bmp = vec![0u16; 1 << 16];
        let mut astral: Vec<(char, u16)> = Vec::new();
        let writable = |code: usize| e != BIG5 || code >= 0xA100;
        let mut note = |c: char, code: u16, bmp: &mut Vec<u16>| match c as usize {
            i @ 0..=0xFFFF => bmp[i] = if bmp[i] == 0 { code } else { MANY },
            _ => match astral.iter_mut().find(|(x, _)| *x == c) {
                Some(slot) => slot.1 = MANY,
                None => astral.push((c, code)),
            },
        };
        for (code, c) in decoded.iter().enumerate().filter(|&(code, _)| writable(code)) {
            if let Some(c) = *c {
                note(c, code as u16, &mut bmp);
            }
        }
        for b in 0x80u8..=0xFF {
            if let Some(c) = decode_one(e, &[b]) {
                note(c, MANY, &mut bmp);
            }
        }
        let ask = |c: char| {
            let mut buf = [0u8; 4];
            let (bytes, _, unmappable) = e.encode(c.encode_utf8(&mut buf));
            let pair: [u8; 2] = (*bytes).try_into().ok().filter(|_| !unmappable)?;
            Some(u16::from_be_bytes(pair))
        };
        for (i, code) in bmp.iter_mut().enumerate().filter(|(_, code)| **code == MANY) {
            *code = char::from_u32(i as u32).and_then(ask).unwrap_or(0);
        }
        for (c, code) in astral.iter_mut().filter(|(_, code)| *code == MANY) {
            *code = ask(*c).unwrap_or(0);
        }
        Codes { decoded, bmp, astral }
    }

    /// The code the encoder writes for `c`.
    fn code(&self, c: char) -> Option<u16> {
        let code = match c as usize {
            i @ 0..=0xFFFF => self.bmp[i],
            _ => self.astral.iter().find(|&&(x, _)| x == c).map_or(0, |&(_, code)| code),
        };
        (code != 0).then_some(code)
    }
}

fn images() -> &'static Images {
    static T: OnceLock<Images> = OnceLock::new();
    T.get_or_init(|| {
        let (gbk, big5) = (Codes::new(GBK), Codes::new(BIG5));
        let mut images =
            Images { bmp: [vec![None; 1 << 16], vec![None; 1 << 16]], astral: Default::default() };
        // Reading k: the seen character is `wrong`'s decoding of a code, its image `right`'s.
        let codes = double_byte_codes();
        for (k, (wrong, right)) in [(&big5, &gbk), (&gbk, &big5)].into_iter().enumerate() {
            for code in codes.iter().map(|&b| u16::from_be_bytes(b)) {
                let (Some(c), Some(x)) =
                    (wrong.decoded[code as usize], right.decoded[code as usize])
                else {
                    continue;
                };
                let ok = (c as u32) >= 0x370
                    && x != c
                    && wrong.code(c) == Some(code)
                    && right.code(x) == Some(code);
                if !ok {
                    continue;
                }
                match c as usize {
                    i @ 0..=0xFFFF => images.bmp[k][i] = Some(x),
                    _ => images.astral[k].push((c, x)),
                }
            }
            images.astral[k].sort_unstable();
        }
        images
    })
}

/// The best misread span within `chars[lo..hi]` (a piece `from..to` of the line), if one
/// passes every test. For each double-byte reading, a Viterbi search over three states
/// (before the span, in it, after it) scores each character with the general model after
/// the one before it (the characters outside `lo..hi` as context), the span's characters
/// as re-read, and charges [`SPAN_PENALTY`] for the span; the span is taken when the
/// best path beats the line as seen by [`MIN_SPAN_GAIN`], [`SHORT_RUN`] of its odd
/// characters re-read as everyday ones, its re-reading is mostly everyday characters and
/// the bytes round-trip.
fn find_window(chars: &[char], lo: usize, hi: usize, from: usize, to: usize) -> Option<Window> {
    let doc = general_doc();
    let lp = |prev: u16, c: Option<u16>| c.map_or(-20.0, |c| logp_once(doc, prev, c));
    let key = |c: Option<u16>| c.unwrap_or(START);
    let seen_text: String = chars[lo..hi].iter().collect();
    let seen = model_keys(&seen_text);
    let left = if lo > from { key(model_keys(&chars[lo - 1].to_string())[0]) } else { START };
    let right = match hi {
        h if h == chars.len() => Some(super::lm::EOL),
        h if h < to => Some(key(model_keys(&chars[h].to_string())[0])),
        _ => None,
    };
    let n = hi - lo;
    let mut best: Option<(f32, Window)> = None;
    for r in DOUBLE_BYTE {
        let imgs: Vec<Option<char>> = chars[lo..hi].iter().map(|&c| image(c, r)).collect();
        if imgs.iter().all(Option::is_none) {
            continue;
        }
        let img_text: String =
            imgs.iter().zip(&chars[lo..hi]).map(|(i, &c)| i.unwrap_or(c)).collect();
        let img = model_keys(&img_text);
        // score[s], back[j][s]: s = 0 before the span, 1 in it, 2 after it.
        const NONE: f32 = f32::NEG_INFINITY;
        let code = |s: usize, j: usize| if s == 1 { img[j] } else { seen[j] };
        let mut score = [0.0f32, NONE, NONE];
        let mut back = vec![[0u8; 3]; n];
        let mut base = 0.0f32;
        for j in 0..n {
            let prev = |s: usize| if j == 0 { left } else { key(code(s, j - 1)) };
            let mut next = [NONE; 3];
            // Before: only from before.
            next[0] = score[0] + lp(prev(0), seen[j]);
            base = next[0];
            if imgs[j].is_some() {
                let open = score[0] + SPAN_PENALTY + lp(prev(0), img[j]);
                let stay = score[1] + lp(prev(1), img[j]);
                (next[1], back[j][1]) = if stay > open { (stay, 1) } else { (open, 0) };
            }
            let close = score[1] + lp(prev(1), seen[j]);
            let after = score[2] + lp(prev(2), seen[j]);
            (next[2], back[j][2]) = if after > close { (after, 2) } else { (close, 1) };
            score = next;
        }
        if let Some(right) = right {
            for (s, v) in score.iter_mut().enumerate() {
                *v += lp(key(code(s, n - 1)), Some(right));
            }
            base = score[0];
        }
        let (s, total) = if score[1] > score[2] { (1, score[1]) } else { (2, score[2]) };
        let gain = total - base;
        if !gain.is_finite() || best.as_ref().is_some_and(|b| b.0 >= gain) {
            continue;
        }
        // Back from the end: the span is where the path is in state 1.
        let (mut state, mut end, mut start) = (s, None, 0);
        for j in (0..n).rev() {
            let p = usize::from(back[j][state]);
            if state == 1 {
                end.get_or_insert(j + 1);
                if p == 0 {
                    start = j;
                    break;
                }
            }
            state = p;
        }
        let mut end = end.expect("the path went through the span");
        // Punctuation read as other punctuation at an edge (`“` as `※`) is as likely
        // a clean mark beside the span as part of it, and the model tells such marks
        // apart poorly: it stays as seen.
        let mark = |j: usize| {
            !crate::chars::is_ideograph(chars[lo + j])
                && imgs[j].is_some_and(|c| !crate::chars::is_ideograph(c))
        };
        while start < end && mark(start) {
            start += 1;
        }
        while start < end && mark(end - 1) {
            end -= 1;
        }
        if start == end {
            continue;
        }
        let fixed: String = imgs[start..end].iter().map(|c| c.expect("in the span")).collect();
        best = Some((
            gain,
            Window { start: lo + start, end: lo + end, reading: r, fixed, confidence: 0.0 },
        ));
    }
    let (gain, mut w) = best?;
    let garbled: String = chars[w.start..w.end].iter().collect();
    // Odd characters of the span that re-read as everyday ones.
    let odd =
        garbled.chars().zip(w.fixed.chars()).filter(|&(c, f)| is_odd(c) && is_everyday(f)).count();
    let ideographs = |t: &str| t.chars().filter(|&c| crate::chars::is_ideograph(c)).count();
    // A misreading of Chinese text shows ideographs among its kana, Greek or Cyrillic
    // (`и穦Θ`); a word of such a script alone (`ページ`, `από`, `──`) is text of it.
    let ok = gain >= MIN_SPAN_GAIN
        && odd >= SHORT_RUN
        && ideographs(&garbled) > 0
        && ideographs(&w.fixed) >= SHORT_RUN
        && everyday_share(&w.fixed) >= MIN_EVERYDAY
        && bytes_of(&garbled, w.reading.wrong)
            .and_then(|b| decode_exact(&b, w.reading.right))
            .is_some_and(|f| f == w.fixed);
    if !ok {
        return None;
    }
    w.confidence = confidence(w.end - w.start, everyday_share(&w.fixed));
    Some(w)
}

/// Appends `chars[from..to]` (the range given) to `out` with each run of [`RUN`] odd
/// characters that reads as a misreading repaired; whether any was.
fn fix_long_runs(
    line: usize,
    chars: &[char],
    std::ops::Range { start: from, end: to }: std::ops::Range<usize>,
    out: &mut String,
    edits: &mut Vec<RepairEdit>,
) -> bool {
    let odd = is_odd;
    let mut changed = false;
    let mut i = from;
    while i < to {
        if !odd(chars[i]) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < to
            && (odd(chars[end])
                || (chars[end].is_ascii_graphic()
                    && chars.get(end + 1).is_some_and(|&c| end + 1 < to && odd(c))))
        {
            end += 1;
        }
        let span: String = chars[i..end].iter().collect();
        match (end - i >= RUN).then(|| best_reading(&span)).flatten() {
            Some(reading) => {
                restore(reading, line, i, span, out, edits);
                changed = true;
            }
            None => out.push_str(&span),
        }
        i = end;
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn misread(text: &str, right: &'static Encoding, wrong: &'static Encoding) -> String {
        let (b, _, bad) = right.encode(text);
        assert!(!bad);
        wrong.decode_without_bom_handling(&b).0.into_owned()
    }

    #[test]
    fn each_reading_comes_back() {
        let trad = "這篇報道說，兩彈一星元勳郭永懷的夫人李佩一生都在教書，學生們很懷念她。";
        let simp = "这篇报道说，两弹一星元勋郭永怀的夫人李佩一生都在教书，学生们很怀念她。";
        let cases = [
            (misread(simp, GBK, BIG5), simp),
            (misread(trad, BIG5, GBK), trad),
            (misread(simp, GBK, encoding_rs::WINDOWS_1252), simp),
            (misread(trad, BIG5, encoding_rs::WINDOWS_1252), trad),
            (misread(trad, UTF_8, BIG5), trad),
        ];
        for (seen, want) in cases {
            if seen.contains('\u{FFFD}') {
                // The reading decoder lost bytes (the integration test measures such
                // lines); what a repair makes of them never loses a mark of the loss.
                let got = fix_line(0, &seen, &mut Vec::new()).unwrap_or(seen.clone());
                assert!(got.contains('\u{FFFD}'), "{seen} -> {got}");
                continue;
            }
            assert!(suspect(&seen), "{seen}");
            let mut edits = Vec::new();
            assert_eq!(fix_line(0, &seen, &mut edits).as_deref(), Some(want), "{seen}");
            assert_eq!(edits.len(), 1);
        }
    }

    /// Fails unless the shipped table file `name` (under src/repair) is `built`, its
    /// derivation; with the variable `update` set, writes it instead.
    fn check_shipped(name: &str, shipped: &[u8], built: &[u8], update: &str) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/repair").join(name);
        if std::env::var_os(update).is_some() {
            std::fs::write(&path, built).unwrap();
            return;
        }
        assert!(
            shipped == built,
            "{} is not the derivation: regenerate it with {update}=1 cargo test --lib \
             repair::legacy",
            path.display()
        );
    }

    /// The shipped table equals its derivation; rewritten with `UPDATE_EVERYDAY_TABLE=1`.
    #[test]
    fn shipped_everyday_table_is_current() {
        let built: Vec<u8> = derive_everyday().iter().flat_map(|w| w.to_le_bytes()).collect();
        check_shipped("everyday.bin", EVERYDAY_BIN, &built, "UPDATE_EVERYDAY_TABLE");
        assert!(is_everyday('的') && is_everyday('們') && is_everyday('们') && !is_everyday('饕'));
    }

    /// [`image`] by its definition, through encoding_rs's encoders and decoders.
    fn image_by_encoding(c: char, r: &Reading) -> Option<char> {
        if (c as u32) < 0x370 {
            return None;
        }
        let mut buf = [0u8; 4];
        let bytes = bytes_of(c.encode_utf8(&mut buf), r.wrong)?;
        if bytes.len() != 2 {
            return None;
        }
        let fixed = decode_exact(&bytes, r.right)?;
        let mut it = fixed.chars();
        match (it.next(), it.next()) {
            (Some(x), None) if x != c => Some(x),
            _ => None,
        }
    }

    /// The image table built from the decoding side is the definition, on every BMP
    /// character and every character a two-byte code decodes to (HKSCS's above the BMP
    /// among them).
    #[test]
    fn images_are_their_definition() {
        let mut chars: std::collections::BTreeSet<char> =
            (0x370u32..0x10000).filter_map(char::from_u32).collect();
        for e in [GBK, BIG5] {
            for b in double_byte_codes() {
                if let Some(s) = e.decode_without_bom_handling_and_without_replacement(&b) {
                    chars.extend(s.chars());
                }
            }
        }
        let mut found = [0usize; 2];
        for (k, r) in DOUBLE_BYTE.iter().enumerate() {
            for &c in &chars {
                let want = image_by_encoding(c, r);
                assert_eq!(image(c, r), want, "{c:?} ({:X}) under {}", c as u32, r.rule);
                found[k] += usize::from(want.is_some());
            }
        }
        assert!(found.iter().all(|&n| n > 14_000), "{found:?} images");
    }

    /// The shipped table equals its derivation; rewritten with `UPDATE_REREADS_TABLE=1`.
    #[test]
    fn shipped_rereads_table_is_current() {
        check_shipped("rereads.bin", REREADS_BIN, &derive_rereads(), "UPDATE_REREADS_TABLE");
    }

    /// A misread span of two words inside a clean line comes back, low-confidence, with
    /// the quotation mark beside it kept (GBK `“` read as Big5 is `※`).
    #[test]
    fn a_short_span_inside_a_clean_line_comes_back() {
        let (head, mid, tail) = ("其核心邏輯是", "我們會成功", "“比特優先於原子”。");
        let line = format!("{head}{}{tail}", misread(mid, BIG5, GBK));
        assert!(suspect(&line) && short_suspect(&line), "{line}");
        let mut edits = Vec::new();
        let got = fix_line(0, &line, &mut edits);
        assert_eq!(got.as_deref(), Some(format!("{head}{mid}{tail}").as_str()));
        assert_eq!(edits.len(), 1);
        assert_eq!((edits[0].rule, edits[0].col), (RULE_BIG5_AS_GBK, head.chars().count()));
        assert!(edits[0].confidence < 0.5);
        let simp = ("马斯克说", "工厂产能", "扩大了。");
        let line = format!("{}{}{}", simp.0, misread(simp.1, GBK, BIG5), simp.2);
        let got = fix_line(0, &line, &mut Vec::new());
        assert_eq!(got.as_deref(), Some(format!("{}{}{}", simp.0, simp.1, simp.2).as_str()));
    }

    /// The short-span prefilter is exactly "two odd characters of three bytes or more, not
    /// General Punctuation, in a row", on strings that start, break and end runs everywhere.
    #[test]
    fn short_prefilter_matches_its_definition() {
        let naive = |t: &str| {
            let odd: Vec<bool> = t
                .chars()
                .map(|c| {
                    c.len_utf8() >= 3 && !('\u{2000}'..='\u{207F}').contains(&c) && !is_everyday(c)
                })
                .collect();
            odd.windows(SHORT_RUN).any(|w| w.iter().all(|&x| x))
        };
        let pool = [
            '的', '們', '饕', '餮', '鎮', 'и', 'é', 'a', ' ', '😀', '，', '※', '—', 'の', '─', '“',
        ];
        let mut rng = crate::testing::Xorshift::default();
        let (mut yes, mut no) = (0, 0);
        for round in 0..20_000 {
            let n = rng.below(12);
            let text: String = (0..n).map(|_| pool[rng.below(pool.len())]).collect();
            let want = naive(&text);
            assert_eq!(short_suspect(&text), want, "round {round}: {text:?}");
            if want {
                yes += 1;
            } else {
                no += 1;
            }
        }
        assert!(yes > 1000 && no > 1000, "{yes} with a run, {no} without");
    }

    #[test]
    fn clean_text_is_not_suspect() {
        for t in [
            "這篇報道說，兩彈一星元勳郭永懷的夫人李佩一生都在教書。",
            "这篇报道说，两弹一星元勋郭永怀的夫人李佩一生都在教书。",
            "Ökonomie und Müller, à la française — naïve café",
        ] {
            assert!(!suspect(t) || fix_line(0, t, &mut Vec::new()).is_none(), "{t}");
        }
    }
}
