"""Write captures: append-only while a session runs, atomic when saved or exported.

A Recorder is a Session listener. Each Exchange becomes one line, written and flushed
before the call returns (optionally fsynced), so a crash or kill loses at most the line
being written. Saving elsewhere never writes in place: a temporary file in the target's
directory is filled, fsynced and renamed over the target, so a failure at any point
leaves the previous file intact.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from fwctl_tui.captures.format import (
    CaptureError,
    check_header,
    device_identity,
    dumps,
    exchange_to_record,
    make_header,
)
from fwctl_tui.exchange import Exchange

APP_NAME = "fwctl-tui"


def captures_dir(create: bool = True) -> Path:
    """Default home of captures: <user data dir>/fwctl-tui/captures."""
    import platformdirs

    path = platformdirs.user_data_path(APP_NAME) / "captures"
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def default_capture_path(device_name: str, now: float | None = None) -> Path:
    """`<captures_dir>/<device>-<UTC stamp>.jsonl`, safe as a file name."""
    stamp = datetime.fromtimestamp(now if now is not None else time.time(), UTC)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", device_name).strip("_") or "device"
    return captures_dir() / f"{safe}-{stamp:%Y%m%dT%H%M%SZ}.jsonl"


class Recorder:
    """Appends Exchanges to an open capture file; call it (or .record) per Exchange."""

    def __init__(self, path: Path, stream: IO[str], *, next_seq: int = 1, fsync: bool = False):
        self.path = path
        self._stream = stream
        self._fsync = fsync
        self._lock = threading.Lock()
        self.next_seq = next_seq
        self.count = 0

    def record(self, exchange: Exchange) -> None:
        """Write one record line and flush it to the OS before returning."""
        with self._lock:
            if self._stream.closed:
                raise CaptureError("recorder is closed", path=str(self.path))
            self._stream.write(dumps(exchange_to_record(exchange, self.next_seq)) + "\n")
            self._stream.flush()
            if self._fsync:
                os.fsync(self._stream.fileno())
            self.next_seq += 1
            self.count += 1

    __call__ = record

    def close(self) -> None:
        with self._lock:
            if not self._stream.closed:
                self._stream.flush()
                with contextlib.suppress(OSError):
                    os.fsync(self._stream.fileno())
                self._stream.close()

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_recorder(
    path: Path | str | None,
    entry: Any,
    kernel: Any,
    *,
    fsync: bool = False,
    created_at: float | None = None,
    host: str | None = None,
) -> Recorder:
    """Start (or continue) a capture for `entry` (DeviceEntry) on `kernel` (KernelState).

    An existing capture of the same device is appended to, so `send --capture FILE`
    can grow one file over many runs; any other existing file is refused, never clobbered.
    `path=None` picks default_capture_path().
    """
    target = Path(path) if path is not None else default_capture_path(entry.name)
    if target.exists() and target.stat().st_size > 0:
        return _continue(target, entry, fsync)
    target.parent.mkdir(parents=True, exist_ok=True)
    timeline = None
    if created_at is not None:  # a reproducible recording (samples): a reproducible id
        seed = f"{created_at}|{host}|{entry.name}|{target.name}".encode()
        timeline = hashlib.sha256(seed).hexdigest()[:32]
    header = make_header(
        device_identity(entry),
        kernel_release=kernel.release,
        taint_at_start=kernel.tainted,
        simulated=kernel.simulated,
        created_at=created_at if created_at is not None else time.time(),
        host=host,
        timeline=timeline,
    )
    stream = target.open("w", encoding="utf-8")
    stream.write(dumps(header) + "\n")
    stream.flush()
    if fsync:
        os.fsync(stream.fileno())
    return Recorder(target, stream, fsync=fsync)


def _continue(target: Path, entry: Any, fsync: bool) -> Recorder:
    from fwctl_tui.captures.loader import load_capture

    capture = load_capture(target)
    fwctl = capture.header.get("device", {}).get("fwctl")
    if fwctl != entry.name:
        raise CaptureError(
            f"already a capture of {fwctl!r}, not {entry.name!r}; choose another file",
            path=str(target),
        )
    last = capture.last_seq()
    stream = target.open("a", encoding="utf-8")
    if not capture.ends_with_newline:
        stream.write("\n")  # keep a crash-truncated line separate from new records
    return Recorder(target, stream, next_seq=last + 1, fsync=fsync)


def atomic_write(
    dest: Path | str, write: Callable[[IO[Any]], None], *, binary: bool = False
) -> Path:
    """Fill a temp file beside `dest` with `write`, fsync it, then rename it over `dest`.

    Only a regular file is ever replaced: a symlink is followed (the link stays and its
    target gets the new content), and a device, FIFO or directory is refused. A replaced
    file keeps its permissions; a new one gets the usual umask-derived ones.
    """
    target = _writable_target(Path(dest))
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(target)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, mode)
        stream_of = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8")
        with stream_of as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return target


def _writable_target(dest: Path) -> Path:
    """The regular file a save to `dest` replaces (symlinks followed), or CaptureError."""
    try:
        target = dest.resolve() if dest.is_symlink() else dest
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop on 3.11
        raise CaptureError(f"cannot follow the link: {exc}", path=str(dest)) from None
    if target.exists() and not target.is_file():
        what = "a directory" if target.is_dir() else "not a regular file (a device or FIFO)"
        raise CaptureError(f"{what}: a capture is only saved to a file; choose a file path",
                           path=str(dest))
    return target


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets 0666 less the umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process umask, read without changing it (Linux: /proc/self/status)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    return 0o022


def write_capture(
    dest: Path | str, header: dict[str, Any], exchanges: Iterable[Exchange]
) -> Path:
    """Write a whole capture atomically (TUI history export, sample generation)."""

    def write(stream: IO[str]) -> None:
        stream.write(dumps(header) + "\n")
        for seq, exchange in enumerate(exchanges, 1):
            stream.write(dumps(exchange_to_record(exchange, seq)) + "\n")

    return atomic_write(dest, write)


def save_as(src: Path | str, dest: Path | str, *, redact: bool = False) -> Path:
    """Copy a capture to `dest` atomically; with `redact`, identifiers are replaced.

    Without redaction the file is copied byte for byte (a crash-truncated tail and any
    undecodable bytes too, so nothing is lost); with it, unreadable lines are dropped
    since they cannot be checked.
    """
    source = Path(src)
    if not redact:
        with source.open("r", encoding="utf-8", errors="surrogateescape") as check:
            check_header(_first_json(check.readline(), str(source)))

        def copy(stream: IO[bytes]) -> None:
            with source.open("rb") as inp:
                shutil.copyfileobj(inp, stream)

        return atomic_write(dest, copy, binary=True)

    from fwctl_tui.captures.loader import load_capture
    from fwctl_tui.captures.redact import Redactor

    capture = load_capture(source)
    redactor = Redactor()

    redactor.header(capture.header)  # first pass: header values get the first placeholders
    for item in capture.iter_records():  # ...then learn every class the records hold
        if item.error is None and item.raw is not None:
            redactor.record(item.raw)

    def write_redacted(stream: IO[str]) -> None:
        stream.write(dumps(redactor.header(capture.header)) + "\n")
        for item in capture.iter_records():
            if item.error is None and item.raw is not None:
                stream.write(dumps(redactor.record(item.raw)) + "\n")

    return atomic_write(dest, write_redacted)


def _first_json(line: str, path: str) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        raise CaptureError("first line is not JSON: not a capture file", path=path) from None
