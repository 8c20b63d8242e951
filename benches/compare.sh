#!/usr/bin/env bash
# Two zhpipe binaries side by side on ordinary text: a folder of copies of corpus/ (every
# document ZHPIPE_COPIES times, default 40: ~10 MB), each binary run alternately
# ZHPIPE_RUNS times (default 5) with `--jobs 1`, median wall seconds, MB/s and peak RSS.
# Alternating runs share the machine's load, so the two medians are comparable on a busy
# host where a full benches/run.sh is not.
#
#   benches/compare.sh OLD_BINARY [NEW_BINARY]   # NEW defaults to target/release/zhpipe
set -euo pipefail
cd "$(dirname "$0")/.."

OLD=${1:?usage: benches/compare.sh OLD_BINARY [NEW_BINARY]}
NEW=${2:-target/release/zhpipe}
COPIES=${ZHPIPE_COPIES:-40}
RUNS=${ZHPIPE_RUNS:-5}
DATA=target/bench-data/compare-$COPIES
if [ ! -d "$DATA" ]; then
  mkdir -p "$DATA"
  for i in $(seq "$COPIES"); do
    find corpus -name '*.txt' | while read -r f; do
      cp "$f" "$DATA/$(printf '%03d' "$i")_$(echo "${f#corpus/}" | tr '/' '_')"
    done
  done
fi
BYTES=$(find "$DATA" -name '*.txt' -printf '%s\n' | awk '{s+=$1} END {print s}')

declare -A walls=() rss=()
for _ in $(seq "$RUNS"); do
  for which in old new; do
    bin=$OLD; [ $which = new ] && bin=$NEW
    /usr/bin/time -f '%e %M' -o "$DATA.time" "$bin" run "$DATA" -o /dev/null --quiet --jobs 1
    read -r w r < "$DATA.time"
    walls[$which]+="$w "; rss[$which]+="$r "
  done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
echo "input: $DATA, $(awk -v b="$BYTES" 'BEGIN{printf "%.1f", b/1e6}') MB; $RUNS runs each, alternating"
echo
echo "| binary | median wall s | MB/s | peak RSS MB | walls |"
echo "|---|---:|---:|---:|---|"
for which in old new; do
  w=$(echo "${walls[$which]}" | median)
  r=$(echo "${rss[$which]}" | median)
  awk -v n="$which" -v b="$BYTES" -v w="$w" -v r="$r" -v all="${walls[$which]}" \
    'BEGIN{printf "| %s | %.2f | %.1f | %.0f | %s|\n", n, w, b/1e6/w, r/1024, all}'
done
