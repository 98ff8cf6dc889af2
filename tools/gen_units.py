"""Engineer-unit facts from the PRM prose: `make generate` writes generated/units.json.

The register database's `descr` text says, in words, which fields are strings, which are
temperatures in 1/8 or 1/256 degC, voltages in 100 uV, data rates in 100 Mb/s, BCD
dates, and which bit of a PTYS protocol mask is which Ethernet protocol. This script reads
those sentences with a few explicit patterns and writes what it found, with the sentence
it came from, so the presentation layer never carries a hand-typed number. A field whose
prose gives no unit or scale is simply absent: it is shown raw.

Fields are keyed by the project's own layout and field names (the kernel header's names
win over the PRM's where both exist, e.g. MTMP `temp_threshold_hi`), matched by offset.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tools.reference import REPO_ROOT, reference_dir

OUT = REPO_ROOT / "fwctl_tui" / "decoders" / "mlx5" / "generated" / "units.json"
PROJECT = REPO_ROOT / "fwctl_tui" / "decoders" / "mlx5" / "generated" / "mlx5.json"

# (pattern on the descr, unit, scale, what) -- the scale is the number the pattern captured
# or a fixed factor the wording states; signedness comes from the prose ("S16", "2's
# complement") only.
_SCALED: list[tuple[re.Pattern[str], str, Any]] = [
    (re.compile(r"[Uu]nits? of (0\.125) Celsius"), "°C", None),
    (re.compile(r"(1/256) (?:C\b|Celsius)"), "°C", None),
    (re.compile(r"\b(1) Celsius resolution"), "°C", None),
    (re.compile(r"in (100)uV\b"), "V", 1e-6),
    (re.compile(r"units are (0\.01)V\b"), "V", 1.0),
    (re.compile(r"in (0\.1)mV\b"), "mV", 1.0),
    (re.compile(r"in (50)mV units"), "mV", 1.0),
    (re.compile(r"voltage in (m)V\b"), "mV", None),
    (re.compile(r"resolution of (1) Gb/s"), "Gb/s", 1.0),
    (re.compile(r"resolution of (100) Mb/s"), "Gb/s", 1e-3),
    (re.compile(r"resolution of (10) ?Mb/s"), "Gb/s", 1e-3),
    (re.compile(r"in units of (dB)m\b"), "dBm", None),
    (re.compile(r"wavelength in (n)m\b"), "nm", None),
    (re.compile(r"[Cc]able length in (1)m units"), "m", 1.0),
]
_SIGNED = re.compile(r"\bS16\b|2's complement|signed")
_TEXT = re.compile(r"\bASCII\b|character long|\bPSID\b|[Ss]erial [Nn]umber|"
                   r"[Pp]art [Nn]umber|[Pp]roduct [Nn]ame")
_BCD = re.compile(r"packed BCD|coded as (?:Month|0x)")
_CONDITIONAL_POWER = re.compile(r"dBm/uW according to module_info_ext|"
                                r"dBm or uW according to module_info_ext")
_BIT_LINE = re.compile(r"^[ \t]*Bit[ \t]+(\d+)[ \t]*[:\-][ \t]*(.+?)[ \t]*$", re.M)
_FEC_LINE = re.compile(r"^[ \t]*(\d+):[ \t]*([A-Za-z0-9_\-]+)[ \t]*-?[ \t]*(.*)$", re.M)


def _factor(text: str) -> float:
    if "/" in text:
        num, den = text.split("/")
        return float(num) / float(den)
    return float(text)


def field_unit(name: str, width: int, descr: str) -> dict[str, Any] | None:
    """The unit a field's PRM prose states, or None when it states none we can read."""
    if _CONDITIONAL_POWER.search(descr):
        return {"kind": "raw", "why": "the PRM gives dBm or uW (PDDR module_info_ext) but no "
                "resolution", "source": _sentence(descr, "according")}
    for pattern, unit, fixed in _SCALED:
        match = pattern.search(descr)
        if match is None:
            continue
        if unit == "°C":
            scale = _factor(match.group(1))
        elif fixed is None:
            scale = 1.0
        else:
            scale = _factor(match.group(1)) * fixed
        return {"kind": "scaled", "unit": unit, "scale": scale,
                "signed": bool(_SIGNED.search(descr)), "source": _sentence(descr, match.group(0))}
    if _BCD.search(descr):
        return {"kind": "bcd", "source": _sentence(descr, "BCD" if "BCD" in descr else "coded")}
    text = _TEXT.search(descr)
    if width >= 32 and text is not None and "string_db" not in name:
        return {"kind": "text", "source": _sentence(descr, text.group(0))}
    return None


def _sentence(descr: str, needle: str) -> str:
    """The line of the prose that states the fact (kept beside it for the cross-check)."""
    for line in descr.splitlines():
        if needle in line:
            return line.strip()
    return descr.strip().splitlines()[0] if descr.strip() else ""


def _inherit_temperatures(fields: dict[str, dict[str, Any]], raw: list[dict[str, Any]]) -> None:
    """A temperature whose prose states 2's complement but no scale (MTMP max_temperature)
    takes the scale its register states for `temperature` in the same layout."""
    base = fields.get("temperature")
    if base is None or base.get("unit") != "°C":
        return
    for f in raw:
        descr = f.get("descr") or ""
        if (f["name"] not in fields and "temperature" in f["name"]
                and _SIGNED.search(descr) and "Celsius" in descr):
            fields[f["name"]] = {**base, "source": "scale of `temperature` in this register; "
                                 + _sentence(descr, "complement")}


