"""Retries: reads are retried on 408/429/5xx and network failures with backoff and
Retry-After; writes are never re-sent once they may have reached the panel."""

from __future__ import annotations

import ssl
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from email.utils import format_datetime
from typing import Any

import pytest
import requests
import urllib3
from actions_support import READS, SAMPLES, SEED_BALANCE, SEED_STATUS, WRITES, call, wire_name
from unit_support import KEY, URL, make_client, reply, reply_by_ids

from smmpanel import (
    APIError,
    Client,
    OutcomeUnknownError,
    RateLimitError,
    ResponseError,
    RetryPolicy,
    SMMPanelError,
    TransportError,
)
from smmpanel._retry import Decision, Happened, decide, parse_retry_after

RETRYABLE = [500, 502, 503, 504, 408, 429]


def never_sent() -> requests.ConnectionError:
    """What requests raises when the connection was refused: nothing reached the panel."""
    reason = urllib3.exceptions.NewConnectionError(None, "Connection refused")  # type: ignore[arg-type]
    return requests.ConnectionError(urllib3.exceptions.MaxRetryError(None, URL, reason=reason))  # type: ignore[arg-type]


# --- reads --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", RETRYABLE)
@pytest.mark.parametrize("name", READS)
def test_reads_are_retried_until_they_succeed(
    rsps, client: Client, slept: list[float], name: str, status: int
) -> None:
    answer = SAMPLES[name].answer
    reply(rsps, body="<html>busy</html>", status=status, content_type="text/html")
    reply(rsps, body="<html>busy</html>", status=status, content_type="text/html")
    reply(rsps, answer)
    assert call(client, name) is not None
    assert len(rsps.calls) == 3
    assert len(slept) == 2


@pytest.mark.parametrize(
    "failure",
    [
        lambda: requests.ConnectionError("Connection reset by peer"),
        lambda: requests.exceptions.ReadTimeout("read timed out"),
        lambda: requests.exceptions.ConnectTimeout("connect timed out"),
        never_sent,
    ],
    ids=["reset", "read-timeout", "connect-timeout", "refused"],
)
@pytest.mark.parametrize("name", READS)
def test_reads_are_retried_after_network_failures(
    rsps, client: Client, slept: list[float], name: str, failure
) -> None:  # type: ignore[no-untyped-def]
    answer = SAMPLES[name].answer
    reply(rsps, body=failure())
    reply(rsps, answer)
    assert call(client, name) is not None
    assert len(rsps.calls) == 2
    assert len(slept) == 1


@pytest.mark.parametrize("name", READS)
def test_reads_give_up_after_max_retries_with_a_transport_error(
    rsps, client: Client, slept: list[float], name: str
) -> None:
    failure = requests.ConnectionError("Connection reset by peer")
    reply(rsps, body=failure)
    with pytest.raises(TransportError) as caught:
        call(client, name)
    assert len(rsps.calls) == 3
    assert len(slept) == 2
    assert caught.value.__cause__ is failure
    assert not isinstance(caught.value, OutcomeUnknownError)
    assert KEY not in str(caught.value)


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408])
@pytest.mark.parametrize("name", READS)
def test_a_bare_status_that_never_clears_is_a_response_error(
    rsps, client: Client, name: str, status: int
) -> None:
    reply(rsps, body="<html>Bad gateway</html>", status=status, content_type="text/html")
    with pytest.raises(ResponseError) as caught:
        call(client, name)
    assert len(rsps.calls) == 3
    assert caught.value.status_code == status
    assert caught.value.body == "<html>Bad gateway</html>"


@pytest.mark.parametrize("name", READS)
def test_a_5xx_with_an_error_body_that_never_clears_is_an_api_error(
    rsps, client: Client, name: str
) -> None:
    reply(rsps, {"error": "  Service temporarily unavailable "}, status=503)
    with pytest.raises(APIError) as caught:
        call(client, name)
    assert len(rsps.calls) == 3
    assert caught.value.message == "Service temporarily unavailable"


