"""Property-based fuzzing of every action: whatever JSON, bytes and HTTP status a panel
answers with, a call raises nothing but `SMMPanelError` subclasses (never a bad-argument
error: the arguments are valid), keeps the parse error as the cause, never sends a write
twice, and a call that returns gives what it promises. Known-bad bodies are explicit
examples, tried on every run."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

import pytest
import responses
from actions_support import METHODS, WRITES, call
from errors_support import chain
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

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
KEY = "fuzz-k3y-0b5e55ed"

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


# Bodies that once broke a parser, or could: each is an explicit example of the fuzz below.
WEIRD_BODIES = [
    "", "null", "true", "0", "-1", '""', '"error"', "[]", "{}", "[null]", "[[]]", "[{}]",
    '[{"error": null}]', '{"error": null}', '{"error": ""}', '{"error": {}}', '{"error": []}',
    '{"error": true}', '{"error": 0}', '{"error": 1}', '{"status": "error"}',
    '{"status": "success"}', '{"status": "success", "data": "x"}', '{"1": null, "2": []}',
    '{"order": null}', '{"order": []}', '{"order": 1.5}', '{"order": true}', '{"refill": {}}',
    '{"balance": "1e999999"}', '{"balance": "Infinity"}', '{"balance": "1,2,3"}',
    '{"status": "Pending", "remains": "1e400"}', '{"status": "Pending", "remains": 1.5}',
    '{"status": "Pending", "start_count": -0.0}', '[{"service": null}]',
    '[{"service": 1, "rate": "x", "min": 1, "max": 2}]', '[{"order": 1}, {"order": 2}]',
    '[{"refill": [], "status": []}]', '[{"order": {"a": 1}, "cancel": 1}]', "\ufeff",
    "\x00\x01", '"\\ud800"', "\xff\xfe{}",
]  # fmt: skip

# Field names the client looks for, so that fuzzed objects reach deep into the parsers.
VOCABULARY = [
    "order", "orders", "refill", "refills", "status", "cancel", "error", "message", "msg",
    "balance", "currency", "charge", "start_count", "remains", "service", "name", "type",
    "category", "rate", "min", "max", "data", "result", "response", "id", "1", "2", "01",
]  # fmt: skip

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(["Pending", "Completed", "error", "success", "1", "0.5", "1e999", "-1"])
)
keys = st.sampled_from(VOCABULARY) | st.text(max_size=6)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=25,
)
# A dict or list of dicts of the panel's own fields: the shapes an action expects, with
# anything as values.
shaped = st.dictionaries(keys, json_values, max_size=6) | st.lists(
    st.dictionaries(keys, json_values, max_size=5), max_size=4
)
envelopes = json_values.map(lambda data: {"status": "success", "data": data})


def dumps(value: Any) -> bytes:
    return json.dumps(value).encode()  # NaN and Infinity written as panels' PHP never would


# Nesting deeper than Python can walk, with or without json.loads' own limit in reach.
deep = st.builds(
    lambda depth, shape: shape.replace("X", "[" * depth + "]" * depth).encode(),
    st.integers(min_value=1, max_value=3000),
    st.sampled_from(["X", '{"error": X}', '{"1": X}', '[{"order": 1, "refill": X}]']),
)


def echo(where: str, value: Any, escaped: bool) -> bytes:
    """An answer echoing the key under `where`, plainly or spelled in \\u escapes."""
    spelled = "".join(f"\\u{ord(char):04x}" for char in KEY) if escaped else KEY
    return json.dumps({where: f"key {KEY}", "data": value}).replace(KEY, spelled).encode()


echoed = st.builds(
    echo, st.sampled_from(["error", "status", "name", "note"]), json_values, st.booleans()
)

bodies = st.one_of(
    deep,
    echoed,
    json_values.map(dumps),
    shaped.map(dumps),
    envelopes.map(dumps),
    st.binary(max_size=120),
    st.text(max_size=60).map(lambda text: text.encode("utf-8", "surrogatepass")),
)
statuses = st.integers(min_value=100, max_value=599) | st.sampled_from(
    [200, 200, 201, 204, 301, 307, 400, 401, 403, 404, 408, 422, 429, 500, 502, 503]
)


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


def check(name: str, error: SMMPanelError, status: int) -> None:
    assert not isinstance(error, (InvalidArgumentError, ConfigurationError)), repr(error)
    assert KEY not in str(error)
    if name in WRITES:  # an answer came back: the panel saw the request
        assert not isinstance(error, TransportError), repr(error)
    for current in chain(error):
        if isinstance(current, ResponseError):
            assert current.status_code in (None, status)
            assert isinstance(current.body, str)
            assert len(current.body) <= 500
    if isinstance(error, OutcomeUnknownError):
        assert "key" not in error.params


def check_ok_answer(name: str, error: SMMPanelError, body: bytes) -> None:
    """An answer with status 200: a write's outcome is unknown unless the panel said no,
    a read's answer was unreadable, and a parse error is kept behind the error."""
    if name in WRITES:
        assert isinstance(error, (OutcomeUnknownError, APIError)), repr(error)
    else:
        assert isinstance(error, (ResponseError, APIError)), repr(error)
    if not is_json(body):
        assert any(isinstance(e, NOT_JSON) for e in chain(error)), repr(error)


