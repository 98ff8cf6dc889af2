"""`fwctl-tui replay`, `diff` and `export`: read, re-send, compare and share captures.

All three work headless over captures/ and capture_analysis/, so scripts get exactly what
the capture browser and diff view show. A damaged capture is never a traceback: a missing
header exits 2 with the line and reason; broken records are listed and warned about.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from fwctl_tui.capture_analysis import decoding, listing
from fwctl_tui.capture_analysis.content_filter import Query, parse_query
from fwctl_tui.capture_analysis.diff import Change, DiffReport, Pair, diff_captures, diff_records
from fwctl_tui.capture_analysis.filters import (
    RecordFilter,
    check_scope,
    check_status,
    outcome_text,
    parse_time,
)
from fwctl_tui.capture_analysis.findings import FAILED, Findings, FindingsBuilder, analyse
from fwctl_tui.capture_analysis.redact import redact_to
from fwctl_tui.captures.files import open_regular
from fwctl_tui.captures.format import CaptureError
from fwctl_tui.captures.loader import Capture, RecordItem, load_capture
from fwctl_tui.captures.recorder import copy_capture
from fwctl_tui.cli import (
    EXIT_DEVICE,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    add_json_flag,
    open_connection,
    print_json,
)
from fwctl_tui.cli.capture_output import (
    JsonListDocument,
    LineWriter,
    write_json_document,
    write_table,
)
from fwctl_tui.decoders.mlx5.status import SyndromeTable
from fwctl_tui.exchange_json import ReplyJsonCache, exchange_json
from fwctl_tui.resend import RATES_NOTE, ResendReport, resend
from fwctl_tui.syndrome_source import syndromes_for
from fwctl_tui.textsafe import printable


def register(subparsers: Any) -> None:
    """Add `replay`, `diff` and `export` to the top-level parser."""
    replay = subparsers.add_parser(
        "replay",
        help="list a capture's records, or re-send them --against a device",
        description="Print a capture's records with decoded summaries; with --against, "
        "re-send its read-only records to DEVICE and report what changed.",
    )
    replay.add_argument("capture", metavar="FILE", help="capture file (.jsonl)")
    replay.add_argument("--command", help="only records whose command contains this text")
    replay.add_argument("--status", help="only this outcome: OK, ERROR, a status or errno "
                        "name, or a damage flag (SHORT_REPLY, NO_STATUS, OPCODE_MISMATCH)")
    replay.add_argument("--scope", help="only this scope (name or 0..3)")
    replay.add_argument("--filter", metavar="EXPR",
                        help="only records whose content matches, e.g. 'down_blame=Remote_phy', "
                        "'page_select=6 status!=OK', 'symbol_errors>0' (words are ANDed)")
    replay.add_argument("--since", help="only records at or after (epoch seconds or ISO 8601)")
    replay.add_argument("--until", help="only records at or before (epoch seconds or ISO 8601)")
    replay.add_argument("--against", metavar="DEVICE", help="re-send the records to DEVICE")
    replay.add_argument("--allow-writes", action="store_true",
                        help="also re-send writes (and reads that clear counters: clr/clear=1)")
    replay.add_argument("--yes", action="store_true", help="acknowledge tainting scopes")
    replay.add_argument("--dashboard", action="store_true",
                        help="show a recorded watch in the port dashboard (TUI, offline)")
    replay.add_argument("--port", type=int, default=1, help="with --dashboard: local port")
    add_json_flag(replay)
    replay.set_defaults(handler=run_replay)

    diff = subparsers.add_parser(
        "diff",
        help="compare two captures field by field",
        description="Pair the records of A and B by command and index fields and show "
        "what changed, by field name; counters as deltas, and as rates only when A and B "
        "are one capture's timeline. Unreadable lines of either file are warned about.",
    )
    diff.add_argument("a", metavar="A", help="first capture")
    diff.add_argument("b", metavar="B", nargs="?", help="second capture (not with --records)")
    diff.add_argument("--records", nargs=2, type=int, metavar=("N", "M"),
                      help="compare records N and M (seq) of capture A, with rates")
    add_json_flag(diff)
    diff.set_defaults(handler=run_diff)

    export = subparsers.add_parser(
        "export",
        help="copy a capture atomically, optionally with identifiers redacted",
        description="Write SRC to DEST atomically; --redact replaces host name, MACs, "
        "GUIDs, GIDs, serials, VUID and PSID with consistent placeholders, in decoded fields "
        "and wherever their bytes appear in any payload.",
    )
    export.add_argument("src", metavar="SRC")
    export.add_argument("dest", metavar="DEST")
    export.add_argument("--redact", action="store_true", help="replace identifiers")
    add_json_flag(export)
    export.set_defaults(handler=run_export)


def _console() -> Console:
    """Wide when piped, so listings and diffs stay one record per line for grep and less."""
    return Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 200)


def _open(path: str) -> Capture:
    with _reading(path):
        return load_capture(path)


@contextmanager
def _reading(path: str) -> Iterator[None]:
    """Opening the capture at `path` for reading: why it cannot be read, exit 2."""
    try:
        yield
    except FileNotFoundError:
        raise CliError(f"capture file {path!r} does not exist", EXIT_USAGE) from None
    except IsADirectoryError:
        raise CliError(f"{path!r} is a directory, not a capture file", EXIT_USAGE) from None
    except OSError as err:
        raise CliError(f"cannot read {path!r}: {err.strerror or err}", EXIT_USAGE) from None
    except CaptureError as err:
        raise CliError(str(err), EXIT_USAGE) from None


class _Both:
    """The option filters and --filter's query: a record must pass both."""

    def __init__(self, options: RecordFilter, query: Query | None) -> None:
        self.options, self.query = options, query

    def matches(self, item: RecordItem) -> bool:
        return self.options.matches(item) and (self.query is None or self.query.matches(item))


