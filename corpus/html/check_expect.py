#!/usr/bin/env python3
"""Checks EXPECT.json against the pages themselves (no zhpipe involved):

  every must_contain string is inside the text of the page's main_selector element;
  every must_not_contain string is on the page but outside that element;
  the title occurs on the page.

A feed (`.xml`) is read as the page `feed_as_page` makes of it: its items' HTML bodies, each under
its title, in `div.entry`.

    python3 corpus/html/check_expect.py        (needs lxml and cssselect; trafilatura installs both)

Strings are compared as in shared/real-dev/check_real.py: NFKC, curly quotes straightened, whitespace removed.
Exit status 0 when every check passes.
"""
import json, pathlib, re, sys, unicodedata

import lxml.html

HERE = pathlib.Path(__file__).resolve().parent


def norm(s):
    s = unicodedata.normalize('NFKC', s or '')
    s = s.replace('“', '"').replace('”', '"').replace('‘', "'").replace('’', "'")
    return re.sub(r'\s+', '', s)


def decode(raw):
    """The page as text: UTF-8 when it decodes as UTF-8 (some pages declare gb2312 but are UTF-8), else the
    declared charset, else GB18030."""
    try:
        return raw.decode('utf-8')
    except UnicodeDecodeError:
        m = re.search(rb'charset=["\']?([A-Za-z0-9_-]+)', raw[:4096])
        enc = m.group(1).decode() if m else 'gb18030'
        if enc.lower() in ('gb2312', 'gbk'):
            enc = 'gb18030'
        return raw.decode(enc, errors='replace')


def feed_as_page(raw):
    """An RSS or Atom feed as the page a reader of it sees: the channel's title, subtitle and
    rights in a header, then every item as `<div class="entry">` holding its title as a
    heading and its HTML body (content, else description or summary)."""
    import html
    import lxml.etree
    root = lxml.etree.fromstring(raw.lstrip())
    local = lambda el: lxml.etree.QName(el).localname
    def child(el, *names):
        for n in names:
            for c in el:
                if isinstance(c.tag, str) and local(c) == n and (c.text or '').strip():
                    return c.text
        return ''
    channel = next((c for c in root if isinstance(c.tag, str) and local(c) == 'channel'), root)
    items = [el for el in root.iter() if isinstance(el.tag, str) and local(el) in ('item', 'entry')]
    head = ''.join(f'<p>{html.escape(child(channel, n))}</p>' for n in ('title', 'subtitle', 'description', 'rights'))
    body = ''.join(f'<div class="entry"><h2>{html.escape(child(it, "title"))}</h2>'
                   f'{child(it, "encoded", "content", "description", "summary")}</div>' for it in items)
    return f'<html><head><title>{html.escape(child(channel, "title"))}</title></head><body><header>{head}</header>{body}</body></html>'


def parse(path):
    """The page as lxml parses it; a feed (`.xml`, `.rss`, `.atom`) as `feed_as_page` lays it out."""
    raw = path.read_bytes()
    if path.suffix in ('.xml', '.rss', '.atom'):
        return lxml.html.fromstring(feed_as_page(raw))
    return lxml.html.fromstring(decode(raw))


def main():
    bad = 0
    try:
        import opencc
        t2s = opencc.OpenCC('t2s').convert
    except ImportError:
        t2s = None
        print('opencc missing: must_contain of Traditional pages (given in Simplified) not checked against them')
    for e in json.load(open(HERE / 'EXPECT.json', encoding='utf-8')):
        tree = parse(HERE / e['file'])
        for x in tree.xpath('//script|//style|//noscript'):
            x.drop_tree()
        els = tree.cssselect(e['main_selector'])
        if not els:
            print(f"{e['file']}: main_selector {e['main_selector']!r} matches nothing"); bad += 1
            continue
        main_text = '\n'.join(el.text_content() for el in els)
        # must_contain of Traditional pages is written in Simplified (the scorer reads zh_hans)
        fold = t2s if e.get('variant') in ('tw', 'hk') and t2s else None
        main_text = norm(fold(main_text) + main_text if fold else main_text)
        page = norm(tree.text_content())
        for el in els:
            el.drop_tree()
        rest = norm(tree.text_content())
        for s in e.get('must_contain', []):
            if norm(s) not in main_text:
                print(f"{e['file']}: must_contain not in main: {s}"); bad += 1
        for s in e.get('must_not_contain', []):
            if norm(s) in main_text:
                print(f"{e['file']}: must_not_contain inside main: {s}"); bad += 1
            elif norm(s) not in rest:
                print(f"{e['file']}: must_not_contain not on page: {s}"); bad += 1
        if norm(e['title']) not in page and norm(e['title']) not in norm(tree.findtext('.//title') or ''):
            print(f"{e['file']}: title not on page: {e['title']}"); bad += 1
    print('all checks pass' if not bad else f'{bad} problems')
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
