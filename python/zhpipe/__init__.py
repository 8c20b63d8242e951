"""zhpipe: messy Chinese web articles (interviews and news from WeChat, NetEase, news sites
and SEO mirrors, Simplified or Traditional, sometimes garbled) to clean, bilingual,
speaker-segmented records.

>>> import zhpipe
>>> p = zhpipe.Pipeline()
>>> records = p.process("主持人：你好。\\n马斯克：你好。\\n", id="interview")
>>> records[0]["type"], records[1]["speaker"]["id"]
('document', 'host')

A :class:`Pipeline` is compiled once and is safe to share between threads. Records are
the CLI's (``zhpipe run``), byte for byte: :meth:`Pipeline.process` gives them as dicts,
:meth:`Pipeline.process_jsonl` as JSONL bytes, :meth:`Pipeline.process_batch` runs many
documents on worker threads (without the GIL, in order, as a stream) and
:meth:`Pipeline.process_arrow` gives ``pyarrow.RecordBatch`` es typed by
:func:`zhpipe.schema.arrow_schema`.
"""

from __future__ import annotations

import os
from collections import deque
from typing import Any, Iterable, Iterator, Optional, Union

from . import _zhpipe
from ._zhpipe import DocumentError, PipelineError, ZhpipeError

__version__: str = _zhpipe.__version__
__all__ = [
    "Pipeline",
    "convert",
    "OpenCC",
    "ZhpipeError",
    "PipelineError",
    "DocumentError",
    "__version__",
]

Text = Union[str, bytes]

# A chunk is what one call into the extension carries to the worker threads: large enough
# that the per-call cost vanishes, small enough that memory stays bounded and the first
# results come soon. One chunk more than there are workers is in flight: while the caller
# turns one chunk's records into Python objects (with the GIL), every worker still has a
# chunk to run.
_CHUNK_DOCS = 128
_CHUNK_BYTES = 8 << 20


def _in_flight(jobs: int) -> int:
    return max(2, jobs + 1)


def _job(i: int, item: Any) -> tuple:
    """``(id, path, text)`` for one item of a batch."""
    if isinstance(item, (str, bytes)):
        return (str(i), str(i), item)
    if isinstance(item, tuple):
        if len(item) == 2:
            return (str(item[0]), str(item[0]), item[1])
        if len(item) == 3:
            return (str(item[0]), str(item[1]), item[2])
    elif isinstance(item, dict):
        doc_id = str(item.get("id", i))
        return (doc_id, str(item.get("path", doc_id)), item["text"])
    elif hasattr(item, "text"):
        doc_id = str(getattr(item, "id", i))
        return (doc_id, doc_id, item.text)
    raise TypeError(
        f"batch item {i}: expected str, bytes, (id, text), (id, path, text), a dict with "
        f"'id' and 'text', or an object with .text; got {type(item).__name__}"
    )


def _chunks(docs: Iterable[Any], size: int) -> Iterator[list]:
    chunk: list = []
    held = 0
    for i, item in enumerate(docs):
        job = _job(i, item)
        chunk.append(job)
        held += len(job[2])
        if len(chunk) >= size or held >= _CHUNK_BYTES:
            yield chunk
            chunk, held = [], 0
    if chunk:
        yield chunk


