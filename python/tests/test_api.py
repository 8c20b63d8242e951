import gc
import json
import threading
import time

import pytest

import zhpipe

INTERVIEW = "主持人：你好，欢迎来到节目。\n马斯克：谢谢，很高兴来到这里。\n主持人：我们聊聊火箭。\n"


@pytest.fixture(scope="module")
def p():
    return zhpipe.Pipeline()


def test_process_gives_records(p):
    recs = p.process(INTERVIEW, id="talk")
    assert recs[0]["type"] == "document" and recs[0]["doc_id"] == "talk"
    assert recs[0]["source"]["path"] == "talk"
    segs = recs[1:]
    assert segs and all(r["type"] == "segment" for r in segs)
    assert [r["seq"] for r in segs] == list(range(len(segs)))
    assert any(r["speaker"] for r in segs)
    assert list(recs[0])[:3] == ["type", "schema", "doc_id"], "keys keep the record's order"


def test_jsonl_is_the_records(p):
    jsonl = p.process_jsonl(INTERVIEW, id="talk", path="dir/talk.txt")
    assert isinstance(jsonl, bytes) and jsonl.endswith(b"\n")
    recs = [json.loads(l) for l in jsonl.splitlines()]
    assert recs == p.process(INTERVIEW, id="talk", path="dir/talk.txt")
    assert recs[0]["source"]["path"] == "dir/talk.txt"


def test_bytes_are_decoded_like_files(p):
    gbk = INTERVIEW.encode("gbk")
    recs = p.process(gbk, id="g")
    assert recs[0]["source"]["encoding"] in ("GBK", "GB18030")
    assert [r.get("zh_hans") for r in recs[1:]] == [r.get("zh_hans") for r in p.process(INTERVIEW, id="g")[1:]]


def test_audit(p):
    entries = p.audit("关注公众号，获取更多内容\n" + INTERVIEW, id="a")
    assert all({"stage", "rule", "action", "lines"} <= set(e) for e in entries)


def test_named_pipelines(tmp_path):
    tokens = zhpipe.Pipeline("tokens")
    assert tokens.name == "tokens"
    segs = tokens.process(INTERVIEW, id="t")[1:]
    assert all(s["tokens"] for s in segs)
    assert all("tokens" not in s for s in zhpipe.Pipeline("default").process(INTERVIEW, id="t")[1:])
    own = tmp_path / "p.toml"
    own.write_text('version = 1\n[[stages]]\ntype = "decode"\n[[stages]]\ntype = "segment"\n[[stages]]\ntype = "emit"\n')
    assert zhpipe.Pipeline(own).process(INTERVIEW, id="x")[0]["doc_id"] == "x"


