"""`fwctl-tui sim status|reset|scenario`: the persistent simulated hosts.

`sim:` devices keep their state between runs (sim/store.py). `status` shows what is
saved (state file, simulated boot, uptime, taint, each port's link and scenario; for
sim:cxl-mem and sim:pds, cli/sim_drivers.py, what differs from a new device), `reset`
forgets a profile's host (or all) so the next run starts a new card, and `scenario`
starts or stops a named fault story on one simulated port.
"""

from __future__ import annotations

import argparse
import contextlib
import time
from typing import TYPE_CHECKING, Any

from fwctl_tui.cli import EXIT_DEVICE, EXIT_OK, EXIT_USAGE, CliError, add_json_flag, print_json
from fwctl_tui.textsafe import printable

if TYPE_CHECKING:
    from fwctl_tui.connect import SimHosts


def register(subparsers: Any) -> None:
    sim = subparsers.add_parser(
        "sim", help="inspect, reset or drive the persistent simulated hosts",
        description="Simulated hosts keep their state between runs, per profile, in the user "
                    "state directory. status: what is saved; reset: start over; scenario: play "
                    "a fault story on a port.")
    actions = sim.add_subparsers(dest="sim_action", metavar="ACTION", required=True)
    status = actions.add_parser("status", help="show the saved simulated hosts")
    status.add_argument("profile", nargs="?", metavar="PROFILE")
    add_json_flag(status)
    status.set_defaults(handler=cmd_status)
    reset = actions.add_parser("reset", help="forget a profile's simulated host (default: all)")
    reset.add_argument("profile", nargs="?", metavar="PROFILE")
    add_json_flag(reset)
    reset.set_defaults(handler=cmd_reset)
    scenario = actions.add_parser(
        "scenario", help="start (or with 'none' stop) a fault story on a simulated port",
        description="Scenarios: " + "; ".join(f"{k}: {v}" for k, v in _scenarios().items()))
    scenario.add_argument("device", metavar="DEVICE", help="sim:PROFILE[.FUNC]")
    scenario.add_argument("name", metavar="SCENARIO", help=", ".join([*_scenarios(), "none"]))
    add_json_flag(scenario)
    scenario.set_defaults(handler=cmd_scenario)


def _scenarios() -> dict[str, str]:
    from fwctl_tui.sim.mlx5.scenarios import SCENARIOS

    return SCENARIOS


def _profiles(name: str | None) -> list[str]:
    """ConnectX profiles, then the plug-in simulators' (cxl-mem, pds)."""
    from fwctl_tui.drivers import simulator_profiles
    from fwctl_tui.sim.profile import PROFILES

    every = [*PROFILES, *simulator_profiles()]
    if name is None:
        return every
    if name not in every:
        raise CliError(f"unknown simulation profile {printable(name)!r}; choose one of "
                       f"{', '.join(every)}", EXIT_USAGE)
    return [name]


def cmd_status(args: argparse.Namespace) -> int:
    from fwctl_tui.cli.sim_drivers import driver_status, format_driver_status
    from fwctl_tui.sim.driver_host import saved_driver_profiles
    from fwctl_tui.sim.store import saved_profiles, state_dir

    wanted = _profiles(args.profile)
    hosts = [host_status(p) for p in saved_profiles() if p in wanted]
    drivers = [driver_status(p) for p in saved_driver_profiles() if p in wanted]
    if args.json:
        print_json({"state_dir": str(state_dir()), "hosts": hosts + drivers})
        return EXIT_OK
    if not hosts and not drivers:
        print(f"no saved simulated host{' for ' + args.profile if args.profile else ''} "
              f"in {printable(str(state_dir()))}")
        return EXIT_OK
    for host in hosts:
        print(format_status(host))
    for host in drivers:
        print(format_driver_status(host))
    return EXIT_OK


def host_status(profile: str) -> dict[str, Any]:
    """One saved host as `sim status --json` shows it."""
    from fwctl_tui.sim.host import SimHost, StoreError

    try:
        host = SimHost.persistent(profile)
    except StoreError as err:
        return {"profile": profile, "error": err.message}
    with host.transaction():
        ports = []
        for function in host.functions:
            dev = function.firmware.device
            dev.advance_scenario()
            ports.append({"device": function.name, "admin_up": dev.admin_up,
                          "link_up": dev.link_up, "link_down_events": dev.link.down_events,
                          "scenario": function.scenario, "mtu": dev.mtu})
        model_s = time.time() - host.started_at
        boot_uptime = host.functions[0].firmware.device.boot_uptime
        return {"profile": profile, "state_file": host.store_path, "seed": host.seed,
                "session": host.instance_id, "started_at": host.started_at,
                "uptime_s": round(boot_uptime + model_s, 3),
                "booted_at": round(host.started_at - boot_uptime, 3),
                "tainted": bool(host.kernel.tainted), "kernel_log": list(host.kernel.log),
                "ports": ports}


