"""Orders, refills and cancels move on the panel clock; money moves with them."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
import requests
from _fakeapi import Api

from smmpanel.testing import BalanceMovement, FakePanel


def test_order_moves_pending_in_progress_completed(api: Api, fake_panel: FakePanel) -> None:
    order = api.order(service=1, quantity=1000)
    assert api("status", order=order)["status"] == "Pending"
    fake_panel.advance(4.9)
    assert api("status", order=order)["status"] == "Pending"
    fake_panel.advance(0.1)
    status = api("status", order=order)
    assert status["status"] == "In progress"
    assert int(status["start_count"]) > 0
    assert status["remains"] == "1000"
    fake_panel.advance(30)
    assert api("status", order=order)["remains"] == "500"
    fake_panel.advance(30)
    status = api("status", order=order)
    assert (status["status"], status["remains"], status["charge"]) == ("Completed", "0", "0.90000")
    assert fake_panel.orders[order].finished_at == pytest.approx(65.0)
    assert fake_panel.now == pytest.approx(65.0)


def test_a_long_advance_goes_through_every_step(api: Api, fake_panel: FakePanel) -> None:
    order = api.order()
    fake_panel.advance(3600)
    held = fake_panel.orders[order]
    assert (held.status, held.remains, held.started_at) == ("Completed", 0, 5.0)


def test_dripfeed_takes_its_runs_and_intervals(api: Api, fake_panel: FakePanel) -> None:
    order = api.order(service=1, quantity=100, runs=3, interval=10)
    fake_panel.advance(5 + 60)
    assert api("status", order=order)["status"] == "In progress"
    fake_panel.advance(20 * 60)
    assert api("status", order=order)["status"] == "Completed"


def test_complete_and_partial_refund(api: Api, fake_panel: FakePanel) -> None:
    first, second = api.order(quantity=1000), api.order(quantity=1000)
    completed = fake_panel.complete(first)
    assert (completed.status, completed.remains, completed.charge) == (
        "Completed",
        0,
        Decimal("0.90"),
    )
    partial = fake_panel.complete(second, remains=250)
    assert (partial.status, partial.remains) == ("Partial", 250)
    assert partial.charge == Decimal("0.675")
    assert partial.refunded == Decimal("0.225")
    assert api("status", order=second) == {
        "charge": "0.67500",
        "start_count": str(partial.start_count),
        "status": "Partial",
        "remains": "250",
        "currency": "USD",
    }
    assert fake_panel.balance == Decimal("100") - Decimal("0.9") - Decimal("0.675")
    assert fake_panel.ledger.movements[-1] == BalanceMovement(
        Decimal("0.22500"), "refund", second, fake_panel.balance, 0.0
    )


def test_complete_refuses_finished_or_unknown_orders(api: Api, fake_panel: FakePanel) -> None:
    order = api.order(quantity=100)
    with pytest.raises(ValueError, match="between 0 and 100"):
        fake_panel.complete(order, remains=101)
    fake_panel.complete(order)
    assert fake_panel.complete(order).status == "Completed"  # completing twice is harmless
    with pytest.raises(ValueError, match="already Completed"):
        fake_panel.complete(order, remains=5)
    api("cancel", orders=(canceled := api.order(quantity=100)))
    with pytest.raises(ValueError, match="already Canceled"):
        fake_panel.complete(canceled)
    with pytest.raises(KeyError):
        fake_panel.complete(1)


def test_refill_rules(api: Api, fake_panel: FakePanel) -> None:
    refillable, no_refill = api.order(service=1), api.order(service=3, quantity=100)
    assert api("refill", order=refillable) == {"error": "Order is not completed"}
    fake_panel.complete(no_refill)
    assert api("refill", order=no_refill) == {"error": "Refill is disabled for this service"}
    fake_panel.complete(refillable, remains=10)  # a Partial order can be refilled too
    assert api("refill", order=refillable) == {"refill": "1"}
    assert api("refill", order=refillable) == {
        "error": "Refill is already in progress for this order"
    }
    assert api("refill", orders=f"{refillable},{no_refill}") == [
        {"order": refillable, "refill": {"error": "Refill is already in progress for this order"}},
        {"order": no_refill, "refill": {"error": "Refill is disabled for this service"}},
    ]


def test_refill_moves_pending_in_progress_completed(api: Api, fake_panel: FakePanel) -> None:
    order = api.order(service=1)
    fake_panel.complete(order)
    refill = int(api("refill", order=order)["refill"])
    assert api("refill_status", refill=refill) == {"status": "Pending"}
    fake_panel.advance(5)
    assert api("refill_status", refill=refill) == {"status": "In progress"}
    fake_panel.advance(30)
    assert api("refill_status", refill=refill) == {"status": "Completed"}
    assert fake_panel.refills[refill].order == order
    second = int(api("refill", order=order)["refill"])  # a finished refill allows another
    fake_panel.set_refill_status(second, "Rejected")
    assert api("refill_status", refills=f"{refill},{second}") == [
        {"refill": refill, "status": "Completed"},
        {"refill": second, "status": "Rejected"},
    ]


def test_cancel_rules_and_refunds(api: Api, fake_panel: FakePanel) -> None:
    followers = api.order(service=1, quantity=1000)
    started = api.order(service=10, quantity=1000)  # 18.00 per 1000
    no_cancel = api.order(service=3, quantity=1000)
    done = api.order(service=1, quantity=1000)
    fake_panel.complete(done)
    fake_panel.advance(5 + 15)  # both cancellable orders are a quarter delivered
    before = fake_panel.balance
    answer = api("cancel", orders=f"{followers},{started},{no_cancel},{done}")
    assert answer == [
        {"order": followers, "cancel": 1},
        {"order": started, "cancel": 1},
        {"order": no_cancel, "cancel": {"error": "Cancel is disabled for this service"}},
        {"order": done, "cancel": {"error": "Order cannot be canceled"}},
    ]
    orders = fake_panel.orders
    assert orders[started].status == "Canceled"
    assert orders[started].remains == 750
    assert orders[started].refunded == Decimal("13.50")
    assert fake_panel.balance == before + orders[followers].refunded + Decimal("13.50")
    assert api("status", order=started)["status"] == "Canceled"
    assert api("cancel", orders=str(started)) == [
        {"order": started, "cancel": {"error": "Order cannot be canceled"}}
    ]


def test_cancel_before_start_refunds_everything(api: Api, fake_panel: FakePanel) -> None:
    order = api.order(service=1, quantity=1000)
    assert api("cancel", orders=order) == [{"order": order, "cancel": 1}]
    held = fake_panel.orders[order]
    assert (held.status, held.charge, held.refunded, held.start_count) == (
        "Canceled",
        Decimal(0),
        Decimal("0.9"),
        0,
    )
    assert fake_panel.balance == Decimal(100)
    fake_panel.advance(600)
    assert fake_panel.orders[order].status == "Canceled"


def test_ledger_movements_account_for_the_balance(api: Api, fake_panel: FakePanel) -> None:
    opening = fake_panel.balance
    orders = [api.order(service=1, quantity=100 * (i + 1)) for i in range(4)]
    fake_panel.complete(orders[0])
    fake_panel.complete(orders[1], remains=50)
    api("cancel", orders=orders[2])
    fake_panel.set_balance("500")
    ledger = fake_panel.ledger
    assert [o.id for o in ledger.orders] == orders
    assert opening + sum(m.amount for m in ledger.movements) == fake_panel.balance == 500
    assert ledger.movements[-1].balance == 500
    charges = [m for m in ledger.movements if m.reason == "order"]
    assert [(m.order, -m.amount) for m in charges] == [
        (o.id, o.charge + o.refunded) for o in ledger.orders
    ]
    assert [m.reason for m in ledger.movements[4:]] == ["refund", "cancel", "adjustment"]
    for order in ledger.orders:
        refunds = sum(m.amount for m in ledger.movements if m.order == order.id and m.amount > 0)
        assert refunds == order.refunded
    ledger.clear()
    assert (ledger.orders, ledger.movements, ledger.requests) == ([], [], [])
    assert len(fake_panel.orders) == 4


def test_set_order_status_freezes_an_order(api: Api, fake_panel: FakePanel) -> None:
    order = api.order()
    fake_panel.set_order_status(order, "Processing")
    fake_panel.advance(600)
    assert api("status", order=order)["status"] == "Processing"


def test_realtime_clock(session: requests.Session) -> None:
    with FakePanel(realtime=True, speed=2000) as panel:
        api = Api(panel, session)
        order = api.order()
        deadline = time.monotonic() + 2
        while api("status", order=order)["status"] != "Completed":
            assert time.monotonic() < deadline, "a realtime order did not complete"
            time.sleep(0.01)
        panel.advance(10)  # advance still works on a realtime clock
        assert panel.now > 75
