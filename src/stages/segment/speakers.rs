//! The speaker registry, and speakers named by the document's own glosses.

use rustc_hash::FxBuildHasher;
use std::collections::HashMap;
use std::path::Path;

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
    by_alias: HashMap<String, usize, FxBuildHasher>,
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

/// A gloss that [`names_person`], with the folded forms of its names a label may use.
pub struct PersonGloss<'d> {
    gloss: &'d EnSpan,
    /// The English name, and each Chinese name whole and its last part (`奥特曼` of
    /// `萨姆·奥特曼`).
    keys: Vec<String>,
}

impl<'d> PersonGloss<'d> {
    /// The glosses of `glosses` that name a person, in order.
    pub fn all(glosses: impl Iterator<Item = &'d EnSpan>) -> Vec<PersonGloss<'d>> {
        glosses.filter(|g| names_person(g)).map(PersonGloss::new).collect()
    }

    fn new(gloss: &'d EnSpan) -> PersonGloss<'d> {
        let mut keys = vec![fold(&gloss.en)];
        for zh in [&gloss.zh_hans, &gloss.zh_hant].into_iter().flatten() {
            keys.push(fold(zh));
            keys.extend(zh.rsplit(['·', '・', '•']).next().map(fold));
        }
        PersonGloss { gloss, keys }
    }
}

/// Names a speaker the registry does not know after the document's own gloss of them:
/// `萨姆·奥特曼（Sam Altman）` makes the labels 奥特曼, 萨姆·奥特曼 and Sam Altman one person,
/// with names in both scripts and English and an id from the English name, so the same
/// person gets the same id in any script or language. `key` is the label's folded name.
pub fn identify(key: &str, glosses: &[PersonGloss], registry: &Registry) -> Option<Speaker> {
    let g = glosses.iter().find(|g| g.keys.iter().any(|k| k == key))?.gloss;
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

/// Whether a gloss's English reads like a person's name: two to four capitalised words.
pub fn names_person(g: &EnSpan) -> bool {
    let mut words = 0;
    for w in g.en.split_whitespace() {
        if !w.starts_with(|c: char| c.is_ascii_uppercase()) {
            return false;
        }
        words += 1;
    }
    (2..=4).contains(&words)
}

/// Case-, space- and dot-insensitive key for names.
pub fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    fold_into(name, &mut out);
    out
}

/// [`fold`] into a reused buffer (cleared first).
pub fn fold_into(name: &str, out: &mut String) {
    out.clear();
    for c in name.chars() {
        if c.is_whitespace() || matches!(c, '·' | '•' | '・' | '.' | '‧' | '﹒') {
            continue;
        }
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
}
