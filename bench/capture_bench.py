"""Capture benchmark: write, open, first rows, peak memory and decode rate at 100k records.

Targets (issue 6): a 100k-record capture opens and shows its first rows in <= 1 s with
peak RSS <= 200 MB, and decodes at >= 50k records/s (file -> Exchange -> request and reply
trees, every record). Opening is measured in a fresh subprocess so its peak RSS is the
browser's cost, not this script's. `fields` adds the flat field maps that diff and
redaction build (measured on a 20k sample; informational, no target).

    .venv/bin/python bench/capture_bench.py [RECORDS]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from fwctl_tui.capture_analysis import decoding
from fwctl_tui.captures import load_capture, open_recorder
from fwctl_tui.discovery import DeviceEntry
from fwctl_tui.exchange import Exchange
from fwctl_tui.kernelstate import KernelState
from fwctl_tui.uapi import Scope

ACCESS_REG, PPCNT, REGISTER_BYTES = 0x805, 0x5008, 256
FIRST_ROWS = 40
DECODE_SAMPLE = 20_000

_OPEN_PROBE = """
import json, resource, sys, time
t0 = time.perf_counter()
from fwctl_tui.captures import load_capture
from fwctl_tui.capture_analysis.filters import outcome_text
t1 = time.perf_counter()
capture = load_capture(sys.argv[1])
rows = []
for i in range(min({rows}, len(capture))):
    ex = capture.record(i).exchange
    rows.append((ex.command, ex.scope.name, outcome_text(ex)))
t2 = time.perf_counter()
count = len(capture)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"import_s": t1 - t0, "open_first_rows_s": t2 - t1, "records": count,
                  "peak_rss_mb": rss}}))
"""


def _request() -> bytes:
    head = ACCESS_REG.to_bytes(2, "big") + bytes(4) + (1).to_bytes(2, "big")
    reg = bytes(2) + PPCNT.to_bytes(2, "big") + bytes(4)
    body = bytearray(REGISTER_BYTES)
    body[1] = 1  # local_port 1, group 0 (IEEE 802.3 counters)
    return head + reg + bytes(body)


def _reply(step: int) -> bytes:
    """A PPCNT reply whose counters grow with `step`."""
    body = bytearray(REGISTER_BYTES)
    body[1] = 1
    for counter in range(8, REGISTER_BYTES // 8):  # 64-bit counters after the index dwords
        value = step * (counter + 1) * 1000
        body[counter * 8 : counter * 8 + 8] = value.to_bytes(8, "big")
    return bytes(16) + bytes(8) + bytes(body)


def generate(path: Path, records: int, *, first_step: int = 0) -> float:
    """Write a counter-polling capture; returns records written per second. Another
    `first_step` gives the same questions with other counter values (a diff's B side)."""
    entry = DeviceEntry(name="bench0", kind="simulated", device_type="mlx5")
    state = KernelState("6.18.0", 0, True, "none", "bench", 1, simulated=True)
    request = _request()
    start = time.perf_counter()
    with open_recorder(path, entry, state, host="bench") as recorder:
        t0 = time.time()
        for step in range(records):
            recorder.record(Exchange(
                command="ACCESS_REG:PPCNT", scope=Scope.DEBUG_READ_ONLY, request=request,
                out_cap=16 + 8 + REGISTER_BYTES, reply=_reply(first_step + step),
                out_len=16 + 8 + REGISTER_BYTES, duration_ns=12_000,
                wall_time=t0 + step * 0.01, mono_ns=step * 10_000_000,
            ))
    return records / (time.perf_counter() - start)


def _open_in_subprocess(path: Path) -> dict[str, Any]:
    probe = _OPEN_PROBE.format(rows=FIRST_ROWS)
    out = subprocess.run([sys.executable, "-c", probe, str(path)], check=True,
                         capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(out)
    return result


def _parse_rate(path: Path) -> float:
    with load_capture(path) as capture:
        start = time.perf_counter()
        count = sum(1 for _ in capture.exchanges())
        return count / (time.perf_counter() - start)


def _decode_rate(path: Path, *, fields: bool) -> float:
    """Records/s from the file through both decoders (and the flat field maps diff uses)."""
    with load_capture(path) as capture:
        start, count = time.perf_counter(), 0
        for exchange in capture.exchanges():
            decoded = decoding.decode(exchange)
            if fields:
                decoded.output_fields  # noqa: B018 - force the lazy field map
            count += 1
            if fields and count >= DECODE_SAMPLE:
                break
        return count / (time.perf_counter() - start)


def run(records: int = 100_000) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="capture-bench-") as tmp:
        path = Path(tmp) / "ppcnt-poll.jsonl"
        write_rate = generate(path, records)
        opened = _open_in_subprocess(path)
        result: dict[str, Any] = {
            "records": opened["records"],
            "file_mb": round(path.stat().st_size / 1e6, 1),
            "write_records_per_s": round(write_rate),
            "open_first_rows_s": round(opened["open_first_rows_s"], 3),
            "peak_rss_mb": round(opened["peak_rss_mb"], 1),
            "parse_records_per_s": round(_parse_rate(path)),
        }
        for key, fields in (("decode_records_per_s", False), ("fields_records_per_s", True)):
            result[key] = round(_decode_rate(path, fields=fields))
    _print_table(result)
    return result


TARGETS = {"open_first_rows_s": ("<=", 1.0), "peak_rss_mb": ("<=", 200.0),
           "parse_records_per_s": (">=", 50_000), "decode_records_per_s": (">=", 50_000)}


def _print_table(result: dict[str, Any]) -> None:
    print(f"   {'metric':<24} {'value':>14}  target")
    for key, value in result.items():
        target = TARGETS.get(key)
        verdict = ""
        if target is not None and value is not None:
            op, limit = target
            ok = value <= limit if op == "<=" else value >= limit
            verdict = f"{op} {limit:g}  {'ok' if ok else 'MISSED'}"
        print(f"   {key:<24} {value if value is not None else 'n/a':>14}  {verdict}")


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
