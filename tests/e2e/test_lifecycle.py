"""wait() and track() against a FakePanel whose clock the test moves: orders that take
minutes are followed in milliseconds, and every request is counted."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from typing import Any

import pytest

from smmpanel import (
    APIError,
    Client,
    InvalidArgumentError,
    ItemError,
    OrderStatus,
    RetryPolicy,
    SMMPanelError,
    StatusChange,
    TransportError,
    WaitTimeout,
)
from smmpanel.testing import FakePanel, Fault

pytestmark = pytest.mark.e2e
LINK = "https://instagram.com/p/abc"


@pytest.fixture
def panel() -> Iterator[FakePanel]:
    with FakePanel(balance="1000") as panel:
        yield panel


@pytest.fixture
def client(panel: FakePanel) -> Iterator[Client]:
    with Client(panel.url, panel.api_key, retry_policy=RetryPolicy(sleep=lambda _: None)) as made:
        yield made


def panel_time(panel: FakePanel) -> dict[str, Any]:
    return {"clock": lambda: panel.now, "sleep": panel.advance}


def status_requests(panel: FakePanel) -> int:
    return panel.ledger.actions().count("status")


def test_wait_returns_the_first_final_status(panel: FakePanel, client: Client) -> None:
    order = client.add(1, LINK, 100)
    done = client.wait(order, poll=10, **panel_time(panel))
    assert done.status == "Completed"
    # Pending 5 s, then 60 s of delivery: polls at 0, 10, ..., 70.
    assert (panel.now, status_requests(panel)) == (70, 8)


@pytest.mark.parametrize("final", ["Partial", "Canceled", "Refunded"])
def test_wait_stops_at_every_final_status(panel: FakePanel, client: Client, final: str) -> None:
    order = client.add(1, LINK, 100).order
    panel.set_order_status(order, final)
    assert client.wait(order, **panel_time(panel)).status == final
    assert status_requests(panel) == 1


def test_wait_times_out_with_the_last_status(panel: FakePanel, client: Client) -> None:
    order = client.add(1, LINK, 100).order
    with pytest.raises(WaitTimeout) as caught:
        client.wait(order, timeout=25, poll=10, **panel_time(panel))
    error = caught.value
    assert isinstance(error, TimeoutError)
    assert isinstance(error, SMMPanelError)
    assert isinstance(error.last, OrderStatus)
    assert error.last.status == "In progress"
    assert panel.now == 25  # the last wait was cut to the time left
    assert status_requests(panel) == 4  # at 0, 10, 20 and 25
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is WaitTimeout
    assert (str(again), again.last, again.pending) == (str(error), error.last, error.pending)


def test_the_panels_error_ends_the_wait(panel: FakePanel, client: Client) -> None:
    with pytest.raises(APIError, match="Incorrect order ID"):
        client.wait(999, **panel_time(panel))
    assert panel.now == 0


@pytest.mark.parametrize(
    ("options", "words"),
    [({"poll": 0}, "poll must be seconds > 0"), ({"poll": float("nan")}, "poll"),
     ({"timeout": -1}, "timeout must be seconds >= 0"), ({"poll": True}, "poll")],
)  # fmt: skip
def test_bad_times_are_refused_before_sending(
    panel: FakePanel, client: Client, options: dict[str, Any], words: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=words):
        client.wait(1, **options)
    with pytest.raises(InvalidArgumentError, match=words):
        client.track([1], **options)
    assert panel.ledger.requests == []


def test_track_yields_each_change_once_and_polls_only_unfinished_orders(
    panel: FakePanel, client: Client
) -> None:
    slow = client.add(1, LINK, 100, runs=2, interval=1).order  # one more minute per run
    fast = client.add(3, LINK, 100).order
    panel.advance(5)  # fast: In progress
    canceled = client.add(10, LINK, 100).order
    panel.set_order_status(canceled, "Canceled")
    start = panel.now
    changes = [
        (change.order, change.before and change.before.status, change.after.status)
        for change in client.track([slow, fast, canceled, fast], poll=30, **panel_time(panel))
        if not isinstance(change.after, ItemError)
    ]
    assert changes == [
        (slow, None, "In progress"),
        (fast, None, "In progress"),
        (canceled, None, "Canceled"),
        (fast, "In progress", "Completed"),
        (slow, "In progress", "Completed"),
    ]
    assert panel.now - start == 120
    polled = [request.params["orders"] for request in panel.ledger.requests[-5:]]
    assert polled == [
        f"{slow},{fast},{canceled}", f"{slow},{fast}", f"{slow},{fast}", f"{slow}", f"{slow}",
    ]  # fmt: skip


def test_track_yields_an_error_once_and_drops_the_order(panel: FakePanel, client: Client) -> None:
    order = client.add(1, LINK, 100)
    changes = list(client.track([order, 424242], poll=60, **panel_time(panel)))
    errors = [change for change in changes if isinstance(change.after, ItemError)]
    assert [(change.order, str(change.after)) for change in errors] == [
        (424242, "Incorrect order ID")
    ]
    assert errors[0].final
    mine = [change for change in changes if change.order == order.order]
    assert [change.after.status for change in mine] == ["Pending", "In progress", "Completed"]  # type: ignore[union-attr]
    assert mine[2] == StatusChange(order.order, mine[1].after, mine[2].after)  # type: ignore[arg-type]
    assert "424242" not in panel.ledger.requests[-1].params["orders"]


def test_track_never_busy_loops(panel: FakePanel, client: Client) -> None:
    orders = [client.add(1, LINK, 100).order for _ in range(3)]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        panel.advance(seconds)

    for _ in client.track(orders, poll=5, clock=lambda: panel.now, sleep=sleep):
        pass
    assert slept == [5.0] * 13  # 65 s to completion, one request per 5 s
    assert status_requests(panel) == 14


def test_track_sends_batches_of_a_hundred(panel: FakePanel, client: Client) -> None:
    orders = [client.add(3, LINK, 100).order for _ in range(150)]
    for order in orders:
        panel.set_order_status(order, "Completed")
    assert len(list(client.track(orders, **panel_time(panel)))) == 150
    assert [len(r.params["orders"].split(",")) for r in panel.ledger.requests[-2:]] == [100, 50]


def test_track_times_out_with_what_is_pending(panel: FakePanel, client: Client) -> None:
    done, slow = client.add(3, LINK, 100).order, client.add(1, LINK, 100).order
    panel.set_order_status(done, "Completed")
    tracker = client.track([done, slow], poll=10, timeout=20, **panel_time(panel))
    with pytest.raises(WaitTimeout) as caught:
        for _ in tracker:
            pass
    assert list(caught.value.pending) == [slow]
    assert caught.value.pending[slow].status == "In progress"
    assert panel.now == 20


def test_a_network_failure_keeps_what_was_seen(panel: FakePanel, client: Client) -> None:
    orders = [client.add(1, LINK, 100).order, client.add(3, LINK, 100).order]
    tracker = client.track(orders, poll=10, **panel_time(panel))
    assert [next(tracker).order, next(tracker).order] == orders
    panel.inject(Fault.DROP_BEFORE, action="status", times=3)  # more than the 2 retries
    with pytest.raises(TransportError):
        next(tracker)
    assert set(tracker.seen) == set(orders)
    assert all(status.status == "Pending" for status in tracker.seen.values())  # type: ignore[union-attr]
    assert tracker.pending == orders
    # Iterating again resumes: each order goes on from the status already seen.
    rest = [(change.order, change.before and change.before.status) for change in tracker]
    assert rest[:2] == [(orders[0], "Pending"), (orders[1], "Pending")]
    assert tracker.pending == []
