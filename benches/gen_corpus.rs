//! Deterministic benchmark corpus from the documents under `corpus/`.
//!
//! ```sh
//! cargo bench --bench gen_corpus -- [--size 64M] [--out DIR] [--seed N]
//!     [--format dir,jsonl,concat,long,paras,parasdir] [--garbled-share 0.05]
//! ```
//!
//! Each generated document starts from one corpus document taken as it is (Simplified or
//! Traditional, boilerplate and all): its first paragraphs (platform header, title, author)
//! and last paragraphs (footer boilerplate) stay in place, and the body between them is
//! refilled with the source's own body paragraphs in shuffled order, to between one and four
//! times its length. Documents are drawn with a seeded xorshift until the requested total is
//! reached.
//!
//! **The mix.** Corpus files are sorted into *garbled* (the repair stage rewrites at least a
//! tenth of their lines: pinyin-garbled or mojibake text, such as the NetEase seed `002`) and
//! *clean* (everything else); the generator prints which is which. `--garbled-share` is the
//! share of the generated **bytes** that come from garbled sources (default 0.05: in real
//! crawls garbled pages are rare, and repairing them costs about ten times what a clean
//! page costs, so their share decides the throughput). Before each document the generator
//! draws from the garbled sources when they are below their share of the bytes so far,
//! otherwise from the clean ones, uniformly within each group. `0` gives an all-clean corpus,
//! `1` an all-garbled one. (Drawing uniformly from all files, as earlier versions did, gave
//! about 60 % garbled bytes, because the garbled seed is the largest file.)
//!
//! Output under `DIR` (default `target/bench-data/<size>`, never committed):
//! `docs/NNNNN/NNNNNNN.txt` (`dir`, 1000 files per folder), `docs.jsonl` (`jsonl`, one
//! `{"id","text"}` record per document) and `all.txt` (`concat`, every document
//! concatenated, for tools that take one text) and `long.txt` (`long`: one long article,
//! the article text of every generated document after strip — boilerplate removed, garbled
//! text repaired — concatenated; a long clean transcript for the path that cuts one
//! document into parallel blocks, where concatenating raw pages would let the first
//! page's footer end the whole article), and `paras.jsonl` (`paras`: every non-blank line of
//! every document as a document of its own, `{"id": "<doc>-<k>", "text"}` — a dataset of
//! short records, where what a document costs beyond its text decides the throughput), and
//! `paras/NNNNN/<doc>-<k>.txt` (`parasdir`: the same paragraphs as files, a hundred
//! documents' worth per folder — a folder of half a million files per 64 MB).
//! The same arguments give the same bytes.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A corpus document cut into paragraphs: header and footer stay, the body is shuffled.
struct Source {
    header: Vec<String>,
    body: Vec<String>,
    footer: Vec<String>,
    len: usize,
    /// The repair stage rewrites a large share of its lines (see [`garbled`]).
    garbled: bool,
}

/// Paragraphs: blank-line separated blocks; in files without blank lines, each line, with
/// a short speaker-label line (`马斯克:`) kept together with the line after it.
fn paragraphs(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n");
    if text.contains("\n\n") {
        return text
            .split("\n\n")
            .map(|p| p.trim_matches('\n').to_owned())
            .filter(|p| !p.trim().is_empty())
            .collect();
    }
    let mut out: Vec<String> = Vec::new();
    let mut label: Option<&str> = None;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        match label.take() {
            Some(l) => out.push(format!("{l}\n{line}")),
            None => {
                let t = line.trim_end();
                let short = t.chars().count() <= 20;
                if short && (t.ends_with(':') || t.ends_with('：')) {
                    label = Some(line);
                } else {
                    out.push(line.to_owned());
                }
            }
        }
    }
    out.extend(label.map(str::to_owned));
    out
}

/// Whether the repair stage rewrites at least a tenth of the document's non-blank lines.
fn garbled(pipeline: &zhpipe::Pipeline, name: &str, text: &str) -> bool {
    let doc = pipeline
        .process_until(name, text.as_bytes().to_vec(), zhpipe::StageKind::Repair)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let edits = doc.stats.get("repair.edits").copied().unwrap_or(0) as usize;
    let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
    edits * 10 >= lines.max(1)
}

