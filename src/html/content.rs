//! Which parts of a page are the article: elements that are never content (scripts, page
//! chrome, hidden elements, widgets named as such), and a readability-style score that
//! finds the block holding the article's paragraphs.
//!
//! The score follows Readability (Mozilla): every paragraph-like element with enough text
//! gives its parent and grandparent points for its length and its sentence punctuation
//! (Chinese full-width commas and stops count as commas do in Latin text), candidates are
//! weighed by tag and by class/id words, and discounted by the share of their text inside
//! links. The best candidate's siblings join it when they score close to it.

use super::dom::{Data, Dom, NodeId};

/// Why a subtree is left out of the article text (the audit rule, after `decode.html.`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drop {
    /// Scripts, styles, forms' controls, embedded objects: code or widgets, never text.
    Code,
    /// Page chrome by element: `nav`, `aside`, page-level `header`/`footer`, forms, dialogs.
    Chrome,
    /// `hidden`, `aria-hidden="true"`, `display: none`.
    Hidden,
    /// Class or id names a widget (comments, share bar, related list, ads, …).
    Widget,
    /// A list or block made mostly of links (related-article lists, tag clouds, pagers).
    LinkList,
    /// Outside the block that scored as the article.
    OutsideMain,
}

impl Drop {
    pub fn rule(self) -> &'static str {
        match self {
            Drop::Code => "decode.html.code",
            Drop::Chrome => "decode.html.chrome",
            Drop::Hidden => "decode.html.hidden",
            Drop::Widget => "decode.html.widget",
            Drop::LinkList => "decode.html.link-list",
            Drop::OutsideMain => "decode.html.outside-main",
        }
    }
}

/// Elements that are code or widgets, never text. A `match`, not a search of a list: this
/// runs for every element of the page.
fn is_code(tag: &str) -> bool {
    matches!(
        tag,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "canvas"
            | "iframe"
            | "object"
            | "embed"
            | "select"
            | "button"
            | "input"
            | "textarea"
            | "option"
            | "head"
            | "title"
            | "meta"
            | "link"
            | "audio"
            | "video"
            | "source"
            | "map"
    )
}

/// Page chrome by element. Not `form`: ASP.NET pages wrap the whole page in one (its
/// controls are code, [`is_code`]).
fn is_chrome(tag: &str) -> bool {
    matches!(tag, "nav" | "aside" | "menu" | "dialog")
}

/// Words in class or id that name page widgets. Matched against whole words of the
/// attribute (split at `-`, `_`, spaces and camel case), so `shadow` is not `ad`.
fn widget_word(w: &str) -> bool {
    // A `match`, not a search of a list: this runs for every word of every class and id.
    matches!(
        w,
        "comment"
            | "comments"
            | "sidebar"
            | "sidenav"
            | "footer"
            | "foot"
            | "nav"
            | "navbar"
            | "menu"
            | "breadcrumb"
            | "breadcrumbs"
            | "share"
            | "sharing"
            | "social"
            | "related"
            | "recommend"
            | "recommended"
            | "recommends"
            | "hot"
            | "rank"
            | "ranking"
            | "popular"
            | "ad"
            | "ads"
            | "advert"
            | "advertisement"
            | "banner"
            | "sponsor"
            | "login"
            | "signin"
            | "copyright"
            | "disclaimer"
            | "statement"
            | "subscribe"
            | "toolbar"
            | "pagination"
            | "pager"
            | "widget"
            | "modal"
            | "popup"
            | "cookie"
            | "cookies"
            | "qrcode"
            | "qr"
            | "download"
            | "tags"
            | "tag"
            | "topbar"
            | "masthead"
            | "header"
    )
}
/// Words that mark a likely article container, which keep a widget-named element (an
/// `article-footer` still holds article text often enough).
fn article_word(w: &str) -> bool {
    matches!(
        w,
        "article"
            | "content"
            | "main"
            | "body"
            | "text"
            | "entry"
            | "post"
            | "story"
            | "detail"
            | "rich"
            | "column"
            | "news"
    )
}

