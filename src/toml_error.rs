//! Placing errors in TOML files: "line N, column M: message" with a short, escaped excerpt
//! of the offending line (or none, for a file that is not TOML from its first line).

/// At most this many characters of a line are shown in an error.
const EXCERPT_CHARS: usize = 60;

/// A short, escaped excerpt of a line for an error message: at most [`EXCERPT_CHARS`]
/// characters, control characters escaped (a terminal never receives them raw).
pub fn excerpt(line: &str) -> String {
    let mut out = String::new();
    for (i, c) in line.trim_end().chars().enumerate() {
        if i == EXCERPT_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Turns a toml error into "line N, column M: message" plus the offending line.
pub fn describe_toml_error(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim();
    match e.span() {
        Some(span) => describe_at(text, span.start, message),
        None => message.to_owned(),
    }
}

/// "line N, column M: message" for the byte `offset` of `text`, plus a short escaped
/// [`excerpt`] of that line. A file that fails at its first statement (not a comment, not
/// blank) is not taken for a pipeline or rule file with a mistake in it, but for another
/// file named by mistake (or on purpose: `/etc/shadow`): none of its content is shown.
pub(crate) fn describe_at(text: &str, offset: usize, message: &str) -> String {
    let offset = crate::utf8::floor_boundary(text, offset);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let first_statement = text
        .lines()
        .position(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map_or(1, |i| i + 1);
    if line <= first_statement {
        return format!(
            "line {line}, column {col}: {message} (the file does not read as TOML from its \
             first line: its content is not shown)"
        );
    }
    let src = text.lines().nth(line - 1).unwrap_or("");
    format!("line {line}, column {col}: {message}\n    | {}", excerpt(src))
}

/// Numbers in rule files, range-checked as they are read: used as
/// `#[serde(deserialize_with = "…")]` on a field, the error is placed by the TOML reader at
/// the value (the file's line and column), as any other mistake in the file.
pub mod numbers {
    use serde::de::{Deserialize, Deserializer, Error};

    /// A count or length that must be at least 1 (0 would make the rule or threshold inert
    /// or fire everywhere, never what was meant).
    pub fn at_least_one<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
        match usize::deserialize(d)? {
            0 => Err(D::Error::custom("0: must be at least 1")),
            n => Ok(n),
        }
    }

    /// [`at_least_one`] for an optional key.
    pub fn at_least_one_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
        at_least_one(d).map(Some)
    }

    /// A ratio between 0 and 1 (not NaN).
    pub fn fraction<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
        let v = f32::deserialize(d)?;
        if (0.0..=1.0).contains(&v) {
            Ok(v)
        } else {
            Err(D::Error::custom(format!("{v}: must be between 0 and 1")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_short_and_escaped() {
        assert_eq!(excerpt("key = \"值\"  "), "key = \"值\"");
        assert_eq!(excerpt("a\u{1b}[2Jb\tc"), "a\\u{1b}[2Jb\\tc");
        let long = excerpt(&"字".repeat(500));
        assert_eq!(long.chars().count(), EXCERPT_CHARS + 1);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn a_file_failing_at_its_first_statement_is_not_shown() {
        let text = "# a comment\nroot:$6$secret:19000\nmore\n";
        let e = toml::from_str::<toml::Table>(text).unwrap_err();
        let message = describe_toml_error(text, &e);
        assert!(message.contains("line 2") && !message.contains("secret"), "{message}");
        let text = "version = 1\nbroken line\n";
        let e = toml::from_str::<toml::Table>(text).unwrap_err();
        assert!(describe_toml_error(text, &e).contains("| broken line"));
    }
}
