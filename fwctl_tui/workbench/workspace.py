"""What the TUI holds between screens: where devices come from, the open one, its session.

Headless on purpose (no textual import): the App owns one Workspace and its thread
worker calls `send`, so the screens only ever see DeviceEntry, Preview and Exchange
values. A test injects a deterministic SimHost; a normal run lists live devices and
falls back to the App's simulated host, exactly as `fwctl-tui devices` does.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from fwctl_tui.clock import SYSTEM_CLOCK, Clock
from fwctl_tui.connect import (
    Connection,
    SimHostLike,
    SimHosts,
    UnknownDeviceError,
    host_profile,
    list_devices,
    open_device,
)
from fwctl_tui.discovery import DeviceEntry
from fwctl_tui.exchange import Exchange
from fwctl_tui.kernelstate import KernelState
from fwctl_tui.policy import Preview, preview
from fwctl_tui.session import Session
from fwctl_tui.uapi import Scope
from fwctl_tui.write_intent import FormWrite, prepare_write

if TYPE_CHECKING:
    from fwctl_tui.captures.recorder import Recorder
    from fwctl_tui.decoders import Command
    from fwctl_tui.object_hints import Hints


@dataclass(frozen=True)
class PlannedRpc:
    """One RPC the user has composed, ready for the preview: bytes come from the encoder."""

    label: str  # the session/capture command name, e.g. QUERY_HCA_CAP or ACCESS_REG:PAOS
    opcode: int
    op_mod: int
    request: bytes
    out_cap: int
    is_write: bool
    default_scope: Scope
    values: dict[str, object] = field(default_factory=dict)  # form values, for the CLI line
    before: dict[str, object] | None = None  # read-modify-write: the values read back
    purpose: str = "send"  # send | read-current (an RMW read whose reply refills the form)
    register_write: bool = False  # an ACCESS_REG write: the preview wants a read-back
    original_scope: Scope | None = None  # a re-send: the scope the first send used
    auto_set: dict[str, str] = field(default_factory=dict)  # path -> why it was set for you
    # a register write from the form: built at preview time against a fresh read
    form_write: FormWrite | None = None
    read_age: float | None = None  # seconds since `before` was read, at preview time
    read_problem: str | None = None  # why the register could not be read for this preview
    stale: bool = False  # `before` is an earlier read: the fresh one failed
    warnings: tuple[str, ...] = ()


class DeviceSource:
    """Lists and opens devices: live ones under `root`, plus a simulated host.

    With an injected `host` (tests) its functions are listed and opened directly, so a
    seeded SimHost with a fixed clock drives the whole UI. Simulated hosts come from
    `hosts`, the registry of whoever owns this source (the App; a CLI run's for `--scenario`).
    `clock` is the one the workspace, its devices and sessions read.
    """

    def __init__(
        self, root: str | Path | None = None, profile: str | None = None,
        host: SimHostLike | None = None, hosts: SimHosts | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.root = root
        self.profile = profile
        self.host = host
        # what the last scan found: the device list and the palette show the same devices
        self.scanned: list[DeviceEntry] = []
        self.clock = clock
        seeded = {host_profile(host): host} if host is not None else None
        self.hosts = hosts if hosts is not None else SimHosts(seeded)

    def _sim_host(self, live: list[DeviceEntry]) -> SimHostLike | None:
        if self.host is None and (self.profile or not live):
            from fwctl_tui.sim.host import DEFAULT_PROFILE

            self.host = self.hosts.get(self.profile or DEFAULT_PROFILE)
        return self.host

    def entries(self) -> list[DeviceEntry]:
        """Live devices first, then simulated ones (unplugged functions are gone)."""
        live = [] if self.host is not None else list_devices(self.root, simulate=False)
        try:
            host = self._sim_host(live)
        except LookupError as err:  # an unknown profile: bad input, not a device fault
            raise UnknownDeviceError(str(err)) from None
        self.scanned = live + (host.entries() if host is not None else [])
        return self.scanned

    def open(self, name: str) -> Connection:
        """A Connection for `name`; DeviceOpenError says what went wrong and what to do."""
        return open_device(name, self.root, hosts=self.hosts, clock=self.clock)


class Workspace:
    """The open device, its Session and the capture recorder feeding on it."""

    def __init__(
        self,
        source: DeviceSource,
        *,
        recording: bool = True,
        capture_path: str | Path | None = None,
    ) -> None:
        self.source = source
        self.recording_wanted = recording
        self.capture_path = Path(capture_path) if capture_path else None
        self.clock = source.clock  # capture names and dates, the age of a register read
        self.connection: Connection | None = None
        self.session: Session | None = None
        self.recorder: Recorder | None = None
        self.recorder_path: Path | None = None
        self.recording_problem: str | None = None  # why recording is wanted but not running
        self.unrecorded: list[str] = []  # records a full disk refused, not yet said
        self.recording_notice: str | None = None  # what the last start did that was not asked
        # F4 off then on continues this file: the session's capture stays one file, so
        # ctrl+s never saves an empty "second half" while the history shows every RPC
        self.resume_path: Path | None = None
        self.recorded = 0  # records this session's stopped recorders wrote
        self.last_index: dict[str, int] = {}  # INDEX field -> value last sent (local_port ...)

    def open(self, name: str) -> Connection:
        """Open `name` (closing any previous device) and start a fresh session."""
        connection = self.source.open(name)
        self.close()
        self.connection = connection
        self.session = connection.session()
        self.resume_path, self.recorded = None, 0
        self.last_index = {}
        if self.recording_wanted:
            self.start_recording()
        return connection

    def close(self) -> None:
        self.stop_recording()
        self.recording_problem = None
        if self.connection is not None:
            self.connection.close()
        self.connection = None
        self.session = None

    def kernel_state(self) -> KernelState:
        assert self.connection is not None, "no device open"
        return self.connection.kernel_state()

    def preview(self, plan: PlannedRpc, scope: Scope) -> Preview:
        """The consequence preview for `plan` at `scope`, on the kernel as it is right now,
        judged on the request and reply buffer as send() passes them."""
        state = self.kernel_state()
        return preview(plan.opcode, plan.op_mod, scope, state, is_write=plan.is_write,
                       in_len=len(plan.request), out_len=plan.out_cap)

    def send(self, plan: PlannedRpc, scope: Scope) -> Exchange:
        """Run the RPC (called from the thread worker; the Session serialises the device)."""
        assert self.session is not None, "no device open"
        exchange = self.session.send(plan.label, scope, plan.request, plan.out_cap)
        command = _command(plan.label)
        if command is not None and exchange.ok:  # a value that worked is worth offering
            from fwctl_tui.object_hints import remember_index

            remember_index(command, plan.values, self.last_index)
        return exchange

    def prepare(self, plan: PlannedRpc) -> PlannedRpc:
        """A form's register write, built against the device's value now (thread worker).

        The register is read (the read is in the history) and the form's edits go over
        it, exactly as `send --set` builds a write; if it cannot be read, the plan says
        why and compares against the form's earlier read, marked stale."""
        command = _command(plan.label)
        if plan.form_write is None or command is None or self.session is None:
            return plan
        write = prepare_write(self.session, self.kernel_state(), command, plan.op_mod,
                              plan.form_write)
        current = write.current
        return replace(
            plan, request=write.request, values=write.values,
            before=None if current is None else {**current.values, **write.index},
            auto_set=write.auto_set,
            read_age=None if current is None else current.age(self.clock.wall()),
            read_problem=write.read_problem, stale=write.stale,
            warnings=tuple(write.warnings))

    def hints(self, command: Command) -> Hints:
        """Defaults for a form: objects that exist, selectors that fit, INDEX values last
        used in this session (object_hints)."""
        from fwctl_tui.object_hints import hints_for

        history = self.session.history if self.session is not None else []
        return hints_for(command, self.connection, history, self.last_index)

    # --- recording -------------------------------------------------------------------

    def start_recording(self) -> Path | None:
        """Attach the captures Recorder as a session listener; None (with a reason) if not.

        `recorder_path` is set only while a recorder really runs, so the bar never shows
        REC for a file nothing is written to. A fixed --capture file that holds another
        device's capture is left alone: this device is recorded beside it under the
        default name, and `recording_notice` says so.
        """
        self.recording_wanted = True
        self.recording_notice = None
        if self.session is None or self.connection is None or self.recorder is not None:
            return self.recorder_path
        from fwctl_tui import captures

        entry, kernel = self.connection.entry, self.connection.kernel_state()
        target = self.resume_path or self.capture_path

        def open_at(path: Path | None) -> Recorder:
            return captures.open_recorder(path, entry, kernel, created_at=self.clock.wall())

        try:
            try:
                self.recorder = open_at(target)
            except captures.CaptureError as refused:
                if target is None:
                    raise
                name = captures.default_capture_path(entry.name, self.clock.wall()).name
                fallback = target.parent / name
                self.recorder = open_at(fallback)
                self.recording_notice = (
                    f"{target} was not used ({refused.reason}); recording "
                    f"{entry.name} to {fallback} instead"
                )
        except (OSError, ValueError) as err:
            self.recorder = None
            self.recorder_path = None
            self.recording_problem = f"NOT recording: {err}"
            return None
        self.session.listeners.append(self._record)
        self.recorder_path = Path(self.recorder.path)
        self.recording_problem = None
        return self.recorder_path

    def stop_recording(self) -> None:
        """Detach and close the recorder; nothing is recorded (or shown as recording) after."""
        if self.recorder is not None:
            if self.session is not None and self._record in self.session.listeners:
                self.session.listeners.remove(self._record)
            closer = getattr(self.recorder, "close", None)
            if callable(closer):
                closer()
            self.recorded += getattr(self.recorder, "count", 0)
        self.recorder = None
        self.recorder_path = None

    def _record(self, exchange: Exchange) -> None:
        """Append `exchange` to the capture; a record that cannot be written (disk full)
        is kept in `unrecorded` to be said, never raised: the RPC was sent and its reply
        must still be shown."""
        from fwctl_tui.captures import CaptureError

        if self.recorder is None:
            return
        try:
            self.recorder.record(exchange)
        except CaptureError as err:
            self.unrecorded.append(f"{exchange.command} was sent but not recorded: {err}")

    def take_unrecorded(self) -> list[str]:
        """What was sent but not recorded since the last call (the App says it)."""
        said, self.unrecorded = self.unrecorded, []
        return said

    def not_recorded(self) -> int:
        """RPCs of this session that are in the history but in no capture (recording off)."""
        if self.session is None:
            return 0
        running = getattr(self.recorder, "count", 0) if self.recorder is not None else 0
        return max(0, len(self.session.history) - self.recorded - running)

    def save_capture(self, dest: str | Path) -> SavedCapture:
        """Copy the running capture to `dest` (atomically, by the captures module) and
        count what the copy holds, so the user is told, not left to assume, what it has."""
        if self.recorder_path is None:
            raise ValueError("nothing is being recorded: turn recording on first")
        from fwctl_tui import captures

        saved: Path = captures.save_as(self.recorder_path, dest)
        with captures.load_capture(saved) as capture:
            records = len(capture)
        return SavedCapture(saved, records, self.not_recorded())

    def toggle_recording(self) -> bool:
        """Flip recording; True when it is now on. Turning it on again for the same device
        continues the same file (the gap is simply not in it), never an empty new one."""
        if self.recorder is not None:
            self.resume_path = self.recorder_path
            self.stop_recording()
            self.recording_wanted = False
            self.recording_problem = None
            return False
        return self.start_recording() is not None


def _command(label: str) -> Command | None:
    """The catalogue command a plan's label names (None for an opcode it lacks)."""
    from fwctl_tui.decoders import catalogue

    try:
        return catalogue.find(label)
    except LookupError:
        return None


@dataclass(frozen=True)
class SavedCapture:
    """Where ctrl+s copied the capture, how many records the copy holds, and how many RPCs
    of this session are missing from it because recording was off when they ran."""

    path: Path
    records: int
    not_recorded: int

    def summary(self) -> str:
        text = f"Capture saved to {self.path}: {self.records} record(s)"
        if self.not_recorded:
            text += (f"; {self.not_recorded} RPC(s) of this session ran while recording was "
                     "off and are not in it")
        return text
