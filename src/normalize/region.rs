//! The region a Traditional document was published in, read from the publisher it names
//! (`pipelines/regions.toml`): Hong Kong's press mostly writes Taiwan's character forms, so
//! the forms alone call many Hong Kong pages Taiwanese.

use std::path::Path;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Deserialize;

use super::script::Variant;
use crate::chars::is_ideograph;
use crate::error::{Error, Result};
use crate::toml_error::describe_toml_error;

/// Publishers' names and domains per region (see `pipelines/regions.toml`).
#[derive(Debug, Clone)]
pub struct Regions {
    names: AhoCorasick,
    /// The region of each name, by pattern index.
    name_region: Vec<Variant>,
    domains: Vec<(String, Variant)>,
    min_votes: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionsFile {
    min_votes: usize,
    hk: Publishers,
    tw: Publishers,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Publishers {
    names: Vec<String>,
    domains: Vec<String>,
}

/// Votes for each region.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct Votes {
    hk: usize,
    tw: usize,
}

impl Votes {
    fn add(&mut self, v: Variant) {
        match v {
            Variant::Hk => self.hk += 1,
            Variant::Tw => self.tw += 1,
        }
    }
}

impl Regions {
    /// Reads a regions file; errors name `path`, and the line and key for TOML errors.
    pub fn parse(text: &str, path: &Path) -> Result<Regions> {
        let err = |message| Error::Rules { path: path.to_owned(), message };
        let file: RegionsFile =
            toml::from_str(text).map_err(|e| err(describe_toml_error(text, &e)))?;
        let mut names = Vec::new();
        let mut name_region = Vec::new();
        let mut domains = Vec::new();
        for (region, key, p) in [(Variant::Hk, "hk", &file.hk), (Variant::Tw, "tw", &file.tw)] {
            for (i, n) in p.names.iter().enumerate() {
                if n.trim().is_empty() {
                    return Err(err(format!("{key}.names: name {} is empty", i + 1)));
                }
                names.push(n.clone());
                name_region.push(region);
            }
            for (i, d) in p.domains.iter().enumerate() {
                let d = d.trim().trim_start_matches('.').to_ascii_lowercase();
                if d.is_empty() || !d.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                    return Err(err(format!("{key}.domains: domain {} is not a label", i + 1)));
                }
                domains.push((d, region));
            }
        }
        let names = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&names)
            .map_err(|e| err(e.to_string()))?;
        Ok(Regions { names, name_region, domains, min_votes: file.min_votes.max(1) })
    }

    /// The region the texts name as their publisher, if one wins (see the module doc):
    /// `【明報專訊】昨日…` names Hong Kong's 明報, `（中央社記者…）` Taiwan's agency.
    pub fn publisher<'a>(&self, texts: impl IntoIterator<Item = &'a str>) -> Option<Variant> {
        let mut votes = Votes::default();
        for t in texts {
            for m in self.names.find_iter(t) {
                let starts_word = !t[..m.start()].chars().next_back().is_some_and(is_ideograph);
                if starts_word {
                    votes.add(self.name_region[m.pattern().as_usize()]);
                }
            }
            if t.contains("://") {
                self.vote_hosts(t, &mut votes);
            }
        }
        let (hk, tw) = (votes.hk, votes.tw);
        if hk >= self.min_votes && hk >= 2 * tw {
            Some(Variant::Hk)
        } else if tw >= self.min_votes && tw >= 2 * hk {
            Some(Variant::Tw)
        } else {
            None
        }
    }

    /// One vote for each URL in `t` whose host ends in a region's domain.
    fn vote_hosts(&self, t: &str, votes: &mut Votes) {
        for (at, _) in t.match_indices("://") {
            let rest = &t[at + 3..];
            let end = rest.find(|c: char| {
                matches!(c, '/' | ':' | '?' | '#' | ')' | ']') || c.is_whitespace() || !c.is_ascii()
            });
            let host = rest[..end.unwrap_or(rest.len())].to_ascii_lowercase();
            let last = host.trim_end_matches('.').rsplit('.').next().unwrap_or("");
            if let Some((_, region)) = self.domains.iter().find(|(d, _)| d == last) {
                votes.add(*region);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> Regions {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/pipelines/regions.toml");
        Regions::parse(&std::fs::read_to_string(path).unwrap(), Path::new(path)).unwrap()
    }

    #[test]
    fn publisher_names_and_domains_vote() {
        let r = shipped();
        assert_eq!(r.publisher(["【明報專訊】第11屆中大新聞獎昨日頒獎"]), Some(Variant::Hk));
        assert_eq!(r.publisher(["（中央社記者葉素萍台北3日電）"]), Some(Variant::Tw));
        assert_eq!(r.publisher(["有關網站(https://www.bhu.gov.hk/tc)今日登場"]), Some(Variant::Hk));
        assert_eq!(r.publisher(["原文 https://news.ltn.com.tw/news/1"]), Some(Variant::Tw));
        // Inside another word a name is no publisher; nothing named, no region.
        assert_eq!(r.publisher(["他在說明報告時表示"]), None);
        assert_eq!(r.publisher(["台北市政府說，颱風將至"]), None);
        // A Taiwan page quoting a Hong Kong paper once, crediting its own agency twice.
        let tw = ["（中央社記者林某台北電）", "明報：評論", "（編輯：中央社）"];
        assert_eq!(r.publisher(tw), Some(Variant::Tw));
        // Tied evidence decides nothing.
        assert_eq!(r.publisher(["明報", "聯合報"]), None);
    }

    #[test]
    fn bad_files_are_refused_with_the_key() {
        let path = Path::new("my-regions.toml");
        let ok = "min_votes = 1\n[hk]\nnames = []\ndomains = []\n[tw]\nnames = []\ndomains = []\n";
        assert!(Regions::parse(ok, path).is_ok());
        let empty = ok.replacen("names = []", "names = [\" \"]", 1);
        let e = Regions::parse(&empty, path).unwrap_err().to_string();
        assert!(e.contains("my-regions.toml") && e.contains("hk.names: name 1 is empty"), "{e}");
        let domain = ok.replacen("domains = []", "domains = [\"a/b\"]", 1);
        let e = Regions::parse(&domain, path).unwrap_err().to_string();
        assert!(e.contains("hk.domains: domain 1 is not a label"), "{e}");
        assert!(Regions::parse("min_votes = 1\n", path).is_err());
    }
}
