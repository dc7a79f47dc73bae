"""Every public exception pickles to the same type with the same attributes, so that it
crosses a process pool; the key is never in the pickled bytes."""

from __future__ import annotations

import json
import pickle
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pytest
import responses
from unit_support import KEY, URL, reply

import smmpanel
from smmpanel import (
    APIError,
    AuthenticationError,
    Client,
    ConfigurationError,
    InsufficientFundsError,
    InvalidArgumentError,
    OutcomeUnknownError,
    RateLimitError,
    ResponseError,
    SMMPanelError,
    TransportError,
    WaitTimeout,
)
from smmpanel._models import ItemError, OrderStatus, RefillResult

PARAMS = {"service": "1", "link": "https://x.example/p", "quantity": "100"}


def transport_error() -> TransportError:
    error = TransportError("status: could not connect")
    error.attempts = 3
    return error


EXAMPLES: list[SMMPanelError] = [
    SMMPanelError("plain"),
    ConfigurationError("no api url"),
    InvalidArgumentError("quantity must be positive"),
    APIError("Incorrect service ID", status_code=200, action="add", params=PARAMS),
    AuthenticationError("Invalid API key", status_code=403, action="balance"),
    InsufficientFundsError("Not enough funds", status_code=402, action="add", params=PARAMS),
    RateLimitError("slow down", action="add", params=PARAMS, retry_after=60.0),
    WaitTimeout(
        "order 5 is not final",
        last=OrderStatus(status="Pending", remains=5),
        pending={5: OrderStatus(status="Pending")},
    ),
    ResponseError("balance: not JSON", status_code=502, body="<html>bad gateway</html>"),
    transport_error(),
    OutcomeUnknownError("add", PARAMS, "HTTP 503: Provider not available", answered=True),
    OutcomeUnknownError("refill", {"order": "7"}, "the panel did not answer in time"),
    OutcomeUnknownError(
        "refills",
        {"orders": "3,4"},
        "HTTP 502",
        completed=[
            RefillResult(order=1, refill=11),
            RefillResult(order=2, refill=ItemError(error="x")),
        ],
        unsent=[5, 6],
    ),
]


def test_every_public_exception_class_has_an_example() -> None:
    public = {
        value
        for value in vars(smmpanel).values()
        if isinstance(value, type) and issubclass(value, SMMPanelError)
    }
    assert public == {type(example) for example in EXAMPLES}


@pytest.mark.parametrize("error", EXAMPLES, ids=lambda error: type(error).__name__)
def test_an_error_pickles_to_the_same_type_and_attributes(error: SMMPanelError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert copy.args == error.args
    assert vars(copy) == vars(error)


def caught(call: Any) -> SMMPanelError:
    with pytest.raises(SMMPanelError) as raised:
        call()
    return raised.value


@pytest.mark.parametrize(
    ("status", "body", "call"),
    [
        (200, {"error": f"Invalid API key {KEY}"}, lambda c: c.balance()),
        (
            503,
            {"error": f"upstream refused key {KEY}"},
            lambda c: c.add(1, "https://x.example", 10),
        ),
        (429, {"error": f"slow down {KEY}"}, lambda c: c.refill(1)),
        (200, f"<html>{KEY}</html>", lambda c: c.add(1, "https://x.example", 10)),
        (500, f"<html>{KEY}</html>", lambda c: c.status(1)),
    ],
)
def test_the_key_is_not_in_the_pickled_bytes(
    rsps: responses.RequestsMock, status: int, body: Any, call: Any
) -> None:
    reply(rsps, body=body if isinstance(body, str) else json.dumps(body), status=status)
    with Client(URL, KEY, max_retries=0) as client:
        error = caught(lambda: call(client))
    pickled = pickle.dumps(error)
    assert KEY.encode() not in pickled
    assert KEY.lower().encode() not in pickled.lower()
    assert type(pickle.loads(pickled)) is type(error)


def lose_an_order(reason: str) -> None:
    """Runs in a worker process: the order's answer was lost."""
    raise OutcomeUnknownError("add", PARAMS, reason, answered=True)


def test_an_unknown_outcome_crosses_a_process_pool() -> None:
    with ProcessPoolExecutor(max_workers=1) as pool:
        future = pool.submit(lose_an_order, "HTTP 503: Provider not available")
        with pytest.raises(OutcomeUnknownError) as raised:
            future.result(timeout=60)
    error = raised.value
    assert error.action == "add"
    assert error.params == PARAMS
    assert error.answered is True
    assert "check your orders" in str(error)
