"""The package's import graph: no cycles, and layers only import downwards.

The layers are those of ../shared/DESIGN.md ("Layers"), highest first:

    front ends        cli/, screens/, widgets/, app.py, __main__.py, config.py
    session           connect.py, session.py, replay_device.py, resend.py,
                      syndrome_source.py, monitor/, write_intent.py, object_hints.py,
                      workbench/ (the TUI's headless half: the workspace, the catalogue
                      facade, the CLI line, the capture controller)
    rules and data    policy.py, register_writes.py, exchange.py, exchange_json.py,
                      captures/ (storage), capture_analysis/, decoders/, drivers/
    device access     ioctl.py, marshal.py, clock.py, discovery.py, sysfs_parent.py,
                      uapi.py, allowlist.py, errors.py, kernelstate.py, hoststate.py,
                      kernel_rules/ (the one copy of the kernel's rules: the emulator
                      executes them, the preview above reports them), and sim/'s kernel
                      emulator: emulator.py, kernel.py, firmware.py (the FirmwareModel
                      protocol), the driver rules (mlx5_driver.py, cxl/driver.py,
                      pds/driver.py) and the layout tables kernel_rules reads
                      (cxl/layout.py, pds/layout.py), profile.py, store.py
    facts             facts.py, textsafe.py, mbox_header.py, jsonvalue.py, the package
                      itself

Simulated devices sit in rules and data, beside the decoders: the firmware models
(sim/connectx.py, sim/mlx5/, sim/cxl/mock.py, sim/pds/firmware.py) answer a mailbox the
way the device does, so they build their replies with the same layout tables and encoder
the decoders read replies with (decoders.mlx5.catalogue, decoders.encode_layout), and the
hosts that assemble a model with the emulator (sim/host.py, sim/state.py,
sim/driver_host.py, sim/cxl/host.py, sim/*/simdev.py) go with them. The emulator (device
access) never imports a model: it is handed one behind a protocol (FirmwareModel,
CxlMemdevModel, PdsFirmwareModel), as the kernel knows a device only through its mailbox,
and the ioctl layer reaches the emulator only through the ioctl_fn injected into
FwctlDevice (KernelEmulator.open_device). Moving the
mlx5 layout tables down to facts instead was rejected: they are the decoders' generated
catalogue (names, enums, field docs), and the firmware model really depends on it as a
device depends on its PRM; the separation "the decoders know nothing about the
simulator" still holds.

A module may import its own layer or any lower one. The graph is read from the source
(ast), not by importing, so function-level imports count, and so do module names written
as strings for `importlib.import_module` (`SIM_MODULE = "fwctl_tui.sim.host"`).
Imports under `if TYPE_CHECKING:` are dependencies too (they count for the layers), but
not cycles: nothing runs them.

The DESIGN's three separation rules inside a layer are checked the same way:
the decoders know nothing about devices, the ioctl layer knows nothing about mlx5, and
capture storage knows nothing about decoders or the simulator.

No known break is left: the allow-lists below are empty and must stay so (the test
fails on an entry whose import is gone, so a fixed break cannot come back silently).
test_an_upward_import_is_reported shows the check fails on a synthetic upward edge.
A new module outside the prefixes in LAYERS fails until it is given a layer.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import fwctl_tui

PACKAGE = Path(fwctl_tui.__file__).parent
SKIP_DIRS = {"generated", "__pycache__"}  # generated tables import nothing of ours

FACTS, DEVICE, RULES, SESSION, FRONT = range(5)
LAYER_NAMES = ("facts", "device access", "rules and data", "session", "front ends")

# module-name prefix -> layer; the longest matching prefix wins
LAYERS: dict[str, int] = {
    "fwctl_tui": FACTS,
    "fwctl_tui.facts": FACTS,
    "fwctl_tui.textsafe": FACTS,
    "fwctl_tui.mbox_header": FACTS,  # the mlx5 mailbox headers at the facts' offsets
    "fwctl_tui.jsonvalue": FACTS,  # the named type of a value parsed from JSON
    "fwctl_tui.uapi": DEVICE,
    "fwctl_tui.allowlist": DEVICE,
    "fwctl_tui.errors": DEVICE,
    "fwctl_tui.ioctl": DEVICE,
    "fwctl_tui.marshal": DEVICE,
    "fwctl_tui.clock": DEVICE,  # the one injected clock devices and sessions read
    "fwctl_tui._fastrpc": DEVICE,
    "fwctl_tui.discovery": DEVICE,
    "fwctl_tui.sysfs_parent": DEVICE,
    "fwctl_tui.kernelstate": DEVICE,
    "fwctl_tui.hoststate": DEVICE,
    "fwctl_tui.kernel_rules": DEVICE,  # the kernel's rules: sim/ runs them, policy reports them
    "fwctl_tui.sim": DEVICE,  # the kernel emulator: core, driver rules, kernel state
    # the simulated devices behind it: firmware models, which encode their replies with
    # the shared layout tables, and the hosts that assemble model + emulator (docstring)
    "fwctl_tui.sim.connectx": RULES,
    "fwctl_tui.sim.mlx5": RULES,
    "fwctl_tui.sim.cxl.mock": RULES,
    "fwctl_tui.sim.pds.firmware": RULES,
    "fwctl_tui.sim.host": RULES,
    "fwctl_tui.sim.state": RULES,
    "fwctl_tui.sim.driver_host": RULES,
    "fwctl_tui.sim.cxl.host": RULES,
    "fwctl_tui.sim.cxl.simdev": RULES,
    "fwctl_tui.sim.pds.simdev": RULES,
    "fwctl_tui.policy": RULES,
    "fwctl_tui.consequence": RULES,  # the words of a preview, for every device type
    "fwctl_tui.register_writes": RULES,
    "fwctl_tui.exchange": RULES,
    "fwctl_tui.exchange_json": RULES,  # one JSON shape for an exchange (docs/exchange-json.md)
    "fwctl_tui.captures": RULES,  # capture storage: format, files, loader, recorder
    "fwctl_tui.capture_analysis": RULES,  # decode, check, list, filter, diff, redact, replay
    "fwctl_tui.decoders": RULES,
    "fwctl_tui.drivers": RULES,  # one plug-in per device type: catalogue, framing, decoders
    "fwctl_tui.connect": SESSION,
    "fwctl_tui.session": SESSION,
    "fwctl_tui.replay_device": SESSION,
    "fwctl_tui.resend": SESSION,  # re-send a capture's requests through a Session
    "fwctl_tui.syndrome_source": SESSION,  # a device's or capture's syndrome table
    "fwctl_tui.monitor": SESSION,
    "fwctl_tui._fastscan": SESSION,  # the compiled scan monitor.fastscan reads captures with
    "fwctl_tui.write_intent": SESSION,  # a register write as both front ends build it
    "fwctl_tui.object_hints": SESSION,  # object numbers an open device can answer for
    "fwctl_tui.workbench": SESSION,  # the TUI's headless half (plan, preview, record)
    "fwctl_tui.learn": FRONT,  # lessons and glossary: read the user's data dir (config)
    "fwctl_tui.config": FRONT,
    "fwctl_tui.cli": FRONT,
    "fwctl_tui.screens": FRONT,
    "fwctl_tui.widgets": FRONT,
    "fwctl_tui.app": FRONT,
    "fwctl_tui.__main__": FRONT,
}

# importer prefix -> prefixes it must not import, whatever their layer (DESIGN.md)
SEPARATIONS: dict[str, tuple[str, ...]] = {
    # "The decoders know nothing about devices"
    "fwctl_tui.decoders": (
        "fwctl_tui.ioctl", "fwctl_tui.marshal", "fwctl_tui._fastrpc", "fwctl_tui.discovery",
        "fwctl_tui.sim", "fwctl_tui.session", "fwctl_tui.connect", "fwctl_tui.captures",
        "fwctl_tui.capture_analysis",
    ),
    # "the ioctl layer knows nothing about mlx5 (or any driver)"
    "fwctl_tui.ioctl": ("fwctl_tui.decoders", "fwctl_tui.sim"),
    "fwctl_tui.marshal": ("fwctl_tui.decoders", "fwctl_tui.sim"),
    "fwctl_tui.uapi": ("fwctl_tui.decoders", "fwctl_tui.sim"),
    # "capture storage knows nothing about decoders or the simulator": the whole captures
    # package is storage; it hands records up to capture_analysis, which decodes them
    "fwctl_tui.captures": (
        "fwctl_tui.decoders", "fwctl_tui.sim", "fwctl_tui.drivers", "fwctl_tui.capture_analysis",
    ),
}

# Known breaks of the layers (importer, imported). Issue 14 removed the last ones; never
# add an entry without a design decision written in DESIGN.md and the docstring above.
ALLOWED_UPWARD: frozenset[tuple[str, str]] = frozenset()

ALLOWED_SEPARATION: frozenset[tuple[str, str]] = frozenset()

# Known cycles, each broken at one edge listed here: the cycle search leaves these out.
# keys.py no longer imports the app: the app imports every screen and widget itself and
# passes their bindings to keys.checked_keymap (app.every_binding).
ALLOWED_CYCLE_EDGES: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class Edge:
    importer: str
    imported: str
    line: int
    runtime: bool  # False under `if TYPE_CHECKING:`


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of the package: its .py files, and the C extensions built from .c."""
    found: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")) + sorted(PACKAGE.glob("*.c")):
        if SKIP_DIRS.isdisjoint(path.relative_to(PACKAGE).parts):
            found[_module_name(path)] = path
    return found


