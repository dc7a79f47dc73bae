"""A bad answer never crashes the caller: a table of known-bad bodies for every one of
the ten methods (only `SMMPanelError` subclasses escape, with the parse error kept as the
cause), and batches that keep their good items when some items are bad."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import responses
from reliability_support import CALLS, WRITE_NAMES, chain

from smmpanel import (
    APIError,
    Balance,
    CancelResult,
    Client,
    ConfigurationError,
    InvalidArgumentError,
    ItemError,
    OrderCreated,
    OrderStatus,
    OutcomeUnknownError,
    RefillCreated,
    RefillResult,
    RefillStatus,
    RefillStatusResult,
    ResponseError,
    RetryPolicy,
    ServiceList,
    SMMPanelError,
    TransportError,
)

URL = "https://panel.example/api/v2"
OPENS_SOCKETS = False  # a mocked panel: see conftest._no_leaked_sockets
DEEP = 10_000
WRONG_TYPES: dict[str, Any] = {
    "balance": {"a": 1},
    "currency": [1, 2],
    "order": {"x": 1},
    "refill": [None],
    "status": {"s": 1},
    "charge": [],
    "start_count": {},
    "remains": "lots",
    "service": [],
    "name": {"n": 1},
    "rate": {},
    "min": "x",
    "max": None,
    "cancel": [[]],
    "error": None,
}
HUGE = "1" + "0" * 400  # 10**400, a valid JSON number
HUGER = "9" * 5000  # more digits than Python converts by default

BAD_BODIES: dict[str, str | bytes] = {
    "html": (
        "<!DOCTYPE html><html><head><title>Just a moment...</title></head>"
        "<body>Checking your browser</body></html>"
    ),
    "empty": "",
    "whitespace": " \r\n\t ",
    "truncated_object": '{"balance": "100.8',
    "truncated_list": '[{"service": 1, "name": "Foll',
    "truncated_batch": '{"1": {"charge": "0.27819", "status": "Pen',
    "list_for_object": '[{"balance": "1.00", "currency": "USD", "order": 1, "status": "Pending"}]',
    "object_for_list": '{"service": 1, "rate": "0.9", "min": "1", "max": "5", "order": 1}',
    "empty_object": "{}",
    "empty_list": "[]",
    "wrong_types": json.dumps(WRONG_TYPES),
    "wrong_types_in_list": json.dumps([WRONG_TYPES, WRONG_TYPES]),
    "wrong_types_by_id": json.dumps({"1": WRONG_TYPES, "2": [WRONG_TYPES]}),
    "float_1e400": (
        '{"balance": 1e400, "order": 1e400, "refill": 1e400, "status": "Pending",'
        ' "charge": 1e400, "remains": -1e400, "1": 1e400}'
    ),
    "int_10_pow_400": (
        f'{{"balance": {HUGE}, "order": {HUGE}, "refill": {HUGE}, "status": "Pending",'
        f' "charge": {HUGE}, "start_count": {HUGE}, "remains": {HUGE}}}'
    ),
    "int_5000_digits": f'{{"balance": {HUGER}, "order": {HUGER}, "status": "Pending"}}',
    "huge_ints_in_list": f'[{{"service": {HUGE}, "rate": {HUGE}, "min": {HUGE}, "max": 1,'
    f' "order": {HUGE}, "refill": {HUGE}, "cancel": {HUGE}, "status": "Pending"}}]',
    "bare_nan": "NaN",
    "nan_fields": (
        '{"balance": NaN, "charge": NaN, "status": "Pending", "remains": NaN,'
        ' "order": NaN, "refill": NaN}'
    ),
    "nan_strings": '{"balance": "NaN", "charge": "nan", "status": "Pending", "remains": "NaN"}',
    "infinity": '{"balance": Infinity, "charge": -Infinity, "status": "Pending", "order": 1}',
    "arrays_10000_deep": "[" * DEEP + "]" * DEEP,
    "objects_10000_deep": '{"a":' * DEEP + "1" + "}" * DEEP,
    "deep_in_a_field": '{"balance": ' + "[" * DEEP + "]" * DEEP + ', "status": "Pending"}',
    "deep_in_a_batch": '{"1": ' + "[" * DEEP + "]" * DEEP + ', "2": {"status": "Pending"}}',
    "nested_errors": '{"error": {"message": {"error": "x"}}}',
    "error_is_a_list": '{"error": ["x", {"y": 1}]}',
    "null": "null",
    "true": "true",
    "bare_string": '"hello"',
    "bare_number": "42",
    "leading_zero_ids": '{"order": 00123, "refill": 007}',  # not JSON
    "leading_zero_id_strings": '{"order": "00123", "refill": "007"}',
    "leading_zero_batch": '[{"order": 0001, "refill": 02, "cancel": 1}]',  # not JSON
    "leading_zero_keys": '{"0001": {"status": "Pending"}, "02": {"status": "Completed"}}',
    "success_envelope_of_nothing": '{"status": "success", "data": null}',
    "success_envelope_of_junk": '{"status": "success", "data": [[["x"]]]}',
    "utf8_bom": b'\xef\xbb\xbf{"balance": "1.00", "currency": "USD"}',
    "invalid_utf8": b'{"balance": "\xff\xfe", "status": "\xc3("}',
    "lone_surrogate": '{"balance": "\\ud800", "status": "\\udfff", "order": "\\ud800"}',
    "nul_bytes": '{"balance": "1\\u0000", "status": "Pen\\u0000ding"}\x00',
    "duplicate_keys": '{"balance": "1", "balance": {"x": 1}, "status": 1, "status": "Pending"}',
}
# What a call may return when a body happens to fit its shape.
RESULT_TYPES: dict[str, Any] = {
    "services": ServiceList,
    "balance": Balance,
    "add": OrderCreated,
    "status": OrderStatus,
    "refill": RefillCreated,
    "refill_status": RefillStatus,
}
ITEM_TYPES: dict[str, tuple[type[Any], str]] = {
    "refills": (RefillResult, "order"),
    "refill_statuses": (RefillStatusResult, "refill"),
    "cancel": (CancelResult, "order"),
}
NOT_JSON = (ValueError, RecursionError)


def is_json(body: str | bytes) -> bool:
    try:
        json.loads(body)
    except NOT_JSON:
        return False
    return True


def check_result(name: str, result: Any) -> None:
    """A call that returned gave what it promises, one item per id asked about."""
    if name in RESULT_TYPES:
        assert isinstance(result, RESULT_TYPES[name]), repr(result)
    elif name == "statuses":
        assert set(result) == {1, 2}
        assert all(isinstance(v, (OrderStatus, ItemError)) for v in result.values())
    else:
        item_type, id_field = ITEM_TYPES[name]
        assert all(isinstance(item, item_type) for item in result), repr(result)
        assert [str(getattr(item, id_field)) for item in result] == ["1", "2"]


def check_error(name: str, error: SMMPanelError, body: str | bytes) -> None:
    assert not isinstance(error, (InvalidArgumentError, ConfigurationError)), error
    assert not isinstance(error, TransportError), error  # an answer did arrive
    if name in WRITE_NAMES:
        assert isinstance(error, (OutcomeUnknownError, APIError)), repr(error)
    else:
        assert isinstance(error, (ResponseError, APIError)), repr(error)
    for current in chain(error):
        if isinstance(current, ResponseError):
            assert current.status_code in (None, 200)  # None: see the shape test below
            assert isinstance(current.body, str)
            assert len(current.body) <= 500
    if not is_json(body):  # the parse error is kept behind the SMMPanelError
        assert any(isinstance(e, NOT_JSON) for e in chain(error)), repr(error)


@pytest.mark.parametrize("name", list(CALLS))
@pytest.mark.parametrize("body_id", list(BAD_BODIES))
def test_a_bad_body_raises_only_smmpanel_errors(body_id: str, name: str) -> None:
    body = BAD_BODIES[body_id]
    slept: list[float] = []
    with (
        responses.RequestsMock(assert_all_requests_are_fired=False) as rsps,
        Client(URL, "malformed-key", retry_policy=RetryPolicy(sleep=slept.append)) as client,
    ):
        rsps.post(URL, body=body, status=200, content_type="application/json")
        try:
            result = CALLS[name](client)
        except SMMPanelError as error:
            check_error(name, error, body)
        else:
            check_result(name, result)
        if name in WRITE_NAMES:  # an answer came: the write may have been done, never resent
            assert len(rsps.calls) == 1
        else:  # a read may be asked again, within max_retries
            assert 1 <= len(rsps.calls) <= 3
        assert len(slept) == len(rsps.calls) - 1


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
        CALLS[name](client)


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
        CALLS[name](client)
    (error,) = [e for e in chain(caught.value) if isinstance(e, ResponseError)]
    assert error.status_code == 200
    assert error.body == body
