//! A small arena DOM that html5ever's tree builder fills, remembering the source line of
//! every node (the reference DOMs of html5ever and scraper drop line numbers, and a
//! segment's provenance needs them).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use html5ever::interface::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::{local_name, ns, parse_document, parse_fragment, Attribute, ParseOpts, QualName};

/// Index of a node in [`Dom::nodes`].
pub type NodeId = usize;

#[derive(Debug)]
pub enum Data {
    Document,
    Element {
        name: Rc<QualName>,
        attrs: Vec<Attribute>,
    },
    /// The tokenizer's own text: a run without a newline is a slice of the parser's input,
    /// kept without a copy (a `String` copied every text node through `Display`).
    Text(StrTendril),
    /// Comments, doctypes and processing instructions: kept as nodes so the tree builder's
    /// indices stay valid, never rendered.
    Other,
}

#[derive(Debug)]
pub struct Node {
    pub data: Data,
    pub parent: Option<NodeId>,
    pub children: Vec<NodeId>,
    /// 1-based source line where the node was created (for text: where it was appended).
    pub line: u32,
}

/// A parsed page: node 0 is the document.
#[derive(Debug)]
pub struct Dom {
    pub nodes: Vec<Node>,
    /// Every node in document order (pre-order from the document, then the subtrees the
    /// tree builder left detached): a subtree is one run of it, so the many walks over a
    /// page (metadata, scoring, rendering, the audit's spans) read a slice instead of
    /// keeping a stack.
    order: Vec<NodeId>,
    /// Per node, where its subtree's run in `order` starts and ends.
    runs: Vec<(u32, u32)>,
}

impl Dom {
    /// Parses a whole document (`<html>`, `<head>` and `<body>` are implied when missing),
    /// every byte through the tokenizer ([`super::standin::parse_page`] sets style sheets
    /// and scripts aside first).
    pub fn parse_document(text: &str) -> Dom {
        Dom::parse_tendril(StrTendril::from(text))
    }

    /// Parses a whole document given as the parser's own input (no copy of it is made).
    pub fn parse_tendril(text: StrTendril) -> Dom {
        parse_document(Sink::for_text(&text), ParseOpts::default()).one(text)
    }

    /// Parses a fragment as the content of a `<body>`.
    pub fn parse_fragment(text: &str) -> Dom {
        let body = QualName::new(None, ns!(html), local_name!("body"));
        parse_fragment(Sink::for_text(text), ParseOpts::default(), body, Vec::new(), false)
            .one(StrTendril::from(text))
    }

    /// The element's local name (`div`), or `""` for other nodes.
    pub fn tag(&self, id: NodeId) -> &str {
        match &self.nodes[id].data {
            Data::Element { name, .. } => &name.local,
            _ => "",
        }
    }

    pub fn attr(&self, id: NodeId, key: &str) -> Option<&str> {
        match &self.nodes[id].data {
            Data::Element { attrs, .. } => {
                attrs.iter().find(|a| &*a.name.local == key).map(|a| &*a.value)
            }
            _ => None,
        }
    }

    /// Every descendant of `root` (itself included) in document order.
    pub fn descendants(&self, root: NodeId) -> std::iter::Copied<std::slice::Iter<'_, NodeId>> {
        let (start, end) = self.runs[root];
        self.order[start as usize..end as usize].iter().copied()
    }

    /// The arena of a finished parse with its document order: a pre-order walk without
    /// recursion (a page may nest elements thousands deep).
    fn with_order(nodes: Vec<Node>) -> Dom {
        let mut order = Vec::with_capacity(nodes.len());
        let mut runs = vec![(0, 0); nodes.len()];
        // On the way down a node's run starts; its `Exit` comes after its subtree.
        enum Step {
            Enter(NodeId),
            Exit(NodeId),
        }
        let mut stack = Vec::new();
        let roots = nodes.iter().enumerate().filter(|(_, n)| n.parent.is_none());
        for (root, _) in roots {
            stack.push(Step::Enter(root));
            while let Some(step) = stack.pop() {
                match step {
                    Step::Enter(id) => {
                        runs[id].0 = order.len() as u32;
                        order.push(id);
                        stack.push(Step::Exit(id));
                        stack.extend(nodes[id].children.iter().rev().map(|&c| Step::Enter(c)));
                    }
                    Step::Exit(id) => runs[id].1 = order.len() as u32,
                }
            }
        }
        Dom { nodes, order, runs }
    }

    /// The first element named `tag` in document order.
    pub fn find(&self, tag: &str) -> Option<NodeId> {
        self.descendants(0).find(|&n| self.tag(n) == tag)
    }

    /// The text a reader sees of `root`'s subtree (scripts and styles left out), white
    /// space runs folded to one space.
    pub fn text_of(&self, root: NodeId) -> String {
        // Folded as it is gathered: no second copy of a large subtree's text.
        let mut out = Folded::default();
        let (mut at, end) = self.runs[root];
        while at < end {
            let n = self.order[at as usize];
            at += 1;
            match &self.nodes[n].data {
                Data::Text(t) => out.push(t),
                // Past the subtree.
                _ if matches!(self.tag(n), "script" | "style" | "template" | "noscript") => {
                    at = self.runs[n].1;
                }
                _ => {}
            }
        }
        out.text
    }
}

