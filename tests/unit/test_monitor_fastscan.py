"""The fast scan of a watch capture reads exactly what the careful loader reads.

A recorded fec-degrading watch (counters and rates moving) is damaged line by line in
the ways a hostile or crashed capture is (broken JSON, other key order, escapes, odd or
upper-case hex, disagreeing scope, leading zeros, numbers out of the loader's ranges,
non-UTF-8 and NUL bytes, failures, a truncated tail), by seeded random byte edits and by
every file of the hostile-capture corpus (tools/hostile); the fast scan and the careful
loader must yield the same reads and the dashboard the same series either way. Every
test runs with both Scanners: compiled (_fastscan.c) and its pure-Python twin.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from helpers.clocks import CardClock

import hatch_build
from fwctl_tui.captures import open_recorder
from fwctl_tui.captures.format import CaptureError
from fwctl_tui.connect import SimHosts, open_device
from fwctl_tui.monitor import fastscan, replay
from fwctl_tui.monitor.fastscan import careful_reads, reads
from fwctl_tui.monitor.linescan import Scanner as PythonScanner
from fwctl_tui.monitor.link import PortReader
from fwctl_tui.monitor.replay import dashboard_from_capture, probe_requests
from fwctl_tui.sim.host import SimHost
from tools.hostile import corpus

WANTED = probe_requests(1)
FEC = "FEC corrected blocks"
ROOT = Path(__file__).resolve().parents[2]

try:
    from fwctl_tui import _fastscan
except ImportError:
    if shutil.which("cc") or shutil.which("gcc"):
        pytest.fail("a C compiler is here, yet fwctl_tui._fastscan was not built: "
                    "reinstall (make test does) and read the build hook's warning",
                    pytrace=False)
    _fastscan = None  # type: ignore[assignment]

KINDS = {"compiled": _fastscan.Scanner if _fastscan else None, "python": PythonScanner}


@pytest.fixture(params=list(KINDS), autouse=True)
def scanner(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Each test once with each Scanner (the compiled one skipped where none was built)."""
    kind = KINDS[request.param]
    if kind is None:
        pytest.skip("no C compiler here: only the Python twin exists")
    monkeypatch.setattr(fastscan, "SCANNER", kind)
    return kind


@pytest.fixture
def now() -> list[float]:
    """The card's time, seconds; the tests move it."""
    return [500.0]


def record_watch(path: Path, samples: int, now: list[float]) -> None:
    """`samples` dashboard reads of a seeded card with rising FEC errors, 10 s apart."""
    host = SimHost("cx7", seed=5, clock=lambda: now[0])
    host.functions[0].start_scenario("fec-degrading")
    with open_device("sim:cx7", hosts=SimHosts({"cx7": host}), clock=CardClock(now)) as conn:
        session = conn.session()
        recorder = open_recorder(path, conn.entry, conn.kernel_state())
        session.listeners.append(recorder.record)
        reader = PortReader(session, conn.kernel_state(), clock=lambda: now[0])
        for _ in range(samples):
            reader.read()
            now[0] += 10.0
        recorder.close()


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")


def _edit(record: bytes, old: bytes, new: bytes) -> bytes:
    assert old in record, (old, record[:80])
    return record.replace(old, new, 1)


def _value(record: bytes, key: bytes, new: bytes) -> bytes:
    """`key`'s number replaced by `new`."""
    edited, count = re.subn(b'"' + key + b'":[-0-9.eE+]+', b'"' + key + b'":' + new, record,
                            count=1)
    assert count == 1, (key, record[:80])
    return edited


