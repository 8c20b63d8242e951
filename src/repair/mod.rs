//! Repair of encoding damage: GBK "pinyin injection" garbling and classic mojibake.
//!
//! # Why it works this way
//!
//! The GBK damage is a deterministic function of the original bytes: a byte-level gloss
//! injection, then a lossy decoder, then full-width punctuation folded to ASCII. Most of
//! it is undone by re-encoding what we see back to GBK: a misaligned run like `橹袊` is
//! just the original bytes read one byte off. What is really lost is small and local:
//! the byte eaten by each decoder `?` (with the ASCII byte after it), and pairs the
//! decoder silently dropped because they fell in GBK's private-use rows (a misaligned
//! trail+lead pair like `AA D4` does, so `應該` can vanish whole). So rather than
//! pattern-matching garbled text, `decode` searches (beam search, `step`,
//! `candidates`) over original byte streams that would have produced the observed
//! line, and lets independent kinds of evidence pick the lost bytes:
//!
//! * the glosses themselves: the two stream bytes before every gloss spell a character
//!   with that reading (rust-pinyin's table covers every GBK character, because the
//!   annotator's table is unknown), and characters glossed elsewhere in the document must
//!   be glossed wherever their bytes occur — the replace was global;
//! * validity: the original is well-formed GBK without private-use characters;
//! * a character language model (`lm`): a general one shipped as data (word-internal
//!   pairs plus word-start/word-end rates) and one of the document's own clean text.
//!
//! Up to the first gloss that ate its `(` a line was decoded in step, so only there does
//! the search start; lines without such damage cost a scan.
//!
//! Detection is statistical, never lexical (`detect`): glosses must agree with the
//! readings of the characters before them, and either the signature of byte-level
//! injection (a `?` that ate a gloss's `(`) must show, or the glosses must follow one
//! annotator's fixed table: everyday characters glossed at (nearly) every occurrence, always
//! with the same reading, sparse in ordinary prose. Pinyin written by people looks
//! different (every character of a run annotated, rare characters explained, a polyphone
//! glossed once, quiz options after a `?`) and is kept. Glosses removed on the table's
//! evidence alone are audited under their own rule ([`RULE_GLOSS_TABLE`]). A line with no gloss cannot be misaligned (misalignment only starts at a gloss
//! straddling two characters), so such lines pass through even in a damaged document.
//! Mojibake repair (`mojibake`) replaces a span only when re-encoding it round-trips
//! into CJK text and shortens it; legacy Chinese charsets read as each other or as
//! Windows-1252 (`legacy`), where any bytes are valid, only when the round trip is exact
//! and a character model finds the result far more plausible Chinese.
//!
//! The decoder's parts are layered: `context` (what the search reads about a document)
//! sits on `lists`, `swallow` and `lm`; `step`, `candidates` and `decode` read it, and
//! `detect` builds it, so no part reaches back into one that uses it.
//!
//! Known limit: where the general model cannot tell candidates apart the choice is
//! marked low-confidence; on simulated damage about 99.93% of characters come back. Two
//! pairs dropped in a row (a whole character hidden between them) are not modelled.

mod candidates;
mod context;
mod decode;
mod detect;
mod gbk;
mod legacy;
mod lists;
mod lm;
mod lost;
mod mojibake;
mod pinyin_idx;
mod sbcs;
mod step;
mod swallow;
mod tokens;

use crate::blocks;
use context::Ctx;
use decode::{decode_segment, Memos, UnitOut};
use tokens::{tokenize, Tok, Unit};

/// Which repairs to attempt.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RepairConfig {
    /// Undo GBK pinyin-injection garbling.
    pub pinyin_gloss: bool,
    /// Undo UTF-8 read as a single-byte charset (Windows-1252, Latin-1, …) or as GBK.
    pub mojibake: bool,
    /// Edits less sure than this are below the threshold (0..1).
    pub min_confidence: f32,
    /// What becomes of a line with an edit below the threshold.
    pub below_threshold: BelowThreshold,
}

