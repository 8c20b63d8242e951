//! Damages clean text the ways UTF-8 gets misread by a single-byte decoder, for tests:
//! whole lines or spans inside a line, one to three layers. Written independently of the
//! library's repair (encoding_rs does the misreading).

use encoding_rs::WINDOWS_1252;

/// How the UTF-8 bytes were read.
#[derive(Clone, Copy, Debug)]
pub enum Reading {
    /// Windows-1252 as a browser reads it: the five undefined bytes become C1 controls.
    Whatwg1252,
    /// ISO-8859-1: bytes 0x80..0x9F become C1 controls.
    Latin1,
    /// Windows-1252 as Python reads it with `errors="replace"`: the five bytes it does not
    /// define (0x81, 0x8D, 0x8F, 0x90, 0x9D) become U+FFFD.
    PythonReplace,
    /// The same, then written out where U+FFFD cannot go: those bytes become `?`.
    PythonQuestion,
}

/// One layer of damage on a string.
pub fn misread(text: &str, how: Reading) -> String {
    match how {
        Reading::Whatwg1252 => {
            WINDOWS_1252.decode_without_bom_handling(text.as_bytes()).0.into_owned()
        }
        Reading::Latin1 => text.bytes().map(char::from).collect(),
        Reading::PythonReplace | Reading::PythonQuestion => {
            let lost = if matches!(how, Reading::PythonReplace) { '\u{FFFD}' } else { '?' };
            // WHATWG's reading gives C1 controls for exactly the undefined bytes.
            misread(text, Reading::Whatwg1252)
                .chars()
                .map(|c| if matches!(c, '\u{80}'..='\u{9F}') { lost } else { c })
                .collect()
        }
    }
}

/// `layers` layers of damage.
pub fn misread_n(text: &str, how: Reading, layers: usize) -> String {
    (0..layers).fold(text.to_string(), |t, _| misread(&t, how))
}

/// Damages the span of `line` from character `from` for `len` characters.
pub fn misread_span(line: &str, from: usize, len: usize, how: Reading, layers: usize) -> String {
    let c: Vec<char> = line.chars().collect();
    let (a, b) = (from.min(c.len()), (from + len).min(c.len()));
    let mid: String = c[a..b].iter().collect();
    let head: String = c[..a].iter().collect();
    let tail: String = c[b..].iter().collect();
    format!("{head}{}{tail}", misread_n(&mid, how, layers))
}

/// A legacy Chinese charset that bytes were written in or misread with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Legacy {
    Gbk,
    Big5,
    Utf8,
    /// Windows-1252 as a browser reads it.
    Cp1252,
}

impl Legacy {
    fn encoding(self) -> &'static encoding_rs::Encoding {
        match self {
            Legacy::Gbk => encoding_rs::GBK,
            Legacy::Big5 => encoding_rs::BIG5,
            Legacy::Utf8 => encoding_rs::UTF_8,
            Legacy::Cp1252 => WINDOWS_1252,
        }
    }
}

/// `text` written in `right` and read as `wrong` (with the reader's replacement
/// characters where it fails); `None` when `right` cannot write the text.
pub fn legacy_misread(text: &str, right: Legacy, wrong: Legacy) -> Option<String> {
    let (bytes, _, unmappable) = right.encoding().encode(text);
    if unmappable {
        return None;
    }
    Some(wrong.encoding().decode_without_bom_handling(&bytes).0.into_owned())
}
