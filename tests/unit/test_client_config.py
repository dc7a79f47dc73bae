"""Constructing a Client: env fallbacks, refusing unsafe settings, timeouts, headers,
session ownership and a repr that never shows the key."""

from __future__ import annotations

import math
from pathlib import Path
from unittest import mock

import pytest
import requests
import urllib3
from unit_support import KEY, URL, FakeResponse, FakeSession, make_client

import smmpanel
from smmpanel import (
    Client,
    ConfigurationError,
    InsecureTransportWarning,
    RetryPolicy,
    SMMPanelError,
)

# --- url and key --------------------------------------------------------------------------


def test_url_and_key_fall_back_to_the_environment(
    monkeypatch: pytest.MonkeyPatch, fake_session: FakeSession
) -> None:
    monkeypatch.setenv("SMMPANEL_API_URL", "https://env.example/api/v2")
    monkeypatch.setenv("SMMPANEL_API_KEY", "env-key")
    client = Client(session=fake_session)  # type: ignore[arg-type]
    client.balance()
    assert client.api_url == "https://env.example/api/v2"
    assert fake_session.calls[0]["url"] == "https://env.example/api/v2"
    assert fake_session.calls[0]["data"]["key"] == "env-key"


def test_arguments_win_over_the_environment(
    monkeypatch: pytest.MonkeyPatch, fake_session: FakeSession
) -> None:
    monkeypatch.setenv("SMMPANEL_API_URL", "https://env.example/api/v2")
    monkeypatch.setenv("SMMPANEL_API_KEY", "env-key")
    client = Client(URL, KEY, session=fake_session)  # type: ignore[arg-type]
    client.balance()
    assert fake_session.calls[0]["url"] == URL
    assert fake_session.calls[0]["data"]["key"] == KEY


@pytest.mark.parametrize(
    ("url", "key", "env", "missing"),
    [
        (None, KEY, {}, "url"),
        (URL, None, {}, "key"),
        (None, None, {}, "url"),
        ("", KEY, {}, "url"),
        (URL, "", {}, "key"),
        ("   ", KEY, {}, "url"),
        (URL, "  \n", {}, "key"),
        (None, KEY, {"SMMPANEL_API_URL": ""}, "url"),
        (URL, None, {"SMMPANEL_API_KEY": ""}, "key"),
        (None, None, {"SMMPANEL_API_KEY": KEY}, "url"),
        (None, None, {"SMMPANEL_API_URL": URL}, "key"),
    ],
)
def test_missing_url_or_key_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch,
    url: str | None,
    key: str | None,
    env: dict[str, str],
    missing: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=missing) as caught:
        Client(url, key)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, SMMPanelError)


@pytest.mark.parametrize(
    "url",
    [
        "http://panel.example/api/v2",
        "http://localhost.example.com/api/v2",
        "http://localhost.evil/api/v2",
        "http://127.0.0.1.nip.io/api/v2",
        "http://10.0.0.5/api/v2",
        "http://0.0.0.0/api/v2",
        "http://[2001:db8::1]/api/v2",
    ],
)
def test_plain_http_to_a_remote_host_is_refused(url: str) -> None:
    with pytest.raises(ConfigurationError, match="http"):
        Client(url, KEY)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/api/v2",
        "http://127.0.0.1:8080/api/v2",
        "http://127.5.6.7/api/v2",
        "http://[::1]/api/v2",
        "http://[::1]:9000/api/v2",
        "http://localhost/api/v2",
        "http://LOCALHOST:8000/api/v2",
    ],
)
def test_plain_http_to_loopback_is_allowed(url: str) -> None:
    assert Client(url, KEY).api_url == url


@pytest.mark.parametrize(
    "url", ["http://panel.example/api/v2", "http://localhost.example.com/api/v2"]
)
def test_plain_http_is_allowed_when_asked_for(url: str) -> None:
    assert Client(url, KEY, allow_insecure_http=True).api_url == url


@pytest.mark.parametrize(
    "url",
    ["panel.example/api/v2", "ftp://panel.example/api/v2", "https:///api/v2", "https://"],
)
def test_urls_that_are_not_http_urls_are_refused(url: str) -> None:
    with pytest.raises(ConfigurationError):
        Client(url, KEY)


