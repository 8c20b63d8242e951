//! UTF-8 read with a single-byte charset: Windows-1252 as a browser reads it (WHATWG: the
//! five undefined bytes become C1 controls) and as Python does (they become U+FFFD or
//! vanish), Latin-1, and the other charsets such damage comes in (Windows-1250/1251/1257,
//! ISO-8859-2, Mac Roman, code page 437); up to three layers (`Ã¥Â¹Â´` → `å¹´` → `年`), on
//! whole lines and on spans inside clean ones.
//!
//! # Why it works this way
//!
//! Every character of such mojibake stands for one byte, and the bytes of a span are
//! well-formed UTF-8: a lead byte (`C2..F4`) followed by the right number of continuation
//! bytes (`80..BF`). Clean text almost never has that shape, so each layer maps runs of
//! mappable characters back to bytes and decodes the well-formed sequences. What stays
//! ambiguous is decided by evidence, as ftfy's badness heuristic does, but per span:
//!
//! * a sequence of three or four bytes (`å¹´`, `â€œ`) is strong evidence on its own;
//! * a two-byte sequence whose second character is one that follows a capital letter in
//!   clean text (`É’s`, `Ã’s`, `Â«`, `Â` + no-break space) is taken only when the line
//!   shows strong evidence too;
//! * a run of mappable characters where lead bytes fail to start a sequence more often
//!   than they succeed is left alone (it is Latin text, or damage we cannot undo);
//! * CJK read one lone character at a time out of a Latin line whose damage lost bytes to
//!   `?` is chance, not text (CJK text comes in runs or inside CJK text);
//! * a charset other than Windows-1252 needs two pieces of evidence, and a layer whose
//!   results are Windows-1252 damage again (`Г‚ВЈ` → `Â£`) is one.
//!
//! A byte the reading decoder dropped leaves a truncated sequence, and one it printed as
//! U+FFFD or `?` (once per sequence, as ftfy's lossy sequences) a sequence with a hole;
//! inside accepted damage either becomes U+FFFD at low confidence: the character is lost,
//! and the mark says so instead of a plausible guess. But a Chinese character that lost a
//! byte a strict reader cannot map was one of a handful, and [`super::lost`] picks it when
//! its neighbours clearly decide. A lost sequence adds no evidence of its own, so a
//! question mark after an accented letter in clean text stays.

use super::RepairEdit;
use std::sync::OnceLock;

/// Layers undone at most (ftfy's test cases go to three).
const MAX_LAYERS: usize = 3;

pub const RULE_CP1252: &str = "repair.mojibake-latin1";
pub const RULE_C1: &str = "repair.mojibake-c1-controls";

/// One single-byte charset, with its rule name for the audit.
struct Codec {
    rule: &'static str,
    /// Byte per BMP character (0: not mappable). Bytes 0x80..0x9F are also reachable from
    /// the C1 controls (a "sloppy" reading: Latin-1, or WHATWG's undefined bytes).
    byte: Vec<u8>,
    /// Per byte 0x80..0x9F: the charset prints a character for it, so a C1 control at
    /// that byte means a second, sloppy decoder (ISO-8859-x and WHATWG's undefined bytes
    /// show C1 controls themselves).
    defines_c1: [bool; 32],
    /// Bytes a strict reader of this charset cannot map (Python's `cp1252` fails on 0x81,
    /// 0x8D, 0x8F, 0x90, 0x9D): what a U+FFFD or `?` it printed stood for. None for a
    /// charset that defines no byte of 0x80..0x9F (ISO-8859-x reads them as C1 controls).
    lost: Vec<u8>,
}

/// Code page 437's upper half (not in encoding_rs).
const CP437_HIGH: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{a0}";

