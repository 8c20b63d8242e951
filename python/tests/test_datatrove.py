"""A real local datatrove job: JsonlReader → ZhpipeStep → JsonlWriter, two tasks."""

import json

import pytest

from conftest import cli_records_of_jsonl, utf8_docs, write_docs_jsonl

pytest.importorskip("datatrove")


def test_local_executor_matches_cli(tmp_path):
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from zhpipe.datatrove import ZhpipeStep, cleaned_text

    docs = utf8_docs()
    half = len(docs) // 2
    (tmp_path / "in").mkdir()
    inputs = [tmp_path / "in/a.jsonl", tmp_path / "in/b.jsonl"]
    write_docs_jsonl(inputs[0], docs[:half])
    write_docs_jsonl(inputs[1], docs[half:] + [("blank", "   \n")])
    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(tmp_path / "in")),
            ZhpipeStep(keep_segments=True, jobs=2),
            JsonlWriter(str(tmp_path / "out"), compression=None),
        ],
        tasks=2,
        workers=2,
        logging_dir=str(tmp_path / "logs"),
    ).run()
    got = {}
    for f in sorted((tmp_path / "out").glob("*.jsonl")):
        for line in f.read_text().splitlines():
            d = json.loads(line)
            head = d["metadata"]["zhpipe"]
            head["source"].pop("path")
            records = [head, *d["metadata"]["zhpipe_segments"]]
            assert d["text"] == cleaned_text(records)
            got[d["id"]] = records
    want = cli_records_of_jsonl(*inputs)
    assert len(got) == len(docs) and got == want
    stats = json.loads((tmp_path / "logs/stats.json").read_text())
    names = {k for step in stats for k in step.get("stats", {})}
    assert "zhpipe_failed" in names and "zhpipe_segments" in names
    assert any(n.startswith("zhpipe.") for n in names)
