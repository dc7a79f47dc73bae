"""Every order that passes Service.check_order is one the FakePanel accepts, charged
what Service.cost said (rounded as the panel rounds money)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from smmpanel import Client, InvalidArgumentError
from smmpanel._ordercheck import ORDER_RULES
from smmpanel.testing import FakePanel

pytestmark = pytest.mark.e2e
LINK = "https://instagram.com/p/abc"
SUB = {"username": "someone", "min": 100, "max": 200, "posts": 5}

# One order of every type, accepted by check_order and by the panel.
ACCEPTED: dict[str, dict[str, Any]] = {
    "default": {"link": LINK, "quantity": 100},
    "package": {"link": LINK},
    "custom comments": {"link": LINK, "comments": "\n".join(f"c{i}" for i in range(10))},
    "custom comments package": {"link": LINK, "comments": ["nice", "great"]},
    "mentions": {"link": LINK, "quantity": 100, "usernames": ["a", "b"]},
    "mentions with hashtags": {"link": LINK, "quantity": 100, "usernames": "a", "hashtags": "#x"},
    "mentions custom list": {"link": LINK, "usernames": [f"user{i}" for i in range(10)]},
    "mentions hashtag": {"link": LINK, "quantity": 100, "hashtag": "#tag"},
    "mentions user followers": {"link": LINK, "quantity": 100, "username": "someone"},
    "mentions media likers": {"link": LINK, "quantity": 100, "media": "https://x/p/1"},
    "comment likes": {"link": LINK, "quantity": 100, "username": "someone"},
    "poll": {"link": LINK, "quantity": 100, "answer_number": 2},
    "comment replies": {"link": LINK, "username": "u", "comments": [f"r{i}" for i in range(10)]},
    "invites from groups": {"link": LINK, "quantity": 100, "groups": ["g1", "g2"]},
    "subscriptions": {**SUB, "delay": 30, "expiry": "31/01/2030"},
    "seo": {"link": LINK, "quantity": 100, "keywords": ["smm", "panel"]},
    "web traffic": {
        "link": LINK, "quantity": 100, "country": "US", "device": 1, "type_of_traffic": 1,
        "google_keyword": "smm panel",
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def panel() -> Iterator[FakePanel]:
    services = [
        {"service": number, "type": type_.title(), "rate": "0.77", "min": "10", "max": "1000",
         "dripfeed": type_ == "default"}
        for number, type_ in enumerate(ACCEPTED, start=1)
    ]  # fmt: skip
    with FakePanel(services=services, balance="1000") as panel:
        yield panel


def test_every_known_type_has_an_example() -> None:
    assert set(ACCEPTED) == set(ORDER_RULES)


@pytest.mark.parametrize("type_", list(ACCEPTED))
def test_a_checked_order_is_accepted_and_costs_what_cost_said(panel: FakePanel, type_: str) -> None:
    with Client(panel.url, panel.api_key) as client:
        service = next(item for item in client.services() if item.type.lower() == type_)
        args = dict(ACCEPTED[type_])
        quantity = args.pop("quantity", None)
        service.check_order(quantity, **args)
        order = client.add(service, quantity=quantity, **args).order
    placed = panel.orders[int(order)]
    if type_ == "subscriptions":
        quantity = SUB["max"] * SUB["posts"]
    elif quantity is None and not ORDER_RULES[type_].package:
        quantity = placed.quantity  # the number of lines
    expected = service.cost(quantity)
    assert placed.charge == expected.quantize(Decimal("0.00001"), rounding=ROUND_HALF_UP)


def test_a_drip_feed_order_costs_quantity_times_runs(panel: FakePanel) -> None:
    with Client(panel.url, panel.api_key) as client:
        service = client.services()[0]
        assert service.dripfeed
        order = client.add(service, LINK, 100, runs=3, interval=5).order
        assert panel.orders[int(order)].charge == service.cost(100, runs=3) == Decimal("0.231")
        with pytest.raises(InvalidArgumentError, match="has no drip-feed"):
            client.add(client.services()[1], LINK, 100, runs=3, interval=5)
