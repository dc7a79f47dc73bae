"""Odd answers that once fooled the client: each test pins the behaviour that fixed one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import requests
import urllib3
from unit_support import KEY, URL, form_of, reply, reply_by_ids

from smmpanel import (
    Client,
    InvalidArgumentError,
    OrderCreated,
    OutcomeUnknownError,
    RateLimitError,
    RefillResult,
    RetryPolicy,
)
from smmpanel._models import parse_decimal


def _bad_header() -> requests.exceptions.InvalidHeader:
    # What requests raises when the answer's headers are broken, after the request left.
    return requests.exceptions.InvalidHeader(urllib3.exceptions.HeaderParsingError([], b""))


def test_a_broken_answer_header_after_a_write_is_an_unknown_outcome(rsps, client: Client) -> None:
    reply(rsps, body=_bad_header())
    with pytest.raises(OutcomeUnknownError):
        client.add(1, "https://instagram.com/x", 100)
    assert len(rsps.calls) == 1


def test_a_broken_answer_header_on_a_read_is_retried(rsps, client: Client, slept) -> None:
    reply(rsps, body=_bad_header())
    reply(rsps, {"balance": "2.5", "currency": "USD"})
    assert client.balance().balance == Decimal("2.5")
    assert len(slept) == 1


@pytest.mark.parametrize(("status", "raised"), [(429, RateLimitError), (503, OutcomeUnknownError)])
def test_an_absurd_retry_after_date_is_ignored(
    rsps, client: Client, status: int, raised: type[Exception]
) -> None:
    headers = {"Retry-After": "Mon, 01 Jan 99999999999 00:00:00 GMT"}
    reply(rsps, {"error": "busy"}, status=status, headers=headers)
    with pytest.raises(raised):
        client.add(1, "https://instagram.com/x", 100)


def test_a_first_chunk_lost_accounts_for_every_id(rsps, client: Client) -> None:
    def answer(ids: list[str]) -> tuple[int, Any]:
        return 502, "<html>Bad gateway</html>"

    reply_by_ids(rsps, "orders", answer)
    with pytest.raises(OutcomeUnknownError) as caught:
        client.cancel(range(1, 251))
    assert len(rsps.calls) == 1
    assert caught.value.params["orders"].split(",") == [str(n) for n in range(1, 101)]
    assert caught.value.unsent == list(range(101, 251))
    assert caught.value.completed == []


def test_a_parallel_chunk_still_refused_waits_before_it_is_sent_again(slept) -> None:
    import responses

    refused: set[str] = set()

    def answer(ids: list[str]) -> tuple[int, Any]:
        if ids[0] == "101" and len(refused) < 1:
            refused.add(ids[0])
            return 429, {"error": "Too many requests"}
        return 200, {n: {"status": "Pending"} for n in ids}

    policy = RetryPolicy(sleep=slept.append)
    with (
        responses.RequestsMock() as rsps,
        Client(URL, KEY, retry_policy=policy, max_retries=0) as client,
    ):
        reply_by_ids(rsps, "orders", answer)
        found = client.statuses(range(1, 201), max_workers=2)
        assert len(rsps.calls) == 3
    assert len(found) == 200
    assert len(slept) == 1  # it waited once before sending the refused chunk again


def test_items_that_name_their_id_are_never_matched_by_position(rsps, client: Client) -> None:
    reply(rsps, [{"id": 10, "status": "Completed"}, {"id": 20, "status": "Rejected"}])
    first, second = client.refill_statuses([20, 10])
    assert (first.refill, first.status) == (20, "Rejected")
    assert (second.refill, second.status) == (10, "Completed")


def test_one_id_answered_in_the_single_form(rsps, client: Client) -> None:
    reply(rsps, {"refill": "77"})
    assert client.refills([5]) == [RefillResult(order=5, refill="77")]


@pytest.mark.parametrize("placeholder", ["null", "0", "-1", "false", "undefined", " "])
def test_a_placeholder_for_a_new_order_id_is_not_an_order(
    rsps, client: Client, placeholder: str
) -> None:
    reply(rsps, {"order": placeholder})
    with pytest.raises(OutcomeUnknownError):
        client.add(1, "https://instagram.com/x", 100)


@pytest.mark.parametrize("no_error", [0, "0", "false", "null", "", False])
def test_an_error_field_that_says_no_error(rsps, client: Client, no_error: object) -> None:
    reply(rsps, {"order": 23501, "error": no_error})
    assert client.add(1, "https://instagram.com/x", 100) == OrderCreated(
        order=23501, error=no_error
    )


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("0,900", "0.900"),
        ("1.234,50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("12,5", "12.5"),
        ("1,234", "1234"),
        ("12,345,678", "12345678"),
        ("$12.50", "12.50"),
        ("12,50 USD", "12.50"),
    ],
)
def test_money_written_for_humans(text: str, amount: str) -> None:
    assert parse_decimal(text) == Decimal(amount)


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.add(1, "https://instagram.com/\ud800", 100),
        lambda c: c.add(1, "https://x", comments=["fine", "bad \udfff"]),
        lambda c: c.status("12\ud800"),
    ],
)
def test_text_that_cannot_be_sent_is_a_bad_argument(rsps, client: Client, call: Any) -> None:
    with pytest.raises(InvalidArgumentError):
        call(client)
    assert len(rsps.calls) == 0


def test_the_form_of_a_good_call_is_unchanged(rsps, client: Client) -> None:
    reply(rsps, {"order": 1})
    client.add(1, "https://instagram.com/caf\u00e9", 100)
    assert form_of(rsps.calls[0])["link"] == "https://instagram.com/caf\u00e9"
