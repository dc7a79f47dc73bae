"""Bad items and impossible ids: batches keep their good items when some items are bad, and
a write answered with an id that cannot be one is an unknown outcome. (Known-bad whole
bodies are explicit examples of the fuzz in test_fuzz_answers.py.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import responses
from actions_support import call
from errors_support import chain

from smmpanel import (
    Client,
    ItemError,
    OrderStatus,
    OutcomeUnknownError,
    ResponseError,
    RetryPolicy,
    SMMPanelError,
)

URL = "https://panel.example/api/v2"
# --- one bad item never loses the rest -------------------------------------------------------

GOOD_STATUS = {"charge": "0.27819", "start_count": "3572", "status": "Partial", "remains": "157"}
BAD_ITEMS: list[Any] = [
    {"status": 5, "charge": {}, "remains": []},
    [1, 2],
    "garbage",
    None,
    {"status": "Pending", "charge": 1e400},
    {"status": "Pending", "remains": "NaN"},
    {"error": {"message": {"error": "nested"}}},
    "[" * 50 + "]" * 50,
    {"status": ["x"] * 3},
]


def mock(rsps: responses.RequestsMock, payload: Any) -> None:
    rsps.post(URL, body=json.dumps(payload), content_type="application/json")


@pytest.fixture
def client() -> Iterator[Client]:
    with Client(URL, "batch-key", retry_policy=RetryPolicy(sleep=lambda _: None)) as made:
        yield made


def test_statuses_keep_good_items_among_bad_ones(
    rsps: responses.RequestsMock, client: Client
) -> None:
    ids = list(range(1, len(BAD_ITEMS) + 3))
    payload: dict[str, Any] = {"1": GOOD_STATUS, str(ids[-1]): GOOD_STATUS}
    payload.update({str(i): bad for i, bad in zip(ids[1:-1], BAD_ITEMS, strict=True)})
    payload["999"] = {"status": "Completed"}  # an id nobody asked about
    mock(rsps, payload)
    result = client.statuses(ids)
    assert list(result) == ids
    for good in (1, ids[-1]):
        status = result[good]
        assert isinstance(status, OrderStatus)
        assert status.status == "Partial"
        assert status.charge == Decimal("0.27819")
        assert status.remains == 157
    for bad in ids[1:-1]:
        assert isinstance(result[bad], ItemError), (bad, result[bad])
        assert str(result[bad])


@pytest.mark.parametrize(
    ("name", "id_field", "value_field", "good_value"),
    [
        ("refills", "order", "refill", 77),
        ("refill_statuses", "refill", "status", "Completed"),
        ("cancel", "order", "cancel", 1),
    ],
)
def test_listed_batches_keep_good_items_among_bad_ones(
    rsps: responses.RequestsMock,
    client: Client,
    name: str,
    id_field: str,
    value_field: str,
    good_value: Any,
) -> None:
    ids = list(range(1, len(BAD_ITEMS) + 3))
    payload: list[Any] = [{id_field: 1, value_field: good_value}]
    payload += [
        {id_field: i, value_field: bad} for i, bad in zip(ids[1:-1], BAD_ITEMS, strict=True)
    ]
    payload += ["junk", None, [1], {id_field: {"x": 1}}, {value_field: good_value}]
    payload += [{id_field: ids[-1], value_field: good_value}]
    mock(rsps, payload)
    result = getattr(client, name)(ids)
    assert [str(getattr(item, id_field)) for item in result] == [str(i) for i in ids]
    for item in (result[0], result[-1]):
        assert item.ok, item
        assert getattr(item, value_field) == good_value
    for item in result[1:-1]:
        value = getattr(item, value_field)
        assert isinstance(value, (ItemError, int, str)), item
        if isinstance(value, (int, str)):  # read leniently: then it must be a plain value
            assert not isinstance(value, bool)


def test_services_keep_good_entries_among_bad_ones(
    rsps: responses.RequestsMock, client: Client
) -> None:
    good = {"service": 1, "name": "F", "type": "Default", "rate": "0.9", "min": "1", "max": "9"}
    mock(
        rsps,
        [
            good,
            *BAD_ITEMS,
            {"service": 2, "rate": 1e400, "min": 1, "max": 2},
            {**good, "service": 3},
        ],
    )
    services = client.services()
    assert [str(s.service) for s in services] == ["1", "3"]
    assert services[0].rate == Decimal("0.9")
    assert len(services.invalid) == len(BAD_ITEMS) + 1
    assert all(isinstance(item, ItemError) for item in services.invalid)


# --- an answer's id that is not an id ---------------------------------------------------------


@pytest.mark.parametrize(
    "order_id",
    [True, False, 0, -3, "", "   ", None, [], {}],
    ids=repr,
)
@pytest.mark.parametrize("name", ["add", "refill"])
def test_a_write_answered_with_an_impossible_id_is_not_taken_for_a_real_one(
    rsps: responses.RequestsMock, client: Client, name: str, order_id: Any
) -> None:
    """`{"order": true}` must not become order 1, someone else's order: the order may or
    may not exist, which is an unknown outcome, not an id (contract: ids are positive
    ints or non-empty strings without commas or whitespace)."""
    field = "order" if name == "add" else "refill"
    mock(rsps, {field: order_id})
    with pytest.raises(OutcomeUnknownError):
        call(client, name)


# --- a batch answer of the wrong shape -------------------------------------------------------


@pytest.mark.parametrize("name", ["statuses", "refills", "refill_statuses", "cancel"])
def test_a_batch_answer_of_the_wrong_shape_keeps_its_status_and_body(
    rsps: responses.RequestsMock, client: Client, name: str
) -> None:
    """Like every other unreadable answer (contract: `.status_code`, `.body`), it says which
    HTTP status and body it came with."""
    body = '"a string, not a batch"'
    rsps.post(URL, body=body, status=200, content_type="application/json")
    with pytest.raises(SMMPanelError) as caught:
        call(client, name)
    (error,) = [e for e in chain(caught.value) if isinstance(e, ResponseError)]
    assert error.status_code == 200
    assert error.body == body
