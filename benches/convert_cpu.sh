#!/bin/sh
# CPU time of `zhpipe convert` against OpenCC 1.4.2 (the C++ CLI of the `opencc==1.4.2` wheel
# and its Python binding) on t2s and s2t, in milliseconds of task-clock from `perf stat -r RUNS`
# (mean of RUNS runs, whole process: start-up, reading and writing included). GNU time's
# 10 ms resolution is too coarse for these runs (a 10 MB t2s takes ~40 ms); benches/convert_cli.sh
# gives the wall-clock side and the other converters.
#
#   sh benches/convert_cpu.sh [MB] [RUNS] [ZHPIPE]   (default 10 MB, 5 runs, target/release/zhpipe)
#
# Needs `perf` and `pip install opencc==1.4.2`.
set -eu
MB=${1:-10}
RUNS=${2:-5}
ZH=${3:-target/release/zhpipe}
. benches/convert_inputs.sh
cat > "$T/py.py" <<'PY'
import sys
import opencc
config, path, out = sys.argv[1:]
text = open(path, encoding="utf-8").read()
open(out, "w", encoding="utf-8").write(opencc.OpenCC(config).convert(text))
PY
ms() {
    perf stat -r "$RUNS" -x, -e task-clock "$@" 2> "$T/perf" > /dev/null
    awk -F, '/task-clock/ { printf "%8.1f", $1 }' "$T/perf"
}
printf "%-30s %10s %10s   (CPU ms, mean of %s runs, %s MB)\n" tool t2s s2t "$RUNS" "$MB"
row() {
    printf "%-30s %s   %s\n" "$1" "$(eval "ms $2")" "$(eval "ms $3")"
}
row "zhpipe convert -j 1" "$ZH convert -j 1 -c t2s -i $T/hant.txt -o $T/z" "$ZH convert -j 1 -c s2t -i $T/hans.txt -o $T/z"
row "zhpipe convert --exact -j 1" "$ZH convert --exact -j 1 -c t2s -i $T/hant.txt -o $T/z" "$ZH convert --exact -j 1 -c s2t -i $T/hans.txt -o $T/z"
row "zhpipe convert (all cores)" "$ZH convert -c t2s -i $T/hant.txt -o $T/z" "$ZH convert -c s2t -i $T/hans.txt -o $T/z"
row "opencc 1.4.2 CLI (wheel)" "$OCC -c $CFGDIR/t2s.json -i $T/hant.txt -o $T/o" "$OCC -c $CFGDIR/s2t.json -i $T/hans.txt -o $T/o"
row "opencc 1.4.2 Python binding" "python3 $T/py.py t2s $T/hant.txt $T/p" "python3 $T/py.py s2t $T/hans.txt $T/p"
