"""The fast scan of a watch capture reads exactly what the careful loader reads.

A recorded fec-degrading watch (counters and rates moving) is damaged line by line in
the ways a hostile or crashed capture is (broken JSON, other key order, escapes, odd or
upper-case hex, disagreeing scope, leading zeros, failures, a truncated tail) and by
seeded random byte edits; the fast scan and the careful loader must yield the same reads
and the dashboard the same series either way.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from helpers.clocks import CardClock

from fwctl_tui.captures import open_recorder
from fwctl_tui.captures.format import CaptureError
from fwctl_tui.connect import SimHosts, open_device
from fwctl_tui.monitor import fastscan, replay
from fwctl_tui.monitor.fastscan import careful_reads, reads
from fwctl_tui.monitor.link import PortReader
from fwctl_tui.monitor.replay import dashboard_from_capture, probe_requests
from fwctl_tui.sim.host import SimHost

WANTED = probe_requests(1)
FEC = "FEC corrected blocks"


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


def _damaged(lines: list[bytes]) -> list[bytes]:
    """One kind of damage per record line, cycling (kind 0: none); the header stays."""
    out = [lines[0]]
    records = [line for line in lines[1:] if line]
    for i, line in enumerate(records):
        kind = i % 20
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
        out.append(line)
    return out


def _same(path: Path) -> list[fastscan.Read]:
    fast = list(reads(path, WANTED))
    assert fast == list(careful_reads(path, WANTED))
    return fast


def _series(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dict, dict]:
    fast = dashboard_from_capture(path)[0].series
    with monkeypatch.context() as patch:
        patch.setattr(replay, "reads", careful_reads)
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
    assert len(expected) == 12 * 10  # PMLP once is not a read; no link-down page while up


def test_damaged_lines_give_the_careful_loaders_reads_and_series(
        tmp_path: Path, now: list[float], monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "watch.jsonl"
    record_watch(path, 30, now)
    damaged = _damaged(_lines(path))
    path.write_bytes(b"\n".join(damaged) + b"\n" + damaged[5][:40])  # and a truncated tail
    fast = _same(path)
    assert 0 < len(fast) < 30 * 11
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
