"""Register fields firmware applies only when an "update enable" bit is set in the same write.

PRM: `ase` = admin state update enable, `ee` = event update enable, `*_vld` = this field
is valid. A PAOS write with admin_status=down but ase=0 succeeds and changes nothing,
which looks like a firmware bug to anyone who has not read the PRM. The TUI form and
`fwctl-tui send` both set these bits through this one module, so the same intent sends
the same bytes from either. Headless (no textual): the CLI and the screens import it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, NamedTuple

REGISTER_DATA = "register_data."

# register -> governed field -> (its enable bit, what the PRM calls that bit)
ENABLE_BITS: dict[str, dict[str, tuple[str, str]]] = {
    "PAOS": {
        "admin_status": ("ase", "admin state update enable"),
        "e": ("ee", "event generation update enable"),
        "ls_e": ("ee_ls", "logical state event update enable"),
        "ps_e": ("ee_ps", "physical state event update enable"),
        "nmxas_e": ("ee_nmxas", "NMX admin state event update enable"),
    },
    "PMAOS": {
        "admin_status": ("ase", "admin state update enable"),
        "e": ("ee", "event generation update enable"),
    },
    "PTYS": {"tx_ready_e": ("ee_tx_ready", "tx_ready event update enable")},
    "PPSC": {
        "up_threshold": ("up_th_vld", "up_threshold valid"),
        "down_threshold": ("down_th_vld", "down_threshold valid"),
    },
    "PPLM": {
        "plr_margin_th": ("plr_vld", "PLR configuration valid"),
        "tx_crc_plr": ("tx_crc_plr_vld", "tx_crc_plr configuration valid"),
        "plr_reject_mode": ("plr_reject_mode_vld", "plr_reject_mode configuration valid"),
    },
}
# a governed field whose own enable bit counts only when these are set too (PRM: PPLM's
# per-field *_vld bits are "valid only when plr_vld is set")
ALSO_NEEDS: dict[str, dict[str, tuple[str, ...]]] = {
    "PPLM": {"tx_crc_plr": ("plr_vld",), "plr_reject_mode": ("plr_vld",)},
}


class EnableBits(NamedTuple):
    """What apply_enable_bits decided: the values to encode, and what to tell the user."""

    values: dict[str, Any]
    auto_set: dict[str, str]  # enable-bit path -> why it was set to 1
    warnings: list[str]  # an enable bit the user gave as 0 while its field changes


def enable_bit_docs(register: str | None) -> dict[str, str]:
    """path -> one sentence, for the governed fields and enable bits of `register`."""
    docs: dict[str, str] = {}
    for governed, (enable, meaning) in ENABLE_BITS.get(register or "", {}).items():
        docs[REGISTER_DATA + enable] = (
            f"{meaning}: write 1 here so firmware applies {governed}; with 0 it is ignored")
        docs[REGISTER_DATA + governed] = (
            f"applied only when {enable} ({meaning}) is 1 in the same write "
            "(set for you when this field changes)")
    return docs


def governed_fields(register: str | None) -> dict[str, str]:
    """`register_data.<field>` -> `register_data.<enable bit>` for one register."""
    return {REGISTER_DATA + governed: REGISTER_DATA + enable
            for governed, (enable, _meaning) in ENABLE_BITS.get(register or "", {}).items()}


def apply_enable_bits(
    register: str | None,
    values: Mapping[str, Any],
    given: Collection[str] = (),
    before: Mapping[str, Any] | None = None,
) -> EnableBits:
    """`values` with the enable bit set to 1 for every governed field the write changes.

    The one rule the CLI and the TUI share, so the same intent sends the same bytes: a
    governed field changes when the user gave it (`given`: named on the command line,
    edited in the form), whatever the device holds (writing the value it already has is
    harmless, and the user asked for that value), or when it differs from the value read
    back (`before`). An enable bit in `given` is the user's choice and is never
    overridden: if it is 0 while its field changes, a warning says the write will change
    nothing for that field. Paths are `register_data.<field>`.
    """
    out, why, warnings = dict(values), dict[str, str](), list[str]()
    table = ENABLE_BITS.get(register or "", {})
    for governed, (enable, meaning) in table.items():
        g_path = REGISTER_DATA + governed
        if g_path not in values:
            continue
        changes = g_path in given or (
            before is not None and g_path in before and values[g_path] != before[g_path])
        if not changes:
            continue
        needed = [(enable, meaning)] + [
            (extra, next((m for e, m in table.values() if e == extra), extra))
            for extra in ALSO_NEEDS.get(register or "", {}).get(governed, ())]
        for bit, bit_meaning in needed:
            e_path = REGISTER_DATA + bit
            if out.get(e_path):
                continue
            if e_path in given:
                warnings.append(
                    f"{bit}=0 was given: firmware applies {governed} only when {bit} "
                    f"({bit_meaning}) is 1, so this write changes nothing for {governed}")
                continue
            out[e_path] = 1
            why[e_path] = (f"{bit} set to 1 for you: firmware applies {governed} only when "
                           f"{bit} ({bit_meaning}) is 1; with 0 the write would change nothing")
    return EnableBits(out, why, warnings)
