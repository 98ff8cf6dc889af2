"""The bnxt plug-in: FWCTL_INFO decoded and raw HWRM requests, nothing more.

The facts (fwctl_facts.json `bnxt`) give the framing: the request is a raw HWRM message
whose req_type is a little-endian u16 at offset 0, the reply is the HWRM response whose
error_code carries firmware errors (not an errno). They name no req_type values and no
HWRM layouts, so requests and replies stay hex: full HWRM decoding is not offered.
"""

from __future__ import annotations

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
from fwctl_tui.errors import explain
from fwctl_tui.exchange import Exchange
from fwctl_tui.uapi import DeviceType, Scope, parse_scope, uctx_cap_names

MAX_REQ = 128  # HWRM_MAX_REQ_LEN: the bnxt errno row of the facts ("> 128")
U16 = 2
NOTE = ("bnxt: raw HWRM only. The request is sent as given (req_type is its first "
        "little-endian u16); the reply is shown as hex with its first u16 as the firmware's "
        "error_code. Full HWRM decoding is not offered: the reference names no HWRM layouts.")
RAW = DriverCommand(
    "RAW", None, Scope.CONFIGURATION,
    "send a raw HWRM request (hex) and show the response",
    "the driver allows each HWRM req_type at a scope (EPERM below it); a request shorter "
    "than the HWRM header or above 128 bytes, or a reply buffer shorter than the response "
    "header, is EINVAL",
    (InputField("hex", "the whole HWRM request, hex (req_type first, little-endian)"),
     InputField("response_len", "bytes of response to ask for", "256"),
     InputField("scope", "the scope to send at", "CONFIGURATION")))
class BnxtPlugin:
    """Broadcom NetXtreme (FWCTL_DEVICE_TYPE_BNXT): listed, info decoded, raw RPC."""

    type_name = "bnxt"
    device_type = int(DeviceType.BNXT)
    simulator: str | None = None
    note = NOTE

    def commands(self) -> Sequence[DriverCommand]:
        return (RAW,)

    def command(self, name: str) -> DriverCommand:
        if name.strip().upper() in (RAW.name, "RPC"):
            return RAW
        raise DriverInputError(f"unknown bnxt command {name!r}: use RAW hex=HWRM_REQUEST",
                               "command")

    def build(self, name: str, values: Mapping[str, str],
              context: Mapping[str, Any] | None = None) -> Built:
        cmd = self.command(name)
        check_inputs(RAW, values, "bnxt RAW")
        try:
            request = bytes.fromhex(values.get("hex", ""))
        except ValueError:
            raise DriverInputError("hex= must be hex bytes", "hex") from None
        if len(request) < U16:
            raise DriverInputError("hex= needs at least the 2-byte req_type", "hex")
        out_len = parse_number(values.get("response_len", "256"))
        if out_len is None or not 0 <= out_len <= 0xFFFFFFFF:
            raise DriverInputError("response_len= must be a number 0..2^32-1", "response_len")
        try:
            scope = parse_scope(values.get("scope", "CONFIGURATION"))
        except (ValueError, KeyError):
            raise DriverInputError(f"scope={values.get('scope')!r} is not a scope",
                                   "scope") from None
        req_type = int.from_bytes(request[:U16], "little")
        return Built(cmd, request, out_len, scope,
                     {"rule": RAW.scope_rule, "req_type": f"{req_type:#06x} (not named: the "
                      "reference lists no HWRM request types)", "note": NOTE})

    def decode(self, built: Built, reply: bytes) -> dict[str, Any]:
        out: dict[str, Any] = {
            "req_type": int.from_bytes(built.request[:U16], "little"),
            "response": reply.hex(), "note": NOTE, "problems": []}
        if len(reply) >= U16:
            out["error_code"] = int.from_bytes(reply[:U16], "little")
        else:
            out["problems"].append("reply shorter than its 2-byte error_code")
        return out

    def explain(self, built: Built, err: int) -> str:
        name = _errno.errorcode.get(err, f"errno {err}")
        if err == _errno.EPERM:
            return f"{name}: this req_type is not allowed at {built.scope.name} (or ULP stopped)"
        if err == _errno.EINVAL:
            return (f"{name}: the request is shorter than the HWRM header or longer than "
                    f"{MAX_REQ} bytes, or the reply buffer is shorter than the response header")
        why = explain(err)
        return f"{why.name}: {why.meaning} {why.action}".strip()

    def prepare_record(self, built: Built, exchange: Exchange) -> None:
        exchange.meta["driver"] = self.type_name  # listings decode it with this plug-in

    def info(self, fields: Mapping[str, int]) -> dict[str, Any]:
        caps = fields.get("uctx_caps", 0)
        return {**fields, "uctx_cap_names": uctx_cap_names("bnxt", caps)}
