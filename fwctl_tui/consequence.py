"""The words of a preview, from its facts: one wording for an mlx5 and a cxl/pds/bnxt send.

Both preview screens (screens/preview.py for mlx5, screens/driver_preview.py for the
other types) and the CLI's refusal text say what the kernel will do with an RPC, what it
costs (TAINT_FWCTL, CAP_SYS_RAWIO, lockdown), how hard Send is to press and what the
buttons mean. They say it from a Consequence, so one fact reads the same on every device
type: policy.preview() builds it for mlx5, policy.driver_consequence() for the others.
"""

from __future__ import annotations

import enum
import errno
from dataclasses import dataclass

from fwctl_tui.errors import explain
from fwctl_tui.uapi import TAINT_FWCTL_BIT, TAINT_FWCTL_LETTER, TAINTING_SCOPES, Scope


class Confirm(enum.Enum):
    """How hard the preview makes the user confirm (escalates with risk)."""

    SEND = "send"  # read-only and accepted: Enter sends
    CANCEL_FOCUSED = "cancel-focused"  # writes, refusals: Cancel has focus
    ACKNOWLEDGE = "acknowledge"  # tainting scope: explicit acknowledgement required


HINTS = {
    Confirm.SEND: "Enter sends (Send has the focus) · Escape cancels",
    Confirm.CANCEL_FOCUSED: "Enter cancels: Cancel is the default (nothing is sent) · "
                            "Tab to Send, then Enter, to send",
    Confirm.ACKNOWLEDGE: "Enter cancels (the default) · tick the acknowledgement (space), "
                         "then Send",
}

# f1 on the preview's controls, the same on every device type
ACK_HELP = (
    "Acknowledgement\n\nThis scope taints the kernel: TAINT_FWCTL (letter J) is "
    "set and stays until reboot, and bug reports from a tainted kernel are often "
    "refused. Tick this (space) to say you accept it; only then does Send work."
)
SEND_HELP = (
    "Send\n\nRuns the RPC at the scope shown. Its reply (or the kernel's errno) "
    "opens next, and it is added to the history and the capture file."
)
CANCEL_HELP = "Cancel\n\nCloses the preview; nothing is sent. Enter or escape both cancel."
HELP_TAIL = (  # the end of each preview screen's f1 text
    "On a SIMULATED or REPLAY device nothing happens to this machine's kernel. "
    "Tainting scopes need the acknowledgement ticked before Send works. Escape cancels."
)


