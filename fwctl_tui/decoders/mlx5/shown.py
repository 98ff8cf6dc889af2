"""One raw field value in engineer units, by the facts in generated/units.json.

`show_int` turns a number into what a person reads (`60.125 °C`, `3.30 V`,
`400GAUI-4/400GBASE-CR4 (400 Gb/s, 4 lanes)`, `RS-544/514`, BCD `2024`), `show_text`
a character array into text (untrusted device bytes: escaped with textsafe.printable).
`unit_text` says, for describe and F1, what unit a field is in or why it stays raw.
`temperature_text` is the one way a temperature reads anywhere (reply views, dashboard,
`link`, findings): at the sensor's own step, so one reading reads the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fwctl_tui.decoders.mlx5 import link_names
from fwctl_tui.decoders.mlx5.units import field_unit, scale_of
from fwctl_tui.textsafe import printable

MAX_DECIMALS = 4


@dataclass(frozen=True)
class Shown:
    """What a value means: `text` to read, `value` in `unit`, protocol `names`, or why it
    stays raw (`note`). Empty (all None) when nothing is known beyond the number."""

    text: str | None = None
    value: float | int | str | None = None
    unit: str | None = None
    names: tuple[str, ...] = ()
    note: str | None = None


NOTHING = Shown()


def _decimals(scale: float) -> int:
    """Digits after the point that show one step of `scale` (0.125 -> 3, 1/256 -> 4)."""
    for digits in range(MAX_DECIMALS + 1):
        if abs(round(scale, digits) - scale) < 1e-12:
            return digits
    return MAX_DECIMALS


def scaled_text(value: float, scale: float) -> str:
    """`value` to the resolution of one `scale` step, trailing zeros dropped but one
    decimal kept: 0.125 steps read `59.625`, `56.5`, `57.0` (never rounded to 59.6)."""
    digits = _decimals(scale)
    shown = f"{round(value, digits):.{digits}f}"
    if digits > 1:  # 56.500 -> 56.5: the steps are fine, the digits need not be
        shown = shown.rstrip("0")
        shown += "0" if shown.endswith(".") else ""
    return shown


def temperature_number(celsius: float, register: str = "MTMP") -> str:
    """A temperature in degC (from link_names.temperature_c) as its number at the step of
    `register`'s sensor (MTMP 0.125 degC, PDDR's module page 1/256 degC)."""
    layout, name = link_names.TEMPERATURE_SOURCES[register]
    scale, _unit, _signed = scale_of(layout, name)
    return scaled_text(celsius, scale)


def temperature_text(celsius: float, register: str = "MTMP") -> str:
    """`temperature_number` with its unit: `59.625 °C`, as the reply view shows MTMP."""
    layout, name = link_names.TEMPERATURE_SOURCES[register]
    _scale, unit, _signed = scale_of(layout, name)
    return f"{temperature_number(celsius, register)} {unit}"


def bcd(raw: int) -> int | None:
    """Packed BCD digits -> their decimal number; None when a nibble is not a digit."""
    digits = f"{raw:x}"
    return int(digits) if digits.isdigit() else None


def show_int(spec: dict[str, Any] | None, raw: int, width: int) -> Shown:
    """A field's raw integer by its unit facts (None: nothing to add)."""
    if spec is None:
        return NOTHING
    kind = spec["kind"]
    if kind == "scaled":
        number = raw - (1 << width) if spec["signed"] and raw >> (width - 1) & 1 else raw
        scale = float(spec["scale"])
        value = round(number * scale, _decimals(scale))
        shown = scaled_text(value, scale)
        return Shown(text=f"{shown} {spec['unit']}", value=value, unit=str(spec["unit"]))
    if kind == "bcd":
        decimal = bcd(raw)
        if decimal is None:
            return Shown(note=f"{raw:#x} is not packed BCD")
        return Shown(text=str(decimal), value=decimal)
    if kind == "link_modes":
        return _link(raw, bool(spec["extended"]))
    if kind == "fec":
        name = link_names.fec_name(raw)
        return Shown(text=name, value=name)
    if kind == "lanes":
        return Shown(text=f"{raw} lane{'s' if raw != 1 else ''}", value=raw, unit="lanes")
    if kind == "raw":
        return Shown(note=f"raw: {spec['why']}")
    return NOTHING


def _link(mask: int, extended: bool) -> Shown:
    names = tuple(link_names.speed_names(mask, extended=extended))
    if not names:
        return Shown(text="none", names=())
    text = ", ".join(names)
    gbps = link_names.speed_gbps(mask, extended=extended)
    lanes = link_names.speed_lanes(mask, extended=extended)
    if gbps is not None:
        extra = f"{gbps} Gb/s" + (f", {lanes} lane{'s' if lanes != 1 else ''}" if lanes else "")
        return Shown(text=f"{text} ({extra})", value=gbps, unit="Gb/s", names=names)
    return Shown(text=text, names=names)


def show_text(data: bytes) -> Shown:
    """A character array: NUL-terminated or space-padded ASCII, escaped for display."""
    body = data.split(b"\0", 1)[0] if data[:1] != b"\0" else data.strip(b"\0")
    text = printable(body.decode("ascii", "backslashreplace").rstrip(" "))
    return Shown(text=text, value=text)


def unit_text(spec: dict[str, Any] | None) -> str:
    """describe / F1: the unit and scale the PRM states, or that the value is raw."""
    if spec is None:
        return ""
    kind = spec["kind"]
    if kind == "scaled":
        signed = ", signed" if spec["signed"] else ""
        return f"{spec['unit']} ({_scale_text(float(spec['scale']))} per count{signed})"
    return {
        "bcd": "packed BCD digits",
        "text": "text (ASCII characters)",
        "link_modes": "protocol bitmask (PTYS names)",
        "fec": "FEC mode (RS code name)",
        "lanes": "lanes",
        "raw": f"raw: {spec.get('why', 'no scale in the PRM')}",
    }.get(kind, "")


def field_unit_text(layout: str | None, name: str) -> str | None:
    """describe / F1 for field `name` of `layout`: its unit, that it is half of a 64-bit
    counter, or None when the PRM states no unit (the value is shown raw)."""
    spec = field_unit(layout or "", name)
    if spec is not None:
        return unit_text(spec)
    for half, which in (("_high", "high"), ("_low", "low")):
        if name.endswith(half):
            return f"{which} 32 bits of the 64-bit value {name[: -len(half)]} (shown joined)"
    return None


def _scale_text(scale: float) -> str:
    if scale < 1 and abs(1 / scale - round(1 / scale)) < 1e-9 and round(1 / scale) > 10:
        return f"1/{round(1 / scale)}"
    return f"{scale:g}"