def _known(name: str) -> str | None:
    """The module `name` loads: itself, or its nearest enclosing package of ours."""
    while name and name not in modules():
        name = name.rpartition(".")[0]
    return name or None


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:
        package = module.split(".")
        if modules()[module].name != "__init__.py":
            package = package[:-1]
        package = package[: len(package) - node.level + 1]
        base = ".".join([*package, base] if base else package)
    for alias in node.names:
        full = f"{base}.{alias.name}"
        yield full if full in modules() else base


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk(node: ast.AST, runtime: bool) -> Iterator[tuple[ast.AST, bool]]:
    for child in ast.iter_child_nodes(node):
        yield child, runtime
        guarded = isinstance(child, ast.If) and _is_type_checking(child.test)
        if guarded:
            assert isinstance(child, ast.If)
            for stmt in child.body:
                yield stmt, False
                yield from _walk(stmt, False)
            for stmt in child.orelse:
                yield stmt, runtime
                yield from _walk(stmt, runtime)
        else:
            yield from _walk(child, runtime)


def _edges_of(module: str) -> Iterator[Edge]:
    path = modules()[module]
    if path.suffix != ".py":
        return
    tree = ast.parse(path.read_text(), str(path))
    for node, runtime in _walk(tree, True):
        names: list[str] = []
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = list(_targets(module, node))
        elif isinstance(node, ast.Constant) and node.value in modules():
            names = [str(node.value)]  # a module named for importlib.import_module
        for name in names:
            target = _known(name) if name.split(".")[0] == "fwctl_tui" else None
            if target is not None and target != module:
                yield Edge(module, target, getattr(node, "lineno", 0), runtime)


