# Sourced by the conversion benches (from the project root, after MB and ZH are set): finds
# OpenCC 1.4.2's CLI and config directory in the `opencc` wheel ($OCC, $CFGDIR) and writes, in
# a temporary directory $T removed on exit, the corpus repeated to MB megabytes as Simplified
# ($T/hans.txt) and as Traditional ($T/hant.txt).
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
