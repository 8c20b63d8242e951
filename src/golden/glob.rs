//! Path patterns for `--only` and `--exclude`: `*` and `?` stay within one path component,
//! `**` crosses them, and a pattern ending in `/` names a directory and everything below it.

/// A compiled pattern, matched against `/`-separated paths relative to the corpus root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    pattern: String,
}

impl Glob {
    /// The pattern as written (`./` ignored; `dir/` means everything below dir).
    ///
    /// ```
    /// let g = zhpipe::golden::Glob::new("real/");
    /// assert!(g.matches("real/a/b.txt") && !g.matches("seeds/a.txt"));
    /// ```
    pub fn new(pattern: &str) -> Glob {
        let pattern = pattern.trim_start_matches("./");
        let pattern = match pattern.strip_suffix('/') {
            Some(dir) => format!("{dir}/**"),
            None => pattern.to_owned(),
        };
        Glob { pattern }
    }

    /// The pattern as matched.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// Whether `path` (relative, `/`-separated) matches.
    pub fn matches(&self, path: &str) -> bool {
        matches(self.pattern.as_bytes(), path.as_bytes())
    }
}

/// Plain recursion: corpus paths are short and patterns have a wildcard or two, so the
/// backtracking stays small (no memo table is worth its code here).
fn matches(p: &[u8], s: &[u8]) -> bool {
    match p {
        [] => s.is_empty(),
        [b'*', b'*', rest @ ..] => {
            // `a/**/b` also matches `a/b`; a trailing `**` matches what is left.
            let rest = rest.strip_prefix(b"/").unwrap_or(rest);
            (0..=s.len())
                .any(|i| (i == 0 || s[i - 1] == b'/' || rest.is_empty()) && matches(rest, &s[i..]))
        }
        [b'*', rest @ ..] => {
            let end = s.iter().position(|&c| c == b'/').unwrap_or(s.len());
            (0..=end).any(|i| matches(rest, &s[i..]))
        }
        // A multi-byte character counts as one.
        [b'?', rest @ ..] => match s.first() {
            Some(&c) if c != b'/' => matches(rest, &s[utf8_width(c).min(s.len())..]),
            _ => false,
        },
        [c, rest @ ..] => s.first() == Some(c) && matches(rest, &s[1..]),
    }
}

fn utf8_width(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::Glob;

    #[test]
    fn stars_stay_in_one_component_and_double_stars_cross_them() {
        let cases = [
            ("real/**", "real/a/b", true),
            ("real/**", "real", false),
            ("real/", "real/x", true),
            ("real/", "reality/x", false),
            ("*/x", "a/x", true),
            ("*/x", "a/b/x", false),
            ("**/x", "a/b/x", true),
            ("**/x", "x", true),
            ("a/**/x", "a/x", true),
            ("a/**/x", "a/b/c/x", true),
            ("seeds/00?_*", "seeds/001_abc", true),
            ("seeds/00?_*", "seeds/01_abc", false),
            ("?", "中", true),
            ("*.md", "a.md", true),
            ("*.md", "d/a.md", false),
            ("exact", "exact", true),
            ("exact", "exactly", false),
        ];
        for (pattern, path, want) in cases {
            assert_eq!(Glob::new(pattern).matches(path), want, "{pattern} on {path}");
        }
    }
}
