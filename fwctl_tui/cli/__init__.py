"""The scriptable CLI: one module per family of subcommands, each with `register()`.

Contract (README "CLI"): exit 0 ok, 1 device or firmware error, 2 usage or bad input;
`--json` prints one JSON document on stdout. Handlers raise CliError instead of printing
tracebacks; __main__ turns it into a message on stderr (or JSON with --json) and the code.
Every device a run opens comes through `open_connection`, from the run's own registry of
simulated hosts (`args.sim_hosts`) and on the run's clock (`args.clock`), both set by
__main__.main.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fwctl_tui.connect import Connection

EXIT_OK = 0
EXIT_DEVICE = 1
EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace], int]


class CliError(Exception):
    """A failure to report to the user: a message, an exit code and optional JSON extras."""

    def __init__(self, message: str, code: int = EXIT_USAGE, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra


def print_json(value: Any) -> None:
    """One JSON document on stdout, stable key order as built."""
    json.dump(value, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def open_connection(args: argparse.Namespace, name: str) -> Connection:
    """connect.open_device (under `--root`, on this run's simulated hosts and clock) with
    the CLI's exit codes: unknown name 2, unusable device 1."""
    from fwctl_tui.connect import DeviceOpenError, UnknownDeviceError, open_device

    try:
        return open_device(name, root=getattr(args, "root", None), hosts=args.sim_hosts,
                           clock=args.clock)
    except UnknownDeviceError as err:
        raise CliError(err.message, EXIT_USAGE) from None
    except DeviceOpenError as err:
        raise CliError(err.message, EXIT_DEVICE, errno=err.errno) from None
