#!/usr/bin/env python3
"""Main-text extraction from real Chinese HTML pages: zhpipe against trafilatura.

    python3 benches/html_vs_trafilatura.py [--zhpipe target/release/zhpipe] [--corpus corpus/html] [--runs 3]

(from the repository root, after `cargo build --release`; needs `pip install trafilatura` — its version is
printed with the table).

Gold text: the text of the element `main_selector` (a CSS selector written by hand per page in
corpus/html/EXPECT.json), with <script>/<style> removed.

Text compared per tool:
  trafilatura  `trafilatura.extract(html)` (default settings: no comments, no tables kept off) plus its title;
  zhpipe       `zhpipe run FILE --quiet`, the segments' text in the page's own script: zh_hant for pages
               with "variant": "tw" or "hk", zh_hans otherwise.
On "tw" and "hk" pages every text (gold, both extractions, the EXPECT strings) is folded with OpenCC t2s before
comparing when the `opencc` Python package is installed: zhpipe's zh_hant is OpenCC-standard Traditional
(臺 for the page's 台, 陽臺 for 陽台), and a variant character is not an extraction error.  Without `opencc` the
texts are compared unfolded and the table says so.

Measure: both texts are NFKC-normalised and all whitespace is removed, then each is turned into a bag
(multiset) of character bigrams.  recall = |gold ∩ extracted| / |gold|, precision = |gold ∩ extracted| /
|extracted| (multiset intersection), F1 their harmonic mean.  Bigram bags need no alignment (no LCS), are
linear in text length, and still penalise text that is missing, added or duplicated.  Totals are summed over
pages (micro average).

Checks: must_contain / must_not_contain strings of EXPECT.json against the extracted text (same
normalisation as shared/real-dev/check_real.py: NFKC, curly quotes straightened, whitespace removed), and the
metadata title / author / published with check_real.py's rules (title equal after normalisation, author
equal, published a prefix of the ISO date).  trafilatura's metadata come from `bare_extraction`.

Feeds (`.xml`): zhpipe reads the feed file itself; trafilatura, which takes pages, is given the page
`check_expect.feed_as_page` makes of the feed (the items' bodies under their titles), the same page the
gold text comes from.

Speed: MB of HTML per second per core, as CPU time (user + system, every thread counted), not wall
time: the host is shared, and CPU time is what a core spends whatever else runs beside it.  Best of
--runs; the runs of every measurement are interleaved, so load falls on all of them alike.

Start-up is counted the way a corpus user meets it, on both sides alike: one process over all the pages.
  trafilatura  one Python process extracting every page in turn (text + metadata, as above); its
               start-up is the interpreter and `import trafilatura`, timed as `python3 -c "import
               trafilatura"`.
  zhpipe       one `zhpipe run PAGE... --jobs 1 --quiet` over the folder's pages (every stage, not only
               HTML extraction); its start-up is one `zhpipe run` of a one-line page.
The headline row compares the two with their start-ups ("one process, start-up included"); the
"without start-up" rows take each side's start-up off (what a long corpus run converges to).  The
`--until decode` rows are HTML parsing, article extraction and metadata only: what trafilatura does.
"""
import argparse, collections, json, pathlib, resource, subprocess, sys, time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.dont_write_bytecode = True
sys.path.insert(0, str(ROOT / 'corpus' / 'html'))
from check_expect import feed_as_page, norm, parse  # noqa: E402  (one definition of the normalisation and page decoding)


def bigrams(s):
    s = norm(s)
    return collections.Counter(s[i:i + 2] for i in range(len(s) - 1))


def folder():
    """OpenCC t2s as a function, or None when the opencc package is missing."""
    try:
        import opencc
    except ImportError:
        return None
    return opencc.OpenCC('t2s').convert


def overlap(gold, got):
    g, x = bigrams(gold), bigrams(got)
    inter = sum((g & x).values())
    return inter, sum(g.values()), sum(x.values())


def gold_text(path, selector):
    tree = parse(path)
    for bad in tree.xpath('//script|//style|//noscript'):
        bad.drop_tree()
    els = tree.cssselect(selector)
    if not els:
        raise SystemExit(f'{path.name}: main_selector {selector!r} matches nothing')
    return '\n'.join(e.text_content() for e in els)


