//! The `zhpipe` command line.

#![forbid(unsafe_code)]

use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use zhpipe::batch::repeats::LineRepeats;
use zhpipe::batch::{self, BatchOptions, Format, Sinks, Summary};
use zhpipe::input::{self, InputFormat, Inputs};
use zhpipe::output::{self, is_dash, Output};
use zhpipe::{DocError, Error, Pipeline, StageKind};

// Short-lived per-document strings dominate allocation; see Cargo.toml.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "zhpipe",
    version,
    about = "Chinese web articles → clean, bilingual, speaker-segmented JSONL"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Process files, directories (recursive, sorted) or `-` (stdin).
    Run(RunArgs),
    /// Check a pipeline file and the rule files it names, without processing anything.
    Check {
        /// The pipeline file.
        pipeline: PathBuf,
    },
    /// Golden regression: compare every stage's output on a corpus with golden files.
    #[command(subcommand)]
    Golden(zhpipe::golden::cli::GoldenCommand),
    /// Simplified ⇄ Traditional conversion, OpenCC's command line: `-c CONFIG [-i FILE] [-o FILE]`.
    Convert(zhpipe::convert::cli::ConvertArgs),
}

#[derive(clap::Args)]
struct RunArgs {
    /// Files, directories, or `-` for standard input.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Write records here (atomically) instead of standard output (`-`: standard output).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Pipeline file (default: the built-in `pipelines/default.toml`).
    #[arg(long, value_name = "FILE")]
    pipeline: Option<PathBuf>,
    /// Write the audit trail (every removal and repair, with its rule) as JSONL here (`-`:
    /// standard output, when the records go to a file).
    #[arg(long, value_name = "FILE")]
    audit: Option<PathBuf>,
    /// Worker threads (default: all cores). Output is identical for any value.
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,
    /// Stop after this stage.
    #[arg(long, value_enum, default_value = "emit")]
    until: StageKind,
    /// Output format: JSONL records, or the text right after `--until`.
    #[arg(long, value_enum, default_value = "jsonl")]
    format: Format,
    /// How inputs are laid out: one document per file, or JSONL of {"id","text"}.
    #[arg(long, value_enum, default_value = "text")]
    input_format: InputFormat,
    /// File extensions taken from directories.
    #[arg(long, value_delimiter = ',', default_value = "txt,md,text,html,htm")]
    ext: Vec<String>,
    /// No progress bar and no summary line.
    #[arg(short, long)]
    quiet: bool,
    /// Print the final summary as one JSON line on stderr.
    #[arg(long)]
    summary_json: bool,
    /// Remove non-content lines found in at least N documents of the batch (site navigation
    /// and footers; a pre-pass reads the inputs twice, so not for standard input).
    #[arg(long, value_name = "N")]
    cross_doc_repeats: Option<usize>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run(args),
        Command::Golden(cmd) => zhpipe::golden::cli::run(cmd),
        Command::Convert(args) => zhpipe::convert::cli::run(args),
        Command::Check { pipeline } => {
            Pipeline::from_file(&pipeline).and_then(|p| p.prepare()).map(|()| {
                println!("{}: ok", pipeline.display());
                ExitCode::SUCCESS
            })
        }
    };
    result.unwrap_or_else(|e| {
        eprintln!("zhpipe: error: {e}");
        ExitCode::from(2)
    })
}