struct Tables {
    codecs: Vec<Codec>,
    /// Per BMP character, bit k: a lead byte (C2..F4) in codec k.
    lead: Vec<u8>,
    /// Per BMP character, bit k: a continuation byte (80..BF) in codec k.
    cont: Vec<u8>,
    /// Per byte: may start the UTF-8 of a character with a `lead` bit, or of a C1 control.
    first: [bool; 256],
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let mut codecs = Vec::new();
        let from_rs = |rule, enc: &'static encoding_rs::Encoding| {
            let high: Vec<char> = (0x80u8..=0xFF)
                .map(|b| {
                    let bytes = [b];
                    let (s, _) = enc.decode_without_bom_handling(&bytes);
                    s.chars().next().unwrap_or('\u{FFFD}')
                })
                .collect();
            build_codec(rule, &high)
        };
        codecs.push(from_rs(RULE_CP1252, encoding_rs::WINDOWS_1252));
        codecs.push(from_rs("repair.mojibake-cp1250", encoding_rs::WINDOWS_1250));
        codecs.push(from_rs("repair.mojibake-cp1251", encoding_rs::WINDOWS_1251));
        codecs.push(from_rs("repair.mojibake-iso8859-2", encoding_rs::ISO_8859_2));
        codecs.push(from_rs("repair.mojibake-cp1257", encoding_rs::WINDOWS_1257));
        codecs.push(from_rs("repair.mojibake-macroman", encoding_rs::MACINTOSH));
        codecs.push(build_codec("repair.mojibake-cp437", &CP437_HIGH.chars().collect::<Vec<_>>()));
        let mut lead = vec![0u8; 0x10000];
        let mut cont = vec![0u8; 0x10000];
        let mut first = [false; 256];
        for (k, c) in codecs.iter().enumerate() {
            for (cp, &b) in c.byte.iter().enumerate() {
                if (0xC2..=0xF4).contains(&b) {
                    lead[cp] |= 1 << k;
                    let ch = char::from_u32(cp as u32).expect("BMP scalar");
                    first[ch.to_string().as_bytes()[0] as usize] = true;
                }
                if (0x80..=0xBF).contains(&b) {
                    cont[cp] |= 1 << k;
                }
            }
        }
        // C1 controls (U+0080..U+009F) start with C2: the scan in `suspect` decodes them.
        first[0xC2] = true;
        // A no-break space that became a space, and a byte printed as U+FFFD, can stand
        // for a continuation byte in any charset.
        cont[' ' as usize] = 0xFF;
        cont[0xFFFD] = 0xFF;
        Tables { codecs, lead, cont, first }
    })
}

fn build_codec(rule: &'static str, high: &[char]) -> Codec {
    let mut byte = vec![0u8; 0x10000];
    for b in 0x80u8..=0x9F {
        byte[b as usize] = b;
    }
    let mut defines_c1 = [false; 32];
    for (i, &c) in high.iter().enumerate() {
        if c != '\u{FFFD}' && (c as u32) < 0x10000 && !c.is_ascii() {
            byte[c as usize] = 0x80 + i as u8;
            if i < 32 && !matches!(c, '\u{80}'..='\u{9F}') {
                defines_c1[i] = true;
            }
        }
    }
    let lost = if defines_c1.contains(&true) {
        (0x80u8..=0x9F).filter(|&b| !defines_c1[b as usize - 0x80]).collect()
    } else {
        Vec::new()
    };
    Codec { rule, byte, defines_c1, lost }
}

fn bits(t: &[u8], c: char) -> u8 {
    t.get(c as usize).copied().unwrap_or(0)
}

/// Whether [`fix_line`] could change this line: some character is a lead byte in a
/// charset and the next one a continuation byte in the same charset, or the line has a
/// C1 control. A byte-table scan that steps a character at a time: clean lines cost one
/// table probe per character, and only the few whose first byte can start a lead byte's
/// or a C1 control's UTF-8 are decoded.
pub fn suspect(text: &str) -> bool {
    let t = tables();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        if !t.first[x as usize] {
            i += crate::utf8::char_len(x);
            continue;
        }
        let mut it = text[i..].chars();
        let c = it.next().expect("char boundary");
        if matches!(c, '\u{80}'..='\u{9F}') {
            return true;
        }
        if let Some(n) = it.next() {
            if bits(&t.lead, c) & bits(&t.cont, n) != 0 {
                return true;
            }
        }
        i += c.len_utf8();
    }
    false
}

/// A decoded sequence found in one layer.
struct Seq {
    start: usize,
    end: usize,
    out: char,
    strong: bool,
    /// A byte was lost (U+FFFD in, U+FFFD out).
    lossy: bool,
    /// A space stood for the no-break space byte: it also separated words, so it stays.
    space: bool,
    /// For a sequence that lost one byte: the Chinese characters it can have been, one per
    /// byte the reader could not map ([`Codec::lost`]).
    cands: Vec<char>,
}