/// Pages nested deeper than this are not parsed as HTML. The tree builder's scope checks
/// walk the stack of open elements, so its time grows with depth × tags; browsers cap the
/// depth they build (Chromium: 512) and real articles stay far below this.
pub const MAX_DEPTH: usize = 1024;

/// An upper bound of how deep the tree builder's stack of open elements gets: start tags
/// minus end tags, leaving out void elements, those whose end tag is optional (a following
/// block closes them), and markup inside comments, scripts and styles (not parsed as tags).
pub fn nesting(text: &str) -> usize {
    // A `match` on the name, not a search of a list: this runs once per tag of the page.
    fn uncounted(name: &str) -> bool {
        matches!(
            name,
            "area"
                | "base"
                | "br"
                | "col"
                | "embed"
                | "hr"
                | "img"
                | "input"
                | "link"
                | "meta"
                | "source"
                | "track"
                | "wbr"
                | "p"
                | "li"
                | "dt"
                | "dd"
                | "tr"
                | "td"
                | "th"
                | "option"
                | "optgroup"
                | "thead"
                | "tbody"
                | "tfoot"
                | "colgroup"
                | "rb"
                | "rt"
                | "rp"
                | "html"
                | "head"
                | "body"
                | "!doctype"
        )
    }
    let (mut depth, mut max) = (0usize, 0usize);
    let bytes = text.as_bytes();
    let mut skip_to = 0;
    for at in memchr::memchr_iter(b'<', bytes) {
        if at < skip_to {
            continue;
        }
        let rest = &bytes[at + 1..];
        if rest.starts_with(b"!--") {
            skip_to = memchr::memmem::find(rest, b"-->").map_or(bytes.len(), |e| at + 1 + e);
            continue;
        }
        let (closing, rest) = match rest.first() {
            Some(b'/') => (true, &rest[1..]),
            _ => (false, rest),
        };
        let len = rest.iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'!').count();
        if len == 0 || !rest[0].is_ascii_alphabetic() && rest[0] != b'!' {
            continue;
        }
        // Lower-cased into a buffer on the stack: this runs once per tag of the page.
        let mut buf = [0u8; 16];
        let name = if len <= buf.len() {
            buf[..len].copy_from_slice(&rest[..len]);
            buf[..len].make_ascii_lowercase();
            std::str::from_utf8(&buf[..len]).unwrap_or("")
        } else {
            // No element named in `uncounted` or below is this long.
            ""
        };
        if !closing && matches!(name, "script" | "style" | "textarea" | "xmp") {
            skip_to = memchr::memmem::find_iter(rest, b"</")
                .find(|&e| {
                    rest[e + 2..].len() >= name.len()
                        && rest[e + 2..e + 2 + name.len()].eq_ignore_ascii_case(name.as_bytes())
                })
                .map_or(bytes.len(), |e| at + 1 + e + 2);
            continue;
        }
        if uncounted(name) {
            continue;
        }
        let end = memchr::memchr(b'>', rest).unwrap_or(rest.len());
        let self_closing = end > 0 && rest[end - 1] == b'/';
        if closing {
            depth = depth.saturating_sub(1);
        } else if !self_closing {
            depth += 1;
            max = max.max(depth);
        }
    }
    max
}

/// Folds runs of HTML white space to one space and trims the ends.
pub fn fold_space(s: &str) -> String {
    let mut out = Folded::default();
    out.push(s);
    out.text
}

/// Text with runs of HTML white space folded to one space and the ends trimmed, as pieces
/// are pushed: pushing pieces folds as their concatenation would be folded.
#[derive(Default)]
struct Folded {
    text: String,
    /// White space seen since the last word.
    gap: bool,
}