@cache
def edges() -> tuple[Edge, ...]:
    return tuple(edge for module in modules() for edge in _edges_of(module))


def layer_of(module: str) -> int | None:
    prefixes = [p for p in LAYERS if module == p or module.startswith(p + ".")]
    return LAYERS[max(prefixes, key=len)] if prefixes else None


def _strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative: the components with more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def runtime_cycles() -> list[set[str]]:
    """Cycles of imports that run, without the allowed cycle edges."""
    graph: dict[str, set[str]] = {module: set() for module in modules()}
    for edge in edges():
        if edge.runtime and (edge.importer, edge.imported) not in ALLOWED_CYCLE_EDGES:
            graph[edge.importer].add(edge.imported)
    return _strongly_connected(graph)


def _where(edge: Edge) -> str:
    return f"{edge.importer} -> {edge.imported} (line {edge.line})"


# --- the graph reader itself -------------------------------------------------------------

def test_the_reader_sees_module_function_level_string_and_type_checking_imports() -> None:
    found = {(e.importer, e.imported): e for e in edges()}
    assert ("fwctl_tui.ioctl", "fwctl_tui.marshal") in found  # module level
    assert ("fwctl_tui.connect", "fwctl_tui.sim.host") in found  # SIM_MODULE string
    assert ("fwctl_tui.ioctl", "fwctl_tui._fastrpc") in found  # the C extension
    hints = [e for e in edges() if (e.importer, e.imported) == ("fwctl_tui.sim.host",
                                                                 "fwctl_tui.discovery")]
    assert {e.runtime for e in hints} == {False, True}  # `if TYPE_CHECKING:` and a function
    assert found[("fwctl_tui.captures.recorder", "fwctl_tui.captures.loader")].runtime