@pytest.mark.parametrize("body", ['{"error": "Too many requests"}', "", "<html>slow down</html>"])
@pytest.mark.parametrize("name", READS)
def test_a_429_that_never_clears_is_a_rate_limit_error(
    rsps, client: Client, name: str, body: str
) -> None:
    reply(rsps, body=body, status=429)
    with pytest.raises(RateLimitError) as caught:
        call(client, name)
    assert len(rsps.calls) == 3
    assert isinstance(caught.value, APIError)
    if body.startswith("{"):
        assert caught.value.message.startswith("Too many requests")


@pytest.mark.parametrize("max_retries", [0, 1, 4])
def test_max_retries_sets_the_number_of_tries(rsps, slept: list[float], max_retries: int) -> None:
    reply(rsps, body="", status=503)
    client = make_client(slept, max_retries=max_retries)
    with pytest.raises(ResponseError):
        client.balance()
    assert len(rsps.calls) == max_retries + 1
    assert len(slept) == max_retries


def test_backoff_grows_with_jitter(rsps, slept: list[float]) -> None:
    reply(rsps, body="", status=503)
    client = make_client(slept, max_retries=6)
    with pytest.raises(ResponseError):
        client.balance()
    expected_ceilings = [0.5, 1, 2, 4, 8, 8]
    assert len(slept) == len(expected_ceilings)
    for wait, ceiling in zip(slept, expected_ceilings, strict=True):
        assert 0.75 * ceiling <= wait <= ceiling


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 418, 422])
def test_other_statuses_are_not_retried(
    rsps, client: Client, slept: list[float], status: int
) -> None:
    reply(rsps, body="<html>nope</html>", status=status, content_type="text/html")
    with pytest.raises(ResponseError) as caught:
        client.balance()
    assert len(rsps.calls) == 1
    assert slept == []
    assert caught.value.status_code == status


def _tls_failure(cause: Exception) -> requests.exceptions.SSLError:
    reason = urllib3.exceptions.SSLError(cause)
    return requests.exceptions.SSLError(urllib3.exceptions.MaxRetryError(None, URL, reason))


@pytest.mark.parametrize("call", [lambda c: c.balance(), lambda c: c.add(1, "x", 10)])
def test_a_refused_certificate_is_not_retried(rsps, client: Client, slept, call) -> None:
    failure = _tls_failure(ssl.SSLCertVerificationError(1, "certificate verify failed"))
    reply(rsps, body=failure)
    with pytest.raises(TransportError) as caught:
        call(client)
    assert len(rsps.calls) == 1
    assert caught.value.__cause__ is failure


def test_a_tls_failure_after_sending_a_write_is_an_unknown_outcome(rsps, client: Client) -> None:
    reply(rsps, body=_tls_failure(ssl.SSLError(1, "DECRYPTION_FAILED_OR_BAD_RECORD_MAC")))
    with pytest.raises(OutcomeUnknownError):
        client.add(1, "https://instagram.com/x", 10)
    assert len(rsps.calls) == 1


def test_a_tls_failure_after_sending_a_read_is_retried(rsps, client: Client, slept) -> None:
    reply(rsps, body=_tls_failure(ssl.SSLError(1, "DECRYPTION_FAILED_OR_BAD_RECORD_MAC")))
    reply(rsps, {"balance": "1.5", "currency": "USD"})
    assert client.balance().balance == Decimal("1.5")
    assert len(slept) == 1


# --- Retry-After --------------------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 503])
@pytest.mark.parametrize(("header", "wait"), [("3", 3.0), ("0", 0.0), ("1.5", 1.5), ("60", 60.0)])
def test_retry_after_seconds_are_honoured(
    rsps, client: Client, slept: list[float], status: int, header: str, wait: float
) -> None:
    reply(rsps, body="", status=status, headers={"Retry-After": header})
    reply(rsps, SEED_BALANCE)
    client.balance()
    assert slept == [wait]
    assert len(rsps.calls) == 2


