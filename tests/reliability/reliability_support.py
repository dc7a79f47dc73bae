"""Helpers shared by the reliability tests (fixtures live in conftest.py)."""

from __future__ import annotations

import itertools
import socket
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from smmpanel import Client, RetryPolicy
from smmpanel.testing import FakePanel

START_BALANCE = Decimal("1000.00")
TIMEOUT = (1.0, 0.5)
"""Small enough that a stalled answer costs half a second, never the 30 s default."""
_batches = itertools.count(1)


def client_for(panel: FakePanel, slept: list[float] | None = None, **kwargs: Any) -> Client:
    """A client of `panel` whose retries record their waits instead of sleeping."""
    sink: list[float] = [] if slept is None else slept
    kwargs.setdefault("retry_policy", RetryPolicy(sleep=sink.append))
    kwargs.setdefault("timeout", TIMEOUT)
    return Client(panel.url, panel.api_key, **kwargs)


def dead_url() -> str:
    """A loopback url where nothing listens: connecting to it is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/v2"


# --- a panel with something in it ---------------------------------------------------------


@dataclass
class Prepared:
    """Ids on a panel, made through a separate setup client before the test's calls."""

    active: list[int]  # Pending orders of a service that can be canceled
    completed: list[int]  # Completed orders of a service that can be refilled
    refill: int  # a refill of another completed order
    requests_before: int  # ledger requests made by the setup


def prepare(panel: FakePanel, *, active: int = 2, completed: int = 2) -> Prepared:
    """Place orders (and one refill) on `panel` so every action has something to act on."""
    base = f"https://instagram.com/p/setup-{next(_batches)}"
    with client_for(panel) as setup:
        active_ids = [int(setup.add(1, f"{base}-active{n}", 100).order) for n in range(active)]
        done_ids = [int(setup.add(1, f"{base}-done{n}", 100).order) for n in range(completed)]
        refilled = int(setup.add(1, f"{base}-refilled", 100).order)
        for order in [*done_ids, refilled]:
            panel.complete(order)
        refill = int(setup.refill(refilled).refill)
    return Prepared(active_ids, done_ids, refill, len(panel.ledger.requests))


def requests_for(panel: FakePanel, action: str, since: int = 0) -> list[Any]:
    """The ledger's requests for `action`, from request number `since` on."""
    return [r for r in panel.ledger.requests[since:] if r.action == action]


def check_ledger(panel: FakePanel, start: Decimal = START_BALANCE) -> None:
    """No order was placed twice, and every balance movement belongs to an order and adds
    up to the change of the balance."""
    orders = panel.ledger.orders
    ids = [order.id for order in orders]
    assert len(ids) == len(set(ids)), f"an order id was handed out twice: {ids}"
    by_link = Counter(order.link for order in orders)
    twice = {link: count for link, count in by_link.items() if count > 1}
    assert not twice, f"orders placed more than once: {twice}"
    movements = panel.ledger.movements
    known = panel.orders
    per_order: dict[int, Decimal] = {}
    for movement in movements:
        assert movement.order in known, f"a balance movement without an order: {movement}"
        assert movement.reason in ("order", "refund", "cancel"), movement
        per_order[movement.order] = per_order.get(movement.order, Decimal(0)) + movement.amount
    for order_id, order in known.items():
        assert per_order.get(order_id, Decimal(0)) == -order.charge, (order_id, order)
    assert sum((m.amount for m in movements), Decimal(0)) == panel.balance - start
    assert start - panel.balance == sum((o.charge for o in known.values()), Decimal(0))