/// Continuation bytes that, after a capital letter (the lead `lead`), are as likely clean
/// text as damage: quotes, dashes, ellipsis, guillemets, middle dot, no-break space, ™.
fn ambiguous_cont(lead: u8, b: u8) -> bool {
    // A brand's ™ after a word in capitals (`CAFÉ™`), but not after `Ã`: that is `Ù` in
    // French and Italian capitals (`OÃ™`, `PIÃ™`); a Portuguese word ending in `Ã` before a
    // trade mark is far rarer (ftfy takes `Ã™` as mojibake in any context).
    if b == 0x99 {
        return lead != 0xC3;
    }
    // ¥ too: a price after a capital letter (`Ã¥` alone is left as ftfy leaves it).
    matches!(b, 0x85 | 0x8B | 0x91..=0x94 | 0x96 | 0x97 | 0x9B | 0xA0 | 0xA5 | 0xAB | 0xB7 | 0xBB)
}

/// Whether one decoded sequence is evidence on its own: its result is a character
/// such damage typically hides, and its source does not read as clean text (a capital
/// letter and a quote, two capitals, a word-final `Ã` before a space).
fn strong_seq(
    codec: usize,
    around: (Option<char>, Option<char>),
    src: &[char],
    bytes: &[u8],
    out: char,
    via_space: bool,
) -> bool {
    let u = out as u32;
    // Latin-1 characters never touch Han text in clean writing: `德瓦克什Â·帕`, `跟ä»–們`.
    // A space read as a no-break space's byte does not count: a Latin word ends before a
    // space and Han text after it (`quoted” 对于` is not `quotedӠ对于`).
    let han = |c: Option<char>| {
        c.is_some_and(|c| matches!(c, '\u{3000}'..='\u{9FFF}' | '\u{FF00}'..='\u{FFEF}'))
    };
    if !via_space && (han(around.0) || han(around.1)) {
        return true;
    }
    if bytes.len() == 2 && !via_space && inside_word(around, src, bytes[1], out) {
        return true;
    }
    // French `à` whose no-break space became a space: `voilÃ le`, `jusqu'Ã nos`.
    if codec == 0 && bytes == [0xC3, 0xA0] {
        let word_end = around.0.is_none_or(|p| p.is_lowercase() || matches!(p, ' ' | '\'' | '’'));
        let next = around.1.is_some_and(|n| n.is_lowercase() || n == ' ');
        return word_end && next;
    }
    if bytes.len() >= 3 {
        // `signiп¬Ѓcantly`: a letter continuing a lowercase word, from a symbol.
        if inside_word(around, src, bytes[1], out) && src.iter().any(|c| !c.is_alphabetic()) {
            return true;
        }
        // `ë…”`: a letter and closing punctuation, not `녔`.
        let closing = |b: &u8| matches!(b, 0x85 | 0x91..=0x94 | 0x96 | 0x97 | 0xA0 | 0xAB | 0xBB);
        if bytes[1..].iter().all(closing) {
            return false;
        }
        return bytes.len() == 4
            || matches!(u, 0x2000..=0x206F | 0x20A0..=0x20CF | 0x2100..=0x214F | 0x2190..=0x23FF
                | 0x2460..=0x27BF | 0x3000..=0x9FFF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
                | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0xFFFD);
    }
    if via_space || ambiguous_cont(bytes[0], bytes[1]) {
        return false;
    }
    let (a, b) = (src[0], src[1]);
    if a.is_alphabetic() && b.is_alphabetic() && a.is_uppercase() == b.is_uppercase() {
        return false;
    }
    match u {
        // `Â©`, `Â°`: symbols behind `Â`, in Windows-1252 only.
        0xA0..=0xBF => codec == 0 && bytes[0] == 0xC2,
        0xC0..=0x17E => true,
        0x386..=0x3CE | 0x400..=0x45F => true,
        _ => false,
    }
}

