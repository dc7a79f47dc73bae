"""The HTTP side: keep-alive, timeouts, paths, methods, bodies, life cycle, threads."""

from __future__ import annotations

import socket
import threading
import time
from decimal import Decimal

import pytest
import requests
from _fakeapi import Api

from smmpanel.testing import FakePanel, RecordedRequest


def test_keep_alive_reuses_one_connection(api: Api, fake_panel: FakePanel) -> None:
    for _ in range(20):
        response = api.post("balance")
        assert response.headers["Connection"] == "keep-alive"
    assert {r.connection for r in fake_panel.ledger.requests} == {1}


def test_sequential_requests_are_not_slowed_by_nagle(api: Api) -> None:
    # A 40 ms delayed-ACK stall per request would make this take 8 s.
    started = time.monotonic()
    for _ in range(200):
        api.post("balance")
    assert time.monotonic() - started < 3


def test_connection_close_is_honoured(fake_panel: FakePanel, session: requests.Session) -> None:
    data = {"key": fake_panel.api_key, "action": "balance"}
    for _ in range(2):
        response = session.post(fake_panel.url, data=data, headers={"Connection": "close"})
        assert response.headers["Connection"] == "close"
    assert [r.connection for r in fake_panel.ledger.requests] == [1, 2]


def test_idle_timeout_closes_idle_connections(session: requests.Session) -> None:
    with FakePanel(idle_timeout=0.1) as panel:
        data = {"key": panel.api_key, "action": "balance"}
        session.post(panel.url, data=data)
        time.sleep(0.3)
        assert session.post(panel.url, data=data).status_code == 200
        assert [r.connection for r in panel.ledger.requests] == [1, 2]
        with socket.create_connection((panel.host, panel.port), timeout=2) as raw:
            started = time.monotonic()
            assert raw.recv(1) == b""  # closed by the server
            assert time.monotonic() - started < 1.5


def test_the_key_is_never_recorded(api: Api, fake_panel: FakePanel) -> None:
    api.post("add", service=1, link="https://x.y/z", quantity=100)
    api.session.post(fake_panel.url, data={"key": "guess", "action": "balance"})
    api.session.post(f"{fake_panel.url}?key={fake_panel.api_key}", data={"action": "balance"})
    good, bad, in_query = fake_panel.ledger.requests
    assert (good.key_ok, bad.key_ok, in_query.key_ok) == (True, False, False)
    assert in_query.key_in_query
    assert not good.key_in_query
    for request in (good, bad, in_query):
        assert "key" not in request.params
        assert "key" not in request.query
        assert fake_panel.api_key not in repr(request)
        assert fake_panel.api_key not in repr(fake_panel)
    assert good.params == {
        "action": "add",
        "service": "1",
        "link": "https://x.y/z",
        "quantity": "100",
    }
    assert good.headers["Content-Type"] == "application/x-www-form-urlencoded"


def test_only_form_bodies_count(api: Api, fake_panel: FakePanel) -> None:
    response = api.session.post(
        fake_panel.url, json={"key": fake_panel.api_key, "action": "balance"}
    )
    assert response.json() == {"error": "Invalid API key"}


