//! The worker threads of a run (`--jobs`), shared by `run`, `convert` and `golden`.

/// The worker threads for `--jobs N` (default: one per core), with the count chosen.
pub fn thread_pool(jobs: Option<usize>) -> crate::error::Result<(usize, rayon::ThreadPool)> {
    use crate::Error;
    let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if jobs == 0 {
        return Err(Error::Usage("--jobs must be at least 1".into()));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {jobs} threads: {e}")))?;
    Ok((jobs, pool))
}
