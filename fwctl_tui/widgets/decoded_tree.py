"""DecodedTree: a decoded reply as a Textual Tree, in engineer units, built lazily.

The tree shows the presentation layer's Views (decoders/present.py): strings as text,
temperatures in °C, link speeds by name, 64-bit counters joined, a failed reply's data
marked not valid. `v` switches to the raw field-by-field decode and back. A capability
page or a big counter array decodes to thousands of nodes; only the first levels are
added up front and the rest when a branch is expanded, so opening a result stays
instant. Labels are rich Text (field names may contain brackets). `select_field` is how
the hex view's cursor finds the covering field: it expands exactly the branches on the
way to that field.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from fwctl_tui.decoders.mlx5.shown import field_unit_text
from fwctl_tui.decoders.node import Node
from fwctl_tui.decoders.present import View, present
from fwctl_tui.textsafe import printable

TOGGLE = Style.from_meta({"toggle": True})  # what makes a click on the arrow expand
EAGER_DEPTH = 3
CHUNK = 256  # arrays longer than this show as [0..255], [256..511], ... branches


class TreeField(Protocol):
    """What the tree shows of a line: a decoder Node, a presented View, a capped Node
    (widgets/capped_tree.py) or a plug-in's PlainNode (drivers/plain_tree.py).

    Lines may have more (`shown`, `label`, `note`, `missing`, `path`, a bit offset): the
    tree reads those with getattr, since not every kind of line has them."""

    @property
    def name(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def value(self) -> object: ...

    @property
    def children(self) -> Sequence[TreeField]: ...


class LocatedField(TreeField, Protocol):
    """A line that knows where its bits are: what the hex view's cursor selects."""

    @property
    def bit_offset(self) -> int: ...


@dataclass(frozen=True)
class Chunk:
    """A slice of a long array, populated only when its branch is opened."""

    nodes: tuple[TreeField, ...]
    start: int


TreeData = TreeField | Chunk  # what a line of the tree holds (the root: None until shown)


MIN_NAME = 3  # a name is elided down to this (`a…s`) before anything of the value goes


def _raw_text(value: object) -> str:
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return f"{value}" if value < 10 else f"{value} (0x{value:x})"
    if isinstance(value, bytes | bytearray):
        return value[:16].hex(" ") + (" ..." if len(value) > 16 else "")
    return printable(str(value))


def value_text(node: TreeField) -> Text:
    """The part after the name: ` = LABEL (raw)`, ` = 56.5 °C (452 (0x1c4))`, ` = "text"`,
    `  (not in the reply)`, `  not valid: ...`, or nothing."""
    if node.kind == "invalid":  # only a presented View is ever "invalid"
        return Text(f"  {getattr(node, 'note', None)}", style="italic yellow")
    if getattr(node, "missing", False):
        return Text("  (not in the reply)", style="italic dim")
    shown = getattr(node, "shown", None)
    text = Text()
    if shown is not None and node.kind in ("text", "composite"):
        text.append(" = ")
        text.append(f'"{shown.text}"' if node.kind == "text" else str(shown.text),
                    style="bold cyan")
        return text
    value = node.value
    if value is None:
        return text
    text.append(" = ")
    label = getattr(node, "label", None)
    meaning = shown.text if shown is not None else None
    raw = _raw_text(value)
    if label or meaning:
        text.append(" · ".join(str(m) for m in (label, meaning) if m), style="bold cyan")
        text.append(f" ({raw})", style="dim")
    else:
        text.append(raw)
    return text


def format_value(node: TreeField, max_width: int | None = None) -> Text:
    """`name = LABEL (raw)` as Text; raw ints in decimal and hex, bytes as hex.

    With `max_width`, a name too long for it loses its middle (…) so the value still
    fits: the value, both spellings of it, is what a person reads the tree for, and
    F1 promises it always shows. Only the name is ever shortened."""
    name = str(node.name)
    value = value_text(node)
    if max_width is not None and len(name) + value.cell_len > max_width:
        room = max(MIN_NAME, max_width - value.cell_len)
        if room < len(name):  # keep both ends: names differ at the start or the end
            head = room // 2
            name = name[:head] + "…" + name[len(name) - (room - 1 - head):]
    text = Text(name, style="bold")
    text.append_text(value)
    return text


def _offset(node: TreeField) -> int:
    offset: int = getattr(node, "bit_offset", 0)
    return offset


def chain_to(root: TreeData | None, target: LocatedField) -> list[TreeData]:
    """Root-first list of nodes leading to `target` (by identity), or [] if absent.

    Descends by bit offset (children are in offset order), so following the hex cursor
    through a 2 MiB reply costs a few bisections, not a walk of every decoded field.
    """
    bit = target.bit_offset

    def walk(node: TreeData) -> list[TreeData] | None:
        if node is target:
            return [node]
        if node is not root and _stands_for(node, target):
            return [node]
        kids = [k for k in getattr(node, "children", None) or ()
                if getattr(k, "kind", None) != "composite"]  # not in offset order
        index = bisect_right(kids, bit, key=_offset) - 1
        if index < 0:
            return None
        start = _offset(kids[index])
        while index >= 0 and _offset(kids[index]) == start:  # union members share it
            found = walk(kids[index])
            if found is not None:
                return [node, *found]
            index -= 1
        return None

    return (walk(root) if root is not None else None) or []