/// Whether a decoded letter continues the word around it in that word's case where its
/// source could not: an accented capital and a symbol inside a lowercase word
/// (`ongeÃ«venaard`, `RÄ«ga`, `GÃ\u{a0}idhlig`), two capitals starting one (`ÄÆdomu`), a
/// capital and a quote inside a word in capitals (`HÃ”TEL`). Currency signs are styling in
/// names (`DrÃ¥ber`), and a no-break space between capitals separates two words.
fn inside_word(around: (Option<char>, Option<char>), src: &[char], cont: u8, out: char) -> bool {
    let Some(next) = around.1 else { return false };
    let prev_letter = around.0.is_some_and(char::is_alphabetic);
    if matches!(cont, 0xA2..=0xA5) || !out.is_alphabetic() {
        return false;
    }
    if out.is_lowercase() && next.is_lowercase() {
        let foreign = src[0].is_alphabetic() && src.iter().any(|c| !c.is_lowercase());
        return foreign && (prev_letter || src.iter().all(|c| c.is_uppercase()));
    }
    out.is_uppercase()
        && next.is_uppercase()
        && around.0.is_some_and(char::is_uppercase)
        && src[0].is_uppercase()
        && !src[1].is_alphabetic()
        && cont != 0xA0
}

/// A lost byte inside a word (`SlovenÄ�ina`): a capital lead between a letter and a
/// lowercase letter, then U+FFFD.
fn lossy_inside_word(around: (Option<char>, Option<char>), src: &[char]) -> bool {
    around.0.is_some_and(char::is_alphabetic)
        && around.1.is_some_and(char::is_lowercase)
        && src[0].is_uppercase()
}

/// Whether a space that stood for byte A0 at the end of a sequence also separated words,
/// and so stays: only after `Ã` (`à`, a word of its own in French and Portuguese) before a
/// word, but not before a second space (the no-break space became a space next to one)
/// nor before the Portuguese contractions of `à` (`às`, `àquele`, `àquela`, `àquilo`).
fn keeps_space(lead: u8, n: usize, next: &[char]) -> bool {
    const CONTRACTIONS: [&str; 4] = ["s ", "quele", "quela", "quilo"];
    let starts = |w: &str| next.iter().take(w.chars().count()).copied().eq(w.chars());
    lead == 0xC3
        && n == 2
        && next.first().is_some_and(|c| c.is_alphabetic())
        && !CONTRACTIONS.iter().any(|w| starts(w))
}

/// A UTF-16 surrogate pair written as two three-byte sequences (CESU-8, as Java and
/// MySQL's `utf8` write emoji): the character and the six characters it takes.
fn cesu8(chars: &[char], byte: &dyn Fn(char) -> Option<u8>) -> Option<char> {
    let b: Vec<u8> = chars.get(..6)?.iter().map(|&c| byte(c)).collect::<Option<_>>()?;
    let cont = |x: u8| (0x80..=0xBF).contains(&x);
    if b[0] != 0xED
        || !(0xA0..=0xAF).contains(&b[1])
        || !cont(b[2])
        || b[3] != 0xED
        || !(0xB0..=0xBF).contains(&b[4])
        || !cont(b[5])
    {
        return None;
    }
    let hi = u32::from(b[1] & 0x0F) << 6 | u32::from(b[2] & 0x3F);
    let lo = u32::from(b[4] & 0x0F) << 6 | u32::from(b[5] & 0x3F);
    char::from_u32(0x10000 + (hi << 10) + lo)
}

/// A continuation byte that keeps a sequence from `lead` well-formed at position `k`,
/// standing for one the reading lost (after E0 and F0 the second byte is above 0x80).
fn lost_placeholder(lead: u8, k: usize) -> u8 {
    match (lead, k) {
        (0xE0, 1) => 0xA0,
        (0xF0, 1) => 0x90,
        _ => 0x80,
    }
}

/// The plausible characters `seq` decodes to with byte `at` replaced by each of `bytes`.
fn completions<'a>(
    seq: &'a [u8],
    at: usize,
    bytes: impl Iterator<Item = u8> + 'a,
) -> impl Iterator<Item = char> + 'a {
    bytes.filter_map(move |x| {
        let mut b = [0u8; 4];
        b[..seq.len()].copy_from_slice(seq);
        b[at] = x;
        let c = std::str::from_utf8(&b[..seq.len()]).ok()?.chars().next()?;
        plausible(c, seq.len()).then_some(c)
    })
}

