"""The api key never leaks: not in a log record of smmpanel, urllib3 or requests (even at
DEBUG), not in any exception or anything behind it, not in a repr, not in a
`ResponseError.body`, whatever path a call takes, and even when the panel echoes it.
And the logs say what happened (action, attempt, status, elapsed time; retry reason and
delay) without any parameter value."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any
from urllib.parse import parse_qs, quote_plus

import pytest
import requests
import responses
from reliability_support import (
    CALLS,
    TIMEOUT,
    assert_no_secret,
    client_for,
    dead_url,
    secret_forms,
    texts_of_error,
)

from smmpanel import (
    APIError,
    AuthenticationError,
    Client,
    ConfigurationError,
    InvalidArgumentError,
    OutcomeUnknownError,
    RateLimitError,
    ResponseError,
    RetryPolicy,
    SMMPanelError,
    TransportError,
)
from smmpanel.testing import FakePanel, Fault

KEY = "sk/LIVE+k3y=Zq9&secret-5f4dcc3b"  # "/", "+", "=", "&": every encoding differs
WRONG_KEY = "sk/WRONG+k3y=Xv7&other-9e107d9d"
LINK = "https://instagram.com/p/PARAM-VALUE-link-4417"
COMMENTS = [f"PARAM-VALUE comment {n}" for n in range(10)]
STRING_ID = "PARAM-VALUE-id-5150"
PARAM_VALUES = [LINK, *COMMENTS, STRING_ID, "PARAM-VALUE"]
LOGGERS = ("smmpanel", "urllib3", "requests", "")
URL = "https://panel.example/api/v2"

DEBUG_LINE = re.compile(
    r"(?P<action>[a-z_]+) attempt (?P<attempt>\d+): HTTP (?P<status>\d{3}|no answer)"
    r" in (?P<ms>\d+(?:\.\d+)?) ms"
)
INFO_LINE = re.compile(r"retrying (?P<action>[a-z_]+) after (?P<reason>.+) in (?P<delay>[\d.]+) s")


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


@pytest.fixture
def secret_panel() -> Iterator[FakePanel]:
    with FakePanel(api_key=KEY, balance="1000.00") as started:
        yield started


class Witness:
    """Runs calls, keeping every result and every exception for the checks at the end."""

    def __init__(self) -> None:
        self.results: list[Any] = []
        self.errors: list[BaseException] = []

    def __call__(self, call: Callable[[], Any], expected: type[BaseException] | None = None) -> Any:
        error: SMMPanelError | None = None
        try:
            result = call()
        except SMMPanelError as raised:
            error = raised
        if error is None:
            assert expected is None, f"expected {expected}, got {result!r}"
            self.results.append(result)
            return result
        self.errors.append(error)
        if expected is not None:
            assert isinstance(error, expected), f"{type(error).__name__}: {error}"
        return error

    def check(self, caplog: pytest.LogCaptureFixture, *keys: str) -> None:
        for key in keys:
            for error in self.errors:
                assert_no_secret(texts_of_error(error), key, f"{type(error).__name__}")
            assert_no_secret([repr(r) for r in self.results], key, "a result")
            assert_no_secret([str(r) for r in self.results], key, "a result")
            assert_no_secret(log_texts(caplog), key, "the logs")


def log_texts(caplog: pytest.LogCaptureFixture) -> list[str]:
    texts = []
    for record in caplog.records:
        texts += [record.getMessage(), str(record.msg), repr(record.args)]
        if record.exc_info:
            texts.append(logging.Formatter().formatException(record.exc_info))
    return texts


def smmpanel_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("smmpanel")]


# --- end to end, against a FakePanel ------------------------------------------------------


def test_the_key_never_leaks_on_any_path(
    secret_panel: FakePanel, logs: pytest.LogCaptureFixture
) -> None:
    panel = secret_panel
    slept: list[float] = []
    run = Witness()
    with client_for(panel, slept) as client:
        # Every action, succeeding.
        run(client.services)
        run(client.balance)
        order = int(run(lambda: client.add(1, LINK, 100)).order)
        run(lambda: client.add(2, LINK, comments=COMMENTS))
        done = [int(run(partial(client.add, 1, f"{LINK}/{n}", 100)).order) for n in range(3)]
        for finished in done:
            panel.complete(finished)
        run(lambda: client.status(order))
        run(lambda: client.statuses([order, STRING_ID]))
        refill = int(run(lambda: client.refill(done[0])).refill)
        run(lambda: client.refills([done[1], STRING_ID]))
        run(lambda: client.refill_status(refill))
        run(lambda: client.refill_statuses([refill, STRING_ID]))
        run(lambda: client.cancel([order, STRING_ID]))
        # The panel refusing.
        run(lambda: client.status(STRING_ID), APIError)
        run(lambda: client.refill(order), APIError)
        run(lambda: client.add(9999, LINK, 100), APIError)
        # Retries that cure.
        panel.inject(Fault.SERVER_ERROR, action="balance")
        panel.inject(Fault.RATE_LIMIT, action="status", retry_after=1)
        panel.inject(Fault.DROP_BEFORE, action="services")
        panel.inject(Fault.STALL, action="refill_status", seconds=2)
        run(client.balance)
        run(lambda: client.status(order))
        run(client.services)
        run(lambda: client.refill_status(refill))
        # Retries that do not.
        panel.inject(Fault.SERVER_ERROR, action="balance", times=3)
        run(client.balance, ResponseError)
        panel.inject(Fault.RESET_AFTER, action="status", times=3)
        run(lambda: client.statuses([order]), TransportError)
        panel.inject(Fault.RATE_LIMIT, action="refill_status", retry_after=120)
        run(lambda: client.refill_status(refill), RateLimitError)
        panel.inject(Fault.HTML, action="services", times=3)
        run(client.services, ResponseError)
        # Writes whose answer is lost.
        panel.inject(Fault.DROP_AFTER, action="add")
        run(lambda: client.add(1, LINK, 100), OutcomeUnknownError)
        panel.inject(Fault.TRUNCATED, action="cancel")
        run(lambda: client.cancel([done[2]]), OutcomeUnknownError)
        panel.inject(Fault.SERVER_ERROR, action="refill")
        run(lambda: client.refill(done[2]), OutcomeUnknownError)
        panel.inject(Fault.REDIRECT, action="add", location=f"https://evil.example/?k={KEY}")
        run(lambda: client.add(1, LINK, 100), ResponseError)
        # Arguments refused before sending, one of them the key itself.
        run(lambda: client.add(0, LINK, 100), InvalidArgumentError)
        run(lambda: client.add(1, LINK, 100, key=KEY), InvalidArgumentError)
        run(lambda: client.add(1, LINK, 100, action=KEY), InvalidArgumentError)
        run(lambda: client.statuses([None]), InvalidArgumentError)  # type: ignore[list-item]
        assert_no_secret([repr(client), str(client)], KEY, "repr(client)")
    # Settings refused, a wrong key, a panel that is not there.
    run(lambda: Client("http://panel.example/api/v2", KEY), ConfigurationError)
    run(lambda: Client(panel.url, KEY, timeout=0), ConfigurationError)
    run(lambda: Client(panel.url, KEY, max_retries=-1), ConfigurationError)
    wrong = Client(
        panel.url, WRONG_KEY, timeout=TIMEOUT, retry_policy=RetryPolicy(sleep=slept.append)
    )
    with wrong:
        run(wrong.balance, AuthenticationError)
        assert_no_secret([repr(wrong)], WRONG_KEY, "repr(client)")
    refused = Client(dead_url(), KEY, retry_policy=RetryPolicy(sleep=slept.append))
    with refused:
        run(refused.balance, TransportError)
        run(lambda: refused.add(1, LINK, 100), TransportError)

    assert logs.records, "nothing was logged"
    assert any(r.name.startswith("urllib3") for r in logs.records), "urllib3 was not heard"
    run.check(logs, KEY, WRONG_KEY)
    for error in run.errors:
        for body in (getattr(e, "body", "") for e in [error, error.__cause__] if e is not None):
            for form in secret_forms(KEY):
                assert form not in body
    assert all(not r.key_in_query for r in panel.ledger.requests)


# --- what the logs say ----------------------------------------------------------------------


def test_each_request_logs_one_debug_line_and_each_retry_one_info_line(
    secret_panel: FakePanel, logs: pytest.LogCaptureFixture
) -> None:
    panel = secret_panel
    slept: list[float] = []
    with client_for(panel, slept) as client:
        order = client.add(1, LINK, 100).order
        panel.inject(Fault.SERVER_ERROR, action="balance")
        panel.inject(Fault.RATE_LIMIT, action="status", retry_after=1)
        panel.inject(Fault.DROP_BEFORE, action="services")
        panel.inject(Fault.DROP_AFTER, action="cancel")
        client.balance()
        client.status(order)
        client.services()
        with pytest.raises(APIError):
            client.status(STRING_ID)
        client.add(2, LINK, comments=COMMENTS)
        with pytest.raises(OutcomeUnknownError):
            client.cancel([order])

    records = smmpanel_records(logs)
    debug = [r for r in records if r.levelno == logging.DEBUG]
    info = [r for r in records if r.levelno == logging.INFO]
    assert len(records) == len(debug) + len(info), "smmpanel logged at an unexpected level"
    parsed = []
    for record in debug:
        match = DEBUG_LINE.fullmatch(record.getMessage())
        assert match, f"not a request line: {record.getMessage()!r}"
        assert float(match["ms"]) >= 0
        parsed.append((match["action"], int(match["attempt"]), match["status"]))
    assert parsed == [
        ("add", 1, "200"),
        ("balance", 1, "500"),
        ("balance", 2, "200"),
        ("status", 1, "429"),
        ("status", 2, "200"),
        ("services", 1, "no answer"),
        ("services", 2, "200"),
        ("status", 1, "200"),  # an {"error": ...} answer is still HTTP 200
        ("add", 1, "200"),
        ("cancel", 1, "no answer"),
    ]
    assert len(debug) == len(panel.ledger.requests)  # one line per request, no more
    retries = []
    for record in info:
        match = INFO_LINE.fullmatch(record.getMessage())
        assert match, f"not a retry line: {record.getMessage()!r}"
        retries.append((match["action"], match["reason"], match["delay"]))
    assert [(a, d) for a, _, d in retries] == [
        ("balance", f"{slept[0]:.2f}"),
        ("status", "1.00"),
        ("services", f"{slept[2]:.2f}"),
    ]
    reasons = [reason for _, reason, _ in retries]
    assert reasons[0] == "HTTP 500"
    assert reasons[1] == "HTTP 429"
    assert "connection" in reasons[2].lower()
    assert slept[1] == 1.0
    # No parameter value ever: not the link, the comments, nor an id given as text.
    for record in records:
        for value in PARAM_VALUES:
            assert value not in record.getMessage(), record.getMessage()
            assert value not in repr(record.args)


def test_a_refused_connection_logs_every_attempt(logs: pytest.LogCaptureFixture) -> None:
    slept: list[float] = []
    client = Client(dead_url(), KEY, retry_policy=RetryPolicy(sleep=slept.append))
    with client, pytest.raises(TransportError):
        client.add(1, LINK, 100)
    records = smmpanel_records(logs)
    lines = [r.getMessage() for r in records]
    attempts = [DEBUG_LINE.fullmatch(m) for m in lines if "attempt" in m]
    assert [(m["action"], m["attempt"], m["status"]) for m in attempts if m] == [
        ("add", "1", "no answer"),
        ("add", "2", "no answer"),
        ("add", "3", "no answer"),
    ]
    infos = [INFO_LINE.fullmatch(m) for m in lines if m.startswith("retrying")]
    assert [m["delay"] for m in infos if m] == [f"{s:.2f}" for s in slept]
    assert_no_secret(log_texts(logs), KEY, "the logs")
    for value in PARAM_VALUES:
        assert all(value not in line for line in lines)


# --- a panel that echoes the key back -----------------------------------------------------

# Valid answers for each action, carrying the key in places a model keeps.
ECHOED_ANSWERS: dict[str, Any] = {
    "services": [
        {"service": 1, "name": KEY, "rate": "1", "min": "1", "max": "2", "key": KEY},
        {"service": 2, "name": "x", "rate": KEY, "min": "1", "max": "2"},
    ],
    "balance": {"balance": "1.00", "currency": "USD", "key": KEY},
    "add": {"order": 5, "key": KEY},
    "status": {"status": "Pending", "charge": "1", "key": KEY},
    "statuses": {"1": {"status": "Pending", "key": KEY}, "2": {"error": f"bad key {KEY}"}},
    "refill": {"refill": 3, "key": KEY},
    "refills": [{"order": 1, "refill": 3, "key": KEY}, {"order": 2, "refill": {"error": KEY}}],
    "refill_status": {"status": "Pending", "note": KEY},
    "refill_statuses": [
        {"refill": 1, "status": "Pending", "key": KEY},
        {"refill": 2, "status": f"error: wrong key {KEY}"},
    ],
    "cancel": [{"order": 1, "cancel": 1, "key": KEY}, {"order": 2, "cancel": {"error": KEY}}],
}
WRONG_TYPES = {
    "balance": {"k": KEY},
    "currency": [KEY],
    "order": {"k": KEY},
    "refill": [KEY],
    "status": {"k": KEY},
    "charge": KEY,
    "remains": KEY,
    "service": {"k": KEY},
    "rate": KEY,
    "min": KEY,
    "max": [KEY],
    "cancel": {"k": [KEY]},
}


def echo(style: str, action: str, form_body: str) -> tuple[int, dict[str, str], bytes]:
    """The answer of a panel that echoes the key, in one of many ways."""
    headers: dict[str, str] = {}
    if style == "error_raw":
        body = json.dumps({"error": f"Invalid API key {KEY}"})
    elif style == "error_form_body":
        body = json.dumps({"error": f"Incorrect request: {form_body}"})
    elif style == "error_php_escaped":
        body = json.dumps({"error": f"Unknown key {KEY}"}).replace("/", "\\/")
    elif style == "error_nested":
        body = json.dumps({"error": {"message": {"error": f"bad {KEY}"}}, "key": KEY})
    elif style == "html_200":
        body = f"<html><body>Debug: key={KEY} action={action}</body></html>"
    elif style == "html_503":
        body = f"<html><body>upstream failed for {form_body}</body></html>"
        return 503, headers, body.encode()
    elif style == "html_400":
        body = f"<pre>{form_body}</pre>"
        return 400, headers, body.encode()
    elif style == "straddling_the_preview":
        body = "x" * 490 + KEY + "y" * 100
    elif style == "valid_with_key":
        body = json.dumps(ECHOED_ANSWERS[action])
    elif style == "wrong_types":
        body = json.dumps(WRONG_TYPES if action not in ("refills", "cancel") else [WRONG_TYPES])
    elif style == "wrong_types_list":
        body = json.dumps([WRONG_TYPES, {"1": KEY, "2": [KEY]}])
    elif style == "rate_limited":
        headers["Retry-After"] = "120"
        return 429, headers, json.dumps({"error": f"slow down {KEY}"}).encode()
    elif style == "redirect":
        headers["Location"] = f"https://evil.example/steal?key={quote_plus(KEY)}"
        return 307, headers, f"moved, {KEY}".encode()
    else:
        raise AssertionError(style)
    return 200, headers, body.encode()


ECHO_STYLES = [
    "error_raw",
    "error_form_body",
    "error_php_escaped",
    "error_nested",
    "html_200",
    "html_503",
    "html_400",
    "straddling_the_preview",
    "valid_with_key",
    "wrong_types",
    "wrong_types_list",
    "rate_limited",
    "redirect",
]


@pytest.mark.parametrize("style", ECHO_STYLES)
def test_a_panel_echoing_the_key_cannot_make_it_leak(
    style: str, logs: pytest.LogCaptureFixture
) -> None:
    sent_keys: list[str] = []

    def callback(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        raw = request.body or ""
        form_body = raw if isinstance(raw, str) else raw.decode()
        fields = parse_qs(form_body)
        sent_keys.append(fields["key"][0])
        return echo(style, fields["action"][0], form_body)

    slept: list[float] = []
    run = Witness()
    with (
        responses.RequestsMock(assert_all_requests_are_fired=False) as rsps,
        Client(URL, KEY, retry_policy=RetryPolicy(sleep=slept.append)) as client,
    ):
        rsps.add_callback(responses.POST, URL, callback=callback)
        for name, call in CALLS.items():
            outcome = run(partial(call, client))
            if isinstance(outcome, ResponseError):
                assert outcome.status_code is not None, name
        assert_no_secret([repr(client)], KEY, "repr(client)")
    assert sent_keys
    assert set(sent_keys) == {KEY}  # the key did travel, in the body, every time
    run.check(logs, KEY)
    if style == "valid_with_key":
        assert len(run.results) == len(CALLS), run.errors
        assert "[api key removed]" in repr(run.results)
