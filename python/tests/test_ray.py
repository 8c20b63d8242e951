"""A real Ray Data job on a local Ray instance: map_batches with two actors."""

import pytest

from conftest import cli_records_of_jsonl, same_records, utf8_docs, write_docs_jsonl

ray = pytest.importorskip("ray")


def test_map_batches_matches_cli(tmp_path):
    import pyarrow as pa

    from zhpipe.ray import ZhpipeBatch
    from zhpipe.schema import arrow_schema

    docs = utf8_docs()
    write_docs_jsonl(tmp_path / "docs.jsonl", docs)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        ds = ray.data.from_items([{"id": i, "text": t} for i, t in docs], override_num_blocks=4)
        # num_cpus below 1: two actors that took a whole CPU each would leave none for the
        # tasks feeding them on a two-CPU machine (see zhpipe/ray.py).
        out = ds.map_batches(ZhpipeBatch, batch_format="pyarrow", batch_size=8, concurrency=2, num_cpus=0.5)
        table = pa.concat_tables(list(out.iter_batches(batch_format="pyarrow", batch_size=None)))
    finally:
        ray.shutdown()
    assert table.schema.remove_metadata() == arrow_schema().remove_metadata()
    same_records(table, cli_records_of_jsonl(tmp_path / "docs.jsonl"))
