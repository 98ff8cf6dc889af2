"""The capture file format: a JSON Lines header, then one `rpc` record per Exchange.

Kept in one place so the recorder, the loader, the docs (docs/capture-format.md) and the
tests agree on every key. Records carry both raw bytes (hex) and the derived summary
(opcode, status, syndrome, errno name) so `jq` users need no decoder; the loader trusts
only the raw bytes and recomputes the rest.
"""

from __future__ import annotations

import errno as _errno
import hashlib
import importlib.metadata
import json
import socket
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fwctl_tui import allowlist
from fwctl_tui.exchange import Exchange
from fwctl_tui.uapi import Scope

SCHEMA = 1
"""Current schema. Readers accept SCHEMA and older ones that have an upgrader below."""

MAX_LINE_BYTES = 16 * 1024 * 1024
"""A 2 MiB request plus a 2 MiB reply in hex is ~8.4 MB; anything far beyond is junk."""
MAX_PAYLOAD = 2 * 1024 * 1024
"""The fwctl core refuses input or output above 2 MiB, so no real record holds more."""


class CaptureError(ValueError):
    """A capture file (or one line of it) that cannot be used; says which line and why."""

    def __init__(self, reason: str, *, path: str = "", line: int | None = None) -> None:
        where = f"{path}:{line}" if path and line else path or (f"line {line}" if line else "")
        super().__init__(f"{where}: {reason}" if where else reason)
        self.reason = reason
        self.path = path
        self.line = line


def tool_version() -> str:
    try:
        return importlib.metadata.version("fwctl-tui")
    except importlib.metadata.PackageNotFoundError:
        return "0.1.0"


def allow_list_version() -> str:
    """Newest kernel the allow-list data knows, its size and a short hash of its content."""
    entries = allowlist.entries()
    newest = max((e.since for e in entries.values()), default=(0, 0))
    digest = hashlib.sha256(
        json.dumps(
            sorted((e.opcode, int(e.min_scope), e.since) for e in entries.values())
        ).encode()
    ).hexdigest()[:12]
    return f"v{newest[0]}.{newest[1]}/{len(entries)}/{digest}"


def iso_utc(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="microseconds")


def make_header(
    device: dict[str, Any],
    *,
    kernel_release: str,
    taint_at_start: int,
    simulated: bool,
    created_at: float,
    host: str | None = None,
    timeline: str | None = None,
) -> dict[str, Any]:
    """The first line of every capture; `device` is the identity block (see device_identity).

    `timeline` names the clock the records' `mono_ns` count on: records of files with the
    same timeline (one recording, split or copied) can be timed against each other; a new
    recording gets a new one (random unless given).
    """
    return {
        "type": "header",
        "schema": SCHEMA,
        "tool": "fwctl-tui",
        "tool_version": tool_version(),
        "created_at": iso_utc(created_at),
        "host": host if host is not None else socket.gethostname(),
        "kernel_release": kernel_release,
        "taint_at_start": taint_at_start,
        "simulated": simulated,
        "allow_list_version": allow_list_version(),
        "device": device,
        "timeline": timeline or uuid.uuid4().hex,
        "redacted": False,
    }


def device_identity(entry: Any) -> dict[str, Any]:
    """Identity block from a discovery.DeviceEntry (duck-typed: only attributes are read).

    FWCTL_INFO reports no PSID or serial: those come from the entry (discovery reads the
    PSID from sysfs `board_id`, the simulator from its profile), else from `info` when a
    caller put them there.
    """
    info = dict(entry.info) if getattr(entry, "info", None) else {}
    return {
        "kind": entry.kind,
        "device_type": entry.device_type,
        "fwctl": entry.name,
        "dev_node": entry.dev_node,
        "pci_bdf": entry.pci_bdf,
        "pci_ids": entry.pci_ids,
        "driver": entry.driver,
        "netdevs": list(entry.netdevs),
        "firmware_version": entry.firmware_version,
        "psid": getattr(entry, "psid", None) or info.get("psid"),
        "board": getattr(entry, "board", None) or info.get("board"),
        "serial": getattr(entry, "serial", None) or info.get("serial"),
        "info": {k: v for k, v in info.items() if isinstance(v, int | str | bool | list)},
    }


def errno_name(value: int) -> str | None:
    return _errno.errorcode.get(value, f"E{value}") if value else None


def exchange_to_record(exchange: Exchange, seq: int) -> dict[str, Any]:
    """One `rpc` line. Key order is stable: summary first, payloads last."""
    record: dict[str, Any] = {
        "type": "rpc",
        "seq": seq,
        "time": iso_utc(exchange.wall_time),
        "wall_time": exchange.wall_time,
        "mono_ns": exchange.mono_ns,
        "scope": exchange.scope.name,
        "scope_value": int(exchange.scope),
        "command": exchange.command,
        "opcode": exchange.opcode,
        "op_mod": exchange.op_mod,
        "errno": exchange.errno,
        "errno_name": errno_name(exchange.errno),
        "status": exchange.status,
        "syndrome": exchange.syndrome,
        "out_cap": exchange.out_cap,
        "out_len": exchange.out_len,
        "duration_ns": exchange.duration_ns,
        "request": exchange.request.hex(),
        "reply": None if exchange.reply is None else exchange.reply.hex(),
    }
    if exchange.detail:
        record["detail"] = exchange.detail
    if exchange.session:
        record["session"] = exchange.session
    if exchange.meta:
        record["meta"] = exchange.meta
    return record


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, separators=(",", ":"), default=str)


