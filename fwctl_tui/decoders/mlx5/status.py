"""Firmware command status codes and syndromes: names and what to do about them.

Status values and names come from the generated data (kernel device.h via the facts);
the explanations are ours. A syndrome is a firmware-build-specific code for the exact
check that failed; no public table maps syndromes to causes, so we explain what it is
and how to use it rather than guess. A source that defines its own syndromes (the
simulator) is passed in as a SyndromeTable by whoever opened the device or capture
(syndrome_source.py); this package never imports it and keeps no global registry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from fwctl_tui.decoders.mlx5.data import document

EXPLANATIONS: dict[str, str] = {
    "OK": "The command succeeded.",
    "INT_ERR": "Internal firmware error. Retry once; if it repeats, collect the syndrome, "
               "firmware version and a firmware trace or health dump for the vendor.",
    "BAD_OP_ERR": "The firmware does not know or does not allow this opcode (or op_mod) here. "
                  "Check the capability page that advertises the command and the firmware "
                  "version.",
    "BAD_PARAM_ERR": "A field of the request is invalid: out of range, reserved bits set, or a "
                     "combination the firmware refuses. Re-check index fields and op_mod; the "
                     "syndrome pinpoints the check.",
    "BAD_SYS_STATE_ERR": "The device is not in a state that allows this command (for example "
                         "still initialising, in reset, or in an error state). Check device "
                         "health and retry after it settles.",
    "BAD_RES_ERR": "The object the request names does not exist or does not belong to your "
                   "context (wrong QP/CQ/object number, or created by another user).",
    "RES_BUSY": "The resource is busy (in use or being modified). Retry later.",
    "NOT_READY": "The firmware is not ready to execute commands yet. Wait and retry.",
    "LIM_ERR": "A limit was exceeded (too many objects, size above the maximum the "
               "capabilities allow).",
    "BAD_RES_STATE_ERR": "The object exists but is in the wrong state for this command (for "
                         "example a QP not in the state the transition needs).",
    "IX_ERR": "An index is out of range (table entry, port, queue or register index).",
    "NO_RES_ERR": "The firmware ran out of a resource (memory pages, ICM, objects). Free "
                  "resources or check QUERY_PAGES.",
    "BAD_QP_STATE_ERR": "The QP is in a state that does not allow this operation.",
    "BAD_PKT_ERR": "The firmware rejected a malformed packet or descriptor.",
    "BAD_SIZE_OUTS_CQES_ERR": "More outstanding completions than the CQ can hold.",
    "BAD_INP_LEN_ERR": "The input mailbox is shorter (or longer) than the command needs. "
                       "Encode the full input layout.",
    "BAD_OUTP_LEN_ERR": "The output buffer is smaller than the reply. Give a larger out "
                        "buffer (at least the reply layout's size).",
}

# (opcode or None for any, syndrome) -> explanation; empty until confirmed from public facts.
KNOWN_SYNDROMES: dict[tuple[int | None, int], str] = {}


@dataclass(frozen=True)
class SyndromeTable:
    """Syndromes that `source` defines, not NVIDIA firmware: {syndrome: meaning}.

    Handed to `explain_syndrome` with the replies of a device or capture that source
    made (a simulated one); the mapping may compute its entries lazily.
    """

    source: str
    meanings: Mapping[int, str]


@cache
def _names() -> dict[int, str]:
    out: dict[int, str] = {}
    for name, value in document()["status"].items():
        out.setdefault(int(value), name)
    return out


def status_name(code: int) -> str:
    """Short status name (`BAD_PARAM_ERR`), or `UNKNOWN_0x..` for codes we do not know."""
    return _names().get(code, f"UNKNOWN_{code:#04x}")


def explain_status(code: int) -> str:
    """What a status means and what to try next."""
    name = _names().get(code)
    if name is None:
        return (f"Status {code:#04x} is not in the kernel's list of mlx5 command statuses; "
                "the firmware may be newer than the tables. Report it with the syndrome.")
    return EXPLANATIONS.get(name, f"Firmware status {name}.")


def explain_syndrome(syndrome: int, opcode: int | None = None,
                     defined: SyndromeTable | None = None) -> str | None:
    """Plain words for a syndrome: None when it is 0, else what we know (or how to use it).

    `defined`: the syndromes of the source that made the reply (the simulator's for a
    simulated device or capture), None for real firmware."""
    if syndrome == 0:
        return None
    known = KNOWN_SYNDROMES.get((opcode, syndrome)) or KNOWN_SYNDROMES.get((None, syndrome))
    if known:
        return known
    text = defined.meanings.get(syndrome) if defined is not None else None
    if text and defined is not None:
        return (f"Syndrome {syndrome:#010x} is defined by the {defined.source}, not by NVIDIA "
                f"firmware: {text}. Real firmware reports its own, undocumented values.")
    return (f"Syndrome {syndrome:#010x} identifies the firmware check that failed. It is "
            "specific to the firmware build and not publicly documented: search the firmware "
            "release notes or quote it, with the opcode and firmware version (MGIR), in a "
            "support case.")


def status_report(status: int, syndrome: int, opcode: int | None,
                  defined: SyndromeTable | None = None) -> dict[str, str | None]:
    """status_name, status_text and syndrome_text of a reply, as the CLI's JSON gives them."""
    return {
        "status_name": status_name(status),
        "status_text": explain_status(status),
        "syndrome_text": explain_syndrome(syndrome, opcode, defined),
    }