def format_status(host: dict[str, Any]) -> str:
    if "error" in host:
        return f"{host['profile']}: {printable(host['error'])}"
    booted = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(host["booted_at"]))
    lines = [f"sim:{host['profile']}  state {printable(host['state_file'])}",
             f"  booted {booted} (uptime {host['uptime_s'] / 86400:.1f} days), session "
             f"{host['session']}, kernel {'TAINTED (simulated)' if host['tainted'] else 'clean'}"]
    for port in host["ports"]:
        link = "up" if port["link_up"] else "down"
        admin = "up" if port["admin_up"] else "down"
        story = f", scenario {port['scenario']}" if port["scenario"] else ""
        lines.append(f"  {port['device']}: admin {admin}, link {link}, "
                     f"{port['link_down_events']} link-down events{story}")
    return "\n".join(lines)


def cmd_reset(args: argparse.Namespace) -> int:
    from fwctl_tui.cli.sim_drivers import reset_driver
    from fwctl_tui.drivers import simulator_profiles
    from fwctl_tui.sim.store import HostStore, StoreError

    removed = []
    for profile in _profiles(args.profile):
        try:
            if (reset_driver(profile) if profile in simulator_profiles()
                    else HostStore(profile).remove()):
                removed.append(profile)
        except StoreError as err:
            raise CliError(err.message, EXIT_DEVICE) from None
        args.sim_hosts.forget(profile)  # this run's copy is forgotten too
    if args.json:
        print_json({"reset": removed})
    elif removed:
        print("reset " + ", ".join(f"sim:{p}" for p in removed) + ": the next run starts a "
              "new simulated card")
    else:
        print("nothing to reset: no saved simulated host")
    return EXIT_OK


def cmd_scenario(args: argparse.Namespace) -> int:
    name = None if args.name == "none" else args.name
    start_scenario(args.sim_hosts, args.device, name)
    if args.json:
        print_json({"device": args.device, "scenario": name})
    else:
        print(f"{args.device}: " + (f"playing {name}" if name else "no scenario"))
    return EXIT_OK


def start_scenario(hosts: SimHosts, device: str, name: str | None) -> None:
    """Start `name` on a sim: device's port of `hosts` (CliError for anything else); shared
    by the `--scenario` options of watch, link and the TUI."""
    from fwctl_tui.connect import SIM_PREFIX
    from fwctl_tui.sim import host as sim_host

    if not device.startswith(SIM_PREFIX):
        raise CliError(f"--scenario plays on simulated devices only (sim:PROFILE), not "
                       f"{printable(device)!r}", EXIT_USAGE)
    if name is not None and name not in _scenarios():
        with contextlib.suppress(LookupError):  # a bad device name is said below
            _not_a_port_simulator(sim_host.split_name(device)[0])
        raise CliError(f"unknown scenario {printable(name)!r}; choose one of "
                       f"{', '.join(_scenarios())} (or none)", EXIT_USAGE)
    try:
        profile, _ = sim_host.split_name(device)
        _not_a_port_simulator(profile)
        _profiles(profile)
        function = hosts.get(profile).function(device)
        function.start_scenario(name)
    except LookupError as err:
        raise CliError(str(err), EXIT_USAGE) from None
    except sim_host.StoreError as err:
        raise CliError(err.message, EXIT_DEVICE) from None


def _not_a_port_simulator(profile: str) -> None:
    """CliError (usage) for a device type's simulator (sim:cxl-mem, sim:pds): scenarios
    are stories of the ConnectX port simulator, and those devices have no port."""
    from fwctl_tui.drivers import simulator_profiles
    from fwctl_tui.sim.profile import PROFILES

    if profile in simulator_profiles():
        raise CliError(f"scenarios are fault stories of the ConnectX port simulator "
                       f"({', '.join('sim:' + p for p in PROFILES)}); they do not apply "
                       f"to sim:{profile}, a simulated device without a network port",
                       EXIT_USAGE)
