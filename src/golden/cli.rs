//! `zhpipe golden check|bless|accept`: the command line over [`check`](super::check),
//! [`bless`](super::bless) and [`accept`](super::accept).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::{Artifact, Glob, Options};
use crate::error::Error;
use crate::Pipeline;

#[derive(clap::Subcommand)]
#[allow(missing_docs)] // clap reads doc comments as help text.
pub enum GoldenCommand {
    /// Run the pipeline over CORPUS and compare every stage's output with GOLDEN; exits 0
    /// when all match, 1 on any difference, 2 on a usage or configuration error.
    Check(CheckArgs),
    /// Write what `check` compares into GOLDEN.
    Bless(BlessArgs),
    /// Move every pending `<golden>.new` (written by `check --pending`) over its golden.
    Accept {
        /// The golden directory.
        golden: PathBuf,
    },
}

#[derive(clap::Args)]
#[allow(missing_docs)] // clap reads doc comments as help text.
pub struct CommonArgs {
    /// Directory of documents (walked recursively, like `zhpipe run DIR`); ids and
    /// `source.path` are relative to it.
    corpus: PathBuf,
    /// Directory of golden files: `<stage>/<doc_id>.txt`, `emit/<doc_id>.json`,
    /// `audit/<doc_id>.jsonl`, `error/<doc_id>.txt`.
    golden: PathBuf,
    /// Pipeline file (default: the built-in pipeline).
    #[arg(long, value_name = "FILE")]
    pipeline: Option<PathBuf>,
    /// Outputs compared (default: all): decode,repair,strip,normalize,segment,emit,audit.
    #[arg(long, value_delimiter = ',', value_name = "STAGES")]
    stages: Vec<String>,
    /// Worker threads (default: all cores).
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,
    /// File extensions taken from CORPUS.
    #[arg(long, value_delimiter = ',', default_value = "txt,md,text")]
    ext: Vec<String>,
    /// Leave out documents whose id or path (relative to CORPUS) matches; `*` stays within
    /// a directory, `**` crosses them, `dir/` is everything below dir. Repeatable.
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Record fields left out of the comparison, e.g. `stats,source.sha256`.
    #[arg(long, value_delimiter = ',', value_name = "FIELDS")]
    ignore: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[allow(missing_docs)] // clap reads doc comments as help text.
pub enum ReportFormat {
    Json,
    Junit,
}

#[derive(clap::Args)]
#[allow(missing_docs)] // clap reads doc comments as help text.
pub struct CheckArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Also write a machine-readable report (to standard output, the diffs then going to
    /// standard error, unless --report-file is given).
    #[arg(long, value_enum, value_name = "FORMAT")]
    report: Option<ReportFormat>,
    /// Write the --report here.
    #[arg(long, value_name = "FILE", requires = "report")]
    report_file: Option<PathBuf>,
    /// Write each differing or missing output as `<golden>.new` for review (`zhpipe golden
    /// accept GOLDEN` then takes them).
    #[arg(long)]
    pending: bool,
}

#[derive(clap::Args)]
#[allow(missing_docs)] // clap reads doc comments as help text.
pub struct BlessArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Bless only documents whose id or path matches. Repeatable.
    #[arg(long, value_name = "GLOB")]
    only: Vec<String>,
    /// Remove golden files no document makes any more.
    #[arg(long)]
    prune: bool,
}

/// Runs a `zhpipe golden` subcommand.
pub fn run(cmd: GoldenCommand) -> Result<ExitCode, Error> {
    match cmd {
        GoldenCommand::Check(args) => check(args),
        GoldenCommand::Bless(args) => bless(args),
        GoldenCommand::Accept { golden } => {
            for g in super::accept(&golden)? {
                println!("accepted {}/{g}", golden.display());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn check(args: CheckArgs) -> Result<ExitCode, Error> {
    let (pipeline, opts, pool) = setup(&args.common)?;
    let report = pool.install(|| super::check(&pipeline, &opts, args.pending))?;
    let human = report.human(&args.common.golden.to_string_lossy());
    let machine = args.report.map(|f| match f {
        ReportFormat::Json => report.json(),
        ReportFormat::Junit => report.junit(),
    });
    let write = |path: &PathBuf, text: &str| {
        std::fs::write(path, text).map_err(|source| Error::Io { path: path.clone(), source })
    };
    match (machine, &args.report_file) {
        (Some(m), Some(file)) => {
            write(file, &m)?;
            print!("{human}");
        }
        (Some(m), None) => {
            eprint!("{human}");
            print!("{m}");
        }
        (None, _) => print!("{human}"),
    }
    let _ = std::io::stdout().flush();
    Ok(if report.passed() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn bless(args: BlessArgs) -> Result<ExitCode, Error> {
    let (pipeline, opts, pool) = setup(&args.common)?;
    let only: Vec<Glob> = args.only.iter().map(|g| Glob::new(g)).collect();
    let done = pool.install(|| super::bless(&pipeline, &opts, &only, args.prune))?;
    let dir = args.common.golden.display();
    for w in &done.written {
        println!("wrote    {dir}/{w}");
    }
    for p in &done.pruned {
        println!("pruned   {dir}/{p}");
    }
    for s in &done.stale {
        println!("stale    {dir}/{s} (kept; --prune removes it)");
    }
    println!(
        "golden bless: {} documents, {} files written, {} unchanged, {} pruned, {} stale",
        done.documents,
        done.written.len(),
        done.unchanged,
        done.pruned.len(),
        done.stale.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn setup(args: &CommonArgs) -> Result<(Pipeline, Options, rayon::ThreadPool), Error> {
    let pipeline = match &args.pipeline {
        Some(p) => Pipeline::from_file(p)?,
        None => Pipeline::builtin()?,
    };
    // A broken rule is a configuration error (exit 2), not a difference in every document.
    pipeline.prepare()?;
    let mut opts = Options::new(&args.corpus, &args.golden);
    if !args.stages.is_empty() {
        opts.artifacts = (args.stages.iter())
            .map(|s| {
                Artifact::parse(s.trim()).ok_or_else(|| {
                    let names: Vec<_> = Artifact::ALL.iter().map(|a| a.name()).collect();
                    Error::Usage(format!(
                        "--stages: unknown stage {s:?} (one of {})",
                        names.join(",")
                    ))
                })
            })
            .collect::<Result<_, _>>()?;
    }
    opts.exts = args.ext.clone();
    opts.exclude = args.exclude.iter().map(|g| Glob::new(g)).collect();
    opts.ignore =
        args.ignore.iter().map(|f| f.trim().to_owned()).filter(|f| !f.is_empty()).collect();
    let (_, pool) = crate::threads::thread_pool(args.jobs)?;
    Ok((pipeline, opts, pool))
}
