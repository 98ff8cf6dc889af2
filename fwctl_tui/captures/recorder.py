"""Write captures: append-only while a session runs, atomic when saved or exported.

A Recorder is a Session listener. Each Exchange becomes one line, written and flushed
before the call returns (optionally fsynced), so a crash or kill loses at most the line
being written. Saving elsewhere never writes in place: a temporary file in the target's
directory is filled, fsynced and renamed over the target, so a failure at any point
leaves the previous file intact.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, BinaryIO

from fwctl_tui.captures.files import make_parent, open_for_append, open_regular
from fwctl_tui.captures.format import (
    CaptureError,
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
    """Appends Exchanges to an open capture file; call it (or .record) per Exchange.

    Several recorders (processes, or threads with their own Recorder) may append to one
    file at once: each record is written under an exclusive `flock` on the file with one
    O_APPEND write, and takes its `seq` from the file itself (one more than the highest
    written so far, by anyone), so no record is lost or interleaved and no seq repeats.
    A write that fails (ENOSPC, EIO) is cut back off the file before the lock is released:
    the capture never keeps half a line, and CaptureError says what happened.
    """

    def __init__(self, path: Path, fd: int, *, last_seq: int, end: int, fsync: bool = False):
        self.path = path
        self._fd: int | None = fd
        self._fsync = fsync
        self._lock = threading.Lock()
        self._last_seq = last_seq  # the highest seq in the file up to `_end`
        self._end = end  # file size after what this recorder last saw or wrote
        self.count = 0

    @property
    def next_seq(self) -> int:
        """The seq the next record gets unless another writer appends first."""
        return self._last_seq + 1

    def record(self, exchange: Exchange) -> None:
        """Write one record line to the file (the OS has it when this returns)."""
        with self._lock:
            fd = self._fd
            if fd is None:
                raise CaptureError("recorder is closed", path=str(self.path))
            with _locked(fd):
                end = os.fstat(fd).st_size
                separator = b""
                if end != self._end:  # another writer appended (or the file was cut)
                    self._last_seq = max(self._last_seq, _highest_seq(fd, self._end, end))
                    separator = b"" if end == 0 or os.pread(fd, 1, end - 1) == b"\n" else b"\n"
                seq = self._last_seq + 1
                data = separator + (dumps(exchange_to_record(exchange, seq)) + "\n").encode()
                _append(fd, data, end, self._fsync, self.path)
                self._last_seq, self._end = seq, end + len(data)
                self.count += 1

    __call__ = record

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                with contextlib.suppress(OSError):
                    os.fsync(self._fd)
                os.close(self._fd)
                self._fd = None

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextlib.contextmanager
def _locked(fd: int) -> Iterator[None]:
    """An exclusive advisory lock on the whole file, for one header or record write."""
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _append(fd: int, data: bytes, end: int, fsync: bool, path: Path) -> None:
    """Write `data` at the end of the file (the caller holds the lock, the file is `end`
    bytes long); on failure cut the file back to `end` and raise CaptureError."""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        if fsync:
            os.fsync(fd)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, end)
        raise CaptureError(f"the record was not written ({err.strerror or err}); the "
                           "capture is unchanged", path=str(path)) from None


_SEQ = re.compile(rb'"seq"\s*:\s*(\d{1,30})')


def _highest_seq(fd: int, start: int, end: int) -> int:
    """The highest `seq` among the lines in bytes start..end (what other writers added).

    Other writers' lines are ours (dumps writes `seq` second), so the first `"seq":N` of
    each line is its seq; reading is chunked, a multi-megabyte line costs no more memory
    than a chunk.
    """
    highest, position, at_line_start, chunk_size = 0, max(start, 0), True, 1 << 20
    while position < end:
        chunk = os.pread(fd, min(chunk_size, end - position), position)
        if not chunk:
            break
        for number, line in enumerate(chunk.split(b"\n")):
            if (at_line_start or number) and (found := _SEQ.search(line[:200])):
                highest = max(highest, int(found.group(1)))
        at_line_start = chunk.endswith(b"\n")
        position += len(chunk)
    return highest


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
    The file is never truncated: whoever takes the lock first on an empty file writes the
    header, the others continue it. `path=None` picks default_capture_path().
    """
    target = Path(path) if path is not None else default_capture_path(entry.name)
    make_parent(target)
    fd = open_for_append(target)
    try:
        with _locked(fd):
            size = os.fstat(fd).st_size
            if size > 0:
                last_seq = _continue(target, entry)
                if os.pread(fd, 1, size - 1) != b"\n":  # a writer died mid-line: keep the
                    _append(fd, b"\n", size, fsync, target)  # damaged line apart
                    size += 1
            else:
                header = make_header(
                    device_identity(entry),
                    kernel_release=kernel.release,
                    taint_at_start=kernel.tainted,
                    simulated=kernel.simulated,
                    created_at=created_at if created_at is not None else time.time(),
                    host=host,
                    timeline=_timeline(created_at, host, entry.name, target.name),
                )
                line = (dumps(header) + "\n").encode()
                _append(fd, line, 0, fsync, target)
                last_seq, size = 0, len(line)
        return Recorder(target, fd, last_seq=last_seq, end=size, fsync=fsync)
    except BaseException:
        os.close(fd)
        raise


