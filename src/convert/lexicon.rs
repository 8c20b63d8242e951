//! jieba's dictionary as a sorted word list, and jieba's dictionary-only segmentation over
//! it, for the word-boundary checks (`words.rs`).
//!
//! Building jieba-rs's `Jieba` costs some 400 million instructions (decompressing, parsing and
//! indexing its 349 046-line dictionary), more than converting a few hundred articles. The
//! checks only segment short runs of Han characters, which needs little index beyond the
//! words sorted by their bytes: the words that start with a prefix are a contiguous range,
//! narrowed one character at a time. The first character's range comes from a table by code
//! point, the second's from that range's list of second characters (built when the range is
//! first used: a common character starts thousands of words), later ones by bisection. The
//! list (`data/jieba.lex`, generated from jieba-rs's own `dict.txt` by `gen_lexicon.py`) is
//! read in place.
//!
//! [`Lexicon::cut`] reproduces `Jieba::cut(text, false)` — the same route over the same
//! dictionary, with the same floating-point arithmetic and tie-breaking — for text made only
//! of the characters jieba segments as one block of Han text (CJK ideographs); other text is
//! left to jieba-rs itself (`None`). A word outside the dictionary has no tag here (jieba
//! guesses one with its part-of-speech HMM).

use std::sync::OnceLock;

static DATA: &[u8] = include_bytes!("data/jieba.lex");

/// The sorted word list with frequencies and part-of-speech tags.
pub(crate) struct Lexicon {
    data: &'static [u8],
    /// Distinct first characters of the words, with the index of their first word.
    firsts: Vec<(u32, u32)>,
    /// For the code points of [`FIRST_TABLE`]: the index in `firsts` + 1, 0 when no word
    /// starts with it (a load instead of a search for most of the text's characters).
    first_at: Vec<u32>,
    /// For each of `firsts`, built on first use: [`Lexicon::seconds_of`] its words.
    seconds: Vec<OnceLock<Vec<(u32, u32)>>>,
    /// Start of word `i` in `data` is `offsets[i]`, its end `offsets[i + 1]`.
    offsets: Vec<u32>,
    tags_at: usize,
    freqs_at: usize,
    tag_names: Vec<String>,
    log_total: f64,
}

/// The code points [`Lexicon::first_at`] covers: CJK Extension A and the unified
/// ideographs.
const FIRST_TABLE: std::ops::Range<u32> = 0x3400..0xA000;

/// One word of a segmentation: byte range in the text, and its index in the lexicon when the
/// dictionary holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    pub start: usize,
    pub end: usize,
    pub id: Option<u32>,
}

/// The characters jieba-rs cuts as one block of Han text by its dictionary (its `is_cjk`):
/// CJK unified ideographs and their extensions, compatibility ideographs.
pub(crate) fn is_jieba_han(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2A6DF}'
        | '\u{2A700}'..='\u{2B73F}'
        | '\u{2B740}'..='\u{2B81F}'
        | '\u{2B820}'..='\u{2CEAF}'
        | '\u{2CEB0}'..='\u{2EBEF}'
        | '\u{2F800}'..='\u{2FA1F}')
}

/// The code point of the UTF-8 character starting at byte `i` of `b` (a word of the list or
/// a `str`, so complete and valid).
#[inline(always)]
fn char_code(b: &[u8], i: usize) -> u32 {
    let b0 = u32::from(b[i]);
    if b0 < 0x80 {
        b0
    } else if b0 < 0xE0 {
        ((b0 & 0x1F) << 6) | u32::from(b[i + 1] & 0x3F)
    } else if b0 < 0xF0 {
        ((b0 & 0x0F) << 12) | (u32::from(b[i + 1] & 0x3F) << 6) | u32::from(b[i + 2] & 0x3F)
    } else {
        ((b0 & 0x07) << 18)
            | (u32::from(b[i + 1] & 0x3F) << 12)
            | (u32::from(b[i + 2] & 0x3F) << 6)
            | u32::from(b[i + 3] & 0x3F)
    }
}

fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes"))
}

