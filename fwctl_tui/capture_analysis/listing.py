"""One line per record for listings: what was wrong, what was asked, what came back.

Replay, the capture browser and findings list records by this line; a 100k-record
capture lists it 100k times, so it reads as little of each record as it can.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from fwctl_tui.capture_analysis.decoding import (
    HEADER_FIELDS,
    NOT_SUMMARY,
    Decoded,
    command_for,
    decode,
    flatten,
    index_of,
    match_key_of,
    problems,
)
from fwctl_tui.decoders import decode_input, decode_output
from fwctl_tui.decoders.catalogue import Register
from fwctl_tui.decoders.mlx5.link_names import TEMPERATURE_SOURCES, temperature_c
from fwctl_tui.decoders.mlx5.shown import temperature_text
from fwctl_tui.decoders.node import LEAF_KINDS
from fwctl_tui.drivers.records import summary as driver_summary
from fwctl_tui.exchange import Exchange
from fwctl_tui.uapi import Scope

# Index fields shown even when 0: which page or group a record asked for tells rows apart
# (PDDR's operation page is page_select=0, PPCNT's IEEE 802.3 counters grp=0).
SELECTORS = frozenset({"page_select", "grp", "page", "sensor_index", "group", "obj_type",
                       "i2c_device_address"})
# A listing line must not walk a 2 MiB reply's 260k array elements: big payloads are
# summarised from their first fields only.
SUMMARY_BYTES = 64 * 1024
SUMMARY_LEAVES = 512


def summary(exchange: Exchange, decoded: Decoded | None = None, limit: int = 4,
            compact: bool = False) -> str:
    """One line for listings: what was wrong with the record (short reply, missing status,
    name/opcode mismatch), what was asked (non-zero index fields), then what came back
    (a few non-zero output fields, or the status and syndrome of a failure)."""
    driver = driver_summary(exchange)  # a cxl/pds/bnxt record: its plug-in's terms
    if driver is not None:
        return driver
    flags = [f"⚠ {problem}" for problem in problems(exchange)]
    text = _summary(exchange, decoded, limit, compact)
    return " ".join([*flags, text]) if text else " ".join(flags)


def _summary(exchange: Exchange, decoded: Decoded | None, limit: int, compact: bool) -> str:
    """Listing a 100k-record capture calls this 100k times, so it reads as little as it
    can: the request part is computed once per distinct request, and the reply's tree is
    walked only until `limit` values (and one more, for the ellipsis) are found."""
    command = command_for(exchange)
    asked, asked_parts = _asked(exchange.command, match_key_of(exchange.request), compact)
    parts = list(asked_parts)
    if exchange.errno:
        return " ".join(parts)
    if exchange.status:
        parts.append(f"syndrome=0x{exchange.syndrome or 0:08x}")
        return " ".join(parts)
    if command is None:
        return " ".join([*parts, decode(exchange).error or ""]).strip()
    output = decoded.output if decoded is not None else None
    if output is None and exchange.reply is not None:
        try:
            output = decode_output(command, exchange.reply, in_=exchange.request)
        except Exception as err:  # a decoder bug must not hide the record
            return " ".join([*parts, f"reply does not decode: {err}"])
    big = len(exchange.request) + len(exchange.reply or b"") > SUMMARY_BYTES
    key_first: list[tuple[int, str]] = []  # key results lead (a link down's blame ...)
    rest: list[str] = []
    for name, value, label in _joined_leaves(output, skip_arrays=big):
        if not value or isinstance(value, bytes) or name in asked or name in NOT_SUMMARY:
            continue
        if name == "temperature" and label is None and isinstance(value, int):
            label = _temperature(command.register, value)
        text = _part(name, value, label, compact)
        if name in KEY_RESULTS:
            key_first.append((KEY_RESULTS.index(name), text))
        elif not (compact and name in _NOT_COMPACT):
            rest.append(text)
        if len(rest) > limit:  # enough for the line and its ellipsis
            break
    shown = [*(text for _, text in sorted(key_first)), *rest]
    parts += shown[:limit + len(key_first)] if len(rest) <= limit else [
        *shown[:limit + len(key_first)], "…"]
    return " ".join(parts)


# Reply fields that say what a record found: listed before the others on its line.
KEY_RESULTS = (
    "down_blame", "oper_status", "down_intent", "phy_mngr_fsm_state", "an_status",
    "ext_eth_proto_oper", "temperature", "monitor_opcode", "module_status", "error_type",
)
_NOT_COMPACT = frozenset({"time_since_last_clear"})  # true of every counter read


@lru_cache(maxsize=1024)
def _asked(name: str, request: bytes, compact: bool = False
           ) -> tuple[frozenset[str], tuple[str, ...]]:
    """(names of the request's non-zero index fields, their `name=value` texts, op_mod's
    name first where it says something): the same for every record of one request."""
    exchange = Exchange(command=name, scope=Scope.CONFIGURATION, request=request, out_cap=0)
    command = command_for(exchange)
    if command is None:
        return frozenset(), ()
    try:
        root = decode_input(command, request)
    except Exception:  # a request the decoder cannot read asks nothing nameable
        return frozenset(), ()
    big = len(request) > SUMMARY_BYTES
    inputs = flatten(root, SUMMARY_LEAVES) if big else flatten(root)
    asked = {_short(p): (v, inputs[p].label) for p, v in index_of(inputs).items()
             if (v or _short(p) in SELECTORS) and _short(p) not in NOT_SUMMARY}
    parts = [_part(key, value, None if compact else label, compact)
             for key, (value, label) in asked.items()
             if not (compact and key == "local_port" and value == 1)]
    op_mod_name = _op_mod_name(exchange)
    if op_mod_name and not name.startswith("ACCESS_REG"):
        parts.insert(0, f"op_mod={op_mod_name}")
    return frozenset(asked), tuple(parts)


def request_selectors(name: str, request: bytes) -> tuple[str, ...]:
    """`name=value` of what a request asks about (op_mod's name, index fields), as listed."""
    return _asked(name, request)[1]


def _temperature(register: Register | None, raw: int) -> str | None:
    """MTMP's or PDDR's raw temperature as the reply view shows it (`59.625 °C`)."""
    if register is None or register.name not in TEMPERATURE_SOURCES:
        return None
    return temperature_text(temperature_c(raw, register=register.name), register.name)


def _part(name: str, value: Any, label: str | None, compact: bool) -> str:
    """`name=value (label)`; compact (the browser's narrow rows): `name=label` for results,
    selectors by number (`page_select=6`), port 1 (the usual one) left out by the caller."""
    if not label:
        return f"{name}={_fmt(value)}"
    return f"{name}={label}" if compact else f"{name}={_fmt(value)} ({label})"


def _joined_leaves(node: Any, *, skip_arrays: bool) -> Iterator[tuple[str, Any, str | None]]:
    """(short name, value, enum label) of the tree's leaves in layout order, built lazily;
    an `x_high` leaf followed by `x_low` is one 64-bit `x` (as values() joins them).
    Mailbox header and reserved fields are left out; a leaf beyond a short buffer has the
    value None. One generator, no per-leaf objects: a listing runs this for every record."""
    pending: tuple[str, Any, str | None] | None = None
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        kind = current.kind
        if kind not in LEAF_KINDS:  # (a leaf's kind says so: no children list to build)
            if skip_arrays and kind == "array":
                continue
            children = current.children
            if children:
                stack.extend(reversed(children))
                continue
        name = current.name
        if name in HEADER_FIELDS or name.startswith("reserved"):
            continue
        value = current.value
        if pending is not None:
            high_name, high_value, high_label = pending
            pending = None
            if (name == f"{high_name[:-5]}_low" and isinstance(high_value, int)
                    and isinstance(value, int)):
                yield high_name[:-5], (high_value << 32) | value, None
                continue
            yield high_name, high_value, high_label
        label = current.label if value else None
        if name.endswith("_high"):
            pending = (name, value, label)
        else:
            yield name, value, label
    if pending is not None:
        yield pending


def _op_mod_name(exchange: Exchange) -> str | None:
    command = command_for(exchange)
    try:
        return command.op_mod_name(exchange.op_mod) if command is not None else None
    except (AttributeError, LookupError):
        return None


def _short(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def _fmt(value: Any) -> str:
    if isinstance(value, bytes):
        return value.hex()
    return str(value)
