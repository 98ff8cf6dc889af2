"""Pilot tests: each issue-5 flow driven by keys on a seeded simulated ConnectX-7."""

from __future__ import annotations

import errno
import json
from pathlib import Path

from helpers.exchange_schema import check_exchange
from textual.widgets import Button, Checkbox, DataTable, OptionList, Select
from ui_support import (
    make_app,
    make_host,
    open_command,
    open_first_device,
    open_preview,
    open_result,
    screen_text,
    send_from_form,
    settle,
)

from fwctl_tui.consequence import Confirm
from fwctl_tui.screens.catalogue import CatalogueScreen
from fwctl_tui.screens.command import CommandScreen
from fwctl_tui.screens.devices import DevicesScreen
from fwctl_tui.screens.error import ErrorScreen
from fwctl_tui.screens.history import HistoryScreen
from fwctl_tui.screens.preview import PreviewScreen
from fwctl_tui.screens.result import ResultScreen
from fwctl_tui.uapi import Scope
from fwctl_tui.widgets.decoded_tree import DecodedTree
from fwctl_tui.widgets.hex_view import HexView


def facts(screen: PreviewScreen) -> dict[str, str]:
    return dict(screen.preview.facts())


async def test_query_flow_device_to_decoded_reply(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        devices = app.screen
        assert isinstance(devices, DevicesScreen)
        assert [e.name for e in devices.entries][:1] == ["sim:cx7"]
        await open_first_device(pilot)
        assert isinstance(app.screen, CatalogueScreen)
        assert app.device_kind == "simulated" and app.device_name == "sim:cx7"

        await open_command(pilot, "query_hca", "QUERY_HCA_CAP")
        form = app.screen
        assert isinstance(form, CommandScreen)
        assert form.request is not None and form.request[:2] == b"\x01\x00"  # opcode 0x100

        await pilot.press("ctrl+j")
        await pilot.pause()
        preview = app.screen
        assert isinstance(preview, PreviewScreen)
        assert preview.preview.scope is Scope.CONFIGURATION
        assert preview.preview.accepted and not preview.preview.taints
        assert preview.preview.confirm is Confirm.SEND
        assert "no effect on the running kernel" in facts(preview)["Effect"]
        assert facts(preview)["CAP_SYS_RAWIO"] == "not required"
        assert app.workspace.session is not None and app.workspace.session.history == []

        await pilot.press("enter")
        await settle(pilot)
        result = app.screen
        assert isinstance(result, ResultScreen)
        exchange = app.workspace.session.history[-1]
        assert exchange.errno == 0 and exchange.status == 0
        title = str(result.query_one("#result-body").border_title)
        assert title.startswith("QUERY_HCA_CAP · ") and title.endswith(" · OK")
        assert "0.40 ms" in title
        hex_view = result.query_one(HexView)
        assert hex_view.data == exchange.reply
        tree = result.query_one(DecodedTree)
        assert tree.root.children, "the decoded reply has fields"

        # tree -> hex: highlighting a field lights up its bytes
        await pilot.press("down")
        await pilot.pause()
        node = tree.cursor_node.data
        start = node.bit_offset // 8
        assert hex_view.highlighted_bytes is not None
        assert hex_view.highlighted_bytes[0] == start

        # hex -> tree: moving the byte cursor selects the covering field
        hex_view.focus()
        await pilot.pause()
        hex_view.move_cursor(0x10)
        await pilot.pause()
        await pilot.pause()
        selected = tree.cursor_node.data
        assert selected.bit_offset <= 0x10 * 8 < selected.bit_offset + max(selected.width_bits, 1)


async def test_refused_scope_shows_ebadmsg(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        preview = await open_preview(pilot, "query_diagnostic_params", "QUERY_DIAGNOSTIC_PARAMS")
        assert preview.preview.least_scope is Scope.DEBUG_READ_ONLY
        preview.query_one("#preview-scope", Select).value = Scope.CONFIGURATION
        await pilot.pause()
        assert not preview.preview.accepted
        assert preview.preview.refusal_errno == errno.EBADMSG
        assert "EBADMSG" in facts(preview)["Kernel accepts"]
        assert preview.preview.confirm is Confirm.CANCEL_FOCUSED
        assert app.focused is preview.query_one("#preview-cancel", Button)

        await pilot.click("#preview-send")
        await settle(pilot)
        error = app.screen
        assert isinstance(error, ErrorScreen)
        assert "EBADMSG" in error.title_text
        assert "allow-list" in error.happened
        assert app.workspace.session.history[-1].errno == errno.EBADMSG


async def test_tainting_scope_needs_acknowledgement(tmp_path: Path) -> None:
    host = make_host()
    app = make_app(tmp_path, host=host)
    async with app.run_test(size=(120, 36)) as pilot:
        preview = await open_preview(pilot, "set_diagnostic", "SET_DIAGNOSTIC_PARAMS")
        assert preview.preview.scope is Scope.DEBUG_WRITE
        assert preview.preview.confirm is Confirm.ACKNOWLEDGE
        assert "TAINT_FWCTL" in facts(preview)["Taint"]
        send = preview.query_one("#preview-send", Button)
        assert send.disabled
        assert app.focused is preview.query_one("#preview-cancel", Button)

        await pilot.click("#preview-send")  # disabled: nothing happens
        await pilot.press("enter")  # Enter on the focused Cancel closes, never sends
        await settle(pilot)
        assert app.workspace.session.history == []
        assert not host.kernel.tainted

        await pilot.press("ctrl+j")
        await pilot.pause()
        preview = app.screen
        assert isinstance(preview, PreviewScreen)
        preview.query_one(Checkbox).value = True
        await pilot.pause()
        assert not preview.query_one("#preview-send", Button).disabled
        await pilot.click("#preview-send")
        await settle(pilot)
        assert len(app.workspace.session.history) == 1
        assert app.workspace.session.history[0].scope is Scope.DEBUG_WRITE
        assert host.kernel.tainted, "the simulated kernel is now tainted"


async def test_escape_cancels_preview(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_preview(pilot, "query_hca", "QUERY_HCA_CAP")
        assert isinstance(app.screen, PreviewScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CommandScreen)
        assert app.workspace.session.history == []


async def test_register_read_modify_write_with_diff(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        await open_command(pilot, "paos", "ACCESS_REG:PAOS")
        form = app.screen
        assert isinstance(form, CommandScreen)
        form.query_one("#command-opmod", Select).value = 0  # write
        await settle(pilot)
        form.query_one("#f-register_data_local_port").value = "1"
        await pilot.pause()

        await pilot.press("ctrl+r")  # read the current value first
        await pilot.pause()
        preview = app.screen
        assert isinstance(preview, PreviewScreen)
        assert preview.plan.purpose == "read-current"
        assert preview.preview.scope is Scope.DEBUG_READ_ONLY
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form
        assert form.read_back is not None
        current = form.read_back["register_data.admin_status"]
        new = 2 if current != 2 else 1
        form.query_one("#f-register_data_admin_status", Select).value = new
        await settle(pilot)

        await pilot.press("ctrl+j")
        await pilot.pause()
        preview = app.screen
        assert isinstance(preview, PreviewScreen)
        assert preview.plan.is_write and preview.plan.op_mod == 0
        assert preview.plan.before is not None
        assert preview.plan.before["register_data.admin_status"] == current
        assert preview.plan.values["register_data.admin_status"] == new
        shown = screen_text(app)  # the diff, as the user reads it before sending
        assert any("Read-modify-write: " in row and "field(s) change" in row for row in shown)
        row = next(row for row in shown if "admin_status" in row and "(set for you)" not in row)
        assert row.index(f"({current})") < row.index(f"({new})"), row  # current, then new
        assert preview.preview.confirm is Confirm.CANCEL_FOCUSED
        await pilot.click("#preview-send")
        await settle(pilot)
        history = app.workspace.session.history
        assert [e.op_mod for e in history] == [1, 1, 0]  # read, re-read for the preview, write
        assert isinstance(app.screen, ResultScreen)


async def test_unplug_mid_session(tmp_path: Path) -> None:
    host = make_host()
    app = make_app(tmp_path, host=host)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        await open_command(pilot, "query_hca", "QUERY_HCA_CAP")
        host.functions[0].unplug()
        await send_from_form(pilot)
        error = app.screen
        assert isinstance(error, ErrorScreen)
        assert "is gone" in error.title_text and "ENODEV" in error.title_text
        assert app.workspace.session.history[-1].errno == errno.ENODEV

        await pilot.press("escape")
        await settle(pilot)
        devices = app.screen
        assert isinstance(devices, DevicesScreen)
        assert "sim:cx7" not in [e.name for e in devices.entries]
        assert app.device_name == ""


async def test_history_reopen_and_resend(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_result(pilot, "query_hca", "QUERY_HCA_CAP")
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        await pilot.press("escape", "f2")
        await pilot.pause()
        await pilot.press("ctrl+j")
        await pilot.pause()
        assert isinstance(app.screen, PreviewScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert len(app.workspace.session.history) == 2
        first, second = app.workspace.session.history
        assert first.request == second.request


async def test_send_disabled_while_rpc_in_flight(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        await open_command(pilot, "query_hca", "QUERY_HCA_CAP")
        send = app.screen.query_one("#command-send", Button)
        assert not send.disabled
        app.busy = True
        await pilot.pause()
        assert send.disabled
        await pilot.press("ctrl+j")
        await pilot.pause()
        assert isinstance(app.screen, CommandScreen), "no preview while an RPC is in flight"
        app.busy = False
        await pilot.pause()
        assert not send.disabled


async def test_catalogue_search_filters_by_field_and_opcode(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        screen = app.screen
        assert isinstance(screen, CatalogueScreen)
        everything = len(screen.found)
        await pilot.press("slash", *"admin_status")
        await pilot.pause()
        names = [row.name for row in screen.found]
        assert "ACCESS_REG:PAOS" in names and len(names) < everything
        option_list = screen.query_one(OptionList)
        assert option_list.option_count < everything
        await pilot.press(*(["backspace"] * len("admin_status")), *"0x5006")
        await pilot.pause()
        assert [row.name for row in screen.found] == ["ACCESS_REG:PAOS"]


async def test_help_export_copy_and_keymap(tmp_path: Path) -> None:
    app = make_app(tmp_path, keymap={"preview_send": "f5"})
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        await open_command(pilot, "query_hca", "QUERY_HCA_CAP")
        await pilot.press("f5")  # remapped from ctrl+j by the user's keymap
        await pilot.pause()
        assert isinstance(app.screen, PreviewScreen)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f1")  # help for the focused widget: the decoded tree
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        assert "Decoded tree" in str(app.screen.query_one(".help-title").content)
        await pilot.press("escape")
        await pilot.press("j")
        await pilot.pause()
        exports = list((tmp_path / "exports").glob("QUERY_HCA_CAP-*.json"))
        assert len(exports) == 1
        exported = json.loads(exports[0].read_text())
        check_exchange(exported, "export")  # the documented exchange schema, as send --json
        assert exported["command"] == "QUERY_HCA_CAP" and exported["reply"]["data_valid"]
        copied: list[str] = []
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        await pilot.press("y")
        await pilot.pause()
        assert copied and copied[0].startswith("fwctl-tui send sim:cx7 QUERY_HCA_CAP")
        assert "--scope" not in copied[0], "the least scope is send's default"
        assert "--yes" not in copied[0]


async def test_device_that_cannot_open_explains_why(tmp_path: Path) -> None:
    from fwctl_tui.discovery import DeviceEntry
    from fwctl_tui.screens.messages import DevicesScanned

    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        broken = DeviceEntry(name="fwctl3", dev_node="/dev/fwctl/fwctl3", can_open=False,
                             reason="Permission denied: run as root or add a udev rule")
        app.screen.post_message(DevicesScanned([broken]))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        error = app.screen
        assert isinstance(error, ErrorScreen)
        assert "udev rule" in error.happened


async def test_open_failure_is_explained(tmp_path: Path) -> None:
    host = make_host()
    app = make_app(tmp_path, host=host)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        host.functions[1].unplug()  # vanishes between the scan and the open
        await pilot.press("down", "enter")
        await settle(pilot)
        error = app.screen
        assert isinstance(error, ErrorScreen)
        assert error.title_text == "The device could not be opened"
        assert "ENODEV" in error.happened
        assert not app.busy


async def test_firmware_status_and_syndrome_are_explained(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        await open_command(pilot, "paos", "ACCESS_REG:PAOS")
        app.screen.query_one("#f-register_data_local_port").value = "9"  # no such port
        await pilot.pause()
        await send_from_form(pilot)
        result = app.screen
        assert isinstance(result, ResultScreen)
        assert str(result.query_one("#result-body").border_title).endswith("BAD_PARAM_ERR")
        status = str(result.query_one("#result-status").content)
        assert "status 0x03 BAD_PARAM_ERR" in status
        assert "syndrome 0x" in status
        assert "firmware check that failed" in status or "not by NVIDIA firmware" in status


async def test_form_hex_preview_follows_fields(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        await open_command(pilot, "paos", "ACCESS_REG:PAOS")
        form = app.screen
        assert isinstance(form, CommandScreen)
        hex_view = form.query_one("#request-hex", HexView)
        assert [s.access for s in form.specs[:4]] == ["INDEX"] * 4
        form.query_one("#f-register_data_local_port").focus()
        await pilot.pause()
        assert hex_view.highlighted_bytes == (17, 18)  # local_port: bits 136..143
        await pilot.press(*"0x2")
        await pilot.pause()
        assert form.request is not None and form.request[17] == 2
        assert hex_view.data == form.request
        await pilot.press("backspace", "backspace", "backspace", *"999")
        await pilot.pause()
        assert form.request is None, "out of range: nothing to send"
        error = form.query_one("#f-register_data_local_port-error")
        assert error.display and "out of range" in str(error.content)
        assert form.query_one("#command-send", Button).disabled

        await pilot.press("ctrl+t")  # raw hex mode
        await pilot.pause()
        await pilot.press(*"08 05 zz")
        await pilot.pause()
        assert form.request is None, "not hex: nothing to send"
        form.query_one("#command-raw").value = "08 05 00 00 00 00 00 01 00 00 50 06"
        await pilot.pause()
        assert form.request == bytes.fromhex("0805000000000001 00005006")
        await pilot.press("ctrl+j")
        await pilot.pause()
        preview = app.screen
        assert isinstance(preview, PreviewScreen)
        assert (preview.plan.opcode, preview.plan.op_mod) == (0x805, 1)


async def test_full_scope_without_cap_sys_rawio_predicts_eperm(tmp_path: Path) -> None:
    host = make_host()
    host.kernel.capabilities.discard("CAP_SYS_RAWIO")
    app = make_app(tmp_path, host=host)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        await open_command(pilot, "paos", "ACCESS_REG:PAOS")
        app.screen.query_one("#command-opmod", Select).value = 0  # a write, never read
        await settle(pilot)
        await pilot.press("ctrl+j")
        await settle(pilot)  # the preview reads the register first, in the worker
        preview = app.screen
        assert isinstance(preview, PreviewScreen)
        assert "read just now" in _rendered(preview.query_one("#preview-diff").content)
        preview.query_one("#preview-scope", Select).value = Scope.DEBUG_WRITE_FULL
        await pilot.pause()
        assert facts(preview)["CAP_SYS_RAWIO"] == "required; this process LACKS it"
        assert preview.preview.refusal_errno == errno.EPERM
        assert "before any taint" in facts(preview)["Taint"]
        await pilot.press("escape")
        await settle(pilot)
        assert [e.op_mod for e in app.workspace.session.history] == [1], "only the read"


async def test_rescan_keeps_the_highlighted_device(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("down", "f1")
        await settle(pilot)
        await pilot.press("escape", "r")
        await settle(pilot)
        devices = app.screen
        assert isinstance(devices, DevicesScreen)
        assert devices.query_one(DataTable).cursor_row == 1
        assert "sim:cx7.1" in str(devices.query_one("#device-details-text").content)


async def test_search_highlights_the_best_hit_and_down_walks_into_the_list(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_first_device(pilot)
        await pilot.press("slash", *"PPCNT")
        await pilot.pause()
        option_list = app.screen.query_one(OptionList)
        best = option_list.get_option_at_index(option_list.highlighted or 0)
        assert best.id == "ACCESS_REG:PPCNT"  # the register, not a field match above it
        await pilot.press("down")
        await pilot.pause()
        assert app.focused is option_list


async def test_typing_in_the_list_searches_without_losing_keys(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        await pilot.press("p", "a", "o", "s")  # straight from the list, no pause
        await pilot.pause()
        search = app.screen.query_one("#catalogue-search")
        assert search.value == "paos"
        await pilot.press("ctrl+u", "down", "slash", "m", "g", "i", "r")  # list, `/`, type
        await pilot.pause()
        assert search.value == "mgir"


def _rendered(renderable: object) -> str:
    """A rich renderable (the preview's diff table) as plain text."""
    from rich.console import Console

    console = Console(width=200, record=True)
    console.print(renderable)
    return console.export_text()
