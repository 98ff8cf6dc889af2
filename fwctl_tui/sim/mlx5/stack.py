"""Bring up the simulated driver stack on a function: core, netdev, steering, RDMA.

The shared resources come first (UAR, protection domains, transport domains, Q counters,
the netdev's physical-address mkey), then the netdev channels and steering, then what
mlx5_ib creates at probe: its device resources (a CQ, a basic SRQ and an XRC SRQ), the GSI
QP (QP1) and the UMR QP with their CQs, and the mkey cache's first entries.
"""

from __future__ import annotations

from fwctl_tui.sim.mlx5.netdev import add_cq, build_core_and_netdev
from fwctl_tui.sim.mlx5.population import Allocator, HwObject, Population
from fwctl_tui.sim.mlx5.steering import build_eswitch_qos, build_rx_steering
from fwctl_tui.sim.profile import Profile

PAGE = 4096


def _mkey(pop: Population, alloc: Allocator, owner: str, role: str, pdn: int, mode: int,
          start: int, length: int, length64: int = 0, remote: bool = False) -> int:
    index = alloc.take("mkey")
    variant = pop.rng.randrange(0x100)
    pop.add(HwObject("mkey", index, owner, role, {
        "memory_key_mkey_entry.access_mode_1_0": mode & 0x3,
        "memory_key_mkey_entry.access_mode_4_2": mode >> 2,
        "memory_key_mkey_entry.lw": 1, "memory_key_mkey_entry.lr": 1,
        "memory_key_mkey_entry.rw": int(remote), "memory_key_mkey_entry.rr": int(remote),
        "memory_key_mkey_entry.umr_en": int(owner == "mlx5_ib"),
        "memory_key_mkey_entry.qpn": 0xFFFFFF, "memory_key_mkey_entry.mkey_7_0": variant,
        "memory_key_mkey_entry.length64": length64, "memory_key_mkey_entry.pd": pdn,
        "memory_key_mkey_entry.start_addr": start, "memory_key_mkey_entry.len": length,
        "memory_key_mkey_entry.translations_octword_size": 0 if mode == 0 else length // PAGE // 2,
        "memory_key_mkey_entry.log_page_size": 12,
    }))
    pop.named.setdefault(f"mkey_{owner}", index << 8 | variant)
    return index


def _qp(pop: Population, alloc: Allocator, qpn: int, role: str, st: str, cqn: int) -> None:
    pop.add(HwObject("qp", qpn, "mlx5_ib", role, {
        "qpc.state": "RTS", "qpc.st": st, "qpc.pm_state": 3, "qpc.pd": pop.named["rdma_pdn"],
        "qpc.mtu": 3, "qpc.log_msg_max": 30, "qpc.log_rq_size": 8, "qpc.log_rq_stride": 2,
        "qpc.log_sq_size": 8, "qpc.uar_page": pop.named["uar"],
        "qpc.counter_set_id": pop.named["rdma_q_counter"], "qpc.cqn_snd": cqn,
        "qpc.cqn_rcv": cqn, "qpc.dbr_addr": pop.dma_address(),
        "qpc.q_key": 0x80010000 if st == "QP1" else 0,
        "qpc.primary_address_path.vhca_port_num": 1,
    }, refs=[("cq", cqn)]))


def _rdma(pop: Population, alloc: Allocator, eqn: int) -> None:
    pdn = pop.named["rdma_pdn"]
    devr_cq = add_cq(pop, alloc, eqn, "mlx5_ib device-resource CQ", 0, None, None, "mlx5_ib")
    srqn = alloc.take("srq")
    pop.add(HwObject("srq", srqn, "mlx5_ib", "mlx5_ib basic SRQ (device resources)", {
        "srq_context_entry.state": "GOOD", "srq_context_entry.log_srq_size": 0,
        "srq_context_entry.log_rq_stride": 2, "srq_context_entry.cqn": devr_cq.number,
        "srq_context_entry.pd": pdn, "srq_context_entry.dbr_addr": pop.dma_address(),
    }, refs=[("cq", devr_cq.number)]))
    xrc = alloc.take("srq")
    pop.add(HwObject("xrc_srq", xrc, "mlx5_ib", "mlx5_ib XRC SRQ (device resources)", {
        "xrc_srq_context_entry.state": 0, "xrc_srq_context_entry.log_xrc_srq_size": 0,
        "xrc_srq_context_entry.log_rq_stride": 2, "xrc_srq_context_entry.xrcd": 1,
        "xrc_srq_context_entry.cqn": devr_cq.number, "xrc_srq_context_entry.pd": pdn,
    }, refs=[("cq", devr_cq.number)]))
    gsi_cq = add_cq(pop, alloc, eqn, "GSI QP CQ", 8, None, None, "mlx5_ib")
    _qp(pop, alloc, 1, "GSI QP (QP1, RoCE connection management)", "QP1", gsi_cq.number)
    umr_cq = add_cq(pop, alloc, eqn, "UMR QP CQ", 7, None, None, "mlx5_ib")
    _qp(pop, alloc, alloc.take("qp"), "UMR QP (mkey registration)", "REG_UMR", umr_cq.number)
    for i in range(2):
        base = 0x7F40_0000_0000 + pop.rng.randrange(1 << 20) * PAGE
        _mkey(pop, alloc, "mlx5_ib", f"mkey cache entry {i} (MTT)", pdn, 1, base, 256 * PAGE,
              remote=True)


def build(profile: Profile, func: int, pop: Population, alloc: Allocator) -> None:
    """Populate `pop` with everything the stack creates, in driver order."""
    pop.toeplitz = [pop.rng.getrandbits(32) for _ in range(10)]
    pop.named.update({"uar": 0x2, "netdev_pdn": 0x2, "rdma_pdn": 0x3, "netdev_tdn": 0x1,
                      "rdma_tdn": 0x2, "q_counter": 0x1, "drop_q_counter": 0x2,
                      "rdma_q_counter": 0x3})
    for counter, role in ((0x1, "netdev RX queues"), (0x2, "netdev drop RQ"),
                          (0x3, "RDMA port 1")):
        pop.add(HwObject("q_counter", counter, "mlx5e" if counter < 3 else "mlx5_ib", role, {}))
    _mkey(pop, alloc, "mlx5e", "netdev physical-address mkey", pop.named["netdev_pdn"], 0, 0, 0,
          length64=1)
    build_core_and_netdev(profile, func, pop, alloc)
    mac = profile.port(func).mac_int
    build_rx_steering(pop, alloc, mac)
    if profile.caps["GENERAL"].max.get("eswitch_manager"):
        build_eswitch_qos(pop, alloc)
    first_comp_eq = next(o.number for o in pop.of_kind("eq") if o.channel == 0)
    _rdma(pop, alloc, first_comp_eq)
