"""The state of one simulated PCI function: what later commands see of earlier ones.

Everything a handler may read or change lives here, explicitly: the clock (seconds since
the model started, from the injected clock), the seeded randomness, the capability pages in
effect, the port's administrative and link state, the traffic and temperature models, the
counter sets and their clears, the object population, sticky register fields, user
contexts, the diagnostic sampling session and congestion-control settings.

The card did not start with the model: it booted `boot_uptime` seconds earlier (MGIR's
uptime) and its link came up `link_up_after_boot` seconds after that, so counters already
hold days or weeks of traffic at the first read.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from fwctl_tui.sim.mlx5 import stack
from fwctl_tui.sim.mlx5.link import LinkState
from fwctl_tui.sim.mlx5.population import Allocator, Population
from fwctl_tui.sim.mlx5.scenarios import Scenario
from fwctl_tui.sim.mlx5.thermal import Sensor
from fwctl_tui.sim.mlx5.traffic import CounterSet, PortTraffic
from fwctl_tui.sim.profile import Port, Profile

Clock = Callable[[], float]
DAY_S = 86400.0
LINK_UP_AFTER_BOOT_S = (25.0, 90.0)  # driver load, module power-up and link training
UID_FIRST = 1
MODULE_SENSOR_BASE = 64  # MTMP sensor_index of module 0


@dataclass
class DiagnosticSession:
    """QUERY/SET_DIAGNOSTIC_PARAMS state and when sampling started."""

    counter_ids: list[int] = field(default_factory=list)
    log_num_of_samples: int = 0
    log_sample_period: int = 0
    single: int = 0
    repetitive: int = 0
    sync: int = 0
    on_demand: int = 0
    enable: int = 0
    started_at: float = 0.0


class Device:
    """One function of the simulated adapter."""

    def __init__(self, profile: Profile, func: int, seed_key: str, clock: Clock) -> None:
        self.profile = profile
        self.func = func
        self.port: Port = profile.port(func)
        self.key = seed_key
        self._clock = clock
        self._t0 = clock()
        self.rng = random.Random(f"{seed_key}/init")
        self.boot_uptime = self.rng.uniform(3 * DAY_S, 40 * DAY_S)
        self.caps_max = {name: dict(page.max) for name, page in profile.caps.items()}
        self.caps_cur = {name: dict(page.cur) for name, page in profile.caps.items()}
        for pages in (self.caps_max, self.caps_cur):
            pages["GENERAL"].update({"vhca_id": func, "native_port_num": func + 1})
        self.link_up_after_boot = random.Random(f"{seed_key}/link").uniform(*LINK_UP_AFTER_BOOT_S)
        self.link = LinkState(0.0, up_before=self.boot_uptime - self.link_up_after_boot)
        self.traffic = PortTraffic(seed_key, self.port.speed_gbps, self.port.lanes, self.link)
        self.counter_sets: dict[Hashable, CounterSet] = {}
        temps = profile.temperature_c
        chip_key = seed_key.rsplit("/", 1)[0]  # the ASIC is shared by every function
        self.asic = Sensor(f"{chip_key}/asic", temps["typical"], temps["min"], temps["max"])
        module = self.port.module
        self.module_sensor = Sensor(f"{seed_key}/module", module.temperature_c,
                                    module.temperature_c - 6, module.temperature_c + 8)
        self.mtu = self.port.mtu
        self.registers: dict[tuple[int, tuple[Any, ...]], dict[str, Any]] = {}
        self.uctx: dict[int, int] = {}
        self._next_uid = UID_FIRST
        self.invalid_commands = 0  # what QUERY_VNIC_ENV reports as invalid_command
        self.diag = DiagnosticSession()
        self.cong_enabled: dict[tuple[int, int], int] = {}
        self.objects = Population(rng=random.Random(f"{seed_key}/objects"))
        self.alloc = Allocator({"eq": 0, "cq": 0x400, "qp": 0x108, "tis": 0x8, "rqt": 0x4,
                                "tir": 0x9, "ft": 0x1, "fg": 0x1, "fc": 0x800000, "sched": 0x1,
                                "mkey": 0x1, "srq": 0x1})
        stack.build(profile, func, self.objects, self.alloc)
        self.scenario: Scenario | None = None

    # -- scenarios -------------------------------------------------------------------------
    def start_scenario(self, name: str | None) -> None:
        """Play the named fault story from now (None ends the running one)."""
        self.advance_scenario()
        self._use(Scenario.start(name, self) if name else None)

    def advance_scenario(self) -> None:
        """Bring the link up to date with the running story (before every command)."""
        if self.scenario is not None:
            self.scenario.advance(self)

    def set_scenario_state(self, state: dict[str, Any] | None) -> None:
        """Restore a saved story (sim/state.py)."""
        self._use(Scenario(**state) if state is not None else None)

    def _use(self, scenario: Scenario | None) -> None:
        self.scenario = self.traffic.scenario = scenario
        self.module_sensor.heat = scenario.module_heat if scenario is not None else None

    # -- time ------------------------------------------------------------------------------
    @property
    def epoch(self) -> float:
        """The clock reading the model counts from (a persisted host keeps its own)."""
        return self._t0

    @epoch.setter
    def epoch(self, value: float) -> None:
        self._t0 = value

    def now(self) -> float:
        """Seconds since this model started (never negative)."""
        return max(0.0, self._clock() - self._t0)

    def uptime(self) -> float:
        return self.boot_uptime + self.now()

    # -- port ------------------------------------------------------------------------------
    @property
    def admin_up(self) -> bool:
        return self.link.admin_up

    @property
    def link_up(self) -> bool:
        return self.link.up

    def set_admin_up(self, up: bool) -> None:
        """Administrative state of the port (PAOS); the link follows it at once."""
        self.link.set_admin(up, self.now())

    def lose_link(self, blame: str) -> None:
        """The link breaks by itself (cable, module, peer); admin state stays as it was."""
        self.link.lose(blame, self.now())

    def restore_link(self) -> None:
        """Whatever broke the link is fixed; it comes back up if the port is admin up."""
        self.link.restore(self.now())

    def counters(self, key: Hashable) -> CounterSet:
        """The counter set for a group (created on first use, counting since boot)."""
        found = self.counter_sets.get(key)
        if found is None:
            found = self.counter_sets[key] = CounterSet(self.traffic, -self.boot_uptime)
        return found

    def rx_packets(self) -> int:
        return self.traffic.value("rx_packets", self.link.up_seconds(self.now()))

    def tx_packets(self) -> int:
        return self.traffic.value("tx_packets", self.link.up_seconds(self.now()))

    # -- user contexts -----------------------------------------------------------------------
    def create_uctx(self, caps: int) -> int:
        uid = self._next_uid
        self._next_uid += 1
        self.uctx[uid] = caps
        return uid

    def destroy_uctx(self, uid: int) -> None:
        self.uctx.pop(uid, None)

    # -- capabilities ------------------------------------------------------------------------
    def cap(self, page: str, name: str, current: bool = True) -> int:
        pages = self.caps_cur if current else self.caps_max
        return int(pages.get(page, {}).get(name, 0))
