#!/bin/sh
# `zhpipe convert` against OpenCC 1.4.2 (the C++ CLI shipped in the `opencc==1.4.2` wheel, and
# its Python binding) on t2s and s2t, same input, wall-clock seconds of one run each.
#
#   sh benches/convert_cli.sh [MB]        (default 20 MB of corpus text, repeated)
#
# Needs `cargo build --release` and `pip install opencc==1.4.2`. Outputs of zhpipe
# `--exact` and OpenCC's CLI are compared too (they must be identical).
set -eu
MB=${1:-20}
ZH=target/release/zhpipe
PY=$(python3 -c 'import opencc, os; print(os.path.dirname(opencc.__file__))')
OCC="$PY/clib/bin/opencc"
CFGDIR="$PY/clib/share/opencc"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cat corpus/real/*.txt corpus/real/*.md corpus/seeds/* > "$T/one.txt"
: > "$T/simp.txt"
while [ "$(wc -c < "$T/simp.txt")" -lt $((MB * 1000000)) ]; do cat "$T/one.txt" >> "$T/simp.txt"; done
"$ZH" convert -c t2s --exact -i "$T/simp.txt" -o "$T/hans.txt"
"$ZH" convert -c s2t --exact -i "$T/hans.txt" -o "$T/hant.txt"
secs() { s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
printf "%-34s %8s %8s\n" "tool ($MB MB input)" t2s s2t
row() { printf "%-34s %8.2f %8.2f\n" "$1" "$2" "$3"; }
row "zhpipe convert (all cores)" "$(secs "$ZH" convert -c t2s -i "$T/hant.txt" -o "$T/z1")" "$(secs "$ZH" convert -c s2t -i "$T/hans.txt" -o "$T/z2")"
row "zhpipe convert -j 1" "$(secs "$ZH" convert -j 1 -c t2s -i "$T/hant.txt" -o "$T/z1")" "$(secs "$ZH" convert -j 1 -c s2t -i "$T/hans.txt" -o "$T/z2")"
row "zhpipe convert --exact -j 1" "$(secs "$ZH" convert --exact -j 1 -c t2s -i "$T/hant.txt" -o "$T/z1")" "$(secs "$ZH" convert --exact -j 1 -c s2t -i "$T/hans.txt" -o "$T/z2")"
row "opencc 1.4.2 CLI (wheel)" "$(secs "$OCC" -c "$CFGDIR/t2s.json" -i "$T/hant.txt" -o "$T/o1")" "$(secs "$OCC" -c "$CFGDIR/s2t.json" -i "$T/hans.txt" -o "$T/o2")"
pyconv() { python3 -c "import opencc,sys; c=opencc.OpenCC('$1'); open('$T/p','w').write(c.convert(open('$2').read()))"; }
row "opencc 1.4.2 Python binding" "$(secs pyconv t2s "$T/hant.txt")" "$(secs pyconv s2t "$T/hans.txt")"
"$ZH" convert --exact -c s2t -i "$T/hans.txt" -o "$T/z2"
cmp -s "$T/z2" "$T/o2" && echo "zhpipe --exact s2t = opencc CLI s2t" || echo "zhpipe --exact s2t DIFFERS from opencc CLI"
