"""Where identifiers live in decoded payloads: by field name, and inside module EEPROM bytes.

Redaction (redact.py) asks this module for the identifier groups of one payload: whole
MACs, GUIDs, GIDs and text identifiers (serial numbers, PSID, VUID, board ids), each with
the fields that hold its bits. Split halves (`mac_47_32` + `mac_31_0`) and arrays of bytes
or dwords (`psid[0..15]`, `vendor_sn[0..3]`, `vuid[0].array1024_auto[..]`) become one
group; an MCIA read's EEPROM bytes carry the module serial at an offset the module's
standard (SFF-8472, SFF-8636, CMIS) fixes, so that area becomes a group too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from fwctl_tui.capture_analysis.decoding import Field

TEXT_CLASSES = frozenset({"serial", "psid", "board_id", "host", "vuid"})
MIN_BITS = {"mac": 48, "guid": 64, "gid": 128}  # narrower fields with these names are flags

_SPLIT_SUFFIX = r"(?:_(?:47_32|63_32|47_16|31_0|15_0|h|l|hi|lo|high|low))?"
_MAC = re.compile(rf"(^|_)[sd]?mac(_?addr(ess)?)?{_SPLIT_SUFFIX}$")
_GUID = re.compile(rf"guid{_SPLIT_SUFFIX}$")
_GID = re.compile(r"(^|_)[rsd]?gid(_rip)?$|(^|_)source_l3_address$")
_SERIAL = re.compile(r"serial|(^|_)sn$")
# Split wide fields: the high and low parts of one identifier, by suffix.
_SPLIT = re.compile(r"^(?P<base>.*?)_?(?P<part>47_32|63_32|47_16|31_0|15_0|h|l|high|low|hi|lo)$")
_HIGH_PARTS = frozenset({"47_32", "63_32", "47_16", "h", "high", "hi"})
_ELEMENT = re.compile(r"^(?P<base>.+)\[(?P<index>\d+)\]$")
_AUTO_ARRAY = re.compile(r"^array\d+_auto$")  # an anonymous array: its parent names it


@lru_cache(maxsize=8192)
def classify(name: str) -> str | None:
    """Identifier class of a field or header key by its name, or None (cached: diff and
    redaction ask for every field of every record, from a few hundred distinct names)."""
    key = name.lower()
    if _GUID.search(key) or key in ("guid", "sys_guid"):
        return "guid"
    if _GID.search(key):
        return "gid"
    if _MAC.search(key) or "permanent_address" in key:
        return "mac"
    if key == "vuid" or (key.endswith("_vuid") and not key.startswith("query")):
        return "vuid"
    if _SERIAL.search(key):
        return "serial"
    if key.endswith("psid") and not key.startswith("match"):
        return "psid"
    if key in ("board_id", "vsd"):
        return "board_id"
    if key in ("host", "hostname", "node_description"):
        return "host"
    return None


@dataclass
class Group:
    """The fields holding one identifier, in bit order (high part or first element first)."""

    cls: str
    parts: list[Field] = field(default_factory=list)

    @property
    def width(self) -> int:
        return sum(p.width_bits for p in self.parts)

    def value(self) -> int:
        total = 0
        for part in self.parts:
            total = (total << part.width_bits) | _as_int(part.value, part.width_bits)
        return total

    def data(self) -> bytes:
        """The identifier's bytes (the width is a whole number of bytes)."""
        return self.value().to_bytes(self.width // 8, "big")

    def write(self, buf: bytearray, value: int) -> None:
        remaining = self.width
        value &= (1 << remaining) - 1
        for part in self.parts:
            remaining -= part.width_bits
            set_bits(buf, part.bit_offset or 0, part.width_bits,
                     (value >> remaining) & ((1 << part.width_bits) - 1))

    def usable(self) -> bool:
        """Wide enough to be this kind of identifier, and byte-sized where bytes matter."""
        if self.cls in MIN_BITS:
            return self.width >= MIN_BITS[self.cls]
        return self.width >= 32 and self.width % 8 == 0  # text: at least four characters


def groups(fields: dict[str, Field]) -> list[Group]:
    """Identifier fields grouped into whole identifiers, by name."""
    found: dict[str, Group] = {}
    for path, fld in fields.items():
        if fld.bit_offset is None or not fld.width_bits:
            continue
        parent = path.rsplit(".", 1)[0] if "." in path else ""
        element = _ELEMENT.match(fld.name)
        if element:
            base = element.group("base")
            cls = classify(base)
            if cls is None and _AUTO_ARRAY.match(base):
                cls = classify(_ELEMENT.sub(r"\g<base>", parent.rsplit(".", 1)[-1]))
            if cls is None:
                continue
            if fld.width_bits >= MIN_BITS.get(cls, 1 << 30):
                found[path] = Group(cls, [fld])  # each element is a whole MAC/GUID/GID
            else:
                found.setdefault(f"{parent}.{base}[]", Group(cls)).parts.append(fld)
            continue
        split = _SPLIT.match(fld.name)
        base_name = split.group("base") if split and split.group("base") else fld.name
        cls = classify(fld.name) or classify(base_name)
        if cls is not None:
            key = f"{parent}.{base_name}" if split and split.group("base") else path
            found.setdefault(key, Group(cls)).parts.append(fld)
    out = []
    for group in found.values():
        group.parts.sort(key=lambda f: (0 if _part(f.name) in _HIGH_PARTS else 1,
                                        f.bit_offset or 0))
        if group.usable():
            out.append(group)
    return out


# -- module EEPROM (MCIA) ----------------------------------------------------------------
EEPROM_I2C = 0x50  # the module's main memory map (A0h)
SFF8472_IDS = frozenset({0x03})  # SFP/SFP+: serial in the lower memory
SFF8636_IDS = frozenset({0x0C, 0x0D, 0x11})  # QSFP, QSFP+, QSFP28
CMIS_IDS = frozenset({0x18, 0x19, 0x1B, 0x1E, 0x1F, 0x20})  # QSFP-DD, OSFP, DSFP, ...
# Vendor serial number areas (16 ASCII bytes, space padded) of page 0, per standard.
SERIAL_AREAS = {"sff8472": (68, 84), "sff8636": (196, 212), "cmis": (166, 182)}


@cache
def _mcia_id() -> int | None:
    from fwctl_tui.decoders import catalogue

    try:
        return catalogue.find_register("MCIA").id
    except LookupError:
        return None


def is_mcia(request_fields: dict[str, Field]) -> bool:
    """Whether a request reads or writes MCIA (module EEPROM), by its register_id."""
    register = request_fields.get("register_id")
    return register is not None and register.value == _mcia_id()


def eeprom_groups(fields: dict[str, Field], buf: bytes) -> list[Group]:
    """The module serial inside an MCIA payload's EEPROM bytes, as 8-bit groups (the
    caller checks the request is an MCIA one: a reply does not name its register).

    The window read is [device_address, +size) of page `page_number`; the identifier byte
    (0, or 128 on page 0) tells the standard. When the window does not include it, every
    standard's area is tried and kept only where it holds printable text.
    """
    get = {f.name: f for f in fields.values()}
    first = get.get("dword[0]")
    if first is None or first.bit_offset is None or first.bit_offset % 8:
        return []
    if _int(get.get("i2c_device_address")) != EEPROM_I2C:
        return []
    start, page = _int(get.get("device_address")), _int(get.get("page_number"))
    size = _int(get.get("size")) or len(buf) - first.bit_offset // 8
    base = first.bit_offset // 8
    window = bytes(buf[base : base + size])

    def at(offset: int) -> int | None:
        inside = start <= offset < start + len(window) and (offset < 128 or page == 0)
        return window[offset - start] if inside else None

    ident = at(128) if at(128) is not None else at(0)
    standards = (["sff8472"] if ident in SFF8472_IDS else ["sff8636"] if ident in SFF8636_IDS
                 else ["cmis"] if ident in CMIS_IDS else list(SERIAL_AREAS))
    out = []
    for standard in standards:
        low, high = SERIAL_AREAS[standard]
        offsets = [o for o in range(low, high) if at(o) is not None]
        text = bytes(at(o) or 0 for o in offsets)
        if not offsets or (ident is None and not _looks_like_text(text)):
            continue
        parts = [Field(f"eeprom[{o}]", f"eeprom[{o}]", at(o), (base + o - start) * 8, 8)
                 for o in offsets]
        out.append(Group("serial", parts))
    return out


def _looks_like_text(data: bytes) -> bool:
    text = data.rstrip(b"\0 ")
    return len(text) >= 4 and all(0x20 <= b < 0x7F for b in text)


def _int(fld: Field | None) -> int:
    return fld.value if fld is not None and isinstance(fld.value, int) else 0


def _part(name: str) -> str:
    match = _SPLIT.match(name)
    return match.group("part") if match else ""


def _as_int(value: object, width: int) -> int:
    if isinstance(value, int):
        return value & ((1 << width) - 1)
    if isinstance(value, bytes | bytearray):
        return int.from_bytes(value, "big") & ((1 << width) - 1)
    if isinstance(value, str):
        try:
            return int(value.replace(":", "").removeprefix("0x") or "0", 16)
        except ValueError:
            return 0
    return 0


def set_bits(buf: bytearray, offset: int, width: int, value: int) -> None:
    """Write `value` into bits offset..offset+width-1 (bit 0 = MSB of byte 0)."""
    first, last = offset // 8, (offset + width - 1) // 8
    if last >= len(buf):
        return  # a field beyond a short buffer: nothing there to redact
    span = (last - first + 1) * 8
    shift = span - (offset % 8) - width
    current = int.from_bytes(buf[first : last + 1], "big")
    mask = ((1 << width) - 1) << shift
    current = (current & ~mask) | ((value << shift) & mask)
    buf[first : last + 1] = current.to_bytes(last - first + 1, "big")