def test_retry_after_as_a_past_http_date_waits_nothing(
    rsps, client: Client, slept: list[float]
) -> None:
    reply(rsps, body="", status=429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    reply(rsps, SEED_BALANCE)
    client.balance()
    assert slept == [0.0]


@pytest.mark.parametrize("header", ["61", "120", "3600"])
def test_a_retry_after_beyond_a_minute_raises_at_once(
    rsps, client: Client, slept: list[float], header: str
) -> None:
    reply(rsps, {"error": "Too many requests"}, status=429, headers={"Retry-After": header})
    reply(rsps, SEED_BALANCE)
    with pytest.raises(RateLimitError) as caught:
        client.balance()
    assert slept == []
    assert len(rsps.calls) == 1
    assert caught.value.retry_after == float(header)
    assert caught.value.status_code == 429


def test_a_retry_after_date_beyond_a_minute_raises_at_once(
    rsps, client: Client, slept: list[float]
) -> None:
    later = format_datetime(datetime.now(timezone.utc) + timedelta(hours=1), usegmt=True)
    reply(rsps, body="", status=429, headers={"Retry-After": later})
    with pytest.raises(RateLimitError) as caught:
        client.balance()
    assert slept == []
    assert caught.value.retry_after is not None
    assert 3500 < caught.value.retry_after <= 3600


@pytest.mark.parametrize("header", ["soon", "", "nan", "inf"])
def test_an_unreadable_retry_after_falls_back_to_backoff(
    rsps, client: Client, slept: list[float], header: str
) -> None:
    reply(rsps, body="", status=503, headers={"Retry-After": header})
    reply(rsps, SEED_BALANCE)
    client.balance()
    assert len(slept) == 1
    assert 0.375 <= slept[0] <= 0.5


# --- writes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        *(
            pytest.param({"status": status, "body": "<html>oops</html>"}, id=str(status))
            for status in [500, 502, 503, 504, 408]
        ),
        pytest.param(
            {"status": 503, "body": "", "headers": {"Retry-After": "1"}}, id="503-retry-after"
        ),
        pytest.param(
            {"body": requests.exceptions.ReadTimeout("read timed out")}, id="read-timeout"
        ),
        pytest.param({"body": requests.ConnectionError("Connection reset by peer")}, id="reset"),
        pytest.param({"body": requests.exceptions.ChunkedEncodingError("broken")}, id="chunked"),
    ],
)
@pytest.mark.parametrize("name", WRITES)
def test_writes_that_may_have_reached_the_panel_are_never_resent(
    rsps, client: Client, slept: list[float], name: str, failure: dict[str, Any]
) -> None:
    answer = SAMPLES[name].answer
    params = SAMPLES[name].form
    reply(rsps, **failure)
    reply(rsps, answer)
    with pytest.raises(OutcomeUnknownError) as caught:
        call(client, name)
    error = caught.value
    assert len(rsps.calls) == 1
    assert slept == []
    assert error.action == wire_name(name)
    assert error.params == params
    assert "key" not in error.params
    assert KEY not in str(error)
    assert KEY not in repr(error)
    assert not isinstance(error, TransportError)
    assert not isinstance(error, requests.RequestException)
    assert isinstance(error, SMMPanelError)
    assert wire_name(name) in str(error)


@pytest.mark.parametrize(
    "failure",
    [
        lambda: requests.exceptions.ReadTimeout("read timed out"),
        lambda: requests.ConnectionError("Connection aborted"),
    ],
)
@pytest.mark.parametrize("name", WRITES)
def test_a_lost_write_has_its_cause(rsps, client: Client, name: str, failure) -> None:  # type: ignore[no-untyped-def]
    exception = failure()
    reply(rsps, body=exception)
    with pytest.raises(OutcomeUnknownError) as caught:
        call(client, name)
    assert caught.value.__cause__ is exception


