"""--scope and --out-len: one parser each for `send` and `watch`, whatever the device type.

The options mean the same for an mlx5 command and for a cxl/pds/bnxt plug-in's request,
so a bad value gets the same CliError (exit 2) wherever it is given: the flag, the value
and what would have been accepted.
"""

from __future__ import annotations

from fwctl_tui.cli import CliError
from fwctl_tui.decoders.values import parse_number
from fwctl_tui.ioctl import U32_MAX
from fwctl_tui.uapi import Scope, parse_scope


def scope_option(text: str | None) -> Scope | None:
    """--scope by name (full, short, any case) or number; None when not given (the caller
    then picks the least scope the kernel or driver accepts)."""
    if text is None:
        return None
    try:
        return parse_scope(text)
    except ValueError as err:  # names the value and the valid names and numbers
        raise CliError(f"--scope: {err}", field="scope") from None


def out_len_option(text: str | None) -> int | None:
    """--out-len as a u32 (decimal or 0x hex); None when not given. 0 and sizes above
    2 MiB are passed on: the kernel (or the driver, e.g. mlx5 needs 16) answers EMSGSIZE
    or EINVAL, and that is shown."""
    if text is None:
        return None
    value = parse_number(text)
    if value is None:
        raise CliError(f"--out-len: {text!r} is not a number of bytes", field="out_len")
    if not 0 <= value <= U32_MAX:
        raise CliError(f"--out-len: {value} is outside 0..{U32_MAX} (out_len is a u32)",
                       field="out_len")
    return value
