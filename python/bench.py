"""Python throughput and scale-out against the CLI, on a JSONL file of {"id", "text"}
documents (`cargo bench --bench gen_corpus -- --size 24M --format jsonl --out DIR`).

    python python/bench.py DIR/docs.jsonl [--cli target/release/zhpipe] [--only core,scaling,datatrove,ray]

Every path's records are checked against the CLI's before its time is printed: byte for
byte for the in-process paths (each document is given the name the CLI gives a JSONL
record, `file:line#id`), record for record without `source.path` for datatrove and Ray.
Times are wall-clock seconds, best of `--rounds`, with the CPU seconds that run took (of
this process and its threads; of the CLI's process): on a busy machine wall time says
little, and MB per CPU second compares one-thread throughput fairly.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# `python python/bench.py` puts this directory first on sys.path, where `zhpipe/` may
# hold an extension left by an earlier `maturin develop`: measure the installed package
# (an editable install still adds this directory, through its .pth file).
if sys.path and sys.path[0] and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]

import zhpipe  # noqa: E402


def cpu(who=resource.RUSAGE_SELF):
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


CPU = {}


def best(rounds, fn, who=resource.RUSAGE_SELF):
    """Best wall time of `rounds` runs; the CPU seconds of that run go to CPU[wall]."""
    times = []
    out = None
    for _ in range(rounds):
        t, c = time.perf_counter(), cpu(who)
        out = fn()
        times.append(time.perf_counter() - t)
        CPU[times[-1]] = cpu(who) - c
    return min(times), out


def cli(binary, docs, jobs):
    with open(docs, "rb") as f:
        res = subprocess.run(
            [binary, "run", "-", "--input-format", "jsonl", "--jobs", str(jobs), "--quiet"],
            stdin=f,
            capture_output=True,
            check=False,
        )
    if res.returncode not in (0, 1):
        sys.exit(res.stderr.decode())
    return res.stdout


def same(got, want, what):
    """Exits naming the first record where `got` differs from the CLI's `want`."""
    if got == want:
        return
    if isinstance(want, bytes):
        got, want = got.splitlines(), want.splitlines()
    for n, (a, b) in enumerate(zip(got, want)):
        if a != b:
            sys.exit(f"{what}: record {n} differs from the CLI's:\n  {str(a)[:400]}\n  {str(b)[:400]}")
    sys.exit(f"{what}: {len(got)} records, the CLI wrote {len(want)}")


