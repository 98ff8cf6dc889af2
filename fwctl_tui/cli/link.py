"""`fwctl-tui link DEVICE [--port N] [--json]`: the port summary, once (mlxlink's first screen).

State, speed and lanes, FEC in use, why the link is down and whose side, the module
(type, vendor, part, serial, temperature in degC with its thresholds, per-lane monitors),
the error counters and raw BER, and traffic. A register the device refuses is listed
under `unavailable` (JSON) or `unavailable:` (text); the rest is still shown.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from fwctl_tui.cli import EXIT_DEVICE, EXIT_OK, CliError, add_json_flag, open_connection, print_json
from fwctl_tui.cli.other_types import is_other_type, refusal
from fwctl_tui.connect import device_type_hint
from fwctl_tui.decoders.mlx5.shown import temperature_number
from fwctl_tui.monitor.link import PROBES, PortReader, summary
from fwctl_tui.textsafe import printable

NOT_A_PORT = "`link` reads mlx5 port registers (PAOS, PTYS, PDDR, MTMP, PPCNT)"


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "link", help="the port summary: state, speed, FEC, module, errors",
        description="Read one port's link registers (PAOS, PTYS, PDDR, MTMP, PPCNT) and "
                    "print its summary, like the first screen of mlxlink.")
    p.add_argument("device", metavar="DEVICE")
    p.add_argument("--port", type=int, default=1, metavar="N",
                   help="local port (default 1: a function's own port)")
    p.add_argument("--capture", metavar="FILE", help="append the RPCs to a capture file")
    p.add_argument("--scenario", metavar="NAME",
                   help="sim: devices: play a fault story first (see `sim scenario`)")
    add_json_flag(p)
    p.set_defaults(handler=cmd_link)


def cmd_link(args: argparse.Namespace) -> int:
    if not 0 < args.port < 1 << 10:
        raise CliError(f"--port {args.port}: a local port is 1..1023", field="port")
    if args.scenario is not None:
        from fwctl_tui.cli.sim import start_scenario

        scenario = None if args.scenario == "none" else args.scenario
        start_scenario(args.sim_hosts, args.device, scenario)  # (says so for cxl/pds first)
    kind = device_type_hint(args.device, getattr(args, "root", None))
    if is_other_type(kind):
        assert kind is not None
        raise refusal(args.device, kind, NOT_A_PORT)
    with open_connection(args, args.device) as conn:
        if is_other_type(conn.entry.device_type):  # FWCTL_INFO tells what sysfs did not
            raise refusal(conn.name, conn.entry.device_type, NOT_A_PORT)
        session = conn.session()
        if args.capture:
            from fwctl_tui.cli.watch import record_to

            record_to(session, conn, Path(args.capture))
        sample = PortReader(session, conn.kernel_state(), args.port).read()
        doc = summary(sample, conn.name, args.port)
    if all(probe.key in sample.errors for probe in PROBES):  # the port itself is not there
        first = sample.errors[PROBES[0].key]
        raise CliError(f"port {args.port} of {conn.name}: no register answered ({first})",
                       EXIT_DEVICE, port=args.port)
    if args.json:
        print_json(doc)
    else:
        print(format_summary(doc))
    return EXIT_OK


def _value(value: Any) -> str:
    return "n/a" if value is None else printable(str(value))


def _celsius(value: float | None) -> str:
    """An MTMP reading at the sensor's step, as every screen shows it (59.625)."""
    return "n/a" if value is None else temperature_number(value)


def format_summary(doc: dict[str, Any]) -> str:
    state, speed, fec, module = doc["state"], doc["speed"], doc["fec"], doc["module"]
    rows = [("Operational Info", None),
            ("State", f"{_value(state['oper'])} (admin {_value(state['admin'])})"),
            ("Physical state", _value(state["physical"]))]
    if state["oper"] == "up":
        modes = ", ".join(speed["modes"])
        rows += [("Speed", f"{_value(speed['gbps'])}G ({printable(modes)})"),
                 ("Width", f"{_value(speed['lanes'])}x"), ("FEC", _value(fec["name"]))]
    elif doc["link_down"] is not None:
        down = doc["link_down"]
        rows.append(("Down reason", f"{_value(down['intent'])}, blame {_value(down['blame'])}"))
    temp = module["temperature_c"]
    rows += [("Module Info", None), ("Type", _value(module["type"])),
             ("Vendor", _value(module["vendor"])), ("Part number", _value(module["part_number"])),
             ("Serial", _value(module["serial"])),
             ("Temperature [C]", "n/a" if temp is None else
              f"{_celsius(temp)} (max {_celsius(module['max_temperature_c'])}, warning "
              f"{_celsius(module['warning_c'])})"),
             *((f"Lane {lane['lane']}", f"rx {lane['rx_power']} tx {lane['tx_power']} "
                f"bias {lane['tx_bias']} (raw)") for lane in module["lanes"])]
    rows += [("Errors", None), *((k, str(v)) for k, v in doc["errors"].items()),
             ("raw BER", _value(doc["raw_ber"])), ("effective BER", _value(doc["effective_ber"]))]
    rows += [("Traffic", None), *((k, str(v)) for k, v in doc["traffic"].items())]
    if doc["unavailable"]:
        rows += [("unavailable", None),
                 *((k, printable(v)) for k, v in doc["unavailable"].items())]
    lines = [f"{doc['device']} port {doc['port']}"]
    for name, value in rows:
        lines.append(f"\n{name}" if value is None else f"  {name:<26}: {value}")
    return "\n".join(lines)


def replay_dashboard(path: str, port: int) -> int:
    """`replay FILE --dashboard`: the recorded watch of `port` in the dashboard (TUI)."""
    from fwctl_tui.captures.format import CaptureError
    from fwctl_tui.monitor.replay import dashboard_from_capture

    try:
        model, count = dashboard_from_capture(path, port)
    except FileNotFoundError:
        raise CliError(f"capture file {printable(path)!r} does not exist") from None
    except (OSError, CaptureError) as err:
        raise CliError(f"cannot read {printable(path)}: {err}") from None
    if count == 0:
        raise CliError(f"{printable(path)} holds no dashboard samples of port {port} (record "
                       "one with the dashboard, f6 in the TUI, or `link --capture`)")
    from fwctl_tui.screens.dashboard_replay import ReplayDashboardApp

    ReplayDashboardApp(model).run()
    return EXIT_OK
