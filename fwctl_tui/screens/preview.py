"""The consequence preview: the only way to send an RPC. Returns the scope, or None.

It shows what the kernel will do with this RPC at the chosen scope (accept or refuse
with which errno), what it costs the running kernel (TAINT_FWCTL, permanent until
reboot), whether CAP_SYS_RAWIO is needed, the lockdown mode, and for a register write
the field-level diff against the value read back. Confirmation escalates with risk
(consequence.Confirm): read-only sends on Enter, writes and refusals focus Cancel, tainting
scopes need the acknowledgement ticked. Escape always cancels. The words are
consequence.py's, which the cxl/pds/bnxt preview (driver_preview.py) says too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Select, Static

from fwctl_tui.consequence import (
    ACK_HELP,
    CANCEL_HELP,
    HELP_TAIL,
    SEND_HELP,
    Confirm,
    Consequence,
)
from fwctl_tui.policy import Preview
from fwctl_tui.screens.keys import with_keys
from fwctl_tui.uapi import Scope
from fwctl_tui.widgets.scope_badge import scope_text
from fwctl_tui.workbench import catalogue_model
from fwctl_tui.workbench.workspace import PlannedRpc

UNREAD_WARNING = (
    "This register write was not read first: every field you left empty is written as 0. "
    "Cancel and press {key:read_current} in the form to read the current value, then edit it."
)
CANCELLED = "cancelled: nothing was sent"
REREAD = "reread"  # the preview's answer when the user asks to read the register again

def facts_table(preview: Preview) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    add_fact_rows(table, preview.facts(), preview)
    return table


def add_fact_rows(table: Table, rows: list[tuple[str, str]], said: Consequence) -> None:
    """The (label, sentence) rows, a refusal in red and a taint in yellow (red when it
    is the running kernel's): the styling of every preview, mlx5 or another driver's."""
    for label, sentence in rows:
        style = ""
        if label == "Kernel accepts" and said.accepted is False:
            style = "bold red"
        elif label == "Taint" and said.taints:
            style = "bold yellow" if said.simulated else "bold red"
        table.add_row(Text(label), Text(sentence, style=style))


def diff_table(plan: PlannedRpc) -> Table | None:
    """Field, value read back, value to write: only the fields that change, enum values
    by name, and a line for every bit that was set for you (update-enable bits)."""
    if plan.before is None:
        return None
    before = plan.before
    labels = catalogue_model.field_labels(plan.label, plan.op_mod)
    changed = {key: new for key, new in plan.values.items() if before.get(key) != new}
    same = len(plan.values) - len(changed)
    title = (f"Read-modify-write: {len(changed)} field(s) change, {same} written back as read"
             if changed else f"Read-modify-write: nothing changes ({same} field(s) as read)")
    title += "; " + compared_with(plan)
    table = Table(title=title, title_justify="left", expand=True, box=None)
    table.add_column("field")
    table.add_column("current (read now)" if not plan.stale else "current (STALE read)")
    table.add_column("new (to write)")
    for key, new in changed.items():
        names = labels.get(key, {})
        name = Text(key.removeprefix("register_data."), style="bold")
        if key in plan.auto_set:
            name.append("  (set for you)", style="italic yellow")
        table.add_row(name, Text(show_value(before.get(key), names)),
                      Text(show_value(new, names), style="bold yellow"))
    return table


def compared_with(plan: PlannedRpc) -> str:
    """What the diff compares against: a read made for this preview, or a stale one."""
    if plan.form_write is None:
        return "compared with the form's read"
    if not plan.stale:
        return "compared with the device's value read just now"
    age = f"{plan.read_age:.0f} s ago" if plan.read_age is not None else "earlier"
    return (f"STALE: compared with the value read {age}; reading it again failed "
            f"({plan.read_problem}), so the device may hold something else now")


def auto_set_text(plan: PlannedRpc) -> Text | None:
    """Why fields the user did not touch are written anyway (update-enable bits), and
    what the user gave that the write will not do (an enable bit given as 0)."""
    if not plan.auto_set and not plan.warnings:
        return None
    text = Text()
    for why in plan.auto_set.values():
        text.append("• " + why + "\n", style="yellow")
    for warning in plan.warnings:
        text.append("• " + warning + "\n", style="bold red")
    text.rstrip()
    return text


def unread_text(plan: PlannedRpc) -> str:
    """The warning for a register write nothing was compared with."""
    if plan.read_problem is None:
        return UNREAD_WARNING
    return (f"The register could not be read for this preview ({plan.read_problem}): "
            "every field you left empty is written as 0. Press {key:reread_preview} to "
            "try reading it again.")


def show_value(value: object, names: dict[int, str] | None = None) -> str:
    """`down_by_configuration (2)` for an enum, `12 (0xc)` for a number, `-` if unknown."""
    if value is None:
        return "-"
    if isinstance(value, int) and names and value in names:
        return f"{names[value]} ({value})"
    return f"{value} (0x{value:x})" if isinstance(value, int) and value > 9 else str(value)


def head_text(plan: PlannedRpc) -> Text:
    head = Text(plan.label, style="bold")
    head.append(f"  opcode 0x{plan.opcode:x}  op_mod {plan.op_mod}  "
                f"{len(plan.request)} B in, {plan.out_cap} B out", style="dim")
    if plan.original_scope is not None:
        head.append("\nRe-send: first sent at ")
        head.append_text(scope_text(plan.original_scope))
        if plan.original_scope != plan.default_scope:
            head.append("; this preview starts at the least scope it needs, ")
            head.append_text(scope_text(plan.default_scope))
            head.append(" (pick another below)")
    return head


class PreviewScreen(ModalScreen[Scope | str | None]):
    """Consequence preview for one PlannedRpc; dismisses with the scope to send at."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel_preview",
                tooltip="Close the preview without sending anything"),
        Binding("ctrl+r", "reread", "Read again", id="reread_preview",
                tooltip="Register writes: read the register again and redo this preview"),
    ]
    WIDGET_HELP: ClassVar[dict[str, str]] = {
        "preview-scope": (
            "Scope\n\nThe privilege level this RPC asks the kernel for, lowest first: "
            "CONFIGURATION (0), DEBUG_READ_ONLY (1), DEBUG_WRITE (2), DEBUG_WRITE_FULL (3). "
            "The least scope the driver accepts for this command is chosen for you. Pick a "
            "lower one and the kernel refuses with EBADMSG (try it: nothing is sent until "
            "you press Send). DEBUG_WRITE and above taint the kernel until reboot; "
            "DEBUG_WRITE_FULL also needs CAP_SYS_RAWIO. The rows below change as you pick."
        ),
        "preview-ack": ACK_HELP,
        "preview-send": SEND_HELP,
        "preview-cancel": CANCEL_HELP,
    }
    HELP = (
        "Consequence preview\n\nNothing has been sent yet. This window says what the kernel "
        "will do with the RPC at the scope shown. Scope is the privilege level you ask for: "
        "CONFIGURATION < DEBUG_READ_ONLY < DEBUG_WRITE < DEBUG_WRITE_FULL. The least scope "
        "the driver accepts is chosen for you; asking for less gets EBADMSG, asking for "
        "DEBUG_WRITE or more taints the running kernel (TAINT_FWCTL, letter J) until reboot. "
        + HELP_TAIL
    )

    def __init__(
        self, plan: PlannedRpc, preview_fn: Callable[[PlannedRpc, Scope], Preview], kind: str
    ) -> None:
        super().__init__()
        self.plan = plan
        self.preview_fn = preview_fn
        self.kind = kind
        self.preview: Preview = preview_fn(plan, plan.default_scope)

    def compose(self) -> ComposeResult:
        plan = self.plan
        with VerticalScroll(id="preview-dialog", classes="dialog"):
            yield Static(head_text(plan), id="preview-head")
            with Horizontal(id="preview-scope-row"):
                yield Static("Scope ", classes="label")
                yield Select(
                    [(scope_text(s), s) for s in Scope],
                    value=plan.default_scope, allow_blank=False, id="preview-scope",
                )
            yield Static(id="preview-facts")
            diff = diff_table(plan)
            if diff is not None:
                yield Static(diff, id="preview-diff")
            elif plan.register_write:
                yield Static(Text(with_keys(self.app, unread_text(plan)), style="bold yellow"),
                             id="preview-unread")
            auto = auto_set_text(plan)
            if auto is not None:
                yield Static(auto, id="preview-auto")
            with Vertical(id="preview-actions"):
                yield Checkbox(self.preview.ack_label, id="preview-ack")
                with Horizontal(id="preview-buttons"):
                    yield Button("Send", id="preview-send", variant="warning")
                    yield Button("Cancel", id="preview-cancel", variant="primary")
                yield Static(id="preview-default")

    def on_mount(self) -> None:
        self.query_one("#preview-dialog").border_title = "Preview before sending"
        # Toasts of the screen behind ("Read 19 field(s) ...") would reappear here, over
        # the buttons at 80x24: the preview itself says what happens next. Any toast
        # raised while it is up lands at the top (app.tcss), away from the buttons.
        self.app.clear_notifications()
        self._apply(self.preview)

    def _apply(self, preview: Preview) -> None:
        self.preview = preview
        self.query_one("#preview-facts", Static).update(facts_table(preview))
        ack = self.query_one("#preview-ack", Checkbox)
        needs_ack = preview.confirm is Confirm.ACKNOWLEDGE
        ack.label = preview.ack_label
        ack.display = needs_ack
        ack.value = False
        send = self.query_one("#preview-send", Button)
        send.disabled = needs_ack
        send.variant = "success" if preview.confirm is Confirm.SEND else "error"
        cancel = self.query_one("#preview-cancel", Button)
        cancel.label = preview.cancel_label
        self.query_one("#preview-default", Static).update(
            Text(preview.hint, style="dim"))
        target = send if preview.confirm is Confirm.SEND else cancel
        target.focus()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Whatever gets the focus (Cancel, the acknowledgement) is scrolled into view."""
        event.widget.scroll_visible(animate=False)

    @on(Select.Changed, "#preview-scope")
    def _scope_chosen(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, Scope) and event.value != self.preview.scope:
            self._apply(self.preview_fn(self.plan, event.value))

    @on(Checkbox.Changed, "#preview-ack")
    def _acknowledged(self, event: Checkbox.Changed) -> None:
        event.stop()
        if self.preview.confirm is Confirm.ACKNOWLEDGE:
            self.query_one("#preview-send", Button).disabled = not event.value

    @on(Button.Pressed, "#preview-send")
    def _send(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None if event.button.disabled else self.preview.scope)

    @on(Button.Pressed, "#preview-cancel")
    def _cancel(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """ctrl+r only where there is a register to read again."""
        if action == "reread":
            return self.plan.form_write is not None
        return True

    def action_reread(self) -> None:
        self.dismiss(REREAD)