def _hex(value: Any, key: str) -> bytes:
    if not isinstance(value, str):
        raise CaptureError(f"{key!r} must be a hex string, got {type(value).__name__}")
    if len(value) > 2 * MAX_PAYLOAD:
        raise CaptureError(f"{key!r} holds {len(value) // 2} bytes, more than the kernel's "
                           f"{MAX_PAYLOAD} (2 MiB) limit")
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise CaptureError(f"{key!r} is not valid hex") from None


_SCOPES: dict[object, Scope] = {**{int(s): s for s in Scope}, **{s.name: s for s in Scope}}
U32_MAX = (1 << 32) - 1
I64_MAX = (1 << 63) - 1
MAX_ERRNO = 4095  # the kernel's: an errno is 1..4095
MAX_WALL_TIME = 253402300799.0  # 9999-12-31T23:59:59Z, the last second datetime can show
MAX_DEPTH = 32
"""Nesting a record or header may have: ours are 3 deep; 32 leaves room for other tools'
`meta` while keeping every recursive walk (redaction, JSON output) far from Python's limit."""
# (key, default, upper bound): integers a record must carry as integers within range.
_INT_KEYS = (("out_cap", None, U32_MAX), ("errno", 0, MAX_ERRNO), ("out_len", 0, U32_MAX),
             ("duration_ns", 0, I64_MAX), ("mono_ns", 0, I64_MAX))


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether `value` nests dicts/lists more than `limit` levels (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        children = (current.values() if isinstance(current, dict)
                    else current if isinstance(current, list) else ())
        for child in children:
            if isinstance(child, dict | list):
                if depth >= limit:
                    return True
                stack.append((child, depth + 1))
    return False


def _scope_of(record: dict[str, Any]) -> Scope:
    """The record's scope: `scope` (a name; a number in schema 0) and `scope_value` must
    agree where both are given, since a capture that says two things cannot be trusted
    with either."""
    name, value = record.get("scope"), record.get("scope_value")
    by_name = _known_scope(name, "scope", names=True)
    by_value = _known_scope(value, "scope_value", names=False)
    if by_name is not None and by_value is not None and by_name is not by_value:
        raise CaptureError(f"scope {name!r} and scope_value {value!r} disagree")
    scope = by_value if by_value is not None else by_name  # (CONFIGURATION is 0: falsy)
    if scope is None:
        raise CaptureError("no scope: the record needs 'scope' or 'scope_value'")
    return scope


def _known_scope(given: Any, key: str, *, names: bool) -> Scope | None:
    """None when `key` is absent; the Scope it names; else CaptureError."""
    if given is None:
        return None
    usable = type(given) is int or (names and isinstance(given, str))
    scope = _SCOPES.get(given) if usable else None
    if scope is None:
        raise CaptureError(f"unknown {key} {_brief(given)}")
    return scope


def _brief(value: Any) -> str:
    """A bad value for an error message: its repr, cut short (a line may be megabytes)."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def _ints(record: dict[str, Any]) -> list[int]:
    """The record's integer fields, each checked for type and range (CaptureError)."""
    out = []
    for key, default, top in _INT_KEYS:
        value = record.get(key, default)
        if type(value) is not int:
            raise CaptureError(f"{key!r} must be an integer, got {_brief(value)}")
        if not 0 <= value <= top:
            raise CaptureError(f"{key!r} is {_brief(value)}, outside 0..{top}")
        out.append(value)
    return out


def _wall_time(record: dict[str, Any]) -> float:
    wall = record.get("wall_time") or 0.0
    if type(wall) not in (int, float):
        raise CaptureError(f"'wall_time' must be a number, got {_brief(wall)}")
    if not 0 <= wall <= MAX_WALL_TIME:  # also false for NaN; inf and 10**400 are above
        raise CaptureError(f"'wall_time' is {_brief(wall)}, outside 0..{MAX_WALL_TIME:.0f} "
                           "(epoch seconds up to the year 9999)")
    return float(wall)


def _text(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is not None and not isinstance(value, str):
        raise CaptureError(f"{key!r} must be a string, got {_brief(value)}")
    return value


def record_to_exchange(record: dict[str, Any], device: str = "") -> Exchange:
    """Rebuild the Exchange; raises CaptureError (no line number) on a malformed record.

    Every field the tools compute with is checked here, once, for type and range, so no
    reader further up meets an infinite time, a 400-digit errno or a nested `detail`.
    """
    if too_deep(record):
        raise CaptureError(f"nested more than {MAX_DEPTH} levels deep")
    scope = _scope_of(record)
    out_cap, errno, out_len, duration_ns, mono_ns = _ints(record)
    reply_hex = record.get("reply")
    meta = record.get("meta")
    return Exchange(
        command=_text(record, "command") or "UNKNOWN",
        scope=scope,
        request=_hex(record.get("request"), "request"),
        out_cap=out_cap,
        errno=errno,
        reply=None if reply_hex is None else _hex(reply_hex, "reply"),
        out_len=out_len,
        duration_ns=duration_ns,
        wall_time=_wall_time(record),
        mono_ns=mono_ns,
        device=device,
        detail=_text(record, "detail"),
        session=session if isinstance(session := record.get("session"), str) else "",
        meta=dict(meta) if isinstance(meta, dict) else {},
    )


def _upgrade_v0_header(header: dict[str, Any]) -> dict[str, Any]:
    """Schema 0 (early prototypes): flat `device_name`, no identity block."""
    out = dict(header)
    out.setdefault("device", {"fwctl": header.get("device_name"), "kind": "live"})
    out.setdefault("redacted", False)
    out.setdefault("created_at", "")
    return out


def _upgrade_v0_record(record: dict[str, Any]) -> dict[str, Any]:
    """Schema 0 records: `in`/`out` payloads, numeric `scope`, float `time`."""
    out = dict(record)
    out["request"] = record.get("in", "")
    out["reply"] = record.get("out")
    out["scope_value"] = record.get("scope")
    out["wall_time"] = record.get("time", 0.0)
    return out


HEADER_UPGRADERS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    0: _upgrade_v0_header,
}
RECORD_UPGRADERS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    0: _upgrade_v0_record,
}


