"""Pilot tests: the capture browser and the capture diff view, driven by keys."""

from __future__ import annotations

from pathlib import Path

from helpers.captures import record_sample
from rich.console import Console
from textual.reactive import reactive
from textual.widgets import Input, Static
from ui_support import ScreenHost

from fwctl_tui.screens.capture_browser import CaptureBrowserScreen, LineList
from fwctl_tui.screens.capture_diff import CaptureDiffScreen
from fwctl_tui.widgets.decoded_tree import DecodedTree
from fwctl_tui.widgets.hex_view import HexView


def plain(widget: Static) -> str:
    console = Console(width=200, record=True)
    console.print(widget.content)
    return console.export_text()


def rows(screen: CaptureBrowserScreen) -> list[str]:
    view = screen.query_one("#capture-records", LineList)
    return [view.row_text(i).plain for i in range(view.count)]


async def test_browser_lists_filters_and_shows_a_record(tmp_path: Path) -> None:
    path = tmp_path / "session.jsonl"
    record_sample(path, polls=3)
    app = ScreenHost(lambda: CaptureBrowserScreen(path))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CaptureBrowserScreen)
        header = plain(screen.query_one("#capture-header", Static))
        assert "5 records" in header and "sim:test" in header and "28.39.1002" in header
        listed = rows(screen)
        assert len(listed) == 5
        assert " PPCNT " in listed[0] and "OK" in listed[0]  # registers by their own name
        assert "EBADMSG" in listed[4]
        assert screen.query_one("#capture-records", LineList).has_focus
        assert screen.query_one("#capture-hex", HexView).data == screen.current.exchange.reply

        await pilot.press("down")
        await pilot.pause()
        assert screen.current is not None and screen.current.seq == 2
        await pilot.press("r")
        await pilot.pause()
        assert screen.query_one("#capture-hex", HexView).data == screen.current.exchange.request
        assert "request" in str(screen.query_one("#capture-tree", DecodedTree).border_title)

        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        for key in "status=error":
            await pilot.press(key if key != "=" else "equals_sign")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        listed = rows(screen)
        assert len(listed) == 2 and "EBADMSG" in listed[1]
        assert "records 2/5" in str(screen.query_one("#capture-records", LineList).border_title)

        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CaptureBrowserScreen)


async def test_browser_says_why_a_file_cannot_be_opened(tmp_path: Path) -> None:
    path = tmp_path / "junk.jsonl"
    path.write_bytes(b"\x00\x01binary junk")
    app = ScreenHost(lambda: CaptureBrowserScreen(path))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        text = plain(app.screen.query_one("#capture-header", Static))
        assert "Cannot open capture" in text and "not JSON" in text and "junk.jsonl:1" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CaptureBrowserScreen)


async def test_diff_view_pairs_records_and_shows_changes(tmp_path: Path) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    record_sample(a, polls=2)
    record_sample(b, polls=3, head_start=10)
    app = ScreenHost(lambda: CaptureDiffScreen(a, b))
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CaptureDiffScreen)
        summary = plain(screen.query_one("#diff-summary", Static))
        assert "4 paired" in summary and "1 only in B" in summary and "0 only in A" in summary
        view = screen.query_one("#diff-pairs", LineList)
        listed = [view.row_text(i).plain for i in range(view.count)]
        assert any(row.startswith("only B#3 ACCESS_REG:PPCNT") for row in listed)
        await pilot.press("end")
        await pilot.pause()
        detail = plain(screen.query_one("#diff-detail", Static))
        assert "no counterpart" in detail
        await pilot.press("home")
        await pilot.pause()
        detail = plain(screen.query_one("#diff-detail", Static))
        assert screen.report is not None
        first = screen.report.changed[0]
        assert first.seq_a == first.seq_b and first.changes
        assert all(change.field.rsplit(".", 1)[-1] in detail for change in first.changes)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CaptureDiffScreen)


SAMPLES = Path(__file__).parents[2] / "captures"


def tree_labels(tree: DecodedTree) -> list[str]:
    labels, stack = [], [tree.root]
    while stack:
        node = stack.pop()
        labels.append(node.label.plain)
        stack.extend(node.children)
    return labels


