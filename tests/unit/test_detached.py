"""run_detached: a blocking call in a daemon thread, awaited; its result or its error."""

from __future__ import annotations

import threading

import pytest

from fwctl_tui.workbench.detached import run_detached


async def test_the_result_comes_back_from_a_daemon_thread() -> None:
    seen: list[threading.Thread] = []

    def work(x: int) -> int:
        seen.append(threading.current_thread())
        return x * 2

    assert await run_detached("fwctl-test", work, 21) == 42
    assert seen[0].daemon and seen[0].name == "fwctl-test"


@pytest.mark.parametrize(("raised", "expected"), [
    (KeyError("gone"), KeyError), (StopIteration("done"), RuntimeError)])
async def test_an_error_comes_back_to_the_awaiting_worker(
    raised: BaseException, expected: type[BaseException]
) -> None:
    def work() -> None:
        raise raised

    with pytest.raises(expected):
        await run_detached("fwctl-test", work)