/// What the repair stage does with a line whose repair is less sure than
/// `min_confidence`. Whichever is chosen, the segment's record says what repair did to it
/// (`repair`: edits, lowest confidence, `low_confidence`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BelowThreshold {
    /// Keep the best guess, flagged in the audit and marked `low_confidence` in the record.
    #[default]
    Mark,
    /// Keep the line as it came (damaged), flagged the same way.
    KeepDamaged,
    /// Drop the line; the removal is in the audit.
    Drop,
}

impl Default for RepairConfig {
    fn default() -> Self {
        RepairConfig {
            pinyin_gloss: true,
            mojibake: true,
            min_confidence: 0.5,
            below_threshold: BelowThreshold::Mark,
        }
    }
}

/// One output line.
#[derive(Debug, Clone, PartialEq)]
pub struct RepairedLine {
    pub text: String,
    /// 0-based indices (first, last) of the input lines this line came from.
    pub src: (usize, usize),
}

/// One change, for the audit trail.
#[derive(Debug, Clone, PartialEq)]
pub struct RepairEdit {
    /// The rule that made the edit (`repair.…`).
    pub rule: &'static str,
    /// 0-based input line.
    pub line: usize,
    /// 0-based char column in that input line.
    pub col: usize,
    /// The text as it was.
    pub garbled: String,
    /// The text as restored.
    pub restored: String,
    /// 0..1: how sure the reconstruction is of `restored`.
    pub confidence: f32,
}

/// What [`repair`] did to a document's lines.
#[derive(Debug, Clone, Default)]
pub struct RepairOutput {
    /// The lines after repair.
    pub lines: Vec<RepairedLine>,
    /// Every edit, in order.
    pub edits: Vec<RepairEdit>,
    /// Whether GBK pinyin-injection damage was detected in the document.
    pub detected: bool,
}

/// GBK pinyin-injection damage undone (glosses removed, misaligned bytes re-read).
pub const RULE_PINYIN: &str = "repair.gbk-pinyin";
pub const RULE_RESIDUE: &str = "repair.paragraph-residue";
/// Glosses of one annotator's fixed table removed from text without byte damage.
pub const RULE_GLOSS_TABLE: &str = "repair.injected-gloss";
/// The audit flag of a line whose repair fell below the stage's `min_confidence`.
pub const RULE_LOW: &str = "repair.low-confidence";
/// The audit entry of a line dropped for it (`below_threshold = "drop"`).
pub const RULE_DROPPED: &str = "repair.dropped-low-confidence";

/// What the cheap scans of a document found: whether pinyin glosses may be there, and per
/// line which mojibake repairs could change it. Found once, read by [`repair_scanned`].
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// At least three places tokenize as a gloss (with `pinyin_gloss` on).
    glossed: bool,
    /// Per line, what the mojibake prefilters say; empty when the document may be glossed
    /// (its damaged lines are scanned after their repair, the others when they are reached)
    /// or `mojibake` is off.
    lines: Vec<mojibake::Suspect>,
}

impl Scan {
    /// Scans a document given as lines: the document once for glosses, and unless it may
    /// be glossed each line once for every kind of mojibake.
    pub fn new(lines: &[&str], cfg: &RepairConfig) -> Scan {
        let glossed = cfg.pinyin_gloss && maybe_glossed(lines);
        let lines = if cfg.mojibake && !glossed {
            lines.iter().map(|l| mojibake::suspect(l)).collect()
        } else {
            Vec::new()
        };
        Scan { glossed, lines }
    }

    /// Whether [`repair_scanned`] could change anything: most documents are clean, and
    /// this lets them skip building the repaired copy.
    pub fn may_need_repair(&self) -> bool {
        self.glossed || self.lines.iter().any(|s| s.any())
    }

