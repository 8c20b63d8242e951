//! Running a compiled profile over a document's lines.

use super::pass::Lines;
use super::{byline, date, Profile, Rule, RuleAction};
use crate::document::{Action, AuditEntry, BlockKind, Document, Line, MetaField};

impl Profile {
    /// The actions that keep (part of) line `i`, edited in place; returns the index of the
    /// next line to try.
    pub(super) fn edit_line(
        &self,
        rule: &Rule,
        i: usize,
        doc: &mut Document,
        st: &mut Lines,
    ) -> usize {
        let line = &mut st.lines[i];
        match rule.action {
            RuleAction::DropSpan => {
                drop_spans(doc, rule, line);
                st.edited(i);
            }
            RuleAction::Replace => {
                collect_links(doc, rule, &line.text);
                let new = rule.re.replace_all(&line.text, rule.with.as_str()).into_owned();
                audit_replace(doc, rule, line, &new);
                line.text = new;
                st.edited(i);
            }
            RuleAction::Tag => {
                line.kind = rule.kind;
                let new = captured_value(rule, &line.text);
                if new != line.text {
                    audit_replace(doc, rule, line, &new);
                    line.text = new;
                    st.refresh(i);
                }
            }
            RuleAction::Split => {
                let pieces = split_line(doc, rule, line);
                st.replace(i, pieces);
            }
            RuleAction::Meta => {
                self.extract(doc, rule, line);
                if !rule.keep {
                    st.remove(i..i + 1);
                }
            }
            RuleAction::DropLine | RuleAction::DropRest | RuleAction::DropUntil => {
                unreachable!("handled by apply_rule")
            }
        }
        i + 1
    }

    fn extract(&self, doc: &mut Document, rule: &Rule, line: &Line) {
        // The value is read (a capture search) only where it is stored or checked: a slot
        // already filled keeps its first value.
        let value = || captured_value(rule, &line.text).trim().to_owned();
        let field = rule.field.as_deref().expect("checked at compile");
        let stored = match MetaField::named(field) {
            Some(MetaField::Published) => {
                let value = value();
                match date::normalize_date(&value, self.timezone.as_deref()) {
                    Some(iso) => set_once(&mut doc.meta.published, || iso),
                    None => {
                        doc.meta.extra.insert("published_raw".into(), value.clone());
                        value
                    }
                }
            }
            Some(MetaField::Title) => set_once(&mut doc.meta.title, || date::clean_name(&value())),
            Some(MetaField::TitleEn) => set_once(&mut doc.meta.title_en, value),
            Some(MetaField::Author) => {
                // A role or an outlet where the name should be (`文｜《财经》特约撰稿人 金焱`):
                // the byline reader finds the name in the line, or the slot stays empty.
                let v = date::clean_name(&value());
                let v = if byline::author_weak(Some(&v)) {
                    byline::single(&line.text)
                } else {
                    Some(v)
                };
                match v {
                    Some(v) => set_once(&mut doc.meta.author, || v),
                    None => String::new(),
                }
            }
            Some(MetaField::Location) => set_once(&mut doc.meta.location, value),
            Some(MetaField::CoverUrl) => set_once(&mut doc.meta.cover_url, value),
            Some(MetaField::Platform) => set_once(&mut doc.meta.platform, value),
            Some(MetaField::SourceUrl) => {
                let value = value();
                doc.meta.add_source_url(&value);
                value
            }
            None => {
                let key = field.trim_start_matches("extra.").to_owned();
                doc.meta.extra.entry(key).or_insert_with(value).clone()
            }
        };
        doc.record(
            AuditEntry::new(
                crate::StageKind::Strip,
                rule.id.clone(),
                if rule.keep { Action::Flag } else { Action::Extract },
                line.src,
                line.text.clone(),
            )
            .to(format!("{field}={stored}")),
        );
    }
}

impl Rule {
    pub(super) fn next_line_fits<'a>(&self, mut rest: impl Iterator<Item = &'a Line>) -> bool {
        if self.followed_by.is_none() && self.not_followed_by.is_none() {
            return true;
        }
        let next = rest.find(|l| !l.is_blank()).map(|l| l.text.as_str());
        self.followed_by.as_ref().is_none_or(|re| next.is_some_and(|t| re.matches(t)))
            && self.not_followed_by.as_ref().is_none_or(|re| next.is_none_or(|t| !re.matches(t)))
    }

    pub(super) fn fires_on(&self, text: &str) -> bool {
        self.max_chars.is_none_or(|max| text.chars().count() <= max)
            && self.literals.as_ref().is_none_or(|l| l.may_match(text))
            && self.re.matches(text)
    }
}

/// The `value` group when the pattern has one, else the whole match.
fn captured_value(rule: &Rule, text: &str) -> String {
    rule.re.captures(text).map_or_else(String::new, |c| {
        c.name("value").or_else(|| c.get(0)).map_or("", |m| m.as_str()).to_owned()
    })
}

/// The first value found wins: page headers come before quoted or repeated copies.
fn set_once(slot: &mut Option<String>, value: impl FnOnce() -> String) -> String {
    slot.get_or_insert_with(value).clone()
}

fn drop_spans(doc: &mut Document, rule: &Rule, line: &mut Line) {
    let mut kept = String::with_capacity(line.text.len());
    let mut last = 0;
    for m in rule.re.find_iter(&line.text) {
        kept.push_str(&line.text[last..m.start()]);
        last = m.end();
        doc.record(
            AuditEntry::new(
                crate::StageKind::Strip,
                rule.id.clone(),
                Action::Remove,
                line.src,
                m.as_str(),
            )
            .at(line.text[..m.start()].chars().count() as u32 + 1),
        );
    }
    kept.push_str(&line.text[last..]);
    line.text = kept;
}

fn audit_replace(doc: &mut Document, rule: &Rule, line: &Line, new: &str) {
    if line.text == new {
        return;
    }
    doc.record(
        AuditEntry::new(
            crate::StageKind::Strip,
            rule.id.clone(),
            Action::Replace,
            line.src,
            line.text.clone(),
        )
        .to(new),
    );
}

/// URLs captured by a rule's `url` group are kept in metadata (link text stays in the body).
fn collect_links(doc: &mut Document, rule: &Rule, text: &str) {
    if !rule.has_url {
        return;
    }
    for c in rule.re.captures_iter(text) {
        if let Some(url) = c.name("url").map(|m| m.as_str().trim()).filter(|u| !u.is_empty()) {
            doc.meta.add_link(url);
        }
    }
}

/// Splits a line where the rule matches: at the `cut` group when the pattern has one (the
/// group's text is dropped), else at the whole match. Each piece keeps the line's origin.
fn split_line(doc: &mut Document, rule: &Rule, line: &Line) -> Vec<Line> {
    let mut last = 0;
    let mut pieces = Vec::new();
    for c in rule.re.captures_iter(&line.text) {
        let cut = c.name("cut").or_else(|| c.get(0)).expect("group 0 exists");
        pieces.push(line.text[last..cut.start()].to_owned());
        last = cut.end();
    }
    pieces.push(line.text[last..].to_owned());
    let pieces: Vec<String> = pieces.into_iter().filter(|p| !p.trim().is_empty()).collect();
    if pieces.len() > 1 {
        audit_replace(doc, rule, line, &pieces.join("\n"));
    }
    // Marked as paragraphs so layout repair does not rejoin what the rule split.
    let kind = line.kind.or(Some(BlockKind::Paragraph));
    pieces.into_iter().map(|text| Line { text, kind, ..line.clone() }).collect()
}
