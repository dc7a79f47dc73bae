"""Property-based fuzzing of every action: whatever JSON, bytes and HTTP status a panel
answers with, a call raises nothing but `SMMPanelError` subclasses (never a bad-argument
error: the arguments are valid)."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_support import CALLS, chain

from smmpanel import (
    Client,
    ConfigurationError,
    InvalidArgumentError,
    OutcomeUnknownError,
    ResponseError,
    RetryPolicy,
    SMMPanelError,
    TransportError,
)

URL = "https://panel.example/api/v2"
OPENS_SOCKETS = False  # a mocked panel: see conftest._no_leaked_sockets
KEY = "fuzz-k3y-0b5e55ed"
WRITES = ("add", "refill", "refills", "cancel")

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


def check(name: str, error: SMMPanelError, status: int) -> None:
    assert not isinstance(error, (InvalidArgumentError, ConfigurationError)), repr(error)
    assert KEY not in str(error)
    if name in WRITES:  # an answer came back: the panel saw the request
        assert not isinstance(error, TransportError), repr(error)
    for current in chain(error):
        if isinstance(current, ResponseError):
            assert current.status_code in (None, status)
            assert len(current.body) <= 500
    if isinstance(error, OutcomeUnknownError):
        assert "key" not in error.params


@pytest.mark.parametrize("name", list(CALLS))
@settings(
    max_examples=500,
    deadline=None,
    database=None,  # nothing written outside tests/reliability
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=bodies, status=statuses)
def test_any_answer_raises_only_smmpanel_errors(name: str, body: bytes, status: int) -> None:
    with (
        responses.RequestsMock(assert_all_requests_are_fired=False) as rsps,
        Client(URL, KEY, max_retries=0) as client,
    ):
        rsps.post(URL, body=body, status=status, content_type="application/json")
        try:
            result = CALLS[name](client)
        except SMMPanelError as error:
            check(name, error, status)
        else:
            assert result is not None
            assert KEY not in repr(result)
        assert len(rsps.calls) == 1  # max_retries=0: exactly one request


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


@settings(max_examples=300, deadline=None, database=None)
@given(
    name=st.sampled_from(list(CALLS)),
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
            CALLS[name](client)
        except SMMPanelError as error:
            check(name, error, status)
        else:
            pytest.fail(f"HTTP {status} was taken for an answer")
    assert all(0 <= wait <= 60 and not math.isnan(wait) for wait in slept), slept
