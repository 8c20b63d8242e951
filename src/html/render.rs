//! A DOM subtree as the line model the text stages read: one paragraph per block separated
//! by blank lines, written as the markdown that page-to-text exporters write (`## ` headings,
//! `- ` list items, `> ` quotes, `**bold**`, `![alt](src)` images), so strip and segment
//! treat an HTML page and a saved markdown copy of it alike. Every line keeps the span of
//! HTML source lines its text came from.

use super::content::{is_block, is_link_list, Analysis, Drop};
use super::dom::{Data, Dom, NodeId};
use crate::chars::is_unspaced;
use crate::document::{BlockKind, Line, Span};

/// A subtree left out of the text, for the audit trail.
#[derive(Debug, Clone)]
pub struct Removed {
    pub why: Drop,
    pub span: Span,
    pub text: String,
}

#[derive(Default)]
pub struct Renderer {
    pub lines: Vec<Line>,
    pub removed: Vec<Removed>,
    /// Targets of links whose text was kept.
    pub links: Vec<String>,
    cur: String,
    span: Option<Span>,
    blank_due: bool,
    quote: usize,
    pre: usize,
    /// The lines of the open `<pre>` block, written out as one code line when it closes.
    code: Vec<String>,
    /// The ordinal of the next item of each open list (`None`: unordered).
    lists: Vec<Option<u32>>,
    prefix: String,
    /// Open `<b>`/`<strong>` elements: a paragraph break inside one closes the mark on the
    /// line it ends and opens it again on the next.
    bold: usize,
    /// Whether `cur` ends in white space that was folded away (to put one space back
    /// between words, but none between Han characters).
    space_due: bool,
    space_had_newline: bool,
    /// Open table rows: the number of lines emitted when the row opened, and the cells
    /// written into it so far (a row that stays on one line is framed as a markdown table
    /// row, `| a | b |`, so that strip tells a data table from a menu of bars).
    rows: Vec<(usize, usize)>,
}

enum Step {
    Enter(NodeId),
    Exit(NodeId),
}

impl Renderer {
    /// Renders `roots` (in document order), leaving out dropped subtrees and link lists.
    pub fn render(&mut self, dom: &Dom, a: &Analysis, roots: &[NodeId]) {
        let mut stack: Vec<Step> = roots.iter().rev().map(|&r| Step::Enter(r)).collect();
        while let Some(step) = stack.pop() {
            match step {
                Step::Enter(id) => {
                    if let Some(why) = a.drop[id] {
                        self.remove(dom, id, why);
                        continue;
                    }
                    if is_link_list(dom, a, id) {
                        self.remove(dom, id, Drop::LinkList);
                        continue;
                    }
                    match &dom.nodes[id].data {
                        Data::Text(t) => self.text(t, dom.nodes[id].line),
                        Data::Element { .. } | Data::Document => {
                            self.open(dom, id);
                            stack.push(Step::Exit(id));
                            stack.extend(
                                dom.nodes[id].children.iter().rev().map(|&c| Step::Enter(c)),
                            );
                        }
                        _ => {}
                    }
                }
                Step::Exit(id) => self.close(dom, id),
            }
        }
        self.paragraph();
    }

    /// Records `id`'s subtree as left out (scripts and styles are code, not text: counted
    /// by the caller, not quoted).
    pub fn remove(&mut self, dom: &Dom, id: NodeId, why: Drop) {
        if why == Drop::Code {
            return;
        }
        let text = dom.text_of(id);
        if text.is_empty() {
            return;
        }
        let (mut first, mut last) = (u32::MAX, 0);
        for d in dom.descendants(id) {
            first = first.min(dom.nodes[d].line);
            last = last.max(dom.nodes[d].line);
        }
        self.removed.push(Removed { why, span: Span { first, last }, text });
    }

    fn touch(&mut self, line: u32) {
        let s = Span::line(line);
        self.span = Some(self.span.map_or(s, |x| x.join(s)));
    }

