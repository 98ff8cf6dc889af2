"""`export` reads its source once, and never loses or damages a file on the way.

The plain copy checks the header and copies from one open descriptor (it used to scan the
whole file twice before copying it); a source that is no capture, or that fails to read
halfway, is said as such, exit 2, and the destination keeps what it held.
"""

from __future__ import annotations

import errno
import io
import os
from pathlib import Path

import pytest
from helpers.captures import record_sample

from fwctl_tui.__main__ import main
from fwctl_tui.captures import CaptureError
from fwctl_tui.captures.recorder import copy_capture

OLD = b"previous good capture\n"


def bytes_read() -> int:
    """What this process has read so far, from any file (Linux: /proc/self/io rchar)."""
    with open("/proc/self/io", "rb") as stats:
        return int(next(line for line in stats if line.startswith(b"rchar:")).split()[1])


def big_capture(path: Path, size: int) -> bytes:
    """A recorded capture whose records repeat until it is `size` bytes or more."""
    record_sample(path)
    header, *records = path.read_bytes().splitlines(keepends=True)
    body = b"".join(records)
    raw = header + body * (size // len(body) + 1)
    path.write_bytes(raw)
    return raw


def test_a_plain_export_reads_its_source_once(tmp_path: Path, capsys) -> None:
    src, dest = tmp_path / "big.jsonl", tmp_path / "copy.jsonl"
    raw = big_capture(src, 4 << 20)
    main(["export", str(src), str(tmp_path / "warm.jsonl")])  # imports and caches warmed
    before = bytes_read()
    assert main(["export", str(src), str(dest)]) == 0
    read = bytes_read() - before
    assert dest.read_bytes() == raw
    assert len(raw) <= read < 1.5 * len(raw), f"read {read / len(raw):.2f} times its size"
    assert "saved" in capsys.readouterr().out


@pytest.mark.parametrize(("make", "said"), [
    (lambda path: path.write_bytes(b"\xff\xfe junk"), "first line is not JSON"),
    (lambda path: path.write_bytes(b"\n\n"), "empty file: no capture header"),
    (lambda path: path.write_text('{"type": "rpc"}\n'), "not a capture header"),
    (lambda path: os.mkfifo(path), "FIFO"),
    (lambda path: path.mkdir(), "is a directory"),
    (lambda path: None, "does not exist"),
], ids=["binary", "empty", "no-header", "fifo", "directory", "missing"])
def test_a_source_that_is_no_capture_leaves_the_destination_alone(
        tmp_path: Path, capsys, make, said: str) -> None:
    src, dest = tmp_path / "src.jsonl", tmp_path / "dest.jsonl"
    make(src)
    dest.write_bytes(OLD)
    for extra in ([], ["--redact"]):
        assert main(["export", str(src), str(dest), *extra]) == 2
        assert said in capsys.readouterr().err
        assert dest.read_bytes() == OLD
    assert {p.name for p in tmp_path.iterdir()} <= {"dest.jsonl", "src.jsonl"}  # no temp


class _FailsAfterTheHeader(io.BytesIO):
    """A source whose header reads, then the disk fails (EIO)."""

    def read(self, size: int | None = -1) -> bytes:
        raise OSError(errno.EIO, "Input/output error")


def test_a_source_that_fails_midway_is_named_and_nothing_is_replaced(tmp_path: Path) -> None:
    src = tmp_path / "src.jsonl"
    record_sample(src)
    dest = tmp_path / "dest.jsonl"
    dest.write_bytes(OLD)
    with pytest.raises(CaptureError, match=r"src\.jsonl: cannot read: Input/output error"):
        copy_capture(_FailsAfterTheHeader(src.read_bytes()), str(src), dest)
    assert dest.read_bytes() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dest.jsonl", "src.jsonl"]
