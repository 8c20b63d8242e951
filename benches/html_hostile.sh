#!/usr/bin/env bash
# Hostile HTML inputs through the whole pipeline, one at a time: time, peak RSS, exit status
# and the first line of what zhpipe said. Every input must finish (no stall: each run has a
# time limit), never panic, and either give records or fail alone with a message naming
# the file.
#
#     benches/html_hostile.sh [ZHPIPE] [MB]     (from the repository root, after
#                                               `cargo build --release`; MB: size of the
#                                               big page, default 100)
#
# Inputs (written to a temporary folder):
#   big.html        a 100 MB page: one article of MB×~600 paragraphs inside page chrome
#   deep.html       one million nested <div>s around a sentence (deeper than the parser is
#                   given: read as text, flagged in the audit)
#   junk.html       `<!DOCTYPE html><html>` followed by 20 MB of random bytes
#   truncated.html  a real page cut in the middle of a tag
#   unclosed.html   200 000 unclosed <p><b><i> runs (the tree builder's formatting list)
#   batch           all of the above in one run with --jobs 2: one bad input never stops
#                   the others
set -euo pipefail
ZHPIPE="${1:-target/release/zhpipe}"
MB="${2:-100}"
LIMIT=600
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT

python3 - "$dir" "$MB" <<'EOF'
import os, sys
d, mb = sys.argv[1], int(sys.argv[2])
para = '<p>第{}段：记者在现场看到，人们排起了长队，秩序井然，等待了很久，专家表示这一现象值得关注。</p>\n'
with open(f'{d}/big.html', 'w', encoding='utf-8') as f:
    f.write('<!DOCTYPE html><html><head><title>大页面</title></head><body>'
            '<nav><a href="/">首页</a></nav><div class="article-content"><h1>大页面</h1>\n')
    i, size = 0, 0
    while size < mb * 1_000_000:
        s = para.format(i); f.write(s); size += len(s.encode()); i += 1
    f.write('</div><div class="footer">版权所有</div></body></html>\n')
with open(f'{d}/deep.html', 'w') as f:
    # A thousand tags a line: deep, not one over-long line.
    f.write('<!DOCTYPE html><html><body>\n' + ('<div>' * 1000 + '\n') * 1000 + '很深的一句话。'
            + ('</div>' * 1000 + '\n') * 1000 + '</body></html>\n')
with open(f'{d}/junk.html', 'wb') as f:
    f.write(b'<!DOCTYPE html><html>' + os.urandom(20_000_000))
page = open('corpus/html/01_news-163_1.html', 'rb').read()
with open(f'{d}/truncated.html', 'wb') as f:
    cut = page.index(b'<', len(page) // 2) + 3
    f.write(page[:cut])
with open(f'{d}/unclosed.html', 'w') as f:
    f.write('<!DOCTYPE html><html><body>' + '<p><b><i>未闭合的文字，' * 200_000)
EOF

printf '| input | MB | exit | seconds | peak RSS MB | records | first message |\n|---|---|---|---|---|---|---|\n'
run() {
  local name="$1" jobs="$2"; shift 2
  local mbytes
  mbytes=$(du -cm "$@" | tail -1 | cut -f1)
  local out="$dir/out.jsonl" err="$dir/err.txt" tm="$dir/time.txt"
  set +e
  timeout "$LIMIT" /usr/bin/time -f '%e %M' -o "$tm" "$ZHPIPE" run "$@" --jobs "$jobs" --quiet -o "$out" 2>"$err"
  local code=$?
  set -e
  local secs rss
  # GNU time writes "Command exited with non-zero status N" first when the status is not 0.
  read -r secs rss < <(tail -1 "$tm" 2>/dev/null) || { secs="?"; rss=0; }
  local recs
  recs=$(wc -l <"$out" 2>/dev/null || echo 0)
  local msg
  msg=$(grep -v "^\s*Command" "$err" | head -1 | cut -c1-100 || true)
  [ "$code" = 124 ] && msg="STALLED (killed after ${LIMIT}s)"
  grep -q 'panicked' "$err" && msg="PANIC: $msg"
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$mbytes" "$code" "$secs" "$((rss / 1024))" "$recs" "$msg"
  rm -f "$out"
}
for f in big deep junk truncated unclosed; do
  run "$f.html" 1 "$dir/$f.html"
done
run "batch (all five, --jobs 2)" 2 "$dir"/*.html
