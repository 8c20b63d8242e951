//! The command line's outputs (`-o`, `--audit`): standard output, a device written in place,
//! or a regular file written to a temporary file beside it and renamed over it only when
//! every output of the run is complete, so a reader never sees a half-written file and a
//! failed run replaces none of them.
//!
//! - A replaced file keeps its mode; a new one gets `0666` less the umask, as `cp`, `sort -o`
//!   and shell redirection make it.
//! - Temporary files are removed when the process is stopped by SIGINT, SIGTERM or SIGHUP
//!   ([`remove_temporaries_on_signals`]).
//! - Errors name the path the user gave (never the temporary file), so a full disk under
//!   `--audit` is reported as the audit's, not the records'.
//! - Standard output closed by its reader (`| head`) ends the run when it is the only
//!   output; when files are written too, the run goes on and commits them.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::Error;

/// Temporary files not yet renamed over their targets, removed on a terminating signal.
static TEMPORARIES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// One output of a run.
pub struct Output {
    /// The path as the user gave it (`-` for standard output), for messages.
    shown: PathBuf,
    sink: Sink,
}

enum Sink {
    Stdout {
        w: BufWriter<io::Stdout>,
        /// Whether a closed standard output is ignored (other outputs are files).
        outlive_reader: bool,
        closed: bool,
    },
    /// An existing target that is not a regular file (`/dev/null`, a FIFO, a terminal):
    /// renaming over it would replace the device or pipe with a plain file.
    Special(BufWriter<File>),
    File {
        w: BufWriter<tempfile::NamedTempFile>,
        target: PathBuf,
    },
}

/// An error writing to one output, carrying the path the user gave for it (see
/// [`split_error`]).
#[derive(Debug)]
struct OutputError {
    path: PathBuf,
    source: io::Error,
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.source)
    }
}

impl std::error::Error for OutputError {}

/// The output an error from [`Output`]'s writer concerns, and the error itself.
pub fn split_error(e: io::Error) -> (Option<PathBuf>, io::Error) {
    if e.get_ref().is_some_and(|inner| inner.is::<OutputError>()) {
        let inner = e.into_inner().expect("checked above");
        let OutputError { path, source } = *inner.downcast::<OutputError>().expect("checked");
        return (Some(path), source);
    }
    (None, e)
}

/// Whether `path` is `-`: standard output, as `-` is standard input.
pub fn is_dash(path: &Path) -> bool {
    path == Path::new("-")
}

/// Whether `path` names a regular file, or nothing yet (what [`Output::open`] renames over).
pub fn is_file_target(path: &Path) -> bool {
    !is_dash(path) && std::fs::metadata(path).ok().is_none_or(|m| m.is_file())
}

/// Whether `a` and `b` name the same file (the same inode when both exist, else the same
/// canonical directory and name).
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    let full = |p: &Path| -> Option<PathBuf> {
        let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        Some(std::fs::canonicalize(dir).ok()?.join(p.file_name()?))
    };
    match (full(a), full(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

impl Output {
    /// Opens `path` (`None` or `-`: standard output). `outlive_reader`: standard output
    /// closed by its reader is ignored, because other outputs are files to finish.
    pub fn open(path: Option<&Path>, outlive_reader: bool) -> io::Result<Output> {
        let Some(path) = path.filter(|p| !is_dash(p)) else {
            let w = BufWriter::new(io::stdout());
            let sink = Sink::Stdout { w, outlive_reader, closed: false };
            return Ok(Output { shown: "-".into(), sink });
        };
        let shown = path.to_owned();
        let existing = std::fs::metadata(path).ok();
        if existing.as_ref().is_some_and(|m| !m.is_file()) {
            let file = std::fs::OpenOptions::new().write(true).open(path)?;
            return Ok(Output { shown, sink: Sink::Special(BufWriter::new(file)) });
        }
        // A symlink is followed: the rename replaces the file it points to, not the link.
        let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let mut builder = tempfile::Builder::new();
        builder.prefix(".zhpipe-tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // Created as open(2) creates any file: this mode less the umask.
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let tmp = builder.tempfile_in(dir).map_err(without_temp_path)?;
        if let Some(m) = &existing {
            // A replaced file keeps its mode, whatever the umask.
            tmp.as_file().set_permissions(m.permissions())?;
        }
        lock_temporaries().push(tmp.path().to_owned());
        Ok(Output { shown, sink: Sink::File { w: BufWriter::new(tmp), target } })
    }

    /// Whether this output is a file renamed into place at the end.
    pub fn is_file(&self) -> bool {
        matches!(self.sink, Sink::File { .. })
    }

    fn label(&self, source: io::Error) -> io::Error {
        let kind = source.kind();
        io::Error::new(kind, OutputError { path: self.shown.clone(), source })
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let r = match &mut self.sink {
            Sink::Stdout { closed: true, .. } => return Ok(buf.len()),
            Sink::Stdout { w, outlive_reader, closed } => match w.write(buf) {
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe && *outlive_reader => {
                    *closed = true;
                    return Ok(buf.len());
                }
                r => r,
            },
            Sink::Special(w) => w.write(buf),
            Sink::File { w, .. } => w.write(buf),
        };
        r.map_err(|e| self.label(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        let r = match &mut self.sink {
            Sink::Stdout { closed: true, .. } => return Ok(()),
            Sink::Stdout { w, outlive_reader, closed } => match w.flush() {
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe && *outlive_reader => {
                    *closed = true;
                    return Ok(());
                }
                r => r,
            },
            Sink::Special(w) => w.flush(),
            Sink::File { w, .. } => w.flush(),
        };
        r.map_err(|e| self.label(e))
    }
}

/// Finishes every output, then renames the files into place: all of them or, when any
/// write fails (a full disk), none. Errors name the output's path as given.
pub fn commit_all(outputs: Vec<Output>) -> Result<(), (PathBuf, io::Error)> {
    let mut ready = Vec::new();
    for mut out in outputs {
        out.flush().map_err(|e| (out.shown.clone(), split_error(e).1))?;
        if let Sink::File { w, target } = out.sink {
            let tmp = w.into_inner().map_err(|e| (out.shown.clone(), e.into_error()))?;
            ready.push((out.shown, tmp, target));
        }
    }
    // Held while renaming: a signal arriving now waits for the renames to end.
    let mut temps = lock_temporaries();
    for (shown, tmp, target) in ready {
        let path = tmp.path().to_owned();
        tmp.persist(&target).map_err(|e| (shown, e.error))?;
        temps.retain(|p| *p != path);
    }
    Ok(())
}

fn lock_temporaries() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    TEMPORARIES.lock().unwrap_or_else(|e| e.into_inner())
}

/// On SIGINT, SIGTERM or SIGHUP, removes the temporary files of the outputs not yet
/// committed, then dies of the signal as the default action would (the shell sees the same
/// status). The work is done on a thread of its own, outside signal context.
pub fn remove_temporaries_on_signals() -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new().name("zhpipe-signals".into()).spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let temps = lock_temporaries();
            for path in temps.iter() {
                let _ = std::fs::remove_file(path);
            }
            let _ = signal_hook::low_level::emulate_default_handler(signal);
            std::process::exit(128 + signal);
        }
    })?;
    Ok(())
}

