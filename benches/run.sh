#!/usr/bin/env bash
# Benchmarks zhpipe side by side with /usr/bin/opencc and the Python baseline, on one
# generated corpus, in one run. Results: a Markdown table on stdout (copied into
# benches/README.md by hand) and target/bench-data/results-<size>.md.
#
#   benches/run.sh
#
# Environment:
#   ZHPIPE_BENCH_SIZE   generated corpus size (default 64M)
#   ZHPIPE_BENCH_RUNS   runs per measurement, median reported (default 3)
#   ZHPIPE_BENCH_PY_MB  MB of the corpus given to the Python baseline (default 8; it is
#                       ~100x slower, and MB/s does not depend on the amount)
#   ZHPIPE_BENCH_BIG    also generate this much JSONL (e.g. 1G) and stream it through
#                       `zhpipe run - --input-format jsonl` for throughput and peak RSS
#   ZHPIPE_BENCH_STAGES=0  skip the in-process per-stage bench
#
# Wall time and peak RSS come from GNU time (`/usr/bin/time -f '%e %M'`: elapsed seconds,
# maximum resident set size in KiB — the "Maximum resident set size" of `time -v`).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=${ZHPIPE_BENCH_SIZE:-64M}
RUNS=${ZHPIPE_BENCH_RUNS:-3}
PY_MB=${ZHPIPE_BENCH_PY_MB:-8}
DATA=target/bench-data/$(echo "$SIZE" | tr 'A-Z' 'a-z')
BIN=target/release/zhpipe
TIME=/usr/bin/time
OUT=target/bench-data/results-$(echo "$SIZE" | tr 'A-Z' 'a-z').md

[ -x $TIME ] || { echo "needs GNU time: apt-get install -y time" >&2; exit 2; }
command -v opencc >/dev/null || echo "no opencc CLI (apt-get install -y opencc): skipped" >&2

echo "== build (release)" >&2
cargo build --release --bin zhpipe >&2
if [ ! -f "$DATA/all.txt" ]; then
  echo "== generate $SIZE corpus in $DATA" >&2
  cargo bench --bench gen_corpus -- --size "$SIZE" --out "$DATA" >&2
fi
BYTES=$(stat -c %s "$DATA/all.txt")
DOCS=$(find "$DATA/docs" -name '*.txt' | wc -l)

# The Python baseline's share: the first documents up to PY_MB, as a folder of links.
PY_DIR=$DATA/py-${PY_MB}m
if [ ! -d "$PY_DIR" ]; then
  mkdir -p "$PY_DIR"
  acc=0
  while IFS= read -r f; do
    ln -s "$(realpath "$f")" "$PY_DIR/$(basename "$f")"
    acc=$((acc + $(stat -c %s "$f")))
    [ $acc -ge $((PY_MB * 1000000)) ] && break
  done < <(find "$DATA/docs" -name '*.txt' | sort)
fi
PY_BYTES=$(find -L "$PY_DIR" -name '*.txt' -printf '%s\n' | awk '{s+=$1} END {print s}')

median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

# measure LABEL BYTES CMD… : RUNS runs; prints a table row with median wall and RSS.
measure() {
  local label=$1 bytes=$2; shift 2
  local walls=() rsss=() t
  for _ in $(seq "$RUNS"); do
    t=$(mktemp)
    $TIME -f '%e %M' -o "$t" "$@" >/dev/null 2>/dev/null || { echo "FAILED: $*" >&2; cat "$t" >&2; }
    read -r w r < <(tail -n1 "$t")
    walls+=("$w"); rsss+=("$r"); rm -f "$t"
  done
  local wall rss
  wall=$(printf '%s\n' "${walls[@]}" | median)
  rss=$(printf '%s\n' "${rsss[@]}" | median)
  awk -v l="$label" -v b="$bytes" -v w="$wall" -v r="$rss" -v all="${walls[*]}" 'BEGIN {
    printf "| %s | %.1f | %.2f | %.1f | %.0f | %s |\n", l, b/1e6, w, b/1e6/w, r/1024, all }' | tee -a "$OUT"
}

: > "$OUT"
{
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(free -g | awk '/Mem:/ {print $2}') GB RAM"
  echo "corpus: $DATA — $DOCS documents, $(awk -v b="$BYTES" 'BEGIN {printf "%.1f", b/1e6}') MB; runs: $RUNS (median)"
  echo
  echo "| what | input MB | wall s | MB/s | peak RSS MB | walls |"
  echo "|---|---|---|---|---|---|"
} | tee -a "$OUT"

Z="$BIN run $DATA/docs -o /dev/null --quiet"
measure "zhpipe, default, --jobs 1" "$BYTES" $Z --jobs 1
measure "zhpipe, default, --jobs 2" "$BYTES" $Z --jobs 2
measure "zhpipe, tokens, --jobs 1" "$BYTES" $Z --jobs 1 --pipeline pipelines/tokens.toml
measure "zhpipe, tokens, --jobs 2" "$BYTES" $Z --jobs 2 --pipeline pipelines/tokens.toml
measure "zhpipe, default, --jobs 1, JSONL on stdin" "$BYTES" \
  sh -c "exec $BIN run - --input-format jsonl --jobs 1 --quiet < $DATA/docs.jsonl"
if command -v opencc >/dev/null; then
  measure "/usr/bin/opencc -c s2t.json (whole text, conversion only)" "$BYTES" \
    opencc -c s2t.json -i "$DATA/all.txt" -o /dev/null
fi
measure "zhpipe, tokens, --jobs 1 (Python's ${PY_MB} MB share)" "$PY_BYTES" \
  $BIN run "$PY_DIR" -o /dev/null --quiet --jobs 1 --pipeline pipelines/tokens.toml
measure "Python baseline, tokens (${PY_MB} MB share)" "$PY_BYTES" python3 benches/baseline.py "$PY_DIR"
measure "Python baseline, no tokens (${PY_MB} MB share)" "$PY_BYTES" python3 benches/baseline.py "$PY_DIR" --no-tokens

if [ -n "${ZHPIPE_BENCH_BIG:-}" ]; then
  BIG=target/bench-data/$(echo "$ZHPIPE_BENCH_BIG" | tr 'A-Z' 'a-z')-jsonl
  if [ ! -f "$BIG/docs.jsonl" ]; then
    echo "== generate $ZHPIPE_BENCH_BIG JSONL in $BIG" >&2
    cargo bench --bench gen_corpus -- --size "$ZHPIPE_BENCH_BIG" --out "$BIG" --format jsonl >&2
  fi
  BIG_BYTES=$(stat -c %s "$BIG/docs.jsonl")
  RUNS=1 measure "zhpipe, default, --jobs 2, $ZHPIPE_BENCH_BIG JSONL on stdin (JSONL bytes)" "$BIG_BYTES" \
    sh -c "exec $BIN run - --input-format jsonl --jobs 2 --quiet < $BIG/docs.jsonl"
  RUNS=1 measure "zhpipe, tokens, --jobs 2, $ZHPIPE_BENCH_BIG JSONL on stdin (JSONL bytes)" "$BIG_BYTES" \
    sh -c "exec $BIN run - --input-format jsonl --jobs 2 --quiet --pipeline pipelines/tokens.toml < $BIG/docs.jsonl"
fi

if [ "${ZHPIPE_BENCH_STAGES:-1}" != 0 ]; then
  echo >> "$OUT"
  echo "== per stage, in process" >&2
  cargo bench --bench pipeline -- --input "$DATA" --runs "$RUNS" | tee -a "$OUT"
fi
echo "results: $OUT" >&2
