"""OpenCC 1.4.2 (the `opencc` PyPI wheel: its C++ engine and data) as an oracle for
tests/opencc_oracle.rs. Reads {"config", "ext", "texts"} as JSON on stdin, writes the
converted texts as a JSON list. `ext` is OpenCC's include_tofu_risk_dictionaries."""
import json
import sys

import opencc

if len(sys.argv) > 1 and sys.argv[1] == "--version":
    print(opencc.__version__)
    sys.exit(0)
req = json.load(sys.stdin)
cc = opencc.OpenCC(req["config"], include_tofu_risk_dictionaries=req["ext"])
json.dump([cc.convert(t) for t in req["texts"]], sys.stdout, ensure_ascii=False)
