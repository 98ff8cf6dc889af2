"""Named pds endpoint/operation entries, per device, saved as JSON and imported from files.

fwctl cannot list a pds device's endpoints or operations (the driver keeps them; ids and
payload formats come from the product SDK), so the catalogue of a pds device is what the
user names here. A file is {"entries": [{name, endpoint, operation, scope, payload,
response_len, summary}]}; every problem names the entry and the field.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

from fwctl_tui.uapi import Scope, parse_scope

ENTRIES_ENV = "FWCTL_TUI_PDS_ENTRIES_DIR"
MAX_ID = 0xFFFFFFFF


class EntryError(ValueError):
    """A file or entry that cannot be used, said precisely."""


@dataclass(frozen=True)
class Entry:
    name: str
    endpoint: int
    operation: int
    scope: str = "CONFIGURATION"  # what the user knows the operation needs
    payload: str = ""  # default request payload, hex
    response_len: int = 256
    summary: str = ""


def _int(raw: Any, where: str, top: int) -> int:
    if isinstance(raw, str):
        try:
            raw = int(raw, 0)
        except ValueError:
            raise EntryError(f"{where}: {raw!r} is not a number") from None
    if not isinstance(raw, int) or isinstance(raw, bool) or not 0 <= raw <= top:
        raise EntryError(f"{where}: must be an integer 0..{top}, not {raw!r}")
    return raw


def parse_entry(raw: Any, where: str) -> Entry:
    """One entry from JSON, checked field by field."""
    if not isinstance(raw, dict):
        raise EntryError(f"{where}: an entry is an object, not {type(raw).__name__}")
    name = raw.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z][\w.-]{0,63}", name):
        raise EntryError(f"{where}.name: a name of letters, digits, _ . - (max 64), "
                         f"starting with a letter; got {name!r}")
    where = f"{where} ({name})"
    scope = raw.get("scope", "CONFIGURATION")
    try:
        scope_name = parse_scope(scope).name
    except (ValueError, KeyError):
        raise EntryError(f"{where}.scope: {scope!r} is not a scope "
                         f"({', '.join(s.name for s in Scope)})") from None
    payload = raw.get("payload", "")
    try:
        bytes.fromhex(payload if isinstance(payload, str) else "?")
    except ValueError:
        raise EntryError(f"{where}.payload: hex bytes expected, got {payload!r}") from None
    summary = raw.get("summary", "")
    if not isinstance(summary, str):
        raise EntryError(f"{where}.summary: text expected")
    return Entry(name, _int(raw.get("endpoint"), f"{where}.endpoint", MAX_ID),
                 _int(raw.get("operation"), f"{where}.operation", MAX_ID), scope_name,
                 payload, _int(raw.get("response_len", 256), f"{where}.response_len", 1 << 21),
                 summary)


def read_entries(path: Path) -> list[Entry]:
    """Entries of a file; EntryError names the file, the entry and the field."""
    try:
        doc = json.loads(path.read_text("utf-8"))
    except OSError as err:
        raise EntryError(f"cannot read {path}: {err.strerror or err}") from None
    except ValueError as err:
        raise EntryError(f"{path} is not JSON: {err}") from None
    raw = doc.get("entries") if isinstance(doc, dict) else None
    if not isinstance(raw, list):
        raise EntryError(f"{path}: expected an object with an \"entries\" list")
    entries = [parse_entry(item, f"{path}: entries[{i}]") for i, item in enumerate(raw)]
    names = [e.name for e in entries]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise EntryError(f"{path}: entry names used twice: {', '.join(dupes)}")
    return entries


def entries_dir() -> Path:
    override = os.environ.get(ENTRIES_ENV)
    return Path(override) if override else Path(user_data_dir("fwctl-tui")) / "pds-entries"


def book_path(device: str) -> Path:
    """The per-device file: the device's name, PCI address or sim: profile, made safe."""
    return entries_dir() / (re.sub(r"[^\w.-]+", "_", device).strip("_") + ".json")


def load_book(device: str) -> list[Entry]:
    path = book_path(device)
    return read_entries(path) if path.exists() else []


def save_book(device: str, entries: list[Entry]) -> Path:
    """Write the device's entries atomically (never a half-written file)."""
    path = book_path(device)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({"entries": [asdict(e) for e in entries]}, indent=2) + "\n",
                   "utf-8")
    os.replace(tmp, path)
    return path


def import_entries(device: str, source: Path) -> tuple[list[Entry], Path]:
    """Merge a file's entries into the device's book (same name: the file's wins)."""
    incoming = read_entries(source)
    kept = {e.name: e for e in load_book(device)}
    kept.update({e.name: e for e in incoming})
    merged = list(kept.values())
    return merged, save_book(device, merged)
