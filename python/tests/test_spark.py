"""Spark through the CLI: `rdd.pipe` runs `zhpipe run -` once per partition.

pyspark (a 450 MB download) is not in .ci/run's requirements: this test runs where it is
installed (and a Java 17+ runtime is on PATH), and is the one test allowed to skip there.
"""

import json
import shutil

import pytest

from conftest import cli_binary, cli_records_of_jsonl, utf8_docs, write_docs_jsonl

pytestmark = pytest.mark.optional_dependency


@pytest.mark.skipif(shutil.which("java") is None, reason="no Java runtime")
def test_rdd_pipe_matches_cli(tmp_path):
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    docs = utf8_docs()
    write_docs_jsonl(tmp_path / "docs.jsonl", docs)
    spark = SparkSession.builder.master("local[2]").appName("zhpipe-test").config("spark.ui.enabled", "false").getOrCreate()
    try:
        lines = spark.sparkContext.parallelize([json.dumps({"id": i, "text": t}, ensure_ascii=False) for i, t in docs], 2)
        out = lines.pipe(f"{cli_binary()} run - --input-format jsonl --quiet --jobs 1").collect()
    finally:
        spark.stop()
    got: dict = {}
    for line in out:
        rec = json.loads(line)
        if rec["type"] == "document":
            rec["source"].pop("path")
        got.setdefault(rec["doc_id"], []).append(rec)
    assert got == cli_records_of_jsonl(tmp_path / "docs.jsonl")
