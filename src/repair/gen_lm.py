#!/usr/bin/env python3
"""Generate src/repair/lm.bin: a small Traditional-Chinese character LM for the GBK repair.

Source: jieba's dict.txt (MIT, shipped in the jieba-rs crate), each word converted
Simplified->Traditional with opencc-purepy (Apache-2.0 OpenCC data). Counts are word
frequencies summed per character (unigram: all, word-initial, word-final) and per
adjacent in-word pair (bigram), so a character model can tell a word continuing from a
word ending and the next one starting.

Format (little endian):
  b"ZLM2", u32 n_uni, u32 n_bi,
  n_uni x (u16 gbk_code, u8 q_all, u8 q_start, u8 q_end), sorted by code,
  n_bi  x (u32 (a<<16|b), u8 q), sorted by key,
where q = round(log2(count) * 8) clamped to 1..255.

Usage: python3 src/repair/gen_lm.py path/to/jieba/dict.txt src/repair/lm.bin
"""
import math
import struct
import sys
from collections import Counter

from opencc_purepy import OpenCC

MAX_BIGRAMS = 140_000


def gbk_code(ch):
    try:
        b = ch.encode("gbk")
    except UnicodeEncodeError:
        return None
    return (b[0] << 8) | b[1] if len(b) == 2 else None


def quant(c):
    return max(1, min(255, round(math.log2(c + 1) * 8)))


def main(dict_path, out_path):
    words, freqs = [], []
    for line in open(dict_path, encoding="utf-8"):
        parts = line.split()
        if len(parts) >= 2:
            words.append(parts[0])
            freqs.append(int(parts[1]))
    trad = OpenCC("s2t").convert("\n".join(words)).split("\n")
    assert len(trad) == len(words)
    uni, bi, start, end = Counter(), Counter(), Counter(), Counter()
    for w, f in zip(trad, freqs):
        codes = [gbk_code(c) for c in w]
        for c in codes:
            if c is not None:
                uni[c] += f
        if codes and codes[0] is not None:
            start[codes[0]] += f
        if codes and codes[-1] is not None:
            end[codes[-1]] += f
        for a, b in zip(codes, codes[1:]):
            if a is not None and b is not None:
                bi[(a << 16) | b] += f
    top = sorted(bi.items(), key=lambda kv: -kv[1])[:MAX_BIGRAMS]
    with open(out_path, "wb") as out:
        out.write(b"ZLM2" + struct.pack("<II", len(uni), len(top)))
        for code in sorted(uni):
            q = lambda n: quant(n) if n else 0
            out.write(struct.pack("<HBBB", code, quant(uni[code]), q(start[code]), q(end[code])))
        for key, c in sorted(top):
            out.write(struct.pack("<IB", key, quant(c)))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
