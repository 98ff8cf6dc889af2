"""The pds plug-in: struct fwctl_rpc_pds with endpoint/operation ids and hex payloads.

One generic command, RPC (ep=, op=, payload=, response_len=), plus the user's named
entries for the device (pds_entries.py), passed as `context["entries"]`. The 48-byte
struct points at two buffers the Built keeps alive (`pinned`); decode() reads the
response from the out buffer.
"""

from __future__ import annotations

import ctypes
import errno as _errno
from collections.abc import Mapping, Sequence
from typing import Any

from fwctl_tui.decoders.values import parse_number
from fwctl_tui.drivers.base import (
    Built,
    DriverCommand,
    DriverInputError,
    InputField,
    check_inputs,
)
from fwctl_tui.drivers.pds_entries import Entry
from fwctl_tui.errors import explain
from fwctl_tui.exchange import Exchange
from fwctl_tui.sim.pds import layout
from fwctl_tui.uapi import DeviceType, Scope, parse_scope, uctx_cap_names

RULE = ("the operation's firmware attribute sets its scope (READ/WRITE/SYNC: "
        "CONFIGURATION, DEBUG_READ: DEBUG_READ_ONLY, DEBUG_WRITE: DEBUG_WRITE, other: "
        "DEBUG_WRITE_FULL); below it EPERM; an unknown endpoint or operation, or a payload "
        "above the firmware's maximum, EINVAL")
RPC = DriverCommand(
    "RPC", None, Scope.CONFIGURATION,
    "send operation op of endpoint ep with a hex payload (ids from the product SDK)", RULE,
    (InputField("ep", "endpoint id"), InputField("op", "operation id"),
     InputField("payload", "request payload, hex", ""),
     InputField("response_len", "bytes of response to ask for", "256"),
     InputField("scope", "the scope the operation needs, if known", "CONFIGURATION")))
def _number(values: Mapping[str, str], name: str, default: int | None, top: int) -> int:
    text = values.get(name, "")
    if text == "":
        if default is None:
            raise DriverInputError(f"{name}= is required", name)
        return default
    value = parse_number(text)
    if value is None:
        raise DriverInputError(f"{name}={text!r} is not a number", name)
    if not 0 <= value <= top:
        raise DriverInputError(f"{name}={value} is outside 0..{top}", name)
    return value


def entry_command(entry: Entry) -> DriverCommand:
    """A user's named entry as a catalogue row."""
    return DriverCommand(entry.name, None, Scope[entry.scope],
                         entry.summary or f"endpoint {entry.endpoint:#x} operation "
                         f"{entry.operation:#x} (user entry)", RULE, RPC.inputs)


