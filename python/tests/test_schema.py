"""The shipped schema types every field, and loads real records."""

import json

import pytest

import zhpipe
from zhpipe import schema


def test_schema_covers_the_json_schema():
    from conftest import ROOT

    js = json.loads((ROOT / "schema/zhpipe-v1.schema.json").read_text())
    fields = set(js["$defs"]["document"]["properties"]) | set(js["$defs"]["segment"]["properties"])
    assert fields == set(schema.COLUMNS)
    assert set(js["$defs"]["document"]["properties"]) == set(schema.DOCUMENT_FIELDS)
    assert set(js["$defs"]["segment"]["properties"]) == set(schema.SEGMENT_FIELDS)


def test_arrow_schema_types_every_field():
    pa = pytest.importorskip("pyarrow")
    s = schema.arrow_schema()
    assert s.field("stats").type == pa.map_(pa.string(), pa.int64())
    assert s.field("extra").type == pa.map_(pa.string(), pa.string())
    assert s.field("source").type.get_field_index("lines") >= 0
    assert not any(pa.types.is_null(f.type) for f in s)


def test_datasets_loads_the_seeds(seeds_jsonl):
    datasets = pytest.importorskip("datasets")
    feats = schema.features()
    ds = datasets.load_dataset("json", data_files=str(seeds_jsonl), features=feats, split="train")
    lines = [json.loads(l) for l in seeds_jsonl.read_text().splitlines()]
    assert len(ds) == len(lines) and ds.features == feats
    docs = [r for r in ds if r["type"] == "document"]
    assert len(docs) == 4
    want = [r for r in lines if r["type"] == "document"]
    assert [d["stats"] for d in docs] == [w["stats"] for w in want]
    assert [d["title"] for d in docs] == [w["title"] for w in want]
    segs = [r for r in ds if r["type"] == "segment"]
    assert [s["zh_hans"] for s in segs] == [w["zh_hans"] for w in lines if w["type"] == "segment"]


def test_datasets_from_tokens_records(tmp_path):
    datasets = pytest.importorskip("datasets")
    from conftest import ROOT

    p = zhpipe.Pipeline("tokens")
    out = tmp_path / "t.jsonl"
    with open(out, "wb") as f:
        for path in sorted((ROOT / "corpus/seeds").iterdir()):
            f.write(p.process_jsonl(path.read_bytes(), id=path.stem))
    ds = datasets.load_dataset("json", data_files=str(out), features=schema.features(), split="train")
    assert any(r["tokens"] for r in ds if r["type"] == "segment")
