"""The panel behind the HTTP server: balance, catalog, order book and ledger. No HTTP here.

:meth:`PanelState.handle` runs one request through its action (see ``_actions``); the
control methods below are the test's side, used by :class:`FakePanel`.
"""

from __future__ import annotations

import copy
import hmac
import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from ._actions import ACTIONS, Reject
from ._catalog import ServiceSpec, load_catalog
from ._ledger import BalanceMovement, Ledger
from ._orders import COMPLETED, PARTIAL, REJECTED, Clock, FakeOrder, FakeRefill, OrderBook
from ._orders import copy_order as _copy
from ._wire import ErrorKind, Failure, Outcome, WireAnswer, to_money


class PanelState:
    """The whole panel behind the HTTP server; every method takes :attr:`lock`."""

    def __init__(
        self,
        *,
        api_key: str,
        balance: Decimal | str | int,
        currency: str,
        services: Sequence[Mapping[str, Any]] | None,
        clock: Clock,
    ) -> None:
        self.lock = threading.RLock()
        self.api_key = api_key
        self.currency = currency
        self.clock = clock
        self.catalog: dict[int, ServiceSpec] = load_catalog(services)
        self.book = OrderBook()
        self.ledger = Ledger(self)
        self._balance = to_money(balance)

    # -- requests ---------------------------------------------------------------------

    def key_ok(self, params: Mapping[str, str]) -> bool:
        """Whether the request carries the right API key."""
        key = params.get("key")
        if key is None:
            return False
        return hmac.compare_digest(key.encode("utf-8"), self.api_key.encode("utf-8"))

    def handle(self, params: Mapping[str, str]) -> Outcome:
        """Process one API request given its form fields."""
        with self.lock:
            if not self.key_ok(params):
                return Failure(ErrorKind.AUTH, "Invalid API key")
            action = ACTIONS.get(params.get("action", ""))
            if action is None:
                return Failure(ErrorKind.REQUEST, "Incorrect request")
            self.book.sync(self.clock.now())
            try:
                return WireAnswer(action(self, params))
            except Reject as reject:
                return Failure(reject.kind, reject.message)

    # -- money and orders (the actions' side) -----------------------------------------

    def place(self, order: FakeOrder) -> None:
        """Hold a new order, record it and charge it."""
        with self.lock:
            self.book.place(order)
            self.ledger.record_order(order.id)
            self._move(-order.charge, "order", order.id)

    def finish(self, order: FakeOrder, status: str, remains: int, reason: str) -> None:
        """End an order now, crediting the refund for ``remains`` as ``reason``."""
        with self.lock:
            refund = self.book.finish(order, status, remains, self.clock.now())
            if refund > 0:
                self._move(refund, reason, order.id)

    def _move(self, amount: Decimal, reason: str, order: int | None) -> None:
        self._balance += amount
        self.ledger.record_movement(
            BalanceMovement(amount, reason, order, self._balance, self.clock.now())
        )

    # -- control (the test's side) ----------------------------------------------------

    def advance(self, seconds: float) -> None:
        """Move panel time forward and let orders and refills progress."""
        with self.lock:
            self.clock.advance(seconds)
            self.book.sync(self.clock.now())

    @property
    def balance(self) -> Decimal:
        """The current balance."""
        with self.lock:
            return self._balance

    def set_balance(self, amount: Decimal | str | int) -> None:
        """Set the balance, recorded as an ``"adjustment"`` movement."""
        with self.lock:
            self._move(to_money(amount) - self._balance, "adjustment", None)

    def services(self) -> list[dict[str, Any]]:
        """The catalog as the canonical dialect sends it."""
        return [copy.deepcopy(dict(spec.wire)) for spec in self.catalog.values()]

    def order_copy(self, order_id: int) -> FakeOrder:
        """A copy of one order, brought up to the current time."""
        with self.lock:
            self.book.sync(self.clock.now())
            return _copy(self.book.orders[order_id])

    def orders(self) -> dict[int, FakeOrder]:
        """Copies of every order, by id."""
        with self.lock:
            self.book.sync(self.clock.now())
            return {i: _copy(o) for i, o in self.book.orders.items()}

    def refills(self) -> dict[int, FakeRefill]:
        """Copies of every refill, by id."""
        with self.lock:
            self.book.sync(self.clock.now())
            return {i: replace(r) for i, r in self.book.refills.items()}

    def complete(self, order_id: int, remains: int = 0) -> FakeOrder:
        """Finish an order now: Completed, or Partial refunding ``remains`` if > 0.

        Completing an order that is already Completed changes nothing.
        """
        with self.lock:
            order = self._held_order(order_id)
            if order.status == COMPLETED and remains == 0:
                return _copy(order)
            if not order.active:
                raise ValueError(f"order {order_id} is already {order.status}")
            if not 0 <= remains <= order.total:
                raise ValueError(f"remains must be between 0 and {order.total}")
            self.finish(order, PARTIAL if remains else COMPLETED, remains, "refund")
            return _copy(order)

    def set_order_status(self, order_id: int, status: str) -> FakeOrder:
        """Force an order's status word (e.g. "Processing"); it stops moving, no money moves."""
        with self.lock:
            order = self._held_order(order_id)
            order.status = status
            self.book.stop_order(order_id)
            return _copy(order)

    def set_refill_status(self, refill_id: int, status: str) -> FakeRefill:
        """Force a refill's status, e.g. "Rejected"; it stops moving on the clock."""
        with self.lock:
            self.book.sync(self.clock.now())
            refill = self.book.refills.get(refill_id)
            if refill is None:
                raise KeyError(f"no refill {refill_id}")
            refill.status = status
            self.book.stop_refill(refill_id)
            if status in (COMPLETED, REJECTED):
                refill.finished_at = self.clock.now()
            return replace(refill)

    def _held_order(self, order_id: int) -> FakeOrder:
        self.book.sync(self.clock.now())
        order = self.book.orders.get(order_id)
        if order is None:
            raise KeyError(f"no order {order_id}")
        return order