def _damaged(lines: list[bytes]) -> list[bytes]:
    """One kind of damage per record line, cycling (kind 0: none); the header stays."""
    out = [lines[0]]
    records = [line for line in lines[1:] if line]
    for i, line in enumerate(records):
        kind = i % 34
        doc = json.loads(line)
        if kind == 1:
            line = line[: len(line) // 2]  # broken JSON
        elif kind == 2:
            line = json.dumps(dict(reversed(list(doc.items())))).encode()  # valid, other order
        elif kind == 3:
            line = _edit(line, b'"reply":"0', b'"reply":"\\u0030')  # an escape: still valid
        elif kind == 4:
            line = _edit(line, b'"reply":"', b'"reply":"0')  # odd hex: broken
        elif kind == 5:
            line = line.replace(b'"reply":"' + doc["reply"].encode(),
                                b'"reply":"' + doc["reply"].upper().encode())  # valid
        elif kind == 6:
            line = _edit(line, b'"scope_value":1', b'"scope_value":0')  # disagrees: broken
        elif kind == 7:
            line = _edit(line, b'"mono_ns":', b'"mono_ns":0')  # leading zero: not JSON
        elif kind == 8:
            line = _edit(line, b'"errno":0', b'"errno":5')  # a failed read: skipped
        elif kind == 9:
            line = _edit(line, b'"reply":"00', b'"reply":"03')  # firmware status: skipped
        elif kind == 10:
            line = _edit(line, b'"reply":"', b'"reply":')  # unterminated string: broken
        elif kind == 11:
            line = _edit(line, b'"reply":"00', b'"reply":"0 0')  # space in hex: valid
        elif kind == 12:
            line = line[:-1] + b',"meta":{"note":"x"}}'  # meta: valid, careful only
        elif kind == 13:
            line = _edit(line, b'"reply":"', b'"reply":"\t')  # control char: not JSON
        elif kind == 14:
            line = line + b"\r"  # CRLF: valid JSON
        elif kind == 15:
            line = _edit(line, b'"errno":0', b'"errno":-0')  # -0 is 0: valid, read
        elif kind == 16:  # a second "request" key: JSON keeps the last (PAOS's)
            paos = next(request for request, key in WANTED.items() if key == "paos")
            line = line[:-1] + b',"request":"' + paos.hex().encode() + b'"}'
        elif kind == 17:
            line = _edit(line, b'"session":"', b'"session":"\\u0041')  # an escape: valid
        elif kind == 18:  # upper-case request hex: the same bytes, valid
            line = line.replace(doc["request"].encode(), doc["request"].upper().encode())
        elif kind == 19:
            line = _edit(line, b'"request":"0', b'"request":"\\u0030')  # an escape: valid
        elif kind == 20:
            line = _edit(line, b'"mono_ns":', b'"mono_ns":-')  # negative: refused
        elif kind == 21:
            line = _edit(line, b'"mono_ns":', b'"mono_ns":' + b"9" * 400)  # huge: refused
        elif kind == 22:
            line = _edit(line, b'"duration_ns":', b'"duration_ns":9223372036854775808')
        elif kind == 23:
            line = _edit(line, b'"out_cap":', b'"out_cap":4294967296')  # past u32: refused
        elif kind == 24:
            line = _value(line, b"wall_time", b"1e999")  # infinite: refused
        elif kind == 25:
            line = _edit(line, b'"wall_time":', b'"wall_time":-')  # negative: refused
        elif kind == 26:
            line = _value(line, b"wall_time", b"-1e-400")  # -0.0: read as 0
        elif kind == 27:
            line = _edit(_edit(line, b'"mono_ns":', b'"mono_ns":"'), b',"scope":',
                         b'","scope":')  # a string, not a number: refused
        elif kind == 28:
            line = _edit(line, b'"session":"', b'"session":"\xff\xfe')  # not UTF-8: refused
        elif kind == 29:
            line = _edit(line, b'"command":"', b'"command":"\x00')  # a NUL: not JSON
        elif kind == 30:
            line = _edit(line, b'"out_len":', b'"out_len":-0')  # -0 is 0: valid, read
        elif kind == 31:
            line = b" \t" + line  # leading whitespace: valid JSON, careful only
        elif kind == 32:  # a letter past f inside the reply: valid JSON, not hex
            line = line.replace(b'"reply":"' + doc["reply"].encode(),
                                b'"reply":"' + doc["reply"][:-3].encode() + b"g00")
        elif kind == 33:  # white space around the hex: bytes.fromhex reads it, a shorter reply
            line = line.replace(b'"reply":"' + doc["reply"].encode(),
                                b'"reply":" ' + doc["reply"][:-2].encode() + b" ")
        out.append(line)
        if kind == 3:
            out.append(b" \t\r\x0b\x0c")  # a blank line: no record, no index
    return out


def _same(path: Path) -> list[fastscan.Read]:
    fast = list(reads(path, WANTED))
    assert fast == list(careful_reads(path, WANTED))
    return fast


def _series(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dict, dict]:
    fast = dashboard_from_capture(path)[0].series
    with monkeypatch.context() as patch:
        patch.setattr(replay, "batches", lambda path, wanted: [list(careful_reads(path, wanted))])
        careful = dashboard_from_capture(path)[0].series
    return fast, careful


def test_a_clean_watch_is_read_without_the_careful_loader(
        tmp_path: Path, now: list[float], monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "watch.jsonl"
    record_watch(path, 12, now)
    expected = list(careful_reads(path, WANTED))

    def refused(_path: object) -> None:
        raise AssertionError("a canonical line went to the careful loader")

    monkeypatch.setattr(fastscan, "load_capture", refused)
    assert list(reads(path, WANTED)) == expected
    assert len(expected) == 12 * 10 + 1  # PMLP once (the lane map); no link-down page while up


def test_damaged_lines_give_the_careful_loaders_reads_and_series(
        tmp_path: Path, now: list[float], monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "watch.jsonl"
    record_watch(path, 40, now)
    damaged = _damaged(_lines(path))
    path.write_bytes(b"\n".join(damaged) + b"\n" + damaged[5][:40])  # and a truncated tail
    fast = _same(path)
    assert 0 < len(fast) < 40 * 10
    assert any(read.wall_time == 0.0 for read in fast)  # kind 26
    fast_series, careful_series = _series(path, monkeypatch)
    assert fast_series == careful_series
    assert len(fast_series[FEC].rates) >= 3 and max(fast_series[FEC].rates) > 0


def test_random_byte_edits_never_make_the_two_disagree(
        tmp_path: Path, now: list[float]) -> None:
    clean = tmp_path / "watch.jsonl"
    record_watch(clean, 8, now)
    lines = _lines(clean)
    rng = random.Random(12)
    alphabet = b'0123456789abcdefABCDEF"\\ ,:{}-.eE\t\r'
    path = tmp_path / "edited.jsonl"
    for _round in range(40):
        edited = list(lines)
        for _ in range(6):
            i = rng.randrange(1, len(edited) - 1)
            line = bytearray(edited[i])
            at = rng.randrange(len(line)) if line else 0
            action = rng.randrange(3)
            if action == 0 and line:
                line[at] = rng.choice(alphabet)
            elif action == 1:
                line.insert(at, rng.choice(alphabet))
            elif line:
                del line[at]
            edited[i] = bytes(line)
        path.write_bytes(b"\n".join(edited))
        _same(path)


def test_a_bad_header_is_the_loaders_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.jsonl"
    path.write_bytes(b"not a capture\n")
    with pytest.raises(CaptureError, match="first line is not JSON"):
        list(reads(path, WANTED))


def test_the_hostile_corpus_reads_as_the_loader_reads_it(tmp_path: Path) -> None:
    """Every file of tools/hostile: the same reads, or the loader's own error."""
    wanted = {**WANTED, corpus.request(): "ppcnt"}
    checked = 0
    for case in corpus.cases(full=False):
        if case.special is not None:
            continue
        path = case.write(tmp_path)
        try:
            expected: Any = list(careful_reads(path, wanted))
        except CaptureError as err:
            expected = err.reason
        try:
            got: Any = list(reads(path, wanted))
        except CaptureError as err:
            got = err.reason
        assert got == expected, case.name
        checked += isinstance(expected, list) and bool(expected)
    assert checked > 50  # most cases hold good records to read


def _items(kind: Any, data: bytes, *, batch: int = 4096, long_line: int = fastscan.LONG_LINE,
           max_hex: int = 8) -> tuple[list[Any], int]:
    scanner = kind(tuple((r.hex().encode(), k, r) for r, k in WANTED.items()), fastscan.SCOPES,
                   fastscan.Read, batch, long_line, max_hex * 2, 0, 2**32 - 1, 2**63 - 1, 1e11)
    items, position = [], 0
    while True:
        got, position, deferred = scanner.scan(data, position, True)
        assert len(got) <= batch and deferred == sum(isinstance(i, int) for i in got)
        items += got
        if len(got) < batch:
            return items, scanner.index


def test_both_scanners_hand_back_the_same_items_in_any_batch(
        tmp_path: Path, now: list[float], scanner: Any) -> None:
    """Limits a capture rarely reaches (a line past long_line, a reply past the kernel's
    payload limit) go to the loader; a small batch splits the same items."""
    path = tmp_path / "watch.jsonl"
    record_watch(path, 4, now)
    data = b"\n".join(_damaged(_lines(path))[1:])
    items, counted = _items(scanner, data, max_hex=1 << 20)
    assert items == _items(PythonScanner, data, max_hex=1 << 20)[0]
    assert (items, counted) == _items(scanner, data, batch=3, max_hex=1 << 20)
    assert counted == sum(1 for line in data.split(b"\n") if line.strip())
    reads_only = [i for i in items if not isinstance(i, int)]
    assert reads_only and all(len(read.reply) > 4 for read in reads_only)
    short, _ = _items(scanner, data, max_hex=4)  # every reply past the limit: the loader's
    assert short and all(isinstance(i, int) for i in short)
    long, _ = _items(scanner, data, long_line=100, max_hex=1 << 20)
    assert long == list(range(counted))  # every line is long: all the loader's


def test_a_bytearray_or_a_bad_position_is_refused() -> None:
    """The compiled scan reads its buffer without the GIL: only immutable bytes."""
    if _fastscan is None:
        pytest.skip("no compiled scan")
    scanner = fastscan.new_scanner(WANTED, _fastscan.Scanner)
    with pytest.raises(TypeError, match="bytes buffer"):
        scanner.scan(bytearray(b"{}\n"), 0, True)
    with pytest.raises(ValueError, match="outside the buffer"):
        scanner.scan(b"{}\n", 4, True)
    with pytest.raises(TypeError, match="NamedTuple"):
        _fastscan.Scanner((), (), dict, 1, 1, 1, 0, 1, 1, 1.0)


def test_two_threads_scan_at_once(tmp_path: Path, now: list[float]) -> None:
    """The GIL is released while lines are matched: two scans at once still agree."""
    path = tmp_path / "watch.jsonl"
    record_watch(path, 6, now)
    expected = list(reads(path, WANTED))
    results: list[list[fastscan.Read]] = []
    threads = [threading.Thread(target=lambda: results.append(list(reads(path, WANTED))))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 4


def test_the_compiled_scan_is_built_from_the_current_source() -> None:
    if _fastscan is None:
        pytest.skip("no compiled scan")
    source = ROOT / hatch_build.SOURCES[1]
    assert hatch_build.source_digest(source) == _fastscan.SOURCE_DIGEST


@pytest.mark.parametrize(("chunk", "long_line"), [(97, 600), (1000, fastscan.LONG_LINE),
                                                  (4096, 1000)])
def test_lines_across_chunks_and_long_lines_read_the_same(
        tmp_path: Path, now: list[float], monkeypatch: pytest.MonkeyPatch, chunk: int,
        long_line: int) -> None:
    """Small chunks split every line (the carry), a small long_line makes lines longer
    than it the loader's (the skipping of their rest): the same reads either way."""
    path = tmp_path / "watch.jsonl"
    record_watch(path, 6, now)
    damaged = _damaged(_lines(path))
    path.write_bytes(b"\n".join(damaged) + b"\n" + damaged[5][:40])
    monkeypatch.setattr(fastscan, "CHUNK", chunk)
    monkeypatch.setattr(fastscan, "LONG_LINE", long_line)
    assert len(_same(path)) > 20


def test_the_compiled_scanner_refuses_limits_out_of_range() -> None:
    if _fastscan is None:
        pytest.skip("no compiled scan")
    good = ((), fastscan.SCOPES, fastscan.Read, 1, 1, 1, 0, 1, 1, 1.0)
    for at, bad in ((3, 0), (3, 1 << 21), (6, -1), (6, 1 << 21), (8, 1 << 63)):
        args = list(good)
        args[at] = bad
        with pytest.raises(ValueError, match="limit is out of range"):
            _fastscan.Scanner(*args)
    scanner = _fastscan.Scanner.__new__(_fastscan.Scanner)  # never initialised
    with pytest.raises(RuntimeError, match="never initialised"):
        scanner.scan(b"", 0, True)