def _filter(args: argparse.Namespace) -> _Both:
    try:
        query = parse_query(args.filter) if getattr(args, "filter", None) else None
        return _Both(RecordFilter(
            command=args.command,
            status=check_status(args.status) if args.status else None,
            scope=check_scope(args.scope) if args.scope else None,
            since=parse_time(args.since) if args.since else None,
            until=parse_time(args.until) if args.until else None,
        ), query)
    except (ValueError, CaptureError) as err:
        raise CliError(str(err), EXIT_USAGE) from None


def _filter_text(args: argparse.Namespace) -> str:
    """The filter options as given, for 'nothing matches' messages."""
    names = ("command", "status", "scope", "since", "until", "filter")
    given = [f"--{name} {value}" for name in names
             if (value := getattr(args, name, None))]
    return " ".join(given) or "the filters"


def _selected(capture: Capture, flt: _Both) -> Iterator[RecordItem]:
    return (item for item in capture.iter_records() if flt.matches(item))


def run_replay(args: argparse.Namespace) -> int:
    if args.dashboard:
        from fwctl_tui.cli.link import replay_dashboard

        return replay_dashboard(args.capture, args.port)
    flt = _filter(args)
    with _open(args.capture) as capture:
        if args.against:
            return _run_against(args, capture, flt)
        syndromes = syndromes_for(capture.simulated)  # the header says who made the replies
        if args.json:
            head = {"header": capture.describe(),
                    "findings": analyse(capture, syndromes).as_json()}
            write_json_document(head, "records", _selected(capture, flt),
                                partial(_item_json, syndromes=syndromes,
                                        replies=ReplyJsonCache()))
            return EXIT_OK
        builder, rows = FindingsBuilder(capture, syndromes), []
        for item in capture.iter_records():  # one pass: findings first, rows kept as text
            outcome = outcome_text(item.exchange) if item.exchange is not None else None
            builder.add(item, outcome)
            if flt.matches(item):
                rows.append(_row(item, outcome))
        writer = LineWriter(_console())
        _print_header(writer, capture)
        print_findings(writer, builder.result())
        if rows or not len(capture):
            sys.stdout.flush()
            write_table(rows)
        else:
            writer.line(f"no record of {len(capture)} matches {_filter_text(args)}", "yellow")
        for problem in capture.problems:
            sys.stderr.write(f"fwctl-tui: warning: {printable(str(problem))}\n")
    return EXIT_OK


def print_findings(writer: LineWriter, findings: Findings) -> None:
    """The summary before the records: overview lines, then each finding by record."""
    writer.line("findings:", "bold")
    for text, finding in findings.lines()[1:]:  # the header line already names the device
        style = "" if finding is None else "bold red" if finding.kind == FAILED else "yellow"
        writer.line(f"  {text}", style)


