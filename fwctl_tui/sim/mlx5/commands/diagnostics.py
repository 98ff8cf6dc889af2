"""Diagnostic sampling and RoCE congestion control.

SET_DIAGNOSTIC_PARAMS arms a sampling session (which counters, how many samples in the
ring, how often); QUERY_DIAGNOSTIC_PARAMS reads it back; QUERY_DIAGNOSTIC_COUNTERS returns
samples taken every period since the session started, keeping the newest 2^log_num
samples (a `single` session stops when the ring is full). The counter ids are the
simulator's own (DIAGNOSTIC_COUNTERS); the PRM's are not public. The period unit is one
microsecond times 2^log_sample_period. A sample's `time_stamp_31_0` is the low 32 bits of
the device's free-running nanosecond clock (counting since boot), so it wraps every
2^32 ns, about 4.3 s: subtract timestamps modulo 2^32. Congestion control: DCQCN enabled
per priority, with the driver's default parameters, and CNP/ECN statistics that grow with
traffic.
"""

from __future__ import annotations

from fwctl_tui.sim.mlx5.commands.common import counter_fields
from fwctl_tui.sim.mlx5.commands.registry import handles
from fwctl_tui.sim.mlx5.device import Device, DiagnosticSession
from fwctl_tui.sim.mlx5.mailbox import FirmwareError, Reply, Request, encode_struct
from fwctl_tui.sim.mlx5.syndromes import ErrorKind

DIAGNOSTIC_COUNTERS = {  # simulator-defined id -> the traffic-model counter it samples
    0x0001: "rx_packets", 0x0002: "tx_packets", 0x0003: "rx_octets", 0x0004: "tx_octets",
    0x0005: "rx_discards", 0x0006: "tx_discards", 0x0007: "rx_fec_corrected_blocks",
    0x0008: "rx_pause_frames",
}
MAX_LOG_SAMPLES = 10
MIN_LOG_PERIOD = 10  # 2^10 us, about a millisecond
PERIOD_UNIT_S = 1e-6
TIMESTAMP_UNIT_S = 1e-9
TIMESTAMP_MASK = 0xFFFFFFFF
MAX_DIAG_COUNTERS = 16
CTX = "diagnostic_params_context"
ROCE_RP, ROCE_NP = 1, 2  # cong_protocol: reaction point, notification point
PRIORITIES = 8
RP_DEFAULTS = {"rpg_time_reset": 300, "rpg_byte_reset": 32767, "rpg_threshold": 1,
               "rpg_max_rate": 0, "rpg_ai_rate": 5, "rpg_hai_rate": 50, "rpg_gd": 11,
               "rpg_min_dec_fac": 50, "rpg_min_rate": 1, "rate_to_set_on_first_cnp": 0,
               "dce_tcp_g": 1019, "dce_tcp_rtt": 1, "rate_reduce_monitor_period": 4,
               "initial_alpha_value": 1023, "clamp_tgt_rate": 0}
NP_DEFAULTS = {"min_time_between_cnps": 4, "cnp_dscp": 48, "cnp_802p_prio": 6}
CONG_STATS = [("rp_cnp_handled_high", 32), ("rp_cnp_handled_low", 32),
              ("rp_cnp_ignored_high", 32), ("rp_cnp_ignored_low", 32),
              ("np_ecn_marked_roce_packets_high", 32), ("np_ecn_marked_roce_packets_low", 32),
              ("np_cnp_sent_high", 32), ("np_cnp_sent_low", 32)]


def _period(session: DiagnosticSession) -> float:
    return (1 << session.log_sample_period) * PERIOD_UNIT_S


@handles("SET_DIAGNOSTIC_PARAMS")
def set_diagnostic_params(dev: Device, req: Request) -> Reply:
    count = req.int(f"{CTX}.num_of_counters")
    ids = [req.int(f"{CTX}.counter_id[{i}].counter_id") for i in range(count)]
    if count > MAX_DIAG_COUNTERS or any(i not in DIAGNOSTIC_COUNTERS for i in ids):
        raise FirmwareError(ErrorKind.BAD_FIELD, "unknown diagnostic counter id")
    log_samples = req.int(f"{CTX}.log_num_of_samples")
    log_period = req.int(f"{CTX}.log_sample_period")
    enable = req.int(f"{CTX}.enable")
    if enable and (log_samples > MAX_LOG_SAMPLES or log_period < MIN_LOG_PERIOD or not ids):
        raise FirmwareError(ErrorKind.BAD_FIELD, "sample count, period or counter list")
    dev.diag = DiagnosticSession(
        counter_ids=ids, log_num_of_samples=log_samples, log_sample_period=log_period,
        single=req.int(f"{CTX}.single"), repetitive=req.int(f"{CTX}.repetitive"),
        sync=req.int(f"{CTX}.sync"), on_demand=req.int(f"{CTX}.on_demand"), enable=enable,
        started_at=dev.now())
    return Reply()