async def test_browser_decodes_a_sample_record(tmp_path: Path) -> None:
    app = ScreenHost(lambda: CaptureBrowserScreen(SAMPLES / "02-link-down.jsonl"))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("down", "down")
        await pilot.pause()
        assert screen.current is not None and screen.current.exchange.command == "ACCESS_REG:PAOS"
        tree = screen.query_one("#capture-tree", DecodedTree)
        labels = tree_labels(tree)
        assert any(label.startswith("oper_status = ") for label in labels)
        assert "#3 ACCESS_REG:PAOS reply" in str(tree.border_title)
        status = plain(screen.query_one("#capture-status", Static))
        assert "oper_status=2" in status
        await pilot.press("slash", *"PDDR", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(rows(screen)) == 4 and all("PDDR" in row for row in rows(screen))


async def test_browser_scrolls_a_big_capture_without_mounting_rows(tmp_path: Path) -> None:
    from bench.capture_bench import generate

    path = tmp_path / "big.jsonl"
    generate(path, 20_000)
    app = ScreenHost(lambda: CaptureBrowserScreen(path))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        screen = app.screen
        view = screen.query_one("#capture-records", LineList)
        assert view.count == 20_000 and not view.children
        await pilot.press("end")
        await pilot.pause()
        assert screen.current is not None and screen.current.seq == 20_000
        assert view.scroll_offset.y > 19_900
        await pilot.press("pageup")
        await pilot.pause()
        assert screen.current.seq < 20_000


async def test_diff_view_says_why_it_cannot_compare(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.jsonl"
    record_sample(good, polls=1)
    bad.write_text('{"type": "header", "schema": 99}\n')
    app = ScreenHost(lambda: CaptureDiffScreen(good, bad))
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        summary = plain(app.screen.query_one("#diff-summary", Static))
        assert "Cannot compare" in summary and "schema 99 is newer" in summary


async def test_browser_shows_a_2_mib_record(tmp_path: Path) -> None:
    import json

    from fwctl_tui.decoders import catalogue, encode_input

    command = catalogue.find("QUERY_NIC_VPORT_CONTEXT")
    request = encode_input(command, {})
    reply = bytes(16) + bytes(range(256)) * 8 + bytes(2 * 1024 * 1024 - 16 - 2048)
    path = tmp_path / "big-reply.jsonl"
    record_sample(path, polls=1)
    with path.open("a") as stream:
        stream.write(json.dumps({"type": "rpc", "seq": 4, "scope": "DEBUG_READ_ONLY",
                                 "command": command.name, "request": request.hex(),
                                 "reply": reply.hex(), "out_cap": len(reply),
                                 "out_len": len(reply)}) + "\n")
    app = ScreenHost(lambda: CaptureBrowserScreen(path))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("end")
        await pilot.pause()
        assert screen.query_one("#capture-hex", HexView).data == reply
        await app.workers.wait_for_complete()
        await pilot.pause()
        tree = screen.query_one("#capture-tree", DecodedTree)
        assert str(tree.root.label.plain).startswith("#4 QUERY_NIC_VPORT_CONTEXT reply · 2097152 B")
        assert any(label.startswith("roce_en = ") for label in tree_labels(tree))


class ReplayHost(ScreenHost):
    """A host app with the device state the DeviceBar reads, as the real App has it."""

    device_kind = reactive("replay")
    device_name = reactive("replay:session.jsonl")
    recording_label = reactive("")
    busy = reactive(False)


async def test_both_capture_screens_show_the_device_badge(tmp_path: Path) -> None:
    from fwctl_tui.widgets.device_bar import DeviceBar

    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    record_sample(a, polls=1)
    record_sample(b, polls=1, head_start=2)
    for factory in (lambda: CaptureBrowserScreen(a), lambda: CaptureDiffScreen(a, b)):
        app = ReplayHost(factory)
        async with app.run_test(size=(120, 36)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            bar = app.screen.query_one(DeviceBar)
            text = plain(bar)
            assert "REPLAY" in text and "replay:session.jsonl" in text
            assert bar.region.y == 0  # docked on top, above the screen's own header


async def test_diff_view_lists_unreadable_lines_and_damaged_pairs(tmp_path: Path) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    record_sample(a, polls=2)
    record_sample(b, polls=2, head_start=5)
    lines = b.read_text().splitlines()
    lines[2] = lines[2][:40]
    b.write_text("\n".join(lines) + "\n")
    app = ScreenHost(lambda: CaptureDiffScreen(a, b))
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        summary = plain(app.screen.query_one("#diff-summary", Static))
        assert f"⚠ B: {b}:3: not valid JSON" in summary.replace("\n", "")
        assert "different sessions" in summary


async def test_browser_refuses_an_unknown_status_filter(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    record_sample(path, polls=1)
    app = ScreenHost(lambda: CaptureBrowserScreen(path))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"status", "equals_sign", *"nope", "enter")
        await pilot.pause()
        status = plain(app.screen.query_one("#capture-status", Static))
        assert "unknown status 'nope'" in status and "BAD_PARAM_ERR" in status
        assert len(rows(app.screen)) == 3  # the list is unchanged


async def test_markup_in_a_capture_never_crashes_the_views(tmp_path: Path) -> None:
    """Capture files are untrusted: a command named like Rich markup is shown as text."""
    text = (SAMPLES / "02-link-down.jsonl").read_text()
    hostile = tmp_path / "hostile.jsonl"
    hostile.write_text(text.replace('"command":"ACCESS_REG:PAOS"', '"command":"PAOS[/]"', 1))
    assert "PAOS[/]" in hostile.read_text()
    app = ScreenHost(lambda: CaptureBrowserScreen(hostile))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        screen = app.screen  # the first record (the renamed one) is shown on open
        assert screen.current is not None and screen.current.exchange.command == "PAOS[/]"
        assert "PAOS" in str(screen.query_one("#capture-tree", DecodedTree).border_title)
    diff = ScreenHost(lambda: CaptureDiffScreen(hostile, SAMPLES / "02-link-down.jsonl"))
    async with diff.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert diff.is_running
