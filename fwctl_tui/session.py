"""A session with one device: send RPCs, keep the history, feed an optional recorder.

Both front ends (CLI `send`, the TUI's worker thread) go through Session.send, so every
RPC lands in history (and in the capture when recording) in one place.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from fwctl_tui.exchange import Exchange
from fwctl_tui.ioctl import FwctlDevice
from fwctl_tui.uapi import Scope

Listener = Callable[[Exchange], None]


@dataclass
class Session:
    """History of exchanges with one open device."""

    device: FwctlDevice
    device_name: str
    detail_source: Callable[[], str | None] | None = None  # simulator errno detail
    # a replay device: which recorded record answered the last RPC (Exchange.meta)
    answer_source: Callable[[], dict[str, object] | None] | None = None
    state_id: str = ""  # whose device state answers (a boot, a simulated card): Exchange.session
    history: list[Exchange] = field(default_factory=list)
    listeners: list[Listener] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def send(self, command: str, scope: Scope, request: bytes, out_cap: int) -> Exchange:
        """One FWCTL_RPC, timed and dated on the device's clock; the device is used by one
        thread at a time."""
        clock = self.device.clock
        wall, mono = clock.wall(), clock.monotonic_ns()
        with self._lock:  # the device's one result is refilled by the next rpc(): read it here
            result = self.device.rpc(scope, request, out_cap)
            err, out_len, elapsed_ns = result.errno, result.out_len, result.elapsed_ns
            reply = None if err else result.data()
            detail = self.detail_source() if err and self.detail_source else None
            answered = self.answer_source() if self.answer_source else None
        exchange = Exchange(
            command=command,
            scope=Scope(scope),
            request=bytes(request),
            out_cap=out_cap,
            errno=err,
            reply=reply,
            out_len=out_len,
            duration_ns=elapsed_ns,
            wall_time=wall,
            mono_ns=mono,
            device=self.device_name,
            detail=detail,
            session=self.state_id,
        )
        if answered:
            exchange.meta["answered_by"] = dict(answered)
        self.history.append(exchange)
        for listener in self.listeners:
            listener(exchange)
        return exchange
