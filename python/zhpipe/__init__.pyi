# Type stubs for zhpipe (records are plain dicts following schema/zhpipe-v1.schema.json).
import os
from typing import Any, Iterable, Iterator, Literal, Optional, TypedDict, Union, overload

from ._zhpipe import DocumentError as DocumentError
from ._zhpipe import PipelineError as PipelineError
from ._zhpipe import ZhpipeError as ZhpipeError
from . import schema as schema

__version__: str

Text = Union[str, bytes]
#: What a batch accepts per document.
BatchItem = Union[str, bytes, tuple[str, Text], tuple[str, str, Text], dict[str, Any], Any]

class Scripts(TypedDict):
    zh_hans: str
    zh_hant: str

class Source(TypedDict, total=False):
    path: str
    encoding: str
    confidence: float
    bytes: int
    sha256: str
    lines: list[int]

class Title(TypedDict):
    zh_hans: Optional[str]
    zh_hant: Optional[str]
    en: Optional[str]

class Speaker(TypedDict):
    id: str
    zh_hans: Optional[str]
    zh_hant: Optional[str]
    en: Optional[str]
    role: Optional[str]

class EnSpan(TypedDict, total=False):
    en: str
    zh_hans: str
    zh_hant: str

class RepairMark(TypedDict):
    edits: int
    min_confidence: float
    low_confidence: bool

class DocumentRecord(TypedDict, total=False):
    type: Literal["document"]
    schema: str
    doc_id: str
    source: Source
    platform: Optional[str]
    title: Title
    author: Optional[str]
    published: Optional[str]
    location: Optional[str]
    source_urls: list[str]
    cover_url: Optional[str]
    links: list[str]
    script: Optional[str]
    variant: Optional[str]
    truncated: bool
    extra: dict[str, str]
    stats: dict[str, int]

class SegmentRecord(TypedDict, total=False):
    type: Literal["segment"]
    doc_id: str
    seq: int
    kind: str
    section: Optional[Scripts]
    speaker: Optional[Speaker]
    lang: str
    script: Optional[str]
    zh_hans: Optional[str]
    zh_hant: Optional[str]
    en: list[EnSpan]
    directions: list[str]
    tokens: list[str]
    source: Source
    repair: RepairMark

Record = Union[DocumentRecord, SegmentRecord]

class Pipeline:
    def __init__(self, pipeline: Union[None, str, os.PathLike[str]] = None) -> None: ...
    @property
    def name(self) -> str: ...
    def process(self, text: Text, id: str = "doc", path: Optional[str] = None) -> list[Record]: ...
    def process_jsonl(self, text: Text, id: str = "doc", path: Optional[str] = None) -> bytes: ...
    def audit(self, text: Text, id: str = "doc", path: Optional[str] = None) -> list[dict[str, Any]]: ...
    @overload
    def process_batch(
        self,
        docs: Iterable[BatchItem],
        jobs: int = 1,
        output: Literal["records"] = "records",
        errors: Literal["raise"] = "raise",
        chunk_size: int = 128,
    ) -> Iterator[list[Record]]: ...
    @overload
    def process_batch(
        self,
        docs: Iterable[BatchItem],
        jobs: int = 1,
        *,
        output: Literal["jsonl"],
        errors: Literal["raise"] = "raise",
        chunk_size: int = 128,
    ) -> Iterator[bytes]: ...
    @overload
    def process_batch(
        self,
        docs: Iterable[BatchItem],
        jobs: int = 1,
        output: Literal["records", "jsonl"] = "records",
        errors: Literal["raise", "return"] = "raise",
        chunk_size: int = 128,
    ) -> Iterator[Union[list[Record], bytes, DocumentError]]: ...
    def process_arrow(
        self,
        docs: Iterable[BatchItem],
        jobs: int = 1,
        errors: Literal["raise", "skip"] = "raise",
        chunk_size: int = 128,
    ) -> Iterator[Any]: ...  # pyarrow.RecordBatch

def convert(text: str, config: str = "t2s") -> str: ...

class OpenCC:
    config: str
    def __init__(self, config: str = "t2s") -> None: ...
    def convert(self, text: str) -> str: ...