impl Folded {
    fn push(&mut self, s: &str) {
        // By bytes: ASCII white space is never a byte of a multi-byte character, so every
        // cut falls on a character boundary.
        let bytes = s.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            let word = bytes[at..].iter().position(|b| b.is_ascii_whitespace());
            let end = word.map_or(bytes.len(), |w| at + w);
            if end > at {
                if self.gap && !self.text.is_empty() {
                    self.text.push(' ');
                }
                self.gap = false;
                self.text.push_str(&s[at..end]);
            }
            let space = bytes[end..].iter().take_while(|b| b.is_ascii_whitespace()).count();
            self.gap |= space > 0;
            at = end + space;
        }
    }
}

/// The tree builder's view of the arena. A handle carries the element's name so the
/// builder can ask for it without borrowing the arena.
#[derive(Clone, Debug)]
pub struct Handle {
    id: NodeId,
    name: Option<Rc<QualName>>,
}

struct Sink {
    nodes: RefCell<Vec<Node>>,
    line: Cell<u32>,
    /// Answer for `elem_name` on a non-element (the builder never asks; a name is needed).
    nameless: QualName,
}

/// Fewer bytes of markup per node than real pages have (corpus/html: one node in 22 bytes,
/// scripts and styles set aside): the arena is sized once for a page instead of being
/// copied as it doubles (room reserved and not written is not paged in).
const BYTES_PER_NODE: usize = 16;

impl Sink {
    fn for_text(text: &str) -> Self {
        let document = Node { data: Data::Document, parent: None, children: Vec::new(), line: 1 };
        let mut nodes = Vec::with_capacity(text.len() / BYTES_PER_NODE + 1);
        nodes.push(document);
        Sink {
            nodes: RefCell::new(nodes),
            line: Cell::new(1),
            nameless: QualName::new(None, ns!(), local_name!("")),
        }
    }

    fn push(&self, data: Data) -> NodeId {
        let mut nodes = self.nodes.borrow_mut();
        nodes.push(Node { data, parent: None, children: Vec::new(), line: self.line.get() });
        nodes.len() - 1
    }

    fn detach(nodes: &mut [Node], id: NodeId) {
        if let Some(p) = nodes[id].parent.take() {
            nodes[p].children.retain(|&c| c != id);
        }
    }

    /// Inserts `child` into `parent`'s children at `at`, merging text with the text node
    /// before it as the tree builder requires.
    fn insert(&self, parent: NodeId, at: Option<usize>, child: NodeOrText<Handle>) {
        let mut nodes = self.nodes.borrow_mut();
        let at = at.unwrap_or(nodes[parent].children.len());
        match child {
            NodeOrText::AppendText(text) => {
                if let Some(&prev) = at.checked_sub(1).and_then(|i| nodes[parent].children.get(i)) {
                    if let Data::Text(t) = &mut nodes[prev].data {
                        t.push_tendril(&text);
                        return;
                    }
                }
                nodes.push(Node {
                    data: Data::Text(text),
                    parent: Some(parent),
                    children: Vec::new(),
                    line: self.line.get(),
                });
                let id = nodes.len() - 1;
                nodes[parent].children.insert(at, id);
            }
            NodeOrText::AppendNode(h) => {
                Sink::detach(&mut nodes, h.id);
                let at = at.min(nodes[parent].children.len());
                nodes[h.id].parent = Some(parent);
                nodes[parent].children.insert(at, h.id);
            }
        }
    }
}

impl TreeSink for Sink {
    type Handle = Handle;
    type Output = Dom;
    type ElemName<'a> = &'a QualName;

    fn finish(self) -> Dom {
        Dom::with_order(self.nodes.into_inner())
    }