def test_chunked_body(api: Api, fake_panel: FakePanel) -> None:
    body = f"key={fake_panel.api_key}&action=balance".encode()
    response = api.session.post(
        fake_panel.url,
        data=iter([body[:5], body[5:]]),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.json()["currency"] == "USD"
    assert fake_panel.ledger.requests[-1].headers["Transfer-Encoding"] == "chunked"


def test_other_paths_and_methods(api: Api, fake_panel: FakePanel) -> None:
    base = fake_panel.url.rsplit("/api/v2", 1)[0]
    response = api.session.post(
        f"{base}/api/v1", data={"key": fake_panel.api_key, "action": "balance"}
    )
    assert response.status_code == 404
    assert "404 Not Found" in response.text
    response = api.session.get(fake_panel.url, params={"action": "balance"})
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert [(r.method, r.status_code, r.acted) for r in fake_panel.ledger.requests] == [
        ("POST", 404, False),
        ("GET", 405, False),
    ]
    assert api("balance")["currency"] == "USD"  # the connection is still fine


def test_latency(api: Api, fake_panel: FakePanel) -> None:
    fake_panel.latency = 0.15
    started = time.monotonic()
    api("balance")
    assert time.monotonic() - started >= 0.15
    fake_panel.latency = 0
    with pytest.raises(ValueError, match="latency"):
        fake_panel.latency = -1


def test_custom_path_key_catalog_and_currency(session: requests.Session) -> None:
    services = [
        {
            "service": 77,
            "name": "Views",
            "type": "default",
            "category": "TikTok",
            "rate": 0.5,
            "min": 10,
            "max": 100,
        },
    ]
    with FakePanel(
        api_key="k", path="/v2", services=services, currency="EUR", balance=Decimal("1.5")
    ) as panel:
        assert panel.url.endswith("/v2")
        answer = session.post(panel.url, data={"key": "k", "action": "services"}).json()
        assert answer == [
            {
                "service": 77,
                "name": "Views",
                "type": "default",
                "category": "TikTok",
                "rate": "0.5",
                "min": "10",
                "max": "100",
            }
        ]
        data = {"key": "k", "action": "add", "service": 77, "link": "https://t.k/1", "quantity": 10}
        assert session.post(panel.url, data=data).json() == {"order": 23501}
        assert session.post(panel.url, data={"key": "k", "action": "balance"}).json() == {
            "balance": "1.49500",
            "currency": "EUR",
        }


@pytest.mark.parametrize(
    ("services", "message"),
    [
        ([{"service": 1, "rate": "1", "min": 1, "max": 1}] * 2, "duplicate"),
        ([{"service": 1, "rate": "x", "min": 1, "max": 1}], "rate"),
        ([{"service": 1, "rate": "1", "min": 5, "max": 1}], "min <= max"),
        ([{"service": "one", "rate": "1", "min": 1, "max": 1}], "integer"),
    ],
)
def test_bad_catalogs(services: list[dict[str, object]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FakePanel(services=services)


def test_life_cycle() -> None:
    panel = FakePanel()
    with pytest.raises(RuntimeError, match="start"):
        panel.url  # noqa: B018
    assert panel.start() is panel
    assert panel.start() is panel
    url = panel.url
    assert panel.running
    panel.stop()
    panel.stop()
    assert not panel.running
    assert panel.url == url
    with pytest.raises(requests.ConnectionError):
        requests.post(url, data={"action": "balance"}, timeout=2)
    with pytest.raises(RuntimeError, match="cannot be started again"):
        panel.start()


def test_stop_closes_open_keep_alive_connections(session: requests.Session) -> None:
    panel = FakePanel().start()
    session.post(panel.url, data={"key": panel.api_key, "action": "balance"})
    before = threading.active_count()
    started = time.monotonic()
    panel.stop()
    assert time.monotonic() - started < 1
    assert threading.active_count() < before


def test_concurrent_orders_are_consistent(fake_panel: FakePanel) -> None:
    errors: list[BaseException] = []

    def place() -> None:
        try:
            with requests.Session() as session:
                data = {
                    "key": fake_panel.api_key,
                    "action": "add",
                    "service": 1,
                    "link": "https://x.y/z",
                    "quantity": 100,
                }
                for _ in range(25):
                    assert "order" in session.post(fake_panel.url, data=data, timeout=5).json()
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=place) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    orders = fake_panel.ledger.orders
    assert [o.id for o in orders] == list(range(23501, 23501 + 200))
    assert fake_panel.balance == Decimal(100) - 200 * Decimal("0.09")
    assert len({r.connection for r in fake_panel.ledger.requests}) == 8


def test_recorded_request_is_plain_data(api: Api, fake_panel: FakePanel) -> None:
    api("balance")
    (request,) = fake_panel.ledger.requests
    assert isinstance(request, RecordedRequest)
    assert (request.method, request.path, request.action, request.status_code) == (
        "POST",
        "/api/v2",
        "balance",
        200,
    )
    assert fake_panel.ledger.actions() == ["balance"]
