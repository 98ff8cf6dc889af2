"""A writer process for test_sim_persistence.py (run as a script; the test imports its facts).

    python sim_writer.py ROLE N

Each of the two processes (ROLE 0 and 1) makes N writes to each persisted simulator, every
one its own, so the parent can tell whether any was lost:
  sim:cx7      ACCESS_REG:VHCA_GROUP_ICM_CTRL at vhca_group_id ROLE*N+i, threshold i+1
               (sticky register entries of their own: the saved host must hold all 2N)
  sim:cxl-mem  Set Feature of the role's own feature to i+1, read back at once (a write
               that another process's save took away reads back older)
  sim:pds      config_set of the role's own config key to i+1 (every pds RPC also counts
               in the firmware's saved call counter: the parent checks the total)
Most writes go through connections kept open for the whole process, as the TUI keeps its
devices (the tightest loop, so the two processes' transactions meet most often); every
RUN_EVERY-th is a `fwctl-tui send` run of its own through main(), as a shell loop of CLI
calls makes. After every RPC the state files are read without the lock, as any reader
might: each must parse (a reader never sees a half-written file).

It prints "ready" once imported, waits for a line on stdin (so both start writing
together), then prints one JSON object {"errors": [...]} and exits 1 if any.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path
from typing import Any

from fwctl_tui.__main__ import main
from fwctl_tui.connect import Connection, SimHosts, open_device
from fwctl_tui.decoders.mlx5.catalogue import find
from fwctl_tui.decoders.mlx5.codec import encode_input, reply_buffer_size
from fwctl_tui.drivers import plugin_for
from fwctl_tui.drivers.flow import device_context
from fwctl_tui.sim.store import state_dir
from fwctl_tui.uapi import Scope

CXL_FEATURES = ("0b5e55ed-c0de-4a11-8000-000000000001",  # vendor, 8 bytes
                "ffffffff-ffff-ffff-ffff-ffffffffffff")  # 4 bytes
CXL_SIZES = (8, 4)
PDS_KEYS = (1, 2)  # the simulated DSC's config keys
RUN_EVERY = 4
REGISTER = "ACCESS_REG:VHCA_GROUP_ICM_CTRL"  # 16-bit index, 32-bit RW field


def cxl_data(role: int, value: int) -> str:
    return value.to_bytes(CXL_SIZES[role], "little").hex()


def pds_payload(role: int, value: int) -> str:
    return (PDS_KEYS[role].to_bytes(4, "little") + value.to_bytes(4, "little")).hex()


def state_files() -> list[Path]:
    folder = state_dir()
    return [folder / "cx7.json", folder / "drivers" / "cxl-mem.json",
            folder / "drivers" / "pds.json"]


class Writer:
    """One process's writes and what went wrong with them."""

    def __init__(self, role: int, count: int) -> None:
        self.role, self.count = role, count
        self.errors: list[str] = []
        self.hosts = SimHosts()
        self.conns: dict[str, Connection] = {}

    def check_files(self, after: str) -> None:
        for path in state_files():
            try:
                text = path.read_text("utf-8")
            except FileNotFoundError:
                continue  # not yet created (the first RPC to it creates it)
            try:
                json.loads(text)
            except ValueError as err:
                self.errors.append(f"{path.name} did not parse after {after}: {err}")

    def cli(self, *argv: str) -> dict[str, Any]:
        with contextlib.redirect_stdout(io.StringIO()) as out:
            code = main([*argv, "--json"])
        doc: dict[str, Any] = json.loads(out.getvalue())
        if code != 0:
            self.errors.append(f"{' '.join(argv)}: exit {code}: {doc.get('error')}")
        self.check_files(argv[1])
        return doc

    def conn(self, name: str) -> Connection:
        if name not in self.conns:
            self.conns[name] = open_device(name, hosts=self.hosts)
        return self.conns[name]

    def held(self, name: str, command: str, values: dict[str, str]) -> dict[str, Any]:
        conn = self.conn(name)
        plugin = plugin_for(conn.entry.device_type)
        built = plugin.build(command, values, device_context(plugin, conn.name, conn.device,
                                                              command))
        ex = conn.session().send(built.command.name, built.scope, built.request, built.out_len)
        self.check_files(name)
        if ex.errno or ex.reply is None:
            self.errors.append(f"{name} {command}: errno {ex.errno} {ex.detail}")
            return {}
        return plugin.decode(built, ex.reply)

    def held_register(self, index: int, value: int) -> None:
        conn = self.conn("sim:cx7")
        cmd = find(REGISTER)
        request = encode_input(cmd, {"register_data.vhca_group_id": index,
                                     "register_data.max_alloc_icm_th": value}, op_mod=0)
        ex = conn.session().send(cmd.name, Scope.CONFIGURATION, request,
                                 reply_buffer_size(cmd, request, 0))
        self.check_files("sim:cx7")
        if ex.errno or ex.reply is None or ex.reply[0]:
            self.errors.append(f"sim:cx7 register write {index}: errno {ex.errno} {ex.detail} "
                               f"reply {(ex.reply or b'')[:8].hex()}")

    def write_held(self, i: int) -> str | None:
        """The three writes through the kept connections; the CXL feature as read back."""
        role, value = self.role, i + 1
        self.held_register(role * self.count + i, value)
        feature = {"feature": CXL_FEATURES[role]}
        self.held("sim:cxl-mem", "SET_FEATURE", {**feature, "data": cxl_data(role, value)})
        back = self.held("sim:cxl-mem", "GET_FEATURE", feature)
        self.held("sim:pds", "RPC", {"ep": "2", "op": "2", "payload": pds_payload(role, value)})
        return back.get("data", {}).get("hex")

    def write_runs(self, i: int) -> str | None:
        """The same writes, each a `fwctl-tui send` run of its own."""
        role, value = self.role, i + 1
        self.cli("send", "sim:cx7", REGISTER, f"vhca_group_id={role * self.count + i}",
                 "--set", f"max_alloc_icm_th={value}", "--yes")
        feature = f"feature={CXL_FEATURES[role]}"
        self.cli("send", "sim:cxl-mem", "SET_FEATURE", feature, f"data={cxl_data(role, value)}",
                 "--yes")
        back = self.cli("send", "sim:cxl-mem", "GET_FEATURE", feature).get("reply") or {}
        self.cli("send", "sim:pds", "RPC", "ep=2", "op=2",
                 f"payload={pds_payload(role, value)}", "--yes")
        return back.get("data", {}).get("hex")

    def run(self) -> None:
        for i in range(self.count):
            own = i % RUN_EVERY == RUN_EVERY - 1
            got = self.write_runs(i) if own else self.write_held(i)
            want = cxl_data(self.role, i + 1)
            if got != want:
                self.errors.append(f"sim:cxl-mem feature {CXL_FEATURES[self.role]} read back "
                                   f"{got} after writing {want}: a write was lost")
        for conn in self.conns.values():
            conn.close()


def entry() -> int:
    role, count = int(sys.argv[1]), int(sys.argv[2])
    find(REGISTER)  # the catalogue loaded before the start, as both processes' imports are
    print("ready", flush=True)
    sys.stdin.readline()
    writer = Writer(role, count)
    try:
        writer.run()
    except Exception as err:  # reported to the parent, which shows it
        writer.errors.append(f"{type(err).__name__}: {err}")
    print(json.dumps({"errors": writer.errors}), flush=True)
    return 1 if writer.errors else 0


if __name__ == "__main__":
    sys.exit(entry())
