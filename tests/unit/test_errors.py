"""Errors: the panel's {"error": ...} at any status, answers that cannot be understood,
redirects, and the rule that nothing but an SMMPanelError escapes a call and the key
never shows."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
import requests
import responses
from actions_support import METHODS, READS, SEED_SERVICES, SINGLES, WRITES, call, wire_name
from unit_support import KEY, URL, reply

from smmpanel import (
    APIError,
    AuthenticationError,
    Client,
    InsufficientFundsError,
    OutcomeUnknownError,
    ResponseError,
    SMMPanelError,
    TransportError,
)

CLOUDFLARE = (
    "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    + "<div class='cf-browser-verification'>Checking your browser</div>" * 40
    + "</body></html>"
)


# --- the panel's own error messages -------------------------------------------------------


@pytest.mark.parametrize("status", [200, 400, 402, 403, 404, 422])
@pytest.mark.parametrize("name", SINGLES)
def test_an_error_answer_is_an_api_error_at_any_status(
    rsps, client: Client, name: str, status: int
) -> None:
    reply(rsps, {"error": "Incorrect order ID"}, status=status)
    with pytest.raises(APIError) as caught:
        call(client, name)
    assert caught.value.message == "Incorrect order ID"
    assert str(caught.value) == f"{caught.value.action}: Incorrect order ID"
    assert len(rsps.calls) == 1


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ("  Incorrect order ID \n", "Incorrect order ID"),
        ("\tIncorrect service ID", "Incorrect service ID"),
        ("Quantity less than minimal 10", "Quantity less than minimal 10"),
        (
            "You have active order with this link. Please wait until order being completed.",
            "You have active order with this link. Please wait until order being completed.",
        ),
    ],
)
def test_error_messages_are_trimmed(rsps, client: Client, sent: str, message: str) -> None:
    reply(rsps, {"error": sent})
    with pytest.raises(APIError) as caught:
        client.add(1, "https://x.example/p", 5)
    assert caught.value.message == message
    assert type(caught.value) is APIError


@pytest.mark.parametrize(
    "message",
    [
        "Invalid API key",
        "invalid api key",
        "Invalid api_key",
        "Incorrect API key",
        "neworder.error.invalid_key",
        "error.invalid_api_key",
        "Unauthorized",
    ],
)
@pytest.mark.parametrize("status", [200, 401, 403])
def test_a_refused_key_is_an_authentication_error(
    rsps, client: Client, message: str, status: int
) -> None:
    reply(rsps, {"error": message}, status=status)
    with pytest.raises(AuthenticationError) as caught:
        client.balance()
    assert isinstance(caught.value, APIError)
    assert caught.value.message == message


@pytest.mark.parametrize(
    "message",
    [
        "Not enough funds on balance",
        "not enough funds",
        "neworder.error.not_enough_funds",
        "Insufficient balance",
        "Insufficient funds",
    ],
)
@pytest.mark.parametrize("status", [200, 402])
def test_a_short_balance_is_an_insufficient_funds_error(
    rsps, client: Client, message: str, status: int
) -> None:
    reply(rsps, {"error": message}, status=status)
    with pytest.raises(InsufficientFundsError) as caught:
        client.add(1, "https://x.example/p", 100)
    assert isinstance(caught.value, APIError)
    assert caught.value.message == message


@pytest.mark.parametrize(
    "message",
    ["Incorrect service ID", "Incorrect request", "Refill not found", "Link is invalid"],
)
def test_other_messages_are_plain_api_errors(rsps, client: Client, message: str) -> None:
    reply(rsps, {"error": message})
    with pytest.raises(APIError) as caught:
        client.add(1, "https://x.example/p", 100)
    assert type(caught.value) is APIError


@pytest.mark.parametrize(
    "answer",
    [
        {"status": "error", "message": "Incorrect order ID"},
        {"status": "error", "error": "Incorrect order ID"},
        {"error": {"message": "Incorrect order ID"}},
        {"error": ["Incorrect order ID"]},
    ],
)
def test_error_answers_in_other_shapes(rsps, client: Client, answer: Any) -> None:
    reply(rsps, answer)
    with pytest.raises(APIError) as caught:
        client.status(1)
    assert caught.value.message == "Incorrect order ID"


# --- answers that cannot be understood ----------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (CLOUDFLARE, 403),
        (CLOUDFLARE, 200),
        ("", 200),
        ("   ", 200),
        ('{"balance": "1.0", "curr', 200),
        ("[1, 2", 200),
        ("<?php echo $x; ?>", 200),
        ("Fatal error: Uncaught PDOException", 200),
        ("null", 200),
        ("Not Found", 404),
        ("", 401),
    ],
)
@pytest.mark.parametrize("name", READS)
def test_an_unreadable_answer_is_a_response_error(
    rsps, client: Client, name: str, body: str, status: int
) -> None:
    reply(rsps, body=body, status=status, content_type="text/html")
    with pytest.raises(ResponseError) as caught:
        call(client, name)
    assert caught.value.status_code == status
    assert caught.value.body == body[:500]
    assert len(caught.value.body) <= 500
    # A 2xx body that is not JSON at all may be a passing glitch: reads try it again.
    not_json = status == 200 and body != "null"
    assert len(rsps.calls) == (3 if not_json else 1)


def test_the_body_kept_on_a_response_error_is_truncated(rsps, client: Client) -> None:
    reply(rsps, body=CLOUDFLARE, status=403, content_type="text/html")
    assert len(CLOUDFLARE) > 2000
    with pytest.raises(ResponseError) as caught:
        client.balance()
    assert 0 < len(caught.value.body) <= 500
    assert CLOUDFLARE.startswith(caught.value.body)
    assert len(str(caught.value)) < 1000


def test_a_json_parse_failure_is_the_cause(rsps, client: Client) -> None:
    reply(rsps, body='{"balance": "1.0", "curr')
    with pytest.raises(ResponseError) as caught:
        client.balance()
    assert isinstance(caught.value.__cause__, ValueError)


@pytest.mark.parametrize(
    ("name", "answer"),
    [
        ("balance", [{"balance": "1.0", "currency": "USD"}]),
        ("balance", {"currency": "USD"}),
        ("balance", {"balance": "lots", "currency": "USD"}),
        ("balance", {"balance": None}),
        ("balance", "100.5"),
        ("balance", 100.5),
        ("status", {"charge": "0.1"}),
        ("status", [SEED_SERVICES]),
        ("status", {"status": ""}),
        ("status", {"status": "Pending", "remains": "many"}),
        ("refill_status", {}),
        ("refill_status", {"status": {"nested": True}}),
        ("services", {"services": SEED_SERVICES}),
        ("services", "services"),
        ("services", 42),
        ("statuses", "Incorrect"),
        ("statuses", 5),
        ("refill_statuses", "nope"),
        ("refill_statuses", 12),
    ],
    ids=repr,
)
def test_json_of_the_wrong_shape_is_a_response_error(
    rsps, client: Client, name: str, answer: Any
) -> None:
    reply(rsps, answer)
    with pytest.raises(ResponseError):
        call(client, name)


def test_a_validation_failure_is_wrapped_and_names_no_values(rsps, client: Client) -> None:
    reply(rsps, {"balance": "not-money-secret-value", "currency": "USD"})
    with pytest.raises(ResponseError) as caught:
        client.balance()
    assert caught.value.__cause__ is not None
    assert "balance" in str(caught.value)
    assert "not-money-secret-value" not in str(caught.value)


@pytest.mark.parametrize("name", [name for name in WRITES if name in SINGLES])
@pytest.mark.parametrize(
    "body", [CLOUDFLARE, "", '{"order": 1', '{"orders": 1}', "[]", '"ok"'], ids=repr
)
def test_a_write_whose_answer_is_unreadable_has_an_unknown_outcome(
    rsps, client: Client, name: str, body: str
) -> None:
    reply(rsps, body=body)
    with pytest.raises(OutcomeUnknownError) as caught:
        call(client, name)
    assert len(rsps.calls) == 1
    assert caught.value.action == wire_name(name)
    assert caught.value.__cause__ is not None
    assert "key" not in caught.value.params


@pytest.mark.parametrize("name", ["refills", "cancel"])
@pytest.mark.parametrize("body", [CLOUDFLARE, "", "[{", '"accepted"'], ids=repr)
def test_a_write_batch_whose_answer_is_unreadable_has_an_unknown_outcome(
    rsps, client: Client, name: str, body: str
) -> None:
    reply(rsps, body=body)
    with pytest.raises(OutcomeUnknownError) as caught:
        call(client, name)
    assert len(rsps.calls) == 1
    assert caught.value.params == {"orders": "1,2"}


# --- redirects ----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("name", ["balance", "add", "statuses", "cancel"])
def test_a_redirect_is_never_followed(rsps, client: Client, status: int, name: str) -> None:
    target = "https://evil.example/collect/path?stolen=1"
    rsps.post(URL, status=status, headers={"Location": target}, body="")
    rsps.post(target, json={"balance": "1"})
    with pytest.raises((ResponseError, OutcomeUnknownError)) as raised:
        call(client, name)
    assert len(rsps.calls) == 1
    caught = raised.value
    if name in ("add", "cancel") and status in (302, 303):
        # After a POST these often mean "done, see over there": the order may exist.
        assert isinstance(caught, OutcomeUnknownError)
        caught = caught.__cause__
    assert isinstance(caught, ResponseError)
    assert caught.status_code == status
    message = str(raised.value)
    assert "evil.example" in message
    assert "/collect/path" not in message
    assert "stolen" not in message
    assert KEY not in message


def test_a_redirect_without_a_location(rsps, client: Client) -> None:
    reply(rsps, body="", status=302)
    with pytest.raises(ResponseError) as caught:
        client.balance()
    assert caught.value.status_code == 302
    assert len(rsps.calls) == 1


# --- the key never shows ------------------------------------------------------------------


def outcome(call: Callable[[], Any]) -> tuple[Any, SMMPanelError | None]:
    """The result of a call, or the SMMPanelError it raised; any other exception
    propagates and fails the test."""
    try:
        return call(), None
    except SMMPanelError as error:
        return None, error


def all_texts(error: BaseException) -> str:
    """Everything an exception (and its chain) would show in a log or traceback."""
    texts = []
    seen: BaseException | None = error
    while seen is not None:
        texts += [str(seen), repr(seen), repr(seen.args)]
        for attribute in ("body", "message", "params", "reason"):
            if hasattr(seen, attribute):
                texts.append(repr(getattr(seen, attribute)))
        seen = seen.__cause__ or seen.__context__
    return "\n".join(texts)


@pytest.mark.parametrize(
    ("body", "status", "name", "error"),
    [
        (json.dumps({"error": f"Invalid API key {KEY}"}), 200, "balance", AuthenticationError),
        (json.dumps({"error": f"key={KEY} not found"}), 403, "status", APIError),
        (f"<html>Your key {KEY} is blocked</html>", 403, "balance", ResponseError),
        (f"<html>Your key {KEY} is blocked</html>", 200, "add", OutcomeUnknownError),
        (f"<html>{KEY}</html>", 503, "services", ResponseError),
        (json.dumps({"balance": KEY, "currency": "USD"}), 200, "balance", ResponseError),
        (json.dumps({"order": {"key": KEY}}), 200, "add", OutcomeUnknownError),
        (json.dumps({"status": KEY}), 200, "refill_status", None),
        (json.dumps({"echo": f"key={KEY}&action=add"}), 200, "status", ResponseError),
        (f'{{"error": "bad request: key={KEY}"', 200, "status", ResponseError),
    ],
)
def test_the_key_is_scrubbed_from_every_error(
    rsps, client: Client, body: str, status: int, name: str, error: type[Exception] | None
) -> None:
    reply(rsps, body=body, status=status)
    result, caught = outcome(lambda: call(client, name))
    if error is None:
        assert caught is None
        assert KEY not in repr(result)
        assert KEY not in str(result)
    else:
        assert isinstance(caught, error)
        assert KEY not in all_texts(caught)


def test_the_key_is_scrubbed_when_echoed_url_encoded(rsps) -> None:
    key = "abc+def/ghi=="
    reply(rsps, body=json.dumps({"error": "Invalid API key: abc%2Bdef%2Fghi%3D%3D"}))
    with Client(URL, key) as client, pytest.raises(AuthenticationError) as caught:
        client.balance()
    assert "abc%2Bdef%2Fghi%3D%3D" not in all_texts(caught.value)


def test_the_key_is_scrubbed_when_echoed_json_escaped(rsps) -> None:
    # PHP's json_encode escapes "/" by default, so a panel echoing a key that contains a
    # slash sends "abc\/def"; the message read from that JSON holds the key verbatim.
    key = "Ab3/xY+9zQ=="
    reply(rsps, body='{"error": "Invalid API key Ab3\\/xY+9zQ=="}')
    with Client(URL, key) as client, pytest.raises(AuthenticationError) as caught:
        client.balance()
    assert key not in all_texts(caught.value)


def test_the_key_is_scrubbed_from_unreadable_catalog_entries(rsps, client: Client) -> None:
    entries = [*SEED_SERVICES, {"service": 3, "name": f"leak {KEY}", "rate": "x"}]
    reply(rsps, entries)
    services = client.services()
    assert len(services) == 2
    assert len(services.invalid) == 1
    assert KEY not in str(services.invalid[0])
    assert KEY not in repr(services)


def test_the_key_never_reaches_the_logs(
    rsps, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    reply(rsps, body=f"<html>{KEY}</html>", status=503)
    reply(rsps, {"error": f"Invalid API key {KEY}"})
    with pytest.raises(AuthenticationError):
        client.balance()
    reply(rsps, body=requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(OutcomeUnknownError) as caught:
        client.add(1, "https://x.example/p", 10)
    assert KEY not in all_texts(caught.value)
    assert caplog.records, "the retry was not logged"
    for record in caplog.records:
        assert KEY not in record.getMessage()
        assert KEY not in repr(record.args)


# --- nothing else escapes -----------------------------------------------------------------


# Every network failure ends the same way on every call: a read is tried max_retries + 1
# times and raises TransportError; a write raises OutcomeUnknownError after one try,
# unless the request surely never left (a connect timeout), when it is retried like a read.
LOST = (OutcomeUnknownError, 1)
GAVE_UP = (TransportError, 3)


@pytest.mark.parametrize(
    ("exception", "write_outcome"),
    [
        (requests.exceptions.ConnectionError("reset"), LOST),
        (requests.exceptions.ReadTimeout("read timed out"), LOST),
        (requests.exceptions.ConnectTimeout("connect timed out"), GAVE_UP),
        (requests.exceptions.SSLError("certificate verify failed"), LOST),
        (requests.exceptions.ChunkedEncodingError("broken chunk"), LOST),
        (requests.exceptions.ContentDecodingError("bad gzip"), LOST),
        (requests.exceptions.TooManyRedirects("loop"), LOST),
        (requests.exceptions.InvalidHeader("bad header"), LOST),
        (requests.exceptions.RequestException("generic"), LOST),
        (OSError("socket closed"), LOST),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else None,
)
def test_network_failures_are_wrapped_with_their_cause(
    client: Client, exception: Exception, write_outcome: tuple[type[SMMPanelError], int]
) -> None:
    for name in METHODS:
        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            reply(rsps, body=exception)
            with pytest.raises(SMMPanelError) as caught:
                call(client, name)
            expected, tries = GAVE_UP if name in READS else write_outcome
            assert type(caught.value) is expected, (name, caught.value)
            assert len(rsps.calls) == tries, name
            assert caught.value.__cause__ is exception, name
            assert not isinstance(caught.value, requests.RequestException)
