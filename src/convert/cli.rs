//! `zhpipe convert`: an OpenCC-compatible command line (`opencc -c t2s.json -i in -o out`).
//!
//! The input streams through in blocks of whole lines (no dictionary key holds a line break,
//! so converting a block of lines equals converting each line): memory is bounded by the
//! blocks in flight, whatever the input's size. On a large input the blocks of one batch are
//! converted on all threads and written in order, so the output is identical for any
//! `--jobs`. Exit codes are `run`'s: 0 done, 1 the input could not be read or is not UTF-8
//! (named with its position), 2 usage or configuration (an unknown config). With `-o FILE`
//! the output is written to a temporary file and renamed over FILE only when complete.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use rayon::prelude::*;

use super::{Config, Converter, Options};
use crate::error::{Error, Position};
use crate::output::{self, is_dash, Output};

/// The arguments of `zhpipe convert`.
#[derive(clap::Args, Debug)]
pub struct ConvertArgs {
    /// OpenCC config: s2t, t2s, s2tw, tw2s, s2hk, hk2s, s2twp, tw2sp, t2tw, t2hk, tw2t, hk2t,
    /// s2hkp, hk2sp (also spelled `t2s.json`).
    #[arg(short, long, value_name = "CONFIG")]
    pub config: String,
    /// Input file (default and `-`: standard input).
    #[arg(short, long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Output file, written atomically (default and `-`: standard output).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// OpenCC 1.4.2's own output: no word-boundary check on phrase matches (by default a
    /// phrase that cuts a word, as `明了` in `指明了`, is not taken).
    #[arg(long)]
    pub exact: bool,
    /// Include TSCharactersExt in Traditional → Simplified configs (rare Traditional
    /// characters mapped to extension-plane forms many fonts lack; OpenCC's Python default).
    #[arg(long)]
    pub tofu: bool,
    /// Worker threads (default: all cores). Output is identical for any value.
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
}

/// Bytes of whole lines gathered into one block before it is converted.
const BLOCK: usize = 256 << 10;
/// A line longer than this is cut after a sentence mark (see [`cut_point`]).
const MAX_LINE: usize = 4 << 20;

/// Runs `zhpipe convert`.
pub fn run(args: ConvertArgs) -> Result<ExitCode, Error> {
    let config: Config = args.config.parse().map_err(|e: super::UnknownConfig| {
        let names: Vec<&str> = Config::ALL.iter().map(|c| c.name()).collect();
        Error::Usage(format!("{e}: known configs are {}", names.join(", ")))
    })?;
    let (jobs, pool) = crate::threads::thread_pool(args.jobs)?;
    let input_name = args.input.clone().unwrap_or_else(|| "-".into());
    if let (Some(i), Some(o)) = (&args.input, &args.output) {
        if !is_dash(i) && output::is_file_target(o) && i.is_file() && output::same_file(i, o) {
            return Err(Error::Usage(format!(
                "--output {} is also the input: writing it would replace the input",
                o.display()
            )));
        }
    }
    let reader: Box<dyn Read> = match args.input.as_deref().filter(|p| !is_dash(p)) {
        None => Box::new(io::stdin().lock()),
        Some(p) => match File::open(p) {
            Ok(f) => Box::new(f),
            Err(e) => {
                eprintln!("zhpipe: {}: cannot read: {e}", p.display());
                return Ok(ExitCode::from(1));
            }
        },
    };
    let converter = Converter::get_with(config, Options { ext: args.tofu });
    let exact = args.exact;
    let convert = |text: &str, out: &mut String| {
        if exact {
            converter.convert_into(text, out)
        } else {
            converter.convert_words_into(text, out)
        }
    };
    let mut out = Output::open(args.output.as_deref(), false)
        .map_err(|source| Error::Io { path: args.output.clone().unwrap_or_default(), source })?;
    if out.is_file() {
        output::remove_temporaries_on_signals().map_err(|source| Error::Io {
            path: args.output.clone().unwrap_or_default(),
            source,
        })?;
    }
    let io_error = |e: io::Error| {
        let (path, source) = output::split_error(e);
        Error::Io { path: path.unwrap_or_else(|| input_name.clone()), source }
    };
    let mut blocks = Blocks::new(reader);
    // Two blocks per thread: enough to keep every thread busy on a batch, few enough that
    // memory stays a few megabytes per thread.
    let batch = if jobs > 1 { 2 * jobs } else { 1 };
    let mut texts: Vec<Block> = Vec::with_capacity(batch);
    let mut results: Vec<String> = Vec::new();
    loop {
        texts.clear();
        while texts.len() < batch {
            match blocks.next_block() {
                Ok(Some(t)) => texts.push(t),
                Ok(None) => break,
                Err(e) => {
                    eprintln!("zhpipe: {}: cannot read: {e}", input_name.display());
                    return Ok(ExitCode::from(1));
                }
            }
        }
        if texts.is_empty() {
            break;
        }
        // Checked here, once, rather than when read: a `str` cannot outlive its check.
        let strs = match texts.iter().map(Block::text).collect::<Result<Vec<&str>, _>>() {
            Ok(s) => s,
            Err(pos) => {
                eprintln!("zhpipe: {}: not UTF-8 at {pos}", input_name.display());
                return Ok(ExitCode::from(1));
            }
        };
        if strs.len() == 1 {
            results.resize_with(1, String::new);
            let t = strs[0];
            results[0].clear();
            results[0].reserve(t.len() + t.len() / 8);
            convert(t, &mut results[0]);
        } else {
            results = pool.install(|| {
                strs.par_iter()
                    .map(|t| {
                        let mut s = String::with_capacity(t.len() + t.len() / 8);
                        convert(t, &mut s);
                        s
                    })
                    .collect()
            });
        }
        for r in &results {
            match out.write_all(r.as_bytes()) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe && !out.is_file() => {
                    return Ok(ExitCode::SUCCESS)
                }
                Err(e) => return Err(io_error(e)),
            }
        }
    }
    match output::commit_all(vec![out]) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err((_, e)) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err((path, source)) => Err(Error::Io { path, source }),
    }
}

