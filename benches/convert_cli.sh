#!/bin/sh
# `zhpipe convert` against OpenCC 1.4.2 (the C++ CLI shipped in the `opencc==1.4.2` wheel, and
# its Python binding) and other converters from PyPI (opencc-pyo3, zhhz: each row only when
# the package imports) on t2s and s2t, same input. Each cell is the best of RUNS runs:
# wall-clock seconds and CPU seconds (user + system), and MB/s of CPU time. On a shared
# machine read the CPU column: wall time there is mostly waiting for a core.
#
#   sh benches/convert_cli.sh [MB] [RUNS]     (default 20 MB of corpus text, repeated; 3 runs)
#
# Needs `cargo build --release` and `pip install opencc==1.4.2` (optional: `pip install
# opencc-pyo3 zhhz`). Python rows time the whole process (interpreter start, reading and
# writing the file included), as the CLI rows do. zhpipe `--exact` and OpenCC's CLI outputs
# are compared (they must be identical).
set -eu
MB=${1:-20}
RUNS=${2:-3}
ZH=target/release/zhpipe
. benches/convert_inputs.sh
BYTES_T=$(wc -c < "$T/hant.txt")
BYTES_S=$(wc -c < "$T/hans.txt")

# best "wall cpu" of RUNS runs of a command (GNU time: %e wall, %U + %S CPU)
best() {
    i=0
    while [ $i -lt "$RUNS" ]; do
        /usr/bin/time -f "%e %U %S" -o "$T/time" "$@" > /dev/null
        awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' "$T/time"
        i=$((i + 1))
    done | sort -k2 -n | head -1
}
printf "%-32s %22s %22s\n" "tool ($MB MB, best of $RUNS)" "t2s wall/cpu s MB/s" "s2t wall/cpu s MB/s"
row() {
    name=$1
    shift
    a=$(eval "best $1")
    b=$(eval "best $2")
    printf "%-32s %s %s\n" "$name" "$(echo "$a" | awk -v n="$BYTES_T" '{ printf "%7.2f %6.2f %7.1f", $1, $2, n / 1e6 / $2 }')" \
        "$(echo "$b" | awk -v n="$BYTES_S" '{ printf "%7.2f %6.2f %7.1f", $1, $2, n / 1e6 / $2 }')"
}
row "zhpipe convert (all cores)" "$ZH convert -c t2s -i $T/hant.txt -o $T/z1" "$ZH convert -c s2t -i $T/hans.txt -o $T/z2"
row "zhpipe convert -j 1" "$ZH convert -j 1 -c t2s -i $T/hant.txt -o $T/z1" "$ZH convert -j 1 -c s2t -i $T/hans.txt -o $T/z2"
row "zhpipe convert --exact -j 1" "$ZH convert --exact -j 1 -c t2s -i $T/hant.txt -o $T/z1" "$ZH convert --exact -j 1 -c s2t -i $T/hans.txt -o $T/z2"
row "opencc 1.4.2 CLI (wheel)" "$OCC -c $CFGDIR/t2s.json -i $T/hant.txt -o $T/o1" "$OCC -c $CFGDIR/s2t.json -i $T/hans.txt -o $T/o2"
cat > "$T/py.py" <<'PY'
import sys
kind, config, path, out = sys.argv[1:]
text = open(path, encoding="utf-8").read()
if kind == "opencc":
    import opencc
    conv = opencc.OpenCC(config).convert
elif kind == "pyo3":
    from opencc_pyo3 import OpenCC
    conv = OpenCC(config).convert
elif kind == "zhhz":
    import zhhz
    conv = lambda t: zhhz.convert(t, config)
open(out, "w", encoding="utf-8").write(conv(text))
PY
row "opencc 1.4.2 Python binding" "python3 $T/py.py opencc t2s $T/hant.txt $T/p" "python3 $T/py.py opencc s2t $T/hans.txt $T/p"
if python3 -c 'import opencc_pyo3' 2> /dev/null; then
    row "opencc-pyo3 (Python)" "python3 $T/py.py pyo3 t2s $T/hant.txt $T/p" "python3 $T/py.py pyo3 s2t $T/hans.txt $T/p"
else
    echo "opencc-pyo3: not installed (pip install opencc-pyo3)"
fi
if python3 -c 'import zhhz' 2> /dev/null; then
    row "zhhz (Python)" "python3 $T/py.py zhhz t2s $T/hant.txt $T/p" "python3 $T/py.py zhhz s2t $T/hans.txt $T/p"
else
    echo "zhhz: not installed (pip install zhhz builds from source and needs a Rust toolchain)"
fi
"$ZH" convert --exact -c s2t -i "$T/hans.txt" -o "$T/z2"
"$OCC" -c "$CFGDIR/s2t.json" -i "$T/hans.txt" -o "$T/o2"
cmp -s "$T/z2" "$T/o2" && echo "zhpipe --exact s2t = opencc CLI s2t" || echo "zhpipe --exact s2t DIFFERS from opencc CLI"
"$ZH" convert --exact -c t2s -i "$T/hant.txt" -o "$T/z1"
"$OCC" -c "$CFGDIR/t2s.json" -i "$T/hant.txt" -o "$T/o1"
cmp -s "$T/z1" "$T/o1" && echo "zhpipe --exact t2s = opencc CLI t2s" || echo "zhpipe --exact t2s DIFFERS from opencc CLI"