def traf(html):
    import trafilatura
    # the date with its time, so that check_real's prefix rule ("2019-09-07T13:43") can pass
    doc = trafilatura.bare_extraction(html, with_metadata=True, date_extraction_params={
        'extensive_search': True, 'original_date': True, 'outputformat': '%Y-%m-%dT%H:%M:%S'})
    if doc is None:
        return '', {}
    d = doc.as_dict() if hasattr(doc, 'as_dict') else dict(doc)
    return d.get('text') or '', {'title': d.get('title'), 'author': d.get('author'), 'published': d.get('date')}


def zh(zhpipe, path, tw):
    p = subprocess.run([zhpipe, 'run', str(path), '--quiet'], capture_output=True, text=True)
    if p.returncode != 0:
        return '', {}, p.stderr.strip()[:120]
    recs = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    key = 'zh_hant' if tw else 'zh_hans'
    docs = [r for r in recs if r.get('type') == 'document']
    text = '\n'.join(r.get(key) or '' for r in recs if r.get('type') == 'segment')
    meta = {}
    if docs:
        d = docs[0]
        t = d.get('title') or {}
        meta = {'title': [t.get('zh_hans'), t.get('zh_hant'), t.get('en')], 'author': d.get('author'),
                'published': d.get('published')}
    return text, meta, ''


def checks(e, text, meta, fold):
    n = norm(fold(text))
    mc = [norm(fold(s)) in n for s in e.get('must_contain', [])]
    mn = [norm(fold(s)) not in n for s in e.get('must_not_contain', [])]
    md = []
    if e.get('title'):
        titles = meta.get('title')
        titles = titles if isinstance(titles, list) else [titles]
        md.append(norm(fold(e['title'])) in {norm(fold(t)) for t in titles if t})
    if e.get('author'):
        md.append(norm(meta.get('author')) == norm(e['author']))
    if e.get('published'):
        md.append((meta.get('published') or '').startswith(e['published']))
    return mc, mn, md