/// Whole-line blocks of a byte stream. The stream is read in large chunks straight into the block (no
/// line-by-line copy) and cut after the block's last line break; the rest of the cut line is
/// carried to the next block.
struct Blocks<R> {
    reader: R,
    /// Bytes read past the end of the previous block (the rest of a cut line).
    carry: Vec<u8>,
    /// Bytes and lines before the current block, for error positions.
    offset: u64,
    lines: u64,
    first: bool,
    eof: bool,
}

/// A block of whole lines ([`Block::text`]).
struct Block {
    bytes: Vec<u8>,
    /// Leading bytes that are not text (a byte-order mark).
    skip: usize,
    /// Bytes and lines of the stream before the block, for error positions.
    offset: u64,
    lines: u64,
}

impl Block {
    /// The block's text, or the position in the stream of its first byte that is not UTF-8.
    fn text(&self) -> Result<&str, Position> {
        simdutf8::basic::from_utf8(&self.bytes[self.skip..]).map_err(|_| {
            // The slow check, for the position of the first bad byte.
            let bad = std::str::from_utf8(&self.bytes).err().map_or(0, |e| e.valid_up_to());
            let mut pos = Position::locate(&self.bytes, bad);
            pos.byte += self.offset;
            pos.line += self.lines as u32;
            pos
        })
    }
}

impl<R: Read> Blocks<R> {
    fn new(reader: R) -> Self {
        Blocks { reader, carry: Vec::new(), offset: 0, lines: 0, first: true, eof: false }
    }

    /// Reads until `buf` holds `want` bytes or the stream ends.
    fn fill(&mut self, buf: &mut Vec<u8>, want: usize) -> io::Result<()> {
        while !self.eof && buf.len() < want {
            let n = (&mut self.reader).take((want - buf.len()) as u64).read_to_end(buf)?;
            if n == 0 {
                self.eof = true;
            }
        }
        Ok(())
    }

