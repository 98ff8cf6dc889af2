"""One JSON shape for one RPC: what `send --json`, `replay --json` and the TUI export print.

Every front end that shows an Exchange as JSON builds it here, so a script reads the same
keys with the same types and units whichever printed it. The shape is documented key by
key in docs/exchange-json.md (a test checks every output against that table); `schema`
is its version: new keys may appear within a version, a key that is renamed, removed or
changes its type or unit bumps it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from fwctl_tui.capture_analysis.decoding import outcome
from fwctl_tui.capture_analysis.replay import ANSWERED
from fwctl_tui.captures.format import iso_utc
from fwctl_tui.decoders.mlx5.status import SyndromeTable, status_report
from fwctl_tui.decoders.node import Node
from fwctl_tui.decoders.present import present
from fwctl_tui.decoders.present_json import view_json
from fwctl_tui.drivers.registry import TYPE_NAMES
from fwctl_tui.errors import explain
from fwctl_tui.exchange import Exchange
from fwctl_tui.mbox_header import OP_MOD, OPCODE

SCHEMA_VERSION = 1


class ReplyJsonCache:
    """The presented JSON of mlx5 replies already seen, by (command, request, reply),
    which is all that decides it: a capture that polls a register whose answer does not
    change (PAOS, PTYS, a module's identity) presents each distinct answer once. Bounded
    in entries and in reply size; the JSON it hands out is shared, so never change it."""

    MAX_ENTRIES = 256
    MAX_REPLY_BYTES = 16 * 1024  # a big reply's JSON is too big to keep

    def __init__(self) -> None:
        self._known: OrderedDict[tuple[str, bytes, bytes], Any] = OrderedDict()

    def reply(self, exchange: Exchange, decoded: Node) -> Any:
        reply = exchange.reply
        if reply is None or len(reply) > self.MAX_REPLY_BYTES:
            return _reply(decoded)
        key = (exchange.command, exchange.request, reply)
        known = self._known.get(key)
        if known is not None:
            self._known.move_to_end(key)
            return known
        shown = _reply(decoded)
        self._known[key] = shown
        if len(self._known) > self.MAX_ENTRIES:
            self._known.popitem(last=False)
        return shown


def exchange_json(exchange: Exchange, decoded: Node | Mapping[str, Any] | None,
                  syndromes: SyndromeTable | None = None,
                  replies: ReplyJsonCache | None = None) -> dict[str, Any]:
    """The exchange as a JSON object of docs/exchange-json.md's schema.

    `decoded` is the decoded reply: an mlx5 decode tree (shown as `decode --json` shows
    it, meanings beside the raw values), a driver plug-in's decode, or None when there
    is no reply or it could not be decoded. `syndromes` explains the syndromes of the
    device that answered (the simulator's own table; None for firmware). Front ends add
    their own keys beside these (the documented per-output keys), never under the same
    names. `replies` (a listing of many records) presents each distinct reply once."""
    kind = _driver_type(exchange)
    mlx5 = kind == "mlx5"
    return {
        "schema": SCHEMA_VERSION,
        "device": exchange.device,
        "device_type": kind,
        "command": exchange.command,
        "opcode": OPCODE.read(exchange.request) if mlx5 else _driver_opcode(kind, exchange),
        "op_mod": OP_MOD.read(exchange.request) if mlx5 else None,
        "scope": exchange.scope.name,
        "scope_value": int(exchange.scope),
        "time": iso_utc(exchange.wall_time) if exchange.wall_time else None,
        "errno": exchange.errno,
        "errno_name": explain(exchange.errno).name if exchange.errno else None,
        "detail": exchange.detail,
        **_status(exchange if mlx5 else None, syndromes),
        "outcome": outcome(exchange),
        "out_cap": exchange.out_cap,
        "out_len": exchange.out_len,
        "truncated": exchange.truncated,
        "duration_ns": exchange.duration_ns,
        "answered_by": exchange.meta.get(ANSWERED),
        "request_hex": exchange.request.hex(),
        "reply_hex": exchange.reply.hex() if exchange.reply is not None else None,
        "reply": (replies.reply(exchange, decoded)
                  if replies is not None and isinstance(decoded, Node) else _reply(decoded)),
    }


def _driver_type(exchange: Exchange) -> str:
    """mlx5, or the plug-in type a cxl/pds/bnxt exchange was made through."""
    kind = exchange.meta.get("driver")
    return kind if isinstance(kind, str) and kind in TYPE_NAMES else "mlx5"


def _driver_opcode(kind: str, exchange: Exchange) -> int | None:
    from fwctl_tui.drivers import DriverInputError, plugin_for

    try:
        return plugin_for(kind).command(exchange.command).opcode
    except DriverInputError:
        return None


def _status(exchange: Exchange | None, syndromes: SyndromeTable | None) -> dict[str, Any]:
    """mlx5 status and syndrome, named and explained; all null without an mlx5 reply
    status (an errno, or a driver whose return code lives in `reply`)."""
    status = None if exchange is None or exchange.errno else exchange.status
    if exchange is None or status is None:
        return dict.fromkeys(("status", "status_name", "status_text", "syndrome",
                              "syndrome_text"))
    syndrome = exchange.syndrome
    report = status_report(status, syndrome or 0, exchange.opcode, syndromes)
    return {"status": status, "status_name": report["status_name"],
            "status_text": report["status_text"], "syndrome": syndrome,
            "syndrome_text": report["syndrome_text"]}


def _reply(decoded: Node | Mapping[str, Any] | None) -> Any:
    if decoded is None:
        return None
    if isinstance(decoded, Node):
        return view_json(present(decoded, is_reply=True))
    return dict(decoded)