def _timeline(created_at: float | None, host: str | None, name: str, file: str) -> str | None:
    """A reproducible recording (samples) gets a reproducible timeline id; None: random."""
    if created_at is None:
        return None
    return hashlib.sha256(f"{created_at}|{host}|{name}|{file}".encode()).hexdigest()[:32]


def _continue(target: Path, entry: Any) -> int:
    """The last seq of an existing capture of `entry`'s device (CaptureError otherwise)."""
    from fwctl_tui.captures.loader import load_capture

    with load_capture(target) as capture:
        fwctl = capture.header.get("device", {}).get("fwctl")
        if fwctl != entry.name:
            raise CaptureError(
                f"already a capture of {fwctl!r}, not {entry.name!r}; choose another file",
                path=str(target),
            )
        return capture.last_seq()


def atomic_write(
    dest: Path | str, write: Callable[[IO[Any]], None], *, binary: bool = False
) -> Path:
    """Fill a temp file beside `dest` with `write`, fsync it, then rename it over `dest`.

    Only a regular file is ever replaced: a symlink is followed (the link stays and its
    target gets the new content), and a device, FIFO or directory is refused. A replaced
    file keeps its permissions; a new one gets the usual umask-derived ones.
    """
    target = _writable_target(Path(dest))
    make_parent(target)
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


def save_as(src: Path | str, dest: Path | str) -> Path:
    """Copy the capture at `src` to `dest` (copy_capture). Redacted copies:
    capture_analysis.redact."""
    with open_regular(src) as source:
        return copy_capture(source, str(src), dest)


def copy_capture(source: BinaryIO, name: str, dest: Path | str) -> Path:
    """Copy the capture open at the start of `source` (called `name` in errors) to `dest`
    atomically, byte for byte: a crash-truncated tail and any undecodable bytes too, so
    nothing is lost. It is read once: the header is checked first (CaptureError, `dest`
    untouched, when it is no capture this tool reads), then the copy goes on from there;
    a read that fails is a CaptureError naming the source, not the destination."""
    from fwctl_tui.captures.loader import read_header

    first, _schema, _header = read_header(source, name)

    def copy(stream: IO[bytes]) -> None:
        stream.write(first)
        shutil.copyfileobj(_SourceReads(source, name), stream)

    return atomic_write(dest, copy, binary=True)


class _SourceReads:
    """`read` of a copy's source, its OSError said as a CaptureError about the source."""

    def __init__(self, source: BinaryIO, name: str) -> None:
        self.source, self.name = source, name

    def read(self, size: int = -1) -> bytes:
        try:
            return self.source.read(size)
        except OSError as err:
            raise CaptureError(f"cannot read: {err.strerror or err}", path=self.name) from None