def check_header(header: object) -> dict[str, Any]:
    """Validate the first line and bring it to the current schema (raises CaptureError)."""
    if not isinstance(header, dict) or header.get("type") != "header":
        raise CaptureError("first line is not a capture header (expected {\"type\": \"header\"})")
    schema = header.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool):
        raise CaptureError(f"header has no integer 'schema' (got {schema!r})")
    if schema > SCHEMA:
        raise CaptureError(
            f"capture schema {schema} is newer than this fwctl-tui understands "
            f"(schema {SCHEMA}, tool {tool_version()}); upgrade fwctl-tui to read it"
        )
    if schema < SCHEMA:
        upgrade = HEADER_UPGRADERS.get(schema)
        if upgrade is None:
            raise CaptureError(f"capture schema {schema} is no longer supported")
        header = upgrade(header)
    return header


_HEADER_TEXT = ("tool", "tool_version", "created_at", "host", "kernel_release",
                "allow_list_version", "timeline")
_DEVICE_TEXT = ("kind", "device_type", "fwctl", "dev_node", "pci_bdf", "pci_ids", "driver",
                "firmware_version", "psid", "board", "serial")


def clean_header(header: dict[str, Any]) -> list[str]:
    """Make a checked header safe to read: every value of the wrong type (a `device` that is
    not an object, `netdevs` that is not a list of names, a 10**400 taint mask, a nested
    `host`) becomes null, in place; returns what was dropped, in words.

    Records stand on their own, so a damaged header costs its own values, never the file.
    """
    dropped: list[str] = []

    def drop(where: dict[str, Any], key: str, label: str, rule: str) -> None:
        dropped.append(f"header {label!r} {rule}, got {_brief(where[key])}; ignored")
        where[key] = None

    for key in _HEADER_TEXT:
        if header.get(key) is not None and not isinstance(header[key], str):
            drop(header, key, key, "must be a string")
    taint = header.get("taint_at_start")
    if taint is not None and not (type(taint) is int and 0 <= taint < 1 << 64):
        drop(header, "taint_at_start", "taint_at_start", "must be an integer 0..2^64-1")
    if header.get("simulated") is not None and not isinstance(header["simulated"], bool):
        drop(header, "simulated", "simulated", "must be true or false")
    if not isinstance(header.get("redacted", False), bool | dict):
        drop(header, "redacted", "redacted", "must be true, false or an object")
    if not isinstance(header.get("device", {}), dict):
        drop(header, "device", "device", "must be an object")
    device = header.get("device") or {}
    header["device"] = device
    for key in _DEVICE_TEXT:
        if device.get(key) is not None and not isinstance(device[key], str):
            drop(device, key, f"device.{key}", "must be a string")
    netdevs = device.get("netdevs")
    if netdevs is not None and not (isinstance(netdevs, list)
                                    and all(isinstance(n, str) for n in netdevs)):
        drop(device, "netdevs", "device.netdevs", "must be a list of names")
    if device.get("info") is not None and not isinstance(device["info"], dict):
        drop(device, "info", "device.info", "must be an object")
    for where, label in ((header, ""), (device, "device.")):
        for key, value in where.items():
            if isinstance(value, dict | list) and too_deep(value, MAX_DEPTH - 2):
                drop(where, key, label + key, f"nests more than {MAX_DEPTH} levels")
    return dropped
