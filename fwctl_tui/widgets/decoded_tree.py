"""DecodedTree: the decoder's Node tree as a Textual Tree, built lazily.

A capability page or a big counter array decodes to thousands of nodes; only the first
levels are added up front and the rest when a branch is expanded, so opening a result
stays instant. Labels are rich Text (field names may contain brackets) showing the
name, the enum name and the raw value. `select_bit` is how the hex view's cursor finds
the covering field: it expands exactly the branches on the way to that field.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

TOGGLE = Style.from_meta({"toggle": True})  # what makes a click on the arrow expand
EAGER_DEPTH = 3
CHUNK = 256  # arrays longer than this show as [0..255], [256..511], ... branches


@dataclass(frozen=True)
class Chunk:
    """A slice of a long array, populated only when its branch is opened."""

    nodes: tuple[Any, ...]
    start: int


MIN_NAME = 3  # a name is elided down to this (`a…s`) before anything of the value goes


def value_text(node: Any) -> Text:
    """The part after the name: ` = LABEL (raw)`, `  (not in the reply)`, or nothing."""
    if getattr(node, "missing", False):
        return Text("  (not in the reply)", style="italic dim")
    value = node.value
    text = Text()
    if value is None:
        return text
    text.append(" = ")
    label = getattr(node, "label", None)
    if isinstance(value, bool):
        raw = str(int(value))
    elif isinstance(value, int):
        raw = f"{value}" if value < 10 else f"{value} (0x{value:x})"
    elif isinstance(value, bytes | bytearray):
        raw = value[:16].hex(" ") + (" ..." if len(value) > 16 else "")
    else:
        raw = str(value)
    if label:
        text.append(str(label), style="bold cyan")
        text.append(f" ({raw})", style="dim")
    else:
        text.append(raw)
    return text


def format_value(node: Any, max_width: int | None = None) -> Text:
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


def _offset(node: Any) -> int:
    offset: int = node.bit_offset
    return offset


def chain_to(root: Any, target: Any) -> list[Any]:
    """Root-first list of nodes leading to `target` (by identity), or [] if absent.

    Descends by bit offset (children are in offset order), so following the hex cursor
    through a 2 MiB reply costs a few bisections, not a walk of every decoded field.
    """
    bit = target.bit_offset

    def walk(node: Any) -> list[Any] | None:
        if node is target:
            return [node]
        kids = list(getattr(node, "children", None) or ())
        index = bisect_right(kids, bit, key=_offset) - 1
        if index < 0:
            return None
        start = kids[index].bit_offset
        while index >= 0 and kids[index].bit_offset == start:  # union members share it
            found = walk(kids[index])
            if found is not None:
                return [node, *found]
            index -= 1
        return None

    return walk(root) or []


class DecodedTree(Tree[Any]):
    """Tree of decoded fields; posts FieldHighlighted when the cursor lands on one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy_value", "Copy value", id="copy_value",
                tooltip="Copy the highlighted field's value to the clipboard"),
    ]

    HELP = (
        "Decoded tree\n\nThe reply split into its named fields, in the order firmware "
        "lays them out. Each line reads name = VALUE (raw): VALUE is the documented name of "
        "a number when the field is an enum, raw is the number itself (decimal, then hex). "
        "Enter or the arrows open a branch. The bytes of the field under the cursor light "
        "up in the hex view; {key:copy_value} copies its value. A name too long for the pane is "
        "shortened with … so the value always shows."
    )

    class FieldHighlighted(Message):
        """The cursor is on a decoded field (`node` is the decoder's Node)."""

        def __init__(self, tree: DecodedTree, node: Any) -> None:
            super().__init__()
            self.tree = tree
            self.node = node

        @property
        def control(self) -> DecodedTree:
            return self.tree

    def __init__(self, label: str = "reply", **kwargs: Any) -> None:
        super().__init__(Text(label), **kwargs)
        self.guide_depth = 3
        self._by_id: dict[int, TreeNode[Any]] = {}
        self._chunk_of: dict[int, TreeNode[Any]] = {}

    def _label_room(self, node: TreeNode[Any]) -> int | None:
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

    def render_label(self, node: TreeNode[Any], base_style: Style, style: Style) -> Text:
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

    def show(self, root: Any, title: str) -> None:
        """Replace the tree with the decoded `root` (a decoder Node)."""
        self.clear()
        self._by_id.clear()
        self._chunk_of.clear()
        self.root.set_label(Text(title, style="bold"))
        self.root.data = root
        self._by_id[id(root)] = self.root
        if root is not None:
            self._populate(self.root, root, depth=0)
        self.root.expand()

    def _populate(self, parent: TreeNode[Any], node: Any, depth: int) -> None:
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

    def _add_fields(self, parent: TreeNode[Any], fields: list[Any], depth: int) -> None:
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

    def _fill(self, tree_node: TreeNode[Any]) -> None:
        """Add the children of a branch opened for the first time."""
        data = tree_node.data
        if data is None or tree_node.children:
            return
        if isinstance(data, Chunk):
            self._add_fields(tree_node, list(data.nodes), EAGER_DEPTH)
        else:
            self._populate(tree_node, data, depth=EAGER_DEPTH)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Any]) -> None:
        self._fill(event.node)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Any]) -> None:
        event.stop()
        data = event.node.data
        if data is not None and not isinstance(data, Chunk):
            self.post_message(self.FieldHighlighted(self, data))

    def select_field(self, field: Any) -> None:
        """Move the cursor to the decoder node `field`, expanding the branches above it."""
        chain = chain_to(self.root.data, field)
        target: TreeNode[Any] | None = None
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
        value = getattr(node.data, "value", None)
        text = f"0x{value:x}" if isinstance(value, int) and not isinstance(value, bool) else str(
            value
        )
        self.app.copy_to_clipboard(text)
        self.notify(f"copied {node.data.name} = {text}", timeout=3)
