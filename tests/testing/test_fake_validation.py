"""Every request a real panel refuses is refused the same way, with nothing charged."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import requests
from _fakeapi import Api

from smmpanel.testing import FakePanel

LINK = "https://instagram.com/p/abc"
SUBSCRIPTION = {"service": 7, "username": "someone", "min": 100, "max": 200, "delay": 30}


def refused(api: Api, action: str | None, **params: Any) -> str:
    """The error message of a refused request, checking that nothing changed."""
    before = (api.panel.balance, len(api.panel.orders), len(api.panel.refills))
    answer = api(action, **params)
    assert set(answer) == {"error"}, answer
    assert (api.panel.balance, len(api.panel.orders), len(api.panel.refills)) == before
    message = answer["error"]
    assert isinstance(message, str)
    return message


@pytest.mark.parametrize("key", ["wrong", "", None])
def test_bad_or_missing_key(fake_panel: FakePanel, session: requests.Session, key: Any) -> None:
    data = {"action": "balance"} if key is None else {"action": "balance", "key": key}
    response = session.post(fake_panel.url, data=data, timeout=5)
    assert response.status_code == 200
    assert response.json() == {"error": "Invalid API key"}
    (recorded,) = fake_panel.ledger.requests
    assert recorded.key_ok is False
    assert recorded.action == "balance"
    assert "key" not in recorded.params


def test_bad_key_is_checked_before_anything_else(api: Api, session: requests.Session) -> None:
    data = {"key": "nope", "action": "add", "service": "1", "link": LINK, "quantity": "100"}
    assert session.post(api.panel.url, data=data, timeout=5).json() == {"error": "Invalid API key"}
    assert api.panel.orders == {}


@pytest.mark.parametrize("action", ["frobnicate", "", None, "Balance"])
def test_unknown_or_missing_action(api: Api, action: str | None) -> None:
    assert refused(api, action) == "Incorrect request"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"service": 999, "link": LINK, "quantity": 100}, "Incorrect service ID"),
        ({"service": "abc", "link": LINK, "quantity": 100}, "Incorrect service ID"),
        ({"link": LINK, "quantity": 100}, "Incorrect service ID"),
        ({"service": 1, "link": LINK, "quantity": 49}, "Quantity less than minimal 50"),
        ({"service": 1, "link": LINK, "quantity": 10001}, "Quantity more than maximal 10000"),
        ({"service": 1, "link": LINK}, "Quantity less than minimal 50"),
        ({"service": 1, "link": LINK, "quantity": "1e3"}, "Incorrect quantity"),
        ({"service": 1, "quantity": 100}, "Incorrect link"),
        ({"service": 1, "link": " ", "quantity": 100}, "Incorrect link"),
        ({"service": 2, "link": LINK, "quantity": 100}, "Incorrect comments"),
        (
            {"service": 2, "link": LINK, "comments": "nice\n\ngreat\n"},
            "Quantity less than minimal 10",
        ),
        ({"service": 5, "link": LINK, "quantity": 100}, "Incorrect usernames"),
        ({"service": 6, "link": LINK, "quantity": 100}, "Incorrect hashtag"),
        ({"service": 8, "link": LINK, "quantity": 100}, "Incorrect answer number"),
        (
            {"service": 8, "link": LINK, "quantity": 100, "answer_number": 0},
            "Incorrect answer number",
        ),
        (
            {"service": 8, "link": LINK, "quantity": 100, "answer_number": "x"},
            "Incorrect answer number",
        ),
        (
            {"service": 2, "link": LINK, "comments": "a\nb", "runs": 2, "interval": 5},
            "Drip-feed is disabled for this service",
        ),
        ({"service": 1, "link": LINK, "quantity": 100, "runs": 2}, "Incorrect interval"),
        ({"service": 1, "link": LINK, "quantity": 100, "interval": 5}, "Incorrect runs"),
        ({"service": 1, "link": LINK, "quantity": 100, "runs": 0, "interval": 5}, "Incorrect runs"),
        ({**SUBSCRIPTION, "username": ""}, "Incorrect username"),
        ({**SUBSCRIPTION, "min": ""}, "Incorrect min"),
        ({**SUBSCRIPTION, "max": "many"}, "Incorrect max"),
        ({**SUBSCRIPTION, "min": 99}, "Quantity less than minimal 100"),
        ({**SUBSCRIPTION, "max": 10001}, "Quantity more than maximal 10000"),
        ({**SUBSCRIPTION, "min": 300}, "Min quantity is greater than max quantity"),
        ({**SUBSCRIPTION, "delay": 7}, "Incorrect delay"),
        ({**SUBSCRIPTION, "posts": 0}, "Incorrect posts"),
        ({**SUBSCRIPTION, "expiry": "2030-01-31"}, "Incorrect expiry date"),
    ],
)
def test_add_validation(api: Api, params: dict[str, Any], message: str) -> None:
    assert refused(api, "add", **params) == message


def test_insufficient_funds(api: Api, fake_panel: FakePanel) -> None:
    fake_panel.set_balance("0.08999")
    assert refused(api, "add", service=1, link=LINK, quantity=100) == "Not enough funds on balance"
    fake_panel.set_balance("0.09")
    api.order(service=1, quantity=100)
    assert fake_panel.balance == 0


def test_valid_orders_of_every_type(api: Api, fake_panel: FakePanel) -> None:
    comments = "\n".join(f"comment {i}" for i in range(12)) + "\n\n"
    placed = {
        "custom comments": api.order(service=2, comments=comments, quantity=5),
        "package": api.order(service=4, quantity=None),
        "mentions": api.order(service=5, quantity=100, usernames="a\nb"),
        "hashtag": api.order(service=6, quantity=100, hashtag="#tag"),
        "poll": api.order(service=8, quantity=100, answer_number=2),
        "dripfeed": api.order(service=1, quantity=100, runs=3, interval=10),
    }
    sub = api("add", **SUBSCRIPTION, posts=5, expiry="31/01/2030")["order"]
    orders = fake_panel.orders
    assert orders[placed["custom comments"]].quantity == 12  # the lines, not the quantity
    assert orders[placed["custom comments"]].charge == Decimal("0.09600")
    assert orders[placed["package"]].charge == Decimal("1.10000")
    assert orders[placed["mentions"]].params["usernames"] == "a\nb"
    assert orders[placed["poll"]].params["answer_number"] == "2"
    dripfeed = orders[placed["dripfeed"]]
    assert (dripfeed.runs, dripfeed.interval, dripfeed.total) == (3, 10, 300)
    assert dripfeed.charge == Decimal("0.27000")
    assert orders[sub].link is None
    assert orders[sub].charge == Decimal("0.15") * 200 * 5 / 1000
    assert "key" not in orders[sub].params


@pytest.mark.parametrize(
    ("action", "params", "message"),
    [
        ("status", {"order": 1}, "Incorrect order ID"),
        ("status", {"order": "x"}, "Incorrect order ID"),
        ("status", {}, "Incorrect order ID"),
        ("status", {"orders": ""}, "Incorrect order ID"),
        ("refill", {"order": 1}, "Incorrect order ID"),
        ("refill", {}, "Incorrect order ID"),
        ("refill_status", {"refill": 1}, "Refill not found"),
        ("refill_status", {}, "Refill not found"),
        ("cancel", {}, "Incorrect order ID"),
    ],
)
def test_unknown_ids(api: Api, action: str, params: dict[str, Any], message: str) -> None:
    assert refused(api, action, **params) == message


@pytest.mark.parametrize(
    ("action", "param"),
    [
        ("status", "orders"),
        ("refill", "orders"),
        ("refill_status", "refills"),
        ("cancel", "orders"),
    ],
)
def test_more_than_100_ids(api: Api, action: str, param: str) -> None:
    order = api.order()
    ids = ",".join(str(order + i) for i in range(101))
    assert refused(api, action, **{param: ids}) == "Too many IDs, the maximum is 100"
    hundred = ",".join(str(order + i) for i in range(100))
    assert "error" not in api(action, **{param: hundred})
