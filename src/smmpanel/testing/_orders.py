"""Orders and refills, and the clock that moves them. No money and no HTTP here."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from decimal import Decimal

from ._wire import round_money

PENDING_SECONDS = 5.0
DELIVERY_SECONDS = 60.0
REFILL_PENDING_SECONDS = 5.0
REFILL_SECONDS = 30.0
FIRST_ORDER_ID = 23501
FIRST_REFILL_ID = 1

PENDING = "Pending"
IN_PROGRESS = "In progress"
COMPLETED = "Completed"
PARTIAL = "Partial"
CANCELED = "Canceled"
REJECTED = "Rejected"

ORDER_STATUSES = (PENDING, IN_PROGRESS, COMPLETED, PARTIAL, CANCELED)
REFILL_STATUSES = (PENDING, IN_PROGRESS, COMPLETED, REJECTED)


class Clock:
    """Panel time in seconds: moved by :meth:`advance`, and also by real time if realtime."""

    def __init__(self, *, realtime: bool = False, speed: float = 1.0) -> None:
        if not speed > 0:
            raise ValueError("speed must be positive")
        self.realtime = realtime
        self.speed = float(speed)
        self._origin = time.monotonic()
        self._offset = 0.0

    def now(self) -> float:
        """Seconds of panel time since the panel was created."""
        if self.realtime:
            return self._offset + (time.monotonic() - self._origin) * self.speed
        return self._offset

    def advance(self, seconds: float) -> None:
        """Move panel time forward."""
        if not seconds >= 0:
            raise ValueError("seconds must be >= 0")
        self._offset += seconds


@dataclass
class FakeOrder:
    """An order held by the panel. The panel hands out copies: editing one changes nothing.

    ``quantity`` is the quantity per run as ordered (for custom comments: the number of
    comment lines; for packages: 1; for subscriptions: ``max`` times ``posts``); ``total``
    is what is delivered over all drip-feed runs. ``charge`` is the current charge, after
    any refund; ``refunded`` is what went back to the balance.
    """

    id: int
    service: int
    link: str | None
    quantity: int
    charge: Decimal
    status: str = PENDING
    start_count: int = 0
    remains: int = 0
    params: dict[str, str] = field(default_factory=dict)
    runs: int | None = None
    interval: int | None = None
    currency: str = "USD"
    refunded: Decimal = Decimal(0)
    created_at: float = 0.0
    started_at: float | None = None
    finished_at: float | None = None
    delivery_seconds: float = DELIVERY_SECONDS

    @property
    def total(self) -> int:
        """Quantity delivered over all runs."""
        return self.quantity * (self.runs or 1)

    @property
    def active(self) -> bool:
        """True while the order is Pending or In progress."""
        return self.status in (PENDING, IN_PROGRESS)


@dataclass
class FakeRefill:
    """A refill request held by the panel (handed out as a copy)."""

    id: int
    order: int
    status: str = PENDING
    created_at: float = 0.0
    finished_at: float | None = None


def copy_order(order: FakeOrder) -> FakeOrder:
    """A copy of an order that shares nothing mutable with it."""
    return replace(order, params=dict(order.params))


def delivery_seconds(runs: int | None, interval: int | None) -> float:
    """How long an order takes once started: a drip-feed adds the waits between runs."""
    if runs is None or interval is None:
        return DELIVERY_SECONDS
    return DELIVERY_SECONDS + (runs - 1) * interval * 60.0


class OrderBook:
    """Every order and refill, with the ids to come; not thread-safe (the panel locks)."""

    def __init__(self) -> None:
        self.orders: dict[int, FakeOrder] = {}
        self.refills: dict[int, FakeRefill] = {}
        # Only these move with the clock, so a sync costs nothing for finished ones.
        self._active_orders: dict[int, FakeOrder] = {}
        self._active_refills: dict[int, FakeRefill] = {}
        self._next_order = FIRST_ORDER_ID
        self._next_refill = FIRST_REFILL_ID
        self._synced_at = -1.0

    @property
    def next_order_id(self) -> int:
        """The id the next order will get."""
        return self._next_order

    def place(self, order: FakeOrder) -> None:
        """Hold a new order (its id must be :attr:`next_order_id`); it starts moving."""
        self._next_order = order.id + 1
        self.orders[order.id] = order
        self._active_orders[order.id] = order

    def open_refill(self, order: FakeOrder, now: float) -> FakeRefill:
        """Start a refill of ``order`` now."""
        refill = FakeRefill(id=self._next_refill, order=order.id, created_at=now)
        self._next_refill += 1
        self.refills[refill.id] = refill
        self._active_refills[refill.id] = refill
        return refill

    def refilling(self, order_id: int) -> bool:
        """Whether a refill of the order is still Pending or In progress."""
        return any(r.order == order_id for r in self._active_refills.values())

    def stop_order(self, order_id: int) -> None:
        """Let the order no longer move with the clock."""
        self._active_orders.pop(order_id, None)

    def stop_refill(self, refill_id: int) -> None:
        """Let the refill no longer move with the clock."""
        self._active_refills.pop(refill_id, None)

    # -- time -------------------------------------------------------------------------

    def sync(self, now: float) -> None:
        """Bring every moving order and refill up to panel time ``now``."""
        if now == self._synced_at:
            return
        self._synced_at = now
        for order in list(self._active_orders.values()):
            self._progress(order, now)
        for refill in list(self._active_refills.values()):
            if refill.status == PENDING and now >= refill.created_at + REFILL_PENDING_SECONDS:
                refill.status = IN_PROGRESS
            if refill.status == IN_PROGRESS and now >= (
                refill.created_at + REFILL_PENDING_SECONDS + REFILL_SECONDS
            ):
                refill.status = COMPLETED
                refill.finished_at = now
                del self._active_refills[refill.id]

    def _progress(self, order: FakeOrder, now: float) -> None:
        if order.status == PENDING and now >= order.created_at + PENDING_SECONDS:
            _start(order, order.created_at + PENDING_SECONDS)
        if order.status == IN_PROGRESS and order.started_at is not None:
            elapsed = now - order.started_at
            if elapsed >= order.delivery_seconds:
                order.remains = 0
                order.status = COMPLETED
                order.finished_at = order.started_at + order.delivery_seconds
                del self._active_orders[order.id]
            else:
                delivered = int(order.total * elapsed / order.delivery_seconds)
                order.remains = order.total - delivered

    def finish(self, order: FakeOrder, status: str, remains: int, now: float) -> Decimal:
        """End an order now with ``remains`` undelivered; returns the refund it is owed.

        The refund is already taken off the order's charge; the caller credits it.
        """
        if order.status == PENDING and status != CANCELED:
            _start(order, now)
        order.status = status
        order.remains = remains
        order.finished_at = now
        self._active_orders.pop(order.id, None)
        refund = round_money(order.charge * remains / order.total) if order.total else Decimal(0)
        if refund > 0:
            order.charge -= refund
            order.refunded += refund
        return refund


def _start(order: FakeOrder, at: float) -> None:
    order.status = IN_PROGRESS
    order.started_at = at
    # Deterministic, realistic-looking counter of what the link had before.
    order.start_count = 100 + (order.id * 7919) % 9900
