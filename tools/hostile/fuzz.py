"""`make fuzz`: the whole hostile corpus, then random mutations of a good capture, through
every tool (tools/hostile/check.py). Longer than the test suite's bounded run.

    .venv/bin/python -m tools.hostile.fuzz [--seconds S] [--seed N]

Exit 0 when nothing failed (the scratch directory is removed); 1 with every failure
printed, the failing files kept in the printed directory to be replayed by hand.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tools.hostile import corpus
from tools.hostile.check import findings

_JUNK = (b"\x1b]52;c;ZXZpbA==\x07", b"\x00", b"\xff", b"\r\n", b"\n\n", b"[" * 3000,
         b"1e400", b"NaN", b"-1", b"99999999999999999999999999", b"{}", b"\"\\u202e\"")


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to four random edits: bit flips, cut or doubled spans, junk spliced in, lines
    shuffled or dropped."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        choice = rng.randrange(5)
        at = rng.randrange(len(buf)) if buf else 0
        if choice == 0 and buf:
            buf[at] ^= 1 << rng.randrange(8)
        elif choice == 1:
            del buf[at : at + rng.randint(1, 64)]
        elif choice == 2:
            buf[at:at] = rng.choice(_JUNK)
        elif choice == 3:
            buf[at:at] = buf[at : at + rng.randint(1, 200)]
        else:
            lines = bytes(buf).split(b"\n")
            rng.shuffle(lines) if rng.random() < 0.5 else lines.pop(rng.randrange(len(lines)))
            buf = bytearray(b"\n".join(lines))
    return bytes(buf)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    directory = Path(tempfile.mkdtemp(prefix="fwctl-fuzz-"))
    scratch = directory / "scratch"
    scratch.mkdir()
    failed = runs = 0
    for case in corpus.cases(full=True):
        runs += 1
        failed += _report(case.name, findings(case.write(directory), case.good, scratch))
    base = corpus.capture(corpus.header(), [corpus.record(seq) for seq in range(1, 6)])
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        runs += 1
        path = directory / f"mutant-{runs}.jsonl"
        path.write_bytes(mutate(base, rng))
        problems = findings(path, None, scratch, strict=False)
        failed += _report(path.name, problems)
        if not problems:
            path.unlink()
    if failed:
        print(f"{runs} captures, {failed} with failures; the files are in {directory}")
        return 1
    shutil.rmtree(directory)
    print(f"{runs} captures, no failures")
    return 0


def _report(name: str, problems: list[str]) -> int:
    for problem in problems:
        print(f"{name}: {problem}", flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
