"""A plot of one counter or rate over a watch session, drawn by textual-plotext.

The time axis is the session's: seconds, minutes or hours since the first sample,
whichever keeps the numbers readable; long series are thinned to what the width can
draw (monitor/series.downsample keeps each bucket's extreme, so spikes stay visible).
"""

from __future__ import annotations

from textual_plotext import PlotextPlot

from fwctl_tui.monitor.series import downsample

MINUTE, HOUR = 60.0, 3600.0


def time_axis(span_s: float) -> tuple[float, str]:
    """(divisor, label) for a session `span_s` seconds long."""
    if span_s > 3 * HOUR:
        return HOUR, "hours since start"
    if span_s > 3 * MINUTE:
        return MINUTE, "minutes since start"
    return 1.0, "seconds since start"


class SeriesPlot(PlotextPlot):
    """Shows one series; `points` is how many samples it holds (before thinning)."""

    DEFAULT_CSS = "SeriesPlot { height: 14; border: round $secondary; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.points = 0
        self.series_title = ""

    def show(self, title: str, xs: list[float], ys: list[float]) -> None:
        self.points, self.series_title = len(xs), title
        divisor, label = time_axis(xs[-1] - xs[0] if xs else 0.0)
        width = max(self.size.width * 2, 60)
        thin_x, thin_y = downsample(xs, ys, width)
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        if thin_x:
            plt.plot([x / divisor for x in thin_x], thin_y, marker="braille")
        plt.title(title)
        plt.xlabel(label)
        self.border_title = f"{title} · {len(xs)} samples"
        self.refresh()
