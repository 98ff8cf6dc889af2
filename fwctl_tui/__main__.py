"""`fwctl-tui` entry point: argparse front for the CLI modules and the TUI launcher.

No logic lives here; each subcommand family registers itself from fwctl_tui/cli/.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from fwctl_tui.cli import EXIT_USAGE, CliError, print_json
from fwctl_tui.textsafe import printable

# Subcommand modules, each exposing register(subparsers) -> None.
CLI_MODULES = (
    "fwctl_tui.cli.devices",
    "fwctl_tui.cli.catalogue",
    "fwctl_tui.cli.send",
    "fwctl_tui.cli.captures",
    "fwctl_tui.cli.sim",
    "fwctl_tui.cli.watch",
    "fwctl_tui.cli.link",
    "fwctl_tui.cli.driver_catalogue",
)


class _Parser(argparse.ArgumentParser):
    """argparse that exits with our usage code (2) and never a traceback."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="fwctl-tui",
        description="Explore fwctl devices: catalogue, send, decode, capture and replay.",
    )
    parser.add_argument(
        "--simulate",
        nargs="?",
        const="cx7",
        metavar="PROFILE",
        help="start the TUI on a simulated device (cx6dx, cx7, bf3; default cx7)",
    )
    parser.add_argument("--root", help="sysfs/dev root to scan instead of / (for testing)")
    parser.add_argument("--capture", metavar="FILE", help="TUI: record the session to FILE")
    parser.add_argument(
        "--device",
        dest="start_device",
        metavar="NAME",
        help="TUI: open this device at start (fwctlN, sim:PROFILE[.FUNC], replay:FILE)",
    )
    parser.add_argument(
        "--scenario",
        metavar="NAME",
        help="TUI: play a fault story on the simulated port (link-flap, fec-degrading, "
        "module-overheat, remote-fault; with --simulate or --device sim:...)",
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    for name in CLI_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:  # the TUI: its usage errors are reported like any subcommand's
        from fwctl_tui.app import run_tui

        handler = run_tui
    try:
        code: int = handler(args)
    except CliError as err:
        if getattr(args, "json", False):
            print_json({"error": err.message, **err.extra})
        else:
            shown = "\n".join(printable(line) for line in err.message.split("\n"))
            sys.stderr.write(f"fwctl-tui: {shown}\n")
        return err.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `fwctl-tui commands --json | head`: the reader left early
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
