"""`fwctl-tui` entry point: argparse front for the CLI modules and the TUI launcher.

No logic lives here; each subcommand family registers itself from fwctl_tui/cli/.
Options may stand anywhere after the subcommand (`send DEV CMD --json local_port=1`),
and a usage error is reported like any other: with --json anywhere on the command
line it is a JSON object with an `error` key, exit 2.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable

from fwctl_tui.cli import EXIT_USAGE, CliError, print_json
from fwctl_tui.clock import SYSTEM_CLOCK, Clock
from fwctl_tui.connect import SimHosts
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
    "fwctl_tui.cli.learn",
    "fwctl_tui.cli.driver_catalogue",
)


class UsageError(Exception):
    """argparse's complaint, raised instead of printed so main() reports it (text or JSON)."""

    def __init__(self, message: str, prog: str, usage: str) -> None:
        super().__init__(message)
        self.message = message
        self.prog = prog
        self.usage = usage


class _Parser(argparse.ArgumentParser):
    """argparse that raises UsageError (exit 2) instead of printing and exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message, self.prog, self.format_usage())


class _SubcommandParser(_Parser):
    """A subcommand's parser: options and FIELD=VALUE positionals may be intermixed.

    Plain argparse stops filling a `nargs="*"` positional at the first option, so
    `send DEV CMD --json local_port=1` left `local_port=1` over and failed with the
    top-level usage; the intermixed parse takes the options out first."""

    _intermixing = False

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[no-untyped-def]
        if self._intermixing or self._has_subcommands():
            # the intermixed parse calls back in for its two passes; a parser with
            # subcommands of its own (`sim reset`) hands the rest to them instead
            return super().parse_known_args(args, namespace)
        self._intermixing = True
        try:
            namespace, extras = self.parse_known_intermixed_args(args, namespace)
        finally:
            self._intermixing = False
        if extras:  # said here, with this subcommand's usage, not the top-level one
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return namespace, extras

    def _has_subcommands(self) -> bool:
        return any(action.nargs == argparse.PARSER for action in self._actions)


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
        help="start the TUI on a simulated device (cx6dx, cx7, bf3, cxl-mem, pds; "
        "default cx7)",
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
    sub = parser.add_subparsers(dest="command", parser_class=_SubcommandParser)
    for name in CLI_MODULES:
        importlib.import_module(name).register(sub)
    for subparser in sub.choices.values():
        for action in subparser._actions:  # an empty FIELD=VALUE list is never "missing"
            if not action.option_strings and action.nargs == argparse.ZERO_OR_MORE:
                action.required = False
        if "--root" not in subparser._option_string_actions:  # `devices --root DIR` too
            subparser.add_argument("--root", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return parser


def _usage_error(err: UsageError, as_json: bool) -> int:
    if as_json:
        print_json({"error": f"{err.prog}: {err.message}", "errno": None,
                    "usage": " ".join(err.usage.split())})
    else:
        sys.stderr.write(err.usage)
        sys.stderr.write(f"{err.prog}: error: {err.message}\n")
    return EXIT_USAGE


def main(argv: list[str] | None = None, *, hosts: SimHosts | None = None,
         clock: Clock = SYSTEM_CLOCK) -> int:
    """One `fwctl-tui` run; its simulated hosts come from `hosts` (tests pass seeded ones),
    by default a registry of its own that reads their saved state afresh, and it times,
    dates and paces everything on `clock`."""
    parser = build_parser()
    words = sys.argv[1:] if argv is None else argv
    try:
        args = parser.parse_args(words)
    except UsageError as err:
        return _usage_error(err, "--json" in words)
    args.sim_hosts = hosts if hosts is not None else SimHosts()
    args.clock = clock
    handler = getattr(args, "handler", None)
    if handler is None:  # the TUI: its usage errors are reported like any subcommand's
        from fwctl_tui.app import run_tui

        handler = run_tui
    try:
        return _run(handler, args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `fwctl-tui commands --json | head`: the reader left early
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _run(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """The subcommand; a CliError is said once, as JSON with --json (its printing may
    meet the same closed pipe as the output did: main() handles that)."""
    try:
        return handler(args)
    except CliError as err:
        if getattr(args, "json", False):
            print_json({"error": err.message, **err.extra})
        else:
            shown = "\n".join(printable(line) for line in err.message.split("\n"))
            sys.stderr.write(f"fwctl-tui: {shown}\n")
        return err.code


if __name__ == "__main__":
    sys.exit(main())
