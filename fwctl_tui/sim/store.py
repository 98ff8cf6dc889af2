"""Where a persistent simulated host lives between fwctl-tui runs, and how runs share it.

One JSON file per profile in the user state directory (platformdirs; `FWCTL_TUI_STATE_DIR`
names another, which tests point at tmp_path). Every RPC runs inside `transaction()`: an
exclusive flock on the profile's lock file, the saved state loaded if another process
changed it since, the RPC, and the new state written atomically (temporary file in the
same directory, then rename) when it changed. "Changed since" compares the file's bytes
with those this process last read or wrote (a read of a few KB per RPC): inode, size and
mtime can all repeat (ext4 gives the inode back two renames later, a coarse clock or NFS
two writes one mtime), and a process trusting them kept its stale state and saved it over
another's write. There is no fsync: it cost ~100 ms per changed sample on this machine
(the dashboard at 10 Hz changes the module sensor's maximum often), and a simulated card
losing its last change to a power cut is harmless; a crash of the process itself never
leaves a half-written file. So two processes, or two threads, sending at once each see
the other's writes (tests/unit/test_sim_persistence.py runs two processes at once).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

STATE_DIR_ENV = "FWCTL_TUI_STATE_DIR"
APP_NAME = "fwctl-tui"
SUBDIR = "sim"


class StoreError(Exception):
    """The state file cannot be read or written (message says which file and why)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def state_dir() -> Path:
    """The directory holding the simulated hosts' state files."""
    override = os.environ.get(STATE_DIR_ENV)
    if override:
        return Path(override) / SUBDIR
    from platformdirs import user_state_dir

    return Path(user_state_dir(APP_NAME)) / SUBDIR


class HostStore:
    """The state file of one profile's persistent simulated host."""

    def __init__(self, profile: str, directory: Path | None = None) -> None:
        self.directory = directory or state_dir()
        self.path = self.directory / f"{profile}.json"
        self.lock_path = self.directory / f"{profile}.lock"
        self._seen: bytes | None = None  # the file as this process last read or wrote it
        self._saved: dict[str, Any] | None = None

    def exists(self) -> bool:
        return self.path.exists()

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the profile's exclusive lock (a new open file each time: threads exclude too)."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as err:
            raise StoreError(f"cannot use {self.lock_path}: {err.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def changed(self) -> bool:
        """Whether the file differs from what this process last read or wrote; call with
        the lock held."""
        return self._read() != self._seen

    def load(self) -> dict[str, Any] | None:
        """The saved document (None when there is none); call with the lock held."""
        data = self._read()
        if data is None:
            self._seen, self._saved = None, None
            return None
        try:
            doc = json.loads(data)
        except ValueError as err:
            raise StoreError(f"{self.path} is not valid JSON ({err}); "
                                "`fwctl-tui sim reset` starts a new simulated host") from None
        if not isinstance(doc, dict):
            raise StoreError(f"{self.path} does not hold a state object; "
                                "`fwctl-tui sim reset` starts a new simulated host")
        self._seen, self._saved = data, doc
        return doc

    def save(self, doc: dict[str, Any]) -> None:
        """Write `doc` atomically if it differs from the last saved. Call with the lock held,
        after `changed()` (and `load()`) in the same hold, as every host does: the file is
        then what was last read, and need not be read again."""
        if doc == self._saved:
            return
        data = json.dumps(doc, separators=(",", ":")).encode("utf-8")
        try:
            fd, tmp = tempfile.mkstemp(prefix=self.path.name, suffix=".tmp", dir=self.directory)
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as err:
            raise StoreError(f"cannot write {self.path}: {err.strerror}") from None
        self._seen, self._saved = data, doc

    def remove(self) -> bool:
        """Delete the saved host (under the lock); True when there was one."""
        with self.locked():
            try:
                self.path.unlink()
            except FileNotFoundError:
                return False
            self._seen, self._saved = None, None
            return True

    def _read(self) -> bytes | None:
        """The file's bytes, None when there is no file."""
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as err:
            raise StoreError(f"cannot read {self.path}: {err.strerror}") from None


def saved_profiles(directory: Path | None = None) -> list[str]:
    """Profiles with a saved host in the state directory."""
    folder = directory or state_dir()
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.json"))