def _item_json(item: RecordItem, syndromes: SyndromeTable | None,
               replies: ReplyJsonCache | None = None) -> dict[str, Any]:
    """A record: `seq` and `line`, the exchange schema (exchange_json), and what replay
    adds (`summary`, `problems`, `decode_error`); an unreadable line says why instead.
    `syndromes`: the capture's own table (the simulator's when its header says simulated);
    `replies`: the run's cache of presented replies (a repeated answer is presented once)."""
    if item.exchange is None:
        return {"seq": item.recorded_seq, "line": item.line,
                "error": item.error.reason if item.error else None, "text": item.text}
    ex = item.exchange
    decoded = decoding.decode(ex)
    return {
        "seq": item.seq,
        "line": item.line,
        **exchange_json(ex, decoded.output, syndromes, replies),
        "summary": listing.summary(ex, decoded),
        "problems": decoding.problems(ex),
        "decode_error": decoded.error,
    }


def _print_header(writer: LineWriter, capture: Capture) -> None:
    info = capture.describe()
    redacted = " (redacted)" if info["redacted"] else ""
    writer.line(
        f"{info['path']}: {info['records']} records from {info['device']} "
        f"({info['kind']}, {info['device_type']}, fw {info['firmware_version']}) "
        f"on {info['host']}, kernel {info['kernel_release']}, {info['created_at']}{redacted}"
    )


def _row(item: RecordItem, outcome: str | None = None) -> tuple[str, ...]:
    """One listing row (COLUMNS); the caller escapes what the capture said."""
    ex = item.exchange
    if ex is None:
        reason = item.error.reason if item.error else "unreadable"
        seq = item.recorded_seq
        return ("?" if seq is None else str(seq), "", "", "?", "BROKEN", "",
                f"line {item.line}: {reason}: {item.text[:60]}")
    return (str(item.seq), _time_of(item)[11:26], ex.scope.name, ex.command,
            outcome or outcome_text(ex),
            f"{ex.duration_ns / 1000:.1f}", listing.summary(ex))


def _time_of(item: RecordItem) -> str:
    """The record's `time` text; a capture that put something else there shows nothing."""
    value = (item.raw or {}).get("time")
    return value if isinstance(value, str) else ""


def _run_against(args: argparse.Namespace, capture: Capture, flt: _Both) -> int:
    with open_connection(args, args.against) as connection:
        session = connection.session()
        records = ((item.seq, item.exchange) for item in _selected(capture, flt)
                   if item.exchange is not None)
        report = resend(records, session, connection.kernel_state,
                        allow_writes=args.allow_writes, acknowledge_taint=args.yes,
                        device_type=connection.entry.device_type)
    if args.json:
        print_json(report.as_json())
    else:
        print_resend(_console(), report)
    return EXIT_DEVICE if report.failed else EXIT_OK


def print_resend(console: Console, report: ResendReport) -> None:
    out = LineWriter(console)
    newly = f" ({report.newly_failed} newly)" if report.newly_failed else ""
    out.line(f"re-sent {report.sent}, skipped {report.skipped}, "
             f"failed {report.failed} on {report.device}{newly}")
    if any(item.changes for item in report.items):
        out.line(RATES_NOTE, "dim")
    for item in report.items:
        out.line(f"#{item.seq} {item.recorded.command} [{item.recorded.scope.name}]: "
                 f"{item.reason}", "bold red" if item.failed else "")
        for change in item.changes:
            out.text(_change_text(change))


def _change_text(change: Change) -> Text:
    line = Text(f"    {change.field}: {change.shown('a')} -> {change.shown('b')}")
    if change.delta is not None:
        line.append(f"  ({change.delta:+d}", style="bold")
        rate = change.rate_per_s
        line.append(f", {rate:.1f}/s)" if rate is not None else ")", style="bold")
    return line