def test_configuration_errors_never_show_the_key() -> None:
    with pytest.raises(ConfigurationError) as caught:
        Client("http://panel.example/api/v2", KEY)
    assert KEY not in str(caught.value)
    assert KEY not in repr(caught.value)


# --- timeout ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "timeout",
    [
        None,
        0,
        0.0,
        -1,
        -0.5,
        math.inf,
        math.nan,
        (0, 30),
        (10, 0),
        (10, None),
        (None, 30),
        (10, math.inf),
        (-1, 30),
        (10,),
        (1, 2, 3),
        [10, 30],
        "10",
        True,
        (1, 1e10),  # finite, but it overflows urllib3 after the request was sent
        1e308,
    ],
    ids=repr,
)
def test_timeouts_that_could_wait_forever_or_are_not_seconds_are_refused(
    timeout: object,
) -> None:
    with pytest.raises(ConfigurationError):
        Client(URL, KEY, timeout=timeout)  # type: ignore[arg-type]


@pytest.mark.parametrize("timeout", [5, 2.5, 0.001, (3.05, 27), (1, 2.5), (0.5, 0.5)])
def test_finite_timeouts_are_passed_to_requests(
    timeout: float | tuple[float, float], fake_session: FakeSession
) -> None:
    Client(URL, KEY, timeout=timeout, session=fake_session).balance()  # type: ignore[arg-type]
    assert fake_session.calls[0]["timeout"] == timeout


def test_default_timeout_is_ten_seconds_to_connect_and_thirty_to_read(
    fake_session: FakeSession,
) -> None:
    Client(URL, KEY, session=fake_session).balance()  # type: ignore[arg-type]
    assert fake_session.calls[0]["timeout"] == (10, 30)


def test_post_never_follows_redirects(fake_session: FakeSession) -> None:
    Client(URL, KEY, session=fake_session).balance()  # type: ignore[arg-type]
    (call,) = fake_session.calls
    assert call["allow_redirects"] is False


def test_certificates_are_verified_by_default(rsps, client: Client) -> None:
    rsps.post(URL, json={"balance": "1", "currency": "USD"})
    client.balance()
    assert rsps.calls[0].request.req_kwargs["verify"] not in (False, None, "")


@pytest.mark.parametrize("max_retries", [-1, 1.5, "2", True, None])
def test_bad_max_retries_is_refused(max_retries: object) -> None:
    with pytest.raises(ConfigurationError):
        Client(URL, KEY, max_retries=max_retries)  # type: ignore[arg-type]


# --- headers ------------------------------------------------------------------------------


def test_default_user_agent_is_honest(fake_session: FakeSession) -> None:
    Client(URL, KEY, session=fake_session).balance()  # type: ignore[arg-type]
    expected = f"smmpanel/{smmpanel.__version__} python-requests/{requests.__version__}"
    assert fake_session.calls[0]["headers"]["User-Agent"] == expected


def test_default_user_agent_reaches_the_wire(rsps, client: Client) -> None:
    rsps.post(URL, json={"balance": "1", "currency": "USD"})
    client.balance()
    sent = rsps.calls[0].request.headers["User-Agent"]
    assert sent == f"smmpanel/{smmpanel.__version__} python-requests/{requests.__version__}"


def test_custom_user_agent(fake_session: FakeSession) -> None:
    Client(URL, KEY, session=fake_session, user_agent="reseller-bot/2.0").balance()  # type: ignore[arg-type]
    assert fake_session.calls[0]["headers"]["User-Agent"] == "reseller-bot/2.0"


def test_version_is_a_string() -> None:
    assert isinstance(smmpanel.__version__, str)
    assert smmpanel.__version__


# --- verify -------------------------------------------------------------------------------


def test_turning_off_certificate_verification_warns(rsps) -> None:
    rsps.post(URL, json={"balance": "1", "currency": "USD"})
    with pytest.warns(InsecureTransportWarning):
        client = Client(URL, KEY, verify=False)
    client.balance()
    client.close()
    assert rsps.calls[0].request.req_kwargs["verify"] is False