@dataclass(frozen=True)
class Consequence:
    """What the kernel will do with one RPC at one scope, and what it costs, as data."""

    scope: Scope
    accepted: bool | None  # None: not predicted (a driver rule that cannot be checked here)
    refusal_errno: int | None
    taints: bool  # this RPC sets (or would set) TAINT_FWCTL
    already_tainted: bool
    needs_cap_sys_rawio: bool
    has_cap_sys_rawio: bool
    lockdown: str
    simulated: bool
    is_write: bool
    comm: str
    tainted_mask: int = 0  # the whole taint mask (other flags than TAINT_FWCTL too)
    refusal_detail: str | None = None  # the refusing rule as it applies to this request
    unpredicted: str | None = None  # why `accepted` is None

    @property
    def confirm(self) -> Confirm:
        if self.taints:
            return Confirm.ACKNOWLEDGE
        if self.is_write or self.accepted is False:
            return Confirm.CANCEL_FOCUSED
        return Confirm.SEND

    @property
    def hint(self) -> str:
        """What Enter does here, and how to send."""
        return HINTS[self.confirm]

    @property
    def cancel_label(self) -> str:
        return "Cancel" if self.confirm is Confirm.SEND else "Cancel (default)"

    @property
    def ack_label(self) -> str:
        """The acknowledgement a tainting scope asks for, true to where the RPC goes."""
        if self.simulated:
            return "I understand this would taint the kernel (simulated here)"
        return "I understand this taints the running kernel"

    def rows(self) -> list[tuple[str, str]]:
        """(label, sentence): the kernel's answer, the taint, the capability, lockdown,
        whether the device changes and, simulated, that this kernel is untouched."""
        rows = [("Kernel accepts", self._answer_text()), ("Taint", self._taint_text())]
        if self.needs_cap_sys_rawio:
            have = "this process has it" if self.has_cap_sys_rawio else "this process LACKS it"
            rows.append(("CAP_SYS_RAWIO", f"required; {have}"))
        else:
            rows.append(("CAP_SYS_RAWIO", "not required"))
        rows.append(("Lockdown", self._lockdown_text()))
        rows.append(("Changes device", "yes: this command writes device state" if self.is_write
                     else "no: read-only query"))
        if self.simulated:
            rows.append(("Effect", "simulated device: no effect on the running kernel"))
        return rows

    def _answer_text(self) -> str:
        if self.accepted is None:
            return f"not predicted: {self.unpredicted or 'the driver rules are not modelled'}"
        if self.accepted:
            return "yes"
        assert self.refusal_errno is not None
        why = explain(self.refusal_errno)
        text = f"no: the ioctl will fail with {why.name}. {why.meaning}"
        if self.refusal_detail:
            text += f" Here: {self.refusal_detail}."  # which length, which rule
        return text

    def _kernel_name(self) -> str:
        return "the simulated kernel" if self.simulated else "the running kernel"

    def _taint_status(self) -> str:
        """Whether the kernel the RPC goes to is tainted right now."""
        kernel = self._kernel_name()
        if self.already_tainted:
            return f"{kernel} is already tainted with TAINT_FWCTL ('{TAINT_FWCTL_LETTER}')"
        if self.tainted_mask:
            return (f"{kernel} is not tainted by fwctl (other taint flags set: "
                    f"0x{self.tainted_mask:x})")
        return f"{kernel} is not tainted"

    def _taint_text(self) -> str:
        if self.scope in TAINTING_SCOPES and not self.taints:
            return ("no: the capability check fails first (EPERM), before any taint; "
                    f"{self._taint_status()}")
        if not self.taints:
            return f"no: this scope does not taint; {self._taint_status()}"
        if self.already_tainted:
            return (f"this scope taints, but {self._taint_status()}: nothing new is set "
                    "(the flag stays until reboot)")
        tail = " even though the driver will refuse the command" if self.accepted is False else ""
        if self.simulated:
            return (
                f"YES (simulated): the simulated kernel would be tainted (TAINT_FWCTL "
                f"'{TAINT_FWCTL_LETTER}', bit {TAINT_FWCTL_BIT}) as a real one would{tail}, "
                "permanently until reboot; this machine is untouched"
            )
        log = (f"logged in the kernel log as '{self.comm}(<pid>): has requested full access "
               "to the physical device'")
        return (
            f"YES: sets TAINT_FWCTL ('{TAINT_FWCTL_LETTER}', bit {TAINT_FWCTL_BIT}) on the running "
            f"kernel{tail}, permanently until reboot; {log}"
        )

    def _lockdown_text(self) -> str:
        if self.lockdown in ("none", "unknown"):
            return f"{self.lockdown}"
        if self.scope >= Scope.DEBUG_WRITE_FULL:
            return (f"{self.lockdown}: fwctl has no lockdown hook; DEBUG_WRITE_FULL stays "
                    "gated only by CAP_SYS_RAWIO")
        return f"{self.lockdown}: scopes 0-2 are lockdown-compatible by contract"


def refusal_detail(rule: str, err: int, reason: str) -> str | None:
    """The refusing rule's words to say after the errno's meaning (errors.py), or None
    where that meaning says it all: always for EMSGSIZE (which length, which limit);
    never for the core's other rules and mlx5's allow-list, whose meanings errors.py
    words, so they read the same on every device type; always for a cxl or pds rule,
    which errors.py's meanings of EINVAL and EPERM do not describe."""
    if err == errno.EMSGSIZE:
        return reason
    return None if rule.startswith(("core.", "mlx5.")) else reason
