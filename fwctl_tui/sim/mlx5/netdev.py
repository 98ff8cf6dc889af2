"""What mlx5_core and the mlx5e netdev create on a function that is up.

In driver order: the async EQs (commands, async events, page requests), one completion EQ
per channel, the netdev's PD, transport domain, physical-address mkey and Q counters, the
drop RQ, then per channel five CQs (async ICOSQ, ICOSQ, TX, XDP redirect, RX) and their
SQs and RQ, the TIS, the RSS and per-channel RQTs, the per-traffic-type and per-channel
TIRs, and the RX steering tables that lead a packet from the VLAN table to a TIR.
"""

from __future__ import annotations

from fwctl_tui.sim.mlx5.population import Allocator, HwObject, Population
from fwctl_tui.sim.profile import Profile

MAX_CHANNELS = 64
RSS_TABLE_SIZE = 256
RQ_LIST = "rqt_context.rq_num_or_rq_vhca.rq_num"  # the RQT's list in plain rq_num format
# Traffic types of the RSS TIRs: (name, ethertype, ip protocol, hashed fields)
SRC_IP, DST_IP, L4_SPORT, L4_DPORT, IPSEC_SPI = 1, 2, 4, 8, 16
TRAFFIC_TYPES = (
    ("IPV4_TCP", 0x0800, 6, SRC_IP | DST_IP | L4_SPORT | L4_DPORT),
    ("IPV6_TCP", 0x86DD, 6, SRC_IP | DST_IP | L4_SPORT | L4_DPORT),
    ("IPV4_UDP", 0x0800, 17, SRC_IP | DST_IP | L4_SPORT | L4_DPORT),
    ("IPV6_UDP", 0x86DD, 17, SRC_IP | DST_IP | L4_SPORT | L4_DPORT),
    ("IPV4_IPSEC_AH", 0x0800, 51, SRC_IP | DST_IP | IPSEC_SPI),
    ("IPV6_IPSEC_AH", 0x86DD, 51, SRC_IP | DST_IP | IPSEC_SPI),
    ("IPV4_IPSEC_ESP", 0x0800, 50, SRC_IP | DST_IP | IPSEC_SPI),
    ("IPV6_IPSEC_ESP", 0x86DD, 50, SRC_IP | DST_IP | IPSEC_SPI),
    ("IPV4", 0x0800, 0, SRC_IP | DST_IP),
    ("IPV6", 0x86DD, 0, SRC_IP | DST_IP),
)
# Async event types (PRM event type numbers) the core EQs subscribe to.
ASYNC_EVENTS = (0x01, 0x02, 0x03, 0x04, 0x05, 0x07, 0x08, 0x09, 0x0D, 0x10, 0x11, 0x12,
                0x13, 0x14, 0x15, 0x16, 0x17, 0x1C, 0x22, 0x24, 0x25, 0x26)
CMD_EVENT, PAGE_REQUEST_EVENT = 0x0A, 0x0B


def _mask(events: tuple[int, ...]) -> int:
    return sum(1 << e for e in events)


def _eq(pop: Population, eqn: int, role: str, log_size: int, intr: int, events: int,
        channel: int | None = None) -> HwObject:
    return pop.add(HwObject("eq", eqn, "mlx5_core", role, {
        "eq_context_entry.status": "OK", "eq_context_entry.st": "ARMED",
        "eq_context_entry.log_eq_size": log_size,
        "eq_context_entry.uar_page": pop.named["uar"], "eq_context_entry.intr": intr,
        "eq_context_entry.log_page_size": 0, "event_bitmask": events,
    }, channel=channel))


def add_cq(pop: Population, alloc: Allocator, eqn: int, role: str, log_size: int,
        channel: int | None, direction: str | None, owner: str = "mlx5e") -> HwObject:
    cqn = alloc.take("cq")
    rx = direction == "rx"
    return pop.add(HwObject("cq", cqn, owner, role, {
        "cq_context.status": "OK", "cq_context.cqe_sz": "64_BYTES",
        "cq_context.st": "NOTIFICATION_REQUEST_ARMED", "cq_context.cq_period_mode": 1 if rx else 0,
        "cq_context.log_cq_size": log_size, "cq_context.uar_page": pop.named["uar"],
        "cq_context.cq_period": 8 if rx else 16, "cq_context.cq_max_count": 32 if rx else 64,
        "cq_context.c_eqn_or_apu_element": eqn, "cq_context.log_page_size": 0,
        "cq_context.dbr_addr": pop.dma_address(),
    }, channel=channel, direction=direction, refs=[("eq", eqn)]))


