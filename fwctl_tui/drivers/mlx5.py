"""mlx5 as a plug-in: the existing catalogue, codec and presentation, wrapped, not rewritten.

The mlx5 screens and `send` still use decoders/ directly (their forms know op_mods,
registers and enable bits); this wrapper is what type-neutral code sees.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from fwctl_tui.decoders import (
    EncodeError,
    catalogue,
    decode_output,
    encode_input,
    reply_buffer_size,
)
from fwctl_tui.decoders.mlx5.catalogue import Command
from fwctl_tui.decoders.present import present
from fwctl_tui.decoders.present_json import view_json
from fwctl_tui.drivers.base import Built, DriverCommand, DriverInputError, InputField
from fwctl_tui.errors import explain
from fwctl_tui.exchange import Exchange
from fwctl_tui.uapi import DeviceType, uctx_cap_names

_RULE = ("the opcode must be on the mlx5 fwctl allow-list and the scope at least its "
         "row's (EBADMSG otherwise)")


def _row(cmd: Command) -> DriverCommand:
    return DriverCommand(
        name=cmd.name, opcode=cmd.opcode, min_scope=cmd.min_scope(), summary=cmd.summary,
        scope_rule=_RULE, is_write=cmd.is_write(),
        inputs=(InputField("FIELD", "any field of the input layout (`describe`)", ""),),
    )


@cache
def _rows() -> tuple[DriverCommand, ...]:
    return tuple(_row(c) for c in catalogue.commands())


class Mlx5Plugin:
    """The mlx5 catalogue (allow-list rows) behind the DriverPlugin interface."""

    type_name = "mlx5"
    device_type = int(DeviceType.MLX5)
    simulator: str | None = "cx7"
    note = ""

    def commands(self) -> Sequence[DriverCommand]:
        return _rows()

    def command(self, name: str) -> DriverCommand:
        return _row(self._find(name))

    @staticmethod
    def _find(name: str) -> Command:
        try:
            return catalogue.find(name)
        except LookupError as err:
            raise DriverInputError(str(err), "command") from None

    def build(self, name: str, values: Mapping[str, str],
              context: Mapping[str, Any] | None = None) -> Built:
        cmd = self._find(name)
        try:
            request = encode_input(cmd, dict(values))
        except EncodeError as err:
            raise DriverInputError(err.message, err.field) from None
        return Built(_row(cmd), request, reply_buffer_size(cmd, request), cmd.min_scope(),
                     {"rule": _RULE})

    def decode(self, built: Built, reply: bytes) -> dict[str, Any]:
        cmd = self._find(built.command.name)
        decoded: dict[str, Any] = view_json(
            present(decode_output(cmd, reply, built.request), is_reply=True))
        return decoded

    def explain(self, built: Built, err: int) -> str:
        why = explain(err)
        return f"{why.name}: {why.meaning} {why.action}".strip()

    def prepare_record(self, built: Built, exchange: Exchange) -> None:
        """Nothing to add: captures have always been mlx5 records."""

    def info(self, fields: Mapping[str, int]) -> dict[str, Any]:
        out: dict[str, Any] = dict(fields)
        if "uctx_caps" in fields:
            out["uctx_cap_names"] = uctx_cap_names("mlx5", fields["uctx_caps"])
        return out