fn load_sources(root: &Path) -> Vec<(String, Source)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "txt" || x == "md") {
                out.push(p);
            }
        }
    }
    let pipeline = zhpipe::Pipeline::builtin().expect("the built-in pipeline builds");
    let mut files = Vec::new();
    walk(&root.join("corpus"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f).expect("corpus files are UTF-8");
            let paras = paragraphs(&text);
            let keep = (paras.len() / 10).clamp(1, 8).min(paras.len() / 3);
            let header = paras[..keep].to_vec();
            let footer = paras[paras.len() - keep..].to_vec();
            let mut body = paras[keep..paras.len() - keep].to_vec();
            if body.is_empty() {
                body = paras.clone();
            }
            let name = f.file_stem().unwrap().to_string_lossy().into_owned();
            let garbled = garbled(&pipeline, &f.to_string_lossy(), &text);
            (name, Source { header, body, footer, len: text.len(), garbled })
        })
        .filter(|(_, s)| !s.body.is_empty())
        .collect()
}

fn document(src: &Source, rng: &mut XorShift) -> String {
    let target = src.len * (1 + rng.below(4));
    let mut paras: Vec<&str> = src.header.iter().map(String::as_str).collect();
    let mut len: usize = paras.iter().map(|p| p.len() + 2).sum();
    let footer_len: usize = src.footer.iter().map(|p| p.len() + 2).sum();
    while len + footer_len < target {
        // A shuffled pass over the body, so every paragraph appears before any repeats.
        let mut order: Vec<usize> = (0..src.body.len()).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i + 1));
        }
        for i in order {
            if len + footer_len >= target {
                break;
            }
            paras.push(&src.body[i]);
            len += src.body[i].len() + 2;
        }
    }
    paras.extend(src.footer.iter().map(String::as_str));
    let mut doc = paras.join("\n\n");
    doc.push('\n');
    doc
}

/// A document's article text after strip (boilerplate removed, garbled text repaired).
fn article(pipeline: &zhpipe::Pipeline, id: &str, doc: &str) -> String {
    let d = pipeline
        .process_until(id, doc.as_bytes().to_vec(), zhpipe::StageKind::Strip)
        .unwrap_or_else(|e| panic!("{id}: {e}"));
    zhpipe::text_after(&d, zhpipe::StageKind::Strip)
}

