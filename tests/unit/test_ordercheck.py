"""Service.cost and Service.check_order: exact prices, and orders refused before sending."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import responses
from hypothesis import given
from hypothesis import strategies as st
from unit_support import URL

from smmpanel import Client, InvalidArgumentError, Service

LINK = "https://instagram.com/p/abc"


def service(type_: str = "Default", **fields: Any) -> Service:
    wire = {"service": 1, "type": type_, "rate": "0.90", "min": "10", "max": "1000", **fields}
    return Service.model_validate(wire)


@pytest.mark.parametrize(
    ("rate", "quantity", "runs", "cost"),
    [
        ("0.90", 123, None, "0.1107"),
        ("0.90", 100, 3, "0.27"),
        ("18.00", 5000, None, "90"),
        ("0.0001", 1, None, "0.0000001"),
        ("1234.56789", 999999, 7, "8641966.58802477"),
    ],
)
def test_cost_is_exact(rate: str, quantity: int, runs: int | None, cost: str) -> None:
    price = service(rate=rate).cost(quantity, runs)
    assert price == Decimal(cost)
    assert f"{price:f}" == cost  # no trailing zeros, no exponent


@given(
    rate=st.decimals(min_value=0, max_value=10**6, places=5),
    quantity=st.integers(1, 10**9),
    runs=st.none() | st.integers(1, 1000),
)
def test_cost_is_rate_per_thousand_times_quantity_and_runs(
    rate: Decimal, quantity: int, runs: int | None
) -> None:
    price = service(rate=str(rate)).cost(quantity, runs)
    assert price * 1000 == rate * quantity * (runs or 1)


def test_a_package_costs_its_rate() -> None:
    package = service("Package", rate="1.10", min="1", max="1")
    assert package.cost() == package.cost(1) == Decimal("1.10")
    with pytest.raises(InvalidArgumentError, match="package"):
        package.cost(5)


@pytest.mark.parametrize("quantity", [0, -1, True, 1.5, None])
def test_cost_refuses_what_is_not_a_quantity(quantity: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="quantity"):
        service().cost(quantity)


@pytest.mark.parametrize(
    ("wire", "value"),
    [({}, False), ({"dripfeed": "1"}, True), ({"drip_feed": 1}, True), ({"dripfeed": "yes"}, True),
     ({"dripfeed": "0"}, False), ({"drip_feed": "false"}, False), ({"dripfeed": True}, True)],
)  # fmt: skip
def test_the_dripfeed_flag_in_any_spelling(wire: dict[str, Any], value: bool) -> None:
    assert service(**wire).dripfeed is value
    assert Service.from_answer(
        {"service": 1, "rate": "1", "min": 1, "max": 2, **wire}
    ).dripfeed is (value)


DRIP = service(dripfeed=True)
SUB = {"username": "someone", "min": 100, "max": 200, "posts": 5}

# Each: the service, the call's arguments, and the words the message must hold.
REFUSED: list[tuple[Service, dict[str, Any], str]] = [
    (service(), {"quantity": 9}, "between 10 and 1000, not 9"),
    (service(), {"quantity": 1001}, "between 10 and 1000, not 1001"),
    (service(), {}, "needs a quantity"),
    (service(), {"quantity": 100, "runs": 2, "interval": 5}, "has no drip-feed"),
    (DRIP, {"quantity": 100, "runs": 2}, "needs both runs and interval"),
    (DRIP, {"quantity": 100, "runs": 0, "interval": 5}, "runs must be a positive whole number"),
    (service(), {"quantity": 100, "usernames": "a\nb"}, "does not take usernames ('a\\nb')"),
    (service("Custom Comments"), {"quantity": 20}, "needs comments"),
    (service("custom comments"), {"comments": ["a", "b"]}, "lines of comments: quantity"),
    (service("Custom Comments"), {"comments": "a\nb", "quantity": 3}, "quantity=3 does not match"),
    (service("Mentions Custom List"), {}, "needs usernames"),
    (service("Mentions Hashtag"), {"quantity": 100}, "needs hashtag"),
    (service("Mentions with Hashtags"), {"quantity": 100, "usernames": "a"}, "needs hashtags"),
    (service("Subscriptions"), {**SUB, "posts": None}, "needs posts or old_posts"),
    (service("Subscriptions"), {**SUB, "link": LINK}, "does not take link"),
    (service("Subscriptions"), {**SUB, "quantity": 100}, "takes no quantity"),
    (service("Subscriptions"), {**SUB, "min": 300}, "min (300) is more than max (200)"),
    (service("Subscriptions"), {**SUB, "max": 5000}, "max must be between 10 and 1000"),
    (service("Subscriptions"), {**SUB, "delay": 7}, "delay must be one of 0, 5,"),
    (service("Subscriptions"), {**SUB, "expiry": "2030-01-31"}, "'dd/mm/yyyy', not '2030-01-31'"),
    (service("Poll"), {"quantity": 100, "answer_number": 0}, "answer_number must be a positive"),
    (service("Package"), {"quantity": 1}, "takes no quantity, not quantity=1"),
    (service("Web Traffic"), {"quantity": 100, "country": "US"}, "needs device, type_of_traffic"),
    (service("Comment Replies"), {"comments": "a"}, "needs username"),
    (service("Default"), {"quantity": 100, "link": "two words"}, "link must be one url"),
]


@pytest.mark.parametrize(("svc", "args", "words"), REFUSED)
def test_refused_orders_name_the_problem_and_the_value(
    svc: Service, args: dict[str, Any], words: str
) -> None:
    quantity = args.pop("quantity", None)
    with pytest.raises(InvalidArgumentError) as caught:
        svc.check_order(quantity, **args)
    assert words in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_an_unknown_type_is_checked_only_for_quantity() -> None:
    odd = service("Story Views Bundle")
    odd.check_order(100, anything="goes", runs=1, interval=2)
    odd.check_order()
    with pytest.raises(InvalidArgumentError, match="between 10 and 1000"):
        odd.check_order(5)


def test_add_with_a_service_checks_first_and_sends_nothing(rsps: responses.RequestsMock) -> None:
    rsps.post(URL, json={"order": 23501})
    with Client(URL, "k") as client:
        with pytest.raises(InvalidArgumentError, match="quantity must be between"):
            client.add(service(), LINK, 5)
        with pytest.raises(InvalidArgumentError, match="needs a link"):
            client.add(service(), quantity=50)
        assert len(rsps.calls) == 0
        assert client.add(service(), LINK, 50).order == 23501
    assert "service=1&" in str(rsps.calls[0].request.body)


@given(low=st.integers(1, 500), span=st.integers(0, 500), quantity=st.integers(-5, 1200))
def test_a_quantity_passes_exactly_when_within_min_and_max(
    low: int, span: int, quantity: int
) -> None:
    svc = service(min=str(low), max=str(low + span))
    if low <= quantity <= low + span:
        svc.check_order(quantity)
    else:
        with pytest.raises(InvalidArgumentError, match=f"not {quantity}$"):
            svc.check_order(quantity)


def test_cost_reads_a_quantity_given_as_text_like_check_order_does() -> None:
    service = Service.model_validate({"service": 1, "rate": "0.90", "min": 10, "max": 1000})
    assert service.cost("123") == Decimal("0.1107")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="quantity"):
        service.cost("a lot")  # type: ignore[arg-type]
