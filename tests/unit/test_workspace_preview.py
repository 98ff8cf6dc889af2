"""The TUI's preview (Workspace.preview) judges the RPC exactly as Workspace.send sends it:
the request's length and the reply buffer included, so a preview that says "accepted" is
never answered EMSGSIZE (a short raw-hex request, a history re-send of a record made with
`send --out-len 8`, a reply buffer above 2 MiB)."""

from __future__ import annotations

import errno
from collections.abc import Iterator

import pytest

from fwctl_tui.exchange import Exchange
from fwctl_tui.sim.host import SimHost
from fwctl_tui.uapi import MAX_RPC_LEN, Scope
from fwctl_tui.workbench import catalogue_model
from fwctl_tui.workbench.workspace import DeviceSource, PlannedRpc, Workspace


@pytest.fixture
def workspace() -> Iterator[Workspace]:
    space = Workspace(DeviceSource(host=SimHost("cx7", seed=5)), recording=False)
    space.open("sim:cx7")
    yield space
    space.close()


def _hca() -> catalogue_model.Row:
    row = catalogue_model.find("QUERY_HCA_CAP")
    assert row is not None
    return row


def raw_hex(text: str) -> PlannedRpc:
    """What ctrl+t (raw hex) builds from the typed bytes."""
    row = _hca()
    return catalogue_model.plan(row.command, 1, {}, catalogue_model.parse_hex(text),
                                from_bytes=True)


def resent(out_cap: int) -> PlannedRpc:
    """A history (or capture) record re-sent byte for byte, with its recorded out_cap."""
    row = _hca()
    request = catalogue_model.encode(row.command, {}, row.command.default_op_mod)
    return catalogue_model.plan_from_exchange(Exchange(
        command=row.name, scope=Scope.CONFIGURATION, request=request, out_cap=out_cap))


CASES = {
    "form, reply layout's buffer": lambda: catalogue_model.plan(
        _hca().command, 1, {}, catalogue_model.encode(_hca().command, {}, 1)),
    "raw hex, 8 bytes": lambda: raw_hex("01 00 00 00 00 00 00 01"),
    "raw hex, 16 bytes": lambda: raw_hex("01 00 00 00 00 00 00 01" + " 00" * 8),
    "re-sent, out_cap 8": lambda: resent(8),
    "re-sent, out_cap 16": lambda: resent(16),
    "re-sent, out_cap over 2 MiB": lambda: resent(MAX_RPC_LEN + 1),
}


@pytest.mark.parametrize("case", list(CASES))
def test_preview_verdict_is_what_the_send_gets(workspace: Workspace, case: str) -> None:
    plan = CASES[case]()
    preview = workspace.preview(plan, Scope.CONFIGURATION)
    exchange = workspace.send(plan, Scope.CONFIGURATION)
    assert (preview.refusal_errno or 0) == exchange.errno, (case, dict(preview.facts()))
    if case.startswith(("raw hex, 8", "re-sent, out_cap 8", "re-sent, out_cap over")):
        assert preview.refusal_errno == errno.EMSGSIZE, "the case must exercise a refusal"
        assert "EMSGSIZE" in dict(preview.facts())["Kernel accepts"]
    else:
        assert preview.accepted