def run_diff(args: argparse.Namespace) -> int:
    """Pairs are written as they are found (B's order), the counts after them: two
    100k-record captures diff in bounded memory."""
    if (args.b is None) == (args.records is None):
        raise CliError("diff needs two captures (A B) or one capture and --records N M")
    for path in (args.a, args.b or args.a):
        _open(path).close()
    one_pair = None
    if args.records is not None:  # one pair: found (or refused) before anything is written
        try:
            one_pair = diff_records(args.a, *args.records)
        except (OSError, CaptureError, LookupError) as err:
            raise CliError(str(err), EXIT_USAGE) from None
    if args.json:
        document = JsonListDocument({}, "pairs")
        on_pair: Callable[[Pair], None] = lambda pair: document.add(pair.as_json())  # noqa: E731
    else:
        out = LineWriter(_console())
        on_pair = lambda pair: _print_pair(out, pair)  # noqa: E731
    if one_pair is not None:
        report = one_pair
        for pair in report.pairs:
            on_pair(pair)
    else:
        try:
            report = diff_captures(args.a, args.b, on_pair=on_pair)
        except BrokenPipeError:
            raise  # the reader of our output left (`| head`): not a capture problem
        except (OSError, CaptureError) as err:
            raise CliError(str(err), EXIT_USAGE) from None
    for side in ("a", "b"):
        for problem in report.problems[side]:
            sys.stderr.write(f"fwctl-tui: warning: {side.upper()}: {printable(problem)}\n")
    if args.json:
        tail = report.as_json()
        del tail["pairs"]
        document.close(tail)
    else:
        _print_diff_tail(out, report)
    return EXIT_OK


def _print_pair(out: LineWriter, pair: Pair) -> None:
    if not (pair.changes or pair.note):
        return
    out.line(f"A#{pair.seq_a} / B#{pair.seq_b} {_key_text(pair.key)}", "bold")
    if pair.note:
        out.line(f"    ⚠ {pair.note}", "yellow")
    for change in pair.changes:
        out.text(_change_text(change))


def _print_diff_tail(out: LineWriter, report: DiffReport) -> None:
    """What only one side has, then the counts (and how counters were compared)."""
    for label, rows in (("only in A", report.only_in_a), ("only in B", report.only_in_b)):
        for row in rows:
            flags = "".join(f" ⚠ {problem}" for problem in row.get("problems", ()))
            out.line(f"{label}: #{row['seq']} {_key_text(row['key'])} {row['outcome']}{flags}")
    broken = {side: len(rows) for side, rows in report.problems.items() if rows}
    unread = "".join(f", {n} unreadable line(s) in {side.upper()}" for side, n in broken.items())
    out.line(f"{report.paired} paired records, {report.changed_count} changed, "
             f"{len(report.only_in_a)} only in A, {len(report.only_in_b)} only in B{unread}")
    if report.changed_count:
        out.line(report.rates_note, "dim")


def _key_text(key: dict[str, Any]) -> str:
    index = key.get("index") or {}
    fields = " ".join(f"{k.rsplit('.', 1)[-1]}={v}" for k, v in index.items()
                      if v and k.rsplit(".", 1)[-1] not in ("register_id", "argument"))
    op_mod = f" op_mod={key['op_mod']}" if "op_mod" in key else ""  # mlx5 records only
    return f"{key['command']}{op_mod}" + (f" {fields}" if fields else "")


def _export(args: argparse.Namespace, dropped: list[str]) -> Path:
    """The copy, from SRC opened here once (its errors said as SRC's): a plain copy reads
    it once, a redacted one scans it, learns its identifiers, then writes."""
    if args.redact:
        with _open(args.src) as capture:
            return redact_to(capture, args.dest, dropped)
    with _reading(args.src):
        source = open_regular(args.src)
    with source:
        return copy_capture(source, args.src, args.dest)


def run_export(args: argparse.Namespace) -> int:
    """Exit 2 for anything wrong with SRC or DEST (a write that fails is a destination
    the user chose: full, read-only, inside a file); 1 stays for device errors."""
    dropped: list[str] = []
    try:
        dest = _export(args, dropped)
    except CaptureError as err:
        raise CliError(str(err), EXIT_USAGE) from None
    except OSError as err:
        raise CliError(f"cannot write {args.dest}: {err.strerror or err}", EXIT_USAGE) from None
    for reason in dropped:
        sys.stderr.write(f"fwctl-tui: warning: {printable(reason)}\n")
    if args.json:
        print_json({"saved": str(dest), "redacted": args.redact, "dropped": dropped})
    else:
        left_out = f", {len(dropped)} unreadable line(s) left out" if dropped else ""
        _console().print(Text(printable(f"saved {dest}" + (" (redacted)" if args.redact else "")
                                        + left_out)))
    return EXIT_OK
