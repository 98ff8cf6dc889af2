"""Build hook: compile the C fast paths into the wheel: fwctl_tui/_fastrpc.c (the ioctl
layer) and fwctl_tui/_fastscan.c (the watch-capture scan behind a day's replay).

Hatchling runs this for `pip install` and `pip install -e` alike. Each extension is
built in place (so an editable install imports it from the source tree) and, for a
regular wheel, added to it. Without a C compiler or the Python headers the install
still succeeds, with a warning, and each has a pure-Python twin doing the same work:
fwctl_tui/marshal.py, about 1.4 µs slower per RPC, and fwctl_tui/monitor/linescan.py,
about 4 µs slower per record (BENCHMARKS.md).
"""

from __future__ import annotations

import hashlib
import os
import shlex
import subprocess
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = Path("fwctl_tui", "_fastrpc.c")
SOURCES = (SOURCE, Path("fwctl_tui", "_fastscan.c"))
TWINS = ("RPCs go through the slower pure-Python marshalling",
         "watch captures replay through the slower pure-Python scan")
FLAGS = ("-O2", "-fPIC", "-shared", "-Wall", "-Wextra", "-Wno-missing-field-initializers")


def source_digest(source: Path) -> str:
    """The digest compiled into the extension, so a stale build can be told apart: of the
    source and the headers it includes (named <stem>_*.h beside it)."""
    parts = [source, *sorted(source.parent.glob(f"{source.stem}_*.h"))]
    return hashlib.sha256(b"".join(part.read_bytes() for part in parts)).hexdigest()[:16]


def extension_path(root: Path, source: Path = SOURCE) -> Path:
    return root / source.with_name(source.stem + sysconfig.get_config_var("EXT_SUFFIX"))


def compilers(explicit: str | None = None) -> list[list[str]]:
    """Compiler commands to try: the given or $CC one alone, else Python's own, then cc.

    Python's recorded CC (from the machine it was built on) is often absent elsewhere.
    """
    chosen = explicit or os.environ.get("CC")
    if chosen:
        return [shlex.split(chosen)]
    found = [shlex.split(sysconfig.get_config_var("CC") or ""), ["cc"]]
    return [command for i, command in enumerate(found) if command and command not in found[:i]]


def compile_extension(root: Path, compiler: str | None = None,
                      source: Path = SOURCE) -> str | None:
    """Build the extension next to its source: None when built, else why it was not.

    A failed build also removes an earlier one, so what is imported is what was built.
    The source's digest is compiled in as <STEM>_SOURCE_DIGEST (FASTRPC_..., FASTSCAN_...).
    """
    target = extension_path(root, source)
    digest_macro = source.stem.lstrip("_").upper() + "_SOURCE_DIGEST"
    source = root / source
    with tempfile.TemporaryDirectory(prefix=f".{source.stem.lstrip('_')}-build-",
                                     dir=target.parent) as scratch:
        built = Path(scratch, target.name)
        problems = []
        for cc in compilers(compiler):
            command = [
                *cc,
                *FLAGS,
                f"-I{sysconfig.get_paths()['include']}",
                f'-D{digest_macro}="{source_digest(source)}"',
                str(source),
                "-o",
                str(built),
            ]
            try:
                subprocess.run(command, check=True, capture_output=True, text=True)
            except OSError as exc:
                problems.append(f"no usable C compiler: {cc[0]}: {exc.strerror or exc}")
                continue
            except subprocess.CalledProcessError as exc:
                problems.append(f"{shlex.join(command)} failed:\n{exc.stderr.strip()}")
                continue
            # A rename, not a rewrite: a running process keeps its mapped copy intact.
            os.replace(built, target)
            return None
    target.unlink(missing_ok=True)
    return "\n".join(problems)


class FastRpcBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        for source, twin in zip(SOURCES, TWINS, strict=True):
            problem = compile_extension(root, source=source)
            if problem is not None:
                self.app.display_warning(
                    f"fwctl-tui: {source.name} was not compiled, so {twin}.\n{problem}")
                continue
            build_data["pure_python"] = False
            build_data["infer_tag"] = True
            if version != "editable":
                target = extension_path(root, source)
                build_data["force_include"][str(target)] = str(target.relative_to(root))