class PdsPlugin:
    """AMD Pensando DSCs (FWCTL_DEVICE_TYPE_PDS)."""

    type_name = "pds"
    device_type = int(DeviceType.PDS)
    simulator: str | None = "pds"
    note = ("fwctl cannot list a pds device's endpoints or operations: name them as "
            "entries (ids and payload formats come from the product SDK)")

    def commands(self) -> Sequence[DriverCommand]:
        return (RPC,)

    def command(self, name: str) -> DriverCommand:
        if name.strip().upper() == RPC.name:
            return RPC
        raise DriverInputError(f"unknown pds command {name!r}: use RPC ep=ID op=ID "
                               "[payload=HEX], or a saved entry's name", "command")

    def build(self, name: str, values: Mapping[str, str],
              context: Mapping[str, Any] | None = None) -> Built:
        entries: list[Entry] = list((context or {}).get("entries", []))
        entry = next((e for e in entries if e.name == name), None)
        cmd = entry_command(entry) if entry else self.command(name)
        check_inputs(RPC, values, "pds RPC")
        ep = _number(values, "ep", entry.endpoint if entry else None, layout_max("in.ep"))
        op = _number(values, "op", entry.operation if entry else None, layout_max("in.op"))
        text = values.get("payload", entry.payload if entry else "")
        try:
            payload = bytes.fromhex(text)
        except ValueError:
            raise DriverInputError(f"payload={text!r} is not hex bytes", "payload") from None
        want = _number(values, "response_len", entry.response_len if entry else 256,
                       layout_max("out.len"))
        try:
            scope = parse_scope(values.get("scope", entry.scope if entry else "CONFIGURATION"))
        except (ValueError, KeyError):
            raise DriverInputError(f"scope={values.get('scope')!r} is not a scope",
                                   "scope") from None
        in_buf = ctypes.create_string_buffer(payload, max(len(payload), 1))
        out_buf = ctypes.create_string_buffer(max(want, 1))
        request = layout.rpc_struct(ep, op, len(payload), ctypes.addressof(in_buf) if payload
                                    else 0, want, ctypes.addressof(out_buf) if want else 0)
        facts = {"rule": RULE, "endpoint": f"{ep:#x}", "operation": f"{op:#x}"}
        if entry:
            facts["entry"] = entry.name
        return Built(cmd, request, layout.SIZE, scope, facts, (in_buf, out_buf))

    def decode(self, built: Built, reply: bytes) -> dict[str, Any]:
        if len(reply) < layout.SIZE:
            return {"problems": [f"reply is {len(reply)} bytes, not the {layout.SIZE}-byte "
                                 "struct fwctl_rpc_pds"]}
        want = layout.get(reply, "out.len")
        out_buf = built.pinned[1] if len(built.pinned) > 1 else None
        response = out_buf.raw[:want] if out_buf is not None else b""
        retval = layout.get(reply, "out.retval")
        return {"endpoint": layout.get(reply, "in.ep"), "operation": layout.get(reply, "in.op"),
                "retval": retval,
                "retval_note": "0: success; other values are the firmware's own codes",
                "response_len": want, "response": response.hex(), "problems": []}

    def explain(self, built: Built, err: int) -> str:
        name = _errno.errorcode.get(err, f"errno {err}")
        if err == _errno.EPERM:
            return (f"{name}: the operation needs a higher scope than "
                    f"{built.scope.name} (its firmware attribute decides; pds answers EPERM, "
                    "not EBADMSG); or DEBUG_WRITE_FULL without CAP_SYS_RAWIO")
        if err == _errno.EINVAL:
            return (f"{name}: the pds driver refused it: endpoint {built.facts['endpoint']} or "
                    f"operation {built.facts['operation']} is not one the firmware has, or "
                    "the payload or response length is above the firmware's maximum")
        why = explain(err)
        return f"{why.name}: {why.meaning} {why.action}".strip()

    def prepare_record(self, built: Built, exchange: Exchange) -> None:
        """Keep the payloads the struct points at (replay and diff need them) and zero the
        pointers, which are only this process's addresses."""
        in_buf, out_buf = built.pinned
        in_len = layout.get(built.request, "in.len")
        out_len = layout.get(built.request, "out.len")
        exchange.meta["driver"] = self.type_name
        exchange.meta["pds"] = {"in_payload": in_buf.raw[:in_len].hex(),
                                "out_payload": "" if exchange.errno
                                else out_buf.raw[:out_len].hex()}
        exchange.request = without_pointers(exchange.request)
        if exchange.reply is not None:
            exchange.reply = without_pointers(exchange.reply)

    def info(self, fields: Mapping[str, int]) -> dict[str, Any]:
        caps = fields.get("uctx_caps", 0)
        return {**fields, "uctx_cap_names": uctx_cap_names("pds", caps),
                "note": "pds reports no info data in the kernel source read (length 0)"}


def layout_max(name: str) -> int:
    return (1 << 8 * layout.FIELDS[name][1]) - 1


def without_pointers(struct: bytes) -> bytes:
    """The struct with in.payload and out.payload zeroed (as recorded in captures)."""
    if len(struct) < layout.SIZE:
        return struct
    out = bytearray(struct)
    layout.put(out, "in.payload", 0)
    layout.put(out, "out.payload", 0)
    return bytes(out)