    /// What the mojibake prefilters say of line `i` (`text`), scanning it if need be.
    fn line(&self, i: usize, text: &str, cfg: &RepairConfig) -> mojibake::Suspect {
        match self.lines.get(i) {
            Some(&s) => s,
            None if cfg.mojibake => mojibake::suspect(text),
            None => mojibake::Suspect::default(),
        }
    }
}

/// Repairs a document given as lines. Clean input passes through unchanged.
///
/// Given the document's model, lines are repaired independently: a large document runs
/// them in parallel blocks ([`blocks`]), with the same output as in one pass.
pub fn repair(lines: &[&str], cfg: &RepairConfig) -> RepairOutput {
    repair_scanned(lines, cfg, &Scan::new(lines, cfg))
}

/// [`repair`] with the document's [`Scan`] already made (`scan` is `Scan::new(lines, cfg)`).
pub fn repair_scanned(lines: &[&str], cfg: &RepairConfig, scan: &Scan) -> RepairOutput {
    let bytes = lines.iter().map(|l| l.len()).sum();
    // Every gloss starts with `(` or `?`: without at least three, detection cannot fire, so
    // clean documents skip tokenizing.
    let possible = scan.glossed;
    let chars: Vec<Vec<char>> =
        if possible { blocks::map(lines, bytes, |l| l.chars().collect()) } else { Vec::new() };
    let toks: Vec<Vec<Tok>> =
        if possible { blocks::map(&chars, bytes, |c| tokenize(c)) } else { Vec::new() };
    let evidence = if possible { detect::detect(&chars, &toks) } else { None };
    let detected = evidence.is_some();
    let rule = match evidence {
        Some(detect::Evidence::Table) => RULE_GLOSS_TABLE,
        _ => RULE_PINYIN,
    };
    let model = detected.then(|| detect::DocModel::build(&chars, &toks));
    let choice = model.as_ref().map(|m| choose_decoder(m, &chars, &toks)).unwrap_or_default();
    let printed = choice.printed;
    // A line as it came has its scan (made here in a glossed document); a repaired one is
    // scanned after its repair.
    let push = |part: &mut RepairOutput, i: usize, text: String, suspect: mojibake::Suspect| {
        let text = if suspect.any() {
            mojibake::fix_line(i, text, suspect, &mut part.edits)
        } else {
            text
        };
        part.lines.push(RepairedLine { text, src: (i, i) });
    };
    let searched = &choice.searched;
    let block = |first: usize, block: &[&str], memos: &Memos| {
        let mut part =
            RepairOutput { lines: Vec::with_capacity(block.len()), ..Default::default() };
        let ctx = model.as_ref().map(|m| m.ctx(printed));
        for (i, line) in (first..).zip(block) {
            match &ctx {
                Some(ctx) if toks[i].iter().any(|t| !matches!(t.unit, Unit::Char(_) | Unit::Q)) => {
                    let known = searched.get(&i).map(Vec::as_slice);
                    for text in repair_line(
                        i,
                        &chars[i],
                        &toks[i],
                        (ctx, memos),
                        known,
                        rule,
                        &mut part.edits,
                    ) {
                        let suspect = if cfg.mojibake {
                            mojibake::suspect(&text)
                        } else {
                            mojibake::Suspect::default()
                        };
                        push(&mut part, i, text, suspect);
                    }
                }
                _ => push(&mut part, i, line.to_string(), scan.line(i, line, cfg)),
            }
        }
        part
    };
    // One block goes on with the decoder choice's memos of its model (a memo is not
    // shared across threads): the sample's steps and ranked leads recur in the rest.
    let repaired = if bytes < blocks::PARALLEL_MIN_BYTES {
        vec![block(0, lines, &choice.memos)]
    } else {
        blocks::map_blocks(lines, bytes, |first, lines| block(first, lines, &Memos::default()))
    };
    let size = |f: fn(&RepairOutput) -> usize| repaired.iter().map(f).sum();
    let mut out = RepairOutput {
        lines: Vec::with_capacity(size(|p| p.lines.len())),
        edits: Vec::with_capacity(size(|p| p.edits.len())),
        detected,
    };
    for part in repaired {
        out.lines.extend(part.lines);
        out.edits.extend(part.edits);
    }
    out
}

