"""The port summary an engineer reads first (what `mlxlink -d DEV` prints at the top).

PortReader sends the registers of one port as ordinary RPCs through a Session (so a
capture records them like any other): PAOS (admin/oper state), PTYS (speed), PDDR's
operation page (FEC in use, PHY state), module page (identity, temperature, per-lane
monitors) and link-down page (why and whose side), MTMP for the module sensor (thresholds),
and the PPCNT groups with the physical-layer errors, IEEE 802.3 / RFC 2863 traffic and
discards. `summary()` turns one PortSample into the `link --json` document; `COUNTERS`
names the counters the dashboard shows with deltas and rates. Speed, FEC and temperature
names come from decoders/mlx5/link_names.py, the one place they are defined.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fwctl_tui import policy
from fwctl_tui.decoders import encode_input, reply_buffer_size
from fwctl_tui.decoders.catalogue import Command
from fwctl_tui.decoders.mlx5.catalogue import find
from fwctl_tui.decoders.mlx5.link_names import (
    fec_name,
    speed_gbps,
    speed_lanes,
    speed_names,
    temperature_c,
)
from fwctl_tui.kernelstate import KernelState
from fwctl_tui.mbox_header import OP_MOD
from fwctl_tui.monitor.extract import Extractor
from fwctl_tui.monitor.sampling import failure_text
from fwctl_tui.session import Session
from fwctl_tui.textsafe import printable
from fwctl_tui.uapi import Scope

MODULE_SENSOR_BASE = 64  # MTMP sensor_index of module 0
ETHERNET = 4  # PTYS proto_mask
UP = 1  # PAOS admin_status/oper_status


@dataclass(frozen=True)
class Probe:
    """One register read of the summary: a short key, the register and its index values."""

    key: str
    register: str
    values: dict[str, int]
    per_port: bool = True  # carries local_port


LANE_MAP = Probe("pmlp", "PMLP", {})  # read once, before the samples (its module, its lanes)
PROBES = (
    Probe("paos", "PAOS", {}),
    Probe("ptys", "PTYS", {"proto_mask": ETHERNET}),
    Probe("operation", "PDDR", {"page_select": 0}),
    Probe("module", "PDDR", {"page_select": 3}),
    Probe("down", "PDDR", {"page_select": 6}),
    Probe("phys", "PPCNT", {"grp": 0x12}),
    Probe("phys_stat", "PPCNT", {"grp": 0x16}),
    Probe("ieee", "PPCNT", {"grp": 0x0}),
    Probe("rfc2863", "PPCNT", {"grp": 0x1}),
    Probe("discards", "PPCNT", {"grp": 0x6}),
)

# Dashboard rows: (section, label, probe, field path within register_data)
_PHYS = "counter_set.phys_layer_cntrs_ext."
_STAT = "counter_set.phys_layer_stat_cntrs_ext."
_IEEE = "counter_set.eth_802_3_cntrs_grp_data_layout_ext."
_RFC = "counter_set.eth_2863_cntrs_grp_data_layout_ext."
_DISC = "counter_set.eth_discard_cntrs_grp_ext."
_OPER = "page_data.pddr_operation_info_page_ext."
COUNTERS: tuple[tuple[str, str, str, str], ...] = (
    ("errors", "symbol errors", "phys", _PHYS + "symbol_errors"),
    ("errors", "FEC corrected blocks", "phys", _PHYS + "rs_fec_corrected_blocks"),
    ("errors", "FEC uncorrectable blocks", "phys", _PHYS + "rs_fec_uncorrectable_blocks"),
    ("errors", "FEC corrected symbols", "phys", _PHYS + "rs_fec_corrected_symbols_total"),
    ("errors", "link down events", "phys", _PHYS + "link_down_events"),
    ("errors", "raw bit errors", "phys_stat", _STAT + "phy_corrected_bits"),
    ("errors", "FCS errors", "ieee", _IEEE + "a_frame_check_sequence_errors"),
    ("traffic", "frames received", "ieee", _IEEE + "a_frames_received_ok"),
    ("traffic", "frames transmitted", "ieee", _IEEE + "a_frames_transmitted_ok"),
    ("traffic", "octets received", "ieee", _IEEE + "a_octets_received_ok"),
    ("traffic", "octets transmitted", "ieee", _IEEE + "a_octets_transmitted_ok"),
    ("traffic", "in discards", "rfc2863", _RFC + "if_in_discards"),
    ("traffic", "out discards", "rfc2863", _RFC + "if_out_discards"),
    ("traffic", "ingress discards (all)", "discards", _DISC + "ingress_discard_all"),
    ("traffic", "egress link-down discards", "discards", _DISC + "egress_link_down"),
)


BER_FIELDS = tuple(_STAT + name for name in (
    "raw_ber_coef", "raw_ber_magnitude", "effective_ber_coef", "effective_ber_magnitude"))


_MODULE = "page_data.pddr_module_info_ext."
_DOWN = "page_data.pddr_link_down_info_page_ext."
SUMMARY_FIELDS: dict[str, set[str]] = {
    "paos": {"admin_status", "oper_status"},
    "ptys": {"ext_eth_proto_oper"},
    "operation": {_OPER + "fec_mode_active", _OPER + "phy_mngr_fsm_state"},
    "module": {_MODULE + "cable_type",
               *(f"{_MODULE}{text}[{i}]" for text in ("vendor_name", "vendor_pn", "vendor_sn")
                 for i in range(4)),
               *(f"{_MODULE}{kind}_lane{lane}" for kind in ("rx_power", "tx_power", "tx_bias")
                 for lane in range(8))},
    "down": {_DOWN + "down_intent", _DOWN + "down_blame"},
    "mtmp": {"temperature", "max_temperature", "temp_threshold_hi", "temp_threshold_lo"},
    "pmlp": {"width", *(f"lane_module_mapping[{lane}].{name}" for lane in range(8)
                        for name in ("module", "rx_lane", "tx_lane"))},
    "phys_stat": set(BER_FIELDS),
}


def needed_fields(probe: str) -> set[str]:
    """The (joined) fields of a probe that the summary and the counters read."""
    counters = {path for _s, _l, key, path in COUNTERS if key == probe}
    return counters | SUMMARY_FIELDS.get(probe, set())


_NONE: dict[str, int] = {}


@dataclass
class PortSample:
    """One pass over the probes: joined numeric fields and enum labels per probe, errors."""

    wall_time: float
    duration_ms: float
    values: dict[str, dict[str, int]] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def get(self, probe: str, path: str) -> int | None:
        return self.values.get(probe, {}).get(path)

    def counters(self) -> dict[str, int]:
        """The dashboard's counters by label (those this sample has)."""
        out, values = {}, self.values
        for _section, label, probe, path in COUNTERS:  # (get() inline: a day has 86k samples)
            value = values.get(probe, _NONE).get(path)
            if value is not None:
                out[label] = value
        return out