def _sq(pop: Population, alloc: Allocator, cq: HwObject, role: str, log_size: int,
        channel: int, direction: str | None, umr: bool = False) -> HwObject:
    sqn = alloc.take("qp")
    tisn = pop.named["tisn"]
    return pop.add(HwObject("sq", sqn, "mlx5e", role, {
        "sq_context.flush_in_error_en": 1, "sq_context.allow_multi_pkt_send_wqe": int(not umr),
        "sq_context.state": "RDY", "sq_context.reg_umr": int(umr), "sq_context.ts_format": 1,
        "sq_context.cqn": cq.number, "sq_context.tis_lst_sz": 1, "sq_context.tis_num_0": tisn,
        "sq_context.wq.wq_type": "WQ_CYCLIC", "sq_context.wq.pd": pop.named["netdev_pdn"],
        "sq_context.wq.uar_page": pop.named["uar"], "sq_context.wq.dbr_addr": pop.dma_address(),
        "sq_context.wq.log_wq_stride": 6, "sq_context.wq.log_wq_pg_sz": 0,
        "sq_context.wq.log_wq_sz": log_size,
    }, channel=channel, direction=direction, refs=[("cq", cq.number), ("tis", tisn)]))


def _rq(pop: Population, alloc: Allocator, cq: HwObject, role: str, channel: int | None,
        counter: int) -> HwObject:
    rqn = alloc.take("qp")
    return pop.add(HwObject("rq", rqn, "mlx5e", role, {
        "rq_context.flush_in_error_en": 1, "rq_context.state": "RDY",
        "rq_context.mem_rq_type": "MEMORY_RQ_INLINE", "rq_context.ts_format": 1,
        "rq_context.cqn": cq.number, "rq_context.counter_set_id": counter,
        "rq_context.wq.wq_type": 3, "rq_context.wq.end_padding_mode": 1,
        "rq_context.wq.pd": pop.named["netdev_pdn"], "rq_context.wq.dbr_addr": pop.dma_address(),
        "rq_context.wq.log_wq_stride": 4, "rq_context.wq.log_wq_pg_sz": 0,
        "rq_context.wq.log_wq_sz": 6, "rq_context.wq.log_wqe_num_of_strides": 6,
        "rq_context.wq.log_wqe_stride_size": 3,
    }, channel=channel, direction="rx" if channel is not None else None,
        refs=[("cq", cq.number), ("q_counter", counter)]))


def build_core_and_netdev(profile: Profile, func: int, pop: Population, alloc: Allocator) -> None:
    """EQs, channels, TIS/RQT/TIR (steering tables come from steering.build_rx_steering)."""
    channels = min(profile.host_cpus, MAX_CHANNELS)
    pop.channels = channels
    _eq(pop, alloc.take("eq"), "command completion EQ", 5, 0, 1 << CMD_EVENT)
    _eq(pop, alloc.take("eq"), "async event EQ", 12, 0, _mask(ASYNC_EVENTS))
    _eq(pop, alloc.take("eq"), "page request EQ", 7, 0, 1 << PAGE_REQUEST_EVENT)
    comp_eqs = [_eq(pop, alloc.take("eq"), f"completion EQ of channel {c}", 10, c + 1, 1,
                    channel=c).number for c in range(channels)]
    pop.named["tisn"] = alloc.take("tis")
    pop.add(HwObject("tis", pop.named["tisn"], "mlx5e", "TIS of traffic class 0", {
        "tis_context.prio": 0, "tis_context.transport_domain": pop.named["netdev_tdn"],
        "tis_context.pd": pop.named["netdev_pdn"],
    }))

    drop_cq = add_cq(pop, alloc, comp_eqs[0], "CQ of the drop RQ", 0, None, None)
    _rq(pop, alloc, drop_cq, "drop RQ (catches traffic while channels are closed)", None,
        pop.named["drop_q_counter"])
    rqs: list[int] = []
    for c in range(channels):
        eqn = comp_eqs[c]
        cq_async = add_cq(pop, alloc, eqn, f"async ICOSQ CQ of channel {c}", 6, c, None)
        cq_ico = add_cq(pop, alloc, eqn, f"ICOSQ CQ of channel {c}", 7, c, None)
        cq_tx = add_cq(pop, alloc, eqn, f"TX CQ of channel {c}", 10, c, "tx")
        cq_xdp = add_cq(pop, alloc, eqn, f"XDP redirect SQ CQ of channel {c}", 10, c, None)
        cq_rx = add_cq(pop, alloc, eqn, f"RX CQ of channel {c}", 10, c, "rx")
        _sq(pop, alloc, cq_async, f"async ICOSQ of channel {c}", 6, c, None, umr=True)
        _sq(pop, alloc, cq_ico, f"ICOSQ of channel {c}", 7, c, None, umr=True)
        rqs.append(_rq(pop, alloc, cq_rx, f"RX queue of channel {c}", c,
                       pop.named["q_counter"]).number)
        _sq(pop, alloc, cq_tx, f"TX queue of channel {c} (TC 0)", 10, c, "tx")
        _sq(pop, alloc, cq_xdp, f"XDP redirect SQ of channel {c}", 10, c, None)
    _build_rss(pop, alloc, rqs)


