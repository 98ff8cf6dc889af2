"""`fwctl-tui replay FILE --dashboard`: a recorded watch session in the port dashboard.

A small App of its own: no device, no session; the dashboard screen shows the model
rebuilt from the capture (monitor/replay.py) and plots any counter over the recording.
"""

from __future__ import annotations

from textual.app import App

from fwctl_tui.monitor.series import PortDashboard
from fwctl_tui.screens.dashboard import DashboardScreen


class ReplayDashboardApp(App[None]):
    """The port dashboard over a recorded session; escape or ctrl+q leaves."""

    CSS_PATH = "../app.tcss"
    TITLE = "fwctl-tui · recorded watch"

    def __init__(self, model: PortDashboard) -> None:
        super().__init__()
        self.model = model

    def on_mount(self) -> None:
        self.push_screen(DashboardScreen(None, None, port=self.model.port, offline=self.model),
                         lambda _: self.exit())
