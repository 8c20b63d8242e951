//! Lines that repeat across the documents of a batch: CCNet's evidence for boilerplate.
//!
//! A site's navigation, footer, share bar and sidebar come back on every page of it, word
//! for word, while its articles' sentences do not. When a batch holds many pages of one
//! site, a line found in at least `min_docs` documents is therefore strong evidence of page
//! furniture, wherever it sits in the page. A pre-pass reads the batch once (decode only),
//! hashes each document's distinct normalized lines and counts, per hash, the documents that
//! have it (the pre-pass itself is `batch::repeats`: it needs the pipeline, this module does
//! not, so documents can hold the result); strip then removes the lines whose hash is frequent and which do not read as
//! content (see `strip.cross-doc-repeat` in `stages/strip/boilerplate.rs`).
//!
//! Bounded: only 64-bit hashes are held, at most [`MAX_KEYS`] of them (past that, new lines
//! are not counted, old ones still are). Deterministic: documents are merged in input
//! order whatever the thread count, and the hash is SipHash with fixed keys. Harmless for a
//! single document: nothing repeats across one document.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

/// Most distinct line hashes counted (16 bytes each, about 100 MiB with the map's overhead).
pub const MAX_KEYS: usize = 1 << 22;

/// The normalized lines found in at least `min_docs` documents of a batch.
///
/// ```
/// use zhpipe::batch::repeats::LineRepeats;
///
/// let pages = ["首页 新闻 体育 财经\n今天的第一条消息。", "首页 新闻 体育 财经\n另一篇文章的内容。"];
/// let repeats = LineRepeats::from_texts(pages, 2);
/// assert_eq!((repeats.docs(), repeats.len()), (2, 1));
/// assert!(repeats.contains("首页 新闻 体育 财经"));
/// assert!(!repeats.contains("今天的第一条消息。"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct LineRepeats {
    frequent: HashSet<u64>,
    docs: usize,
}

impl LineRepeats {
    /// Counts, per normalized line, the documents of `texts` that have it, and keeps those
    /// found in at least `min_docs` (at least 2) of them.
    pub fn from_texts<'a>(texts: impl IntoIterator<Item = &'a str>, min_docs: usize) -> Self {
        let mut counter = Counter::default();
        for text in texts {
            counter.add(&keys_of(text));
        }
        counter.finish(min_docs)
    }

    /// Whether `line` (as strip sees it) is one of the frequent lines.
    pub fn contains(&self, line: &str) -> bool {
        key(line).is_some_and(|k| self.frequent.contains(&k))
    }

    /// How many documents were counted.
    pub fn docs(&self) -> usize {
        self.docs
    }

    /// How many distinct lines are frequent.
    pub fn len(&self) -> usize {
        self.frequent.len()
    }

    /// Whether no line is frequent.
    pub fn is_empty(&self) -> bool {
        self.frequent.is_empty()
    }
}

/// Per line hash, how many documents have it.
#[derive(Default)]
pub(crate) struct Counter {
    counts: HashMap<u64, u32>,
    docs: usize,
}

impl Counter {
    /// Counts one document's line hashes.
    pub(crate) fn add(&mut self, keys: &[u64]) {
        self.docs += 1;
        let distinct: HashSet<u64> = keys.iter().copied().collect();
        // Sorted, so that which keys get in under the cap does not depend on hash order.
        let mut distinct: Vec<u64> = distinct.into_iter().collect();
        distinct.sort_unstable();
        for k in distinct {
            if let Some(n) = self.counts.get_mut(&k) {
                *n += 1;
            } else if self.counts.len() < MAX_KEYS {
                self.counts.insert(k, 1);
            }
        }
    }

    /// The lines found in at least `min_docs` (at least 2) documents.
    pub(crate) fn finish(self, min_docs: usize) -> LineRepeats {
        let min = min_docs.max(2) as u32;
        let frequent = self.counts.into_iter().filter(|&(_, n)| n >= min).map(|(k, _)| k).collect();
        LineRepeats { frequent, docs: self.docs }
    }
}

fn keys_of(text: &str) -> Vec<u64> {
    text.lines().filter_map(key).collect()
}

/// A line's hash after CCNet's normalization (lower case, digits as `0`, no whitespace or
/// punctuation), or none when too little is left to be evidence (numbers, one word).
pub(crate) fn key(line: &str) -> Option<u64> {
    let mut norm = String::with_capacity(line.len());
    for c in line.chars() {
        if c.is_alphanumeric() {
            if c.is_numeric() {
                norm.push('0');
            } else {
                norm.extend(c.to_lowercase());
            }
        }
    }
    let letters = norm.chars().filter(|&c| c != '0').count();
    if letters < 4 {
        return None;
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    norm.hash(&mut h);
    Some(h.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_in_enough_documents_are_frequent() {
        let docs = [
            "返回新闻中心 首页\n第一篇的正文，内容各不相同。\n版权所有 2023",
            "返回新闻中心  首页\n第二篇的正文，另有其事。\n版权所有 2024",
            "返回新闻中心首页\n第三篇的正文。\n版权所有 1999",
        ];
        let r = LineRepeats::from_texts(docs, 3);
        assert_eq!(r.docs(), 3);
        assert!(r.contains("返回新闻中心 首页"));
        // Digits are masked: a footer with another year is the same footer.
        assert!(r.contains("版权所有 2020"));
        assert!(!r.contains("第一篇的正文，内容各不相同。"));
        assert_eq!(LineRepeats::from_texts(docs, 4).len(), 0);
    }

    #[test]
    fn one_document_has_no_repeats() {
        // A line repeated inside one document is counted once.
        let r = LineRepeats::from_texts(["首页导航栏\n首页导航栏\n首页导航栏"], 2);
        assert!(r.is_empty());
    }

    #[test]
    fn short_lines_are_not_evidence() {
        let r = LineRepeats::from_texts(["1\n一、\n正文", "1\n一、\n正文"], 2);
        assert!(r.is_empty());
    }
}