def _rqt(pop: Population, alloc: Allocator, role: str, rqs: list[int], size: int) -> int:
    """An RQT spreading `size` entries over `rqs` round-robin, as mlx5e fills it: its own
    RQs, so plain RQ numbers (rq_vhca_id_format 0) and rqt_actual_size entries of them."""
    rqtn = alloc.take("rqt")
    members = [rqs[i % len(rqs)] for i in range(size)]
    values: dict[str, object] = {
        "rqt_context.list_q_type": 0, "rqt_context.rqt_max_size": size,
        "rqt_context.rq_vhca_id_format": 0, "rqt_context.rqt_actual_size": len(members),
    }
    values.update({f"{RQ_LIST}[{i}].rq_num": rqn for i, rqn in enumerate(members)})
    pop.add(HwObject("rqt", rqtn, "mlx5e", role, values,
                     refs=[("rq", rqn) for rqn in dict.fromkeys(members)], items=members))
    return rqtn


def _tir(pop: Population, alloc: Allocator, role: str, rqtn: int, hash_fn: str,
         l3: int = 0, l4: int = 0, fields: int = 0) -> int:
    tirn = alloc.take("tir")
    values: dict[str, object] = {
        "tir_context.disp_type": "INDIRECT", "tir_context.indirect_table": rqtn,
        "tir_context.rx_hash_fn": hash_fn, "tir_context.self_lb_block": 0,
        "tir_context.transport_domain": pop.named["netdev_tdn"],
    }
    if hash_fn == "TOEPLITZ":
        values.update({f"tir_context.rx_hash_toeplitz_key[{i}]": dword
                       for i, dword in enumerate(pop.toeplitz)})
        values.update({"tir_context.rx_hash_symmetric": 1,
                       "tir_context.rx_hash_field_selector_outer.l3_prot_type": l3,
                       "tir_context.rx_hash_field_selector_outer.l4_prot_type": l4,
                       "tir_context.rx_hash_field_selector_outer.selected_fields": fields})
    pop.add(HwObject("tir", tirn, "mlx5e", role, values,
                     refs=[("rqt", rqtn)]))
    return tirn


def _build_rss(pop: Population, alloc: Allocator, rqs: list[int]) -> None:
    rss_rqt = _rqt(pop, alloc, "RSS indirection table (all channels)", rqs, RSS_TABLE_SIZE)
    direct = [_rqt(pop, alloc, f"direct RQT of channel {c}", [rqn], 1)
              for c, rqn in enumerate(rqs)]
    tt_tirs: dict[str, int] = {}
    for name, ethertype, proto, fields in TRAFFIC_TYPES:
        l3 = 1 if ethertype == 0x86DD else 0
        l4 = 1 if proto == 17 else 0
        tt_tirs[name] = _tir(pop, alloc, f"RSS TIR for {name}", rss_rqt, "TOEPLITZ", l3, l4,
                             fields)
    direct_tirs = [_tir(pop, alloc, f"direct TIR of channel {c}", rqtn, "INVERTED_XOR8")
                   for c, rqtn in enumerate(direct)]
    pop.named.update({f"tir_{name}": tirn for name, tirn in tt_tirs.items()})
    pop.named["tir_direct_0"] = direct_tirs[0]
