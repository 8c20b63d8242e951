"""The record schema (``zhpipe/v1``) for Arrow and for Hugging Face ``datasets``.

zhpipe writes two kinds of record into one stream: a ``document`` record, then that
document's ``segment`` records (``schema/zhpipe-v1.schema.json`` in the repository is the
JSON Schema). Arrow and ``datasets`` want one type per column, so both kinds share one
table here: every field of either kind is a column, null where the record's kind does not
have it (a segment has no ``title``; a document has no ``seq``). ``source`` is one struct
holding the document's fields (``path``, ``encoding``, …) and the segment's ``lines``.

``stats`` and ``extra`` are open objects (any counter, any rule-defined key): Arrow maps
(``map<string, int64>`` and ``map<string, string>``). ``datasets`` has no map type, so
:func:`features` types them as ``datasets.Json()``, which stores the object as JSON text
and gives it back as a dict.
"""

from __future__ import annotations

SCHEMA_VERSION = "zhpipe/v1"

# Field names and kinds in record order (document fields first, then segment-only ones);
# arrow_schema() and features() are both built from these, so they cannot disagree.
_STR = "string"
_SCRIPTS = {"zh_hans": _STR, "zh_hant": _STR}
_FIELDS = [
    ("type", _STR),
    ("schema", _STR),
    ("doc_id", _STR),
    ("seq", "int64"),
    ("kind", _STR),
    (
        "source",
        {
            "path": _STR,
            "encoding": _STR,
            "confidence": "float64",
            "bytes": "int64",
            "sha256": _STR,
            "lines": ["int64"],
        },
    ),
    ("platform", _STR),
    ("title", {"zh_hans": _STR, "zh_hant": _STR, "en": _STR}),
    ("author", _STR),
    ("published", _STR),
    ("location", _STR),
    ("source_urls", [_STR]),
    ("cover_url", _STR),
    ("links", [_STR]),
    ("script", _STR),
    ("variant", _STR),
    ("truncated", "bool"),
    ("extra", ("map", _STR)),
    ("stats", ("map", "int64")),
    ("section", _SCRIPTS),
    ("speaker", {"id": _STR, "zh_hans": _STR, "zh_hant": _STR, "en": _STR, "role": _STR}),
    ("lang", _STR),
    ("zh_hans", _STR),
    ("zh_hant", _STR),
    ("en", [{"en": _STR, "zh_hans": _STR, "zh_hant": _STR}]),
    ("directions", [_STR]),
    ("tokens", [_STR]),
    ("repair", {"edits": "int64", "min_confidence": "float64", "low_confidence": "bool"}),
]

#: Every column name, in order.
COLUMNS = [name for name, _ in _FIELDS]

#: The fields of a ``document`` record, and of a ``segment`` record (the others are null).
DOCUMENT_FIELDS = [
    "type", "schema", "doc_id", "source", "platform", "title", "author", "published", "location",
    "source_urls", "cover_url", "links", "script", "variant", "truncated", "extra", "stats",
]
SEGMENT_FIELDS = [
    "type", "doc_id", "seq", "kind", "section", "speaker", "lang", "script", "zh_hans", "zh_hant",
    "en", "directions", "tokens", "source", "repair",
]
#: Which fields of the shared ``source`` struct each kind has.
SOURCE_FIELDS = {"document": ["path", "encoding", "confidence", "bytes", "sha256"], "segment": ["lines"]}


def _arrow(kind):
    import pyarrow as pa

    if isinstance(kind, str):
        return {"string": pa.string(), "int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_()}[kind]
    if isinstance(kind, list):
        return pa.list_(_arrow(kind[0]))
    if isinstance(kind, tuple):
        return pa.map_(pa.string(), _arrow(kind[1]))
    return pa.struct([pa.field(k, _arrow(v)) for k, v in kind.items()])


def arrow_schema():
    """The ``pyarrow.Schema`` of record batches from :meth:`zhpipe.Pipeline.process_arrow`.

    Every field is nullable; ``stats`` is ``map<string, int64>`` and ``extra`` is
    ``map<string, string>``.
    """
    import pyarrow as pa

    return pa.schema([pa.field(name, _arrow(kind)) for name, kind in _FIELDS], metadata={"schema": SCHEMA_VERSION})


def _feature(kind):
    import datasets

    if isinstance(kind, str):
        return datasets.Value({"float64": "float64", "bool": "bool"}.get(kind, kind))
    if isinstance(kind, list):
        return datasets.List(_feature(kind[0]))
    if isinstance(kind, tuple):
        return datasets.Json()
    return {k: _feature(v) for k, v in kind.items()}


def features():
    """The ``datasets.Features`` of zhpipe records, for
    ``datasets.load_dataset("json", data_files=..., features=zhpipe.schema.features())``.

    ``stats`` and ``extra`` are ``datasets.Json()`` (datasets has no map type); everything
    else is typed. Needs ``datasets`` 4.4 or later (``datasets.Json``).
    """
    import datasets

    return datasets.Features({name: _feature(kind) for name, kind in _FIELDS})
