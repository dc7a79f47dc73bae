"""The api url and key a client is built with: the loopback rule is decided on the host
requests connects to, credentials in the url never show, and a key that is not sendable
text is a `ConfigurationError` that never quotes it."""

from __future__ import annotations

import os

import pytest
import responses
from actions_support import SEED_BALANCE
from unit_support import KEY

from smmpanel import Client, ConfigurationError

SECRET = "hunter2-PASSWORD-77"


@pytest.mark.parametrize(
    "url",
    [
        "http://evil.example\\@127.0.0.1/api/v2",  # urlsplit: 127.0.0.1; urllib3: evil.example
        "http://127.0.0.1\\@evil.example/api/v2",  # the other way round
        "https://panel.example\\@127.0.0.1/api/v2",
        "http://127.0.0.1:80\\@evil.example/api/v2",
        "http://evil.example\t@127.0.0.1/api/v2",
    ],
)
def test_a_url_the_parsers_read_differently_is_refused(url: str) -> None:
    for insecure in (False, True):
        with pytest.raises(ConfigurationError):
            Client(url, KEY, allow_insecure_http=insecure)


def test_the_loopback_rule_uses_the_host_requests_connects_to() -> None:
    # urllib3 reads this as host evil.example; it must be judged as such.
    with pytest.raises(ConfigurationError, match=r"ambiguous|http"):
        Client("http://evil.example\\@127.0.0.1/api/v2", KEY)
    assert Client("http://[::1]:8080/api/v2", KEY).api_url == "http://[::1]:8080/api/v2"


@pytest.mark.parametrize(
    "url",
    [
        f"https://user:{SECRET}@panel.example/api/v2",
        f"https://{SECRET}@panel.example/api/v2",
        f"http://admin:{SECRET}@127.0.0.1/api/v2",
        f"https://panel.example/api/v2?key={SECRET}",
        f"https://panel.example/api/v2?lang=en&api_token={SECRET}",
        f"https://panel.example/api/v2?Password={SECRET}",
    ],
)
def test_credentials_in_the_url_are_refused_without_showing_them(url: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Client(url, KEY, allow_insecure_http=True)
    assert SECRET not in str(caught.value)
    assert SECRET not in repr(caught.value.args)


def test_a_url_holding_the_key_is_refused_without_showing_it() -> None:
    with pytest.raises(ConfigurationError, match="contains the api key") as caught:
        Client(f"https://panel.example/{KEY.upper()}/api/v2", KEY)
    assert KEY.lower() not in str(caught.value).lower()


def test_a_harmless_query_is_kept_and_shown(rsps: responses.RequestsMock) -> None:
    url = "https://panel.example/api/v2?lang=en"
    rsps.post(url, json=SEED_BALANCE)
    with Client(url, KEY) as client:
        assert repr(client) == f"Client(api_url={url!r})"
        assert client.balance().currency == "USD"


@pytest.mark.parametrize("key", [KEY.encode(), 12345678901234567890, 3.5, ["k"]])
def test_a_key_that_is_not_text_is_a_configuration_error(key: object) -> None:
    with pytest.raises(ConfigurationError, match="api_key must be text") as caught:
        Client("https://panel.example/api/v2", key)  # type: ignore[arg-type]
    assert str(key) not in str(caught.value)


def test_a_url_that_is_not_text_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="api_url must be text"):
        Client(b"https://panel.example/api/v2", KEY)  # type: ignore[arg-type]


def test_an_environment_key_with_undecodable_bytes_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # What os.environ holds for bytes the locale cannot decode: lone surrogates.
    raw = KEY.encode() + b"\xff\xfe"
    monkeypatch.setenv("SMMPANEL_API_KEY", os.fsdecode(raw))
    with pytest.raises(ConfigurationError, match="SMMPANEL_API_KEY") as caught:
        Client("https://panel.example/api/v2")
    assert KEY not in str(caught.value)


@pytest.mark.parametrize("key", [f"{KEY}\x00", f"{KEY}\ud800", f"a\nb{KEY}"])
def test_a_key_with_control_characters_or_surrogates_is_refused(key: str) -> None:
    with pytest.raises(ConfigurationError, match="cannot be sent") as caught:
        Client("https://panel.example/api/v2", key)
    assert KEY not in str(caught.value)