def link_modes(descr: str) -> dict[str, dict[str, Any]]:
    """`Bit N: protocol names` lines of a PTYS mask -> {bit: {name, mbps, lanes}}."""
    out: dict[str, dict[str, Any]] = {}
    for bit, text in _BIT_LINE.findall(descr):
        if "Reserved" in text:
            continue
        name, _, comment = text.partition("//")
        alternatives = [_normalise(a) for a in name.split("/") if a.strip()]
        shown = "/".join(alternatives)
        out[bit] = {"name": shown, "mbps": _rate_mbps(shown + " " + comment),
                    "lanes": _lanes(alternatives)}
    return out


def _normalise(name: str) -> str:
    name = " ".join(name.split())
    name = re.sub(r"(\d+[MGT]?)Base(?:[ -]?(?=\w))", lambda m: m.group(1) + "BASE-", name)
    return re.sub(r"(\d+)Base$", r"\1BASE", name)


_RATE = re.compile(r"(\d+(?:\.\d+)?)([MGT])(?=AUI|BASE|\b|_)|SGMII_(\d+)M?BASE|(\d+)BASE-")


def _rate_mbps(text: str) -> int | None:
    for match in _RATE.finditer(text):
        if match.group(1):
            factor = {"M": 1, "G": 1000, "T": 1000_000}[match.group(2)]
            return round(float(match.group(1)) * factor)
        if match.group(3):
            return int(match.group(3))
        if match.group(4):
            return int(match.group(4))
    m = re.search(r"SGMII_(\d+)M", text)
    return int(m.group(1)) if m else None


def _lanes(alternatives: list[str]) -> int | None:
    for name in alternatives:
        m = re.search(r"(?:AUI|CR|KR|SR|LR|ER|CX|KX|XLPPI)-?(\d)\b", name)
        if m:
            return int(m.group(1))
    return None


def fec_modes(descr: str) -> dict[str, dict[str, str]]:
    """PDDR `fec_mode_active` lines -> {value: {label, name}}: the name is the RS code the
    PRM states in parentheses (`RS-544/514`), with the label's interleave/PLR words."""
    out: dict[str, dict[str, str]] = {}
    for value, label, rest in _FEC_LINE.findall(descr):
        code = re.search(r"\((\d+),\s*(\d+(?:\+\d+)?)\)|(\d+),\s*(\d+)\)", rest)
        if label.startswith("No_FEC"):
            name = "no FEC"
        elif label.startswith("Firecode"):
            name = "Firecode (BASE-R)"
        elif code:
            n, k = (code.group(1), code.group(2)) if code.group(1) else (code.group(3),
                                                                           code.group(4))
            words = [w.lower() if w != "PLR" else w for w in label.split("_")
                     if w in ("Interleaved", "Quad", "Octet", "Double", "PLR")]
            name = " ".join([f"RS-{n}/{k}", *words])
        else:
            name = label
        out[value] = {"label": label.rstrip("-"), "name": name}
    return out


def _project_fields() -> dict[str, dict[int, str]]:
    doc = json.loads(PROJECT.read_text("utf-8"))
    return {name: {f["o"]: f["n"] for f in layout["fields"]}
            for name, layout in doc["layouts"].items()}


def build() -> dict[str, Any]:
    ref = json.loads((reference_dir() / "mlx5_registers.json").read_text("utf-8"))
    nodes = ref["nodes"]
    project = _project_fields()
    fields: dict[str, dict[str, dict[str, Any]]] = {}
    for node_name, node in sorted(nodes.items()):
        ours = project.get(node_name)
        if ours is None:
            continue
        found: dict[str, dict[str, Any]] = {}
        for f in node.get("fields", []):
            unit = field_unit(f["name"], f["width_bits"], f.get("descr") or "")
            name = ours.get(f["offset_bits"])
            if unit is not None and name is not None:
                found[name] = {**unit, "prm_name": f["name"]}
        by_prm = {v["prm_name"]: k for k, v in found.items()}
        renamed = {by_prm.get(k, k): v for k, v in found.items()}
        _inherit_temperatures(renamed, [dict(f, name=f["name"]) for f in node.get("fields", [])
                                        if ours.get(f["offset_bits"]) == f["name"]])
        if renamed:
            fields[node_name] = dict(sorted(renamed.items()))
    ptys = {f["name"]: f.get("descr") or "" for f in nodes["ptys_reg_ext"]["fields"]}
    pddr_op = {f["name"]: f.get("descr") or "" for f in nodes["pddr_operation_info_page_ext"]
               ["fields"]}
    return {
        "source": "mlx5_registers.json descr text (tools/gen_units.py)",
        "link_modes": {"eth": link_modes(ptys["eth_proto_capability"]),
                       "ext_eth": link_modes(ptys["ext_eth_proto_capability"])},
        "fec_modes": fec_modes(pddr_op["fec_mode_active"]),
        "fields": fields,
    }


def render() -> str:
    return json.dumps(build(), indent=1, ensure_ascii=False) + "\n"


def main(out: Path = OUT) -> None:
    out.write_text(render(), "utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
