"""Writes (add, refill, refills, cancel) that fail after they may have reached the panel
are never sent twice: they end in `OutcomeUnknownError`, and the FakePanel's ledger proves
no order was placed twice and no money moved without an order."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

import pytest
import requests
from actions_support import LINK, WRITES, wire_name
from reliability_support import (
    Prepared,
    check_ledger,
    client_for,
    dead_url,
    prepare,
    requests_for,
)

from smmpanel import (
    Client,
    OutcomeUnknownError,
    RateLimitError,
    RetryPolicy,
    SMMPanelError,
    TransportError,
)
from smmpanel.testing import FakePanel, Fault

pytestmark = pytest.mark.e2e

# Fault, options: the panel acts on the request, then the answer is lost.
ACTING = {
    "drop_after": (Fault.DROP_AFTER, {}),
    "reset_after": (Fault.RESET_AFTER, {}),
    "stall": (Fault.STALL, {"seconds": 3}),  # well past the 0.5 s read timeout
    "truncated": (Fault.TRUNCATED, {}),
    "empty": (Fault.EMPTY, {}),
}
# The panel does not act, but the client cannot know that: a 5xx after sending. (A 429
# is a refusal real panels keep to: see test_a_write_answered_429_is_refused_once.)
NOT_ACTING = {
    "server_error": (Fault.SERVER_ERROR, {}),
    "server_error_503": (Fault.SERVER_ERROR, {"status": 503}),
    "drop_before": (Fault.DROP_BEFORE, {}),
}
FAULTS = {**ACTING, **NOT_ACTING}


def pairs(faults: list[str]) -> list[tuple[str, str]]:
    """(write, fault): each fault against one write, the writes taken in turn. Every
    write takes the one path through the client; each still meets two or more faults."""
    return [(WRITES[n % len(WRITES)], fault) for n, fault in enumerate(faults)]


def write_call(
    name: str, ids: Prepared, link: str
) -> tuple[Callable[[Client], Any], dict[str, str]]:
    """The call of write `name` and the params it must report in `OutcomeUnknownError`."""
    if name == "add":
        return (lambda c: c.add(1, link, 100)), {"service": "1", "link": link, "quantity": "100"}
    if name == "refill":
        order = ids.completed[0]
        return (lambda c: c.refill(order)), {"order": str(order)}
    if name == "refills":
        orders = ids.completed
        return (lambda c: c.refills(orders)), {"orders": ",".join(map(str, orders))}
    orders = ids.active
    return (lambda c: c.cancel(orders)), {"orders": ",".join(map(str, orders))}


def lose_one_write(
    panel: FakePanel, name: str, fault_id: str, slept: list[float], link: str = LINK
) -> tuple[OutcomeUnknownError, dict[str, str], int]:
    ids = prepare(panel)
    call, params = write_call(name, ids, link)
    fault, options = FAULTS[fault_id]
    panel.inject(fault, action=wire_name(name), **options)
    with client_for(panel, slept) as client, pytest.raises(SMMPanelError) as caught:
        call(client)
    return caught.value, params, ids.requests_before  # type: ignore[return-value]


@pytest.mark.parametrize(("name", "fault_id"), pairs(list(FAULTS)))
def test_a_lost_write_is_outcome_unknown_and_never_resent(
    panel: FakePanel, slept: list[float], name: str, fault_id: str
) -> None:
    error, params, before = lose_one_write(panel, name, fault_id, slept)

    assert isinstance(error, OutcomeUnknownError), f"{type(error).__name__}: {error}"
    assert not isinstance(error, TransportError)
    assert not isinstance(error, requests.RequestException)
    sent = requests_for(panel, wire_name(name), before)
    assert len(sent) == 1, f"{name} reached the panel {len(sent)} times"
    assert slept == []
    assert error.action == wire_name(name)
    assert error.params == params
    assert "key" not in error.params
    assert panel.api_key not in repr(error.params)
    assert panel.api_key not in str(error)
    assert re.search(r"check .*before sending it again", str(error)), str(error)
    # The panel acted exactly when the fault says so, and never more than once.
    assert sent[0].acted is (fault_id in ACTING)
    if name == "add":
        placed = [order for order in panel.ledger.orders if order.link == LINK]
        assert len(placed) == (1 if fault_id in ACTING else 0)
    check_ledger(panel)


@pytest.mark.parametrize(  # stall: below
    ("name", "fault_id"), pairs([f for f in reversed(FAULTS) if f != "stall"])
)
def test_a_lost_write_keeps_the_original_error_as_its_cause(
    panel: FakePanel, name: str, fault_id: str
) -> None:
    error, _, _ = lose_one_write(panel, name, fault_id, [])
    assert isinstance(error, OutcomeUnknownError)
    assert error.__cause__ is not None, (
        f"OutcomeUnknownError after {fault_id} has no __cause__ (docs/reliability.md §1:"
        " 'the original error as __cause__')"
    )
    assert isinstance(error.__cause__, (requests.RequestException, SMMPanelError))


@pytest.mark.parametrize("name", WRITES)
def test_a_write_answered_429_is_refused_once(panel: FakePanel, name: str) -> None:
    ids = prepare(panel)
    call, params = write_call(name, ids, LINK)
    panel.inject(Fault.RATE_LIMIT, action=wire_name(name), retry_after=60)
    with client_for(panel, []) as client, pytest.raises(RateLimitError) as caught:
        call(client)
    assert caught.value.retry_after == 60.0
    assert caught.value.params == params
    assert len(requests_for(panel, wire_name(name), ids.requests_before)) == 1
    check_ledger(panel)


def test_a_stalled_write_keeps_the_read_timeout_as_its_cause(panel: FakePanel) -> None:
    error, _, _ = lose_one_write(panel, "add", "stall", [])
    assert isinstance(error.__cause__, requests.exceptions.ReadTimeout)


def test_a_storm_of_lost_writes_never_places_an_order_twice(
    panel: FakePanel, slept: list[float]
) -> None:
    """Every write through every fault on one panel, then clean calls: the ledger shows
    each add reached the panel once, and the money adds up."""
    placed_links: list[str] = []
    adds_sent = 0
    with client_for(panel, slept) as client:
        for fault_id, (fault, options) in FAULTS.items():
            ids = prepare(panel, active=2, completed=2)
            for name in WRITES:
                link = f"{LINK}/storm-{fault_id}"
                call, _ = write_call(name, ids, link)
                panel.inject(fault, action=wire_name(name), **options)
                with pytest.raises(OutcomeUnknownError):
                    call(client)
                adds_sent += name == "add"
                if name == "add" and fault_id in ACTING:
                    placed_links.append(link)
        assert panel.faults == []
        # The client is still healthy afterwards.
        assert client.add(1, f"{LINK}/after-the-storm", 100).order
        assert client.balance().balance == panel.balance
    assert slept == []
    storm = f"{LINK}/storm-"
    storm_adds = [r for r in requests_for(panel, "add") if r.params["link"].startswith(storm)]
    assert len(storm_adds) == adds_sent
    storm_orders = [o.link or "" for o in panel.ledger.orders if (o.link or "").startswith(storm)]
    assert sorted(storm_orders) == sorted(placed_links)
    check_ledger(panel)


def test_a_refused_connection_is_retried_then_a_transport_error(
    slept: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    """Connection refused proves the request never left: retried (waits recorded), then a
    TransportError, which is safe to retry, not an OutcomeUnknownError."""
    caplog.set_level(logging.DEBUG, logger="smmpanel")
    url = dead_url()
    client = Client(url, "refused-key-123", retry_policy=RetryPolicy(sleep=slept.append))
    with client, pytest.raises(TransportError) as caught:
        client.add(1, LINK, 100)
    assert not isinstance(caught.value, OutcomeUnknownError)
    assert caught.value.__cause__ is not None
    assert len(slept) == 2  # max_retries, between the three attempts
    attempts = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert len(attempts) == 3, attempts
    assert all(m.startswith("add attempt ") and "no answer" in m for m in attempts), attempts


def test_a_refused_connection_places_nothing_and_the_next_try_places_once(
    panel: FakePanel, slept: list[float]
) -> None:
    client = Client(dead_url(), panel.api_key, retry_policy=RetryPolicy(sleep=slept.append))
    with client, pytest.raises(TransportError):
        client.add(1, LINK, 100)
    assert panel.ledger.requests == []
    with client_for(panel) as working:  # the caller retries, as TransportError allows
        working.add(1, LINK, 100)
    assert [o.link for o in panel.ledger.orders] == [LINK]
    check_ledger(panel)
