"""The simulated DSC firmware: endpoints, operations and their answers (pds_dsc.json).

Only the firmware (and the user's entry file) know the ids; the driver asks for them.
Answers: (retval, response bytes); retval is the firmware's own code (0 ok, 2 unknown
config key, 3 payload too short), as firmware-specific as real pds return values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from fwctl_tui.kernel_rules.pds import attribute_scope
from fwctl_tui.uapi import Scope

RC_OK, RC_NO_KEY, RC_SHORT = 0, 2, 3


@dataclass(frozen=True)
class Operation:
    endpoint: int
    op: int
    attribute: str
    kind: str

    @property
    def scope(self) -> Scope:
        return attribute_scope(self.attribute)


class DscFirmware:
    """Endpoints and operations, a config table and a debug log level."""

    def __init__(self) -> None:
        text = resources.files("fwctl_tui.sim.pds").joinpath("pds_dsc.json").read_text("utf-8")
        doc: dict[str, Any] = json.loads(text)
        self.max_req_sz: int = doc["max_req_sz"]
        self.max_resp_sz: int = doc["max_resp_sz"]
        self.identity: str = doc["identity"]
        self.initial = {int(k): int(v) for k, v in doc["config"].items()}
        self.config = dict(self.initial)
        self.log_level = 0
        self.calls = 0
        self.operations = {
            (int(ep), int(op)): Operation(int(ep), int(op), o["attribute"], o["kind"])
            for ep, e in doc["endpoints"].items() for op, o in e["operations"].items()
        }

    def endpoints(self) -> set[int]:
        return {ep for ep, _ in self.operations}

    def run(self, endpoint: int, op: int, payload: bytes) -> tuple[int, bytes]:
        """Run a declared operation (the driver checked it exists and its scope)."""
        self.calls += 1
        kind = self.operations[endpoint, op].kind
        if kind == "identity":
            return RC_OK, self.identity.encode() + b"\0"
        if kind == "counters":
            return RC_OK, self.calls.to_bytes(8, "little") + self.log_level.to_bytes(8, "little")
        if kind == "reset_config":
            self.config = dict(self.initial)
            return RC_OK, b""
        if len(payload) < 4:
            return RC_SHORT, b""
        key = int.from_bytes(payload[:4], "little")
        if kind == "log_level":
            self.log_level = key
            return RC_OK, b""
        if key not in self.config:
            return RC_NO_KEY, b""
        if kind == "config_set":
            if len(payload) < 8:
                return RC_SHORT, b""
            self.config[key] = int.from_bytes(payload[4:8], "little")
        return RC_OK, self.config[key].to_bytes(4, "little")

    def state(self) -> dict[str, Any]:
        return {"config": {str(k): v for k, v in self.config.items()},
                "log_level": self.log_level, "calls": self.calls}

    def restore(self, doc: dict[str, Any]) -> None:
        self.config = {int(k): int(v) for k, v in doc["config"].items()}
        self.log_level = int(doc["log_level"])
        self.calls = int(doc["calls"])
