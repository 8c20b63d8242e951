#!/usr/bin/env bash
# Segment scaling on transcripts: many distinct speaker labels, each person glossed with an
# English name, plus the label forms segment weighs per document (role words before a name
# and after an outlet, names used once, list-item names alone, repeated fields). Builds
# inputs of 1×, 4× and 16× a base size, times `zhpipe run --until normalize` and
# `--until segment`, and prints a Markdown table: segment's seconds (the difference), its
# MB/s and the 16×/1× time ratio (linear: 16; the target is ≤ 24).
#
#   benches/segment_scaling.sh            # base 128 KiB (16×: 2 MiB)
#   ZHPIPE_SCALE_BASE=262144 benches/segment_scaling.sh
#
# Each time is the best of ZHPIPE_SCALE_RUNS runs (default 2). Needs python3.
set -euo pipefail
cd "$(dirname "$0")/.."

BASE=${ZHPIPE_SCALE_BASE:-131072}
RUNS=${ZHPIPE_SCALE_RUNS:-2}
BIN=${ZHPIPE_BIN:-target/release/zhpipe}
DATA=target/bench-data/segment-scaling
mkdir -p "$DATA"
[ -x "$BIN" ] || cargo build --release --bin zhpipe >&2

python3 - "$DATA" "$BASE" <<'PY'
import sys
out, base = sys.argv[1], int(sys.argv[2])
surnames = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
given = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
outlets = ["新华社", "路透社", "央视", "彭博社", "凤凰卫视", "澎湃新闻", "日本经济新闻"]
def name(i):
    a, b = divmod(i, len(given))
    c, d = divmod(a, len(given))
    return surnames[i % len(surnames)] + given[b] + given[d % len(given)] + (given[c % len(given)] if c else "")
def transcript(n):
    people = max(2, n // 4)
    lines = [f"{name(i)}（Person {i} Name）是第{i}位嘉宾。" for i in range(people)]
    lines.append("核心提示:这是一场很长的对话。")
    lines.append("核心提示:这是一场很长的对话。")
    for i in range(n):
        who = name(i % people)
        form = i % 5
        if form == 0:
            lines.append(f"{who}：我们今天谈谈火箭，第{i}次，你怎么看？")
        elif form == 1:
            lines.append(f"{outlets[i % len(outlets)]}记者{i}：请问第{i}个问题是什么？")
        elif form == 2:
            lines.append(f"主持人{who}：欢迎收看，第{i}期节目。")
        elif form == 3:
            lines.append(f"  • {who}")
            lines.append(f"    我补充一句，第{i}次。")
        else:
            lines.append(f"{who}：好的，第{i}次，他笑道：“可以。”")
    return "\n".join(lines) + "\n"
unit = len(transcript(8).encode()) / 8
for k in (1, 4, 16):
    n = max(8, int(base * k / unit))
    text = transcript(n)
    while len(text.encode()) < base * k * 0.95:
        n = int(n * 1.1) + 1
        text = transcript(n)
    open(f"{out}/transcript-{k}x.txt", "w").write(text)
PY

best() {  # best wall time of $RUNS runs of: zhpipe run FILE --until STAGE
    local file=$1 stage=$2 t min=""
    for _ in $(seq "$RUNS"); do
        t=$( { /usr/bin/time -f %e "$BIN" run "$file" --until "$stage" --quiet >/dev/null; } 2>&1 | tail -1)
        if [ -z "$min" ] || awk "BEGIN{exit !($t < $min)}"; then min=$t; fi
    done
    echo "$min"
}

echo "| input | size | segment s | segment MB/s |"
echo "|---|---|---|---|"
first=""
for k in 1 4 16; do
    f="$DATA/transcript-${k}x.txt"
    size=$(stat -c %s "$f")
    before=$(best "$f" normalize)
    upto=$(best "$f" segment)
    seg=$(awk "BEGIN{d=$upto-$before; if (d < 0.001) d=0.001; printf \"%.3f\", d}")
    mbs=$(awk "BEGIN{printf \"%.1f\", $size/1048576/$seg}")
    echo "| transcript ${k}× | $size | $seg | $mbs |"
    [ -n "$first" ] || first=$seg
    last=$seg
done
echo
echo "16×/1× segment time: $(awk "BEGIN{printf \"%.1f\", $last/$first}") (linear: 16, target ≤ 24)"