def test_pipeline_errors(tmp_path):
    with pytest.raises(zhpipe.PipelineError, match="nope.toml"):
        zhpipe.Pipeline(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text('version = 1\n[[stages]]\ntype = "decode"\nmax_doc_bytez = 3\n')
    with pytest.raises(zhpipe.PipelineError, match="max_doc_bytez"):
        zhpipe.Pipeline(bad)
    assert issubclass(zhpipe.PipelineError, zhpipe.ZhpipeError)


def test_document_errors_carry_id_and_position(p):
    with pytest.raises(zhpipe.DocumentError) as e:
        p.process(b"", id="empty")
    assert e.value.doc_id == "empty" and e.value.kind == "Empty" and e.value.line is None
    with pytest.raises(zhpipe.DocumentError) as e:
        p.process("第一行\n第二行有\x00空字节\n".encode(), id="nul")
    err = e.value
    assert (err.doc_id, err.kind, err.line, err.column) == ("nul", "Binary", 2, 5)
    assert err.byte == len("第一行\n第二行有".encode())
    assert "nul" in str(err) and "line 2, column 5" in str(err)
    with pytest.raises(TypeError):
        p.process(42, id="x")


def test_batch_is_ordered_and_matches_process(p):
    docs = [(f"d{i}", INTERVIEW * (1 + i % 7)) for i in range(300)]
    one = [p.process(t, id=i) for i, t in docs]
    for jobs in (1, 2):
        assert list(p.process_batch(docs, jobs=jobs, chunk_size=16)) == one
    jsonl = list(p.process_batch(docs, jobs=2, output="jsonl"))
    assert jsonl == [p.process_jsonl(t, id=i) for i, t in docs]


def test_batch_item_forms(p):
    class Doc:
        def __init__(self, id, text):
            self.id, self.text = id, text

    items = [INTERVIEW, ("x1", INTERVIEW.encode()), ("x2", "dir/x2.txt", INTERVIEW), {"id": "x3", "text": INTERVIEW}, Doc("x4", INTERVIEW)]
    out = list(p.process_batch(items))
    assert [r[0]["doc_id"] for r in out] == ["0", "x1", "x2", "x3", "x4"]
    assert out[2][0]["source"]["path"] == "dir/x2.txt"
    with pytest.raises(TypeError, match="batch item 0"):
        list(p.process_batch([3]))


def test_batch_errors(p):
    docs = [("a", INTERVIEW), ("bad", b""), ("c", INTERVIEW)]
    out = list(p.process_batch(docs, errors="return"))
    assert isinstance(out[1], zhpipe.DocumentError) and out[1].doc_id == "bad"
    assert out[0][0]["doc_id"] == "a" and out[2][0]["doc_id"] == "c"
    got = []
    with pytest.raises(zhpipe.DocumentError, match="bad"):
        for r in p.process_batch(docs):
            got.append(r)
    assert [r[0]["doc_id"] for r in got] == ["a"], "documents before the failure are yielded"
    with pytest.raises(ValueError):
        list(p.process_batch(docs, output="dicts"))
    with pytest.raises(ValueError):
        zhpipe._zhpipe.Pool(0)


def test_batch_streams(p):
    taken = []

    def docs():
        for i in range(10_000):
            taken.append(i)
            yield (str(i), INTERVIEW)

    it = p.process_batch(docs(), jobs=2, chunk_size=32)
    first = next(it)
    assert first[0]["doc_id"] == "0"
    assert len(taken) <= 3 * 32, "input is read a few chunks ahead, not whole"
    it.close()
    gc.collect()


def test_batch_releases_the_gil(p):
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(1)
            time.sleep(0.001)

    t = threading.Thread(target=ticker)
    t.start()
    try:
        for _ in p.process_batch([INTERVIEW * 400] * 64, jobs=1, output="jsonl", chunk_size=8):
            pass
    finally:
        stop.set()
        t.join()
    assert len(ticks) > 5


def test_records_parse_like_json_loads(p):
    """The extension's JSON-to-objects path, on what the emitter never writes too.

    Out of scope, where serde_json and `json.loads` differ on input the emitter never writes
    (its integers are Rust integers of 64 bits at most, its floats finite, its strings valid
    UTF-8): integers beyond i64/u64 become floats, `-0` becomes -0.0, and NaN, Infinity,
    overflowing exponents and lone surrogates are errors.
    """
    from zhpipe import _zhpipe

    values = [
        {"a": 1, "b": -2, "c": 18446744073709551615, "d": -9223372036854775808, "e": 0.1},
        {"f": [1.5e-7, 2e300, -0.0, 0.85, 1234567.125], "g": [], "h": {}, "i": [[], [{}]]},
        {"s": "中文\"q\" \\ \t\n\r\b\f\u0001\u001f/", "emoji": "😀𠀀", "k\n": None},
        {"t": True, "u": False, "v": None, "long": "汉" * 100, "short": "汉字"},
    ]
    text = "".join(json.dumps(v, ensure_ascii=a) + "\n" for v in values for a in (False, True))
    text += '{ "sp" : [ 1 , 2 ] ,"x":"\\ud83d\\ude00\\u00e9\\/"}\n'
    want = [json.loads(line) for line in text.splitlines()]
    got = _zhpipe.parse_jsonl(text)
    assert got == want
    assert [list(r) for r in got] == [list(r) for r in want], "keys keep their order"
    for bad in ('{"a":1', '{"a":tru}', '{"a":"x}', '[1,]', '{"a":1}x', '{"a":"\\ud800"}'):
        with pytest.raises(zhpipe.ZhpipeError, match="record does not parse"):
            _zhpipe.parse_jsonl(bad)
    # The collector runs again afterwards, as it did before.
    assert gc.isenabled()
    gc.disable()
    try:
        _zhpipe.parse_jsonl(text)
        assert not gc.isenabled()
    finally:
        gc.enable()
    recs = p.process(INTERVIEW, id="talk")
    assert recs == [json.loads(l) for l in p.process_jsonl(INTERVIEW, id="talk").splitlines()]


def test_convert_and_opencc():
    assert zhpipe.convert("漢字轉換", "t2s") == "汉字转换"
    assert zhpipe.convert("汉字转换", "s2t") == "漢字轉換"
    cc = zhpipe.OpenCC("s2twp.json")
    assert cc.config == "s2twp"
    assert cc.convert("鼠标和软件") == "滑鼠和軟體"
    long = "漢字轉換" * 5000
    assert zhpipe.OpenCC("t2s").convert(long) == "汉字转换" * 5000
    with pytest.raises(ValueError, match="unknown OpenCC configuration"):
        zhpipe.OpenCC("x2y")


def test_version_and_stubs():
    import importlib.resources as res

    assert zhpipe.__version__
    files = {f.name for f in res.files("zhpipe").iterdir()}
    assert {"__init__.pyi", "_zhpipe.pyi", "py.typed"} <= files