fn run(args: RunArgs) -> Result<ExitCode, Error> {
    // Before anything is read: standard input may be the only copy of the input.
    if args.output.as_deref().is_none_or(is_dash) && args.audit.as_deref().is_some_and(is_dash) {
        return Err(Error::Usage(
            "--audit - needs --output FILE: records and the audit trail cannot share standard \
             output"
                .into(),
        ));
    }
    output::check_targets(&args.inputs, args.output.as_deref(), args.audit.as_deref())?;
    let pipeline = match &args.pipeline {
        // Only the stages the run reaches are built.
        Some(p) => Pipeline::from_file_until(p, args.until)?,
        None => Pipeline::builtin_until(args.until)?,
    };
    let (jobs, pool) = zhpipe::batch::thread_pool(args.jobs)?;
    let Inputs { items, total, several } =
        input::open(&args.inputs, args.input_format, &args.ext, pipeline.max_doc_bytes());
    let opts = BatchOptions {
        until: args.until,
        format: args.format,
        audit: args.audit.is_some(),
        headers: args.format == Format::Text && several,
        repeats: args
            .cross_doc_repeats
            .map(|n| {
                let (inputs, format) = (&args.inputs, args.input_format);
                LineRepeats::of_inputs(inputs, format, &args.ext, &pipeline, &pool, n)
            })
            .transpose()?
            .map(std::sync::Arc::new),
        ..BatchOptions::new(jobs)
    };
    let progress = progress_bar(&args, total);
    let files = |p: Option<&PathBuf>| p.is_some_and(|p| !is_dash(p));
    let open = |p: Option<&PathBuf>, others_are_files: bool| {
        Output::open(p.map(PathBuf::as_path), others_are_files)
            .map_err(|source| Error::Io { path: p.cloned().unwrap_or_else(|| "-".into()), source })
    };
    let mut out = open(args.output.as_ref(), files(args.audit.as_ref()))?;
    let mut audit =
        args.audit.as_ref().map(|a| open(Some(a), files(args.output.as_ref()))).transpose()?;
    if out.is_file() || audit.as_ref().is_some_and(Output::is_file) {
        output::remove_temporaries_on_signals().map_err(|source| Error::Io {
            path: args.output.clone().or(args.audit.clone()).unwrap_or_default(),
            source,
        })?;
    }
    let mut errors = 0u64;
    let mut on_error = |e: &DocError| {
        errors += 1;
        progress.suspend(|| eprintln!("zhpipe: {e}"));
    };
    let mut on_warning = |w: &str| progress.suspend(|| eprintln!("zhpipe: warning: {w}"));
    let mut on_progress = |n: u64, bytes: u64| {
        progress.set_position(n);
        show_rates(&progress, n, bytes);
    };
    let sinks = Sinks {
        out: &mut out,
        audit: audit.as_mut().map(|a| a as &mut dyn io::Write),
        on_error: &mut on_error,
        on_warning: &mut on_warning,
        on_progress: &mut on_progress,
    };
    let summary = match batch::run(&pipeline, &pool, items, &opts, sinks) {
        Ok(s) => s,
        // A closed pipe (`zhpipe run … | head`) is the reader's choice, not a failure: only
        // standard output is written then (with file outputs, a closed one is ignored).
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
        Err(e) => {
            let (path, source) = output::split_error(e);
            let path = path.or(args.output.clone()).unwrap_or_else(|| "-".into());
            return Err(Error::Io { path, source });
        }
    };
    progress.finish_and_clear();
    let all = std::iter::once(out).chain(audit).collect();
    output::commit_all(all).map_err(|(path, source)| Error::Io { path, source })?;
    report(&args, &summary);
    Ok(if summary.failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn progress_bar(args: &RunArgs, total: Option<u64>) -> ProgressBar {
    let many = total.is_none_or(|t| t > input::FEW_DOCS);
    if args.quiet || !io::stderr().is_terminal() || !many {
        return ProgressBar::hidden();
    }
    let (bar, template) = match total {
        Some(t) => (
            ProgressBar::new(t),
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} docs, {msg}",
        ),
        None => (ProgressBar::new_spinner(), "{spinner} [{elapsed_precise}] {pos} docs, {msg}"),
    };
    bar.set_style(
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// The bar's rates: documents and input megabytes per second so far.
fn show_rates(bar: &ProgressBar, docs: u64, bytes: u64) {
    let secs = bar.elapsed().as_secs_f64();
    if bar.is_hidden() || secs <= 0.0 {
        return;
    }
    let mb = bytes as f64 / 1e6;
    bar.set_message(format!("{:.0} docs/s, {mb:.1} MB, {:.1} MB/s", docs as f64 / secs, mb / secs));
}

fn report(args: &RunArgs, s: &Summary) {
    if args.summary_json {
        let mut v = serde_json::to_value(s).unwrap_or_default();
        v["mb_per_s"] = serde_json::json!((s.mb_per_s() * 100.0).round() / 100.0);
        eprintln!("{v}");
    } else if !args.quiet {
        eprintln!(
            "zhpipe: {} docs, {} segments, {} errors, {:.2} MB in {:.2} s ({:.1} MB/s)",
            s.docs,
            s.segments,
            s.failed,
            s.bytes as f64 / 1e6,
            s.seconds,
            s.mb_per_s()
        );
    }
}
