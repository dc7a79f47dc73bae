"""Following orders until they finish: `wait` for one order, `OrderTracker` for many.

Time comes from a clock and a sleep function that the caller may replace (with a
`FakePanel`'s ``now`` and ``advance``, say), so tests of hour-long orders take
milliseconds.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from ._errors import InvalidArgumentError, WaitTimeout
from ._models import Id, ItemError, OrderCreated, OrderStatus
from ._progress import Progress, progress_reporter
from ._retry import LONGEST_WAIT

__all__ = ["Clock", "OrderTracker", "Sleep", "StatusChange", "wait"]

Clock = Callable[[], float]
"""Seconds on a clock that only goes forward, like `time.monotonic`."""
Sleep = Callable[[float], None]
"""Waits that many seconds, like `time.sleep`."""


class _Reads(Protocol):
    """What following orders needs of a client."""

    def status(self, order: Id) -> OrderStatus: ...
    def statuses(self, orders: Iterable[Id]) -> dict[Id, OrderStatus | ItemError]: ...


@dataclass(frozen=True)
class StatusChange:
    """An order's status changed from `before` (None at the first sighting) to `after`,
    which is an `ItemError` when the panel could not report on the order."""

    order: Id
    before: OrderStatus | None
    after: OrderStatus | ItemError

    @property
    def final(self) -> bool:
        """Whether this is the order's last change: it finished, or it failed."""
        return isinstance(self.after, ItemError) or self.after.status.is_final

    def __str__(self) -> str:
        was = "new" if self.before is None else str(self.before.status)
        now = f"error: {self.after}" if isinstance(self.after, ItemError) else self.after.status
        return f"order {self.order}: {was} -> {now}"


def wait(
    client: _Reads,
    order: Id | OrderCreated,
    *,
    timeout: float | None,
    poll: float,
    clock: Clock | None,
    sleep: Sleep | None,
) -> OrderStatus:
    """Poll one order every `poll` seconds until its status is final, and return it."""
    order_id = _order_id(order)
    _check_times(poll, timeout)
    clock = clock or time.monotonic
    sleep = sleep or time.sleep
    deadline = None if timeout is None else clock() + timeout
    while True:
        status = client.status(order_id)
        if status.status.is_final:
            return status
        pause = _pause(poll, deadline, clock)
        if pause is None:
            raise WaitTimeout(
                f"order {order_id} is still {status.status} after {timeout} s",
                last=status,
                pending={order_id: status},
            )
        sleep(pause)


class OrderTracker(Iterator[StatusChange]):
    """Iterates over the status changes of many orders until every one is final.

    `seen` holds the last status of every order seen so far and `pending` the orders not
    yet final; both stay valid when a poll fails, and iterating again resumes tracking.
    """

    def __init__(
        self,
        client: _Reads,
        orders: Iterable[Id | OrderCreated],
        *,
        poll: float,
        timeout: float | None,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
        progress: Progress = None,
    ) -> None:
        _check_times(poll, timeout)
        if isinstance(orders, (str, bytes, OrderCreated)) or not isinstance(orders, Iterable):
            raise InvalidArgumentError(f"orders must be an iterable of ids, not {orders!r}")
        ids = {str(item): item for item in map(_order_id, orders)}
        self.pending: list[Id] = list(ids.values())
        self.seen: dict[Id, OrderStatus | ItemError] = {}
        self._client = client
        self._poll = poll
        self._timeout = timeout
        self._clock = clock or time.monotonic
        self._sleep = sleep or time.sleep
        self._deadline = None if timeout is None else self._clock() + timeout
        self._queue: deque[StatusChange] = deque()
        self._polled = False
        self._progress = progress_reporter(progress, len(self.pending), "track")

    def __iter__(self) -> OrderTracker:
        return self

    def __next__(self) -> StatusChange:
        while not self._queue:
            if not self.pending:
                self._progress.close()
                raise StopIteration
            if self._polled:
                pause = _pause(self._poll, self._deadline, self._clock)
                if pause is None:
                    raise WaitTimeout(
                        f"{_orders(len(self.pending))} still not final after {self._timeout} s",
                        pending={order: self.seen.get(order) for order in self.pending},
                    )
                self._sleep(pause)
            self._polled = True  # even if the poll fails, so a retry waits first
            self._take(self._client.statuses(self.pending))
        return self._queue.popleft()

    def _take(self, found: dict[Id, OrderStatus | ItemError]) -> None:
        for order in list(self.pending):
            after = found[order]
            before = self.seen.get(order)
            assert not isinstance(before, ItemError)  # failed orders are no longer polled
            if isinstance(after, ItemError) or before is None or before.status != after.status:
                self._queue.append(StatusChange(order, before, after))
            self.seen[order] = after
            if isinstance(after, ItemError) or after.status.is_final:
                self.pending.remove(order)
        self._progress.update(self._progress.total - len(self.pending))


def _order_id(order: object) -> Id:
    if isinstance(order, OrderCreated):
        return order.order
    if isinstance(order, bool) or not isinstance(order, (int, str)):
        raise InvalidArgumentError(f"order must be an id or an OrderCreated, not {order!r}")
    return order


def _check_times(poll: object, timeout: object) -> None:
    def seconds(value: object) -> bool:
        return (
            isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        )

    if not seconds(poll) or not 0 < poll <= LONGEST_WAIT:  # type: ignore[operator]  # a number
        raise InvalidArgumentError(f"poll must be seconds > 0 and at most a day, not {poll!r}")
    if timeout is not None and (not seconds(timeout) or timeout < 0):  # type: ignore[operator]
        raise InvalidArgumentError(f"timeout must be seconds >= 0 or None, not {timeout!r}")


def _pause(poll: float, deadline: float | None, clock: Clock) -> float | None:
    """How long to sleep before the next poll; None when the time is up."""
    if deadline is None:
        return poll
    left = deadline - clock()
    return None if left <= 0 else min(poll, left)


def _orders(count: int) -> str:
    return "1 order" if count == 1 else f"{count} orders"