/// What the class and id names of `id` say: `(names a widget, names an article)`. Words
/// are split at `-`, `_`, spaces and camel case and compared lower-cased, in a buffer on
/// the stack (this runs for every element of the page).
fn class_says(dom: &Dom, id: NodeId) -> (bool, bool) {
    let (mut widget, mut article) = (false, false);
    let mut judge = |word: &[u8]| {
        let Ok(w) = std::str::from_utf8(word) else { return };
        widget |= widget_word(w);
        article |= article_word(w);
    };
    for key in ["class", "id"] {
        let Some(v) = dom.attr(id, key) else { continue };
        let mut buf = [0u8; 24];
        let mut len = 0usize;
        let mut prev_lower = false;
        for &b in v.as_bytes() {
            let boundary = !b.is_ascii_alphanumeric() || (b.is_ascii_uppercase() && prev_lower);
            if boundary && len > 0 {
                // Words longer than the buffer are no listed word.
                if len <= buf.len() {
                    judge(&buf[..len]);
                }
                len = 0;
            }
            if b.is_ascii_alphanumeric() {
                if len < buf.len() {
                    buf[len] = b.to_ascii_lowercase();
                }
                len += 1;
            }
            prev_lower = b.is_ascii_lowercase();
        }
        if len > 0 && len <= buf.len() {
            judge(&buf[..len]);
        }
    }
    (widget, article)
}

fn hidden(dom: &Dom, id: NodeId) -> bool {
    if dom.attr(id, "hidden").is_some() || dom.attr(id, "aria-hidden") == Some("true") {
        return true;
    }
    // `visibility: hidden` is not taken as hidden: pages (WeChat's among them) ship their
    // article so and reveal it by script.
    dom.attr(id, "style").is_some_and(|s| {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        s.to_ascii_lowercase().contains("display:none")
    })
}

/// Why the element `id` is never article text, judged from itself alone. With `widgets`
/// off, class and id names are not read (the second try when they left no article).
pub fn drop_reason(dom: &Dom, id: NodeId, in_article: bool, widgets: bool) -> Option<Drop> {
    let tag = dom.tag(id);
    if tag.is_empty() {
        return None;
    }
    if is_code(tag) {
        return Some(Drop::Code);
    }
    if hidden(dom, id) {
        return Some(Drop::Hidden);
    }
    if is_chrome(tag) || (matches!(tag, "header" | "footer") && !in_article) {
        return Some(Drop::Chrome);
    }
    if !widgets || matches!(tag, "body" | "html" | "article" | "main") {
        return None;
    }
    let (widget, article) = class_says(dom, id);
    if widget && !article {
        return Some(Drop::Widget);
    }
    None
}

/// Character counts of a subtree, ignoring dropped parts.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub chars: usize,
    pub link_chars: usize,
    /// Sentence punctuation: `，。！？；、` and their Latin forms.
    pub commas: usize,
}

fn count_text(t: &str, in_link: bool, c: &mut Counts) {
    for ch in t.chars() {
        if ch.is_whitespace() {
            continue;
        }
        c.chars += 1;
        if in_link {
            c.link_chars += 1;
        }
        if matches!(ch, '，' | '。' | '！' | '？' | '；' | '、' | ',' | '.' | ';') {
            c.commas += 1;
        }
    }
}

/// Per node: its drop reason and the counts of its kept subtree. One post-order pass.
pub struct Analysis {
    pub drop: Vec<Option<Drop>>,
    pub counts: Vec<Counts>,
}