def by_doc(jsonl: bytes) -> dict:
    out: dict = {}
    for line in jsonl.splitlines():
        rec = json.loads(line)
        if rec["type"] == "document":
            rec["source"].pop("path")
        out.setdefault(rec["doc_id"], []).append(rec)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("docs", type=Path)
    ap.add_argument("--cli", default="target/release/zhpipe")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", default="core,datatrove,ray")
    args = ap.parse_args()
    only = set(args.only.split(","))
    docs = []
    for n, line in enumerate(args.docs.read_text(encoding="utf-8").splitlines(), 1):
        rec = json.loads(line)
        doc_id = rec["id"] if isinstance(rec["id"], str) else json.dumps(rec["id"])
        docs.append((doc_id, f"-:{n}#{doc_id}", rec["text"]))
    mb = sum(len(t.encode()) for *_, t in docs) / 1e6
    print(f"{len(docs)} documents, {mb:.1f} MB of text; best of {args.rounds}")

    def row(name, t):
        c = CPU.get(t)
        per_cpu = f"  {c:7.2f} CPU s  {mb / c:6.1f} MB/CPU s" if c else ""
        print(f"{name:<46} {t:7.2f} s  {mb / t:6.1f} MB/s{per_cpu}", flush=True)

    kids = resource.RUSAGE_CHILDREN
    t1, want = best(args.rounds, lambda: cli(args.cli, args.docs, 1), kids)
    row("CLI --jobs 1", t1)
    t2, want2 = best(args.rounds, lambda: cli(args.cli, args.docs, 2), kids)
    same(want2, want, "CLI --jobs 2")
    row("CLI --jobs 2", t2)

    if "core" in only:
        p = zhpipe.Pipeline()
        t, out = best(args.rounds, lambda: b"".join(p.process_jsonl(x, id=i, path=n) for i, n, x in docs))
        same(out, want, "process_jsonl")
        row(f"process_jsonl, one thread ({t1 / t:.0%} of CLI)", t)
        t, out = best(args.rounds, lambda: b"".join(p.process_batch(docs, jobs=1, output="jsonl")))
        same(out, want, "process_batch jobs=1 jsonl")
        row(f"process_batch jobs=1 jsonl ({t1 / t:.0%})", t)
        tb2, out = best(args.rounds, lambda: b"".join(p.process_batch(docs, jobs=2, output="jsonl")))
        same(out, want, "process_batch jobs=2 jsonl")
        row(f"process_batch jobs=2 jsonl ({t / tb2:.2f}x jobs=1)", tb2)
        lines = [json.loads(l) for l in want.splitlines()]
        t, out = best(args.rounds, lambda: [r for i, n, x in docs for r in p.process(x, id=i, path=n)])
        same(out, lines, "process")
        row(f"process (dicts), one thread ({t1 / t:.0%})", t)
        td1, out = best(args.rounds, lambda: [r for rs in p.process_batch(docs, jobs=1) for r in rs])
        same(out, lines, "process_batch jobs=1")
        row(f"process_batch jobs=1 dicts ({t1 / td1:.0%})", td1)
        td2, out = best(args.rounds, lambda: [r for rs in p.process_batch(docs, jobs=2) for r in rs])
        same(out, lines, "process_batch jobs=2")
        row(f"process_batch jobs=2 dicts ({td1 / td2:.2f}x jobs=1)", td2)
        import pyarrow as pa

        t, out = best(args.rounds, lambda: pa.Table.from_batches(list(p.process_arrow(docs, jobs=1))))
        assert out.num_rows == len(lines) and out.column("doc_id").to_pylist() == [r["doc_id"] for r in lines]
        row(f"process_arrow jobs=1 ({t1 / t:.0%})", t)
        ta2, out = best(args.rounds, lambda: pa.Table.from_batches(list(p.process_arrow(docs, jobs=2))))
        row(f"process_arrow jobs=2 ({t / ta2:.2f}x jobs=1)", ta2)

    if "scaling" in only:
        # Two threads against one, the runs alternating so that a change in the host's load
        # or clock falls on both: best and median of `--rounds` pairs.
        p = zhpipe.Pipeline()
        one = lambda: b"".join(p.process_jsonl(x, id=i, path=n) for i, n, x in docs)  # noqa: E731
        two = lambda: b"".join(p.process_batch(docs, jobs=2, output="jsonl"))  # noqa: E731
        ones, twos = [], []
        for _ in range(args.rounds):
            for times, fn in ((ones, one), (twos, two)):
                t = time.perf_counter()
                out = fn()
                times.append(time.perf_counter() - t)
                same(out, want, "scaling")
        ones.sort()
        twos.sort()
        mid = args.rounds // 2
        print(
            f"process_jsonl one thread vs process_batch(jobs=2), {args.rounds} alternations: "
            f"best {ones[0]:.2f} / {twos[0]:.2f} s = {ones[0] / twos[0]:.2f}x, "
            f"median {ones[mid]:.2f} / {twos[mid]:.2f} s = {ones[mid] / twos[mid]:.2f}x"
        )

    want_docs = by_doc(want) if only & {"datatrove", "ray"} else None
    if "datatrove" in only:
        from datatrove.executor import LocalPipelineExecutor
        from datatrove.pipeline.readers import JsonlReader
        from datatrove.pipeline.writers import JsonlWriter

        from zhpipe.datatrove import ZhpipeStep

        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            (tmp / "in").mkdir()
            half = len(docs) // 2
            for name, part in (("a", docs[:half]), ("b", docs[half:])):
                with open(tmp / "in" / f"{name}.jsonl", "w", encoding="utf-8") as f:
                    for i, _, x in part:
                        f.write(json.dumps({"id": i, "text": x}, ensure_ascii=False) + "\n")
            t = time.perf_counter()
            LocalPipelineExecutor(
                pipeline=[
                    JsonlReader(str(tmp / "in")),
                    ZhpipeStep(keep_segments=True),
                    JsonlWriter(str(tmp / "out"), compression=None),
                ],
                tasks=2,
                workers=2,
                logging_dir=str(tmp / "logs"),
            ).run()
            t = time.perf_counter() - t
            got = {}
            for f in (tmp / "out").glob("*.jsonl"):
                for line in f.read_text().splitlines():
                    d = json.loads(line)
                    d["metadata"]["zhpipe"]["source"].pop("path")
                    got[d["id"]] = [d["metadata"]["zhpipe"], *d["metadata"]["zhpipe_segments"]]
            assert got == want_docs
        row("datatrove, 2 tasks × 2 workers (same records)", t)

    if "ray" in only:
        import pyarrow as pa
        import ray

        from zhpipe.ray import ZhpipeBatch

        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
        try:
            t = time.perf_counter()
            ds = ray.data.from_items([{"id": i, "text": x} for i, _, x in docs], override_num_blocks=8)
            out = ds.map_batches(ZhpipeBatch, batch_format="pyarrow", batch_size=64, concurrency=2, num_cpus=0.5)
            table = pa.concat_tables(list(out.iter_batches(batch_format="pyarrow", batch_size=None)))
            t = time.perf_counter() - t
        finally:
            ray.shutdown()
        sys.path.insert(0, str(Path(__file__).parent / "tests"))
        from conftest import same_records

        same_records(table, want_docs)
        row("Ray Data, 2 actors (same records)", t)


if __name__ == "__main__":
    os.environ.setdefault("RAY_DEDUP_LOGS", "0")
    main()
