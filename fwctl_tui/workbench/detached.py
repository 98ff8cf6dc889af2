"""Await a blocking call that runs in a daemon thread, so quitting never waits for it.

Textual's thread workers run in asyncio's default executor, whose threads the
interpreter joins at exit: quitting while a firmware command hangs would wait until
the driver gives up on it. An RPC runs here instead. The ioctl itself cannot be
interrupted, so a command the user abandons still finishes on the device; its result
is then dropped, not delivered to an app that has gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def run_detached(name: str, fn: Callable[..., T], *args: Any) -> T:
    """`fn(*args)` in a new daemon thread called `name`; its result or exception."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(outcome: Any, failed: bool) -> None:
        if future.cancelled():  # the worker was cancelled while waiting
            return
        if failed:
            future.set_exception(outcome)
        else:
            future.set_result(outcome)

    def run() -> None:
        outcome: Any
        try:
            outcome, failed = fn(*args), False
        except StopIteration as exc:  # a Future refuses StopIteration itself (PEP 479)
            outcome, failed = RuntimeError(f"{name} raised StopIteration: {exc}"), True
        except BaseException as exc:  # handed to the awaiting worker, as a thread worker would
            outcome, failed = exc, True
        with contextlib.suppress(RuntimeError):  # the loop is closed: the app has quit
            loop.call_soon_threadsafe(settle, outcome, failed)

    threading.Thread(target=run, name=name, daemon=True).start()
    return await future
