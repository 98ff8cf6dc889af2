"""A recorded watch rebuilt into the dashboard model: samples, rates, link changes."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from helpers.clocks import CardClock
from helpers.port_registers import reply_value

from fwctl_tui.captures import open_recorder
from fwctl_tui.connect import SimHosts, open_device
from fwctl_tui.monitor.link import PortReader
from fwctl_tui.monitor.replay import dashboard_from_capture
from fwctl_tui.sim.host import SimHost

FEC = "FEC corrected blocks"


@pytest.fixture
def card_time() -> list[float]:
    """The card's time, seconds; the tests move it."""
    return [500.0]


def record_watch(path: Path, samples: int, now: list[float], *,
                 down_at: int | None = None) -> list[float]:
    """`samples` dashboard reads of a seeded card 10 s apart, recorded; the live deltas."""
    host = SimHost("cx7", seed=5, clock=lambda: now[0])
    host.functions[0].start_scenario("fec-degrading")
    with open_device("sim:cx7", hosts=SimHosts({"cx7": host}), clock=CardClock(now)) as conn:
        session = conn.session()
        recorder = open_recorder(path, conn.entry, conn.kernel_state())
        session.listeners.append(recorder.record)
        reader = PortReader(session, conn.kernel_state(), clock=lambda: now[0])
        values = []
        for i in range(samples):
            if i == down_at:
                host.functions[0].firmware.device.set_admin_up(False)
            values.append(reader.read().counters()[FEC])
            now[0] += 10.0
        recorder.close()
    return [float(b - a) for a, b in itertools.pairwise(values)]


def test_a_recorded_watch_gives_back_its_samples_and_series(tmp_path: Path,
                                                             card_time: list[float]) -> None:
    path = tmp_path / "watch.jsonl"
    deltas = record_watch(path, 5, card_time, down_at=4)
    model, count = dashboard_from_capture(path)
    assert count == 5
    series = model.series[FEC]
    assert len(series.values) == 5 and len(series.rates) == 4
    # same deltas as live; the rates use the recording's own clock, and they rise
    assert [series.values[i + 1] - series.values[i] for i in range(4)] == deltas
    assert series.rates == pytest.approx([d / 10.0 for d in deltas])  # 10 s apart
    assert series.rates == sorted(series.rates) and series.rates[0] > 0
    assert model.last is not None
    assert model.last.summary["state"]["oper"] == "down"
    assert model.last.summary["link_down"]["intent"] == "intentional"
    assert model.last.link_changed_at is not None
    # the port's lanes, as PMLP (read once, before the samples) maps them, in every sample
    pmlp = next(json.loads(line) for line in path.read_text().splitlines()
                if '"ACCESS_REG:PMLP"' in line)
    width = reply_value(bytes.fromhex(pmlp["reply"]), "PMLP", "width")
    assert width == 4
    assert [row["lane"] for row in model.last.summary["module"]["lanes"]] == list(range(width))


def test_a_capture_without_dashboard_reads_has_no_samples(tmp_path: Path, card_time) -> None:
    path = tmp_path / "empty.jsonl"
    record_watch(path, 0, card_time)
    assert dashboard_from_capture(path)[1] == 0


def test_replay_dashboard_cli_refuses_what_it_cannot_show(tmp_path: Path, capsys,
                                                         card_time) -> None:
    from fwctl_tui.__main__ import main

    path = tmp_path / "empty.jsonl"
    record_watch(path, 0, card_time)
    assert main(["replay", str(path), "--dashboard"]) == 2
    assert "no dashboard samples" in capsys.readouterr().err
    assert main(["replay", str(tmp_path / "nope.jsonl"), "--dashboard"]) == 2


@pytest.mark.parametrize("kind", ["rate", "value"])
def test_series_points_by_kind(tmp_path: Path, kind: str, card_time) -> None:
    path = tmp_path / "watch.jsonl"
    record_watch(path, 3, card_time)
    model, _ = dashboard_from_capture(path)
    xs, ys = model.series[FEC].points(kind)
    assert len(xs) == len(ys) == (2 if kind == "rate" else 3)
