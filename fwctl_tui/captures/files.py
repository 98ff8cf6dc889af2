"""Which files captures are read from and written to: regular files only, opened safely.

A capture is a file. A FIFO would block a reader forever waiting for a writer (and a
writer waiting for a reader), a device could stream without end, so every capture file
is opened without blocking and checked with fstat on the open descriptor (no race with
a swap between a check and the open) before anything is read or written.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from fwctl_tui.captures.format import CaptureError

_SPECIAL = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
            (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def open_regular(path: Path | str) -> BinaryIO:
    """`path` opened for reading, if it is a regular file (symlinks followed).

    A capture is a file. A FIFO would block the reader forever waiting for a writer and
    a device could stream without end, so the file is opened without blocking, checked
    with fstat (no race with a swap between check and open) and refused unless regular:
    IsADirectoryError for a directory, CaptureError naming the kind otherwise.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _SPECIAL if test(mode)), "not a regular file")
            raise CaptureError(f"{kind}, not a capture file: captures are read only from "
                               "regular files", path=str(path))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def open_for_append(target: Path) -> int:
    """A descriptor appending to `target` (created if missing), only if it is a regular
    file: a FIFO or device is refused without blocking on it."""
    fd = os.open(target, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_NONBLOCK | os.O_CLOEXEC,
                 0o666)
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise CaptureError("not a regular file (a FIFO, socket or device): captures are "
                           "written only to regular files", path=str(target))
    os.set_blocking(fd, True)
    return fd


def make_parent(target: Path) -> None:
    """Create `target`'s folder; CaptureError naming the part of the path that is a file."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = next((p for p in (target.parent, *target.parent.parents)
                        if p.exists() and not p.is_dir()), target.parent)
        raise CaptureError(f"{blocker} is a file, not a folder: cannot save inside it",
                           path=str(target)) from None
