"""Records from Python are the CLI's, on every corpus document, by every path."""

import json

import pytest

import zhpipe
from conftest import arrow_row_to_record


def test_process_jsonl_equals_cli(cli_corpus):
    p = zhpipe.Pipeline()
    for doc_id, path, data, cli in cli_corpus:
        assert p.process_jsonl(data, id=doc_id, path=path) == cli, doc_id


def test_process_dicts_equal_cli(cli_corpus):
    p = zhpipe.Pipeline()
    for doc_id, path, data, cli in cli_corpus:
        assert p.process(data, id=doc_id, path=path) == [json.loads(l) for l in cli.splitlines()], doc_id


@pytest.mark.parametrize("jobs", [1, 2])
def test_batch_equals_cli(cli_corpus, jobs):
    p = zhpipe.Pipeline()
    docs = [(doc_id, path, data) for doc_id, path, data, _ in cli_corpus]
    got = b"".join(p.process_batch(docs, jobs=jobs, output="jsonl", chunk_size=5))
    assert got == b"".join(cli for *_, cli in cli_corpus)


def test_arrow_equals_cli(cli_corpus):
    pa = pytest.importorskip("pyarrow")
    p = zhpipe.Pipeline()
    docs = [(doc_id, path, data) for doc_id, path, data, _ in cli_corpus]
    batches = list(p.process_arrow(docs, jobs=2, chunk_size=7))
    table = pa.Table.from_batches(batches)
    assert table.schema == zhpipe.schema.arrow_schema()
    assert table.schema.field("stats").type == pa.map_(pa.string(), pa.int64())
    cli = [json.loads(l) for *_, c in cli_corpus for l in c.splitlines()]
    assert table.num_rows == len(cli)
    for row, want in zip(table.to_pylist(), cli):
        got = arrow_row_to_record(row, want["type"])
        # Optional fields the CLI leaves out are null columns here.
        for k in set(got) - set(want):
            assert got.pop(k) in (None, []), k
        assert got == want
