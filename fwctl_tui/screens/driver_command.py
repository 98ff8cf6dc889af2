"""The form of one cxl, pds or bnxt command, built from its DriverCommand.inputs.

One named field per input, with its doc and default (a pds saved entry's defaults are the
entry's endpoint, operation, payload, length and scope). The plug-in builds the request
from what is typed; bad input is said beside the field it names, and a good request goes
to the preview, then (confirmed) to the send.
"""

from __future__ import annotations

import contextlib
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Button, Input, Static

from fwctl_tui.drivers import Built, DriverCommand, DriverInputError, DriverPlugin
from fwctl_tui.drivers.flow import DeviceContext, input_values
from fwctl_tui.screens.driver_result import preview_then_send
from fwctl_tui.textsafe import printable
from fwctl_tui.widgets.device_bar import DeviceBar
from fwctl_tui.widgets.key_footer import KeyFooter
from fwctl_tui.widgets.scope_badge import scope_text

FIELD_PREFIX = "driver-field-"


def command_head(command: DriverCommand) -> Text:
    """Name, summary, least scope and the kernel driver's rule."""
    text = Text(printable(command.name), style="bold")
    text.append(f"  {printable(command.summary)}\n")
    text.append("least scope: ")
    text.append_text(scope_text(command.min_scope))
    text.append(f"\nkernel rule: {printable(command.scope_rule)}", style="dim")
    return text


def field_label(name: str, doc: str, default: str | None) -> Text:
    text = Text(printable(name), style="bold")
    text.append(f"  {printable(doc)}", style="dim")
    if default is None:
        text.append("  (required)", style="yellow")
    return text


class DriverCommandScreen(Screen[None]):
    """Fill the inputs, then ctrl+j (or the button) previews and sends."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+j", "preview", "Preview & send", id="driver_preview", priority=True,
                tooltip="Build the request and show its preview (nothing is sent yet)"),
        Binding("escape", "back", "Back", id="driver_form_back",
                tooltip="Back to the catalogue"),
    ]
    DEFAULT_CSS = """
    #driver-form-head { height: auto; padding: 0 1; border-bottom: solid $secondary; }
    #driver-form { height: 1fr; padding: 0 1; }
    #driver-form Input { margin-bottom: 1; }
    #driver-form-error { height: auto; padding: 0 1; color: $error; }
    #driver-form-preview { margin: 0 1; }
    """
    HELP = (
        "Command form\n\nOne field per input the command takes, with what it means. A "
        "field left empty takes its default; a required one must be filled. "
        "{key:driver_preview} builds the request and shows its preview: the scope the "
        "kernel's driver needs, what it costs, the driver's rule. Nothing is sent before "
        "you confirm there."
    )

    def __init__(self, plugin: DriverPlugin, command: DriverCommand,
                 context: DeviceContext) -> None:
        super().__init__()
        self.plugin = plugin
        self.command = command
        self.context = context

    def compose(self) -> ComposeResult:
        yield DeviceBar()
        yield Static(command_head(self.command), id="driver-form-head")
        with VerticalScroll(id="driver-form"):
            for field in self.command.inputs:
                yield Static(field_label(field.name, field.doc, field.default))
                yield Input(value=field.default or "", id=f"{FIELD_PREFIX}{field.name}",
                            placeholder="required" if field.default is None
                            else f"default: {field.default or '(none)'}")
        yield Static(id="driver-form-error")
        yield Button("Preview & send", id="driver-form-preview", variant="primary")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#driver-form").border_title = f"{self.command.name} inputs"
        inputs = self.query(Input)
        if inputs:
            inputs.first().focus()

    def typed(self) -> dict[str, str]:
        """What each field holds now, by input name."""
        return {field.name: self.query_one(f"#{FIELD_PREFIX}{field.name}", Input).value
                for field in self.command.inputs}

    def build(self) -> Built | None:
        """The plug-in's request from the fields; None (said on screen) when refused."""
        error = self.query_one("#driver-form-error", Static)
        try:
            built = self.plugin.build(self.command.name,
                                      input_values(self.command.inputs, self.typed()),
                                      self.context)
        except ValueError as err:  # DriverInputError names the field; any other says why
            where = err.field if isinstance(err, DriverInputError) else None
            message = err.message if isinstance(err, DriverInputError) else str(err)
            error.update(Text(printable(f"{where}: {message}" if where else message)))
            if where:
                with contextlib.suppress(NoMatches):
                    self.query_one(f"#{FIELD_PREFIX}{where}", Input).focus()
            return None
        error.update("")
        return built

    def action_preview(self) -> None:
        built = self.build()
        if built is not None:
            preview_then_send(self.app, self.plugin, built, self.context)

    @on(Button.Pressed, "#driver-form-preview")
    def _preview_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_preview()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_preview()

    def action_back(self) -> None:
        self.dismiss(None)
