#!/usr/bin/env bash
# Builds the clean-text set that the instruction-count table in benches/README.md is measured
# on: the corpus's undamaged documents (every file under corpus/ outside real/, html/ and
# seed 002, which is the damaged seed), each copied COPIES times into DIR.
#
#   benches/clean_set.sh DIR COPIES
#   valgrind --tool=callgrind zhpipe run DIR --jobs 1 -o /dev/null --quiet
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:?usage: benches/clean_set.sh DIR COPIES}
COPIES=${2:?usage: benches/clean_set.sh DIR COPIES}
rm -rf "$DIR"
mkdir -p "$DIR"
find corpus -type f \( -name '*.txt' -o -name '*.md' \) \
  -not -path 'corpus/real/*' -not -path 'corpus/html/*' -not -name '002_*' | sort |
  while read -r f; do
    for i in $(seq "$COPIES"); do
      cp "$f" "$DIR/$(printf '%04d' "$i")_$(echo "${f#corpus/}" | tr '/' '_')"
    done
  done
echo "$DIR: $(find "$DIR" -type f | wc -l) files, $(du -sb "$DIR" | cut -f1) bytes"
