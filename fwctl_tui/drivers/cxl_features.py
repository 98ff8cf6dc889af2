"""CXL Features by name: the reference's feature UUIDs, and payload decoders for the
features whose data layout the CXL specification defines (the Set Feature scope rule is
kernel_rules.cxl's).

Names and kernel exclusivity come from cxl_pds.json `known_features`. The two payload
layouts are the CXL 3.1 specification's (Patrol Scrub Control: readable attributes,
Table 8-222; DDR5 ECS Control: Table 8-225), which the kernel's CXL EDAC code also uses;
any other feature's data stays raw hex.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from fwctl_tui.sim.cxl import layout


@dataclass(frozen=True)
class KnownFeature:
    name: str
    uuid: bytes  # wire order (UUID_INIT: first three groups little-endian)
    kernel_exclusive: bool
    aliases: tuple[str, ...]


def _aliases(name: str) -> tuple[str, ...]:
    """'DDR5 Error Check Scrub (ECS)' -> ddr5_error_check_scrub_ecs, ecs."""
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    short = [re.sub(r"[^a-z0-9]+", "", m.lower()) for m in re.findall(r"\(([^)]*)\)", name)]
    return (slug, *[s for s in short if s and " " not in s])


KNOWN: tuple[KnownFeature, ...] = tuple(
    KnownFeature(f["name"], uuid.UUID(f["uuid"]).bytes_le, bool(f["kernel_exclusive"]),
                 _aliases(f["name"]))
    for f in layout.cxl_facts()["known_features"]
)
_BY_UUID = {f.uuid: f for f in KNOWN}


def uuid_text(raw: bytes) -> str:
    return str(uuid.UUID(bytes_le=bytes(raw[:16]).ljust(16, b"\0")))


def known(raw: bytes) -> KnownFeature | None:
    return _BY_UUID.get(bytes(raw))


def parse_feature(text: str) -> bytes:
    """A feature named by UUID, by a name of the reference, or by a unique part of one."""
    try:
        return uuid.UUID(text.strip()).bytes_le
    except ValueError:
        pass
    key = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    exact = [f for f in KNOWN if key in f.aliases]
    hits = exact or [f for f in KNOWN if any(key and key in a for a in f.aliases)]
    if len(hits) == 1:
        return hits[0].uuid
    names = ", ".join(f.aliases[-1] for f in (hits or KNOWN))
    what = "matches several features" if hits else "is neither a UUID nor a known feature"
    raise ValueError(f"feature {text!r} {what}; use a UUID or one of: {names}")


def bit_names(value: int, table: dict[str, int]) -> list[str]:
    """Names of the set bits; unknown set bits as hex."""
    names = [name for name, bit in table.items() if value & bit]
    rest = value & ~sum(table.values())
    return names + ([f"{rest:#x}"] if rest else [])


def _patrol_scrub(data: bytes) -> dict[str, Any]:
    if len(data) < 4:
        raise ValueError(f"patrol scrub attributes are 4 bytes, got {len(data)}")
    cycle = int.from_bytes(data[1:3], "little")
    return {
        "scrub_cycle_changeable": bool(data[0] & 1),
        "scrub_cycle_realtime_report": bool(data[0] & 2),
        "current_scrub_cycle_hours": cycle & 0xFF,
        "min_scrub_cycle_hours": cycle >> 8,
        "background_scrub_enabled": bool(data[3] & 1),
    }


_ECS_THRESHOLD = {3: 256, 4: 1024, 5: 4096}
_ECS_LOG_TYPE = {0: "per DRAM", 1: "per memory media FRU"}


def _ecs(data: bytes) -> dict[str, Any]:
    if len(data) < 1 or (len(data) - 1) % 4:
        raise ValueError(f"ECS attributes are 1 + 4 bytes per media FRU, got {len(data)}")
    frus = []
    for base in range(1, len(data), 4):
        config = int.from_bytes(data[base + 1:base + 3], "little")
        frus.append({
            "ecs_realtime_report": bool(data[base] & 1),
            "threshold_count": _ECS_THRESHOLD.get(config & 7, f"reserved ({config & 7})"),
            "count_mode": "row count" if config & 8 else "codeword count",
            "flags": f"{data[base + 3]:#04x}",
        })
    return {"log_entry_type": _ECS_LOG_TYPE.get(data[0] & 3, f"reserved ({data[0] & 3})"),
            "media_frus": frus}


_DECODERS = {
    "Patrol Scrub Control": _patrol_scrub,
    "DDR5 Error Check Scrub (ECS)": _ecs,
}


def decode_data(feature: bytes, offset: int, data: bytes) -> dict[str, Any]:
    """Feature data read at `offset`: named fields where the layout is known and the
    read starts at 0, else raw hex with the reason."""
    out: dict[str, Any] = {"hex": data.hex()}
    entry = known(feature)
    decoder = _DECODERS.get(entry.name) if entry else None
    if decoder is None:
        out["note"] = "no published layout for this feature: raw data"
    elif offset:
        out["note"] = f"read from offset {offset}: fields are decoded from offset 0 only"
    else:
        try:
            out["fields"] = decoder(data)
        except ValueError as err:
            out["note"] = str(err)
    return out
