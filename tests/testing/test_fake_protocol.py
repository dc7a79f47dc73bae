"""The canonical dialect answers with exactly the seed's shapes and JSON types."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from _fakeapi import Api

from smmpanel.testing import FakePanel

# The example responses of the protocol document, verbatim.
SEED_SERVICE = json.loads("""{
    "service": 1, "name": "Followers", "type": "Default", "category": "First Category",
    "rate": "0.90", "min": "50", "max": "10000", "refill": true, "cancel": true}""")
SEED_ADD = {"order": 23501}
SEED_STATUS = {
    "charge": "0.27819",
    "start_count": "3572",
    "status": "Partial",
    "remains": "157",
    "currency": "USD",
}
SEED_MULTI_STATUS = {"1": SEED_STATUS, "10": {"error": "Incorrect order ID"}}
SEED_REFILL = {"refill": "1"}
SEED_MULTI_REFILL = [
    {"order": 1, "refill": 1},
    {"order": 3, "refill": {"error": "Incorrect order ID"}},
]
SEED_REFILL_STATUS = {"status": "Completed"}
SEED_MULTI_REFILL_STATUS = [
    {"refill": 1, "status": "Completed"},
    {"refill": 3, "status": {"error": "Refill not found"}},
]
SEED_CANCEL = [{"order": 9, "cancel": {"error": "Incorrect order ID"}}, {"order": 2, "cancel": 1}]
SEED_BALANCE = {"balance": "100.84292", "currency": "USD"}

MONEY = re.compile(r"-?\d+\.\d{5}")


def shape(value: Any) -> Any:
    """The JSON types of a value, keeping its structure."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


def test_services_have_the_seed_shape(api: Api, fake_panel: FakePanel) -> None:
    response = api.post("services")
    assert response.headers["Content-Type"] == "application/json"
    services = response.json()
    assert services == fake_panel.services
    assert len(services) >= 10
    for service in services:
        assert {k: shape(v) for k, v in service.items() if k in SEED_SERVICE} == shape(SEED_SERVICE)
        assert re.fullmatch(r"\d+(\.\d+)?", service["rate"])
        assert 0 < int(service["min"]) <= int(service["max"])
        assert isinstance(service["dripfeed"], bool)
    types = {s["type"] for s in services}
    assert {
        "Default",
        "Package",
        "Custom Comments",
        "Mentions",
        "Mentions Hashtag",
        "Subscriptions",
        "Poll",
    } <= types
    assert len({s["category"] for s in services}) >= 5
    for flag in ("refill", "cancel", "dripfeed"):
        assert {s[flag] for s in services} == {True, False}
    first = services[0]
    assert (first["service"], first["rate"], first["min"], first["max"]) == (
        1,
        "0.90",
        "50",
        "10000",
    )


def test_balance_has_the_seed_shape(api: Api) -> None:
    answer = api("balance")
    assert shape(answer) == shape(SEED_BALANCE)
    assert answer == {"balance": "100.00000", "currency": "USD"}


def test_add_answers_an_int_order_id_from_23501(api: Api) -> None:
    answer = api("add", service=1, link="https://instagram.com/x", quantity=100)
    assert answer == SEED_ADD
    assert api("add", service=1, link="https://instagram.com/x", quantity=100) == {"order": 23502}


def test_single_status_has_the_seed_shape(api: Api, fake_panel: FakePanel) -> None:
    order = api.order(quantity=1000)
    answer = api("status", order=order)
    assert shape(answer) == shape(SEED_STATUS)
    assert answer == {
        "charge": "0.90000",
        "start_count": "0",
        "status": "Pending",
        "remains": "1000",
        "currency": "USD",
    }
    fake_panel.complete(order, remains=157)
    answer = api("status", order=str(order))
    assert answer["status"] == "Partial"
    assert answer["remains"] == "157"
    assert MONEY.fullmatch(answer["charge"])
    assert int(answer["start_count"]) > 0


def test_multi_status_is_keyed_by_id_strings(api: Api) -> None:
    first, second = api.order(), api.order()
    answer = api("status", orders=f"{first},10,{second}")
    assert list(answer) == [str(first), "10", str(second)]
    assert answer["10"] == SEED_MULTI_STATUS["10"]
    assert shape(answer[str(first)]) == shape(SEED_STATUS)
    assert answer[str(first)] == api("status", order=first)


def test_single_refill_answers_the_id_as_a_string(api: Api, fake_panel: FakePanel) -> None:
    order = api.order(service=1)
    fake_panel.complete(order)
    answer = api("refill", order=order)
    assert shape(answer) == shape(SEED_REFILL)
    assert answer == {"refill": "1"}


def test_multi_refill_is_a_list_of_order_and_refill(api: Api, fake_panel: FakePanel) -> None:
    first, second = api.order(service=1), api.order(service=10, quantity=100)
    fake_panel.complete(first)
    fake_panel.complete(second)
    answer = api("refill", orders=f"{first},{second},3")
    assert answer == [
        {"order": first, "refill": 1},
        {"order": second, "refill": 2},
        {"order": 3, "refill": {"error": "Incorrect order ID"}},
    ]
    assert shape(answer[0]) == shape(SEED_MULTI_REFILL[0])
    assert shape(answer[2]) == shape(SEED_MULTI_REFILL[1])


def test_refill_status_shapes(api: Api, fake_panel: FakePanel) -> None:
    order = api.order(service=1)
    fake_panel.complete(order)
    refill = int(api("refill", order=order)["refill"])
    answer = api("refill_status", refill=refill)
    assert shape(answer) == shape(SEED_REFILL_STATUS)
    assert answer == {"status": "Pending"}
    answer = api("refill_status", refills=f"{refill},3")
    assert answer == [
        {"refill": refill, "status": "Pending"},
        {"refill": 3, "status": {"error": "Refill not found"}},
    ]
    assert shape(answer) == shape(SEED_MULTI_REFILL_STATUS)


def test_cancel_shape(api: Api) -> None:
    order = api.order(service=1)
    answer = api("cancel", orders=f"9,{order}")
    assert answer == [
        {"order": 9, "cancel": {"error": "Incorrect order ID"}},
        {"order": order, "cancel": 1},
    ]
    assert shape(answer) == shape(SEED_CANCEL)


def test_money_is_exact(api: Api, fake_panel: FakePanel) -> None:
    api.order(service=1, quantity=309)  # 0.90 * 309 / 1000 = 0.2781
    api.order(service=3, quantity=123)  # 0.12 * 123 / 1000 = 0.01476
    assert fake_panel.balance == Decimal("100.00") - Decimal("0.2781") - Decimal("0.01476")
    assert api("balance")["balance"] == "99.70714"
    assert [o.charge for o in fake_panel.ledger.orders] == [Decimal("0.27810"), Decimal("0.01476")]


def test_ids_echo_non_numeric_tokens_as_sent(api: Api) -> None:
    assert api("status", orders="abc") == {"abc": {"error": "Incorrect order ID"}}
    assert api("cancel", orders="abc, 7") == [
        {"order": "abc", "cancel": {"error": "Incorrect order ID"}},
        {"order": 7, "cancel": {"error": "Incorrect order ID"}},
    ]
