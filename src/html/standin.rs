//! The content of a page's `<style>` and `<script>` elements, set aside before parsing.
//!
//! Style sheets and scripts are most of a page's bytes (57 % of corpus/html), and the
//! tokenizer reads every byte of them one character at a time, although an element of
//! raw text ends at the first `</style` (`</script`) whatever comes before it. So the
//! page is parsed with each such content replaced by a short stand-in that keeps its
//! newlines (every later node keeps its source line), and the content is put back into
//! the tree afterwards: the tree is the one the page itself gives.
//!
//! The scan that finds the contents models the tokenizer only roughly (comments, tags
//! and their quoted attribute values, elements of raw text), so the tree is checked
//! instead of trusted: every stand-in must come out as the whole text of an HTML `style`
//! or `script` element of its own. A stand-in holds a character that no page holding it
//! is scanned for, so it cannot be mistaken; one that came out anywhere else (the scan
//! took markup for text: inside SVG, a `<select>`, an attribute value) fails the check
//! and the page is parsed again as it is.

use std::ops::Range;

use html5ever::ns;
use html5ever::tendril::StrTendril;

use super::dom::{Data, Dom};

/// Opens a stand-in, before its number: a noncharacter, which text does not hold (a page
/// that holds one is parsed as it is).
const OPEN: char = '\u{FDD0}';
/// Closes a stand-in's number.
const CLOSE: char = '\u{FDD1}';

/// Contents shorter than this are parsed as they are: their stand-in would save little.
const MIN_CONTENT: usize = 128;

/// One element's content set aside.
#[derive(Debug)]
pub struct SetAside {
    /// `style` or `script`.
    tag: &'static str,
    /// The content in the page's text.
    range: Range<usize>,
    /// What the parser reads in its place.
    stand_in: String,
}

/// Parses a whole document as [`Dom::parse_document`] does, with the content of its
/// `<style>` and `<script>` elements set aside while the tokenizer reads the rest.
pub fn parse_page(text: &str) -> Dom {
    if let Some((with_stand_ins, set_aside)) = set_aside(text) {
        let mut dom = Dom::parse_tendril(with_stand_ins);
        if put_back(&mut dom, text, &set_aside) {
            return dom;
        }
    }
    Dom::parse_document(text)
}