/// tempfile's errors end in ` at path "<the random name it tried>"`, a file the user never
/// named; the message is given for the output path instead.
fn without_temp_path(e: io::Error) -> io::Error {
    match e.to_string().rsplit_once(" at path ") {
        Some((head, _)) => io::Error::new(e.kind(), head.to_owned()),
        None => e,
    }
}

/// Refuses, before anything is read, outputs that would destroy data: the records' output
/// (`-o`) and the audit trail's naming one file (one would replace the other), and either
/// naming one of `inputs`. Standard output (`-`, `None`) and devices are never refused.
///
/// ```
/// use std::path::{Path, PathBuf};
/// let dir = tempfile::tempdir()?;
/// let input = dir.path().join("a.txt");
/// std::fs::write(&input, "你好。")?;
/// let inputs = [input.clone()];
/// assert!(zhpipe::output::check_targets(&inputs, Some(&input), None).is_err());
/// let out = dir.path().join("out.jsonl");
/// assert!(zhpipe::output::check_targets(&inputs, Some(&out), Some(&out)).is_err());
/// assert!(zhpipe::output::check_targets(&inputs, Some(&out), Some(Path::new("-"))).is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_targets(
    inputs: &[PathBuf],
    output: Option<&Path>,
    audit: Option<&Path>,
) -> Result<(), Error> {
    let targets = [("--output", output), ("--audit", audit)];
    let targets: Vec<(&str, &Path)> = targets
        .iter()
        .filter_map(|(flag, p)| Some((*flag, (*p)?)))
        .filter(|(_, p)| is_file_target(p))
        .collect();
    if let [(_, o), (_, a)] = targets.as_slice() {
        if same_file(o, a) {
            return Err(Error::Usage(format!(
                "--output and --audit both name {}: each needs a file of its own",
                a.display()
            )));
        }
    }
    for (flag, target) in &targets {
        let inputs = inputs.iter().filter(|i| !is_dash(i) && i.is_file());
        if let Some(input) = inputs.into_iter().find(|i| same_file(i, target)) {
            return Err(Error::Usage(format!(
                "{flag} {} is also an input ({}): writing it would replace the input",
                target.display(),
                input.display()
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_the_path_given() {
        let out = Output::open(None, false).unwrap();
        let e = out.label(io::Error::new(io::ErrorKind::StorageFull, "No space left on device"));
        let (path, source) = split_error(e);
        assert_eq!(path.as_deref(), Some(Path::new("-")));
        assert_eq!(source.kind(), io::ErrorKind::StorageFull);
        let (path, _) = split_error(io::Error::other("plain"));
        assert_eq!(path, None);
    }

    #[test]
    fn same_file_sees_through_spelling() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.jsonl");
        let dotted = dir.path().join(".").join("a.jsonl");
        assert!(same_file(&a, &dotted), "not yet created");
        std::fs::write(&a, "x").unwrap();
        assert!(same_file(&a, &dotted), "existing");
        assert!(!same_file(&a, &dir.path().join("b.jsonl")));
    }
}
