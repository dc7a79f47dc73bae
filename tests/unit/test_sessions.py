"""Sessions: one that would re-send a POST is refused (asking urllib3 itself), and a
session passed in keeps its own headers, cookies, auth and hooks."""

from __future__ import annotations

import re
import warnings
from typing import Any

import pytest
import requests
import responses
import urllib3
from unit_support import KEY, URL, make_client, reply

from smmpanel import Client, ConfigurationError, _session

# What urllib3 does with a POST, not what its arguments look like: a string is matched as
# a substring, an empty collection or False means every method.
RESENDING: list[dict[str, Any]] = [
    {"total": 3, "other": 0, "status_forcelist": [502], "allowed_methods": "POST"},
    {"total": 3, "other": 0, "status_forcelist": [502], "allowed_methods": "GET,POST"},
    {"total": 3, "other": 0, "status_forcelist": [502], "allowed_methods": "GET POST"},
    {"total": 3, "other": 0, "allowed_methods": []},
    {"total": 3, "other": 0, "allowed_methods": frozenset()},
    {"total": 3, "other": 0, "allowed_methods": False},
    {"total": 3},  # "other" errors are retried whatever the method
]
SAFE: list[dict[str, Any]] = [
    {"total": 3, "other": 0},  # reads and statuses only for idempotent methods
    {"total": 3, "other": 0, "status_forcelist": [502]},
    {"total": 0, "read": False},  # requests' default
    {"total": 3, "other": 0, "read": 0, "status": 0, "allowed_methods": ["POST"]},
]


def adapter(options: dict[str, Any]) -> requests.adapters.HTTPAdapter:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # urllib3 deprecates empty collections
        return requests.adapters.HTTPAdapter(max_retries=urllib3.util.Retry(**options))


@pytest.mark.parametrize("options", RESENDING, ids=repr)
@pytest.mark.parametrize("prefix", ["https://", URL, "https://panel.example/"])
def test_a_session_that_would_resend_a_post_is_refused(
    options: dict[str, Any], prefix: str
) -> None:
    with requests.Session() as session:
        session.mount(prefix, adapter(options))
        with pytest.raises(ConfigurationError, match=re.escape(repr(prefix))):
            Client(URL, KEY, session=session)


@pytest.mark.parametrize("options", SAFE, ids=repr)
def test_a_session_whose_retries_never_resend_a_post_is_accepted(options: dict[str, Any]) -> None:
    with requests.Session() as session:
        session.mount(URL, adapter(options))
        Client(URL, KEY, session=session).close()


def test_digest_auth_is_refused_because_it_resends_after_a_401() -> None:
    with requests.Session() as session:
        session.auth = requests.auth.HTTPDigestAuth("user", "pass")
        with pytest.raises(ConfigurationError, match="HTTPDigestAuth"):
            Client(URL, KEY, session=session)


def test_digest_auth_set_later_sends_nothing(rsps: responses.RequestsMock) -> None:
    with requests.Session() as session:
        client = make_client(session=session)
        session.auth = requests.auth.HTTPDigestAuth("user", "pass")
        with pytest.raises(ConfigurationError):
            client.add(1, "https://example.com/p", 100)
    assert len(rsps.calls) == 0


def test_the_sessions_headers_cookies_auth_and_hooks_are_kept(
    rsps: responses.RequestsMock,
) -> None:
    heard: list[int] = []
    reply(rsps, {"balance": "1.00", "currency": "USD"})
    with requests.Session() as session:
        session.headers["X-Tenant"] = "blue"
        session.cookies.set("sid", "abc", domain="panel.example")
        session.auth = ("user", "pass")
        session.hooks["response"].append(lambda answer, **_: heard.append(answer.status_code))
        with make_client(session=session) as client:
            client.balance()
            client.balance()
    assert heard == [200, 200]
    sent = rsps.calls[0].request
    assert sent.headers["X-Tenant"] == "blue"
    assert sent.headers["Cookie"] == "sid=abc"
    assert sent.headers["Authorization"].startswith("Basic ")
    assert sent.headers["User-Agent"].startswith("smmpanel/")


def test_a_hook_that_reads_the_answer_leaves_it_readable(rsps: responses.RequestsMock) -> None:
    def log_body(answer: requests.Response, **_: Any) -> None:
        assert answer.json()["currency"] == "USD"

    reply(rsps, {"balance": "1.00", "currency": "USD"})
    with requests.Session() as session:
        session.hooks["response"].append(log_body)
        with make_client(session=session) as client:
            assert str(client.balance().balance) == "1.00"


def test_the_environment_is_read_once_per_client(
    rsps: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str] = []
    original = _session.get_environ_proxies

    def counted(url: str, no_proxy: Any = None) -> dict[str, str]:
        reads.append(url)
        return original(url, no_proxy=no_proxy)

    monkeypatch.setattr(_session, "get_environ_proxies", counted)
    reply(rsps, {"balance": "1.00", "currency": "USD"})
    with make_client() as client:
        for _ in range(3):
            client.balance()
    assert reads == [URL]


@pytest.mark.parametrize("cap", [0, -1, 1.5, "32", True, None])
def test_a_bad_max_answer_bytes_is_refused(cap: object) -> None:
    with pytest.raises(ConfigurationError, match="max_answer_bytes"):
        Client(URL, KEY, max_answer_bytes=cap)  # type: ignore[arg-type]