def _stands_for(node: TreeData, target: LocatedField) -> bool:
    """A presented line that shows decoder node `target` (a joined pair, a text array)."""
    return isinstance(node, View) and isinstance(target, Node) and node.shows(target)


class DecodedTree(Tree[TreeData]):
    """Tree of decoded fields; posts FieldHighlighted when the cursor lands on one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy_value", "Copy value", id="copy_value",
                tooltip="Copy the highlighted field's value to the clipboard"),
        Binding("v", "toggle_raw_fields", "Raw", id="raw_fields",
                tooltip="Switch between values in engineer units and the raw field decode"),
    ]

    HELP = (
        "Decoded tree\n\nThe reply split into its named fields, in the order firmware "
        "lays them out. Each line reads name = VALUE (raw): VALUE is the documented name of "
        "a number when the field is an enum, or the value in its unit where the PRM gives "
        "one (°C, V, Gb/s, link protocol names, FEC code, dates); raw is the number itself "
        "(decimal, then hex). Strings (PSID, vendor, serial) read as text, 64-bit counters "
        "split in _high/_low read as one number, and a failed command's data is marked not "
        "valid. {key:raw_fields} switches to the raw field-by-field decode (every byte, the "
        "halves, the characters) and back. Enter or the arrows open a branch. The bytes of "
        "the field under the cursor light up in the hex view; {key:copy_value} copies its "
        "value. A name too long for the pane is shortened with … so the value always shows."
    )

    class FieldHighlighted(Message):
        """The cursor is on a decoded field (`node`: the line's Node, View or PlainNode)."""

        def __init__(self, tree: DecodedTree, node: TreeField) -> None:
            super().__init__()
            self.tree = tree
            self.node = node

        @property
        def control(self) -> DecodedTree:
            return self.tree

    def __init__(self, label: str = "reply", *, name: str | None = None,
                 id: str | None = None, classes: str | None = None,
                 disabled: bool = False) -> None:
        super().__init__(Text(label), name=name, id=id, classes=classes, disabled=disabled)
        self.guide_depth = 3
        self._by_id: dict[int, TreeNode[TreeData]] = {}
        self._chunk_of: dict[int, TreeNode[TreeData]] = {}
        self.raw_fields = False  # True: the faithful field-by-field decode
        self._decoded: TreeField | None = None  # the decoder's root Node being shown
        self._title = ""

    def _label_room(self, node: TreeNode[TreeData]) -> int | None:
        """Cells a node's label may use: the width less the guides and a scrollbar."""
        width = self.size.width - self.styles.scrollbar_size_vertical
        if width <= 0:
            return None
        depth, parent = 0, node.parent
        while parent is not None:
            depth, parent = depth + 1, parent.parent
        guides = depth * self.guide_depth if self.show_root else max(0, depth - 1) * (
            self.guide_depth)
        return width - guides

    def widest_label(self) -> int:
        """Cells the widest label added so far needs (guides, arrow and scrollbar included):
        what the result screen gives the tree before it gives the rest to the hex."""
        widest = 0
        for node in [self.root, *self._by_id.values()]:
            depth, parent = 0, node.parent
            while parent is not None:
                depth, parent = depth + 1, parent.parent
            guides = (depth if self.show_root else max(0, depth - 1)) * self.guide_depth
            label = node.label.cell_len if isinstance(node.label, Text) else len(node.label)
            widest = max(widest, guides + label + (2 if node.allow_expand else 0))
        return widest + self.styles.scrollbar_size_vertical

    def render_label(self, node: TreeNode[TreeData], base_style: Style, style: Style) -> Text:
        """Labels that do not fit lose the middle of their name, never their value."""
        data = node.data
        room = self._label_room(node) if node is not self.root else None
        prefix_width = 2 if node.allow_expand else 0
        label_width = node.label.cell_len if isinstance(node.label, Text) else len(node.label)
        if (room is None or data is None or isinstance(data, Chunk)
                or label_width + prefix_width <= room):
            return super().render_label(node, base_style, style)
        label = format_value(data, max_width=room - prefix_width)
        label.stylize(style)
        if node.allow_expand:
            icon = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
            return Text.assemble((icon, base_style + TOGGLE), label)
        return Text.assemble(("", base_style), label)

    def show(self, root: TreeField | None, title: str) -> None:
        """Replace the tree with the decoded `root` (a decoder Node), presented."""
        self._decoded, self._title = root, title
        self._show()

    def _show(self) -> None:
        root = self._decoded
        view: TreeField | None = root  # anything else Node-shaped is shown as given
        if isinstance(root, Node):
            view = present(root, raw=self.raw_fields, is_reply=_is_reply(root))
        self.clear()
        self._by_id.clear()
        self._chunk_of.clear()
        suffix = "  (raw fields)" if self.raw_fields else ""
        self.root.set_label(Text(self._title + suffix, style="bold"))
        self.root.data = view
        self._by_id[id(view)] = self.root
        if view is not None:
            self._populate(self.root, view, depth=0)
        self.root.expand()

    def action_toggle_raw_fields(self) -> None:
        """Engineer units <-> raw fields, keeping the cursor on the same bytes."""
        current = self.cursor_node.data if self.cursor_node is not None else None
        parts = getattr(current, "parts", None)
        self.raw_fields = not self.raw_fields
        self._show()
        if parts:
            self.select_field(parts[0])
        self.notify("raw fields: every field as decoded, no units" if self.raw_fields
                    else "values in engineer units", timeout=2)

    def help_for(self, focused: object) -> str:
        """F1: the tree's help, then the highlighted field's unit (or that it has none)."""
        node = self.cursor_node.data if self.cursor_node is not None else None
        if not isinstance(node, View) or node is self.root.data:
            return self.HELP
        return f"{self.HELP}\n\n{printable(node.path)}: {field_unit_line(node)}"

    def _populate(self, parent: TreeNode[TreeData], node: TreeField, depth: int) -> None:
        kids = list(getattr(node, "children", None) or ())
        if len(kids) <= CHUNK or getattr(node, "kind", None) != "array":  # structs are bounded
            self._add_fields(parent, kids, depth)
            return
        for start in range(0, len(kids), CHUNK):
            part = tuple(kids[start : start + CHUNK])
            label = Text(f"[{start}..{start + len(part) - 1}]", style="dim")
            branch = parent.add(label, data=Chunk(part, start), allow_expand=True)
            for kid in part:
                self._chunk_of[id(kid)] = branch

    def _add_fields(self, parent: TreeNode[TreeData], fields: Sequence[TreeField],
                    depth: int) -> None:
        for child in fields:
            kids = getattr(child, "children", None)
            if kids:
                branch = parent.add(format_value(child), data=child, allow_expand=True)
                self._by_id[id(child)] = branch
                if depth + 1 < EAGER_DEPTH:
                    self._populate(branch, child, depth + 1)
                    branch.expand()
            else:
                self._by_id[id(child)] = parent.add_leaf(format_value(child), data=child)

    def _fill(self, tree_node: TreeNode[TreeData]) -> None:
        """Add the children of a branch opened for the first time."""
        data = tree_node.data
        if data is None or tree_node.children:
            return
        if isinstance(data, Chunk):
            self._add_fields(tree_node, list(data.nodes), EAGER_DEPTH)
        else:
            self._populate(tree_node, data, depth=EAGER_DEPTH)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[TreeData]) -> None:
        self._fill(event.node)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[TreeData]) -> None:
        event.stop()
        data = event.node.data
        if data is not None and not isinstance(data, Chunk):
            self.post_message(self.FieldHighlighted(self, data))

    def select_field(self, field: LocatedField) -> None:
        """Move the cursor to the decoder node `field`, expanding the branches above it."""
        chain = chain_to(self.root.data, field)
        target: TreeNode[TreeData] | None = None
        for node in chain:
            found = self._by_id.get(id(node))
            chunk = self._chunk_of.get(id(node))
            if found is None and chunk is not None:  # inside a long array's slice
                chunk.expand()
                self._fill(chunk)
                found = self._by_id.get(id(node))
            if found is None:
                break
            target = found
            if node is not chain[-1] and not found.is_expanded:
                found.expand()
                self._fill(found)
        if target is not None:
            self.call_after_refresh(self.move_cursor, target)

    def action_copy_value(self) -> None:
        node = self.cursor_node
        if node is None or node.data is None or isinstance(node.data, Chunk):
            return
        shown = getattr(node.data, "shown", None)
        value = getattr(node.data, "value", None)
        if shown is not None and shown.text is not None and node.data.kind in (
                "text", "composite"):
            text = shown.text
        elif isinstance(value, int) and not isinstance(value, bool):
            text = f"0x{value:x}"
        else:
            text = str(value)
        self.app.copy_to_clipboard(text)
        self.notify(f"copied {printable(node.data.name)} = {text}", timeout=3)


def _is_reply(root: Node) -> bool:
    """A reply mailbox starts with status and syndrome (a request with opcode)."""
    names = {getattr(c, "name", None) for c in getattr(root, "children", ())[:3]}
    return {"status", "syndrome"} <= names


def field_unit_line(view: View) -> str:
    """F1's line about a field: its unit as the PRM states it, or that it is raw."""
    if view.kind == "invalid":
        return view.note or ""
    if view.kind == "joined":
        return "one 64-bit value, joined from its _high and _low halves"
    if view.kind == "composite":
        return "made of " + ", ".join(p.name for p in view.parts)
    unit = field_unit_text(view.parent_layout, view.node.name)
    if unit:
        return f"unit: {unit}"
    return "no unit or scale in the PRM: the value is shown raw"
