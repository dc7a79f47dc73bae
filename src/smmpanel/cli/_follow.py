"""``smmpanel track`` and ``smmpanel wait``: following orders until they are final.

How `track` shows the changes depends on where its output goes: one JSON line per
change with ``--json``; one line per order rewritten in place on a terminal (a tqdm bar
for many orders, when tqdm is installed); one plain line per change otherwise.
"""

from __future__ import annotations

import argparse
import importlib
from collections import Counter
from collections.abc import Iterable
from typing import Any, Protocol, TextIO

from .. import Id, ItemError, OrderStatus, StatusChange
from ._context import Context
from ._exits import EXIT_ERROR, EXIT_OK, EXIT_PARTIAL, UsageError
from ._output import Exit, as_json, plain
from ._values import read_ids, seconds

LIVE_LIMIT = 20
"""Up to this many orders get a live line each on a terminal; more get a progress bar."""
DEFAULT_POLL = 30.0


def add_follow_arguments(parser: argparse.ArgumentParser, *, many: bool) -> None:
    """The arguments of ``track`` (`many`) and ``wait``."""
    if many:
        parser.add_argument(
            "ids", nargs="+", metavar="ORDER", help='order ids, comma-separated or "-" for stdin'
        )
    else:
        parser.add_argument("id", metavar="ORDER", help='the order id, or "-" to read stdin')
    parser.add_argument(
        "--poll",
        type=seconds,
        default=DEFAULT_POLL,
        metavar="SECONDS",
        help=f"seconds between status checks (default {DEFAULT_POLL:g})",
    )


def wait_order(ctx: Context) -> Exit:
    """Block until one order is final: exit 0 for Completed, 4 for any other end."""
    ids = read_ids([ctx.args.id], ctx.stdin)
    if len(ids) != 1:
        raise UsageError(f"wait takes one order id, not {len(ids)}: use track for many")
    done = ctx.client().wait(ids[0], timeout=ctx.args.timeout, poll=ctx.args.poll)
    return Exit(EXIT_OK if done.status == "Completed" else EXIT_PARTIAL, done)


def track_orders(ctx: Context) -> Exit:
    """Follow orders until every one is final, showing each change as it happens."""
    ids = read_ids(ctx.args.ids, ctx.stdin)
    tracker = ctx.client().track(ids, poll=ctx.args.poll, timeout=ctx.args.timeout)
    shown = renderer(ctx.stdout, tracker.pending, json=ctx.json)
    try:
        for change in tracker:
            shown.show(change)
    finally:
        shown.close()
    return Exit(track_exit(tracker.seen.values()))


def track_exit(outcomes: Iterable[OrderStatus | ItemError]) -> int:
    """0 when every order ended Completed, 1 when the panel knew none of them, 4 otherwise."""
    ends = list(outcomes)
    unknown = sum(isinstance(end, ItemError) for end in ends)
    if ends and unknown == len(ends):
        return EXIT_ERROR
    completed = sum(isinstance(end, OrderStatus) and end.status == "Completed" for end in ends)
    return EXIT_OK if completed == len(ends) else EXIT_PARTIAL


# --- showing the changes ---------------------------------------------------------------


class Renderer(Protocol):
    """Shows status changes as they come."""

    def show(self, change: StatusChange) -> None:
        """Show one change."""

    def close(self) -> None:
        """Finish the display (also after an error or Ctrl-C)."""


def renderer(stream: TextIO, orders: list[Id], *, json: bool) -> Renderer:
    """The display that suits `stream`: see the module's docs."""
    if json:
        return JsonLines(stream)
    if not stream.isatty():
        return PlainLines(stream)
    if len(orders) <= LIVE_LIMIT:
        return LiveLines(stream, orders)
    tqdm = _tqdm()
    return PlainLines(stream) if tqdm is None else Bar(stream, len(orders), tqdm)


def describe(status: OrderStatus | ItemError) -> str:
    """A status for people: ``In progress, 700 remaining``, ``Partial, 40 not delivered``
    or ``error: ...``."""
    if isinstance(status, ItemError):
        return f"error: {status}"
    if not status.remains or status.status == "Completed":
        return str(status.status)
    left = "not delivered" if status.status.is_final else "remaining"
    return f"{status.status}, {status.remains} {left}"


def change_line(change: StatusChange) -> str:
    """One plain line: ``order 5: Pending -> In progress, 700 remaining``."""
    was = "new" if change.before is None else str(change.before.status)
    return f"order {change.order}: {was} -> {describe(change.after)}"


def change_json(change: StatusChange) -> dict[str, Any]:
    """One change as JSON: the order, the status before (null at first sight), then the
    new status's fields or the panel's ``error``, and whether it is ``final``."""
    data: dict[str, Any] = {"order": change.order}
    data["before"] = None if change.before is None else str(change.before.status)
    if isinstance(change.after, ItemError):
        data["error"] = str(change.after)
    else:
        data.update(plain(change.after))
    data["final"] = change.final
    return data


class PlainLines:
    """One line per change, for pipes and logs."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def show(self, change: StatusChange) -> None:
        """Print the change's line."""
        print(change_line(change), file=self._stream, flush=True)

    def close(self) -> None:
        """Nothing to finish."""


class JsonLines(PlainLines):
    """One JSON object per line per change, for scripts."""

    def show(self, change: StatusChange) -> None:
        """Print the change as one JSON line."""
        print(as_json(change_json(change), indent=None), file=self._stream, flush=True)


class LiveLines:
    """One line per order on a terminal, rewritten in place as its status changes."""

    def __init__(self, stream: TextIO, orders: list[Id]) -> None:
        self._stream = stream
        self._lines = {str(order): f"order {order}: waiting for its status" for order in orders}
        self._drawn = 0
        self._draw()

    def show(self, change: StatusChange) -> None:
        """Update the order's line."""
        mark = "done " if change.final else ""
        self._lines[str(change.order)] = f"order {change.order}: {mark}{describe(change.after)}"
        self._draw()

    def close(self) -> None:
        """The lines stay as they are: the last status of every order."""

    def _draw(self) -> None:
        # ESC[nF moves to the start of the line n lines up; ESC[2K clears a line.
        back = f"\x1b[{self._drawn}F" if self._drawn else ""
        body = "".join(f"\x1b[2K{line}\n" for line in self._lines.values())
        self._stream.write(back + body)
        self._stream.flush()
        self._drawn = len(self._lines)


class Bar:
    """A progress bar of the orders that are final, for many orders on a terminal; the
    panel's errors are printed above it and a count of the endings below."""

    def __init__(self, stream: TextIO, total: int, tqdm: Any) -> None:
        self._stream = stream
        self._bar = tqdm(total=total, file=stream, unit="order", desc="final", leave=True)
        self._ends: Counter[str] = Counter()

    def show(self, change: StatusChange) -> None:
        """Count the order when it is final."""
        if not change.final:
            return
        if isinstance(change.after, ItemError):
            self._bar.write(change_line(change), file=self._stream)
            self._ends["error"] += 1
        else:
            self._ends[str(change.after.status)] += 1
        self._bar.update(1)

    def close(self) -> None:
        """Close the bar and print how the orders ended."""
        self._bar.close()
        if self._ends:
            ends = ", ".join(f"{count} {end}" for end, count in self._ends.most_common())
            print(ends, file=self._stream, flush=True)


def _tqdm() -> Any:
    """tqdm's bar class, or None when the optional extra is not installed."""
    try:
        return importlib.import_module("tqdm").tqdm
    except ImportError:
        return None