    fn next_block(&mut self) -> io::Result<Option<Block>> {
        let mut buf = std::mem::take(&mut self.carry);
        buf.reserve(BLOCK + BLOCK / 4);
        self.fill(&mut buf, BLOCK)?;
        // Whole lines: cut after the last line break; with none, read on until one comes, the
        // stream ends, or the line is longer than MAX_LINE (then it is cut).
        let mut searched = 0;
        let end = loop {
            if let Some(i) = memchr::memrchr(b'\n', &buf[searched..]) {
                break searched + i + 1;
            }
            if self.eof {
                break buf.len();
            }
            if buf.len() > MAX_LINE {
                break cut_point(&buf[..=MAX_LINE]);
            }
            searched = buf.len();
            let want = (buf.len() + BLOCK).min(MAX_LINE + 1);
            self.fill(&mut buf, want)?;
        };
        if end < buf.len() {
            self.carry = buf[end..].to_vec();
            buf.truncate(end);
        }
        if buf.is_empty() {
            return Ok(None);
        }
        // A byte-order mark is not text (OpenCC drops it too).
        let skip =
            if std::mem::take(&mut self.first) && buf.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
        let (offset, lines) = (self.offset, self.lines);
        self.offset += buf.len() as u64;
        self.lines += memchr::memchr_iter(b'\n', &buf).count() as u64;
        Ok(Some(Block { bytes: buf, skip, offset, lines }))
    }
}

/// Where to cut a line too long to hold: after its last sentence mark or ASCII space
/// (characters no dictionary key holds, so no phrase is cut), or at the last character
/// boundary when it has none.
fn cut_point(buf: &[u8]) -> usize {
    const MARKS: [&[u8]; 6] =
        ["。".as_bytes(), "，".as_bytes(), "！".as_bytes(), "？".as_bytes(), "；".as_bytes(), b" "];
    let mut best = 0;
    for m in MARKS {
        if let Some(i) = memchr::memmem::rfind(buf, m) {
            best = best.max(i + m.len());
        }
    }
    if best > 0 {
        return best;
    }
    let mut i = buf.len();
    while i > 0 && (buf[i - 1] & 0xC0) == 0x80 {
        i -= 1;
    }
    // `i - 1` is a lead byte (or ASCII): cut before it unless the character is complete.
    if i > 0 {
        i - 1
    } else {
        buf.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::DictId;

    #[test]
    fn cut_marks_are_in_no_key() {
        for d in DictId::FILES {
            for (k, _) in d.entries() {
                for m in ["。", "，", "！", "？", "；", " ", "\n"] {
                    assert!(!k.contains(m), "{d:?} key {k:?} holds {m:?}");
                }
            }
        }
    }

    #[test]
    fn blocks_are_whole_lines_and_positions_count_from_the_start() {
        let text = "第一行\n".repeat(BLOCK / 5) + "最后";
        let mut b = Blocks::new(io::Cursor::new(text.clone().into_bytes()));
        let mut all = String::new();
        while let Ok(Some(t)) = b.next_block() {
            let t = t.text().unwrap();
            assert!(t.ends_with('\n') || t.ends_with("最后"));
            all.push_str(t);
        }
        assert_eq!(all, text);
        let mut bad = "好\n".repeat(BLOCK / 2).into_bytes();
        bad.extend_from_slice(b"ab\xFFc\n");
        let mut b = Blocks::new(io::Cursor::new(bad));
        let err = loop {
            match b.next_block() {
                Ok(Some(t)) => match t.text() {
                    Ok(_) => continue,
                    Err(p) => break p,
                },
                Ok(None) => panic!("no error"),
                Err(e) => panic!("{e}"),
            }
        };
        assert_eq!((err.line, err.column), (BLOCK as u32 / 2 + 1, 3));
        assert_eq!(err.byte, (BLOCK / 2 * 4 + 2) as u64);
    }

    #[test]
    fn a_long_line_is_cut_after_a_sentence_mark() {
        let line = "这是一个句子。".repeat(MAX_LINE / 20) + "\n";
        let mut b = Blocks::new(io::Cursor::new(line.clone().into_bytes()));
        let mut all = String::new();
        while let Ok(Some(t)) = b.next_block() {
            let t = t.text().unwrap();
            assert!(t.len() <= MAX_LINE + 1);
            assert!(t.ends_with('。') || t.ends_with('\n'), "{}", &t[t.len() - 6..]);
            all.push_str(t);
        }
        assert_eq!(all, line);
    }
}
