"""Tree-display truncation: a decoder tree whose child lists stop at TREE_CHILDREN.

A display concern of the decoded-tree widget, not of captures or decoders: the hex view
beside the tree shows every byte, the tree only the rows anyone scrolls to. Headless
(no textual import), so it is tested without an app.
"""

from __future__ import annotations

from typing import Any, ClassVar

TREE_CHILDREN = 1000  # per level; a 2 MiB reply's flexible array has 260k elements


class _More:
    """The leaf that stands for the elements a capped level leaves out."""

    children: ClassVar[list[Any]] = []
    value = label = access = doc = None
    missing = False
    width_bits = 0
    kind = "int"

    def __init__(self, hidden: int, first: Any) -> None:
        self.name = f"… {hidden} more (see the hex view)"
        self.path = getattr(first, "path", "")
        self.bit_offset = getattr(first, "bit_offset", 0)


class Capped:
    """A decoder Node whose child lists stop at TREE_CHILDREN, for tree widgets.

    A 2 MiB reply's flexible array has 260k elements; a tree widget given them all takes
    seconds and megabytes to build rows nobody scrolls to. The hex view shows the rest.
    """

    def __init__(self, node: Any) -> None:
        self._node = node
        self._children: list[Any] | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._node, name)

    @property
    def children(self) -> list[Any]:
        if self._children is None:
            kids = self._node.children or []
            self._children = [Capped(kid) for kid in kids[:TREE_CHILDREN]]
            if len(kids) > TREE_CHILDREN:
                self._children.append(_More(len(kids) - TREE_CHILDREN, kids[TREE_CHILDREN]))
        return self._children
