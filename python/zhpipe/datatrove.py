"""A datatrove ``PipelineStep`` that runs zhpipe on the documents flowing through it.

>>> from datatrove.executor import LocalPipelineExecutor
>>> from datatrove.pipeline.readers import JsonlReader
>>> from datatrove.pipeline.writers import JsonlWriter
>>> from zhpipe.datatrove import ZhpipeStep
>>> LocalPipelineExecutor(
...     pipeline=[JsonlReader("raw/"), ZhpipeStep(), JsonlWriter("clean/")], tasks=4, workers=2
... ).run()  # doctest: +SKIP

Each document comes out once, its text replaced by the cleaned text (the segments, one per
paragraph, in ``script``: ``"zh_hans"`` or ``"zh_hant"``), its metadata extended with the
document record (``metadata["zhpipe"]``: title, platform, published, stats, …) and, with
``keep_segments=True``, every segment record (``metadata["zhpipe_segments"]``). A document
zhpipe rejects (empty, binary, undecodable) is dropped and counted (``zhpipe_failed``);
zhpipe's own counters (``strip.lines_removed``, …) go into the step's stats, prefixed with
``zhpipe.``.

The step holds only the pipeline's name: each task builds its own pipeline when it starts
(datatrove pickles steps into worker processes, and a compiled pipeline does not pickle).
"""

from __future__ import annotations

from collections import deque
from typing import Optional

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

import zhpipe


def cleaned_text(records: list, script: str = "zh_hans") -> str:
    """The segments' text of one document's records, a blank line between segments (English
    segments by their English text)."""
    parts = []
    for r in records[1:]:
        text = r.get(script)
        if text is None:  # an English segment
            text = " ".join(e["en"] for e in r["en"])
        parts.append(text)
    return "\n\n".join(parts)


class ZhpipeStep(PipelineStep):
    """Cleans and segments documents with zhpipe (see the module's documentation).

    ``pipeline``: ``None`` (built-in), ``"tokens"``, or a pipeline file's path.
    ``jobs``: worker threads per task (the documents run without the GIL).
    """

    name = "🀄 zhpipe"
    type = "🔨 - PROCESS"

    def __init__(
        self,
        pipeline: Optional[str] = None,
        script: str = "zh_hans",
        keep_segments: bool = False,
        jobs: int = 1,
    ):
        super().__init__()
        if script not in ("zh_hans", "zh_hant"):
            raise ValueError("script must be 'zh_hans' or 'zh_hant'")
        self.pipeline = None if pipeline is None else str(pipeline)
        self.script = script
        self.keep_segments = keep_segments
        self.jobs = jobs

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        p = zhpipe.Pipeline(self.pipeline)
        # Results come in input order: the documents read ahead wait here for theirs.
        waiting: deque = deque()

        def inputs():
            for doc in data:
                waiting.append(doc)
                yield (str(doc.id), doc.text)

        for result in p.process_batch(inputs(), jobs=self.jobs, errors="return"):
            doc = waiting.popleft()
            if isinstance(result, zhpipe.DocumentError):
                self.stat_update("zhpipe_failed")
                continue
            head = result[0]
            with self.track_time():
                for key, n in head["stats"].items():
                    self.stat_update(f"zhpipe.{key}", value=n)
                self.stat_update("zhpipe_segments", value=len(result) - 1)
                doc.text = cleaned_text(result, self.script)
                doc.metadata["zhpipe"] = head
                if self.keep_segments:
                    doc.metadata["zhpipe_segments"] = result[1:]
                self.update_doc_stats(doc)
            yield doc
