//! The speaker registry and speaker-label detection.

use std::collections::HashMap;
use std::path::Path;

use regex::Regex;
use serde::Deserialize;

use crate::config::describe_toml_error;
use crate::document::{EnSpan, Speaker};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistryFile {
    #[serde(default)]
    person: Vec<PersonDef>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonDef {
    id: String,
    zh_hans: Option<String>,
    zh_hant: Option<String>,
    en: Option<String>,
    role: Option<String>,
    aliases: Vec<String>,
}

/// Aliases → people. Keys are folded (`fold`) so spacing, middle dots and Latin case do not
/// matter.
#[derive(Debug, Default)]
pub struct Registry {
    people: Vec<Speaker>,
    by_alias: HashMap<String, usize>,
}

impl Registry {
    pub fn parse(text: &str, path: &Path) -> Result<Registry> {
        let file: RegistryFile = toml::from_str(text).map_err(|e| Error::Rules {
            path: path.to_owned(),
            message: describe_toml_error(text, &e),
        })?;
        let mut reg = Registry::default();
        for p in file.person {
            let idx = reg.people.len();
            for alias in
                p.aliases.iter().chain(p.zh_hans.iter()).chain(p.zh_hant.iter()).chain(p.en.iter())
            {
                if let Some(&other) = reg.by_alias.get(&fold(alias)) {
                    if other != idx {
                        return Err(Error::Rules {
                            path: path.to_owned(),
                            message: format!(
                                "alias `{alias}` names both `{}` and `{}`",
                                reg.people[other].id, p.id
                            ),
                        });
                    }
                }
                reg.by_alias.insert(fold(alias), idx);
            }
            reg.people.push(Speaker {
                id: p.id,
                zh_hans: p.zh_hans,
                zh_hant: p.zh_hant,
                en: p.en,
                role: p.role,
            });
        }
        Ok(reg)
    }

    pub fn lookup(&self, name: &str) -> Option<&Speaker> {
        self.by_alias.get(&fold(name)).map(|&i| &self.people[i])
    }
}

/// Names a speaker the registry does not know after the document's own gloss of them:
/// `萨姆·奥特曼（Sam Altman）` makes the labels 奥特曼, 萨姆·奥特曼 and Sam Altman one person,
/// with names in both scripts and English and an id from the English name, so the same
/// person gets the same id in any script or language. `key` is the label's folded name.
pub fn identify(key: &str, glosses: &[&EnSpan], registry: &Registry) -> Option<Speaker> {
    let names_person = |g: &EnSpan| {
        let words: Vec<&str> = g.en.split_whitespace().collect();
        (2..=4).contains(&words.len())
            && words.iter().all(|w| w.starts_with(|c: char| c.is_ascii_uppercase()))
    };
    let zh_matches = |zh: &Option<String>| {
        zh.as_deref().is_some_and(|zh| {
            fold(zh) == key
                || zh.rsplit(['·', '・', '•']).next().is_some_and(|last| fold(last) == key)
        })
    };
    let g = glosses
        .iter()
        .filter(|g| names_person(g))
        .find(|g| fold(&g.en) == key || zh_matches(&g.zh_hans) || zh_matches(&g.zh_hant))?;
    if let Some(known) = registry.lookup(&g.en) {
        return Some(known.clone());
    }
    Some(Speaker {
        id: g.en.split_whitespace().collect::<Vec<_>>().join("-").to_lowercase(),
        zh_hans: g.zh_hans.clone(),
        zh_hant: g.zh_hant.clone(),
        en: Some(g.en.clone()),
        role: None,
    })
}

/// Case-, space- and dot-insensitive key for names.
pub fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '·' | '•' | '・' | '.' | '‧' | '﹒'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A speaker label found at the start of a line.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub name: String,
    /// The words after the label on the same line (may be empty).
    pub rest: String,
}

/// The label patterns and the rules that tell a label from narration.
#[derive(Debug)]
pub struct LabelRules {
    pub plain: Regex,
    pub bracket: Regex,
    pub narration: Regex,
    pub not_speakers: Vec<String>,
}

impl LabelRules {
    /// The label of `text`, if it starts with something shaped like one.
    pub fn find(&self, text: &str) -> Option<Label> {
        // `is_match` first: a lazy DFA that gives up within a few characters on most lines,
        // where `captures` would run the backtracker over the whole line.
        let re = [&self.bracket, &self.plain].into_iter().find(|re| re.is_match(text))?;
        let caps = re.captures(text)?;
        let name = caps.name("name")?.as_str().trim().to_owned();
        let rest = caps.name("rest").map_or("", |m| m.as_str()).trim().to_owned();
        Some(Label { name, rest })
    }

    /// Whether a name can be a speaker at all (not narration, not a known non-speaker).
    pub fn plausible(&self, name: &str) -> bool {
        !self.narration.is_match(name)
            && !self.not_speakers.iter().any(|n| n == name)
            && !name.chars().all(|c| c.is_ascii_digit())
    }
}
