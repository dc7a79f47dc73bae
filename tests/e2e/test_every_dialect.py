"""Every SDK call against a FakePanel, in every dialect the panel can speak."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from smmpanel import (
    APIError,
    AuthenticationError,
    Balance,
    Client,
    InsufficientFundsError,
    ItemError,
    OrderStatus,
    RetryPolicy,
)
from smmpanel.testing import DIALECTS, FakePanel

pytestmark = pytest.mark.e2e
LINK = "https://instagram.com/example"


@pytest.fixture(params=DIALECTS)
def panel(request: pytest.FixtureRequest) -> Iterator[FakePanel]:
    with FakePanel(dialect=request.param, balance="500.00") as panel:
        yield panel


@pytest.fixture
def client(panel: FakePanel) -> Iterator[Client]:
    with Client(panel.url, panel.api_key, retry_policy=RetryPolicy(sleep=lambda _: None)) as c:
        yield c


def service_where(client: Client, **wanted: object) -> int | str:
    return next(
        s.service
        for s in client.services()
        if all(getattr(s, name, (s.model_extra or {}).get(name)) == v for name, v in wanted.items())
    )


def test_balance_and_catalog(panel: FakePanel, client: Client) -> None:
    assert client.balance() == Balance(balance=Decimal("500.00"), currency="USD")
    services = client.services()
    assert [s.service for s in services] == [s["service"] for s in panel.services]
    assert services.invalid == []
    first = services[0]
    wire = panel.services[0]
    assert (first.name, first.rate, first.min, first.max) == (
        wire["name"],
        Decimal(wire["rate"]),
        int(wire["min"]),
        int(wire["max"]),
    )
    assert all(isinstance(s.rate, Decimal) for s in services)


def test_order_lifecycle(panel: FakePanel, client: Client) -> None:
    service = service_where(client, type="Default", refill=True)
    order = client.add(service, LINK, 1000).order
    assert str(order) in {str(o) for o in panel.orders}

    pending = client.status(order)
    assert pending.status == "Pending"
    assert pending.charge == panel.orders[int(order)].charge
    assert pending.currency == "USD"

    panel.advance(30)
    assert client.status(order).status == "In progress"
    panel.complete(int(order))
    done = client.status(order)
    assert done.status == "Completed"
    assert done.remains == 0
    assert done.start_count is not None

    refill = client.refill(order).refill
    assert client.refill_status(refill).status == "Pending"
    panel.advance(3600)
    assert client.refill_status(refill).status == "Completed"
    [result] = client.refill_statuses([refill])
    assert result.ok
    assert result.status == "Completed"
    assert str(result.refill) == str(refill)


def test_partial_delivery_is_refunded(panel: FakePanel, client: Client) -> None:
    service = service_where(client, type="Default", refill=True)
    order = client.add(service, LINK, 1000).order
    before = client.balance().balance
    panel.complete(int(order), remains=250)
    status = client.status(order)
    assert status.status == "Partial"
    assert status.remains == 250
    assert client.balance().balance > before


def test_drip_feed_and_custom_comments(panel: FakePanel, client: Client) -> None:
    drip = service_where(client, dripfeed=True)
    client.add(drip, LINK, 100, runs=3, interval=10)
    placed = panel.ledger.orders[-1]
    assert (placed.runs, placed.interval) == (3, 10)

    comments_service = next(s for s in client.services() if s.type == "Custom Comments")
    comments = [f"comment number {n}" for n in range(comments_service.min)]
    order = client.add(comments_service.service, LINK, comments=comments).order
    assert panel.orders[int(order)].quantity == len(comments)
    assert panel.ledger.requests[-1].params["comments"] == "\n".join(comments)


def test_batches_keep_good_items_beside_bad_ones(panel: FakePanel, client: Client) -> None:
    service = service_where(client, type="Default", cancel=True)
    orders = [client.add(service, LINK, 100).order for _ in range(3)]
    unknown = 999_999_999

    statuses = client.statuses([*orders, unknown, orders[0]])
    assert set(statuses) == {*orders, unknown}
    assert all(isinstance(statuses[o], OrderStatus) for o in orders)
    assert isinstance(statuses[unknown], ItemError)
    assert "order" in str(statuses[unknown]).lower()

    results = client.cancel([orders[0], unknown])
    assert [r.order for r in results] == [orders[0], unknown]
    assert results[0].ok
    assert not results[1].ok
    assert client.status(orders[0]).status == "Canceled"

    refills = client.refills([orders[1], unknown])
    assert [r.ok for r in refills] == [False, False]  # not completed, and unknown


def test_refill_statuses_with_an_unknown_refill(panel: FakePanel, client: Client) -> None:
    service = service_where(client, type="Default", refill=True)
    order = client.add(service, LINK, 100).order
    panel.complete(int(order))
    [created] = client.refills([order])
    assert created.ok
    assert isinstance(created.refill, (int, str))
    results = client.refill_statuses([created.refill, 424242])
    assert results[0].ok
    assert results[0].status == "Pending"
    assert not results[1].ok
    assert isinstance(results[1].status, ItemError)


def test_more_than_100_ids_are_split(panel: FakePanel, client: Client) -> None:
    before = len(panel.ledger.requests)
    statuses = client.statuses(range(1, 251))
    assert len(statuses) == 250
    sent = [r for r in panel.ledger.requests[before:] if r.action == "status"]
    assert [len(r.params["orders"].split(",")) for r in sent] == [100, 100, 50]


def test_panel_errors_are_typed(panel: FakePanel, client: Client) -> None:
    with pytest.raises(APIError) as unknown_service:
        client.add(987654, LINK, 100)
    assert "service" in unknown_service.value.message.lower()

    with pytest.raises(APIError, match="Incorrect order ID"):
        client.status(999_999_999)

    panel.set_balance("0.01")
    service = service_where(client, type="Default", refill=True)
    with pytest.raises(InsufficientFundsError):
        client.add(service, LINK, 10_000)

    with (
        Client(panel.url, "not-the-key") as stranger,
        pytest.raises(AuthenticationError),
    ):
        stranger.balance()
    assert panel.ledger.orders == []


def test_the_ledger_matches_what_the_client_saw(panel: FakePanel, client: Client) -> None:
    start = client.balance().balance
    service = service_where(client, type="Default", cancel=True)
    placed = [client.add(service, LINK, 100 * n).order for n in range(1, 4)]
    client.cancel(placed[:1])
    assert [str(o.id) for o in panel.ledger.orders] == [str(o) for o in placed]
    spent = sum((m.amount for m in panel.ledger.movements), Decimal(0))
    assert client.balance().balance == start + spent