fn parse_size(s: &str) -> usize {
    let s = s.trim().to_ascii_uppercase();
    let (num, mult) = match s.trim_end_matches('B').chars().last() {
        Some('K') => (&s[..s.find('K').unwrap()], 1usize << 10),
        Some('M') => (&s[..s.find('M').unwrap()], 1 << 20),
        Some('G') => (&s[..s.find('G').unwrap()], 1 << 30),
        _ => (s.trim_end_matches('B'), 1),
    };
    let n: f64 = num.parse().unwrap_or_else(|_| panic!("bad size `{s}` (e.g. 64M, 1G)"));
    (n * mult as f64) as usize
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut size = "64M".to_owned();
    let mut out: Option<PathBuf> = None;
    let mut seed: u64 = 0x5EED_2B1D_C0FF_EE01;
    let mut formats = "dir,jsonl,concat".to_owned();
    let mut garbled_share = 0.05f64;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--size" => size = args.next().expect("--size N[K|M|G]"),
            "--out" => out = Some(args.next().expect("--out DIR").into()),
            "--seed" => seed = args.next().and_then(|s| s.parse().ok()).expect("--seed N"),
            "--format" => {
                formats = args.next().expect("--format dir,jsonl,concat,long,paras,parasdir")
            }
            "--garbled-share" => {
                garbled_share = args
                    .next()
                    .and_then(|s| s.parse().ok())
                    .filter(|x: &f64| (0.0..=1.0).contains(x))
                    .expect("--garbled-share 0..1")
            }
            "--bench" => {} // passed by `cargo bench`
            "-h" | "--help" => {
                println!(
                    "gen_corpus [--size 64M] [--out DIR] [--seed N] [--format dir,jsonl,concat,long,paras,parasdir] \
                     [--garbled-share 0.05]"
                );
                return;
            }
            other => panic!("unknown argument `{other}`"),
        }
    }
    let bytes = parse_size(&size);
    let out = out.unwrap_or_else(|| root.join("target/bench-data").join(size.to_lowercase()));
    let want = |f: &str| formats.split(',').any(|x| x.trim() == f);
    let sources = load_sources(root);
    let (garbled, clean): (Vec<_>, Vec<_>) = sources.iter().partition(|(_, s)| s.garbled);
    for (label, group) in [("garbled", &garbled), ("clean", &clean)] {
        let names: Vec<&str> = group.iter().map(|(n, _)| n.as_str()).collect();
        println!("{label} sources ({}): {}", names.len(), names.join(" "));
    }
    let mut rng = XorShift(seed | 1);

    if out.exists() {
        std::fs::remove_dir_all(&out).unwrap();
    }
    std::fs::create_dir_all(&out).unwrap();
    let mut jsonl = want("jsonl")
        .then(|| BufWriter::new(std::fs::File::create(out.join("docs.jsonl")).unwrap()));
    let mut concat =
        want("concat").then(|| BufWriter::new(std::fs::File::create(out.join("all.txt")).unwrap()));
    let mut long =
        want("long").then(|| BufWriter::new(std::fs::File::create(out.join("long.txt")).unwrap()));
    let mut paras = want("paras")
        .then(|| BufWriter::new(std::fs::File::create(out.join("paras.jsonl")).unwrap()));
    let pipeline = want("long").then(|| zhpipe::Pipeline::builtin().expect("builds"));
    let (mut total, mut n) = (0usize, 0usize);
    let (mut garbled_bytes, mut garbled_docs) = (0usize, 0usize);
    while total < bytes {
        let want_garbled = (garbled_bytes as f64) < garbled_share * total as f64
            || (garbled_share >= 1.0 && !garbled.is_empty());
        let group = if (want_garbled && !garbled.is_empty()) || clean.is_empty() {
            &garbled
        } else {
            &clean
        };
        let (name, src) = group[rng.below(group.len())];
        let doc = document(src, &mut rng);
        let id = format!("{n:07}_{name}");
        if want("dir") {
            let dir = out.join("docs").join(format!("{:05}", n / 1000));
            if n % 1000 == 0 {
                std::fs::create_dir_all(&dir).unwrap();
            }
            std::fs::write(dir.join(format!("{id}.txt")), &doc).unwrap();
        }
        if let Some(w) = jsonl.as_mut() {
            let rec = serde_json::json!({ "id": id, "text": doc });
            writeln!(w, "{rec}").unwrap();
        }
        if let Some(w) = paras.as_mut() {
            for (k, line) in doc.lines().filter(|l| !l.trim().is_empty()).enumerate() {
                let rec = serde_json::json!({ "id": format!("{id}-{k}"), "text": line });
                writeln!(w, "{rec}").unwrap();
            }
        }
        if want("parasdir") {
            // A hundred documents' paragraphs per directory: some 6 000 files each.
            let dir = out.join("paras").join(format!("{:05}", n / 100));
            if n % 100 == 0 {
                std::fs::create_dir_all(&dir).unwrap();
            }
            for (k, line) in doc.lines().filter(|l| !l.trim().is_empty()).enumerate() {
                std::fs::write(dir.join(format!("{id}-{k:03}.txt")), line).unwrap();
            }
        }
        if let Some(w) = concat.as_mut() {
            w.write_all(doc.as_bytes()).unwrap();
        }
        if let (Some(w), Some(p)) = (long.as_mut(), pipeline.as_ref()) {
            write!(w, "{}\n\n", article(p, &id, &doc).trim_end()).unwrap();
        }
        total += doc.len();
        n += 1;
        if src.garbled {
            garbled_bytes += doc.len();
            garbled_docs += 1;
        }
    }
    for w in [jsonl, concat, long, paras].into_iter().flatten() {
        w.into_inner().unwrap().sync_all().unwrap();
    }
    println!(
        "{n} documents, {:.1} MB of text, from {} corpus files → {}; garbled: {garbled_docs} \
         documents, {:.1} % of the bytes (--garbled-share {garbled_share})",
        total as f64 / 1e6,
        sources.len(),
        out.display(),
        100.0 * garbled_bytes as f64 / total.max(1) as f64
    );
}