def frac(xs):
    return f'{sum(xs)}/{len(xs)}' if xs else '–'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--zhpipe', default='target/release/zhpipe')
    ap.add_argument('--corpus', default=str(ROOT / 'corpus' / 'html'))
    ap.add_argument('--runs', type=int, default=3)
    a = ap.parse_args()
    import trafilatura
    corpus = pathlib.Path(a.corpus)
    expect = json.load(open(corpus / 'EXPECT.json', encoding='utf-8'))
    tools = ('trafilatura', 'zhpipe')
    t2s = folder()
    tot = {t: collections.Counter() for t in tools}
    rows = []
    errors = []
    for e in expect:
        path = corpus / e['file']
        html = path.read_bytes()
        gold = gold_text(path, e['main_selector'])
        tw = e.get('variant') in ('tw', 'hk')
        fold = t2s if tw and t2s else (lambda x: x or '')
        gold = fold(gold)
        out = {}
        out['trafilatura'] = traf(feed_as_page(html) if path.suffix == '.xml' else html) + ('',)
        out['zhpipe'] = zh(a.zhpipe, path, tw)
        cells = [e['file']]
        for t in tools:
            text, meta, err = out[t]
            inter, g, x = overlap(gold, fold(text))
            mc, mn, md = checks(e, text, meta, fold)
            c = tot[t]
            c.update(inter=inter, gold=g, got=x, mc=sum(mc), mc_n=len(mc), mn=sum(mn), mn_n=len(mn),
                     md=sum(md), md_n=len(md))
            r = inter / g if g else 0.0
            p = inter / x if x else 0.0
            cells += [f'{r:.2f}', f'{p:.2f}', frac(mc), frac(mn), frac(md) + (' ⚠' if err else '')]
            if err:
                errors.append(f'{t} failed on {e["file"]}: {err}')
        rows.append(cells)
    # speed
    size = sum((corpus / e['file']).stat().st_size for e in expect)
    pages = [feed_as_page(p.read_bytes()) if p.suffix == '.xml' else p.read_bytes()
             for p in (corpus / e['file'] for e in expect)]
    files = [str(corpus / e['file']) for e in expect]
    import tempfile
    tiny = pathlib.Path(tempfile.mkdtemp()) / 'tiny.html'
    tiny.write_text('<p>一句话。</p>\n', encoding='utf-8')
    zrun = lambda args: [a.zhpipe, 'run', *args, '--jobs', '1', '--quiet']
    times = collections.defaultdict(list)
    for _ in range(a.runs):
        times['trafilatura'].append(_cpu(lambda: [traf(h) for h in pages]))
        times['traf_start'].append(_cpu_child([sys.executable, '-c', 'import trafilatura']))
        times['zhpipe'].append(_cpu_child(zrun(files)))
        times['decode'].append(_cpu_child(zrun(files + ['--until', 'decode'])))
        times['start'].append(_cpu_child(zrun([str(tiny), '--until', 'decode'])))
        times['start_all'].append(_cpu_child(zrun([str(tiny)])))
    best = {k: min(v) for k, v in times.items()}
    best_t, best_z = best['trafilatura'], best['zhpipe']
    best_ts = best_t + best['traf_start']
    head = ['page'] + [f'{t} {k}' for t in tools for k in ('recall', 'precision', 'must_contain',
                                                           'must_not_contain', 'meta')]
    print(f'trafilatura {trafilatura.__version__}; zhpipe {a.zhpipe}; {len(expect)} pages, {size / 1e6:.2f} MB; '
          f'tw pages {"folded with OpenCC t2s" if t2s else "NOT folded (opencc missing)"}\n')
    print('| ' + ' | '.join(head) + ' |')
    print('|' + '---|' * len(head))
    for r in rows:
        print('| ' + ' | '.join(r) + ' |')
    print('\n| tool | recall | precision | F1 | must_contain | must_not_contain | metadata | MB/s per core |')
    print('|---|---|---|---|---|---|---|---|')
    for t, secs in (('trafilatura', best_t), ('zhpipe', best_z)):
        c = tot[t]
        r = c['inter'] / c['gold'] if c['gold'] else 0
        p = c['inter'] / c['got'] if c['got'] else 0
        f = 2 * r * p / (r + p) if r + p else 0
        print(f"| {t} | {r:.3f} | {p:.3f} | {f:.3f} | {c['mc']}/{c['mc_n']} | {c['mn']}/{c['mn_n']} | "
              f"{c['md']}/{c['md_n']} | {size / 1e6 / secs:.2f} |")
    mb = size / 1e6
    # (row, seconds, the trafilatura time it is compared with)
    rows = [('trafilatura, one process, start-up included', best_ts, best_ts),
            ('zhpipe whole pipeline, one process, start-up included', best_z, best_ts),
            ('zhpipe --until decode, one process, start-up included', best['decode'], best_ts),
            ('trafilatura without start-up (extract + metadata)', best_t, best_t),
            ('zhpipe whole pipeline without start-up', best_z - best['start_all'], best_t),
            ('zhpipe --until decode without start-up', best['decode'] - best['start'], best_t)]
    print('\n| speed, one core (CPU time) | seconds | MB/s | × trafilatura |\n|---|---|---|---|')
    for name, secs, ref in rows:
        secs = max(secs, 1e-6)
        print(f'| {name} | {secs:.3f} | {mb / secs:.2f} | {ref / secs:.1f} |')
    print(f"\nstart-up: zhpipe {best['start']:.3f} s to decode a one-line page, {best['start_all']:.3f} s "
          f"through every stage; trafilatura (interpreter + import) {best['traf_start']:.3f} s")
    print('\nrecall/precision: bag-of-character-bigrams overlap with the text of main_selector (NFKC, no '
          'whitespace); speed: CPU seconds, best of %d runs.' % a.runs)
    for line in errors:
        print(f'\n⚠ {line}')


def _cpu(f):
    """CPU seconds (user + system) this process spends in f()."""
    t = time.process_time()
    f()
    return time.process_time() - t


def _cpu_child(cmd):
    """CPU seconds (user + system, all threads) of a child process running cmd."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


if __name__ == '__main__':
    main()