class Pipeline:
    """A compiled zhpipe pipeline: decode → repair → strip → normalize → segment → emit.

    ``pipeline`` is ``None`` or ``"default"`` for the built-in pipeline, ``"tokens"`` for the
    built-in pipeline plus jieba word tokens on every segment, or the path of a pipeline
    file (TOML; rule files it names are read relative to it, ``builtin:`` names the
    shipped ones). Raises :class:`PipelineError` if the file or a rule in it is invalid.
    """

    __slots__ = ("_p",)

    def __init__(self, pipeline: Union[None, str, "os.PathLike[str]"] = None) -> None:
        self._p = _zhpipe.Pipeline(None if pipeline is None else os.fspath(pipeline))

    @property
    def name(self) -> str:
        """``"default"``, ``"tokens"`` or the pipeline file's path as given."""
        return self._p.name

    def __repr__(self) -> str:
        return f"zhpipe.Pipeline({self.name!r})"

    def process(self, text: Text, id: str = "doc", path: Optional[str] = None) -> list:
        """Runs one document; returns its records as dicts: the ``document`` record, then
        one ``segment`` record per heading, paragraph or speaker turn.

        ``text`` is ``str``, or ``bytes`` in any encoding the pipeline detects (UTF-8, GBK,
        GB18030, Big5, UTF-16). ``id`` becomes ``doc_id``; ``path`` (default: ``id``) is
        written as ``source.path``. Raises :class:`DocumentError` (with ``doc_id``, ``line``,
        ``column``, ``byte``) when the document cannot be processed.
        """
        return self._p.process(text, str(id), path)

    def process_jsonl(self, text: Text, id: str = "doc", path: Optional[str] = None) -> bytes:
        """Like :meth:`process`, the records as JSONL bytes (exactly the CLI's lines)."""
        return self._p.process_jsonl(text, str(id), path)

    def audit(self, text: Text, id: str = "doc", path: Optional[str] = None) -> list:
        """The audit trail of one document: every removal and repair, with the rule that
        made it (what the CLI writes with ``--audit``), as dicts."""
        return self._p.audit(text, str(id), path)

    def process_batch(
        self,
        docs: Iterable[Any],
        jobs: int = 1,
        output: str = "records",
        errors: str = "raise",
        chunk_size: int = _CHUNK_DOCS,
    ) -> Iterator[Any]:
        """Runs many documents on ``jobs`` worker threads; yields one result per document,
        in input order, as soon as it is ready (``docs`` is read lazily).

        Items of ``docs``: ``str``/``bytes`` (id: the item's index), ``(id, text)``,
        ``(id, path, text)``, a dict with ``"id"`` and ``"text"`` (and optionally
        ``"path"``), or any object with ``.text`` and ``.id`` (a datatrove ``Document``).

        ``output="records"`` yields each document's records as a list of dicts;
        ``output="jsonl"`` yields its JSONL as bytes (the fast path). ``errors="raise"``
        raises the :class:`DocumentError` of a document that fails when its turn comes;
        ``errors="return"`` yields the error in its place and goes on.

        The documents run without the GIL: other Python threads keep running.
        """
        if output not in ("records", "jsonl"):
            raise ValueError("output must be 'records' or 'jsonl'")
        _check_errors(errors, ("raise", "return"))
        pool = _zhpipe.Pool(jobs)
        pending: deque = deque()
        for chunk in _chunks(docs, chunk_size):
            pending.append(self._p.submit(chunk, pool, output))
            if len(pending) >= _in_flight(jobs):
                yield from _results(pending.popleft().wait(), errors)
        while pending:
            yield from _results(pending.popleft().wait(), errors)

    def process_arrow(
        self,
        docs: Iterable[Any],
        jobs: int = 1,
        errors: str = "raise",
        chunk_size: int = _CHUNK_DOCS,
    ) -> Iterator[Any]:
        """Runs many documents like :meth:`process_batch` and yields ``pyarrow.RecordBatch``
        es of their records (one batch per chunk of ``chunk_size`` documents, in order),
        typed by :func:`zhpipe.schema.arrow_schema`. The records are decoded into Arrow
        columns on the worker threads. ``errors="skip"`` leaves failed documents out
        (their errors are in the batch's schema metadata under ``b"errors"``, as JSON).

        Needs ``pyarrow``.
        """
        import pyarrow as pa

        from .schema import arrow_schema

        _check_errors(errors, ("raise", "skip"))
        schema = arrow_schema()
        pool = _zhpipe.Pool(jobs)
        pending: deque = deque()

        def take(chunk):
            batch, failed = chunk.wait_arrow()
            if failed and errors == "raise":
                raise failed[0]
            batch = pa.record_batch(batch)
            if failed:
                import json

                errs = [{"doc_id": e.doc_id, "error": str(e)} for e in failed]
                batch = batch.replace_schema_metadata({**(batch.schema.metadata or {}), b"errors": json.dumps(errs)})
            return batch

        for chunk in _chunks(docs, chunk_size):
            pending.append(self._p.submit_arrow(chunk, pool, schema))
            if len(pending) >= _in_flight(jobs):
                yield take(pending.popleft())
        while pending:
            yield take(pending.popleft())


def _check_errors(errors: str, allowed: tuple) -> None:
    if errors not in allowed:
        raise ValueError(f"errors must be one of {', '.join(map(repr, allowed))}")


def _results(done: list, errors: str) -> Iterator[Any]:
    for r in done:
        if isinstance(r, DocumentError) and errors == "raise":
            raise r
        yield r


def convert(text: str, config: str = "t2s") -> str:
    """Converts ``text`` with an OpenCC configuration: ``s2t``, ``t2s``, ``s2tw``, ``tw2s``,
    ``s2hk``, ``hk2s``, ``s2twp``, ``tw2sp``, ``t2tw``, ``t2hk``, ``tw2t``, ``hk2t`` (a trailing
    ``.json`` is accepted). Same dictionaries and longest-match rules as OpenCC 1.4.2.
    """
    return _zhpipe.convert(text, config)


class OpenCC:
    """Drop-in for the ``opencc`` package's converter: ``OpenCC("t2s").convert(text)``.

    ``config`` is an OpenCC configuration name, with or without ``.json``; raises
    ``ValueError`` for an unknown one.
    """

    __slots__ = ("config",)

    def __init__(self, config: str = "t2s") -> None:
        self.config: str = _zhpipe.check_config(config)

    def convert(self, text: str) -> str:
        """``text`` converted."""
        return _zhpipe.convert(text, self.config)

    def __repr__(self) -> str:
        return f"zhpipe.OpenCC({self.config!r})"
