"""A CXL memory device's Features mailbox, configured like the kernel's cxl_test mock.

The firmware side only: it lists its features, reads and writes their data, and answers
with a CXL mailbox return code (cxl_pds.json `return_codes`). What user space may ask
for, at which scope, is the driver's business (driver.py). A profile (cxl_test.json)
names the features; their flags and effects are bit names from the facts.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from importlib import resources
from typing import Any

from fwctl_tui.sim.cxl import layout

RC = layout.RETURN_CODES
KERNEL_EXCLUSIVE: frozenset[bytes] = frozenset(
    uuid.UUID(f["uuid"]).bytes_le
    for f in layout.cxl_facts()["known_features"] if f["kernel_exclusive"]
)
"""Features the kernel keeps to itself (EDAC scrub, repair, sparing): hidden from fwctl."""


@dataclass
class Feature:
    """One entry of Get Supported Features plus the data behind it."""

    uuid: bytes
    id: int
    get_size: int
    set_size: int
    flags: int
    get_version: int
    set_version: int
    effects: int
    value: bytearray
    default: bytearray | None = None  # DEFAULT_SEL / SAVED_SEL data (profiles that model them)
    saved: bytearray | None = None

    @property
    def changeable(self) -> bool:
        return bool(self.flags & layout.FEATURE_FLAGS["CHANGEABLE"])

    @property
    def kernel_exclusive(self) -> bool:
        return self.uuid in KERNEL_EXCLUSIVE

    def entry(self) -> bytes:
        """The 48-byte cxl_feat_entry as the device reports it."""
        buf = bytearray(layout.ENTRY_SIZE)
        for name, value in (("uuid", self.uuid), ("id", self.id),
                            ("get_feat_size", self.get_size), ("set_feat_size", self.set_size),
                            ("flags", self.flags), ("get_feat_ver", self.get_version),
                            ("set_feat_ver", self.set_version), ("effects", self.effects)):
            layout.put(buf, layout.ENTRY[name], value)
        return bytes(buf)


def _bits(names: list[str], table: dict[str, int]) -> int:
    return sum(table[name] for name in names)


def load_features(profile: str = "cxl_test") -> tuple[str, list[Feature], bool, bool]:
    """(Features capability, features, whether selections are modelled, whether reads at
    an offset land at that offset of the reply, as in cxl_test) of a profile."""
    text = resources.files("fwctl_tui.sim.cxl").joinpath(f"{profile}.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    features = [
        Feature(uuid=uuid.UUID(f["uuid"]).bytes_le, id=f["id"], get_size=f["get_feat_size"],
                set_size=f["set_feat_size"], flags=_bits(f["flags"], layout.FEATURE_FLAGS),
                get_version=f["get_feat_ver"], set_version=f["set_feat_ver"],
                effects=_bits(f["effects"], layout.EFFECTS),
                value=bytearray.fromhex(f["value"]),
                default=bytearray.fromhex(f.get("default", f["value"])),
                saved=bytearray.fromhex(f.get("saved", f["value"])))
        for f in data["features"]
    ]
    return data["capability"], features, bool(data.get("models_selection")), bool(
        data.get("offset_quirk"))


class CxlMockMemdev:
    """The mailbox of one mock memdev: feature list, Get Feature, Set Feature."""

    def __init__(self, profile: str = "cxl_test") -> None:
        (self.capability, self.features, self.models_selection,
         self.offset_quirk) = load_features(profile)

    def feature(self, feature_uuid: bytes) -> Feature | None:
        return next((f for f in self.features if f.uuid == feature_uuid), None)

    def get_feature(self, feature_uuid: bytes, offset: int, count: int,
                    selection: int = 0) -> tuple[int, bytes]:
        """(return code, data): the mock reads inside the feature's data or refuses INPUT.
        Profiles that model selections answer default/saved values (FEATURESELVALUE when
        the feature's flags do not offer that selection); cxl_test ignores it."""
        feature = self.feature(feature_uuid)
        if feature is None:
            return RC["UNSUPPORTED"], b""
        source: bytearray | None = feature.value
        if self.models_selection and selection:
            flag = {1: "DEFAULT_SEL", 2: "SAVED_SEL"}.get(selection)
            if flag is None or not feature.flags & layout.FEATURE_FLAGS[flag]:
                return RC["FEATURESELVALUE"], b""
            source = feature.default if selection == 1 else feature.saved
        data = source if source is not None else feature.value
        if offset > len(data) or offset + count > len(data):
            return RC["INPUT"], b""
        if self.offset_quirk:  # cxl_test writes at reply+offset; the driver returns reply[:count]
            reply = bytes(offset) + bytes(data[offset:offset + count])
            return RC["SUCCESS"], reply[:count]
        return RC["SUCCESS"], bytes(data[offset:offset + count])

    def set_feature(self, feature_uuid: bytes, flags: int, offset: int, data: bytes,
                    version: int | None = None) -> int:
        """Return code: only a full data transfer at offset 0 is supported, as in cxl_test.
        Profiles that model selections also check the version and keep a saved copy."""
        feature = self.feature(feature_uuid)
        if feature is None:
            return RC["UNSUPPORTED"]
        if self.models_selection and version is not None and version != feature.set_version:
            return RC["FEATUREVERSION"]
        if flags & layout.DATA_TRANSFER_MASK != layout.DATA_TRANSFER["FULL"] or offset:
            return RC["INPUT"]
        size = len(feature.value)
        feature.value[:] = data[:size] + bytes(max(0, size - len(data)))
        saved = layout.cxl_facts()["set_feat_flags"]["DATA_SAVED_ACROSS_RESET"]
        if self.models_selection and flags >> saved & 1 and feature.saved is not None:
            feature.saved[:] = feature.value
        return RC["SUCCESS"]

    def state(self) -> dict[str, Any]:
        """What Set Feature changed (current and saved data), for a persisted host."""
        return {f.uuid.hex(): {"value": f.value.hex(),
                               "saved": f.saved.hex() if f.saved is not None else None}
                for f in self.features}

    def restore(self, doc: dict[str, Any]) -> None:
        for feature in self.features:
            saved = doc.get(feature.uuid.hex())
            if saved is None:
                continue
            feature.value[:] = bytes.fromhex(saved["value"])
            if saved["saved"] is not None and feature.saved is not None:
                feature.saved[:] = bytes.fromhex(saved["saved"])
