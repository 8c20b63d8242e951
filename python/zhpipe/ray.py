"""A callable class for Ray Data's ``map_batches``: documents in, zhpipe records out.

>>> import ray
>>> from zhpipe.ray import ZhpipeBatch
>>> ds = ray.data.read_json("docs.jsonl")  # columns "id" and "text"  # doctest: +SKIP
>>> records = ds.map_batches(
...     ZhpipeBatch, batch_format="pyarrow", concurrency=2, num_cpus=0.5
... )  # doctest: +SKIP

Each input batch (a ``pyarrow.Table`` with an id and a text column) becomes a table of its
documents' records, typed by :func:`zhpipe.schema.arrow_schema` (one row per record: a
``document`` row, then its ``segment`` rows). Documents zhpipe rejects are left out, and
counted in :attr:`ZhpipeBatch.failed` of the actor.

Ray gives each actor ``num_cpus`` (default 1). On a machine with as many CPUs as actors, the
actors hold every CPU and the tasks that read the input never get one: the job hangs with
no error. Ask for less than a CPU per actor (``num_cpus=0.5``), or start Ray with more
logical CPUs than actors (``ray.init(num_cpus=...)``).
"""

from __future__ import annotations

from typing import Optional

import zhpipe
from zhpipe.schema import arrow_schema


class ZhpipeBatch:
    """Runs zhpipe on a batch of documents (see the module's documentation).

    ``pipeline``: ``None`` (built-in), ``"tokens"`` or a pipeline file's path;
    ``id_column``/``text_column``: the input columns (text as ``str`` or ``bytes``);
    ``jobs``: threads per actor (the documents run without the GIL).
    """

    def __init__(
        self,
        pipeline: Optional[str] = None,
        id_column: str = "id",
        text_column: str = "text",
        jobs: int = 1,
    ) -> None:
        self.pipeline = zhpipe.Pipeline(pipeline)
        self.id_column = id_column
        self.text_column = text_column
        self.jobs = jobs
        self.schema = arrow_schema()
        self.failed = 0

    def __call__(self, batch):
        import pyarrow as pa

        if not isinstance(batch, pa.Table):
            batch = pa.table(batch)
        ids = batch.column(self.id_column).to_pylist()
        texts = batch.column(self.text_column).to_pylist()
        docs = [(str(i), t) for i, t in zip(ids, texts)]
        out = []
        for rb in self.pipeline.process_arrow(docs, jobs=self.jobs, errors="skip", chunk_size=max(len(docs), 1)):
            errors = (rb.schema.metadata or {}).get(b"errors")
            if errors:
                import json

                self.failed += len(json.loads(errors))
            out.append(rb.replace_schema_metadata(self.schema.metadata))
        return pa.Table.from_batches(out, schema=self.schema)
