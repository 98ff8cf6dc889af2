"""Outcome and one-line summary of a recorded cxl/pds/bnxt exchange, for capture listings.

A record made through a plug-in carries `meta["driver"]`; capture_analysis/decoding.outcome
and capture_analysis/listing.summary ask here first and fall back to mlx5 for records without it.
reply_outcome() is the one wording of an outcome: the driver result screen, the history
and the CLI say it too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fwctl_tui.decoders.values import flatten
from fwctl_tui.drivers.base import Built, DriverInputError, DriverPlugin
from fwctl_tui.drivers.registry import TYPE_NAMES, plugin_for
from fwctl_tui.exchange import Exchange
from fwctl_tui.textsafe import printable

SHORT_REPLY = "SHORT_REPLY"  # capture_analysis.decoding's flag for a reply cut short


def _driver(exchange: Exchange) -> str | None:
    kind = exchange.meta.get("driver")
    return kind if isinstance(kind, str) and kind in TYPE_NAMES and kind != "mlx5" else None


def _decoded(kind: str, exchange: Exchange) -> dict[str, Any]:
    plugin = plugin_for(kind)
    if kind == "pds":
        from fwctl_tui.sim.pds import layout

        meta = exchange.meta.get("pds")
        reply = exchange.reply or b""
        if len(reply) < layout.SIZE:
            return {"problems": [f"reply is {len(reply)} bytes, not {layout.SIZE}"]}
        return {"endpoint": layout.get(reply, "in.ep"), "operation": layout.get(reply, "in.op"),
                "retval": layout.get(reply, "out.retval"),
                "response": str(meta.get("out_payload", "")) if isinstance(meta, dict) else ""}
    try:
        command = plugin.command(exchange.command)
    except DriverInputError:
        command = plugin.commands()[0]
    built = Built(command, exchange.request, exchange.out_cap, exchange.scope)
    return plugin.decode(built, exchange.reply or b"")


def decoded(exchange: Exchange) -> dict[str, Any] | None:
    """A cxl/pds/bnxt record's reply as its plug-in decodes it; None for mlx5 records."""
    kind = _driver(exchange)
    return None if kind is None or exchange.errno else _decoded(kind, exchange)


def outcome(exchange: Exchange) -> str | None:
    """A cxl/pds/bnxt record's outcome (reply_outcome's words, or the errno's name, as
    mlx5 records say theirs); None for mlx5 records."""
    kind = _driver(exchange)
    if kind is None:
        return None
    if exchange.errno:
        return exchange.outcome()
    return reply_outcome(_decoded(kind, exchange))


def reply_outcome(decoded: Mapping[str, Any]) -> str:
    """The one wording of a cxl/pds/bnxt reply's outcome, for the result screen, the
    history, listings and the CLI: OK; SHORT_REPLY when the plug-in could not decode it
    all (so nothing damaged reads OK); else firmware_code()."""
    if decoded.get("problems"):
        return SHORT_REPLY
    return firmware_code(decoded) or "OK"


def firmware_code(decoded: Mapping[str, Any]) -> str | None:
    """The device's own failure in a decoded reply, by name and number,
    `FEATURESELVALUE (retval 26)`, or by number where the driver names none (`retval 5`
    for pds, `error_code 4` for bnxt); None when it succeeded."""
    for key in ("retval", "error_code"):
        code = decoded.get(key)
        if code:
            name = decoded.get(f"{key}_name")
            if isinstance(name, str) and name and not name.startswith("unknown"):
                return f"{printable(name)} ({key} {code})"
            return f"{key} {code}"
    return None


def summary(exchange: Exchange) -> str | None:
    """What the record asked and got, in the driver's terms; None for mlx5 records."""
    kind = _driver(exchange)
    if kind is None:
        return None
    if exchange.errno:
        return printable(exchange.detail or "")
    decoded = _decoded(kind, exchange)
    if decoded.get("problems"):
        return printable("; ".join(decoded["problems"]))
    if kind == "pds":
        return (f"ep {decoded['endpoint']:#x} op {decoded['operation']:#x} response "
                f"{decoded['response'][:32] or '-'}")
    if kind == "bnxt":
        return f"req_type {decoded['req_type']:#06x} error_code {decoded.get('error_code')}"
    if "features" in decoded:
        names = [f["name"] or f["uuid"] for f in decoded["features"]]
        return printable(f"{len(names)} features: {', '.join(names)}")
    if "data" in decoded:
        data = decoded["data"]
        fields = data.get("fields")
        shown = (" ".join(f"{k}={v}" for k, v in fields.items()) if isinstance(fields, dict)
                 else data["hex"])
        return printable(f"{decoded['feature_name'] or decoded['feature']}: {shown}")
    return f"retval {decoded.get('retval_name', '')}".strip()


