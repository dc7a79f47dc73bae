"""A panel that echoes the api key back, in every way it could (an error message, the
form body, a page, a valid answer, a redirect): the key still never shows in an error, a
result, a repr or a log line."""

from __future__ import annotations

import json
from functools import partial
from typing import Any
from urllib.parse import parse_qs, quote_plus

import pytest
import requests
import responses
from actions_support import METHODS, call
from errors_support import Witness, assert_no_secret

from smmpanel import Client, ResponseError, RetryPolicy

KEY = "sk/LIVE+k3y=Zq9&secret-5f4dcc3b"  # "/", "+", "=", "&": every encoding differs
URL = "https://panel.example/api/v2"


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
        for name in METHODS:
            outcome = run(partial(call, client, name))
            if isinstance(outcome, ResponseError):
                assert outcome.status_code is not None, name
        assert_no_secret([repr(client)], KEY, "repr(client)")
    assert sent_keys
    assert set(sent_keys) == {KEY}  # the key did travel, in the body, every time
    run.check(logs, KEY)
    if style == "valid_with_key":
        assert len(run.results) == len(METHODS), run.errors
        assert "[api key removed]" in repr(run.results)
