//! What a pattern needs of a text before it can match, read once from the pattern's syntax:
//! literals one of which every match contains, and, for patterns anchored at the start, the
//! characters a matching text can begin with. Both are necessary conditions only — a line
//! that meets them still goes through the regex — so they let most lines skip most rules
//! without changing which lines a rule fires on.

use regex_syntax::hir::{Class, ClassUnicode, Hir, HirKind, Look};

/// A class of at most this many chars counts as that many one-char literals; a larger one
/// (`\w`, `.`) requires nothing.
const MAX_CLASS_CHARS: u32 = 10;

/// The necessary conditions of one pattern.
#[derive(Debug, Default, Clone)]
pub struct Needs {
    /// Every match contains one of these (`None`: no literal is required).
    pub literals: Option<Vec<Vec<u8>>>,
    /// Every match starts at the start of the text with one of these chars (`None`: any
    /// text may match, including an empty one).
    pub first: Option<ClassUnicode>,
    /// For patterns anchored at the start: every match has one of `literals` within this
    /// many bytes of the start of the text (`None`: anywhere).
    pub window: Option<usize>,
}

impl Needs {
    /// The conditions of `pattern` as `regex::Regex::new` reads it; nothing is required of
    /// a pattern this parser does not read.
    pub fn of(pattern: &str) -> Needs {
        let Ok(hir) = regex_syntax::parse(pattern) else { return Needs::default() };
        let anchored = hir.properties().look_set_prefix().contains(Look::Start);
        let first = match first_chars(&hir) {
            Some((class, false)) if anchored => Some(class),
            _ => None,
        };
        let literals = required(&hir);
        let window = literals.as_ref().filter(|_| anchored).and_then(|set| window(&hir, set));
        Needs { literals, first, window }
    }
}

/// Literals one of which every match of `hir` contains (`None`: no literal is required);
/// [`Needs::literals`] from a pattern already parsed.
pub fn required_literals(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    required(hir)
}

/// How far from the start of a match the literals `set` (what [`required`] gave for `hir`)
/// end at the latest: the longest the parts of the sequence up to the one that needs them
/// can match (`^.{0,12}(全文|实录)` → 12 chars and a word). `None` when that is unbounded.
fn window(hir: &Hir, set: &[Vec<u8>]) -> Option<usize> {
    let HirKind::Concat(parts) = hir.kind() else { return None };
    let at = parts.iter().position(|p| required(p).as_deref() == Some(set))?;
    parts[..=at].iter().map(|p| p.properties().maximum_len()).sum()
}

/// Literals one of which every match of `hir` contains.
fn required(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => None,
        HirKind::Literal(lit) => Some(vec![lit.0.to_vec()]),
        HirKind::Class(class) => class_literals(class),
        HirKind::Repetition(rep) if rep.min > 0 => required(&rep.sub),
        HirKind::Repetition(_) => None,
        HirKind::Capture(cap) => required(&cap.sub),
        // Every part of a sequence is in the match: the most selective part will do.
        HirKind::Concat(parts) => {
            let mut best: Option<Vec<Vec<u8>>> = None;
            for set in parts.iter().filter_map(required) {
                if best.as_ref().is_none_or(|b| selectivity(&set) > selectivity(b)) {
                    best = Some(set);
                }
            }
            best
        }
        // One branch matched: any of the branches' literals.
        HirKind::Alternation(branches) => {
            let mut all: Vec<Vec<u8>> = Vec::new();
            for set in branches.iter().map(required) {
                for lit in set? {
                    if !all.contains(&lit) {
                        all.push(lit);
                    }
                }
            }
            Some(all)
        }
    }
}

/// Few long literals beat many short ones: a rough guess of how rarely a set occurs.
fn selectivity(set: &[Vec<u8>]) -> f64 {
    match set.iter().map(Vec::len).min() {
        None => f64::INFINITY,
        Some(shortest) => shortest as f64 / set.len() as f64,
    }
}

