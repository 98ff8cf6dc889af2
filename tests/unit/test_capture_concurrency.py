"""Issue 11 point 2: writers that share a capture file lose nothing and repeat no seq.

Several processes record into one file at once (a new file, then one that exists), and
a write that fails half way (the file size limit stands in for a full disk) leaves the
capture as it was. Real processes, since the lock is what is being tested.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from fwctl_tui.captures import load_capture

TESTS = str(Path(__file__).parents[1])
ROOT = str(Path(__file__).parents[2])
WRITERS, RECORDS = 4, 40

RECORDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    sys.path[:0] = [{tests!r}, {root!r}]
    from helpers.captures import session, entry, access_reg
    from fwctl_tui.captures import open_recorder
    from fwctl_tui.uapi import Scope
    path, go = Path(sys.argv[1]), Path(sys.argv[2])
    while not go.exists():  # every writer starts at the same moment
        time.sleep(0.001)
    sess, kernel = session()
    recorder = open_recorder(path, entry(), kernel.state())
    sess.listeners.append(recorder)
    for _ in range({records}):
        sess.send("ACCESS_REG:PPCNT", Scope.DEBUG_READ_ONLY, access_reg(0x5008), 64)
    recorder.close()
""")


def _record_at_once(path: Path, go: Path) -> None:
    script = RECORDER.format(tests=TESTS, root=ROOT, records=RECORDS)
    procs = [subprocess.Popen([sys.executable, "-c", script, str(path), str(go)])
             for _ in range(WRITERS)]
    go.touch()
    assert [proc.wait(timeout=120) for proc in procs] == [0] * WRITERS


def _seqs(path: Path) -> list[int]:
    with load_capture(path) as capture:
        assert not capture.problems
        items = list(capture.iter_records())
    assert all(item.exchange is not None for item in items)
    return [item.seq for item in items]


def test_concurrent_recorders_keep_every_record_with_unique_seqs(tmp_path: Path) -> None:
    path = tmp_path / "shared.jsonl"
    _record_at_once(path, tmp_path / "go-1")  # all four create the file at once
    assert _seqs(path) == list(range(1, WRITERS * RECORDS + 1))
    assert path.read_text().count('"type":"header"') == 1
    _record_at_once(path, tmp_path / "go-2")  # and append to it at once
    assert _seqs(path) == list(range(1, 2 * WRITERS * RECORDS + 1))


def test_concurrent_first_send_captures_each_keep_their_record(tmp_path: Path) -> None:
    path = tmp_path / "sends.jsonl"
    argv = [sys.executable, "-m", "fwctl_tui", "send", "sim:cx7", "ACCESS_REG:PAOS",
            "local_port=1", "--capture", str(path)]
    procs = [subprocess.Popen(argv, stdout=subprocess.DEVNULL, cwd=ROOT) for _ in range(4)]
    assert [proc.wait(timeout=120) for proc in procs] == [0] * 4
    assert _seqs(path) == [1, 2, 3, 4]


FULL_DISK = textwrap.dedent("""
    import resource, signal, sys
    sys.path[:0] = [{root!r}]
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG)
    size = int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_FSIZE, (size + 100, size + 100))
    from fwctl_tui.__main__ import main
    sys.exit(main(["send", "sim:cx7", "ACCESS_REG:PAOS", "local_port=1", "--capture", sys.argv[1]]))
""")


def test_a_record_that_does_not_fit_leaves_the_capture_unchanged(tmp_path: Path) -> None:
    """The RPC is sent and shown; the record is not half written and the exit says so."""
    path = tmp_path / "full.jsonl"
    first = subprocess.run([sys.executable, "-m", "fwctl_tui", "send", "sim:cx7",
                            "ACCESS_REG:PAOS", "local_port=1", "--capture", str(path)],
                           capture_output=True, text=True, cwd=ROOT, check=False)
    assert first.returncode == 0, first.stderr
    before = path.read_bytes()
    proc = subprocess.run([sys.executable, "-c", FULL_DISK.format(root=ROOT), str(path),
                           str(len(before))], capture_output=True, text=True, check=False)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "sent, but not recorded" in proc.stderr
    assert "capture is unchanged" in proc.stderr and "admin_status" in proc.stdout
    assert path.read_bytes() == before
    assert os.path.getsize(path) == len(before)