def test_the_cycle_finder_finds_a_cycle_and_only_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _strongly_connected(graph) == [{"a", "b", "c"}]
    assert _strongly_connected({"a": {"b"}, "b": set()}) == []


# --- the rules ---------------------------------------------------------------------------

def test_every_module_has_a_layer() -> None:
    unplaced = sorted(m for m in modules() if layer_of(m) is None)
    assert not unplaced, f"give these modules a layer in LAYERS (see DESIGN.md): {unplaced}"


def test_no_import_cycles_between_modules() -> None:
    cycles = runtime_cycles()
    assert not cycles, "import cycles: " + "; ".join(
        " <-> ".join(sorted(c)) for c in cycles)


def upward_imports(found: tuple[Edge, ...]) -> list[str]:
    """The edges of `found` from a lower layer to a higher one, outside ALLOWED_UPWARD."""
    upward = []
    for edge in found:
        low, high = layer_of(edge.importer), layer_of(edge.imported)
        if low is None or high is None or high <= low:
            continue
        if (edge.importer, edge.imported) not in ALLOWED_UPWARD:
            upward.append(f"{_where(edge)}: {LAYER_NAMES[low]} imports {LAYER_NAMES[high]}")
    return upward


def test_an_upward_import_is_reported() -> None:
    """The check can fail: the emulator importing a firmware model, or the ioctl layer
    importing the decoders, is reported; the firmware model importing the emulator is not."""
    synthetic = (
        Edge("fwctl_tui.sim.emulator", "fwctl_tui.sim.connectx", 1, runtime=True),
        Edge("fwctl_tui.sim.cxl.driver", "fwctl_tui.sim.cxl.mock", 2, runtime=False),
        Edge("fwctl_tui.ioctl", "fwctl_tui.decoders.mlx5.catalogue", 3, runtime=True),
        Edge("fwctl_tui.sim.connectx", "fwctl_tui.sim.emulator", 4, runtime=True),
        Edge("fwctl_tui.screens.keys", "fwctl_tui.app", 5, runtime=True),
    )
    assert upward_imports(synthetic) == [
        "fwctl_tui.sim.emulator -> fwctl_tui.sim.connectx (line 1): "
        "device access imports rules and data",
        "fwctl_tui.sim.cxl.driver -> fwctl_tui.sim.cxl.mock (line 2): "
        "device access imports rules and data",
        "fwctl_tui.ioctl -> fwctl_tui.decoders.mlx5.catalogue (line 3): "
        "device access imports rules and data",
    ]


def test_lower_layers_never_import_higher_ones() -> None:
    upward = upward_imports(edges())
    assert not upward, "imports from a lower layer to a higher one:\n" + "\n".join(upward)


def test_separations_within_a_layer_hold() -> None:
    broken = []
    for edge in edges():
        for importer, banned in SEPARATIONS.items():
            if not (edge.importer == importer or edge.importer.startswith(importer + ".")):
                continue
            hit = [b for b in banned if edge.imported == b or edge.imported.startswith(b + ".")]
            if hit and (edge.importer, edge.imported) not in ALLOWED_SEPARATION:
                broken.append(f"{_where(edge)}: {importer} must not import {hit[0]}")
    assert not broken, "\n".join(broken)


def test_the_allow_lists_only_shrink() -> None:
    """An allowed break that no longer exists must leave the list, so it cannot come back."""
    present = {(e.importer, e.imported) for e in edges()}
    gone = sorted((ALLOWED_UPWARD | ALLOWED_SEPARATION | ALLOWED_CYCLE_EDGES) - present)
    assert not gone, f"fixed, so remove these from the allow-lists: {gone}"