/// The page with the content of its `<style>` and `<script>` elements replaced by
/// stand-ins, and what was replaced; `None` when nothing was. The page is written into the
/// tendril the parser reads, not into a string it would copy.
pub fn set_aside(text: &str) -> Option<(StrTendril, Vec<SetAside>)> {
    // `memmem`, not `contains(char)`: the char search looks for the last byte of the
    // character's UTF-8, a continuation byte frequent in Chinese text.
    let mut open = [0; 4];
    if memchr::memmem::find(text.as_bytes(), OPEN.encode_utf8(&mut open).as_bytes()).is_some() {
        return None;
    }
    let bytes = text.as_bytes();
    let mut out = StrTendril::new();
    let mut copied = 0;
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(lt) = memchr::memchr(b'<', &bytes[at..]).map(|i| at + i) {
        let rest = &bytes[lt + 1..];
        at = lt + 1;
        if rest.starts_with(b"!--") {
            // From the comment's own `--`: `<!-->` and `<!--->` are whole comments.
            match memchr::memmem::find(&bytes[lt + 2..], b"-->") {
                Some(end) => at = lt + 2 + end + 3,
                None => break,
            }
            continue;
        }
        match rest.first() {
            Some(b'!' | b'?') => {
                // Doctypes and bogus comments: to their `>`.
                match memchr::memchr(b'>', rest) {
                    Some(end) => at = lt + 1 + end + 1,
                    None => break,
                }
                continue;
            }
            Some(b'/') => {
                // End tags: their attribute values are read as a start tag's.
                match tag_end(bytes, lt + 1) {
                    Some(end) => at = end + 1,
                    None => break,
                }
                continue;
            }
            Some(b) if b.is_ascii_alphabetic() => {}
            _ => continue,
        }
        let name_len = rest
            .iter()
            .take_while(|b| !matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>'))
            .count();
        let name = &rest[..name_len];
        let Some(end) = tag_end(bytes, lt + 1 + name_len) else { break };
        at = end + 1;
        let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
        let kept = ["style", "script"].into_iter().find(|n| is(n));
        // Elements whose content is not markup, or where `<style>` and `<script>` are not
        // HTML elements of raw text (SVG and MathML, a `<select>`): passed over whole.
        let passed = ["textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"]
            .into_iter()
            .chain(["svg", "math", "select"])
            .find(|n| is(n));
        if is("plaintext") {
            break;
        }
        let Some(tag) = kept.or(passed) else { continue };
        let Some(close) = end_tag(bytes, at, tag) else { break };
        let content = &text[at..close];
        let plain_code = kept.is_some()
            && content.len() >= MIN_CONTENT
            && memchr::memchr2(b'\r', b'\0', content.as_bytes()).is_none()
            // `<!--` in a script starts the escaped states, where `</script>` may not end it.
            && !(tag == "script" && content.contains("<!--"));
        if plain_code {
            let stand_in = stand_in(found.len(), content);
            if found.is_empty() {
                // At most the page: stand-ins are shorter than what they stand for.
                out.reserve(u32::try_from(text.len()).unwrap_or(u32::MAX));
            }
            out.push_slice(&text[copied..at]);
            out.push_slice(&stand_in);
            copied = close;
            found.push(SetAside { tag, range: at..close, stand_in });
        }
        at = close;
    }
    if found.is_empty() {
        return None;
    }
    out.push_slice(&text[copied..]);
    Some((out, found))
}

/// The stand-in for content number `n`: its newlines, and its number between [`OPEN`] and
/// [`CLOSE`]. A leading newline stays first, so the text node starts on the line it did.
fn stand_in(n: usize, content: &str) -> String {
    let newlines = memchr::memchr_iter(b'\n', content.as_bytes()).count();
    let lead = usize::from(content.starts_with('\n'));
    let mut s = String::with_capacity(newlines + 12);
    s.push_str(&"\n".repeat(lead));
    s.push(OPEN);
    s.push_str(&n.to_string());
    s.push(CLOSE);
    s.push_str(&"\n".repeat(newlines - lead));
    s
}

/// The `>` that ends the tag whose name ends before `from`: quoted attribute values may
/// hold `>`.
fn tag_end(bytes: &[u8], mut from: usize) -> Option<usize> {
    loop {
        let i = from + memchr::memchr2(b'>', b'=', &bytes[from..])?;
        if bytes[i] == b'>' {
            return Some(i);
        }
        let mut v = i + 1;
        while bytes.get(v).is_some_and(|b| matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')) {
            v += 1;
        }
        from = match bytes.get(v) {
            Some(&q @ (b'"' | b'\'')) => v + 1 + memchr::memchr(q, &bytes[v + 1..])? + 1,
            _ => v,
        };
    }
}

/// Where the first end tag of `tag` from `from` starts: `</tag` (any case) followed by
/// white space, `/` or `>`, as the tokenizer ends an element of raw text.
fn end_tag(bytes: &[u8], from: usize, tag: &str) -> Option<usize> {
    memchr::memchr_iter(b'<', &bytes[from..]).map(|i| from + i).find(|&i| {
        let name = bytes.get(i + 2..).unwrap_or_default();
        bytes.get(i + 1) == Some(&b'/')
            && name.len() > tag.len()
            && name[..tag.len()].eq_ignore_ascii_case(tag.as_bytes())
            && matches!(name[tag.len()], b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>')
    })
}

/// Puts the set-aside contents back into `dom` (parsed from the page with its stand-ins).
/// Returns `false`, leaving `dom` as it is, when a stand-in is not the whole text of an HTML
/// element of its tag: the page must be parsed as it is.
///
/// Only such elements are looked at: a stand-in found there was read as raw text from its
/// start tag to its end tag, and the tokenizer reads each character once, so it is nowhere
/// else; one read otherwise is not found there.
pub fn put_back(dom: &mut Dom, text: &str, set_aside: &[SetAside]) -> bool {
    let mut node_of = vec![None; set_aside.len()];
    for (id, node) in dom.nodes.iter().enumerate() {
        let Data::Text(t) = &node.data else { continue };
        let Some(number) = t.trim_start_matches('\n').strip_prefix(OPEN) else { continue };
        let Some(n) = number.split(CLOSE).next().and_then(|n| n.parse::<usize>().ok()) else {
            continue;
        };
        let Some(s) = set_aside.get(n) else { continue };
        let whole = node.parent.is_some_and(|p| {
            let parent = &dom.nodes[p];
            let element = matches!(&parent.data, Data::Element { name, .. }
                if name.ns == ns!(html) && &*name.local == s.tag);
            element && parent.children == [id]
        });
        if whole && **t == *s.stand_in && node_of[n].is_none() {
            node_of[n] = Some(id);
        }
    }
    let Some(nodes) = node_of.into_iter().collect::<Option<Vec<_>>>() else { return false };
    for (s, id) in set_aside.iter().zip(nodes) {
        dom.nodes[id].data = Data::Text(StrTendril::from(&text[s.range.clone()]));
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every node alike: name and attributes, text, parent, children and source line.
    fn assert_same_tree(a: &Dom, b: &Dom, page: &str) {
        assert_eq!(a.nodes.len(), b.nodes.len(), "{page}");
        for (id, (x, y)) in a.nodes.iter().zip(&b.nodes).enumerate() {
            let what = |d: &Data| match d {
                Data::Element { name, attrs } => {
                    let attrs: Vec<_> =
                        attrs.iter().map(|a| format!("{}={}", &*a.name.local, &*a.value)).collect();
                    format!("{:?}:{} {attrs:?}", name.ns, &*name.local)
                }
                Data::Text(t) => format!("text {:?}", &**t),
                Data::Document => "document".to_owned(),
                Data::Other => "other".to_owned(),
            };
            assert_eq!(what(&x.data), what(&y.data), "node {id} of {page}");
            assert_eq!((x.parent, &x.children, x.line), (y.parent, &y.children, y.line), "{page}");
        }
    }

    fn parsed_both_ways(page: &str) -> Dom {
        let dom = parse_page(page);
        assert_same_tree(&dom, &Dom::parse_document(page), page);
        dom
    }

    /// Long enough to be set aside.
    fn css() -> String {
        "\n  .a { color: red }\n".repeat(10)
    }

    #[test]
    fn contents_set_aside_come_back_with_their_lines() {
        let js = "var s = '<div>' + (a < b) + '</scriptx>' + '<!' + 'x';\n".repeat(4);
        let pages = [
            format!("<html><head><style>{}</style>\n<script>{js}</script></head><body><p>正文</p></body></html>", css()),
            // Content on the tag's line, upper case, white space before `>`, a table.
            format!("<table><tr><td>一<STYLE type=\"text/css\">x{}</STYLE ><script>{js}</script >二</td></tr></table>", css()),
            // An attribute value holding `>` and `<style>`, a comment holding a style.
            format!("<div title='a > <style>'>一</div><!-- <style>{}</style> --><style>{}</style><p>二", css(), css()),
        ];
        for (page, count) in pages.iter().zip([2, 2, 1]) {
            let (_, set_aside) = set_aside(page).expect("contents to set aside");
            assert_eq!(set_aside.len(), count, "{page}");
            let dom = parsed_both_ways(page);
            let style = dom.find("style").unwrap();
            assert!(dom.text_of(dom.nodes[style].parent.unwrap()).len() < 20);
        }
    }

    #[test]
    fn markup_that_is_not_raw_text_is_parsed_as_it_is() {
        let css = css();
        let pages = [
            // SVG's and MathML's styles are foreign elements, a select's is no element; a
            // script with `<!--` may run past its first `</script>`; a textarea is text.
            format!("<p><svg><style>{css}</style></svg><math><style>{css}</style></math></p>"),
            format!("<select><style>{css}</style><option>一</option></select>"),
            format!("<script><!-- document.write('<script>{css}</script>') --></script><p>一</p>"),
            format!("<textarea><style>{css}</style></textarea>"),
        ];
        for page in &pages {
            assert!(set_aside(page).is_none(), "{page}");
            parsed_both_ways(page);
        }
        // A frameset ignores `<style>`: the stand-in is lost, the check sees it, and the page
        // is parsed again as it is.
        let page = format!("<frameset><style>{css}</style></frameset>");
        let (with, found) = set_aside(&page).expect("a style to set aside");
        assert!(!put_back(&mut Dom::parse_document(&with), &page, &found));
        parsed_both_ways(&page);
        // A page that holds the stand-ins' character is not scanned.
        assert!(set_aside(&format!("<style>{css}</style>{OPEN}")).is_none());
    }

    #[test]
    fn the_corpus_pages_are_parsed_with_stand_ins() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/html");
        let mut pages = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "html") {
                continue;
            }
            let page =
                String::from_utf8_lossy(&std::fs::read(&path).unwrap()).replace("\r\n", "\n");
            let (with, found) = set_aside(&page).expect("every page has scripts or styles");
            let mut dom = Dom::parse_document(&with);
            assert!(put_back(&mut dom, &page, &found), "{}", path.display());
            assert_same_tree(&dom, &Dom::parse_document(&page), &path.display().to_string());
            pages += 1;
        }
        assert!(pages >= 20);
    }
}