def changes(a: Exchange, b: Exchange) -> list[tuple[str, Any, Any]] | None:
    """(path, A, B) of what differs between two answers of a cxl/pds/bnxt record, decoded
    by the plug-in (pds response payloads included); None for mlx5 records."""
    kind = _driver(a)
    if kind is None or _driver(b) != kind:
        return None
    out = [("errno", a.errno, b.errno)] if a.errno != b.errno else []
    if a.errno or b.errno:
        return out
    fa, fb = flatten(_decoded(kind, a)), flatten(_decoded(kind, b))
    return out + [(path, fa.get(path), fb.get(path))
                  for path in list(fa) + [p for p in fb if p not in fa]
                  if fa.get(path) != fb.get(path)]


def question(exchange: Exchange) -> dict[str, Any] | None:
    """What a cxl/pds/bnxt record asks (diff pairs records by it): command, scope and
    `index`, the request's identifying fields; None for mlx5 records."""
    kind = _driver(exchange)
    if kind is None:
        return None
    request = exchange.request
    index: dict[str, Any]
    meta = exchange.meta.get("pds")
    if kind == "pds" and len(request) >= 48:
        from fwctl_tui.sim.pds import layout

        index = {"ep": layout.get(request, "in.ep"), "op": layout.get(request, "in.op"),
                 "payload": str(meta.get("in_payload", "")) if isinstance(meta, dict) else "",
                 "response_len": layout.get(request, "out.len")}
    elif kind == "cxl" and exchange.command in ("GET_FEATURE", "SET_FEATURE"):
        from fwctl_tui.drivers.cxl_features import uuid_text
        from fwctl_tui.sim.cxl import layout as cxl

        body = request[cxl.RPC_IN_HEADER:]
        index = {"feature": uuid_text(body[:16]), "request": body[16:].hex()}
    else:
        index = {"request": request.hex()}
    return {"command": exchange.command, "scope": exchange.scope.name, "index": index}


@dataclass(frozen=True)
class Resend:
    """A cxl/pds/bnxt record made ready to send again (`replay --against`)."""

    plugin: DriverPlugin
    built: Built  # at the recorded scope; pds: new payload buffers, pointers set
    writes: bool  # may change the device: skipped without --allow-writes
    why_write: str  # what makes it count as a write, for the skip reason


def rebuild(exchange: Exchange) -> Resend | None:
    """The request of a recorded cxl/pds/bnxt exchange, rebuilt by its plug-in from the
    recorded bytes (and, for pds, the payload prepare_record kept in meta); None for an
    mlx5 record. DriverInputError when the record cannot be rebuilt (says why)."""
    kind = _driver(exchange)
    if kind is None:
        return None
    plugin = plugin_for(kind)
    if kind != "pds":
        try:
            command = plugin.command(exchange.command)
        except DriverInputError:
            command = plugin.commands()[0]
        built = Built(command, exchange.request, exchange.out_cap, exchange.scope)
        return Resend(plugin, built, command.is_write, f"{command.name} writes the device")
    from fwctl_tui.sim.pds import layout

    meta = exchange.meta.get("pds")
    if len(exchange.request) < layout.SIZE or not isinstance(meta, dict):
        raise DriverInputError(f"the record holds no {layout.SIZE}-byte struct fwctl_rpc_pds "
                               "with its payload (meta pds.in_payload)", "request")
    values = {"ep": str(layout.get(exchange.request, "in.ep")),
              "op": str(layout.get(exchange.request, "in.op")),
              "payload": str(meta.get("in_payload", "")),
              "response_len": str(layout.get(exchange.request, "out.len")),
              "scope": exchange.scope.name}
    built = plugin.build("RPC", values)
    return Resend(plugin, built, True, "what a pds operation does is known only to the "
                  "firmware (fwctl cannot tell a read from a write)")
