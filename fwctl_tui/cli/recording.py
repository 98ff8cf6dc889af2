"""`--capture FILE` for the commands that send (send, and the other drivers' send).

One recorder for the whole command: a register write is a read and then the write, and
both belong in the capture. A record that cannot be written (disk full) never raises
after the RPC was sent: the reply is still shown, then the loss is said (exit 2).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from fwctl_tui.cli import EXIT_OK, EXIT_USAGE, CliError
from fwctl_tui.textsafe import printable

if TYPE_CHECKING:
    from fwctl_tui.connect import Connection
    from fwctl_tui.exchange import Exchange
    from fwctl_tui.session import Session


@contextmanager
def recording(session: Session, conn: Connection, capture: str | None) -> Iterator[list[str]]:
    """Record every exchange of `session` to `capture` (if given) while the block runs;
    yields the list that collects why a record was not kept."""
    unrecorded: list[str] = []
    if not capture:
        yield unrecorded
        return
    from fwctl_tui.captures import CaptureError, open_recorder

    path = Path(capture)
    try:
        recorder = open_recorder(path, conn.entry, conn.kernel_state())
    except (OSError, CaptureError) as err:
        raise CliError(f"cannot record to {path}: {err}") from None

    def record(exchange: Exchange) -> None:
        try:
            recorder.record(exchange)
        except CaptureError as err:
            unrecorded.append(str(err))

    session.listeners.append(record)
    try:
        yield unrecorded
    finally:
        session.listeners.remove(record)
        recorder.close()


def exit_code(code: int, unrecorded: list[str]) -> int:
    """Say each record that was not kept; a successful send whose record was lost is 2."""
    for reason in unrecorded:
        sys.stderr.write(f"fwctl-tui: error: sent, but not recorded: {printable(reason)}\n")
    return EXIT_USAGE if unrecorded and code == EXIT_OK else code
