"""The decoded tree, plus each field's delta and rate while its command is being watched.

It is a DecodedTree in every other way. `update_values` swaps in the fields of a newer
reply of the same command (matched by path) without rebuilding the tree, so branches the
user opened stay open and the cursor stays put; `changes` (monitor/sampling) puts
`Δ+123 · 45.6/s` after each field that has a delta. A counter split in `x_high`/`x_low`
halves is compared as one 64-bit `x`, and both halves show the joined change.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets.tree import TreeNode

from fwctl_tui.decoders import iter_nodes
from fwctl_tui.decoders.node import Node
from fwctl_tui.decoders.values import HIGH, LOW
from fwctl_tui.monitor.sampling import FieldChange
from fwctl_tui.widgets.decoded_tree import DecodedTree, TreeData, format_value

CHANGED, STILL = "bold yellow", "dim"


def joined_path(path: str) -> str:
    """The key a field's change is kept under: `x_high`/`x_low` -> `x`."""
    for suffix in (HIGH, LOW):
        if path.endswith(suffix):
            return path[: -len(suffix)]
    return path


class WatchedTree(DecodedTree):
    """A DecodedTree that can show per-field deltas and rates."""

    def __init__(self, label: str = "reply", *, name: str | None = None,
                 id: str | None = None, classes: str | None = None,
                 disabled: bool = False) -> None:
        super().__init__(label, name=name, id=id, classes=classes, disabled=disabled)
        self.changes: dict[str, FieldChange] = {}

    def render_label(self, node: TreeNode[TreeData], base_style: Style, style: Style) -> Text:
        label = super().render_label(node, base_style, style)
        path = getattr(node.data, "path", None)
        if not self.changes or not isinstance(path, str):
            return label
        change = self.changes.get(path) or self.changes.get(joined_path(path))
        if change is None or (change.delta is None and not change.reset):
            return label
        if change.reset:
            note = "  reset"
        else:
            rate = "" if change.rate is None else f" · {change.rate:,.1f}/s"
            note = f"  Δ{change.delta:+,}{rate}"
        label = label.copy()
        label.append(note, style=CHANGED if change.changed else STILL)
        return label

    def update_values(self, root: Node, changes: dict[str, FieldChange]) -> None:
        """Show a newer reply's values (same command) and their changes, in place."""
        by_path = {getattr(n, "path", None): n for n in iter_nodes(root)}
        self.changes = changes
        pending = [self.root]
        while pending:
            tree_node = pending.pop()
            pending.extend(tree_node.children)
            newer = by_path.get(getattr(tree_node.data, "path", None))
            if newer is not None:
                tree_node.data = newer
                tree_node.set_label(format_value(newer))
            else:
                tree_node.refresh()
