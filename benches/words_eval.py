#!/usr/bin/env python3
"""Word-boundary check on phrase matches (`zhpipe convert` default) vs OpenCC's own output
(`--exact`), judged by Traditional text written by its authors.

Every Traditional line of the given files is made Simplified with OpenCC 1.4.2 (t2s, the
pip wheel) and converted back with `zhpipe convert -c s2t` in both modes. Where the two modes
differ, the author's original says which one is right (character by character, after
OpenCC's tw2t/hk2t folding so regional forms do not count). Prints the counts and writes
the differing cases as TSV (simplified, exact, words, original, verdict).

    python3 benches/words_eval.py --zhpipe target/release/zhpipe --tsv cases.tsv FILE...
"""
import argparse
import html
import re
import subprocess
import sys

import opencc

t2s = opencc.OpenCC("t2s")
fold = [opencc.OpenCC("tw2t"), opencc.OpenCC("hk2t")]


def lines_of(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    if path.endswith((".html", ".htm")):
        text = re.sub(r"(?is)<(script|style)[^>]*>.*?</\1>", "", text)
        text = html.unescape(re.sub(r"<[^>]+>", "\n", text))
    for line in text.splitlines():
        line = line.strip()
        # Traditional: OpenCC's t2s changes several of its characters.
        if len(line) >= 8 and sum(a != b for a, b in zip(line, t2s.convert(line))) >= 2:
            yield line


def convert(zhpipe, lines, exact):
    args = [zhpipe, "convert", "-c", "s2t"] + (["--exact"] if exact else [])
    out = subprocess.run(args, input="\n".join(lines) + "\n", capture_output=True, text=True, check=True)
    return out.stdout.split("\n")[: len(lines)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--zhpipe", default="target/release/zhpipe")
    ap.add_argument("--tsv")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    orig = sorted({l for f in a.files for l in lines_of(f)})
    simp = [t2s.convert(l) for l in orig]
    exact = convert(a.zhpipe, simp, True)
    words = convert(a.zhpipe, simp, False)
    right = wrong = other = 0
    rows = []
    for o, s, e, w in zip(orig, simp, exact, words):
        if e == w:
            continue
        folds = {o} | {f.convert(o) for f in fold}
        if len(e) != len(w) or len(e) != len(o):
            other += 1
            continue
        for i, (ce, cw) in enumerate(zip(e, w)):
            if ce == cw:
                continue
            ok_w = any(f[i] == cw for f in folds)
            ok_e = any(f[i] == ce for f in folds)
            verdict = "words" if ok_w and not ok_e else "exact" if ok_e and not ok_w else "neither"
            right += verdict == "words"
            wrong += verdict == "exact"
            other += verdict == "neither"
            lo, hi = max(0, i - 6), i + 6
            rows.append((s[lo:hi], e[lo:hi], w[lo:hi], o[lo:hi], verdict))
    print(f"lines {len(orig)}, differing characters: words right {right}, exact right {wrong}, neither {other}")
    if a.tsv:
        with open(a.tsv, "w", encoding="utf-8") as f:
            for r in rows:
                f.write("\t".join(r) + "\n")


if __name__ == "__main__":
    sys.exit(main())