fn needed(lead: u8) -> usize {
    match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// Whether a decoded character is something text holds (not a control, surrogate-range
/// artefact, private use or noncharacter).
fn plausible(c: char, len: usize) -> bool {
    let u = c as u32;
    // Two bytes decode to U+0080..U+07FF; of those, mojibake hides the letters of
    // European, Hebrew and Arabic text, not IPA, combining marks, Armenian or Syriac.
    // Combining marks too: mojibake of `Ì¶` overlays and emoticons (`Ì€`).
    if len == 2
        && !matches!(u, 0x80..=0x24F | 0x2B0..=0x36F | 0x370..=0x3FF | 0x400..=0x4FF | 0x5D0..=0x5EA | 0x600..=0x6FF)
    {
        return false;
    }
    // A C1 control is what an inner layer of Windows-1252 damage holds (`â€\u{9D}` is `”`
    // read by a browser); the next layer decodes it.
    !((c.is_control() && !matches!(u, 0x80..=0x9F))
        || (0xE000..=0xF8FF).contains(&u)
        || (0xFDD0..=0xFDEF).contains(&u)
        || u & 0xFFFE == 0xFFFE
        || u >= 0xF0000)
}

/// How well a codec explains a line: strong sequences (a glued one twice), sequences, and (reversed) C1
/// controls it would have printed as characters.
type Score = (usize, usize, std::cmp::Reverse<usize>);

/// The sequences one codec decodes in `chars`, if the evidence accepts them; with how well
/// they explain the line.
fn layer_with(chars: &[char], codec: &Codec, codec_index: usize) -> (Vec<Seq>, Score) {
    let byte = |c: char| -> Option<u8> {
        match c {
            ' ' => Some(0xA0),
            '\u{FFFD}' => Some(0),
            _ => codec.byte.get(c as usize).copied().filter(|&b| b != 0),
        }
    };
    let mut seqs = Vec::new();
    // Per run of mappable characters: sequences decoded, and lead bytes that failed.
    let (mut run_ok, mut run_fail) = (0usize, 0usize);
    let mut accepted: Vec<Seq> = Vec::new();
    let close = |seqs: &mut Vec<Seq>, accepted: &mut Vec<Seq>, ok: usize, fail: usize| {
        if ok > 0 && fail * 2 <= ok {
            accepted.append(seqs);
        } else {
            seqs.clear();
        }
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let Some(b) = (c != ' ' && c != '\u{FFFD}').then(|| byte(c)).flatten() else {
            if c != ' ' {
                // A Latin letter this charset cannot have produced, touching the run: the
                // text is in another charset's mojibake or clean, on both sides.
                let alien = matches!(c, '\u{80}'..='\u{24F}');
                close(&mut seqs, &mut accepted, run_ok, run_fail + usize::from(alien));
                (run_ok, run_fail) = (0, usize::from(alien));
            }
            i += 1;
            continue;
        };
        if !(0xC2..=0xF4).contains(&b) {
            i += 1;
            continue;
        }
        if let Some(out) = (b == 0xED).then(|| cesu8(&chars[i..], &byte)).flatten() {
            run_ok += 1;
            seqs.push(Seq {
                start: i,
                end: i + 6,
                out,
                strong: true,
                lossy: false,
                space: false,
                cands: Vec::new(),
            });
            i += 6;
            continue;
        }
        let n = needed(b);
        let mut buf = [b, 0, 0, 0];
        // Positions of bytes the reading lost (at most four, one of them a `?`).
        let (mut lost, mut nlost, mut qmark) = ([0usize; 4], 0usize, false);
        let mut via_space = false;
        let mut k = 1;
        while k < n && i + k < chars.len() {
            match chars[i + k] {
                '\u{FFFD}' => {
                    (lost[nlost], nlost) = (k, nlost + 1);
                    buf[k] = lost_placeholder(b, k);
                }
                // Python's `replace` prints `?` for a byte it cannot map (`â€?`, `â?¬`); as
                // ftfy takes it, once per sequence, and in two bytes only after `Â`/`Ã`
                // (`Ã?`), whose letters and symbols are the common ones.
                '?' if !qmark && (n >= 3 || matches!(b, 0xC2 | 0xC3)) => {
                    qmark = true;
                    (lost[nlost], nlost) = (k, nlost + 1);
                    buf[k] = lost_placeholder(b, k);
                }
                ' ' => {
                    via_space = true;
                    buf[k] = 0xA0;
                }
                x => match byte(x) {
                    Some(cb @ 0x80..=0xBF) => buf[k] = cb,
                    _ => break,
                },
            }
            k += 1;
        }
        let lossy = nlost > 0;
        let decoded = (k == n).then(|| std::str::from_utf8(&buf[..n]).ok()).flatten();
        // A combining mark needs the character before it, not a space.
        let mark = |o: char| via_space && matches!(o as u32, 0x300..=0x36F);
        // A lost byte's stand-in only tells that the sequence was well-formed: some byte
        // in its place must give a plausible character.
        let fits = |o: char| {
            if nlost == 1 {
                completions(&buf[..n], lost[0], 0x80..=0xBF).next().is_some()
            } else {
                plausible(o, n)
            }
        };
        let Some(out) = decoded.and_then(|s| s.chars().next()).filter(|&o| fits(o) && !mark(o))
        else {
            // A truncated sequence: the reading decoder dropped a byte (Python's `ignore`),
            // or this is clean text. Not one with a `?`: that is a question mark after a
            // letter (`à?`) unless a whole sequence follows it.
            run_fail += 1;
            if k >= 2 && k < n && !qmark && !chars[i + 1..i + k].contains(&' ') {
                seqs.push(Seq {
                    start: i,
                    end: i + k,
                    out: '\u{FFFD}',
                    strong: false,
                    lossy: true,
                    space: false,
                    cands: Vec::new(),
                });
            }
            i += 1;
            continue;
        };
        let around = (i.checked_sub(1).map(|p| chars[p]), chars.get(i + n).copied());
        let strong = if lossy {
            n == 2 && lossy_inside_word(around, &chars[i..i + n])
        } else {
            strong_seq(codec_index, around, &chars[i..i + n], &buf[..n], out, via_space)
        };
        run_ok += 1;
        seqs.push(Seq {
            start: i,
            end: i + n,
            out: if lossy { '\u{FFFD}' } else { out },
            strong,
            lossy,
            space: via_space && chars[i + n - 1] == ' ' && keeps_space(b, n, &chars[i + n..]),
            cands: if nlost == 1 {
                completions(&buf[..n], lost[0], codec.lost.iter().copied())
                    .filter(|&c| super::lost::chinese(c))
                    .collect()
            } else {
                Vec::new()
            },
        });
        i += n;
    }
    close(&mut seqs, &mut accepted, run_ok, run_fail);
    drop_lone_cjk(chars, &mut accepted);
    // Several sequences of three or more bytes are evidence together.
    let long = accepted.iter().filter(|s| s.end - s.start >= 3 && !s.lossy).count();
    let strong = accepted.iter().filter(|s| s.strong).count();
    // Three letters of a script written without Latin-1 capitals (Hebrew, Arabic, Greek,
    // Cyrillic) out of two-byte sequences: `×‘×”×•`.
    // Combining marks (`$Ì¶6Ì¶`) the same.
    // Not where a space stood for a no-break space's byte: `” ” ”` read as Mac Roman
    // is `Ӡ` three times, out of quotes before spaces.
    let script = accepted
        .iter()
        .filter(|s| matches!(s.out as u32, 0x300..=0x6FF) && !chars[s.start..s.end].contains(&' '))
        .count();
    let long = long + if script >= 3 { 2 } else { 0 };
    let none = (Vec::new(), (0, 0, std::cmp::Reverse(0)));
    if strong == 0 && long < 2 {
        return none;
    }
    // A symbol glued to the end of an English or Romance word that decodes to a letter or punctuation
    // (`wei√ü`, `profiter‚Ä¶`) is a second piece of evidence.
    let glued = accepted
        .iter()
        .filter(|s| {
            s.strong
                && s.start > 0
                && chars[s.start - 1].is_ascii_alphabetic()
                && !chars[s.start].is_alphabetic()
        })
        .count();
    // Other charsets than Windows-1252 need two pieces of evidence: their mojibake is
    // rarer than clean text that happens to fit. A layer over Windows-1252 damage
    // (`Г‚ВЈ`, read as Windows-1251) gives such damage again (`Â£`), which is one.
    if codec_index > 0 && strong + long + glued + layered(&accepted) < 2 {
        return none;
    }
    // Windows-1252 stands for Latin-1 too, whose C1 controls are its own.
    let sloppy = accepted
        .iter()
        .filter(|_| codec_index > 0)
        .filter(|s| {
            chars[s.start..s.end]
                .iter()
                .any(|&c| matches!(c, '\u{80}'..='\u{9F}') && codec.defines_c1[c as usize - 0x80])
        })
        .count();
    let n = accepted.len();
    (accepted, (strong + glued, n, std::cmp::Reverse(sloppy)))
}

/// Drops the sequences that read CJK characters out of a Latin line whose damage lost
/// bytes to `?` or U+FFFD (`ItÃ?Â¢â?¬`: `Â¢â` read as Mac Roman is `墉`): what is left of
/// Latin mojibake can spell a CJK character in some charset by chance, one at a time. CJK
/// text read wrongly comes in runs of touching characters or inside CJK text, so a line
/// with either keeps its sequences (its `?` is a question mark or a lost byte).
fn drop_lone_cjk(chars: &[char], seqs: &mut Vec<Seq>) {
    // A sequence that lost a byte of a Chinese character is one too.
    let cjk = |s: &Seq| is_cjk_result(s.out) || !s.cands.is_empty();
    if !seqs.iter().any(cjk) {
        return;
    }
    let run = seqs.windows(2).any(|w| cjk(&w[0]) && cjk(&w[1]) && w[0].end == w[1].start);
    if run || chars.iter().any(|&c| is_cjk_result(c)) {
        return;
    }
    // A `?` glued to mojibake: a byte a replacing decoder could not map; or U+FFFD, such a
    // byte printed, or a sequence with one lost that an inner layer decoded.
    let lost = chars.contains(&'\u{FFFD}')
        || chars
            .windows(2)
            .any(|w| (w[0] == '?') != (w[1] == '?') && !(w[0].is_ascii() && w[1].is_ascii()));
    if lost {
        seqs.retain(|s| !cjk(s));
    }
}

/// Characters of CJK text (ideographs, kana, Hangul, CJK symbols and full-width forms).
fn is_cjk_result(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// Runs of touching sequences whose results, read back as Windows-1252 bytes, are UTF-8
/// again (a plausible character): the layer undid one reading of Windows-1252 damage.
fn layered(seqs: &[Seq]) -> usize {
    let cp1252 = &tables().codecs[0].byte;
    let byte = |s: &Seq| -> Option<u8> {
        let b = *cp1252.get(s.out as usize)?;
        (!s.lossy && b != 0).then_some(b)
    };
    let (mut n, mut i) = (0, 0);
    while i < seqs.len() {
        let Some(lead @ 0xC2..=0xF4) = byte(&seqs[i]) else {
            i += 1;
            continue;
        };
        let len = needed(lead);
        let mut buf = [lead, 0, 0, 0];
        let mut k = 1;
        while k < len && i + k < seqs.len() && seqs[i + k].start == seqs[i + k - 1].end {
            match byte(&seqs[i + k]) {
                Some(b @ 0x80..=0xBF) => buf[k] = b,
                _ => break,
            }
            k += 1;
        }
        let decoded = (k == len).then(|| std::str::from_utf8(&buf[..len]).ok()).flatten();
        if decoded.and_then(|s| s.chars().next()).is_some_and(|c| plausible(c, len)) {
            n += 1;
            i += len;
        } else {
            i += 1;
        }
    }
    n
}

/// Repairs single-byte-charset mojibake in one line; `None` when nothing changed.
pub fn fix_line(line: usize, text: &str, edits: &mut Vec<RepairEdit>) -> Option<String> {
    let t = tables();
    let orig: Vec<char> = text.chars().collect();
    let mut cur = orig.clone();
    // Per current character, the span of original characters it stands for, its rule and
    // confidence.
    let mut from: Vec<(usize, usize)> = (0..orig.len()).map(|i| (i, i + 1)).collect();
    let mut how: Vec<Option<(&'static str, f32)>> = vec![None; orig.len()];
    // Per current character: the candidates of a lost byte's character, in `sets`.
    let mut lost: Vec<Option<usize>> = vec![None; orig.len()];
    let mut sets: Vec<Vec<char>> = Vec::new();
    for _ in 0..MAX_LAYERS {
        let best = t
            .codecs
            .iter()
            .enumerate()
            .map(|(k, c)| (c, layer_with(&cur, c, k)))
            .filter(|(_, (s, _))| !s.is_empty())
            // The most strong sequences, then the most sequences, then the fewest C1 controls
            // read sloppily; on a tie the first charset (the commonest).
            .fold(None, |best: Option<(&Codec, (Vec<Seq>, Score))>, x| match best {
                Some(b) if b.1 .1 >= x.1 .1 => Some(b),
                _ => Some(x),
            });
        let Some((codec, (seqs, _))) = best else { break };
        let mut next = Vec::with_capacity(cur.len());
        let (mut nfrom, mut nhow) = (Vec::with_capacity(cur.len()), Vec::with_capacity(cur.len()));
        let mut nlost = Vec::with_capacity(cur.len());
        let mut i = 0;
        for s in seqs {
            while i < s.start {
                next.push(cur[i]);
                nfrom.push(from[i]);
                nhow.push(how[i]);
                nlost.push(lost[i]);
                i += 1;
            }
            next.push(s.out);
            nlost.push((!s.cands.is_empty()).then_some(sets.len()));
            if !s.cands.is_empty() {
                sets.push(s.cands);
            }
            nfrom.push((from[s.start].0, from[s.end - 1].1));

            let conf: f32 = if s.lossy {
                0.2
            } else if s.strong {
                0.99
            } else {
                0.9
            };
            let prev = how[s.start..s.end].iter().flatten().map(|h| h.1).fold(1.0f32, f32::min);
            nhow.push(Some((codec.rule, conf.min(prev))));
            if s.space {
                next.push(' ');
                nfrom.push(from[s.end - 1]);
                nhow.push(None);
                nlost.push(None);
            }
            i = s.end;
        }
        while i < cur.len() {
            next.push(cur[i]);
            nfrom.push(from[i]);
            nhow.push(how[i]);
            nlost.push(lost[i]);
            i += 1;
        }
        (cur, from, how, lost) = (next, nfrom, nhow, nlost);
    }
    // A lost byte of Chinese text: the character its neighbours make likeliest, if clearly.
    for k in 0..cur.len() {
        let (Some(j), Some((rule, _))) = (lost[k], how[k]) else { continue };
        if let Some((c, conf)) = super::lost::choose(&cur, k, &sets[j]) {
            cur[k] = c;
            how[k] = Some((rule, conf));
        }
    }
    // Latin-1 read of Windows-1252 text: C1 controls are its punctuation.
    for (k, c) in cur.iter_mut().enumerate() {
        if matches!(*c, '\u{80}'..='\u{9F}') {
            let byte = [*c as u8];
            let (s, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte);
            if let Some(d) = s.chars().next().filter(|d| !matches!(d, '\u{80}'..='\u{9F}')) {
                *c = d;
                how[k] = Some((RULE_C1, 0.95));
            }
        }
    }
    if how.iter().all(Option::is_none) {
        return None;
    }
    // One edit per stretch of changed characters.
    let mut k = 0;
    while k < cur.len() {
        let Some((rule, mut conf)) = how[k] else {
            k += 1;
            continue;
        };
        let start = k;
        while k + 1 < cur.len() && how[k + 1].is_some_and(|h| h.0 == rule) {
            k += 1;
            conf = conf.min(how[k].expect("checked").1);
        }
        let (a, b) = (from[start].0, from[k].1);
        edits.push(RepairEdit {
            rule,
            line,
            col: a,
            garbled: orig[a..b].iter().collect(),
            restored: cur[start..=k].iter().collect(),
            confidence: conf,
        });
        k += 1;
    }
    Some(cur.into_iter().collect())
}