    fn open(&mut self, dom: &Dom, id: NodeId) {
        let tag = dom.tag(id);
        let line = dom.nodes[id].line;
        match tag {
            "br" if self.pre > 0 => self.line_break(),
            "br" => self.paragraph(),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.paragraph();
                let level = tag.as_bytes()[1] - b'0';
                self.prefix = format!("{} ", "#".repeat(level as usize));
            }
            "li" => {
                self.paragraph();
                self.prefix = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}. ", *n - 1)
                    }
                    _ => "- ".to_owned(),
                };
            }
            "ul" | "ol" => {
                self.paragraph();
                self.lists.push((tag == "ol").then_some(1));
            }
            "blockquote" => {
                self.paragraph();
                self.quote += 1;
            }
            "pre" => {
                self.paragraph();
                self.pre += 1;
            }
            "tr" => {
                self.paragraph();
                self.rows.push((self.lines.len(), 0));
            }
            "td" | "th" => {
                let started = !self.cur.trim().is_empty();
                if started {
                    self.cur.push_str(" | ");
                    self.space_due = false;
                }
                if let Some(row) = self.rows.last_mut() {
                    // The cells with text: an empty spacer cell writes nothing.
                    row.1 = if started { row.1.max(1) + 1 } else { row.1 };
                }
            }
            "img" => {
                let src = dom.attr(id, "data-src").or_else(|| dom.attr(id, "src")).unwrap_or("");
                let alt = super::dom::fold_space(dom.attr(id, "alt").unwrap_or(""));
                if !src.is_empty() || !alt.is_empty() {
                    self.paragraph();
                    self.touch(line);
                    self.cur = format!("![{alt}]({})", src.replace(['(', ')', ' '], ""));
                    self.paragraph();
                }
            }
            "strong" | "b" => {
                self.bold += 1;
                self.inline("**");
            }
            _ if is_block(tag) => self.paragraph(),
            _ => {}
        }
    }

    fn close(&mut self, dom: &Dom, id: NodeId) {
        let tag = dom.tag(id);
        match tag {
            "ul" | "ol" => {
                self.paragraph();
                self.lists.pop();
            }
            "blockquote" => {
                self.paragraph();
                self.quote = self.quote.saturating_sub(1);
            }
            "pre" => {
                self.emit();
                self.pre = self.pre.saturating_sub(1);
                if self.pre == 0 {
                    self.code_block();
                }
            }
            "strong" | "b" => {
                self.bold = self.bold.saturating_sub(1);
                // `**` around nothing is no emphasis.
                if self.cur.ends_with("**") {
                    self.cur.truncate(self.cur.len() - 2);
                } else {
                    self.inline("**");
                }
            }
            "a" => {
                if let Some(href) = dom.attr(id, "href").map(str::trim) {
                    let kept = !dom.text_of(id).is_empty();
                    let web = href.starts_with("http://") || href.starts_with("https://");
                    if kept && web && !self.links.iter().any(|l| l == href) {
                        self.links.push(href.to_owned());
                    }
                }
            }
            "tr" => {
                // A row of two or more cells that stayed on one line is a table row, written
                // the way markdown writes one; a row holding paragraphs (a layout table) is
                // left as its paragraphs.
                if let Some((start, cells)) = self.rows.pop() {
                    let text = self.cur.trim();
                    if cells >= 2 && self.lines.len() == start && self.pre == 0 && !text.is_empty()
                    {
                        self.cur = format!("| {text} |");
                    }
                }
                self.paragraph();
            }
            "td" | "th" | "br" => {}
            _ if is_block(tag) => self.paragraph(),
            _ => {}
        }
    }

    fn inline(&mut self, mark: &str) {
        if self.pre > 0 {
            // Code is written as it is: emphasis in a highlighted listing is colour.
            return;
        }
        self.flush_space(None);
        self.cur.push_str(mark);
    }

    /// Puts back the folded white space before `next`: a space between words, none between
    /// Han characters across a source line break (a soft wrap in the HTML source).
    fn flush_space(&mut self, next: Option<char>) {
        if !self.space_due {
            return;
        }
        self.space_due = false;
        let prev = self.cur.chars().next_back();
        let (Some(prev), Some(next)) = (prev, next) else {
            if prev.is_some() && next.is_none() {
                self.cur.push(' ');
            }
            return;
        };
        if self.space_had_newline && is_unspaced(prev) && is_unspaced(next) {
            return;
        }
        self.cur.push(' ');
    }

    fn text(&mut self, t: &str, line: u32) {
        if self.pre > 0 {
            let mut parts = t.split('\n');
            if let Some(first) = parts.next() {
                self.push_raw(first, line);
            }
            for part in parts {
                self.line_break();
                self.push_raw(part, line);
            }
            return;
        }
        let is_ws = |c: char| c.is_ascii_whitespace();
        let mut rest = t;
        while !rest.is_empty() {
            let word_start = rest.len() - rest.trim_start_matches(is_ws).len();
            if word_start > 0 {
                let newline = rest[..word_start].contains('\n');
                self.space_had_newline = newline || (self.space_due && self.space_had_newline);
                self.space_due = true;
                rest = &rest[word_start..];
            }
            if rest.is_empty() {
                break;
            }
            let end = rest.find(is_ws).unwrap_or(rest.len());
            if self.cur.is_empty() {
                self.space_due = false;
            }
            self.flush_space(rest.chars().next());
            self.touch(line);
            self.cur.push_str(&rest[..end]);
            rest = &rest[end..];
        }
    }

    fn push_raw(&mut self, s: &str, line: u32) {
        if !s.is_empty() {
            self.touch(line);
            self.cur.push_str(s);
        }
    }

    /// Ends the current line; the next starts without a blank line (`<br>` inside `<pre>`).
    fn line_break(&mut self) {
        self.emit();
    }

    /// Ends the current paragraph: the next text starts after a blank line (inside `<pre>`,
    /// a block element only ends the line).
    fn paragraph(&mut self) {
        self.emit();
        if self.pre > 0 {
            return;
        }
        self.blank_due = !self.lines.is_empty();
    }

    fn emit(&mut self) {
        let reopen = self.bold > 0 && self.cur.matches("**").count() % 2 == 1;
        if reopen {
            self.cur.push_str("**");
        }
        self.emit_line();
        if reopen {
            self.cur.push_str("**");
        }
    }

    fn emit_line(&mut self) {
        if self.pre > 0 {
            // A line of code, blank ones included: the block is written when it closes.
            self.code.push(self.cur.trim_end().to_owned());
            self.cur.clear();
            self.space_due = false;
            return;
        }
        let text = self.cur.trim();
        let text = text.trim_start_matches("** ").trim_end_matches(" **");
        if text.trim().is_empty() || text == "**" || text == "****" {
            self.cur.clear();
            self.space_due = false;
            return;
        }
        let span = self.span.take().unwrap_or(Span::line(1));
        let mut out = String::with_capacity(text.len() + 8);
        for _ in 0..self.quote {
            out.push_str("> ");
        }
        out.push_str(&std::mem::take(&mut self.prefix));
        out.push_str(text);
        self.push_line(out, span, None);
        self.cur.clear();
        self.space_due = false;
    }

    /// Writes the closed `<pre>` block as one line of kind [`BlockKind::Code`]: its lines
    /// joined by `\n`, indentation kept (no-break spaces, which editors indent code with,
    /// become spaces), blank lines at either end dropped.
    fn code_block(&mut self) {
        let mut lines = std::mem::take(&mut self.code);
        let Some(first) = lines.iter().position(|l| !l.trim().is_empty()) else {
            self.span = None;
            return;
        };
        let last = lines.iter().rposition(|l| !l.trim().is_empty()).unwrap_or(first);
        lines.truncate(last + 1);
        let text = lines[first..].join("\n").replace('\u{a0}', " ");
        let span = self.span.take().unwrap_or(Span::line(1));
        self.push_line(text, span, Some(BlockKind::Code));
        self.blank_due = true;
    }

    /// Appends a line, after a blank one when a paragraph ended before it.
    fn push_line(&mut self, text: String, span: Span, kind: Option<BlockKind>) {
        if self.blank_due && self.lines.last().is_some_and(|l| !l.text.is_empty()) {
            let prev = self.lines.last().map_or(span, |l| l.src);
            self.lines.push(Line::new("", Span::line(prev.last)));
        }
        self.blank_due = false;
        let mut line = Line::new(text, span);
        line.kind = kind;
        self.lines.push(line);
    }
}