impl Lexicon {
    /// The shared lexicon, loaded on first use.
    pub(crate) fn get() -> &'static Lexicon {
        static L: OnceLock<Lexicon> = OnceLock::new();
        L.get_or_init(Lexicon::load)
    }

    fn load() -> Lexicon {
        let data = DATA;
        assert_eq!(&data[..8], b"ZHLEX1\0\0", "lexicon format");
        let n = u32_at(data, 8) as usize;
        let total = u64::from_le_bytes(data[12..20].try_into().expect("8 bytes"));
        let mut at = 20;
        let ntags = usize::from(data[at]);
        at += 1;
        let mut tag_names = Vec::with_capacity(ntags);
        for _ in 0..ntags {
            let len = usize::from(data[at]);
            let name = std::str::from_utf8(&data[at + 1..at + 1 + len]).expect("UTF-8 tag");
            tag_names.push(name.to_owned());
            at += 1 + len;
        }
        let m = u32_at(data, at) as usize;
        let firsts: Vec<(u32, u32)> =
            (0..m).map(|k| (u32_at(data, at + 4 + 8 * k), u32_at(data, at + 8 + 8 * k))).collect();
        let lens_at = at + 4 + 8 * m;
        let tags_at = lens_at + n;
        let freqs_at = tags_at + n;
        let mut pos = (freqs_at + 3 * n) as u32;
        let mut offsets = Vec::with_capacity(n + 1);
        for &len in &data[lens_at..tags_at] {
            offsets.push(pos);
            pos += u32::from(len);
        }
        offsets.push(pos);
        assert_eq!(pos as usize, data.len(), "lexicon length");
        // jieba's `total` is a usize; the natural log of the same integer.
        let log_total = (total as usize as f64).ln();
        let seconds = (0..m).map(|_| OnceLock::new()).collect();
        let mut first_at = vec![0; (FIRST_TABLE.end - FIRST_TABLE.start) as usize];
        for (k, &(c, _)) in firsts.iter().enumerate() {
            if FIRST_TABLE.contains(&c) {
                first_at[(c - FIRST_TABLE.start) as usize] = k as u32 + 1;
            }
        }
        Lexicon {
            data,
            firsts,
            first_at,
            seconds,
            offsets,
            tags_at,
            freqs_at,
            tag_names,
            log_total,
        }
    }

    /// Number of words.
    pub(crate) fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    fn word(&self, i: usize) -> &[u8] {
        &self.data[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// The dictionary frequency of word `i`.
    pub(crate) fn freq(&self, i: u32) -> usize {
        let at = self.freqs_at + 3 * i as usize;
        let b = &self.data[at..at + 3];
        usize::from(b[0]) | usize::from(b[1]) << 8 | usize::from(b[2]) << 16
    }

    /// The part-of-speech tag of word `i`.
    pub(crate) fn tag(&self, i: u32) -> &str {
        &self.tag_names[usize::from(self.data[self.tags_at + i as usize])]
    }

    /// The index of `word`, when the dictionary holds it.
    pub(crate) fn find(&self, word: &str) -> Option<u32> {
        let w = word.as_bytes();
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.word(mid).cmp(w) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid as u32),
            }
        }
        None
    }

    /// Within `lo..hi`, whose words all start with the same `b` bytes, the first word whose
    /// character after those is not less than `c` (`or_equal`: greater than `c`; a word
    /// that ends there is less). UTF-8 orders as code points do, so comparing the decoded
    /// character orders as the words' bytes are sorted.
    fn bound(&self, mut lo: usize, mut hi: usize, b: usize, c: u32, or_equal: bool) -> usize {
        while lo < hi {
            let mid = (lo + hi) / 2;
            let w = self.word(mid);
            let key = if w.len() > b { char_code(w, b) } else { 0 };
            let before = if or_equal { key <= c } else { key < c };
            if before {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// The distinct second characters of the words `lo..hi` (those starting with one
    /// character of `b` bytes), with the index of the first word holding each.
    fn seconds_of(&self, lo: usize, hi: usize, b: usize) -> Vec<(u32, u32)> {
        let mut out: Vec<(u32, u32)> = Vec::new();
        for i in lo..hi {
            let w = self.word(i);
            if w.len() > b {
                let c = char_code(w, b);
                if out.last().is_none_or(|l| l.0 != c) {
                    out.push((c, i as u32));
                }
            }
        }
        out
    }

    /// Calls `f(end, id)` for every dictionary word starting at character `i` of `chars`
    /// (byte offsets of the characters of `text`, then `text.len()`), by increasing end.
    fn words_at(&self, text: &str, chars: &[usize], i: usize, mut f: impl FnMut(usize, u32)) {
        let bytes = text.as_bytes();
        let first = char_code(bytes, chars[i]);
        let k = match first
            .checked_sub(FIRST_TABLE.start)
            .and_then(|c| self.first_at.get(c as usize))
        {
            Some(&0) => return,
            Some(&k) => k as usize - 1,
            None => match self.firsts.binary_search_by_key(&first, |f| f.0) {
                Ok(k) => k,
                Err(_) => return,
            },
        };
        let (mut lo, mut hi) = (
            self.firsts[k].1 as usize,
            self.firsts.get(k + 1).map_or(self.len(), |f| f.1 as usize),
        );
        let mut b = chars[i + 1] - chars[i];
        if self.word(lo).len() == b {
            f(i + 1, lo as u32);
        }
        // The second character from the first character's index of them: the first
        // character's range can hold thousands of words, the second's a few dozen.
        if i + 2 >= chars.len() {
            return;
        }
        let seconds = self.seconds[k].get_or_init(|| self.seconds_of(lo, hi, b));
        let c = char_code(bytes, chars[i + 1]);
        let Ok(n) = seconds.binary_search_by_key(&c, |s| s.0) else { return };
        (lo, hi) = (seconds[n].1 as usize, seconds.get(n + 1).map_or(hi, |s| s.1 as usize));
        b += chars[i + 2] - chars[i + 1];
        if self.word(lo).len() == b {
            f(i + 2, lo as u32);
        }
        for j in i + 2..chars.len() - 1 {
            let c = char_code(bytes, chars[j]);
            let l = self.bound(lo, hi, b, c, false);
            let h = self.bound(l, hi, b, c, true);
            if l == h {
                return;
            }
            (lo, hi) = (l, h);
            b += chars[j + 1] - chars[j];
            if self.word(lo).len() == b {
                f(j + 1, lo as u32);
            }
        }
    }

    /// `Jieba::cut(text, false)` for text of [`is_jieba_han`] characters only (`None` for any
    /// other text): the words of the most probable route through the dictionary's words.
    pub(crate) fn cut(&self, text: &str) -> Option<Vec<Token>> {
        let mut chars = Vec::with_capacity(text.len() / 3 + 1);
        for (i, c) in text.char_indices() {
            if !is_jieba_han(c) {
                return None;
            }
            chars.push(i);
        }
        chars.push(text.len());
        let n = chars.len() - 1;
        // (log probability of the best route from here to the end, end of its first word, id)
        let mut route: Vec<(f64, usize, Option<u32>)> = vec![(0.0, n, None); n + 1];
        let logtotal = self.log_total;
        let log1 = 0.0f64 - logtotal;
        for idx in (0..n).rev() {
            let mut best: Option<(f64, usize, Option<u32>)> = None;
            self.words_at(text, &chars, idx, |end, id| {
                let prob = (self.freq(id) as f64).ln() - logtotal + route[end].0;
                match best {
                    Some(b) if !(prob > b.0 || (prob == b.0 && end > b.1)) => {}
                    _ => best = Some((prob, end, Some(id))),
                }
            });
            route[idx] = best.unwrap_or((log1 + route[idx + 1].0, idx + 1, None));
        }
        let mut out = Vec::new();
        let mut x = 0;
        while x < n {
            let (_, y, id) = route[x];
            out.push(Token { start: chars[x], end: chars[y], id });
            x = y;
        }
        Some(out)
    }

    /// `Jieba::suggest_freq(word)` for a word of [`is_jieba_han`] characters (`None` for
    /// others).
    pub(crate) fn suggest_freq(&self, word: &str) -> Option<usize> {
        let logtotal = self.log_total;
        let logfreq = self.cut(word)?.iter().fold(0f64, |freq, t| {
            freq + (t.id.map_or(1, |id| self.freq(id)) as f64).ln() - logtotal
        });
        let own = self.find(word).map_or(1, |id| self.freq(id));
        Some(std::cmp::max((logfreq + logtotal).exp() as usize + 1, own))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runs of jieba-Han characters of every corpus line, and their substrings of up to
    /// six characters at every third position.
    fn samples() -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut runs = Vec::new();
        for path in crate::input::files_under(&dir, &["txt", "html", "md"]) {
            let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
            for run in text.split(|c| !is_jieba_han(c)).filter(|r| !r.is_empty()) {
                let cs: Vec<usize> =
                    run.char_indices().map(|(i, _)| i).chain([run.len()]).collect();
                for s in (0..cs.len() - 1).step_by(3) {
                    for e in s + 1..cs.len().min(s + 7) {
                        runs.push(run[cs[s]..cs[e]].to_owned());
                    }
                }
                runs.push(run.to_owned());
            }
        }
        runs.sort();
        runs.dedup();
        runs
    }

    /// Same words, tags and suggested frequencies as jieba-rs on the corpus.
    #[test]
    fn cuts_as_jieba_does() {
        let jieba = jieba_rs::Jieba::new();
        let lex = Lexicon::get();
        let samples = samples();
        assert!(samples.len() > 10_000, "{}", samples.len());
        for s in &samples {
            let ours = lex.cut(s).expect("Han only");
            let theirs = jieba.tag(s, false);
            let a: Vec<(usize, usize)> = ours.iter().map(|t| (t.start, t.end)).collect();
            let b: Vec<(usize, usize)> =
                theirs.iter().map(|t| (t.byte_start, t.byte_end)).collect();
            assert_eq!(a, b, "{s}");
            for (o, t) in ours.iter().zip(&theirs) {
                if let Some(id) = o.id {
                    assert_eq!(lex.tag(id), t.tag, "{s}: {}", t.word);
                } else {
                    assert!(!jieba.has_word(t.word), "{s}: {}", t.word);
                }
            }
            if s.chars().count() <= 6 {
                assert_eq!(lex.suggest_freq(s), Some(jieba.suggest_freq(s)), "{s}");
            }
        }
        assert_eq!(lex.cut("ab中"), None);
    }
}
