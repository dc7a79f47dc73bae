"""Transport security: plain http only to loopback, certificates verified by default (end
to end against a local TLS server whose certificate nobody trusts), and turning
verification off is loud."""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
import urllib3

from smmpanel import (
    Client,
    ConfigurationError,
    InsecureTransportWarning,
    RetryPolicy,
    TransportError,
)

KEY = "tls-k3y/8c0ffee+5ecret"

# A self-signed certificate for localhost and 127.0.0.1, valid 2000-2099 (made with
# `openssl ca -selfsign`); no system trust store knows it.
CERT = """-----BEGIN CERTIFICATE-----
MIIBeDCCAR2gAwIBAgIBATAKBggqhkjOPQQDAjAUMRIwEAYDVQQDDAlsb2NhbGhv
c3QwIBcNMDAwMTAxMDAwMDAwWhgPMjA5OTEyMzEwMDAwMDBaMBQxEjAQBgNVBAMM
CWxvY2FsaG9zdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABMTsB7XRl3bwXKbl
xrnyEblNQ/8KoL+gnqEpGgYqpR6Gx2sPctCOTEY59uYDqnCm/F/UyJN6T6HoP1qK
uqu87p6jXjBcMBoGA1UdEQQTMBGCCWxvY2FsaG9zdIcEfwAAATAPBgNVHRMBAf8E
BTADAQH/MA4GA1UdDwEB/wQEAwIChDAdBgNVHQ4EFgQUdTbBr8Kq9lMia6GFctf/
cdftPvYwCgYIKoZIzj0EAwIDSQAwRgIhANW8niP/Sf2t3Z3mIXnN6Uu5l/nPiUEz
VBaXmJQ+08r0AiEAgoUVmsHryNGTxsUVGcGVu/F/Mfmd8SFhITVPKdJNXEA=
-----END CERTIFICATE-----
"""
PRIVATE_KEY = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgQtOHeIrTbwuCN5s+
1zvI61qBguJ4zDpcnzvkQlWkpk2hRANCAATE7Ae10Zd28Fym5ca58hG5TUP/CqC/
oJ6hKRoGKqUehsdrD3LQjkxGOfbmA6pwpvxf1MiTek+h6D9airqrvO6e
-----END PRIVATE KEY-----
"""


class _Handler(BaseHTTPRequestHandler):
    server: _TLSPanel

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        self.server.posts += 1
        body = json.dumps({"balance": "12.50", "currency": "USD"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _TLSPanel(ThreadingHTTPServer):
    """Answers every POST with a balance, over TLS with the untrusted certificate."""

    daemon_threads = True

    def __init__(self, context: ssl.SSLContext) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.context = context
        self.accepted = 0
        self.posts = 0

    def get_request(self) -> tuple[Any, Any]:
        sock, address = self.socket.accept()
        self.accepted += 1
        try:
            return self.context.wrap_socket(sock, server_side=True), address
        except (ssl.SSLError, OSError):
            sock.close()
            raise

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


@pytest.fixture
def ca_file(tmp_path: Path) -> str:
    path = tmp_path / "panel-ca.pem"
    path.write_text(CERT)
    return str(path)


@pytest.fixture
def tls_panel(tmp_path: Path) -> Iterator[_TLSPanel]:
    (tmp_path / "cert.pem").write_text(CERT)
    (tmp_path / "key.pem").write_text(PRIVATE_KEY)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    server = _TLSPanel(context)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def url_of(server: _TLSPanel, host: str = "localhost") -> str:
    return f"https://{host}:{server.server_address[1]}/api/v2"


# --- plain http -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost.example.com/api",
        "http://localhost.localdomain.example/api",
        "http://127.0.0.1.nip.io/api",
        "http://evil.example/api?host=127.0.0.1",
    ],
)
def test_plain_http_to_a_host_that_only_looks_local_is_refused(url: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Client(url, KEY)
    assert KEY not in str(caught.value)
    with Client(url, KEY, allow_insecure_http=True) as client:  # when asked for, it is allowed
        assert client.api_url == url


# --- certificates ----------------------------------------------------------------------------


def test_an_untrusted_certificate_is_refused_before_the_key_is_sent(
    tls_panel: _TLSPanel,
) -> None:
    slept: list[float] = []
    client = Client(url_of(tls_panel), KEY, retry_policy=RetryPolicy(sleep=slept.append))
    with client, pytest.raises(TransportError) as caught:
        client.balance()
    assert isinstance(caught.value.__cause__, requests.exceptions.SSLError)
    assert "certificate" in str(caught.value).lower()
    assert tls_panel.posts == 0  # the key never went out
    assert tls_panel.accepted == 1  # and a TLS failure is not retried
    assert slept == []


def test_a_private_ca_is_trusted_when_given(tls_panel: _TLSPanel, ca_file: str) -> None:
    with Client(url_of(tls_panel), KEY, verify=ca_file) as client:
        assert str(client.balance().balance) == "12.50"
    assert tls_panel.posts == 1


def test_turning_verification_off_warns_and_then_connects(tls_panel: _TLSPanel) -> None:
    with pytest.warns(InsecureTransportWarning, match="verification"):
        client = Client(url_of(tls_panel), KEY, verify=False)
    with client, pytest.warns(urllib3.exceptions.InsecureRequestWarning):
        assert str(client.balance().balance) == "12.50"


def test_a_session_that_does_not_verify_warns() -> None:
    session = requests.Session()
    session.verify = False
    with session, pytest.warns(InsecureTransportWarning):
        Client("https://panel.example/api/v2", KEY, session=session).close()


def test_verify_true_or_a_path_does_not_warn(ca_file: str) -> None:
    # filterwarnings=error turns any warning here into a failure
    Client("https://panel.example/api/v2", KEY, verify=True).close()
    Client("https://panel.example/api/v2", KEY, verify=ca_file).close()


# --- what requests is really asked to do ---------------------------------------------------


class _RecordingAdapter(requests.adapters.HTTPAdapter):
    """Records the settings each request reaches the adapter with, after requests merged
    the session's and the environment's settings, and answers with a balance."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[dict[str, Any]] = []

    def send(  # type: ignore[override]
        self, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        self.sent.append({"url": request.url, "body": request.body, **kwargs})
        response = requests.Response()
        response.status_code = 200
        response._content = b'{"balance": "1.00", "currency": "USD"}'
        response.request = request
        response.url = request.url or ""
        return response


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every request any new requests.Session sends, as its adapter receives it."""
    adapter = _RecordingAdapter()
    original = requests.Session.get_adapter

    def get_adapter(self: requests.Session, url: str) -> requests.adapters.BaseAdapter:
        original(self, url)  # still fails for urls requests cannot handle
        return adapter

    monkeypatch.setattr(requests.Session, "get_adapter", get_adapter)
    return adapter.sent


def test_a_default_client_verifies_certificates(recorded: list[dict[str, Any]]) -> None:
    with Client("https://panel.example/api/v2", KEY) as client:
        client.balance()
        client.balance()
    assert len(recorded) == 2
    for sent in recorded:
        assert sent["verify"] not in (False, None, "")
        assert sent["timeout"] is not None
        assert sent["url"] == "https://panel.example/api/v2"  # the key is only in the body
        assert KEY not in sent["url"]


def test_a_session_passed_in_keeps_verifying(recorded: list[dict[str, Any]]) -> None:
    session = requests.Session()
    with session, Client("https://panel.example/api/v2", KEY, session=session) as client:
        client.balance()
    assert recorded[0]["verify"] not in (False, None, "")


def test_a_ca_bundle_in_the_environment_is_not_turned_into_no_verification(
    recorded: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch, ca_file: str
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", ca_file)
    with Client("https://panel.example/api/v2", KEY) as client:
        client.balance()
    assert recorded[0]["verify"] == ca_file


def test_an_explicit_private_ca_reaches_requests(
    recorded: list[dict[str, Any]], ca_file: str
) -> None:
    with Client("https://panel.example/api/v2", KEY, verify=ca_file) as client:
        client.balance()
    assert recorded[0]["verify"] == ca_file
