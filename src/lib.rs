//! zhpipe: staged cleaning of Chinese web articles into bilingual JSONL (work in progress).
pub mod repair;