@pytest.fixture(scope="module")
def client() -> Iterator[tuple[Client, list[float]]]:
    """One client for every example (each brings its own mocked panel), whose retries
    record their waits instead of sleeping."""
    slept: list[float] = []
    with Client(URL, KEY, retry_policy=RetryPolicy(sleep=slept.append)) as made:
        yield made, slept


def with_examples(test: Any) -> Any:
    for body in [*BAD_BODIES.values(), *WEIRD_BODIES]:
        raw = body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass")
        test = example(body=raw, status=200)(test)
    return test


@pytest.mark.parametrize("name", METHODS)
@settings(
    max_examples=100,
    deadline=None,
    database=None,  # nothing written into the source tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@with_examples
@given(body=bodies, status=statuses)
def test_any_answer_raises_only_smmpanel_errors(
    client: tuple[Client, list[float]], name: str, body: bytes, status: int
) -> None:
    made, slept = client
    slept.clear()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.post(URL, body=body, status=status, content_type="application/json")
        try:
            result = call(made, name)
        except SMMPanelError as error:
            check(name, error, status)
            if status == 200:
                check_ok_answer(name, error, body)
        else:
            check_result(name, result)
            assert KEY not in repr(result)
        if name in WRITES:  # an answer came: the write may have been done, never resent
            assert len(rsps.calls) == 1
        else:  # a read may be asked again, within max_retries
            assert 1 <= len(rsps.calls) <= 3
        assert len(slept) == len(rsps.calls) - 1


# --- the headers a call reads: Location and Retry-After ----------------------------------

# Header values arrive as bytes read as latin-1: nothing above U+00FF can reach a client.
header_text = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=0xFF, exclude_characters="\x7f"),
    max_size=40,
)
locations = header_text | st.sampled_from(
    [
        "http://[oops/",
        "https://[::1",
        "//",
        "https://panel.example:99999/",
        "http://%zz/",
        "javascript:alert(1)",
        "https://user:pass@evil.example/",
        "",
    ]
)
retry_afters = header_text | st.sampled_from(
    [
        "1",
        "-5",
        "1e999",
        "nan",
        "99999999999999999999999999",
        "Mon, 01 Jan 99999 00:00:00 GMT",
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "Thu, 01 Jan 1970 00:00:00 GMT",
        "0x10",
    ]
)


@settings(max_examples=200, deadline=None, database=None)
@given(
    name=st.sampled_from(METHODS),
    status=st.sampled_from([301, 302, 303, 307, 308, 408, 429, 500, 503]),
    location=locations,
    retry_after=retry_afters,
    body=st.sampled_from([b"", b'{"error": "slow down"}', b"<html>moved</html>"]),
)
def test_any_location_or_retry_after_header_raises_only_smmpanel_errors(
    name: str, status: int, location: str, retry_after: str, body: bytes
) -> None:
    slept: list[float] = []
    with (
        responses.RequestsMock(assert_all_requests_are_fired=False) as rsps,
        Client(URL, KEY, retry_policy=RetryPolicy(sleep=slept.append)) as client,
    ):
        headers = {"Location": location, "Retry-After": retry_after}
        rsps.post(URL, body=body, status=status, headers=headers)
        try:
            call(client, name)
        except SMMPanelError as error:
            check(name, error, status)
        else:
            pytest.fail(f"HTTP {status} was taken for an answer")
    assert all(0 <= wait <= 60 and not math.isnan(wait) for wait in slept), slept