pub fn analyse(dom: &Dom, widgets: bool) -> Analysis {
    let n = dom.nodes.len();
    let mut drop = vec![None; n];
    let mut in_link = vec![false; n];
    let mut in_article = vec![false; n];
    // Pre-order: reasons and inherited flags (parents come before children in this walk).
    let order: Vec<NodeId> = dom.descendants(0).collect();
    for &id in &order {
        let parent = dom.nodes[id].parent;
        let inherited_article = parent.is_some_and(|p| in_article[p]);
        in_article[id] = inherited_article || dom.tag(id) == "article";
        in_link[id] = parent.is_some_and(|p| in_link[p]) || dom.tag(id) == "a";
        // Inside a subtree left out, everything is left out (for the reason of its root).
        drop[id] = parent
            .and_then(|p| drop[p])
            .or_else(|| drop_reason(dom, id, inherited_article, widgets));
    }
    // Post-order (reverse pre-order): counts bubble up from kept children.
    let mut counts = vec![Counts::default(); n];
    for &id in order.iter().rev() {
        if drop[id].is_some() {
            continue;
        }
        let mut c = counts[id];
        if let Data::Text(t) = &dom.nodes[id].data {
            count_text(t, in_link[id], &mut c);
        }
        for &ch in &dom.nodes[id].children {
            if drop[ch].is_none() {
                c.chars += counts[ch].chars;
                c.link_chars += counts[ch].link_chars;
                c.commas += counts[ch].commas;
            }
        }
        counts[id] = c;
    }
    Analysis { drop, counts }
}

impl Analysis {
    pub fn link_density(&self, id: NodeId) -> f32 {
        let c = self.counts[id];
        if c.chars == 0 {
            0.0
        } else {
            c.link_chars as f32 / c.chars as f32
        }
    }
}

/// Elements that start a paragraph of their own: a `match`, not a search of a list (the
/// renderer asks this of every element it opens and closes).
pub fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "ul"
            | "ol"
            | "li"
            | "dl"
            | "dt"
            | "dd"
            | "blockquote"
            | "pre"
            | "table"
            | "thead"
            | "tbody"
            | "tfoot"
            | "tr"
            | "td"
            | "th"
            | "figure"
            | "figcaption"
            | "header"
            | "footer"
            | "address"
            | "hr"
            | "center"
            | "details"
            | "summary"
            | "caption"
            | "fieldset"
            | "br"
    )
}

fn tag_weight(tag: &str) -> f32 {
    match tag {
        "div" | "article" | "section" | "main" => 5.0,
        "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
        _ => 0.0,
    }
}

fn class_weight(dom: &Dom, id: NodeId) -> f32 {
    let (widget, article) = class_says(dom, id);
    let mut w = 0.0;
    if article {
        w += 25.0;
    }
    if widget {
        w -= 25.0;
    }
    w
}

/// A paragraph-like element: a `p`, `pre` or `td`, or any element with text of its own
/// (a `div` holding text and `<br>`s is a paragraph too).
fn is_paragraph(dom: &Dom, a: &Analysis, id: NodeId) -> bool {
    match dom.tag(id) {
        "p" | "pre" | "td" | "blockquote" => true,
        "" => false,
        _ => dom.nodes[id].children.iter().any(|&c| {
            a.drop[c].is_none()
                && matches!(&dom.nodes[c].data, Data::Text(t) if t.trim().chars().count() >= 10)
        }),
    }
}

/// How a site's standing notice opens (`【免责声明】本文仅代表作者本人观点…`, `版权声明：…`).
/// Such a paragraph is the same on every page of the site, never the article: it gives its
/// block no points, or a one-paragraph article loses to the notice beside it.
const NOTICE_OPENINGS: &[&str] = &[
    "免责声明",
    "免責聲明",
    "版权声明",
    "版權聲明",
    "特别声明",
    "特別聲明",
    "郑重声明",
    "鄭重聲明",
];

fn is_notice(dom: &Dom, id: NodeId) -> bool {
    let mut first = String::new();
    for d in dom.descendants(id) {
        if let Data::Text(t) = &dom.nodes[d].data {
            first.extend(t.chars().filter(|c| !c.is_whitespace()).take(8 - first.chars().count()));
            if first.chars().count() >= 8 {
                break;
            }
        }
    }
    let first = first.trim_start_matches(['【', '[', '（', '(', '〔']);
    NOTICE_OPENINGS.iter().any(|o| first.starts_with(o))
}

