#!/usr/bin/env python3
"""Builds src/convert/data/jieba.lex, the word list `lexicon.rs` reads, from jieba-rs's
dictionary (`jieba-rs-0.11.0/src/data/dict.txt`, MIT, the dictionary `Jieba::new` loads).

    python3 src/convert/gen_lexicon.py ~/.cargo/registry/src/*/jieba-rs-0.11.0/src/data/dict.txt

Regenerate when the jieba-rs dependency's dictionary changes; the lexicon test compares the
two segmenters on the corpus and fails when they disagree. Stored uncompressed: it is read in
place, with no decompression at start-up.

Layout (little-endian): b"ZHLEX1\\0\\0", u32 word count n, u64 total frequency, u8 tag count
and each tag as u8 length + bytes, u32 count m of distinct first characters and m pairs (u32
code point, u32 index of its first word), then n word lengths (u8, bytes), n tag indexes (u8),
n frequencies (u24), and the words' UTF-8 bytes, sorted by bytes.
"""
import struct
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "data" / "jieba.lex"


def main(dict_path):
    entries = []
    for line in open(dict_path, encoding="utf-8"):
        parts = line.split()
        if not parts:
            continue
        word = parts[0].encode()
        freq = int(parts[1]) if len(parts) > 1 else 0
        tag = parts[2] if len(parts) > 2 else ""
        entries.append((word, freq, tag))
    words = [e[0] for e in entries]
    assert len(set(words)) == len(words), "duplicate words: jieba would keep the last"
    total = sum(e[1] for e in entries)
    entries.sort(key=lambda e: e[0])
    tags = sorted({e[2] for e in entries})
    assert len(tags) < 256
    tag_id = {t: i for i, t in enumerate(tags)}
    out = bytearray(b"ZHLEX1\0\0")
    out += struct.pack("<IQ", len(entries), total)
    out += struct.pack("<B", len(tags))
    for t in tags:
        b = t.encode()
        out += struct.pack("<B", len(b)) + b
    firsts = []
    for i, (w, _, _) in enumerate(entries):
        c = ord(w.decode()[0])
        if not firsts or firsts[-1][0] != c:
            firsts.append((c, i))
    out += struct.pack("<I", len(firsts))
    for c, i in firsts:
        out += struct.pack("<II", c, i)
    for w, _, _ in entries:
        assert 0 < len(w) < 256
        out.append(len(w))
    for _, _, t in entries:
        out.append(tag_id[t])
    for _, f, _ in entries:
        assert 0 <= f < 1 << 24
        out += f.to_bytes(3, "little")
    for w, _, _ in entries:
        out += w
    OUT.write_bytes(out)
    print(f"{OUT}: {len(entries)} words, total {total}, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
