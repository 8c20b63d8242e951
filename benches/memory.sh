#!/usr/bin/env bash
# Peak memory of one document by its line structure: 100 MB (ZHPIPE_MEM_MB) of blank lines
# around sentences, of `a\n`, of short lines as one JSONL record, and of ordinary article
# text, each run alone (`--jobs 1`) under GNU time; prints a Markdown table of peak RSS
# against the target of 20 × the document's bytes + 100 MB, and how the document ended
# (processed, or refused by the memory estimate before any line was built).
#
#   benches/memory.sh
#   ZHPIPE_MEM_MB=12 benches/memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."

MB=${ZHPIPE_MEM_MB:-100}
BIN=${ZHPIPE_BIN:-target/release/zhpipe}
DATA=target/bench-data/memory-$MB
mkdir -p "$DATA"
[ -x "$BIN" ] || cargo build --release --bin zhpipe >&2

python3 - "$DATA" "$MB" corpus/seeds <<'EOF'
import sys, json, os, glob
out, mb, seeds = sys.argv[1], int(sys.argv[2]), sys.argv[3]
size = mb * 1_000_000
def fill(unit):
    return unit * (size // len(unit.encode()))
files = {
    "blank-lines": lambda: fill("今天我们谈谈火箭。\n" + "\n" * 2000),
    "all-blank": lambda: fill("\n"),
    "a-lines": lambda: fill("a\n"),
    "article": lambda: fill("".join(open(p, encoding="utf-8").read() for p in sorted(glob.glob(seeds + "/*.txt"))[:1])),
}
for name, make in files.items():
    with open(f"{out}/{name}.txt", "w") as f:
        f.write(make())
with open(f"{out}/short-lines.jsonl", "w") as f:
    f.write(json.dumps({"id": "short", "text": fill("短句。\n")}, ensure_ascii=False) + "\n")
EOF

echo "| input ($MB MB) | peak RSS MB | target MB | within | result |"
echo "|---|---:|---:|---|---|"
for f in blank-lines all-blank a-lines article short-lines.jsonl; do
  path=$DATA/$f
  [ -f "$path" ] || path=$DATA/$f.txt
  fmt=text
  case $f in *.jsonl) fmt=jsonl ;; esac
  bytes=$(stat -c %s "$path")
  /usr/bin/time -f '%M %x' -o "$DATA/time.txt" "$BIN" run "$path" --input-format $fmt \
    -o /dev/null --jobs 1 --quiet 2>"$DATA/err.txt" || true
  res=$(tail -1 "$DATA/time.txt")
  kib=${res% *}
  code=${res#* }
  rss=$((kib / 1024))
  target=$(( (20 * bytes + 100000000) / 1000000 ))
  within=$([ "$rss" -le "$target" ] && echo yes || echo NO)
  what=$(head -1 "$DATA/err.txt" | sed -E 's/^zhpipe: .*: (document|input)/\1/' | cut -c1-70)
  [ "$code" = 0 ] && what="processed"
  echo "| $f | $rss | $target | $within | $what |"
done
