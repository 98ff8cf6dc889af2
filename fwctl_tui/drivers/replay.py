"""Replay drivers for cxl and pds captures: recorded answers behind the kernel emulator.

`replay:FILE` of a cxl or pds capture answers each request with what was recorded for the
same request (in order, the last one again when they run out), so the fwctl core rules
still run and a request the capture never saw gets ENOMSG with the reason. CXL requests
match by their bytes; pds ones by endpoint, operation, request payload and response
length (the struct's pointers differ every run), and the recorded response payload
(record meta `pds.out_payload`) is written where the new request's out.payload points;
a recorded struct re-sent as it is in the capture (pointers zeroed) matches itself.
"""

from __future__ import annotations

import ctypes
import errno
from collections.abc import Iterable

from fwctl_tui.exchange import Exchange
from fwctl_tui.sim.mlx5_driver import RpcOutcome
from fwctl_tui.sim.pds import layout as pds
from fwctl_tui.uapi import DeviceType, Scope

MISSING_ERRNO = errno.ENOMSG
Key = bytes | tuple[int, int, str, int] | tuple[str, bytes]


def _pds_key(request: bytes, in_payload: str) -> tuple[int, int, str, int]:
    return (pds.get(request, "in.ep"), pds.get(request, "in.op"), in_payload,
            pds.get(request, "out.len"))


def _recorded_key(device_type: int, exchange: Exchange) -> Key | None:
    if device_type != DeviceType.PDS:
        return exchange.request
    meta = exchange.meta.get("pds")
    if len(exchange.request) < pds.SIZE or not isinstance(meta, dict):
        return None
    return _pds_key(exchange.request, str(meta.get("in_payload", "")))


class RecordedDriver:
    """A cxl or pds driver whose firmware is a capture."""

    def __init__(self, device_type: int, exchanges: Iterable[Exchange]) -> None:
        self.device_type = device_type
        self.answers: dict[Key, list[Exchange]] = {}
        self.used: dict[Key, int] = {}
        self.misses: list[str] = []
        for exchange in exchanges:
            key = _recorded_key(device_type, exchange)
            if key is not None:
                self.answers.setdefault(key, []).append(exchange)
            if device_type == DeviceType.PDS:  # the recorded struct itself, pointers zeroed
                self.answers.setdefault(("recorded", exchange.request), []).append(exchange)

    def open_uctx(self) -> object:
        return object()

    def close_uctx(self, uctx: object) -> None:
        """No per-file state."""

    def info(self, uctx: object) -> bytes:
        return b""  # neither cxl nor pds reports info data

    def rpc(self, uctx: object, scope: Scope, request: bytes, out_len: int) -> RpcOutcome:
        key = self._key(request)
        queue = self.answers.get(key) if key is not None else None
        if not queue:
            what = f"{len(request)}-byte request {request[:24].hex()}"
            self.misses.append(what)
            return RpcOutcome(MISSING_ERRNO, detail=f"not in this capture: {what}; replay "
                              "only answers recorded requests")
        index = min(self.used.get(key, 0), len(queue) - 1)  # type: ignore[arg-type]
        self.used[key] = index + 1  # type: ignore[index]
        answer = queue[index]
        if answer.errno:
            return RpcOutcome(answer.errno, detail="the recorded answer")
        reply = answer.reply or b""
        if self.device_type != DeviceType.PDS:
            return RpcOutcome(0, reply, answer.out_len)
        return self._pds_answer(request, answer, reply)

    def _key(self, request: bytes) -> Key | None:
        if self.device_type != DeviceType.PDS:
            return request
        if len(request) < pds.SIZE:
            return None
        length, address = pds.get(request, "in.len"), pds.get(request, "in.payload")
        if length and not address:  # a recorded struct re-sent as is (pointers zeroed)
            return ("recorded", request)
        payload = ctypes.string_at(address, length).hex() if length else ""
        return _pds_key(request, payload)

    @staticmethod
    def _pds_answer(request: bytes, answer: Exchange, reply: bytes) -> RpcOutcome:
        meta = answer.meta.get("pds")
        data = bytes.fromhex(str(meta.get("out_payload", ""))) if isinstance(meta, dict) else b""
        want, address = pds.get(request, "out.len"), pds.get(request, "out.payload")
        if want and address:
            ctypes.memmove(address, data[:want].ljust(want, b"\0"), want)
        out = bytearray(request[:pds.SIZE])  # the driver's answer: this struct, retval set
        pds.put(out, "out.retval", pds.get(reply, "out.retval") if len(reply) >= pds.SIZE else 0)
        return RpcOutcome(0, bytes(out), len(request))
