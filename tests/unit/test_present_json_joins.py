"""view_json's shortcut for structs of plain integers (it adds only the joined `x_high`/
`x_low` counters, without building a View per field) gives exactly the JSON of the
field-by-field walk: for every command and register of the catalogue, every PPCNT
counter group, on replies of random bytes (status OK, so the data is decoded)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from fwctl_tui.decoders import catalogue, decode_output, encode_input, reply_buffer_size
from fwctl_tui.decoders import present_json as pj
from fwctl_tui.decoders.mlx5.catalogue import Command
from fwctl_tui.decoders.present import present
from fwctl_tui.decoders.present_json import view_json

PPCNT_GROUPS = range(0x40)


def commands() -> list[Command]:
    found = list(catalogue.commands())
    found += [catalogue.bind_register("ACCESS_REG", reg.name) for reg in catalogue.registers()]
    return found


def requests() -> list[tuple[Command, bytes]]:
    """Each command's default request, and PPCNT for every counter group number."""
    out = []
    for cmd in commands():
        try:
            out.append((cmd, encode_input(cmd, {}, op_mod=cmd.default_op_mod)))
        except Exception:  # a command the default form cannot build (needs a value)
            continue
    ppcnt = catalogue.bind_register("ACCESS_REG", "PPCNT")
    out += [(ppcnt, encode_input(ppcnt, {"register_data.grp": grp, "op_mod": 1}))
            for grp in PPCNT_GROUPS]
    return out


def random_reply(cmd: Command, request: bytes, rng: random.Random) -> bytes:
    size = min(reply_buffer_size(cmd, request, None), 64 * 1024)
    reply = bytearray(rng.randbytes(size))
    reply[0] = 0  # status OK: the whole reply is decoded and decorated
    return bytes(reply)


def both(cmd: Command, request: bytes, reply: bytes,
         monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    root = decode_output(cmd, reply, in_=request)
    fast = view_json(present(root, is_reply=True))
    with monkeypatch.context() as patch:
        patch.setattr(pj, "_only_joins", lambda view: None)
        walked = view_json(present(decode_output(cmd, reply, in_=request), is_reply=True))
    return fast, walked


def test_the_shortcut_is_the_walk_for_every_reply_layout(
        monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(20261205)
    checked = 0
    for cmd, request in requests():
        for _ in range(2):
            fast, walked = both(cmd, request, random_reply(cmd, request, rng), monkeypatch)
            assert fast == walked, cmd.name
            assert list(_keys(fast)) == list(_keys(walked)), cmd.name  # same key order
            checked += 1
    assert checked > 300
    taken = [layout for layout, joins in pj._JOINS.items() if joins]
    assert any("cntrs_grp" in layout for layout in taken), "the shortcut was exercised"


def _keys(data: Any, path: str = "") -> Any:
    """Every key path in document order."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield f"{path}.{key}"
            yield from _keys(value, f"{path}.{key}")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _keys(value, f"{path}[{i}]")