    fn parse_error(&self, _msg: std::borrow::Cow<'static, str>) {}

    fn get_document(&self) -> Handle {
        Handle { id: 0, name: None }
    }

    fn elem_name<'a>(&'a self, target: &'a Handle) -> &'a QualName {
        target.name.as_deref().unwrap_or(&self.nameless)
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, _: ElementFlags) -> Handle {
        let name = Rc::new(name);
        let id = self.push(Data::Element { name: name.clone(), attrs });
        Handle { id, name: Some(name) }
    }

    fn create_comment(&self, _text: StrTendril) -> Handle {
        Handle { id: self.push(Data::Other), name: None }
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> Handle {
        Handle { id: self.push(Data::Other), name: None }
    }

    fn append(&self, parent: &Handle, child: NodeOrText<Handle>) {
        self.insert(parent.id, None, child);
    }

    fn append_based_on_parent_node(
        &self,
        element: &Handle,
        prev_element: &Handle,
        child: NodeOrText<Handle>,
    ) {
        if self.nodes.borrow()[element.id].parent.is_some() {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}

    fn get_template_contents(&self, target: &Handle) -> Handle {
        // Template contents are inert: rendering treats the template element itself as
        // dropped, so its own node can stand for its contents.
        target.clone()
    }

    fn same_node(&self, x: &Handle, y: &Handle) -> bool {
        x.id == y.id
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &Handle, new_node: NodeOrText<Handle>) {
        let (parent, at) = {
            let nodes = self.nodes.borrow();
            let Some(parent) = nodes[sibling.id].parent else { return };
            let at = nodes[parent].children.iter().position(|&c| c == sibling.id);
            (parent, at)
        };
        self.insert(parent, at, new_node);
    }

    fn add_attrs_if_missing(&self, target: &Handle, attrs: Vec<Attribute>) {
        if let Data::Element { attrs: have, .. } = &mut self.nodes.borrow_mut()[target.id].data {
            for a in attrs {
                if !have.iter().any(|h| h.name == a.name) {
                    have.push(a);
                }
            }
        }
    }

    fn remove_from_parent(&self, target: &Handle) {
        Sink::detach(&mut self.nodes.borrow_mut(), target.id);
    }

    fn reparent_children(&self, node: &Handle, new_parent: &Handle) {
        let mut nodes = self.nodes.borrow_mut();
        let children = std::mem::take(&mut nodes[node.id].children);
        for &c in &children {
            nodes[c].parent = Some(new_parent.id);
        }
        nodes[new_parent.id].children.extend(children);
    }

    fn set_current_line(&self, line: u64) {
        self.line.set(u32::try_from(line).unwrap_or(u32::MAX));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_remember_their_source_lines() {
        let dom =
            Dom::parse_document("<html><body>\n<p>一</p>\n\n<p>二 <b>三</b></p>\n</body></html>");
        let ps: Vec<_> = dom.descendants(0).filter(|&n| dom.tag(n) == "p").collect();
        assert_eq!(ps.len(), 2);
        assert_eq!(dom.nodes[ps[0]].line, 2);
        assert_eq!(dom.nodes[ps[1]].line, 4);
        assert_eq!(dom.text_of(ps[1]), "二 三");
    }

    #[test]
    fn misnested_markup_is_repaired_as_browsers_do() {
        // The adoption agency algorithm moves nodes between parents: the arena must keep
        // one parent per node and every text once.
        let dom =
            Dom::parse_document("<p>一<b>二<i>三</b>四</i>五</p><table><td>六</td>七</table>");
        let body = dom.find("body").unwrap();
        assert_eq!(dom.text_of(body), "一二三四五七六");
        for (id, n) in dom.nodes.iter().enumerate() {
            for &c in &n.children {
                assert_eq!(dom.nodes[c].parent, Some(id));
            }
        }
    }

    #[test]
    fn white_space_folds_across_text_pieces() {
        for pieces in [
            &["  一 \n", "\t二", "三  "][..],
            &["", " ", "a", "", "b ", " c"],
            &["\u{3000}全角\u{3000}", "\u{a0}x"],
            &[" \n "],
        ] {
            let mut folded = Folded::default();
            pieces.iter().for_each(|p| folded.push(p));
            let whole = pieces.concat();
            let words: Vec<&str> = whole.split(|c: char| c.is_ascii_whitespace()).collect();
            let expected = words.into_iter().filter(|w| !w.is_empty()).collect::<Vec<_>>();
            assert_eq!(folded.text, expected.join(" "), "{pieces:?}");
            assert_eq!(fold_space(&whole), folded.text);
        }
        let dom = Dom::parse_document("<p> 一<b>二 </b>\n<i> 三</i><script>x</script>四 </p>");
        assert_eq!(dom.text_of(dom.find("p").unwrap()), "一二 三四");
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let html = "<div>".repeat(MAX_DEPTH) + "底" + &"</div>".repeat(MAX_DEPTH);
        assert_eq!(nesting(&html), MAX_DEPTH);
        let dom = Dom::parse_document(&html);
        assert_eq!(dom.text_of(0), "底");
    }

    #[test]
    fn nesting_counts_elements_left_open_but_not_those_closed_implicitly() {
        assert_eq!(nesting("<div><p>一<p>二<li>三</div><div><br><img src=x></div>"), 1);
        assert_eq!(nesting("<div><section><span>深</span></section></div>"), 3);
        assert_eq!(nesting("a < b, <你好>, </div></div>"), 0);
        assert_eq!(nesting("<!-- <div><div> --><script>'<div><div>'</script><div></div>"), 1);
    }
}