@pytest.mark.parametrize(
    "failure",
    [lambda: requests.exceptions.ConnectTimeout("connect timed out"), never_sent],
    ids=["connect-timeout", "refused"],
)
@pytest.mark.parametrize("name", WRITES)
def test_writes_that_never_left_are_retried(
    rsps, client: Client, slept: list[float], name: str, failure
) -> None:  # type: ignore[no-untyped-def]
    answer = SAMPLES[name].answer
    reply(rsps, body=failure())
    reply(rsps, answer)
    assert call(client, name) is not None
    assert len(rsps.calls) == 2
    assert len(slept) == 1


@pytest.mark.parametrize("name", WRITES)
def test_writes_that_never_leave_end_in_a_transport_error(
    rsps, client: Client, slept: list[float], name: str
) -> None:
    reply(rsps, body=requests.exceptions.ConnectTimeout("connect timed out"))
    with pytest.raises(TransportError) as caught:
        call(client, name)
    assert not isinstance(caught.value, OutcomeUnknownError)
    assert len(rsps.calls) == 3
    assert len(slept) == 2


@pytest.mark.parametrize("name", ["add", "refill"])
@pytest.mark.parametrize("status", [400, 402, 422])
def test_a_write_refused_with_an_error_body_is_an_api_error(
    rsps, client: Client, name: str, status: int
) -> None:
    reply(rsps, {"error": "Incorrect service ID"}, status=status)
    with pytest.raises(APIError) as caught:
        call(client, name)
    assert not isinstance(caught.value, OutcomeUnknownError)
    assert len(rsps.calls) == 1


# --- batches ------------------------------------------------------------------------------


def test_a_retried_chunk_keeps_its_ids(rsps, client: Client, slept: list[float]) -> None:
    tries: dict[str, int] = {}

    def answer(ids: list[str]) -> tuple[int, Any]:
        tries[ids[0]] = tries.get(ids[0], 0) + 1
        if ids[0] == "101" and tries["101"] == 1:
            return 503, ""
        return 200, dict.fromkeys(ids, SEED_STATUS)

    reply_by_ids(rsps, "orders", answer)
    found = client.statuses(range(1, 151))
    assert len(found) == 150
    assert tries == {"1": 1, "101": 2}
    assert len(slept) == 1


def test_a_rate_limited_parallel_chunk_is_finished_afterwards(rsps, slept: list[float]) -> None:
    tries: dict[str, int] = {}

    def answer(ids: list[str]) -> tuple[int, Any]:
        tries[ids[0]] = tries.get(ids[0], 0) + 1
        if ids[0] == "101" and tries["101"] <= 3:
            return 429, {"error": "Too many requests"}
        return 200, dict.fromkeys(ids, SEED_STATUS)

    reply_by_ids(rsps, "orders", answer)
    client = make_client(slept)
    found = client.statuses(range(1, 201), max_workers=2)
    assert len(found) == 200
    assert all(status.status == "Partial" for status in found.values())  # type: ignore[union-attr]


# --- the policy itself --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("retries_done", "low", "high"),
    [(0, 0.375, 0.5), (1, 0.75, 1.0), (2, 1.5, 2.0), (3, 3.0, 4.0), (4, 6.0, 8.0), (10, 6.0, 8.0)],
)
def test_backoff_bounds(retries_done: int, low: float, high: float) -> None:
    policy = RetryPolicy()
    for _ in range(200):
        assert low <= policy.backoff(retries_done) <= high


@pytest.mark.parametrize(("jitter", "first"), [(0.0, 0.5), (0.5, 0.4375), (0.999999, 0.375)])
def test_backoff_jitter_shortens_by_at_most_a_quarter(
    monkeypatch: pytest.MonkeyPatch, jitter: float, first: float
) -> None:
    monkeypatch.setattr("smmpanel._retry.random.random", lambda: jitter)
    assert RetryPolicy().backoff(0) == pytest.approx(first, abs=1e-5)
    assert RetryPolicy().backoff(50) == pytest.approx(8.0 * (1 - 0.25 * jitter))


