//! The speaker registry, and speakers named by the document's own glosses.

use rustc_hash::FxBuildHasher;
use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::document::{EnSpan, Speaker};
use crate::error::{Error, Result};
use crate::toml_error::describe_toml_error;

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

    /// Every alias, folded (see [`fold`]).
    pub fn aliases(&self) -> impl Iterator<Item = &str> {
        self.by_alias.keys().map(String::as_str)
    }

    pub fn lookup(&self, name: &str) -> Option<&Speaker> {
        self.by_alias.get(&fold(name)).map(|&i| &self.people[i])
    }
}

/// The glosses of a document that [`names_person`], by the folded names a label may use:
/// the English name, and each Chinese name whole and its last part (`奥特曼` of `萨姆·奥特曼`).
/// The first gloss to use a name owns it. A lookup is one hash probe, so naming every
/// label of a document costs its labels plus its glosses, however many of each there are.
#[derive(Default)]
pub struct PersonGlosses<'d> {
    by_key: HashMap<String, &'d EnSpan, FxBuildHasher>,
    /// Gloss entries looked at by lookups (see the scaling test).
    #[cfg(test)]
    probes: std::cell::Cell<usize>,
}

impl<'d> PersonGlosses<'d> {
    pub fn new(glosses: impl Iterator<Item = &'d EnSpan>) -> PersonGlosses<'d> {
        let mut by_key: HashMap<String, &'d EnSpan, FxBuildHasher> = HashMap::default();
        for gloss in glosses.filter(|g| names_person(g)) {
            let mut add = |key: String| {
                by_key.entry(key).or_insert(gloss);
            };
            add(fold(&gloss.en));
            for zh in [&gloss.zh_hans, &gloss.zh_hant].into_iter().flatten() {
                add(fold(zh));
                if let Some(last) = zh.rsplit(['·', '・', '•']).next() {
                    add(fold(last));
                }
            }
        }
        // Under cfg(test) the struct also counts probes, which the default starts at zero.
        #[allow(clippy::needless_update)]
        PersonGlosses { by_key, ..PersonGlosses::default() }
    }

    fn get(&self, key: &str) -> Option<&'d EnSpan> {
        #[cfg(test)]
        self.probes.set(self.probes.get() + 1);
        self.by_key.get(key).copied()
    }
}

/// Names a speaker the registry does not know after the document's own gloss of them:
/// `萨姆·奥特曼（Sam Altman）` makes the labels 奥特曼, 萨姆·奥特曼 and Sam Altman one person,
/// with names in both scripts and English and an id from the English name, so the same
/// person gets the same id in any script or language. `key` is the label's folded name.
pub fn identify(key: &str, glosses: &PersonGlosses, registry: &Registry) -> Option<Speaker> {
    let g = glosses.get(key)?;
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
        // CJK ideographs (extension A to the unified block), what names are mostly written
        // in: no case, no space, no dot. The look-up of a lowercase mapping costs more than
        // the rest of the fold.
        if ('\u{3400}'..='\u{9FFF}').contains(&c) {
            out.push(c);
            continue;
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn gloss(i: usize) -> EnSpan {
        let en = format!("Person {}", "X".repeat(i % 7 + 1)) + &format!(" N{i}");
        EnSpan {
            en, zh_hans: Some(format!("人名·名{i}")), zh_hant: Some(format!("人名·名{i}"))
        }
    }

    /// Naming `n` distinct labels against `n` glossed people looks at a bounded number of
    /// gloss entries per label: the work grows with n, not n². (A scan of the glosses per
    /// label, as `identify` once did, looks at n entries per label.)
    #[test]
    fn naming_labels_after_glosses_is_linear() {
        let registry = Registry::default();
        let mut per_label = Vec::new();
        for n in [100, 400, 1600] {
            let spans: Vec<EnSpan> = (0..n).map(gloss).collect();
            let glosses = PersonGlosses::new(spans.iter());
            let mut named = 0;
            for i in 0..n {
                named +=
                    usize::from(identify(&fold(&format!("名{i}")), &glosses, &registry).is_some());
                named += usize::from(
                    identify(&fold(&format!("无名{i}")), &glosses, &registry).is_some(),
                );
            }
            assert_eq!(named, n, "each glossed name is found, no other");
            per_label.push(glosses.probes.get() as f64 / (2 * n) as f64);
        }
        assert!(per_label.iter().all(|&p| p <= 1.0), "{per_label:?}");
    }

    /// The fast path of `fold_into` changes nothing: the chars it passes through have no
    /// case, are no space and none of the dots.
    #[test]
    fn ideographs_fold_to_themselves() {
        for c in '\u{3400}'..='\u{9FFF}' {
            assert!(c.to_lowercase().eq([c]), "{c:?}");
            assert!(!c.is_whitespace() && !matches!(c, '·' | '•' | '・' | '.' | '‧' | '﹒'));
        }
        assert_eq!(fold("Sam ·Altman 萨姆・奥特曼"), "samaltman萨姆奥特曼");
    }

    #[test]
    fn the_first_gloss_of_a_name_owns_it() {
        let a =
            EnSpan {
                en: "Sam Altman".into(), zh_hans: Some("萨姆·奥特曼".into()), zh_hant: None
            };
        let b =
            EnSpan {
                en: "Tom Altman".into(), zh_hans: Some("汤姆·奥特曼".into()), zh_hant: None
            };
        let spans = [a, b];
        let glosses = PersonGlosses::new(spans.iter());
        let s = identify("奥特曼", &glosses, &Registry::default()).unwrap();
        assert_eq!(s.id, "sam-altman");
        assert_eq!(
            identify("汤姆奥特曼", &glosses, &Registry::default()).unwrap().id,
            "tom-altman"
        );
    }
}