/// Lines whose reconstruction decides which decoder damaged the document.
const DECODER_SAMPLE: usize = 40;
/// Units of those lines reconstructed at most (each line up to where the budget runs
/// out). The sample is searched once per decoder before the document's own search, so
/// without a bound a document of a few very long damaged lines is searched three times
/// over; 40 ordinary lines stay well within it.
const DECODER_SAMPLE_UNITS: usize = 4096;

/// Which decoder damaged a document, and the sample lines the choice reconstructed whole
/// with it (by line): the repair reuses them instead of searching them again.
#[derive(Default)]
struct DecoderChoice {
    printed: bool,
    searched: rustc_hash::FxHashMap<usize, Vec<UnitOut>>,
    /// The search's memos with the chosen decoder's model.
    memos: Memos,
}

/// Whether the damaging decoder printed `?` for the pairs it could not map rather than
/// dropping them: the two decoders are exclusive, so the one whose model explains the
/// document's damaged lines better (the sum of their best reconstructions' log-scores,
/// over the first [`DECODER_SAMPLE`] of them, at most [`DECODER_SAMPLE_UNITS`] units, or
/// fewer once one leads by [`DECIDED_MARGIN`]) is the document's.
fn choose_decoder(m: &detect::DocModel, chars: &[Vec<char>], toks: &[Vec<Tok>]) -> DecoderChoice {
    let damaged = |t: &&Vec<Tok>| {
        t.iter().any(|t| matches!(t.unit, Unit::ErrGloss(_) | Unit::ResidueQ | Unit::Residue))
    };
    let sample: Vec<usize> =
        (0..toks.len()).filter(|&i| damaged(&&toks[i])).take(DECODER_SAMPLE).collect();
    let memos = [Memos::default(), Memos::default()];
    let (printed, dropped) = (m.ctx(true), m.ctx(false));
    let mut budget = DECODER_SAMPLE_UNITS;
    let mut diff = 0.0;
    let mut searched = [Vec::new(), Vec::new()];
    for (k, &i) in sample.iter().enumerate() {
        if budget == 0 {
            break;
        }
        let n = toks[i].len().min(budget);
        budget -= n;
        let line = &toks[i][..n];
        let p = decode::decode_scored(line, &chars[i], &printed, &memos[0]);
        let d = decode::decode_scored(line, &chars[i], &dropped, &memos[1]);
        diff += p.1 - d.1;
        if n == toks[i].len() {
            searched[0].push((i, p.0));
            searched[1].push((i, d.0));
        }
        // Once one decoder leads by a clear margin the rest of the sample does not
        // overturn it, and searching the whole sample twice was most of the cost of a
        // garbled page.
        if k + 1 >= DECIDED_AFTER && diff.abs() > DECIDED_MARGIN {
            break;
        }
    }
    let printed = !sample.is_empty() && diff > 0.0;
    let ([p, d], [pm, dm]) = (searched, memos);
    let (searched, memos) = if printed { (p, pm) } else { (d, dm) };
    DecoderChoice { printed, searched: searched.into_iter().collect(), memos }
}

/// Sample lines compared before a lead can decide the decoder.
const DECIDED_AFTER: usize = 8;
/// The lead in summed log-score that decides it.
const DECIDED_MARGIN: f32 = 60.0;

/// Repairs mojibake in one line as the repair stage does (single-byte charsets, then GBK);
/// the text and the edits. For tests and tools that damage text on purpose.
pub fn fix_mojibake_line(text: &str) -> (String, Vec<RepairEdit>) {
    let mut edits = Vec::new();
    let out = mojibake::fix_line(0, text.to_string(), mojibake::suspect(text), &mut edits);
    (out, edits)
}

