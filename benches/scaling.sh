#!/usr/bin/env bash
# Per-stage scaling: for each input pattern (many links, many speaker labels with glossed
# names, many setext headings, many glosses on one line, long lines of `(a)`, `?` and
# garbled pinyin `因?yàn)`, a garbled page repeated, a minified page of labelled paragraphs
# on one line),
# builds inputs of 1×, 4× and 16× a base size by repeating the pattern, runs
# `zhpipe run --until STAGE` for each stage, and prints a Markdown table: seconds per stage
# (the run up to it less the run up to the stage before), its MB/s, and the 16×/1× time
# ratio (linear: 16; the target is ≤ 24). Copy the table into benches/README.md.
#
#   benches/scaling.sh            # base 128 KiB (16×: 2 MiB)
#   ZHPIPE_SCALE_BASE=262144 benches/scaling.sh
#   ZHPIPE_SCALE_PATTERNS="pinyin garbled" benches/scaling.sh   # only these rows
#
# Each time is the best of ZHPIPE_SCALE_RUNS runs (default 2): on a shared machine the
# minimum is the least disturbed. Needs python3 (to write the inputs) and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."

BASE=${ZHPIPE_SCALE_BASE:-131072}
RUNS=${ZHPIPE_SCALE_RUNS:-2}
BIN=${ZHPIPE_BIN:-target/release/zhpipe}
DATA=target/bench-data/scaling
STAGES="decode repair strip normalize segment emit"
mkdir -p "$DATA"
[ -x "$BIN" ] || cargo build --release --bin zhpipe >&2

# One file per pattern and scale, `$DATA/<pattern>-<k>x.txt`, about k × BASE bytes.
python3 - "$DATA" "$BASE" <<'EOF'
import sys
out, base = sys.argv[1], int(sys.argv[2])
surnames = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
given = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
def name(i):
    # Distinct two- and three-character names from the index.
    a, b = divmod(i, len(given))
    c, d = divmod(a, len(given))
    return surnames[i % len(surnames)] + given[b] + given[d % len(given)] + (given[c % len(given)] if c else "")
def links(n):
    return "".join(f"参见[第{i}篇报道](https://example.com/news/{i}.html)。\n" for i in range(n))
def labels(n):
    head = "".join(f"{name(i)}（Person {i}）是第{i}位嘉宾。\n" for i in range(n // 4))
    turns = "".join(f"{name(i % max(1, n // 4))}：我们今天谈谈火箭，第{i}次。\n" for i in range(n))
    return head + turns
def headings(n):
    # Setext headings (a title over `---`), each with a paragraph under it.
    return "".join(f"\n第{i}节\n---\n\n这是第{i}段的正文，说明一件事情。\n" for i in range(n))
def glosses(n):
    return "首席执行官萨姆·奥特曼（Sam Altman）说超音速海啸（supersonic tsunami）来了。" * n + "\n"
def parens(n):
    return "(a)" * n + "\n"
def questions(n):
    return "?" * n + "\n"
def pinyin(n):
    return "因?yàn)" * n + "\n"
garbled_page = open("corpus/seeds/002_5aa0d993a0d6d584.txt", encoding="utf-8").read()
def garbled(n):
    # A real garbled page (GBK pinyin injection) repeated: repair's beam search on every line.
    return garbled_page * n
def oneline(n):
    # A minified page: every paragraph (each opening with its own speaker's label) on one
    # source line, which each paragraph's provenance points at.
    paras = "".join(f"<p>{name(i)}：这是第{i}段，一行网页里的一个段落。</p>" for i in range(n))
    return f"<html><head><title>一行网页</title></head><body><article>{paras}</article></body></html>\n"
patterns = {"links": links, "labels": labels, "headings": headings, "glosses": glosses,
            "parens": parens, "questions": questions, "pinyin": pinyin, "garbled": garbled,
            "oneline": oneline}
for key, make in patterns.items():
    unit = len(make(1).encode())
    for k in (1, 4, 16):
        # Grown until the size is reached: patterns differ in bytes per repeat.
        n = max(1, base * k // unit)
        text = make(n)
        while len(text.encode()) < base * k * 0.95:
            n = int(n * 1.1) + 1
            text = make(n)
        with open(f"{out}/{key}-{k}x.txt", "w") as f:
            f.write(text)
EOF

# Best wall time of $RUNS runs up to stage $2 on file $1.
best() {
  local t best=""
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e' -o "$DATA/time.txt" "$BIN" run "$1" --until "$2" --format text \
      -o /dev/null --quiet --jobs 1 >/dev/null 2>&1 || true
    t=$(tail -1 "$DATA/time.txt")
    # A failed document still has a time; it shows in the table as that stage's.
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
  done
  echo "$best"
}

echo "| pattern | stage | 1× s | 4× s | 16× s | 16×/1× | MB/s at 16× |"
echo "|---|---|---:|---:|---:|---:|---:|"
for pat in ${ZHPIPE_SCALE_PATTERNS:-links labels glosses parens questions pinyin garbled}; do
  declare -A cum=()
  for k in 1 4 16; do
    for st in $STAGES; do
      cum[$k,$st]=$(best "$DATA/$pat-${k}x.txt" "$st")
    done
  done
  prev=""
  for st in $STAGES; do
    row="| $pat | $st"
    for k in 1 4 16; do
      if [ -z "$prev" ]; then t=${cum[$k,$st]}; else
        t=$(awk "BEGIN{d=${cum[$k,$st]}-${cum[$k,$prev]}; if (d<0) d=0; printf \"%.2f\", d}"); fi
      eval "t$k=$t"
      row="$row | $t"
    done
    bytes=$(stat -c %s "$DATA/$pat-16x.txt")
    ratio=$(awk "BEGIN{ if ($t1 < 0.02) print \"–\"; else printf \"%.1f\", $t16/$t1 }")
    mbs=$(awk "BEGIN{ if ($t16 < 0.01) print \">\" int($bytes/1e6/0.01); else printf \"%.1f\", $bytes/1e6/$t16 }")
    echo "$row | $ratio | $mbs |"
    prev=$st
  done
  unset cum
done
