"""The command form: fields, op_mod, a live hex preview of the exact input bytes, send.

The bytes shown are the encoder's output for the current field values, recomputed on
every change, with the field under the cursor lit up in the hex (the decoder says
where it lives). Experts can switch to raw hex. Register writes are read-modify-write:
"Read current" reads the register (through the preview like any RPC) and refills the
form; the write itself is built when it is previewed, from the register read again
then and the fields the user edited (write_intent, as `send --set` builds it), so the
diff is never against a stale read. Fields start at values that work on this device
(objects that exist, the port last used: object_hints).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Input, Select, Static

from fwctl_tui.exchange import Exchange
from fwctl_tui.screens.error import ErrorScreen
from fwctl_tui.screens.keys import key_of, with_keys
from fwctl_tui.screens.messages import ReadBack, RpcRequested
from fwctl_tui.widgets.command_form import CommandForm, FieldSpecLike, FormHints, field_summary
from fwctl_tui.widgets.device_bar import DeviceBar
from fwctl_tui.widgets.hex_view import HexView
from fwctl_tui.widgets.key_footer import KeyFooter
from fwctl_tui.widgets.scope_badge import scope_text
from fwctl_tui.workbench import catalogue_model
from fwctl_tui.workbench.catalogue_model import Row

if TYPE_CHECKING:
    from fwctl_tui.workbench.workspace import PlannedRpc


def _tail(path: str) -> str:
    """A field path without its envelope (`access_register_in.register_data.x` -> `x`)."""
    return path.rsplit("register_data.", 1)[-1]


def match_read_back(form_paths: list[str], decoded: dict[str, object]) -> dict[str, int]:
    """Values read back, keyed by the form's paths (matched on the path inside the data).

    Pass only the paths a read-back may change: INDEX fields say *which* object was
    read and stay as the user typed them."""
    by_tail = {_tail(path): value for path, value in decoded.items()
               if isinstance(value, int)}  # a form field is a number
    return {p: by_tail[_tail(p)] for p in form_paths if _tail(p) in by_tail}


def breakpoint_classes(app: App[int]) -> str:
    """The width class (`-narrow`/`-wide`) Textual would give a screen on its first
    resize, given at construction: set after compose, it restyles every widget again."""
    width = app.size.width
    fitting = [(edge, name) for edge, name in app.HORIZONTAL_BREAKPOINTS or [] if width >= edge]
    return max(fitting)[1] if fitting else ""


def opmod_width(labels: list[str]) -> int:
    """Cells for the op_mod Select: the longest label plus the Select's border and arrow."""
    return min(max((len(label) for label in labels), default=8) + 8, 48)


