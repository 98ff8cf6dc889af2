"""Tree-display truncation: a decoder tree whose child lists stop at TREE_CHILDREN.

A display concern of the decoded-tree widget, not of captures or decoders: the hex view
beside the tree shows every byte, the tree only the rows anyone scrolls to. Headless
(no textual import), so it is tested without an app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from fwctl_tui.decoders.node import Node

TREE_CHILDREN = 1000  # per level; a 2 MiB reply's flexible array has 260k elements


class _More:
    """The leaf that stands for the elements a capped level leaves out."""

    children: ClassVar[list[_More]] = []
    value = label = access = doc = None
    missing = False
    width_bits = 0
    kind = "int"

    def __init__(self, hidden: int, first: Node) -> None:
        self.name = f"… {hidden} more (see the hex view)"
        self.path = getattr(first, "path", "")
        self.bit_offset = getattr(first, "bit_offset", 0)


class Capped:
    """A decoder Node whose child lists stop at TREE_CHILDREN, for tree widgets.

    A 2 MiB reply's flexible array has 260k elements; a tree widget given them all takes
    seconds and megabytes to build rows nobody scrolls to. The hex view shows the rest.
    """

    def __init__(self, node: Node) -> None:
        self._node = node
        self._children: list[Capped | _More] | None = None

    def __getattr__(self, name: str) -> object:
        """Everything else the tree reads (path, label, shown, bit_offset...) is the node's."""
        return getattr(self._node, name)

    @property
    def name(self) -> str:
        return self._node.name

    @property
    def kind(self) -> str:
        return self._node.kind

    @property
    def value(self) -> object:
        return self._node.value

    @property
    def children(self) -> list[Capped | _More]:
        if self._children is None:
            kids = self._node.children or []
            self._children = [Capped(kid) for kid in kids[:TREE_CHILDREN]]
            if len(kids) > TREE_CHILDREN:
                self._children.append(_More(len(kids) - TREE_CHILDREN, kids[TREE_CHILDREN]))
        return self._children