@handles("QUERY_DIAGNOSTIC_PARAMS")
def query_diagnostic_params(dev: Device, _req: Request) -> Reply:
    s = dev.diag
    values: dict[str, int] = {
        f"{CTX}.num_of_counters": len(s.counter_ids),
        f"{CTX}.log_num_of_samples": s.log_num_of_samples, f"{CTX}.single": s.single,
        f"{CTX}.repetitive": s.repetitive, f"{CTX}.sync": s.sync,
        f"{CTX}.on_demand": s.on_demand, f"{CTX}.enable": s.enable,
        f"{CTX}.log_sample_period": s.log_sample_period}
    values.update({f"{CTX}.counter_id[{i}].counter_id": cid for i, cid in enumerate(s.counter_ids)})
    return Reply(values)


def available_samples(dev: Device) -> range:
    """Sample ids currently held in the ring."""
    s = dev.diag
    ring = 1 << s.log_num_of_samples
    taken = int((dev.now() - s.started_at) / _period(s)) + 1
    if s.single and not s.repetitive:
        taken = min(taken, ring)
    return range(max(0, taken - ring), taken)


@handles("QUERY_DIAGNOSTIC_COUNTERS")
def query_diagnostic_counters(dev: Device, req: Request) -> Reply:
    s = dev.diag
    if not s.enable:
        raise FirmwareError(ErrorKind.BAD_SYS_STATE, "no diagnostic sampling session is enabled")
    held = available_samples(dev)
    first, count = req.int("sample_index"), req.int("num_of_samples")
    wanted = range(first, first + count)
    if count == 0 or wanted.start < held.start or wanted.stop > held.stop:
        raise FirmwareError(ErrorKind.BAD_INDEX,
                            f"samples {held.start}..{held.stop - 1} are held")
    counters, values, n = dev.counters("diagnostic"), {}, 0
    for sample in wanted:
        at = s.started_at + sample * _period(s)
        stamp = device_timestamp(dev, at)
        for cid in s.counter_ids:
            value = counters.read(DIAGNOSTIC_COUNTERS[cid], at) & 0xFFFFFFFFFFFFFFFF
            values.update({f"diag_counter[{n}].counter_id": cid,
                           f"diag_counter[{n}].sample_id": sample & 0xFFFF,
                           f"diag_counter[{n}].time_stamp_31_0": stamp,
                           f"diag_counter[{n}].counter_value_h": value >> 32,
                           f"diag_counter[{n}].counter_value_l": value & 0xFFFFFFFF})
            n += 1
    return Reply(values)


def device_timestamp(dev: Device, at: float) -> int:
    """time_stamp_31_0 at model time `at`: the free-running clock's low 32 bits."""
    return int((dev.boot_uptime + at) / TIMESTAMP_UNIT_S) & TIMESTAMP_MASK


def _cong_key(req: Request) -> tuple[int, int]:
    protocol, priority = req.int("cong_protocol"), req.int("priority")
    if protocol not in (ROCE_RP, ROCE_NP) or priority >= PRIORITIES:
        raise FirmwareError(ErrorKind.BAD_FIELD, f"congestion protocol {protocol}/prio {priority}")
    return protocol, priority


@handles("QUERY_CONG_STATUS")
def query_cong_status(dev: Device, req: Request) -> Reply:
    return Reply({"enable": dev.cong_enabled.get(_cong_key(req), 1)})


@handles("MODIFY_CONG_STATUS")
def modify_cong_status(dev: Device, req: Request) -> Reply:
    dev.cong_enabled[_cong_key(req)] = req.int("enable")
    return Reply()


@handles("QUERY_CONG_PARAMS")
def query_cong_params(_dev: Device, req: Request) -> Reply:
    protocol = req.int("cong_protocol")
    if protocol == ROCE_RP:
        page = encode_struct("cong_control_r_roce_ecn_rp", RP_DEFAULTS)
    elif protocol == ROCE_NP:
        page = encode_struct("cong_control_r_roce_ecn_np", NP_DEFAULTS)
    else:
        raise FirmwareError(ErrorKind.BAD_FIELD, f"congestion protocol {protocol}")
    return Reply({"congestion_parameters": page})


@handles("QUERY_CONG_STATISTICS")
def query_cong_statistics(dev: Device, req: Request) -> Reply:
    values = counter_fields(dev, "congestion", CONG_STATS)
    stamp = int(dev.uptime() * 1e6)  # microseconds since boot
    values.update({"time_stamp_high": stamp >> 32 & 0xFFFFFFFF,
                   "time_stamp_low": stamp & 0xFFFFFFFF,
                   "accumulators_period": 1, "sum_flows": 0, "rp_cur_flows": 0})
    if req.int("clear"):
        dev.counters("congestion").clear(dev.now())
    return Reply(values)
