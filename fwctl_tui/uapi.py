"""fwctl uAPI as Python: ioctl numbers, ctypes structs, scopes, device types, limits.

Built from the packaged facts (see facts.py) so a kernel-fact change is one regenerate
away; tests/unit/test_uapi.py checks every number and offset against the reference.
"""

from __future__ import annotations

import ctypes
import enum
from typing import Any

from fwctl_tui.facts import facts, struct_fields

_F = facts()

FWCTL_INFO: int = _F["ioctl"]["FWCTL_INFO"]
FWCTL_RPC: int = _F["ioctl"]["FWCTL_RPC"]
FWCTL_TYPE: int = _F["ioctl_meta"]["FWCTL_TYPE"]

MAX_RPC_LEN: int = _F["limits"]["MAX_RPC_LEN"]
MAX_DEVICES: int = _F["limits"]["FWCTL_MAX_DEVICES"]
MLX5_MIN_IN_LEN: int = _F["limits"]["mlx5_min_in_len"]
MLX5_MIN_OUT_LEN: int = _F["limits"]["mlx5_min_out_len"]

TAINT_FWCTL_BIT: int = _F["taint"]["bit"]
TAINT_FWCTL_MASK: int = _F["taint"]["mask"]
TAINT_FWCTL_LETTER: str = _F["taint"]["letter"]

_CTYPE = {
    "__u32": ctypes.c_uint32,
    "__aligned_u64": ctypes.c_uint64,
    "__u64": ctypes.c_uint64,
}


_SCOPES, _TYPES = _F["scopes"], _F["device_types"]


class Scope(enum.IntEnum):
    """enum fwctl_rpc_scope, ordered: a higher scope satisfies any lower requirement."""

    CONFIGURATION = _SCOPES["FWCTL_RPC_CONFIGURATION"]
    DEBUG_READ_ONLY = _SCOPES["FWCTL_RPC_DEBUG_READ_ONLY"]
    DEBUG_WRITE = _SCOPES["FWCTL_RPC_DEBUG_WRITE"]
    DEBUG_WRITE_FULL = _SCOPES["FWCTL_RPC_DEBUG_WRITE_FULL"]


class DeviceType(enum.IntEnum):
    """enum fwctl_device_type, as FWCTL_INFO reports it."""

    ERROR = _TYPES["FWCTL_DEVICE_TYPE_ERROR"]
    MLX5 = _TYPES["FWCTL_DEVICE_TYPE_MLX5"]
    CXL = _TYPES["FWCTL_DEVICE_TYPE_CXL"]
    BNXT = _TYPES["FWCTL_DEVICE_TYPE_BNXT"]
    PDS = _TYPES["FWCTL_DEVICE_TYPE_PDS"]


TAINTING_SCOPES: frozenset[Scope] = frozenset(
    Scope[name.removeprefix("FWCTL_RPC_")] for name in _F["scope_rules"]["taints"]
)
CAP_SYS_RAWIO_SCOPES: frozenset[Scope] = frozenset(
    Scope[name.removeprefix("FWCTL_RPC_")] for name in _F["scope_rules"]["requires_CAP_SYS_RAWIO"]
)


def parse_scope(text: str | int) -> Scope:
    """Accept a scope as its number, its full or short name, case-insensitively."""
    key = str(text).upper().removeprefix("FWCTL_RPC_").replace("-", "_")
    try:
        if isinstance(text, int) or key.isdigit():
            return Scope(int(key))
        return Scope[key]
    except (KeyError, ValueError):
        names = ", ".join(s.name for s in Scope)
        last = max(Scope)
        raise ValueError(
            f"unknown scope {text!r}; expected one of {names} or 0..{int(last)}"
        ) from None


def device_type_name(value: int) -> str:
    """Short lower-case driver name for a device type value (`mlx5`, `cxl`, ... or `unknown`)."""
    try:
        member = DeviceType(value)
    except ValueError:
        return "unknown"
    return "unknown" if member.name == "ERROR" else member.name.lower()


def _struct(name: str) -> type[ctypes.Structure]:
    """A ctypes Structure whose fields, order and size come from the facts."""
    fields: list[tuple[str, Any]] = [
        (f["name"], _CTYPE[f["type"]]) for f in struct_fields(name)
    ]
    cls = type(name, (ctypes.Structure,), {"_fields_": fields})
    return cls


FwctlInfo = _struct("fwctl_info")
FwctlRpc = _struct("fwctl_rpc")
FwctlInfoMlx5 = _struct("fwctl_info_mlx5")

INFO_STRUCTS: dict[int, type[ctypes.Structure]] = {
    int(value): _struct(name)
    for value, name in _F["device_info_struct"].items()
    if name is not None
}

MLX5_UCTX_CAPS: dict[str, int] = dict(_F["mlx5"]["uctx_caps_bits"])

# Each driver's uctx_caps word, bit name -> mask (mlx5's facts give masks, pds's and
# bnxt's give bit numbers of their capability enums).
UCTX_CAPS: dict[str, dict[str, int]] = {
    "mlx5": MLX5_UCTX_CAPS,
    "pds": {name.removeprefix("PDS_FWCTL_"): 1 << bit
            for name, bit in _F["pds"]["caps_enum"].items()},
    "bnxt": {name: 1 << bit for name, bit in _F["bnxt"]["commands_enum"].items()},
}


def uctx_cap_names(type_name: str, caps: int) -> list[str]:
    """Names of the bits set in a driver's uctx_caps word (unknown bits as hex)."""
    known = UCTX_CAPS.get(type_name, {})
    names = [name for name, bit in known.items() if caps & bit]
    rest = caps & ~sum(known.values())
    if rest:
        names.append(f"0x{rest:x}")
    return names
