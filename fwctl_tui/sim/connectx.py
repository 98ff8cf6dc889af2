"""ConnectXFirmware: a simulated ConnectX/BlueField function a trainee cannot tell from a real one.

It implements the FirmwareModel the simulated mlx5 driver calls. A command runs as real
firmware runs it: armed faults first (delay, undeliverable, forced status), then the
checks firmware makes before it acts (implemented at all on this card, op_mod defined,
input long enough, output room for the fixed reply), then the handler, whose field values
the catalogue's encoder turns into the reply. Failures come back as status + syndrome in
a successful ioctl; only an injected command-layer fault becomes an errno.

The opcode and op_mod come from the request header as the decoders parse it; a mailbox
too short to hold even that header is refused as a short input, blaming the opcode bytes
it does carry. `faults` also breaks and mends the port's link (`faults.link_loss()`).

With a seed and an injected clock every reply is reproducible byte for byte; without them
(seed None, the real monotonic clock) each run gets its own traffic, temperatures and keys.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import Any

from fwctl_tui import mbox_header
from fwctl_tui.decoders.errors import DecodeError
from fwctl_tui.decoders.mlx5.catalogue import REGISTER_COMMANDS, Command, find
from fwctl_tui.decoders.mlx5.context import register_by_id
from fwctl_tui.decoders.mlx5.data import layouts
from fwctl_tui.sim.firmware import CommandLayerError
from fwctl_tui.sim.mlx5.device import Device
from fwctl_tui.sim.mlx5.dispatch import HANDLERS
from fwctl_tui.sim.mlx5.examples import Example, example, register_example
from fwctl_tui.sim.mlx5.faults import FaultPlan, Sleeper
from fwctl_tui.sim.mlx5.mailbox import (
    FirmwareError,
    Request,
    decode_request,
    failure,
    fit,
    reply_size,
    success,
)
from fwctl_tui.sim.mlx5.population import HwObject
from fwctl_tui.sim.mlx5.syndromes import ErrorKind
from fwctl_tui.sim.profile import Profile

Clock = Callable[[], float]
HEADER_BYTES = 16
__all__ = ["ConnectXFirmware"]


class ConnectXFirmware:
    """The firmware of one PCI function of a simulated adapter (see module docstring)."""

    def __init__(self, profile: Profile, func: int = 0, *, seed: int | None = None,
                 clock: Clock | None = None, sleep: Sleeper = time.sleep) -> None:
        self.profile = profile
        self.func = func
        self.seed = random.SystemRandom().randrange(1 << 32) if seed is None else seed
        self.device = Device(profile, func, f"{self.seed}/{profile.name}/{func}",
                             clock or time.monotonic)
        self._lock = threading.Lock()
        self.faults = FaultPlan(sleep, link=_LockedLink(self.device, self._lock))

    # -- FirmwareModel ---------------------------------------------------------------------
    @property
    def uctx_caps(self) -> int:
        return self.device.cap("GENERAL", "uctx_cap")

    def create_uctx(self, caps: int) -> int:
        with self._lock:
            return self.device.create_uctx(caps)

    def destroy_uctx(self, uid: int) -> None:
        with self._lock:
            self.device.destroy_uctx(uid)

    def execute(self, mbox_in: bytes, out_len: int) -> bytes:
        """Run one command mailbox; exactly out_len bytes of output mailbox come back."""
        with self._lock:
            self.device.advance_scenario()
            return fit(self._execute(bytes(mbox_in), out_len), out_len)

    # -- introspection for tests, trainers and UIs -----------------------------------------
    def supports(self, opcode: int) -> bool:
        """Whether this card's firmware implements the command at all."""
        entry = HANDLERS.get(opcode)
        return entry is not None and (entry.requires is None or self.profile.has(entry.requires))

    def example(self, command: str) -> Example:
        """A meaningful input for `command` on this function, and the error it expects."""
        return example(self.device, command)

    def inventory(self) -> list[HwObject]:
        """What the running driver stack owns on this function: kind, number, owner, role,
        and the (kind, key) of every object each one points at."""
        return list(self.device.objects)

    def register_example(self, register: str) -> dict[str, Any]:
        """ACCESS_REG input values (INDEX fields) that read `register` on this function."""
        return register_example(self.device, register)

    # -- the command pipeline --------------------------------------------------------------
    def _execute(self, raw: bytes, out_len: int) -> bytes:
        try:
            header = mbox_header.parse_request(raw)
        except mbox_header.HeaderError:
            # Not even a whole header: firmware cannot tell what was asked. Refuse it as a
            # short input under whatever opcode the first bytes hold.
            opcode_bytes = raw[:mbox_header.OPCODE.end].ljust(mbox_header.OPCODE.end, b"\0")
            return self._refuse(mbox_header.OPCODE.get(opcode_bytes, 0),
                                ErrorKind.INPUT_TOO_SHORT)
        opcode, op_mod = header.opcode, header.op_mod
        try:
            command = find(str(opcode))
        except LookupError:
            return self._refuse(opcode, ErrorKind.UNSUPPORTED_COMMAND)
        try:
            request = decode_request(command, raw, op_mod)
        except DecodeError:
            return self._refuse(opcode, ErrorKind.INPUT_TOO_SHORT)
        injected = self._inject(request)
        if injected is not None:
            return injected
        try:
            return self._run(command, request, out_len)
        except FirmwareError as err:
            return self._refuse(opcode, err.kind)

    def _inject(self, request: Request) -> bytes | None:
        registered = request.command.base_name in REGISTER_COMMANDS
        register = request.int("register_id") if registered else None
        fired = self.faults.take(request.opcode, request.op_mod, register)
        for fault in fired:
            if fault.delay:
                self.faults.sleep(fault.delay)
        for fault in fired:
            if fault.errno is not None:
                raise CommandLayerError(fault.errno, fault.detail)
        for fault in fired:
            if fault.status is not None:
                return failure(request.opcode, ErrorKind.INJECTED, fault.status, fault.syndrome)
        return None

    def _run(self, command: Command, request: Request, out_len: int) -> bytes:
        op_mod = request.op_mod
        if not self.supports(command.opcode):
            raise FirmwareError(ErrorKind.UNSUPPORTED_COMMAND)
        if op_mod not in (command.op_mods or {0: ""}):
            raise FirmwareError(ErrorKind.BAD_OP_MOD, f"op_mod {op_mod:#x}")
        if len(request.raw) < input_size(command, request):
            raise FirmwareError(ErrorKind.INPUT_TOO_SHORT)
        if out_len < reply_size(command, request):
            raise FirmwareError(ErrorKind.OUTPUT_TOO_SHORT)
        reply = HANDLERS[command.opcode].handler(self.device, request)
        # List entries past out_len are dropped, as firmware writes only what fits; the
        # reply's own count field (e.g. allowed_list_size) tells the caller to ask again.
        return success(command, request, reply)

    def _refuse(self, opcode: int, kind: ErrorKind) -> bytes:
        self.device.invalid_commands += 1
        return failure(opcode, kind)


class _LockedLink:
    """The device's link as the fault plan reaches it: one change at a time with commands."""

    def __init__(self, device: Device, lock: threading.Lock) -> None:
        self._device = device
        self._lock = lock

    def lose_link(self, blame: str) -> None:
        with self._lock:
            self._device.lose_link(blame)

    def restore_link(self) -> None:
        with self._lock:
            self._device.restore_link()


def input_size(command: Command, request: Request) -> int:
    """Bytes the command's input needs: its layout, plus the register for ACCESS_REG."""
    size = layouts()[command.in_layout or ""].size // 8 if command.in_layout else HEADER_BYTES
    if command.base_name in REGISTER_COMMANDS:
        register = register_by_id(request.int("register_id"))
        if register is not None:
            size += register.size_bits // 8
    return size
