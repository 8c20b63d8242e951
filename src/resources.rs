//! Where pipeline and rule files come from: a directory on disk, or the copies compiled
//! into the binary (`builtin:` names), read within a size bound and as text only.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The shipped pipeline and rule files, compiled in so the binary works from any directory.
const BUILTIN: &[(&str, &str)] = &[
    ("default.toml", include_str!("../pipelines/default.toml")),
    ("rules/wechat.toml", include_str!("../pipelines/rules/wechat.toml")),
    ("rules/netease.toml", include_str!("../pipelines/rules/netease.toml")),
    ("rules/seo.toml", include_str!("../pipelines/rules/seo.toml")),
    ("rules/markdown.toml", include_str!("../pipelines/rules/markdown.toml")),
    ("rules/generic.toml", include_str!("../pipelines/rules/generic.toml")),
    ("rules/readers.toml", include_str!("../pipelines/rules/readers.toml")),
    ("rules/page.toml", include_str!("../pipelines/rules/page.toml")),
    ("rules/boilerplate.toml", include_str!("../pipelines/rules/boilerplate.toml")),
    ("speakers.toml", include_str!("../pipelines/speakers.toml")),
    ("segment.toml", include_str!("../pipelines/segment.toml")),
    ("labels.toml", include_str!("../pipelines/labels.toml")),
    ("glosses.toml", include_str!("../pipelines/glosses.toml")),
    ("regions.toml", include_str!("../pipelines/regions.toml")),
];

/// Where rule files come from: a directory on disk, or the compiled-in copies.
///
/// ```
/// use zhpipe::config::Resources;
///
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("speakers.toml"), "# none yet\n")?;
/// let res = Resources::dir(dir.path());
/// let (path, text) = res.read("speakers.toml")?;
/// assert_eq!((path, text.as_str()), (dir.path().join("speakers.toml"), "# none yet\n"));
/// // `builtin:` names the files compiled into the binary.
/// assert!(Resources::builtin().read("builtin:default.toml")?.1.contains("[[stages]]"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Resources {
    base: Option<PathBuf>,
}

impl Resources {
    /// Only the compiled-in files (a plain name is looked up there too).
    pub fn builtin() -> Self {
        Resources { base: None }
    }

    /// Files relative to `base` (the pipeline file's directory), and `builtin:` names.
    pub fn dir(base: impl Into<PathBuf>) -> Self {
        Resources { base: Some(base.into()) }
    }

    /// Reads a rule file named in a pipeline file; returns the path to show in messages.
    pub fn read(&self, name: &str) -> Result<(PathBuf, String)> {
        let builtin_name = name.strip_prefix("builtin:");
        match (&self.base, builtin_name) {
            (Some(base), None) => {
                let path = base.join(name);
                let text = read_text_file(&path)?;
                Ok((path, text))
            }
            (_, builtin) => {
                let key = builtin.unwrap_or(name);
                BUILTIN
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(k, v)| (PathBuf::from(format!("builtin:{k}")), (*v).to_owned()))
                    .ok_or_else(|| Error::Rules {
                        path: PathBuf::from(name),
                        message: format!("no built-in rule file named `{key}`"),
                    })
            }
        }
    }
}

/// The most bytes a pipeline or rule file may have: far more than any rule file needs
/// (jieba's own dictionary is 5 MB), and a bound on what a misnamed file (`/dev/zero`, a
/// log) can make the reader hold.
pub const MAX_CONFIG_FILE_BYTES: u64 = 64 << 20;

/// Reads a pipeline or rule file: at most [`MAX_CONFIG_FILE_BYTES`], and text (UTF-8, no
/// NUL byte); anything else is refused by type, its contents never shown.
pub fn read_text_file(path: &Path) -> Result<String> {
    use std::io::Read;
    let io = |source| Error::Io { path: path.to_owned(), source };
    let refuse = |message: String| Error::Rules { path: path.to_owned(), message };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(io)?
        .take(MAX_CONFIG_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_CONFIG_FILE_BYTES {
        return Err(refuse(format!(
            "over {MAX_CONFIG_FILE_BYTES} bytes: not a pipeline or rule file (reading stopped there)"
        )));
    }
    if let Some(at) = memchr::memchr(0, &bytes) {
        return Err(refuse(format!("binary data (a NUL byte at byte {at}), not a text file")));
    }
    String::from_utf8(bytes).map_err(|e| {
        refuse(format!("not UTF-8 text (invalid byte at byte {})", e.utf8_error().valid_up_to()))
    })
}