/// Pages that name their article container: WeChat's `#js_content`, schema.org's
/// `articleBody`.
fn named_container(dom: &Dom, a: &Analysis) -> Option<NodeId> {
    dom.descendants(0).find(|&n| {
        (dom.attr(n, "id") == Some("js_content") || dom.attr(n, "itemprop") == Some("articleBody"))
            && a.counts[n].chars >= 20
    })
}

/// The nodes whose subtrees make the article, in document order: the best-scoring
/// candidate and the siblings that score close to it. `None` when no block has enough
/// text to tell (the whole body is then the article).
pub fn main_content(dom: &Dom, a: &Analysis) -> Option<Vec<NodeId>> {
    if let Some(n) = named_container(dom, a) {
        return Some(vec![n]);
    }
    let n = dom.nodes.len();
    let mut score = vec![0.0f32; n];
    let mut scored = vec![false; n];
    let init = |id: NodeId, score: &mut [f32], scored: &mut [bool]| {
        if !scored[id] {
            scored[id] = true;
            score[id] = tag_weight(dom.tag(id)) + class_weight(dom, id);
        }
    };
    for id in dom.descendants(0) {
        if a.drop[id].is_some() || !is_paragraph(dom, a, id) {
            continue;
        }
        let c = a.counts[id];
        if c.chars < 25 || is_notice(dom, id) {
            continue;
        }
        let points = 1.0 + c.commas as f32 + (c.chars as f32 / 100.0).min(3.0);
        let mut up = dom.nodes[id].parent;
        for level in 0..3 {
            let Some(p) = up.filter(|&p| !dom.tag(p).is_empty()) else { break };
            init(p, &mut score, &mut scored);
            score[p] += points / [1.0, 2.0, 6.0][level];
            up = dom.nodes[p].parent;
        }
    }
    let best = (0..n)
        .filter(|&i| scored[i] && a.drop[i].is_none() && !matches!(dom.tag(i), "html" | "body"))
        .map(|i| (i, score[i] * (1.0 - a.link_density(i))))
        .max_by(|x, y| x.1.total_cmp(&y.1))?;
    if best.1 < 10.0 {
        return None;
    }
    let (best, top) = best;
    let Some(parent) = dom.nodes[best].parent else { return Some(vec![best]) };
    let threshold = (top * 0.2).max(10.0);
    let keep = dom.nodes[parent]
        .children
        .iter()
        .copied()
        .filter(|&s| {
            if s == best {
                return true;
            }
            if a.drop[s].is_some() || dom.tag(s).is_empty() {
                return false;
            }
            let sibling = if scored[s] { score[s] * (1.0 - a.link_density(s)) } else { 0.0 };
            let c = a.counts[s];
            sibling >= threshold
                || (dom.tag(s) == "p" && c.chars > 80 && a.link_density(s) < 0.25)
                || (dom.tag(s) == "p" && c.chars > 0 && c.link_chars == 0 && c.commas > 0)
        })
        .collect();
    Some(keep)
}

/// A block inside the article made mostly of links: related-article lists, tag lists,
/// pagers. Blocks with sentences of their own outside the links stay.
pub fn is_link_list(dom: &Dom, a: &Analysis, id: NodeId) -> bool {
    if !matches!(dom.tag(id), "ul" | "ol" | "div" | "section" | "table" | "dl" | "p") {
        return false;
    }
    let c = a.counts[id];
    // The counts first: the links are counted over the whole subtree, and this is asked of
    // every block rendered.
    a.link_density(id) > 0.6
        && c.chars - c.link_chars < 40
        && dom.descendants(id).filter(|&d| dom.tag(d) == "a").count() >= 3
}