class CommandScreen(Screen[None]):
    """Compose one RPC; ctrl+j previews and (after confirmation) sends it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+j", "preview_send", "Preview & send", id="preview_send",
                tooltip="Show the consequence preview; send only if you confirm there"),
        Binding("ctrl+r", "read_current", "Read current", id="read_current",
                tooltip="Register writes: read the current value first to edit it"),
        Binding("ctrl+t", "toggle_raw", "Raw hex", id="toggle_raw",
                tooltip="Type the input bytes as hex instead of fields (experts)"),
        Binding("escape", "back", "Back", id="command_back", tooltip="Back to the catalogue"),
    ]
    HELP = CommandForm.HELP
    WIDGET_HELP: ClassVar[dict[str, str]] = {
        "command-opmod": (
            "op_mod\n\nThe command's modifier: which variant of the command to run. For "
            "ACCESS_REG it is read (1) or write (0); for QUERY_HCA_CAP it picks the "
            "capability page and whether you want the maximum or the current values. "
            "Changing it rebuilds the fields below and can change the scope the kernel "
            "asks for (a register write needs less scope than a read, but changes the "
            "device)."
        ),
        "command-read": (
            "Read current\n\nRegister writes replace the whole register. This button "
            "({key:read_current}) reads the register first, at the INDEX fields you typed "
            "(which port or module), and fills the other fields with what the device holds "
            "now. Edit only what you mean to change; the preview then shows a field-by-field "
            "diff. If the read fails, the error is explained and the form is left as it was."
        ),
        "command-send": (
            "Preview & send\n\nOpens the consequence preview ({key:preview_send}): the "
            "scope, whether the kernel accepts it, whether it taints the kernel. Nothing is "
            "sent until you confirm there."
        ),
        "command-raw": (
            "Raw hex\n\nThe input bytes typed as hex (spaces and 0x allowed). The opcode "
            "and op_mod are read from the bytes, so the preview shows what the bytes really "
            "ask for. {key:toggle_raw} goes back to the fields (their bytes replace these)."
        ),
    }

    def __init__(self, row: Row) -> None:
        super().__init__(classes=breakpoint_classes(self.app))
        self.row = row
        self.command = row.command
        self.op_mod: int = self.command.default_op_mod
        self.values: dict[str, int] = {}
        self.request: bytes | None = None
        self.read_back: dict[str, int] | None = None
        self.raw_mode = False
        self._status_shown: Text | None = None  # the status line on screen
        self.focused_path: str | None = None
        self.specs: Sequence[FieldSpecLike] = catalogue_model.fields(self.command, self.op_mod)
        self.problem: str | None = None
        self.enable_docs = catalogue_model.enable_bit_docs(self.command)
        self.read_at: float | None = None  # wall time of read_back
        self.hints: FormHints | None = None  # from the App's workspace, on compose

    def compose(self) -> ComposeResult:
        cmd = self.command
        yield DeviceBar()
        head = Text(cmd.name, style="bold")
        head.append(f"  0x{cmd.opcode:x}  ", style="dim")
        head.append(self.row.summary)
        yield Static(head, id="command-head")
        with Horizontal(id="command-controls"):
            if len(cmd.op_mods) > 1:
                labels = [f"{name} ({value})" for value, name in cmd.op_mods.items()]
                select = Select(list(zip(labels, cmd.op_mods, strict=True)),
                                value=self.op_mod, allow_blank=False, id="command-opmod")
                select.styles.width = opmod_width(labels)
                yield select
            yield Static(id="command-scope")
            if cmd.register is not None:
                yield Button("Read current", id="command-read")
            yield Button("Preview & send", id="command-send", variant="primary")
        with Horizontal(id="command-body"):
            yield CommandForm(self.specs, self.enable_docs, self._hints(), id="command-form")
            with Vertical(id="command-right"):
                yield HexView(id="request-hex")
                yield Input(placeholder="raw input bytes as hex", id="command-raw")
        yield Static(id="command-status")
        yield KeyFooter()

    def _hints(self) -> FormHints | None:
        """Defaults that work on the open device (None without one: a bare test app)."""
        if self.hints is None:
            workspace = getattr(self.app, "workspace", None)
            if workspace is not None and workspace.connection is not None:
                self.hints = workspace.hints(self.command)
        return self.hints

    @property
    def focus_chain(self) -> list[Widget]:
        """Tab order follows how a request is composed: op_mod, the fields, then Read
        current and Preview & send, then the hex. By position alone the buttons (on the
        op_mod row) and the form's scroll container (an invisible stop) came between
        the first field and op_mod, so Shift+Tab seemed never to reach it."""
        chain = [w for w in super().focus_chain if not isinstance(w, CommandForm)]
        buttons = [w for w in chain if isinstance(w, Button)]
        rest = [w for w in chain if not isinstance(w, Button)]
        in_form = [i for i, w in enumerate(rest)
                   if any(isinstance(a, CommandForm) for a in w.ancestors)]
        at = in_form[-1] + 1 if in_form else next(
            (i + 1 for i, w in enumerate(rest) if w.id == "command-opmod"), 0)
        return rest[:at] + buttons + rest[at:]

    def on_mount(self) -> None:
        self.query_one("#command-raw").display = False
        self.query_one("#command-form").border_title = "input fields"
        self._update_scope()
        self.watch(self.app, "busy", self._busy_changed)
        self.query_one(CommandForm).focus_first()

    def _busy_changed(self, busy: bool) -> None:
        self.query_one("#command-send", Button).disabled = busy or self.request is None

    def _update_scope(self) -> None:
        scope = catalogue_model.least_scope(self.command, self.op_mod)
        text = Text("least scope ")
        text.append_text(scope_text(scope))
        if self.command.register is not None:
            text.append(f"  write: read it first ({key_of(self.app, 'read_current')})"
                        if self.command.is_write(self.op_mod) else "  read", style="dim")
        self.query_one("#command-scope", Static).update(text)

    # --- values -> encoder -> bytes -----------------------------------------------

    def on_command_form_changed(self, event: CommandForm.Changed) -> None:
        self.values = event.values
        if self.raw_mode:  # the fields are hidden: the typed hex decides the bytes
            return
        if event.errors:
            path, message = next(iter(event.errors.items()))
            more = f" (and {len(event.errors) - 1} more field(s))" if len(event.errors) > 1 else ""
            self._set_request(None, f"{_tail(path)}: {message}{more}", _tail(path))
            return
        try:
            request = catalogue_model.encode(self.command, self.values, self.op_mod)
        except catalogue_model.encode_error_type() as err:
            field = getattr(err, "field", None)
            self.query_one(CommandForm).show_error(field, str(err))
            self._set_request(None, str(err), _tail(field) if field else None)
            return
        self._set_request(request, None)

    def _set_request(self, request: bytes | None, problem: str | None,
                     where: str | None = None) -> None:
        """Show the bytes that would be sent; while the input is not valid, the last valid
        bytes stay but dimmed, and the title says what is wrong (they are not what the
        form says any more, and nothing can be sent)."""
        self.request = request
        hex_view = self.query_one("#request-hex", HexView)
        hex_view.set_dimmed(request is None)
        if request is not None:
            hex_view.set_data(request)
            hex_view.border_title = f"input · {len(request)} B"
            self._highlight(self.focused_path)
        else:
            where = where or ("raw hex" if self.raw_mode else "the input")
            hex_view.border_title = f"input · NOT VALID: {where} · stale bytes"
        self.problem = problem
        self._show_status()
        self._busy_changed(bool(getattr(self.app, "busy", False)))

    def _show_status(self) -> None:
        """Line 1: what stops a send, or what will happen; line 2: the focused field."""
        if self.problem:
            text = Text(self.problem, style="bold red")
        else:
            text = Text(f"ready: {key_of(self.app, 'preview_send')} shows the preview",
                        style="dim")
            notes = self._enable_notes()
            if notes:
                text = Text(notes[0], style="bold yellow")
        spec = next((s for s in self.specs if s.path == self.focused_path), None)
        if spec is not None and not self.raw_mode:
            text.append("\n")
            text.append_text(field_summary(spec, self.enable_docs.get(spec.path)))
        if text != self._status_shown:  # an unchanged line must not cost a layout pass
            self._status_shown = text
            self.query_one("#command-status", Static).update(text)

    def _enable_notes(self) -> list[str]:
        """What the preview will set for you (update-enable bits), said while editing; on
        a read, the edited fields a read ignores (only a write uses them)."""
        if self.raw_mode:
            return []
        touched = self.query_one(CommandForm).touched
        if not self.command.is_write(self.op_mod):
            ignored = catalogue_model.write_only_fields(self.command, touched & set(self.values))
            if not ignored:
                return []
            them = "it" if len(ignored) == 1 else "them"
            return [f"{', '.join(ignored)}: only a write uses {them}; this read ignores "
                    f"{them}. Choose op_mod write to change the device."]
        _values, why = catalogue_model.apply_enable_bits(self.command, self.values, touched,
                                                         self.read_back)
        return list(why.values())

    def on_command_form_field_focused(self, event: CommandForm.FieldFocused) -> None:
        self.focused_path = event.path
        self._highlight(event.path)
        self._show_status()

    def _highlight(self, path: str | None) -> None:
        """Light up the field's bits: the FieldSpec says where the encoder puts it."""
        spec = next((s for s in self.specs if s.path == path), None)
        hex_view = self.query_one("#request-hex", HexView)
        if spec is None or self.request is None:
            hex_view.highlight_bits(None)
        else:
            hex_view.highlight_bits(spec.bit_offset, spec.width)

    @on(Select.Changed, "#command-opmod")
    async def _opmod_changed(self, event: Select.Changed) -> None:
        if event.value == self.op_mod:
            return
        event.stop()
        self.op_mod = cast(int, event.value)
        self.specs = catalogue_model.fields(self.command, self.op_mod)
        self.read_back = None
        keep = dict(self.values)
        old = self.query_one(CommandForm)
        touched = set(old.touched)
        await old.remove()
        form = CommandForm(self.specs, self.enable_docs, self._hints(), id="command-form")
        form.border_title = "input fields"
        await self.query_one("#command-body").mount(form, before="#command-right")
        form.display = not self.raw_mode
        form.set_values(keep)
        form.touched = touched & {spec.path for spec in self.specs}  # still the user's edits
        self._update_scope()

    # --- raw hex -----------------------------------------------------------------

    def action_toggle_raw(self) -> None:
        self.raw_mode = not self.raw_mode
        raw = self.query_one("#command-raw", Input)
        raw.display = self.raw_mode
        self.query_one(CommandForm).display = not self.raw_mode
        if self.raw_mode:
            raw.value = (self.request or b"").hex(" ")
            raw.focus()
            self._show_status()
        else:  # back to the fields: their bytes replace whatever was typed as hex
            form = self.query_one(CommandForm)
            form.post_values()
            form.focus_first()

    @on(Input.Changed, "#command-raw")
    def _raw_changed(self, event: Input.Changed) -> None:
        event.stop()
        try:
            request = catalogue_model.parse_hex(event.value)
        except ValueError as err:
            self._set_request(None, str(err))
            return
        self._set_request(request, None)

    # --- sending -----------------------------------------------------------------

    @on(Button.Pressed, "#command-send")
    def _send_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_preview_send()

    @on(Button.Pressed, "#command-read")
    def _read_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_read_current()

    def action_preview_send(self) -> None:
        if self.request is None:
            self.notify("Fix the fields marked in red first.", severity="warning")
            return
        if self.raw_mode:  # the bytes say which command this is; no fields, no diff
            plan = catalogue_model.plan(self.command, self.op_mod, {}, self.request,
                                        from_bytes=True)
            self.post_message(RpcRequested(plan, origin=self))
            return
        if self.command.register is not None and self.command.is_write(self.op_mod):
            self.post_message(RpcRequested(self._write_plan(self.request), origin=self))
            return
        plan = catalogue_model.plan(self.command, self.op_mod, dict(self.values), self.request)
        self.post_message(RpcRequested(plan, origin=self))

    def _write_plan(self, request: bytes) -> PlannedRpc:
        """A register write for the App to build at preview time: the fields the user
        edited (and the INDEX fields) over the register as read then; the whole form
        and its last read only if that read fails."""
        touched = self.query_one(CommandForm).touched
        index = {s.path for s in self.specs if s.access == "INDEX"}
        given = {path: value for path, value in self.values.items()
                 if path in touched or path in index}
        earlier = (None if self.read_back is None
                   else catalogue_model.current_value(self.read_back, self.read_at))
        form_write = catalogue_model.form_write(given, dict(self.values), earlier)
        return catalogue_model.plan(self.command, self.op_mod, dict(self.values), request,
                                    form_write=form_write)

    def action_read_current(self) -> None:
        cmd = self.command
        read = next((k for k, v in cmd.op_mods.items() if v == "read"), None)
        if cmd.register is None or read is None:
            self.notify("Read current applies to register writes only.", severity="warning")
            return
        index = {s.path: self.values[s.path] for s in self.specs
                 if s.access == "INDEX" and s.path in self.values}
        try:
            request = catalogue_model.encode(cmd, index, read)
        except catalogue_model.encode_error_type() as err:
            self.notify(str(err), severity="error")
            return
        plan = catalogue_model.plan(cmd, read, index, request, purpose="read-current")
        self.post_message(RpcRequested(plan, origin=self))

    def on_read_back(self, message: ReadBack) -> None:
        self.apply_read_back(message.exchange)

    def apply_read_back(self, exchange: Exchange) -> None:
        """The App hands back the register read: refill the form, remember for the diff.

        Only a read that succeeded (status 0) refills it, and never the INDEX fields: a
        failed read says why and leaves every field as the user typed it."""
        from fwctl_tui.screens.result import status_text

        if exchange.reply is None or exchange.status != 0:
            status = exchange.status
            name = catalogue_model.explain_status(status)[0] if status is not None else "?"
            self.app.push_screen(ErrorScreen(
                f"Read current failed: {exchange.command} returned {name}",
                f"{status_text(exchange).plain or 'The reply was empty.'}\n\n"
                "The form was left exactly as you typed it.",
                "Check the INDEX fields (which port, module or object to read: a port that "
                "does not exist gives BAD_PARAM_ERR), then read again.",
            ))
            return
        root = catalogue_model.decode_reply(self.command, exchange.reply, exchange.request)
        decoded = catalogue_model.field_values(root)
        editable = [s.path for s in self.specs if s.access != "INDEX"]
        self.read_back = match_read_back(editable, decoded)
        self.read_at = exchange.wall_time
        form = self.query_one(CommandForm)
        form.set_values(self.read_back)
        form.touched -= set(self.read_back)  # edits start again from what was read
        self.notify(with_keys(
            self.app, f"Read {len(self.read_back)} field(s) of {self.command.name}; edit and "
            "press {key:preview_send}: the preview shows what changes."))

    def action_back(self) -> None:
        self.app.pop_screen()