class PortReader:
    """Reads one port's summary registers through a Session."""

    def __init__(self, session: Session, state: KernelState, port: int = 1,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.session, self.port, self.clock = session, port, clock
        self._requests: list[tuple[Probe, Command, bytes, Scope, int]] = []
        self._extractors: dict[str, Extractor] = {}
        self._lane_map: tuple[dict[str, int], dict[str, str]] | None = None  # PMLP, read once
        for probe in (*PROBES, self._module_probe(state)):
            self._requests.append(self._prepare(probe, state))

    def _module_probe(self, state: KernelState) -> Probe:
        """MTMP of the port's module, found through PMLP's lane mapping (module 0 if
        PMLP cannot tell). The mapping is kept: every sample carries it (`pmlp`), so the
        summary lists the module lanes the port uses."""
        _, cmd, request, scope, cap = self._prepare(LANE_MAP, state)
        exchange = self.session.send(cmd.name, scope, request, cap)
        module = 0
        if failure_text(exchange) is None and exchange.reply is not None:
            self._lane_map = Extractor.build(needed_fields("pmlp"), exchange).read(exchange)
            module = self._lane_map[0].get("lane_module_mapping[0].module", 0)
        return Probe("mtmp", "MTMP", {"sensor_index": MODULE_SENSOR_BASE + module},
                     per_port=False)

    def _prepare(self, probe: Probe, state: KernelState) -> tuple[Probe, Command, bytes,
                                                                  Scope, int]:
        cmd = find(f"ACCESS_REG:{probe.register}")
        values = {**({"local_port": self.port} if probe.per_port else {}), **probe.values}
        request = encode_input(cmd, values, op_mod=1)
        scope = policy.least_scope(cmd.opcode, OP_MOD.get(request, 0), state)
        return probe, cmd, request, scope or Scope.DEBUG_READ_ONLY, reply_buffer_size(
            cmd, request)

    def read(self) -> PortSample:
        """One pass over the probes; each reply read by position (monitor/extract.py).
        PDDR's link-down page is read only while PAOS (read first) says the link is not
        up: the summary shows why a link is down only then."""
        wall, start = time.time(), self.clock()
        sample = PortSample(wall, 0.0)
        if self._lane_map is not None:
            sample.values["pmlp"], sample.labels["pmlp"] = self._lane_map
        for probe, cmd, request, scope, cap in self._requests:
            if probe.key == "down" and sample.get("paos", "oper_status") == UP:
                continue
            exchange = self.session.send(cmd.name, scope, request, cap)
            error = failure_text(exchange)
            if error is not None or exchange.reply is None:
                sample.errors[probe.key] = error or "no reply"
                continue
            extractor = self._extractors.get(probe.key)
            if extractor is None:
                extractor = Extractor.build(needed_fields(probe.key), exchange)
                self._extractors[probe.key] = extractor
            sample.values[probe.key], sample.labels[probe.key] = extractor.read(exchange)
        sample.duration_ms = (self.clock() - start) * 1000
        return sample


def text_of(values: dict[str, int], name: str) -> str | None:
    """A character field the decoder shows as big-endian dwords (`name[i]`) -> its text."""
    words = []
    i = 0
    while (word := values.get(f"{name}[{i}]")) is not None:
        words.append(word.to_bytes(4, "big"))
        i += 1
    if not words:
        return None
    return printable(b"".join(words).rstrip(b"\0 ").decode("latin-1"))


def _state(value: int | None) -> str | None:
    return None if value is None else ("up" if value == UP else "down")


def summary(sample: PortSample, device: str, port: int) -> dict[str, Any]:
    """The `link --json` document of one sample (None where a register did not answer)."""
    get = sample.get

    def label(probe: str, path: str) -> str | None:
        return sample.labels.get(probe, {}).get(path)

    oper_mask = get("ptys", "ext_eth_proto_oper") or 0
    up = get("paos", "oper_status") == UP
    fec_mode = get("operation", _OPER + "fec_mode_active")
    module = sample.values.get("module", {})
    module_temp = get("mtmp", "temperature")
    doc: dict[str, Any] = {
        "device": device, "port": port,
        "state": {"admin": _state(get("paos", "admin_status")),
                  "oper": _state(get("paos", "oper_status")),
                  "physical": label("operation", _OPER + "phy_mngr_fsm_state")},
        "speed": {"gbps": speed_gbps(oper_mask, extended=True) if up else None,
                  "lanes": speed_lanes(oper_mask, extended=True) if up else None,
                  "modes": speed_names(oper_mask, extended=True)},
        "fec": {"mode": fec_mode, "name": fec_name(fec_mode) if up and fec_mode is not None
                else None},
        "link_down": None if up else {
            "intent": label("down", "page_data.pddr_link_down_info_page_ext.down_intent"),
            "blame": label("down", "page_data.pddr_link_down_info_page_ext.down_blame")},
        "module": {
            "type": label("module", "page_data.pddr_module_info_ext.cable_type"),
            "vendor": text_of(module, "page_data.pddr_module_info_ext.vendor_name"),
            "part_number": text_of(module, "page_data.pddr_module_info_ext.vendor_pn"),
            "serial": text_of(module, "page_data.pddr_module_info_ext.vendor_sn"),
            "temperature_c": None if module_temp is None else temperature_c(module_temp),
            "max_temperature_c": _celsius(get("mtmp", "max_temperature")),
            "warning_c": _celsius(get("mtmp", "temp_threshold_hi")),
            "clear_c": _celsius(get("mtmp", "temp_threshold_lo")),
            "lanes": _lanes(module, _port_lanes(sample),
                            (speed_lanes(oper_mask, extended=True) or 0) if up else 0),
        },
        "errors": {label_: value for label_, value in _section(sample, "errors").items()},
        "raw_ber": _ber(get("phys_stat", _STAT + "raw_ber_coef"),
                        get("phys_stat", _STAT + "raw_ber_magnitude")),
        "effective_ber": _ber(get("phys_stat", _STAT + "effective_ber_coef"),
                              get("phys_stat", _STAT + "effective_ber_magnitude")),
        "traffic": _section(sample, "traffic"),
        "unavailable": dict(sample.errors),
    }
    return doc


def _celsius(raw: int | None) -> float | None:
    return None if raw is None else temperature_c(raw)


def _ber(coef: int | None, magnitude: int | None) -> str | None:
    """The PRM's coef * 10^-magnitude as text (`3e-08`; `0` below what is measurable),
    or None when the register did not answer."""
    if coef is None or magnitude is None:
        return None
    return "0" if coef == 0 else f"{coef}e-{magnitude:02d}"


def _section(sample: PortSample, section: str) -> dict[str, int]:
    out = {}
    for sect, name, probe, path in COUNTERS:
        value = sample.get(probe, path)
        if sect == section and value is not None:
            out[name] = value
    return out


def _port_lanes(sample: PortSample) -> list[tuple[int, int]] | None:
    """(rx, tx) module lane of each of the port's lanes, by PMLP (None: not read)."""
    width = sample.get("pmlp", "width")
    if not width:
        return None
    lanes = [(sample.get("pmlp", f"lane_module_mapping[{lane}].rx_lane"),
              sample.get("pmlp", f"lane_module_mapping[{lane}].tx_lane")) for lane in range(width)]
    known = [(rx, tx) for rx, tx in lanes if rx is not None and tx is not None]
    return known if len(known) == len(lanes) else None


def _lanes(module: dict[str, int], mapped: list[tuple[int, int]] | None,
           in_use: int) -> list[dict[str, int]]:
    """Per-lane monitors the module reports (raw: the PRM gives no unit for them), one row
    per lane of the port: the module lanes PMLP maps it to, dark ones as zeros. Without
    the mapping (a capture without PMLP): the lanes the link uses (`in_use`, from its
    speed while up) and every lane up to the last one with a reading, so a dark lane
    among live ones still shows."""
    prefix = "page_data.pddr_module_info_ext."

    def monitors(rx: int, tx: int) -> dict[str, int]:
        return {"rx_power": module.get(f"{prefix}rx_power_lane{rx}", 0),
                "tx_power": module.get(f"{prefix}tx_power_lane{tx}", 0),
                "tx_bias": module.get(f"{prefix}tx_bias_lane{tx}", 0)}

    if mapped is not None:
        return [{"lane": lane, **monitors(rx, tx)} for lane, (rx, tx) in enumerate(mapped)]
    rows = [monitors(lane, lane) for lane in range(8)]
    shown = max([in_use, *(lane + 1 for lane, row in enumerate(rows) if any(row.values()))])
    return [{"lane": lane, **row} for lane, row in enumerate(rows[:shown])]
