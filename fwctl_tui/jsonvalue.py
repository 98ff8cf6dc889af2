"""JsonValue: a value parsed from JSON (a capture line, a diff key, an export).

Its shape is whatever the file held, so the code that reads one checks it as it goes
(isinstance, .get with a default) and reports what is wrong; a precise recursive union
would only move those checks into casts at every use. It is `Any` on purpose, named so
the strict mypy settings (no explicit `Any` in the front end) show where a JSON value
is read, and nothing else hides behind it.
"""

from __future__ import annotations

from typing import Any

JsonValue = Any
JsonObject = dict[str, JsonValue]  # a JSON object: a capture record, a diff key
