#!/usr/bin/env python3
"""The job zhpipe does, done the way users do it today in Python: OpenCC + jieba + regex.

    python3 benches/baseline.py DIR [--no-tokens] [-o OUT.jsonl] [--max-mb N]

For every .txt/.md file under DIR (sorted): decode (UTF-8, else GB18030, else replace),
drop boilerplate lines with the `drop-line` / `drop-rest` regexes and cut `drop-span`
matches taken from pipelines/rules/*.toml (those Python's `re` compiles), normalise
spaces, convert to Simplified (OpenCC t2s) and Traditional (OpenCC s2t), split into
paragraphs, detect speaker labels (`名字：…`), cut the Simplified text with jieba, and
write one JSON line per document and per segment.

OpenCC: the `opencc` pip package (official C++ binding, OpenCC 1.1) when installed, else
`opencc-purepy` (pure Python). jieba: the `jieba` pip package (default `lcut`, HMM on, as
users call it). `--max-mb` stops after that many MB of input (the baseline is slow; MB/s
does not depend on input size).
"""

import argparse
import json
import os
import re
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
RULES = os.path.join(HERE, "..", "pipelines", "rules")

try:
    import opencc  # the C++ binding

    OPENCC = "opencc (C++ binding)"
    _t2s, _s2t = opencc.OpenCC("t2s"), opencc.OpenCC("s2t")
    t2s, s2t = _t2s.convert, _s2t.convert
except ImportError:  # pragma: no cover
    from opencc_purepy import OpenCC

    OPENCC = "opencc-purepy (pure Python)"
    _t2s, _s2t = OpenCC("t2s"), OpenCC("s2t")
    t2s, s2t = _t2s.convert, _s2t.convert


def load_rules():
    drop_line, drop_rest, drop_span = [], [], []
    for name in sorted(os.listdir(RULES)):
        with open(os.path.join(RULES, name), "rb") as f:
            data = tomllib.load(f)
        for rule in data.get("rules", []):
            pattern = rule.get("match", "")
            try:
                rx = re.compile(pattern)
            except re.error:
                continue  # Rust-only syntax (\p{Han}, …)
            action = rule.get("action")
            if action == "drop-line":
                drop_line.append(rx)
            elif action in ("drop-rest", "drop-until"):
                drop_rest.append(rx)
            elif action in ("drop-span", "replace"):
                repl = re.sub(r"\$\{?(\w+)\}?", r"\\g<\1>", rule.get("with", ""))
                drop_span.append((rx, repl))
    return drop_line, drop_rest, drop_span


DROP_LINE, DROP_REST, DROP_SPAN = load_rules()
SPEAKER = re.compile(r"^\s*([^\s:：，,。！？!?“”\"（）()]{1,16})\s*[:：]\s*(.*)$")
SPACES = re.compile(r"[ \t\u3000\xa0]+")


def decode(raw):
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            pass
    return raw.decode("utf-8", "replace"), "utf-8"


def clean(text):
    out = []
    for line in text.splitlines():
        line = SPACES.sub(" ", line).strip()
        if not line:
            out.append("")
            continue
        if any(rx.search(line) for rx in DROP_REST):
            break
        if any(rx.search(line) for rx in DROP_LINE):
            continue
        for rx, repl in DROP_SPAN:
            line = rx.sub(repl, line)
        out.append(line)
    return out


def segments(lines):
    speaker, buf = None, []
    for line in lines + [""]:
        m = SPEAKER.match(line) if line else None
        if not line or m:
            if buf:
                yield speaker, "\n".join(buf)
            buf = []
            if m:
                speaker = m.group(1)
                if m.group(2):
                    buf.append(m.group(2))
        else:
            buf.append(line)


def process(path, tokens, jieba):
    raw = open(path, "rb").read()
    text, enc = decode(raw)
    lines = clean(text)
    doc_id = os.path.splitext(os.path.basename(path))[0]
    title = next((l for l in lines if l), "")
    recs = [
        {
            "type": "document",
            "doc_id": doc_id,
            "source": {"path": path, "encoding": enc, "bytes": len(raw)},
            "title": {"zh_hans": t2s(title), "zh_hant": s2t(title)},
        }
    ]
    for seq, (speaker, body) in enumerate(segments(lines)):
        hans = t2s(body)
        rec = {
            "type": "segment",
            "doc_id": doc_id,
            "seq": seq,
            "speaker": speaker,
            "zh_hans": hans,
            "zh_hant": s2t(hans),
        }
        if tokens:
            rec["tokens"] = [t for t in jieba.lcut(hans) if t.strip()]
        recs.append(rec)
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), len(raw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("-o", "--output", default="/dev/null")
    ap.add_argument("--no-tokens", action="store_true")
    ap.add_argument("--max-mb", type=float, default=0)
    args = ap.parse_args()
    jieba = None
    if not args.no_tokens:
        import jieba

        jieba.setLogLevel(60)
        jieba.initialize()
    paths = []
    for root, dirs, files in os.walk(args.input):
        dirs.sort()
        paths += [os.path.join(root, f) for f in sorted(files) if f.endswith((".txt", ".md"))]
    limit = args.max_mb * 1e6 if args.max_mb else float("inf")
    total = 0
    with open(args.output, "w", encoding="utf-8") as out:
        for p in paths:
            jsonl, n = process(p, not args.no_tokens, jieba)
            out.write(jsonl)
            total += n
            if total >= limit:
                break
    print(
        json.dumps({"bytes": total, "opencc": OPENCC, "rules": len(DROP_LINE) + len(DROP_REST) + len(DROP_SPAN)}),
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
