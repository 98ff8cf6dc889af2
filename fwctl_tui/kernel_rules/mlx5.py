"""The mlx5 fwctl driver's checks (fwctl-facts.json `mlx5.rpc_steps`, in that order).

in_len or out_len below the 16-byte mailbox header is EMSGSIZE; an opcode this kernel's
allow-list lacks, or a scope below its row's (per op_mod for register access), EBADMSG.
What follows (the reply buffer's allocation, the uid stamp, the firmware) is no rule.
"""

from __future__ import annotations

import errno

from fwctl_tui import allowlist
from fwctl_tui.allowlist import NEWEST, Version
from fwctl_tui.kernel_rules.core import Refusal
from fwctl_tui.uapi import MLX5_MIN_IN_LEN, MLX5_MIN_OUT_LEN, Scope


def check(opcode: int, op_mod: int, scope: Scope, kernel: Version = NEWEST,
          in_len: int | None = None, out_len: int | None = None) -> Refusal | None:
    """The driver's verdict on one mailbox; a length not given is not checked."""
    if (in_len is not None and in_len < MLX5_MIN_IN_LEN) or (
            out_len is not None and out_len < MLX5_MIN_OUT_LEN):
        return Refusal("mlx5.mailbox_length", errno.EMSGSIZE,
                       f"in_len {in_len} / out_len {out_len}: both must hold the "
                       f"{MLX5_MIN_IN_LEN}-byte mailbox header")
    need = allowlist.least_scope(opcode, op_mod, kernel)
    if need is None:
        return Refusal("mlx5.allow_list", errno.EBADMSG,
                       f"opcode {opcode:#06x} is not on this kernel's mlx5 allow-list")
    if scope < need:
        return Refusal("mlx5.allow_list", errno.EBADMSG,
                       f"opcode {opcode:#06x} op_mod {op_mod} needs {need.name}, "
                       f"sent at {scope.name}")
    return None