def test_backoff_is_capped_at_eight_seconds() -> None:
    assert max(RetryPolicy().backoff(n) for n in range(100) for _ in range(5)) <= 8.0


@pytest.mark.parametrize(("header", "wait"), [("5", 5.0), ("60", 60.0), ("61", None), ("0", 0.0)])
def test_delay_honours_retry_after_up_to_a_minute(header: str, wait: float | None) -> None:
    assert RetryPolicy().delay(0, header) == wait


# The whole retry policy as a table: what happened, for a read and for a write, with
# retries left. The last column is what happens with no retry left.
DECISIONS = [
    # happened              read (retries left)  write (retries left)  read, none left
    (Happened.NOT_SENT, Decision.RETRY, Decision.RETRY, Decision.RAISE),
    (Happened.UNSENDABLE, Decision.RAISE, Decision.RAISE, Decision.RAISE),
    (Happened.NO_ANSWER, Decision.RETRY, Decision.UNKNOWN, Decision.RAISE),
    (Happened.CERTIFICATE, Decision.RAISE, Decision.RAISE, Decision.RAISE),
    (Happened.BUSY, Decision.RETRY, Decision.UNKNOWN, Decision.RAISE),
    (Happened.RATE_LIMITED, Decision.RETRY, Decision.RAISE, Decision.RAISE),
    (Happened.GARBLED, Decision.RETRY, Decision.UNKNOWN, Decision.RAISE),
    (Happened.MISREAD, Decision.RAISE, Decision.UNKNOWN, Decision.RAISE),
    (Happened.REFUSED, Decision.RAISE, Decision.RAISE, Decision.RAISE),
    (Happened.TOO_LARGE, Decision.RAISE, Decision.UNKNOWN, Decision.RAISE),
]


@pytest.mark.parametrize(("happened", "read", "write", "read_spent"), DECISIONS)
def test_the_retry_decision_table(
    happened: Happened, read: Decision, write: Decision, read_spent: Decision
) -> None:
    assert decide(happened, idempotent=True, retries_left=2) is read
    assert decide(happened, idempotent=False, retries_left=2) is write
    assert decide(happened, idempotent=True, retries_left=0) is read_spent
    spent_write = Decision.RAISE if write is Decision.RETRY else write
    assert decide(happened, idempotent=False, retries_left=0) is spent_write


def test_the_decision_table_covers_every_kind_of_failure() -> None:
    assert {row[0] for row in DECISIONS} == set(Happened)


NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("5", 5.0),
        (" 7 ", 7.0),
        ("2.5", 2.5),
        ("0", 0.0),
        ("Thu, 01 Jan 2026 12:01:00 GMT", 60.0),
        ("Thu, 01 Jan 2026 12:00:30 GMT", 30.0),
        ("Thu, 01 Jan 2026 11:00:00 GMT", 0.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
        (None, None),
        ("", None),
        ("   ", None),
        ("soon", None),
        ("nan", None),
        ("inf", None),
        ("Thu, 99 Foo 2026", None),
    ],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == seconds


def test_parse_retry_after_date_against_the_clock() -> None:
    later = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=120), usegmt=True)
    seconds = parse_retry_after(later)
    assert seconds is not None
    assert 100 < seconds <= 120


@pytest.mark.parametrize("name", WRITES)
def test_a_write_answered_429_is_refused_not_unknown(
    rsps, client: Client, slept: list[float], name: str
) -> None:
    # Real panels act on nothing when they answer 429: the caller may send it again later.
    params = SAMPLES[name].form
    reply(rsps, {"error": "Rate limit exceeded."}, status=429, headers={"Retry-After": "60"})
    with pytest.raises(RateLimitError) as caught:
        call(client, name)
    assert caught.value.retry_after == 60.0
    assert caught.value.action == wire_name(name)
    assert caught.value.params == params
    assert len(rsps.calls) == 1
    assert slept == []
