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
from functools import partial
from typing import TypeVar, TypeVarTuple

T = TypeVar("T")
Args = TypeVarTuple("Args")


async def run_detached(name: str, fn: Callable[[*Args], T], *args: *Args) -> T:
    """`fn(*args)` in a new daemon thread called `name`; its result or exception."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(done: Callable[[], None]) -> None:
        if not future.cancelled():  # else the worker was cancelled while waiting
            done()

    def run() -> None:
        done: Callable[[], None]
        try:
            result = fn(*args)
        except StopIteration as exc:  # a Future refuses StopIteration itself (PEP 479)
            done = partial(future.set_exception,
                           RuntimeError(f"{name} raised StopIteration: {exc}"))
        except BaseException as exc:  # handed to the awaiting worker, as a thread worker would
            done = partial(future.set_exception, exc)
        else:
            done = partial(future.set_result, result)
        with contextlib.suppress(RuntimeError):  # the loop is closed: the app has quit
            loop.call_soon_threadsafe(settle, done)

    threading.Thread(target=run, name=name, daemon=True).start()
    return await future
