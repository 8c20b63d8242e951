//! What the decoder's search reads about a document besides the line it decodes: the
//! document's model and which decoder damaged it. A leaf of the decoder (its parts,
//! `decode`, `step` and `candidates`, all read it; `detect` builds it), so the types it
//! holds live beside the code that fills them ([`Swallow`], [`DocChars`], the language
//! models), never in the modules that search.

use super::lists::DocChars;
use super::lm::{CodeSet, DocLm};
use super::swallow::Swallow;

/// The decoder's view of a document's model (see `DocModel::ctx`).
pub struct Ctx<'a> {
    pub doc: &'a DocLm,
    /// Codes seen glossed in the document: the annotator's table as far as it is known.
    pub table: &'a CodeSet,
    pub swallow: &'a Swallow,
    /// The document's own characters, as extra candidates.
    pub chars: &'a DocChars,
    /// The damaging decoder printed `?` for pairs it could not map (Python's, Java's,
    /// iconv's replacing modes) rather than dropping them silently.
    pub printed: bool,
}
