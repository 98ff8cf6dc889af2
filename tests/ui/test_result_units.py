"""The result tree reads in engineer units, keeps the raw decode one key away, explains
units on F1, and never shows a failed command's bytes as data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers.port_registers import mtmp_celsius
from textual.widgets import Input, Static
from ui_support import (
    make_app,
    open_command,
    open_first_device,
    open_result,
    send_from_form,
    settle,
)

from fwctl_tui.screens.help import HelpScreen
from fwctl_tui.screens.result import ResultScreen
from fwctl_tui.widgets.decoded_tree import DecodedTree


def tree_lines(tree: DecodedTree) -> list[tuple[str, Any]]:
    """(label text, tree node) of every node added so far, in order."""
    out: list[tuple[str, Any]] = []
    stack = list(reversed(tree.root.children))
    while stack:
        node = stack.pop()
        out.append((str(node.label), node))
        stack.extend(reversed(node.children))
    return out


def line(tree: DecodedTree, name: str) -> tuple[str, Any]:
    return next((text, node) for text, node in tree_lines(tree)
                if text.startswith(name + " ") or text == name)


async def test_mtmp_in_celsius_raw_on_v_and_unit_on_f1(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        result = await open_result(pilot, "mtmp", "ACCESS_REG:MTMP")
        assert isinstance(result, ResultScreen)
        tree = result.query_one(DecodedTree)
        text, node = line(tree, "temperature")
        raw = node.data.value
        celsius = mtmp_celsius(raw)  # the PRM's step; a whole degree reads 57.0 °C
        assert text == f"temperature = {celsius} °C ({raw} ({raw:#x}))", text
        assert line(tree, "sensor_name")[0] == 'sensor_name = "ASIC"'

        tree.move_cursor(node)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        body = "\n".join(str(s.content) for s in app.screen.query(Static))
        assert "unit: °C (0.125 per count, signed)" in body
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("v")
        await settle(pilot)
        text, _ = line(tree, "temperature")
        assert "°C" not in text and str(raw) in text, text
        assert any(t.startswith("sensor_name_hi = ") for t, _ in tree_lines(tree))
        assert "(raw fields)" in str(tree.root.label)
        await pilot.press("v")
        await settle(pilot)
        assert "°C" in line(tree, "temperature")[0]


async def test_failed_query_shows_status_and_no_decoded_context(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_first_device(pilot)
        await open_command(pilot, "query_qp", "QUERY_QP")
        app.screen.query_one("#f-qpn", Input).value = "0xfffff0"  # no such QP
        await settle(pilot)
        result = await send_from_form(pilot)
        assert isinstance(result, ResultScreen)
        status = str(result.query_one("#result-status", Static).content)
        assert "BAD_RES_ERR" in status and "does not exist" in status
        assert "no object with this number" in status  # the syndrome agrees with it
        tree = result.query_one(DecodedTree)
        texts = [t for t, _ in tree_lines(tree)]
        assert any(t.startswith("rest of the reply") and "not valid" in t for t in texts), texts
        assert not any(t.startswith("qpc") for t in texts), texts
        await pilot.press("v")  # the raw decode is still there for who wants it
        await settle(pilot)
        assert any(t.startswith("qpc") for t, _ in tree_lines(tree))


async def test_ppcnt_counters_are_one_64_bit_line(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_first_device(pilot)
        await open_command(pilot, "ppcnt", "ACCESS_REG:PPCNT")
        app.screen.query_one("#f-register_data_local_port", Input).value = "1"
        await settle(pilot)
        result = await send_from_form(pilot)
        assert isinstance(result, ResultScreen)
        tree = result.query_one(DecodedTree)
        for _, node in tree_lines(tree):  # open every branch the reply has
            node.expand()
        await settle(pilot)
        texts = [t for t, _ in tree_lines(tree)]
        joined = [t for t in texts if t.startswith("a_frames_transmitted_ok = ")]
        assert joined, texts
        assert not any(t.startswith("a_frames_transmitted_ok_high") for t in texts)
