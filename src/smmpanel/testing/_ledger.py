"""The ledger: what the panel saw (requests) and did (orders placed, balance movements)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from ._orders import FakeOrder


@dataclass(frozen=True)
class BalanceMovement:
    """One change of the balance: negative for a charge, positive for a refund.

    ``reason`` is ``"order"``, ``"refund"`` (a Partial order's unused part), ``"cancel"``
    or ``"adjustment"`` (:meth:`FakePanel.set_balance`). ``balance`` is the balance after it.
    """

    amount: Decimal
    reason: str
    order: int | None
    balance: Decimal
    at: float


@dataclass(frozen=True)
class RecordedRequest:
    """One HTTP request as the panel saw it. The API key is never stored.

    ``params`` are the form fields without ``key``; ``query`` the URL query fields without
    ``key`` (``key_in_query`` tells whether one was there, which a client must never do).
    ``acted``: the panel processed the request (changing state if it was a valid order,
    refill or cancel). ``status_code``: the HTTP status answered, None when no answer was
    sent. ``fault``: the injected fault's value. ``connection``: a serial number of the TCP
    connection, to see keep-alive reuse.
    """

    method: str
    path: str
    action: str | None
    params: dict[str, str]
    key_ok: bool
    acted: bool
    status_code: int | None
    fault: str | None = None
    connection: int = 0
    query: dict[str, str] = field(default_factory=dict)
    key_in_query: bool = False
    headers: dict[str, str] = field(default_factory=dict)


class _OrderSource(Protocol):
    """What the ledger needs from the panel: its lock, and orders as they are now."""

    @property
    def lock(self) -> AbstractContextManager[Any]: ...

    def order_copy(self, order_id: int) -> FakeOrder: ...


class Ledger:
    """What the panel saw and did, for assertions. Every read returns a fresh copy."""

    def __init__(self, state: _OrderSource) -> None:
        self._state = state
        self._requests: list[RecordedRequest] = []
        self._movements: list[BalanceMovement] = []
        self._order_ids: list[int] = []

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received, oldest first."""
        with self._state.lock:
            return list(self._requests)

    @property
    def orders(self) -> list[FakeOrder]:
        """Every order placed, oldest first, as it is now."""
        with self._state.lock:
            return [self._state.order_copy(i) for i in self._order_ids]

    @property
    def movements(self) -> list[BalanceMovement]:
        """Every balance movement, oldest first."""
        with self._state.lock:
            return list(self._movements)

    def actions(self) -> list[str | None]:
        """The action of every request received, oldest first."""
        with self._state.lock:
            return [r.action for r in self._requests]

    def record(self, request: RecordedRequest) -> None:
        """Append a request (done by the HTTP server)."""
        with self._state.lock:
            self._requests.append(request)

    def record_order(self, order_id: int) -> None:
        """Append an order placed (done by the panel when it accepts an order)."""
        with self._state.lock:
            self._order_ids.append(order_id)

    def record_movement(self, movement: BalanceMovement) -> None:
        """Append a balance movement (done by the panel whenever the balance changes)."""
        with self._state.lock:
            self._movements.append(movement)

    def clear(self) -> None:
        """Forget requests, orders placed and movements (the panel's state stays)."""
        with self._state.lock:
            self._requests.clear()
            self._movements.clear()
            self._order_ids.clear()
