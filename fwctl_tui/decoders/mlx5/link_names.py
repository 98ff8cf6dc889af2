"""Link speeds, FEC modes and temperatures by the names an engineer uses.

Every table comes from the PRM prose (tools/gen_units.py -> generated/units.json):

- PTYS protocol masks: `eth_proto_*` (legacy) and `ext_eth_proto_*` (extended) bits, each
  named as the PRM lists it (`400GAUI-4/400GBASE-CR4`), with its data rate and lane count.
- FEC: the mode number PDDR's operation-info page reports in `fec_mode_active` (the PRM
  lists it as a value, 0..18); `fec_name(7)` is `RS-544/514`. PPLM's `fec_mode_active` is
  documented as a *bitmask* of the same numbers: use `fec_names_from_mask` for it.
- Temperatures: MTMP fields are in 0.125 degC and PDDR's module temperature in 1/256 degC,
  both two's complement; the scales are read from those registers' own field prose.
"""

from __future__ import annotations

from fwctl_tui.decoders.mlx5.units import document, scale_of

# register -> (layout, field) whose PRM prose states its temperature scale
TEMPERATURE_SOURCES = {
    "MTMP": ("mtmp_ext", "temperature"),
    "PDDR": ("pddr_module_info_ext", "temperature"),
}


def _modes(extended: bool) -> dict[str, dict[str, object]]:
    table: dict[str, dict[str, object]] = document()["link_modes"]["ext_eth" if extended
                                                                    else "eth"]
    return table


def _set_bits(mask: int) -> list[int]:
    return [bit for bit in range(mask.bit_length()) if mask >> bit & 1]


def speed_names(mask: int, *, extended: bool) -> list[str]:
    """Protocol names of the set bits of a PTYS (ext_)eth_proto_* mask, lowest bit first;
    a bit the PRM leaves reserved shows as `bit N (reserved)`."""
    modes = _modes(extended)
    return [str(modes[str(bit)]["name"]) if str(bit) in modes else f"bit {bit} (reserved)"
            for bit in _set_bits(mask)]


def speed_mbps(mask: int, *, extended: bool) -> int | None:
    """The data rate in Mb/s when exactly one known protocol is set, else None."""
    bits = _set_bits(mask)
    if len(bits) != 1:
        return None
    mode = _modes(extended).get(str(bits[0]))
    rate = None if mode is None else mode.get("mbps")
    return rate if isinstance(rate, int) else None


def speed_gbps(mask: int, *, extended: bool) -> int | None:
    """The data rate in whole Gb/s when exactly one protocol is set (None for several,
    none, a reserved bit, or a sub-gigabit mode such as SGMII_100M)."""
    mbps = speed_mbps(mask, extended=extended)
    if mbps is None or mbps % 1000:
        return None
    return mbps // 1000


def speed_lanes(mask: int, *, extended: bool) -> int | None:
    """Lanes of the one protocol set, from its PRM name (`400GAUI-4` -> 4), else None."""
    bits = _set_bits(mask)
    if len(bits) != 1:
        return None
    mode = _modes(extended).get(str(bits[0]))
    lanes = None if mode is None else mode.get("lanes")
    return lanes if isinstance(lanes, int) else None


def fec_name(mode: int) -> str:
    """The FEC mode PDDR `fec_mode_active` reports, by the RS code it names (`RS-544/514`,
    `RS-528/514`, `Firecode (BASE-R)`, `no FEC`)."""
    entry = document()["fec_modes"].get(str(mode))
    return str(entry["name"]) if entry else f"unknown FEC mode {mode}"


def fec_names_from_mask(mask: int) -> list[str]:
    """PPLM `fec_mode_active` (a bitmask: bit N is mode N) -> the modes' names."""
    return [fec_name(bit) for bit in _set_bits(mask)]


def temperature_c(raw: int, *, register: str = "MTMP", width: int = 16) -> float:
    """A raw MTMP (0.125 degC) or PDDR module (1/256 degC) temperature -> degC."""
    layout, field = TEMPERATURE_SOURCES[register]
    scale, _unit, signed = scale_of(layout, field)
    if signed and raw >> (width - 1) & 1:
        raw -= 1 << width
    return raw * scale