/// Whether the document has at least three places that tokenize as a gloss: `(` or `?`,
/// a pinyin syllable, `)`. Fewer can never be detected as damage.
fn maybe_glossed(lines: &[&str]) -> bool {
    let mut n = 0;
    for line in lines {
        let b = line.as_bytes();
        // Most lines have neither: a vectorized search skips them.
        for i in memchr::memchr2_iter(b'(', b'?', b) {
            // Pinyin letters are ASCII lowercase or start with a Latin-1/Latin Extended
            // (C3..C9) or U+1E00..U+1EFF (E1) lead byte.
            if !matches!(b.get(i + 1), Some(b'a'..=b'z' | 0xC3..=0xC9 | 0xE1)) {
                continue;
            }
            let mut chars = ['\0'; 8];
            let mut k = 0;
            for (slot, c) in chars.iter_mut().zip(line[i + 1..].chars()) {
                *slot = c;
                k += 1;
            }
            if tokens::syllable_at(&chars[..k], 0).is_some() {
                n += 1;
                if n >= 3 {
                    return true;
                }
            }
        }
    }
    false
}

/// Repairs one damaged line; a `</p>` residue splits it into several output lines.
/// `known` is the line's reconstruction if the decoder choice already searched it whole.
fn repair_line(
    line: usize,
    chars: &[char],
    toks: &[Tok],
    (ctx, memos): (&Ctx, &Memos),
    known: Option<&[UnitOut]>,
    rule: &'static str,
    edits: &mut Vec<RepairEdit>,
) -> Vec<String> {
    let mut texts = vec![String::new()];
    let mut start = 0;
    while start < toks.len() {
        let end = toks[start..]
            .iter()
            .position(|t| t.unit == Unit::Residue)
            .map_or(toks.len(), |p| start + p + 1);
        let seg = &toks[start..end];
        let searched;
        let outs = match known {
            // The decoder choice searched the whole line, one segment, with this model.
            Some(outs) if start == 0 && end == toks.len() => outs,
            _ => {
                searched = decode_segment(seg, chars, ctx, memos);
                &searched
            }
        };
        emit_segment(line, chars, seg, outs, rule, texts.last_mut().unwrap(), edits);
        if seg.last().is_some_and(|t| t.unit == Unit::Residue) && end < toks.len() {
            texts.push(String::new());
        }
        start = end;
    }
    texts
}

/// Appends a decoded segment's text and records an edit per run of changed units.
fn emit_segment(
    line: usize,
    chars: &[char],
    seg: &[Tok],
    outs: &[UnitOut],
    rule: &'static str,
    text: &mut String,
    edits: &mut Vec<RepairEdit>,
) {
    let mut i = 0;
    while i < seg.len() {
        if outs[i].verbatim {
            text.extend(&chars[seg[i].start..seg[i].end]);
            i += 1;
            continue;
        }
        if seg[i].unit == Unit::Residue {
            edits.push(RepairEdit {
                rule: RULE_RESIDUE,
                line,
                col: seg[i].start,
                garbled: chars[seg[i].start..seg[i].end].iter().collect(),
                restored: "\n".into(),
                confidence: 0.95,
            });
            i += 1;
            continue;
        }
        let j = (i..seg.len())
            .find(|&k| outs[k].verbatim || seg[k].unit == Unit::Residue)
            .unwrap_or(seg.len());
        let mut restored = String::new();
        let mut conf = 1.0f32;
        for k in i..j {
            if outs[k].keep {
                restored.extend(&chars[seg[k].start..seg[k].end]);
            }
            restored.push_str(&outs[k].text);
            conf = conf.min(outs[k].conf);
        }
        text.push_str(&restored);
        let garbled: String = chars[seg[i].start..seg[j - 1].end].iter().collect();
        if garbled == restored {
            // Read differently (say a `?` as full-width) but shown the same: no change.
            i = j;
            continue;
        }
        edits.push(RepairEdit {
            rule,
            line,
            col: seg[i].start,
            garbled,
            restored,
            confidence: conf,
        });
        i = j;
    }
}
