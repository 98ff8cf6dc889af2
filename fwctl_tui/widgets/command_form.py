"""CommandForm: one editor per input field, with inline validation, posting values up.

Enum fields get a Select of their named values, numbers an Input that takes decimal,
0x-hex or an enum name; the range (from the field width or the spec) is the
placeholder and an out-of-range or unparsable entry shows its message under the field
at once. The form only collects values: the screen hands them to the encoder, which
alone turns them into bytes (and names the field when it cannot).

It also knows which fields the *user* edited (`touched`), as opposed to those the
program filled in (a read-back, defaults): a register write changes only those over the
device's value at preview time. Fields that name objects get a pick list of the objects
that exist (or were seen in the session), and start at a value that works.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.geometry import Size
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Select, Static


class ValueSpec(Protocol):
    """What validating a typed value needs of a field (codec.FieldSpec has it)."""

    @property
    def width(self) -> int: ...
    @property
    def choices(self) -> dict[str, int] | None: ...
    @property
    def min(self) -> int | None: ...
    @property
    def max(self) -> int | None: ...


class FieldSpecLike(ValueSpec, Protocol):
    """A form field: codec.FieldSpec, without importing the decoders into a widget."""

    @property
    def path(self) -> str: ...
    @property
    def bit_offset(self) -> int: ...
    @property
    def access(self) -> str | None: ...
    @property
    def doc(self) -> str | None: ...
    @property
    def default(self) -> int | None: ...


class FormHints(Protocol):
    """Starting values that work on the open device (object_hints.Hints)."""

    @property
    def values(self) -> dict[str, int]: ...
    @property
    def choices(self) -> dict[str, list[tuple[int, str]]]: ...
    @property
    def why(self) -> dict[str, str]: ...
    @property
    def note(self) -> str | None: ...


def _safe_id(path: str) -> str:
    return "f-" + "".join(ch if ch.isalnum() else "_" for ch in path)


def _number_text(value: int) -> str:
    """A number as the form shows it: decimal below 10, else 0x hex."""
    return str(value) if value < 10 else f"0x{value:x}"


def spec_choices(spec: ValueSpec) -> dict[str, int]:
    """label -> value of an enum field ({} for plain numbers)."""
    return dict(spec.choices or {})


def spec_range(spec: ValueSpec) -> tuple[int, int]:
    low, high = spec.min, spec.max
    return (0 if low is None else low, (1 << spec.width) - 1 if high is None else high)


def parse_field(spec: ValueSpec, text: str) -> tuple[int | None, str | None]:
    """(value, None) or (None, message); empty text means "leave at default"."""
    raw = text.strip()
    if not raw:
        return None, None
    choices = spec_choices(spec)
    lowered = {k.lower(): v for k, v in choices.items()}
    if raw.lower() in lowered:
        return lowered[raw.lower()], None
    try:
        value = int(raw, 0)
    except ValueError:
        hint = f" or one of {', '.join(choices)}" if choices else ""
        return None, f"not a number (use 12, 0x0c{hint})"
    low, high = spec_range(spec)
    if not low <= value <= high:
        return None, f"out of range {low}..{high} ({spec.width} bits)"
    return value, None


def field_label(spec: FieldSpecLike) -> Text:
    """`admin_status  4b RW`: the path inside the register data (the envelope is noise)."""
    text = Text(spec.path.removeprefix("register_data."), style="bold")
    access = spec.access
    text.append(f"  {spec.width}b", style="dim")
    if access:
        text.append(f" {access}", style="cyan" if access == "INDEX" else "dim")
    return text


def field_summary(spec: FieldSpecLike, extra: str | None = None) -> Text:
    """One line about a field for the status line: name, width, access, values, doc."""
    text = Text(spec.path.removeprefix("register_data."), style="bold")
    access = spec.access
    text.append(f" · {spec.width} bit{'s' if spec.width != 1 else ''}", style="dim")
    if access:
        text.append(f" · {ACCESS_WORDS.get(access, access)}", style="dim")
    choices = spec_choices(spec)
    if choices:
        text.append(" · " + ", ".join(f"{k} ({v})" for k, v in choices.items()), style="dim")
    else:
        low, high = spec_range(spec)
        text.append(f" · {low}..{high:#x}", style="dim")
    for doc in (spec.doc, extra):
        if doc:
            text.append(f" · {doc}")
    return text


ACCESS_WORDS = {
    "INDEX": "INDEX: says which port/object",
    "RW": "read-write",
    "RO": "read-only (ignored on write)",
    "WO": "write-only (reads back as 0)",
    "OP": "operation",
}


def field_help(spec: FieldSpecLike, extra: str | None = None) -> str:
    """F1 on a field: what it is, what it takes, for a trainee."""
    name = spec.path.removeprefix("register_data.")
    lines = [f"Field {name}", ""]
    doc = spec.doc
    lines.append(str(doc) if doc else "The PRM gives this field no description.")
    if extra:
        lines.append(extra)
    access = spec.access
    if access:
        lines.append(f"Access: {ACCESS_WORDS.get(access, access)}.")
    choices = spec_choices(spec)
    low, high = spec_range(spec)
    lines.append(f"Width: {spec.width} bit(s), at bit {spec.bit_offset} of the input.")
    if choices:
        lines.append("Named values: " + ", ".join(f"{k} = {v}" for k, v in choices.items())
                     + ". Pick one, or leave it on (default).")
    else:
        lines.append(f"Type a number from {low} to {high} (decimal, or hex with 0x); leave it "
                     "empty to send 0.")
    return "\n".join([lines[0], "", " ".join(lines[2:])])


LATER_CHUNK = 4  # fields mounted per refresh after the first screenful (about 20 ms)
SCREEN_AROUND_FORM = 12  # rows the command screen takes around the form


def _first_screenful(specs: Sequence[FieldSpecLike], size: Size, docs: dict[str, str] | None,
                     picks: dict[str, list[tuple[int, str]]]) -> int:
    """How many fields can be in view in a terminal of `size`: each field's height is
    estimated from below (a doc as if it had the whole width; none when the narrow
    layout hides docs), so the first screenful is never short of a field."""
    rows = size.height - SCREEN_AROUND_FORM
    count = 0
    for spec in specs:
        if rows <= 0:
            break
        doc = None if docs is None else spec.doc or docs.get(spec.path)
        rows -= (1 + (3 if spec_choices(spec) else 1) + (3 if picks.get(spec.path) else 0)
                 + (min(2, -(-len(str(doc)) // size.width)) if doc else 0) + 1)  # + margin
        count += 1
    return max(count, 1)


class CommandForm(VerticalScroll):
    """Editors for a list of FieldSpecs; posts Changed and FieldFocused."""

    HELP = (
        "Command form\n\nOne line per input field of the command. Type a number (12 or "
        "0x0c) or pick a named value; leave a field empty to keep its default (usually 0). "
        "INDEX fields come first for registers: they say *which* port or object to read "
        "or write. The line at the bottom describes the field you are on (width, allowed "
        "values, what it means). The hex pane shows the exact bytes that will be sent and "
        "lights up that field. Mistakes show in red under the field; nothing is sent until "
        "you press {key:preview_send} and confirm the preview. For a register write, "
        "{key:read_current} first reads what the device holds so you change only what you "
        "mean to; {key:toggle_raw} switches to typing raw hex."
    )

    class Changed(Message):
        """Field values changed; `errors` maps path -> message for invalid entries."""

        def __init__(self, form: CommandForm, values: dict[str, int],
                     errors: dict[str, str]) -> None:
            super().__init__()
            self.form = form
            self.values = values
            self.errors = errors

        @property
        def control(self) -> CommandForm:
            return self.form

    class FieldFocused(Message):
        """The cursor entered the editor of `path`."""

        def __init__(self, form: CommandForm, path: str) -> None:
            super().__init__()
            self.form = form
            self.path = path

    def __init__(self, specs: Sequence[FieldSpecLike], extra_docs: dict[str, str] | None = None,
                 hints: FormHints | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.specs = specs
        self.extra_docs = extra_docs or {}
        self._by_id = {_safe_id(s.path): s for s in specs}
        self.errors: dict[str, str] = {}
        self.values: dict[str, int] = {}
        self.touched: set[str] = set()  # paths the user edited (not filled in for them)
        self._filled: dict[str, Any] = {}  # editor id -> the value the program put there
        self.defaults: dict[str, int] = dict(hints.values) if hints else {}
        self.choices: dict[str, list[tuple[int, str]]] = dict(hints.choices) if hints else {}
        self.why: dict[str, str] = dict(hints.why) if hints else {}
        self.note: str | None = hints.note if hints else None  # how to find object numbers
        self._errors_shown: dict[str, str] = {}  # editor id -> the error line on screen
        self._editors: dict[str, Input | Select[Any]] = {}  # editor id -> it, once built
        self._later: Sequence[FieldSpecLike] = ()  # fields mounted after the first paint
        self.built_first = len(specs)  # fields built with the screen (the first screenful)
        for spec in specs:
            self._filled[_safe_id(spec.path)] = self._start_value(spec)

    def compose(self) -> ComposeResult:
        if not self.specs:
            yield Static(Text("This command takes no input fields beyond its opcode.",
                              style="dim"))
        if self.note:
            yield Static(Text(self.note, style="italic"), id="form-note", classes="form-doc")
        # Only the fields that can be in view are built with the screen; the rest are
        # mounted after its first paint (_mount_later): styling and laying out a long
        # register's ~200 widgets was most of the time to open its form.
        docs = None if self.screen.has_class("-narrow") else self.extra_docs  # hidden there
        first = _first_screenful(self.specs, self.app.size, docs, self.choices)
        self.built_first, self._later = first, self.specs[first:]
        for spec in self.specs[:first]:
            yield self._field(spec)

    def _field(self, spec: FieldSpecLike) -> Vertical:
        """One field: label, editor (at the value in `_filled`), pick list, doc."""
        editor_id = _safe_id(spec.path)
        children: list[Widget] = [Static(field_label(spec), classes="form-label")]
        choices = spec_choices(spec)
        start = self._filled.get(editor_id)
        editor: Input | Select[Any]
        if choices:
            options = [(Text(f"{label} ({value})"), value) for label, value in choices.items()]
            editor = Select(options, value=start, id=editor_id, prompt="(default)")
        else:
            low, high = spec_range(spec)
            editor = Input(value=start, id=editor_id, placeholder=f"{low}..{high:#x}",
                           compact=True)
        self._editors[editor_id] = editor
        children.append(editor)
        children.extend(self._pick_list(spec, editor_id))
        doc = spec.doc or self.extra_docs.get(spec.path)
        if doc:
            children.append(Static(Text(str(doc), style="dim"), classes="form-doc"))
        # the error line is mounted when the field first has one (_set_error): a form is
        # opened far more often than it is mistyped
        return Vertical(*children, classes="form-field")

    def _start_value(self, spec: FieldSpecLike) -> Any:
        """What an editor starts at: the hint's or the spec's default ("" / NULL: none)."""
        default = self.defaults.get(spec.path, spec.default)
        choices = spec_choices(spec)
        if choices:
            return default if default in choices.values() else Select.NULL
        return "" if not default else str(default)

    def _pick_list(self, spec: FieldSpecLike, editor_id: str) -> list[Widget]:
        """Objects that exist for a field that names one, and where the default is from."""
        widgets: list[Widget] = []
        picks = self.choices.get(spec.path)
        if picks:
            widgets.append(Select([(Text(label), value) for value, label in picks],
                                  prompt=f"pick one of {len(picks)} offered",
                                  id=f"pick-{editor_id}", classes="form-pick"))
        why = self.why.get(spec.path)
        if why and spec.path in self.defaults:
            widgets.append(Static(
                Text(f"default {self.defaults[spec.path]}: {why}", style="italic dim"),
                classes="form-doc"))
        return widgets

    async def _mount_later(self) -> None:
        """The fields below the first screenful, a few after each refresh: in one go, the
        rest of a 24-field form is 170 ms in which no key is answered."""
        chunk = self._later[:LATER_CHUNK]
        if not chunk or not self.is_attached:
            return
        await self.mount_all([self._field(spec) for spec in chunk])
        self._later = self._later[len(chunk):]
        if self._later:
            self.call_after_refresh(self._mount_later)
        else:
            self._collect(post=True)  # their errors and values, as for the first ones

    def on_mount(self) -> None:
        self._collect(post=True)
        if self._later:
            self.call_after_refresh(self._mount_later)

    def help_for(self, widget: DOMNode | None) -> str | None:
        """F1 on an editor: that field's documentation (None elsewhere in the form)."""
        while widget is not None and widget is not self:
            spec = self._by_id.get(widget.id or "")
            if spec is not None:
                return field_help(spec, self.extra_docs.get(spec.path))
            widget = widget.parent
        return None

    def post_values(self) -> None:
        """Say the current values again (the screen re-encodes them)."""
        self._collect(post=True)

    def focus_first(self) -> None:
        """Put the cursor in the first editor (INDEX fields come first for registers)."""
        editors = self.query("Input, Select")
        if editors:
            editors.first().focus()

    def _collect(self, post: bool) -> None:
        values: dict[str, int] = {}
        errors: dict[str, str] = {}
        for editor_id, spec in self._by_id.items():
            widget = self._editors.get(editor_id)
            current = self._filled[editor_id] if widget is None else widget.value
            if spec_choices(spec):
                if isinstance(current, int):  # else blank: leave it at its default
                    values[spec.path] = current
                continue
            value, error = parse_field(spec, str(current))
            if error:
                errors[spec.path] = error
            elif value is not None:
                values[spec.path] = value
        self.values, self.errors = values, errors
        for editor_id, spec in self._by_id.items():
            self._set_error(editor_id, errors.get(spec.path, ""))
        if post:
            self.post_message(self.Changed(self, values, errors))

    def show_error(self, path: str | None, message: str) -> None:
        """An encoder complaint about `path` (shown under that field, else at the top)."""
        if path is not None and _safe_id(path) in self._by_id:
            self._set_error(_safe_id(path), message)
        else:
            self.notify(message, severity="error", timeout=4)

    def _set_error(self, editor_id: str, message: str) -> None:
        # Every keystroke re-checks every field: touch only the lines that change, since
        # each update of an auto-height Static costs the whole form a layout pass.
        if self._errors_shown.get(editor_id) == message:
            return
        editor = self._editors.get(editor_id)
        if editor is None or not editor.is_mounted:  # _mount_later collects it again
            return
        self._errors_shown[editor_id] = message
        error = next(self.query(f"#{editor_id}-error").results(Static), None)
        if error is None:
            if not message:
                return
            error = Static(classes="form-error", id=f"{editor_id}-error")
            field = editor.parent
            assert isinstance(field, Vertical)  # the field's container
            field.mount(error)
        error.update(Text(message, style="bold red"))
        error.display = bool(message)

    def set_values(self, values: dict[str, int]) -> None:
        """Refill editors (e.g. after reading a register's current value); these are
        filled in for the user, so they do not count as edited (`touched`)."""
        with self.prevent(Input.Changed, Select.Changed):
            for editor_id, spec in self._by_id.items():
                if spec.path not in values:
                    continue
                widget = self._editors.get(editor_id)
                value = values[spec.path]
                if widget is None:  # mounted later, at this value
                    if not spec_choices(spec):
                        self._filled[editor_id] = _number_text(value)
                    elif value in spec_choices(spec).values():
                        self._filled[editor_id] = value
                elif isinstance(widget, Select):
                    if value in spec_choices(spec).values():
                        widget.value = value
                    self._filled[editor_id] = widget.value
                elif isinstance(widget, Input):
                    widget.value = _number_text(value)
                    self._filled[editor_id] = widget.value
        self._collect(post=True)

    def _edited(self, widget: Input | Select[Any]) -> None:
        """A Changed event: an edit by the user unless the widget still holds what the
        program put there (widgets also announce their initial value when mounted)."""
        editor_id = widget.id or ""
        spec = self._by_id.get(editor_id)
        if spec is not None and widget.value != self._filled.get(editor_id):
            self.touched.add(spec.path)
        self._collect(post=True)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._edited(event.input)

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        picked = (event.select.id or "").removeprefix("pick-")
        if picked != event.select.id and isinstance(event.value, int):
            # the user picked an object: an edit of the field it fills
            self.query_one(f"#{picked}", Input).value = _number_text(event.value)
            return
        self._edited(event.select)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        widget: DOMNode | None = event.widget
        while widget is not None and widget is not self:
            spec = self._by_id.get(widget.id or "")
            if spec is not None:
                self.post_message(self.FieldFocused(self, spec.path))
                return
            widget = widget.parent
