"""What the port dashboard's panels say, as rich Text (kept apart from the polling screen).

Every string from the device (module vendor, part, serial, labels) goes through
textsafe.printable, and Text is built by parts, never from markup.
"""

from __future__ import annotations

from rich.text import Text

from fwctl_tui.decoders.mlx5.shown import temperature_number, temperature_text
from fwctl_tui.monitor.series import DashboardView
from fwctl_tui.textsafe import printable

UP_STYLE, DOWN_STYLE, WARN_STYLE = "bold green", "bold red", "bold yellow"


def _v(value: object) -> str:
    return "n/a" if value is None else printable(str(value))


def _c(celsius: float | None) -> str:
    """An MTMP threshold at the sensor's step (decoders/mlx5/shown.py: one precision)."""
    return "n/a" if celsius is None else temperature_number(celsius)


def status_text(device: str, port: int, interval: float, paused: bool,
                view: DashboardView | None, running_s: float | None,
                failure: str | None, *, offline: bool = False) -> Text:
    if offline:
        text = Text(f"{printable(device)} · port {port} · RECORDED (replay, offline)",
                    style="bold")
    else:
        text = Text(f"{printable(device)} · port {port} · every {interval:g} s · ")
        text.append("PAUSED" if paused else "polling", style=WARN_STYLE if paused else "")
    if view is not None and view.slow:
        text.append(f" · last sample took {view.duration_ms / 1000:.1f} s (SLOW)",
                    style=WARN_STYLE)
    if running_s is not None:
        text.append(f" · sample running for {running_s:.1f} s (slow)", style=WARN_STYLE)
    if failure is not None:
        text.append(f" · last sample FAILED: {printable(failure)}", style=DOWN_STYLE)
    if view is not None and view.errors:
        text.append(" · unavailable: " + ", ".join(sorted(view.errors)), style=WARN_STYLE)
    return text


def counters_title(samples: int, view: DashboardView | None) -> str:
    """The counters table's border title: how many samples, how long the last took (a
    title, not the status line: changing it repaints the border, not the layout)."""
    last = f" · last {view.duration_ms:.0f} ms" if view is not None else ""
    return f"counters · {samples} samples{last}"


def link_text(view: DashboardView) -> Text:
    doc = view.summary
    state, speed, fec = doc["state"], doc["speed"], doc["fec"]
    text = Text("Link ", style="bold")
    up = state["oper"] == "up"
    text.append("UP" if up else ("DOWN" if state["oper"] == "down" else "n/a"),
                style=UP_STYLE if up else DOWN_STYLE)
    text.append(f"  admin {_v(state['admin'])} · {_v(state['physical'])}\n")
    if up:
        text.append(f"Speed {_v(speed['gbps'])}G · width {_v(speed['lanes'])}x · "
                    f"{printable(', '.join(speed['modes']))}\n")
        text.append(f"FEC {_v(fec['name'])}\n")
    elif doc["link_down"] is not None:
        down = doc["link_down"]
        text.append(f"Down: {_v(down['intent'])}, blame {_v(down['blame'])}\n",
                    style=DOWN_STYLE)
    changed = view.link_changed_at
    text.append("State unchanged since watching began\n" if changed is None else
                f"State changed {view.elapsed - changed:.0f} s ago\n")
    text.append(f"raw BER {_v(doc['raw_ber'])} · effective BER {_v(doc['effective_ber'])}")
    return text


def module_text(view: DashboardView) -> Text:
    module = view.summary["module"]
    text = Text("Module ", style="bold")
    text.append(f"{_v(module['type'])}\n{_v(module['vendor'])} {_v(module['part_number'])}"
                f" · SN {_v(module['serial'])}\n")
    temp, warning = module["temperature_c"], module["warning_c"]
    hot = temp is not None and warning is not None and temp >= warning
    text.append("Temperature ")
    text.append("n/a" if temp is None else temperature_text(temp), style=DOWN_STYLE if hot else "")
    text.append(f" (max {_c(module['max_temperature_c'])}, warning {_c(warning)}, "
                f"clear {_c(module['clear_c'])})\n")
    for lane in module["lanes"]:
        text.append(f"lane {lane['lane']}: rx {lane['rx_power']} tx {lane['tx_power']} "
                    f"bias {lane['tx_bias']} (raw)\n")
    return text