fn class_literals(class: &Class) -> Option<Vec<Vec<u8>>> {
    match class {
        Class::Unicode(c) => {
            let n: u32 =
                c.ranges().iter().map(|r| u32::from(r.end()) - u32::from(r.start()) + 1).sum();
            (n <= MAX_CLASS_CHARS).then(|| {
                let chars = c.ranges().iter().flat_map(|r| r.start()..=r.end());
                chars.map(|ch| ch.to_string().into_bytes()).collect()
            })
        }
        Class::Bytes(c) => {
            let n: u32 =
                c.ranges().iter().map(|r| u32::from(r.end()) - u32::from(r.start()) + 1).sum();
            (n <= MAX_CLASS_CHARS).then(|| {
                c.ranges().iter().flat_map(|r| r.start()..=r.end()).map(|b| vec![b]).collect()
            })
        }
    }
}

/// The chars a match of `hir` can begin with, and whether it can be empty; `None` when any
/// char can begin it.
fn first_chars(hir: &Hir) -> Option<(ClassUnicode, bool)> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Some((ClassUnicode::empty(), true)),
        HirKind::Literal(lit) => {
            let c = std::str::from_utf8(&lit.0).ok()?.chars().next()?;
            Some((ClassUnicode::new([regex_syntax::hir::ClassUnicodeRange::new(c, c)]), false))
        }
        HirKind::Class(Class::Unicode(c)) => Some((c.clone(), false)),
        HirKind::Class(Class::Bytes(c)) => Some((c.to_unicode_class()?, false)),
        HirKind::Repetition(rep) => {
            let (class, empty) = first_chars(&rep.sub)?;
            Some((class, empty || rep.min == 0))
        }
        HirKind::Capture(cap) => first_chars(&cap.sub),
        HirKind::Concat(parts) => {
            let mut acc = ClassUnicode::empty();
            for part in parts {
                let (class, empty) = first_chars(part)?;
                acc.union(&class);
                if !empty {
                    return Some((acc, false));
                }
            }
            Some((acc, true))
        }
        HirKind::Alternation(branches) => {
            let mut acc = ClassUnicode::empty();
            let mut any_empty = false;
            for branch in branches {
                let (class, empty) = first_chars(branch)?;
                acc.union(&class);
                any_empty |= empty;
            }
            Some((acc, any_empty))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Needs;

    fn lits(p: &str) -> Option<Vec<String>> {
        Needs::of(p)
            .literals
            .map(|s| s.into_iter().map(|l| String::from_utf8(l).unwrap()).collect())
    }

    #[test]
    fn literals_every_match_contains() {
        assert_eq!(lits(r"!\[[^\]]*\]\([^)]*\)").unwrap(), ["!["]);
        assert_eq!(lits(r"[。！？；.!?”」](?P<cut>\s*\*\s*)[^\s*]").unwrap(), ["*"]);
        assert_eq!(lits("关注.{0,10}(公众号|我们)|置顶公众号").unwrap(), ["关注", "置顶公众号"]);
        assert_eq!(lits(r"\*\*+|__+").unwrap(), ["*", "_"]);
        assert_eq!(lits(r"^(?P<value>\S.{3,100})$"), None);
        assert_eq!(lits(r"a|b*"), None);
    }

    #[test]
    fn windows_of_anchored_patterns() {
        let window = |p: &str| Needs::of(p).window;
        assert_eq!(window(r"^.{0,12}(全文|实录)\s*[:：]?$"), Some(12 * 4 + 6));
        assert_eq!(window(r"^\s*(全文|实录)"), None);
        assert_eq!(window(r".{0,12}(全文|实录)"), None);
    }

    #[test]
    fn first_chars_of_anchored_patterns() {
        let first = |p: &str| Needs::of(p).first;
        let heading = first(r"^#{1,6}\s*(?P<value>.+?)\s*#*$").unwrap();
        assert_eq!(heading.ranges().len(), 1);
        assert_eq!(heading.ranges()[0].start(), '#');
        let colon = first(r"^[:：]\s*").unwrap();
        assert_eq!(colon.ranges().len(), 2);
        assert!(first(r"^\W*(特別聲明|特别声明)").is_some());
        // Unanchored, or able to match an empty text: any line may match.
        assert!(first(r"#+").is_none());
        assert!(first(r"^\s*$").is_none());
        assert!(first(r"(?m)^#").is_none());
    }
}
