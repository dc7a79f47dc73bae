"""A pooled keep-alive connection that the panel closed while idle is noticed before it
is reused: the next write goes out on a fresh connection and succeeds, instead of dying
on the stale one and turning into a false `OutcomeUnknownError`."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from actions_support import LINK
from reliability_support import START_BALANCE, check_ledger, client_for, requests_for

from smmpanel.testing import FakePanel

pytestmark = pytest.mark.e2e

IDLE_TIMEOUT = 0.2


@pytest.fixture
def idle_panel() -> Iterator[FakePanel]:
    with FakePanel(balance=START_BALANCE, idle_timeout=IDLE_TIMEOUT) as started:
        yield started


def test_a_write_after_the_panel_closed_an_idle_connection_succeeds(
    idle_panel: FakePanel, slept: list[float]
) -> None:
    panel = idle_panel
    links = [f"{LINK}/keepalive-{n}" for n in range(3)]
    with client_for(panel, slept) as client:
        for link in links:
            client.balance()  # leaves a connection in the pool
            time.sleep(IDLE_TIMEOUT + 0.3)  # the panel closes it meanwhile
            order = client.add(1, link, 100)  # must not be an OutcomeUnknownError
            assert order.order in {o.id for o in panel.ledger.orders if o.link == link}
    assert slept == []  # not even retried: the stale connection was never written to
    adds = requests_for(panel, "add")
    assert [r.params["link"] for r in adds] == links
    assert [o.link for o in panel.ledger.orders] == links
    # Each add came on a new connection, so the idle one really was closed by the panel.
    reads = requests_for(panel, "balance")
    assert all(a.connection != r.connection for a, r in zip(adds, reads, strict=True))
    check_ledger(panel)


def test_reads_after_idle_closes_need_no_retry(idle_panel: FakePanel, slept: list[float]) -> None:
    with client_for(idle_panel, slept) as client:
        for _ in range(3):
            assert client.balance().balance == idle_panel.balance
            time.sleep(IDLE_TIMEOUT + 0.2)
    assert slept == []
    assert len(idle_panel.ledger.requests) == 3


def test_a_busy_connection_is_reused(idle_panel: FakePanel) -> None:
    """The other side of the coin: within the idle timeout the connection is kept."""
    with client_for(idle_panel) as client:
        for _ in range(5):
            client.balance()
    assert len({r.connection for r in idle_panel.ledger.requests}) == 1
