"""Shared fixtures: the repository, its corpus, and the CLI's records to compare with."""

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def cli_binary() -> Path:
    """The zhpipe CLI: $ZHPIPE_CLI, else target/release or target/debug of this checkout."""
    env = os.environ.get("ZHPIPE_CLI")
    candidates = [Path(env)] if env else [ROOT / "target/release/zhpipe", ROOT / "target/debug/zhpipe"]
    for c in candidates:
        if c.is_file():
            return c
    raise RuntimeError(f"no zhpipe CLI at {', '.join(map(str, candidates))}: run `cargo build --release` first")


def run_cli(*args: str) -> bytes:
    res = subprocess.run([str(cli_binary()), "run", "-q", "--jobs", "2", *args], capture_output=True, cwd=ROOT)
    assert res.returncode in (0, 1), res.stderr.decode()
    return res.stdout


def split_docs(jsonl: bytes) -> list:
    """CLI output as one `(doc_id, path, lines)` entry per document, in order."""
    docs = []
    for line in jsonl.splitlines(keepends=True):
        rec = json.loads(line)
        if rec["type"] == "document":
            docs.append((rec["doc_id"], rec["source"]["path"], []))
        docs[-1][2].append(line)
    return docs


def corpus_inputs() -> list:
    """Every corpus document the CLI reads: corpus/ and, when present, ../shared/real-dev."""
    inputs = ["corpus"]
    real = ROOT.parent / "shared" / "real-dev"
    if real.is_dir():
        inputs.append(str(real))
    return inputs


@pytest.fixture(scope="session")
def cli_corpus():
    """The CLI's records for the whole corpus, per document, with each document's bytes."""
    docs = split_docs(run_cli(*corpus_inputs()))
    assert len(docs) >= 20
    return [(doc_id, path, (ROOT / path).read_bytes(), b"".join(lines)) for doc_id, path, lines in docs]


@pytest.fixture(scope="session")
def seeds_jsonl(tmp_path_factory):
    """The seeds' records from the CLI, as a file."""
    out = tmp_path_factory.mktemp("seeds") / "seeds.jsonl"
    out.write_bytes(run_cli("corpus/seeds"))
    return out


def utf8_docs(limit_bytes: int = 0) -> list:
    """Corpus documents that are valid UTF-8, as `(id, text)`: what a framework's reader
    (datatrove, Ray) hands on as strings. Repeated, with fresh ids, until `limit_bytes`."""
    docs = []
    for base in [ROOT / "corpus", *([ROOT.parent / "shared/real-dev"] if (ROOT.parent / "shared/real-dev").is_dir() else [])]:
        for path in sorted(base.rglob("*")):
            if path.suffix not in (".txt", ".md") or not path.is_file():
                continue
            try:
                # Ids as the CLI's walk names them (path below the folder), so that corpus/real's
                # copies of real-dev documents keep ids of their own.
                docs.append((str(path.relative_to(base).with_suffix("")), path.read_bytes().decode("utf-8")))
            except UnicodeDecodeError:
                pass
    out, size, rnd = [], 0, 0
    while True:
        for doc_id, text in docs:
            out.append((f"{doc_id}~{rnd}" if rnd else doc_id, text))
            size += len(text.encode())
        rnd += 1
        if size >= limit_bytes:
            return out


def write_docs_jsonl(path: Path, docs: list) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for doc_id, text in docs:
            f.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")


def cli_records_of_jsonl(*paths: Path) -> dict:
    """The CLI's records for JSONL inputs, by doc_id, `source.path` left out (the CLI names
    a JSONL document `file:line#id`; a framework's reader does not know that name)."""
    out: dict = {}
    for line in run_cli("--input-format", "jsonl", *map(str, paths)).splitlines():
        rec = json.loads(line)
        if rec["type"] == "document":
            rec["source"].pop("path")
        out.setdefault(rec["doc_id"], []).append(rec)
    return out


def pytest_configure(config):
    config.addinivalue_line("markers", "optional_dependency: may skip in CI (its package is not installed there)")


def pytest_sessionfinish(session, exitstatus):
    """With ZHPIPE_NO_SKIP=1 (CI), a skipped test fails the run: every integration's
    packages are installed there, so a skip means a test did not run."""
    if not os.environ.get("ZHPIPE_NO_SKIP"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    # Tests of optional integrations (marked `optional_dependency`, e.g. Spark) may skip.
    skipped = [r for r in skipped if "optional_dependency" not in getattr(r, "keywords", {})]
    if skipped or session.testscollected == 0:
        print(f"\nzhpipe: {len(skipped)} skipped, {session.testscollected} collected; ZHPIPE_NO_SKIP forbids skips")
        session.exitstatus = 1


def arrow_row_to_record(row: dict, kind: str) -> dict:
    """An Arrow row (every column; maps as pairs) back to a record of `kind`: its own
    fields only, `source` and `en` without the other kind's (null) fields."""
    from zhpipe.schema import DOCUMENT_FIELDS, SEGMENT_FIELDS, SOURCE_FIELDS

    rec = {}
    for k in DOCUMENT_FIELDS if kind == "document" else SEGMENT_FIELDS:
        v = row[k]
        if k in ("stats", "extra"):
            v = dict(v)
        elif k == "source":
            v = {sk: v[sk] for sk in SOURCE_FIELDS[kind]}
        elif k == "en" and v is not None:
            v = [{ek: ev for ek, ev in e.items() if ev is not None} for e in v]
        rec[k] = v
    return rec


def same_records(table, want: dict) -> None:
    """Asserts an Arrow table of records holds `want` ({doc_id: records}, `source.path`
    left out of document records), in order within each document. Fields the CLI leaves
    out (`tokens` without the tokens pipeline) must be null or empty."""
    got: dict = {}
    for row in table.to_pylist():
        rec = arrow_row_to_record(row, row["type"])
        if rec["type"] == "document":
            rec["source"].pop("path")
        got.setdefault(rec["doc_id"], []).append(rec)
    assert set(got) == set(want)
    for doc_id, recs in want.items():
        assert len(got[doc_id]) == len(recs), doc_id
        for g, r in zip(got[doc_id], recs):
            for k in set(g) - set(r):
                assert g.pop(k) in (None, []), (doc_id, k)
            assert g == r, doc_id