def test_a_ca_bundle_path_is_passed_through_without_warning(
    fake_session: FakeSession, tmp_path: Path
) -> None:
    bundle = tmp_path / "panel-ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    client = Client(URL, KEY, verify=str(bundle), session=fake_session)  # type: ignore[arg-type]
    client.balance()
    assert fake_session.calls[0]["verify"] == str(bundle)


def test_a_ca_bundle_path_that_does_not_exist_is_refused() -> None:
    with pytest.raises(ConfigurationError, match=r"panel-ca\.pem"):
        Client(URL, KEY, verify="/nowhere/panel-ca.pem")


@pytest.mark.parametrize("user_agent", ["mybot \u2713", "two\nlines", "  "])
def test_a_user_agent_http_cannot_carry_is_refused(user_agent: str) -> None:
    with pytest.raises(ConfigurationError):
        Client(URL, KEY, user_agent=user_agent)


def test_a_session_that_retries_posts_by_itself_is_refused() -> None:
    session = requests.Session()
    retrying = urllib3.util.Retry(total=3, allowed_methods=None)
    session.mount("https://", requests.adapters.HTTPAdapter(max_retries=retrying))
    with pytest.raises(ConfigurationError, match="twice"):
        Client(URL, KEY, session=session)
    session.mount("https://", requests.adapters.HTTPAdapter(max_retries=urllib3.util.Retry(3)))
    with pytest.raises(ConfigurationError):  # errors after sending are retried for POST too
        Client(URL, KEY, session=session)
    only_connects = urllib3.util.Retry(3, other=0)  # reads and statuses: not for POST
    session.mount("https://", requests.adapters.HTTPAdapter(max_retries=only_connects))
    Client(URL, KEY, session=session)
    session.close()


@pytest.mark.parametrize(
    "options",
    [
        {"backoff_initial": -1.0},
        {"backoff_initial": 1e308, "backoff_max": 1e308},  # time.sleep would overflow
        {"backoff_max": float("nan")},
    ],
)
def test_a_retry_policy_with_impossible_values_is_refused(options: dict[str, float]) -> None:
    with pytest.raises(ConfigurationError):
        RetryPolicy(**options)  # type: ignore[arg-type]


# --- session ownership --------------------------------------------------------------------


def test_context_manager_closes_a_session_it_created() -> None:
    with mock.patch.object(requests.Session, "close", autospec=True) as close:
        with Client(URL, KEY) as client:
            assert close.call_count == 0
            assert isinstance(client, Client)
        assert close.call_count == 1


def test_close_leaves_a_session_passed_in_open(fake_session: FakeSession) -> None:
    with Client(URL, KEY, session=fake_session) as client:  # type: ignore[arg-type]
        client.balance()
    assert fake_session.closed is False
    client.close()
    assert fake_session.closed is False


def test_a_real_session_passed_in_is_used_and_left_open() -> None:
    session = requests.Session()
    with (
        mock.patch.object(session, "close") as close,
        mock.patch.object(session, "send", return_value=FakeResponse().to_response()) as post,
    ):
        with Client(URL, KEY, session=session) as client:
            client.balance()
        assert post.call_count == 1
        close.assert_not_called()


def test_one_session_serves_every_call(fake_session: FakeSession) -> None:
    client = Client(URL, KEY, session=fake_session)  # type: ignore[arg-type]
    client.balance()
    client.balance()
    assert len(fake_session.calls) == 2


# --- repr ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "factory",
    [
        lambda: make_client(),
        lambda: make_client(user_agent="x"),
        lambda: Client("http://127.0.0.1:8000/api/v2", KEY),
    ],
)
def test_repr_never_shows_the_key(factory) -> None:  # type: ignore[no-untyped-def]
    made = factory()
    assert KEY not in repr(made)
    assert KEY not in str(made)
    assert made.api_url in repr(made)


def test_a_key_outside_ascii_is_refused_without_showing_it() -> None:
    key = "ключ-0123456789abcdef0123456789"
    with pytest.raises(ConfigurationError) as caught:
        Client(URL, key)
    assert key not in str(caught.value)
