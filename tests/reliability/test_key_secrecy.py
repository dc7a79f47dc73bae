"""The api key never leaks: not in a log record of smmpanel, urllib3 or requests (even at
DEBUG), not in any exception or anything behind it, not in a repr, not in a
`ResponseError.body`, whatever path a call takes, end to end against a FakePanel (a panel
echoing the key back is mocked, in tests/unit/test_key_echo.py). And the logs say what
happened (action, attempt, status, elapsed time; retry reason and delay) without any
parameter value."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from functools import partial

import pytest
from errors_support import Witness, assert_no_secret, log_texts, secret_forms
from reliability_support import TIMEOUT, client_for, dead_url

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
def secret_panel() -> Iterator[FakePanel]:
    with FakePanel(api_key=KEY, balance="1000.00") as started:
        yield started


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
