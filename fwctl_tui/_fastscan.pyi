"""Type stub for the compiled twin of fwctl_tui.monitor.linescan (see _fastscan.c)."""

from typing import Any

SOURCE_DIGEST: str

class Scanner:
    index: int
    def __init__(
        self,
        wanted: tuple[tuple[bytes, str, bytes], ...],
        scopes: tuple[bytes, ...],
        read_type: type[tuple[Any, ...]],
        batch: int,
        long_line: int,
        max_hex: int,
        status_byte: int,
        u32_max: int,
        i64_max: int,
        max_wall: float,
    ) -> None: ...
    def scan(self, buffer: bytes, position: int, final: bool) -> tuple[list[Any], int, int]: ...
    def take_index(self) -> int: ...
