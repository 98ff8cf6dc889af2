"""The CXL Features plug-in: struct fwctl_rpc_cxl requests, fwctl_rpc_cxl_out replies.

Three commands (Get Supported Features, Get Feature, Set Feature); the kernel's rule for
each comes from cxl_pds.json `driver_rules`. Set Feature's scope depends on the feature's
effects, which only the device's supported-features list tells: build() takes that list
as `context["features"]` (decode() of a Get Supported Features reply gives it).
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
from fwctl_tui.drivers.cxl_features import (
    bit_names,
    decode_data,
    known,
    parse_feature,
    uuid_text,
)
from fwctl_tui.errors import explain
from fwctl_tui.exchange import Exchange
from fwctl_tui.kernel_rules.cxl import set_feature_scope
from fwctl_tui.sim.cxl import layout
from fwctl_tui.uapi import DeviceType, Scope

RETURN_CODES = tuple(layout.cxl_facts()["return_codes"])
SELECTIONS = {name.removesuffix("_VALUE").lower(): value
              for name, value in layout.cxl_facts()["get_feat_selection"].items()}
MAX_ENTRIES = 64  # Get Supported Features asks for this many entries by default

_GSF = DriverCommand(
    "GET_SUPPORTED_FEATURES", layout.GET_SUPPORTED_FEATURES, Scope.CONFIGURATION,
    "list the device's features: UUID, sizes, versions, Set Feature effects",
    "any scope (the device needs the Features capability, read-only or better)",
    (InputField("entries", "how many entries to ask for", str(MAX_ENTRIES)),
     InputField("start", "index of the first entry", "0")),
    aliases=("0x0500", "GSF"))
_GET = DriverCommand(
    "GET_FEATURE", layout.GET_FEATURE, Scope.CONFIGURATION,
    "read a feature's data (current, default or saved value)",
    "any scope; count 0 or a count larger than out_len - 8 is EINVAL",
    (InputField("feature", "UUID or name (patrol_scrub_control, ecs, ...)"),
     InputField("selection", "current | default | saved (or 0-2)", "current"),
     InputField("offset", "first byte to read", "0"),
     InputField("count", "bytes to read (default: the feature's get size)", "")),
    aliases=("0x0501",))
_SET = DriverCommand(
    "SET_FEATURE", layout.SET_FEATURE, Scope.DEBUG_WRITE,
    "write a feature's data; the scope needed follows from the feature's effects",
    "needs the RW Features capability; the feature must be known and changeable; an "
    "immediate-change effect needs DEBUG_WRITE_FULL, reset-only effects DEBUG_WRITE; "
    "reserved or BACKGROUND effects are refused; all these refusals are EINVAL; a "
    "feature the kernel keeps for itself is EPERM",
    (InputField("feature", "UUID or name"),
     InputField("data", "the feature data, hex"),
     InputField("offset", "byte offset of the data", "0"),
     InputField("transfer", "full | initiate | continue | finish | abort", "full"),
     InputField("save", "1: keep across reset (DATA_SAVED_ACROSS_RESET)", "0"),
     InputField("version", "set feature version (default: the entry's)", "")),
    is_write=True, aliases=("0x0502",))
COMMANDS = (_GSF, _GET, _SET)


def return_code_name(value: int) -> str:
    return RETURN_CODES[value] if 0 <= value < len(RETURN_CODES) else f"unknown ({value})"


def _number(values: Mapping[str, str], name: str, default: int, bits: int) -> int:
    text = values.get(name, "")
    if text == "":
        return default
    value = parse_number(text)
    if value is None:
        raise DriverInputError(f"{name}={text!r} is not a number", name)
    if not 0 <= value < 1 << bits:
        raise DriverInputError(f"{name}={value} does not fit {bits} bits", name)
    return value


def _feature(values: Mapping[str, str]) -> bytes:
    text = values.get("feature", "")
    if not text:
        raise DriverInputError("feature=UUID or name is required", "feature")
    try:
        return parse_feature(text)
    except ValueError as err:
        raise DriverInputError(str(err), "feature") from None


def _entry(context: Mapping[str, Any] | None, feature: bytes) -> dict[str, Any] | None:
    text = uuid_text(feature)
    return next((e for e in (context or {}).get("features", []) if e["uuid"] == text), None)


class CxlPlugin:
    """CXL memory devices (FWCTL_DEVICE_TYPE_CXL): the Features mailbox commands."""

    type_name = "cxl"
    device_type = int(DeviceType.CXL)
    simulator: str | None = "cxl-mem"
    note = "CXL has no FWCTL_INFO data: the kernel zero-fills it and reports length 0"

    def commands(self) -> Sequence[DriverCommand]:
        return COMMANDS

    def command(self, name: str) -> DriverCommand:
        key = name.strip().upper()
        for cmd in COMMANDS:
            if key == cmd.name or key in (a.upper() for a in cmd.aliases):
                return cmd
        raise DriverInputError(f"unknown cxl command {name!r}; choose one of "
                               f"{', '.join(c.name for c in COMMANDS)}", "command")

    def build(self, name: str, values: Mapping[str, str],
              context: Mapping[str, Any] | None = None) -> Built:
        cmd = self.command(name)
        check_inputs(cmd, values)
        if cmd is _GSF:
            entries = _number(values, "entries", MAX_ENTRIES, 16)
            payload = layout.get_supported_features_in(
                entries * layout.ENTRY_SIZE, _number(values, "start", 0, 16))
            out_len = layout.RPC_OUT_SIZE + layout.GSF_OUT_SIZE + entries * layout.ENTRY_SIZE
            return Built(cmd, layout.rpc_request(cmd.opcode or 0, payload), out_len,
                         cmd.min_scope, {"rule": cmd.scope_rule})
        feature = _feature(values)
        entry = _entry(context, feature)
        if cmd is _GET:
            return self._get(cmd, values, feature, entry)
        return self._set(cmd, values, feature, entry)

    def _get(self, cmd: DriverCommand, values: Mapping[str, str], feature: bytes,
             entry: dict[str, Any] | None) -> Built:
        text = values.get("selection", "current").lower()
        selection = SELECTIONS.get(text)
        if selection is None:
            selection = _number(values, "selection", 0, 8)
        size = entry["get_feat_size"] if entry else 0
        count = _number(values, "count", size, 16)
        if count == 0:
            raise DriverInputError("count=BYTES is required (the feature's get size is "
                                   "unknown: run GET_SUPPORTED_FEATURES)", "count")
        offset = _number(values, "offset", 0, 16)
        payload = layout.get_feature_in(feature, count, offset, selection)
        return Built(cmd, layout.rpc_request(cmd.opcode or 0, payload),
                     layout.RPC_OUT_SIZE + count, cmd.min_scope,
                     {"rule": cmd.scope_rule, "feature": _feature_label(feature)})

    def _set(self, cmd: DriverCommand, values: Mapping[str, str], feature: bytes,
             entry: dict[str, Any] | None) -> Built:
        try:
            data = bytes.fromhex(values.get("data", ""))
        except ValueError:
            raise DriverInputError("data= must be hex bytes, e.g. data=0c01", "data") from None
        if not data:
            raise DriverInputError("data=HEX is required (the feature's new data)", "data")
        transfers = layout.DATA_TRANSFER
        transfer = transfers.get(values.get("transfer", "full").upper())
        if transfer is None:
            raise DriverInputError(f"transfer= is one of {', '.join(transfers).lower()}",
                                   "transfer")
        saved_bit = layout.cxl_facts()["set_feat_flags"]["DATA_SAVED_ACROSS_RESET"]
        flags = transfer | _number(values, "save", 0, 1) << saved_bit
        version = _number(values, "version", entry["set_feat_ver"] if entry else 1, 8)
        payload = layout.set_feature_in(feature, data, flags=flags, version=version,
                                        offset=_number(values, "offset", 0, 16))
        facts = {"rule": cmd.scope_rule, "feature": _feature_label(feature)}
        scope = cmd.min_scope
        if entry is not None:
            needed, why = set_feature_scope(entry["effects_value"])
            facts["effects"] = ", ".join(entry["effects"]) or "none"
            facts["scope_rule"] = why
            scope = needed if needed is not None else Scope.DEBUG_WRITE_FULL
            if entry["kernel_exclusive"]:
                facts["kernel_exclusive"] = "the kernel keeps this feature: EPERM"
        else:
            facts["scope_rule"] = "effects unknown (feature not listed): least write scope"
        return Built(cmd, layout.rpc_request(cmd.opcode or 0, payload),
                     layout.RPC_OUT_SIZE, scope, facts)

    def decode(self, built: Built, reply: bytes) -> dict[str, Any]:
        if len(reply) < layout.RPC_OUT_HEADER:
            return {"problems": [f"reply is {len(reply)} bytes, shorter than the "
                                 f"{layout.RPC_OUT_HEADER}-byte fwctl_rpc_cxl_out header"]}
        size = layout.get(reply, layout.RPC_OUT["size"])
        retval = layout.get(reply, layout.RPC_OUT["retval"])
        out: dict[str, Any] = {"size": size, "retval": retval,
                               "retval_name": return_code_name(retval), "problems": []}
        payload = reply[layout.RPC_OUT_HEADER:layout.RPC_OUT_HEADER + size]
        if len(payload) < size:
            out["problems"].append(f"size says {size} payload bytes, the reply holds "
                                   f"{len(payload)}")
        if retval:
            return out
        if built.command is _GSF:
            out.update(decode_supported(payload, out["problems"]))
        elif built.command is _GET:
            feature = built.request[layout.RPC_IN_HEADER:layout.RPC_IN_HEADER + 16]
            offset = layout.get(built.request, layout.GET_FEAT_IN["offset"],
                                layout.RPC_IN_HEADER)
            out["feature"] = uuid_text(feature)
            out["feature_name"] = _feature_name(feature)
            out["data"] = decode_data(feature, offset, payload)
        return out

    def explain(self, built: Built, err: int) -> str:
        name = _errno.errorcode.get(err, f"errno {err}")
        if err == _errno.EPERM and built.command is _SET:
            return (f"{name}: the cxl driver refuses Set Feature of a feature the kernel "
                    "keeps for itself (kernel-exclusive: scrub, repair, sparing); at "
                    "DEBUG_WRITE_FULL the core also answers EPERM without CAP_SYS_RAWIO")
        if err == _errno.EINVAL:
            rule = built.facts.get("scope_rule") or built.command.scope_rule
            return (f"{name}: the cxl driver refused this {built.command.name}: {rule} "
                    "(the driver answers every refusal of its rules with EINVAL)")
        why = explain(err)
        return f"{why.name}: {why.meaning} {why.action}".strip()

    def prepare_record(self, built: Built, exchange: Exchange) -> None:
        exchange.meta["driver"] = self.type_name  # listings decode it with this plug-in

    def info(self, fields: Mapping[str, int]) -> dict[str, Any]:
        return {"note": self.note}


def _feature_label(feature: bytes) -> str:
    """'Patrol Scrub Control (96dad7d6-...)', or the UUID alone when unnamed."""
    name = _feature_name(feature)
    return f"{name} ({uuid_text(feature)})" if name else uuid_text(feature)


def _feature_name(feature: bytes) -> str | None:
    entry = known(feature)
    return entry.name if entry else None


def decode_supported(payload: bytes, problems: list[str]) -> dict[str, Any]:
    """cxl_mbox_get_sup_feats_out, entry by entry."""
    if len(payload) < layout.GSF_OUT_SIZE:
        problems.append(f"Get Supported Features payload is {len(payload)} bytes, shorter "
                        f"than its {layout.GSF_OUT_SIZE}-byte header")
        return {}
    count = layout.get(payload, layout.GSF_OUT["num_entries"])
    features = []
    for index in range(count):
        base = layout.GSF_OUT_SIZE + index * layout.ENTRY_SIZE
        if base + layout.ENTRY_SIZE > len(payload):
            problems.append(f"entry {index} is cut short at byte {len(payload)}")
            break
        features.append(decode_entry(payload[base:base + layout.ENTRY_SIZE]))
    return {"num_entries": count,
            "supported_feats": layout.get(payload, layout.GSF_OUT["supported_feats"]),
            "features": features}


def decode_entry(raw: bytes) -> dict[str, Any]:
    """One cxl_feat_entry: UUID and name, sizes, versions, flags and effects by name, and
    what Set Feature would need."""
    field = {name: layout.get(raw, where) for name, where in layout.ENTRY.items()
             if name not in ("uuid", "reserved")}
    feature = raw[:16]
    entry = known(feature)
    effects = field["effects"]
    needed, why = set_feature_scope(effects)
    changeable = bool(field["flags"] & layout.FEATURE_FLAGS["CHANGEABLE"])
    return {
        "uuid": uuid_text(feature), "name": entry.name if entry else None,
        "id": field["id"], "get_feat_size": field["get_feat_size"],
        "set_feat_size": field["set_feat_size"],
        "flags": bit_names(field["flags"], layout.FEATURE_FLAGS),
        "get_feat_ver": field["get_feat_ver"], "set_feat_ver": field["set_feat_ver"],
        "effects_value": effects, "effects": bit_names(effects, layout.EFFECTS),
        "kernel_exclusive": bool(entry and entry.kernel_exclusive),
        "set_feature_scope": (needed.name if needed and changeable else None),
        "set_feature_rule": why if changeable else "not changeable through fwctl",
    }
