"""The consequence preview: the only way to send an RPC. Returns the scope, or None.

It shows what the kernel will do with this RPC at the chosen scope (accept or refuse
with which errno), what it costs the running kernel (TAINT_FWCTL, permanent until
reboot), whether CAP_SYS_RAWIO is needed, the lockdown mode, and for a register write
the field-level diff against the value read back. Confirmation escalates with risk
(policy.Confirm): read-only sends on Enter, writes and refusals focus Cancel, tainting
scopes need the acknowledgement ticked. Escape always cancels.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Select, Static

from fwctl_tui.policy import Confirm, Preview
from fwctl_tui.screens.workspace import PlannedRpc
from fwctl_tui.uapi import Scope
from fwctl_tui.widgets.scope_badge import scope_text

ACK_LABEL = "I understand this taints the running kernel"
UNREAD_WARNING = (
    "This register write was not read first: every field you left empty is written as 0. "
    "Cancel and press ctrl+r in the form to read the current value, then edit it."
)


def facts_table(preview: Preview) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for label, sentence in preview.facts():
        style = ""
        if label == "Kernel accepts" and not preview.accepted:
            style = "bold red"
        elif label == "Taint" and preview.taints:
            style = "bold yellow" if preview.simulated else "bold red"
        table.add_row(Text(label), Text(sentence, style=style))
    return table


def diff_table(plan: PlannedRpc) -> Table | None:
    """Field, value read back, value to write: only the fields that change."""
    if plan.before is None:
        return None
    before = plan.before
    changed = {key: new for key, new in plan.values.items() if before.get(key) != new}
    same = len(plan.values) - len(changed)
    title = (f"Read-modify-write: {len(changed)} field(s) change, {same} written back as read"
             if changed else f"Read-modify-write: nothing changes ({same} field(s) as read)")
    table = Table(title=title, title_justify="left", expand=True, box=None)
    table.add_column("field")
    table.add_column("current (read)")
    table.add_column("new (to write)")
    for key, new in changed.items():
        table.add_row(Text(key, style="bold"), Text(_show(before.get(key))),
                      Text(_show(new), style="bold yellow"))
    return table


def _show(value: object) -> str:
    return f"{value} (0x{value:x})" if isinstance(value, int) and value > 9 else str(value)


class PreviewScreen(ModalScreen[Scope | None]):
    """Consequence preview for one PlannedRpc; dismisses with the scope to send at."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel_preview",
                tooltip="Close the preview without sending anything"),
    ]
    HELP = (
        "Consequence preview\n\nNothing has been sent yet. This window says what the kernel "
        "will do with the RPC at the scope shown. Scope is the privilege level you ask for: "
        "CONFIGURATION < DEBUG_READ_ONLY < DEBUG_WRITE < DEBUG_WRITE_FULL. The least scope "
        "the driver accepts is chosen for you; asking for less gets EBADMSG, asking for "
        "DEBUG_WRITE or more taints the running kernel (TAINT_FWCTL, letter J) until reboot. "
        "On a SIMULATED or REPLAY device nothing happens to this machine's kernel. "
        "Tainting scopes need the acknowledgement ticked before Send works. Escape cancels."
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
            head = Text(plan.label, style="bold")
            head.append(f"  opcode 0x{plan.opcode:x}  op_mod {plan.op_mod}  "
                        f"{len(plan.request)} B in, {plan.out_cap} B out", style="dim")
            yield Static(head, id="preview-head")
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
                yield Static(Text(UNREAD_WARNING, style="bold yellow"), id="preview-unread")
            yield Checkbox(ACK_LABEL, id="preview-ack")
            with Horizontal(id="preview-buttons"):
                yield Button("Send", id="preview-send", variant="warning")
                yield Button("Cancel", id="preview-cancel", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#preview-dialog").border_title = "Preview before sending"
        self._apply(self.preview)

    def _apply(self, preview: Preview) -> None:
        self.preview = preview
        self.query_one("#preview-facts", Static).update(facts_table(preview))
        ack = self.query_one("#preview-ack", Checkbox)
        needs_ack = preview.confirm is Confirm.ACKNOWLEDGE
        ack.display = needs_ack
        ack.value = False
        send = self.query_one("#preview-send", Button)
        send.disabled = needs_ack
        send.variant = "success" if preview.confirm is Confirm.SEND else "error"
        target = send if preview.confirm is Confirm.SEND else self.query_one("#preview-cancel")
        target.focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, Scope) and event.value != self.preview.scope:
            self._apply(self.preview_fn(self.plan, event.value))

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        if self.preview.confirm is Confirm.ACKNOWLEDGE:
            self.query_one("#preview-send", Button).disabled = not event.value

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "preview-send" and not event.button.disabled:
            self.dismiss(self.preview.scope)
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
